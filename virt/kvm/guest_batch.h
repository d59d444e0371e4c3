// SPDX-License-Identifier: GPL-2.0
// Guest RAM a page at a time, for devices that walk tables of small
// entries (the ITS device, collection and translation tables). The page
// is mapped, not copied (Vm::map_guest_page()): entries are decoded and
// encoded in place, and the memslot lookup, the pinning and, for writes,
// the dirty-log update happen once per page instead of once per 8-byte
// entry. A page is inside one memslot or outside all of them, so
// batching never turns an access that would succeed into one that fails.
//
// The VMM may write a mapped page at any time: a reader takes each entry
// from it once (le64() into a local) and checks the copy.
#pragma once

#include <kvm_ext/abi.h>
#include <kx/result.h>

#include "vm.h"

namespace kvm {

// Reads through a one-page window. -ENOENT (no memslot) is passed on as
// is; callers decide what it means to their user.
class GuestPageReader {
 public:
  explicit GuestPageReader(Vm& vm) : vm_(vm) {}
  ~GuestPageReader() { vm_.unmap_guest_page(page_); }
  GuestPageReader(const GuestPageReader&) = delete;
  GuestPageReader& operator=(const GuestPageReader&) = delete;

  // `len` bytes at `gpa`; one that crosses a page is read directly.
  kx::Status read(u64 gpa, void* out, u32 len) {
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    if (((gpa + len - 1) & ~(KX_PAGE_SIZE - 1)) != page) return vm_.read_guest(gpa, out, len);
    KX_TRY(load(page));
    __builtin_memcpy(out, page_.data + (gpa - page), len);
    return kx::Status::ok();
  }

  // The bytes from `gpa` to the end of its page (valid until the next
  // call): a table walk decodes entries in place.
  kx::Result<const u8*> map(u64 gpa, u32* avail) {
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    KX_TRY(load(page));
    *avail = static_cast<u32>(KX_PAGE_SIZE - (gpa - page));
    return static_cast<const u8*>(page_.data + (gpa - page));
  }

 private:
  kx::Status load(u64 page) {
    if (page_.data && page == page_.gpa) return kx::Status::ok();
    vm_.unmap_guest_page(page_);
    return vm_.map_guest_page(page, false, &page_);
  }

  Vm& vm_;
  GuestPage page_;
};

// Writes through a one-page window: the page stays mapped while the
// writes stay in it, and is marked dirty when the writer moves on or
// flushes. The first error is kept and returned by every later call.
class GuestPageWriter {
 public:
  explicit GuestPageWriter(Vm& vm) : vm_(vm) {}
  ~GuestPageWriter() { vm_.unmap_guest_page(page_); }
  GuestPageWriter(const GuestPageWriter&) = delete;
  GuestPageWriter& operator=(const GuestPageWriter&) = delete;

  // The `len` bytes at `gpa` in guest RAM, to encode into in place; null
  // after an error (then flush() returns it). `len` divides the page size
  // and `gpa` is aligned to it, as table entries are.
  u8* append(u64 gpa, u32 len) {
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    if (page_.data && page == page_.gpa) [[likely]]
      return page_.data + (gpa - page);
    if (status_.is_error()) return nullptr;
    vm_.unmap_guest_page(page_);
    status_ = vm_.map_guest_page(page, true, &page_);
    return status_.is_ok() ? page_.data + (gpa - page) : nullptr;
  }

  kx::Status write(u64 gpa, const void* data, u32 len) {
    KX_TRY(status_);
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    if (((gpa + len - 1) & ~(KX_PAGE_SIZE - 1)) != page) return vm_.write_guest(gpa, data, len);
    u8* p = append(gpa, len);
    if (!p) return status_;
    __builtin_memcpy(p, data, len);
    return kx::Status::ok();
  }

  // Releases the page (dirty-logging it); the first error so far.
  kx::Status flush() {
    vm_.unmap_guest_page(page_);
    return status_;
  }

 private:
  Vm& vm_;
  GuestPage page_;
  kx::Status status_;
};

}  // namespace kvm
