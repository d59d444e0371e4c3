// SPDX-License-Identifier: GPL-2.0
// The FSL MPIC (arch/powerpc/mpic.cpp) through the C ABI, as the shim
// drives it on the emulated e500mc host: the host's choice, the device's
// attributes and their errno rows, the vCPU connection, the interrupt
// flow as the guest sees it at BASE_ADDR, GSI routing, MSIs, and a failed
// creation.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

constexpr uint64_t kBase = 0xe0040000;  // as QEMU's ppce500 places it
constexpr uint32_t kIvprMask = 1u << 31, kIvprActivity = 1u << 30, kIvprSense = 1u << 22;

constexpr uint32_t Ivpr(uint32_t prio, uint32_t vector) { return prio << 16 | vector; }
constexpr uint64_t Src(uint32_t irq) { return 0x10000 + irq * 0x20; }
constexpr uint64_t Cpu(uint32_t cpu) { return 0x20000 + cpu * 0x1000; }

class MpicTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_E500MC), 0);
    for (uint32_t t : {KX_DEV_TYPE_FSL_MPIC_20, KX_DEV_TYPE_FSL_MPIC_42})
      ASSERT_EQ(kx_register_device_ops(KX_PPC, t, &kx_mpic_device_ops), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
    fd_ = dup(0);
  }
  void TearDown() override {
    host::bind_device_fd(fd_, nullptr);
    close(fd_);
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_FSL_MPIC_20);
    kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_FSL_MPIC_42);
    ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
    kx_core_exit();
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }

  static int Attr(kx_device* d, kx_attr_op op, uint32_t group, uint64_t a, void* value) {
    kx_attr at = {0, group, a, reinterpret_cast<uintptr_t>(value)};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }
  uint32_t Reg(uint64_t off) {
    uint32_t v = 0xdeadbeef;
    EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_REGISTER, off, &v), 0) << std::hex << off;
    return v;
  }
  void SetReg(uint64_t off, uint32_t v) {
    EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_REGISTER, off, &v), 0) << std::hex << off;
  }
  int Line(uint32_t irq, uint32_t level) {
    return Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, irq, &level);
  }
  int SetBase(uint64_t base) { return Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_MISC, 0, &base); }
  long Connect(kx_vcpu* v, int fd, uint64_t cpu) {
    PpcEnableCap c = {};
    c.cap = KX_CAP_IRQ_MPIC;
    c.args[0] = static_cast<uint64_t>(fd);
    c.args[1] = cpu;
    return kx_vcpu_ioctl(v, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c));
  }
  // The MPIC of the test's model, placed at kBase, and vCPUs 0 and 1
  // connected as CPUs 0 and 1.
  void MpicAndTwoCpus() {
    ASSERT_EQ(kx_vm_create_device(vm_, GetParam(), 0, &d_), 0);
    host::bind_device_fd(fd_, d_);
    for (uint32_t i = 0; i < 2; i++) {
      ASSERT_EQ(kx_vm_create_vcpu(vm_, i, &v_[i]), 0);
      ASSERT_EQ(Connect(v_[i], fd_, i), 0);
    }
    ASSERT_EQ(SetBase(kBase), 0);
  }
  // A 4-byte (or 1-byte) guest access at BASE_ADDR + off from vCPU v.
  uint64_t Load(int v, uint64_t off, uint32_t len = 4, unsigned* result = nullptr) {
    kx_guest_access a = {KX_ACCESS_MEM, 0, kBase + off, len, 0, 0, {}};
    kx_exit exit = {};
    EXPECT_EQ(kx_vcpu_guest_access(v_[v], &a, &exit), 0);
    if (result) *result = a.result;
    return a.data;
  }
  unsigned Store(int v, uint64_t off, uint32_t val, uint32_t len = 4) {
    kx_guest_access a = {KX_ACCESS_MEM, KX_ACCESS_WRITE, kBase + off, len, 0, val, {}};
    kx_exit exit = {};
    EXPECT_EQ(kx_vcpu_guest_access(v_[v], &a, &exit), 0);
    return a.result;
  }
  // The vCPU's external input, as KVM_RUN's idle guest sees it.
  bool Output(int v) {
    kx_run run = {};
    host::raise_signal();
    const int r = kx_vcpu_run(v_[v], &run);
    host::clear_signal();
    return r == 0 && run.exit.reason == KX_EXIT_EXT_INTERRUPT;
  }
  bool V20() const { return GetParam() == KX_DEV_TYPE_FSL_MPIC_20; }

  kx_vm* vm_ = nullptr;
  kx_device* d_ = nullptr;
  kx_vcpu* v_[2] = {};
  int fd_ = -1;
  long live_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Models, MpicTest,
                         ::testing::Values(KX_DEV_TYPE_FSL_MPIC_20, KX_DEV_TYPE_FSL_MPIC_42),
                         [](const ::testing::TestParamInfo<uint32_t>& i) {
                           return i.param == KX_DEV_TYPE_FSL_MPIC_20 ? "v20" : "v42";
                         });

