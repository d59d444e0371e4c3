// SPDX-License-Identifier: GPL-2.0
// A table indexed by a bounded id (an ITS DeviceID, EventID or collection
// ID, an LPI number): two levels, the leaves allocated on first use, so a
// lookup is two loads whatever the population and an empty table costs
// one pointer. A table of at most one leaf is just that leaf (one
// allocation). Entries are zeroed memory until written, so T is trivially
// constructible and "all zero" means "absent". A walk visits ids in order
// (the ITS table save needs that for its next-offset fields).
//
// Writers (ensure(), clear()) are serialised by the owner; find() may run
// concurrently with ensure() (leaves are published with release stores and
// never freed before clear()).
#pragma once

#include "alloc.h"
#include "result.h"
#include "types.h"

namespace kx {

template <typename T>
class SparseTable {
 public:
  static constexpr u32 kLeafShift = 8;
  static constexpr u32 kLeafMax = 1u << kLeafShift;

  // Ids below `capacity`; a small table is a single leaf of that size.
  explicit SparseTable(u32 capacity)
      : capacity_(capacity), leaf_size_(capacity < kLeafMax ? capacity : kLeafMax) {}
  ~SparseTable() { clear(); }
  SparseTable(const SparseTable&) = delete;
  SparseTable& operator=(const SparseTable&) = delete;

  u32 capacity() const { return capacity_; }

  T* find(u32 id) const {
    if (id >= capacity_) return nullptr;
    if (single()) {
      T* leaf = __atomic_load_n(&leaf_, __ATOMIC_ACQUIRE);
      return leaf ? &leaf[id] : nullptr;
    }
    T** top = __atomic_load_n(&top_, __ATOMIC_ACQUIRE);
    if (!top) return nullptr;
    T* leaf = __atomic_load_n(&top[id >> kLeafShift], __ATOMIC_ACQUIRE);
    return leaf ? &leaf[id & (kLeafMax - 1)] : nullptr;
  }

  // The entry for `id`, its leaf allocated if need be. -EINVAL past the
  // capacity, -ENOMEM.
  Result<T*> ensure(u32 id) {
    if (id >= capacity_) return kEINVAL;
    if (single()) {
      if (!leaf_) {
        T* leaf = alloc_array<T>(leaf_size_);
        if (!leaf) return kENOMEM;
        __atomic_store_n(&leaf_, leaf, __ATOMIC_RELEASE);
      }
      return &leaf_[id];
    }
    T** top = top_;
    if (!top) {
      top = alloc_array<T*>(nr_leaves());
      if (!top) return kENOMEM;
      __atomic_store_n(&top_, top, __ATOMIC_RELEASE);
    }
    T*& slot = top[id >> kLeafShift];
    if (!slot) {
      T* leaf = alloc_array<T>(leaf_size_);
      if (!leaf) return kENOMEM;
      __atomic_store_n(&slot, leaf, __ATOMIC_RELEASE);
    }
    return &slot[id & (kLeafMax - 1)];
  }

  // The leaf holding `id`: its entries for the ids from
  // id & ~(kLeafMax - 1) on (from 0 in a table of one leaf), or null if it
  // is not allocated, with find()'s concurrency. For a walk that has to be
  // a plain loop rather than for_each()'s callback.
  T* leaf(u32 id) const {
    if (id >= capacity_) return nullptr;
    if (single()) return __atomic_load_n(&leaf_, __ATOMIC_ACQUIRE);
    T** top = __atomic_load_n(&top_, __ATOMIC_ACQUIRE);
    return top ? __atomic_load_n(&top[id >> kLeafShift], __ATOMIC_ACQUIRE) : nullptr;
  }

  // Visits every allocated entry in id order: f(id, T&).
  template <typename F>
  void for_each(F f) const {
    if (single()) {
      if (leaf_)
        for (u32 i = 0; i < leaf_size_; i++) f(i, leaf_[i]);
      return;
    }
    if (!top_) return;
    for (u32 l = 0; l < nr_leaves(); l++) {
      T* leaf = top_[l];
      if (!leaf) continue;
      for (u32 i = 0; i < leaf_size_; i++) f((l << kLeafShift) + i, leaf[i]);
    }
  }

  // Visits every allocated leaf in id order: f(first id, entries, count).
  // A walk that reads every entry (a table save) runs over arrays.
  template <typename F>
  void for_each_leaf(F f) const {
    if (single()) {
      if (leaf_) f(0u, leaf_, leaf_size_);
      return;
    }
    if (!top_) return;
    for (u32 l = 0; l < nr_leaves(); l++)
      if (T* leaf = top_[l]) f(l << kLeafShift, leaf, leaf_size_);
  }

  void clear() {
    if (single()) {
      free_array(leaf_);
      leaf_ = nullptr;
      return;
    }
    if (!top_) return;
    for (u32 l = 0; l < nr_leaves(); l++) free_array(top_[l]);
    free_array(top_);
    top_ = nullptr;
  }

 private:
  u32 nr_leaves() const { return (capacity_ + kLeafMax - 1) >> kLeafShift; }
  bool single() const { return capacity_ <= kLeafMax; }

  u32 capacity_;
  u32 leaf_size_;
  T** top_ = nullptr;  // more than one leaf
  T* leaf_ = nullptr;  // one leaf
};

}  // namespace kx
