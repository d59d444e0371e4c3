// SPDX-License-Identifier: GPL-2.0
// POWER (book3s-64, HV) as /dev/kvm presents it on a ppc64le host
// (arch/powerpc/kvm/powerpc.c, Debian's ppc64el configuration).
#include "arch/powerpc/ppc.h"

namespace kvm {
namespace ppc {

// struct kvm_guest_debug, ppc's layout: 16 breakpoints of address, type
// and a reserved word.
struct GuestDebug {
  u32 control;
  u32 pad;
  u8 arch[16 * 16];
};
static_assert(sizeof(GuestDebug) == 264);

// KVM_SET_GUEST_DEBUG (kvm_vcpu_ioctl()'s copy, then book3s.c's
// kvm_arch_vcpu_ioctl_set_guest_debug(), HV and PR alike): the control
// word is kept as given, unchecked; the breakpoints are not read.
kx::Result<long> set_guest_debug(Vcpu& vcpu, u64 arg) {
  GuestDebug dbg;
  if (kx_copy_from_user(&dbg, arg, sizeof(dbg))) return kx::kEFAULT;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  vcpu.set_guest_debug(dbg.control);
  vcpu.mutex.unlock();
  return 0;
}

// kvm_arch_vcpu_ioctl(), for what kvm_ext has, and KVM_SET_GUEST_DEBUG
// (a generic ioctl whose number is the architecture's).
constexpr VcpuIoctl kVcpuIoctls[] = {
    {KX_ENABLE_CAP, vcpu_enable_cap},
    {KX_PPC_SET_GUEST_DEBUG, set_guest_debug},
    {KX_GET_ONE_REG, one_reg_ioctl<false>},
    {KX_SET_ONE_REG, one_reg_ioctl<true>},
};

// kvm_vcpu_ioctl_enable_cap() on book3s HV, for what kvm_ext has; the
// interrupt controllers' connections come with the devices.
// kvm_arch_vm_ioctl(), for what kvm_ext has.
constexpr VmIoctl kVmIoctls[] = {
    {KX_PPC_RTAS_DEFINE_TOKEN, rtas_define_token},
    {KX_CREATE_SPAPR_TCE_64, create_spapr_tce<true>},
    {KX_CREATE_SPAPR_TCE, create_spapr_tce<false>},
};

constexpr VcpuCap kVcpuCaps[] = {
    {KX_CAP_PPC_PAPR, enable_papr},
    {KX_CAP_IRQ_MPIC, enable_irq_mpic},
    {KX_CAP_IRQ_XICS, enable_irq_xics},
    {KX_CAP_PPC_IRQ_XIVE, enable_irq_xive},
};

// CONFIG_SPAPR_TCE_IOMMU: the Book3S hosts (PowerNV, pSeries).
bool has_spapr_tce(const Vm& vm) { return book3s(ppc_vm(vm).host); }

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},
    {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},
    {KX_CAP_ENABLE_CAP, 1, nullptr},
    {KX_CAP_IOEVENTFD, 1, nullptr},
    {KX_CAP_SET_GUEST_DEBUG, 1, nullptr},
    {KX_CAP_ONE_REG, 1, nullptr},
    // Book3S only (an e500mc answers 0: userspace-api.rst lists what an
    // e500 VM has)
    {KX_CAP_PPC_PAPR, 0, cap_book3s},
    {KX_CAP_IRQ_XICS, 0, cap_irq_xics},
    {KX_CAP_PPC_IRQ_XIVE, 0, cap_irq_xive},
    {KX_CAP_PPC_RTAS, 0, cap_book3s},
    {KX_CAP_PPC_ENABLE_HCALL, 0, cap_book3s},
    {KX_CAP_PPC_MMU_RADIX, 0, cap_isa300},
    {KX_CAP_PPC_MMU_HASH_V3, 0, cap_isa300},
    // CONFIG_SPAPR_TCE_IOMMU; _VFIO is CPU_FTR_HVMODE, which both
    // PowerNV hosts have.
    {KX_CAP_SPAPR_TCE, 0, cap_book3s},
    {KX_CAP_SPAPR_TCE_64, 0, cap_book3s},
    {KX_CAP_SPAPR_MULTITCE, 0, cap_book3s},
    {KX_CAP_SPAPR_TCE_VFIO, 0, cap_book3s},
    // CONFIG_KVM_MPIC: the e500mc
    {KX_CAP_IRQ_MPIC, 0, cap_irq_mpic},
};

