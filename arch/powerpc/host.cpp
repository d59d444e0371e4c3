// SPDX-License-Identifier: GPL-2.0
// The emulated POWER host: a PowerNV POWER8 running kvm-hv, whose
// KVM_DEV_TYPE_XICS is Linux's XICS emulation, a POWER9 with XIVE (its
// KVM_DEV_TYPE_XICS is XICS-on-XIVE), or a Freescale e500mc running
// BookE HV KVM with CONFIG_KVM_MPIC (KVM_DEV_TYPE_FSL_MPIC_20/_42, GSI
// routing and KVM_SIGNAL_MSI, no Book3S device or ioctl). Each VM takes
// the host it is made on (kvm_arch_init_vm()).
#include "arch/powerpc/ppc.h"

#include <kx/alloc.h>
#include <kx/atomic.h>

namespace kvm {
namespace ppc {
namespace {

kx::Atomic<u32> g_host{KX_PPC_HOST_POWER8};

}  // namespace

HostModel host() { return static_cast<HostModel>(g_host.load()); }

HostModel host_of(const Vm* vm) { return vm ? ppc_vm(*vm).host : host(); }

// kvm_arch_init_vm(): 0 picks the default, KVM_VM_PPC_HV or KVM_VM_PPC_PR
// ask for kvmppc_hv_ops or kvmppc_pr_ops. A Book3S host has only HV (no
// PR KVM); the e500mc's kvm_ops_e500mc registers as kvmppc_pr_ops.
kx::Result<ArchVm*> vm_create(unsigned long type) {
  const HostModel h = host();
  if (type != 0 && type != (book3s(h) ? KX_VM_PPC_HV : KX_VM_PPC_PR)) return kx::kEINVAL;
  kx::AllocChecker ac;
  PpcVm* vm = new (&ac) PpcVm(h);
  if (!ac.check()) return kx::kENOMEM;
  return static_cast<ArchVm*>(vm);
}

// KVM_CAP_PPC_MMU_RADIX and KVM_CAP_PPC_MMU_HASH_V3: a PowerNV POWER9
// (ISA 3.0, radix on, HV mode) has both; a POWER8 neither.
long cap_isa300(const Personality&, const Vm* vm) { return host_of(vm) == HostModel::kPower9; }

// The rows of kvm_vm_ioctl_check_extension() under CONFIG_PPC_BOOK3S_64.
long cap_book3s(const Personality&, const Vm* vm) { return book3s(host_of(vm)); }

// CONFIG_KVM_MPIC: the e500mc.
long cap_irq_mpic(const Personality&, const Vm* vm) { return !book3s(host_of(vm)); }

// Book3S selects HAVE_KVM_IRQFD with the XICS; KVM_MPIC selects it with
// HAVE_KVM_IRQ_ROUTING and HAVE_KVM_MSI.
IrqFeatures irq_features(const Vm* vm) {
  const bool mpic = !book3s(host_of(vm));
  return {.msi = mpic, .routing = mpic, .irqfd = true};
}

// kvmppc_book3s_init() registers KVM_DEV_TYPE_XICS as the XICS emulation
// when !xics_on_xive(), else as XICS-on-XIVE; KVM_DEV_TYPE_XIVE (XIVE
// native) when xive_enabled(), the POWER9. An e500mc's kvm_init registers
// the MPIC's two types (kvm_mpic_ops) and no XICS or XIVE.
const kx_device_ops* device_ops(const Vm& vm, u32 type, const kx_device_ops* registered) {
  const HostModel h = ppc_vm(vm).host;
  const bool mpic_type = type == KX_DEV_TYPE_FSL_MPIC_20 || type == KX_DEV_TYPE_FSL_MPIC_42;
  if (type == KX_DEV_TYPE_XICS || type == KX_DEV_TYPE_XIVE || mpic_type) {
    if (book3s(h) == mpic_type) return nullptr;
  }
  if (type == KX_DEV_TYPE_XICS && h == HostModel::kPower9) return &kXicsOnXiveOps;
  if (type == KX_DEV_TYPE_XIVE) return h == HostModel::kPower9 ? registered : nullptr;
  return registered;
}

}  // namespace ppc
}  // namespace kvm

extern "C" {

int kx_ppc_set_host(unsigned int model) {
  if (model != KX_PPC_HOST_POWER8 && model != KX_PPC_HOST_POWER9 && model != KX_PPC_HOST_E500MC)
    return -kx::kEINVAL;
  kvm::ppc::g_host.store(model);
  return 0;
}

unsigned int kx_ppc_get_host(void) { return kvm::ppc::g_host.load(); }

}  // extern "C"
