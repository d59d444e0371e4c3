// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 VGIC configuration.
//
// arm64's in-kernel GIC (userspace-api.rst "Devices available", VGIC
// step 1) is modelled per VM: its model, the distributor, v2 CPU interface
// and v3 redistributor regions (legacy and indexed), the number of SPIs
// and CTRL_INIT. The VGIC device types (5 and 7, registered on arm64
// only, as the shim does) are created exactly (one GIC per VM -EEXIST,
// after a vCPU ran -EBUSY, too many vCPUs for the model -E2BIG; the GIC
// stays when its fd fails; the device stays with the VM when its fd
// closes), and so is KVM_CREATE_VCPU against the model's vCPU limit and
// CTRL_INIT. GRP_ADDR (addresses from a pool: aligned or not, on or next
// to frames already placed, at and past the IPA limit, raw), GRP_NR_IRQS,
// GRP_CTRL and HAS are checked exactly in device.cpp's order, a GET
// writes exactly its value's size, and at the end of the input every GIC
// with a device fd open is read back in full against the model.
//
// The VGIC devices (arch/arm64/vgic/device.cpp, step 1) against GicModel:
// GRP_ADDR, GRP_NR_IRQS, GRP_CTRL INIT and HAS, exactly, in device.cpp's
// (6.1's) order of checks; a failed call changes nothing (the model is
// not updated; audit_gics() reads it all back at the end); a GET writes
// exactly its value's size, anything else nothing.

#include "vgic.h"

#include "vgic_regs.h"

