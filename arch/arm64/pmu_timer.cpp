// SPDX-License-Identifier: GPL-2.0
// The vCPU attribute groups that wire a vCPU's devices to the in-kernel
// GIC (devices/vcpu.rst): KVM_ARM_VCPU_PMU_V3_CTRL (overflow interrupt,
// event filter, INIT) and KVM_ARM_VCPU_TIMER_CTRL (the timers' PPIs), and
// what the first KVM_RUN checks of them, as 6.1's pmu-emul.c and
// arch_timer.c. The filter is visible to the guest in PMCEID{0,1}_EL0.
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace pmu_timer {

constexpr u64 kPmuIrq = 0, kPmuInit = 1, kPmuFilter = 2, kPmuSetPmu = 3;  // KVM_ARM_VCPU_PMU_V3_*
constexpr u64 kTimerVtimer = 0, kTimerPtimer = 1;  // KVM_ARM_VCPU_TIMER_IRQ_*
constexpr u8 kFilterAllow = 0, kFilterDeny = 1;    // KVM_PMU_EVENT_ALLOW / _DENY

// The emulated host's PMU: PMUv3p1, so 16-bit event numbers, and its
// common-event identification registers (Neoverse N1).
constexpr u32 kPmuEvents = 1u << 16;
constexpr u64 kHostPmceid0 = 0x7fff0f3f, kHostPmceid1 = 0x00f2ae7f;
constexpr u32 kEventChain = 0x1e;

bool is_ppi(s64 irq) { return irq >= vgic::kNrSgis && irq < vgic::kNrPrivateIrqs; }
bool is_spi(s64 irq) { return irq >= vgic::kNrPrivateIrqs && irq < 1020; }

bool gic_in_kernel(Vm& vm) KX_REQUIRES(vm.lock) { return vm_state(vm).vgic.in_kernel(); }

// pmu_irq_is_valid(): "the interrupt type must be same for each vcpu": a
// PPI the same number on all, SPIs a different one each. (6.1 lets an SPI
// join vCPUs that use a PPI: Documentation/differences.rst.)
bool pmu_irq_valid(Vm& vm, s32 irq) KX_REQUIRES(vm.lock) {
  for (Vcpu* v : vm.vcpus()) {
    const s32 other = state(*v).pmu_irq;
    if (other < static_cast<s32>(vgic::kNrSgis)) continue;
    if (is_ppi(irq) ? other != irq : (is_ppi(other) || other == irq)) return false;
  }
  return true;
}

kx::Status pmu_set(Vcpu& vcpu, const kx_attr& a) {
  Vm& vm = vcpu.vm();
  VcpuState& s = state(vcpu);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (!s.has(kPmuV3)) return kx::error(kx::kENODEV);
  if (s.pmu_created) return kx::error(kx::kEBUSY);
  switch (a.attr) {
    case kPmuIrq: {
      if (!gic_in_kernel(vm)) return kx::error(kx::kEINVAL);
      s32 irq;
      if (kx_copy_from_user(&irq, a.addr, sizeof(irq))) return kx::error(kx::kEFAULT);
      if (!is_ppi(irq) && !is_spi(irq)) return kx::error(kx::kEINVAL);
      if (!pmu_irq_valid(vm, irq)) return kx::error(kx::kEINVAL);
      if (s.pmu_irq >= static_cast<s32>(vgic::kNrSgis)) return kx::error(kx::kEBUSY);
      s.pmu_irq = irq;
      return kx::Status::ok();
    }
    case kPmuFilter: {
      struct {
        u16 base_event;
        u16 nevents;
        u8 action;
        u8 pad[3];
      } f;
      if (kx_copy_from_user(&f, a.addr, sizeof(f))) return kx::error(kx::kEFAULT);
      if (static_cast<u32>(f.base_event) + f.nevents > kPmuEvents ||
          (f.action != kFilterAllow && f.action != kFilterDeny))
        return kx::error(kx::kEINVAL);
      if (vm.any_vcpu_has_run()) return kx::error(kx::kEBUSY);
      VmState& vs = vm_state(vm);
      if (!vs.pmu_filter) {
        u64* bits = kx::alloc_array<u64>(kPmuEvents / 64);
        if (!bits) return kx::error(kx::kENOMEM);
        // The first range sets the default: an ALLOW denies the rest.
        for (u32 i = 0; i < kPmuEvents / 64; i++) bits[i] = f.action == kFilterAllow ? 0 : ~0ull;
        vs.pmu_filter = bits;
      }
      for (u32 e = f.base_event; e < static_cast<u32>(f.base_event) + f.nevents; e++) {
        const u64 bit = 1ull << (e % 64);
        u64& word = vs.pmu_filter[e / 64];
        word = f.action == kFilterAllow ? word | bit : word & ~bit;
      }
      return kx::Status::ok();
    }
    case kPmuSetPmu: {
      // One host PMU, whose perf type kvm_ext does not have: no id names it.
      s32 id;
      if (kx_copy_from_user(&id, a.addr, sizeof(id))) return kx::error(kx::kEFAULT);
      return kx::error(kx::kENXIO);
    }
    case kPmuInit: {
      // kvm_arm_pmu_v3_init(): with an in-kernel GIC it must be
      // initialised and the interrupt set, and an SPI must exist.
      if (gic_in_kernel(vm)) {
        const vgic::Dist& d = vm_state(vm).vgic;
        if (!d.initialized()) return kx::error(kx::kENODEV);
        if (s.pmu_irq < static_cast<s32>(vgic::kNrSgis)) return kx::error(kx::kENXIO);
        KX_TRY(vgic::set_owner(vcpu, static_cast<u32>(s.pmu_irq), vgic::kOwnerPmu));
      }
      s.pmu_created = true;
      return kx::Status::ok();
    }
  }
  return kx::error(kx::kENXIO);
}

kx::Status pmu_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& a) {
  VcpuState& s = state(vcpu);
  switch (op) {
    case KX_ATTR_HAS:
      if (a.attr <= kPmuSetPmu && s.has(kPmuV3)) return kx::Status::ok();
      return kx::error(kx::kENXIO);
    case KX_ATTR_SET:
      return pmu_set(vcpu, a);
    case KX_ATTR_GET: {
      if (a.attr != kPmuIrq) return kx::error(kx::kENXIO);
      s32 irq;
      {
        kx::Guard<kx::Mutex> guard(&vcpu.vm().lock);
        if (!gic_in_kernel(vcpu.vm())) return kx::error(kx::kEINVAL);
        if (!s.has(kPmuV3)) return kx::error(kx::kENODEV);
        if (s.pmu_irq < static_cast<s32>(vgic::kNrSgis)) return kx::error(kx::kENXIO);
        irq = s.pmu_irq;
      }
      return kx_copy_to_user(a.addr, &irq, sizeof(irq)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
    }
  }
  return kx::error(kx::kENXIO);
}

// KVM_ARM_VCPU_TIMER_CTRL: one write sets both PPIs of every vCPU created
// so far to this vCPU's pair with the one changed (set_timer_irqs());
// -EBUSY once any vCPU has run (the document; 6.1 looks at this vCPU only:
// Documentation/differences.rst).
kx::Status timer_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& a) {
  if (a.attr != kTimerVtimer && a.attr != kTimerPtimer) {
    if (op != KX_ATTR_SET) return kx::error(kx::kENXIO);
  }
  switch (op) {
    case KX_ATTR_HAS:
      return kx::Status::ok();
    case KX_ATTR_GET: {
      const s32 irq = static_cast<s32>(state(vcpu).timer_irq[a.attr].load());
      return kx_copy_to_user(a.addr, &irq, sizeof(irq)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
    }
    case KX_ATTR_SET:
      break;
  }
  Vm& vm = vcpu.vm();
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (!gic_in_kernel(vm)) return kx::error(kx::kEINVAL);
  s32 irq;
  if (kx_copy_from_user(&irq, a.addr, sizeof(irq))) return kx::error(kx::kEFAULT);
  if (!is_ppi(irq)) return kx::error(kx::kEINVAL);
  if (vm.any_vcpu_has_run()) return kx::error(kx::kEBUSY);
  if (a.attr != kTimerVtimer && a.attr != kTimerPtimer) return kx::error(kx::kENXIO);
  // set_timer_irqs(): every vCPU gets this vCPU's pair with the one changed.
  const VcpuState& s = state(vcpu);
  const u32 vtimer = a.attr == kTimerVtimer ? static_cast<u32>(irq) : s.timer_irq[0].load();
  const u32 ptimer = a.attr == kTimerPtimer ? static_cast<u32>(irq) : s.timer_irq[1].load();
  for (Vcpu* v : vm.vcpus()) {
    state(*v).timer_irq[0].store(vtimer);
    state(*v).timer_irq[1].store(ptimer);
  }
  return kx::Status::ok();
}

}  // namespace pmu_timer

