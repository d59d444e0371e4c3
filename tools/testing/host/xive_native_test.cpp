// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XIVE (arch/powerpc/xive_native.cpp) through the C ABI, as
// the shim drives it: the device's life and the emulated host's choice,
// every errno row of devices/xive.rst's groups in 6.1's order, vCPU
// connections, VP_STATE and ICP_STATE, and events delivered into the
// queues in guest RAM through the ESB's PQ bits (kx_xive_esb_*()), and
// the fd's mapping: mmap's rows, the faults' views, the unmapping, and the
// guest's accesses to RAM backed by the pages.
#include <gtest/gtest.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

constexpr uint64_t kQueueGpa = 0x100000;  // the test's queues: 64 KiB each from here
constexpr uint64_t kRamSize = 1 << 20;
constexpr uint32_t kEntries = 16384;  // a 64 KiB queue's

struct XiveEq {
  uint32_t flags, qshift;
  uint64_t qaddr;
  uint32_t qtoggle, qindex;
  uint8_t pad[40];
};

// SOURCE_CONFIG's value
constexpr uint64_t Cfg(uint32_t server, uint32_t prio, uint32_t eisn, bool masked = false) {
  return uint64_t{eisn} << KX_XIVE_SOURCE_EISN_SHIFT | (masked ? KX_XIVE_SOURCE_MASKED_MASK : 0) |
         uint64_t{server} << KX_XIVE_SOURCE_SERVER_SHIFT | prio;
}
// EQ_CONFIG's attribute
constexpr uint64_t EqId(uint32_t server, uint32_t prio) {
  return uint64_t{server} << KX_XIVE_EQ_SERVER_SHIFT | prio;
}

class XiveNativeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
    ASSERT_EQ(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XIVE, &kx_xive_native_device_ops), 0);
    ASSERT_EQ(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XICS, &kx_xics_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
    ram_ = static_cast<uint8_t*>(aligned_alloc(65536, kRamSize));
    ASSERT_NE(ram_, nullptr);
    memset(ram_, 0, kRamSize);
    kx_memory_region r = {0, KX_MEM_LOG_DIRTY_PAGES, kQueueGpa, kRamSize,
                          reinterpret_cast<uintptr_t>(ram_)};
    ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);
    fd_ = dup(0);
  }
  void TearDown() override {
    host::bind_device_fd(fd_, nullptr);
    close(fd_);
    kx_vm_put(vm_);
    free(ram_);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_XIVE);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_XICS);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  static int Attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int Source(kx_device* d, uint64_t irq, uint64_t val) {
    return Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE, irq, &val);
  }
  static int Config(kx_device* d, uint64_t irq, uint64_t cfg) {
    return Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_CONFIG, irq, &cfg);
  }
  static int SetEq(kx_device* d, uint64_t id, XiveEq eq) {
    return Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_EQ_CONFIG, id, &eq);
  }
  static int GetEq(kx_device* d, uint64_t id, XiveEq* eq) {
    return Attr(d, KX_ATTR_GET, KX_DEV_XIVE_GRP_EQ_CONFIG, id, eq);
  }
  static XiveEq Queue(uint64_t gpa, uint32_t toggle = 1, uint32_t index = 0) {
    XiveEq eq = {};
    eq.flags = KX_XIVE_EQ_ALWAYS_NOTIFY;
    eq.qshift = 16;
    eq.qaddr = gpa;
    eq.qtoggle = toggle;
    eq.qindex = index;
    return eq;
  }
  static long Connect(kx_vcpu* v, int fd, uint64_t server, uint32_t flags = 0) {
    PpcEnableCap c = {};
    c.cap = KX_CAP_PPC_IRQ_XIVE;
    c.flags = flags;
    c.args[0] = static_cast<uint64_t>(fd);
    c.args[1] = server;
    return kx_vcpu_ioctl(v, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c));
  }
  static long Reg(kx_vcpu* v, bool set, uint64_t id, void* val) {
    uint64_t reg[2] = {id, reinterpret_cast<uintptr_t>(val)};
    return kx_vcpu_ioctl(v, set ? KX_SET_ONE_REG : KX_GET_ONE_REG,
                         reinterpret_cast<uintptr_t>(reg));
  }
  // The queue entry at index i of the queue at gpa, as the guest reads it.
  uint32_t Entry(uint64_t gpa, uint32_t i) const {
    const uint8_t* p = ram_ + (gpa - kQueueGpa) + 4 * i;
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
  }
  // The device, bound to fd_, and PAPR vCPU 0 connected as server `server`.
  void DeviceAndVcpu(kx_device** d, kx_vcpu** v, uint32_t server = 0) {
    ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, d), 0);
    host::bind_device_fd(fd_, *d);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, v), 0);
    ASSERT_EQ(ppc_enable_papr(*v), 0);
    ASSERT_EQ(Connect(*v, fd_, server), 0);
  }
  void Release(kx_device* d) {
    host::bind_device_fd(fd_, nullptr);
    kx_device_release(d);
  }

  kx_vm* vm_ = nullptr;
  uint8_t* ram_ = nullptr;
  int fd_ = -1;
  long live_ = 0;
};

TEST_F(XiveNativeTest, OnePerVmOnThePower9Only) {
  kx_device *d, *again;
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, KX_CREATE_DEVICE_TEST, &d), 0);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &d), 0);
  EXPECT_STREQ(kx_device_name(d), "kvm-xive-native");
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &again), -EEXIST);
  // the VM's one interrupt controller: XICS-on-XIVE cannot join it
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &again), -EEXIST);
  EXPECT_EQ(Source(d, 100, 0), 0);
  kx_device_release(d);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &again), 0);
  EXPECT_EQ(Config(again, 100, Cfg(0, 0, 0)), -ENOENT);  // a fresh device
  kx_device_release(again);
  // nor the other way round
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &again), 0);
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &d), -EEXIST);
  kx_device_release(again);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_PPC_IRQ_XIVE), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_PPC_IRQ_XIVE), 1);
  // A POWER8 VM: no XIVE, KVM_CAP_PPC_IRQ_XIVE 0 and its connect -ENXIO.
  ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
  kx_vm* p8;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &p8), 0);
  EXPECT_EQ(kx_vm_create_device(p8, KX_DEV_TYPE_XIVE, KX_CREATE_DEVICE_TEST, &d), -ENODEV);
  EXPECT_EQ(kx_vm_create_device(p8, KX_DEV_TYPE_XIVE, 0, &d), -ENODEV);
  EXPECT_EQ(kx_check_extension(KX_PPC, p8, KX_CAP_PPC_IRQ_XIVE), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_PPC_IRQ_XIVE), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_PPC_IRQ_XIVE), 1);  // the VM keeps its host
  kx_vcpu* v;
  ASSERT_EQ(kx_vm_create_vcpu(p8, 0, &v), 0);
  ASSERT_EQ(kx_vm_create_device(p8, KX_DEV_TYPE_XICS, 0, &d), 0);
  host::bind_device_fd(fd_, d);
  EXPECT_EQ(Connect(v, -1, 0), -EBADF);
  EXPECT_EQ(Connect(v, fd_, 0), -ENXIO);
  host::bind_device_fd(fd_, nullptr);
  kx_device_release(d);
  kx_vm_put(p8);
}

