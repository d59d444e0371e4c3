// SPDX-License-Identifier: GPL-2.0
// xics_xive_fuzzer: libFuzzer over XICS-on-XIVE, the POWER9 host's
// KVM_DEV_TYPE_XICS (arch/powerpc/xics_xive.cpp, the hypercalls and RTAS
// of arch/powerpc/hcalls.cpp), in the host build of the core, against a
// model of 6.1's arch/powerpc/kvm/book3s_xive.c written from that file
// (and Documentation/differences.rst where kvm_ext departs from it), not
// from xics_xive.cpp.
//
//   make -C tools/testing/fuzz O=DIR                  -> DIR/xics_xive_fuzzer
//   tools/testing/fuzz/run.sh short DIR xics_xive     (make check: 30 s)
//
// One input makes a ppc VM (host POWER9) with 64 KiB of guest RAM, the
// XICS ("kvm-xive"), maybe KVM_DEV_XICS_NR_SERVERS, four vCPUs in PAPR
// mode each connected to the server the input chooses (collisions
// -EEXIST, servers beyond NR_SERVERS or from 2048 -EINVAL: such a vCPU
// stays unconnected), and RTAS tokens 1-4 for ibm,set-xive, get-xive,
// int-off and int-on. Then operations: source words set and read (any
// number, any word, a bad address, whole save cycles), NR_SERVERS,
// KVM_IRQ_LINE_STATUS with any level, the ICP hypercalls (H_CPPR, H_EOI,
// H_XIRR, H_XIRR_X, H_IPI, H_IPOLL, and one the kernel does not handle)
// with arbitrary registers, KVM_CAP_PPC_ENABLE_HCALL on them (which a
// connected vCPU ignores), ICP states set (raw 64-bit) and read, RTAS
// calls from guest RAM, late connections, and migrations: every valid
// source word and every ICP state read in QEMU's order, a fresh VM made,
// its vCPUs connected to the same servers, the words set, then the ICP
// states; the fresh VM continues and the old one with it (its "twin"):
// each later operation goes to both.
//
// The model (struct Model) keeps what book3s_xive.c keeps: per source the
// ESB's PQ, the EAS (the hardware routing, which set_source's "act_priority
// := MASKED" leaves in place), guest/saved/act priority, act_server,
// old_p/old_q and the save-cycle snapshot; per vCPU cppr, hw_cppr, mfrr,
// the pending bitmap, the IPB, one FIFO per priority (a page or a "no
// queue" END), the doorbell IPI at priority 0 and the delayed XISR.
//
// What must hold, besides no sanitizer report: every return value, errno,
// hypercall return code and r4/r5 (or the KVM_EXIT_PAPR_HCALL exit), the
// RTAS argument block, each source word and KVM_IRQ_LINE_STATUS status is
// the model's; after every operation each vCPU's ICP_STATE is the model's;
// after a migration, without the model, each ICP state and each word
// reads back from the fresh VM as saved, but where the restore is lossy
// by design (Fuzz::migrate()); no leak once the VMs are gone.
//
// XICS_TRACE=1 prints each decoded operation.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

constexpr int kVcpus = 4;
constexpr uint64_t kRamGpa = 0x100000, kRamSize = 0x10000;
constexpr uint64_t kBadAddr = host::kUserTop + 0x1000;

enum : uint64_t {
  H_EOI = 0x64,
  H_CPPR = 0x68,
  H_IPI = 0x6c,
  H_IPOLL = 0x70,
  H_XIRR = 0x74,
  H_XIRR_X = 0x2fc,
  H_RTAS = 0xf000,
};
constexpr int64_t kHSuccess = 0, kHParameter = -4;
constexpr uint32_t kDummy = 1, kIpi = 2;  // XICS_DUMMY, XICS_IPI
constexpr uint8_t kMasked = 0xff;         // MASKED
constexpr uint32_t kIcsShift = 10, kMaxIcsId = 1023, kFirstIrq = 16;
constexpr uint64_t kNrIrqs = uint64_t{kMaxIcsId + 1} << kIcsShift;
constexpr uint32_t kMaxVcpus = 2048, kMaxVcpuIds = 16384;  // KVM_MAX_VCPUS, _VCPU_IDS
constexpr int kQueues = 8;                                 // KVMPPC_XIVE_Q_COUNT
// A queue's entries (64 KiB, 4-byte entries): the model checks it never
// gets near them (no input is long enough to fill one).
constexpr size_t kQueueEntries = 16384;

bool trace() {
  static const bool on = getenv("XICS_TRACE") != nullptr;
  return on;
}

#define T(...)                                 \
  do {                                         \
    if (trace()) fprintf(stderr, __VA_ARGS__); \
  } while (0)

const char* g_vm_name = "";  // which VM an expect() is about

void expect(unsigned long long got, unsigned long long want, const char* what) {
  if (got == want) return;
  fprintf(stderr, "xics_xive_fuzzer: %s%s: got %#llx, model %#llx\n", g_vm_name, what, got, want);
  abort();
}

// xive_prio_from_guest(): a u8.
uint8_t prio_from_guest(uint8_t p) { return p == kMasked || p < 6 ? p : 6; }
uint8_t first_bit(uint8_t bits) { return bits ? static_cast<uint8_t>(__builtin_ctz(bits)) : 0xff; }

// ---------------------------------------------------------------------------
// The model: 6.1's book3s_xive.c, one CPU at a time, the XIVE hardware
// reduced to what the code observes.

// An ESB's PQ bits.
struct Esb {
  bool p = false, q = false;
};

// struct kvmppc_xive_irq_state, plus the hardware behind it.
struct Src {
  Esb pq;
  // The EAS: configured by xive_target_interrupt() only; a fresh IPI's is
  // masked. Its VP is act_server's vCPU (the two change together).
  bool eas_on = false;
  int eas_vcpu = -1;
  uint8_t eas_prio = 0;
  uint32_t act_server = 0;
  uint8_t guest_priority = kMasked, saved_priority = kMasked, act_priority = kMasked;
  uint8_t saved_scan_prio = 0;
  bool valid = false, lsi = false, asserted = false;
  bool old_p = false, old_q = false;
  bool saved_p = false, saved_q = false, in_queue = false;
};

struct Queue {
  bool page = false;                // a real queue, or a "no queue" END
  std::vector<uint32_t> e;          // every entry ever written
  size_t idx = 0;                   // q->idx: the next to read
  uint32_t read(size_t* i) const {  // __xive_read_eq()
    if (!page || *i >= e.size()) return 0;
    return e[(*i)++];
  }
};

// struct kvmppc_xive_vcpu, and its thread context.
struct Vc {
  bool connected = false;
  uint32_t server = 0;
  uint8_t cppr = 0, hw_cppr = 0, mfrr = kMasked, pending = 0, ipb = 0;
  uint32_t delayed_irq = 0;
  Esb door;  // vp_ipi: (own VP, prio 0, XICS_IPI)
  Queue q[kQueues];
};

constexpr uint32_t kRtasNargs[] = {3, 1, 1, 1}, kRtasNret[] = {1, 3, 1, 1};

struct Model {
  std::set<uint32_t> blocks;        // src_blocks[] made
  std::map<uint32_t, Src> sources;  // the sources of made blocks, as kzalloc'd until touched
  Vc vc[kVcpus];
  uint8_t qmap = 0;
  uint32_t nr_servers = kMaxVcpus;
  bool vp_block = false;  // vp_base allocated
  uint32_t src_count = 0, saved_src_count = 0, delayed_irqs = 0;

