// SPDX-License-Identifier: GPL-2.0
// arm64 vCPU configuration: KVM_ARM_VCPU_INIT features, KVM_ARM_VCPU_FINALIZE,
// KVM_REG_ARM64_SVE_VLS, KVM_RUN gating, and the emulated host behind them.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint64_t kVls = 0x6000000000000000ull | (0x15ull << 16) | 0x0060000000000000ull | 0xffff;
enum { kPowerOff = 0, kEl132 = 1, kPmu = 3, kSve = 4, kPacA = 5, kPacG = 6 };

class Arm64VcpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    kx_arm64_get_host(&defaults_);
    make_vm();
  }
  void TearDown() override {
    kx_vm_put(vm_);
    ASSERT_EQ(kx_arm64_set_host(&defaults_), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_);
  }
  void make_vm() {
    if (vm_) kx_vm_put(vm_);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
  }
  int init(kx_vcpu* v, uint32_t f0, uint32_t target = 5, uint32_t f3 = 0) {
    unsigned int features[7] = {f0, 0, 0, f3, 0, 0, 0};
    return kx_vcpu_arm64_init(v, target, features);
  }
  int vls(bool set, uint64_t* vqs) {
    uint64_t reg[2] = {kVls, reinterpret_cast<uintptr_t>(vqs)};
    return kx_vcpu_one_reg(vcpu_, set, reinterpret_cast<uintptr_t>(reg));
  }
  int finalize(int what) {
    return kx_vcpu_arm64_finalize(vcpu_, reinterpret_cast<uintptr_t>(&what));
  }
  int run() {
    kx_run r = {};
    r.immediate_exit = 1;
    return kx_vcpu_run(vcpu_, &r);
  }
  void host_change(void (*f)(kx_arm64_host*)) {
    kx_arm64_host h;
    kx_arm64_get_host(&h);
    f(&h);
    ASSERT_EQ(kx_arm64_set_host(&h), 0);
    make_vm();  // VMs snapshot the host at creation
  }

  long live_ = 0;
  kx_arm64_host defaults_ = {};
  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
};

TEST_F(Arm64VcpuTest, InitTargetAndFeatureRules) {
  kx_test_vcpu_init preferred = {0, {~0u}};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_ARM_PREFERRED_TARGET, reinterpret_cast<uintptr_t>(&preferred)), 0);
  EXPECT_EQ(preferred.target, 5u);
  EXPECT_EQ(preferred.features[0], 0u);
  EXPECT_EQ(init(vcpu_, 0, 4), -EINVAL);         // not the preferred target
  EXPECT_EQ(init(vcpu_, 1u << 7), -ENOENT);      // unknown feature
  EXPECT_EQ(init(vcpu_, 0, 5, 1), -ENOENT);      // features[3]
  EXPECT_EQ(init(vcpu_, 1u << kPacA), -EINVAL);  // one ptrauth bit alone
  EXPECT_EQ(run(), -ENOEXEC);                    // refused calls changed nothing
  EXPECT_EQ(init(vcpu_, (1u << kPacA) | (1u << kPacG) | (1u << kPmu)), 0);
  EXPECT_EQ(init(vcpu_, (1u << kPacA) | (1u << kPacG) | (1u << kPmu)), 0);  // same again
  EXPECT_EQ(init(vcpu_, 1u << kPowerOff), -EINVAL);                         // other features
  // A vCPU with a PMU runs only after KVM_ARM_VCPU_PMU_V3_INIT
  // (kvm_arm_pmu_v3_enable()); without a GIC no interrupt is needed.
  EXPECT_EQ(run(), -EINVAL);
  kx_attr pmu_init = {0, 0, 1, 0};  // KVM_ARM_VCPU_PMU_V3_CTRL, _INIT
  EXPECT_EQ(kx_vcpu_attr(vcpu_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&pmu_init)), 0);
  EXPECT_EQ(run(), -EINTR);  // initialised, nothing to finalize
}

TEST_F(Arm64VcpuTest, FeaturesTheHostLacks) {
  host_change([](kx_arm64_host* h) {
    h->sve = 0;
    h->pmuv3 = 0;
    h->ptrauth_generic = 0;
  });
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_ARM_SVE), 0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, vm_, KX_CAP_ARM_PTRAUTH_ADDRESS), 0);
  EXPECT_EQ(init(vcpu_, 1u << kSve), -EINVAL);
  EXPECT_EQ(init(vcpu_, 1u << kPmu), -EINVAL);
  EXPECT_EQ(init(vcpu_, (1u << kPacA) | (1u << kPacG)), -EINVAL);
  EXPECT_EQ(init(vcpu_, 1u << kEl132), -EINVAL);  // no AArch32 EL1 by default
}

