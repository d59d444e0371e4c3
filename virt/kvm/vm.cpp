// SPDX-License-Identifier: GPL-2.0
#include "c_abi.h"
#include "vm.h"

namespace kvm {

KX_LOCK_CLASS(vm_lock);
KX_LOCK_CLASS(vm_slots_lock);
KX_LOCK_CLASS(vcpu_mutex);
KX_LOCK_CLASS(vm_irq_lock);

namespace {
// Live VMs, for kx_vm_count() (module unload sanity and tests).
kx::Atomic<u32> g_vm_count;
// KVM_MEM_MAX_NR_PAGES: slot sizes in pages must fit 31 bits.
constexpr u64 kMaxSlotPages = (1ull << 31) - 1;
}  // namespace

u32 vm_count() { return g_vm_count.load(); }

kx::Result<Vm*> Vm::Create(const Personality* p, unsigned long type, void* owner) {
  ArchVm* arch = KX_TRY(p->vm_create(type));
  kx::AllocChecker ac;
  Vm* vm = new (&ac) Vm(p, arch, owner);
  if (!ac.check()) {
    kx::destroy(arch);
    return kx::kENOMEM;
  }
  if (p->irq_features) vm->irq_ = p->irq_features(vm);
  if (arch) arch->attach(*vm);
  g_vm_count.fetch_add(1);
  return vm;
}

void Vm::put() {
  if (refs_.fetch_sub(1) == 1) {
    kx::destroy(this);
#ifdef KX_TEST_INJECT_USE_AFTER_FREE
    // Test-only (scripts/detector-proof.sh): a read of the freed VM, which
    // KASAN must report from inside the C++ core. Never in a real build.
    (void)*reinterpret_cast<volatile const u8*>(this);
#endif
  }
}

Vm::~Vm() {
  // kvm_irqfd_release(): no irqfd injects into what goes next.
  irqfds_.release_all();
  // As kvm_destroy_devices(). A device with a release hook normally left
  // the list when its fd closed (the fd held a VM reference); one still
  // here never got an fd, and release is its only teardown.
  while (Device* dev = devices_.pop_front()) {
    const kx_device_ops* ops = dev->ops();
    if (ops->destroy)
      ops->destroy(to_handle(dev));
    else
      ops->release(to_handle(dev));
    kx::destroy(dev);
  }
  while (Vcpu* vcpu = vcpus_.pop_front()) kx::destroy(vcpu);
  if (arch_ && personality_->vm_destroy) personality_->vm_destroy(*this);
  kx::destroy(arch_);
  kx::destroy(routing_);
  if (owner_) kx_owner_put(owner_);
  g_vm_count.fetch_sub(1);
  // Then the members go: ioeventfds_ drops every eventfd reference its
  // ioeventfds hold (kvm_io_bus_destroy()).
}

kx::Status Vm::set_memory_region(const kx_memory_region& r) {
  const kx::Status s = change_memslot(r);
  if (s.is_ok()) stats_.memslot_updates.inc();
  return s;
}

// KVM_SET_USER_MEMORY_REGION, in __kvm_set_memory_region()'s order of checks.
kx::Status Vm::change_memslot(const kx_memory_region& r) {
  const Personality& p = *personality_;
  const u32 as_id = r.slot >> 16;
  const u16 id = static_cast<u16>(r.slot);

  if (id >= p.user_mem_slots) return kx::error(kx::kEINVAL);
  if (r.flags & ~p.valid_mem_flags) return kx::error(kx::kEINVAL);
  if (!kx::is_aligned(r.memory_size, KX_PAGE_SIZE)) return kx::error(kx::kEINVAL);
  if (!kx::is_aligned(r.guest_phys_addr, KX_PAGE_SIZE)) return kx::error(kx::kEINVAL);
  if (!kx::is_aligned(r.userspace_addr, KX_PAGE_SIZE) ||
      !kx_user_range_ok(r.userspace_addr, r.memory_size))
    return kx::error(kx::kEINVAL);
  if (as_id >= p.address_spaces) return kx::error(kx::kEINVAL);
  if (kx::range_wraps(r.guest_phys_addr, r.memory_size)) return kx::error(kx::kEINVAL);
  if ((r.memory_size >> KX_PAGE_SHIFT) > kMaxSlotPages) return kx::error(kx::kEINVAL);

  kx::Guard<kx::Mutex> guard(&slots_lock);
  MemslotSet& set = slots_[as_id];
  Memslot* old = set.by_id(id);
  const u64 base_gfn = r.guest_phys_addr >> KX_PAGE_SHIFT;
  const u64 npages = r.memory_size >> KX_PAGE_SHIFT;

  if (npages == 0) {  // delete
    if (!old) return kx::error(kx::kEINVAL);
    if (arch_) arch_->slot_deleting(*old);
    set.remove(old);
    kx::destroy(old);
    return kx::Status::ok();
  }

  if (!old) {  // create
    if (set.overlaps(base_gfn, npages, nullptr)) return kx::error(kx::kEEXIST);
    if (arch_) KX_TRY(arch_->check_slot(base_gfn, npages, r.userspace_addr));
    kx::AllocChecker ac;
    Memslot* slot = new (&ac) Memslot;
    if (!ac.check()) return kx::error(kx::kENOMEM);
    slot->id = id;
    slot->as_id = static_cast<u16>(as_id);
    slot->flags = r.flags;
    slot->base_gfn = base_gfn;
    slot->npages = npages;
    slot->userspace_addr = r.userspace_addr;
    if (r.flags & KX_MEM_LOG_DIRTY_PAGES) {
      kx::Status s = slot->dirty.enable(npages, initially_set());
      if (s.is_error()) {
        kx::destroy(slot);
        return s;
      }
    }
    kx::Status s = set.insert(slot);
    if (s.is_error()) {
      kx::destroy(slot);
      return s;
    }
    if (arch_) arch_->slot_committed(*slot);
    return s;
  }

  // Modify: only the base (move) and the dirty-logging flag may change.
  if (r.userspace_addr != old->userspace_addr || npages != old->npages ||
      ((r.flags ^ old->flags) & KX_MEM_READONLY))
    return kx::error(kx::kEINVAL);
  const bool move = base_gfn != old->base_gfn;
  if (!move && r.flags == old->flags) return kx::Status::ok();
  if (move) {
    if (set.overlaps(base_gfn, npages, old)) return kx::error(kx::kEEXIST);
    if (arch_) KX_TRY(arch_->check_slot(base_gfn, npages, r.userspace_addr));
  }

  // Logging turned on allocates a bitmap, turned off frees it; a move
  // keeps the bitmap the slot had (kvm_prepare_memory_region()).
  const bool log = r.flags & KX_MEM_LOG_DIRTY_PAGES;
  if (log && !old->logging()) KX_TRY(old->dirty.enable(npages, initially_set()));
  if (!log && old->logging()) old->dirty.disable();
  old->flags = r.flags;
  if (move) {
    old->base_gfn = base_gfn;
    set.moved(old);
  }
  if (arch_) arch_->slot_committed(*old);
  return kx::Status::ok();
}

kx::Result<Vcpu*> Vm::create_vcpu(u32 id) {
  const Personality& p = *personality_;
  if (id >= p.max_vcpu_ids) return kx::kEINVAL;
  {
    kx::Guard<kx::Mutex> guard(&lock);
    if (created_vcpus_ >= p.max_vcpus) return kx::kEINVAL;
    if (p.vcpu_precreate) KX_TRY(p.vcpu_precreate(*this, id));
    created_vcpus_++;
  }

  kx::Result<Vcpu*> made = Vcpu::Create(this, id);
  kx::Guard<kx::Mutex> guard(&lock);
  if (made.is_ok()) {
    for (Vcpu* v : vcpus_) {
      if (v->id() == id) {
        kx::destroy(made.value());
        made = kx::kEEXIST;
        break;
      }
    }
  }
  if (made.is_error()) {
    created_vcpus_--;
    return made;
  }
  vcpus_.push_back(made.value());
  online_vcpus_.fetch_add(1);
  return made;
}

void Vm::abort_vcpu(Vcpu* vcpu) {
  kx::Guard<kx::Mutex> guard(&lock);
  vcpus_.remove(vcpu);
  online_vcpus_.fetch_sub(1);
  created_vcpus_--;
  kx::destroy(vcpu);
}

// The analysis follows locks it can name, not a loop over a list of them,
// so these two are exempt: each takes or drops every vCPU mutex it finds
// under `lock` (which they still require), as KVM's pair.
bool Vm::lock_all_vcpus() KX_NO_THREAD_SAFETY_ANALYSIS {
  for (Vcpu* v : vcpus_) {
    if (!v->mutex.try_lock()) {
      for (Vcpu* u : vcpus_) {
        if (u == v) break;
        u->mutex.unlock();
      }
      return false;
    }
  }
  return true;
}

void Vm::unlock_all_vcpus() KX_NO_THREAD_SAFETY_ANALYSIS {
  for (Vcpu* v : vcpus_) v->mutex.unlock();
}

bool Vm::any_vcpu_has_run() {
  for (Vcpu* v : vcpus_) {
    if (v->has_run()) return true;
  }
  return false;
}

kx::Result<Device*> Vm::create_device(u32 type, u32 flags) {
  const kx_device_ops* ops = DeviceRegistry::find(personality_->id, type);
  if (ops && personality_->device_ops) ops = personality_->device_ops(*this, type, ops);
  if (!ops) return kx::kENODEV;
  if (flags & KX_CREATE_DEVICE_TEST) return static_cast<Device*>(nullptr);

  kx::AllocChecker ac;
  Device* dev = new (&ac) Device(this, ops, type);
  if (!ac.check()) return kx::kENOMEM;
  {
    kx::Guard<kx::Mutex> guard(&lock);
    if (nr_devices_ >= kMaxDevicesPerVm) {
      kx::destroy(dev);
      return kx::kENOSPC;
    }
    const int r = ops->create(to_handle(dev), type);
    if (r < 0) {
      kx::destroy(dev);
      return kx::Status::from_raw(r);
    }
    devices_.push_front(dev);
    nr_devices_++;
  }
  if (ops->init) ops->init(to_handle(dev));
  return dev;
}

// The fd could not be made: undo create_device() as kvm_ioctl_create_device().
void Vm::abort_device(Device* dev) {
  const kx_device_ops* ops = dev->ops();
  {
    kx::Guard<kx::Mutex> guard(&lock);
    devices_.remove(dev);
    nr_devices_--;
    if (ops->release) {
      ops->release(to_handle(dev));
      kx::destroy(dev);
      return;
    }
  }
  ops->destroy(to_handle(dev));
  kx::destroy(dev);
}

void Vm::release_device(Device* dev) {
  const kx_device_ops* ops = dev->ops();
  if (!ops->release) return;
  kx::Guard<kx::Mutex> guard(&lock);
  devices_.remove(dev);
  nr_devices_--;
  ops->release(to_handle(dev));
  kx::destroy(dev);
}

// kvm_vm_ioctl_enable_cap_generic() for what kvm_ext implements, then the
// architecture's kvm_vm_ioctl_enable_cap(); what neither knows is -EINVAL.
kx::Status Vm::enable_cap(const EnableCap& req) {
  const u64 cap = req.cap, arg0 = req.args[0];
  const u32 flags = req.flags;
  const u64 caps = personality_->manual_dirty_log_caps;
  if (cap == KX_CAP_MANUAL_DIRTY_LOG_PROTECT2 && caps) {
    // INITIALLY_SET only with ENABLE.
    const u64 allowed =
        (arg0 & KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE) ? caps : KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE;
    if (flags || (arg0 & ~allowed)) return kx::error(kx::kEINVAL);
    // As Linux: the mode changes at once; slots already logging keep
    // their bitmaps, INITIALLY_SET applies to logs enabled from now on.
    manual_protect_.store(arg0);
    return kx::Status::ok();
  }
  if (personality_->vm_enable_cap) return personality_->vm_enable_cap(*this, req);
  return kx::error(kx::kEINVAL);
}

bool Vm::initially_set() const {
  return (manual_protect_.load() & KX_DIRTY_LOG_INITIALLY_SET) != 0;
}

// The slot of a KVM_GET/CLEAR_DIRTY_LOG: -EINVAL for a bad address space
// or id, -ENOENT without a slot or a log.
kx::Result<Memslot*> Vm::logging_slot(u32 slot) {
  const u32 as_id = slot >> 16;
  const u16 id = static_cast<u16>(slot);
  if (as_id >= personality_->address_spaces || id >= personality_->user_mem_slots)
    return kx::kEINVAL;
  Memslot* s = slots_[as_id].by_id(id);
  if (!s || !s->logging()) return kx::kENOENT;
  return s;
}

kx::Status Vm::get_dirty_log(u32 slot, u64 uaddr) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  Memslot* s = KX_TRY(logging_slot(slot));
  KX_TRY(s->dirty.get(uaddr, manual_dirty_log_protect()));
  stats_.dirty_log_gets.inc();
  return kx::Status::ok();
}

