// SPDX-License-Identifier: GPL-2.0
// sPAPR TCE tables (arch/powerpc/tce.cpp) through the C ABI, as the shim
// drives them: KVM_CREATE_SPAPR_TCE(_64)'s errno rows, the fd holding the
// VM, the fault handler's pages, the TCE hypercalls, the VFIO device's
// SET_SPAPR_TCE, and every allocation of a creation failing in turn.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

struct Tce64 {
  uint64_t liobn;
  uint32_t page_shift;
  uint32_t flags;
  uint64_t offset;
  uint64_t size;
};
struct Tce32 {
  uint64_t liobn;
  uint32_t window_size;
  uint32_t pad;
};

constexpr uint64_t kHGetTce = 0x1c, kHPutTce = 0x20, kHStuffTce = 0x138, kHIndirect = 0x13c;
constexpr int64_t kHSuccess = 0, kHParameter = -4;
constexpr uint64_t kRamGpa = 0x100000, kRamSize = 0x10000;

class SpaprTceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::reset_allocation_counters();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
    ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm_), 0);
    ram_ = static_cast<uint8_t*>(aligned_alloc(4096, kRamSize));
    memset(ram_, 0, kRamSize);
    kx_memory_region r = {0, 0, kRamGpa, kRamSize, reinterpret_cast<uintptr_t>(ram_)};
    ASSERT_EQ(kx_vm_set_memory_region(vm_, &r), 0);
    ASSERT_EQ(kx_vm_create_vcpu(vm_, 0, &vcpu_), 0);
    ASSERT_EQ(ppc_enable_papr(vcpu_), 0);
  }
  void TearDown() override {
    if (vm_) kx_vm_put(vm_);
    kx_core_exit();
    free(ram_);
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  long Create64(uint64_t liobn, uint32_t shift, uint64_t offset, uint64_t size,
                uint32_t flags = 0) {
    Tce64 a = {liobn, shift, flags, offset, size};
    return kx_vm_ioctl(vm_, KX_CREATE_SPAPR_TCE_64, reinterpret_cast<uintptr_t>(&a));
  }
  // A hypercall: r3 out, or ~0 when it went to the VMM (exit filled).
  uint64_t Hcall(uint64_t nr, uint64_t r4, uint64_t r5, uint64_t r6 = 0, uint64_t r7 = 0,
                 uint64_t* r4_out = nullptr) {
    kx_guest_access a = {KX_ACCESS_HYPERCALL, 0, nr, 8, 0, r4, {r5, r6, r7}};
    exit_ = {};
    EXPECT_EQ(kx_vcpu_guest_access(vcpu_, &a, &exit_), 0);
    if (r4_out) *r4_out = a.args[0];
    if (a.result == KX_ACCESS_RESULT_EXIT) return ~0ull;
    EXPECT_EQ(a.result, static_cast<unsigned>(KX_ACCESS_RESULT_KERNEL));
    return a.data;
  }
  void Enable(uint64_t hcall) {
    kx_enable_cap e = {KX_CAP_PPC_ENABLE_HCALL, 0, {hcall, 1, 0, 0}};
    ASSERT_EQ(kx_vm_enable_cap(vm_, &e), 0);
  }
  uint64_t* Page(int fd, unsigned long pgoff) {
    void* p = nullptr;
    EXPECT_EQ(kx_tce_table_page(host::tce_table_of_fd(fd), pgoff, &p), 0);
    return static_cast<uint64_t*>(p);
  }

  kx_vm* vm_ = nullptr;
  kx_vcpu* vcpu_ = nullptr;
  uint8_t* ram_ = nullptr;
  kx_exit exit_ = {};
  long live_ = 0;
};

TEST_F(SpaprTceTest, Capabilities) {
  for (long cap :
       {KX_CAP_SPAPR_TCE, KX_CAP_SPAPR_TCE_64, KX_CAP_SPAPR_MULTITCE, KX_CAP_SPAPR_TCE_VFIO}) {
    EXPECT_EQ(kx_check_extension(KX_PPC, nullptr, cap), 1) << cap;
    EXPECT_EQ(kx_check_extension(KX_PPC, vm_, cap), 1) << cap;
    EXPECT_EQ(kx_check_extension(KX_ARM64, nullptr, cap), 0) << cap;
  }
}

