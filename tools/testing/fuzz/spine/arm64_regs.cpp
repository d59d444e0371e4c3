// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 registers: KVM_{GET,SET}_ONE_REG and
// KVM_GET_REG_LIST (kx_vcpu_one_reg, kx_vcpu_arm64_reg_list: kvm_ext/vm.c
// calls them on arm64 vCPUs only, and so does the harness), the vCPU
// attribute KVM_ARM_VCPU_PVTIME_CTRL and the PV-time hypercalls.
//
// ONE_REG is exact up to the id (-ENOEXEC before INIT, -EFAULT, -EINVAL
// outside the arm64 space), then within {0, -EINVAL, -ENOENT} plus
// -EFAULT only for a faulting value, -EPERM only in the SVE block, -EBUSY
// only for an SMCCC bitmap of a VM that ran. GET_REG_LIST and the PVTIME
// attribute are exact, in 6.1's order of checks. The list has the
// documented count for the features, no duplicates, and never changes;
// every listed id reads (writing exactly its size) and takes back the
// value it read (but SVE_VLS after FINALIZE, and PSCI 0.1 on a PSCI 0.2
// vCPU, as 6.1); a failed write changes nothing; a short n is -E2BIG with
// the count written back and no id. The PV-time hypercalls answer by the
// STD_HYP bitmap and the PVTIME IPA; PV_TIME_ST zeroes the structure and
// dirties its page.

#include "arm64_regs.h"

#include "arm64_vcpu.h"
#include "guest_access.h"
#include "pmu_timer.h"

