// SPDX-License-Identifier: GPL-2.0
// s390_fuzzer: libFuzzer over s390's floating interrupts (the FLIC,
// KVM_S390_INTERRUPT, adapter interrupts, AIS, their delivery through the
// guest-access extension) and the VM attributes in the host build of the
// core, against a model of 6.1's written from arch/s390/kvm/interrupt.c
// (flic_*, __inject_vm and __inject_*, get_all_floating_irqs, the
// adapters, AIS, deliverable_irqs() and the __deliver_* order) and
// arch/s390/kvm/kvm-s390.c (kvm_s390_vm_{set,get,has}_attr and what they
// call, kvm_vm_ioctl_enable_cap() for KVM_CAP_S390_AIS) alone.
//
//   make -C tools/testing/fuzz O=DIR            -> DIR/s390_fuzzer
//   tools/testing/fuzz/run.sh short DIR s390    (make check: 30 s)
//
// The emulated machine: a z15 with CMMA, GISA (an adapter interrupt, an
// I/O interrupt with the AI bit, is one pending bit per ISC), the AP
// instructions, facility 72 only after KVM_ENABLE_CAP(KVM_CAP_S390_AIS)
// before the vCPUs.
//
// One input makes an s390 VM, maybe a FLIC (its creation may fail
// -ENOMEM), then operations: FLIC ENQUEUE of one to four struct
// kvm_s390_irq (every floating type, refused types and bad buffers),
// KVM_S390_INTERRUPT, GET_ALL_IRQS with buffers of every size,
// CLEAR_IRQS, CLEAR_IO_IRQ, adapters registered and modified, AISM,
// AIRQ_INJECT, AISM_ALL, APF, unknown groups, the VM attributes of
// vm.rst (MEM_CTRL, TOD, CRYPTO, CPU_MODEL, MIGRATION, CPU_TOPOLOGY) and
// KVM_ENABLE_CAP before and after the vCPUs; with vCPUs, their PSW mask
// (kvm_run) and control registers (KVM_SET_SREGS) and the guest taking
// interrupts (KVM_EXT_ACCESS_INTERRUPT); allocation failures here and
// there.
//
// What must hold, besides no sanitizer report: every return value and
// value read is the model's; after every operation GET_ALL_IRQS is the
// model's pending state byte for byte, AISM_ALL its simm/nimm, and each
// vCPU's KVM_RUN (a signal pending) returns 0 with KVM_EXIT_EXT_INTERRUPT
// exactly when the model has an interrupt the vCPU would take; no leak
// once the VM is gone.
//
// Where the documents and 6.1 differ, the model follows the documents
// (and differences.rst's s390 rows: a masked adapter's AIRQ_INJECT raises
// nothing, HAS of an unknown MIGRATION attribute is -ENXIO, ENQUEUE's
// length is 64 bits):
// GET_ALL_IRQS leaves the GISA's pending bits alone (s390_flic.rst: "All
// interrupts remain pending"; 6.1 test-and-clears them) and is -ENOMEM
// only for a buffer too small for every entry (6.1 can be -ENOMEM for one
// that holds them all: see Model::get_all()), a read of
// KVM_S390_VM_CPU_PROCESSOR_SUBFUNC before any write is -EINVAL (vm.rst
// 2.6), MEM_LIMIT_SIZE reads back the new limit rounded up as gmap_create()
// rounds it (vm.rst 1.3; 6.1 keeps reporting the old one),
// KVM_HAS_DEVICE_ATTR of TOD_EXT is 0 (vm.rst 3.3), and MIGRATION_START
// needs dirty logging on every memslot, CMMA or not (vm.rst 5.2).
//
// What the first runs found where kvm_ext left 6.1, each with its
// regression-NAME input in corpus/s390/, both fixed in the core:
// new-vcpu-crs (a new vCPU's CR0 0xe0, CR14 0xc2000000; 6.1's SIE block
// starts zeroed, kvm-s390.c:3763, and only the reset ioctls set them,
// kvm-s390.c:4059), topology-new-vcpu-mtcr (a new vCPU left the
// topology-change report alone; kvm_arch_vcpu_create() raises it,
// kvm-s390.c:3819). One difference stays, as userspace-api.rst says:
// kvm_ext takes memslots of whole pages where 6.1's
// kvm_arch_prepare_memory_region() wants whole 1 MiB segments of
// segment-aligned user memory (kvm-s390.c:5605-5610); the model follows
// kvm_ext there (seed-slot-not-on-1mib).
//
// S390_TRACE=1 prints each decoded operation.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"

namespace {

constexpr int kVcpus = 2;
constexpr uint64_t kBadAddr = host::kUserTop + 0x1000;

// arch/s390/include/uapi/asm/kvm.h, include/uapi/linux/kvm.h and
// include/uapi/linux/kvm_ext.h, where abi.h does not have them.
constexpr uint32_t kDevFlic = KX_DEV_TYPE_FLIC;
enum : uint32_t {
  kGetAllIrqs = 1,
  kEnqueue = 2,
  kClearIrqs = 3,
  kApfEnable = 4,
  kApfDisableWait = 5,
  kAdapterRegister = 6,
  kAdapterModify = 7,
  kClearIoIrq = 8,
  kAism = 9,
  kAirqInject = 10,
  kAismAll = 11,
};
constexpr uint64_t kFlicMaxBuffer = 0x2000000;
constexpr uint32_t kMaxAdapters = 64;
constexpr uint64_t kTypeMchk = 0xfffe1000u, kTypeVirtio = 0xffff2603u, kTypeService = 0xffff2401u,
                   kTypePfaultInit = 0xfffe0004u, kTypePfaultDone = 0xfffe0005u,
                   kTypeProgram = 0xfffe0001u, kTypeEmergency = 0xffff1201u,
                   kTypeIoMax = 0xfffdffffu, kTypeIoAi = 0x04000000u;
constexpr uint32_t kSccbMask = 0xfffffff8u, kSccbEventPending = 3;
constexpr uint64_t kCr14PendingSubclass = 1ull << 28;
// The FIRQ counters' limits: KVM_S390_MAX_FLOAT_IRQS (I/O),
// KVM_S390_MAX_VIRTIO_IRQS, ASYNC_PF_PER_VCPU * KVM_MAX_VCPUS (pfault done).
constexpr size_t kMaxFloatIrqs = 266250, kMaxVirtioIrqs = 87381, kMaxPfaultIrqs = 64 * 255;

constexpr uint32_t kGrpMemCtrl = 0, kGrpTod = 1, kGrpCrypto = 2, kGrpCpuModel = 3,
                   kGrpMigration = 4, kGrpCpuTopology = 5;
constexpr uint64_t kNoMemLimit = ~0ull;

constexpr uint32_t kCapS390Ais = 141, kCapS390AisMigration = 150, kCapCpuTopology = 222;
constexpr uint32_t kIoctlS390Interrupt = KX_IOC(KX_IOC_W, 0x94, 16);
constexpr uint32_t kIoctlGetSregs = KX_IOC(KX_IOC_R, 0x83, 192);
constexpr uint32_t kIoctlSetSregs = KX_IOC(KX_IOC_W, 0x84, 192);
constexpr unsigned kAccessInterrupt = 3, kResultNone = 4;
constexpr unsigned kRunPswMask = 32;
constexpr uint64_t kPswIo = 0x0200000000000000ull, kPswExt = 0x0100000000000000ull,
                   kPswMchk = 0x0004000000000000ull;
constexpr uint64_t kCr0ServiceSignal = 1ull << (63 - 54);

bool trace() {
  static const bool on = getenv("S390_TRACE") != nullptr;
  return on;
}

#define T(...)                                 \
  do {                                         \
    if (trace()) fprintf(stderr, __VA_ARGS__); \
  } while (0)

void expect(long long got, long long want, const char* what) {
  if (got == want) return;
  fprintf(stderr, "s390_fuzzer: %s: got %lld (%#llx), model %lld (%#llx)\n", what, got,
          (unsigned long long)got, want, (unsigned long long)want);
  abort();
}

void fail(const char* what) {
  fprintf(stderr, "s390_fuzzer: %s\n", what);
  abort();
}

// struct kvm_s390_irq: the type, then a 64-byte union.
struct Irq {
  uint64_t type;
  uint8_t u[64];
};
static_assert(sizeof(Irq) == 72);

template <typename V>
void put(uint8_t* p, V v) {
  memcpy(p, &v, sizeof(v));
}
template <typename V>
V get(const uint8_t* p) {
  V v;
  memcpy(&v, p, sizeof(v));
  return v;
}

// struct kvm_s390_interrupt
struct S390Int {
  uint32_t type, parm;
  uint64_t parm64;
};
static_assert(sizeof(S390Int) == 16);

struct Sregs {
  uint32_t acrs[16];
  uint64_t crs[16];
};
static_assert(sizeof(Sregs) == 192);

// struct kvm_s390_vm_cpu_processor, _machine, _feat, _subfunc
struct CpuProcessor {
  uint64_t cpuid;
  uint16_t ibc;
  uint8_t pad[6];
  uint8_t fac_list[2048];
};
static_assert(sizeof(CpuProcessor) == 2064);
struct CpuMachine {
  uint64_t cpuid;
  uint32_t ibc;
  uint8_t pad[4];
  uint8_t fac_mask[2048];
  uint8_t fac_list[2048];
};
static_assert(sizeof(CpuMachine) == 4112);
struct CpuFeat {
  uint64_t feat[16];
};
struct CpuSubfunc {
  uint8_t b[2048];
};
struct TodClock {
  uint8_t epoch_idx;
  uint64_t tod;
};
static_assert(sizeof(TodClock) == 16);

// ---------------------------------------------------------------------------
// The model.

struct Adapter {
  bool used = false;
  uint8_t isc = 0;
  bool maskable = false, masked = false, suppressible = false;
};

// A delivered interrupt: type, parm, parm64 (struct kvm_s390_interrupt).
struct Taken {
  uint64_t type;
  uint32_t parm;
  uint64_t parm64;
};

// AIS_MODE_MASK(isc): for ISCs past 7 (an adapter's u8 isc) no bit.
uint8_t ais_mask(uint32_t isc) { return isc < 8 ? static_cast<uint8_t>(0x80u >> isc) : 0; }

struct Model {
  // kvm->arch.float_int: the lists as get_all_floating_irqs() shows them
  // (FIRQ_LIST_IO_ISC_0..7, FIRQ_LIST_PFAULT, FIRQ_LIST_VIRTIO), each an
  // entry as inti_to_irq() writes it.
  std::deque<Irq> io[8], pfault, virtio;
  uint8_t ipm = 0;  // the GISA's IPM, bit 0x80 >> isc
  bool srv = false, srv_ev = false;
  uint32_t srv_params = 0;
  bool mchk = false;
  uint64_t mchk_cr14 = 0, mchk_mcic = 0;
  Adapter adapters[kMaxAdapters];
  uint8_t simm = 0, nimm = 0;

