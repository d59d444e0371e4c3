// SPDX-License-Identifier: GPL-2.0
// Dirty logging: api.rst 4.8 KVM_GET_DIRTY_LOG, 4.117 KVM_CLEAR_DIRTY_LOG,
// 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, and the race between guest stores
// and get/clear on other CPUs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"

namespace {

constexpr unsigned long long kPage = 4096;
constexpr unsigned long long kGpa = 0x1000000;

class DirtyLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ram_ = static_cast<unsigned char*>(aligned_alloc(kPage, kPages * kPage));
    memset(ram_, 0, kPages * kPage);
    ASSERT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_core_exit();
    free(ram_);
    EXPECT_EQ(host::live_allocations(), live_);
  }
  int slot(unsigned flags, unsigned long long pages = kPages, unsigned id = 0) {
    kx_memory_region r = {id, flags, kGpa, pages * kPage, reinterpret_cast<uintptr_t>(ram_)};
    return kx_vm_set_memory_region(vm_, &r);
  }
  int store(kx_vcpu* vcpu, unsigned long long page, unsigned long long value) {
    kx_guest_access a = {KX_ACCESS_MEM, KX_ACCESS_WRITE, kGpa + page * kPage, 8, 0, value};
    kx_exit e = {};
    return kx_vcpu_guest_access(vcpu, &a, &e);
  }
  int get(std::vector<unsigned long long>* bm, unsigned s = 0) {
    return kx_vm_get_dirty_log(vm_, s, reinterpret_cast<uintptr_t>(bm->data()));
  }
  int clear(unsigned long long first, unsigned num, const unsigned long long* mask,
            unsigned s = 0) {
    return kx_vm_clear_dirty_log(vm_, s, first, num, reinterpret_cast<uintptr_t>(mask));
  }
  int enable(unsigned long long arg0, unsigned cap = KX_CAP_MANUAL_DIRTY_LOG_PROTECT2,
             unsigned flags = 0, kx_vm* vm = nullptr) {
    const kx_enable_cap c = {cap, flags, {arg0, 0, 0, 0}};
    return kx_vm_enable_cap(vm ? vm : vm_, &c);
  }

  static constexpr unsigned long long kPages = 1024;
  long live_ = 0;
  unsigned char* ram_ = nullptr;
  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
};

TEST_F(DirtyLogTest, CapabilityAndEnableCapRules) {
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2), 3);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2), 0);
  EXPECT_EQ(kx_check_extension(KX_S390, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2), 0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT), 0);
  EXPECT_EQ(enable(4), -EINVAL);                                       // unknown flag
  EXPECT_EQ(enable(KX_DIRTY_LOG_INITIALLY_SET), -EINVAL);              // without ENABLE
  EXPECT_EQ(enable(1, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2, 1), -EINVAL);  // flags
  EXPECT_EQ(enable(1, KX_CAP_MANUAL_DIRTY_LOG_PROTECT), -EINVAL);
  EXPECT_EQ(enable(3), 0);
  EXPECT_EQ(enable(1), 0);
  EXPECT_EQ(enable(0), 0);  // and off again
  kx_vm* ppc;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &ppc), 0);
  EXPECT_EQ(enable(1, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, ppc), -EINVAL);
  EXPECT_EQ(kx_vm_clear_dirty_log(ppc, 0, 0, 64, 0), -ENOTTY);  // no such ioctl there
  kx_vm_put(ppc);
}

TEST_F(DirtyLogTest, LegacyGetReturnsAndClears) {
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES), 0);
  std::vector<unsigned long long> bm(kPages / 64);
  ASSERT_EQ(store(vcpu_, 3, 1), 0);
  ASSERT_EQ(store(vcpu_, 700, 1), 0);
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], 1ull << 3);
  EXPECT_EQ(bm[700 / 64], 1ull << (700 % 64));
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], 0u);  // legacy: taken
  EXPECT_EQ(bm[700 / 64], 0u);
  // A faulting copy loses nothing: the bits go back.
  ASSERT_EQ(store(vcpu_, 5, 1), 0);
  EXPECT_EQ(kx_vm_get_dirty_log(vm_, 0, 8), -EFAULT);
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], 1ull << 5);
}

