// SPDX-License-Identifier: GPL-2.0
// ioeventfds on the host build (api.rst 4.59, KVM_IOEVENTFD), on every
// personality: 6.1's order of checks, collisions and deassign matching,
// guest stores (the guest-access path) that signal this process's own
// eventfds instead of exiting, the MMIO bus's bound on its other devices,
// an ioeventfd inside an in-kernel device's region, every failed
// allocation, and stores racing assigns and deassigns. The host platform
// counts the eventfd references the core holds, so a leak shows. The
// conformance suite (tools/testing/abi/test_ioeventfd.c) covers the same
// rows in the kernel.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "virt/kvm/vm.h"

namespace {

constexpr uint32_t kDatamatch = KX_IOEVENTFD_FLAG_DATAMATCH, kPio = KX_IOEVENTFD_FLAG_PIO,
                   kDeassign = KX_IOEVENTFD_FLAG_DEASSIGN,
                   kCcw = KX_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY, kFastMmio = 1u << 4;
constexpr uint64_t kAddr = 0x0a000000;
constexpr unsigned kRam = KX_ACCESS_RESULT_RAM, kKernel = KX_ACCESS_RESULT_KERNEL,
                   kExit = KX_ACCESS_RESULT_EXIT;

// struct kvm_ioeventfd
struct Args {
  uint64_t datamatch, addr;
  uint32_t len;
  int32_t fd;
  uint32_t flags;
  uint8_t pad[36];
};
static_assert(sizeof(Args) == 64);

class IoeventfdBase : public ::testing::Test {
 protected:
  void Start(kx_personality p) {
    live_ = host::live_allocations();
    refs_ = host::eventfd_refs();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_vm_create(p, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
  }
  void TearDown() override {
    if (vm_) kx_vm_put(vm_);
    kx_core_exit();
    EXPECT_EQ(host::eventfd_refs(), refs_);
    for (int fd : fds_) close(fd);
    EXPECT_EQ(host::live_allocations(), live_);
  }

  long ioeventfd(int fd, uint64_t addr, uint32_t len, uint32_t flags = 0, uint64_t datamatch = 0) {
    Args a = {datamatch, addr, len, fd, flags, {}};
    return kx_vm_ioctl(vm_, KX_IOEVENTFD, reinterpret_cast<uintptr_t>(&a));
  }
  // A guest store or load: its result (RAM, KERNEL or EXIT).
  unsigned access(bool write, uint64_t addr, uint32_t len, uint64_t data = 0,
                  kx_exit* exit = nullptr) {
    kx_guest_access a = {KX_ACCESS_MEM, write ? KX_ACCESS_WRITE : 0u, addr, len, 0, data};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(vcpu_, &a, exit ? exit : &e), 0);
    return a.result;
  }
  unsigned store(uint64_t addr, uint32_t len, uint64_t data = 0, kx_exit* exit = nullptr) {
    return access(true, addr, len, data, exit);
  }
  int new_eventfd() { return track(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)); }
  int track(int fd) {
    fds_.push_back(fd);
    return fd;
  }
  // The eventfd's count, consumed (0 if none).
  static uint64_t count(int fd) {
    uint64_t n = 0;
    return read(fd, &n, sizeof(n)) == sizeof(n) ? n : 0;
  }
  kvm::Vm* vm() { return reinterpret_cast<kvm::Vm*>(vm_); }

  long live_ = 0, refs_ = 0;
  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
  std::vector<int> fds_;
};

class IoeventfdTest : public IoeventfdBase, public ::testing::WithParamInterface<kx_personality> {
 protected:
  void SetUp() override { Start(GetParam()); }
};

class IoeventfdArm64Test : public IoeventfdBase {
 protected:
  void SetUp() override { Start(KX_ARM64); }
};