  // The VM.
  bool vcpus = false;  // kvm->created_vcpus
  bool flic = false;   // kvm->arch.flic
  uint8_t fac_mask[2048] = {}, fac_list[2048] = {};
  bool fac_bytes = true;  // the lists' encoding (see learn_facilities())
  uint64_t cpuid = 0;
  uint16_t ibc = 0;
  uint32_t mach_ibc = 0;
  CpuFeat feat = {}, mach_feat = {};
  bool subfunc_written = false;
  CpuSubfunc subfunc = {};
  bool topology_cap = false;  // KVM_CHECK_EXTENSION(KVM_CAP_S390_CPU_TOPOLOGY)
  uint8_t mtcr = 0;
  bool cmma = false;
  uint64_t mem_limit = 0;
  bool migration = false;
  int slot_dirty[2] = {-1, -1};  // slots 0, 1: -1 none, 0 without dirty logging, 1 with
  uint64_t slot1_gpa = 0;
  bool tod_set = false;
  uint64_t tod_value = 0;

  // The vCPUs' PSW mask and control registers.
  uint64_t psw[kVcpus] = {};
  Sregs sregs[kVcpus] = {};

  // --- facilities (test_kvm_facility(): the mask and the list) ---
  static bool bit_in(const uint8_t* l, unsigned nr, bool bytes) {
    if (bytes) return l[nr >> 3] & (0x80u >> (nr & 7));
    // u64 words in host order, MSB 0 within each
    const uint64_t w = get<uint64_t>(l + 8 * (nr / 64));
    return (w >> (63 - nr % 64)) & 1;
  }
  static void set_bit_in(uint8_t* l, unsigned nr, bool bytes) {
    if (bytes) {
      l[nr >> 3] |= 0x80u >> (nr & 7);
      return;
    }
    uint64_t w = get<uint64_t>(l + 8 * (nr / 64));
    w |= 1ull << (63 - nr % 64);
    put(l + 8 * (nr / 64), w);
  }
  bool fac(unsigned nr) const {
    return bit_in(fac_mask, nr, fac_bytes) && bit_in(fac_list, nr, fac_bytes);
  }

  // --- injection (__inject_vm) ---
  static Irq io_entry(uint64_t type, const uint8_t* io12) {
    Irq e = {};
    e.type = type;
    memcpy(e.u, io12, 12);
    return e;
  }
  static Irq ext_entry(uint64_t type, const uint8_t* ext16) {
    Irq e = {};
    e.type = type;
    memcpy(e.u, ext16, 16);
    return e;
  }
  // inti as copy_irq_from_user() or kvm_s390_inject_vm() fill it: type,
  // u.io (12 bytes), u.ext (16), u.mchk (cr14, mcic).
  int inject(const Irq& inti) {
    const uint64_t t = inti.type;
    if (t == kTypeMchk) {
      mchk_cr14 |= get<uint64_t>(inti.u) & kCr14PendingSubclass;
      mchk_mcic |= get<uint64_t>(inti.u + 8);
      mchk = true;
      return 0;
    }
    if (t == kTypeVirtio) {
      if (virtio.size() >= kMaxVirtioIrqs) return -EBUSY;
      virtio.push_back(ext_entry(t, inti.u));
      return 0;
    }
    if (t == kTypeService) {
      const uint32_t p = get<uint32_t>(inti.u);
      srv_params |= p & kSccbEventPending;
      if (srv_params & kSccbEventPending) srv_ev = true;
      if (!(srv_params & kSccbMask)) {
        srv_params |= p & kSccbMask;
        srv = true;
      }
      return 0;
    }
    if (t == kTypePfaultDone) {
      if (pfault.size() >= kMaxPfaultIrqs) return -EBUSY;
      pfault.push_back(ext_entry(t, inti.u));
      return 0;
    }
    if (t <= kTypeIoMax) {
      const uint32_t word = get<uint32_t>(inti.u + 8);
      const int isc = (word & 0x38000000u) >> 27;
      if (t & kTypeIoAi) {  // gi->origin is set: the GISA
        ipm |= 0x80u >> isc;
        return 0;
      }
      size_t n = 0;
      for (const auto& q : io) n += q.size();
      if (n >= kMaxFloatIrqs) return -EBUSY;
      io[isc].push_back(io_entry(t, inti.u));
      return 0;
    }
    return -EINVAL;
  }

  // kvm_s390_inject_vm(): struct kvm_s390_interrupt to inti.
  static bool from_s390int(const S390Int& s, Irq* inti) {
    *inti = {};
    inti->type = s.type;
    switch (s.type) {
      case kTypeVirtio:
        put(inti->u, s.parm);
        put(inti->u + 8, s.parm64);
        return true;
      case kTypeService:
        put(inti->u, s.parm);
        return true;
      case kTypePfaultDone:
        put(inti->u + 8, s.parm64);
        return true;
      case kTypeMchk:
        put(inti->u, uint64_t{s.parm});
        put(inti->u + 8, s.parm64);
        return true;
      default:
        if (s.type > kTypeIoMax) return false;
        put(inti->u, static_cast<uint16_t>(s.parm >> 16));
        put(inti->u + 2, static_cast<uint16_t>(s.parm & 0xffff));
        put(inti->u + 4, static_cast<uint32_t>(s.parm64 >> 32));
        put(inti->u + 8, static_cast<uint32_t>(s.parm64));
        return true;
    }
  }

  // get_all_floating_irqs(), with the GISA's bits left pending and
  // -ENOMEM only for a buffer too small for every entry (s390_flic.rst).
  // 6.1 tests for a full buffer before each ISC's bit, pending or not
  // (interrupt.c:2274), so a buffer that holds every entry is -ENOMEM
  // when a GISA bit is pending below ISC 7 after the last that fits.
  int get_all(uint64_t len, std::vector<Irq>* out) {
    out->clear();
    if (len > kFlicMaxBuffer || len == 0) return -EINVAL;
    const uint64_t max = len / sizeof(Irq);
    if (ipm) {
      for (int i = 0; i < 8; i++) {
        if (ipm & (0x80u >> i)) {
          if (out->size() == max) return -ENOMEM;
          Irq e = {};
          e.type = kTypeIoAi;
          put(e.u + 8, (uint32_t{static_cast<uint32_t>(i)} << 27) | 0x80000000u);
          out->push_back(e);
        }
      }
    }
    for (int l = 0; l < 10; l++) {
      const std::deque<Irq>& q = l < 8 ? io[l] : l == 8 ? pfault : virtio;
      for (const Irq& e : q) {
        if (out->size() == max) return -ENOMEM;
        out->push_back(e);
      }
    }
    if (srv || srv_ev) {
      if (out->size() == max) return -ENOMEM;
      Irq e = {};
      e.type = kTypeService;
      put(e.u, srv_params);
      out->push_back(e);
    }
    if (mchk) {
      if (out->size() == max) return -ENOMEM;
      Irq e = {};
      e.type = kTypeMchk;
      put(e.u, mchk_cr14);
      put(e.u + 8, mchk_mcic);
      out->push_back(e);
    }
    return static_cast<int>(out->size());
  }

  // kvm_s390_clear_float_irqs()
  void clear_all() {
    for (auto& q : io) q.clear();
    pfault.clear();
    virtio.clear();
    srv = srv_ev = false;
    srv_params = 0;
    mchk = false;
    mchk_cr14 = mchk_mcic = 0;
    ipm = 0;
  }

  // clear_io_irq() past its checks: kvm_s390_get_io_int(all ISCs, schid)
  // takes the first list entry of the subchannel (the GISA never, schid
  // being non-zero).
  void clear_io(uint32_t schid) {
    const uint16_t id = schid >> 16, nr = schid & 0xffff;
    for (auto& q : io) {
      for (auto it = q.begin(); it != q.end(); ++it) {
        if (get<uint16_t>(it->u) == id && get<uint16_t>(it->u + 2) == nr) {
          q.erase(it);
          return;
        }
      }
    }
  }

  // kvm_s390_inject_airq(); a masked adapter raises nothing
  // (differences.rst: s390_flic.rst's "interrupts turned off"; 6.1 looks
  // at the mask only on an adapter route).
  int inject_airq(const Adapter& a) {
    if (a.masked) return 0;
    S390Int s = {static_cast<uint32_t>(kTypeIoAi), 0, (uint32_t{a.isc} << 27) | 0x80000000u};
    Irq inti;
    from_s390int(s, &inti);
    if (!fac(72) || !a.suppressible) return inject(inti);
    if (nimm & ais_mask(a.isc)) return 0;  // suppressed
    const int r = inject(inti);
    if (!r && (simm & ais_mask(a.isc))) nimm |= ais_mask(a.isc);
    return r;
  }

  // --- delivery (deliverable_irqs(), the __deliver_* functions) ---
  enum Kind { kNone, kMchk, kSrvEv, kSrv, kPfault, kVirtio, kIo0 };
  int next(int v) const {
    const uint64_t p = psw[v];
    const uint64_t* cr = sregs[v].crs;
    if (mchk && (p & kPswMchk) && (cr[14] & mchk_cr14)) return kMchk;
    const bool ext = p & kPswExt;
    const bool sclp = ext && (cr[0] & kCr0ServiceSignal);
    if (srv_ev && sclp) return kSrvEv;
    if (srv && sclp) return kSrv;
    if (!pfault.empty() && ext) return kPfault;
    if (!virtio.empty() && ext) return kVirtio;
    if (p & kPswIo) {
      for (int isc = 0; isc < 8; isc++) {
        if (!(cr[6] & ((0x80ull >> isc) << 24))) continue;
        if (!io[isc].empty() || (ipm & (0x80u >> isc))) return kIo0 + isc;
      }
    }
    return kNone;
  }

