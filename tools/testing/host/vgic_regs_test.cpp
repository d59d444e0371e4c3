// SPDX-License-Identifier: GPL-2.0
// The VGIC as the guest and the VMM see it: frames on the first KVM_RUN,
// the register groups, KVM_IRQ_LINE, acknowledge/EOI through the ICC
// system registers and GICC MMIO, SGIs, priority masking, wakeups
// (devices/arm-vgic.rst, arm-vgic-v3.rst; GICv2/GICv3 architecture).
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <thread>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"
#include "virt/kvm/vm.h"

namespace {

constexpr uint32_t kV2 = KX_DEV_TYPE_ARM_VGIC_V2, kV3 = KX_DEV_TYPE_ARM_VGIC_V3;
constexpr uint32_t kGrpAddr = 0, kGrpDist = 1, kGrpCpu = 2, kGrpCtrl = 4, kGrpRedist = 5,
                   kGrpSysregs = 6, kGrpLevel = 7;
constexpr uint64_t kV2DistAddr = 0, kV2CpuAddr = 1, kV3DistAddr = 2, kV3RedistAddr = 3;
constexpr uint64_t kDist = 0x08000000, kRedist = 0x080a0000, kCpu = 0x08010000;
constexpr uint32_t kSpurious = 1023;
constexpr uint64_t kSavePendingTables = 3;  // GRP_CTRL

// ARM64_SYS_REG() of an ICC register and its CPU_SYSREGS instr field.
constexpr uint64_t sysreg(uint32_t crn, uint32_t crm, uint32_t op2) {
  return 0x6030000000130000ull | 3u << 14 | crn << 7 | crm << 3 | op2;
}
constexpr uint64_t kPmr = sysreg(4, 6, 0), kIar1 = sysreg(12, 12, 0), kEoir1 = sysreg(12, 12, 1),
                   kHppir1 = sysreg(12, 12, 2), kIgrpen1 = sysreg(12, 12, 7),
                   kDir = sysreg(12, 11, 1), kRpr = sysreg(12, 11, 3), kSgi1r = sysreg(12, 11, 5),
                   kCtlr = sysreg(12, 12, 4), kSre = sysreg(12, 12, 5), kAp1r0 = sysreg(12, 9, 0),
                   kAp1r1 = sysreg(12, 9, 1);
constexpr uint64_t instr(uint64_t id) { return id & 0xffff; }
// The attribute's MPIDR field of the vCPU with id n < 16 (Aff0 = n).
constexpr uint64_t mpidr_attr(uint64_t n) { return n << 32; }

class VgicRegsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV2, &kx_vgic_v2_device_ops), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV3, &kx_vgic_v3_device_ops), 0);
    // A host with GICv2 compatibility, so that both models can be made.
    ASSERT_EQ(kx_arm64_host_gicv2(1), 0);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_ARM64, kV2);
    kx_unregister_device_ops(KX_ARM64, kV3);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_);
  }

  void vcpus(int n) {
    for (int i = 0; i < n; i++) {
      ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &vcpu_[i]), 0);
      unsigned int f[7] = {};
      ASSERT_EQ(kx_vcpu_arm64_init(vcpu_[i], 5, f), 0);
    }
  }
  static int attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int set64(kx_device* d, uint32_t group, uint64_t a, uint64_t v) {
    return attr(d, KX_ATTR_SET, group, a, &v);
  }
  static int set32(kx_device* d, uint32_t group, uint64_t a, uint32_t v) {
    return attr(d, KX_ATTR_SET, group, a, &v);
  }
  static uint32_t get32(kx_device* d, uint32_t group, uint64_t a) {
    uint32_t v = 0xdeadbeef;
    EXPECT_EQ(attr(d, KX_ATTR_GET, group, a, &v), 0) << std::hex << group << " " << a;
    return v;
  }
  static uint64_t get64(kx_device* d, uint32_t group, uint64_t a) {
    uint64_t v = 0xdeadbeef;
    EXPECT_EQ(attr(d, KX_ATTR_GET, group, a, &v), 0);
    return v;
  }
  // A GICv3 with its frames placed, initialised, vCPUs 0..n-1.
  void v3(int n) {
    vcpus(n);
    ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
    ASSERT_EQ(set64(gic_, kGrpAddr, kV3DistAddr, kDist), 0);
    ASSERT_EQ(set64(gic_, kGrpAddr, kV3RedistAddr, kRedist), 0);
    ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
  }
  static int run(kx_vcpu* v, bool immediate, uint32_t* reason = nullptr) {
    kx_run r = {};
    r.immediate_exit = immediate;
    const int ret = kx_vcpu_run(v, &r);
    if (reason) *reason = r.exit.set ? r.exit.reason : 0;
    return ret;
  }
  static uint64_t mmio(kx_vcpu* v, uint64_t addr, uint32_t len, bool write, uint64_t data = 0) {
    kx_guest_access a = {KX_ACCESS_MEM, write ? 1u : 0u, addr, len, 0, data};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &e), 0);
    EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL)) << std::hex << addr;
    return a.data;
  }
  static uint64_t rd(kx_vcpu* v, uint64_t addr) { return mmio(v, addr, 4, false); }
  static void wr(kx_vcpu* v, uint64_t addr, uint32_t val) { mmio(v, addr, 4, true, val); }
  static int sysreg_access(kx_vcpu* v, uint64_t id, bool write, uint64_t* data) {
    kx_guest_access a = {KX_ACCESS_SYSREG, write ? 1u : 0u, id, 8, 0, *data};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(v, &a, &e);
    *data = a.data;
    return r;
  }
  static uint64_t icc_read(kx_vcpu* v, uint64_t id) {
    uint64_t d = 0;
    EXPECT_EQ(sysreg_access(v, id, false, &d), 0);
    return d;
  }
  static void icc_write(kx_vcpu* v, uint64_t id, uint64_t val) {
    EXPECT_EQ(sysreg_access(v, id, true, &val), 0);
  }
  int irq_line(uint32_t type, uint32_t vcpu, uint32_t num, uint32_t level) {
    return kx_vm_irq_line(vm_, type << 24 | vcpu << 16 | num, level);
  }
  // The guest's side of bringing a GICv3 up: distributor on, CPU
  // interface open to every priority, Group 1 on.
  void guest_enable(kx_vcpu* v) {
    wr(v, kDist, 0x2);
    icc_write(v, kPmr, 0xff);
    icc_write(v, kIgrpen1, 1);
  }
  // SPIs start edge-triggered; GICD_ICFGR's bit 1 of the interrupt's field.
  void level_spi(kx_vcpu* v, uint32_t intid) {
    const uint64_t cfg = kDist + 0xc00 + intid / 16 * 4;
    wr(v, cfg, static_cast<uint32_t>(rd(v, cfg)) & ~(2u << 2 * (intid % 16)));
  }
  void enable_spi(kx_vcpu* v, uint32_t intid, uint8_t prio, uint64_t route) {
    wr(v, kDist + 0x100 + intid / 32 * 4, 1u << (intid % 32));
    mmio(v, kDist + 0x400 + intid, 1, true, prio);
    mmio(v, kDist + 0x6000 + intid * 8, 8, true, route);
  }

  long live_ = 0;
  kx_vm* vm_ = nullptr;
  kx_device* gic_ = nullptr;
  kx_vcpu* vcpu_[8] = {};
};

