// SPDX-License-Identifier: GPL-2.0
/*
 * The VGIC device types' configuration (issue 6, step 1):
 * devices/arm-vgic.rst (KVM_DEV_TYPE_ARM_VGIC_V2) and arm-vgic-v3.rst
 * (KVM_DEV_TYPE_ARM_VGIC_V3): one GIC per VM, v2 and v3 exclusive;
 * KVM_DEV_ARM_VGIC_GRP_ADDR with its errno table; GRP_NR_IRQS (64 to
 * 1024 in steps of 32, once); GRP_CTRL KVM_DEV_ARM_VGIC_CTRL_INIT.
 *
 * Ground truth where the documents are silent is Linux 6.1
 * arch/arm64/kvm/vgic/vgic-kvm-device.c (kvm_vgic_addr(),
 * vgic_check_iorange(), vgic_set_common_attr()), vgic-init.c
 * (kvm_vgic_create(): -EEXIST for a second GIC, -EBUSY once a vCPU ran,
 * -E2BIG for more vCPUs than the model serves; vgic_init()), and
 * vgic-mmio-v3.c (vgic_v3_alloc_redist_region()). Two rows follow the
 * documents against 6.1 (Documentation/differences.rst): NR_IRQS 1024 is
 * accepted, and an indexed redistributor region after the legacy one is
 * "mixed usage" (-EINVAL). Those tests are kvm_ext-only.
 *
 * The register groups (DIST, REDIST, CPU, CPU_SYSREGS, LEVEL_INFO) and
 * interrupt delivery are later steps of issue 6.
 *
 * arm64 only.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "abi_test.h"

#define REF_V2 "devices/arm-vgic.rst"
#define REF_V3 "devices/arm-vgic-v3.rst"
#define REF_CREATE "api.rst 4.79 KVM_CREATE_DEVICE, devices/arm-vgic-v3.rst"

#define V2 5 /* KVM_DEV_TYPE_ARM_VGIC_V2 */
#define V3 7 /* KVM_DEV_TYPE_ARM_VGIC_V3 */
#define GRP_ADDR 0
#define GRP_NR_IRQS 3
#define GRP_CTRL 4
#define CTRL_INIT 0
#define V2_DIST 0
#define V2_CPU 1
#define V3_DIST 2
#define V3_REDIST 3
#define V3_REGION 5
#define UNDEF (~0ULL)

static __u64 region(__u64 count, __u64 base, __u64 flags, __u64 index)
{
	return count << 52 | base | flags << 12 | index;
}

/* A VM with `nvcpus` vCPUs and a GIC of `model`; -1 (and a failure) if none. */
static int gic(int *vm_out, int model, int nvcpus)
{
	__u32 fd = 0;
	int vm, i;

	*vm_out = -1;
	if (model == V2 && !need_gicv2())
		return -1;
	vm = new_vm(0);
	*vm_out = vm;
	if (vm < 0)
		return -1;
	for (i = 0; i < nvcpus; i++)
		if (new_vcpu(vm, i) < 0)
			return -1;
	if (!expect_errno(create_device(vm, model, 0, &fd), 0))
		return -1;
	return (int)fd;
}

static int set64(int dev, __u32 group, __u64 attr, __u64 value)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, group, attr, (__u64)(uintptr_t)&value);
}

static __u64 get64(int dev, __u32 group, __u64 attr, __u64 in)
{
	__u64 value = in;

	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, group, attr, (__u64)(uintptr_t)&value), 0);
	return value;
}

static int set_nr(int dev, __u32 n)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n);
}

static int ctrl_init(int dev)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_INIT, 0);
}

static void t_one_gic(const struct abi_test *t)
{
	__u32 fd;
	int vm, dev = need_gicv2() ? gic(&vm, (int)t->a, 2) : -1;

	if (dev < 0)
		return;
	expect_errno(create_device(vm, V2, 0, &fd), EEXIST);
	expect_errno(create_device(vm, V3, 0, &fd), EEXIST);
	/* the type still exists */
	expect_errno(create_device(vm, (__u32)t->a, KVM_CREATE_DEVICE_TEST, NULL), 0);
}

