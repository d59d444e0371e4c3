// SPDX-License-Identifier: GPL-2.0
// The arm64 vCPU's power state and the guest's PSCI calls, as 6.1's
// psci.c and arm.c: KVM_GET/SET_MP_STATE, KVM_CAP_ARM_SYSTEM_SUSPEND,
// what KVM_RUN's idle guest does in each state, and PSCI 0.1 to 1.1
// through the guest-access extension's hypercalls.
#include "arch/arm64/arm64.h"
#include "arch/arm64/vgic/internal.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {

KX_LOCK_CLASS(arm64_mp_lock);

namespace psci {

// Function ids (include/uapi/linux/psci.h; KVM's own for PSCI 0.1).
constexpr u32 kFn64 = 0x40000000;  // PSCI_0_2_64BIT
constexpr u32 fn32(u32 n) { return 0x84000000 + n; }
constexpr u32 fn64(u32 n) { return 0xc4000000 + n; }
enum : u32 {
  kPsciVersion = fn32(0),
  kCpuSuspend = fn32(1),
  kCpuSuspend64 = fn64(1),
  kCpuOff = fn32(2),
  kCpuOn = fn32(3),
  kCpuOn64 = fn64(3),
  kAffinityInfo = fn32(4),
  kAffinityInfo64 = fn64(4),
  kMigrateInfoType = fn32(6),
  kSystemOff = fn32(8),
  kSystemReset = fn32(9),
  kPsciFeatures = fn32(10),
  kSystemSuspend = fn32(14),
  kSystemSuspend64 = fn64(14),
  kSystemReset2 = fn32(18),
  kSystemReset264 = fn64(18),
  kPsci01CpuOff = 0x95c1ba5e + 1,
  kPsci01CpuOn = 0x95c1ba5e + 2,
};

// Return values (PSCI_RET_*, PSCI_0_2_*), as the guest's x0 holds them.
constexpr u64 ret(s64 v) { return static_cast<u64>(v); }
constexpr u64 kSuccess = 0, kNotSupported = ret(-1), kInvalidParams = ret(-2), kAlreadyOn = ret(-4),
              kInternalFailure = ret(-6);
constexpr u64 kAffinityOn = 0, kAffinityOff = 1, kTosMp = 2;
constexpr u64 kResetTypeWarm = 0, kResetTypeVendorStart = 0x80000000;

constexpr u64 kMpidrHwidMask = 0xff00ffffffull;  // MPIDR_HWID_BITMASK

void set_mp_state_locked(VcpuState& s, u32 mp_state) {
  kx::Guard<kx::SpinLock> guard(&s.mp_lock);
  s.mp_state.store(mp_state);
}

bool stopped(VcpuState& s) { return s.mp_state.load() == KX_MP_STATE_STOPPED; }

// kvm_psci_version(): 0.1 unless the vCPU asked for 0.2 and later.
u32 psci_version(Vcpu& vcpu) {
  if (!state(vcpu).has(kPsci02)) return kPsciV01;
  return vm_state(vcpu.vm()).psci_version.load();
}

// The registers of one call: x0 (the function) to x3.
struct PsciCall {
  Vcpu& vcpu;
  GuestAccess& access;
  kx_exit* exit;
  u64 x[4];