TEST_F(VgicRegsTest, FirstRunChecksTheFrames) {
  vcpus(2);
  ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
  uint32_t reason;
  EXPECT_EQ(run(vcpu_[0], true), -ENXIO);  // no distributor, no redistributors
  ASSERT_EQ(set64(gic_, kGrpAddr, kV3DistAddr, kDist), 0);
  EXPECT_EQ(run(vcpu_[0], true), -ENXIO);
  // One redistributor for two vCPUs: still missing one.
  ASSERT_EQ(set64(gic_, kGrpAddr, 5, 1ull << 52 | kRedist), 0);
  EXPECT_EQ(run(vcpu_[0], true), -ENXIO);
  ASSERT_EQ(set64(gic_, kGrpAddr, 5, 1ull << 52 | (kRedist + 0x20000) | 1), 0);
  EXPECT_EQ(run(vcpu_[0], true), -EBUSY);  // a GICv3 is initialised explicitly
  ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
  EXPECT_EQ(run(vcpu_[0], true, &reason), -EINTR);
  // The frames are on the bus: GICD_TYPER says 256 interrupts; each
  // vCPU's redistributor is where the regions put it, Last on the second.
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x4) & 0x1f, 7u);
  EXPECT_EQ(mmio(vcpu_[1], kRedist + 0x8, 8, false) >> 32, 0u);
  EXPECT_EQ(mmio(vcpu_[1], kRedist + 0x20008, 8, false) & 0xff10, 0x110u);
}

