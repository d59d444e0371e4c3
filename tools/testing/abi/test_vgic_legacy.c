// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy way to an arm64 in-kernel GIC (issue 20): KVM_CREATE_IRQCHIP
 * (api.rst 4.24), which makes a GICv2 without a device fd, and
 * KVM_ARM_SET_DEVICE_ADDR (api.rst 4.85), which places its two frames; the
 * emulated host's GICv2 compatibility (the arm64_gicv2 parameter) both
 * depend on; and the two ioctls on ppc and s390.
 *
 * Ground truth where api.rst is silent is Linux 6.1: arch/arm64/kvm/arm.c
 * (kvm_arch_vm_ioctl(): -ENXIO without vgic_present, which the emulated
 * host always has; kvm_vm_ioctl_set_device_addr()), vgic-init.c
 * (kvm_vgic_create(): -ENODEV for a GICv2 without GICv2 compatibility,
 * then -EBUSY, -EEXIST, -EBUSY once a vCPU ran, -E2BIG), vgic-kvm-device.c
 * (kvm_set_legacy_vgic_v2_addr(), vgic_check_iorange()), vgic-v3.c
 * (vgic_v3_probe(): KVM_DEV_TYPE_ARM_VGIC_V2 is registered only with GICv2
 * compatibility) and arch/s390/kvm/kvm-s390.c. One row follows api.rst
 * against 6.1 (Documentation/differences.rst): KVM_ARM_SET_DEVICE_ADDR of
 * a frame that overlaps the other is -EBUSY; that test is kvm_ext-only.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/ioctl.h>

#include "vgic_common.h"

#define REF_IRQCHIP "api.rst 4.24 KVM_CREATE_IRQCHIP"
#define REF_ADDR "api.rst 4.85 KVM_ARM_SET_DEVICE_ADDR"
#define REF_BOTH "api.rst 4.24 KVM_CREATE_IRQCHIP, 4.85 KVM_ARM_SET_DEVICE_ADDR"
#define REF_PARAM "userspace-api.rst arm64_gicv2, devices/arm-vgic.rst"
#define REF_CAP "api.rst 4.4 KVM_CHECK_EXTENSION, 4.85"

#define A M_ARM64
#define E T_EXT

/* KVM_ARM_SET_DEVICE_ADDR ids: KVM_ARM_DEVICE_VGIC_V2 with an address type */
#define ID(dev, type) ((__u64)(dev) << KVM_ARM_DEVICE_ID_SHIFT | (type))
#define ID_DIST ID(KVM_ARM_DEVICE_VGIC_V2, KVM_VGIC_V2_ADDR_TYPE_DIST)
#define ID_CPU ID(KVM_ARM_DEVICE_VGIC_V2, KVM_VGIC_V2_ADDR_TYPE_CPU)

static int set_device_addr(int vm, __u64 id, __u64 addr)
{
	struct kvm_arm_device_addr a = { .id = id, .addr = addr };

	return ioctl(vm, KVM_ARM_SET_DEVICE_ADDR, &a);
}

static int create_irqchip(int vm)
{
	return ioctl(vm, KVM_CREATE_IRQCHIP, 0);
}

static __u64 get_addr(int dev, __u64 type)
{
	__u64 v = 0;

	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_ADDR, type, (__u64)(uintptr_t)&v), 0);
	return v;
}

static int set_addr(int dev, __u64 type, __u64 addr)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_ADDR, type, (__u64)(uintptr_t)&addr);
}

static int run_once(int vcpu, struct kvm_run *run)
{
	return run_nonblocking(vcpu, run);
}

/* A VM with n initialised vCPUs and a KVM_CREATE_IRQCHIP GIC (-1: failed). */
static int irqchip_vm(int n, int *vcpus, struct kvm_run **runs)
{
	int vm = new_vm(0), i;

	if (vm < 0)
		return -1;
	for (i = 0; i < n; i++) {
		vcpus[i] = new_vcpu(vm, i);
		runs[i] = map_run(vcpus[i]);
		if (!runs[i] || !expect_errno(vcpu_init(vm, vcpus[i], 0), 0))
			return -1;
	}
	if (!expect_errno(create_irqchip(vm), 0))
		return -1;
	return vm;
}

