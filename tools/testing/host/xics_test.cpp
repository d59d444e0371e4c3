// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_XICS (arch/powerpc/xics.cpp) through the C ABI, as the
// shim drives it: the device's life, the emulated host's choice, the
// source words' errno rows and round trips, a failed ICS allocation.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

constexpr uint64_t Prio(uint64_t p) { return p << KX_XICS_PRIORITY_SHIFT; }

class XicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    ASSERT_EQ(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_XICS, &kx_xics_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
  }
  void TearDown() override {
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_XICS);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  static int Attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  static int Set(kx_device* d, uint64_t irq, uint64_t word) {
    return Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, irq, &word);
  }
  static int Get(kx_device* d, uint64_t irq, uint64_t* word) {
    return Attr(d, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, irq, word);
  }
  // An XICS and vCPUs 0 (in PAPR mode) and 1.
  void XicsAndTwoVcpus(kx_device** d, kx_vcpu** v0, kx_vcpu** v1) {
    ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, d), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, v0), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, v1), 0);
    ASSERT_EQ(ppc_enable_papr(*v0), 0);
  }
  kx_vm* vm_ = nullptr;
  long live_ = 0;
};

TEST_F(XicsTest, OnePerVmReleasedWithItsFd) {
  kx_device *d, *again;
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &d), 0);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);
  EXPECT_STREQ(kx_device_name(d), "kvm-xics");
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &again), -EEXIST);
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &again), 0);
  EXPECT_EQ(Set(d, 100, Prio(0xff)), 0);
  kx_device_release(d);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &again), 0);
  uint64_t w;
  EXPECT_EQ(Get(again, 100, &w), -ENOENT);
  kx_device_release(again);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_IRQ_XICS), 1);
}

TEST_F(XicsTest, TheVmsHostDecides) {
  kx_vm* p9;
  kx_device* d;
  EXPECT_EQ(kx_ppc_set_host(7), -EINVAL);
  ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
  EXPECT_EQ(kx_ppc_get_host(), static_cast<unsigned>(KX_PPC_HOST_POWER9));
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &p9), 0);
  EXPECT_EQ(kx_vm_create_device(p9, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &d), 0);
  ASSERT_EQ(kx_vm_create_device(p9, KX_DEV_TYPE_XICS, 0, &d), 0);
  EXPECT_STREQ(kx_device_name(d), "kvm-xive");  // XICS-on-XIVE
  kx_device_release(d);
  EXPECT_EQ(kx_check_extension(KX_PPC, p9, KX_CAP_IRQ_XICS), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_IRQ_XICS), 1);
  kx_vm_put(p9);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);  // made on POWER8
  EXPECT_STREQ(kx_device_name(d), "kvm-xics");
  kx_device_release(d);
}

