// SPDX-License-Identifier: GPL-2.0
/*
 * The FSL MPIC (arch/powerpc/mpic.cpp) inside the debug kernel, on the
 * emulated e500mc host: its creation (which empties the VM's routing
 * table under the VM's lock), the register space through GRP_REGISTER,
 * lines and MSIs through routed GSIs, KVM_SIGNAL_MSI, BASE_ADDR on the
 * MMIO bus and the device's end with the VM, under lockdep and KASAN.
 * vCPU connections need a device fd (the conformance suite).
 */
#include "kunit_common.h"

/* struct kvm_irq_routing with two entries */
struct mpic_routing {
	struct kvm_irq_routing hdr;
	struct kvm_irq_routing_entry e[2];
};

static int mpic_attr(struct kx_device *dev, enum kx_attr_op op, u32 group, u64 attr, void *val)
{
	struct kx_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return kx_device_attr(dev, op, (unsigned long)&a);
}

static u32 mpic_reg(struct kunit *test, struct kx_device *dev, u64 off)
{
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_GET, KVM_DEV_MPIC_GRP_REGISTER, off, &v), 0);
	return v;
}

static void mpic_set_reg(struct kunit *test, struct kx_device *dev, u64 off, u32 v)
{
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_SET, KVM_DEV_MPIC_GRP_REGISTER, off, &v), 0);
}

/* An e500mc VM: the host is switched for its creation and put back. */
static struct kx_vm *e500_vm(struct kunit *test)
{
	unsigned int host = kx_ppc_get_host();
	struct kx_vm *vm;

	KUNIT_ASSERT_EQ(test, kx_ppc_set_host(KX_PPC_HOST_E500MC), 0);
	vm = test_vm(test, KX_PPC);
	KUNIT_ASSERT_EQ(test, kx_ppc_set_host(host), 0);
	return vm;
}

/*
 * One MPIC per VM, its reset registers, GCR's reset, BASE_ADDR moved and
 * cleared on the MMIO bus; the device goes with the VM (.destroy only).
 */
static void mpic_life_and_registers_test(struct kunit *test)
{
	struct kx_vm *vm = e500_vm(test);
	struct kx_device *dev, *again;
	u64 base;

	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_FSL_MPIC_42, 0, &dev), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_FSL_MPIC_20, 0, &again),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x0), 0x00400402U);	/* BRR1 v4.2 */
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x10e0), 0xffffU);	/* SPVE */
	mpic_set_reg(test, dev, 0x10000 + 5 * 0x20, 3 << 16 | 0x55);	/* IVPR5 */
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x10000 + 5 * 0x20), 3U << 16 | 0x55);
	mpic_set_reg(test, dev, 0x1020, 0x80000000);			/* GCR reset */
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x10000 + 5 * 0x20), 0x80000000U);
	base = 0xe0040000;
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_SET, KVM_DEV_MPIC_GRP_MISC,
					KVM_DEV_MPIC_BASE_ADDR, &base), 0);
	base = 0xe0080000;
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_SET, KVM_DEV_MPIC_GRP_MISC,
					KVM_DEV_MPIC_BASE_ADDR, &base), 0);
	base = 0xe0001000;
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_SET, KVM_DEV_MPIC_GRP_MISC,
					KVM_DEV_MPIC_BASE_ADDR, &base), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_GET, KVM_DEV_MPIC_GRP_MISC,
					KVM_DEV_MPIC_BASE_ADDR, &base), 0);
	KUNIT_EXPECT_EQ(test, base, 0xe0080000ULL);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm); /* the MPIC, mapped, goes with the VM */
}

/*
 * KVM_IRQ_LINE through the routing table (the MPIC's creation emptied
 * the one set before it), an MSI route and KVM_SIGNAL_MSI into MSIIR, the
 * MSIR read that clears it, and an EOI from GRP_REGISTER with nothing in
 * service. A failed creation under every allocation failure leaves the
 * VM without an MPIC.
 */
static void mpic_routing_and_msis_test(struct kunit *test)
{
	struct kx_vm *vm = e500_vm(test);
	struct mpic_routing r = { .hdr.nr = 2 };
	struct kx_msi msi = { .data = 3U << 29 | 4U << 24 };
	struct kx_device *dev;
	u32 active = 7;
	int attempt, ret;

	r.e[0].gsi = 9;
	r.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	r.e[0].u.irqchip.pin = 9;
	r.e[1].gsi = 10;
	r.e[1].type = KVM_IRQ_ROUTING_MSI;
	r.e[1].u.msi.data = 1U << 29 | 2U << 24;
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 9, 1), -ENXIO);
	KUNIT_EXPECT_EQ(test, kx_vm_ioctl(vm, KVM_SET_GSI_ROUTING, (unsigned long)&r), 0);
	for (attempt = 0;; attempt++) {
		kvm_ext_test_fail_alloc_after(attempt);
		ret = kx_vm_create_device(vm, KVM_DEV_TYPE_FSL_MPIC_20, 0, &dev);
		kvm_ext_test_fail_alloc_after(-1);
		if (!ret)
			break;
		KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
		KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 9, 1), -ENXIO);
	}
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 9, 1), 0); /* routed nowhere now */
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_GET, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 9, &active),
			0);
	KUNIT_EXPECT_EQ(test, active, 0U);
	KUNIT_EXPECT_EQ(test, kx_vm_ioctl(vm, KVM_SET_GSI_ROUTING, (unsigned long)&r), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 9, 1), 0);
	KUNIT_EXPECT_EQ(test, mpic_attr(dev, KX_ATTR_GET, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, 9, &active),
			0);
	KUNIT_EXPECT_EQ(test, active, 1U); /* edge, unacknowledged */
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 10, 1), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_signal_msi(vm, &msi), 0);
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x1720), 1U << 1 | 1U << 3); /* MSISR */
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x1610), 1U << 2);	    /* MSIR1 */
	KUNIT_EXPECT_EQ(test, mpic_reg(test, dev, 0x1610), 0U);
	mpic_set_reg(test, dev, 0x20000 + 0xb0, 0);			    /* EOI, CPU 0 */
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static struct kunit_case mpic_cases[] = {
	KUNIT_CASE(mpic_life_and_registers_test),
	KUNIT_CASE(mpic_routing_and_msis_test),
	{}
};

static struct kunit_suite mpic_suite = {
	.name = "kvm_ext_mpic",
	.test_cases = mpic_cases,
};

kunit_test_suites(&mpic_suite);