TEST_F(DirtyLogTest, ManualGetCopiesAndClearClearsOnlyTheMask) {
  ASSERT_EQ(enable(KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE), 0);
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES), 0);
  for (unsigned long long p : {1ull, 2ull, 64ull, 1000ull}) ASSERT_EQ(store(vcpu_, p, 7), 0);
  std::vector<unsigned long long> bm(kPages / 64);
  ASSERT_EQ(get(&bm), 0);
  ASSERT_EQ(get(&bm), 0);  // manual: nothing cleared by get
  EXPECT_EQ(bm[0], 6u);
  EXPECT_EQ(bm[1], 1u);
  unsigned long long mask[2] = {2, ~0ull};  // page 1 only in word 0, all of word 1
  ASSERT_EQ(clear(0, 128, mask), 0);
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], 4u);  // page 2 stays
  EXPECT_EQ(bm[1], 0u);
  EXPECT_EQ(bm[1000 / 64], 1ull << (1000 % 64));
}

TEST_F(DirtyLogTest, ClearChecksInLinuxOrder) {
  unsigned long long mask[16] = {};
  EXPECT_EQ(clear(0, 64, mask, 1u << 16), -EINVAL);  // address space
  EXPECT_EQ(clear(0, 64, mask, 32767), -EINVAL);     // slot id
  EXPECT_EQ(clear(1, 64, mask), -EINVAL);            // first_page % 64, before -ENOENT
  EXPECT_EQ(clear(0, 64, mask), -ENOENT);            // no slot
  ASSERT_EQ(slot(0, 1000), 0);
  EXPECT_EQ(clear(0, 64, mask), -ENOENT);  // no log
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES, 1000), 0);
  EXPECT_EQ(clear(1024, 0, mask), -EINVAL);  // first_page beyond the slot
  EXPECT_EQ(clear(960, 64, mask), -EINVAL);  // runs past the end
  EXPECT_EQ(clear(0, 100, mask), -EINVAL);   // not a multiple of 64
  EXPECT_EQ(clear(960, 40, mask), 0);        // ...unless it ends at the slot's end
  EXPECT_EQ(clear(0, 1000, mask), 0);
  EXPECT_EQ(clear(0, 0, nullptr), 0);         // 0 pages: a no-op, nothing read
  EXPECT_EQ(clear(0, 64, nullptr), -EFAULT);  // unreadable user bitmap
}

TEST_F(DirtyLogTest, FaultingClearClearsNothing) {
  ASSERT_EQ(enable(KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE), 0);
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES), 0);
  ASSERT_EQ(store(vcpu_, 0, 1), 0);
  EXPECT_EQ(kx_vm_clear_dirty_log(vm_, 0, 0, 64, 8), -EFAULT);
  std::vector<unsigned long long> bm(kPages / 64);
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], 1u);
}

TEST_F(DirtyLogTest, InitiallySetAndFlagTransitions) {
  ASSERT_EQ(enable(KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KX_DIRTY_LOG_INITIALLY_SET), 0);
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES, 100), 0);
  std::vector<unsigned long long> bm(2);
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], ~0ull);
  EXPECT_EQ(bm[1], (1ull << 36) - 1);  // 100 pages: nothing past the end
  ASSERT_EQ(slot(0, 100), 0);          // logging off frees the log
  EXPECT_EQ(get(&bm), -ENOENT);
  ASSERT_EQ(enable(KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE), 0);
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES, 100), 0);  // on again, now clear
  ASSERT_EQ(get(&bm), 0);
  EXPECT_EQ(bm[0], 0u);
}

TEST_F(DirtyLogTest, GetChecks) {
  std::vector<unsigned long long> bm(kPages / 64);
  EXPECT_EQ(get(&bm, 1u << 16), -EINVAL);
  EXPECT_EQ(get(&bm, 32767), -EINVAL);
  EXPECT_EQ(get(&bm, 0), -ENOENT);
  ASSERT_EQ(slot(0), 0);
  EXPECT_EQ(get(&bm, 0), -ENOENT);
}

