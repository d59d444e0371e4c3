// SPDX-License-Identifier: GPL-2.0
// arm64 registers beyond the core set: KVM_GET_REG_LIST counts and order,
// SVE Z/P/FFR slices, system, firmware and timer registers, a full
// snapshot/restore, and the PV stolen-time attribute.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint64_t kArm64 = 0x6000000000000000ull;
constexpr uint64_t kU32 = 0x0020000000000000ull, kU64 = 0x0030000000000000ull;
constexpr uint64_t kU128 = 0x0040000000000000ull;
constexpr uint64_t kSizeMask = 0x00f0000000000000ull;
constexpr uint64_t kVls = kArm64 | (0x15ull << 16) | 0x0060000000000000ull | 0xffff;
constexpr uint64_t zreg(uint64_t n, uint64_t i) {
  return kArm64 | (0x15ull << 16) | 0x0080000000000000ull | n << 5 | i;
}
constexpr uint64_t preg(uint64_t n, uint64_t i) {
  return kArm64 | (0x15ull << 16) | 0x400 | 0x0050000000000000ull | n << 5 | i;
}
constexpr uint64_t sys(uint64_t op0, uint64_t op1, uint64_t crn, uint64_t crm, uint64_t op2) {
  return kArm64 | kU64 | (0x13ull << 16) | op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}
constexpr uint64_t fw(uint64_t r) { return kArm64 | kU64 | (0x14ull << 16) | r; }
constexpr uint64_t bmap(uint64_t r) { return kArm64 | kU64 | (0x16ull << 16) | r; }
constexpr uint64_t core(uint64_t size, uint64_t off) {
  return kArm64 | size | (0x10ull << 16) | off;
}
constexpr uint64_t kTimerCnt = sys(3, 3, 14, 3, 2);  // the uapi's swapped encodings
constexpr uint64_t kTimerCval = sys(3, 3, 14, 0, 2);
constexpr uint64_t kTimerCtl = sys(3, 3, 14, 3, 1);

enum { kPsci = 2, kPmu = 3, kSve = 4, kPacA = 5, kPacG = 6 };
constexpr uint32_t kAll = 1u << kPsci | 1u << kPmu | 1u << kSve | 1u << kPacA | 1u << kPacG;

size_t reg_bytes(uint64_t id) { return size_t{1} << ((id & kSizeMask) >> 52); }

class Arm64RegsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    vm_ = make_vm();
  }
  void TearDown() override {
    for (kx_vm* vm : vms_) kx_vm_put(vm);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_);
  }
  kx_vm* make_vm() {
    kx_vm* vm = nullptr;
    EXPECT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &vm), 0);
    vms_.push_back(vm);
    return vm;
  }
  kx_vcpu* vcpu(kx_vm* vm, uint32_t id, uint32_t features, bool finalize = true) {
    kx_vcpu* v = nullptr;
    EXPECT_EQ(kx_vm_create_vcpu(vm, id, &v), 0);
    unsigned int f[7] = {features};
    EXPECT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
    int what = kSve;
    if (finalize && (features & 1u << kSve)) {
      EXPECT_EQ(kx_vcpu_arm64_finalize(v, reinterpret_cast<uintptr_t>(&what)), 0);
    }
    return v;
  }
  static int reg(kx_vcpu* v, bool set, uint64_t id, void* value) {
    uint64_t r[2] = {id, reinterpret_cast<uintptr_t>(value)};
    return kx_vcpu_one_reg(v, set, reinterpret_cast<uintptr_t>(r));
  }
  static uint64_t get64(kx_vcpu* v, uint64_t id) {
    uint64_t x = 0;
    EXPECT_EQ(reg(v, false, id, &x), 0) << std::hex << id;
    return x;
  }
  static int set64(kx_vcpu* v, uint64_t id, uint64_t x) { return reg(v, true, id, &x); }
  static std::vector<uint64_t> list(kx_vcpu* v) {
    uint64_t n = 0;
    EXPECT_EQ(kx_vcpu_arm64_reg_list(v, reinterpret_cast<uintptr_t>(&n)), -E2BIG);
    std::vector<uint64_t> buf(n + 1);
    buf[0] = n;
    EXPECT_EQ(kx_vcpu_arm64_reg_list(v, reinterpret_cast<uintptr_t>(buf.data())), 0);
    EXPECT_EQ(buf[0], n);
    return std::vector<uint64_t>(buf.begin() + 1, buf.end());
  }

  long live_ = 0;
  std::vector<kx_vm*> vms_;
  kx_vm* vm_ = nullptr;
};

