// SPDX-License-Identifier: GPL-2.0
// The VGIC devices' configuration: creation rules, GRP_ADDR, GRP_NR_IRQS
// and GRP_CTRL INIT (devices/arm-vgic.rst, arm-vgic-v3.rst).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint32_t kV2 = KX_DEV_TYPE_ARM_VGIC_V2, kV3 = KX_DEV_TYPE_ARM_VGIC_V3;
constexpr uint32_t kGrpAddr = 0, kGrpNrIrqs = 3, kGrpCtrl = 4;
constexpr uint64_t kV2Dist = 0, kV2Cpu = 1, kV3Dist = 2, kV3Redist = 3, kV3Region = 5;
constexpr uint64_t kUndef = ~0ull;

uint64_t region(uint64_t count, uint64_t base, uint64_t flags, uint64_t index) {
  return count << 52 | base | flags << 12 | index;
}

class VgicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV2, &kx_vgic_v2_device_ops), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV3, &kx_vgic_v3_device_ops), 0);
    // A host with GICv2 compatibility, so that both models can be made.
    ASSERT_EQ(kx_arm64_host_gicv2(1), 0);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);  // 40-bit IPA
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_ARM64, kV2);
    kx_unregister_device_ops(KX_ARM64, kV3);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_);
  }
  int create(uint32_t type, kx_device** out) { return kx_vm_create_device(vm_, type, 0, out); }
  static int attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int set(kx_device* d, uint32_t group, uint64_t a, uint64_t v) {
    return attr(d, KX_ATTR_SET, group, a, &v);
  }
  static uint64_t get(kx_device* d, uint32_t group, uint64_t a, uint64_t in = 0) {
    uint64_t v = in;
    EXPECT_EQ(attr(d, KX_ATTR_GET, group, a, &v), 0);
    return v;
  }

  long live_ = 0;
  kx_vm* vm_ = nullptr;
};

TEST_F(VgicTest, OnePerVmAndVcpuLimits) {
  kx_vcpu* v;
  for (uint32_t i = 0; i < 9; i++) ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v), 0);
  kx_device* d;
  EXPECT_EQ(create(kV2, &d), -E2BIG);  // 9 vCPUs, GICv2 serves 8
  // The refusal changed nothing: no GICv2 limit (6.1 keeps one; differences.rst).
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 9, &v), 0);
  ASSERT_EQ(create(kV3, &d), 0);
  kx_device* again;
  EXPECT_EQ(create(kV3, &again), -EEXIST);
  EXPECT_EQ(create(kV2, &again), -EEXIST);
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_HAS, 0), -EFAULT);
  kx_attr init = {0, kGrpCtrl, 0, 0};
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&init)), 0);
  EXPECT_EQ(kx_vm_create_vcpu(vm_, 20, &v), -EBUSY);  // the GIC is initialised
}

TEST_F(VgicTest, V2LimitsVcpusAndRefusesAfterARun) {
  kx_vcpu* v;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  unsigned int f[7] = {};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
  kx_run r = {};
  r.immediate_exit = 1;
  ASSERT_EQ(kx_vcpu_run(v, &r), -EINTR);
  kx_device* d;
  EXPECT_EQ(create(kV2, &d), -EBUSY);  // a vCPU has run

  kx_vm_put(vm_);
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  ASSERT_EQ(create(kV2, &d), 0);
  for (uint32_t i = 0; i < 8; i++) ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v), 0);
  EXPECT_EQ(kx_vm_create_vcpu(vm_, 8, &v), -EINVAL);
}

TEST_F(VgicTest, V2Addresses) {
  kx_device* d;
  ASSERT_EQ(create(kV2, &d), 0);
  EXPECT_EQ(get(d, kGrpAddr, kV2Dist), kUndef);
  EXPECT_EQ(set(d, kGrpAddr, kV2Dist, 0x8000800), -EINVAL);            // 4 KiB alignment
  EXPECT_EQ(set(d, kGrpAddr, kV2Dist, 1ull << 40), -E2BIG);            // beyond 40 bits
  EXPECT_EQ(set(d, kGrpAddr, kV2Cpu, (1ull << 40) - 0x1000), -E2BIG);  // 8 KiB frame ends past
  EXPECT_EQ(set(d, kGrpAddr, kV2Dist, 0x8000000), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV2Dist, 0x9000000), -EEXIST);
  EXPECT_EQ(get(d, kGrpAddr, kV2Dist), 0x8000000u);
  EXPECT_EQ(set(d, kGrpAddr, kV3Dist, 0x9000000), -ENXIO);  // a v3 attribute
  EXPECT_EQ(set(d, kGrpAddr, 4, 0x9000000), -ENXIO);
  EXPECT_EQ(attr(d, KX_ATTR_HAS, kGrpAddr, kV2Cpu, nullptr), 0);
  EXPECT_EQ(attr(d, KX_ATTR_HAS, kGrpAddr, kV3Dist, nullptr), -ENXIO);
  EXPECT_EQ(attr(d, KX_ATTR_SET, kGrpAddr, kV2Cpu, nullptr), -EFAULT);
}

