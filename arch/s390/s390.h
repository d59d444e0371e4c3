// SPDX-License-Identifier: GPL-2.0
// s390's part of a VM and a vCPU (kvm->arch, vcpu->arch) for what kvm_ext
// has of them: the floating interrupts (float_irqs.cpp), the FLIC's
// adapters and AIS state (flic.cpp), the CPU model of the emulated
// machine (machine.cpp) and the VM attributes (vm_attr.cpp).
#pragma once

#include <kx/atomic.h>
#include <kx/list.h>
#include <kx/lock.h>

#include "virt/kvm/vm.h"

namespace kvm {
namespace s390 {

extern kx::LockClass s390_float_lock_class;
extern kx::LockClass s390_adapter_lock_class;
extern kx::LockClass s390_model_lock_class;

constexpr u32 kMaxVcpus = 248;  // KVM_S390_ESCA_CPU_SLOTS
constexpr u32 kMaxIsc = 7;
constexpr u32 kMaxAdapters = (kMaxIsc + 1) * 8;  // MAX_S390_IO_ADAPTERS
// Facility words KVM keeps (facilities 0..1023) of the architecture's
// 256 (S390_ARCH_FAC_LIST_SIZE_U64).
constexpr u32 kFacWords = 16;
constexpr u32 kFacListWords = 256;

// Interrupt types (struct kvm_s390_irq's type; <linux/kvm.h>).
constexpr u64 kIntPfaultInit = 0xfffe0004u;
constexpr u64 kIntPfaultDone = 0xfffe0005u;
constexpr u64 kIntMchk = 0xfffe1000u;
constexpr u64 kIntVirtio = 0xffff2603u;
constexpr u64 kIntService = 0xffff2401u;
constexpr u64 kIntIoMax = 0xfffdffffu;
constexpr u64 kIntIoAiMask = 0x04000000u;
constexpr bool is_io(u64 type) { return type <= kIntIoMax; }

// The payloads of struct kvm_s390_irq.
struct IoInfo {
  u16 subchannel_id;
  u16 subchannel_nr;
  u32 io_int_parm;
  u32 io_int_word;
};
struct ExtInfo {
  u32 ext_params;
  u32 pad;
  u64 ext_params2;
};
struct MchkInfo {
  u64 cr14;
  u64 mcic;
  u64 failing_storage_addr;
  u32 ext_damage_code;
  u32 pad;
  u8 fixed_logout[16];
};
struct Irq {
  u64 type;
  union {
    IoInfo io;
    ExtInfo ext;
    MchkInfo mchk;
    u8 reserved[64];
  } u;
};
static_assert(sizeof(Irq) == 72);

constexpr u32 isc_of(u32 int_word) { return (int_word & 0x38000000) >> 27; }
constexpr u32 isc_int_word(u32 isc) { return (isc << 27) | 0x80000000; }

// One queued floating interrupt (kvm_s390_interrupt_info): I/O, virtio
// and pfault-done ones queue; service signals and machine checks merge.
struct FloatIrq {
  kx::ListNode node;
  u64 type = 0;
  union {
    IoInfo io;
    ExtInfo ext;
    MchkInfo mchk;
  } u = {};
};

// 6.1's enum irq_types for the floating classes: a higher bit is
// delivered first (kvm_s390_deliver_pending_interrupts() takes the last
// bit).
enum IrqPend : u32 {
  kPendIsc7 = 3,  // IRQ_PEND_IO_ISC_7 .. IRQ_PEND_IO_ISC_0 = 10
  kPendIsc0 = 10,
  kPendVirtio = 11,
  kPendPfaultDone = 12,
  kPendService = 15,
  kPendServiceEv = 16,
  kPendMchkRep = 24,
};
constexpr u32 pend_isc(u32 isc) { return kPendIsc0 - isc; }
constexpr u32 kPendIoMask = ((1u << (kPendIsc0 + 1)) - 1) & ~((1u << kPendIsc7) - 1);
constexpr u32 kPendExtMask =
    (1u << kPendVirtio) | (1u << kPendPfaultDone) | (1u << kPendService) | (1u << kPendServiceEv);

// What a vCPU is enabled for: its PSW mask and control registers.
struct Enablement {
  u64 psw_mask;
  u64 cr0;
  u64 cr6;
  u64 cr14;
};

// An interruption a vCPU took: its type and struct kvm_s390_interrupt's
// parm and parm64.
struct Taken {
  u64 type;
  u64 parm;
  u64 parm64;
};

// kvm->arch.float_int: the VM's pending floating interrupts, the GISA's
// pending adapter-interrupt bits (the emulated machine has a GISA), and
// 6.1's limits.
class FloatingInterrupts {
 public:
  static constexpr u32 kMaxIo = 266250;        // KVM_S390_MAX_FLOAT_IRQS
  static constexpr u32 kMaxVirtio = 87381;     // KVM_S390_MAX_VIRTIO_IRQS
  static constexpr u32 kMaxPfault = 64 * 255;  // ASYNC_PF_PER_VCPU * KVM_MAX_VCPUS
  // KVM_S390_FLIC_MAX_BUFFER: the most ENQUEUE and GET_ALL_IRQS take.
  static constexpr u32 kMaxBuffer = 0x2000000;

