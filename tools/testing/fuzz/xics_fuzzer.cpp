// SPDX-License-Identifier: GPL-2.0
// xics_fuzzer: libFuzzer over the XICS (arch/powerpc/xics.cpp, the
// hypercalls and RTAS of arch/powerpc/hcalls.cpp) in the host build of the
// core, against a model of 6.1's XICS emulation written from
// arch/powerpc/kvm/book3s_xics.c and book3s_rtas.c alone.
//
//   make -C tools/testing/fuzz O=DIR            -> DIR/xics_fuzzer
//   tools/testing/fuzz/run.sh short DIR xics    (make check: 30 s)
//
// One input makes a ppc VM (host POWER8) with 64 KiB of guest RAM, an
// XICS, four vCPUs in PAPR mode, each connected to the server the input
// chooses (collisions -EEXIST, and a vCPU may stay unconnected), and RTAS
// tokens 1-4 for ibm,set-xive, get-xive, int-off and int-on. Then
// operations: source words set and read (any number, any word, a bad
// address, a failed ICS allocation), KVM_IRQ_LINE_STATUS with any level,
// the ICP hypercalls (H_CPPR, H_EOI, H_XIRR, H_XIRR_X, H_IPI, H_IPOLL, and
// some the kernel does not handle) with arbitrary register values, ICP
// states set (consistent-looking or raw 64-bit) and read, RTAS calls from
// guest RAM, token definitions, KVM_CAP_PPC_ENABLE_HCALL on the XICS
// hypercalls, vCPU connections, and the device released and made again.
//
// What must hold, besides no sanitizer report: every return value,
// errno, hypercall return code and output register (r3-r6, or the
// KVM_EXIT_PAPR_HCALL exit), and RTAS argument block is the model's; after
// every operation each vCPU's KVM_REG_PPC_ICP_STATE and each touched
// source word (or its -ENOENT) is the model's; no leak once the VM is gone.
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
constexpr uint32_t kIpi = 2;       // XICS_IPI
constexpr uint8_t kMasked = 0xff;  // MASKED
constexpr uint32_t kPqP = 1, kPqQ = 2;
constexpr uint32_t kIcsShift = 10, kMaxIcsId = 1023, kFirstIrq = 16;
constexpr uint64_t kNrIrqs = uint64_t{kMaxIcsId + 1} << kIcsShift;

bool trace() {
  static const bool on = getenv("XICS_TRACE") != nullptr;
  return on;
}

#define T(...)                                 \
  do {                                         \
    if (trace()) fprintf(stderr, __VA_ARGS__); \
  } while (0)

[[noreturn]] void fail(const char* fmt, unsigned long long got, unsigned long long want) {
  fprintf(stderr, "xics_fuzzer: ");
  fprintf(stderr, fmt, got, want);
  fprintf(stderr, "\n");
  abort();
}

void expect(unsigned long long got, unsigned long long want, const char* what) {
  if (got == want) return;
  fprintf(stderr, "xics_fuzzer: %s: got %#llx, model %#llx\n", what, got, want);
  abort();
}

// ---------------------------------------------------------------------------
// The model: 6.1's book3s_xics.c, one CPU at a time (every cmpxchg loop
// succeeds first time; the retry paths for a racing need_resend never run).

// struct ics_irq_state
struct Src {
  uint32_t server = 0;
  uint8_t priority = kMasked, saved_priority = kMasked;
  uint32_t pq = 0;
  bool resend = false, masked_pending = false, lsi = false, exists = false;
};

// struct kvmppc_icp: its state union and resend_map.
struct Icp {
  bool connected = false;
  uint32_t server = 0;  // server_num (from a u32 xcpu)
  uint8_t cppr = 0, mfrr = kMasked, pending_pri = kMasked;
  uint32_t xisr = 0;
  bool need_resend = false;
  std::set<uint32_t> resend_map;  // ICS ids
};

// The RTAS handlers, rtas_handlers[]'s order.
const char* const kRtasNames[] = {"ibm,set-xive", "ibm,get-xive", "ibm,int-off", "ibm,int-on",
                                  "ibm,nothing"};
constexpr uint32_t kRtasNargs[] = {3, 1, 1, 1}, kRtasNret[] = {1, 3, 1, 1};

struct Model {
  bool xics = false;                // kvm->arch.xics
  std::set<uint32_t> ics;           // ICSs made
  std::map<uint32_t, Src> sources;  // a source of a made ICS, as kzalloc'd until touched
  Icp icp[kVcpus];
  std::vector<std::pair<uint64_t, int>> tokens;  // rtas_tokens: token, handler
  std::set<uint64_t> disabled_hcalls;

  bool has_ics(uint32_t irq) const {
    return (irq >> kIcsShift) <= kMaxIcsId && ics.count(irq >> kIcsShift);
  }
  Src& src(uint32_t irq) { return sources[irq]; }  // only where has_ics(irq)

  // kvmppc_xics_find_server(): the vCPUs in order, a u32 number.
  Icp* find_server(uint32_t nr) {
    for (Icp& i : icp)
      if (i.connected && i.server == nr) return &i;
    return nullptr;
  }