  Taken take(int kind) {
    Taken t = {};
    switch (kind) {
      case kMchk:
        t = {kTypeMchk, static_cast<uint32_t>(mchk_cr14), mchk_mcic};
        mchk = false;
        mchk_cr14 = mchk_mcic = 0;
        break;
      case kSrvEv:
        t = {kTypeService, kSccbEventPending, 0};
        srv_params &= ~kSccbEventPending;
        srv_ev = false;
        break;
      case kSrv:
        t = {kTypeService, srv_params, 0};
        srv_params = 0;
        srv = srv_ev = false;
        break;
      case kPfault: {
        const Irq e = pfault.front();
        pfault.pop_front();
        t = {kTypePfaultDone, 0, get<uint64_t>(e.u + 8)};
        break;
      }
      case kVirtio: {
        const Irq e = virtio.front();
        virtio.pop_front();
        t = {kTypeVirtio, get<uint32_t>(e.u), get<uint64_t>(e.u + 8)};
        break;
      }
      default: {
        const int isc = kind - kIo0;
        if (!io[isc].empty()) {
          const Irq e = io[isc].front();
          io[isc].pop_front();
          t = {e.type, uint32_t{get<uint16_t>(e.u)} << 16 | get<uint16_t>(e.u + 2),
               uint64_t{get<uint32_t>(e.u + 4)} << 32 | get<uint32_t>(e.u + 8)};
        } else {
          ipm &= ~(0x80u >> isc);
          t = {kTypeIoAi, 0, (uint64_t{static_cast<uint32_t>(isc)} << 27) | 0x80000000u};
        }
      }
    }
    return t;
  }
};

// gmap_create()'s rounding of a limit (the last usable address + 1).
uint64_t round_limit(uint64_t l) {
  if (l == kNoMemLimit) return kNoMemLimit;
  const uint64_t last = l - 1;
  if (last < (1ull << 31)) return 1ull << 31;
  if (last < (1ull << 42)) return 1ull << 42;
  if (last < (1ull << 53)) return 1ull << 53;
  return kNoMemLimit;
}

// ---------------------------------------------------------------------------
// The harness.

struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t u8() { return n ? (n--, *p++) : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | u8() << 8); }
  uint32_t u32() { return u8() | u8() << 8 | u8() << 16 | uint32_t{u8()} << 24; }
  uint64_t u64() { return u32() | uint64_t{u32()} << 32; }
};

constexpr int kBufIrqs = 2048;
constexpr uint64_t kRamSize = 1 << 20;

struct Harness {
  Model m;
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu[kVcpus] = {};
  kx_device* dev = nullptr;  // the FLIC's fd, while open
  bool sregs_set[kVcpus] = {};
  std::vector<Irq> buf = std::vector<Irq>(kBufIrqs);
  uint8_t* ram = nullptr;

  static uintptr_t up(const void* p) { return reinterpret_cast<uintptr_t>(p); }

  int dattr(kx_attr_op op, uint32_t grp, uint64_t a, uint64_t addr, uint32_t flags = 0) {
    kx_attr at = {flags, grp, a, addr};
    return kx_device_attr(dev, op, up(&at));
  }
  int vattr(kx_attr_op op, uint32_t grp, uint64_t a, uint64_t addr, uint32_t flags = 0) {
    kx_attr at = {flags, grp, a, addr};
    return kx_vm_attr(vm, op, up(&at));
  }

  // buf holds every pending entry and more (the user buffer of each
  // GET_ALL_IRQS, whatever length it claims).
  void fit() {
    std::vector<Irq> all;
    m.get_all(kFlicMaxBuffer, &all);
    if (buf.size() < all.size() + 8) buf.resize(all.size() + 8);
  }

  // --- checks after every operation ---
  void compare_irqs(const char* when) {
    if (!dev) return;
    std::vector<Irq> want;
    fit();
    const int mr = m.get_all(sizeof(Irq) * buf.size(), &want);
    if (mr < 0) fail("the model's GET_ALL_IRQS failed");
    memset(buf.data(), 0x5a, sizeof(Irq) * buf.size());
    const int r = dattr(KX_ATTR_GET, kGetAllIrqs, sizeof(Irq) * buf.size(), up(buf.data()));
    if (r != mr) {
      fprintf(stderr, "s390_fuzzer: %s: GET_ALL_IRQS %d, model %d\n", when, r, mr);
      dump(want, r > 0 ? r : 0);
      abort();
    }
    if (!want.empty() && memcmp(buf.data(), want.data(), sizeof(Irq) * want.size()) != 0) {
      fprintf(stderr, "s390_fuzzer: %s: GET_ALL_IRQS entries differ\n", when);
      dump(want, r);
      abort();
    }
  }

  void dump(const std::vector<Irq>& want, int got) {
    for (size_t i = 0; i < want.size() || i < static_cast<size_t>(got); i++) {
      if (i < static_cast<size_t>(got)) {
        fprintf(stderr, "  got   %2zu: type %#llx u", i, (unsigned long long)buf[i].type);
        for (int b = 0; b < 24; b++) fprintf(stderr, " %02x", buf[i].u[b]);
        fprintf(stderr, "\n");
      }
      if (i < want.size()) {
        fprintf(stderr, "  model %2zu: type %#llx u", i, (unsigned long long)want[i].type);
        for (int b = 0; b < 24; b++) fprintf(stderr, " %02x", want[i].u[b]);
        fprintf(stderr, "\n");
      }
    }
  }

  void compare_ais() {
    if (!dev) return;
    uint8_t ais[2] = {0x5a, 0x5a};
    const int r = dattr(KX_ATTR_GET, kAismAll, 2, up(ais));
    if (!m.fac(72)) return expect(r, -EOPNOTSUPP, "AISM_ALL get without facility 72");
    expect(r, 0, "AISM_ALL get");
    expect(ais[0], m.simm, "AISM_ALL simm");
    expect(ais[1], m.nimm, "AISM_ALL nimm");
  }

  void set_psw(int v) {
    auto* run = static_cast<uint8_t*>(kx_vcpu_page(vcpu[v], 0));
    put(run + kRunPswMask, m.psw[v]);
  }

  void compare_run() {
    if (!m.vcpus) return;
    for (int v = 0; v < kVcpus; v++) {
      set_psw(v);
      kx_run run = {};
      host::raise_signal();
      const int r = kx_vcpu_run(vcpu[v], &run);
      host::clear_signal();
      const int k = m.next(v);
      if (k != Model::kNone) {
        if (r != 0 || !run.exit.set || run.exit.reason != KX_EXIT_EXT_INTERRUPT) {
          fprintf(stderr,
                  "s390_fuzzer: vCPU %d: KVM_RUN %d exit %u: the model has an interrupt (%d) "
                  "it takes\n",
                  v, r, run.exit.reason, k);
          abort();
        }
      } else if (r != -EINTR) {
        fprintf(stderr, "s390_fuzzer: vCPU %d: KVM_RUN %d exit %u: the model has none it takes\n",
                v, r, run.exit.reason);
        abort();
      }
      auto* p = static_cast<uint8_t*>(kx_vcpu_page(vcpu[v], 0));
      expect(get<uint64_t>(p + kRunPswMask), m.psw[v], "kvm_run psw_mask after KVM_RUN");
    }
  }

  void compare(const char* when) {
    compare_irqs(when);
    compare_ais();
    compare_run();
  }

  // --- the VM ---
  void learn_facilities() {
    CpuMachine mach;
    expect(vattr(KX_ATTR_GET, kGrpCpuModel, 1, up(&mach)), 0, "CPU_MACHINE get");
    CpuProcessor proc;
    expect(vattr(KX_ATTR_GET, kGrpCpuModel, 0, up(&proc)), 0, "CPU_PROCESSOR get");
    // Facilities 0-2 (z/Architecture) are the first bits: byte 0's top
    // bits, or those of the first u64 in host order.
    if (proc.fac_list[0] & 0x80)
      m.fac_bytes = true;
    else if (proc.fac_list[7] & 0x80)
      m.fac_bytes = false;
    else
      fail("CPU_PROCESSOR's facility list lacks facility 0");
    memcpy(m.fac_mask, mach.fac_mask, sizeof(m.fac_mask));
    memcpy(m.fac_list, proc.fac_list, sizeof(m.fac_list));
    m.mach_ibc = mach.ibc;
    m.cpuid = proc.cpuid;
    m.ibc = proc.ibc;
    // kvm_arch_init_vm(): the guest's IBC is the host's unblocked one;
    // facility 72 only with KVM_CAP_S390_AIS; 76 (MSA3) and 139 (multiple
    // epoch) the z15's and in FACILITIES_KVM.
    expect(proc.ibc, mach.ibc & 0xfff, "initial guest IBC");
    expect(m.fac(72), 0, "facility 72 before KVM_CAP_S390_AIS");
    expect(Model::bit_in(m.fac_mask, 72, m.fac_bytes), 0, "fac_mask 72 before the cap");
    expect(m.fac(76), 1, "facility 76");
    expect(m.fac(139), 1, "facility 139");
    expect(vattr(KX_ATTR_GET, kGrpCpuModel, 3, up(&m.mach_feat)), 0, "MACHINE_FEAT get");
    CpuFeat f;
    memset(&f, 0x5a, sizeof(f));
    expect(vattr(KX_ATTR_GET, kGrpCpuModel, 2, up(&f)), 0, "PROCESSOR_FEAT get");
    expect(memcmp(&f, &m.feat, sizeof(f)), 0, "initial PROCESSOR_FEAT: none");
    uint64_t lim = 0;
    expect(vattr(KX_ATTR_GET, kGrpMemCtrl, 2, up(&lim)), 0, "MEM_LIMIT_SIZE get");
    m.mem_limit = lim;
    T("  machine ibc %#x fac %s, mem_limit %#llx\n", mach.ibc, m.fac_bytes ? "bytes" : "u64",
      (unsigned long long)lim);
  }

  bool make_vm(Input& in) {
    m = Model{};
    if (kx_vm_create(KX_S390, 0, nullptr, &vm)) return false;
    expect(kx_check_extension(KX_S390, vm, kCapS390Ais), 1, "KVM_CAP_S390_AIS");
    expect(kx_check_extension(KX_S390, vm, kCapS390AisMigration), 1, "KVM_CAP_S390_AIS_MIGRATION");
    // kvm_vm_ioctl_check_extension(): 1 for these whatever the VM
    expect(kx_check_extension(KX_S390, vm, 101), 1, "KVM_CAP_VM_ATTRIBUTES");
    expect(kx_check_extension(KX_S390, vm, 145), 1, "KVM_CAP_S390_CMMA_MIGRATION");
    const long topo = kx_check_extension(KX_S390, vm, kCapCpuTopology);
    if (topo != 0 && topo != 1) expect(topo, 1, "KVM_CAP_S390_CPU_TOPOLOGY");
    m.topology_cap = topo == 1;
    learn_facilities();
    const uint8_t b = in.u8();
    if (b & 1) enable_cap(kCapS390Ais);
    if (b & 2) create_flic(true);
    if (!(b & 2) || (b & 4)) create_flic(false);
    if (b & 8) create_vcpus();
    return true;
  }

