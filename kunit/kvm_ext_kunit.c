// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for kvm_ext, in kvm_ext_kunit.ko (make KVM_EXT_KUNIT=y):
 * the core driven through its C ABI inside a KASAN/lockdep/kmemleak
 * kernel, against the live kvm_ext.ko with the device types its init
 * registered.
 *
 * KUnit's kthreads have no user address space, so paths that copy user
 * memory are checked here only up to their -EFAULT; the conformance suite
 * covers them from user space.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include <kvm_ext/selftest.h>
#include <uapi/linux/kvm_ext.h>

/* The arm64 vCPU ioctls as calls; the one argument they build is local. */
#define KX_TEST_LOCAL_ARG_BEGIN() kvm_ext_test_kernel_uaccess(true)
#define KX_TEST_LOCAL_ARG_END(saved) kvm_ext_test_kernel_uaccess(saved)
#include "tools/testing/common/kx_arm64.h"

MODULE_IMPORT_NS(KVM_EXT_KUNIT);

/* A VM that the test owns; freed by the resource at test exit. */
static struct kx_vm *test_vm(struct kunit *test, enum kx_personality p)
{
	struct kx_vm *vm = NULL;

	KUNIT_ASSERT_EQ(test, kx_vm_create(p, 0, NULL, &vm), 0);
	return vm;
}

/* include/kx */

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

/* VMs, vCPUs, memslots */

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

static int set_region(struct kx_vm *vm, unsigned int slot, unsigned int flags,
		      u64 gpa, u64 size, u64 uaddr)
{
	struct kx_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};

	return kx_vm_set_memory_region(vm, &r);
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

/* The device registry and attribute dispatch */

static int probe_created, probe_destroyed;

static int probe_create(struct kx_device *dev, unsigned int type)
{
	probe_created++;
	return 0;
}

static void probe_destroy(struct kx_device *dev)
{
	probe_destroyed++;
}

static const struct kx_device_ops probe_ops = {
	.name = "kvm-ext-kunit-probe",
	.create = probe_create,
	.destroy = probe_destroy,
};

#define PROBE_TYPE 15

static void registry_test(struct kunit *test)
{
	struct kx_vm *vm;
	struct kx_device *dev = (void *)1;

	KUNIT_ASSERT_EQ(test, kx_register_device_ops(KX_ARM64, PROBE_TYPE, &probe_ops), 0);
	KUNIT_EXPECT_EQ(test, kx_register_device_ops(KX_ARM64, PROBE_TYPE, &probe_ops),
			-EEXIST);
	/* The shim registered VFIO for every personality at module init. */
	KUNIT_EXPECT_EQ(test, kx_register_device_ops(KX_PPC, KVM_DEV_TYPE_VFIO, &probe_ops),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kx_register_device_ops(KX_ARM64, KX_MAX_DEVICE_TYPES,
						     &probe_ops), -EINVAL);

	vm = test_vm(test, KX_ARM64);
	probe_created = probe_destroyed = 0;
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, PROBE_TYPE, KX_CREATE_DEVICE_TEST,
						  &dev), 0);
	KUNIT_EXPECT_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, probe_created, 0);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, 0, 0, &dev), -ENODEV);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, PROBE_TYPE + 1, 0, &dev), -ENODEV);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, PROBE_TYPE, 0, &dev), 0);
	KUNIT_EXPECT_STREQ(test, kx_device_name(dev), "kvm-ext-kunit-probe");
	/* No accessors: -EPERM before the argument is read. */
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_SET, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_GET, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_HAS, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_ioctl(dev, 0x1234, 0), (long)-ENOTTY);
	kx_device_release(dev); /* no release hook: it stays with the VM */
	KUNIT_EXPECT_EQ(test, probe_destroyed, 0);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, probe_destroyed, 1);
	kx_unregister_device_ops(KX_ARM64, PROBE_TYPE);
}

static void vfio_device_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_S390);
	struct kx_device *dev, *again;

	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &dev), 0);
	kx_vm_get(vm); /* the device fd's reference */
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &again), -EBUSY);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_GET, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_HAS, 0), -EFAULT);
	kx_device_release(dev);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &dev), 0);
	kx_device_abort(dev); /* as when the fd cannot be made */
	kx_vm_put(vm);
}

