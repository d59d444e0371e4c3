// SPDX-License-Identifier: GPL-2.0
// arm64 vCPU events and guest debug (Linux 6.1 arch/arm64/kvm/guest.c,
// arm.c, inject_fault.c, hyp/exception.c): KVM_GET/SET_VCPU_EVENTS
// (api.rst 4.31, 4.32), a pending virtual SError and an external data
// abort taken by the vCPU, and KVM_SET_GUEST_DEBUG (4.87).
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace ev {
namespace {

// struct kvm_vcpu_events, arm64's layout (64 bytes, as x86's).
struct VcpuEvents {
  u8 serror_pending;
  u8 serror_has_esr;
  u8 ext_dabt_pending;
  u8 pad[5];
  u64 serror_esr;
  u32 reserved[12];
};
static_assert(sizeof(VcpuEvents) == 64);

constexpr u64 kEsrIl = 1ull << 25;       // ESR_ELx_IL
constexpr u64 kEsrIssMask = kEsrIl - 1;  // ESR_ELx_ISS_MASK: bits 24:0
constexpr u64 kEsrIsv = 1ull << 24;      // ESR_ELx_ISV (IDS for an SError)
constexpr u64 kEsrEcShift = 26;          // ESR_ELx_EC_SHIFT
constexpr u64 kEcDabtLow = 0x24, kEcDabtCur = 0x25;
constexpr u64 kFscExtAbt = 0x10;  // ESR_ELx_FSC_EXTABT

// struct kvm_regs in 32-bit units (vcpu.cpp's kCoreRegsBytes layout).
constexpr u32 kOffX20 = 40, kOffPc = 64, kOffPstate = 66, kOffElrEl1 = 70;
constexpr u32 kOffSpsrEl1 = 72, kOffSpsrAbt = 74;  // spsr[KVM_SPSR_EL1], [KVM_SPSR_ABT]

u64& core_u64(VcpuState& s, u32 off) { return *reinterpret_cast<u64*>(&s.core[off * 4]); }

// The EL1 registers exception entry reads and writes.
constexpr u16 kSctlrEl1 = sysreg_enc(3, 0, 1, 0, 0), kTcrEl1 = sysreg_enc(3, 0, 2, 0, 2);
constexpr u16 kEsrEl1 = sysreg_enc(3, 0, 5, 2, 0), kFarEl1 = sysreg_enc(3, 0, 6, 0, 0);
constexpr u16 kVbarEl1 = sysreg_enc(3, 0, 12, 0, 0);

// PSTATE (PSR_*): AArch64 modes and bits.
constexpr u64 kModeMask = 0xf, kMode32Bit = 0x10, kModeEl0t = 0x0, kModeEl1t = 0x4, kModeEl1h = 0x5;
constexpr u64 kPsrNzcv = 0xf0000000, kPsrDit = 1ull << 24, kPsrPan = 1ull << 22,
              kPsrSsbs = 1ull << 12, kPsrDaif = 0x3c0;
constexpr u64 kSctlrSpan = 1ull << 23, kSctlrDssbs = 1ull << 44;
// AArch32 CPSR (PSR_AA32_*).
constexpr u64 kAa32Nzcvq = 0xf8000000, kAa32Dit = 1ull << 24, kAa32Ssbs = 1ull << 23,
              kAa32Pan = 1ull << 22, kAa32Ge = 0x000f0000, kAa32E = 1ull << 9, kAa32A = 1ull << 8,
              kAa32I = 1ull << 7, kAa32F = 1ull << 6, kAa32T = 1ull << 5, kAa32ModeAbt = 0x17;

// enter_exception64(vcpu, PSR_MODE_EL1h, except_type_sync).
void enter_exception64(VcpuState& s) {
  const u64 old = core_u64(s, kOffPstate);
  const u64 mode = old & (kModeMask | kMode32Bit);
  u64 offset;
  if (mode == kModeEl1h)
    offset = 0x200;  // current EL with SP_ELx
  else if (mode == kModeEl1t)
    offset = 0x0;  // current EL with SP_EL0
  else if (!(mode & kMode32Bit))
    offset = 0x400;  // lower EL, AArch64
  else
    offset = 0x600;  // lower EL, AArch32
  const u64 sctlr = sys_reg_slot(s, kSctlrEl1);
  core_u64(s, kOffElrEl1) = core_u64(s, kOffPc);
  core_u64(s, kOffPc) = sys_reg_slot(s, kVbarEl1) + offset;
  u64 now = old & (kPsrNzcv | kPsrDit | kPsrPan);  // no MTE: TCO stays clear
  if (!(sctlr & kSctlrSpan)) now |= kPsrPan;
  if (sctlr & kSctlrDssbs) now |= kPsrSsbs;
  core_u64(s, kOffPstate) = now | kPsrDaif | kModeEl1h;
  core_u64(s, kOffSpsrEl1) = old;
}

// enter_exception32(vcpu, PSR_AA32_MODE_ABT, 16): a data abort to an
// AArch32 EL1, returning 8 bytes past the faulting instruction.
void enter_exception32_dabt(VcpuState& s) {
  const u64 old = core_u64(s, kOffPstate);
  const u64 sctlr = sys_reg_slot(s, kSctlrEl1);
  u64 now = old & (kAa32Nzcvq | kAa32Dit | kAa32Pan | kAa32Ge | kAa32F);
  if (sctlr & (1ull << 31)) now |= kAa32Ssbs;  // SCTLR.DSSBS
  if (!(sctlr & kSctlrSpan)) now |= kAa32Pan;
  if (sctlr & (1ull << 25)) now |= kAa32E;  // SCTLR.EE
  if (sctlr & (1ull << 30)) now |= kAa32T;  // SCTLR.TE
  core_u64(s, kOffPstate) = now | kAa32A | kAa32I | kAa32ModeAbt;
  // host_spsr_to_spsr32(): DIT moves from bit 24 to bit 21.
  core_u64(s, kOffSpsrAbt) = (old & ~(1ull << 24 | 1ull << 21)) | (old & kAa32Dit ? 1ull << 21 : 0);
  core_u64(s, kOffX20) = static_cast<u32>(core_u64(s, kOffPc) + 8);  // LR_abt
  const u64 base = sctlr & (1ull << 13) ? 0xffff0000 : sys_reg_slot(s, kVbarEl1);
  core_u64(s, kOffPc) = static_cast<u32>(base + 16);
}

// kvm_inject_dabt() at the address of the vCPU's last MMIO exit (KVM's
// HFAR), taken at once: inject_abt64() or inject_abt32(), then the
// exception entry 6.1 makes when the vCPU next runs.
void inject_ext_dabt(Vcpu& vcpu) KX_REQUIRES(vcpu.mutex) {
  VcpuState& s = state(vcpu);
  const u64 addr = vcpu.mmio_exit_addr();
  if (s.has(kEl132Bit)) {
    // inject_abt32(): DFSR in ESR_EL1's storage, DFAR in FAR_EL1[31:0].
    constexpr u64 kTtbcrEae = 1ull << 31, kDfsrLpae = 1ull << 9;
    const bool lpae = sys_reg_slot(s, kTcrEl1) & kTtbcrEae;
    sys_reg_slot(s, kEsrEl1) = lpae ? kDfsrLpae | 0x10 : 0x08;
    u64& far = sys_reg_slot(s, kFarEl1);
    far = (far & ~0xffffffffull) | static_cast<u32>(addr);
    enter_exception32_dabt(s);
    return;
  }
  const u64 pstate = core_u64(s, kOffPstate);
  const bool lower = (pstate & kMode32Bit) || (pstate & kModeMask) == kModeEl0t;
  // IL as the exit's: an MMIO exit of the guest-access extension stands
  // for a 32-bit load or store; a vCPU that never had one has none.
  u64 esr = vcpu.had_mmio_exit() ? kEsrIl : 0;
  esr |= (lower ? kEcDabtLow : kEcDabtCur) << kEsrEcShift;
  sys_reg_slot(s, kFarEl1) = addr;
  sys_reg_slot(s, kEsrEl1) = esr | kFscExtAbt;
  enter_exception64(s);
}

// kvm_arm_vcpu_get_events(): the pending SError (HCR_EL2.VSE) and, on a
// host with RAS, its syndrome (VSESR_EL2). A pending external abort is
// never reported: it was taken when it was set.
}  // namespace
}  // namespace ev

