// SPDX-License-Identifier: GPL-2.0
// The GIC's memory-mapped frames: their rows in the register-table engine
// (virt/kvm/reg_table.h) and the accessors. The same rows serve guest
// MMIO (Frame), KVM_{GET,SET}_DEVICE_ATTR and KVM_HAS_DEVICE_ATTR, as
// Linux 6.1's vgic-mmio-v2.c / vgic-mmio-v3.c, with the userspace
// semantics of the device documents (STATUSR, ISPENDR, ICPENDR).
#include "arch/arm64/vgic/gic_regs.h"
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {

// One access: the GIC, the banked CPU interface (the redistributor's, the
// accessing vCPU's, or the one userspace selected), the offset in the
// frame and the width.
struct RegAccess {
  Dist& d;
  CpuIf* cpu;
  u32 offset;
  u32 len;
  FollowUp* follow;  // null: the caller runs none (reads)
};

using Reg = MmioReg<RegAccess>;

// A v3 distributor block: SGIs and PPIs RAZ/WI.
constexpr u8 kSpiOnly = kRegDeviceFlags;

namespace mmio {

u64 raz(RegAccess&, const Reg&) { return 0; }
void wi(RegAccess&, const Reg&, u64) {}
kx::Status uwi(RegAccess&, const Reg&, u64) { return kx::Status::ok(); }

// The first interrupt a per-interrupt access covers, and how many.
u32 first_intid(const RegAccess& a, const Reg& r) {
  return (a.offset - r.offset) * 8 / r.bits_per_irq;
}
u32 irq_count(const RegAccess& a, const Reg& r) { return a.len * 8 / r.bits_per_irq; }

CpuIf* owner_of(RegAccess& a, const Irq& irq) {
  return irq.intid < kNrPrivateIrqs ? a.cpu : nullptr;
}

// f(irq, i) for each interrupt the access covers.
template <typename F>
void for_each_irq(RegAccess& a, const Reg& r, F f) KX_REQUIRES(a.d.lock) {
  const u32 first = first_intid(a, r), n = irq_count(a, r);
  for (u32 i = 0; i < n; i++) {
    if ((r.flags & kSpiOnly) && first + i < kNrPrivateIrqs) continue;
    Irq* irq = irq_at(a.d, a.cpu, first + i);
    if (irq) f(*irq, i);
  }
}

// The same for a write: f(irq, i) changes the interrupt and says whether
// it did; then changed() runs here, not in f, because the analysis checks
// a lambda as a function of its own, which does not hold a.d.lock.
template <typename F>
void update_irqs(RegAccess& a, const Reg& r, F f) KX_REQUIRES(a.d.lock) {
  const u32 first = first_intid(a, r), n = irq_count(a, r);
  for (u32 i = 0; i < n; i++) {
    if ((r.flags & kSpiOnly) && first + i < kNrPrivateIrqs) continue;
    Irq* irq = irq_at(a.d, a.cpu, first + i);
    if (irq && f(*irq, i)) changed(a.d, owner_of(a, *irq), *irq);
  }
}

// A 1-bit-per-interrupt field read as a bitmap.
template <bool (*kGet)(const Dist&, const Irq&)>
u64 read_bits(RegAccess& a, const Reg& r) KX_REQUIRES(a.d.lock) {
  u64 v = 0;
  for_each_irq(a, r, [&](Irq& irq, u32 i) {
    if (kGet(a.d, irq)) v |= 1ull << i;
  });
  return v;
}

bool get_group(const Dist&, const Irq& irq) { return irq.group1; }
bool get_enabled(const Dist&, const Irq& irq) { return irq.enabled; }
bool get_pending(const Dist&, const Irq& irq) { return irq.pending(); }
bool get_latch(const Dist& d, const Irq& irq) {
  // v3 userspace sees the latch (arm-vgic-v3.rst); v2 the pending state.
  return d.model() == kModelV3 ? irq.pending_latch : irq.pending();
}
bool get_active(const Dist&, const Irq& irq) { return irq.active; }

void write_group(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    irq.group1 = val >> i & 1;
    return true;
  });
}

// GICv2: userspace may write the groups only once it has written GICD_IIDR
// (arm-vgic.rst), so a VMM that never learnt of groups cannot restore the
// wrong ones.
kx::Status uwrite_group(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  if (a.d.model() == kModelV3 || a.d.v2_groups_user_writable()) write_group(a, r, val);
  return kx::Status::ok();
}

template <bool kSet>
void write_enable(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    if (!(val >> i & 1)) return false;
    irq.enabled = kSet;
    return true;
  });
}

