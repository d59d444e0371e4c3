// SPDX-License-Identifier: GPL-2.0
// xive_native_fuzzer: libFuzzer over XIVE native, the POWER9 host's
// KVM_DEV_TYPE_XIVE (arch/powerpc/xive_native.cpp), in the host build of
// the core, against a model written from 6.1's book3s_xive_native.c and
// book3s_xive.c, devices/xive.rst and the XIVE rows of
// Documentation/differences.rst (userspace-api.rst "XIVE native"), not
// from xive_native.cpp.
//
//   make -C tools/testing/fuzz O=DIR                  -> DIR/xive_native_fuzzer
//   tools/testing/fuzz/run.sh short DIR xive_native   (make check: 30 s)
//
// One input makes a ppc VM (host POWER9) with 512 KiB of guest RAM (8 queues' pages), the
// XIVE ("kvm-xive-native") and four PAPR vCPUs, each connected with
// KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE) to the server (0-7) the input
// chooses (a server taken -EEXIST: that vCPU stays unconnected). Then
// operations: GRP_SOURCE (MSI/LSI, asserted; a number out of range),
// GRP_SOURCE_CONFIG (server, priority 0-7, mask, EISN), GRP_EQ_CONFIG set
// (valid, the reset form, bad flags/size/alignment/qindex, outside RAM,
// qtoggle/qindex restores; queues may share guest pages) and get,
// GRP_SOURCE_SYNC, KVM_DEV_XIVE_RESET and EQ_SYNC, KVM_IRQ_LINE_STATUS at
// every level KVM gives a meaning and others, the ESB as the guest drives
// it (trigger stores, EOI/GET/SET_PQ_xy loads: kx_xive_esb_trigger(),
// kx_xive_esb_load()), the TIMA's OS page per vCPU as the guest accesses it
// (the device's page_access: QW1 loads, ACK_OS_REG, the CPPR store,
// SET_OS_PENDING), KVM_REG_PPC_VP_STATE get and set, and migrations in
// devices/xive.rst's order: every source masked with a SET_PQ_01 load
// (its old PQ kept), EQ_SYNC, the sources' configuration (the VMM's own
// record: the model's), every queue's EQ_CONFIG and every VP_STATE read,
// guest RAM copied into a fresh VM whose vCPUs connect to the same servers,
// the queues, sources, configurations and VP states restored there, and
// each source's PQ restored on both VMs with the SET_PQ load of its old
// value. The old VM (the "twin") continues with a copy of the model: every
// later operation goes to both, each against its own model.
//
// The model (struct Model) keeps per source its PQ bits, type, assertion
// and EAS (the server, priority and EISN in force, or masked), per vCPU
// and priority 0-6 its queue (address, index, generation), the NVT's IPB
// (priorities queued while not dispatched) and the thread context's QW1
// (VP_STATE's word: NSR, CPPR, IPB, PIPR as the TIMA accesses leave them),
// and guest RAM as the queues' writes leave it.
//
// What must hold, besides no sanitizer report: every return value, errno
// and KVM_IRQ_LINE_STATUS status; every ESB and TIMA load's value; every EQ_CONFIG
// get (and nothing written for a queue not configured); every VP_STATE;
// all of guest RAM (every queue entry, big-endian with its generation bit)
// after every input and every migration; no leak once the VMs are gone.
//
// XIVE_TRACE=1 prints each decoded operation.
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
constexpr uint64_t kRamGpa = 0x100000, kRamSize = 0x80000;
constexpr uint32_t kQShift = 16, kEntries = 1u << (kQShift - 2);
constexpr int kPrios = 7;  // queues 0-6; priority 7 is -EINVAL
constexpr uint8_t kMasked = 0xff;
constexpr uint32_t kNrIrqs = 1u << 20;
// The sources an input names: one block mostly, two others, one too big.
constexpr uint32_t kIrqs[] = {0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007,
                              0x1008, 0x1009, 0x100a, 0x13ff, 0x1400, 0x5000, 0x10,   kNrIrqs};
constexpr int kNIrqs = sizeof(kIrqs) / sizeof(kIrqs[0]);
// asm/xive-regs.h
enum : uint32_t {
  ESB_LOAD_EOI = 0x000,
  ESB_GET = 0x800,
  ESB_SET_PQ_00 = 0xc00,
  ESB_SET_PQ_01 = 0xd00,
  ESB_SET_PQ_10 = 0xe00,
  ESB_SET_PQ_11 = 0xf00,
};
// ppc asm/kvm.h's KVM_INTERRUPT_SET, _UNSET, _SET_LEVEL
constexpr int kIntSet = -1, kIntUnset = -2, kIntSetLevel = -3;

