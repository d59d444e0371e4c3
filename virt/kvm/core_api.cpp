// SPDX-License-Identifier: GPL-2.0
// The C ABI (include/kvm_ext/core.h) over the C++ core. Handles are the
// core's objects under opaque C names.
#include "c_abi.h"
#include "vm.h"

namespace kvm {
void registry_init();
void registry_exit();
}  // namespace kvm

using kvm::Device;
using kvm::Vcpu;
using kvm::Vm;

namespace {

Vm* vm_of(kx_vm* vm) { return kvm::from_handle(vm); }
Vcpu* vcpu_of(kx_vcpu* vcpu) { return kvm::from_handle(vcpu); }
Device* dev_of(kx_device* dev) { return kvm::from_handle(dev); }
using kvm::to_handle;

// struct kvm_device_attr, copied in once the ioctl is known to be handled.
kx::Result<kx_attr> copy_attr(unsigned long long uattr) {
  kx_attr a;
  if (kx_copy_from_user(&a, uattr, sizeof(a))) return kx::kEFAULT;
  return a;
}

// An ioctl's value as the syscall returns it.
long ioctl_return(const kx::Result<long>& r) { return r.is_ok() ? r.value() : r.error().raw(); }

}  // namespace

extern "C" {

int kx_core_init(void) {
  kvm::registry_init();
  for (int p = 0; p < KX_NR_PERSONALITIES; p++) {
    const kvm::Personality* per = kvm::personality(static_cast<kx_personality>(p));
    if (per->init) per->init();
  }
  return 0;
}

void kx_core_exit(void) { kvm::registry_exit(); }

const char* kx_personality_name(kx_personality p) {
  const kvm::Personality* per = kvm::personality(p);
  return per ? per->name : nullptr;
}

long kx_check_extension(kx_personality p, kx_vm* vm, long cap) {
  const kvm::Personality* per = kvm::personality(p);
  return per ? kvm::check_extension(*per, vm_of(vm), cap) : 0;
}

int kx_vcpu_mmap_pages(kx_personality p) {
  const kvm::Personality* per = kvm::personality(p);
  return per ? per->vcpu_mmap_pages : 0;
}

int kx_unknown_ioctl_errno(kx_personality p, int vcpu) {
  const kvm::Personality* per = kvm::personality(p);
  if (!per) return -kx::kEINVAL;
  return vcpu ? per->unknown_vcpu_ioctl_errno : per->unknown_vm_ioctl_errno;
}

int kx_vm_create(kx_personality p, unsigned long type, void* owner, kx_vm** out) {
  const kvm::Personality* per = kvm::personality(p);
  if (!per) return -kx::kEINVAL;
  kx::Result<Vm*> vm = Vm::Create(per, type, owner);
  if (vm.is_error()) return vm.error().raw();
  *out = to_handle(vm.value());
  return 0;
}

void kx_vm_get(kx_vm* vm) { vm_of(vm)->get(); }
void kx_vm_put(kx_vm* vm) { vm_of(vm)->put(); }
void* kx_vm_owner(kx_vm* vm) { return vm_of(vm)->owner(); }
kx_personality kx_vm_personality(kx_vm* vm) { return vm_of(vm)->personality().id; }
unsigned int kx_vm_count(void) { return kvm::vm_count(); }

int kx_vm_set_memory_region(kx_vm* vm, const kx_memory_region* r) {
  return vm_of(vm)->set_memory_region(*r).raw();
}

int kx_vm_enable_cap(kx_vm* vm, const kx_enable_cap* cap) {
  kvm::EnableCap req{cap->cap, cap->flags, {}, {}};
  for (int i = 0; i < 4; i++) req.args[i] = cap->args[i];
  return vm_of(vm)->enable_cap(req).raw();
}

int kx_vm_get_dirty_log(kx_vm* vm, unsigned int slot, unsigned long long bitmap) {
  return vm_of(vm)->get_dirty_log(slot, bitmap).raw();
}

int kx_vm_clear_dirty_log(kx_vm* vm, unsigned int slot, unsigned long long first_page,
                          unsigned int num_pages, unsigned long long bitmap) {
  return vm_of(vm)->clear_dirty_log(slot, first_page, num_pages, bitmap).raw();
}

int kx_has_clear_dirty_log(kx_personality p) {
  const kvm::Personality* per = kvm::personality(p);
  return per && per->manual_dirty_log_caps != 0;
}

int kx_vm_irq_line(kx_vm* vm, unsigned int irq, unsigned int level) {
  kvm::IrqLevel line{irq, level};
  return vm_of(vm)->irq_line(line).raw();
}

int kx_vm_signal_msi(kx_vm* vm, const kx_msi* msi) {
  const kvm::Msi m = {msi->address_lo, msi->address_hi, msi->data, msi->flags, msi->devid};
  Vm* v = vm_of(vm);
  if (!v->irq_features().msi) return v->personality().unknown_vm_ioctl_errno;
  kx::Result<int> r = v->signal_msi(m);
  return r.is_ok() ? r.value() : r.error().raw();
}

long kx_vm_ioctl(kx_vm* vm, unsigned int cmd, unsigned long arg) {
  return ioctl_return(vm_of(vm)->ioctl(cmd, arg));
}

long kx_vcpu_ioctl(kx_vcpu* vcpu, unsigned int cmd, unsigned long arg) {
  return ioctl_return(vcpu_of(vcpu)->ioctl(cmd, arg));
}

int kx_vm_attr(kx_vm* vm, kx_attr_op op, unsigned long long uattr) {
  Vm* v = vm_of(vm);
  if (!v->personality().vm_attr) return v->personality().unknown_vm_ioctl_errno;
  kx::Result<kx_attr> a = copy_attr(uattr);
  if (a.is_error()) return a.error().raw();
  return v->attr(op, a.value()).raw();
}

int kx_vm_create_vcpu(kx_vm* vm, unsigned int id, kx_vcpu** out) {
  kx::Result<Vcpu*> vcpu = vm_of(vm)->create_vcpu(id);
  if (vcpu.is_error()) return vcpu.error().raw();
  *out = to_handle(vcpu.value());
  return 0;
}

void kx_vm_abort_vcpu(kx_vm* vm, kx_vcpu* vcpu) { vm_of(vm)->abort_vcpu(vcpu_of(vcpu)); }
kx_vm* kx_vcpu_vm(kx_vcpu* vcpu) { return to_handle(&vcpu_of(vcpu)->vm()); }
unsigned int kx_vcpu_id(kx_vcpu* vcpu) { return vcpu_of(vcpu)->id(); }
void* kx_vcpu_page(kx_vcpu* vcpu, unsigned long index) { return vcpu_of(vcpu)->page(index); }

int kx_vcpu_attr(kx_vcpu* vcpu, kx_attr_op op, unsigned long long uattr) {
  Vcpu* v = vcpu_of(vcpu);
  const kvm::Personality& p = v->vm().personality();
  if (!p.vcpu_attr) return p.unknown_vcpu_ioctl_errno;
  kx::Result<kx_attr> a = copy_attr(uattr);
  if (a.is_error()) return a.error().raw();
  return v->attr(op, a.value()).raw();
}

int kx_vcpu_run(kx_vcpu* vcpu, kx_run* run) { return vcpu_of(vcpu)->run(run).raw(); }

int kx_vm_stats_open(kx_vm* vm, kx_stats** out) {
  *out = to_handle(vm_of(vm)->stats_open());
  return 0;
}

int kx_vcpu_stats_open(kx_vcpu* vcpu, kx_stats** out) {
  kx::Result<kvm::StatsFile*> f = vcpu_of(vcpu)->stats_open();
  if (f.is_error()) return f.error().raw();
  *out = to_handle(f.value());
  return 0;
}

void kx_stats_release(kx_stats* stats) { kvm::from_handle(stats)->vm().put(); }

long kx_stats_read(kx_stats* stats, unsigned long long ubuf, unsigned long long size,
                   long long* pos) {
  s64 p = *pos;
  const kx::Result<u64> r = kvm::from_handle(stats)->read(ubuf, size, &p);
  if (r.is_error()) return r.error().raw();
  *pos = p;
  return static_cast<long>(r.value());
}

long long kx_stats_size(kx_stats* stats) {
  return static_cast<long long>(kvm::from_handle(stats)->size());
}

int kx_vcpu_guest_access(kx_vcpu* vcpu, kx_guest_access* acc, kx_exit* exit) {
  if (acc->flags & ~KX_ACCESS_WRITE) return -kx::kEINVAL;
  kvm::GuestAccess access = {
      .kind = acc->kind,
      .write = (acc->flags & KX_ACCESS_WRITE) != 0,
      .addr = acc->addr,
      .len = acc->len,
      .data = acc->data,
      .args = {acc->args[0], acc->args[1], acc->args[2]},
      .result = 0,
  };
  kx::Status s = vcpu_of(vcpu)->guest_access(access, exit);
  if (s.is_error()) return s.raw();
  acc->data = access.data;
  for (int i = 0; i < 3; i++) acc->args[i] = access.args[i];
  acc->result = access.result;
  return 0;
}

int kx_register_device_ops(kx_personality p, unsigned int type, const kx_device_ops* ops) {
  return kvm::DeviceRegistry::add(p, type, ops).raw();
}

int kx_builtin_device(kx_personality p, unsigned int i, unsigned int* type,
                      const kx_device_ops** ops) {
  const kvm::Personality* per = kvm::personality(p);
  if (!per || i >= per->n_devices) return -kx::kENOENT;
  *type = per->devices[i].type;
  *ops = per->devices[i].ops;
  return 0;
}

void kx_unregister_device_ops(kx_personality p, unsigned int type) {
  kvm::DeviceRegistry::remove(p, type);
}

int kx_vm_create_device(kx_vm* vm, unsigned int type, unsigned int flags, kx_device** out) {
  kx::Result<Device*> dev = vm_of(vm)->create_device(type, flags);
  if (dev.is_error()) return dev.error().raw();
  *out = to_handle(dev.value());
  return 0;
}

void kx_device_abort(kx_device* dev) { dev_of(dev)->vm().abort_device(dev_of(dev)); }
void kx_device_release(kx_device* dev) { dev_of(dev)->vm().release_device(dev_of(dev)); }
const char* kx_device_name(kx_device* dev) { return dev_of(dev)->ops()->name; }
kx_vm* kx_device_vm(kx_device* dev) { return to_handle(&dev_of(dev)->vm()); }
void* kx_device_private(kx_device* dev) { return dev_of(dev)->priv; }
void kx_device_set_private(kx_device* dev, void* priv) { dev_of(dev)->priv = priv; }

// kvm_device_ioctl_attr(): a missing accessor is -EPERM, before the copy.
int kx_device_attr(kx_device* dev, kx_attr_op op, unsigned long long uattr) {
  const kx_device_ops* ops = dev_of(dev)->ops();
  int (*accessor)(kx_device*, const kx_attr*) = op == KX_ATTR_SET   ? ops->set_attr
                                                : op == KX_ATTR_GET ? ops->get_attr
                                                                    : ops->has_attr;
  if (!accessor) return -kx::kEPERM;
  kx::Result<kx_attr> a = copy_attr(uattr);
  if (a.is_error()) return a.error().raw();
  return accessor(dev, &a.value());
}

int kx_device_mmap(kx_device* dev, unsigned long pgoff, unsigned long npages) {
  const kx_device_ops* ops = dev_of(dev)->ops();
  return ops->mmap ? ops->mmap(dev, pgoff, npages) : -kx::kENODEV;
}

int kx_device_fault(kx_device* dev, unsigned long pgoff, void** page) {
  const kx_device_ops* ops = dev_of(dev)->ops();
  return ops->fault ? ops->fault(dev, pgoff, page) : -kx::kEFAULT;
}

int kx_device_mappable(kx_device* dev) { return dev_of(dev)->ops()->mmap != nullptr; }

void kx_device_set_mapping(kx_device* dev, void* mapping) { dev_of(dev)->mapping.store(mapping); }

long kx_device_ioctl(kx_device* dev, unsigned int cmd, unsigned long arg) {
  const kx_device_ops* ops = dev_of(dev)->ops();
  return ops->ioctl ? ops->ioctl(dev, cmd, arg) : -kx::kENOTTY;
}

}  // extern "C"
