// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_FSL_MPIC_20 and _42 (Documentation/virt/kvm/devices/mpic.rst)
// as Linux 6.1's arch/powerpc/kvm/mpic.c has them on an e500 host: the
// Freescale OpenPIC's 256 KiB register space, reached by the guest at
// KVM_DEV_MPIC_BASE_ADDR and by the VMM through KVM_DEV_MPIC_GRP_REGISTER
// (the same tables, "as if the access were made from the guest"), the
// sources' input lines (KVM_DEV_MPIC_GRP_IRQ_ACTIVE, and irqchip 0's 256
// routed pins), and each connected vCPU's external interrupt input.
//
// The interrupt numbers are 6.1's: 256 "SRC" sources (0-11 external,
// edge until set level; 16-255 Freescale internal, always level, MSIs at
// 224-231), then four IPIs and four timers (edge, no sense or polarity).
// A source's IVPR and IDR choose its priority, vector, mask and
// destination CPUs; a CPU keeps the sources raised to it and those in
// service, and its INT output is up while the best raised one beats both
// its CTPR and what it is servicing. The guest takes an interrupt by
// reading IACK and completes it by writing EOI. The timers hold their
// registers but never count (6.1 has no timer behind them).
//
// Where 6.1 is what the document does not say, it is the reference, quirks
// included (each noted where it lives); where it would crash or corrupt
// memory kvm_ext refuses and Documentation/differences.rst lists the case.
//
// One spinlock guards the whole controller, as 6.1's opp->lock: every path
// may run with interrupts off (an irqfd's injection, a routed line under
// the VM's interrupt-controller lock). The device lives as long as the VM
// (kvm_mpic_ops has .destroy only).
#include "arch/powerpc/ppc.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/io_bus.h"
#include "virt/kvm/irq_routing.h"

#include <kx/alloc.h>
#include <kx/lock.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(mpic_lock);

namespace mpic {

constexpr u32 kMaxCpu = 32;  // MAX_CPU
constexpr u32 kMaxSrc = 256;
constexpr u32 kMaxTmr = 4;
constexpr u32 kMaxIpi = 4;
constexpr u32 kMaxMsi = 8;
constexpr u32 kMaxIrq = kMaxSrc + kMaxIpi + kMaxTmr;
constexpr u32 kIrqIpi0 = kMaxSrc;
constexpr u32 kIrqTim0 = kMaxSrc + kMaxIpi;
constexpr u32 kIrqMsi = 224;
constexpr u32 kMaxExt = 12;        // fsl_mpic_20/42.max_ext
constexpr u32 kRegSize = 0x40000;  // OPENPIC_REG_SIZE, and BASE_ADDR's alignment

constexpr u32 kIvprMask = 1u << 31;
constexpr u32 kIvprActivity = 1u << 30;
constexpr u32 kIvprPolarity = 1u << 23;
constexpr u32 kIvprSense = 1u << 22;
constexpr u32 kIvprPriorityShift = 16;
constexpr u32 kIvprPriority = 0xfu << kIvprPriorityShift;
constexpr u32 kVectorMask = 0xffff;  // fsl_common_init()

constexpr u32 kIdrEp = 1u << 31;
constexpr int kIdrCi0Shift = 30;

constexpr u32 kGcrReset = 0x80000000;
constexpr u32 kGcrModeMixed = 0x20000000;
constexpr u32 kGcrModeProxy = 0x60000000;
constexpr u32 kFrrNirqShift = 16, kFrrNcpuShift = 8;
constexpr u32 kVidRevision12 = 2;
constexpr u32 kTbcrCi = 0x80000000, kTccrTog = 0x80000000;

// A source's output (ILR_INTTGT_*): only INT reaches a vCPU (6.1's
// mpic_irq_raise() delivers no other).
constexpr u32 kOutputInt = 0, kNumOutputs = 3;

constexpr u32 kMsiirOffset = 0x140;
constexpr u32 kMsiirSrsShift = 29;
constexpr u32 kMsiirIbsShift = 24, kMsiirIbsMask = 0x1fu << kMsiirIbsShift;

constexpr u32 kFlagIdrCrit = 1, kFlagIlr = 2;

enum class SourceType : u8 {
  kNormal,
  kFslInt,      // Freescale internal: level only
  kFslSpecial,  // timer or IPI: edge, no sense or polarity
};

// struct irq_source
struct Source {
  u32 ivpr = 0;
  u32 idr = 0;
  u32 destmask = 0;  // the CPUs it goes to
  u32 last_cpu = 0;
  u32 output = kOutputInt;
  // The line: 6.1 keeps a level source's as KVM_IRQ_LINE gave it (any
  // nonzero value is up, and GRP_IRQ_ACTIVE reads it back), an edge's 1.
  u32 pending = 0;
  bool level = false;
  bool nomask = false;  // critical: the mask does not apply
  SourceType type = SourceType::kNormal;
};

constexpr u32 priority_of(u32 ivpr) { return (ivpr & kIvprPriority) >> kIvprPriorityShift; }

// struct irq_queue: a CPU's raised or in-service sources, and the best of
// them as the last check() found it (a reset leaves next -1, priority 0).
struct IrqQueue {
  static constexpr u32 kWords = (kMaxIrq + 63) / 64;
  u64 bits[kWords] = {};
  s32 next = -1;
  s32 priority = 0;

  void set(u32 irq) { bits[irq / 64] |= 1ULL << (irq % 64); }
  void clear(u32 irq) { bits[irq / 64] &= ~(1ULL << (irq % 64)); }
};

// struct irq_dest: one of the 32 CPUs.
struct Cpu {
  Vcpu* vcpu = nullptr;
  s32 ctpr = 15;
  IrqQueue raised;
  IrqQueue servicing;
  u32 outputs_active[kNumOutputs] = {};  // sources asserting a non-INT output
};

// What one register access carries besides its address: the CPU whose
// per-CPU registers the global aliases at 0x40-0xb0 reach
// (get_current_cpu(): the accessing vCPU's, none from the device fd), and
// the source an EOI completed, told to irqfd resamplers once the lock is
// dropped (kvm_notify_acked_irq()).
struct Access {
  s32 cpu;
  s32 eoi = -1;
};

class Mpic final : public PpcIntc, public IoHandler {
 public:
  static constexpr const char* kName = "kvm-mpic";
  static constexpr bool kDiesWithFd = false;

