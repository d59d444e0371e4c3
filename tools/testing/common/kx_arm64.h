/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 vCPU ioctls as calls, for tests that drive the core through
 * its C ABI (host tests, fuzzers, KUnit): each builds the ioctl's argument
 * and goes through kx_vcpu_ioctl()/kx_vm_ioctl(), the path the shim takes.
 * Addresses are "user" pointers as the caller's platform reads them; the
 * one struct made here (kvm_vcpu_init) is local, so a KUnit build, whose
 * copies read user memory, defines KX_TEST_LOCAL_ARG_BEGIN/END to let the
 * core read kernel memory around that call.
 */
#ifndef KX_TESTING_KX_ARM64_H
#define KX_TESTING_KX_ARM64_H

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#ifndef KX_TEST_LOCAL_ARG_BEGIN
#define KX_TEST_LOCAL_ARG_BEGIN() 0
#define KX_TEST_LOCAL_ARG_END(saved) ((void)(saved))
#endif

struct kx_test_vcpu_init {
	unsigned int target;
	unsigned int features[7];
};

/* KVM_ARM_VCPU_INIT */
static inline int kx_vcpu_arm64_init(struct kx_vcpu *vcpu, unsigned int target,
				     const unsigned int features[7])
{
	struct kx_test_vcpu_init init = { target, { 0 } };
	int i, saved;
	long r;

	for (i = 0; i < 7; i++)
		init.features[i] = features[i];
	saved = KX_TEST_LOCAL_ARG_BEGIN();
	r = kx_vcpu_ioctl(vcpu, KX_ARM_VCPU_INIT, (unsigned long)&init);
	KX_TEST_LOCAL_ARG_END(saved);
	return (int)r;
}

/* KVM_ARM_VCPU_FINALIZE; uaddr points at the int feature. */
static inline int kx_vcpu_arm64_finalize(struct kx_vcpu *vcpu, unsigned long long uaddr)
{
	return (int)kx_vcpu_ioctl(vcpu, KX_ARM_VCPU_FINALIZE, (unsigned long)uaddr);
}

/* KVM_GET_ONE_REG / KVM_SET_ONE_REG; ureg points at struct kvm_one_reg. */
static inline int kx_vcpu_one_reg(struct kx_vcpu *vcpu, int set, unsigned long long ureg)
{
	return (int)kx_vcpu_ioctl(vcpu, set ? KX_SET_ONE_REG : KX_GET_ONE_REG,
				  (unsigned long)ureg);
}

/* KVM_GET_REG_LIST; ulist points at struct kvm_reg_list. */
static inline int kx_vcpu_arm64_reg_list(struct kx_vcpu *vcpu, unsigned long long ulist)
{
	return (int)kx_vcpu_ioctl(vcpu, KX_GET_REG_LIST, (unsigned long)ulist);
}

/* KVM_CREATE_IRQCHIP: the legacy GICv2, without a device. */
static inline int kx_vm_arm64_create_irqchip(struct kx_vm *vm)
{
	return (int)kx_vm_ioctl(vm, KX_CREATE_IRQCHIP, 0);
}

struct kx_test_device_addr {
	unsigned long long id;
	unsigned long long addr;
};

/* KVM_ARM_SET_DEVICE_ADDR */
static inline int kx_vm_arm64_set_device_addr(struct kx_vm *vm, unsigned long long id,
					      unsigned long long addr)
{
	struct kx_test_device_addr a = { id, addr };
	int saved;
	long r;

	saved = KX_TEST_LOCAL_ARG_BEGIN();
	r = kx_vm_ioctl(vm, KX_ARM_SET_DEVICE_ADDR, (unsigned long)&a);
	KX_TEST_LOCAL_ARG_END(saved);
	return (int)r;
}

/* The emulated host's GICv2 compatibility (arm64_gicv2): VMs made later see it. */
static inline int kx_arm64_host_gicv2(int on)
{
	struct kx_arm64_host h;

	kx_arm64_get_host(&h);
	h.gicv2 = (unsigned char)on;
	return kx_arm64_set_host(&h);
}

#endif /* KX_TESTING_KX_ARM64_H */
