// SPDX-License-Identifier: GPL-2.0
// s390's VM attributes and CMMA migration (arch/s390/vm_attr.cpp,
// cmma.cpp, machine.cpp) through the C ABI: the CPU model against the
// emulated z15, the TOD epoch, the memory limit, crypto, migration mode
// and KVM_S390_GET/SET_CMMA_BITS.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"

namespace {

constexpr uint32_t kMemCtrl = 0, kTod = 1, kCrypto = 2, kCpuModel = 3, kMigration = 4;

struct Processor {
  uint64_t cpuid;
  uint16_t ibc;
  uint8_t pad[6];
  uint64_t fac_list[256];
};
struct Machine {
  uint64_t cpuid;
  uint32_t ibc;
  uint8_t pad[4];
  uint64_t fac_mask[256];
  uint64_t fac_list[256];
};
struct TodClock {
  uint8_t epoch_idx;
  uint64_t tod;
};
struct CmmaLog {
  uint64_t start_gfn;
  uint32_t count;
  uint32_t flags;
  uint64_t remaining;
  uint64_t values;
};

bool HasFacility(const uint64_t* list, unsigned nr) {
  return (list[nr / 64] >> (63 - nr % 64)) & 1;
}
void DropFacility(uint64_t* list, unsigned nr) { list[nr / 64] &= ~(1ull << (63 - nr % 64)); }

class S390VmAttrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_vm_create(KX_S390, 0, nullptr, &vm_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    for (auto& [p, n] : maps_) munmap(p, n);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  int Attr(kx_attr_op op, uint32_t group, uint64_t a, const void* addr, uint32_t flags = 0) {
    kx_attr at = {flags, group, a, reinterpret_cast<uintptr_t>(addr)};
    return kx_vm_attr(vm_, op, reinterpret_cast<uintptr_t>(&at));
  }
  int Set(uint32_t g, uint64_t a, const void* v = nullptr) { return Attr(KX_ATTR_SET, g, a, v); }
  int Get(uint32_t g, uint64_t a, void* v) { return Attr(KX_ATTR_GET, g, a, v); }
  int Slot(uint32_t id, uint64_t gpa, uint64_t size, uint32_t flags) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    maps_.push_back({p, size});
    kx_memory_region r = {id, flags, gpa, size, reinterpret_cast<uintptr_t>(p)};
    return kx_vm_set_memory_region(vm_, &r);
  }
  void Vcpu() {
    kx_vcpu* v;
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  }
  long Cmma(unsigned cmd, CmmaLog* log) {
    return kx_vm_ioctl(vm_, cmd, reinterpret_cast<uintptr_t>(log));
  }

  kx_vm* vm_ = nullptr;
  std::vector<std::pair<void*, size_t>> maps_;
  long live_ = 0;
};

// The z15 model: the machine's CPUID and IBC range, its facilities (MSA9
// among them) and kdsa's query block; a new VM's CPUID has version 0xff,
// the unblocked IBC and KVM's facilities of the machine.
TEST_F(S390VmAttrTest, CpuModelOfTheMachine) {
  Machine m;
  ASSERT_EQ(Get(kCpuModel, 1, &m), 0);
  EXPECT_EQ(m.cpuid, 0x000d2d2885618000ull);
  EXPECT_EQ(m.ibc, 0x007100b1u);
  EXPECT_TRUE(HasFacility(m.fac_list, 155));
  EXPECT_FALSE(HasFacility(m.fac_list, 150));
  EXPECT_FALSE(HasFacility(m.fac_mask, 72));  // AIS comes with the capability
  Processor p;
  ASSERT_EQ(Get(kCpuModel, 0, &p), 0);
  EXPECT_EQ(p.cpuid, 0xff0d2d2885618000ull);
  EXPECT_EQ(p.ibc, 0x0b1);
  for (unsigned nr = 0; nr < 256 * 64; nr++) {
    if (HasFacility(p.fac_list, nr)) {
      EXPECT_TRUE(HasFacility(m.fac_mask, nr)) << nr;
    }
  }
  EXPECT_TRUE(HasFacility(p.fac_list, 76) && HasFacility(p.fac_list, 139) &&
              HasFacility(p.fac_list, 155));
  uint8_t sub[2048];
  ASSERT_EQ(Get(kCpuModel, 5, sub), 0);
  EXPECT_EQ(sub[240], 0x80 | 0x70);  // kdsa: query, ECDSA verify P256/384/521
  for (int i = 256; i < 2048; i++) ASSERT_EQ(sub[i], 0) << i;
  kx_enable_cap c = {};
  c.cap = KX_CAP_S390_AIS;
  ASSERT_EQ(kx_vm_enable_cap(vm_, &c), 0);
  ASSERT_EQ(Get(kCpuModel, 1, &m), 0);
  EXPECT_TRUE(HasFacility(m.fac_mask, 72));
}

