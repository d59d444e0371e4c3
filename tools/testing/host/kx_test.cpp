// SPDX-License-Identifier: GPL-2.0
// The freestanding support library (include/kx).
#include <gtest/gtest.h>

#include <type_traits>

#include <kx/alloc.h>
#include <kx/bitmap.h>
#include <kx/list.h>
#include <kx/result.h>
#include <kx/sparse_table.h>
#include <kx/vector.h>

#include "platform_host.h"

namespace {

struct Item {
  int value;
  kx::ListNode node;
};

TEST(IntrusiveList, PushPopRemoveAndIterate) {
  kx::IntrusiveList<Item, &Item::node> list;
  Item a{1, {}}, b{2, {}}, c{3, {}};
  EXPECT_TRUE(list.empty());
  list.push_back(&a);
  list.push_back(&b);
  list.push_front(&c);
  EXPECT_EQ(list.size(), 3u);
  int order[3], i = 0;
  for (Item* it : list) order[i++] = it->value;
  EXPECT_EQ(order[0], 3);
  EXPECT_EQ(order[1], 1);
  EXPECT_EQ(order[2], 2);
  // Removal of the current element during iteration is safe.
  for (Item* it : list) {
    if (it->value == 1) list.remove(it);
  }
  EXPECT_EQ(list.size(), 2u);
  EXPECT_FALSE(a.node.linked());
  EXPECT_EQ(list.pop_front(), &c);
  EXPECT_EQ(list.pop_front(), &b);
  EXPECT_EQ(list.pop_front(), nullptr);
}

TEST(Bitmap, SetClearCountAndTail) {
  kx::Bitmap bm;
  ASSERT_TRUE(bm.init(130));
  EXPECT_EQ(bm.words(), 3u);
  bm.set(0);
  bm.set(64);
  bm.set(129);
  EXPECT_TRUE(bm.test(64));
  EXPECT_FALSE(bm.test(65));
  EXPECT_EQ(bm.count(), 3u);
  EXPECT_EQ(bm.clear_word_mask(1, 1), 1u);
  EXPECT_EQ(bm.clear_word_mask(1, 1), 0u);
  EXPECT_EQ(bm.take_word(2), 2u);
  EXPECT_EQ(bm.count(), 1u);
  bm.set_all();
  EXPECT_EQ(bm.count(), 130u);  // bits past the end stay clear
}

TEST(Bitmap, InitFailureKeepsOldBits) {
  kx::Bitmap bm;
  ASSERT_TRUE(bm.init(64, true));
  host::fail_allocation_after(0);
  EXPECT_FALSE(bm.init(128));
  EXPECT_EQ(bm.bits(), 64u);
  EXPECT_EQ(bm.count(), 64u);
}

TEST(Vector, InsertEraseAndFailedGrowth) {
  kx::Vector<int> v;
  for (int i = 0; i < 8; i++) ASSERT_TRUE(v.push_back(i).is_ok());
  host::fail_allocation_after(0);
  EXPECT_EQ(v.push_back(8).raw(), -kx::kENOMEM);
  EXPECT_EQ(v.size(), 8u);
  ASSERT_TRUE(v.insert(0, -1).is_ok());
  EXPECT_EQ(v[0], -1);
  EXPECT_EQ(v[8], 7);
  v.erase(0);
  EXPECT_EQ(v[0], 0);
}

kx::Result<int> half(int x) {
  if (x % 2) return kx::kEINVAL;
  return x / 2;
}

kx::Result<int> quarter(int x) {
  int h = KX_TRY(half(x));
  return KX_TRY(half(h));
}

TEST(Result, TryPropagatesErrors) {
  EXPECT_EQ(quarter(8).value(), 2);
  EXPECT_EQ(quarter(6).error().raw(), -kx::kEINVAL);
  EXPECT_EQ(kx::Status::from_raw(5).raw(), -5);
  EXPECT_EQ(kx::Status::from_raw(-5).raw(), -5);
}

// A value type with no default constructor, which Result must hold as is.
class Handle {
 public:
  explicit Handle(int fd) : fd_(fd) {}
  int fd() const { return fd_; }