// KVM_CAP_IOEVENTFD (every architecture's table) and _ANY_LENGTH (the
// generic one) are 1; _NO_LENGTH is x86's.
TEST_P(IoeventfdTest, Capabilities) {
  EXPECT_EQ(kx_check_extension(GetParam(), nullptr, KX_CAP_IOEVENTFD), 1);
  EXPECT_EQ(kx_check_extension(GetParam(), vm_, KX_CAP_IOEVENTFD), 1);
  EXPECT_EQ(kx_check_extension(GetParam(), vm_, KX_CAP_IOEVENTFD_ANY_LENGTH), 1);
  EXPECT_EQ(kx_check_extension(GetParam(), vm_, KX_CAP_IOEVENTFD_NO_LENGTH), 0);
}

// kvm_assign_ioeventfd(): length, wrap, flags, no length with a datamatch,
// all before the fd is looked at; then the fd.
TEST_P(IoeventfdTest, AssignChecksInLinuxOrder) {
  const int fd = new_eventfd();
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  track(pipefd[0]);
  track(pipefd[1]);
  for (uint32_t len : {3u, 5u, 6u, 7u, 9u, 16u, 0xffffffffu})
    EXPECT_EQ(ioeventfd(fd, kAddr, len), -EINVAL) << len;
  EXPECT_EQ(ioeventfd(-1, kAddr, 3), -EINVAL);
  EXPECT_EQ(ioeventfd(fd, ~0ull, 1), -EINVAL);
  EXPECT_EQ(ioeventfd(fd, ~0ull - 7, 8), -EINVAL);  // ends at 2^64: wraps to 0
  EXPECT_EQ(ioeventfd(-1, ~0ull, 2), -EINVAL);
  EXPECT_EQ(ioeventfd(fd, kAddr, 4, 1u << 5), -EINVAL);
  EXPECT_EQ(ioeventfd(fd, kAddr, 4, 1u << 31), -EINVAL);
  EXPECT_EQ(ioeventfd(-1, kAddr, 4, 1u << 5), -EINVAL);
  EXPECT_EQ(ioeventfd(fd, kAddr, 0, kDatamatch), -EINVAL);
  EXPECT_EQ(ioeventfd(-1, kAddr, 0, kDatamatch), -EINVAL);
  EXPECT_EQ(ioeventfd(-1, kAddr, 4), -EBADF);
  EXPECT_EQ(ioeventfd(1 << 20, kAddr, 4), -EBADF);
  EXPECT_EQ(ioeventfd(pipefd[0], kAddr, 4), -EINVAL);
  EXPECT_EQ(host::eventfd_refs(), refs_);
  // Accepted: no length at the last address, the bit of
  // kvm_ioeventfd_flag_nr_fast_mmio (in the valid mask, read by nobody).
  EXPECT_EQ(ioeventfd(fd, ~0ull, 0), 0);
  EXPECT_EQ(ioeventfd(fd, ~0ull - 7, 4), 0);
  EXPECT_EQ(ioeventfd(fd, kAddr, 4, kFastMmio), 0);
  EXPECT_EQ(host::eventfd_refs(), refs_ + 3);
}

// ioeventfd_check_collision(): same bus, same address, and some store
// would match both.
TEST_P(IoeventfdTest, CollisionsAreExactAddressesOnOneBus) {
  const int a = new_eventfd(), b = new_eventfd();
  ASSERT_EQ(ioeventfd(a, kAddr, 4), 0);
  EXPECT_EQ(ioeventfd(b, kAddr, 4), -EEXIST);
  EXPECT_EQ(ioeventfd(a, kAddr, 4), -EEXIST);
  EXPECT_EQ(ioeventfd(b, kAddr, 4, kDatamatch, 1), -EEXIST);
  EXPECT_EQ(ioeventfd(b, kAddr, 0), -EEXIST);
  EXPECT_EQ(ioeventfd(b, kAddr, 2), 0);
  EXPECT_EQ(ioeventfd(b, kAddr + 1, 1), 0);  // inside the range: a store there never matches
  EXPECT_EQ(ioeventfd(a, kAddr, 4, kPio), 0);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, kCcw), 0);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, kPio | kCcw), -EEXIST);  // PIO first
  ASSERT_EQ(ioeventfd(a, kAddr + 8, 4, kDatamatch, 1), 0);
  EXPECT_EQ(ioeventfd(b, kAddr + 8, 4, kDatamatch, 2), 0);
  EXPECT_EQ(ioeventfd(b, kAddr + 8, 4, kDatamatch, 1), -EEXIST);
  EXPECT_EQ(ioeventfd(b, kAddr + 8, 4), -EEXIST);
  EXPECT_EQ(ioeventfd(b, kAddr + 8, 8, kDatamatch, 1), 0);
  ASSERT_EQ(ioeventfd(a, kAddr + 16, 0), 0);
  EXPECT_EQ(ioeventfd(b, kAddr + 16, 8, kDatamatch, 5), -EEXIST);
  EXPECT_EQ(ioeventfd(b, kAddr + 16, 1), -EEXIST);
  EXPECT_EQ(host::eventfd_refs(), refs_ + 9);
}

