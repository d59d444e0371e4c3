// SPDX-License-Identifier: GPL-2.0
// vgic_its_fuzzer: libFuzzer over the ITS (arch/arm64/vgic/its.cpp) in the
// host build of the core: random command queues and random table images,
// with the test as the guest and the VMM (devices/arm-vgic-its.rst).
//
//   make -C tools/testing/fuzz O=DIR            -> DIR/vgic_its_fuzzer
//   tools/testing/fuzz/run.sh short DIR vgic_its (make check: 30 s)
//
// One input sets up a VM (two vCPUs, a GICv3, one ITS, 8 MiB of guest RAM
// with the LPI tables, a flat or two-level device table, a collection
// table and a queue), then runs operations: a batch of commands decoded
// from the input (mostly well-formed ones over 8 devices, 8 events, 4
// collections, sometimes raw bytes), MSIs, guest register accesses,
// allocation-failure injection, random bytes written over a table in
// guest RAM, and the two table checks below.
//
// What must hold, besides no sanitizer report and no leak (the live
// allocations back to where they were after the VM is gone):
// - KVM_SIGNAL_MSI returns 1, 0 or -EBUSY, and -ENOMEM only under
//   injection; every other call returns what its document allows;
// - a save, a reset and a restore of the ITS give back every translation
//   (over the 8 x 8 grid: what each MSI returns, the INTID the guest then
//   acknowledges, the same as before and the one the saved image maps,
//   and the vCPU that acknowledges it, the one of the image's collection),
//   as long as the tables in guest RAM are what the ITS wrote (no
//   corruption since, no overlapping ITTs);
// - a restore that fails changes no translation (nothing half-restored).
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint64_t kDist = 0x08000000, kRedist = 0x080a0000, kIts = 0x08080000;
constexpr uint64_t kRam = 0x40000000, kRamSize = 8ull << 20;
constexpr uint64_t kProp = 0x0, kPend = 0x10000, kDt = 0x40000, kL2 = 0x50000, kCt = 0x70000,
                   kCq = 0x80000, kItt = 0x100000;  // 8 ITTs of 512 KiB
constexpr uint64_t kValid = 1ull << 63, kIndirect = 1ull << 62;
constexpr int kDevs = 8, kEvents = 8;
// GRP_CTRL: KVM_DEV_ARM_ITS_SAVE_TABLES, _RESTORE_TABLES, _CTRL_RESET, and
// the GIC's KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES.
constexpr uint64_t kSave = 1, kRestore = 2, kReset = 4, kSavePending = 3;

struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t u8() { return n ? (n--, *p++) : 0; }
  uint32_t u32() { return u8() | u8() << 8 | u8() << 16 | uint32_t{u8()} << 24; }
  uint64_t u64() { return u32() | uint64_t{u32()} << 32; }
};

// ITS_TRACE=1 prints each decoded operation (a reproducer's story).
bool trace() {
  static const bool on = getenv("ITS_TRACE") != nullptr;
  return on;
}

void check(bool ok, const char* what, long got) {
  if (ok) return;
  fprintf(stderr, "vgic_its_fuzzer: %s (got %ld)\n", what, got);
  abort();
}

struct Harness {
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu[2] = {};
  kx_device* gic = nullptr;
  kx_device* its = nullptr;
  uint8_t* ram = nullptr;
  uint64_t cwriter = 0;
  bool indirect = false;
  bool tables_pristine = true;  // guest RAM holds only what the ITS wrote
  bool injecting = false;