// A GICv2 guest pends SGIs through GICD_SGIR and GICD_SPENDSGIR only; its
// ISPENDR0/ICPENDR0 SGI bits are WI. Userspace may set them (the source is
// then the vCPU itself, as KVM: the source cannot be restored this way).
template <bool kSet, bool kUser = false>
void write_pending(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  const u8 self = static_cast<u8>(a.cpu ? a.cpu->index : 0);
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    if (!(val >> i & 1)) return false;
    if (!kUser && a.d.model() == kModelV2 && irq.intid < kNrSgis) return false;
    latch_pending(a.d, irq, kSet, self);
    return true;
  });
}

// v3 userspace ISPENDR: the latch, set and cleared as written
// (vgic_v3_uaccess_write_pending()), whatever the trigger mode, so the
// order of restoring ICFGR and ISPENDR does not matter.
kx::Status uwrite_pending_v3(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  const u8 self = static_cast<u8>(a.cpu ? a.cpu->index : 0);
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    latch_pending(a.d, irq, val >> i & 1, self);
    return true;
  });
  return kx::Status::ok();
}

kx::Status uwrite_spending_v2(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  write_pending<true, true>(a, r, val);
  return kx::Status::ok();
}

kx::Status uwrite_cpending_v2(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  write_pending<false, true>(a, r, val);
  return kx::Status::ok();
}

template <bool kSet>
void write_active(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    if (!(val >> i & 1)) return false;
    irq.active = kSet;
    return true;
  });
}

template <bool kSet>
kx::Status uwrite_active(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  write_active<kSet>(a, r, val);
  return kx::Status::ok();
}

u64 read_priority(RegAccess& a, const Reg& r) KX_REQUIRES(a.d.lock) {
  u64 v = 0;
  for_each_irq(a, r, [&](Irq& irq, u32 i) { v |= static_cast<u64>(irq.priority) << (8 * i); });
  return v;
}

// Only the implemented priority bits are kept (VGIC_PRI_BITS).
void write_priority(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    irq.priority = static_cast<u8>(val >> (8 * i)) & kPriMask;
    return true;
  });
}

u64 read_config(RegAccess& a, const Reg& r) KX_REQUIRES(a.d.lock) {
  u64 v = 0;
  for_each_irq(a, r, [&](Irq& irq, u32 i) {
    if (irq.edge) v |= 2ull << (2 * i);
  });
  return v;
}

// vgic_mmio_write_config(): SGIs are edge-triggered and PPIs level, both
// read-only (the timer and the PMU rely on level PPIs).
void write_config(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    if (irq.intid < kNrPrivateIrqs) return false;
    irq.edge = val >> (2 * i + 1) & 1;
    return true;
  });
}

// GICD_IROUTER<n>: 64 bits per SPI; Aff2.Aff1.Aff0 kept, the upper word
// (Aff3, Interrupt_Routing_Mode) RAZ/WI as in KVM.
u64 read_irouter(RegAccess& a, const Reg& r) KX_REQUIRES(a.d.lock) {
  const u32 intid = (a.offset - r.offset) / 8;
  Irq* irq = intid >= kNrPrivateIrqs ? irq_at(a.d, nullptr, intid) : nullptr;
  if (!irq || (a.offset & 4)) return 0;
  return a.len == 8 ? irq->mpidr : static_cast<u32>(irq->mpidr);
}

void write_irouter(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  const u32 intid = (a.offset - r.offset) / 8;
  Irq* irq = intid >= kNrPrivateIrqs ? irq_at(a.d, nullptr, intid) : nullptr;
  if (!irq || (a.offset & 4)) return;
  // The interrupt leaves its old vCPU's candidates implicitly: the SPI
  // bitmap is shared and filtered by target.
  irq->mpidr = static_cast<u32>(val & 0xffffff);
  irq->target = mpidr_to_index(a.d, irq->mpidr);
  changed(a.d, nullptr, *irq);
}

// GICD_ITARGETSR (v2): a private interrupt reads as its own CPU, SPIs
// keep the targets among the VM's CPUs.
u64 read_targets(RegAccess& a, const Reg& r) KX_REQUIRES(a.d.lock) {
  u64 v = 0;
  for_each_irq(a, r, [&](Irq& irq, u32 i) {
    const u8 t =
        irq.intid < kNrPrivateIrqs ? static_cast<u8>(1u << (a.cpu->index & 7)) : irq.targets;
    v |= static_cast<u64>(t) << (8 * i);
  });
  return v;
}

void write_targets(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  const u32 online = static_cast<u32>(a.d.vcpus().size());
  const u8 mask = static_cast<u8>((1u << (online < 8 ? online : 8)) - 1);
  update_irqs(a, r, [&](Irq& irq, u32 i) {
    if (irq.intid < kNrPrivateIrqs) return false;
    irq.targets = static_cast<u8>(val >> (8 * i)) & mask;
    irq.target = irq.targets ? static_cast<u16>(__builtin_ctz(irq.targets)) : 0;
    return true;
  });
}