  u32 fn() const { return static_cast<u32>(x[0]); }
  // kvm_psci_narrow_to_32bit(): an SMC32 call's arguments.
  void narrow() {
    for (int i = 1; i < 4; i++) x[i] = static_cast<u32>(x[i]);
  }
  // smccc_set_retval(vcpu, val, 0, 0, 0): back to the guest.
  void done(u64 val) {
    access.data = val;
    access.args[0] = access.args[1] = access.args[2] = 0;
    access.result = KX_ACCESS_RESULT_KERNEL;
  }
  // An exit to the VMM with the registers as they now are.
  void exit_with(u32 type, u32 ndata, u64 data0) {
    access.data = x[0];
    for (int i = 0; i < 3; i++) access.args[i] = x[i + 1];
    access.result = KX_ACCESS_RESULT_EXIT;
    exit->set = 1;
    exit->reason = KX_EXIT_SYSTEM_EVENT;
    exit->event_type = type;
    exit->event_ndata = ndata;
    exit->event_data0 = data0;
  }
};

// kvm_psci_vcpu_on().
u64 cpu_on(PsciCall& c) {
  const u64 cpu_id = c.x[1];
  if (cpu_id & ~kMpidrHwidMask) return kInvalidParams;
  Vm& vm = c.vcpu.vm();
  const bool be = vcpu_is_be(c.vcpu);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Vcpu* target = vgic::mpidr_to_vcpu(vm, cpu_id);
  if (!target) return kInvalidParams;
  VcpuState& t = state(*target);
  {
    kx::Guard<kx::SpinLock> mp(&t.mp_lock);
    if (!stopped(t)) return psci_version(c.vcpu) != kPsciV01 ? kAlreadyOn : kInvalidParams;
    t.reset_pc = c.x[2];
    t.reset_be = be;
    t.reset_r0 = c.x[3];
    t.reset_pending.store(true);
    t.mp_state.store(KX_MP_STATE_RUNNABLE);
  }
  target->kick();
  return kSuccess;
}

// kvm_psci_vcpu_affinity_info().
u64 affinity_info(PsciCall& c) {
  u64 target = c.x[1];
  const u64 level = c.x[2];
  if (target & ~kMpidrHwidMask) return kInvalidParams;
  if (level > 3) return kInvalidParams;
  const u64 mask = kMpidrHwidMask & ~((1ull << (level * 8)) - 1);
  target &= mask;
  Vm& vm = c.vcpu.vm();
  kx::Guard<kx::Mutex> guard(&vm.lock);
  u32 matching = 0;
  for (Vcpu* v : vm.vcpus()) {
    if ((vcpu_mpidr(*v) & kMpidrHwidMask & mask) != target) continue;
    matching++;
    if (!stopped(state(*v))) return kAffinityOn;
  }
  return matching ? kAffinityOff : kInvalidParams;
}

// kvm_prepare_system_event(): no vCPU runs again before the VMM
// re-initialises it.
void system_event(PsciCall& c, u32 type, u64 flags) {
  Vm& vm = c.vcpu.vm();
  {
    kx::Guard<kx::Mutex> guard(&vm.lock);
    for (Vcpu* v : vm.vcpus()) set_mp_state_locked(state(*v), KX_MP_STATE_STOPPED);
  }
  c.exit_with(type, 1, flags);
}

// kvm_psci_0_2_call().
void psci_0_2(PsciCall& c) {
  switch (c.fn()) {
    case kPsciVersion:
      return c.done(kPsciV02);
    case kCpuSuspend:
    case kCpuSuspend64:
      // kvm_vcpu_wfi(): a WFI may end at once, and the caller, acting
      // as the guest, decides when it runs again.
      return c.done(kSuccess);
    case kCpuOff:
      set_mp_state_locked(state(c.vcpu), KX_MP_STATE_STOPPED);
      return c.done(kSuccess);
    case kCpuOn:
      c.narrow();
      [[fallthrough]];
    case kCpuOn64:
      return c.done(cpu_on(c));
    case kAffinityInfo:
      c.narrow();
      [[fallthrough]];
    case kAffinityInfo64:
      return c.done(affinity_info(c));
    case kMigrateInfoType:
      return c.done(kTosMp);
    case kSystemOff:
      // The guest gets INTERNAL_FAILURE if the VMM resumes it anyway.
      c.x[0] = kInternalFailure;
      c.x[1] = c.x[2] = c.x[3] = 0;
      return system_event(c, KX_SYSTEM_EVENT_SHUTDOWN, 0);
    case kSystemReset:
      c.x[0] = kInternalFailure;
      c.x[1] = c.x[2] = c.x[3] = 0;
      return system_event(c, KX_SYSTEM_EVENT_RESET, 0);
    default:
      return c.done(kNotSupported);
  }
}

// PSCI_FEATURES: what a PSCI 1.x guest may call.
u64 features(PsciCall& c, u32 minor) {
  const u32 arg = static_cast<u32>(c.x[1]);
  if ((arg & kFn64) && state(c.vcpu).has(kEl132Bit)) return kNotSupported;
  switch (arg) {
    case kPsciVersion:
    case kCpuSuspend:
    case kCpuSuspend64:
    case kCpuOff:
    case kCpuOn:
    case kCpuOn64:
    case kAffinityInfo:
    case kAffinityInfo64:
    case kMigrateInfoType:
    case kSystemOff:
    case kSystemReset:
    case kPsciFeatures:
    case kSmcccVersion:
      return kSuccess;
    case kSystemSuspend:
    case kSystemSuspend64:
      return vm_state(c.vcpu.vm()).system_suspend.load() ? kSuccess : kNotSupported;
    case kSystemReset2:
    case kSystemReset264:
      return minor >= 1 ? kSuccess : kNotSupported;
    default:
      return kNotSupported;
  }
}

// kvm_psci_1_x_call().
void psci_1_x(PsciCall& c, u32 minor) {
  switch (c.fn()) {
    case kPsciVersion:
      return c.done(minor == 0 ? kPsciV10 : kPsciV11);
    case kPsciFeatures:
      return c.done(features(c, minor));
    case kSystemSuspend:
      c.narrow();
      [[fallthrough]];
    case kSystemSuspend64:
      // The registers stay as they are: the VMM reads the entry point and
      // context from them.
      if (vm_state(c.vcpu.vm()).system_suspend.load())
        return c.exit_with(KX_SYSTEM_EVENT_SUSPEND, 0, 0);
      return c.done(kNotSupported);
    case kSystemReset2:
      c.narrow();
      [[fallthrough]];
    case kSystemReset264:
      if (minor < 1) return c.done(kNotSupported);
      if (c.x[1] <= kResetTypeWarm || c.x[1] >= kResetTypeVendorStart) {
        c.x[0] = kInternalFailure;  // x1-x3 stay
        return system_event(c, KX_SYSTEM_EVENT_RESET, KX_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
      }
      return c.done(kInvalidParams);
    default:
      return psci_0_2(c);
  }
}

// kvm_psci_0_1_call(): KVM's own ids, CPU_OFF and CPU_ON only.
void psci_0_1(PsciCall& c) {
  switch (c.fn()) {
    case kPsci01CpuOff:
      set_mp_state_locked(state(c.vcpu), KX_MP_STATE_STOPPED);
      return c.done(kSuccess);
    case kPsci01CpuOn:
      return c.done(cpu_on(c));
    default:
      return c.done(kNotSupported);
  }
}

}  // namespace psci

// kvm_psci_call(). Called with the vCPU mutex held.
void psci_call(Vcpu& vcpu, GuestAccess& access, kx_exit* exit) {
  psci::PsciCall c{vcpu, access, exit, {access.addr, access.data, access.args[0], access.args[1]}};
  // kvm_psci_check_allowed_function(): no SMC64 call from AArch32.
  if ((c.fn() & psci::kFn64) && state(vcpu).has(kEl132Bit)) return c.done(psci::kNotSupported);
  switch (psci::psci_version(vcpu)) {
    case kPsciV11:
      return psci::psci_1_x(c, 1);
    case kPsciV10:
      return psci::psci_1_x(c, 0);
    case kPsciV02:
      return psci::psci_0_2(c);
    default:
      return psci::psci_0_1(c);
  }
}

// kvm_arch_vcpu_ioctl_get_mpstate().
kx::Result<u32> get_mp_state(Vcpu& vcpu) { return state(vcpu).mp_state.load(); }

// kvm_arch_vcpu_ioctl_set_mpstate(): RUNNABLE, STOPPED or SUSPENDED.
kx::Status set_mp_state(Vcpu& vcpu, u32 mp_state) {
  if (mp_state != KX_MP_STATE_RUNNABLE && mp_state != KX_MP_STATE_STOPPED &&
      mp_state != KX_MP_STATE_SUSPENDED)
    return kx::error(kx::kEINVAL);
  psci::set_mp_state_locked(state(vcpu), mp_state);
  return kx::Status::ok();
}

// KVM_ARM_VCPU_INIT's "start in power-off" (KVM_ARM_VCPU_POWER_OFF).
void power_on_state(Vcpu& vcpu, bool off) {
  psci::set_mp_state_locked(state(vcpu), off ? KX_MP_STATE_STOPPED : KX_MP_STATE_RUNNABLE);
}

// check_vcpu_requests()'s KVM_REQ_VCPU_RESET: a PSCI CPU_ON's reset.
kx::Status run_enter(Vcpu& vcpu, kx_exit&) {
  if (state(vcpu).reset_pending.load()) reset_vcpu(vcpu);
  return kx::Status::ok();
}

// A stopped vCPU sleeps until a CPU_ON (kvm_vcpu_sleep()); a suspended
// one waits for an interrupt and exits with a wakeup (kvm_vcpu_suspend());
// a runnable one's interrupt ends the idle guest's wait.
IdleEvent idle_event(Vcpu& vcpu) {
  VcpuState& s = state(vcpu);
  if (s.reset_pending.load()) return IdleEvent::kRequest;
  const u32 mp = s.mp_state.load();
  if (mp == KX_MP_STATE_STOPPED) return IdleEvent::kNone;
  if (!vm_state(vcpu.vm()).chip.vcpu_has_interrupt(vcpu)) return IdleEvent::kNone;
  return mp == KX_MP_STATE_SUSPENDED ? IdleEvent::kWakeup : IdleEvent::kInterrupt;
}

// kvm_vm_ioctl_enable_cap() for what kvm_ext has.
kx::Status vm_enable_cap(Vm& vm, const EnableCap& req) {
  if (req.flags) return kx::error(kx::kEINVAL);
  if (req.cap == KX_CAP_ARM_SYSTEM_SUSPEND) {
    vm_state(vm).system_suspend.store(true);
    return kx::Status::ok();
  }
  return kx::error(kx::kEINVAL);
}

}  // namespace arm64
}  // namespace kvm
