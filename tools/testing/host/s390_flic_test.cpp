// SPDX-License-Identifier: GPL-2.0
// s390's floating interrupts and the FLIC (arch/s390/float_irqs.cpp,
// flic.cpp) through the C ABI: the queue's order and merging, the
// GET_ALL_IRQS/ENQUEUE round trip, adapters and AIS, delivery to a vCPU
// by its PSW mask and control registers, and allocation failure.
#include <gtest/gtest.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"

namespace {

constexpr uint32_t kGetAll = 1, kEnqueue = 2, kClearIrqs = 3, kAdapterRegister = 6,
                   kAdapterModify = 7, kClearIoIrq = 8, kAism = 9, kAirqInject = 10, kAismAll = 11;
constexpr uint64_t kService = 0xffff2401u, kVirtio = 0xffff2603u, kMchk = 0xfffe1000u,
                   kPfaultDone = 0xfffe0005u, kPfaultInit = 0xfffe0004u, kAi = 0x04000000u;
constexpr uint64_t kPswIo = 0x0200000000000000ull, kPswExt = 0x0100000000000000ull,
                   kPswMchk = 0x0004000000000000ull;

struct Irq {
  uint64_t type;
  uint64_t w[8];
};
static_assert(sizeof(Irq) == 72);

// An I/O interrupt: subchannel id/nr, parameter, the ISC in the word.
Irq Io(uint16_t id, uint16_t nr, uint32_t parm, uint32_t isc) {
  Irq i = {};
  i.type = static_cast<uint64_t>(nr) | static_cast<uint64_t>(id) << 16;  // KVM_S390_INT_IO(0,..)
  const uint32_t word = isc << 27;
  i.w[0] = static_cast<uint64_t>(id) | static_cast<uint64_t>(nr) << 16 |
           static_cast<uint64_t>(parm) << 32;
  i.w[1] = word;
  return i;
}
Irq Ext(uint64_t type, uint32_t params, uint64_t params2) {
  Irq i = {};
  i.type = type;
  i.w[0] = params;
  i.w[1] = params2;
  return i;
}

class S390FlicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_S390, KX_DEV_TYPE_FLIC, &kx_flic_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_S390, 0, nullptr, &vm_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_S390, KX_DEV_TYPE_FLIC);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }

  static int Attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, const void* addr,
                  uint32_t flags = 0) {
    kx_attr at = {flags, group, a, reinterpret_cast<uintptr_t>(addr)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  void Flic() { ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_FLIC, 0, &flic_), 0); }
  int Enqueue(const std::vector<Irq>& irqs) {
    return Attr(flic_, KX_ATTR_SET, kEnqueue, irqs.size() * sizeof(Irq), irqs.data());
  }
  std::vector<Irq> All() {
    std::vector<Irq> buf(64);
    const int n = Attr(flic_, KX_ATTR_GET, kGetAll, buf.size() * sizeof(Irq), buf.data());
    EXPECT_GE(n, 0);
    buf.resize(n < 0 ? 0 : n);
    return buf;
  }
  void Register(uint32_t id, uint8_t isc, bool maskable, bool suppressible) {
    const uint8_t a[8] = {static_cast<uint8_t>(id),
                          static_cast<uint8_t>(id >> 8),
                          0,
                          0,
                          isc,
                          maskable,
                          0,
                          suppressible};
    ASSERT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterRegister, 0, a), 0);
  }
  int EnableAis() {
    kx_enable_cap c = {};
    c.cap = KX_CAP_S390_AIS;
    return kx_vm_enable_cap(vm_, &c);
  }
  // A vCPU enabled by PSW mask psw and control registers 0, 6 and 14.
  kx_vcpu* Cpu(uint64_t psw, uint64_t cr0, uint64_t cr6, uint64_t cr14) {
    kx_vcpu* v = nullptr;
    EXPECT_EQ(kx_vm_create_vcpu(vm_, static_cast<unsigned>(cpus_++), &v), 0);
    memcpy(static_cast<uint8_t*>(kx_vcpu_page(v, 0)) + 32, &psw, sizeof(psw));
    struct {
      uint32_t acrs[16];
      uint64_t crs[16];
    } sregs = {};
    sregs.crs[0] = cr0;
    sregs.crs[6] = cr6;
    sregs.crs[14] = cr14;
    EXPECT_EQ(kx_vcpu_ioctl(v, KX_S390_SET_SREGS, reinterpret_cast<uintptr_t>(&sregs)), 0);
    return v;
  }
  // KVM_EXT_ACCESS_INTERRUPT: the type taken (0 with nothing) and its
  // parm/parm64.
  uint64_t Take(kx_vcpu* v, uint64_t* parm = nullptr, uint64_t* parm64 = nullptr) {
    kx_guest_access a = {};
    a.kind = KX_ACCESS_INTERRUPT;
    kx_exit e = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &e), 0);
    if (parm) *parm = a.args[0];
    if (parm64) *parm64 = a.args[1];
    if (a.result == KX_ACCESS_RESULT_NONE) return 0;
    EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL));
    return a.data;
  }

  kx_vm* vm_ = nullptr;
  kx_device* flic_ = nullptr;
  int cpus_ = 0;
  long live_ = 0;
};

