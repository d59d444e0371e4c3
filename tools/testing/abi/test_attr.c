// SPDX-License-Identifier: GPL-2.0
/*
 * Rule 7: KVM_{SET,GET,HAS}_DEVICE_ATTR on the VM and vCPU fds (api.rst
 * 4.80, 4.81) and ioctls the VM and vCPU fds do not know (api.rst 4).
 */
#include <termios.h>

#include "abi_test.h"

#define REF_ATTR "api.rst 4.80 KVM_SET_DEVICE_ATTR/KVM_GET_DEVICE_ATTR"
#define REF_IOCTL "api.rst 4 API description"

static const unsigned long attr_ioctls[] = { KVM_SET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR,
					     KVM_HAS_DEVICE_ATTR };
static const char *const attr_names[] = { "SET", "GET", "HAS" };

/* Groups no architecture defines for the VM or vCPU fd. */
static const __u32 unknown_groups[] = { 0x1234, 0x7fffffff, 0xffffffff };

static void check_attr(int fd, int want, const char *what)
{
	__u64 val = 0;
	size_t i, g;

	for (i = 0; i < ARRAY_SIZE(attr_ioctls); i++)
		for (g = 0; g < ARRAY_SIZE(unknown_groups); g++)
			if (!expect_errno(dev_attr(fd, attr_ioctls[i], unknown_groups[g], 0,
						   (__u64)(uintptr_t)&val),
					  want))
				diag("  %s fd KVM_%s_DEVICE_ATTR group %#x", what, attr_names[i],
				     unknown_groups[g]);
}

static void check_attr_bad_ptr(int fd, int want, const char *what)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attr_ioctls); i++)
		if (!expect_errno(ioctl(fd, attr_ioctls[i], g_bad_ptr), want))
			diag("  %s fd KVM_%s_DEVICE_ATTR", what, attr_names[i]);
}

static void t_vm_attr(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	desc_append(" -%s", errno_name(P->vm_attr_errno));
	check_attr(vm, P->vm_attr_errno, "VM");
}

static void t_vm_attr_bad_ptr(const struct abi_test *t)
{
	int vm = new_vm(0), want = P->vm_attr_copies ? EFAULT : P->vm_attr_errno;

	(void)t;
	if (vm < 0)
		return;
	desc_append(" -%s", errno_name(want));
	check_attr_bad_ptr(vm, want, "VM");
}

static void t_vcpu_attr(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;

	(void)t;
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0)
		return;
	desc_append(" -%s", errno_name(P->vcpu_attr_errno));
	check_attr(vcpu, P->vcpu_attr_errno, "vCPU");
}

static void t_vcpu_attr_bad_ptr(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu, want = P->vcpu_attr_copies ? EFAULT : P->vcpu_attr_errno;

	(void)t;
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0)
		return;
	desc_append(" -%s", errno_name(want));
	check_attr_bad_ptr(vcpu, want, "vCPU");
}

static void t_vm_unknown_ioctl(const struct abi_test *t)
{
	int vm = new_vm(0), want = P->unknown_vm_ioctl_errno;
	struct kvm_ext_guest_access acc = { 0 };
	__u64 buf = 0;

	(void)t;
	if (vm < 0)
		return;
	desc_append(" -%s", errno_name(want));
	expect_errno(ioctl(vm, _IO(KVMIO, 0xfe), 0), want);
	expect_errno(ioctl(vm, _IOWR(KVMIO, 0xdf, __u64), &buf), want);
	/* vCPU ioctls and other drivers' mean nothing on the VM fd */
	expect_errno(ioctl(vm, KVM_RUN, 0), want);
	expect_errno(ioctl(vm, KVM_EXT_GUEST_ACCESS, &acc), want);
	expect_errno(ioctl(vm, TCGETS, &buf), want);
}

static void t_vcpu_unknown_ioctl(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu, want = P->unknown_vcpu_ioctl_errno;
	__u64 buf = 0;

	(void)t;
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0)
		return;
	desc_append(" -%s", errno_name(want));
	expect_errno(ioctl(vcpu, _IO(KVMIO, 0xfe), 0), want);
	expect_errno(ioctl(vcpu, _IOWR(KVMIO, 0xdf, __u64), &buf), want);
	/* VM ioctls mean nothing on the vCPU fd */
	expect_errno(ioctl(vcpu, KVM_CREATE_VCPU, 1), want);
	expect_errno(set_region(vcpu, 0, 0, 0, PAGE_SZ, g_bad_ptr), want);
}

static void t_vcpu_foreign_type(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;
	__u64 buf = 0;

	(void)t;
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0)
		return;
	expect_errno(ioctl(vcpu, TCGETS, &buf), EINVAL);
	expect_errno(ioctl(vcpu, _IO('X', 1), 0), EINVAL);
	expect_errno(ioctl(vcpu, _IOWR(0xaf, 0xef, struct kvm_ext_guest_access), &buf), EINVAL);
}

static const struct abi_test attr_tests[] = {
	{ "VM fd KVM_SET/GET/HAS_DEVICE_ATTR, unknown group", REF_ATTR, t_vm_attr, 0, 0, 0, 0 },
	{ "VM fd KVM_SET/GET/HAS_DEVICE_ATTR, bad pointer", REF_ATTR, t_vm_attr_bad_ptr, 0, 0, 0,
	  0 },
	{ "vCPU fd KVM_SET/GET/HAS_DEVICE_ATTR, unknown group", REF_ATTR, t_vcpu_attr, 0, 0, 0,
	  0 },
	{ "vCPU fd KVM_SET/GET/HAS_DEVICE_ATTR, bad pointer", REF_ATTR, t_vcpu_attr_bad_ptr, 0, 0,
	  0, 0 },
	{ "unknown VM ioctl (kvm_arch_vm_ioctl)", REF_IOCTL, t_vm_unknown_ioctl, 0, 0, 0, 0 },
	{ "unknown KVMIO vCPU ioctl (kvm_arch_vcpu_ioctl)", REF_IOCTL, t_vcpu_unknown_ioctl, 0, 0,
	  0, 0 },
	{ "vCPU ioctl with a type other than KVMIO -EINVAL", REF_IOCTL, t_vcpu_foreign_type, 0, 0,
	  0, 0 },
};

TEST_GROUP(attr);
