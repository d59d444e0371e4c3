// SPDX-License-Identifier: GPL-2.0
// The ppc personality: its VM and vCPU state, the in-kernel interrupt
// controller as the generic code reaches it, and the functions
// personality.cpp's tables name.
#ifndef KVM_EXT_ARCH_POWERPC_PPC_H
#define KVM_EXT_ARCH_POWERPC_PPC_H

#include <kx/atomic.h>
#include <kx/lock.h>

#include "arch/powerpc/tce.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace ppc {

constexpr u32 kMaxVcpus = 2048;             // KVM_MAX_VCPUS = NR_CPUS
constexpr u32 kMaxVcpuIds = 8 * kMaxVcpus;  // KVM_MAX_VCPU_IDS: MAX_SMT_THREADS * KVM_MAX_VCORES
constexpr u32 kMpicPins = 256;              // KVM_IRQCHIP_NUM_PINS: the MPIC's SRC sources

// The emulated POWER host (host.cpp; module parameter ppc_host).
enum class HostModel : u32 {
  kPower8 = KX_PPC_HOST_POWER8,  // KVM_DEV_TYPE_XICS: the XICS emulation (book3s_xics.c)
  kPower9 = KX_PPC_HOST_POWER9,  // XIVE: KVM_DEV_TYPE_XICS is XICS-on-XIVE (book3s_xive.c)
  kE500mc = KX_PPC_HOST_E500MC,  // BookE with CONFIG_KVM_MPIC (mpic.c): no Book3S at all
};
HostModel host();
// The host a VM was made on, or for the system fd the one a new VM gets.
HostModel host_of(const Vm* vm);
// A Book3S host (CONFIG_PPC_BOOK3S_64): PAPR, RTAS, the sPAPR TCE tables,
// the XICS and XIVE; an e500mc has none of them.
inline bool book3s(HostModel h) { return h != HostModel::kE500mc; }

struct Icp;
struct XiveIcp;
namespace mpic {
class Mpic;
}
struct NativeVp;
struct HcallRegs;

// The VM's in-kernel interrupt controller as the generic paths, RTAS and
// the guest reach it: kvm->arch.xics (the XICS emulation) or
// kvm->arch.xive (XICS-on-XIVE), one device type each. Every call is
// under PpcIrqChip::lock, a spinlock: none sleeps.
class PpcIntc {
 public:
  // kvm_set_irq(): the KVM_IRQ_LINE_STATUS status.
  virtual int set_irq(u32 irq, u32 level) = 0;
  // An MSI route or KVM_SIGNAL_MSI (the MPIC's kvm_set_msi()): 0, or an
  // error where the controller takes no MSIs (book3s has no HAVE_KVM_MSI).
  virtual kx::Result<int> signal_msi(const Msi&) { return kx::kEINVAL; }
  // The vCPU has an interrupt to take (KVM_RUN's idle guest wakes).
  virtual bool has_interrupt(Vcpu& vcpu) = 0;
  // kvmppc_xics_enabled(): the vCPU is connected and the XICS
  // hypercalls are the kernel's.
  virtual bool connected(Vcpu& vcpu) = 0;
  // KVM_REG_PPC_ICP_STATE; -ENXIO for a vCPU not connected.
  virtual kx::Result<u64> icp_state(Vcpu& vcpu) = 0;
  virtual kx::Status set_icp_state(Vcpu& vcpu, u64 val) = 0;
  // KVM_REG_PPC_VP_STATE, 128 bits: -ENXIO for a vCPU with no XIVE
  // context, -EPERM for one not in XIVE native mode.
  virtual kx::Status vp_state(Vcpu& vcpu, u64 (&val)[2], bool set) = 0;
  // Whether a connected vCPU's ICP hypercalls are the kernel's whatever
  // KVM_CAP_PPC_ENABLE_HCALL says (XICS-on-XIVE's POWER9 fast path).
  virtual bool icp_hcalls_always() const = 0;
  // The ICP's hypercalls on a connected vCPU: r3 the number in, the return
  // code out. Returns the source an H_EOI completed (-1 for none), for
  // kvm_notify_acked_irq() once the locks are dropped.
  virtual s64 hcall(Vcpu& vcpu, HcallRegs& regs) = 0;
  // RTAS's view of the sources: 0 or a negative errno.
  virtual int set_xive(u32 irq, u32 server, u32 priority) = 0;
  virtual int get_xive(u32 irq, u32* server, u32* priority) = 0;
  virtual int int_off(u32 irq) = 0;
  virtual int int_on(u32 irq) = 0;

 protected:
  ~PpcIntc() = default;
};

