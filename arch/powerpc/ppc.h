// SPDX-License-Identifier: GPL-2.0
// The ppc personality's vCPU (vcpu.cpp), as personality.cpp's tables use it.
#ifndef KVM_EXT_ARCH_POWERPC_PPC_H
#define KVM_EXT_ARCH_POWERPC_PPC_H

#include "virt/kvm/vm.h"

namespace kvm {
namespace ppc {

kx::Result<ArchVcpu*> vcpu_create(Vcpu& vcpu);
kx::Status run_enter(Vcpu& vcpu, kx_exit& exit) KX_REQUIRES(vcpu.mutex);
kx::Status enable_papr(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
template <bool kSet>
kx::Result<long> one_reg_ioctl(Vcpu& vcpu, u64 arg);

}  // namespace ppc
}  // namespace kvm

#endif  // KVM_EXT_ARCH_POWERPC_PPC_H
