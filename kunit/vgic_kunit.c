// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 VGIC (devices/arm-vgic-v3.rst; issue 6) inside the debug
 * kernel: injection from hard-IRQ context, as an irqfd would inject, waking
 * a vCPU blocked in KVM_RUN, under lockdep. The test's "user" pointers are
 * kernel ones (kvm_ext_test_kernel_uaccess()).
 */
#include "kunit_common.h"

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

kunit_test_suites(&vgic_suite);