static void t_create_rules(const struct abi_test *t)
{
	struct kvm_vcpu_init init = { .target = 5 };
	struct kvm_run *run;
	__u32 fd;
	int vm, vcpu, i;

	(void)t;
	if (!need_gicv2())
		return;
	vm = new_vm(0);
	if (vm < 0)
		return;
	for (i = 0; i < 9; i++)
		new_vcpu(vm, i);
	/* kvm_vgic_create(): a GICv2 serves 8 vCPUs */
	expect_errno(create_device(vm, V2, 0, &fd), E2BIG);
	/* once a vCPU has run, no GIC may come */
	vm = new_vm(0);
	vcpu = new_vcpu(vm, 0);
	run = map_run(vcpu);
	if (vcpu < 0 || !run || !expect_errno(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init), 0))
		return;
	expect_errno(run_nonblocking(vcpu, run), EINTR);
	expect_errno(create_device(vm, V3, 0, &fd), EBUSY);
}

static void t_vcpu_limits(const struct abi_test *t)
{
	int vm, dev, i;

	(void)t;
	/* a GICv2 VM takes 8 vCPUs (kvm->max_vcpus), the 9th is -EINVAL */
	dev = gic(&vm, V2, 0);
	if (dev < 0)
		return;
	for (i = 0; i < 8; i++)
		new_vcpu(vm, i);
	expect_errno(ioctl(vm, KVM_CREATE_VCPU, 8), EINVAL);
	/* no vCPU joins an initialised GIC (kvm_arch_vcpu_precreate()) */
	dev = gic(&vm, V3, 2);
	if (dev < 0 || !expect_errno(ctrl_init(dev), 0))
		return;
	expect_errno(ioctl(vm, KVM_CREATE_VCPU, 2), EBUSY);
}

static void t_v2_addr(const struct abi_test *t)
{
	int vm, dev = gic(&vm, V2, 1);

	(void)t;
	if (dev < 0)
		return;
	expect_eq(get64(dev, GRP_ADDR, V2_DIST, 0), UNDEF);
	expect_eq(get64(dev, GRP_ADDR, V2_CPU, 0), UNDEF);
	expect_errno(set64(dev, GRP_ADDR, V2_DIST, 0x8000800), EINVAL);  /* 4K alignment */
	expect_errno(set64(dev, GRP_ADDR, V2_DIST, 1ULL << 40), E2BIG); /* 40-bit IPA */
	expect_errno(set64(dev, GRP_ADDR, V2_CPU, (1ULL << 40) - 0x1000), E2BIG);
	expect_errno(set64(dev, GRP_ADDR, V2_DIST, 0x8000000), 0);
	expect_errno(set64(dev, GRP_ADDR, V2_DIST, 0x8000000), EEXIST);
	expect_errno(set64(dev, GRP_ADDR, V2_CPU, 0x8010000), 0);
	expect_eq(get64(dev, GRP_ADDR, V2_DIST, 0), 0x8000000);
	expect_eq(get64(dev, GRP_ADDR, V2_CPU, 0), 0x8010000);
	/* v3 attributes and unknown ones: -ENXIO */
	expect_errno(set64(dev, GRP_ADDR, V3_DIST, 0x9000000), ENXIO);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(1, 0x9000000, 0, 0)), ENXIO);
	expect_errno(set64(dev, GRP_ADDR, 4, 0x9000000), ENXIO);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, GRP_ADDR, V2_CPU, 0), 0);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, GRP_ADDR, V3_DIST, 0), ENXIO);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_ADDR, V2_CPU, (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
}

