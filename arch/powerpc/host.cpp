// SPDX-License-Identifier: GPL-2.0
// The emulated POWER host: a PowerNV POWER8 running kvm-hv, whose
// KVM_DEV_TYPE_XICS is Linux's XICS emulation, or a POWER9 with XIVE
// (its KVM_DEV_TYPE_XICS is XICS-on-XIVE). Each VM
// takes the host it is made on (kvm_arch_init_vm()).
#include "arch/powerpc/ppc.h"

#include <kx/alloc.h>
#include <kx/atomic.h>

namespace kvm {
namespace ppc {
namespace {

kx::Atomic<u32> g_host{KX_PPC_HOST_POWER8};

}  // namespace

HostModel host() { return static_cast<HostModel>(g_host.load()); }

// kvm_arch_init_vm(): 0 picks the default (HV), KVM_VM_PPC_HV asks for it;
// the emulated host has no PR KVM.
kx::Result<ArchVm*> vm_create(unsigned long type) {
  if (type != 0 && type != KX_VM_PPC_HV) return kx::kEINVAL;
  kx::AllocChecker ac;
  PpcVm* vm = new (&ac) PpcVm(host());
  if (!ac.check()) return kx::kENOMEM;
  return static_cast<ArchVm*>(vm);
}

// KVM_CAP_PPC_MMU_RADIX and KVM_CAP_PPC_MMU_HASH_V3: a PowerNV POWER9
// (ISA 3.0, radix on, HV mode) has both; a POWER8 neither.
long cap_isa300(const Personality&, const Vm* vm) {
  return (vm ? ppc_vm(*vm).host : host()) == HostModel::kPower9;
}

// kvmppc_book3s_init() registers KVM_DEV_TYPE_XICS as the XICS emulation
// when !xics_on_xive(), else as XICS-on-XIVE; KVM_DEV_TYPE_XIVE (XIVE
// native) when xive_enabled(), the POWER9.
const kx_device_ops* device_ops(const Vm& vm, u32 type, const kx_device_ops* registered) {
  const bool p9 = ppc_vm(vm).host == HostModel::kPower9;
  if (type == KX_DEV_TYPE_XICS && p9) return &kXicsOnXiveOps;
  if (type == KX_DEV_TYPE_XIVE) return p9 ? registered : nullptr;
  return registered;
}

}  // namespace ppc
}  // namespace kvm

extern "C" {

int kx_ppc_set_host(unsigned int model) {
  if (model != KX_PPC_HOST_POWER8 && model != KX_PPC_HOST_POWER9) return -kx::kEINVAL;
  kvm::ppc::g_host.store(model);
  return 0;
}

unsigned int kx_ppc_get_host(void) { return kvm::ppc::g_host.load(); }

}  // extern "C"
