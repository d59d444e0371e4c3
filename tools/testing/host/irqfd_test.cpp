// SPDX-License-Identifier: GPL-2.0
// GSI routing and irqfds on the host build (api.rst 4.52, 4.75): this
// process's own eventfds, served by the host platform's poller and worker
// threads, into a GICv3 the test drives as the guest. The conformance suite
// (tools/testing/abi/test_irqfd.c) covers the same rows in the kernel;
// here ASan watches the races and every failed allocation is tried.
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <thread>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint32_t kV3 = KX_DEV_TYPE_ARM_VGIC_V3;
constexpr uint64_t kDist = 0x08000000, kRedist = 0x080a0000;
constexpr uint32_t kSpurious = 1023;
constexpr uint32_t kRouteIrqchip = 1, kRouteMsi = 2, kResample = 2, kDeassign = 1;

constexpr uint64_t sysreg(uint32_t crn, uint32_t crm, uint32_t op2) {
  return 0x6030000000130000ull | 3u << 14 | crn << 7 | crm << 3 | op2;
}
constexpr uint64_t kPmr = sysreg(4, 6, 0), kIar1 = sysreg(12, 12, 0), kEoir1 = sysreg(12, 12, 1),
                   kHppir1 = sysreg(12, 12, 2), kIgrpen1 = sysreg(12, 12, 7);

// struct kvm_irq_routing with room for 4 entries, struct kvm_irqfd.
struct RouteEntry {
  uint32_t gsi, type, flags, pad;
  uint32_t u[8];
};
struct Routing {
  uint32_t nr, flags;
  RouteEntry e[4];
};
struct IrqfdArgs {
  uint32_t fd, gsi, flags, resamplefd;
  uint8_t pad[16];
};

RouteEntry chip(uint32_t gsi, uint32_t pin) {
  return RouteEntry{gsi, kRouteIrqchip, 0, 0, {0, pin}};
}

class IrqfdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_ARM64, kV3, &kx_vgic_v3_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
    unsigned int f[7] = {};
    ASSERT_EQ(kx_vcpu_arm64_init(vcpu_, 5, f), 0);
    ASSERT_EQ(kx_vm_create_device(vm_, kV3, 0, &gic_), 0);
    ASSERT_EQ(set64(2, kDist), 0);
    ASSERT_EQ(set64(3, kRedist), 0);
    kx_attr init = {0, 4, 0, 0};
    ASSERT_EQ(kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&init)), 0);
    kx_run r = {};
    r.immediate_exit = 1;
    ASSERT_EQ(kx_vcpu_run(vcpu_, &r), -EINTR);  // frames on the bus
    mmio(kDist, 4, true, 0x2);
    icc(kPmr, true, 0xff);
    icc(kIgrpen1, true, 1);
  }
  void TearDown() override {
    if (vm_) kx_vm_put(vm_);
    kx_unregister_device_ops(KX_ARM64, kV3);
    kx_core_exit();
    for (int fd : fds_) close(fd);
    EXPECT_EQ(host::live_allocations(), live_);
  }

  int set64(uint64_t attr, uint64_t v) {
    kx_attr a = {0, 0, attr, reinterpret_cast<uintptr_t>(&v)};
    return kx_device_attr(gic_, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&a));
  }
  uint64_t mmio(uint64_t addr, uint32_t len, bool write, uint64_t data = 0) {
    kx_guest_access a = {KX_ACCESS_MEM, write ? 1u : 0u, addr, len, 0, data};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(vcpu_, &a, &e), 0);
    return a.data;
  }
  uint64_t icc(uint64_t id, bool write, uint64_t data = 0) {
    kx_guest_access a = {KX_ACCESS_SYSREG, write ? 1u : 0u, id, 8, 0, data};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(vcpu_, &a, &e), 0);
    return a.data;
  }
  // SPI intid enabled, to vCPU 0, edge- or level-triggered.
  void spi(uint32_t intid, bool edge) {
    const uint64_t cfg = kDist + 0xc00 + intid / 16 * 4;
    const uint32_t bit = 2u << (2 * (intid % 16));
    const uint32_t word = static_cast<uint32_t>(mmio(cfg, 4, false));
    mmio(cfg, 4, true, edge ? word | bit : word & ~bit);
    mmio(kDist + 0x400 + intid, 1, true, 0xa0);
    mmio(kDist + 0x6000 + intid * 8, 8, true, 0);
    mmio(kDist + 0x100 + intid / 32 * 4, 4, true, 1u << (intid % 32));
  }
  // The highest pending interrupt, waited for up to a second: the host
  // platform's poller thread delivers eventfd writes.
  uint32_t pending_within(uint32_t want) {
    uint32_t intid = kSpurious;
    for (int ms = 0; ms < 1000; ms++) {
      intid = static_cast<uint32_t>(icc(kHppir1, false));
      if (intid == want) break;
      usleep(1000);
    }
    return intid;
  }
  uint32_t take() {
    const uint32_t intid = static_cast<uint32_t>(icc(kIar1, false));
    if (intid != kSpurious) icc(kEoir1, true, intid);
    return intid;
  }
  int eventfd_() {
    const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    fds_.push_back(fd);
    return fd;
  }
  static void signal(int fd) {
    const uint64_t one = 1;
    ASSERT_EQ(write(fd, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  }
  static uint64_t count(int fd) {
    uint64_t n = 0;
    return read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
  }
  long irqfd(int fd, uint32_t gsi, uint32_t flags = 0, int resamplefd = 0) {
    IrqfdArgs a = {static_cast<uint32_t>(fd), gsi, flags, static_cast<uint32_t>(resamplefd), {}};
    return kx_vm_ioctl(vm_, KX_IRQFD, reinterpret_cast<uintptr_t>(&a));
  }
  long routing(std::initializer_list<RouteEntry> entries) {
    Routing r = {};
    for (const RouteEntry& e : entries) r.e[r.nr++] = e;
    return kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&r));
  }

  long live_ = 0;
  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
  kx_device* gic_ = nullptr;
  std::vector<int> fds_;
};

