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
// immediate_exit, or a pending signal, or an arm64 vCPU refused at entry), guest
// access, create (or abort, or TEST) device, device/VM/vCPU attributes,
// device ioctl, close device, check extension, vCPU and device bursts,
// allocation-failure injection for the next operation, the order in which
// the remaining fds are closed at the end, the in-kernel GIC (below), and
// dirty logging:
// KVM_ENABLE_CAP (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 with fuzzed flags and
// args[0], the obsolete cap 166, others), KVM_GET_DIRTY_LOG and
// KVM_CLEAR_DIRTY_LOG (the latter only where kx_has_clear_dirty_log(), as
// the shim gates it); and arm64 vCPUs: KVM_ARM_VCPU_INIT (target mostly
// GENERIC_V8, features mostly bits 0-6), KVM_ARM_VCPU_FINALIZE,
// KVM_GET/SET_ONE_REG (ids mostly from the vCPU's last KVM_GET_REG_LIST,
// else mutations of them or raw ids; values from the input, or what a GET
// reads with a bit or nibble changed; faulting structs and values),
// KVM_GET_REG_LIST (n short, exact, above 2^32, from the input; faulting),
// the PVTIME attribute and PV-time hypercalls, and the emulated host's
// parameters (kx_arm64_set_host(), restored after each input).
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
// arm64 vCPUs (userspace-api.rst "arm64") are modelled per vCPU (init,
// features, finalized, last register list, PVTIME IPA) and per VM (the
// host snapshot, the EL1 width, whether a vCPU ran, the SMCCC bitmaps):
// INIT, FINALIZE, GET_REG_LIST and the PVTIME attribute exactly, in 6.1's
// order of checks; KVM_RUN's -ENOEXEC/-EPERM gates; ONE_REG exactly up to
// the id (-ENOEXEC before INIT, -EFAULT, -EINVAL outside the arm64 space),
// then within {0, -EINVAL, -ENOENT} plus -EFAULT only for a faulting
// value, -EPERM only in the SVE block, -EBUSY only for an SMCCC bitmap of
// a VM that ran. The list has the documented count for the features, no
// duplicates, and never changes; every listed id reads (writing exactly
// its size) and takes back the value it read (but SVE_VLS after FINALIZE,
// and PSCI 0.1 on a PSCI 0.2 vCPU, as 6.1); a failed write changes
// nothing; INIT resets the core registers, MPIDR_EL1 and a finalized
// vCPU's SVE registers; a short n is -E2BIG with the count written back
// and no id. The PV-time hypercalls answer by the STD_HYP bitmap and the
// PVTIME IPA; PV_TIME_ST zeroes the structure and dirties its page.
//
// arm64's in-kernel GIC (userspace-api.rst "Devices available", VGIC
// step 1) is modelled per VM: its model, the distributor, v2 CPU interface
// and v3 redistributor regions (legacy and indexed), the number of SPIs
// and CTRL_INIT. The VGIC device types (5 and 7, registered on arm64
// only, as the shim does) are created exactly (one GIC per VM -EEXIST,
// after a vCPU ran -EBUSY, too many vCPUs for the model -E2BIG; the GIC
// stays when its fd fails; the device stays with the VM when its fd
// closes), and so is KVM_CREATE_VCPU against the model's vCPU limit and
// CTRL_INIT. GRP_ADDR (addresses from a pool: aligned or not, on or next
// to frames already placed, at and past the IPA limit, raw), GRP_NR_IRQS,
// GRP_CTRL and HAS are checked exactly in device.cpp's order, a GET
// writes exactly its value's size, and at the end of the input every GIC
// with a device fd open is read back in full against the model.
//
// The VGIC's step 2 (the "arm64 VGIC, step 2" section): the register
// groups (DIST_REGS, CPU_REGS, REDIST_REGS, CPU_SYSREGS, LEVEL_INFO) with
// vCPUs by index or MPIDR affinity (the model follows each vCPU's
// MPIDR_EL1 through INIT and ONE_REG) and offsets from the frames'
// register maps, SAVE_PENDING_TABLES, KVM_IRQ_LINE (CPU lines, SPIs,
// PPIs), guest loads and stores in the frames the first KVM_RUN put on
// the MMIO bus, the guest's ICC_*_EL1 accesses, and KVM_RUN's frame
// checks and wake (KVM_EXIT_EXT_INTERRUPT). Errnos are exact
// (vgic_v{2,3}_attr_regs_access()'s order; a GICv2 initialised on
// demand, with its allocation failing under injection). The model does
// not follow interrupt state: values are checked where the documents fix
// them whatever the state, at once (a write read back with the
// documented masks, set/clear pairs by the bits written, identification
// registers, RAZ where nothing exists, a refused write changing nothing,
// LEVEL_INFO and KVM_IRQ_LINE against ICFGR, a wake without a CPU line
// means a HPPIR that is not spurious).
//
// The host platform's file hooks are wrapped at link time (the Makefile's
// -Wl,--wrap): two fds the harness opens count as VFIO group files, so the
// VFIO device's group list is reachable, and every kx_file_get() must be
// balanced by a kx_file_put() (the references the model says the VFIO
// devices hold, none at the end).
//
// The model's per-personality limits are its own, stated in the table
// g_arch below as the documents give them (userspace-api.rst: the
// capabilities table, the vCPU mmap size, the unknown-ioctl errnos, the
// emulated arm64 host's defaults; Linux 6.1 where it is silent), never
// read from the core: at start-up KVM_CHECK_EXTENSION, the personality
// queries and kx_arm64_get_host() must answer exactly those values, and
// every call is then predicted from them, so a wrong limit in a
// Personality table or a core header fails at once or where it bites.
// What the personalities do not advertise (which attribute ioctls they
// handle, KVM_RUN refused at entry, SPAPR TCE) is in the same table,
// written from arch/*/personality.cpp: update it when a personality
// changes.

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
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

using ULL = unsigned long long;

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
// the VFIO pseudo-device (release only) and, on arm64, the VGIC types
// (destroy only).
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
  bool vcpu_attr;  // vCPU ones (arm64: KVM_ARM_VCPU_PVTIME_CTRL, vcpu_attr_call)
  int run_errno;   // KVM_RUN refused at entry (0: the vCPU runs; arm64: run_gate)
  bool spapr_tce;  // KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE exists
  // The documented ABI (userspace-api.rst, "System fd" and "VM, vCPU and
  // device fds"), the model's own: KVM_CAP_MAX_VCPUS, KVM_CAP_MAX_VCPU_ID,
  // KVM_CAP_NR_MEMSLOTS, KVM_CAP_ARM_VM_IPA_SIZE (the default emulated
  // host's), the address spaces (KVM_CAP_MULTI_ADDRESS_SPACE 0: one),
  // KVM_CAP_READONLY_MEM.
  long max_vcpus, max_vcpu_ids, nr_memslots, ipa_limit, address_spaces;
  bool readonly;
  // KVM_GET_VCPU_MMAP_SIZE in pages; the errno of an ioctl the VM and
  // vCPU fds do not know.
  int mmap_pages, unknown_vm, unknown_vcpu;
  // KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 ("Dirty logging"), and whether the
  // shim lets KVM_CLEAR_DIRTY_LOG through (kx_has_clear_dirty_log()):
  // where PROTECT2 is answered.
  long manual_caps;
  bool has_clear;
};

constexpr long kManualCaps = KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KX_DIRTY_LOG_INITIALLY_SET;

// KVM_CREATE_VM's arm64 type: 0 means 40 IPA bits, 32 up to the limit
// accepted (userspace-api.rst, "System fd").
constexpr uint32_t kArm64DefaultIpaBits = 40, kArm64MinIpaBits = 32;

const Arch g_arch[KX_NR_PERSONALITIES] = {
    // arm64: kvm_arch_vm_ioctl() and kvm_arch_vcpu_ioctl() end in -EINVAL.
    {.vm_attr = false,
     .vcpu_attr = true,
     .run_errno = 0,
     .spapr_tce = false,
     .max_vcpus = 512,
     .max_vcpu_ids = 512,
     .nr_memslots = 32767,
     .ipa_limit = 48,
     .address_spaces = 1,
     .readonly = true,
     .mmap_pages = 2,
     .unknown_vm = -EINVAL,
     .unknown_vcpu = -EINVAL,
     .manual_caps = kManualCaps,
     .has_clear = true},
    // ppc: unknown VM ioctls -ENOTTY, vCPU ones -EINVAL.
    {.vm_attr = false,
     .vcpu_attr = false,
     .run_errno = 0,
     .spapr_tce = true,
     .max_vcpus = 2048,
     .max_vcpu_ids = 16384,
     .nr_memslots = 32767,
     .ipa_limit = 0,
     .address_spaces = 1,
     .readonly = false,
     .mmap_pages = 2,
     .unknown_vm = -ENOTTY,
     .unknown_vcpu = -EINVAL,
     .manual_caps = 0,
     .has_clear = false},
    // s390: both -ENOTTY (kvm_arch_vm_ioctl(), kvm_arch_vcpu_ioctl()).
    {.vm_attr = true,
     .vcpu_attr = false,
     .run_errno = 0,
     .spapr_tce = false,
     .max_vcpus = 248,
     .max_vcpu_ids = 248,
     .nr_memslots = 32767,
     .ipa_limit = 0,
     .address_spaces = 1,
     .readonly = false,
     .mmap_pages = 1,
     .unknown_vm = -ENOTTY,
     .unknown_vcpu = -ENOTTY,
     .manual_caps = 0,
     .has_clear = false},
};

// The emulated arm64 host's defaults (userspace-api.rst, "arm64 vCPUs":
// the module parameters), restored after each input.
const kx_arm64_host kDocArm64Host = {.sve = 1,
                                     .ptrauth_address = 1,
                                     .ptrauth_generic = 1,
                                     .pmuv3 = 1,
                                     .el1_32bit = 0,
                                     .el0_32bit = 1,
                                     .gicv2 = 0,
                                     .sve_vqs = 0xb,
                                     .ipa_bits = 48};

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
    KX_CAP_ONE_REG,
    KX_CAP_VCPU_ATTRIBUTES,
    KX_CAP_STEAL_TIME,
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

// arm64's in-kernel GIC (arch/arm64/vgic, step 1): the model, where its
// frames sit, its redistributor regions, its number of SPIs, CTRL_INIT.
constexpr uint64_t kGicUndef = ~0ull;
struct GicRegion {
  uint64_t base;
  uint32_t count;  // 0: the legacy single region, sized by the online vCPUs
  uint32_t index;
};
struct GicModel {
  unsigned model = 0;  // 0, KX_DEV_TYPE_ARM_VGIC_V2 or _V3
  uint64_t dist = kGicUndef, cpu = kGicUndef;
  std::vector<GicRegion> regions;
  uint32_t nr_spis = 0;
  bool initialized = false;
  // Step 2: the frames are on the MMIO bus (the first KVM_RUN that passed
  // the frame checks); GICD_IIDR's revision as userspace last wrote it;
  // a GICv2's groups writable from userspace (GICD_IIDR written back).
  bool mapped = false;
  uint32_t rev = 3;
  bool v2_groups = false;
  uint32_t nr_irqs() const { return nr_spis + 32; }
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
  // arm64: the emulated host the VM snapshotted at creation, the EL1
  // width its first initialised vCPU fixed, and whether any of its vCPUs
  // got past KVM_RUN's entry checks (the SMCCC bitmaps' -EBUSY).
  kx_arm64_host host = {};
  bool width_set = false, width32 = false;
  bool ran = false;
  // The SMCCC feature bitmaps (KVM_REG_ARM_{STD,STD_HYP,VENDOR_HYP}_BMAP):
  // all of each block's features until the VMM writes them.
  uint64_t fw_bmap[3] = {0x1, 0x1, 0x3};
  GicModel gic;
  // arm64: the online vCPUs in creation order (the index KVM_IRQ_LINE and
  // the GICv2 attributes use, and the GIC's vCPU table once it is
  // initialised: no vCPU joins or leaves after that), each one's
  // MPIDR_EL1 (0 until KVM_ARM_VCPU_INIT resets it from the id; ONE_REG
  // may change it) and its IRQ/FIQ lines (KVM_ARM_IRQ_TYPE_CPU).
  std::vector<uint32_t> vcpu_order;
  std::map<uint32_t, uint64_t> mpidr;
  std::map<uint32_t, uint32_t> cpu_lines;
  // arm64, by vCPU id: the timer and PMU groups' state
  // (KVM_ARM_VCPU_TIMER_CTRL, KVM_ARM_VCPU_PMU_V3_CTRL) and whether the
  // vCPU passed its first KVM_RUN; and the GIC lines devices own
  // (kvm_vgic_set_owner()): (vCPU id, PPI) or (-1, SPI) -> owner.
  struct VcpuDevices {
    uint32_t timer[2] = {27, 30};
    int32_t pmu_irq = 0;
    bool pmu_created = false;
    bool ran = false;
  };
  std::map<uint32_t, VcpuDevices> vdev;
  std::map<std::pair<int64_t, uint32_t>, int> owners;
};

// An arm64 vCPU as KVM_ARM_VCPU_INIT and KVM_ARM_VCPU_FINALIZE left it.
struct ArmVcpu {
  bool inited = false;
  uint32_t features = 0;   // bits 0..6 (KVM_VCPU_MAX_FEATURES)
  bool finalized = false;  // KVM_ARM_VCPU_FINALIZE(KVM_ARM_VCPU_SVE) done
  // The last successful KVM_GET_REG_LIST (features cannot change once
  // initialised, so neither can the list) and a sorted copy.
  std::vector<uint64_t> list, sorted;
  uint64_t pvtime = ~0ull;  // KVM_ARM_VCPU_PVTIME_IPA (GPA_INVALID)
  bool has(int f) const { return (features >> f) & 1; }
  bool listed(uint64_t id) const { return std::binary_search(sorted.begin(), sorted.end(), id); }
};

struct VcpuFd {
  bool open = false;
  kx_vcpu* h = nullptr;
  int vm = -1;
  uint32_t id = 0;
  ArmVcpu arm;
};

struct DevFd {
  bool open = false;
  kx_device* h = nullptr;
  int vm = -1;
  bool dummy = false;
  std::set<int> groups;  // VFIO: the group fds added
  unsigned vgic = 0;     // a VGIC device: its type (5 or 7)
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
  kx_arm64_host host = {};        // kx_arm64_set_host()'s, reset per input
  // The last register list of any vCPU (ids for vCPUs that have none),
  // and how many full GET/SET sweeps of a list this input may still do.
  std::vector<uint64_t> any_list;
  int sweeps = 2;
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

void place_uattr(AttrSpec& s, uint8_t um);

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
  place_uattr(s, um);
  return s;
}

// struct kvm_device_attr itself: at a (possibly misaligned) spot of
// g_user, or at an address that faults.
void place_uattr(AttrSpec& s, uint8_t um) {
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

// An access the in-kernel GIC takes (the VGIC step 2 section below): a
// frame on the MMIO bus, the offset in it, and for a v3 redistributor
// its vCPU's index in the GIC (-1: the frame banks by the accessing vCPU).
struct GicTarget {
  int frame = -1;
  uint32_t off = 0;
  int cpu = -1;
};
// What a guest write's read-back needs read first.
struct GicPre {
  uint64_t before = 0, ctlr = 0;
};
bool gic_mmio_target(const VmModel& v, uint64_t addr, unsigned len, GicTarget* t);
bool gic_icc_guest(const VmModel& v, uint64_t addr);
GicPre gic_guest_pre(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr,
                     unsigned len);
void gic_guest_post(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr, bool write,
                    unsigned len, uint64_t data, uint64_t got, const GicPre& pre);

struct AccessPlan {
  int err;
  uint32_t result;
  bool unsafe;    // would touch host memory outside the arena: not issued
  uint64_t host;  // KX_ACCESS_RESULT_RAM: where
  uint16_t slot;  // ... in which slot
  uint64_t page;  // ... and which of its pages
  GicTarget gic;  // KX_ACCESS_RESULT_KERNEL, KX_ACCESS_MEM: where
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
      // Not RAM: an in-kernel device's region (the GIC's frames), else an exit.
      AccessPlan p = {0, KX_ACCESS_RESULT_KERNEL, false, 0};
      if (gic_mmio_target(v, acc.addr, acc.len, &p.gic)) return p;
      return {0, KX_ACCESS_RESULT_EXIT, false, 0};
    }
    case KX_ACCESS_SYSREG:  // arm64: an initialised GICv3's ICC registers
      if (v.p == KX_ARM64 && gic_icc_guest(v, acc.addr))
        return {0, KX_ACCESS_RESULT_KERNEL, false, 0};
      return {-ENXIO, 0, false, 0};
    case KX_ACCESS_HYPERCALL:
      return {-ENXIO, 0, false, 0};  // none but arm64's hypercalls (arm64_hypercall)
    default:
      return {-EINVAL, 0, false, 0};
  }
}

void touch(uint64_t host) { g->touched.push_back(host & ~(kPage - 1)); }

constexpr unsigned kResultSentinel = 0xdeadbeef;

void arm64_hypercall(const VcpuFd& c, unsigned flags, uint64_t addr, unsigned len, uint64_t data,
                     const char* what);

