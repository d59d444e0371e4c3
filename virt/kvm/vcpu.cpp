// SPDX-License-Identifier: GPL-2.0
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
  kx::Status status;
  if (vm_->personality().run_check) status = vm_->personality().run_check(*this);
  if (status.is_ok()) {
    has_run_.store(true);
    if (run->immediate_exit) {
      // As every architecture: -EINTR, kvm_run untouched.
      status = kx::error(kx::kEINTR);
    } else {
      running_.store(true);
      // The idle guest waits for an interrupt it would take (then exits
      // with KVM_EXIT_EXT_INTERRUPT so the test, as the guest, can take
      // it) or a signal. With one pending already it does not block, and
      // counts no wait (as 6.1's kvm_vcpu_halt() when its first check
      // finds work).
      IrqChip* chip = vm_->irqchip();
      auto has_work = [this, chip] { return chip && chip->vcpu_has_interrupt(*this); };
      if (!has_work()) {
        const u64 start = kx_now_ns();
        stats_.blocking.set(1);
        status = kx::Status::from_raw(wait_.wait(&has_work));
        stats_.blocking.set(0);
        const u64 waited = kx_now_ns() - start;
        stats_.halt_wait_ns.add(waited);
        stats_.halt_wait_hist.record(waited);
      }
      running_.store(false);
      run->exit.set = 1;
      run->exit.reason = status.is_ok() ? KX_EXIT_EXT_INTERRUPT : KX_EXIT_INTR;
      stats_.exits.inc();
      stats_.userspace_exits.inc();
      if (status.is_ok())
        stats_.ext_interrupt_exits.inc();
      else
        stats_.signal_exits.inc();
    }
  }
  mutex.unlock();
  return status;
}

kx::Status Vcpu::attr(kx_attr_op op, const kx_attr& a) {
  const Personality& p = vm_->personality();
  if (mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  kx::Status status = p.vcpu_attr(*this, op, a);
  mutex.unlock();
  return status;
}

kx::Status Vcpu::guest_access(GuestAccess& access, kx_exit* exit) {
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
        status = access_ram(access);
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
      status = p.guest_hypercall ? p.guest_hypercall(*this, access) : kx::error(kx::kENXIO);
      if (status.is_ok()) {
        stats_.hypercalls.inc();
        stats_.exits.inc();
      }
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

// MMIO: an in-kernel device region, else an exit to user space with
// KVM_EXIT_MMIO filled in, as KVM does for an access no device claims.
// The handler runs without slots_lock, as kvm_io_bus_write() runs under
// SRCU only: an ITS command reads guest RAM, which takes slots_lock.
// Handlers leave the bus only when the VM is destroyed, after every vCPU
// fd is closed, so the one found stays valid.
kx::Status Vcpu::access_mmio(GuestAccess& access, kx_exit* exit) {
  IoHandler* handler = nullptr;
  u64 offset = 0;
  {
    kx::Guard<kx::Mutex> guard(&vm_->slots_lock);
    const IoBus::Region* region = vm_->mmio_bus().find(access.addr, access.len);
    if (region) {
      handler = region->handler;
      offset = access.addr - region->base;
    }
  }
  if (handler) {
    KX_TRY(access.write ? handler->write(*this, offset, access.len, access.data)
                        : handler->read(*this, offset, access.len, &access.data));
    access.result = KX_ACCESS_RESULT_KERNEL;
    stats_.mmio_exit_kernel.inc();
    stats_.mmio_exits.inc();
    stats_.exits.inc();
    return kx::Status::ok();
  }
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

kx::Result<long> Vcpu::ioctl(u32 cmd, u64 arg) {
  const Personality& p = vm_->personality();
  if (const VcpuIoctl* row = find_ioctl(p.vcpu_ioctls, p.n_vcpu_ioctls, cmd))
    return row->handler(*this, arg);
  return kx::Status::from_raw(p.unknown_vcpu_ioctl_errno);
}

}  // namespace kvm