  void create_vcpus() {
    if (m.vcpus) return;
    for (int v = 0; v < kVcpus; v++) {
      expect(kx_vm_create_vcpu(vm, v, &vcpu[v]), 0, "vCPU");
      // kvm_arch_vcpu_create(): a zeroed SIE block, so access and control
      // registers 0 (m.sregs); CR0_INITIAL_MASK and CR14_INITIAL_MASK come
      // only with kvm_arch_vcpu_ioctl_initial_reset() (the reset ioctls).
      // op_psw's KVM_GET_SREGS checks them.
      auto* run = static_cast<uint8_t*>(kx_vcpu_page(vcpu[v], 0));
      expect(get<uint64_t>(run + kRunPswMask), 0, "a new vCPU's PSW mask");
    }
    m.vcpus = true;
    // kvm_arch_vcpu_create(): kvm_s390_update_topology_change_report(kvm, 1)
    m.mtcr = 1;
    T("  vCPUs\n");
  }

  void create_flic(bool nomem) {
    kx_device* d = nullptr;
    if (nomem) host::fail_allocation_after(0);
    const int r = kx_vm_create_device(vm, kDevFlic, 0, &d);
    host::fail_allocation_after(-1);
    T("  create FLIC%s: %d\n", nomem ? " (no memory)" : "", r);
    expect(r, m.flic ? -EINVAL : nomem ? -ENOMEM : 0, "KVM_CREATE_DEVICE(FLIC)");
    if (r) return;
    dev = d;
    m.flic = true;
  }

  void release_vm() {
    if (dev) kx_device_release(dev);
    dev = nullptr;
    if (vm) kx_vm_put(vm);
    vm = nullptr;
    for (auto& v : vcpu) v = nullptr;
  }

  // --- KVM_ENABLE_CAP ---
  void enable_cap(uint32_t cap, uint32_t flags = 0) {
    kx_enable_cap c = {};
    c.cap = cap;
    c.flags = flags;
    const int r = kx_vm_enable_cap(vm, &c);
    T("  enable cap %u flags %u: %d\n", cap, flags, r);
    int want;
    if (flags) {
      want = -EINVAL;
    } else if (cap == kCapS390Ais) {
      want = m.vcpus ? -EBUSY : 0;
      if (!want) {
        Model::set_bit_in(m.fac_mask, 72, m.fac_bytes);
        Model::set_bit_in(m.fac_list, 72, m.fac_bytes);
      }
    } else if (cap == kCapCpuTopology) {
      want = m.vcpus ? -EBUSY : m.topology_cap ? 0 : -EINVAL;
      if (!want) {
        Model::set_bit_in(m.fac_mask, 11, m.fac_bytes);
        Model::set_bit_in(m.fac_list, 11, m.fac_bytes);
      }
    } else {
      want = -EINVAL;
    }
    expect(r, want, "KVM_ENABLE_CAP");
  }

  void op_cap(Input& in) {
    const uint8_t b = in.u8();
    static const uint32_t caps[] = {kCapS390Ais, kCapS390Ais, kCapCpuTopology, 9999};
    enable_cap(caps[b % 4], b >= 0xf0 ? 1 : 0);
  }

  // --- interrupts as the VMM makes them ---
  static uint16_t schid_part(uint8_t x) {
    static const uint16_t p[] = {0, 1, 2, 0x10, 0xfffe, 0x8000, 0x0001, 0x0002};
    return p[x % 8];
  }

  // One struct kvm_s390_irq, mostly of a type __inject_vm() takes.
  Irq make_irq(Input& in) {
    Irq e = {};
    const uint8_t k = in.u8();
    const uint8_t x = in.u8();
    switch (k % 16) {
      case 0:
      case 1:
      case 2:
      case 3: {  // classic I/O
        const uint8_t y = in.u8();
        e.type = (x & 0x3) << 16 | schid_part(y);                     // ssid, schid
        if (k & 0x10) e.type |= static_cast<uint64_t>(x >> 4) << 18;  // cssid
        put(e.u, schid_part(x >> 3));                                 // subchannel_id
        put(e.u + 2, schid_part(y));                                  // subchannel_nr
        put(e.u + 4, k & 0x20 ? in.u32() : uint32_t{y});              // io_int_parm
        uint32_t word = uint32_t{(y >> 3) & 7u} << 27;
        if (k & 0x40) word |= 0x80000000u;
        if (k & 0x80) word |= in.u32() & 0xc7ffffffu;
        put(e.u + 8, word);
        break;
      }
      case 4:
      case 5: {  // adapter (the AI bit): the GISA
        e.type = kTypeIoAi | (k & 0x10 ? (uint64_t{x} << 16) : 0);
        put(e.u + 8, uint32_t{x & 7u} << 27 | 0x80000000u | (k & 0x20 ? 0x7u : 0u));
        break;
      }
      case 6: {  // service signal
        static const uint32_t p[] = {0x1000, 1, 2,           3,      4,
                                     0x2003, 0, 0xfffffff8u, 0x8000, 0x12340001};
        e.type = kTypeService;
        put(e.u, k & 0x80 ? in.u32() : p[x % 10]);
        if (k & 0x40) put(e.u + 8, in.u64());  // ignored
        break;
      }
      case 7:
      case 8:  // virtio
        e.type = kTypeVirtio;
        put(e.u, uint32_t{x} * 0x1010101u);
        if (k & 0x40) put(e.u + 4, uint32_t{0xa5});  // pad, kept by ENQUEUE
        put(e.u + 8, k & 0x80 ? in.u64() : uint64_t{x} << 40 | k);
        break;
      case 9:  // pfault done
        e.type = kTypePfaultDone;
        if (k & 0x40) put(e.u, uint32_t{x});
        put(e.u + 8, uint64_t{x} << 12 | k);
        break;
      case 10:
      case 11: {  // machine check
        e.type = kTypeMchk;
        put(e.u, (x & 1 ? kCr14PendingSubclass : 0) | (x & 2 ? 0x02000000ull : 0) |
                     (x & 4 ? 1ull << 40 : 0));
        static const uint64_t mc[] = {0x00400f1d40330000ull, 1ull << 63, 0x0020000000000000ull, 0};
        put(e.u + 8, mc[x % 4] | (k & 0x80 ? in.u64() : 0));
        if (k & 0x40) put(e.u + 16, in.u64());  // failing storage address: dropped
        break;
      }
      case 12: {  // refused types
        static const uint64_t t[] = {kTypePfaultInit, kTypeProgram, kTypeEmergency, 0xfffe0000u,
                                     0xffffffffu,     1ull << 32,   kTypeIoMax + 1, 0xffff1004u};
        e.type = t[x % 8];
        break;
      }
      case 13:  // I/O at the top of the range
        e.type = kTypeIoMax & ~kTypeIoAi;
        put(e.u + 8, uint32_t{x} << 24);
        break;
      default:  // anything
        e.type = x & 1 ? in.u32() : in.u64();
        for (int i = 0; i < 24; i++) e.u[i] = in.u8();
    }
    return e;
  }

  // KVM_DEV_FLIC_ENQUEUE: one to four entries; 6.1 injects them in order
  // and stops at the first it refuses, keeping the ones before.
  void op_enqueue(Input& in) {
    if (!dev) return;
    const uint8_t b = in.u8();
    const int n = 1 + b % 4;
    Irq e[4];
    for (int i = 0; i < n; i++) e[i] = make_irq(in);
    uint64_t len = sizeof(Irq) * n;
    uint64_t addr = up(e);
    bool nomem = false;
    switch (b >> 4) {
      case 0:
        len = 0;
        break;
      case 1:
        len = sizeof(Irq) * n - 8;  // not a multiple
        break;
      case 2:
        addr = kBadAddr;
        break;
      case 3:
        len = sizeof(Irq) * 466034;  // past KVM_S390_FLIC_MAX_BUFFER
        break;
      case 4:
        len |= 1ull << 32;  // int len = attr->attr
        break;
      case 5:
        nomem = n == 1;
        break;
    }
    if (nomem) host::fail_allocation_after(0);
    const int r = dattr(KX_ATTR_SET, kEnqueue, len, addr);
    host::fail_allocation_after(-1);
    T("  enqueue %d len %#llx%s%s: %d\n", n, (unsigned long long)len,
      addr == kBadAddr ? " (bad address)" : "", nomem ? " (no memory)" : "", r);
    for (int i = 0; i < n && trace(); i++)
      T("    type %#llx u %#llx %#llx\n", (unsigned long long)e[i].type,
        (unsigned long long)get<uint64_t>(e[i].u), (unsigned long long)get<uint64_t>(e[i].u + 8));
    int want = 0;
    // differences.rst: the 64-bit length (6.1's int len = attr->attr,
    // interrupt.c:2422, drops the high half)
    const int64_t ilen = len > kFlicMaxBuffer ? -1 : static_cast<int64_t>(len);
    if (ilen < 0 || len % sizeof(Irq) != 0) {
      want = -EINVAL;
    } else {
      for (int64_t i = 0; i < ilen / static_cast<int64_t>(sizeof(Irq)); i++) {
        if (nomem && r == -ENOMEM) {  // the (only) entry's kzalloc() failed
          want = -ENOMEM;
          break;
        }
        if (addr == kBadAddr) {
          want = -EFAULT;
          break;
        }
        const uint64_t t = e[i].type;
        const bool known = t == kTypePfaultInit || t == kTypePfaultDone || t == kTypeVirtio ||
                           t == kTypeService || t <= kTypeIoMax || t == kTypeMchk;
        if (!known) {
          want = -EINVAL;
          break;
        }
        // copy_irq_from_user(): the type's part of the union only
        Irq inti = {};
        inti.type = t;
        if (t == kTypeMchk)
          memcpy(inti.u, e[i].u, 48);
        else if (t <= kTypeIoMax)
          memcpy(inti.u, e[i].u, 12);
        else
          memcpy(inti.u, e[i].u, 16);
        want = m.inject(inti);
        if (want) break;
      }
    }
    expect(r, want, "FLIC ENQUEUE");
  }

