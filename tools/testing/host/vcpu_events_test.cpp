// SPDX-License-Identifier: GPL-2.0
// KVM_GET/SET_VCPU_EVENTS on arm64 (a pending SError, an external data
// abort taken by the vCPU) and KVM_SET_GUEST_DEBUG on every personality,
// through the C ABI.
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

struct Events {
  uint8_t serror_pending, serror_has_esr, ext_dabt_pending, pad[5];
  uint64_t serror_esr;
  uint32_t reserved[12];
};
static_assert(sizeof(Events) == 64);

constexpr uint64_t kCore = 0x6030000000100000ull, kSys = 0x6030000000130000ull;
constexpr uint64_t kPc = kCore | 64, kPstate = kCore | 66, kElr = kCore | 70, kSpsr = kCore | 72,
                   kSpsrAbt = kCore | 74, kX20 = kCore | 40;
constexpr uint64_t kEsr = kSys | 0xc290, kFar = kSys | 0xc300, kVbar = kSys | 0xc600,
                   kDbgbcr0 = kSys | 0x8005, kMdscr = kSys | 0x8012, kDfr0 = kSys | 0xc028,
                   kPfr0 = kSys | 0xc020;

class VcpuEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    kx_arm64_get_host(&defaults_);
  }
  void TearDown() override {
    for (kx_vm* vm : vms_) kx_vm_put(vm);
    ASSERT_EQ(kx_arm64_set_host(&defaults_), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_);
  }
  kx_vcpu* vcpu(kx_personality p = KX_ARM64, uint32_t f0 = 0, bool init = true) {
    kx_vm* vm = nullptr;
    kx_vcpu* v = nullptr;
    EXPECT_EQ(kx_vm_create(p, 0, nullptr, &vm), 0);
    vms_.push_back(vm);
    EXPECT_EQ(kx_vm_create_vcpu(vm, 0, &v), 0);
    if (p == KX_ARM64 && init) {
      const unsigned int features[7] = {f0};
      EXPECT_EQ(kx_vcpu_arm64_init(v, 5, features), 0);
    }
    return v;
  }
  static long get(kx_vcpu* v, Events* ev) {
    memset(ev, 0xa5, sizeof(*ev));
    return kx_vcpu_ioctl(v, KX_GET_VCPU_EVENTS, reinterpret_cast<uintptr_t>(ev));
  }
  static long set(kx_vcpu* v, const Events& ev) {
    return kx_vcpu_ioctl(v, KX_SET_VCPU_EVENTS, reinterpret_cast<uintptr_t>(&ev));
  }
  static uint64_t reg(kx_vcpu* v, uint64_t id) {
    uint64_t val = 0;
    uint64_t r[2] = {id, reinterpret_cast<uintptr_t>(&val)};
    EXPECT_EQ(kx_vcpu_one_reg(v, 0, reinterpret_cast<uintptr_t>(r)), 0) << std::hex << id;
    return val;
  }
  static void set_reg(kx_vcpu* v, uint64_t id, uint64_t val) {
    uint64_t r[2] = {id, reinterpret_cast<uintptr_t>(&val)};
    EXPECT_EQ(kx_vcpu_one_reg(v, 1, reinterpret_cast<uintptr_t>(r)), 0) << std::hex << id;
  }
  // A load outside every memslot: KVM_EXIT_MMIO at addr.
  static void mmio_exit(kx_vcpu* v, uint64_t addr) {
    kx_guest_access a = {KX_ACCESS_MEM, 0, addr, 4, 0, 0};
    kx_exit exit = {};
    ASSERT_EQ(kx_vcpu_guest_access(v, &a, &exit), 0);
    ASSERT_EQ(exit.reason, unsigned{KX_EXIT_MMIO});
  }

  long live_ = 0;
  kx_arm64_host defaults_ = {};
  std::vector<kx_vm*> vms_;
};