// The host decides the types and the capabilities; a VM keeps its host.
TEST_P(MpicTest, TheE500HostHasTheMpicAlone) {
  kx_device* d;
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_IRQ_MPIC), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_IRQ_MPIC), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_IRQ_XICS), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_PPC_PAPR), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_IRQ_ROUTING), 4096);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_SIGNAL_MSI), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_SPAPR_TCE), 0);
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_XICS, KX_CREATE_DEVICE_TEST, &d), -ENODEV);
  EXPECT_EQ(kx_vm_create_device(vm_, GetParam(), KX_CREATE_DEVICE_TEST, &d), 0);
  ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_POWER8), 0);
  kx_vm* p8;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &p8), 0);
  EXPECT_EQ(kx_vm_create_device(p8, GetParam(), KX_CREATE_DEVICE_TEST, &d), -ENODEV);
  EXPECT_EQ(kx_check_extension(KX_PPC, p8, KX_CAP_IRQ_MPIC), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, p8, KX_CAP_IRQ_ROUTING), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, p8, KX_CAP_SIGNAL_MSI), 0);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_SIGNAL_MSI), 0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_SIGNAL_MSI), 1);
  EXPECT_EQ(kx_check_extension(KX_PPC, vm_, KX_CAP_IRQ_MPIC), 1);  // made on the e500mc
  kx_vm_put(p8);
  // kvm_arch_init_vm(): the e500mc's KVM is kvmppc_pr_ops
  kx_vm* vm;
  ASSERT_EQ(kx_ppc_set_host(KX_PPC_HOST_E500MC), 0);
  EXPECT_EQ(kx_vm_create(KX_PPC, KX_VM_PPC_HV, nullptr, &vm), -EINVAL);
  ASSERT_EQ(kx_vm_create(KX_PPC, KX_VM_PPC_PR, nullptr, &vm), 0);
  kx_vm_put(vm);
}

// mpic_create(): one MPIC of either type (-EINVAL), a name, the reset
// registers of the model.
TEST_P(MpicTest, OnePerVmAndItsResetState) {
  ASSERT_EQ(kx_vm_create_device(vm_, GetParam(), 0, &d_), 0);
  EXPECT_STREQ(kx_device_name(d_), "kvm-mpic");
  kx_device* again;
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_FSL_MPIC_20, 0, &again), -EINVAL);
  EXPECT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_FSL_MPIC_42, 0, &again), -EINVAL);
  EXPECT_EQ(Reg(0x0), V20() ? 0x00400200u : 0x00400402u);                      // BRR1
  EXPECT_EQ(Reg(0x1000), (V20() ? 79u << 16 : 195u << 16) | 2 | 0xffffff00u);  // no CPU yet
  EXPECT_EQ(Reg(0x1020), 0u);                                                  // GCR
  EXPECT_EQ(Reg(0x1080), 0u);                                                  // VIR
  EXPECT_EQ(Reg(0x10e0), 0xffffu);                                             // SPVE
  EXPECT_EQ(Reg(Src(0)), kIvprMask);
  EXPECT_EQ(Reg(Src(16)), kIvprMask | 1u << 23);            // internal: polarity
  EXPECT_EQ(Reg(Src(0) + 0x10), 0u);                        // IDR: no CPU to take bit 0
  EXPECT_EQ(Reg(Src(0) + 0x18), V20() ? 0xffffffffu : 0u);  // ILR (v4.2)
  EXPECT_EQ(Reg(0x10a0), kIvprMask);                        // IPI 0
  EXPECT_EQ(Reg(0x1110), kIvprMask);   // 6.1 reads TVPR0 here, 0x10 after its writes
  EXPECT_EQ(Reg(Cpu(3) + 0x80), 15u);  // CTPR
  EXPECT_EQ(Reg(Cpu(3) + 0x90), 3u);   // WHOAMI
  EXPECT_EQ(Reg(0x80), 0xffffffffu);   // the "this CPU" alias: none from the fd
  EXPECT_EQ(Reg(0x3800), 0u);          // summary
  uint32_t v;
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_REGISTER, 0x1601, &v), -ENXIO);  // unaligned
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_REGISTER, 0x1608, &v), -ENXIO);  // MSI's & 0xf
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_REGISTER, 0x4000, &v), -ENXIO);  // no block
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_REGISTER, 0x1ull << 32, &v), -ENXIO);
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_REGISTER, 0x1090, &v), -ENXIO);  // PIR
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_REGISTER, 0x10e0, nullptr), -EFAULT);
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_REGISTER, 0x10e0, nullptr), -EFAULT);
}