  Mpic(Vm& vm, PpcIrqChip& chip, u32 type)
      : vm_(vm),
        chip_(chip),
        flags_(type == KX_DEV_TYPE_FSL_MPIC_20 ? kFlagIdrCrit : kFlagIlr),
        nb_irqs_(type == KX_DEV_TYPE_FSL_MPIC_20 ? 80 : 196),
        brr1_(type == KX_DEV_TYPE_FSL_MPIC_20 ? 0x00400200 : 0x00400402),
        mode_mask_(type == KX_DEV_TYPE_FSL_MPIC_20 ? kGcrModeMixed : kGcrModeProxy) {
    kx::IrqSaveGuard guard(&lock_);
    // fsl_common_init()'s source types, which reset() keeps
    for (u32 i = 16; i < kMaxSrc; i++) {
      src_[i].type = SourceType::kFslInt;
      src_[i].level = true;
    }
    for (u32 i = kMaxSrc; i < kMaxIrq; i++) src_[i].type = SourceType::kFslSpecial;
    reset();
  }

  // mpic_create(): one MPIC of either type per VM (-EINVAL), then an empty
  // routing table (mpic_set_default_irq_routing(): whatever the VMM routed
  // before is gone), the reset state, and the VM's interrupt controller.
  static kx::Result<Mpic*> Create(Vm& vm, u32 type) KX_REQUIRES(vm.lock) {
    PpcIrqChip& chip = ppc_vm(vm).intc;
    if (chip.current()) return kx::kEINVAL;
    kx::AllocChecker ac;
    Mpic* m = new (&ac) Mpic(vm, chip, type);
    if (!ac.check()) return kx::kENOMEM;
    vm.replace_routing(nullptr);
    if (kx::Status s = chip.attach(m); s.is_error()) {
      kx::destroy(m);
      return s;
    }
    return m;
  }

  // mpic_destroy(), with the VM.
  static void Destroy(Mpic* m) {
    m->chip_.detach(m);
    {
      kx::Guard<kx::Mutex> slots(&m->vm_.slots_lock);
      m->vm_.mmio_bus().remove(m);
    }
    kx::destroy(m);
  }

  // kvmppc_mpic_connect_vcpu(): the fd's checks are the caller's; then a
  // CPU number from 32 -EPERM, a CPU taken -EEXIST, a vCPU connected
  // already -EBUSY.
  kx::Status connect(Vcpu& vcpu, u32 cpu) {
    if (&vcpu.vm() != &vm_ || cpu >= kMaxCpu) return kx::error(kx::kEPERM);
    PpcVcpu& c = ppc_vcpu(vcpu);
    kx::IrqSaveGuard guard(&lock_);
    if (dst_[cpu].vcpu) return kx::error(kx::kEEXIST);
    if (c.mpic_connected_) return kx::error(kx::kEBUSY);
    dst_[cpu].vcpu = &vcpu;
    nb_cpus_ = kx::max(nb_cpus_, cpu + 1);
    c.mpic_connected_ = true;
    c.mpic_cpu_ = cpu;
    return kx::Status::ok();
  }

  // KVM_DEV_MPIC_GRP_MISC.
  kx::Status set_misc(const kx_attr& a) {
    if (a.attr != KX_DEV_MPIC_BASE_ADDR) return kx::error(kx::kENXIO);
    u64 base;
    if (kx_copy_from_user(&base, a.addr, sizeof(base))) return kx::error(kx::kEFAULT);
    if (base & (kRegSize - 1)) return kx::error(kx::kEINVAL);
    return set_base(base);
  }