kx::Result<long> get_vcpu_events(Vcpu& vcpu, u64 arg) {
  using namespace ev;
  VcpuEvents ev = {};
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  const VcpuState& s = state(vcpu);
  const bool initialized = s.initialized();
  ev.serror_pending = s.serror_pending;
  ev.serror_has_esr = vm_state(vcpu.vm()).host.ras;
  if (ev.serror_pending && ev.serror_has_esr) ev.serror_esr = s.serror_esr;
  vcpu.mutex.unlock();
  if (!initialized) return kx::kENOEXEC;
  if (kx_copy_to_user(arg, &ev, sizeof(ev))) return kx::kEFAULT;
  return 0;
}

namespace ev {
namespace {

// kvm_arm_vcpu_set_events() and __kvm_arm_vcpu_set_events(), with the
// document's rules where 6.1 is looser (Documentation/differences.rst):
// serror_has_esr on a host without RAS, or serror_esr outside the ISS
// field, is -EINVAL whether or not an SError is being made pending. Every
// check comes first: a refused call changes nothing. A pending SError
// cannot be cancelled (serror_pending 0 leaves one pending).
kx::Status set_events(Vcpu& vcpu, const VcpuEvents& ev) KX_REQUIRES(vcpu.mutex) {
  VcpuState& s = state(vcpu);
  for (u32 r : ev.reserved) {
    if (r) return kx::error(kx::kEINVAL);
  }
  for (u8 p : ev.pad) {
    if (p) return kx::error(kx::kEINVAL);
  }
  const bool ras = vm_state(vcpu.vm()).host.ras;
  if (ev.serror_has_esr && !ras) return kx::error(kx::kEINVAL);
  if (ev.serror_esr & ~kEsrIssMask) return kx::error(kx::kEINVAL);
  if (ev.serror_pending) {
    // kvm_set_sei_esr(); without a syndrome, kvm_inject_vabt()'s IDS.
    s.serror_pending = true;
    s.serror_esr = ev.serror_has_esr ? ev.serror_esr : kEsrIsv;
  }
  if (ev.ext_dabt_pending) inject_ext_dabt(vcpu);
  return kx::Status::ok();
}

}  // namespace
}  // namespace ev

