// SPDX-License-Identifier: GPL-2.0
#include "c_abi.h"
#include "vm.h"

namespace kvm {

Vcpu::Vcpu(Vm* vm, u32 id)
    : vm_(vm), id_(id), stats_file_(vm, &vm->personality().vcpu_stats, &stats_, id) {}

kx::Result<Vcpu*> Vcpu::Create(Vm* vm, u32 id) {
  kx::AllocChecker ac;
  Vcpu* vcpu = new (&ac) Vcpu(vm, id);
  if (!ac.check()) return kx::kENOMEM;
  const Personality& p = vm->personality();
  if (p.vcpu_create) {
    kx::Result<ArchVcpu*> arch = p.vcpu_create(*vcpu);
    if (arch.is_error()) {
      kx::destroy(vcpu);
      return arch.error();
    }
    vcpu->arch_ = arch.value();
  }
  for (int i = 0; i < vm->personality().vcpu_mmap_pages; i++) {
    vcpu->pages_[i] = kx_page_alloc();
    if (!vcpu->pages_[i]) {
      kx::destroy(vcpu);
      return kx::kENOMEM;
    }
  }
  return vcpu;
}

Vcpu::~Vcpu() {
  const Personality& p = vm_->personality();
  if (arch_ && p.vcpu_destroy) p.vcpu_destroy(*this);
  kx::destroy(arch_);
  for (void* page : pages_) {
    if (page) kx_page_free(page);
  }
}

void* Vcpu::page(unsigned long index) const {
  if (index >= static_cast<unsigned long>(vm_->personality().vcpu_mmap_pages)) return nullptr;
  return pages_[index];
}

// KVM_RUN: the architecture's entry checks, then an idle guest that waits
// for a signal (KVM_EXIT_INTR). The vCPU mutex stays held throughout, as in
// KVM, which is what makes a running vCPU "busy" to lock_all_vcpus().
kx::Status Vcpu::run(kx_run* run) {
  if (mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  const Personality& p = vm_->personality();
  kx::Status status;
  if (p.run_check) status = p.run_check(*this);
  if (status.is_ok()) {
    has_run_.store(true);
    if (run->immediate_exit) {
      // As every architecture: -EINTR, kvm_run untouched.
      status = kx::error(kx::kEINTR);
    } else if (p.run_enter) {
      status = p.run_enter(*this, run->exit);
    }
    if (status.is_ok() && !run->immediate_exit) status = idle(run->exit);
  }
  mutex.unlock();
  return status;
}

// The idle guest: it waits for an interrupt it would take (then exits
// with KVM_EXIT_EXT_INTERRUPT so the test, as the guest, can take it), a
// wakeup of a suspended vCPU, or a signal the mask in force lets through.
kx::Status Vcpu::idle(kx_exit& exit) {
  const Personality& p = vm_->personality();
  IrqChip* chip = vm_->irqchip();
  running_.store(true);
  if (sigmask_active_) kx_sigmask_activate(sigmask_);
  kx::Status status;
  IdleEvent event = IdleEvent::kNone;
  for (;;) {
    auto has_work = [this, &p, chip, &event] {
      if (p.idle_event)
        event = p.idle_event(*this);
      else
        event = chip && chip->vcpu_has_interrupt(*this) ? IdleEvent::kInterrupt : IdleEvent::kNone;
      return event != IdleEvent::kNone;
    };
    // With work pending already it does not block, and counts no wait
    // (as 6.1's kvm_vcpu_halt() when its first check finds work).
    if (!has_work()) {
      const u64 start = kx_now_ns();
      stats_.blocking.set(1);
      status = kx::Status::from_raw(wait_.wait(&has_work));
      stats_.blocking.set(0);
      const u64 waited = kx_now_ns() - start;
      stats_.halt_wait_ns.add(waited);
      stats_.halt_wait_hist.record(waited);
    }
    if (status.is_ok() && event == IdleEvent::kRequest && p.run_enter) {
      status = p.run_enter(*this, exit);
      if (status.is_ok()) continue;
    }
    break;
  }
  if (sigmask_active_) kx_sigmask_deactivate();
  running_.store(false);
  exit.set = 1;
  stats_.exits.inc();
  stats_.userspace_exits.inc();
  if (status.is_error()) {
    exit.reason = KX_EXIT_INTR;
    stats_.signal_exits.inc();
  } else if (event == IdleEvent::kWakeup) {
    exit.reason = KX_EXIT_SYSTEM_EVENT;
    exit.event_type = KX_SYSTEM_EVENT_WAKEUP;
    exit.event_ndata = 0;
    exit.event_data0 = 0;
  } else {
    exit.reason = KX_EXIT_EXT_INTERRUPT;
    stats_.ext_interrupt_exits.inc();
  }
  return status;
}

// kvm_vcpu_ioctl_set_sigmask(): under the vCPU's mutex, so a KVM_RUN in
// progress keeps the mask it entered with.
kx::Status Vcpu::set_signal_mask(const u64* mask) {
  if (mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  sigmask_active_ = mask != nullptr;
  if (mask) sigmask_ = *mask;
  mutex.unlock();
  return kx::Status::ok();
}

kx::Status Vcpu::attr(kx_attr_op op, const kx_attr& a) {
  const Personality& p = vm_->personality();
  if (mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  kx::Status status = p.vcpu_attr(*this, op, a);
  mutex.unlock();
  return status;
}

kx::Status Vcpu::guest_access(GuestAccess& access, kx_exit* exit) {
  // Only a hypercall has further arguments.
  if (access.kind != KX_ACCESS_HYPERCALL && (access.args[0] | access.args[1] | access.args[2]))
    return kx::error(kx::kEINVAL);
  if (mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  kx::Status status;
  const Personality& p = vm_->personality();
  switch (access.kind) {
    case KX_ACCESS_MEM:
      if (access.len != 1 && access.len != 2 && access.len != 4 && access.len != 8) {
        status = kx::error(kx::kEINVAL);
      } else if ((access.addr & (KX_PAGE_SIZE - 1)) + access.len > KX_PAGE_SIZE) {
        status = kx::error(kx::kEINVAL);  // one page per access
      } else {
        status = access_device_page(access);
        if (status == kx::error(kx::kENOENT)) status = access_ram(access);
        if (status == kx::error(kx::kENOENT)) status = access_mmio(access, exit);
      }
      break;
    case KX_ACCESS_SYSREG:
      status = p.guest_sysreg ? p.guest_sysreg(*this, access) : kx::error(kx::kENXIO);
      if (status.is_ok()) {
        stats_.sysreg_exits.inc();
        stats_.exits.inc();
      }
      break;
    case KX_ACCESS_HYPERCALL:
      status = p.guest_hypercall ? p.guest_hypercall(*this, access, exit) : kx::error(kx::kENXIO);
      if (status.is_ok()) {
        stats_.hypercalls.inc();
        stats_.exits.inc();
      }
      break;
    case KX_ACCESS_INTERRUPT:
      status = p.guest_interrupt ? p.guest_interrupt(*this, access) : kx::error(kx::kEINVAL);
      if (status.is_ok() && access.result == KX_ACCESS_RESULT_KERNEL) stats_.exits.inc();
      break;
    default:
      status = kx::error(kx::kEINVAL);
  }
  mutex.unlock();
  if (status.is_ok())
    kx_trace_guest_access(id_, access.kind, access.addr, access.len, access.write,
                          static_cast<int>(access.result));
  return status;
}

// Guest RAM whose user memory is a device's mapping (QEMU backs XIVE's
// ESB and TIMA pages so): the device takes the access as its hardware
// would, since a load from the mapped page could not run its code.
// -ENOENT: not such a page. The file reference keeps the device while
// its mapping may go meanwhile.
kx::Status Vcpu::access_device_page(GuestAccess& access) {
  kx::Result<u64> uaddr = vm_->user_addr(access.addr);
  if (uaddr.is_error()) return uaddr.error();
  kx_device* dev;
  unsigned long pgoff;
  void* file = kx_user_device_page(uaddr.value(), &dev, &pgoff);
  if (!file) return kx::error(kx::kENOENT);
  const kx_device_ops* ops = from_handle(dev)->ops();
  int r = -kx::kEFAULT;
  if (ops->page_access) {
    unsigned long long data = access.data;
    r = ops->page_access(dev, to_handle(this), pgoff,
                         static_cast<u32>(uaddr.value() & (KX_PAGE_SIZE - 1)), access.len,
                         access.write, &data);
    if (r == 0 && !access.write) access.data = data;
  }
  kx_file_put(file);
  KX_TRY(kx::Status::from_raw(r));
  access.result = KX_ACCESS_RESULT_KERNEL;
  stats_.mmio_exit_kernel.inc();
  stats_.mmio_exits.inc();
  stats_.exits.inc();
  return kx::Status::ok();
}

// RAM through the VM's guest-memory helper. -ENOENT means "not RAM": no
// slot, or a store to a read-only slot (then MMIO).
kx::Status Vcpu::access_ram(GuestAccess& access) {
  if (access.write) {
    KX_TRY(vm_->write_guest(access.addr, &access.data, access.len));
  } else {
    u64 data = 0;
    KX_TRY(vm_->read_guest(access.addr, &data, access.len));
    access.data = data;
  }
  access.result = KX_ACCESS_RESULT_RAM;
  return kx::Status::ok();
}

// MMIO: a store an ioeventfd matches signals its eventfd; else an
// in-kernel device region, unless its handler declines; else an exit to
// user space with KVM_EXIT_MMIO
// filled in, as KVM does for an access no device claims. An ioeventfd
// comes before a device region whose frame holds its address (api.rst:
// "a guest write in the registered address will signal the provided
// event"; see differences.rst). The eventfd is signalled under slots_lock,
// which keeps a deassign from dropping it meanwhile. The handler runs
// without slots_lock, as kvm_io_bus_write() runs under SRCU only: an ITS
// command reads guest RAM, which takes slots_lock. Handlers leave the bus
// only when the VM is destroyed, after every vCPU fd is closed, so the one
// found stays valid.
kx::Status Vcpu::access_mmio(GuestAccess& access, kx_exit* exit) {
  IoHandler* handler = nullptr;
  u64 offset = 0;
  {
    kx::Guard<kx::Mutex> guard(&vm_->slots_lock);
    if (access.write && vm_->ioeventfds().write(access.addr, access.len, access.data)) {
      access.result = KX_ACCESS_RESULT_KERNEL;
      stats_.mmio_exit_kernel.inc();
      stats_.mmio_exits.inc();
      stats_.exits.inc();
      return kx::Status::ok();
    }
    const IoBus::Region* region = vm_->mmio_bus().find(access.addr, access.len);
    if (region) {
      handler = region->handler;
      offset = access.addr - region->base;
    }
  }
  kx::Status handled = kx::error(kx::kEOPNOTSUPP);
  if (handler) {
    handled = access.write ? handler->write(*this, offset, access.len, access.data)
                           : handler->read(*this, offset, access.len, &access.data);
    if (handled.is_error() && handled != kx::error(kx::kEOPNOTSUPP)) return handled;
  }
  if (handled.is_ok()) {
    access.result = KX_ACCESS_RESULT_KERNEL;
    stats_.mmio_exit_kernel.inc();
    stats_.mmio_exits.inc();
    stats_.exits.inc();
    return kx::Status::ok();
  }
  had_mmio_exit_ = true;
  mmio_exit_addr_ = access.addr;
  exit->set = 1;
  exit->reason = KX_EXIT_MMIO;
  exit->mmio_addr = access.addr;
  exit->mmio_len = access.len;
  exit->mmio_is_write = access.write;
  for (u32 i = 0; i < 8; i++)
    exit->mmio_data[i] =
        access.write && i < access.len ? static_cast<u8>(access.data >> (8 * i)) : 0;
  if (!access.write) access.data = 0;
  access.result = KX_ACCESS_RESULT_EXIT;
  stats_.mmio_exit_user.inc();
  stats_.mmio_exits.inc();
  stats_.exits.inc();
  return kx::Status::ok();
}

kx::Result<StatsFile*> Vcpu::stats_open() {
  if (mutex.lock_killable() != 0) return kx::kEINTR;
  mutex.unlock();
  vm_->get();
  return &stats_file_;
}

}  // namespace kvm

namespace kvm {

// The architectures' kvm_vcpu_ioctl_enable_cap() share their shape: the
// struct copied in (-EFAULT), flags must be 0, a capability they do not
// list is -EINVAL, and the case runs under the vCPU's mutex.
kx::Result<long> vcpu_enable_cap(Vcpu& vcpu, u64 arg) {
  EnableCap req;
  if (kx_copy_from_user(&req, arg, sizeof(req))) return kx::kEFAULT;
  if (req.flags) return kx::kEINVAL;
  const Personality& p = vcpu.vm().personality();
  for (usize i = 0; i < p.n_vcpu_caps; i++) {
    if (p.vcpu_caps[i].cap != req.cap) continue;
    kx::Guard<kx::Mutex> guard(&vcpu.mutex);
    KX_TRY(p.vcpu_caps[i].enable(vcpu, req));
    return 0;
  }
  return kx::kEINVAL;
}

namespace {

// KVM_SET_SIGNAL_MASK (api.rst 4.21): struct kvm_signal_mask is a u32 len
// and the sigset after it; len must be the kernel's sigset_t (8 bytes on
// every host, also for a compat task's compat_sigset_t). No argument
// clears the mask.
kx::Result<long> set_signal_mask(Vcpu& vcpu, u64 arg) {
  if (!arg) {
    KX_TRY(vcpu.set_signal_mask(nullptr));
    return 0;
  }
  u32 len;
  if (kx_copy_from_user(&len, arg, sizeof(len))) return kx::kEFAULT;
  u64 mask;
  if (len != sizeof(mask)) return kx::kEINVAL;
  if (kx_copy_from_user(&mask, arg + sizeof(len), sizeof(mask))) return kx::kEFAULT;
  KX_TRY(vcpu.set_signal_mask(&mask));
  return 0;
}

// KVM_GET_MP_STATE (api.rst 4.38): the architecture's state, then the
// copy out.
kx::Result<long> get_mp_state(Vcpu& vcpu, u64 arg) {
  const Personality& p = vcpu.vm().personality();
  u32 state;
  {
    if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
    kx::Result<u32> r = p.get_mp_state ? p.get_mp_state(vcpu) : kx::Result<u32>(kx::kEINVAL);
    vcpu.mutex.unlock();
    state = KX_TRY(r);
  }
  if (kx_copy_to_user(arg, &state, sizeof(state))) return kx::kEFAULT;
  return 0;
}

// KVM_SET_MP_STATE (api.rst 4.39): the copy in, then the architecture.
kx::Result<long> set_mp_state(Vcpu& vcpu, u64 arg) {
  const Personality& p = vcpu.vm().personality();
  u32 state;
  if (kx_copy_from_user(&state, arg, sizeof(state))) return kx::kEFAULT;
  if (!p.set_mp_state) return kx::kEINVAL;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  const kx::Status status = p.set_mp_state(vcpu, state);
  vcpu.mutex.unlock();
  KX_TRY(status);
  return 0;
}

// kvm_vcpu_ioctl()'s own cases, on every architecture.
constexpr VcpuIoctl kGenericVcpuIoctls[] = {
    {KX_SET_SIGNAL_MASK, set_signal_mask},
    {KX_GET_MP_STATE, get_mp_state},
    {KX_SET_MP_STATE, set_mp_state},
};

}  // namespace

kx::Result<long> Vcpu::ioctl(u32 cmd, u64 arg) {
  if (const VcpuIoctl* row =
          find_ioctl(kGenericVcpuIoctls, kx::array_size(kGenericVcpuIoctls), cmd))
    return row->handler(*this, arg);
  const Personality& p = vm_->personality();
  if (const VcpuIoctl* row = find_ioctl(p.vcpu_ioctls, p.n_vcpu_ioctls, cmd))
    return row->handler(*this, arg);
  return kx::Status::from_raw(p.unknown_vcpu_ioctl_errno);
}

}  // namespace kvm