TEST_F(VgicRegsTest, OverlappingFramesRefusedAtFirstRunChangeNothing) {
  vcpus(1);
  ASSERT_EQ(kx_vm_create_device(vm_, kV2, 0, &gic_), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV2DistAddr, kDist), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV2CpuAddr, kDist), 0);
  EXPECT_EQ(run(vcpu_[0], true), -EINVAL);
  uint64_t nr = 0;
  ASSERT_EQ(attr(gic_, KX_ATTR_GET, 3, 0, &nr), 0);
  EXPECT_EQ(static_cast<uint32_t>(nr), 32u);  // not initialised by the refusal
}

// What CTRL_INIT leaves (6.1's kvm_vgic_dist_init(), kvm_vgic_vcpu_init()
// and vgic_v3_enable()): SPIs edge-triggered, SGIs edge and PPIs level with
// their configuration read-only, GICR_PENDBASER at INITIAL_PENDBASER_VALUE.
// Before it, SAVE_PENDING_TABLES is -ENXIO.
TEST_F(VgicRegsTest, ResetStateAfterCtrlInit) {
  vcpus(2);
  ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
  EXPECT_EQ(set64(gic_, kGrpCtrl, kSavePendingTables, 0), -ENXIO);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV3DistAddr, kDist), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV3RedistAddr, kRedist), 0);
  EXPECT_EQ(set64(gic_, kGrpCtrl, kSavePendingTables, 0), -ENXIO);
  ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
  EXPECT_EQ(set64(gic_, kGrpCtrl, kSavePendingTables, 0), 0);
  for (uint32_t w = 2; w < 16; w++) EXPECT_EQ(get32(gic_, kGrpDist, 0xc00 + 4 * w), 0xaaaaaaaau);
  for (int i = 0; i < 2; i++) {
    const uint64_t redist = mpidr_attr(i);
    EXPECT_EQ(get32(gic_, kGrpRedist, redist | 0x10c00), 0xaaaaaaaau);  // ICFGR0
    EXPECT_EQ(get32(gic_, kGrpRedist, redist | 0x10c04), 0u);           // ICFGR1
    EXPECT_EQ(set32(gic_, kGrpRedist, redist | 0x10c04, ~0u), 0);
    EXPECT_EQ(get32(gic_, kGrpRedist, redist | 0x10c04), 0u);
    EXPECT_EQ(get32(gic_, kGrpRedist, redist | 0x78), 0x580u);  // PENDBASER
    EXPECT_EQ(get32(gic_, kGrpRedist, redist | 0x7c), 0u);
  }
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);
  wr(vcpu_[0], kRedist + 0x10c04, ~0u);
  EXPECT_EQ(rd(vcpu_[0], kRedist + 0x10c04), 0u);
  EXPECT_EQ(set32(gic_, kGrpDist, 0xc08, 0), 0);  // SPIs 32-47 level
  EXPECT_EQ(get32(gic_, kGrpDist, 0xc08), 0u);
}

TEST_F(VgicRegsTest, SpiLevelAcknowledgeEoiAndRepend) {
  v3(2);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);
  guest_enable(vcpu_[1]);
  level_spi(vcpu_[0], 40);
  enable_spi(vcpu_[0], 40, 0x80, 1);  // routed to Aff0 = 1
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), kSpurious);
  ASSERT_EQ(irq_line(1, 0, 40, 1), 0);
  EXPECT_EQ(icc_read(vcpu_[0], kHppir1), kSpurious);  // not vCPU 0's
  EXPECT_EQ(icc_read(vcpu_[1], kHppir1), 40u);
  uint32_t reason = 0;
  EXPECT_EQ(run(vcpu_[1], false, &reason), 0);  // would take it: exits at once
  EXPECT_EQ(reason, static_cast<uint32_t>(KX_EXIT_EXT_INTERRUPT));
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), 40u);
  EXPECT_EQ(icc_read(vcpu_[1], kRpr), 0x80u);
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), kSpurious);  // active, nothing else
  // Active and pending: the line is still high.
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x300 + 4) >> 8 & 1, 1u);
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x200 + 4) >> 8 & 1, 1u);
  icc_write(vcpu_[1], kEoir1, 40);
  EXPECT_EQ(icc_read(vcpu_[1], kRpr), 0xffu);
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), 40u);  // level still high
  ASSERT_EQ(irq_line(1, 0, 40, 0), 0);
  icc_write(vcpu_[1], kEoir1, 40);
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), kSpurious);
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x300 + 4), 0u);
}