// One FLIC per VM; unknown groups -EINVAL for SET and GET, -ENXIO for HAS.
TEST_F(S390FlicTest, OnePerVmAndUnknownGroups) {
  Flic();
  kx_device* again = nullptr;
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_FLIC, 0, &again), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, 12, 0, nullptr), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kEnqueue, 0, nullptr), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_HAS, 12, 0, nullptr), -ENXIO);
  for (uint32_t g = 1; g <= 11; g++) EXPECT_EQ(Attr(flic_, KX_ATTR_HAS, g, 7, nullptr), 0) << g;
}

// get_all_floating_irqs()'s order: I/O by ISC, pfault done, virtio, the
// merged service signal, the merged machine check; adapter interrupts
// (the GISA's bits) first. A small buffer is -ENOMEM and removes nothing.
TEST_F(S390FlicTest, SaveOrderAndMerging) {
  Flic();
  ASSERT_EQ(Enqueue({Io(1, 2, 0x11, 3), Ext(kVirtio, 7, 8), Io(1, 3, 0x12, 0),
                     Ext(kService, 0x1000, 0), Ext(kService, 0x2001, 0), Ext(kPfaultDone, 0, 9),
                     Ext(kMchk, 0x10000000 | 1, 0x40), Ext(kMchk, 0, 0x80)}),
            0);
  Irq ai = Io(0, 0, 0, 5);
  ai.type = kAi;
  ai.w[1] = (5u << 27) | 0x80000000u;
  ASSERT_EQ(Enqueue({ai}), 0);
  std::vector<Irq> small(3);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kGetAll, sizeof(Irq) * 3, small.data()), -ENOMEM);
  const std::vector<Irq> all = All();
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[0].type, kAi);
  EXPECT_EQ(all[0].w[1], (5u << 27) | 0x80000000u);
  EXPECT_EQ(all[1].w[0] >> 32, 0x12u);  // ISC 0 first
  EXPECT_EQ(all[2].w[0] >> 32, 0x11u);
  EXPECT_EQ(all[3].type, kPfaultDone);
  EXPECT_EQ(all[4].type, kVirtio);
  EXPECT_EQ(all[5].type, kService);
  EXPECT_EQ(all[5].w[0], 0x1001u);  // the second SCCB dropped, its event bit kept
  EXPECT_EQ(all[6].type, kMchk);
  EXPECT_EQ(all[6].w[0], 0x10000000u);  // only the channel-report subclass
  EXPECT_EQ(all[6].w[1], 0xc0u);
  EXPECT_EQ(All().size(), 7u);  // reading removed nothing

  // Restored into a fresh VM: the same list.
  kx_vm* other = nullptr;
  ASSERT_EQ(kx_vm_create(KX_S390, 0, nullptr, &other), 0);
  kx_device* f2 = nullptr;
  ASSERT_EQ(kx_vm_create_device(other, KX_DEV_TYPE_FLIC, 0, &f2), 0);
  ASSERT_EQ(Attr(f2, KX_ATTR_SET, kEnqueue, all.size() * sizeof(Irq), all.data()), 0);
  std::vector<Irq> back(16);
  ASSERT_EQ(Attr(f2, KX_ATTR_GET, kGetAll, back.size() * sizeof(Irq), back.data()), 7);
  EXPECT_EQ(memcmp(back.data(), all.data(), 7 * sizeof(Irq)), 0);
  kx_vm_put(other);

  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kClearIrqs, 0, nullptr), 0);
  EXPECT_EQ(All().size(), 0u);
}

