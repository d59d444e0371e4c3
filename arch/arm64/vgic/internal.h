// SPDX-License-Identifier: GPL-2.0
// Between the VGIC's sources: the interrupt state machine (irq.cpp), the
// register tables (mmio.cpp, cpuif.cpp) and the device (device.cpp).
#pragma once

#include "arch/arm64/arm64.h"
#include "arch/arm64/vgic/vgic.h"
#include "virt/kvm/io_bus.h"
#include "virt/kvm/reg_table.h"

namespace kvm {
namespace arm64 {
namespace vgic {

constexpr u16 kNoVcpu = 0xffff;

// The architecture's MPIDR affinity fields, and the attribute encoding of
// them (Aff3 in bits 31:24 instead of 39:32).
constexpr u64 kMpidrAffMask = 0xff00ffffffull;
// The IIDR of every KVM GIC frame (distributor, redistributors, ITS):
// PRODUCT_ID_KVM, IMPLEMENTER_ARM, and the revision field.
constexpr u32 kProductKvm = 0x4b;
constexpr u32 kImplementerArm = 0x43b;
constexpr u32 kIidrRevShift = 12, kIidrRevMask = 0xf << kIidrRevShift;
// The PIDR2 of every GICv3 frame: ArchRev 3 (GIC_PIDR2_ARCH_GICv3), then
// JEDEC (bit 3) and bits [6:4] of ARM's JEP106 code.
constexpr u32 kPidr2GicV3 = 0x3b;
constexpr u64 attr_to_mpidr(u64 attr_bits) {
  return (attr_bits & 0xffffff) | ((attr_bits & 0xff000000ull) << 8);
}

Dist& dist_of(Vm& vm);

namespace dev {
// vgic_check_iorange(): already placed -EEXIST, misaligned or wrapping
// -EINVAL, beyond the VM's IPA space -E2BIG.
kx::Status check_iorange(const Vm& vm, u64 current, u64 addr, u64 align, u64 size);
// vgic_init() (init.cpp): idempotent; -EBUSY while a vCPU is being made.
// init_locked() takes Vm::lock itself.
kx::Status init(Vm& vm) KX_REQUIRES(vm.lock);
kx::Status init_locked(Vm& vm);
}  // namespace dev
CpuIf& cpuif(Vcpu& vcpu);
// kvm_mpidr_to_vcpu(): the first vCPU whose MPIDR affinity is `mpidr`.
Vcpu* mpidr_to_vcpu(Vm& vm, u64 mpidr) KX_REQUIRES(vm.lock);
u16 mpidr_to_index(Dist& d, u64 mpidr) KX_REQUIRES(d.lock);

// Everything below that takes a Dist requires Dist::lock; what takes only
// a CpuIf or an Irq is reached from there (their state is under it too).

// The interrupt `intid` as seen by `cpu` (private ones are banked), or null.
Irq* irq_at(Dist& d, CpuIf* cpu, u32 intid) KX_REQUIRES(d.lock);
// Where an SPI goes: v3 by its route, v2 the lowest CPU in its targets.
u16 spi_target(Dist& d, const Irq& irq) KX_REQUIRES(d.lock);
// After any change to an interrupt's state: the vCPU it may now reach is
// kicked out of its wait.
void changed(Dist& d, CpuIf* owner, Irq& irq) KX_REQUIRES(d.lock);
// Rising edge or a level change on the input (KVM_IRQ_LINE, the timer).
void set_line(Dist& d, CpuIf* owner, Irq& irq, bool level) KX_REQUIRES(d.lock);
// The same after ISPENDR/ICPENDR/ISACTIVER... writes.
void set_pending_latch(Dist& d, CpuIf* owner, Irq& irq, bool pending, u8 source_cpu)
    KX_REQUIRES(d.lock);
// Its first half, for a caller that runs changed() itself.
void latch_pending(const Dist& d, Irq& irq, bool pending, u8 source_cpu);
void kick(Dist& d, u16 index) KX_REQUIRES(d.lock);
void kick_all(Dist& d) KX_REQUIRES(d.lock);

// The CPU interface.
u32 running_priority(const CpuIf& c);
u32 acknowledge(Dist& d, CpuIf& c, bool group1, bool any_group) KX_REQUIRES(d.lock);
void end_of_interrupt(Dist& d, CpuIf& c, u32 value) KX_REQUIRES(d.lock);
void deactivate(Dist& d, CpuIf& c, u32 value) KX_REQUIRES(d.lock);
u32 highest_pending(Dist& d, CpuIf& c, bool group1, bool any_group) KX_REQUIRES(d.lock);
// An acknowledge now would return an interrupt (the vCPU has work).
bool deliverable(Dist& d, CpuIf& c) KX_REQUIRES(d.lock);
// GICR_TYPER: the affinity, the processor number, and Last for the final
// redistributor of a contiguous run (vgic_mmio_vcpu_rdist_is_last()).
u64 redist_typer(Dist& d, const CpuIf& c) KX_REQUIRES(d.lock);
// Sends SGI `intid` to each vCPU index whose bit is set (v3: group rules).
void send_sgi(Dist& d, u16 from, u32 intid, const u64* targets, bool allow_group1)
    KX_REQUIRES(d.lock);

// Work a register write leaves for after Dist::lock is dropped, because it
// reads guest RAM (which may fault and sleep): GICR_CTLR.EnableLPIs reads
// the pending table, GICR_INVLPIR/INVALLR the configuration table.
struct FollowUp {
  enum Kind : u8 { kNone, kSyncPendingTable, kInvLpi, kInvAll };
  Kind kind = kNone;
  u32 intid = 0;
};
// Runs it for the redistributor of `c` (no GIC lock held).
void run_follow_up(Vm& vm, CpuIf& c, const FollowUp& f);
// After a guest access, under Dist::lock: whether SPIs it deactivated are
// to go to the VM's ack notifiers (notify_acked(), once the lock is
// dropped); with none wanted (no irqfd resamples) they are forgotten.
bool take_acked(Dist& d, bool wanted) KX_REQUIRES(d.lock);
// The SPIs the guest deactivated since the last call go to the VM's ack
// notifiers (kvm_notify_acked_irq()). Dist::lock not held.
void notify_acked(Vm& vm);

// Guest tables read once for many new LPIs (an ITS table restore): the
// configuration table's LPI part, and each pending table as first
// needed. The pending bits new LPIs take are cleared in guest RAM by
// commit(), so a restore that fails leaves guest RAM as it was.
class LpiTableCache {
 public:
  explicit LpiTableCache(Vm& vm) : vm_(vm) {}
  ~LpiTableCache();
  LpiTableCache(const LpiTableCache&) = delete;
  LpiTableCache& operator=(const LpiTableCache&) = delete;