TEST_F(XicsTest, SourceWordsAndErrnos) {
  kx_device* d;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);
  uint64_t w;
  EXPECT_EQ(Set(d, 15, Prio(0xff)), -ENOENT);
  EXPECT_EQ(Set(d, 0x100000, Prio(0xff)), -ENOENT);
  EXPECT_EQ(Set(d, ~0ull, Prio(0xff)), -ENOENT);
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_SOURCES, 16, nullptr), -EFAULT);
  EXPECT_EQ(Set(d, 16, Prio(4)), -EINVAL);  // no server
  EXPECT_EQ(Get(d, 16, &w), -ENOENT);
  EXPECT_EQ(Set(d, 16, Prio(0xff) | KX_XICS_LEVEL_SENSITIVE | KX_XICS_PENDING | 42), 0);
  EXPECT_EQ(Get(d, 16, &w), 0);
  EXPECT_EQ(w, Prio(0xff) | KX_XICS_MASKED | KX_XICS_LEVEL_SENSITIVE | KX_XICS_PENDING |
                   KX_XICS_PRESENTED | 42);
  EXPECT_EQ(Set(d, 17, Prio(0xff) | KX_XICS_PENDING | KX_XICS_QUEUED), 0);
  EXPECT_EQ(Get(d, 17, &w), 0);
  EXPECT_EQ(w, Prio(0xff) | KX_XICS_MASKED | KX_XICS_PRESENTED | KX_XICS_QUEUED);
  EXPECT_EQ(Get(d, (1ull << 32) | 17, &w), 0);  // a u32 in the lookup
  EXPECT_EQ(Get(d, 18, &w), -ENOENT);
  EXPECT_EQ(Attr(d, KX_ATTR_GET, KX_DEV_XICS_GRP_SOURCES, 16, nullptr), -EFAULT);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XICS_GRP_SOURCES, 16, nullptr), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_HAS, KX_DEV_XICS_GRP_SOURCES, 15, nullptr), -ENXIO);
  uint32_t n = 4;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, &n), 0);
  EXPECT_EQ(Attr(d, KX_ATTR_GET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, &n), -ENXIO);
  n = 16385;
  EXPECT_EQ(Attr(d, KX_ATTR_SET, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, &n), -EINVAL);
  kx_device_release(d);
}

// Every allocation of a first set in an ICS fails in turn: -ENOMEM and no
// source, or success.
TEST_F(XicsTest, FailedIcsAllocation) {
  kx_device* d;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, 0, &d), 0);
  host::fail_allocation_after(0);
  EXPECT_EQ(Set(d, 2048, Prio(0xff)), -ENOMEM);
  host::fail_allocation_after(-1);
  uint64_t w;
  EXPECT_EQ(Get(d, 2048, &w), -ENOENT);
  EXPECT_EQ(Set(d, 2048, Prio(0xff)), 0);
  EXPECT_EQ(Get(d, 2048, &w), 0);
  kx_device_release(d);
}

// A vCPU connects through an fd that is the XICS's (kx_file_device()):
// errno rows, the ICP's first state, a delivery, release disconnecting.
TEST_F(XicsTest, ConnectAndIcpState) {
  kx_device* d;
  kx_vcpu *v0, *v1;
  ASSERT_NO_FATAL_FAILURE(XicsAndTwoVcpus(&d, &v0, &v1));
  const int fd = dup(0), plain = dup(0);
  host::bind_device_fd(fd, d);
  auto connect = [](kx_vcpu* v, int f, uint64_t server) {
    PpcEnableCap c = {};
    c.cap = KX_CAP_IRQ_XICS;
    c.args[0] = static_cast<uint64_t>(f);
    c.args[1] = server;
    return kx_vcpu_ioctl(v, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c));
  };
  auto icp = [](kx_vcpu* v, bool set, uint64_t* val) {
    uint64_t reg[2] = {KX_REG_PPC_ICP_STATE, reinterpret_cast<uintptr_t>(val)};
    return kx_vcpu_ioctl(v, set ? KX_SET_ONE_REG : KX_GET_ONE_REG,
                         reinterpret_cast<uintptr_t>(reg));
  };
  uint64_t val = 0;
  EXPECT_EQ(connect(v0, -1, 3), -EBADF);
  EXPECT_EQ(connect(v0, plain, 3), -EPERM);
  EXPECT_EQ(icp(v0, false, &val), -ENXIO);
  EXPECT_EQ(connect(v0, fd, 3), 0);
  uint32_t n = 8;
  kx_attr ctrl = {0, KX_DEV_XICS_GRP_CTRL, KX_DEV_XICS_NR_SERVERS, reinterpret_cast<uintptr_t>(&n)};
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&ctrl)), -EBUSY);
  EXPECT_EQ(connect(v0, fd, 4), -EBUSY);
  EXPECT_EQ(connect(v1, fd, 3), -EEXIST);
  EXPECT_EQ(connect(v1, fd, 4), -EINVAL);  // not in PAPR mode: connected, refused
  EXPECT_EQ(connect(v1, fd, 5), -EBUSY);
  EXPECT_EQ(icp(v0, false, &val), 0);
  EXPECT_EQ(val, 0xffff0000ull);
  val = 0xffull << 56 | 0xffull << 24 | 0xffull << 16;  // CPPR 0xff
  EXPECT_EQ(icp(v0, true, &val), 0);
  EXPECT_EQ(Set(d, 40, Prio(4) | KX_XICS_PENDING | 3), 0);
  EXPECT_EQ(icp(v0, false, &val), 0);
  EXPECT_EQ(val, 0xffull << 56 | 40ull << 32 | 0xffull << 24 | 4ull << 16);
  val = 0xffull << 56 | 40ull << 32 | 0xffull << 24 | 0xffull << 16;
  EXPECT_EQ(icp(v0, true, &val), -EINVAL);  // an interrupt without its priority
  host::bind_device_fd(fd, nullptr);
  kx_device_release(d);
  EXPECT_EQ(icp(v0, false, &val), -ENXIO);
  close(fd);
  close(plain);
}