size_t count_coproc(const std::vector<uint64_t>& ids, uint64_t coproc) {
  size_t n = 0;
  for (uint64_t id : ids) n += ((id >> 16) & 0xfff) == coproc;
  return n;
}

// The counts Linux 6.1 gives (tools/testing/selftests/kvm/aarch64/get-reg-list.c):
// core 75 without SVE, 43 with; SVE 50 + ZCR_EL1; ptrauth 10; PMU 74.
TEST_F(Arm64RegsTest, RegListCountsPerFeatureSet) {
  const size_t plain = list(vcpu(vm_, 0, 0)).size();
  auto ids = list(vcpu(vm_, 1, 0));
  EXPECT_EQ(count_coproc(ids, 0x10), 75u);
  EXPECT_EQ(count_coproc(ids, 0x15), 0u);
  EXPECT_EQ(count_coproc(ids, 0x14) + count_coproc(ids, 0x16), 7u);
  EXPECT_EQ(count_coproc(ids, 0x11), 3u);  // CCSIDR: L1 D, L1 I, L2
  // base_regs' system registers: 5 invariant, 149 in the table, 3 timer.
  EXPECT_EQ(count_coproc(ids, 0x13), 157u);

  ids = list(vcpu(vm_, 2, 1u << kSve));
  EXPECT_EQ(count_coproc(ids, 0x10), 43u);
  EXPECT_EQ(count_coproc(ids, 0x15), 50u);
  EXPECT_EQ(ids.size(), plain - 32 + 50 + 1);  // ZCR_EL1
  EXPECT_EQ(list(vcpu(vm_, 3, 1u << kPacA | 1u << kPacG)).size(), plain + 10);
  EXPECT_EQ(list(vcpu(vm_, 4, 1u << kPmu)).size(), plain + 74);
}

TEST_F(Arm64RegsTest, RegListOrderIsCoreSveFirmwareTimerSystem) {
  auto ids = list(vcpu(vm_, 0, kAll));
  ASSERT_GT(ids.size(), 200u);
  EXPECT_EQ(ids[0], core(kU64, 0));
  EXPECT_EQ(ids[42], core(kU32, 213));  // FPCR ends the core block
  EXPECT_EQ(ids[43], kVls);             // VLS opens the SVE block
  EXPECT_EQ(ids[44], zreg(0, 0));
  EXPECT_EQ(ids[92], preg(15, 0) + (1 << 5));  // FFR
  EXPECT_EQ(ids[93], fw(0));
  EXPECT_EQ(ids[99], bmap(2));
  EXPECT_EQ(ids[100], kTimerCtl);
  EXPECT_EQ(ids[101], kTimerCnt);
  EXPECT_EQ(ids[102], kTimerCval);
  EXPECT_EQ(ids[103], sys(3, 0, 0, 0, 0));  // MIDR_EL1, the invariants first
  // Then ascending encodings, then DEMUX at the end.
  for (size_t i = 109; i < ids.size() && count_coproc({ids[i]}, 0x13); i++)
    EXPECT_LT(ids[i - 1] & 0xffff, ids[i] & 0xffff) << i;
  EXPECT_EQ((ids.back() >> 16) & 0xfff, 0x11u);
}

