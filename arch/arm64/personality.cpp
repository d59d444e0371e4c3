// SPDX-License-Identifier: GPL-2.0
// arm64 as /dev/kvm presents it on an arm64 host (arch/arm64/kvm/arm.c).
#include "arch/arm64/reg_ids.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {

constexpr u32 kMaxVcpus = 512;  // VGIC_V3_MAX_CPUS

// kvm_arm_setup_stage2(): bits 0-7 the IPA size, 0 the 40-bit default.
kx::Status parse_vm_type(unsigned long type, VmConfig* config) {
  const HostCaps h = host();
  if (type & ~KX_VM_TYPE_ARM_IPA_SIZE_MASK) return kx::error(kx::kEINVAL);
  u32 bits = static_cast<u32>(type & KX_VM_TYPE_ARM_IPA_SIZE_MASK);
  if (bits == 0) {
    bits = KX_ARM64_DEFAULT_IPA_BITS;
    if (bits > h.ipa_bits) return kx::error(kx::kEINVAL);
  } else if (bits > h.ipa_bits || bits < KX_ARM64_MIN_IPA_BITS) {
    return kx::error(kx::kEINVAL);
  }
  config->ipa_bits = bits;
  config->arm64_host = h;
  return kx::Status::ok();
}

kx::Status vm_create(Vm& vm) {
  kx::AllocChecker ac;
  VmState* s = new (&ac) VmState;
  if (!ac.check()) return kx::error(kx::kENOMEM);
  vm_state_init(*s, vm.config().arm64_host);
  vm.arch = s;
  return kx::Status::ok();
}

void vm_destroy(Vm& vm) {
  vgic::vm_destroy(vm);
  kx::destroy(&vm_state(vm));
  vm.arch = nullptr;
}

// kvm_vm_ioctl_create_vcpu() against the GIC's limit (kvm->max_vcpus),
// then kvm_arch_vcpu_precreate(): no vCPU joins an initialised GIC.
kx::Status vcpu_precreate(Vm& vm, u32) {
  const vgic::Dist& d = vm_state(vm).vgic;
  if (vm.created_vcpus() >= vgic::max_vcpus(d, kMaxVcpus)) return kx::error(kx::kEINVAL);
  return vgic::vcpu_precreate(vm, d);
}

kx::Status vcpu_create(Vcpu& vcpu) {
  kx::AllocChecker ac;
  vcpu.arch = new (&ac) VcpuState;
  if (!ac.check()) return kx::error(kx::kENOMEM);
  timer_vcpu_create(vcpu);
  return kx::Status::ok();
}

void vcpu_destroy(Vcpu& vcpu) {
  vgic::vcpu_destroy(vcpu);
  VcpuState* s = &state(vcpu);
  kx::free_array(s->sve_state);
  kx::destroy(s);
  vcpu.arch = nullptr;
}

// kvm_arch_vcpu_ioctl_run() and kvm_vcpu_first_run_init(): a vCPU never
// initialised is -ENOEXEC, one whose SVE is not finalized -EPERM.
kx::Status run_check(Vcpu& vcpu) {
  const VcpuState& s = state(vcpu);
  if (!s.initialized()) return kx::error(kx::kENOEXEC);
  if (!s.finalized()) return kx::error(kx::kEPERM);
  KX_TRY(vgic::map_resources(vcpu));
  if (!vcpu.has_run()) KX_TRY(first_run_devices(vcpu));
  return kx::Status::ok();
}

// With the in-kernel GIC, its CPU interface decides; without, the
// vCPU's IRQ and FIQ lines userspace drives.
bool vcpu_has_interrupt(Vcpu& vcpu) {
  return vgic::vcpu_has_pending(vcpu) || state(vcpu).cpu_lines.load() != 0;
}

// KVM_ARM_IRQ_TYPE_CPU (vcpu_interrupt_line()): the vCPU's IRQ (0) or FIQ
// (1) input, for a VMM that emulates the interrupt controller itself.
kx::Status cpu_line(Vm& vm, u32 vcpu_idx, u32 num, u32 level) {
  if (num > 1) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  u32 i = 0;
  for (Vcpu* v : vm.vcpus_) {
    if (i++ != vcpu_idx) continue;
    kx::Atomic<u32>& lines = state(*v).cpu_lines;
    if (level)
      lines.fetch_or(1u << num);
    else
      lines.fetch_and(~(1u << num));
    v->kick();
    return kx::Status::ok();
  }
  return kx::error(kx::kEINVAL);
}

// KVM_IRQ_LINE (kvm_vm_ioctl_irq_line()): type in bits 27:24, the vCPU
// index in 23:16 and 31:28 (KVM_CAP_ARM_IRQ_LINE_LAYOUT_2), the number in
// 15:0. CPU lines only without an in-kernel GIC, SPIs and PPIs only with.
kx::Status irq_line(Vm& vm, u32 irq, u32 level) {
  constexpr u32 kTypeCpu = 0, kTypeSpi = 1, kTypePpi = 2;
  const u32 type = (irq >> 24) & 0xf;
  const u32 vcpu_idx = ((irq >> 16) & 0xff) + ((irq >> 28) & 0xf) * 256;
  const u32 num = irq & 0xffff;
  // Once the GIC is initialised nothing here sleeps: an irqfd may inject
  // from atomic context.
  bool in_kernel = vgic::initialized(vm);
  if (!in_kernel) {
    kx::Guard<kx::Mutex> guard(&vm.lock);
    in_kernel = vm_state(vm).vgic.in_kernel();
  }
  switch (type) {
    case kTypeCpu:
      if (in_kernel) return kx::error(kx::kENXIO);
      if (vcpu_idx >= vm.online_vcpus()) return kx::error(kx::kEINVAL);
      return cpu_line(vm, vcpu_idx, num, level);
    case kTypeSpi:
    case kTypePpi:
      if (!in_kernel) return kx::error(kx::kENXIO);
      if (type == kTypePpi && vcpu_idx >= vm.online_vcpus()) return kx::error(kx::kEINVAL);
      return vgic::irq_line(vm, type, vcpu_idx, num, level != 0);
  }
  return kx::error(kx::kEINVAL);
}