// kvm_deassign_ioeventfd_idx(): the fd, then a match of bus, eventfd,
// address, length and datamatch rule; no check of length or flags.
TEST_P(IoeventfdTest, DeassignMatchesExactly) {
  const int a = new_eventfd(), b = new_eventfd(), dup_a = track(dup(a));
  const uint32_t dm = kDeassign | kDatamatch;
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  track(pipefd[0]);
  track(pipefd[1]);
  ASSERT_EQ(ioeventfd(a, kAddr, 4, kDatamatch, 7), 0);
  EXPECT_EQ(ioeventfd(-1, kAddr, 4, dm, 7), -EBADF);
  EXPECT_EQ(ioeventfd(pipefd[0], kAddr, 4, dm, 7), -EINVAL);
  EXPECT_EQ(ioeventfd(b, kAddr, 4, dm, 7), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr + 1, 4, dm, 7), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 2, dm, 7), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 0, kDeassign), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, kDeassign), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, dm, 8), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, dm | kPio, 7), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 3, kDeassign), -ENOENT);  // no length check
  EXPECT_EQ(host::eventfd_refs(), refs_ + 1);
  // Another fd of the same eventfd, and flags assign would refuse.
  EXPECT_EQ(ioeventfd(dup_a, kAddr, 4, dm | 1u << 9, 7), 0);
  EXPECT_EQ(host::eventfd_refs(), refs_);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, dm, 7), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 4, kDatamatch, 7), 0);
  // Each bus its own; a wildcard goes by the wildcard rule.
  ASSERT_EQ(ioeventfd(a, kAddr, 8, kPio), 0);
  ASSERT_EQ(ioeventfd(a, kAddr, 8, kCcw), 0);
  EXPECT_EQ(ioeventfd(a, kAddr, 8, kDeassign), -ENOENT);
  EXPECT_EQ(ioeventfd(a, kAddr, 8, kDeassign | kPio), 0);
  EXPECT_EQ(ioeventfd(a, kAddr, 8, kDeassign | kCcw), 0);
  EXPECT_EQ(host::eventfd_refs(), refs_ + 1);
}

