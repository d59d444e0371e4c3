// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's GIC registers and interrupts (the VGIC's step 2):
// the register groups (DIST_REGS, CPU_REGS, REDIST_REGS, CPU_SYSREGS,
// LEVEL_INFO) with vCPUs by index or MPIDR affinity (the model follows
// each vCPU's MPIDR_EL1 through INIT and ONE_REG) and offsets from the
// frames' register maps (vgic_regs_map.cpp), SAVE_PENDING_TABLES,
// KVM_IRQ_LINE (CPU lines, SPIs, PPIs), guest loads and stores in the
// frames the first KVM_RUN put on the MMIO bus, the guest's ICC_*_EL1
// accesses, and KVM_RUN's frame checks and wake (KVM_EXIT_EXT_INTERRUPT)
// (devices/arm-vgic.rst, arm-vgic-v3.rst; GIC architecture;
// /work/notes/vgic-behaviour.md). Errnos are exact
// (vgic_v{2,3}_attr_regs_access()'s order; a GICv2 initialised on demand,
// with its allocation failing under injection). The model does not follow
// interrupt state: values are checked only where the documents fix them
// whatever the state, at once:
//   - a read of a register that does not exist (offset, width, alignment,
//     past the last interrupt, a v3 distributor's first 32 interrupts,
//     a guest-only register from userspace) is 0, and a write to it
//     changes nothing a read sees;
//   - identification registers read what the model's configuration says
//     (GICD_TYPER, GICD_IIDR with the revision userspace wrote, TYPER2,
//     GICR_CTLR/IIDR/TYPER, PIDR2, GICC_IIDR, ICC_SRE_EL1);
//   - unimplemented bits read 0 (STATUSR 4 bits, priorities 5, GICC_CTLR,
//     PMR, BPR, ICFGR's RES0 bits, IROUTER's upper word);
//   - a write is read back at once as written and masked as documented
//     (priorities 0xf8, ICFGR with the SGIs fixed edge, IGROUPR, IROUTER,
//     v3 userspace ISPENDR as the latch, userspace STATUSR, GICC_PMR as
//     5 bits from userspace, BPR clamps, ICC_CTLR's CBPR/EOImode), set
//     and clear pairs (ISENABLER/ICENABLER, ISACTIVER/ICACTIVER, the
//     guest's ISPENDR, SPENDSGIR/CPENDSGIR) by the bits written, a guest's
//     STATUSR write-one-to-clear, GICv2 IGROUPR from userspace ignored
//     until GICD_IIDR was written back; a refused write changes nothing;
//   - LEVEL_INFO reads back the levels written for level-sensitive
//     interrupts (ICFGR read through the other group), and after
//     KVM_IRQ_LINE the line's level (level-sensitive) or the latch (edge);
//   - KVM_RUN: a high CPU line wakes it; a wake with none means the GIC
//     has a pending interrupt a HPPIR read reports.

#include "vgic_regs.h"

#include "arm64_vcpu.h"
#include "vgic.h"
#include "vgic_regs_map.h"
#include "vm.h"

