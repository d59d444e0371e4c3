// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU helpers the arm64 test files share (api.rst 4.82 KVM_ARM_VCPU_INIT,
 * 4.83 KVM_ARM_PREFERRED_TARGET, 4.119 KVM_ARM_VCPU_FINALIZE, 4.68/4.69
 * ONE_REG).
 */
#include <string.h>
#include <sys/ioctl.h>

#include "abi_test.h"

/* The target to pass to KVM_ARM_VCPU_INIT (5 on kvm_ext, the host's on /dev/kvm). */
__u32 target_of(int vm)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init))
		return KVM_ARM_TARGET_GENERIC_V8;
	return init.target;
}

int vcpu_init(int vm, int vcpu, __u32 features)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	init.target = target_of(vm);
	init.features[0] = features;
	return ioctl(vcpu, KVM_ARM_VCPU_INIT, &init);
}

int finalize_sve(int vcpu)
{
	int what = KVM_ARM_VCPU_SVE;

	return ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &what);
}

int one_reg(int vcpu, bool set, __u64 id, const void *addr)
{
	struct kvm_one_reg r = { .id = id, .addr = (__u64)(uintptr_t)addr };

	return ioctl(vcpu, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r);
}

unsigned int reg_size(__u64 id)
{
	return 1U << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

/* The host capabilities `features` need: fail on kvm_ext, skip on /dev/kvm. */
bool host_supports(__u32 features)
{
	static const struct {
		int bit;
		long cap;
		const char *name;
	} caps[] = {
		{ KVM_ARM_VCPU_SVE, KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE" },
		{ KVM_ARM_VCPU_PMU_V3, KVM_CAP_ARM_PMU_V3, "KVM_CAP_ARM_PMU_V3" },
		{ KVM_ARM_VCPU_PTRAUTH_ADDRESS, KVM_CAP_ARM_PTRAUTH_ADDRESS,
		  "KVM_CAP_ARM_PTRAUTH_ADDRESS" },
		{ KVM_ARM_VCPU_PTRAUTH_GENERIC, KVM_CAP_ARM_PTRAUTH_GENERIC,
		  "KVM_CAP_ARM_PTRAUTH_GENERIC" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (!(features & (1U << caps[i].bit)) || check_ext(g_sys, caps[i].cap) > 0)
			continue;
		if (g_is_ext)
			fail("%s is not set with the default parameters", caps[i].name);
		else
			skip_test("the host has no %s", caps[i].name);
		return false;
	}
	return true;
}