extern kx::LockClass ppc_intc_class;

// kvm->arch.xics and kvm->arch.xive as book3s.c's kvm_set_irq() reaches
// them: KVM_IRQ_LINE, irqfds (GSI n is source n: book3s has no
// KVM_SET_GSI_ROUTING) and the idle vCPU's wait all come through here,
// from any context. The lock keeps the device from its release while
// they use it; the device's own lock nests inside. At most one device:
// the XICS emulation and the XIVE devices are never on one host, and
// XICS-on-XIVE and XIVE native share kvm->arch.xive.
class PpcIrqChip final : public IrqChip {
 public:
  explicit PpcIrqChip(HostModel h) : mpic_pins_(!book3s(h)) {}

  // An e500's KVM_SET_GSI_ROUTING (mpic.c's kvm_set_routing_entry()):
  // irqchip 0's 256 pins, whether or not the MPIC exists yet.
  kx::Status check_route(u32 irqchip, u32 pin) const override;
  kx::Status set_pin(Vm& vm, u32 irqchip, u32 pin, u32 level) override;
  kx::Result<int> signal_msi(Vm& vm, const Msi& msi) override;
  // The MPIC's kvm_set_msi() writes MSIIR whatever the level: an MSI
  // route fires on KVM_IRQ_LINE's 0 too (and twice per irqfd write).
  void route_msi(Vm& vm, const Msi& msi, bool) override { (void)signal_msi(vm, msi); }
  // kvm_arch_set_irq_inatomic(): book3s calls kvm_set_irq() with level 1.
  bool pin_edge_atomic(Vm& vm, u32 irqchip, u32 pin) override;
  // kvm_arch_intc_initialized() on ppc: an irqfd needs the VM's XICS,
  // XIVE or MPIC (-EAGAIN before it).
  bool ready(Vm&) override { return current() != nullptr; }
  bool vcpu_has_interrupt(Vcpu& vcpu) override;

  // kvm_set_irq() on book3s: -ENODEV without a device, else its answer.
  int set_irq(u32 irq, u32 level);

  // A device's create (under the VM's lock): -EEXIST while another is
  // the VM's; its release takes it off.
  kx::Status attach(PpcIntc* dev);
  void detach(PpcIntc* dev);
  // The device, for a caller that holds the VM's lock (which its
  // release needs) and may sleep.
  PpcIntc* current();

  kx::SpinLock lock{&ppc_intc_class};
  PpcIntc* dev KX_GUARDED_BY(lock) = nullptr;

 private:
  const bool mpic_pins_;
};

// What both XICS implementations answer alike (intc.cpp): HAS for
// GRP_SOURCES (16 to 2^20 - 1) and GRP_CTRL (NR_SERVERS); a
// KVM_DEV_XICS_NR_SERVERS value as XICS-on-XIVE reads it (another
// attribute -ENXIO, -EFAULT, 0 or above KVM_MAX_VCPU_IDS -EINVAL); H_XIRR_X's
// timebase, a 512 MHz count of the host's monotonic clock.
kx::Status xics_has_source(const kx_attr& a);
kx::Status xics_has_ctrl(const kx_attr& a);
kx::Result<u32> xics_nr_servers(const kx_attr& a);
u64 xics_timebase();

// MAX_HCALL_OPCODE (H_WATCHDOG): the hypercalls KVM_CAP_PPC_ENABLE_HCALL
// switches, one bit per number / 4.
constexpr u64 kMaxHcallOpcode = 0x45c;
constexpr u32 kHcallWords = (kMaxHcallOpcode / 4 + 1 + 63) / 64;

// One KVM_PPC_RTAS_DEFINE_TOKEN definition (book3s_rtas.c).
struct RtasToken {
  u64 token;
  u32 handler;  // index in the handler table (hcalls.cpp)
  kx::ListNode node;
};

extern kx::LockClass ppc_rtas_class;
extern kx::LockClass ppc_tce_class;

// kvm->arch, for what kvm_ext has of it.
class PpcVm final : public ArchVm {
 public:
  explicit PpcVm(HostModel h);
  ~PpcVm() override;
  IrqChip* irqchip() override { return &intc; }

