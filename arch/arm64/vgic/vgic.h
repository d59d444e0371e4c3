// SPDX-License-Identifier: GPL-2.0
// The in-kernel GIC of an arm64 VM (Documentation/virt/kvm/devices/
// arm-vgic.rst, arm-vgic-v3.rst).
//
// Two kinds of state, two locks:
// - configuration (model, frame addresses, number of interrupts, whether
//   it is initialised and mapped): in Dist, under Vm::lock;
// - interrupt state (every Irq, each vCPU's CPU interface, the
//   distributor's registers): under Dist::lock, a spinlock taken with
//   interrupts off, innermost of all, because injection may come from
//   atomic context (irqfd). Nothing sleeps under it.
// CTRL_INIT allocates the SPIs and fixes the vCPU table; neither changes
// afterwards, so injection finds them without Vm::lock.
#pragma once

#include <kx/atomic.h>
#include <kx/lock.h>
#include <kx/result.h>
#include <kx/sparse_table.h>
#include <kx/types.h>
#include <kx/vector.h>

#include "virt/kvm/vm.h"

namespace kvm {
struct GuestAccess;
namespace arm64 {
namespace vgic {

constexpr u32 kModelV2 = 5;  // KVM_DEV_TYPE_ARM_VGIC_V2
constexpr u32 kModelV3 = 7;  // KVM_DEV_TYPE_ARM_VGIC_V3
constexpr u64 kAddrUndef = ~0ull;
constexpr u32 kV2MaxCpus = 8;    // VGIC_V2_MAX_CPUS
constexpr u32 kV3MaxCpus = 512;  // VGIC_V3_MAX_CPUS
constexpr u32 kNrSgis = 16;
constexpr u32 kNrPrivateIrqs = 32;
constexpr u32 kNrIrqsDefault = 256;  // VGIC_NR_IRQS_LEGACY, when the VMM sets none
constexpr u32 kSpurious = 1023;
// LPIs (behind an ITS): 16 INTID bits (INTERRUPT_ID_BITS_ITS), from 8192.
constexpr u32 kLpiBase = 8192;
constexpr u32 kLpiIdBits = 16;
constexpr u32 kNrLpis = (1u << kLpiIdBits) - kLpiBase;

// The emulated GIC implements 5 priority bits (ICH_VTR_EL2.PRIbits + 1 on
// the Neoverse-N1-like host), so 32 preemption levels: one APR word.
constexpr u32 kPriBits = 5;
constexpr u8 kPriMask = static_cast<u8>(0xff << (8 - kPriBits));
constexpr u32 kIdleRunningPriority = 0x100;
// INITIAL_PENDBASER_VALUE: RaWb inner, SameAsInner outer, inner shareable.
constexpr u64 kInitialPendbaser = (3ull << 7) | (1ull << 10);

// GICD_IIDR.Revision values userspace may write back (KVM_VGIC_IMP_REV_*).
constexpr u32 kImpRev2 = 2, kImpRev3 = 3, kImpRevLatest = kImpRev3;

// One interrupt's state, as the GIC architecture has it.
struct Irq {
  u32 intid = 0;
  u32 mpidr = 0;  // v3 GICD_IROUTER: Aff2.Aff1.Aff0
  // The vCPU index an SPI goes to, resolved when its route or targets are
  // written (as 6.1's irq->target_vcpu); 0xffff: none.
  u16 target = 0;
  u8 priority = 0;
  u8 targets = 0;  // v2 GICD_ITARGETSR
  u8 sources = 0;  // v2 SGIs: the CPUs that made it pending
  u8 active_source = 0;
  bool enabled = false;
  bool pending_latch = false;  // edge seen, or ISPENDR written
  bool line_level = false;     // the input line, level-sensitive interrupts
  bool active = false;
  bool group1 = false;
  bool edge = false;  // GICD_ICFGR
  // The in-kernel device that drives the line (kvm_vgic_set_owner()):
  // userspace injection into it is ignored.
  u8 owner = 0;
  // An LPI exists while an ITS translation (ITE) names it: one reference
  // each. 0 for every other interrupt.
  u32 lpi_refs = 0;

  bool pending() const { return pending_latch || (!edge && line_level); }
};

// A vCPU's view of the GIC: its private interrupts (SGIs, PPIs) and its
// CPU interface (ICC_* system registers for v3, GICC_* MMIO for v2).
struct CpuIf {
  // kvm_vgic_vcpu_init(): SGIs enabled and edge-triggered, PPIs level.
  CpuIf() {
    for (u32 i = 0; i < kNrPrivateIrqs; i++) {
      priv[i].intid = i;
      priv[i].enabled = i < kNrSgis;
      priv[i].edge = i < kNrSgis;
    }
  }

