// SPDX-License-Identifier: GPL-2.0
// arm64 vCPU configuration: KVM_ARM_VCPU_INIT (kvm_vcpu_set_target() and
// kvm_reset_vcpu()), KVM_ARM_VCPU_FINALIZE, and the SVE vector-length
// pseudo-register KVM_REG_ARM64_SVE_VLS (api.rst 4.82, 4.68, 4.119).
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace {

KX_LOCK_CLASS(arm64_host_lock);
kx_mutex g_host_lock;
HostCaps g_host;

// struct kvm_regs in 32-bit units (see kCoreRegsBytes).
constexpr u32 kCoreWords = kCoreRegsBytes / 4;
constexpr u32 kOffSp = 62, kOffPc = 64, kOffPstate = 66, kOffSpsr = 72, kOffVregs = 84;
constexpr u32 kOffFpsr = 212, kOffFpcr = 213;

// PSTATE modes (PSR_AA32_MODE_*, PSR_MODE_EL*).
constexpr u64 kModeMask = 0x1f, kMode32Bit = 0x10;
constexpr u64 kResetPstateEl1 = 0x5 | 0x100 | 0x80 | 0x40 | 0x200;  // EL1h, A, I, F, D
constexpr u64 kResetPstateSvc = 0x13 | 0x100 | 0x80 | 0x40;         // SVC, A, I, F

// The SVE register file at a vector length of vq quadwords.
usize sve_state_bytes(u32 vq) { return 32 * vq * 16 + 16 * vq * 2 + vq * 2; }

}  // namespace

void host_init() {
  kx_mutex_init(&g_host_lock, &arm64_host_lock_class);
  g_host = HostCaps();
}

HostCaps host() {
  kx_mutex_lock(&g_host_lock);
  HostCaps h = g_host;
  kx_mutex_unlock(&g_host_lock);
  return h;
}

kx::Status set_host(const HostCaps& h) {
  if (h.ipa_bits < KX_ARM64_MIN_IPA_BITS || h.ipa_bits > 52) return kx::error(kx::kEINVAL);
  if (h.sve && (h.sve_vqs == 0 || h.sve_vqs >> kSveVqMax)) return kx::error(kx::kEINVAL);
  kx_mutex_lock(&g_host_lock);
  g_host = h;
  kx_mutex_unlock(&g_host_lock);
  return kx::Status::ok();
}

// Every arm64 VM and vCPU has this state (vm_create(), vcpu_create()).
VcpuState& state(Vcpu& vcpu) { return static_cast<VcpuState&>(*vcpu.arch()); }
VmState& vm_state(Vm& vm) { return static_cast<VmState&>(*vm.arch()); }
const VmState& vm_state(const Vm& vm) { return static_cast<const VmState&>(*vm.arch()); }

namespace {

u64& core_u64(VcpuState& s, u32 off) { return *reinterpret_cast<u64*>(&s.core[off * 4]); }

// kvm_reset_vcpu(): the general-purpose and FP/SIMD registers and the
// four AArch32 SPSRs are zeroed, PSTATE takes the reset mode. SP_EL1,
// ELR_EL1 and SPSR_EL1 are system registers with no reset value in KVM's
// table: they keep what they had (zero on a new vCPU).
void reset_core(VcpuState& s, bool el1_32bit) {
  for (u32 w = 0; w < kOffSp + 6; w++) reinterpret_cast<u32*>(s.core)[w] = 0;  // X, SP, PC, PSTATE
  for (u32 w = kOffSpsr + 2; w < kCoreWords; w++) reinterpret_cast<u32*>(s.core)[w] = 0;
  core_u64(s, kOffPstate) = el1_32bit ? kResetPstateSvc : kResetPstateEl1;
}

// core_reg_size_from_offset(): the size of the register starting at
// `off`, or 0 where none starts. V registers belong to the SVE registers
// on an SVE vCPU.
u32 core_reg_size(const VcpuState& s, u64 off) {
  u32 size;
  if (off <= kOffSpsr + 2 * 4)  // X0-30, SP, PC, PSTATE, SP_EL1, ELR_EL1, SPSR[0-4]
    size = 8;
  else if (off >= kOffVregs && off < kOffVregs + 32 * 4)
    size = 16;
  else if (off == kOffFpsr || off == kOffFpcr)
    size = 4;
  else
    return 0;
  if (off % (size / 4)) return 0;
  if (size == 16 && s.has(kSve)) return 0;
  return size;
}

}  // namespace