// kvm_vcpu_first_run_init()'s kvm_timer_enable() and
// kvm_arm_pmu_v3_enable(): the timers need their own PPIs; a vCPU with a
// PMU needs PMU_V3_INIT, and its interrupt must suit the GIC (or, without
// one, not be set). As in 6.1, a refusal after the timers took their PPIs
// leaves them taken.
kx::Status first_run_devices(Vcpu& vcpu) {
  Vm& vm = vcpu.vm();
  VcpuState& s = state(vcpu);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  const vgic::Dist& d = vm_state(vm).vgic;
  if (d.in_kernel()) {
    // kvm_timer_enable()'s timer_irqs_are_valid(): each timer owns its PPI
    // (two timers on one PPI, or the PMU on it, fail here), and every vCPU
    // uses the same two.
    const u32 vtimer = s.timer_irq[0].load(), ptimer = s.timer_irq[1].load();
    if (vgic::set_owner(vcpu, vtimer, vgic::kOwnerVtimer).is_error() ||
        vgic::set_owner(vcpu, ptimer, vgic::kOwnerPtimer).is_error())
      return kx::error(kx::kEINVAL);
    for (Vcpu* v : vm.vcpus()) {
      if (state(*v).timer_irq[0].load() != vtimer || state(*v).timer_irq[1].load() != ptimer)
        return kx::error(kx::kEINVAL);
    }
  }
  if (!s.has(kPmuV3)) return kx::Status::ok();
  if (!s.pmu_created) return kx::error(kx::kEINVAL);
  const bool irq_set = s.pmu_irq >= static_cast<s32>(vgic::kNrSgis);
  if (d.in_kernel()) {
    if (!pmu_timer::is_ppi(s.pmu_irq) &&
        !(pmu_timer::is_spi(s.pmu_irq) && static_cast<u32>(s.pmu_irq) < d.nr_irqs()))
      return kx::error(kx::kEINVAL);
  } else if (irq_set) {
    return kx::error(kx::kEINVAL);
  }
  return kx::Status::ok();
}

// PMCEID{0,1}_EL0 as the guest reads them (kvm_pmu_get_pmceid()): the
// host's events, CHAIN always, narrowed by the VMM's event filter.
u64 guest_pmceid(Vcpu& vcpu, bool high) {
  Vm& vm = vcpu.vm();
  kx::Guard<kx::Mutex> guard(&vm.lock);
  const u64* filter = vm_state(vm).pmu_filter;
  const u64 val =
      high ? pmu_timer::kHostPmceid1 : pmu_timer::kHostPmceid0 | 1ull << pmu_timer::kEventChain;
  if (!filter) return val;
  const u32 base = high ? 32 : 0;
  u64 mask = (filter[0] >> base) & 0xffffffffull;
  mask |= ((filter[(0x4000 + base) / 64] >> ((0x4000 + base) % 64)) & 0xffffffffull) << 32;
  return val & mask;
}

kx::Status pmu_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr) {
  return pmu_timer::pmu_attr(vcpu, op, attr);
}
kx::Status timer_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr) {
  return pmu_timer::timer_attr(vcpu, op, attr);
}

}  // namespace arm64
}  // namespace kvm