  void release() {
    xics = false;
    ics.clear();
    sources.clear();
    for (Icp& i : icp) i = Icp{};
  }

  // icp_try_to_deliver()
  static bool try_to_deliver(Icp& icp, uint32_t irq, uint8_t priority, uint32_t* reject) {
    *reject = 0;
    const bool success = icp.cppr > priority && icp.mfrr > priority && icp.pending_pri > priority;
    if (success) {
      *reject = icp.xisr;
      icp.xisr = irq;
      icp.pending_pri = priority;
    } else {
      icp.need_resend = true;
    }
    return success;
  }

  // icp_deliver_irq()
  void deliver(Icp* icp, uint32_t new_irq, bool check_resend) {
    for (;;) {
      if (!has_ics(new_irq)) return;
      Src& state = src(new_irq);
      if (!icp || state.server != icp->server) {
        icp = find_server(state.server);
        if (!icp) return;
      }
      if (check_resend && !state.resend) return;
      state.resend = false;
      if (state.priority == kMasked) {
        state.masked_pending = true;
        return;
      }
      uint32_t reject;
      if (try_to_deliver(*icp, new_irq, state.priority, &reject)) {
        if (reject && reject != kIpi) {
          new_irq = reject;
          check_resend = false;
          continue;
        }
      } else {
        state.resend = true;
        icp->resend_map.insert(new_irq >> kIcsShift);
      }
      return;
    }
  }

  // ics_check_resend(): the ICS's sources in order, each read as the loop
  // reaches it.
  void ics_check_resend(uint32_t icsid, Icp* icp) {
    const uint32_t first = icsid << kIcsShift, end = first + (1u << kIcsShift);
    for (auto it = sources.lower_bound(first); it != sources.end() && it->first < end;) {
      const uint32_t irq = it->first;
      if (it->second.resend) deliver(icp, irq, true);
      it = sources.upper_bound(irq);
    }
  }

  // icp_check_resend(): for_each_set_bit, test_and_clear_bit.
  void check_resend(Icp& icp) {
    for (auto it = icp.resend_map.begin(); it != icp.resend_map.end();) {
      const uint32_t id = *it;
      icp.resend_map.erase(it);
      if (ics.count(id)) ics_check_resend(id, &icp);
      it = icp.resend_map.upper_bound(id);
    }
  }

  // write_xive()
  static bool write_xive(Src& s, uint32_t server, uint32_t priority, uint32_t saved) {
    s.server = server;
    s.priority = static_cast<uint8_t>(priority);
    s.saved_priority = static_cast<uint8_t>(saved);
    if ((s.masked_pending || s.resend) && priority != kMasked) {
      s.masked_pending = false;
      s.resend = false;
      return true;
    }
    return false;
  }

  int set_xive(uint32_t irq, uint32_t server, uint32_t priority) {
    if (!xics) return -ENODEV;
    if (!has_ics(irq)) return -EINVAL;
    Icp* icp = find_server(server);
    if (!icp) return -EINVAL;
    if (write_xive(src(irq), server, priority, priority)) deliver(icp, irq, false);
    return 0;
  }
  int get_xive(uint32_t irq, uint32_t* server, uint32_t* priority) {
    if (!xics) return -ENODEV;
    if (!has_ics(irq)) return -EINVAL;
    *server = src(irq).server;
    *priority = src(irq).priority;
    return 0;
  }
  int int_on(uint32_t irq) {
    if (!xics) return -ENODEV;
    if (!has_ics(irq)) return -EINVAL;
    Src& s = src(irq);
    Icp* icp = find_server(s.server);
    if (!icp) return -EINVAL;
    if (write_xive(s, s.server, s.saved_priority, s.saved_priority)) deliver(icp, irq, false);
    return 0;
  }
  int int_off(uint32_t irq) {
    if (!xics) return -ENODEV;
    if (!has_ics(irq)) return -EINVAL;
    Src& s = src(irq);
    write_xive(s, s.server, kMasked, s.priority);
    return 0;
  }

  // ics_deliver_irq(), through book3s's kvm_set_irq()
  int set_irq(uint32_t irq, uint32_t level) {
    if (!has_ics(irq) || !src(irq).exists) return -EINVAL;
    Src& s = src(irq);
    if (level == 0xfffffffdu || level == 0xffffffffu)  // SET_LEVEL, SET
      level = 1;
    else if (level == 0xfffffffeu)  // UNSET
      level = 0;
    if (!s.lsi && level == 0) return 0;
    uint32_t pq_new;
    if (s.lsi) {
      if (level) {
        if (s.pq & kPqP) return 0;
        pq_new = kPqP;
      } else {
        pq_new = 0;
      }
    } else {
      pq_new = ((s.pq << 1) & 3) | kPqP;
    }
    s.pq = pq_new;
    if (pq_new == kPqP) deliver(nullptr, irq, false);
    return 0;
  }

  // icp_down_cppr()
  void down_cppr(Icp& icp, uint8_t new_cppr) {
    icp.cppr = new_cppr;
    if (icp.mfrr < new_cppr && icp.mfrr <= icp.pending_pri) {
      icp.pending_pri = icp.mfrr;
      icp.xisr = kIpi;
    }
    const bool resend = icp.need_resend;
    icp.need_resend = false;
    if (resend) check_resend(icp);
  }