  const HostModel host;
  PpcIrqChip intc{host};
  // kvm->arch.enabled_hcalls: set and cleared atomically, as set_bit().
  kx::Atomic<u64> enabled_hcalls[kHcallWords];
  // kvm->arch.vcores[] on the POWER9 host: which ids have made theirs.
  kx::Atomic<u64> vcores[kMaxVcpus / 64];
  // The next PpcVcpu::seq.
  kx::Atomic<u64> vcpu_seq;
  // kvm->arch.rtas_token_lock and rtas_tokens.
  kx::Mutex rtas_lock{&ppc_rtas_class};
  kx::IntrusiveList<RtasToken, &RtasToken::node> rtas_tokens KX_GUARDED_BY(rtas_lock);
  // kvm->arch.spapr_tce_tables (tce.cpp): a table is on the list while
  // its fd is open; a TCE hypercall holds the lock while it uses one.
  kx::Mutex tce_lock{&ppc_tce_class};
  kx::IntrusiveList<TceTable, &TceTable::node> tce_tables KX_GUARDED_BY(tce_lock);
};
inline PpcVm& ppc_vm(Vm& vm) { return *static_cast<PpcVm*>(vm.arch()); }
inline const PpcVm& ppc_vm(const Vm& vm) { return *static_cast<const PpcVm*>(vm.arch()); }

// A device's creation as the VM's interrupt controller (its Create()):
// -ENOMEM, -EEXIST while the VM has one.
template <typename T>
kx::Result<T*> create_intc(Vm& vm) KX_REQUIRES(vm.lock) {
  PpcIrqChip& chip = ppc_vm(vm).intc;
  kx::AllocChecker ac;
  T* dev = new (&ac) T(chip);
  if (!ac.check()) return kx::kENOMEM;
  if (kx::Status s = chip.attach(dev); s.is_error()) {
    kx::destroy(dev);
    return s;
  }
  return dev;
}

// vcpu->arch, for what kvm_ext has of it; under Vcpu::mutex but for the
// presentation controllers, which their device reaches under its own lock
// (XicsDevice::icp_of(), XicsOnXive::icp_of()).
class PpcVcpu final : public ArchVcpu {
 public:
  // KVM_CAP_PPC_PAPR enabled.
  bool papr_enabled = false;
  // kvmppc_sanity_check()'s last answer: KVM_RUN refuses an insane vCPU.
  bool sane = false;
  // Creation order among the VM's vCPUs: the order of 6.1's
  // kvm_for_each_vcpu() (vcpu_idx), which XICS-on-XIVE walks.
  u64 seq = 0;
  // The external interrupt input an e500's MPIC drives
  // (BOOKE_IRQPRIO_EXTERNAL_LEVEL in vcpu->arch.pending_exceptions): set
  // and cleared from any context, read by KVM_RUN's idle wait.
  kx::Atomic<u32> external{0};

 private:
  friend class XicsDevice;
  friend class XicsOnXive;
  friend class XiveNative;
  friend class mpic::Mpic;
  // vcpu->arch.irq_type == KVMPPC_IRQ_MPIC, and vcpu->arch.irq_cpu_id
  // (0 until then, as the zeroed vCPU has it); under the MPIC's lock.
  bool mpic_connected_ = false;
  u32 mpic_cpu_ = 0;
  Icp* icp_ = nullptr;          // vcpu->arch.icp
  XiveIcp* xive_ = nullptr;     // vcpu->arch.xive_vcpu
  NativeVp* native_ = nullptr;  // vcpu->arch.xive_vcpu of a XIVE native vCPU
};
inline PpcVcpu& ppc_vcpu(Vcpu& vcpu) { return *static_cast<PpcVcpu*>(vcpu.arch()); }

kx::Result<ArchVm*> vm_create(unsigned long type);
IrqFeatures irq_features(const Vm* vm);
const kx_device_ops* device_ops(const Vm& vm, u32 type, const kx_device_ops* registered);
kx::Status irq_line(Vm& vm, IrqLevel& line);
kx::Status vm_enable_cap(Vm& vm, const EnableCap& req);
kx::Result<long> rtas_define_token(Vm& vm, u64 arg);

kx::Result<ArchVcpu*> vcpu_create(Vcpu& vcpu);
// kvmppc_sanity_check() after a vCPU capability (vcpu.cpp).
kx::Status sanity_check(Vcpu& vcpu);

// A PAPR hypercall's registers: r3 the number in, the return code out;
// r4-r7 arguments in, results out.
struct HcallRegs {
  u64 r3;
  u64 r4_7[4];
};
constexpr s64 kHSuccess = 0, kHHardware = -1, kHParameter = -4;  // H_SUCCESS, ...
constexpr s64 kHTooHard = 9999;  // H_TOO_HARD: the VMM handles the call
constexpr u64 kHEoi = 0x64, kHCppr = 0x68, kHIpi = 0x6c, kHIpoll = 0x70, kHXirr = 0x74,
              kHXirrX = 0x2fc, kHRtas = 0xf000;