/* ------------------------------------------------------------ capabilities */

static void t_caps(const struct abi_test *t)
{
	long want = P->id == P_ARM64;
	int vm = new_vm(0);

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_SET_DEVICE_ADDR), want);
	if (vm >= 0)
		expect_eq(check_ext(vm, KVM_CAP_ARM_SET_DEVICE_ADDR), want);
	if (P->id == P_ARM64) {
		/* vgic_present, whatever the GICv2 compatibility */
		expect_eq(check_ext(g_sys, KVM_CAP_IRQCHIP), 1);
		if (vm >= 0)
			expect_eq(check_ext(vm, KVM_CAP_IRQCHIP), 1);
	}
}

/* ------------------------------------------------------------ the host parameter */

PARAM_TEST(t_param_off)
{
	__u32 fd;
	int vm, vm_on, i;

	expect_eq(strcmp(param_read("arm64_gicv2"), "N"), 0);
	vm = new_vm(0);
	if (vm < 0)
		return;
	for (i = 0; i < 9; i++)
		new_vcpu(vm, i);
	/* the VM keeps the host it was made on */
	expect_param_write("arm64_gicv2", "Y", 0);
	vm_on = new_vm(0);
	/* KVM_DEV_TYPE_ARM_VGIC_V2 is not registered: -ENODEV, TEST or not */
	expect_errno(create_device(vm, V2, KVM_CREATE_DEVICE_TEST, NULL), ENODEV);
	expect_errno(create_device(vm, V2, 0, &fd), ENODEV);
	/* kvm_vgic_create()'s first check: before -E2BIG (9 vCPUs) */
	expect_errno(create_irqchip(vm), ENODEV);
	/* no GICv2 can exist, so neither can its frames */
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), ENODEV);
	/* a GICv3 is made as ever; -ENODEV still comes before -EEXIST */
	expect_errno(create_device(vm, V3, 0, &fd), 0);
	expect_errno(create_irqchip(vm), ENODEV);
	expect_errno(create_device(vm, V2, 0, &fd), ENODEV);
	/* the VM made after the write has it */
	if (vm_on >= 0)
		expect_errno(create_device(vm_on, V2, KVM_CREATE_DEVICE_TEST, NULL), 0);
}

/* ------------------------------------------------------------ KVM_CREATE_IRQCHIP */

static void t_irqchip_is_a_gicv2(const struct abi_test *t)
{
	__u32 fd;
	int vm, i;

	(void)t;
	if (!need_gicv2())
		return;
	vm = new_vm(0);
	if (vm < 0 || !expect_errno(create_irqchip(vm), 0))
		return;
	expect_errno(create_irqchip(vm), EEXIST);
	expect_errno(create_device(vm, V2, 0, &fd), EEXIST);
	expect_errno(create_device(vm, V3, 0, &fd), EEXIST);
	/* the type itself is there */
	expect_errno(create_device(vm, V2, KVM_CREATE_DEVICE_TEST, NULL), 0);
	/* a GICv2 serves 8 vCPUs (kvm->max_vcpus) */
	for (i = 0; i < 8; i++)
		new_vcpu(vm, i);
	expect_errno(ioctl(vm, KVM_CREATE_VCPU, 8), EINVAL);
	/* after a device-made GIC of either model, -EEXIST */
	vm = new_vm(0);
	if (vm >= 0 && expect_errno(create_device(vm, V3, 0, &fd), 0))
		expect_errno(create_irqchip(vm), EEXIST);
	vm = new_vm(0);
	if (vm >= 0 && expect_errno(create_device(vm, V2, 0, &fd), 0))
		expect_errno(create_irqchip(vm), EEXIST);
}

