// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XICS (arch/powerpc/xics.cpp) through the C ABI, as the
// shim drives it: the device's life, the emulated host's choice, the
// source words' errno rows and round trips, a failed ICS allocation.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"

namespace {

constexpr uint64_t Prio(uint64_t p) { return p << KX_XICS_PRIORITY_SHIFT; }

class XicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    ASSERT_EQ(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XICS, &kx_xics_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_XICS);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  static int Attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int Set(kx_device* d, uint64_t irq, uint64_t word) {
    return Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, irq, &word);
  }
  static int Get(kx_device* d, uint64_t irq, uint64_t* word) {
    return Attr(d, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, irq, word);
  }
  kx_vm* vm_ = nullptr;
  long live_ = 0;
};

TEST_F(XicsTest, OnePerVmReleasedWithItsFd) {
  kx_device *d, *again;
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &d), 0);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);
  EXPECT_STREQ(kx_device_name(d), "kvm-xics");
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &again), -EEXIST);
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &again), 0);
  EXPECT_EQ(Set(d, 100, Prio(0xff)), 0);
  kx_device_release(d);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &again), 0);
  uint64_t w;
  EXPECT_EQ(Get(again, 100, &w), -ENOENT);
  kx_device_release(again);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_IRQ_XICS), 0);
}

TEST_F(XicsTest, TheVmsHostDecides) {
  kx_vm* p9;
  kx_device* d;
  EXPECT_EQ(kx_ppc_set_host(7), -EINVAL);
  ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
  EXPECT_EQ(kx_ppc_get_host(), static_cast<unsigned>(KX_PPC_HOST_POWER9));
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &p9), 0);
  EXPECT_EQ(kx_vm_create_device(p9, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &d), -ENODEV);
  EXPECT_EQ(kx_vm_create_device(p9, KX_DEV_TYPE_XICS, 0, &d), -ENODEV);
  kx_vm_put(p9);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);  // made on POWER8
  kx_device_release(d);
}

TEST_F(XicsTest, SourceWordsAndErrnos) {
  kx_device* d;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);
  uint64_t w;
  EXPECT_EQ(Set(d, 15, Prio(0xff)), -ENOENT);
  EXPECT_EQ(Set(d, 0x100000, Prio(0xff)), -ENOENT);
  EXPECT_EQ(Set(d, ~0ull, Prio(0xff)), -ENOENT);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, 16, nullptr), -EFAULT);
  EXPECT_EQ(Set(d, 16, Prio(4)), -EINVAL);  // no server
  EXPECT_EQ(Get(d, 16, &w), -ENOENT);
  EXPECT_EQ(Set(d, 16, Prio(0xff) | KX_XICS_LEVEL_SENSITIVE | KX_XICS_PENDING | 42), 0);
  EXPECT_EQ(Get(d, 16, &w), 0);
  EXPECT_EQ(w, Prio(0xff) | KX_XICS_MASKED | KX_XICS_LEVEL_SENSITIVE | KX_XICS_PENDING |
                   KX_XICS_PRESENTED | 42);
  EXPECT_EQ(Set(d, 17, Prio(0xff) | KX_XICS_PENDING | KX_XICS_QUEUED), 0);
  EXPECT_EQ(Get(d, 17, &w), 0);
  EXPECT_EQ(w, Prio(0xff) | KX_XICS_MASKED | KX_XICS_PRESENTED | KX_XICS_QUEUED);
  EXPECT_EQ(Get(d, (1ull << 32) | 17, &w), 0);  // a u32 in the lookup
  EXPECT_EQ(Get(d, 18, &w), -ENOENT);
  EXPECT_EQ(Attr(d, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, 16, nullptr), -EFAULT);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XICS_GRP_SOURCES, 16, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XICS_GRP_SOURCES, 15, nullptr), -ENXIO);
  uint32_t n = 4;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, &n), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_GET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, &n), -ENXIO);
  n = 16385;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, &n), -EINVAL);
  kx_device_release(d);
}

// Every allocation of a first set in an ICS fails in turn: -ENOMEM and no
// source, or success.
TEST_F(XicsTest, FailedIcsAllocation) {
  kx_device* d;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);
  host::fail_allocation_after(0);
  EXPECT_EQ(Set(d, 2048, Prio(0xff)), -ENOMEM);
  host::fail_allocation_after(-1);
  uint64_t w;
  EXPECT_EQ(Get(d, 2048, &w), -ENOENT);
  EXPECT_EQ(Set(d, 2048, Prio(0xff)), 0);
  EXPECT_EQ(Get(d, 2048, &w), 0);
  kx_device_release(d);
}

}  // namespace
