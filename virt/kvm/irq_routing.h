// SPDX-License-Identifier: GPL-2.0
// GSI routing (api.rst 4.52, KVM_SET_GSI_ROUTING): which interrupt
// controller pins and MSIs a GSI fires. A table is built and checked whole,
// then replaces the VM's in one step; it never changes after that, so a
// reader holding Vm::irq_lock sees one table, never a mix.
#pragma once

#include <kx/result.h>
#include <kx/types.h>
#include <kx/vector.h>

#include "irqchip.h"

namespace kvm {

constexpr u32 kMaxIrqRoutes = 4096;      // KVM_MAX_IRQ_ROUTES
constexpr u32 kRouteIrqchip = 1;         // KVM_IRQ_ROUTING_IRQCHIP
constexpr u32 kRouteMsi = 2;             // KVM_IRQ_ROUTING_MSI
constexpr u32 kRouteS390Adapter = 3;     // KVM_IRQ_ROUTING_S390_ADAPTER
constexpr u32 kMsiValidDevid = 1u << 0;  // KVM_MSI_VALID_DEVID

// struct kvm_irq_routing_entry, as userspace writes it.
struct UserRoute {
  u32 gsi;
  u32 type;
  u32 flags;
  u32 pad;
  union {
    struct {
      u32 irqchip;
      u32 pin;
    } irqchip;
    struct {
      u32 address_lo;
      u32 address_hi;
      u32 data;
      u32 devid;
    } msi;
    AdapterRoute adapter;
    u32 raw[8];
  } u;
};
static_assert(sizeof(UserRoute) == 48);

// One entry of a checked table (kvm_kernel_irq_routing_entry).
struct Route {
  u32 gsi;
  u32 type;
  u32 irqchip;  // kRouteIrqchip
  u32 pin;
  Msi msi;               // kRouteMsi; flags is the entry's (KVM_MSI_VALID_DEVID)
  AdapterRoute adapter;  // kRouteS390Adapter
};

class RoutingTable {
 public:
  // kvm_set_irq_routing() and kvm_set_routing_entry(): every GSI below
  // kMaxIrqRoutes; an MSI entry's flags only KVM_MSI_VALID_DEVID, any
  // other's none; a GSI maps to one MSI, or to pins of different irqchips;
  // an IRQCHIP entry names a pin `chip` has (no chip: none). -EINVAL for
  // any refusal, -ENOMEM.
  static kx::Result<RoutingTable*> Build(const IrqChip* chip, const UserRoute* entries, u32 n);
  // The default table of a controller with `pins` pins on irqchip 0: GSI
  // i fires pin i (kvm_vgic_setup_default_irq_routing()).
  static kx::Result<RoutingTable*> Identity(u32 pins);

  // Without KVM_SET_GSI_ROUTING (book3s: no HAVE_KVM_IRQ_ROUTING), GSI i
  // is pin i of irqchip 0 (kvm_irq_map_gsi()).
  static constexpr Route pin_of(u32 gsi) {
    return Route{
        .gsi = gsi, .type = kRouteIrqchip, .irqchip = 0, .pin = gsi, .msi = {}, .adapter = {}};
  }

  // The routes of `gsi`, in table order; at most 1 + irqchips.
  u32 routes(u32 gsi, Route* out, u32 max) const;
  // kvm_irq_map_chip_pin(): the GSI that fires `pin` of `irqchip`, or -1.
  s32 gsi_of(u32 irqchip, u32 pin) const;

 private:
  RoutingTable() = default;

  kx::Vector<Route> routes_;  // sorted by GSI
};

}  // namespace kvm