TEST_P(MpicTest, AttributeErrnos) {
  ASSERT_EQ(kx_vm_create_device(vm_, GetParam(), 0, &d_), 0);
  uint64_t base = 0;
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_MISC, 0, &base), 0);
  EXPECT_EQ(base, 0u);
  EXPECT_EQ(SetBase(0x20000), -EINVAL);  // 256 KiB aligned
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_MISC, 0, nullptr), -EFAULT);
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_MISC, 1, &base), -ENXIO);
  EXPECT_EQ(Attr(d_, KX_ATTR_HAS, KX_DEV_MPIC_GRP_MISC, 0, nullptr), 0);
  EXPECT_EQ(Attr(d_, KX_ATTR_HAS, KX_DEV_MPIC_GRP_MISC, 1, nullptr), -ENXIO);
  EXPECT_EQ(Attr(d_, KX_ATTR_HAS, KX_DEV_MPIC_GRP_REGISTER, 0x1234567, nullptr), 0);
  EXPECT_EQ(Attr(d_, KX_ATTR_HAS, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 255, nullptr), 0);
  EXPECT_EQ(Attr(d_, KX_ATTR_HAS, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 256, nullptr), -ENXIO);
  EXPECT_EQ(Attr(d_, KX_ATTR_HAS, 4, 0, nullptr), -ENXIO);
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, 4, 0, &base), -ENXIO);
  EXPECT_EQ(Line(256, 1), -EINVAL);
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 256, nullptr), -EINVAL);
  EXPECT_EQ(Attr(d_, KX_ATTR_SET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 3, nullptr), -EFAULT);
  EXPECT_EQ(Line(3, 2), -EINVAL);
  uint32_t v = 7;
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 3, &v), 0);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(Line(3, 1), 0);  // edge: latched
  EXPECT_EQ(Line(3, 0), 0);  // ignored
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 3, &v), 0);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(Line(20, 1), 0);  // level: the line
  EXPECT_EQ(Line(20, 0), 0);
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 20, &v), 0);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 256, &v), -EINVAL);
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 3, nullptr), -EFAULT);
}

// kvmppc_mpic_connect_vcpu() and powerpc.c's checks of the fd.
TEST_P(MpicTest, ConnectErrnos) {
  ASSERT_EQ(kx_vm_create_device(vm_, GetParam(), 0, &d_), 0);
  kx_vcpu *a, *b;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &a), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 1, &b), 0);
  const int plain = dup(0);
  EXPECT_EQ(Connect(a, -1, 0), -EBADF);
  EXPECT_EQ(Connect(a, plain, 0), -EPERM);
  host::bind_device_fd(fd_, d_);
  EXPECT_EQ(Connect(a, fd_, 32), -EPERM);
  EXPECT_EQ(Connect(a, fd_, 1ull << 32 | 5), 0);  // a u32: CPU 5
  EXPECT_EQ(Connect(b, fd_, 5), -EEXIST);
  EXPECT_EQ(Connect(a, fd_, 6), -EBUSY);
  EXPECT_EQ(Connect(b, fd_, 31), 0);
  EXPECT_EQ(Reg(0x1000) >> 8 & 0xff, 31u);  // FRR: 32 CPUs
  // With 32 CPUs 6.1's critical-bit shift is negative: no critical mask
  // (differences.rst), every bit a CPU's.
  SetReg(Src(7) + 0x10, 0xffffffff);
  EXPECT_EQ(Reg(Src(7) + 0x10), 0xffffffffu);
  PpcEnableCap c = {};
  c.cap = KX_CAP_IRQ_XICS;
  EXPECT_EQ(kx_vcpu_ioctl(a, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)), -EINVAL);
  close(plain);
}

