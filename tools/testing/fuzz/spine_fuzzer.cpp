// SPDX-License-Identifier: GPL-2.0
// spine_fuzzer: libFuzzer over the host build of the core, driven through
// the C ABI (include/kvm_ext/core.h) exactly as the kernel shim drives it.
//
// Build (clang-14, libFuzzer + ASan + UBSan; the core with the top-level
// Makefile's CORE_FLAGS):
//
//   make -C tools/testing/fuzz O=DIR            -> DIR/spine_fuzzer
//
// Run modes (tools/testing/fuzz/run.sh; the seeds are copied to a writable
// corpus under DIR, crash artifacts land in DIR/artifacts/):
//
//   tools/testing/fuzz/run.sh short DIR   bounded, for `make check`: the
//       seeds and regression-* inputs (a fresh DIR/corpus/spine-short), then
//       fuzzing until -max_total_time=$FUZZ_SECONDS (default 45 s; < 60 s).
//   tools/testing/fuzz/run.sh long DIR    for `make fuzz`: a persistent
//       DIR/corpus/spine, -use_value_profile=1, $FUZZ_SECONDS (default 3600).
//   make -C tools/testing/fuzz O=DIR coverage   line coverage of the core
//       over DIR/corpus/spine (llvm-cov; an HTML report in DIR/cov/html).
//
//   DIR/spine_fuzzer FILE...               replays inputs (a reproducer);
//   SPINE_TRACE=1 prints every decoded operation as it runs.
//
// One input is a sequence of at most kMaxOps operations (opcode byte, then
// that operation's argument bytes; a short input reads as zeros), over at
// most kMaxVms VMs of the three personalities: create/close VM, set memory
// region, create (or abort) vCPU, close vCPU, KVM_RUN (never blocking:
// immediate_exit, or a pending signal, or arm64 which refuses), guest
// access, create (or abort, or TEST) device, device/VM/vCPU attributes,
// device ioctl, close device, check extension, vCPU and device bursts,
// allocation-failure injection for the next operation, the order in which
// the remaining fds are closed at the end, and dirty logging:
// KVM_ENABLE_CAP (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 with fuzzed flags and
// args[0], the obsolete cap 166, others), KVM_GET_DIRTY_LOG and
// KVM_CLEAR_DIRTY_LOG (the latter only where kx_has_clear_dirty_log(), as
// the shim gates it).
//
// Every call is checked against a model of the ABI: the exact return value
// (0, a documented positive value, or the one negative errno KVM's order
// of checks gives), -ENOMEM only where an allocation can fail under
// injection, "changes nothing when it fails" (the model is not updated and
// every later access is checked against it; a failed
// kx_vm_set_memory_region must also leave a probe access unchanged), the
// shim's reference rules (each fd holds a VM reference; kx_vm_count()
// follows), devices' create/init/destroy contracts, and, with no VM left
// and at the end of each input, host::live_allocations() back to where it
// started. A violation aborts with the trace of the input's operations.
//
// Dirty logging (userspace-api.rst "Dirty logging") is modelled per slot:
// the set of pages stored to by guest accesses while the slot logs, all
// of them when the log is turned on under INITIALLY_SET; a legacy GET
// returns and clears it, a manual-protect GET copies it, a CLEAR clears
// exactly mask & [first_page, first_page + num_pages); logging turned off
// (or the slot deleted) frees it, a move keeps it. Every successful GET is
// compared bit for bit with the model, and so is every log the model
// tracks at the end of the input; a failed GET or CLEAR changes
// nothing (a legacy GET that faults keeps its bits: kvm_ext's documented
// difference from 6.1) and writes nothing to the user bitmap; CLEAR's
// errors come in kvm_clear_dirty_log_protect()'s order; neither call
// allocates. User bitmaps are heap buffers of exactly the size the model
// gives (ASan reports a copy past them) or addresses that fault.
//
// The host platform's file hooks are wrapped at link time (the Makefile's
// -Wl,--wrap): two fds the harness opens count as VFIO group files, so the
// VFIO device's group list is reachable, and every kx_file_get() must be
// balanced by a kx_file_put() (the references the model says the VFIO
// devices hold, none at the end).
//
// The model's per-personality limits come from KVM_CHECK_EXTENSION at
// start-up (so capabilities and behaviour must agree); what the
// personalities do not advertise (which attribute ioctls they handle,
// KVM_RUN refused at entry, SPAPR TCE) is the table g_arch below, written
// from arch/*/personality.cpp: update it when a personality changes.

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdarg>
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
#include <kvm_ext/platform.h>

#include "platform_host.h"