// GICD_STATUSR / GICR_STATUSR: the four error bits, write-one-to-clear for
// the guest; userspace sets them directly (arm-vgic-v3.rst).
constexpr u32 kStatusrBits = 0xf;
u64 read_dist_statusr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) { return a.d.statusr(); }
void write_dist_statusr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  a.d.statusr() &= ~(static_cast<u32>(val) & kStatusrBits);
}
kx::Status uwrite_dist_statusr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  a.d.statusr() = static_cast<u32>(val) & kStatusrBits;
  return kx::Status::ok();
}
u64 read_rd_statusr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) { return a.cpu->statusr; }
void write_rd_statusr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  a.cpu->statusr &= ~(static_cast<u32>(val) & kStatusrBits);
}
kx::Status uwrite_rd_statusr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  a.cpu->statusr = static_cast<u32>(val) & kStatusrBits;
  return kx::Status::ok();
}

u32 iidr(Dist& d) KX_REQUIRES(d.lock) {
  return kProductKvm << 24 | d.implementation_rev() << kIidrRevShift | kImplementerArm;
}

// GICD_IIDR from userspace: only the revision may differ from what is
// read, and it must be one KVM implements (KVM_VGIC_IMP_REV_2/3).
kx::Status uwrite_iidr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  const u32 v = static_cast<u32>(val);
  if ((v ^ iidr(a.d)) & ~kIidrRevMask) return kx::error(kx::kEINVAL);
  const u32 rev = (v & kIidrRevMask) >> kIidrRevShift;
  if (rev != kImpRev2 && rev != kImpRev3) return kx::error(kx::kEINVAL);
  a.d.implementation_rev() = rev;
  if (a.d.model() == kModelV2) a.d.v2_groups_user_writable() = true;
  return kx::Status::ok();
}

// v3 GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_TYPER2: one 16-byte row.
constexpr u32 kCtlrEnableG1 = 1u << 1, kCtlrAreNs = 1u << 4, kCtlrDs = 1u << 6;
constexpr u32 kIdBitsSpis = 10;  // INTERRUPT_ID_BITS_SPIS
constexpr u32 kTyperLpis = 1u << 17;

u64 read_v3_misc(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  switch (a.offset & 0xc) {
    case 0x0:
      return (a.d.enabled() ? kCtlrEnableG1 : 0) | kCtlrAreNs | kCtlrDs;
    case 0x4:
      if (a.d.has_its.load()) return (a.d.nr_irqs() / 32 - 1) | (kLpiIdBits - 1) << 19 | kTyperLpis;
      return (a.d.nr_irqs() / 32 - 1) | (kIdBitsSpis - 1) << 19;
    case 0x8:
      return iidr(a.d);
  }
  return 0;  // GICD_TYPER2: no vSGIs without GICv4.1
}

void write_v3_misc(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if ((a.offset & 0xc) != 0) return;
  const bool was = a.d.enabled();
  a.d.enabled() = val & kCtlrEnableG1;
  if (!was && a.d.enabled()) kick_all(a.d);
}

kx::Status uwrite_v3_misc(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  switch (a.offset & 0xc) {
    case 0x8:
      return uwrite_iidr(a, r, val);
    case 0xc:  // GICD_TYPER2 must be what it reads
      return val == read_v3_misc(a, r) ? kx::Status::ok() : kx::error(kx::kEINVAL);
  }
  write_v3_misc(a, r, val);
  return kx::Status::ok();
}

// v2 GICD_CTLR, GICD_TYPER, GICD_IIDR.
u64 read_v2_misc(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  switch (a.offset & 0xc) {
    case 0x0:
      return a.d.enabled() ? 1 : 0;
    case 0x4:
      return (a.d.nr_irqs() / 32 - 1) | (static_cast<u32>(a.d.vcpus().size()) - 1) << 5;
    case 0x8:
      return iidr(a.d);
  }
  return 0;
}

void write_v2_misc(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if ((a.offset & 0xc) != 0) return;
  const bool was = a.d.enabled();
  a.d.enabled() = val & 1;
  if (!was && a.d.enabled()) kick_all(a.d);
}

kx::Status uwrite_v2_misc(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  if ((a.offset & 0xc) == 0x8) return uwrite_iidr(a, r, val);
  write_v2_misc(a, r, val);
  return kx::Status::ok();
}

// GICD_PIDR2 / GICR_PIDR2 report the architecture version; the other ID
// registers RAZ.
u64 read_idregs(RegAccess& a, const Reg&) {
  return (a.offset & 0xffff) == regs::GICD_PIDR2 ? kPidr2GicV3 : 0;
}

