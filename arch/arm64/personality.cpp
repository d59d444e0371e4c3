// SPDX-License-Identifier: GPL-2.0
// arm64 as /dev/kvm presents it on an arm64 host (arch/arm64/kvm/arm.c).
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {

// The emulated host: a GICv3 server with a 48-bit physical address space.
constexpr u32 kIpaLimit = 48;
constexpr u32 kMaxVcpus = 512;  // VGIC_V3_MAX_CPUS

kx::Status parse_vm_type(unsigned long type, VmConfig* config) {
  if (type & ~KX_VM_TYPE_ARM_IPA_SIZE_MASK) return kx::error(kx::kEINVAL);
  u32 bits = static_cast<u32>(type & KX_VM_TYPE_ARM_IPA_SIZE_MASK);
  if (bits == 0) {
    bits = KX_ARM64_DEFAULT_IPA_BITS;
    if (bits > kIpaLimit) return kx::error(kx::kEINVAL);
  } else if (bits > kIpaLimit || bits < KX_ARM64_MIN_IPA_BITS) {
    return kx::error(kx::kEINVAL);
  }
  config->ipa_bits = bits;
  return kx::Status::ok();
}

// kvm_vcpu_initialized(): KVM_ARM_VCPU_INIT has not landed in kvm_ext yet,
// so no vCPU is initialised and KVM_RUN answers as KVM does for one that
// was never initialised.
kx::Status run_check(Vcpu&) { return kx::error(kx::kENOEXEC); }

// kvm_arm_vcpu_arch_{set,get,has}_attr(): no group is implemented yet.
kx::Status vcpu_attr(Vcpu&, kx_attr_op, const kx_attr&) { return kx::error(kx::kENXIO); }

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},
    {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_READONLY_MEM, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},
    {KX_CAP_ARM_VM_IPA_SIZE, kIpaLimit, nullptr},
};

}  // namespace arm64

const Personality kArm64Personality = {
    .name = "arm64",
    .id = KX_ARM64,
    .vcpu_mmap_pages = 2,
    .max_vcpus = arm64::kMaxVcpus,
    .max_vcpu_ids = arm64::kMaxVcpus,
    .user_mem_slots = 32767,
    .address_spaces = 1,
    .valid_mem_flags = KX_MEM_LOG_DIRTY_PAGES | KX_MEM_READONLY,
    .manual_dirty_log_caps = KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KX_DIRTY_LOG_INITIALLY_SET,
    .caps = arm64::kCaps,
    .ncaps = kx::array_size(arm64::kCaps),
    .parse_vm_type = arm64::parse_vm_type,
    .vcpu_precreate = nullptr,
    .run_check = arm64::run_check,
    .vm_attr = nullptr,
    .vcpu_attr = arm64::vcpu_attr,
    .unknown_vm_ioctl_errno = -kx::kEINVAL,
    .unknown_vcpu_ioctl_errno = -kx::kEINVAL,
    .guest_sysreg = nullptr,
    .guest_hypercall = nullptr,
};

}  // namespace kvm