static void vm_vcpu_attr_test(struct kunit *test)
{
	struct kx_vm *arm = test_vm(test, KX_ARM64), *s390 = test_vm(test, KX_S390);
	struct kx_vm *ppc = test_vm(test, KX_PPC);
	struct kx_vcpu *vcpu;

	KUNIT_EXPECT_EQ(test, kx_vm_attr(arm, KX_ATTR_HAS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_attr(ppc, KX_ATTR_HAS, 0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, kx_vm_attr(s390, KX_ATTR_HAS, 0), -EFAULT);
	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(arm, 0, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_attr(vcpu, KX_ATTR_SET, 0), -EFAULT);
	kx_vm_put(arm);
	kx_vm_put(s390);
	kx_vm_put(ppc);
}

static struct kunit_case device_cases[] = {
	KUNIT_CASE(registry_test),
	KUNIT_CASE(vfio_device_test),
	KUNIT_CASE(vm_vcpu_attr_test),
	{}
};

static struct kunit_suite device_suite = {
	.name = "kvm_ext_device",
	.test_cases = device_cases,
};

/* Dirty logging (api.rst 4.8, 4.117, 7.18) */

static void dirty_bitmap_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kx_selftest_dirty_bitmap(), 0);
}

static void manual_protect_cap_test(struct kunit *test)
{
	struct kx_vm *arm = test_vm(test, KX_ARM64), *ppc = test_vm(test, KX_PPC);
	const long cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2;

	KUNIT_EXPECT_EQ(test, kx_check_extension(KX_ARM64, NULL, cap), 3L);
	KUNIT_EXPECT_EQ(test, kx_check_extension(KX_S390, NULL, cap), 0L);
	KUNIT_EXPECT_EQ(test, kx_vm_enable_cap(arm, cap, 0, KVM_DIRTY_LOG_INITIALLY_SET), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_enable_cap(arm, cap, 0, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_enable_cap(arm, cap, 1, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_enable_cap(arm, cap, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_enable_cap(ppc, cap, 0, 1), -EINVAL);
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

/* Every allocation of a scenario fails in turn: -ENOMEM, nothing leaked. */

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

/*
 * arm64 vCPU registers (api.rst 4.68, 4.82, 4.84, 4.119): the gating rows,
 * which return before any user copy (KUnit has no user memory in 6.1).
 */

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

static struct kunit_case arm64_cases[] = {
	KUNIT_CASE(arm64_register_gating_test),
	{}
};

static struct kunit_suite arm64_suite = {
	.name = "kvm_ext_arm64",
	.test_cases = arm64_cases,
};

/*
 * The arm64 VGIC (devices/arm-vgic-v3.rst; issue 6) inside the debug
 * kernel: injection from hard-IRQ context, as an irqfd would inject, waking
 * a vCPU blocked in KVM_RUN, under lockdep. The test's "user" pointers are
 * kernel ones (kvm_ext_test_kernel_uaccess()).
 */

#define VGIC_DIST 0x08000000ULL
#define VGIC_REDIST 0x080a0000ULL
#define ICC(crn, crm, op2) \
	(0x6030000000130000ULL | 3U << 14 | (crn) << 7 | (crm) << 3 | (op2))

static int vgic_attr(struct kx_device *gic, enum kx_attr_op op, u32 group,
		     u64 attr, void *val)
{
	struct kx_attr a = { .group = group, .attr = attr,
			     .addr = (unsigned long)val };

	return kx_device_attr(gic, op, (unsigned long)&a);
}

static u64 guest(struct kx_vcpu *vcpu, u32 kind, u64 addr, u32 len, bool write,
		 u64 data)
{
	struct kx_guest_access acc = { .kind = kind, .flags = write, .addr = addr,
				       .len = len, .data = data };
	struct kx_exit exit = { 0 };

	if (kx_vcpu_guest_access(vcpu, &acc, &exit) ||
	    acc.result != KVM_EXT_RESULT_KERNEL)
		return ~0ULL;
	return acc.data;
}

/* A GICv3 with 2 vCPUs, frames mapped, SPI 40 enabled for vCPU 1. */
static struct kx_device *vgic_setup(struct kunit *test, struct kx_vm *vm,
				    struct kx_vcpu **vcpus)
{
	unsigned int features[7] = { 0 };
	struct kx_run run = { .immediate_exit = 1 };
	u64 dist = VGIC_DIST, redist = VGIC_REDIST;
	struct kx_device *gic;
	int i;

	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(vm, i, &vcpus[i]), 0);
		KUNIT_ASSERT_EQ(test, kx_vcpu_arm64_init(vcpus[i], 5, features), 0);
	}
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_V3, 0, &gic), 0);
	KUNIT_ASSERT_EQ(test, vgic_attr(gic, KX_ATTR_SET, 0, 2, &dist), 0);
	KUNIT_ASSERT_EQ(test, vgic_attr(gic, KX_ATTR_SET, 0, 3, &redist), 0);
	KUNIT_ASSERT_EQ(test, vgic_attr(gic, KX_ATTR_SET, 4, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, kx_vcpu_run(vcpus[0], &run), -EINTR);
	/* The guest: distributor on, SPI 40 enabled, routed to Aff0 1. */
	guest(vcpus[0], KX_ACCESS_MEM, VGIC_DIST, 4, true, 2);
	guest(vcpus[0], KX_ACCESS_MEM, VGIC_DIST + 0x104, 4, true, 1U << 8);
	guest(vcpus[0], KX_ACCESS_MEM, VGIC_DIST + 0x6000 + 40 * 8, 8, true, 1);
	guest(vcpus[1], KX_ACCESS_SYSREG, ICC(4, 6, 0), 8, true, 0xff);
	guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 7), 8, true, 1);
	return gic;
}

