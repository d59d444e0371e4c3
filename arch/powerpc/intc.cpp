// SPDX-License-Identifier: GPL-2.0
// The VM's in-kernel interrupt controller as book3s reaches it, whichever
// device it is (PpcIntc): kvm_set_irq() from KVM_IRQ_LINE and irqfds, the
// vCPU's connection (KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS)), KVM_REG_PPC_ICP_STATE,
// the XICS hypercalls and RTAS's xive calls.
#include "arch/powerpc/ppc.h"
#include "arch/powerpc/xics_defs.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/irq_routing.h"

#include <kx/lock.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(ppc_intc);

kx::Status PpcIrqChip::attach(PpcIntc* d) {
  kx::IrqSaveGuard guard(&lock);
  if (dev) return kx::error(kx::kEEXIST);
  dev = d;
  return kx::Status::ok();
}

void PpcIrqChip::detach(PpcIntc* d) {
  kx::IrqSaveGuard guard(&lock);
  if (dev == d) dev = nullptr;
}

PpcIntc* PpcIrqChip::current() {
  kx::IrqSaveGuard guard(&lock);
  return dev;
}

int PpcIrqChip::set_irq(u32 irq, u32 level) {
  kx::IrqSaveGuard guard(&lock);
  return dev ? dev->set_irq(irq, level) : -kx::kENODEV;
}

kx::Status PpcIrqChip::check_route(u32 irqchip, u32 pin) const {
  return mpic_pins_ && irqchip == 0 && pin < kMpicPins ? kx::Status::ok() : kx::error(kx::kEINVAL);
}

// KVM_SIGNAL_MSI and MSI routes, which exist on the e500 only: without
// the MPIC, or with flags other than KVM_MSI_VALID_DEVID, -EINVAL
// (kvm_send_userspace_msi()'s irqchip_in_kernel()); else the MPIC's answer.
kx::Result<int> PpcIrqChip::signal_msi(Vm&, const Msi& msi) {
  kx::IrqSaveGuard guard(&lock);
  if (!dev || (msi.flags & ~kMsiValidDevid)) return kx::kEINVAL;
  return dev->signal_msi(msi);
}

// A routed line or an irqfd: nobody to hear the answer.
kx::Status PpcIrqChip::set_pin(Vm&, u32, u32 pin, u32 level) {
  (void)set_irq(pin, level);
  return kx::Status::ok();
}

// book3s.c's kvm_arch_set_irq_inatomic(); BookE has none (the weak
// default), so an e500's irqfd injects from process context.
bool PpcIrqChip::pin_edge_atomic(Vm&, u32, u32 pin) {
  if (mpic_pins_) return false;
  (void)set_irq(pin, 1);
  return true;
}

bool PpcIrqChip::vcpu_has_interrupt(Vcpu& vcpu) {
  kx::IrqSaveGuard guard(&lock);
  return dev && dev->has_interrupt(vcpu);
}

// KVM_IRQ_LINE (kvm_vm_ioctl_irq_line() on ppc): -ENXIO without an
// in-kernel interrupt controller; otherwise 0, kvm_set_irq()'s answer
// going to KVM_IRQ_LINE_STATUS's status. On book3s GSI n is source n; on
// an e500 the GSI goes through the routing table, where each route's set
// answers 0 (mpic_set_irq(), kvm_set_msi()): the status is 0 for a routed
// GSI, -1 for one with no route.
kx::Status irq_line(Vm& vm, IrqLevel& line) {
  PpcIrqChip& chip = ppc_vm(vm).intc;
  if (!book3s(ppc_vm(vm).host)) {
    if (!chip.current()) return kx::error(kx::kENXIO);
    line.irq = vm.set_irq(line.irq, line.level) ? 0 : static_cast<u32>(-1);
    return kx::Status::ok();
  }
  kx::IrqSaveGuard guard(&chip.lock);
  if (!chip.dev) return kx::error(kx::kENXIO);
  line.irq = static_cast<u32>(chip.dev->set_irq(line.irq, line.level));
  return kx::Status::ok();
}

// KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS) (kvm_vcpu_ioctl_enable_cap()):
// args[0] the device fd (-EBADF), which must be a kvm device (-EPERM),
// the host's XICS (-EPERM) of this VM (-EPERM); args[1] the server
// number, as a u32. The fd's reference keeps the device alive meanwhile.
// Then 6.1's sanity check, which keeps the connection when it refuses a
// vCPU not in PAPR mode.
kx::Status enable_irq_xics(Vcpu& vcpu, const EnableCap& req) {
  if (!book3s(ppc_vm(vcpu.vm()).host)) return kx::error(kx::kEINVAL);  // no CONFIG_KVM_XICS
  void* file;
  KX_TRY(kx::Status::from_raw(kx_file_get(static_cast<s32>(req.args[0]), &file)));
  kx::Status s = kx::error(kx::kEPERM);
  if (kx_device* h = kx_file_device(file)) {
    Device* dev = from_handle(h);
    const u32 server = static_cast<u32>(req.args[1]);
    if (&dev->vm() != &vcpu.vm()) {
      // another VM's device: -EPERM
    } else if (dev->ops() == &kx_xics_device_ops) {
      s = xics_connect(*dev, vcpu, server);
    } else if (dev->ops() == &kXicsOnXiveOps) {
      s = xics_on_xive_connect(*dev, vcpu, server);
    }
  }
  kx_file_put(file);
  KX_TRY(s);
  return sanity_check(vcpu);
}

// KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE) (kvm_vcpu_ioctl_enable_cap()):
// args[0] the device fd (-EBADF); a host without XIVE (the POWER8) -ENXIO;
// then a kvm device (-EPERM), XIVE native (-EPERM), of this VM (-EPERM);
// args[1] the server number, as a u32. Then the sanity check, as for the
// XICS.
kx::Status enable_irq_xive(Vcpu& vcpu, const EnableCap& req) {
  if (!book3s(ppc_vm(vcpu.vm()).host)) return kx::error(kx::kEINVAL);  // no CONFIG_KVM_XIVE
  void* file;
  KX_TRY(kx::Status::from_raw(kx_file_get(static_cast<s32>(req.args[0]), &file)));
  kx::Status s = kx::error(kx::kEPERM);
  if (ppc_vm(vcpu.vm()).host != HostModel::kPower9) {
    s = kx::error(kx::kENXIO);
  } else if (kx_device* h = kx_file_device(file)) {
    Device* dev = from_handle(h);
    if (dev->ops() == &kx_xive_native_device_ops && &dev->vm() == &vcpu.vm())
      s = xive_native_connect(*dev, vcpu, static_cast<u32>(req.args[1]));
  }
  kx_file_put(file);
  KX_TRY(s);
  return sanity_check(vcpu);
}

// KVM_CAP_PPC_IRQ_XIVE: XIVE native, where the host is a POWER9.
long cap_irq_xive(const Personality&, const Vm* vm) { return host_of(vm) == HostModel::kPower9; }

kx::Result<u64> icp_state(Vcpu& vcpu) {
  PpcIrqChip& chip = ppc_vm(vcpu.vm()).intc;
  kx::IrqSaveGuard guard(&chip.lock);
  if (!chip.dev) return kx::kENXIO;
  return chip.dev->icp_state(vcpu);
}

kx::Status set_icp_state(Vcpu& vcpu, u64 val) {
  PpcIrqChip& chip = ppc_vm(vcpu.vm()).intc;
  kx::IrqSaveGuard guard(&chip.lock);
  if (!chip.dev) return kx::error(kx::kENXIO);
  return chip.dev->set_icp_state(vcpu, val);
}

kx::Status vp_state(Vcpu& vcpu, u64 (&val)[2], bool set) {
  PpcIrqChip& chip = ppc_vm(vcpu.vm()).intc;
  kx::IrqSaveGuard guard(&chip.lock);
  if (!chip.dev) return kx::error(kx::kENXIO);
  return chip.dev->vp_state(vcpu, val, set);
}

bool icp_hcalls_always(Vcpu& vcpu) {
  PpcIrqChip& chip = ppc_vm(vcpu.vm()).intc;
  kx::IrqSaveGuard guard(&chip.lock);
  return chip.dev && chip.dev->icp_hcalls_always() && chip.dev->connected(vcpu);
}

bool has_icp(Vcpu& vcpu) {
  PpcIrqChip& chip = ppc_vm(vcpu.vm()).intc;
  kx::IrqSaveGuard guard(&chip.lock);
  return chip.dev && chip.dev->connected(vcpu);
}

// kvmppc_xics_hcall(): H_HARDWARE if the device went meanwhile; an EOI's
// source is acknowledged to irqfd resamplers after the locks.
void xics_hcall(Vcpu& vcpu, HcallRegs& regs) {
  PpcIrqChip& chip = ppc_vm(vcpu.vm()).intc;
  s64 acked = -1;
  {
    kx::IrqSaveGuard guard(&chip.lock);
    if (chip.dev)
      acked = chip.dev->hcall(vcpu, regs);
    else
      regs.r3 = static_cast<u64>(kHHardware);
  }
  if (acked >= 0) vcpu.vm().irq_acked(0, static_cast<u32>(acked));
}

// RTAS's calls may sleep (XICS-on-XIVE's set-xive allocates queues): the
// VM's lock, which a device's release takes, keeps the device meanwhile.
int xics_set_xive(Vm& vm, u32 irq, u32 server, u32 priority) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  PpcIntc* dev = ppc_vm(vm).intc.current();
  return dev ? dev->set_xive(irq, server, priority) : -kx::kENODEV;
}

int xics_get_xive(Vm& vm, u32 irq, u32* server, u32* priority) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  PpcIntc* dev = ppc_vm(vm).intc.current();
  return dev ? dev->get_xive(irq, server, priority) : -kx::kENODEV;
}

int xics_int_off(Vm& vm, u32 irq) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  PpcIntc* dev = ppc_vm(vm).intc.current();
  return dev ? dev->int_off(irq) : -kx::kENODEV;
}

int xics_int_on(Vm& vm, u32 irq) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  PpcIntc* dev = ppc_vm(vm).intc.current();
  return dev ? dev->int_on(irq) : -kx::kENODEV;
}

kx::Status xics_has_source(const kx_attr& a) {
  return a.attr >= kFirstIrq && a.attr < kNrIrqs ? kx::Status::ok() : kx::error(kx::kENXIO);
}

kx::Status xics_has_ctrl(const kx_attr& a) {
  return a.attr == KX_DEV_XICS_NR_SERVERS ? kx::Status::ok() : kx::error(kx::kENXIO);
}

kx::Result<u32> xics_nr_servers(const kx_attr& a) {
  if (a.attr != KX_DEV_XICS_NR_SERVERS) return kx::kENXIO;
  u32 n;
  if (kx_copy_from_user(&n, a.addr, sizeof(n))) return kx::kEFAULT;
  if (n == 0 || n > kMaxVcpuIds) return kx::kEINVAL;
  return n;
}

u64 xics_timebase() {
  const u64 ns = kx_now_ns();
  return ns / 1000 * 512 + ns % 1000 * 512 / 1000;
}

// KVM_CAP_IRQ_XICS: vCPUs connect to an XICS; both hosts have one.
long cap_irq_xics(const Personality&, const Vm* vm) { return book3s(host_of(vm)); }

}  // namespace ppc
}  // namespace kvm
