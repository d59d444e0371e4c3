// SPDX-License-Identifier: GPL-2.0
// The VFIO pseudo-device (Documentation/virt/kvm/devices/vfio.rst): tracks
// the VFIO group files a VM uses. One per VM.
#include "vm.h"

namespace kvm {
namespace {

KX_LOCK_CLASS(vfio_device_lock);

struct VfioGroup {
  void* file;
  kx::ListNode node;
};

class VfioDevice {
 public:
  static Device* device(kx_device* d) { return reinterpret_cast<Device*>(d); }
  static VfioDevice* of(kx_device* d) { return static_cast<VfioDevice*>(device(d)->priv); }

  static int create(kx_device* d, unsigned int) {
    Device* dev = device(d);
    for (Device* other : dev->vm().devices) {
      if (other->ops() == &kx_vfio_device_ops) return -kx::kEBUSY;
    }
    kx::AllocChecker ac;
    dev->priv = new (&ac) VfioDevice;
    return ac.check() ? 0 : -kx::kENOMEM;
  }

  static void release(kx_device* d) { kx::destroy(of(d)); }

  static int set_attr(kx_device* d, const kx_attr* a) {
    if (a->group != KX_DEV_VFIO_GROUP) return -kx::kENXIO;
    VfioDevice* self = of(d);
    switch (a->attr) {
      case KX_DEV_VFIO_GROUP_ADD:
      case KX_DEV_VFIO_GROUP_DEL: {
        s32 fd;
        if (kx_copy_from_user(&fd, a->addr, sizeof(fd))) return -kx::kEFAULT;
        return (a->attr == KX_DEV_VFIO_GROUP_ADD ? self->add(fd) : self->del(fd)).raw();
      }
      case KX_DEV_VFIO_GROUP_SET_SPAPR_TCE:
        if (kx_vm_personality(reinterpret_cast<kx_vm*>(&device(d)->vm())) != KX_PPC) break;
        return self->set_spapr_tce(a->addr).raw();
    }
    return -kx::kENXIO;
  }

  static int has_attr(kx_device* d, const kx_attr* a) {
    if (a->group != KX_DEV_VFIO_GROUP) return -kx::kENXIO;
    switch (a->attr) {
      case KX_DEV_VFIO_GROUP_ADD:
      case KX_DEV_VFIO_GROUP_DEL:
        return 0;
      case KX_DEV_VFIO_GROUP_SET_SPAPR_TCE:
        // CONFIG_SPAPR_TCE_IOMMU exists on POWER only.
        if (kx_vm_personality(reinterpret_cast<kx_vm*>(&device(d)->vm())) == KX_PPC) return 0;
        break;
    }
    return -kx::kENXIO;
  }

  ~VfioDevice() {
    while (VfioGroup* g = groups_.pop_front()) {
      kx_file_put(g->file);
      kx::destroy(g);
    }
  }

 private:
  kx::Status add(s32 fd) {
    void* file;
    KX_TRY(kx::Status::from_raw(kx_file_get(fd, &file)));
    kx::Status s = add_file(file);
    if (s.is_error()) kx_file_put(file);
    return s;
  }

  kx::Status add_file(void* file) {
    if (!kx_file_is_vfio_group(file)) return kx::error(kx::kEINVAL);
    kx::Guard<kx::Mutex> guard(&lock_);
    for (VfioGroup* g : groups_) {
      if (g->file == file) return kx::error(kx::kEEXIST);
    }
    kx::AllocChecker ac;
    VfioGroup* g = new (&ac) VfioGroup{file, {}};
    if (!ac.check()) return kx::error(kx::kENOMEM);
    groups_.push_back(g);
    return kx::Status::ok();
  }

  kx::Status del(s32 fd) {
    void* file;
    KX_TRY(kx::Status::from_raw(kx_file_get(fd, &file)));
    kx::Status s = kx::error(kx::kENOENT);
    {
      kx::Guard<kx::Mutex> guard(&lock_);
      for (VfioGroup* g : groups_) {
        if (g->file != file) continue;
        groups_.remove(g);
        kx_file_put(g->file);
        kx::destroy(g);
        s = kx::Status::ok();
        break;
      }
    }
    kx_file_put(file);
    return s;
  }

  // struct kvm_vfio_spapr_tce { __s32 groupfd; __s32 tablefd; }
  kx::Status set_spapr_tce(u64 uaddr) {
    s32 param[2];
    if (kx_copy_from_user(param, uaddr, sizeof(param))) return kx::error(kx::kEFAULT);
    void* file;
    KX_TRY(kx::Status::from_raw(kx_file_get(param[0], &file)));
    kx::Status s = kx::error(kx::kENOENT);
    {
      kx::Guard<kx::Mutex> guard(&lock_);
      for (VfioGroup* g : groups_) {
        // kvm_ext has no KVM_CREATE_SPAPR_TCE tables to attach a group to:
        // any tablefd names no table (-EINVAL, as Linux for a non-TCE fd).
        if (g->file == file) s = kx::error(kx::kEINVAL);
      }
    }
    kx_file_put(file);
    return s;
  }

  kx::Mutex lock_{&vfio_device_lock_class};
  kx::IntrusiveList<VfioGroup, &VfioGroup::node> groups_;
};

}  // namespace
}  // namespace kvm

extern "C" const kx_device_ops kx_vfio_device_ops = {
    .name = "kvm-vfio",
    .create = kvm::VfioDevice::create,
    .init = nullptr,
    .destroy = nullptr,
    .release = kvm::VfioDevice::release,
    .set_attr = kvm::VfioDevice::set_attr,
    .get_attr = nullptr,
    .has_attr = kvm::VfioDevice::has_attr,
    .ioctl = nullptr,
};
