// SPDX-License-Identifier: GPL-2.0
#include "irqfd.h"

#include <kx/alloc.h>

#include "vm.h"

namespace kvm {

KX_LOCK_CLASS(irqfds_lock);
KX_LOCK_CLASS(resampler_lock);
KX_LOCK_CLASS(irqfd_inject);
KX_LOCK_CLASS(irqfd_shutdown);

// The platform's callbacks, with the irqfd as their argument.
class IrqfdCallbacks {
 public:
  // irqfd_wakeup(), EPOLLIN: atomic context.
  static void signalled(void* arg) {
    Irqfd* f = static_cast<Irqfd*>(arg);
    Irqfds& set = *f->set;
    bool active, routed;
    Route r;
    {
      kx::IrqSaveGuard guard(&set.lock_);
      active = f->active;
      routed = f->has_route;
      r = f->route;
    }
    // A deassigned irqfd's route may be stale: the work item asks the
    // routing table again.
    if (active && routed && set.vm().inject_atomic(r))
      set.vm().stats().irqfd_injections.inc();
    else
      f->inject.queue();
  }

  // irqfd_wakeup(), EPOLLHUP: the eventfd is closing.
  static void closed(void* arg) {
    Irqfd* f = static_cast<Irqfd*>(arg);
    Irqfds& set = *f->set;
    kx::IrqSaveGuard guard(&set.lock_);
    if (f->active) set.deactivate(f);
  }

  // irqfd_inject(): an edge, or with resampling a level the guest's
  // deactivation lowers.
  static void inject(void* arg) {
    Irqfd* f = static_cast<Irqfd*>(arg);
    Vm& vm = f->set->vm();
    if (vm.set_irq(f->gsi, true)) vm.stats().irqfd_injections.inc();
    if (!f->resampler) vm.set_irq(f->gsi, false);
  }