  kx::Status get_misc(const kx_attr& a) {
    if (a.attr != KX_DEV_MPIC_BASE_ADDR) return kx::error(kx::kENXIO);
    u64 base;
    {
      kx::Guard<kx::Mutex> slots(&vm_.slots_lock);
      base = reg_base_;
    }
    return kx_copy_to_user(a.addr, &base, sizeof(base)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  }

  kx::Status has_misc(const kx_attr& a) {
    return a.attr == KX_DEV_MPIC_BASE_ADDR ? kx::Status::ok() : kx::error(kx::kENXIO);
  }

  // KVM_DEV_MPIC_GRP_REGISTER: any offset; the value is read before the
  // offset is looked at.
  kx::Status set_register(const kx_attr& a) {
    u32 val;
    if (kx_copy_from_user(&val, a.addr, sizeof(val))) return kx::error(kx::kEFAULT);
    return user_access(a.attr, &val, true);
  }

  kx::Status get_register(const kx_attr& a) {
    u32 val = 0;
    KX_TRY(user_access(a.attr, &val, false));
    return kx_copy_to_user(a.addr, &val, sizeof(val)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  }

  kx::Status has_register(const kx_attr&) { return kx::Status::ok(); }

  // KVM_DEV_MPIC_GRP_IRQ_ACTIVE: a standard source's line. The number is
  // checked before the value is read, the value must be 0 or 1. 6.1 also
  // takes 256, the first IPI (Documentation/differences.rst).
  kx::Status set_irq_active(const kx_attr& a) {
    if (a.attr >= kMaxSrc) return kx::error(kx::kEINVAL);
    u32 val;
    if (kx_copy_from_user(&val, a.addr, sizeof(val))) return kx::error(kx::kEFAULT);
    if (val > 1) return kx::error(kx::kEINVAL);
    kx::IrqSaveGuard guard(&lock_);
    set_line(static_cast<u32>(a.attr), val);
    return kx::Status::ok();
  }

  kx::Status get_irq_active(const kx_attr& a) {
    if (a.attr >= kMaxSrc) return kx::error(kx::kEINVAL);
    u32 val;
    {
      kx::IrqSaveGuard guard(&lock_);
      val = src_[a.attr].pending;
    }
    return kx_copy_to_user(a.addr, &val, sizeof(val)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  }

  kx::Status has_irq_active(const kx_attr& a) {
    return a.attr < kMaxSrc ? kx::Status::ok() : kx::error(kx::kENXIO);
  }

  static constexpr AttrGroup<Mpic> kAttrGroups[] = {
      {KX_DEV_MPIC_GRP_MISC, &Mpic::set_misc, &Mpic::get_misc, &Mpic::has_misc},
      {KX_DEV_MPIC_GRP_REGISTER, &Mpic::set_register, &Mpic::get_register, &Mpic::has_register},
      {KX_DEV_MPIC_GRP_IRQ_ACTIVE, &Mpic::set_irq_active, &Mpic::get_irq_active,
       &Mpic::has_irq_active},
  };

  // PpcIntc: mpic_set_irq() and kvm_set_msi() (a route's pin is below 256:
  // check_route() saw to it), whose answers 6.1 leaves at 0.
  int set_irq(u32 irq, u32 level) override {
    kx::IrqSaveGuard guard(&lock_);
    set_line(irq, level);
    return 0;
  }

  // kvm_set_msi(): the data goes to MSIIR, whatever the address ("we only
  // support a single MSI bank").
  kx::Result<int> signal_msi(const Msi& msi) override {
    kx::IrqSaveGuard guard(&lock_);
    write_msiir(msi.data);
    return 0;
  }

  bool has_interrupt(Vcpu& vcpu) override { return ppc_vcpu(vcpu).external.load() != 0; }

  // The rest of PpcIntc is the XICS family's, which an e500 never reaches
  // (its vCPUs have no ICP, no PAPR hypercalls and no such ONE_REG).
  bool connected(Vcpu&) override { return false; }
  kx::Result<u64> icp_state(Vcpu&) override { return kx::kENXIO; }
  kx::Status set_icp_state(Vcpu&, u64) override { return kx::error(kx::kENXIO); }
  kx::Status vp_state(Vcpu&, u64 (&)[2], bool) override { return kx::error(kx::kENXIO); }
  bool icp_hcalls_always() const override { return false; }
  s64 hcall(Vcpu&, HcallRegs& regs) override {
    regs.r3 = static_cast<u64>(kHHardware);
    return -1;
  }
  int set_xive(u32, u32, u32) override { return -kx::kENODEV; }
  int get_xive(u32, u32*, u32*) override { return -kx::kENODEV; }
  int int_off(u32) override { return -kx::kENODEV; }
  int int_on(u32) override { return -kx::kENODEV; }

  // The guest's access at BASE_ADDR (kvm_mpic_read/write()): reads of 4
  // bytes, or 1 byte of the big-endian register ("it works in real
  // hardware"), naturally aligned; writes of 4 aligned bytes. An access
  // 6.1 refuses, or one reaching no register block or PIR, goes to user
  // space (kvm_io_bus_read/write() fail over to an MMIO exit).
  kx::Status read(Vcpu& vcpu, u64 offset, u32 len, u64* data) override {
    if (offset & (len - 1)) return kx::error(kx::kEOPNOTSUPP);
    u32 val = 0;
    kx::Status s;
    Access a{.cpu = 0};
    {
      kx::IrqSaveGuard guard(&lock_);
      a.cpu = static_cast<s32>(ppc_vcpu(vcpu).mpic_cpu_);
      s = read_reg(a, static_cast<u32>(offset), &val);
    }
    notify_eoi(a);
    if (len == 4)
      *data = val;
    else if (len == 1)
      *data = (val >> (8 * (3 - (offset & 3)))) & 0xff;
    else
      return kx::error(kx::kEOPNOTSUPP);
    return s.is_ok() ? s : kx::error(kx::kEOPNOTSUPP);
  }

  kx::Status write(Vcpu& vcpu, u64 offset, u32 len, u64 data) override {
    if (len != 4 || (offset & 3)) return kx::error(kx::kEOPNOTSUPP);
    kx::Status s;
    Access a{.cpu = 0};
    {
      kx::IrqSaveGuard guard(&lock_);
      a.cpu = static_cast<s32>(ppc_vcpu(vcpu).mpic_cpu_);
      s = write_reg(a, static_cast<u32>(offset), static_cast<u32>(data));
    }
    notify_eoi(a);
    return s.is_ok() ? s : kx::error(kx::kEOPNOTSUPP);
  }

 private:
  // One register, or a run of like registers 0x10 apart, in a block:
  // `count` of them from `offset`, the n-th reached with index n. A null
  // read reads as the block's filler; a null write is ignored.
  struct Reg {
    u32 offset;
    u32 count;
    u32 (Mpic::*read)(Access& a, u32 n);
    kx::Status (Mpic::*write)(Access& a, u32 n, u32 val);
  };

  template <usize N>
  static const Reg* find(const Reg (&rows)[N], u32 off, u32* n) {
    for (const Reg& r : rows) {
      if (off < r.offset || ((off - r.offset) & 0xf)) continue;
      if ((off - r.offset) / 0x10 < r.count) {
        *n = (off - r.offset) / 0x10;
        return &r;
      }
    }
    return nullptr;
  }

  // A 6.1 register block (struct mem_reg): its place, and how an access
  // at an offset within it is decoded.
  struct Block {
    u32 start;
    u32 size;
    kx::Status (Mpic::*read)(Access& a, u32 off, u32* val);
    kx::Status (Mpic::*write)(Access& a, u32 off, u32 val);
  };

  // kvm_mpic_read/write_internal(): the block holding the offset, or
  // -ENXIO.
  kx::Status read_reg(Access& a, u64 addr, u32* val) KX_REQUIRES(lock_);
  kx::Status write_reg(Access& a, u64 addr, u32 val) KX_REQUIRES(lock_);

  // GRP_REGISTER (access_reg()): an unaligned offset -ENXIO; no CPU's
  // per-CPU aliases.
  kx::Status user_access(u64 addr, u32* val, bool write) {
    if (addr & 3) return kx::error(kx::kENXIO);
    Access a{.cpu = -1};
    kx::Status s;
    {
      kx::IrqSaveGuard guard(&lock_);
      s = write ? write_reg(a, addr, *val) : read_reg(a, addr, val);
    }
    notify_eoi(a);
    return s;
  }

  void notify_eoi(const Access& a) {
    if (a.eoi >= 0) vm_.irq_acked(0, static_cast<u32>(a.eoi));
  }

  // set_base_addr(): the same base is nothing to do; otherwise the old
  // mapping goes and, unless the base is 0, the new one comes, under the
  // VM's slots_lock as the MMIO bus wants. The only base the bus cannot
  // take is the last 256 KiB of the address space (it would wrap): it is
  // kept and maps nothing, as 6.1 ignores kvm_io_bus_register_dev()'s
  // failure.
  kx::Status set_base(u64 base) {
    kx::Guard<kx::Mutex> slots(&vm_.slots_lock);
    if (base == reg_base_) return kx::Status::ok();
    IoBus& bus = vm_.mmio_bus();
    if (base && !kx::range_wraps(base, kRegSize)) KX_TRY(bus.add(base, kRegSize, this));
    if (reg_base_) bus.remove(this, reg_base_);
    reg_base_ = base;
    return kx::Status::ok();
  }

  // mpic_irq_raise/lower(): the vCPU's external input, level-triggered
  // (KVM_INTERRUPT_SET_LEVEL); only the INT output reaches it.
  void raise(Cpu& dst, u32 output) KX_REQUIRES(lock_) {
    if (!dst.vcpu || output != kOutputInt) return;
    ppc_vcpu(*dst.vcpu).external.store(1);
    dst.vcpu->kick();
  }

  void lower(Cpu& dst, u32 output) KX_REQUIRES(lock_) {
    if (!dst.vcpu || output != kOutputInt) return;
    ppc_vcpu(*dst.vcpu).external.store(0);
  }

  // IRQ_check(): the highest priority among the queue's sources, the
  // lowest number on a tie.
  void check(IrqQueue& q) KX_REQUIRES(lock_) {
    s32 next = -1, priority = -1;
    for (u32 w = 0; w < IrqQueue::kWords; w++) {
      for (u64 bits = q.bits[w]; bits; bits &= bits - 1) {
        const u32 irq = w * 64 + static_cast<u32>(__builtin_ctzll(bits));
        const s32 p = static_cast<s32>(priority_of(src_[irq].ivpr));
        if (p > priority) {
          next = static_cast<s32>(irq);
          priority = p;
        }
      }
    }
    q.next = next;
    q.priority = priority;
  }

  s32 get_next(IrqQueue& q) KX_REQUIRES(lock_) {
    check(q);
    return q.next;
  }

  // IRQ_local_pipe(): a source's activity as one CPU sees it.
  void local_pipe(u32 n_cpu, u32 n_irq, bool active, bool was_active) KX_REQUIRES(lock_) {
    Cpu& dst = dst_[n_cpu];
    const Source& src = src_[n_irq];
    if (src.output != kOutputInt) {
      // Critical and machine-check outputs ignore priority, IACK and EOI;
      // an ILR may name any output up to 255, which 6.1 counts past its
      // three counters (differences.rst): kvm_ext counts none of them.
      if (src.output >= kNumOutputs) return;
      u32& count = dst.outputs_active[src.output];
      if (active) {
        if (!was_active && count++ == 0) raise(dst, src.output);
      } else if (was_active && --count == 0) {
        lower(dst, src.output);
      }
      return;
    }
    const s32 priority = static_cast<s32>(priority_of(src.ivpr));
    // raised even below CTPR, in case CTPR is lowered later
    if (active)
      dst.raised.set(n_irq);
    else
      dst.raised.clear(n_irq);
    check(dst.raised);
    if (active && priority <= dst.ctpr) active = false;
    if (active) {
      if (get_next(dst.servicing) < 0 || priority > dst.servicing.priority) raise(dst, kOutputInt);
    } else {
      get_next(dst.servicing);
      if (!(dst.raised.priority > dst.ctpr && dst.raised.priority > dst.servicing.priority))
        lower(dst, kOutputInt);
    }
  }

  // openpic_update_irq(): after a source's line or registers changed.
  // IVPR's mode bit (distributed delivery) is never writable, so every
  // source is delivered to each CPU of its destination mask.
  void update(u32 n_irq) KX_REQUIRES(lock_) {
    Source& src = src_[n_irq];
    bool active = src.pending != 0;
    if ((src.ivpr & kIvprMask) && !src.nomask) active = false;
    const bool was_active = src.ivpr & kIvprActivity;
    // not when already active too: CTPR may have changed since
    if (!active && !was_active) return;
    if (active)
      src.ivpr |= kIvprActivity;
    else
      src.ivpr &= ~kIvprActivity;
    if (src.destmask == 0) return;
    if (src.destmask == 1u << src.last_cpu) {
      local_pipe(src.last_cpu, n_irq, active, was_active);
      return;
    }
    for (u32 i = 0; i < nb_cpus_; i++) {
      if (src.destmask & (1u << i)) local_pipe(i, n_irq, active, was_active);
    }
  }

  // openpic_set_irq(): a line. Edge: 1 latches, 0 does nothing (except on
  // a non-INT output, where the edge is dropped at once rather than left
  // to storm).
  void set_line(u32 n_irq, u32 level) KX_REQUIRES(lock_) {
    if (n_irq >= kMaxIrq) return;
    Source& src = src_[n_irq];
    if (src.level) {
      src.pending = level;
      update(n_irq);
      return;
    }
    if (level) {
      src.pending = 1;
      update(n_irq);
    }
    if (src.output != kOutputInt) {
      src.pending = 0;
      update(n_irq);
    }
  }

  // openpic_reset(): GCR's reset bit and creation. The sources' lines,
  // the MSI registers and the vCPUs' inputs are left as they are.
  void reset() KX_REQUIRES(lock_) {
    frr_ = ((nb_irqs_ - 1) << kFrrNirqShift) | kVidRevision12;
    spve_ = kVectorMask;
    tfrr_ = 0;
    for (u32 i = 0; i < kMaxIrq; i++) {
      Source& s = src_[i];
      s.ivpr = kIvprMask;
      if (s.type == SourceType::kNormal)
        s.level = false;  // IVPR's reset sense
      else if (s.type == SourceType::kFslInt)
        s.ivpr |= kIvprPolarity;
      write_idr(i, 1);
    }
    for (Cpu& c : dst_) {
      c.ctpr = 15;
      c.raised = IrqQueue();
      c.servicing = IrqQueue();
    }
    for (Timer& t : timers_) t = Timer();
    gcr_ = 0;
  }

  // write_IRQreg_idr(): the destination CPUs as the CPUs connected so far
  // allow. A v2.0 MPIC (IDR_CRIT) also has a critical-interrupt bit per
  // CPU from bit 30 down (CI0), which wins over the normal ones. 6.1's
  // shifts by 31 - nb_cpus and 30 - cpu turn negative with 32 CPUs; they
  // are 0 here as a POWER shift by that much is.
  void write_idr(u32 n_irq, u32 val) KX_REQUIRES(lock_) {
    Source& src = src_[n_irq];
    const u32 normal_mask = nb_cpus_ >= 32 ? ~0u : (1u << nb_cpus_) - 1;
    const s32 crit_shift = kIdrCi0Shift + 1 - static_cast<s32>(nb_cpus_);
    u32 crit_mask = 0, mask = normal_mask;
    if (flags_ & kFlagIdrCrit) {
      crit_mask = crit_shift >= 0 ? normal_mask << crit_shift : 0;
      mask |= crit_mask | kIdrEp;
    }
    src.idr = val & mask;
    if (!(flags_ & kFlagIdrCrit)) {
      src.destmask = src.idr;
      return;
    }
    if (src.idr & crit_mask) {
      src.output = 1;  // ILR_INTTGT_CINT
      src.nomask = true;
      src.destmask = 0;
      for (u32 i = 0; i < nb_cpus_ && kIdrCi0Shift - static_cast<s32>(i) >= 0; i++) {
        if (src.idr & (1u << (kIdrCi0Shift - i))) src.destmask |= 1u << i;
      }
    } else {
      src.output = kOutputInt;
      src.nomask = false;
      src.destmask = src.idr & normal_mask;
    }
  }

  // write_IRQreg_ivpr(): mask, priority, sense, polarity and vector;
  // ACTIVITY is read-only. Internal sources have no sense bit, timers and
  // IPIs neither sense nor polarity.
  void write_ivpr(u32 n_irq, u32 val) KX_REQUIRES(lock_) {
    Source& src = src_[n_irq];
    const u32 mask = kIvprMask | kIvprPriority | kIvprSense | kIvprPolarity | kVectorMask;
    src.ivpr = (src.ivpr & kIvprActivity) | (val & mask);
    switch (src.type) {
      case SourceType::kNormal:
        src.level = src.ivpr & kIvprSense;
        break;
      case SourceType::kFslInt:
        src.ivpr &= ~kIvprSense;
        break;
      case SourceType::kFslSpecial:
        src.ivpr &= ~(kIvprPolarity | kIvprSense);
        break;
    }
    update(n_irq);
  }

  // openpic_iack(): the best raised source enters service and its vector
  // is the answer (the spurious vector if none, or if it no longer beats
  // CTPR: 6.1 then re-evaluates it). An edge source is consumed; an IPI
  // still owed to other CPUs fires again for them.
  u32 iack(u32 cpu) KX_REQUIRES(lock_) {
    Cpu& dst = dst_[cpu];
    lower(dst, kOutputInt);
    const s32 irq = get_next(dst.raised);
    if (irq < 0) return spve_;
    Source& src = src_[irq];
    u32 ret;
    if (!(src.ivpr & kIvprActivity) || static_cast<s32>(priority_of(src.ivpr)) <= dst.ctpr) {
      update(static_cast<u32>(irq));
      ret = spve_;
    } else {
      dst.servicing.set(static_cast<u32>(irq));
      ret = src.ivpr & kVectorMask;
    }
    if (!src.level) {
      src.ivpr &= ~kIvprActivity;
      src.pending = 0;
      dst.raised.clear(static_cast<u32>(irq));
    }
    if (static_cast<u32>(irq) >= kIrqIpi0 && static_cast<u32>(irq) < kIrqIpi0 + kMaxIpi) {
      src.destmask &= ~(1u << cpu);
      if (src.destmask && !src.level) {
        set_line(static_cast<u32>(irq), 1);
        set_line(static_cast<u32>(irq), 0);
        src.ivpr |= kIvprActivity;
      }
    }
    return ret;
  }

  // MSIIR (openpic_msi_write()): bank SRS, bit IBS; its source is level
  // and stays up until the MSIR is read.
  void write_msiir(u32 val) KX_REQUIRES(lock_) {
    const u32 srs = val >> kMsiirSrsShift;
    const u32 ibs = (val & kMsiirIbsMask) >> kMsiirIbsShift;
    msir_[srs] |= 1u << ibs;
    set_line(kIrqMsi + srs, 1);
  }

  // The global block (openpic_gbl_read/write()).
  kx::Status read_global(Access& a, u32 off, u32* val) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = (off & 0xf) ? nullptr : find(kGlobalRegs, off, &n);
    *val = r && r->read ? (this->*r->read)(a, n) : 0xffffffff;
    return kx::Status::ok();
  }

  kx::Status write_global(Access& a, u32 off, u32 val) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = (off & 0xf) ? nullptr : find(kGlobalRegs, off, &n);
    return r && r->write ? (this->*r->write)(a, n, val) : kx::Status::ok();
  }

  u32 read_brr1(Access&, u32) KX_REQUIRES(lock_) { return brr1_; }
  // FRR's CPU count is nb_cpus - 1, in u32 arithmetic: before any vCPU
  // connects it fills bits 8-31.
  u32 read_frr(Access&, u32) KX_REQUIRES(lock_) { return frr_ | (nb_cpus_ - 1) << kFrrNcpuShift; }
  u32 read_gcr(Access&, u32) KX_REQUIRES(lock_) { return gcr_; }
  u32 read_zero(Access&, u32) KX_REQUIRES(lock_) { return 0; }  // VIR (VIR_GENERIC), PIR
  u32 read_spve(Access&, u32) KX_REQUIRES(lock_) { return spve_; }
  u32 read_ipi_ivpr(Access&, u32 n) KX_REQUIRES(lock_) { return src_[kIrqIpi0 + n].ivpr; }

  // GCR: the reset bit resets the whole controller; otherwise only the
  // model's mode bits (v2.0 mixed, v4.2 proxy) are kept.
  kx::Status write_gcr(Access&, u32, u32 val) KX_REQUIRES(lock_) {
    if (val & kGcrReset) {
      reset();
      return kx::Status::ok();
    }
    gcr_ = (gcr_ & ~mode_mask_) | (val & mode_mask_);
    return kx::Status::ok();
  }

  // PIR resets CPU cores: "let userspace handle it".
  kx::Status write_pir(Access&, u32, u32) KX_REQUIRES(lock_) { return kx::error(kx::kENXIO); }

  kx::Status write_ipi_ivpr(Access&, u32 n, u32 val) KX_REQUIRES(lock_) {
    write_ivpr(kIrqIpi0 + n, val);
    return kx::Status::ok();
  }

  kx::Status write_spve(Access&, u32, u32 val) KX_REQUIRES(lock_) {
    spve_ = val & kVectorMask;
    return kx::Status::ok();
  }

  // The per-CPU registers aliased at 0x40-0xb0 of the global block: the
  // accessing CPU's.
  u32 read_this_cpu(Access& a, u32 n) KX_REQUIRES(lock_) {
    return read_cpu_reg(a, a.cpu, 0x40 + n * 0x10);
  }

  kx::Status write_this_cpu(Access& a, u32 n, u32 val) KX_REQUIRES(lock_) {
    write_cpu_reg(a, a.cpu, 0x40 + n * 0x10, val);
    return kx::Status::ok();
  }

  // The per-CPU block: a page per CPU (openpic_cpu_read/write()).
  kx::Status read_cpu(Access& a, u32 off, u32* val) KX_REQUIRES(lock_) {
    *val = read_cpu_reg(a, static_cast<s32>((off & 0x1f000) >> 12), off);
    return kx::Status::ok();
  }

  kx::Status write_cpu(Access& a, u32 off, u32 val) KX_REQUIRES(lock_) {
    write_cpu_reg(a, static_cast<s32>((off & 0x1f000) >> 12), off, val);
    return kx::Status::ok();
  }

  // openpic_cpu_read/write_internal(): no CPU (the device fd's alias),
  // or an unaligned offset, reads all ones and writes nothing.
  u32 read_cpu_reg(Access& a, s32 cpu, u32 off) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = cpu < 0 || (off & 0xf) ? nullptr : find(kCpuRegs, off & 0xff0, &n);
    if (!r || !r->read) return 0xffffffff;
    Access self{.cpu = cpu};
    const u32 v = (this->*r->read)(self, n);
    a.eoi = self.eoi;
    return v;
  }