// enqueue_floating_irq(): whole entries up to 32 MiB; the first bad one
// ends the call and the earlier ones stay; PFAULT_INIT does not float.
TEST_F(S390FlicTest, EnqueueRules) {
  Flic();
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kEnqueue, 71, nullptr), -EINVAL);
  // The first whole number of entries above KVM_S390_FLIC_MAX_BUFFER.
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kEnqueue, 72 * 466034, nullptr), -EINVAL);
  EXPECT_EQ(Enqueue({Io(1, 1, 1, 1), Ext(0x12345678ffffull, 0, 0), Io(1, 2, 2, 1)}), -EINVAL);
  EXPECT_EQ(All().size(), 1u);
  EXPECT_EQ(Enqueue({Ext(kPfaultInit, 0, 1)}), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kEnqueue, 72, reinterpret_cast<void*>(8)), -EFAULT);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kGetAll, 0, nullptr), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kGetAll, 0x2000001, nullptr), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kGetAll, 72, reinterpret_cast<void*>(8)), -EFAULT);
  EXPECT_EQ(All().size(), 1u);
}

// clear_io_irq(): no flags, four bytes, not 0; the first of that
// subchannel goes.
TEST_F(S390FlicTest, ClearIoIrq) {
  Flic();
  ASSERT_EQ(Enqueue({Io(1, 2, 1, 4), Io(1, 2, 2, 1), Io(3, 4, 3, 1)}), 0);
  const uint32_t schid = 1u << 16 | 2;
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kClearIoIrq, 4, &schid, 1), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kClearIoIrq, 8, &schid), -EINVAL);
  const uint32_t zero = 0;
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kClearIoIrq, 4, &zero), -EINVAL);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kClearIoIrq, 4, &schid), 0);
  const std::vector<Irq> left = All();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].w[0] >> 32, 3u);  // ISC 1's first (parm 2) went
  EXPECT_EQ(left[1].w[0] >> 32, 1u);
}

// Adapters: ids below 64, once each; MASK only if maskable; AIS needs the
// capability; SINGLE mode lets one interrupt through per re-arm.
TEST_F(S390FlicTest, AdaptersAndAis) {
  Flic();
  Register(3, 2, false, true);
  Register(4, 2, true, false);
  const uint8_t dup[8] = {3, 0, 0, 0, 1, 0, 0, 0};
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterRegister, 0, dup), -EINVAL);
  const uint8_t big[8] = {64, 0, 0, 0, 1, 0, 0, 0};
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterRegister, 0, big), -EINVAL);
  uint8_t req[16] = {3, 0, 0, 0, 1 /* MASK */, 1};
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, req), -EINVAL);  // not maskable
  req[0] = 4;
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, req), 0);
  req[4] = 2;  // MAP: a no-op
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, req), 0);
  req[4] = 9;
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, req), -EINVAL);
  req[0] = 5;
  req[4] = 1;
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, req), -EINVAL);  // none there

  const uint8_t single[4] = {2, 0, 1, 0};  // isc 2, mode SINGLE
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAism, 0, single), -EOPNOTSUPP);
  uint8_t ais[2];
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kAismAll, 2, ais), -EOPNOTSUPP);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kAismAll, 1, ais), -EINVAL);
  ASSERT_EQ(EnableAis(), 0);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAism, 0, single), 0);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAirqInject, 3, nullptr), 0);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAirqInject, 3, nullptr), 0);  // suppressed
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kAismAll, 2, ais), 0);
  EXPECT_EQ(ais[0], 0x20);  // simm: ISC 2
  EXPECT_EQ(ais[1], 0x20);  // nimm: now NO-interruptions
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAirqInject, 9, nullptr), -EINVAL);
  EXPECT_EQ(All().size(), 1u);  // one GISA bit for ISC 2
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kClearIrqs, 0, nullptr), 0);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAirqInject, 4, nullptr), 0);  // masked: nothing
  EXPECT_EQ(All().size(), 0u);
  req[0] = 4;
  req[5] = 0;  // unmask
  ASSERT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, req), 0);
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAirqInject, 4, nullptr), 0);  // not suppressible
  EXPECT_EQ(All().size(), 1u);
  const uint8_t bad_isc[4] = {8, 0, 0, 0};
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAism, 0, bad_isc), -EINVAL);
  const uint8_t bad_mode[4] = {1, 0, 2, 0};
  EXPECT_EQ(Attr(flic_, KX_ATTR_SET, kAism, 0, bad_mode), -EINVAL);
}

