// SPDX-License-Identifier: GPL-2.0
// A personality is one guest architecture as /dev/kvm presents it there:
// its limits, its KVM_CHECK_EXTENSION answers and its arch hooks. Each is a
// constant table in arch/<name>/; the generic core consults nothing else.
#pragma once

#include <kvm_ext/core.h>
#include <kx/result.h>
#include <kx/types.h>

#include "stats.h"

namespace kvm {

class ArchVm;
class ArchVcpu;
class Vm;
class Vcpu;
struct GuestAccess;

struct Personality;

// What ends the idle guest's wait in KVM_RUN (Personality::idle_event).
enum class IdleEvent : u8 {
  kNone,       // keep waiting
  kInterrupt,  // an interrupt the vCPU takes: KVM_EXIT_EXT_INTERRUPT
  kWakeup,     // a suspended vCPU's wakeup: KVM_SYSTEM_EVENT_WAKEUP
  kRequest,    // work for run_enter (arm64: a PSCI CPU_ON reset), then wait on
};

// One KVM_CHECK_EXTENSION row: a constant, or a function of the
// personality and the VM (null for a query on the system fd).
struct CapRow {
  long cap;
  long value;
  long (*query)(const Personality& p, const Vm* vm);
};

// One of the architecture's own ioctls (kvm_arch_vm_ioctl(),
// kvm_arch_vcpu_ioctl()): its number and its handler, which gets the raw
// user argument and copies what it needs itself, in Linux's order.
struct VmIoctl {
  u32 cmd;
  kx::Result<long> (*handler)(Vm& vm, u64 arg);
};
struct VcpuIoctl {
  u32 cmd;
  kx::Result<long> (*handler)(Vcpu& vcpu, u64 arg);
};

// The generic interrupt ioctls a VM's kernel configuration has.
struct IrqFeatures {
  // CONFIG_HAVE_KVM_MSI: KVM_SIGNAL_MSI exists (delivered by the VM's
  // IrqChip).
  bool msi;
  // CONFIG_HAVE_KVM_IRQ_ROUTING (KVM_SET_GSI_ROUTING, KVM_CAP_IRQ_ROUTING)
  // and CONFIG_HAVE_KVM_IRQFD (KVM_IRQFD, KVM_CAP_IRQFD{,_RESAMPLE}).
  bool routing;
  bool irqfd;
};

// struct kvm_irq_level: irq in, and with KVM_IRQ_LINE_STATUS the status
// out in the same word.
struct IrqLevel {
  u32 irq;
  u32 level;
};

// struct kvm_enable_cap, as KVM_ENABLE_CAP passes it.
struct EnableCap {
  u32 cap;
  u32 flags;
  u64 args[4];
  u8 pad[64];
};
static_assert(sizeof(EnableCap) == 104);

// One capability KVM_ENABLE_CAP on a vCPU fd turns on (a case of the
// architecture's kvm_vcpu_ioctl_enable_cap()). It runs under Vcpu::mutex
// (KX_REQUIRES(vcpu.mutex) on the function says so).
struct VcpuCap {
  u32 cap;
  kx::Status (*enable)(Vcpu& vcpu, const EnableCap& req);
};

// KVM_ENABLE_CAP on a vCPU fd (api.rst 4.37), for the architectures whose
// kvm_arch_vcpu_ioctl() has it: they list it in their vCPU ioctl table.
kx::Result<long> vcpu_enable_cap(Vcpu& vcpu, u64 arg);

// A device type the architecture has built in (its kvm_init path
// registers it): the shim registers each at module init.
struct BuiltinDevice {
  u32 type;  // KVM_DEV_TYPE_*
  const kx_device_ops* ops;
};

template <typename Row>
const Row* find_ioctl(const Row* rows, usize n, u32 cmd) {
  for (usize i = 0; i < n; i++) {
    if (rows[i].cmd == cmd) return &rows[i];
  }
  return nullptr;
}

struct Personality {
  const char* name;
  kx_personality id;
  // KVM_GET_VCPU_MMAP_SIZE in pages: kvm_run plus, where the architecture
  // has CONFIG_KVM_MMIO, the coalesced MMIO ring page.
  int vcpu_mmap_pages;
  u32 max_vcpus;     // KVM_CAP_MAX_VCPUS
  u32 max_vcpu_ids;  // KVM_CAP_MAX_VCPU_ID: ids are below this
  u32 user_mem_slots;
  u32 address_spaces;
  u32 valid_mem_flags;
  // KVM_DIRTY_LOG_MANUAL_CAPS where the architecture has
  // CONFIG_KVM_GENERIC_DIRTYLOG_READ_PROTECT (KVM_CLEAR_DIRTY_LOG and
  // KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2); 0 elsewhere.
  u64 manual_dirty_log_caps;
  // The interrupt ioctls every VM has; or, where the emulated host picks
  // the kernel configuration (ppc: Book3S or an e500 with the MPIC's
  // routing), the hook's answer for a VM (null: the host a new VM would
  // get, for the system fd). A VM keeps the answer it was made with.
  IrqFeatures irq;
  IrqFeatures (*irq_features)(const Vm* vm);
  // The architecture's own rows (kvm_vm_ioctl_check_extension()); the
  // generic ones, and those that follow from the limits above, are in
  // personality.cpp for every architecture.
  const CapRow* caps;
  usize ncaps;
  const BuiltinDevice* devices;
  usize n_devices;
  // The implementation the VM's host registered for device type `type`,
  // given the table registered for it here (kvm_register_device_ops() at
  // boot depends on the host's hardware: a type may be absent, or one
  // type have two implementations). Null from the hook: the host has no
  // such device, and KVM_CREATE_DEVICE, TEST or not, is -ENODEV. Null
  // hook: every built-in type is there as registered.
  const kx_device_ops* (*device_ops)(const Vm& vm, u32 type, const kx_device_ops* registered);

