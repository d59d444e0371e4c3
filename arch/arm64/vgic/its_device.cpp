// SPDX-License-Identifier: GPL-2.0
// The ITS as a device type (KVM_DEV_TYPE_ARM_VGIC_ITS): creation, the
// attribute groups, KVM_SIGNAL_MSI.
#include "arch/arm64/vgic/gic_regs.h"
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {

// --- The device (vgic_its_create() and the attribute groups) ---

namespace its {

// vgic_its_create(), with Vm::lock held: the ITS goes on the GIC's list
// (KVM_SIGNAL_MSI looks for its doorbell there) and the GIC now has LPIs.
kx::Result<Its*> Its::Create(Vm& vm, u32) {
  Its* its = Make(&vm);
  if (!its) return kx::kENOMEM;
  Dist& d = dist_of(vm);
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    if (kx::Status s = d.itses(vm).push_back(its); s.is_error()) {
      kx::destroy(its);
      return s;
    }
  }
  d.has_its.store(true);  // and so msis_require_devid
  kx::IrqSaveGuard guard(&d.lock);
  d.propbaser() = kInitialPropbaser;
  return its;
}

// At the VM's end (vgic_its_destroy()).
void Its::Destroy(Its* its) {
  Vm& vm = its->vm();
  Dist& d = dist_of(vm);
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    vm.mmio_bus().remove(its);
    kx::Vector<Its*>& itses = d.itses(vm);
    for (usize i = 0; i < itses.size(); i++) {
      if (itses[i] == its) itses.erase(i);
    }
  }
  kx::destroy(its);
}

kx::Status Its::addr_attr(bool write, const kx_attr& a) {
  if (a.attr != KX_VGIC_ITS_ADDR_TYPE) return kx::error(kx::kENODEV);
  Vm& vm = *vm_;
  if (!write) {
    u64 value;
    {
      kx::Guard<kx::Mutex> guard(&vm.lock);
      value = base(vm);
    }
    return kx_copy_to_user(a.addr, &value, 8) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  }
  u64 addr;
  if (kx_copy_from_user(&addr, a.addr, 8)) return kx::error(kx::kEFAULT);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  KX_TRY(dev::check_iorange(vm, base(vm), addr, kFrameAlign, kFrameSize));
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    KX_TRY(vm.mmio_bus().add(addr, kFrameSize, this));
  }
  kx::Guard<kx::Mutex> its_guard(&mutex);
  set_base(vm, addr);
  return kx::Status::ok();
}