  bool has_block(uint32_t irq) const {
    return (irq >> kIcsShift) <= kMaxIcsId && blocks.count(irq >> kIcsShift);
  }
  Src& src(uint32_t irq) { return sources[irq]; }  // only where has_block(irq)

  // kvmppc_xive_find_server(): the vCPUs in order, a u32 number.
  int find_server(uint32_t nr) const {
    for (int v = 0; v < kVcpus; v++)
      if (vc[v].connected && vc[v].server == nr) return v;
    return -1;
  }

  // --- the hardware ---
  void notify_vp(int v, uint8_t prio, uint32_t data) {
    Vc& c = vc[v];
    if (c.q[prio].page) {
      c.q[prio].e.push_back(data);
      if (c.q[prio].e.size() - c.q[prio].idx > kQueueEntries - 4) {
        fprintf(stderr, "xics_xive_fuzzer: model queue overflow\n");
        abort();
      }
    }
    c.ipb |= 1 << prio;
  }
  void notify_src(uint32_t irq) {
    Src& s = src(irq);
    if (!s.eas_on) return;  // dropped, P stays
    notify_vp(s.eas_vcpu, s.eas_prio, irq);
  }
  // A store to the trigger page: 00 -> 10 and notify, 10 -> 11, else nothing.
  void trigger_src(uint32_t irq) {
    Esb& e = src(irq).pq;
    if (!e.p && !e.q) {
      e.p = true;
      notify_src(irq);
    } else if (e.p) {
      e.q = true;
    }
  }
  void trigger_door(int v) {
    Esb& e = vc[v].door;
    if (!e.p && !e.q) {
      e.p = true;
      notify_vp(v, 0, kIpi);
    } else if (e.p) {
      e.q = true;
    }
  }
  // SET_PQ_00 load, then a trigger if Q was set (xive_vm_source_eoi()).
  void eoi_src(uint32_t irq) {
    Esb& e = src(irq).pq;
    const bool q = e.q;
    e = Esb{};
    if (q) trigger_src(irq);
  }
  void eoi_door(int v) {
    Esb& e = vc[v].door;
    const bool q = e.q;
    e = Esb{};
    if (q) trigger_door(v);
  }

  // --- the masking protocol ---
  // xive_lock_and_mask()
  uint8_t mask(uint32_t irq) {
    Src& s = src(irq);
    const uint8_t old = s.guest_priority;
    s.guest_priority = kMasked;
    if (old == kMasked) return old;
    s.old_p = s.pq.p;
    s.old_q = s.pq.q;
    s.pq = Esb{true, false};
    return old;
  }
  // xive_finish_unmask()
  void finish_unmask(uint32_t irq, uint8_t prio) {
    Src& s = src(irq);
    if (s.guest_priority == kMasked) {
      if (s.old_q) s.pq = Esb{true, true};
      if (!s.old_p) eoi_src(irq);
    }
    s.guest_priority = prio;
  }

  // --- queues and targets ---
  // xive_check_provisioning()
  void provision(uint8_t prio) {
    if (qmap & (1 << prio)) return;
    for (Vc& c : vc)
      if (c.connected) c.q[prio] = Queue{true, {}, 0};
    qmap |= 1 << prio;
  }
  // xive_target_interrupt(): the queues never fill here, so the server's
  // own vCPU always has room.
  int target(uint32_t irq, uint32_t server, uint8_t prio) {
    const int v = find_server(server);
    if (v < 0) return -EINVAL;
    Src& s = src(irq);
    s.act_priority = prio;
    s.act_server = server;
    s.eas_on = true;
    s.eas_vcpu = v;
    s.eas_prio = prio;
    return 0;
  }

  // --- the guest's side ---
  enum Scan { kFetch, kPoll, kEoi };
  // xive_vm_scan_interrupts()
  uint32_t scan(int v, uint8_t pending, Scan type) {
    Vc& c = vc[v];
    uint32_t hirq = 0;
    uint8_t prio = 0xff;
    while ((c.mfrr != 0xff || pending) && hirq == 0) {
      prio = first_bit(pending);
      if (prio >= c.cppr || prio > 7) {
        if (c.mfrr < c.cppr) {
          prio = c.mfrr;
          hirq = kIpi;
        }
        break;
      }
      Queue& q = c.q[prio];
      const bool page = q.page;
      size_t idx = q.idx;
      for (;;) {
        hirq = q.read(&idx);
        if (hirq == kIpi || (prio == 0 && !page)) {
          if (type == kFetch) {
            eoi_door(v);  // may write to this very queue
            q.idx = idx;
          }
          if (hirq) continue;
        }
        if (hirq == kDummy) continue;
        break;
      }
      if (!hirq) pending &= ~(1 << prio);
      if (prio >= c.mfrr && c.mfrr < c.cppr) {
        prio = c.mfrr;
        hirq = kIpi;
        break;
      }
      if (type == kFetch) q.idx = idx;
    }
    if (type == kPoll) return hirq;
    c.pending = pending;
    if (type == kEoi) return hirq;
    if (hirq) c.cppr = prio;
    c.hw_cppr = c.cppr;
    return hirq;
  }

  // xive_vm_ack_pending(): the TIMA's acknowledge cycle.
  void ack(Vc& c) {
    const uint8_t pipr = first_bit(c.ipb);
    if (pipr >= c.hw_cppr) return;
    c.ipb &= ~(1 << pipr);
    c.pending |= 1 << pipr;
    c.hw_cppr = pipr;
  }

  // xive_vm_push_pending_to_hw()
  static void push_pending(Vc& c) {
    uint8_t pending = c.pending;
    if (c.mfrr != 0xff) pending |= c.mfrr < 8 ? 1 << c.mfrr : 0x80;
    if (!pending) return;
    c.ipb |= 1 << first_bit(pending);
  }

  uint64_t h_xirr(int v) {
    Vc& c = vc[v];
    ack(c);
    const uint8_t old = c.cppr;
    const uint32_t hirq = scan(v, c.pending, kFetch);
    return hirq | uint64_t{old} << 24;
  }

  int64_t h_ipoll(int v, uint64_t server, uint64_t* r4) {
    int t = v;
    uint8_t pending;
    if (vc[v].server != server) {
      t = find_server(static_cast<uint32_t>(server));
      if (t < 0) return kHParameter;
      pending = 0xff;
    } else {
      const uint8_t pipr = first_bit(vc[v].ipb);
      pending = vc[v].pending | (pipr < 8 ? 1 << pipr : 0);
    }
    const uint32_t hirq = scan(t, pending, kPoll);
    *r4 = hirq | uint64_t{vc[t].cppr} << 24;
    return kHSuccess;
  }

  // xive_vm_scan_for_rerouted_irqs()
  void reroute(int v) {
    Vc& c = vc[v];
    for (unsigned prio = c.cppr; prio < kQueues; prio++) {
      Queue& q = c.q[prio];
      if (!q.page) continue;
      for (size_t i = q.idx; i < q.e.size(); i++) {
        const uint32_t irq = q.e[i];
        if (irq == kDummy || irq == kIpi || !has_block(irq)) continue;
        if (src(irq).act_server == c.server) continue;
        q.e[i] = kDummy;
        src(irq).pq = Esb{true, true};
        eoi_src(irq);
      }
    }
  }