TEST_F(XiveNativeTest, CtrlGroupAndHas) {
  kx_device* d;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &d), 0);
  uint32_t n = 0;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_RESET, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_EQ_SYNC, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, nullptr), -EFAULT);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), -EINVAL);
  n = 16385;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), -EINVAL);
  n = 16384;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, 4, &n), -ENXIO);
  EXPECT_EQ(Attr(d, KX_ATTR_GET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), -ENXIO);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, 6, 0, &n), -ENXIO);
  for (uint64_t a = 1; a <= 3; a++)
    EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XIVE_GRP_CTRL, a, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XIVE_GRP_CTRL, 0, nullptr), -ENXIO);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XIVE_GRP_CTRL, 4, nullptr), -ENXIO);
  for (uint32_t g :
       {KX_DEV_XIVE_GRP_SOURCE, KX_DEV_XIVE_GRP_SOURCE_CONFIG, KX_DEV_XIVE_GRP_SOURCE_SYNC}) {
    EXPECT_EQ(Attr(d, KX_ATTR_HAS, g, 0, nullptr), 0);
    EXPECT_EQ(Attr(d, KX_ATTR_HAS, g, 0xfffff, nullptr), 0);
    EXPECT_EQ(Attr(d, KX_ATTR_HAS, g, 0x100000, nullptr), -ENXIO);
    EXPECT_EQ(Attr(d, KX_ATTR_GET, g, 0, &n), -ENXIO);
  }
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XIVE_GRP_EQ_CONFIG, ~0ull, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, 0, 0, nullptr), -ENXIO);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, 6, 0, nullptr), -ENXIO);
  kx_device_release(d);
}

TEST_F(XiveNativeTest, SourceGroupsErrnoRows) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 3));
  // GRP_SOURCE: -E2BIG, then the block (kept), then -EFAULT
  EXPECT_EQ(Source(d, ~0ull, 0), -E2BIG);
  EXPECT_EQ(Source(d, 0x100000, 0), -E2BIG);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE, 2048, nullptr), -EFAULT);
  // SOURCE_CONFIG: the block (-ENOENT), initialised (-EINVAL), -EFAULT, priority 7
  EXPECT_EQ(Config(d, 5000, Cfg(3, 0, 1)), -ENOENT);
  EXPECT_EQ(Config(d, 0x100000, Cfg(3, 0, 1)), -ENOENT);
  EXPECT_EQ(Config(d, 2048, Cfg(3, 0, 1)), -EINVAL);  // its block exists now
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_SYNC, 2048, nullptr), -EINVAL);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_SYNC, 5000, nullptr), -ENOENT);
  EXPECT_EQ(Source(d, 0, 0), 0);
  EXPECT_EQ(Source(d, 2048, KX_XIVE_LEVEL_SENSITIVE), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_SYNC, 2048, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_SYNC, (1ull << 32) | 2048, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_SOURCE_CONFIG, 2048, nullptr), -EFAULT);
  EXPECT_EQ(Config(d, 2048, Cfg(3, 7, 1)), -EINVAL);
  EXPECT_EQ(Config(d, 2048, Cfg(4, 0, 1)), -EINVAL);        // no such server
  EXPECT_EQ(Config(d, 2048, Cfg(3, 0, 1)), -ENXIO);         // its queue is not configured
  EXPECT_EQ(Config(d, 2048, Cfg(9, 7, 1, true)), -EINVAL);  // priority first
  EXPECT_EQ(Config(d, 2048, Cfg(9, 0, 1, true)), 0);        // masked: no target needed
  ASSERT_EQ(SetEq(d, EqId(3, 0), Queue(kQueueGpa)), 0);
  EXPECT_EQ(Config(d, 2048, Cfg(3, 0, 1)), 0);
  EXPECT_EQ(Config(d, (1ull << 32) | 2048, Cfg(3, 0, 1)), 0);  // a u32 in the lookup
  EXPECT_EQ(Config(d, 2048, Cfg(3, 1, 1)), -ENXIO);
  // every allocation of a new block fails in turn: -ENOMEM, then it works
  host::fail_allocation_after(0);
  EXPECT_EQ(Source(d, 9000, 0), -ENOMEM);
  host::fail_allocation_after(-1);
  EXPECT_EQ(Config(d, 9000, Cfg(3, 0, 1)), -ENOENT);
  EXPECT_EQ(Source(d, 9000, 0), 0);
  Release(d);
}

