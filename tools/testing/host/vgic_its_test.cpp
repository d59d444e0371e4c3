// SPDX-License-Identifier: GPL-2.0
// The ITS's command decoder and ABI REV0 table codec at the edges the
// conformance suite does not reach cheaply: next-offset caps, two-level
// device tables, the command queue wrapping, translations that lost their
// collection, and a failed restore that leaves nothing allocated
// (devices/arm-vgic-its.rst; GICv3 architecture for the commands).
#include <gtest/gtest.h>

#include <cerrno>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"
#include "virt/kvm/vm.h"

namespace {

constexpr uint32_t kV3 = KX_DEV_TYPE_ARM_VGIC_V3, kIts = KX_DEV_TYPE_ARM_VGIC_ITS;
constexpr uint32_t kGrpAddr = 0, kGrpCtrl = 4, kGrpItsRegs = 8;
constexpr uint64_t kDist = 0x08000000, kRedist = 0x080a0000, kItsBase = 0x08080000;
constexpr uint64_t kRam = 0x40000000, kRamSize = 0x800000;
constexpr uint64_t kProp = 0x0, kPend = 0x10000, kDt = 0x100000, kCt = 0x200000, kCq = 0x210000,
                   kItt = 0x300000, kL2 = 0x400000;
constexpr uint64_t kValid = 1ull << 63, kIndirect = 1ull << 62;
// KVM_DEV_ARM_ITS_CTRL_RESET, _SAVE_TABLES, _RESTORE_TABLES
constexpr uint64_t kCtrlReset = 4, kCtrlSave = 1, kCtrlRestore = 2;
constexpr uint32_t kSpurious = 1023;
constexpr uint64_t kPmr = 0x6030000000130000ull | 3u << 14 | 4u << 7 | 6u << 3,
                   kIgrpen1 = 0x6030000000130000ull | 3u << 14 | 12u << 7 | 12u << 3 | 7,
                   kIar1 = 0x6030000000130000ull | 3u << 14 | 12u << 7 | 12u << 3,
                   kEoir1 = 0x6030000000130000ull | 3u << 14 | 12u << 7 | 12u << 3 | 1;

uint64_t le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= uint64_t{p[i]} << (8 * i);
  return v;
}
void put64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

class VgicItsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ram_ = static_cast<uint8_t*>(std::aligned_alloc(4096, kRamSize));
    ASSERT_NE(ram_, nullptr);
    memset(ram_, 0, kRamSize);
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV3, &kx_vgic_v3_device_ops), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kIts, &kx_vgic_its_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
    kx_memory_region m = {0, 0, kRam, kRamSize, reinterpret_cast<uintptr_t>(ram_)};
    ASSERT_EQ(kx_vm_set_memory_region(vm_, &m), 0);
    for (int i = 0; i < 2; i++) {
      ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &vcpu_[i]), 0);
      unsigned int f[7] = {};
      ASSERT_EQ(kx_vcpu_arm64_init(vcpu_[i], 5, f), 0);
    }
    ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
    ASSERT_EQ(set64(gic_, kGrpAddr, 2, kDist), 0);
    ASSERT_EQ(set64(gic_, kGrpAddr, 3, kRedist), 0);
    ASSERT_EQ(kx_vm_create_device(vm_, kIts, 0, &its_), 0);
    ASSERT_EQ(set64(its_, kGrpAddr, 4, kItsBase), 0);
    ASSERT_EQ(set64(gic_, kGrpCtrl, 0, 0), 0);
    kx_run r = {};
    r.immediate_exit = 1;
    ASSERT_EQ(kx_vcpu_run(vcpu_[0], &r), -EINTR);  // the GIC's frames go on the bus
    // The guest: GIC and LPIs up on both vCPUs, every LPI enabled at 0xa0.
    mmio(kDist, 4, true, 0x2);
    for (uint32_t i = 0; i < 0x10000 - 8192; i++) ram_[kProp + i] = 0xa1;
    for (int i = 0; i < 2; i++) {
      icc(vcpu_[i], kPmr, true, 0xff);
      icc(vcpu_[i], kIgrpen1, true, 1);
      const uint64_t rd = kRedist + i * 0x20000ull;
      mmio(rd + 0x70, 8, true, kRam + kProp + 15, vcpu_[i]);
      mmio(rd + 0x78, 8, true, kRam + kPend + i * 0x10000ull, vcpu_[i]);
      mmio(rd + 0x0, 4, true, 1, vcpu_[i]);
    }
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_ARM64, kV3);
    kx_unregister_device_ops(KX_ARM64, kIts);
    kx_core_exit();
    std::free(ram_);
    EXPECT_EQ(host::live_allocations(), live_);
  }

  static int set64(kx_device* d, uint32_t group, uint64_t a, uint64_t v) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(&v)};
    return kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&at));
  }
  int ctrl(uint64_t what) { return set64(its_, kGrpCtrl, what, 0); }
  uint64_t mmio(uint64_t addr, uint32_t len, bool write, uint64_t data = 0, kx_vcpu* v = nullptr) {
    kx_guest_access a = {KX_ACCESS_MEM, write ? 1u : 0u, addr, len, 0, data};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(v ? v : vcpu_[0], &a, &e), 0);
    EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL)) << std::hex << addr;
    return a.data;
  }
  uint64_t icc(kx_vcpu* v, uint64_t id, bool write, uint64_t val = 0) {
    kx_guest_access a = {KX_ACCESS_SYSREG, write ? 1u : 0u, id, 8, 0, val};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &e), 0);
    return a.data;
  }
  uint32_t ack(int i) {
    const uint32_t intid = static_cast<uint32_t>(icc(vcpu_[i], kIar1, false));
    if (intid != kSpurious) icc(vcpu_[i], kEoir1, true, intid);
    return intid;
  }
  int msi(uint32_t devid, uint32_t event) {
    kx_msi m = {static_cast<uint32_t>(kItsBase), 0, event, 1, devid};
    return kx_vm_signal_msi(vm_, &m);
  }
  // The tables (device table `dt_pages` 64K pages, flat unless
  // `indirect`), a queue of `cq_pages` 4K pages, and Enable.
  void its_up(uint64_t dt_pages = 1, bool indirect = false, uint64_t cq_pages = 16) {
    mmio(kItsBase + 0x100, 8, true,
         kValid | (indirect ? kIndirect : 0) | (kRam + kDt) | (dt_pages - 1));
    mmio(kItsBase + 0x108, 8, true, kValid | (kRam + kCt));
    mmio(kItsBase + 0x80, 8, true, kValid | (kRam + kCq) | (cq_pages - 1));
    cq_size_ = cq_pages * 4096;
    cwriter_ = 0;
    mmio(kItsBase, 4, true, 1);
  }
  void cmd(uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3 = 0) {
    uint8_t* q = ram_ + kCq + cwriter_;
    put64(q, d0);
    put64(q + 8, d1);
    put64(q + 16, d2);
    put64(q + 24, d3);
    cwriter_ = (cwriter_ + 32) % cq_size_;
  }
  void kick() {
    mmio(kItsBase + 0x88, 8, true, cwriter_);
    EXPECT_EQ(mmio(kItsBase + 0x90, 8, false), cwriter_);
  }
  void mapd(uint32_t dev, uint64_t itt, uint32_t bits, bool valid = true) {
    cmd(0x08 | uint64_t{dev} << 32, bits - 1, (valid ? kValid : 0) | itt);
  }
  void mapc(uint32_t icid, uint32_t target, bool valid = true) {
    cmd(0x09, 0, (valid ? kValid : 0) | uint64_t{target} << 16 | icid);
  }
  void mapti(uint32_t dev, uint32_t ev, uint32_t lpi, uint32_t icid) {
    cmd(0x0a | uint64_t{dev} << 32, ev | uint64_t{lpi} << 32, icid);
  }
  // Saves, resets, re-enables the same tables and restores: what a
  // migration does to the ITS, in one VM.
  void save_reset_restore(uint64_t dt_pages = 1, bool indirect = false) {
    ASSERT_EQ(ctrl(kCtrlSave), 0);
    ASSERT_EQ(ctrl(kCtrlReset), 0);
    EXPECT_EQ(msi(5, 0), -EBUSY);  // disabled by the reset
    ASSERT_EQ(set64(its_, kGrpItsRegs, 0x100,
                    kValid | (indirect ? kIndirect : 0) | (kRam + kDt) | (dt_pages - 1)),
              0);
    ASSERT_EQ(set64(its_, kGrpItsRegs, 0x108, kValid | (kRam + kCt)), 0);
    ASSERT_EQ(set64(its_, kGrpItsRegs, 0x80, kValid | (kRam + kCq) | 15), 0);
    ASSERT_EQ(ctrl(kCtrlRestore), 0);
    ASSERT_EQ(set64(its_, kGrpItsRegs, 0x0, 1), 0);
    cwriter_ = 0;
  }

  long live_ = 0;
  uint8_t* ram_ = nullptr;
  kx_vm* vm_ = nullptr;
  kx_device* gic_ = nullptr;
  kx_device* its_ = nullptr;
  kx_vcpu* vcpu_[2] = {};
  uint64_t cwriter_ = 0, cq_size_ = 0;
};