  // kvmppc_h_xirr()
  static uint32_t h_xirr(Icp& icp) {
    const uint32_t xirr = icp.xisr | uint32_t{icp.cppr} << 24;
    if (icp.xisr) {
      icp.cppr = icp.pending_pri;
      icp.pending_pri = 0xff;
      icp.xisr = 0;
    }
    return xirr;
  }

  // kvmppc_h_ipi(): server and mfrr are unsigned long.
  int64_t h_ipi(Icp& self, uint64_t server, uint64_t mfrr) {
    Icp* icp = &self;
    if (self.server != server) {
      icp = find_server(static_cast<uint32_t>(server));
      if (!icp) return kHParameter;
    }
    const uint8_t old_mfrr = icp->mfrr;
    icp->mfrr = static_cast<uint8_t>(mfrr);
    uint32_t reject = 0;
    bool resend = false;
    if (mfrr < icp->cppr) {
      if (mfrr <= icp->pending_pri) {
        reject = icp->xisr;
        icp->pending_pri = static_cast<uint8_t>(mfrr);
        icp->xisr = kIpi;
      }
    }
    if (mfrr > old_mfrr) {
      resend = icp->need_resend;
      icp->need_resend = false;
    }
    if (reject && reject != kIpi) deliver(icp, reject, false);
    if (resend) check_resend(*icp);
    return kHSuccess;
  }

  // kvmppc_h_ipoll()
  int64_t h_ipoll(Icp& self, uint64_t server, uint64_t* r4, uint64_t* r5) {
    Icp* icp = &self;
    if (self.server != server) {
      icp = find_server(static_cast<uint32_t>(server));
      if (!icp) return kHParameter;
    }
    *r4 = uint32_t{icp->cppr} << 24 | icp->xisr;
    *r5 = icp->mfrr;
    return kHSuccess;
  }

  // kvmppc_h_cppr(): Down_CPPR, then on into Up_CPPR's reject check.
  void h_cppr(Icp& icp, uint64_t cppr) {
    if (cppr > icp.cppr)
      down_cppr(icp, static_cast<uint8_t>(cppr));
    else if (cppr == icp.cppr)
      return;
    uint32_t reject = 0;
    icp.cppr = static_cast<uint8_t>(cppr);
    if (cppr <= icp.pending_pri) {
      reject = icp.xisr;
      icp.xisr = 0;
      icp.pending_pri = 0xff;
    }
    if (reject && reject != kIpi) deliver(&icp, reject, false);
  }

  // kvmppc_h_eoi(), ics_eoi()
  int64_t h_eoi(Icp& icp, uint64_t xirr) {
    const uint32_t irq = xirr & 0x00ffffff;
    down_cppr(icp, static_cast<uint8_t>(xirr >> 24));
    if (irq == kIpi) return kHSuccess;
    if (!has_ics(irq)) return kHParameter;
    Src& s = src(irq);
    if (!s.lsi) s.pq >>= 1;
    if (s.pq & kPqP) deliver(&icp, irq, false);
    return kHSuccess;
  }

  // kvmppc_xics_get_icp()
  static uint64_t icp_state(const Icp& i) {
    return uint64_t{i.cppr} << 56 | uint64_t{i.xisr} << 32 | uint64_t{i.mfrr} << 24 |
           uint64_t{i.pending_pri} << 16;
  }

  // kvmppc_xics_set_icp() (book3s.c: -ENXIO without an ICP)
  int set_icp(Icp& icp, uint64_t val) {
    if (!icp.connected) return -ENXIO;
    const uint8_t cppr = static_cast<uint8_t>(val >> 56);
    const uint32_t xisr = (val >> 32) & 0xffffff;
    const uint8_t mfrr = static_cast<uint8_t>(val >> 24);
    const uint8_t pending_pri = static_cast<uint8_t>(val >> 16);
    if (xisr == 0) {
      if (pending_pri != 0xff) return -EINVAL;
    } else if (xisr == kIpi) {
      if (pending_pri != mfrr || pending_pri >= cppr) return -EINVAL;
    } else {
      if (pending_pri >= mfrr || pending_pri >= cppr) return -EINVAL;
      if (!has_ics(xisr)) return -EINVAL;
    }
    bool resend;
    if (mfrr <= icp.mfrr) {
      resend = false;
    } else {
      resend = icp.need_resend;
      icp.need_resend = false;
    }
    icp.cppr = cppr;
    icp.xisr = xisr;
    icp.mfrr = mfrr;
    icp.pending_pri = pending_pri;
    if (resend) check_resend(icp);
    return 0;
  }

