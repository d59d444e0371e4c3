// SPDX-License-Identifier: GPL-2.0
// The ITS registers (6.1's its_registers): their rows in the
// register-table engine (virt/kvm/reg_table.h), for the guest's MMIO and
// userspace's GRP_ITS_REGS alike.
#include "arch/arm64/vgic/gic_regs.h"
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/guest_batch.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {
namespace its {

using namespace regs;

void Its::commit_abi() {
  // vgic_its_commit_v0(): the entry sizes the ABI has.
  baser_coll_ = (baser_coll_ & ~kBaserEszMask) | u64{kEsz - 1} << kBaserEszShift;
  baser_device_ = (baser_device_ & ~kBaserEszMask) | u64{kEsz - 1} << kBaserEszShift;
}

u64 sanitise_baser(u64 reg) {
  reg = mmio::sanitise(reg, 10, 3, mmio::shareability);
  reg = mmio::sanitise(reg, 59, 7, mmio::inner_cache);
  reg = mmio::sanitise(reg, 53, 7, mmio::outer_cache);
  return (reg & ~kBaserPageSizeMask) | kBaserPageSize64K;  // 64K pages only
}

u64 sanitise_cbaser(u64 reg) {
  reg = mmio::sanitise(reg, 10, 3, mmio::shareability);
  reg = mmio::sanitise(reg, 59, 7, mmio::inner_cache);
  reg = mmio::sanitise(reg, 53, 7, mmio::outer_cache);
  return reg & ~(0xfull << 12);  // a 64K-aligned queue
}

// One access: the ITS, the offset in its frame and the width. A row's
// accessors run under Its::mutex (Its::read(), write(), uaccess()) and say
// so.
struct ItsAccess {
  Its& its;
  u32 offset;
  u32 len;
};

using ItsReg = MmioReg<ItsAccess>;

u64 read_ctlr(ItsAccess& a, const ItsReg&) KX_REQUIRES(a.its.mutex) {
  u64 v = a.its.creadr() == a.its.cwriter() ? kCtlrQuiescent : 0;
  return a.its.enabled() ? v | kCtlrEnable : v;
}
void write_ctlr(ItsAccess& a, const ItsReg&, u64 val) KX_REQUIRES(a.its.mutex) {
  // Enabling with an invalid table or queue is UNPREDICTABLE: ignored.
  if (!a.its.enabled() && (val & kCtlrEnable) &&
      (!(a.its.baser_device() & kBaserValid) || !(a.its.baser_coll() & kBaserValid) ||
       !(a.its.cbaser() & kBaserValid)))
    return;
  a.its.enabled() = val & kCtlrEnable;
  a.its.process_commands();
}
u64 read_iidr(ItsAccess& a, const ItsReg&) KX_REQUIRES(a.its.mutex) {
  return ((a.its.abi_rev() << kIidrRevShift) & kIidrRevMask) | kProductKvm << 24 | kImplementerArm;
}
kx::Status uwrite_iidr(ItsAccess& a, const ItsReg&, u64 val) KX_REQUIRES(a.its.mutex) {
  const u32 rev = (static_cast<u32>(val) & kIidrRevMask) >> kIidrRevShift;
  if (rev >= kNrAbis) return kx::error(kx::kEINVAL);
  a.its.abi_rev() = rev;
  a.its.commit_abi();
  return kx::Status::ok();
}
u64 read_typer(ItsAccess& a, const ItsReg&) { return extract_bytes(kTyper, a.offset, a.len); }
u64 read_cbaser(ItsAccess& a, const ItsReg&) KX_REQUIRES(a.its.mutex) {
  return extract_bytes(a.its.cbaser(), a.offset, a.len);
}
void write_cbaser(ItsAccess& a, const ItsReg&, u64 val) KX_REQUIRES(a.its.mutex) {
  if (a.its.enabled()) return;  // read-only while enabled
  a.its.cbaser() = sanitise_cbaser(update_64bit_reg(a.its.cbaser(), a.offset, a.len, val));
  // CWRITER is UNKNOWN after this; the queue starts empty.
  a.its.creadr() = 0;
  a.its.cwriter() = 0;
}
u64 read_cwriter(ItsAccess& a, const ItsReg&) KX_REQUIRES(a.its.mutex) {
  return extract_bytes(a.its.cwriter(), a.offset, a.len);
}
void write_cwriter(ItsAccess& a, const ItsReg&, u64 val) KX_REQUIRES(a.its.mutex) {
  const u64 reg = update_64bit_reg(a.its.cwriter(), a.offset, a.len, val) & 0xfffe0;  // bits 19:5
  if (reg >= cmdq_bytes(a.its.cbaser())) return;
  a.its.cwriter() = reg;
  a.its.process_commands();
}
u64 read_creadr(ItsAccess& a, const ItsReg&) KX_REQUIRES(a.its.mutex) {
  return extract_bytes(a.its.creadr(), a.offset, a.len);
}
kx::Status uwrite_creadr(ItsAccess& a, const ItsReg&, u64 val) KX_REQUIRES(a.its.mutex) {
  if (a.its.enabled()) return kx::error(kx::kEBUSY);
  const u64 offset = val & 0xfffe0;
  if (offset >= cmdq_bytes(a.its.cbaser())) return kx::error(kx::kEINVAL);
  a.its.creadr() = offset;
  return kx::Status::ok();
}
u64* baser_reg(ItsAccess& a) KX_REQUIRES(a.its.mutex) {
  switch ((a.offset - GITS_BASER) / 8) {
    case 0:
      return &a.its.baser_device();
    case 1:
      return &a.its.baser_coll();
  }
  return nullptr;
}
u64 read_baser(ItsAccess& a, const ItsReg&) KX_REQUIRES(a.its.mutex) {
  const u64* reg = baser_reg(a);
  return reg ? extract_bytes(*reg, a.offset, a.len) : 0;
}
void write_baser(ItsAccess& a, const ItsReg&, u64 val) KX_REQUIRES(a.its.mutex) {
  if (a.its.enabled()) return;
  u64* reg = baser_reg(a);
  if (!reg) return;
  const bool device = reg == &a.its.baser_device();
  u64 v = update_64bit_reg(*reg, a.offset, a.len, val) & ~kBaserRoMask;
  if (!device) v &= ~kBaserIndirect;  // a flat collection table
  v |= u64{kEsz - 1} << kBaserEszShift;
  v |= (device ? kTypeDevice : kTypeCollection) << kBaserTypeShift;
  *reg = sanitise_baser(v);
  if (!(*reg & kBaserValid)) {
    if (device)
      a.its.free_devices(a.its.translations());
    else
      a.its.free_collections(a.its.translations());
  }
}
u64 read_idregs(ItsAccess& a, const ItsReg&) {
  switch (a.offset) {
    case GITS_PIDR0:  // part number [7:0]
      return 0x92;
    case GITS_PIDR1:  // part number [11:8]
      return 0xb4;
    case GITS_PIDR2:
      return kPidr2GicV3;
    case GITS_PIDR4:  // a 64K software-visible page
      return 0x40;
    case GITS_CIDR0:  // any GIC's
      return 0x0d;
    case GITS_CIDR1:
      return 0xf0;
    case GITS_CIDR2:
      return 0x05;
    case GITS_CIDR3:
      return 0xb1;
  }
  return 0;
}
void wi(ItsAccess&, const ItsReg&, u64) {}

// Every register is userspace's too (GRP_ITS_REGS), at its full width.
constexpr u8 k32 = kW32 | kUser, k32_64 = kW32 | kW64 | kUser;

constexpr ItsReg kItsRegs[] = {
    {GITS_CTLR, 4, 0, k32, read_ctlr, write_ctlr, nullptr, nullptr},
    {GITS_IIDR, 4, 0, k32, read_iidr, wi, nullptr, uwrite_iidr},
    {GITS_TYPER, 8, 0, k32_64, read_typer, wi, nullptr, nullptr},
    {GITS_CBASER, 8, 0, k32_64, read_cbaser, write_cbaser, nullptr, nullptr},
    {GITS_CWRITER, 8, 0, k32_64, read_cwriter, write_cwriter, nullptr, nullptr},
    {GITS_CREADR, 8, 0, k32_64, read_creadr, wi, nullptr, uwrite_creadr},
    {GITS_BASER, 0x40, 0, k32_64, read_baser, write_baser, nullptr, nullptr},
    {GITS_IDREGS_BASE, 0x30, 0, k32, read_idregs, wi, nullptr, nullptr},
};
static_assert(sorted_disjoint(kItsRegs));
constexpr MmioTable<ItsAccess> kItsTable = make_table(kItsRegs);

// The row userspace reaches at `offset`, or null.
inline const ItsReg* user_reg(u32 offset) {
  const ItsReg* r = find_reg(kItsTable, offset);
  return r && (r->flags & kUser) ? r : nullptr;
}

// A guest access: 32-bit to any register, 64-bit to the 64-bit ones,
// naturally aligned; anything else, and any offset without a register,
// reads as zero and ignores writes (vgic_validate_mmio_access()).
kx::Status Its::read(Vcpu&, u64 offset, u32 len, u64* data) {
  const ItsReg* r = access_reg(kItsTable, offset, len);
  if (!r) {
    *data = 0;
    return kx::Status::ok();
  }
  kx::Guard<kx::Mutex> guard(&mutex);
  ItsAccess a{*this, static_cast<u32>(offset), len};
  *data = r->read(a, *r);
  return kx::Status::ok();
}

kx::Status Its::write(Vcpu&, u64 offset, u32 len, u64 data) {
  const ItsReg* r = access_reg(kItsTable, offset, len);
  if (!r) return kx::Status::ok();
  kx::Guard<kx::Mutex> guard(&mutex);
  ItsAccess a{*this, static_cast<u32>(offset), len};
  r->write(a, *r, data);
  return kx::Status::ok();
}

bool Its::reg_exists(u32 offset) const { return user_reg(offset) != nullptr; }

// vgic_its_attr_regs_access(): a missing register is -ENXIO; a 64-bit one
// is accessed whole.
kx::Status Its::uaccess(u32 offset, bool write, u64* val) {
  const ItsReg* r = user_reg(offset);
  if (!r) return kx::error(kx::kENXIO);
  ItsAccess a{*this, offset, r->flags & kW64 ? 8u : 4u};
  if (write) return uwrite_reg(a, *r, *val);
  *val = uread_reg(a, *r);
  return kx::Status::ok();
}

// vgic_its_reset(): the state of a new ITS, except that the ABI (and the
// entry sizes that go with it) stays.
void Its::reset() {
  baser_coll_ &= ~kBaserValid;
  baser_device_ &= ~kBaserValid;
  cbaser_ = creadr_ = cwriter_ = 0;
  enabled_ = false;
  free_devices(t_);
  free_collections(t_);
}

}  // namespace its
}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