  void op_interrupt(Input& in) {
    const uint8_t b = in.u8();
    const Irq e = make_irq(in);
    S390Int s = {static_cast<uint32_t>(e.type), 0, 0};
    switch (e.type) {
      case kTypeVirtio:
        s.parm = get<uint32_t>(e.u);
        s.parm64 = get<uint64_t>(e.u + 8);
        break;
      case kTypeService:
        s.parm = get<uint32_t>(e.u);
        s.parm64 = b & 0x10 ? get<uint64_t>(e.u + 8) : 0;
        break;
      case kTypePfaultDone:
        s.parm = b & 0x10 ? 0xdead : 0;
        s.parm64 = get<uint64_t>(e.u + 8);
        break;
      case kTypeMchk:
        s.parm = static_cast<uint32_t>(get<uint64_t>(e.u));
        s.parm64 = get<uint64_t>(e.u + 8);
        break;
      default:
        s.parm = uint32_t{get<uint16_t>(e.u)} << 16 | get<uint16_t>(e.u + 2);
        s.parm64 = uint64_t{get<uint32_t>(e.u + 4)} << 32 | get<uint32_t>(e.u + 8);
    }
    const bool fault = b % 16 == 15;
    const bool nomem = b % 16 == 14;
    if (nomem) host::fail_allocation_after(0);
    const int r = static_cast<int>(kx_vm_ioctl(vm, kIoctlS390Interrupt, fault ? kBadAddr : up(&s)));
    host::fail_allocation_after(-1);
    T("  KVM_S390_INTERRUPT type %#x parm %#x parm64 %#llx%s%s: %d\n", s.type, s.parm,
      (unsigned long long)s.parm64, fault ? " (bad address)" : "", nomem ? " (no memory)" : "", r);
    int want;
    Irq inti;
    if (fault)
      want = -EFAULT;
    else if (nomem && r == -ENOMEM)
      want = -ENOMEM;  // kzalloc() of the inti, before anything
    else if (!Model::from_s390int(s, &inti))
      want = -EINVAL;
    else
      want = m.inject(inti);
    expect(r, want, "KVM_S390_INTERRUPT");
  }

  void op_get_all(Input& in) {
    if (!dev) return;
    const uint8_t b = in.u8();
    std::vector<Irq> want;
    uint64_t len;
    const uint8_t x = in.u8();
    switch (b % 8) {
      case 0:
      case 1:
        len = sizeof(Irq) * (x % 12);  // maybe too small
        break;
      case 2:
        len = sizeof(Irq) * (x % 12) + (x >> 4) + 1;
        break;
      case 3:
        len = x % 72;
        break;
      case 4:
        len = kFlicMaxBuffer + (x % 8 != 0);  // (32 MiB a time: rarely)
        break;
      case 5:
        len = x & 1 ? 0 : (1ull << 32) | 72;
        break;
      case 6: {  // exactly the pending count
        std::vector<Irq> all;
        m.get_all(kFlicMaxBuffer, &all);
        len = sizeof(Irq) * (all.size() + (x % 3)) - (x & 0x80 ? 1 : 0);
        if (len == 0) len = sizeof(Irq);
        break;
      }
      default:
        len = sizeof(Irq) * kBufIrqs;
    }
    const bool fault = b >= 0xf0;
    const bool nomem = b >= 0xe0 && b < 0xf0;
    fit();
    memset(buf.data(), 0x5a, sizeof(Irq) * buf.size());
    if (nomem) host::fail_allocation_after(0);
    const int r = dattr(KX_ATTR_GET, kGetAllIrqs, len, fault ? kBadAddr : up(buf.data()));
    host::fail_allocation_after(-1);
    int mr = m.get_all(len, &want);
    T("  GET_ALL_IRQS len %#llx%s%s: %d (model %d)\n", (unsigned long long)len,
      fault ? " (bad address)" : "", nomem ? " (no memory)" : "", r, mr);
    if (mr > 0 && fault) mr = -EFAULT;
    // vzalloc() of the buffer failing: -ENOBUFS (s390_flic.rst)
    if (nomem && r == -ENOBUFS && mr != -EINVAL) mr = -ENOBUFS;
    expect(r, mr, "GET_ALL_IRQS");
    if (r > 0 && memcmp(buf.data(), want.data(), sizeof(Irq) * r) != 0) {
      fprintf(stderr, "s390_fuzzer: GET_ALL_IRQS len %#llx: entries differ\n",
              (unsigned long long)len);
      dump(want, r);
      abort();
    }
    if (r >= 0 && !fault) {  // nothing past the entries written
      const uint8_t* p = reinterpret_cast<const uint8_t*>(buf.data()) + sizeof(Irq) * r;
      const size_t rest = sizeof(Irq) * buf.size() - sizeof(Irq) * r;
      for (size_t i = 0; i < rest && i < 4096; i++)
        if (p[i] != 0x5a) fail("GET_ALL_IRQS wrote past its entries");
    }
  }

  void op_clear(Input& in) {
    if (!dev) return;
    const uint8_t b = in.u8();
    if (b % 4 == 0) {
      const int r = dattr(KX_ATTR_SET, kClearIrqs, b >> 2, 0);
      T("  CLEAR_IRQS: %d\n", r);
      expect(r, 0, "CLEAR_IRQS");
      m.clear_all();
      return;
    }
    // CLEAR_IO_IRQ
    const uint8_t x = in.u8();
    uint32_t schid = uint32_t{schid_part(x >> 3)} << 16 | schid_part(x);
    if (b % 4 == 3) schid = in.u32();
    uint64_t len = 4;
    uint32_t flags = 0;
    uint64_t addr = up(&schid);
    switch (b >> 5) {
      case 0:
        len = b & 1 ? 8 : 2;
        break;
      case 1:
        flags = 1;
        break;
      case 2:
        addr = kBadAddr;
        break;
      case 3:
        schid = 0;
        break;
    }
    const int r = dattr(KX_ATTR_SET, kClearIoIrq, len, addr, flags);
    T("  CLEAR_IO_IRQ schid %#x len %llu flags %u%s: %d\n", schid, (unsigned long long)len, flags,
      addr == kBadAddr ? " (bad address)" : "", r);
    int want = 0;
    if (flags || len != 4)
      want = -EINVAL;
    else if (addr == kBadAddr)
      want = -EFAULT;
    else if (!schid)
      want = -EINVAL;
    else
      m.clear_io(schid);
    expect(r, want, "CLEAR_IO_IRQ");
  }

  // One ENQUEUE of pfault-done interrupts up to and past the limit of
  // 16320 (__inject_pfault_done()): -EBUSY at the first past it, the ones
  // before kept.
  void flood(uint8_t b) {
    if (!dev) return;
    static std::vector<Irq> many(kMaxPfaultIrqs + 8);
    // one short of the limit, or one past it
    const long n = static_cast<long>(kMaxPfaultIrqs - m.pfault.size()) + (b & 8 ? 1 : -1);
    if (n <= 0) return;
    for (long i = 0; i < n; i++) {
      many[i] = {};
      many[i].type = kTypePfaultDone;
      put(many[i].u + 8, static_cast<uint64_t>(i));
    }
    const int r = dattr(KX_ATTR_SET, kEnqueue, sizeof(Irq) * n, up(many.data()));
    T("  enqueue %ld pfault done: %d\n", n, r);
    int want = 0;
    for (long i = 0; i < n && !want; i++) want = m.inject(many[i]);
    expect(r, want, "FLIC ENQUEUE past the pfault limit");
  }

  // --- adapters and AIS ---
  uint32_t adapter_id(Input& in) {
    const uint8_t x = in.u8();
    if (x < 0xf0) return x % 8;  // a few, so that they collide
    static const uint32_t ids[] = {63, 64, 65, 0xffffffffu, 0x80000000u, 32, 8, 9};
    return ids[x % 8];
  }

  void op_adapter(Input& in) {
    if (!dev) return;
    const uint8_t b = in.u8();
    if (b % 2 == 0) {  // REGISTER
      struct {
        uint32_t id;
        uint8_t isc, maskable, swap, flags;
      } a = {adapter_id(in), 0, 0, 0, 0};
      const uint8_t x = in.u8();
      a.isc = x % 16 < 14 ? x % 8 : x % 16 == 14 ? 8 + (x >> 4) : 31;
      a.maskable = b & 4 ? (b & 8 ? 2 : 1) : 0;
      a.swap = b & 0x10 ? 1 : 0;
      a.flags = b & 0x20 ? 1 | (b & 0x40 ? 0xf0 : 0) : (b & 0x40 ? 0x2 : 0);
      const bool fault = b >= 0xf8, nomem = b >= 0xf0 && b < 0xf8;
      if (nomem) host::fail_allocation_after(0);
      const int r = dattr(KX_ATTR_SET, kAdapterRegister, 0, fault ? kBadAddr : up(&a));
      host::fail_allocation_after(-1);
      T("  ADAPTER_REGISTER id %u isc %u maskable %u flags %#x%s%s: %d\n", a.id, a.isc, a.maskable,
        a.flags, fault ? " (bad address)" : "", nomem ? " (no memory)" : "", r);
      int want = 0;
      if (fault)
        want = -EFAULT;
      else if (a.id >= kMaxAdapters || m.adapters[a.id].used)
        want = -EINVAL;
      else if (nomem && r == -ENOMEM)
        want = -ENOMEM;
      else
        m.adapters[a.id] = {true, a.isc, a.maskable != 0, false, (a.flags & 1) != 0};
      expect(r, want, "ADAPTER_REGISTER");
      return;
    }
    // MODIFY
    struct {
      uint32_t id;
      uint8_t type, mask;
      uint16_t pad0;
      uint64_t addr;
    } q = {adapter_id(in), 0, 0, 0, 0};
    const uint8_t x = in.u8();
    q.type = x % 8 < 5 ? 1 : x % 8 == 5 ? 2 : x % 8 == 6 ? 3 : x >> 3;
    q.mask = x & 0x80 ? 1 : (x & 0x40 ? 0x10 : 0);
    q.addr = b & 2 ? 0x10000 : 0;
    const bool fault = b >= 0xf8;
    const int r = dattr(KX_ATTR_SET, kAdapterModify, 0, fault ? kBadAddr : up(&q));
    T("  ADAPTER_MODIFY id %u type %u mask %u%s: %d\n", q.id, q.type, q.mask,
      fault ? " (bad address)" : "", r);
    int want = 0;
    if (fault) {
      want = -EFAULT;
    } else if (q.id >= kMaxAdapters || !m.adapters[q.id].used) {
      want = -EINVAL;
    } else {
      Adapter& a = m.adapters[q.id];
      if (q.type == 1) {
        if (!a.maskable)
          want = -EINVAL;
        else
          a.masked = q.mask != 0;
      } else if (q.type != 2 && q.type != 3) {
        want = -EINVAL;
      }
    }
    expect(r, want, "ADAPTER_MODIFY");
  }