TEST_F(VgicTest, V3RedistributorRegions) {
  kx_device* d;
  ASSERT_EQ(create(kV3, &d), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV3Dist, 0x8008000), -EINVAL);  // 64 KiB alignment
  EXPECT_EQ(set(d, kGrpAddr, kV3Dist, 0x8000000), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(0, 0x80a0000, 0, 0)), -EINVAL);  // count 0
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(2, 0x80a0000, 1, 0)), -EINVAL);  // flags
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(2, 0x80a0000, 0, 1)), -EINVAL);  // not from 0
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(2, 0x80a0000, 0, 0)), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(2, 0x80c0000, 0, 1)), -EINVAL);  // overlaps
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(4, 0x8100000, 0, 2)), -EINVAL);  // skips 1
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(4, 0x8100000, 0, 1)), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV3Redist, 0x9000000), -EINVAL);  // mixing the forms
  EXPECT_EQ(get(d, kGrpAddr, kV3Region, 1), region(4, 0x8100000, 0, 1));
  EXPECT_EQ(get(d, kGrpAddr, kV3Region, 0), region(2, 0x80a0000, 0, 0));
  uint64_t v = 7;
  EXPECT_EQ(attr(d, KX_ATTR_GET, kGrpAddr, kV3Region, &v), -ENOENT);
  EXPECT_EQ(get(d, kGrpAddr, kV3Redist), 0x80a0000u);  // the first region
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(1, 0xffffff0000, 0, 2)), -E2BIG);  // ends past 2^40
}

TEST_F(VgicTest, V3LegacyRedistributor) {
  kx_vcpu* v;
  for (uint32_t i = 0; i < 4; i++) ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v), 0);
  kx_device* d;
  ASSERT_EQ(create(kV3, &d), 0);
  EXPECT_EQ(get(d, kGrpAddr, kV3Redist), kUndef);
  ASSERT_EQ(set(d, kGrpAddr, kV3Dist, 0x8000000), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV3Redist, 0x7fa0000), -EINVAL);  // 4 x 128 KiB reach the dist
  EXPECT_EQ(set(d, kGrpAddr, kV3Redist, 0x80a0000), 0);
  EXPECT_EQ(set(d, kGrpAddr, kV3Redist, 0x90a0000), -EEXIST);
  // Mixing the forms is invalid either way (the documents; 6.1 accepts an
  // indexed region after the legacy one).
  EXPECT_EQ(set(d, kGrpAddr, kV3Region, region(1, 0x9000000, 0, 1)), -EINVAL);
}

TEST_F(VgicTest, NrIrqsAndInit) {
  kx_device* d;
  ASSERT_EQ(create(kV3, &d), 0);
  auto nr = [&](uint32_t n) { return attr(d, KX_ATTR_SET, kGrpNrIrqs, 0, &n); };
  uint32_t got = 0;
  EXPECT_EQ(attr(d, KX_ATTR_GET, kGrpNrIrqs, 0, &got), 0);
  EXPECT_EQ(got, 32u);  // nothing set yet: the private interrupts only
  EXPECT_EQ(nr(32), -EINVAL);
  EXPECT_EQ(nr(96 + 1), -EINVAL);
  EXPECT_EQ(nr(1056), -EINVAL);
  EXPECT_EQ(nr(1024), 0);  // the documents' maximum (6.1 refuses it)
  EXPECT_EQ(nr(64), -EBUSY);
  EXPECT_EQ(attr(d, KX_ATTR_GET, kGrpNrIrqs, 0, &got), 0);
  EXPECT_EQ(got, 1024u);
  EXPECT_EQ(attr(d, KX_ATTR_SET, kGrpCtrl, 0, nullptr), 0);
  EXPECT_EQ(attr(d, KX_ATTR_SET, kGrpCtrl, 0, nullptr), 0);  // again: nothing to do
  EXPECT_EQ(attr(d, KX_ATTR_SET, kGrpCtrl, 9, nullptr), -ENXIO);
  EXPECT_EQ(attr(d, KX_ATTR_HAS, kGrpCtrl, 0, nullptr), 0);
  EXPECT_EQ(attr(d, KX_ATTR_HAS, 99, 0, nullptr), -ENXIO);
}