  static int attr(kx_device* d, kx_attr_op op, uint32_t grp, uint64_t a, void* v) {
    kx_attr at = {0, grp, a, reinterpret_cast<uintptr_t>(v)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int set64(kx_device* d, uint32_t grp, uint64_t a, uint64_t v) {
    return attr(d, KX_ATTR_SET, grp, a, &v);
  }
  uint64_t mmio(uint64_t addr, uint32_t len, bool write, uint64_t data = 0, int v = 0) {
    kx_guest_access a = {KX_ACCESS_MEM, write ? 1u : 0u, addr, len, 0, data};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
    check(r == 0 || (injecting && r == -ENOMEM), "guest access", r);
    return a.data;
  }
  uint64_t icc(int v, uint32_t crn, uint32_t crm, uint32_t op2, bool write, uint64_t val = 0) {
    kx_guest_access a = {KX_ACCESS_SYSREG,
                         write ? 1u : 0u,
                         0x6030000000130000ull | 3u << 14 | crn << 7 | crm << 3 | op2,
                         8,
                         0,
                         val};
    kx_exit e = {};
    // A read that fails reads as no interrupt (ICC_IAR1_EL1's 1023).
    if (kx_vcpu_guest_access(vcpu[v], &a, &e) && !write) return 1023;
    return a.data;
  }

  bool up(bool two_level) {
    indirect = two_level;
    ram = static_cast<uint8_t*>(aligned_alloc(4096, kRamSize));
    if (!ram) return false;
    memset(ram, 0, kRamSize);
    if (kx_vm_create(KX_ARM64, 0, nullptr, &vm)) return false;
    kx_memory_region m = {0, 0, kRam, kRamSize, reinterpret_cast<uintptr_t>(ram)};
    check(kx_vm_set_memory_region(vm, &m) == 0, "memslot", 0);
    for (int i = 0; i < 2; i++) {
      unsigned f[7] = {};
      check(kx_vm_create_vcpu(vm, i, &vcpu[i]) == 0, "vcpu", i);
      check(kx_vcpu_arm64_init(vcpu[i], 5, f) == 0, "vcpu init", i);
    }
    check(kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_V3, 0, &gic) == 0, "gic", 0);
    check(set64(gic, 0, 2, kDist) == 0 && set64(gic, 0, 3, kRedist) == 0, "gic frames", 0);
    check(kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_ITS, 0, &its) == 0, "its", 0);
    check(set64(its, 0, 4, kIts) == 0, "its frame", 0);
    check(set64(gic, 4, 0, 0) == 0, "gic init", 0);
    kx_run r = {};
    r.immediate_exit = 1;
    check(kx_vcpu_run(vcpu[0], &r) == -EINTR, "first run", 0);
    mmio(kDist, 4, true, 2);
    memset(ram + kProp, 0xa1, 0x10000 - 8192);
    for (int i = 0; i < 2; i++) {
      icc(i, 4, 6, 0, true, 0xff);  // PMR
      icc(i, 12, 12, 7, true, 1);   // IGRPEN1
      const uint64_t rd = kRedist + i * 0x20000ull;
      mmio(rd + 0x70, 8, true, kRam + kProp + 15, i);
      mmio(rd + 0x78, 8, true, kRam + kPend + i * 0x10000ull, i);
      mmio(rd, 4, true, 1, i);
    }
    if (indirect) {
      // L1 entries 0 and 1 valid: DeviceIDs 0-16383.
      for (int i = 0; i < 2; i++) put64(kDt + i * 8, kValid | (kRam + kL2 + i * 0x10000ull));
    }
    regs_up();
    return true;
  }
  void regs_up() {
    mmio(kIts + 0x100, 8, true, kValid | (indirect ? kIndirect : 0) | (kRam + kDt));
    mmio(kIts + 0x108, 8, true, kValid | (kRam + kCt));
    mmio(kIts + 0x80, 8, true, kValid | (kRam + kCq) | 15);
    cwriter = 0;
    mmio(kIts, 4, true, 1);
  }
  void put64(uint64_t off, uint64_t v) {
    for (int i = 0; i < 8; i++) ram[off + i] = static_cast<uint8_t>(v >> (8 * i));
  }
  void down() {
    if (vm) kx_vm_put(vm);
    free(ram);
  }