struct XiveEq {  // struct kvm_ppc_xive_eq
  uint32_t flags, qshift;
  uint64_t qaddr;
  uint32_t qtoggle, qindex;
  uint8_t pad[40];
};
static_assert(sizeof(XiveEq) == 64, "kvm_ppc_xive_eq");

bool trace() {
  static const bool on = getenv("XIVE_TRACE") != nullptr;
  return on;
}

#define T(...)                                 \
  do {                                         \
    if (trace()) fprintf(stderr, __VA_ARGS__); \
  } while (0)

const char* g_vm_name = "";  // which VM an expect() is about

void expect(unsigned long long got, unsigned long long want, const char* what) {
  if (got == want) return;
  fprintf(stderr, "xive_native_fuzzer: %s%s: got %#llx, model %#llx\n", g_vm_name, what, got, want);
  abort();
}

// ---------------------------------------------------------------------------
// The model.

struct Src {
  bool valid = false, lsi = false, asserted = false;
  bool p = false, q = false;
  // The EAS in force: act_server/act_priority/eisn, priority kMasked when
  // the source has no target.
  uint32_t server = 0, eisn = 0;
  uint8_t prio = kMasked;
};

struct Queue {
  bool on = false;
  uint64_t qaddr = 0;
  uint32_t index = 0;
  bool toggle = false;  // the generation bit the next entry gets
};

struct Vc {
  bool connected = false;
  uint32_t server = 0;
  Queue q[kPrios];
  uint8_t nvt_ipb = 0;
  uint64_t w01 = 0xffull << 32;  // VP_STATE's first word, a new connection's
};

struct Model {
  std::set<uint32_t> blocks;
  std::map<uint32_t, Src> src;
  Vc vc[kVcpus];
  std::vector<uint8_t> ram = std::vector<uint8_t>(kRamSize);

  int find_server(uint32_t server) const {
    for (int v = 0; v < kVcpus; v++)
      if (vc[v].connected && vc[v].server == server) return v;
    return -1;
  }
  bool has_block(uint64_t irq) const { return blocks.count(static_cast<uint32_t>(irq) >> 10); }
  bool valid(uint32_t irq) const {
    auto it = src.find(irq);
    return it != src.end() && it->second.valid;
  }