  void h_cppr(int v, uint64_t r4) {
    Vc& c = vc[v];
    const uint8_t cppr = prio_from_guest(static_cast<uint8_t>(r4));
    const uint8_t old = c.cppr;
    c.cppr = cppr;
    if (cppr > old)
      push_pending(c);
    else
      reroute(v);
    c.hw_cppr = cppr;
  }

  int64_t h_eoi(int v, uint64_t xirr) {
    Vc& c = vc[v];
    const uint32_t irq = xirr & 0xffffff;
    int64_t rc = kHSuccess;
    c.cppr = prio_from_guest(static_cast<uint8_t>(xirr >> 24));
    if (irq != kIpi && irq != 0) {
      if (!has_block(irq)) {
        rc = kHParameter;
      } else {
        Src& s = src(irq);
        if (s.guest_priority == kMasked) {
          s.old_p = false;
        } else {
          eoi_src(irq);
          if (s.lsi && s.asserted) trigger_src(irq);
        }
      }
    }
    scan(v, c.pending, kEoi);
    push_pending(c);
    c.hw_cppr = c.cppr;
    return rc;
  }

  int64_t h_ipi(uint64_t server, uint64_t mfrr) {
    const int t = find_server(static_cast<uint32_t>(server));
    if (t < 0) return kHParameter;
    vc[t].mfrr = static_cast<uint8_t>(mfrr);
    if (mfrr < vc[t].cppr) trigger_door(t);
    return kHSuccess;
  }

  // --- the VMM's side ---
  static uint64_t icp_state(const Vc& c) {
    return uint64_t{c.cppr} << 56 | uint64_t{c.mfrr} << 24 | uint64_t{0xff} << 16;
  }

  int set_icp(int v, uint64_t val) {
    Vc& c = vc[v];
    if (!c.connected) return -ENXIO;
    const uint8_t cppr = static_cast<uint8_t>(val >> 56);
    const uint32_t xisr = (val >> 32) & 0xffffff;
    const uint8_t mfrr = static_cast<uint8_t>(val >> 24);
    c.cppr = c.hw_cppr = cppr;
    c.mfrr = mfrr;
    if (mfrr < cppr) trigger_door(v);
    if (xisr > kIpi) {
      if (has_block(xisr) && src(xisr).valid) {
        trigger_src(xisr);
      } else {
        c.delayed_irq = xisr;
        delayed_irqs++;
      }
    }
    return 0;
  }

  // kvmppc_xive_connect_vcpu() as kvm_ext: servers from 2048 -EINVAL too
  // (differences.rst), allocating nothing.
  int connect(int v, uint64_t arg, bool no_memory = false) {
    if (vc[v].connected) return -EBUSY;
    const uint32_t server = static_cast<uint32_t>(arg);
    if (server >= kMaxVcpus || server >= nr_servers) return -EINVAL;
    vp_block = true;
    if (find_server(server) >= 0) return -EEXIST;
    if (no_memory) return -ENOMEM;
    Vc& c = vc[v];
    c = Vc{};
    c.connected = true;
    c.server = server;
    for (int p = 0; p < kQueues; p++) c.q[p].page = qmap & (1 << p);
    return 0;
  }

  int set_nr_servers(const uint32_t* val) {
    if (!val) return -EFAULT;
    if (*val == 0 || *val > kMaxVcpuIds) return -EINVAL;
    if (vp_block) return -EBUSY;
    nr_servers = *val > kMaxVcpus ? kMaxVcpus : *val;
    return 0;
  }

  bool any_connected() const {
    for (const Vc& c : vc)
      if (c.connected) return true;
    return false;
  }

  // xive_set_source(); no_memory: every allocation fails (a new block
  // -ENOMEM; a priority's first queues cannot be made, so the source is
  // not targeted, as 6.1 when xive_check_provisioning() fails).
  int set_source(uint64_t attr, const uint64_t* word, bool no_memory = false) {
    const int64_t irq = static_cast<int64_t>(attr);
    if (irq < kFirstIrq || irq >= static_cast<int64_t>(kNrIrqs)) return -ENOENT;
    const uint32_t n = static_cast<uint32_t>(irq);
    if (!has_block(n) && no_memory) return -ENOMEM;
    blocks.insert(n >> kIcsShift);
    if (!word) return -EFAULT;
    uint64_t val = *word;
    const uint32_t server = static_cast<uint32_t>(val);
    const uint8_t guest_prio = static_cast<uint8_t>(val >> KX_XICS_PRIORITY_SHIFT);
    Src& s = src(n);
    s.guest_priority = 0;
    mask(n);
    const uint8_t act_prio = prio_from_guest(guest_prio);
    s.act_priority = kMasked;  // the EAS stays as it was
    if (act_prio != kMasked) {
      if (no_memory && !(qmap & (1 << act_prio)) && any_connected()) {
        // not provisioned: untargeted
      } else {
        provision(act_prio);
        target(n, server, act_prio);
      }
    }
    if (delayed_irqs) {
      for (Vc& c : vc) {
        if (!c.connected || c.delayed_irq != n) continue;
        c.delayed_irq = 0;
        delayed_irqs--;
        val |= KX_XICS_PENDING;
        break;
      }
    }
    s.old_p = s.old_q = s.lsi = s.asserted = false;
    if (val & KX_XICS_LEVEL_SENSITIVE) {
      s.lsi = true;
      if (val & KX_XICS_PENDING) s.asserted = true;
    }
    if ((val & KX_XICS_PRESENTED) && !(val & KX_XICS_PENDING)) s.old_p = true;
    if (val & (KX_XICS_QUEUED | KX_XICS_PENDING)) s.old_q = true;
    if (val & KX_XICS_MASKED)
      s.guest_priority = kMasked;
    else
      finish_unmask(n, guest_prio);
    s.saved_priority = guest_prio;
    if (!s.valid) src_count++;
    s.valid = true;
    return 0;
  }

  // xive_pre_save_scan()
  void pre_save_scan() {
    for (auto& [irq, s] : sources) {
      if (!s.valid) continue;
      s.saved_scan_prio = mask(irq);
      s.saved_p = s.old_p;
      s.saved_q = s.old_q;
    }
    for (Vc& c : vc) {
      if (!c.connected) continue;
      for (Queue& q : c.q) {
        if (!q.page) continue;
        for (size_t i = q.idx; i < q.e.size(); i++) {
          const uint32_t irq = q.e[i];
          if (irq <= kIpi || !has_block(irq)) continue;
          if (src(irq).valid) src(irq).in_queue = true;
        }
      }
    }
    for (auto& [irq, s] : sources)
      if (s.valid && s.saved_scan_prio != kMasked) finish_unmask(irq, s.saved_scan_prio);
  }

  // xive_get_source(): the number taken as a u32.
  int get_source(uint64_t attr, uint64_t* out) {
    const uint32_t irq = static_cast<uint32_t>(attr);
    if (!has_block(irq) || !src(irq).valid) return -ENOENT;
    if (saved_src_count == 0) pre_save_scan();
    saved_src_count++;
    const Src& s = src(irq);
    uint64_t val = s.act_server, prio = s.saved_scan_prio;
    if (prio == kMasked) {
      val |= KX_XICS_MASKED;
      prio = s.saved_priority;
    }
    val |= prio << KX_XICS_PRIORITY_SHIFT;
    if (s.lsi) {
      val |= KX_XICS_LEVEL_SENSITIVE;
      if (s.saved_p) val |= KX_XICS_PENDING;
    } else {
      if (s.saved_p) val |= KX_XICS_PRESENTED;
      if (s.saved_q) val |= KX_XICS_QUEUED;
      if (s.in_queue || (prio == kMasked && s.saved_q)) val |= KX_XICS_PENDING;
    }
    if (saved_src_count == src_count) {
      for (auto& [i, x] : sources) x.in_queue = false;
      saved_src_count = 0;
    }
    *out = val;
    return 0;
  }