// kvm_clear_dirty_log_protect(), in its order of checks.
kx::Status Vm::clear_dirty_log(u32 slot, u64 first_page, u32 num_pages, u64 uaddr) {
  // Without CONFIG_KVM_GENERIC_DIRTYLOG_READ_PROTECT the ioctl does not
  // exist (Vm::ioctl() also answers so before reading its argument).
  if (!personality_->manual_dirty_log_caps)
    return kx::Status::from_raw(personality_->unknown_vm_ioctl_errno);
  const u32 as_id = slot >> 16;
  const u16 id = static_cast<u16>(slot);
  if (as_id >= personality_->address_spaces || id >= personality_->user_mem_slots)
    return kx::error(kx::kEINVAL);
  if (first_page & 63) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&slots_lock);
  Memslot* s = KX_TRY(logging_slot(slot));
  const u64 npages = s->npages;
  if (first_page > npages || num_pages > npages - first_page ||
      (num_pages < npages - first_page && (num_pages & 63)))
    return kx::error(kx::kEINVAL);
  if (num_pages) KX_TRY(s->dirty.clear(first_page, num_pages, uaddr));
  stats_.dirty_log_clears.inc();
  return kx::Status::ok();
}

kx::Status Vm::read_guest(u64 gpa, void* data, u32 len) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  Memslot* slot = slots_[0].by_gfn(gpa >> KX_PAGE_SHIFT);
  if (!slot || (gpa + len - 1) >> KX_PAGE_SHIFT >= slot->end_gfn()) return kx::error(kx::kENOENT);
  const u64 uaddr = slot->userspace_addr + (gpa - (slot->base_gfn << KX_PAGE_SHIFT));
  return kx_copy_from_user(data, uaddr, len) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