  // An event reaching the source's EAS.
  void notify(Src& s) {
    if (s.prio == kMasked) return;
    const int v = find_server(s.server);
    if (v < 0) return;
    Queue& q = vc[v].q[s.prio];
    if (!q.on) return;  // the queue went away: dropped
    const uint32_t e = (q.toggle ? 0x80000000u : 0) | (s.eisn & 0x7fffffff);
    uint8_t* p = &ram[q.qaddr - kRamGpa + 4 * uint64_t{q.index}];
    p[0] = e >> 24;
    p[1] = e >> 16;
    p[2] = e >> 8;
    p[3] = e;
    if (++q.index == kEntries) {
      q.index = 0;
      q.toggle = !q.toggle;
    }
    vc[v].nvt_ipb |= 0x80 >> s.prio;  // the TIMA's IPB: priority 0 is the top bit
  }
  // A trigger: 00 -> 10 and notify, 10 -> 11, 11 and 01 stay.
  void trigger(Src& s) {
    if (!s.p && !s.q) {
      s.p = true;
      notify(s);
    } else if (s.p) {
      s.q = true;
    }
  }
  int esb_load(uint32_t irq, uint32_t off) {
    if (!valid(irq)) return -ENXIO;
    Src& s = src[irq];
    const int old = s.p << 1 | s.q;
    if (off < 0x400) {  // EOI
      const bool again = s.q || (s.lsi && s.asserted);
      s.p = s.q = false;
      if (again) trigger(s);
      return again;
    }
    if (off >= 0x800 && off < 0xc00) return old;
    const uint32_t pq = (off >> 8) & 3;
    s.p = pq & 2;
    s.q = pq & 1;
    return old;
  }
  // The TIMA's OS ring, QW1's bytes in VP_STATE's first word: NSR, CPPR,
  // IPB, LSMFB, ACK#, INC, AGE, PIPR from the low byte.
  enum { kNsr = 0, kCppr = 1, kIpb = 2, kPipr = 7 };
  static uint8_t tb(const Vc& c, int i) { return static_cast<uint8_t>(c.w01 >> (8 * i)); }
  static void set_tb(Vc& c, int i, uint8_t x) {
    c.w01 = (c.w01 & ~(0xffull << (8 * i))) | uint64_t{x} << (8 * i);
  }
  static uint8_t pipr_of(uint8_t ipb) {
    return ipb ? static_cast<uint8_t>(__builtin_clz(ipb) - 24) : 0xff;
  }
  // PIPR follows the IPB; NSR's OS bit rises when PIPR is below CPPR.
  static void notify_os(Vc& c) {
    set_tb(c, kPipr, pipr_of(tb(c, kIpb)));
    if (tb(c, kPipr) < tb(c, kCppr)) set_tb(c, kNsr, tb(c, kNsr) | 0x80);
  }
  // The context dispatched: the NVT's priorities merged into the IPB.
  static void dispatch(Vc& c) {
    set_tb(c, kIpb, tb(c, kIpb) | c.nvt_ipb);
    c.nvt_ipb = 0;
    notify_os(c);
  }
  // A guest access to the TIMA's OS page by vCPU v: a load's value.
  uint64_t tima(int v, uint32_t off, uint32_t len, bool write, uint64_t val) {
    Vc& c = vc[v];
    if (!c.connected) return 0;  // no context: the page's zeros, stores ignored
    dispatch(c);
    if (!write && off >= 0x10 && off + len <= 0x18) {
      uint64_t r = 0;
      for (uint32_t i = 0; i < len; i++) r = r << 8 | tb(c, static_cast<int>(off - 0x10 + i));
      return r;
    }
    if (!write && off >= 0x18 && off + len <= 0x20) return 0;
    if (!write && off == 0x810 && len == 2) {  // TM_SPC_ACK_OS_REG
      const uint8_t nsr = tb(c, kNsr);
      if (nsr & 0x80) {
        const uint8_t pipr = tb(c, kPipr);
        set_tb(c, kCppr, pipr);
        set_tb(c, kIpb, tb(c, kIpb) & ~(pipr < 8 ? 0x80 >> pipr : 0));
        set_tb(c, kPipr, pipr_of(tb(c, kIpb)));
        set_tb(c, kNsr, nsr & ~0x80);
      }
      return uint64_t{nsr} << 8 | tb(c, kCppr);
    }
    if (write && off == 0x11 && len == 1) {  // the CPPR
      const uint8_t cppr = static_cast<uint8_t>(val);
      set_tb(c, kCppr, cppr > 7 ? 0xff : cppr);
      notify_os(c);
      return 0;
    }
    if (write && off == 0x812 && len == 1) {  // TM_SPC_SET_OS_PENDING
      const uint8_t prio = static_cast<uint8_t>(val);
      if (prio < 8) set_tb(c, kIpb, tb(c, kIpb) | 0x80 >> prio);
      notify_os(c);
      return 0;
    }
    return write ? 0 : len == 8 ? ~0ull : (1ull << (8 * len)) - 1;  // all ones
  }

  void mask(Src& s) {
    s.prio = kMasked;
    s.server = 0;
    s.eisn = 0;
  }
};

struct Input {
  const uint8_t* d;
  size_t n;
  uint8_t u8() {
    if (!n) return 0;
    n--;
    return *d++;
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = v << 8 | u8();
    return v;
  }
};

// ---------------------------------------------------------------------------
// One VM and its model.

struct Vm {
  Model m;
  const char* name = "";
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu[kVcpus] = {};
  kx_device* dev = nullptr;
  int fd = -1;
  uint8_t* ram = nullptr;