TEST_F(Arm64RegsTest, RegListRules) {
  kx_vcpu* v = nullptr;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  uint64_t n = 1000;
  EXPECT_EQ(kx_vcpu_arm64_reg_list(v, reinterpret_cast<uintptr_t>(&n)), -ENOEXEC);
  unsigned int f[7] = {1u << kSve};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
  EXPECT_EQ(kx_vcpu_arm64_reg_list(v, reinterpret_cast<uintptr_t>(&n)), -EPERM);
  EXPECT_EQ(n, 1000u);
  int what = kSve;
  ASSERT_EQ(kx_vcpu_arm64_finalize(v, reinterpret_cast<uintptr_t>(&what)), 0);
  n = 3;
  EXPECT_EQ(kx_vcpu_arm64_reg_list(v, reinterpret_cast<uintptr_t>(&n)), -E2BIG);
  EXPECT_EQ(n, 43u + 50 + 7 + 157 + 1 + 3);  // core, SVE, fw, sys, ZCR_EL1, CCSIDR
  EXPECT_EQ(kx_vcpu_arm64_reg_list(v, 0), -EFAULT);
  n = 1ull << 32;  // kvm_arch_vcpu_ioctl() keeps n in an unsigned int
  EXPECT_EQ(kx_vcpu_arm64_reg_list(v, reinterpret_cast<uintptr_t>(&n)), -E2BIG);
}

// KVM_CREATE_VM failing on any allocation (the VM, its arm64 state)
// leaves the owner reference to the caller, who drops it (the shim's
// mmdrop()); a created VM drops it once, when it dies.
TEST_F(Arm64RegsTest, FailedVmCreateLeavesTheOwnerAlone) {
  int owner;
  for (long n = 0;; n++) {
    const long puts = host::owner_puts();
    host::reset_allocation_counters();
    host::fail_allocation_after(n);
    kx_vm* vm = nullptr;
    const int r = kx_vm_create(KX_ARM64, 0, &owner, &vm);
    const bool injected = host::allocations_attempted() > n;
    host::reset_allocation_counters();
    if (!injected) {
      ASSERT_EQ(r, 0);
      EXPECT_EQ(host::owner_puts(), puts);
      kx_vm_put(vm);
      EXPECT_EQ(host::owner_puts(), puts + 1);
      break;
    }
    EXPECT_EQ(r, -ENOMEM) << n;
    EXPECT_EQ(host::owner_puts(), puts) << "allocation " << n;
  }
}

TEST_F(Arm64RegsTest, ReinitZeroesTheSveRegisters) {
  kx_vcpu* v = vcpu(vm_, 0, 1u << kSve);
  uint8_t z[256];
  memset(z, 0x77, sizeof(z));
  ASSERT_EQ(reg(v, true, zreg(5, 0), z), 0);
  unsigned int f[7] = {1u << kSve};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
  ASSERT_EQ(reg(v, false, zreg(5, 0), z), 0);
  for (int i = 0; i < 256; i++) ASSERT_EQ(z[i], 0) << i;
}

// Every listed register reads, and takes back what it read.
TEST_F(Arm64RegsTest, EveryListedRegisterRoundTrips) {
  for (uint32_t features : {0u, kAll, kAll & ~(1u << kSve)}) {
    kx_vcpu* v = vcpu(make_vm(), 0, features);
    for (uint64_t id : list(v)) {
      if (id == kVls) continue;  // -EPERM after finalize
      uint8_t value[256] = {};
      ASSERT_EQ(reg(v, false, id, value), 0) << std::hex << id;
      EXPECT_EQ(reg(v, true, id, value), 0) << std::hex << id;
    }
  }
}

TEST_F(Arm64RegsTest, SveSlicesZeroFillAndIgnoreBeyondTheVectorLength) {
  kx_vcpu* v = nullptr;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  unsigned int f[7] = {1u << kSve};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
  uint8_t z[256];
  memset(z, 0xff, sizeof(z));
  EXPECT_EQ(reg(v, true, zreg(3, 0), z), -EPERM);  // before finalize
  uint64_t vqs[8] = {0x3};                         // 128 and 256 bits
  ASSERT_EQ(reg(v, true, kVls, vqs), 0);
  int what = kSve;
  ASSERT_EQ(kx_vcpu_arm64_finalize(v, reinterpret_cast<uintptr_t>(&what)), 0);
  EXPECT_EQ(reg(v, true, zreg(3, 1), z), -ENOENT);  // slice 1 does not exist
  EXPECT_EQ(reg(v, true, zreg(3, 0) & ~0x0080000000000000ull, z), -EINVAL);
  ASSERT_EQ(reg(v, true, zreg(3, 0), z), 0);
  ASSERT_EQ(reg(v, true, preg(16, 0), z), 0);  // FFR
  uint8_t out[256];
  memset(out, 0xaa, sizeof(out));
  ASSERT_EQ(reg(v, false, zreg(3, 0), out), 0);
  for (int i = 0; i < 256; i++) ASSERT_EQ(out[i], i < 32 ? 0xff : 0) << i;
  ASSERT_EQ(reg(v, false, zreg(2, 0), out), 0);  // its neighbours untouched
  for (int i = 0; i < 256; i++) ASSERT_EQ(out[i], 0) << i;
  ASSERT_EQ(reg(v, false, preg(16, 0), out), 0);
  for (int i = 0; i < 32; i++) ASSERT_EQ(out[i], i < 4 ? 0xff : 0) << i;
  ASSERT_EQ(reg(v, false, preg(15, 0), out), 0);
  for (int i = 0; i < 32; i++) ASSERT_EQ(out[i], 0) << i;
  // No SVE: -ENOENT for every SVE id, VLS included.
  kx_vcpu* plain = vcpu(vm_, 1, 0);
  EXPECT_EQ(reg(plain, false, zreg(0, 0), out), -ENOENT);
  EXPECT_EQ(reg(plain, false, kVls, out), -ENOENT);
}

