// SPDX-License-Identifier: GPL-2.0
// The in-kernel interrupt controller of a VM, as the generic code sees it:
// lines in (routed GSIs, irqfds), MSIs in (KVM_SIGNAL_MSI, MSI routes),
// what a vCPU would take now. The GIC implements it (arch/arm64/vgic/);
// XICS, XIVE, the MPIC and the FLIC are the next.
#pragma once

#include <kx/errno.h>
#include <kx/result.h>
#include <kx/types.h>

namespace kvm {

class Vm;
class Vcpu;

// struct kvm_msi without its padding.
struct Msi {
  u32 address_lo;
  u32 address_hi;
  u32 data;
  u32 flags;  // KVM_MSI_VALID_DEVID
  u32 devid;
};

// An s390 adapter route's indicators (struct kvm_irq_routing_s390_adapter):
// guest addresses and bit offsets, and the FLIC adapter it fires.
struct AdapterRoute {
  u64 ind_addr;
  u64 summary_addr;
  u64 ind_offset;
  u32 summary_offset;
  u32 adapter_id;
};

class IrqChip {
 public:
  // kvm_set_routing_entry(): an IRQCHIP routing entry names a pin this
  // controller has (-EINVAL otherwise). Only the numbering is checked:
  // whether the interrupt behind the pin exists is decided when it fires.
  virtual kx::Status check_route(u32 irqchip, u32 pin) const = 0;
  // kvm_set_routing_entry() of an MSI entry: whether this controller
  // takes them (s390's has no MSI: -EINVAL).
  virtual kx::Status check_msi_route() const { return kx::Status::ok(); }
  // ... of an s390 adapter entry: only s390's takes them (its indicators
  // must be guest memory, else -EFAULT); -EINVAL elsewhere.
  virtual kx::Status check_adapter_route(const AdapterRoute&) const {
    return kx::error(kx::kEINVAL);
  }
  // An adapter route fired (set_adapter_int()): process context.
  virtual void set_adapter(Vm& vm, const AdapterRoute& route, u32 level) {}
  // A routed line (kvm_set_irq()'s entry->set): process context.
  // The level is KVM_IRQ_LINE's as given (1 and 0 from irqfds): the
  // controller narrows it as its kvm_set_irq() entry does.
  virtual kx::Status set_pin(Vm& vm, u32 irqchip, u32 pin, u32 level) = 0;
  // KVM_SIGNAL_MSI and MSI routes: 1 delivered, 0 blocked by the guest's
  // configuration, or an error. Process context.
  virtual kx::Result<int> signal_msi(Vm& vm, const Msi& msi) = 0;
  // An MSI route fired at `level` (kvm_set_irq()'s entry->set of an MSI
  // entry). Most controllers' kvm_set_msi() sends on level 1 only; one
  // that ignores the level (the MPIC's) overrides this.
  virtual void route_msi(Vm& vm, const Msi& msi, bool level) {
    if (level) (void)signal_msi(vm, msi);
  }
  // kvm_arch_set_irq_inatomic(): an edge on a pin, or an MSI, from atomic
  // context (an eventfd's wakeup). False when that cannot be done without
  // sleeping: the caller retries from process context.
  virtual bool pin_edge_atomic(Vm& vm, u32 irqchip, u32 pin) { return false; }
  virtual bool msi_atomic(Vm& vm, const Msi& msi) { return false; }
  // kvm_arch_intc_initialized(): irqfds may be assigned.
  virtual bool ready(Vm& vm) = 0;
  // kvm_arch_vcpu_runnable()'s interrupt part: an idle vCPU in KVM_RUN
  // wakes for it. Any context.
  virtual bool vcpu_has_interrupt(Vcpu& vcpu) = 0;

 protected:
  ~IrqChip() = default;
};

}  // namespace kvm
