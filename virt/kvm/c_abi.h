// SPDX-License-Identifier: GPL-2.0
// The one place where the core's C++ objects and the C ABI's handles
// (include/kvm_ext/core.h) meet: the handle conversions, and the adapter
// that turns a device type written as a C++ class into the C table of
// entry points (struct kx_device_ops) that the shim registers.
//
// A device type is a class T with
//
//   static constexpr const char* kName;  // the fd's name ("kvm-vfio")
//   // Under Vm::lock (kvm_ioctl_create_device()): may refuse.
//   static kx::Result<T*> Create(Vm& vm, u32 type) KX_REQUIRES(vm.lock);
//   // kDiesWithFd: released when its fd closes (KVM's ->release);
//   // otherwise destroyed with the VM (->destroy).
//   static constexpr bool kDiesWithFd;
//   // Optional: teardown beyond the destructor.
//   static void Destroy(T* t);
//   // Its attributes, one row per group (AttrGroup below); optional:
//   static constexpr AttrGroup<T> kAttrGroups[] = {...};
//   // and optionally kx::Result<long> ioctl(u32 cmd, u64 arg).
//
// and DeviceType<T>::ops() is its table. Device code never sees a kx_
// handle; virt/kvm/vfio.cpp is the short example.
#pragma once

#include <kvm_ext/core.h>
#include <kx/alloc.h>
#include <kx/errno.h>
#include <kx/result.h>

#include "vm.h"

namespace kvm {

inline Vm* from_handle(kx_vm* h) { return reinterpret_cast<Vm*>(h); }
inline kx_vm* to_handle(Vm* vm) { return reinterpret_cast<kx_vm*>(vm); }
inline Vcpu* from_handle(kx_vcpu* h) { return reinterpret_cast<Vcpu*>(h); }
inline kx_vcpu* to_handle(Vcpu* vcpu) { return reinterpret_cast<kx_vcpu*>(vcpu); }
inline Device* from_handle(kx_device* h) { return reinterpret_cast<Device*>(h); }
inline kx_device* to_handle(Device* dev) { return reinterpret_cast<kx_device*>(dev); }
inline StatsFile* from_handle(kx_stats* h) { return reinterpret_cast<StatsFile*>(h); }
inline kx_stats* to_handle(StatsFile* f) { return reinterpret_cast<kx_stats*>(f); }
namespace ppc {
class TceTable;
}
inline ppc::TceTable* from_handle(kx_tce_table* h) { return reinterpret_cast<ppc::TceTable*>(h); }
inline kx_tce_table* to_handle(ppc::TceTable* t) { return reinterpret_cast<kx_tce_table*>(t); }

// One operation of an attribute group: a member of T, or nullptr for
// none. Whether there is one is recorded apart, since the compiler cannot
// compare the address of an inline (weak) member function with null in a
// constant expression.
template <typename T>
struct AttrOp {
  using Fn = kx::Status (T::*)(const kx_attr& a);
  // An accessor whose ioctl returns a count on success (the FLIC's
  // KVM_DEV_FLIC_GET_ALL_IRQS).
  using CountFn = kx::Result<u32> (T::*)(const kx_attr& a);
  constexpr AttrOp(Fn f) : fn(f), count(nullptr), present(true) {}
  constexpr AttrOp(CountFn f) : fn(nullptr), count(f), present(true) {}
  constexpr AttrOp(decltype(nullptr)) : fn(nullptr), count(nullptr), present(false) {}
  Fn fn;
  CountFn count;
  bool present;
};

// One attribute group of a device type: KVM_{SET,GET,HAS}_DEVICE_ATTR for
// that group go to these members. A group with no row, or no member for
// the operation, is -ENXIO (the device documents' "unknown group or
// attribute").
template <typename T>
struct AttrGroup {
  u32 group;
  AttrOp<T> set;
  AttrOp<T> get;
  AttrOp<T> has;
};

template <typename T>
class DeviceType {
 public:
  // KVM's kvm_device_ops for T. An operation no group has (VFIO's GET) is
  // a null entry: kvm_device_ioctl_attr() answers -EPERM for it.
  static constexpr kx_device_ops ops() {
    return {
        .name = T::kName,
        .create = create,
        .init = nullptr,
        .destroy = T::kDiesWithFd ? nullptr : destroy,
        .release = T::kDiesWithFd ? destroy : nullptr,
        .set_attr = any(&AttrGroup<T>::set) ? attr<&AttrGroup<T>::set> : nullptr,
        .get_attr = any(&AttrGroup<T>::get) ? attr<&AttrGroup<T>::get> : nullptr,
        .has_attr = any(&AttrGroup<T>::has) ? attr<&AttrGroup<T>::has> : nullptr,
        .ioctl = ioctl_entry(),
        .mmap = mmap_entry(),
        .fault = fault_entry(),
        .page_access = page_access_entry(),
    };
  }

