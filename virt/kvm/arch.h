// SPDX-License-Identifier: GPL-2.0
// The architecture's part of a VM and of a vCPU (KVM's kvm->arch and
// vcpu->arch). Each personality derives its own state from these; the
// generic core owns it through the base and destroys it with the VM or
// vCPU. arch/<name>/ recovers its type with a static_cast, in one place.
#pragma once

#include <kvm_ext/platform.h>
#include <kx/result.h>
#include <kx/types.h>

namespace kvm {

class IrqChip;
class Vm;
struct Memslot;

class ArchVm {
 public:
  ArchVm() = default;
  virtual ~ArchVm() = default;
  ArchVm(const ArchVm&) = delete;
  ArchVm& operator=(const ArchVm&) = delete;

  // kvm_arch_prepare_memory_region(): whether a new or moved memslot may
  // cover these guest frames from this user address (arm64: within the
  // VM's IPA space, else -EFAULT; s390: below the memory limit, else
  // -EINVAL).
  virtual kx::Status check_slot(u64 base_gfn, u64 npages, u64 userspace_addr) const {
    return kx::Status::ok();
  }
  // Under Vm::slots_lock: a memslot was created or changed (s390:
  // migration mode ends when a slot does not log dirty pages), or is
  // about to be deleted.
  virtual void slot_committed(Memslot& slot) {}
  virtual void slot_deleting(Memslot& slot) {}
  // The VM this state belongs to, once it exists (Vm::Create()).
  virtual void attach(Vm& vm) {}
  // The VM's interrupt controller (irqchip.h), or null where the
  // architecture has none in the kernel.
  virtual IrqChip* irqchip() { return nullptr; }

  // Objects die through kx::destroy(); the deleting destructor that a
  // virtual destructor implies still needs an operator delete to name.
  static void operator delete(void* p) { kx_free(p); }
};

class ArchVcpu {
 public:
  ArchVcpu() = default;
  virtual ~ArchVcpu() = default;
  ArchVcpu(const ArchVcpu&) = delete;
  ArchVcpu& operator=(const ArchVcpu&) = delete;

  static void operator delete(void* p) { kx_free(p); }
};

}  // namespace kvm