// kvm_vm_ioctl_create_spapr_tce()'s rows in its order.
TEST_F(SpaprTceTest, CreateErrnoRows) {
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_SPAPR_TCE_64, host::kUserTop), -EFAULT);
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_SPAPR_TCE, host::kUserTop), -EFAULT);
  EXPECT_EQ(Create64(1, 12, 0, 16, 1), -EINVAL);  // flags
  EXPECT_EQ(Create64(1, 12, 0, 0), -EINVAL);      // size 0
  EXPECT_EQ(Create64(1, 11, 0, 16), -EINVAL);     // page_shift
  EXPECT_EQ(Create64(1, 35, 0, 16), -EINVAL);
  EXPECT_EQ(Create64(1, 12, 1ull << 51, 1ull << 51), -EINVAL);  // past 2^64 >> 12
  EXPECT_EQ(Create64(1, 12, ~0ull, 2), -EINVAL);                // a wrapping sum (6.1 takes it)
  EXPECT_EQ(Create64(1, 12, 0, 1ull << 40), -ENOMEM);           // 6.1's kzalloc beyond 16 MiB
  const long fd = Create64(1, 34, 0, (1ull << 30) - 1);         // the largest window at 2^34
  ASSERT_GE(fd, 0);
  EXPECT_NE(host::tce_table_of_fd(static_cast<int>(fd)), nullptr);
  EXPECT_EQ(Create64(1, 16, 0, 1), -EBUSY);            // LIOBN in use
  EXPECT_EQ(Create64(1, 12, 0, 1ull << 40), -ENOMEM);  // before the LIOBN
  Tce32 legacy = {1, 0x10000, 0};
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_SPAPR_TCE, reinterpret_cast<uintptr_t>(&legacy)), -EBUSY);
  legacy = {2, 0xfff, 0};  // less than one 4 KiB page: size 0
  EXPECT_EQ(kx_vm_ioctl(vm_, KX_CREATE_SPAPR_TCE, reinterpret_cast<uintptr_t>(&legacy)), -EINVAL);
  legacy = {2, 0x10000, 0};
  const long fd2 = kx_vm_ioctl(vm_, KX_CREATE_SPAPR_TCE, reinterpret_cast<uintptr_t>(&legacy));
  ASSERT_GE(fd2, 0);
  host::close_tce_fd(static_cast<int>(fd));
  const long fd3 = Create64(1, 16, 0, 1);
  EXPECT_GE(fd3, 0) << "the LIOBN is free once its fd is closed";
  host::fail_tce_fd(-EMFILE);
  EXPECT_EQ(Create64(3, 12, 0, 1), -EMFILE);
  host::fail_tce_fd(0);
  const long fd4 = Create64(3, 12, 0, 1);
  EXPECT_GE(fd4, 0) << "a failed fd leaves the LIOBN free";
  for (long f : {fd2, fd3, fd4}) host::close_tce_fd(static_cast<int>(f));
}

// The fd holds the VM: the VM outlives its last VM fd until the table's
// fd is closed.
TEST_F(SpaprTceTest, FdKeepsVmAlive) {
  const long fd = Create64(7, 12, 0, 512);
  ASSERT_GE(fd, 0);
  const unsigned vms = kx_vm_count();
  kx_vm_put(vm_);
  vm_ = nullptr;
  EXPECT_EQ(kx_vm_count(), vms);
  host::close_tce_fd(static_cast<int>(fd));
  EXPECT_EQ(kx_vm_count(), vms - 1);
}

