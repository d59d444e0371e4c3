// SPDX-License-Identifier: GPL-2.0
// The VGIC device types (KVM_DEV_TYPE_ARM_VGIC_V2, _V3): creation and the
// attribute groups, as Linux 6.1's vgic-kvm-device.c, following the device
// documents where they differ (Documentation/differences.rst). The GIC's
// initialisation, frames and injection are init.cpp.
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {

KX_LOCK_CLASS(gic_lock);

Dist& dist_of(Vm& vm) { return vm_state(vm).vgic; }
CpuIf& cpuif(Vcpu& vcpu) { return state(vcpu).gic; }

Dist::~Dist() { kx::free_array(spis_); }

void Dist::install(const Vm&, u32 nr_spis, Irq* spis, kx::Vector<Vcpu*>& vcpus) {
  nr_spis_.store(nr_spis);
  spis_ = spis;
  vcpus_.swap(vcpus);
}

Vcpu* mpidr_to_vcpu(Vm& vm, u64 mpidr) {
  mpidr &= kMpidrAffMask;
  for (Vcpu* v : vm.vcpus()) {
    if ((vcpu_mpidr(*v) & kMpidrAffMask) == mpidr) return v;
  }
  return nullptr;
}

u16 mpidr_to_index(Dist& d, u64 mpidr) {
  mpidr &= kMpidrAffMask;
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  for (u16 i = 0; i < vcpus.size(); i++) {
    if (vcpus[i] && (vcpu_mpidr(*vcpus[i]) & kMpidrAffMask) == mpidr) return i;
  }
  return kNoVcpu;
}

namespace dev {

constexpr u64 kV2DistSize = 0x1000, kV2CpuSize = 0x2000, kV2Align = 0x1000;
constexpr u64 kV3DistSize = 0x10000, kV3RedistSize = 0x20000, kV3Align = 0x10000;

// KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: count:12 | base[51:16] | flags:4 | index:12.
constexpr u64 kRdIndexMask = 0xfff, kRdFlagsMask = 0xf000, kRdBaseMask = 0x000fffffffff0000ull;
constexpr u32 kRdCountShift = 52;

// The documents: 64 to 1024 interrupts in steps of 32 (6.1 stops at 1023,
// so refuses 1024: Documentation/differences.rst).
constexpr u32 kNrIrqsMin = 64, kNrIrqsMax = 1024;

// Register attributes: the offset in bits 31:0; v2 the vCPU index in
// 39:32, v3 the MPIDR affinity in 63:32. LEVEL_INFO: info in 31:10, the
// first vINTID in 9:0.
constexpr u64 kOffsetMask = 0xffffffff;
constexpr u32 kLevelInfoShift = 10;
constexpr u32 kSysregInstrMask = 0xffff;

kx::Status check_iorange(const Vm& vm, u64 current, u64 addr, u64 align, u64 size) {
  if (current != kAddrUndef) return kx::error(kx::kEEXIST);
  if (addr % align || size % align) return kx::error(kx::kEINVAL);
  if (addr + size < addr) return kx::error(kx::kEINVAL);
  const u64 phys_size = 1ull << vm_state(vm).ipa_bits;
  if (addr & ~(phys_size - 1) || addr + size > phys_size) return kx::error(kx::kE2BIG);
  return kx::Status::ok();
}

u64 rd_region_size(const Vm& vm, const RedistRegion& r) {
  return (r.count ? r.count : vm.online_vcpus()) * kV3RedistSize;
}

bool overlaps(u64 a, u64 a_size, u64 b, u64 b_size) { return a + a_size > b && b + b_size > a; }

// How many redistributors the regions hold; the legacy region holds all.
u64 rd_capacity(const kx::Vector<RedistRegion>& regions) {
  u64 n = 0;
  for (const RedistRegion& r : regions) {
    if (!r.count) return ~0ull;
    n += r.count;
  }
  return n;
}

// vgic_v3_check_base(): every region within the IPA space, and the
// distributor over none of them.
bool v3_check_base(const Vm& vm, u64 dist_base, const kx::Vector<RedistRegion>& regions) {
  if (dist_base != kAddrUndef && dist_base + kV3DistSize < dist_base) return false;
  for (const RedistRegion& r : regions) {
    if (check_iorange(vm, kAddrUndef, r.base, kV3Align, rd_region_size(vm, r)).is_error())
      return false;
  }
  if (dist_base == kAddrUndef) return true;
  for (const RedistRegion& r : regions) {
    if (overlaps(dist_base, kV3DistSize, r.base, rd_region_size(vm, r))) return false;
  }
  return true;
}

// vgic_v3_alloc_redist_region(): regions come in index order from 0; the
// legacy single region and indexed ones do not mix; none overlaps another
// (nor, for the legacy one, the distributor). Then, as
// vgic_register_all_redist_iodevs(): if a vCPU now gets its frame there,
// the layout must pass vgic_v3_check_base() or the region is refused.
//
// A guest's GICR_TYPER read walks the regions under Dist::lock alone
// (redist_typer()), so they are never grown in place: the new list is
// built here (it allocates, which that spinlock forbids), swapped in under
// it, and the old one freed once it is dropped.
kx::Status add_redist_region(Vm& vm, Dist& d, u32 index, u64 base, u32 count) KX_REQUIRES(vm.lock) {
  const kx::Vector<RedistRegion>& regions = d.rdregs(vm);
  const u64 dist_base = d.dist_base(vm);
  const u64 size = (count ? count : vm.online_vcpus()) * kV3RedistSize;
  if (base + size < base) return kx::error(kx::kEINVAL);
  if (regions.empty()) {
    if (index != 0) return kx::error(kx::kEINVAL);
  } else {
    const RedistRegion& last = regions[regions.size() - 1];
    // The documents forbid mixing the two forms either way; 6.1 only
    // refuses a legacy region after indexed ones (differences.rst).
    if (!count != !last.count) return kx::error(kx::kEINVAL);
    if (!count) return kx::error(kx::kEEXIST);
    if (index != last.index + 1) return kx::error(kx::kEINVAL);
  }
  if (!count && dist_base != kAddrUndef && overlaps(base, size, dist_base, kV3DistSize))
    return kx::error(kx::kEINVAL);
  for (const RedistRegion& r : regions) {
    if (overlaps(base, size, r.base, rd_region_size(vm, r))) return kx::error(kx::kEINVAL);
  }
  KX_TRY(check_iorange(vm, kAddrUndef, base, kV3Align, size));
  const bool frames_waiting = vm.online_vcpus() > rd_capacity(regions);
  kx::Vector<RedistRegion> next;
  KX_TRY(next.reserve(regions.size() + 1));
  for (const RedistRegion& r : regions) KX_TRY(next.push_back(r));
  KX_TRY(next.push_back(RedistRegion{base, count, index}));
  if (frames_waiting && !v3_check_base(vm, dist_base, next)) return kx::error(kx::kEINVAL);
  {
    kx::IrqSaveGuard guard(&d.lock);
    d.replace_rdregs(vm, next);
  }
  return kx::Status::ok();
}

const RedistRegion* region_by_index(const kx::Vector<RedistRegion>& regions, u32 index) {
  for (const RedistRegion& r : regions) {
    if (r.index == index) return &r;
  }
  return nullptr;
}

// A distributor or CPU interface frame the GIC's model has: where its
// base is kept, its alignment and size.
struct FrameAddr {
  u64* base;
  u64 align;
  u64 size;
};

// The frame a DIST or CPU address type names, if the GIC is of the model
// that has it (kvm_vgic_addr() and kvm_set_legacy_vgic_v2_addr(): an
// unknown type or vgic_check_type() -ENODEV).
kx::Result<FrameAddr> frame_addr(Vm& vm, Dist& d, u64 type) KX_REQUIRES(vm.lock) {
  u32 model = 0;
  FrameAddr f = {};
  switch (type) {
    case KX_VGIC_V2_ADDR_TYPE_DIST:
      model = kModelV2, f = {&d.dist_base(vm), kV2Align, kV2DistSize};
      break;
    case KX_VGIC_V2_ADDR_TYPE_CPU:
      model = kModelV2, f = {&d.cpu_base(vm), kV2Align, kV2CpuSize};
      break;
    case KX_VGIC_V3_ADDR_TYPE_DIST:
      model = kModelV3, f = {&d.dist_base(vm), kV3Align, kV3DistSize};
      break;
    default:
      return kx::kENODEV;
  }
  if (d.model() != model) return kx::kENODEV;
  return f;
}

// kvm_vgic_addr(). A write, or any access to REDIST_REGION (whose value
// carries the index), reads the user's value first. What kvm_vgic_addr()
// refuses with -ENODEV (no such frame in this model) the device answers
// -ENXIO, as vgic_set_common_attr() and vgic_get_common_attr() do.
kx::Status addr_attr(Vm& vm, bool write, const kx_attr& a) {
  u64 value = 0;
  if ((write || a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST_REGION) &&
      kx_copy_from_user(&value, a.addr, sizeof(value)))
    return kx::error(kx::kEFAULT);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  const bool redist =
      a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST || a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST_REGION;
  if (redist && d.model() != kModelV3) return kx::error(kx::kENXIO);

  const kx::Vector<RedistRegion>& regions = d.rdregs(vm);
  if (a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST) {
    if (write) return add_redist_region(vm, d, 0, value, 0);
    value = regions.empty() ? kAddrUndef : regions[0].base;
  } else if (a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST_REGION) {
    const u32 index = value & kRdIndexMask;
    if (write) {
      const u32 count = static_cast<u32>(value >> kRdCountShift);
      if (!count || (value & kRdFlagsMask)) return kx::error(kx::kEINVAL);
      return add_redist_region(vm, d, index, value & kRdBaseMask, count);
    }
    const RedistRegion* r = region_by_index(regions, index);
    if (!r) return kx::error(kx::kENOENT);
    value = index | r->base | static_cast<u64>(r->count) << kRdCountShift;
  } else {
    kx::Result<FrameAddr> f = frame_addr(vm, d, a.attr);
    if (f.is_error()) return kx::error(kx::kENXIO);
    if (write) {
      KX_TRY(check_iorange(vm, *f.value().base, value, f.value().align, f.value().size));
      *f.value().base = value;
      return kx::Status::ok();
    }
    value = *f.value().base;
  }
  return kx_copy_to_user(a.addr, &value, sizeof(value)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

}  // namespace dev

// KVM_ARM_SET_DEVICE_ADDR: kvm_vm_ioctl_set_device_addr() and
// kvm_set_legacy_vgic_v2_addr(), the device's GRP_ADDR rules for a GICv2's
// two frames. Bits 63:32 of the id are not looked at, as in 6.1.
kx::Status set_legacy_addr(Vm& vm, u64 id, u64 addr) {
  const u64 device = (id & KX_ARM_DEVICE_ID_MASK) >> KX_ARM_DEVICE_ID_SHIFT;
  const u64 type = (id & KX_ARM_DEVICE_TYPE_MASK) >> KX_ARM_DEVICE_TYPE_SHIFT;
  if (device != KX_ARM_DEVICE_VGIC_V2) return kx::error(kx::kENODEV);
  // vgic_present (-ENXIO without): the emulated host always has a GIC.
  if (type != KX_VGIC_V2_ADDR_TYPE_DIST && type != KX_VGIC_V2_ADDR_TYPE_CPU)
    return kx::error(kx::kENODEV);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  const dev::FrameAddr f = KX_TRY(dev::frame_addr(vm, d, type));
  KX_TRY(dev::check_iorange(vm, *f.base, addr, f.align, f.size));
  // api.rst 4.85: -EBUSY "Address overlaps with other device range". 6.1
  // finds it only at the first KVM_RUN (-EINVAL there; differences.rst).
  const dev::FrameAddr other = KX_TRY(dev::frame_addr(vm, d, type ^ 1));
  if (*other.base != kAddrUndef && dev::overlaps(addr, f.size, *other.base, other.size))
    return kx::error(kx::kEBUSY);
  *f.base = addr;
  return kx::Status::ok();
}

namespace dev {

kx::Status set_nr_irqs(Vm& vm, u64 uaddr) {
  u32 value;
  if (kx_copy_from_user(&value, uaddr, sizeof(value))) return kx::error(kx::kEFAULT);
  if (value < kNrIrqsMin || value > kNrIrqsMax || value % 32) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  if (d.initialized() || d.nr_spis()) return kx::error(kx::kEBUSY);
  d.set_nr_spis(vm, value - kNrPrivateIrqs);
  return kx::Status::ok();
}

// Where redistributor `index` lives: regions fill in index order
// (vgic_v3_rdist_free_slot()). kAddrUndef when no region has room.
u64 redist_base(const kx::Vector<RedistRegion>& regions, u32 index) {
  u64 start = 0;
  for (const RedistRegion& r : regions) {
    if (!r.count || index < start + r.count) return r.base + (index - start) * kV3RedistSize;
    start += r.count;
  }
  return kAddrUndef;
}

}  // namespace dev

u64 redist_typer(Dist& d, const CpuIf& c) {
  constexpr u64 kLast = 1u << 4;
  const kx::Vector<Vcpu*>& vcpus = d.vcpus();
  const kx::Vector<RedistRegion>& regions = d.rdregs();
  u64 v = (c.index < vcpus.size() && vcpus[c.index]
               ? (vcpu_mpidr(*vcpus[c.index]) & 0xffffff) << 32 |
                     static_cast<u64>(vcpus[c.index]->id() & 0xffff) << 8
               : 0);
  // vgic_mmio_vcpu_rdist_is_last(): the last redistributor in use in its
  // region, unless its region is full and a contiguous one continues it.
  const u32 n = static_cast<u32>(vcpus.size());
  u64 start = 0;
  for (usize i = 0; i < regions.size(); i++) {
    const RedistRegion& r = regions[i];
    const u64 end = r.count ? start + r.count : ~0ull;
    if (c.index >= end) {
      start = end;
      continue;
    }
    const u64 used_end = n < end ? n : end;
    const u64 next = c.index + 1ull;
    bool last = next == used_end;
    if (last && r.count && next == end) {
      // A region starting where this one ends, with a redistributor in use.
      const u64 next_base = r.base + r.count * dev::kV3RedistSize;
      u64 start_j = 0;
      for (const RedistRegion& other : regions) {
        if (other.base == next_base && n > start_j) last = false;
        start_j += other.count;
      }
    }
    if (last) v |= kLast;
    break;
  }
  return v;
}

namespace dev {

// The vCPU an attribute names: v2 by index (bits 39:32), v3 by MPIDR
// affinity (bits 63:32); the v3 distributor group by vCPU 0. -EINVAL when
// there is none (vgic_v{2,3}_parse_attr()).
Vcpu* attr_vcpu(Vm& vm, u32 model, const kx_attr& a) KX_REQUIRES(vm.lock) {
  if (model == kModelV2) {
    const u32 index = static_cast<u32>(a.attr >> 32) & 0xff;
    u32 i = 0;
    for (Vcpu* v : vm.vcpus()) {
      if (i++ == index) return v;
    }
    return nullptr;
  }
  if (a.group == KX_DEV_ARM_VGIC_GRP_DIST_REGS)
    return vm.vcpus().empty() ? nullptr : vm.vcpus().front();
  return mpidr_to_vcpu(vm, attr_to_mpidr(a.attr >> 32));
}

const RegTable* table_of(u32 model, u32 group) {
  switch (group) {
    case KX_DEV_ARM_VGIC_GRP_DIST_REGS:
      return model == kModelV3 ? &kV3DistTable : &kV2DistTable;
    case KX_DEV_ARM_VGIC_GRP_CPU_REGS:
      return model == kModelV2 ? &kV2CpuTable : nullptr;
    case KX_DEV_ARM_VGIC_GRP_REDIST_REGS:
      return model == kModelV3 ? &kV3RedistTable : nullptr;
  }
  return nullptr;
}

// LEVEL_INFO LINE_LEVEL: the input level of 32 interrupts from vINTID;
// SGIs and interrupts past the last RAZ/WI.
kx::Status line_level(Dist& d, CpuIf& c, u32 intid, bool write, u32* val) KX_REQUIRES(d.lock) {
  if (intid % 32) return kx::error(kx::kEINVAL);
  if (!write) *val = 0;
  for (u32 i = 0; i < 32; i++) {
    if (intid + i < kNrSgis) continue;
    Irq* irq = irq_at(d, &c, intid + i);
    if (!irq) continue;
    CpuIf* owner = irq->intid < kNrPrivateIrqs ? &c : nullptr;
    if (write) {
      // vgic_write_irq_line_level_info(): the level is restored whatever
      // the trigger mode, and pends the interrupt if high.
      irq->line_level = *val >> i & 1;
      changed(d, owner, *irq);
    } else if (!irq->edge && irq->line_level) {
      *val |= 1u << i;
    }
  }
  return kx::Status::ok();
}

// The register groups, in vgic_v{2,3}_attr_regs_access()'s order: the
// vCPU the attribute names (-EINVAL), the 32-bit value (-EFAULT), every
// vCPU locked (one in KVM_RUN: -EBUSY), the GIC initialised (v2 on
// demand, v3 -EBUSY), then a CPU_SYSREGS value (-EFAULT) and the access.
kx::Status regs_attr(Vm& vm, bool write, const kx_attr& a) {
  const u32 model = dist_of(vm).model();
  const bool sysreg = a.group == KX_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
  u64 value = 0;
  kx::Status status;
  {
    kx::Guard<kx::Mutex> guard(&vm.lock);
    Vcpu* vcpu = attr_vcpu(vm, model, a);
    if (!vcpu) return kx::error(kx::kEINVAL);
    if (write && !sysreg && kx_copy_from_user(&value, a.addr, 4)) return kx::error(kx::kEFAULT);
    if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
    Dist& d = dist_of(vm);
    if (model == kModelV2)
      status = init(vm);
    else if (!d.initialized())
      status = kx::error(kx::kEBUSY);
    if (status.is_ok() && write && sysreg && kx_copy_from_user(&value, a.addr, 8))
      status = kx::error(kx::kEFAULT);
    FollowUp follow;
    if (status.is_ok()) {
      kx::IrqSaveGuard irq_guard(&d.lock);
      CpuIf& c = cpuif(*vcpu);
      const u32 offset = static_cast<u32>(a.attr & kOffsetMask);
      u32 v32 = static_cast<u32>(value);
      if (sysreg) {
        status = icc_uaccess(d, c, offset & kSysregInstrMask, write, &value);
      } else if (a.group == KX_DEV_ARM_VGIC_GRP_LEVEL_INFO) {
        if ((offset >> kLevelInfoShift) != KX_VGIC_LEVEL_INFO_LINE_LEVEL)
          status = kx::error(kx::kEINVAL);
        else
          status = line_level(d, c, offset & 0x3ff, write, &v32);
        value = v32;
      } else {
        status = reg_uaccess(d, *table_of(model, a.group), &c, offset, write, &v32, &follow);
        value = v32;
      }
    }
    if (follow.kind != FollowUp::kNone) run_follow_up(vm, cpuif(*vcpu), follow);
    vm.unlock_all_vcpus();
  }
  KX_TRY(status);
  if (!write && kx_copy_to_user(a.addr, &value, sysreg ? 8 : 4)) return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

// KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES: with every vCPU stopped, the LPI
// pending bits go to guest RAM (lpi.cpp); before CTRL_INIT the GIC is
// "not properly configured" (-ENXIO, arm-vgic-v3.rst).
kx::Status save_pending_tables_attr(Vm& vm) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (dist_of(vm).model() != kModelV3) return kx::error(kx::kENXIO);
  if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
  const kx::Status s = dist_of(vm).initialized() ? save_pending_tables(vm) : kx::error(kx::kENXIO);
  vm.unlock_all_vcpus();
  return s;
}

// vgic_v{2,3}_has_attr_regs(): the vCPU the attribute names must exist
// (-EINVAL), then the register must (-ENXIO).
kx::Status has_reg(Vm& vm, u32 model, const kx_attr& a) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Vcpu* vcpu = attr_vcpu(vm, model, a);
  if (!vcpu) return kx::error(kx::kEINVAL);
  Dist& d = dist_of(vm);
  const u32 offset = static_cast<u32>(a.attr & kOffsetMask);
  kx::IrqSaveGuard irq_guard(&d.lock);
  if (a.group == KX_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
    return icc_user_exists(offset & kSysregInstrMask) ? kx::Status::ok() : kx::error(kx::kENXIO);
  return reg_exists(d, *table_of(model, a.group), offset) ? kx::Status::ok()
                                                          : kx::error(kx::kENXIO);
}

// The VGIC device types (KVM_DEV_TYPE_ARM_VGIC_V2, _V3): a handle on the
// VM's GIC (Dist, in the VM's arm64 state), which lives as long as the VM.
template <u32 kModel>
class VgicDevice {
 public:
  static constexpr const char* kName = kModel == kModelV2 ? "kvm-arm-vgic-v2" : "kvm-arm-vgic-v3";
  static constexpr bool kDiesWithFd = false;

  // kvm_vgic_create() (init.cpp), with Vm::lock held.
  static kx::Result<VgicDevice*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    kx::AllocChecker ac;
    VgicDevice* dev = new (&ac) VgicDevice(vm);
    if (!ac.check()) return kx::kENOMEM;
    if (kx::Status s = create(vm, kModel); s.is_error()) {
      kx::destroy(dev);
      return s;
    }
    return dev;
  }

  kx::Status set_addr(const kx_attr& a) { return addr_attr(vm_, true, a); }
  kx::Status get_addr(const kx_attr& a) { return addr_attr(vm_, false, a); }
  kx::Status has_addr(const kx_attr& a) {
    const bool v2 = a.attr == KX_VGIC_V2_ADDR_TYPE_DIST || a.attr == KX_VGIC_V2_ADDR_TYPE_CPU;
    const bool v3 = a.attr == KX_VGIC_V3_ADDR_TYPE_DIST || a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST ||
                    a.attr == KX_VGIC_V3_ADDR_TYPE_REDIST_REGION;
    return (kModel == kModelV2 ? v2 : v3) ? kx::Status::ok() : kx::error(kx::kENXIO);
  }

  kx::Status set_nr_irqs(const kx_attr& a) { return dev::set_nr_irqs(vm_, a.addr); }
  kx::Status get_nr_irqs(const kx_attr& a) {
    u32 value;
    {
      kx::Guard<kx::Mutex> guard(&vm_.lock);
      value = dist_of(vm_).nr_irqs();
    }
    return kx_copy_to_user(a.addr, &value, sizeof(value)) ? kx::error(kx::kEFAULT)
                                                          : kx::Status::ok();
  }
  kx::Status has_any(const kx_attr&) { return kx::Status::ok(); }

  kx::Status set_ctrl(const kx_attr& a) {
    if (a.attr == KX_DEV_ARM_VGIC_CTRL_INIT) return init_locked(vm_);
    if (kModel == kModelV3 && a.attr == KX_DEV_ARM_VGIC_SAVE_PENDING_TABLES)
      return save_pending_tables_attr(vm_);
    return kx::error(kx::kENXIO);
  }
  kx::Status has_ctrl(const kx_attr& a) {
    if (a.attr == KX_DEV_ARM_VGIC_CTRL_INIT ||
        (kModel == kModelV3 && a.attr == KX_DEV_ARM_VGIC_SAVE_PENDING_TABLES))
      return kx::Status::ok();
    return kx::error(kx::kENXIO);
  }

  // Register groups: distributor, v2 CPU interface, v3 redistributor,
  // ICC system registers and line levels, all through regs_attr().
  kx::Status set_regs(const kx_attr& a) { return regs_attr(vm_, true, a); }
  kx::Status get_regs(const kx_attr& a) { return regs_attr(vm_, false, a); }
  kx::Status has_regs(const kx_attr& a) { return has_reg(vm_, kModel, a); }
  kx::Status has_level_info(const kx_attr& a) {
    return (a.attr & kOffsetMask) >> kLevelInfoShift == KX_VGIC_LEVEL_INFO_LINE_LEVEL
               ? kx::Status::ok()
               : kx::error(kx::kENXIO);
  }

  using Self = VgicDevice;
  static constexpr AttrGroup<Self> kV2Groups[] = {
      {KX_DEV_ARM_VGIC_GRP_ADDR, &Self::set_addr, &Self::get_addr, &Self::has_addr},
      {KX_DEV_ARM_VGIC_GRP_DIST_REGS, &Self::set_regs, &Self::get_regs, &Self::has_regs},
      {KX_DEV_ARM_VGIC_GRP_CPU_REGS, &Self::set_regs, &Self::get_regs, &Self::has_regs},
      {KX_DEV_ARM_VGIC_GRP_NR_IRQS, &Self::set_nr_irqs, &Self::get_nr_irqs, &Self::has_any},
      {KX_DEV_ARM_VGIC_GRP_CTRL, &Self::set_ctrl, nullptr, &Self::has_ctrl},
  };
  static constexpr AttrGroup<Self> kV3Groups[] = {
      {KX_DEV_ARM_VGIC_GRP_ADDR, &Self::set_addr, &Self::get_addr, &Self::has_addr},
      {KX_DEV_ARM_VGIC_GRP_DIST_REGS, &Self::set_regs, &Self::get_regs, &Self::has_regs},
      {KX_DEV_ARM_VGIC_GRP_NR_IRQS, &Self::set_nr_irqs, &Self::get_nr_irqs, &Self::has_any},
      {KX_DEV_ARM_VGIC_GRP_CTRL, &Self::set_ctrl, nullptr, &Self::has_ctrl},
      {KX_DEV_ARM_VGIC_GRP_REDIST_REGS, &Self::set_regs, &Self::get_regs, &Self::has_regs},
      {KX_DEV_ARM_VGIC_GRP_CPU_SYSREGS, &Self::set_regs, &Self::get_regs, &Self::has_regs},
      {KX_DEV_ARM_VGIC_GRP_LEVEL_INFO, &Self::set_regs, &Self::get_regs, &Self::has_level_info},
  };
  static constexpr const auto& model_groups() {
    if constexpr (kModel == kModelV2)
      return kV2Groups;
    else
      return kV3Groups;
  }
  static constexpr const auto& kAttrGroups = model_groups();

 private:
  explicit VgicDevice(Vm& vm) : vm_(vm) {}

  Vm& vm_;
};

}  // namespace dev

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_vgic_v2_device_ops =
    kvm::DeviceType<kvm::arm64::vgic::dev::VgicDevice<kvm::arm64::vgic::kModelV2>>::ops();
extern "C" constinit const kx_device_ops kx_vgic_v3_device_ops =
    kvm::DeviceType<kvm::arm64::vgic::dev::VgicDevice<kvm::arm64::vgic::kModelV3>>::ops();
