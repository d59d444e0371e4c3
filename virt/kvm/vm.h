// SPDX-License-Identifier: GPL-2.0
// The VM, its vCPUs and its devices: the spine every device stands on.
//
// Lifetimes follow KVM: each fd (VM, vCPU, device) holds one reference on
// the VM; vCPUs and devices without a release hook die with the VM; a
// device with one dies when its fd closes.
//
// Lock order (lockdep checks it in the kernel build):
//   Vcpu::mutex -> Vm::lock -> Vm::slots_lock
// lock_all_vcpus() takes every Vcpu::mutex by trylock under Vm::lock, as
// KVM's kvm_lock_all_vcpus(), so a vCPU in KVM_RUN makes it fail (-EBUSY).
#pragma once

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/list.h>
#include <kx/lock.h>
#include <kx/vector.h>

#include "arch.h"
#include "io_bus.h"
#include "ioeventfd.h"
#include "irq_routing.h"
#include "irqchip.h"
#include "irqfd.h"
#include "memslot.h"
#include "personality.h"

namespace kvm {

class Vm;

u32 vm_count();

extern kx::LockClass vm_lock_class;
extern kx::LockClass vm_slots_lock_class;
extern kx::LockClass vcpu_mutex_class;
extern kx::LockClass vm_irq_lock_class;

// One KVM_EXT_GUEST_ACCESS. A hypercall's registers: addr is the
// function (x0), data x1 in and x0 out, args x2-x4 in and x1-x3 out.
struct GuestAccess {
  u32 kind;
  bool write;
  u64 addr;
  u32 len;
  u64 data;
  u64 args[3];
  u32 result;
};

class Vcpu {
 public:
  static kx::Result<Vcpu*> Create(Vm* vm, u32 id);
  ~Vcpu();

  Vm& vm() const { return *vm_; }
  u32 id() const { return id_; }
  void* page(unsigned long index) const;

  kx::Status run(kx_run* run) KX_EXCLUDES(mutex);
  kx::Status attr(kx_attr_op op, const kx_attr& a) KX_EXCLUDES(mutex);
  kx::Status guest_access(GuestAccess& access, kx_exit* exit) KX_EXCLUDES(mutex);
  // A vCPU ioctl the shim does not decode itself: the architecture's
  // table, else the architecture's unknown-ioctl errno.
  kx::Result<long> ioctl(u32 cmd, u64 arg);
  // KVM_SET_SIGNAL_MASK: the mask KVM_RUN puts in force, or none (null).
  kx::Status set_signal_mask(const u64* mask) KX_EXCLUDES(mutex);

  bool has_run() const { return has_run_.load(); }
  // Wakes the vCPU if it waits in KVM_RUN (it re-checks for work). Safe
  // from any context, under any lock.
  void kick() {
    if (stats_.blocking.read()) stats_.halt_wakeup.inc();
    wait_.wake_all();
  }
  bool running() const { return running_.load(); }
  // KVM's vcpu->guest_debug: the control word of the last accepted
  // KVM_SET_GUEST_DEBUG (0: off). Only a running guest would act on it.
  u32 guest_debug() const KX_REQUIRES(mutex) { return guest_debug_; }
  void set_guest_debug(u32 control) KX_REQUIRES(mutex) { guest_debug_ = control; }
  // The guest physical address of the vCPU's last KVM_EXIT_MMIO, the fault
  // KVM keeps from that exit (arm64 injects an external abort at it), and
  // whether there was one.
  bool had_mmio_exit() const KX_REQUIRES(mutex) { return had_mmio_exit_; }
  u64 mmio_exit_addr() const KX_REQUIRES(mutex) { return mmio_exit_addr_; }

  kx::Mutex mutex{&vcpu_mutex_class};
  kx::ListNode vm_node;
  // The architecture's per-vCPU state (Personality::vcpu_create).
  ArchVcpu* arch() const { return arch_; }

  // KVM_GET_STATS_FD: waits for the vCPU's mutex, as every vCPU ioctl of
  // KVM does (a vCPU in KVM_RUN delays it), then takes the VM reference
  // the fd holds. -EINTR on a fatal signal.
  kx::Result<StatsFile*> stats_open() KX_EXCLUDES(mutex);
  // The counters (stats.h): atomics, read with no lock.
  VcpuStats& stats() { return stats_; }

