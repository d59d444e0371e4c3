// SPDX-License-Identifier: GPL-2.0
/* Rule 8: KVM_RUN (api.rst 4.10) and kvm_run (api.rst 5). */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "abi_test.h"

#define REF_RUN "api.rst 4.10 KVM_RUN"
#define REF_KVM_RUN "api.rst 5 The kvm_run structure"

struct run_ctx {
	int vm, vcpu;
	struct kvm_run *run;
};

static bool setup(struct run_ctx *c)
{
	c->vm = new_vm(0);
	c->vcpu = c->vm >= 0 ? new_vcpu(c->vm, 0) : -1;
	c->run = map_run(c->vcpu);
	return c->run != NULL;
}

static void t_run_arg(const struct abi_test *t)
{
	struct run_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	c.run->immediate_exit = 1;
	expect_errno(ioctl(c.vcpu, KVM_RUN, 1), EINVAL);
	expect_errno(ioctl(c.vcpu, KVM_RUN, (unsigned long)c.run), EINVAL);
}

/* arm64: no KVM_ARM_VCPU_INIT, no run (kvm_arch_vcpu_run_pid_change()). */
static void t_run_uninit(const struct abi_test *t)
{
	struct run_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	expect_errno(ioctl(c.vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(ioctl(c.vcpu, KVM_RUN, 0), ENOEXEC);
	c.run->immediate_exit = 1;
	expect_errno(ioctl(c.vcpu, KVM_RUN, 0), ENOEXEC);
}

/* ppc, s390: immediate_exit makes KVM_RUN return -EINTR at once. */
static void t_run_immediate_exit(const struct abi_test *t)
{
	struct run_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	c.run->immediate_exit = 1;
	expect_errno(ioctl(c.vcpu, KVM_RUN, 0), EINTR);
	expect_errno(ioctl(c.vcpu, KVM_RUN, 0), EINTR);
	expect_eq(c.run->immediate_exit, 1);
}

/*
 * A KVM_RUN that fails on entry (arm64: -ENOEXEC before
 * kvm_arch_vcpu_ioctl_run(); ppc, s390: immediate_exit, checked before
 * anything is written) leaves the exit fields of kvm_run as they were.
 */
static void t_run_entry_untouched(const struct abi_test *t)
{
	static const __u8 data[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	struct run_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	/* a fresh vCPU: exit_reason stays KVM_EXIT_UNKNOWN */
	expect_eq(run_nonblocking(c.vcpu, c.run), -1);
	expect_eq(c.run->exit_reason, KVM_EXIT_UNKNOWN);
	/* an MMIO exit the VMM has not completed */
	c.run->exit_reason = KVM_EXIT_MMIO;
	c.run->mmio.phys_addr = 0x12345678;
	c.run->mmio.len = 4;
	c.run->mmio.is_write = 1;
	memcpy(c.run->mmio.data, data, sizeof(data));
	expect_eq(run_nonblocking(c.vcpu, c.run), -1);
	expect_eq(c.run->exit_reason, KVM_EXIT_MMIO);
	expect_eq(c.run->mmio.phys_addr, 0x12345678);
	expect_eq(c.run->mmio.len, 4);
	expect_eq(c.run->mmio.is_write, 1);
	expect_eq(memcmp(c.run->mmio.data, data, sizeof(data)), 0);
}

/* ppc, s390: the idle guest runs until a signal: -EINTR, KVM_EXIT_INTR. */
static void t_run_blocks(const struct abi_test *t)
{
	struct run_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	expect_run_until_signal(c.vcpu, c.run);
	/* and runs again */
	expect_eq(run_nonblocking(c.vcpu, c.run), -1);
}

static const struct abi_test run_tests[] = {
	{ "KVM_RUN with a nonzero arg -EINVAL", REF_RUN, t_run_arg, 0, 0, 0, 0 },
	{ "KVM_RUN of a vCPU never initialised by KVM_ARM_VCPU_INIT -ENOEXEC", REF_RUN,
	  t_run_uninit, M_ARM64, 0, 0, 0 },
	{ "KVM_RUN with kvm_run->immediate_exit set -EINTR", REF_KVM_RUN, t_run_immediate_exit,
	  M_PPC | M_S390, 0, 0, 0 },
	{ "KVM_RUN failing on entry leaves kvm_run's exit_reason and mmio untouched", REF_KVM_RUN,
	  t_run_entry_untouched, 0, 0, 0, 0 },
	{ "KVM_RUN blocks until a signal: -EINTR, exit_reason KVM_EXIT_INTR", REF_RUN,
	  t_run_blocks, M_PPC | M_S390, T_EXT, 0, 0 },
};

TEST_GROUP(run);
