// SPDX-License-Identifier: GPL-2.0
// A memslot's dirty log (api.rst 4.8 KVM_GET_DIRTY_LOG, 4.117
// KVM_CLEAR_DIRTY_LOG, 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2).
//
// Stores set bits with atomic OR after the data is written; readers take
// or clear bits with atomic exchange / AND-NOT. A store that lands after
// its bit was taken or cleared sets it again, so no write is ever lost,
// whichever CPUs the stores and the get/clear calls run on.
#pragma once

#include <kx/bitmap.h>
#include <kx/result.h>

namespace kvm {

class DirtyBitmap {
 public:
  DirtyBitmap() = default;
  DirtyBitmap(const DirtyBitmap&) = delete;
  DirtyBitmap& operator=(const DirtyBitmap&) = delete;

  // Allocates the log and its staging buffer for `npages` pages, all
  // clear or (KVM_DIRTY_LOG_INITIALLY_SET) all set. Nothing changes on
  // failure.
  kx::Status enable(u64 npages, bool initially_set);
  void disable();
  bool enabled() const { return log_.allocated(); }

  // True if the page's bit was clear (the log gained a page).
  bool mark(u64 page) { return !log_.test_and_set(page); }
  bool test(u64 page) const { return log_.test(page); }
  u64 count() const { return log_.count(); }
  // Bytes of the user's bitmap: one bit per page, in 64-bit words.
  u64 user_bytes() const { return log_.words() * 8; }

  // KVM_GET_DIRTY_LOG. Manual protect: a copy, nothing cleared. Legacy:
  // each word is taken atomically and copied out; if the copy faults the
  // taken bits go back, so a failed call loses nothing.
  kx::Status get(u64 uaddr, bool manual_protect);

  // KVM_CLEAR_DIRTY_LOG of [first_page, first_page + num_pages), already
  // validated: clears the bits set in the user's bitmap, only those.
  kx::Status clear(u64 first_page, u64 num_pages, u64 uaddr);

 private:
  kx::Bitmap log_;
  // As KVM's second bitmap: where a get snapshots and a clear copies the
  // user's mask, so neither allocates per call. Used under slots_lock.
  kx::Bitmap staging_;
};

}  // namespace kvm