  FloatingInterrupts() = default;
  ~FloatingInterrupts();

  // __inject_vm(): queues or merges irq. On success irq is the queue's
  // (or freed once merged); on an error (-EINVAL for a type that does not
  // float, -EBUSY at a limit) it is still the caller's.
  kx::Status inject(FloatIrq* irq) KX_EXCLUDES(lock_);
  // get_all_floating_irqs()'s walk: up to max entries into buf (zeroed
  // by the caller) in 6.1's order; -ENOMEM if there are more.
  kx::Result<u32> snapshot(Irq* buf, u32 max) KX_EXCLUDES(lock_);
  // kvm_s390_clear_float_irqs().
  void clear() KX_EXCLUDES(lock_);
  // clear_io_irq(): the first I/O interrupt of subchannel schid (id in
  // the high half, nr in the low), by ISC.
  void clear_io(u32 schid) KX_EXCLUDES(lock_);
  // deliverable_irqs() of the floating classes.
  bool deliverable(const Enablement& e) KX_EXCLUDES(lock_);
  // The interruption the machine presents now (the __deliver_*
  // functions): false if none is enabled.
  bool take(const Enablement& e, Taken* out) KX_EXCLUDES(lock_);

 private:
  enum List : u32 { kListPfault = 8, kListVirtio = 9, kLists = 10 };
  using Queue = kx::IntrusiveList<FloatIrq, &FloatIrq::node>;
  u32 pending() const KX_REQUIRES(lock_);
  u32 enabled(const Enablement& e) const KX_REQUIRES(lock_);
  void clear_locked() KX_REQUIRES(lock_);
  static void put(Irq* out, const FloatIrq& irq);