TEST_F(VcpuEventsTest, SerrorRoundTripRulesAndReset) {
  kx_vcpu* fresh = vcpu(KX_ARM64, 0, false);
  Events ev = {};
  EXPECT_EQ(get(fresh, &ev), -ENOEXEC);
  EXPECT_EQ(set(fresh, ev), -ENOEXEC);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_VCPU_EVENTS), 1);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_ARM_INJECT_SERROR_ESR), 1);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_ARM_INJECT_EXT_DABT), 1);
  for (kx_personality p : {KX_PPC, KX_S390}) {
    EXPECT_EQ(kx_check_extension(p, nullptr, KX_CAP_VCPU_EVENTS), 0);
    EXPECT_EQ(get(vcpu(p), &ev), p == KX_PPC ? -EINVAL : -ENOTTY);
  }

  kx_vcpu* v = vcpu();
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_pending, 0);
  EXPECT_EQ(ev.serror_has_esr, 1);  // the host has RAS
  EXPECT_EQ(ev.serror_esr, 0u);
  EXPECT_EQ(ev.ext_dabt_pending, 0);
  Events bad = {};
  bad.serror_pending = 1;
  bad.reserved[11] = 1;
  EXPECT_EQ(set(v, bad), -EINVAL);
  bad = {};
  bad.serror_pending = 1;
  bad.pad[4] = 1;
  EXPECT_EQ(set(v, bad), -EINVAL);
  bad = {};
  bad.serror_pending = 1;
  bad.serror_has_esr = 1;
  bad.serror_esr = 1ull << 25;  // beyond the ISS field
  EXPECT_EQ(set(v, bad), -EINVAL);
  bad.serror_pending = 0;  // the document: whether or not one is made pending
  EXPECT_EQ(set(v, bad), -EINVAL);
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_pending, 0);  // refused calls changed nothing

  Events in = {};
  in.serror_pending = 1;
  ASSERT_EQ(set(v, in), 0);
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_pending, 1);
  EXPECT_EQ(ev.serror_esr, 1ull << 24);  // KVM's choice: IDS
  in.serror_has_esr = 1;
  in.serror_esr = 0x1ffffff;  // the whole ISS field
  ASSERT_EQ(set(v, in), 0);
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_esr, 0x1ffffffu);
  ASSERT_EQ(set(v, Events{}), 0);  // cannot cancel it
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_pending, 1);
  EXPECT_EQ(ev.serror_esr, 0x1ffffffu);
  const unsigned int features[7] = {};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, features), 0);
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_pending, 0);  // KVM_ARM_VCPU_INIT clears it
  EXPECT_EQ(ev.serror_esr, 0u);
}

TEST_F(VcpuEventsTest, NoRasHost) {
  kx_arm64_host h = defaults_;
  h.ras = 0;
  ASSERT_EQ(kx_arm64_set_host(&h), 0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_ARM_INJECT_SERROR_ESR), 0);
  kx_vcpu* v = vcpu();
  EXPECT_EQ((reg(v, kPfr0) >> 28) & 0xf, 0u);   // ID_AA64PFR0_EL1.RAS
  ASSERT_EQ(kx_arm64_set_host(&defaults_), 0);  // the VM keeps its snapshot
  Events in = {};
  in.serror_has_esr = 1;
  EXPECT_EQ(set(v, in), -EINVAL);  // even without an SError (the document)
  in.serror_pending = 1;
  EXPECT_EQ(set(v, in), -EINVAL);
  in.serror_has_esr = 0;
  ASSERT_EQ(set(v, in), 0);
  Events ev;
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.serror_pending, 1);
  EXPECT_EQ(ev.serror_has_esr, 0);
  EXPECT_EQ(ev.serror_esr, 0u);  // no syndrome without RAS
  EXPECT_EQ((reg(vcpu(), kPfr0) >> 28) & 0xf, 1u);
}

TEST_F(VcpuEventsTest, ExternalDataAbortIsTakenAtOnce) {
  kx_vcpu* v = vcpu();
  set_reg(v, kVbar, 0x10000);
  set_reg(v, kPc, 0x4000);
  Events in = {};
  in.ext_dabt_pending = 1;
  // No MMIO exit yet: FAR 0, IL clear; from EL1h to VBAR + 0x200.
  ASSERT_EQ(set(v, in), 0);
  EXPECT_EQ(reg(v, kPc), 0x10200u);
  EXPECT_EQ(reg(v, kElr), 0x4000u);
  EXPECT_EQ(reg(v, kSpsr), 0x3c5u);
  EXPECT_EQ(reg(v, kPstate), 0x3c5u);
  EXPECT_EQ(reg(v, kEsr), 0x94000010u);
  EXPECT_EQ(reg(v, kFar), 0u);
  Events ev;
  ASSERT_EQ(get(v, &ev), 0);
  EXPECT_EQ(ev.ext_dabt_pending, 0);  // never reported: already taken

  mmio_exit(v, 0x80001234);
  struct {
    uint64_t pstate, vector, ec;
  } const kFrom[] = {{0x0, 0x400, 0x24}, {0x4, 0x0, 0x25}, {0x10, 0x600, 0x24}};
  for (const auto& f : kFrom) {
    set_reg(v, kPc, 0x8000);
    set_reg(v, kPstate, f.pstate | 0xf0000000);  // NZCV survive
    ASSERT_EQ(set(v, in), 0);
    EXPECT_EQ(reg(v, kPc), 0x10000 + f.vector);
    EXPECT_EQ(reg(v, kPstate), 0xf00003c5u);
    EXPECT_EQ(reg(v, kSpsr), f.pstate | 0xf0000000);
    EXPECT_EQ(reg(v, kEsr), 1u << 25 | f.ec << 26 | 0x10);
    EXPECT_EQ(reg(v, kFar), 0x80001234u);
  }
  // A refused call takes nothing.
  set_reg(v, kPc, 0x8000);
  in.reserved[0] = 1;
  EXPECT_EQ(set(v, in), -EINVAL);
  EXPECT_EQ(reg(v, kPc), 0x8000u);
}