TEST_F(VgicTest, InitWithoutNrIrqsFreezesTheDefault) {
  kx_device* d;
  ASSERT_EQ(create(kV2, &d), 0);
  ASSERT_EQ(attr(d, KX_ATTR_SET, kGrpCtrl, 0, nullptr), 0);
  uint32_t got = 0, n = 128;
  EXPECT_EQ(attr(d, KX_ATTR_GET, kGrpNrIrqs, 0, &got), 0);
  EXPECT_EQ(got, 256u);
  EXPECT_EQ(attr(d, KX_ATTR_SET, kGrpNrIrqs, 0, &n), -EBUSY);
}

// The emulated host's GICv2 compatibility (arm64_gicv2), snapshotted by
// each VM: without it the KVM_DEV_TYPE_ARM_VGIC_V2 type is absent (-ENODEV,
// KVM_CREATE_DEVICE_TEST too, before any other rule) and so is
// KVM_CREATE_IRQCHIP's GICv2 (kvm_vgic_create()'s first check); a GICv3 is
// made as ever, and the capabilities do not change.
TEST_F(VgicTest, Gicv2CompatibilityIsAHostParameter) {
  ASSERT_EQ(kx_arm64_host_gicv2(0), 0);
  kx_vm* plain;
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &plain), 0);
  ASSERT_EQ(kx_arm64_host_gicv2(1), 0);  // the VM keeps the host it was made on
  kx_device* d = reinterpret_cast<kx_device*>(0x1);
  EXPECT_EQ(kx_vm_create_device(plain, kV2, KX_CREATE_DEVICE_TEST, &d), -ENODEV);
  EXPECT_EQ(kx_vm_create_device(plain, kV2, 0, &d), -ENODEV);
  EXPECT_EQ(d, reinterpret_cast<kx_device*>(0x1));
  EXPECT_EQ(kx_vm_arm64_create_irqchip(plain), -ENODEV);
  EXPECT_EQ(kx_vm_arm64_set_device_addr(plain, kV2Dist, 0x8000000), -ENODEV);  // no GICv2
  EXPECT_EQ(kx_check_extension(KX_ARM64, plain, KX_CAP_IRQCHIP), 1);
  EXPECT_EQ(kx_check_extension(KX_ARM64, plain, KX_CAP_ARM_SET_DEVICE_ADDR), 1);
  ASSERT_EQ(kx_vm_create_device(plain, kV3, 0, &d), 0);
  EXPECT_EQ(kx_vm_arm64_create_irqchip(plain), -ENODEV);  // before -EEXIST
  EXPECT_EQ(kx_vm_create_device(plain, kV2, 0, &d), -ENODEV);
  kx_vm_put(plain);
  // The fixture's VM was made on a host with it.
  EXPECT_EQ(kx_vm_create_device(vm_, kV2, KX_CREATE_DEVICE_TEST, &d), 0);
}

// KVM_CREATE_IRQCHIP: kvm_vgic_create(KVM_DEV_TYPE_ARM_VGIC_V2) with no
// device: KVM_CREATE_DEVICE's rules in the same order, and the GIC is the
// VM's (KVM_CREATE_DEVICE of either model is -EEXIST after it).
TEST_F(VgicTest, CreateIrqchipMakesAGicv2WithoutADevice) {
  kx_vcpu* v;
  for (uint32_t i = 0; i < 9; i++) ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v), 0);
  EXPECT_EQ(kx_vm_arm64_create_irqchip(vm_), -E2BIG);  // 9 vCPUs, a GICv2 serves 8
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 9, &v), 0);         // and nothing changed

  kx_vm_put(vm_);
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  ASSERT_EQ(kx_vm_arm64_create_irqchip(vm_), 0);
  EXPECT_EQ(kx_vm_arm64_create_irqchip(vm_), -EEXIST);
  kx_device* d;
  EXPECT_EQ(create(kV2, &d), -EEXIST);
  EXPECT_EQ(create(kV3, &d), -EEXIST);
  EXPECT_EQ(kx_vm_create_device(vm_, kV2, KX_CREATE_DEVICE_TEST, &d), 0);  // the type exists
  for (uint32_t i = 1; i < 8; i++) ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v), 0);
  EXPECT_EQ(kx_vm_create_vcpu(vm_, 8, &v), -EINVAL);  // the GICv2's 8

  kx_vm_put(vm_);
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  ASSERT_EQ(create(kV3, &d), 0);
  EXPECT_EQ(kx_vm_arm64_create_irqchip(vm_), -EEXIST);

  kx_vm_put(vm_);
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  unsigned int f[7] = {};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
  kx_run r = {};
  r.immediate_exit = 1;
  ASSERT_EQ(kx_vcpu_run(v, &r), -EINTR);
  EXPECT_EQ(kx_vm_arm64_create_irqchip(vm_), -EBUSY);  // a vCPU has run
}

