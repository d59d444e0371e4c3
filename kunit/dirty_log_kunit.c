// SPDX-License-Identifier: GPL-2.0
/* Dirty logging (api.rst 4.8, 4.117, 7.18). */
#include "kunit_common.h"

static void dirty_bitmap_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_dirty_bitmap(), 0);
}

static int enable_cap(struct kx_vm *vm, unsigned int cap, unsigned int flags,
		      unsigned long long arg0)
{
	const struct kx_enable_cap c = { .cap = cap, .flags = flags, .args = { arg0 } };

	return kx_vm_enable_cap(vm, &c);
}

static void manual_protect_cap_test(struct kunit *test)
{
	struct kx_vm *arm = test_vm(test, KX_ARM64), *ppc = test_vm(test, KX_PPC);
	const long cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2;

	KUNIT_EXPECT_EQ(test, kx_check_extension(KX_ARM64, NULL, cap), 3L);
	KUNIT_EXPECT_EQ(test, kx_check_extension(KX_S390, NULL, cap), 0L);
	KUNIT_EXPECT_EQ(test, enable_cap(arm, cap, 0, KVM_DIRTY_LOG_INITIALLY_SET), -EINVAL);
	KUNIT_EXPECT_EQ(test, enable_cap(arm, cap, 0, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, enable_cap(arm, cap, 1, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, enable_cap(arm, cap, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, enable_cap(ppc, cap, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_has_clear_dirty_log(KX_ARM64), 1);
	KUNIT_EXPECT_EQ(test, kx_has_clear_dirty_log(KX_PPC), 0);
	kx_vm_put(arm);
	kx_vm_put(ppc);
}

static void dirty_log_checks_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);

	KUNIT_EXPECT_EQ(test, kx_vm_get_dirty_log(vm, 1 << 16, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_get_dirty_log(vm, 0, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 32767, 0, 64, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 1, 64, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 0, 64, 0), -ENOENT);
	KUNIT_ASSERT_EQ(test, set_region(vm, 0, KVM_MEM_LOG_DIRTY_PAGES, 0x100000,
					 1000 * PAGE_SIZE, 0x10000000), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 1024, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 960, 64, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 0, 100, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 0, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_clear_dirty_log(vm, 0, 960, 40, 0), -EFAULT);
	KUNIT_EXPECT_EQ(test, kx_vm_get_dirty_log(vm, 0, 0), -EFAULT);
	kx_vm_put(vm);
}

static struct kunit_case dirty_log_cases[] = {
	KUNIT_CASE(dirty_bitmap_test),
	KUNIT_CASE(manual_protect_cap_test),
	KUNIT_CASE(dirty_log_checks_test),
	{}
};

static struct kunit_suite dirty_log_suite = {
	.name = "kvm_ext_dirty_log",
	.test_cases = dirty_log_cases,
};

kunit_test_suites(&dirty_log_suite);
