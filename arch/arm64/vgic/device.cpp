// SPDX-License-Identifier: GPL-2.0
// The VGIC device types (KVM_DEV_TYPE_ARM_VGIC_V2, _V3): creation and the
// configuration groups that come before any register (GRP_ADDR,
// GRP_NR_IRQS, GRP_CTRL INIT), as Linux 6.1's vgic-kvm-device.c and
// vgic-init.c, following the device documents where they differ.
#include "arch/arm64/vgic/vgic.h"

#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {
namespace {

constexpr u32 kGrpAddr = 0;    // KVM_DEV_ARM_VGIC_GRP_ADDR
constexpr u32 kGrpNrIrqs = 3;  // KVM_DEV_ARM_VGIC_GRP_NR_IRQS
constexpr u32 kGrpCtrl = 4;    // KVM_DEV_ARM_VGIC_GRP_CTRL
constexpr u64 kCtrlInit = 0;   // KVM_DEV_ARM_VGIC_CTRL_INIT

constexpr u64 kAddrV2Dist = 0, kAddrV2Cpu = 1, kAddrV3Dist = 2, kAddrV3Redist = 3,
              kAddrV3RedistRegion = 5;
constexpr u64 kV2DistSize = 0x1000, kV2CpuSize = 0x2000, kV2Align = 0x1000;
constexpr u64 kV3DistSize = 0x10000, kV3RedistSize = 0x20000, kV3Align = 0x10000;

// KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: count:12 | base[51:16] | flags:4 | index:12.
constexpr u64 kRdIndexMask = 0xfff, kRdFlagsMask = 0xf000, kRdBaseMask = 0x000fffffffff0000ull;
constexpr u32 kRdCountShift = 52;

// The documents: 64 to 1024 interrupts in steps of 32 (6.1 stops at 1023,
// so refuses 1024: Documentation/differences.rst).
constexpr u32 kNrIrqsMin = 64, kNrIrqsMax = 1024;

Dist& dist_of(Vm& vm) { return vm_state(vm).vgic; }
Device* device(kx_device* d) { return reinterpret_cast<Device*>(d); }

// vgic_check_iorange(): already placed -EEXIST, misaligned or wrapping
// -EINVAL, beyond the VM's IPA space -E2BIG.
kx::Status check_iorange(const Vm& vm, u64 current, u64 addr, u64 align, u64 size) {
  if (current != kAddrUndef) return kx::error(kx::kEEXIST);
  if (addr % align || size % align) return kx::error(kx::kEINVAL);
  if (addr + size < addr) return kx::error(kx::kEINVAL);
  const u64 phys_size = 1ull << vm.config().ipa_bits;
  if (addr & ~(phys_size - 1) || addr + size > phys_size) return kx::error(kx::kE2BIG);
  return kx::Status::ok();
}

u64 rd_region_size(const Vm& vm, const RedistRegion& r) {
  return (r.count ? r.count : vm.online_vcpus()) * kV3RedistSize;
}

bool overlaps(u64 a, u64 a_size, u64 b, u64 b_size) { return a + a_size > b && b + b_size > a; }

// vgic_v3_alloc_redist_region(): regions come in index order from 0; the
// legacy single region and indexed ones do not mix; none overlaps another
// (nor, for the legacy one, the distributor).
kx::Status add_redist_region(Vm& vm, Dist& d, u32 index, u64 base, u32 count) {
  const u64 size = (count ? count : vm.online_vcpus()) * kV3RedistSize;
  if (base + size < base) return kx::error(kx::kEINVAL);
  if (d.rdregs.empty()) {
    if (index != 0) return kx::error(kx::kEINVAL);
  } else {
    const RedistRegion& last = d.rdregs[d.rdregs.size() - 1];
    // The documents forbid mixing the two forms either way; 6.1 only
    // refuses a legacy region after indexed ones (differences.rst).
    if (!count != !last.count) return kx::error(kx::kEINVAL);
    if (!count) return kx::error(kx::kEEXIST);
    if (index != last.index + 1) return kx::error(kx::kEINVAL);
  }
  if (!count && d.dist_base != kAddrUndef && overlaps(base, size, d.dist_base, kV3DistSize))
    return kx::error(kx::kEINVAL);
  for (const RedistRegion& r : d.rdregs) {
    if (overlaps(base, size, r.base, rd_region_size(vm, r))) return kx::error(kx::kEINVAL);
  }
  KX_TRY(check_iorange(vm, kAddrUndef, base, kV3Align, size));
  return d.rdregs.push_back(RedistRegion{base, count, index});
}

const RedistRegion* region_by_index(const Dist& d, u32 index) {
  for (const RedistRegion& r : d.rdregs) {
    if (r.index == index) return &r;
  }
  return nullptr;
}

// kvm_vgic_addr(). A write, or any access to REDIST_REGION (whose value
// carries the index), reads the user's value first.
kx::Status addr_attr(Vm& vm, bool write, const kx_attr& a) {
  u64 value = 0;
  if ((write || a.attr == kAddrV3RedistRegion) && kx_copy_from_user(&value, a.addr, sizeof(value)))
    return kx::error(kx::kEFAULT);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  u64* slot = nullptr;
  u64 align = 0, size = 0;
  u32 model = 0;
  switch (a.attr) {
    case kAddrV2Dist:
      model = kModelV2, slot = &d.dist_base, align = kV2Align, size = kV2DistSize;
      break;
    case kAddrV2Cpu:
      model = kModelV2, slot = &d.cpu_base, align = kV2Align, size = kV2CpuSize;
      break;
    case kAddrV3Dist:
      model = kModelV3, slot = &d.dist_base, align = kV3Align, size = kV3DistSize;
      break;
    case kAddrV3Redist:
    case kAddrV3RedistRegion:
      model = kModelV3;
      break;
    default:
      return kx::error(kx::kENXIO);
  }
  if (d.model != model) return kx::error(kx::kENXIO);

  if (a.attr == kAddrV3Redist) {
    if (write) return add_redist_region(vm, d, 0, value, 0);
    value = d.rdregs.empty() ? kAddrUndef : d.rdregs[0].base;
  } else if (a.attr == kAddrV3RedistRegion) {
    const u32 index = value & kRdIndexMask;
    if (write) {
      const u32 count = static_cast<u32>(value >> kRdCountShift);
      if (!count || (value & kRdFlagsMask)) return kx::error(kx::kEINVAL);
      return add_redist_region(vm, d, index, value & kRdBaseMask, count);
    }
    const RedistRegion* r = region_by_index(d, index);
    if (!r) return kx::error(kx::kENOENT);
    value = index | r->base | static_cast<u64>(r->count) << kRdCountShift;
  } else if (write) {
    KX_TRY(check_iorange(vm, *slot, value, align, size));
    *slot = value;
    return kx::Status::ok();
  } else {
    value = *slot;
  }
  return kx_copy_to_user(a.addr, &value, sizeof(value)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

kx::Status set_nr_irqs(Vm& vm, u64 uaddr) {
  u32 value;
  if (kx_copy_from_user(&value, uaddr, sizeof(value))) return kx::error(kx::kEFAULT);
  if (value < kNrIrqsMin || value > kNrIrqsMax || value % 32) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  if (d.initialized || d.nr_spis) return kx::error(kx::kEBUSY);
  d.nr_spis = value - kNrPrivateIrqs;
  return kx::Status::ok();
}

// vgic_init(), the part that does not depend on the interrupt state:
// idempotent; -EBUSY while a vCPU is being created; freezes the number of
// interrupts (256 when the VMM set none).
kx::Status init(Vm& vm) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  if (d.initialized) return kx::Status::ok();
  if (vm.created_vcpus() != vm.online_vcpus()) return kx::error(kx::kEBUSY);
  if (!d.nr_spis) d.nr_spis = kNrIrqsDefault - kNrPrivateIrqs;
  d.initialized = true;
  return kx::Status::ok();
}

int create(kx_device* dev, unsigned int type) {
  // Called with Vm::lock held (kvm_vgic_create()).
  Vm& vm = device(dev)->vm();
  Dist& d = dist_of(vm);
  if (!vm.lock_all_vcpus()) return -kx::kEBUSY;
  int r = 0;
  if (d.in_kernel()) {
    r = -kx::kEEXIST;
  } else if (vm.any_vcpu_has_run()) {
    r = -kx::kEBUSY;
  } else if (vm.online_vcpus() > (type == kModelV2 ? kV2MaxCpus : kV3MaxCpus)) {
    r = -kx::kE2BIG;
  } else {
    d.model = type;
  }
  vm.unlock_all_vcpus();
  return r;
}

// The device is a handle on the VM's GIC, which lives as long as the VM.
void destroy(kx_device*) {}

int set_attr(kx_device* dev, const kx_attr* a) {
  Vm& vm = device(dev)->vm();
  switch (a->group) {
    case kGrpAddr:
      return addr_attr(vm, true, *a).raw();
    case kGrpNrIrqs:
      return set_nr_irqs(vm, a->addr).raw();
    case kGrpCtrl:
      if (a->attr == kCtrlInit) return init(vm).raw();
      break;
  }
  return -kx::kENXIO;
}

int get_attr(kx_device* dev, const kx_attr* a) {
  Vm& vm = device(dev)->vm();
  switch (a->group) {
    case kGrpAddr:
      return addr_attr(vm, false, *a).raw();
    case kGrpNrIrqs: {
      u32 value;
      {
        kx::Guard<kx::Mutex> guard(&vm.lock);
        value = dist_of(vm).nr_spis + kNrPrivateIrqs;
      }
      return kx_copy_to_user(a->addr, &value, sizeof(value)) ? -kx::kEFAULT : 0;
    }
  }
  return -kx::kENXIO;
}

template <u32 kModel>
int has_attr(kx_device*, const kx_attr* a) {
  switch (a->group) {
    case kGrpAddr:
      if (kModel == kModelV2 && (a->attr == kAddrV2Dist || a->attr == kAddrV2Cpu)) return 0;
      if (kModel == kModelV3 &&
          (a->attr == kAddrV3Dist || a->attr == kAddrV3Redist || a->attr == kAddrV3RedistRegion))
        return 0;
      break;
    case kGrpNrIrqs:
      return 0;
    case kGrpCtrl:
      if (a->attr == kCtrlInit) return 0;
      break;
  }
  return -kx::kENXIO;
}

}  // namespace

u32 max_vcpus(const Dist& d, u32 arch_max) {
  if (d.model == kModelV2) return kV2MaxCpus;
  if (d.model == kModelV3) return kV3MaxCpus;
  return arch_max;
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm

namespace kvm {
namespace arm64 {
namespace vgic {
namespace {

// The two models share every hook but HAS_DEVICE_ATTR's address rows.
template <u32 kModel>
constexpr kx_device_ops device_ops(const char* name) {
  return {
      .name = name,
      .create = create,
      .init = nullptr,
      .destroy = destroy,
      .release = nullptr,
      .set_attr = set_attr,
      .get_attr = get_attr,
      .has_attr = has_attr<kModel>,
      .ioctl = nullptr,
  };
}

}  // namespace
}  // namespace vgic
}  // namespace arm64
}  // namespace kvm

extern "C" const kx_device_ops kx_vgic_v2_device_ops =
    kvm::arm64::vgic::device_ops<kvm::arm64::vgic::kModelV2>("kvm-arm-vgic-v2");
extern "C" const kx_device_ops kx_vgic_v3_device_ops =
    kvm::arm64::vgic::device_ops<kvm::arm64::vgic::kModelV3>("kvm-arm-vgic-v3");
