// SPDX-License-Identifier: GPL-2.0
// The emulated arm64 host and the arm64 vCPU configuration state
// (KVM_ARM_VCPU_INIT features, SVE vector lengths, finalization).
#pragma once

#include <kvm_ext/core.h>
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/lock.h>
#include <kx/result.h>
#include <kx/types.h>

#include "arch/arm64/vgic/vgic.h"
#include "virt/kvm/arch.h"
#include "virt/kvm/irqchip.h"
#include "virt/kvm/personality.h"

namespace kvm {

class Vcpu;
class Vm;
struct GuestAccess;

namespace arm64 {

constexpr u32 kTargetGenericV8 = 5;  // KVM_ARM_TARGET_GENERIC_V8
constexpr u32 kMaxFeatures = 7;      // KVM_VCPU_MAX_FEATURES
enum Feature : u32 {
  kPowerOff = 0,
  kEl132Bit = 1,
  kPsci02 = 2,
  kPmuV3 = 3,
  kSve = 4,
  kPtrauthAddress = 5,
  kPtrauthGeneric = 6,
};
// SVE vector lengths in quadwords (128 bits): the architecture allows
// 1..16 (up to 2048 bits); the uapi's VLS register has room for 512.
constexpr u32 kSveVqMax = 16;
constexpr u32 kVlsWords = 8;  // KVM_ARM64_SVE_VLS_WORDS

// What the emulated host CPU offers, snapshotted into each VM at creation.
struct HostCaps {
  bool sve = true;
  u32 sve_vqs = 0b1011;  // bit vq-1: 128, 256 and 512 bits
  bool ptrauth_address = true;
  bool ptrauth_generic = true;
  bool pmuv3 = true;
  bool el1_32bit = false;
  bool el0_32bit = true;
  bool ras = true;  // RAS extension: the VMM may give an SError's syndrome
  // GICv2 compatibility (kvm_vgic_global_state.can_emulate_gicv2): a GICV
  // frame the CPU interface can be reached through by MMIO. Like most
  // GIC-600 servers (Ampere Altra, QEMU's virt GICv3), the default host
  // has none, so a VM cannot have a GICv2.
  bool gicv2 = false;
  u32 ipa_bits = 48;

  bool sve_vq(u32 vq) const { return vq >= 1 && vq <= kSveVqMax && (sve_vqs >> (vq - 1)) & 1; }
  u32 sve_max_vq() const { return sve_vqs ? 32 - __builtin_clz(sve_vqs) : 0; }
  bool full_ptrauth() const { return ptrauth_address && ptrauth_generic; }
};

HostCaps host();
void host_init();
kx::Status set_host(const HostCaps& h);

// struct kvm_regs (arm64 uapi): the core registers as ONE_REG addresses
// them, by offset in 32-bit units. 864 bytes; the offsets vcpu.cpp uses
// are checked against the arm64 uapi header by
// tools/testing/uapi/check-arm64-kvm-regs.sh.
constexpr usize kCoreRegsBytes = 864;

// The system registers with per-vCPU storage (sys_regs.cpp's table).
constexpr u32 kSysRegSlots = 240;

// KVM_SET_GUEST_DEBUG's registers (struct kvm_guest_debug_arch): the
// breakpoint control and value, watchpoint control and value registers,
// KVM_ARM_MAX_DBG_REGS of each.
constexpr u32 kDebugRegs = 4 * 16;

// KVM's GPA_INVALID: no PV stolen-time structure placed.
constexpr u64 kGpaInvalid = ~0ull;

extern kx::LockClass arm64_mp_lock_class;

// Per-vCPU state of KVM_ARM_VCPU_INIT and KVM_ARM_VCPU_FINALIZE, and the
// registers ONE_REG reaches. Under Vcpu::mutex.
struct VcpuState final : ArchVcpu {
  ~VcpuState() override { kx::free_array(sve_state); }