// Delivery: the PSW and CR masks choose; machine check, then service,
// then pfault done, virtio, I/O by ISC; the GISA's bit after the ISC's list.
TEST_F(S390FlicTest, DeliveryOrderAndMasks) {
  Flic();
  kx_vcpu* off = Cpu(0, 0, 0, 0);
  kx_vcpu* io3 = Cpu(kPswIo, 0, 0x10ull << 24, 0);  // ISC 3 only
  kx_vcpu* all = Cpu(kPswIo | kPswExt | kPswMchk, 0x200, 0xffull << 24, 0x10000000);
  Irq ai = {};
  ai.type = kAi;
  ai.w[1] = (3u << 27) | 0x80000000u;
  ASSERT_EQ(Enqueue({Io(1, 1, 0x31, 3), ai, Io(1, 2, 0x01, 1), Ext(kVirtio, 5, 6),
                     Ext(kService, 0x8, 0), Ext(kPfaultDone, 0, 0x77), Ext(kMchk, 0x10000000, 1)}),
            0);
  EXPECT_EQ(Take(off), 0u);
  uint64_t parm, parm64;
  EXPECT_EQ(Take(io3, &parm, &parm64), Io(1, 1, 0, 0).type);
  EXPECT_EQ(parm, 1u << 16 | 1);
  EXPECT_EQ(parm64, 0x31ull << 32 | (3u << 27));
  EXPECT_EQ(Take(io3, &parm, &parm64), kAi);  // then the GISA's ISC 3
  EXPECT_EQ(parm64, (3u << 27) | 0x80000000u);
  EXPECT_EQ(Take(io3), 0u);
  EXPECT_EQ(Take(all, &parm, &parm64), kMchk);
  EXPECT_EQ(parm64, 1u);
  EXPECT_EQ(Take(all, &parm), kService);
  EXPECT_EQ(parm, 8u);
  EXPECT_EQ(Take(all, &parm, &parm64), kPfaultDone);
  EXPECT_EQ(parm64, 0x77u);
  EXPECT_EQ(Take(all, &parm, &parm64), kVirtio);
  EXPECT_EQ(parm, 5u);
  EXPECT_EQ(Take(all, &parm), Io(1, 2, 0, 0).type);
  EXPECT_EQ(Take(all), 0u);
  EXPECT_EQ(All().size(), 0u);
  // addr, len or a store are refused.
  kx_guest_access a = {};
  a.kind = KX_ACCESS_INTERRUPT;
  a.len = 4;
  kx_exit e = {};
  EXPECT_EQ(kx_vcpu_guest_access(all, &a, &e), -EINVAL);
}

// KVM_S390_INTERRUPT on the VM: the same queue, no FLIC needed.
TEST_F(S390FlicTest, VmInterruptIoctl) {
  struct {
    uint32_t type, parm;
    uint64_t parm64;
  } in = {static_cast<uint32_t>(kService), 0x4000, 0};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_S390_INTERRUPT, reinterpret_cast<uintptr_t>(&in)), 0);
  in.type = static_cast<uint32_t>(kPfaultInit);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_S390_INTERRUPT, reinterpret_cast<uintptr_t>(&in)), -EINVAL);
  Flic();
  const std::vector<Irq> all = All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].w[0], 0x4000u);
}

// Every allocation of an ENQUEUE or a GET_ALL_IRQS fails in turn:
// -ENOMEM (-ENOBUFS for the snapshot's buffer) and what was queued before
// the failure stays; nothing leaks.
TEST_F(S390FlicTest, AllocationFailure) {
  Flic();
  const std::vector<Irq> irqs = {Io(1, 1, 1, 1), Ext(kVirtio, 1, 1), Io(1, 2, 2, 2)};
  for (long n = 0;; n++) {
    ASSERT_EQ(Attr(flic_, KX_ATTR_SET, kClearIrqs, 0, nullptr), 0);
    host::fail_allocation_after(n);
    const int r = Enqueue(irqs);
    host::fail_allocation_after(-1);
    if (r == 0) break;
    ASSERT_EQ(r, -ENOMEM);
    EXPECT_EQ(All().size(), static_cast<size_t>(n));
  }
  std::vector<Irq> buf(8);
  host::fail_allocation_after(0);
  EXPECT_EQ(Attr(flic_, KX_ATTR_GET, kGetAll, buf.size() * sizeof(Irq), buf.data()), -ENOBUFS);
  host::fail_allocation_after(-1);
}