kx::Status Its::has_addr(const kx_attr& a) {
  return a.attr == KX_VGIC_ITS_ADDR_TYPE ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// vgic_its_ctrl(). INIT has nothing to do. An attribute the document does
// not list is -ENXIO, as HAS_DEVICE_ATTR says (6.1 returns 0 for it:
// Documentation/differences.rst).
kx::Status Its::set_ctrl(const kx_attr& a) {
  const u64 attr = a.attr;
  if (attr == KX_DEV_ARM_VGIC_CTRL_INIT) return kx::Status::ok();
  if (attr != KX_DEV_ARM_ITS_CTRL_RESET && attr != KX_DEV_ARM_ITS_SAVE_TABLES &&
      attr != KX_DEV_ARM_ITS_RESTORE_TABLES)
    return kx::error(kx::kENXIO);
  Vm& vm = *vm_;
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
  kx::Status s;
  {
    kx::Guard<kx::Mutex> its_guard(&mutex);
    if (attr == KX_DEV_ARM_ITS_CTRL_RESET)
      reset();
    else if (attr == KX_DEV_ARM_ITS_SAVE_TABLES)
      s = save_tables();
    else
      s = restore_tables();
  }
  vm.unlock_all_vcpus();
  return s;
}

kx::Status Its::has_ctrl(const kx_attr& a) {
  const u64 attr = a.attr;
  return attr == KX_DEV_ARM_VGIC_CTRL_INIT || attr == KX_DEV_ARM_ITS_SAVE_TABLES ||
                 attr == KX_DEV_ARM_ITS_RESTORE_TABLES || attr == KX_DEV_ARM_ITS_CTRL_RESET
             ? kx::Status::ok()
             : kx::error(kx::kENXIO);
}

// vgic_its_attr_regs_access(): 32-bit registers (below GITS_TYPER, and the
// ID registers) at 4-byte offsets, the others at 8-byte ones.
bool regs_offset_aligned(u64 offset) {
  const u64 align = offset < regs::GITS_TYPER || offset >= regs::GITS_PIDR4 ? 3 : 7;
  return !(offset & align);
}

kx::Status Its::regs_attr(bool write, const kx_attr& a) {
  u64 val = 0;
  if (write && kx_copy_from_user(&val, a.addr, 8)) return kx::error(kx::kEFAULT);
  if (!regs_offset_aligned(a.attr)) return kx::error(kx::kEINVAL);
  Vm& vm = *vm_;
  kx::Status s;
  {
    kx::Guard<kx::Mutex> guard(&vm.lock);
    if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
    {
      kx::Guard<kx::Mutex> its_guard(&mutex);
      if (base_ == kAddrUndef || a.attr > 0xffffffffull)
        s = kx::error(kx::kENXIO);
      else
        s = uaccess(static_cast<u32>(a.attr), write, &val);
    }
    vm.unlock_all_vcpus();
  }
  KX_TRY(s);
  if (!write && kx_copy_to_user(a.addr, &val, 8)) return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

kx::Status Its::has_regs(const kx_attr& a) {
  if (!regs_offset_aligned(a.attr)) return kx::error(kx::kEINVAL);
  return a.attr <= 0xffffffffull && reg_exists(static_cast<u32>(a.attr)) ? kx::Status::ok()
                                                                         : kx::error(kx::kENXIO);
}

constexpr AttrGroup<Its> Its::kAttrGroups[3] = {
    {KX_DEV_ARM_VGIC_GRP_ADDR, &Its::set_addr, &Its::get_addr, &Its::has_addr},
    {KX_DEV_ARM_VGIC_GRP_CTRL, &Its::set_ctrl, nullptr, &Its::has_ctrl},
    {KX_DEV_ARM_VGIC_GRP_ITS_REGS, &Its::set_regs, &Its::get_regs, &Its::has_regs},
};

}  // namespace its

bool msis_require_devid(Vm& vm) { return dist_of(vm).has_its.load(); }

// KVM_SIGNAL_MSI (kvm_send_userspace_msi(), kvm_set_msi(),
// vgic_its_inject_msi()).
kx::Result<int> signal_msi(Vm& vm, u64 address, u32 data, u32 flags, u32 devid) {
  constexpr u32 kValidDevid = 1;  // KVM_MSI_VALID_DEVID
  Dist& d = dist_of(vm);
  // The model is an atomic set once under Vm::lock: no lock to read it.
  if (!d.in_kernel() || (flags & ~kValidDevid)) return kx::kEINVAL;
  if (!d.has_its.load()) return kx::kENODEV;
  if (!(flags & kValidDevid)) return kx::kEINVAL;
  // The ITS whose frame holds the doorbell address. ITSes leave the bus
  // only when the VM goes, so the pointer stays good after slots_lock.
  its::Its* target = nullptr;
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    const IoBus::Region* region = vm.mmio_bus().find(address, 1);
    for (its::Its* its : d.itses(vm)) {
      if (region && region->handler == its) target = its;
    }
  }
  if (!target) return kx::kEINVAL;
  kx::Guard<kx::Mutex> guard(&target->mutex);
  // 1: delivered; 0: the guest's tables do not translate it.
  return KX_TRY(target->trigger(devid, data));
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_vgic_its_device_ops =
    kvm::DeviceType<kvm::arm64::vgic::its::Its>::ops();