TEST_F(VgicRegsTest, EdgeLatchesAndPriorityMasks) {
  v3(1);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);
  guest_enable(vcpu_[0]);
  enable_spi(vcpu_[0], 33, 0x40, 0);
  enable_spi(vcpu_[0], 34, 0x20, 0);
  wr(vcpu_[0], kDist + 0xc00 + 33 / 16 * 4, 2u << (2 * (33 % 16)));  // edge
  ASSERT_EQ(irq_line(1, 0, 33, 1), 0);
  ASSERT_EQ(irq_line(1, 0, 33, 0), 0);  // the edge stays latched
  icc_write(vcpu_[0], kPmr, 0x40);      // masks priority 0x40 and lower
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), kSpurious);
  uint32_t reason = 0;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    EXPECT_EQ(run(vcpu_[0], false, &reason), 0);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(done.load());            // masked: the idle vCPU keeps waiting
  ASSERT_EQ(irq_line(1, 0, 34, 1), 0);  // higher priority: wakes it
  runner.join();
  EXPECT_EQ(reason, static_cast<uint32_t>(KX_EXIT_EXT_INTERRUPT));
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), 34u);
  icc_write(vcpu_[0], kPmr, 0xff);
  // 33 (0x40) cannot preempt 34 (0x20) while 34 is active.
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), kSpurious);
  ASSERT_EQ(irq_line(1, 0, 34, 0), 0);
  icc_write(vcpu_[0], kEoir1, 34);
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), 33u);
  ASSERT_EQ(irq_line(1, 0, 34, 1), 0);        // higher priority, but 33 is running
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), 34u);  // ... 0x20 preempts 0x40
  icc_write(vcpu_[0], kEoir1, 34);
  icc_write(vcpu_[0], kEoir1, 33);
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), 34u);  // 34 is level and still high
}

TEST_F(VgicRegsTest, EoiModeSplitsPriorityDropAndDeactivation) {
  v3(1);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);
  guest_enable(vcpu_[0]);
  icc_write(vcpu_[0], kCtlr, 2);  // EOImode
  enable_spi(vcpu_[0], 35, 0x10, 0);
  ASSERT_EQ(irq_line(1, 0, 35, 1), 0);
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), 35u);
  ASSERT_EQ(irq_line(1, 0, 35, 0), 0);
  icc_write(vcpu_[0], kEoir1, 35);
  EXPECT_EQ(icc_read(vcpu_[0], kRpr), 0xffu);
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x300 + 4) >> 3 & 1, 1u);  // still active
  icc_write(vcpu_[0], kDir, 35);
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x300 + 4), 0u);
}

TEST_F(VgicRegsTest, SgisBetweenVcpusAndPpiLine) {
  v3(3);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);
  for (int i = 0; i < 3; i++) guest_enable(vcpu_[i]);
  // SGI 3 to Aff0 2 (cluster 0).
  icc_write(vcpu_[0], kSgi1r, 3ull << 24 | 1u << 2);
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), kSpurious);
  EXPECT_EQ(icc_read(vcpu_[2], kIar1), 3u);
  icc_write(vcpu_[2], kEoir1, 3);
  // Broadcast (IRM): everyone but the sender.
  icc_write(vcpu_[1], kSgi1r, 5ull << 24 | 1ull << 40);
  EXPECT_EQ(icc_read(vcpu_[0], kIar1), 5u);
  EXPECT_EQ(icc_read(vcpu_[2], kIar1), 5u);
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), kSpurious);
  // PPI 27 on vCPU 1 through KVM_IRQ_LINE, enabled in its redistributor.
  wr(vcpu_[0], kRedist + 0x20000 + 0x10100, 1u << 27);
  ASSERT_EQ(irq_line(2, 1, 27, 1), 0);
  EXPECT_EQ(icc_read(vcpu_[1], kIar1), 27u);
  EXPECT_EQ(irq_line(2, 3, 27, 1), -EINVAL);   // no vCPU 3
  EXPECT_EQ(irq_line(2, 1, 15, 1), -EINVAL);   // not a PPI
  EXPECT_EQ(irq_line(1, 0, 31, 1), -EINVAL);   // not an SPI
  EXPECT_EQ(irq_line(1, 0, 256, 1), -EINVAL);  // past the last
  EXPECT_EQ(irq_line(0, 0, 0, 1), -ENXIO);     // CPU lines: no in-kernel GIC only
  EXPECT_EQ(irq_line(3, 0, 40, 1), -EINVAL);
}