  kx::SpinLock lock_{&s390_float_lock_class};
  Queue lists_[kLists] KX_GUARDED_BY(lock_);
  u32 io_count_ KX_GUARDED_BY(lock_) = 0;
  u32 virtio_count_ KX_GUARDED_BY(lock_) = 0;
  u32 pfault_count_ KX_GUARDED_BY(lock_) = 0;
  bool service_ KX_GUARDED_BY(lock_) = false;
  bool service_ev_ KX_GUARDED_BY(lock_) = false;
  ExtInfo srv_signal_ KX_GUARDED_BY(lock_) = {};
  bool mchk_ KX_GUARDED_BY(lock_) = false;
  MchkInfo mchk_info_ KX_GUARDED_BY(lock_) = {};
  // The GISA's interruption pending mask: bit 0x80 >> isc.
  u8 gisa_ipm_ KX_GUARDED_BY(lock_) = 0;
};

// struct s390_io_adapter.
struct Adapter {
  bool registered = false;
  u8 isc = 0;
  bool maskable = false;
  bool masked = false;
  bool swap = false;
  bool suppressible = false;
};

// A facility list (STFLE's format: facility 0 is the first word's most
// significant bit), the architecture's 2 KiB.
struct FacilityList {
  u64 w[kFacListWords];
  constexpr bool test(u32 nr) const {
    return nr < kFacListWords * 64 && (w[nr / 64] >> (63 - nr % 64)) & 1;
  }
  constexpr void set(u32 nr) { w[nr / 64] |= 1ull << (63 - nr % 64); }
};

// kvm->arch.model and friends.
struct CpuModel {
  u64 cpuid;
  u16 ibc;
  FacilityList fac_mask;
  FacilityList fac_list;
  u64 cpu_feat[16];
  u8 subfuncs[2048];
  // vm.rst: PROCESSOR_SUBFUNC reads fail until the VMM wrote it.
  bool subfuncs_written;
};

class S390Vm;

// What s390's KVM has of an in-kernel interrupt controller: no pins and
// no MSIs (kvm_set_routing_entry() takes adapter entries alone); an
// adapter route sets the guest's indicator bits and raises an adapter
// interrupt. Floating interrupts reach vCPUs through the FLIC's queue,
// which Personality::idle_event reads.
class S390IrqChip final : public IrqChip {
 public:
  explicit S390IrqChip(S390Vm& s) : s_(s) {}
  kx::Status check_route(u32, u32) const override { return kx::error(kx::kEINVAL); }
  kx::Status set_pin(Vm&, u32, u32, u32) override { return kx::error(kx::kEINVAL); }
  kx::Result<int> signal_msi(Vm&, const Msi&) override { return kx::kEINVAL; }
  kx::Status check_msi_route() const override { return kx::error(kx::kEINVAL); }
  kx::Status check_adapter_route(const AdapterRoute& route) const override;
  void set_adapter(Vm& vm, const AdapterRoute& route, u32 level) override;
  bool ready(Vm&) override { return true; }
  bool vcpu_has_interrupt(Vcpu&) override { return false; }

 private:
  S390Vm& s_;
};

// kvm->arch, for what kvm_ext has of it.
class S390Vm final : public ArchVm {
 public:
  S390Vm();
  ~S390Vm() override;

  void attach(Vm& vm) override { vm_ = &vm; }
  Vm& vm() const { return *vm_; }
  IrqChip* irqchip() override { return &irqchip_; }
  // kvm_s390_inject_airq() for adapter id, after set_adapter_int()'s
  // indicators when a route fires: -EINVAL for no such adapter.
  kx::Status inject_adapter(u32 id, const AdapterRoute* route) KX_EXCLUDES(adapter_lock);

  kx::Status check_slot(u64 base_gfn, u64 npages, u64 userspace_addr) const override;
  void slot_committed(Memslot& slot) override;
  void slot_deleting(Memslot& slot) override;

  // kvm_s390_inject_vm(): the queueing, then the kick of the vCPUs
  // waiting in KVM_RUN (kick_waiters(); a batch kicks once at its end).
  kx::Status inject(FloatIrq* irq);
  void kick_waiters();
  // test_kvm_facility(): in the VM's mask and its list.
  bool has_facility(u32 nr) KX_EXCLUDES(model_lock);
  bool has_facility_locked(u32 nr) const KX_REQUIRES(model_lock) {
    return model.fac_mask.test(nr) && model.fac_list.test(nr);
  }

  // KVM_CAP_S390_CSS_SUPPORT: the VMM handles channel I/O (once on, it
  // stays on for the VM's life).
  kx::Atomic<bool> css_support;
  // kvm_s390_set_user_cpu_state_ctrl(): the VMM starts and stops the
  // vCPUs itself (KVM_SET_MP_STATE); KVM_RUN no longer starts them.
  kx::Atomic<bool> user_cpu_state_ctrl;

  FloatingInterrupts floating;
  // The one FLIC (kvm->arch.flic), under Vm::lock.
  void* flic = nullptr;

  // Adapters and the AIS modes (fi->ais_lock, and the adapters 6.1
  // leaves unlocked).
  kx::Mutex adapter_lock{&s390_adapter_lock_class};
  Adapter adapters[kMaxAdapters] KX_GUARDED_BY(adapter_lock);
  u8 simm KX_GUARDED_BY(adapter_lock) = 0;
  u8 nimm KX_GUARDED_BY(adapter_lock) = 0;
  bool pfault_enabled KX_GUARDED_BY(adapter_lock) = false;

