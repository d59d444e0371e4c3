// SPDX-License-Identifier: GPL-2.0
// Guest RAM a page at a time, for devices that walk tables of small
// entries (the ITS device, collection and translation tables, LPI
// pending tables). One Vm::read_guest() or write_guest() per guest page
// instead of one per 8-byte entry: the copy to or from the VMM's memory,
// the memslot lookup and, for writes, the dirty-log update happen once
// per page. A page is inside one memslot or outside all of them, so
// batching never turns an access that would succeed into one that fails.
#pragma once

#include <kvm_ext/abi.h>
#include <kx/alloc.h>
#include <kx/result.h>

#include "vm.h"

namespace kvm {

// Reads through a one-page window. read_guest()'s -ENOENT (no memslot)
// is passed on as is; callers decide what it means to their user.
class GuestPageReader {
 public:
  explicit GuestPageReader(Vm& vm) : vm_(vm) {}
  ~GuestPageReader() { kx::free_array(page_); }
  GuestPageReader(const GuestPageReader&) = delete;
  GuestPageReader& operator=(const GuestPageReader&) = delete;

  // The window's buffer now (-ENOMEM), so that later reads fail only for
  // guest-RAM reasons.
  kx::Status prepare() {
    if (!page_) page_ = kx::alloc_array<u8>(KX_PAGE_SIZE);
    return page_ ? kx::Status::ok() : kx::error(kx::kENOMEM);
  }

  // `len` bytes at `gpa`; one that crosses a page is read directly.
  kx::Status read(u64 gpa, void* out, u32 len) {
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    if (((gpa + len - 1) & ~(KX_PAGE_SIZE - 1)) != page) return vm_.read_guest(gpa, out, len);
    KX_TRY(load(page));
    __builtin_memcpy(out, page_ + (gpa - page), len);
    return kx::Status::ok();
  }

  // The bytes from `gpa` to the end of its page, in the window (valid
  // until the next call): a table walk decodes entries in place.
  kx::Result<const u8*> map(u64 gpa, u32* avail) {
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    KX_TRY(load(page));
    *avail = static_cast<u32>(KX_PAGE_SIZE - (gpa - page));
    return static_cast<const u8*>(page_ + (gpa - page));
  }

 private:
  kx::Status load(u64 page) {
    if (valid_ && page == base_) return kx::Status::ok();
    if (!page_) {
      page_ = kx::alloc_array<u8>(KX_PAGE_SIZE);
      if (!page_) return kx::error(kx::kENOMEM);
    }
    valid_ = false;
    KX_TRY(vm_.read_guest(page, page_, KX_PAGE_SIZE));
    base_ = page;
    valid_ = true;
    return kx::Status::ok();
  }

  Vm& vm_;
  u8* page_ = nullptr;
  u64 base_ = 0;
  bool valid_ = false;
};

// Collects writes to consecutive addresses of one page and stores them
// with one write_guest(); a write elsewhere, or flush(), stores what is
// collected. The first error is kept and returned by every later call.
class GuestPageWriter {
 public:
  explicit GuestPageWriter(Vm& vm) : vm_(vm) {}
  ~GuestPageWriter() { kx::free_array(buf_); }
  GuestPageWriter(const GuestPageWriter&) = delete;
  GuestPageWriter& operator=(const GuestPageWriter&) = delete;

  // Room for `len` bytes at `gpa` in the page buffer, to encode into in
  // place; null after an error (then flush() returns it). `len` divides
  // the page size and `gpa` is aligned to it, as table entries are.
  u8* append(u64 gpa, u32 len) {
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    if (len_ && gpa == start_ + len_ && (start_ & ~(KX_PAGE_SIZE - 1)) == page) {
      len_ += len;  // the common case: the entry after the last one
      return buf_ + (gpa - page);
    }
    if (len_ && flush().is_error()) return nullptr;
    if (status_.is_error()) return nullptr;
    if (!buf_) {
      buf_ = kx::alloc_array<u8>(KX_PAGE_SIZE);
      if (!buf_) {
        status_ = kx::error(kx::kENOMEM);
        return nullptr;
      }
    }
    if (!len_) start_ = gpa;
    len_ += len;
    return buf_ + (gpa - page);
  }

  kx::Status write(u64 gpa, const void* data, u32 len) {
    KX_TRY(status_);
    const u64 page = gpa & ~(KX_PAGE_SIZE - 1);
    if (((gpa + len - 1) & ~(KX_PAGE_SIZE - 1)) != page) {
      KX_TRY(flush());
      return vm_.write_guest(gpa, data, len);
    }
    if (len_ && (gpa != start_ + len_ || (start_ & ~(KX_PAGE_SIZE - 1)) != page)) KX_TRY(flush());
    if (!buf_) {
      buf_ = kx::alloc_array<u8>(KX_PAGE_SIZE);
      if (!buf_) return status_ = kx::error(kx::kENOMEM);
    }
    if (!len_) start_ = gpa;
    __builtin_memcpy(buf_ + (gpa - page), data, len);
    len_ += len;
    return kx::Status::ok();
  }

  kx::Status flush() {
    KX_TRY(status_);
    if (!len_) return kx::Status::ok();
    const u64 page = start_ & ~(KX_PAGE_SIZE - 1);
    status_ = vm_.write_guest(start_, buf_ + (start_ - page), len_);
    len_ = 0;
    return status_;
  }

 private:
  Vm& vm_;
  u8* buf_ = nullptr;
  u64 start_ = 0;
  u32 len_ = 0;
  kx::Status status_;
};

}  // namespace kvm