  alignas(16) u8 core[kCoreRegsBytes] = {};
  s32 target = -1;
  u32 features = 0;
  bool sve_finalized = false;
  u32 sve_max_vq = 0;
  // Z0-31, P0-15, FFR at the finalized vector length.
  u8* sve_state = nullptr;
  u64 sys[kSysRegSlots] = {};
  u64 vtimer_ctl = 0;
  u64 vtimer_cval = 0;
  u64 pvtime_base = kGpaInvalid;
  // KVM_ARM_VCPU_PMU_V3_CTRL: the overflow interrupt (below 16: unset)
  // and whether PMU_V3_INIT ran; under Vm::lock.
  s32 pmu_irq = 0;
  bool pmu_created = false;
  // KVM_ARM_VCPU_TIMER_CTRL: the virtual and physical timers' PPIs, set
  // for every vCPU at once by any of them.
  kx::Atomic<u32> timer_irq[2] = {kx::Atomic<u32>(27), kx::Atomic<u32>(30)};
  // KVM_ARM_IRQ_TYPE_CPU: the IRQ (bit 0) and FIQ (bit 1) lines.
  kx::Atomic<u32> cpu_lines;
  // The GIC's view of this vCPU, under the GIC's lock (vgic/vgic.h).
  vgic::CpuIf gic;
  // KVM's vcpu->arch.mp_state (KVM_MP_STATE_*) and the reset a PSCI
  // CPU_ON leaves for the vCPU's next entry (vcpu->arch.reset_state):
  // other vCPUs read the state and set both, so they change under
  // mp_lock (a leaf); the state is read whole without it.
  kx::SpinLock mp_lock{&arm64_mp_lock_class};
  kx::Atomic<u32> mp_state;
  kx::Atomic<bool> reset_pending;
  u64 reset_pc KX_GUARDED_BY(mp_lock) = 0;
  u64 reset_r0 KX_GUARDED_BY(mp_lock) = 0;
  bool reset_be KX_GUARDED_BY(mp_lock) = false;
  // KVM_SET_VCPU_EVENTS (events.cpp): a pending virtual SError and its
  // syndrome (KVM's HCR_EL2.VSE and VSESR_EL2); KVM_SET_GUEST_DEBUG's
  // hardware breakpoints and watchpoints (external_debug_state).
  bool serror_pending = false;
  u64 serror_esr = 0;
  u64 ext_debug[kDebugRegs] = {};

  bool initialized() const { return target != -1; }
  bool has(Feature f) const { return (features >> f) & 1; }
  bool finalized() const { return !has(kSve) || sve_finalized; }
  bool has_ptrauth() const { return has(kPtrauthAddress) && has(kPtrauthGeneric); }
};

// The VM's interrupt controller as the generic code sees it: the GIC
// once the VMM created one, the vCPUs' IRQ and FIQ lines before.
class GicChip final : public IrqChip {
 public:
  kx::Status check_route(u32 irqchip, u32 pin) const override;
  kx::Status set_pin(Vm& vm, u32 irqchip, u32 pin, u32 level) override;
  kx::Result<int> signal_msi(Vm& vm, const Msi& msi) override;
  bool pin_edge_atomic(Vm& vm, u32 irqchip, u32 pin) override;
  bool ready(Vm& vm) override;
  bool vcpu_has_interrupt(Vcpu& vcpu) override;
};

// Per-VM state (KVM's kvm->arch): the emulated host and IPA size the VM
// was made with, the EL1 width its vCPUs fixed, the virtual counter
// offset, the PSCI version and SMCCC feature bitmaps, and the
// AA64PFR0_EL1.CSV2/CSV3 the VMM chose. Each atomic field is read and
// written whole; the firmware bitmaps change under Vm::lock (see
// fw_reg_set()).
struct VmState final : ArchVm {
  VmState(const HostCaps& h, u32 ipa) : host(h), ipa_bits(ipa) {}
  ~VmState() override { kx::free_array(pmu_filter); }

  kx::Status check_slot(u64 base_gfn, u64 npages, u64 userspace_addr) const override;
  IrqChip* irqchip() override { return &chip; }

  const HostCaps host;  // the emulated host when the VM was made
  const u32 ipa_bits;   // KVM_CREATE_VM's IPA size
  // kvm_set_vm_width(): the first KVM_ARM_VCPU_INIT fixes whether EL1 is
  // AArch32 for every vCPU; under Vm::lock.
  bool width_configured = false;
  bool el1_32bit = false;
  kx::Atomic<u64> cntvoff;
  kx::Atomic<u32> psci_version;
  kx::Atomic<u64> fw_bmap[3];
  kx::Atomic<u32> pfr0_csv2;
  kx::Atomic<u32> pfr0_csv3;
  // KVM_CAP_ARM_SYSTEM_SUSPEND enabled: PSCI SYSTEM_SUSPEND exits.
  kx::Atomic<bool> system_suspend;
  vgic::Dist vgic;  // under Vm::lock
  GicChip chip;
  // KVM_ARM_VCPU_PMU_V3_FILTER: one bit per event (set: counted), null
  // until the first filter; under Vm::lock.
  u64* pmu_filter = nullptr;
};

VcpuState& state(Vcpu& vcpu);
VmState& vm_state(Vm& vm);
const VmState& vm_state(const Vm& vm);

kx::Status vcpu_init(Vcpu& vcpu, u32 target, const u32 features[7]);
kx::Status irq_line(Vm& vm, u32 irq, u32 level);
kx::Status vcpu_finalize(Vcpu& vcpu, u64 uaddr);
kx::Status one_reg(Vcpu& vcpu, bool set, u64 ureg);
kx::Status get_reg_list(Vcpu& vcpu, u64 ulist);
kx::Status core_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr);
kx::Status pvtime_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr);
kx::Status pmu_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr);
kx::Status timer_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr);
kx::Status first_run_devices(Vcpu& vcpu);
u64 guest_pmceid(Vcpu& vcpu, bool high);
kx::Result<long> get_vcpu_events(Vcpu& vcpu, u64 arg);
kx::Result<long> set_vcpu_events(Vcpu& vcpu, u64 arg);
kx::Result<long> set_guest_debug(Vcpu& vcpu, u64 arg);
kx::Status guest_hypercall(Vcpu& vcpu, GuestAccess& access, kx_exit* exit);

