// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XICS on the POWER9 host: XICS-on-XIVE, Linux's XICS ABI
// over a XIVE interrupt controller (6.1's arch/powerpc/kvm/book3s_xive.c;
// Documentation/virt/kvm/devices/xics.rst). Same source words, same
// hypercalls and RTAS calls as the XICS emulation (xics.cpp), different
// machinery, and so different answers where 6.1's differ (what
// get_source reports, ICP_STATE's validation, NR_SERVERS, connect's
// server checks): userspace-api.rst lists them.
//
// The machinery is the hardware's, modelled: every source is an ESB
// (xive_esb.h) whose trigger, with PQ 00, notifies its target, a vCPU
// and one of its priorities; the notification appends the source number
// to that vCPU's event queue for the priority (host memory, as the
// hardware queues of 6.1) and raises the priority in the vCPU's IPB. The
// vCPU is interrupted while the most favoured IPB priority (the PIPR) is
// more favoured than its hardware CPPR. The XICS hypercalls then emulate
// an ICP on top: H_XIRR acknowledges the PIPR and takes the head of the
// most favoured queue below the guest's CPPR, H_EOI EOIs the ESB, an IPI
// is an MFRR plus a per-vCPU doorbell ESB routed at priority 0.
//
// Locks: config_ (a mutex, xive->lock) serialises what allocates and
// reshapes the device (connect, set_source, RTAS set-xive, NR_SERVERS);
// lock_ (a spinlock, 6.1's per-block source locks and the hardware's
// atomicity) guards the sources' and vCPUs' state, which triggers from
// irqfds reach in atomic context. config_ nests outside lock_.
#include "arch/powerpc/ppc.h"
#include "arch/powerpc/xics_defs.h"
#include "arch/powerpc/xive_esb.h"
#include "virt/kvm/c_abi.h"

#include <kx/alloc.h>
#include <kx/lock.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(xics_xive_config);
KX_LOCK_CLASS(xics_xive_state);

constexpr u32 kXivePrios = 8;  // KVMPPC_XIVE_Q_COUNT
// xive_native_default_eq_shift() on POWER9 (64 KiB queue pages): 16384
// entries, of which XIVE_Q_GAP are kept free.
constexpr u32 kEqShift = 16;
constexpr u32 kEqEntries = 1u << (kEqShift - 2);
constexpr u32 kEqGap = 2;
constexpr u32 kDummy = 1;  // XICS_DUMMY: a queue entry a retarget emptied

// xive_prio_from_guest(): 0-5 and 0xff are their own queue; the rest of
// the guest's priorities share queue 6 (7 is the escalation's).
constexpr u8 prio_from_guest(u8 p) { return p == kMasked || p < 6 ? p : 6; }

// ffs() - 1 of a priority bitmap: its most favoured priority, 0xff for none.
constexpr u8 first_prio(u8 bits) { return bits ? static_cast<u8>(__builtin_ctz(bits)) : kMasked; }

// struct xive_q: a vCPU's event queue for one priority. Entries live in
// [head, tail) of the ring, indices free running; no page means the
// priority only sets the IPB (a "no queue" END).
struct XiveEq {
  u32* page = nullptr;
  u32 head = 0;           // q->idx: what H_XIRR reads next
  u32 tail = 0;           // where the next notification is written
  u32 count = 0;          // sources targeted here (xive_try_pick_queue())
  u32 pending_count = 0;  // of which retargeted away, settled when seen empty

  // __xive_read_eq() at *idx: the entry and idx past it, 0 at the end.
  u32 read(u32* idx) const {
    if (!page || *idx == tail) return 0;
    return page[(*idx)++ % kEqEntries];
  }
};

// struct kvmppc_xive_vcpu: a connected vCPU, its XICS view (CPPR, MFRR,
// the priorities fetched from the IPB) and its XIVE thread context (the
// IPB, the hardware CPPR), its queues and its IPI doorbell.
struct XiveIcp {
  Vcpu* vcpu;
  u32 server;  // the XICS server number, all 32 bits
  u32 vp;      // kvmppc_pack_vcpu_id(): the VP in the device's block
  u8 cppr = 0;
  u8 hw_cppr = 0;
  u8 mfrr = kMasked;
  u8 pending = 0;  // priorities acknowledged from the IPB, queues to scan
  u8 ipb = 0;
  u32 delayed_irq = 0;  // an ICP_STATE XISR whose source was not set yet
  EsbPq doorbell;       // vp_ipi: H_IPI's signal, routed at priority 0
  XiveEq eqs[kXivePrios];
  kx::ListNode node;

  u8 pipr() const { return first_prio(ipb); }
};

