// SPDX-License-Identifier: GPL-2.0
/* Rule 8: KVM_RUN (api.rst 4.10) and kvm_run (api.rst 5). */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_RUN "api.rst 4.10 KVM_RUN"
#define REF_KVM_RUN "api.rst 5 The kvm_run structure"
#define REF_SIGMASK "api.rst 4.21 KVM_SET_SIGNAL_MASK"

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
	RUN_MMIO(c.run)->phys_addr = 0x12345678;
	RUN_MMIO(c.run)->len = 4;
	RUN_MMIO(c.run)->is_write = 1;
	memcpy(RUN_MMIO(c.run)->data, data, sizeof(data));
	expect_eq(run_nonblocking(c.vcpu, c.run), -1);
	expect_eq(c.run->exit_reason, KVM_EXIT_MMIO);
	expect_eq(RUN_MMIO(c.run)->phys_addr, 0x12345678);
	expect_eq(RUN_MMIO(c.run)->len, 4);
	expect_eq(RUN_MMIO(c.run)->is_write, 1);
	expect_eq(memcmp(RUN_MMIO(c.run)->data, data, sizeof(data)), 0);
}

/* ppc (in PAPR mode), s390: the idle guest runs until a signal: -EINTR, KVM_EXIT_INTR. */
static void t_run_blocks(const struct abi_test *t)
{
	struct run_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	if (P->id == P_PPC && !expect_errno(ppc_enable_papr(c.vcpu), 0))
		return;
	expect_run_until_signal(c.vcpu, c.run);
	/* and runs again */
	expect_eq(run_nonblocking(c.vcpu, c.run), -1);
}

/* ------------------------------------------------------ KVM_SET_SIGNAL_MASK */

/* struct kvm_signal_mask with the kernel's sigset (8 bytes) after len. */
struct sigmask_arg {
	__u32 len;
	__u8 sigset[8];
} __attribute__((packed));

static int set_sigmask(int vcpu, const sigset_t *set)
{
	struct sigmask_arg a = { .len = 8 };

	if (!set)
		return ioctl(vcpu, KVM_SET_SIGNAL_MASK, NULL);
	/* glibc's sigset_t starts with the kernel's 64 bits */
	memcpy(a.sigset, set, sizeof(a.sigset));
	return ioctl(vcpu, KVM_SET_SIGNAL_MASK, &a);
}

static int set_sigmask_len(int vcpu, __u32 len)
{
	__u8 buf[4 + 128] = { 0 };

	memcpy(buf, &len, sizeof(len));
	return ioctl(vcpu, KVM_SET_SIGNAL_MASK, buf);
}

/* len is checked against the kernel's sigset_t before the set is read. */
static void t_sigmask_len(const struct abi_test *t)
{
	long page = sysconf(_SC_PAGESIZE);
	static const __u32 bad[] = { 0, 4, 7, 9, 16, 128 };
	struct run_ctx c;
	__u8 *p;
	__u32 len;
	size_t i;

	(void)t;
	if (!setup(&c))
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_errno(set_sigmask_len(c.vcpu, bad[i]), EINVAL);
	expect_errno(set_sigmask_len(c.vcpu, 8), 0);
	expect_errno(ioctl(c.vcpu, KVM_SET_SIGNAL_MASK, NULL), 0);
	expect_errno(ioctl(c.vcpu, KVM_SET_SIGNAL_MASK, g_bad_ptr), EFAULT);
	/* len readable, the set behind it not: the set's read faults */
	p = track_map(mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0), 2 * page);
	if (!expect_true(p != MAP_FAILED))
		return;
	mprotect(p + page, page, PROT_NONE);
	len = 8;
	memcpy(p + page - 4, &len, 4);
	expect_errno(ioctl(c.vcpu, KVM_SET_SIGNAL_MASK, p + page - 4), EFAULT);
	len = 4;
	memcpy(p + page - 4, &len, 4);
	expect_errno(ioctl(c.vcpu, KVM_SET_SIGNAL_MASK, p + page - 4), EINVAL);
}

static volatile sig_atomic_t usr1s, usr2s;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		usr1s++;
	else
		usr2s++;
}

/* Sends SIGUSR1 to the test's thread after 100 ms and SIGUSR2 after 250 ms. */
static void *signaller(void *arg)
{
	pthread_t target = *(pthread_t *)arg;
	struct timespec d = { 0, 100 * 1000 * 1000 };

	nanosleep(&d, NULL);
	pthread_kill(target, SIGUSR1);
	d.tv_nsec = 150 * 1000 * 1000;
	nanosleep(&d, NULL);
	pthread_kill(target, SIGUSR2);
	return NULL;
}

/* KVM_RUN with the signaller running: returns KVM_RUN's errno and seconds. */
static int run_signalled(struct run_ctx *c, double *secs)
{
	pthread_t self = pthread_self(), th;
	struct timespec t0, t1;
	int r, err;

	c->run->immediate_exit = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pthread_create(&th, NULL, signaller, &self)) {
		fail("pthread_create failed");
		return -1;
	}
	r = ioctl(c->vcpu, KVM_RUN, 0);
	err = r ? errno : 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(th, NULL);
	*secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	diag("  KVM_RUN returned after %.1f ms", *secs * 1000);
	return err;
}

