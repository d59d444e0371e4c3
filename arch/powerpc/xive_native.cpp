// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XIVE, the POWER9's XIVE in native exploitation mode, as
// 6.1's arch/powerpc/kvm/book3s_xive_native.c and devices/xive.rst have it:
// sources (KVM_DEV_XIVE_GRP_SOURCE), their targeting (GRP_SOURCE_CONFIG),
// each connected vCPU's eight event queues in guest RAM (GRP_EQ_CONFIG),
// the controls (GRP_CTRL) and a vCPU's thread context
// (KVM_REG_PPC_VP_STATE). One per VM, released when its fd closes; only
// on the emulated POWER9 host.
//
// Delivery is the hardware's: a source's ESB PQ bits (xive_esb.h) gate a
// trigger; an event that gets through is routed by the source's
// targeting (its EAS) to a vCPU's queue at a priority, written there as a
// big-endian word (the generation bit and the EISN) and recorded in the
// vCPU's pending priorities (the NVT's IPB, which VP_STATE reads), and
// the vCPU wakes if that priority is more favoured than its CPPR.
//
// Locking: lock_, a spinlock taken with interrupts off, guards every
// source, queue and presenter: KVM_IRQ_LINE and irqfd wakeups inject
// from atomic context, so that path neither sleeps nor allocates. The
// configuration paths that allocate (source blocks, presenters) or pin
// guest pages (a queue) hold mutex_ (6.1's xive->lock) around their
// steps and take lock_ only to publish. A queue's pages are pinned when
// it is configured (Vm::map_guest_page(), the one guest-write path), as
// 6.1 takes a reference on the page it gets, because the memslot lookup
// takes a mutex and the copy may fault; the injection path stores into
// the pinned pages. The dirty log learns of those stores when
// KVM_DEV_XIVE_EQ_SYNC marks every configured queue's pages (the
// migration sequence's step 2, as in 6.1) and when a queue's pages are
// let go (Vm::unmap_guest_page()). The fd's faults run under mmap_lock
// and take lock_ only (mutex_ is held around copy_from_user(), which may
// take mmap_lock); the pages are unmapped with neither held, as
// unmap_mapping_range() sleeps. Documentation/design.rst.
//
// The device fd maps (kvmppc_xive_native_mmap()): the TIMA at
// KVM_XIVE_TIMA_PAGE_OFFSET, the ESB pages at KVM_XIVE_ESB_PAGE_OFFSET, in
// host pages. A host process's load from a mapped page cannot run the
// device's code, so the pages are views (read-only, see "the mapping"
// below); the guest's loads and stores to RAM the VMM backed with them
// (KVM_EXT_GUEST_ACCESS) are the hardware's operations (page_access()).
#include "arch/powerpc/ppc.h"
#include "arch/powerpc/xics_defs.h"
#include "arch/powerpc/xive_esb.h"
#include "virt/kvm/c_abi.h"

#include <kx/alloc.h>
#include <kx/lock.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(xive_native_lock);
KX_LOCK_CLASS(xive_native_mutex);

// KVMPPC_XIVE_Q_COUNT: a presenter's queues, one per priority. Priority 7
// is refused everywhere (xive_prio_from_guest(): KVM keeps it for
// escalations), which is what xive.rst's "Invalid priority" can mean for
// a 3-bit field.
constexpr u32 kXiveQueues = 8;
constexpr u8 kXiveMaxPrio = 6;
// The one queue size 6.1 accepts (xive_native_validate_queue_size(), the
// "ibm,xive-eq-sizes" it advertises): 64 KiB, 16384 entries, pinned as
// host pages.
constexpr u32 kXiveQShift = 16;
constexpr u32 kXiveQEntries = (1u << kXiveQShift) / 4;
constexpr u32 kXiveQPages = (1u << kXiveQShift) >> KX_PAGE_SHIFT;
// XIVE_Q_GAP: the entries a queue keeps free; a queue takes at most
// kXiveQEntries - 2 sources (xive_try_pick_queue()).
constexpr u32 kXiveQMaxTargets = kXiveQEntries - 2;
static_assert(kXiveQPages >= 1);

// struct kvm_ppc_xive_eq
struct NativeEqConfig {
  u32 flags;
  u32 qshift;
  u64 qaddr;
  u32 qtoggle;
  u32 qindex;
  u8 pad[40];
};
static_assert(sizeof(NativeEqConfig) == 64);

// KVM_REG_PPC_VP_STATE's first word is the OS ring's TIMA words 0 and 1
// as bytes in the TIMA's order (vcpu->arch.xive_saved_state.w01: NSR,
// CPPR, IPB, LSMFB, ACK, INC, AGE, PIPR).
constexpr u32 kTmNsr = 0, kTmCppr = 1, kTmIpb = 2, kTmPipr = 7;
constexpr u8 kTmNsrEo = 0x80;  // TM_QW1_NSR_EO: an OS exception is pending

// asm/xive-regs.h's TIMA offsets within a view page.
constexpr u32 kTmQw1Os = 0x010;
constexpr u32 kTmSpcAckOsReg = 0x810;      // Load16: ack the OS interrupt
constexpr u32 kTmSpcSetOsPending = 0x812;  // Store8: set an IPB bit

// The mapping, in host pages (4 KiB: every ESB and TIMA register offset
// fits, so one host page stands for each hardware page). The TIMA's four
// views are HW, HV, OS, USER.
constexpr u64 kTimaPages = 4;
constexpr u64 kTimaOsPage = 2;
constexpr u64 kEsbPagesMax = u64{kNrIrqs} * 2;
static_assert(KX_PAGE_SIZE >= 0x1000);
// The management page's GET and SET_PQ loads (0x800-0xfff): where the view
// shows the PQ bits, the low byte of each big-endian doubleword.
constexpr u32 kEsbViewPq = 0x800;

struct NativeVp;

// struct kvmppc_xive_irq_state, for what native mode uses of it.
struct NativeSource {
  EsbPq pq;
  NativeVp* vp = nullptr;  // the target: null while masked (act_priority MASKED)
  u32 server = 0;          // act_server
  u32 eisn = 0;
  u8 priority = kMasked;  // act_priority
  bool valid = false;
  bool lsi = false;
  bool asserted = false;
  // The management page's view (kx_page_alloc(), on its first fault; freed
  // with the device): the PQ bits, kept current under the lock.
  u8* view = nullptr;
};

