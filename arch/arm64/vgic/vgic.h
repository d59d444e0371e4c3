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

struct Dist {
  Dist() = default;
  ~Dist();
  Dist(const Dist&) = delete;
  Dist& operator=(const Dist&) = delete;

  // Configuration, under Vm::lock.
  u32 model = 0;  // 0: no in-kernel GIC
  u64 dist_base = kAddrUndef;
  u64 cpu_base = kAddrUndef;  // v2 CPU interface
  // Replaced whole, under Vm::lock and lock (a guest's GICR_TYPER read
  // walks it under lock alone).
  kx::Vector<RedistRegion> rdregs;
  u32 nr_spis = 0;
  // Frames on the MMIO bus (the first KVM_RUN).
  bool mapped = false;
  // CTRL_INIT has run: spis and vcpus below are allocated and fixed. Set
  // under Vm::lock after they are; read anywhere.
  kx::Atomic<bool> ready;
  Irq* spis = nullptr;
  kx::Vector<Vcpu*> vcpus;  // by vCPU index
  kx::Vector<Frame*> frames;

  // Interrupt state and distributor registers, under lock.
  kx::SpinLock lock{&gic_lock_class};
  bool enabled = false;  // GICD_CTLR.EnableGrp1 (v3) / Enable (v2)
  u32 implementation_rev = kImpRevLatest;
  bool v2_groups_user_writable = false;
  u32 statusr = 0;    // GICD_STATUSR
  u64 propbaser = 0;  // GICR_PROPBASER, shared by every redistributor
  // SPIs that are pending, enabled and not active, by intid - 32.
  u64 spi_candidates[1024 / 64] = {};
  // SPIs the guest deactivated, by intid - 32, for the VM's ack notifiers
  // (irqfd resampling), which run once this lock is dropped.
  u64 spi_acked[1024 / 64] = {};
  bool any_acked = false;

  // LPIs, by intid - kLpiBase. An ITS creates and drops them under
  // lpi_mutex (the table's leaves are allocated there, outside lock);
  // their state changes under lock like every interrupt's. Pending and
  // enabled ones are candidates, with a summary bit per word so that
  // finding one costs the same however many exist.
  kx::Mutex lpi_mutex{&gic_lpi_lock_class};
  kx::SparseTable<Irq> lpis{kNrLpis};
  u64 lpi_candidates[kNrLpis / 64] = {};
  u64 lpi_candidate_summary[kNrLpis / 64 / 64] = {};
  // An ITS exists (GICD_TYPER.LPIS, GICR_TYPER.PLPIS, GICR_CTLR writable,
  // and MSIs need a DeviceID: KVM_CAP_MSI_DEVID).
  kx::Atomic<bool> has_its;
  // Every ITS of the VM, under Vm::slots_lock (KVM_SIGNAL_MSI finds the
  // one whose frame holds the doorbell on the MMIO bus).
  kx::Vector<its::Its*> its;

  bool in_kernel() const { return model != 0; }
  bool initialized() const { return ready.load(); }
  u32 nr_irqs() const { return nr_spis + kNrPrivateIrqs; }
};

// KVM_CREATE_VCPU with a GIC present (kvm->max_vcpus and
// kvm_arch_vcpu_precreate()): under Vm::lock.
u32 max_vcpus(const Dist& d, u32 arch_max);
kx::Status vcpu_precreate(Vm& vm, const Dist& d) KX_REQUIRES(vm.lock);

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