  void op_ais(Input& in) {
    if (!dev) return;
    const uint8_t b = in.u8();
    switch (b % 4) {
      case 0: {  // AISM
        struct {
          uint8_t isc;
          uint8_t pad;
          uint16_t mode;
        } q = {static_cast<uint8_t>(b & 0x80 ? in.u8() : (b >> 2) % 8), 0,
               static_cast<uint16_t>(b & 0x40 ? in.u16() % 4 : (b >> 5) & 1)};
        const bool fault = in.u8() % 16 == 15;
        const int r = dattr(KX_ATTR_SET, kAism, 0, fault ? kBadAddr : up(&q));
        T("  AISM isc %u mode %u%s: %d\n", q.isc, q.mode, fault ? " (bad address)" : "", r);
        int want = 0;
        if (!m.fac(72))
          want = -EOPNOTSUPP;
        else if (fault)
          want = -EFAULT;
        else if (q.isc > 7)
          want = -EINVAL;
        else if (q.mode == 0) {
          m.simm &= ~ais_mask(q.isc);
          m.nimm &= ~ais_mask(q.isc);
        } else if (q.mode == 1) {
          m.simm |= ais_mask(q.isc);
          m.nimm &= ~ais_mask(q.isc);
        } else {
          want = -EINVAL;
        }
        expect(r, want, "AISM");
        break;
      }
      case 1:
      case 2: {  // AIRQ_INJECT
        uint64_t id = adapter_id(in);
        if (b & 0x80) id |= 1ull << 32;  // unsigned int id = attr->attr
        const bool nomem = (b & 0x70) == 0x70;
        if (nomem) host::fail_allocation_after(0);
        const int r = dattr(KX_ATTR_SET, kAirqInject, id, 0);
        host::fail_allocation_after(-1);
        T("  AIRQ_INJECT %#llx%s: %d\n", (unsigned long long)id, nomem ? " (no memory)" : "", r);
        const uint32_t i = static_cast<uint32_t>(id);
        int want;
        if (i >= kMaxAdapters || !m.adapters[i].used) {
          want = -EINVAL;
        } else if (m.adapters[i].masked || (m.fac(72) && m.adapters[i].suppressible &&
                                            (m.nimm & ais_mask(m.adapters[i].isc)))) {
          want = 0;  // masked or suppressed: nothing allocated
        } else if (nomem && r == -ENOMEM) {
          // kvm_s390_inject_vm()'s kzalloc(): nothing injected, the mode kept
          want = -ENOMEM;
        } else {
          want = m.inject_airq(m.adapters[i]);
        }
        expect(r, want, "AIRQ_INJECT");
        break;
      }
      default: {  // AISM_ALL set (get: after every operation), short gets
        uint8_t ais[2] = {in.u8(), in.u8()};
        if (b & 0x80) {
          const uint64_t len = b & 0x40 ? 1 : 0;
          const int r = dattr(KX_ATTR_GET, kAismAll, len, up(ais));
          T("  AISM_ALL get len %llu: %d\n", (unsigned long long)len, r);
          expect(r, -EINVAL, "AISM_ALL get, short");
          break;
        }
        const bool fault = (b & 0x70) == 0x70;
        const int r = dattr(KX_ATTR_SET, kAismAll, b >> 4, fault ? kBadAddr : up(ais));
        T("  AISM_ALL set simm %#x nimm %#x%s: %d\n", ais[0], ais[1], fault ? " (bad address)" : "",
          r);
        int want = 0;
        if (!m.fac(72)) {
          want = -EOPNOTSUPP;
        } else if (fault) {
          want = -EFAULT;
        } else {
          m.simm = ais[0];
          m.nimm = ais[1];
        }
        expect(r, want, "AISM_ALL set");
      }
    }
  }

  void op_flic_misc(Input& in) {
    const uint8_t b = in.u8();
    switch (b % 8) {
      case 0:
      case 1: {  // has, every group
        if (!dev) return;
        const uint32_t grp = b >> 3;
        const int r = dattr(KX_ATTR_HAS, grp, in.u8(), 0);
        T("  FLIC has group %u: %d\n", grp, r);
        expect(r, grp >= 1 && grp <= 11 ? 0 : -ENXIO, "FLIC has_attr");
        break;
      }
      case 2: {  // unknown groups and get of a set-only one
        if (!dev) return;
        static const uint32_t g[] = {0, 12, 0x80000000u, kEnqueue, kClearIrqs, kAism};
        const uint32_t grp = g[(b >> 3) % 6];
        uint64_t x = 0;
        const int r = dattr(KX_ATTR_GET, grp, 0, up(&x));
        T("  FLIC get group %u: %d\n", grp, r);
        expect(r, -EINVAL, "FLIC get, another group");
        if (grp != kEnqueue && grp != kClearIrqs && grp != kAism) {
          const int s = dattr(KX_ATTR_SET, grp, 0, up(&x));
          expect(s, -EINVAL, "FLIC set, unknown group");
        }
        break;
      }
      case 3: {  // APF
        if (!dev) return;
        const uint32_t grp = b & 8 ? kApfEnable : kApfDisableWait;
        const int r = dattr(KX_ATTR_SET, grp, 0, 0);
        T("  APF %s: %d\n", grp == kApfEnable ? "enable" : "disable", r);
        expect(r, 0, "APF");
        break;
      }
      case 4: {  // another FLIC, a test creation, the fd closed
        if ((b & 0x38) == 0x38) {
          if (!dev) return;
          // 6.1's FLIC has no ->release: it stays the VM's until it dies.
          T("  close the FLIC's fd\n");
          kx_device_release(dev);
          dev = nullptr;
        } else if (b & 8) {
          kx_device* d = nullptr;
          const int r = kx_vm_create_device(vm, kDevFlic, KX_CREATE_DEVICE_TEST, &d);
          T("  create FLIC (test): %d\n", r);
          expect(r, 0, "KVM_CREATE_DEVICE_TEST(FLIC)");
        } else {
          if (dev) return create_flic(false);  // -EINVAL
          if (!m.flic) create_flic(b & 0x10);
        }
        break;
      }
      case 7:
        // (rare: each costs some 0.5 s)
        if ((b & 0xf0) == 0xf0 && in.u8() == 0x5a) return flood(b);
        [[fallthrough]];
      default:
        create_vcpus();
    }
  }

  // --- the vCPUs: PSW, control registers, taking interrupts ---
  void op_psw(Input& in) {
    if (!m.vcpus) return;
    const uint8_t b = in.u8();
    const int v = b % kVcpus;
    if (b & 2) {
      const uint8_t x = in.u8();
      m.psw[v] = (x & 1 ? kPswIo : 0) | (x & 2 ? kPswExt : 0) | (x & 4 ? kPswMchk : 0) |
                 (x & 8 ? 0x0000000180000000ull : 0);
      set_psw(v);
      T("  vCPU %d psw mask %#llx\n", v, (unsigned long long)m.psw[v]);
    }
    if (b & 4) {
      Sregs s = m.sregs[v];
      const uint8_t x = in.u8();
      static const uint64_t cr0[] = {0, kCr0ServiceSignal, 0xe0, 0xe0 | kCr0ServiceSignal};
      s.crs[0] = cr0[x % 4];
      s.crs[6] = uint64_t{in.u8()} << 24 | (x & 0x10 ? 0xffffffff00000000ull : 0);
      s.crs[14] = (x & 0x20 ? kCr14PendingSubclass : 0) | (x & 0x40 ? 0xc2000000ull : 0);
      s.acrs[x % 16] = in.u32();
      const bool fault = (b & 0xf8) == 0xf8;
      const int r =
          static_cast<int>(kx_vcpu_ioctl(vcpu[v], kIoctlSetSregs, fault ? kBadAddr : up(&s)));
      T("  vCPU %d sregs cr0 %#llx cr6 %#llx cr14 %#llx%s: %d\n", v, (unsigned long long)s.crs[0],
        (unsigned long long)s.crs[6], (unsigned long long)s.crs[14], fault ? " (bad address)" : "",
        r);
      expect(r, fault ? -EFAULT : 0, "KVM_SET_SREGS");
      if (!fault) {
        m.sregs[v] = s;
        sregs_set[v] = true;
      }
    }
    if (b & 8) {
      Sregs s;
      memset(&s, 0x5a, sizeof(s));
      const int r = static_cast<int>(kx_vcpu_ioctl(vcpu[v], kIoctlGetSregs, up(&s)));
      T("  vCPU %d get sregs: %d cr0 %#llx cr14 %#llx\n", v, r, (unsigned long long)s.crs[0],
        (unsigned long long)s.crs[14]);
      expect(r, 0, "KVM_GET_SREGS");
      if (memcmp(&s, &m.sregs[v], sizeof(s)) != 0) {
        fprintf(stderr,
                "s390_fuzzer: vCPU %d: KVM_GET_SREGS cr0 %#llx cr6 %#llx cr14 %#llx, model "
                "cr0 %#llx cr6 %#llx cr14 %#llx%s\n",
                v, (unsigned long long)s.crs[0], (unsigned long long)s.crs[6],
                (unsigned long long)s.crs[14], (unsigned long long)m.sregs[v].crs[0],
                (unsigned long long)m.sregs[v].crs[6], (unsigned long long)m.sregs[v].crs[14],
                sregs_set[v] ? "" : " (never set: a new vCPU's)");
        abort();
      }
    }
  }

  void op_take(Input& in) {
    if (!m.vcpus) return;
    const uint8_t b = in.u8();
    const int v = b % kVcpus;
    kx_guest_access a = {kAccessInterrupt, 0, 0, 0, 0, 0, {0, 0, 0}};
    const bool bad = (b & 0xf0) == 0xf0;
    if (bad) {  // addr, len, args or flags not 0
      switch ((b >> 1) % 4) {
        case 0:
          a.addr = 8;
          break;
        case 1:
          a.len = 4;
          break;
        case 2:
          a.args[2] = 1;
          break;
        default:
          a.flags = KX_ACCESS_WRITE;
      }
    }
    set_psw(v);
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
    T("  vCPU %d takes: %d result %u type %#llx parm %#llx parm64 %#llx\n", v, r, a.result,
      (unsigned long long)a.data, (unsigned long long)a.args[0], (unsigned long long)a.args[1]);
    if (bad) return expect(r, -EINVAL, "KVM_EXT_ACCESS_INTERRUPT, bad fields");
    expect(r, 0, "KVM_EXT_ACCESS_INTERRUPT");
    const int k = m.next(v);
    if (k == Model::kNone) {
      expect(a.result, kResultNone, "nothing to take: KVM_EXT_RESULT_NONE");
      expect(a.data, 0, "nothing to take: data");
      return;
    }
    const Taken t = m.take(k);
    T("    model: type %#llx parm %#x parm64 %#llx\n", (unsigned long long)t.type, t.parm,
      (unsigned long long)t.parm64);
    expect(a.result, KX_ACCESS_RESULT_KERNEL, "an interrupt taken: KVM_EXT_RESULT_KERNEL");
    expect(a.data, t.type, "the interrupt's type");
    expect(a.args[0], t.parm, "the interrupt's parm");
    expect(a.args[1], t.parm64, "the interrupt's parm64");
  }

