// SPDX-License-Identifier: GPL-2.0
// The GICv3 CPU interface: the ICC_* system registers as one table, each
// row with the guest's access (through the guest-access extension) and,
// for the 15 registers KVM saves and restores, userspace's
// (KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, as 6.1's vgic-sys-reg-v3.c).
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {
namespace icc {

using GuestRead = u64 (*)(Dist& d, CpuIf& c, u32 enc);
using GuestWrite = void (*)(Dist& d, CpuIf& c, u32 enc, u64 val, u16 self);
using UserGet = kx::Status (*)(Dist& d, CpuIf& c, u32 enc, u64* val);
using UserSet = kx::Status (*)(Dist& d, CpuIf& c, u32 enc, u64 val);

struct IccReg {
  u16 enc;
  GuestRead read;    // null: write-only (an access reads 0)
  GuestWrite write;  // null: read-only (writes ignored)
  UserGet get;       // null: not reachable from userspace
  UserSet set;
};

// The emulated ICH_VTR_EL2: 5 priority bits, 16-bit INTIDs, no SEIS, A3V.
constexpr u64 kCtlrPriBitsShift = 8, kCtlrIdBitsShift = 11, kCtlrSeis = 1ull << 14,
              kCtlrA3v = 1ull << 15, kCtlrCbpr = 1, kCtlrEoiMode = 2;
constexpr u64 kHostIdBits = 0;  // 16 bits
constexpr bool kHostSeis = false, kHostA3v = true;
constexpr u64 kSreSre = 1, kSreDfb = 2, kSreDib = 4;
constexpr u8 kMinBpr0 = 7 - kPriBits, kMinBpr1 = kMinBpr0 + 1;

u8 clamp_bpr(u64 v, u8 min) { return (v & 7) < min ? min : static_cast<u8>(v & 7); }
// vgic_v3_max_apr_idx(): APRs beyond the implemented preemption levels.
u32 max_apr_index(const CpuIf& c) { return c.pri_bits > 6 ? 3 : c.pri_bits == 6 ? 1 : 0; }

u64 read_pmr(Dist&, CpuIf& c, u32) { return c.pmr; }
void write_pmr(Dist& d, CpuIf& c, u32, u64 v, u16) KX_REQUIRES(d.lock) {
  c.pmr = static_cast<u8>(v) & kPriMask;
  kick(d, c.index);
}
u64 read_bpr0(Dist&, CpuIf& c, u32) { return c.bpr0; }
void write_bpr0(Dist&, CpuIf& c, u32, u64 v, u16) { c.bpr0 = clamp_bpr(v, kMinBpr0); }
// With CBPR, BPR1 reads as BPR0 + 1 and ignores writes (ICC_BPR1_EL1).
u64 read_bpr1(Dist&, CpuIf& c, u32) {
  return c.cbpr ? (c.bpr0 + 1u > 7 ? 7 : c.bpr0 + 1u) : c.bpr1;
}
void write_bpr1(Dist&, CpuIf& c, u32, u64 v, u16) {
  if (!c.cbpr) c.bpr1 = clamp_bpr(v, kMinBpr1);
}
u64 read_iar0(Dist& d, CpuIf& c, u32) KX_REQUIRES(d.lock) {
  return acknowledge(d, c, false, false);
}
u64 read_iar1(Dist& d, CpuIf& c, u32) KX_REQUIRES(d.lock) { return acknowledge(d, c, true, false); }
void write_eoir(Dist& d, CpuIf& c, u32, u64 v, u16) KX_REQUIRES(d.lock) {
  end_of_interrupt(d, c, static_cast<u32>(v));
}
void write_dir(Dist& d, CpuIf& c, u32, u64 v, u16) KX_REQUIRES(d.lock) {
  deactivate(d, c, static_cast<u32>(v));
}
u64 read_hppir0(Dist& d, CpuIf& c, u32) KX_REQUIRES(d.lock) {
  return highest_pending(d, c, false, false);
}
u64 read_hppir1(Dist& d, CpuIf& c, u32) KX_REQUIRES(d.lock) {
  return highest_pending(d, c, true, false);
}
u64 read_rpr(Dist&, CpuIf& c, u32) {
  const u32 p = running_priority(c);
  return p == kIdleRunningPriority ? 0xff : p;
}

// ICC_SGI1R_EL1 / ICC_SGI0R_EL1 / ICC_ASGI1R_EL1: INTID, the affinity of
// the cluster and a 16-bit list of Aff0 there, or every vCPU but the
// sender (IRM). Only SGI1R may make Group 1 SGIs pending.
void write_sgi(Dist& d, CpuIf& c, u32 enc, u64 v, u16 self) KX_REQUIRES(d.lock) {
  const u32 intid = (v >> 24) & 0xf;
  const bool broadcast = (v >> 40) & 1;
  const u64 aff = ((v >> 16) & 0xff) << 8 | ((v >> 32) & 0xff) << 16 | ((v >> 48) & 0xffull) << 32;
  const u16 list = v & 0xffff;
  u64 targets[kV3MaxCpus / 64] = {};
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  for (u16 i = 0; i < vcpus.size(); i++) {
    if (!vcpus[i]) continue;
    if (broadcast) {
      if (i != self) targets[i / 64] |= 1ull << (i % 64);
      continue;
    }
    const u64 mpidr = vcpu_mpidr(*vcpus[i]) & kMpidrAffMask;
    if ((mpidr & ~0xffull) != aff) continue;
    const u32 aff0 = mpidr & 0xff;
    if (aff0 < 16 && (list >> aff0 & 1)) targets[i / 64] |= 1ull << (i % 64);
  }
  const bool group1 = enc == sysreg_enc(3, 0, 12, 11, 5);
  send_sgi(d, self, intid, targets, group1);
  (void)c;
}

template <bool kGroup1>
u64 read_apr(Dist&, CpuIf& c, u32 enc) {
  return (kGroup1 ? c.ap1r : c.ap0r)[enc & 3];
}
template <bool kGroup1>
void write_apr(Dist& d, CpuIf& c, u32 enc, u64 v, u16) KX_REQUIRES(d.lock) {
  (kGroup1 ? c.ap1r : c.ap0r)[enc & 3] = static_cast<u32>(v);
  kick(d, c.index);
}
template <bool kGroup1>
kx::Status get_apr(Dist& d, CpuIf& c, u32 enc, u64* v) KX_REQUIRES(d.lock) {
  if ((enc & 3) > max_apr_index(c)) return kx::error(kx::kEINVAL);
  *v = read_apr<kGroup1>(d, c, enc);
  return kx::Status::ok();
}
template <bool kGroup1>
kx::Status set_apr(Dist& d, CpuIf& c, u32 enc, u64 v) KX_REQUIRES(d.lock) {
  if ((enc & 3) > max_apr_index(c)) return kx::error(kx::kEINVAL);
  write_apr<kGroup1>(d, c, enc, v, 0);
  return kx::Status::ok();
}

u64 read_ctlr(Dist&, CpuIf& c, u32) {
  return static_cast<u64>(c.pri_bits - 1) << kCtlrPriBitsShift | kHostIdBits << kCtlrIdBitsShift |
         (kHostSeis ? kCtlrSeis : 0) | (kHostA3v ? kCtlrA3v : 0) | (c.cbpr ? kCtlrCbpr : 0) |
         (c.eoimode ? kCtlrEoiMode : 0);
}
void write_ctlr(Dist&, CpuIf& c, u32, u64 v, u16) {
  c.cbpr = v & kCtlrCbpr;
  c.eoimode = v & kCtlrEoiMode;
}
// set_gic_ctlr(): a restore may not claim more than this interface has,
// and once lowered, PRIbits stays there.
kx::Status set_ctlr(Dist&, CpuIf& c, u32, u64 v) {
  const u32 pri_bits = static_cast<u32>((v >> kCtlrPriBitsShift) & 7) + 1;
  if (pri_bits > c.pri_bits) return kx::error(kx::kEINVAL);
  if (((v >> kCtlrIdBitsShift) & 7) > kHostIdBits) return kx::error(kx::kEINVAL);
  if (!!(v & kCtlrSeis) != kHostSeis || !!(v & kCtlrA3v) != kHostA3v) return kx::error(kx::kEINVAL);
  c.pri_bits = static_cast<u8>(pri_bits);
  c.cbpr = v & kCtlrCbpr;
  c.eoimode = v & kCtlrEoiMode;
  return kx::Status::ok();
}

// System register enable only: SRE, DFB and DIB read as one and a
// restore must keep SRE.
u64 read_sre(Dist&, CpuIf&, u32) { return kSreSre | kSreDfb | kSreDib; }
kx::Status set_sre(Dist&, CpuIf&, u32, u64 v) {
  return v & kSreSre ? kx::Status::ok() : kx::error(kx::kEINVAL);
}

u64 read_grpen0(Dist&, CpuIf& c, u32) { return c.grpen0; }
void write_grpen0(Dist& d, CpuIf& c, u32, u64 v, u16) KX_REQUIRES(d.lock) {
  c.grpen0 = v & 1;
  kick(d, c.index);
}
u64 read_grpen1(Dist&, CpuIf& c, u32) { return c.grpen1; }
void write_grpen1(Dist& d, CpuIf& c, u32, u64 v, u16) KX_REQUIRES(d.lock) {
  c.grpen1 = v & 1;
  kick(d, c.index);
}

// Userspace accessors made from the guest's, for the plain registers.
template <GuestRead kRead>
kx::Status get(Dist& d, CpuIf& c, u32 enc, u64* v) KX_REQUIRES(d.lock) {
  *v = kRead(d, c, enc);
  return kx::Status::ok();
}
template <GuestWrite kWrite>
kx::Status set(Dist& d, CpuIf& c, u32 enc, u64 v) KX_REQUIRES(d.lock) {
  kWrite(d, c, enc, v, c.index);
  return kx::Status::ok();
}

constexpr u16 e(u32 crn, u32 crm, u32 op2) { return sysreg_enc(3, 0, crn, crm, op2); }

constexpr IccReg kIccRegs[] = {
    {e(4, 6, 0), read_pmr, write_pmr, get<read_pmr>, set<write_pmr>},  // ICC_PMR_EL1
    {e(12, 8, 0), read_iar0, nullptr, nullptr, nullptr},               // ICC_IAR0_EL1
    {e(12, 8, 1), nullptr, write_eoir, nullptr, nullptr},              // ICC_EOIR0_EL1
    {e(12, 8, 2), read_hppir0, nullptr, nullptr, nullptr},             // ICC_HPPIR0_EL1
    {e(12, 8, 3), read_bpr0, write_bpr0, get<read_bpr0>, set<write_bpr0>},
    {e(12, 8, 4), read_apr<false>, write_apr<false>, get_apr<false>, set_apr<false>},
    {e(12, 8, 5), read_apr<false>, write_apr<false>, get_apr<false>, set_apr<false>},
    {e(12, 8, 6), read_apr<false>, write_apr<false>, get_apr<false>, set_apr<false>},
    {e(12, 8, 7), read_apr<false>, write_apr<false>, get_apr<false>, set_apr<false>},
    {e(12, 9, 0), read_apr<true>, write_apr<true>, get_apr<true>, set_apr<true>},
    {e(12, 9, 1), read_apr<true>, write_apr<true>, get_apr<true>, set_apr<true>},
    {e(12, 9, 2), read_apr<true>, write_apr<true>, get_apr<true>, set_apr<true>},
    {e(12, 9, 3), read_apr<true>, write_apr<true>, get_apr<true>, set_apr<true>},
    {e(12, 11, 1), nullptr, write_dir, nullptr, nullptr},   // ICC_DIR_EL1
    {e(12, 11, 3), read_rpr, nullptr, nullptr, nullptr},    // ICC_RPR_EL1
    {e(12, 11, 5), nullptr, write_sgi, nullptr, nullptr},   // ICC_SGI1R_EL1
    {e(12, 11, 6), nullptr, write_sgi, nullptr, nullptr},   // ICC_ASGI1R_EL1
    {e(12, 11, 7), nullptr, write_sgi, nullptr, nullptr},   // ICC_SGI0R_EL1
    {e(12, 12, 0), read_iar1, nullptr, nullptr, nullptr},   // ICC_IAR1_EL1
    {e(12, 12, 1), nullptr, write_eoir, nullptr, nullptr},  // ICC_EOIR1_EL1
    {e(12, 12, 2), read_hppir1, nullptr, nullptr, nullptr},
    {e(12, 12, 3), read_bpr1, write_bpr1, get<read_bpr1>, set<write_bpr1>},
    {e(12, 12, 4), read_ctlr, write_ctlr, get<read_ctlr>, set_ctlr},
    {e(12, 12, 5), read_sre, nullptr, get<read_sre>, set_sre},
    {e(12, 12, 6), read_grpen0, write_grpen0, get<read_grpen0>, set<write_grpen0>},
    {e(12, 12, 7), read_grpen1, write_grpen1, get<read_grpen1>, set<write_grpen1>},
};

constexpr bool sorted() {
  for (usize i = 1; i < kx::array_size(kIccRegs); i++) {
    if (kIccRegs[i].enc <= kIccRegs[i - 1].enc) return false;
  }
  return true;
}
static_assert(sorted(), "kIccRegs is sorted by encoding");

const IccReg* find(u32 enc) {
  usize lo = 0, hi = kx::array_size(kIccRegs);
  while (lo < hi) {
    const usize mid = (lo + hi) / 2;
    if (kIccRegs[mid].enc == enc) return &kIccRegs[mid];
    if (kIccRegs[mid].enc < enc)
      lo = mid + 1;
    else
      hi = mid;
  }
  return nullptr;
}

}  // namespace icc

bool icc_user_exists(u32 instr) {
  const icc::IccReg* r = icc::find(instr);
  return r && r->get;
}

kx::Status icc_uaccess(Dist& d, CpuIf& c, u32 instr, bool write, u64* val) {
  const icc::IccReg* r = icc::find(instr);
  // Documented: -ENXIO for a register the interface does not reach (6.1:
  // -ENOENT, Documentation/differences.rst).
  if (!r || !r->get) return kx::error(kx::kENXIO);
  return write ? r->set(d, c, instr, *val) : r->get(d, c, instr, val);
}

// KVM_EXT_ACCESS_SYSREG on arm64: addr is the ONE_REG id of the register
// (ARM64_SYS_REG()); only the GICv3 CPU interface answers.
kx::Status guest_sysreg(Vcpu& vcpu, GuestAccess& access) {
  constexpr u64 kIdMask = ~0xffffull;
  if ((access.addr & kIdMask) != (kRegArm64 | kRegSizeU64 | kRegSysreg))
    return kx::error(kx::kENXIO);
  const icc::IccReg* r = icc::find(static_cast<u32>(access.addr & 0xffff));
  Dist& d = dist_of(vcpu.vm());
  if (!r || !d.initialized() || d.model() != kModelV3) return kx::error(kx::kENXIO);
  const bool wanted = vcpu.vm().irqfds().wants_acks();
  bool acked;
  {
    kx::IrqSaveGuard guard(&d.lock);
    CpuIf& c = cpuif(vcpu);
    if (access.write) {
      if (r->write) r->write(d, c, r->enc, access.data, c.index);
    } else {
      access.data = r->read ? r->read(d, c, r->enc) : 0;
    }
    acked = take_acked(d, wanted);
  }
  if (acked) notify_acked(vcpu.vm());
  access.result = KX_ACCESS_RESULT_KERNEL;
  return kx::Status::ok();
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
