// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XICS as Linux's XICS emulation has it (6.1's
// arch/powerpc/kvm/book3s_xics.c; Documentation/virt/kvm/devices/xics.rst):
// the interrupt source controllers (ICS) and their sources' state through
// KVM_DEV_XICS_GRP_SOURCES. One per VM, released when its fd closes.
//
// The source space is 20 bits (KVMPPC_XICS_NR_IRQS), numbers 0-15 reserved
// (KVMPPC_XICS_FIRST_IRQ); it is cut into 1024 ICSs of 1024 sources, each
// allocated the first time one of its sources is set, as Linux does.
//
// A vCPU connects with KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS) and gets an
// interrupt presentation controller (ICP) with its server number, whose
// state KVM_REG_PPC_ICP_STATE reads and writes; the ICPs are the device's
// and go with it. Sources fire through KVM_IRQ_LINE and irqfds; a pending
// source is delivered to its server's ICP as icp_deliver_irq() does
// (presented, rejected, or left for a resend), and a vCPU whose ICP
// presents an interrupt above its CPPR wakes. The guest takes it with the
// XICS hypercalls and controls the sources with RTAS (hcalls.cpp).
//
// One spinlock guards the sources and the ICPs (Linux's per-ICS spinlocks
// and lock-free ICP updates buy concurrency kvm_ext does not need): every
// path here may run from an irqfd's wakeup.
#include "arch/powerpc/ppc.h"
#include "arch/powerpc/xics_defs.h"
#include "virt/kvm/c_abi.h"

#include <kx/alloc.h>
#include <kx/lock.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(xics_lock);

constexpr u8 kPqPresented = 1, kPqQueued = 2;

// struct ics_irq_state, for what the source words carry.
struct IcsSource {
  u32 server = 0;
  u8 priority = kMasked;
  u8 saved_priority = kMasked;
  u8 pq = 0;  // PQ_PRESENTED, PQ_QUEUED
  bool exists = false;
  bool lsi = false;
  bool masked_pending = false;
  bool resend = false;
};

struct Ics {
  IcsSource src[kIrqPerIcs];
};

// struct kvmppc_icp: a connected vCPU's presentation controller.
struct Icp {
  Vcpu* vcpu;
  u32 server;
  u8 cppr = 0;
  u8 mfrr = kMasked;
  u8 pending_pri = kMasked;
  u32 xisr = 0;
  bool need_resend = false;
  u64 resend_map[(kMaxIcsId + 1) / 64] = {};  // ICSs with a source to resend
  kx::ListNode node;
};

class XicsDevice final : public PpcIntc {
 public:
  static constexpr const char* kName = "kvm-xics";
  // kvm_xics_ops has .release: closing the fd tears it down, and the VM
  // may make another.
  static constexpr bool kDiesWithFd = true;

  explicit XicsDevice(PpcIrqChip& chip) : chip_(chip) {}