  int msi(uint32_t dev, uint32_t ev) {
    kx_msi m = {static_cast<uint32_t>(kIts), 0, ev, 1, dev};
    const int r = kx_vm_signal_msi(vm, &m);
    check(r == 0 || r == 1 || r == -EBUSY || (injecting && r == -ENOMEM), "KVM_SIGNAL_MSI", r);
    return r;
  }
  // One translation as the guest sees it: what KVM_SIGNAL_MSI returned,
  // then the INTID the vCPUs acknowledged (ICC_IAR1_EL1) and the vCPU
  // that did (1023 and -1: none).
  struct Seen {
    int ret;
    uint32_t intid;
    int vcpu;
    bool operator==(const Seen& o) const {
      return ret == o.ret && intid == o.intid && vcpu == o.vcpu;
    }
  };
  // Acknowledges and ends (ICC_EOIR1_EL1) what vCPU v has pending, at
  // most `limit` interrupts; the first INTID into *first, the count
  // returned.
  int take(int v, uint32_t* first, int limit = kDevs * kEvents) {
    int n = 0;
    for (; n < limit; n++) {
      const uint64_t intid = icc(v, 12, 12, 0, false);
      if (intid == 1023) break;
      if (!n) *first = static_cast<uint32_t>(intid);
      icc(v, 12, 12, 1, true, intid);
    }
    return n;
  }
  // The translations, as the guest sees them: whatever is pending is
  // taken first, then each MSI alone, and what it made pending is taken
  // before the next one, so that each INTID and vCPU is that MSI's.
  void grid(Seen out[kDevs][kEvents]) {
    uint32_t ignored;
    for (int v = 0; v < 2; v++) take(v, &ignored, 1 << 16);
    for (int d = 0; d < kDevs; d++)
      for (int e = 0; e < kEvents; e++) {
        Seen& s = out[d][e];
        s = {msi(d, e), 1023, -1};
        for (int v = 0; v < 2; v++) {
          uint32_t intid = 1023;
          if (take(v, &intid) && s.vcpu < 0) {
            s.intid = intid;
            s.vcpu = v;
          }
        }
      }
  }
  static void report(int d, int e, const Seen& a, const Seen& b) {
    fprintf(stderr,
            "vgic_its_fuzzer: device %d event %d: before: MSI %d, INTID %u on vCPU %d; "
            "after: MSI %d, INTID %u on vCPU %d\n",
            d, e, a.ret, a.intid, a.vcpu, b.ret, b.intid, b.vcpu);
  }
  // Nothing changed in between: every translation the same.
  static void same_grid(const Seen (&a)[kDevs][kEvents], const Seen (&b)[kDevs][kEvents],
                        const char* what, long got) {
    for (int d = 0; d < kDevs; d++)
      for (int e = 0; e < kEvents; e++) {
        if (a[d][e] == b[d][e]) continue;
        report(d, e, a[d][e], b[d][e]);
        check(false, what, got);
      }
  }

  // The saved image (ABI REV0), read back from guest RAM as the restore
  // walks it: DTEs from DeviceID 0 and each ITT from EventID 0 following
  // the next fields, CTEs until an invalid one.
  struct Image {
    struct Entry {
      bool valid;
      uint32_t lpi;
      uint32_t icid;
    } ite[kDevs][kEvents];
    uint32_t lpis[kDevs * 64];  // every ITE's LPI, also past the grid's events
    int nr_lpis;
    int target[4];  // by ICID: the CTE's vCPU, -1 for none or unmapped
    int refs(uint32_t lpi) const {
      int n = 0;
      for (int i = 0; i < nr_lpis; i++) n += lpis[i] == lpi;
      return n;
    }
  };
  uint64_t get64(uint64_t gpa) const {
    uint64_t v = 0;
    if (gpa < kRam || gpa + 8 > kRam + kRamSize) return 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | ram[gpa - kRam + i];
    return v;
  }
  void read_image(Image* img) const {
    memset(img, 0, sizeof(*img));
    for (int& t : img->target) t = -1;
    for (uint64_t off = 0; off < 4096; off += 8) {
      const uint64_t cte = get64(kRam + kCt + off);
      if (!(cte & kValid)) break;
      const uint32_t rd = static_cast<uint32_t>(cte >> 16), icid = cte & 0xffff;
      if (icid < 4 && rd < 2) img->target[icid] = static_cast<int>(rd);
    }
    // DeviceIDs 0-7: the flat table, or the first level-2 table.
    uint64_t dt = kRam + kDt;
    if (indirect) dt = get64(dt) & 0xffffffffff000ull;
    for (uint32_t d = 0; d < kDevs;) {
      const uint64_t dte = get64(dt + d * 8ull);
      if (!(dte & kValid)) {
        d++;
        continue;
      }
      const uint32_t next = (dte >> 49) & 0x3fff, nr = 1u << ((dte & 0x1f) + 1);
      const uint64_t itt = ((dte >> 5) & 0xfffffffffffull) << 8;
      for (uint32_t e = 0; e < nr && e < 64;) {
        const uint64_t ite = get64(itt + e * 8ull);
        const uint32_t lpi = static_cast<uint32_t>(ite >> 16);
        if (!lpi) {
          e++;
          continue;
        }
        if (e < kEvents) img->ite[d][e] = {true, lpi, static_cast<uint32_t>(ite & 0xffff)};
        img->lpis[img->nr_lpis++] = lpi;
        const uint32_t step = ite >> 48;
        if (!step) break;
        e += step;
      }
      if (!next) break;
      d += next;
    }
  }
  // After a save, a reset and a restore: each MSI returns what it did,
  // the LPI it made pending before is the one it makes pending now, and
  // it is the image's LPI, on the vCPU of the image's collection. The
  // vCPU is checked against the image, not against before: an LPI keeps
  // the target it had when it was made (or MOVALL gave it), the restore
  // makes it afresh from its collection. An LPI that several ITEs share
  // gets the target of the first one the restore meets (as 6.1), so for
  // those only the LPI is checked.
  void same_translations(const Seen (&a)[kDevs][kEvents], const Seen (&b)[kDevs][kEvents],
                         const Image& img) {
    for (int d = 0; d < kDevs; d++)
      for (int e = 0; e < kEvents; e++) {
        const Seen &was = a[d][e], &now = b[d][e];
        const Image::Entry& t = img.ite[d][e];
        const bool shared = t.valid && img.refs(t.lpi) > 1;
        const int target = t.valid && t.icid < 4 ? img.target[t.icid] : -1;
        const char* wrong = nullptr;
        if (now.ret != was.ret)
          wrong = "round trip: KVM_SIGNAL_MSI";
        else if (was.vcpu >= 0 && !shared && now.intid != was.intid)
          wrong = "round trip: another INTID";
        else if (now.vcpu >= 0 && !(t.valid && now.intid == t.lpi))
          wrong = "round trip: an INTID the image does not map";
        else if (now.ret >= 0 && t.valid && !shared && now.vcpu != target)
          wrong = "round trip: not the vCPU of the image's collection";
        if (!wrong) continue;
        report(d, e, was, now);
        fprintf(stderr, "vgic_its_fuzzer: the image: %s LPI %u, ICID %u (vCPU %d)%s\n",
                t.valid ? "ITE" : "no ITE", t.lpi, t.icid, target, shared ? ", shared" : "");
        check(false, wrong, 0);
      }
  }

