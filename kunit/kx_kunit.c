// SPDX-License-Identifier: GPL-2.0
/* The include/kx library inside the kernel (kunit/kx_selftest.cpp). */
#include "kunit_common.h"

static void kx_list_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_list(), 0);
}

static void kx_bitmap_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_bitmap(), 0);
}

static void kx_vector_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_vector(), 0);
}

static void kx_result_and_lock_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_result(), 0);
}

static void kx_alloc_checker_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_alloc_checker(), 0);
}

static struct kunit_case kx_cases[] = {
	KUNIT_CASE(kx_list_test),
	KUNIT_CASE(kx_bitmap_test),
	KUNIT_CASE(kx_vector_test),
	KUNIT_CASE(kx_result_and_lock_test),
	KUNIT_CASE(kx_alloc_checker_test),
	{}
};

static struct kunit_suite kx_suite = {
	.name = "kvm_ext_kx",
	.test_cases = kx_cases,
};

kunit_test_suites(&kx_suite);

MODULE_IMPORT_NS(KVM_EXT_KUNIT);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for kvm_ext");