  // --- VM attributes ---
  void op_mem_ctrl(Input& in, uint8_t b) {
    const uint64_t a = b >> 4 < 12 ? (b >> 4) % 3 : b >> 4;
    const kx_attr_op op = static_cast<kx_attr_op>(((b >> 2) & 3) % 3);
    const bool fault = (b & 3) == 3;
    if (op == KX_ATTR_HAS) {
      const int r = vattr(op, kGrpMemCtrl, a, 0);
      expect(r, a <= 2 ? 0 : -ENXIO, "MEM_CTRL has");
      return;
    }
    if (op == KX_ATTR_GET) {
      uint64_t v = 0x5a5a;
      const int r = vattr(op, kGrpMemCtrl, a, fault ? kBadAddr : up(&v));
      T("  MEM_CTRL get %llu: %d %#llx\n", (unsigned long long)a, r, (unsigned long long)v);
      expect(r, a != 2 ? -ENXIO : fault ? -EFAULT : 0, "MEM_CTRL get");
      if (!r) expect(v, m.mem_limit, "MEM_LIMIT_SIZE");
      return;
    }
    int want = 0;
    int r;
    if (a == 0) {
      r = vattr(op, kGrpMemCtrl, a, 0);
      want = m.vcpus ? -EBUSY : 0;
      if (!want) m.cmma = true;
    } else if (a == 1) {
      r = vattr(op, kGrpMemCtrl, a, 0);
      want = m.cmma ? 0 : -EINVAL;
    } else if (a == 2) {
      static const uint64_t lims[] = {
          1ull << 31, (1ull << 31) + 1, 1ull << 42, 1ull << 20, (1ull << 53) + 1, kNoMemLimit,
          0,          1ull << 53,       1ull << 44, 4096};
      const uint8_t x = in.u8();
      uint64_t lim = x < 0xf0 ? lims[x % 10] : in.u64();
      const bool nomem = x % 16 == 13;
      if (nomem) host::fail_allocation_after(0);
      r = vattr(op, kGrpMemCtrl, a, fault ? kBadAddr : up(&lim));
      host::fail_allocation_after(-1);
      T("  MEM_LIMIT_SIZE set %#llx%s: %d\n", (unsigned long long)lim, nomem ? " (no memory)" : "",
        r);
      if (fault)
        want = -EFAULT;
      else if (m.mem_limit != kNoMemLimit && lim > m.mem_limit)
        want = -E2BIG;
      else if (!lim)
        want = -EINVAL;
      else if (m.vcpus)
        want = -EBUSY;
      else if (nomem && r == -ENOMEM)
        want = -ENOMEM;  // gmap_create()
      else
        m.mem_limit = round_limit(lim);
    } else {
      r = vattr(op, kGrpMemCtrl, a, 0);
      want = -ENXIO;
    }
    T("  MEM_CTRL set %llu: %d\n", (unsigned long long)a, r);
    expect(r, want, "MEM_CTRL set");
  }

  void op_tod(Input& in, uint8_t b) {
    const uint64_t a = (b >> 4) % 4;  // 3: none
    const kx_attr_op op = static_cast<kx_attr_op>(((b >> 2) & 3) % 3);
    const uint32_t flags = (b & 3) == 2 ? 1 : 0;
    const bool fault = (b & 3) == 3;
    if (op == KX_ATTR_HAS) {
      expect(vattr(op, kGrpTod, a, 0, flags), a <= 2 ? 0 : -ENXIO, "TOD has");
      return;
    }
    if (op == KX_ATTR_SET) {
      TodClock c = {static_cast<uint8_t>(in.u8() % 4 == 0 ? in.u8() : 0), in.u64()};
      uint8_t high = in.u8() % 4 == 0 ? 1 : 0;
      uint64_t low = c.tod;
      const uint64_t addr = fault ? kBadAddr : a == 0 ? up(&low) : a == 1 ? up(&high) : up(&c);
      const int r = vattr(op, kGrpTod, a, addr, flags);
      T("  TOD set %llu flags %u: %d\n", (unsigned long long)a, flags, r);
      int want = 0;
      if (flags)
        want = -EINVAL;
      else if (a == 3)
        want = -ENXIO;
      else if (fault)
        want = -EFAULT;
      else if (a == 1)
        want = high ? -EINVAL : 0;
      else if (a == 2 && !m.fac(139) && c.epoch_idx)
        want = -EINVAL;
      if (!want && a != 1) {
        m.tod_set = true;
        m.tod_value = c.tod;
      }
      expect(r, want, "TOD set");
      return;
    }
    uint8_t out[16];
    memset(out, 0x5a, sizeof(out));
    const int r = vattr(op, kGrpTod, a, fault ? kBadAddr : up(out), flags);
    T("  TOD get %llu flags %u: %d\n", (unsigned long long)a, flags, r);
    int want = 0;
    if (flags)
      want = -EINVAL;
    else if (a == 3)
      want = -ENXIO;
    else if (fault)
      want = -EFAULT;
    expect(r, want, "TOD get");
    if (r) return;
    if (a == 1) {
      expect(out[0], 0, "TOD_HIGH");
      expect(out[1], 0x5a, "TOD_HIGH is one byte");
      return;
    }
    const uint64_t tod = get<uint64_t>(out + (a == 2 ? 8 : 0));
    if (a == 2 && !m.fac(139)) expect(out[0], 0, "TOD_EXT epoch index without facility 139");
    if (m.tod_set && tod - m.tod_value > (1ull << 44)) {
      fprintf(stderr, "s390_fuzzer: TOD %#llx long after the %#llx set\n", (unsigned long long)tod,
              (unsigned long long)m.tod_value);
      abort();
    }
  }

  void op_crypto(Input& in, uint8_t b) {
    const uint64_t a = (b >> 4) % 8;  // 6, 7: none
    const kx_attr_op op = static_cast<kx_attr_op>(((b >> 2) & 3) % 3);
    const int r = vattr(op, kGrpCrypto, a, 0);
    T("  CRYPTO %d %llu: %d\n", op, (unsigned long long)a, r);
    int want;
    if (op == KX_ATTR_HAS)
      want = a <= 5 ? 0 : -ENXIO;
    else if (op == KX_ATTR_GET || a > 5)
      want = -ENXIO;
    else if (a <= 3)
      want = m.fac(76) ? 0 : -EINVAL;
    else
      want = 0;  // APIE: the AP instructions are there
    expect(r, want, "CRYPTO");
    (void)in;
  }

  void op_cpu_model(Input& in, uint8_t b) {
    const uint64_t a = (b >> 4) % 8;  // 6, 7: none
    const kx_attr_op op = static_cast<kx_attr_op>(((b >> 2) & 3) % 3);
    const bool fault = (b & 3) == 3;
    if (op == KX_ATTR_HAS) {
      expect(vattr(op, kGrpCpuModel, a, 0), a <= 5 ? 0 : -ENXIO, "CPU_MODEL has");
      return;
    }
    if (op == KX_ATTR_GET) {
      static CpuMachine out;
      memset(&out, 0x5a, sizeof(out));
      const int r = vattr(op, kGrpCpuModel, a, fault ? kBadAddr : up(&out));
      T("  CPU_MODEL get %llu: %d\n", (unsigned long long)a, r);
      int want = fault ? -EFAULT : 0;
      if (a > 5) want = -ENXIO;
      if (a == 4 && !m.subfunc_written) want = -EINVAL;
      expect(r, want, "CPU_MODEL get");
      if (r) return;
      if (a == 0) {
        CpuProcessor p;
        memcpy(&p, &out, sizeof(p));
        expect(p.cpuid, m.cpuid, "PROCESSOR cpuid");
        expect(p.ibc, m.ibc, "PROCESSOR ibc");
        expect(memcmp(p.fac_list, m.fac_list, sizeof(p.fac_list)), 0, "PROCESSOR fac_list");
      } else if (a == 1) {
        expect(out.ibc, m.mach_ibc, "MACHINE ibc");
        expect(memcmp(out.fac_mask, m.fac_mask, sizeof(m.fac_mask)), 0, "MACHINE fac_mask");
      } else if (a == 2) {
        expect(memcmp(&out, &m.feat, sizeof(m.feat)), 0, "PROCESSOR_FEAT");
      } else if (a == 3) {
        expect(memcmp(&out, &m.mach_feat, sizeof(m.mach_feat)), 0, "MACHINE_FEAT");
      } else if (a == 4) {
        expect(memcmp(&out, &m.subfunc, sizeof(m.subfunc)), 0, "PROCESSOR_SUBFUNC");
      }
      return;
    }
    int want = 0;
    int r;
    if (a == 0) {
      static CpuProcessor p;
      memcpy(p.fac_list, m.fac_list, sizeof(p.fac_list));
      p.cpuid = in.u64();
      const uint8_t x = in.u8();
      const uint16_t lowest = (m.mach_ibc >> 16) & 0xfff, unblocked = m.mach_ibc & 0xfff;
      static const uint16_t ib[] = {0, 1, 0xfff, 0xffff};
      p.ibc = x % 8 < 4 ? ib[x % 4] : x % 8 == 4 ? lowest : x % 8 == 5 ? unblocked : in.u16();
      // a facility off or on: 72, 76, 139, 11, or any
      static const unsigned facs[] = {72, 76, 139, 11};
      const unsigned nr = x >> 5 < 4 ? facs[x >> 5] : in.u8() * 8u + (x & 7);
      if (x & 0x10) {
        Model::set_bit_in(p.fac_list, nr, m.fac_bytes);
      } else {
        uint8_t tmp[2048] = {};
        Model::set_bit_in(tmp, nr, m.fac_bytes);
        for (int i = 0; i < 2048; i++) p.fac_list[i] &= ~tmp[i];
      }
      const bool nomem = (b & 3) == 2;
      if (nomem) host::fail_allocation_after(0);
      r = vattr(op, kGrpCpuModel, a, fault ? kBadAddr : up(&p));
      host::fail_allocation_after(-1);
      T("  PROCESSOR set ibc %#x fac %u %s%s: %d\n", p.ibc, nr, x & 0x10 ? "on" : "off",
        nomem ? " (no memory)" : "", r);
      if (m.vcpus) {
        want = -EBUSY;
      } else if (nomem && r == -ENOMEM) {
        want = -ENOMEM;
      } else if (fault) {
        want = -EFAULT;
      } else {
        m.cpuid = p.cpuid;
        if (lowest && p.ibc)
          m.ibc = p.ibc > unblocked ? unblocked : p.ibc < lowest ? lowest : p.ibc;
        memcpy(m.fac_list, p.fac_list, sizeof(m.fac_list));
      }
    } else if (a == 2) {
      CpuFeat f = m.mach_feat;
      const uint8_t x = in.u8();
      if (x & 1) f.feat[(x >> 1) % 16] ^= 1ull << (x >> 3) % 64;  // maybe one unavailable
      if (x & 0x80) f.feat[0] &= in.u64();
      r = vattr(op, kGrpCpuModel, a, fault ? kBadAddr : up(&f));
      T("  PROCESSOR_FEAT set: %d\n", r);
      bool subset = true;
      for (int i = 0; i < 16; i++)
        if (f.feat[i] & ~m.mach_feat.feat[i]) subset = false;
      if (fault)
        want = -EFAULT;
      else if (!subset)
        want = -EINVAL;
      else if (m.vcpus)
        want = -EBUSY;
      else
        m.feat = f;
    } else if (a == 4) {
      CpuSubfunc s = {};
      const uint8_t x = in.u8();
      for (int i = 0; i < 8; i++) s.b[(x + i * 37) % 2048] = in.u8();
      r = vattr(op, kGrpCpuModel, a, fault ? kBadAddr : up(&s));
      T("  PROCESSOR_SUBFUNC set: %d\n", r);
      if (m.vcpus) {
        want = -EBUSY;
      } else if (fault) {
        want = -EFAULT;
      } else {
        m.subfunc = s;
        m.subfunc_written = true;
      }
    } else {
      uint8_t x[8] = {};
      r = vattr(op, kGrpCpuModel, a, up(x));
      T("  CPU_MODEL set %llu: %d\n", (unsigned long long)a, r);
      want = -ENXIO;
    }
    expect(r, want, "CPU_MODEL set");
  }