static bool sigmask_setup(struct run_ctx *c, struct sigaction *old1, struct sigaction *old2)
{
	struct sigaction sa;

	if (!setup(c))
		return false;
	if (P->id == P_ARM64 && !expect_errno(vcpu_init(c->vm, c->vcpu, 0), 0))
		return false;
	if (P->id == P_PPC && !expect_errno(ppc_enable_papr(c->vcpu), 0))
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, old1);
	sigaction(SIGUSR2, &sa, old2);
	usr1s = usr2s = 0;
	return true;
}

static void sigmask_restore(const struct sigaction *old1, const struct sigaction *old2)
{
	sigaction(SIGUSR1, old1, NULL);
	sigaction(SIGUSR2, old2, NULL);
}

/*
 * The vCPU's mask blocks SIGUSR1 during KVM_RUN only: SIGUSR1 does not end
 * the run, SIGUSR2 does; SIGUSR1 is delivered once KVM_RUN returns, and
 * outside KVM_RUN the thread's own mask is unchanged.
 */
static void t_sigmask_blocks(const struct abi_test *t)
{
	struct sigaction old1, old2;
	sigset_t set, before, after;
	struct run_ctx c;
	double secs;

	(void)t;
	if (!sigmask_setup(&c, &old1, &old2))
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	expect_errno(set_sigmask(c.vcpu, &set), 0);
	/* the kernel fills only its 8 bytes of glibc's sigset_t */
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	pthread_sigmask(SIG_SETMASK, NULL, &before);
	expect_eq(run_signalled(&c, &secs), EINTR);
	expect_eq(c.run->exit_reason, KVM_EXIT_INTR);
	if (secs < 0.2)
		fail("KVM_RUN ended after %.3f s: SIGUSR1 (in the vCPU's mask) interrupted it",
		     secs);
	expect_eq(usr1s, 1);
	expect_eq(usr2s, 1);
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	expect_eq(memcmp(&before, &after, sizeof(before)), 0);
	/* outside KVM_RUN the mask does nothing */
	raise(SIGUSR1);
	expect_eq(usr1s, 2);
	sigmask_restore(&old1, &old2);
}

/*
 * The vCPU's mask replaces the thread's during KVM_RUN: a SIGUSR1 the
 * thread blocks ends the run, and stays pending afterwards (it is
 * delivered only if the original mask allows); without a vCPU mask the
 * thread's own mask holds during KVM_RUN too.
 */
static void t_sigmask_unblocks(const struct abi_test *t)
{
	struct sigaction old1, old2;
	sigset_t usr1, empty, pending, saved;
	struct timespec zero = { 0, 0 };
	struct run_ctx c;
	double secs;

	(void)t;
	if (!sigmask_setup(&c, &old1, &old2))
		return;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&empty);
	pthread_sigmask(SIG_BLOCK, &usr1, &saved);
	expect_errno(set_sigmask(c.vcpu, &empty), 0);
	expect_eq(run_signalled(&c, &secs), EINTR);
	expect_eq(c.run->exit_reason, KVM_EXIT_INTR);
	if (secs >= 0.2)
		fail("KVM_RUN ended after %.3f s: the thread-blocked SIGUSR1 did not end it", secs);
	expect_eq(usr1s, 0);
	sigpending(&pending);
	expect_eq(sigismember(&pending, SIGUSR1), 1);
	expect_eq(sigtimedwait(&usr1, NULL, &zero), SIGUSR1);

	/* no argument: no vCPU mask, the thread's (blocking SIGUSR1) holds */
	expect_errno(set_sigmask(c.vcpu, NULL), 0);
	usr2s = 0;
	expect_eq(run_signalled(&c, &secs), EINTR);
	if (secs < 0.2)
		fail("KVM_RUN ended after %.3f s: the cleared mask still applied", secs);
	expect_eq(usr2s, 1);
	expect_eq(sigtimedwait(&usr1, NULL, &zero), SIGUSR1);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	sigmask_restore(&old1, &old2);
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
	{ "KVM_SET_SIGNAL_MASK: len other than 8 -EINVAL before the set is read, unreadable "
	  "struct or set -EFAULT, NULL clears",
	  REF_SIGMASK, t_sigmask_len, 0, 0, 0, 0 },
	{ "KVM_SET_SIGNAL_MASK: a signal in the mask does not end KVM_RUN, one outside does; "
	  "the thread's mask is unchanged outside KVM_RUN",
	  REF_SIGMASK, t_sigmask_blocks, 0, T_EXT, 0, 0 },
	{ "KVM_SET_SIGNAL_MASK: the mask replaces the thread's during KVM_RUN (a thread-blocked "
	  "signal ends it and stays pending); NULL restores the thread's own",
	  REF_SIGMASK, t_sigmask_unblocks, 0, T_EXT, 0, 0 },
};

TEST_GROUP(run);
