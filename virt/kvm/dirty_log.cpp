// SPDX-License-Identifier: GPL-2.0
#include "dirty_log.h"

#include <kvm_ext/platform.h>

namespace kvm {

kx::Status DirtyBitmap::enable(u64 npages, bool initially_set) {
  kx::Bitmap log, staging;
  if (!log.init(npages, initially_set) || !staging.init(npages)) return kx::error(kx::kENOMEM);
  log_.swap(log);
  staging_.swap(staging);
  return kx::Status::ok();
}

void DirtyBitmap::disable() {
  log_.reset();
  staging_.reset();
}

kx::Status DirtyBitmap::get(u64 uaddr, bool manual_protect) {
  const usize words = log_.words();
  if (manual_protect) {
    // A plain snapshot: concurrent stores may or may not be in it, and
    // stay in the log either way until KVM_CLEAR_DIRTY_LOG.
    u64* out = staging_.data();
    for (usize w = 0; w < words; w++) out[w] = __atomic_load_n(&log_.data()[w], __ATOMIC_RELAXED);
    if (kx_copy_to_user(uaddr, out, words * 8)) return kx::error(kx::kEFAULT);
    return kx::Status::ok();
  }
  u64* taken = staging_.data();
  for (usize w = 0; w < words; w++) {
    // Skip the locked exchange for clean words: most are, in a large slot.
    const u64 seen = __atomic_load_n(&log_.data()[w], __ATOMIC_RELAXED);
    taken[w] = seen ? log_.take_word(w) : 0;
  }
  if (kx_copy_to_user(uaddr, taken, words * 8)) {
    for (usize w = 0; w < words; w++) {
      if (taken[w]) __atomic_fetch_or(&log_.data()[w], taken[w], __ATOMIC_RELAXED);
    }
    return kx::error(kx::kEFAULT);
  }
  return kx::Status::ok();
}

kx::Status DirtyBitmap::clear(u64 first_page, u64 num_pages, u64 uaddr) {
  const usize words = kx::bitmap_words(num_pages);
  u64* mask = staging_.data();
  if (kx_copy_from_user(mask, uaddr, words * 8)) return kx::error(kx::kEFAULT);
  // first_page is a multiple of 64: user word i is log word first/64 + i.
  // Bits past the slot's end are never set in the log, so a mask that
  // has them set clears nothing there.
  const usize base = static_cast<usize>(first_page / kx::kBitsPerWord);
  for (usize i = 0; i < words; i++) {
    if (mask[i]) log_.clear_word_mask(base + i, mask[i]);
  }
  return kx::Status::ok();
}

}  // namespace kvm
