// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPU registers (api.rst 4.68, 4.82, 4.84, 4.119): the gating rows,
 * which return before any user copy (KUnit has no user memory in 6.1).
 */
#include "kunit_common.h"

static void arm64_register_gating_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	unsigned int sve[7] = { 1U << 4 }, plain[7] = { 0 };
	struct kx_vcpu *vcpu, *other;

	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(vm, 0, &vcpu), 0);
	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(vm, 1, &other), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_arm64_reg_list(vcpu, 0), -ENOEXEC);
	KUNIT_EXPECT_EQ(test, kx_vcpu_one_reg(vcpu, 0, 0), -ENOEXEC);
	KUNIT_EXPECT_EQ(test, kx_vcpu_arm64_finalize(vcpu, 0), -ENOEXEC);
	KUNIT_ASSERT_EQ(test, kx_vcpu_arm64_init(vcpu, 5, sve), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_arm64_reg_list(vcpu, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_vcpu_one_reg(vcpu, 1, 0), -EFAULT);
	KUNIT_ASSERT_EQ(test, kx_vcpu_arm64_init(other, 5, plain), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_arm64_reg_list(other, 0), -EFAULT);
	kx_vm_put(vm);
}

static struct kunit_case arm64_regs_cases[] = {
	KUNIT_CASE(arm64_register_gating_test),
	{}
};

static struct kunit_suite arm64_regs_suite = {
	.name = "kvm_ext_arm64_regs",
	.test_cases = arm64_regs_cases,
};

kunit_test_suites(&arm64_regs_suite);