// v2 GICD_SGIR: target list, all but self, or self.
void write_sgir(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  const u32 intid = val & 0xf, mode = (val >> 24) & 3;
  const u16 self = a.cpu->index;
  u64 targets[kV3MaxCpus / 64] = {};
  switch (mode) {
    case 0:
      targets[0] = (val >> 16) & 0xff;
      break;
    case 1:
      targets[0] = ((1ull << a.d.vcpus().size()) - 1) & ~(1ull << self);
      break;
    case 2:
      targets[0] = 1ull << self;
      break;
    default:
      return;
  }
  send_sgi(a.d, self, intid, targets, true);
}

// GICD_CPENDSGIR / GICD_SPENDSGIR: a byte of source CPUs per SGI.
u64 read_sgi_pending(RegAccess& a, const Reg& r) KX_REQUIRES(a.d.lock) {
  u64 v = 0;
  const u32 first = (a.offset - r.offset);
  for (u32 i = 0; i < a.len; i++) v |= static_cast<u64>(a.cpu->priv[first + i].sources) << (8 * i);
  return v;
}

template <bool kSet>
void write_sgi_pending(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  const u32 first = (a.offset - r.offset);
  for (u32 i = 0; i < a.len; i++) {
    Irq& irq = a.cpu->priv[first + i];
    const u8 bits = static_cast<u8>(val >> (8 * i));
    irq.sources = kSet ? irq.sources | bits : irq.sources & static_cast<u8>(~bits);
    irq.pending_latch = irq.sources != 0;
    changed(a.d, a.cpu, irq);
  }
}

template <bool kSet>
kx::Status uwrite_sgi_pending(RegAccess& a, const Reg& r, u64 val) KX_REQUIRES(a.d.lock) {
  write_sgi_pending<kSet>(a, r, val);
  return kx::Status::ok();
}

// The v3 redistributor's RD frame.
constexpr u32 kRctlrEnableLpis = 1u << 0, kRctlrCes = 1u << 1, kRctlrIr = 1u << 2;
constexpr u64 kTyperPlpis = 1u << 0;

u64 read_rd_ctlr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return (a.cpu->lpis_enabled ? kRctlrEnableLpis : 0) |
         (a.d.implementation_rev() >= kImpRev3 ? kRctlrIr | kRctlrCes : 0);
}

// vgic_mmio_write_v3r_ctlr(): EnableLPIs only with an ITS. Turning it on
// loads the pending table (unless PENDBASER.PTZ says it is zero); turning
// it off drops the pending LPIs this redistributor had.
constexpr u64 kPendPtz = 1ull << 62;
void write_rd_ctlr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if (!a.d.has_its.load()) return;
  CpuIf& c = *a.cpu;
  const bool enable = val & kRctlrEnableLpis;
  if (enable == c.lpis_enabled) return;
  c.lpis_enabled = enable;
  if (enable) {
    if (!(c.pendbaser & kPendPtz) && a.follow) a.follow->kind = FollowUp::kSyncPendingTable;
    kick(a.d, c.index);
    return;
  }
  for (u32 w = 0; w < kx::array_size(a.d.lpi_candidates()); w++) {
    for (u64 bits = a.d.lpi_candidates()[w]; bits; bits &= bits - 1) {
      Irq* irq = a.d.lpi(w * 64 + __builtin_ctzll(bits));
      if (irq->target != c.index) continue;
      irq->pending_latch = false;
      changed(a.d, nullptr, *irq);
    }
  }
}

// GICR_INVLPIR / GICR_INVALLR: the low word names the LPI; both act only
// while LPIs are enabled here, and need the configuration table.
void write_invlpi(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if ((a.offset & 4) || !a.cpu->lpis_enabled || !a.follow) return;
  const u32 intid = static_cast<u32>(val);
  if (intid < kLpiBase) return;
  *a.follow = FollowUp{FollowUp::kInvLpi, intid};
}
void write_invall(RegAccess& a, const Reg&, u64) KX_REQUIRES(a.d.lock) {
  if ((a.offset & 4) || !a.cpu->lpis_enabled || !a.follow) return;
  a.follow->kind = FollowUp::kInvAll;
}

u64 read_rd_iidr(RegAccess&, const Reg&) { return kProductKvm << 24 | kImplementerArm; }

u64 read_rd_typer(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  const u64 plpis = a.d.has_its.load() ? kTyperPlpis : 0;
  return extract_bytes(redist_typer(a.d, *a.cpu) | plpis, a.offset, a.len);
}

