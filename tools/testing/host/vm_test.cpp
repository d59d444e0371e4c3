// SPDX-License-Identifier: GPL-2.0
// The spine through the C ABI, as the kernel shim drives it.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

class VmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    host::clear_signal();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    for (int p = 0; p < KX_NR_PERSONALITIES; p++)
      ASSERT_EQ(kx_register_device_ops(static_cast<kx_personality>(p), KX_DEV_TYPE_VFIO,
                                       &kx_vfio_device_ops),
                0);
  }
  void TearDown() override {
    for (int p = 0; p < KX_NR_PERSONALITIES; p++)
      kx_unregister_device_ops(static_cast<kx_personality>(p), KX_DEV_TYPE_VFIO);
    kx_core_exit();
    EXPECT_EQ(kx_vm_count(), 0u);
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  kx_vm* vm(kx_personality p = KX_ARM64, unsigned long type = 0) {
    kx_vm* v = nullptr;
    EXPECT_EQ(kx_vm_create(p, type, nullptr, &v), 0);
    return v;
  }
  long live_ = 0;
};

TEST_F(VmTest, CreateVmTypesFollowTheArchitecture) {
  kx_vm* v;
  EXPECT_EQ(kx_vm_create(KX_ARM64, 0, nullptr, &v), 0);
  kx_vm_put(v);
  EXPECT_EQ(kx_vm_create(KX_ARM64, 32, nullptr, &v), 0);
  kx_vm_put(v);
  EXPECT_EQ(kx_vm_create(KX_ARM64, 48, nullptr, &v), 0);
  kx_vm_put(v);
  EXPECT_EQ(kx_vm_create(KX_ARM64, 31, nullptr, &v), -EINVAL);
  EXPECT_EQ(kx_vm_create(KX_ARM64, 49, nullptr, &v), -EINVAL);
  EXPECT_EQ(kx_vm_create(KX_ARM64, 0x128, nullptr, &v), -EINVAL);
  EXPECT_EQ(kx_vm_create(KX_PPC, KX_VM_PPC_HV, nullptr, &v), 0);
  kx_vm_put(v);
  EXPECT_EQ(kx_vm_create(KX_PPC, KX_VM_PPC_PR, nullptr, &v), -EINVAL);
  EXPECT_EQ(kx_vm_create(KX_S390, 1, nullptr, &v), -EINVAL);
  EXPECT_EQ(kx_vm_count(), 0u);
}

TEST_F(VmTest, CheckExtensionAnswersPerPersonality) {
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_ARM_VM_IPA_SIZE), 48);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_ARM_VM_IPA_SIZE), 0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_READONLY_MEM), 1);
  EXPECT_EQ(kx_check_extension(KX_S390, nullptr, KX_CAP_READONLY_MEM), 0);
  EXPECT_EQ(kx_check_extension(KX_S390, nullptr, KX_CAP_MAX_VCPUS), 248);
  EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, KX_CAP_MAX_VCPU_ID), 16384);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_NR_MEMSLOTS), 32767);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, KX_CAP_MULTI_ADDRESS_SPACE), 0);
  EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, 100000), 0);
  EXPECT_EQ(kx_vcpu_mmap_pages(KX_ARM64), 2);
  EXPECT_EQ(kx_vcpu_mmap_pages(KX_S390), 1);
}

TEST_F(VmTest, VcpuIdsCountsAndDuplicates) {
  kx_vm* v = vm(KX_S390);
  kx_vcpu* c;
  EXPECT_EQ(kx_vm_create_vcpu(v, 0, &c), 0);
  EXPECT_EQ(kx_vcpu_id(c), 0u);
  EXPECT_EQ(kx_vm_create_vcpu(v, 0, &c), -EEXIST);
  EXPECT_EQ(kx_vm_create_vcpu(v, 248, &c), -EINVAL);
  for (unsigned id = 1; id < 248; id++) ASSERT_EQ(kx_vm_create_vcpu(v, id, &c), 0) << id;
  // The count bound: ids are exhausted too, so any id is refused.
  EXPECT_EQ(kx_vm_create_vcpu(v, 5, &c), -EINVAL);
  kx_vm_put(v);
}

