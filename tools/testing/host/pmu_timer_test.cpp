// SPDX-License-Identifier: GPL-2.0
// The vCPU attribute groups that need the in-kernel GIC
// (devices/vcpu.rst): KVM_ARM_VCPU_PMU_V3_CTRL and KVM_ARM_VCPU_TIMER_CTRL,
// and what the first KVM_RUN checks of them.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint32_t kV3 = KX_DEV_TYPE_ARM_VGIC_V3;
constexpr uint32_t kPmuGroup = 0, kTimerGroup = 1;
constexpr uint64_t kPmuIrq = 0, kPmuInit = 1, kPmuFilter = 2, kPmuSetPmu = 3;
constexpr uint64_t kVtimer = 0, kPtimer = 1;
constexpr uint32_t kFeaturePmu = 1u << 3;
constexpr uint64_t kPmceid0 = 0x6030000000130000ull | 3u << 14 | 3u << 11 | 9u << 7 | 12u << 3 | 6;

struct Filter {
  uint16_t base_event;
  uint16_t nevents;
  uint8_t action;
  uint8_t pad[3];
};

class PmuTimerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV3, &kx_vgic_v3_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_ARM64, kV3);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_);
  }
  kx_vcpu* vcpu(uint32_t id, uint32_t features) {
    kx_vcpu* v = nullptr;
    EXPECT_EQ(kx_vm_create_vcpu(vm_, id, &v), 0);
    unsigned int f[7] = {features};
    EXPECT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
    return v;
  }
  static int vattr(kx_vcpu* v, kx_attr_op op, uint32_t group, uint64_t a, const void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_vcpu_attr(v, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int set_int(kx_vcpu* v, uint32_t group, uint64_t a, int value) {
    return vattr(v, KX_ATTR_SET, group, a, &value);
  }
  static int get_int(kx_vcpu* v, uint32_t group, uint64_t a) {
    int value = -1;
    EXPECT_EQ(vattr(v, KX_ATTR_GET, group, a, &value), 0);
    return value;
  }
  static int filter(kx_vcpu* v, uint16_t base, uint16_t n, uint8_t action) {
    Filter f = {base, n, action, {}};
    return vattr(v, KX_ATTR_SET, kPmuGroup, kPmuFilter, &f);
  }
  static int run(kx_vcpu* v) {
    kx_run r = {};
    r.immediate_exit = 1;
    return kx_vcpu_run(v, &r);
  }
  static uint64_t pmceid0(kx_vcpu* v) {
    kx_guest_access a = {KX_ACCESS_SYSREG, 0, kPmceid0, 8, 0, 0};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &e), 0);
    return a.data;
  }
  void gic(bool init) {
    ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
    uint64_t dist = 0x08000000, redist = 0x080a0000;
    kx_attr a = {0, 0, 2, reinterpret_cast<uintptr_t>(&dist)};
    ASSERT_EQ(kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&a)), 0);
    a = {0, 0, 3, reinterpret_cast<uintptr_t>(&redist)};
    ASSERT_EQ(kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&a)), 0);
    if (init) {
      a = {0, 4, 0, 0};
      ASSERT_EQ(kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&a)), 0);
    }
  }

  long live_ = 0;
  kx_vm* vm_ = nullptr;
  kx_device* gic_ = nullptr;
};

