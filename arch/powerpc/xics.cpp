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
// The presentation controllers (ICP), which vCPUs get by connecting with
// KVM_CAP_IRQ_XICS, are not there yet: no server exists, so a source can
// only be set with priority 0xff and a pending one is delivered nowhere
// (icp_deliver_irq() finds no server).
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

  ~XicsDevice() {
    for (Ics*& ics : ics_) kx::destroy(ics);
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
    if (prio != kMasked && !server_exists(server)) return kx::error(kx::kEINVAL);
    {
      kx::Guard<kx::Mutex> guard(&lock_);
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
    }
    // A PENDING source goes to its server (icp_deliver_irq()), which looks
    // the server up first: none exists yet, so the interrupt goes
    // nowhere, as 6.1 drops one whose server it cannot find.
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
  // once a vCPU is connected (none can be yet).
  kx::Status set_ctrl(const kx_attr& a) {
    if (a.attr != KX_DEV_XICS_NR_SERVERS) return kx::error(kx::kENXIO);
    u32 n;
    if (kx_copy_from_user(&n, a.addr, sizeof(n))) return kx::error(kx::kEFAULT);
    if (n == 0 || n > kMaxVcpuIds) return kx::error(kx::kEINVAL);
    kx::Guard<kx::Mutex> guard(&lock_);
    nr_servers_ = n;
    return kx::Status::ok();
  }

  kx::Status has_ctrl(const kx_attr& a) {
    return a.attr == KX_DEV_XICS_NR_SERVERS ? kx::Status::ok() : kx::error(kx::kENXIO);
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

  // kvmppc_xics_find_server(): the vCPU whose ICP has this server number.
  // No vCPU can connect yet.
  bool server_exists(u32) const { return false; }

  kx::Mutex lock_{&xics_lock_class};
  Ics* ics_[kMaxIcsId + 1] KX_GUARDED_BY(lock_) = {};
  // KVM_DEV_XICS_NR_SERVERS (KVM_MAX_VCPUS until set): the server numbers
  // vCPUs will connect with.
  u32 nr_servers_ KX_GUARDED_BY(lock_) = kMaxVcpus;
};

}  // namespace ppc
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_xics_device_ops =
    kvm::DeviceType<kvm::ppc::XicsDevice>::ops();