  Irq priv[kNrPrivateIrqs];
  u8 pmr = 0;
  u8 bpr0 = 2;  // the minimum binary points for 5 priority bits
  u8 bpr1 = 3;
  u8 pri_bits = kPriBits;  // ICC_CTLR_EL1.PRIbits + 1 as userspace set it
  bool grpen0 = false;
  bool grpen1 = false;
  bool eoimode = false;
  bool cbpr = false;
  bool ackctl = false;  // v2 GICC_CTLR.AckCtl
  bool fiqen = false;   // v2 GICC_CTLR.FIQEn
  u32 ap0r[4] = {};
  u32 ap1r[4] = {};
  u32 statusr = 0;            // GICR_STATUSR
  u64 pendbaser = 0;          // GICR_PENDBASER
  bool lpis_enabled = false;  // GICR_CTLR.EnableLPIs
  // Private interrupts that are pending, enabled and not active: the
  // candidates for delivery (kept by changed()).
  u32 candidates = 0;
  u16 index = 0xffff;  // in Dist::vcpus
};

// A GICv3 redistributor region: `count` redistributors of two 64 KiB
// frames from `base`; count 0 is the legacy single region
// (KVM_VGIC_V3_ADDR_TYPE_REDIST), sized by the VM's vCPUs.
struct RedistRegion {
  u64 base;
  u32 count;
  u32 index;
};

class Frame;
namespace its {
class Its;
}

extern kx::LockClass gic_lock_class;
extern kx::LockClass gic_lpi_lock_class;

class Dist {
 public:
  // The bitmaps of SPIs, one bit per SPI by intid - 32.
  using SpiBits = u64[1024 / 64];

  Dist() = default;
  ~Dist();
  Dist(const Dist&) = delete;
  Dist& operator=(const Dist&) = delete;

  // --- Configuration, under Vm::lock ---
  // A Dist does not know its VM, and the analysis names a lock by the
  // expression that reaches it, so these accessors take the VM the GIC
  // belongs to and require its lock.

  // The model (0: no in-kernel GIC): set once, by KVM_CREATE_DEVICE
  // (whose check for an existing GIC and store are one step under
  // Vm::lock), then fixed; read anywhere, hence atomic.
  u32 model() const { return model_.load(); }
  void set_model(const Vm& vm, u32 model) KX_REQUIRES(vm.lock) { model_.store(model); }
  bool in_kernel() const { return model() != 0; }
  // The number of SPIs: set under Vm::lock until CTRL_INIT, fixed after;
  // injection reads it without the lock, hence atomic.
  u32 nr_spis() const { return nr_spis_.load(); }
  void set_nr_spis(const Vm& vm, u32 n) KX_REQUIRES(vm.lock) { nr_spis_.store(n); }
  u32 nr_irqs() const { return nr_spis() + kNrPrivateIrqs; }
  // CTRL_INIT has run: the SPIs and the vCPU table are installed (below)
  // and change no more. Set under Vm::lock after they are; read anywhere.
  bool initialized() const { return ready_.load(); }
  void set_initialized(const Vm& vm) KX_REQUIRES(vm.lock) { ready_.store(true); }

  u64& dist_base(const Vm& vm) KX_REQUIRES(vm.lock) { return dist_base_; }
  u64& cpu_base(const Vm& vm) KX_REQUIRES(vm.lock) { return cpu_base_; }
  // The frames are on the MMIO bus (the first KVM_RUN).
  bool& mapped(const Vm& vm) KX_REQUIRES(vm.lock) { return mapped_; }

  // The v3 redistributor regions. GICR_TYPER reads them under `lock`
  // alone, so they are replaced (never grown in place) under both locks,
  // and either lock is enough to read them. The analysis can check only
  // one guard per field (`lock`); the Vm::lock reader is exempt.
  const kx::Vector<RedistRegion>& rdregs(const Vm& vm) const
      KX_REQUIRES(vm.lock) KX_NO_THREAD_SAFETY_ANALYSIS {
    return rdregs_;
  }
  const kx::Vector<RedistRegion>& rdregs() const KX_REQUIRES(lock) { return rdregs_; }
  void replace_rdregs(const Vm& vm, kx::Vector<RedistRegion>& next) KX_REQUIRES(vm.lock, lock) {
    rdregs_.swap(next);
  }

