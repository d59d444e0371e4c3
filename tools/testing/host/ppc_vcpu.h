// SPDX-License-Identifier: GPL-2.0
// A ppc vCPU KVM_RUN takes: book3s HV runs only PAPR vCPUs, so a pseries
// VMM enables KVM_CAP_PPC_PAPR on each vCPU first, as QEMU does.
#ifndef KVM_EXT_TOOLS_TESTING_HOST_PPC_VCPU_H
#define KVM_EXT_TOOLS_TESTING_HOST_PPC_VCPU_H

#include <stdint.h>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

// struct kvm_enable_cap
struct PpcEnableCap {
  uint32_t cap;
  uint32_t flags;
  uint64_t args[4];
  uint8_t pad[64];
};

inline long ppc_enable_papr(kx_vcpu* vcpu) {
  PpcEnableCap cap = {};
  cap.cap = KX_CAP_PPC_PAPR;
  return kx_vcpu_ioctl(vcpu, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&cap));
}

#endif  // KVM_EXT_TOOLS_TESTING_HOST_PPC_VCPU_H