TEST_F(Arm64RegsTest, SystemRegisterRules) {
  kx_vcpu* v = vcpu(vm_, 0x123, 1u << kPmu);
  EXPECT_EQ(get64(v, sys(3, 0, 0, 0, 5)), (1ull << 31) | 0x3 | 0x12ull << 8);  // MPIDR_EL1
  EXPECT_EQ(get64(v, sys(3, 0, 1, 0, 0)), 0x00C50078u);                        // SCTLR_EL1 reset
  EXPECT_EQ(get64(v, sys(3, 0, 13, 0, 4)), 0x1de7ec7edbadc0deull);             // TPIDR_EL1: UNKNOWN
  EXPECT_EQ(set64(v, sys(3, 0, 13, 0, 4), 42), 0);
  EXPECT_EQ(get64(v, sys(3, 0, 13, 0, 4)), 42u);
  const uint64_t midr = get64(v, sys(3, 0, 0, 0, 0));
  EXPECT_EQ(set64(v, sys(3, 0, 0, 0, 0), midr), 0);
  EXPECT_EQ(set64(v, sys(3, 0, 0, 0, 0), midr + 1), -EINVAL);
  const uint64_t isar0 = get64(v, sys(3, 0, 0, 6, 0));
  EXPECT_EQ(set64(v, sys(3, 0, 0, 6, 0), isar0 ^ 0xf0), -EINVAL);
  EXPECT_EQ(set64(v, sys(3, 0, 0, 4, 2), 1), -EINVAL);  // unallocated: RAZ
  EXPECT_EQ(set64(v, sys(3, 0, 0, 4, 2), 0), 0);
  // ID_AA64PFR0_EL1: CSV2 may go to 0 (per VM), nothing else may change.
  const uint64_t pfr0 = get64(v, sys(3, 0, 0, 4, 0));
  EXPECT_EQ((pfr0 >> 32) & 0xf, 0u);  // no SVE on this vCPU
  EXPECT_EQ(set64(v, sys(3, 0, 0, 4, 0), pfr0 | 1ull << 32), -EINVAL);
  EXPECT_EQ(set64(v, sys(3, 0, 0, 4, 0), pfr0 | 2ull << 56), -EINVAL);
  EXPECT_EQ(set64(v, sys(3, 0, 0, 4, 0), pfr0 & ~(0xfull << 56)), 0);
  EXPECT_EQ(get64(vcpu(vm_, 1, 0), sys(3, 0, 0, 4, 0)) >> 56 & 0xf, 0u);
  // OSLSR_EL1: only OSLK.
  EXPECT_EQ(set64(v, sys(2, 0, 1, 1, 4), 0x8 | 0x2), 0);
  EXPECT_EQ(set64(v, sys(2, 0, 1, 1, 4), 0x2), -EINVAL);
  // PMSWINC reads 0 and ignores writes; PMEVCNTR reads 32 bits.
  EXPECT_EQ(set64(v, sys(3, 3, 9, 12, 4), ~0ull), 0);
  EXPECT_EQ(get64(v, sys(3, 3, 9, 12, 4)), 0u);
  EXPECT_EQ(set64(v, sys(3, 3, 14, 8, 0), 0x123456789ull), 0);
  EXPECT_EQ(get64(v, sys(3, 3, 14, 8, 0)), 0x23456789u);
  // PMINTENCLR shares PMINTENSET's storage.
  EXPECT_EQ(set64(v, sys(3, 0, 9, 14, 2), 0x5), 0);
  EXPECT_EQ(get64(v, sys(3, 0, 9, 14, 1)), 0x5u);
  // Not listed: -ENOENT; wrong size: -ENOENT; a fault before the lookup.
  uint64_t x = 0;
  EXPECT_EQ(reg(v, false, sys(3, 3, 14, 2, 1), &x), -ENOENT);  // CNTP_CTL_EL0
  EXPECT_EQ(reg(v, false, sys(3, 0, 2, 1, 0), &x), -ENOENT);   // ptrauth key
  EXPECT_EQ(reg(v, false, sys(3, 0, 1, 2, 0), &x), -ENOENT);   // ZCR_EL1
  EXPECT_EQ(reg(v, false, (sys(3, 0, 13, 0, 4) & ~kSizeMask) | kU32, &x), -ENOENT);
  EXPECT_EQ(reg(v, true, sys(3, 3, 14, 2, 1), nullptr), -EFAULT);
  // An id outside the documented blocks is no register (6.1 would find
  // MIDR_EL1 and TPIDR_EL1 here: Documentation/differences.rst).
  const uint64_t other_block = (0x12ull << 16) ^ (0x13ull << 16);
  EXPECT_EQ(reg(v, false, sys(3, 0, 0, 0, 0) ^ other_block, &x), -ENOENT);
  EXPECT_EQ(reg(v, true, sys(3, 0, 13, 0, 4) ^ other_block, &x), -ENOENT);
  // Re-init resets.
  unsigned int f[7] = {1u << kPmu};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, f), 0);
  EXPECT_EQ(get64(v, sys(3, 0, 13, 0, 4)), 0x1de7ec7edbadc0deull);
}