constexpr BuiltinDevice kDevices[] = {
    {KX_DEV_TYPE_VFIO, &kx_vfio_device_ops},        {KX_DEV_TYPE_FSL_MPIC_20, &kx_mpic_device_ops},
    {KX_DEV_TYPE_FSL_MPIC_42, &kx_mpic_device_ops}, {KX_DEV_TYPE_XICS, &kx_xics_device_ops},
    {KX_DEV_TYPE_XIVE, &kx_xive_native_device_ops},
};

// KVM_GET_STATS_FD (6.1's arch/powerpc/kvm/book3s.c tables: its names
// where the event is the same).
constexpr StatsRow kVmStatRows[] = {
    KX_GENERIC_VM_STATS(),
};
constexpr StatsRow kVcpuStatRows[] = {
    KX_GENERIC_VCPU_STATS(),
    KX_STATS_DESC_COUNTER_AS(Vcpu, exits, "sum_exits"),
    KX_STATS_DESC_COUNTER(Vcpu, mmio_exits),
    KX_STATS_DESC_COUNTER(Vcpu, signal_exits),
};
constexpr auto kVmStats = make_stats_block<VmStats>(kVmStatRows);
constexpr auto kVcpuStats = make_stats_block<VcpuStats>(kVcpuStatRows);

}  // namespace ppc

const Personality kPpcPersonality = {
    .name = "ppc",
    .id = KX_PPC,
    .vcpu_mmap_pages = 1,  // no CONFIG_KVM_MMIO: Debian's book3s has no PR KVM
    .max_vcpus = ppc::kMaxVcpus,
    .max_vcpu_ids = ppc::kMaxVcpuIds,
    .user_mem_slots = 32767,
    .address_spaces = 1,
    .valid_mem_flags = KX_MEM_LOG_DIRTY_PAGES,
    .manual_dirty_log_caps = 0,
    .irq = {.msi = false, .routing = false, .irqfd = true},
    .irq_features = ppc::irq_features,
    .caps = ppc::kCaps,
    .ncaps = kx::array_size(ppc::kCaps),
    .devices = ppc::kDevices,
    .n_devices = kx::array_size(ppc::kDevices),
    .device_ops = ppc::device_ops,
    .init = nullptr,
    .vm_create = ppc::vm_create,
    .vm_destroy = nullptr,
    .vcpu_precreate = nullptr,
    .vcpu_create = ppc::vcpu_create,
    .vcpu_destroy = nullptr,
    .run_check = nullptr,
    .run_enter = ppc::run_enter,
    .idle_event = nullptr,
    .get_mp_state = nullptr,
    .set_mp_state = nullptr,
    .vm_enable_cap = ppc::vm_enable_cap,
    .irq_line = ppc::irq_line,
    .vm_attr = nullptr,
    .vcpu_attr = nullptr,
    .vm_ioctls = ppc::kVmIoctls,
    .n_vm_ioctls = kx::array_size(ppc::kVmIoctls),
    .vcpu_ioctls = ppc::kVcpuIoctls,
    .n_vcpu_ioctls = kx::array_size(ppc::kVcpuIoctls),
    .vcpu_caps = ppc::kVcpuCaps,
    .n_vcpu_caps = kx::array_size(ppc::kVcpuCaps),
    .unknown_vm_ioctl_errno = -kx::kENOTTY,
    .unknown_vcpu_ioctl_errno = -kx::kEINVAL,
    .guest_sysreg = nullptr,
    .guest_hypercall = ppc::guest_hypercall,
    .guest_interrupt = nullptr,
    .vfio_spapr_tce = ppc::spapr_tce_attach,
    .has_vfio_spapr_tce = ppc::has_spapr_tce,
    .vm_stats = stats_table(ppc::kVmStats),
    .vcpu_stats = stats_table(ppc::kVcpuStats),
};

}  // namespace kvm