// An adapter route (KVM_IRQ_ROUTING_S390_ADAPTER) fired by an irqfd:
// the indicator and summary bits set in guest memory (MSB 0 order with
// swap), one adapter interrupt per clear summary bit; a masked adapter
// gets its bits and no interrupt. Routes with indicators outside guest
// memory are -EFAULT; pins and MSIs -EINVAL.
TEST_F(S390FlicTest, AdapterRouteSetsIndicatorsAndInjects) {
  Flic();
  alignas(4096) static uint8_t ram[2 * 4096];
  memset(ram, 0, sizeof(ram));
  kx_memory_region r = {0, 0, 0x10000, sizeof(ram), reinterpret_cast<uintptr_t>(ram)};
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);
  const uint8_t a[8] = {7, 0, 0, 0, 6 /* isc */, 1 /* maskable */, 1 /* swap */, 0};
  ASSERT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterRegister, 0, a), 0);
  struct Entry {
    uint32_t gsi, type, flags, pad;
    uint64_t ind_addr, summary_addr, ind_offset;
    uint32_t summary_offset, adapter_id;
  };
  static_assert(sizeof(Entry) == 48);
  struct {
    uint32_t nr, flags;
    Entry e[2];
  } rt = {1, 0, {{5, 3, 0, 0, 0x10010, 0x11000, 10, 1, 7}, {}}};
  ASSERT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&rt)), 0);
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  struct {
    uint32_t fd, gsi, flags, resamplefd;
    uint8_t pad[16];
  } irqfd = {static_cast<uint32_t>(fd), 5, 0, 0, {}};
  ASSERT_EQ(kx_vm_ioctl(vm_, KX_IRQFD, reinterpret_cast<uintptr_t>(&irqfd)), 0);
  const uint64_t one = 1;
  auto fire = [&] {
    ASSERT_EQ(write(fd, &one, sizeof(one)), 8);
    for (int i = 0; i < 200 && !(ram[0x1000] & 0x40); i++) usleep(1000);
    usleep(5000);
  };
  fire();
  EXPECT_EQ(ram[0x10 + 1], 0x20);  // bit 10 of the indicators, MSB 0
  EXPECT_EQ(ram[0x1000], 0x40);    // bit 1 of the summary
  std::vector<Irq> all = All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].type, kAi);
  EXPECT_EQ(all[0].w[1], (6u << 27) | 0x80000000u);
  ASSERT_EQ(Attr(flic_, KX_ATTR_SET, kClearIrqs, 0, nullptr), 0);
  fire();  // the summary bit is still set: no second interrupt
  EXPECT_EQ(All().size(), 0u);
  ram[0x1000] = 0;
  uint8_t mask[16] = {7, 0, 0, 0, 1 /* MASK */, 1};
  ASSERT_EQ(Attr(flic_, KX_ATTR_SET, kAdapterModify, 0, mask), 0);
  fire();
  EXPECT_EQ(ram[0x1000], 0x40);
  EXPECT_EQ(All().size(), 0u);  // masked

  rt.e[0].summary_addr = 0x90000;
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&rt)), -EFAULT);
  rt.e[0].summary_addr = 0x11000;
  rt.e[0].flags = 1;
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&rt)), -EINVAL);
  rt.e[0] = {5, 1 /* IRQCHIP */, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&rt)), -EINVAL);
  rt.e[0].type = 2;  // MSI
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&rt)), -EINVAL);
  irqfd.flags = 1;  // deassign
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQFD, reinterpret_cast<uintptr_t>(&irqfd)), 0);
  close(fd);
}

// KVM_CREATE_IRQCHIP needs KVM_CAP_S390_IRQCHIP; then it empties the
// routing table.
TEST_F(S390FlicTest, CreateIrqchipNeedsTheCapability) {
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_IRQCHIP, 0), -EINVAL);
  kx_enable_cap c = {};
  c.cap = KX_CAP_S390_IRQCHIP;
  c.flags = 1;
  EXPECT_EQ(kx_vm_enable_cap(vm_, &c), -EINVAL);
  c.flags = 0;
  ASSERT_EQ(kx_vm_enable_cap(vm_, &c), 0);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_IRQCHIP, 0), 0);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_IRQCHIP, 0), 0);
  EXPECT_EQ(kx_check_extension(KX_S390, nullptr, KX_CAP_S390_IRQCHIP), 1);
}

}  // namespace