// A store an ioeventfd matches signals it and does not exit; anything
// else exits as before. Loads are never an ioeventfd's.
TEST_P(IoeventfdTest, MatchingStoresSignalInsteadOfExiting) {
  const int w = new_eventfd(), d1 = new_eventfd(), d2 = new_eventfd(), any = new_eventfd();
  ASSERT_EQ(ioeventfd(w, kAddr, 4), 0);
  ASSERT_EQ(ioeventfd(d1, kAddr + 0x10, 2, kDatamatch, 0x1234), 0);
  ASSERT_EQ(ioeventfd(d2, kAddr + 0x10, 2, kDatamatch, 0x5678), 0);
  ASSERT_EQ(ioeventfd(any, kAddr + 0x20, 0), 0);

  kx_exit e = {};
  EXPECT_EQ(store(kAddr, 4, 0xdeadbeef, &e), kKernel);
  EXPECT_EQ(e.set, 0);
  EXPECT_EQ(count(w), 1u);
  for (int i = 0; i < 3; i++) EXPECT_EQ(store(kAddr, 4, i), kKernel);
  EXPECT_EQ(count(w), 3u);
  EXPECT_EQ(store(kAddr, 2), kExit);
  EXPECT_EQ(store(kAddr, 8), kExit);
  EXPECT_EQ(store(kAddr + 1, 1), kExit);
  EXPECT_EQ(access(false, kAddr, 4), kExit);
  EXPECT_EQ(count(w), 0u);

  EXPECT_EQ(store(kAddr + 0x10, 2, 0xffffffff00001234ull), kKernel);  // bytes past len
  EXPECT_EQ(count(d1), 1u);
  EXPECT_EQ(count(d2), 0u);
  EXPECT_EQ(store(kAddr + 0x10, 2, 0x5678), kKernel);
  EXPECT_EQ(count(d2), 1u);
  e = {};
  EXPECT_EQ(store(kAddr + 0x10, 2, 0x9999, &e), kExit);
  EXPECT_EQ(e.reason, static_cast<unsigned>(KX_EXIT_MMIO));
  EXPECT_EQ(e.mmio_addr, kAddr + 0x10);
  EXPECT_EQ(e.mmio_data[0], 0x99);
  EXPECT_EQ(count(d1) + count(d2), 0u);

  for (uint32_t len : {1u, 2u, 4u, 8u}) EXPECT_EQ(store(kAddr + 0x20, len, len), kKernel);
  EXPECT_EQ(count(any), 4u);
  EXPECT_EQ(store(kAddr + 0x21, 1), kExit);

  ASSERT_EQ(ioeventfd(w, kAddr, 4, kDeassign), 0);
  EXPECT_EQ(store(kAddr, 4), kExit);
  EXPECT_EQ(count(w), 0u);
}

// A datamatch wider than the length never matches (6.1 compares the
// store's len bytes, zero-extended, with all 64 bits).
TEST_P(IoeventfdTest, DatamatchWiderThanTheLengthNeverMatches) {
  const int fd = new_eventfd();
  ASSERT_EQ(ioeventfd(fd, kAddr, 4, kDatamatch, 0x100000001ull), 0);
  EXPECT_EQ(store(kAddr, 4, 0x100000001ull), kExit);
  EXPECT_EQ(store(kAddr, 4, 1), kExit);
  ASSERT_EQ(ioeventfd(fd, kAddr + 8, 8, kDatamatch, 0x8877665544332211ull), 0);
  EXPECT_EQ(store(kAddr + 8, 8, 0x8877665544332211ull), kKernel);
  EXPECT_EQ(count(fd), 1u);
}

// The PIO and CCW notify buses exist on every architecture in 6.1 but no
// kvm_ext guest writes them; RAM at the address takes the store first.
TEST_P(IoeventfdTest, OtherBusesAndRamNeverFire) {
  const int fd = new_eventfd();
  ASSERT_EQ(ioeventfd(fd, kAddr, 4, kPio), 0);
  ASSERT_EQ(ioeventfd(fd, kAddr, 4, kCcw), 0);
  EXPECT_EQ(store(kAddr, 4), kExit);
  void* mem = aligned_alloc(4096, 4096);
  kx_memory_region r = {0, 0, 0x100000, 4096, reinterpret_cast<uintptr_t>(mem)};
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);
  ASSERT_EQ(ioeventfd(fd, 0x100000, 4), 0);
  EXPECT_EQ(store(0x100000, 4, 0x11), kRam);
  EXPECT_EQ(count(fd), 0u);
  r.memory_size = 0;
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);  // the slot goes: MMIO now
  EXPECT_EQ(store(0x100000, 4, 0x11), kKernel);
  EXPECT_EQ(count(fd), 1u);
  free(mem);
}

// The ioeventfd holds its eventfd: closing the VMM's fd keeps it working
// (stores still do not exit) until the VM goes, which drops every
// reference; so does a VM that goes with many assigned.
TEST_P(IoeventfdTest, TheVmsEndDropsEveryEventfdReference) {
  const int a = eventfd(0, EFD_CLOEXEC), b = new_eventfd();
  ASSERT_EQ(ioeventfd(a, kAddr, 4), 0);
  ASSERT_EQ(ioeventfd(a, kAddr + 8, 0), 0);
  ASSERT_EQ(ioeventfd(b, kAddr, 4, kPio), 0);
  ASSERT_EQ(ioeventfd(b, kAddr, 4, kCcw), 0);
  ASSERT_EQ(ioeventfd(b, kAddr + 16, 8, kDatamatch, 3), 0);
  close(a);
  EXPECT_EQ(store(kAddr, 4), kKernel);
  EXPECT_EQ(host::eventfd_refs(), refs_ + 5);
  kx_vm_put(vm_);
  vm_ = nullptr;
  EXPECT_EQ(host::eventfd_refs(), refs_);
}