namespace spine {

using namespace a64;

namespace {

// KVM_GET_REG_LIST's count as userspace-api.rst gives it (6.1's
// get-reg-list selftest): core 75, or 43 with SVE plus SVE's 50 and
// ZCR_EL1; firmware 7, timer 3, 5 invariant and 149 table system
// registers, 3 CCSIDRs; pointer auth 10 more, PMUv3 74.
uint32_t reg_count(const ArmVcpu& m) {
  uint32_t n = m.has(kSveF) ? 43 + 50 + 1 : 75;
  n += 7 + 3 + 5 + 149 + 3;
  if (m.has(kPacA)) n += 10;
  if (m.has(kPmuV3)) n += 74;
  return n;
}

// Ids for a vCPU no list is known for: some of every block.
const uint64_t kSampleIds[] = {
    core(kU64, 0),
    core(kU64, 60),
    core(kU64, 62),
    core(kU64, 64),
    core(kU64, kOffPstate),
    core(kU64, 68),
    core(kU64, kOffSpsr),
    core(kU64, kOffSpsr + 2),
    core(kU128, kOffVregs),
    core(kU128, kOffVregs + 124),
    core(kU32, kOffFpsr),
    core(kU32, kOffFpcr),
    kVls,
    zreg(0, 0),
    zreg(31, 0),
    preg(0, 0),
    preg(15, 0),
    preg(16, 0),  // FFR
    fw(0),
    fw(1),
    fw(2),
    fw(3),
    fw_bmap(0),
    fw_bmap(1),
    fw_bmap(2),
    kTimerCtl,
    kTimerCnt,
    sys(3, 3, 14, 0, 2),  // TIMER_CVAL
    sys(3, 0, 0, 0, 0),   // MIDR_EL1
    kMpidr,
    sys(3, 1, 0, 0, 1),    // CLIDR_EL1
    sys(3, 3, 0, 0, 1),    // CTR_EL0
    sys(3, 0, 0, 4, 0),    // ID_AA64PFR0_EL1
    sys(3, 0, 0, 5, 0),    // ID_AA64DFR0_EL1
    sys(3, 0, 0, 1, 0),    // ID_PFR0_EL1
    sys(3, 0, 0, 1, 2),    // ID_DFR0_EL1
    sys(3, 0, 0, 6, 1),    // ID_AA64ISAR1_EL1
    sys(3, 0, 0, 6, 2),    // ID_AA64ISAR2_EL1
    sys(3, 0, 0, 4, 4),    // ID_AA64ZFR0_EL1
    sys(3, 0, 0, 7, 0),    // ID_AA64MMFR0_EL1
    sys(3, 0, 1, 2, 0),    // ZCR_EL1
    sys(3, 0, 2, 1, 0),    // APIAKEYLO_EL1
    sys(2, 0, 1, 1, 4),    // OSLSR_EL1
    sys(3, 0, 1, 0, 0),    // SCTLR_EL1
    sys(3, 3, 9, 12, 0),   // PMCR_EL0
    sys(3, 3, 9, 13, 0),   // PMCCNTR_EL0
    sys(3, 3, 9, 12, 4),   // PMSWINC_EL0
    sys(3, 3, 14, 8, 0),   // PMEVCNTR0_EL0
    sys(3, 3, 14, 12, 0),  // PMEVTYPER0_EL0
    sys(3, 0, 9, 14, 2),   // PMINTENCLR_EL1
    demux(0),
    demux(1),
    demux(2),
    demux(3),
};
constexpr size_t kNumSampleIds = sizeof(kSampleIds) / sizeof(kSampleIds[0]);

// Values a register write tends to care about: PSTATE modes, PSCI
// versions, SMCCC workaround levels and bitmaps, OSLSR.
const uint64_t kRegValues[] = {0,     1,     2,       3,       0x10, 0x12, 0x13, 0x1f,
                               0x3c5, 0x1d3, 0x10000, 0x10001, 7,    8,    0xa,  ~0ull};

}  // namespace

int one_reg(const VcpuFd& c, bool set, uint64_t id, uint64_t uaddr, int ureg_fault) {
  uint64_t reg[2] = {id, uaddr};
  const uint64_t ureg =
      ureg_fault >= 0 ? kFaulting[ureg_fault % 5] : reinterpret_cast<uint64_t>(reg);
  const int r = kx_vcpu_one_reg(c.h, set, ureg);
  CHECK(reg[0] == id && reg[1] == uaddr, "ONE_REG wrote its struct kvm_one_reg");
  return r;
}

namespace {

// A successful GET wrote KVM_REG_SIZE(id) bytes: nothing past them.
void check_get_tail(uint64_t id, const RegBuf& b) {
  for (size_t i = reg_bytes(id); i < b.n; i++)
    CHECK(b.p[i] == kRegFill, "KVM_GET_ONE_REG %#llx wrote byte %zu past its %zu", (ULL)id, i,
          reg_bytes(id));
}

// A successful GET: KVM_REG_SIZE(id) bytes written, nothing past them,
// and what the model knows (the VM's SMCCC bitmaps).
void check_get_value(const VcpuFd& c, uint64_t id, const RegBuf& b) {
  check_get_tail(id, b);
  if (id >= fw_bmap(0) && id <= fw_bmap(2)) {
    const uint64_t want = g->vms[c.vm].fw_bmap[id - fw_bmap(0)];
    CHECK(b.u64() == want, "SMCCC bitmap %#llx reads %#llx, model %#llx", (ULL)id, (ULL)b.u64(),
          (ULL)want);
  }
}

// What a SET of the value a GET just returned gives for a listed id: 0,
// but for KVM_REG_ARM64_SVE_VLS after KVM_ARM_VCPU_FINALIZE (-EPERM) and
// a PSCI_VERSION of 0.1 (another vCPU of the VM wrote it) on a vCPU with
// KVM_ARM_VCPU_PSCI_0_2 (-EINVAL: 6.1's kvm_arm_set_fw_reg() too).
int roundtrip_want(const ArmVcpu& m, uint64_t id, const RegBuf& b) {
  if (id == kVls && m.finalized) return -EPERM;
  if (id == kPsciVersion && b.u64() == kPsciV01 && m.has(kPsci02)) return -EINVAL;
  return 0;
}

// A listed register reads, and takes back what it read.
void check_listed(const VcpuFd& c, uint64_t id) {
  RegBuf b(id);
  int r = one_reg(c, false, id, b.addr());
  CHECK(r == 0, "listed register %#llx: KVM_GET_ONE_REG returned %d", (ULL)id, r);
  check_get_value(c, id, b);
  const int want = roundtrip_want(c.arm, id, b);
  r = one_reg(c, true, id, b.addr());
  CHECK(r == want,
        "listed register %#llx: KVM_SET_ONE_REG of the value read (%#llx) returned %d, "
        "model %d",
        (ULL)id, (ULL)b.u64(), r, want);
}

// What KVM_{GET,SET}_ONE_REG of an id in the arm64 space may return: 0
// or the errno a block's rules give, each only where it can arise.
void check_one_reg_ret(const VcpuFd& c, bool set, uint64_t id, bool value_faults, int r) {
  const char* op = set ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG";
  switch (r) {
    case 0:
      CHECK(!value_faults, "%s %#llx succeeded with a faulting value address", op, (ULL)id);
      break;
    case -EINVAL:
    case -ENOENT:
      break;
    case -EFAULT:
      CHECK(value_faults, "%s %#llx: -EFAULT with a valid value buffer", op, (ULL)id);
      break;
    case -EPERM:
      CHECK(coproc(id) == kSve, "%s %#llx: -EPERM outside the SVE block", op, (ULL)id);
      break;
    case -EBUSY:
      CHECK(set && coproc(id) == kFwBmap && g->vms[c.vm].ran,
            "%s %#llx: -EBUSY, not an SMCCC bitmap of a VM that ran", op, (ULL)id);
      break;
    default:
      fail("%s %#llx returned %d: not 0 or an errno of the arm64 registers", op, (ULL)id, r);
  }
  if (c.arm.listed(id) && !value_faults) {
    if (!set) CHECK(r == 0, "listed register %#llx: KVM_GET_ONE_REG returned %d", (ULL)id, r);
    CHECK(r != -ENOENT, "listed register %#llx: %s returned -ENOENT", (ULL)id, op);
  }
}

// A register id: mostly one the vCPU's list (or another vCPU's, or the
// samples) has, else a mutation of one (size, SVE slice, coprocessor, low
// bits, one bit, a neighbour, the encoding, the architecture), a sample,
// or anything.
uint64_t mutate_id(Input& in, uint64_t id, unsigned kind) {
  switch (kind % 8) {
    case 0:
      return (id & ~kSizeMask) | static_cast<uint64_t>(in.u8() & 0xf) << 52;
    case 1:
      return (id & ~0x1full) | (in.u8() & 0x1f);
    case 2: {
      const uint8_t b = in.u8();
      const uint64_t cp = b < 0xf0 ? 0x10 + b % 8 : in.u16() & 0xfff;
      return (id & ~kCoprocMask) | cp << 16;
    }
    case 3:
      return id ^ in.u16();
    case 4:
      return id ^ 1ull << (in.u8() % 64);
    case 5:
      return id + static_cast<int8_t>(in.u8());
    case 6:
      return (id & ~0xffffull) | in.u16();
    default:
      return (id & ~(0xffull << 56)) | static_cast<uint64_t>(in.u8()) << 56;
  }
}

uint64_t reg_id_sel(Input& in, const VcpuFd* c) {
  const uint8_t b = in.u8();
  const std::vector<uint64_t>* pool = nullptr;
  if (c && !c->arm.list.empty())
    pool = &c->arm.list;
  else if (!g->any_list.empty())
    pool = &g->any_list;
  auto from_pool = [&in, pool]() -> uint64_t {
    const uint16_t i = in.u16();
    return pool ? (*pool)[i % pool->size()] : kSampleIds[i % kNumSampleIds];
  };
  switch (b % 8) {
    case 4:
    case 5: {
      const uint64_t id = from_pool();
      return mutate_id(in, id, b >> 3);
    }
    case 6:
      return kSampleIds[in.u8() % kNumSampleIds];
    case 7:
      return in.u64();
    default:
      return from_pool();
  }
}

// The value of a KVM_SET_ONE_REG: zeros, input bytes, a constant, ones, a
// faulting address, or what a GET reads with one bit or one nibble
// changed.
struct ValueSpec {
  unsigned mode;
  uint64_t word;
  uint8_t bytes[32];
  unsigned nbytes;
  uint16_t pos;
  uint8_t nibble;
  uint64_t fault_addr;
  bool faults() const { return mode == 6; }
};

ValueSpec value_sel(Input& in) {
  ValueSpec v = {};
  const uint8_t b = in.u8();
  v.mode = b % 8;
  switch (v.mode) {
    case 1:
      v.word = in.u64();
      break;
    case 2:
      v.nbytes = in.u8() % 32 + 1;
      for (unsigned i = 0; i < v.nbytes; i++) v.bytes[i] = in.u8();
      break;
    case 3:
      v.pos = in.u16();
      break;
    case 4:
      v.word = kRegValues[in.u8() % 16];
      break;
    case 6:
      v.fault_addr = kFaulting[(b >> 3) % 5];
      break;
    case 7:
      v.pos = in.u8();
      v.nibble = in.u8() & 0xf;
      break;
    default:
      break;
  }
  return v;
}

void fill_value(const ValueSpec& v, const VcpuFd& c, uint64_t id, RegBuf& b) {
  const size_t size = reg_bytes(id);
  switch (v.mode) {
    case 0:
      memset(b.p.get(), 0, b.n);
      break;
    case 1:
      for (size_t i = 0; i < b.n; i++) b.p[i] = static_cast<uint8_t>(v.word >> (8 * (i % 8)));
      break;
    case 2:
      for (size_t i = 0; i < b.n; i++) b.p[i] = v.bytes[i % v.nbytes];
      break;
    case 4:
      memset(b.p.get(), 0, b.n);
      memcpy(b.p.get(), &v.word, sizeof(v.word));
      break;
    case 5:
      memset(b.p.get(), 0xff, b.n);
      break;
    case 3:
    case 7:
      if (one_reg(c, false, id, b.addr()) != 0) memset(b.p.get(), 0, b.n);
      if (v.mode == 3) {
        b.p[(v.pos / 8) % size] ^= 1u << (v.pos % 8);
      } else {
        const size_t nib = v.pos % (2 * size);
        uint8_t& byte = b.p[nib / 2];
        byte = nib % 2 ? (byte & 0x0f) | v.nibble << 4 : (byte & 0xf0) | v.nibble;
      }
      break;
    default:
      break;
  }
}

// The timer's CTL (ISTATUS) and CNT read differently as time passes.
bool time_dependent(uint64_t id) { return id == kTimerCtl || id == kTimerCnt; }

// The GIC finds vCPUs by MPIDR_EL1 (the model keeps it): after any
// successful write, read it back.
void refresh_mpidr(const VcpuFd& c) {
  RegBuf b(kMpidr);
  const int r = one_reg(c, false, kMpidr, b.addr());
  CHECK(r == 0, "KVM_GET_ONE_REG MPIDR_EL1 returned %d", r);
  g->vms[c.vm].mpidr[c.id] = b.u64();
}

}  // namespace

void op_one_reg(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t sb = in.u8();
  const VcpuFd* cp = ci >= 0 ? &g->vcpus[ci] : nullptr;
  const uint64_t id = reg_id_sel(in, cp);
  const ValueSpec vs = value_sel(in);
  const bool roundtrip = (sb >> 1) % 4 == 3;
  const bool set = roundtrip || (sb & 1);
  const int ureg_fault = (sb >> 3) % 8 == 7 ? sb >> 6 : -1;
  trace("one_reg vcpu %d %s id %#llx value mode %u%s", ci,
        roundtrip ? "GET+SET"
        : set     ? "SET"
                  : "GET",
        (ULL)id, roundtrip ? 0 : vs.mode, ureg_fault >= 0 ? " (struct faults)" : "");
  if (!cp) return;
  const VcpuFd& c = *cp;
  RegBuf b(id);
  const bool value_faults = !roundtrip && vs.faults();
  const uint64_t uaddr = value_faults ? vs.fault_addr : b.addr();

  // Before the id is looked at: exact.
  int want = 1;
  if (!c.arm.inited)
    want = -ENOEXEC;
  else if (ureg_fault >= 0)
    want = -EFAULT;
  else if (!arm64_space(id))
    want = -EINVAL;
  if (want != 1) {
    const int r = one_reg(c, set, id, uaddr, ureg_fault);
    trace("  -> %d (model %d)", r, want);
    expect_ret("kx_vcpu_one_reg", r, want, false);
    for (size_t i = 0; i < b.n; i++)
      CHECK(b.p[i] == kRegFill, "refused KVM_GET/SET_ONE_REG touched the value");
    return;
  }

  if (roundtrip) {
    int r = one_reg(c, false, id, b.addr());
    check_one_reg_ret(c, false, id, false, r);
    if (r != 0) {
      trace("  GET -> %d", r);
      return;
    }
    check_get_value(c, id, b);
    const int rt = c.arm.listed(id) ? roundtrip_want(c.arm, id, b) : 1;
    r = one_reg(c, true, id, b.addr());
    trace("  GET %#llx..., SET it -> %d%s", (ULL)b.u64(), r, rt == 1 ? " (not listed)" : "");
    check_one_reg_ret(c, true, id, false, r);
    if (rt != 1) expect_ret("KVM_SET_ONE_REG of the value read", r, rt, false);
    if (r == 0) refresh_mpidr(c);
    return;
  }

  if (set && !value_faults) fill_value(vs, c, id, b);
  // A failed write changes nothing: read before and after.
  const bool probe = set && !value_faults && !time_dependent(id);
  RegBuf before(id);
  const int rb = probe ? one_reg(c, false, id, before.addr()) : -1;
  const int r = one_reg(c, set, id, uaddr);
  trace("  %s%#llx... -> %d", set ? "value " : "", (ULL)(value_faults ? uaddr : b.u64()), r);
  check_one_reg_ret(c, set, id, value_faults, r);
  if (!set && r == 0) check_get_value(c, id, b);
  if (set && r == 0 && id >= fw_bmap(0) && id <= fw_bmap(2))
    g->vms[c.vm].fw_bmap[id - fw_bmap(0)] = b.u64();
  if (set && r == 0) refresh_mpidr(c);
  if (probe && r != 0 && rb == 0) {
    RegBuf after(id);
    const int ra = one_reg(c, false, id, after.addr());
    CHECK(ra == 0 && memcmp(before.p.get(), after.p.get(), before.n) == 0,
          "failed KVM_SET_ONE_REG %#llx (%d) changed the register (GET %d)", (ULL)id, r, ra);
  }
}

namespace {

// A successful list: every id in the arm64 space with a size ONE_REG
// copies, none twice, the same list as before (the features cannot
// change); then every id (a sample once this input's sweeps are spent)
// reads and takes back its value.
void record_list(VcpuFd& c, const uint64_t* ids, uint32_t n, uint8_t sample_start) {
  std::vector<uint64_t> list(ids, ids + n);
  std::vector<uint64_t> sorted = list;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < n; i++) {
    CHECK(arm64_space(list[i]) && reg_bytes(list[i]) <= 256,
          "KVM_GET_REG_LIST: id %u %#llx is no arm64 register id", i, (ULL)list[i]);
    CHECK(i == 0 || sorted[i] != sorted[i - 1], "KVM_GET_REG_LIST lists %#llx twice",
          (ULL)sorted[i]);
  }
  if (!c.arm.list.empty()) {
    CHECK(c.arm.list == list, "KVM_GET_REG_LIST changed without a KVM_ARM_VCPU_INIT");
  }
  c.arm.list = list;
  c.arm.sorted = sorted;
  g->any_list = list;
  if (g->sweeps > 0) {
    g->sweeps--;
    for (uint64_t id : list) check_listed(c, id);
    trace("  all %u listed registers read and written back", n);
    return;
  }
  const uint32_t stride = n / 16 ? n / 16 : 1;
  for (uint32_t k = 0; k < 16 && k < n; k++) check_listed(c, list[(sample_start + k * stride) % n]);
  trace("  16 listed registers read and written back");
}

// One KVM_GET_REG_LIST with n: a heap buffer for n and as many ids as the
// call may write (ASan: not one more), or a faulting address.
int reg_list_call(VcpuFd& c, uint64_t n, int fault, uint8_t sample_start) {
  const uint32_t need = c.arm.inited ? reg_count(c.arm) : 0;
  const uint32_t n_cmp = static_cast<uint32_t>(n);  // arm.c keeps n in an unsigned int
  int want = 0;
  if (!c.arm.inited)
    want = -ENOEXEC;
  else if (c.arm.has(kSveF) && !c.arm.finalized)
    want = -EPERM;
  else if (fault >= 0)
    want = -EFAULT;
  else if (n_cmp < need)
    want = -E2BIG;
  const uint64_t words = 1 + std::min<uint64_t>(n, need ? need : 512);
  std::unique_ptr<uint64_t[]> buf(new uint64_t[words]);
  buf[0] = n;
  for (uint64_t i = 1; i < words; i++) buf[i] = kIdFill;
  const uint64_t uaddr = fault >= 0 ? kFaulting[fault % 5] : reinterpret_cast<uint64_t>(buf.get());
  const int r = kx_vcpu_arm64_reg_list(c.h, uaddr);
  trace("  n %llu -> %d (model %d), n now %llu", (ULL)n, r, want, (ULL)buf[0]);
  // The id array is allocated when the list is copied out.
  expect_ret("kx_vcpu_arm64_reg_list", r, want, want == 0 && g->inject);
  if (fault >= 0) return r;
  if (r == -ENOEXEC || r == -EPERM)
    CHECK(buf[0] == n, "refused KVM_GET_REG_LIST wrote n");
  else
    CHECK(buf[0] == need, "KVM_GET_REG_LIST wrote n %llu, %u registers listed", (ULL)buf[0], need);
  if (r != 0) {
    for (uint64_t i = 1; i < words; i++)
      CHECK(buf[i] == kIdFill, "failed KVM_GET_REG_LIST (%d) wrote id %llu", r, (ULL)i - 1);
    return r;
  }
  record_list(c, &buf[1], need, sample_start);
  return r;
}

}  // namespace