TEST_F(VgicRegsTest, UserspaceViewOfPendingStatusrAndIidr) {
  v3(2);
  // ISPENDR from userspace is the latch: set and clear as written.
  EXPECT_EQ(set32(gic_, kGrpDist, 0x204, 0x3), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x204), 0x3u);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x204, 0x1), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x204), 0x1u);
  // ICPENDR RAZ/WI.
  EXPECT_EQ(get32(gic_, kGrpDist, 0x284), 0u);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x284, ~0u), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x204), 0x1u);
  // A level interrupt with its line high: the latch reads 0, the guest 1.
  EXPECT_EQ(set32(gic_, kGrpDist, 0xc10, 0xaaaa8aaa), 0);  // SPI 70 level
  ASSERT_EQ(irq_line(1, 0, 70, 1), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x208) >> 6 & 1, 0u);
  uint32_t lines = 0;
  ASSERT_EQ(attr(gic_, KX_ATTR_GET, kGrpLevel, 64, &lines), 0);
  EXPECT_EQ(lines, 1u << 6);
  // STATUSR: set directly.
  EXPECT_EQ(set32(gic_, kGrpDist, 0x10, 0xff), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x10), 0xfu);
  EXPECT_EQ(set32(gic_, kGrpRedist, mpidr_attr(1) | 0x10, 0x5), 0);
  EXPECT_EQ(get32(gic_, kGrpRedist, mpidr_attr(1) | 0x10), 0x5u);
  EXPECT_EQ(get32(gic_, kGrpRedist, mpidr_attr(0) | 0x10), 0u);
  // IIDR: revision 2 or 3 only, nothing else may change.
  const uint32_t iidr = get32(gic_, kGrpDist, 0x8);
  EXPECT_EQ(iidr, 0x4b00343bu);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x8, (iidr & ~0xf000u) | 0x2000), 0);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x8, (iidr & ~0xf000u) | 0x1000), -EINVAL);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x8, iidr ^ 1), -EINVAL);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x8), (iidr & ~0xf000u) | 0x2000);
  // GICR_CTLR reports IR/CES from revision 3 only.
  EXPECT_EQ(get32(gic_, kGrpRedist, mpidr_attr(0) | 0x0), 0u);
}