namespace spine {
namespace {

constexpr uint32_t kGicGrpDistRegs = 1, kGicGrpCpuRegs = 2, kGicGrpRedistRegs = 5,
                   kGicGrpSysregs = 6, kGicGrpLevelInfo = 7;
constexpr uint32_t kGicSpurious = 1023;

}  // namespace

// ----- the guest's side: the frames on the MMIO bus, the ICC registers

bool gic_mmio_target(const VmModel& v, uint64_t addr, unsigned len, GicTarget* t) {
  const GicModel& m = v.gic;
  if (!m.model || !m.mapped) return false;
  auto in = [addr, len](uint64_t base, uint64_t size) {
    return addr >= base && addr - base < size && len <= size - (addr - base);
  };
  if (m.model == kGicV2) {
    if (in(m.dist, 0x1000))
      *t = GicTarget{kFrameV2Dist, static_cast<uint32_t>(addr - m.dist), -1};
    else if (in(m.cpu, 0x2000))
      *t = GicTarget{kFrameV2Cpu, static_cast<uint32_t>(addr - m.cpu), -1};
    else
      return false;
    return true;
  }
  if (in(m.dist, 0x10000)) {
    *t = GicTarget{kFrameV3Dist, static_cast<uint32_t>(addr - m.dist), -1};
    return true;
  }
  for (uint32_t i = 0; i < v.vcpu_order.size(); i++) {
    const uint64_t base = gic_redist_base(m, i);
    if (base != kGicUndef && in(base, kGicRedistSize)) {
      *t = GicTarget{kFrameV3Redist, static_cast<uint32_t>(addr - base), static_cast<int>(i)};
      return true;
    }
  }
  return false;
}

// KVM_EXT_ACCESS_SYSREG on arm64: ICC registers of an initialised GICv3.
bool gic_icc_guest(const VmModel& v, uint64_t addr) {
  return (addr & ~0xffffull) == kSysregId && icc_guest_reg(addr & 0xffff) &&
         v.gic.model == kGicV3 && v.gic.initialized;
}

namespace {

// A guest load reaches the GIC frame at addr only when no memslot covers
// it: a read-only slot over a frame takes the loads and leaves the stores
// to the GIC, so such a store cannot be read back by the guest.
bool guest_reads_gic(const VmModel& v, uint64_t addr, unsigned len) {
  kx_guest_access acc = {KX_ACCESS_MEM, 0, addr, len, 0, 0};
  return plan_access(v, acc).result == KX_ACCESS_RESULT_KERNEL;
}

uint64_t guest_raw(const VcpuFd& c, unsigned kind, uint64_t addr, unsigned len) {
  kx_guest_access acc = {kind, 0, addr, len, 0, 0};
  kx_exit exit = {};
  const int r = kx_vcpu_guest_access(c.h, &acc, &exit);
  CHECK(r == 0 && acc.result == KX_ACCESS_RESULT_KERNEL && !exit.set,
        "GIC read at %#llx len %u: %d result %u", (ULL)addr, len, r, acc.result);
  return acc.data;
}

}  // namespace

GicPre gic_guest_pre(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr,
                     unsigned len) {
  GicPre p = {};
  const VmModel& v = g->vms[c.vm];
  if (kind == KX_ACCESS_SYSREG) {
    const uint32_t enc = addr & 0xffff;
    if (enc == kIccCtlr || enc == kIccBpr1) p.ctlr = guest_raw(c, kind, kSysregId | kIccCtlr, 8);
    if (enc == kIccBpr1) p.before = guest_raw(c, kind, addr, 8);
    return p;
  }
  const GicCtx x = gic_ctx(v, t.cpu >= 0 ? t.cpu : vcpu_index(v, c.id), false);
  if (!guest_reads_gic(v, addr, len)) return p;
  const Expect e = gic_write_expect(x, t.frame, t.off, len, 0);
  if (e.kind == Expect::kUnchanged || e.kind == Expect::kW1C)
    p.before = guest_raw(c, kind, addr, len);
  return p;
}

// An in-kernel access done: what it read, or what reading it back gives.
void gic_guest_post(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr, bool write,
                    unsigned len, uint64_t data, uint64_t got, const GicPre& pre) {
  const VmModel& v = g->vms[c.vm];
  const uint32_t nr = v.gic.nr_irqs();
  auto intid_ok = [nr](uint64_t x) { return x == kGicSpurious || x < nr; };
  if (kind == KX_ACCESS_SYSREG) {
    const uint32_t enc = addr & 0xffff;
    if (!write) {
      if (enc == kIccIar0 || enc == kIccIar1 || enc == kIccHppir0 || enc == kIccHppir1)
        CHECK(intid_ok(got), "ICC %#x reads %#llx: not an INTID of %u", enc, (ULL)got, nr);
      if (enc == kIccRpr)
        CHECK(got == 0xff || (got % 8 == 0 && got <= 0xf8), "ICC_RPR_EL1 reads %#llx", (ULL)got);
      gic_check(icc_read_expect(enc), got, 0, "guest ICC %#x", enc);
      return;
    }
    const Expect e = icc_write_expect(enc, data, pre.ctlr, false);
    if (e.kind == Expect::kNone) return;
    gic_check(e, guest_raw(c, kind, addr, 8), pre.before, "guest ICC %#x after writing %#llx", enc,
              (ULL)data);
    return;
  }
  const GicCtx x = gic_ctx(v, t.cpu >= 0 ? t.cpu : vcpu_index(v, c.id), false);
  if (!write) {
    if (t.frame == kFrameV2Cpu && len == 4 &&
        (t.off == 0x0c || t.off == 0x20 || t.off == 0x18 || t.off == 0x28))
      CHECK(intid_ok(got & 0x3ff) && got >> 13 == 0, "GICC %#x reads %#llx", t.off, (ULL)got);
    gic_check(gic_read_expect(x, t.frame, t.off, len), got, 0, "guest %s+%#x len %u",
              kFrameNames[t.frame], t.off, len);
    return;
  }
  const Expect e = gic_write_expect(x, t.frame, t.off, len, data);
  if (e.kind == Expect::kNone || !guest_reads_gic(v, addr, len)) return;
  gic_check(e, guest_raw(c, kind, addr, len), pre.before, "guest %s+%#x len %u after writing %#llx",
            kFrameNames[t.frame], t.off, len, (ULL)data);
}

// ----- userspace: the register groups

bool gic_reg_group(uint32_t g) {
  return g == kGicGrpDistRegs || g == kGicGrpCpuRegs || g == kGicGrpRedistRegs ||
         g == kGicGrpSysregs || g == kGicGrpLevelInfo;
}

namespace {

bool gic_has_group(unsigned model, uint32_t g) {
  if (g == kGicGrpCpuRegs) return model == kGicV2;
  if (g == kGicGrpRedistRegs || g == kGicGrpSysregs || g == kGicGrpLevelInfo)
    return model == kGicV3;
  return true;
}

int gic_frame_of(unsigned model, uint32_t g) {
  if (g == kGicGrpDistRegs) return model == kGicV3 ? kFrameV3Dist : kFrameV2Dist;
  return g == kGicGrpCpuRegs ? kFrameV2Cpu : kFrameV3Redist;
}

// The vCPU an attribute names, as its index in creation order, or -1: v2
// by index (bits 39:32), v3 by MPIDR affinity (63:32), v3 DIST_REGS vCPU 0.
int gic_attr_vcpu(const VmModel& v, uint32_t group, uint64_t attr) {
  const int n = static_cast<int>(v.vcpu_order.size());
  if (v.gic.model == kGicV2) {
    const int index = static_cast<int>((attr >> 32) & 0xff);
    return index < n ? index : -1;
  }
  if (group == kGicGrpDistRegs) return n ? 0 : -1;
  return vcpu_by_mpidr(v, attr_to_mpidr(attr >> 32));
}

int gic_has_reg(const VmModel& v, const kx_attr& a) {
  const unsigned model = v.gic.model;
  const uint32_t off = static_cast<uint32_t>(a.attr);
  if (a.group == kGicGrpLevelInfo) return model == kGicV3 && off >> 10 == 0 ? 0 : -ENXIO;
  if (!gic_has_group(model, a.group)) return -ENXIO;
  if (gic_attr_vcpu(v, a.group, a.attr) < 0) return -EINVAL;
  if (a.group == kGicGrpSysregs) return icc_user_reg(off & 0xffff) ? 0 : -ENXIO;
  const GicRow* r =
      off % 4 ? nullptr : gic_lookup(gic_frame_of(model, a.group), off, 4, v.gic.nr_irqs());
  return r && r->user ? 0 : -ENXIO;
}

// A SET's errno once the vCPU is found and the GIC initialised.
int gic_user_write_err(const GicModel& m, int frame, uint32_t off, uint32_t val) {
  const GicRow* r = off % 4 ? nullptr : gic_lookup(frame, off, 4, m.nr_irqs());
  if (!r || !r->user) return 0;
  if ((frame == kFrameV3Dist || frame == kFrameV2Dist) && off == 0x8) {
    // GICD_IIDR: only the revision may change, to one KVM implements.
    if ((val ^ gic_iidr(m.rev)) & ~0xf000u) return -EINVAL;
    const uint32_t rev = (val >> 12) & 0xf;
    return rev == 2 || rev == 3 ? 0 : -EINVAL;
  }
  if (frame == kFrameV3Dist && off == 0xc && val) return -EINVAL;  // TYPER2 as it reads
  return 0;
}

int level_info_err(uint32_t off) {
  if (off >> 10) return -EINVAL;  // only KVM_DEV_ARM_VGIC_LINE_LEVEL
  return off % 32 ? -EINVAL : 0;
}

// One GET through a VGIC device fd, at an aligned struct: the return
// value, and the value read.
int gic_uget(const DevFd& d, uint32_t group, uint64_t attr, uint64_t* out) {
  kx_attr* a = reinterpret_cast<kx_attr*>(g_user);
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, 0, 16);
  *a = kx_attr{};
  a->group = group;
  a->attr = attr;
  a->addr = reinterpret_cast<uint64_t>(payload);
  const int r = kx_device_attr(d.h, KX_ATTR_GET, reinterpret_cast<uint64_t>(a));
  *out = 0;
  memcpy(out, payload, group == kGicGrpSysregs ? 8 : 4);
  return r;
}

uint64_t gic_uget_ok(const DevFd& d, uint32_t group, uint64_t attr) {
  uint64_t v;
  const int r = gic_uget(d, group, attr, &v);
  CHECK(r == 0, "VGIC GET group %u attr %#llx returned %d", group, (ULL)attr, r);
  return v;
}

// Which of the 32 interrupts from `intid` are level-sensitive, read from
// GICD/GICR_ICFGR (`hi`: the attribute's vCPU bits).
uint32_t gic_level_sensitive(const DevFd& d, uint64_t hi, uint32_t intid) {
  uint64_t w[2];
  for (int i = 0; i < 2; i++) {
    w[i] = intid < 32 ? gic_uget_ok(d, kGicGrpRedistRegs, hi << 32 | (0x10c00 + 4 * i))
                      : gic_uget_ok(d, kGicGrpDistRegs, hi << 32 | (0xc00 + intid / 4 + 4 * i));
  }
  uint32_t level = 0;
  for (uint32_t i = 0; i < 32; i++) {
    if (!(w[i / 16] >> (2 * (i % 16) + 1) & 1)) level |= 1u << i;
  }
  return level;
}

// LEVEL_INFO's interrupts that exist: not SGIs, not past the last.
uint32_t level_info_valid(uint32_t intid, uint32_t nr_irqs) {
  uint32_t valid = 0;
  for (uint32_t i = 0; i < 32; i++) {
    if (intid + i >= 16 && intid + i < nr_irqs) valid |= 1u << i;
  }
  return valid;
}

}  // namespace