namespace spine {
namespace {

constexpr uint64_t kMpidrAffMask = 0xff00ffffffull;

// vgic_check_iorange()
int gic_check_iorange(const VmModel& v, uint64_t cur, uint64_t addr, uint64_t align,
                      uint64_t size) {
  if (cur != kGicUndef) return -EEXIST;
  if (addr % align || size % align) return -EINVAL;
  if (addr + size < addr) return -EINVAL;
  const uint64_t phys = 1ull << v.ipa_bits;
  if (addr & ~(phys - 1) || addr + size > phys) return -E2BIG;
  return 0;
}

uint64_t gic_region_size(const VmModel& v, uint32_t count) {
  return (count ? count : v.vcpu_ids.size()) * kGicRedistSize;
}

bool gic_overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size) {
  return a + a_size > b && b + b_size > a;
}

// vgic_v3_alloc_redist_region(), with the legacy form refused after
// indexed ones as well (differences.rst); then, if a vCPU gets its frame
// in the new region, vgic_v3_check_base() (the region is allocated
// first: *allocs).
int gic_add_region_want(const VmModel& v, uint32_t index, uint64_t base, uint32_t count,
                        bool* allocs) {
  const GicModel& m = v.gic;
  const uint64_t size = gic_region_size(v, count);
  if (base + size < base) return -EINVAL;
  if (m.regions.empty()) {
    if (index != 0) return -EINVAL;
  } else {
    const GicRegion& last = m.regions.back();
    if (!count != !last.count) return -EINVAL;
    if (!count) return -EEXIST;
    if (index != last.index + 1) return -EINVAL;
  }
  if (!count && m.dist != kGicUndef && gic_overlaps(base, size, m.dist, 0x10000)) return -EINVAL;
  for (const GicRegion& r : m.regions) {
    if (gic_overlaps(base, size, r.base, gic_region_size(v, r.count))) return -EINVAL;
  }
  if (int err = gic_check_iorange(v, kGicUndef, base, kGicV3Align, size)) return err;
  *allocs = true;
  if (v.vcpu_ids.size() <= gic_rd_capacity(m)) return 0;
  VmModel with = v;
  with.gic.regions.push_back(GicRegion{base, count, index});
  return gic_v3_check_base(with) ? 0 : -EINVAL;
}

bool gic_has(unsigned type, const kx_attr& a) {
  if (a.group == kGicGrpAddr)
    return type == KX_DEV_TYPE_ARM_VGIC_V2
               ? a.attr == kGicV2Dist || a.attr == kGicV2Cpu
               : a.attr == kGicV3Dist || a.attr == kGicV3Redist || a.attr == kGicV3RedistRegion;
  if (a.group == kGicGrpNrIrqs) return true;
  return a.group == kGicGrpCtrl && (a.attr == kGicCtrlInit || (a.attr == kGicCtrlSavePending &&
                                                               type == KX_DEV_TYPE_ARM_VGIC_V3));
}

// Where a GIC frame may go: aligned or not, on or next to a frame already
// placed, at and past the end of the VM's IPA space, or anything.
uint64_t gic_addr_sel(Input& in, const VmModel& v) {
  const uint8_t b = in.u8();
  const uint64_t k = b >> 3;
  const uint64_t top = 1ull << v.ipa_bits;
  switch (b % 8) {
    case 0:
      return k * 0x10000;
    case 1:
      return k * 0x1000;
    case 2:
      return k * 0x10000 + (k & 1 ? 0x800 : 0x8000);
    case 3: {
      std::vector<uint64_t> at;
      if (v.gic.dist != kGicUndef) at.push_back(v.gic.dist);
      if (v.gic.cpu != kGicUndef) at.push_back(v.gic.cpu);
      for (const GicRegion& r : v.gic.regions) {
        at.push_back(r.base);
        at.push_back(r.base + gic_region_size(v, r.count));
      }
      static const uint64_t kOff[] = {0,           0x1000,  -0x1000ull,  0x10000,
                                      -0x10000ull, 0x20000, -0x20000ull, 0x2000};
      const uint64_t off = kOff[in.u8() % 8];
      return (at.empty() ? 0x8000000 : at[k % at.size()]) + off;
    }
    case 4: {
      static const uint64_t kBack[] = {0x1000,  0x2000, 0x10000, 0x20000,
                                       0x40000, 0,      0x30000, 0x100000};
      return top - kBack[k % 8];
    }
    case 5: {
      const uint64_t kSpecial[] = {top,        top << 1,           kGicUndef, 1ull << 52,
                                   1ull << 48, 0xffffffffffff0000, 0x8000000, 0x80a0000};
      return kSpecial[k % 8];
    }
    default:
      return in.u64();
  }
}

// KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION's value: count << 52 | base[51:16]
// | flags[15:12] | index[11:0], mostly the next index with no flags.
uint64_t gic_rdreg_sel(Input& in, const VmModel& v) {
  const uint8_t b = in.u8();
  if (b % 8 == 7) return in.u64();
  static const uint64_t kCounts[] = {1, 1, 2, 3, 8, 0, 0xfff, 16};
  const uint64_t count = kCounts[(b >> 3) % 8];
  uint64_t index = v.gic.regions.empty() ? 0 : v.gic.regions.back().index + 1;
  if (b & 0x80) index = b & 0x40 ? 0xfff : (b & 7);
  const uint64_t flags = b % 8 == 6 ? 0x1000ull << (b >> 6) : 0;
  const uint64_t base = gic_addr_sel(in, v);
  return count << 52 | (b % 8 == 5 ? base : base & kRdBaseMask) | flags | (index & kRdIndexMask);
}

uint32_t gic_nr_irqs_sel(Input& in) {
  static const uint32_t kNr[] = {64, 96, 256, 1024, 1023, 1056, 32, 0, 63, 992, 128, 0xffffffe0};
  const uint8_t b = in.u8();
  return b < 0xe0 ? kNr[b % 12] : in.u32();
}

}  // namespace

