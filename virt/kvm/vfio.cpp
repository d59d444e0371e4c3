// SPDX-License-Identifier: GPL-2.0
// The VFIO pseudo-device (Documentation/virt/kvm/devices/vfio.rst): tracks
// the VFIO group files a VM uses. One per VM.
#include "c_abi.h"

namespace kvm {
namespace {

KX_LOCK_CLASS(vfio_device_lock);

struct VfioGroup {
  void* file;
  kx::ListNode node;
};

class VfioDevice {
 public:
  static constexpr const char* kName = "kvm-vfio";
  static constexpr bool kDiesWithFd = true;

  // kvm_vfio_create(): one per VM. Vm::lock held.
  static kx::Result<VfioDevice*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    for (Device* other : vm.devices()) {
      if (other->ops() == &kx_vfio_device_ops) return kx::kEBUSY;
    }
    kx::AllocChecker ac;
    VfioDevice* dev = new (&ac) VfioDevice(vm);
    if (!ac.check()) return kx::kENOMEM;
    return dev;
  }

  kx::Status set_attr(const kx_attr& a) {
    switch (a.attr) {
      case KX_DEV_VFIO_GROUP_ADD:
      case KX_DEV_VFIO_GROUP_DEL: {
        s32 fd;
        if (kx_copy_from_user(&fd, a.addr, sizeof(fd))) return kx::error(kx::kEFAULT);
        return a.attr == KX_DEV_VFIO_GROUP_ADD ? add(fd) : del(fd);
      }
      case KX_DEV_VFIO_GROUP_SET_SPAPR_TCE:
        if (!has_spapr_tce()) break;
        return set_spapr_tce(a.addr);
    }
    return kx::error(kx::kENXIO);
  }

  kx::Status has_attr(const kx_attr& a) {
    switch (a.attr) {
      case KX_DEV_VFIO_GROUP_ADD:
      case KX_DEV_VFIO_GROUP_DEL:
        return kx::Status::ok();
      case KX_DEV_VFIO_GROUP_SET_SPAPR_TCE:
        if (has_spapr_tce()) return kx::Status::ok();
        break;
    }
    return kx::error(kx::kENXIO);
  }

  // One group, KVM_DEV_VFIO_GROUP, with no GET (-EPERM, as KVM).
  static constexpr AttrGroup<VfioDevice> kAttrGroups[] = {
      {KX_DEV_VFIO_GROUP, &VfioDevice::set_attr, nullptr, &VfioDevice::has_attr},
  };

  ~VfioDevice() {
    while (VfioGroup* g = groups_.pop_front()) {
      kx_file_put(g->file);
      kx::destroy(g);
    }
  }

 private:
  explicit VfioDevice(Vm& vm) : vm_(vm) {}

  // CONFIG_SPAPR_TCE_IOMMU exists on POWER only.
  bool has_spapr_tce() const {
    const Personality& p = vm_.personality();
    return p.vfio_spapr_tce && (!p.has_vfio_spapr_tce || p.has_vfio_spapr_tce(vm_));
  }

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

  // struct kvm_vfio_spapr_tce { __s32 groupfd; __s32 tablefd; }:
  // kvm_vfio_file_set_spapr_tce()'s order: -EFAULT, a groupfd not open
  // -EBADF, a group not on the list -ENOENT, then the architecture's
  // checks of the table fd. kvm_ext has no IOMMU behind the group, so
  // nothing is attached (userspace-api.rst, "sPAPR TCE tables").
  kx::Status set_spapr_tce(u64 uaddr) {
    s32 param[2];
    if (kx_copy_from_user(param, uaddr, sizeof(param))) return kx::error(kx::kEFAULT);
    void* file;
    KX_TRY(kx::Status::from_raw(kx_file_get(param[0], &file)));
    bool member = false;
    {
      kx::Guard<kx::Mutex> guard(&lock_);
      for (VfioGroup* g : groups_) {
        if (g->file == file) member = true;
      }
    }
    kx_file_put(file);
    if (!member) return kx::error(kx::kENOENT);
    return vm_.personality().vfio_spapr_tce(vm_, param[1]);
  }

  Vm& vm_;
  kx::Mutex lock_{&vfio_device_lock_class};
  kx::IntrusiveList<VfioGroup, &VfioGroup::node> groups_ KX_GUARDED_BY(lock_);
};

}  // namespace
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_vfio_device_ops =
    kvm::DeviceType<kvm::VfioDevice>::ops();