TEST_F(PmuTimerTest, TimerPpisApplyToAllVcpusUntilOneRuns) {
  kx_vcpu* a = vcpu(0, 0);
  kx_vcpu* b = vcpu(1, 0);
  EXPECT_EQ(get_int(a, kTimerGroup, kVtimer), 27);
  EXPECT_EQ(get_int(a, kTimerGroup, kPtimer), 30);
  EXPECT_EQ(set_int(a, kTimerGroup, kVtimer, 20), -EINVAL);  // no in-kernel GIC
  gic(true);
  EXPECT_EQ(set_int(a, kTimerGroup, kVtimer, 15), -EINVAL);  // not a PPI
  EXPECT_EQ(set_int(a, kTimerGroup, kVtimer, 32), -EINVAL);
  EXPECT_EQ(set_int(a, kTimerGroup, 2, 20), -ENXIO);
  EXPECT_EQ(vattr(a, KX_ATTR_HAS, kTimerGroup, 2, nullptr), -ENXIO);
  EXPECT_EQ(vattr(a, KX_ATTR_HAS, kTimerGroup, kPtimer, nullptr), 0);
  EXPECT_EQ(set_int(b, kTimerGroup, kVtimer, 20), 0);
  EXPECT_EQ(get_int(a, kTimerGroup, kVtimer), 20);  // every vCPU
  EXPECT_EQ(get_int(b, kTimerGroup, kPtimer), 30);
  // The same PPI for both timers keeps the vCPUs from running.
  EXPECT_EQ(set_int(a, kTimerGroup, kPtimer, 20), 0);
  EXPECT_EQ(run(a), -EINVAL);
  EXPECT_EQ(set_int(a, kTimerGroup, kPtimer, 21), 0);
  EXPECT_EQ(run(a), -EINTR);
  EXPECT_EQ(set_int(b, kTimerGroup, kPtimer, 22), -EBUSY);  // one vCPU has run
  EXPECT_EQ(get_int(b, kTimerGroup, kPtimer), 21);
}

TEST_F(PmuTimerTest, PmuInterruptAndInitRules) {
  kx_vcpu* plain = vcpu(0, 0);
  kx_vcpu* a = vcpu(1, kFeaturePmu);
  kx_vcpu* b = vcpu(2, kFeaturePmu);
  EXPECT_EQ(vattr(plain, KX_ATTR_HAS, kPmuGroup, kPmuIrq, nullptr), -ENXIO);
  EXPECT_EQ(set_int(plain, kPmuGroup, kPmuIrq, 23), -ENODEV);
  EXPECT_EQ(vattr(a, KX_ATTR_HAS, kPmuGroup, kPmuInit, nullptr), 0);
  EXPECT_EQ(vattr(a, KX_ATTR_HAS, kPmuGroup, 4, nullptr), -ENXIO);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 23), -EINVAL);  // no in-kernel GIC
  int irq;
  EXPECT_EQ(vattr(a, KX_ATTR_GET, kPmuGroup, kPmuIrq, &irq), -EINVAL);
  gic(false);
  EXPECT_EQ(vattr(a, KX_ATTR_GET, kPmuGroup, kPmuIrq, &irq), -ENXIO);  // not set
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 15), -EINVAL);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 1020), -EINVAL);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 23), 0);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 23), -EBUSY);
  EXPECT_EQ(set_int(b, kPmuGroup, kPmuIrq, 24), -EINVAL);  // a PPI is the same on all
  EXPECT_EQ(set_int(b, kPmuGroup, kPmuIrq, 40), -EINVAL);  // ... and not mixed with SPIs
  EXPECT_EQ(get_int(a, kPmuGroup, kPmuIrq), 23);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuSetPmu, 8), -ENXIO);
  EXPECT_EQ(vattr(a, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), -ENODEV);  // GIC not initialised
  kx_attr init = {0, 4, 0, 0};
  ASSERT_EQ(kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&init)), 0);
  EXPECT_EQ(vattr(b, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), -ENXIO);  // no interrupt
  EXPECT_EQ(vattr(a, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), 0);
  EXPECT_EQ(vattr(a, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), -EBUSY);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 23), -EBUSY);
  EXPECT_EQ(run(a), -EINTR);
  EXPECT_EQ(run(b), -EINVAL);  // a PMU without PMU_V3_INIT does not run
}

