// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's register map of the GIC's frames (the GIC
// architecture's, as KVM has it) and of the ICC system registers, and what
// a read must give where the documents fix it whatever the interrupt state
// (the list is vgic_regs.cpp's).

#include "vgic_regs_map.h"

#include "vgic.h"

namespace spine {
namespace {

constexpr GicRow irq_row(uint32_t off, uint8_t bpi, uint8_t widths, bool spi) {
  return {off, bpi * 1024u / 8, bpi, widths, true, spi};
}
constexpr GicRow sgi_row(uint32_t off, uint8_t bpi, uint8_t widths) {
  return {0x10000 + off, bpi * 32u / 8, bpi, widths, true, false};
}
constexpr GicRow reg_row(uint32_t off, uint32_t len, uint8_t widths = kWd4, bool user = true) {
  return {off, len, 0, widths, user, false};
}

const GicRow kV3DistRows[] = {
    reg_row(0x0000, 16),  // CTLR, TYPER, IIDR, TYPER2
    reg_row(0x0010, 4),   // STATUSR
    irq_row(0x0080, 1, kWd4, true),
    irq_row(0x0100, 1, kWd4, true),
    irq_row(0x0180, 1, kWd4, true),
    irq_row(0x0200, 1, kWd4, true),
    irq_row(0x0280, 1, kWd4, true),
    irq_row(0x0300, 1, kWd4, true),
    irq_row(0x0380, 1, kWd4, true),
    irq_row(0x0400, 8, kWd1 | kWd4, true),
    irq_row(0x0800, 8, kWd1 | kWd4, true),  // ITARGETSR: RAZ/WI
    irq_row(0x0c00, 2, kWd4, true),
    irq_row(0x0d00, 1, kWd4, true),
    irq_row(0x6000, 64, kWd4 | kWd8, true),  // IROUTER
    reg_row(0xffd0, 48),                     // ID registers
};
const GicRow kV3RedistRows[] = {
    reg_row(0x0000, 4),
    reg_row(0x0004, 4),
    reg_row(0x0008, 8, kWd4 | kWd8),
    reg_row(0x0010, 4),
    reg_row(0x0014, 4),
    reg_row(0x0070, 8, kWd4 | kWd8),
    reg_row(0x0078, 8, kWd4 | kWd8),
    reg_row(0x00a0, 8, kWd4 | kWd8),
    reg_row(0x00b0, 8, kWd4 | kWd8),
    reg_row(0x00c0, 4),
    reg_row(0xffd0, 48),
    sgi_row(0x0080, 1, kWd4),
    sgi_row(0x0100, 1, kWd4),
    sgi_row(0x0180, 1, kWd4),
    sgi_row(0x0200, 1, kWd4),
    sgi_row(0x0280, 1, kWd4),
    sgi_row(0x0300, 1, kWd4),
    sgi_row(0x0380, 1, kWd4),
    sgi_row(0x0400, 8, kWd1 | kWd4),
    sgi_row(0x0c00, 2, kWd4),
    sgi_row(0x0d00, 1, kWd4),
    reg_row(0x10e00, 4),
};
const GicRow kV2DistRows[] = {
    reg_row(0x000, 12),  // CTLR, TYPER, IIDR
    irq_row(0x080, 1, kWd4, false),
    irq_row(0x100, 1, kWd4, false),
    irq_row(0x180, 1, kWd4, false),
    irq_row(0x200, 1, kWd4, false),
    irq_row(0x280, 1, kWd4, false),
    irq_row(0x300, 1, kWd4, false),
    irq_row(0x380, 1, kWd4, false),
    irq_row(0x400, 8, kWd1 | kWd4, false),
    irq_row(0x800, 8, kWd1 | kWd4, false),
    irq_row(0xc00, 2, kWd4, false),
    reg_row(0xf00, 4),  // SGIR
    reg_row(0xf10, 16, kWd1 | kWd4),
    reg_row(0xf20, 16, kWd1 | kWd4),
};
const GicRow kV2CpuRows[] = {
    reg_row(0x00, 4),
    reg_row(0x04, 4),
    reg_row(0x08, 4),
    reg_row(0x0c, 4, kWd4, false),  // IAR
    reg_row(0x10, 4, kWd4, false),
    reg_row(0x14, 4, kWd4, false),
    reg_row(0x18, 4, kWd4, false),
    reg_row(0x1c, 4),  // ABPR
    reg_row(0x20, 4, kWd4, false),
    reg_row(0x24, 4, kWd4, false),
    reg_row(0x28, 4, kWd4, false),
    reg_row(0xd0, 16),                // APR0-3
    reg_row(0xe0, 16, kWd4, false),   // NSAPR0-3
    reg_row(0xfc, 4),                 // IIDR
    reg_row(0x1000, 4, kWd4, false),  // DIR
};

// vgic_mmio_vcpu_rdist_is_last(): redistributor `index` is the last one
// in use in its region, and when it fills the region, no region with a
// redistributor in use starts where it ends.
bool gic_rd_last(const VmModel& v, uint64_t index) {
  const uint64_t n = v.vcpu_order.size();
  uint64_t start = 0;
  for (const GicRegion& r : v.gic.regions) {
    const uint64_t end = r.count ? start + r.count : ~0ull;
    if (index >= end) {
      start = end;
      continue;
    }
    const uint64_t used = std::min(n, end) - start;  // the region's free_index
    if (index - start + 1 < used) return false;
    if (!r.count || index - start != r.count - 1u) return true;
    const uint64_t next = r.base + r.count * kGicRedistSize;
    uint64_t q_start = 0;
    for (const GicRegion& q : v.gic.regions) {
      if (q.base == next && n > q_start) return false;
      q_start += q.count;
    }
    return true;
  }
  return false;
}

uint64_t len_mask(unsigned len) { return len >= 8 ? ~0ull : (1ull << (8 * len)) - 1; }
uint64_t rep8(uint8_t b, unsigned len) {
  uint64_t v = 0;
  for (unsigned i = 0; i < len && i < 8; i++) v |= static_cast<uint64_t>(b) << (8 * i);
  return v;
}
Expect set_bits(uint64_t v) { return {Expect::kMasked, v, v}; }
Expect clr_bits(uint64_t v) { return {Expect::kMasked, v, 0}; }

constexpr uint32_t kGicrIidr = 0x4b00043b, kGiccIidr = 0x04b2043b;

uint32_t first_intid(const GicRow& r, uint32_t off) { return (off - r.off) * 8 / r.bpi; }

bool icc_apr(uint32_t enc) {
  return (enc >= kIccAp0r0 && enc <= kIccAp0r0 + 3) || (enc >= kIccAp1r0 && enc <= kIccAp1r0 + 3);
}

}  // namespace

const GicRow* gic_rows(int frame, size_t* n) {
  switch (frame) {
    case kFrameV3Dist:
      *n = sizeof(kV3DistRows) / sizeof(kV3DistRows[0]);
      return kV3DistRows;
    case kFrameV3Redist:
      *n = sizeof(kV3RedistRows) / sizeof(kV3RedistRows[0]);
      return kV3RedistRows;
    case kFrameV2Dist:
      *n = sizeof(kV2DistRows) / sizeof(kV2DistRows[0]);
      return kV2DistRows;
    default:
      *n = sizeof(kV2CpuRows) / sizeof(kV2CpuRows[0]);
      return kV2CpuRows;
  }
}

const GicRow* gic_lookup(int frame, uint32_t off, unsigned len, uint32_t nr_irqs) {
  size_t n;
  const GicRow* rows = gic_rows(frame, &n);
  for (size_t i = 0; i < n; i++) {
    const GicRow& r = rows[i];
    if (off < r.off || off >= r.off + r.len) continue;
    const uint8_t w = len == 1 ? kWd1 : len == 4 ? kWd4 : len == 8 ? kWd8 : 0;
    if (!(r.widths & w) || off % len) return nullptr;
    if (r.bpi && (off - r.off) * 8 / r.bpi >= nr_irqs) return nullptr;
    return &r;
  }
  return nullptr;
}

GicCtx gic_ctx(const VmModel& v, int self, bool user) {
  const GicModel& m = v.gic;
  GicCtx x = {m.model,     m.nr_irqs(), m.rev, static_cast<uint32_t>(v.vcpu_order.size()),
              m.v2_groups, user,        self,  0,
              0,           false};
  if (self >= 0 && static_cast<size_t>(self) < v.vcpu_order.size()) {
    x.self_id = v.vcpu_order[self];
    x.self_mpidr = vcpu_mpidr(v, x.self_id);
    x.self_last = m.model == KX_DEV_TYPE_ARM_VGIC_V3 && gic_rd_last(v, self);
  }
  return x;
}

Expect exact(uint64_t v, unsigned len) {
  return {Expect::kMasked, len_mask(len), v & len_mask(len)};
}
Expect only(uint64_t bits, unsigned len) { return {Expect::kMasked, len_mask(len) & ~bits, 0}; }

uint32_t gic_iidr(uint32_t rev) { return 0x4b000000u | rev << 12 | 0x43b; }

Expect gic_read_expect(const GicCtx& x, int frame, uint32_t off, unsigned len) {
  const GicRow* r = gic_lookup(frame, off, len, x.nr_irqs);
  if (!r || (x.user && !r->user)) return exact(0, len);
  if (r->spi && first_intid(*r, off) < 32) return exact(0, len);
  const uint32_t tmask = (1u << std::min<uint32_t>(x.nvcpus, 8)) - 1;
  switch (frame) {
    case kFrameV3Dist:
      switch (r->off) {
        case 0x0000:
          switch (off & 0xc) {
            case 0x0:  // CTLR: EnableGrp1 varies; ARE_NS and DS read one
              return {Expect::kMasked, 0xffffffffull & ~2ull, 0x50};
            case 0x4:
              return exact((x.nr_irqs / 32 - 1) | 9u << 19, len);
            case 0x8:
              return exact(gic_iidr(x.rev), len);
            default:
              return exact(0, len);
          }
        case 0x0010:
          return only(0xf, len);
        case 0x0280:
          if (x.user) return exact(0, len);  // ICPENDR: RAZ/WI from userspace
          break;
        case 0x0400:
          return only(rep8(0xf8, len), len);
        case 0x0800:
        case 0x0d00:
          return exact(0, len);
        case 0x0c00:
          return only(0xaaaaaaaa, len);
        case 0x6000:
          return (off & 4) ? exact(0, len) : only(0xffffff, len);
        case 0xffd0:
          return exact((off & 0xffff) == 0xffe8 ? 0x3b : 0, len);
      }
      return {};
    case kFrameV3Redist:
      switch (r->off) {
        case 0x0000:
          return exact(x.rev >= 3 ? 6 : 0, len);  // IR | CES
        case 0x0004:
          return exact(kGicrIidr, len);
        case 0x0008: {  // affinity, processor number, Last
          const uint64_t typer = (x.self_mpidr & 0xffffff) << 32 | (x.self_id & 0xffffull) << 8 |
                                 (x.self_last ? 0x10 : 0);
          return exact(off == 0xc ? typer >> 32 : typer, len);
        }
        case 0x0010:
          return only(0xf, len);
        case 0x0014:
        case 0x00a0:
        case 0x00b0:
        case 0x00c0:
        case 0x10d00:
        case 0x10e00:
          return exact(0, len);
        case 0xffd0:
          return exact((off & 0xffff) == 0xffe8 ? 0x3b : 0, len);
        case 0x10280:
          if (x.user) return exact(0, len);
          break;
        case 0x10400:
          return only(rep8(0xf8, len), len);
        case 0x10c00:  // SGIs edge and PPIs level, always
          return exact(off == 0x10c00 ? 0xaaaaaaaa : 0, len);
      }
      return {};
    case kFrameV2Dist:
      switch (r->off) {
        case 0x000:
          switch (off & 0xc) {
            case 0x0:
              return only(1, len);
            case 0x4:
              return exact((x.nr_irqs / 32 - 1) | (x.nvcpus - 1) << 5, len);
            default:
              return exact(gic_iidr(x.rev), len);
          }
        case 0x400:
          return only(rep8(0xf8, len), len);
        case 0x800:  // a private interrupt targets its own CPU
          if (first_intid(*r, off) < 32) return exact(rep8(1u << (x.self & 7), len), len);
          return only(rep8(tmask, len), len);
        case 0xc00:  // SGIs edge and PPIs level, always; SPIs one bit each
          if (off == 0xc00) return exact(0xaaaaaaaa, len);
          return off == 0xc04 ? exact(0, len) : only(0xaaaaaaaa, len);
        case 0xf00:
          return exact(0, len);
      }
      return {};
    default:
      switch (r->off) {
        case 0x00:
          return only(0x21f, len);
        case 0x04:
          return only(x.user ? 0x1f : 0xf8, len);
        case 0x08:
        case 0x1c:
          return only(7, len);
        case 0x10:
        case 0x24:
        case 0xe0:
        case 0x1000:
          return exact(0, len);
        case 0xd0:  // with 5 priority bits only APR0 holds anything
          if (off & 0xc) return exact(0, len);
          break;
        case 0xfc:
          return exact(kGiccIidr, len);
      }
      return {};
  }
}

Expect gic_write_expect(const GicCtx& x, int frame, uint32_t off, unsigned len, uint64_t v) {
  const GicRow* r = gic_lookup(frame, off, len, x.nr_irqs);
  if (!r || (x.user && !r->user)) return exact(0, len);
  if (r->spi && first_intid(*r, off) < 32) return exact(0, len);
  v &= len_mask(len);
  const uint32_t tmask = (1u << std::min<uint32_t>(x.nvcpus, 8)) - 1;
  switch (frame) {
    case kFrameV3Dist:
      switch (r->off) {
        case 0x0000:
          if ((off & 0xc) == 0) return exact((v & 2) | 0x50, len);
          break;
        case 0x0010:
          return x.user ? exact(v & 0xf, len) : Expect{Expect::kW1C, v & 0xf, 0};
        case 0x0080:
          return exact(v, len);
        case 0x0100:
        case 0x0300:
          return set_bits(v);
        case 0x0180:
        case 0x0380:
          return clr_bits(v);
        case 0x0200:  // userspace: the latch, as written
          return x.user ? exact(v, len) : set_bits(v);
        case 0x0280:
          if (!x.user) return {};
          break;
        case 0x0400:
          return exact(v & rep8(0xf8, len), len);
        case 0x0c00:
          return exact(v & 0xaaaaaaaa, len);
        case 0x6000:
          if (!(off & 4)) return exact(v & 0xffffff, len);
          break;
      }
      break;
    case kFrameV3Redist:
      switch (r->off) {
        case 0x0010:
          return x.user ? exact(v & 0xf, len) : Expect{Expect::kW1C, v & 0xf, 0};
        case 0x0070:
        case 0x0078:
          return {};
        case 0x10080:
          return exact(v, len);
        case 0x10100:
        case 0x10300:
          return set_bits(v);
        case 0x10180:
        case 0x10380:
          return clr_bits(v);
        case 0x10200:
          return x.user ? exact(v, len) : set_bits(v);
        case 0x10280:
          if (!x.user) return {};
          break;
        case 0x10400:
          return exact(v & rep8(0xf8, len), len);
        case 0x10c00:  // read-only: SGIs and PPIs
          break;
      }
      break;
    case kFrameV2Dist:
      switch (r->off) {
        case 0x000:
          if ((off & 0xc) == 0) return exact(v & 1, len);
          break;
        case 0x080:  // userspace only once GICD_IIDR was written back
          return x.user && !x.v2_groups ? Expect{Expect::kUnchanged, 0, 0} : exact(v, len);
        case 0x100:
        case 0x300:
          return set_bits(v);
        case 0x180:
        case 0x380:
          return clr_bits(v);
        case 0x200:  // the guest's SGI bits are WI (GICD_SGIR, SPENDSGIR)
          return set_bits(!x.user && off == 0x200 ? v & ~0xffffull : v);
        case 0x280:
          return {};  // a level interrupt whose line is high stays pending
        case 0x400:
          return exact(v & rep8(0xf8, len), len);
        case 0x800:
          if (first_intid(*r, off) >= 32) return exact(v & rep8(tmask, len), len);
          break;
        case 0xc00:  // the SGIs' and PPIs' words are read-only
          if (off >= 0xc08) return exact(v & 0xaaaaaaaa, len);
          break;
        case 0xf10:
          return clr_bits(v);
        case 0xf20:
          return set_bits(v);
      }
      break;
    default:
      switch (r->off) {
        case 0x00:
          return exact(v & 0x21f, len);
        case 0x04:  // userspace sees GICH_VMCR.VMPriMask: 5 bits
          return exact(x.user ? v & 0x1f : v & 0xf8, len);
        case 0x08:
          return exact(std::max<uint64_t>(v & 7, 2), len);
        case 0x1c:
          return exact(std::max<uint64_t>(v & 7, 3), len);
        case 0xd0:
          if (!(off & 0xc)) return exact(v, len);
          break;
        case 0x0c:  // IAR, AIAR: a read acknowledges
        case 0x20:
        case 0x14:
        case 0x18:
        case 0x28:
          return {};
      }
      break;
  }
  return gic_read_expect(x, frame, off, len);  // a write the register ignores
}

void gic_check(const Expect& e, uint64_t got, uint64_t before, const char* fmt, ...) {
  bool ok = true;
  uint64_t want = 0;
  switch (e.kind) {
    case Expect::kNone:
      return;
    case Expect::kMasked:
      ok = (got & e.mask) == e.value;
      want = e.value;
      break;
    case Expect::kUnchanged:
      ok = got == before;
      want = before;
      break;
    case Expect::kW1C:
      want = before & ~e.mask;
      ok = got == want;
      break;
  }
  if (ok) return;
  char what[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  fail("%s reads %#llx; model: %#llx under mask %#llx%s", what, (ULL)got, (ULL)want,
       (ULL)(e.kind == Expect::kMasked ? e.mask : ~0ull),
       e.kind == Expect::kUnchanged ? " (unchanged)"
       : e.kind == Expect::kW1C     ? " (write-one-to-clear)"
                                    : "");
}

// ----- the ICC system registers

bool icc_guest_reg(uint32_t enc) {
  return std::find(kIccRegs, kIccRegs + kNumIccRegs, enc) != kIccRegs + kNumIccRegs;
}
bool icc_user_reg(uint32_t enc) {
  return enc == kIccPmr || enc == kIccBpr0 || icc_apr(enc) || enc == kIccBpr1 || enc == kIccCtlr ||
         enc == kIccSre || enc == kIccIgrpen0 || enc == kIccIgrpen1;
}

int icc_user_err(uint32_t enc, bool write, uint64_t v, uint32_t pri_bits) {
  if (!icc_user_reg(enc)) return -ENXIO;
  if (icc_apr(enc) && (enc & 3)) return -EINVAL;
  if (write && enc == kIccCtlr) {
    if (((v >> 8) & 7) + 1 > pri_bits || ((v >> 11) & 7) || (v >> 14 & 1) || !(v >> 15 & 1))
      return -EINVAL;
  }
  if (write && enc == kIccSre && !(v & 1)) return -EINVAL;
  return 0;
}

Expect icc_read_expect(uint32_t enc) {
  if (enc == kIccPmr) return only(0xf8, 8);
  if (enc == kIccBpr0 || enc == kIccBpr1) return only(7, 8);
  if (icc_apr(enc)) return only(0xffffffff, 8);
  if (enc == kIccCtlr) return {Expect::kMasked, ~0x703ull, 0x8000};  // PRIbits, A3V
  if (enc == kIccSre) return exact(7, 8);
  if (enc == kIccIgrpen0 || enc == kIccIgrpen1) return only(1, 8);
  if (enc == kIccEoir0 || enc == kIccEoir1 || enc == kIccDir || enc == kIccSgi1r ||
      enc == kIccAsgi1r || enc == kIccSgi0r)
    return exact(0, 8);  // write-only
  return {};
}

Expect icc_write_expect(uint32_t enc, uint64_t v, uint64_t ctlr, bool user) {
  if (enc == kIccPmr) return exact(v & 0xf8, 8);
  if (enc == kIccBpr0) return exact(std::max<uint64_t>(v & 7, 2), 8);
  if (enc == kIccBpr1)
    return ctlr & 1 ? Expect{Expect::kUnchanged, 0, 0} : exact(std::max<uint64_t>(v & 7, 3), 8);
  if (icc_apr(enc)) return exact(v & 0xffffffff, 8);
  if (enc == kIccCtlr)
    return user ? exact(((v >> 8) & 7) << 8 | 0x8000 | (v & 3), 8)
                : exact((ctlr & ~3ull) | (v & 3), 8);
  if (enc == kIccIgrpen0 || enc == kIccIgrpen1) return exact(v & 1, 8);
  if (enc == kIccIar0 || enc == kIccIar1 || enc == kIccHppir0 || enc == kIccHppir1 ||
      enc == kIccRpr)
    return {};  // read-only, and reading IAR acknowledges
  return icc_read_expect(enc);
}

}  // namespace spine