static void t_v3_addr(const struct abi_test *t)
{
	int vm, dev = gic(&vm, V3, 1);
	__u64 v;

	(void)t;
	if (dev < 0)
		return;
	expect_eq(get64(dev, GRP_ADDR, V3_DIST, 0), UNDEF);
	expect_eq(get64(dev, GRP_ADDR, V3_REDIST, 0), UNDEF);
	expect_errno(set64(dev, GRP_ADDR, V3_DIST, 0x8008000), EINVAL); /* 64K alignment */
	expect_errno(set64(dev, GRP_ADDR, V3_DIST, 0xffffff8000ULL), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_DIST, 0xffffff0000ULL), 0); /* last 64K of 40 bits */
	expect_errno(set64(dev, GRP_ADDR, V3_DIST, 0x8000000), EEXIST);
	expect_errno(set64(dev, GRP_ADDR, V2_DIST, 0x8000000), ENXIO);
	/* REDIST_REGION: count > 0, flags 0, index order from 0 */
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(0, 0x80a0000, 0, 0)), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(2, 0x80a0000, 1, 0)), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(2, 0x80a0000, 0, 1)), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(2, 0x80a0000, 0, 0)), 0);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(2, 0x80e0000, 0, 2)), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(2, 0x80c0000, 0, 1)), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(1, 0xffffff0000ULL, 0, 1)), E2BIG);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(4, 0x8100000, 0, 1)), 0);
	/* read back by index; an unknown index -ENOENT */
	expect_eq(get64(dev, GRP_ADDR, V3_REGION, 1), region(4, 0x8100000, 0, 1));
	expect_eq(get64(dev, GRP_ADDR, V3_REGION, 0), region(2, 0x80a0000, 0, 0));
	v = 2;
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_ADDR, V3_REGION, (__u64)(uintptr_t)&v),
		     ENOENT);
	/* the legacy attribute reads the first region; it cannot join */
	expect_eq(get64(dev, GRP_ADDR, V3_REDIST, 0), 0x80a0000);
	expect_errno(set64(dev, GRP_ADDR, V3_REDIST, 0x9000000), EINVAL);
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_ADDR, V3_REGION,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
}

static void t_v3_legacy_redist(const struct abi_test *t)
{
	int vm, dev = gic(&vm, V3, 4);

	(void)t;
	if (dev < 0)
		return;
	expect_errno(set64(dev, GRP_ADDR, V3_DIST, 0x8000000), 0);
	/* 4 vCPUs x 128 KiB from 0x7fa0000 reach into the distributor */
	expect_errno(set64(dev, GRP_ADDR, V3_REDIST, 0x7fa0000), EINVAL);
	expect_errno(set64(dev, GRP_ADDR, V3_REDIST, 0x80a0000), 0);
	expect_errno(set64(dev, GRP_ADDR, V3_REDIST, 0x90a0000), EEXIST);
	expect_eq(get64(dev, GRP_ADDR, V3_REDIST, 0), 0x80a0000);
	expect_eq(get64(dev, GRP_ADDR, V3_REGION, 0), region(0, 0x80a0000, 0, 0));
}

/* The documents: "It is invalid to mix calls"; 6.1 accepts this order. */
static void t_v3_mixing(const struct abi_test *t)
{
	int vm, dev = gic(&vm, V3, 1);

	(void)t;
	if (dev < 0)
		return;
	expect_errno(set64(dev, GRP_ADDR, V3_REDIST, 0x80a0000), 0);
	expect_errno(set64(dev, GRP_ADDR, V3_REGION, region(1, 0x9000000, 0, 1)), EINVAL);
}

static void t_nr_irqs(const struct abi_test *t)
{
	static const __u32 bad[] = { 0, 32, 63, 65, 96 + 16, 1056, 2048, ~0U };
	int vm, dev = gic(&vm, (int)t->a, 1);
	__u32 n = 0;
	size_t i;

	if (dev < 0)
		return;
	/* nothing set: the 32 private interrupts */
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n), 0);
	expect_eq(n, 32);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_errno(set_nr(dev, bad[i]), EINVAL);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(set_nr(dev, 96), 0);
	expect_errno(set_nr(dev, 96), EBUSY);
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n), 0);
	expect_eq(n, 96);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, GRP_NR_IRQS, 0, 0), 0);
}