  // Module init: the emulated host's defaults. Null: nothing to do.
  void (*init)();
  // KVM_CREATE_VM: the type argument in this architecture's meaning (a
  // refusal is -EINVAL), then the VM's architecture state (null: none).
  kx::Result<ArchVm*> (*vm_create)(unsigned long type);
  // Teardown that needs the VM whole, after its vCPUs and devices are
  // gone and before its architecture state is destroyed. Null: none.
  void (*vm_destroy)(Vm& vm);
  // kvm_arch_vcpu_precreate: architecture rules on top of the id bound.
  // Called with Vm::lock held: the hook says so (KX_REQUIRES(vm.lock)),
  // and the analysis checks its body against it, not calls through here.
  kx::Status (*vcpu_precreate)(Vm& vm, u32 id);
  // A new vCPU's architecture state, and the teardown before it is
  // destroyed. Null: none.
  kx::Result<ArchVcpu*> (*vcpu_create)(Vcpu& vcpu);
  void (*vcpu_destroy)(Vcpu& vcpu);
  // KVM_RUN's entry checks (initialised, finalized, ...).
  kx::Status (*run_check)(Vcpu& vcpu);
  // KVM_RUN past immediate_exit, under Vcpu::mutex: the architecture's
  // entry work (arm64: a pending PSCI CPU_ON reset; s390: start the vCPU,
  // or refuse a stopped one once the VMM controls CPU state; ppc: refuse
  // an insane vCPU, with the exit it sets). Null: none.
  kx::Status (*run_enter)(Vcpu& vcpu, kx_exit& exit);
  // Polled while the idle guest waits, with Vcpu::mutex held. Null: an
  // interrupt the VM's IrqChip has for the vCPU.
  IdleEvent (*idle_event)(Vcpu& vcpu);
  // KVM_GET_MP_STATE / KVM_SET_MP_STATE, under Vcpu::mutex. Null: -EINVAL
  // (kvm_arch_vcpu_ioctl_{get,set}_mpstate() of an architecture without
  // them).
  kx::Result<u32> (*get_mp_state)(Vcpu& vcpu);
  kx::Status (*set_mp_state)(Vcpu& vcpu, u32 state);
  // KVM_ENABLE_CAP on the VM for a capability the generic code does not
  // know (kvm_vm_ioctl_enable_cap()). Null: -EINVAL.
  kx::Status (*vm_enable_cap)(Vm& vm, const EnableCap& req);
  // KVM_IRQ_LINE / KVM_IRQ_LINE_STATUS (kvm_vm_ioctl_irq_line(): the irq
  // field in this architecture's encoding). An architecture whose
  // kvm_vm_ioctl_irq_line() reports kvm_set_irq()'s answer (book3s) writes
  // it into line.irq, the status that shares the field; the others leave
  // it. Null: the ioctl is unknown here.
  kx::Status (*irq_line)(Vm& vm, IrqLevel& line);
  // VM and vCPU KVM_{SET,GET,HAS}_DEVICE_ATTR. Null: the ioctl is not
  // handled on this architecture and fails as any unknown ioctl there.
  kx::Status (*vm_attr)(Vm& vm, kx_attr_op op, const kx_attr& attr);
  kx::Status (*vcpu_attr)(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr);
  // The architecture's own VM and vCPU ioctls.
  const VmIoctl* vm_ioctls;
  usize n_vm_ioctls;
  const VcpuIoctl* vcpu_ioctls;
  usize n_vcpu_ioctls;
  // What vcpu_enable_cap() turns on.
  const VcpuCap* vcpu_caps;
  usize n_vcpu_caps;
  // What kvm_arch_vm_ioctl() and kvm_arch_vcpu_ioctl() return for an
  // ioctl they do not know (a negative errno).
  int unknown_vm_ioctl_errno;
  int unknown_vcpu_ioctl_errno;
  // System-register access or hypercall through the guest-access
  // extension. Null: -ENXIO.
  kx::Status (*guest_sysreg)(Vcpu& vcpu, GuestAccess& access);
  kx::Status (*guest_hypercall)(Vcpu& vcpu, GuestAccess& access, kx_exit* exit);
  // KVM_EXT_ACCESS_INTERRUPT: the vCPU takes the interruption the machine
  // presents now (s390). Null: the kind is unknown here (-EINVAL).
  kx::Status (*guest_interrupt)(Vcpu& vcpu, GuestAccess& access);
  // KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE's step on the table fd
  // (kvm_spapr_tce_attach_iommu_group(), CONFIG_SPAPR_TCE_IOMMU). Null:
  // the VFIO device has no such attribute (-ENXIO).
  kx::Status (*vfio_spapr_tce)(Vm& vm, s32 tablefd);
  // Whether a VM's host has it (its kernel configuration); null: every VM
  // where vfio_spapr_tce is set.
  bool (*has_vfio_spapr_tce)(const Vm& vm);
  // KVM_GET_STATS_FD: the counters a VM's and a vCPU's stats fd show
  // (stats.h), as this architecture names them.
  StatsTable vm_stats;
  StatsTable vcpu_stats;
};

const Personality* personality(kx_personality id);
IrqFeatures irq_features(const Personality& p, const Vm* vm);
long check_extension(const Personality& p, const Vm* vm, long cap);

extern const Personality kArm64Personality;
extern const Personality kPpcPersonality;
extern const Personality kS390Personality;

}  // namespace kvm
