// SPDX-License-Identifier: GPL-2.0
#include "personality.h"

#include "irq_routing.h"
#include "vm.h"

#include <kvm_ext/abi.h>
#include <kvm_ext/platform.h>
#include <kx/types.h>

namespace kvm {

const Personality* personality(kx_personality id) {
  switch (id) {
    case KX_ARM64:
      return &kArm64Personality;
    case KX_PPC:
      return &kPpcPersonality;
    case KX_S390:
      return &kS390Personality;
    default:
      return nullptr;
  }
}

IrqFeatures irq_features(const Personality& p, const Vm* vm) {
  if (vm) return vm->irq_features();
  return p.irq_features ? p.irq_features(nullptr) : p.irq;
}

namespace generic {

long user_mem_slots(const Personality& p, const Vm*) { return p.user_mem_slots; }
long nr_vcpus(const Personality& p, const Vm*) {
  return kx::min<long>(kx_num_online_cpus(), p.max_vcpus);
}
long max_vcpus(const Personality& p, const Vm*) { return p.max_vcpus; }
long max_vcpu_ids(const Personality& p, const Vm*) { return p.max_vcpu_ids; }
long irq_routes(const Personality& p, const Vm* vm) {
  return irq_features(p, vm).routing ? kMaxIrqRoutes : 0;
}
long irqfd(const Personality& p, const Vm* vm) { return irq_features(p, vm).irqfd; }
long signal_msi(const Personality& p, const Vm* vm) { return irq_features(p, vm).msi; }
long manual_dirty_log_caps(const Personality& p, const Vm*) {
  return static_cast<long>(p.manual_dirty_log_caps);
}

// kvm_vm_ioctl_check_extension_generic(), for what kvm_ext implements, and
// the rows every architecture answers from its limits.
constexpr CapRow kGenericCaps[] = {
    {KX_CAP_USER_MEMORY, 1, nullptr},
    {KX_CAP_DESTROY_MEMORY_REGION_WORKS, 1, nullptr},
    {KX_CAP_JOIN_MEMORY_REGIONS_WORKS, 1, nullptr},
    {KX_CAP_CHECK_EXTENSION_VM, 1, nullptr},
    {KX_CAP_NR_MEMSLOTS, 0, user_mem_slots},
    {KX_CAP_NR_VCPUS, 0, nr_vcpus},
    {KX_CAP_MAX_VCPUS, 0, max_vcpus},
    {KX_CAP_MAX_VCPU_ID, 0, max_vcpu_ids},
    {KX_CAP_ENABLE_CAP_VM, 1, nullptr},
    {KX_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, manual_dirty_log_caps},
    {KX_CAP_IRQ_ROUTING, 0, irq_routes},
    {KX_CAP_SIGNAL_MSI, 0, signal_msi},
    {KX_CAP_IRQFD, 0, irqfd},
    {KX_CAP_IRQFD_RESAMPLE, 0, irqfd},
    {KX_CAP_SYSTEM_EVENT_DATA, 1, nullptr},
    {KX_CAP_IOEVENTFD_ANY_LENGTH, 1, nullptr},
    {KX_CAP_BINARY_STATS_FD, 1, nullptr},
};

const CapRow* find_row(const CapRow* rows, usize n, long cap) {
  for (usize i = 0; i < n; i++) {
    if (rows[i].cap == cap) return &rows[i];
  }
  return nullptr;
}

}  // namespace generic

// KVM_CHECK_EXTENSION: the generic rows, then the architecture's; a
// capability kvm_ext does not implement is in neither and answers 0.
long check_extension(const Personality& p, const Vm* vm, long cap) {
  const CapRow* row =
      generic::find_row(generic::kGenericCaps, kx::array_size(generic::kGenericCaps), cap);
  if (!row) row = generic::find_row(p.caps, p.ncaps, cap);
  if (!row) return 0;
  return row->query ? row->query(p, vm) : row->value;
}

}  // namespace kvm
