// SPDX-License-Identifier: GPL-2.0
/* VMs, vCPUs, memslots through the C ABI. */
#include "kunit_common.h"

static void vm_types_test(struct kunit *test)
{
	struct kx_vm *vm;

	KUNIT_EXPECT_EQ(test, kx_vm_create(KX_ARM64, 31, NULL, &vm), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_create(KX_ARM64, 0x100 | 40, NULL, &vm), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_create(KX_PPC, KVM_VM_PPC_PR, NULL, &vm), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_create(KX_S390, 1, NULL, &vm), -EINVAL);
	KUNIT_ASSERT_EQ(test, kx_vm_create(KX_ARM64, 48, NULL, &vm), 0);
	kx_vm_put(vm);
}

static void vm_refcount_test(struct kunit *test)
{
	unsigned int before = kx_vm_count();
	struct kx_vm *vm = test_vm(test, KX_PPC);

	KUNIT_EXPECT_EQ(test, kx_vm_count(), before + 1);
	kx_vm_get(vm);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, kx_vm_count(), before + 1);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, kx_vm_count(), before);
}

static void vcpu_ids_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_S390);
	struct kx_vcpu *vcpu;

	KUNIT_EXPECT_EQ(test, kx_vm_create_vcpu(vm, 0, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_create_vcpu(vm, 0, &vcpu), -EEXIST);
	KUNIT_EXPECT_EQ(test, kx_vm_create_vcpu(vm, 248, &vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_create_vcpu(vm, 247, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_id(vcpu), 247U);
	KUNIT_EXPECT_NOT_NULL(test, kx_vcpu_page(vcpu, 0));
	KUNIT_EXPECT_NULL(test, kx_vcpu_page(vcpu, 1));
	kx_vm_put(vm);
}

static void vcpu_run_test(struct kunit *test)
{
	struct kx_vm *arm = test_vm(test, KX_ARM64), *ppc = test_vm(test, KX_PPC);
	struct kx_vcpu *a, *p;
	struct kx_run run = { .immediate_exit = 1 };

	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(arm, 0, &a), 0);
	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(ppc, 0, &p), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_run(a, &run), -ENOEXEC);
	KUNIT_EXPECT_EQ(test, kx_vcpu_run(p, &run), -EINTR);
	KUNIT_EXPECT_EQ(test, run.exit.set, 0);
	kx_vm_put(arm);
	kx_vm_put(ppc);
}

static void memslot_rules_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	const u64 ua = 0x10000000;

	KUNIT_EXPECT_EQ(test, set_region(vm, 0, 4, 0, PAGE_SIZE, ua), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_region(vm, 32767, 0, 0, PAGE_SIZE, ua), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_region(vm, 1 << 16, 0, 0, PAGE_SIZE, ua), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_region(vm, 0, 0, 0, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, set_region(vm, 0, 0, 1ULL << 40, PAGE_SIZE, ua), -EFAULT);
	KUNIT_EXPECT_EQ(test, set_region(vm, 0, KVM_MEM_LOG_DIRTY_PAGES, 0x100000,
					 16 * PAGE_SIZE, ua), 0);
	KUNIT_EXPECT_EQ(test, set_region(vm, 1, 0, 0x100000 + PAGE_SIZE, PAGE_SIZE,
					 ua), -EEXIST);
	KUNIT_EXPECT_EQ(test, set_region(vm, 0, 0, 0x200000, 16 * PAGE_SIZE, ua), 0);
	KUNIT_EXPECT_EQ(test, set_region(vm, 0, 0, 0x200000, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, set_region(vm, 0, 0, 0x200000, 0, 0), -EINVAL);
	kx_vm_put(vm);
}

static void guest_mmio_exit_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	struct kx_vcpu *vcpu;
	struct kx_guest_access acc = {
		.kind = KX_ACCESS_MEM, .flags = KX_ACCESS_WRITE,
		.addr = 0x9000000, .len = 4, .data = 0x11223344,
	};
	struct kx_exit exit = {};

	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(vm, 0, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_guest_access(vcpu, &acc, &exit), 0);
	KUNIT_EXPECT_EQ(test, acc.result, (unsigned int)KX_ACCESS_RESULT_EXIT);
	KUNIT_EXPECT_EQ(test, exit.reason, (unsigned int)KVM_EXIT_MMIO);
	KUNIT_EXPECT_EQ(test, exit.mmio_addr, 0x9000000ULL);
	KUNIT_EXPECT_EQ(test, exit.mmio_data[0], 0x44);
	acc.kind = KX_ACCESS_SYSREG;
	KUNIT_EXPECT_EQ(test, kx_vcpu_guest_access(vcpu, &acc, &exit), -ENXIO);
	acc.kind = KX_ACCESS_MEM;
	acc.len = 3;
	KUNIT_EXPECT_EQ(test, kx_vcpu_guest_access(vcpu, &acc, &exit), -EINVAL);
	kx_vm_put(vm);
}

static struct kunit_case vm_cases[] = {
	KUNIT_CASE(vm_types_test),
	KUNIT_CASE(vm_refcount_test),
	KUNIT_CASE(vcpu_ids_test),
	KUNIT_CASE(vcpu_run_test),
	KUNIT_CASE(memslot_rules_test),
	KUNIT_CASE(guest_mmio_exit_test),
	{}
};

static struct kunit_suite vm_suite = {
	.name = "kvm_ext_vm",
	.test_cases = vm_cases,
};

kunit_test_suites(&vm_suite);
