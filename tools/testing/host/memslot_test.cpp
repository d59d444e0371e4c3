// SPDX-License-Identifier: GPL-2.0
// KVM_SET_USER_MEMORY_REGION rules (api.rst 4.35) and guest accesses.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <thread>
#include <cstdlib>
#include <cstring>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"
#include "virt/kvm/vm.h"

namespace {

constexpr unsigned long long kPage = 4096;

class MemslotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ram_ = static_cast<unsigned char*>(aligned_alloc(kPage, 64 * kPage));
    memset(ram_, 0xab, 64 * kPage);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_core_exit();
    free(ram_);
    EXPECT_EQ(host::live_allocations(), live_);
  }
  int set(unsigned slot, unsigned flags, unsigned long long gpa, unsigned long long size,
          unsigned long long uaddr) {
    kx_memory_region r = {slot, flags, gpa, size, uaddr};
    return kx_vm_set_memory_region(vm_, &r);
  }
  unsigned long long ram(unsigned long long off = 0) {
    return reinterpret_cast<unsigned long long>(ram_) + off;
  }
  int access(unsigned flags, unsigned long long gpa, unsigned len, unsigned long long* data,
             unsigned* result = nullptr, kx_exit* exit = nullptr) {
    kx_guest_access a = {KX_ACCESS_MEM, flags, gpa, len, 0, *data};
    kx_exit e = {};
    int r = kx_vcpu_guest_access(vcpu_, &a, exit ? exit : &e);
    *data = a.data;
    if (result) *result = a.result;
    return r;
  }

  long live_ = 0;
  unsigned char* ram_ = nullptr;
  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
};

TEST_F(MemslotTest, ValidationOrderAndErrnos) {
  EXPECT_EQ(set(0, 4, 0, kPage, ram()), -EINVAL);                         // unknown flag
  EXPECT_EQ(set(0, 0, 0, kPage + 1, ram()), -EINVAL);                     // size
  EXPECT_EQ(set(0, 0, 1, kPage, ram()), -EINVAL);                         // gpa
  EXPECT_EQ(set(0, 0, 0, kPage, ram(1)), -EINVAL);                        // uaddr
  EXPECT_EQ(set(0, 0, 0, kPage, host::kUserTop), -EINVAL);                // not user memory
  EXPECT_EQ(set(32767, 0, 0, kPage, ram()), -EINVAL);                     // slot id
  EXPECT_EQ(set(1u << 16, 0, 0, kPage, ram()), -EINVAL);                  // address space
  EXPECT_EQ(set(0, 0, ~0ull & ~(kPage - 1), 2 * kPage, ram()), -EINVAL);  // wraps
  EXPECT_EQ(set(0, 0, 0, 0, 0), -EINVAL);                                 // delete nothing
  EXPECT_EQ(set(0, 0, 1ull << 40, kPage, ram()), -EFAULT);                // beyond the 40-bit IPA
}

TEST_F(MemslotTest, CreateOverlapModifyMoveDelete) {
  ASSERT_EQ(set(0, 0, 0x100000, 4 * kPage, ram()), 0);
  EXPECT_EQ(set(1, 0, 0x100000 + 3 * kPage, kPage, ram()), -EEXIST);
  EXPECT_EQ(set(1, 0, 0x100000 - kPage, 2 * kPage, ram()), -EEXIST);
  ASSERT_EQ(set(1, 0, 0x100000 + 4 * kPage, kPage, ram(4 * kPage)), 0);  // adjacent
  EXPECT_EQ(set(0, 0, 0x100000, 4 * kPage, ram()), 0);                   // no-op
  EXPECT_EQ(set(0, 0, 0x100000, 4 * kPage, ram(kPage)), -EINVAL);        // new uaddr
  EXPECT_EQ(set(0, 0, 0x100000, 2 * kPage, ram()), -EINVAL);             // new size
  EXPECT_EQ(set(0, KX_MEM_READONLY, 0x100000, 4 * kPage, ram()), -EINVAL);
  EXPECT_EQ(set(0, KX_MEM_LOG_DIRTY_PAGES, 0x100000, 4 * kPage, ram()), 0);
  EXPECT_EQ(set(0, 0, 0x100000 + kPage, 4 * kPage, ram()), -EEXIST);  // onto slot 1
  EXPECT_EQ(set(0, 0, 0x200000, 4 * kPage, ram()), 0);                // move
  EXPECT_EQ(set(0, 0, 0x200000, 0, 0), 0);                            // delete
  EXPECT_EQ(set(0, 0, 0x200000, 0, 0), -EINVAL);
  EXPECT_EQ(set(0, 0, 0x100000, 4 * kPage, ram()), 0);  // re-create
}