TEST_F(VcpuEventsTest, ExternalDataAbortOnAarch32El1) {
  kx_arm64_host h = defaults_;
  h.el1_32bit = 1;
  ASSERT_EQ(kx_arm64_set_host(&h), 0);
  kx_vcpu* v = vcpu(KX_ARM64, 1u << 1);
  mmio_exit(v, 0x1'8000'4321ull);
  set_reg(v, kVbar, 0x20000);
  set_reg(v, kPc, 0x1000);
  set_reg(v, kFar, 0xaaaa'bbbb'0000'0000ull);
  const uint64_t old = reg(v, kPstate);  // SVC, A, I, F
  Events in = {};
  in.ext_dabt_pending = 1;
  ASSERT_EQ(set(v, in), 0);
  EXPECT_EQ(reg(v, kPstate), 0x1d7u);  // ABT, A, I, F kept
  EXPECT_EQ(reg(v, kSpsrAbt), old);
  EXPECT_EQ(reg(v, kX20), 0x1008u);  // LR_abt
  EXPECT_EQ(reg(v, kPc), 0x20010u);
  EXPECT_EQ(reg(v, kEsr), 0x08u);  // DFSR: external abort, short descriptors
  EXPECT_EQ(reg(v, kFar), 0xaaaa'bbbb'8000'4321ull);
}

TEST_F(VcpuEventsTest, GuestDebugPerPersonality) {
  struct {
    uint32_t control, pad;
    uint64_t regs[64];
  } arm = {};
  kx_vcpu* v = vcpu(KX_ARM64, 0, false);  // no init needed
  auto arm_set = [&](uint32_t control) {
    arm.control = control;
    return kx_vcpu_ioctl(v, KX_ARM64_SET_GUEST_DEBUG, reinterpret_cast<uintptr_t>(&arm));
  };
  EXPECT_EQ(arm_set(0x30003), 0);
  EXPECT_EQ(arm_set(1u << 2), -EINVAL);
  EXPECT_EQ(arm_set(0x40001), -EINVAL);
  EXPECT_EQ(kx_vcpu_ioctl(v, KX_ARM64_SET_GUEST_DEBUG, 0), -EFAULT);
  EXPECT_EQ(kx_vcpu_ioctl(v, KX_S390_SET_GUEST_DEBUG, reinterpret_cast<uintptr_t>(&arm)),
            -EINVAL);  // another architecture's number
  const unsigned int features[7] = {};
  ASSERT_EQ(kx_vcpu_arm64_init(v, 5, features), 0);
  arm.regs[0] = 0x1e7;  // dbg_bcr[0]
  EXPECT_EQ(arm_set(KX_GUESTDBG_ENABLE | KX_GUESTDBG_ARM64_USE_HW | KX_GUESTDBG_SINGLESTEP), 0);
  EXPECT_EQ(reg(v, kDbgbcr0), 0u);  // the guest's registers, not the VMM's
  EXPECT_EQ(reg(v, kMdscr), 0u);
  const uint64_t dfr0 = reg(v, kDfr0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_GUEST_DEBUG_HW_BPS),
            long((dfr0 >> 12) & 0xf) + 1);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_GUEST_DEBUG_HW_WPS),
            long((dfr0 >> 20) & 0xf) + 1);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_SET_GUEST_DEBUG2), 0x30003);

  struct {
    uint32_t control, pad;
    uint8_t bp[256];
  } ppc = {};
  kx_vcpu* p = vcpu(KX_PPC);
  ppc.control = ~0u;  // unchecked
  EXPECT_EQ(kx_vcpu_ioctl(p, KX_PPC_SET_GUEST_DEBUG, reinterpret_cast<uintptr_t>(&ppc)), 0);
  EXPECT_EQ(kx_vcpu_ioctl(p, KX_PPC_SET_GUEST_DEBUG, 1), -EFAULT);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_SET_GUEST_DEBUG), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_SET_GUEST_DEBUG2), 0);
}