// n: none, one short, exactly the count, more, or from the input (small,
// with bits above 32, anything); or a faulting address. A -E2BIG is
// followed by a call with the count it reported, as userspace does.
void op_reg_list(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t nb = in.u8();
  uint64_t raw = 0;
  if (nb % 8 == 4) raw = in.u16();
  if (nb % 8 == 5) raw = static_cast<uint64_t>(in.u8() % 4 + 1) << 32 | in.u16();
  if (nb % 8 == 6) raw = in.u64();
  const uint8_t sample_start = in.u8();
  trace("reg_list vcpu %d n mode %u", ci, nb % 8);
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  const uint64_t need = c.arm.inited ? reg_count(c.arm) : 0;
  uint64_t n = raw;
  switch (nb % 8) {
    case 0:
      n = 0;
      break;
    case 1:
      n = need ? need - 1 : 0;
      break;
    case 2:
      n = need;
      break;
    case 3:
      n = need + (nb >> 3);
      break;
    default:
      break;
  }
  const int fault = nb % 8 == 7 ? (nb >> 3) % 5 : -1;
  if (reg_list_call(c, n, fault, sample_start) == -E2BIG)
    reg_list_call(c, reg_count(c.arm), -1, sample_start);
}

namespace {

// Whether a memslot that is not read-only holds gfn.
bool writable_gfn(const VmModel& v, uint64_t gfn) {
  for (const auto& [id, s] : v.slots) {
    if (gfn >= s.base_gfn && gfn - s.base_gfn < s.npages) return !(s.flags & KX_MEM_READONLY);
  }
  return false;
}

constexpr uint64_t kPvTimeFeatures = 0xc5000020, kPvTimeSt = 0xc5000021;

constexpr uint64_t kSmcccNotSupported = ~0ull;
constexpr uint32_t kStolenTimeBytes = 64;

}  // namespace

