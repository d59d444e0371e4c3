// SPDX-License-Identifier: GPL-2.0
// The in-kernel GIC of an arm64 VM (Documentation/virt/kvm/devices/
// arm-vgic.rst, arm-vgic-v3.rst): its model, where its frames sit in the
// guest's physical space, and its number of interrupts. One per VM, in
// the VM's arm64 state, under Vm::lock.
#pragma once

#include <kx/types.h>
#include <kx/vector.h>

namespace kvm {
class Vm;
namespace arm64 {
namespace vgic {

constexpr u32 kModelV2 = 5;  // KVM_DEV_TYPE_ARM_VGIC_V2
constexpr u32 kModelV3 = 7;  // KVM_DEV_TYPE_ARM_VGIC_V3
constexpr u64 kAddrUndef = ~0ull;
constexpr u32 kV2MaxCpus = 8;    // VGIC_V2_MAX_CPUS
constexpr u32 kV3MaxCpus = 512;  // VGIC_V3_MAX_CPUS
constexpr u32 kNrPrivateIrqs = 32;
constexpr u32 kNrIrqsDefault = 256;  // VGIC_NR_IRQS_LEGACY, when the VMM sets none

// A GICv3 redistributor region: `count` redistributors of two 64 KiB
// frames from `base`; count 0 is the legacy single region
// (KVM_VGIC_V3_ADDR_TYPE_REDIST), sized by the VM's vCPUs.
struct RedistRegion {
  u64 base;
  u32 count;
  u32 index;
};

struct Dist {
  u32 model = 0;  // 0: no in-kernel GIC
  u64 dist_base = kAddrUndef;
  u64 cpu_base = kAddrUndef;  // v2 CPU interface
  kx::Vector<RedistRegion> rdregs;
  u32 nr_spis = 0;
  bool initialized = false;

  bool in_kernel() const { return model != 0; }
};

// KVM_CREATE_VCPU with a GIC present (kvm->max_vcpus and
// kvm_arch_vcpu_precreate()): under Vm::lock.
u32 max_vcpus(const Dist& d, u32 arch_max);

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
