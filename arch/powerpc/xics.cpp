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
// and go with it. A pending source is delivered to its server's ICP as
// icp_deliver_irq() does (presented, rejected, or left for a resend). The
// guest's side (the XICS hypercalls, a vCPU in KVM_RUN woken by its ICP)
// is not there yet.
//
// One mutex guards the sources and the ICPs: Linux's per-ICS spinlocks and
// lock-free ICP updates serve guest paths kvm_ext does not run yet.
#include "arch/powerpc/ppc.h"
#include "virt/kvm/c_abi.h"

#include <kx/alloc.h>
#include <kx/lock.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(xics_lock);

constexpr u32 kFirstIrq = 16;  // KVMPPC_XICS_FIRST_IRQ
constexpr u32 kIcsShift = 10;  // KVMPPC_XICS_ICS_SHIFT
constexpr u32 kIrqPerIcs = 1u << kIcsShift;
constexpr u32 kMaxIcsId = 1023;                        // KVMPPC_XICS_MAX_ICS_ID
constexpr u32 kNrIrqs = (kMaxIcsId + 1) * kIrqPerIcs;  // KVMPPC_XICS_NR_IRQS
constexpr u8 kMasked = 0xff;                           // the priority that masks a source
constexpr u8 kPqPresented = 1, kPqQueued = 2;
constexpr u32 kIpi = 2;  // XICS_IPI: the XISR of an IPI

// KVM_REG_PPC_ICP_STATE's fields (asm/kvm.h)
constexpr u32 kIcpCpprShift = 56, kIcpXisrShift = 32, kIcpMfrrShift = 24, kIcpPpriShift = 16;
constexpr u64 kIcpXisrMask = 0xffffff;

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

class XicsDevice {
 public:
  static constexpr const char* kName = "kvm-xics";
  // kvm_xics_ops has .release: closing the fd tears it down, and the VM
  // may make another.
  static constexpr bool kDiesWithFd = true;