TEST_F(XiveNativeTest, EqConfigRowsAndRoundTrip) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 5));
  XiveEq eq = Queue(kQueueGpa);
  // the structure first, then the server, then priority 7
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_EQ_CONFIG, EqId(4, 7), nullptr), -EFAULT);
  EXPECT_EQ(SetEq(d, EqId(4, 7), eq), -ENOENT);
  EXPECT_EQ(SetEq(d, EqId(5, 7), eq), -EINVAL);
  EXPECT_EQ(SetEq(d, (1ull << 32) | EqId(5, 0), Queue(kQueueGpa)), 0);  // bits 63:32 unused
  XiveEq bad = eq;
  bad.flags = 0;
  EXPECT_EQ(SetEq(d, EqId(5, 0), bad), -EINVAL);
  bad = eq;
  bad.qshift = 12;
  EXPECT_EQ(SetEq(d, EqId(5, 0), bad), -EINVAL);
  bad.qshift = 21;
  EXPECT_EQ(SetEq(d, EqId(5, 0), bad), -EINVAL);
  EXPECT_EQ(SetEq(d, EqId(5, 0), Queue(kQueueGpa + 0x1000)), -EINVAL);  // alignment
  EXPECT_EQ(SetEq(d, EqId(5, 0), Queue(0)), -EINVAL);                   // no RAM there
  EXPECT_EQ(SetEq(d, EqId(5, 0), Queue(kQueueGpa + kRamSize - 0x8000 + 0x8000)), -EINVAL);
  EXPECT_EQ(SetEq(d, EqId(5, 0), Queue(kQueueGpa, 1, kEntries)), -EINVAL);
  // the reset form reads nothing else
  bad = {};
  bad.flags = 77;
  EXPECT_EQ(SetEq(d, EqId(5, 0), bad), 0);
  // a queue not configured: 0, nothing written
  XiveEq got;
  memset(&got, 0xa5, sizeof(got));
  EXPECT_EQ(GetEq(d, EqId(5, 0), &got), 0);
  EXPECT_EQ(got.qshift, 0xa5a5a5a5u);
  EXPECT_EQ(GetEq(d, EqId(5, 0), nullptr), 0);
  EXPECT_EQ(GetEq(d, EqId(6, 0), &got), -ENOENT);
  EXPECT_EQ(GetEq(d, EqId(5, 7), &got), -EINVAL);
  // configured, restored at an index and toggle
  EXPECT_EQ(SetEq(d, EqId(5, 6), Queue(kQueueGpa + 0x10000, 0, 77)), 0);
  EXPECT_EQ(GetEq(d, EqId(5, 6), nullptr), -EFAULT);
  EXPECT_EQ(GetEq(d, EqId(5, 6), &got), 0);
  EXPECT_EQ(got.flags, static_cast<uint32_t>(KX_XIVE_EQ_ALWAYS_NOTIFY));
  EXPECT_EQ(got.qshift, 16u);
  EXPECT_EQ(got.qaddr, kQueueGpa + 0x10000);
  EXPECT_EQ(got.qtoggle, 0u);
  EXPECT_EQ(got.qindex, 77u);
  for (uint8_t b : got.pad) EXPECT_EQ(b, 0);
  // a refused reconfiguration keeps it; an accepted one starts over
  EXPECT_EQ(SetEq(d, EqId(5, 6), Queue(0x8000000)), -EINVAL);
  EXPECT_EQ(GetEq(d, EqId(5, 6), &got), 0);
  EXPECT_EQ(got.qindex, 77u);
  EXPECT_EQ(SetEq(d, EqId(5, 6), Queue(kQueueGpa)), 0);
  EXPECT_EQ(GetEq(d, EqId(5, 6), &got), 0);
  EXPECT_EQ(got.qaddr, kQueueGpa);
  EXPECT_EQ(got.qtoggle, 1u);
  EXPECT_EQ(got.qindex, 0u);
  // RESET unconfigures every queue
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_RESET, nullptr), 0);
  memset(&got, 0xa5, sizeof(got));
  EXPECT_EQ(GetEq(d, EqId(5, 6), &got), 0);
  EXPECT_EQ(got.qshift, 0xa5a5a5a5u);
  Release(d);
}

TEST_F(XiveNativeTest, ConnectRows) {
  kx_device* d;
  kx_vcpu *v0, *v1, *v2;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &d), 0);
  host::bind_device_fd(fd_, d);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v0), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &v1), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 2, &v2), 0);
  ASSERT_EQ(ppc_enable_papr(v0), 0);
  ASSERT_EQ(ppc_enable_papr(v2), 0);
  const int plain = dup(0);
  uint64_t vp[2] = {};
  EXPECT_EQ(Reg(v0, false, KX_REG_PPC_VP_STATE, vp), -ENXIO);
  EXPECT_EQ(Connect(v0, fd_, 0, 1), -EINVAL);
  EXPECT_EQ(Connect(v0, -1, 0), -EBADF);
  EXPECT_EQ(Connect(v0, plain, 0), -EPERM);
  kx_vm* other;
  kx_device* od;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &other), 0);
  ASSERT_EQ(kx_vm_create_device(other, KX_DEV_TYPE_XIVE, 0, &od), 0);
  host::bind_device_fd(plain, od);
  EXPECT_EQ(Connect(v0, plain, 0), -EPERM);  // another VM's
  host::bind_device_fd(plain, nullptr);
  kx_device_release(od);
  kx_vm_put(other);
  EXPECT_EQ(Connect(v0, fd_, 2048), -EINVAL);  // no VP for it (6.1 WARNs)
  uint32_t n = 4;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), 0);
  EXPECT_EQ(Connect(v0, fd_, 4), -EINVAL);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), 0);
  EXPECT_EQ(Connect(v0, fd_, 3), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_NR_SERVERS, &n), -EBUSY);
  EXPECT_EQ(Connect(v0, fd_, 2), -EBUSY);
  EXPECT_EQ(Connect(v2, fd_, 3), -EEXIST);
  EXPECT_EQ(Connect(v1, fd_, 1), -EINVAL);  // not in PAPR mode: connected, refused
  EXPECT_EQ(Connect(v1, fd_, 2), -EBUSY);
  EXPECT_EQ(Reg(v1, false, KX_REG_PPC_VP_STATE, vp), 0);
  // XICS's connect with this device: not an XICS
  PpcEnableCap c = {};
  c.cap = KX_CAP_IRQ_XICS;
  c.args[0] = static_cast<uint64_t>(fd_);
  EXPECT_EQ(kx_vcpu_ioctl(v2, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)), -EPERM);
  Release(d);
  EXPECT_EQ(Reg(v0, false, KX_REG_PPC_VP_STATE, vp), -ENXIO);
  close(plain);
}

TEST_F(XiveNativeTest, FailedConnectAllocation) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XIVE, 0, &d), 0);
  host::bind_device_fd(fd_, d);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  ASSERT_EQ(ppc_enable_papr(v), 0);
  host::fail_allocation_after(0);
  EXPECT_EQ(Connect(v, fd_, 0), -ENOMEM);
  host::fail_allocation_after(-1);
  uint64_t vp[2];
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, vp), -ENXIO);
  EXPECT_EQ(Connect(v, fd_, 0), 0);
  Release(d);
}

