/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the GIC suites share (vgic_regs_kunit.c, vgic_its_kunit.c): a
 * GICv3 VM with two vCPUs, its attributes and the guest's accesses. The
 * tests' "user" pointers are kernel ones (kvm_ext_test_kernel_uaccess()).
 */
#ifndef KVM_EXT_KUNIT_VGIC_COMMON_H
#define KVM_EXT_KUNIT_VGIC_COMMON_H

#include "kunit_common.h"

#define VGIC_DIST 0x08000000ULL
#define VGIC_REDIST 0x080a0000ULL
#define ICC(crn, crm, op2) \
	(0x6030000000130000ULL | 3U << 14 | (crn) << 7 | (crm) << 3 | (op2))

static inline int vgic_attr(struct kx_device *gic, enum kx_attr_op op, u32 group,
			    u64 attr, void *val)
{
	struct kx_attr a = { .group = group, .attr = attr,
			     .addr = (unsigned long)val };

	return kx_device_attr(gic, op, (unsigned long)&a);
}

static inline u64 guest(struct kx_vcpu *vcpu, u32 kind, u64 addr, u32 len, bool write,
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
static inline struct kx_device *vgic_setup(struct kunit *test, struct kx_vm *vm,
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

#endif /* KVM_EXT_KUNIT_VGIC_COMMON_H */