// kvm_vm_ioctl_check_extension(): PSCI 0.1 and 0.2 on every arm64 host;
// QEMU requests KVM_ARM_VCPU_PSCI_0_2 only when the capability is there.
TEST_F(Arm64VcpuTest, PsciCapabilities) {
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_ARM_PSCI), 1);
  EXPECT_EQ(kx_check_extension(KX_ARM64, vm_, KX_CAP_ARM_PSCI_0_2), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_ARM_PSCI_0_2), 0);
}

TEST_F(Arm64VcpuTest, El1WidthIsOnePerVm) {
  host_change([](kx_arm64_host* h) { h->el1_32bit = 1; });
  kx_vcpu* second;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &second), 0);
  EXPECT_EQ(init(vcpu_, 1u << kEl132), 0);
  EXPECT_EQ(init(second, 0), -EINVAL);
  EXPECT_EQ(init(second, 1u << kEl132), 0);
}

TEST_F(Arm64VcpuTest, SveVlsAndFinalize) {
  uint64_t vqs[8] = {};
  EXPECT_EQ(vls(false, vqs), -ENOEXEC);  // before INIT
  EXPECT_EQ(finalize(kSve), -ENOEXEC);
  ASSERT_EQ(init(vcpu_, 0), 0);
  EXPECT_EQ(vls(false, vqs), -ENOENT);  // no SVE on this vCPU
  make_vm();
  ASSERT_EQ(init(vcpu_, 1u << kSve), 0);
  EXPECT_EQ(run(), -EPERM);  // not finalized
  ASSERT_EQ(vls(false, vqs), 0);
  EXPECT_EQ(vqs[0], 0xbu);
  uint64_t set[8] = {};
  EXPECT_EQ(vls(true, set), -EINVAL);  // empty
  set[0] = 0x1b;
  EXPECT_EQ(vls(true, set), -EINVAL);  // above the host's maximum
  set[0] = 0x9;
  EXPECT_EQ(vls(true, set), -EINVAL);  // 128 + 512 without 256: the host has 256
  set[0] = 0x3;
  EXPECT_EQ(vls(true, set), 0);
  ASSERT_EQ(vls(false, vqs), 0);
  EXPECT_EQ(vqs[0], 0x3u);
  EXPECT_EQ(finalize(0), -EINVAL);
  EXPECT_EQ(finalize(kSve), 0);
  EXPECT_EQ(finalize(kSve), -EPERM);
  EXPECT_EQ(vls(true, set), -EPERM);
  EXPECT_EQ(vls(false, vqs), 0);
  EXPECT_EQ(run(), -EINTR);
  uint64_t bad[2] = {0x4000000000000000ull, 0};
  EXPECT_EQ(kx_vcpu_one_reg(vcpu_, 0, reinterpret_cast<uintptr_t>(bad)), -EINVAL);
}

TEST_F(Arm64VcpuTest, LongAndHoledVectorLengthSets) {
  host_change([](kx_arm64_host* h) { h->sve_vqs = 0xffff; });
  ASSERT_EQ(init(vcpu_, 1u << kSve), 0);
  uint64_t vqs[8] = {};
  ASSERT_EQ(vls(false, vqs), 0);
  EXPECT_EQ(vqs[0], 0xffffu);  // up to 2048 bits
  host_change([](kx_arm64_host* h) { h->sve_vqs = 0x2b; });
  ASSERT_EQ(init(vcpu_, 1u << kSve), 0);
  ASSERT_EQ(vls(false, vqs), 0);
  EXPECT_EQ(vqs[0], 0x2bu);
}

// Core register ids: KVM_REG_ARM64 | size | KVM_REG_ARM_CORE | offset in u32s.
constexpr uint64_t core(uint64_t size_code, uint64_t off) {
  return 0x6000000000000000ull | (size_code << 52) | (0x10ull << 16) | off;
}
constexpr uint64_t kU32 = 2, kU64 = 3, kU128 = 4;

int reg_io(kx_vcpu* v, bool set, uint64_t id, void* val) {
  uint64_t reg[2] = {id, reinterpret_cast<uintptr_t>(val)};
  return kx_vcpu_one_reg(v, set, reinterpret_cast<uintptr_t>(reg));
}