// "next: ... the DeviceID offset to the next DTE, capped by 2^14 - 1":
// devices 20000 apart save a capped offset, and the restore walks on
// through the invalid entries to the next device.
TEST_F(VgicItsTest, DteNextOffsetIsCappedAndTheRestoreWalksOn) {
  its_up(3);  // 3 x 64K: 24576 DTEs
  mapc(0, 0);
  mapd(0, kRam + kItt, 1);
  mapd(20000, kRam + kItt + 0x100, 1);
  mapti(0, 0, 8192, 0);
  mapti(20000, 1, 8193, 0);
  kick();
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  const uint64_t dte0 = le64(&ram_[kDt]);
  EXPECT_EQ(dte0 >> 63, 1u);
  EXPECT_EQ((dte0 >> 49) & 0x3fff, 16383u);
  EXPECT_EQ(((dte0 >> 5) & 0xfffffffffffull) << 8, kRam + kItt);
  EXPECT_EQ(dte0 & 0x1f, 0u);                                    // 1 EventID bit, minus one
  EXPECT_EQ((le64(&ram_[kDt + 20000 * 8]) >> 49) & 0x3fff, 0u);  // the last
  save_reset_restore(3);
  EXPECT_EQ(msi(0, 0), 1);
  EXPECT_EQ(ack(0), 8192u);
  EXPECT_EQ(msi(20000, 1), 1);
  EXPECT_EQ(ack(0), 8193u);
}

// The ITE's next offset is the EventID distance, and 0 for the last;
// events 0 and 65535 of a 16-bit device are exactly 2^16 - 1 apart.
TEST_F(VgicItsTest, IteNextOffsetsAndTheWidestDevice) {
  its_up();
  mapc(1, 1);
  mapd(9, kRam + kItt, 16);
  mapti(9, 0, 9000, 1);
  mapti(9, 65535, 9001, 1);
  kick();
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  EXPECT_EQ(le64(&ram_[kItt]), 0xffffull << 48 | 9000ull << 16 | 1);
  EXPECT_EQ(le64(&ram_[kItt + 65535 * 8]), 9001ull << 16 | 1);
  save_reset_restore();
  EXPECT_EQ(msi(9, 65535), 1);
  EXPECT_EQ(ack(1), 9001u);
}

// A two-level device table: MAPD needs a valid level-1 entry, and the
// save and restore go through the level-2 pages it points at.
TEST_F(VgicItsTest, IndirectDeviceTable) {
  // L1: entry 0 -> L2 page A, entry 3 -> L2 page B; 8192 DTEs per page.
  put64(&ram_[kDt], kValid | (kRam + kL2));
  put64(&ram_[kDt + 3 * 8], kValid | (kRam + kL2 + 0x10000));
  its_up(1, true);
  mapc(0, 0);
  mapd(5, kRam + kItt, 2);
  mapd(3 * 8192 + 7, kRam + kItt + 0x100, 2);
  mapd(8192 + 1, kRam + kItt + 0x200, 2);  // L1 entry 1 invalid: ignored
  mapti(5, 3, 8200, 0);
  mapti(3 * 8192 + 7, 2, 8201, 0);
  mapti(8192 + 1, 0, 8202, 0);
  kick();
  EXPECT_EQ(msi(8192 + 1, 0), 0);
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  EXPECT_EQ(le64(&ram_[kL2 + 5 * 8]) >> 63, 1u);
  EXPECT_EQ(le64(&ram_[kL2 + 0x10000 + 7 * 8]) >> 63, 1u);
  save_reset_restore(1, true);
  EXPECT_EQ(msi(5, 3), 1);
  EXPECT_EQ(ack(0), 8200u);
  EXPECT_EQ(msi(3 * 8192 + 7, 2), 1);
  EXPECT_EQ(ack(0), 8201u);
}

