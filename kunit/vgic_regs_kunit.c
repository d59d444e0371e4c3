// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 VGIC's registers and interrupts (devices/arm-vgic-v3.rst;
 * issue 6) inside the debug kernel: injection from hard-IRQ context, as an
 * irqfd would inject, waking a vCPU blocked in KVM_RUN, under lockdep; and
 * the register groups as userspace and the guest see them.
 */
#include "vgic_common.h"

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
	u32 val = 0xa0a0a0a0, lines = 0, level = 0;
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
	/* LEVEL_INFO follows KVM_IRQ_LINE (SPIs 32-47 made level: they start edge). */
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_SET, 1, 0xc08, &level), 0);
	KUNIT_EXPECT_EQ(test, kx_vm_irq_line(vm, 1U << 24 | 40, 1), 0);
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_GET, 7, 32, &lines), 0);
	KUNIT_EXPECT_EQ(test, lines, 1U << 8);
	KUNIT_EXPECT_EQ(test, vgic_attr(gic, KX_ATTR_GET, 7, 33, &lines), -EINVAL);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static struct kunit_case vgic_regs_cases[] = {
	KUNIT_CASE(vgic_hardirq_injection_wakes_vcpu_test),
	KUNIT_CASE(vgic_register_groups_test),
	{}
};

static struct kunit_suite vgic_regs_suite = {
	.name = "kvm_ext_vgic_regs",
	.test_cases = vgic_regs_cases,
};

kunit_test_suites(&vgic_regs_suite);