TEST_F(VmTest, AbortedVcpuFreesItsIdAndCount) {
  kx_vm* v = vm();
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(v, 3, &c), 0);
  kx_vm_abort_vcpu(v, c);
  EXPECT_EQ(kx_vm_create_vcpu(v, 3, &c), 0);
  kx_vm_put(v);
}

TEST_F(VmTest, VcpuPagesExistPerPersonality) {
  kx_vm* v = vm(KX_S390);
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(v, 0, &c), 0);
  EXPECT_NE(kx_vcpu_page(c, 0), nullptr);
  EXPECT_EQ(kx_vcpu_page(c, 1), nullptr);
  kx_vm_put(v);
}

TEST_F(VmTest, RunHonoursImmediateExitAndSignals) {
  kx_vm* v = vm(KX_PPC);
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(v, 0, &c), 0);
  kx_run run = {};
  run.immediate_exit = 1;
  EXPECT_EQ(kx_vcpu_run(c, &run), -EINTR);
  EXPECT_EQ(run.exit.set, 0);  // kvm_run is left as it was

  ASSERT_EQ(ppc_enable_papr(c), 0);
  run = {};
  std::thread t([] {
    usleep(20000);
    host::raise_signal();
  });
  EXPECT_EQ(kx_vcpu_run(c, &run), -EINTR);
  EXPECT_EQ(run.exit.set, 1);
  EXPECT_EQ(run.exit.reason, static_cast<unsigned>(KX_EXIT_INTR));
  t.join();
  kx_vm_put(v);
}

// struct kvm_signal_mask with its sigset: len at 0, the set at 4.
struct SignalMask {
  uint8_t bytes[12];
  SignalMask(uint32_t len, uint64_t set) {
    memcpy(bytes, &len, 4);
    memcpy(bytes + 4, &set, 8);
  }
  unsigned long arg() const { return reinterpret_cast<unsigned long>(bytes); }
};

TEST_F(VmTest, SignalMaskHoldsOnlyInsideRun) {
  constexpr uint64_t kUsr1 = 1ull << (10 - 1);
  kx_vm* v = vm(KX_S390);
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(v, 0, &c), 0);
  EXPECT_EQ(kx_vcpu_ioctl(c, KX_SET_SIGNAL_MASK, SignalMask(4, kUsr1).arg()), -EINVAL);
  EXPECT_EQ(kx_vcpu_ioctl(c, KX_SET_SIGNAL_MASK, SignalMask(16, kUsr1).arg()), -EINVAL);
  EXPECT_EQ(kx_vcpu_ioctl(c, KX_SET_SIGNAL_MASK, host::kUserTop), -EFAULT);
  EXPECT_EQ(kx_vcpu_ioctl(c, KX_SET_SIGNAL_MASK, SignalMask(8, kUsr1).arg()), 0);
  EXPECT_EQ(host::thread_blocked(), 0u);  // not in force outside KVM_RUN

  // SIGUSR1 stays pending through the run; SIGUSR2 ends it.
  kx_run run = {};
  std::thread t([] {
    host::raise_signal(10);
    usleep(50000);
    host::raise_signal(12);
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(kx_vcpu_run(c, &run), -EINTR);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(40));
  EXPECT_EQ(run.exit.reason, static_cast<unsigned>(KX_EXIT_INTR));
  t.join();
  EXPECT_EQ(host::thread_blocked(), 0u);  // the thread's own mask again

  // No argument clears it: SIGUSR1 alone ends the run.
  host::clear_signal();
  EXPECT_EQ(kx_vcpu_ioctl(c, KX_SET_SIGNAL_MASK, 0), 0);
  host::raise_signal(10);
  EXPECT_EQ(kx_vcpu_run(c, &run), -EINTR);
  host::clear_signal();
  kx_vm_put(v);
}