TEST_F(Arm64VcpuTest, CoreRegistersResetRoundTripAndRules) {
  ASSERT_EQ(init(vcpu_, 0), 0);
  uint64_t v = 0;
  ASSERT_EQ(reg_io(vcpu_, false, core(kU64, 66), &v), 0);
  EXPECT_EQ(v, 0x3c5u);  // reset PSTATE: EL1h, DAIF masked
  for (uint64_t i = 0; i < 31; i++) {
    v = 0x1111111111111111ull * (i % 15 + 1);
    ASSERT_EQ(reg_io(vcpu_, true, core(kU64, 2 * i), &v), 0) << i;
  }
  for (uint64_t i = 0; i < 31; i++) {
    ASSERT_EQ(reg_io(vcpu_, false, core(kU64, 2 * i), &v), 0);
    EXPECT_EQ(v, 0x1111111111111111ull * (i % 15 + 1));
  }
  unsigned __int128 q = (static_cast<unsigned __int128>(0xabcdull) << 64) | 0x1234, r = 0;
  ASSERT_EQ(reg_io(vcpu_, true, core(kU128, 84 + 4 * 31), &q), 0);  // V31
  ASSERT_EQ(reg_io(vcpu_, false, core(kU128, 84 + 4 * 31), &r), 0);
  EXPECT_TRUE(r == q);
  uint32_t w = 0x3000000;
  EXPECT_EQ(reg_io(vcpu_, true, core(kU32, 213), &w), 0);         // FPCR
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 213), &v), -EINVAL);   // wrong size
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 1), &v), -EINVAL);     // not a register start
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 82), &v), -EINVAL);    // padding
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 216), &v), -ENOENT);   // past kvm_regs
  EXPECT_EQ(reg_io(vcpu_, true, core(kU128, 214), &q), -ENOENT);  // runs past it
  v = 0x13;                                                       // AArch32 SVC on a 64-bit vCPU
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 66), &v), -EINVAL);
  v = 0x7;  // no such mode
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 66), &v), -EINVAL);
  v = 0x4;  // EL1t
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 66), &v), 0);
  EXPECT_EQ(reg_io(vcpu_, false, core(kU64, 66), nullptr), -EFAULT);
  // A re-INIT resets the registers, but not SP_EL1, ELR_EL1, SPSR_EL1
  // (system registers KVM's reset table leaves alone).
  v = 0x5555;
  ASSERT_EQ(reg_io(vcpu_, true, core(kU64, 68), &v), 0);
  ASSERT_EQ(init(vcpu_, 0), 0);
  ASSERT_EQ(reg_io(vcpu_, false, core(kU64, 0), &v), 0);
  EXPECT_EQ(v, 0u);
  ASSERT_EQ(reg_io(vcpu_, false, core(kU64, 68), &v), 0);
  EXPECT_EQ(v, 0x5555u);
}

TEST_F(Arm64VcpuTest, VRegistersAreSveRegistersOnAnSveVcpu) {
  ASSERT_EQ(init(vcpu_, 1u << kSve), 0);
  unsigned __int128 q = 0;
  EXPECT_EQ(reg_io(vcpu_, false, core(kU128, 84), &q), -EINVAL);
  uint32_t w = 0;
  EXPECT_EQ(reg_io(vcpu_, false, core(kU32, 212), &w), 0);  // FPSR stays
}

TEST_F(Arm64VcpuTest, Aarch32PstateNarrowsBankedRegisters) {
  host_change([](kx_arm64_host* h) { h->el1_32bit = 1; });
  ASSERT_EQ(init(vcpu_, 1u << kEl132), 0);
  uint64_t v = 0;
  ASSERT_EQ(reg_io(vcpu_, false, core(kU64, 66), &v), 0);
  EXPECT_EQ(v, 0x1d3u);  // reset PSTATE: SVC, AIF masked
  v = ~0ull;
  ASSERT_EQ(reg_io(vcpu_, true, core(kU64, 2 * 20), &v), 0);  // x20: banked in privileged modes
  ASSERT_EQ(reg_io(vcpu_, false, core(kU64, 2 * 20), &v), 0);
  EXPECT_EQ(v, 0xffffffffu);
  v = 0x5;  // EL1h on a 32-bit vCPU
  EXPECT_EQ(reg_io(vcpu_, true, core(kU64, 66), &v), -EINVAL);
}

TEST_F(Arm64VcpuTest, ImpossibleHostsAreRefused) {
  kx_arm64_host h = defaults_;
  h.ipa_bits = 20;
  EXPECT_EQ(kx_arm64_set_host(&h), -EINVAL);
  h = defaults_;
  h.sve_vqs = 0;
  EXPECT_EQ(kx_arm64_set_host(&h), -EINVAL);
  h.sve_vqs = 0x10000;
  EXPECT_EQ(kx_arm64_set_host(&h), -EINVAL);
  kx_arm64_host now;
  kx_arm64_get_host(&now);
  EXPECT_EQ(now.ipa_bits, defaults_.ipa_bits);
  EXPECT_EQ(now.sve_vqs, defaults_.sve_vqs);
}

}  // namespace