  // kvmppc_xics_create(): one per VM (kvm->arch.xics), -EEXIST.
  static kx::Result<XicsDevice*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    for (Device* other : vm.devices()) {
      if (other->ops() == &kx_xics_device_ops) return kx::kEEXIST;
    }
    kx::AllocChecker ac;
    XicsDevice* dev = new (&ac) XicsDevice();
    if (!ac.check()) return kx::kENOMEM;
    return dev;
  }

  // kvmppc_xics_release(): the vCPUs lose their ICPs with it.
  ~XicsDevice() {
    for (Ics*& ics : ics_) kx::destroy(ics);
    while (Icp* icp = icps_.pop_front()) kx::destroy(icp);
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
    kx::Guard<kx::Mutex> guard(&lock_);
    if (prio != kMasked && !icp_of_server(server)) return kx::error(kx::kEINVAL);
    IcsSource& s = ics->src[irq % kIrqPerIcs];
    {
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
    }
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
      kx::Guard<kx::Mutex> guard(&lock_);
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

  kx::Status has_source(const kx_attr& a) {
    return a.attr >= kFirstIrq && a.attr < kNrIrqs ? kx::Status::ok() : kx::error(kx::kENXIO);
  }

  // KVM_DEV_XICS_NR_SERVERS, write only, as xics.rst has it for every
  // XICS (6.1 has it only in XICS-on-XIVE; its XICS emulation answers
  // -ENXIO: Documentation/differences.rst). In XICS-on-XIVE's order: the
  // value (-EFAULT), 0 or above KVM_MAX_VCPU_IDS -EINVAL, then -EBUSY
  // once a vCPU is connected. The emulation bounds no server number by it
  // (any u32 connects, as 6.1's), so the value is checked and not kept.
  kx::Status set_ctrl(const kx_attr& a) {
    if (a.attr != KX_DEV_XICS_NR_SERVERS) return kx::error(kx::kENXIO);
    u32 n;
    if (kx_copy_from_user(&n, a.addr, sizeof(n))) return kx::error(kx::kEFAULT);
    if (n == 0 || n > kMaxVcpuIds) return kx::error(kx::kEINVAL);
    kx::Guard<kx::Mutex> guard(&lock_);
    return icps_.empty() ? kx::Status::ok() : kx::error(kx::kEBUSY);
  }

  kx::Status has_ctrl(const kx_attr& a) {
    return a.attr == KX_DEV_XICS_NR_SERVERS ? kx::Status::ok() : kx::error(kx::kENXIO);
  }

  // kvmppc_xics_connect_vcpu() after the device checks: a vCPU connected
  // already -EBUSY, a server number another ICP has -EEXIST, then the ICP
  // (-ENOMEM). Any u32 is a server number.
  kx::Status connect(Vcpu& vcpu, u32 server) {
    kx::Guard<kx::Mutex> guard(&lock_);
    if (icp_of_vcpu(vcpu)) return kx::error(kx::kEBUSY);
    if (icp_of_server(server)) return kx::error(kx::kEEXIST);
    kx::AllocChecker ac;
    Icp* icp = new (&ac) Icp{&vcpu, server};
    if (!ac.check()) return kx::error(kx::kENOMEM);
    icps_.push_back(icp);
    return kx::Status::ok();
  }

  // kvmppc_xics_get_icp(); -ENXIO for a vCPU with no ICP (book3s.c).
  kx::Result<u64> icp_state(const Vcpu& vcpu) {
    kx::Guard<kx::Mutex> guard(&lock_);
    const Icp* icp = icp_of_vcpu(vcpu);
    if (!icp) return kx::kENXIO;
    return u64{icp->cppr} << kIcpCpprShift | u64{icp->xisr} << kIcpXisrShift |
           u64{icp->mfrr} << kIcpMfrrShift | u64{icp->pending_pri} << kIcpPpriShift;
  }

  // kvmppc_xics_set_icp(): the state must be consistent (no interrupt: no
  // pending priority; an IPI at the MFRR's priority, above the CPPR; an
  // interrupt above the CPPR and the MFRR, in an ICS that exists), else
  // -EINVAL. A displaced interrupt is not rejected; a less favoured MFRR
  // hands a pending resend to the sources.
  kx::Status set_icp_state(const Vcpu& vcpu, u64 val) {
    kx::Guard<kx::Mutex> guard(&lock_);
    Icp* icp = icp_of_vcpu(vcpu);
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
    if (resend) check_resend(*icp);
    return kx::Status::ok();
  }

  static constexpr AttrGroup<XicsDevice> kAttrGroups[] = {
      {KX_DEV_XICS_GRP_SOURCES, &XicsDevice::set_source, &XicsDevice::get_source,
       &XicsDevice::has_source},
      {KX_DEV_XICS_GRP_CTRL, &XicsDevice::set_ctrl, nullptr, &XicsDevice::has_ctrl},
  };

 private:
  XicsDevice() = default;

  Ics* find_ics(u32 irq) const KX_REQUIRES(lock_) {
    const u32 id = irq >> kIcsShift;
    return id > kMaxIcsId ? nullptr : ics_[id];
  }

  // kvmppc_xics_create_ics(): allocated outside the lock, published
  // under it (another set may have made it meanwhile).
  kx::Result<Ics*> ics_for(u32 irq) {
    {
      kx::Guard<kx::Mutex> guard(&lock_);
      if (Ics* ics = find_ics(irq)) return ics;
    }
    kx::AllocChecker ac;
    Ics* fresh = new (&ac) Ics();
    if (!ac.check()) return kx::kENOMEM;
    kx::Guard<kx::Mutex> guard(&lock_);
    Ics*& slot = ics_[irq >> kIcsShift];
    if (slot)
      kx::destroy(fresh);
    else
      slot = fresh;
    return slot;
  }

  // kvmppc_xics_find_server(): the ICP with this server number.
  Icp* icp_of_server(u32 server) KX_REQUIRES(lock_) {
    for (Icp* icp : icps_) {
      if (icp->server == server) return icp;
    }
    return nullptr;
  }

  Icp* icp_of_vcpu(const Vcpu& vcpu) KX_REQUIRES(lock_) {
    for (Icp* icp : icps_) {
      if (icp->vcpu == &vcpu) return icp;
    }
    return nullptr;
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

  kx::Mutex lock_{&xics_lock_class};
  Ics* ics_[kMaxIcsId + 1] KX_GUARDED_BY(lock_) = {};
  kx::IntrusiveList<Icp, &Icp::node> icps_ KX_GUARDED_BY(lock_);
};

// The VM's XICS, if it has one; Vm::lock keeps it from its release.
XicsDevice* xics_of(Vm& vm) KX_REQUIRES(vm.lock) {
  for (Device* d : vm.devices()) {
    if (d->ops() == &kx_xics_device_ops) return static_cast<XicsDevice*>(d->priv);
  }
  return nullptr;
}

// KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS) (kvm_vcpu_ioctl_enable_cap()):
// args[0] the device fd (-EBADF), which must be a kvm device (-EPERM), an
// XICS (-EPERM) of this VM (-EPERM); args[1] the server number. The fd's
// reference keeps the device alive meanwhile. Then 6.1's sanity check,
// which keeps the connection when it refuses a vCPU not in PAPR mode.
kx::Status enable_irq_xics(Vcpu& vcpu, const EnableCap& req) {
  void* file;
  KX_TRY(kx::Status::from_raw(kx_file_get(static_cast<s32>(req.args[0]), &file)));
  kx::Status s = kx::error(kx::kEPERM);
  if (kx_device* h = kx_file_device(file)) {
    Device* dev = from_handle(h);
    if (dev->ops() == &kx_xics_device_ops && &dev->vm() == &vcpu.vm())
      s = static_cast<XicsDevice*>(dev->priv)->connect(vcpu, static_cast<u32>(req.args[1]));
  }
  kx_file_put(file);
  KX_TRY(s);
  return sanity_check(vcpu);
}

kx::Result<u64> icp_state(Vcpu& vcpu) {
  kx::Guard<kx::Mutex> guard(&vcpu.vm().lock);
  XicsDevice* x = xics_of(vcpu.vm());
  if (!x) return kx::kENXIO;
  return x->icp_state(vcpu);
}

kx::Status set_icp_state(Vcpu& vcpu, u64 val) {
  kx::Guard<kx::Mutex> guard(&vcpu.vm().lock);
  XicsDevice* x = xics_of(vcpu.vm());
  if (!x) return kx::error(kx::kENXIO);
  return x->set_icp_state(vcpu, val);
}

// KVM_CAP_IRQ_XICS: vCPUs connect to an XICS, where the host has one.
long cap_irq_xics(const Personality&, const Vm* vm) {
  return (vm ? ppc_vm(*vm).host : host()) == HostModel::kPower8;
}

}  // namespace ppc
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_xics_device_ops =
    kvm::DeviceType<kvm::ppc::XicsDevice>::ops();