 private:
  using Op = AttrOp<T> AttrGroup<T>::*;

  static T& of(kx_device* d) { return *static_cast<T*>(from_handle(d)->priv); }

  // Vm::create_device() calls this through the C table with Vm::lock
  // held; a C function pointer cannot carry that, so the analysis cannot
  // see the lock here and T::Create() requires it.
  static int create(kx_device* d, unsigned int type) KX_NO_THREAD_SAFETY_ANALYSIS {
    Device* dev = from_handle(d);
    kx::Result<T*> t = T::Create(dev->vm(), type);
    if (t.is_error()) return t.error().raw();
    dev->priv = t.value();
    if constexpr (requires(T * p) { p->set_device(*dev); }) t.value()->set_device(*dev);
    return 0;
  }

  // T::Destroy(T*) where tearing T down needs more than its destructor
  // (taking it off the MMIO bus), else kx::destroy().
  static void destroy(kx_device* d) {
    if constexpr (requires(T * t) { T::Destroy(t); })
      T::Destroy(&of(d));
    else
      kx::destroy(&of(d));
  }

  static constexpr bool any(Op op) {
    for (const AttrGroup<T>& g : T::kAttrGroups) {
      if ((g.*op).present) return true;
    }
    return false;
  }

  template <Op kOp>
  static int attr(kx_device* d, const kx_attr* a) {
    for (const AttrGroup<T>& g : T::kAttrGroups) {
      if (g.group != a->group) continue;
      const AttrOp<T>& op = g.*kOp;
      if (!op.present) break;
      if (op.count) {
        const kx::Result<u32> n = (of(d).*op.count)(*a);
        return n.is_ok() ? static_cast<int>(n.value()) : n.error().raw();
      }
      return (of(d).*op.fn)(*a).raw();
    }
    return unknown_group<kOp>();
  }

  // -ENXIO, or where T's document says otherwise (the FLIC: -EINVAL for
  // SET and GET), T::kUnknownGroupErrno; HAS stays -ENXIO.
  template <Op kOp>
  static constexpr int unknown_group() {
    if constexpr (requires { T::kUnknownGroupErrno; }) {
      if (kOp != &AttrGroup<T>::has) return T::kUnknownGroupErrno;
    }
    return -kx::kENXIO;
  }

  static long ioctl(kx_device* d, unsigned int cmd, unsigned long arg) {
    kx::Result<long> r = of(d).ioctl(cmd, arg);
    return r.is_ok() ? r.value() : r.error().raw();
  }

  // A mappable T has kx::Status mmap(u64 pgoff, u64 npages) and
  // kx::Result<void*> fault(u64 pgoff), and is told its Device
  // (set_device()) to unmap pages through it.
  static int mmap(kx_device* d, unsigned long pgoff, unsigned long npages) {
    return of(d).mmap(pgoff, npages).raw();
  }

  static int fault(kx_device* d, unsigned long pgoff, void** page) {
    kx::Result<void*> r = of(d).fault(pgoff);
    if (r.is_error()) return r.error().raw();
    *page = r.value();
    return 0;
  }

  static int page_access(kx_device* d, kx_vcpu* v, unsigned long pgoff, unsigned int offset,
                         unsigned int len, int write, unsigned long long* data) {
    u64 value = *data;
    kx::Status s = of(d).page_access(*from_handle(v), pgoff, offset, len, write != 0, &value);
    *data = value;
    return s.raw();
  }

  static constexpr int (*page_access_entry())(kx_device*, kx_vcpu*, unsigned long, unsigned int,
                                              unsigned int, int, unsigned long long*) {
    if constexpr (requires(T & t, Vcpu & v, u64 * d) { t.page_access(v, 0ull, 0u, 0u, false, d); })
      return page_access;
    else
      return nullptr;
  }

  static constexpr int (*mmap_entry())(kx_device*, unsigned long, unsigned long) {
    if constexpr (requires(T & t) { t.mmap(0ull, 0ull); })
      return mmap;
    else
      return nullptr;
  }

  static constexpr int (*fault_entry())(kx_device*, unsigned long, void**) {
    if constexpr (requires(T & t) { t.fault(0ull); })
      return fault;
    else
      return nullptr;
  }

  static constexpr long (*ioctl_entry())(kx_device*, unsigned int, unsigned long) {
    if constexpr (requires(T & t) { t.ioctl(0u, 0ull); })
      return ioctl;
    else
      return nullptr;
  }
};

}  // namespace kvm