  // kvmppc_xics_create(): one per VM (kvm->arch.xics), -EEXIST. The VM's
  // interrupt controller points at it from then on.
  static kx::Result<XicsDevice*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    return create_intc<XicsDevice>(vm);
  }

  // kvmppc_xics_release(): off the VM first, so that nothing reaches it
  // any more; the vCPUs lose their ICPs with it.
  static void Destroy(XicsDevice* dev) {
    dev->chip_.detach(dev);
    kx::destroy(dev);
  }

  ~XicsDevice() {
    kx::IrqSaveGuard guard(&lock_);
    for (Ics*& ics : ics_) kx::destroy(ics);
    while (Icp* icp = icps_.pop_front()) {
      icp_of(*icp->vcpu) = nullptr;
      kx::destroy(icp);
    }
  }

  // xics_set_source(): the number (a signed long in Linux: -ENOENT below
  // 16 or from 2^20), the ICS made if missing (before the word is read),
  // the word (-EFAULT); a priority other than 0xff needs its server's ICP
  // (-EINVAL). Then the state as the word says.
  kx::Status set_source(const kx_attr& a) {
    const s64 irq = static_cast<s64>(a.attr);
    if (irq < kFirstIrq || irq >= kNrIrqs) return kx::error(kx::kENOENT);
    Ics* ics = KX_TRY(ics_for(static_cast<u32>(irq)));
    u64 val;
    if (kx_copy_from_user(&val, a.addr, sizeof(val))) return kx::error(kx::kEFAULT);
    const u32 server = static_cast<u32>(val & KX_XICS_DESTINATION_MASK);
    const u8 prio = static_cast<u8>(val >> KX_XICS_PRIORITY_SHIFT);
    kx::IrqSaveGuard guard(&lock_);
    if (prio != kMasked && !icp_of_server(server)) return kx::error(kx::kEINVAL);
    IcsSource& s = ics->src[irq % kIrqPerIcs];
    s.server = server;
    s.saved_priority = prio;
    s.priority = (val & KX_XICS_MASKED) ? kMasked : prio;
    s.resend = false;
    s.masked_pending = false;
    s.lsi = val & KX_XICS_LEVEL_SENSITIVE;
    // "If PENDING, set P in case P is not saved because of old code"
    s.pq = ((val & (KX_XICS_PRESENTED | KX_XICS_PENDING)) ? kPqPresented : 0) |
           ((val & KX_XICS_QUEUED) ? kPqQueued : 0);
    s.exists = true;
    if (val & KX_XICS_PENDING) deliver(static_cast<u32>(irq), nullptr, false);
    return kx::Status::ok();
  }

  // xics_get_source(): the number goes to the ICS lookup as a u32 (no
  // range check: a missing ICS or a source never set is -ENOENT); a
  // masked source reports MASKED and its saved priority.
  kx::Status get_source(const kx_attr& a) {
    const u32 irq = static_cast<u32>(a.attr);
    u64 val = 0;
    {
      kx::IrqSaveGuard guard(&lock_);
      const Ics* ics = find_ics(irq);
      if (!ics || !ics->src[irq % kIrqPerIcs].exists) return kx::error(kx::kENOENT);
      const IcsSource& s = ics->src[irq % kIrqPerIcs];
      u64 prio = s.priority;
      val = s.server;
      if (prio == kMasked) {
        val |= KX_XICS_MASKED;
        prio = s.saved_priority;
      }
      val |= prio << KX_XICS_PRIORITY_SHIFT;
      if (s.lsi) {
        val |= KX_XICS_LEVEL_SENSITIVE;
        if (s.pq & kPqPresented) val |= KX_XICS_PENDING;
      } else if (s.masked_pending || s.resend) {
        val |= KX_XICS_PENDING;
      }
      if (s.pq & kPqPresented) val |= KX_XICS_PRESENTED;
      if (s.pq & kPqQueued) val |= KX_XICS_QUEUED;
    }
    if (kx_copy_to_user(a.addr, &val, sizeof(val))) return kx::error(kx::kEFAULT);
    return kx::Status::ok();
  }

  kx::Status has_source(const kx_attr& a) { return xics_has_source(a); }

  // KVM_DEV_XICS_NR_SERVERS, write only, as xics.rst has it for every
  // XICS (6.1 has it only in XICS-on-XIVE; its XICS emulation answers
  // -ENXIO: Documentation/differences.rst). In XICS-on-XIVE's order: the
  // value (-EFAULT), 0 or above KVM_MAX_VCPU_IDS -EINVAL, then -EBUSY
  // once a vCPU is connected. The emulation bounds no server number by it
  // (any u32 connects, as 6.1's), so the value is checked and not kept.
  kx::Status set_ctrl(const kx_attr& a) {
    if (kx::Result<u32> n = xics_nr_servers(a); n.is_error()) return n.error();
    kx::IrqSaveGuard guard(&lock_);
    return icps_.empty() ? kx::Status::ok() : kx::error(kx::kEBUSY);
  }

  kx::Status has_ctrl(const kx_attr& a) { return xics_has_ctrl(a); }

  // kvmppc_xics_connect_vcpu() after the device checks: a vCPU connected
  // already -EBUSY, a server number another ICP has -EEXIST, then the ICP
  // (-ENOMEM; made first here, under no lock). Any u32 is a server number.
  kx::Status connect(Vcpu& vcpu, u32 server) {
    kx::AllocChecker ac;
    Icp* icp = new (&ac) Icp{&vcpu, server};
    const bool allocated = ac.check();
    kx::Status s;
    {
      kx::IrqSaveGuard guard(&lock_);
      if (icp_of(vcpu)) {
        s = kx::error(kx::kEBUSY);
      } else if (icp_of_server(server)) {
        s = kx::error(kx::kEEXIST);
      } else if (!allocated) {
        s = kx::error(kx::kENOMEM);
      } else {
        icps_.push_back(icp);
        icp_of(vcpu) = icp;
        icp = nullptr;
      }
    }
    if (icp) kx::destroy(icp);
    return s;
  }

  kx::Status vp_state(Vcpu&, u64 (&)[2], bool) override { return kx::error(kx::kENXIO); }
  bool icp_hcalls_always() const override { return false; }

  bool connected(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    return icp_of(vcpu) != nullptr;
  }

  // icp_try_update()'s out_ee: the ICP presents an interrupt the vCPU
  // takes (KVM_RUN's idle guest wakes for it).
  bool has_interrupt(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    const Icp* icp = icp_of(vcpu);
    return icp && out_ee(*icp);
  }

  // kvmppc_xics_get_icp(); -ENXIO for a vCPU with no ICP (book3s.c).
  kx::Result<u64> icp_state(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    const Icp* icp = icp_of(vcpu);
    if (!icp) return kx::kENXIO;
    return u64{icp->cppr} << kIcpCpprShift | u64{icp->xisr} << kIcpXisrShift |
           u64{icp->mfrr} << kIcpMfrrShift | u64{icp->pending_pri} << kIcpPpriShift;
  }

  // kvmppc_xics_set_icp(): the state must be consistent (no interrupt: no
  // pending priority; an IPI at the MFRR's priority, above the CPPR; an
  // interrupt above the CPPR and the MFRR, in an ICS that exists), else
  // -EINVAL. A displaced interrupt is not rejected; a less favoured MFRR
  // hands a pending resend to the sources.
  kx::Status set_icp_state(Vcpu& vcpu, u64 val) override {
    kx::IrqSaveGuard guard(&lock_);
    Icp* icp = icp_of(vcpu);
    if (!icp) return kx::error(kx::kENXIO);
    const u8 cppr = static_cast<u8>(val >> kIcpCpprShift);
    const u32 xisr = static_cast<u32>((val >> kIcpXisrShift) & kIcpXisrMask);
    const u8 mfrr = static_cast<u8>(val >> kIcpMfrrShift);
    const u8 ppri = static_cast<u8>(val >> kIcpPpriShift);
    if (xisr == 0) {
      if (ppri != kMasked) return kx::error(kx::kEINVAL);
    } else if (xisr == kIpi) {
      if (ppri != mfrr || ppri >= cppr) return kx::error(kx::kEINVAL);
    } else if (ppri >= mfrr || ppri >= cppr || !find_ics(xisr)) {
      return kx::error(kx::kEINVAL);
    }
    bool resend = false;
    if (mfrr > icp->mfrr) {
      resend = icp->need_resend;
      icp->need_resend = false;
    }
    icp->cppr = cppr;
    icp->xisr = xisr;
    icp->mfrr = mfrr;
    icp->pending_pri = ppri;
    kick_if_presented(*icp);
    if (resend) check_resend(*icp);
    return kx::Status::ok();
  }

  // ics_deliver_irq(): KVM_IRQ_LINE's and irqfds' way in. A source that
  // does not exist is -EINVAL. KVM_INTERRUPT_SET and SET_LEVEL are 1,
  // UNSET 0, anything else as given. An MSI ignores 0 and otherwise
  // shifts P into Q; an LSI holds P while its line is high. Only the
  // change to P alone presents.
  int set_irq(u32 irq, u32 level) override {
    kx::IrqSaveGuard guard(&lock_);
    Ics* ics = find_ics(irq);
    if (!ics || !ics->src[irq % kIrqPerIcs].exists) return -kx::kEINVAL;
    IcsSource& s = ics->src[irq % kIrqPerIcs];
    constexpr u32 kSet = ~0u, kUnset = ~1u, kSetLevel = ~2u;  // KVM_INTERRUPT_*
    if (level == kSet || level == kSetLevel)
      level = 1;
    else if (level == kUnset)
      level = 0;
    if (!s.lsi && level == 0) return 0;
    u8 pq;
    if (s.lsi) {
      if (level && (s.pq & kPqPresented)) return 0;
      pq = level ? kPqPresented : 0;
    } else {
      pq = static_cast<u8>(((s.pq << 1) & 3) | kPqPresented);
    }
    s.pq = pq;
    if (pq == kPqPresented) deliver(irq, nullptr, false);
    return 0;
  }

  // kvmppc_xics_hcall() after the dispatch's checks: the ICP's hypercalls
  // (r3 the number) on this vCPU's ICP (none: H_HARDWARE). The return
  // code goes to r3, results to r4 and r5. Returns the source an H_EOI
  // completed (-1 for none), for kvm_notify_acked_irq() once the lock is
  // dropped.
  s64 hcall(Vcpu& vcpu, HcallRegs& regs) override {
    kx::IrqSaveGuard guard(&lock_);
    const u64 nr = regs.r3;
    u64* r = regs.r4_7;  // r4, r5, ...
    Icp* icp = icp_of(vcpu);
    s64 rc = kHSuccess, acked = -1;
    if (!icp) {
      rc = kHHardware;
    } else if (nr == kHXirr || nr == kHXirrX) {
      r[0] = h_xirr(*icp);
      // H_XIRR_X adds the timebase: a 512 MHz clock, as POWER's.
      if (nr == kHXirrX) r[1] = xics_timebase();
    } else if (nr == kHIpoll) {
      rc = h_ipoll(*icp, r[0], &r[0], &r[1]);
    } else if (nr == kHCppr) {
      h_cppr(*icp, r[0]);
    } else if (nr == kHEoi) {
      rc = h_eoi(*icp, r[0], &acked);
    } else if (nr == kHIpi) {
      rc = h_ipi(*icp, r[0], r[1]);
    }
    regs.r3 = static_cast<u64>(rc);
    return acked;
  }

  // RTAS ibm,set-xive (kvmppc_xics_set_xive()): the source's ICS and the
  // server's ICP must exist (-EINVAL); priority and saved priority both
  // take the new one, and a pending masked or rejected source is
  // delivered.
  int set_xive(u32 irq, u32 server, u32 priority) override {
    kx::IrqSaveGuard guard(&lock_);
    Ics* ics = find_ics(irq);
    if (!ics) return -kx::kEINVAL;
    Icp* icp = icp_of_server(server);
    if (!icp) return -kx::kEINVAL;
    const u8 prio = static_cast<u8>(priority);
    if (write_xive(ics->src[irq % kIrqPerIcs], server, prio, prio)) deliver(irq, icp, false);
    return 0;
  }

  // ibm,get-xive: the server and the current priority (0xff if masked).
  int get_xive(u32 irq, u32* server, u32* priority) override {
    kx::IrqSaveGuard guard(&lock_);
    const Ics* ics = find_ics(irq);
    if (!ics) return -kx::kEINVAL;
    *server = ics->src[irq % kIrqPerIcs].server;
    *priority = ics->src[irq % kIrqPerIcs].priority;
    return 0;
  }

  // ibm,int-off: masked, the priority kept as the saved one.
  int int_off(u32 irq) override {
    kx::IrqSaveGuard guard(&lock_);
    Ics* ics = find_ics(irq);
    if (!ics) return -kx::kEINVAL;
    IcsSource& s = ics->src[irq % kIrqPerIcs];
    (void)write_xive(s, s.server, kMasked, s.priority);
    return 0;
  }

  // ibm,int-on: the saved priority back (its server's ICP must exist),
  // and what arrived while masked delivered.
  int int_on(u32 irq) override {
    kx::IrqSaveGuard guard(&lock_);
    Ics* ics = find_ics(irq);
    if (!ics) return -kx::kEINVAL;
    IcsSource& s = ics->src[irq % kIrqPerIcs];
    Icp* icp = icp_of_server(s.server);
    if (!icp) return -kx::kEINVAL;
    if (write_xive(s, s.server, s.saved_priority, s.saved_priority)) deliver(irq, icp, false);
    return 0;
  }

  static constexpr AttrGroup<XicsDevice> kAttrGroups[] = {
      {KX_DEV_XICS_GRP_SOURCES, &XicsDevice::set_source, &XicsDevice::get_source,
       &XicsDevice::has_source},
      {KX_DEV_XICS_GRP_CTRL, &XicsDevice::set_ctrl, nullptr, &XicsDevice::has_ctrl},
  };

 private:
  static bool out_ee(const Icp& icp) { return icp.xisr && icp.pending_pri < icp.cppr; }

  // icp_try_update(): an ICP that now presents an interrupt kicks its vCPU.
  static void kick_if_presented(Icp& icp) {
    if (out_ee(icp)) icp.vcpu->kick();
  }

  // vcpu->arch.icp: this XICS's ICP of the vCPU, reached under its lock.
  Icp*& icp_of(Vcpu& vcpu) KX_REQUIRES(lock_) { return ppc_vcpu(vcpu).icp_; }

  Ics* find_ics(u32 irq) const KX_REQUIRES(lock_) {
    const u32 id = irq >> kIcsShift;
    return id > kMaxIcsId ? nullptr : ics_[id];
  }

  // kvmppc_xics_create_ics(): allocated outside the lock, published
  // under it (another set may have made it meanwhile).
  kx::Result<Ics*> ics_for(u32 irq) {
    {
      kx::IrqSaveGuard guard(&lock_);
      if (Ics* ics = find_ics(irq)) return ics;
    }
    kx::AllocChecker ac;
    Ics* fresh = new (&ac) Ics();
    if (!ac.check()) return kx::kENOMEM;
    Ics* ics;
    {
      kx::IrqSaveGuard guard(&lock_);
      Ics*& slot = ics_[irq >> kIcsShift];
      if (!slot) {
        slot = fresh;
        fresh = nullptr;
      }
      ics = slot;
    }
    if (fresh) kx::destroy(fresh);
    return ics;
  }

  // kvmppc_xics_find_server(): the ICP with this server number.
  Icp* icp_of_server(u32 server) KX_REQUIRES(lock_) {
    for (Icp* icp : icps_) {
      if (icp->server == server) return icp;
    }
    return nullptr;
  }

  // write_xive(): whether the source now needs delivering (it was pending
  // while masked, or waiting for a resend, and is unmasked).
  static bool write_xive(IcsSource& s, u32 server, u8 priority, u8 saved_priority) {
    s.server = server;
    s.priority = priority;
    s.saved_priority = saved_priority;
    if ((s.masked_pending || s.resend) && priority != kMasked) {
      s.masked_pending = false;
      s.resend = false;
      return true;
    }
    return false;
  }

  // kvmppc_h_xirr(), Accept_Interrupt: the pending interrupt with the
  // CPPR; the CPPR rises to its priority and the XISR empties.
  static u32 h_xirr(Icp& icp) {
    const u32 xirr = icp.xisr | u32{icp.cppr} << 24;
    if (icp.xisr) {
      icp.cppr = icp.pending_pri;
      icp.pending_pri = kMasked;
      icp.xisr = 0;
    }
    return xirr;
  }

  // The ICP a server number names for H_IPI and H_IPOLL: the caller's
  // own if the whole register matches, else kvmppc_xics_find_server() of
  // its low 32 bits.
  Icp* target(Icp& self, u64 server) KX_REQUIRES(lock_) {
    return server == self.server ? &self : icp_of_server(static_cast<u32>(server));
  }

  // kvmppc_h_ipoll(): XIRR and MFRR of any ICP, no side effect.
  s64 h_ipoll(Icp& self, u64 server, u64* xirr, u64* mfrr) KX_REQUIRES(lock_) {
    const Icp* icp = target(self, server);
    if (!icp) return kHParameter;
    *xirr = u32{icp->cppr} << 24 | icp->xisr;
    *mfrr = icp->mfrr;
    return kHSuccess;
  }

  // kvmppc_h_ipi(): Set_MFRR, then Check_IPI (an MFRR above the CPPR and
  // at least the pending priority displaces the pending interrupt,
  // which is rejected back to its source unless an IPI); a less
  // favoured MFRR resends whatever the ICP refused. The state keeps the
  // register's low byte; the comparisons take all of it, as 6.1's.
  s64 h_ipi(Icp& self, u64 server, u64 mfrr) KX_REQUIRES(lock_) {
    Icp* icp = target(self, server);
    if (!icp) return kHParameter;
    const u8 old_mfrr = icp->mfrr;
    u32 reject = 0;
    bool resend = false;
    icp->mfrr = static_cast<u8>(mfrr);
    if (mfrr < icp->cppr && mfrr <= icp->pending_pri) {
      reject = icp->xisr;
      icp->pending_pri = static_cast<u8>(mfrr);
      icp->xisr = kIpi;
    }
    if (mfrr > old_mfrr) {
      resend = icp->need_resend;
      icp->need_resend = false;
    }
    kick_if_presented(*icp);
    if (reject && reject != kIpi) deliver(reject, icp, false);
    if (resend) check_resend(*icp);
    return kHSuccess;
  }

  // icp_down_cppr(): a less favoured CPPR may let the IPI the MFRR
  // holds be presented, and resends what was refused.
  void down_cppr(Icp& icp, u8 cppr) KX_REQUIRES(lock_) {
    icp.cppr = cppr;
    if (icp.mfrr < cppr && icp.mfrr <= icp.pending_pri) {
      icp.pending_pri = icp.mfrr;
      icp.xisr = kIpi;
    }
    const bool resend = icp.need_resend;
    icp.need_resend = false;
    kick_if_presented(icp);
    if (resend) check_resend(icp);
  }

  // kvmppc_h_cppr(): lowering the priority is Down_CPPR; raising it
  // rejects a pending interrupt it now masks. The comparison takes the
  // whole register, the CPPR its low byte.
  void h_cppr(Icp& icp, u64 cppr) KX_REQUIRES(lock_) {
    if (cppr > icp.cppr) {
      down_cppr(icp, static_cast<u8>(cppr));
    } else if (cppr == icp.cppr) {
      return;
    }
    u32 reject = 0;
    icp.cppr = static_cast<u8>(cppr);
    if (cppr <= icp.pending_pri) {
      reject = icp.xisr;
      icp.xisr = 0;
      icp.pending_pri = kMasked;
    }
    kick_if_presented(icp);
    if (reject && reject != kIpi) deliver(reject, &icp, false);
  }

  // kvmppc_h_eoi(): the CPPR from the XIRR's top byte (Down_CPPR), then
  // for anything but an IPI the source's EOI (ics_eoi(): its ICS must
  // exist, H_PARAMETER): an MSI's Q moves into P, an LSI keeps P while
  // its line is high; a P left set is delivered again.
  s64 h_eoi(Icp& icp, u64 xirr, s64* acked) KX_REQUIRES(lock_) {
    const u32 irq = xirr & 0xffffff;
    down_cppr(icp, static_cast<u8>(xirr >> 24));
    if (irq == kIpi) return kHSuccess;
    Ics* ics = find_ics(irq);
    if (!ics) return kHParameter;
    IcsSource& s = ics->src[irq % kIrqPerIcs];
    if (!s.lsi) s.pq >>= 1;
    if (s.pq & kPqPresented) deliver(irq, &icp, false);
    *acked = irq;
    return kHSuccess;
  }

  // icp_try_to_deliver(): presented if the ICP's CPPR, MFRR and pending
  // priority are all less favoured, rejecting what it held; else the ICP
  // needs a resend.
  static bool try_to_deliver(Icp& icp, u32 irq, u8 priority, u32* reject) {
    *reject = 0;
    if (icp.cppr > priority && icp.mfrr > priority && icp.pending_pri > priority) {
      *reject = icp.xisr;
      icp.xisr = irq;
      icp.pending_pri = priority;
      kick_if_presented(icp);
      return true;
    }
    icp.need_resend = true;
    return false;
  }

  // icp_deliver_irq(): the source's server first (none: the interrupt is
  // dropped, as Linux does); a masked source keeps it pending; a failed
  // delivery marks the source for a resend; an interrupt the delivery
  // rejected (not an IPI) is delivered again.
  void deliver(u32 irq, Icp* icp, bool check_resend) KX_REQUIRES(lock_) {
    for (;;) {
      Ics* ics = find_ics(irq);
      if (!ics) return;
      IcsSource& s = ics->src[irq % kIrqPerIcs];
      if (!icp || s.server != icp->server) icp = icp_of_server(s.server);
      if (!icp) return;
      if (check_resend && !s.resend) return;
      s.resend = false;
      if (s.priority == kMasked) {
        s.masked_pending = true;
        return;
      }
      u32 reject;
      if (!try_to_deliver(*icp, irq, s.priority, &reject)) {
        s.resend = true;
        const u32 id = irq >> kIcsShift;
        icp->resend_map[id / 64] |= 1ULL << (id % 64);
        return;
      }
      if (!reject || reject == kIpi) return;
      irq = reject;
      check_resend = false;
    }
  }

  // icp_check_resend(): every source marked for a resend in the ICSs the
  // ICP flagged.
  void check_resend(Icp& icp) KX_REQUIRES(lock_) {
    for (u32 id = 0; id <= kMaxIcsId; id++) {
      u64& word = icp.resend_map[id / 64];
      if (!(word & (1ULL << (id % 64)))) continue;
      word &= ~(1ULL << (id % 64));
      if (!ics_[id]) continue;
      for (u32 i = 0; i < kIrqPerIcs; i++) {
        if (ics_[id]->src[i].resend) deliver(id * kIrqPerIcs + i, &icp, true);
      }
    }
  }

  PpcIrqChip& chip_;
  kx::SpinLock lock_{&xics_lock_class};
  Ics* ics_[kMaxIcsId + 1] KX_GUARDED_BY(lock_) = {};
  kx::IntrusiveList<Icp, &Icp::node> icps_ KX_GUARDED_BY(lock_);
};

// kvmppc_xics_connect_vcpu() for intc.cpp's KVM_ENABLE_CAP.
kx::Status xics_connect(Device& dev, Vcpu& vcpu, u32 server) {
  return static_cast<XicsDevice*>(dev.priv)->connect(vcpu, server);
}

}  // namespace ppc
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_xics_device_ops =
    kvm::DeviceType<kvm::ppc::XicsDevice>::ops();