  void write_cpu_reg(Access& a, s32 cpu, u32 off, u32 val) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = cpu < 0 || (off & 0xf) ? nullptr : find(kCpuRegs, off & 0xff0, &n);
    if (!r || !r->write) return;
    Access self{.cpu = cpu};
    (void)(this->*r->write)(self, n, val);
    a.eoi = self.eoi;
  }

  // IPIDRn: the CPUs written are added to IPI n's destinations (any bit,
  // as 6.1 keeps them), which then fires.
  kx::Status write_ipidr(Access&, u32 n, u32 val) KX_REQUIRES(lock_) {
    src_[kIrqIpi0 + n].destmask |= val;
    set_line(kIrqIpi0 + n, 1);
    set_line(kIrqIpi0 + n, 0);
    return kx::Status::ok();
  }

  u32 read_ctpr(Access& a, u32) KX_REQUIRES(lock_) { return static_cast<u32>(dst_[a.cpu].ctpr); }

  // CTPR: the output follows at once, judged on the queues' last check.
  kx::Status write_ctpr(Access& a, u32, u32 val) KX_REQUIRES(lock_) {
    Cpu& dst = dst_[a.cpu];
    dst.ctpr = static_cast<s32>(val & 0xf);
    if (dst.raised.priority <= dst.ctpr)
      lower(dst, kOutputInt);
    else if (dst.raised.priority > dst.servicing.priority)
      raise(dst, kOutputInt);
    return kx::Status::ok();
  }

