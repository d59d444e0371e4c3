// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 vCPU attribute groups that wire a vCPU's PMU
// and timers to the in-kernel GIC (devices/vcpu.rst: KVM_ARM_VCPU_PMU_V3_CTRL,
// KVM_ARM_VCPU_TIMER_CTRL), and what the first KVM_RUN checks of them.

#include "pmu_timer.h"

namespace spine {

int pmu_timer_model(VcpuFd& c, int op, const AttrSpec& s, uint64_t payload, int32_t* out) {
  VmModel& v = g->vms[c.vm];
  VmModel::VcpuDevices& dv = v.vdev[c.id];
  const uint64_t attr = s.a.attr;
  const int32_t irq = static_cast<int32_t>(payload);
  auto ppi = [](int32_t i) { return i >= 16 && i < 32; };
  auto spi = [](int32_t i) { return i >= 32 && i < 1020; };
  if (s.a.group == 1) {  // timer
    const bool known = attr == 0 || attr == 1;
    if (op == KX_ATTR_HAS) return known ? 0 : -ENXIO;
    if (op == KX_ATTR_GET) {
      if (!known) return -ENXIO;
      if (s.payload_faults) return -EFAULT;
      *out = static_cast<int32_t>(dv.timer[attr]);
      return 0;
    }
    if (!v.gic.model) return -EINVAL;
    if (s.payload_faults) return -EFAULT;
    if (!ppi(irq)) return -EINVAL;
    if (v.ran) return -EBUSY;
    if (!known) return -ENXIO;
    const uint32_t pair[2] = {attr == 0 ? static_cast<uint32_t>(irq) : dv.timer[0],
                              attr == 1 ? static_cast<uint32_t>(irq) : dv.timer[1]};
    for (auto& [id, o] : v.vdev) o.timer[0] = pair[0], o.timer[1] = pair[1];
    return 0;
  }
  const bool pmu = c.arm.has(3);  // PMU
  if (op == KX_ATTR_HAS) return attr <= 3 && pmu ? 0 : -ENXIO;
  if (op == KX_ATTR_GET) {
    if (attr != 0) return -ENXIO;
    if (!v.gic.model) return -EINVAL;
    if (!pmu) return -ENODEV;
    if (dv.pmu_irq < 16) return -ENXIO;
    if (s.payload_faults) return -EFAULT;
    *out = dv.pmu_irq;
    return 0;
  }
  if (!pmu) return -ENODEV;
  if (dv.pmu_created) return -EBUSY;
  switch (attr) {
    case 0: {  // IRQ
      if (!v.gic.model) return -EINVAL;
      if (s.payload_faults) return -EFAULT;
      if (!ppi(irq) && !spi(irq)) return -EINVAL;
      for (const auto& [id, o] : v.vdev) {
        if (o.pmu_irq < 16) continue;
        if (ppi(irq) ? o.pmu_irq != irq : (ppi(o.pmu_irq) || o.pmu_irq == irq)) return -EINVAL;
      }
      if (dv.pmu_irq >= 16) return -EBUSY;
      dv.pmu_irq = irq;
      return 0;
    }
    case 2: {  // FILTER
      if (s.payload_faults) return -EFAULT;
      const uint32_t base = payload & 0xffff, n = (payload >> 16) & 0xffff;
      const uint8_t action = (payload >> 32) & 0xff;
      if (base + n > 65536 || action > 1) return -EINVAL;
      if (v.ran) return -EBUSY;
      return 0;
    }
    case 3:  // SET_PMU: no host PMU id exists
      return s.payload_faults ? -EFAULT : -ENXIO;
    case 1: {  // INIT
      if (v.gic.model) {
        if (!v.gic.initialized) return -ENODEV;
        if (dv.pmu_irq < 16) return -ENXIO;
        const uint32_t intid = static_cast<uint32_t>(dv.pmu_irq);
        if (!ppi(dv.pmu_irq) && intid >= v.gic.nr_irqs()) return -EINVAL;
        const std::pair<int64_t, uint32_t> key{ppi(dv.pmu_irq) ? c.id : -1, intid};
        auto it = v.owners.find(key);
        if (it != v.owners.end() && it->second != 3) return -EEXIST;
        v.owners[key] = 3;
      }
      dv.pmu_created = true;
      return 0;
    }
  }
  return -ENXIO;
}

int first_run_devices_gate(const VcpuFd& c) {
  VmModel& v = g->vms[c.vm];
  VmModel::VcpuDevices& dv = v.vdev[c.id];
  if (v.gic.model) {
    auto take = [&](uint32_t intid, int owner) {
      auto it = v.owners.find({c.id, intid});
      if (it != v.owners.end() && it->second != owner) return false;
      v.owners[{c.id, intid}] = owner;
      return true;
    };
    if (!take(dv.timer[0], 1) || !take(dv.timer[1], 2)) return -EINVAL;
    for (const auto& [id, o] : v.vdev) {
      if (o.timer[0] != dv.timer[0] || o.timer[1] != dv.timer[1]) return -EINVAL;
    }
  }
  if (!c.arm.has(3 /* PMU_V3 */)) return 0;
  if (!dv.pmu_created) return -EINVAL;
  const bool set = dv.pmu_irq >= 16;
  if (v.gic.model) {
    const bool ppi = dv.pmu_irq >= 16 && dv.pmu_irq < 32;
    const bool spi = dv.pmu_irq >= 32 && static_cast<uint32_t>(dv.pmu_irq) < v.gic.nr_irqs();
    if (!ppi && !spi) return -EINVAL;
  } else if (set) {
    return -EINVAL;
  }
  return 0;
}

}  // namespace spine