 private:
  Vcpu(Vm* vm, u32 id);
  kx::Status idle(kx_exit& exit) KX_REQUIRES(mutex);
  kx::Status access_device_page(GuestAccess& access) KX_REQUIRES(mutex);
  kx::Status access_ram(GuestAccess& access);
  kx::Status access_mmio(GuestAccess& access, kx_exit* exit) KX_REQUIRES(mutex);

  Vm* vm_;
  u32 id_;
  ArchVcpu* arch_ = nullptr;
  void* pages_[2] = {};
  kx::Atomic<bool> has_run_;
  kx::Atomic<bool> running_;
  kx::WaitQueue wait_;
  bool sigmask_active_ KX_GUARDED_BY(mutex) = false;
  u64 sigmask_ KX_GUARDED_BY(mutex) = 0;
  u32 guest_debug_ KX_GUARDED_BY(mutex) = 0;
  bool had_mmio_exit_ KX_GUARDED_BY(mutex) = false;
  u64 mmio_exit_addr_ KX_GUARDED_BY(mutex) = 0;
  VcpuStats stats_;
  StatsFile stats_file_;
};

class Device {
 public:
  Device(Vm* vm, const kx_device_ops* ops, u32 type) : vm_(vm), ops_(ops), type_(type) {}

  Vm& vm() const { return *vm_; }
  const kx_device_ops* ops() const { return ops_; }
  u32 type() const { return type_; }
  // A mappable device's pages [pgoff, pgoff + n) unmapped from every
  // process that mapped them (kx_unmap_device_pages()); nothing before
  // the fd was first mapped. May sleep.
  void unmap_pages(u64 pgoff, u64 n) const {
    if (void* m = mapping.load()) kx_unmap_device_pages(m, pgoff, n);
  }
  void* priv = nullptr;
  kx::ListNode vm_node;
  // The shim's handle for the fd's pages (kx_device_set_mapping()).
  kx::Atomic<void*> mapping{nullptr};

 private:
  Vm* vm_;
  const kx_device_ops* ops_;
  u32 type_;
};

// The per-personality table of device types, as KVM's
// kvm_device_ops_table (which stock kernels do not export).
class DeviceRegistry {
 public:
  static kx::Status add(kx_personality p, u32 type, const kx_device_ops* ops);
  static void remove(kx_personality p, u32 type);
  static const kx_device_ops* find(kx_personality p, u32 type);
};

// kvm_ext's bound on devices per VM (KVM's is memory alone): creating one
// more fails with -ENOSPC.
constexpr u32 kMaxDevicesPerVm = 256;

// A guest page that Vm::map_guest_page() made directly accessible.
struct GuestPage {
  u8* data = nullptr;  // null: none
  void* handle = nullptr;
  u64 gpa = 0;
  bool write = false;
};

class Vm {
 public:
  static kx::Result<Vm*> Create(const Personality* p, unsigned long type, void* owner);

  void get() { refs_.fetch_add(1); }
  void put();

  const Personality& personality() const { return *personality_; }
  // The generic interrupt ioctls this VM has (Personality::irq_features).
  IrqFeatures irq_features() const { return irq_; }
  // The architecture's per-VM state (Personality::vm_create), null for
  // an architecture without any.
  ArchVm* arch() const { return arch_; }
  IrqChip* irqchip() const { return arch_ ? arch_->irqchip() : nullptr; }
  void* owner() const { return owner_; }

  kx::Status set_memory_region(const kx_memory_region& r) KX_EXCLUDES(slots_lock);
  kx::Result<Vcpu*> create_vcpu(u32 id) KX_EXCLUDES(lock);
  void abort_vcpu(Vcpu* vcpu) KX_EXCLUDES(lock);
  kx::Result<Device*> create_device(u32 type, u32 flags) KX_EXCLUDES(lock);
  void abort_device(Device* dev) KX_EXCLUDES(lock);
  void release_device(Device* dev) KX_EXCLUDES(lock);
  kx::Status attr(kx_attr_op op, const kx_attr& a);
  // A VM ioctl the shim does not decode itself: the generic ones the
  // core decodes (KVM_IRQ_LINE, KVM_SIGNAL_MSI, KVM_CLEAR_DIRTY_LOG,
  // KVM_SET_GSI_ROUTING, KVM_IRQFD, KVM_IOEVENTFD), then
  // the architecture's table, else the architecture's unknown-ioctl errno.
  kx::Result<long> ioctl(u32 cmd, u64 arg);
  // KVM_IRQ_LINE and KVM_SIGNAL_MSI, decoded (KUnit injects through
  // these from atomic context).
  kx::Status irq_line(IrqLevel& line);
  kx::Result<int> signal_msi(const Msi& msi);