  // kvmppc_xive_set_irq() through KVM_IRQ_LINE_STATUS: the status.
  int set_irq(uint32_t irq, uint32_t level) {
    if (!has_block(irq) || !src(irq).valid) return -EINVAL;
    Src& s = src(irq);
    const int l = static_cast<int>(level);
    if ((l == 1 && s.lsi) || l == -3) {
      s.asserted = true;
    } else if (l == 0 || l == -2) {
      s.asserted = false;
      return 0;
    }
    trigger_src(irq);
    return 0;
  }

  // --- RTAS (book3s_xive.c's kvmppc_xive_*_xive, int_on, int_off) ---
  // kvm_ext: a priority 0xff in the low byte only, or a source never set,
  // -EINVAL and the source unchanged (differences.rst); the priority's
  // queues are provisioned first, as 6.1.
  int set_xive(uint32_t irq, uint32_t server, uint32_t priority) {
    const uint8_t p8 = static_cast<uint8_t>(priority);
    if (priority != kMasked && p8 == kMasked) return -EINVAL;
    if (priority != kMasked) provision(prio_from_guest(p8));
    if (!has_block(irq) || !src(irq).valid) return -EINVAL;
    Src& s = src(irq);
    if (priority == kMasked) mask(irq);
    const uint8_t act = priority == kMasked ? s.act_priority : prio_from_guest(p8);
    int rc = 0;
    if (act != kMasked && (s.act_server != server || s.act_priority != act))
      rc = retarget(irq, server, act);
    if (priority != kMasked) finish_unmask(irq, p8);
    s.saved_priority = p8;
    return rc;
  }
  // xive_target_interrupt() from set_xive: the old queue's slot released
  // (capacity only; never observable here).
  int retarget(uint32_t irq, uint32_t server, uint8_t prio) { return target(irq, server, prio); }

  int get_xive(uint32_t irq, uint32_t* server, uint32_t* priority) {
    if (!has_block(irq)) return -EINVAL;
    *server = src(irq).act_server;
    *priority = src(irq).guest_priority;
    return 0;
  }
  int int_on(uint32_t irq) {
    if (!has_block(irq)) return -EINVAL;
    Src& s = src(irq);
    if (s.act_priority == kMasked) return -EINVAL;
    if (s.saved_priority == kMasked) return 0;
    finish_unmask(irq, s.saved_priority);
    return 0;
  }
  int int_off(uint32_t irq) {
    if (!has_block(irq)) return -EINVAL;
    src(irq).saved_priority = mask(irq);
    return 0;
  }
};

// ---------------------------------------------------------------------------
// The input.

struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t u8() { return n ? (n--, *p++) : 0; }
  uint32_t u32() { return u8() | u8() << 8 | u8() << 16 | uint32_t{u8()} << 24; }
  uint64_t u64() { return u32() | uint64_t{u32()} << 32; }
};

// Source numbers: a few in block 0, block 1 and block 1023, one in a block
// only a raw number reaches.
constexpr uint32_t kIrqs[] = {16, 17, 18, 20, 21, 1023, 1024, 1025, 2047, 0xffc00, 0xfffff, 5000};
constexpr uint8_t kPrios[] = {0, 1, 2, 3, 4, 5, 6, 7, 0x80, 0xfe, 0xff};

// One decoded operation, applied to each live VM.
enum OpKind {
  kSetSource,
  kGetSource,
  kHasSource,
  kIrqLine,
  kHcall,
  kIcpSet,
  kVpState,
  kRtas,
  kConnect,
  kNrServers,
  kCtrl,
  kSaveCycle,
  kXirrEoi,
  kEnableHcall,
};
struct Op {
  OpKind kind;
  int v = 0;
  bool fault = false;
  uint64_t a = 0, b = 0, c = 0;
  uint32_t rtas[6] = {};  // token, nargs, nret, args[0..2]
};

const char* const kRtasNames[] = {"ibm,set-xive", "ibm,get-xive", "ibm,int-off", "ibm,int-on"};

// One VM with its model.
struct Vm {
  Model m;
  const char* name = "";
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu[kVcpus] = {};
  kx_device* dev = nullptr;
  int fd = -1;
  uint8_t* ram = nullptr;
  uint64_t last_tb = 0;
  bool nr_set = false;  // NR_SERVERS was set (a migration sets it again)

  // --- core calls ---
  static int attr(kx_device* d, kx_attr_op op, uint32_t grp, uint64_t a, uint64_t addr) {
    kx_attr at = {0, grp, a, addr};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  int core_get_source(uint64_t irq, uint64_t* w) {
    return attr(dev, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, irq, reinterpret_cast<uintptr_t>(w));
  }
  int one_reg(int v, bool set, uint64_t* val) {
    uint64_t reg[2] = {KX_REG_PPC_ICP_STATE, reinterpret_cast<uintptr_t>(val)};
    return static_cast<int>(kx_vcpu_ioctl(vcpu[v], set ? KX_SET_ONE_REG : KX_GET_ONE_REG,
                                          reinterpret_cast<uintptr_t>(reg)));
  }

  bool up() {
    ram = static_cast<uint8_t*>(aligned_alloc(4096, kRamSize));
    if (!ram) return false;
    memset(ram, 0, kRamSize);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    if (kx_vm_create(KX_PPC, 0, nullptr, &vm)) return false;
    kx_memory_region mr = {0, 0, kRamGpa, kRamSize, reinterpret_cast<uintptr_t>(ram)};
    expect(kx_vm_set_memory_region(vm, &mr), 0, "memslot");
    for (int v = 0; v < kVcpus; v++) {
      expect(kx_vm_create_vcpu(vm, v, &vcpu[v]), 0, "vCPU");
      expect(ppc_enable_papr(vcpu[v]), 0, "KVM_CAP_PPC_PAPR");
    }
    const int r = kx_vm_create_device(vm, KX_DEV_TYPE_XICS, 0, &dev);
    expect(r, 0, "KVM_CREATE_DEVICE(XICS)");
    if (strcmp(kx_device_name(dev), "kvm-xive") != 0) {
      fprintf(stderr, "xics_xive_fuzzer: the device is %s, not kvm-xive\n", kx_device_name(dev));
      abort();
    }
    host::bind_device_fd(fd, dev);
    for (int i = 0; i < 4; i++) define_token(i, i + 1);
    return true;
  }

  void down() {
    if (dev) {
      host::bind_device_fd(fd, nullptr);
      kx_device_release(dev);
      dev = nullptr;
    }
    if (vm) kx_vm_put(vm);
    vm = nullptr;
    if (fd >= 0) close(fd);
    fd = -1;
    free(ram);
    ram = nullptr;
  }

  void define_token(int name, uint64_t token) {
    struct {
      char name[120];
      uint64_t token;
    } a = {};
    strncpy(a.name, kRtasNames[name], sizeof(a.name) - 1);
    a.token = token;
    const int r = static_cast<int>(
        kx_vm_ioctl(vm, KX_PPC_RTAS_DEFINE_TOKEN, reinterpret_cast<uintptr_t>(&a)));
    expect(r, 0, "KVM_PPC_RTAS_DEFINE_TOKEN");
  }

  // After every operation: the ICP states.
  void compare() {
    for (int v = 0; v < kVcpus; v++) {
      uint64_t val = 0;
      const int r = one_reg(v, false, &val);
      const Vc& c = m.vc[v];
      if (!c.connected) {
        expect(r, -ENXIO, "ICP_STATE get of a vCPU without an ICP");
        continue;
      }
      expect(r, 0, "ICP_STATE get");
      if (val != Model::icp_state(c)) {
        fprintf(stderr,
                "xics_xive_fuzzer: %svCPU %d (server %#x): ICP state %#018llx, model %#018llx\n",
                name, v, c.server, (unsigned long long)val,
                (unsigned long long)Model::icp_state(c));
        abort();
      }
    }
  }

  void connect(int v, uint64_t server, bool no_memory = false) {
    PpcEnableCap c = {};
    c.cap = KX_CAP_IRQ_XICS;
    c.args[0] = static_cast<uint64_t>(fd);
    c.args[1] = server;
    if (no_memory) host::fail_allocation_after(0);
    const int r =
        static_cast<int>(kx_vcpu_ioctl(vcpu[v], KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)));
    host::fail_allocation_after(-1);
    T("  %sconnect vCPU %d server %#llx%s: %d\n", name, v, (unsigned long long)server,
      no_memory ? " (no memory)" : "", r);
    expect(r, m.connect(v, server, no_memory), "KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS)");
  }