TEST_F(MemslotTest, RamLoadsStoresAndDirtyBits) {
  ASSERT_EQ(set(0, KX_MEM_LOG_DIRTY_PAGES, 0x100000, 4 * kPage, ram()), 0);
  unsigned long long data = 0x1122334455667788ull;
  unsigned result = 0;
  ASSERT_EQ(access(KX_ACCESS_WRITE, 0x100000 + 2 * kPage + 8, 8, &data, &result), 0);
  EXPECT_EQ(result, static_cast<unsigned>(KX_ACCESS_RESULT_RAM));
  unsigned long long stored;
  memcpy(&stored, ram_ + 2 * kPage + 8, 8);
  EXPECT_EQ(stored, 0x1122334455667788ull);
  data = 0;
  ASSERT_EQ(access(0, 0x100000 + 2 * kPage + 8, 2, &data), 0);
  EXPECT_EQ(data, 0x7788ull);

  auto* vm = reinterpret_cast<kvm::Vm*>(vm_);
  vm->slots_lock.lock();
  kvm::Memslot* slot = vm->slots(0).by_id(0);
  EXPECT_EQ(slot->dirty.count(), 1u);
  EXPECT_TRUE(slot->dirty.test(2));
  vm->slots_lock.unlock();

  EXPECT_EQ(access(0, 0x100000 + kPage - 4, 8, &data), -EINVAL);  // crosses a page
  EXPECT_EQ(access(0, 0x100000, 3, &data), -EINVAL);
}

TEST_F(MemslotTest, UnbackedAndReadOnlyStoresExitAsMmio) {
  ASSERT_EQ(set(0, KX_MEM_READONLY, 0x100000, kPage, ram()), 0);
  unsigned long long data = 0xdead;
  unsigned result = 0;
  kx_exit exit = {};
  ASSERT_EQ(access(KX_ACCESS_WRITE, 0x100010, 2, &data, &result, &exit), 0);
  EXPECT_EQ(result, static_cast<unsigned>(KX_ACCESS_RESULT_EXIT));
  EXPECT_EQ(exit.reason, static_cast<unsigned>(KX_EXIT_MMIO));
  EXPECT_EQ(exit.mmio_addr, 0x100010ull);
  EXPECT_EQ(exit.mmio_len, 2u);
  EXPECT_EQ(exit.mmio_is_write, 1);
  EXPECT_EQ(exit.mmio_data[0], 0xad);
  EXPECT_EQ(exit.mmio_data[1], 0xde);
  EXPECT_EQ(ram_[0x10], 0xab);  // RAM untouched
  data = 0;
  ASSERT_EQ(access(0, 0x100010, 1, &data, &result), 0);  // loads read RAM
  EXPECT_EQ(result, static_cast<unsigned>(KX_ACCESS_RESULT_RAM));
  EXPECT_EQ(data, 0xabull);
  ASSERT_EQ(access(0, 0x900000, 4, &data, &result, &exit), 0);
  EXPECT_EQ(result, static_cast<unsigned>(KX_ACCESS_RESULT_EXIT));
  EXPECT_EQ(exit.mmio_is_write, 0);
}

struct Register : kvm::IoHandler {
  unsigned long long value = 0;
  kx::Status read(kvm::Vcpu&, u64 offset, u32, u64* data) override {
    *data = value + offset;
    return kx::Status::ok();
  }
  kx::Status write(kvm::Vcpu&, u64, u32, u64 data) override {
    value = data;
    return kx::Status::ok();
  }
};