  // GSI routing (irq_routing.h): KVM_SET_GSI_ROUTING's table checked and
  // published whole; replace_routing() publishes one already checked (an
  // interrupt controller's default table) and cannot fail.
  kx::Status set_gsi_routing(const UserRoute* entries, u32 n) KX_EXCLUDES(irq_lock);
  void replace_routing(RoutingTable* table) KX_EXCLUDES(irq_lock);
  const RoutingTable* routing() const KX_REQUIRES(irq_lock) { return routing_; }
  // The routes of `gsi`: the table's, or where the architecture has no
  // KVM_SET_GSI_ROUTING (book3s), pin `gsi` of irqchip 0, as its
  // kvm_irq_map_gsi() answers.
  u32 routes(u32 gsi, Route* out, u32 max) const KX_REQUIRES(irq_lock);
  // kvm_set_irq(): every route of `gsi`, in process context.
  // Returns how many routes it fired.
  u32 set_irq(u32 gsi, u32 level) KX_EXCLUDES(irq_lock);
  // kvm_arch_set_irq_inatomic() for one route: false if it needs process
  // context.
  bool inject_atomic(const Route& route);
  // kvm_notify_acked_irq(): the guest deactivated what `pin` of `irqchip`
  // carries (irqfd resampling). Process context, no lock held.
  void irq_acked(u32 irqchip, u32 pin) KX_EXCLUDES(irq_lock);
  Irqfds& irqfds() { return irqfds_; }

  // The counters (stats.h): atomics, changed where their events happen
  // and read with no lock. KVM_GET_STATS_FD: the file, after taking the VM
  // reference its fd holds.
  VmStats& stats() { return stats_; }
  StatsFile* stats_open() {
    get();
    return &stats_file_;
  }

  // KVM_ENABLE_CAP on the VM.
  kx::Status enable_cap(const EnableCap& req);
  // KVM_GET_DIRTY_LOG and KVM_CLEAR_DIRTY_LOG into/from a user bitmap.
  kx::Status get_dirty_log(u32 slot, u64 uaddr) KX_EXCLUDES(slots_lock);
  kx::Status clear_dirty_log(u32 slot, u64 first_page, u32 num_pages, u64 uaddr)
      KX_EXCLUDES(slots_lock);
  bool manual_dirty_log_protect() const { return manual_protect_.load() != 0; }

  // Guest RAM through the memslots of address space 0: the one path by
  // which a vCPU (the guest-access extension) or an in-kernel device (ITS
  // tables, XIVE queues, pending tables) reads or writes guest memory. A
  // write marks its page dirty when the slot logs. -ENOENT: no slot there,
  // or (write) a read-only slot; -EFAULT: the VMM's memory is not there.
  kx::Status read_guest(u64 gpa, void* data, u32 len) KX_EXCLUDES(slots_lock);
  // The user address backing guest physical address gpa; -ENOENT outside
  // the memslots.
  kx::Result<u64> user_addr(u64 gpa) KX_EXCLUDES(slots_lock);
  kx::Status write_guest(u64 gpa, const void* data, u32 len) KX_EXCLUDES(slots_lock);
  // The guest page at `gpa` (page aligned) for direct access, with the
  // same errors; unmap_guest_page() releases it and, after a write, marks
  // it dirty (after the stores, as write_guest()). For table walks
  // (guest_batch.h) that would otherwise copy every page twice.
  kx::Status map_guest_page(u64 gpa, bool write, GuestPage* page) KX_EXCLUDES(slots_lock);
  void unmap_guest_page(GuestPage& page) KX_EXCLUDES(slots_lock);
  // Marks the page at `gpa` dirty when its slot logs: unmap_guest_page()
  // after a write, and a device whose pinned page is written where it
  // cannot sleep (the XIVE's event queues, written from irqfd wakeups,
  // marked by KVM_DEV_XIVE_EQ_SYNC and when they are let go).
  void mark_guest_dirty(u64 gpa) KX_EXCLUDES(slots_lock);

