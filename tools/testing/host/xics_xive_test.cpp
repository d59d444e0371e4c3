// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XICS on the POWER9 host, XICS-on-XIVE
// (arch/powerpc/xics_xive.cpp), through the C ABI: the queues' slot
// accounting across re-sets, a delivery from KVM_IRQ_LINE to H_XIRR and
// H_EOI, an IPI through the doorbell.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

constexpr uint64_t Prio(uint64_t p) { return p << KX_XICS_PRIORITY_SHIFT; }

class XicsOnXive : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
    ASSERT_EQ(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XICS, &kx_xics_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &dev_), 0);
    ASSERT_STREQ(kx_device_name(dev_), "kvm-xive");
    fd_ = dup(0);
    host::bind_device_fd(fd_, dev_);
    for (uint32_t i = 0; i < 2; i++) {
      ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v_[i]), 0);
      ASSERT_EQ(ppc_enable_papr(v_[i]), 0);
      PpcEnableCap c = {};
      c.cap = KX_CAP_IRQ_XICS;
      c.args[0] = static_cast<uint64_t>(fd_);
      c.args[1] = i;
      ASSERT_EQ(kx_vcpu_ioctl(v_[i], KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)), 0);
      uint64_t icp = 0xffull << 56 | 0xffull << 24 | 0xffull << 16;  // CPPR 0xff
      uint64_t reg[2] = {KX_REG_PPC_ICP_STATE, reinterpret_cast<uintptr_t>(&icp)};
      ASSERT_EQ(kx_vcpu_ioctl(v_[i], KX_SET_ONE_REG, reinterpret_cast<uintptr_t>(reg)), 0);
    }
  }
  void TearDown() override {
    host::bind_device_fd(fd_, nullptr);
    close(fd_);
    kx_device_release(dev_);
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_XICS);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  int Set(uint64_t irq, uint64_t word) {
    kx_attr at = {0, KX_DEV_XICS_GRP_SOURCES, irq, reinterpret_cast<uintptr_t>(&word)};
    return kx_device_attr(dev_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&at));
  }
  uint64_t Get(uint64_t irq) {
    uint64_t word = ~0ull;
    kx_attr at = {0, KX_DEV_XICS_GRP_SOURCES, irq, reinterpret_cast<uintptr_t>(&word)};
    EXPECT_EQ(kx_device_attr(dev_, KX_ATTR_GET, reinterpret_cast<uintptr_t>(&at)), 0);
    return word;
  }
  // A hypercall the kernel completes: r3 and r4.
  static std::pair<int64_t, uint64_t> Hcall(kx_vcpu* v, uint64_t nr, uint64_t r4, uint64_t r5) {
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, nr, 8, 0, r4, {r5, 0, 0}};
    kx_exit exit = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &exit), 0);
    EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL));
    return {static_cast<int64_t>(a.data), a.args[0]};
  }
  kx_vm* vm_ = nullptr;
  kx_device* dev_ = nullptr;
  kx_vcpu* v_[2] = {};
  int fd_ = -1;
  long live_ = 0;
};

constexpr uint64_t kHEoi = 0x64, kHIpi = 0x6c, kHXirr = 0x74;

// 6.1 leaks a queue slot each time a targeted source is set again, until
// the queue reads full and new sources go elsewhere (differences.rst);
// here the slot comes back and every source stays on its server.
TEST_F(XicsOnXive, ResetSourcesKeepTheirServer) {
  for (int i = 0; i < 20000; i++) ASSERT_EQ(Set(0x1000, Prio(5) | 1), 0);
  ASSERT_EQ(Set(0x1001, Prio(5) | 1), 0);
  EXPECT_EQ(Get(0x1000), Prio(5) | 1);
  EXPECT_EQ(Get(0x1001), Prio(5) | 1);
}

// KVM_IRQ_LINE queues the MSI on its server's queue; H_XIRR takes it and
// raises the CPPR; a trigger in service coalesces and comes back at
// H_EOI. An IPI rings the target's doorbell and reads XISR 2.
TEST_F(XicsOnXive, DeliveryThroughTheQueues) {
  ASSERT_EQ(Set(0x1000, Prio(5) | 1), 0);
  EXPECT_EQ(kx_vm_irq_line(vm_, 0x1000, 1), 0);
  EXPECT_EQ(Hcall(v_[0], kHXirr, 0, 0).second, 0xff000000u);
  EXPECT_EQ(Hcall(v_[1], kHXirr, 0, 0).second, 0xff001000u);
  EXPECT_EQ(kx_vm_irq_line(vm_, 0x1000, 1), 0);
  EXPECT_EQ(Hcall(v_[1], kHXirr, 0, 0).second, 0x05000000u);
  EXPECT_EQ(Hcall(v_[1], kHEoi, 0xff001000, 0).first, 0);
  EXPECT_EQ(Hcall(v_[1], kHXirr, 0, 0).second, 0xff001000u);
  EXPECT_EQ(Hcall(v_[1], kHEoi, 0xff001000, 0).first, 0);
  EXPECT_EQ(Hcall(v_[1], kHXirr, 0, 0).second, 0xff000000u);
  EXPECT_EQ(Hcall(v_[1], kHIpi, 0, 3).first, 0);
  EXPECT_EQ(Hcall(v_[0], kHXirr, 0, 0).second, 0xff000002u);
  EXPECT_EQ(Hcall(v_[0], kHIpi, 0, 0xff).first, 0);
  EXPECT_EQ(Hcall(v_[0], kHEoi, 0xff000002, 0).first, 0);
  EXPECT_EQ(Hcall(v_[0], kHXirr, 0, 0).second, 0xff000000u);
}

}  // namespace