  int attr(kx_attr_op op, uint32_t grp, uint64_t a, const void* val) {
    kx_attr at = {0, grp, a, reinterpret_cast<uintptr_t>(val)};
    return kx_device_attr(dev, op, reinterpret_cast<uintptr_t>(&at));
  }
  int vp_state(int v, bool set, uint64_t* val) {
    uint64_t reg[2] = {KX_REG_PPC_VP_STATE, reinterpret_cast<uintptr_t>(val)};
    return static_cast<int>(kx_vcpu_ioctl(vcpu[v], set ? KX_SET_ONE_REG : KX_GET_ONE_REG,
                                          reinterpret_cast<uintptr_t>(reg)));
  }
  int connect(int v, uint32_t server) {
    PpcEnableCap c = {};
    c.cap = KX_CAP_PPC_IRQ_XIVE;
    c.args[0] = static_cast<uint64_t>(fd);
    c.args[1] = server;
    return static_cast<int>(kx_vcpu_ioctl(vcpu[v], KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)));
  }

  bool up(const uint32_t servers[kVcpus]) {
    g_vm_name = name;
    ram = static_cast<uint8_t*>(aligned_alloc(65536, kRamSize));
    if (!ram) return false;
    memset(ram, 0, kRamSize);
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    if (kx_vm_create(KX_PPC, 0, nullptr, &vm)) return false;
    kx_memory_region mr = {0, KX_MEM_LOG_DIRTY_PAGES, kRamGpa, kRamSize,
                           reinterpret_cast<uintptr_t>(ram)};
    expect(kx_vm_set_memory_region(vm, &mr), 0, "memslot");
    expect(kx_vm_create_device(vm, KX_DEV_TYPE_XIVE, 0, &dev), 0, "KVM_CREATE_DEVICE(XIVE)");
    if (strcmp(kx_device_name(dev), "kvm-xive-native") != 0) {
      fprintf(stderr, "xive_native_fuzzer: the device is %s\n", kx_device_name(dev));
      abort();
    }
    host::bind_device_fd(fd, dev);
    for (int v = 0; v < kVcpus; v++) {
      expect(kx_vm_create_vcpu(vm, v, &vcpu[v]), 0, "vCPU");
      expect(ppc_enable_papr(vcpu[v]), 0, "KVM_CAP_PPC_PAPR");
      const bool taken = m.find_server(servers[v]) >= 0;
      expect(connect(v, servers[v]), taken ? -EEXIST : 0, "KVM_CAP_PPC_IRQ_XIVE");
      if (!taken) {
        m.vc[v].connected = true;
        m.vc[v].server = servers[v];
      }
    }
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

  void check_ram() {
    g_vm_name = name;
    if (memcmp(ram, m.ram.data(), kRamSize) == 0) return;
    for (size_t i = 0; i < kRamSize; i++)
      if (ram[i] != m.ram[i]) {
        fprintf(stderr, "xive_native_fuzzer: %sguest RAM at %#zx: got %#x, model %#x\n", name,
                i + kRamGpa, ram[i], m.ram[i]);
        abort();
      }
  }

  // --- the operations, each checked against the model ---
  void set_source(uint32_t irq, uint64_t val) {
    int want = 0;
    if (irq >= kNrIrqs) {
      want = -E2BIG;
    } else {
      m.blocks.insert(irq >> 10);
      Src& s = m.src[irq];
      s.valid = true;
      s.lsi = val & KX_XIVE_LEVEL_SENSITIVE;  // differences.rst: the type from each set
      s.asserted = s.lsi && (val & KX_XIVE_LEVEL_ASSERTED);
      s.p = false;
      s.q = true;
      m.mask(s);
    }
    expect(attr(KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE, irq, &val), want, "GRP_SOURCE");
  }

  void source_config(uint64_t irq, uint32_t server, uint8_t prio, bool masked, uint32_t eisn) {
    const uint64_t cfg = uint64_t{eisn} << KX_XIVE_SOURCE_EISN_SHIFT |
                         (masked ? KX_XIVE_SOURCE_MASKED_MASK : 0) |
                         uint64_t{server} << KX_XIVE_SOURCE_SERVER_SHIFT | prio;
    const uint32_t i32 = static_cast<uint32_t>(irq);
    int want = 0;
    if (!m.has_block(i32) || i32 >= kNrIrqs) {
      want = -ENOENT;
    } else if (!m.valid(i32)) {
      want = -EINVAL;
    } else if (prio == 7) {
      want = -EINVAL;
    } else {
      Src& s = m.src[i32];
      if (masked) {
        m.mask(s);  // differences.rst: the mask flag masks, whatever is in force
      } else if (s.server == server && s.prio == prio && s.eisn == eisn) {
        // in force already: nothing
      } else {
        const int v = m.find_server(server);
        if (v < 0)
          want = -EINVAL;
        else if (!m.vc[v].q[prio].on)
          want = -ENXIO;  // differences.rst
        else {
          s.server = server;
          s.prio = prio;
          s.eisn = eisn;
        }
      }
    }
    expect(attr(KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_CONFIG, irq, &cfg), want, "GRP_SOURCE_CONFIG");
  }

  void source_sync(uint64_t irq) {
    const uint32_t i32 = static_cast<uint32_t>(irq);
    const int want = !m.has_block(i32) || i32 >= kNrIrqs ? -ENOENT : !m.valid(i32) ? -EINVAL : 0;
    expect(attr(KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_SYNC, irq, nullptr), want, "GRP_SOURCE_SYNC");
  }

  void set_eq(uint32_t server, uint8_t prio, const XiveEq& eq) {
    const int v = m.find_server(server);
    int want = 0;
    if (v < 0) {
      want = -ENOENT;
    } else if (prio == 7) {
      want = -EINVAL;
    } else if (eq.qshift == 0) {
      m.vc[v].q[prio] = Queue{};
    } else if (eq.flags != KX_XIVE_EQ_ALWAYS_NOTIFY || eq.qshift != kQShift ||
               (eq.qaddr & ((1ull << kQShift) - 1)) || eq.qindex >= kEntries ||
               eq.qaddr < kRamGpa || eq.qaddr + (1ull << kQShift) > kRamGpa + kRamSize) {
      want = -EINVAL;
    } else {
      m.vc[v].q[prio] = Queue{true, eq.qaddr, eq.qindex, static_cast<bool>(eq.qtoggle & 1)};
    }
    const uint64_t id = uint64_t{server} << KX_XIVE_EQ_SERVER_SHIFT | prio;
    expect(attr(KX_ATTR_SET, KX_DEV_XIVE_GRP_EQ_CONFIG, id, &eq), want, "GRP_EQ_CONFIG set");
  }

  // EQ_CONFIG get against the model; the queue's configuration out.
  bool get_eq(uint32_t server, uint8_t prio, XiveEq* out = nullptr) {
    XiveEq got;
    memset(&got, 0xa5, sizeof(got));
    const uint64_t id = uint64_t{server} << KX_XIVE_EQ_SERVER_SHIFT | prio;
    const int r = attr(KX_ATTR_GET, KX_DEV_XIVE_GRP_EQ_CONFIG, id, &got);
    const int v = m.find_server(server);
    if (v < 0) {
      expect(r, -ENOENT, "GRP_EQ_CONFIG get");
      return false;
    }
    if (prio == 7) {
      expect(r, -EINVAL, "GRP_EQ_CONFIG get");
      return false;
    }
    expect(r, 0, "GRP_EQ_CONFIG get");
    const Queue& q = m.vc[v].q[prio];
    if (!q.on) {
      XiveEq untouched;
      memset(&untouched, 0xa5, sizeof(untouched));
      expect(memcmp(&got, &untouched, sizeof(got)) == 0, 1, "EQ_CONFIG get wrote (no queue)");
      return false;
    }
    expect(got.flags, KX_XIVE_EQ_ALWAYS_NOTIFY, "EQ flags");
    expect(got.qshift, kQShift, "EQ qshift");
    expect(got.qaddr, q.qaddr, "EQ qaddr");
    expect(got.qindex, q.index, "EQ qindex");
    expect(got.qtoggle, q.toggle, "EQ qtoggle");
    for (uint8_t b : got.pad) expect(b, 0, "EQ padding");
    if (out) *out = got;
    return true;
  }

  void irq_line(uint32_t irq, int level) {
    int want = 0;
    if (!m.has_block(irq) || irq >= kNrIrqs || !m.valid(irq)) {
      want = -EINVAL;
    } else {
      Src& s = m.src[irq];
      if ((level == 1 && s.lsi) || level == kIntSetLevel) {
        s.asserted = true;
        m.trigger(s);
      } else if (level == 0 || level == kIntUnset) {
        s.asserted = false;
      } else {
        m.trigger(s);
      }
    }
    uint32_t line[2] = {irq, static_cast<uint32_t>(level)};
    expect(kx_vm_ioctl(vm, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)), 0,
           "KVM_IRQ_LINE_STATUS");
    expect(line[0], static_cast<uint32_t>(want), "KVM_IRQ_LINE_STATUS status");
  }

  void esb_trigger(uint32_t irq) {
    int want = 0;
    if (!m.valid(irq))
      want = -ENXIO;
    else
      m.trigger(m.src[irq]);
    expect(kx_xive_esb_trigger(dev, irq), want, "ESB trigger");
  }

  int esb_load(uint32_t irq, uint32_t off) {
    const int want = m.esb_load(irq, off);
    const int r = kx_xive_esb_load(dev, irq, off);
    expect(r, want, "ESB load");
    return r;
  }

  // TIMA's OS page (the device's page_access, as a guest's MMIO to RAM
  // backed by the fd's mapping reaches it).
  void tima(int v, uint32_t off, uint32_t len, bool write, uint64_t val) {
    const uint64_t want = m.tima(v, off, len, write, val);
    unsigned long long data = write ? val : 0x5a5a5a5a5a5a5a5aull;
    expect(kx_xive_native_device_ops.page_access(dev, vcpu[v], 2, off, len, write, &data), 0,
           "TIMA access");
    if (!write) expect(data, want, "TIMA load");
  }

  void reset() {
    for (auto& [irq, s] : m.src)
      if (s.valid && s.prio != kMasked) {
        m.mask(s);
        s.p = false;
        s.q = true;
      }
    for (Vc& c : m.vc)
      for (Queue& q : c.q) q = Queue{};
    expect(attr(KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_RESET, nullptr), 0,
           "KVM_DEV_XIVE_RESET");
  }

  void eq_sync() {
    expect(attr(KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_EQ_SYNC, nullptr), 0,
           "KVM_DEV_XIVE_EQ_SYNC");
  }

  uint64_t model_vp(int v) const { return m.vc[v].w01 | uint64_t{m.vc[v].nvt_ipb} << 16; }

  void get_vp(int v, uint64_t out[2] = nullptr) {
    uint64_t val[2] = {0x5a5a5a5a5a5a5a5aull, 0x5a5a5a5a5a5a5a5aull};
    const int r = vp_state(v, false, val);
    if (!m.vc[v].connected) {
      expect(r, -ENXIO, "VP_STATE get");
      return;
    }
    expect(r, 0, "VP_STATE get");
    expect(val[0], model_vp(v), "VP_STATE word 0");
    expect(val[1], 0, "VP_STATE word 1");
    if (out) memcpy(out, val, sizeof(val));
  }

  void set_vp(int v, uint64_t w) {
    uint64_t val[2] = {w, 0};
    const int r = vp_state(v, true, val);
    if (!m.vc[v].connected) {
      expect(r, -ENXIO, "VP_STATE set");
      return;
    }
    expect(r, 0, "VP_STATE set");
    m.vc[v].w01 = w;
  }
};