TEST_F(XiveNativeTest, VpStateAndIcpState) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  uint64_t vp[2] = {~0ull, ~0ull};
  ASSERT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, vp), 0);
  EXPECT_EQ(vp[0], 0xffull << 32);  // TIMA bytes 00 00 00 00 ff 00 00 00
  EXPECT_EQ(vp[1], 0u);
  uint64_t set[2] = {0x0102030405060708ull, 0x1111};
  EXPECT_EQ(Reg(v, true, KX_REG_PPC_VP_STATE, set), 0);
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, vp), 0);
  EXPECT_EQ(vp[0], 0x0102030405060708ull);
  EXPECT_EQ(vp[1], 0u);
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, nullptr), -EFAULT);
  // ICP_STATE reads the native presenter's CPPR and MFRR
  uint64_t icp = ~0ull;
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_ICP_STATE, &icp), 0);
  EXPECT_EQ(icp, 0xffull << 16);
  icp = 0x05ull << 56 | 0x33ull << 24 | 0x44ull << 16;
  EXPECT_EQ(Reg(v, true, KX_REG_PPC_ICP_STATE, &icp), 0);
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_ICP_STATE, &icp), 0);
  EXPECT_EQ(icp, 0x05ull << 56 | 0x33ull << 24 | 0xffull << 16);
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, vp), 0);
  EXPECT_EQ(vp[0], 0x0102030405060508ull);  // its CPPR byte (TIMA byte 1)
  // an MFRR below the CPPR: 6.1 WARNs (no IPI to trigger); kept, nothing else
  icp = 0xffull << 56 | 0x01ull << 24;
  EXPECT_EQ(Reg(v, true, KX_REG_PPC_ICP_STATE, &icp), 0);
  EXPECT_EQ(Reg(v, false, KX_REG_PPC_ICP_STATE, &icp), 0);
  EXPECT_EQ(icp, 0xffull << 56 | 0x01ull << 24 | 0xffull << 16);
  // an XISR names a source to trigger (6.1's xive_restore_pending_irq())
  ASSERT_EQ(SetEq(d, EqId(0, 2), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 300, 0), 0);
  ASSERT_EQ(Config(d, 300, Cfg(0, 2, 300)), 0);
  ASSERT_EQ(kx_xive_esb_load(d, 300, 0xc00), 1);
  icp = 0xffull << 56 | 300ull << 32 | 0xffull << 24;
  EXPECT_EQ(Reg(v, true, KX_REG_PPC_ICP_STATE, &icp), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x8000012cu);
  Release(d);
}

// RTAS's XICS calls on a XIVE VM: ibm,get-xive reads the target server and
// priority 0xff; the others answer -3 (6.1 runs XICS-on-XIVE code over the
// native sources and queues).
TEST_F(XiveNativeTest, RtasOnANativeDevice) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 2));
  ASSERT_EQ(SetEq(d, EqId(2, 1), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 30, 0), 0);
  ASSERT_EQ(Config(d, 30, Cfg(2, 1, 5)), 0);
  struct {
    char name[120];
    uint64_t token;
  } tok = {};
  const char* names[] = {"ibm,set-xive", "ibm,get-xive", "ibm,int-off", "ibm,int-on"};
  for (int i = 0; i < 4; i++) {
    memset(&tok, 0, sizeof(tok));
    strcpy(tok.name, names[i]);
    tok.token = 100 + i;
    ASSERT_EQ(kx_vm_ioctl(vm_, KX_PPC_RTAS_DEFINE_TOKEN, reinterpret_cast<uintptr_t>(&tok)), 0);
  }
  // struct rtas_args at the end of RAM, big-endian
  const uint64_t gpa = kQueueGpa + kRamSize - 0x1000;
  uint32_t* args = reinterpret_cast<uint32_t*>(ram_ + kRamSize - 0x1000);
  auto rtas = [&](uint32_t token, uint32_t nargs, uint32_t nret, uint32_t a0, uint32_t a1,
                  uint32_t a2) {
    memset(args, 0, 88);
    args[0] = __builtin_bswap32(token);
    args[1] = __builtin_bswap32(nargs);
    args[2] = __builtin_bswap32(nret);
    args[3] = __builtin_bswap32(a0);
    args[4] = __builtin_bswap32(a1);
    args[5] = __builtin_bswap32(a2);
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, 0xf000, 8, 0, gpa, {}};
    kx_exit exit = {};
    EXPECT_EQ(kx_vcpu_guest_access(v, &a, &exit), 0);
    EXPECT_FALSE(exit.set);
    return __builtin_bswap32(args[3 + nargs]);
  };
  EXPECT_EQ(rtas(101, 1, 3, 30, 0, 0), 0u);
  EXPECT_EQ(__builtin_bswap32(args[5]), 2u);     // the server
  EXPECT_EQ(__builtin_bswap32(args[6]), 0xffu);  // the priority
  EXPECT_EQ(rtas(101, 1, 3, 5000, 0, 0), static_cast<uint32_t>(-3));
  EXPECT_EQ(rtas(100, 3, 1, 30, 2, 1), static_cast<uint32_t>(-3));
  EXPECT_EQ(rtas(102, 1, 1, 30, 0, 0), static_cast<uint32_t>(-3));
  EXPECT_EQ(rtas(103, 1, 1, 30, 0, 0), static_cast<uint32_t>(-3));
  // nothing changed: the source still delivers to server 2
  ASSERT_EQ(kx_xive_esb_load(d, 30, 0xc00), 1);
  EXPECT_EQ(kx_xive_esb_trigger(d, 30), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80000005u);
  Release(d);
}

// A queue takes 16382 sources (XIVE_Q_GAP); a full one sends the next to
// another vCPU's queue of that priority, -EBUSY if none has room. The
// count is of the sources routed there now (6.1 never decrements its).
TEST_F(XiveNativeTest, AFullQueueSendsSourcesElsewhere) {
  kx_device* d;
  kx_vcpu *v0, *v1;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v0, 0));
  ASSERT_EQ(SetEq(d, EqId(0, 0), Queue(kQueueGpa)), 0);
  for (uint32_t irq = 0; irq < 16384; irq++) ASSERT_EQ(Source(d, irq, 0), 0);
  for (uint32_t irq = 0; irq < 16382; irq++) ASSERT_EQ(Config(d, irq, Cfg(0, 0, irq)), 0);
  EXPECT_EQ(Config(d, 16382, Cfg(0, 0, 1)), -EBUSY);
  EXPECT_EQ(Config(d, 5, Cfg(0, 0, 77)), 0);  // a source already there keeps its place
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &v1), 0);
  ASSERT_EQ(ppc_enable_papr(v1), 0);
  ASSERT_EQ(Connect(v1, fd_, 1), 0);
  EXPECT_EQ(Config(d, 16382, Cfg(0, 0, 1)), -EBUSY);  // its queue 0 is not configured
  ASSERT_EQ(SetEq(d, EqId(1, 0), Queue(kQueueGpa + 0x10000)), 0);
  EXPECT_EQ(Config(d, 16382, Cfg(0, 0, 0x4000)), 0);  // to server 1
  ASSERT_EQ(kx_xive_esb_load(d, 16382, 0xc00), 1);
  EXPECT_EQ(kx_xive_esb_trigger(d, 16382), 0);
  EXPECT_EQ(Entry(kQueueGpa + 0x10000, 0), 0x80004000u);
  // a source masked leaves room
  EXPECT_EQ(Config(d, 7, Cfg(0, 0, 7, true)), 0);
  EXPECT_EQ(Config(d, 16383, Cfg(0, 0, 0x4001)), 0);
  ASSERT_EQ(kx_xive_esb_load(d, 16383, 0xc00), 1);
  EXPECT_EQ(kx_xive_esb_trigger(d, 16383), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80004001u);
  Release(d);
}