// PROPBASER/PENDBASER: RES0 bits cleared and the cacheability and
// shareability fields sanitised as KVM does, so what is read back is
// what a guest would see.
constexpr u64 kPropRes0 = 0xf800000000000000ull | 0x00f0000000000000ull | 0x60ull;
constexpr u64 kPendRes0 =
    (1ull << 63) | 0x3800000000000000ull | 0x00f0000000000000ull | 0xf000ull | 0x7full;

u64 sanitise(u64 reg, u32 shift, u64 width_mask, u64 (*fn)(u64)) {
  const u64 field = (reg >> shift) & width_mask;
  return (reg & ~(width_mask << shift)) | (fn(field) << shift);
}
u64 shareability(u64 f) { return f == 2 ? 1 : f; }           // outer -> inner shareable
u64 inner_cache(u64 f) { return f == 0 || f == 1 ? 3 : f; }  // nCnB, nC -> RaWb
u64 outer_cache(u64 f) { return f == 0 || f == 1 ? f : 0; }  // else SameAsInner

u64 sanitise_baser(u64 v) {
  v = sanitise(v, 10, 3, shareability);
  v = sanitise(v, 7, 7, inner_cache);
  return sanitise(v, 56, 7, outer_cache);
}

// GICR_PROPBASER is one register for the whole GIC in KVM (every
// redistributor shows the same value: dist->propbaser); PENDBASER is each
// redistributor's.
u64 read_propbase(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return extract_bytes(a.d.propbaser(), a.offset, a.len);
}
// Storing either with LPIs enabled on this redistributor is UNPREDICTABLE:
// KVM ignores it.
void write_propbase(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if (a.cpu->lpis_enabled) return;
  a.d.propbaser() =
      sanitise_baser(update_64bit_reg(a.d.propbaser(), a.offset, a.len, val)) & ~kPropRes0;
}
u64 read_pendbase(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return extract_bytes(a.cpu->pendbaser & ~kPendPtz, a.offset, a.len);
}
void write_pendbase(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if (a.cpu->lpis_enabled) return;
  a.cpu->pendbaser =
      sanitise_baser(update_64bit_reg(a.cpu->pendbaser, a.offset, a.len, val)) & ~kPendRes0;
}

// The v2 CPU interface (GICC_*).
constexpr u32 kGiccCtlrGrp0 = 1, kGiccCtlrGrp1 = 2, kGiccCtlrAckCtl = 4, kGiccCtlrFiqEn = 8,
              kGiccCtlrCbpr = 16, kGiccCtlrEoiMode = 1u << 9;

u64 read_gicc_ctlr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  const CpuIf& c = *a.cpu;
  return (c.grpen0 ? kGiccCtlrGrp0 : 0) | (c.grpen1 ? kGiccCtlrGrp1 : 0) |
         (c.ackctl ? kGiccCtlrAckCtl : 0) | (c.fiqen ? kGiccCtlrFiqEn : 0) |
         (c.cbpr ? kGiccCtlrCbpr : 0) | (c.eoimode ? kGiccCtlrEoiMode : 0);
}

void write_gicc_ctlr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  CpuIf& c = *a.cpu;
  c.grpen0 = val & kGiccCtlrGrp0;
  c.grpen1 = val & kGiccCtlrGrp1;
  c.ackctl = val & kGiccCtlrAckCtl;
  c.fiqen = val & kGiccCtlrFiqEn;
  c.cbpr = val & kGiccCtlrCbpr;
  c.eoimode = val & kGiccCtlrEoiMode;
  kick(a.d, c.index);
}

u64 read_gicc_pmr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) { return a.cpu->pmr; }
void write_gicc_pmr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  a.cpu->pmr = static_cast<u8>(val) & kPriMask;
  kick(a.d, a.cpu->index);
}
// Userspace sees GICC_PMR as GICH_VMCR.VMPriMask: 5 bits (arm-vgic.rst).
u64 uread_gicc_pmr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) { return a.cpu->pmr >> 3; }
kx::Status uwrite_gicc_pmr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  a.cpu->pmr = static_cast<u8>((val & 0x1f) << 3);
  return kx::Status::ok();
}

constexpr u8 kMinBpr0 = 7 - kPriBits, kMinBpr1 = kMinBpr0 + 1;
u64 read_gicc_bpr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) { return a.cpu->bpr0; }
void write_gicc_bpr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  const u8 v = val & 7;
  a.cpu->bpr0 = v < kMinBpr0 ? kMinBpr0 : v;
}
u64 read_gicc_abpr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) { return a.cpu->bpr1; }
void write_gicc_abpr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  const u8 v = val & 7;
  a.cpu->bpr1 = v < kMinBpr1 ? kMinBpr1 : v;
}