struct NativeBlock {
  NativeSource src[kIrqPerIcs];
};

// One event queue (struct xive_q with the END it stands for).
struct NativeEq {
  bool configured() const { return qshift != 0; }
  u64 qaddr = 0;
  u32 qshift = 0;  // 0: not configured
  u32 index = 0;
  u32 toggle = 1;   // the generation bit the next entry carries
  u32 targets = 0;  // sources routed here (6.1's q->count)
  GuestPage pages[kXiveQPages];
};

// struct kvmppc_xive_vcpu of a native vCPU.
struct NativeVp {
  Vcpu* vcpu;
  u32 server;
  u8 w01[8] = {0, 0, 0, 0, 0xff, 0, 0, 0};  // connect's cpu_to_be64(0xff000000)
  // The NVT's IPB: priorities an event was queued at while the vCPU was
  // not dispatched, which xive_native_get_vp_state() merges into a read.
  u8 nvt_ipb = 0;
  // kvmppc_xive_get/set_icp()'s fields (ICP_STATE on a native vCPU).
  u8 icp_cppr = 0;
  u8 icp_mfrr = 0;
  NativeEq eq[kXiveQueues];
};

class XiveNative final : public PpcIntc {
 public:
  static constexpr const char* kName = "kvm-xive-native";
  // kvm_xive_native_ops has .release: closing the fd tears it down.
  static constexpr bool kDiesWithFd = true;