TEST_F(Arm64RegsTest, DemuxCcsidrIsInvariant) {
  kx_vcpu* v = vcpu(vm_, 0, 0);
  const uint64_t l1d = kArm64 | kU32 | (0x11ull << 16) | 0;
  uint32_t c = 0;
  ASSERT_EQ(reg(v, false, l1d, &c), 0);
  EXPECT_NE(c, 0u);
  EXPECT_EQ(reg(v, true, l1d, &c), 0);
  c ^= 1;
  EXPECT_EQ(reg(v, true, l1d, &c), -EINVAL);
  EXPECT_EQ(reg(v, false, l1d | 3, &c), -ENOENT);  // L2 has no I cache
  EXPECT_EQ(reg(v, false, (l1d & ~kSizeMask) | kU64, &c), -ENOENT);
}

TEST_F(Arm64RegsTest, FirmwareRegisters) {
  kx_vcpu* v = vcpu(vm_, 0, 1u << kPsci);
  EXPECT_EQ(get64(v, fw(0)), 0x10001u);
  EXPECT_EQ(set64(v, fw(0), 1), -EINVAL);  // 0.1 needs no PSCI_0_2
  EXPECT_EQ(set64(v, fw(0), 0x10000), 0);
  EXPECT_EQ(get64(v, fw(0)), 0x10000u);
  EXPECT_EQ(set64(v, fw(0), 3), -EINVAL);
  kx_vcpu* old = vcpu(vm_, 1, 0);
  EXPECT_EQ(get64(old, fw(0)), 1u);
  EXPECT_EQ(set64(old, fw(0), 2), -EINVAL);
  EXPECT_EQ(set64(v, fw(1), get64(v, fw(1))), 0);
  EXPECT_EQ(set64(v, fw(1), get64(v, fw(1)) + 1), -EINVAL);
  uint64_t x = 0;
  EXPECT_EQ(reg(v, true, (fw(0) & ~kSizeMask) | kU32, &x), -ENOENT);
  EXPECT_EQ(reg(v, false, fw(9), &x), -ENOENT);
  EXPECT_EQ(get64(v, bmap(2)), 0x3u);
  EXPECT_EQ(set64(v, bmap(2), 0x4), -EINVAL);
  EXPECT_EQ(set64(v, bmap(2), 0x1), 0);
  EXPECT_EQ(get64(old, bmap(2)), 0x1u);  // per VM
  kx_run r = {};
  r.immediate_exit = 1;
  EXPECT_EQ(kx_vcpu_run(old, &r), -EINTR);
  EXPECT_EQ(set64(v, bmap(2), 0x3), -EBUSY);
  EXPECT_EQ(set64(v, bmap(2), 0x1), 0);
}