// NR_IOBUS_DEVS bounds a bus's other devices, not its ioeventfds (6.1's
// kvm_io_bus_register_dev() leaves ioeventfd_count out).
TEST_P(IoeventfdTest, MoreThanNrIobusDevsIoeventfds) {
  const int fd = new_eventfd();
  for (uint64_t i = 0; i < 1100; i++) ASSERT_EQ(ioeventfd(fd, kAddr + 4 * i, 4), 0) << i;
  EXPECT_EQ(store(kAddr + 4 * 1099, 4), kKernel);
  EXPECT_EQ(count(fd), 1u);
  for (uint64_t i = 0; i < 1100; i += 2) ASSERT_EQ(ioeventfd(fd, kAddr + 4 * i, 4, kDeassign), 0);
  EXPECT_EQ(store(kAddr, 4), kExit);
  EXPECT_EQ(store(kAddr + 4, 4), kKernel);
}

INSTANTIATE_TEST_SUITE_P(Personalities, IoeventfdTest, ::testing::Values(KX_ARM64, KX_PPC, KX_S390),
                         [](const ::testing::TestParamInfo<kx_personality>& info) {
                           return std::string(info.param == KX_ARM64 ? "arm64"
                                              : info.param == KX_PPC ? "ppc"
                                                                     : "s390");
                         });

// A region of an in-kernel device (a GIC or ITS frame) on the MMIO bus.
class Region : public kvm::IoHandler {
 public:
  uint64_t value = 0;
  kx::Status read(kvm::Vcpu&, uint64_t, uint32_t, uint64_t* data) override {
    *data = value;
    return kx::Status::ok();
  }
  kx::Status write(kvm::Vcpu&, uint64_t, uint32_t, uint64_t data) override {
    value = data;
    return kx::Status::ok();
  }
};

// An ioeventfd whose address lies in a device's region takes the stores it
// matches, the device the rest (differences.rst: 6.1 gives them to
// whichever sorts first on its bus); a bus full of other devices refuses
// an MMIO ioeventfd after the collision check.
TEST_F(IoeventfdArm64Test, DeviceRegionsAndTheBusBound) {
  constexpr uint64_t kFrame = 0x08000000;
  Region region;
  const int fd = new_eventfd();
  vm()->slots_lock.lock();
  ASSERT_TRUE(vm()->mmio_bus().add(kFrame, 0x10000, &region).is_ok());
  vm()->slots_lock.unlock();
  ASSERT_EQ(ioeventfd(fd, kFrame + 0x80, 4, kDatamatch, 1), 0);
  ASSERT_EQ(ioeventfd(fd, kFrame, 4), 0);
  EXPECT_EQ(store(kFrame + 0x80, 4, 1), kKernel);
  EXPECT_EQ(count(fd), 1u);
  EXPECT_EQ(region.value, 0u);
  EXPECT_EQ(store(kFrame + 0x80, 4, 2), kKernel);
  EXPECT_EQ(count(fd), 0u);
  EXPECT_EQ(region.value, 2u);
  EXPECT_EQ(store(kFrame, 4, 5), kKernel);
  EXPECT_EQ(count(fd), 1u);
  EXPECT_EQ(store(kFrame, 2, 6), kKernel);
  EXPECT_EQ(region.value, 6u);

  vm()->slots_lock.lock();
  for (uint64_t i = 1; i < kvm::kMaxIoRegions; i++)
    ASSERT_TRUE(vm()->mmio_bus().add(kFrame + 0x10000 * i, 0x1000, &region).is_ok());
  vm()->slots_lock.unlock();
  EXPECT_EQ(ioeventfd(fd, kAddr, 4), -ENOSPC);
  EXPECT_EQ(ioeventfd(fd, kFrame, 4), -EEXIST);
  EXPECT_EQ(ioeventfd(fd, kAddr, 4, kPio), 0);
  EXPECT_EQ(ioeventfd(fd, kAddr, 4, kCcw), 0);
  EXPECT_EQ(ioeventfd(fd, kFrame, 4, kDeassign), 0);
  vm()->slots_lock.lock();
  vm()->mmio_bus().remove(&region);
  vm()->slots_lock.unlock();
  EXPECT_EQ(ioeventfd(fd, kAddr, 4), 0);
}

