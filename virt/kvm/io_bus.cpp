// SPDX-License-Identifier: GPL-2.0
#include "io_bus.h"

namespace kvm {

kx::Status IoBus::add(u64 base, u64 size, IoHandler* handler) {
  if (size == 0 || kx::range_wraps(base, size)) return kx::error(kx::kEINVAL);
  if (regions_.size() >= kMaxIoRegions) return kx::error(kx::kENOSPC);
  usize at = 0;
  while (at < regions_.size() && regions_[at].base < base) at++;
  if (at > 0 && regions_[at - 1].base + regions_[at - 1].size > base) return kx::error(kx::kEEXIST);
  if (at < regions_.size() && base + size > regions_[at].base) return kx::error(kx::kEEXIST);
  return regions_.insert(at, Region{base, size, handler});
}

void IoBus::remove(IoHandler* handler) {
  for (usize i = 0; i < regions_.size();) {
    if (regions_[i].handler == handler)
      regions_.erase(i);
    else
      i++;
  }
}

void IoBus::remove(IoHandler* handler, u64 base) {
  for (usize i = 0; i < regions_.size(); i++) {
    if (regions_[i].handler == handler && regions_[i].base == base) {
      regions_.erase(i);
      return;
    }
  }
}

const IoBus::Region* IoBus::find(u64 addr, u32 len) const {
  usize lo = 0, hi = regions_.size();
  while (lo < hi) {
    const usize mid = lo + (hi - lo) / 2;
    if (regions_[mid].base + regions_[mid].size <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == regions_.size()) return nullptr;
  const Region& r = regions_[lo];
  if (addr < r.base || addr - r.base + len > r.size) return nullptr;
  return &r;
}

}  // namespace kvm