  // kvmppc_xive_native_create(): the VM's one interrupt controller
  // (kvm->arch.xive), shared with the XICS: -EEXIST.
  static kx::Result<XiveNative*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    PpcIrqChip& chip = ppc_vm(vm).intc;
    kx::AllocChecker ac;
    XiveNative* dev = new (&ac) XiveNative(vm, chip);
    if (!ac.check()) return kx::kENOMEM;
    if (kx::Status s = chip.attach(dev); s.is_error()) {
      kx::destroy(dev);
      return s;
    }
    return dev;
  }

  // kvmppc_xive_native_release(): off the VM first, so that no injection
  // or ONE_REG reaches it; the vCPUs lose their presenters, the queues
  // their pinned pages (marked dirty as they go).
  static void Destroy(XiveNative* dev) {
    dev->chip_.detach(dev);
    for (u32 server = 0; server < kMaxVcpus; server++) {
      NativeVp* vp;
      {
        kx::IrqSaveGuard guard(&dev->lock_);
        vp = dev->vps_[server];
        if (!vp) continue;
        dev->vps_[server] = nullptr;
        native_of(*vp->vcpu) = nullptr;
      }
      for (NativeEq& q : vp->eq) dev->unpin(q.pages);
      kx::destroy(vp);
    }
    kx::destroy(dev);
  }

  // The fd is gone, and so every mapping of it: no view page is mapped any
  // more (a process holding one held the file).
  ~XiveNative() {
    kx::IrqSaveGuard guard(&lock_);
    for (NativeBlock*& b : blocks_) {
      if (!b) continue;
      for (NativeSource& s : b->src) kx_page_free(s.view);
      kx::destroy(b);
    }
    kx_page_free(tima_view_);
    kx_page_free(trigger_view_);
  }

  // DeviceType's: the Device whose fd's pages unmap_pages() drops.
  void set_device(Device& dev) { dev_ = &dev; }

  // ------------------------------------------------------------ GRP_CTRL

  kx::Status set_ctrl(const kx_attr& a) {
    switch (a.attr) {
      case KX_DEV_XIVE_RESET:
        reset();
        // Every source's pages refault (after the mutex: see set_source()).
        unmap_esb(0, kNrIrqs);
        return kx::Status::ok();
      case KX_DEV_XIVE_EQ_SYNC:
        eq_sync();
        return kx::Status::ok();
      case KX_DEV_XIVE_NR_SERVERS:
        return set_nr_servers(a.addr);
      default:
        return kx::error(kx::kENXIO);
    }
  }

  kx::Status has_ctrl(const kx_attr& a) {
    return a.attr >= KX_DEV_XIVE_RESET && a.attr <= KX_DEV_XIVE_NR_SERVERS ? kx::Status::ok()
                                                                           : kx::error(kx::kENXIO);
  }

  // ------------------------------------------------------------ GRP_SOURCE

  // kvmppc_xive_native_set_source(): the number (a signed long: -E2BIG
  // outside 0..2^20-1), the block made if missing (-ENOMEM; it stays even
  // when the next step fails), the value (-EFAULT). The source is then
  // (re)initialised masked: PQ 01, no target.
  // An existing source re-initialised has its ESB pages unmapped from
  // every process afterwards, so that the next access faults them in anew
  // (see "the mapping").
  kx::Status set_source(const kx_attr& a) {
    const s64 irq = static_cast<s64>(a.attr);
    if (irq < 0 || irq >= kNrIrqs) return kx::error(kx::kE2BIG);
    bool existed;
    {
      kx::Guard<kx::Mutex> config(&mutex_);
      NativeBlock* block = KX_TRY(block_for(static_cast<u32>(irq)));
      u64 val;
      if (kx_copy_from_user(&val, a.addr, sizeof(val))) return kx::error(kx::kEFAULT);
      kx::IrqSaveGuard guard(&lock_);
      NativeSource& s = block->src[irq % kIrqPerIcs];
      existed = s.valid;
      s.lsi = val & KX_XIVE_LEVEL_SENSITIVE;
      s.asserted = s.lsi && (val & KX_XIVE_LEVEL_ASSERTED);
      untarget(s);
      (void)s.pq.set(EsbPq::kOff);
      update_view(s);
      s.valid = true;
    }
    // Outside both locks: unmap_mapping_range() sleeps, and a fault (under
    // mmap_lock) takes the spinlock.
    if (existed) unmap_esb(static_cast<u32>(irq), 1);
    return kx::Status::ok();
  }

  kx::Status has_source(const kx_attr& a) {
    return a.attr < kNrIrqs ? kx::Status::ok() : kx::error(kx::kENXIO);
  }

  // ------------------------------------------------------------ GRP_SOURCE_CONFIG

  // kvmppc_xive_native_set_source_config(): the source's block (-ENOENT),
  // an initialised source (-EINVAL), the value (-EFAULT), priority 7
  // (-EINVAL). Masked (the flag: 6.1 and QEMU use it), the source loses
  // its target; otherwise the server must have a presenter (-EINVAL) with
  // that priority's queue configured (-ENXIO, xive.rst's row: 6.1 WARNs,
  // looks for another vCPU and answers -EBUSY without one); a full queue
  // sends it to another vCPU's at that priority, -EBUSY if none has room.
  kx::Status set_source_config(const kx_attr& a) {
    const u32 irq = static_cast<u32>(a.attr);  // 6.1's lookup takes a u32
    kx::Guard<kx::Mutex> config(&mutex_);
    {
      kx::IrqSaveGuard guard(&lock_);
      NativeSource* s = find_source(irq);
      if (!s) return kx::error(kx::kENOENT);
      if (!s->valid) return kx::error(kx::kEINVAL);
    }
    u64 cfg;
    if (kx_copy_from_user(&cfg, a.addr, sizeof(cfg))) return kx::error(kx::kEFAULT);
    const u8 prio =
        static_cast<u8>((cfg & KX_XIVE_SOURCE_PRIORITY_MASK) >> KX_XIVE_SOURCE_PRIORITY_SHIFT);
    const u32 server =
        static_cast<u32>((cfg & KX_XIVE_SOURCE_SERVER_MASK) >> KX_XIVE_SOURCE_SERVER_SHIFT);
    const bool masked = cfg & KX_XIVE_SOURCE_MASKED_MASK;
    const u32 eisn =
        static_cast<u32>((cfg & KX_XIVE_SOURCE_EISN_MASK) >> KX_XIVE_SOURCE_EISN_SHIFT);
    if (prio > kXiveMaxPrio) return kx::error(kx::kEINVAL);
    kx::IrqSaveGuard guard(&lock_);
    NativeSource& s = *find_source(irq);
    if (masked) {
      untarget(s);
      return kx::Status::ok();
    }
    // 6.1 changes nothing when server, priority and EISN are the ones in
    // force (its queue count is not taken again).
    if (s.vp && s.server == server && s.priority == prio && s.eisn == eisn) return kx::Status::ok();
    NativeVp* vp = KX_TRY(select_target(s, server, prio));
    untarget(s);
    vp->eq[prio].targets++;
    s.vp = vp;
    s.server = vp->server;
    s.priority = prio;
    s.eisn = eisn;
    return kx::Status::ok();
  }

  // ------------------------------------------------------------ GRP_SOURCE_SYNC

  // kvmppc_xive_native_sync_source(): -ENOENT, -EINVAL as for the config
  // (the number taken as a u32 by both).
  // Delivery here is synchronous: nothing is in flight.
  kx::Status sync_source(const kx_attr& a) {
    kx::IrqSaveGuard guard(&lock_);
    NativeSource* s = find_source(static_cast<u32>(a.attr));
    if (!s) return kx::error(kx::kENOENT);
    return s->valid ? kx::Status::ok() : kx::error(kx::kEINVAL);
  }

  // ------------------------------------------------------------ GRP_EQ_CONFIG

  // kvmppc_xive_native_set_queue_config(), in its order: the structure
  // (-EFAULT), the server's presenter (-ENOENT), priority 7 (-EINVAL);
  // qshift 0 resets the queue (nothing else is looked at); then flags other
  // than ALWAYS_NOTIFY, a qshift other than 16, a qaddr not aligned to the
  // queue, a qindex past the queue (kvm_ext's: 6.1 hands it to OPAL), or
  // a queue not all in writable guest RAM, -EINVAL. A queue configured
  // again starts over at qtoggle/qindex. A refused call keeps the queue
  // as it was.
  kx::Status set_eq_config(const kx_attr& a) {
    const u8 prio = static_cast<u8>(a.attr & KX_XIVE_EQ_PRIORITY_MASK);
    const u32 server =
        static_cast<u32>((a.attr & KX_XIVE_EQ_SERVER_MASK) >> KX_XIVE_EQ_SERVER_SHIFT);
    NativeEqConfig eq;
    if (kx_copy_from_user(&eq, a.addr, sizeof(eq))) return kx::error(kx::kEFAULT);
    kx::Guard<kx::Mutex> config(&mutex_);
    {
      kx::IrqSaveGuard guard(&lock_);
      if (!find_vp(server)) return kx::error(kx::kENOENT);
    }
    if (prio > kXiveMaxPrio) return kx::error(kx::kEINVAL);
    GuestPage pages[kXiveQPages] = {};
    if (eq.qshift != 0) {
      if (eq.flags != KX_XIVE_EQ_ALWAYS_NOTIFY || eq.qshift != kXiveQShift ||
          (eq.qaddr & ((1ULL << kXiveQShift) - 1)) || eq.qindex >= kXiveQEntries)
        return kx::error(kx::kEINVAL);
      for (u32 i = 0; i < kXiveQPages; i++) {
        if (vm_.map_guest_page(eq.qaddr + (u64{i} << KX_PAGE_SHIFT), true, &pages[i]).is_error()) {
          unpin(pages);
          return kx::error(kx::kEINVAL);
        }
      }
    }
    {
      kx::IrqSaveGuard guard(&lock_);
      NativeEq& q = find_vp(server)->eq[prio];
      for (u32 i = 0; i < kXiveQPages; i++) {
        GuestPage old = q.pages[i];
        q.pages[i] = pages[i];
        pages[i] = old;
      }
      q.qaddr = eq.qshift ? eq.qaddr : 0;
      q.qshift = eq.qshift;
      q.toggle = eq.qshift ? eq.qtoggle & 1 : 1;
      q.index = eq.qshift ? eq.qindex : 0;
    }
    unpin(pages);
    return kx::Status::ok();
  }

  // kvmppc_xive_native_get_queue_config(): -ENOENT, -EINVAL as for a set;
  // a queue not configured is 0 with nothing written (as 6.1); otherwise
  // the configuration with where the next entry goes (-EFAULT).
  kx::Status get_eq_config(const kx_attr& a) {
    const u8 prio = static_cast<u8>(a.attr & KX_XIVE_EQ_PRIORITY_MASK);
    const u32 server =
        static_cast<u32>((a.attr & KX_XIVE_EQ_SERVER_MASK) >> KX_XIVE_EQ_SERVER_SHIFT);
    NativeEqConfig eq = {};
    {
      kx::IrqSaveGuard guard(&lock_);
      NativeVp* vp = find_vp(server);
      if (!vp) return kx::error(kx::kENOENT);
      if (prio > kXiveMaxPrio) return kx::error(kx::kEINVAL);
      const NativeEq& q = vp->eq[prio];
      if (!q.configured()) return kx::Status::ok();
      eq.flags = KX_XIVE_EQ_ALWAYS_NOTIFY;
      eq.qshift = q.qshift;
      eq.qaddr = q.qaddr;
      eq.qtoggle = q.toggle;
      eq.qindex = q.index;
    }
    if (kx_copy_to_user(a.addr, &eq, sizeof(eq))) return kx::error(kx::kEFAULT);
    return kx::Status::ok();
  }

  kx::Status has_any(const kx_attr&) { return kx::Status::ok(); }

  static constexpr AttrGroup<XiveNative> kAttrGroups[] = {
      {KX_DEV_XIVE_GRP_CTRL, &XiveNative::set_ctrl, nullptr, &XiveNative::has_ctrl},
      {KX_DEV_XIVE_GRP_SOURCE, &XiveNative::set_source, nullptr, &XiveNative::has_source},
      {KX_DEV_XIVE_GRP_SOURCE_CONFIG, &XiveNative::set_source_config, nullptr,
       &XiveNative::has_source},
      {KX_DEV_XIVE_GRP_EQ_CONFIG, &XiveNative::set_eq_config, &XiveNative::get_eq_config,
       &XiveNative::has_any},
      {KX_DEV_XIVE_GRP_SOURCE_SYNC, &XiveNative::sync_source, nullptr, &XiveNative::has_source},
  };

  // ------------------------------------------------------------ vCPUs

  // kvmppc_xive_native_connect_vcpu() after powerpc.c's checks of the fd
  // and the device's ops and VM: a vCPU with a presenter -EBUSY; the
  // server must pack below NR_SERVERS (-EINVAL: 6.1 WARNs and packs a
  // server from KVM_MAX_VCPUS to 0 instead); the VP block is then
  // allocated (NR_SERVERS is -EBUSY from here on); a server another vCPU
  // has -EEXIST; -ENOMEM.
  kx::Status connect(Vcpu& vcpu, u32 server) {
    kx::AllocChecker ac;
    NativeVp* vp = new (&ac) NativeVp{&vcpu, server};
    const bool allocated = ac.check();
    kx::Status s;
    {
      kx::Guard<kx::Mutex> config(&mutex_);
      kx::IrqSaveGuard guard(&lock_);
      if (native_of(vcpu)) {
        s = kx::error(kx::kEBUSY);
      } else if (server >= kMaxVcpus || server >= nr_servers_) {
        s = kx::error(kx::kEINVAL);
      } else if (vps_[server]) {
        vp_block_ = true;
        s = kx::error(kx::kEEXIST);
      } else if (!allocated) {
        s = kx::error(kx::kENOMEM);
      } else {
        vp_block_ = true;
        vps_[server] = vp;
        native_of(vcpu) = vp;
        vp = nullptr;
      }
    }
    if (vp) kx::destroy(vp);
    return s;
  }

  // kvmppc_xics_enabled() is false for a native vCPU: the XICS hypercalls
  // go to the VMM.
  bool connected(Vcpu&) override { return false; }

  // The vCPU would take an interrupt: a queued priority more favoured than
  // its CPPR.
  bool has_interrupt(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    const NativeVp* vp = native_of(vcpu);
    return vp && pending(*vp);
  }

  // KVM_REG_PPC_VP_STATE. Get (kvmppc_xive_native_get_vp()): the saved
  // TIMA words with the NVT's IPB merged in; the second word 0 (6.1
  // leaves it uninitialised). Set (kvmppc_xive_native_set_vp()): the TIMA
  // words as given; the NVT's IPB is not restored (a read merged it into
  // the words).
  kx::Status vp_state(Vcpu& vcpu, u64 (&val)[2], bool set) override {
    kx::IrqSaveGuard guard(&lock_);
    NativeVp* vp = native_of(vcpu);
    if (!vp) return kx::error(kx::kENXIO);
    if (set) {
      __builtin_memcpy(vp->w01, &val[0], sizeof(vp->w01));
      if (pending(*vp)) vcpu.kick();
      return kx::Status::ok();
    }
    u8 w[8];
    __builtin_memcpy(w, vp->w01, sizeof(w));
    w[kTmIpb] |= vp->nvt_ipb;
    __builtin_memcpy(&val[0], w, sizeof(w));
    val[1] = 0;
    return kx::Status::ok();
  }

  // The XICS hypercalls are never the kernel's on a native vCPU.
  bool icp_hcalls_always() const override { return false; }

  // ICP_STATE on a native vCPU, as 6.1's kvmppc_xive_get_icp() reads the
  // native presenter: CPPR and MFRR as last set (0 on a new one), no
  // XISR, pending priority 0xff.
  kx::Result<u64> icp_state(Vcpu& vcpu) override {
    kx::IrqSaveGuard guard(&lock_);
    const NativeVp* vp = native_of(vcpu);
    if (!vp) return kx::kENXIO;
    return u64{vp->icp_cppr} << kIcpCpprShift | u64{vp->icp_mfrr} << kIcpMfrrShift |
           u64{kMasked} << kIcpPpriShift;
  }

  // kvmppc_xive_set_icp() on a native presenter: CPPR (into the thread
  // context too) and MFRR kept, the pending priority ignored; an XISR
  // above XICS_IPI triggers that source if it is initialised. 6.1 also
  // WARNs and does nothing when the MFRR is below the CPPR (a native
  // presenter has no IPI to trigger); kvm_ext does nothing.
  kx::Status set_icp_state(Vcpu& vcpu, u64 val) override {
    kx::IrqSaveGuard guard(&lock_);
    NativeVp* vp = native_of(vcpu);
    if (!vp) return kx::error(kx::kENXIO);
    const u8 cppr = static_cast<u8>(val >> kIcpCpprShift);
    const u32 xisr = static_cast<u32>((val >> kIcpXisrShift) & kIcpXisrMask);
    vp->icp_cppr = cppr;
    vp->w01[kTmCppr] = cppr;
    vp->icp_mfrr = static_cast<u8>(val >> kIcpMfrrShift);
    if (xisr > kIpi) {
      if (NativeSource* s = find_source(xisr); s && s->valid) trigger(*s);
    }
    if (pending(*vp)) vcpu.kick();
    return kx::Status::ok();
  }

  // kvmppc_xive_set_irq(), which book3s's kvm_set_irq() calls for either
  // XIVE device: a source never initialised -EINVAL; level 1 on an LSI or
  // KVM_INTERRUPT_SET_LEVEL asserts, 0 or KVM_INTERRUPT_UNSET deasserts
  // and stops there; anything else triggers the source.
  int set_irq(u32 irq, u32 level) override {
    kx::IrqSaveGuard guard(&lock_);
    NativeSource* s = find_source(irq);
    if (!s || !s->valid) return -kx::kEINVAL;
    constexpr u32 kUnset = ~1u, kSetLevel = ~2u;  // KVM_INTERRUPT_*
    if ((level == 1 && s->lsi) || level == kSetLevel) {
      s->asserted = true;
    } else if (level == 0 || level == kUnset) {
      s->asserted = false;
      return 0;
    }
    trigger(*s);
    return 0;
  }

  // The XICS hypercalls never reach a native vCPU (connected() is false).
  s64 hcall(Vcpu&, HcallRegs& regs) override {
    regs.r3 = static_cast<u64>(kHHardware);
    return -1;
  }

  // RTAS's XICS calls. ibm,get-xive reads what 6.1's
  // kvmppc_xive_get_xive() reads of a native source (its target server;
  // the XICS priority, never set in native mode, 0xff); a source in no
  // block -EINVAL. The other three run 6.1's XICS-on-XIVE code over the
  // native device's sources and queues (ibm,set-xive provisions kernel
  // pages into the vCPUs' unconfigured queues); kvm_ext refuses them
  // (-EINVAL: RTAS's hardware error). Documentation/differences.rst.
  int set_xive(u32, u32, u32) override { return -kx::kEINVAL; }
  int get_xive(u32 irq, u32* server, u32* priority) override {
    kx::IrqSaveGuard guard(&lock_);
    const NativeSource* s = find_source(irq);
    if (!s) return -kx::kEINVAL;
    *server = s->server;
    *priority = kMasked;
    return 0;
  }
  int int_off(u32) override { return -kx::kEINVAL; }
  int int_on(u32) override { return -kx::kEINVAL; }

  // ------------------------------------------------------------ the ESB

  // A store to the source's trigger page (the even ESB page), and a load
  // from its management page (the odd one) at `offset` (asm/xive-regs.h):
  // what the mmap's fault handler and the guest's accesses will call
  // (kx_xive_esb_*() below). -ENXIO: no such source, or never
  // initialised (where the fault handler gives SIGBUS).
  int esb_trigger(u32 irq) {
    kx::IrqSaveGuard guard(&lock_);
    NativeSource* s = find_source(irq);
    if (!s || !s->valid) return -kx::kENXIO;
    trigger(*s);
    return 0;
  }

  // XIVE_ESB_LOAD_EOI (0x000-0x3ff): PQ 00, and a source with Q set or an
  // LSI still asserted is triggered again (as Linux's EOI with SET_PQ_00
  // and a trigger store does); 1 if it was. XIVE_ESB_GET (0x800-0xbff):
  // the PQ bits. XIVE_ESB_SET_PQ_xy (0xc00-0xfff): the old PQ bits, the
  // new ones set. 0x400-0x7ff is the EOI store's page: a load there
  // reads all ones, as QEMU's XIVE.
  int esb_load(u32 irq, u32 offset) {
    kx::IrqSaveGuard guard(&lock_);
    NativeSource* s = find_source(irq);
    if (!s || !s->valid) return -kx::kENXIO;
    const u32 op = offset & 0xf00;
    if (op < 0x400) {
      const bool again = s->pq.eoi() || (s->lsi && s->asserted);
      update_view(*s);
      if (again) trigger(*s);
      return again;
    }
    if (op < 0x800) return 0xff;
    if (op < 0xc00) return s->pq.bits();
    const u8 old = s->pq.set(static_cast<u8>((op - 0xc00) >> 8));
    update_view(*s);
    return old;
  }

  // ------------------------------------------------------------ the mapping

  // kvmppc_xive_native_mmap(): the TIMA at its offset, at most its four
  // pages; the ESB pages at theirs, at most two per source number; any
  // other offset -EINVAL.
  kx::Status mmap(u64 pgoff, u64 npages) {
    if (pgoff == KX_XIVE_TIMA_PAGE_OFFSET)
      return npages > kTimaPages ? kx::error(kx::kEINVAL) : kx::Status::ok();
    if (pgoff == KX_XIVE_ESB_PAGE_OFFSET)
      return npages > kEsbPagesMax ? kx::error(kx::kEINVAL) : kx::Status::ok();
    return kx::error(kx::kEINVAL);
  }

  // xive_native_tima_fault() and xive_native_esb_fault(), with pgoff the
  // fd's page (mmap() fixed where each range starts). What a page shows,
  // since a process's load cannot run the device's code:
  //  - TIMA HW and HV (0, 1): SIGBUS, as 6.1. OS (2) and USER (3): one
  //    page of zeros, what a load reads on a thread with no OS or user
  //    context pushed (6.1 SIGBUSes the USER page, which it leaves unwritten; xive.rst says
  //    it is exposed: Documentation/differences.rst).
  //  - A source's trigger page (2n): all ones, what a load from a trigger
  //    page reads; its management page (2n + 1): the PQ bits as the low
  //    byte of every big-endian doubleword where a GET or SET_PQ load
  //    reads them (0x800-0xfff), kept current on every PQ change; all
  //    ones below, where a load would EOI or hit the EOI store page.
  //  - A source with no block, or never initialised: SIGBUS, as 6.1.
  // Runs under mmap_lock: only the spinlock is taken (never the mutex,
  // held around copy_from_user(), which may take mmap_lock). The page
  // returned stays allocated until the device goes, which cannot happen
  // while a mapping of its fd is being faulted.
  kx::Result<void*> fault(u64 pgoff) {
    if (pgoff < KX_XIVE_ESB_PAGE_OFFSET) {
      if (pgoff < kTimaOsPage) return kx::kEFAULT;
      return shared_view(&tima_view_, 0);
    }
    const u64 n = pgoff - KX_XIVE_ESB_PAGE_OFFSET;
    if (n / 2 >= kNrIrqs) return kx::kEFAULT;
    const u32 irq = static_cast<u32>(n / 2);
    {
      kx::IrqSaveGuard guard(&lock_);
      NativeSource* s = find_source(irq);
      if (!s || !s->valid) return kx::kEFAULT;
      if ((n & 1) && s->view) return static_cast<void*>(s->view);
    }
    if (!(n & 1)) return shared_view(&trigger_view_, 0xff);
    u8* page = static_cast<u8*>(kx_page_alloc());
    if (!page) return kx::kENOMEM;
    __builtin_memset(page, 0xff, kEsbViewPq);
    {
      kx::IrqSaveGuard guard(&lock_);
      NativeSource& s = *find_source(irq);  // blocks stay while the device does
      if (!s.view) {
        s.view = page;
        page = nullptr;
        update_view(s);
      }
      if (!page) return static_cast<void*>(s.view);
    }
    kx_page_free(page);  // another fault published its page first
    kx::IrqSaveGuard guard(&lock_);
    return static_cast<void*>(find_source(irq)->view);
  }

  // A guest's load or store (KVM_EXT_GUEST_ACCESS) to RAM the VMM backed
  // with this device's pages, as the hardware takes it; a load's value is
  // in the low len bytes of *data.
  //  - ESB trigger page: a store at any offset triggers the source; a
  //    load reads all ones. Management page: the loads of esb_load() (EOI
  //    0x000-0x3ff: 1 when the source was triggered again; GET; SET_PQ);
  //    0x400-0x7ff reads all ones; stores are ignored (the POWER9 has no
  //    store EOI for its guests: neither 6.1 nor QEMU offer
  //    XIVE_SRC_STORE_EOI there). A source the fault would SIGBUS:
  //    -EFAULT, the VMM's memory not being there.
  //  - TIMA OS page, on the accessing vCPU's thread context (the vCPU is
  //    dispatched: the NVT's pending priorities are merged in first):
  //    loads of QW1's words (NSR, CPPR, IPB, LSMFB, ACK#, INC, AGE, PIPR
  //    at 0x10; 0x18-0x1f read 0), TM_SPC_ACK_OS_REG's Load16 (the NSR
  //    and the new CPPR; the IPB bit taken), the CPPR Store8 (above 7:
  //    0xff) and TM_SPC_SET_OS_PENDING's Store8 (an IPB bit); any other
  //    load reads all ones and any other store is ignored, as QEMU's TIMA
  //    treats operations a page does not allow. A vCPU with no presenter
  //    here has no context pushed: it reads the mapped page (zeros), its
  //    stores are ignored. The USER page: all ones, stores ignored (no
  //    user context is modelled). HW and HV pages: -EFAULT.
  kx::Status page_access(Vcpu& vcpu, u64 pgoff, u32 offset, u32 len, bool write, u64* data) {
    const u64 ones = len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
    if (pgoff < KX_XIVE_ESB_PAGE_OFFSET) {
      if (pgoff < kTimaOsPage) return kx::error(kx::kEFAULT);
      if (!write) *data = ones;
      if (pgoff != kTimaOsPage) return kx::Status::ok();
      kx::IrqSaveGuard guard(&lock_);
      NativeVp* vp = native_of(vcpu);
      if (!vp || vps_[vp->server] != vp) {
        if (!write) *data = 0;
        return kx::Status::ok();
      }
      present(*vp);
      if (write) {
        tima_store(*vp, offset, len, static_cast<u8>(*data));
      } else if (offset == kTmSpcAckOsReg && len == 2) {
        *data = ack_os(*vp);
      } else if (offset >= kTmQw1Os && offset + len <= kTmQw1Os + 16) {
        u64 v = 0;
        for (u32 i = 0; i < len; i++) {
          const u32 b = offset - kTmQw1Os + i;
          v = v << 8 | (b < sizeof(vp->w01) ? vp->w01[b] : 0);
        }
        *data = v;
      }
      return kx::Status::ok();
    }
    const u64 n = pgoff - KX_XIVE_ESB_PAGE_OFFSET;
    if (n / 2 >= kNrIrqs) return kx::error(kx::kEFAULT);
    const u32 irq = static_cast<u32>(n / 2);
    if (!(n & 1)) {
      if (!write) {
        kx::IrqSaveGuard guard(&lock_);
        const NativeSource* s = find_source(irq);
        if (!s || !s->valid) return kx::error(kx::kEFAULT);
        *data = ones;
        return kx::Status::ok();
      }
      return esb_trigger(irq) ? kx::error(kx::kEFAULT) : kx::Status::ok();
    }
    if (write || (offset & 0xc00) == 0x400) {
      kx::IrqSaveGuard guard(&lock_);
      const NativeSource* s = find_source(irq);
      if (!s || !s->valid) return kx::error(kx::kEFAULT);
      if (!write) *data = ones;
      return kx::Status::ok();
    }
    const int r = esb_load(irq, offset);
    if (r < 0) return kx::error(kx::kEFAULT);
    *data = static_cast<u64>(r);
    return kx::Status::ok();
  }

 private:
  XiveNative(Vm& vm, PpcIrqChip& chip) : vm_(vm), chip_(chip) {}

  // The pages of sources [irq, irq + n) unmapped from every process.
  void unmap_esb(u32 irq, u32 n) {
    if (dev_) dev_->unmap_pages(KX_XIVE_ESB_PAGE_OFFSET + u64{irq} * 2, u64{n} * 2);
  }

  // A page every mapping shares (the TIMA's, the trigger pages'), filled
  // with `fill` when first faulted.
  kx::Result<void*> shared_view(u8** slot, u8 fill) {
    {
      kx::IrqSaveGuard guard(&lock_);
      if (*slot) return static_cast<void*>(*slot);
    }
    u8* page = static_cast<u8*>(kx_page_alloc());
    if (!page) return kx::kENOMEM;
    __builtin_memset(page, fill, KX_PAGE_SIZE);
    {
      kx::IrqSaveGuard guard(&lock_);
      if (!*slot) {
        *slot = page;
        return static_cast<void*>(page);
      }
    }
    kx_page_free(page);
    kx::IrqSaveGuard guard(&lock_);
    return static_cast<void*>(*slot);
  }

  // The management view after a PQ change: every GET/SET_PQ doubleword's
  // low byte. A process may be reading the page: byte stores, each whole.
  static void update_view(NativeSource& s) {
    if (!s.view) return;
    const u8 pq = s.pq.bits();
    for (u32 off = kEsbViewPq + 7; off < 0x1000; off += 8)
      __atomic_store_n(&s.view[off], pq, __ATOMIC_RELAXED);
  }

  static u8 ipb_to_pipr(u8 ipb) {
    return ipb ? static_cast<u8>(__builtin_clz(u32{ipb}) - 24) : 0xff;
  }

  // The vCPU is dispatched: the NVT's pending priorities join the thread
  // context's IPB (as a push merges them), PIPR follows it, and the OS
  // exception is signalled when it beats the CPPR (as QEMU's
  // xive_tctx_notify(), which only raises NSR; the ack lowers it).
  static void present(NativeVp& vp) {
    vp.w01[kTmIpb] |= vp.nvt_ipb;
    vp.nvt_ipb = 0;
    vp.w01[kTmPipr] = ipb_to_pipr(vp.w01[kTmIpb]);
    if (vp.w01[kTmPipr] < vp.w01[kTmCppr]) vp.w01[kTmNsr] |= kTmNsrEo;
  }

  // TM_SPC_ACK_OS_REG: with the exception signalled, the CPPR becomes the
  // PIPR and that priority leaves the IPB; the NSR before, and the CPPR.
  // An NSR a VP_STATE set raised with nothing pending (PIPR 0xff) is
  // acknowledged too, as QEMU's xive_tctx_accept(): CPPR 0xff, NSR down.
  static u16 ack_os(NativeVp& vp) {
    const u8 nsr = vp.w01[kTmNsr];
    if (nsr & kTmNsrEo) {
      const u8 cppr = vp.w01[kTmPipr];
      vp.w01[kTmCppr] = cppr;
      if (cppr < kXiveQueues) vp.w01[kTmIpb] &= static_cast<u8>(~(0x80 >> cppr));
      vp.w01[kTmPipr] = ipb_to_pipr(vp.w01[kTmIpb]);
      vp.w01[kTmNsr] &= static_cast<u8>(~kTmNsrEo);
    }
    return static_cast<u16>(nsr << 8 | vp.w01[kTmCppr]);
  }

  // The OS page's stores: the CPPR (a priority above 7 is 0xff, as QEMU's
  // xive_tctx_set_cppr()) and SET_OS_PENDING; both Store8.
  void tima_store(NativeVp& vp, u32 offset, u32 len, u8 val) KX_REQUIRES(lock_) {
    if (len != 1) return;
    if (offset == kTmQw1Os + kTmCppr) {
      vp.w01[kTmCppr] = val > kXiveQueues - 1 ? 0xff : val;
    } else if (offset == kTmSpcSetOsPending) {
      if (val < kXiveQueues) vp.w01[kTmIpb] |= static_cast<u8>(0x80 >> val);
    } else {
      return;
    }
    present(vp);
    if (pending(vp)) vp.vcpu->kick();
  }

  // vcpu->arch.xive_vcpu of this device's vCPUs.
  static NativeVp*& native_of(Vcpu& vcpu) { return ppc_vcpu(vcpu).native_; }

  NativeVp* find_vp(u32 server) KX_REQUIRES(lock_) {
    return server < kMaxVcpus ? vps_[server] : nullptr;
  }

  NativeSource* find_source(u32 irq) KX_REQUIRES(lock_) {
    const u32 id = irq >> kIcsShift;
    if (id > kMaxIcsId || !blocks_[id]) return nullptr;
    return &blocks_[id]->src[irq % kIrqPerIcs];
  }

  // kvmppc_xive_create_src_block(): allocated under the mutex, published
  // under the lock.
  kx::Result<NativeBlock*> block_for(u32 irq) KX_REQUIRES(mutex_) {
    const u32 id = irq >> kIcsShift;
    {
      kx::IrqSaveGuard guard(&lock_);
      if (blocks_[id]) return blocks_[id];
    }
    kx::AllocChecker ac;
    NativeBlock* b = new (&ac) NativeBlock();
    if (!ac.check()) return kx::kENOMEM;
    kx::IrqSaveGuard guard(&lock_);
    blocks_[id] = b;
    return b;
  }

  // The source's queue no longer counts it; it is masked (6.1's
  // act_priority MASKED, act_server and eisn 0).
  static void untarget(NativeSource& s) {
    if (s.vp) s.vp->eq[s.priority].targets--;
    s.vp = nullptr;
    s.server = 0;
    s.eisn = 0;
    s.priority = kMasked;
  }

  // kvmppc_xive_select_target(): the server's queue at that priority, or
  // any vCPU's with room (in server order) when it is full.
  kx::Result<NativeVp*> select_target(const NativeSource& s, u32 server, u8 prio)
      KX_REQUIRES(lock_) {
    NativeVp* vp = find_vp(server);
    if (!vp) return kx::kEINVAL;
    if (!vp->eq[prio].configured()) return kx::kENXIO;
    auto has_room = [&](const NativeVp* v) {
      const NativeEq& q = v->eq[prio];
      // a source already counted here keeps its place
      return q.configured() && (q.targets < kXiveQMaxTargets || (s.vp == v && s.priority == prio));
    };
    if (has_room(vp)) return vp;
    for (NativeVp* v : vps_) {
      if (v && has_room(v)) return v;
    }
    return kx::kEBUSY;
  }

  // The NVT's and the saved context's pending priorities, against the CPPR.
  static bool pending(const NativeVp& vp) {
    const u8 ipb = vp.nvt_ipb | vp.w01[kTmIpb];
    if (!ipb) return false;
    const u8 pipr = static_cast<u8>(__builtin_clz(u32{ipb}) - 24);
    return pipr < vp.w01[kTmCppr];
  }

  // A trigger: the PQ bits let it through (00 -> 10) or coalesce it (10
  // -> 11, 11 and 01 stay). A masked source's event is dropped at its
  // EAS, and one whose queue is no longer configured at its END.
  // Otherwise the event is queued: the entry at the queue's index is the
  // generation bit over the 31-bit EISN, big-endian; the index wraps to 0
  // at the end of the queue, flipping the generation. The priority goes
  // into the IPB and the vCPU is woken if it would take it.
  void trigger(NativeSource& s) KX_REQUIRES(lock_) {
    const bool notify = s.pq.trigger();
    update_view(s);
    if (!notify) return;
    NativeVp* vp = s.vp;
    if (!vp) return;
    NativeEq& q = vp->eq[s.priority];
    if (!q.configured()) return;
    const u32 entry = q.toggle << 31 | (s.eisn & 0x7fffffff);
    const u64 off = u64{q.index} * 4;
    u8* p = q.pages[off >> KX_PAGE_SHIFT].data + (off & ((1u << KX_PAGE_SHIFT) - 1));
    __atomic_store_n(reinterpret_cast<u32*>(p), __builtin_bswap32(entry), __ATOMIC_RELEASE);
    if (++q.index == kXiveQEntries) {
      q.index = 0;
      q.toggle ^= 1;
    }
    vp->nvt_ipb |= static_cast<u8>(0x80 >> s.priority);
    if (pending(*vp)) vp->vcpu->kick();
  }

  // Lets a queue's pinned pages go (a write mapping: each is marked dirty).
  void unpin(GuestPage* pages) {
    for (u32 i = 0; i < kXiveQPages; i++) vm_.unmap_guest_page(pages[i]);
  }

  // kvmppc_xive_reset(): every queue unconfigured, every targeted source
  // masked with PQ 01 (a source masked already keeps its PQ bits, as in
  // 6.1). The presenters' thread contexts stay.
  void reset() {
    kx::Guard<kx::Mutex> config(&mutex_);
    {
      // Sources first, so that no queue is counted as a target when it goes.
      kx::IrqSaveGuard guard(&lock_);
      for (NativeBlock* b : blocks_) {
        if (!b) continue;
        for (NativeSource& s : b->src) {
          if (!s.valid || !s.vp) continue;
          untarget(s);
          (void)s.pq.set(EsbPq::kOff);
          update_view(s);
        }
      }
    }
    for (u32 server = 0; server < kMaxVcpus; server++) {
      for (u32 prio = 0; prio < kXiveQueues; prio++) {
        GuestPage pages[kXiveQPages] = {};
        {
          kx::IrqSaveGuard guard(&lock_);
          NativeVp* vp = vps_[server];
          if (!vp) break;
          NativeEq& q = vp->eq[prio];
          for (u32 i = 0; i < kXiveQPages; i++) {
            pages[i] = q.pages[i];
            q.pages[i] = GuestPage{};
          }
          q = NativeEq{};
        }
        unpin(pages);
      }
    }
  }

  // kvmppc_xive_native_eq_sync(): delivery is synchronous, so only the
  // queue pages are left to do: every page of every configured queue is
  // marked dirty for the migration's last pass.
  void eq_sync() {
    kx::Guard<kx::Mutex> config(&mutex_);
    for (u32 server = 0; server < kMaxVcpus; server++) {
      u64 qaddr[kXiveQueues] = {};
      {
        kx::IrqSaveGuard guard(&lock_);
        const NativeVp* vp = vps_[server];
        if (!vp) continue;
        for (u32 prio = 0; prio < kXiveQueues; prio++) {
          if (vp->eq[prio].configured()) qaddr[prio] = vp->eq[prio].qaddr | 1;
        }
      }
      for (u64 a : qaddr) {
        if (!a) continue;
        for (u32 i = 0; i < kXiveQPages; i++)
          vm_.mark_guest_dirty((a & ~1ULL) + (u64{i} << KX_PAGE_SHIFT));
      }
    }
  }

  // kvmppc_xive_set_nr_servers(): the value (-EFAULT), 0 or above
  // KVM_MAX_VCPU_IDS -EINVAL, -EBUSY once the VP block exists (the first
  // connect that got past the server check); more than KVM_MAX_VCPUS
  // servers are KVM_MAX_VCPUS.
  kx::Status set_nr_servers(u64 addr) {
    u32 n;
    if (kx_copy_from_user(&n, addr, sizeof(n))) return kx::error(kx::kEFAULT);
    if (n == 0 || n > kMaxVcpuIds) return kx::error(kx::kEINVAL);
    kx::Guard<kx::Mutex> config(&mutex_);
    kx::IrqSaveGuard guard(&lock_);
    if (vp_block_) return kx::error(kx::kEBUSY);
    nr_servers_ = n > kMaxVcpus ? kMaxVcpus : n;
    return kx::Status::ok();
  }

  Vm& vm_;
  PpcIrqChip& chip_;
  Device* dev_ = nullptr;  // set once, right after Create()
  kx::Mutex mutex_{&xive_native_mutex_class};
  kx::SpinLock lock_ KX_ACQUIRED_AFTER(mutex_) = kx::SpinLock(&xive_native_lock_class);
  NativeBlock* blocks_[kMaxIcsId + 1] KX_GUARDED_BY(lock_) = {};
  // The presenters by server number: servers pack below KVM_MAX_VCPUS.
  NativeVp* vps_[kMaxVcpus] KX_GUARDED_BY(lock_) = {};
  u32 nr_servers_ KX_GUARDED_BY(lock_) = kMaxVcpus;
  bool vp_block_ KX_GUARDED_BY(lock_) = false;
  // The TIMA's OS/USER view and every trigger page's (see fault()).
  u8* tima_view_ KX_GUARDED_BY(lock_) = nullptr;
  u8* trigger_view_ KX_GUARDED_BY(lock_) = nullptr;
};

// kvmppc_xive_native_connect_vcpu() for intc.cpp's KVM_ENABLE_CAP.
kx::Status xive_native_connect(Device& dev, Vcpu& vcpu, u32 server) {
  return static_cast<XiveNative*>(dev.priv)->connect(vcpu, server);
}

}  // namespace ppc
}  // namespace kvm

extern "C" {

constinit const kx_device_ops kx_xive_native_device_ops =
    kvm::DeviceType<kvm::ppc::XiveNative>::ops();

int kx_xive_esb_load(kx_device* d, unsigned int irq, unsigned int offset) {
  kvm::Device* dev = kvm::from_handle(d);
  if (dev->ops() != &kx_xive_native_device_ops) return -kx::kEINVAL;
  return static_cast<kvm::ppc::XiveNative*>(dev->priv)->esb_load(irq, offset);
}

int kx_xive_esb_trigger(kx_device* d, unsigned int irq) {
  kvm::Device* dev = kvm::from_handle(d);
  if (dev->ops() != &kx_xive_native_device_ops) return -kx::kEINVAL;
  return static_cast<kvm::ppc::XiveNative*>(dev->priv)->esb_trigger(irq);
}

}  // extern "C"
