// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_TYPE_XICS (arch/powerpc/xics.cpp) inside the debug kernel, with
 * the device type kvm_ext.ko's init registered for the ppc node: its life
 * (one per VM, released, made again) and the source words, under lockdep
 * and KASAN. vCPU connections need a device fd (the conformance suite).
 */
#include "kunit_common.h"

static int xics_attr(struct kx_device *dev, enum kx_attr_op op, u32 group, u64 attr, u64 *val)
{
	struct kx_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return kx_device_attr(dev, op, (unsigned long)&a);
}

static void xics_life_and_sources_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_PPC);
	struct kx_device *dev, *again;
	u64 w;

	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &dev), 0);
	kx_vm_get(vm); /* the device fd's reference */
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &again), -EEXIST);
	w = 0xffULL << KVM_XICS_PRIORITY_SHIFT | KVM_XICS_LEVEL_SENSITIVE | KVM_XICS_PENDING | 3;
	KUNIT_EXPECT_EQ(test, xics_attr(dev, KX_ATTR_SET, KVM_DEV_XICS_GRP_SOURCES, 0xfffff, &w), 0);
	w = 0;
	KUNIT_EXPECT_EQ(test, xics_attr(dev, KX_ATTR_GET, KVM_DEV_XICS_GRP_SOURCES, 0xfffff, &w), 0);
	KUNIT_EXPECT_EQ(test, w, 0xffULL << KVM_XICS_PRIORITY_SHIFT | KVM_XICS_MASKED |
				 KVM_XICS_LEVEL_SENSITIVE | KVM_XICS_PENDING | KVM_XICS_PRESENTED | 3);
	w = 5ULL << KVM_XICS_PRIORITY_SHIFT;
	KUNIT_EXPECT_EQ(test, xics_attr(dev, KX_ATTR_SET, KVM_DEV_XICS_GRP_SOURCES, 16, &w),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, xics_attr(dev, KX_ATTR_GET, KVM_DEV_XICS_GRP_SOURCES, 16, &w),
			-ENOENT);
	kx_device_release(dev);
	kx_vm_put(vm);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &again), 0);
	KUNIT_EXPECT_EQ(test, xics_attr(again, KX_ATTR_GET, KVM_DEV_XICS_GRP_SOURCES, 0xfffff,
					&w), -ENOENT);
	kx_device_abort(again);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static DEFINE_SPINLOCK(xics_test_atomic);

/*
 * KVM_IRQ_LINE into the XICS from atomic context (an irqfd's wakeup runs
 * there): -ENXIO without one; with one, a source fires under a spinlock
 * with interrupts off (P set; with no vCPU of its server the delivery is
 * dropped, as 6.1's).
 */
static void xics_irq_line_atomic_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_PPC);
	struct kx_device *dev;
	unsigned long flags;
	int r;
	u64 w;

	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 20, 1), -ENXIO);
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &dev), 0);
	w = 0xffULL << KVM_XICS_PRIORITY_SHIFT;
	KUNIT_EXPECT_EQ(test, xics_attr(dev, KX_ATTR_SET, KVM_DEV_XICS_GRP_SOURCES, 20, &w), 0);
	spin_lock_irqsave(&xics_test_atomic, flags);
	r = kx_vm_irq_line(vm, 20, 1);
	spin_unlock_irqrestore(&xics_test_atomic, flags);
	KUNIT_EXPECT_EQ(test, r, 0);
	KUNIT_EXPECT_EQ(test, xics_attr(dev, KX_ATTR_GET, KVM_DEV_XICS_GRP_SOURCES, 20, &w), 0);
	KUNIT_EXPECT_EQ(test, w, 0xffULL << KVM_XICS_PRIORITY_SHIFT | KVM_XICS_MASKED |
				 KVM_XICS_PRESENTED);
	kx_device_abort(dev);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static struct kunit_case xics_cases[] = {
	KUNIT_CASE(xics_life_and_sources_test),
	KUNIT_CASE(xics_irq_line_atomic_test),
	{}
};

static struct kunit_suite xics_suite = {
	.name = "kvm_ext_xics",
	.test_cases = xics_cases,
};

kunit_test_suites(&xics_suite);