// PROCESSOR: the IBC kept within the machine's range (0 leaves it);
// PROCESSOR_FEAT only what MACHINE_FEAT has; PROCESSOR_SUBFUNC unread
// until written (vm.rst); all three -EBUSY once a vCPU exists.
TEST_F(S390VmAttrTest, ProcessorWrites) {
  Processor p;
  ASSERT_EQ(Get(kCpuModel, 0, &p), 0);
  p.ibc = 0x010;
  ASSERT_EQ(Set(kCpuModel, 0, &p), 0);
  ASSERT_EQ(Get(kCpuModel, 0, &p), 0);
  EXPECT_EQ(p.ibc, 0x071);
  p.ibc = 0xfff;
  ASSERT_EQ(Set(kCpuModel, 0, &p), 0);
  ASSERT_EQ(Get(kCpuModel, 0, &p), 0);
  EXPECT_EQ(p.ibc, 0x0b1);
  uint64_t feat[16] = {}, mfeat[16];
  ASSERT_EQ(Get(kCpuModel, 3, mfeat), 0);
  EXPECT_EQ(mfeat[0], 1ull << 63);  // ESOP
  feat[0] = 1ull << 62;             // SIEF2: not the machine's
  EXPECT_EQ(Set(kCpuModel, 2, feat), -EINVAL);
  feat[0] = 1ull << 63;
  EXPECT_EQ(Set(kCpuModel, 2, feat), 0);
  uint8_t sub[2048];
  EXPECT_EQ(Get(kCpuModel, 4, sub), -EINVAL);
  memset(sub, 0x5a, sizeof(sub));
  EXPECT_EQ(Set(kCpuModel, 4, reinterpret_cast<void*>(8)), -EFAULT);
  EXPECT_EQ(Get(kCpuModel, 4, sub), -EINVAL);  // the refused write left nothing
  ASSERT_EQ(Set(kCpuModel, 4, sub), 0);
  uint8_t back[2048] = {};
  ASSERT_EQ(Get(kCpuModel, 4, back), 0);
  EXPECT_EQ(memcmp(sub, back, sizeof(sub)), 0);
  Vcpu();
  EXPECT_EQ(Set(kCpuModel, 0, &p), -EBUSY);
  EXPECT_EQ(Set(kCpuModel, 2, feat), -EBUSY);
  EXPECT_EQ(Set(kCpuModel, 4, sub), -EBUSY);
  EXPECT_EQ(Set(kCpuModel, 1, &p), -ENXIO);  // MACHINE is read-only
  EXPECT_EQ(Attr(KX_ATTR_HAS, kCpuModel, 5, nullptr), 0);
  EXPECT_EQ(Attr(KX_ATTR_HAS, kCpuModel, 6, nullptr), -ENXIO);
}