// struct kvmppc_xive_irq_state, for what the model needs. Every source is
// backed by an ESB of MSI type, as 6.1's (an LSI's level comes from
// H_EOI's retrigger while asserted).
struct XiveSource {
  EsbPq pq;
  u32 act_server = 0;          // the actual target; 0 if never targeted
  XiveIcp* act_icp = nullptr;  // its vCPU while act_priority is not masked
  // The hardware's routing (the EAS): where a trigger notifies. Only a
  // successful target() sets it; set_source's untargeting leaves it in
  // place, as 6.1 reconfigures no EAS there, so a source re-set to an
  // unknown server (or to 0xff) still notifies its old queue.
  XiveIcp* eas_icp = nullptr;
  u8 eas_prio = 0;
  u8 guest_priority = kMasked;
  u8 saved_priority = kMasked;
  u8 act_priority = kMasked;  // the queue; 0xff: untargeted
  u8 saved_scan_prio = 0;     // get_source's snapshot
  bool valid = false;
  bool lsi = false;
  bool asserted = false;
  bool old_p = false, old_q = false;  // the PQ a mask saved
  bool saved_p = false, saved_q = false, in_queue = false;
};

struct XiveSourceBlock {
  XiveSource src[kIrqPerIcs];
};

class XicsOnXive final : public PpcIntc {
 public:
  static constexpr const char* kName = "kvm-xive";
  static constexpr bool kDiesWithFd = true;

  explicit XicsOnXive(PpcIrqChip& chip) : chip_(chip) {}