// Every allocation of an assign failed in turn: -ENOMEM, no reference or
// allocation left, and the ioeventfds already there (eight: the set
// grows on the ninth) keep working.
TEST_F(IoeventfdArm64Test, EveryFailedAllocationChangesNothing) {
  const int fd = new_eventfd();
  for (uint64_t i = 0; i < 8; i++) ASSERT_EQ(ioeventfd(fd, kAddr + 8 * i, 8), 0);
  const long base = host::live_allocations(), refs = host::eventfd_refs();
  long r = -ENOMEM;
  int failed = 0;
  for (int n = 0; r == -ENOMEM && n < 16; n++) {
    host::fail_allocation_after(n);
    r = ioeventfd(fd, kAddr + 0x100, 4);
    host::fail_allocation_after(-1);
    if (r == -ENOMEM) {
      failed++;
      EXPECT_EQ(host::live_allocations(), base) << "allocation " << n;
      EXPECT_EQ(host::eventfd_refs(), refs) << "allocation " << n;
      EXPECT_EQ(store(kAddr + 0x100, 4), kExit);
      for (uint64_t i = 0; i < 8; i++) EXPECT_EQ(store(kAddr + 8 * i, 8), kKernel);
      EXPECT_EQ(count(fd), 8u);
    }
  }
  EXPECT_EQ(r, 0);
  EXPECT_GT(failed, 0);
  EXPECT_EQ(store(kAddr + 0x100, 4), kKernel);
  EXPECT_EQ(count(fd), 1u);
}

// Stores from two vCPUs race assigns and deassigns of the addresses they
// store to (ASan watches), and the VM goes with ioeventfds assigned while
// another thread reads the eventfd.
TEST_F(IoeventfdArm64Test, StoresRacingAssignDeassignAndTheVmsEnd) {
  const int fd = new_eventfd();
  kx_vcpu* other;
  ASSERT_EQ(kx_vcpu_id(vcpu_), 0u);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &other), 0);
  ASSERT_EQ(ioeventfd(fd, kAddr + 0x40, 4), 0);  // stays to the end
  std::atomic<bool> stop{false}, stop_reader{false};
  std::atomic<long> kernel{0};
  auto storer = [&](kx_vcpu* v) {
    for (uint64_t i = 0; !stop.load(); i++) {
      kx_guest_access a = {KX_ACCESS_MEM, KX_ACCESS_WRITE, kAddr + 8 * (i % 9), 4, 0, i % 3};
      kx_exit e = {};
      ASSERT_EQ(kx_vcpu_guest_access(v, &a, &e), 0);
      if (a.result == kKernel) kernel.fetch_add(1);
    }
  };
  std::thread t1(storer, vcpu_), t2(storer, other);
  std::thread reader([&] {
    while (!stop_reader.load()) (void)count(fd);
  });
  for (int i = 0; i < 2000; i++) {
    const uint64_t addr = kAddr + 8 * (i % 4);
    const uint32_t flags = i % 3 ? kDatamatch : 0;
    ASSERT_EQ(ioeventfd(fd, addr, 4, flags, i % 3), 0);
    ASSERT_EQ(ioeventfd(fd, addr, 4, kDeassign | flags, i % 3), 0);
  }
  stop.store(true);
  t1.join();
  t2.join();
  EXPECT_GT(kernel.load(), 0);
  kx_vm_put(vm_);
  vm_ = nullptr;
  stop_reader.store(true);
  reader.join();
}

}  // namespace