struct S390Bp {
  uint64_t addr, phys_addr, len;
  uint8_t type, pad[7];
};
struct S390Dbg {
  uint32_t control, pad, nr_hw_bp, arch_pad;
  uint64_t hw_bp;
};

TEST_F(VcpuEventsTest, S390GuestDebugImportRules) {
  kx_vm* vm = nullptr;
  kx_vcpu* v = nullptr;
  ASSERT_EQ(kx_vm_create(KX_S390, 0, nullptr, &vm), 0);
  vms_.push_back(vm);
  ASSERT_EQ(kx_vm_create_vcpu(vm, 0, &v), 0);
  alignas(4096) static uint8_t ram[2 * 4096];
  // Two adjacent slots: a watched range may span them.
  const kx_memory_region r0 = {0, 0, 0x10000, 4096, reinterpret_cast<uintptr_t>(&ram[0])};
  const kx_memory_region r1 = {1, 0, 0x11000, 4096, reinterpret_cast<uintptr_t>(&ram[4096])};
  ASSERT_EQ(kx_vm_set_memory_region(vm, &r0), 0);
  ASSERT_EQ(kx_vm_set_memory_region(vm, &r1), 0);
  S390Bp bps[51] = {};
  S390Dbg d = {KX_GUESTDBG_ENABLE | KX_GUESTDBG_S390_USE_HW_BP, 0, 1, 0,
               reinterpret_cast<uintptr_t>(bps)};
  auto call = [&] {
    return kx_vcpu_ioctl(v, KX_S390_SET_GUEST_DEBUG, reinterpret_cast<uintptr_t>(&d));
  };
  bps[0] = {0x10fc0, 0x10fc0, 100, KX_S390_HW_WP_WRITE, {}};
  EXPECT_EQ(call(), 0);
  bps[0].len = 101;
  EXPECT_EQ(call(), -EINVAL);
  bps[0].len = 0xffffffff;  // -1 as 6.1's int
  EXPECT_EQ(call(), -EINVAL);
  bps[0].len = 0x1'0000'0005ull;  // 5 as 6.1's int
  EXPECT_EQ(call(), 0);
  bps[0].phys_addr = 0x12000;
  EXPECT_EQ(call(), -EFAULT);
  bps[0].type = KX_S390_HW_BP;  // not read
  EXPECT_EQ(call(), 0);
  bps[0].type = 3;  // ignored
  EXPECT_EQ(call(), 0);
  d.nr_hw_bp = 51;
  EXPECT_EQ(call(), -EINVAL);
  d.hw_bp = 0;  // no array: nothing to import, checked first
  EXPECT_EQ(call(), 0);
  d.nr_hw_bp = 1;
  d.hw_bp = 8;
  EXPECT_EQ(call(), -EFAULT);
  d.control = KX_GUESTDBG_S390_USE_HW_BP;  // without ENABLE nothing is read
  EXPECT_EQ(call(), 0);
  d.control = KX_GUESTDBG_ENABLE | 0x20000;
  EXPECT_EQ(call(), -EINVAL);
  d.control = KX_GUESTDBG_ENABLE | 0x10000000;  // 6.1's internal EXIT_PENDING
  EXPECT_EQ(call(), -EINVAL);
  EXPECT_EQ(kx_check_extension(KX_S390, nullptr, KX_CAP_SET_GUEST_DEBUG2), 0x10003);
  EXPECT_EQ(kx_check_extension(KX_S390, nullptr, KX_CAP_GUEST_DEBUG_HW_BPS), 0);

  // Every allocation of an import failed in turn: -ENOMEM and no leak.
  d = {KX_GUESTDBG_ENABLE | KX_GUESTDBG_S390_USE_HW_BP, 0, 2, 0, reinterpret_cast<uintptr_t>(bps)};
  bps[0] = {0x10000, 0x10000, 8, KX_S390_HW_WP_WRITE, {}};
  bps[1] = {0x20000, 0, 4, KX_S390_HW_BP, {}};
  for (long n = 0;; n++) {
    host::fail_allocation_after(n);
    const long r = call();
    host::fail_allocation_after(-1);
    if (r == 0) break;
    EXPECT_EQ(r, -ENOMEM);
    ASSERT_LT(n, 8);
  }
}

}  // namespace