static void t_nr_irqs_1024(const struct abi_test *t)
{
	int vm, dev = gic(&vm, V3, 1);
	__u32 n = 0;

	(void)t;
	if (dev < 0)
		return;
	expect_errno(set_nr(dev, 1024), 0);
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n), 0);
	expect_eq(n, 1024);
}

static void t_init(const struct abi_test *t)
{
	int vm, dev = gic(&vm, (int)t->a, 2);
	__u32 n = 0;

	if (dev < 0)
		return;
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, GRP_CTRL, CTRL_INIT, 0), 0);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, GRP_CTRL, 9, 0), ENXIO);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, 9, 0), ENXIO);
	expect_errno(ctrl_init(dev), 0);
	expect_errno(ctrl_init(dev), 0); /* initialised already: nothing to do */
	/* INIT froze the number of interrupts at 256 */
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n), 0);
	expect_eq(n, 256);
	expect_errno(set_nr(dev, 128), EBUSY);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, 0x1234, 0, 0), ENXIO);
}

#define A M_ARM64
#define E T_EXT
static const struct abi_test vgic_tests[] = {
	{ "one GIC per VM (GICv2): a second GICv2 or GICv3 -EEXIST", REF_V2, t_one_gic, A, 0, V2,
	  0 },
	{ "one GIC per VM (GICv3): a second GICv2 or GICv3 -EEXIST", REF_V3, t_one_gic, A, 0, V3,
	  0 },
	{ "a GICv2 with 9 vCPUs -E2BIG; a GIC after a vCPU ran -EBUSY", REF_CREATE, t_create_rules,
	  A, 0, 0, 0 },
	{ "GICv2 VM: 8 vCPUs at most (-EINVAL); no vCPU after CTRL_INIT (-EBUSY)", REF_CREATE,
	  t_vcpu_limits, A, 0, 0, 0 },
	{ "GRP_ADDR v2 DIST/CPU: 4K alignment -EINVAL, beyond IPA -E2BIG, twice -EEXIST, v3 -ENXIO",
	  REF_V2, t_v2_addr, A, 0, 0, 0 },
	{ "GRP_ADDR v3: DIST, REDIST_REGION count/flags/index rules, overlap, read by index, -ENOENT",
	  REF_V3, t_v3_addr, A, 0, 0, 0 },
	{ "GRP_ADDR v3 REDIST (legacy): sized by the vCPUs, overlap with DIST -EINVAL, -EEXIST",
	  REF_V3, t_v3_legacy_redist, A, 0, 0, 0 },
	{ "GRP_ADDR v3: REDIST_REGION after REDIST is mixed usage -EINVAL (the documents)", REF_V3,
	  t_v3_mixing, A, E, 0, 0 },
	{ "GRP_NR_IRQS (GICv2): 64..1024 step 32 else -EINVAL, once (-EBUSY), reads back", REF_V2,
	  t_nr_irqs, A, 0, V2, 0 },
	{ "GRP_NR_IRQS (GICv3): 64..1024 step 32 else -EINVAL, once (-EBUSY), reads back", REF_V3,
	  t_nr_irqs, A, 0, V3, 0 },
	{ "GRP_NR_IRQS 1024, the documents' maximum, is accepted", REF_V3, t_nr_irqs_1024, A, E, 0,
	  0 },
	{ "GRP_CTRL INIT (GICv2): idempotent, freezes NR_IRQS at 256; other attrs -ENXIO", REF_V2,
	  t_init, A, 0, V2, 0 },
	{ "GRP_CTRL INIT (GICv3): idempotent, freezes NR_IRQS at 256; other attrs -ENXIO", REF_V3,
	  t_init, A, 0, V3, 0 },
};

TEST_GROUP(vgic);
