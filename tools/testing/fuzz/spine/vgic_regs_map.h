// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's register map of the GIC's frames and ICC registers
// (vgic_regs_map.cpp): which registers exist, and what a read must give,
// whatever the interrupt state, and right after a write.

#ifndef SPINE_VGIC_REGS_MAP_H
#define SPINE_VGIC_REGS_MAP_H

#include "input.h"

namespace spine {

enum GicFrame { kFrameV3Dist, kFrameV3Redist, kFrameV2Dist, kFrameV2Cpu, kNumFrames };
inline constexpr const char* kFrameNames[] = {"GICD(v3)", "GICR", "GICD(v2)", "GICC"};
constexpr uint8_t kWd1 = 1, kWd4 = 4, kWd8 = 8;

struct GicRow {
  uint32_t off, len;
  uint8_t bpi;     // bits per interrupt (0: one register)
  uint8_t widths;  // kWd*
  bool user;       // reachable through the attribute groups
  bool spi;        // SGIs and PPIs RAZ/WI (a v3 distributor's blocks)
};

// The rows of a frame, and the row an access of `len` at `off` reaches: a
// width the register allows, naturally aligned, not past the last
// interrupt; else none.
const GicRow* gic_rows(int frame, size_t* n);
const GicRow* gic_lookup(int frame, uint32_t off, unsigned len, uint32_t nr_irqs);

// What one access sees of the GIC beyond the row: the model's
// configuration and the banked interface's vCPU.
struct GicCtx {
  unsigned model;
  uint32_t nr_irqs, rev, nvcpus;
  bool v2_groups;
  bool user;
  int self;  // the GIC index of the interface (redistributor or vCPU)
  uint32_t self_id;
  uint64_t self_mpidr;
  bool self_last;  // GICR_TYPER.Last of its redistributor
};

// The context of an access through interface `self` (a GIC index), from
// the guest or from userspace.
GicCtx gic_ctx(const VmModel& v, int self, bool user);

// What a read must give: (read & mask) == value; or, after a write, the
// value read before (kUnchanged) or before & ~mask (kW1C).
struct Expect {
  enum Kind { kNone, kMasked, kUnchanged, kW1C } kind = kNone;
  uint64_t mask = 0, value = 0;
};

Expect exact(uint64_t v, unsigned len);
// Only `bits` may read as one.
Expect only(uint64_t bits, unsigned len);

// GICD_IIDR with revision `rev`.
uint32_t gic_iidr(uint32_t rev);

// A read of `len` bytes at `off`, whatever the interrupt state.
Expect gic_read_expect(const GicCtx& x, int frame, uint32_t off, unsigned len);
// What a read gives right after a write of `v` (for userspace, after the
// model took in what the write changed: GICD_IIDR's revision).
Expect gic_write_expect(const GicCtx& x, int frame, uint32_t off, unsigned len, uint64_t v);

// A read against an Expect (`before`: what the register held before the
// write); fails with the access described by fmt.
void gic_check(const Expect& e, uint64_t got, uint64_t before, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

// ----- the ICC system registers (Op0 3, Op1 0, CRn 4/12)

constexpr uint32_t icc(uint32_t crn, uint32_t crm, uint32_t op2) {
  return 3u << 14 | crn << 7 | crm << 3 | op2;
}
constexpr uint32_t kIccPmr = icc(4, 6, 0), kIccIar0 = icc(12, 8, 0), kIccEoir0 = icc(12, 8, 1),
                   kIccHppir0 = icc(12, 8, 2), kIccBpr0 = icc(12, 8, 3), kIccAp0r0 = icc(12, 8, 4),
                   kIccAp1r0 = icc(12, 9, 0), kIccDir = icc(12, 11, 1), kIccRpr = icc(12, 11, 3),
                   kIccSgi1r = icc(12, 11, 5), kIccAsgi1r = icc(12, 11, 6),
                   kIccSgi0r = icc(12, 11, 7), kIccIar1 = icc(12, 12, 0),
                   kIccEoir1 = icc(12, 12, 1), kIccHppir1 = icc(12, 12, 2),
                   kIccBpr1 = icc(12, 12, 3), kIccCtlr = icc(12, 12, 4), kIccSre = icc(12, 12, 5),
                   kIccIgrpen0 = icc(12, 12, 6), kIccIgrpen1 = icc(12, 12, 7);
inline constexpr uint32_t kIccRegs[] = {
    kIccPmr,       kIccIar0,      kIccEoir0,     kIccHppir0, kIccBpr0,      kIccAp0r0,
    kIccAp0r0 + 1, kIccAp0r0 + 2, kIccAp0r0 + 3, kIccAp1r0,  kIccAp1r0 + 1, kIccAp1r0 + 2,
    kIccAp1r0 + 3, kIccDir,       kIccRpr,       kIccSgi1r,  kIccAsgi1r,    kIccSgi0r,
    kIccIar1,      kIccEoir1,     kIccHppir1,    kIccBpr1,   kIccCtlr,      kIccSre,
    kIccIgrpen0,   kIccIgrpen1,
};
constexpr size_t kNumIccRegs = sizeof(kIccRegs) / sizeof(kIccRegs[0]);
// ARM64_SYS_REG(3, 0, 0, 0, 0): the guest-access address of a system register.
constexpr uint64_t kSysregId = 0x6030000000130000ull;

// A register the guest reaches, and one of the 15 CPU_SYSREGS registers
// (vgic-sys-reg-v3.c).
bool icc_guest_reg(uint32_t enc);
bool icc_user_reg(uint32_t enc);

// CPU_SYSREGS' errno for a register: unknown -ENXIO; with 5 priority
// bits only AP{0,1}R0 exist (-EINVAL); a restored ICC_CTLR_EL1 may not
// claim more than the GIC has, ICC_SRE_EL1 must keep SRE.
// `pri_bits`: ICC_CTLR_EL1.PRIbits + 1 as it stands (once lowered, it
// cannot be raised again).
int icc_user_err(uint32_t enc, bool write, uint64_t v, uint32_t pri_bits = 5);
// What a read of an ICC register gives, and a read after a write of `v`.
Expect icc_read_expect(uint32_t enc);
// After a write of `v`; `ctlr`: ICC_CTLR_EL1 read before it (CBPR makes
// BPR1 read BPR0 + 1 and ignore writes).
Expect icc_write_expect(uint32_t enc, uint64_t v, uint64_t ctlr, bool user);

}  // namespace spine

#endif  // SPINE_VGIC_REGS_MAP_H