// ---------------------------------------------------------------------------

struct Fuzz {
  std::unique_ptr<Vm> vm, twin;
  uint32_t servers[kVcpus] = {};

  template <typename F>
  void both(F f) {
    f(*vm);
    if (twin) f(*twin);
  }

  bool up(Input& in) {
    for (int v = 0; v < kVcpus; v++) servers[v] = in.u8() & 7;
    vm = std::make_unique<Vm>();
    vm->name = "";
    return vm->up(servers);
  }

  void down() {
    if (vm) {
      if (vm->vm) vm->check_ram();
      vm->down();
    }
    if (twin) {
      if (twin->vm) twin->check_ram();
      twin->down();
    }
  }

  static uint32_t irq(Input& in) { return kIrqs[in.u8() % kNIrqs]; }
  static uint8_t prio(Input& in) {
    const uint8_t b = in.u8() % 16;
    return b < 8 ? b : b % 4;  // mostly 0-3, sometimes 4-7
  }
  static uint32_t server(Input& in) {
    const uint8_t b = in.u8();
    return b < 240 ? b & 7 : in.u32() & 0x1fffffff;  // the 29 bits of the server field
  }

  // devices/xive.rst's migration: the primary becomes the twin.
  void migrate() {
    Vm& a = *vm;
    g_vm_name = a.name;
    T("migrate\n");
    // 1. mask every source, keeping its PQ
    std::map<uint32_t, int> pq;
    for (auto& [irq, s] : a.m.src)
      if (s.valid) pq[irq] = a.esb_load(irq, ESB_SET_PQ_01);
    // 2. the queues' last entries are in RAM
    a.eq_sync();
    // 3. capture: the queues and VP states (sources: the VMM's record)
    XiveEq eqs[kVcpus][kPrios];
    bool has[kVcpus][kPrios] = {};
    uint64_t vps[kVcpus][2] = {};
    for (int v = 0; v < kVcpus; v++) {
      if (!a.m.vc[v].connected) continue;
      for (int p = 0; p < kPrios; p++)
        has[v][p] = a.get_eq(a.m.vc[v].server, static_cast<uint8_t>(p), &eqs[v][p]);
      a.get_vp(v, vps[v]);
    }
    a.check_ram();
    // 4. the fresh VM
    auto b = std::make_unique<Vm>();
    b->name = "(migrated) ";
    if (!b->up(servers)) {
      b->down();
      return;
    }
    memcpy(b->ram, a.ram, kRamSize);
    b->m.ram = a.m.ram;
    for (int v = 0; v < kVcpus; v++)
      for (int p = 0; p < kPrios; p++)
        if (has[v][p]) b->set_eq(a.m.vc[v].server, static_cast<uint8_t>(p), eqs[v][p]);
    for (auto& [irq, s] : a.m.src) {
      if (!s.valid) continue;
      b->set_source(
          irq, (s.lsi ? KX_XIVE_LEVEL_SENSITIVE : 0) | (s.asserted ? KX_XIVE_LEVEL_ASSERTED : 0));
      if (s.prio != kMasked) b->source_config(irq, s.server, s.prio, false, s.eisn);
    }
    for (int v = 0; v < kVcpus; v++)
      if (a.m.vc[v].connected) {
        b->set_vp(v, vps[v][0]);
        b->get_vp(v);
      }
    // 5. PQ restored on both
    for (auto& [irq, old] : pq) {
      static constexpr uint32_t kSet[] = {ESB_SET_PQ_00, ESB_SET_PQ_01, ESB_SET_PQ_10,
                                          ESB_SET_PQ_11};
      a.esb_load(irq, kSet[old]);
      b->esb_load(irq, kSet[old]);
    }
    a.check_ram();
    b->check_ram();
    for (int v = 0; v < kVcpus; v++)
      if (a.m.vc[v].connected) {
        a.get_vp(v);
        b->get_vp(v);
      }
    if (twin) {
      twin->check_ram();
      twin->down();
    }
    twin = std::move(vm);
    twin->name = "(twin) ";
    vm = std::move(b);
    vm->name = "";
  }