// Events as the hardware delivers them: PQ 01 after GRP_SOURCE drops
// triggers; PQ 00 lets one through into the queue (generation bit, EISN,
// big-endian), the IPB and PQ 10; 10 and 11 coalesce; the EOI re-triggers
// what Q held; a masked source's event is lost at its EAS.
TEST_F(XiveNativeTest, DeliveryThroughThePqBits) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 1));
  ASSERT_EQ(SetEq(d, EqId(1, 3), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 40, 0), 0);
  ASSERT_EQ(Config(d, 40, Cfg(1, 3, 0x1234)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x800), 1);  // PQ 01
  EXPECT_EQ(kx_xive_esb_load(d, 41, 0x800), -ENXIO);
  EXPECT_EQ(kx_vm_irq_line(vm_, 40, 1), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0u);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0xc00), 1);  // SET_PQ_00 returns the old bits
  EXPECT_EQ(kx_vm_irq_line(vm_, 40, 1), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80001234u);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x800), 2);  // PQ 10
  uint64_t vp[2];
  ASSERT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, vp), 0);
  EXPECT_EQ(vp[0], 0xffull << 32 | uint64_t{0x80 >> 3} << 16);  // IPB: priority 3
  EXPECT_EQ(kx_xive_esb_trigger(d, 40), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x800), 3);  // PQ 11
  EXPECT_EQ(kx_xive_esb_trigger(d, 40), 0);
  EXPECT_EQ(Entry(kQueueGpa, 1), 0u);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x000), 1);  // EOI: Q set, triggered again
  EXPECT_EQ(Entry(kQueueGpa, 1), 0x80001234u);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x800), 2);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x000), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x400), 0xff);
  XiveEq got;
  ASSERT_EQ(GetEq(d, EqId(1, 3), &got), 0);
  EXPECT_EQ(got.qindex, 2u);
  EXPECT_EQ(got.qtoggle, 1u);
  // masked at its EAS: PQ moves, nothing is queued
  ASSERT_EQ(Config(d, 40, Cfg(1, 3, 0x1234, true)), 0);
  EXPECT_EQ(kx_vm_irq_line(vm_, 40, 1), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 40, 0x800), 2);
  EXPECT_EQ(Entry(kQueueGpa, 2), 0u);
  // KVM_IRQ_LINE_STATUS's status: -EINVAL for a source never initialised
  auto status = [&](uint32_t irq) {
    uint32_t line[2] = {irq, 1};
    EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)), 0);
    return static_cast<int>(line[0]);
  };
  EXPECT_EQ(status(40), 0);
  EXPECT_EQ(status(41), -EINVAL);
  EXPECT_EQ(status(1 << 20), -EINVAL);
  Release(d);
  EXPECT_EQ(kx_vm_irq_line(vm_, 40, 1), -ENXIO);
}

// The queue wraps: the entry at the last index carries the generation
// the queue was restored with, the next one at index 0 the other.
TEST_F(XiveNativeTest, QueueWrapsAndToggles) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  ASSERT_EQ(SetEq(d, EqId(0, 0), Queue(kQueueGpa, 1, kEntries - 1)), 0);
  ASSERT_EQ(Source(d, 16, 0), 0);
  ASSERT_EQ(Config(d, 16, Cfg(0, 0, 0x7fffffff)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 16, 0xc00), 1);
  EXPECT_EQ(kx_xive_esb_trigger(d, 16), 0);
  EXPECT_EQ(Entry(kQueueGpa, kEntries - 1), 0xffffffffu);
  EXPECT_EQ(kx_xive_esb_load(d, 16, 0xc00), 2);
  EXPECT_EQ(kx_xive_esb_trigger(d, 16), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x7fffffffu);  // generation 0 now
  XiveEq got;
  ASSERT_EQ(GetEq(d, EqId(0, 0), &got), 0);
  EXPECT_EQ(got.qindex, 1u);
  EXPECT_EQ(got.qtoggle, 0u);
  Release(d);
}

// LSIs: level 1 asserts and triggers, 0 deasserts and does nothing; an
// EOI while asserted triggers again. KVM_INTERRUPT_SET_LEVEL asserts an
// MSI too; KVM_INTERRUPT_UNSET deasserts.
TEST_F(XiveNativeTest, LsiAssertAndDeassert) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  ASSERT_EQ(SetEq(d, EqId(0, 5), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 17, KX_XIVE_LEVEL_SENSITIVE), 0);
  ASSERT_EQ(Config(d, 17, Cfg(0, 5, 17)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 17, 0xc00), 1);
  EXPECT_EQ(kx_vm_irq_line(vm_, 17, 1), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80000011u);
  EXPECT_EQ(kx_xive_esb_load(d, 17, 0x000), 1);  // still asserted: again
  EXPECT_EQ(Entry(kQueueGpa, 1), 0x80000011u);
  EXPECT_EQ(kx_vm_irq_line(vm_, 17, 0), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 17, 0x000), 0);
  EXPECT_EQ(Entry(kQueueGpa, 2), 0u);
  EXPECT_EQ(kx_vm_irq_line(vm_, 17, 0), 0);  // level 0 never triggers
  EXPECT_EQ(Entry(kQueueGpa, 2), 0u);
  // initialised again as an MSI, it is one (6.1 keeps a source an LSI
  // once it was): level 1 does not assert it, the EOI does not re-trigger
  ASSERT_EQ(Source(d, 17, 0), 0);
  ASSERT_EQ(Config(d, 17, Cfg(0, 5, 17)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 17, 0xc00), 1);
  EXPECT_EQ(kx_vm_irq_line(vm_, 17, 1), 0);
  EXPECT_EQ(Entry(kQueueGpa, 2), 0x80000011u);
  EXPECT_EQ(kx_xive_esb_load(d, 17, 0x000), 0);
  EXPECT_EQ(Entry(kQueueGpa, 3), 0u);
  Release(d);
}

// EQ_SYNC marks every page of every configured queue dirty; a queue let go
// (reconfigured, reset, the device released) marks its pages too.
TEST_F(XiveNativeTest, EqSyncMarksQueuePagesDirty) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  auto dirty = [&](uint64_t* bm) {
    memset(bm, 0, 32);
    return kx_vm_get_dirty_log(vm_, 0, reinterpret_cast<uintptr_t>(bm));
  };
  uint64_t bm[4];
  ASSERT_EQ(dirty(bm), 0);
  ASSERT_EQ(SetEq(d, EqId(0, 1), Queue(kQueueGpa + 0x20000)), 0);
  ASSERT_EQ(dirty(bm), 0);
  EXPECT_EQ(bm[0], 0u);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_EQ_SYNC, nullptr), 0);
  ASSERT_EQ(dirty(bm), 0);
  EXPECT_EQ(bm[0], 0xffffull << 32);  // pages 32-47 of the slot
  EXPECT_EQ(bm[1], 0u);
  XiveEq reset = {};
  ASSERT_EQ(SetEq(d, EqId(0, 1), reset), 0);
  ASSERT_EQ(dirty(bm), 0);
  EXPECT_EQ(bm[0], 0xffffull << 32);
  Release(d);
}