// The mapping: kvmppc_tce_pages() of the node's pages, zeroed on first
// touch, beyond them SIGBUS; H_PUT_TCE's value there as the guest gave it.
TEST_F(SpaprTceTest, PagesAndPutGet) {
  const long fd = Create64(0x80000001, 12, 16, 1024 + 1);  // 3 pages
  ASSERT_GE(fd, 0);
  kx_tce_table* t = host::tce_table_of_fd(static_cast<int>(fd));
  void* p;
  EXPECT_EQ(kx_tce_table_page(t, 3, &p), -EINVAL);
  EXPECT_EQ(kx_tce_table_page(t, ~0ul, &p), -EINVAL);
  uint64_t* page0 = Page(static_cast<int>(fd), 0);
  ASSERT_NE(page0, nullptr);
  EXPECT_EQ(page0[0], 0u);
  const uint64_t tce = kRamGpa + 0x3000 + 3;                  // read|write
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, 16 << 12, tce), 0u);  // the window's first page
  EXPECT_EQ(page0[0], tce);
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, (16 + 1024) << 12, tce + 0x1000), 0u);  // its last
  EXPECT_EQ(Page(static_cast<int>(fd), 2)[0], tce + 0x1000);
  uint64_t r4 = 0;
  EXPECT_EQ(Hcall(kHGetTce, 0x80000001, (16 + 1024) << 12, 0, 0, &r4), 0u);
  EXPECT_EQ(r4, tce + 0x1000);
  EXPECT_EQ(Hcall(kHGetTce, 0x80000001, (16 + 600) << 12, 0, 0, &r4), 0u);
  EXPECT_EQ(r4, 0u) << "a page never made reads 0";
  // kvmppc_ioba_validate(): below the window, past it, not aligned.
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, 15 << 12, tce), static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, (16 + 1025) << 12, tce),
            static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, (16 << 12) + 8, tce), static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHGetTce, 0x80000001, 0, 0, 0, &r4), static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(r4, 0x80000001u) << "r4 unchanged";
  // H_TOO_HARD goes to the VMM with the registers as they were: a LIOBN
  // with no table, a TCE outside RAM or not aligned to the IOMMU page.
  EXPECT_EQ(Hcall(kHPutTce, 0x99, 0, tce), ~0ull);
  EXPECT_TRUE(exit_.set);
  EXPECT_EQ(exit_.reason, static_cast<unsigned>(KX_EXIT_PAPR_HCALL));
  EXPECT_EQ(exit_.hcall_nr, kHPutTce);
  EXPECT_EQ(exit_.hcall_args[0], 0x99u);
  EXPECT_EQ(exit_.hcall_args[2], tce);
  EXPECT_EQ(Hcall(kHGetTce, 0x99, 0), ~0ull);
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, 17 << 12, 0x10000001), ~0ull);       // not RAM
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, 17 << 12, kRamGpa + 0x801), ~0ull);  // unaligned
  // No permission bits: any value, RAM or not (a VMM's poison).
  EXPECT_EQ(Hcall(kHPutTce, 0x80000001, 17 << 12, 0xdead0000), 0u);
  EXPECT_EQ(page0[1], 0xdead0000u);
  host::close_tce_fd(static_cast<int>(fd));
}

// H_STUFF_TCE and H_PUT_TCE_INDIRECT: not enabled by default (6.1's
// default_hcall_list has H_GET_TCE and H_PUT_TCE only).
TEST_F(SpaprTceTest, StuffAndIndirect) {
  const long fd = Create64(5, 16, 0, 64);
  ASSERT_GE(fd, 0);
  uint64_t* page0 = Page(static_cast<int>(fd), 0);
  EXPECT_EQ(Hcall(kHStuffTce, 5, 0, 0, 4), ~0ull);
  EXPECT_EQ(Hcall(kHIndirect, 5, 0, kRamGpa, 1), ~0ull);
  Enable(kHStuffTce);
  Enable(kHIndirect);
  EXPECT_EQ(Hcall(kHStuffTce, 5, 2 << 16, 0xabc0000, 4), 0u);
  for (int i = 0; i < 64; i++) EXPECT_EQ(page0[i], i >= 2 && i < 6 ? 0xabc0000u : 0u) << i;
  EXPECT_EQ(Hcall(kHStuffTce, 5, 2 << 16, 0xabc0001, 4), static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHStuffTce, 5, 60 << 16, 0, 5), static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHStuffTce, 5, 64 << 16, 0, 0), 0u) << "npages 0 at the end";
  EXPECT_EQ(Hcall(kHStuffTce, 5, 1 << 16, 0, ~0ull), static_cast<uint64_t>(kHParameter));
  // The list: big-endian TCEs in guest RAM, 4 KiB aligned, at most 512.
  uint64_t* list = reinterpret_cast<uint64_t*>(ram_ + 0x1000);
  for (int i = 0; i < 3; i++) list[i] = __builtin_bswap64(kRamGpa + i + 1);
  EXPECT_EQ(Hcall(kHIndirect, 5, 10 << 16, kRamGpa + 0x1000, 3), 0u);
  for (int i = 0; i < 3; i++) EXPECT_EQ(page0[10 + i], kRamGpa + i + 1) << i;
  EXPECT_EQ(Hcall(kHIndirect, 5, 10 << 16, kRamGpa + 0x1000, 513),
            static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHIndirect, 5, 10 << 16, kRamGpa + 0x1008, 1),
            static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHIndirect, 5, 62 << 16, kRamGpa + 0x1000, 3),
            static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(Hcall(kHIndirect, 5, 10 << 16, 0x10000000, 1), ~0ull) << "list not in RAM";
  // One TCE that fails validation: nothing stored, to the VMM.
  list[1] = __builtin_bswap64(0x10000001);
  EXPECT_EQ(Hcall(kHIndirect, 5, 20 << 16, kRamGpa + 0x1000, 3), ~0ull);
  EXPECT_EQ(page0[20], 0u);
  // A TCE with no permission bits outside RAM passes validation and is
  // H_PARAMETER in the second pass, after the TCEs before it (6.1's order).
  list[1] = __builtin_bswap64(0x10000000);
  EXPECT_EQ(Hcall(kHIndirect, 5, 20 << 16, kRamGpa + 0x1000, 3),
            static_cast<uint64_t>(kHParameter));
  EXPECT_EQ(page0[20], kRamGpa + 1);
  EXPECT_EQ(page0[21], 0u);
  EXPECT_EQ(page0[22], 0u);
  host::close_tce_fd(static_cast<int>(fd));
}

// KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE: the group first (-EBADF, -ENOENT),
// then the table fd (-EBADF, not this VM's table -EINVAL).
TEST_F(SpaprTceTest, VfioSetSpaprTce) {
  ASSERT_EQ(kx_register_device_ops(KX_PPC, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops), 0);
  kx_device* dev;
  ASSERT_EQ(kx_vm_create_device(vm_, KX_DEV_TYPE_VFIO, 0, &dev), 0);
  const int group = dup(0), other = dup(0);
  host::bind_vfio_group_fd(group, true);
  auto set = [&](uint64_t attr, const void* v) {
    kx_attr a = {0, KX_DEV_VFIO_GROUP, attr, reinterpret_cast<uintptr_t>(v)};
    return kx_device_attr(dev, KX_ATTR_SET, reinterpret_cast<uintptr_t>(&a));
  };
  const long table = Create64(9, 12, 0, 1);
  ASSERT_GE(table, 0);
  kx_vm* vm2;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm2), 0);
  Tce64 a2 = {9, 12, 0, 0, 1};
  const long foreign = kx_vm_ioctl(vm2, KX_CREATE_SPAPR_TCE_64, reinterpret_cast<uintptr_t>(&a2));
  ASSERT_GE(foreign, 0);
  int32_t p[2] = {-1, static_cast<int32_t>(table)};
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, reinterpret_cast<const void*>(host::kUserTop)),
            -EFAULT);
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), -EBADF);
  p[0] = group;
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), -ENOENT);
  ASSERT_EQ(set(KX_DEV_VFIO_GROUP_ADD, &group), 0);
  p[1] = -1;
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), -EBADF);
  p[1] = other;
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), -EINVAL);
  p[1] = static_cast<int32_t>(foreign);
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), -EINVAL);
  p[1] = static_cast<int32_t>(table);
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), 0);
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), 0) << "again";
  host::close_tce_fd(static_cast<int>(foreign));
  kx_vm_put(vm2);
  host::close_tce_fd(static_cast<int>(table));
  EXPECT_EQ(set(KX_DEV_VFIO_GROUP_SET_SPAPR_TCE, p), -EBADF) << "the table's fd is gone";
  kx_device_release(dev);
  host::bind_vfio_group_fd(group, false);
  close(group);
  close(other);
  kx_unregister_device_ops(KX_PPC, KX_DEV_TYPE_VFIO);
}

// Every allocation of a creation fails in turn: -ENOMEM, nothing left,
// the LIOBN free. A page that cannot be made: the fault is -ENOMEM, and a
// TCE stored there is lost with H_SUCCESS, as in 6.1.
TEST_F(SpaprTceTest, AllocationFailures) {
  for (long n = 0;; n++) {
    host::reset_allocation_counters();
    const long before = host::live_allocations();
    host::fail_allocation_after(n);
    const long fd = Create64(11, 12, 0, 100000);
    host::fail_allocation_after(-1);
    if (fd >= 0) {
      EXPECT_GE(n, 2);
      host::close_tce_fd(static_cast<int>(fd));
      break;
    }
    EXPECT_EQ(fd, -ENOMEM);
    EXPECT_EQ(host::live_allocations(), before) << n;
  }
  const long fd = Create64(11, 12, 0, 100000);
  ASSERT_GE(fd, 0);
  void* p;
  host::fail_allocation_after(0);
  EXPECT_EQ(kx_tce_table_page(host::tce_table_of_fd(static_cast<int>(fd)), 40, &p), -ENOMEM);
  host::fail_allocation_after(0);
  EXPECT_EQ(Hcall(kHPutTce, 11, 5000 << 12, kRamGpa + 1), 0u);
  host::fail_allocation_after(-1);
  uint64_t r4;
  EXPECT_EQ(Hcall(kHGetTce, 11, 5000 << 12, 0, 0, &r4), 0u);
  EXPECT_EQ(r4, 0u);
  host::close_tce_fd(static_cast<int>(fd));
}

}  // namespace
