// SPDX-License-Identifier: GPL-2.0
// The ITS registers (6.1's its_registers): one table row per register,
// for the guest's MMIO and userspace's GRP_ITS_REGS alike.
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

// --- Registers (6.1's its_registers) ---

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

// A row's accessors run under Its::mutex (Its::read(), write(), uaccess())
// and say so.
struct ItsReg {
  u32 offset;
  u32 len;
  bool wide;  // a 64-bit register: 64-bit accesses too, and 64-bit uaccess
  u64 (*read)(Its& its, u32 offset);
  void (*write)(Its& its, u32 offset, u32 len, u64 val);
  // Userspace writes that differ from the guest's (null: as the guest).
  kx::Status (*uwrite)(Its& its, u32 offset, u64 val);
};

u64 read_ctlr(Its& its, u32) KX_REQUIRES(its.mutex) {
  u64 v = its.creadr() == its.cwriter() ? kCtlrQuiescent : 0;
  return its.enabled() ? v | kCtlrEnable : v;
}
void write_ctlr(Its& its, u32, u32, u64 val) KX_REQUIRES(its.mutex) {
  // Enabling with an invalid table or queue is UNPREDICTABLE: ignored.
  if (!its.enabled() && (val & kCtlrEnable) &&
      (!(its.baser_device() & kBaserValid) || !(its.baser_coll() & kBaserValid) ||
       !(its.cbaser() & kBaserValid)))
    return;
  its.enabled() = val & kCtlrEnable;
  its.process_commands();
}
u64 read_iidr(Its& its, u32) KX_REQUIRES(its.mutex) {
  return ((its.abi_rev() << kIidrRevShift) & kIidrRevMask) | kProductKvm << 24 | kImplementerArm;
}
kx::Status uwrite_iidr(Its& its, u32, u64 val) KX_REQUIRES(its.mutex) {
  const u32 rev = (static_cast<u32>(val) & kIidrRevMask) >> kIidrRevShift;
  if (rev >= kNrAbis) return kx::error(kx::kEINVAL);
  its.abi_rev() = rev;
  its.commit_abi();
  return kx::Status::ok();
}
u64 read_typer(Its&, u32) { return kTyper; }
u64 read_cbaser(Its& its, u32) KX_REQUIRES(its.mutex) { return its.cbaser(); }
void write_cbaser(Its& its, u32 offset, u32 len, u64 val) KX_REQUIRES(its.mutex) {
  if (its.enabled()) return;  // read-only while enabled
  its.cbaser() = sanitise_cbaser(update_64bit_reg(its.cbaser(), offset, len, val));
  // CWRITER is UNKNOWN after this; the queue starts empty.
  its.creadr() = 0;
  its.cwriter() = 0;
}
u64 read_cwriter(Its& its, u32) KX_REQUIRES(its.mutex) { return its.cwriter(); }
void write_cwriter(Its& its, u32 offset, u32 len, u64 val) KX_REQUIRES(its.mutex) {
  const u64 reg = update_64bit_reg(its.cwriter(), offset, len, val) & 0xfffe0;  // bits 19:5
  if (reg >= cmdq_bytes(its.cbaser())) return;
  its.cwriter() = reg;
  its.process_commands();
}
u64 read_creadr(Its& its, u32) KX_REQUIRES(its.mutex) { return its.creadr(); }
kx::Status uwrite_creadr(Its& its, u32, u64 val) KX_REQUIRES(its.mutex) {
  if (its.enabled()) return kx::error(kx::kEBUSY);
  const u64 offset = val & 0xfffe0;
  if (offset >= cmdq_bytes(its.cbaser())) return kx::error(kx::kEINVAL);
  its.creadr() = offset;
  return kx::Status::ok();
}
u64* baser_reg(Its& its, u32 offset) KX_REQUIRES(its.mutex) {
  switch ((offset - GITS_BASER) / 8) {
    case 0:
      return &its.baser_device();
    case 1:
      return &its.baser_coll();
  }
  return nullptr;
}
u64 read_baser(Its& its, u32 offset) KX_REQUIRES(its.mutex) {
  const u64* reg = baser_reg(its, offset);
  return reg ? *reg : 0;
}
void write_baser(Its& its, u32 offset, u32 len, u64 val) KX_REQUIRES(its.mutex) {
  if (its.enabled()) return;
  u64* reg = baser_reg(its, offset);
  if (!reg) return;
  const bool device = reg == &its.baser_device();
  u64 v = update_64bit_reg(*reg, offset, len, val) & ~kBaserRoMask;
  if (!device) v &= ~kBaserIndirect;  // a flat collection table
  v |= u64{kEsz - 1} << kBaserEszShift;
  v |= (device ? kTypeDevice : kTypeCollection) << kBaserTypeShift;
  *reg = sanitise_baser(v);
  if (!(*reg & kBaserValid)) {
    if (device)
      its.free_devices(its.translations());
    else
      its.free_collections(its.translations());
  }
}
u64 read_idregs(Its&, u32 offset) {
  switch (offset) {
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
void write_wi(Its&, u32, u32, u64) {}

constexpr ItsReg kItsRegs[] = {
    {GITS_CTLR, 4, false, read_ctlr, write_ctlr, nullptr},
    {GITS_IIDR, 4, false, read_iidr, write_wi, uwrite_iidr},
    {GITS_TYPER, 8, true, read_typer, write_wi, nullptr},
    {GITS_CBASER, 8, true, read_cbaser, write_cbaser, nullptr},
    {GITS_CWRITER, 8, true, read_cwriter, write_cwriter, nullptr},
    {GITS_CREADR, 8, true, read_creadr, write_wi, uwrite_creadr},
    {GITS_BASER, 0x40, true, read_baser, write_baser, nullptr},
    {GITS_IDREGS_BASE, 0x30, false, read_idregs, write_wi, nullptr},
};

const ItsReg* find_reg(u32 offset) {
  for (const ItsReg& r : kItsRegs) {
    if (offset >= r.offset && offset < r.offset + r.len) return &r;
  }
  return nullptr;
}

// A guest access: 32-bit to any register, 64-bit to the 64-bit ones,
// naturally aligned; anything else, and any offset without a register,
// reads as zero and ignores writes (vgic_validate_mmio_access()).
const ItsReg* guest_reg(u64 offset, u32 len) {
  if ((len != 4 && len != 8) || offset % len || offset >= kFrameSize) return nullptr;
  const ItsReg* r = find_reg(static_cast<u32>(offset));
  return r && (len == 4 || r->wide) ? r : nullptr;
}

kx::Status Its::read(Vcpu&, u64 offset, u32 len, u64* data) {
  const ItsReg* r = guest_reg(offset, len);
  if (!r) {
    *data = 0;
    return kx::Status::ok();
  }
  const u32 off = static_cast<u32>(offset);
  kx::Guard<kx::Mutex> guard(&mutex);
  const u64 v = r->read(*this, r->wide ? off & ~7u : off);
  *data = r->wide ? extract_bytes(v, off, len) : v;
  return kx::Status::ok();
}

kx::Status Its::write(Vcpu&, u64 offset, u32 len, u64 data) {
  const ItsReg* r = guest_reg(offset, len);
  if (!r) return kx::Status::ok();
  const u32 off = static_cast<u32>(offset);
  kx::Guard<kx::Mutex> guard(&mutex);
  // A 32-bit access to half of a 64-bit register: update_64bit_reg() places it.
  r->write(*this, off, len, data);
  return kx::Status::ok();
}

bool Its::reg_exists(u32 offset) const { return find_reg(offset) != nullptr; }

kx::Status Its::uaccess(u32 offset, bool write, u64* val) {
  const ItsReg* r = find_reg(offset);
  if (!r) return kx::error(kx::kENXIO);
  const u32 len = r->wide ? 8 : 4;
  if (write) {
    if (r->uwrite) return r->uwrite(*this, offset, *val);
    r->write(*this, offset, len, *val);
    return kx::Status::ok();
  }
  *val = r->read(*this, offset);
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
