// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_TYPE_XIVE (arch/powerpc/xive_native.cpp) inside the debug
 * kernel, with the type kvm_ext.ko's init registered for the ppc node, on
 * a VM of the emulated POWER9: its life and its sources' PQ bits, with
 * triggers from atomic context (KVM_IRQ_LINE and the ESB trigger under a
 * spinlock with interrupts off, as an irqfd's wakeup injects), under
 * lockdep and KASAN. vCPU connections need a device fd (the conformance
 * suite and the host tests cover them and the queues).
 */
#include "kunit_common.h"

static int xive_attr(struct kx_device *dev, u32 group, u64 attr, u64 *val)
{
	struct kx_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return kx_device_attr(dev, KX_ATTR_SET, (unsigned long)&a);
}

static DEFINE_SPINLOCK(xive_test_atomic);

static void xive_native_life_and_atomic_triggers_test(struct kunit *test)
{
	struct kx_device *dev, *again;
	unsigned int host = kx_ppc_get_host();
	unsigned long flags;
	struct kx_vm *vm;
	int r0, r1, r2;
	u64 v;

	KUNIT_ASSERT_EQ(test, kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
	vm = test_vm(test, KX_PPC);
	KUNIT_EXPECT_EQ(test, kx_ppc_set_host(host), 0);
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XIVE, 0, &dev), 0);
	kx_vm_get(vm); /* the device fd's reference */
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XIVE, 0, &again), -EEXIST);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &again), -EEXIST);
	v = 0;
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_SOURCE, 0x100000, &v), -E2BIG);
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_SOURCE, 0xfffff, &v), 0);
	v = KVM_XIVE_LEVEL_SENSITIVE;
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_SOURCE, 20, &v), 0);
	v = KVM_XIVE_SOURCE_MASKED_MASK;
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, 20, &v), 0);
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 20, 0x800), 1);  /* PQ 01 */
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 20, 0xc00), 1);  /* SET_PQ_00 */
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 21, 0x800), -ENXIO);
	spin_lock_irqsave(&xive_test_atomic, flags);
	r0 = kx_vm_irq_line(vm, 20, 1);	  /* 00 -> 10, dropped at the masked EAS */
	r1 = kx_xive_esb_trigger(dev, 20); /* 10 -> 11 */
	r2 = kx_xive_esb_trigger(dev, 0xfffff); /* 01 stays */
	spin_unlock_irqrestore(&xive_test_atomic, flags);
	KUNIT_EXPECT_EQ(test, r0, 0);
	KUNIT_EXPECT_EQ(test, r1, 0);
	KUNIT_EXPECT_EQ(test, r2, 0);
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 20, 0x800), 3);
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 0xfffff, 0x800), 1);
	/* an EOI with Q set triggers again: 10, dropped again */
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 20, 0x000), 1);
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 20, 0x800), 2);
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_RESET, NULL), 0);
	kx_device_release(dev);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 20, 1), -ENXIO);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XIVE, 0, &again), 0);
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(again, 20, 0x800), -ENXIO); /* a fresh device */
	kx_device_abort(again);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

/*
 * The fd's views in the kernel: a management page faulted in (a page of
 * the core's, allocated outside the spinlock) follows triggers fired from
 * atomic context, since they write the PQ bits into it under that lock;
 * the pages go with the device (kmemleak).
 */
static void xive_native_views_follow_atomic_triggers_test(struct kunit *test)
{
	unsigned int host = kx_ppc_get_host();
	struct kx_device *dev;
	unsigned long flags;
	void *mgmt, *trig, *os;
	struct kx_vm *vm;
	int r0, r1;
	u64 v = 0;

	KUNIT_ASSERT_EQ(test, kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
	vm = test_vm(test, KX_PPC);
	KUNIT_EXPECT_EQ(test, kx_ppc_set_host(host), 0);
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XIVE, 0, &dev), 0);
	kx_vm_get(vm);
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_SOURCE, 30, &v), 0);
	KUNIT_EXPECT_NE(test, kx_device_fault(dev, KVM_XIVE_ESB_PAGE_OFFSET + 2 * 31 + 1, &mgmt), 0);
	KUNIT_ASSERT_EQ(test, kx_device_fault(dev, KVM_XIVE_ESB_PAGE_OFFSET + 2 * 30 + 1, &mgmt), 0);
	KUNIT_ASSERT_EQ(test, kx_device_fault(dev, KVM_XIVE_ESB_PAGE_OFFSET + 2 * 30, &trig), 0);
	KUNIT_ASSERT_EQ(test, kx_device_fault(dev, KVM_XIVE_TIMA_PAGE_OFFSET + 2, &os), 0);
	KUNIT_EXPECT_NE(test, kx_device_fault(dev, KVM_XIVE_TIMA_PAGE_OFFSET + 1, &os), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)mgmt)[0x807], 1);
	KUNIT_EXPECT_EQ(test, ((u8 *)trig)[0], 0xff);
	KUNIT_EXPECT_EQ(test, kx_xive_esb_load(dev, 30, 0xc00), 1);
	spin_lock_irqsave(&xive_test_atomic, flags);
	r0 = kx_vm_irq_line(vm, 30, 1); /* 00 -> 10 (no target: dropped at the EAS) */
	r1 = kx_xive_esb_trigger(dev, 30); /* 10 -> 11 */
	spin_unlock_irqrestore(&xive_test_atomic, flags);
	KUNIT_EXPECT_EQ(test, r0, 0);
	KUNIT_EXPECT_EQ(test, r1, 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)mgmt)[0x807], 3);
	KUNIT_EXPECT_EQ(test, ((u8 *)mgmt)[0xff7], 3);
	KUNIT_EXPECT_EQ(test, xive_attr(dev, KVM_DEV_XIVE_GRP_SOURCE, 30, &v), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)mgmt)[0x807], 1); /* initialised again: off */
	kx_device_release(dev);
	kx_vm_put(vm);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static struct kunit_case xive_native_cases[] = {
	KUNIT_CASE(xive_native_life_and_atomic_triggers_test),
	KUNIT_CASE(xive_native_views_follow_atomic_triggers_test),
	{}
};

static struct kunit_suite xive_native_suite = {
	.name = "kvm_ext_xive_native",
	.test_cases = xive_native_cases,
};

kunit_test_suites(&xive_native_suite);