  // kvmppc_xive_create(): the VM's one interrupt controller (-EEXIST,
  // XIVE native included); nothing allocated in hardware until the
  // first vCPU connects.
  static kx::Result<XicsOnXive*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    return create_intc<XicsOnXive>(vm);
  }

  // kvmppc_xive_release(): off the VM first; the vCPUs are disconnected
  // and may connect again, to a new device.
  static void Destroy(XicsOnXive* dev) {
    dev->chip_.detach(dev);
    kx::destroy(dev);
  }

  ~XicsOnXive() {
    kx::IntrusiveList<XiveIcp, &XiveIcp::node> icps;
    {
      kx::IrqSaveGuard guard(&lock_);
      while (XiveIcp* icp = icps_.pop_front()) {
        icp_of(*icp->vcpu) = nullptr;
        icps.push_back(icp);
      }
    }
    // Freed outside the spinlock: the pages may be vmalloc()ed.
    while (XiveIcp* icp = icps.pop_front()) free_icp(icp);
    for (XiveSourceBlock*& b : blocks_) kx::destroy(b);
  }

  // xive_set_source(): the number (-ENOENT outside 16..2^20), the block
  // made if missing (-ENOMEM; it stays), the word (-EFAULT); from then on
  // 0, whether or not the source could be targeted: a priority other
  // than 0xff needs its queue on every vCPU and a vCPU with the server
  // number and room, else the source is valid and unmasked but goes
  // nowhere until RTAS retargets it. PRESENTED/QUEUED/PENDING restore
  // the PQ (pending: Q, one more delivery), applied now if unmasked.
  kx::Status set_source(const kx_attr& a) {
    const s64 irq = static_cast<s64>(a.attr);
    if (irq < kFirstIrq || irq >= kNrIrqs) return kx::error(kx::kENOENT);
    kx::Guard<kx::Mutex> config(&config_);
    KX_TRY(block_for(static_cast<u32>(irq)));
    u64 val;
    if (kx_copy_from_user(&val, a.addr, sizeof(val))) return kx::error(kx::kEFAULT);
    const u32 server = static_cast<u32>(val & KX_XICS_DESTINATION_MASK);
    const u8 prio = static_cast<u8>(val >> KX_XICS_PRIORITY_SHIFT);
    const u8 act_prio = prio_from_guest(prio);
    const bool provisioned = act_prio != kMasked && provision(act_prio) == 0;

    kx::IrqSaveGuard guard(&lock_);
    XiveSource& s = *find_source(static_cast<u32>(irq));
    s.guest_priority = 0;
    (void)mask(s);
    untarget(s);
    if (provisioned) (void)target(s, server, act_prio);
    // xive_check_delayed_irq(): the first vCPU whose ICP_STATE named
    // this source gives it up (one delivery); another that named it too
    // keeps it for the next set, as 6.1's.
    if (delayed_irqs_) {
      for (XiveIcp* icp : icps_) {
        if (icp->delayed_irq != irq) continue;
        icp->delayed_irq = 0;
        delayed_irqs_--;
        val |= KX_XICS_PENDING;
        break;
      }
    }
    s.lsi = val & KX_XICS_LEVEL_SENSITIVE;
    s.asserted = s.lsi && (val & KX_XICS_PENDING);
    // "Pending" is Q without P: one delivery to come; PRESENTED without
    // it waits for the guest's H_EOI.
    s.old_p = (val & KX_XICS_PRESENTED) && !(val & KX_XICS_PENDING);
    s.old_q = (val & KX_XICS_QUEUED) || (val & KX_XICS_PENDING);
    if (val & KX_XICS_MASKED) {
      s.guest_priority = kMasked;
    } else {
      finish_unmask(static_cast<u32>(irq), s, prio);
    }
    s.saved_priority = prio;
    if (!s.valid) src_count_++;
    s.valid = true;
    return kx::Status::ok();
  }

  // xive_get_source(): the number as a u32; no block or a source never
  // set -ENOENT. The word is a snapshot the first get of a save cycle
  // takes of every source (masked for a moment, its PQ read, the queues
  // walked for what they hold), a cycle ending after as many gets as
  // there are sources. An LSI reports P as PENDING.
  kx::Status get_source(const kx_attr& a) {
    const u32 irq = static_cast<u32>(a.attr);
    u64 val;
    {
      kx::IrqSaveGuard guard(&lock_);
      XiveSource* s = find_source(irq);
      if (!s || !s->valid) return kx::error(kx::kENOENT);
      if (saved_src_count_ == 0) pre_save_scan();
      val = s->act_server;
      u64 prio = s->saved_scan_prio;
      if (prio == kMasked) {
        val |= KX_XICS_MASKED;
        prio = s->saved_priority;
      }
      val |= prio << KX_XICS_PRIORITY_SHIFT;
      if (s->lsi) {
        val |= KX_XICS_LEVEL_SENSITIVE;
        if (s->saved_p) val |= KX_XICS_PENDING;
      } else {
        if (s->saved_p) val |= KX_XICS_PRESENTED;
        if (s->saved_q) val |= KX_XICS_QUEUED;
        if (s->in_queue || (prio == kMasked && s->saved_q)) val |= KX_XICS_PENDING;
      }
      if (++saved_src_count_ == src_count_) post_save_scan();
    }
    if (kx_copy_to_user(a.addr, &val, sizeof(val))) return kx::error(kx::kEFAULT);
    return kx::Status::ok();
  }

  kx::Status has_source(const kx_attr& a) { return xics_has_source(a); }

  // kvmppc_xive_set_nr_servers(): the value (-EFAULT), 0 or above
  // KVM_MAX_VCPU_IDS -EINVAL, -EBUSY once the VP block is allocated (the
  // first connect that got past the server check), clamped to
  // KVM_MAX_VCPUS. Write only.
  kx::Status set_ctrl(const kx_attr& a) {
    const u32 n = KX_TRY(xics_nr_servers(a));
    kx::Guard<kx::Mutex> config(&config_);
    if (vp_allocated_) return kx::error(kx::kEBUSY);
    nr_servers_ = n > kMaxVcpus ? kMaxVcpus : n;
    return kx::Status::ok();
  }

  kx::Status has_ctrl(const kx_attr& a) { return xics_has_ctrl(a); }

  // kvmppc_xive_connect_vcpu() after the fd's checks: connected already
  // -EBUSY; the server's VP (kvmppc_pack_vcpu_id(), one thread per core)
  // beyond NR_SERVERS -EINVAL; the VP block allocated; the VP taken
  // -EEXIST; -ENOMEM. The vCPU starts with CPPR 0, MFRR 0xff, nothing
  // pending, and a queue for every priority a source uses.
  kx::Status connect(Vcpu& vcpu, u32 server) {
    kx::Guard<kx::Mutex> config(&config_);
    {
      kx::IrqSaveGuard guard(&lock_);
      if (icp_of(vcpu)) return kx::error(kx::kEBUSY);
    }
    // 6.1 packs a server from 2048 up to VP 0 with a WARN and connects
    // it (differences.rst): refused here, as a VP beyond the block.
    if (server >= kMaxVcpus || server >= nr_servers_) return kx::error(kx::kEINVAL);
    vp_allocated_ = true;
    {
      kx::IrqSaveGuard guard(&lock_);
      for (const XiveIcp* icp : icps_) {
        if (icp->vp == server) return kx::error(kx::kEEXIST);
      }
    }
    kx::AllocChecker ac;
    XiveIcp* icp = new (&ac) XiveIcp{&vcpu, server, server};
    if (!ac.check()) return kx::error(kx::kENOMEM);
    u8 qmap;
    {
      kx::IrqSaveGuard guard(&lock_);
      qmap = qmap_;
    }
    for (u8 p = 0; p < kXivePrios; p++) {
      if (!(qmap & (1u << p))) continue;
      icp->eqs[p].page = kx::alloc_array<u32>(kEqEntries);
      if (!icp->eqs[p].page) {
        free_icp(icp);
        return kx::error(kx::kENOMEM);
      }
    }
    // icps_ in creation order, as 6.1's kvm_for_each_vcpu() finds them
    // (which vCPU gives up a delayed XISR, which takes a source whose
    // server's queue is full), whatever order they connected in.
    kx::IrqSaveGuard guard(&lock_);
    kx::IntrusiveList<XiveIcp, &XiveIcp::node> later;
    for (XiveIcp* other : icps_) {
      if (ppc_vcpu(*other->vcpu).seq < ppc_vcpu(vcpu).seq) continue;
      icps_.remove(other);
      later.push_back(other);
    }
    icps_.push_back(icp);
    while (XiveIcp* other = later.pop_front()) icps_.push_back(other);
    icp_of(vcpu) = icp;
    return kx::Status::ok();
  }

  // 6.1 hands VP_STATE to XIVE native, which refuses a vCPU in XICS mode.
  kx::Status vp_state(Vcpu& vcpu, u64 (&)[2], bool) override {
    return connected(vcpu) ? kx::error(kx::kEPERM) : kx::error(kx::kENXIO);
  }
  bool icp_hcalls_always() const override { return true; }

  bool connected(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    return icp_of(vcpu) != nullptr;
  }

  // xive_interrupt_pending(): the thread context presents (PIPR above
  // the hardware CPPR).
  bool has_interrupt(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    const XiveIcp* icp = icp_of(vcpu);
    return icp && icp->pipr() < icp->hw_cppr;
  }

  // kvmppc_xive_get_icp(): the CPPR and MFRR; the XISR reads 0 and the
  // pending priority 0xff, always (the queues hold what is pending).
  kx::Result<u64> icp_state(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    const XiveIcp* icp = icp_of(vcpu);
    if (!icp) return kx::kENXIO;
    return u64{icp->cppr} << kIcpCpprShift | u64{icp->mfrr} << kIcpMfrrShift |
           u64{kMasked} << kIcpPpriShift;
  }

  // kvmppc_xive_set_icp(): no validation. CPPR and MFRR as given (an MFRR
  // above the CPPR rings the doorbell); an XISR naming a source asks for
  // its redelivery: a trigger if it is set, else at its set_source.
  kx::Status set_icp_state(Vcpu& vcpu, u64 val) override {
    kx::IrqSaveGuard guard(&lock_);
    XiveIcp* icp = icp_of(vcpu);
    if (!icp) return kx::error(kx::kENXIO);
    const u8 cppr = static_cast<u8>(val >> kIcpCpprShift);
    const u32 xisr = static_cast<u32>((val >> kIcpXisrShift) & kIcpXisrMask);
    icp->cppr = icp->hw_cppr = cppr;
    icp->mfrr = static_cast<u8>(val >> kIcpMfrrShift);
    if (icp->mfrr < cppr) ring_doorbell(*icp);
    if (xisr > kIpi) {
      XiveSource* s = find_source(xisr);
      if (s && s->valid) {
        trigger(xisr, *s);
      } else {
        icp->delayed_irq = xisr;
        delayed_irqs_++;
      }
    }
    return kx::Status::ok();
  }

  // kvmppc_xive_set_irq(): no block, a source never set -EINVAL. Level
  // 0 or UNSET deasserts and does nothing else (nothing leaves a queue);
  // an LSI's 1 or SET_LEVEL asserts, then the ESB is triggered, as by
  // anything else.
  int set_irq(u32 irq, u32 level) override {
    kx::IrqSaveGuard guard(&lock_);
    XiveSource* s = find_source(irq);
    if (!s || !s->valid) return -kx::kEINVAL;
    constexpr u32 kUnset = ~1u, kSetLevel = ~2u;  // KVM_INTERRUPT_*
    if ((level == 1 && s->lsi) || level == kSetLevel) {
      s->asserted = true;
    } else if (level == 0 || level == kUnset) {
      s->asserted = false;
      return 0;
    }
    trigger(irq, *s);
    return 0;
  }

  // kvmppc_xive_xics_hcall(): the six ICP hypercalls, each H_SUCCESS but
  // for an unknown server (H_IPI, H_IPOLL) and an EOI of a source
  // without a block (H_PARAMETER).
  s64 hcall(Vcpu& vcpu, HcallRegs& regs) override {
    kx::IrqSaveGuard guard(&lock_);
    XiveIcp* icp = icp_of(vcpu);
    u64* r = regs.r4_7;
    s64 rc = kHSuccess, acked = -1;
    if (!icp) {
      rc = kHHardware;
    } else if (regs.r3 == kHXirr || regs.r3 == kHXirrX) {
      r[0] = h_xirr(*icp);
      if (regs.r3 == kHXirrX) r[1] = xics_timebase();
    } else if (regs.r3 == kHIpoll) {
      rc = h_ipoll(*icp, r[0], &r[0]);
    } else if (regs.r3 == kHCppr) {
      h_cppr(*icp, static_cast<u8>(r[0]));
    } else if (regs.r3 == kHEoi) {
      rc = h_eoi(*icp, r[0], &acked);
    } else if (regs.r3 == kHIpi) {
      rc = h_ipi(r[0], r[1]);
    }
    regs.r3 = static_cast<u64>(rc);
    return acked;
  }

  // kvmppc_xive_set_xive(): a priority's queue on every vCPU first
  // (-ENOMEM), no block -EINVAL; 0xff masks (and may still move the
  // source); otherwise the source moves to the server's queue for the
  // priority (an unknown server -EINVAL, no room anywhere -EBUSY) and is
  // unmasked even when that failed, as 6.1 does. A source never set
  // -EINVAL and a priority 0xff in its low byte only -EINVAL, both
  // unchanged (6.1 crashes or overruns: differences.rst).
  int set_xive(u32 irq, u32 server, u32 priority) override {
    kx::Guard<kx::Mutex> config(&config_);
    const u8 prio = static_cast<u8>(priority);
    if (priority != kMasked && prio == kMasked) return -kx::kEINVAL;
    if (priority != kMasked) {
      if (const int r = provision(prio_from_guest(prio)); r < 0) return r;
    }
    kx::IrqSaveGuard guard(&lock_);
    XiveSource* s = find_source(irq);
    if (!s || !s->valid) return -kx::kEINVAL;
    if (priority == kMasked) (void)mask(*s);
    const u8 act = priority == kMasked ? s->act_priority : prio_from_guest(prio);
    int rc = 0;
    if (act != kMasked && (s->act_server != server || s->act_priority != act))
      rc = target(*s, server, act);
    if (priority != kMasked) finish_unmask(irq, *s, prio);
    s->saved_priority = prio;
    return rc;
  }

  // kvmppc_xive_get_xive(): the actual server and the guest's priority.
  int get_xive(u32 irq, u32* server, u32* priority) override {
    kx::IrqSaveGuard guard(&lock_);
    const XiveSource* s = find_source(irq);
    if (!s) return -kx::kEINVAL;
    *server = s->act_server;
    *priority = s->guest_priority;
    return 0;
  }

  // kvmppc_xive_int_off(): masked, the priority it had kept.
  int int_off(u32 irq) override {
    kx::IrqSaveGuard guard(&lock_);
    XiveSource* s = find_source(irq);
    if (!s) return -kx::kEINVAL;
    s->saved_priority = mask(*s);
    return 0;
  }

  // kvmppc_xive_int_on(): an untargeted source -EINVAL; the kept
  // priority back (none kept: nothing to do).
  int int_on(u32 irq) override {
    kx::IrqSaveGuard guard(&lock_);
    XiveSource* s = find_source(irq);
    if (!s) return -kx::kEINVAL;
    if (s->act_priority == kMasked) return -kx::kEINVAL;
    if (s->saved_priority != kMasked) finish_unmask(irq, *s, s->saved_priority);
    return 0;
  }

  static constexpr AttrGroup<XicsOnXive> kAttrGroups[] = {
      {KX_DEV_XICS_GRP_SOURCES, &XicsOnXive::set_source, &XicsOnXive::get_source,
       &XicsOnXive::has_source},
      {KX_DEV_XICS_GRP_CTRL, &XicsOnXive::set_ctrl, nullptr, &XicsOnXive::has_ctrl},
  };

 private:
  static void free_icp(XiveIcp* icp) {
    for (XiveEq& eq : icp->eqs) kx::free_array(eq.page);
    kx::destroy(icp);
  }

  XiveIcp*& icp_of(Vcpu& vcpu) KX_REQUIRES(lock_) { return ppc_vcpu(vcpu).xive_; }

  XiveSource* find_source(u32 irq) KX_REQUIRES(lock_) {
    const u32 id = irq >> kIcsShift;
    if (id > kMaxIcsId || !blocks_[id]) return nullptr;
    return &blocks_[id]->src[irq % kIrqPerIcs];
  }

  // kvmppc_xive_create_src_block(), under config_: no one else makes it.
  kx::Status block_for(u32 irq) KX_REQUIRES(config_) {
    XiveSourceBlock*& slot = blocks_[irq >> kIcsShift];
    {
      kx::IrqSaveGuard guard(&lock_);
      if (slot) return kx::Status::ok();
    }
    kx::AllocChecker ac;
    XiveSourceBlock* block = new (&ac) XiveSourceBlock();
    if (!ac.check()) return kx::error(kx::kENOMEM);
    kx::IrqSaveGuard guard(&lock_);
    slot = block;
    return kx::Status::ok();
  }

  XiveIcp* icp_of_server(u32 server) KX_REQUIRES(lock_) {
    for (XiveIcp* icp : icps_) {
      if (icp->server == server) return icp;
    }
    return nullptr;
  }

  // xive_check_provisioning(): the first use of a priority gives every
  // connected vCPU its queue (and later ones get it at connect). The
  // pages are allocated first, outside the spinlock; under config_ the
  // vCPUs cannot change meanwhile. -ENOMEM leaves the priority
  // unprovisioned (the vCPUs that got a page keep it).
  int provision(u8 prio) KX_REQUIRES(config_) {
    usize n = 0;
    {
      kx::IrqSaveGuard guard(&lock_);
      if (qmap_ & (1u << prio)) return 0;
      for (const XiveIcp* icp : icps_) n += icp->eqs[prio].page == nullptr;
    }
    u32** pages = n ? kx::alloc_array<u32*>(n) : nullptr;
    if (n && !pages) return -kx::kENOMEM;
    usize got = 0;
    while (got < n && (pages[got] = kx::alloc_array<u32>(kEqEntries))) got++;
    {
      kx::IrqSaveGuard guard(&lock_);
      for (XiveIcp* icp : icps_) {
        if (icp->eqs[prio].page || got == 0) continue;
        icp->eqs[prio].page = pages[--got];
        n--;
      }
      if (n == 0) qmap_ |= static_cast<u8>(1u << prio);
    }
    kx::free_array(pages);
    return n == 0 ? 0 : -kx::kENOMEM;
  }

  // xive_inc_q_pending(): a source left the queue it was counted in.
  static void release_queue(XiveSource& s) {
    if (s.act_priority == kMasked) return;
    s.act_icp->eqs[s.act_priority].pending_count++;
  }

  // 6.1's set_source forgets the source's target without releasing its
  // queue slot (a queue fills up after 16382 re-sets); released here.
  static void untarget(XiveSource& s) {
    release_queue(s);
    s.act_priority = kMasked;
    s.act_icp = nullptr;
  }

  // kvmppc_xive_select_target() and xive_target_interrupt(): the
  // server's queue for the priority if it has room, else the first vCPU
  // whose has (in creation order). An unknown server -EINVAL,
  // no room -EBUSY, nothing changed.
  int target(XiveSource& s, u32 server, u8 prio) KX_REQUIRES(lock_) {
    XiveIcp* icp = icp_of_server(server);
    if (!icp) return -kx::kEINVAL;
    if (!take_queue(*icp, prio)) {
      icp = nullptr;
      for (XiveIcp* other : icps_) {
        if (other->server != server && take_queue(*other, prio)) {
          icp = other;
          break;
        }
      }
      if (!icp) return -kx::kEBUSY;
    }
    release_queue(s);
    s.act_priority = prio;
    s.act_server = icp->server;
    s.act_icp = icp;
    s.eas_icp = icp;
    s.eas_prio = prio;
    return 0;
  }

  // xive_try_pick_queue(). Sources that left are settled now if the
  // queue holds nothing, as the vCPU's next scan would (6.1 settles only
  // there, so re-sets fill a queue no vCPU reads: differences.rst).
  static bool take_queue(XiveIcp& icp, u8 prio) {
    XiveEq& eq = icp.eqs[prio];
    if (eq.head == eq.tail) settle(eq);
    if (!eq.page || eq.count >= kEqEntries - kEqGap) return false;
    eq.count++;
    return true;
  }

  static void settle(XiveEq& eq) {
    eq.count -= eq.pending_count < eq.count ? eq.pending_count : eq.count;
    eq.pending_count = 0;
  }

  // The hardware's notification: the entry into the queue (a full ring
  // loses it, as an overrun hardware queue would), the priority into the
  // IPB, the vCPU woken if that presents.
  static void notify(XiveIcp& icp, u8 prio, u32 data) {
    XiveEq& eq = icp.eqs[prio];
    if (eq.page && eq.tail - eq.head < kEqEntries) eq.page[eq.tail++ % kEqEntries] = data;
    icp.ipb |= static_cast<u8>(1u << prio);
    if (icp.pipr() < icp.hw_cppr) icp.vcpu->kick();
  }

  // A source's ESB triggered: notified where its EAS routes it; a
  // source never targeted keeps P set and the event goes nowhere.
  static void trigger(u32 irq, XiveSource& s) {
    if (s.pq.trigger() && s.eas_icp) notify(*s.eas_icp, s.eas_prio, irq);
  }

  static void eoi(u32 irq, XiveSource& s) {
    if (s.pq.eoi()) trigger(irq, s);
  }

  static void ring_doorbell(XiveIcp& icp) {
    if (icp.doorbell.trigger()) notify(icp, 0, kIpi);
  }

  // xive_lock_and_mask(): the guest priority before, PQ parked at 10
  // with what it was kept for the unmask. Masking a masked source
  // changes nothing.
  static u8 mask(XiveSource& s) {
    const u8 old = s.guest_priority;
    if (old == kMasked) return kMasked;
    s.guest_priority = kMasked;
    const u8 pq = s.pq.set(EsbPq::k10);
    s.old_p = pq & EsbPq::kP;
    s.old_q = pq & EsbPq::kQ;
    return old;
  }

  // xive_finish_unmask(): a masked source gets its kept PQ back (Q set:
  // 11; P clear: an EOI, which delivers what Q held).
  static void finish_unmask(u32 irq, XiveSource& s, u8 prio) {
    if (s.guest_priority == kMasked) {
      if (s.old_q) s.pq.set(EsbPq::k11);
      if (!s.old_p) eoi(irq, s);
    }
    s.guest_priority = prio;
  }

  enum class Scan { kFetch, kPoll, kEoi };

  // xive_vm_scan_interrupts(): the most favoured queued entry below the
  // CPPR among `pending`, or the IPI when the MFRR is below the CPPR and
  // at least as favoured (ties go to the IPI, which leaves the entry).
  // Doorbells and dummies are skipped (a fetch EOIs the doorbell);
  // a queue seen empty drops its priority and settles its count.
  static u32 scan(XiveIcp& icp, u8 pending, Scan type) {
    u32 hirq = 0;
    u8 prio = kMasked;
    while ((icp.mfrr != kMasked || pending) && hirq == 0) {
      prio = first_prio(pending);
      if (prio >= icp.cppr || prio > 7) {
        if (icp.mfrr < icp.cppr) {
          prio = icp.mfrr;
          hirq = kIpi;
        }
        break;
      }
      XiveEq& eq = icp.eqs[prio];
      u32 idx = eq.head;
      for (;;) {
        hirq = eq.read(&idx);
        if (hirq == kIpi || (prio == 0 && !eq.page)) {
          if (type == Scan::kFetch) {
            if (icp.doorbell.eoi()) ring_doorbell(icp);
            eq.head = idx;
          }
          if (hirq) continue;
        }
        if (hirq != kDummy) break;
      }
      if (!hirq) {
        pending &= static_cast<u8>(~(1u << prio));
        settle(eq);
      }
      if (prio >= icp.mfrr && icp.mfrr < icp.cppr) {
        prio = icp.mfrr;
        hirq = kIpi;
        break;
      }
      if (type == Scan::kFetch) eq.head = idx;
    }
    if (type == Scan::kPoll) return hirq;
    icp.pending = pending;
    if (type == Scan::kEoi) return hirq;
    if (hirq) icp.cppr = prio;
    icp.hw_cppr = icp.cppr;
    return hirq;
  }

  // The thread context's acknowledge cycle: a presented PIPR leaves the
  // IPB for the pending bits and becomes the hardware CPPR.
  static void ack_pending(XiveIcp& icp) {
    const u8 pipr = icp.pipr();
    if (pipr >= icp.hw_cppr) return;
    icp.ipb &= static_cast<u8>(~(1u << pipr));
    icp.pending |= static_cast<u8>(1u << pipr);
    icp.hw_cppr = pipr;
  }

  // xive_vm_push_pending_to_hw(): the most favoured of the pending bits
  // and the MFRR's (0xff none, 8 and up 7) back into the IPB.
  static void push_pending(XiveIcp& icp) {
    u8 pending = icp.pending;
    if (icp.mfrr != kMasked) pending |= static_cast<u8>(1u << (icp.mfrr < 8 ? icp.mfrr : 7));
    if (!pending) return;
    icp.ipb |= static_cast<u8>(1u << first_prio(pending));
  }

  // The TIMA CPPR store: a priority now presented wakes the vCPU.
  static void write_cppr(XiveIcp& icp) {
    icp.hw_cppr = icp.cppr;
    if (icp.pipr() < icp.hw_cppr) icp.vcpu->kick();
  }

  // xive_vm_h_xirr(): acknowledge, then fetch; the old CPPR on top.
  static u64 h_xirr(XiveIcp& icp) {
    ack_pending(icp);
    const u8 old_cppr = icp.cppr;
    const u32 hirq = scan(icp, icp.pending, Scan::kFetch);
    return hirq | u32{old_cppr} << 24;
  }

  // xive_vm_h_ipoll(): the caller's own ICP (the whole register
  // compared) with what its IPB presents, or another's with every
  // priority; nothing consumed. r5 is left alone, unlike the XICS
  // emulation's MFRR.
  s64 h_ipoll(XiveIcp& self, u64 server, u64* xirr) KX_REQUIRES(lock_) {
    XiveIcp* icp = &self;
    u8 pending;
    if (server != self.server) {
      icp = icp_of_server(static_cast<u32>(server));
      if (!icp) return kHParameter;
      pending = 0xff;
    } else {
      pending = self.pending;
      if (self.pipr() < 8) pending |= static_cast<u8>(1u << self.pipr());
    }
    const u32 hirq = scan(*icp, pending, Scan::kPoll);
    *xirr = hirq | u32{icp->cppr} << 24;
    return kHSuccess;
  }

  // xive_vm_h_cppr(): the guest's priority mapped (6 and up: 6). Less
  // favoured: what is pending goes back to the IPB. As or more favoured:
  // entries of sources retargeted since they were queued are emptied in
  // place and their ESB re-fired to the new target.
  void h_cppr(XiveIcp& icp, u8 guest_cppr) KX_REQUIRES(lock_) {
    const u8 cppr = prio_from_guest(guest_cppr);
    const u8 old = icp.cppr;
    icp.cppr = cppr;
    if (cppr > old) {
      push_pending(icp);
    } else {
      reroute(icp);
    }
    write_cppr(icp);
  }

  // xive_vm_scan_for_rerouted_irqs()
  void reroute(XiveIcp& icp) KX_REQUIRES(lock_) {
    for (u32 prio = icp.cppr; prio < kXivePrios; prio++) {
      XiveEq& eq = icp.eqs[prio];
      if (!eq.page) continue;
      for (u32 idx = eq.head; idx != eq.tail; idx++) {
        u32& entry = eq.page[idx % kEqEntries];
        if (entry == kDummy || entry == kIpi) continue;
        XiveSource* s = find_source(entry);
        if (!s || s->act_server == icp.server) continue;
        const u32 irq = entry;
        entry = kDummy;
        s->pq.set(EsbPq::k11);
        eoi(irq, *s);
      }
    }
  }

  // xive_vm_h_eoi(): the CPPR from the XIRR's top byte (mapped); then,
  // for a source (no block: H_PARAMETER, the CPPR changed all the same;
  // no check that it was delivered, or ever set), its ESB's EOI, or the
  // kept P dropped if masked, and an asserted LSI fired again.
  s64 h_eoi(XiveIcp& icp, u64 xirr, s64* acked) KX_REQUIRES(lock_) {
    icp.cppr = prio_from_guest(static_cast<u8>(xirr >> 24));
    const u32 irq = xirr & 0xffffff;
    s64 rc = kHSuccess;
    if (irq != kIpi && irq != 0) {
      XiveSource* s = find_source(irq);
      if (!s) {
        rc = kHParameter;
      } else {
        if (s->guest_priority == kMasked) {
          s->old_p = false;
        } else {
          eoi(irq, *s);
          if (s->lsi && s->asserted) trigger(irq, *s);
        }
        *acked = irq;
      }
    }
    (void)scan(icp, icp.pending, Scan::kEoi);
    push_pending(icp);
    write_cppr(icp);
    return rc;
  }

  // xive_vm_h_ipi(): the MFRR's low byte stored; the doorbell rung if
  // the whole register is below the target's CPPR.
  s64 h_ipi(u64 server, u64 mfrr) KX_REQUIRES(lock_) {
    XiveIcp* icp = icp_of_server(static_cast<u32>(server));
    if (!icp) return kHParameter;
    icp->mfrr = static_cast<u8>(mfrr);
    if (mfrr < icp->cppr) ring_doorbell(*icp);
    return kHSuccess;
  }

  // xive_pre_save_scan(): every valid source masked for a moment (its
  // PQ, or the one kept from its last mask, snapshot), what the queues
  // hold marked, and the sources unmasked as they were.
  void pre_save_scan() KX_REQUIRES(lock_) {
    for_each_valid([](u32, XiveSource& s) {
      s.saved_scan_prio = mask(s);
      s.saved_p = s.old_p;
      s.saved_q = s.old_q;
    });
    for (XiveIcp* icp : icps_) {
      for (const XiveEq& eq : icp->eqs) {
        u32 idx = eq.head;
        while (u32 irq = eq.read(&idx)) {
          if (irq <= kIpi) continue;
          if (XiveSource* s = find_source(irq); s && s->valid) s->in_queue = true;
        }
      }
    }
    for_each_valid([](u32 irq, XiveSource& s) {
      if (s.saved_scan_prio != kMasked) finish_unmask(irq, s, s.saved_scan_prio);
    });
  }

  void post_save_scan() KX_REQUIRES(lock_) {
    for (XiveSourceBlock* b : blocks_) {
      if (!b) continue;
      for (XiveSource& s : b->src) s.in_queue = false;
    }
    saved_src_count_ = 0;
  }

  template <typename F>
  void for_each_valid(F f) KX_REQUIRES(lock_) {
    for (u32 id = 0; id <= kMaxIcsId; id++) {
      if (!blocks_[id]) continue;
      for (u32 i = 0; i < kIrqPerIcs; i++) {
        if (blocks_[id]->src[i].valid) f(id * kIrqPerIcs + i, blocks_[id]->src[i]);
      }
    }
  }

  PpcIrqChip& chip_;
  kx::Mutex config_{&xics_xive_config_class};
  u32 nr_servers_ KX_GUARDED_BY(config_) = kMaxVcpus;
  bool vp_allocated_ KX_GUARDED_BY(config_) = false;
  kx::SpinLock lock_{&xics_xive_state_class};
  XiveSourceBlock* blocks_[kMaxIcsId + 1] KX_GUARDED_BY(lock_) = {};
  kx::IntrusiveList<XiveIcp, &XiveIcp::node> icps_ KX_GUARDED_BY(lock_);
  u8 qmap_ KX_GUARDED_BY(lock_) = 0;  // priorities some vCPU queue exists for
  u32 src_count_ KX_GUARDED_BY(lock_) = 0;
  u32 saved_src_count_ KX_GUARDED_BY(lock_) = 0;
  u32 delayed_irqs_ KX_GUARDED_BY(lock_) = 0;
};

constinit const kx_device_ops kXicsOnXiveOps = DeviceType<XicsOnXive>::ops();

kx::Status xics_on_xive_connect(Device& dev, Vcpu& vcpu, u32 server) {
  return static_cast<XicsOnXive*>(dev.priv)->connect(vcpu, server);
}

}  // namespace ppc
}  // namespace kvm