u64 read_gicc_iar(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return acknowledge(a.d, *a.cpu, false, true);
}
u64 read_gicc_aiar(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return acknowledge(a.d, *a.cpu, true, false);
}
void write_gicc_eoir(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  end_of_interrupt(a.d, *a.cpu, static_cast<u32>(val));
}
void write_gicc_dir(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  deactivate(a.d, *a.cpu, static_cast<u32>(val));
}
u64 read_gicc_rpr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  const u32 p = running_priority(*a.cpu);
  return p == kIdleRunningPriority ? 0xff : p;
}
u64 read_gicc_hppir(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return highest_pending(a.d, *a.cpu, false, true);
}
u64 read_gicc_ahppir(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return highest_pending(a.d, *a.cpu, true, false);
}

// GICC_APRn, userspace view: one combined set of preemption levels; with
// 5 priority bits only APR0 has any (arm-vgic.rst).
u64 read_gicc_apr(RegAccess& a, const Reg&) KX_REQUIRES(a.d.lock) {
  return (a.offset & 0xc) ? 0 : a.cpu->ap0r[0] | a.cpu->ap1r[0];
}
void write_gicc_apr(RegAccess& a, const Reg&, u64 val) KX_REQUIRES(a.d.lock) {
  if (a.offset & 0xc) return;
  a.cpu->ap0r[0] = static_cast<u32>(val);
  a.cpu->ap1r[0] = 0;
}

u64 read_gicc_iidr(RegAccess&, const Reg&) {
  return kProductKvm << 20 | 2u << 16 | kImplementerArm;
}

// Row builders.
constexpr Reg row(u32 off, u32 len, u8 flags, Reg::ReadFn rd, Reg::WriteFn wr,
                  Reg::ReadFn ur = nullptr, Reg::UWriteFn uw = nullptr) {
  return Reg{off, len, 0, flags, rd, wr, ur, uw};
}
constexpr Reg irqs(u32 off, u8 bpi, u8 flags, Reg::ReadFn rd, Reg::WriteFn wr,
                   Reg::ReadFn ur = nullptr, Reg::UWriteFn uw = nullptr) {
  return Reg{off, bpi * 1024u / 8, bpi, flags, rd, wr, ur, uw};
}
constexpr Reg sgi_frame(u32 off, u8 bpi, u8 flags, Reg::ReadFn rd, Reg::WriteFn wr,
                        Reg::ReadFn ur = nullptr, Reg::UWriteFn uw = nullptr) {
  return Reg{regs::SGI_BASE + off, bpi * kNrPrivateIrqs / 8, bpi, flags, rd, wr, ur, uw};
}

constexpr u8 k32 = kW32 | kUser, k8_32 = kW8 | kW32 | kUser, k32_64 = kW32 | kW64 | kUser;
constexpr u8 kSpi32 = k32 | kSpiOnly, kSpi8_32 = k8_32 | kSpiOnly;

using namespace regs;

constexpr Reg kV3Dist[] = {
    row(GICD_CTLR, 16, k32, read_v3_misc, write_v3_misc, nullptr, uwrite_v3_misc),
    row(GICD_STATUSR, 4, k32, read_dist_statusr, write_dist_statusr, nullptr, uwrite_dist_statusr),
    irqs(GICD_IGROUPR, 1, kSpi32, read_bits<get_group>, write_group, nullptr, uwrite_group),
    irqs(GICD_ISENABLER, 1, kSpi32, read_bits<get_enabled>, write_enable<true>),
    irqs(GICD_ICENABLER, 1, kSpi32, read_bits<get_enabled>, write_enable<false>),
    irqs(GICD_ISPENDR, 1, kSpi32, read_bits<get_pending>, write_pending<true>, read_bits<get_latch>,
         uwrite_pending_v3),
    irqs(GICD_ICPENDR, 1, kSpi32, read_bits<get_pending>, write_pending<false>, raz, uwi),
    irqs(GICD_ISACTIVER, 1, kSpi32, read_bits<get_active>, write_active<true>, nullptr,
         uwrite_active<true>),
    irqs(GICD_ICACTIVER, 1, kSpi32, read_bits<get_active>, write_active<false>, nullptr,
         uwrite_active<false>),
    irqs(GICD_IPRIORITYR, 8, kSpi8_32, read_priority, write_priority),
    irqs(GICD_ITARGETSR, 8, kSpi8_32, raz, wi),  // affinity routing
    irqs(GICD_ICFGR, 2, kSpi32, read_config, write_config),
    irqs(GICD_IGRPMODR, 1, kSpi32, raz, wi),
    irqs(GICD_IROUTER, 64, k32_64 | kSpiOnly, read_irouter, write_irouter),
    row(GICD_IDREGS, 48, k32, read_idregs, wi),
};