// The PMU and the timers each own their interrupt in the GIC
// (kvm_vgic_set_owner()): a PMU on the virtual timer's PPI stops the
// vCPU's first run; once a (refused) first run gave the timers their
// PPIs, PMU_V3_INIT on one is -EEXIST.
TEST_F(PmuTimerTest, PmuAndTimersOwnTheirPpis) {
  kx_vcpu* a = vcpu(0, kFeaturePmu);
  kx_vcpu* b = vcpu(1, kFeaturePmu);
  gic(true);
  EXPECT_EQ(set_int(a, kPmuGroup, kPmuIrq, 27), 0);
  EXPECT_EQ(vattr(a, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), 0);
  EXPECT_EQ(run(a), -EINVAL);
  EXPECT_EQ(run(b), -EINVAL);  // no PMU_V3_INIT, but the timers took 27 and 30
  EXPECT_EQ(set_int(b, kPmuGroup, kPmuIrq, 27), 0);
  EXPECT_EQ(vattr(b, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), -EEXIST);
}

// Every vCPU must use the same timer PPIs (timer_irqs_are_valid()); a set
// gives all vCPUs the setter's pair.
TEST_F(PmuTimerTest, TimerPpisMustAgreeAcrossVcpus) {
  kx_vcpu* a = vcpu(0, 0);
  gic(false);
  EXPECT_EQ(set_int(a, kTimerGroup, kPtimer, 22), 0);
  kx_vcpu* late = vcpu(1, 0);  // created after the set: 27/30
  EXPECT_EQ(get_int(late, kTimerGroup, kPtimer), 30);
  kx_attr init = {0, 4, 0, 0};
  ASSERT_EQ(kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&init)), 0);
  EXPECT_EQ(run(a), -EINVAL);
  EXPECT_EQ(set_int(late, kTimerGroup, kVtimer, 20), 0);  // late's pair: 20/30, for all
  EXPECT_EQ(get_int(a, kTimerGroup, kPtimer), 30);
  EXPECT_EQ(get_int(a, kTimerGroup, kVtimer), 20);
  EXPECT_EQ(run(late), -EINTR);
}

TEST_F(PmuTimerTest, EventFilterAllowDenyAsTheGuestSeesIt) {
  kx_vcpu* a = vcpu(0, kFeaturePmu);
  const uint64_t host = pmceid0(a);
  EXPECT_EQ(host >> 0x1e & 1, 1u);                 // CHAIN always
  EXPECT_EQ(filter(a, 0xfff0, 0x20, 0), -EINVAL);  // past 16-bit events
  EXPECT_EQ(filter(a, 0, 1, 2), -EINVAL);          // no such action
  // The first range is ALLOW: everything else is denied.
  EXPECT_EQ(filter(a, 0x11, 1, 0), 0);
  EXPECT_EQ(pmceid0(a), 1ull << 0x11);
  // Denying the same range does not bring the default back.
  EXPECT_EQ(filter(a, 0x11, 1, 1), 0);
  EXPECT_EQ(pmceid0(a), 0u);
  EXPECT_EQ(filter(a, 0, 0x40, 0), 0);
  EXPECT_EQ(pmceid0(a), host);
  EXPECT_EQ(vattr(a, KX_ATTR_SET, kPmuGroup, kPmuInit, nullptr), 0);
  EXPECT_EQ(filter(a, 0, 1, 1), -EBUSY);  // PMU initialised
}

TEST_F(PmuTimerTest, DenyFirstMeansAllowTheRest) {
  kx_vcpu* a = vcpu(0, kFeaturePmu);
  kx_vcpu* b = vcpu(1, 0);
  const uint64_t host = pmceid0(a);
  EXPECT_EQ(filter(a, 0x11, 1, 1), 0);
  EXPECT_EQ(pmceid0(a), host & ~(1ull << 0x11));
  EXPECT_EQ(run(b), -EINTR);
  EXPECT_EQ(filter(a, 0x12, 1, 1), -EBUSY);  // a vCPU has run
}

}  // namespace