// The queue is a ring: commands past its end continue at its start.
TEST_F(VgicItsTest, CommandQueueWraps) {
  its_up(1, false, 1);  // 4 KiB: 128 commands
  mapc(0, 1);
  mapd(1, kRam + kItt, 8);
  kick();
  for (uint32_t round = 0; round < 3; round++) {
    for (uint32_t e = 0; e < 100; e++) mapti(1, round * 80 + e % 80, 8192 + round * 80 + e % 80, 0);
    kick();
  }
  for (uint32_t e = 0; e < 240; e++) {
    ASSERT_EQ(msi(1, e), 1) << e;
    ASSERT_EQ(ack(1), 8192 + e);
  }
}

// An ITE whose collection was unmapped translates nothing and is saved
// as an invalid entry, as 6.1 does.
TEST_F(VgicItsTest, TranslationWithoutCollection) {
  its_up();
  mapc(3, 0);
  mapd(2, kRam + kItt, 1);
  mapti(2, 1, 8300, 3);
  mapc(3, 0, false);
  kick();
  EXPECT_EQ(msi(2, 1), 0);
  memset(&ram_[kItt + 8], 0x55, 8);
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  EXPECT_EQ(le64(&ram_[kItt + 8]), 0u);
  EXPECT_EQ(le64(&ram_[kCt]), 0u);  // no collection left: only the terminator
}

// Such an ITE keeps its LPI (6.1 keeps the irq referenced): pending, it
// is still delivered; CLEAR reaches it; mapping the collection again does
// not bring the translation back, nor does a MAPTI over it. The LPIs are
// the lowest and highest there are, the edges of the 32-bit ITE word.
TEST_F(VgicItsTest, TranslationWithoutCollectionKeepsItsLpi) {
  its_up();
  mapc(3, 0);
  mapd(2, kRam + kItt, 2);
  mapti(2, 0, 8192, 3);
  mapti(2, 1, 65535, 3);
  mapti(2, 2, 9000, 3);
  kick();
  EXPECT_EQ(msi(2, 0), 1);
  EXPECT_EQ(msi(2, 1), 1);
  EXPECT_EQ(msi(2, 2), 1);
  mapc(3, 0, false);
  cmd(0x04 | uint64_t{2} << 32, 1, 0);  // CLEAR (2, 1): LPI 65535
  kick();
  EXPECT_EQ(msi(2, 0), 0);
  std::vector<uint32_t> acked;
  for (uint32_t intid; (intid = ack(0)) != kSpurious;) acked.push_back(intid);
  std::sort(acked.begin(), acked.end());
  EXPECT_EQ(acked, (std::vector<uint32_t>{8192, 9000}));
  mapc(3, 0);
  mapti(2, 1, 8500, 3);
  kick();
  EXPECT_EQ(msi(2, 0), 0);
  EXPECT_EQ(msi(2, 1), 0);
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  for (int e = 0; e < 3; e++) EXPECT_EQ(le64(&ram_[kItt + e * 8]), 0u) << e;
}

// A restore that fails frees everything it built: same allocations as
// before it, and the earlier translations stay.
TEST_F(VgicItsTest, FailedRestoreLeavesNothing) {
  its_up();
  mapc(0, 0);
  for (uint32_t d = 0; d < 40; d++) {
    mapd(d, kRam + kItt + d * 0x100, 3);
    for (uint32_t e = 0; e < 8; e++) mapti(d, e, 8192 + d * 8 + e, 0);
  }
  kick();
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  put64(&ram_[kItt + 39 * 0x100 + 7 * 8], 5ull << 16);  // pINTID 5: not an LPI
  const long before = host::live_allocations();
  EXPECT_EQ(ctrl(kCtrlRestore), -EINVAL);
  EXPECT_EQ(host::live_allocations(), before);
  EXPECT_EQ(msi(39, 6), 1);  // the ITS keeps what it had
  EXPECT_EQ(ack(0), 8192u + 39 * 8 + 6);
}