  // The VM attributes' state, under model_lock (6.1's kvm->lock for the
  // model, TOD and crypto); written only before the first vCPU where the
  // document says so.
  kx::Mutex model_lock{&s390_model_lock_class};
  CpuModel model KX_GUARDED_BY(model_lock);
  u64 epoch KX_GUARDED_BY(model_lock) = 0;
  u8 epdx KX_GUARDED_BY(model_lock) = 0;
  bool aes_kw KX_GUARDED_BY(model_lock) = false;
  bool dea_kw KX_GUARDED_BY(model_lock) = false;
  bool apie KX_GUARDED_BY(model_lock) = false;
  bool topology_change KX_GUARDED_BY(model_lock) = false;

  // Memory: the guest memory limit (kvm->arch.mem_limit), CMMA, and
  // migration mode, under Vm::slots_lock (6.1's slots_lock for
  // migration; the limit and CMMA are set before any vCPU).
  kx::Atomic<u64> mem_limit;
  kx::Atomic<bool> use_cmma;
  kx::Atomic<bool> migration_mode;
  // mm->context.uses_cmm: some page's CMMA state was set (the guest's
  // ESSA is not emulated: KVM_S390_SET_CMMA_BITS); and how many pages
  // migration mode still has to report (kvm->arch.cmma_dirty_pages).
  kx::Atomic<bool> uses_cmm;
  kx::Atomic<u64> cmma_dirty;
  // KVM_CAP_S390_IRQCHIP: KVM_CREATE_IRQCHIP is allowed.
  kx::Atomic<bool> use_irqchip;

 private:
  Vm* vm_ = nullptr;
  S390IrqChip irqchip_{*this};
};

// vcpu->arch, for what kvm_ext has of it; under Vcpu::mutex.
struct HwBreakpoint {
  u64 addr;
  u64 phys_addr;
  u64 len;
  u8 type;
  u8 pad[7];
};
static_assert(sizeof(HwBreakpoint) == 32);

class S390Vcpu final : public ArchVcpu {
 public:
  ~S390Vcpu() override { kx::free_array(hw_bp); }
  // CPUSTAT_STOPPED: a new vCPU is stopped (kvm_s390_vcpu_setup()).
  bool stopped = true;
  // KVM_SET_GUEST_DEBUG's hardware breakpoints and write watchpoints
  // (guestdbg.hw_bp_info, hw_wp_info).
  HwBreakpoint* hw_bp = nullptr;
  u32 nr_hw_bp = 0;
  // KVM_GET_SREGS/KVM_SET_SREGS: access and control registers.
  u32 acrs[16] = {};
  u64 crs[16] = {};
};

inline S390Vm& s390_vm(Vm& vm) { return *static_cast<S390Vm*>(vm.arch()); }
inline S390Vcpu& s390_vcpu(Vcpu& vcpu) { return *static_cast<S390Vcpu*>(vcpu.arch()); }

// The emulated machine (machine.cpp).
struct Machine {
  const char* name;
  u64 cpuid;              // get_cpu_id()
  u32 ibc;                // sclp.ibc: lowest << 16 | unblocked
  FacilityList stfle;     // stfle_fac_list
  FacilityList kvm_base;  // kvm_s390_fac_base after kvm_s390_init()
  FacilityList kvm_ext;   // kvm_s390_fac_ext (FACILITIES_KVM_CPUMODEL)
  u64 cpu_feat[16];       // kvm_s390_available_cpu_feat
  u8 subfuncs[2048];      // kvm_s390_available_subfunc
  bool has_cmma;
  bool ap_instructions;
  u64 hamax;  // sclp.hamax
};
const Machine& machine();
void init_model(CpuModel& model);

// VM attributes (vm_attr.cpp), the CMMA ioctls and memslot hooks.
kx::Status vm_attr(Vm& vm, kx_attr_op op, const kx_attr& attr);
kx::Result<long> get_cmma_bits(Vm& vm, u64 arg);
kx::Result<long> set_cmma_bits(Vm& vm, u64 arg);
kx::Status start_cmma_migration(Vm& vm, S390Vm& s) KX_REQUIRES(vm.slots_lock);
void reset_cmma(Vm& vm) KX_EXCLUDES(vm.slots_lock);

// Delivery to a vCPU (float_irqs.cpp).
Enablement enablement(Vcpu& vcpu) KX_REQUIRES(vcpu.mutex);

}  // namespace s390
}  // namespace kvm