// KVM_ARM_VCPU_INIT. Linux applies feature bits as it checks them and
// fixes the VM's register width before the later checks; here a refused
// call changes nothing, as the documents ask of every failed call.
kx::Status vcpu_init(Vcpu& vcpu, u32 target, const u32 features[7]) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  VcpuState& s = state(vcpu);
  const HostCaps& h = vm_state(vcpu.vm()).host;
  kx::Status status;
  u32 want = 0;

  if (target != kTargetGenericV8 || (s.initialized() && static_cast<u32>(s.target) != target))
    status = kx::error(kx::kEINVAL);
  for (u32 i = 0; status.is_ok() && i < 7 * 32; i++) {
    const bool set = (features[i / 32] >> (i % 32)) & 1;
    if (set && i >= kMaxFeatures) {
      status = kx::error(kx::kENOENT);  // unknown feature
    } else if (s.initialized() && i < kMaxFeatures && s.has(static_cast<Feature>(i)) != set) {
      status = kx::error(kx::kEINVAL);  // re-init with other features
    } else if (set) {
      want |= 1u << i;
    }
  }
  auto wants = [want](Feature f) { return (want >> f) & 1; };
  if (status.is_ok()) {
    // kvm_reset_vcpu(): what the host cannot give.
    if (wants(kSve) && !s.sve_finalized && !h.sve) status = kx::error(kx::kEINVAL);
    if ((wants(kPtrauthAddress) || wants(kPtrauthGeneric)) &&
        (!wants(kPtrauthAddress) || !wants(kPtrauthGeneric) || !h.full_ptrauth()))
      status = kx::error(kx::kEINVAL);
    if (wants(kPmuV3) && !h.pmuv3) status = kx::error(kx::kEINVAL);
  }
  if (status.is_ok()) {
    // kvm_set_vm_width(): every vCPU of a VM has the same EL1 width.
    Vm& vm = vcpu.vm();
    const bool is32 = wants(kEl132Bit);
    VmState& vs = vm_state(vm);
    kx::Guard<kx::Mutex> guard(&vm.lock);
    if (vs.width_configured) {
      if (is32 != vs.el1_32bit) status = kx::error(kx::kEINVAL);
    } else if (is32 && !h.el1_32bit) {
      status = kx::error(kx::kEINVAL);
    }
    if (status.is_ok()) {
      vs.width_configured = true;
      vs.el1_32bit = is32;
    }
  }
  if (status.is_ok()) {
    if (wants(kSve) && !s.sve_finalized) s.sve_max_vq = h.sve_max_vq();
    s.features = want;
    s.target = static_cast<s32>(target);
    reset_vcpu(vcpu);
    // kvm_arch_vcpu_ioctl_vcpu_init(): "start in power-off".
    power_on_state(vcpu, wants(kPowerOff));
  }
  vcpu.mutex.unlock();
  return status;
}

// kvm_reset_vcpu(): the registers take their reset values; then, if a
// PSCI CPU_ON is pending, its entry point, x0 and endianness.
void reset_vcpu(Vcpu& vcpu) {
  VcpuState& s = state(vcpu);
  reset_core(s, s.has(kEl132Bit));
  // kvm_vcpu_reset_sve(): a finalized vCPU's Z, P and FFR are zeroed.
  if (s.sve_finalized) {
    for (usize i = 0; i < sve_state_bytes(s.sve_max_vq); i++) s.sve_state[i] = 0;
  }
  reset_sys_regs(vcpu);
  s.vtimer_ctl = 0;  // kvm_timer_vcpu_reset(); CVAL keeps its value
  // vcpu_reset_hcr(): HCR_EL2.VSE clear, no SError pending.
  s.serror_pending = false;
  if (!s.reset_pending.load()) return;
  u64 pc, r0;
  bool be;
  {
    kx::Guard<kx::SpinLock> guard(&s.mp_lock);
    pc = s.reset_pc;
    r0 = s.reset_r0;
    be = s.reset_be;
    s.reset_pending.store(false);
  }
  apply_cpu_on_reset(vcpu, pc, r0, be);
}

// PSTATE's AArch32 bits (PSR_AA32_T_BIT, PSR_AA32_E_BIT) and SCTLR_EL1.EE.
constexpr u64 kPsrThumb = 1 << 5, kPsrAa32Be = 1 << 9, kSctlrEe = 1ull << 25;

void apply_cpu_on_reset(Vcpu& vcpu, u64 pc, u64 r0, bool be) {
  VcpuState& s = state(vcpu);
  const bool aa32 = s.has(kEl132Bit);
  if (aa32 && (pc & 1)) {  // a Thumb entry point
    pc &= ~1ull;
    core_u64(s, kOffPstate) |= kPsrThumb;
  }
  if (be) {
    if (aa32)
      core_u64(s, kOffPstate) |= kPsrAa32Be;
    else
      sctlr_el1(s) |= kSctlrEe;
  }
  core_u64(s, kOffPc) = pc;
  core_u64(s, 0) = r0;
}

// kvm_vcpu_is_be() for a vCPU calling from EL1.
bool vcpu_is_be(Vcpu& vcpu) {
  VcpuState& s = state(vcpu);
  if (s.has(kEl132Bit)) return core_u64(s, kOffPstate) & kPsrAa32Be;
  return sctlr_el1(s) & kSctlrEe;
}