// MAPD on a mapped device takes the ITEs it had out of its ITT in guest
// RAM, as DISCARD does for one: a save after it and a restore do not
// bring back what an earlier save wrote there (6.1 does;
// Documentation/differences.rst).
TEST_F(VgicItsTest, RemappedOrUnmappedDeviceLeavesNoEntryForARestore) {
  its_up();
  mapc(0, 0);
  mapd(3, kRam + kItt, 3);
  mapd(4, kRam + kItt + 0x100, 3);
  mapti(3, 0, 8200, 0);
  mapti(3, 5, 8201, 0);
  mapti(4, 2, 8202, 0);
  kick();
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  EXPECT_EQ(le64(&ram_[kItt]), 5ull << 48 | 8200ull << 16);
  EXPECT_EQ(le64(&ram_[kItt + 0x100 + 2 * 8]), 8202ull << 16);
  mapd(3, kRam + kItt, 3);                 // remapped: no translation left
  mapd(4, kRam + kItt + 0x100, 3, false);  // unmapped
  kick();
  EXPECT_EQ(le64(&ram_[kItt]), 0u);
  EXPECT_EQ(le64(&ram_[kItt + 5 * 8]), 0u);
  EXPECT_EQ(le64(&ram_[kItt + 0x100 + 2 * 8]), 0u);
  save_reset_restore();
  EXPECT_EQ(msi(3, 0), 0);
  EXPECT_EQ(msi(3, 5), 0);
  EXPECT_EQ(msi(4, 2), 0);
}

// A restore carves its devices' ITE arrays out of shared 64 KiB blocks
// (1200 devices of 32 events: three of them), which are not zeroed (the
// host platform poisons them): the events the image does not translate,
// in a gap or after the last, translate nothing. A block goes when its
// last device does, whether the guest unmaps that device or remaps it,
// and a remapped device gets an array of its own.
TEST_F(VgicItsTest, RestoredDevicesShareBlocksThatGoWithTheirLastDevice) {
  constexpr uint32_t kDevs = 1200;
  its_up();
  mapc(0, 1);
  for (uint32_t d = 0; d < kDevs; d++) {
    mapd(d, kRam + kItt + d * 0x100, 5);
    for (uint32_t e = 0; e < 32; e++) {
      if ((d == 1 && e == 5) || (d == 2 && e >= 10)) continue;
      mapti(d, e, 8192 + d * 32 + e, 0);
    }
    kick();
  }
  save_reset_restore();
  // Saved again, the restored translations give the same image.
  std::vector<uint8_t> image(&ram_[kItt], &ram_[kItt + kDevs * 0x100]);
  ASSERT_EQ(ctrl(kCtrlSave), 0);
  EXPECT_EQ(memcmp(image.data(), &ram_[kItt], image.size()), 0);
  EXPECT_EQ(msi(kDevs - 1, 31), 1);
  EXPECT_EQ(ack(1), 8192u + kDevs * 32 - 1);
  EXPECT_EQ(msi(1, 5), 0);
  EXPECT_EQ(msi(1, 6), 1);
  EXPECT_EQ(ack(1), 8192u + 32 + 6);
  EXPECT_EQ(msi(2, 9), 1);
  EXPECT_EQ(ack(1), 8192u + 64 + 9);
  for (uint32_t e = 10; e < 32; e++) EXPECT_EQ(msi(2, e), 0) << e;
  const long restored = host::live_allocations();
  for (uint32_t d = 1; d < kDevs; d++) {
    mapd(d, 0, 1, false);
    if (d % 64 == 0) kick();
  }
  kick();
  EXPECT_EQ(host::live_allocations(), restored - 2);  // device 0 holds the first block
  EXPECT_EQ(msi(kDevs - 1, 31), 0);
  EXPECT_EQ(msi(0, 31), 1);
  EXPECT_EQ(ack(1), 8192u + 31);
  mapd(0, kRam + kItt, 2);  // remapped: the first block goes, an array comes
  kick();
  EXPECT_EQ(host::live_allocations(), restored - 2);
  EXPECT_EQ(msi(0, 3), 0);
  mapti(0, 3, 9000, 0);
  kick();
  EXPECT_EQ(msi(0, 3), 1);
  EXPECT_EQ(ack(1), 9000u);
}

}  // namespace