TEST_F(MemslotTest, IoBusRegionsTakeMmioInKernel) {
  Register reg;
  auto* vm = reinterpret_cast<kvm::Vm*>(vm_);
  vm->slots_lock.lock();
  ASSERT_TRUE(vm->mmio_bus().add(0x8000000, 0x1000, &reg).is_ok());
  EXPECT_EQ(vm->mmio_bus().add(0x8000800, 0x1000, &reg).raw(), -EEXIST);
  EXPECT_EQ(vm->mmio_bus().add(0x7fff000, 0x1001, &reg).raw(), -EEXIST);
  EXPECT_EQ(vm->mmio_bus().add(~0ull, 2, &reg).raw(), -EINVAL);
  vm->slots_lock.unlock();
  unsigned long long data = 42;
  unsigned result = 0;
  ASSERT_EQ(access(KX_ACCESS_WRITE, 0x8000000, 4, &data, &result), 0);
  EXPECT_EQ(result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL));
  EXPECT_EQ(reg.value, 42u);
  ASSERT_EQ(access(0, 0x8000004, 4, &data, &result), 0);
  EXPECT_EQ(data, 46u);
  // An access straddling the region's end is not the region's.
  ASSERT_EQ(access(0, 0x8000ffc, 8, &data, &result), -EINVAL);  // crosses a page anyway
  vm->slots_lock.lock();
  vm->mmio_bus().remove(&reg);
  EXPECT_EQ(vm->mmio_bus().size(), 0u);
  vm->slots_lock.unlock();
}

TEST_F(MemslotTest, ManySlotsLookUpByGfn) {
  for (unsigned i = 0; i < 64; i++)
    ASSERT_EQ(set(i, 0, 0x1000000 + (63 - i) * 2 * kPage, kPage, ram(i * kPage)), 0);
  for (unsigned i = 0; i < 64; i++) {
    unsigned long long data = i;
    ASSERT_EQ(access(KX_ACCESS_WRITE, 0x1000000 + (63 - i) * 2 * kPage, 1, &data), 0);
    EXPECT_EQ(ram_[i * kPage], i);
    // The hole after each slot is not RAM.
    unsigned result = 0;
    ASSERT_EQ(access(0, 0x1000000 + (63 - i) * 2 * kPage + kPage, 1, &data, &result), 0);
    EXPECT_EQ(result, static_cast<unsigned>(KX_ACCESS_RESULT_EXIT));
  }
}

// A vCPU blocked in KVM_RUN holds its mutex: lock_all_vcpus() fails, as the
// -EBUSY rules of the device documents need; once it has run, it has run.
TEST_F(MemslotTest, BlockedRunCountsAsRunningForLockAllVcpus) {
  kx_vm* ppc;
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &ppc), 0);
  ASSERT_EQ(kx_vm_create_vcpu(ppc, 0, &c), 0);
  ASSERT_EQ(ppc_enable_papr(c), 0);
  auto* vm = reinterpret_cast<kvm::Vm*>(ppc);
  vm->lock.lock();
  EXPECT_FALSE(vm->any_vcpu_has_run());
  ASSERT_TRUE(vm->lock_all_vcpus());
  vm->unlock_all_vcpus();
  vm->lock.unlock();

  host::clear_signal();
  std::atomic<int> result{1};
  std::thread runner([&] {
    kx_run run = {};
    result = kx_vcpu_run(c, &run);
  });
  while (!reinterpret_cast<kvm::Vcpu*>(c)->running()) std::this_thread::yield();
  vm->lock.lock();
  EXPECT_FALSE(vm->lock_all_vcpus());
  EXPECT_TRUE(vm->any_vcpu_has_run());
  vm->lock.unlock();
  host::raise_signal();
  runner.join();
  host::clear_signal();
  EXPECT_EQ(result.load(), -EINTR);
  vm->lock.lock();
  EXPECT_TRUE(vm->lock_all_vcpus());
  vm->unlock_all_vcpus();
  vm->lock.unlock();
  kx_vm_put(ppc);
}

// Every allocation of a scenario fails in turn: each failure is a clean
// -ENOMEM and nothing leaks.
TEST_F(MemslotTest, AllocationFailureSweepLeavesNothingBehind) {
  auto scenario = [this]() -> int {
    int r = set(5, KX_MEM_LOG_DIRTY_PAGES, 0x400000, 8 * kPage, ram());
    if (r) return r;
    r = set(5, 0, 0x400000, 8 * kPage, ram());
    if (r) return r;
    r = set(5, KX_MEM_LOG_DIRTY_PAGES, 0x400000, 8 * kPage, ram());
    if (r) return r;
    kx_vcpu* c;
    r = kx_vm_create_vcpu(vm_, 9, &c);
    if (r) return r;
    return 0;
  };
  for (long n = 0;; n++) {
    kx_vm_put(vm_);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
    host::reset_allocation_counters();
    host::fail_allocation_after(n);
    int r = scenario();
    const bool injected = host::allocations_attempted() > n;
    host::reset_allocation_counters();
    if (!injected) {
      EXPECT_EQ(r, 0);
      break;
    }
    EXPECT_EQ(r, -ENOMEM) << "allocation " << n;
  }
}

}  // namespace
