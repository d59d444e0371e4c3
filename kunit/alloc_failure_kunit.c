// SPDX-License-Identifier: GPL-2.0
/* Every allocation of a scenario fails in turn: -ENOMEM, nothing leaked. */
#include "kunit_common.h"

static int alloc_scenario(void)
{
	struct kx_vm *vm;
	struct kx_vcpu *vcpu;
	struct kx_device *dev;
	int r;

	r = kx_vm_create(KX_ARM64, 0, NULL, &vm);
	if (r)
		return r;
	r = kx_vm_create_vcpu(vm, 1, &vcpu);
	if (!r)
		r = set_region(vm, 3, KVM_MEM_LOG_DIRTY_PAGES, 0x400000, 64 * PAGE_SIZE,
			       0x10000000);
	if (!r)
		r = kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &dev);
	if (!r)
		kx_device_abort(dev);
	kx_vm_put(vm);
	return r;
}

static void alloc_failure_sweep_test(struct kunit *test)
{
	long live = kvm_ext_live_allocations();
	long n;

	for (n = 0; n < 64; n++) {
		int r;
		bool injected;

		kvm_ext_test_fail_alloc_after(n);
		r = alloc_scenario();
		injected = kvm_ext_test_alloc_attempts() > n;
		kvm_ext_test_fail_alloc_after(-1);
		KUNIT_EXPECT_EQ(test, kvm_ext_live_allocations(), live);
		if (!injected) {
			KUNIT_EXPECT_EQ(test, r, 0);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, r, -ENOMEM, "allocation %ld", n);
	}
	KUNIT_EXPECT_LT(test, n, 64L);
}


static struct kunit_case alloc_cases[] = {
	KUNIT_CASE(alloc_failure_sweep_test),
	{}
};

static struct kunit_suite alloc_suite = {
	.name = "kvm_ext_alloc_failure",
	.test_cases = alloc_cases,
};

kunit_test_suites(&alloc_suite);
