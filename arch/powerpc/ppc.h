// SPDX-License-Identifier: GPL-2.0
// The ppc personality's vCPU (vcpu.cpp), as personality.cpp's tables use it.
#ifndef KVM_EXT_ARCH_POWERPC_PPC_H
#define KVM_EXT_ARCH_POWERPC_PPC_H

#include "virt/kvm/vm.h"

namespace kvm {
namespace ppc {

constexpr u32 kMaxVcpus = 2048;             // KVM_MAX_VCPUS = NR_CPUS
constexpr u32 kMaxVcpuIds = 8 * kMaxVcpus;  // KVM_MAX_VCPU_IDS: MAX_SMT_THREADS * KVM_MAX_VCORES

// The emulated POWER host (host.cpp; module parameter ppc_host).
enum class HostModel : u32 {
  kPower8 = KX_PPC_HOST_POWER8,  // KVM_DEV_TYPE_XICS: the XICS emulation (book3s_xics.c)
  kPower9 = KX_PPC_HOST_POWER9,  // XIVE: XICS-on-XIVE (book3s_xive.c), not yet in kvm_ext
};
HostModel host();

// kvm->arch, for what kvm_ext has of it: the host the VM was made on.
class PpcVm final : public ArchVm {
 public:
  explicit PpcVm(HostModel h) : host(h) {}
  const HostModel host;
};
inline const PpcVm& ppc_vm(const Vm& vm) { return *static_cast<const PpcVm*>(vm.arch()); }

kx::Result<ArchVm*> vm_create(unsigned long type);
bool device_present(const Vm& vm, u32 type);

kx::Result<ArchVcpu*> vcpu_create(Vcpu& vcpu);
// kvmppc_sanity_check() after a vCPU capability (vcpu.cpp).
kx::Status sanity_check(Vcpu& vcpu);

// The XICS (xics.cpp): a vCPU's connection and its ICP's state.
kx::Status enable_irq_xics(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
kx::Result<u64> icp_state(Vcpu& vcpu) KX_REQUIRES(vcpu.mutex);
kx::Status set_icp_state(Vcpu& vcpu, u64 val) KX_REQUIRES(vcpu.mutex);
long cap_irq_xics(const Personality& p, const Vm* vm);
kx::Status run_enter(Vcpu& vcpu, kx_exit& exit) KX_REQUIRES(vcpu.mutex);
kx::Status enable_papr(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
template <bool kSet>
kx::Result<long> one_reg_ioctl(Vcpu& vcpu, u64 arg);

}  // namespace ppc
}  // namespace kvm

#endif  // KVM_EXT_ARCH_POWERPC_PPC_H
