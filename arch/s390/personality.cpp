// SPDX-License-Identifier: GPL-2.0
// s390 as /dev/kvm presents it (arch/s390/kvm/kvm-s390.c) on a machine
// with the extended SCA (z14 and later).
#include "virt/kvm/vm.h"

namespace kvm {
namespace s390 {

constexpr u32 kMaxVcpus = 248;  // KVM_S390_ESCA_CPU_SLOTS

// Debian builds without CONFIG_KVM_S390_UCONTROL: only type 0.
kx::Result<ArchVm*> vm_create(unsigned long type) {
  if (type != 0) return kx::kEINVAL;
  return static_cast<ArchVm*>(nullptr);
}

// kvm_s390_vm_{set,get,has}_attr(): no group is implemented yet.
kx::Status vm_attr(Vm&, kx_attr_op, const kx_attr&) { return kx::error(kx::kENXIO); }

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},
    {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},
};

constexpr BuiltinDevice kDevices[] = {
    {KX_DEV_TYPE_VFIO, &kx_vfio_device_ops},
};

}  // namespace s390

const Personality kS390Personality = {
    .name = "s390",
    .id = KX_S390,
    .vcpu_mmap_pages = 1,
    .max_vcpus = s390::kMaxVcpus,
    .max_vcpu_ids = s390::kMaxVcpus,
    .user_mem_slots = 32767,
    .address_spaces = 1,
    .valid_mem_flags = KX_MEM_LOG_DIRTY_PAGES,
    .manual_dirty_log_caps = 0,
    .has_msi = false,
    .has_irq_routing = false,
    .has_irqfd = false,
    .caps = s390::kCaps,
    .ncaps = kx::array_size(s390::kCaps),
    .devices = s390::kDevices,
    .n_devices = kx::array_size(s390::kDevices),
    .init = nullptr,
    .vm_create = s390::vm_create,
    .vm_destroy = nullptr,
    .vcpu_precreate = nullptr,
    .vcpu_create = nullptr,
    .vcpu_destroy = nullptr,
    .run_check = nullptr,
    .irq_line = nullptr,
    .vm_attr = s390::vm_attr,
    .vcpu_attr = nullptr,
    .vm_ioctls = nullptr,
    .n_vm_ioctls = 0,
    .vcpu_ioctls = nullptr,
    .n_vcpu_ioctls = 0,
    .unknown_vm_ioctl_errno = -kx::kENOTTY,
    .unknown_vcpu_ioctl_errno = -kx::kENOTTY,
    .guest_sysreg = nullptr,
    .guest_hypercall = nullptr,
};

}  // namespace kvm