  u32 read_whoami(Access& a, u32) KX_REQUIRES(lock_) { return static_cast<u32>(a.cpu); }
  u32 read_iack(Access& a, u32) KX_REQUIRES(lock_) { return iack(static_cast<u32>(a.cpu)); }

  // EOI: the highest-priority source in service leaves it; the output
  // rises again if a raised one now beats what is left.
  kx::Status write_eoi(Access& a, u32, u32) KX_REQUIRES(lock_) {
    Cpu& dst = dst_[a.cpu];
    const s32 done = get_next(dst.servicing);
    if (done < 0) return kx::Status::ok();
    dst.servicing.clear(static_cast<u32>(done));
    a.eoi = done;
    const s32 s_irq = get_next(dst.servicing);
    const s32 n_irq = get_next(dst.raised);
    if (n_irq != -1 &&
        (s_irq == -1 || static_cast<s32>(priority_of(src_[n_irq].ivpr)) > dst.servicing.priority))
      raise(dst, kOutputInt);
    return kx::Status::ok();
  }

  // The timer block from 0x10f0 (openpic_tmr_read/write()): TFRR, then per
  // timer TCCR, TBCR, TVPR and TDR. A write decodes the absolute offset; a
  // read decodes the offset within the block, so 6.1's reads land 0x10
  // after its writes (at 0x1110, TBCR0 is written and TVPR0 read). Nothing
  // counts: TCCR stays 0.
  kx::Status read_timer(Access&, u32 off, u32* val) KX_REQUIRES(lock_) {
    *val = off & 0xf ? 0xffffffff : off == 0 ? tfrr_ : timer_reg((off >> 6) & 3, off & 0x30);
    return kx::Status::ok();
  }