// kvmppc_sanity_check() on the e500mc: a vCPU runs from its creation;
// KVM_CAP_PPC_PAPR is taken and makes it insane ("PAPR only works with
// book3s_64"), after which KVM_RUN is refused and a connection that is
// made answers -EINVAL.
TEST_P(MpicTest, PaprMakesAnE500VcpuInsane) {
  ASSERT_EQ(kx_vm_create_device(vm_, GetParam(), 0, &d_), 0);
  host::bind_device_fd(fd_, d_);
  kx_vcpu* v;
  ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &v), 0);
  kx_run run = {};
  host::raise_signal();
  EXPECT_EQ(kx_vcpu_run(v, &run), -EINTR);  // sane: it waits
  host::clear_signal();
  PpcEnableCap c = {};
  c.cap = KX_CAP_PPC_PAPR;
  EXPECT_EQ(kx_vcpu_ioctl(v, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)), -EINVAL);
  run = {};
  EXPECT_EQ(kx_vcpu_run(v, &run), -EINVAL);
  EXPECT_EQ(run.exit.reason, static_cast<unsigned>(KX_EXIT_INTERNAL_ERROR));
  EXPECT_EQ(Connect(v, fd_, 0), -EINVAL);
  EXPECT_EQ(Connect(v, fd_, 1), -EBUSY);  // connected all the same
}

// The guest's view: a source raised to CPU 0 lifts its output, IACK takes
// the vector, EOI ends it; CTPR and priorities gate; masking withdraws.
TEST_P(MpicTest, RaiseIackEoi) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  SetReg(Src(3), Ivpr(5, 0x33));  // edge, unmasked, priority 5
  SetReg(Src(3) + 0x10, 1);       // CPU 0
  SetReg(Cpu(0) + 0x80, 0);       // CTPR 0
  EXPECT_FALSE(Output(0));
  EXPECT_EQ(Line(3, 1), 0);
  EXPECT_TRUE(Output(0));
  EXPECT_FALSE(Output(1));
  EXPECT_EQ(Load(0, 0x10a0), Reg(0x10a0));  // the guest reads the registers the VMM does
  EXPECT_EQ(Load(0, 0xa0), 0x33u);          // IACK through the "this CPU" alias
  EXPECT_FALSE(Output(0));
  EXPECT_EQ(Load(0, 0xa0), 0xffffu);  // spurious
  // a higher priority one preempts, a lower one waits for the EOI
  SetReg(Src(4), Ivpr(7, 0x44));
  SetReg(Src(4) + 0x10, 1);
  SetReg(Src(2), Ivpr(2, 0x22));
  SetReg(Src(2) + 0x10, 1);
  EXPECT_EQ(Line(2, 1), 0);
  EXPECT_FALSE(Output(0));  // hidden by 3 in service
  EXPECT_EQ(Line(4, 1), 0);
  EXPECT_TRUE(Output(0));
  EXPECT_EQ(Load(0, 0xa0), 0x44u);
  EXPECT_EQ(Store(0, 0xb0, 0), KX_ACCESS_RESULT_KERNEL);  // EOI 4
  EXPECT_FALSE(Output(0));
  EXPECT_EQ(Store(0, 0xb0, 0), KX_ACCESS_RESULT_KERNEL);  // EOI 3
  EXPECT_TRUE(Output(0));
  EXPECT_EQ(Load(0, Cpu(0) + 0xa0), 0x22u);  // the per-CPU page
  EXPECT_EQ(Store(0, Cpu(0) + 0xb0, 0), KX_ACCESS_RESULT_KERNEL);
  // CTPR at or above the priority holds it back; lowering it delivers
  SetReg(Cpu(0) + 0x80, 5);
  EXPECT_EQ(Line(3, 1), 0);
  EXPECT_FALSE(Output(0));
  EXPECT_EQ(Store(0, 0x80, 4), KX_ACCESS_RESULT_KERNEL);  // CTPR through the alias
  EXPECT_TRUE(Output(0));
  EXPECT_EQ(Load(0, 0x80), 4u);
  // masking withdraws a level source
  SetReg(Src(3), Ivpr(5, 0x33) | kIvprMask);
  EXPECT_FALSE(Output(0));
  EXPECT_EQ(Reg(Src(3)) & kIvprActivity, 0u);
  EXPECT_EQ(Load(1, 0x90), 1u);  // WHOAMI
  // A byte read is the register's byte at that address (big-endian), of
  // the register 6.1 decodes there: off its 16-byte slot, none.
  EXPECT_EQ(Load(0, 0x1000, 1), Reg(0x1000) >> 24);
  EXPECT_EQ(Load(0, 0x1002, 1), 0xffu);
  EXPECT_EQ(Load(1, 0x93, 1), 0xffu);
}