// KVM_{SET,GET,HAS}_DEVICE_ATTR of a register group, against the model
// (vgic_v{2,3}_attr_regs_access(): the value, the vCPU, every vCPU locked,
// initialised; then the register), then read back.
void gic_reg_attr(DevFd& d, int op, AttrSpec s, uint64_t value) {
  VmModel& v = g->vms[d.vm];
  GicModel& m = v.gic;
  const uint32_t group = s.a.group;
  const bool sysreg = group == kGicGrpSysregs, level = group == kGicGrpLevelInfo;
  const size_t width = sysreg ? 8 : 4;
  const uint32_t off = static_cast<uint32_t>(s.a.attr);
  const uint64_t hi = s.a.attr >> 32;
  const uint64_t val = sysreg ? value : static_cast<uint32_t>(value);
  const int frame = gic_frame_of(m.model, group);
  int want = 0, self = -1, get_err = 0;
  bool inits = false, reached = false;
  if (s.uattr_faults) {
    want = -EFAULT;
  } else if (op == KX_ATTR_HAS) {
    want = gic_has_reg(v, s.a);
  } else if (!gic_has_group(m.model, group)) {
    want = -ENXIO;
  } else if ((self = gic_attr_vcpu(v, group, s.a.attr)) < 0) {
    want = -EINVAL;  // vgic_v{2,3}_parse_attr() before the value is read
  } else if (op == KX_ATTR_SET && !sysreg && s.payload_faults) {
    want = -EFAULT;
  } else if (m.model == kGicV3 && !m.initialized) {
    want = -EBUSY;
  } else if (op == KX_ATTR_SET && sysreg && s.payload_faults) {
    want = -EFAULT;  // kvm_sys_reg_set_user() reads it last
  } else {
    reached = true;
    inits = !m.initialized;  // a GICv2 initialises itself on demand
    get_err = sysreg ? icc_user_err(off & 0xffff, false, 0) : level ? level_info_err(off) : 0;
    uint32_t pri_bits = 5;
    if (op == KX_ATTR_SET && sysreg && (off & 0xffff) == kIccCtlr) {
      pri_bits =
          static_cast<uint32_t>((gic_uget_ok(d, kGicGrpSysregs, hi << 32 | kIccCtlr) >> 8) & 7) + 1;
      // gic_uget_ok() used g_user: the call's struct and payload again.
      place_uattr(s, 0);
      memset(g_user + kPayloadOffset, kPayloadFill, 16);
      memcpy(g_user + kPayloadOffset, &value, sizeof(value));
    }
    want = op == KX_ATTR_GET ? get_err
           : sysreg          ? icc_user_err(off & 0xffff, true, val, pri_bits)
           : level           ? level_info_err(off)
                             : gic_user_write_err(m, frame, off, static_cast<uint32_t>(val));
    if (want == 0 && op == KX_ATTR_GET && s.payload_faults) want = -EFAULT;
  }
  // A write's read-back may need what the register and ICC_CTLR_EL1 held
  // before (never under allocation failure: the write is the one tried).
  bool have_before = false;
  uint64_t before = 0, ctlr = 0;
  if (reached && op == KX_ATTR_SET && !inits && !g->inject && get_err == 0) {
    have_before = gic_uget(d, group, s.a.attr, &before) == 0;
    CHECK(have_before, "VGIC GET group %u attr %#llx before a SET failed", group, (ULL)s.a.attr);
    if (sysreg && (off & 0xffff) == kIccBpr1)
      ctlr = gic_uget_ok(d, kGicGrpSysregs, hi << 32 | kIccCtlr);
    // gic_uget() used g_user: the call's struct and payload again.
    place_uattr(s, 0);
    if (!s.payload_faults) {
      memset(g_user + kPayloadOffset, kPayloadFill, 16);
      memcpy(g_user + kPayloadOffset, &value, sizeof(value));
    }
  }
  const int r = kx_device_attr(d.h, static_cast<kx_attr_op>(op), s.uattr);
  host::fail_allocation_after(-1);
  trace("  -> %d (model %d)%s", r, want, inits ? " (initialises the GICv2)" : "");
  expect_ret("kx_device_attr (VGIC registers)", r, want, inits && g->inject);
  uint8_t* payload = g_user + kPayloadOffset;
  if (!s.payload_faults) {
    uint8_t expect[16];
    memset(expect, kPayloadFill, sizeof(expect));
    memcpy(expect, &value, sizeof(value));
    if (r == 0 && op == KX_ATTR_GET) memcpy(expect, payload, width);
    CHECK(memcmp(payload, expect, sizeof(expect)) == 0,
          "VGIC %s group %u attr %#llx (%d) wrote past its %zu bytes", op_name(op), group,
          (ULL)s.a.attr, r, width);
  }
  if (r == -ENOMEM && want != -ENOMEM) return;  // the GICv2's initialisation failed
  if (inits) gic_init_model(m);
  if (!reached) return;
  uint64_t got = 0;
  memcpy(&got, payload, width);
  if (op == KX_ATTR_GET) {
    const GicCtx x = gic_ctx(v, self, true);
    if (r != 0) return;
    if (sysreg) {
      gic_check(icc_read_expect(off & 0xffff), got, 0, "CPU_SYSREGS %#x", off & 0xffff);
    } else if (level) {
      gic_check(only(level_info_valid(off & 0x3ff, m.nr_irqs()), 4), got, 0, "LEVEL_INFO vINTID %u",
                off & 0x3ff);
    } else {
      gic_check(gic_read_expect(x, frame, off, 4), got, 0, "%s+%#x (userspace)", kFrameNames[frame],
                off);
    }
    return;
  }
  if (get_err) return;  // nothing to read back
  if (r == 0 && !sysreg && !level && (frame == kFrameV3Dist || frame == kFrameV2Dist) &&
      off == 0x8) {
    m.rev = (val >> 12) & 0xf;
    if (m.model == kGicV2) m.v2_groups = true;
  }
  uint64_t after;
  const int ra = gic_uget(d, group, s.a.attr, &after);
  CHECK(ra == 0, "VGIC GET group %u attr %#llx after a SET returned %d", group, (ULL)s.a.attr, ra);
  if (r != 0) {
    if (have_before)
      CHECK(after == before, "refused VGIC SET group %u attr %#llx (%d) changed it: %#llx -> %#llx",
            group, (ULL)s.a.attr, r, (ULL)before, (ULL)after);
    return;
  }
  Expect e;
  if (sysreg) {
    e = icc_write_expect(off & 0xffff, val, ctlr, true);
  } else if (level) {
    const uint32_t intid = off & 0x3ff;
    const uint32_t valid = level_info_valid(intid, m.nr_irqs());
    e = exact(val & valid & (valid ? gic_level_sensitive(d, hi, intid) : 0), 4);
  } else {
    e = gic_write_expect(gic_ctx(v, self, true), frame, off, 4, val);
  }
  if (e.kind == Expect::kUnchanged && !have_before) return;
  gic_check(e, after, before, "group %u attr %#llx after SET %#llx", group, (ULL)s.a.attr,
            (ULL)val);
}