// CTRL_INIT's default table (GSI n -> SPI n + 32), then a table of the
// VMM's; a refused table leaves the published one.
TEST_F(IrqfdTest, WriteFiresTheRoutedSpiAndARefusedTableChangesNothing) {
  spi(40, true);
  spi(52, true);
  const int fd = eventfd_();
  ASSERT_EQ(irqfd(fd, 8), 0);
  signal(fd);
  EXPECT_EQ(pending_within(40), 40u);
  EXPECT_EQ(take(), 40u);
  EXPECT_EQ(take(), kSpurious);
  ASSERT_EQ(routing({chip(8, 20)}), 0);
  EXPECT_EQ(routing({chip(8, 21), chip(9, 988)}), -EINVAL);  // pin past 987
  EXPECT_EQ(routing({chip(8, 21), chip(8, 22)}), -EINVAL);   // one irqchip, two pins
  signal(fd);
  EXPECT_EQ(pending_within(52), 52u);
  EXPECT_EQ(take(), 52u);
  EXPECT_EQ(irqfd(fd, 8, kDeassign), 0);
  signal(fd);
  usleep(20000);
  EXPECT_EQ(take(), kSpurious);
}

// KVM_IRQFD_FLAG_RESAMPLE: the level holds until the guest's EOI, which
// lowers it and writes the resample eventfd.
TEST_F(IrqfdTest, ResampleHoldsTheLevelUntilEoi) {
  spi(35, false);
  const int fd = eventfd_(), rfd = eventfd_();
  ASSERT_EQ(irqfd(fd, 3, kResample, rfd), 0);
  signal(fd);
  ASSERT_EQ(pending_within(35), 35u);
  const uint32_t intid = static_cast<uint32_t>(icc(kIar1, false));
  EXPECT_EQ(intid, 35u);
  EXPECT_EQ(count(rfd), 0u);
  icc(kEoir1, true, intid);
  EXPECT_EQ(count(rfd), 1u);
  EXPECT_EQ(icc(kHppir1, false), kSpurious);
}

// An MSI route without an ITS reaches nothing, and says so to nobody.
TEST_F(IrqfdTest, MsiRouteWithoutItsIsDropped) {
  const int fd = eventfd_();
  ASSERT_EQ(routing({RouteEntry{0, kRouteMsi, 1, 0, {0x08090040, 0, 7, 1}}}), 0);
  ASSERT_EQ(irqfd(fd, 0), 0);
  signal(fd);
  usleep(20000);
  EXPECT_EQ(take(), kSpurious);
}

// Every allocation of an assign and of a routing update failed in turn:
// -ENOMEM, and nothing left behind (the eventfd is free again, the table
// the one before).
TEST_F(IrqfdTest, EveryFailedAllocationChangesNothing) {
  spi(40, true);
  const int fd = eventfd_(), rfd = eventfd_();
  const long base = host::live_allocations();
  long r = -ENOMEM;
  for (int n = 0; r == -ENOMEM && n < 32; n++) {
    host::fail_allocation_after(n);
    r = irqfd(fd, 8, kResample, rfd);
    host::fail_allocation_after(-1);
    if (r == -ENOMEM) {
      EXPECT_EQ(host::live_allocations(), base) << "allocation " << n;
      EXPECT_EQ(irqfd(fd, 8, kDeassign), 0);
    }
  }
  ASSERT_EQ(r, 0);
  EXPECT_EQ(irqfd(fd, 8, kDeassign), 0);
  r = -ENOMEM;
  for (int n = 0; r == -ENOMEM && n < 32; n++) {
    host::fail_allocation_after(n);
    r = routing({chip(8, 20), chip(9, 21)});
    host::fail_allocation_after(-1);
  }
  EXPECT_EQ(r, 0);
}

// Writes from another thread race routing updates, deassigns and the VM's
// end: ASan and the allocation count say whether anything was lost.
TEST_F(IrqfdTest, WritesRacingRoutingDeassignAndTeardown) {
  spi(40, true);
  spi(41, true);
  const int fd = eventfd_();
  ASSERT_EQ(irqfd(fd, 8), 0);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    const uint64_t one = 1;
    while (!stop.load()) (void)!write(fd, &one, sizeof(one));
  });
  for (int i = 0; i < 200; i++) {
    ASSERT_EQ(routing({chip(8, 8 + i % 2)}), 0);
    if (i % 50 == 25) {
      EXPECT_EQ(irqfd(fd, 8, kDeassign), 0);
      EXPECT_EQ(irqfd(fd, 8), 0);
    }
    (void)take();
  }
  kx_vm_put(vm_);  // with the irqfd assigned and the writer writing
  vm_ = nullptr;
  stop.store(true);
  writer.join();
}

}  // namespace