TEST_F(Arm64RegsTest, TimerRegistersShareTheVmCounter) {
  kx_vcpu* a = vcpu(vm_, 0, 0);
  kx_vcpu* b = vcpu(vm_, 1, 0);
  const uint64_t t = 1ull << 40;
  ASSERT_EQ(set64(a, kTimerCnt, t), 0);
  const uint64_t ca = get64(a, kTimerCnt), cb = get64(b, kTimerCnt);
  EXPECT_GE(ca, t);
  EXPECT_GE(cb, ca);
  EXPECT_LT(cb, t + 10'000'000'000ull);
  EXPECT_EQ(set64(a, kTimerCval, ~0ull), 0);
  EXPECT_EQ(set64(a, kTimerCtl, 0x7), 0);
  EXPECT_EQ(get64(a, kTimerCtl), 0x3u);  // ISTATUS is computed
  EXPECT_EQ(set64(a, kTimerCval, 0), 0);
  EXPECT_EQ(get64(a, kTimerCtl), 0x7u);
  EXPECT_EQ(get64(b, kTimerCval), 0u);  // CVAL is per vCPU
}

TEST_F(Arm64RegsTest, VRegistersRefusedOnSveSnapshotRestore) {
  kx_vcpu* src = vcpu(vm_, 0, kAll);
  // Distinctive values in everything writable.
  for (uint64_t id : list(src)) {
    uint8_t value[256];
    if (id == kVls || ((id >> 16) & 0xfff) != 0x15) continue;
    for (size_t i = 0; i < sizeof(value); i++) value[i] = static_cast<uint8_t>(id * 7 + i);
    ASSERT_EQ(reg(src, true, id, value), 0);
  }
  EXPECT_EQ(set64(src, sys(3, 0, 2, 1, 0), 0xabcdef), 0);  // APIAKEYLO_EL1
  EXPECT_EQ(set64(src, core(kU64, 64), 0x80000), 0);       // PC
  const auto ids = list(src);
  std::vector<std::vector<uint8_t>> saved;
  for (uint64_t id : ids) {
    std::vector<uint8_t> value(reg_bytes(id));
    ASSERT_EQ(reg(src, false, id, value.data()), 0);
    saved.push_back(value);
  }
  kx_vcpu* dst = vcpu(make_vm(), 0, kAll, false);
  uint8_t v0[16] = {};
  EXPECT_EQ(reg(dst, true, core(kU128, 84), v0), -EINVAL);
  ASSERT_EQ(reg(dst, true, kVls, saved[43].data()), 0);
  int what = kSve;
  ASSERT_EQ(kx_vcpu_arm64_finalize(dst, reinterpret_cast<uintptr_t>(&what)), 0);
  EXPECT_EQ(reg(dst, true, kVls, saved[43].data()), -EPERM);
  for (size_t i = 0; i < ids.size(); i++) {
    if (ids[i] == kVls) continue;
    EXPECT_EQ(reg(dst, true, ids[i], saved[i].data()), 0) << std::hex << ids[i];
  }
  for (size_t i = 0; i < ids.size(); i++) {
    std::vector<uint8_t> value(reg_bytes(ids[i]));
    ASSERT_EQ(reg(dst, false, ids[i], value.data()), 0);
    if (ids[i] == kTimerCnt) continue;  // the counter runs on
    EXPECT_EQ(value, saved[i]) << std::hex << ids[i];
  }
}

TEST_F(Arm64RegsTest, PvtimeAttribute) {
  kx_vcpu* v = vcpu(vm_, 0, 0);
  alignas(4096) static uint8_t ram[1 << 16];
  kx_memory_region m = {};
  m.slot = 0;
  m.guest_phys_addr = 0x100000;
  m.memory_size = sizeof(ram);
  m.userspace_addr = reinterpret_cast<uintptr_t>(ram);
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &m), 0);
  auto attr = [&](kx_attr_op op, uint64_t a, uint64_t* value) {
    kx_attr at = {0, 2, a, reinterpret_cast<uintptr_t>(value)};
    return kx_vcpu_attr(v, op, reinterpret_cast<uintptr_t>(&at));
  };
  uint64_t ipa = 0;
  EXPECT_EQ(attr(KX_ATTR_HAS, 0, nullptr), 0);
  EXPECT_EQ(attr(KX_ATTR_HAS, 1, nullptr), -ENXIO);
  EXPECT_EQ(attr(KX_ATTR_GET, 0, &ipa), 0);
  EXPECT_EQ(ipa, ~0ull);
  ipa = 0x100020;
  EXPECT_EQ(attr(KX_ATTR_SET, 0, &ipa), -EINVAL);  // not 64-byte aligned
  ipa = 0x200000;
  EXPECT_EQ(attr(KX_ATTR_SET, 0, &ipa), -EINVAL);  // no memslot
  ipa = 0x100040;
  EXPECT_EQ(attr(KX_ATTR_SET, 0, &ipa), 0);
  EXPECT_EQ(attr(KX_ATTR_SET, 0, &ipa), -EEXIST);
  uint64_t got = 0;
  EXPECT_EQ(attr(KX_ATTR_GET, 0, &got), 0);
  EXPECT_EQ(got, 0x100040u);
}