  // xics_set_source(); alloc_fails: kzalloc of a new ICS fails.
  int set_source(uint64_t attr, const uint64_t* word, bool alloc_fails) {
    const int64_t irq = static_cast<int64_t>(attr);
    if (irq < kFirstIrq || irq >= static_cast<int64_t>(kNrIrqs)) return -ENOENT;
    const uint32_t n = static_cast<uint32_t>(irq);
    if (!has_ics(n)) {
      if (alloc_fails) return -ENOMEM;
      ics.insert(n >> kIcsShift);
    }
    if (!word) return -EFAULT;
    const uint64_t val = *word;
    const uint32_t server = static_cast<uint32_t>(val);
    uint8_t prio = static_cast<uint8_t>(val >> KX_XICS_PRIORITY_SHIFT);
    if (prio != kMasked && !find_server(server)) return -EINVAL;
    Src& s = src(n);
    s.server = server;
    s.saved_priority = prio;
    if (val & KX_XICS_MASKED) prio = kMasked;
    s.priority = prio;
    s.resend = false;
    s.masked_pending = false;
    s.lsi = val & KX_XICS_LEVEL_SENSITIVE;
    s.pq = 0;
    if (val & (KX_XICS_PRESENTED | KX_XICS_PENDING)) s.pq |= kPqP;
    if (val & KX_XICS_QUEUED) s.pq |= kPqQ;
    s.exists = true;
    if (val & KX_XICS_PENDING) deliver(nullptr, n, false);
    return 0;
  }

  // xics_get_source(): a u32 number.
  int get_source(uint64_t attr, uint64_t* out) {
    const uint32_t irq = static_cast<uint32_t>(attr);
    if (!has_ics(irq)) return -ENOENT;
    const Src& s = src(irq);
    if (!s.exists) return -ENOENT;
    uint64_t val = s.server, prio = s.priority;
    if (prio == kMasked) {
      val |= KX_XICS_MASKED;
      prio = s.saved_priority;
    }
    val |= prio << KX_XICS_PRIORITY_SHIFT;
    if (s.lsi) {
      val |= KX_XICS_LEVEL_SENSITIVE;
      if (s.pq & kPqP) val |= KX_XICS_PENDING;
    } else if (s.masked_pending || s.resend) {
      val |= KX_XICS_PENDING;
    }
    if (s.pq & kPqP) val |= KX_XICS_PRESENTED;
    if (s.pq & kPqQ) val |= KX_XICS_QUEUED;
    *out = val;
    return 0;
  }

  // kvmppc_xics_connect_vcpu() after the fd checks, then the sanity
  // check (every vCPU here is in PAPR mode).
  int connect(int v, uint64_t arg) {
    if (!xics) return -EPERM;  // the fd is no device any more
    if (icp[v].connected) return -EBUSY;
    const uint32_t server = static_cast<uint32_t>(arg);
    if (find_server(server)) return -EEXIST;
    icp[v] = Icp{};
    icp[v].connected = true;
    icp[v].server = server;
    return 0;
  }

