// SPDX-License-Identifier: GPL-2.0
// Memory slots of one address space, as KVM_SET_USER_MEMORY_REGION builds
// them: guest physical ranges backed by the VMM's own virtual memory.
#pragma once

#include <kvm_ext/core.h>
#include <kx/alloc.h>
#include <kx/bitmap.h>

#include "dirty_log.h"
#include <kx/result.h>
#include <kx/vector.h>

namespace kvm {

struct Memslot {
  u16 id = 0;
  u16 as_id = 0;
  u32 flags = 0;
  u64 base_gfn = 0;
  u64 npages = 0;
  u64 userspace_addr = 0;
  // Enabled while KVM_MEM_LOG_DIRTY_PAGES is set.
  DirtyBitmap dirty;
  // A byte per page that the architecture keeps beside the slot (s390:
  // the CMMA state of its PGSTEs), allocated by it, freed with the slot.
  u8* page_attrs = nullptr;

  Memslot() = default;
  Memslot(const Memslot&) = delete;
  Memslot& operator=(const Memslot&) = delete;
  ~Memslot() { kx::free_array(page_attrs); }

  bool contains_gfn(u64 gfn) const { return gfn >= base_gfn && gfn - base_gfn < npages; }
  u64 end_gfn() const { return base_gfn + npages; }
  bool logging() const { return dirty.enabled(); }
};

// Slots of one address space, kept sorted twice: by id for the ioctl, by
// guest frame for guest accesses (binary search either way).
class MemslotSet {
 public:
  MemslotSet() = default;
  MemslotSet(const MemslotSet&) = delete;
  MemslotSet& operator=(const MemslotSet&) = delete;
  ~MemslotSet();

  Memslot* by_id(u16 id) const;
  Memslot* by_gfn(u64 gfn) const;
  // True if [base, base + npages) overlaps a slot other than `except`.
  bool overlaps(u64 base_gfn, u64 npages, const Memslot* except) const;
  usize size() const { return by_id_.size(); }
  // The i-th slot by id, i < size().
  Memslot* at(usize i) const { return by_id_[i]; }
  // In guest-frame order: the index of the first slot that ends above
  // gfn (size() if none), and the slot at an index.
  usize first_ending_above(u64 gfn) const { return gfn_index(gfn); }
  Memslot* by_gfn_at(usize i) const { return by_gfn_[i]; }
  u64 total_pages() const { return total_pages_; }

  kx::Status insert(Memslot* slot);
  void remove(Memslot* slot);
  // Re-sorts after a move changed the slot's base_gfn.
  void moved(Memslot* slot);

 private:
  usize gfn_index(u64 gfn) const;
  usize id_index(u16 id) const;

  kx::Vector<Memslot*> by_id_;
  kx::Vector<Memslot*> by_gfn_;
  u64 total_pages_ = 0;
};

}  // namespace kvm
