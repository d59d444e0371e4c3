// SPDX-License-Identifier: GPL-2.0
// kvm_ext_bench_vgic_its_host: the ITS benchmark of vgic_its.c with the
// same core sources built for the host at -O2 and called directly (no
// syscall, no TCG), so that perf can see where the per-entry time goes. Same VM, same
// mapping through the command queue, same ratios; printed by `make bench`
// next to the QEMU numbers (Documentation/performance.rst).
//
// usage: kvm_ext_bench_vgic_its_host [ROUNDS]   (default 5)
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <malloc.h>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include "tools/testing/common/kx_arm64.h"

#include "platform_host.h"

namespace {

constexpr uint64_t kDist = 0x08000000, kRedist = 0x080a0000, kItsBase = 0x08080000;
constexpr uint64_t kRam = 0x40000000;
constexpr uint64_t kProp = 0x0, kPend = 0x10000, kDt = 0x100000, kCt = 0x180000, kCq = 0x190000,
                   kItt = 0x200000, kCqSize = 0x10000;
constexpr uint32_t kBigDevs = 65536, kBigEvents = 32, kBatch = 200000;
constexpr uint64_t kValid = 1ull << 63;
constexpr uint64_t kCtrlReset = 4, kCtrlSave = 1, kCtrlRestore = 2;
constexpr uint32_t kGrpAddr = 0, kGrpCtrl = 4, kGrpItsRegs = 8;
constexpr uint64_t kPmr = 0x6030000000130000ull | 3u << 14 | 4u << 7 | 6u << 3,
                   kIgrpen1 = 0x6030000000130000ull | 3u << 14 | 12u << 7 | 12u << 3 | 7;

double now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

void put64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }

int set64(kx_device* d, uint32_t group, uint64_t a, uint64_t v) {
  kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(&v)};
  return kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&at));
}

struct Vm {
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu = nullptr;
  kx_device *gic = nullptr, *its = nullptr;
  uint8_t* ram = nullptr;
  uint64_t cwriter = 0;
  uint32_t devs = 0, events = 0, queued = 0;
  bool bad = false;

  void access(uint32_t kind, uint64_t addr, uint64_t data) {
    kx_guest_access a = {kind, 1u, addr, 8, 0, data};
    kx_exit e = {};
    if (kx_vcpu_guest_access(vcpu, &a, &e) || a.result != KX_ACCESS_RESULT_KERNEL) bad = true;
  }
  void mmio(uint64_t addr, uint32_t len, uint64_t data) {
    kx_guest_access a = {KX_ACCESS_MEM, 1u, addr, len, 0, data};
    kx_exit e = {};
    if (kx_vcpu_guest_access(vcpu, &a, &e) || a.result != KX_ACCESS_RESULT_KERNEL) bad = true;
  }
  void kick() {
    queued = 0;
    mmio(kItsBase + 0x88, 8, cwriter);
  }
  void cmd(uint64_t d0, uint64_t d1, uint64_t d2) {
    uint8_t* q = ram + kCq + cwriter;
    put64(q, d0);
    put64(q + 8, d1);
    put64(q + 16, d2);
    put64(q + 24, 0);
    cwriter = (cwriter + 32) % kCqSize;
    if (++queued == 1024) kick();
  }

  bool up(uint32_t nr_devs, uint32_t nr_events) {
    devs = nr_devs;
    events = nr_events;
    uint32_t bits = 0;
    while ((1u << bits) < events) bits++;
    const uint64_t size = (kItt + uint64_t{devs} * events * 8 + 0xffff) & ~0xffffull;
    ram = static_cast<uint8_t*>(std::aligned_alloc(4096, size));
    if (!ram) return false;
    memset(ram, 0, size);
    kx_memory_region m = {0, 0, kRam, size, reinterpret_cast<uintptr_t>(ram)};
    unsigned int f[7] = {};
    if (kx_vm_create(KX_ARM64, 0, nullptr, &vm) || kx_vm_set_memory_region(vm, &m) ||
        kx_vm_create_vcpu(vm, 0, &vcpu) || kx_vcpu_arm64_init(vcpu, 5, f) ||
        kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_V3, 0, &gic) ||
        kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_ITS, 0, &its) ||
        set64(gic, kGrpAddr, 2, kDist) || set64(gic, kGrpAddr, 3, kRedist) ||
        set64(its, kGrpAddr, 4, kItsBase) || set64(gic, kGrpCtrl, 0, 0))
      return false;
    kx_run r = {};
    r.immediate_exit = 1;
    if (kx_vcpu_run(vcpu, &r) != -EINTR) return false;
    memset(ram + kProp, 0xa1, 0x10000 - 8192);
    mmio(kDist, 4, 2);
    access(KX_ACCESS_SYSREG, kPmr, 0xff);
    access(KX_ACCESS_SYSREG, kIgrpen1, 1);
    mmio(kRedist + 0x70, 8, kRam + kProp + 15);
    mmio(kRedist + 0x78, 8, kRam + kPend);
    mmio(kRedist, 4, 1);
    mmio(kItsBase + 0x100, 8, kValid | (kRam + kDt) | 7);
    mmio(kItsBase + 0x108, 8, kValid | (kRam + kCt));
    mmio(kItsBase + 0x80, 8, kValid | (kRam + kCq) | 15);
    mmio(kItsBase, 4, 1);
    cmd(0x09, 0, kValid);
    for (uint32_t d = 0; d < devs; d++) {
      cmd(0x08 | uint64_t{d} << 32, bits ? bits - 1 : 0,
          kValid | (kRam + kItt + uint64_t{d} * events * 8));
      for (uint32_t e = 0; e < events; e++) {
        const uint32_t lpi =
            8192 + static_cast<uint32_t>((uint64_t{d} * events + e) % (65536 - 8192));
        cmd(0x0a | uint64_t{d} << 32, e | uint64_t{lpi} << 32, 0);
      }
    }
    kick();
    return !bad;
  }
  int msi(uint32_t devid, uint32_t event) {
    kx_msi m = {static_cast<uint32_t>(kItsBase + 0x10040), 0, event, 1, devid};
    return kx_vm_signal_msi(vm, &m);
  }
  int ctrl(uint64_t what) { return set64(its, kGrpCtrl, what, 0); }
};