// KVM_ARM_SET_DEVICE_ADDR: kvm_vm_ioctl_set_device_addr()'s rows in its
// order (device id, address type, a GICv2 in the VM: -ENODEV), then the
// GRP_ADDR rules (alignment and wrap -EINVAL, beyond the IPA space -E2BIG,
// set already -EEXIST) and api.rst's -EBUSY for the other frame's range.
TEST_F(VgicTest, SetDeviceAddrRows) {
  auto sda = [&](uint64_t id, uint64_t addr) { return kx_vm_arm64_set_device_addr(vm_, id, addr); };
  EXPECT_EQ(sda(kV2Dist, 0x8000000), -ENODEV);  // no GIC
  kx_device* d;
  ASSERT_EQ(create(kV3, &d), 0);
  EXPECT_EQ(sda(kV2Dist, 0x8000000), -ENODEV);  // a GICv3

  kx_vm_put(vm_);
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);  // 40-bit IPA
  ASSERT_EQ(kx_vm_arm64_create_irqchip(vm_), 0);
  EXPECT_EQ(sda(1ull << 16 | kV2Dist, 0x8000000), -ENODEV);  // device id 1
  EXPECT_EQ(sda(0xffffull << 16, 0x8000800), -ENODEV);       // before the address is looked at
  EXPECT_EQ(sda(kV3Dist, 0x8000000), -ENODEV);               // a GICv3 address type
  EXPECT_EQ(sda(0xffff, 0x8000000), -ENODEV);
  EXPECT_EQ(sda(kV2Dist, 0x8000800), -EINVAL);  // 4 KiB alignment
  EXPECT_EQ(sda(kV2Dist, ~0xfffull), -EINVAL);  // wraps
  EXPECT_EQ(sda(kV2Dist, 1ull << 40), -E2BIG);
  EXPECT_EQ(sda(kV2Cpu, (1ull << 40) - 0x1000), -E2BIG);  // the 8 KiB frame ends past
  EXPECT_EQ(sda(1ull << 32 | kV2Dist, 0x8000000), 0);     // bits 63:32 are not looked at
  EXPECT_EQ(sda(kV2Dist, 0x9000000), -EEXIST);
  EXPECT_EQ(sda(kV2Dist, 0x8000800), -EEXIST);  // before the alignment
  EXPECT_EQ(sda(kV2Cpu, 0x7fff000), -EBUSY);    // its second page is the distributor
  EXPECT_EQ(sda(kV2Cpu, 0x8000000), -EBUSY);
  EXPECT_EQ(sda(kV2Cpu, 0x7ffe000), 0);  // ends where the distributor starts
  EXPECT_EQ(sda(kV2Cpu, 0x8010000), -EEXIST);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_ARM_SET_DEVICE_ADDR, 0), -EFAULT);

  // A device-made GICv2 takes them too, and GRP_ADDR reads them back.
  kx_vm_put(vm_);
  ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  ASSERT_EQ(create(kV2, &d), 0);
  EXPECT_EQ(sda(kV2Cpu, 0x8010000), 0);
  EXPECT_EQ(get(d, kGrpAddr, kV2Cpu), 0x8010000u);
  EXPECT_EQ(set(d, kGrpAddr, kV2Cpu, 0x8020000), -EEXIST);
  EXPECT_EQ(set(d, kGrpAddr, kV2Dist, 0x8010000), 0);  // GRP_ADDR leaves overlaps to KVM_RUN
  EXPECT_EQ(get(d, kGrpAddr, kV2Dist), 0x8010000u);
}

}  // namespace