// A level source stays raised until its line drops; the IVPR's sense bit
// makes an external source level.
TEST_P(MpicTest, LevelSources) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  SetReg(Cpu(1) + 0x80, 0);
  SetReg(Src(1), Ivpr(3, 0x11) | kIvprSense);
  SetReg(Src(1) + 0x10, 2);  // CPU 1
  EXPECT_EQ(Line(1, 1), 0);
  EXPECT_TRUE(Output(1));
  EXPECT_EQ(Load(1, 0xa0), 0x11u);
  EXPECT_EQ(Store(1, 0xb0, 0), KX_ACCESS_RESULT_KERNEL);
  EXPECT_TRUE(Output(1));  // still asserted
  EXPECT_EQ(Line(1, 0), 0);
  EXPECT_FALSE(Output(1));
  // A routed KVM_IRQ_LINE's level is kept as given, as 6.1's int pending
  struct {
    uint32_t nr, flags;
    uint32_t e[12];
  } r = {1, 0, {1, 1, 0, 0, 0, 1}};  // GSI 1 -> pin 1
  ASSERT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&r)), 0);
  EXPECT_EQ(kx_vm_irq_line(vm_, 1, 0x80000000), 0);
  EXPECT_TRUE(Output(1));
  uint32_t v;
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 1, &v), 0);
  EXPECT_EQ(v, 0x80000000u);
  EXPECT_EQ(kx_vm_irq_line(vm_, 1, 0), 0);
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_IRQ_ACTIVE, 1, &v), 0);
  EXPECT_EQ(v, 0u);
}

// IPIDR fires an IPI at the CPUs written; each takes it once.
TEST_P(MpicTest, Ipis) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  for (uint32_t c : {0u, 1u}) SetReg(Cpu(c) + 0x80, 0);
  SetReg(0x10b0, Ivpr(9, 0x91));                          // IPI 1
  EXPECT_EQ(Store(0, 0x50, 3), KX_ACCESS_RESULT_KERNEL);  // IPIDR1 -> CPUs 0 and 1
  EXPECT_TRUE(Output(0));
  EXPECT_TRUE(Output(1));
  EXPECT_EQ(Load(1, 0xa0), 0x91u);
  EXPECT_EQ(Load(0, 0xa0), 0x91u);
  EXPECT_EQ(Load(0, 0xa0), 0xffffu);
  EXPECT_EQ(Load(1, 0xa0), 0xffffu);
  // The EOIs complete source 257, which no GSI routes to (differences.rst)
  EXPECT_EQ(Store(0, 0xb0, 0), KX_ACCESS_RESULT_KERNEL);
  EXPECT_EQ(Store(1, 0xb0, 0), KX_ACCESS_RESULT_KERNEL);
  EXPECT_EQ(Load(0, 0xa0), 0xffffu);
}