static void t_irqchip_rules(const struct abi_test *t)
{
	struct kvm_run *run;
	int vm, vcpu, i;

	(void)t;
	if (!need_gicv2())
		return;
	/* -E2BIG for 9 vCPUs; the refusal made no GIC, so again -E2BIG */
	vm = new_vm(0);
	if (vm < 0)
		return;
	for (i = 0; i < 9; i++)
		new_vcpu(vm, i);
	expect_errno(create_irqchip(vm), E2BIG);
	expect_errno(create_irqchip(vm), E2BIG);
	/* once a vCPU has run, -EBUSY */
	vm = new_vm(0);
	vcpu = vm < 0 ? -1 : new_vcpu(vm, 0);
	run = map_run(vcpu);
	if (!run || !expect_errno(vcpu_init(vm, vcpu, 0), 0))
		return;
	expect_errno(run_once(vcpu, run), EINTR);
	expect_errno(create_irqchip(vm), EBUSY);
}

/* ------------------------------------------------------------ KVM_ARM_SET_DEVICE_ADDR */

static void t_addr_rows(const struct abi_test *t)
{
	__u32 fd;
	int vm;

	(void)t;
	if (!need_gicv2())
		return;
	vm = new_vm(0); /* 40-bit IPA */
	if (vm < 0)
		return;
	expect_errno(ioctl(vm, KVM_ARM_SET_DEVICE_ADDR, g_bad_ptr), EFAULT);
	/* a device id other than KVM_ARM_DEVICE_VGIC_V2, before anything else */
	expect_errno(set_device_addr(vm, ID(1, KVM_VGIC_V2_ADDR_TYPE_DIST), DIST_BASE), ENODEV);
	expect_errno(set_device_addr(vm, ID(0xffff, 0xffff), 1), ENODEV);
	/* no GIC: vgic_check_type() */
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), ENODEV);
	expect_errno(create_irqchip(vm), 0);
	/* address types other than the GICv2's two */
	expect_errno(set_device_addr(vm, ID(0, KVM_VGIC_V3_ADDR_TYPE_DIST), DIST_BASE), ENODEV);
	expect_errno(set_device_addr(vm, ID(0, 0xffff), DIST_BASE), ENODEV);
	/* vgic_check_iorange(): alignment and wrap, the IPA space */
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE + 0x800), EINVAL);
	expect_errno(set_device_addr(vm, ID_CPU, ~0xfffULL), EINVAL);
	expect_errno(set_device_addr(vm, ID_DIST, 1ULL << 40), E2BIG);
	expect_errno(set_device_addr(vm, ID_CPU, (1ULL << 40) - 0x1000), E2BIG); /* 8 KiB */
	expect_errno(set_device_addr(vm, ID_CPU, (1ULL << 40) - 0x2000), 0);
	/* bits 63:32 of the id are not looked at */
	expect_errno(set_device_addr(vm, 1ULL << 32 | ID_DIST, DIST_BASE), 0);
	/* set already: -EEXIST, before the address is checked */
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE + 0x10000), EEXIST);
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE + 0x800), EEXIST);
	expect_errno(set_device_addr(vm, ID_CPU, CPU_BASE), EEXIST);
	/* a GICv3 has no such frames */
	vm = new_vm(0);
	if (vm >= 0 && expect_errno(create_device(vm, V3, 0, &fd), 0))
		expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), ENODEV);
	/* a 48-bit VM's space */
	vm = new_vm(48);
	if (vm >= 0 && expect_errno(create_irqchip(vm), 0)) {
		expect_errno(set_device_addr(vm, ID_DIST, 1ULL << 48), E2BIG);
		expect_errno(set_device_addr(vm, ID_DIST, 1ULL << 40), 0);
	}
}