double msi_batch(Vm& v, uint32_t* seed, bool random, uint32_t* pos, int* bad) {
  const uint32_t n = v.devs * v.events;
  const double t0 = now_ns();
  for (uint32_t i = 0; i < kBatch; i++) {
    const uint32_t r = *seed = *seed * 1664525u + 1013904223u, k = *pos;
    *pos = (k + 1) % n;
    if (random)
      *bad += v.msi((r >> 8) % v.devs, (r >> 3) % v.events) != 1;
    else
      *bad += v.msi(k / v.events, k % v.events) != 1;
  }
  return (now_ns() - t0) / kBatch;
}

double median(double* v, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
      const double t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 5;
  const size_t bytes = size_t{kBigDevs} * kBigEvents * 8 + size_t{kBigDevs} * 8;
  // As the kernel: memory that is not zeroed is not poisoned either, and
  // what a reset frees stays with the process (a fresh page costs a fault
  // here, where the kernel takes pages it already has).
  host::poison_uninit(false);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  if (rounds < 1 || rounds > 100 || kx_core_init() ||
      kx_register_device_ops(KX_ARM64, KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops) ||
      kx_register_device_ops(KX_ARM64, KX_DEV_TYPE_ARM_VGIC_ITS, &kx_vgic_its_device_ops))
    return 1;
  Vm one, big;
  double t0 = now_ns();
  if (!one.up(1, 1) || !big.up(kBigDevs, kBigEvents)) {
    fprintf(stderr, "ITS setup failed\n");
    return 1;
  }
  const double setup = (now_ns() - t0) / 1e9;
  uint8_t* src = static_cast<uint8_t*>(malloc(bytes));
  if (!src) return 1;
  memset(src, 0x5a, bytes);
  double m1[100], mbig[100], mseq[100], save[100], restore[100], copy[100];
  uint32_t seed = 1, pos1 = 0, pos = 0;
  int bad = 0;
  for (int i = 0; i < rounds; i++) {
    m1[i] = msi_batch(one, &seed, true, &pos1, &bad);
    mbig[i] = msi_batch(big, &seed, true, &pos, &bad);
    mseq[i] = msi_batch(big, &seed, false, &pos, &bad);
    t0 = now_ns();
    bad += big.ctrl(kCtrlSave) != 0;
    save[i] = now_ns() - t0;
    bad += big.ctrl(kCtrlReset) != 0;
    bad += set64(big.its, kGrpItsRegs, 0x100, kValid | (kRam + kDt) | 7) != 0;
    bad += set64(big.its, kGrpItsRegs, 0x108, kValid | (kRam + kCt)) != 0;
    bad += set64(big.its, kGrpItsRegs, 0x80, kValid | (kRam + kCq) | 15) != 0;
    t0 = now_ns();
    bad += big.ctrl(kCtrlRestore) != 0;
    restore[i] = now_ns() - t0;
    bad += set64(big.its, kGrpItsRegs, 0x0, 1) != 0;
    bad += big.msi(kBigDevs - 1, kBigEvents - 1) != 1;
    t0 = now_ns();
    memcpy(big.ram + kItt, src, bytes - size_t{kBigDevs} * 8);
    memcpy(big.ram + kDt, src, size_t{kBigDevs} * 8);
    copy[i] = now_ns() - t0;
    bad += big.ctrl(kCtrlSave) != 0;
  }
  if (bad) {
    fprintf(stderr, "%d timed operations failed\n", bad);
    return 1;
  }
  const double a = median(m1, rounds), b = median(mbig, rounds), q = median(mseq, rounds),
               s = median(save, rounds), r = median(restore, rounds), c = median(copy, rounds);
  printf("ITS, host build of the core (-O2, %d rounds, medians; setup %.1f s):\n", rounds, setup);
  printf("  MSI 1 x 1 %.0f ns, %u x %u random %.0f ns, in order %.0f ns: ratios %.2f, %.2f\n", a,
         kBigDevs, kBigEvents, b, q, b / a, q / a);
  printf("  SAVE_TABLES %.2f ms + RESTORE_TABLES %.2f ms vs memcpy %.2f ms: ratio %.2f\n", s / 1e6,
         r / 1e6, c / 1e6, (s + r) / c);
  return 0;
}