// KVM_ARM_VCPU_FINALIZE: kvm_arm_vcpu_finalize(), after the ioctl's own
// "initialised?" (-ENOEXEC) and the read of its int argument (-EFAULT).
kx::Status vcpu_finalize(Vcpu& vcpu, u64 uaddr) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  VcpuState& s = state(vcpu);
  kx::Status status;
  s32 what = 0;
  if (!s.initialized()) {
    status = kx::error(kx::kENOEXEC);
  } else if (kx_copy_from_user(&what, uaddr, sizeof(what))) {
    status = kx::error(kx::kEFAULT);
  } else if (what != kSve || !s.has(kSve)) {
    status = kx::error(kx::kEINVAL);
  } else if (s.sve_finalized) {
    status = kx::error(kx::kEPERM);
  } else {
    s.sve_state = kx::alloc_array<u8>(sve_state_bytes(s.sve_max_vq));
    if (s.sve_state)
      s.sve_finalized = true;
    else
      status = kx::error(kx::kENOMEM);
  }
  vcpu.mutex.unlock();
  return status;
}

// get_core_reg() / set_core_reg(), under the vCPU mutex: an offset past
// struct kvm_regs -ENOENT, one where no register of the id's size starts
// -EINVAL, a PSTATE mode the vCPU cannot be in -EINVAL; writing a 32-bit
// PSTATE narrows the registers that mode banks, as Linux does.
kx::Status core_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr) {
  VcpuState& s = state(vcpu);
  const u64 off = id & ~(kRegArchMask | kRegSizeMask | kRegCore);
  const u64 size = 1ull << ((id & kRegSizeMask) >> 52);
  if (off >= kCoreWords || off + size / 4 >= kCoreWords) return kx::error(kx::kENOENT);
  if (core_reg_size(s, off) != size) return kx::error(kx::kEINVAL);
  if (!set) {
    return kx_copy_to_user(uaddr, &s.core[off * 4], size) ? kx::error(kx::kEFAULT)
                                                          : kx::Status::ok();
  }
  alignas(16) u8 value[16];
  if (kx_copy_from_user(value, uaddr, size)) return kx::error(kx::kEFAULT);
  if (off == kOffPstate) {
    const u64 mode = *reinterpret_cast<u64*>(value) & kModeMask;
    const HostCaps& h = vm_state(vcpu.vm()).host;
    const bool el1_32 = s.has(kEl132Bit);
    switch (mode) {
      case 0x10:  // USR
        if (!h.el0_32bit) return kx::error(kx::kEINVAL);
        break;
      case 0x11:
      case 0x12:
      case 0x13:
      case 0x17:
      case 0x1b:
      case 0x1f:  // FIQ..SYS
        if (!el1_32) return kx::error(kx::kEINVAL);
        break;
      case 0x0:
      case 0x4:
      case 0x5:  // EL0t, EL1t, EL1h
        if (el1_32) return kx::error(kx::kEINVAL);
        break;
      default:
        return kx::error(kx::kEINVAL);
    }
  }
  for (u64 i = 0; i < size; i++) s.core[off * 4 + i] = value[i];
  const u64 pstate = core_u64(s, kOffPstate);
  if (pstate & kMode32Bit) {
    // USR and SYS bank r0-r14 (x0-x14); privileged modes all of them.
    const u64 mode = pstate & kModeMask;
    const u32 nr = (mode == 0x10 || mode == 0x1f) ? 15 : 31;
    for (u32 i = 0; i < nr; i++) core_u64(s, 2 * i) = static_cast<u32>(core_u64(s, 2 * i));
    core_u64(s, kOffPc) = static_cast<u32>(core_u64(s, kOffPc));
  }
  return kx::Status::ok();
}

}  // namespace arm64
}  // namespace kvm

// The shim's module parameters (include/kvm_ext/core.h).
extern "C" {

int kx_arm64_set_host(const kx_arm64_host* h) {
  kvm::arm64::HostCaps c;
  c.sve = h->sve;
  c.sve_vqs = h->sve_vqs;
  c.ptrauth_address = h->ptrauth_address;
  c.ptrauth_generic = h->ptrauth_generic;
  c.pmuv3 = h->pmuv3;
  c.el1_32bit = h->el1_32bit;
  c.el0_32bit = h->el0_32bit;
  c.ras = h->ras;
  c.gicv2 = h->gicv2;
  c.ipa_bits = h->ipa_bits;
  return kvm::arm64::set_host(c).raw();
}

void kx_arm64_get_host(kx_arm64_host* h) {
  const kvm::arm64::HostCaps c = kvm::arm64::host();
  h->sve = c.sve;
  h->sve_vqs = c.sve_vqs;
  h->ptrauth_address = c.ptrauth_address;
  h->ptrauth_generic = c.ptrauth_generic;
  h->pmuv3 = c.pmuv3;
  h->el1_32bit = c.el1_32bit;
  h->el0_32bit = c.el0_32bit;
  h->ras = c.ras;
  h->gicv2 = c.gicv2;
  h->ipa_bits = c.ipa_bits;
}

}  // extern "C"