void op_vgic_attr(Input& in, DevFd& d, int op) {
  VmModel& v = g->vms[d.vm];
  GicModel& m = v.gic;
  AttrSpec s = {};
  const uint8_t um = in.u8();
  const uint8_t gb = in.u8();
  static const uint32_t kGroups[] = {0, 0, 0, 3, 3, 4, 1, 2};
  s.a.group = gb < 0xf0 ? kGroups[gb % 8] : in.u32();
  const uint8_t ab = in.u8();
  s.a.attr = ab < 0xf0 ? ab % 7 : in.u64();
  s.a.flags = in.u8();
  const uint8_t pm = in.u8();
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, kPayloadFill, 16);
  uint64_t value = 0;
  s.a.addr = reinterpret_cast<uint64_t>(payload);
  if (pm % 8 < 5) {
    if (s.a.group == kGicGrpNrIrqs)
      value = 0xa5a5a5a500000000ull | gic_nr_irqs_sel(in);
    else if (s.a.attr == kGicV3RedistRegion)
      value = gic_rdreg_sel(in, v);
    else
      value = gic_addr_sel(in, v);
  } else if (pm % 8 == 5) {
    value = in.u64();
  } else {
    static const uint64_t kBad[] = {0, host::kUserTop, ~0ull, 8};
    s.a.addr = kBad[(pm >> 3) % 4];
    s.payload_faults = true;
  }
  if (!s.payload_faults) memcpy(payload, &value, sizeof(value));
  place_uattr(s, um);
  trace("vgic_attr dev %d (v%d) %s uattr %s group %u attr %llu value %#llx%s", int(&d - g->devs),
        d.vgic == KX_DEV_TYPE_ARM_VGIC_V2 ? 2 : 3, op_name(op), s.uattr_faults ? "bad" : "ok",
        s.a.group, s.a.attr, (ULL)value, s.payload_faults ? " (faults)" : "");
  if (gic_reg_group(s.a.group)) {
    gic_reg_attr(d, op, s, value);
    return;
  }

  // The model.
  enum { kNone, kSetDist, kSetCpu, kAddRegion, kSetNrIrqs, kInit } change = kNone;
  GicRegion region = {};
  int want = 0;
  bool enomem_ok = false;
  uint64_t out = 0;
  size_t out_len = 0;  // what a successful GET writes
  const uint64_t attr = s.a.attr;
  if (s.uattr_faults) {
    want = -EFAULT;
  } else if (op == KX_ATTR_HAS) {
    want = gic_has(d.vgic, s.a) ? 0 : -ENXIO;
  } else if (s.a.group == kGicGrpAddr) {
    const unsigned model =
        attr == kGicV2Dist || attr == kGicV2Cpu ? KX_DEV_TYPE_ARM_VGIC_V2
        : attr == kGicV3Dist || attr == kGicV3Redist || attr == kGicV3RedistRegion
            ? KX_DEV_TYPE_ARM_VGIC_V3
            : 0;
    if ((op == KX_ATTR_SET || attr == kGicV3RedistRegion) && s.payload_faults) {
      want = -EFAULT;  // the value is read first
    } else if (!model || model != m.model) {
      want = -ENXIO;
    } else if (op == KX_ATTR_SET) {
      bool allocs = false;
      if (attr == kGicV3Redist) {
        region = GicRegion{value, 0, 0};
        want = gic_add_region_want(v, 0, value, 0, &allocs);
        change = kAddRegion;
      } else if (attr == kGicV3RedistRegion) {
        const uint32_t count = static_cast<uint32_t>(value >> 52);
        region = GicRegion{value & kRdBaseMask, count, static_cast<uint32_t>(value & kRdIndexMask)};
        if (!count || (value & kRdFlagsMask))
          want = -EINVAL;
        else
          want = gic_add_region_want(v, region.index, region.base, count, &allocs);
        change = kAddRegion;
      } else if (attr == kGicV2Cpu) {
        want = gic_check_iorange(v, m.cpu, value, 0x1000, 0x2000);
        change = kSetCpu;
      } else {
        want = attr == kGicV2Dist ? gic_check_iorange(v, m.dist, value, 0x1000, 0x1000)
                                  : gic_check_iorange(v, m.dist, value, 0x10000, 0x10000);
        change = kSetDist;
      }
      enomem_ok = allocs && g->inject;
    } else {
      if (attr == kGicV3Redist) {
        out = m.regions.empty() ? kGicUndef : m.regions[0].base;
      } else if (attr == kGicV3RedistRegion) {
        const uint32_t index = value & kRdIndexMask;
        want = -ENOENT;
        for (const GicRegion& r : m.regions) {
          if (r.index != index) continue;
          out = index | r.base | static_cast<uint64_t>(r.count) << 52;
          want = 0;
          break;
        }
      } else {
        out = attr == kGicV2Cpu ? m.cpu : m.dist;
      }
      if (want == 0 && s.payload_faults) want = -EFAULT;
      out_len = 8;
    }
  } else if (s.a.group == kGicGrpNrIrqs) {
    const uint32_t nr = static_cast<uint32_t>(value);
    if (op == KX_ATTR_SET) {
      if (s.payload_faults)
        want = -EFAULT;
      else if (nr < 64 || nr > 1024 || nr % 32)
        want = -EINVAL;
      else if (m.initialized || m.nr_spis)
        want = -EBUSY;
      change = kSetNrIrqs;
    } else {
      out = m.nr_spis + 32;
      out_len = 4;
      if (s.payload_faults) want = -EFAULT;
    }
  } else if (s.a.group == kGicGrpCtrl && attr == kGicCtrlInit && op == KX_ATTR_SET) {
    change = kInit;  // idempotent; -EBUSY only while a vCPU is being created
    enomem_ok = !m.initialized && g->inject;  // the SPIs, the vCPU table
  } else if (s.a.group == kGicGrpCtrl && attr == kGicCtrlSavePending && op == KX_ATTR_SET &&
             m.model == KX_DEV_TYPE_ARM_VGIC_V3) {
    // -ENXIO before CTRL_INIT; after it, no LPIs without an ITS: nothing
    // to write. -EBUSY only with a vCPU in an ioctl.
    want = m.initialized ? 0 : -ENXIO;
  } else {
    want = -ENXIO;
  }

  const int r = kx_device_attr(d.h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_device_attr (VGIC)", r, want, enomem_ok);
  if (!s.payload_faults) {
    uint8_t expect[16];
    memset(expect, kPayloadFill, sizeof(expect));
    memcpy(expect, &value, sizeof(value));
    if (r == 0 && op == KX_ATTR_GET) memcpy(expect, &out, out_len);
    CHECK(memcmp(payload, expect, sizeof(expect)) == 0,
          "VGIC %s group %u attr %llu (%d): payload %#llx, expected %#llx", op_name(op), s.a.group,
          s.a.attr, r, (ULL) * reinterpret_cast<uint64_t*>(payload),
          (ULL) * reinterpret_cast<uint64_t*>(expect));
  }
  if (r != 0 || op != KX_ATTR_SET) return;
  switch (change) {
    case kSetDist:
      m.dist = value;
      break;
    case kSetCpu:
      m.cpu = value;
      break;
    case kAddRegion:
      m.regions.push_back(region);
      break;
    case kSetNrIrqs:
      m.nr_spis = static_cast<uint32_t>(value) - 32;
      break;
    case kInit:
      gic_init_model(m);
      break;
    default:
      break;
  }
}