TEST_F(VmTest, Arm64RunWithoutInitIsEnoexec) {
  kx_vm* v = vm(KX_ARM64);
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(v, 0, &c), 0);
  kx_run run = {};
  EXPECT_EQ(kx_vcpu_run(c, &run), -ENOEXEC);
  EXPECT_EQ(run.exit.set, 0);
  kx_vm_put(v);
}

TEST_F(VmTest, UnknownIoctlErrnosPerArchitecture) {
  EXPECT_EQ(kx_unknown_ioctl_errno(KX_ARM64, 0), -EINVAL);
  EXPECT_EQ(kx_unknown_ioctl_errno(KX_PPC, 0), -ENOTTY);
  EXPECT_EQ(kx_unknown_ioctl_errno(KX_S390, 1), -ENOTTY);
}

// The legacy irqchip ioctls off arm64: ppc's kvm_arch_vm_ioctl() has
// neither (-ENOTTY); s390's KVM_CREATE_IRQCHIP is -EINVAL without
// KVM_CAP_S390_IRQCHIP enabled, which kvm_ext does not offer yet.
TEST_F(VmTest, LegacyIrqchipIoctlsOffArm64) {
  kx_vm* p = vm(KX_PPC);
  kx_vm* s = vm(KX_S390);
  EXPECT_EQ(kx_vm_ioctl(p, KX_CREATE_IRQCHIP, 0), -ENOTTY);
  EXPECT_EQ(kx_vm_ioctl(p, KX_ARM_SET_DEVICE_ADDR, 0), -ENOTTY);
  EXPECT_EQ(kx_vm_ioctl(s, KX_CREATE_IRQCHIP, 0), -EINVAL);
  EXPECT_EQ(kx_vm_ioctl(s, KX_ARM_SET_DEVICE_ADDR, 0), -ENOTTY);
  EXPECT_EQ(kx_check_extension(KX_PPC, p, KX_CAP_ARM_SET_DEVICE_ADDR), 0);
  EXPECT_EQ(kx_check_extension(KX_S390, s, KX_CAP_ARM_SET_DEVICE_ADDR), 0);
  kx_vm_put(p);
  kx_vm_put(s);
}

TEST_F(VmTest, AttrOnVmAndVcpuFollowTheArchitecture) {
  kx_attr a = {0, 1234, 0, 0};
  const auto ua = reinterpret_cast<unsigned long long>(&a);
  kx_vm* arm = vm(KX_ARM64);
  kx_vcpu* c;
  ASSERT_EQ(kx_vm_create_vcpu(arm, 0, &c), 0);
  EXPECT_EQ(kx_vm_attr(arm, KX_ATTR_HAS, ua), -EINVAL);
  EXPECT_EQ(kx_vcpu_attr(c, KX_ATTR_HAS, ua), -ENXIO);
  EXPECT_EQ(kx_vcpu_attr(c, KX_ATTR_HAS, 8), -EFAULT);
  kx_vm* s = vm(KX_S390);
  EXPECT_EQ(kx_vm_attr(s, KX_ATTR_SET, ua), -ENXIO);
  EXPECT_EQ(kx_vm_attr(s, KX_ATTR_SET, 8), -EFAULT);
  kx_vm_put(arm);
  kx_vm_put(s);
}

// A device type that records its life, for the registry's rules.
struct Probe {
  static int created, destroyed;
};
int Probe::created, Probe::destroyed;

const kx_device_ops kProbeDestroyOps = {
    .name = "probe",
    .create = [](kx_device*, unsigned) { return ++Probe::created, 0; },
    .init = nullptr,
    .destroy = [](kx_device*) { ++Probe::destroyed; },
    .release = nullptr,
    .set_attr = [](kx_device*, const kx_attr* a) { return a->attr == 7 ? 0 : -ENXIO; },
    .get_attr = nullptr,
    .has_attr = nullptr,
    .ioctl = nullptr,
};