static void t_addr_overlap(const struct abi_test *t)
{
	int vm;

	(void)t;
	if (!need_gicv2())
		return;
	vm = new_vm(0);
	if (vm < 0 || !expect_errno(create_irqchip(vm), 0))
		return;
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), 0);
	/* an 8 KiB CPU interface frame whose second page is the distributor */
	expect_errno(set_device_addr(vm, ID_CPU, DIST_BASE - 0x1000), EBUSY);
	expect_errno(set_device_addr(vm, ID_CPU, DIST_BASE), EBUSY);
	/* ending where the distributor starts is fine */
	expect_errno(set_device_addr(vm, ID_CPU, DIST_BASE - 0x2000), 0);
	/* and the other way round */
	vm = new_vm(0);
	if (vm < 0 || !expect_errno(create_irqchip(vm), 0))
		return;
	expect_errno(set_device_addr(vm, ID_CPU, CPU_BASE), 0);
	expect_errno(set_device_addr(vm, ID_DIST, CPU_BASE + 0x1000), EBUSY);
	expect_errno(set_device_addr(vm, ID_DIST, CPU_BASE + 0x2000), 0);
}

static void t_addr_and_device(const struct abi_test *t)
{
	__u32 fd;
	int vm, dev;

	(void)t;
	if (!need_gicv2())
		return;
	vm = new_vm(0);
	if (vm < 0 || !expect_errno(create_device(vm, V2, 0, &fd), 0))
		return;
	dev = (int)fd;
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), 0);
	expect_eq(get_addr(dev, ADDR_V2_DIST), DIST_BASE);
	expect_errno(set_addr(dev, ADDR_V2_DIST, DIST_BASE), EEXIST);
	expect_errno(set_addr(dev, ADDR_V2_CPU, CPU_BASE), 0);
	expect_errno(set_device_addr(vm, ID_CPU, CPU_BASE), EEXIST);
	expect_eq(get_addr(dev, ADDR_V2_CPU), CPU_BASE);
}

/* ------------------------------------------------------------ as the guest */

static void t_guest_reaches_it(const struct abi_test *t)
{
	struct kvm_irq_level line = { .irq = IRQ_SPI << 24 | 40, .level = 1 };
	struct kvm_run *runs[2];
	int vcpus[2], vm, i;

	(void)t;
	if (!need_gicv2())
		return;
	vm = irqchip_vm(2, vcpus, runs);
	if (vm < 0)
		return;
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), 0);
	/* the first KVM_RUN needs both frames, and a refusal changes nothing */
	expect_errno(run_once(vcpus[0], runs[0]), ENXIO);
	expect_errno(set_device_addr(vm, ID_CPU, CPU_BASE), 0);
	if (!expect_errno(run_once(vcpus[0], runs[0]), EINTR))
		return;
	/* a GICv2 initialised on demand: 256 interrupts, 2 CPUs */
	expect_eq(guest_rd(vcpus[0], DIST_BASE + GICD_TYPER, 4), 7 | 1 << 5);
	expect_eq(guest_rd(vcpus[1], DIST_BASE + GICD_IIDR, 4), IIDR_V3); /* a GICv2's too */
	expect_eq(guest_rd(vcpus[1], CPU_BASE + GICC_IIDR, 4) & 0xfff, 0x43b);
	/* the guest enables SPI 40 for CPU 1; KVM_IRQ_LINE raises it */
	guest_wr(vcpus[0], DIST_BASE + GICD_CTLR, 4, 1);
	for (i = 0; i < 2; i++) {
		guest_wr(vcpus[i], CPU_BASE + GICC_CTLR, 4, 1);
		guest_wr(vcpus[i], CPU_BASE + GICC_PMR, 4, 0xff);
	}
	guest_wr(vcpus[0], DIST_BASE + GICD_IPRIORITYR + 40, 1, 0x80);
	guest_wr(vcpus[0], DIST_BASE + GICD_ITARGETSR + 40, 1, 0x2);
	guest_wr(vcpus[0], DIST_BASE + GICD_ISENABLER + 4, 4, 1U << 8);
	expect_errno(ioctl(vm, KVM_IRQ_LINE, &line), 0);
	expect_eq(guest_rd(vcpus[0], CPU_BASE + GICC_IAR, 4), SPURIOUS);
	expect_eq(guest_rd(vcpus[1], CPU_BASE + GICC_IAR, 4), 40);
	guest_wr(vcpus[1], CPU_BASE + GICC_EOIR, 4, 40);
	/* no frame moves once mapped */
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE + 0x100000), EEXIST);
}