struct vgic_injector {
	struct hrtimer timer;
	struct kx_vm *vm;
	int ret;
	bool hardirq;
};

static enum hrtimer_restart vgic_inject_fn(struct hrtimer *timer)
{
	struct vgic_injector *in = container_of(timer, struct vgic_injector, timer);

	in->hardirq = in_hardirq();
	in->ret = kx_vm_irq_line(in->vm, 1U << 24 | 40, 1);
	return HRTIMER_NORESTART;
}

static void vgic_hardirq_injection_wakes_vcpu_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	struct vgic_injector in = { .vm = vm, .ret = -1 };
	struct kx_run run = { .immediate_exit = 0 };
	struct kx_vcpu *vcpus[2];

	kvm_ext_test_kernel_uaccess(true);
	vgic_setup(test, vm, vcpus);
	hrtimer_init(&in.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	in.timer.function = vgic_inject_fn;
	hrtimer_start(&in.timer, ms_to_ktime(5), HRTIMER_MODE_REL_HARD);
	/* Blocks until the timer's injection makes SPI 40 deliverable. */
	KUNIT_EXPECT_EQ(test, kx_vcpu_run(vcpus[1], &run), 0);
	hrtimer_cancel(&in.timer);
	KUNIT_EXPECT_EQ(test, in.ret, 0);
	KUNIT_EXPECT_TRUE(test, in.hardirq);
	KUNIT_EXPECT_EQ(test, run.exit.reason, (unsigned int)KX_EXIT_EXT_INTERRUPT);
	KUNIT_EXPECT_EQ(test, guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 0), 8, false, 0), 40ULL);
	guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 1), 8, true, 40);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static void vgic_register_groups_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	struct kx_vcpu *vcpus[2];
	struct kx_device *gic;
	u32 val = 0xa0a0a0a0, lines = 0;
	u64 pmr = 0;

	kvm_ext_test_kernel_uaccess(true);
	gic = vgic_setup(test, vm, vcpus);
	/* GICD_IPRIORITYR from userspace, seen by the guest, 5 bits kept. */
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_SET, 1, 0x428, &val), 0);
	KUNIT_EXPECT_EQ(test, guest(vcpus[0], KX_ACCESS_MEM, VGIC_DIST + 0x428, 4, false, 0),
			0xa0a0a0a0ULL);
	/* ICC_PMR_EL1 of the vCPU whose MPIDR is Aff0 1. */
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_GET, 6, 1ULL << 32 | 0xc230, &pmr), 0);
	KUNIT_EXPECT_EQ(test, pmr, 0xf8ULL);
	/* LEVEL_INFO follows KVM_IRQ_LINE. */
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 1U << 24 | 40, 1), 0);
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_GET, 7, 32, &lines), 0);
	KUNIT_EXPECT_EQ(test, lines, 1U << 8);
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_GET, 7, 33, &lines), -EINVAL);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