// A vCPU in KVM_RUN is woken by an event at a priority more favoured
// than its CPPR, and only then.
TEST_F(XiveNativeTest, AnEventAboveTheCpprWakesTheVcpu) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  ASSERT_EQ(SetEq(d, EqId(0, 4), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 20, 0), 0);
  ASSERT_EQ(Config(d, 20, Cfg(0, 4, 20)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 20, 0xc00), 1);
  // CPPR 0 (a new presenter): the event is queued, the vCPU would not take
  // it, and KVM_RUN waits (until the pending signal ends it)
  EXPECT_EQ(kx_xive_esb_trigger(d, 20), 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80000014u);
  kx_run run = {};
  host::raise_signal();
  EXPECT_EQ(kx_vcpu_run(v, &run), -EINTR);
  EXPECT_EQ(run.exit.reason, static_cast<uint32_t>(KX_EXIT_INTR));
  // CPPR 0xff: the NVT's IPB still holds priority 4, so it does not wait
  uint64_t vp[2] = {0xffull << 8, 0};
  EXPECT_EQ(Reg(v, true, KX_REG_PPC_VP_STATE, vp), 0);
  run = {};
  EXPECT_EQ(kx_vcpu_run(v, &run), 0);
  EXPECT_EQ(run.exit.reason, static_cast<uint32_t>(KX_EXIT_EXT_INTERRUPT));
  host::clear_signal();
  // CPPR 4: priority 4 is not more favoured
  vp[0] = 0x04ull << 8;
  EXPECT_EQ(Reg(v, true, KX_REG_PPC_VP_STATE, vp), 0);
  host::raise_signal();
  run = {};
  EXPECT_EQ(kx_vcpu_run(v, &run), -EINTR);
  host::clear_signal();
  Release(d);
}

// An irqfd on GSI n triggers source n from the eventfd's wakeup (the
// host platform's poller thread), as KVM_IRQ_LINE does.
TEST_F(XiveNativeTest, AnIrqfdWriteQueuesAnEvent) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  ASSERT_EQ(SetEq(d, EqId(0, 6), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 42, 0), 0);
  ASSERT_EQ(Config(d, 42, Cfg(0, 6, 0x42)), 0);
  ASSERT_EQ(kx_xive_esb_load(d, 42, 0xc00), 1);
  const int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  ASSERT_GE(efd, 0);
  struct {
    uint32_t fd, gsi, flags, resamplefd;
    uint8_t pad[16];
  } args = {static_cast<uint32_t>(efd), 42, 0, 0, {}};
  ASSERT_EQ(kx_vm_ioctl(vm_, KX_IRQFD, reinterpret_cast<uintptr_t>(&args)), 0);
  const uint64_t one = 1;
  ASSERT_EQ(write(efd, &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  for (int i = 0; i < 1000 && !Entry(kQueueGpa, 0); i++) usleep(1000);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80000042u);
  EXPECT_EQ(kx_xive_esb_load(d, 42, 0x800), 2);
  args.flags = 1;  // KVM_IRQFD_FLAG_DEASSIGN
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQFD, reinterpret_cast<uintptr_t>(&args)), 0);
  Release(d);
  close(efd);
}

}  // namespace

// ------------------------------------------------------------ the mapping

// kvmppc_xive_native_mmap()'s offsets and sizes, in host pages; the
// faults' SIGBUS (an error) and views (Documentation/userspace-api.rst).
TEST_F(XiveNativeTest, MmapRowsAndFaultViews) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v));
  EXPECT_EQ(kx_device_mappable(d), 1);
  EXPECT_EQ(kx_device_mmap(d, KX_XIVE_TIMA_PAGE_OFFSET, 4), 0);
  EXPECT_EQ(kx_device_mmap(d, KX_XIVE_TIMA_PAGE_OFFSET, 5), -EINVAL);
  EXPECT_EQ(kx_device_mmap(d, KX_XIVE_ESB_PAGE_OFFSET, 2ul << 20), 0);
  EXPECT_EQ(kx_device_mmap(d, KX_XIVE_ESB_PAGE_OFFSET, (2ul << 20) + 1), -EINVAL);
  EXPECT_EQ(kx_device_mmap(d, 1, 1), -EINVAL);
  EXPECT_EQ(kx_device_mmap(d, 6, 2), -EINVAL);
  void* page = nullptr;
  EXPECT_NE(kx_device_fault(d, 0, &page), 0);  // HW
  EXPECT_NE(kx_device_fault(d, 1, &page), 0);  // HV
  void *os = nullptr, *user = nullptr;
  ASSERT_EQ(kx_device_fault(d, 2, &os), 0);
  ASSERT_EQ(kx_device_fault(d, 3, &user), 0);  // exposed, as xive.rst says
  EXPECT_EQ(os, user);
  for (int i = 0; i < 4096; i++) ASSERT_EQ(static_cast<uint8_t*>(os)[i], 0) << i;
  // sources: none, not initialised, initialised
  EXPECT_NE(kx_device_fault(d, 4 + 2 * 7, &page), 0);
  EXPECT_NE(kx_device_fault(d, 4 + 2 * 7 + 1, &page), 0);
  ASSERT_EQ(Source(d, 6, 0), 0);
  EXPECT_NE(kx_device_fault(d, 4 + 2 * 7 + 1, &page), 0);  // block, never initialised
  void *trig = nullptr, *mgmt = nullptr;
  ASSERT_EQ(kx_device_fault(d, 4 + 2 * 6, &trig), 0);
  ASSERT_EQ(kx_device_fault(d, 4 + 2 * 6 + 1, &mgmt), 0);
  const uint8_t* t = static_cast<uint8_t*>(trig);
  const uint8_t* m = static_cast<uint8_t*>(mgmt);
  for (int i = 0; i < 4096; i++) ASSERT_EQ(t[i], 0xff) << i;
  for (int i = 0; i < 0x800; i++) ASSERT_EQ(m[i], 0xff) << i;
  for (int i = 0x800; i < 4096; i++) ASSERT_EQ(m[i], (i & 7) == 7 ? 1 : 0) << i;  // PQ 01
  void* again = nullptr;
  ASSERT_EQ(kx_device_fault(d, 4 + 2 * 6 + 1, &again), 0);
  EXPECT_EQ(again, mgmt);  // one page per source
  // the view follows every PQ change
  EXPECT_EQ(kx_xive_esb_load(d, 6, 0xc00), 1);
  EXPECT_EQ(m[0x807], 0);
  EXPECT_EQ(kx_xive_esb_trigger(d, 6), 0);
  EXPECT_EQ(m[0x807], 2);
  EXPECT_EQ(m[0xff7], 2);
  EXPECT_EQ(kx_xive_esb_trigger(d, 6), 0);
  EXPECT_EQ(m[0xc07], 3);
  EXPECT_EQ(kx_xive_esb_load(d, 6, 0x000), 1);  // EOI with Q: notified again
  EXPECT_EQ(m[0x807], 2);
  ASSERT_EQ(Source(d, 2000, 0), 0);  // another block's source
  ASSERT_EQ(kx_device_fault(d, 4 + 2 * 2000 + 1, &page), 0);
  EXPECT_NE(page, mgmt);
  EXPECT_EQ(kx_device_fault(d, 4 + (2ul << 20), &page), -EFAULT);  // past the numbers
  Release(d);  // the pages go with the device (the leak check)
}

