// SPDX-License-Identifier: GPL-2.0
// s390 as /dev/kvm presents it (arch/s390/kvm/kvm-s390.c) on a machine
// with the extended SCA (z14 and later).
#include "arch/s390/s390.h"

#include <kx/alloc.h>

namespace kvm {
namespace s390 {

// kvm_arch_init_vm(): the machine's CPU model, no memory limit beyond
// the address space (TASK_SIZE_MAX: sclp.hamax is unlimited).
S390Vm::S390Vm() : mem_limit(~0xfffull) {
  kx::Guard<kx::Mutex> guard(&model_lock);
  init_model(model);
}

S390Vm::~S390Vm() = default;

// kvm_arch_vcpu_create(): the SIE block is a zeroed page, so every
// control register starts at 0 (CR0_INITIAL_MASK and CR14_INITIAL_MASK
// come with KVM_S390_INITIAL_RESET, which kvm_ext does not have yet).
kx::Result<ArchVcpu*> vcpu_create(Vcpu&) {
  kx::AllocChecker ac;
  S390Vcpu* c = new (&ac) S390Vcpu();
  if (!ac.check()) return kx::kENOMEM;
  return static_cast<ArchVcpu*>(c);
}

// KVM_GET_SREGS / KVM_SET_SREGS (kvm_arch_vcpu_ioctl_{get,set}_sregs()):
// the access and control registers, under the vCPU's mutex.
struct Sregs {
  u32 acrs[16];
  u64 crs[16];
};
static_assert(sizeof(Sregs) == 192);

kx::Result<long> get_sregs(Vcpu& vcpu, u64 arg) {
  Sregs r;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  const S390Vcpu& c = s390_vcpu(vcpu);
  __builtin_memcpy(r.acrs, c.acrs, sizeof(r.acrs));
  __builtin_memcpy(r.crs, c.crs, sizeof(r.crs));
  vcpu.mutex.unlock();
  if (kx_copy_to_user(arg, &r, sizeof(r))) return kx::kEFAULT;
  return 0;
}

kx::Result<long> set_sregs(Vcpu& vcpu, u64 arg) {
  Sregs r;
  if (kx_copy_from_user(&r, arg, sizeof(r))) return kx::kEFAULT;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  S390Vcpu& c = s390_vcpu(vcpu);
  __builtin_memcpy(c.acrs, r.acrs, sizeof(r.acrs));
  __builtin_memcpy(c.crs, r.crs, sizeof(r.crs));
  vcpu.mutex.unlock();
  // A vCPU waiting in KVM_RUN may now be enabled for what is pending.
  vcpu.kick();
  return 0;
}

// KVM_EXT_ACCESS_INTERRUPT: the vCPU takes the floating interruption the
// machine would present to it now.
kx::Status guest_interrupt(Vcpu& vcpu, GuestAccess& a) KX_REQUIRES(vcpu.mutex) {
  if (a.addr || a.len || a.write) return kx::error(kx::kEINVAL);
  Taken t;
  if (!s390_vm(vcpu.vm()).floating.take(enablement(vcpu), &t)) {
    a.result = KX_ACCESS_RESULT_NONE;
    a.data = 0;
    return kx::Status::ok();
  }
  a.result = KX_ACCESS_RESULT_KERNEL;
  a.data = t.type;
  a.args[0] = t.parm;
  a.args[1] = t.parm64;
  return kx::Status::ok();
}

// kvm_arch_vcpu_runnable(): a floating interruption the vCPU is enabled
// for.
IdleEvent idle_event(Vcpu& vcpu) KX_REQUIRES(vcpu.mutex) {
  return s390_vm(vcpu.vm()).floating.deliverable(enablement(vcpu)) ? IdleEvent::kInterrupt
                                                                   : IdleEvent::kNone;
}

// kvm_vm_ioctl_enable_cap(): KVM_CREATE_IRQCHIP allowed, or the AIS facility (72) and, where the
// machine has it, the configuration-topology facility (11) join the VM's model before its first
// vCPU. No flags.
kx::Status vm_enable_cap(Vm& vm, const EnableCap& req) {
  if (req.flags) return kx::error(kx::kEINVAL);
  if (req.cap == KX_CAP_S390_IRQCHIP) {
    s390_vm(vm).use_irqchip.store(true);
    return kx::Status::ok();
  }
  u32 facility;
  if (req.cap == KX_CAP_S390_AIS)
    facility = 72;
  else if (req.cap == KX_CAP_S390_CPU_TOPOLOGY)
    facility = 11;
  else
    return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (vm.created_vcpus()) return kx::error(kx::kEBUSY);
  if (facility == 11 && !machine().stfle.test(11)) return kx::error(kx::kEINVAL);
  S390Vm& s = s390_vm(vm);
  kx::Guard<kx::Mutex> model(&s.model_lock);
  s.model.fac_mask.set(facility);
  s.model.fac_list.set(facility);
  return kx::Status::ok();
}

// kvm_arch_vcpu_ioctl_get_mpstate(): CHECK_STOP and LOAD are never
// reported. (6.1 returns the state as the ioctl's value and copies
// nothing out; api.rst 4.38 and kvm_ext return 0 and fill the struct:
// Documentation/differences.rst.)
kx::Result<u32> get_mp_state(Vcpu& vcpu) KX_REQUIRES(vcpu.mutex) {
  return s390_vcpu(vcpu).stopped ? KX_MP_STATE_STOPPED : KX_MP_STATE_OPERATING;
}

// kvm_arch_vcpu_ioctl_set_mpstate(): STOPPED and OPERATING hand CPU state
// control to the VMM; LOAD needs a protected vCPU (there are none),
// CHECK_STOP is not supported. (6.1 hands control over before it looks
// at the state, so a refused call changes it too; kvm_ext's refused call
// changes nothing: Documentation/differences.rst.)
kx::Status set_mp_state(Vcpu& vcpu, u32 mp_state) KX_REQUIRES(vcpu.mutex) {
  if (mp_state != KX_MP_STATE_STOPPED && mp_state != KX_MP_STATE_OPERATING)
    return kx::error(kx::kENXIO);
  s390_vm(vcpu.vm()).user_cpu_state_ctrl.store(true);
  s390_vcpu(vcpu).stopped = mp_state == KX_MP_STATE_STOPPED;
  return kx::Status::ok();
}

// kvm_arch_vcpu_ioctl_run() after immediate_exit: KVM starts the vCPU
// unless the VMM controls CPU state, and then refuses a stopped one.
kx::Status run_enter(Vcpu& vcpu, kx_exit&) KX_REQUIRES(vcpu.mutex) {
  S390Vcpu& c = s390_vcpu(vcpu);
  if (!s390_vm(vcpu.vm()).user_cpu_state_ctrl.load())
    c.stopped = false;
  else if (c.stopped)
    return kx::error(kx::kEINVAL);
  return kx::Status::ok();
}

// struct kvm_guest_debug, s390's layout.
struct GuestDebug {
  u32 control;
  u32 pad;
  u32 nr_hw_bp;
  u32 arch_pad;
  u64 hw_bp;  // user pointer to nr_hw_bp struct kvm_hw_breakpoint
};
static_assert(sizeof(GuestDebug) == 24);

constexpr u32 kMaxBpCount = 50;  // MAX_BP_COUNT
constexpr s32 kMaxWpSize = 100;  // MAX_WP_SIZE
// VALID_GUESTDBG_FLAGS: what the ioctl accepts.
constexpr u32 kGuestDbgValid =
    KX_GUESTDBG_SINGLESTEP | KX_GUESTDBG_S390_USE_HW_BP | KX_GUESTDBG_ENABLE;

// read_guest_abs() (kvm_read_guest()): guest absolute memory, page by
// page across slots; a byte outside every slot -EFAULT.
kx::Status read_guest_abs(Vm& vm, u64 gpa, u8* data, u32 len) {
  while (len) {
    const u32 n = kx::min<u32>(len, KX_PAGE_SIZE - (gpa & (KX_PAGE_SIZE - 1)));
    const kx::Status st = vm.read_guest(gpa, data, n);
    if (st == kx::error(kx::kENOENT)) return kx::error(kx::kEFAULT);
    KX_TRY(st);
    gpa += n;
    data += n;
    len -= n;
  }
  return kx::Status::ok();
}

// kvm_s390_import_bp_data(): none (no count or no array) is fine, more
// than 50 -EINVAL, the array copied in (-EFAULT), a write watchpoint's
// length (an int) outside 0..100 -EINVAL and the memory it watches read
// (-EFAULT), as 6.1 backs it up. Entries of other types are dropped.
kx::Result<HwBreakpoint*> import_bp_data(Vcpu& vcpu, const GuestDebug& dbg, u32* kept) {
  *kept = 0;
  if (dbg.nr_hw_bp == 0 || dbg.hw_bp == 0) return static_cast<HwBreakpoint*>(nullptr);
  if (dbg.nr_hw_bp > kMaxBpCount) return kx::kEINVAL;
  HwBreakpoint in[kMaxBpCount];
  if (kx_copy_from_user(in, dbg.hw_bp, dbg.nr_hw_bp * sizeof(HwBreakpoint))) return kx::kEFAULT;
  u32 n = 0;
  for (u32 i = 0; i < dbg.nr_hw_bp; i++) {
    if (in[i].type == KX_S390_HW_WP_WRITE) {
      const s32 len = static_cast<s32>(in[i].len);
      if (len < 0 || len > kMaxWpSize) return kx::kEINVAL;
      u8 old_data[kMaxWpSize];
      KX_TRY(read_guest_abs(vcpu.vm(), in[i].phys_addr, old_data, static_cast<u32>(len)));
    }
    if (in[i].type == KX_S390_HW_WP_WRITE || in[i].type == KX_S390_HW_BP) in[n++] = in[i];
  }
  if (n == 0) return static_cast<HwBreakpoint*>(nullptr);
  HwBreakpoint* out = kx::alloc_array<HwBreakpoint>(n);
  if (!out) return kx::kENOMEM;
  for (u32 i = 0; i < n; i++) out[i] = in[i];
  *kept = n;
  return out;
}

// KVM_SET_GUEST_DEBUG (kvm_vcpu_ioctl()'s copy, then
// kvm_arch_vcpu_ioctl_set_guest_debug()): control bits other than ENABLE,
// SINGLESTEP and USE_HW_BP -EINVAL (the host has guest-PER enhancement);
// with ENABLE the control word is kept and, with USE_HW_BP, the imported
// breakpoints; without ENABLE debugging is off and none is kept. 6.1
// turns debugging off before its checks, so a refused call leaves it off;
// here a refused call changes nothing (Documentation/differences.rst).
kx::Result<long> set_guest_debug(Vcpu& vcpu, u64 arg) {
  GuestDebug dbg;
  if (kx_copy_from_user(&dbg, arg, sizeof(dbg))) return kx::kEFAULT;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  kx::Result<HwBreakpoint*> bps = static_cast<HwBreakpoint*>(nullptr);
  u32 n = 0;
  if (dbg.control & ~kGuestDbgValid)
    bps = kx::kEINVAL;
  else if ((dbg.control & KX_GUESTDBG_ENABLE) && (dbg.control & KX_GUESTDBG_S390_USE_HW_BP))
    bps = import_bp_data(vcpu, dbg, &n);
  if (bps.is_ok()) {
    S390Vcpu& s = s390_vcpu(vcpu);
    kx::free_array(s.hw_bp);
    s.hw_bp = bps.value();
    s.nr_hw_bp = n;
    vcpu.set_guest_debug(dbg.control & KX_GUESTDBG_ENABLE ? dbg.control : 0);
  }
  vcpu.mutex.unlock();
  if (bps.is_error()) return bps.error();
  return 0;
}

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

// kvm_arch_vcpu_ioctl(), for what kvm_ext has, and KVM_SET_GUEST_DEBUG (a
// generic ioctl whose number is the architecture's).
constexpr VcpuIoctl kVcpuIoctls[] = {
    {KX_ENABLE_CAP, vcpu_enable_cap},
    {KX_S390_SET_GUEST_DEBUG, set_guest_debug},
    {KX_S390_GET_SREGS, get_sregs},
    {KX_S390_SET_SREGS, set_sregs},
};

// KVM_CREATE_IRQCHIP (kvm_arch_vm_ioctl()): -EINVAL unless the VMM
// enabled KVM_CAP_S390_IRQCHIP (kvm->arch.use_irqchip); then an empty GSI
// routing table, each time.
kx::Result<long> create_irqchip_ioctl(Vm& vm, u64) {
  if (!s390_vm(vm).use_irqchip.load()) return kx::kEINVAL;
  RoutingTable* empty = KX_TRY(RoutingTable::Build(nullptr, nullptr, 0));
  vm.replace_routing(empty);
  return 0;
}

kx::Result<long> interrupt_ioctl(Vm& vm, u64 arg);

constexpr VmIoctl kVmIoctls[] = {
    {KX_CREATE_IRQCHIP, create_irqchip_ioctl},
    {KX_S390_INTERRUPT, interrupt_ioctl},
    {KX_S390_GET_CMMA_BITS, get_cmma_bits},
    {KX_S390_SET_CMMA_BITS, set_cmma_bits},
};

constexpr CapRow kCaps[] = {
    {KX_CAP_SYNC_MMU, 1, nullptr},
    {KX_CAP_DEVICE_CTRL, 1, nullptr},
    {KX_CAP_IMMEDIATE_EXIT, 1, nullptr},
    {KX_CAP_ENABLE_CAP, 1, nullptr},
    {KX_CAP_S390_CSS_SUPPORT, 1, nullptr},
    {KX_CAP_MP_STATE, 1, nullptr},
    {KX_CAP_IOEVENTFD, 1, nullptr},
    {KX_CAP_SET_GUEST_DEBUG, 1, nullptr},
    // What the ioctl accepts; 6.1 adds its internal EXIT_PENDING
    // (Documentation/differences.rst).
    {KX_CAP_SET_GUEST_DEBUG2, kGuestDbgValid, nullptr},
    {KX_CAP_VM_ATTRIBUTES, 1, nullptr},
    {KX_CAP_S390_IRQCHIP, 1, nullptr},
    {KX_CAP_S390_AIS, 1, nullptr},
    {KX_CAP_S390_AIS_MIGRATION, 1, nullptr},
    // sclp.has_cmma: the machine's.
    {KX_CAP_S390_CMMA_MIGRATION, 1, nullptr},
    // test_facility(11): the machine's.
    {KX_CAP_S390_CPU_TOPOLOGY, 1, nullptr},
};

constexpr BuiltinDevice kDevices[] = {
    {KX_DEV_TYPE_VFIO, &kx_vfio_device_ops},
    {KX_DEV_TYPE_FLIC, &kx_flic_device_ops},
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
    // HAVE_KVM_IRQ_ROUTING and HAVE_KVM_IRQFD, no HAVE_KVM_MSI.
    .irq = {.msi = false, .routing = true, .irqfd = true},
    .irq_features = nullptr,
    .caps = s390::kCaps,
    .ncaps = kx::array_size(s390::kCaps),
    .devices = s390::kDevices,
    .n_devices = kx::array_size(s390::kDevices),
    .device_ops = nullptr,
    .init = nullptr,
    .vm_create = s390::vm_create,
    .vm_destroy = nullptr,
    .vcpu_precreate = nullptr,
    .vcpu_create = s390::vcpu_create,
    .vcpu_destroy = nullptr,
    .run_check = nullptr,
    .run_enter = s390::run_enter,
    .idle_event = s390::idle_event,
    .get_mp_state = s390::get_mp_state,
    .set_mp_state = s390::set_mp_state,
    .vm_enable_cap = s390::vm_enable_cap,
    .irq_line = nullptr,
    .vm_attr = s390::vm_attr,
    .vcpu_attr = nullptr,
    .vm_ioctls = s390::kVmIoctls,
    .n_vm_ioctls = kx::array_size(s390::kVmIoctls),
    .vcpu_ioctls = s390::kVcpuIoctls,
    .n_vcpu_ioctls = kx::array_size(s390::kVcpuIoctls),
    .vcpu_caps = s390::kVcpuCaps,
    .n_vcpu_caps = kx::array_size(s390::kVcpuCaps),
    .unknown_vm_ioctl_errno = -kx::kENOTTY,
    .unknown_vcpu_ioctl_errno = -kx::kENOTTY,
    .guest_sysreg = nullptr,
    .guest_hypercall = nullptr,
    .guest_interrupt = s390::guest_interrupt,
    .vfio_spapr_tce = nullptr,
    .has_vfio_spapr_tce = nullptr,
    .vm_stats = stats_table(s390::kVmStats),
    .vcpu_stats = stats_table(s390::kVcpuStats),
};

}  // namespace kvm