/*
 * The ITS (devices/arm-vgic-its.rst; issue 7) under lockdep: commands read
 * guest RAM under the ITS mutex, create LPIs under the GIC's LPI mutex and
 * change their state under the GIC spinlock; KVM_SIGNAL_MSI and
 * SAVE_TABLES take the same locks from the VMM's side.
 */
#define ITS_BASE 0x08080000ULL
#define ITS_RAM 0x40000000ULL
#define ITS_RAM_SIZE 0x100000UL

static void its_put64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void its_translation_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	struct kx_msi msi = { .address_lo = (u32)ITS_BASE, .data = 0, .flags = 1, .devid = 3 };
	u64 base = ITS_BASE, rd1 = VGIC_REDIST + 0x20000, dte = 0;
	const u64 valid = 1ULL << 63;
	struct kx_vcpu *vcpus[2];
	struct kx_device *its;
	u8 *ram = vzalloc(ITS_RAM_SIZE);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ram);
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, set_region(vm, 0, 0, ITS_RAM, ITS_RAM_SIZE, (unsigned long)ram), 0);
	vgic_setup(test, vm, vcpus);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_ITS, 0, &its), 0);
	KUNIT_ASSERT_EQ(test, vgic_attr(its, KX_ATTR_SET, 0, 4, &base), 0);
	/* LPI 8192 enabled at priority 0xa0; vCPU 1's redistributor takes LPIs. */
	ram[0] = 0xa1;
	guest(vcpus[1], KX_ACCESS_MEM, rd1 + 0x70, 8, true, ITS_RAM + 15);
	guest(vcpus[1], KX_ACCESS_MEM, rd1 + 0x78, 8, true, ITS_RAM + 0x10000);
	guest(vcpus[1], KX_ACCESS_MEM, rd1, 4, true, 1);
	/* Device table at +0x20000, collections at +0x30000, queue at +0x40000. */
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x100, 8, true, valid | (ITS_RAM + 0x20000));
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x108, 8, true, valid | (ITS_RAM + 0x30000));
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x80, 8, true, valid | (ITS_RAM + 0x40000));
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE, 4, true, 1);
	/* MAPC 0 -> vCPU 1; MAPD 3 (ITT +0x50000, 1 bit); MAPTI 3/0 -> 8192. */
	its_put64(ram + 0x40000, 0x09);
	its_put64(ram + 0x40010, valid | 1ULL << 16);
	its_put64(ram + 0x40020, 0x08 | 3ULL << 32);
	its_put64(ram + 0x40030, valid | (ITS_RAM + 0x50000));
	its_put64(ram + 0x40040, 0x0a | 3ULL << 32);
	its_put64(ram + 0x40048, 8192ULL << 32);
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x88, 8, true, 0x60);
	KUNIT_EXPECT_EQ(test, guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x90, 8, false, 0), 0x60ULL);
	KUNIT_EXPECT_EQ(test, kx_vm_signal_msi(vm, &msi), 1);
	KUNIT_EXPECT_EQ(test, guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 0), 8, false, 0),
			8192ULL);
	guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 1), 8, true, 8192);
	/* SAVE_TABLES: device 3's DTE, V | ITT_addr[51:8] | 0. */
	KUNIT_EXPECT_EQ(test, vgic_attr(its, KX_ATTR_SET, 4, KVM_DEV_ARM_ITS_SAVE_TABLES, NULL), 0);
	for (i = 0; i < 8; i++)
		dte |= (u64)ram[0x20000 + 3 * 8 + i] << (8 * i);
	KUNIT_EXPECT_EQ(test, dte, valid | ((ITS_RAM + 0x50000) >> 8) << 5);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
	vfree(ram);
}

static struct kunit_case vgic_cases[] = {
	KUNIT_CASE(vgic_hardirq_injection_wakes_vcpu_test),
	KUNIT_CASE(vgic_register_groups_test),
	KUNIT_CASE(its_translation_test),
	{}
};

static struct kunit_suite vgic_suite = {
	.name = "kvm_ext_vgic",
	.test_cases = vgic_cases,
};

static struct kunit_case alloc_cases[] = {
	KUNIT_CASE(alloc_failure_sweep_test),
	{}
};

static struct kunit_suite alloc_suite = {
	.name = "kvm_ext_alloc_failure",
	.test_cases = alloc_cases,
};

kunit_test_suites(&kx_suite, &vm_suite, &device_suite, &dirty_log_suite, &arm64_suite, &vgic_suite, &alloc_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for kvm_ext");