// MSIIR: bank and bit; the bank's source (224 + bank) stays up until its
// MSIR is read, which clears it. KVM_SIGNAL_MSI and MSI routes write it.
TEST_P(MpicTest, Msis) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  SetReg(Cpu(0) + 0x80, 0);
  SetReg(Src(226), Ivpr(4, 0xe2));
  SetReg(Src(226) + 0x10, 1);
  SetReg(0x1740, 2u << 29 | 7u << 24);  // MSIIR: bank 2, bit 7
  EXPECT_TRUE(Output(0));
  EXPECT_EQ(Reg(0x1720), 1u << 2);  // MSISR
  EXPECT_EQ(Load(0, 0xa0), 0xe2u);
  kx_msi msi = {0xe0041740, 0, 2u << 29 | 9u << 24, 0, 0};
  EXPECT_EQ(kx_vm_signal_msi(vm_, &msi), 0);
  EXPECT_EQ(Load(0, 0x1620), (1u << 7) | (1u << 9));  // MSIR2, read-to-clear
  EXPECT_EQ(Reg(0x1620), 0u);
  EXPECT_EQ(Reg(0x1720), 0u);
  EXPECT_EQ(Store(0, 0xb0, 0), KX_ACCESS_RESULT_KERNEL);
  EXPECT_FALSE(Output(0));
  msi.flags = 2;
  EXPECT_EQ(kx_vm_signal_msi(vm_, &msi), -EINVAL);
}

// KVM_IRQ_LINE goes through the routing table, which the MPIC's creation
// emptied; irqchip 0 has 256 pins.
TEST_P(MpicTest, Routing) {
  struct {
    uint32_t nr, flags;
    uint32_t e[3][12];
  } r = {};
  auto entry = [&](int i, uint32_t gsi, uint32_t type, uint32_t a, uint32_t b, uint32_t c) {
    r.e[i][0] = gsi;
    r.e[i][1] = type;
    r.e[i][4] = a;
    r.e[i][5] = b;
    r.e[i][6] = c;
  };
  uint32_t line[2] = {5, 1};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)), -ENXIO);
  kx_msi early = {0, 0, 1u << 24, 0, 0};
  EXPECT_EQ(kx_vm_signal_msi(vm_, &early), -EINVAL);  // no MPIC yet: !irqchip_in_kernel()
  r.nr = 1;
  entry(0, 5, 1, 0, 256, 0);  // pin 256
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&r)), -EINVAL);
  entry(0, 5, 1, 1, 3, 0);  // irqchip 1
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&r)), -EINVAL);
  entry(0, 5, 1, 0, 3, 0);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&r)), 0);
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());  // empties the table
  SetReg(Cpu(0) + 0x80, 0);
  SetReg(Src(3), Ivpr(5, 0x33));
  SetReg(Src(3) + 0x10, 1);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)), 0);
  EXPECT_EQ(line[0], 0xffffffffu);  // no route: -1
  EXPECT_FALSE(Output(0));
  r.nr = 2;
  entry(0, 5, 1, 0, 3, 0);
  entry(1, 6, 2, 0xe0041740, 0, 1u << 29 | 1u << 24);  // an MSI route
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&r)), 0);
  line[0] = 5;
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_IRQ_LINE_STATUS, reinterpret_cast<uintptr_t>(line)), 0);
  EXPECT_EQ(line[0], 0u);
  EXPECT_TRUE(Output(0));
  EXPECT_EQ(kx_vm_irq_line(vm_, 6, 1), 0);
  EXPECT_EQ(Reg(0x1610), 2u);               // MSIR1 bit 1
  EXPECT_EQ(kx_vm_irq_line(vm_, 6, 0), 0);  // 6.1's kvm_set_msi() ignores the level
  EXPECT_EQ(Reg(0x1610), 2u);
}

