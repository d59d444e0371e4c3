// SPDX-License-Identifier: GPL-2.0
// The register-table engine (virt/kvm/reg_table.h) on a toy device of
// its own: which row an access reaches, and userspace's fallback to the
// guest's accessors. The GIC and ITS suites cover the real tables.
#include <gtest/gtest.h>

#include "virt/kvm/reg_table.h"

namespace {

using kvm::kUser;
using kvm::kW32;
using kvm::kW64;
using kvm::kW8;

struct Toy {
  u64 wide = 0;
  u32 last_offset = 0, last_len = 0, writes = 0;
  u8 prio[64] = {};
};

struct ToyAccess {
  Toy& toy;
  u32 offset;
  u32 len;
};

using ToyReg = kvm::MmioReg<ToyAccess>;

u64 read_wide(ToyAccess& a, const ToyReg&) {
  a.toy.last_offset = a.offset;
  a.toy.last_len = a.len;
  return kvm::extract_bytes(a.toy.wide, a.offset, a.len);
}
void write_wide(ToyAccess& a, const ToyReg&, u64 val) {
  a.toy.writes++;
  a.toy.wide = kvm::update_64bit_reg(a.toy.wide, a.offset, a.len, val);
}
u64 uread_wide(ToyAccess& a, const ToyReg&) { return ~a.toy.wide; }
kx::Status uwrite_refuse(ToyAccess&, const ToyReg&, u64 val) {
  return val ? kx::error(kx::kEINVAL) : kx::Status::ok();
}
u64 read_prio(ToyAccess& a, const ToyReg& r) { return a.toy.prio[a.offset - r.offset]; }
void write_prio(ToyAccess& a, const ToyReg& r, u64 val) {
  a.toy.prio[a.offset - r.offset] = static_cast<u8>(val);
}

constexpr ToyReg kToyRegs[] = {
    {0x00, 4, 0, kW32 | kUser, read_wide, write_wide, nullptr, uwrite_refuse},
    {0x08, 8, 0, kW32 | kW64 | kUser, read_wide, write_wide, uread_wide, nullptr},
    {0x10, 0x20, 0, kW32, read_wide, write_wide, nullptr, nullptr},
    {0x100, 64, 8, kW8 | kW32 | kUser, read_prio, write_prio, nullptr, nullptr},
};
static_assert(kvm::sorted_disjoint(kToyRegs));
constexpr kvm::MmioTable<ToyAccess> kToy = kvm::make_table(kToyRegs);

constexpr ToyReg kOverlapping[] = {
    {0x00, 8, 0, kW32, read_wide, write_wide, nullptr, nullptr},
    {0x04, 4, 0, kW32, read_wide, write_wide, nullptr, nullptr},
};
static_assert(!kvm::sorted_disjoint(kOverlapping));

static_assert(kvm::width_flag(1) == kW8 && kvm::width_flag(4) == kW32 &&
              kvm::width_flag(8) == kW64);
static_assert(!kvm::width_flag(0) && !kvm::width_flag(3) && !kvm::width_flag(16) &&
              !kvm::width_flag(24));

static_assert(kvm::extract_bytes(0x1122334455667788ull, 0x0c, 4) == 0x11223344);
static_assert(kvm::extract_bytes(0x1122334455667788ull, 0x08, 4) == 0x55667788);
static_assert(kvm::extract_bytes(0x1122334455667788ull, 0x09, 1) == 0x77);
static_assert(kvm::update_64bit_reg(0x1122334455667788ull, 0x0c, 4, 0xaabbccddeeull) ==
              0xbbccddee55667788ull);
static_assert(kvm::update_64bit_reg(0x1122334455667788ull, 0x08, 4, 0xaabbccddeeull) ==
              0x11223344bbccddeeull);
static_assert(kvm::update_64bit_reg(1, 0x08, 8, 0xaabbccddeeull) == 0xaabbccddeeull);

TEST(RegTable, FindReachesEveryByteOfARowAndNoHole) {
  EXPECT_EQ(kvm::find_reg(kToy, 0x00), &kToyRegs[0]);
  EXPECT_EQ(kvm::find_reg(kToy, 0x03), &kToyRegs[0]);
  EXPECT_EQ(kvm::find_reg(kToy, 0x04), nullptr);
  EXPECT_EQ(kvm::find_reg(kToy, 0x0f), &kToyRegs[1]);
  EXPECT_EQ(kvm::find_reg(kToy, 0x2f), &kToyRegs[2]);
  EXPECT_EQ(kvm::find_reg(kToy, 0x30), nullptr);
  EXPECT_EQ(kvm::find_reg(kToy, 0x13f), &kToyRegs[3]);
  EXPECT_EQ(kvm::find_reg(kToy, 0x140), nullptr);
  EXPECT_EQ(kvm::find_reg(kToy, 0xffffffff), nullptr);
}

TEST(RegTable, AnAccessReachesARowOnlyAtAWidthItAllowsNaturallyAligned) {
  const auto none = [] { return 0u; };
  EXPECT_EQ(kvm::access_reg(kToy, 0x00, 4), &kToyRegs[0]);
  EXPECT_EQ(kvm::access_reg(kToy, 0x00, 8), nullptr);  // a 32-bit register
  EXPECT_EQ(kvm::access_reg(kToy, 0x00, 1), nullptr);
  EXPECT_EQ(kvm::access_reg(kToy, 0x00, 2), nullptr);  // no 16-bit accesses at all
  EXPECT_EQ(kvm::access_reg(kToy, 0x08, 8), &kToyRegs[1]);
  EXPECT_EQ(kvm::access_reg(kToy, 0x0c, 4), &kToyRegs[1]);  // the upper half
  EXPECT_EQ(kvm::access_reg(kToy, 0x0c, 8), nullptr);       // misaligned
  EXPECT_EQ(kvm::access_reg(kToy, 0x0a, 4), nullptr);
  EXPECT_EQ(kvm::access_reg(kToy, 0x08, 3), nullptr);            // not a width at all
  EXPECT_EQ(kvm::access_reg(kToy, 0x00, 16), nullptr);           // kUser is no width
  EXPECT_EQ(kvm::access_reg(kToy, 0x04, 4), nullptr);            // a hole
  EXPECT_EQ(kvm::access_reg(kToy, 0x100000008ull, 8), nullptr);  // not 0x08 past 4 GiB
  EXPECT_EQ(kvm::access_reg(kToy, 0x101, 1, none), nullptr);     // no interrupts
  EXPECT_EQ(kvm::access_reg(kToy, 0x101, 4, [] { return 2u; }), nullptr);
  EXPECT_EQ(kvm::access_reg(kToy, 0x101, 1, [] { return 2u; }), &kToyRegs[3]);
  EXPECT_EQ(kvm::access_reg(kToy, 0x102, 1, [] { return 2u; }), nullptr);
  EXPECT_EQ(kvm::access_reg(kToy, 0x13c, 4, [] { return 64u; }), &kToyRegs[3]);
  // Only a per-interrupt row asks how many interrupts there are.
  int asked = 0;
  const auto count = [&asked] {
    asked++;
    return 64u;
  };
  EXPECT_EQ(kvm::access_reg(kToy, 0x08, 8, count), &kToyRegs[1]);
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(kvm::access_reg(kToy, 0x104, 4, count), &kToyRegs[3]);
  EXPECT_EQ(asked, 1);
}

TEST(RegTable, GuestAccessorsSeeTheAccessAndHalvesMergeIntoTheRegister) {
  Toy toy;
  const ToyReg& r = *kvm::access_reg(kToy, 0x0c, 4);
  ToyAccess hi{toy, 0x0c, 4};
  r.write(hi, r, 0xdeadbeef);
  ToyAccess lo{toy, 0x08, 4};
  r.write(lo, r, 0x12345678);
  EXPECT_EQ(toy.wide, 0xdeadbeef12345678ull);
  EXPECT_EQ(r.read(hi, r), 0xdeadbeefu);
  EXPECT_EQ(toy.last_offset, 0x0cu);
  EXPECT_EQ(toy.last_len, 4u);
  ToyAccess whole{toy, 0x08, 8};
  EXPECT_EQ(r.read(whole, r), 0xdeadbeef12345678ull);
}

TEST(RegTable, UserspaceAccessorsFallBackToTheGuests) {
  Toy toy;
  toy.wide = 0x55;
  // A row without its own userspace read reads as the guest; one
  // without its own write writes as the guest and cannot fail.
  ToyAccess ctl{toy, 0x00, 4};
  EXPECT_EQ(kvm::uread_reg(ctl, kToyRegs[0]), 0x55u);
  ToyAccess wide{toy, 0x08, 8};
  EXPECT_EQ(kvm::uread_reg(wide, kToyRegs[1]), ~0x55ull);
  EXPECT_TRUE(kvm::uwrite_reg(wide, kToyRegs[1], 0x66).is_ok());
  EXPECT_EQ(toy.wide, 0x66u);
  EXPECT_EQ(toy.writes, 1u);
  // A row's own userspace write replaces the guest's, errors and all.
  EXPECT_EQ(kvm::uwrite_reg(ctl, kToyRegs[0], 1), kx::error(kx::kEINVAL));
  EXPECT_TRUE(kvm::uwrite_reg(ctl, kToyRegs[0], 0).is_ok());
  EXPECT_EQ(toy.wide, 0x66u);
  EXPECT_EQ(toy.writes, 1u);
}

}  // namespace
