// SPDX-License-Identifier: GPL-2.0
// s390 as /dev/kvm presents it (arch/s390/kvm/kvm-s390.c) on a machine
// with the extended SCA (z14 and later).
#include "virt/kvm/vm.h"

#include <kx/alloc.h>
#include <kx/atomic.h>

namespace kvm {
namespace s390 {

constexpr u32 kMaxVcpus = 248;  // KVM_S390_ESCA_CPU_SLOTS

// kvm->arch, for what kvm_ext has of it.
class S390Vm final : public ArchVm {
 public:
  // KVM_CAP_S390_CSS_SUPPORT: the VMM handles channel I/O (once on, it
  // stays on for the VM's life).
  kx::Atomic<bool> css_support;
};

S390Vm& s390_vm(Vm& vm) { return *static_cast<S390Vm*>(vm.arch()); }

// Debian builds without CONFIG_KVM_S390_UCONTROL: only type 0.
kx::Result<ArchVm*> vm_create(unsigned long type) {
  if (type != 0) return kx::kEINVAL;
  kx::AllocChecker ac;
  S390Vm* s = new (&ac) S390Vm();
  if (!ac.check()) return kx::kENOMEM;
  return static_cast<ArchVm*>(s);
}

kx::Status enable_css_support(Vcpu& vcpu, const EnableCap&) KX_REQUIRES(vcpu.mutex) {
  s390_vm(vcpu.vm()).css_support.store(true);
  return kx::Status::ok();
}

// kvm_vcpu_ioctl_enable_cap().
constexpr VcpuCap kVcpuCaps[] = {
    {KX_CAP_S390_CSS_SUPPORT, enable_css_support},
};

// kvm_arch_vcpu_ioctl(), for what kvm_ext has.
constexpr VcpuIoctl kVcpuIoctls[] = {
    {KX_ENABLE_CAP, vcpu_enable_cap},
};

// kvm_s390_vm_{set,get,has}_attr(): no group is implemented yet.
kx::Status vm_attr(Vm&, kx_attr_op, const kx_attr&) { return kx::error(kx::kENXIO); }

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},         {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},   {KX_CAP_ENABLE_CAP, 1, nullptr},
    {KX_CAP_S390_CSS_SUPPORT, 1, nullptr},
};

constexpr BuiltinDevice kDevices[] = {
    {KX_DEV_TYPE_VFIO, &kx_vfio_device_ops},
};

// KVM_GET_STATS_FD (6.1's arch/s390/kvm/kvm-s390.c tables: its names
// where the event is the same; signal_exits and mmio_exit_user are named
// as on the architectures that have them).
constexpr StatsRow kVmStatRows[] = {
    KX_GENERIC_VM_STATS(),
};
constexpr StatsRow kVcpuStatRows[] = {
    KX_GENERIC_VCPU_STATS(),
    KX_STATS_DESC_COUNTER_AS(Vcpu, userspace_exits, "exit_userspace"),
    KX_STATS_DESC_COUNTER(Vcpu, signal_exits),
    KX_STATS_DESC_COUNTER(Vcpu, mmio_exit_user),
};
constexpr auto kVmStats = make_stats_block<VmStats>(kVmStatRows);
constexpr auto kVcpuStats = make_stats_block<VcpuStats>(kVcpuStatRows);

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
    .vcpu_ioctls = s390::kVcpuIoctls,
    .n_vcpu_ioctls = kx::array_size(s390::kVcpuIoctls),
    .vcpu_caps = s390::kVcpuCaps,
    .n_vcpu_caps = kx::array_size(s390::kVcpuCaps),
    .unknown_vm_ioctl_errno = -kx::kENOTTY,
    .unknown_vcpu_ioctl_errno = -kx::kENOTTY,
    .guest_sysreg = nullptr,
    .guest_hypercall = nullptr,
    .vm_stats = stats_table(s390::kVmStats),
    .vcpu_stats = stats_table(s390::kVcpuStats),
};

}  // namespace kvm