// Stores on several vCPUs race with get+clear rounds as a migrating VMM
// does them: get the log, clear what it showed in chunks, then "send" (read)
// those pages. In each of many epochs the stores run against the rounds,
// then pause; one more round must then leave every page's sent copy equal
// to its content: a store whose dirty bit was lost leaves a stale copy.
void migration_race(kx_vm* vm, unsigned char* ram, bool manual, std::vector<kx_vcpu*> vcpus,
                    unsigned long long pages) {
  std::atomic<bool> quit{false}, running{false};
  std::atomic<unsigned> paused{0};
  std::atomic<unsigned long long> stores{0};
  std::vector<std::thread> writers;
  for (size_t w = 0; w < vcpus.size(); w++) {
    writers.emplace_back([&, w] {
      unsigned long long seq = 0;
      unsigned seed = static_cast<unsigned>(w) + 1;
      while (!quit.load()) {
        if (!running.load()) {
          paused.fetch_add(1);
          while (!running.load() && !quit.load()) std::this_thread::yield();
          paused.fetch_sub(1);
          continue;
        }
        const unsigned long long page = rand_r(&seed) % pages;
        kx_guest_access a = {KX_ACCESS_MEM,   KX_ACCESS_WRITE, kGpa + page * kPage, 8, 0,
                             (++seq << 8) | w};
        kx_exit e = {};
        ASSERT_EQ(kx_vcpu_guest_access(vcpus[w], &a, &e), 0);
        stores.fetch_add(1);
      }
    });
  }
  std::vector<unsigned long long> sent(pages, 0), bm(pages / 64);
  auto round = [&] {
    ASSERT_EQ(kx_vm_get_dirty_log(vm, 0, reinterpret_cast<uintptr_t>(bm.data())), 0);
    if (manual) {
      for (unsigned long long first = 0; first < pages; first += 128) {
        ASSERT_EQ(
            kx_vm_clear_dirty_log(vm, 0, first, 128, reinterpret_cast<uintptr_t>(&bm[first / 64])),
            0);
      }
    }
    for (unsigned long long p = 0; p < pages; p++) {
      if (bm[p / 64] >> (p % 64) & 1) memcpy(&sent[p], ram + p * kPage, 8);
    }
  };
  // Bounded by work, and by 20 s in any case.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  unsigned long long lost = 0;
  int epochs = 0;
  for (; epochs < 100 && std::chrono::steady_clock::now() < deadline; epochs++) {
    const unsigned long long target = stores.load() + 2000;
    running.store(true);
    while (stores.load() < target) round();
    running.store(false);
    while (paused.load() != writers.size()) std::this_thread::yield();
    round();
    for (unsigned long long p = 0; p < pages; p++) {
      unsigned long long now;
      memcpy(&now, ram + p * kPage, 8);
      if (now != sent[p]) lost++;
    }
  }
  quit.store(true);
  for (auto& w : writers) w.join();
  EXPECT_EQ(epochs, 100) << "ran out of time";
  EXPECT_EQ(lost, 0u) << "pages whose last store of an epoch no round saw";
}

TEST_F(DirtyLogTest, NoStoreIsLostToRacingGetAndClear) {
  ASSERT_EQ(enable(KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE), 0);
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES, 256), 0);
  std::vector<kx_vcpu*> vcpus = {vcpu_};
  for (unsigned id = 1; id < 3; id++) {
    kx_vcpu* c;
    ASSERT_EQ(kx_vm_create_vcpu(vm_, id, &c), 0);
    vcpus.push_back(c);
  }
  migration_race(vm_, ram_, true, vcpus, 256);
}

TEST_F(DirtyLogTest, NoStoreIsLostToRacingLegacyGet) {
  ASSERT_EQ(slot(KX_MEM_LOG_DIRTY_PAGES, 256), 0);
  std::vector<kx_vcpu*> vcpus = {vcpu_};
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &c), 0);
  vcpus.push_back(c);
  migration_race(vm_, ram_, false, vcpus, 256);
}

}  // namespace