  kx::Status config(u64 base, u32 intid, u8* prop);
  kx::Status take_pending(u64 table, u32 intid, bool* pending);
  kx::Status commit();

 private:
  struct Pending {
    u64 table;
    u8* bytes;  // the LPI part (from byte 1024); null: read byte by byte
    bool dirty;
  };
  Vm& vm_;
  u8* config_ = nullptr;
  u64 config_base_ = 0;
  bool config_tried_ = false;
  kx::Vector<Pending> pending_;
};

// The LPI references an ITS table restore takes, counted per LPI while the
// image is parsed and taken in one go by commit(): one pass over the LPIs
// instead of a lock round trip per translation (2 million of them cost the
// same as 57344). Until commit() nothing changes; commit() does everything
// that can fail (table leaves, guest reads, the consumed pending bits
// written back) before it changes any interrupt.
class LpiRefBatch {
 public:
  explicit LpiRefBatch(Vm& vm) : vm_(vm) {}
  ~LpiRefBatch();
  LpiRefBatch(const LpiRefBatch&) = delete;
  LpiRefBatch& operator=(const LpiRefBatch&) = delete;

  // The counters (-ENOMEM), before counters() and commit().
  kx::Status prepare();
  // The counters, for a loop over many ITEs (a restore counts every one):
  // as locals, the kernel's -fno-strict-aliasing does not reload them
  // after every store into them.
  struct Counters {
    u32* count;  // by intid - kLpiBase
    u16* target;
    // One more reference to `intid`; a new LPI goes to the first target
    // given. False outside the LPI range.
    [[nodiscard]] bool add(u32 intid, u16 to) {
      const u32 i = intid - kLpiBase;  // below kLpiBase wraps past kNrLpis
      if (i >= kNrLpis) return false;
      if (!count[i]++) target[i] = to;
      return true;
    }
  };
  Counters counters() { return {count_, target_}; }
  kx::Status commit(LpiTableCache& cache);