TEST_F(VgicRegsTest, AttributeErrnosAndHasAttr) {
  vcpus(2);
  ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
  uint32_t v = 0;
  // v3 registers need CTRL_INIT first.
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpDist, 0x0, &v), -EBUSY);
  ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpRedist, mpidr_attr(7), &v), -EINVAL);  // no such MPIDR
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpRedist, mpidr_attr(7), nullptr), -EINVAL);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpRedist, mpidr_attr(1) | 0x10100, nullptr), 0);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpRedist, mpidr_attr(1) | 0x10101, nullptr), -ENXIO);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpDist, 0x100, nullptr), 0);  // private range: RAZ/WI
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpDist, 0x104, nullptr), 0);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpDist, 0x120, nullptr), -ENXIO);  // past 256
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpDist, 0x5000, nullptr), -ENXIO);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpCpu, 0, nullptr), -ENXIO);  // v2 only
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpSysregs, mpidr_attr(0) | instr(kPmr), nullptr), 0);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpSysregs, mpidr_attr(0) | instr(kIar1), nullptr), -ENXIO);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpLevel, 0, nullptr), 0);
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpLevel, 1 << 10, nullptr), -ENXIO);
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpLevel, 33, &v), -EINVAL);
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpLevel, 1 << 10 | 32, &v), -EINVAL);
  // CPU_SYSREGS: values beyond this GIC -EINVAL, unknown registers -ENXIO.
  uint64_t ctlr = get64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kCtlr));
  EXPECT_EQ(ctlr, 4u << 8 | 1u << 15);  // 5 priority bits, A3V
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kCtlr), ctlr | 5u << 8), -EINVAL);
  // Once lowered, PRIbits stays lowered (set_gic_ctlr()).
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(1) | instr(kCtlr), (ctlr & ~(7u << 8)) | 3u << 8),
            0);
  EXPECT_EQ(get64(gic_, kGrpSysregs, mpidr_attr(1) | instr(kCtlr)), 3u << 8 | 1u << 15);
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(1) | instr(kCtlr), ctlr), -EINVAL);
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kSre), 0), -EINVAL);
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kAp1r1), 0), -EINVAL);
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kAp1r0), 0x10), 0);
  EXPECT_EQ(get64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kAp1r0)), 0x10u);
  EXPECT_EQ(set64(gic_, kGrpSysregs, mpidr_attr(0) | instr(kIar1), 0), -ENXIO);
  // A vCPU in KVM_RUN makes every register group -EBUSY.
  ASSERT_EQ(set64(gic_, kGrpAddr, kV3DistAddr, kDist), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV3RedistAddr, kRedist), 0);
  host::clear_signal();
  std::thread runner([&] { EXPECT_EQ(run(vcpu_[0], false), -EINTR); });
  while (!reinterpret_cast<kvm::Vcpu*>(vcpu_[0])->running()) std::this_thread::yield();
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpDist, 0x0, &v), -EBUSY);
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpSysregs, mpidr_attr(0) | instr(kPmr), &v), -EBUSY);
  host::raise_signal();
  runner.join();
  host::clear_signal();
}

TEST_F(VgicRegsTest, Gicv2CpuInterfaceAndSgiSources) {
  vcpus(2);
  ASSERT_EQ(kx_vm_create_device(vm_, kV2, 0, &gic_), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV2DistAddr, kDist), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV2CpuAddr, kCpu), 0);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);               // initialises the GICv2 itself
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x4), 7u | 1u << 5);   // 256 IRQs, 2 CPUs
  EXPECT_EQ(rd(vcpu_[1], kDist + 0x800), 0x02020202u);  // banked targets
  for (int i = 0; i < 2; i++) {
    wr(vcpu_[i], kCpu + 0x0, 1);     // GICC_CTLR.EnableGrp0
    wr(vcpu_[i], kCpu + 0x4, 0xf8);  // GICC_PMR
  }
  wr(vcpu_[0], kDist, 1);
  // SGI 2 from CPU 1 to CPU 0: IAR carries the source.
  wr(vcpu_[1], kDist + 0xf00, 1u << 16 | 2);
  EXPECT_EQ(rd(vcpu_[0], kDist + 0xf20) >> 16 & 0xff, 0x2u);  // SPENDSGIR2: source CPU 1
  EXPECT_EQ(rd(vcpu_[0], kCpu + 0xc), 2u | 1u << 10);
  wr(vcpu_[0], kCpu + 0x10, 2u | 1u << 10);
  EXPECT_EQ(rd(vcpu_[0], kCpu + 0xc), kSpurious);
  wr(vcpu_[0], kDist + 0x200, 1u << 4);  // ISPENDR0 SGI bits: WI for the guest
  EXPECT_EQ(rd(vcpu_[0], kCpu + 0xc), kSpurious);
  // An SPI targeted at CPU 1.
  wr(vcpu_[0], kDist + 0x104, 1u << 8);               // enable 40
  mmio(vcpu_[0], kDist + 0x800 + 40, 1, true, 0x2);   // ITARGETSR: CPU 1
  mmio(vcpu_[0], kDist + 0x400 + 40, 1, true, 0x80);  // priority
  ASSERT_EQ(irq_line(1, 0, 40, 1), 0);
  EXPECT_EQ(rd(vcpu_[0], kCpu + 0xc), kSpurious);
  EXPECT_EQ(rd(vcpu_[1], kCpu + 0x18), 40u);  // HPPIR
  EXPECT_EQ(rd(vcpu_[1], kCpu + 0xc), 40u);
  // Userspace: GICC_PMR as 5 bits, APR0 shows the active level.
  EXPECT_EQ(get32(gic_, kGrpCpu, 1ull << 32 | 0x4), 0xf8u >> 3);
  EXPECT_EQ(get32(gic_, kGrpCpu, 1ull << 32 | 0xd0), 1u << (0x80 >> 3));
  uint32_t v;
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpCpu, 2ull << 32, &v), -EINVAL);  // no vCPU index 2
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpCpu, 0xc, nullptr), -ENXIO);     // GICC_IAR: guest only
  EXPECT_EQ(attr(gic_, KX_ATTR_HAS, kGrpCpu, 0xfc, nullptr), 0);
  // Groups are not user-writable until IIDR has been written back.
  EXPECT_EQ(set32(gic_, kGrpDist, 0x84, ~0u), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x84), 0u);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x8, get32(gic_, kGrpDist, 0x8)), 0);
  EXPECT_EQ(set32(gic_, kGrpDist, 0x84, ~0u), 0);
  EXPECT_EQ(get32(gic_, kGrpDist, 0x84), ~0u);
}