// ----- the operations, and their selectors

namespace {

int pick_vgic_dev(uint8_t b) {
  int idx[kMaxDevFds], n = 0;
  for (int i = 0; i < kMaxDevFds; i++) {
    if (g->devs[i].open && g->devs[i].vgic) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

const DevFd* vgic_dev_of_vm(int vi) {
  for (const DevFd& d : g->devs) {
    if (d.open && d.vgic && d.vm == vi) return &d;
  }
  return nullptr;
}

// Bits 63:32 of a register attribute: v2 a vCPU index (one past the last
// now and then, junk above bit 39), v3 an existing vCPU's MPIDR affinity,
// the reset affinity of a vCPU id that does not exist, or anything.
uint64_t gic_vcpu_attr_sel(Input& in, const VmModel* v) {
  const uint8_t b = in.u8();
  const uint32_t n = v ? static_cast<uint32_t>(v->vcpu_order.size()) : 0;
  const uint32_t k = b >> 3;
  if (!v || v->gic.model == kGicV2) {
    switch (b % 8) {
      case 6:
        return n;
      case 7:
        return in.u32();
      default:
        return n ? k % n : 0;
    }
  }
  switch (b % 8) {
    case 5: {
      const uint32_t id = n + k;
      return mpidr_to_attr((id & 0xf) | ((id >> 4) & 0xff) << 8 | ((id >> 12) & 0xffull) << 16);
    }
    case 6:
      return in.u32();
    case 7:
      return 0;
    default:
      return n ? mpidr_to_attr(vcpu_mpidr(*v, v->vcpu_order[k % n])) : 0;
  }
}

// An offset in a frame, and a width for the guest: mostly a register the
// frame has, for an interrupt that exists (or the first past the last),
// at its natural width; now and then misaligned, another width, the
// identification registers, or anything.
uint32_t gic_offset_sel(Input& in, int frame, uint32_t nr_irqs, unsigned* len) {
  const uint8_t b = in.u8();
  const uint16_t k = in.u16();
  size_t n;
  const GicRow* rows = gic_rows(frame, &n);
  const GicRow& r = rows[(b >> 3) % n];
  unsigned w = r.widths & kWd4 ? 4 : r.widths & kWd8 ? 8 : 1;
  if ((r.widths & kWd1) && (k & 0x8000)) w = 1;
  if ((r.widths & kWd8) && (k & 0x8000)) w = 8;
  uint32_t span = r.len;
  if (r.bpi) span = std::min<uint32_t>(r.len, nr_irqs * r.bpi / 8 + w);
  uint32_t off = r.off + (k % std::max<uint32_t>(span / w, 1)) * w;
  switch (b % 8) {
    case 5:
      off += 1 + (k >> 14 & 1);  // misaligned
      break;
    case 6: {
      static const uint32_t kSpecial[] = {0x8, 0xc, 0x4, 0xffe8, 0xfffc, 0x10000, 0x1fffc, 0x1000};
      off = kSpecial[k % 8];
      break;
    }
    case 7:
      off = b & 0x80 ? in.u32() : k;
      break;
    default:
      break;
  }
  if (len) {
    static const unsigned kLens[] = {2, 3, 16, 0};
    *len = (b % 8 == 4 && (k & 0x4000)) ? kLens[k >> 12 & 3] : w;
  }
  return off;
}

const uint64_t kGicValues[] = {
    0x4b00343b, 0x4b00243b, 0x4b00143b, 0x4b00443b, 0x4b00343a, 0x8400,     0x8403,     0x8500,
    0x0400,     0xc400,     0x8c00,     7,          6,          1,          2,          3,
    0xf8,       0xff,       0x1f,       0x80,       0xaaaaaaaa, 0x55555555, 0xffff0000, 0xffff,
    0x80808080, 0xf,        0x10,       0x21f,      0x200,      0x10001,    0x80000000, 0x12345678,
};

// A register value: input bytes, a value the documents single out, 0,
// ones, one bit; or a payload that faults.
uint64_t gic_value_sel(Input& in, bool* faults) {
  const uint8_t b = in.u8();
  *faults = false;
  switch (b % 8) {
    case 0:
    case 1:
      return in.u32();
    case 2:
    case 3:
      return kGicValues[(b >> 3) % 32];
    case 4:
      return b & 0x80 ? ~0ull : 0;
    case 5:
      return in.u64();
    case 6:
      return 1ull << ((b >> 3) % 32);
    default:
      *faults = true;
      return 0;
  }
}

const uint64_t kBadPayloads[] = {0, host::kUserTop, ~0ull, 8};

// KVM_{SET,GET,HAS}_DEVICE_ATTR of the register groups with attributes
// worth asking: the model's groups (sometimes the other model's), a vCPU
// that exists, a register the frame has, an ICC register, a LEVEL_INFO
// block.
}  // namespace

void op_gic_regs(Input& in) {
  const int di = pick_vgic_dev(in.u8());
  const uint8_t ob = in.u8();
  const int op = ob % 3;
  const uint8_t gb = in.u8();
  DevFd* d = di >= 0 ? &g->devs[di] : nullptr;
  const VmModel* v = d ? &g->vms[d->vm] : nullptr;
  const unsigned model = v ? v->gic.model : kGicV3;
  static const uint32_t kV2Groups[] = {1, 1, 1, 2, 2, 2, 1, 2};
  static const uint32_t kV3Groups[] = {1, 1, 5, 5, 6, 6, 7, 7};
  static const uint32_t kAll[] = {1, 2, 5, 6, 7};
  const uint32_t group =
      gb >= 0xe0 ? kAll[gb % 5] : (model == kGicV2 ? kV2Groups : kV3Groups)[gb % 8];
  const uint64_t hi = gic_vcpu_attr_sel(in, v);
  const uint32_t nr = v ? v->gic.nr_irqs() : 256;
  uint32_t lo;
  if (group == kGicGrpSysregs) {
    const uint8_t rb = in.u8();
    lo = rb < 0xd0   ? kIccRegs[rb % kNumIccRegs]
         : rb < 0xf0 ? kIccRegs[rb % kNumIccRegs] | static_cast<uint32_t>(in.u16()) << 16
                     : in.u16();
  } else if (group == kGicGrpLevelInfo) {
    const uint8_t lb = in.u8();
    lo = lb < 0xc0   ? 32 * ((lb >> 1) % (nr / 32 + 2))
         : lb < 0xe0 ? 32 * (lb % 4) + 1 + lb % 31
         : lb < 0xf0 ? (1u + lb % 4) << 10
                     : in.u32();
  } else {
    lo = gic_offset_sel(in, gic_frame_of(model, group), nr, nullptr);
  }
  bool faults;
  const uint64_t value = gic_value_sel(in, &faults);
  AttrSpec s = {};
  s.a.group = group;
  s.a.attr = hi << 32 | lo;
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, kPayloadFill, 16);
  if (faults) {
    s.a.addr = kBadPayloads[(ob >> 3) % 4];
    s.payload_faults = true;
  } else {
    s.a.addr = reinterpret_cast<uint64_t>(payload);
    memcpy(payload, &value, sizeof(value));
  }
  place_uattr(s, ob & 0x80 ? ob >> 2 : (ob >> 2) & 0x38);
  trace("gic_regs dev %d %s group %u attr %#llx value %#llx%s%s", di, op_name(op), group,
        (ULL)s.a.attr, (ULL)value, faults ? " (payload faults)" : "",
        s.uattr_faults ? " (uattr faults)" : "");
  if (!d) return;
  gic_reg_attr(*d, op, s, value);
}

// Guest loads and stores in the GIC's frames: the distributor, the
// vCPU's own CPU interface or redistributor (RD or SGI frame), another
// vCPU's redistributor. The first KVM_RUN (immediate_exit) puts the
// frames on the bus when they are not yet.
void op_gic_mmio(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t fb = in.u8();
  const uint8_t kb = in.u8();
  const VcpuFd* c = ci >= 0 ? &g->vcpus[ci] : nullptr;
  const VmModel* v = c ? &g->vms[c->vm] : nullptr;
  const unsigned model = v && v->gic.model ? v->gic.model : kGicV3;
  const GicModel* m = v ? &v->gic : nullptr;
  int frame;
  uint64_t base;
  const uint64_t dist = m && m->dist != kGicUndef ? m->dist : 0x8000000;
  if (model == kGicV2) {
    frame = fb & 4 ? kFrameV2Cpu : kFrameV2Dist;
    base = frame == kFrameV2Dist ? dist : m && m->cpu != kGicUndef ? m->cpu : 0x8010000;
  } else if ((fb >> 2) % 4 == 0) {
    frame = kFrameV3Dist;
    base = dist;
  } else {
    frame = kFrameV3Redist;
    const int self = v && c ? vcpu_index(*v, c->id) : 0;
    const uint32_t n = v ? static_cast<uint32_t>(v->vcpu_order.size()) : 1;
    const uint32_t idx =
        (fb >> 2) % 4 == 3 && n ? kb % n : static_cast<uint32_t>(std::max(self, 0));
    base = m ? gic_redist_base(*m, idx) : kGicUndef;
    if (base == kGicUndef) base = 0x80a0000 + idx * kGicRedistSize;
  }
  unsigned len;
  const uint32_t off = gic_offset_sel(in, frame, m ? m->nr_irqs() : 256, &len);
  const uint8_t db = in.u8();
  const uint64_t data = db & 1 ? in.u64() : kGicValues[(db >> 1) % 32];
  const bool write = fb & 1;
  trace("gic_mmio vcpu %d %s %s+%#x len %u data %#llx%s", ci, write ? "store" : "load",
        kFrameNames[frame], off, len, (ULL)data, fb & 2 ? " (run first)" : "");
  if (!c) return;
  if ((fb & 2) && m->model && !m->mapped) run_vcpu(*c, 0);
  guest_access(*c, KX_ACCESS_MEM, write ? KX_ACCESS_WRITE : 0, base + off, len, data,
               "kx_vcpu_guest_access (GIC)");
}

namespace {

const uint64_t kIccValues[] = {
    0,
    1,
    2,
    3,
    0xff,
    0xf8,
    0x80,
    7,
    0x8000,
    0x8003,
    1ull << 40 | 1 << 24,
    0xffff | 3u << 24,
    0x1ffff,
    1023,
    40,
    ~0ull,
};

}  // namespace

// The guest's ICC_*_EL1 accesses: mostly the 26 registers, sometimes an
// encoding nearby, another id space, or anything.
void op_gic_sysreg(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t rb = in.u8();
  const uint8_t fb = in.u8();
  uint64_t addr;
  if (rb < 0xd0)
    addr = kSysregId | kIccRegs[rb % kNumIccRegs];
  else if (rb < 0xe8)
    addr = kSysregId | (kIccRegs[rb % kNumIccRegs] ^ (1u << (rb % 16)));
  else if (rb < 0xf8)
    addr = (kSysregId ^ (1ull << (32 + rb % 32))) | kIccRegs[rb % kNumIccRegs];
  else
    addr = in.u64();
  const uint64_t data = fb & 2 ? in.u64() : kIccValues[(fb >> 2) % 16];
  const unsigned flags = fb & 0x80 && fb & 0x40 ? fb : fb & KX_ACCESS_WRITE;
  trace("gic_sysreg vcpu %d %s %#llx data %#llx", ci, flags & KX_ACCESS_WRITE ? "write" : "read",
        (ULL)addr, (ULL)data);
  if (ci < 0) return;
  guest_access(g->vcpus[ci], KX_ACCESS_SYSREG, flags, addr, 8, data, "kx_vcpu_guest_access (ICC)");
}

// KVM_IRQ_LINE (kvm_vm_ioctl_irq_line(), KVM_CAP_ARM_IRQ_LINE_LAYOUT_2):
// irq = vcpu2_index << 28 | type << 24 | vcpu_index << 16 | number.
void op_irq_line(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t tb = in.u8();
  const uint8_t vb = in.u8();
  const uint8_t nb = in.u8();
  const uint8_t lb = in.u8();
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const uint32_t n = v ? static_cast<uint32_t>(v->vcpu_order.size()) : 1;
  const uint32_t nr = v ? v->gic.nr_irqs() : 256;
  static const uint32_t kTypes[] = {1, 1, 2, 2, 0, 1, 2, 3};
  const uint32_t type = tb < 0xf0 ? kTypes[tb % 8] : tb & 0xf;
  uint32_t idx = vb < 0xf0 ? vb % (n + 1) : (vb & 0xf) << 8 | in.u8();
  uint32_t num;
  if (nb >= 0xf0) {
    static const uint32_t kNums[] = {0, 15, 16, 31, 32, 1019, 1020, 0xffff};
    num = nb & 8 ? kNums[nb % 8] : nr - 1 + nb % 2;
  } else if (type == 1) {
    num = 32 + nb % (nr - 32 + 1);
  } else if (type == 2) {
    num = 16 + nb % 16;
  } else {
    num = nb % 3;
  }
  uint32_t irq = (idx >> 8 & 0xf) << 28 | type << 24 | (idx & 0xff) << 16 | num;
  if (tb == 0xff) {
    irq = in.u32();
    idx = ((irq >> 16) & 0xff) + ((irq >> 28) & 0xf) * 256;
    num = irq & 0xffff;
  }
  const uint32_t level = lb < 0xc0 ? lb & 1 : lb;
  const uint32_t t = (irq >> 24) & 0xf;
  trace("irq_line vm %d irq %#x (type %u vcpu %u num %u) level %u", vi, irq, t, idx, num, level);
  if (!v) return;
  if (v->p == KX_PPC) {
    // ppc has the ioctl; without an in-kernel XICS/XIVE it is -ENXIO.
    const int r = kx_vm_irq_line(v->h, irq, level);
    expect_ret("kx_vm_irq_line (ppc)", r, -ENXIO, false);
    return;
  }
  if (v->p != KX_ARM64) {
    trace("  (no KVM_IRQ_LINE on this personality: the core refuses it)");
    return;
  }
  GicModel& m = v->gic;
  int want = 0;
  bool inits = false;
  switch (t) {
    case 0:
      if (m.model)
        want = -ENXIO;
      else if (idx >= n || num > 1)
        want = -EINVAL;
      break;
    case 1:
    case 2:
      // kvm_vm_ioctl_irq_line(): the vCPU and the number's kind before the
      // GIC's state (vgic_lazy_init()), the GIC's size after.
      if (!m.model) {
        want = -ENXIO;
      } else if (t == 2 && idx >= n) {
        want = -EINVAL;
      } else if (t == 2 ? num < 16 || num >= 32 : num < 32) {
        want = -EINVAL;
      } else if (!m.initialized && m.model == kGicV3) {
        want = -EBUSY;
      } else {
        inits = !m.initialized;  // vgic_lazy_init()
        const uint32_t nr_after = inits && !m.nr_spis ? 256 : m.nr_irqs();
        if (t == 1 && num >= nr_after) want = -EINVAL;
      }
      break;
    default:
      want = -EINVAL;
  }
  const int r = kx_vm_irq_line(v->h, irq, level);
  host::fail_allocation_after(-1);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_irq_line", r, want, inits && g->inject);
  if (r == -ENOMEM && want != -ENOMEM) return;
  if (inits) gic_init_model(m);
  if (r != 0) return;
  if (t == 0) {
    uint32_t& lines = v->cpu_lines[v->vcpu_order[idx]];
    lines = level ? lines | 1u << num : lines & ~(1u << num);
    return;
  }
  // A line a timer or the PMU owns ignores userspace (vgic_validate_injection()).
  const int64_t line_owner = t == 2 ? static_cast<int64_t>(v->vcpu_order[idx]) : -1;
  if (v->owners.count({line_owner, num})) return;
  // What the GIC now says of the interrupt, through userspace.
  const DevFd* d = vgic_dev_of_vm(vi);
  if (!d || v->vcpu_order.empty()) return;
  const int owner = t == 2 ? static_cast<int>(idx) : 0;
  const uint64_t aff = vcpu_mpidr(*v, v->vcpu_order[owner]);
  if (vcpu_by_mpidr(*v, aff) != owner) return;  // another vCPU has its affinity
  const uint64_t hi = m.model == kGicV2 ? static_cast<uint64_t>(owner) : mpidr_to_attr(aff);
  const uint32_t block = num & ~31u, bit = 1u << (num % 32);
  if (m.model == kGicV2) {
    // GICD_ISPENDR reads the pending state: a high line or a latched edge.
    const uint64_t pend = gic_uget_ok(*d, kGicGrpDistRegs, hi << 32 | (0x200 + block / 8));
    if (level) CHECK(pend & bit, "after KVM_IRQ_LINE %u high, GICD_ISPENDR %#llx", num, (ULL)pend);
    return;
  }
  const bool lvl = gic_level_sensitive(*d, hi, block) & bit;
  if (lvl) {
    const uint64_t li = gic_uget_ok(*d, kGicGrpLevelInfo, hi << 32 | block);
    CHECK(!!(li & bit) == !!level, "after KVM_IRQ_LINE %u level %u, LEVEL_INFO %#llx", num, level,
          (ULL)li);
  } else if (level) {
    const uint64_t latch = gic_uget_ok(*d, num < 32 ? kGicGrpRedistRegs : kGicGrpDistRegs,
                                       hi << 32 | (num < 32 ? 0x10200 : 0x200 + block / 8));
    CHECK(latch & bit, "after KVM_IRQ_LINE %u (edge) high, ISPENDR latch %#llx", num, (ULL)latch);
  }
}

void gic_check_woken(const VcpuFd& c) {
  const VmModel& v = g->vms[c.vm];
  if (v.gic.model == kGicV3) {
    const uint64_t h0 = guest_raw(c, KX_ACCESS_SYSREG, kSysregId | kIccHppir0, 8);
    const uint64_t h1 = guest_raw(c, KX_ACCESS_SYSREG, kSysregId | kIccHppir1, 8);
    CHECK(h0 != kGicSpurious || h1 != kGicSpurious,
          "KVM_RUN woke for an interrupt, but ICC_HPPIR0/1_EL1 read 1023");
    return;
  }
  if (!guest_reads_gic(v, v.gic.cpu + 0x18, 4)) return;  // RAM over the frame
  const uint64_t h = guest_raw(c, KX_ACCESS_MEM, v.gic.cpu + 0x18, 4);
  CHECK((h & 0x3ff) != kGicSpurious, "KVM_RUN woke for an interrupt, but GICC_HPPIR reads %#llx",
        (ULL)h);
}

void audit_gic_regs(const DevFd& d) {
  const VmModel& v = g->vms[d.vm];
  const GicModel& m = v.gic;
  if (!m.initialized || v.vcpu_order.empty()) return;
  const int frame = m.model == kGicV3 ? kFrameV3Dist : kFrameV2Dist;
  const GicCtx x = gic_ctx(v, 0, true);
  const uint64_t hi = m.model == kGicV3 ? mpidr_to_attr(vcpu_mpidr(v, v.vcpu_order[0])) : 0;
  for (uint32_t off : {0x4u, 0x8u}) {
    gic_check(gic_read_expect(x, frame, off, 4), gic_uget_ok(d, kGicGrpDistRegs, hi << 32 | off), 0,
              "audit: %s+%#x", kFrameNames[frame], off);
  }
}

}  // namespace spine