  // irqfd_shutdown(): off the eventfd, injection finished, then gone.
  static void shutdown(void* arg) {
    Irqfd* f = static_cast<Irqfd*>(arg);
    kx_eventfd_watch_release(f->watch);
    f->inject.flush();
    if (f->resampler) f->set->remove_from_resampler(f, true);
    if (f->resamplefd) kx_eventfd_put(f->resamplefd);
    kx::destroy(f);
  }
};

Irqfd::Irqfd(Irqfds* s, u32 g)
    : set(s),
      gsi(g),
      inject(IrqfdCallbacks::inject, this, &irqfd_inject_class),
      shutdown(IrqfdCallbacks::shutdown, this, &irqfd_shutdown_class) {}

kx::Status Irqfds::ioctl(const IrqfdArgs& args) {
  if (args.flags & ~(kIrqfdDeassign | kIrqfdResample)) return kx::error(kx::kEINVAL);
  if (args.flags & kIrqfdDeassign) return deassign(args);
  return assign(args);
}

// kvm_irqfd_assign(), in its order of checks. A refused irqfd changes
// nothing (6.1 may lower a resampled GSI on the way out: it does not here).
kx::Status Irqfds::assign(const IrqfdArgs& args) {
  IrqChip* chip = vm_->irqchip();
  if (!chip || !chip->ready(*vm_)) return kx::error(kx::kEAGAIN);
  kx::AllocChecker ac;
  Irqfd* f = new (&ac) Irqfd(this, args.gsi);
  if (!ac.check()) return kx::error(kx::kENOMEM);
  kx::Status s = kx::Status::from_raw(
      kx_eventfd_watch_prepare(static_cast<s32>(args.fd), IrqfdCallbacks::signalled,
                               IrqfdCallbacks::closed, f, &f->watch, &f->eventfd));
  if (s.is_error()) {
    kx::destroy(f);
    return s;
  }
  if (args.flags & kIrqfdResample) {
    s = kx::Status::from_raw(kx_eventfd_get(static_cast<s32>(args.resamplefd), &f->resamplefd));
    if (s.is_ok()) s = add_to_resampler(f);
  }
  if (s.is_ok()) {
    kx::Guard<kx::Mutex> routing(&vm_->irq_lock);
    kx::IrqSaveGuard guard(&lock_);
    for (Irqfd* other : items_) {
      if (other->eventfd == f->eventfd) s = kx::error(kx::kEBUSY);
    }
    if (s.is_ok()) {
      update_route(f, vm_->routing());
      f->active = true;
      items_.push_back(f);
    }
  }
  if (s.is_error()) {
    if (f->resampler) remove_from_resampler(f, false);
    if (f->resamplefd) kx_eventfd_put(f->resamplefd);
    kx_eventfd_watch_release(f->watch);
    kx::destroy(f);
    return s;
  }
  // A write before the hook was in is injected as if it came after.
  if (kx_eventfd_watch_arm(f->watch)) f->inject.queue();
  return kx::Status::ok();
}

// kvm_irqfd_deassign(): every irqfd of this eventfd and GSI goes, and is
// gone (no more injection from it) when this returns.
kx::Status Irqfds::deassign(const IrqfdArgs& args) {
  void* eventfd;
  KX_TRY(kx::Status::from_raw(kx_eventfd_get(static_cast<s32>(args.fd), &eventfd)));
  {
    kx::IrqSaveGuard guard(&lock_);
    for (Irqfd* f : items_) {
      if (f->eventfd == eventfd && f->gsi == args.gsi) deactivate(f);
    }
  }
  kx_eventfd_put(eventfd);
  kx::flush_all_work();
  return kx::Status::ok();
}

void Irqfds::release_all() {
  {
    kx::IrqSaveGuard guard(&lock_);
    while (Irqfd* f = items_.front()) deactivate(f);
  }
  kx::flush_all_work();
}

void Irqfds::deactivate(Irqfd* f) {
  items_.remove(f);
  f->active = false;
  f->shutdown.queue();
}

void Irqfds::update_route(Irqfd* f, const RoutingTable* table) {
  Route routes[2];
  if (!vm_->irq_features().routing) {
    f->has_route = true;
    f->route = RoutingTable::pin_of(f->gsi);
    return;
  }
  f->has_route = table && table->routes(f->gsi, routes, 2) == 1;
  if (f->has_route) f->route = routes[0];
}

void Irqfds::routing_changed(const RoutingTable* table) {
  kx::IrqSaveGuard guard(&lock_);
  for (Irqfd* f : items_) update_route(f, table);
}

kx::Status Irqfds::add_to_resampler(Irqfd* f) {
  kx::Guard<kx::Mutex> guard(&resampler_lock_);
  Resampler* r = nullptr;
  for (Resampler* each : resamplers_) {
    if (each->gsi == f->gsi) r = each;
  }
  if (!r) {
    kx::AllocChecker ac;
    r = new (&ac) Resampler{f->gsi, {}, {}};
    if (!ac.check()) return kx::error(kx::kENOMEM);
    resamplers_.push_back(r);
    nr_resamplers_.fetch_add(1);
  }
  r->irqfds.push_back(f);
  f->resampler = r;
  return kx::Status::ok();
}

// irqfd_resampler_shutdown(): the last irqfd of a GSI lowers its line
// (`lower`: one that was in service; a refused assign changes nothing).
void Irqfds::remove_from_resampler(Irqfd* f, bool lower) {
  kx::Guard<kx::Mutex> guard(&resampler_lock_);
  Resampler* r = f->resampler;
  r->irqfds.remove(f);
  f->resampler = nullptr;
  if (!r->irqfds.empty()) return;
  resamplers_.remove(r);
  nr_resamplers_.fetch_sub(1);
  if (lower) vm_->set_irq(r->gsi, false);
  kx::destroy(r);
}

// irqfd_resampler_ack(): lower the GSI, then tell every resample eventfd.
void Irqfds::acked(u32 gsi) {
  if (nr_resamplers_.load() == 0) return;
  kx::Guard<kx::Mutex> guard(&resampler_lock_);
  for (Resampler* r : resamplers_) {
    if (r->gsi != gsi) continue;
    vm_->set_irq(gsi, false);
    for (Irqfd* f : r->irqfds) kx_eventfd_signal(f->resamplefd);
  }
}

}  // namespace kvm