constexpr Reg kV3Redist[] = {
    row(GICR_CTLR, 4, k32, read_rd_ctlr, write_rd_ctlr),
    row(GICR_IIDR, 4, k32, read_rd_iidr, wi),
    row(GICR_TYPER, 8, k32_64, read_rd_typer, wi, nullptr, uwi),
    row(GICR_STATUSR, 4, k32, read_rd_statusr, write_rd_statusr, nullptr, uwrite_rd_statusr),
    row(GICR_WAKER, 4, k32, raz, wi),
    row(GICR_PROPBASER, 8, k32_64, read_propbase, write_propbase),
    row(GICR_PENDBASER, 8, k32_64, read_pendbase, write_pendbase),
    row(GICR_INVLPIR, 8, k32_64, raz, write_invlpi),
    row(GICR_INVALLR, 8, k32_64, raz, write_invall),
    row(GICR_SYNCR, 4, k32, raz, wi),  // never busy
    row(GICR_IDREGS, 48, k32, read_idregs, wi),
    sgi_frame(GICR_IGROUPR0, 1, k32, read_bits<get_group>, write_group),
    sgi_frame(GICR_ISENABLER0, 1, k32, read_bits<get_enabled>, write_enable<true>),
    sgi_frame(GICR_ICENABLER0, 1, k32, read_bits<get_enabled>, write_enable<false>),
    sgi_frame(GICR_ISPENDR0, 1, k32, read_bits<get_pending>, write_pending<true>,
              read_bits<get_latch>, uwrite_pending_v3),
    sgi_frame(GICR_ICPENDR0, 1, k32, read_bits<get_pending>, write_pending<false>, raz, uwi),
    sgi_frame(GICR_ISACTIVER0, 1, k32, read_bits<get_active>, write_active<true>, nullptr,
              uwrite_active<true>),
    sgi_frame(GICR_ICACTIVER0, 1, k32, read_bits<get_active>, write_active<false>, nullptr,
              uwrite_active<false>),
    sgi_frame(GICR_IPRIORITYR0, 8, k8_32, read_priority, write_priority),
    sgi_frame(GICR_ICFGR0, 2, k32, read_config, write_config),
    sgi_frame(GICR_IGRPMODR0, 1, k32, raz, wi),
    row(SGI_BASE + GICR_NSACR, 4, k32, raz, wi),
};

constexpr Reg kV2Dist[] = {
    row(GICD_CTLR, 12, k32, read_v2_misc, write_v2_misc, nullptr, uwrite_v2_misc),
    irqs(GICD_IGROUPR, 1, k32, read_bits<get_group>, write_group, nullptr, uwrite_group),
    irqs(GICD_ISENABLER, 1, k32, read_bits<get_enabled>, write_enable<true>),
    irqs(GICD_ICENABLER, 1, k32, read_bits<get_enabled>, write_enable<false>),
    irqs(GICD_ISPENDR, 1, k32, read_bits<get_pending>, write_pending<true>, nullptr,
         uwrite_spending_v2),
    irqs(GICD_ICPENDR, 1, k32, read_bits<get_pending>, write_pending<false>, nullptr,
         uwrite_cpending_v2),
    irqs(GICD_ISACTIVER, 1, k32, read_bits<get_active>, write_active<true>, nullptr,
         uwrite_active<true>),
    irqs(GICD_ICACTIVER, 1, k32, read_bits<get_active>, write_active<false>, nullptr,
         uwrite_active<false>),
    irqs(GICD_IPRIORITYR, 8, k8_32, read_priority, write_priority),
    irqs(GICD_ITARGETSR, 8, k8_32, read_targets, write_targets),
    irqs(GICD_ICFGR, 2, k32, read_config, write_config),
    row(GICD_SGIR, 4, k32, raz, write_sgir),
    row(GICD_CPENDSGIR, 16, k8_32, read_sgi_pending, write_sgi_pending<false>, nullptr,
        uwrite_sgi_pending<false>),
    row(GICD_SPENDSGIR, 16, k8_32, read_sgi_pending, write_sgi_pending<true>, nullptr,
        uwrite_sgi_pending<true>),
};