TEST_F(VmTest, DeviceRegistryCreateTestAndLifetimes) {
  ASSERT_EQ(kx_register_device_ops(KX_ARM64, 11, &kProbeDestroyOps), 0);
  EXPECT_EQ(kx_register_device_ops(KX_ARM64, 11, &kProbeDestroyOps), -EEXIST);
  EXPECT_EQ(kx_register_device_ops(KX_ARM64, KX_MAX_DEVICE_TYPES, &kProbeDestroyOps), -EINVAL);
  Probe::created = Probe::destroyed = 0;
  kx_vm* v = vm();
  kx_device* d = reinterpret_cast<kx_device*>(1);
  EXPECT_EQ(kx_vm_create_device(v, 11, KX_CREATE_DEVICE_TEST, &d), 0);
  EXPECT_EQ(d, nullptr);
  EXPECT_EQ(Probe::created, 0);
  EXPECT_EQ(kx_vm_create_device(v, 12, KX_CREATE_DEVICE_TEST, &d), -ENODEV);
  EXPECT_EQ(kx_vm_create_device(v, 0xffffffffu, 0, &d), -ENODEV);
  ASSERT_EQ(kx_vm_create_device(v, 11, 0, &d), 0);
  EXPECT_STREQ(kx_device_name(d), "probe");
  kx_attr a = {0, 0, 7, 0};
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<unsigned long long>(&a)), 0);
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_GET, 0), -EPERM);  // before the copy
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, 0), -EFAULT);
  EXPECT_EQ(kx_device_ioctl(d, 0x1234, 0), -ENOTTY);
  kx_device_release(d);  // no release hook: lives until the VM dies
  EXPECT_EQ(Probe::destroyed, 0);
  // The per-VM bound: kMaxDevicesPerVm in all, then -ENOSPC.
  for (unsigned i = 1; i < 256; i++) ASSERT_EQ(kx_vm_create_device(v, 11, 0, &d), 0) << i;
  EXPECT_EQ(kx_vm_create_device(v, 11, 0, &d), -ENOSPC);
  EXPECT_EQ(kx_vm_create_device(v, 11, KX_CREATE_DEVICE_TEST, &d), 0);
  kx_vm_put(v);
  EXPECT_EQ(Probe::destroyed, 256);
  kx_unregister_device_ops(KX_ARM64, 11);
}

TEST_F(VmTest, VfioOnePerVmAndReleasedWithItsFd) {
  kx_vm* v = vm(KX_PPC);
  kx_device *d, *d2;
  // As the shim: each device fd holds a VM reference.
  ASSERT_EQ(kx_vm_create_device(v, KX_DEV_TYPE_VFIO, 0, &d), 0);
  kx_vm_get(v);
  EXPECT_EQ(kx_vm_create_device(v, KX_DEV_TYPE_VFIO, 0, &d2), -EBUSY);
  kx_attr a = {0, KX_DEV_VFIO_GROUP, KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, 0};
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_HAS, reinterpret_cast<unsigned long long>(&a)), 0);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int32_t fd = fds[0];
  a = {0, KX_DEV_VFIO_GROUP, KX_DEV_VFIO_GROUP_ADD, reinterpret_cast<unsigned long long>(&fd)};
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<unsigned long long>(&a)),
            -EINVAL);  // a pipe is no VFIO group
  fd = 1000;
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<unsigned long long>(&a)), -EBADF);
  fd = fds[0];
  a.attr = KX_DEV_VFIO_GROUP_DEL;
  EXPECT_EQ(kx_device_attr(d, KX_ATTR_SET, reinterpret_cast<unsigned long long>(&a)), -ENOENT);
  close(fds[0]);
  close(fds[1]);
  kx_device_release(d);
  kx_vm_put(v);
  ASSERT_EQ(kx_vm_create_device(v, KX_DEV_TYPE_VFIO, 0, &d2), 0);
  kx_vm_get(v);
  kx_vm_put(v);  // the VM fd closes first: the device fd keeps the VM
  EXPECT_EQ(kx_vm_count(), 1u);
  kx_device_release(d2);
  kx_vm_put(v);  // the device fd's reference: now the VM dies
}

}  // namespace