namespace {

// One GET through a VGIC device's fd, checked against `want` and `expect`.
void gic_get(const DevFd& d, uint32_t group, uint64_t attr, uint64_t in_value, int want,
             uint64_t expect, size_t len) {
  kx_attr* a = reinterpret_cast<kx_attr*>(g_user);
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, kPayloadFill, 16);
  memcpy(payload, &in_value, sizeof(in_value));
  *a = kx_attr{};
  a->group = group;
  a->attr = attr;
  a->addr = reinterpret_cast<uint64_t>(payload);
  const int r = kx_device_attr(d.h, KX_ATTR_GET, reinterpret_cast<uint64_t>(a));
  trace("audit: VGIC GET group %u attr %llu (%#llx) -> %d (model %d)", group, (ULL)attr,
        (ULL)in_value, r, want);
  expect_ret("kx_device_attr (VGIC audit)", r, want, false);
  if (r) return;
  uint64_t got = 0;
  memcpy(&got, payload, len);
  CHECK(got == expect, "audit: VGIC group %u attr %llu reads %#llx, model %#llx", group, (ULL)attr,
        (ULL)got, (ULL)expect);
}

}  // namespace

void audit_gics() {
  bool done[kMaxVms] = {};
  for (const DevFd& d : g->devs) {
    if (!d.open || !d.vgic || done[d.vm]) continue;
    done[d.vm] = true;
    const VmModel& v = g->vms[d.vm];
    const GicModel& m = v.gic;
    const bool v2 = m.model == KX_DEV_TYPE_ARM_VGIC_V2;
    CHECK(m.model == d.vgic, "model: VGIC device v%u on a GIC of type %u", d.vgic, m.model);
    gic_get(d, kGicGrpAddr, kGicV2Dist, 0, v2 ? 0 : -ENXIO, m.dist, 8);
    gic_get(d, kGicGrpAddr, kGicV2Cpu, 0, v2 ? 0 : -ENXIO, m.cpu, 8);
    gic_get(d, kGicGrpAddr, kGicV3Dist, 0, v2 ? -ENXIO : 0, m.dist, 8);
    gic_get(d, kGicGrpAddr, kGicV3Redist, 0, v2 ? -ENXIO : 0,
            m.regions.empty() ? kGicUndef : m.regions[0].base, 8);
    for (const GicRegion& r : m.regions) {
      gic_get(d, kGicGrpAddr, kGicV3RedistRegion, r.index, 0,
              r.index | r.base | static_cast<uint64_t>(r.count) << 52, 8);
    }
    const uint32_t next = m.regions.empty() ? 0 : m.regions.back().index + 1;
    if (!v2 && next <= kRdIndexMask)
      gic_get(d, kGicGrpAddr, kGicV3RedistRegion, next, -ENOENT, 0, 8);
    gic_get(d, kGicGrpNrIrqs, 0, 0, 0, m.nr_spis + 32, 4);
    audit_gic_regs(d);
  }
}

