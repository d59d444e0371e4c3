// SPDX-License-Identifier: GPL-2.0
// The include/kx library checked inside the kernel, where its allocations
// are kvzalloc and its locks the kernel's. Built into kvm_ext_kunit.ko as
// that module's only C++ object.
#include <kx/enforce.h>

#include <kvm_ext/selftest.h>
#include <kx/alloc.h>
#include <kx/bitmap.h>
#include <kx/list.h>
#include <kx/lock.h>
#include <kx/result.h>
#include <kx/vector.h>

// The dirty log's bitmap logic, compiled into this test module from the
// same source as the core's copy in kvm_ext.ko.
#include "virt/kvm/dirty_log.cpp"

#define KX_CHECK(cond)            \
  do {                            \
    if (!(cond)) return __LINE__; \
  } while (0)

namespace {

struct Item {
  int value;
  kx::ListNode node;
};

kx::Result<int> half(int x) {
  if (x % 2) return kx::kEINVAL;
  return x / 2;
}

kx::Result<int> quarter(int x) {
  int h = KX_TRY(half(x));
  return KX_TRY(half(h));
}

struct Counted {
  static int live;
  Counted() { live++; }
  ~Counted() { live--; }
};
int Counted::live;

KX_LOCK_CLASS(selftest_lock);

}  // namespace

extern "C" int kx_selftest_list(void) {
  kx::IntrusiveList<Item, &Item::node> list;
  Item a{1, {}}, b{2, {}}, c{3, {}};
  KX_CHECK(list.empty());
  list.push_back(&a);
  list.push_back(&b);
  list.push_front(&c);
  KX_CHECK(list.size() == 3);
  int sum = 0, first = 0;
  for (Item* it : list) {
    if (!first) first = it->value;
    sum += it->value;
    if (it->value == 1) list.remove(it);  // removal while iterating
  }
  KX_CHECK(first == 3 && sum == 6);
  KX_CHECK(list.size() == 2 && !a.node.linked());
  KX_CHECK(list.pop_front() == &c);
  KX_CHECK(list.pop_front() == &b);
  KX_CHECK(list.pop_front() == nullptr);
  return 0;
}

extern "C" int kx_selftest_bitmap(void) {
  kx::Bitmap bm;
  KX_CHECK(bm.init(130));
  KX_CHECK(bm.words() == 3);
  bm.set(0);
  bm.set(64);
  bm.set(129);
  KX_CHECK(bm.test(64) && !bm.test(65));
  KX_CHECK(bm.count() == 3);
  KX_CHECK(bm.clear_word_mask(1, 1) == 1 && bm.clear_word_mask(1, 1) == 0);
  KX_CHECK(bm.take_word(2) == 2);
  bm.set_all();
  KX_CHECK(bm.count() == 130);
  kvm_ext_test_fail_alloc_after(0);
  KX_CHECK(!bm.init(4096));  // a failed init keeps the old bits
  KX_CHECK(bm.bits() == 130 && bm.count() == 130);
  // A large bitmap is a vmalloc, not a kmalloc: it must still work.
  KX_CHECK(bm.init(1ull << 24, true));
  KX_CHECK(bm.count() == 1ull << 24);
  return 0;
}

extern "C" int kx_selftest_vector(void) {
  kx::Vector<int> v;
  for (int i = 0; i < 8; i++) KX_CHECK(v.push_back(i).is_ok());
  kvm_ext_test_fail_alloc_after(0);
  KX_CHECK(v.push_back(8).raw() == -kx::kENOMEM);
  KX_CHECK(v.size() == 8 && v[7] == 7);
  KX_CHECK(v.insert(0, -1).is_ok() && v[0] == -1 && v[8] == 7);
  v.erase(0);
  KX_CHECK(v[0] == 0);
  return 0;
}

extern "C" int kx_selftest_result(void) {
  KX_CHECK(quarter(8).value() == 2);
  KX_CHECK(quarter(6).error().raw() == -kx::kEINVAL);
  KX_CHECK(kx::Status::from_raw(5).raw() == -5);
  kx::Mutex m(&selftest_lock_class);
  KX_CHECK(m.try_lock());
  KX_CHECK(!m.try_lock());
  m.unlock();
  return 0;
}

extern "C" int kx_selftest_dirty_bitmap(void) {
  kvm::DirtyBitmap log;
  KX_CHECK(!log.enabled());
  KX_CHECK(log.enable(100, false).is_ok() && log.enabled());
  KX_CHECK(log.count() == 0 && log.user_bytes() == 16);
  log.mark(0);
  log.mark(99);
  KX_CHECK(log.test(99) && !log.test(98) && log.count() == 2);
  // INITIALLY_SET: every page, and no bit past the last one.
  KX_CHECK(log.enable(100, true).is_ok() && log.count() == 100);
  // A failed enable leaves the old log in place.
  kvm_ext_test_fail_alloc_after(1);
  KX_CHECK(log.enable(1 << 20, false).raw() == -kx::kENOMEM);
  KX_CHECK(log.enabled() && log.count() == 100);
  // A faulting legacy get gives its bits back (no user memory here).
  KX_CHECK(log.get(0, false).raw() == -kx::kEFAULT);
  KX_CHECK(log.count() == 100);
  KX_CHECK(log.get(0, true).raw() == -kx::kEFAULT);
  KX_CHECK(log.clear(0, 64, 0).raw() == -kx::kEFAULT && log.count() == 100);
  // 16 Mi pages (a 64 GiB slot): vmalloc'd log and staging, all set.
  KX_CHECK(log.enable(1ull << 24, true).is_ok() && log.count() == 1ull << 24);
  log.disable();
  KX_CHECK(!log.enabled());
  return 0;
}

extern "C" int kx_selftest_alloc_checker(void) {
  const long before = kvm_ext_live_allocations();
  kx::AllocChecker ac;
  kvm_ext_test_fail_alloc_after(0);
  Counted* c = new (&ac) Counted;
  KX_CHECK(!ac.check() && c == nullptr && Counted::live == 0);
  c = new (&ac) Counted;
  KX_CHECK(ac.check() && Counted::live == 1);
  kx::destroy(c);
  KX_CHECK(Counted::live == 0);
  KX_CHECK(kvm_ext_live_allocations() == before);
  return 0;
}