  // gfn_to_hva() succeeds: a writable memslot of address space 0 holds gfn.
  bool gfn_writable(u64 gfn) KX_EXCLUDES(slots_lock);
  // kvm_is_visible_gfn(): a memslot of address space 0 holds gfn.
  bool gfn_visible(u64 gfn) KX_EXCLUDES(slots_lock);
  u32 online_vcpus() const { return online_vcpus_.load(); }
  u32 created_vcpus() const KX_REQUIRES(lock) { return created_vcpus_; }
  u32 max_vcpus() const { return personality_->max_vcpus; }

  // Takes every vCPU mutex or none; false if one is held (a vCPU in
  // KVM_RUN or in another ioctl).
  bool lock_all_vcpus() KX_REQUIRES(lock);
  void unlock_all_vcpus() KX_REQUIRES(lock);
  bool any_vcpu_has_run() KX_REQUIRES(lock);

  // The vCPUs in creation order (KVM's kvm->vcpus), under lock.
  kx::IntrusiveList<Vcpu, &Vcpu::vm_node>& vcpus() KX_REQUIRES(lock) { return vcpus_; }
  // Devices of this VM (KVM's kvm->devices), under lock.
  kx::IntrusiveList<Device, &Device::vm_node>& devices() KX_REQUIRES(lock) { return devices_; }
  // Guest physical memory (address space 0), under slots_lock.
  MemslotSet& slots(u32 as_id) KX_REQUIRES(slots_lock) { return slots_[as_id]; }
  IoBus& mmio_bus() KX_REQUIRES(slots_lock) { return mmio_bus_; }
  // The VM's ioeventfds (KVM_IOEVENTFD), under slots_lock.
  IoeventfdSet& ioeventfds() KX_REQUIRES(slots_lock) { return ioeventfds_; }

  kx::Mutex lock{&vm_lock_class};
  // Taken under lock, never the other way round.
  kx::Mutex slots_lock KX_ACQUIRED_AFTER(lock) = kx::Mutex(&vm_slots_lock_class);
  // KVM's kvm->irq_lock: the routing table.
  kx::Mutex irq_lock{&vm_irq_lock_class};

 private:
  Vm(const Personality* p, ArchVm* arch, void* owner)
      : personality_(p),
        arch_(arch),
        irq_(p->irq),
        owner_(owner),
        stats_file_(this, &p->vm_stats, &stats_, -1) {}
  bool initially_set() const;
  kx::Status change_memslot(const kx_memory_region& r) KX_EXCLUDES(slots_lock);
  kx::Result<Memslot*> logging_slot(u32 slot) KX_REQUIRES(slots_lock);
  ~Vm();
  friend void kx::destroy<Vm>(Vm*);

  const Personality* personality_;
  ArchVm* arch_;
  IrqFeatures irq_;
  void* owner_;
  kx::Atomic<u32> refs_{1};
  kx::Atomic<u64> manual_protect_;
  kx::Atomic<u32> online_vcpus_;
  u32 created_vcpus_ KX_GUARDED_BY(lock) = 0;
  u32 nr_devices_ KX_GUARDED_BY(lock) = 0;
  RoutingTable* routing_ KX_GUARDED_BY(irq_lock) = nullptr;
  Irqfds irqfds_{this};
  VmStats stats_;
  StatsFile stats_file_;
  kx::IntrusiveList<Vcpu, &Vcpu::vm_node> vcpus_ KX_GUARDED_BY(lock);
  kx::IntrusiveList<Device, &Device::vm_node> devices_ KX_GUARDED_BY(lock);
  MemslotSet slots_[1] KX_GUARDED_BY(slots_lock);
  IoBus mmio_bus_ KX_GUARDED_BY(slots_lock);
  IoeventfdSet ioeventfds_ KX_GUARDED_BY(slots_lock);
};

}  // namespace kvm