// BASE_ADDR maps and unmaps the space; PIR and what 6.1 refuses go to the
// VMM as MMIO exits.
TEST_P(MpicTest, MappingAndExits) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  unsigned result;
  Load(0, 0x1000, 4, &result);
  EXPECT_EQ(result, KX_ACCESS_RESULT_KERNEL);
  EXPECT_EQ(Store(0, 0x1090, 1), KX_ACCESS_RESULT_EXIT);     // PIR
  EXPECT_EQ(Store(0, 0x10e0, 1, 2), KX_ACCESS_RESULT_EXIT);  // a 2-byte write
  Load(0, 0x1000, 2, &result);
  EXPECT_EQ(result, KX_ACCESS_RESULT_EXIT);
  Load(0, 0x4000, 4, &result);  // no block there
  EXPECT_EQ(result, KX_ACCESS_RESULT_EXIT);
  EXPECT_EQ(SetBase(kBase + 0x40000), 0);
  Load(0, 0x1000, 4, &result);
  EXPECT_EQ(result, KX_ACCESS_RESULT_EXIT);
  EXPECT_EQ(SetBase(0), 0);
  uint64_t base = 1;
  EXPECT_EQ(Attr(d_, KX_ATTR_GET, KX_DEV_MPIC_GRP_MISC, 0, &base), 0);
  EXPECT_EQ(base, 0u);
  EXPECT_EQ(SetBase(kBase), 0);
  Load(0, 0x1000, 4, &result);
  EXPECT_EQ(result, KX_ACCESS_RESULT_KERNEL);
  EXPECT_EQ(SetBase(~0ull << 18), 0);  // the last 256 KiB: kept, mapping nothing
}

// An ILR names any output of its low byte; one past the three 6.1
// counts (INT, critical, machine check) reaches nothing
// (differences.rst). A critical output reaches no vCPU either.
TEST_P(MpicTest, IlrOutputs) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  SetReg(Cpu(0) + 0x80, 0);
  SetReg(Src(20), Ivpr(5, 0x20));
  SetReg(Src(20) + 0x10, 1);
  SetReg(Src(20) + 0x18, 0x1234);
  EXPECT_EQ(Reg(Src(20) + 0x18), V20() ? 0xffffffffu : 0x34u);
  EXPECT_EQ(Line(20, 1), 0);
  EXPECT_EQ(Output(0), V20());  // v2.0 has no ILR: INT
  EXPECT_EQ(Line(20, 0), 0);
  if (V20()) {
    SetReg(Src(20) + 0x10, 1u << 30);  // IDR's critical bit for CPU 0 (CI0)
    EXPECT_EQ(Reg(Src(20) + 0x10), 1u << 30);
  } else {
    SetReg(Src(20) + 0x18, 1);  // ILR: critical
  }
  EXPECT_EQ(Line(20, 1), 0);
  EXPECT_FALSE(Output(0));
}

// GCR's reset bit: registers back to reset, the vCPU's input untouched.
TEST_P(MpicTest, GcrReset) {
  ASSERT_NO_FATAL_FAILURE(MpicAndTwoCpus());
  SetReg(Cpu(0) + 0x80, 0);
  SetReg(Src(3), Ivpr(5, 0x33));
  SetReg(Src(3) + 0x10, 1);
  SetReg(0x1020, V20() ? 0x20000000 : 0x60000000);
  EXPECT_EQ(Reg(0x1020), V20() ? 0x20000000u : 0x60000000u);
  SetReg(0x1020, 0x40000000);  // not this model's mode bits alone
  EXPECT_EQ(Reg(0x1020), V20() ? 0u : 0x40000000u);
  EXPECT_EQ(Line(3, 1), 0);
  EXPECT_TRUE(Output(0));
  SetReg(0x1020, 0x80000000);
  EXPECT_EQ(Reg(0x1020), 0u);
  EXPECT_EQ(Reg(Src(3)), kIvprMask);
  EXPECT_EQ(Reg(Src(3) + 0x10), 1u);  // IDR's reset: CPU 0, now that it exists
  EXPECT_EQ(Reg(Cpu(0) + 0x80), 15u);
  EXPECT_TRUE(Output(0));  // 6.1's reset does not lower it
}

// Every allocation of a creation fails in turn: -ENOMEM and nothing
// left, or an MPIC.
TEST_P(MpicTest, FailedCreation) {
  for (long n = 0;; n++) {
    host::fail_allocation_after(n);
    const int r = kx_vm_create_device(vm_, GetParam(), 0, &d_);
    host::fail_allocation_after(-1);
    if (r == 0) break;
    ASSERT_EQ(r, -ENOMEM);
  }
  EXPECT_EQ(Reg(0x10e0), 0xffffu);
}

}  // namespace