constexpr Reg kV2Cpu[] = {
    row(GIC_CPU_CTRL, 4, k32, read_gicc_ctlr, write_gicc_ctlr),
    row(GIC_CPU_PRIMASK, 4, k32, read_gicc_pmr, write_gicc_pmr, uread_gicc_pmr, uwrite_gicc_pmr),
    row(GIC_CPU_BINPOINT, 4, k32, read_gicc_bpr, write_gicc_bpr),
    row(GIC_CPU_INTACK, 4, kW32, read_gicc_iar, wi),
    row(GIC_CPU_EOI, 4, kW32, raz, write_gicc_eoir),
    row(GIC_CPU_RUNNINGPRI, 4, kW32, read_gicc_rpr, wi),
    row(GIC_CPU_HIGHPRI, 4, kW32, read_gicc_hppir, wi),
    row(GIC_CPU_ALIAS_BINPOINT, 4, k32, read_gicc_abpr, write_gicc_abpr),
    row(GIC_CPU_ALIAS_INTACK, 4, kW32, read_gicc_aiar, wi),
    row(GIC_CPU_ALIAS_EOI, 4, kW32, raz, write_gicc_eoir),
    row(GIC_CPU_ALIAS_HIGHPRI, 4, kW32, read_gicc_ahppir, wi),
    row(GIC_CPU_ACTIVEPRIO, 16, k32, read_gicc_apr, write_gicc_apr),
    row(GIC_CPU_NSACTIVEPRIO, 16, kW32, raz, wi),
    row(GIC_CPU_IDENT, 4, k32, read_gicc_iidr, wi),
    row(GIC_CPU_DEACTIVATE, 4, kW32, raz, write_gicc_dir),
};

static_assert(sorted_disjoint(kV3Dist) && sorted_disjoint(kV3Redist) && sorted_disjoint(kV2Dist) &&
              sorted_disjoint(kV2Cpu));

// A per-interrupt block reaches only the GIC's interrupts; their number
// is an atomic load, which the engine takes for those rows only.
const Reg* lookup(const Dist& d, const RegTable& t, u64 offset, u32 len) {
  return access_reg(t, offset, len, [&d] { return d.nr_irqs(); });
}

}  // namespace mmio

const RegTable kV3DistTable = make_table(mmio::kV3Dist);
const RegTable kV3RedistTable = make_table(mmio::kV3Redist);
const RegTable kV2DistTable = make_table(mmio::kV2Dist);
const RegTable kV2CpuTable = make_table(mmio::kV2Cpu);

// Userspace's accesses are aligned 32-bit ones.
bool reg_exists(Dist& d, const RegTable& t, u32 offset) {
  const Reg* r = mmio::lookup(d, t, offset, 4);
  return r && (r->flags & kUser);
}

// vgic_uaccess(): a register that does not exist reads as 0 and ignores
// writes, as KVM (HAS_DEVICE_ATTR is how userspace asks).
kx::Status reg_uaccess(Dist& d, const RegTable& t, CpuIf* cpu, u32 offset, bool write, u32* val,
                       FollowUp* follow) {
  const Reg* r = mmio::lookup(d, t, offset, 4);
  if (!r || !(r->flags & kUser)) {
    if (!write) *val = 0;
    return kx::Status::ok();
  }
  RegAccess a{d, cpu, offset, 4, follow};
  if (write) return uwrite_reg(a, *r, *val);
  *val = static_cast<u32>(uread_reg(a, *r));
  return kx::Status::ok();
}

CpuIf* Frame::redist_cpu(Dist& d, Vcpu& vcpu) {
  if (redist_ == kNoVcpu) return &cpuif(vcpu);
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  return redist_ < vcpus.size() && vcpus[redist_] ? &cpuif(*vcpus[redist_]) : nullptr;
}

kx::Status Frame::read(Vcpu& vcpu, u64 offset, u32 len, u64* data) {
  Dist& d = dist_of(*vm_);
  kx::IrqSaveGuard guard(&d.lock);
  CpuIf* cpu = redist_cpu(d, vcpu);
  const Reg* r = cpu ? mmio::lookup(d, *table_, offset, len) : nullptr;
  if (!r) {
    *data = 0;  // RAZ/WI, as KVM's dispatch_mmio_read()
    return kx::Status::ok();
  }
  RegAccess a{d, cpu, static_cast<u32>(offset), len, nullptr};
  *data = r->read(a, *r);
  return kx::Status::ok();
}

kx::Status Frame::write(Vcpu& vcpu, u64 offset, u32 len, u64 data) {
  Dist& d = dist_of(*vm_);
  FollowUp follow;
  CpuIf* cpu;
  const bool wanted = vm_->irqfds().wants_acks();
  bool acked;
  {
    kx::IrqSaveGuard guard(&d.lock);
    cpu = redist_cpu(d, vcpu);
    const Reg* r = cpu ? mmio::lookup(d, *table_, offset, len) : nullptr;
    if (!r) return kx::Status::ok();
    RegAccess a{d, cpu, static_cast<u32>(offset), len, &follow};
    r->write(a, *r, data);
    acked = take_acked(d, wanted);
  }
  // The vCPU table is fixed since CTRL_INIT, so `cpu` outlives the lock.
  if (follow.kind != FollowUp::kNone) run_follow_up(*vm_, *cpu, follow);
  if (acked) notify_acked(*vm_);
  return kx::Status::ok();
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
