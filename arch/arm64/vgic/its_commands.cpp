// SPDX-License-Identifier: GPL-2.0
// The ITS command queue (vgic_its_handle_command()): each 32-byte command
// read from guest RAM, decoded and applied to the translations; see its.cpp
// for the state and the locking.
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/guest_batch.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {
namespace its {

// --- Command fields (its_cmd_get_*()) ---

u64 field(const u64* c, u32 word, u32 shift, u32 size) {
  return (c[word] >> shift) & (size == 64 ? ~0ull : (1ull << size) - 1);
}
u8 cmd_code(const u64* c) { return static_cast<u8>(field(c, 0, 0, 8)); }
u32 cmd_devid(const u64* c) { return static_cast<u32>(field(c, 0, 32, 32)); }
u32 cmd_size(const u64* c) { return static_cast<u32>(field(c, 1, 0, 5)) + 1; }
u32 cmd_event(const u64* c) { return static_cast<u32>(field(c, 1, 0, 32)); }
u32 cmd_pintid(const u64* c) { return static_cast<u32>(field(c, 1, 32, 32)); }
u32 cmd_icid(const u64* c) { return static_cast<u32>(field(c, 2, 0, 16)); }
u64 cmd_itt(const u64* c) { return field(c, 2, 8, 44) << 8; }
u32 cmd_target(const u64* c) { return static_cast<u32>(field(c, 2, 16, 32)); }
bool cmd_valid(const u64* c) { return field(c, 2, 63, 1); }

// --- Commands (vgic_its_handle_command()) ---

int Its::cmd_mapd(const u64* c) {
  const u32 devid = cmd_devid(c);
  const u32 bits = cmd_size(c);
  u64 gpa;
  if (!check_id(baser_device_, devid, &gpa)) return kMapdDeviceOor;
  if (cmd_valid(c) && bits > kEventBits) return kMapdIttSizeOor;
  if (const ItsDevice* old = find_device(t_, devid)) clear_itt(*old);
  free_device(t_, devid);
  if (!cmd_valid(c)) return write_entry(gpa, 0).raw();
  kx::Result<ItsDevice*> slot = t_->devices.ensure(devid);
  if (slot.is_error()) return slot.error().raw();
  return slot.value()->init(cmd_itt(c), bits).raw();
}

// The ITEs of a device MAPD unmaps or remaps leave its ITT in guest RAM
// too, as DISCARD's one does: a save may have written them there, and a
// later save (of nothing, or of other events) followed by a restore
// would bring them back. Guest RAM errors are ignored, as the command's
// effect on the ITS stands.
void Its::clear_itt(const ItsDevice& dev) {
  GuestPageWriter w(*vm_);
  dev.for_each([&](u32 event, const Ite& ite) {
    if (!ite.present()) return;
    if (u8* slot = w.append(dev.itt_addr + u64{event} * kEsz, kEsz)) put_le64(slot, 0);
  });
  (void)w.flush();
}

int Its::cmd_mapc(const u64* c) {
  const u32 icid = cmd_icid(c);
  const u32 target = cmd_target(c);
  if (target >= vm_->online_vcpus()) return kMapcProcnumOor;
  if (!cmd_valid(c)) {
    free_collection(t_, icid);
    return kOk;
  }
  if (Collection* coll = find_collection(t_, icid)) {
    coll->target = target;
    set_affinity(t_, icid);
    return kOk;
  }
  if (!check_id(baser_coll_, icid, nullptr)) return kMapcCollectionOor;
  kx::Result<Collection*> coll = t_->collections.ensure(icid);
  if (coll.is_error()) return coll.error().raw();
  *coll.value() = Collection{target, true};
  return kOk;
}

// MAPI and MAPTI (vgic_its_cmd_handle_mapi()).
int Its::cmd_mapti(const u64* c) {
  const u32 devid = cmd_devid(c), event = cmd_event(c), icid = cmd_icid(c);
  ItsDevice* dev = find_device(t_, devid);
  if (!dev) return kMaptiUnmappedDevice;
  if (!check_event_id(*dev, event)) return kMaptiIdOor;
  const u32 lpi = cmd_code(c) == kMapti ? cmd_pintid(c) : event;
  u32 limit;
  {
    kx::IrqSaveGuard guard(&dist().lock);
    limit = lpi_limit(dist());
  }
  if (lpi < kLpiBase || lpi >= limit) return kMaptiPhysicalIdOor;
  if (find_ite(t_, devid, event)) return kOk;
  Collection* coll = find_collection(t_, icid);
  bool new_coll = false;
  if (!coll) {
    if (!check_id(baser_coll_, icid, nullptr)) return kMapcCollectionOor;
    kx::Result<Collection*> fresh = t_->collections.ensure(icid);
    if (fresh.is_error()) return fresh.error().raw();
    coll = fresh.value();
    *coll = Collection{kNotMapped, true};
    new_coll = true;
  }
  int r = kOk;
  kx::Result<Ite*> ite = dev->ensure(event);
  if (ite.is_error()) {
    r = ite.error().raw();
  } else {
    r = lpi_get(*vm_, lpi, target_of(coll)).raw();
    if (r == 0) *ite.value() = Ite{lpi, static_cast<u16>(icid)};
  }
  if (r && new_coll) *coll = Collection{};
  return r;
}

int Its::cmd_movi(const u64* c) {
  Ite* ite = find_ite(t_, cmd_devid(c), cmd_event(c));
  if (!ite) return kMoviUnmappedInterrupt;
  if (!mapped(collection_of(t_, *ite))) return kMoviUnmappedCollection;
  Collection* coll = find_collection(t_, cmd_icid(c));
  if (!mapped(coll)) return kMoviUnmappedCollection;
  ite->set_collection(static_cast<u16>(cmd_icid(c)));
  kx::IrqSaveGuard guard(&dist().lock);
  lpi_set_target(dist(), ite->lpi(), target_of(coll));
  return kOk;
}

int Its::cmd_discard(const u64* c) {
  const u32 devid = cmd_devid(c), event = cmd_event(c);
  Ite* ite = find_ite(t_, devid, event);
  if (!ite || !mapped(collection_of(t_, *ite))) return kDiscardUnmappedInterrupt;
  free_ite(*ite);
  return write_entry(find_device(t_, devid)->itt_addr + u64{event} * kEsz, 0).raw();
}

int Its::cmd_clear(const u64* c) {
  Ite* ite = find_ite(t_, cmd_devid(c), cmd_event(c));
  if (!ite) return kClearUnmappedInterrupt;
  Dist& d = dist();
  kx::IrqSaveGuard guard(&d.lock);
  if (Irq* irq = lpi_at(d, ite->lpi())) {
    irq->pending_latch = false;
    changed(d, nullptr, *irq);
  }
  return kOk;
}

int Its::cmd_inv(const u64* c) {
  Ite* ite = find_ite(t_, cmd_devid(c), cmd_event(c));
  if (!ite) return kInvUnmappedInterrupt;
  return guest_error(lpi_update_config(*vm_, ite->lpi())).raw();
}

int Its::cmd_invall(const u64* c) {
  Collection* coll = find_collection(t_, cmd_icid(c));
  if (!mapped(coll)) return kInvallUnmappedCollection;
  (void)lpi_invall(*vm_, target_of(coll));  // 6.1 ignores its result
  return kOk;
}

int Its::cmd_movall(const u64* c) {
  const u32 from = cmd_target(c);
  const u32 to = static_cast<u32>(field(c, 3, 16, 32));
  if (from >= vm_->online_vcpus() || to >= vm_->online_vcpus()) return kMovallProcnumOor;
  if (from == to) return kOk;
  kx::IrqSaveGuard guard(&dist().lock);
  lpi_move_all(dist(), static_cast<u16>(from), static_cast<u16>(to));
  return kOk;
}

int Its::cmd_int(const u64* c) {
  kx::Result<int> r = trigger(cmd_devid(c), cmd_event(c));
  if (r.is_error()) return r.error().raw();
  return r.value() ? kOk : kIntUnmappedInterrupt;
}

int Its::handle_command(const u64 cmd[4]) {
  switch (cmd_code(cmd)) {
    case kMapd:
      return cmd_mapd(cmd);
    case kMapc:
      return cmd_mapc(cmd);
    case kMapi:
    case kMapti:
      return cmd_mapti(cmd);
    case kMovi:
      return cmd_movi(cmd);
    case kDiscard:
      return cmd_discard(cmd);
    case kClear:
      return cmd_clear(cmd);
    case kMovall:
      return cmd_movall(cmd);
    case kInt:
      return cmd_int(cmd);
    case kInv:
      return cmd_inv(cmd);
    case kInvall:
      return cmd_invall(cmd);
    case kSync:
      return kOk;
  }
  return -kx::kENODEV;
}

// vgic_its_process_commands(): from CREADR to CWRITER, wrapping at the
// end of the queue. A command that cannot be read is skipped (GICv3
// 6.3.2 lets the ITS ignore it).
void Its::process_commands() {
  if (!enabled_) return;
  const u64 queue = cbaser_addr(cbaser_);
  const u64 size = cmdq_bytes(cbaser_);
  while (cwriter_ != creadr_) {
    u8 raw[32];
    if (vm_->read_guest(queue + creadr_, raw, sizeof(raw)).is_ok()) {
      const u64 cmd[4] = {le64(raw), le64(raw + 8), le64(raw + 16), le64(raw + 24)};
      (void)handle_command(cmd);
    }
    creadr_ += 32;
    if (creadr_ == size) creadr_ = 0;
  }
}

// vgic_its_trigger_msi() and vgic_its_resolve_lpi().
kx::Result<int> Its::trigger(u32 devid, u32 eventid) {
  if (!enabled_) return kx::kEBUSY;
  Ite* ite = find_ite(t_, devid, eventid);
  const Collection* coll = ite ? collection_of(t_, *ite) : nullptr;
  if (!mapped(coll)) return 0;
  Dist& d = dist();
  kx::IrqSaveGuard guard(&d.lock);
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  if (coll->target >= vcpus.size() || !vcpus[coll->target]) return 0;
  if (!cpuif(*vcpus[coll->target]).lpis_enabled) return kx::kEBUSY;
  Irq* irq = lpi_at(d, ite->lpi());
  if (!irq) return 0;
  irq->pending_latch = true;
  changed(d, nullptr, *irq);
  vm_->stats().lpis_delivered.inc();
  return 1;
}

}  // namespace its
}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