/* ------------------------------------------------------------ ppc and s390 */

static void t_other_arches(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	/* ppc: no such VM ioctl; s390: -EINVAL without KVM_CAP_S390_IRQCHIP enabled */
	expect_errno(create_irqchip(vm), P->id == P_S390 ? EINVAL : P->unknown_vm_ioctl_errno);
	expect_errno(set_device_addr(vm, ID_DIST, DIST_BASE), P->unknown_vm_ioctl_errno);
	expect_errno(ioctl(vm, KVM_ARM_SET_DEVICE_ADDR, g_bad_ptr), P->unknown_vm_ioctl_errno);
}

static const struct abi_test vgic_legacy_tests[] = {
	{ "KVM_CAP_ARM_SET_DEVICE_ADDR 1 on arm64 (0 elsewhere); KVM_CAP_IRQCHIP 1 on arm64",
	  REF_CAP, t_caps, 0, 0, 0, 0 },
	{ "arm64_gicv2 N (the default): VGIC_V2 -ENODEV (TEST too), KVM_CREATE_IRQCHIP -ENODEV "
	  "first, KVM_ARM_SET_DEVICE_ADDR -ENODEV, GICv3 as ever; a VM keeps its host",
	  REF_PARAM, t_param_off, A, E, 0, 0 },
	{ "KVM_CREATE_IRQCHIP: a GICv2 (8 vCPUs); then CREATE_IRQCHIP or CREATE_DEVICE of either "
	  "model -EEXIST, and after a device-made GIC",
	  REF_IRQCHIP, t_irqchip_is_a_gicv2, A, 0, 0, 0 },
	{ "KVM_CREATE_IRQCHIP: 9 vCPUs -E2BIG (changes nothing), after a vCPU ran -EBUSY",
	  REF_IRQCHIP, t_irqchip_rules, A, 0, 0, 0 },
	{ "KVM_ARM_SET_DEVICE_ADDR: -EFAULT, device id/no GIC/address type -ENODEV, alignment and "
	  "wrap -EINVAL, IPA -E2BIG, set -EEXIST; id bits 63:32 ignored",
	  REF_ADDR, t_addr_rows, A, 0, 0, 0 },
	{ "KVM_ARM_SET_DEVICE_ADDR: a frame over the other one -EBUSY (api.rst; 6.1 refuses at the "
	  "first KVM_RUN)",
	  REF_ADDR, t_addr_overlap, A, E, 0, 0 },
	{ "KVM_ARM_SET_DEVICE_ADDR and GRP_ADDR place the same frames of a KVM_CREATE_DEVICE GICv2",
	  REF_ADDR, t_addr_and_device, A, 0, 0, 0 },
	{ "a KVM_CREATE_IRQCHIP GICv2: first KVM_RUN needs both frames (-ENXIO), then the guest "
	  "reaches GICD/GICC there and takes an SPI from KVM_IRQ_LINE",
	  REF_BOTH, t_guest_reaches_it, A, E, 0, 0 },
	{ "ppc: KVM_CREATE_IRQCHIP and KVM_ARM_SET_DEVICE_ADDR unknown; s390: CREATE_IRQCHIP -EINVAL "
	  "(KVM_CAP_S390_IRQCHIP not enabled)",
	  REF_BOTH, t_other_arches, M_PPC | M_S390, 0, 0, 0 },
};

TEST_GROUP(vgic_legacy);