uint32_t gic_max_cpus(unsigned model) { return model == KX_DEV_TYPE_ARM_VGIC_V2 ? 8 : 512; }

void gic_init_model(GicModel& m) {
  if (m.initialized) return;
  if (!m.nr_spis) m.nr_spis = 256 - 32;
  m.initialized = true;
}

uint64_t gic_rd_capacity(const GicModel& m) {
  uint64_t n = 0;
  for (const GicRegion& r : m.regions) {
    if (!r.count) return ~0ull;
    n += r.count;
  }
  return n;
}

bool gic_v3_check_base(const VmModel& v) {
  const GicModel& m = v.gic;
  if (m.dist != kGicUndef && m.dist + 0x10000 < m.dist) return false;
  for (const GicRegion& r : m.regions) {
    if (gic_check_iorange(v, kGicUndef, r.base, kGicV3Align, gic_region_size(v, r.count)))
      return false;
  }
  if (m.dist == kGicUndef) return true;
  for (const GicRegion& r : m.regions) {
    if (gic_overlaps(m.dist, 0x10000, r.base, gic_region_size(v, r.count))) return false;
  }
  return true;
}

uint64_t gic_redist_base(const GicModel& m, uint32_t index) {
  uint64_t start = 0;
  for (const GicRegion& r : m.regions) {
    if (!r.count || index < start + r.count) return r.base + (index - start) * kGicRedistSize;
    start += r.count;
  }
  return kGicUndef;
}

int gic_run_gate(const VmModel& v) {
  const GicModel& m = v.gic;
  if (!m.model || m.mapped) return 0;
  if (m.model == kGicV2) {
    if (m.dist == kGicUndef || m.cpu == kGicUndef) return -ENXIO;
    if (gic_overlaps(m.dist, 0x1000, m.cpu, 0x2000)) return -EINVAL;
    return 0;
  }
  if (v.vcpu_ids.size() > gic_rd_capacity(m)) return -ENXIO;
  if (m.dist == kGicUndef) return -ENXIO;
  if (!gic_v3_check_base(v)) return -EINVAL;
  if (!m.initialized) return -EBUSY;
  return 0;
}

uint64_t vcpu_mpidr(const VmModel& v, uint32_t id) {
  auto it = v.mpidr.find(id);
  return it == v.mpidr.end() ? 0 : it->second;
}

int vcpu_index(const VmModel& v, uint32_t id) {
  for (size_t i = 0; i < v.vcpu_order.size(); i++) {
    if (v.vcpu_order[i] == id) return static_cast<int>(i);
  }
  return -1;
}

int vcpu_by_mpidr(const VmModel& v, uint64_t aff) {
  for (size_t i = 0; i < v.vcpu_order.size(); i++) {
    if ((vcpu_mpidr(v, v.vcpu_order[i]) & kMpidrAffMask) == (aff & kMpidrAffMask))
      return static_cast<int>(i);
  }
  return -1;
}

uint64_t mpidr_to_attr(uint64_t mpidr) { return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24; }
uint64_t attr_to_mpidr(uint64_t a) { return (a & 0xffffff) | (a & 0xff000000ull) << 8; }

int gic_probe_initialized(int vi) {
  const VmModel& v = g->vms[vi];
  if (v.vcpu_order.empty() || v.vcpu_order.size() >= gic_max_cpus(kGicV2)) return -1;
  kx_vcpu* h = nullptr;
  const int r = kx_vm_create_vcpu(v.h, v.vcpu_order[0], &h);
  CHECK(r == -EBUSY || r == -EEXIST, "probe: duplicate KVM_CREATE_VCPU returned %d", r);
  return r == -EBUSY;
}

}  // namespace spine