// One access, issued only when the model says it stays in the arena, and
// checked against the model in full.
void guest_access(const VcpuFd& c, unsigned kind, unsigned flags, uint64_t addr, unsigned len,
                  uint64_t data, const char* what) {
  const VmModel& v = g->vms[c.vm];
  if (kind == KX_ACCESS_HYPERCALL && v.p == KX_ARM64 && !(flags & ~KX_ACCESS_WRITE)) {
    arm64_hypercall(c, flags, addr, len, data, what);
    return;
  }
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
  const bool gic = plan.err == 0 && plan.result == KX_ACCESS_RESULT_KERNEL;
  const GicPre pre = gic && write ? gic_guest_pre(c, kind, plan.gic, addr, len) : GicPre{};
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
  } else if (plan.result == KX_ACCESS_RESULT_KERNEL) {
    CHECK(!exit.set, "%s: an in-kernel access set an exit", what);
    if (write) CHECK(acc.data == data, "%s: write changed data", what);
    gic_guest_post(c, kind, plan.gic, addr, write, len, data, acc.data, pre);
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
  kArmInit,
  kArmFinalize,
  kOneReg,
  kRegList,
  kPvtime,
  kArmHost,
  kIrqLine,
  kGicRegs,
  kGicMmio,
  kGicSysreg,
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
    else if (bits == 0 && kArm64DefaultIpaBits > limit)
      want = -EINVAL;
    else if (bits == 0)
      ipa = kArm64DefaultIpaBits;
    else if (bits > limit || bits < kArm64MinIpaBits)
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
  if (p == KX_ARM64) {
    // The VM's capabilities are the emulated host it snapshotted.
    const kx_arm64_host& hc = g->host;
    v.host = hc;
    CHECK(kx_check_extension(KX_ARM64, h, KX_CAP_ARM_SVE) == hc.sve &&
              kx_check_extension(KX_ARM64, h, KX_CAP_ARM_PMU_V3) == hc.pmuv3 &&
              kx_check_extension(KX_ARM64, h, KX_CAP_ARM_EL1_32BIT) == hc.el1_32bit &&
              kx_check_extension(KX_ARM64, h, KX_CAP_ARM_PTRAUTH_ADDRESS) ==
                  (hc.ptrauth_address && hc.ptrauth_generic),
          "arm64 VM capabilities differ from the host it was created on");
  }
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

// VGIC_V2_MAX_CPUS, VGIC_V3_MAX_CPUS
uint32_t gic_max_cpus(unsigned model) { return model == KX_DEV_TYPE_ARM_VGIC_V2 ? 8 : 512; }

// The VGIC section below: how many redistributors the regions hold, and
// vgic_v3_check_base().
uint64_t gic_rd_capacity(const GicModel& m);
bool gic_v3_check_base(const VmModel& v);

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
  else if (v.gic.model && v.vcpu_ids.size() >= gic_max_cpus(v.gic.model))
    want = -EINVAL;  // kvm->max_vcpus, which the GIC set
  else if (v.gic.model && v.gic.initialized)
    want = -EBUSY;  // kvm_arch_vcpu_precreate()
  else if (v.gic.model == KX_DEV_TYPE_ARM_VGIC_V3 && v.vcpu_ids.size() < gic_rd_capacity(v.gic) &&
           !gic_v3_check_base(v))
    want = -EINVAL;  // its redistributor frame would be registered over the distributor
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
  v.vcpu_order.push_back(id);
  v.mpidr[id] = 0;
  v.vdev[id] = {};
  if (fd_slot < 0) {
    vm_put(vi);
    return;
  }
  g->vcpus[fd_slot] = VcpuFd{true, h, vi, id, ArmVcpu()};
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

// KVM_RUN's entry checks: arm64's kvm_vcpu_first_run_init() (never
// initialised -ENOEXEC, SVE not finalized -EPERM); the others have none.
int run_gate(const VcpuFd& c) {
  const VmModel& v = g->vms[c.vm];
  if (v.p != KX_ARM64) return g_arch[v.p].run_errno;
  if (!c.arm.inited) return -ENOEXEC;
  if (c.arm.has(4 /* SVE */) && !c.arm.finalized) return -EPERM;
  return 0;
}

// The VGIC section: kvm_vgic_map_resources()'s checks, a GICv2's
// initialisation state asked of the core, a wake's cross-check.
int gic_run_gate(const VmModel& v);
void gic_init_model(GicModel& m);
int gic_probe_initialized(int vi);
void gic_check_woken(const VcpuFd& c);

// KVM_RUN, never blocking. Mode 0: immediate_exit. 1: a signal pending.
// 2: neither, only where KVM_RUN is refused at entry (it would block
// otherwise). With an in-kernel GIC the first run that passes the entry
// checks puts its frames on the bus. The idle guest returns 0 with
// KVM_EXIT_EXT_INTERRUPT for an interrupt it would take: one of its CPU
// lines high (the model knows), or the GIC's (checked by HPPIR).
// kvm_vcpu_first_run_init()'s kvm_timer_enable() and
// kvm_arm_pmu_v3_enable(), after the GIC's frames: with a GIC each timer
// takes its PPI (kept even when a later check refuses) and every vCPU must
// use the same two; a vCPU with a PMU needs PMU_V3_INIT and an interrupt
// that suits the GIC (none without one).
int first_run_devices_gate(const VcpuFd& c) {
  VmModel& v = g->vms[c.vm];
  VmModel::VcpuDevices& dv = v.vdev[c.id];
  if (v.gic.model) {
    auto take = [&](uint32_t intid, int owner) {
      auto it = v.owners.find({c.id, intid});
      if (it != v.owners.end() && it->second != owner) return false;
      v.owners[{c.id, intid}] = owner;
      return true;
    };
    if (!take(dv.timer[0], 1) || !take(dv.timer[1], 2)) return -EINVAL;
    for (const auto& [id, o] : v.vdev) {
      if (o.timer[0] != dv.timer[0] || o.timer[1] != dv.timer[1]) return -EINVAL;
    }
  }
  if (!c.arm.has(3 /* PMU_V3 */)) return 0;
  if (!dv.pmu_created) return -EINVAL;
  const bool set = dv.pmu_irq >= 16;
  if (v.gic.model) {
    const bool ppi = dv.pmu_irq >= 16 && dv.pmu_irq < 32;
    const bool spi = dv.pmu_irq >= 32 && static_cast<uint32_t>(dv.pmu_irq) < v.gic.nr_irqs();
    if (!ppi && !spi) return -EINVAL;
  } else if (set) {
    return -EINVAL;
  }
  return 0;
}

void run_vcpu(const VcpuFd& c, unsigned mode) {
  VmModel& v = g->vms[c.vm];
  int gate = run_gate(c);
  const bool maps = gate == 0 && v.gic.model && !v.gic.mapped;
  if (maps) gate = gic_run_gate(v);
  const bool gic_maps = maps && gate == 0;
  // The first run's device checks come after the frames went on the bus.
  // (Undone below if an injected allocation failure stops the run first.)
  const auto owners_before = v.owners;
  int dev_gate = 0;
  if (gate == 0 && v.p == KX_ARM64 && !v.vdev[c.id].ran) dev_gate = first_run_devices_gate(c);
  const bool v2_inits = gic_maps && v.gic.model == KX_DEV_TYPE_ARM_VGIC_V2 && !v.gic.initialized;
  // Under allocation failure the GICv2's initialisation or the frames'
  // registration fails: which one, a probe tells afterwards, or the
  // failure is not injected.
  bool enomem_ok = gic_maps && g->inject;
  if (enomem_ok && v2_inits && (v.vcpu_order.empty() || v.vcpu_order.size() >= 8)) {
    host::fail_allocation_after(-1);
    enomem_ok = false;
  }
  kx_run run = {};
  run.immediate_exit = mode == 0;
  const bool signal = mode == 1 || (mode == 2 && gate == 0);
  if (signal) host::raise_signal();
  const int r = kx_vcpu_run(c.h, &run);
  host::clear_signal();
  host::fail_allocation_after(-1);
  trace("  -> %d exit %u/%u (model %d%s)", r, run.exit.set, run.exit.reason, gate,
        gic_maps ? ", maps the GIC" : "");
  if (enomem_ok && r == -ENOMEM) {
    v.owners = owners_before;
    CHECK(!run.exit.set, "KVM_RUN -ENOMEM set an exit");
    if (v2_inits && gic_probe_initialized(c.vm) == 1) gic_init_model(v.gic);
    return;
  }
  if (gate == 0 && gic_maps) {
    gic_init_model(v.gic);
    v.gic.mapped = true;
  }
  if (gate == 0 && dev_gate) gate = dev_gate;
  if (gate == 0) {
    v.ran = true;
    if (v.p == KX_ARM64) v.vdev[c.id].ran = true;
  }
  auto it = v.cpu_lines.find(c.id);
  const bool line = it != v.cpu_lines.end() && it->second;
  if (gate) {
    expect_ret("kx_vcpu_run", r, gate, false);
    CHECK(!run.exit.set, "refused KVM_RUN set an exit");
  } else if (run.immediate_exit) {
    expect_ret("kx_vcpu_run", r, -EINTR, false);
    CHECK(!run.exit.set, "immediate_exit set an exit");
  } else if (r == 0) {
    CHECK(line || (v.gic.model && v.gic.initialized),
          "KVM_RUN returned 0 with no interrupt line high and no GIC");
    CHECK(run.exit.set && run.exit.reason == KX_EXIT_EXT_INTERRUPT,
          "KVM_RUN woke without KVM_EXIT_EXT_INTERRUPT (exit %u/%u)", run.exit.set,
          run.exit.reason);
    if (!line) gic_check_woken(c);
  } else {
    expect_ret("kx_vcpu_run", r, -EINTR, false);
    CHECK(!line, "KVM_RUN waited with the vCPU's IRQ/FIQ line high");
    CHECK(run.exit.set && run.exit.reason == KX_EXIT_INTR, "signal: no KVM_EXIT_INTR");
  }
}

void op_run(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const uint8_t mode = in.u8() % 3;
  trace("run vcpu %d mode %u", ci, mode);
  if (ci < 0) return;
  run_vcpu(g->vcpus[ci], mode);
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

// KVM_CREATE_IRQCHIP: arm64 makes a GICv2 with no device
// (kvm_vgic_create()'s rules, the host's GICv2 compatibility first); s390
// refuses it without KVM_CAP_S390_IRQCHIP, ppc does not have it.
void create_irqchip(VmModel& v) {
  int want = 0;
  if (v.p == KX_PPC)
    want = -ENOTTY;
  else if (v.p == KX_S390)
    want = -EINVAL;
  else if (!v.host.gicv2)
    want = -ENODEV;
  else if (v.gic.model)
    want = -EEXIST;
  else if (v.ran)
    want = -EBUSY;
  else if (v.vcpu_ids.size() > gic_max_cpus(KX_DEV_TYPE_ARM_VGIC_V2))
    want = -E2BIG;
  const long r = kx_vm_ioctl(v.h, KX_CREATE_IRQCHIP, 0);
  trace("  -> %ld (model %d)", r, want);
  expect_ret("KVM_CREATE_IRQCHIP", static_cast<int>(r), want, false);
  if (r == 0) v.gic.model = KX_DEV_TYPE_ARM_VGIC_V2;
}

void op_create_device(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t tb = in.u8();
  unsigned type = KX_DEV_TYPE_VFIO;
  if (tb % 4 == 1) type = kDummyType;
  if (tb % 4 == 2) type = tb >> 2;
  // arm64's VGIC types, more often than the raw 5 and 7; 62 and 63 are
  // KVM_CREATE_IRQCHIP (a GICv2 without a device).
  if (tb % 4 == 2 && tb >> 2 >= 48)
    type = (tb >> 2) & 1 ? KX_DEV_TYPE_ARM_VGIC_V3 : KX_DEV_TYPE_ARM_VGIC_V2;
  const bool irqchip = tb % 4 == 2 && tb >> 2 >= 62;
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
  if (irqchip) {
    trace("create_irqchip vm %d", vi);
    if (vi >= 0) create_irqchip(g->vms[vi]);
    return;
  }
  trace("create_device vm %d type %u flags %#x%s refuse %d", vi, type, flags,
        abort_fd ? " (fd fails: abort)" : "", refuse);
  if (vi < 0) return;
  VmModel& v = g->vms[vi];
  const bool vfio = type == KX_DEV_TYPE_VFIO, dummy = type == kDummyType;
  // The VGIC types are registered on arm64 only, the GICv2 one with the
  // host's GICv2 compatibility (as the VM snapshotted it).
  const bool vgic = v.p == KX_ARM64 && (type == KX_DEV_TYPE_ARM_VGIC_V3 ||
                                        (type == KX_DEV_TYPE_ARM_VGIC_V2 && v.host.gicv2));
  int want = 0;
  bool enomem_ok = false;
  if (!vfio && !dummy && !vgic) {
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
    else if (vgic && v.gic.model)  // kvm_vgic_create(): one GIC per VM
      want = -EEXIST;
    else if (vgic && v.ran)
      want = -EBUSY;
    else if (vgic && v.vcpu_ids.size() > gic_max_cpus(type))
      want = -E2BIG;
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
  const char* name = vfio                              ? "kvm-vfio"
                     : dummy                           ? "fuzz-dummy"
                     : type == KX_DEV_TYPE_ARM_VGIC_V2 ? "kvm-arm-vgic-v2"
                                                       : "kvm-arm-vgic-v3";
  CHECK(strcmp(kx_device_name(h), name) == 0, "kx_device_name");
  // The GIC is the VM's from now on, even if the fd fails (6.1's
  // vgic_destroy() frees only the device).
  if (vgic) v.gic.model = type;
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
  g->devs[fd] = DevFd{true, h, vi, dummy, {}, vgic ? type : 0};
}

// The device fd closes: kvm_ext_device_release().
void close_device(DevFd& d) {
  VmModel& v = g->vms[d.vm];
  kx_vm* vm = kx_device_vm(d.h);
  CHECK(vm == v.h, "device's VM");
  kx_device_release(d.h);
  d.open = false;
  d.groups.clear();
  if (!d.dummy && !d.vgic) {  // a release hook: the device leaves the VM now
    v.nr_devices--;
    v.vfio_on_list = false;
  } else if (d.dummy) {
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

void op_vgic_attr(Input& in, DevFd& d, int op);

void op_device_attr(Input& in) {
  const int di = pick_dev(in.u8());
  const int op = in.u8() % 3;
  if (di >= 0 && g->devs[di].vgic) {
    op_vgic_attr(in, g->devs[di], op);
    return;
  }
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

void vcpu_attr_call(VcpuFd& c, int op, const AttrSpec& s);

void op_vcpu_attr(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const int op = in.u8() % 3;
  const AttrSpec s = attr_sel(in);
  trace("vcpu_attr vcpu %d %s uattr %s group %u attr %llu", ci, op_name(op),
        s.uattr_faults ? "bad" : "ok", s.a.group, s.a.attr);
  if (ci < 0) return;
  vcpu_attr_call(g->vcpus[ci], op, s);
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
      if (p == KX_ARM64)
        expect_ret("re-register VGIC v3",
                   kx_register_device_ops(p, KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops),
                   -EEXIST, false);
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

// ------------------------------------------------------------ arm64 VGIC

// The VGIC devices (arch/arm64/vgic/device.cpp, step 1) against GicModel:
// GRP_ADDR, GRP_NR_IRQS, GRP_CTRL INIT and HAS, exactly, in device.cpp's
// (6.1's) order of checks; a failed call changes nothing (the model is
// not updated; audit_gics() reads it all back at the end); a GET writes
// exactly its value's size, anything else nothing.
constexpr uint32_t kGicGrpAddr = 0, kGicGrpNrIrqs = 3, kGicGrpCtrl = 4;
constexpr uint64_t kGicCtrlInit = 0, kGicCtrlSavePending = 3;
constexpr uint64_t kGicV2Dist = 0, kGicV2Cpu = 1, kGicV3Dist = 2, kGicV3Redist = 3,
                   kGicV3RedistRegion = 5;
constexpr uint64_t kGicRedistSize = 0x20000, kGicV3Align = 0x10000;
constexpr uint64_t kRdIndexMask = 0xfff, kRdFlagsMask = 0xf000, kRdBaseMask = 0x000fffffffff0000ull;
constexpr uint8_t kPayloadFill = 0xa5;

// vgic_check_iorange()
int gic_check_iorange(const VmModel& v, uint64_t cur, uint64_t addr, uint64_t align,
                      uint64_t size) {
  if (cur != kGicUndef) return -EEXIST;
  if (addr % align || size % align) return -EINVAL;
  if (addr + size < addr) return -EINVAL;
  const uint64_t phys = 1ull << v.ipa_bits;
  if (addr & ~(phys - 1) || addr + size > phys) return -E2BIG;
  return 0;
}

uint64_t gic_region_size(const VmModel& v, uint32_t count) {
  return (count ? count : v.vcpu_ids.size()) * kGicRedistSize;
}

bool gic_overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size) {
  return a + a_size > b && b + b_size > a;
}

// vgic_v3_alloc_redist_region(), with the legacy form refused after
// indexed ones as well (differences.rst); then, if a vCPU gets its frame
// in the new region, vgic_v3_check_base() (the region is allocated
// first: *allocs).
int gic_add_region_want(const VmModel& v, uint32_t index, uint64_t base, uint32_t count,
                        bool* allocs) {
  const GicModel& m = v.gic;
  const uint64_t size = gic_region_size(v, count);
  if (base + size < base) return -EINVAL;
  if (m.regions.empty()) {
    if (index != 0) return -EINVAL;
  } else {
    const GicRegion& last = m.regions.back();
    if (!count != !last.count) return -EINVAL;
    if (!count) return -EEXIST;
    if (index != last.index + 1) return -EINVAL;
  }
  if (!count && m.dist != kGicUndef && gic_overlaps(base, size, m.dist, 0x10000)) return -EINVAL;
  for (const GicRegion& r : m.regions) {
    if (gic_overlaps(base, size, r.base, gic_region_size(v, r.count))) return -EINVAL;
  }
  if (int err = gic_check_iorange(v, kGicUndef, base, kGicV3Align, size)) return err;
  *allocs = true;
  if (v.vcpu_ids.size() <= gic_rd_capacity(m)) return 0;
  VmModel with = v;
  with.gic.regions.push_back(GicRegion{base, count, index});
  return gic_v3_check_base(with) ? 0 : -EINVAL;
}

bool gic_has(unsigned type, const kx_attr& a) {
  if (a.group == kGicGrpAddr)
    return type == KX_DEV_TYPE_ARM_VGIC_V2
               ? a.attr == kGicV2Dist || a.attr == kGicV2Cpu
               : a.attr == kGicV3Dist || a.attr == kGicV3Redist || a.attr == kGicV3RedistRegion;
  if (a.group == kGicGrpNrIrqs) return true;
  return a.group == kGicGrpCtrl && (a.attr == kGicCtrlInit || (a.attr == kGicCtrlSavePending &&
                                                               type == KX_DEV_TYPE_ARM_VGIC_V3));
}

// The register groups (VGIC step 2, below).
bool gic_reg_group(uint32_t g);
void gic_reg_attr(DevFd& d, int op, AttrSpec s, uint64_t value);

// Where a GIC frame may go: aligned or not, on or next to a frame already
// placed, at and past the end of the VM's IPA space, or anything.
uint64_t gic_addr_sel(Input& in, const VmModel& v) {
  const uint8_t b = in.u8();
  const uint64_t k = b >> 3;
  const uint64_t top = 1ull << v.ipa_bits;
  switch (b % 8) {
    case 0:
      return k * 0x10000;
    case 1:
      return k * 0x1000;
    case 2:
      return k * 0x10000 + (k & 1 ? 0x800 : 0x8000);
    case 3: {
      std::vector<uint64_t> at;
      if (v.gic.dist != kGicUndef) at.push_back(v.gic.dist);
      if (v.gic.cpu != kGicUndef) at.push_back(v.gic.cpu);
      for (const GicRegion& r : v.gic.regions) {
        at.push_back(r.base);
        at.push_back(r.base + gic_region_size(v, r.count));
      }
      static const uint64_t kOff[] = {0,           0x1000,  -0x1000ull,  0x10000,
                                      -0x10000ull, 0x20000, -0x20000ull, 0x2000};
      const uint64_t off = kOff[in.u8() % 8];
      return (at.empty() ? 0x8000000 : at[k % at.size()]) + off;
    }
    case 4: {
      static const uint64_t kBack[] = {0x1000,  0x2000, 0x10000, 0x20000,
                                       0x40000, 0,      0x30000, 0x100000};
      return top - kBack[k % 8];
    }
    case 5: {
      const uint64_t kSpecial[] = {top,        top << 1,           kGicUndef, 1ull << 52,
                                   1ull << 48, 0xffffffffffff0000, 0x8000000, 0x80a0000};
      return kSpecial[k % 8];
    }
    default:
      return in.u64();
  }
}

// KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION's value: count << 52 | base[51:16]
// | flags[15:12] | index[11:0], mostly the next index with no flags.
uint64_t gic_rdreg_sel(Input& in, const VmModel& v) {
  const uint8_t b = in.u8();
  if (b % 8 == 7) return in.u64();
  static const uint64_t kCounts[] = {1, 1, 2, 3, 8, 0, 0xfff, 16};
  const uint64_t count = kCounts[(b >> 3) % 8];
  uint64_t index = v.gic.regions.empty() ? 0 : v.gic.regions.back().index + 1;
  if (b & 0x80) index = b & 0x40 ? 0xfff : (b & 7);
  const uint64_t flags = b % 8 == 6 ? 0x1000ull << (b >> 6) : 0;
  const uint64_t base = gic_addr_sel(in, v);
  return count << 52 | (b % 8 == 5 ? base : base & kRdBaseMask) | flags | (index & kRdIndexMask);
}

uint32_t gic_nr_irqs_sel(Input& in) {
  static const uint32_t kNr[] = {64, 96, 256, 1024, 1023, 1056, 32, 0, 63, 992, 128, 0xffffffe0};
  const uint8_t b = in.u8();
  return b < 0xe0 ? kNr[b % 12] : in.u32();
}

void op_vgic_attr(Input& in, DevFd& d, int op) {
  VmModel& v = g->vms[d.vm];
  GicModel& m = v.gic;
  AttrSpec s = {};
  const uint8_t um = in.u8();
  const uint8_t gb = in.u8();
  static const uint32_t kGroups[] = {0, 0, 0, 3, 3, 4, 1, 2};
  s.a.group = gb < 0xf0 ? kGroups[gb % 8] : in.u32();
  const uint8_t ab = in.u8();
  s.a.attr = ab < 0xf0 ? ab % 7 : in.u64();
  s.a.flags = in.u8();
  const uint8_t pm = in.u8();
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, kPayloadFill, 16);
  uint64_t value = 0;
  s.a.addr = reinterpret_cast<uint64_t>(payload);
  if (pm % 8 < 5) {
    if (s.a.group == kGicGrpNrIrqs)
      value = 0xa5a5a5a500000000ull | gic_nr_irqs_sel(in);
    else if (s.a.attr == kGicV3RedistRegion)
      value = gic_rdreg_sel(in, v);
    else
      value = gic_addr_sel(in, v);
  } else if (pm % 8 == 5) {
    value = in.u64();
  } else {
    static const uint64_t kBad[] = {0, host::kUserTop, ~0ull, 8};
    s.a.addr = kBad[(pm >> 3) % 4];
    s.payload_faults = true;
  }
  if (!s.payload_faults) memcpy(payload, &value, sizeof(value));
  place_uattr(s, um);
  trace("vgic_attr dev %d (v%d) %s uattr %s group %u attr %llu value %#llx%s", int(&d - g->devs),
        d.vgic == KX_DEV_TYPE_ARM_VGIC_V2 ? 2 : 3, op_name(op), s.uattr_faults ? "bad" : "ok",
        s.a.group, s.a.attr, (ULL)value, s.payload_faults ? " (faults)" : "");
  if (gic_reg_group(s.a.group)) {
    gic_reg_attr(d, op, s, value);
    return;
  }

  // The model.
  enum { kNone, kSetDist, kSetCpu, kAddRegion, kSetNrIrqs, kInit } change = kNone;
  GicRegion region = {};
  int want = 0;
  bool enomem_ok = false;
  uint64_t out = 0;
  size_t out_len = 0;  // what a successful GET writes
  const uint64_t attr = s.a.attr;
  if (s.uattr_faults) {
    want = -EFAULT;
  } else if (op == KX_ATTR_HAS) {
    want = gic_has(d.vgic, s.a) ? 0 : -ENXIO;
  } else if (s.a.group == kGicGrpAddr) {
    const unsigned model =
        attr == kGicV2Dist || attr == kGicV2Cpu ? KX_DEV_TYPE_ARM_VGIC_V2
        : attr == kGicV3Dist || attr == kGicV3Redist || attr == kGicV3RedistRegion
            ? KX_DEV_TYPE_ARM_VGIC_V3
            : 0;
    if ((op == KX_ATTR_SET || attr == kGicV3RedistRegion) && s.payload_faults) {
      want = -EFAULT;  // the value is read first
    } else if (!model || model != m.model) {
      want = -ENXIO;
    } else if (op == KX_ATTR_SET) {
      bool allocs = false;
      if (attr == kGicV3Redist) {
        region = GicRegion{value, 0, 0};
        want = gic_add_region_want(v, 0, value, 0, &allocs);
        change = kAddRegion;
      } else if (attr == kGicV3RedistRegion) {
        const uint32_t count = static_cast<uint32_t>(value >> 52);
        region = GicRegion{value & kRdBaseMask, count, static_cast<uint32_t>(value & kRdIndexMask)};
        if (!count || (value & kRdFlagsMask))
          want = -EINVAL;
        else
          want = gic_add_region_want(v, region.index, region.base, count, &allocs);
        change = kAddRegion;
      } else if (attr == kGicV2Cpu) {
        want = gic_check_iorange(v, m.cpu, value, 0x1000, 0x2000);
        change = kSetCpu;
      } else {
        want = attr == kGicV2Dist ? gic_check_iorange(v, m.dist, value, 0x1000, 0x1000)
                                  : gic_check_iorange(v, m.dist, value, 0x10000, 0x10000);
        change = kSetDist;
      }
      enomem_ok = allocs && g->inject;
    } else {
      if (attr == kGicV3Redist) {
        out = m.regions.empty() ? kGicUndef : m.regions[0].base;
      } else if (attr == kGicV3RedistRegion) {
        const uint32_t index = value & kRdIndexMask;
        want = -ENOENT;
        for (const GicRegion& r : m.regions) {
          if (r.index != index) continue;
          out = index | r.base | static_cast<uint64_t>(r.count) << 52;
          want = 0;
          break;
        }
      } else {
        out = attr == kGicV2Cpu ? m.cpu : m.dist;
      }
      if (want == 0 && s.payload_faults) want = -EFAULT;
      out_len = 8;
    }
  } else if (s.a.group == kGicGrpNrIrqs) {
    const uint32_t nr = static_cast<uint32_t>(value);
    if (op == KX_ATTR_SET) {
      if (s.payload_faults)
        want = -EFAULT;
      else if (nr < 64 || nr > 1024 || nr % 32)
        want = -EINVAL;
      else if (m.initialized || m.nr_spis)
        want = -EBUSY;
      change = kSetNrIrqs;
    } else {
      out = m.nr_spis + 32;
      out_len = 4;
      if (s.payload_faults) want = -EFAULT;
    }
  } else if (s.a.group == kGicGrpCtrl && attr == kGicCtrlInit && op == KX_ATTR_SET) {
    change = kInit;  // idempotent; -EBUSY only while a vCPU is being created
    enomem_ok = !m.initialized && g->inject;  // the SPIs, the vCPU table
  } else if (s.a.group == kGicGrpCtrl && attr == kGicCtrlSavePending && op == KX_ATTR_SET &&
             m.model == KX_DEV_TYPE_ARM_VGIC_V3) {
    want = 0;  // no LPIs without an ITS: nothing to write; -EBUSY only with a vCPU in an ioctl
  } else {
    want = -ENXIO;
  }

  const int r = kx_device_attr(d.h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_device_attr (VGIC)", r, want, enomem_ok);
  if (!s.payload_faults) {
    uint8_t expect[16];
    memset(expect, kPayloadFill, sizeof(expect));
    memcpy(expect, &value, sizeof(value));
    if (r == 0 && op == KX_ATTR_GET) memcpy(expect, &out, out_len);
    CHECK(memcmp(payload, expect, sizeof(expect)) == 0,
          "VGIC %s group %u attr %llu (%d): payload %#llx, expected %#llx", op_name(op), s.a.group,
          s.a.attr, r, (ULL) * reinterpret_cast<uint64_t*>(payload),
          (ULL) * reinterpret_cast<uint64_t*>(expect));
  }
  if (r != 0 || op != KX_ATTR_SET) return;
  switch (change) {
    case kSetDist:
      m.dist = value;
      break;
    case kSetCpu:
      m.cpu = value;
      break;
    case kAddRegion:
      m.regions.push_back(region);
      break;
    case kSetNrIrqs:
      m.nr_spis = static_cast<uint32_t>(value) - 32;
      break;
    case kInit:
      gic_init_model(m);
      break;
    default:
      break;
  }
}

// One GET through a VGIC device's fd, checked against `want` and `expect`.
void gic_get(const DevFd& d, uint32_t group, uint64_t attr, uint64_t in_value, int want,
             uint64_t expect, size_t len) {
  kx_attr* a = reinterpret_cast<kx_attr*>(g_user);
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, kPayloadFill, 16);
  memcpy(payload, &in_value, sizeof(in_value));
  *a = kx_attr{};
  a->group = group;
  a->attr = attr;
  a->addr = reinterpret_cast<uint64_t>(payload);
  const int r = kx_device_attr(d.h, KX_ATTR_GET, reinterpret_cast<uint64_t>(a));
  trace("audit: VGIC GET group %u attr %llu (%#llx) -> %d (model %d)", group, (ULL)attr,
        (ULL)in_value, r, want);
  expect_ret("kx_device_attr (VGIC audit)", r, want, false);
  if (r) return;
  uint64_t got = 0;
  memcpy(&got, payload, len);
  CHECK(got == expect, "audit: VGIC group %u attr %llu reads %#llx, model %#llx", group, (ULL)attr,
        (ULL)got, (ULL)expect);
}

void audit_gic_regs(const DevFd& d);

// At the end of an input, every GIC with a device fd open is read back.
void audit_gics() {
  bool done[kMaxVms] = {};
  for (const DevFd& d : g->devs) {
    if (!d.open || !d.vgic || done[d.vm]) continue;
    done[d.vm] = true;
    const VmModel& v = g->vms[d.vm];
    const GicModel& m = v.gic;
    const bool v2 = m.model == KX_DEV_TYPE_ARM_VGIC_V2;
    CHECK(m.model == d.vgic, "model: VGIC device v%u on a GIC of type %u", d.vgic, m.model);
    gic_get(d, kGicGrpAddr, kGicV2Dist, 0, v2 ? 0 : -ENXIO, m.dist, 8);
    gic_get(d, kGicGrpAddr, kGicV2Cpu, 0, v2 ? 0 : -ENXIO, m.cpu, 8);
    gic_get(d, kGicGrpAddr, kGicV3Dist, 0, v2 ? -ENXIO : 0, m.dist, 8);
    gic_get(d, kGicGrpAddr, kGicV3Redist, 0, v2 ? -ENXIO : 0,
            m.regions.empty() ? kGicUndef : m.regions[0].base, 8);
    for (const GicRegion& r : m.regions) {
      gic_get(d, kGicGrpAddr, kGicV3RedistRegion, r.index, 0,
              r.index | r.base | static_cast<uint64_t>(r.count) << 52, 8);
    }
    const uint32_t next = m.regions.empty() ? 0 : m.regions.back().index + 1;
    if (!v2 && next <= kRdIndexMask)
      gic_get(d, kGicGrpAddr, kGicV3RedistRegion, next, -ENOENT, 0, 8);
    gic_get(d, kGicGrpNrIrqs, 0, 0, 0, m.nr_spis + 32, 4);
    audit_gic_regs(d);
  }
}

// ------------------------------------------------------------ arm64 vCPUs
//
// KVM_ARM_VCPU_INIT, KVM_ARM_VCPU_FINALIZE, KVM_{GET,SET}_ONE_REG and
// KVM_GET_REG_LIST (kx_vcpu_arm64_*, kx_vcpu_one_reg: kvm_ext/vm.c calls
// them on arm64 vCPUs only, and so does the harness), the vCPU attribute
// KVM_ARM_VCPU_PVTIME_CTRL, and the emulated host (kx_arm64_set_host()).
const kx_arm64_host& g_default_host = kDocArm64Host;
// Each input starts on the documented host with GICv2 compatibility, so
// that inputs reach both GIC models (op_arm_host() may take it away).
const kx_arm64_host g_input_host = [] {
  kx_arm64_host h = kDocArm64Host;
  h.gicv2 = 1;
  return h;
}();

namespace a64 {

constexpr uint64_t kArch = 0x6000000000000000ull;
constexpr uint64_t kSizeMask = 0x00f0000000000000ull;
constexpr uint64_t kU32 = 0x0020000000000000ull, kU64 = 0x0030000000000000ull,
                   kU128 = 0x0040000000000000ull, kU256 = 0x0050000000000000ull,
                   kU512 = 0x0060000000000000ull, kU2048 = 0x0080000000000000ull;
constexpr uint64_t kCoprocMask = 0x0fff0000ull;
constexpr uint64_t kCore = 0x10ull << 16, kDemux = 0x11ull << 16, kSys = 0x13ull << 16,
                   kFw = 0x14ull << 16, kSve = 0x15ull << 16, kFwBmap = 0x16ull << 16;

constexpr uint64_t core(uint64_t size, uint64_t off) { return kArch | size | kCore | off; }
constexpr uint64_t sys(uint64_t op0, uint64_t op1, uint64_t crn, uint64_t crm, uint64_t op2) {
  return kArch | kU64 | kSys | op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}
constexpr uint64_t zreg(uint64_t n, uint64_t s) { return kArch | kU2048 | kSve | n << 5 | s; }
constexpr uint64_t preg(uint64_t n, uint64_t s) {
  return kArch | kU256 | kSve | 0x400 | n << 5 | s;
}
constexpr uint64_t demux(uint64_t csselr) { return kArch | kU32 | kDemux | csselr; }
constexpr uint64_t fw(uint64_t r) { return kArch | kU64 | kFw | r; }
constexpr uint64_t fw_bmap(uint64_t r) { return kArch | kU64 | kFwBmap | r; }
constexpr uint64_t kVls = kArch | kU512 | kSve | 0xffff;
constexpr uint64_t kPsciVersion = fw(0);
constexpr uint64_t kTimerCtl = sys(3, 3, 14, 3, 1), kTimerCnt = sys(3, 3, 14, 3, 2);
constexpr uint64_t kMpidr = sys(3, 0, 0, 0, 5);
// struct kvm_regs, in 32-bit words.
constexpr uint64_t kOffPstate = 66, kOffSpsr = 72, kOffVregs = 84, kOffFpsr = 212, kOffFpcr = 213;

// KVM_ARM_VCPU_INIT's features (KVM_VCPU_MAX_FEATURES 7) and target.
enum Feature { kPowerOff, kEl132, kPsci02, kPmuV3, kSveF, kPacA, kPacG, kNumFeatures };
constexpr unsigned kTargetGenericV8 = 5;
constexpr uint64_t kPsciV01 = 1;
// VCPU_RESET_PSTATE_EL1 (EL1h, DAIF masked) and _SVC (SVC, AIF masked).
constexpr uint64_t kResetPstateEl1 = 0x3c5, kResetPstateSvc = 0x1d3;
// KVM_ARM_VCPU_PVTIME_CTRL / KVM_ARM_VCPU_PVTIME_IPA
constexpr uint32_t kPvtimeCtrl = 2;
constexpr uint64_t kPvtimeIpa = 0;

size_t reg_bytes(uint64_t id) { return size_t{1} << ((id & kSizeMask) >> 52); }
bool arm64_space(uint64_t id) { return (id & ~kSizeMask) >> 32 == kArch >> 32; }
uint64_t coproc(uint64_t id) { return id & kCoprocMask; }

// KVM_GET_REG_LIST's count as userspace-api.rst gives it (6.1's
// get-reg-list selftest): core 75, or 43 with SVE plus SVE's 50 and
// ZCR_EL1; firmware 7, timer 3, 5 invariant and 149 table system
// registers, 3 CCSIDRs; pointer auth 10 more, PMUv3 74.
uint32_t reg_count(const ArmVcpu& m) {
  uint32_t n = m.has(kSveF) ? 43 + 50 + 1 : 75;
  n += 7 + 3 + 5 + 149 + 3;
  if (m.has(kPacA)) n += 10;
  if (m.has(kPmuV3)) n += 74;
  return n;
}

// Ids for a vCPU no list is known for: some of every block.
const uint64_t kSampleIds[] = {
    core(kU64, 0),
    core(kU64, 60),
    core(kU64, 62),
    core(kU64, 64),
    core(kU64, kOffPstate),
    core(kU64, 68),
    core(kU64, kOffSpsr),
    core(kU64, kOffSpsr + 2),
    core(kU128, kOffVregs),
    core(kU128, kOffVregs + 124),
    core(kU32, kOffFpsr),
    core(kU32, kOffFpcr),
    kVls,
    zreg(0, 0),
    zreg(31, 0),
    preg(0, 0),
    preg(15, 0),
    preg(16, 0),  // FFR
    fw(0),
    fw(1),
    fw(2),
    fw(3),
    fw_bmap(0),
    fw_bmap(1),
    fw_bmap(2),
    kTimerCtl,
    kTimerCnt,
    sys(3, 3, 14, 0, 2),  // TIMER_CVAL
    sys(3, 0, 0, 0, 0),   // MIDR_EL1
    kMpidr,
    sys(3, 1, 0, 0, 1),    // CLIDR_EL1
    sys(3, 3, 0, 0, 1),    // CTR_EL0
    sys(3, 0, 0, 4, 0),    // ID_AA64PFR0_EL1
    sys(3, 0, 0, 5, 0),    // ID_AA64DFR0_EL1
    sys(3, 0, 0, 1, 0),    // ID_PFR0_EL1
    sys(3, 0, 0, 1, 2),    // ID_DFR0_EL1
    sys(3, 0, 0, 6, 1),    // ID_AA64ISAR1_EL1
    sys(3, 0, 0, 6, 2),    // ID_AA64ISAR2_EL1
    sys(3, 0, 0, 4, 4),    // ID_AA64ZFR0_EL1
    sys(3, 0, 0, 7, 0),    // ID_AA64MMFR0_EL1
    sys(3, 0, 1, 2, 0),    // ZCR_EL1
    sys(3, 0, 2, 1, 0),    // APIAKEYLO_EL1
    sys(2, 0, 1, 1, 4),    // OSLSR_EL1
    sys(3, 0, 1, 0, 0),    // SCTLR_EL1
    sys(3, 3, 9, 12, 0),   // PMCR_EL0
    sys(3, 3, 9, 13, 0),   // PMCCNTR_EL0
    sys(3, 3, 9, 12, 4),   // PMSWINC_EL0
    sys(3, 3, 14, 8, 0),   // PMEVCNTR0_EL0
    sys(3, 3, 14, 12, 0),  // PMEVTYPER0_EL0
    sys(3, 0, 9, 14, 2),   // PMINTENCLR_EL1
    demux(0),
    demux(1),
    demux(2),
    demux(3),
};
constexpr size_t kNumSampleIds = sizeof(kSampleIds) / sizeof(kSampleIds[0]);

// Values a register write tends to care about: PSTATE modes, PSCI
// versions, SMCCC workaround levels and bitmaps, OSLSR.
const uint64_t kRegValues[] = {0,     1,     2,       3,       0x10, 0x12, 0x13, 0x1f,
                               0x3c5, 0x1d3, 0x10000, 0x10001, 7,    8,    0xa,  ~0ull};

// Addresses every copy faults on, whatever its length (platform_host.cpp).
const uint64_t kFaulting[] = {0, 8, 4095, host::kUserTop, ~0ull};

constexpr uint8_t kRegFill = 0xa5;
constexpr uint64_t kIdFill = 0xa5a5a5a5a5a5a5a5ull;

// A register value buffer on the heap: KVM_REG_SIZE(id) bytes, and at
// least 8 (6.1's system register writes read a u64 whatever the id's
// size). ASan reports a copy past it.
struct RegBuf {
  explicit RegBuf(uint64_t id) : n(std::max<size_t>(8, reg_bytes(id))), p(new uint8_t[n]) {
    memset(p.get(), kRegFill, n);
  }
  uint64_t addr() const { return reinterpret_cast<uint64_t>(p.get()); }
  uint64_t u64() const {
    uint64_t v;
    memcpy(&v, p.get(), sizeof(v));
    return v;
  }
  size_t n;
  std::unique_ptr<uint8_t[]> p;
};

}  // namespace a64

using namespace a64;

int pick_arm64_vcpu(uint8_t b) {
  int idx[kMaxVcpuFds], n = 0;
  for (int i = 0; i < kMaxVcpuFds; i++) {
    if (g->vcpus[i].open && g->vms[g->vcpus[i].vm].p == KX_ARM64) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

// One KVM_{GET,SET}_ONE_REG: struct kvm_one_reg on the stack (ASan's
// redzones around it), or at a faulting address.
int one_reg(const VcpuFd& c, bool set, uint64_t id, uint64_t uaddr, int ureg_fault = -1) {
  uint64_t reg[2] = {id, uaddr};
  const uint64_t ureg =
      ureg_fault >= 0 ? kFaulting[ureg_fault % 5] : reinterpret_cast<uint64_t>(reg);
  const int r = kx_vcpu_one_reg(c.h, set, ureg);
  CHECK(reg[0] == id && reg[1] == uaddr, "ONE_REG wrote its struct kvm_one_reg");
  return r;
}

// A successful GET wrote KVM_REG_SIZE(id) bytes: nothing past them.
void check_get_tail(uint64_t id, const RegBuf& b) {
  for (size_t i = reg_bytes(id); i < b.n; i++)
    CHECK(b.p[i] == kRegFill, "KVM_GET_ONE_REG %#llx wrote byte %zu past its %zu", (ULL)id, i,
          reg_bytes(id));
}

// A successful GET: KVM_REG_SIZE(id) bytes written, nothing past them,
// and what the model knows (the VM's SMCCC bitmaps).
void check_get_value(const VcpuFd& c, uint64_t id, const RegBuf& b) {
  check_get_tail(id, b);
  if (id >= fw_bmap(0) && id <= fw_bmap(2)) {
    const uint64_t want = g->vms[c.vm].fw_bmap[id - fw_bmap(0)];
    CHECK(b.u64() == want, "SMCCC bitmap %#llx reads %#llx, model %#llx", (ULL)id, (ULL)b.u64(),
          (ULL)want);
  }
}

// What a SET of the value a GET just returned gives for a listed id: 0,
// but for KVM_REG_ARM64_SVE_VLS after KVM_ARM_VCPU_FINALIZE (-EPERM) and
// a PSCI_VERSION of 0.1 (another vCPU of the VM wrote it) on a vCPU with
// KVM_ARM_VCPU_PSCI_0_2 (-EINVAL: 6.1's kvm_arm_set_fw_reg() too).
int roundtrip_want(const ArmVcpu& m, uint64_t id, const RegBuf& b) {
  if (id == kVls && m.finalized) return -EPERM;
  if (id == kPsciVersion && b.u64() == kPsciV01 && m.has(kPsci02)) return -EINVAL;
  return 0;
}

// A listed register reads, and takes back what it read.
void check_listed(const VcpuFd& c, uint64_t id) {
  RegBuf b(id);
  int r = one_reg(c, false, id, b.addr());
  CHECK(r == 0, "listed register %#llx: KVM_GET_ONE_REG returned %d", (ULL)id, r);
  check_get_value(c, id, b);
  const int want = roundtrip_want(c.arm, id, b);
  r = one_reg(c, true, id, b.addr());
  CHECK(r == want,
        "listed register %#llx: KVM_SET_ONE_REG of the value read (%#llx) returned %d, "
        "model %d",
        (ULL)id, (ULL)b.u64(), r, want);
}

// What KVM_{GET,SET}_ONE_REG of an id in the arm64 space may return: 0
// or the errno a block's rules give, each only where it can arise.
void check_one_reg_ret(const VcpuFd& c, bool set, uint64_t id, bool value_faults, int r) {
  const char* op = set ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG";
  switch (r) {
    case 0:
      CHECK(!value_faults, "%s %#llx succeeded with a faulting value address", op, (ULL)id);
      break;
    case -EINVAL:
    case -ENOENT:
      break;
    case -EFAULT:
      CHECK(value_faults, "%s %#llx: -EFAULT with a valid value buffer", op, (ULL)id);
      break;
    case -EPERM:
      CHECK(coproc(id) == kSve, "%s %#llx: -EPERM outside the SVE block", op, (ULL)id);
      break;
    case -EBUSY:
      CHECK(set && coproc(id) == kFwBmap && g->vms[c.vm].ran,
            "%s %#llx: -EBUSY, not an SMCCC bitmap of a VM that ran", op, (ULL)id);
      break;
    default:
      fail("%s %#llx returned %d: not 0 or an errno of the arm64 registers", op, (ULL)id, r);
  }
  if (c.arm.listed(id) && !value_faults) {
    if (!set) CHECK(r == 0, "listed register %#llx: KVM_GET_ONE_REG returned %d", (ULL)id, r);
    CHECK(r != -ENOENT, "listed register %#llx: %s returned -ENOENT", (ULL)id, op);
  }
}

// KVM_ARM_VCPU_INIT as kvm_vcpu_set_target() and kvm_reset_vcpu() check
// it: the target, then each feature bit in order (unknown -ENOENT, a
// re-init that differs -EINVAL), then what the VM's host lacks, pointer
// auth halves, the VM's EL1 width.
int plan_init(const VmModel& v, const ArmVcpu& m, unsigned target, const uint32_t f[7]) {
  if (target != kTargetGenericV8) return -EINVAL;
  for (unsigned i = 0; i < 7 * 32; i++) {
    const bool set = (f[i / 32] >> (i % 32)) & 1;
    if (set && i >= kNumFeatures) return -ENOENT;
    if (m.inited && i < kNumFeatures && m.has(i) != set) return -EINVAL;
  }
  const uint32_t want = f[0];
  auto wants = [want](int b) { return (want >> b) & 1; };
  const kx_arm64_host& h = v.host;
  if (wants(kSveF) && !h.sve) return -EINVAL;
  if ((wants(kPacA) || wants(kPacG)) &&
      !(wants(kPacA) && wants(kPacG) && h.ptrauth_address && h.ptrauth_generic))
    return -EINVAL;
  if (wants(kPmuV3) && !h.pmuv3) return -EINVAL;
  const bool is32 = wants(kEl132);
  if (v.width_set ? is32 != v.width32 : is32 && !h.el1_32bit) return -EINVAL;
  return 0;
}

// After a successful KVM_ARM_VCPU_INIT, kvm_reset_vcpu()'s values: X0-30,
// SP, PC, the AArch32 SPSRs, V0-31, FPSR and FPCR zero, PSTATE the reset
// mode, MPIDR_EL1 from the vCPU id, and a finalized vCPU's Z, P and FFR
// zero (kvm_vcpu_reset_sve()).
void check_reset(const VcpuFd& c, bool sve_was_finalized) {
  const ArmVcpu& m = c.arm;
  auto expect = [&c](uint64_t id, uint64_t want) {
    RegBuf b(id);
    const int r = one_reg(c, false, id, b.addr());
    CHECK(r == 0, "after KVM_ARM_VCPU_INIT: KVM_GET_ONE_REG %#llx returned %d", (ULL)id, r);
    for (size_t i = 0; i < reg_bytes(id); i++) {
      const uint8_t w = i < 8 ? static_cast<uint8_t>(want >> (8 * i)) : 0;
      CHECK(b.p[i] == w, "after KVM_ARM_VCPU_INIT: register %#llx byte %zu is %#x, reset value %#x",
            (ULL)id, i, b.p[i], w);
    }
  };
  for (uint64_t off = 0; off < kOffPstate; off += 2) expect(core(kU64, off), 0);
  expect(core(kU64, kOffPstate), m.has(kEl132) ? kResetPstateSvc : kResetPstateEl1);
  for (uint64_t off = kOffSpsr + 2; off <= kOffSpsr + 8; off += 2) expect(core(kU64, off), 0);
  if (!m.has(kSveF)) {
    for (uint64_t i = 0; i < 32; i++) expect(core(kU128, kOffVregs + 4 * i), 0);
  }
  expect(core(kU32, kOffFpsr), 0);
  expect(core(kU32, kOffFpcr), 0);
  const uint64_t id = c.id;
  expect(kMpidr, 1ull << 31 | (id & 0xf) | ((id >> 4) & 0xff) << 8 | ((id >> 12) & 0xff) << 16);
  if (m.has(kSveF) && sve_was_finalized) {
    for (uint64_t n = 0; n < 32; n++) expect(zreg(n, 0), 0);
    for (uint64_t n = 0; n <= 16; n++) expect(preg(n, 0), 0);
  }
}

// KVM_ARM_VCPU_INIT's features: mostly bits 0-6 (any, or a preset), now
// and then another bit or whole words.
void features_sel(Input& in, uint32_t f[7]) {
  static const uint32_t kPresets[] = {
      0,
      1u << kPsci02,
      1u << kSveF | 1u << kPsci02,
      1u << kPacA | 1u << kPacG | 1u << kPsci02,
      1u << kPmuV3 | 1u << kPsci02,
      1u << kSveF | 1u << kPacA | 1u << kPacG | 1u << kPmuV3 | 1u << kPsci02,
      1u << kEl132 | 1u << kPsci02,
      1u << kPowerOff | 1u << kSveF | 1u << kPmuV3,
  };
  for (int i = 0; i < 7; i++) f[i] = 0;
  const uint8_t b = in.u8();
  if (b < 0x80) {
    f[0] = b;
  } else if (b < 0xc0) {
    f[0] = kPresets[b % 8];
  } else if (b < 0xf0) {
    f[0] = in.u8() & 0x7f;
    const unsigned bit = in.u8() % (7 * 32);
    f[bit / 32] |= 1u << (bit % 32);
  } else if (b < 0xff) {
    f[0] = in.u32();
  } else {
    for (int i = 0; i < 7; i++) f[i] = in.u32();
  }
}

void op_arm_init(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t tb = in.u8();
  const unsigned target = tb < 0xf0 ? kTargetGenericV8 : tb < 0xf8 ? tb & 7 : in.u32();
  uint32_t f[7];
  features_sel(in, f);
  trace("arm64_init vcpu %d target %u features %#x %#x %#x %#x %#x %#x %#x", ci, target, f[0], f[1],
        f[2], f[3], f[4], f[5], f[6]);
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  VmModel& v = g->vms[c.vm];
  const int want = plan_init(v, c.arm, target, f);
  const int r = kx_vcpu_arm64_init(c.h, target, f);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vcpu_arm64_init", r, want, false);
  if (r != 0) return;  // a refused call changes nothing (userspace-api.rst)
  const bool was_finalized = c.arm.finalized;
  c.arm.inited = true;
  c.arm.features = f[0];
  v.mpidr[c.id] = 1ull << 31 | (c.id & 0xf) | ((c.id >> 4) & 0xff) << 8 |
                  ((c.id >> 12) & 0xffull) << 16;  // reset_mpidr()
  v.width_set = true;
  v.width32 = c.arm.has(kEl132);
  check_reset(c, was_finalized);
}

// KVM_ARM_VCPU_FINALIZE: -ENOEXEC before init (the argument unread),
// -EFAULT, then kvm_arm_vcpu_finalize(): only SVE on an SVE vCPU, once.
void op_arm_finalize(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t wb = in.u8();
  const int what = wb < 0xe0 ? kSveF : wb < 0xf8 ? wb & 7 : static_cast<int>(in.u32());
  const uint8_t pb = in.u8();
  const bool faults = pb % 8 == 7;
  trace("arm64_finalize vcpu %d what %d%s", ci, what, faults ? " (faulting)" : "");
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  std::unique_ptr<int> arg(new int(what));
  const uint64_t uaddr = faults ? kFaulting[(pb >> 3) % 5] : reinterpret_cast<uint64_t>(arg.get());
  int want = 0;
  if (!c.arm.inited)
    want = -ENOEXEC;
  else if (faults)
    want = -EFAULT;
  else if (what != kSveF || !c.arm.has(kSveF))
    want = -EINVAL;
  else if (c.arm.finalized)
    want = -EPERM;
  const int r = kx_vcpu_arm64_finalize(c.h, uaddr);
  trace("  -> %d (model %d)", r, want);
  // The SVE register file is allocated here.
  expect_ret("kx_vcpu_arm64_finalize", r, want, want == 0 && g->inject);
  CHECK(*arg == what, "KVM_ARM_VCPU_FINALIZE wrote its argument");
  if (r == 0) c.arm.finalized = true;
}

// A register id: mostly one the vCPU's list (or another vCPU's, or the
// samples) has, else a mutation of one (size, SVE slice, coprocessor, low
// bits, one bit, a neighbour, the encoding, the architecture), a sample,
// or anything.
uint64_t mutate_id(Input& in, uint64_t id, unsigned kind) {
  switch (kind % 8) {
    case 0:
      return (id & ~kSizeMask) | static_cast<uint64_t>(in.u8() & 0xf) << 52;
    case 1:
      return (id & ~0x1full) | (in.u8() & 0x1f);
    case 2: {
      const uint8_t b = in.u8();
      const uint64_t cp = b < 0xf0 ? 0x10 + b % 8 : in.u16() & 0xfff;
      return (id & ~kCoprocMask) | cp << 16;
    }
    case 3:
      return id ^ in.u16();
    case 4:
      return id ^ 1ull << (in.u8() % 64);
    case 5:
      return id + static_cast<int8_t>(in.u8());
    case 6:
      return (id & ~0xffffull) | in.u16();
    default:
      return (id & ~(0xffull << 56)) | static_cast<uint64_t>(in.u8()) << 56;
  }
}

uint64_t reg_id_sel(Input& in, const VcpuFd* c) {
  const uint8_t b = in.u8();
  const std::vector<uint64_t>* pool = nullptr;
  if (c && !c->arm.list.empty())
    pool = &c->arm.list;
  else if (!g->any_list.empty())
    pool = &g->any_list;
  auto from_pool = [&in, pool]() -> uint64_t {
    const uint16_t i = in.u16();
    return pool ? (*pool)[i % pool->size()] : kSampleIds[i % kNumSampleIds];
  };
  switch (b % 8) {
    case 4:
    case 5: {
      const uint64_t id = from_pool();
      return mutate_id(in, id, b >> 3);
    }
    case 6:
      return kSampleIds[in.u8() % kNumSampleIds];
    case 7:
      return in.u64();
    default:
      return from_pool();
  }
}

// The value of a KVM_SET_ONE_REG: zeros, input bytes, a constant, ones, a
// faulting address, or what a GET reads with one bit or one nibble
// changed.
struct ValueSpec {
  unsigned mode;
  uint64_t word;
  uint8_t bytes[32];
  unsigned nbytes;
  uint16_t pos;
  uint8_t nibble;
  uint64_t fault_addr;
  bool faults() const { return mode == 6; }
};

ValueSpec value_sel(Input& in) {
  ValueSpec v = {};
  const uint8_t b = in.u8();
  v.mode = b % 8;
  switch (v.mode) {
    case 1:
      v.word = in.u64();
      break;
    case 2:
      v.nbytes = in.u8() % 32 + 1;
      for (unsigned i = 0; i < v.nbytes; i++) v.bytes[i] = in.u8();
      break;
    case 3:
      v.pos = in.u16();
      break;
    case 4:
      v.word = kRegValues[in.u8() % 16];
      break;
    case 6:
      v.fault_addr = kFaulting[(b >> 3) % 5];
      break;
    case 7:
      v.pos = in.u8();
      v.nibble = in.u8() & 0xf;
      break;
    default:
      break;
  }
  return v;
}

void fill_value(const ValueSpec& v, const VcpuFd& c, uint64_t id, RegBuf& b) {
  const size_t size = reg_bytes(id);
  switch (v.mode) {
    case 0:
      memset(b.p.get(), 0, b.n);
      break;
    case 1:
      for (size_t i = 0; i < b.n; i++) b.p[i] = static_cast<uint8_t>(v.word >> (8 * (i % 8)));
      break;
    case 2:
      for (size_t i = 0; i < b.n; i++) b.p[i] = v.bytes[i % v.nbytes];
      break;
    case 4:
      memset(b.p.get(), 0, b.n);
      memcpy(b.p.get(), &v.word, sizeof(v.word));
      break;
    case 5:
      memset(b.p.get(), 0xff, b.n);
      break;
    case 3:
    case 7:
      if (one_reg(c, false, id, b.addr()) != 0) memset(b.p.get(), 0, b.n);
      if (v.mode == 3) {
        b.p[(v.pos / 8) % size] ^= 1u << (v.pos % 8);
      } else {
        const size_t nib = v.pos % (2 * size);
        uint8_t& byte = b.p[nib / 2];
        byte = nib % 2 ? (byte & 0x0f) | v.nibble << 4 : (byte & 0xf0) | v.nibble;
      }
      break;
    default:
      break;
  }
}

// The timer's CTL (ISTATUS) and CNT read differently as time passes.
bool time_dependent(uint64_t id) { return id == kTimerCtl || id == kTimerCnt; }

// The GIC finds vCPUs by MPIDR_EL1 (the model keeps it): after any
// successful write, read it back.
void refresh_mpidr(const VcpuFd& c) {
  RegBuf b(kMpidr);
  const int r = one_reg(c, false, kMpidr, b.addr());
  CHECK(r == 0, "KVM_GET_ONE_REG MPIDR_EL1 returned %d", r);
  g->vms[c.vm].mpidr[c.id] = b.u64();
}

void op_one_reg(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t sb = in.u8();
  const VcpuFd* cp = ci >= 0 ? &g->vcpus[ci] : nullptr;
  const uint64_t id = reg_id_sel(in, cp);
  const ValueSpec vs = value_sel(in);
  const bool roundtrip = (sb >> 1) % 4 == 3;
  const bool set = roundtrip || (sb & 1);
  const int ureg_fault = (sb >> 3) % 8 == 7 ? sb >> 6 : -1;
  trace("one_reg vcpu %d %s id %#llx value mode %u%s", ci,
        roundtrip ? "GET+SET"
        : set     ? "SET"
                  : "GET",
        (ULL)id, roundtrip ? 0 : vs.mode, ureg_fault >= 0 ? " (struct faults)" : "");
  if (!cp) return;
  const VcpuFd& c = *cp;
  RegBuf b(id);
  const bool value_faults = !roundtrip && vs.faults();
  const uint64_t uaddr = value_faults ? vs.fault_addr : b.addr();

  // Before the id is looked at: exact.
  int want = 1;
  if (!c.arm.inited)
    want = -ENOEXEC;
  else if (ureg_fault >= 0)
    want = -EFAULT;
  else if (!arm64_space(id))
    want = -EINVAL;
  if (want != 1) {
    const int r = one_reg(c, set, id, uaddr, ureg_fault);
    trace("  -> %d (model %d)", r, want);
    expect_ret("kx_vcpu_one_reg", r, want, false);
    for (size_t i = 0; i < b.n; i++)
      CHECK(b.p[i] == kRegFill, "refused KVM_GET/SET_ONE_REG touched the value");
    return;
  }

  if (roundtrip) {
    int r = one_reg(c, false, id, b.addr());
    check_one_reg_ret(c, false, id, false, r);
    if (r != 0) {
      trace("  GET -> %d", r);
      return;
    }
    check_get_value(c, id, b);
    const int rt = c.arm.listed(id) ? roundtrip_want(c.arm, id, b) : 1;
    r = one_reg(c, true, id, b.addr());
    trace("  GET %#llx..., SET it -> %d%s", (ULL)b.u64(), r, rt == 1 ? " (not listed)" : "");
    check_one_reg_ret(c, true, id, false, r);
    if (rt != 1) expect_ret("KVM_SET_ONE_REG of the value read", r, rt, false);
    if (r == 0) refresh_mpidr(c);
    return;
  }

  if (set && !value_faults) fill_value(vs, c, id, b);
  // A failed write changes nothing: read before and after.
  const bool probe = set && !value_faults && !time_dependent(id);
  RegBuf before(id);
  const int rb = probe ? one_reg(c, false, id, before.addr()) : -1;
  const int r = one_reg(c, set, id, uaddr);
  trace("  %s%#llx... -> %d", set ? "value " : "", (ULL)(value_faults ? uaddr : b.u64()), r);
  check_one_reg_ret(c, set, id, value_faults, r);
  if (!set && r == 0) check_get_value(c, id, b);
  if (set && r == 0 && id >= fw_bmap(0) && id <= fw_bmap(2))
    g->vms[c.vm].fw_bmap[id - fw_bmap(0)] = b.u64();
  if (set && r == 0) refresh_mpidr(c);
  if (probe && r != 0 && rb == 0) {
    RegBuf after(id);
    const int ra = one_reg(c, false, id, after.addr());
    CHECK(ra == 0 && memcmp(before.p.get(), after.p.get(), before.n) == 0,
          "failed KVM_SET_ONE_REG %#llx (%d) changed the register (GET %d)", (ULL)id, r, ra);
  }
}

// A successful list: every id in the arm64 space with a size ONE_REG
// copies, none twice, the same list as before (the features cannot
// change); then every id (a sample once this input's sweeps are spent)
// reads and takes back its value.
void record_list(VcpuFd& c, const uint64_t* ids, uint32_t n, uint8_t sample_start) {
  std::vector<uint64_t> list(ids, ids + n);
  std::vector<uint64_t> sorted = list;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < n; i++) {
    CHECK(arm64_space(list[i]) && reg_bytes(list[i]) <= 256,
          "KVM_GET_REG_LIST: id %u %#llx is no arm64 register id", i, (ULL)list[i]);
    CHECK(i == 0 || sorted[i] != sorted[i - 1], "KVM_GET_REG_LIST lists %#llx twice",
          (ULL)sorted[i]);
  }
  if (!c.arm.list.empty()) {
    CHECK(c.arm.list == list, "KVM_GET_REG_LIST changed without a KVM_ARM_VCPU_INIT");
  }
  c.arm.list = list;
  c.arm.sorted = sorted;
  g->any_list = list;
  if (g->sweeps > 0) {
    g->sweeps--;
    for (uint64_t id : list) check_listed(c, id);
    trace("  all %u listed registers read and written back", n);
    return;
  }
  const uint32_t stride = n / 16 ? n / 16 : 1;
  for (uint32_t k = 0; k < 16 && k < n; k++) check_listed(c, list[(sample_start + k * stride) % n]);
  trace("  16 listed registers read and written back");
}

// One KVM_GET_REG_LIST with n: a heap buffer for n and as many ids as the
// call may write (ASan: not one more), or a faulting address.
int reg_list_call(VcpuFd& c, uint64_t n, int fault, uint8_t sample_start) {
  const uint32_t need = c.arm.inited ? reg_count(c.arm) : 0;
  const uint32_t n_cmp = static_cast<uint32_t>(n);  // arm.c keeps n in an unsigned int
  int want = 0;
  if (!c.arm.inited)
    want = -ENOEXEC;
  else if (c.arm.has(kSveF) && !c.arm.finalized)
    want = -EPERM;
  else if (fault >= 0)
    want = -EFAULT;
  else if (n_cmp < need)
    want = -E2BIG;
  const uint64_t words = 1 + std::min<uint64_t>(n, need ? need : 512);
  std::unique_ptr<uint64_t[]> buf(new uint64_t[words]);
  buf[0] = n;
  for (uint64_t i = 1; i < words; i++) buf[i] = kIdFill;
  const uint64_t uaddr = fault >= 0 ? kFaulting[fault % 5] : reinterpret_cast<uint64_t>(buf.get());
  const int r = kx_vcpu_arm64_reg_list(c.h, uaddr);
  trace("  n %llu -> %d (model %d), n now %llu", (ULL)n, r, want, (ULL)buf[0]);
  // The id array is allocated when the list is copied out.
  expect_ret("kx_vcpu_arm64_reg_list", r, want, want == 0 && g->inject);
  if (fault >= 0) return r;
  if (r == -ENOEXEC || r == -EPERM)
    CHECK(buf[0] == n, "refused KVM_GET_REG_LIST wrote n");
  else
    CHECK(buf[0] == need, "KVM_GET_REG_LIST wrote n %llu, %u registers listed", (ULL)buf[0], need);
  if (r != 0) {
    for (uint64_t i = 1; i < words; i++)
      CHECK(buf[i] == kIdFill, "failed KVM_GET_REG_LIST (%d) wrote id %llu", r, (ULL)i - 1);
    return r;
  }
  record_list(c, &buf[1], need, sample_start);
  return r;
}

// n: none, one short, exactly the count, more, or from the input (small,
// with bits above 32, anything); or a faulting address. A -E2BIG is
// followed by a call with the count it reported, as userspace does.
void op_reg_list(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t nb = in.u8();
  uint64_t raw = 0;
  if (nb % 8 == 4) raw = in.u16();
  if (nb % 8 == 5) raw = static_cast<uint64_t>(in.u8() % 4 + 1) << 32 | in.u16();
  if (nb % 8 == 6) raw = in.u64();
  const uint8_t sample_start = in.u8();
  trace("reg_list vcpu %d n mode %u", ci, nb % 8);
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  const uint64_t need = c.arm.inited ? reg_count(c.arm) : 0;
  uint64_t n = raw;
  switch (nb % 8) {
    case 0:
      n = 0;
      break;
    case 1:
      n = need ? need - 1 : 0;
      break;
    case 2:
      n = need;
      break;
    case 3:
      n = need + (nb >> 3);
      break;
    default:
      break;
  }
  const int fault = nb % 8 == 7 ? (nb >> 3) % 5 : -1;
  if (reg_list_call(c, n, fault, sample_start) == -E2BIG)
    reg_list_call(c, reg_count(c.arm), -1, sample_start);
}

// KVM_{SET,GET,HAS}_DEVICE_ATTR on a vCPU: the personality's unknown-ioctl
// errno where vCPU attributes are not handled, -EFAULT for the struct,
// -ENXIO but for arm64's KVM_ARM_VCPU_PVTIME_CTRL/_IPA, whose rules are
// kvm_arm_pvtime_{set,get,has}_attr()'s: reads GPA_INVALID until set;
// a set needs 64-byte alignment, no earlier set, and a writable memslot
// at the address.
bool writable_gfn(const VmModel& v, uint64_t gfn) {
  for (const auto& [id, s] : v.slots) {
    if (gfn >= s.base_gfn && gfn - s.base_gfn < s.npages) return !(s.flags & KX_MEM_READONLY);
  }
  return false;
}

// KVM_ARM_VCPU_PMU_V3_CTRL (group 0) and KVM_ARM_VCPU_TIMER_CTRL (group 1):
// vcpu.rst's rows in pmu-emul.c's and arch_timer.c's order, with the
// document's two stricter rules (an SPI next to a PPI, -EBUSY once any vCPU
// has run). Returns the errno; `out` is what a successful GET writes.
int pmu_timer_model(VcpuFd& c, int op, const AttrSpec& s, uint64_t payload, int32_t* out) {
  VmModel& v = g->vms[c.vm];
  VmModel::VcpuDevices& dv = v.vdev[c.id];
  const uint64_t attr = s.a.attr;
  const int32_t irq = static_cast<int32_t>(payload);
  auto ppi = [](int32_t i) { return i >= 16 && i < 32; };
  auto spi = [](int32_t i) { return i >= 32 && i < 1020; };
  if (s.a.group == 1) {  // timer
    const bool known = attr == 0 || attr == 1;
    if (op == KX_ATTR_HAS) return known ? 0 : -ENXIO;
    if (op == KX_ATTR_GET) {
      if (!known) return -ENXIO;
      if (s.payload_faults) return -EFAULT;
      *out = static_cast<int32_t>(dv.timer[attr]);
      return 0;
    }
    if (!v.gic.model) return -EINVAL;
    if (s.payload_faults) return -EFAULT;
    if (!ppi(irq)) return -EINVAL;
    if (v.ran) return -EBUSY;
    if (!known) return -ENXIO;
    const uint32_t pair[2] = {attr == 0 ? static_cast<uint32_t>(irq) : dv.timer[0],
                              attr == 1 ? static_cast<uint32_t>(irq) : dv.timer[1]};
    for (auto& [id, o] : v.vdev) o.timer[0] = pair[0], o.timer[1] = pair[1];
    return 0;
  }
  const bool pmu = c.arm.has(3);  // PMU
  if (op == KX_ATTR_HAS) return attr <= 3 && pmu ? 0 : -ENXIO;
  if (op == KX_ATTR_GET) {
    if (attr != 0) return -ENXIO;
    if (!v.gic.model) return -EINVAL;
    if (!pmu) return -ENODEV;
    if (dv.pmu_irq < 16) return -ENXIO;
    if (s.payload_faults) return -EFAULT;
    *out = dv.pmu_irq;
    return 0;
  }
  if (!pmu) return -ENODEV;
  if (dv.pmu_created) return -EBUSY;
  switch (attr) {
    case 0: {  // IRQ
      if (!v.gic.model) return -EINVAL;
      if (s.payload_faults) return -EFAULT;
      if (!ppi(irq) && !spi(irq)) return -EINVAL;
      for (const auto& [id, o] : v.vdev) {
        if (o.pmu_irq < 16) continue;
        if (ppi(irq) ? o.pmu_irq != irq : (ppi(o.pmu_irq) || o.pmu_irq == irq)) return -EINVAL;
      }
      if (dv.pmu_irq >= 16) return -EBUSY;
      dv.pmu_irq = irq;
      return 0;
    }
    case 2: {  // FILTER
      if (s.payload_faults) return -EFAULT;
      const uint32_t base = payload & 0xffff, n = (payload >> 16) & 0xffff;
      const uint8_t action = (payload >> 32) & 0xff;
      if (base + n > 65536 || action > 1) return -EINVAL;
      if (v.ran) return -EBUSY;
      return 0;
    }
    case 3:  // SET_PMU: no host PMU id exists
      return s.payload_faults ? -EFAULT : -ENXIO;
    case 1: {  // INIT
      if (v.gic.model) {
        if (!v.gic.initialized) return -ENODEV;
        if (dv.pmu_irq < 16) return -ENXIO;
        const uint32_t intid = static_cast<uint32_t>(dv.pmu_irq);
        if (!ppi(dv.pmu_irq) && intid >= v.gic.nr_irqs()) return -EINVAL;
        const std::pair<int64_t, uint32_t> key{ppi(dv.pmu_irq) ? c.id : -1, intid};
        auto it = v.owners.find(key);
        if (it != v.owners.end() && it->second != 3) return -EEXIST;
        v.owners[key] = 3;
      }
      dv.pmu_created = true;
      return 0;
    }
  }
  return -ENXIO;
}

void vcpu_attr_call(VcpuFd& c, int op, const AttrSpec& s) {
  const VmModel& v = g->vms[c.vm];
  const Arch& a = g_arch[v.p];
  const bool pvtime = v.p == KX_ARM64 && s.a.group == kPvtimeCtrl && s.a.attr == kPvtimeIpa;
  const bool devices = v.p == KX_ARM64 && (s.a.group == 0 || s.a.group == 1);
  uint64_t payload = 0;
  if (!s.payload_faults) memcpy(&payload, reinterpret_cast<const void*>(s.a.addr), 8);
  int want = 0;
  int32_t got_out = 0;
  if (!a.vcpu_attr)
    want = a.unknown_vcpu;
  else if (s.uattr_faults)
    want = -EFAULT;
  else if (devices)
    want = pmu_timer_model(c, op, s, payload, &got_out);
  else if (!pvtime)
    want = -ENXIO;
  else if (op == KX_ATTR_HAS)
    want = 0;
  else if (s.payload_faults)
    want = -EFAULT;
  else if (op == KX_ATTR_GET)
    want = 0;
  else if (payload % 64)
    want = -EINVAL;
  else if (c.arm.pvtime != ~0ull)
    want = -EEXIST;
  else if (!writable_gfn(v, payload / kPage))
    want = -EINVAL;
  const int r = kx_vcpu_attr(c.h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vcpu_attr", r, want, false);
  if (s.payload_faults) return;
  uint64_t after;
  memcpy(&after, reinterpret_cast<const void*>(s.a.addr), 8);
  if (devices && r == 0 && op == KX_ATTR_GET) {
    CHECK(static_cast<int32_t>(after) == got_out && after >> 32 == payload >> 32,
          "vCPU attribute group %u GET wrote %#llx, model %d", s.a.group, (ULL)after, got_out);
  } else if (!devices && r == 0 && op == KX_ATTR_GET) {
    CHECK(after == c.arm.pvtime, "KVM_ARM_VCPU_PVTIME_IPA reads %#llx, model %#llx", (ULL)after,
          (ULL)c.arm.pvtime);
  } else {
    CHECK(after == payload, "vCPU attribute %s (%d) wrote its payload", op_name(op), r);
  }
  if (r == 0 && op == KX_ATTR_SET && pvtime) c.arm.pvtime = payload;
}

constexpr uint64_t kPvTimeFeatures = 0xc5000020, kPvTimeSt = 0xc5000021;

// The PVTIME attribute with addresses that matter: in a slot (aligned or
// not), just past one, GPA_INVALID, low, anything, or a faulting payload;
// or the guest's side, the PV-time hypercalls.
void op_pvtime(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t ob = in.u8();
  const int op = ob % 4;
  if (op == 3) {
    const uint8_t hb = in.u8();
    static const uint64_t kIds[] = {kPvTimeFeatures, kPvTimeSt, kPvTimeSt + 1, 0xc5000000};
    const uint64_t fid = kIds[hb % 4];
    static const uint64_t kArgs[] = {kPvTimeFeatures, kPvTimeSt, 1ull << 32 | kPvTimeSt, 0};
    const uint64_t arg = (hb >> 2) % 8 < 4 ? kArgs[(hb >> 2) % 4] : in.u64();
    trace("pv-time hypercall vcpu %d %#llx arg %#llx", ci, (ULL)fid, (ULL)arg);
    if (ci >= 0) arm64_hypercall(g->vcpus[ci], 0, fid, 8, arg, "kx_vcpu_guest_access");
    return;
  }
  const uint8_t ab = in.u8();
  const uint64_t attr = ab < 0xe0 ? kPvtimeIpa : ab < 0xf8 ? ab & 7 : in.u64();
  const VmModel* v = ci >= 0 ? &g->vms[g->vcpus[ci].vm] : nullptr;
  const uint8_t pb = in.u8();
  const SlotModel* s = nth_slot(v, in.u8(), nullptr);
  const uint64_t base = s ? s->base_gfn * kPage : 0, size = s ? s->npages * kPage : kPage;
  uint64_t ipa = 0;
  switch (pb % 8) {
    case 0:
      ipa = base + in.u16() * 64ull % size;
      break;
    case 1:
      ipa = base + in.u16() % size;
      break;
    case 2:
      ipa = base + size;
      break;
    case 3:
      ipa = ~0ull;
      break;
    case 4:
      ipa = in.u64();
      break;
    case 5:
      ipa = in.u16() * 64ull;
      break;
    default:
      break;
  }
  AttrSpec sp = {};
  sp.a.group = kPvtimeCtrl;
  sp.a.attr = attr;
  sp.payload_faults = pb % 8 >= 6;
  uint8_t* payload = g_user + kPayloadOffset;
  memcpy(payload, &ipa, sizeof(ipa));
  sp.a.addr = sp.payload_faults ? kFaulting[(pb >> 3) % 5] : reinterpret_cast<uint64_t>(payload);
  sp.uattr_faults = (ob >> 2) % 8 == 7;
  memcpy(g_user, &sp.a, sizeof(sp.a));
  sp.uattr = sp.uattr_faults ? kFaulting[(ob >> 5) % 5] : reinterpret_cast<uint64_t>(g_user);
  trace("pvtime vcpu %d %s attr %llu ipa %#llx%s%s", ci, op_name(op), (ULL)attr, (ULL)ipa,
        sp.payload_faults ? " (payload faults)" : "", sp.uattr_faults ? " (uattr faults)" : "");
  if (ci < 0) return;
  vcpu_attr_call(g->vcpus[ci], op, sp);
}

// The PV-time hypercalls through the guest-access extension (addr: the
// SMCCC function id; data: arg1 in, x0 out), as kvm_hvc_call_handler():
// other ids have no handler (-ENXIO); without PV_TIME in the VM's
// STD_HYP bitmap, or before the VMM set the IPA, x0 is
// SMCCC_RET_NOT_SUPPORTED. PV_TIME_FEATURES answers 0 for itself and
// PV_TIME_ST; PV_TIME_ST returns the IPA and zeroes the 64-byte stolen
// time structure there (kvm_init_stolen_time()) when a writable slot
// holds it, which marks the page in the slot's dirty log.
constexpr uint64_t kSmcccNotSupported = ~0ull;
constexpr uint32_t kStolenTimeBytes = 64;

void arm64_hypercall(const VcpuFd& c, unsigned flags, uint64_t addr, unsigned len, uint64_t data,
                     const char* what) {
  VmModel& v = g->vms[c.vm];
  const bool allowed = v.fw_bmap[1] & 1;
  const uint64_t base = c.arm.pvtime;
  int want = 0;
  uint64_t ret = kSmcccNotSupported;
  SlotModel* slot = nullptr;
  uint64_t hva = 0;
  if (addr != kPvTimeFeatures && addr != kPvTimeSt) {
    want = -ENXIO;
  } else if (addr == kPvTimeFeatures) {
    const uint32_t f = static_cast<uint32_t>(data);
    if (allowed && (f == kPvTimeFeatures || f == kPvTimeSt) && base != ~0ull) ret = 0;
  } else if (allowed && base != ~0ull) {
    ret = base;
    for (auto& [id, s] : v.slots) {
      const uint64_t gfn = base / kPage;
      if (gfn < s.base_gfn || gfn - s.base_gfn >= s.npages) continue;
      if (!(s.flags & KX_MEM_READONLY)) {
        slot = &s;
        hva = s.uaddr + (base - s.base_gfn * kPage);
      }
      break;
    }
    if (slot && !user_ok(hva, kStolenTimeBytes)) slot = nullptr;  // the write faults: ignored
    if (slot && !in_ram(hva, kStolenTimeBytes)) {
      trace("  %s: PV_TIME_ST skipped (host address outside the arena)", what);
      return;
    }
  }
  uint8_t* st = slot ? reinterpret_cast<uint8_t*>(hva) : nullptr;
  if (st) {
    touch(hva);
    memset(st, 0x5a, kStolenTimeBytes);  // as the VMM could have left it
  }
  kx_guest_access acc = {KX_ACCESS_HYPERCALL, flags, addr, len, kResultSentinel, data};
  kx_exit exit = {};
  exit.reason = KX_EXIT_UNKNOWN;
  const int r = kx_vcpu_guest_access(c.h, &acc, &exit);
  trace("  %s: hypercall %#llx arg %#llx -> %d result %u x0 %#llx (model %d, %#llx)", what,
        (ULL)addr, (ULL)data, r, acc.result, (ULL)acc.data, want, (ULL)ret);
  expect_ret(what, r, want, false);
  CHECK(!exit.set, "%s: a hypercall set an exit", what);
  if (r != 0) {
    CHECK(acc.result == kResultSentinel && acc.data == data, "%s: failed hypercall changed it",
          what);
    return;
  }
  CHECK(acc.result == KX_ACCESS_RESULT_KERNEL && acc.data == ret,
        "%s: hypercall %#llx: result %u x0 %#llx, model %u %#llx", what, (ULL)addr, acc.result,
        (ULL)acc.data, KX_ACCESS_RESULT_KERNEL, (ULL)ret);
  if (!st) return;
  for (uint32_t i = 0; i < kStolenTimeBytes; i++)
    CHECK(st[i] == 0, "PV_TIME_ST left byte %u of the stolen-time structure at %#llx", i,
          (ULL)base);
  const uint64_t page = base / kPage - slot->base_gfn;
  if (slot->logging() && slot->dirty_known) slot->dirty[page / 64] |= 1ull << (page % 64);
}

// kx_arm64_set_host() (the module parameters): VMs created after it see
// the new host. The IPA limit stays (KVM_CHECK_EXTENSION's snapshot).
void op_arm_host(Input& in) {
  static const uint32_t kVqs[] = {0xb, 0x1, 0xffff, 0x8001, 0x3, 0x80, 0, 0x10000};
  const uint8_t hb = in.u8();
  const uint8_t vb = in.u8();
  kx_arm64_host h = g_default_host;
  if (!(hb & 0x80)) {
    h.gicv2 = !((hb >> 6) & 1);
    h.sve = hb & 1;
    h.ptrauth_address = (hb >> 1) & 1;
    h.ptrauth_generic = (hb >> 2) & 1;
    h.pmuv3 = (hb >> 3) & 1;
    h.el1_32bit = (hb >> 4) & 1;
    h.el0_32bit = (hb >> 5) & 1;
    h.sve_vqs = vb < 0xf0 ? kVqs[vb % 8] : in.u32();
  }
  trace("arm64_host sve %u vqs %#x ptrauth %u/%u pmuv3 %u el1_32 %u el0_32 %u gicv2 %u", h.sve,
        h.sve_vqs, h.ptrauth_address, h.ptrauth_generic, h.pmuv3, h.el1_32bit, h.el0_32bit,
        h.gicv2);
  const int want = h.sve && (h.sve_vqs == 0 || h.sve_vqs >> 16) ? -EINVAL : 0;
  const int r = kx_arm64_set_host(&h);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_arm64_set_host", r, want, false);
  if (r == 0) g->host = h;
  kx_arm64_host now;
  kx_arm64_get_host(&now);
  const kx_arm64_host& m = g->host;
  CHECK(now.sve == m.sve && now.sve_vqs == m.sve_vqs && now.ptrauth_address == m.ptrauth_address &&
            now.ptrauth_generic == m.ptrauth_generic && now.pmuv3 == m.pmuv3 &&
            now.el1_32bit == m.el1_32bit && now.el0_32bit == m.el0_32bit && now.gicv2 == m.gicv2 &&
            now.ipa_bits == m.ipa_bits,
        "kx_arm64_get_host() differs from the host last set");
}

// ------------------------------------------------- arm64 VGIC, step 2
//
// The register groups (DIST_REGS, CPU_REGS, REDIST_REGS, CPU_SYSREGS,
// LEVEL_INFO), SAVE_PENDING_TABLES, KVM_IRQ_LINE, the frames on the MMIO
// bus after the first KVM_RUN and the ICC system registers as the guest
// reaches them (devices/arm-vgic.rst, arm-vgic-v3.rst; GIC architecture;
// /work/notes/vgic-behaviour.md). The model does not follow interrupt
// state: it is exact about every errno of these calls, and about values
// only where the documents fix them whatever the state, checked at once:
//   - a read of a register that does not exist (offset, width, alignment,
//     past the last interrupt, a v3 distributor's first 32 interrupts,
//     a guest-only register from userspace) is 0, and a write to it
//     changes nothing a read sees;
//   - identification registers read what the model's configuration says
//     (GICD_TYPER, GICD_IIDR with the revision userspace wrote, TYPER2,
//     GICR_CTLR/IIDR/TYPER, PIDR2, GICC_IIDR, ICC_SRE_EL1);
//   - unimplemented bits read 0 (STATUSR 4 bits, priorities 5, GICC_CTLR,
//     PMR, BPR, ICFGR's RES0 bits, IROUTER's upper word);
//   - a write is read back at once as written and masked as documented
//     (priorities 0xf8, ICFGR with the SGIs fixed edge, IGROUPR, IROUTER,
//     v3 userspace ISPENDR as the latch, userspace STATUSR, GICC_PMR as
//     5 bits from userspace, BPR clamps, ICC_CTLR's CBPR/EOImode), set
//     and clear pairs (ISENABLER/ICENABLER, ISACTIVER/ICACTIVER, the
//     guest's ISPENDR, SPENDSGIR/CPENDSGIR) by the bits written, a guest's
//     STATUSR write-one-to-clear, GICv2 IGROUPR from userspace ignored
//     until GICD_IIDR was written back; a refused write changes nothing;
//   - LEVEL_INFO reads back the levels written for level-sensitive
//     interrupts (ICFGR read through the other group), and after
//     KVM_IRQ_LINE the line's level (level-sensitive) or the latch (edge);
//   - KVM_RUN: a high CPU line wakes it; a wake with none means the GIC
//     has a pending interrupt a HPPIR read reports.
constexpr uint32_t kGicGrpDistRegs = 1, kGicGrpCpuRegs = 2, kGicGrpRedistRegs = 5,
                   kGicGrpSysregs = 6, kGicGrpLevelInfo = 7;
constexpr unsigned kGicV2 = KX_DEV_TYPE_ARM_VGIC_V2, kGicV3 = KX_DEV_TYPE_ARM_VGIC_V3;
constexpr uint32_t kGicSpurious = 1023;
constexpr uint64_t kMpidrAffMask = 0xff00ffffffull;

void gic_init_model(GicModel& m) {
  if (m.initialized) return;
  if (!m.nr_spis) m.nr_spis = 256 - 32;
  m.initialized = true;
}

uint64_t gic_rd_capacity(const GicModel& m) {
  uint64_t n = 0;
  for (const GicRegion& r : m.regions) {
    if (!r.count) return ~0ull;
    n += r.count;
  }
  return n;
}

bool gic_v3_check_base(const VmModel& v) {
  const GicModel& m = v.gic;
  if (m.dist != kGicUndef && m.dist + 0x10000 < m.dist) return false;
  for (const GicRegion& r : m.regions) {
    if (gic_check_iorange(v, kGicUndef, r.base, kGicV3Align, gic_region_size(v, r.count)))
      return false;
  }
  if (m.dist == kGicUndef) return true;
  for (const GicRegion& r : m.regions) {
    if (gic_overlaps(m.dist, 0x10000, r.base, gic_region_size(v, r.count))) return false;
  }
  return true;
}

// Redistributor `index`'s frame: regions fill in index order.
uint64_t gic_redist_base(const GicModel& m, uint32_t index) {
  uint64_t start = 0;
  for (const GicRegion& r : m.regions) {
    if (!r.count || index < start + r.count) return r.base + (index - start) * kGicRedistSize;
    start += r.count;
  }
  return kGicUndef;
}

// kvm_vgic_map_resources()'s checks at the first KVM_RUN (0: the frames
// go on the bus; a GICv2 initialises itself first).
int gic_run_gate(const VmModel& v) {
  const GicModel& m = v.gic;
  if (!m.model || m.mapped) return 0;
  if (m.model == kGicV2) {
    if (m.dist == kGicUndef || m.cpu == kGicUndef) return -ENXIO;
    if (gic_overlaps(m.dist, 0x1000, m.cpu, 0x2000)) return -EINVAL;
    return 0;
  }
  if (v.vcpu_ids.size() > gic_rd_capacity(m)) return -ENXIO;
  if (m.dist == kGicUndef) return -ENXIO;
  if (!gic_v3_check_base(v)) return -EINVAL;
  if (!m.initialized) return -EBUSY;
  return 0;
}

uint64_t vcpu_mpidr(const VmModel& v, uint32_t id) {
  auto it = v.mpidr.find(id);
  return it == v.mpidr.end() ? 0 : it->second;
}

int vcpu_index(const VmModel& v, uint32_t id) {
  for (size_t i = 0; i < v.vcpu_order.size(); i++) {
    if (v.vcpu_order[i] == id) return static_cast<int>(i);
  }
  return -1;
}

// The first vCPU, in creation order, whose MPIDR affinity is `aff`
// (kvm_mpidr_to_vcpu()).
int vcpu_by_mpidr(const VmModel& v, uint64_t aff) {
  for (size_t i = 0; i < v.vcpu_order.size(); i++) {
    if ((vcpu_mpidr(v, v.vcpu_order[i]) & kMpidrAffMask) == (aff & kMpidrAffMask))
      return static_cast<int>(i);
  }
  return -1;
}

// MPIDR affinity as the attributes carry it in bits 63:32: Aff3 in 31:24.
uint64_t mpidr_to_attr(uint64_t mpidr) { return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24; }
uint64_t attr_to_mpidr(uint64_t a) { return (a & 0xffffff) | (a & 0xff000000ull) << 8; }

// ----- the frames' register map (the GIC architecture's, as KVM has it)

enum GicFrame { kFrameV3Dist, kFrameV3Redist, kFrameV2Dist, kFrameV2Cpu, kNumFrames };
const char* const kFrameNames[] = {"GICD(v3)", "GICR", "GICD(v2)", "GICC"};
constexpr uint8_t kWd1 = 1, kWd4 = 4, kWd8 = 8;

struct GicRow {
  uint32_t off, len;
  uint8_t bpi;     // bits per interrupt (0: one register)
  uint8_t widths;  // kWd*
  bool user;       // reachable through the attribute groups
  bool spi;        // SGIs and PPIs RAZ/WI (a v3 distributor's blocks)
};

constexpr GicRow irq_row(uint32_t off, uint8_t bpi, uint8_t widths, bool spi) {
  return {off, bpi * 1024u / 8, bpi, widths, true, spi};
}
constexpr GicRow sgi_row(uint32_t off, uint8_t bpi, uint8_t widths) {
  return {0x10000 + off, bpi * 32u / 8, bpi, widths, true, false};
}
constexpr GicRow reg_row(uint32_t off, uint32_t len, uint8_t widths = kWd4, bool user = true) {
  return {off, len, 0, widths, user, false};
}

const GicRow kV3DistRows[] = {
    reg_row(0x0000, 16),  // CTLR, TYPER, IIDR, TYPER2
    reg_row(0x0010, 4),   // STATUSR
    irq_row(0x0080, 1, kWd4, true),
    irq_row(0x0100, 1, kWd4, true),
    irq_row(0x0180, 1, kWd4, true),
    irq_row(0x0200, 1, kWd4, true),
    irq_row(0x0280, 1, kWd4, true),
    irq_row(0x0300, 1, kWd4, true),
    irq_row(0x0380, 1, kWd4, true),
    irq_row(0x0400, 8, kWd1 | kWd4, true),
    irq_row(0x0800, 8, kWd1 | kWd4, true),  // ITARGETSR: RAZ/WI
    irq_row(0x0c00, 2, kWd4, true),
    irq_row(0x0d00, 1, kWd4, true),
    irq_row(0x6000, 64, kWd4 | kWd8, true),  // IROUTER
    reg_row(0xffd0, 48),                     // ID registers
};
const GicRow kV3RedistRows[] = {
    reg_row(0x0000, 4),
    reg_row(0x0004, 4),
    reg_row(0x0008, 8, kWd4 | kWd8),
    reg_row(0x0010, 4),
    reg_row(0x0014, 4),
    reg_row(0x0070, 8, kWd4 | kWd8),
    reg_row(0x0078, 8, kWd4 | kWd8),
    reg_row(0x00a0, 8, kWd4 | kWd8),
    reg_row(0x00b0, 8, kWd4 | kWd8),
    reg_row(0x00c0, 4),
    reg_row(0xffd0, 48),
    sgi_row(0x0080, 1, kWd4),
    sgi_row(0x0100, 1, kWd4),
    sgi_row(0x0180, 1, kWd4),
    sgi_row(0x0200, 1, kWd4),
    sgi_row(0x0280, 1, kWd4),
    sgi_row(0x0300, 1, kWd4),
    sgi_row(0x0380, 1, kWd4),
    sgi_row(0x0400, 8, kWd1 | kWd4),
    sgi_row(0x0c00, 2, kWd4),
    sgi_row(0x0d00, 1, kWd4),
    reg_row(0x10e00, 4),
};
const GicRow kV2DistRows[] = {
    reg_row(0x000, 12),  // CTLR, TYPER, IIDR
    irq_row(0x080, 1, kWd4, false),
    irq_row(0x100, 1, kWd4, false),
    irq_row(0x180, 1, kWd4, false),
    irq_row(0x200, 1, kWd4, false),
    irq_row(0x280, 1, kWd4, false),
    irq_row(0x300, 1, kWd4, false),
    irq_row(0x380, 1, kWd4, false),
    irq_row(0x400, 8, kWd1 | kWd4, false),
    irq_row(0x800, 8, kWd1 | kWd4, false),
    irq_row(0xc00, 2, kWd4, false),
    reg_row(0xf00, 4),  // SGIR
    reg_row(0xf10, 16, kWd1 | kWd4),
    reg_row(0xf20, 16, kWd1 | kWd4),
};
const GicRow kV2CpuRows[] = {
    reg_row(0x00, 4),
    reg_row(0x04, 4),
    reg_row(0x08, 4),
    reg_row(0x0c, 4, kWd4, false),  // IAR
    reg_row(0x10, 4, kWd4, false),
    reg_row(0x14, 4, kWd4, false),
    reg_row(0x18, 4, kWd4, false),
    reg_row(0x1c, 4),  // ABPR
    reg_row(0x20, 4, kWd4, false),
    reg_row(0x24, 4, kWd4, false),
    reg_row(0x28, 4, kWd4, false),
    reg_row(0xd0, 16),                // APR0-3
    reg_row(0xe0, 16, kWd4, false),   // NSAPR0-3
    reg_row(0xfc, 4),                 // IIDR
    reg_row(0x1000, 4, kWd4, false),  // DIR
};

const GicRow* gic_rows(int frame, size_t* n) {
  switch (frame) {
    case kFrameV3Dist:
      *n = sizeof(kV3DistRows) / sizeof(kV3DistRows[0]);
      return kV3DistRows;
    case kFrameV3Redist:
      *n = sizeof(kV3RedistRows) / sizeof(kV3RedistRows[0]);
      return kV3RedistRows;
    case kFrameV2Dist:
      *n = sizeof(kV2DistRows) / sizeof(kV2DistRows[0]);
      return kV2DistRows;
    default:
      *n = sizeof(kV2CpuRows) / sizeof(kV2CpuRows[0]);
      return kV2CpuRows;
  }
}

// The row an access of `len` at `off` reaches: a width the register
// allows, naturally aligned, not past the last interrupt; else none.
const GicRow* gic_lookup(int frame, uint32_t off, unsigned len, uint32_t nr_irqs) {
  size_t n;
  const GicRow* rows = gic_rows(frame, &n);
  for (size_t i = 0; i < n; i++) {
    const GicRow& r = rows[i];
    if (off < r.off || off >= r.off + r.len) continue;
    const uint8_t w = len == 1 ? kWd1 : len == 4 ? kWd4 : len == 8 ? kWd8 : 0;
    if (!(r.widths & w) || off % len) return nullptr;
    if (r.bpi && (off - r.off) * 8 / r.bpi >= nr_irqs) return nullptr;
    return &r;
  }
  return nullptr;
}

// What one access sees of the GIC beyond the row: the model's
// configuration and the banked interface's vCPU.
struct GicCtx {
  unsigned model;
  uint32_t nr_irqs, rev, nvcpus;
  bool v2_groups;
  bool user;
  int self;  // the GIC index of the interface (redistributor or vCPU)
  uint32_t self_id;
  uint64_t self_mpidr;
  bool self_last;  // GICR_TYPER.Last of its redistributor
};

// vgic_mmio_vcpu_rdist_is_last(): redistributor `index` is the last one
// in use in its region, and when it fills the region, no region with a
// redistributor in use starts where it ends.
bool gic_rd_last(const VmModel& v, uint64_t index) {
  const uint64_t n = v.vcpu_order.size();
  uint64_t start = 0;
  for (const GicRegion& r : v.gic.regions) {
    const uint64_t end = r.count ? start + r.count : ~0ull;
    if (index >= end) {
      start = end;
      continue;
    }
    const uint64_t used = std::min(n, end) - start;  // the region's free_index
    if (index - start + 1 < used) return false;
    if (!r.count || index - start != r.count - 1u) return true;
    const uint64_t next = r.base + r.count * kGicRedistSize;
    uint64_t q_start = 0;
    for (const GicRegion& q : v.gic.regions) {
      if (q.base == next && n > q_start) return false;
      q_start += q.count;
    }
    return true;
  }
  return false;
}

GicCtx gic_ctx(const VmModel& v, int self, bool user) {
  const GicModel& m = v.gic;
  GicCtx x = {m.model,     m.nr_irqs(), m.rev, static_cast<uint32_t>(v.vcpu_order.size()),
              m.v2_groups, user,        self,  0,
              0,           false};
  if (self >= 0 && static_cast<size_t>(self) < v.vcpu_order.size()) {
    x.self_id = v.vcpu_order[self];
    x.self_mpidr = vcpu_mpidr(v, x.self_id);
    x.self_last = m.model == KX_DEV_TYPE_ARM_VGIC_V3 && gic_rd_last(v, self);
  }
  return x;
}

// What a read must give: (read & mask) == value; or, after a write, the
// value read before (kUnchanged) or before & ~mask (kW1C).
struct Expect {
  enum Kind { kNone, kMasked, kUnchanged, kW1C } kind = kNone;
  uint64_t mask = 0, value = 0;
};

uint64_t len_mask(unsigned len) { return len >= 8 ? ~0ull : (1ull << (8 * len)) - 1; }
uint64_t rep8(uint8_t b, unsigned len) {
  uint64_t v = 0;
  for (unsigned i = 0; i < len && i < 8; i++) v |= static_cast<uint64_t>(b) << (8 * i);
  return v;
}
Expect exact(uint64_t v, unsigned len) {
  return {Expect::kMasked, len_mask(len), v & len_mask(len)};
}
// Only `bits` may read as one.
Expect only(uint64_t bits, unsigned len) { return {Expect::kMasked, len_mask(len) & ~bits, 0}; }
Expect set_bits(uint64_t v) { return {Expect::kMasked, v, v}; }
Expect clr_bits(uint64_t v) { return {Expect::kMasked, v, 0}; }

uint32_t gic_iidr(uint32_t rev) { return 0x4b000000u | rev << 12 | 0x43b; }
constexpr uint32_t kGicrIidr = 0x4b00043b, kGiccIidr = 0x04b2043b;

uint32_t first_intid(const GicRow& r, uint32_t off) { return (off - r.off) * 8 / r.bpi; }

// A read of `len` bytes at `off`, whatever the interrupt state.
Expect gic_read_expect(const GicCtx& x, int frame, uint32_t off, unsigned len) {
  const GicRow* r = gic_lookup(frame, off, len, x.nr_irqs);
  if (!r || (x.user && !r->user)) return exact(0, len);
  if (r->spi && first_intid(*r, off) < 32) return exact(0, len);
  const uint32_t tmask = (1u << std::min<uint32_t>(x.nvcpus, 8)) - 1;
  switch (frame) {
    case kFrameV3Dist:
      switch (r->off) {
        case 0x0000:
          switch (off & 0xc) {
            case 0x0:  // CTLR: EnableGrp1 varies; ARE_NS and DS read one
              return {Expect::kMasked, 0xffffffffull & ~2ull, 0x50};
            case 0x4:
              return exact((x.nr_irqs / 32 - 1) | 9u << 19, len);
            case 0x8:
              return exact(gic_iidr(x.rev), len);
            default:
              return exact(0, len);
          }
        case 0x0010:
          return only(0xf, len);
        case 0x0280:
          if (x.user) return exact(0, len);  // ICPENDR: RAZ/WI from userspace
          break;
        case 0x0400:
          return only(rep8(0xf8, len), len);
        case 0x0800:
        case 0x0d00:
          return exact(0, len);
        case 0x0c00:
          return only(0xaaaaaaaa, len);
        case 0x6000:
          return (off & 4) ? exact(0, len) : only(0xffffff, len);
        case 0xffd0:
          return exact((off & 0xffff) == 0xffe8 ? 0x3b : 0, len);
      }
      return {};
    case kFrameV3Redist:
      switch (r->off) {
        case 0x0000:
          return exact(x.rev >= 3 ? 6 : 0, len);  // IR | CES
        case 0x0004:
          return exact(kGicrIidr, len);
        case 0x0008: {  // affinity, processor number, Last
          const uint64_t typer = (x.self_mpidr & 0xffffff) << 32 | (x.self_id & 0xffffull) << 8 |
                                 (x.self_last ? 0x10 : 0);
          return exact(off == 0xc ? typer >> 32 : typer, len);
        }
        case 0x0010:
          return only(0xf, len);
        case 0x0014:
        case 0x00a0:
        case 0x00b0:
        case 0x00c0:
        case 0x10d00:
        case 0x10e00:
          return exact(0, len);
        case 0xffd0:
          return exact((off & 0xffff) == 0xffe8 ? 0x3b : 0, len);
        case 0x10280:
          if (x.user) return exact(0, len);
          break;
        case 0x10400:
          return only(rep8(0xf8, len), len);
        case 0x10c00:  // SGIs are edge, always
          return off == 0x10c00 ? exact(0xaaaaaaaa, len) : only(0xaaaaaaaa, len);
      }
      return {};
    case kFrameV2Dist:
      switch (r->off) {
        case 0x000:
          switch (off & 0xc) {
            case 0x0:
              return only(1, len);
            case 0x4:
              return exact((x.nr_irqs / 32 - 1) | (x.nvcpus - 1) << 5, len);
            default:
              return exact(gic_iidr(x.rev), len);
          }
        case 0x400:
          return only(rep8(0xf8, len), len);
        case 0x800:  // a private interrupt targets its own CPU
          if (first_intid(*r, off) < 32) return exact(rep8(1u << (x.self & 7), len), len);
          return only(rep8(tmask, len), len);
        case 0xc00:
          return off == 0xc00 ? exact(0xaaaaaaaa, len) : only(0xaaaaaaaa, len);
        case 0xf00:
          return exact(0, len);
      }
      return {};
    default:
      switch (r->off) {
        case 0x00:
          return only(0x21f, len);
        case 0x04:
          return only(x.user ? 0x1f : 0xf8, len);
        case 0x08:
        case 0x1c:
          return only(7, len);
        case 0x10:
        case 0x24:
        case 0xe0:
        case 0x1000:
          return exact(0, len);
        case 0xd0:  // with 5 priority bits only APR0 holds anything
          if (off & 0xc) return exact(0, len);
          break;
        case 0xfc:
          return exact(kGiccIidr, len);
      }
      return {};
  }
}

// What a read gives right after a write of `v` (for userspace, after the
// model took in what the write changed: GICD_IIDR's revision).
Expect gic_write_expect(const GicCtx& x, int frame, uint32_t off, unsigned len, uint64_t v) {
  const GicRow* r = gic_lookup(frame, off, len, x.nr_irqs);
  if (!r || (x.user && !r->user)) return exact(0, len);
  if (r->spi && first_intid(*r, off) < 32) return exact(0, len);
  v &= len_mask(len);
  const uint32_t tmask = (1u << std::min<uint32_t>(x.nvcpus, 8)) - 1;
  switch (frame) {
    case kFrameV3Dist:
      switch (r->off) {
        case 0x0000:
          if ((off & 0xc) == 0) return exact((v & 2) | 0x50, len);
          break;
        case 0x0010:
          return x.user ? exact(v & 0xf, len) : Expect{Expect::kW1C, v & 0xf, 0};
        case 0x0080:
          return exact(v, len);
        case 0x0100:
        case 0x0300:
          return set_bits(v);
        case 0x0180:
        case 0x0380:
          return clr_bits(v);
        case 0x0200:  // userspace: the latch, as written
          return x.user ? exact(v, len) : set_bits(v);
        case 0x0280:
          if (!x.user) return {};
          break;
        case 0x0400:
          return exact(v & rep8(0xf8, len), len);
        case 0x0c00:
          return exact(v & 0xaaaaaaaa, len);
        case 0x6000:
          if (!(off & 4)) return exact(v & 0xffffff, len);
          break;
      }
      break;
    case kFrameV3Redist:
      switch (r->off) {
        case 0x0010:
          return x.user ? exact(v & 0xf, len) : Expect{Expect::kW1C, v & 0xf, 0};
        case 0x0070:
        case 0x0078:
          return {};
        case 0x10080:
          return exact(v, len);
        case 0x10100:
        case 0x10300:
          return set_bits(v);
        case 0x10180:
        case 0x10380:
          return clr_bits(v);
        case 0x10200:
          return x.user ? exact(v, len) : set_bits(v);
        case 0x10280:
          if (!x.user) return {};
          break;
        case 0x10400:
          return exact(v & rep8(0xf8, len), len);
        case 0x10c00:
          if (off == 0x10c04) return exact(v & 0xaaaaaaaa, len);
          break;
      }
      break;
    case kFrameV2Dist:
      switch (r->off) {
        case 0x000:
          if ((off & 0xc) == 0) return exact(v & 1, len);
          break;
        case 0x080:  // userspace only once GICD_IIDR was written back
          return x.user && !x.v2_groups ? Expect{Expect::kUnchanged, 0, 0} : exact(v, len);
        case 0x100:
        case 0x300:
          return set_bits(v);
        case 0x180:
        case 0x380:
          return clr_bits(v);
        case 0x200:  // the guest's SGI bits are WI (GICD_SGIR, SPENDSGIR)
          return set_bits(!x.user && off == 0x200 ? v & ~0xffffull : v);
        case 0x280:
          return {};  // a level interrupt whose line is high stays pending
        case 0x400:
          return exact(v & rep8(0xf8, len), len);
        case 0x800:
          if (first_intid(*r, off) >= 32) return exact(v & rep8(tmask, len), len);
          break;
        case 0xc00:
          if (off != 0xc00) return exact(v & 0xaaaaaaaa, len);
          break;
        case 0xf10:
          return clr_bits(v);
        case 0xf20:
          return set_bits(v);
      }
      break;
    default:
      switch (r->off) {
        case 0x00:
          return exact(v & 0x21f, len);
        case 0x04:  // userspace sees GICH_VMCR.VMPriMask: 5 bits
          return exact(x.user ? v & 0x1f : v & 0xf8, len);
        case 0x08:
          return exact(std::max<uint64_t>(v & 7, 2), len);
        case 0x1c:
          return exact(std::max<uint64_t>(v & 7, 3), len);
        case 0xd0:
          if (!(off & 0xc)) return exact(v, len);
          break;
        case 0x0c:  // IAR, AIAR: a read acknowledges
        case 0x20:
        case 0x14:
        case 0x18:
        case 0x28:
          return {};
      }
      break;
  }
  return gic_read_expect(x, frame, off, len);  // a write the register ignores
}

void gic_check(const Expect& e, uint64_t got, uint64_t before, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gic_check(const Expect& e, uint64_t got, uint64_t before, const char* fmt, ...) {
  bool ok = true;
  uint64_t want = 0;
  switch (e.kind) {
    case Expect::kNone:
      return;
    case Expect::kMasked:
      ok = (got & e.mask) == e.value;
      want = e.value;
      break;
    case Expect::kUnchanged:
      ok = got == before;
      want = before;
      break;
    case Expect::kW1C:
      want = before & ~e.mask;
      ok = got == want;
      break;
  }
  if (ok) return;
  char what[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  fail("%s reads %#llx; model: %#llx under mask %#llx%s", what, (ULL)got, (ULL)want,
       (ULL)(e.kind == Expect::kMasked ? e.mask : ~0ull),
       e.kind == Expect::kUnchanged ? " (unchanged)"
       : e.kind == Expect::kW1C     ? " (write-one-to-clear)"
                                    : "");
}

// ----- the ICC system registers (Op0 3, Op1 0, CRn 4/12)

constexpr uint32_t icc(uint32_t crn, uint32_t crm, uint32_t op2) {
  return 3u << 14 | crn << 7 | crm << 3 | op2;
}
constexpr uint32_t kIccPmr = icc(4, 6, 0), kIccIar0 = icc(12, 8, 0), kIccEoir0 = icc(12, 8, 1),
                   kIccHppir0 = icc(12, 8, 2), kIccBpr0 = icc(12, 8, 3), kIccAp0r0 = icc(12, 8, 4),
                   kIccAp1r0 = icc(12, 9, 0), kIccDir = icc(12, 11, 1), kIccRpr = icc(12, 11, 3),
                   kIccSgi1r = icc(12, 11, 5), kIccAsgi1r = icc(12, 11, 6),
                   kIccSgi0r = icc(12, 11, 7), kIccIar1 = icc(12, 12, 0),
                   kIccEoir1 = icc(12, 12, 1), kIccHppir1 = icc(12, 12, 2),
                   kIccBpr1 = icc(12, 12, 3), kIccCtlr = icc(12, 12, 4), kIccSre = icc(12, 12, 5),
                   kIccIgrpen0 = icc(12, 12, 6), kIccIgrpen1 = icc(12, 12, 7);
const uint32_t kIccRegs[] = {
    kIccPmr,       kIccIar0,      kIccEoir0,     kIccHppir0, kIccBpr0,      kIccAp0r0,
    kIccAp0r0 + 1, kIccAp0r0 + 2, kIccAp0r0 + 3, kIccAp1r0,  kIccAp1r0 + 1, kIccAp1r0 + 2,
    kIccAp1r0 + 3, kIccDir,       kIccRpr,       kIccSgi1r,  kIccAsgi1r,    kIccSgi0r,
    kIccIar1,      kIccEoir1,     kIccHppir1,    kIccBpr1,   kIccCtlr,      kIccSre,
    kIccIgrpen0,   kIccIgrpen1,
};
constexpr size_t kNumIccRegs = sizeof(kIccRegs) / sizeof(kIccRegs[0]);
// ARM64_SYS_REG(3, 0, 0, 0, 0): the guest-access address of a system register.
constexpr uint64_t kSysregId = 0x6030000000130000ull;

bool icc_apr(uint32_t enc) {
  return (enc >= kIccAp0r0 && enc <= kIccAp0r0 + 3) || (enc >= kIccAp1r0 && enc <= kIccAp1r0 + 3);
}
bool icc_guest_reg(uint32_t enc) {
  return std::find(kIccRegs, kIccRegs + kNumIccRegs, enc) != kIccRegs + kNumIccRegs;
}
// The 15 CPU_SYSREGS registers (vgic-sys-reg-v3.c).
bool icc_user_reg(uint32_t enc) {
  return enc == kIccPmr || enc == kIccBpr0 || icc_apr(enc) || enc == kIccBpr1 || enc == kIccCtlr ||
         enc == kIccSre || enc == kIccIgrpen0 || enc == kIccIgrpen1;
}

// CPU_SYSREGS' errno for a register: unknown -ENXIO; with 5 priority
// bits only AP{0,1}R0 exist (-EINVAL); a restored ICC_CTLR_EL1 may not
// claim more than the GIC has, ICC_SRE_EL1 must keep SRE.
// `pri_bits`: ICC_CTLR_EL1.PRIbits + 1 as it stands (once lowered, it
// cannot be raised again).
int icc_user_err(uint32_t enc, bool write, uint64_t v, uint32_t pri_bits = 5) {
  if (!icc_user_reg(enc)) return -ENXIO;
  if (icc_apr(enc) && (enc & 3)) return -EINVAL;
  if (write && enc == kIccCtlr) {
    if (((v >> 8) & 7) + 1 > pri_bits || ((v >> 11) & 7) || (v >> 14 & 1) || !(v >> 15 & 1))
      return -EINVAL;
  }
  if (write && enc == kIccSre && !(v & 1)) return -EINVAL;
  return 0;
}

Expect icc_read_expect(uint32_t enc) {
  if (enc == kIccPmr) return only(0xf8, 8);
  if (enc == kIccBpr0 || enc == kIccBpr1) return only(7, 8);
  if (icc_apr(enc)) return only(0xffffffff, 8);
  if (enc == kIccCtlr) return {Expect::kMasked, ~0x703ull, 0x8000};  // PRIbits, A3V
  if (enc == kIccSre) return exact(7, 8);
  if (enc == kIccIgrpen0 || enc == kIccIgrpen1) return only(1, 8);
  if (enc == kIccEoir0 || enc == kIccEoir1 || enc == kIccDir || enc == kIccSgi1r ||
      enc == kIccAsgi1r || enc == kIccSgi0r)
    return exact(0, 8);  // write-only
  return {};
}

// After a write of `v`; `ctlr`: ICC_CTLR_EL1 read before it (CBPR makes
// BPR1 read BPR0 + 1 and ignore writes).
Expect icc_write_expect(uint32_t enc, uint64_t v, uint64_t ctlr, bool user) {
  if (enc == kIccPmr) return exact(v & 0xf8, 8);
  if (enc == kIccBpr0) return exact(std::max<uint64_t>(v & 7, 2), 8);
  if (enc == kIccBpr1)
    return ctlr & 1 ? Expect{Expect::kUnchanged, 0, 0} : exact(std::max<uint64_t>(v & 7, 3), 8);
  if (icc_apr(enc)) return exact(v & 0xffffffff, 8);
  if (enc == kIccCtlr)
    return user ? exact(((v >> 8) & 7) << 8 | 0x8000 | (v & 3), 8)
                : exact((ctlr & ~3ull) | (v & 3), 8);
  if (enc == kIccIgrpen0 || enc == kIccIgrpen1) return exact(v & 1, 8);
  if (enc == kIccIar0 || enc == kIccIar1 || enc == kIccHppir0 || enc == kIccHppir1 ||
      enc == kIccRpr)
    return {};  // read-only, and reading IAR acknowledges
  return icc_read_expect(enc);
}

// ----- the guest's side: the frames on the MMIO bus, the ICC registers

bool gic_mmio_target(const VmModel& v, uint64_t addr, unsigned len, GicTarget* t) {
  const GicModel& m = v.gic;
  if (!m.model || !m.mapped) return false;
  auto in = [addr, len](uint64_t base, uint64_t size) {
    return addr >= base && addr - base < size && len <= size - (addr - base);
  };
  if (m.model == kGicV2) {
    if (in(m.dist, 0x1000))
      *t = GicTarget{kFrameV2Dist, static_cast<uint32_t>(addr - m.dist), -1};
    else if (in(m.cpu, 0x2000))
      *t = GicTarget{kFrameV2Cpu, static_cast<uint32_t>(addr - m.cpu), -1};
    else
      return false;
    return true;
  }
  if (in(m.dist, 0x10000)) {
    *t = GicTarget{kFrameV3Dist, static_cast<uint32_t>(addr - m.dist), -1};
    return true;
  }
  for (uint32_t i = 0; i < v.vcpu_order.size(); i++) {
    const uint64_t base = gic_redist_base(m, i);
    if (base != kGicUndef && in(base, kGicRedistSize)) {
      *t = GicTarget{kFrameV3Redist, static_cast<uint32_t>(addr - base), static_cast<int>(i)};
      return true;
    }
  }
  return false;
}

// KVM_EXT_ACCESS_SYSREG on arm64: ICC registers of an initialised GICv3.
bool gic_icc_guest(const VmModel& v, uint64_t addr) {
  return (addr & ~0xffffull) == kSysregId && icc_guest_reg(addr & 0xffff) &&
         v.gic.model == kGicV3 && v.gic.initialized;
}

// A guest load reaches the GIC frame at addr only when no memslot covers
// it: a read-only slot over a frame takes the loads and leaves the stores
// to the GIC, so such a store cannot be read back by the guest.
bool guest_reads_gic(const VmModel& v, uint64_t addr, unsigned len) {
  kx_guest_access acc = {KX_ACCESS_MEM, 0, addr, len, 0, 0};
  return plan_access(v, acc).result == KX_ACCESS_RESULT_KERNEL;
}

uint64_t guest_raw(const VcpuFd& c, unsigned kind, uint64_t addr, unsigned len) {
  kx_guest_access acc = {kind, 0, addr, len, 0, 0};
  kx_exit exit = {};
  const int r = kx_vcpu_guest_access(c.h, &acc, &exit);
  CHECK(r == 0 && acc.result == KX_ACCESS_RESULT_KERNEL && !exit.set,
        "GIC read at %#llx len %u: %d result %u", (ULL)addr, len, r, acc.result);
  return acc.data;
}

GicPre gic_guest_pre(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr,
                     unsigned len) {
  GicPre p = {};
  const VmModel& v = g->vms[c.vm];
  if (kind == KX_ACCESS_SYSREG) {
    const uint32_t enc = addr & 0xffff;
    if (enc == kIccCtlr || enc == kIccBpr1) p.ctlr = guest_raw(c, kind, kSysregId | kIccCtlr, 8);
    if (enc == kIccBpr1) p.before = guest_raw(c, kind, addr, 8);
    return p;
  }
  const GicCtx x = gic_ctx(v, t.cpu >= 0 ? t.cpu : vcpu_index(v, c.id), false);
  if (!guest_reads_gic(v, addr, len)) return p;
  const Expect e = gic_write_expect(x, t.frame, t.off, len, 0);
  if (e.kind == Expect::kUnchanged || e.kind == Expect::kW1C)
    p.before = guest_raw(c, kind, addr, len);
  return p;
}

// An in-kernel access done: what it read, or what reading it back gives.
void gic_guest_post(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr, bool write,
                    unsigned len, uint64_t data, uint64_t got, const GicPre& pre) {
  const VmModel& v = g->vms[c.vm];
  const uint32_t nr = v.gic.nr_irqs();
  auto intid_ok = [nr](uint64_t x) { return x == kGicSpurious || x < nr; };
  if (kind == KX_ACCESS_SYSREG) {
    const uint32_t enc = addr & 0xffff;
    if (!write) {
      if (enc == kIccIar0 || enc == kIccIar1 || enc == kIccHppir0 || enc == kIccHppir1)
        CHECK(intid_ok(got), "ICC %#x reads %#llx: not an INTID of %u", enc, (ULL)got, nr);
      if (enc == kIccRpr)
        CHECK(got == 0xff || (got % 8 == 0 && got <= 0xf8), "ICC_RPR_EL1 reads %#llx", (ULL)got);
      gic_check(icc_read_expect(enc), got, 0, "guest ICC %#x", enc);
      return;
    }
    const Expect e = icc_write_expect(enc, data, pre.ctlr, false);
    if (e.kind == Expect::kNone) return;
    gic_check(e, guest_raw(c, kind, addr, 8), pre.before, "guest ICC %#x after writing %#llx", enc,
              (ULL)data);
    return;
  }
  const GicCtx x = gic_ctx(v, t.cpu >= 0 ? t.cpu : vcpu_index(v, c.id), false);
  if (!write) {
    if (t.frame == kFrameV2Cpu && len == 4 &&
        (t.off == 0x0c || t.off == 0x20 || t.off == 0x18 || t.off == 0x28))
      CHECK(intid_ok(got & 0x3ff) && got >> 13 == 0, "GICC %#x reads %#llx", t.off, (ULL)got);
    gic_check(gic_read_expect(x, t.frame, t.off, len), got, 0, "guest %s+%#x len %u",
              kFrameNames[t.frame], t.off, len);
    return;
  }
  const Expect e = gic_write_expect(x, t.frame, t.off, len, data);
  if (e.kind == Expect::kNone || !guest_reads_gic(v, addr, len)) return;
  gic_check(e, guest_raw(c, kind, addr, len), pre.before, "guest %s+%#x len %u after writing %#llx",
            kFrameNames[t.frame], t.off, len, (ULL)data);
}

// ----- userspace: the register groups

bool gic_reg_group(uint32_t g) {
  return g == kGicGrpDistRegs || g == kGicGrpCpuRegs || g == kGicGrpRedistRegs ||
         g == kGicGrpSysregs || g == kGicGrpLevelInfo;
}

bool gic_has_group(unsigned model, uint32_t g) {
  if (g == kGicGrpCpuRegs) return model == kGicV2;
  if (g == kGicGrpRedistRegs || g == kGicGrpSysregs || g == kGicGrpLevelInfo)
    return model == kGicV3;
  return true;
}

int gic_frame_of(unsigned model, uint32_t g) {
  if (g == kGicGrpDistRegs) return model == kGicV3 ? kFrameV3Dist : kFrameV2Dist;
  return g == kGicGrpCpuRegs ? kFrameV2Cpu : kFrameV3Redist;
}

// The vCPU an attribute names, as its index in creation order, or -1: v2
// by index (bits 39:32), v3 by MPIDR affinity (63:32), v3 DIST_REGS vCPU 0.
int gic_attr_vcpu(const VmModel& v, uint32_t group, uint64_t attr) {
  const int n = static_cast<int>(v.vcpu_order.size());
  if (v.gic.model == kGicV2) {
    const int index = static_cast<int>((attr >> 32) & 0xff);
    return index < n ? index : -1;
  }
  if (group == kGicGrpDistRegs) return n ? 0 : -1;
  return vcpu_by_mpidr(v, attr_to_mpidr(attr >> 32));
}

int gic_has_reg(const VmModel& v, const kx_attr& a) {
  const unsigned model = v.gic.model;
  const uint32_t off = static_cast<uint32_t>(a.attr);
  if (a.group == kGicGrpLevelInfo) return model == kGicV3 && off >> 10 == 0 ? 0 : -ENXIO;
  if (!gic_has_group(model, a.group)) return -ENXIO;
  if (gic_attr_vcpu(v, a.group, a.attr) < 0) return -EINVAL;
  if (a.group == kGicGrpSysregs) return icc_user_reg(off & 0xffff) ? 0 : -ENXIO;
  const GicRow* r =
      off % 4 ? nullptr : gic_lookup(gic_frame_of(model, a.group), off, 4, v.gic.nr_irqs());
  return r && r->user ? 0 : -ENXIO;
}

// A SET's errno once the vCPU is found and the GIC initialised.
int gic_user_write_err(const GicModel& m, int frame, uint32_t off, uint32_t val) {
  const GicRow* r = off % 4 ? nullptr : gic_lookup(frame, off, 4, m.nr_irqs());
  if (!r || !r->user) return 0;
  if ((frame == kFrameV3Dist || frame == kFrameV2Dist) && off == 0x8) {
    // GICD_IIDR: only the revision may change, to one KVM implements.
    if ((val ^ gic_iidr(m.rev)) & ~0xf000u) return -EINVAL;
    const uint32_t rev = (val >> 12) & 0xf;
    return rev == 2 || rev == 3 ? 0 : -EINVAL;
  }
  if (frame == kFrameV3Dist && off == 0xc && val) return -EINVAL;  // TYPER2 as it reads
  return 0;
}

int level_info_err(uint32_t off) {
  if (off >> 10) return -EINVAL;  // only KVM_DEV_ARM_VGIC_LINE_LEVEL
  return off % 32 ? -EINVAL : 0;
}

// One GET through a VGIC device fd, at an aligned struct: the return
// value, and the value read.
int gic_uget(const DevFd& d, uint32_t group, uint64_t attr, uint64_t* out) {
  kx_attr* a = reinterpret_cast<kx_attr*>(g_user);
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, 0, 16);
  *a = kx_attr{};
  a->group = group;
  a->attr = attr;
  a->addr = reinterpret_cast<uint64_t>(payload);
  const int r = kx_device_attr(d.h, KX_ATTR_GET, reinterpret_cast<uint64_t>(a));
  *out = 0;
  memcpy(out, payload, group == kGicGrpSysregs ? 8 : 4);
  return r;
}

uint64_t gic_uget_ok(const DevFd& d, uint32_t group, uint64_t attr) {
  uint64_t v;
  const int r = gic_uget(d, group, attr, &v);
  CHECK(r == 0, "VGIC GET group %u attr %#llx returned %d", group, (ULL)attr, r);
  return v;
}

// Which of the 32 interrupts from `intid` are level-sensitive, read from
// GICD/GICR_ICFGR (`hi`: the attribute's vCPU bits).
uint32_t gic_level_sensitive(const DevFd& d, uint64_t hi, uint32_t intid) {
  uint64_t w[2];
  for (int i = 0; i < 2; i++) {
    w[i] = intid < 32 ? gic_uget_ok(d, kGicGrpRedistRegs, hi << 32 | (0x10c00 + 4 * i))
                      : gic_uget_ok(d, kGicGrpDistRegs, hi << 32 | (0xc00 + intid / 4 + 4 * i));
  }
  uint32_t level = 0;
  for (uint32_t i = 0; i < 32; i++) {
    if (!(w[i / 16] >> (2 * (i % 16) + 1) & 1)) level |= 1u << i;
  }
  return level;
}

// LEVEL_INFO's interrupts that exist: not SGIs, not past the last.
uint32_t level_info_valid(uint32_t intid, uint32_t nr_irqs) {
  uint32_t valid = 0;
  for (uint32_t i = 0; i < 32; i++) {
    if (intid + i >= 16 && intid + i < nr_irqs) valid |= 1u << i;
  }
  return valid;
}

// KVM_{SET,GET,HAS}_DEVICE_ATTR of a register group, against the model
// (vgic_v{2,3}_attr_regs_access(): the value, the vCPU, every vCPU locked,
// initialised; then the register), then read back.
void gic_reg_attr(DevFd& d, int op, AttrSpec s, uint64_t value) {
  VmModel& v = g->vms[d.vm];
  GicModel& m = v.gic;
  const uint32_t group = s.a.group;
  const bool sysreg = group == kGicGrpSysregs, level = group == kGicGrpLevelInfo;
  const size_t width = sysreg ? 8 : 4;
  const uint32_t off = static_cast<uint32_t>(s.a.attr);
  const uint64_t hi = s.a.attr >> 32;
  const uint64_t val = sysreg ? value : static_cast<uint32_t>(value);
  const int frame = gic_frame_of(m.model, group);
  int want = 0, self = -1, get_err = 0;
  bool inits = false, reached = false;
  if (s.uattr_faults) {
    want = -EFAULT;
  } else if (op == KX_ATTR_HAS) {
    want = gic_has_reg(v, s.a);
  } else if (!gic_has_group(m.model, group)) {
    want = -ENXIO;
  } else if ((self = gic_attr_vcpu(v, group, s.a.attr)) < 0) {
    want = -EINVAL;  // vgic_v{2,3}_parse_attr() before the value is read
  } else if (op == KX_ATTR_SET && !sysreg && s.payload_faults) {
    want = -EFAULT;
  } else if (m.model == kGicV3 && !m.initialized) {
    want = -EBUSY;
  } else if (op == KX_ATTR_SET && sysreg && s.payload_faults) {
    want = -EFAULT;  // kvm_sys_reg_set_user() reads it last
  } else {
    reached = true;
    inits = !m.initialized;  // a GICv2 initialises itself on demand
    get_err = sysreg ? icc_user_err(off & 0xffff, false, 0) : level ? level_info_err(off) : 0;
    uint32_t pri_bits = 5;
    if (op == KX_ATTR_SET && sysreg && (off & 0xffff) == kIccCtlr) {
      pri_bits =
          static_cast<uint32_t>((gic_uget_ok(d, kGicGrpSysregs, hi << 32 | kIccCtlr) >> 8) & 7) + 1;
      // gic_uget_ok() used g_user: the call's struct and payload again.
      place_uattr(s, 0);
      memset(g_user + kPayloadOffset, kPayloadFill, 16);
      memcpy(g_user + kPayloadOffset, &value, sizeof(value));
    }
    want = op == KX_ATTR_GET ? get_err
           : sysreg          ? icc_user_err(off & 0xffff, true, val, pri_bits)
           : level           ? level_info_err(off)
                             : gic_user_write_err(m, frame, off, static_cast<uint32_t>(val));
    if (want == 0 && op == KX_ATTR_GET && s.payload_faults) want = -EFAULT;
  }
  // A write's read-back may need what the register and ICC_CTLR_EL1 held
  // before (never under allocation failure: the write is the one tried).
  bool have_before = false;
  uint64_t before = 0, ctlr = 0;
  if (reached && op == KX_ATTR_SET && !inits && !g->inject && get_err == 0) {
    have_before = gic_uget(d, group, s.a.attr, &before) == 0;
    CHECK(have_before, "VGIC GET group %u attr %#llx before a SET failed", group, (ULL)s.a.attr);
    if (sysreg && (off & 0xffff) == kIccBpr1)
      ctlr = gic_uget_ok(d, kGicGrpSysregs, hi << 32 | kIccCtlr);
    // gic_uget() used g_user: the call's struct and payload again.
    place_uattr(s, 0);
    if (!s.payload_faults) {
      memset(g_user + kPayloadOffset, kPayloadFill, 16);
      memcpy(g_user + kPayloadOffset, &value, sizeof(value));
    }
  }
  const int r = kx_device_attr(d.h, static_cast<kx_attr_op>(op), s.uattr);
  host::fail_allocation_after(-1);
  trace("  -> %d (model %d)%s", r, want, inits ? " (initialises the GICv2)" : "");
  expect_ret("kx_device_attr (VGIC registers)", r, want, inits && g->inject);
  uint8_t* payload = g_user + kPayloadOffset;
  if (!s.payload_faults) {
    uint8_t expect[16];
    memset(expect, kPayloadFill, sizeof(expect));
    memcpy(expect, &value, sizeof(value));
    if (r == 0 && op == KX_ATTR_GET) memcpy(expect, payload, width);
    CHECK(memcmp(payload, expect, sizeof(expect)) == 0,
          "VGIC %s group %u attr %#llx (%d) wrote past its %zu bytes", op_name(op), group,
          (ULL)s.a.attr, r, width);
  }
  if (r == -ENOMEM && want != -ENOMEM) return;  // the GICv2's initialisation failed
  if (inits) gic_init_model(m);
  if (!reached) return;
  uint64_t got = 0;
  memcpy(&got, payload, width);
  if (op == KX_ATTR_GET) {
    const GicCtx x = gic_ctx(v, self, true);
    if (r != 0) return;
    if (sysreg) {
      gic_check(icc_read_expect(off & 0xffff), got, 0, "CPU_SYSREGS %#x", off & 0xffff);
    } else if (level) {
      gic_check(only(level_info_valid(off & 0x3ff, m.nr_irqs()), 4), got, 0, "LEVEL_INFO vINTID %u",
                off & 0x3ff);
    } else {
      gic_check(gic_read_expect(x, frame, off, 4), got, 0, "%s+%#x (userspace)", kFrameNames[frame],
                off);
    }
    return;
  }
  if (get_err) return;  // nothing to read back
  if (r == 0 && !sysreg && !level && (frame == kFrameV3Dist || frame == kFrameV2Dist) &&
      off == 0x8) {
    m.rev = (val >> 12) & 0xf;
    if (m.model == kGicV2) m.v2_groups = true;
  }
  uint64_t after;
  const int ra = gic_uget(d, group, s.a.attr, &after);
  CHECK(ra == 0, "VGIC GET group %u attr %#llx after a SET returned %d", group, (ULL)s.a.attr, ra);
  if (r != 0) {
    if (have_before)
      CHECK(after == before, "refused VGIC SET group %u attr %#llx (%d) changed it: %#llx -> %#llx",
            group, (ULL)s.a.attr, r, (ULL)before, (ULL)after);
    return;
  }
  Expect e;
  if (sysreg) {
    e = icc_write_expect(off & 0xffff, val, ctlr, true);
  } else if (level) {
    const uint32_t intid = off & 0x3ff;
    const uint32_t valid = level_info_valid(intid, m.nr_irqs());
    e = exact(val & valid & (valid ? gic_level_sensitive(d, hi, intid) : 0), 4);
  } else {
    e = gic_write_expect(gic_ctx(v, self, true), frame, off, 4, val);
  }
  if (e.kind == Expect::kUnchanged && !have_before) return;
  gic_check(e, after, before, "group %u attr %#llx after SET %#llx", group, (ULL)s.a.attr,
            (ULL)val);
}

// ----- selectors

int pick_vgic_dev(uint8_t b) {
  int idx[kMaxDevFds], n = 0;
  for (int i = 0; i < kMaxDevFds; i++) {
    if (g->devs[i].open && g->devs[i].vgic) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

const DevFd* vgic_dev_of_vm(int vi) {
  for (const DevFd& d : g->devs) {
    if (d.open && d.vgic && d.vm == vi) return &d;
  }
  return nullptr;
}

// Bits 63:32 of a register attribute: v2 a vCPU index (one past the last
// now and then, junk above bit 39), v3 an existing vCPU's MPIDR affinity,
// the reset affinity of a vCPU id that does not exist, or anything.
uint64_t gic_vcpu_attr_sel(Input& in, const VmModel* v) {
  const uint8_t b = in.u8();
  const uint32_t n = v ? static_cast<uint32_t>(v->vcpu_order.size()) : 0;
  const uint32_t k = b >> 3;
  if (!v || v->gic.model == kGicV2) {
    switch (b % 8) {
      case 6:
        return n;
      case 7:
        return in.u32();
      default:
        return n ? k % n : 0;
    }
  }
  switch (b % 8) {
    case 5: {
      const uint32_t id = n + k;
      return mpidr_to_attr((id & 0xf) | ((id >> 4) & 0xff) << 8 | ((id >> 12) & 0xffull) << 16);
    }
    case 6:
      return in.u32();
    case 7:
      return 0;
    default:
      return n ? mpidr_to_attr(vcpu_mpidr(*v, v->vcpu_order[k % n])) : 0;
  }
}

// An offset in a frame, and a width for the guest: mostly a register the
// frame has, for an interrupt that exists (or the first past the last),
// at its natural width; now and then misaligned, another width, the
// identification registers, or anything.
uint32_t gic_offset_sel(Input& in, int frame, uint32_t nr_irqs, unsigned* len) {
  const uint8_t b = in.u8();
  const uint16_t k = in.u16();
  size_t n;
  const GicRow* rows = gic_rows(frame, &n);
  const GicRow& r = rows[(b >> 3) % n];
  unsigned w = r.widths & kWd4 ? 4 : r.widths & kWd8 ? 8 : 1;
  if ((r.widths & kWd1) && (k & 0x8000)) w = 1;
  if ((r.widths & kWd8) && (k & 0x8000)) w = 8;
  uint32_t span = r.len;
  if (r.bpi) span = std::min<uint32_t>(r.len, nr_irqs * r.bpi / 8 + w);
  uint32_t off = r.off + (k % std::max<uint32_t>(span / w, 1)) * w;
  switch (b % 8) {
    case 5:
      off += 1 + (k >> 14 & 1);  // misaligned
      break;
    case 6: {
      static const uint32_t kSpecial[] = {0x8, 0xc, 0x4, 0xffe8, 0xfffc, 0x10000, 0x1fffc, 0x1000};
      off = kSpecial[k % 8];
      break;
    }
    case 7:
      off = b & 0x80 ? in.u32() : k;
      break;
    default:
      break;
  }
  if (len) {
    static const unsigned kLens[] = {2, 3, 16, 0};
    *len = (b % 8 == 4 && (k & 0x4000)) ? kLens[k >> 12 & 3] : w;
  }
  return off;
}

const uint64_t kGicValues[] = {
    0x4b00343b, 0x4b00243b, 0x4b00143b, 0x4b00443b, 0x4b00343a, 0x8400,     0x8403,     0x8500,
    0x0400,     0xc400,     0x8c00,     7,          6,          1,          2,          3,
    0xf8,       0xff,       0x1f,       0x80,       0xaaaaaaaa, 0x55555555, 0xffff0000, 0xffff,
    0x80808080, 0xf,        0x10,       0x21f,      0x200,      0x10001,    0x80000000, 0x12345678,
};

// A register value: input bytes, a value the documents single out, 0,
// ones, one bit; or a payload that faults.
uint64_t gic_value_sel(Input& in, bool* faults) {
  const uint8_t b = in.u8();
  *faults = false;
  switch (b % 8) {
    case 0:
    case 1:
      return in.u32();
    case 2:
    case 3:
      return kGicValues[(b >> 3) % 32];
    case 4:
      return b & 0x80 ? ~0ull : 0;
    case 5:
      return in.u64();
    case 6:
      return 1ull << ((b >> 3) % 32);
    default:
      *faults = true;
      return 0;
  }
}

const uint64_t kBadPayloads[] = {0, host::kUserTop, ~0ull, 8};

// KVM_{SET,GET,HAS}_DEVICE_ATTR of the register groups with attributes
// worth asking: the model's groups (sometimes the other model's), a vCPU
// that exists, a register the frame has, an ICC register, a LEVEL_INFO
// block.
void op_gic_regs(Input& in) {
  const int di = pick_vgic_dev(in.u8());
  const uint8_t ob = in.u8();
  const int op = ob % 3;
  const uint8_t gb = in.u8();
  DevFd* d = di >= 0 ? &g->devs[di] : nullptr;
  const VmModel* v = d ? &g->vms[d->vm] : nullptr;
  const unsigned model = v ? v->gic.model : kGicV3;
  static const uint32_t kV2Groups[] = {1, 1, 1, 2, 2, 2, 1, 2};
  static const uint32_t kV3Groups[] = {1, 1, 5, 5, 6, 6, 7, 7};
  static const uint32_t kAll[] = {1, 2, 5, 6, 7};
  const uint32_t group =
      gb >= 0xe0 ? kAll[gb % 5] : (model == kGicV2 ? kV2Groups : kV3Groups)[gb % 8];
  const uint64_t hi = gic_vcpu_attr_sel(in, v);
  const uint32_t nr = v ? v->gic.nr_irqs() : 256;
  uint32_t lo;
  if (group == kGicGrpSysregs) {
    const uint8_t rb = in.u8();
    lo = rb < 0xd0   ? kIccRegs[rb % kNumIccRegs]
         : rb < 0xf0 ? kIccRegs[rb % kNumIccRegs] | static_cast<uint32_t>(in.u16()) << 16
                     : in.u16();
  } else if (group == kGicGrpLevelInfo) {
    const uint8_t lb = in.u8();
    lo = lb < 0xc0   ? 32 * ((lb >> 1) % (nr / 32 + 2))
         : lb < 0xe0 ? 32 * (lb % 4) + 1 + lb % 31
         : lb < 0xf0 ? (1u + lb % 4) << 10
                     : in.u32();
  } else {
    lo = gic_offset_sel(in, gic_frame_of(model, group), nr, nullptr);
  }
  bool faults;
  const uint64_t value = gic_value_sel(in, &faults);
  AttrSpec s = {};
  s.a.group = group;
  s.a.attr = hi << 32 | lo;
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, kPayloadFill, 16);
  if (faults) {
    s.a.addr = kBadPayloads[(ob >> 3) % 4];
    s.payload_faults = true;
  } else {
    s.a.addr = reinterpret_cast<uint64_t>(payload);
    memcpy(payload, &value, sizeof(value));
  }
  place_uattr(s, ob & 0x80 ? ob >> 2 : (ob >> 2) & 0x38);
  trace("gic_regs dev %d %s group %u attr %#llx value %#llx%s%s", di, op_name(op), group,
        (ULL)s.a.attr, (ULL)value, faults ? " (payload faults)" : "",
        s.uattr_faults ? " (uattr faults)" : "");
  if (!d) return;
  gic_reg_attr(*d, op, s, value);
}

// Guest loads and stores in the GIC's frames: the distributor, the
// vCPU's own CPU interface or redistributor (RD or SGI frame), another
// vCPU's redistributor. The first KVM_RUN (immediate_exit) puts the
// frames on the bus when they are not yet.
void op_gic_mmio(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t fb = in.u8();
  const uint8_t kb = in.u8();
  const VcpuFd* c = ci >= 0 ? &g->vcpus[ci] : nullptr;
  const VmModel* v = c ? &g->vms[c->vm] : nullptr;
  const unsigned model = v && v->gic.model ? v->gic.model : kGicV3;
  const GicModel* m = v ? &v->gic : nullptr;
  int frame;
  uint64_t base;
  const uint64_t dist = m && m->dist != kGicUndef ? m->dist : 0x8000000;
  if (model == kGicV2) {
    frame = fb & 4 ? kFrameV2Cpu : kFrameV2Dist;
    base = frame == kFrameV2Dist ? dist : m && m->cpu != kGicUndef ? m->cpu : 0x8010000;
  } else if ((fb >> 2) % 4 == 0) {
    frame = kFrameV3Dist;
    base = dist;
  } else {
    frame = kFrameV3Redist;
    const int self = v && c ? vcpu_index(*v, c->id) : 0;
    const uint32_t n = v ? static_cast<uint32_t>(v->vcpu_order.size()) : 1;
    const uint32_t idx =
        (fb >> 2) % 4 == 3 && n ? kb % n : static_cast<uint32_t>(std::max(self, 0));
    base = m ? gic_redist_base(*m, idx) : kGicUndef;
    if (base == kGicUndef) base = 0x80a0000 + idx * kGicRedistSize;
  }
  unsigned len;
  const uint32_t off = gic_offset_sel(in, frame, m ? m->nr_irqs() : 256, &len);
  const uint8_t db = in.u8();
  const uint64_t data = db & 1 ? in.u64() : kGicValues[(db >> 1) % 32];
  const bool write = fb & 1;
  trace("gic_mmio vcpu %d %s %s+%#x len %u data %#llx%s", ci, write ? "store" : "load",
        kFrameNames[frame], off, len, (ULL)data, fb & 2 ? " (run first)" : "");
  if (!c) return;
  if ((fb & 2) && m->model && !m->mapped) run_vcpu(*c, 0);
  guest_access(*c, KX_ACCESS_MEM, write ? KX_ACCESS_WRITE : 0, base + off, len, data,
               "kx_vcpu_guest_access (GIC)");
}

const uint64_t kIccValues[] = {
    0,
    1,
    2,
    3,
    0xff,
    0xf8,
    0x80,
    7,
    0x8000,
    0x8003,
    1ull << 40 | 1 << 24,
    0xffff | 3u << 24,
    0x1ffff,
    1023,
    40,
    ~0ull,
};

// The guest's ICC_*_EL1 accesses: mostly the 26 registers, sometimes an
// encoding nearby, another id space, or anything.
void op_gic_sysreg(Input& in) {
  const int ci = pick_arm64_vcpu(in.u8());
  const uint8_t rb = in.u8();
  const uint8_t fb = in.u8();
  uint64_t addr;
  if (rb < 0xd0)
    addr = kSysregId | kIccRegs[rb % kNumIccRegs];
  else if (rb < 0xe8)
    addr = kSysregId | (kIccRegs[rb % kNumIccRegs] ^ (1u << (rb % 16)));
  else if (rb < 0xf8)
    addr = (kSysregId ^ (1ull << (32 + rb % 32))) | kIccRegs[rb % kNumIccRegs];
  else
    addr = in.u64();
  const uint64_t data = fb & 2 ? in.u64() : kIccValues[(fb >> 2) % 16];
  const unsigned flags = fb & 0x80 && fb & 0x40 ? fb : fb & KX_ACCESS_WRITE;
  trace("gic_sysreg vcpu %d %s %#llx data %#llx", ci, flags & KX_ACCESS_WRITE ? "write" : "read",
        (ULL)addr, (ULL)data);
  if (ci < 0) return;
  guest_access(g->vcpus[ci], KX_ACCESS_SYSREG, flags, addr, 8, data, "kx_vcpu_guest_access (ICC)");
}

// KVM_IRQ_LINE (kvm_vm_ioctl_irq_line(), KVM_CAP_ARM_IRQ_LINE_LAYOUT_2):
// irq = vcpu2_index << 28 | type << 24 | vcpu_index << 16 | number.
void op_irq_line(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t tb = in.u8();
  const uint8_t vb = in.u8();
  const uint8_t nb = in.u8();
  const uint8_t lb = in.u8();
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const uint32_t n = v ? static_cast<uint32_t>(v->vcpu_order.size()) : 1;
  const uint32_t nr = v ? v->gic.nr_irqs() : 256;
  static const uint32_t kTypes[] = {1, 1, 2, 2, 0, 1, 2, 3};
  const uint32_t type = tb < 0xf0 ? kTypes[tb % 8] : tb & 0xf;
  uint32_t idx = vb < 0xf0 ? vb % (n + 1) : (vb & 0xf) << 8 | in.u8();
  uint32_t num;
  if (nb >= 0xf0) {
    static const uint32_t kNums[] = {0, 15, 16, 31, 32, 1019, 1020, 0xffff};
    num = nb & 8 ? kNums[nb % 8] : nr - 1 + nb % 2;
  } else if (type == 1) {
    num = 32 + nb % (nr - 32 + 1);
  } else if (type == 2) {
    num = 16 + nb % 16;
  } else {
    num = nb % 3;
  }
  uint32_t irq = (idx >> 8 & 0xf) << 28 | type << 24 | (idx & 0xff) << 16 | num;
  if (tb == 0xff) {
    irq = in.u32();
    idx = ((irq >> 16) & 0xff) + ((irq >> 28) & 0xf) * 256;
    num = irq & 0xffff;
  }
  const uint32_t level = lb < 0xc0 ? lb & 1 : lb;
  const uint32_t t = (irq >> 24) & 0xf;
  trace("irq_line vm %d irq %#x (type %u vcpu %u num %u) level %u", vi, irq, t, idx, num, level);
  if (!v) return;
  if (v->p != KX_ARM64) {
    trace("  (no KVM_IRQ_LINE on this personality: the core refuses it)");
    return;
  }
  GicModel& m = v->gic;
  int want = 0;
  bool inits = false;
  switch (t) {
    case 0:
      if (m.model)
        want = -ENXIO;
      else if (idx >= n || num > 1)
        want = -EINVAL;
      break;
    case 1:
    case 2:
      // kvm_vm_ioctl_irq_line(): the vCPU and the number's kind before the
      // GIC's state (vgic_lazy_init()), the GIC's size after.
      if (!m.model) {
        want = -ENXIO;
      } else if (t == 2 && idx >= n) {
        want = -EINVAL;
      } else if (t == 2 ? num < 16 || num >= 32 : num < 32) {
        want = -EINVAL;
      } else if (!m.initialized && m.model == kGicV3) {
        want = -EBUSY;
      } else {
        inits = !m.initialized;  // vgic_lazy_init()
        const uint32_t nr_after = inits && !m.nr_spis ? 256 : m.nr_irqs();
        if (t == 1 && num >= nr_after) want = -EINVAL;
      }
      break;
    default:
      want = -EINVAL;
  }
  const int r = kx_vm_irq_line(v->h, irq, level);
  host::fail_allocation_after(-1);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_irq_line", r, want, inits && g->inject);
  if (r == -ENOMEM && want != -ENOMEM) return;
  if (inits) gic_init_model(m);
  if (r != 0) return;
  if (t == 0) {
    uint32_t& lines = v->cpu_lines[v->vcpu_order[idx]];
    lines = level ? lines | 1u << num : lines & ~(1u << num);
    return;
  }
  // A line a timer or the PMU owns ignores userspace (vgic_validate_injection()).
  const int64_t line_owner = t == 2 ? static_cast<int64_t>(v->vcpu_order[idx]) : -1;
  if (v->owners.count({line_owner, num})) return;
  // What the GIC now says of the interrupt, through userspace.
  const DevFd* d = vgic_dev_of_vm(vi);
  if (!d || v->vcpu_order.empty()) return;
  const int owner = t == 2 ? static_cast<int>(idx) : 0;
  const uint64_t aff = vcpu_mpidr(*v, v->vcpu_order[owner]);
  if (vcpu_by_mpidr(*v, aff) != owner) return;  // another vCPU has its affinity
  const uint64_t hi = m.model == kGicV2 ? static_cast<uint64_t>(owner) : mpidr_to_attr(aff);
  const uint32_t block = num & ~31u, bit = 1u << (num % 32);
  if (m.model == kGicV2) {
    // GICD_ISPENDR reads the pending state: a high line or a latched edge.
    const uint64_t pend = gic_uget_ok(*d, kGicGrpDistRegs, hi << 32 | (0x200 + block / 8));
    if (level) CHECK(pend & bit, "after KVM_IRQ_LINE %u high, GICD_ISPENDR %#llx", num, (ULL)pend);
    return;
  }
  const bool lvl = gic_level_sensitive(*d, hi, block) & bit;
  if (lvl) {
    const uint64_t li = gic_uget_ok(*d, kGicGrpLevelInfo, hi << 32 | block);
    CHECK(!!(li & bit) == !!level, "after KVM_IRQ_LINE %u level %u, LEVEL_INFO %#llx", num, level,
          (ULL)li);
  } else if (level) {
    const uint64_t latch = gic_uget_ok(*d, num < 32 ? kGicGrpRedistRegs : kGicGrpDistRegs,
                                       hi << 32 | (num < 32 ? 0x10200 : 0x200 + block / 8));
    CHECK(latch & bit, "after KVM_IRQ_LINE %u (edge) high, ISPENDR latch %#llx", num, (ULL)latch);
  }
}

// Whether a GICv2 is initialised, asked without changing anything: a
// duplicate KVM_CREATE_VCPU meets the initialised GIC's -EBUSY before
// -EEXIST (below the GIC's vCPU limit). -1: cannot tell.
int gic_probe_initialized(int vi) {
  const VmModel& v = g->vms[vi];
  if (v.vcpu_order.empty() || v.vcpu_order.size() >= gic_max_cpus(kGicV2)) return -1;
  kx_vcpu* h = nullptr;
  const int r = kx_vm_create_vcpu(v.h, v.vcpu_order[0], &h);
  CHECK(r == -EBUSY || r == -EEXIST, "probe: duplicate KVM_CREATE_VCPU returned %d", r);
  return r == -EBUSY;
}

// A wake with no CPU line high: the GIC has an interrupt the vCPU would
// take, so its highest pending interrupt is not the spurious one.
void gic_check_woken(const VcpuFd& c) {
  const VmModel& v = g->vms[c.vm];
  if (v.gic.model == kGicV3) {
    const uint64_t h0 = guest_raw(c, KX_ACCESS_SYSREG, kSysregId | kIccHppir0, 8);
    const uint64_t h1 = guest_raw(c, KX_ACCESS_SYSREG, kSysregId | kIccHppir1, 8);
    CHECK(h0 != kGicSpurious || h1 != kGicSpurious,
          "KVM_RUN woke for an interrupt, but ICC_HPPIR0/1_EL1 read 1023");
    return;
  }
  if (!guest_reads_gic(v, v.gic.cpu + 0x18, 4)) return;  // RAM over the frame
  const uint64_t h = guest_raw(c, KX_ACCESS_MEM, v.gic.cpu + 0x18, 4);
  CHECK((h & 0x3ff) != kGicSpurious, "KVM_RUN woke for an interrupt, but GICC_HPPIR reads %#llx",
        (ULL)h);
}

// At the end of an input: an initialised GIC's identification registers
// read what the model says.
void audit_gic_regs(const DevFd& d) {
  const VmModel& v = g->vms[d.vm];
  const GicModel& m = v.gic;
  if (!m.initialized || v.vcpu_order.empty()) return;
  const int frame = m.model == kGicV3 ? kFrameV3Dist : kFrameV2Dist;
  const GicCtx x = gic_ctx(v, 0, true);
  const uint64_t hi = m.model == kGicV3 ? mpidr_to_attr(vcpu_mpidr(v, v.vcpu_order[0])) : 0;
  for (uint32_t off : {0x4u, 0x8u}) {
    gic_check(gic_read_expect(x, frame, off, 4), gic_uget_ok(d, kGicGrpDistRegs, hi << 32 | off), 0,
              "audit: %s+%#x", kFrameNames[frame], off);
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
      case kArmInit:
        op_arm_init(in);
        break;
      case kArmFinalize:
        op_arm_finalize(in);
        break;
      case kOneReg:
        op_one_reg(in);
        break;
      case kRegList:
        op_reg_list(in);
        break;
      case kPvtime:
        op_pvtime(in);
        break;
      case kArmHost:
        op_arm_host(in);
        break;
      case kIrqLine:
        op_irq_line(in);
        break;
      case kGicRegs:
        op_gic_regs(in);
        break;
      case kGicMmio:
        op_gic_mmio(in);
        break;
      case kGicSysreg:
        op_gic_sysreg(in);
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
  audit_gics();
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
  kx_arm64_host h;
  kx_arm64_get_host(&h);
  CHECK(h.sve == g_default_host.sve && h.sve_vqs == g_default_host.sve_vqs &&
            h.ptrauth_address == g_default_host.ptrauth_address &&
            h.ptrauth_generic == g_default_host.ptrauth_generic &&
            h.pmuv3 == g_default_host.pmuv3 && h.el1_32bit == g_default_host.el1_32bit &&
            h.el0_32bit == g_default_host.el0_32bit && h.gicv2 == g_default_host.gicv2 &&
            h.ipa_bits == g_default_host.ipa_bits,
        "the emulated arm64 host's defaults: sve %u vqs %#x ptrauth %u/%u pmuv3 %u el1_32 %u "
        "el0_32 %u ipa %u, documented sve %u vqs %#x ptrauth %u/%u pmuv3 %u el1_32 %u el0_32 %u "
        "ipa %u",
        h.sve, h.sve_vqs, h.ptrauth_address, h.ptrauth_generic, h.pmuv3, h.el1_32bit, h.el0_32bit,
        h.ipa_bits, g_default_host.sve, g_default_host.sve_vqs, g_default_host.ptrauth_address,
        g_default_host.ptrauth_generic, g_default_host.pmuv3, g_default_host.el1_32bit,
        g_default_host.el0_32bit, g_default_host.ipa_bits);
  for (int p = 0; p < KX_NR_PERSONALITIES; p++) {
    const auto kp = static_cast<kx_personality>(p);
    CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops) == 0, "register VFIO");
    CHECK(kx_register_device_ops(kp, kDummyType, &kDummyOps) == 0, "register dummy");
    {
      kx_vm* vm = nullptr;
      CHECK(kx_vm_create(kp, 0, nullptr, &vm) == 0, "VM for the KVM_IRQ_LINE check");
      const bool unknown = kx_vm_irq_line(vm, 1u << 24, 0) == kx_unknown_ioctl_errno(kp, 0);
      CHECK(unknown == (kp != KX_ARM64), "KVM_IRQ_LINE off arm64, or not on it");
      kx_vm_put(vm);
    }
    if (kp == KX_ARM64) {  // as the shim: the VGIC types on arm64 only
      CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_ARM_VGIC_V2, &kx_vgic_v2_device_ops) == 0,
            "register VGIC v2");
      CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops) == 0,
            "register VGIC v3");
    }
    // The core answers the model's limits, or the model is not the one
    // the documents give: what it answers is never taken as the truth.
    const Arch& a = g_arch[p];
    const struct {
      const char* what;
      long core, doc;
    } limits[] = {
        {"KVM_CAP_MAX_VCPUS", kx_check_extension(kp, nullptr, KX_CAP_MAX_VCPUS), a.max_vcpus},
        {"KVM_CAP_MAX_VCPU_ID", kx_check_extension(kp, nullptr, KX_CAP_MAX_VCPU_ID),
         a.max_vcpu_ids},
        {"KVM_CAP_NR_MEMSLOTS", kx_check_extension(kp, nullptr, KX_CAP_NR_MEMSLOTS), a.nr_memslots},
        {"KVM_CAP_ARM_VM_IPA_SIZE", kx_check_extension(kp, nullptr, KX_CAP_ARM_VM_IPA_SIZE),
         a.ipa_limit},
        {"KVM_CAP_MULTI_ADDRESS_SPACE", kx_check_extension(kp, nullptr, KX_CAP_MULTI_ADDRESS_SPACE),
         a.address_spaces > 1 ? a.address_spaces : 0},
        {"KVM_CAP_READONLY_MEM", kx_check_extension(kp, nullptr, KX_CAP_READONLY_MEM), a.readonly},
        {"KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2",
         kx_check_extension(kp, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2), a.manual_caps},
        {"the obsolete KVM_CAP_MANUAL_DIRTY_LOG_PROTECT",
         kx_check_extension(kp, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT), 0},
        {"KVM_CAP_ENABLE_CAP_VM", kx_check_extension(kp, nullptr, KX_CAP_ENABLE_CAP_VM), 1},
        {"KVM_GET_VCPU_MMAP_SIZE (pages)", kx_vcpu_mmap_pages(kp), a.mmap_pages},
        {"an unknown VM ioctl", kx_unknown_ioctl_errno(kp, 0), a.unknown_vm},
        {"an unknown vCPU ioctl", kx_unknown_ioctl_errno(kp, 1), a.unknown_vcpu},
        {"KVM_CLEAR_DIRTY_LOG let through", kx_has_clear_dirty_log(kp) != 0, a.has_clear},
    };
    for (const auto& l : limits)
      CHECK(l.core == l.doc, "personality %s: %s is %ld, the documents say %ld",
            kx_personality_name(kp), l.what, l.core, l.doc);
    CHECK(a.has_clear == (a.manual_caps != 0),
          "model: personality %d: KVM_CLEAR_DIRTY_LOG %d without/with PROTECT2 %ld", p, a.has_clear,
          a.manual_caps);
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
  state.host = g_input_host;
  CHECK(kx_arm64_set_host(&g_input_host) == 0, "setting the inputs' arm64 host");
  Input in(data, size);
  uint8_t order = 0;
  run_input(in, &order);
  teardown(order);
  CHECK(kx_arm64_set_host(&g_default_host) == 0, "restoring the default arm64 host");
  for (uint64_t page : state.touched) madvise(reinterpret_cast<void*>(page), kPage, MADV_DONTNEED);
  g = nullptr;
  return 0;
}