  // kvm_vm_ioctl_rtas_define_token()
  int define_token(int name, uint64_t token) {
    if (!token) {
      for (auto it = tokens.begin(); it != tokens.end(); ++it)
        if (it->second == name) {
          tokens.erase(it);
          break;
        }
      return 0;
    }
    for (auto& t : tokens)
      if (t.first == token) return -EEXIST;
    if (name > 3) return -ENOENT;
    tokens.push_back({token, name});
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

// Source numbers: a few in ICS 0, ICS 1 and ICS 1023, one in an ICS only a
// raw number reaches.
constexpr uint32_t kIrqs[] = {16, 17, 18, 20, 21, 1023, 1024, 1025, 2047, 0xffc00, 0xfffff, 5000};
constexpr uint8_t kPrios[] = {0, 1, 2, 3, 4, 5, 6, 7, 0x80, 0xfe, 0xff};

struct Harness {
  Model m;
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu[kVcpus] = {};
  kx_device* dev = nullptr;
  int fd = -1;
  uint8_t* ram = nullptr;
  // Sources to compare after each operation: the pool and what else was set.
  std::set<uint32_t> touched{std::begin(kIrqs), std::end(kIrqs)};
  uint64_t last_tb = 0;

  // --- selectors ---
  // A u32 source number: mostly the pool, sometimes a reserved or out of
  // range one, sometimes raw.
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
  // A 64-bit attribute for GRP_SOURCES: a u32 number, maybe with high bits.
  uint64_t irq64(Input& in) {
    const uint8_t b = in.u8();
    uint64_t v = irq32(in);
    if (b % 8 == 0) v |= uint64_t{in.u32() | 1} << 32;
    return v;
  }
  uint8_t prio(Input& in) {
    const uint8_t b = in.u8();
    return b % 12 < 11 ? kPrios[b % 12] : in.u8();
  }
  // A server number: a connected ICP's, another small one, or raw.
  uint32_t server(Input& in) {
    const uint8_t b = in.u8();
    switch (b % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        return m.icp[b % 4].server;
      case 4:
        return b >> 3;
      case 5:
        return 0xffffffffu;
      case 6:
        return 7;
      default:
        return in.u32();
    }
  }
  // A register: the value, or it with high garbage, or raw.
  uint64_t wide(Input& in, uint64_t v) {
    const uint8_t b = in.u8();
    if (b % 8 == 0) return v | uint64_t{1} << (8 + b / 8 % 56);
    if (b % 8 == 1) return in.u64();
    return v;
  }

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

  // After every operation: the ICPs and the touched sources.
  void compare() {
    for (int v = 0; v < kVcpus; v++) {
      uint64_t val = 0;
      const int r = one_reg(v, false, &val);
      const Icp& i = m.icp[v];
      if (!i.connected) {
        expect(r, -ENXIO, "ICP_STATE get of a vCPU without an ICP");
        continue;
      }
      if (r) expect(r, 0, "ICP_STATE get");
      if (val != Model::icp_state(i)) {
        fprintf(stderr, "xics_fuzzer: vCPU %d (server %#x): ICP state %#018llx, model %#018llx\n",
                v, i.server, (unsigned long long)val, (unsigned long long)Model::icp_state(i));
        abort();
      }
    }
    if (!dev) return;
    for (uint32_t irq : touched) {
      uint64_t w = 0, mw = 0;
      const int r = core_get_source(irq, &w), mr = m.get_source(irq, &mw);
      if (r != mr || (!r && w != mw)) {
        fprintf(stderr, "xics_fuzzer: source %#x: core %d word %#llx, model %d word %#llx\n", irq,
                r, (unsigned long long)w, mr, (unsigned long long)mw);
        abort();
      }
    }
  }

  void connect(int v, uint64_t server) {
    PpcEnableCap c = {};
    c.cap = KX_CAP_IRQ_XICS;
    c.args[0] = static_cast<uint64_t>(fd);
    c.args[1] = server;
    const int r =
        static_cast<int>(kx_vcpu_ioctl(vcpu[v], KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)));
    T("  connect vCPU %d server %#llx: %d\n", v, (unsigned long long)server, r);
    expect(r, m.connect(v, server), "KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS)");
  }

  void create_device() {
    kx_device* d = nullptr;
    const int r = kx_vm_create_device(vm, KX_DEV_TYPE_XICS, 0, &d);
    T("  create device: %d\n", r);
    expect(r, m.xics ? -EEXIST : 0, "KVM_CREATE_DEVICE(XICS)");
    if (r) return;
    dev = d;
    m.xics = true;
    host::bind_device_fd(fd, dev);
  }

  void release_device() {
    if (!dev) return;
    T("  release device\n");
    host::bind_device_fd(fd, nullptr);
    kx_device_release(dev);
    dev = nullptr;
    m.release();
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
    T("  define token %s %#llx: %d\n", kRtasNames[name], (unsigned long long)token, r);
    expect(r, m.define_token(name, token), "KVM_PPC_RTAS_DEFINE_TOKEN");
  }

  bool up(Input& in) {
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
    create_device();
    // Each vCPU's server: its index, none, a collision, or another.
    for (int v = 0; v < kVcpus; v++) {
      const uint8_t b = in.u8();
      uint64_t s;
      switch (b % 8) {
        case 0:
          s = v;
          break;
        case 1:
          continue;  // unconnected
        case 2:
          s = 0;
          break;
        case 3:
          s = 1;
          break;
        case 4:
          s = 7;
          break;
        case 5:
          s = 0xffffffffu;
          break;
        case 6:
          s = uint64_t{1} << 32 | v;
          break;  // a u32 in the connection
        default:
          s = in.u32();
          break;
      }
      connect(v, s);
    }
    for (int i = 0; i < 4; i++) define_token(i, i + 1);
    return true;
  }

  void down() {
    release_device();
    if (vm) kx_vm_put(vm);
    if (fd >= 0) close(fd);
    free(ram);
  }

  // --- operations ---
  void op_set_source(Input& in, bool inject) {
    if (!dev) return create_device();
    const uint64_t irq = irq64(in);
    const uint8_t sel = in.u8();
    uint64_t word;
    if (sel % 4 == 0) {
      word = in.u64();
    } else {
      word = uint64_t{server(in)} | uint64_t{prio(in)} << KX_XICS_PRIORITY_SHIFT;
      word |= static_cast<uint64_t>(in.u8() & 0x1f)
              << 40;  // LEVEL, MASKED, PENDING, PRESENTED, QUEUED
    }
    const bool fault = sel % 16 == 15;
    if (inject) host::fail_allocation_after(0);
    const int r = attr(dev, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, irq,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&word));
    host::fail_allocation_after(-1);
    T("  set source %#llx word %#llx%s%s: %d\n", (unsigned long long)irq, (unsigned long long)word,
      fault ? " (bad address)" : "", inject ? " (no memory)" : "", r);
    expect(r, m.set_source(irq, fault ? nullptr : &word, inject), "GRP_SOURCES set");
    if (static_cast<int64_t>(irq) >= kFirstIrq && irq < kNrIrqs)
      touched.insert(static_cast<uint32_t>(irq));
  }