  int set_nr_servers(uint32_t n, bool fault) {
    uint32_t val = n;
    const int r = attr(dev, KX_ATTR_SET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&val));
    T("  %sNR_SERVERS %u%s: %d\n", name, n, fault ? " (bad address)" : "", r);
    const int want = m.set_nr_servers(fault ? nullptr : &val);
    expect(r, want, "NR_SERVERS set");
    if (!r) nr_set = true;
    return r;
  }

  int set_source(uint64_t irq, uint64_t word, bool fault, bool no_memory = false) {
    uint64_t w = word;
    if (no_memory) host::fail_allocation_after(0);
    const int r = attr(dev, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, irq,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&w));
    host::fail_allocation_after(-1);
    T("  %sset source %#llx word %#llx%s%s: %d\n", name, (unsigned long long)irq,
      (unsigned long long)word, fault ? " (bad address)" : "", no_memory ? " (no memory)" : "", r);
    expect(r, m.set_source(irq, fault ? nullptr : &word, no_memory), "GRP_SOURCES set");
    return r;
  }

  // A get, checked; the word out.
  int get_source(uint64_t irq, bool fault, uint64_t* out) {
    uint64_t w = 0, mw = 0;
    const int r = attr(dev, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, irq,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&w));
    int mr = m.get_source(irq, &mw);
    if (!mr && fault) mr = -EFAULT;
    T("  %sget source %#llx: %d %#llx (model %d %#llx)\n", name, (unsigned long long)irq, r,
      (unsigned long long)w, mr, (unsigned long long)mw);
    if (r != mr || (!r && w != mw)) {
      fprintf(stderr, "xics_xive_fuzzer: %ssource %#llx: core %d word %#llx, model %d word %#llx\n",
              name, (unsigned long long)irq, r, (unsigned long long)w, mr, (unsigned long long)mw);
      abort();
    }
    if (out) *out = w;
    return r;
  }

  // One hypercall on vCPU v, the model's answer checked: r3-r5 out (or
  // the exit, the registers as they were).
  uint64_t hcall(int v, uint64_t nr, uint64_t r4, uint64_t r5) {
    const uint64_t r6 = 0x1111, r7 = 0x2222;
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, nr, 8, 0, r4, {r5, r6, r7}};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
    T("  %shcall vCPU %d %#llx (%#llx, %#llx): %d result %u r3 %#llx r4 %#llx r5 %#llx\n", name, v,
      (unsigned long long)nr, (unsigned long long)r4, (unsigned long long)r5, r, a.result,
      (unsigned long long)a.data, (unsigned long long)a.args[0], (unsigned long long)a.args[1]);
    bool exits = true;
    int64_t rc = kHSuccess;
    uint64_t o4 = r4, o5 = r5;
    const bool xics_call = nr == H_XIRR || nr == H_XIRR_X || nr == H_CPPR || nr == H_EOI ||
                           nr == H_IPI || nr == H_IPOLL;
    if (xics_call && m.vc[v].connected) {
      exits = false;
      switch (nr) {
        case H_XIRR:
          o4 = m.h_xirr(v);
          break;
        case H_XIRR_X:
          o4 = m.h_xirr(v);
          o5 = a.args[1];  // the guest timebase: it moves on
          if (!r && (o5 == 0 || o5 < last_tb)) {
            fprintf(stderr, "xics_xive_fuzzer: H_XIRR_X timebase %#llx after %#llx\n",
                    (unsigned long long)o5, (unsigned long long)last_tb);
            abort();
          }
          last_tb = o5;
          break;
        case H_IPOLL:
          rc = m.h_ipoll(v, r4, &o4);
          break;
        case H_CPPR:
          m.h_cppr(v, r4);
          break;
        case H_EOI:
          rc = m.h_eoi(v, r4);
          break;
        case H_IPI:
          rc = m.h_ipi(r4, r5);
          break;
      }
    }
    expect(r, 0, "hypercall errno");
    if (exits) {
      expect(a.result, KX_ACCESS_RESULT_EXIT, "hypercall to the VMM");
      expect(e.set && e.reason == KX_EXIT_PAPR_HCALL, 1, "KVM_EXIT_PAPR_HCALL");
      expect(e.hcall_nr, nr, "exit nr");
      const uint64_t in_regs[4] = {r4, r5, r6, r7};
      for (int i = 0; i < 4; i++) expect(e.hcall_args[i], in_regs[i], "exit args");
      expect(a.data, nr, "r3 on exit");
    } else {
      expect(a.result, KX_ACCESS_RESULT_KERNEL, "hypercall in the kernel");
      expect(a.data, static_cast<uint64_t>(rc), "r3 (return code)");
    }
    expect(a.args[0], o4, "r4");
    expect(a.args[1], o5, "r5");
    expect(a.args[2], r6, "r6");
    return a.args[0];
  }

  // An RTAS call: struct rtas_args at the start of RAM, big-endian.
  void rtas(const Op& op) {
    const uint32_t token = op.rtas[0], nargs = op.rtas[1], nret = op.rtas[2];
    uint32_t args[16] = {};
    args[0] = op.rtas[3];
    args[1] = op.rtas[4];
    args[2] = op.rtas[5];
    for (int i = 3; i < 16; i++) args[i] = 0xa0a0a0a0u + i;
    uint8_t block[88];
    auto put = [&](int off, uint32_t x) {
      const uint32_t b = __builtin_bswap32(x);
      memcpy(block + off, &b, 4);
    };
    put(0, token);
    put(4, nargs);
    put(8, nret);
    for (int i = 0; i < 16; i++) put(12 + 4 * i, args[i]);
    const uint64_t rets = 0x1122334455667788ull;
    memcpy(block + 80, &rets, 8);
    memcpy(ram, block, sizeof(block));

    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, H_RTAS, 8, 0, op.a | kRamGpa, {0, 0, 0}};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[op.v], &a, &e);
    T("  %sRTAS vCPU %d token %u nargs %u nret %u args %#x %#x %#x: %d result %u\n", name, op.v,
      token, nargs, nret, args[0], args[1], args[2], r, a.result);
    const int handler = token >= 1 && token <= 4 ? static_cast<int>(token) - 1 : -1;
    if (nargs < 16 && handler < 0) {
      expect(r, 0, "H_RTAS to the VMM: errno");
      expect(a.result, KX_ACCESS_RESULT_EXIT, "H_RTAS to the VMM");
      expect(memcmp(ram, block, sizeof(block)) == 0, 1, "H_RTAS to the VMM: args untouched");
      return;
    }
    if (nargs >= 16) {
      expect(r, -EINVAL, "H_RTAS nargs >= 16");
      expect(memcmp(ram, block, sizeof(block)) == 0, 1, "H_RTAS -EINVAL: args untouched");
      return;
    }
    uint32_t rets_out[3] = {};
    bool three = false;
    int rc;
    if (nargs != kRtasNargs[handler] || nret != kRtasNret[handler]) {
      rc = -3;
    } else {
      switch (handler) {
        case 0:
          rc = m.set_xive(args[0], args[1], args[2]) ? -3 : 0;
          break;
        case 1: {
          uint32_t s = 0, p = 0;
          rc = m.get_xive(args[0], &s, &p) ? -3 : 0;
          if (!rc) {
            three = true;
            rets_out[1] = s;
            rets_out[2] = p;
          }
          break;
        }
        case 2:
          rc = m.int_off(args[0]) ? -3 : 0;
          break;
        default:
          rc = m.int_on(args[0]) ? -3 : 0;
          break;
      }
    }
    put(12 + 4 * nargs, static_cast<uint32_t>(rc));
    if (three) {
      put(12 + 4 * (nargs + 1), rets_out[1]);
      put(12 + 4 * (nargs + 2), rets_out[2]);
    }
    expect(r, 0, "H_RTAS errno");
    expect(a.result, KX_ACCESS_RESULT_KERNEL, "H_RTAS in the kernel");
    expect(a.data, 0, "H_RTAS r3");
    for (int i = 0; i < 88; i += 4) {
      uint32_t got, want;
      memcpy(&got, ram + i, 4);
      memcpy(&want, block + i, 4);
      if (got != want) {
        fprintf(stderr, "xics_xive_fuzzer: %sRTAS args block word %d: got %#x, model %#x\n", name,
                i / 4, __builtin_bswap32(got), __builtin_bswap32(want));
        abort();
      }
    }
  }

  // Every valid source read, in number order (QEMU reads its ICS so).
  std::vector<std::pair<uint32_t, uint64_t>> save_sources() {
    std::vector<std::pair<uint32_t, uint64_t>> words;
    std::vector<uint32_t> valid;
    for (auto& [irq, s] : m.sources)
      if (s.valid) valid.push_back(irq);
    for (uint32_t irq : valid) {
      uint64_t w = 0;
      if (!get_source(irq, false, &w)) words.push_back({irq, w});
    }
    return words;
  }

  void apply(const Op& op) {
    g_vm_name = name;
    switch (op.kind) {
      case kSetSource:
        set_source(op.a, op.b, op.fault, op.c);
        break;
      case kGetSource:
        get_source(op.a, op.fault, nullptr);
        break;
      case kHasSource: {
        const int r = attr(dev, KX_ATTR_HAS, KX_DEV_XICS_GRP_SOURCES, op.a, 0);
        T("  %shas source %#llx: %d\n", name, (unsigned long long)op.a, r);
        expect(r, op.a >= kFirstIrq && op.a < kNrIrqs ? 0 : -ENXIO, "GRP_SOURCES has");
        break;
      }
      case kIrqLine: {
        uint32_t line[2] = {static_cast<uint32_t>(op.a), static_cast<uint32_t>(op.b)};
        const int r = static_cast<int>(
            kx_vm_ioctl(vm, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)));
        T("  %sirq line %#llx level %#llx: %d status %d\n", name, (unsigned long long)op.a,
          (unsigned long long)op.b, r, (int)line[0]);
        expect(r, 0, "KVM_IRQ_LINE_STATUS");
        expect(line[0],
               static_cast<uint32_t>(
                   m.set_irq(static_cast<uint32_t>(op.a), static_cast<uint32_t>(op.b))),
               "KVM_IRQ_LINE_STATUS status");
        break;
      }
      case kHcall:
        hcall(op.v, op.a, op.b, op.c);
        break;
      case kIcpSet: {
        uint64_t val = op.a;
        const int r = one_reg(op.v, true, &val);
        T("  %sICP set vCPU %d %#018llx: %d\n", name, op.v, (unsigned long long)op.a, r);
        expect(r, m.set_icp(op.v, op.a), "ICP_STATE set");
        break;
      }
      case kVpState: {
        // KVM_REG_PPC_VP_STATE, get or set: XIVE native's, -EPERM on a
        // vCPU connected to XICS-on-XIVE, else -ENXIO.
        uint64_t vp[2] = {op.a, op.a};
        uint64_t reg[2] = {KX_REG_PPC_VP_STATE, reinterpret_cast<uintptr_t>(vp)};
        const int r = static_cast<int>(kx_vcpu_ioctl(
            vcpu[op.v], op.b ? KX_SET_ONE_REG : KX_GET_ONE_REG, reinterpret_cast<uintptr_t>(reg)));
        T("  %sVP_STATE %s vCPU %d: %d\n", name, op.b ? "set" : "get", op.v, r);
        expect(r, m.vc[op.v].connected ? -EPERM : -ENXIO, "VP_STATE");
        break;
      }
      case kRtas:
        rtas(op);
        break;
      case kConnect:
        connect(op.v, op.a, op.b);
        break;
      case kNrServers:
        set_nr_servers(static_cast<uint32_t>(op.a), op.fault);
        break;
      case kCtrl: {
        // GRP_CTRL: NR_SERVERS get -ENXIO, has 0; other attributes and
        // groups -ENXIO.
        uint32_t val = 0;
        const uint32_t grp = static_cast<uint32_t>(op.b);
        const int get = attr(dev, KX_ATTR_GET, grp, op.a, reinterpret_cast<uintptr_t>(&val));
        const int has = attr(dev, KX_ATTR_HAS, grp, op.a, 0);
        const int set = grp == KX_DEV_XICS_GRP_CTRL && op.a == KX_DEV_XICS_NR_SERVERS
                            ? 0
                            : attr(dev, KX_ATTR_SET, grp, op.a, reinterpret_cast<uintptr_t>(&val));
        T("  %sctrl grp %u attr %#llx: get %d has %d set %d\n", name, grp, (unsigned long long)op.a,
          get, has, set);
        const bool nr = grp == KX_DEV_XICS_GRP_CTRL && op.a == KX_DEV_XICS_NR_SERVERS;
        if (grp == KX_DEV_XICS_GRP_SOURCES) break;  // the sources' own ops
        expect(get, -ENXIO, "GRP_CTRL get");
        expect(has, nr ? 0 : -ENXIO, "GRP_CTRL has");
        expect(set, nr ? 0 : -ENXIO, "other attribute set");
        break;
      }
      case kSaveCycle:
        save_sources();
        break;
      case kEnableHcall: {
        // KVM_CAP_PPC_ENABLE_HCALL: 0; a connected vCPU's ICP hypercalls
        // stay the kernel's all the same (6.1's POWER9 fast path), an
        // unconnected one's go to the VMM either way.
        kx_enable_cap c = {KX_CAP_PPC_ENABLE_HCALL, 0, {op.a, op.b, 0, 0}};
        const int r = kx_vm_enable_cap(vm, &c);
        T("  %senable hcall %#llx %llu: %d\n", name, (unsigned long long)op.a,
          (unsigned long long)op.b, r);
        expect(r, 0, "KVM_CAP_PPC_ENABLE_HCALL");
        break;
      }
      case kXirrEoi: {
        // H_XIRR, then H_EOI of what it returned (the CPPR it gave back).
        const uint64_t xirr = hcall(op.v, H_XIRR, 0, 0);
        compare();
        hcall(op.v, H_EOI, xirr, 0);
        break;
      }
    }
  }
};