kx::Status guest_hypercall(Vcpu& vcpu, GuestAccess& access, kx_exit* exit) KX_REQUIRES(vcpu.mutex);

// sPAPR TCE tables (tce.cpp). KVM_CREATE_SPAPR_TCE and
// KVM_CREATE_SPAPR_TCE_64 (powerpc.c's kvm_arch_vm_ioctl() rows): a new
// table fd. The TCE hypercalls (kvmppc_h_put_tce() and the rest): regs.r3
// the return code (kHTooHard: to the VMM), regs.r4_7[0] H_GET_TCE's TCE.
// The VFIO device's SET_SPAPR_TCE, kvm_spapr_tce_attach_iommu_group()'s
// checks of the table fd: not open -EBADF, not a TCE table of this VM
// -EINVAL.
constexpr u64 kHGetTce = 0x1c, kHPutTce = 0x20, kHStuffTce = 0x138, kHPutTceIndirect = 0x13c;
template <bool k64>
kx::Result<long> create_spapr_tce(Vm& vm, u64 arg);
void tce_hcall(Vcpu& vcpu, HcallRegs& regs);
kx::Status spapr_tce_attach(Vm& vm, s32 tablefd);

// The VM's XICS, either implementation (intc.cpp): a vCPU's connection
// and its ICP's state, the hypercalls the ICP answers
// (kvmppc_xics_hcall(): H_HARDWARE without an ICP), and RTAS's view of
// the sources (kvmppc_xics_set_xive() and the rest: 0, -ENODEV without an
// XICS, -EINVAL). xics_connect() (xics.cpp) and xics_on_xive_connect()
// (xics_xive.cpp) are each implementation's connect after
// enable_irq_xics()'s checks of the fd. A POWER9 VM's KVM_DEV_TYPE_XICS
// is kXicsOnXiveOps.
extern const kx_device_ops kXicsOnXiveOps;
kx::Status xics_connect(Device& dev, Vcpu& vcpu, u32 server);
kx::Status xics_on_xive_connect(Device& dev, Vcpu& vcpu, u32 server);
kx::Status enable_irq_xics(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
// XIVE native (xive_native.cpp): KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE) after
// powerpc.c's checks of the fd (enable_irq_xive(), intc.cpp);
// KVM_CAP_PPC_IRQ_XIVE where the host has it.
kx::Status xive_native_connect(Device& dev, Vcpu& vcpu, u32 server) KX_REQUIRES(vcpu.mutex);
kx::Status enable_irq_xive(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
long cap_irq_xive(const Personality& p, const Vm* vm);
kx::Result<u64> icp_state(Vcpu& vcpu) KX_REQUIRES(vcpu.mutex);
kx::Status set_icp_state(Vcpu& vcpu, u64 val) KX_REQUIRES(vcpu.mutex);
kx::Status vp_state(Vcpu& vcpu, u64 (&val)[2], bool set) KX_REQUIRES(vcpu.mutex);
bool has_icp(Vcpu& vcpu);
// The vCPU's ICP hypercalls are the kernel's even if the VMM disabled them.
bool icp_hcalls_always(Vcpu& vcpu);
void xics_hcall(Vcpu& vcpu, HcallRegs& regs) KX_REQUIRES(vcpu.mutex);
int xics_set_xive(Vm& vm, u32 irq, u32 server, u32 priority);
int xics_get_xive(Vm& vm, u32 irq, u32* server, u32* priority);
int xics_int_off(Vm& vm, u32 irq);
int xics_int_on(Vm& vm, u32 irq);
long cap_irq_xics(const Personality& p, const Vm* vm);
// The MPIC (mpic.c): KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC) after powerpc.c's
// checks of the fd; KVM_CAP_IRQ_MPIC where the host is an e500mc; the
// rows only a Book3S host answers 1.
kx::Status mpic_connect(Device& dev, Vcpu& vcpu, u32 cpu);
kx::Status enable_irq_mpic(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
long cap_irq_mpic(const Personality& p, const Vm* vm);
long cap_book3s(const Personality& p, const Vm* vm);
long cap_isa300(const Personality& p, const Vm* vm);
kx::Status run_enter(Vcpu& vcpu, kx_exit& exit) KX_REQUIRES(vcpu.mutex);
kx::Status enable_papr(Vcpu& vcpu, const EnableCap& req) KX_REQUIRES(vcpu.mutex);
template <bool kSet>
kx::Result<long> one_reg_ioctl(Vcpu& vcpu, u64 arg);

}  // namespace ppc
}  // namespace kvm

#endif  // KVM_EXT_ARCH_POWERPC_PPC_H