// TOD: what was set reads back as time goes on; a nonzero epoch index
// needs the multiple-epoch facility (139) in the guest's model.
TEST_F(S390VmAttrTest, TodEpoch) {
  TodClock t = {1, 0xffffffffffff0000ull}, back;
  ASSERT_EQ(Set(kTod, 2, &t), 0);
  ASSERT_EQ(Get(kTod, 2, &back), 0);
  // The TOD advances 4096 units a microsecond: the low half wraps and
  // carries into the epoch index within a second.
  EXPECT_TRUE((back.epoch_idx == 1 && back.tod >= t.tod) ||
              (back.epoch_idx == 2 && back.tod < t.tod));
  uint64_t low;
  ASSERT_EQ(Get(kTod, 0, &low), 0);
  const uint64_t low_set = 0x1234567800000000ull;
  ASSERT_EQ(Set(kTod, 0, &low_set), 0);
  ASSERT_EQ(Get(kTod, 0, &low), 0);
  EXPECT_GE(low, low_set);
  EXPECT_LT(low - low_set, 4096ull * 1000000 * 10);  // within 10 s
  const uint8_t high = 1, zero = 0;
  EXPECT_EQ(Set(kTod, 1, &high), -EINVAL);
  EXPECT_EQ(Set(kTod, 1, &zero), 0);
  EXPECT_EQ(Attr(KX_ATTR_SET, kTod, 0, &low_set, 1), -EINVAL);
  EXPECT_EQ(Attr(KX_ATTR_HAS, kTod, 2, nullptr), 0);
  Processor p;
  ASSERT_EQ(Get(kCpuModel, 0, &p), 0);
  DropFacility(p.fac_list, 139);
  ASSERT_EQ(Set(kCpuModel, 0, &p), 0);
  EXPECT_EQ(Set(kTod, 2, &t), -EINVAL);
  t.epoch_idx = 0;
  EXPECT_EQ(Set(kTod, 2, &t), 0);
  ASSERT_EQ(Get(kTod, 2, &back), 0);
  EXPECT_EQ(back.epoch_idx, 0);
}

// LIMIT_SIZE: read back rounded up to the page-table levels; no larger
// than the current limit; not 0; memslots stay below it.
TEST_F(S390VmAttrTest, MemoryLimit) {
  uint64_t limit;
  ASSERT_EQ(Get(kMemCtrl, 2, &limit), 0);
  EXPECT_EQ(limit, ~0xfffull);
  uint64_t set = 1ull << 30;
  ASSERT_EQ(Set(kMemCtrl, 2, &set), 0);
  ASSERT_EQ(Get(kMemCtrl, 2, &limit), 0);
  EXPECT_EQ(limit, 1ull << 31);
  set = (1ull << 31) + 1;
  EXPECT_EQ(Set(kMemCtrl, 2, &set), -E2BIG);
  set = 0;
  EXPECT_EQ(Set(kMemCtrl, 2, &set), -EINVAL);
  EXPECT_EQ(Slot(0, (1ull << 31) - 0x1000, 0x2000, 0), -EINVAL);
  EXPECT_EQ(Slot(0, (1ull << 31) - 0x2000, 0x2000, 0), 0);
  Vcpu();
  set = 1ull << 20;
  EXPECT_EQ(Set(kMemCtrl, 2, &set), -EBUSY);
  EXPECT_EQ(Set(kMemCtrl, 0), -EBUSY);   // ENABLE_CMMA
  EXPECT_EQ(Set(kMemCtrl, 1), -EINVAL);  // CLR_CMMA before ENABLE
}

// Key wrapping needs MSA3 (76) in the guest's model; APIE the machine's
// AP instructions; the group has no GET.
TEST_F(S390VmAttrTest, Crypto) {
  for (uint64_t a = 0; a <= 5; a++) EXPECT_EQ(Set(kCrypto, a), 0) << a;
  EXPECT_EQ(Set(kCrypto, 6), -ENXIO);
  uint8_t v;
  EXPECT_EQ(Get(kCrypto, 0, &v), -ENXIO);
  Processor p;
  ASSERT_EQ(Get(kCpuModel, 0, &p), 0);
  DropFacility(p.fac_list, 76);
  ASSERT_EQ(Set(kCpuModel, 0, &p), 0);
  EXPECT_EQ(Set(kCrypto, 0), -EINVAL);
  EXPECT_EQ(Set(kCrypto, 4), 0);
}