// Re-initialising an existing source unmaps its two pages; the reset
// unmaps every source's; neither before the fd was mapped.
TEST_F(XiveNativeTest, ReinitAndResetUnmapTheEsbPages) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v));
  ASSERT_EQ(SetEq(d, EqId(0, 5), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 9, 0), 0);
  ASSERT_EQ(Source(d, 9, 0), 0);
  EXPECT_TRUE(host::take_unmaps().empty());  // not mapped yet
  int token;
  kx_device_set_mapping(d, &token);
  ASSERT_EQ(Source(d, 10, 0), 0);  // new: nothing to unmap
  EXPECT_TRUE(host::take_unmaps().empty());
  void* mgmt;
  ASSERT_EQ(kx_device_fault(d, 4 + 2 * 9 + 1, &mgmt), 0);
  ASSERT_EQ(Config(d, 9, Cfg(0, 5, 99)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 9, 0xc00), 1);
  EXPECT_EQ(kx_xive_esb_trigger(d, 9), 0);
  EXPECT_EQ(static_cast<uint8_t*>(mgmt)[0x807], 2);
  ASSERT_EQ(Source(d, 9, 0), 0);  // re-initialised: PQ 01, masked
  std::vector<host::Unmap> u = host::take_unmaps();
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].mapping, &token);
  EXPECT_EQ(u[0].pgoff, 4u + 2 * 9);
  EXPECT_EQ(u[0].npages, 2u);
  void* again;
  ASSERT_EQ(kx_device_fault(d, 4 + 2 * 9 + 1, &again), 0);  // the refault
  EXPECT_EQ(static_cast<uint8_t*>(again)[0x807], 1);
  ASSERT_EQ(Config(d, 9, Cfg(0, 5, 99)), 0);
  EXPECT_EQ(kx_xive_esb_load(d, 9, 0xc00), 1);
  EXPECT_EQ(static_cast<uint8_t*>(again)[0x807], 0);
  uint64_t reset = 0;
  ASSERT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XIVE_GRP_CTRL, KX_DEV_XIVE_RESET, &reset), 0);
  u = host::take_unmaps();
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].pgoff, 4u);
  EXPECT_EQ(u[0].npages, 2ul << 20);
  EXPECT_EQ(static_cast<uint8_t*>(again)[0x807], 1);  // the reset masked it: PQ 01
  Release(d);
}

// Found by xive_native_fuzzer: ACK_OS_REG with NSR's OS bit set by a
// VP_STATE set while nothing is pending (PIPR 0xff) acknowledges it as
// userspace-api.rst and QEMU's xive_tctx_accept() do: CPPR 0xff (the
// PIPR), NSR's bit down; it used to leave both.
TEST_F(XiveNativeTest, AckOsWithNothingPending) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 0));
  uint64_t vp[2] = {0x0000000000000580ull, 0};  // NSR 0x80, CPPR 5, IPB 0
  ASSERT_EQ(Reg(v, true, KX_REG_PPC_VP_STATE, vp), 0);
  auto tima = [&](unsigned off, unsigned len) {
    unsigned long long data = 0;
    EXPECT_EQ(kx_xive_native_device_ops.page_access(d, v, 2, off, len, 0, &data), 0);
    return static_cast<uint64_t>(data);
  };
  EXPECT_EQ(tima(0x810, 2), 0x80ffu);  // the NSR before, the new CPPR
  EXPECT_EQ(tima(0x10, 1), 0u);        // NSR down
  EXPECT_EQ(tima(0x11, 1), 0xffu);
  EXPECT_EQ(tima(0x810, 2), 0x00ffu);  // nothing to acknowledge now
  ASSERT_EQ(Reg(v, false, KX_REG_PPC_VP_STATE, vp), 0);
  EXPECT_EQ(vp[0] & 0xffff, 0xff00u);
  Release(d);
}