// ---------------------------------------------------------------------------
// The decoder and the loop.

struct Fuzz {
  std::unique_ptr<Vm> vm, twin;  // twin: the VM a migration left behind

  // --- selectors (the primary's model decides) ---
  uint32_t irq32(Input& in) {
    const uint8_t b = in.u8();
    if (b % 16 < 12) return kIrqs[b % 16];
    switch (b % 16) {
      case 12:
        return b >> 4;  // 0-15
      case 13:
        return 0x100000;
      case 14:
        return 0xffffffffu;
      default:
        return in.u32();
    }
  }
  uint64_t irq64(Input& in) {
    const uint8_t b = in.u8();
    uint64_t v = irq32(in);
    if (b % 8 == 0) v |= uint64_t{in.u32() | 1} << 32;
    return v;
  }
  static uint8_t prio(Input& in) {
    const uint8_t b = in.u8();
    return b % 12 < 11 ? kPrios[b % 12] : in.u8();
  }
  uint32_t server(Input& in) {
    const uint8_t b = in.u8();
    switch (b % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        return vm->m.vc[b % 4].server;
      case 4:
        return b >> 3;
      case 5:
        return 0xffffffffu;
      case 6:
        return 2048;
      default:
        return in.u32();
    }
  }
  static uint64_t wide(Input& in, uint64_t v) {
    const uint8_t b = in.u8();
    if (b % 8 == 0) return v | uint64_t{1} << (8 + b / 8 % 56);
    if (b % 8 == 1) return in.u64();
    return v;
  }
  // The queued or in-service sources, for H_EOI.
  uint32_t live_irq(Input& in, int v) {
    std::vector<uint32_t> c;
    const Vc& x = vm->m.vc[v];
    for (const Queue& q : x.q)
      for (uint32_t e : q.e)
        if (e > kIpi) c.push_back(e);
    if (c.empty()) return irq32(in);
    return c[in.u8() % c.size()];
  }

