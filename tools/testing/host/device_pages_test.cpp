// SPDX-License-Identifier: GPL-2.0
// A mappable device type through the C ABI: its fd's mmap and faults
// reach the type's entries (others answer -ENODEV and SIGBUS), and a
// guest's access to RAM the VMM backed with the device's pages goes to
// the device (kx_user_device_page()), not to the memory.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"

namespace {

constexpr unsigned kType = 15;  // a type number no s390 device has
constexpr uint64_t kGpa = 0x100000, kSize = 0x4000;

struct Seen {
  unsigned long pgoff = 0, npages = 0;
  unsigned offset = 0, len = 0;
  int write = -1;
  unsigned long long data = 0;
} g_seen;
void* g_page;

int Create(kx_device*, unsigned) { return 0; }
void Destroy(kx_device*) {}
int Mmap(kx_device*, unsigned long pgoff, unsigned long npages) {
  g_seen.pgoff = pgoff;
  g_seen.npages = npages;
  return pgoff == 3 ? -EINVAL : 0;
}
int Fault(kx_device*, unsigned long pgoff, void** page) {
  if (pgoff != 1) return -EFAULT;
  *page = g_page;
  return 0;
}
int PageAccess(kx_device*, kx_vcpu*, unsigned long pgoff, unsigned offset, unsigned len, int write,
               unsigned long long* data) {
  g_seen = {pgoff, 0, offset, len, write, *data};
  if (!write) *data = 0x1122334455667788ull;
  return pgoff == 9 ? -EIO : 0;
}
const kx_device_ops kOps = {
    .name = "test-pages",
    .create = Create,
    .destroy = Destroy,
    .mmap = Mmap,
    .fault = Fault,
    .page_access = PageAccess,
};

class DevicePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_register_device_ops(KX_S390, kType, &kOps), 0);
    ASSERT_EQ(kx_vm_create(KX_S390, 0, nullptr, &vm_), 0);
    ASSERT_EQ(kx_vm_create_device(vm_, kType, 0, &dev_), 0);
    ram_ = static_cast<uint8_t*>(aligned_alloc(4096, kSize));
    memset(ram_, 0xab, kSize);
    kx_memory_region r = {0, 0, kGpa, kSize, reinterpret_cast<uintptr_t>(ram_)};
    ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
    g_page = &g_seen;
  }
  void TearDown() override {
    host::bind_device_pages(reinterpret_cast<uintptr_t>(ram_) + 0x1000, 0, nullptr, 0);
    kx_vm_put(vm_);
    kx_unregister_device_ops(KX_S390, kType);
    kx_core_exit();
    free(ram_);
  }
  kx_guest_access Load(uint64_t gpa) {
    kx_guest_access a = {KX_ACCESS_MEM, 0, gpa, 8, 0, 0, {}};
    kx_exit exit = {};
    result_ = kx_vcpu_guest_access(vcpu_, &a, &exit);
    return a;
  }
  kx_vm* vm_ = nullptr;
  kx_device* dev_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
  uint8_t* ram_ = nullptr;
  int result_ = 0;
};

TEST_F(DevicePagesTest, MmapAndFaultsReachTheType) {
  EXPECT_EQ(kx_device_mappable(dev_), 1);
  EXPECT_EQ(kx_device_mmap(dev_, 2, 4), 0);
  EXPECT_EQ(g_seen.pgoff, 2u);
  EXPECT_EQ(g_seen.npages, 4u);
  EXPECT_EQ(kx_device_mmap(dev_, 3, 1), -EINVAL);
  void* page = nullptr;
  EXPECT_EQ(kx_device_fault(dev_, 1, &page), 0);
  EXPECT_EQ(page, g_page);
  EXPECT_EQ(kx_device_fault(dev_, 0, &page), -EFAULT);
}

TEST_F(DevicePagesTest, GuestAccessToItsPagesGoesToTheDevice) {
  const uintptr_t base = reinterpret_cast<uintptr_t>(ram_);
  host::bind_device_pages(base + 0x1000, 0x2000, dev_, 8);
  kx_guest_access a = Load(kGpa + 0x1010);
  EXPECT_EQ(result_, 0);
  EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL));
  EXPECT_EQ(a.data, 0x1122334455667788ull);
  EXPECT_EQ(g_seen.pgoff, 8u);
  EXPECT_EQ(g_seen.offset, 0x10u);
  EXPECT_EQ(g_seen.len, 8u);
  EXPECT_EQ(g_seen.write, 0);
  kx_guest_access st = {KX_ACCESS_MEM, KX_ACCESS_WRITE, kGpa + 0x1ff8, 8, 0, 42, {}};
  kx_exit exit = {};
  EXPECT_EQ(kx_vcpu_guest_access(vcpu_, &st, &exit), 0);
  EXPECT_EQ(g_seen.write, 1);
  EXPECT_EQ(g_seen.data, 42u);
  EXPECT_EQ(ram_[0x1ff8], 0xab);  // the memory behind is untouched
  Load(kGpa + 0x2000);            // the next page: pgoff 9, the device's -EIO
  EXPECT_EQ(result_, -EIO);
  a = Load(kGpa);  // plain RAM
  EXPECT_EQ(result_, 0);
  EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_RAM));
  EXPECT_EQ(a.data, 0xababababababababull);
}

// A type with no mmap (VFIO): -ENODEV, its faults SIGBUS, its fd shared.
TEST_F(DevicePagesTest, OtherTypesHaveNone) {
  kx_device* vfio;
  ASSERT_EQ(kx_register_device_ops(KX_S390, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops), 0);
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_VFIO, 0, &vfio), 0);
  EXPECT_EQ(kx_device_mappable(vfio), 0);
  EXPECT_EQ(kx_device_mmap(vfio, 0, 1), -ENODEV);
  void* page;
  EXPECT_EQ(kx_device_fault(vfio, 0, &page), -EFAULT);
  kx_unregister_device_ops(KX_S390, KX_DEV_TYPE_VFIO);
}

}  // namespace