  // Under Vm::slots_lock: the frames on the MMIO bus, and every ITS of
  // the VM (KVM_SIGNAL_MSI finds the one whose frame holds the doorbell
  // on the bus).
  kx::Vector<Frame*>& frames(const Vm& vm) KX_REQUIRES(vm.slots_lock) { return frames_; }
  kx::Vector<its::Its*>& itses(const Vm& vm) KX_REQUIRES(vm.slots_lock) { return its_; }

  // An ITS exists (GICD_TYPER.LPIS, GICR_TYPER.PLPIS, GICR_CTLR writable,
  // and MSIs need a DeviceID: KVM_CAP_MSI_DEVID).
  kx::Atomic<bool> has_its;

  // --- Interrupt state and distributor registers, under lock ---
  // (and every Irq and CpuIf, which cannot name it: the functions that
  // reach them require it instead.)
  kx::SpinLock lock{&gic_lock_class};

  // CTRL_INIT installs the SPIs and the GIC's vCPU table (by vCPU index)
  // under Vm::lock and lock.
  void install(const Vm& vm, u32 nr_spis, Irq* spis, kx::Vector<Vcpu*>& vcpus)
      KX_REQUIRES(vm.lock, lock);
  // The SPIs, by intid - 32 (null before CTRL_INIT).
  Irq* spis() KX_REQUIRES(lock) { return spis_; }
  // The GIC's vCPUs, by index (empty before CTRL_INIT); a vCPU that goes
  // (vcpu_destroy()) leaves a null entry.
  kx::Vector<Vcpu*>& vcpus() KX_REQUIRES(lock) { return vcpus_; }

  bool& enabled() KX_REQUIRES(lock) { return enabled_; }  // GICD_CTLR.EnableGrp1 / Enable
  u32& implementation_rev() KX_REQUIRES(lock) { return implementation_rev_; }
  bool& v2_groups_user_writable() KX_REQUIRES(lock) { return v2_groups_user_writable_; }
  u32& statusr() KX_REQUIRES(lock) { return statusr_; }
  u64& propbaser() KX_REQUIRES(lock) { return propbaser_; }
  // SPIs that are pending, enabled and not active.
  SpiBits& spi_candidates() KX_REQUIRES(lock) { return spi_candidates_; }
  // SPIs the guest deactivated, for the VM's ack notifiers (irqfd
  // resampling), which run once this lock is dropped.
  SpiBits& spi_acked() KX_REQUIRES(lock) { return spi_acked_; }
  bool& any_acked() KX_REQUIRES(lock) { return any_acked_; }

  // LPIs, by intid - kLpiBase. An ITS creates and drops them under
  // lpi_mutex (the table's leaves are allocated there, outside lock);
  // their state changes under lock like every interrupt's. Pending and
  // enabled ones are candidates, with a summary bit per word so that
  // finding one costs the same however many exist.
  kx::Mutex lpi_mutex{&gic_lpi_lock_class};
  kx::Result<Irq*> ensure_lpi(u32 n) KX_REQUIRES(lpi_mutex) { return lpis_.ensure(n); }
  // A lookup may run concurrently with ensure_lpi() (kx::SparseTable).
  Irq* lpi(u32 n) KX_REQUIRES(lock) { return lpis_.find(n); }
  // The table's leaf from LPI n on (n a multiple of kLpiLeaf): kLpiLeaf
  // slots, or null. A walk over every LPI goes leaf by leaf in a plain
  // loop, which the analysis sees under lock (a callback it would not).
  static constexpr u32 kLpiLeaf = kx::SparseTable<Irq>::kLeafMax;
  static_assert(kNrLpis % kLpiLeaf == 0);
  Irq* lpi_leaf(u32 n) KX_REQUIRES(lock) { return lpis_.leaf(n); }
  using LpiBits = u64[kNrLpis / 64];
  using LpiSummary = u64[kNrLpis / 64 / 64];
  LpiBits& lpi_candidates() KX_REQUIRES(lock) { return lpi_candidates_; }
  LpiSummary& lpi_candidate_summary() KX_REQUIRES(lock) { return lpi_candidate_summary_; }

 private:
  kx::Atomic<u32> model_;
  kx::Atomic<u32> nr_spis_;
  kx::Atomic<bool> ready_;
  u64 dist_base_ = kAddrUndef;  // under Vm::lock
  u64 cpu_base_ = kAddrUndef;   // v2 CPU interface; under Vm::lock
  bool mapped_ = false;         // under Vm::lock
  kx::Vector<RedistRegion> rdregs_ KX_GUARDED_BY(lock);
  kx::Vector<Frame*> frames_;  // under Vm::slots_lock
  kx::Vector<its::Its*> its_;  // under Vm::slots_lock