  void apply(const Op& op) {
    vm->apply(op);
    vm->compare();
    if (twin) {
      twin->apply(op);
      twin->compare();
    }
  }

  // Setup: NR_SERVERS maybe, then each vCPU's server.
  bool up(Input& in) {
    vm = std::make_unique<Vm>();
    vm->name = "";
    if (!vm->up()) return false;
    g_vm_name = "";
    const uint8_t nr = in.u8();
    if (nr % 4 == 1) vm->set_nr_servers(nr >> 2, false);  // small: 0-63
    if (nr % 4 == 2) vm->set_nr_servers(in.u32() % 20000, nr & 4);
    for (int v = 0; v < kVcpus; v++) {
      const uint8_t b = in.u8();
      uint64_t s;
      switch (b % 8) {
        case 0:
        case 1:
          s = v;
          break;
        case 2:
          continue;  // unconnected
        case 3:
          s = b >> 3;  // 0-31: collisions
          break;
        case 4:
          s = 2047;
          break;
        case 5:
          s = 0xffffffffu;  // -EINVAL
          break;
        case 6:
          s = uint64_t{1} << 32 | v;  // a u32 in the connection
          break;
        default:
          s = in.u32() % 4096;
          break;
      }
      vm->connect(v, s);
    }
    vm->compare();
    return true;
  }

  void down() {
    if (twin) twin->down();
    if (vm) vm->down();
  }

  // A migration in QEMU's order into a fresh VM: every valid source word,
  // then every ICP state, read; the new VM made with its NR_SERVERS, its
  // vCPUs connected to the same servers, the words set in order, then the
  // ICP states; each step checked against the new model doing the same,
  // then every word and ICP state read back from the new VM (the model
  // predicts them: a restore is not the identity for XICS-on-XIVE).
  void migrate() {
    g_vm_name = "";
    T("  migrate\n");
    auto words = vm->save_sources();
    uint64_t states[kVcpus] = {};
    for (int v = 0; v < kVcpus; v++) {
      if (!vm->m.vc[v].connected) continue;
      expect(vm->one_reg(v, false, &states[v]), 0, "migration: ICP_STATE get");
      expect(states[v], Model::icp_state(vm->m.vc[v]), "migration: ICP_STATE");
    }
    auto fresh = std::make_unique<Vm>();
    fresh->name = "(restored) ";
    if (!fresh->up()) {
      fresh->down();
      return;
    }
    g_vm_name = fresh->name;
    if (vm->nr_set) fresh->set_nr_servers(vm->m.nr_servers, false);
    for (int v = 0; v < kVcpus; v++)
      if (vm->m.vc[v].connected) fresh->connect(v, vm->m.vc[v].server);
    for (auto& [irq, w] : words) fresh->set_source(irq, w, false);
    for (int v = 0; v < kVcpus; v++) {
      if (!vm->m.vc[v].connected) continue;
      uint64_t val = states[v];
      const int r = fresh->one_reg(v, true, &val);
      T("  restore ICP vCPU %d %#018llx: %d\n", v, (unsigned long long)states[v], r);
      expect(r, fresh->m.set_icp(v, states[v]), "migration: ICP_STATE set");
    }
    fresh->compare();
    // The model-free half of the oracle: each ICP state reads back as
    // saved, and so does each word but what XICS-on-XIVE's restore
    // cannot give back: a word with PENDING (Q without P to restore:
    // QUEUED lost, a masked source's queue entry lost), but for an
    // unmasked LSI's (P again); and priority 0xff targets nothing, so
    // such a word's server reads 0.
    for (int v = 0; v < kVcpus; v++) {
      if (!vm->m.vc[v].connected) continue;
      uint64_t val = 0;
      expect(fresh->one_reg(v, false, &val), 0, "migration: ICP_STATE read back");
      expect(val, states[v], "migration: ICP_STATE read back as saved");
    }
    auto back = fresh->save_sources();
    expect(back.size(), words.size(), "migration: sources read back");
    for (size_t i = 0; i < words.size(); i++) {
      uint64_t w = words[i].second;
      if ((w >> KX_XICS_PRIORITY_SHIFT & 0xff) == kMasked) w &= ~KX_XICS_DESTINATION_MASK;
      const bool lsi = w & KX_XICS_LEVEL_SENSITIVE, masked = w & KX_XICS_MASKED;
      if ((w & KX_XICS_PENDING) && !(lsi && !masked)) continue;
      if (back[i].second != w) {
        fprintf(stderr, "xics_xive_fuzzer: migration: source %#x saved %#llx, read back %#llx\n",
                words[i].first, (unsigned long long)words[i].second,
                (unsigned long long)back[i].second);
        abort();
      }
    }
    fresh->compare();
    if (twin) twin->down();
    twin = std::move(vm);
    twin->name = "(migrated from) ";
    vm = std::move(fresh);
    vm->name = "";
  }