void vcpu_attr_call(VcpuFd& c, int op, const AttrSpec& s) {
  const VmModel& v = g->vms[c.vm];
  const Arch& a = g_arch[v.p];
  const bool pvtime = v.p == KX_ARM64 && s.a.group == kPvtimeCtrl && s.a.attr == kPvtimeIpa;
  const bool devices = v.p == KX_ARM64 && (s.a.group == 0 || s.a.group == 1);
  uint64_t payload = 0;
  if (!s.payload_faults) memcpy(&payload, reinterpret_cast<const void*>(s.a.addr), 8);
  int want = 0;
  int32_t got_out = 0;
  if (!a.vcpu_attr)
    want = a.unknown_vcpu;
  else if (s.uattr_faults)
    want = -EFAULT;
  else if (devices)
    want = pmu_timer_model(c, op, s, payload, &got_out);
  else if (!pvtime)
    want = -ENXIO;
  else if (op == KX_ATTR_HAS)
    want = 0;
  else if (s.payload_faults)
    want = -EFAULT;
  else if (op == KX_ATTR_GET)
    want = 0;
  else if (payload % 64)
    want = -EINVAL;
  else if (c.arm.pvtime != ~0ull)
    want = -EEXIST;
  else if (!writable_gfn(v, payload / kPage))
    want = -EINVAL;
  const int r = kx_vcpu_attr(c.h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  // The PMU event filter's bitmap is allocated by its first SET: an
  // injected allocation failure makes that -ENOMEM (the model keeps no
  // filter, so nothing is undone).
  const bool filter_allocates = devices && op == KX_ATTR_SET && s.a.group == 0 && s.a.attr == 2;
  expect_ret("kx_vcpu_attr", r, want, g->inject && filter_allocates && want == 0);
  if (s.payload_faults) return;
  uint64_t after;
  memcpy(&after, reinterpret_cast<const void*>(s.a.addr), 8);
  if (devices && r == 0 && op == KX_ATTR_GET) {
    CHECK(static_cast<int32_t>(after) == got_out && after >> 32 == payload >> 32,
          "vCPU attribute group %u GET wrote %#llx, model %d", s.a.group, (ULL)after, got_out);
  } else if (!devices && r == 0 && op == KX_ATTR_GET) {
    CHECK(after == c.arm.pvtime, "KVM_ARM_VCPU_PVTIME_IPA reads %#llx, model %#llx", (ULL)after,
          (ULL)c.arm.pvtime);
  } else {
    CHECK(after == payload, "vCPU attribute %s (%d) wrote its payload", op_name(op), r);
  }
  if (r == 0 && op == KX_ATTR_SET && pvtime) c.arm.pvtime = payload;
}

// The PVTIME attribute with addresses that matter: in a slot (aligned or
// not), just past one, GPA_INVALID, low, anything, or a faulting payload;
// or the guest's side, the PV-time hypercalls.
void op_pvtime(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t ob = in.u8();
  const int op = ob % 4;
  if (op == 3) {
    const uint8_t hb = in.u8();
    static const uint64_t kIds[] = {kPvTimeFeatures, kPvTimeSt, kPvTimeSt + 1, 0xc5000000};
    const uint64_t fid = kIds[hb % 4];
    static const uint64_t kArgs[] = {kPvTimeFeatures, kPvTimeSt, 1ull << 32 | kPvTimeSt, 0};
    const uint64_t arg = (hb >> 2) % 8 < 4 ? kArgs[(hb >> 2) % 4] : in.u64();
    trace("pv-time hypercall vcpu %d %#llx arg %#llx", ci, (ULL)fid, (ULL)arg);
    if (ci >= 0) arm64_hypercall(g->vcpus[ci], 0, fid, 8, arg, "kx_vcpu_guest_access");
    return;
  }
  const uint8_t ab = in.u8();
  const uint64_t attr = ab < 0xe0 ? kPvtimeIpa : ab < 0xf8 ? ab & 7 : in.u64();
  const VmModel* v = ci >= 0 ? &g->vms[g->vcpus[ci].vm] : nullptr;
  const uint8_t pb = in.u8();
  const SlotModel* s = nth_slot(v, in.u8(), nullptr);
  const uint64_t base = s ? s->base_gfn * kPage : 0, size = s ? s->npages * kPage : kPage;
  uint64_t ipa = 0;
  switch (pb % 8) {
    case 0:
      ipa = base + in.u16() * 64ull % size;
      break;
    case 1:
      ipa = base + in.u16() % size;
      break;
    case 2:
      ipa = base + size;
      break;
    case 3:
      ipa = ~0ull;
      break;
    case 4:
      ipa = in.u64();
      break;
    case 5:
      ipa = in.u16() * 64ull;
      break;
    default:
      break;
  }
  AttrSpec sp = {};
  sp.a.group = kPvtimeCtrl;
  sp.a.attr = attr;
  sp.payload_faults = pb % 8 >= 6;
  uint8_t* payload = g_user + kPayloadOffset;
  memcpy(payload, &ipa, sizeof(ipa));
  sp.a.addr = sp.payload_faults ? kFaulting[(pb >> 3) % 5] : reinterpret_cast<uint64_t>(payload);
  sp.uattr_faults = (ob >> 2) % 8 == 7;
  memcpy(g_user, &sp.a, sizeof(sp.a));
  sp.uattr = sp.uattr_faults ? kFaulting[(ob >> 5) % 5] : reinterpret_cast<uint64_t>(g_user);
  trace("pvtime vcpu %d %s attr %llu ipa %#llx%s%s", ci, op_name(op), (ULL)attr, (ULL)ipa,
        sp.payload_faults ? " (payload faults)" : "", sp.uattr_faults ? " (uattr faults)" : "");
  if (ci < 0) return;
  vcpu_attr_call(g->vcpus[ci], op, sp);
}

void arm64_hypercall(const VcpuFd& c, unsigned flags, uint64_t addr, unsigned len, uint64_t data,
                     const char* what) {
  VmModel& v = g->vms[c.vm];
  const bool allowed = v.fw_bmap[1] & 1;
  const uint64_t base = c.arm.pvtime;
  const int want = 0;
  uint64_t ret = kSmcccNotSupported;
  SlotModel* slot = nullptr;
  uint64_t hva = 0;
  if (addr != kPvTimeFeatures && addr != kPvTimeSt) {
    // The other ids drawn (0xc5000022, 0xc5000000) are standard-hypervisor
    // calls KVM does not offer: SMCCC's NOT_SUPPORTED.
  } else if (addr == kPvTimeFeatures) {
    const uint32_t f = static_cast<uint32_t>(data);
    if (allowed && (f == kPvTimeFeatures || f == kPvTimeSt) && base != ~0ull) ret = 0;
  } else if (allowed && base != ~0ull) {
    ret = base;
    for (auto& [id, s] : v.slots) {
      const uint64_t gfn = base / kPage;
      if (gfn < s.base_gfn || gfn - s.base_gfn >= s.npages) continue;
      if (!(s.flags & KX_MEM_READONLY)) {
        slot = &s;
        hva = s.uaddr + (base - s.base_gfn * kPage);
      }
      break;
    }
    if (slot && !user_ok(hva, kStolenTimeBytes)) slot = nullptr;  // the write faults: ignored
    if (slot && !in_ram(hva, kStolenTimeBytes)) {
      trace("  %s: PV_TIME_ST skipped (host address outside the arena)", what);
      return;
    }
  }
  uint8_t* st = slot ? reinterpret_cast<uint8_t*>(hva) : nullptr;
  if (st) {
    touch(hva);
    memset(st, 0x5a, kStolenTimeBytes);  // as the VMM could have left it
  }
  kx_guest_access acc = {KX_ACCESS_HYPERCALL, flags, addr, len, kResultSentinel, data};
  kx_exit exit = {};
  exit.reason = KX_EXIT_UNKNOWN;
  const int r = kx_vcpu_guest_access(c.h, &acc, &exit);
  trace("  %s: hypercall %#llx arg %#llx -> %d result %u x0 %#llx (model %d, %#llx)", what,
        (ULL)addr, (ULL)data, r, acc.result, (ULL)acc.data, want, (ULL)ret);
  expect_ret(what, r, want, false);
  CHECK(!exit.set, "%s: a hypercall set an exit", what);
  if (r != 0) {
    CHECK(acc.result == kResultSentinel && acc.data == data, "%s: failed hypercall changed it",
          what);
    return;
  }
  CHECK(acc.result == KX_ACCESS_RESULT_KERNEL && acc.data == ret,
        "%s: hypercall %#llx: result %u x0 %#llx, model %u %#llx", what, (ULL)addr, acc.result,
        (ULL)acc.data, KX_ACCESS_RESULT_KERNEL, (ULL)ret);
  if (!st) return;
  for (uint32_t i = 0; i < kStolenTimeBytes; i++)
    CHECK(st[i] == 0, "PV_TIME_ST left byte %u of the stolen-time structure at %#llx", i,
          (ULL)base);
  const uint64_t page = base / kPage - slot->base_gfn;
  if (slot->logging() && slot->dirty_known) slot->dirty[page / 64] |= 1ull << (page % 64);
}

}  // namespace spine