// The guest's side: KVM_IRQ_LINE presents a source at the ICP, H_XIRR
// takes it, H_EOI completes it; a vCPU without an ICP hands the XICS
// hypercalls to the VMM; RTAS tokens.
TEST_F(XicsTest, IrqLineHypercallsAndRtas) {
  kx_device* d;
  kx_vcpu *v0, *v1;
  ASSERT_NO_FATAL_FAILURE(XicsAndTwoVcpus(&d, &v0, &v1));
  const int fd = dup(0);
  host::bind_device_fd(fd, d);
  PpcEnableCap c = {};
  c.cap = KX_CAP_IRQ_XICS;
  c.args[0] = static_cast<uint64_t>(fd);
  ASSERT_EQ(kx_vcpu_ioctl(v0, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)), 0);
  auto hcall = [](kx_vcpu* v, uint64_t nr, uint64_t r4, kx_exit* exit) {
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, nr, 8, 0, r4, {}};
    const int r = kx_vcpu_guest_access(v, &a, exit);
    return r ? static_cast<uint64_t>(r) : a.result == KX_ACCESS_RESULT_KERNEL ? a.args[0] : ~0ull;
  };
  kx_exit exit = {};
  EXPECT_EQ(hcall(v0, 0x68, 0xff, &exit), 0xffu);  // H_CPPR 0xff (r4 unchanged)
  EXPECT_EQ(Set(d, 20, Prio(5)), 0);
  EXPECT_EQ(kx_vm_irq_line(vm_, 20, 1), 0);
  EXPECT_EQ(hcall(v0, 0x74, 0, &exit), 0xff000014u);           // H_XIRR
  EXPECT_EQ(hcall(v0, 0x64, 0xff000014, &exit), 0xff000014u);  // H_EOI
  EXPECT_FALSE(exit.set);
  EXPECT_EQ(hcall(v1, 0x74, 7, &exit), ~0ull);
  EXPECT_TRUE(exit.set);
  EXPECT_EQ(exit.reason, static_cast<unsigned>(KX_EXIT_PAPR_HCALL));
  EXPECT_EQ(exit.hcall_nr, 0x74u);
  EXPECT_EQ(exit.hcall_args[0], 7u);
  struct {
    char name[120];
    uint64_t token;
  } tok = {"ibm,int-off", 9};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_PPC_RTAS_DEFINE_TOKEN, reinterpret_cast<uintptr_t>(&tok)), 0);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_PPC_RTAS_DEFINE_TOKEN, reinterpret_cast<uintptr_t>(&tok)), -EEXIST);
  host::bind_device_fd(fd, nullptr);
  kx_device_release(d);
  EXPECT_EQ(kx_vm_irq_line(vm_, 20, 1), -ENXIO);
  close(fd);
}

}  // namespace