  kx::Status write_timer(Access&, u32 off, u32 val) KX_REQUIRES(lock_) {
    const u32 abs = off + 0x10f0;
    if (abs & 0xf) return kx::Status::ok();
    if (abs == 0x10f0) {
      tfrr_ = val;
      return kx::Status::ok();
    }
    const u32 idx = (abs >> 6) & 3;
    Timer& t = timers_[idx];
    switch (abs & 0x30) {
      case 0x10:  // TBCR: clearing count-inhibit re-arms the toggle
        if ((t.tccr & kTccrTog) && !(val & kTbcrCi) && (t.tbcr & kTbcrCi)) t.tccr &= ~kTccrTog;
        t.tbcr = val;
        break;
      case 0x20:
        write_ivpr(kIrqTim0 + idx, val);
        break;
      case 0x30:
        write_idr(kIrqTim0 + idx, val);
        break;
      default:  // TCCR is read-only
        break;
    }
    return kx::Status::ok();
  }

  u32 timer_reg(u32 idx, u32 reg) KX_REQUIRES(lock_) {
    switch (reg) {
      case 0x00:
        return timers_[idx].tccr;
      case 0x10:
        return timers_[idx].tbcr;
      case 0x20:
        return src_[kIrqTim0 + idx].ivpr;
      default:
        return src_[kIrqTim0 + idx].idr;
    }
  }