namespace {

constexpr int kMaxOps = 64;
constexpr int kMaxVms = 6;
constexpr int kMaxVcpuFds = 16;
constexpr int kMaxDevFds = 16;
// vCPUs and devices the burst operations may create per input.
constexpr int kBurstBudget = 1200;
constexpr uint64_t kPage = KX_PAGE_SIZE;
// KVM_MEM_MAX_NR_PAGES
constexpr uint64_t kMaxSlotPages = (1ull << 31) - 1;
// kvm_ext's bound on devices per VM (virt/kvm/vm.h, kMaxDevicesPerVm).
constexpr uint32_t kMaxDevicesPerVm = 256;
// The harness's own destroy-only device type (no release hook), next to
// the VFIO pseudo-device (release only).
constexpr unsigned kDummyType = KX_MAX_DEVICE_TYPES - 1;
constexpr unsigned kDummyIoctl = 0x1234;
constexpr long kDummyIoctlValue = 42;
// "User memory" for memory slots: a reserved, lazily backed arena.
constexpr uint64_t kRamSize = 1ull << 30;
constexpr uint64_t kRamPages = kRamSize / kPage;

// ---------------------------------------------------------------- failure

char g_trace[16384];
size_t g_trace_len;
bool g_trace_live;

void trace(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void trace(const char* fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (g_trace_live) fprintf(stderr, "spine: %s\n", line);
  const size_t n = strlen(line);
  if (g_trace_len + n + 2 < sizeof(g_trace)) {
    memcpy(g_trace + g_trace_len, line, n);
    g_trace[g_trace_len + n] = '\n';
    g_trace_len += n + 1;
    g_trace[g_trace_len] = 0;
  }
}

[[noreturn]] void fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void fail(const char* fmt, ...) {
  fprintf(stderr, "==== spine_fuzzer: operations of this input:\n%s", g_trace);
  fprintf(stderr, "==== spine_fuzzer: INVARIANT VIOLATED: ");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

#define CHECK(cond, ...)            \
  do {                              \
    if (!(cond)) fail(__VA_ARGS__); \
  } while (0)

// A return value against the model: exactly `want`, or -ENOMEM where an
// allocation can fail under injection.
void expect_ret(const char* what, long got, long want, bool enomem_ok) {
  if (got == want) return;
  if (enomem_ok && got == -ENOMEM) return;
  fail("%s returned %ld, model says %ld%s", what, got, want, enomem_ok ? " (or -ENOMEM)" : "");
}

// ------------------------------------------------------------------ input

class Input {
 public:
  Input(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool empty() const { return n_ == 0; }
  uint8_t u8() {
    if (!n_) return 0;
    n_--;
    return *p_++;
  }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return u16() | (static_cast<uint32_t>(u16()) << 16); }
  uint64_t u64() { return u32() | (static_cast<uint64_t>(u32()) << 32); }

 private:
  const uint8_t* p_;
  size_t n_;
};

// ------------------------------------------------------------------ model

struct Arch {
  // What arch/<name>/personality.cpp does today (not advertised by a cap).
  bool vm_attr;    // VM KVM_{SET,GET,HAS}_DEVICE_ATTR handled (no group yet)
  bool vcpu_attr;  // vCPU ones
  int run_errno;   // KVM_RUN refused at entry (0: the vCPU runs)
  bool spapr_tce;  // KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE exists
  // Personality::manual_dirty_log_caps as userspace-api.rst documents it
  // ("Dirty logging"); checked against KVM_CHECK_EXTENSION at start-up.
  long doc_manual_caps;
  // From the ABI at start-up.
  long max_vcpus, max_vcpu_ids, nr_memslots, ipa_limit, address_spaces;
  bool readonly;
  int mmap_pages, unknown_vm, unknown_vcpu;
  // KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, and whether the shim lets
  // KVM_CLEAR_DIRTY_LOG through (kx_has_clear_dirty_log()).
  long manual_caps;
  bool has_clear;
};

constexpr long kManualCaps = KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KX_DIRTY_LOG_INITIALLY_SET;

Arch g_arch[KX_NR_PERSONALITIES] = {
    /* arm64 */ {false, true, -ENOEXEC, false, kManualCaps, 0, 0, 0, 0, 0, false, 0, 0, 0, 0,
                 false},
    /* ppc   */ {false, false, 0, true, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, false},
    /* s390  */ {true, false, 0, false, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, false},
};

const long kCaps[] = {
    KX_CAP_USER_MEMORY,
    KX_CAP_NR_VCPUS,
    KX_CAP_NR_MEMSLOTS,
    KX_CAP_SYNC_MMU,
    KX_CAP_DESTROY_MEMORY_REGION_WORKS,
    KX_CAP_JOIN_MEMORY_REGIONS_WORKS,
    KX_CAP_MAX_VCPUS,
    KX_CAP_READONLY_MEM,
    KX_CAP_DEVICE_CTRL,
    KX_CAP_CHECK_EXTENSION_VM,
    KX_CAP_MULTI_ADDRESS_SPACE,
    KX_CAP_MAX_VCPU_ID,
    KX_CAP_IMMEDIATE_EXIT,
    KX_CAP_ARM_VM_IPA_SIZE,
    0,
    1,
    100000,
    -1,
    LONG_MAX,
    LONG_MIN,
    KX_CAP_ENABLE_CAP_VM,
    KX_CAP_MANUAL_DIRTY_LOG_PROTECT,
    KX_CAP_MANUAL_DIRTY_LOG_PROTECT2,
};
constexpr int kNumCaps = sizeof(kCaps) / sizeof(kCaps[0]);
long g_cap_snapshot[KX_NR_PERSONALITIES][kNumCaps];

// Slots above this many pages (a 256 KiB bitmap) log dirty pages in the
// core but not in the model: their KVM_GET/CLEAR_DIRTY_LOG calls are
// checked for the errno only, with a faulting user bitmap.
constexpr uint64_t kModelMaxPages = 1ull << 21;

struct SlotModel {
  uint32_t flags;
  uint64_t base_gfn, npages, uaddr;
  // While KX_MEM_LOG_DIRTY_PAGES is set: the dirty log, in the user
  // bitmap's layout (page n is bit n % 64 of word n / 64), when
  // dirty_known (npages <= kModelMaxPages).
  std::vector<uint64_t> dirty;
  bool dirty_known = false;
  bool logging() const { return flags & KX_MEM_LOG_DIRTY_PAGES; }
};

struct VmModel {
  bool alive = false;
  kx_vm* h = nullptr;
  kx_personality p = KX_ARM64;
  uint32_t ipa_bits = 0;
  void* owner = nullptr;
  bool fd_open = false;
  int refs = 0;
  std::map<uint16_t, SlotModel> slots;
  std::set<uint32_t> vcpu_ids;
  uint32_t nr_devices = 0;
  bool vfio_on_list = false;
  // KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)'s args[0] (0: legacy).
  uint64_t manual = 0;
};

struct VcpuFd {
  bool open = false;
  kx_vcpu* h = nullptr;
  int vm = -1;
  uint32_t id = 0;
};

struct DevFd {
  bool open = false;
  kx_device* h = nullptr;
  int vm = -1;
  bool dummy = false;
  std::set<int> groups;  // VFIO: the group fds added
};

struct DummyState {
  kx_vm* vm;
  bool inited;
  void* priv;
  uint64_t value;
};

struct State {
  VmModel vms[kMaxVms];
  VcpuFd vcpus[kMaxVcpuFds];
  DevFd devs[kMaxDevFds];
  unsigned live_vms = 0;
  bool inject = false;
  int burst_budget = kBurstBudget;
  std::vector<uint64_t> touched;  // RAM pages written or read this input
};

State* g;
uint8_t* g_ram;
int g_devnull = -1;
int g_group_fds[2] = {-1, -1};  // "VFIO group" files
// Outstanding kx_file_get() references, by handle (the wrapped hooks).
std::map<void*, long> g_file_refs;
long g_file_refs_total;
long g_live_baseline;
char g_owner_tags[kMaxVms];

// Dummy-device bookkeeping, written by its callbacks.
std::map<kx_device*, DummyState> g_dummies;
kx_vm* g_destroying_vm;     // destroy allowed: this VM's last put
kx_device* g_aborting_dev;  // destroy allowed: this device's abort
int g_dummy_refuse;         // what the next dummy create returns (0: ok)

// "User memory" as platform_host.cpp sees it.
bool user_ok(uint64_t uaddr, uint64_t len) {
  return uaddr >= 4096 && uaddr < host::kUserTop && len <= host::kUserTop - uaddr;
}
bool in_ram(uint64_t addr, uint64_t len) {
  const uint64_t base = reinterpret_cast<uint64_t>(g_ram);
  return addr >= base && addr - base <= kRamSize && len <= kRamSize - (addr - base);
}
bool fd_valid(int fd) { return fd >= 0 && fcntl(fd, F_GETFD) >= 0; }

// The shim's kx_vm_put, with the model's reference count.
void vm_put(int vi) {
  VmModel& v = g->vms[vi];
  CHECK(v.alive && v.refs > 0, "model: put of a dead VM %d", vi);
  const bool last = --v.refs == 0;
  if (last) g_destroying_vm = v.h;
  kx_vm_put(v.h);
  g_destroying_vm = nullptr;
  if (last) {
    for (auto& [dev, st] : g_dummies) {
      CHECK(st.vm != v.h, "device %p of destroyed VM %d was never destroyed", (void*)dev, vi);
    }
    v = VmModel();
    g->live_vms--;
  }
}

void vm_get(int vi) {
  kx_vm_get(g->vms[vi].h);
  g->vms[vi].refs++;
}

long model_file_refs() {
  long n = 0;
  for (const DevFd& d : g->devs) {
    if (d.open) n += d.groups.size();
  }
  return n;
}

void check_global() {
  CHECK(kx_vm_count() == g->live_vms, "kx_vm_count() %u, model %u", kx_vm_count(), g->live_vms);
  CHECK(g_file_refs_total == model_file_refs(), "%ld file references held, model %ld",
        g_file_refs_total, model_file_refs());
  if (g->live_vms == 0) {
    CHECK(host::live_allocations() == g_live_baseline,
          "no VM left but %ld allocations live (baseline %ld): leak", host::live_allocations(),
          g_live_baseline);
  }
}

// ------------------------------------------------------ the dummy device

DummyState* dummy_of(kx_device* dev) {
  auto it = g_dummies.find(dev);
  CHECK(it != g_dummies.end(), "callback on unknown dummy device %p", (void*)dev);
  return &it->second;
}

int dummy_create(kx_device* dev, unsigned int type) {
  CHECK(type == kDummyType, "dummy create with type %u", type);
  CHECK(!g_dummies.count(dev), "dummy create twice on %p", (void*)dev);
  CHECK(kx_device_private(dev) == nullptr, "new device with private data");
  if (g_dummy_refuse) return g_dummy_refuse;
  void* priv = kx_alloc(16);
  if (!priv) return -ENOMEM;
  kx_device_set_private(dev, priv);
  g_dummies[dev] = DummyState{kx_device_vm(dev), false, priv, 0};
  return 0;
}

void dummy_init(kx_device* dev) {
  DummyState* st = dummy_of(dev);
  CHECK(!st->inited, "dummy init twice");
  st->inited = true;
}

void dummy_destroy(kx_device* dev) {
  DummyState* st = dummy_of(dev);
  CHECK(dev == g_aborting_dev || (g_destroying_vm && st->vm == g_destroying_vm),
        "dummy destroy outside its VM's destruction or its abort");
  CHECK(kx_device_private(dev) == st->priv, "dummy private data changed");
  kx_free(st->priv);
  g_dummies.erase(dev);
}

int dummy_set_attr(kx_device* dev, const kx_attr* a) {
  DummyState* st = dummy_of(dev);
  if (a->group != 0) return -ENXIO;
  uint64_t v;
  if (kx_copy_from_user(&v, a->addr, sizeof(v))) return -EFAULT;
  st->value = v;
  return 0;
}

int dummy_get_attr(kx_device* dev, const kx_attr* a) {
  DummyState* st = dummy_of(dev);
  if (a->group != 0) return -ENXIO;
  return kx_copy_to_user(a->addr, &st->value, sizeof(st->value)) ? -EFAULT : 0;
}

int dummy_has_attr(kx_device* dev, const kx_attr* a) {
  dummy_of(dev);
  return a->group == 0 ? 0 : -ENXIO;
}

long dummy_ioctl(kx_device* dev, unsigned int cmd, unsigned long) {
  dummy_of(dev);
  return cmd == kDummyIoctl ? kDummyIoctlValue : -ENOTTY;
}

const kx_device_ops kDummyOps = {
    .name = "fuzz-dummy",
    .create = dummy_create,
    .init = dummy_init,
    .destroy = dummy_destroy,
    .release = nullptr,
    .set_attr = dummy_set_attr,
    .get_attr = dummy_get_attr,
    .has_attr = dummy_has_attr,
    .ioctl = dummy_ioctl,
};

// ------------------------------------------------------------- selectors

int pick_vm(uint8_t b) {
  int idx[kMaxVms], n = 0;
  for (int i = 0; i < kMaxVms; i++) {
    if (g->vms[i].alive && g->vms[i].fd_open) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

int pick_vcpu(uint8_t b) {
  int idx[kMaxVcpuFds], n = 0;
  for (int i = 0; i < kMaxVcpuFds; i++) {
    if (g->vcpus[i].open) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

int pick_dev(uint8_t b) {
  int idx[kMaxDevFds], n = 0;
  for (int i = 0; i < kMaxDevFds; i++) {
    if (g->devs[i].open) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

const SlotModel* nth_slot(const VmModel* v, uint8_t k, uint16_t* id) {
  if (!v || v->slots.empty()) return nullptr;
  auto it = v->slots.begin();
  for (int i = k % v->slots.size(); i > 0; i--) ++it;
  if (id) *id = it->first;
  return &it->second;
}

uint64_t ram_base() { return reinterpret_cast<uint64_t>(g_ram); }

unsigned long vm_type_sel(Input& in) {
  static const unsigned long kTypes[] = {0x100, 0x128, 0x80000000ul, ~0ul, 0x1ff, 0xff, 2, 3};
  const uint8_t b = in.u8();
  switch (b >> 6) {
    case 0:
    case 1:
      return b & 0x3f;  // arm64 IPA sizes 0..63, ppc/s390 0/1
    case 2:
      return kTypes[b % 8];
    default:
      return in.u64();
  }
}

uint32_t slot_sel(Input& in, const Arch& a) {
  const uint8_t b = in.u8();
  if (b < 0xf0) return b & 7;
  const uint32_t special[] = {static_cast<uint32_t>(a.nr_memslots - 1),
                              static_cast<uint32_t>(a.nr_memslots),
                              0xffff,
                              0x10000,
                              0x10003,
                              0xffffffffu,
                              0x8000,
                              0x7fff};
  if (b < 0xf8) return special[b & 7];
  return in.u32();
}

uint32_t mem_flags_sel(Input& in) {
  const uint8_t b = in.u8();
  if (b < 0xf0) return b & 3;
  if (b < 0xf8) return 1u << (b & 7);
  return in.u32();
}

// A guest physical address for a slot: near an existing one, small, or
// at the edges the checks care about.
uint64_t slot_gpa_sel(Input& in, const VmModel* v) {
  static const uint64_t kSpecial[] = {
      (1ull << 32) - kPage, 1ull << 32,           (1ull << 40) - kPage, 1ull << 40,
      (1ull << 48) - kPage, 1ull << 48,           0ull - kPage,         0x800,
      (1ull << 44),         (1ull << 52) - kPage, 0ull - 2 * kPage,     0x7ffffffff000ull,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0: {
      const SlotModel* s = nth_slot(v, in.u8(), nullptr);
      if (!s) return static_cast<uint64_t>(b >> 2) * kPage;
      const uint64_t base = s->base_gfn * kPage, size = s->npages * kPage;
      switch ((b >> 2) % 8) {
        case 0:
          return base;
        case 1:
          return base + size;
        case 2:
          return base - kPage;
        case 3:
          return base + kPage;
        case 4:
          return base + size - kPage;
        case 5:
          return base - size;
        case 6:
          return base + size / 2;
        default:
          return base + size + kPage;
      }
    }
    case 1:
      return static_cast<uint64_t>(b >> 2) * kPage + static_cast<uint64_t>(in.u8()) * 64 * kPage;
    case 2:
      return kSpecial[(b >> 2) % (sizeof(kSpecial) / sizeof(kSpecial[0]))];
    default:
      return in.u64();
  }
}

uint64_t slot_size_sel(Input& in, const VmModel* v) {
  static const uint64_t kSpecial[] = {
      0,
      0x800,
      kMaxSlotPages * kPage,
      (kMaxSlotPages + 1) * kPage,
      1ull << 40,
      host::kUserTop,
      0ull - kPage,
      kRamSize,
      kRamSize + kPage,
      kPage + 1,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0:
      return static_cast<uint64_t>((b >> 2) + 1) * kPage;  // 1..64 pages
    case 1: {
      const SlotModel* s = nth_slot(v, in.u8(), nullptr);
      return s ? s->npages * kPage : static_cast<uint64_t>(b >> 2) * kPage;
    }
    case 2:
      return kSpecial[(b >> 2) % (sizeof(kSpecial) / sizeof(kSpecial[0]))];
    default:
      return in.u64();
  }
}

uint64_t uaddr_sel(Input& in, const VmModel* v) {
  const uint64_t special[] = {
      0,
      0x800,
      4096,
      host::kUserTop - kPage,
      host::kUserTop,
      ram_base() + 1,
      0ull - kPage,
      ram_base() + kRamSize - kPage,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0:
      return ram_base() + (in.u16() % kRamPages) * kPage;
    case 1: {
      const SlotModel* s = nth_slot(v, in.u8(), nullptr);
      return s ? s->uaddr : ram_base() + static_cast<uint64_t>(b >> 2) * kPage;
    }
    case 2:
      return special[(b >> 2) % 8];
    default:
      return in.u64();
  }
}

// A guest address for an access: in, at the edges of, or next to a slot.
uint64_t access_gpa_sel(Input& in, const VmModel* v) {
  static const uint64_t kSpecial[] = {
      0,         1ull << 32, (1ull << 40) - 8, (1ull << 48) - 8, 0ull - 8,     host::kUserTop,
      kPage - 1, kPage - 4,  0x1000,           (1ull << 40),     0ull - kPage, kPage * 64,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0: {
      const uint8_t k = in.u8(), off = in.u8();
      const SlotModel* s = nth_slot(v, k, nullptr);
      if (!s) return static_cast<uint64_t>(b >> 2) * kPage + off;
      const uint64_t base = s->base_gfn * kPage, size = s->npages * kPage;
      switch ((b >> 2) % 6) {
        case 0:
          return base + off;
        case 1:
          return base + size - 1 - off;  // the last bytes
        case 2:
          return base + size + off;  // just past the end
        case 3:
          return base - 1 - off;  // just before the start
        case 4:
          return base + (off % (s->npages ? s->npages : 1)) * kPage + (in.u8() << 4);
        default:
          return base + kPage - 8 + (off & 15);  // across the first page end
      }
    }
    case 1:
      return static_cast<uint64_t>(b >> 2) * kPage + in.u16();
    case 2:
      return kSpecial[(b >> 2) % (sizeof(kSpecial) / sizeof(kSpecial[0]))];
    default:
      return in.u64();
  }
}

uint32_t vcpu_id_sel(Input& in, const Arch& a) {
  const uint8_t b = in.u8();
  if (b < 0xe0) return b & 15;
  const uint32_t special[] = {static_cast<uint32_t>(a.max_vcpu_ids - 1),
                              static_cast<uint32_t>(a.max_vcpu_ids),
                              static_cast<uint32_t>(a.max_vcpus - 1),
                              static_cast<uint32_t>(a.max_vcpus),
                              0xffffffffu,
                              0x80000000u,
                              255,
                              256};
  if (b < 0xf0) return special[b & 7];
  return in.u32();
}

int fd_sel(Input& in) {
  const uint8_t b = in.u8();
  switch (b % 8) {
    case 0:
      return g_devnull;
    case 1:
      return -1;
    case 2:
      return 0;
    case 3:
      return 2;
    case 4:
      return 1 << 20;
    case 5:
      return g_group_fds[0];
    case 6:
      return g_group_fds[1];
    default:
      return static_cast<int>(in.u32());
  }
}

bool is_group_fd(int fd) { return fd >= 0 && (fd == g_group_fds[0] || fd == g_group_fds[1]); }

// struct kvm_device_attr in "user memory", and what it points to.
struct AttrSpec {
  unsigned long long uattr;
  bool uattr_faults;
  kx_attr a;
  bool payload_faults;  // for any copy of 1..8 bytes
};

alignas(64) uint8_t g_user[1024];
constexpr size_t kPayloadOffset = 512;

AttrSpec attr_sel(Input& in) {
  AttrSpec s = {};
  const uint8_t um = in.u8();
  const uint8_t gb = in.u8();
  s.a.group = gb < 0xf0 ? gb % 4 : in.u32();
  const uint8_t ab = in.u8();
  s.a.attr = ab < 0xf0 ? ab % 5 : in.u64();
  s.a.flags = in.u8();
  const uint8_t pm = in.u8();
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, 0, 16);
  const uint64_t pbase = reinterpret_cast<uint64_t>(payload);
  switch (pm % 7) {
    case 0: {  // fuzzer bytes
      const uint64_t v = in.u64();
      memcpy(payload, &v, sizeof(v));
      s.a.addr = pbase;
      break;
    }
    case 1: {  // an int fd
      const int fd = fd_sel(in);
      memcpy(payload, &fd, sizeof(fd));
      s.a.addr = pbase;
      break;
    }
    case 2: {  // struct kvm_vfio_spapr_tce { groupfd, tablefd }
      const int fds[2] = {fd_sel(in), fd_sel(in)};
      memcpy(payload, fds, sizeof(fds));
      s.a.addr = pbase;
      break;
    }
    case 3:
      s.a.addr = 0;  // nowhere
      s.payload_faults = true;
      break;
    case 4:
      s.a.addr = host::kUserTop;
      s.payload_faults = true;
      break;
    case 5:
      s.a.addr = ~0ull;
      s.payload_faults = true;
      break;
    default:
      s.a.addr = 8;
      s.payload_faults = true;
      break;
  }
  switch (um % 8) {
    case 5:
      s.uattr = 0;
      s.uattr_faults = true;
      break;
    case 6:
      s.uattr = host::kUserTop - 8;  // straddles the top
      s.uattr_faults = true;
      break;
    case 7:
      s.uattr = 4095;
      s.uattr_faults = true;
      break;
    default: {
      uint8_t* at = g_user + (um >> 3) % 8;  // possibly misaligned
      memcpy(at, &s.a, sizeof(s.a));
      s.uattr = reinterpret_cast<uint64_t>(at);
      break;
    }
  }
  return s;
}

const char* op_name(int op) {
  static const char* const names[] = {"SET", "GET", "HAS"};
  return names[op];
}

// ------------------------------------------------------- memory regions

struct MemPlan {
  int err;
  bool allocs;
  enum { kNone, kCreate, kDelete, kModify } change;
};

bool model_overlaps(const VmModel& v, uint64_t base, uint64_t npages, int except_id) {
  for (const auto& [id, s] : v.slots) {
    if (id == except_id) continue;
    if (s.base_gfn < base + npages && base < s.base_gfn + s.npages) return true;
  }
  return false;
}

// __kvm_set_memory_region(), and arm64's kvm_arch_prepare_memory_region()
// IPA check.
MemPlan plan_set_mem(const VmModel& v, const kx_memory_region& r) {
  const Arch& a = g_arch[v.p];
  const MemPlan inval = {-EINVAL, false, MemPlan::kNone};
  const uint32_t as_id = r.slot >> 16;
  const uint16_t id = static_cast<uint16_t>(r.slot);
  const uint32_t valid = KX_MEM_LOG_DIRTY_PAGES | (a.readonly ? KX_MEM_READONLY : 0);
  if (r.flags & ~valid) return inval;
  if (r.memory_size % kPage) return inval;
  if (r.guest_phys_addr % kPage) return inval;
  if (r.userspace_addr % kPage || r.userspace_addr >= host::kUserTop ||
      r.memory_size > host::kUserTop - r.userspace_addr)
    return inval;
  if (as_id >= a.address_spaces || id >= a.nr_memslots) return inval;
  if (r.guest_phys_addr + r.memory_size < r.guest_phys_addr) return inval;
  if (r.memory_size / kPage > kMaxSlotPages) return inval;

  const uint64_t base = r.guest_phys_addr / kPage, npages = r.memory_size / kPage;
  auto old = v.slots.find(id);
  const uint64_t ipa_pages = v.ipa_bits ? 1ull << (v.ipa_bits - KX_PAGE_SHIFT) : 0;
  if (npages == 0) {
    if (old == v.slots.end()) return inval;
    return {0, false, MemPlan::kDelete};
  }
  if (old == v.slots.end()) {
    if (model_overlaps(v, base, npages, -1)) return {-EEXIST, false, MemPlan::kNone};
    if (ipa_pages && base + npages > ipa_pages) return {-EFAULT, false, MemPlan::kNone};
    return {0, true, MemPlan::kCreate};
  }
  const SlotModel& o = old->second;
  if (r.userspace_addr != o.uaddr || npages != o.npages || ((r.flags ^ o.flags) & KX_MEM_READONLY))
    return inval;
  const bool move = base != o.base_gfn;
  if (!move && r.flags == o.flags) return {0, false, MemPlan::kNone};
  if (move) {
    if (model_overlaps(v, base, npages, id)) return {-EEXIST, false, MemPlan::kNone};
    if (ipa_pages && base + npages > ipa_pages) return {-EFAULT, false, MemPlan::kNone};
  }
  const bool allocs = (r.flags & KX_MEM_LOG_DIRTY_PAGES) && !(o.flags & KX_MEM_LOG_DIRTY_PAGES);
  return {0, allocs, MemPlan::kModify};
}

uint64_t log_words(uint64_t npages) { return (npages + 63) / 64; }

// The log turned on: all clear, or all set (and nothing past the slot's
// end) when the VM enabled KVM_DIRTY_LOG_INITIALLY_SET.
void log_enable(const VmModel& v, SlotModel& s) {
  s.dirty.clear();
  s.dirty_known = s.npages <= kModelMaxPages;
  if (!s.dirty_known) return;
  const bool set = v.manual & KX_DIRTY_LOG_INITIALLY_SET;
  s.dirty.assign(log_words(s.npages), set ? ~0ull : 0);
  if (set && s.npages % 64) s.dirty.back() = (1ull << (s.npages % 64)) - 1;
}

void log_disable(SlotModel& s) {
  std::vector<uint64_t>().swap(s.dirty);
  s.dirty_known = false;
}

void apply_set_mem(VmModel& v, const kx_memory_region& r, const MemPlan& plan) {
  const uint16_t id = static_cast<uint16_t>(r.slot);
  switch (plan.change) {
    case MemPlan::kCreate: {
      SlotModel& s = v.slots[id];
      s = SlotModel{r.flags, r.guest_phys_addr / kPage, r.memory_size / kPage, r.userspace_addr};
      if (s.logging()) log_enable(v, s);
      break;
    }
    case MemPlan::kDelete:
      v.slots.erase(id);
      break;
    case MemPlan::kModify: {
      // A move keeps the log; the flag turned on starts a new one, turned
      // off frees it.
      SlotModel& s = v.slots[id];
      const bool was = s.logging();
      s.flags = r.flags;
      s.base_gfn = r.guest_phys_addr / kPage;
      if (s.logging() && !was) log_enable(v, s);
      if (!s.logging() && was) log_disable(s);
      break;
    }
    case MemPlan::kNone:
      break;
  }
}

// --------------------------------------------------------- guest access

struct AccessPlan {
  int err;
  uint32_t result;
  bool unsafe;    // would touch host memory outside the arena: not issued
  uint64_t host;  // KX_ACCESS_RESULT_RAM: where
  uint16_t slot;  // ... in which slot
  uint64_t page;  // ... and which of its pages
};

AccessPlan plan_access(const VmModel& v, const kx_guest_access& acc) {
  if (acc.flags & ~KX_ACCESS_WRITE) return {-EINVAL, 0, false, 0};
  const bool write = acc.flags & KX_ACCESS_WRITE;
  switch (acc.kind) {
    case KX_ACCESS_MEM: {
      if (acc.len != 1 && acc.len != 2 && acc.len != 4 && acc.len != 8)
        return {-EINVAL, 0, false, 0};
      if ((acc.addr & (kPage - 1)) + acc.len > kPage) return {-EINVAL, 0, false, 0};
      const uint64_t gfn = acc.addr / kPage;
      for (const auto& [id, s] : v.slots) {
        if (gfn < s.base_gfn || gfn - s.base_gfn >= s.npages) continue;
        if (write && (s.flags & KX_MEM_READONLY)) break;  // MMIO
        const uint64_t host = s.uaddr + (acc.addr - s.base_gfn * kPage);
        if (!user_ok(host, acc.len)) return {-EFAULT, 0, false, 0};
        if (!in_ram(host, acc.len)) return {0, 0, true, 0};
        return {0, KX_ACCESS_RESULT_RAM, false, host, id, gfn - s.base_gfn};
      }
      return {0, KX_ACCESS_RESULT_EXIT, false, 0};
    }
    case KX_ACCESS_SYSREG:
    case KX_ACCESS_HYPERCALL:
      return {-ENXIO, 0, false, 0};  // no personality implements them yet
    default:
      return {-EINVAL, 0, false, 0};
  }
}

void touch(uint64_t host) { g->touched.push_back(host & ~(kPage - 1)); }

constexpr unsigned kResultSentinel = 0xdeadbeef;

// One access, issued only when the model says it stays in the arena, and
// checked against the model in full.
void guest_access(const VcpuFd& c, unsigned kind, unsigned flags, uint64_t addr, unsigned len,
                  uint64_t data, const char* what) {
  const VmModel& v = g->vms[c.vm];
  kx_guest_access acc = {kind, flags, addr, len, kResultSentinel, data};
  const AccessPlan plan = plan_access(v, acc);
  if (plan.unsafe) {
    trace("  %s: skipped (host address outside the arena)", what);
    return;
  }
  const bool write = flags & KX_ACCESS_WRITE;
  uint64_t before = 0;
  if (plan.err == 0 && plan.result == KX_ACCESS_RESULT_RAM) {
    touch(plan.host);
    memcpy(&before, reinterpret_cast<void*>(plan.host), len);
  }
  kx_exit exit = {};
  exit.reason = KX_EXIT_UNKNOWN;
  const int r = kx_vcpu_guest_access(c.h, &acc, &exit);
  trace("  %s: kind %u flags %#x addr %#llx len %u data %#llx -> %d result %u data %#llx", what,
        kind, flags, (unsigned long long)addr, len, (unsigned long long)data, r, acc.result,
        (unsigned long long)acc.data);
  expect_ret(what, r, plan.err, false);
  if (r != 0) {
    CHECK(acc.result == kResultSentinel && acc.data == data, "%s: failed access changed it", what);
    CHECK(!exit.set, "%s: failed access set an exit", what);
    return;
  }
  CHECK(acc.result == plan.result, "%s: result %u, model %u", what, acc.result, plan.result);
  if (plan.result == KX_ACCESS_RESULT_RAM) {
    CHECK(!exit.set, "%s: RAM access set an exit", what);
    if (write) {
      CHECK(acc.data == data, "%s: write changed data", what);
      CHECK(memcmp(reinterpret_cast<void*>(plan.host), &data, len) == 0,
            "%s: RAM at %#llx does not hold the stored bytes", what, (unsigned long long)plan.host);
      // The store dirties its page when the slot logs.
      SlotModel& s = g->vms[c.vm].slots[plan.slot];
      if (s.logging() && s.dirty_known) s.dirty[plan.page / 64] |= 1ull << (plan.page % 64);
    } else {
      CHECK(acc.data == before, "%s: load %#llx, RAM holds %#llx", what,
            (unsigned long long)acc.data, (unsigned long long)before);
    }
  } else {
    CHECK(exit.set && exit.reason == KX_EXIT_MMIO, "%s: no MMIO exit", what);
    CHECK(exit.mmio_addr == addr && exit.mmio_len == len && exit.mmio_is_write == write,
          "%s: MMIO exit fields %#llx/%u/%u", what, exit.mmio_addr, exit.mmio_len,
          exit.mmio_is_write);
    for (unsigned i = 0; i < 8; i++) {
      const uint8_t want = write && i < len ? static_cast<uint8_t>(data >> (8 * i)) : 0;
      CHECK(exit.mmio_data[i] == want, "%s: mmio_data[%u] %#x, want %#x", what, i,
            exit.mmio_data[i], want);
    }
    CHECK(acc.data == (write ? data : 0), "%s: MMIO data %#llx", what,
          (unsigned long long)acc.data);
  }
}

// A load probe, compared before and after a call that must not change
// what the guest sees.
struct Probe {
  bool done;
  int r;
  uint32_t result;
  uint64_t data;
  uint8_t exit_set;
  uint32_t reason;
  uint64_t mmio_addr;
  bool operator==(const Probe& o) const {
    return done == o.done && r == o.r && result == o.result && data == o.data &&
           exit_set == o.exit_set && reason == o.reason && mmio_addr == o.mmio_addr;
  }
};

Probe probe(const VcpuFd* c, uint64_t gpa) {
  Probe p = {};
  if (!c) return p;
  kx_guest_access acc = {KX_ACCESS_MEM, 0, gpa, 1, 0, 0};
  const AccessPlan plan = plan_access(g->vms[c->vm], acc);
  if (plan.unsafe) return p;
  if (plan.err == 0 && plan.result == KX_ACCESS_RESULT_RAM) touch(plan.host);
  kx_exit exit = {};
  p.done = true;
  p.r = kx_vcpu_guest_access(c->h, &acc, &exit);
  p.result = acc.result;
  p.data = acc.data;
  p.exit_set = exit.set;
  p.reason = exit.reason;
  p.mmio_addr = exit.mmio_addr;
  return p;
}

const VcpuFd* vcpu_fd_of_vm(int vi) {
  for (const VcpuFd& c : g->vcpus) {
    if (c.open && c.vm == vi) return &c;
  }
  return nullptr;
}

// ------------------------------------------------------------ operations

enum Op {
  kCreateVm,
  kCloseVm,
  kSetMem,
  kCreateVcpu,
  kCloseVcpu,
  kRun,
  kGuestAccess,
  kCreateDevice,
  kDeviceAttr,
  kCloseDevice,
  kDeviceIoctl,
  kVmAttr,
  kVcpuAttr,
  kCheckExtension,
  kFailAlloc,
  kVcpuBurst,
  kDeviceBurst,
  kMisc,
  kTeardownOrder,
  kEnableCap,
  kGetDirtyLog,
  kClearDirtyLog,
  kNumOps,
};

void op_create_vm(Input& in) {
  const uint8_t pb = in.u8();
  const unsigned long type = vm_type_sel(in);
  const bool with_owner = in.u8() & 1;
  const int p = pb % 16 == 15 ? KX_NR_PERSONALITIES : pb % 3;
  int slot = -1;
  for (int i = 0; i < kMaxVms; i++) {
    if (!g->vms[i].alive) {
      slot = i;
      break;
    }
  }
  trace("create_vm p %d type %#lx owner %d (table slot %d)", p, type, with_owner, slot);
  if (slot < 0) return;
  // The model: kvm_arch_init_vm()'s reading of the type.
  int want = 0;
  uint32_t ipa = 0;
  if (p == KX_ARM64) {
    const long limit = g_arch[KX_ARM64].ipa_limit;
    const unsigned bits = type & KX_VM_TYPE_ARM_IPA_SIZE_MASK;
    if (type & ~KX_VM_TYPE_ARM_IPA_SIZE_MASK)
      want = -EINVAL;
    else if (bits == 0 && KX_ARM64_DEFAULT_IPA_BITS > limit)
      want = -EINVAL;
    else if (bits == 0)
      ipa = KX_ARM64_DEFAULT_IPA_BITS;
    else if (bits > limit || bits < KX_ARM64_MIN_IPA_BITS)
      want = -EINVAL;
    else
      ipa = bits;
  } else if (p == KX_PPC) {
    want = type == 0 || type == KX_VM_PPC_HV ? 0 : -EINVAL;
  } else if (p == KX_S390) {
    want = type == 0 ? 0 : -EINVAL;
  } else {
    want = -EINVAL;
  }
  void* owner = with_owner ? &g_owner_tags[slot] : nullptr;
  kx_vm* h = reinterpret_cast<kx_vm*>(0x1);
  const int r = kx_vm_create(static_cast<kx_personality>(p), type, owner, &h);
  trace("  -> %d", r);
  expect_ret("kx_vm_create", r, want, want == 0 && g->inject);
  if (r != 0) {
    CHECK(h == reinterpret_cast<kx_vm*>(0x1), "failed kx_vm_create wrote *out");
    return;
  }
  VmModel& v = g->vms[slot];
  v = VmModel();
  v.alive = true;
  v.h = h;
  v.p = static_cast<kx_personality>(p);
  v.ipa_bits = ipa;
  v.owner = owner;
  v.fd_open = true;
  v.refs = 1;
  g->live_vms++;
  CHECK(kx_vm_personality(h) == p, "kx_vm_personality");
  CHECK(kx_vm_owner(h) == owner, "kx_vm_owner");
}

void op_close_vm(Input& in) {
  const int vi = pick_vm(in.u8());
  trace("close_vm %d", vi);
  if (vi < 0) return;
  g->vms[vi].fd_open = false;
  vm_put(vi);
}

void op_set_mem(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t kind = in.u8() % 4;
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const Arch& a = g_arch[v ? v->p : KX_ARM64];
  kx_memory_region r = {};
  uint16_t id = 0;
  const SlotModel* s = nullptr;
  switch (kind) {
    case 0:  // anything, from the selectors
      r.slot = slot_sel(in, a);
      r.flags = mem_flags_sel(in);
      r.guest_phys_addr = slot_gpa_sel(in, v);
      r.memory_size = slot_size_sel(in, v);
      r.userspace_addr = uaddr_sel(in, v);
      break;
    case 1:  // modify an existing slot: move and/or flags
      s = nth_slot(v, in.u8(), &id);
      r.slot = s ? id : slot_sel(in, a);
      r.flags = mem_flags_sel(in);
      r.guest_phys_addr = slot_gpa_sel(in, v);
      r.memory_size = s ? s->npages * kPage : slot_size_sel(in, v);
      r.userspace_addr = s ? s->uaddr : uaddr_sel(in, v);
      break;
    case 2:  // delete an existing slot
      s = nth_slot(v, in.u8(), &id);
      r.slot = s ? id : slot_sel(in, a);
      r.flags = mem_flags_sel(in);
      r.guest_phys_addr = slot_gpa_sel(in, v);
      r.memory_size = 0;
      r.userspace_addr = (in.u8() & 1) ? uaddr_sel(in, v) : (s ? s->uaddr : 0);
      break;
    default:  // raw
      r.slot = in.u32();
      r.flags = in.u32();
      r.guest_phys_addr = in.u64();
      r.memory_size = in.u64();
      r.userspace_addr = in.u64();
      break;
  }
  trace("set_mem vm %d slot %#x flags %#x gpa %#llx size %#llx uaddr %#llx%s", vi, r.slot, r.flags,
        r.guest_phys_addr, r.memory_size,
        static_cast<unsigned long long>(in_ram(r.userspace_addr, 0) ? r.userspace_addr - ram_base()
                                                                    : r.userspace_addr),
        in_ram(r.userspace_addr, 0) ? " (arena+)" : "");
  if (!v) return;

  const MemPlan plan = plan_set_mem(*v, r);
  // Probes: the region's start and, if the slot exists, its current base.
  const VcpuFd* c = vcpu_fd_of_vm(vi);
  auto cur = v->slots.find(static_cast<uint16_t>(r.slot));
  const uint64_t probe_gpa[2] = {r.guest_phys_addr & ~(kPage - 1),
                                 cur != v->slots.end() ? cur->second.base_gfn * kPage : 0};
  Probe before[2] = {probe(c, probe_gpa[0]), probe(c, probe_gpa[1])};

  // On an existing slot (modify, delete, no-op) memory follows the dirty
  // bitmap: allocated while logging, freed with the slot, and untouched by
  // a failed call. (A create may legitimately keep grown index arrays.)
  const bool existing = cur != v->slots.end() && plan.change != MemPlan::kCreate;
  const bool was_logging = existing && (cur->second.flags & KX_MEM_LOG_DIRTY_PAGES);
  const long live_before = host::live_allocations();
  const int ret = kx_vm_set_memory_region(v->h, &r);
  const long delta = host::live_allocations() - live_before;
  trace("  -> %d (model %d), allocations %+ld", ret, plan.err, delta);
  expect_ret("kx_vm_set_memory_region", ret, plan.err, plan.err == 0 && plan.allocs && g->inject);
  if (existing) {
    const bool logging = r.flags & KX_MEM_LOG_DIRTY_PAGES;
    long sign = 0;  // failed, or no change of logging
    if (ret == 0 && plan.change == MemPlan::kDelete) sign = -1;
    if (ret == 0 && plan.change == MemPlan::kModify && logging != was_logging)
      sign = logging ? 1 : -1;
    CHECK((delta > 0) - (delta < 0) == sign,
          "set_memory_region on existing slot %u (%d): allocations %+ld, expected sign %+ld",
          r.slot & 0xffff, ret, delta, sign);
  }
  if (ret == 0) {
    apply_set_mem(*v, r, plan);
  } else {
    for (int i = 0; i < 2; i++) {
      const Probe after = probe(c, probe_gpa[i]);
      CHECK(after == before[i],
            "failed set_memory_region (%d) changed a lookup at %#llx: r %d->%d result %u->%u "
            "data %#llx->%#llx exit %u->%u",
            ret, (unsigned long long)probe_gpa[i], before[i].r, after.r, before[i].result,
            after.result, (unsigned long long)before[i].data, (unsigned long long)after.data,
            before[i].exit_set, after.exit_set);
    }
  }
}

int free_vcpu_fd() {
  for (int i = 0; i < kMaxVcpuFds; i++) {
    if (!g->vcpus[i].open) return i;
  }
  return -1;
}

int free_dev_fd() {
  for (int i = 0; i < kMaxDevFds; i++) {
    if (!g->devs[i].open) return i;
  }
  return -1;
}

// kx_vm_create_vcpu against the model; the shim's fd step after it: keep
// an fd (fd_slot >= 0), close it at once (-1), or fail to make it (abort).
void create_vcpu(int vi, uint32_t id, bool abort_fd, int fd_slot) {
  VmModel& v = g->vms[vi];
  const Arch& a = g_arch[v.p];
  int want = 0;
  if (id >= a.max_vcpu_ids)
    want = -EINVAL;
  else if (v.vcpu_ids.size() >= static_cast<size_t>(a.max_vcpus))
    want = -EINVAL;
  else if (v.vcpu_ids.count(id))
    want = -EEXIST;
  kx_vcpu* h = reinterpret_cast<kx_vcpu*>(0x1);
  const int r = kx_vm_create_vcpu(v.h, id, &h);
  if (r != want || g_trace_live)
    trace("  create_vcpu vm %d id %u -> %d (model %d)", vi, id, r, want);
  // The vCPU is allocated before the duplicate check.
  expect_ret("kx_vm_create_vcpu", r, want, g->inject && (want == 0 || want == -EEXIST));
  if (r != 0) {
    CHECK(h == reinterpret_cast<kx_vcpu*>(0x1), "failed kx_vm_create_vcpu wrote *out");
    return;
  }
  CHECK(kx_vcpu_id(h) == id && kx_vcpu_vm(h) == v.h, "new vCPU's id or VM");
  for (int i = 0; i < 3; i++) {
    void* page = kx_vcpu_page(h, i);
    CHECK((page != nullptr) == (i < a.mmap_pages), "kx_vcpu_page(%d) %p with %d pages", i, page,
          a.mmap_pages);
    if (page) CHECK(*static_cast<volatile uint8_t*>(page) == 0, "vCPU page not zeroed");
  }
  vm_get(vi);
  if (abort_fd) {
    kx_vm_abort_vcpu(v.h, h);
    vm_put(vi);
    return;
  }
  v.vcpu_ids.insert(id);
  if (fd_slot < 0) {
    vm_put(vi);
    return;
  }
  g->vcpus[fd_slot] = VcpuFd{true, h, vi, id};
}

void op_create_vcpu(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint32_t id = vcpu_id_sel(in, g_arch[vi >= 0 ? g->vms[vi].p : KX_ARM64]);
  const uint8_t ab = in.u8();
  const int fd = free_vcpu_fd();
  const bool abort_fd = ab % 8 == 7;
  trace("create_vcpu vm %d id %u%s%s", vi, id, abort_fd ? " (fd fails: abort)" : "",
        fd < 0 ? " (no fd: closed at once)" : "");
  if (vi < 0) return;
  create_vcpu(vi, id, abort_fd, fd);
}

void op_close_vcpu(Input& in) {
  const int ci = pick_vcpu(in.u8());
  trace("close_vcpu %d", ci);
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  c.open = false;
  vm_put(c.vm);
}

void op_run(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const uint8_t mode = in.u8() % 3;
  trace("run vcpu %d mode %u", ci, mode);
  if (ci < 0) return;
  const VcpuFd& c = g->vcpus[ci];
  const Arch& a = g_arch[g->vms[c.vm].p];
  kx_run run = {};
  // Mode 0: immediate_exit. 1: a signal pending. 2: neither, only where
  // KVM_RUN is refused at entry (it would block otherwise).
  run.immediate_exit = mode == 0;
  const bool signal = mode == 1 || (mode == 2 && a.run_errno == 0);
  if (signal) host::raise_signal();
  const int r = kx_vcpu_run(c.h, &run);
  host::clear_signal();
  trace("  -> %d exit %u/%u", r, run.exit.set, run.exit.reason);
  if (a.run_errno) {
    expect_ret("kx_vcpu_run", r, a.run_errno, false);
    CHECK(!run.exit.set, "refused KVM_RUN set an exit");
  } else if (run.immediate_exit) {
    expect_ret("kx_vcpu_run", r, -EINTR, false);
    CHECK(!run.exit.set, "immediate_exit set an exit");
  } else {
    expect_ret("kx_vcpu_run", r, -EINTR, false);
    CHECK(run.exit.set && run.exit.reason == KX_EXIT_INTR, "signal: no KVM_EXIT_INTR");
  }
}

void op_guest_access(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const uint8_t kb = in.u8();
  unsigned kind = KX_ACCESS_MEM;
  if (kb % 8 == 5) kind = KX_ACCESS_SYSREG;
  if (kb % 8 == 6) kind = KX_ACCESS_HYPERCALL;
  if (kb % 8 == 7) kind = in.u8() | 3;
  const uint8_t fb = in.u8();
  const unsigned flags = fb & 0x80 ? fb : fb & KX_ACCESS_WRITE;
  const VmModel* v = ci >= 0 ? &g->vms[g->vcpus[ci].vm] : nullptr;
  const uint64_t addr = access_gpa_sel(in, v);
  static const unsigned kLens[] = {1, 2, 4, 8};
  const uint8_t lb = in.u8();
  const unsigned len = lb & 0x80 ? lb & 0x1f : kLens[lb & 3];
  const uint8_t db = in.u8();
  const uint64_t data = db & 1 ? in.u64() : db;
  trace("guest_access vcpu %d", ci);
  if (ci < 0) return;
  guest_access(g->vcpus[ci], kind, flags, addr, len, data, "kx_vcpu_guest_access");
}

void op_create_device(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t tb = in.u8();
  unsigned type = KX_DEV_TYPE_VFIO;
  if (tb % 4 == 1) type = kDummyType;
  if (tb % 4 == 2) type = tb >> 2;
  if (tb % 4 == 3) type = in.u32();
  const uint8_t fb = in.u8();
  unsigned flags = fb & 1 ? KX_CREATE_DEVICE_TEST : 0;
  if (fb & 0x80) flags |= fb & 0x7e;
  const uint8_t ab = in.u8();
  bool abort_fd = ab % 8 == 7;
  const uint8_t rb = in.u8();
  const int refuse = rb % 8 == 1 ? -EBUSY : rb % 8 == 2 ? -ENXIO : 0;
  const int fd = free_dev_fd();
  if (fd < 0) abort_fd = true;
  trace("create_device vm %d type %u flags %#x%s refuse %d", vi, type, flags,
        abort_fd ? " (fd fails: abort)" : "", refuse);
  if (vi < 0) return;
  VmModel& v = g->vms[vi];
  const bool vfio = type == KX_DEV_TYPE_VFIO, dummy = type == kDummyType;
  int want = 0;
  bool enomem_ok = false;
  if (!vfio && !dummy) {
    want = -ENODEV;
  } else if (flags & KX_CREATE_DEVICE_TEST) {
    want = 0;
  } else {
    enomem_ok = g->inject;
    if (v.nr_devices >= kMaxDevicesPerVm)
      want = -ENOSPC;
    else if (vfio && v.vfio_on_list)
      want = -EBUSY;
    else if (dummy && refuse)
      want = refuse;
  }
  kx_device* h = reinterpret_cast<kx_device*>(0x1);
  g_dummy_refuse = refuse;
  const int r = kx_vm_create_device(v.h, type, flags, &h);
  g_dummy_refuse = 0;
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_create_device", r, want, enomem_ok);
  if (r != 0) {
    CHECK(h == reinterpret_cast<kx_device*>(0x1), "failed kx_vm_create_device wrote *out");
    return;
  }
  if (flags & KX_CREATE_DEVICE_TEST) {
    CHECK(h == nullptr, "KX_CREATE_DEVICE_TEST returned a device");
    return;
  }
  CHECK(kx_device_vm(h) == v.h, "kx_device_vm");
  CHECK(strcmp(kx_device_name(h), vfio ? "kvm-vfio" : "fuzz-dummy") == 0, "kx_device_name");
  if (dummy) {
    CHECK(g_dummies.count(h) && g_dummies[h].inited, "dummy device created without init");
    CHECK(kx_device_private(h) == g_dummies[h].priv, "dummy private data");
  }
  vm_get(vi);
  if (abort_fd) {
    g_aborting_dev = h;
    kx_device_abort(h);
    g_aborting_dev = nullptr;
    CHECK(!g_dummies.count(h), "aborted dummy device not destroyed");
    vm_put(vi);
    return;
  }
  v.nr_devices++;
  if (vfio) v.vfio_on_list = true;
  g->devs[fd] = DevFd{true, h, vi, dummy};
}

// The device fd closes: kvm_ext_device_release().
void close_device(DevFd& d) {
  VmModel& v = g->vms[d.vm];
  kx_vm* vm = kx_device_vm(d.h);
  CHECK(vm == v.h, "device's VM");
  kx_device_release(d.h);
  d.open = false;
  d.groups.clear();
  if (!d.dummy) {  // a release hook: the device leaves the VM now
    v.nr_devices--;
    v.vfio_on_list = false;
  } else {
    CHECK(g_dummies.count(d.h), "destroy-only device destroyed at fd close");
  }
  vm_put(d.vm);
}

void op_close_device(Input& in) {
  const int di = pick_dev(in.u8());
  trace("close_device %d", di);
  if (di < 0) return;
  close_device(g->devs[di]);
}

void op_device_attr(Input& in) {
  const int di = pick_dev(in.u8());
  const int op = in.u8() % 3;
  const AttrSpec s = attr_sel(in);
  trace("device_attr dev %d %s uattr %s group %u attr %llu addr %#llx", di, op_name(op),
        s.uattr_faults ? "bad" : "ok", s.a.group, s.a.attr, s.a.addr);
  if (di < 0) return;
  DevFd& d = g->devs[di];
  const bool ppc = g->vms[d.vm].p == KX_PPC && g_arch[KX_PPC].spapr_tce;
  bool enomem_ok = false;
  const uint8_t* payload = reinterpret_cast<const uint8_t*>(s.a.addr);
  int32_t fd0 = 0;
  if (!s.payload_faults) memcpy(&fd0, payload, sizeof(fd0));
  int want = 0;
  if (d.dummy) {
    if (s.uattr_faults)
      want = -EFAULT;
    else if (s.a.group != 0)
      want = -ENXIO;
    else if (op == KX_ATTR_HAS)
      want = 0;
    else
      want = s.payload_faults ? -EFAULT : 0;
  } else if (op == KX_ATTR_GET) {
    want = -EPERM;  // no get_attr: refused before the copy
  } else if (s.uattr_faults) {
    want = -EFAULT;
  } else if (s.a.group != KX_DEV_VFIO_GROUP) {
    want = -ENXIO;
  } else if (op == KX_ATTR_HAS) {
    want = s.a.attr == KX_DEV_VFIO_GROUP_ADD || s.a.attr == KX_DEV_VFIO_GROUP_DEL ||
                   (s.a.attr == KX_DEV_VFIO_GROUP_SET_SPAPR_TCE && ppc)
               ? 0
               : -ENXIO;
  } else if (s.a.attr == KX_DEV_VFIO_GROUP_ADD) {
    if (s.payload_faults)
      want = -EFAULT;
    else if (!fd_valid(fd0))
      want = -EBADF;
    else if (!is_group_fd(fd0))
      want = -EINVAL;
    else if (d.groups.count(fd0))
      want = -EEXIST;
    else
      enomem_ok = g->inject;  // want = 0; the group's entry is allocated
  } else if (s.a.attr == KX_DEV_VFIO_GROUP_DEL) {
    if (s.payload_faults)
      want = -EFAULT;
    else if (!fd_valid(fd0))
      want = -EBADF;
    else
      want = d.groups.count(fd0) ? 0 : -ENOENT;
  } else if (s.a.attr == KX_DEV_VFIO_GROUP_SET_SPAPR_TCE && ppc) {
    // No KVM_CREATE_SPAPR_TCE tables: a known group gets -EINVAL.
    if (s.payload_faults)
      want = -EFAULT;
    else if (!fd_valid(fd0))
      want = -EBADF;
    else
      want = d.groups.count(fd0) ? -EINVAL : -ENOENT;
  } else {
    want = -ENXIO;
  }
  uint64_t old_value = 0;
  if (d.dummy) old_value = g_dummies[d.h].value;
  const int r = kx_device_attr(d.h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_device_attr", r, want, enomem_ok);
  if (!d.dummy && r == 0 && op == KX_ATTR_SET) {
    if (s.a.attr == KX_DEV_VFIO_GROUP_ADD) d.groups.insert(fd0);
    if (s.a.attr == KX_DEV_VFIO_GROUP_DEL) d.groups.erase(fd0);
  }
  if (d.dummy) {
    uint64_t pv = 0;
    if (!s.payload_faults) memcpy(&pv, payload, sizeof(pv));
    if (r == 0 && op == KX_ATTR_SET)
      CHECK(g_dummies[d.h].value == pv, "dummy SET did not see the payload");
    else
      CHECK(g_dummies[d.h].value == old_value, "dummy value changed");
    if (r == 0 && op == KX_ATTR_GET)
      CHECK(pv == old_value, "dummy GET: %#llx, stored %#llx", (unsigned long long)pv,
            (unsigned long long)old_value);
  }
}

void op_device_ioctl(Input& in) {
  const int di = pick_dev(in.u8());
  const uint8_t cb = in.u8();
  const unsigned cmd = cb & 1 ? kDummyIoctl : cb & 2 ? in.u32() : cb;
  const unsigned long arg = in.u8();
  trace("device_ioctl dev %d cmd %#x", di, cmd);
  if (di < 0) return;
  const DevFd& d = g->devs[di];
  const long want = d.dummy && cmd == kDummyIoctl ? kDummyIoctlValue : -ENOTTY;
  const long r = kx_device_ioctl(d.h, cmd, arg);
  trace("  -> %ld (model %ld)", r, want);
  expect_ret("kx_device_ioctl", r, want, false);
}

void op_vm_attr(Input& in) {
  const int vi = pick_vm(in.u8());
  const int op = in.u8() % 3;
  const AttrSpec s = attr_sel(in);
  trace("vm_attr vm %d %s uattr %s group %u", vi, op_name(op), s.uattr_faults ? "bad" : "ok",
        s.a.group);
  if (vi < 0) return;
  const Arch& a = g_arch[g->vms[vi].p];
  const int want = !a.vm_attr ? a.unknown_vm : s.uattr_faults ? -EFAULT : -ENXIO;
  const int r = kx_vm_attr(g->vms[vi].h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_attr", r, want, false);
}

void op_vcpu_attr(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const int op = in.u8() % 3;
  const AttrSpec s = attr_sel(in);
  trace("vcpu_attr vcpu %d %s uattr %s group %u", ci, op_name(op), s.uattr_faults ? "bad" : "ok",
        s.a.group);
  if (ci < 0) return;
  const Arch& a = g_arch[g->vms[g->vcpus[ci].vm].p];
  const int want = !a.vcpu_attr ? a.unknown_vcpu : s.uattr_faults ? -EFAULT : -ENXIO;
  const int r = kx_vcpu_attr(g->vcpus[ci].h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vcpu_attr", r, want, false);
}

void op_check_extension(Input& in) {
  const uint8_t wb = in.u8();
  const uint8_t cb = in.u8();
  const int ci = cb % kNumCaps;
  const long cap = cb < 0xe0 ? kCaps[ci] : static_cast<long>(in.u64());
  int vi = -1;
  int p = (wb >> 1) % 4;
  if (wb & 1) {
    vi = pick_vm(wb >> 1);
    if (vi >= 0) p = g->vms[vi].p;
  }
  const long r =
      kx_check_extension(static_cast<kx_personality>(p), vi >= 0 ? g->vms[vi].h : nullptr, cap);
  trace("check_extension p %d vm %d cap %ld -> %ld", p, vi, cap, r);
  if (p >= KX_NR_PERSONALITIES) {
    expect_ret("kx_check_extension (no personality)", r, 0, false);
    return;
  }
  CHECK(r >= 0, "kx_check_extension(%d, %ld) = %ld: negative", p, cap, r);
  if (vi < 0 && cb < 0xe0)
    expect_ret("kx_check_extension (stable)", r, g_cap_snapshot[p][ci], false);
}

void op_fail_alloc(Input& in, long* pending) {
  *pending = in.u8() % 8;
  trace("fail_allocation_after %ld (next operation)", *pending);
}

void op_vcpu_burst(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint32_t start = in.u16();
  int count = in.u16() % 600;
  if (count > g->burst_budget) count = g->burst_budget;
  trace("vcpu_burst vm %d ids %u..+%d", vi, start, count);
  if (vi < 0) return;
  g->burst_budget -= count;
  for (int i = 0; i < count; i++) create_vcpu(vi, start + i, false, -1);
}

void op_device_burst(Input& in) {
  const int vi = pick_vm(in.u8());
  int count = in.u16() % 300;
  if (count > g->burst_budget) count = g->burst_budget;
  trace("device_burst vm %d count %d", vi, count);
  if (vi < 0) return;
  g->burst_budget -= count;
  VmModel& v = g->vms[vi];
  for (int i = 0; i < count; i++) {
    const int want = v.nr_devices >= kMaxDevicesPerVm ? -ENOSPC : 0;
    kx_device* h = nullptr;
    const int r = kx_vm_create_device(v.h, kDummyType, 0, &h);
    expect_ret("kx_vm_create_device (burst)", r, want, g->inject);
    if (r != 0) {
      if (r == -ENOSPC) break;
      continue;
    }
    // An fd made and closed at once: the destroy-only device stays.
    vm_get(vi);
    v.nr_devices++;
    kx_device_release(h);
    CHECK(g_dummies.count(h), "destroy-only device destroyed at fd close");
    vm_put(vi);
  }
}

void op_misc(Input& in) {
  const uint8_t what = in.u8() % 4;
  const uint8_t idx = in.u8();
  trace("misc %u %u", what, idx);
  switch (what) {
    case 0: {  // vCPU mmap pages: present, distinct, writable
      const int ci = pick_vcpu(idx);
      if (ci < 0) return;
      const VcpuFd& c = g->vcpus[ci];
      const int pages = g_arch[g->vms[c.vm].p].mmap_pages;
      for (int i = 0; i < pages; i++) {
        auto* page = static_cast<volatile uint8_t*>(kx_vcpu_page(c.h, i));
        CHECK(page, "vCPU page %d missing", i);
        page[kPage - 1] = 0x5a;  // ASan: the page is live and a whole page
        page[kPage - 1] = 0;
      }
      CHECK(kx_vcpu_page(c.h, pages) == nullptr, "page past the mmap size");
      CHECK(kx_vcpu_page(c.h, ~0ul) == nullptr, "page ~0");
      CHECK(pages < 2 || kx_vcpu_page(c.h, 0) != kx_vcpu_page(c.h, 1), "vCPU pages alias");
      break;
    }
    case 1: {  // handles agree with the model
      const int ci = pick_vcpu(idx);
      if (ci >= 0) {
        const VcpuFd& c = g->vcpus[ci];
        CHECK(kx_vcpu_vm(c.h) == g->vms[c.vm].h && kx_vcpu_id(c.h) == c.id, "vCPU handle");
      }
      const int di = pick_dev(idx);
      if (di >= 0) CHECK(kx_device_vm(g->devs[di].h) == g->vms[g->devs[di].vm].h, "device VM");
      const int vi = pick_vm(idx);
      if (vi >= 0) {
        CHECK(kx_vm_personality(g->vms[vi].h) == g->vms[vi].p, "VM personality");
        CHECK(kx_vm_owner(g->vms[vi].h) == g->vms[vi].owner, "VM owner");
      }
      break;
    }
    case 2: {  // personality queries, including an invalid personality
      for (int p = 0; p <= KX_NR_PERSONALITIES; p++) {
        const auto kp = static_cast<kx_personality>(p);
        const bool valid = p < KX_NR_PERSONALITIES;
        CHECK((kx_personality_name(kp) != nullptr) == valid, "kx_personality_name(%d)", p);
        CHECK(kx_vcpu_mmap_pages(kp) == (valid ? g_arch[p].mmap_pages : 0),
              "kx_vcpu_mmap_pages(%d)", p);
        CHECK(kx_has_clear_dirty_log(kp) == (valid && g_arch[p].has_clear),
              "kx_has_clear_dirty_log(%d)", p);
        const int vm_e = kx_unknown_ioctl_errno(kp, 0), vcpu_e = kx_unknown_ioctl_errno(kp, 1);
        CHECK(vm_e < 0 && vcpu_e < 0, "kx_unknown_ioctl_errno(%d) not negative", p);
        if (!valid) CHECK(vm_e == -EINVAL && vcpu_e == -EINVAL, "unknown errno, no personality");
      }
      break;
    }
    default: {  // registry misuse is refused and changes nothing
      const auto p = static_cast<kx_personality>(idx % 3);
      expect_ret("re-register VFIO",
                 kx_register_device_ops(p, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops), -EEXIST, false);
      expect_ret("register type 16", kx_register_device_ops(p, KX_MAX_DEVICE_TYPES, &kDummyOps),
                 -EINVAL, false);
      expect_ret("register no personality",
                 kx_register_device_ops(KX_NR_PERSONALITIES, 3, &kDummyOps), -EINVAL, false);
      expect_ret("register null ops", kx_register_device_ops(p, 3, nullptr), -EINVAL, false);
      kx_device_ops no_create = kDummyOps;
      no_create.create = nullptr;
      expect_ret("register ops without create", kx_register_device_ops(p, 3, &no_create), -EINVAL,
                 false);
      kx_device_ops no_teardown = kDummyOps;
      no_teardown.destroy = nullptr;
      expect_ret("register ops without destroy or release",
                 kx_register_device_ops(p, 3, &no_teardown), -EINVAL, false);
      kx_unregister_device_ops(p, KX_MAX_DEVICE_TYPES);
      kx_unregister_device_ops(KX_NR_PERSONALITIES, KX_DEV_TYPE_VFIO);
      // The dummy type goes away and comes back; devices of it live on.
      kx_unregister_device_ops(p, kDummyType);
      const int vi = pick_vm(idx);
      if (vi >= 0 && g->vms[vi].p == p) {
        kx_device* h = reinterpret_cast<kx_device*>(0x1);
        expect_ret("unregistered dummy",
                   kx_vm_create_device(g->vms[vi].h, kDummyType, KX_CREATE_DEVICE_TEST, &h),
                   -ENODEV, false);
      }
      expect_ret("re-register dummy", kx_register_device_ops(p, kDummyType, &kDummyOps), 0, false);
      if (vi >= 0) {
        kx_device* h = reinterpret_cast<kx_device*>(0x1);
        expect_ret("VFIO still registered",
                   kx_vm_create_device(g->vms[vi].h, KX_DEV_TYPE_VFIO, KX_CREATE_DEVICE_TEST, &h),
                   0, false);
        expect_ret("type 3 still unregistered",
                   kx_vm_create_device(g->vms[vi].h, 3, KX_CREATE_DEVICE_TEST, &h), -ENODEV, false);
      }
      break;
    }
  }
}

// ---------------------------------------------------------- dirty logging

// KVM_ENABLE_CAP on the VM: kvm_vm_ioctl_enable_cap_generic()'s
// KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 where the personality has it, -EINVAL
// for everything else (the obsolete cap 166 included).
void op_enable_cap(Input& in) {
  static const uint64_t kArgs[] = {1ull << 63 | 1, 1ull << 63, ~0ull, 0x100 | 1, 5, 7,
                                   1ull << 32 | 1, 3 | 8};
  const int vi = pick_vm(in.u8());
  const uint8_t cb = in.u8();
  uint64_t cap = KX_CAP_MANUAL_DIRTY_LOG_PROTECT2;
  if (cb % 4 == 2) cap = KX_CAP_MANUAL_DIRTY_LOG_PROTECT;
  if (cb % 4 == 3) cap = cb & 4 ? KX_CAP_ENABLE_CAP_VM : in.u64();
  const uint8_t fb = in.u8();
  const uint32_t flags = fb < 0xf0 ? 0 : fb < 0xff ? 1u << (fb - 0xf0) : in.u32();
  const uint8_t ab = in.u8();
  const uint64_t arg0 = ab < 0xf0 ? ab % 8 : ab < 0xff ? kArgs[ab & 7] : in.u64();
  trace("enable_cap vm %d cap %llu flags %#x args[0] %#llx", vi, (unsigned long long)cap, flags,
        (unsigned long long)arg0);
  if (vi < 0) return;
  VmModel& v = g->vms[vi];
  const Arch& a = g_arch[v.p];
  int want = -EINVAL;
  if (cap == KX_CAP_MANUAL_DIRTY_LOG_PROTECT2 && a.manual_caps) {
    // INITIALLY_SET only with ENABLE.
    const uint64_t allowed = arg0 & KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE
                                 ? static_cast<uint64_t>(a.manual_caps)
                                 : KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE;
    if (!flags && !(arg0 & ~allowed)) want = 0;
  }
  const long live = host::live_allocations();
  const int r = kx_vm_enable_cap(v.h, cap, flags, arg0);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_enable_cap", r, want, false);
  CHECK(host::live_allocations() == live, "kx_vm_enable_cap allocated");
  if (r == 0) v.manual = arg0;
}

// The slot of a KVM_GET/CLEAR_DIRTY_LOG: an existing slot's id, one of
// slot_sel's, an existing id with address-space bits, or anything.
uint32_t log_slot_sel(Input& in, const VmModel* v, const Arch& a) {
  const uint8_t b = in.u8();
  uint16_t id = (b >> 2) & 7;
  nth_slot(v, b >> 2, &id);
  switch (b & 3) {
    case 0:
      return id;
    case 1:
      return slot_sel(in, a);
    case 2:
      return id | static_cast<uint32_t>(in.u16()) << 16;
    default:
      return in.u32();
  }
}

// What the slot check of both ioctls gives: -EINVAL for the address space
// or id, -ENOENT without a slot or without a log, else the slot.
struct LogTarget {
  int err;
  SlotModel* s;
};

LogTarget log_target(VmModel& v, uint32_t slot) {
  const Arch& a = g_arch[v.p];
  if ((slot >> 16) >= a.address_spaces || (slot & 0xffff) >= a.nr_memslots)
    return {-EINVAL, nullptr};
  auto it = v.slots.find(static_cast<uint16_t>(slot));
  if (it == v.slots.end() || !it->second.logging()) return {-ENOENT, nullptr};
  return {0, &it->second};
}

// User bitmaps: a heap buffer of exactly the bytes the call may touch
// (ASan reports anything past it), or an address every copy faults on.
const uint64_t kFaultingBitmaps[] = {0, host::kUserTop - 4, ~0ull, 8};
constexpr uint8_t kBitmapFill = 0xa5;

void op_get_dirty_log(Input& in) {
  const int vi = pick_vm(in.u8());
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const uint32_t slot = log_slot_sel(in, v, g_arch[v ? v->p : KX_ARM64]);
  const uint8_t bb = in.u8();
  trace("get_dirty_log vm %d slot %#x bitmap %s", vi, slot, bb % 8 < 5 ? "buffer" : "faulting");
  if (!v) return;
  const LogTarget t = log_target(*v, slot);
  // Sized from the model's slot (one word when there is none: a core that
  // copies anyway overruns it).
  const uint64_t words = t.s ? log_words(t.s->npages) : 1;
  const bool faulting = bb % 8 >= 5 || (t.s && !t.s->dirty_known);
  std::unique_ptr<uint64_t[]> buf;
  uint64_t uaddr = kFaultingBitmaps[(bb >> 3) % 4];
  if (!faulting) {
    buf.reset(new uint64_t[words]);
    memset(buf.get(), kBitmapFill, words * 8);
    uaddr = reinterpret_cast<uint64_t>(buf.get());
  }
  const int want = t.err ? t.err : faulting ? -EFAULT : 0;
  const bool manual = v->manual != 0;
  const long live = host::live_allocations();
  const int r = kx_vm_get_dirty_log(v->h, slot, uaddr);
  char where[24] = "buffer";
  if (!buf) snprintf(where, sizeof(where), "%#llx", (unsigned long long)uaddr);
  trace("  -> %d (model %d; %s, %llu words, bitmap %s)", r, want, manual ? "manual" : "legacy",
        (unsigned long long)words, where);
  expect_ret("kx_vm_get_dirty_log", r, want, false);
  CHECK(host::live_allocations() == live, "kx_vm_get_dirty_log allocated");
  if (r != 0) {
    // A failed call changes nothing: the log is checked by the next get.
    for (uint64_t i = 0; buf && i < words * 8; i++)
      CHECK(reinterpret_cast<uint8_t*>(buf.get())[i] == kBitmapFill,
            "failed get_dirty_log (%d) wrote the user bitmap at byte %llu", r,
            (unsigned long long)i);
    return;
  }
  SlotModel& s = *t.s;
  for (uint64_t w = 0; w < words; w++) {
    CHECK(buf[w] == s.dirty[w],
          "get_dirty_log slot %#x (%llu pages, %s): word %llu is %#llx, model %#llx", slot,
          (unsigned long long)s.npages, manual ? "manual" : "legacy", (unsigned long long)w,
          (unsigned long long)buf[w], (unsigned long long)s.dirty[w]);
  }
  uint64_t dirty = 0;
  for (uint64_t w = 0; w < words; w++) dirty += __builtin_popcountll(s.dirty[w]);
  trace("  %llu pages dirty", (unsigned long long)dirty);
  // Legacy: returned and cleared. Manual protect: a copy.
  if (!manual) std::fill(s.dirty.begin(), s.dirty.end(), 0);
}

uint64_t first_page_sel(Input& in, uint64_t npages) {
  const uint8_t b = in.u8();
  const uint64_t special[] = {
      1,          63,    npages, (npages + 63) & ~63ull, npages & ~63ull, (npages & ~63ull) + 64,
      1ull << 63, ~63ull};
  switch (b & 3) {
    case 0:
      return 64ull * (b >> 2);
    case 1:
      return 64ull * in.u16();
    case 2:
      return special[(b >> 2) % 8];
    default:
      return in.u64();
  }
}

uint32_t num_pages_sel(Input& in, uint64_t npages, uint64_t first) {
  const uint8_t b = in.u8();
  const uint64_t rest = first <= npages ? npages - first : 64;
  const uint64_t special[] = {0,        1,         63,       64,          65,       npages,
                              rest + 1, rest + 64, rest - 1, 0xffffffffu, 1u << 31, rest & ~63ull};
  switch (b & 3) {
    case 0:  // to the slot's end
      return static_cast<uint32_t>(rest);
    case 1:
      return 64u * (b >> 2);
    case 2:
      return static_cast<uint32_t>(special[(b >> 2) % 12]);
    default:
      return in.u32();
  }
}

// Only where the shim lets KVM_CLEAR_DIRTY_LOG through
// (kx_has_clear_dirty_log(); the core itself does not check the
// personality).
void op_clear_dirty_log(Input& in) {
  const int vi = pick_vm(in.u8());
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const uint32_t slot = log_slot_sel(in, v, g_arch[v ? v->p : KX_ARM64]);
  // Page counts from the slot with that id, logging or not.
  uint64_t npages = 0;
  const SlotModel* any = nullptr;
  if (v) {
    auto it = v->slots.find(static_cast<uint16_t>(slot));
    if (it != v->slots.end()) any = &it->second;
  }
  if (any) npages = any->npages;
  const uint64_t first = first_page_sel(in, npages);
  const uint32_t num = num_pages_sel(in, npages, first);
  const uint8_t mb = in.u8();
  // The mask: as many words as num_pages needs (none for 0), up to what
  // the model tracks; a longer one is passed as a faulting address.
  const uint64_t words = log_words(num);
  const uint64_t max_words = kModelMaxPages / 64;
  const bool faulting = mb % 8 >= 5 || words > max_words;
  const uint64_t n = faulting ? 0 : words;
  std::unique_ptr<uint64_t[]> mask(new uint64_t[n]);
  switch (mb % 8) {
    case 0:
      for (uint64_t i = 0; i < n; i++) mask[i] = ~0ull;
      break;
    case 1:  // what the log holds there ("clear what get returned"),
             // all of it or part of each word
      for (uint64_t i = 0; i < n; i++) {
        const uint64_t w = first / 64 + i;
        const uint64_t m = any && any->dirty_known && first % 64 == 0 && w < any->dirty.size()
                               ? any->dirty[w]
                               : ~0ull;
        switch ((mb >> 3) % 4) {
          case 0:
            mask[i] = m;
            break;
          case 1:
            mask[i] = m & -m;  // its lowest page
            break;
          case 2:
            mask[i] = m & (m - 1);  // all but its lowest page
            break;
          default:
            mask[i] = m & 0x5555555555555555ull;
            break;
        }
      }
      break;
    case 2: {  // bytes of the input, repeated
      uint8_t bytes[32];
      const unsigned k = in.u8() % 32 + 1;
      for (unsigned i = 0; i < k; i++) bytes[i] = in.u8();
      for (uint64_t i = 0; i < n * 8; i++) reinterpret_cast<uint8_t*>(mask.get())[i] = bytes[i % k];
      break;
    }
    case 3: {  // one word, repeated
      const uint64_t w = in.u64();
      for (uint64_t i = 0; i < n; i++) mask[i] = w;
      break;
    }
    case 4:
      for (uint64_t i = 0; i < n; i++) mask[i] = 0;
      break;
    default:
      break;
  }
  const uint64_t uaddr =
      faulting ? kFaultingBitmaps[(mb >> 3) % 4] : reinterpret_cast<uint64_t>(mask.get());
  trace("clear_dirty_log vm %d slot %#x first_page %llu num_pages %u mask mode %u (%s %#llx)", vi,
        slot, (unsigned long long)first, num, mb % 8, faulting ? "faulting" : "first word",
        (unsigned long long)(faulting ? uaddr
                             : n      ? mask[0]
                                      : 0));
  if (!v) return;
  if (!g_arch[v->p].has_clear) {
    trace("  (no KVM_CLEAR_DIRTY_LOG on this personality: the shim refuses it)");
    return;
  }
  // kvm_clear_dirty_log_protect()'s order of checks.
  LogTarget t = log_target(*v, slot);
  int want;
  if (t.err == -EINVAL)
    want = -EINVAL;
  else if (first & 63)
    want = -EINVAL;
  else if (t.err)
    want = t.err;
  else if (first > t.s->npages || num > t.s->npages - first ||
           (num < t.s->npages - first && (num & 63)))
    want = -EINVAL;
  else if (num == 0)
    want = 0;
  else
    want = faulting ? -EFAULT : 0;
  const long live = host::live_allocations();
  const int r = kx_vm_clear_dirty_log(v->h, slot, first, num, uaddr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_clear_dirty_log", r, want, false);
  CHECK(host::live_allocations() == live, "kx_vm_clear_dirty_log allocated");
  if (r != 0 || num == 0 || !t.s->dirty_known) return;
  // Exactly the mask's bits within [first, first + num).
  CHECK(first / 64 + words <= t.s->dirty.size(), "model: clear past the log");
  for (uint64_t i = 0; i < words; i++) {
    uint64_t m = mask[i];
    if (i == words - 1 && num % 64) m &= (1ull << (num % 64)) - 1;
    t.s->dirty[first / 64 + i] &= ~m;
  }
}

void run_input(Input& in, uint8_t* teardown_order) {
  long pending = -1;
  for (int n = 0; n < kMaxOps && !in.empty(); n++) {
    const int op = in.u8() % kNumOps;
    g->inject = pending >= 0;
    if (g->inject) host::fail_allocation_after(pending);
    pending = -1;
    switch (op) {
      case kCreateVm:
        op_create_vm(in);
        break;
      case kCloseVm:
        op_close_vm(in);
        break;
      case kSetMem:
        op_set_mem(in);
        break;
      case kCreateVcpu:
        op_create_vcpu(in);
        break;
      case kCloseVcpu:
        op_close_vcpu(in);
        break;
      case kRun:
        op_run(in);
        break;
      case kGuestAccess:
        op_guest_access(in);
        break;
      case kCreateDevice:
        op_create_device(in);
        break;
      case kDeviceAttr:
        op_device_attr(in);
        break;
      case kCloseDevice:
        op_close_device(in);
        break;
      case kDeviceIoctl:
        op_device_ioctl(in);
        break;
      case kVmAttr:
        op_vm_attr(in);
        break;
      case kVcpuAttr:
        op_vcpu_attr(in);
        break;
      case kCheckExtension:
        op_check_extension(in);
        break;
      case kFailAlloc:
        op_fail_alloc(in, &pending);
        break;
      case kVcpuBurst:
        op_vcpu_burst(in);
        break;
      case kDeviceBurst:
        op_device_burst(in);
        break;
      case kTeardownOrder:
        *teardown_order = in.u8() % 3;
        trace("teardown order %u", *teardown_order);
        break;
      case kEnableCap:
        op_enable_cap(in);
        break;
      case kGetDirtyLog:
        op_get_dirty_log(in);
        break;
      case kClearDirtyLog:
        op_clear_dirty_log(in);
        break;
      default:
        op_misc(in);
        break;
    }
    host::fail_allocation_after(-1);
    g->inject = false;
    check_global();
  }
}

// At the end of an input, every log the model tracks is read once more
// (legacy or manual, as the VM is) and compared: a call that changed a log
// it should not have is caught even when no later get looked at it.
void audit_dirty_logs() {
  for (int vi = 0; vi < kMaxVms; vi++) {
    VmModel& v = g->vms[vi];
    if (!v.alive) continue;
    for (auto& [id, s] : v.slots) {
      if (!s.logging() || !s.dirty_known) continue;
      const uint64_t words = log_words(s.npages);
      std::unique_ptr<uint64_t[]> buf(new uint64_t[words]);
      const int r = kx_vm_get_dirty_log(v.h, id, reinterpret_cast<uint64_t>(buf.get()));
      trace("audit: get_dirty_log vm %d slot %#x -> %d", vi, id, r);
      expect_ret("kx_vm_get_dirty_log (audit)", r, 0, false);
      for (uint64_t w = 0; w < words; w++) {
        CHECK(buf[w] == s.dirty[w],
              "audit: dirty log of vm %d slot %#x (%llu pages, %s): word %llu is %#llx, model "
              "%#llx",
              vi, id, (unsigned long long)s.npages, v.manual ? "manual" : "legacy",
              (unsigned long long)w, (unsigned long long)buf[w], (unsigned long long)s.dirty[w]);
      }
    }
  }
}

// Closes every fd: devices, vCPUs, VMs, rotated by `order`.
void teardown(uint8_t order) {
  audit_dirty_logs();
  trace("teardown");
  for (int pass = 0; pass < 3; pass++) {
    const int what = (pass + order) % 3;
    if (what == 0) {
      for (DevFd& d : g->devs) {
        if (d.open) close_device(d);
      }
    } else if (what == 1) {
      for (VcpuFd& c : g->vcpus) {
        if (c.open) {
          c.open = false;
          vm_put(c.vm);
        }
      }
    } else {
      for (int i = 0; i < kMaxVms; i++) {
        if (g->vms[i].alive && g->vms[i].fd_open) {
          g->vms[i].fd_open = false;
          vm_put(i);
        }
      }
    }
  }
  CHECK(g->live_vms == 0, "model: VMs left after teardown");
  CHECK(kx_vm_count() == 0, "kx_vm_count() %u after every fd closed", kx_vm_count());
  CHECK(g_dummies.empty(), "%zu dummy devices never destroyed", g_dummies.size());
  CHECK(g_file_refs_total == 0, "%ld file references leaked", g_file_refs_total);
  CHECK(host::live_allocations() == g_live_baseline,
        "%ld allocations live after every fd closed (baseline %ld): leak", host::live_allocations(),
        g_live_baseline);
}

}  // namespace

// The file hooks, wrapped (-Wl,--wrap=...): references counted, and the
// harness's group fds are VFIO groups.
extern "C" {
int __real_kx_file_get(int fd, void** file);
void __real_kx_file_put(void* file);

int __wrap_kx_file_get(int fd, void** file) {
  const int r = __real_kx_file_get(fd, file);
  if (r == 0) {
    g_file_refs[*file]++;
    g_file_refs_total++;
  }
  return r;
}

void __wrap_kx_file_put(void* file) {
  auto it = g_file_refs.find(file);
  CHECK(it != g_file_refs.end() && it->second > 0, "kx_file_put(%p) without a reference", file);
  if (--it->second == 0) g_file_refs.erase(it);
  g_file_refs_total--;
  __real_kx_file_put(file);
}

int __wrap_kx_file_is_vfio_group(void* file) {
  CHECK(g_file_refs.count(file), "kx_file_is_vfio_group(%p) without a reference", file);
  // platform_host.cpp's handle is fd + 1.
  return is_group_fd(static_cast<int>(reinterpret_cast<intptr_t>(file) - 1));
}
}  // extern "C"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_trace_live = getenv("SPINE_TRACE") != nullptr;
  void* ram = mmap(nullptr, kRamSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED) {
    perror("spine_fuzzer: mmap");
    abort();
  }
  g_ram = static_cast<uint8_t*>(ram);
  g_devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  CHECK(g_devnull >= 0, "open /dev/null");
  for (int& fd : g_group_fds) {
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0, "open /dev/null");
  }
  CHECK(kx_core_init() == 0, "kx_core_init");
  for (int p = 0; p < KX_NR_PERSONALITIES; p++) {
    const auto kp = static_cast<kx_personality>(p);
    CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops) == 0, "register VFIO");
    CHECK(kx_register_device_ops(kp, kDummyType, &kDummyOps) == 0, "register dummy");
    Arch& a = g_arch[p];
    a.max_vcpus = kx_check_extension(kp, nullptr, KX_CAP_MAX_VCPUS);
    a.max_vcpu_ids = kx_check_extension(kp, nullptr, KX_CAP_MAX_VCPU_ID);
    a.nr_memslots = kx_check_extension(kp, nullptr, KX_CAP_NR_MEMSLOTS);
    a.ipa_limit = kx_check_extension(kp, nullptr, KX_CAP_ARM_VM_IPA_SIZE);
    const long mas = kx_check_extension(kp, nullptr, KX_CAP_MULTI_ADDRESS_SPACE);
    a.address_spaces = mas > 0 ? mas : 1;
    a.readonly = kx_check_extension(kp, nullptr, KX_CAP_READONLY_MEM) > 0;
    a.mmap_pages = kx_vcpu_mmap_pages(kp);
    a.unknown_vm = kx_unknown_ioctl_errno(kp, 0);
    a.unknown_vcpu = kx_unknown_ioctl_errno(kp, 1);
    a.manual_caps = kx_check_extension(kp, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2);
    a.has_clear = kx_has_clear_dirty_log(kp) != 0;
    CHECK(a.manual_caps == a.doc_manual_caps,
          "personality %d: KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 %ld, documented %ld", p, a.manual_caps,
          a.doc_manual_caps);
    CHECK(a.has_clear == (a.manual_caps != 0),
          "personality %d: KVM_CLEAR_DIRTY_LOG %d without/with PROTECT2 %ld", p, a.has_clear,
          a.manual_caps);
    CHECK(kx_check_extension(kp, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT) == 0,
          "personality %d: the obsolete KVM_CAP_MANUAL_DIRTY_LOG_PROTECT advertised", p);
    CHECK(kx_check_extension(kp, nullptr, KX_CAP_ENABLE_CAP_VM) == 1,
          "personality %d: KVM_CAP_ENABLE_CAP_VM", p);
    CHECK(a.max_vcpus > 0 && a.max_vcpu_ids >= a.max_vcpus && a.nr_memslots > 0 &&
              a.nr_memslots <= 0x10000 && a.mmap_pages >= 1,
          "personality %d: implausible limits", p);
    CHECK((p == KX_ARM64) == (a.ipa_limit > 0), "KVM_CAP_ARM_VM_IPA_SIZE off arm64");
    for (int i = 0; i < kNumCaps; i++)
      g_cap_snapshot[p][i] = kx_check_extension(kp, nullptr, kCaps[i]);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  State state;
  g = &state;
  g_trace_len = 0;
  g_trace[0] = 0;
  host::reset_allocation_counters();
  host::clear_signal();
  g_live_baseline = host::live_allocations();
  Input in(data, size);
  uint8_t order = 0;
  run_input(in, &order);
  teardown(order);
  for (uint64_t page : state.touched) madvise(reinterpret_cast<void*>(page), kPage, MADV_DONTNEED);
  g = nullptr;
  return 0;
}
