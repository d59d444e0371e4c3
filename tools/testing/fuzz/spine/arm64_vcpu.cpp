// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 vCPU configuration: KVM_ARM_VCPU_INIT,
// KVM_ARM_VCPU_FINALIZE (kx_vcpu_arm64_*: kvm_ext/vm.c calls them on arm64
// vCPUs only, and so does the harness) and the emulated host
// (kx_arm64_set_host()).
//
// arm64 vCPUs (userspace-api.rst "arm64") are modelled per vCPU (init,
// features, finalized, last register list, PVTIME IPA: ArmVcpu) and per
// VM (the host snapshot, the EL1 width, whether a vCPU ran, the SMCCC
// bitmaps): INIT and FINALIZE exactly, in 6.1's order of checks; KVM_RUN's
// -ENOEXEC/-EPERM gates (vm.cpp); INIT resets the core registers,
// MPIDR_EL1 and a finalized vCPU's SVE registers. The registers are
// arm64_regs.cpp's.

#include "arm64_vcpu.h"

#include "arm64_regs.h"

namespace spine {

using namespace a64;

int pick_arm64_vcpu(uint8_t b) {
  int idx[kMaxVcpuFds], n = 0;
  for (int i = 0; i < kMaxVcpuFds; i++) {
    if (g->vcpus[i].open && g->vms[g->vcpus[i].vm].p == KX_ARM64) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

namespace {

// KVM_ARM_VCPU_INIT as kvm_vcpu_set_target() and kvm_reset_vcpu() check
// it: the target, then each feature bit in order (unknown -ENOENT, a
// re-init that differs -EINVAL), then what the VM's host lacks, pointer
// auth halves, the VM's EL1 width.
int plan_init(const VmModel& v, const ArmVcpu& m, unsigned target, const uint32_t f[7]) {
  if (target != kTargetGenericV8) return -EINVAL;
  for (unsigned i = 0; i < 7 * 32; i++) {
    const bool set = (f[i / 32] >> (i % 32)) & 1;
    if (set && i >= kNumFeatures) return -ENOENT;
    if (m.inited && i < kNumFeatures && m.has(i) != set) return -EINVAL;
  }
  const uint32_t want = f[0];
  auto wants = [want](int b) { return (want >> b) & 1; };
  const kx_arm64_host& h = v.host;
  if (wants(kSveF) && !h.sve) return -EINVAL;
  if ((wants(kPacA) || wants(kPacG)) &&
      !(wants(kPacA) && wants(kPacG) && h.ptrauth_address && h.ptrauth_generic))
    return -EINVAL;
  if (wants(kPmuV3) && !h.pmuv3) return -EINVAL;
  const bool is32 = wants(kEl132);
  if (v.width_set ? is32 != v.width32 : is32 && !h.el1_32bit) return -EINVAL;
  return 0;
}

// After a successful KVM_ARM_VCPU_INIT, kvm_reset_vcpu()'s values: X0-30,
// SP, PC, the AArch32 SPSRs, V0-31, FPSR and FPCR zero, PSTATE the reset
// mode, MPIDR_EL1 from the vCPU id, and a finalized vCPU's Z, P and FFR
// zero (kvm_vcpu_reset_sve()).
void check_reset(const VcpuFd& c, bool sve_was_finalized) {
  const ArmVcpu& m = c.arm;
  auto expect = [&c](uint64_t id, uint64_t want) {
    RegBuf b(id);
    const int r = one_reg(c, false, id, b.addr());
    CHECK(r == 0, "after KVM_ARM_VCPU_INIT: KVM_GET_ONE_REG %#llx returned %d", (ULL)id, r);
    for (size_t i = 0; i < reg_bytes(id); i++) {
      const uint8_t w = i < 8 ? static_cast<uint8_t>(want >> (8 * i)) : 0;
      CHECK(b.p[i] == w, "after KVM_ARM_VCPU_INIT: register %#llx byte %zu is %#x, reset value %#x",
            (ULL)id, i, b.p[i], w);
    }
  };
  for (uint64_t off = 0; off < kOffPstate; off += 2) expect(core(kU64, off), 0);
  expect(core(kU64, kOffPstate), m.has(kEl132) ? kResetPstateSvc : kResetPstateEl1);
  for (uint64_t off = kOffSpsr + 2; off <= kOffSpsr + 8; off += 2) expect(core(kU64, off), 0);
  if (!m.has(kSveF)) {
    for (uint64_t i = 0; i < 32; i++) expect(core(kU128, kOffVregs + 4 * i), 0);
  }
  expect(core(kU32, kOffFpsr), 0);
  expect(core(kU32, kOffFpcr), 0);
  const uint64_t id = c.id;
  expect(kMpidr, 1ull << 31 | (id & 0xf) | ((id >> 4) & 0xff) << 8 | ((id >> 12) & 0xff) << 16);
  if (m.has(kSveF) && sve_was_finalized) {
    for (uint64_t n = 0; n < 32; n++) expect(zreg(n, 0), 0);
    for (uint64_t n = 0; n <= 16; n++) expect(preg(n, 0), 0);
  }
}

// KVM_ARM_VCPU_INIT's features: mostly bits 0-6 (any, or a preset), now
// and then another bit or whole words.
void features_sel(Input& in, uint32_t f[7]) {
  static const uint32_t kPresets[] = {
      0,
      1u << kPsci02,
      1u << kSveF | 1u << kPsci02,
      1u << kPacA | 1u << kPacG | 1u << kPsci02,
      1u << kPmuV3 | 1u << kPsci02,
      1u << kSveF | 1u << kPacA | 1u << kPacG | 1u << kPmuV3 | 1u << kPsci02,
      1u << kEl132 | 1u << kPsci02,
      1u << kPowerOff | 1u << kSveF | 1u << kPmuV3,
  };
  for (int i = 0; i < 7; i++) f[i] = 0;
  const uint8_t b = in.u8();
  if (b < 0x80) {
    f[0] = b;
  } else if (b < 0xc0) {
    f[0] = kPresets[b % 8];
  } else if (b < 0xf0) {
    f[0] = in.u8() & 0x7f;
    const unsigned bit = in.u8() % (7 * 32);
    f[bit / 32] |= 1u << (bit % 32);
  } else if (b < 0xff) {
    f[0] = in.u32();
  } else {
    for (int i = 0; i < 7; i++) f[i] = in.u32();
  }
}

}  // namespace

void op_arm_init(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t tb = in.u8();
  const unsigned target = tb < 0xf0 ? kTargetGenericV8 : tb < 0xf8 ? tb & 7 : in.u32();
  uint32_t f[7];
  features_sel(in, f);
  trace("arm64_init vcpu %d target %u features %#x %#x %#x %#x %#x %#x %#x", ci, target, f[0], f[1],
        f[2], f[3], f[4], f[5], f[6]);
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  VmModel& v = g->vms[c.vm];
  const int want = plan_init(v, c.arm, target, f);
  const int r = kx_vcpu_arm64_init(c.h, target, f);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vcpu_arm64_init", r, want, false);
  if (r != 0) return;  // a refused call changes nothing (userspace-api.rst)
  const bool was_finalized = c.arm.finalized;
  c.arm.inited = true;
  c.arm.features = f[0];
  v.mpidr[c.id] = 1ull << 31 | (c.id & 0xf) | ((c.id >> 4) & 0xff) << 8 |
                  ((c.id >> 12) & 0xffull) << 16;  // reset_mpidr()
  v.width_set = true;
  v.width32 = c.arm.has(kEl132);
  check_reset(c, was_finalized);
}

// KVM_ARM_VCPU_FINALIZE: -ENOEXEC before init (the argument unread),
// -EFAULT, then kvm_arm_vcpu_finalize(): only SVE on an SVE vCPU, once.
void op_arm_finalize(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t wb = in.u8();
  const int what = wb < 0xe0 ? kSveF : wb < 0xf8 ? wb & 7 : static_cast<int>(in.u32());
  const uint8_t pb = in.u8();
  const bool faults = pb % 8 == 7;
  trace("arm64_finalize vcpu %d what %d%s", ci, what, faults ? " (faulting)" : "");
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  std::unique_ptr<int> arg(new int(what));
  const uint64_t uaddr = faults ? kFaulting[(pb >> 3) % 5] : reinterpret_cast<uint64_t>(arg.get());
  int want = 0;
  if (!c.arm.inited)
    want = -ENOEXEC;
  else if (faults)
    want = -EFAULT;
  else if (what != kSveF || !c.arm.has(kSveF))
    want = -EINVAL;
  else if (c.arm.finalized)
    want = -EPERM;
  const int r = kx_vcpu_arm64_finalize(c.h, uaddr);
  trace("  -> %d (model %d)", r, want);
  // The SVE register file is allocated here.
  expect_ret("kx_vcpu_arm64_finalize", r, want, want == 0 && g->inject);
  CHECK(*arg == what, "KVM_ARM_VCPU_FINALIZE wrote its argument");
  if (r == 0) c.arm.finalized = true;
}

// kx_arm64_set_host() (the module parameters): VMs created after it see
// the new host. The IPA limit stays (KVM_CHECK_EXTENSION's snapshot).
void op_arm_host(Input& in) {
  static const uint32_t kVqs[] = {0xb, 0x1, 0xffff, 0x8001, 0x3, 0x80, 0, 0x10000};
  const uint8_t hb = in.u8();
  const uint8_t vb = in.u8();
  kx_arm64_host h = g_default_host;
  if (!(hb & 0x80)) {
    h.gicv2 = !((hb >> 6) & 1);
    h.sve = hb & 1;
    h.ptrauth_address = (hb >> 1) & 1;
    h.ptrauth_generic = (hb >> 2) & 1;
    h.pmuv3 = (hb >> 3) & 1;
    h.el1_32bit = (hb >> 4) & 1;
    h.el0_32bit = (hb >> 5) & 1;
    h.sve_vqs = vb < 0xf0 ? kVqs[vb % 8] : in.u32();
  }
  trace("arm64_host sve %u vqs %#x ptrauth %u/%u pmuv3 %u el1_32 %u el0_32 %u gicv2 %u", h.sve,
        h.sve_vqs, h.ptrauth_address, h.ptrauth_generic, h.pmuv3, h.el1_32bit, h.el0_32bit,
        h.gicv2);
  const int want = h.sve && (h.sve_vqs == 0 || h.sve_vqs >> 16) ? -EINVAL : 0;
  const int r = kx_arm64_set_host(&h);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_arm64_set_host", r, want, false);
  if (r == 0) g->host = h;
  kx_arm64_host now;
  kx_arm64_get_host(&now);
  const kx_arm64_host& m = g->host;
  CHECK(now.sve == m.sve && now.sve_vqs == m.sve_vqs && now.ptrauth_address == m.ptrauth_address &&
            now.ptrauth_generic == m.ptrauth_generic && now.pmuv3 == m.pmuv3 &&
            now.el1_32bit == m.el1_32bit && now.el0_32bit == m.el0_32bit && now.gicv2 == m.gicv2 &&
            now.ras == m.ras && now.ipa_bits == m.ipa_bits,
        "kx_arm64_get_host() differs from the host last set");
}

}  // namespace spine
