// SPDX-License-Identifier: GPL-2.0
#include "irq_routing.h"

#include <kx/alloc.h>
#include <kx/errno.h>
#include <kx/sort.h>

namespace kvm {

kx::Result<RoutingTable*> RoutingTable::Build(const IrqChip* chip, const UserRoute* entries,
                                              u32 n) {
  for (u32 i = 0; i < n; i++) {
    if (entries[i].gsi >= kMaxIrqRoutes) return kx::kEINVAL;
  }
  kx::AllocChecker ac;
  RoutingTable* t = new (&ac) RoutingTable;
  if (!ac.check()) return kx::kENOMEM;
  kx::Owned<RoutingTable> owned(t);
  KX_TRY(t->routes_.reserve(n));
  for (u32 i = 0; i < n; i++) {
    const UserRoute& e = entries[i];
    Route r = {e.gsi, e.type, 0, 0, {}, {}};
    switch (e.type) {
      case kRouteIrqchip:
        if (e.flags || !chip) return kx::kEINVAL;
        KX_TRY(chip->check_route(e.u.irqchip.irqchip, e.u.irqchip.pin));
        r.irqchip = e.u.irqchip.irqchip;
        r.pin = e.u.irqchip.pin;
        break;
      case kRouteMsi:
        if (e.flags & ~kMsiValidDevid) return kx::kEINVAL;
        if (chip) KX_TRY(chip->check_msi_route());
        r.msi = Msi{e.u.msi.address_lo, e.u.msi.address_hi, e.u.msi.data, e.flags, e.u.msi.devid};
        break;
      case kRouteS390Adapter:
        if (e.flags || !chip) return kx::kEINVAL;
        KX_TRY(chip->check_adapter_route(e.u.adapter));
        r.adapter = e.u.adapter;
        break;
      default:
        return kx::kEINVAL;
    }
    KX_TRY(t->routes_.push_back(r));
  }
  kx::heap_sort(t->routes_.begin(), t->routes_.size(), [](const Route& a, const Route& b) {
    return a.gsi < b.gsi || (a.gsi == b.gsi && a.irqchip < b.irqchip);
  });
  // setup_routing_entry(): a GSI's entries are pins of distinct irqchips,
  // or one entry of another kind.
  for (usize i = 1; i < t->routes_.size(); i++) {
    const Route& a = t->routes_[i - 1];
    const Route& b = t->routes_[i];
    if (a.gsi != b.gsi) continue;
    if (a.type != kRouteIrqchip || b.type != kRouteIrqchip || a.irqchip == b.irqchip)
      return kx::kEINVAL;
  }
  return owned.release();
}

kx::Result<RoutingTable*> RoutingTable::Identity(u32 pins) {
  kx::AllocChecker ac;
  RoutingTable* t = new (&ac) RoutingTable;
  if (!ac.check()) return kx::kENOMEM;
  kx::Owned<RoutingTable> owned(t);
  KX_TRY(t->routes_.reserve(pins));
  for (u32 i = 0; i < pins; i++)
    KX_TRY(t->routes_.push_back(Route{i, kRouteIrqchip, 0, i, {}, {}}));
  return owned.release();
}

u32 RoutingTable::routes(u32 gsi, Route* out, u32 max) const {
  usize lo = 0, hi = routes_.size();
  while (lo < hi) {
    const usize mid = lo + (hi - lo) / 2;
    if (routes_[mid].gsi < gsi)
      lo = mid + 1;
    else
      hi = mid;
  }
  u32 n = 0;
  for (usize i = lo; i < routes_.size() && routes_[i].gsi == gsi && n < max; i++)
    out[n++] = routes_[i];
  return n;
}

s32 RoutingTable::gsi_of(u32 irqchip, u32 pin) const {
  s32 gsi = -1;
  for (const Route& r : routes_) {
    if (r.type == kRouteIrqchip && r.irqchip == irqchip && r.pin == pin)
      gsi = static_cast<s32>(r.gsi);
  }
  return gsi;
}

}  // namespace kvm
