// SPDX-License-Identifier: GPL-2.0
// arm64 as /dev/kvm presents it on an arm64 host (arch/arm64/kvm/arm.c).
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {

constexpr u32 kMaxVcpus = 512;  // VGIC_V3_MAX_CPUS

// kvm_arm_setup_stage2(): bits 0-7 the IPA size, 0 the 40-bit default.
// The VM snapshots the emulated host as it is now.
kx::Result<ArchVm*> vm_create(unsigned long type) {
  const HostCaps h = host();
  if (type & ~KX_VM_TYPE_ARM_IPA_SIZE_MASK) return kx::kEINVAL;
  u32 bits = static_cast<u32>(type & KX_VM_TYPE_ARM_IPA_SIZE_MASK);
  if (bits == 0) {
    bits = KX_ARM64_DEFAULT_IPA_BITS;
    if (bits > h.ipa_bits) return kx::kEINVAL;
  } else if (bits > h.ipa_bits || bits < KX_ARM64_MIN_IPA_BITS) {
    return kx::kEINVAL;
  }
  kx::AllocChecker ac;
  VmState* s = new (&ac) VmState(h, bits);
  if (!ac.check()) return kx::kENOMEM;
  vm_state_init(*s);
  return static_cast<ArchVm*>(s);
}

// kvm_arch_prepare_memory_region(): the slot must lie within the VM's IPA
// space.
kx::Status VmState::check_slot(u64 base_gfn, u64 npages, u64) const {
  if (base_gfn + npages > (1ull << (ipa_bits - KX_PAGE_SHIFT))) return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

void vm_destroy(Vm& vm) { vgic::vm_destroy(vm); }

// kvm_vm_ioctl_create_vcpu() against the GIC's limit (kvm->max_vcpus),
// then kvm_arch_vcpu_precreate(): no vCPU joins an initialised GIC.
// Vm::create_vcpu() calls it with Vm::lock held.
kx::Status vcpu_precreate(Vm& vm, u32) KX_REQUIRES(vm.lock) {
  vgic::Dist& d = vm_state(vm).vgic;
  if (vm.created_vcpus() >= vgic::max_vcpus(d, kMaxVcpus)) return kx::error(kx::kEINVAL);
  return vgic::vcpu_precreate(vm, d);
}

kx::Result<ArchVcpu*> vcpu_create(Vcpu& vcpu) {
  kx::AllocChecker ac;
  VcpuState* s = new (&ac) VcpuState;
  if (!ac.check()) return kx::kENOMEM;
  timer_vcpu_create(vcpu);
  return static_cast<ArchVcpu*>(s);
}

void vcpu_destroy(Vcpu& vcpu) { vgic::vcpu_destroy(vcpu); }

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
bool GicChip::vcpu_has_interrupt(Vcpu& vcpu) {
  return vgic::vcpu_has_pending(vcpu) || state(vcpu).cpu_lines.load() != 0;
}

// kvm_set_routing_entry(): one irqchip, whose pins are the SPIs
// (KVM_IRQCHIP_NUM_PINS: 1020 - 32).
kx::Status GicChip::check_route(u32 irqchip, u32 pin) const {
  constexpr u32 kNrIrqchips = 1, kNumPins = 1020 - vgic::kNrPrivateIrqs;
  if (pin >= kNumPins || irqchip >= kNrIrqchips) return kx::error(kx::kEINVAL);
  return kx::Status::ok();
}

kx::Status GicChip::set_pin(Vm& vm, u32, u32 pin, u32 level) {
  return vgic::set_spi_pin(vm, pin, level != 0);  // vgic_irqfd_set_irq(): a bool
}

// kvm_arch_set_irq_inatomic(): SPIs once the GIC is initialised; an MSI
// needs the ITS, which sleeps.
bool GicChip::pin_edge_atomic(Vm& vm, u32, u32 pin) {
  if (!vgic::initialized(vm)) return false;
  (void)vgic::set_spi_pin(vm, pin, true);
  return true;
}

kx::Result<int> GicChip::signal_msi(Vm& vm, const Msi& m) {
  return vgic::signal_msi(vm, u64{m.address_hi} << 32 | m.address_lo, m.data, m.flags, m.devid);
}

// kvm_arch_intc_initialized(): vgic_initialized().
bool GicChip::ready(Vm& vm) { return vgic::initialized(vm); }

// KVM_ARM_IRQ_TYPE_CPU (vcpu_interrupt_line()): the vCPU's IRQ (0) or FIQ
// (1) input, for a VMM that emulates the interrupt controller itself.
kx::Status cpu_line(Vm& vm, u32 vcpu_idx, u32 num, u32 level) {
  if (num > 1) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  u32 i = 0;
  for (Vcpu* v : vm.vcpus()) {
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
kx::Status irq_line(Vm& vm, IrqLevel& line) {
  const u32 irq = line.irq, level = line.level;
  constexpr u32 kTypeCpu = 0, kTypeSpi = 1, kTypePpi = 2;
  const u32 type = (irq >> 24) & 0xf;
  const u32 vcpu_idx = ((irq >> 16) & 0xff) + ((irq >> 28) & 0xf) * 256;
  const u32 num = irq & 0xffff;
  // Nothing here sleeps once the GIC is initialised (an irqfd may inject
  // from atomic context); whether one exists is an atomic, set once.
  const bool in_kernel = vm_state(vm).vgic.in_kernel();
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
HostCaps caps_of(const Vm* vm) { return vm ? vm_state(*vm).host : host(); }
long cap_sve(const Personality&, const Vm* vm) { return caps_of(vm).sve; }
long cap_ptrauth(const Personality&, const Vm* vm) { return caps_of(vm).full_ptrauth(); }
long cap_pmuv3(const Personality&, const Vm* vm) { return caps_of(vm).pmuv3; }
long cap_el1_32bit(const Personality&, const Vm* vm) { return caps_of(vm).el1_32bit; }
long cap_ipa(const Personality&, const Vm* vm) { return caps_of(vm).ipa_bits; }
long cap_ras(const Personality&, const Vm* vm) { return caps_of(vm).ras; }
long cap_hw_bps(const Personality&, const Vm*) { return host_breakpoints(); }
long cap_hw_wps(const Personality&, const Vm*) { return host_watchpoints(); }
// kvm_vm_ioctl_check_extension(): only a VM can say, once it has an ITS.
long cap_msi_devid(const Personality&, const Vm* vm) {
  if (!vm) return -kx::kEINVAL;
  return vgic::msis_require_devid(*const_cast<Vm*>(vm));
}

// struct kvm_vcpu_init
struct VcpuInit {
  u32 target;
  u32 features[kMaxFeatures];
};

kx::Result<long> preferred_target_ioctl(Vm&, u64 arg) {
  const VcpuInit init = {kTargetGenericV8, {}};
  if (kx_copy_to_user(arg, &init, sizeof(init))) return kx::kEFAULT;
  return 0;
}

kx::Result<long> vcpu_init_ioctl(Vcpu& vcpu, u64 arg) {
  VcpuInit init;
  if (kx_copy_from_user(&init, arg, sizeof(init))) return kx::kEFAULT;
  KX_TRY(vcpu_init(vcpu, init.target, init.features));
  return 0;
}

kx::Result<long> vcpu_finalize_ioctl(Vcpu& vcpu, u64 arg) {
  KX_TRY(vcpu_finalize(vcpu, arg));
  return 0;
}

template <bool kSet>
kx::Result<long> one_reg_ioctl(Vcpu& vcpu, u64 arg) {
  KX_TRY(one_reg(vcpu, kSet, arg));
  return 0;
}

kx::Result<long> reg_list_ioctl(Vcpu& vcpu, u64 arg) {
  KX_TRY(get_reg_list(vcpu, arg));
  return 0;
}

// KVM_CREATE_IRQCHIP (api.rst 4.24): a GICv2, as KVM_CREATE_DEVICE of
// KVM_DEV_TYPE_ARM_VGIC_V2 makes it but with no device fd (it is the VM's
// until the VM goes). vgic_present (-ENXIO without): the emulated host
// always has a GIC.
kx::Result<long> create_irqchip_ioctl(Vm& vm, u64) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  KX_TRY(vgic::create(vm, vgic::kModelV2));
  return 0;
}

// struct kvm_arm_device_addr
struct DeviceAddr {
  u64 id;
  u64 addr;
};

// KVM_ARM_SET_DEVICE_ADDR (api.rst 4.85).
kx::Result<long> set_device_addr_ioctl(Vm& vm, u64 arg) {
  DeviceAddr a;
  if (kx_copy_from_user(&a, arg, sizeof(a))) return kx::kEFAULT;
  KX_TRY(vgic::set_legacy_addr(vm, a.id, a.addr));
  return 0;
}

// The device types the VM's host registered: a GICv2 only with the
// host's GICv2 compatibility (vgic_v3_probe() registers
// KVM_DEV_TYPE_ARM_VGIC_V2 only then).
const kx_device_ops* device_ops(const Vm& vm, u32 type, const kx_device_ops* registered) {
  return type != KX_DEV_TYPE_ARM_VGIC_V2 || vm_state(vm).host.gicv2 ? registered : nullptr;
}

// kvm_arch_vm_ioctl() and kvm_arch_vcpu_ioctl(), for what kvm_ext has, and
// KVM_SET_GUEST_DEBUG (a generic ioctl whose number is the architecture's).
constexpr VmIoctl kVmIoctls[] = {
    {KX_CREATE_IRQCHIP, create_irqchip_ioctl},
    {KX_ARM_SET_DEVICE_ADDR, set_device_addr_ioctl},
    {KX_ARM_PREFERRED_TARGET, preferred_target_ioctl},
};

constexpr VcpuIoctl kVcpuIoctls[] = {
    {KX_ARM_VCPU_INIT, vcpu_init_ioctl},    {KX_ARM_VCPU_FINALIZE, vcpu_finalize_ioctl},
    {KX_GET_ONE_REG, one_reg_ioctl<false>}, {KX_SET_ONE_REG, one_reg_ioctl<true>},
    {KX_GET_REG_LIST, reg_list_ioctl},      {KX_GET_VCPU_EVENTS, get_vcpu_events},
    {KX_SET_VCPU_EVENTS, set_vcpu_events},  {KX_ARM64_SET_GUEST_DEBUG, set_guest_debug},
};

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},
    {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_IOEVENTFD, 1, nullptr},
    {KX_CAP_READONLY_MEM, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},
    {KX_CAP_ARM_VM_IPA_SIZE, 0, cap_ipa},
    {KX_CAP_ONE_REG, 1, nullptr},
    {KX_CAP_VCPU_ATTRIBUTES, 1, nullptr},
    {KX_CAP_STEAL_TIME, 1, nullptr},  // the PVTIME attribute (sched_info_on())
    {KX_CAP_IRQCHIP, 1, nullptr},     // vgic_present: the emulated host has a GICv3
    {KX_CAP_ARM_SET_DEVICE_ADDR, 1, nullptr},
    {KX_CAP_ARM_IRQ_LINE_LAYOUT_2, 1, nullptr},
    {KX_CAP_ARM_SVE, 0, cap_sve},
    {KX_CAP_ARM_PTRAUTH_ADDRESS, 0, cap_ptrauth},
    {KX_CAP_ARM_PTRAUTH_GENERIC, 0, cap_ptrauth},
    {KX_CAP_ARM_PMU_V3, 0, cap_pmuv3},
    {KX_CAP_ARM_EL1_32BIT, 0, cap_el1_32bit},
    {KX_CAP_MSI_DEVID, 0, cap_msi_devid},
    {KX_CAP_MP_STATE, 1, nullptr},
    {KX_CAP_ARM_SYSTEM_SUSPEND, 1, nullptr},
    // PSCI 0.1, and 0.2+ through KVM_ARM_VCPU_PSCI_0_2 (psci.cpp); QEMU asks
    // for the feature only when KVM_CAP_ARM_PSCI_0_2 says it exists.
    {KX_CAP_ARM_PSCI, 1, nullptr},
    {KX_CAP_ARM_PSCI_0_2, 1, nullptr},
    {KX_CAP_VCPU_EVENTS, 1, nullptr},
    {KX_CAP_ARM_INJECT_SERROR_ESR, 0, cap_ras},  // ARM64_HAS_RAS_EXTN
    {KX_CAP_ARM_INJECT_EXT_DABT, 1, nullptr},
    {KX_CAP_SET_GUEST_DEBUG, 1, nullptr},
    // KVM_GUESTDBG_VALID_MASK
    {KX_CAP_SET_GUEST_DEBUG2,
     KX_GUESTDBG_ENABLE | KX_GUESTDBG_SINGLESTEP | KX_GUESTDBG_USE_SW_BP | KX_GUESTDBG_ARM64_USE_HW,
     nullptr},
    {KX_CAP_GUEST_DEBUG_HW_BPS, 0, cap_hw_bps},
    {KX_CAP_GUEST_DEBUG_HW_WPS, 0, cap_hw_wps},
};

constexpr BuiltinDevice kDevices[] = {
    {KX_DEV_TYPE_VFIO, &kx_vfio_device_ops},
    {KX_DEV_TYPE_ARM_VGIC_V2, &kx_vgic_v2_device_ops},
    {KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops},
    {KX_DEV_TYPE_ARM_VGIC_ITS, &kx_vgic_its_device_ops},
};

// KVM_GET_STATS_FD (6.1's arch/arm64/kvm/guest.c kvm_vm_stats_desc and
// kvm_vcpu_stats_desc: its names where the event is the same).
constexpr StatsRow kVmStatRows[] = {
    KX_GENERIC_VM_STATS(),
    KX_STATS_DESC_COUNTER(Vm, dirty_log_clears),
    KX_STATS_DESC_COUNTER(Vm, gsi_routing_updates),
    KX_STATS_DESC_COUNTER(Vm, irq_line_injections),
    KX_STATS_DESC_COUNTER(Vm, msi_injections),
    KX_STATS_DESC_COUNTER(Vm, irqfd_injections),
    KX_STATS_DESC_COUNTER(Vm, lpis_delivered),
};
constexpr StatsRow kVcpuStatRows[] = {
    KX_GENERIC_VCPU_STATS(),
    KX_STATS_DESC_COUNTER_AS(Vcpu, hypercalls, "hvc_exit_stat"),
    KX_STATS_DESC_COUNTER(Vcpu, mmio_exit_user),
    KX_STATS_DESC_COUNTER(Vcpu, mmio_exit_kernel),
    KX_STATS_DESC_COUNTER(Vcpu, signal_exits),
    KX_STATS_DESC_COUNTER(Vcpu, exits),
    KX_STATS_DESC_COUNTER(Vcpu, ext_interrupt_exits),
    KX_STATS_DESC_COUNTER(Vcpu, sysreg_exits),
};
constexpr auto kVmStats = make_stats_block<VmStats>(kVmStatRows);
constexpr auto kVcpuStats = make_stats_block<VcpuStats>(kVcpuStatRows);

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
    .irq = {.msi = true, .routing = true, .irqfd = true},
    .irq_features = nullptr,
    .caps = arm64::kCaps,
    .ncaps = kx::array_size(arm64::kCaps),
    .devices = arm64::kDevices,
    .n_devices = kx::array_size(arm64::kDevices),
    .device_ops = arm64::device_ops,
    .init = arm64::host_init,
    .vm_create = arm64::vm_create,
    .vm_destroy = arm64::vm_destroy,
    .vcpu_precreate = arm64::vcpu_precreate,
    .vcpu_create = arm64::vcpu_create,
    .vcpu_destroy = arm64::vcpu_destroy,
    .run_check = arm64::run_check,
    .run_enter = arm64::run_enter,
    .idle_event = arm64::idle_event,
    .get_mp_state = arm64::get_mp_state,
    .set_mp_state = arm64::set_mp_state,
    .vm_enable_cap = arm64::vm_enable_cap,
    .irq_line = arm64::irq_line,
    .vm_attr = nullptr,
    .vcpu_attr = arm64::vcpu_attr,
    .vm_ioctls = arm64::kVmIoctls,
    .n_vm_ioctls = kx::array_size(arm64::kVmIoctls),
    .vcpu_ioctls = arm64::kVcpuIoctls,
    .n_vcpu_ioctls = kx::array_size(arm64::kVcpuIoctls),
    .vcpu_caps = nullptr,
    .n_vcpu_caps = 0,
    .unknown_vm_ioctl_errno = -kx::kEINVAL,
    .unknown_vcpu_ioctl_errno = -kx::kEINVAL,
    .guest_sysreg = arm64::guest_sysreg,
    .guest_hypercall = arm64::guest_hypercall,
    .guest_interrupt = nullptr,
    .vfio_spapr_tce = nullptr,
    .has_vfio_spapr_tce = nullptr,
    .vm_stats = stats_table(arm64::kVmStats),
    .vcpu_stats = stats_table(arm64::kVcpuStats),
};

}  // namespace kvm