  // Decodes one operation; false: nothing to apply (done here).
  bool decode(Input& in, uint8_t code, Op* op) {
    switch (code % 16) {
      case 0:
      case 1:
      case 2: {  // a source set
        op->kind = kSetSource;
        op->a = irq64(in);
        const uint8_t sel = in.u8();
        if (sel % 4 == 0) {
          op->b = in.u64();
        } else {
          op->b = uint64_t{server(in)} | uint64_t{prio(in)} << KX_XICS_PRIORITY_SHIFT;
          op->b |= static_cast<uint64_t>(in.u8() & 0x1f) << 40;
        }
        op->fault = sel % 16 == 15;
        op->c = sel % 16 == 14;  // every allocation fails
        return true;
      }
      case 3: {  // a source get (or has)
        op->a = irq64(in);
        const uint8_t sel = in.u8();
        op->kind = sel % 8 == 7 ? kHasSource : kGetSource;
        op->fault = sel % 8 == 6;
        return true;
      }
      case 4: {
        op->kind = kIrqLine;
        op->a = irq32(in);
        static const uint32_t levels[] = {0, 1, 1, 0xffffffffu, 0xfffffffeu, 0xfffffffdu, 2, 0};
        const uint8_t b = in.u8();
        op->b = b % 16 < 8 ? levels[b % 8] : b % 16 == 15 ? in.u32() : 1;
        return true;
      }
      case 5:
      case 6:
      case 7:
      case 8: {
        op->kind = kHcall;
        op->v = in.u8() % kVcpus;
        const uint8_t k = in.u8();
        switch (k % 10) {
          case 0:
          case 1:
            op->a = H_XIRR;
            op->b = in.u8();
            break;
          case 2:
            op->a = H_XIRR_X;
            break;
          case 3:
            op->a = H_CPPR;
            op->b = wide(in, prio(in));
            break;
          case 4:
          case 5: {
            op->a = H_EOI;
            const uint8_t s = in.u8();
            const uint32_t irq = s % 4 == 0   ? kIpi
                                 : s % 4 == 1 ? live_irq(in, op->v)
                                              : irq32(in) & 0xffffff;
            op->b = wide(in, uint64_t{prio(in)} << 24 | irq);
            break;
          }
          case 6:
          case 7:
            op->a = H_IPI;
            op->b = wide(in, server(in));
            op->c = wide(in, prio(in));
            break;
          case 8:
            op->a = H_IPOLL;
            op->b = wide(in, server(in));
            op->c = in.u8();
            break;
          default:
            op->a = 0x4;  // H_REMOVE: the VMM's
            op->b = in.u64();
            break;
        }
        return true;
      }
      case 9: {
        op->kind = kIcpSet;
        op->v = in.u8() % kVcpus;
        const uint8_t sel = in.u8();
        if (sel % 4 == 0) {
          op->a = in.u64();
        } else {
          const uint8_t x = in.u8();
          const uint32_t xisr = x % 4 == 0   ? 0
                                : x % 4 == 1 ? kIpi
                                : x % 4 == 2 ? irq32(in) & 0xffffff
                                             : in.u32() & 0xffffff;
          const uint8_t cppr = prio(in), mfrr = prio(in);
          op->a = uint64_t{cppr} << 56 | uint64_t{xisr} << 32 | uint64_t{mfrr} << 24 |
                  uint64_t{prio(in)} << 16 | (sel >> 4) * 0x1111ull;
        }
        return true;
      }
      case 10: {
        op->kind = kRtas;
        op->v = in.u8() % kVcpus;
        const uint8_t sel = in.u8();
        const uint32_t token = sel % 8 < 6 ? sel % 8 : in.u32();  // 0 and 5: undefined
        const int h = token >= 1 && token <= 4 ? static_cast<int>(token) - 1 : 0;
        uint32_t nargs = kRtasNargs[h], nret = kRtasNret[h];
        const uint8_t counts = in.u8();
        if (counts % 8 == 0) nargs = in.u8() % 18;
        if (counts % 8 == 1) nret = in.u8() % 5;
        op->rtas[0] = token;
        op->rtas[1] = nargs;
        op->rtas[2] = nret;
        op->rtas[3] = irq32(in);
        op->rtas[4] = server(in);
        const uint8_t p = in.u8();
        op->rtas[5] = p % 8 == 0 ? in.u32() : p % 8 == 1 ? 0x1ff : prio(in);
        op->a = static_cast<uint64_t>(in.u8() & 0xf0u) << 56;
        return true;
      }
      case 11: {
        op->v = in.u8() % kVcpus;
        const uint8_t b = in.u8();
        if (b % 8 == 7) {  // VP_STATE, get or set
          op->kind = kVpState;
          op->b = b >> 7;
          op->a = b;
          return true;
        }
        op->kind = kConnect;
        op->a = b % 4 == 0 ? in.u32() : b >> 2;
        op->b = b % 8 == 6;  // every allocation fails
        return true;
      }
      case 12: {
        const uint8_t b = in.u8();
        if (b % 4 == 0) {
          op->kind = kNrServers;
          op->a = b % 8 == 0 ? b >> 3 : in.u32();
          op->fault = (b & 0x84) == 0x84;
        } else if (b % 4 == 1) {
          op->kind = kCtrl;
          op->b = b >> 2 & 3;  // group 0-3
          op->a = in.u8() % 4;
        } else if (b % 4 == 2) {
          op->kind = kSaveCycle;
        } else {
          static const uint64_t xics_calls[] = {H_EOI, H_CPPR, H_IPI, H_IPOLL, H_XIRR, H_XIRR_X};
          op->kind = kEnableHcall;
          op->a = xics_calls[(b >> 2) % 6];
          op->b = b >> 7;
        }
        return true;
      }
      case 13:
        migrate();
        return false;
      case 14: {  // a get of a valid source, to move a save cycle on
        std::vector<uint32_t> valid;
        for (auto& [irq, s] : vm->m.sources)
          if (s.valid) valid.push_back(irq);
        op->kind = kGetSource;
        op->a = valid.empty() ? irq32(in) : valid[in.u8() % valid.size()];
        return true;
      }
      default:  // H_XIRR then H_EOI of what it returned, on one vCPU
        op->kind = kXirrEoi;
        op->v = in.u8() % kVcpus;
        return true;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = false;
  if (!init) {
    expect(kx_core_init(), 0, "core init");
    expect(kx_ppc_set_host(KX_PPC_HOST_POWER9), 0, "POWER9 host");
    expect(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XICS, &kx_xics_device_ops), 0,
           "XICS device type");
    init = true;
  }
  Input in{data, size};
  const long live = host::live_allocations();
  {
    Fuzz f;
    if (f.up(in)) {
      for (int ops = 0; ops < 128 && in.n; ops++) {
        const uint8_t code = in.u8();
        T("op %u\n", code % 16);
        Op op{};
        if (!f.decode(in, code, &op)) continue;
        f.apply(op);
      }
    }
    f.down();
  }
  expect(host::live_allocations(), live, "live allocations (leak)");
  return 0;
}
