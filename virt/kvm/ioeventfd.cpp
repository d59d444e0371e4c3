// SPDX-License-Identifier: GPL-2.0
#include "ioeventfd.h"

#include <kvm_ext/platform.h>

#include "vm.h"

namespace kvm {

namespace {

bool before(const Ioeventfd& p, IoeventfdBus bus, u64 addr) {
  return p.bus < bus || (p.bus == bus && p.addr < addr);
}

// ioeventfd_check_collision(), for two on the same bus at the same address:
// some store would match both.
bool collide(const Ioeventfd& a, const Ioeventfd& b) {
  return !a.len || !b.len ||
         (a.len == b.len && (a.wildcard || b.wildcard || a.datamatch == b.datamatch));
}

// ioeventfd_in_range(), the address being equal: a length of 0 takes every
// store; otherwise the length must be the store's, and the data the
// datamatch unless the ioeventfd is a wildcard. The data compared is the
// store's `len` bytes, so a datamatch wider than them never matches.
bool in_range(const Ioeventfd& p, u32 len, u64 data) {
  if (!p.len) return true;
  if (len != p.len) return false;
  if (p.wildcard) return true;
  const u64 value = len >= 8 ? data : data & ((1ull << (8 * len)) - 1);
  return value == p.datamatch;
}

// ioeventfd_bus_from_flags().
IoeventfdBus bus_from_flags(u32 flags) {
  if (flags & KX_IOEVENTFD_FLAG_PIO) return IoeventfdBus::kPio;
  if (flags & KX_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY) return IoeventfdBus::kCcwNotify;
  return IoeventfdBus::kMmio;
}

Ioeventfd from_args(const IoeventfdArgs& args, void* eventfd) {
  const bool wildcard = !(args.flags & KX_IOEVENTFD_FLAG_DATAMATCH);
  return Ioeventfd{
      .addr = args.addr,
      .datamatch = wildcard ? 0 : args.datamatch,
      .eventfd = eventfd,
      .len = args.len,
      .bus = bus_from_flags(args.flags),
      .wildcard = wildcard,
  };
}

// kvm_assign_ioeventfd() and kvm_assign_ioeventfd_idx(), in their order.
kx::Status assign(Vm& vm, const IoeventfdArgs& args) {
  switch (args.len) {
    case 0:
    case 1:
    case 2:
    case 4:
    case 8:
      break;
    default:
      return kx::error(kx::kEINVAL);
  }
  if (kx::range_wraps(args.addr, args.len)) return kx::error(kx::kEINVAL);
  if (args.flags & ~KX_IOEVENTFD_VALID_FLAG_MASK) return kx::error(kx::kEINVAL);
  // No length cannot be combined with a datamatch.
  if (!args.len && (args.flags & KX_IOEVENTFD_FLAG_DATAMATCH)) return kx::error(kx::kEINVAL);
  void* eventfd;
  KX_TRY(kx::Status::from_raw(kx_eventfd_get(args.fd, &eventfd)));
  const Ioeventfd p = from_args(args, eventfd);
  kx::Status s;
  {
    kx::Guard<kx::Mutex> guard(&vm.slots_lock);
    IoeventfdSet& set = vm.ioeventfds();
    if (set.collides(p))
      s = kx::error(kx::kEEXIST);
    else if (p.bus == IoeventfdBus::kMmio && vm.mmio_bus().size() >= kMaxIoRegions)
      // kvm_io_bus_register_dev(): NR_IOBUS_DEVS bounds the bus's other
      // devices, not its ioeventfds.
      s = kx::error(kx::kENOSPC);
    else
      s = set.add(p);
  }
  if (s.is_error()) kx_eventfd_put(eventfd);
  return s;
}

// kvm_deassign_ioeventfd_idx(): no check of length or flags, only a match.
kx::Status deassign(Vm& vm, const IoeventfdArgs& args) {
  void* eventfd;
  KX_TRY(kx::Status::from_raw(kx_eventfd_get(args.fd, &eventfd)));
  bool found;
  {
    kx::Guard<kx::Mutex> guard(&vm.slots_lock);
    found = vm.ioeventfds().remove(from_args(args, eventfd));
  }
  kx_eventfd_put(eventfd);
  return found ? kx::Status::ok() : kx::error(kx::kENOENT);
}

}  // namespace

IoeventfdSet::~IoeventfdSet() {
  for (const Ioeventfd& p : items_) kx_eventfd_put(p.eventfd);
}

usize IoeventfdSet::lower_bound(IoeventfdBus bus, u64 addr) const {
  usize lo = 0, hi = items_.size();
  while (lo < hi) {
    const usize mid = lo + (hi - lo) / 2;
    if (before(items_[mid], bus, addr))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

bool IoeventfdSet::collides(const Ioeventfd& p) const {
  for (usize i = lower_bound(p.bus, p.addr);
       i < items_.size() && items_[i].bus == p.bus && items_[i].addr == p.addr; i++) {
    if (collide(items_[i], p)) return true;
  }
  return false;
}

kx::Status IoeventfdSet::add(const Ioeventfd& p) {
  usize at = lower_bound(p.bus, p.addr);
  while (at < items_.size() && items_[at].bus == p.bus && items_[at].addr == p.addr) at++;
  return items_.insert(at, p);
}

bool IoeventfdSet::remove(const Ioeventfd& p) {
  for (usize i = lower_bound(p.bus, p.addr);
       i < items_.size() && items_[i].bus == p.bus && items_[i].addr == p.addr; i++) {
    const Ioeventfd& q = items_[i];
    if (q.eventfd != p.eventfd || q.len != p.len || q.wildcard != p.wildcard) continue;
    if (!q.wildcard && q.datamatch != p.datamatch) continue;
    kx_eventfd_put(q.eventfd);
    items_.erase(i);
    return true;
  }
  return false;
}

bool IoeventfdSet::write(u64 addr, u32 len, u64 data) const {
  for (usize i = lower_bound(IoeventfdBus::kMmio, addr);
       i < items_.size() && items_[i].bus == IoeventfdBus::kMmio && items_[i].addr == addr; i++) {
    if (in_range(items_[i], len, data)) {
      kx_eventfd_signal(items_[i].eventfd);
      return true;
    }
  }
  return false;
}

kx::Status ioeventfd(Vm& vm, const IoeventfdArgs& args) {
  if (args.flags & KX_IOEVENTFD_FLAG_DEASSIGN) return deassign(vm, args);
  return assign(vm, args);
}

}  // namespace kvm