kx::Result<u64> Vm::user_addr(u64 gpa) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  const Memslot* slot = slots_[0].by_gfn(gpa >> KX_PAGE_SHIFT);
  if (!slot) return kx::kENOENT;
  return slot->userspace_addr + (gpa - (slot->base_gfn << KX_PAGE_SHIFT));
}

bool Vm::gfn_visible(u64 gfn) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  return slots_[0].by_gfn(gfn) != nullptr;
}

bool Vm::gfn_writable(u64 gfn) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  const Memslot* slot = slots_[0].by_gfn(gfn);
  return slot && !(slot->flags & KX_MEM_READONLY);
}

kx::Status Vm::write_guest(u64 gpa, const void* data, u32 len) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  Memslot* slot = slots_[0].by_gfn(gpa >> KX_PAGE_SHIFT);
  if (!slot || (slot->flags & KX_MEM_READONLY) ||
      (gpa + len - 1) >> KX_PAGE_SHIFT >= slot->end_gfn())
    return kx::error(kx::kENOENT);
  const u64 offset = gpa - (slot->base_gfn << KX_PAGE_SHIFT);
  if (kx_copy_to_user(slot->userspace_addr + offset, data, len)) return kx::error(kx::kEFAULT);
  // After the store: a get or clear racing with it either saw the bit or
  // the bit is set again here.
  if (slot->logging()) {
    for (u64 page = offset >> KX_PAGE_SHIFT; page <= (offset + len - 1) >> KX_PAGE_SHIFT; page++) {
      if (slot->dirty.mark(page)) stats_.dirty_pages_logged.inc();
    }
  }
  return kx::Status::ok();
}