  void op_migration(Input& in, uint8_t b) {
    const uint64_t a = (b >> 4) % 4;  // 3: none
    const kx_attr_op op = static_cast<kx_attr_op>(((b >> 2) & 3) % 3);
    const bool fault = (b & 3) == 3;
    if (op == KX_ATTR_HAS) {
      // differences.rst: STOP, START and STATUS only (api.rst 4.81; 6.1: 0)
      expect(vattr(op, kGrpMigration, a, 0), a <= 2 ? 0 : -ENXIO, "MIGRATION has");
      return;
    }
    if (op == KX_ATTR_GET) {
      uint64_t v = 0x5a5a;
      const int r = vattr(op, kGrpMigration, a, fault ? kBadAddr : up(&v));
      T("  MIGRATION get %llu: %d %llu\n", (unsigned long long)a, r, (unsigned long long)v);
      expect(r, a != 2 ? -ENXIO : fault ? -EFAULT : 0, "MIGRATION get");
      if (!r) expect(v, m.migration, "MIGRATION_STATUS");
      return;
    }
    const int r = vattr(op, kGrpMigration, a, 0);
    T("  MIGRATION set %llu: %d\n", (unsigned long long)a, r);
    int want = 0;
    if (a == 1) {  // START
      // vm.rst 5.2: "Dirty tracking must be enabled on all memslots, else
      // -EINVAL" (6.1 checks the slots only with CMMA on).
      if (!m.migration) {
        if ((m.slot_dirty[0] < 0 && m.slot_dirty[1] < 0) || m.slot_dirty[0] == 0 ||
            m.slot_dirty[1] == 0)
          want = -EINVAL;
        else
          m.migration = true;
      }
    } else if (a == 0) {
      m.migration = false;
    } else {
      want = -ENXIO;
    }
    expect(r, want, "MIGRATION set");
    (void)in;
  }

  void op_topology(Input& in, uint8_t b) {
    const kx_attr_op op = static_cast<kx_attr_op>(((b >> 2) & 3) % 3);
    const bool on = m.fac(11);
    if (op == KX_ATTR_HAS) {
      expect(vattr(op, kGrpCpuTopology, b >> 4, 0), on ? 0 : -ENXIO, "CPU_TOPOLOGY has");
      return;
    }
    if (op == KX_ATTR_SET) {
      const uint64_t v = b & 0x80 ? in.u64() : (b >> 4) & 1;
      const int r = vattr(op, kGrpCpuTopology, v, 0);
      T("  CPU_TOPOLOGY set %#llx: %d\n", (unsigned long long)v, r);
      expect(r, on ? 0 : -ENXIO, "CPU_TOPOLOGY set");
      if (on) m.mtcr = v != 0;
      return;
    }
    uint8_t v[2] = {0x5a, 0x5a};
    const bool fault = b & 0x80;
    const int r = vattr(op, kGrpCpuTopology, 0, fault ? kBadAddr : up(v));
    T("  CPU_TOPOLOGY get: %d %u\n", r, v[0]);
    expect(r, !on ? -ENXIO : fault ? -EFAULT : 0, "CPU_TOPOLOGY get");
    if (!r) {
      expect(v[0], m.mtcr, "CPU_TOPOLOGY mtcr");
      expect(v[1], 0x5a, "CPU_TOPOLOGY is one byte");
    }
  }

  // Slot 0: 1 MiB at 0, with or without dirty logging, or deleted; slot 1
  // (b & 4) made anew where kvm_arch_prepare_memory_region() may refuse
  // it: a user address or size not on 1 MiB, past the memory limit.
  void op_slot(Input& in) {
    const uint8_t b = in.u8();
    if (!ram) ram = static_cast<uint8_t*>(aligned_alloc(kRamSize, 3 * kRamSize));
    const int slot = b & 4 ? 1 : 0;
    const uint32_t flags = b & 1 ? KX_MEM_LOG_DIRTY_PAGES : 0u;
    kx_memory_region mr = {0, flags, 0, b & 2 || m.slot_dirty[0] < 0 ? kRamSize : 0, up(ram)};
    int want = 0;
    if (slot == 1) {
      if (m.slot_dirty[1] >= 0) {  // deleted first
        kx_memory_region del = {1, 0, m.slot1_gpa, 0, up(ram) + kRamSize};
        expect(kx_vm_set_memory_region(vm, &del), 0, "slot 1 deleted");
        m.slot_dirty[1] = -1;
      }
      static const uint64_t gpas[] = {1ull << 20, 0x7ff00000, 0x80000000, (1ull << 42) - kRamSize,
                                      1ull << 42, 1ull << 53, 0x40000000};
      mr.slot = 1;
      mr.guest_phys_addr = gpas[in.u8() % 7];
      mr.memory_size = b & 0x40 ? 4096 : kRamSize * (1 + (b >> 7));
      mr.userspace_addr = up(ram) + kRamSize + (b & 0x20 ? 4096 : 0);
      // Slots off 1 MiB: kvm_ext takes them (userspace-api.rst; 6.1
      // refuses them), seed-slot-not-on-1mib.
      if (mr.guest_phys_addr + mr.memory_size > m.mem_limit) want = -EINVAL;
    }
    const int r = kx_vm_set_memory_region(vm, &mr);
    T("  slot %d at %#llx size %#llx flags %u%s: %d\n", slot,
      (unsigned long long)mr.guest_phys_addr, (unsigned long long)mr.memory_size, flags,
      mr.userspace_addr & 0xfffff ? " (user address off 1 MiB)" : "", r);
    expect(r, want, "KVM_SET_USER_MEMORY_REGION");
    if (r) return;
    if (mr.memory_size == 0) {
      m.slot_dirty[slot] = -1;
      return;
    }
    if (slot == 1) m.slot1_gpa = mr.guest_phys_addr;
    // kvm_arch_prepare_memory_region(): a slot without dirty logging
    // (a new one, or its flags changed) stops migration mode.
    // (Setting a slot as it is changes nothing.)
    if (!(flags & KX_MEM_LOG_DIRTY_PAGES) && m.slot_dirty[slot] != 0) m.migration = false;
    m.slot_dirty[slot] = (flags & KX_MEM_LOG_DIRTY_PAGES) ? 1 : 0;
  }

  void op_vm_attr(Input& in) {
    const uint8_t g = in.u8();
    const uint8_t b = in.u8();
    switch (g % 8) {
      case 0:
        return op_mem_ctrl(in, b);
      case 1:
        return op_tod(in, b);
      case 2:
        return op_crypto(in, b);
      case 3:
      case 4:
        return op_cpu_model(in, b);
      case 5:
        return op_migration(in, b);
      case 6:
        return op_topology(in, b);
      default: {
        if (b & 1) return op_slot(in);
        const uint32_t grp = 6 + (b >> 1) % 4;
        uint64_t x = 0;
        for (int op = 0; op < 3; op++) {
          const int r = vattr(static_cast<kx_attr_op>(op), grp, b >> 4, up(&x));
          T("  VM attr %d group %u: %d\n", op, grp, r);
          expect(r, -ENXIO, "VM attr, unknown group");
        }
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = false;
  if (!init) {
    expect(kx_core_init(), 0, "core init");
    unsigned int type;
    const kx_device_ops* ops;
    bool flic = false;
    for (unsigned i = 0; kx_builtin_device(KX_S390, i, &type, &ops) == 0; i++) {
      if (type == kDevFlic) {
        expect(kx_register_device_ops(KX_S390, type, ops), 0, "FLIC device type");
        flic = true;
      }
    }
    if (!flic) fail("s390 has no built-in FLIC");
    init = true;
  }
  Input in{data, size};
  const long live = host::live_allocations();
  {
    Harness h;
    if (!h.make_vm(in)) return 0;
    h.compare("after creation");
    for (int ops = 0; ops < 128 && in.n; ops++) {
      const uint8_t op = in.u8();
      T("op %u\n", op % 16);
      switch (op % 16) {
        case 0:
        case 1:
          h.op_enqueue(in);
          break;
        case 2:
        case 3:
          h.op_interrupt(in);
          break;
        case 4:
          h.op_get_all(in);
          break;
        case 5:
          h.op_clear(in);
          break;
        case 6:
          h.op_adapter(in);
          break;
        case 7:
        case 8:
          h.op_ais(in);
          break;
        case 9:
          h.op_flic_misc(in);
          break;
        case 10:
          h.op_psw(in);
          break;
        case 11:
        case 12:
          h.op_take(in);
          break;
        case 13:
        case 14:
          h.op_vm_attr(in);
          break;
        case 15:
          h.op_cap(in);
          break;
      }
      h.compare("after the operation");
    }
    // At the end: every vCPU takes what it can, the rest cleared.
    if (h.m.vcpus) {
      for (int v = 0; v < kVcpus; v++) {
        for (int i = 0; i < 64 && h.m.next(v) != Model::kNone; i++) {
          const uint8_t b = static_cast<uint8_t>(v);
          Input one{&b, 1};
          h.op_take(one);
        }
      }
      h.compare("after taking everything");
    }
    if (h.dev) {
      expect(h.dattr(KX_ATTR_SET, kClearIrqs, 0, 0), 0, "CLEAR_IRQS at the end");
      h.m.clear_all();
      h.compare("at the end");
    }
    h.release_vm();
    free(h.ram);
  }
  if (host::live_allocations() != live) {
    fprintf(stderr, "s390_fuzzer: live allocations (leak): %ld, before %ld\n",
            host::live_allocations(), live);
    abort();
  }
  return 0;
}
