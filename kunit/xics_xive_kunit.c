// SPDX-License-Identifier: GPL-2.0
/*
 * XICS-on-XIVE (arch/powerpc/xics_xive.cpp), the POWER9 host's
 * KVM_DEV_TYPE_XICS, inside the debug kernel: its life beside the XICS
 * emulation's and a source's ESB fired from atomic context (an irqfd's
 * wakeup runs there), under lockdep and KASAN. vCPU connections need a
 * device fd (the conformance suite).
 */
#include "kunit_common.h"

#define PRIO(p) ((u64)(p) << KVM_XICS_PRIORITY_SHIFT)

static int xx_attr(struct kx_device *dev, enum kx_attr_op op, u64 attr, u64 *val)
{
	struct kx_attr a = { .group = KVM_DEV_XICS_GRP_SOURCES, .attr = attr,
			     .addr = (unsigned long)val };

	return kx_device_attr(dev, op, (unsigned long)&a);
}

/* A VM of the POWER9 host; the module parameter goes back as it was. */
static struct kx_vm *power9_vm(struct kunit *test)
{
	unsigned int old = kx_ppc_get_host();
	struct kx_vm *vm;

	KUNIT_ASSERT_EQ(test, kx_ppc_set_host(KX_PPC_HOST_POWER9), 0);
	vm = test_vm(test, KX_PPC);
	KUNIT_ASSERT_EQ(test, kx_ppc_set_host(old), 0);
	return vm;
}

/*
 * The POWER9 VM's XICS is "kvm-xive", one per VM; a source whose server
 * no vCPU has is set all the same (0) and reads untargeted (server 0).
 */
static void xics_xive_life_test(struct kunit *test)
{
	struct kx_vm *vm = power9_vm(test);
	struct kx_device *dev, *again;
	u64 w;

	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &dev), 0);
	KUNIT_EXPECT_STREQ(test, kx_device_name(dev), "kvm-xive");
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &again), -EEXIST);
	w = PRIO(5) | 7;
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_SET, 16, &w), 0);
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_GET, 16, &w), 0);
	KUNIT_EXPECT_EQ(test, w, PRIO(5));
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_GET, 17, &w), -ENOENT);
	kx_device_abort(dev);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static DEFINE_SPINLOCK(xics_xive_test_atomic);

/*
 * KVM_IRQ_LINE under a spinlock with interrupts off: a masked source's
 * ESB coalesces (the word shows the PQ its mask kept), an unmasked one
 * with no target keeps P and the event goes nowhere.
 */
static void xics_xive_irq_line_atomic_test(struct kunit *test)
{
	struct kx_vm *vm = power9_vm(test);
	struct kx_device *dev;
	unsigned long flags;
	int r1, r2;
	u64 w;

	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_XICS, 0, &dev), 0);
	w = PRIO(0xff) | KVM_XICS_MASKED;
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_SET, 20, &w), 0);
	w = PRIO(5);
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_SET, 21, &w), 0);
	spin_lock_irqsave(&xics_xive_test_atomic, flags);
	r1 = kx_vm_irq_line(vm, 20, 1);
	r2 = kx_vm_irq_line(vm, 21, 1);
	spin_unlock_irqrestore(&xics_xive_test_atomic, flags);
	KUNIT_EXPECT_EQ(test, r1, 0);
	KUNIT_EXPECT_EQ(test, r2, 0);
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_GET, 20, &w), 0);
	KUNIT_EXPECT_EQ(test, w, PRIO(0xff) | KVM_XICS_MASKED);
	KUNIT_EXPECT_EQ(test, xx_attr(dev, KX_ATTR_GET, 21, &w), 0);
	KUNIT_EXPECT_EQ(test, w, PRIO(5) | KVM_XICS_PRESENTED);
	kx_device_abort(dev);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static struct kunit_case xics_xive_cases[] = {
	KUNIT_CASE(xics_xive_life_test),
	KUNIT_CASE(xics_xive_irq_line_atomic_test),
	{}
};

static struct kunit_suite xics_xive_suite = {
	.name = "kvm_ext_xics_xive",
	.test_cases = xics_xive_cases,
};

kunit_test_suites(&xics_xive_suite);
