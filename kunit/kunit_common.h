/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KUnit suites share (one suite per file, all in
 * kvm_ext_kunit.ko, built with make KVM_EXT_KUNIT=y): the core driven
 * through its C ABI inside a KASAN/lockdep/kmemleak kernel, against the
 * live kvm_ext.ko with the device types its init registered.
 *
 * KUnit's kthreads have no user address space, so paths that copy user
 * memory are checked here only up to their -EFAULT (or with the test
 * build's kernel-pointer "user" copies, kvm_ext_test_kernel_uaccess());
 * the conformance suite covers them from user space.
 */
#ifndef KVM_EXT_KUNIT_COMMON_H
#define KVM_EXT_KUNIT_COMMON_H

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>
#include <kvm_ext/selftest.h>
#include <uapi/linux/kvm_ext.h>

/* The arm64 vCPU ioctls as calls; the one argument they build is local. */
#define KX_TEST_LOCAL_ARG_BEGIN() kvm_ext_test_kernel_uaccess(true)
#define KX_TEST_LOCAL_ARG_END(saved) kvm_ext_test_kernel_uaccess(saved)
#include "tools/testing/common/kx_arm64.h"

/* A VM that the test owns; the test puts it. */
static inline struct kx_vm *test_vm(struct kunit *test, enum kx_personality p)
{
	struct kx_vm *vm = NULL;

	KUNIT_ASSERT_EQ(test, kx_vm_create(p, 0, NULL, &vm), 0);
	return vm;
}

/* KVM_SET_USER_MEMORY_REGION through the C ABI. */
static inline int set_region(struct kx_vm *vm, unsigned int slot, unsigned int flags,
			     u64 gpa, u64 size, u64 uaddr)
{
	struct kx_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = uaddr,
	};

	return kx_vm_set_memory_region(vm, &r);
}

#endif /* KVM_EXT_KUNIT_COMMON_H */