  // The sources' block from 0x10000: IVPR, IDR and (v4.2) ILR in 32 bytes
  // per source (openpic_src_read/write()); anything else reads all ones.
  kx::Status read_source(Access& a, u32 off, u32* val) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = find(kSourceRegs, off & 0x1f, &n);
    *val = r ? (this->*r->read)(a, (off & 0xffff) >> 5) : 0xffffffff;
    return kx::Status::ok();
  }

  kx::Status write_source(Access& a, u32 off, u32 val) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = find(kSourceRegs, off & 0x1f, &n);
    return r ? (this->*r->write)(a, (off & 0xffff) >> 5, val) : kx::Status::ok();
  }

  u32 read_ivpr(Access&, u32 irq) KX_REQUIRES(lock_) { return src_[irq].ivpr; }
  u32 read_idr(Access&, u32 irq) KX_REQUIRES(lock_) { return src_[irq].idr; }
  u32 read_ilr(Access&, u32 irq) KX_REQUIRES(lock_) {
    return flags_ & kFlagIlr ? src_[irq].output : 0xffffffff;
  }

  kx::Status write_src_ivpr(Access&, u32 irq, u32 val) KX_REQUIRES(lock_) {
    write_ivpr(irq, val);
    return kx::Status::ok();
  }

  kx::Status write_src_idr(Access&, u32 irq, u32 val) KX_REQUIRES(lock_) {
    write_idr(irq, val);
    return kx::Status::ok();
  }

  // ILR (v4.2): the output, any value of its low byte.
  kx::Status write_ilr(Access&, u32 irq, u32 val) KX_REQUIRES(lock_) {
    if (flags_ & kFlagIlr) src_[irq].output = val & 0xff;
    return kx::Status::ok();
  }

  // The MSI block from 0x1600 (openpic_msi_read/write()): MSIR0-7, which a
  // read clears (and lowers the bank's source), MSISR, and MSIIR. An
  // unaligned read is -ENXIO; other offsets read 0.
  kx::Status read_msi(Access& a, u32 off, u32* val) KX_REQUIRES(lock_) {
    if (off & 0xf) return kx::error(kx::kENXIO);
    u32 n;
    const Reg* r = find(kMsiRegs, off, &n);
    *val = r && r->read ? (this->*r->read)(a, n) : 0;
    return kx::Status::ok();
  }

  kx::Status write_msi(Access& a, u32 off, u32 val) KX_REQUIRES(lock_) {
    u32 n;
    const Reg* r = (off & 0xf) ? nullptr : find(kMsiRegs, off, &n);
    return r && r->write ? (this->*r->write)(a, n, val) : kx::Status::ok();
  }

  u32 read_msir(Access&, u32 n) KX_REQUIRES(lock_) {
    const u32 v = msir_[n];
    msir_[n] = 0;
    set_line(kIrqMsi + n, 0);
    return v;
  }

  u32 read_msisr(Access&, u32) KX_REQUIRES(lock_) {
    u32 v = 0;
    for (u32 i = 0; i < kMaxMsi; i++) v |= (msir_[i] ? 1u : 0u) << i;
    return v;
  }

  kx::Status write_msiir_reg(Access&, u32, u32 val) KX_REQUIRES(lock_) {
    write_msiir(val);
    return kx::Status::ok();
  }

  // The summary block from 0x3800 (EISR/EIMR, which 6.1 does not model):
  // reads 0.
  kx::Status read_summary(Access&, u32, u32* val) KX_REQUIRES(lock_) {
    *val = 0;
    return kx::Status::ok();
  }

  kx::Status write_summary(Access&, u32, u32) KX_REQUIRES(lock_) { return kx::Status::ok(); }

  struct Timer {
    u32 tccr = 0;
    u32 tbcr = kTbcrCi;
  };

  Vm& vm_;
  PpcIrqChip& chip_;
  // The model (mpic_create()): v2.0 has IDR's critical bits, mixed mode
  // and 80 sources in FRR; v4.2 has ILRs, proxy mode and 196.
  const u32 flags_;
  const u32 nb_irqs_;
  const u32 brr1_;
  const u32 mode_mask_;

  kx::SpinLock lock_{&mpic_lock_class};
  u32 frr_ KX_GUARDED_BY(lock_) = 0;
  u32 gcr_ KX_GUARDED_BY(lock_) = 0;
  u32 spve_ KX_GUARDED_BY(lock_) = 0;
  u32 tfrr_ KX_GUARDED_BY(lock_) = 0;
  Source src_[kMaxIrq] KX_GUARDED_BY(lock_);
  Cpu dst_[kMaxCpu] KX_GUARDED_BY(lock_);
  u32 nb_cpus_ KX_GUARDED_BY(lock_) = 0;
  Timer timers_[kMaxTmr] KX_GUARDED_BY(lock_);
  u32 msir_[kMaxMsi] KX_GUARDED_BY(lock_) = {};
  // KVM_DEV_MPIC_BASE_ADDR, under the VM's slots_lock (6.1's reg_base).
  u64 reg_base_ KX_GUARDED_BY(vm_.slots_lock) = 0;

  // The register space, block by block, in 6.1's order of lookup.
  static constexpr Block kBlocks[] = {
      {0x00000, 0x10f0, &Mpic::read_global, &Mpic::write_global},
      {0x010f0, 0x220, &Mpic::read_timer, &Mpic::write_timer},
      {0x10000, kMaxSrc * 0x20, &Mpic::read_source, &Mpic::write_source},
      {0x20000, 0x100 + (kMaxCpu - 1) * 0x1000, &Mpic::read_cpu, &Mpic::write_cpu},
      {0x01600, 0x200, &Mpic::read_msi, &Mpic::write_msi},
      {0x03800, 0x800, &Mpic::read_summary, &Mpic::write_summary},
  };

  static constexpr Reg kGlobalRegs[] = {
      {0x0000, 1, &Mpic::read_brr1, nullptr},  // BRR1
      {0x0040, 8, &Mpic::read_this_cpu, &Mpic::write_this_cpu},
      {0x1000, 1, &Mpic::read_frr, nullptr},                           // FRR
      {0x1020, 1, &Mpic::read_gcr, &Mpic::write_gcr},                  // GCR
      {0x1080, 1, &Mpic::read_zero, nullptr},                          // VIR
      {0x1090, 1, &Mpic::read_zero, &Mpic::write_pir},                 // PIR
      {0x10a0, kMaxIpi, &Mpic::read_ipi_ivpr, &Mpic::write_ipi_ivpr},  // IPI vector/priority
      {0x10e0, 1, &Mpic::read_spve, &Mpic::write_spve},                // spurious vector
  };

  // Offsets within a CPU's page (bits 4-11).
  static constexpr Reg kCpuRegs[] = {
      {0x40, kMaxIpi, nullptr, &Mpic::write_ipidr},    // IPIDR0-3
      {0x80, 1, &Mpic::read_ctpr, &Mpic::write_ctpr},  // CTPR
      {0x90, 1, &Mpic::read_whoami, nullptr},          // WHOAMI
      {0xa0, 1, &Mpic::read_iack, nullptr},            // IACK
      {0xb0, 1, &Mpic::read_zero, &Mpic::write_eoi},   // EOI
  };

  // Offsets within a source's 32 bytes; the row's index is the source.
  static constexpr Reg kSourceRegs[] = {
      {0x00, 1, &Mpic::read_ivpr, &Mpic::write_src_ivpr},  // IVPR
      {0x10, 1, &Mpic::read_idr, &Mpic::write_src_idr},    // IDR
      {0x18, 1, &Mpic::read_ilr, &Mpic::write_ilr},        // ILR
  };

  static constexpr Reg kMsiRegs[] = {
      {0x000, kMaxMsi, &Mpic::read_msir, nullptr},         // MSIR0-7
      {0x120, 1, &Mpic::read_msisr, nullptr},              // MSISR
      {kMsiirOffset, 1, nullptr, &Mpic::write_msiir_reg},  // MSIIR
  };
};