kx::Status Vm::map_guest_page(u64 gpa, bool write, GuestPage* page) {
  kx::Guard<kx::Mutex> guard(&slots_lock);
  const u64 gfn = gpa >> KX_PAGE_SHIFT;
  const Memslot* slot = slots_[0].by_gfn(gfn);
  if (!slot || (write && (slot->flags & KX_MEM_READONLY))) return kx::error(kx::kENOENT);
  void* kaddr;
  void* handle;
  if (kx_user_page_map(slot->userspace_addr + ((gfn - slot->base_gfn) << KX_PAGE_SHIFT), write,
                       &kaddr, &handle))
    return kx::error(kx::kEFAULT);
  *page = GuestPage{static_cast<u8*>(kaddr), handle, gfn << KX_PAGE_SHIFT, write};
  return kx::Status::ok();
}

void Vm::unmap_guest_page(GuestPage& page) {
  if (!page.data) return;
  kx_user_page_unmap(page.handle, page.write);
  if (page.write) mark_guest_dirty(page.gpa);
  page = GuestPage{};
}

void Vm::mark_guest_dirty(u64 gpa) {
  const u64 gfn = gpa >> KX_PAGE_SHIFT;
  kx::Guard<kx::Mutex> guard(&slots_lock);
  // The slot may have gone meanwhile; then there is no log to mark.
  if (Memslot* slot = slots_[0].by_gfn(gfn); slot && slot->logging()) {
    if (slot->dirty.mark(gfn - slot->base_gfn)) stats_.dirty_pages_logged.inc();
  }
}

