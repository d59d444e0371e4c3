// SPDX-License-Identifier: GPL-2.0
#include "memslot.h"

namespace kvm {

MemslotSet::~MemslotSet() {
  for (Memslot* s : by_id_) kx::destroy(s);
}

// First index whose slot id is >= id.
usize MemslotSet::id_index(u16 id) const {
  usize lo = 0, hi = by_id_.size();
  while (lo < hi) {
    const usize mid = lo + (hi - lo) / 2;
    if (by_id_[mid]->id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

// First index whose slot ends above gfn.
usize MemslotSet::gfn_index(u64 gfn) const {
  usize lo = 0, hi = by_gfn_.size();
  while (lo < hi) {
    const usize mid = lo + (hi - lo) / 2;
    if (by_gfn_[mid]->end_gfn() <= gfn)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

Memslot* MemslotSet::by_id(u16 id) const {
  const usize i = id_index(id);
  return i < by_id_.size() && by_id_[i]->id == id ? by_id_[i] : nullptr;
}

Memslot* MemslotSet::by_gfn(u64 gfn) const {
  const usize i = gfn_index(gfn);
  return i < by_gfn_.size() && by_gfn_[i]->contains_gfn(gfn) ? by_gfn_[i] : nullptr;
}

bool MemslotSet::overlaps(u64 base_gfn, u64 npages, const Memslot* except) const {
  // Slots do not overlap each other, so they are ordered by end as by start:
  // only the first slot ending above base_gfn (or the one after it, if that
  // first one is `except`) can start below the range's end.
  for (usize i = gfn_index(base_gfn); i < by_gfn_.size(); i++) {
    const Memslot* s = by_gfn_[i];
    if (s->base_gfn >= base_gfn + npages) return false;
    if (s != except) return true;
  }
  return false;
}

kx::Status MemslotSet::insert(Memslot* slot) {
  // Reserve both first so that a failure leaves both arrays untouched.
  KX_TRY(by_id_.reserve(by_id_.size() + 1));
  KX_TRY(by_gfn_.reserve(by_gfn_.size() + 1));
  (void)by_id_.insert(id_index(slot->id), slot);
  (void)by_gfn_.insert(gfn_index(slot->base_gfn), slot);
  total_pages_ += slot->npages;
  return kx::Status::ok();
}

void MemslotSet::remove(Memslot* slot) {
  for (usize i = 0; i < by_gfn_.size(); i++) {
    if (by_gfn_[i] == slot) {
      by_gfn_.erase(i);
      break;
    }
  }
  by_id_.erase(id_index(slot->id));
  total_pages_ -= slot->npages;
}

void MemslotSet::moved(Memslot* slot) {
  for (usize i = 0; i < by_gfn_.size(); i++) {
    if (by_gfn_[i] == slot) {
      by_gfn_.erase(i);
      break;
    }
  }
  // Capacity is unchanged by the erase, so this insert cannot fail.
  (void)by_gfn_.insert(gfn_index(slot->base_gfn), slot);
}

}  // namespace kvm