  Irq* spis_ KX_GUARDED_BY(lock) KX_PT_GUARDED_BY(lock) = nullptr;
  kx::Vector<Vcpu*> vcpus_ KX_GUARDED_BY(lock);
  bool enabled_ KX_GUARDED_BY(lock) = false;
  u32 implementation_rev_ KX_GUARDED_BY(lock) = kImpRevLatest;
  bool v2_groups_user_writable_ KX_GUARDED_BY(lock) = false;
  u32 statusr_ KX_GUARDED_BY(lock) = 0;    // GICD_STATUSR
  u64 propbaser_ KX_GUARDED_BY(lock) = 0;  // GICR_PROPBASER, shared by every redistributor
  SpiBits spi_candidates_ KX_GUARDED_BY(lock) = {};
  SpiBits spi_acked_ KX_GUARDED_BY(lock) = {};
  bool any_acked_ KX_GUARDED_BY(lock) = false;
  kx::SparseTable<Irq> lpis_{kNrLpis};  // see ensure_lpi(), lpi()
  LpiBits lpi_candidates_ KX_GUARDED_BY(lock) = {};
  LpiSummary lpi_candidate_summary_ KX_GUARDED_BY(lock) = {};
};

// kvm_vgic_create(): the VM's GIC of `model` (KVM_CREATE_DEVICE of a VGIC
// type, and KVM_CREATE_IRQCHIP's GICv2). Vm::lock held.
kx::Status create(Vm& vm, u32 model) KX_REQUIRES(vm.lock);
// KVM_ARM_SET_DEVICE_ADDR: a GICv2 frame placed through the legacy
// interface (id: device id in bits 31:16, address type in 15:0).
kx::Status set_legacy_addr(Vm& vm, u64 id, u64 addr);

// KVM_CREATE_VCPU with a GIC present (kvm->max_vcpus and
// kvm_arch_vcpu_precreate()): under Vm::lock.
u32 max_vcpus(const Dist& d, u32 arch_max);
kx::Status vcpu_precreate(Vm& vm, Dist& d) KX_REQUIRES(vm.lock);

// The first KVM_RUN (kvm_vgic_map_resources()): frame checks, then the
// frames go on the MMIO bus. Takes Vm::lock and slots_lock.
kx::Status map_resources(Vcpu& vcpu);
// The vCPU has an interrupt it would take now (kvm_arch_vcpu_runnable()).
bool vcpu_has_pending(Vcpu& vcpu);
// ICC_* system registers, as the guest reaches them.
kx::Status guest_sysreg(Vcpu& vcpu, GuestAccess& access);
// The in-kernel devices that may own an interrupt line.
enum Owner : u8 { kOwnerNone = 0, kOwnerVtimer, kOwnerPtimer, kOwnerPmu };
// kvm_vgic_set_owner(): `intid` of `vcpu` (a PPI) or an SPI becomes the
// device's; -EINVAL for an SPI the GIC lacks, -EEXIST if another device
// owns it. The GIC must be initialised.
kx::Status set_owner(Vcpu& vcpu, u32 intid, Owner owner);

// CTRL_INIT has run (lock-free: it never goes back).
bool initialized(Vm& vm);
// KVM_IRQ_LINE with an in-kernel GIC: type 1 SPI, 2 PPI. Once the GIC is
// initialised, safe from atomic context.
kx::Status irq_line(Vm& vm, u32 type, u32 vcpu_idx, u32 intid, bool level);
// A routed GSI or an irqfd on SPI pin + 32 (vgic_irqfd_set_irq()):
// -EINVAL for an SPI the GIC lacks. Safe from atomic context once the GIC
// is initialised.
kx::Status set_spi_pin(Vm& vm, u32 pin, bool level);
// KVM_SIGNAL_MSI: 1 delivered, 0 blocked by the guest's tables (not
// mapped), or the documented errors.
kx::Result<int> signal_msi(Vm& vm, u64 address, u32 data, u32 flags, u32 devid);
// KVM_CAP_MSI_DEVID: the VM has an ITS.
bool msis_require_devid(Vm& vm);
// The VM is going away: take the frames off the bus, free the SPIs.
void vm_destroy(Vm& vm);
// A vCPU is going away (an aborted KVM_CREATE_VCPU, or the VM's end):
// the GIC forgets it.
void vcpu_destroy(Vcpu& vcpu);

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