// The guest's loads and stores to RAM backed by the ESB and TIMA pages
// (as QEMU maps them into the guest): an event from the trigger store to
// the queue, the IPB, ACK_OS_REG and the EOI load.
TEST_F(XiveNativeTest, GuestAccessesToTheMappedPages) {
  kx_device* d;
  kx_vcpu* v;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v, 3));
  // the "mapping": memslot 1 over user memory the platform says is the
  // fd's pages, TIMA at kTima, the ESB pages of sources 0..15 at kEsb
  constexpr uint64_t kTima = 0x10000000, kEsb = 0x20000000;
  uint8_t* tima = static_cast<uint8_t*>(aligned_alloc(4096, 4 * 4096));
  uint8_t* esb = static_cast<uint8_t*>(aligned_alloc(4096, 32 * 4096));
  kx_memory_region r1 = {1, 0, kTima, 4 * 4096, reinterpret_cast<uintptr_t>(tima)};
  kx_memory_region r2 = {2, 0, kEsb, 32 * 4096, reinterpret_cast<uintptr_t>(esb)};
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r1), 0);
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r2), 0);
  host::bind_device_pages(reinterpret_cast<uintptr_t>(tima), 4 * 4096, d, 0);
  host::bind_device_pages(reinterpret_cast<uintptr_t>(esb), 32 * 4096, d, 4);
  auto access = [&](uint64_t gpa, unsigned len, bool write, uint64_t data, int* rc) {
    kx_guest_access a = {KX_ACCESS_MEM, write ? KX_ACCESS_WRITE : 0u, gpa, len, 0, data, {}};
    kx_exit exit = {};
    *rc = kx_vcpu_guest_access(v, &a, &exit);
    return a.data;
  };
  int rc;
  auto load = [&](uint64_t gpa, unsigned len) { return access(gpa, len, false, 0, &rc); };
  auto store = [&](uint64_t gpa, unsigned len, uint64_t val) { access(gpa, len, true, val, &rc); };
  const uint64_t os = kTima + 2 * 4096;
  const uint64_t trig5 = kEsb + 2 * 5 * 4096, mgmt5 = trig5 + 4096;
  ASSERT_EQ(SetEq(d, EqId(3, 2), Queue(kQueueGpa)), 0);
  ASSERT_EQ(Source(d, 5, 0), 0);
  ASSERT_EQ(Config(d, 5, Cfg(3, 2, 0x55)), 0);
  // unconnected sources and the HW/HV pages: the VMM's memory is not there
  load(kEsb + 2 * 6 * 4096, 8);
  EXPECT_EQ(rc, -EFAULT);
  store(kEsb + 2 * 6 * 4096, 8, 0);
  EXPECT_EQ(rc, -EFAULT);
  load(kTima, 8);
  EXPECT_EQ(rc, -EFAULT);
  load(kTima + 4096, 8);
  EXPECT_EQ(rc, -EFAULT);
  // the OS ring as connect left it (6.1's w01 0xff000000: byte 4, ACK#), PIPR 0xff: nothing pending
  EXPECT_EQ(load(os + 0x10, 8), 0x00000000ff0000ffull);
  EXPECT_EQ(rc, 0);
  store(os + 0x11, 1, 7);  // CPPR 7
  EXPECT_EQ(load(os + 0x11, 1), 7u);
  store(os + 0x11, 1, 0xff);
  EXPECT_EQ(load(mgmt5 + 0x800, 8), 1u);  // GET: PQ 01 (masked at init)
  EXPECT_EQ(load(mgmt5 + 0xc00, 8), 1u);  // SET_PQ_00: the old bits
  EXPECT_EQ(load(trig5, 8), ~0ull);       // trigger page loads: all ones
  store(trig5, 8, 0);                     // trigger
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(Entry(kQueueGpa, 0), 0x80000055u);
  EXPECT_EQ(load(mgmt5 + 0x800, 8), 2u);
  store(trig5, 8, 0);  // coalesced: PQ 11, nothing queued
  EXPECT_EQ(Entry(kQueueGpa, 1), 0u);
  EXPECT_EQ(load(mgmt5 + 0x800, 8), 3u);
  // IPB priority 2, PIPR 2, NSR's OS bit
  EXPECT_EQ(load(os + 0x10, 8), 0x80ff2000ff000002ull);
  EXPECT_EQ(load(os + 0x810, 2), 0x8002u);  // ACK_OS_REG: NSR, the new CPPR
  EXPECT_EQ(load(os + 0x10, 8), 0x00020000ff0000ffull);
  EXPECT_EQ(load(mgmt5 + 0x000, 8), 1u);  // EOI: Q was set, notified again
  EXPECT_EQ(Entry(kQueueGpa, 1), 0x80000055u);
  EXPECT_EQ(load(os + 0x10, 8), 0x00022000ff000002ull);  // pending at the CPPR: no NSR
  store(os + 0x11, 1, 0xff);
  EXPECT_EQ(load(os + 0x10, 1), 0x80u);
  EXPECT_EQ(load(os + 0x810, 2), 0x8002u);
  EXPECT_EQ(load(mgmt5 + 0x000, 8), 0u);
  EXPECT_EQ(load(mgmt5 + 0x800, 8), 0u);
  // the other management offsets, stores ignored (no store EOI on a POWER9)
  EXPECT_EQ(load(mgmt5 + 0x400, 4), 0xffffffffu);
  store(mgmt5 + 0x400, 8, 0);
  store(mgmt5 + 0xd00, 8, 0);
  EXPECT_EQ(load(mgmt5 + 0xd00, 8), 0u);  // SET_PQ_01
  EXPECT_EQ(load(mgmt5 + 0x800, 8), 1u);
  // SET_OS_PENDING, other TIMA offsets, the USER page
  store(os + 0x812, 1, 4);
  EXPECT_EQ(load(os + 0x12, 1), 0x08u);
  EXPECT_EQ(load(os + 0x30, 8), ~0ull);
  EXPECT_EQ(load(os + 0x18, 4), 0u);
  store(os + 0x12, 1, 0xff);  // not an OS store the page allows
  EXPECT_EQ(load(os + 0x12, 1), 0x08u);
  EXPECT_EQ(load(kTima + 3 * 4096, 8), ~0ull);
  EXPECT_EQ(rc, 0);
  // RAM stays RAM; the device's stores left the backing memory alone
  EXPECT_EQ(load(kQueueGpa, 4), 0x55000080u);  // a little-endian guest's word
  host::bind_device_pages(reinterpret_cast<uintptr_t>(tima), 0, nullptr, 0);
  host::bind_device_pages(reinterpret_cast<uintptr_t>(esb), 0, nullptr, 0);
  Release(d);
  free(tima);
  free(esb);
}

// A vCPU with no presenter on this device reads the TIMA OS page as the
// mapped view (no context pushed: zeros); its stores change nothing.
TEST_F(XiveNativeTest, UnconnectedVcpuSeesTheView) {
  kx_device* d;
  kx_vcpu *v, *w;
  ASSERT_NO_FATAL_FAILURE(DeviceAndVcpu(&d, &v));
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &w), 0);
  uint8_t* tima = static_cast<uint8_t*>(aligned_alloc(4096, 4 * 4096));
  kx_memory_region r1 = {1, 0, 0x10000000, 4 * 4096, reinterpret_cast<uintptr_t>(tima)};
  ASSERT_EQ(kx_vm_set_memory_region(vm_, &r1), 0);
  host::bind_device_pages(reinterpret_cast<uintptr_t>(tima), 4 * 4096, d, 0);
  kx_guest_access a = {KX_ACCESS_MEM, 0, 0x10000000 + 2 * 4096 + 0x10, 8, 0, 0, {}};
  kx_exit exit = {};
  EXPECT_EQ(kx_vcpu_guest_access(w, &a, &exit), 0);
  EXPECT_EQ(a.data, 0u);
  kx_guest_access st = {KX_ACCESS_MEM, KX_ACCESS_WRITE, 0x10000000 + 2 * 4096 + 0x11, 1, 0, 3, {}};
  EXPECT_EQ(kx_vcpu_guest_access(w, &st, &exit), 0);
  a.data = 0;
  EXPECT_EQ(kx_vcpu_guest_access(v, &a, &exit), 0);  // the connected vCPU's own context
  EXPECT_EQ(a.data, 0x00000000ff0000ffull);
  host::bind_device_pages(reinterpret_cast<uintptr_t>(tima), 0, nullptr, 0);
  Release(d);
  free(tima);
}