kx::Status Mpic::read_reg(Access& a, u64 addr, u32* val) {
  for (const Block& b : kBlocks) {
    if (addr >= b.start && addr < b.start + b.size)
      return (this->*b.read)(a, static_cast<u32>(addr - b.start), val);
  }
  return kx::error(kx::kENXIO);
}

kx::Status Mpic::write_reg(Access& a, u64 addr, u32 val) {
  for (const Block& b : kBlocks) {
    if (addr >= b.start && addr < b.start + b.size)
      return (this->*b.write)(a, static_cast<u32>(addr - b.start), val);
  }
  return kx::error(kx::kENXIO);
}

}  // namespace mpic

kx::Status mpic_connect(Device& dev, Vcpu& vcpu, u32 cpu) {
  if (dev.ops() != &kx_mpic_device_ops) return kx::error(kx::kEPERM);
  return static_cast<mpic::Mpic*>(dev.priv)->connect(vcpu, cpu);
}

// KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC) (kvm_vcpu_ioctl_enable_cap(), CONFIG_KVM_MPIC
// only): args[0] the device fd (-EBADF), a kvm device (-EPERM), then
// kvmppc_mpic_connect_vcpu() with args[1] as a u32; then the sanity check.
kx::Status enable_irq_mpic(Vcpu& vcpu, const EnableCap& req) {
  if (book3s(ppc_vm(vcpu.vm()).host)) return kx::error(kx::kEINVAL);
  void* file;
  KX_TRY(kx::Status::from_raw(kx_file_get(static_cast<s32>(req.args[0]), &file)));
  kx::Status s = kx::error(kx::kEPERM);
  if (kx_device* h = kx_file_device(file))
    s = mpic_connect(*from_handle(h), vcpu, static_cast<u32>(req.args[1]));
  kx_file_put(file);
  KX_TRY(s);
  return sanity_check(vcpu);
}

}  // namespace ppc
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_mpic_device_ops =
    kvm::DeviceType<kvm::ppc::mpic::Mpic>::ops();