  void command(Input& in) {
    uint64_t c[4];
    const uint8_t kind = in.u8();
    if (kind < 16) {  // raw bytes: any address, any ID
      for (auto& w : c) w = in.u64();
      tables_pristine = false;
    } else {
      static const uint8_t codes[] = {0x08, 0x09, 0x0a, 0x0b, 0x01, 0x0f,
                                      0x04, 0x0e, 0x03, 0x0c, 0x0d, 0x05};
      const uint8_t code = codes[kind % sizeof(codes)];
      const uint8_t a = in.u8(), b = in.u8();
      const uint32_t dev = a % kDevs, ev = (a >> 3) % kEvents, icid = b % 4, target = (b >> 2) % 3;
      const uint32_t lpi = 8192 + (in.u8() | (b & 0x30) << 4);
      const bool valid = !(b & 0x40);
      uint32_t bits = (a >> 6) + 3;
      uint64_t itt = kRam + kItt + dev * 0x80000ull;
      if ((b & 0x80) && (a & 1)) {  // rarely: an ITT elsewhere, or too many bits
        itt = kRam + kItt + (in.u8() % kDevs) * 0x80000ull + (in.u8() & 0xf0) * 8;
        bits = in.u8() % 18 + 1;
        tables_pristine = false;
      }
      c[0] = code | uint64_t{dev} << 32;
      c[1] = code == 0x08 ? bits - 1 : ev | uint64_t{lpi} << 32;
      c[2] = (valid ? kValid : 0) | icid | (code == 0x08 ? itt : uint64_t{target} << 16);
      c[3] = static_cast<uint64_t>((b >> 4) % 3) << 16;  // MOVALL's second target
    }
    if (trace())
      fprintf(stderr, "  cmd %016llx %016llx %016llx %016llx\n", (unsigned long long)c[0],
              (unsigned long long)c[1], (unsigned long long)c[2], (unsigned long long)c[3]);
    uint8_t* q = ram + kCq + cwriter;
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 8; j++) q[i * 8 + j] = static_cast<uint8_t>(c[i] >> (8 * j));
    cwriter = (cwriter + 32) % 0x10000;
  }

  // Save, reset, restore: the same translations.
  void round_trip() {
    Seen before[kDevs][kEvents], after[kDevs][kEvents];
    // Tables the VMM or a raw command put elsewhere may not be in RAM.
    const bool pristine = tables_pristine;
    grid(before);
    int r = set64(its, 4, kSave, 0);
    check(r == 0 || (injecting && r == -ENOMEM) || (!pristine && (r == -EFAULT || r == -EINVAL)),
          "SAVE_TABLES", r);
    if (r) return;
    Image image;
    read_image(&image);
    check(set64(its, 4, kReset, 0) == 0, "RESET", 0);
    regs_up();
    // Back to disabled for the restore, as the document's order has it.
    mmio(kIts, 4, true, 0);
    r = set64(its, 4, kRestore, 0);
    check(r == 0 || (injecting && r == -ENOMEM) || (!pristine && (r == -EFAULT || r == -EINVAL)),
          "RESTORE_TABLES of a saved image", r);
    mmio(kIts, 4, true, 1);
    if (r) {
      // The reset ITS has nothing now, and guest RAM still holds the image:
      // a later save of nothing leaves those DTEs there (6.1 does the same).
      tables_pristine = false;
      return;
    }
    grid(after);
    if (pristine) same_translations(before, after, image);
  }

  // Random bytes over a table, then a restore: it works or changes nothing.
  void corrupt_and_restore(Input& in) {
    static const uint64_t where[] = {kDt, kL2, kCt, kItt};
    const uint64_t base = where[in.u8() % 4];
    const uint64_t off = base + (in.u32() % 0x1000) * 8;
    put64(off, in.u64());
    tables_pristine = false;
    Seen before[kDevs][kEvents], after[kDevs][kEvents];
    grid(before);
    mmio(kIts, 4, true, 0);
    const int r = set64(its, 4, kRestore, 0);
    check(r == 0 || r == -EINVAL || r == -EFAULT || (injecting && r == -ENOMEM),
          "RESTORE_TABLES of a corrupted image", r);
    mmio(kIts, 4, true, 1);
    grid(after);
    if (r) same_grid(before, after, "failed restore changed state", r);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = false;
  if (!init) {
    check(kx_core_init() == 0, "core init", 0);
    check(kx_register_device_ops(KX_ARM64, KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops) == 0 &&
              kx_register_device_ops(KX_ARM64, KX_DEV_TYPE_ARM_VGIC_ITS, &kx_vgic_its_device_ops) ==
                  0,
          "device types", 0);
    init = true;
  }
  Input in{data, size};
  const long live = host::live_allocations();
  {
    Harness h;
    if (!h.up(in.u8() & 1)) {
      h.down();
      return 0;
    }
    for (int ops = 0; ops < 64 && in.n; ops++) {
      const uint8_t op = in.u8();
      if (trace()) fprintf(stderr, "op %u (pristine %d)\n", op % 8, h.tables_pristine);
      h.injecting = false;
      host::fail_allocation_after(-1);
      switch (op % 8) {
        case 0:
        case 1: {
          const int n = in.u8() % 24 + 1;
          for (int i = 0; i < n; i++) h.command(in);
          h.mmio(kIts + 0x88, 8, true, h.cwriter);
          break;
        }
        case 2:
          h.msi(in.u8() % (kDevs + 1), in.u8() % (kEvents + 1));
          break;
        case 3: {  // a guest register access anywhere in the frame
          uint32_t off = in.u32() % 0x20000;
          const uint32_t len = 1u << (in.u8() % 4);
          if ((off & 0xfff) + len > 0x1000) off -= len;  // the extension: one page per access
          const bool write = in.u8() & 1;
          const uint64_t val = in.u64();
          if (trace())
            fprintf(stderr, "  guest %s GITS+%#x len %u val %#llx\n", write ? "write" : "read", off,
                    len, static_cast<unsigned long long>(val));
          if (write && (off & ~7u) == 0x80) h.tables_pristine = false;  // CBASER moves the queue
          if (write && off >= 0x100 && off < 0x110) h.tables_pristine = false;
          h.mmio(kIts + off, len, write, val);
          if (write) h.regs_up();
          break;
        }
        case 4:
          h.round_trip();
          break;
        case 5:
          h.corrupt_and_restore(in);
          break;
        case 6:
          h.injecting = true;
          host::fail_allocation_after(in.u8() % 8);
          h.round_trip();
          break;
        case 7: {
          const int r = h.set64(h.gic, 4, kSavePending, 0);  // SAVE_PENDING_TABLES
          check(r == 0, "SAVE_PENDING_TABLES", r);
          break;
        }
      }
    }
    host::fail_allocation_after(-1);
    h.down();
  }
  check(host::live_allocations() == live, "leak", host::live_allocations() - live);
  return 0;
}
