// SPDX-License-Identifier: GPL-2.0
// arm64 system registers as ONE_REG and KVM_GET_REG_LIST present them
// (Linux 6.1 arch/arm64/kvm/sys_regs.c): one table row per register that
// userspace can reach, in ascending encoding order, which is also the
// order KVM_GET_REG_LIST lists them in. A row says how userspace reads and
// writes the register, when it exists, and how KVM_ARM_VCPU_INIT resets
// it; the emulated host's identity registers are data too.
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace {

constexpr auto enc = sysreg_enc;

constexpr u64 kDemuxIdMask = 0xff00, kDemuxIdCcsidr = 0x0000, kDemuxValMask = 0xff;

// reset_unknown()'s poison: registers the architecture leaves UNKNOWN at
// reset read this until written, as on KVM.
constexpr u64 kUnknown = 0x1de7ec7edbadc0deull;

// How userspace reaches a register.
enum class Access : u8 {
  kPlain,       // the stored value, read and written as is
  kId,          // ID_SANITISED: the sanitised host value; writes must match
  kIdAa32,      // AA32_ID_SANITISED: as kId; RAZ/WI without AArch32 EL0
  kIdRaz,       // ID_UNALLOCATED, ID_HIDDEN: reads 0; writes must be 0
  kIdPfr0,      // ID_AA64PFR0_EL1: only CSV2/CSV3 may be lowered
  kOslsr,       // OSLSR_EL1: only OSLK is writable
  kRazWi,       // PMSWINC_EL0
  kPmuCounter,  // PMEVCNTR<n>_EL0, PMCCNTR_EL0: read through the counter width
};

// When a register exists (its visibility hook).
enum class Vis : u8 { kAlways, kSve, kPtrauth, kPmu };

enum class Reset : u8 {
  kNone,     // no reset hook (ID registers, aliases' storage owner resets)
  kVal,      // reset_val: the row's value
  kUnknown,  // reset_unknown, then masked by the row's value (0: no mask)
  kMpidr,    // reset_mpidr: Aff0-2 from the vCPU id
  kPmcr,     // reset_pmcr: the host's PMCR_EL0 with the writable bits UNKNOWN
  kPmuMask,  // reset_pmu_reg: UNKNOWN masked to the host's counters
};

struct SysReg {
  u16 enc;
  Access access;
  Vis vis;
  Reset reset;
  u64 val;
  u16 storage;  // the row whose storage this one shares (its enc), or 0
};

constexpr SysReg plain(u16 e, Reset r, u64 v = 0, Vis vis = Vis::kAlways) {
  return {e, Access::kPlain, vis, r, v, 0};
}
constexpr SysReg id(u32 crm, u32 op2, Access a) {
  return {enc(3, 0, 0, crm, op2), a, Vis::kAlways, Reset::kNone, 0, 0};
}
constexpr SysReg pmu(u16 e, Reset r, u64 v = 0, u16 storage = 0, Access a = Access::kPlain) {
  return {e, a, Vis::kPmu, r, v, storage};
}

constexpr u64 kOslsrOslmImplemented = 1u << 3, kOslsrOslk = 1u << 1;
constexpr u64 kPmuEvtypeMask = 0xc800ffff, kPmuCounterMask = 0x1f;
constexpr u64 kPmcrWritable = 0xff, kPmcrE = 1u << 0, kPmcrLc = 1u << 6;  // PMCR_EL0

#define DBG(n)                                                                    \
  plain(enc(2, 0, 0, n, 4), Reset::kVal), plain(enc(2, 0, 0, n, 5), Reset::kVal), \
      plain(enc(2, 0, 0, n, 6), Reset::kVal), plain(enc(2, 0, 0, n, 7), Reset::kVal)
#define PTRAUTH_KEY(crm, op2) plain(enc(3, 0, 2, crm, op2), Reset::kUnknown, 0, Vis::kPtrauth)
#define PMEVCNTR(n) \
  pmu(enc(3, 3, 14, 8 + (n) / 8, (n) % 8), Reset::kUnknown, 0xffffffff, 0, Access::kPmuCounter)
#define PMEVTYPER(n) pmu(enc(3, 3, 14, 12 + (n) / 8, (n) % 8), Reset::kUnknown, kPmuEvtypeMask)
#define PMEV8(M, b) M(b), M(b + 1), M(b + 2), M(b + 3), M(b + 4), M(b + 5), M(b + 6), M(b + 7)

constexpr u16 kPmintenset = enc(3, 0, 9, 14, 1);
constexpr u16 kPmcntenset = enc(3, 3, 9, 12, 1);
constexpr u16 kPmovsset = enc(3, 3, 9, 14, 3);
constexpr u16 kPmcr = enc(3, 3, 9, 12, 0);
constexpr u16 kPmccntr = enc(3, 3, 9, 13, 0);
constexpr u16 kMpidr = enc(3, 0, 0, 0, 5);

constexpr Access kAa32 = Access::kIdAa32, kId = Access::kId, kRaz = Access::kIdRaz;

// sys_reg_descs[] less the rows userspace cannot reach (no storage and no
// user accessor): sorted by encoding, checked below.
constexpr SysReg kSysRegs[] = {
    DBG(0),
    DBG(1),
    plain(enc(2, 0, 0, 2, 0), Reset::kVal),  // MDCCINT_EL1
    plain(enc(2, 0, 0, 2, 2), Reset::kVal),  // MDSCR_EL1
    DBG(2),
    DBG(3),
    DBG(4),
    DBG(5),
    DBG(6),
    DBG(7),
    DBG(8),
    DBG(9),
    DBG(10),
    DBG(11),
    DBG(12),
    DBG(13),
    DBG(14),
    DBG(15),
    {enc(2, 0, 1, 1, 4), Access::kOslsr, Vis::kAlways, Reset::kVal, kOslsrOslmImplemented, 0},
    plain(enc(2, 4, 0, 7, 0), Reset::kVal),  // DBGVCR32_EL2
    plain(kMpidr, Reset::kMpidr),
    // The AArch32 ID registers, then the AArch64 ones (CRm 1-7).
    id(1, 0, kAa32),
    id(1, 1, kAa32),
    id(1, 2, kAa32),
    id(1, 3, kRaz),  // PFR0 PFR1 DFR0 AFR0
    id(1, 4, kAa32),
    id(1, 5, kAa32),
    id(1, 6, kAa32),
    id(1, 7, kAa32),  // MMFR0-3
    id(2, 0, kAa32),
    id(2, 1, kAa32),
    id(2, 2, kAa32),
    id(2, 3, kAa32),  // ISAR0-3
    id(2, 4, kAa32),
    id(2, 5, kAa32),
    id(2, 6, kAa32),
    id(2, 7, kAa32),  // ISAR4 ISAR5 MMFR4 ISAR6
    id(3, 0, kAa32),
    id(3, 1, kAa32),
    id(3, 2, kAa32),
    id(3, 3, kRaz),  // MVFR0-2
    id(3, 4, kAa32),
    id(3, 5, kRaz),
    id(3, 6, kAa32),
    id(3, 7, kRaz),  // PFR2 DFR1 MMFR5
    id(4, 0, Access::kIdPfr0),
    id(4, 1, kId),
    id(4, 2, kRaz),
    id(4, 3, kRaz),
    id(4, 4, kId),
    id(4, 5, kRaz),
    id(4, 6, kRaz),
    id(4, 7, kRaz),  // ZFR0 SMFR0
    id(5, 0, kId),
    id(5, 1, kId),
    id(5, 2, kRaz),
    id(5, 3, kRaz),  // DFR0 DFR1
    id(5, 4, kRaz),
    id(5, 5, kRaz),
    id(5, 6, kRaz),
    id(5, 7, kRaz),  // AFR0 AFR1
    id(6, 0, kId),
    id(6, 1, kId),
    id(6, 2, kId),
    id(6, 3, kRaz),  // ISAR0-2
    id(6, 4, kRaz),
    id(6, 5, kRaz),
    id(6, 6, kRaz),
    id(6, 7, kRaz),
    id(7, 0, kId),
    id(7, 1, kId),
    id(7, 2, kId),
    id(7, 3, kRaz),  // MMFR0-2
    id(7, 4, kRaz),
    id(7, 5, kRaz),
    id(7, 6, kRaz),
    id(7, 7, kRaz),
    plain(enc(3, 0, 1, 0, 0), Reset::kVal, 0x00C50078),    // SCTLR_EL1
    plain(enc(3, 0, 1, 0, 1), Reset::kVal),                // ACTLR_EL1 (the host's: 0)
    plain(enc(3, 0, 1, 0, 2), Reset::kVal),                // CPACR_EL1
    plain(enc(3, 0, 1, 2, 0), Reset::kVal, 0, Vis::kSve),  // ZCR_EL1
    plain(enc(3, 0, 2, 0, 0), Reset::kUnknown),            // TTBR0_EL1
    plain(enc(3, 0, 2, 0, 1), Reset::kUnknown),            // TTBR1_EL1
    plain(enc(3, 0, 2, 0, 2), Reset::kVal),                // TCR_EL1
    PTRAUTH_KEY(1, 0),
    PTRAUTH_KEY(1, 1),
    PTRAUTH_KEY(1, 2),
    PTRAUTH_KEY(1, 3),  // APIA, APIB
    PTRAUTH_KEY(2, 0),
    PTRAUTH_KEY(2, 1),
    PTRAUTH_KEY(2, 2),
    PTRAUTH_KEY(2, 3),  // APDA, APDB
    PTRAUTH_KEY(3, 0),
    PTRAUTH_KEY(3, 1),                           // APGA
    plain(enc(3, 0, 5, 1, 0), Reset::kUnknown),  // AFSR0_EL1
    plain(enc(3, 0, 5, 1, 1), Reset::kUnknown),  // AFSR1_EL1
    plain(enc(3, 0, 5, 2, 0), Reset::kUnknown),  // ESR_EL1
    plain(enc(3, 0, 6, 0, 0), Reset::kUnknown),  // FAR_EL1
    plain(enc(3, 0, 7, 4, 0), Reset::kUnknown),  // PAR_EL1
    pmu(kPmintenset, Reset::kPmuMask),
    pmu(enc(3, 0, 9, 14, 2), Reset::kPmuMask, 0, kPmintenset),  // PMINTENCLR_EL1
    plain(enc(3, 0, 10, 2, 0), Reset::kUnknown),                // MAIR_EL1
    plain(enc(3, 0, 10, 3, 0), Reset::kVal),                    // AMAIR_EL1 (the host's: 0)
    plain(enc(3, 0, 12, 0, 0), Reset::kVal),                    // VBAR_EL1
    plain(enc(3, 0, 12, 1, 1), Reset::kVal),                    // DISR_EL1
    plain(enc(3, 0, 13, 0, 1), Reset::kVal),                    // CONTEXTIDR_EL1
    plain(enc(3, 0, 13, 0, 4), Reset::kUnknown),                // TPIDR_EL1
    plain(enc(3, 0, 14, 1, 0), Reset::kVal),                    // CNTKCTL_EL1
    plain(enc(3, 2, 0, 0, 0), Reset::kUnknown),                 // CSSELR_EL1
    pmu(kPmcr, Reset::kPmcr),
    pmu(kPmcntenset, Reset::kPmuMask),
    pmu(enc(3, 3, 9, 12, 2), Reset::kPmuMask, 0, kPmcntenset),     // PMCNTENCLR_EL0
    pmu(enc(3, 3, 9, 12, 3), Reset::kPmuMask, 0, kPmovsset),       // PMOVSCLR_EL0
    pmu(enc(3, 3, 9, 12, 4), Reset::kNone, 0, 0, Access::kRazWi),  // PMSWINC_EL0
    pmu(enc(3, 3, 9, 12, 5), Reset::kUnknown, kPmuCounterMask),    // PMSELR_EL0
    pmu(kPmccntr, Reset::kUnknown, 0, 0, Access::kPmuCounter),
    pmu(enc(3, 3, 9, 14, 0), Reset::kVal),  // PMUSERENR_EL0
    pmu(kPmovsset, Reset::kPmuMask),
    plain(enc(3, 3, 13, 0, 2), Reset::kUnknown),  // TPIDR_EL0
    plain(enc(3, 3, 13, 0, 3), Reset::kUnknown),  // TPIDRRO_EL0
    PMEV8(PMEVCNTR, 0),
    PMEV8(PMEVCNTR, 8),
    PMEV8(PMEVCNTR, 16),
    PMEVCNTR(24),
    PMEVCNTR(25),
    PMEVCNTR(26),
    PMEVCNTR(27),
    PMEVCNTR(28),
    PMEVCNTR(29),
    PMEVCNTR(30),
    PMEV8(PMEVTYPER, 0),
    PMEV8(PMEVTYPER, 8),
    PMEV8(PMEVTYPER, 16),
    PMEVTYPER(24),
    PMEVTYPER(25),
    PMEVTYPER(26),
    PMEVTYPER(27),
    PMEVTYPER(28),
    PMEVTYPER(29),
    PMEVTYPER(30),
    pmu(enc(3, 3, 14, 15, 7), Reset::kVal),         // PMCCFILTR_EL0
    plain(enc(3, 4, 3, 0, 0), Reset::kUnknown),     // DACR32_EL2
    plain(enc(3, 4, 5, 0, 1), Reset::kUnknown),     // IFSR32_EL2
    plain(enc(3, 4, 5, 3, 0), Reset::kVal, 0x700),  // FPEXC32_EL2
};
constexpr usize kNumSysRegs = kx::array_size(kSysRegs);
static_assert(kNumSysRegs <= kSysRegSlots, "VcpuState::sys too small");

constexpr bool sorted() {
  for (usize i = 1; i < kNumSysRegs; i++) {
    if (kSysRegs[i - 1].enc >= kSysRegs[i].enc) return false;
  }
  return true;
}
static_assert(sorted(), "kSysRegs must be sorted by encoding, as KVM_GET_REG_LIST lists them");

#undef DBG
#undef PTRAUTH_KEY
#undef PMEVCNTR
#undef PMEVTYPER
#undef PMEV8

// -1 when no row has this encoding.
constexpr int find(u16 e) {
  usize lo = 0, hi = kNumSysRegs;
  while (lo < hi) {
    const usize mid = (lo + hi) / 2;
    if (kSysRegs[mid].enc == e) return static_cast<int>(mid);
    if (kSysRegs[mid].enc < e)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

u64& storage(VcpuState& s, const SysReg& r) {
  return s.sys[r.storage ? find(r.storage) : &r - kSysRegs];
}

}  // namespace

// MPIDR_EL1 as the GIC routes by it (kvm_vcpu_get_mpidr_aff()): read by
// other vCPUs' SGIs without this one's mutex, so one whole load.
u64 vcpu_mpidr(Vcpu& vcpu) {
  constexpr int kSlot = find(kMpidr);
  static_assert(kSlot >= 0);
  return __atomic_load_n(&state(vcpu).sys[kSlot], __ATOMIC_RELAXED);
}

// SCTLR_EL1, whose EE bit is the vCPU's endianness at EL1
// (kvm_vcpu_is_be(), kvm_vcpu_set_be()).
u64& sctlr_el1(VcpuState& s) {
  constexpr int kSlot = find(enc(3, 0, 1, 0, 0));
  static_assert(kSlot >= 0);
  return s.sys[kSlot];
}

namespace {

// The emulated host's identity: a Neoverse-N1-like server core with SVE
// added, its features shaped by the HostCaps module parameters. Values are
// the host's sanitised ID registers (read_sanitised_ftr_reg()).
struct IdValue {
  u16 enc;
  u64 val;
};
constexpr IdValue kHostIds[] = {
    {enc(3, 0, 0, 1, 0), 0x10131},     // ID_PFR0_EL1
    {enc(3, 0, 0, 1, 1), 0x10000000},  // ID_PFR1_EL1
    {enc(3, 0, 0, 1, 2), 0x04010088},  // ID_DFR0_EL1 (PerfMon 4)
    {enc(3, 0, 0, 1, 4), 0x10201105},  // ID_MMFR0_EL1
    {enc(3, 0, 0, 1, 5), 0x40000000},  // ID_MMFR1_EL1
    {enc(3, 0, 0, 1, 6), 0x01260000},  // ID_MMFR2_EL1
    {enc(3, 0, 0, 1, 7), 0x02122211},  // ID_MMFR3_EL1
    {enc(3, 0, 0, 2, 0), 0x02101110},  // ID_ISAR0_EL1
    {enc(3, 0, 0, 2, 1), 0x13112111},  // ID_ISAR1_EL1
    {enc(3, 0, 0, 2, 2), 0x21232042},  // ID_ISAR2_EL1
    {enc(3, 0, 0, 2, 3), 0x01112131},  // ID_ISAR3_EL1
    {enc(3, 0, 0, 2, 4), 0x00010142},  // ID_ISAR4_EL1
    {enc(3, 0, 0, 2, 5), 0x01011121},  // ID_ISAR5_EL1
    {enc(3, 0, 0, 2, 6), 0x00021110},  // ID_MMFR4_EL1
    {enc(3, 0, 0, 2, 7), 0x00000010},  // ID_ISAR6_EL1
    {enc(3, 0, 0, 3, 0), 0x10110222},  // MVFR0_EL1
    {enc(3, 0, 0, 3, 1), 0x13211111},  // MVFR1_EL1
    {enc(3, 0, 0, 3, 2), 0x00000043},  // MVFR2_EL1
    {enc(3, 0, 0, 3, 4), 0x00000011},  // ID_PFR2_EL1
    // ID_AA64PFR0_EL1: EL0-EL3, FP, AdvSIMD, GIC, SVE, CSV2 and CSV3 follow
    // HostCaps and the VM (read_id_reg()); RAS (HostCaps) 1, DIT 1.
    {enc(3, 0, 0, 4, 0), 0x0001000010000000ull},
    {enc(3, 0, 0, 4, 1), 0x20},                   // ID_AA64PFR1_EL1: SSBS 2
    {enc(3, 0, 0, 4, 4), 0x0000100000100000ull},  // ID_AA64ZFR0_EL1: BF16, I8MM
    // ID_AA64DFR0_EL1: CTX_CMPs 1, WRPs 3, BRPs 5, PMUVer (HostCaps), DebugVer 8.
    {enc(3, 0, 0, 5, 0), 0x10305008},
    {enc(3, 0, 0, 6, 0), 0x0000100010211120ull},  // ID_AA64ISAR0_EL1
    // ID_AA64ISAR1_EL1: DPB, JSCVT, FCMA, LRCPC; APA/GPA with ptrauth.
    {enc(3, 0, 0, 6, 1), 0x111001},
    {enc(3, 0, 0, 7, 1), 0x10212122},  // ID_AA64MMFR1_EL1
    {enc(3, 0, 0, 7, 2), 0x1011},      // ID_AA64MMFR2_EL1
};

// Fields (shift) of the registers read_id_reg() shapes.
constexpr u32 kPfr0El0 = 0, kPfr0El1 = 4, kPfr0El2 = 8, kPfr0El3 = 12, kPfr0Fp = 16,
              kPfr0AdvSimd = 20, kPfr0Gic = 24, kPfr0Ras = 28, kPfr0Sve = 32, kPfr0Amu = 44,
              kPfr0Csv2 = 56, kPfr0Csv3 = 60;
constexpr u32 kPfr1Mte = 8, kPfr1Sme = 24;
constexpr u32 kIsar1Apa = 4, kIsar1Api = 8, kIsar1Gpa = 24, kIsar1Gpi = 28;
constexpr u32 kIsar2Wfxt = 0, kIsar2Gpa3 = 8, kIsar2Apa3 = 12;
constexpr u32 kDfr0DebugVer = 0, kDfr0PmuVer = 8, kDfr0PmsVer = 32;
constexpr u32 kAa32Dfr0PerfMon = 24;
constexpr u64 kPmuVerV3p1 = 4, kPmuVerV3p4 = 5, kPmuVerImpDef = 0xf;

constexpr u64 field(u64 v, u32 shift) { return (v >> shift) & 0xf; }
constexpr u64 set_field(u64 v, u32 shift, u64 f) {
  return (v & ~(0xfull << shift)) | (f & 0xf) << shift;
}
// cpuid_feature_cap_perfmon_field(): an IMPLEMENTATION DEFINED PMU is none.
constexpr u64 cap_perfmon(u64 v, u32 shift, u64 cap) {
  u64 f = field(v, shift);
  if (f == kPmuVerImpDef) f = 0;
  return f > cap ? set_field(v, shift, cap) : v;
}

// PARange for the largest physical address size not above the host's
// IPA limit (id_aa64mmfr0_parange_to_phys_shift()).
u64 parange(u32 ipa_bits) {
  constexpr u32 kBits[] = {32, 36, 40, 42, 44, 48, 52};
  u64 pa = 0;
  for (u64 i = 0; i < kx::array_size(kBits); i++) {
    if (kBits[i] <= ipa_bits) pa = i;
  }
  return pa;
}

// The host's sanitised value of an ID register.
u64 host_id(const HostCaps& h, u16 e) {
  u64 v = 0;
  for (const IdValue& id : kHostIds) {
    if (id.enc == e) v = id.val;
  }
  switch (e) {
    case enc(3, 0, 0, 4, 0):
      v = set_field(v, kPfr0El0, h.el0_32bit ? 2 : 1);
      v = set_field(v, kPfr0El1, h.el1_32bit ? 2 : 1);
      v = set_field(v, kPfr0El2, 1);
      v = set_field(v, kPfr0El3, 1);
      v = set_field(v, kPfr0Fp, 1);
      v = set_field(v, kPfr0AdvSimd, 1);
      v = set_field(v, kPfr0Sve, h.sve ? 1 : 0);
      v = set_field(v, kPfr0Ras, h.ras ? 1 : 0);
      v = set_field(v, kPfr0Csv2, 1);
      v = set_field(v, kPfr0Csv3, 1);
      break;
    case enc(3, 0, 0, 5, 0):
      v = set_field(v, kDfr0PmuVer, h.pmuv3 ? kPmuVerV3p1 : 0);
      break;
    case enc(3, 0, 0, 1, 2):
      v = set_field(v, kAa32Dfr0PerfMon, h.pmuv3 ? 4 : 0);
      break;
    case enc(3, 0, 0, 6, 1):
      if (!h.full_ptrauth()) {
        v = set_field(v, kIsar1Apa, 0);
        v = set_field(v, kIsar1Gpa, 0);
      } else {
        v = set_field(v, kIsar1Apa, 1);
        v = set_field(v, kIsar1Gpa, 1);
      }
      break;
    case enc(3, 0, 0, 7, 0):
      // ASIDBits 16, BigEnd, SNSMem, TGran16; PARange from the IPA limit.
      v = 0x101120 | parange(h.ipa_bits);
      break;
  }
  return v;
}

bool aa32_el0(const Vm& vm) { return vm_state(vm).host.el0_32bit; }

// read_id_reg(): the host's value as this vCPU sees it.
u64 read_id_reg(Vcpu& vcpu, const SysReg& r) {
  if (r.access == Access::kIdRaz) return 0;
  if (r.access == Access::kIdAa32 && !aa32_el0(vcpu.vm())) return 0;
  const VcpuState& s = state(vcpu);
  const HostCaps& h = vm_state(vcpu.vm()).host;
  u64 v = host_id(h, r.enc);
  switch (r.enc) {
    case enc(3, 0, 0, 4, 0): {
      const VmState& vm = vm_state(vcpu.vm());
      if (!s.has(kSve)) v = set_field(v, kPfr0Sve, 0);
      v = set_field(v, kPfr0Amu, 0);
      v = set_field(v, kPfr0Csv2, vm.pfr0_csv2.load());
      v = set_field(v, kPfr0Csv3, vm.pfr0_csv3.load());
      v = set_field(v, kPfr0Gic, 1);  // the emulated host's GIC is a GICv3
      break;
    }
    case enc(3, 0, 0, 4, 1):
      v = set_field(v, kPfr1Mte, 0);
      v = set_field(v, kPfr1Sme, 0);
      break;
    case enc(3, 0, 0, 4, 4):  // id_visibility(): RAZ without SVE
      if (!s.has(kSve)) v = 0;
      break;
    case enc(3, 0, 0, 6, 1):
      if (!s.has_ptrauth()) {
        constexpr u32 kPtrauthFields[] = {kIsar1Apa, kIsar1Api, kIsar1Gpa, kIsar1Gpi};
        for (u32 f : kPtrauthFields) v = set_field(v, f, 0);
      }
      break;
    case enc(3, 0, 0, 6, 2):
      if (!s.has_ptrauth()) v = set_field(set_field(v, kIsar2Apa3, 0), kIsar2Gpa3, 0);
      v = set_field(v, kIsar2Wfxt, 0);
      break;
    case enc(3, 0, 0, 5, 0):
      v = set_field(v, kDfr0DebugVer, 6);  // Armv8.0 debug
      v = cap_perfmon(v, kDfr0PmuVer, s.has(kPmuV3) ? kPmuVerV3p4 : 0);
      v = set_field(v, kDfr0PmsVer, 0);
      break;
    case enc(3, 0, 0, 1, 2):
      v = cap_perfmon(v, kAa32Dfr0PerfMon, s.has(kPmuV3) ? 5 : 0);
      break;
  }
  return v;
}

bool visible(const VcpuState& s, const SysReg& r) {
  switch (r.vis) {
    case Vis::kAlways:
      return true;
    case Vis::kSve:
      return s.has(kSve);
    case Vis::kPtrauth:
      return s.has_ptrauth();
    case Vis::kPmu:
      return s.has(kPmuV3);
  }
  return false;
}

// The host's PMCR_EL0: Arm, IDCODE 0x0c, six event counters.
constexpr u64 kHostPmcr = 0x410c3000;
constexpr u32 kHostPmuCounters = 6;

// The invariant registers (get_invariant_sys_reg()): the host's values,
// which userspace may write back but not change.
constexpr u64 kHostClidr = 0x82000023;  // L1 I+D, L2 unified
constexpr IdValue kInvariant[] = {
    {enc(3, 0, 0, 0, 0), 0x413fd0c1},  // MIDR_EL1: Neoverse N1 r3p1
    {enc(3, 0, 0, 0, 6), 0},           // REVIDR_EL1
    {enc(3, 1, 0, 0, 1), kHostClidr},  // CLIDR_EL1
    {enc(3, 1, 0, 0, 7), 0},           // AIDR_EL1
    {enc(3, 3, 0, 0, 1), 0x8444c004},  // CTR_EL0
};

// CSSELR values 0-13 and what CCSIDR_EL1 holds for each (the DEMUX
// registers): 64 KiB 4-way L1 I and D, 1 MiB 8-way L2, 64-byte lines.
constexpr u32 kCsselrMax = 14;
bool valid_cache(u32 csselr) {
  if (csselr >= kCsselrMax) return false;
  const u32 ctype = (kHostClidr >> ((csselr >> 1) * 3)) & 7;
  switch (ctype) {
    case 1:
      return csselr & 1;  // instruction only
    case 2:
    case 4:
      return !(csselr & 1);  // data only, unified
    case 3:
      return true;  // separate
    default:
      return false;
  }
}
u32 ccsidr(u32 csselr) {
  const u32 sets = csselr >> 1 ? 2048 : 256, ways = csselr >> 1 ? 8 : 4;
  return (sets - 1) << 13 | (ways - 1) << 3 | 2;
}

// index_to_params(): a 64-bit id with no bits beyond the encoding fields,
// in the KVM_REG_ARM64_SYSREG block. (6.1 does not look at the block here,
// so an id of another, undocumented block finds a system register; the
// documents say "no such register": Documentation/differences.rst.)
bool id_to_enc(u64 id, u16* e) {
  if ((id & kRegCoprocMask) != kRegSysreg) return false;
  if ((id & kRegSizeMask) != kRegSizeU64) return false;
  if (id & ~(kRegArchMask | kRegSizeMask | kRegCoprocMask | 0xffff)) return false;
  *e = static_cast<u16>(id & 0xffff);
  return true;
}

kx::Status demux_reg(bool set, u64 id, u64 uaddr) {
  if (id & ~(kRegArchMask | kRegSizeMask | kRegCoprocMask | 0xffff)) return kx::error(kx::kENOENT);
  if ((id & kDemuxIdMask) != kDemuxIdCcsidr) return kx::error(kx::kENOENT);
  if ((id & kRegSizeMask) != kRegSizeU32) return kx::error(kx::kENOENT);
  const u32 csselr = id & kDemuxValMask;
  if (!valid_cache(csselr)) return kx::error(kx::kENOENT);
  u32 v = ccsidr(csselr);
  if (!set)
    return kx_copy_to_user(uaddr, &v, sizeof(v)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  u32 want;
  if (kx_copy_from_user(&want, uaddr, sizeof(want))) return kx::error(kx::kEFAULT);
  return want == v ? kx::Status::ok() : kx::error(kx::kEINVAL);
}

// set_id_aa64pfr0_el1(): CSV2 and CSV3 may be set to what the host can
// promise (it is unaffected by Spectre-v2 and Meltdown: up to 1); every
// other field must match.
kx::Status set_pfr0(Vcpu& vcpu, const SysReg& r, u64 v) {
  const u64 csv2 = field(v, kPfr0Csv2), csv3 = field(v, kPfr0Csv3);
  if (csv2 > 1 || csv3 > 1) return kx::error(kx::kEINVAL);
  const u64 diff = (v ^ read_id_reg(vcpu, r)) & ~(0xfull << kPfr0Csv2 | 0xfull << kPfr0Csv3);
  if (diff) return kx::error(kx::kEINVAL);
  VmState& vm = vm_state(vcpu.vm());
  vm.pfr0_csv2.store(static_cast<u32>(csv2));
  vm.pfr0_csv3.store(static_cast<u32>(csv3));
  return kx::Status::ok();
}

u64 get_user_value(Vcpu& vcpu, const SysReg& r) {
  VcpuState& s = state(vcpu);
  switch (r.access) {
    case Access::kPlain:
    case Access::kOslsr:
      return storage(s, r);
    case Access::kId:
    case Access::kIdAa32:
    case Access::kIdRaz:
    case Access::kIdPfr0:
      return read_id_reg(vcpu, r);
    case Access::kRazWi:
      return 0;
    case Access::kPmuCounter:
      // kvm_pmu_get_counter_value(): event counters are 32 bits, the cycle
      // counter 64 (PMCR_EL0.LC only decides where it overflows).
      return r.enc == kPmccntr ? storage(s, r) : static_cast<u32>(storage(s, r));
  }
  return 0;
}

kx::Status set_user_value(Vcpu& vcpu, const SysReg& r, u64 v) {
  VcpuState& s = state(vcpu);
  switch (r.access) {
    case Access::kPlain:
    case Access::kPmuCounter:
      storage(s, r) = v;
      return kx::Status::ok();
    case Access::kIdAa32:
      if (!aa32_el0(vcpu.vm())) return kx::Status::ok();  // REG_USER_WI
      [[fallthrough]];
    case Access::kId:
    case Access::kIdRaz:
      return v == read_id_reg(vcpu, r) ? kx::Status::ok() : kx::error(kx::kEINVAL);
    case Access::kIdPfr0:
      return set_pfr0(vcpu, r, v);
    case Access::kOslsr:
      if ((v ^ r.val) & ~kOslsrOslk) return kx::error(kx::kEINVAL);
      storage(s, r) = v;
      return kx::Status::ok();
    case Access::kRazWi:
      return kx::Status::ok();
  }
  return kx::error(kx::kEINVAL);
}

}  // namespace

u64& sys_reg_slot(VcpuState& s, u16 e) {
  const int i = find(e);
  if (i < 0) kx_panic("sys_reg_slot: no such register");
  return storage(s, kSysRegs[i]);
}

// get_num_brps(), get_num_wrps().
constexpr u32 kDfr0Brps = 12, kDfr0Wrps = 20;
u32 host_breakpoints() { return field(host_id(HostCaps(), enc(3, 0, 0, 5, 0)), kDfr0Brps) + 1; }
u32 host_watchpoints() { return field(host_id(HostCaps(), enc(3, 0, 0, 5, 0)), kDfr0Wrps) + 1; }

// kvm_reset_sys_regs(): every row with a reset hook, visible or not.
void reset_sys_regs(Vcpu& vcpu) {
  VcpuState& s = state(vcpu);
  const HostCaps& h = vm_state(vcpu.vm()).host;
  const u64 pmu_mask = 1ull << 31 | ((1ull << kHostPmuCounters) - 1);
  for (const SysReg& r : kSysRegs) {
    u64& v = storage(s, r);
    switch (r.reset) {
      case Reset::kNone:
        break;
      case Reset::kVal:
        v = r.val;
        break;
      case Reset::kUnknown:
        v = r.val ? kUnknown & r.val : kUnknown;
        break;
      case Reset::kMpidr: {
        const u64 id = vcpu.id();
        v = 1ull << 31 | (id & 0xf) | ((id >> 4) & 0xff) << 8 | ((id >> 12) & 0xff) << 16;
        break;
      }
      case Reset::kPmcr:
        if (!h.pmuv3) break;  // no PMU: PMCR_EL0 may UNDEF, left alone
        v = ((kHostPmcr & ~kPmcrWritable) | (kPmcrWritable & 0xdecafbad)) & ~kPmcrE;
        if (!h.el0_32bit) v |= kPmcrLc;
        break;
      case Reset::kPmuMask:
        if (h.pmuv3) v = kUnknown & pmu_mask;
        break;
    }
  }
}

// kvm_arm_sys_reg_{get,set}_reg(): DEMUX, then the invariant registers,
// then the table. A write reads its value first (-EFAULT before -ENOENT).
kx::Status sys_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr) {
  if ((id & kRegCoprocMask) == kRegDemux) return demux_reg(set, id, uaddr);
  if ((id & kRegCoprocMask) != kRegSysreg) return kx::error(kx::kENOENT);
  u16 e = 0;
  const bool valid = id_to_enc(id, &e);
  for (const IdValue& inv : kInvariant) {
    if (!valid || inv.enc != e) continue;
    if (!set) return put_user_u64(uaddr, inv.val);
    u64 v;
    if (kx_copy_from_user(&v, uaddr, sizeof(v))) return kx::error(kx::kEFAULT);
    return v == inv.val ? kx::Status::ok() : kx::error(kx::kEINVAL);
  }
  u64 v = 0;
  if (set && kx_copy_from_user(&v, uaddr, sizeof(v))) return kx::error(kx::kEFAULT);
  const int i = valid ? find(e) : -1;
  if (i < 0 || !visible(state(vcpu), kSysRegs[i])) return kx::error(kx::kENOENT);
  if (set) return set_user_value(vcpu, kSysRegs[i], v);
  return put_user_u64(uaddr, get_user_value(vcpu, kSysRegs[i]));
}

// kvm_arm_copy_sys_reg_indices(): the invariant registers, the table's
// visible rows, then one CCSIDR per cache the host's CLIDR_EL1 has.
void list_sys_regs(Vcpu& vcpu, RegIdSink& sink) {
  for (const IdValue& inv : kInvariant) sink.add(sysreg_id(inv.enc));
  const VcpuState& s = state(vcpu);
  for (const SysReg& r : kSysRegs) {
    if (visible(s, r)) sink.add(sysreg_id(r.enc));
  }
  for (u32 csselr = 0; csselr < kCsselrMax; csselr++) {
    if (valid_cache(csselr))
      sink.add(kRegArm64 | kRegSizeU32 | kRegDemux | kDemuxIdCcsidr | csselr);
  }
}

}  // namespace arm64
}  // namespace kvm