// SMCCC return values and function ids (include/linux/arm-smccc.h).
constexpr u64 kSmcccRetSuccess = 0;
constexpr u64 kSmcccRetNotSupported = ~0ull;  // -1
constexpr u32 kSmcccVersion = 0x80000000;
constexpr u32 kSmcccArchFeatures = 0x80000001;
constexpr u32 kSmcccArchWorkaround1 = 0x80008000;
constexpr u32 kSmcccArchWorkaround2 = 0x80007fff;
constexpr u32 kSmcccArchWorkaround3 = 0x80003fff;
constexpr u32 kSmcccHvPvTimeFeatures = 0xc5000020;
constexpr u32 kSmcccHvPvTimeSt = 0xc5000021;
// regs.cpp: PV time (pvtime.c) and the workarounds' ARCH_FEATURES.
u64 pvtime_features(Vcpu& vcpu, u32 feature);
u64 pvtime_st(Vcpu& vcpu);
u64 workaround_features(u32 fn);

// psci.cpp: MP state and PSCI (arch/arm64/kvm/psci.c).
kx::Result<u32> get_mp_state(Vcpu& vcpu);
kx::Status set_mp_state(Vcpu& vcpu, u32 mp_state);
void power_on_state(Vcpu& vcpu, bool off);
kx::Status run_enter(Vcpu& vcpu, kx_exit& exit);
IdleEvent idle_event(Vcpu& vcpu);
kx::Status vm_enable_cap(Vm& vm, const EnableCap& req);
// kvm_psci_call(): every function the SMCCC dispatch does not know; a
// system event fills *exit.
void psci_call(Vcpu& vcpu, GuestAccess& access, kx_exit* exit);
// vcpu.cpp: kvm_reset_vcpu()'s part for a PSCI CPU_ON (the entry point,
// x0 and the caller's endianness), under the vCPU's mutex.
void apply_cpu_on_reset(Vcpu& vcpu, u64 pc, u64 r0, bool be);
void reset_vcpu(Vcpu& vcpu);
bool vcpu_is_be(Vcpu& vcpu);
u64& sctlr_el1(VcpuState& s);

// KVM_ARM_PSCI_* versions, as KVM_REG_ARM_PSCI_VERSION and PSCI_VERSION
// report them.
constexpr u32 kPsciV01 = 1, kPsciV02 = 2, kPsciV10 = 0x10000, kPsciV11 = 0x10001;

// The registers ONE_REG reaches, by block. Each get/set takes the id and
// the user address of the value; each list appends the block's ids to a
// RegIdSink in KVM_GET_REG_LIST order.
struct RegIdSink {
  u64* out = nullptr;  // null: count only
  u32 n = 0;
  void add(u64 id) {
    if (out) out[n] = id;
    n++;
  }
};

void vm_state_init(VmState& vm);
void reset_sys_regs(Vcpu& vcpu);
u64 vcpu_mpidr(Vcpu& vcpu);
kx::Status sys_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr);
// The storage of the system register with this encoding (one of the
// table's rows: exception entry reads and writes the EL1 registers).
u64& sys_reg_slot(VcpuState& s, u16 enc);
// The emulated host's breakpoints and watchpoints (ID_AA64DFR0_EL1's
// BRPs and WRPs, plus one).
u32 host_breakpoints();
u32 host_watchpoints();
void list_sys_regs(Vcpu& vcpu, RegIdSink& sink);
kx::Status fw_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr);
void list_fw_regs(RegIdSink& sink);
bool is_timer_reg(u64 id);
kx::Status timer_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr);
void list_timer_regs(RegIdSink& sink);
void timer_vcpu_create(Vcpu& vcpu);

// The emulated virtual counter: nanoseconds, so 1 GHz (the frequency
// Armv8.6 fixes); CNTVCT = now - the VM's offset.
u64 counter_now();

}  // namespace arm64
}  // namespace kvm