// The guest side: PV_TIME_FEATURES and PV_TIME_ST (SMCCC), gated by the
// VMM's KVM_REG_ARM_STD_HYP_BMAP; ST zeroes the structure through the
// dirty log.
TEST_F(Arm64RegsTest, PvtimeHypercalls) {
  kx_vcpu* v = vcpu(vm_, 0, 0);
  alignas(4096) static uint8_t ram[1 << 16];
  memset(ram, 0xee, sizeof(ram));
  kx_memory_region m = {};
  m.flags = KX_MEM_LOG_DIRTY_PAGES;
  m.guest_phys_addr = 0x100000;
  m.memory_size = sizeof(ram);
  m.userspace_addr = reinterpret_cast<uintptr_t>(ram);
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &m), 0);
  auto hvc = [&](uint64_t fn, uint64_t arg) {
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, fn, 8, 0, arg};
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &e), 0);
    return a.data;
  };
  const uint64_t kFeatures = 0xc5000020, kSt = 0xc5000021, kNotSupported = ~0ull;
  EXPECT_EQ(hvc(kFeatures, kSt), kNotSupported);  // no IPA set yet
  EXPECT_EQ(hvc(kSt, 0), kNotSupported);
  uint64_t ipa = 0x102040;
  kx_attr at = {0, 2, 0, reinterpret_cast<uintptr_t>(&ipa)};
  ASSERT_EQ(kx_vcpu_attr(v, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&at)), 0);
  EXPECT_EQ(hvc(kFeatures, kSt), 0u);
  EXPECT_EQ(hvc(kFeatures, 0x12345), kNotSupported);
  EXPECT_EQ(hvc(kSt, 0), 0x102040u);
  for (int i = 0; i < 64; i++) ASSERT_EQ(ram[0x2040 + i], 0) << i;
  EXPECT_EQ(ram[0x2040 + 64], 0xee);
  uint64_t log[1] = {};
  ASSERT_EQ(kx_vm_get_dirty_log(vm_, 0, reinterpret_cast<uintptr_t>(log)), 0);
  EXPECT_EQ(log[0], 1u << 2);          // page 2 of the slot
  ASSERT_EQ(set64(v, bmap(1), 0), 0);  // the VMM withdraws PV time
  EXPECT_EQ(hvc(kFeatures, kSt), kNotSupported);
  EXPECT_EQ(hvc(kSt, 0), kNotSupported);
  kx_guest_access trng = {KX_ACCESS_HYPERCALL, 0, 0x84000050, 8, 0, 0};
  kx_exit e = {};
  EXPECT_EQ(kx_vcpu_guest_access(v, &trng, &e), -ENXIO);  // the TRNG is not emulated
}

}  // namespace