// The legacy path: KVM_CREATE_IRQCHIP and KVM_ARM_SET_DEVICE_ADDR make a
// GICv2 that the first KVM_RUN checks, initialises and maps like a
// device-made one, and that KVM_IRQ_LINE reaches.
TEST_F(VgicRegsTest, LegacyGicv2ServesTheGuestAfterTheFirstRun) {
  vcpus(2);
  ASSERT_EQ(kx_vm_arm64_create_irqchip(vm_), 0);
  ASSERT_EQ(kx_vm_arm64_set_device_addr(vm_, kV2DistAddr, kDist), 0);
  EXPECT_EQ(run(vcpu_[0], true), -ENXIO);  // no CPU interface frame yet
  ASSERT_EQ(kx_vm_arm64_set_device_addr(vm_, kV2CpuAddr, kCpu), 0);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x4), 7u | 1u << 5);    // GICD_TYPER: 256 IRQs, 2 CPUs
  EXPECT_EQ(rd(vcpu_[0], kDist + 0x8), 0x4b00343bu);     // GICD_IIDR: KVM, revision 3
  EXPECT_EQ(rd(vcpu_[1], kCpu + 0xfc) & 0xfff, 0x43bu);  // GICC_IIDR: ARM
  wr(vcpu_[0], kCpu + 0x0, 1);                           // GICC_CTLR.EnableGrp0
  wr(vcpu_[0], kCpu + 0x4, 0xf8);                        // GICC_PMR
  wr(vcpu_[0], kDist, 1);
  wr(vcpu_[0], kDist + 0x104, 1u << 8);  // enable SPI 40, targeted at CPU 0
  mmio(vcpu_[0], kDist + 0x800 + 40, 1, true, 0x1);
  ASSERT_EQ(irq_line(1, 0, 40, 1), 0);
  EXPECT_EQ(rd(vcpu_[0], kCpu + 0xc), 40u);  // GICC_IAR
  EXPECT_EQ(kx_vm_arm64_set_device_addr(vm_, kV2DistAddr, 0x9000000), -EEXIST);
}

TEST_F(VgicRegsTest, CpuLinesWithoutAGic) {
  vcpus(1);
  EXPECT_EQ(irq_line(1, 0, 40, 1), -ENXIO);
  EXPECT_EQ(irq_line(0, 1, 0, 1), -EINVAL);
  EXPECT_EQ(irq_line(0, 0, 2, 1), -EINVAL);
  ASSERT_EQ(irq_line(0, 0, 0, 1), 0);
  uint32_t reason = 0;
  EXPECT_EQ(run(vcpu_[0], false, &reason), 0);  // the IRQ line makes it runnable
  EXPECT_EQ(reason, static_cast<uint32_t>(KX_EXIT_EXT_INTERRUPT));
  ASSERT_EQ(irq_line(0, 0, 0, 0), 0);
}

}  // namespace

