// SPDX-License-Identifier: GPL-2.0
// irqfds (api.rst 4.75, KVM_IRQFD): an eventfd whose writes fire a GSI
// through the VM's routing table, as virt/kvm/eventfd.c. A write arrives
// in the eventfd's wakeup, in atomic context: an interrupt controller that
// can inject there does (IrqChip::pin_edge_atomic()), anything else goes
// to a work item. With KVM_IRQFD_FLAG_RESAMPLE the GSI stays asserted
// until the guest deactivates the interrupt; then it is lowered and the
// resample eventfd written, so the VMM can re-check its level-triggered
// device.
//
// Lifetime, as KVM's: an irqfd is on the VM's list while active;
// deassign, the VM's end or the eventfd's close take it off (under the
// spinlock, from any context) and queue its shutdown, which unhooks it
// from the eventfd, waits for its injection and frees it. Deassign and the
// VM's end wait for every queued shutdown.
//
// Lock order: resampler_lock -> Vm::irq_lock -> Irqfds::lock; the
// interrupt controller's locks are taken under none of them.
#pragma once

#include <kvm_ext/platform.h>
#include <kx/atomic.h>
#include <kx/list.h>
#include <kx/lock.h>
#include <kx/result.h>
#include <kx/work.h>

#include "irq_routing.h"

namespace kvm {

class Vm;
class Irqfds;

// struct kvm_irqfd
struct IrqfdArgs {
  u32 fd;
  u32 gsi;
  u32 flags;
  u32 resamplefd;
  u8 pad[16];
};
static_assert(sizeof(IrqfdArgs) == 32);

constexpr u32 kIrqfdDeassign = 1u << 0;  // KVM_IRQFD_FLAG_DEASSIGN
constexpr u32 kIrqfdResample = 1u << 1;  // KVM_IRQFD_FLAG_RESAMPLE

extern kx::LockClass irqfds_lock_class;
extern kx::LockClass resampler_lock_class;

struct Resampler;

class Irqfd {
 public:
  Irqfd(Irqfds* set, u32 gsi);

  kx::ListNode node;           // Irqfds::items_, under Irqfds::lock
  kx::ListNode resample_node;  // its resampler's, under resampler_lock
  Irqfds* const set;
  const u32 gsi;
  kx_eventfd_watch* watch = nullptr;
  void* eventfd = nullptr;     // names the eventfd (the watch's)
  void* resamplefd = nullptr;  // referenced; with a resampler
  Resampler* resampler = nullptr;
  // The GSI's one route, when it has exactly one (irqfd_update()), for the
  // atomic path; under Irqfds::lock.
  Route route = {};
  bool has_route = false;
  bool active = false;  // on Irqfds::items_
  kx::Work inject;
  kx::Work shutdown;
};

// The irqfds of one GSI that resample (kvm_kernel_irqfd_resampler).
struct Resampler {
  u32 gsi;
  kx::ListNode node;
  kx::IntrusiveList<Irqfd, &Irqfd::resample_node> irqfds;
};

class Irqfds {
 public:
  explicit Irqfds(Vm* vm) : vm_(vm) {}
  Irqfds(const Irqfds&) = delete;
  Irqfds& operator=(const Irqfds&) = delete;

  // kvm_irqfd(): assign or deassign.
  kx::Status ioctl(const IrqfdArgs& args);
  // The VM is going: every irqfd off, every shutdown done.
  void release_all();
  // A new routing table was published; Vm::irq_lock held.
  void routing_changed(const RoutingTable* table);
  // The guest deactivated the interrupt `gsi` fires (resampling).
  void acked(u32 gsi);
  // Some irqfd resamples: interrupt controllers report deactivations.
  bool wants_acks() const { return nr_resamplers_.load() != 0; }

  Vm& vm() const { return *vm_; }

 private:
  friend class IrqfdCallbacks;
  kx::Status assign(const IrqfdArgs& args);
  kx::Status deassign(const IrqfdArgs& args);
  kx::Status add_to_resampler(Irqfd* f);
  void remove_from_resampler(Irqfd* f, bool lower);
  void deactivate(Irqfd* f) KX_REQUIRES(lock_);
  void update_route(Irqfd* f, const RoutingTable* table) KX_REQUIRES(lock_);

  Vm* vm_;
  kx::SpinLock lock_{&irqfds_lock_class};
  kx::IntrusiveList<Irqfd, &Irqfd::node> items_ KX_GUARDED_BY(lock_);
  kx::Mutex resampler_lock_{&resampler_lock_class};
  kx::IntrusiveList<Resampler, &Resampler::node> resamplers_ KX_GUARDED_BY(resampler_lock_);
  kx::Atomic<u32> nr_resamplers_;
};

}  // namespace kvm