kx::Result<long> set_vcpu_events(Vcpu& vcpu, u64 arg) {
  using namespace ev;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  kx::Status status;
  VcpuEvents ev;
  if (!state(vcpu).initialized())
    status = kx::error(kx::kENOEXEC);
  else if (kx_copy_from_user(&ev, arg, sizeof(ev)))
    status = kx::error(kx::kEFAULT);
  else
    status = set_events(vcpu, ev);
  vcpu.mutex.unlock();
  KX_TRY(status);
  return 0;
}

namespace ev {
namespace {

// struct kvm_guest_debug, arm64's layout.
struct GuestDebug {
  u32 control;
  u32 pad;
  u64 regs[kDebugRegs];  // dbg_bcr, dbg_bvr, dbg_wcr, dbg_wvr: 16 each
};
static_assert(sizeof(GuestDebug) == 520);

// KVM_GUESTDBG_VALID_MASK
constexpr u32 kGuestDbgValid =
    KX_GUESTDBG_ENABLE | KX_GUESTDBG_USE_SW_BP | KX_GUESTDBG_ARM64_USE_HW | KX_GUESTDBG_SINGLESTEP;

}  // namespace
}  // namespace ev

// kvm_vcpu_ioctl()'s copy, then kvm_arch_vcpu_ioctl_set_guest_debug():
// unknown control bits -EINVAL; with ENABLE the control word is kept, and
// with USE_HW the breakpoint and watchpoint registers too (KVM's
// external_debug_state, which the guest's own DBG* registers never show);
// without ENABLE debugging is off. The vCPU need not be initialised.
kx::Result<long> set_guest_debug(Vcpu& vcpu, u64 arg) {
  using namespace ev;
  GuestDebug dbg;
  if (kx_copy_from_user(&dbg, arg, sizeof(dbg))) return kx::kEFAULT;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  kx::Status status;
  if (dbg.control & ~kGuestDbgValid) {
    status = kx::error(kx::kEINVAL);
  } else if (dbg.control & KX_GUESTDBG_ENABLE) {
    vcpu.set_guest_debug(dbg.control);
    if (dbg.control & KX_GUESTDBG_ARM64_USE_HW) {
      VcpuState& s = state(vcpu);
      for (u32 i = 0; i < kDebugRegs; i++) s.ext_debug[i] = dbg.regs[i];
    }
  } else {
    vcpu.set_guest_debug(0);
  }
  vcpu.mutex.unlock();
  KX_TRY(status);
  return 0;
}

}  // namespace arm64
}  // namespace kvm
