// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's common ground (spine_fuzzer.cpp): its bounds, the
// documented per-personality limits the model predicts from, the model of
// every VM and fd of an input (State), and failure reporting.

#ifndef SPINE_STATE_H
#define SPINE_STATE_H

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

namespace spine {

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

extern char g_trace[16384];
extern size_t g_trace_len;
extern bool g_trace_live;

// One line of the input's trace (printed at once with SPINE_TRACE=1).
void trace(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// The trace of the input's operations and the violated invariant; aborts.
[[noreturn]] void fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...)                     \
  do {                                       \
    if (!(cond)) ::spine::fail(__VA_ARGS__); \
  } while (0)

// A return value against the model: exactly `want`, or -ENOMEM where an
// allocation can fail under injection.
void expect_ret(const char* what, long got, long want, bool enomem_ok);

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

// The per-personality table, and the emulated arm64 host's documented
// defaults, restored after each input (state.cpp).
extern const Arch g_arch[KX_NR_PERSONALITIES];
extern const kx_arm64_host& g_default_host;
extern const kx_arm64_host g_input_host;

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
  // s390: KVM_CAP_S390_IRQCHIP enabled (KVM_CREATE_IRQCHIP allowed).
  bool s390_irqchip = false;
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
  bool papr = false;  // ppc: KVM_CAP_PPC_PAPR enabled
};

struct DevFd {
  bool open = false;
  kx_device* h = nullptr;
  int vm = -1;
  bool dummy = false;
  std::set<int> groups;  // VFIO: the group fds added
  unsigned vgic = 0;     // a VGIC device: its type (5 or 7)
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
  // The dispatcher's: the allocation failure kFailAlloc set up for the
  // next operation (-1: none), and the order kTeardownOrder chose.
  long pending_fail = -1;
  uint8_t teardown_order = 0;
};

// The input's State; the arena (kRamSize bytes); an fd of /dev/null and
// the two the harness makes "VFIO group" files (is_group_fd()); the live
// allocations before the input.
extern State* g;
extern uint8_t* g_ram;
extern int g_devnull;
extern int g_group_fds[2];
extern long g_live_baseline;

// "User memory" as platform_host.cpp sees it, and the arena.
bool user_ok(uint64_t uaddr, uint64_t len);
bool in_ram(uint64_t addr, uint64_t len);
bool fd_valid(int fd);

// The shim's kx_vm_get/kx_vm_put, with the model's reference count.
void vm_get(int vi);
void vm_put(int vi);

// After every operation: the VM count, the file references the VFIO
// devices hold, and with no VM left, the allocations back to the baseline.
void check_global();

}  // namespace spine

#endif  // SPINE_STATE_H