// kvm_arm_vcpu_arch_{set,get,has}_attr().
constexpr u32 kVcpuPmuV3Ctrl = 0, kVcpuTimerCtrl = 1, kVcpuPvtimeCtrl = 2;
kx::Status vcpu_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr) {
  switch (attr.group) {
    case kVcpuPmuV3Ctrl:
      return pmu_attr(vcpu, op, attr);
    case kVcpuTimerCtrl:
      return timer_attr(vcpu, op, attr);
    case kVcpuPvtimeCtrl:
      return pvtime_attr(vcpu, op, attr);
  }
  return kx::error(kx::kENXIO);
}

// System registers the guest reaches through the guest-access extension:
// the GICv3 CPU interface, and PMCEID{0,1}_EL0 of a vCPU with a PMU.
kx::Status guest_sysreg(Vcpu& vcpu, GuestAccess& access) {
  constexpr u64 kPmceid0 = sysreg_id(sysreg_enc(3, 3, 9, 12, 6));
  constexpr u64 kPmceid1 = sysreg_id(sysreg_enc(3, 3, 9, 12, 7));
  if (access.addr == kPmceid0 || access.addr == kPmceid1) {
    if (!state(vcpu).has(kPmuV3)) return kx::error(kx::kENXIO);
    if (!access.write) access.data = guest_pmceid(vcpu, access.addr == kPmceid1);
    access.result = KX_ACCESS_RESULT_KERNEL;
    return kx::Status::ok();
  }
  return vgic::guest_sysreg(vcpu, access);
}

// What the emulated host offers, read when asked (the system fd) or
// from the VM's snapshot.
HostCaps caps_of(const Vm* vm) { return vm ? vm->config().arm64_host : host(); }
long cap_sve(const Personality&, const Vm* vm) { return caps_of(vm).sve; }
long cap_ptrauth(const Personality&, const Vm* vm) { return caps_of(vm).full_ptrauth(); }
long cap_pmuv3(const Personality&, const Vm* vm) { return caps_of(vm).pmuv3; }
long cap_el1_32bit(const Personality&, const Vm* vm) { return caps_of(vm).el1_32bit; }
long cap_ipa(const Personality&, const Vm* vm) { return caps_of(vm).ipa_bits; }
// kvm_vm_ioctl_check_extension(): only a VM can say, once it has an ITS.
long cap_msi_devid(const Personality&, const Vm* vm) {
  if (!vm) return -kx::kEINVAL;
  return vgic::msis_require_devid(*const_cast<Vm*>(vm));
}

kx::Result<int> signal_msi(Vm& vm, const kx_msi& m) {
  return vgic::signal_msi(vm, u64{m.address_hi} << 32 | m.address_lo, m.data, m.flags, m.devid);
}

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},
    {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_READONLY_MEM, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},
    {KX_CAP_ARM_VM_IPA_SIZE, 0, cap_ipa},
    {KX_CAP_ONE_REG, 1, nullptr},
    {KX_CAP_VCPU_ATTRIBUTES, 1, nullptr},
    {KX_CAP_STEAL_TIME, 1, nullptr},  // the PVTIME attribute (sched_info_on())
    {KX_CAP_IRQCHIP, 1, nullptr},     // vgic_present: the emulated host has a GICv3
    {KX_CAP_ARM_IRQ_LINE_LAYOUT_2, 1, nullptr},
    {KX_CAP_ARM_SVE, 0, cap_sve},
    {KX_CAP_ARM_PTRAUTH_ADDRESS, 0, cap_ptrauth},
    {KX_CAP_ARM_PTRAUTH_GENERIC, 0, cap_ptrauth},
    {KX_CAP_ARM_PMU_V3, 0, cap_pmuv3},
    {KX_CAP_ARM_EL1_32BIT, 0, cap_el1_32bit},
    {KX_CAP_SIGNAL_MSI, 1, nullptr},  // CONFIG_HAVE_KVM_MSI
    {KX_CAP_MSI_DEVID, 0, cap_msi_devid},
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
    .vm_create = arm64::vm_create,
    .vm_destroy = arm64::vm_destroy,
    .vcpu_precreate = arm64::vcpu_precreate,
    .vcpu_create = arm64::vcpu_create,
    .vcpu_destroy = arm64::vcpu_destroy,
    .run_check = arm64::run_check,
    .vcpu_has_interrupt = arm64::vcpu_has_interrupt,
    .irq_line = arm64::irq_line,
    .signal_msi = arm64::signal_msi,
    .vm_attr = nullptr,
    .vcpu_attr = arm64::vcpu_attr,
    .unknown_vm_ioctl_errno = -kx::kEINVAL,
    .unknown_vcpu_ioctl_errno = -kx::kEINVAL,
    .guest_sysreg = arm64::guest_sysreg,
    .guest_hypercall = arm64::guest_hypercall,
};

}  // namespace kvm