 private:
  Vm& vm_;
  u32* count_ = nullptr;  // by intid - kLpiBase
  u16* target_ = nullptr;
};

// LPIs (lpi.cpp). lpi_get() and lpi_put() take Dist::lpi_mutex.
// lpi_get: the LPI `intid` with one more reference; a new one takes its
// configuration and pending bit from the guest's tables (through `cache`
// if given) and goes to vCPU index `target` (kNoVcpu: an unmapped
// collection). -EINVAL out of range, -ENOMEM, or a guest-RAM error.
kx::Status lpi_get(Vm& vm, u32 intid, u16 target, LpiTableCache* cache = nullptr);
void lpi_put(Vm& vm, u32 intid);
// The interrupt state of an existing LPI, under Dist::lock.
Irq* lpi_at(Dist& d, u32 intid) KX_REQUIRES(d.lock);
// update_lpi_config(): the guest's configuration byte of the LPI (INV).
kx::Status lpi_update_config(Vm& vm, u32 intid);
// vgic_its_invall(): every LPI going to vCPU index `target` re-reads its
// configuration byte.
kx::Status lpi_invall(Vm& vm, u16 target);
// update_affinity(): the LPI now goes to `target`. Under Dist::lock.
void lpi_set_target(Dist& d, u32 intid, u16 target) KX_REQUIRES(d.lock);
// MOVALL: every LPI going to `from` goes to `to`. Under Dist::lock.
void lpi_move_all(Dist& d, u16 from, u16 to) KX_REQUIRES(d.lock);
// The highest INTID the GIC's GICR_PROPBASER.IDbits allows, plus one.
u32 lpi_limit(Dist& d) KX_REQUIRES(d.lock);
// KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES, with every vCPU locked.
kx::Status save_pending_tables(Vm& vm);

// A frame on the MMIO bus: one register table (mmio.cpp), and for a v3
// redistributor the vCPU index it belongs to.
struct RegAccess;
using RegTable = MmioTable<RegAccess>;
class Frame final : public IoHandler {
 public:
  Frame(Vm* vm, const RegTable* table, u16 redist) : vm_(vm), table_(table), redist_(redist) {}
  kx::Status read(Vcpu& vcpu, u64 offset, u32 len, u64* data) override;
  kx::Status write(Vcpu& vcpu, u64 offset, u32 len, u64 data) override;
  ~Frame() = default;

 private:
  // The CPU interface the access is banked to: the accessing vCPU's, or
  // this redistributor's (null if its vCPU has gone).
  CpuIf* redist_cpu(Dist& d, Vcpu& vcpu) KX_REQUIRES(d.lock);
  Vm* vm_;
  const RegTable* table_;
  u16 redist_;
};

// Shared with the ITS (mmio.cpp): the cacheability and shareability
// fields of a table's base register sanitised as KVM does.
namespace mmio {
u64 sanitise(u64 reg, u32 shift, u64 width_mask, u64 (*fn)(u64));
u64 shareability(u64 f);
u64 inner_cache(u64 f);
u64 outer_cache(u64 f);
}  // namespace mmio

// The register tables (mmio.cpp).
extern const RegTable kV3DistTable;
extern const RegTable kV3RedistTable;
extern const RegTable kV2DistTable;
extern const RegTable kV2CpuTable;
// Userspace access to one 32-bit register of a table: `cpu` is the
// redistributor's (v3) or the selected vCPU's (v2) interface.
kx::Status reg_uaccess(Dist& d, const RegTable& t, CpuIf* cpu, u32 offset, bool write, u32* val,
                       FollowUp* follow) KX_REQUIRES(d.lock);
bool reg_exists(Dist& d, const RegTable& t, u32 offset) KX_REQUIRES(d.lock);

// The ICC system registers (cpuif.cpp): userspace side, by instr encoding.
bool icc_user_exists(u32 instr);
kx::Status icc_uaccess(Dist& d, CpuIf& c, u32 instr, bool write, u64* val) KX_REQUIRES(d.lock);

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