namespace {

TEST_F(VgicRegsTest, LinesTheTimersOwnIgnoreUserspace) {
  v3(1);
  ASSERT_EQ(set32(gic_, kGrpDist, 0x0, 2), 0);
  ASSERT_EQ(set32(gic_, kGrpRedist, mpidr_attr(0) | 0x10100, 1u << 27 | 1u << 25), 0);
  icc_write(vcpu_[0], kPmr, 0xff);
  icc_write(vcpu_[0], kIgrpen1, 1);
  ASSERT_EQ(irq_line(2, 0, 27, 1), 0);  // not owned yet: pends
  EXPECT_EQ(icc_read(vcpu_[0], kHppir1), 27u);
  ASSERT_EQ(irq_line(2, 0, 27, 0), 0);
  ASSERT_EQ(run(vcpu_[0], true), -EINTR);  // the virtual timer now owns PPI 27
  ASSERT_EQ(irq_line(2, 0, 27, 1), 0);     // accepted, and ignored
  EXPECT_EQ(icc_read(vcpu_[0], kHppir1), kSpurious);
  ASSERT_EQ(irq_line(2, 0, 25, 1), 0);
  EXPECT_EQ(icc_read(vcpu_[0], kHppir1), 25u);
}

// KVM_IRQ_LINE and GICv2's CPU_REGS name a vCPU by index (creation
// order), as the documents say; 6.1 mixes in vcpu_id
// (Documentation/differences.rst).
TEST_F(VgicRegsTest, VcpuIndexIsCreationOrderNotId) {
  kx_vcpu* first = nullptr;   // id 1, index 0
  kx_vcpu* second = nullptr;  // id 0, index 1
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &first), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &second), 0);
  unsigned int f[7] = {};
  ASSERT_EQ(kx_vcpu_arm64_init(first, 5, f), 0);
  ASSERT_EQ(kx_vcpu_arm64_init(second, 5, f), 0);
  ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
  ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
  ASSERT_EQ(irq_line(2, 0, 20, 1), 0);  // PPI 20 of vCPU index 0 (id 1, Aff0 1)
  uint32_t lines = 0;
  ASSERT_EQ(attr(gic_, KX_ATTR_GET, kGrpLevel, mpidr_attr(1), &lines), 0);
  EXPECT_EQ(lines, 1u << 20);
  ASSERT_EQ(attr(gic_, KX_ATTR_GET, kGrpLevel, mpidr_attr(0), &lines), 0);
  EXPECT_EQ(lines, 0u);
}

TEST_F(VgicRegsTest, Gicv2CpuRegsByIndex) {
  kx_vcpu* first = nullptr;   // id 1, index 0
  kx_vcpu* second = nullptr;  // id 0, index 1
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &first), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &second), 0);
  ASSERT_EQ(kx_vm_create_device(vm_, kV2, 0, &gic_), 0);
  EXPECT_EQ(set32(gic_, kGrpCpu, 0ull << 32 | 0x4, 0x1f), 0);  // index 0's GICC_PMR
  EXPECT_EQ(get32(gic_, kGrpCpu, 1ull << 32 | 0x4), 0u);
  EXPECT_EQ(get32(gic_, kGrpCpu, 0ull << 32 | 0x4), 0x1fu);
  uint32_t v;
  EXPECT_EQ(attr(gic_, KX_ATTR_GET, kGrpCpu, 2ull << 32 | 0x4, &v), -EINVAL);
}

}  // namespace

namespace {

// GICR_TYPER.Last (vgic_mmio_vcpu_rdist_is_last()): a full region followed,
// at the next address, by a region in use does not end the run, whatever
// the regions' index order.
TEST_F(VgicRegsTest, RedistributorLastAcrossContiguousRegions) {
  vcpus(3);
  ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, kV3DistAddr, kDist), 0);
  // index 0: one redistributor at kRedist + 256K; index 1: two at kRedist.
  ASSERT_EQ(set64(gic_, kGrpAddr, 5, 1ull << 52 | (kRedist + 0x40000)), 0);
  ASSERT_EQ(set64(gic_, kGrpAddr, 5, 2ull << 52 | kRedist | 1), 0);
  ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
  auto last = [&](uint64_t aff0) {
    return get32(gic_, kGrpRedist, mpidr_attr(aff0) | 0x8) >> 4 & 1;
  };
  EXPECT_EQ(last(0), 1u);  // alone in index 0, nothing after it
  EXPECT_EQ(last(1), 0u);
  EXPECT_EQ(last(2), 0u);  // index 1 is full and index 0 continues it
}

}  // namespace