// Migration mode: memory, every slot logging (vm.rst); a slot without
// logging ends it.
TEST_F(S390VmAttrTest, MigrationMode) {
  uint64_t status = 7;
  EXPECT_EQ(Set(kMigration, 1), -EINVAL);  // no memory
  ASSERT_EQ(Slot(0, 0, 0x10000, KX_MEM_LOG_DIRTY_PAGES), 0);
  ASSERT_EQ(Slot(1, 0x100000, 0x10000, 0), 0);
  EXPECT_EQ(Set(kMigration, 1), -EINVAL);
  ASSERT_EQ(Slot(2, 0x200000, 0x10000, KX_MEM_LOG_DIRTY_PAGES), 0);
  kx_memory_region r = {1, 0, 0x100000, 0, 0};
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);
  ASSERT_EQ(Set(kMigration, 1), 0);
  ASSERT_EQ(Get(kMigration, 2, &status), 0);
  EXPECT_EQ(status, 1u);
  ASSERT_EQ(Slot(3, 0x300000, 0x10000, 0), 0);  // a slot without logging
  ASSERT_EQ(Get(kMigration, 2, &status), 0);
  EXPECT_EQ(status, 0u);
  EXPECT_EQ(Get(kMigration, 0, &status), -ENXIO);
  EXPECT_EQ(Attr(KX_ATTR_HAS, kMigration, 2, nullptr), 0);
  EXPECT_EQ(Attr(KX_ATTR_HAS, kMigration, 99, nullptr), -ENXIO);
}

// CMMA bits: -ENXIO without CMMA; SET writes masked values; GET in
// migration mode reports the dirty ones and clears them; PEEK reads
// without migration mode.
TEST_F(S390VmAttrTest, CmmaBits) {
  std::vector<uint8_t> vals(64, 0);
  CmmaLog log = {0, 16, 0, 0, reinterpret_cast<uintptr_t>(vals.data())};
  EXPECT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), -ENXIO);
  ASSERT_EQ(Set(kMemCtrl, 0), 0);
  ASSERT_EQ(Slot(0, 0, 0x20000, KX_MEM_LOG_DIRTY_PAGES), 0);  // 32 pages
  EXPECT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), -EINVAL);      // not migrating
  for (int i = 0; i < 8; i++) vals[i] = static_cast<uint8_t>(0xff);
  log = {4, 8, 0, 0x43ull << 24, reinterpret_cast<uintptr_t>(vals.data())};
  ASSERT_EQ(Cmma(KX_S390_SET_CMMA_BITS, &log), 0);
  log.start_gfn = 30;  // runs past the slot: nothing changes
  EXPECT_EQ(Cmma(KX_S390_SET_CMMA_BITS, &log), -EFAULT);
  log.flags = 1;
  EXPECT_EQ(Cmma(KX_S390_SET_CMMA_BITS, &log), -EINVAL);
  log = {0, 40, 1, 0, reinterpret_cast<uintptr_t>(vals.data())};
  ASSERT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), 0);  // PEEK
  EXPECT_EQ(log.count, 32u);                        // to the end of memory
  EXPECT_EQ(vals[3], 0);
  EXPECT_EQ(vals[4], 0x43);
  EXPECT_EQ(vals[30], 0);
  EXPECT_EQ(log.remaining, 0u);
  ASSERT_EQ(Set(kMigration, 1), 0);
  // Frames 2-19 reported (and clean) first: 0, 1 and 20-31 stay dirty.
  log = {2, 18, 0, 0, reinterpret_cast<uintptr_t>(vals.data())};
  ASSERT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), 0);
  EXPECT_EQ(log.start_gfn, 2u);
  EXPECT_EQ(log.count, 18u);
  EXPECT_EQ(log.remaining, 14u);
  EXPECT_EQ(vals[9], 0x43);  // frame 11
  // Frames 0 and 1, then 18 clean ones: the block ends at frame 1, no
  // clean value after it (api.rst 4.107; 6.1 sends frame 2 too).
  log = {0, 64, 0, 0, reinterpret_cast<uintptr_t>(vals.data())};
  ASSERT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), 0);
  EXPECT_EQ(log.start_gfn, 0u);
  EXPECT_EQ(log.count, 2u);
  EXPECT_EQ(log.remaining, 12u);
  log = {0, 64, 0, 0, reinterpret_cast<uintptr_t>(vals.data())};
  ASSERT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), 0);
  EXPECT_EQ(log.start_gfn, 20u);
  EXPECT_EQ(log.count, 12u);
  EXPECT_EQ(log.remaining, 0u);
  log = {0, 64, 0, 0, reinterpret_cast<uintptr_t>(vals.data())};
  ASSERT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), 0);
  EXPECT_EQ(log.count, 0u);  // nothing dirty any more
  log = {0, 64, 2, 0, reinterpret_cast<uintptr_t>(vals.data())};
  EXPECT_EQ(Cmma(KX_S390_GET_CMMA_BITS, &log), -EINVAL);
}

}  // namespace