  // One operation from the input, on both VMs.
  void step(Input& in) {
    const uint8_t code = in.u8() % 16;
    switch (code) {
      case 0: {
        const uint32_t i = irq(in);
        const uint64_t val = in.u8() & 3;
        T("source %#x %#llx\n", i, static_cast<unsigned long long>(val));
        both([&](Vm& x) { x.set_source(i, val); });
        break;
      }
      case 1:
      case 2: {
        const uint32_t i = irq(in);
        const uint32_t s = server(in);
        const uint8_t p = prio(in), f = in.u8();
        const bool masked = (f & 0xc0) == 0xc0;
        const uint32_t eisn = f & 0x20 ? in.u32() & 0x7fffffff : f & 0x1f;
        T("config %#x server %u prio %u masked %d eisn %#x\n", i, s, p, masked, eisn);
        both([&](Vm& x) { x.source_config(i, s, p, masked, eisn); });
        break;
      }
      case 3: {  // EQ_CONFIG set
        const uint32_t s = server(in);
        const uint8_t p = prio(in), how = in.u8(), slot = in.u8();
        XiveEq eq = {};
        eq.flags = KX_XIVE_EQ_ALWAYS_NOTIFY;
        eq.qshift = kQShift;
        eq.qaddr = kRamGpa + (static_cast<uint64_t>(slot % 10) << kQShift);  // 8, 9: outside RAM
        eq.qtoggle = 1;
        switch (how % 12) {
          case 0:
            eq = XiveEq{};  // the reset form
            eq.qaddr = in.u8() << 16;
            break;
          case 1:
            eq.flags = in.u8() & 3;
            break;
          case 2:
            eq.qshift = in.u8() % 32;
            if (eq.qshift == 0) eq.qshift = 12;
            break;
          case 3:
            eq.qaddr += 4u << (in.u8() % 14);
            break;
          case 4:  // a restore
            eq.qtoggle = in.u32();
            eq.qindex = in.u8() & 1 ? kEntries - 1 - (in.u8() & 3) : in.u8();
            break;
          case 5:
            eq.qindex = kEntries + (in.u8() & 7) + 1;
            break;
          default:
            break;
        }
        T("eq set server %u prio %u flags %u qshift %u qaddr %#llx toggle %u index %u\n", s, p,
          eq.flags, eq.qshift, static_cast<unsigned long long>(eq.qaddr), eq.qtoggle, eq.qindex);
        both([&](Vm& x) { x.set_eq(s, p, eq); });
        break;
      }
      case 4: {
        const uint32_t s = server(in);
        const uint8_t p = prio(in);
        T("eq get server %u prio %u\n", s, p);
        both([&](Vm& x) { x.get_eq(s, p); });
        break;
      }
      case 5:
      case 6: {
        const uint32_t i = irq(in);
        T("trigger %#x\n", i);
        both([&](Vm& x) { x.esb_trigger(i); });
        break;
      }
      case 7:
      case 8: {
        static constexpr uint32_t kOffs[] = {ESB_LOAD_EOI,  ESB_GET,       ESB_SET_PQ_00,
                                             ESB_SET_PQ_01, ESB_SET_PQ_10, ESB_SET_PQ_11,
                                             ESB_LOAD_EOI,  ESB_SET_PQ_00};
        const uint32_t i = irq(in);
        const uint8_t b = in.u8();
        const uint32_t off = kOffs[b % 8] + (b & 0x80 ? (b >> 3 & 0xf) * 8 : 0);
        T("esb load %#x +%#x\n", i, off);
        both([&](Vm& x) { x.esb_load(i, off); });
        break;
      }
      case 9: {
        static constexpr int kLevels[] = {0, 1, 2, kIntSet, kIntUnset, kIntSetLevel, 1, 0};
        const uint32_t i = irq(in);
        const uint8_t b = in.u8();
        const int level = b & 8 ? static_cast<int>(in.u32()) : kLevels[b % 8];
        T("irq line %#x %d\n", i, level);
        both([&](Vm& x) { x.irq_line(i, level); });
        break;
      }
      case 10: {
        const uint32_t i = irq(in);
        T("source sync %#x\n", i);
        both([&](Vm& x) { x.source_sync(i); });
        break;
      }
      case 11: {
        const uint8_t b = in.u8();
        if (b % 4 == 0) {
          T("reset\n");
          both([&](Vm& x) { x.reset(); });
        } else {
          T("eq sync\n");
          both([&](Vm& x) { x.eq_sync(); });
        }
        break;
      }
      case 12: {
        const int v = in.u8() % kVcpus;
        T("vp get %d\n", v);
        both([&](Vm& x) { x.get_vp(v); });
        break;
      }
      case 13: {
        const int v = in.u8() % kVcpus;
        const uint64_t w = uint64_t{in.u32()} << 32 | in.u32();
        T("vp set %d %#llx\n", v, static_cast<unsigned long long>(w));
        both([&](Vm& x) { x.set_vp(v, w); });
        break;
      }
      case 14:
        migrate();
        break;
      default: {
        // 15: the TIMA's OS page; a few in 16 compare guest RAM
        const uint8_t b = in.u8();
        const int v = b % kVcpus;
        const uint8_t k = in.u8();
        uint32_t off = 0, len = 1;
        bool write = false;
        uint64_t val = 0;
        switch (b >> 2 & 7) {
          case 0:
          case 1:  // QW1 loads
            len = 1u << (k & 3);
            off = 0x10 + ((k >> 2) & 0xf & ~(len - 1));
            break;
          case 2:
          case 3:
            off = 0x810;
            len = 2;
            break;
          case 4:
          case 5:
            write = true;
            off = 0x11;
            val = k & 0x10 ? k : k & 7;
            break;
          case 6:
            write = true;
            off = 0x812;
            val = k & 7;
            break;
          default:
            both([&](Vm& x) { x.check_ram(); });
            return;
        }
        T("tima v%d %s %#x/%u %#llx\n", v, write ? "store" : "load", off, len,
          static_cast<unsigned long long>(val));
        both([&](Vm& x) { x.tima(v, off, len, write, val); });
        break;
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = false;
  if (!init) {
    expect(kx_core_init(), 0, "core init");
    expect(kx_ppc_set_host(KX_PPC_HOST_POWER9), 0, "POWER9 host");
    expect(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XIVE, &kx_xive_native_device_ops), 0,
           "XIVE device type");
    init = true;
  }
  Input in{data, size};
  const long live = host::live_allocations();
  {
    Fuzz f;
    if (f.up(in)) {
      int migrations = 0;
      for (int ops = 0; ops < 192 && in.n; ops++) {
        if (in.n && (in.d[0] % 16) == 14 && ++migrations > 4) {
          in.u8();
          continue;
        }
        f.step(in);
      }
    }
    f.down();
  }
  expect(host::live_allocations(), live, "live allocations (leak)");
  return 0;
}