 private:
  int fd_;
};

kx::Result<Handle> open_handle(int fd) {
  if (fd < 0) return kx::kEBADF;
  return Handle(fd);
}

// Results of plain values stay as cheap as the pair they replace.
static_assert(std::is_trivially_copyable_v<kx::Result<long>>);
static_assert(std::is_trivially_copyable_v<kx::Result<Handle>>);

TEST(Result, HoldsAValueWithoutDefaultConstructorOrAnError) {
  kx::Result<Handle> ok = open_handle(3);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.value().fd(), 3);
  kx::Result<Handle> bad = open_handle(-1);
  EXPECT_EQ(bad.error().raw(), -kx::kEBADF);
  bad = kx::move(ok);
  EXPECT_EQ(bad.value().fd(), 3);
}

TEST(ResultDeathTest, SuccessStatusOrValueOfAnErrorTraps) {
  EXPECT_DEATH({ kx::Result<int> r(kx::Status::ok()); }, "success Status");
  EXPECT_DEATH({ (void)half(3).value(); }, "value\\(\\) of an error");
}

struct Counted {
  static int live;
  Counted() { live++; }
  ~Counted() { live--; }
};
int Counted::live = 0;

TEST(AllocChecker, ReportsFailureWithoutConstructing) {
  const long before = host::live_allocations();
  kx::AllocChecker ac;
  host::fail_allocation_after(0);
  Counted* c = new (&ac) Counted;
  EXPECT_FALSE(ac.check());
  EXPECT_EQ(c, nullptr);
  EXPECT_EQ(Counted::live, 0);
  c = new (&ac) Counted;
  ASSERT_TRUE(ac.check());
  EXPECT_EQ(Counted::live, 1);
  kx::destroy(c);
  EXPECT_EQ(Counted::live, 0);
  EXPECT_EQ(host::live_allocations(), before);
}

TEST(AllocCheckerDeathTest, UncheckedAllocationTraps) {
  EXPECT_DEATH(
      {
        kx::AllocChecker ac;
        Counted* c = new (&ac) Counted;
        (void)c;
      },
      "not checked");
}

}  // namespace

// One leaf for small tables, leaves on demand for large ones; ids past the
// capacity are -EINVAL; a walk goes in id order; a failed leaf allocation
// leaves the table as it was.
TEST(SparseTable, FindEnsureWalkAndFailure) {
  const long live = host::live_allocations();
  {
    kx::SparseTable<uint32_t> small(32);
    EXPECT_EQ(small.find(3), nullptr);
    ASSERT_TRUE(small.ensure(3).is_ok());
    *small.ensure(3).value() = 7;
    EXPECT_EQ(*small.find(3), 7u);
    EXPECT_NE(small.find(31), nullptr);  // the one leaf holds every id
    EXPECT_EQ(small.find(32), nullptr);
    EXPECT_EQ(small.ensure(32).error(), kx::error(kx::kEINVAL));
    EXPECT_EQ(host::live_allocations(), live + 1);

    kx::SparseTable<uint32_t> big(65536);
    for (uint32_t id : {65535u, 0u, 300u, 301u}) *big.ensure(id).value() = id + 1;
    EXPECT_EQ(big.find(1000), nullptr);  // its leaf was never made
    EXPECT_EQ(*big.find(301), 302u);
    EXPECT_EQ(host::live_allocations(), live + 1 + 1 + 3);  // the top and 3 leaves
    uint32_t prev = 0, seen = 0;
    big.for_each([&](uint32_t id, uint32_t& v) {
      EXPECT_GE(id, prev);
      prev = id;
      if (v) seen++;
    });
    EXPECT_EQ(seen, 4u);
    host::fail_allocation_after(0);
    EXPECT_EQ(big.ensure(40000).error(), kx::error(kx::kENOMEM));
    host::fail_allocation_after(-1);
    EXPECT_EQ(big.find(40000), nullptr);
    big.clear();
    EXPECT_EQ(big.find(301), nullptr);
  }
  EXPECT_EQ(host::live_allocations(), live);
}