  void op_get_source(Input& in) {
    if (!dev) return create_device();
    const uint64_t irq = irq64(in);
    const uint8_t sel = in.u8();
    if (sel % 8 == 7) {  // KVM_HAS_DEVICE_ATTR
      const int r = attr(dev, KX_ATTR_HAS, KX_DEV_XICS_GRP_SOURCES, irq, 0);
      T("  has source %#llx: %d\n", (unsigned long long)irq, r);
      expect(r, irq >= kFirstIrq && irq < kNrIrqs ? 0 : -ENXIO, "GRP_SOURCES has");
      return;
    }
    const bool fault = sel % 8 == 6;
    uint64_t w = 0, mw = 0;
    const int r = attr(dev, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, irq,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&w));
    int mr = m.get_source(irq, &mw);
    if (!mr && fault) mr = -EFAULT;
    T("  get source %#llx: %d %#llx\n", (unsigned long long)irq, r, (unsigned long long)w);
    expect(r, mr, "GRP_SOURCES get");
    if (!r) expect(w, mw, "GRP_SOURCES word");
  }

  void op_irq_line(Input& in) {
    const uint32_t irq = irq32(in);
    static const uint32_t levels[] = {0, 1, 1, 0xffffffffu, 0xfffffffeu, 0xfffffffdu, 2, 0};
    const uint8_t b = in.u8();
    const uint32_t level = b % 16 < 8 ? levels[b % 8] : b % 16 == 15 ? in.u32() : 1;
    uint32_t line[2] = {irq, level};
    const int r =
        static_cast<int>(kx_vm_ioctl(vm, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)));
    T("  irq line %#x level %#x: %d status %d\n", irq, level, r, (int)line[0]);
    if (!m.xics) return expect(r, -ENXIO, "KVM_IRQ_LINE_STATUS without an XICS");
    expect(r, 0, "KVM_IRQ_LINE_STATUS");
    expect(line[0], static_cast<uint32_t>(m.set_irq(irq, level)), "KVM_IRQ_LINE_STATUS status");
  }

  // One hypercall on vCPU v, the model's answer checked: r3-r6 out (or the
  // exit, the registers as they were).
  void hcall(int v, uint64_t nr, uint64_t r4, uint64_t r5, uint64_t r6, uint64_t r7) {
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, nr, 8, 0, r4, {r5, r6, r7}};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
    T("  hcall vCPU %d %#llx (%#llx, %#llx, %#llx, %#llx): %d result %u r3 %#llx r4 %#llx r5 "
      "%#llx\n",
      v, (unsigned long long)nr, (unsigned long long)r4, (unsigned long long)r5,
      (unsigned long long)r6, (unsigned long long)r7, r, a.result, (unsigned long long)a.data,
      (unsigned long long)a.args[0], (unsigned long long)a.args[1]);
    Icp& icp = m.icp[v];
    bool exits = true;
    int64_t rc = kHSuccess;
    uint64_t o4 = r4, o5 = r5;
    const bool xics_call = nr == H_XIRR || nr == H_XIRR_X || nr == H_CPPR || nr == H_EOI ||
                           nr == H_IPI || nr == H_IPOLL;
    if (xics_call && !m.disabled_hcalls.count(nr) && icp.connected) {
      exits = false;
      switch (nr) {
        case H_XIRR:
          o4 = Model::h_xirr(icp);
          break;
        case H_XIRR_X:
          o4 = Model::h_xirr(icp);
          // the timebase: it moves on
          o5 = a.args[1];
          if (!r && (o5 == 0 || o5 < last_tb))
            fail("H_XIRR_X timebase %#llx after %#llx", o5, last_tb);
          last_tb = o5;
          break;
        case H_IPOLL:
          rc = m.h_ipoll(icp, r4, &o4, &o5);
          break;
        case H_CPPR:
          m.h_cppr(icp, r4);
          break;
        case H_EOI:
          rc = m.h_eoi(icp, r4);
          break;
        case H_IPI:
          rc = m.h_ipi(icp, r4, r5);
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
      o4 = r4;
      o5 = r5;
    } else {
      expect(a.result, KX_ACCESS_RESULT_KERNEL, "hypercall in the kernel");
      expect(a.data, static_cast<uint64_t>(rc), "r3 (return code)");
    }
    expect(a.args[0], o4, "r4");
    expect(a.args[1], o5, "r5");
    expect(a.args[2], r6, "r6");
  }

  void op_hcall(Input& in) {
    const int v = in.u8() % kVcpus;
    const uint8_t k = in.u8();
    uint64_t nr, r4 = 0, r5 = 0;
    switch (k % 10) {
      case 0:
        nr = H_XIRR;
        r4 = in.u8();
        break;
      case 1:
        nr = H_XIRR_X;
        break;
      case 2:
      case 3:
        nr = H_CPPR;
        r4 = wide(in, prio(in));
        break;
      case 4:
      case 5: {
        nr = H_EOI;
        const uint8_t s = in.u8();
        // the source: the pool, the IPI, the one the ICP presented, raw
        uint32_t irq = s % 4 == 0 ? kIpi : s % 4 == 1 ? m.icp[v].xisr : irq32(in) & 0xffffff;
        r4 = wide(in, uint64_t{prio(in)} << 24 | irq);
        break;
      }
      case 6:
      case 7:
        nr = H_IPI;
        r4 = wide(in, server(in));
        r5 = wide(in, prio(in));
        break;
      case 8:
        nr = H_IPOLL;
        r4 = wide(in, server(in));
        break;
      default: {
        static const uint64_t others[] = {0x4, 0x1234, 0x8, 0x300, H_RTAS};
        nr = others[k / 10 % 5];
        r4 = in.u64();
        r5 = in.u8();
      }
    }
    // H_RTAS here only without tokens (to the VMM) or at an address no
    // RAM backs (-EFAULT out of the hypercall; op_rtas makes real calls).
    if (nr == H_RTAS && !m.tokens.empty()) {
      r4 = 0x10;
      kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, nr, 8, 0, r4, {r5, 0, 0}};
      kx_exit e = {};
      const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
      T("  H_RTAS at %#llx: %d\n", (unsigned long long)r4, r);
      return expect(r, -EFAULT, "H_RTAS outside RAM");
    }
    hcall(v, nr, r4, r5, 0x1111, 0x2222);
  }

  void op_icp_set(Input& in) {
    const int v = in.u8() % kVcpus;
    const uint8_t sel = in.u8();
    uint64_t val;
    if (sel % 4 == 0) {
      val = in.u64();
    } else {
      const uint8_t x = in.u8();
      uint32_t xisr = x % 4 == 0   ? 0
                      : x % 4 == 1 ? kIpi
                      : x % 4 == 2 ? irq32(in) & 0xffffff
                                   : in.u32() & 0xffffff;
      const uint8_t cppr = prio(in), mfrr = prio(in);
      uint8_t ppri = xisr == 0 ? 0xff : xisr == kIpi ? mfrr : prio(in);
      if (sel % 4 == 3) ppri = prio(in);  // maybe inconsistent
      val = uint64_t{cppr} << 56 | uint64_t{xisr} << 32 | uint64_t{mfrr} << 24 |
            uint64_t{ppri} << 16 | (sel >> 4) * 0x1111ull;  // low bits: ignored
    }
    const int r = one_reg(v, true, &val);
    T("  ICP set vCPU %d %#018llx: %d\n", v, (unsigned long long)val, r);
    expect(r, m.set_icp(m.icp[v], val), "ICP_STATE set");
  }

  void op_icp_get(Input& in) {
    const int v = in.u8() % kVcpus;
    uint64_t val = 0;
    const int r = one_reg(v, false, &val);
    T("  ICP get vCPU %d: %d %#018llx\n", v, r, (unsigned long long)val);
    expect(r, m.icp[v].connected ? 0 : -ENXIO, "ICP_STATE get");
    if (!r) expect(val, Model::icp_state(m.icp[v]), "ICP_STATE");
  }

  // An RTAS call: struct rtas_args at the start of RAM, big-endian.
  void op_rtas(Input& in) {
    const int v = in.u8() % kVcpus;
    const uint8_t sel = in.u8();
    const uint32_t token = sel % 8 < 6 ? sel % 8 : in.u32();  // 0 and 5: undefined
    const int h = token >= 1 && token <= 4 ? static_cast<int>(token) - 1 : 0;
    uint32_t nargs = kRtasNargs[h], nret = kRtasNret[h];
    const uint8_t counts = in.u8();
    if (counts % 8 == 0) nargs = in.u8() % 18;
    if (counts % 8 == 1) nret = in.u8() % 5;
    uint32_t args[16] = {};
    args[0] = irq32(in);
    args[1] = server(in);
    args[2] = in.u8() % 4 ? prio(in) : in.u32();
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
    const uint64_t r4 = static_cast<uint64_t>(in.u8() & 0xf0u) << 56 | kRamGpa;

    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, H_RTAS, 8, 0, r4, {0, 0, 0}};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
    T("  RTAS vCPU %d token %u nargs %u nret %u args %#x %#x %#x: %d result %u rets[0] %d\n", v,
      token, nargs, nret, args[0], args[1], args[2], r, a.result,
      nargs < 16 ? (int)__builtin_bswap32(*reinterpret_cast<uint32_t*>(ram + 12 + 4 * nargs)) : 0);

    // kvmppc_rtas_hcall(), as book3s_hv.c dispatches it.
    int handler = -1;
    for (auto& t : m.tokens)
      if (t.first == token) {
        handler = t.second;
        break;
      }
    if (m.tokens.empty() || (nargs < 16 && handler < 0)) {
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
      if (got != want)
        fail("RTAS args block differs (got %#llx, model %#llx)", __builtin_bswap32(got),
             __builtin_bswap32(want));
    }
    if (args[0] < kNrIrqs && args[0] >= kFirstIrq) touched.insert(args[0]);
  }

  void op_define_token(Input& in) {
    const uint8_t b = in.u8();
    const int name = b % 5;
    static const uint64_t tokens[] = {0, 1, 2, 3, 4, 5, 0x100000001ull, 0};
    define_token(name, tokens[b / 5 % 8]);
  }

  void op_enable_hcall(Input& in) {
    static const uint64_t xics_calls[] = {H_EOI, H_CPPR, H_IPI, H_IPOLL, H_XIRR, H_XIRR_X};
    const uint8_t b = in.u8();
    const uint64_t nr = xics_calls[b % 6];
    const bool on = b & 0x80;
    kx_enable_cap c = {KX_CAP_PPC_ENABLE_HCALL, 0, {nr, on, 0, 0}};
    const int r = kx_vm_enable_cap(vm, &c);
    T("  enable hcall %#llx %d: %d\n", (unsigned long long)nr, on, r);
    expect(r, 0, "KVM_CAP_PPC_ENABLE_HCALL");
    if (on)
      m.disabled_hcalls.erase(nr);
    else
      m.disabled_hcalls.insert(nr);
  }

  // A connection, maybe with the ICP's allocation failing (-ENOMEM once
  // the vCPU and the server are free).
  void op_connect(Input& in) {
    const int v = in.u8() % kVcpus;
    const uint8_t b = in.u8();
    const uint64_t s = b % 4 == 0   ? in.u32()
                       : b % 4 == 1 ? uint64_t{in.u32()} << 32 | (b >> 2)
                                    : b >> 2;
    if (in.u8() % 8 == 0 && m.xics && !m.icp[v].connected &&
        !m.find_server(static_cast<uint32_t>(s))) {
      host::fail_allocation_after(0);
      PpcEnableCap c = {};
      c.cap = KX_CAP_IRQ_XICS;
      c.args[0] = static_cast<uint64_t>(fd);
      c.args[1] = s;
      const int r =
          static_cast<int>(kx_vcpu_ioctl(vcpu[v], KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)));
      host::fail_allocation_after(-1);
      T("  connect vCPU %d server %#llx (no memory): %d\n", v, (unsigned long long)s, r);
      return expect(r, -ENOMEM, "KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS) without memory");
    }
    connect(v, s);
  }

  // A migration in QEMU's order into the same VM: every touched source's
  // word and every ICP state read, the device released and made again, the
  // vCPUs connected to their servers, the words set, then the ICP states;
  // each step checked against the model doing the same.
  void migrate() {
    if (!dev) return create_device();
    std::vector<std::pair<uint32_t, uint64_t>> words;
    for (uint32_t irq : touched) {
      uint64_t w;
      if (!core_get_source(irq, &w)) words.push_back({irq, w});
    }
    uint64_t states[kVcpus] = {};
    for (int v = 0; v < kVcpus; v++)
      if (m.icp[v].connected) states[v] = Model::icp_state(m.icp[v]);
    Icp was[kVcpus];
    for (int v = 0; v < kVcpus; v++) was[v] = m.icp[v];
    T("  migrate: %zu sources\n", words.size());
    release_device();
    create_device();
    for (int v = 0; v < kVcpus; v++)
      if (was[v].connected) connect(v, was[v].server);
    for (auto& [irq, w] : words) {
      uint64_t word = w;
      const int r =
          attr(dev, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, irq, reinterpret_cast<uintptr_t>(&word));
      T("  restore source %#x word %#llx: %d\n", irq, (unsigned long long)w, r);
      expect(r, m.set_source(irq, &word, false), "migration: GRP_SOURCES set");
    }
    for (int v = 0; v < kVcpus; v++) {
      if (!was[v].connected) continue;
      uint64_t val = states[v];
      const int r = one_reg(v, true, &val);
      T("  restore ICP vCPU %d %#018llx: %d\n", v, (unsigned long long)val, r);
      expect(r, m.set_icp(m.icp[v], val), "migration: ICP_STATE set");
    }
  }

  // Release and make again, the vCPUs connecting to the servers they had
  // (or to new ones), or released only, or a migration.
  void op_recreate(Input& in) {
    const uint8_t b = in.u8();
    if (b % 8 == 3) return migrate();
    if (b % 8 == 4) return create_device();  // -EEXIST while there is one
    uint32_t servers[kVcpus];
    bool had[kVcpus];
    for (int v = 0; v < kVcpus; v++) {
      had[v] = m.icp[v].connected;
      servers[v] = m.icp[v].server;
    }
    if (b % 8 == 0 && dev) {  // released only; the next operation may find none
      release_device();
      return;
    }
    release_device();
    create_device();
    for (int v = 0; v < kVcpus; v++)
      if (had[v] || b % 8 == 1) connect(v, had[v] ? servers[v] : v + 8);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = false;
  if (!init) {
    expect(kx_core_init(), 0, "core init");
    expect(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0, "POWER8 host");
    expect(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XICS, &kx_xics_device_ops), 0,
           "XICS device type");
    init = true;
  }
  Input in{data, size};
  const long live = host::live_allocations();
  {
    Harness h;
    if (!h.up(in)) {
      h.down();
      return 0;
    }
    h.compare();
    for (int ops = 0; ops < 128 && in.n; ops++) {
      const uint8_t op = in.u8();
      T("op %u\n", op % 16);
      switch (op % 16) {
        case 0:
        case 1:
          h.op_set_source(in, false);
          break;
        case 2:
          h.op_get_source(in);
          break;
        case 3:
        case 4:
          h.op_irq_line(in);
          break;
        case 5:
        case 6:
        case 7:
        case 8:
          h.op_hcall(in);
          break;
        case 9:
          h.op_icp_set(in);
          break;
        case 10:
          h.op_icp_get(in);
          break;
        case 11:
          h.op_rtas(in);
          break;
        case 12:
          h.op_define_token(in);
          break;
        case 13:
          h.op_enable_hcall(in);
          break;
        case 14:
          (op & 0x10) ? h.op_connect(in) : h.op_set_source(in, true);
          break;
        case 15:
          h.op_recreate(in);
          break;
      }
      h.compare();
    }
    h.down();
  }
  expect(host::live_allocations(), live, "live allocations (leak)");
  return 0;
}
