// SPDX-License-Identifier: GPL-2.0
// The book3s HV vCPU (arch/powerpc/vcpu.cpp) through the C ABI: PAPR mode
// and the sanity KVM_RUN needs, ONE_REG's answers.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

class PpcVcpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::clear_signal();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  long EnableCap(uint32_t cap, uint32_t flags = 0) {
    PpcEnableCap c = {};
    c.cap = cap;
    c.flags = flags;
    return kx_vcpu_ioctl(vcpu_, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c));
  }
  long OneReg(bool set, uint64_t id, void* val) {
    uint64_t reg[2] = {id, reinterpret_cast<uintptr_t>(val)};
    return kx_vcpu_ioctl(vcpu_, set ? KX_SET_ONE_REG : KX_GET_ONE_REG,
                         reinterpret_cast<uintptr_t>(reg));
  }
  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
  long live_ = 0;
};

// kvmppc_vcpu_run_hv(): a vCPU without PAPR is refused with
// KVM_EXIT_INTERNAL_ERROR; immediate_exit is looked at before that.
TEST_F(PpcVcpuTest, RunNeedsPapr) {
  kx_run run = {};
  run.immediate_exit = 1;
  EXPECT_EQ(kx_vcpu_run(vcpu_, &run), -EINTR);
  EXPECT_EQ(run.exit.set, 0);
  run = {};
  EXPECT_EQ(kx_vcpu_run(vcpu_, &run), -EINVAL);
  EXPECT_EQ(run.exit.set, 1);
  EXPECT_EQ(run.exit.reason, static_cast<unsigned>(KX_EXIT_INTERNAL_ERROR));

  EXPECT_EQ(EnableCap(KX_CAP_PPC_PAPR), 0);
  run = {};
  host::raise_signal();
  EXPECT_EQ(kx_vcpu_run(vcpu_, &run), -EINTR);
  host::clear_signal();
  EXPECT_EQ(run.exit.reason, static_cast<unsigned>(KX_EXIT_INTR));
}

// kvm_vcpu_ioctl_enable_cap(): flags first, unknown caps -EINVAL; PAPR
// takes no argument and can be enabled again.
TEST_F(PpcVcpuTest, EnablePapr) {
  EXPECT_EQ(EnableCap(KX_CAP_PPC_PAPR, 1), -EINVAL);
  EXPECT_EQ(EnableCap(KX_CAP_ONE_REG), -EINVAL);
  kx_run run = {};
  EXPECT_EQ(kx_vcpu_run(vcpu_, &run), -EINVAL);  // neither enabled it
  EXPECT_EQ(EnableCap(KX_CAP_PPC_PAPR), 0);
  EXPECT_EQ(EnableCap(KX_CAP_PPC_PAPR), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_PPC_PAPR), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_ONE_REG), 1);
  EXPECT_EQ(kx_vcpu_ioctl(vcpu_, KX_ENABLE_CAP, 1), -EFAULT);
}

// kvmppc_get/set_one_reg(): a size above 16 bytes -EINVAL before the id;
// the presentation controllers' registers -ENXIO with none connected;
// any other id -EINVAL, also a known one with another size; HV's HIOR
// reads 0 and takes only 0.
TEST_F(PpcVcpuTest, OneRegAnswers) {
  uint64_t val[4] = {};
  for (bool set : {false, true}) {
    EXPECT_EQ(OneReg(set, KX_REG_PPC_ICP_STATE, val), -ENXIO);
    EXPECT_EQ(OneReg(set, KX_REG_PPC_VP_STATE, val), -ENXIO);
    const uint64_t u256 = 5ULL << 52;
    EXPECT_EQ(OneReg(set, (KX_REG_PPC_ICP_STATE & ~(0xfULL << 52)) | u256, val), -EINVAL);
    const uint64_t u32 = 2ULL << 52;
    EXPECT_EQ(OneReg(set, (KX_REG_PPC_ICP_STATE & ~(0xfULL << 52)) | u32, val), -EINVAL);
    constexpr uint64_t kNone = 0x1030000000000fffULL, kHior = 0x1030000000000001ULL;
    EXPECT_EQ(OneReg(set, kNone, val), -EINVAL);
    // SET reads the value before the id; GET looks at the id first.
    EXPECT_EQ(OneReg(set, kNone, nullptr), set ? -EFAULT : -EINVAL);
    val[0] = 0;
    EXPECT_EQ(OneReg(set, kHior, val), 0);
    EXPECT_EQ(val[0], 0u);
    val[0] = 1;
    EXPECT_EQ(OneReg(set, kHior, val), set ? -EINVAL : 0);
    val[0] = 0;
    EXPECT_EQ(OneReg(set, KX_REG_PPC_ICP_STATE, nullptr), set ? -EFAULT : -ENXIO);
    EXPECT_EQ(kx_vcpu_ioctl(vcpu_, set ? KX_SET_ONE_REG : KX_GET_ONE_REG, 1), -EFAULT);
  }
}

// KVM_IRQ_LINE on ppc: -ENXIO with no in-kernel interrupt controller.
TEST_F(PpcVcpuTest, IrqLineWithoutController) {
  uint32_t line[2] = {1, 1};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE, reinterpret_cast<uintptr_t>(line)), -ENXIO);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)), -ENXIO);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE, 1), -EFAULT);
}

}  // namespace