kx::Status Vm::attr(kx_attr_op op, const kx_attr& a) { return personality_->vm_attr(*this, op, a); }

}  // namespace kvm

namespace kvm {

kx::Status Vm::irq_line(IrqLevel& line) {
  if (!personality_->irq_line) return kx::Status::from_raw(personality_->unknown_vm_ioctl_errno);
  const u32 irq = line.irq;
  const kx::Status s = personality_->irq_line(*this, line);
  if (s.is_ok() && line.level) stats_.irq_line_injections.inc();
  kx_trace_irq_line(irq, line.level, s.raw());
  return s;
}

// kvm_send_userspace_msi(): the VM's interrupt controller, if any, decides.
kx::Result<int> Vm::signal_msi(const Msi& msi) {
  IrqChip* chip = irqchip();
  kx::Result<int> r = chip ? chip->signal_msi(*this, msi) : kx::Result<int>(kx::kEINVAL);
  if (r.is_ok() && r.value() > 0) stats_.msi_injections.inc();
  kx_trace_signal_msi(msi.devid, msi.data, r.is_ok() ? r.value() : r.error().raw());
  return r;
}

kx::Status Vm::set_gsi_routing(const UserRoute* entries, u32 n) {
  RoutingTable* table = KX_TRY(RoutingTable::Build(irqchip(), entries, n));
  replace_routing(table);
  stats_.gsi_routing_updates.inc();
  return kx::Status::ok();
}

void Vm::replace_routing(RoutingTable* table) {
  RoutingTable* old;
  {
    kx::Guard<kx::Mutex> guard(&irq_lock);
    old = routing_;
    routing_ = table;
    irqfds_.routing_changed(table);
  }
  kx::destroy(old);
}

u32 Vm::routes(u32 gsi, Route* out, u32 max) const {
  if (!irq_.routing) return max ? (*out = RoutingTable::pin_of(gsi), 1) : 0;
  return routing_ ? routing_->routes(gsi, out, max) : 0;
}

u32 Vm::set_irq(u32 gsi, u32 level) {
  Route routes[4];
  u32 n;
  {
    kx::Guard<kx::Mutex> guard(&irq_lock);
    n = this->routes(gsi, routes, 4);
  }
  IrqChip* chip = irqchip();
  for (u32 i = 0; chip && i < n; i++) {
    // Nobody to report an error to: as KVM, a route that does not reach
    // an interrupt (an SPI the GIC lacks, an MSI without an ITS) is dropped.
    if (routes[i].type == kRouteIrqchip)
      (void)chip->set_pin(*this, routes[i].irqchip, routes[i].pin, level);
    else if (routes[i].type == kRouteMsi)
      chip->route_msi(*this, routes[i].msi, level != 0);
    else
      chip->set_adapter(*this, routes[i].adapter, level);
  }
  return chip ? n : 0;
}

bool Vm::inject_atomic(const Route& r) {
  IrqChip* chip = irqchip();
  if (!chip) return false;
  if (r.type == kRouteIrqchip) return chip->pin_edge_atomic(*this, r.irqchip, r.pin);
  if (r.type == kRouteMsi) return chip->msi_atomic(*this, r.msi);
  return false;  // an adapter route writes guest memory
}

void Vm::irq_acked(u32 irqchip, u32 pin) {
  s32 gsi;
  {
    kx::Guard<kx::Mutex> guard(&irq_lock);
    if (!irq_.routing)
      gsi = irqchip == 0 ? static_cast<s32>(pin) : -1;  // kvm_irq_map_chip_pin()
    else
      gsi = routing_ ? routing_->gsi_of(irqchip, pin) : -1;
  }
  if (gsi >= 0) irqfds_.acked(static_cast<u32>(gsi));
}

namespace {

// struct kvm_clear_dirty_log.
struct ClearDirtyLog {
  u32 slot;
  u32 num_pages;
  u64 first_page;
  u64 bitmap;
};
// struct kvm_msi: struct Msi, then padding.
struct UserMsi {
  Msi msi;
  u8 pad[12];
};
static_assert(sizeof(IrqLevel) == 8 && sizeof(ClearDirtyLog) == 24 && sizeof(UserMsi) == 32);

// KVM_IRQ_LINE, and KVM_IRQ_LINE_STATUS, which copies the struct back.
kx::Result<long> irq_line_ioctl(Vm& vm, u32 cmd, u64 arg) {
  IrqLevel irq;
  if (kx_copy_from_user(&irq, arg, sizeof(irq))) return kx::kEFAULT;
  KX_TRY(vm.irq_line(irq));
  if (cmd == KX_IRQ_LINE_STATUS && kx_copy_to_user(arg, &irq, sizeof(irq))) return kx::kEFAULT;
  return 0;
}

kx::Result<long> signal_msi_ioctl(Vm& vm, u32, u64 arg) {
  UserMsi m;
  if (kx_copy_from_user(&m, arg, sizeof(m))) return kx::kEFAULT;
  return KX_TRY(vm.signal_msi(m.msi));
}

// The bitmap pointer shares a u64 with padding: a 32-bit process sets
// only the low half (KVM reads it through compat_kvm_clear_dirty_log).
kx::Result<long> clear_dirty_log_ioctl(Vm& vm, u32, u64 arg) {
  ClearDirtyLog log;
  if (kx_copy_from_user(&log, arg, sizeof(log))) return kx::kEFAULT;
  const u64 bitmap = kx_in_compat_syscall() ? static_cast<u32>(log.bitmap) : log.bitmap;
  KX_TRY(vm.clear_dirty_log(log.slot, log.first_page, log.num_pages, bitmap));
  return 0;
}

// struct kvm_irq_routing: the header, then nr entries.
struct IrqRouting {
  u32 nr;
  u32 flags;
};

// KVM_SET_GSI_ROUTING, in kvm_vm_ioctl()'s order of checks.
kx::Result<long> set_gsi_routing_ioctl(Vm& vm, u32, u64 arg) {
  IrqRouting r;
  if (kx_copy_from_user(&r, arg, sizeof(r))) return kx::kEFAULT;
  if (r.nr > kMaxIrqRoutes || r.flags) return kx::kEINVAL;
  UserRoute* entries = nullptr;
  if (r.nr) {
    entries = kx::alloc_array<UserRoute>(r.nr);
    if (!entries) return kx::kENOMEM;
    if (kx_copy_from_user(entries, arg + sizeof(r), sizeof(UserRoute) * r.nr)) {
      kx::free_array(entries);
      return kx::kEFAULT;
    }
  }
  const kx::Status s = vm.set_gsi_routing(entries, r.nr);
  kx::free_array(entries);
  KX_TRY(s);
  return 0;
}

kx::Result<long> irqfd_ioctl(Vm& vm, u32, u64 arg) {
  IrqfdArgs args;
  if (kx_copy_from_user(&args, arg, sizeof(args))) return kx::kEFAULT;
  KX_TRY(vm.irqfds().ioctl(args));
  return 0;
}

kx::Result<long> ioeventfd_ioctl(Vm& vm, u32, u64 arg) {
  IoeventfdArgs args;
  if (kx_copy_from_user(&args, arg, sizeof(args))) return kx::kEFAULT;
  KX_TRY(ioeventfd(vm, args));
  return 0;
}

bool has_irq_line(const Vm& vm) { return vm.personality().irq_line != nullptr; }
bool has_irq_routing(const Vm& vm) { return vm.irq_features().routing; }
bool has_irqfd(const Vm& vm) { return vm.irq_features().irqfd; }
bool has_msi(const Vm& vm) { return vm.irq_features().msi; }
// CONFIG_KVM_GENERIC_DIRTYLOG_READ_PROTECT
bool has_clear_dirty_log(const Vm& vm) { return vm.personality().manual_dirty_log_caps != 0; }
// kvm_vm_ioctl() has KVM_IOEVENTFD on every architecture.
bool everywhere(const Vm&) { return true; }

// The generic VM ioctls (kvm_vm_ioctl()) that decode in the core, each on
// the architectures whose configuration has it.
struct GenericVmIoctl {
  u32 cmd;
  bool (*present)(const Vm& vm);
  kx::Result<long> (*handler)(Vm& vm, u32 cmd, u64 arg);
};

constexpr GenericVmIoctl kGenericVmIoctls[] = {
    {KX_IRQ_LINE, has_irq_line, irq_line_ioctl},
    {KX_IRQ_LINE_STATUS, has_irq_line, irq_line_ioctl},
    {KX_SIGNAL_MSI, has_msi, signal_msi_ioctl},
    {KX_CLEAR_DIRTY_LOG, has_clear_dirty_log, clear_dirty_log_ioctl},
    {KX_SET_GSI_ROUTING, has_irq_routing, set_gsi_routing_ioctl},
    {KX_IRQFD, has_irqfd, irqfd_ioctl},
    {KX_IOEVENTFD, everywhere, ioeventfd_ioctl},
};

}  // namespace

kx::Result<long> Vm::ioctl(u32 cmd, u64 arg) {
  const Personality& p = *personality_;
  for (const GenericVmIoctl& row : kGenericVmIoctls) {
    if (row.cmd == cmd && row.present(*this)) return row.handler(*this, cmd, arg);
  }
  if (const VmIoctl* row = find_ioctl(p.vm_ioctls, p.n_vm_ioctls, cmd))
    return row->handler(*this, arg);
  return kx::Status::from_raw(p.unknown_vm_ioctl_errno);
}

}  // namespace kvm
