// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_GET_MP_STATE / KVM_SET_MP_STATE (api.rst 4.38, 4.39), KVM_CAP_MP_STATE,
 * and what KVM_RUN's idle guest does in each state.
 */
#include <string.h>

#include "abi_test.h"

#define REF_GET "api.rst 4.38 KVM_GET_MP_STATE"
#define REF_SET "api.rst 4.39 KVM_SET_MP_STATE"
#define REF_BOTH "api.rst 4.38 KVM_GET_MP_STATE, 4.39 KVM_SET_MP_STATE"
#define REF_WAKE "api.rst 4.38 KVM_GET_MP_STATE (arm64), 5 KVM_SYSTEM_EVENT_WAKEUP"

#define POWER_OFF (1U << KVM_ARM_VCPU_POWER_OFF)

static long get_mp(int vcpu)
{
	struct kvm_mp_state s = { .mp_state = 0xdeadbeef };

	if (!expect_errno(ioctl(vcpu, KVM_GET_MP_STATE, &s), 0))
		return -1;
	return s.mp_state;
}

static int set_mp(int vcpu, __u32 state)
{
	struct kvm_mp_state s = { .mp_state = state };

	return ioctl(vcpu, KVM_SET_MP_STATE, &s);
}

/* KVM_IRQ_LINE of KVM_ARM_IRQ_TYPE_CPU: the vCPU's IRQ line, no GIC. */
static int cpu_irq_line(int vm, __u32 vcpu_idx, __u32 level)
{
	struct kvm_irq_level l = { .irq = vcpu_idx << 16, .level = level };

	return ioctl(vm, KVM_IRQ_LINE, &l);
}

/* ppc's kvm_arch_vcpu_ioctl_{get,set}_mpstate() refuse; SET copies first. */
static void t_mp_state_ppc(const struct abi_test *t)
{
	struct kvm_mp_state s = { 0 };
	int vm = new_vm(0), vcpu;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	if (vcpu < 0)
		return;
	expect_eq(check_ext(vm, KVM_CAP_MP_STATE), 0);
	expect_errno(ioctl(vcpu, KVM_GET_MP_STATE, &s), EINVAL);
	expect_errno(ioctl(vcpu, KVM_GET_MP_STATE, g_bad_ptr), EINVAL);
	expect_errno(ioctl(vcpu, KVM_SET_MP_STATE, &s), EINVAL);
	expect_errno(ioctl(vcpu, KVM_SET_MP_STATE, g_bad_ptr), EFAULT);
}

/* The struct's copies: out after the state is read, in before it is set. */
static void t_mp_state_fault(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	if (vcpu < 0)
		return;
	expect_eq(check_ext(vm, KVM_CAP_MP_STATE), 1);
	expect_eq(check_ext(g_sys, KVM_CAP_MP_STATE), 1);
	expect_errno(ioctl(vcpu, KVM_GET_MP_STATE, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_SET_MP_STATE, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_GET_MP_STATE, NULL), EFAULT);
}

/*
 * arm64: a new vCPU is RUNNABLE; SET takes RUNNABLE, STOPPED and SUSPENDED
 * (section 5's "setting the calling vCPU's state to
 * KVM_MP_STATE_SUSPENDED", as 6.1), anything else -EINVAL and no change.
 */
static void t_mp_state_arm64(const struct abi_test *t)
{
	static const __u32 bad[] = { 1, 2, 3, 4, 6, 7, 8, 9, 11, 0xffffffff };
	int vm = new_vm(0), vcpu;
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	if (vcpu < 0)
		return;
	expect_eq(get_mp(vcpu), KVM_MP_STATE_RUNNABLE);
	expect_errno(set_mp(vcpu, KVM_MP_STATE_STOPPED), 0);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_errno(set_mp(vcpu, bad[i]), EINVAL);
		expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	}
	expect_errno(set_mp(vcpu, KVM_MP_STATE_SUSPENDED), 0);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_SUSPENDED);
	expect_errno(set_mp(vcpu, KVM_MP_STATE_RUNNABLE), 0);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_RUNNABLE);
}

/* KVM_ARM_VCPU_INIT: KVM_ARM_VCPU_POWER_OFF starts the vCPU STOPPED. */
static void t_mp_state_arm64_init(const struct abi_test *t)
{
	int vm = new_vm(0), v0, v1;

	(void)t;
	if (vm < 0)
		return;
	v0 = new_vcpu(vm, 0);
	v1 = new_vcpu(vm, 1);
	if (v0 < 0 || v1 < 0)
		return;
	expect_errno(set_mp(v0, KVM_MP_STATE_STOPPED), 0);
	expect_errno(vcpu_init(vm, v0, 0), 0);
	expect_eq(get_mp(v0), KVM_MP_STATE_RUNNABLE);
	expect_errno(vcpu_init(vm, v1, POWER_OFF), 0);
	expect_eq(get_mp(v1), KVM_MP_STATE_STOPPED);
	/* a re-init resets the state again */
	expect_errno(set_mp(v1, KVM_MP_STATE_RUNNABLE), 0);
	expect_errno(vcpu_init(vm, v1, POWER_OFF), 0);
	expect_eq(get_mp(v1), KVM_MP_STATE_STOPPED);
	/* a refused init leaves it */
	expect_errno(vcpu_init(vm, v1, 0), EINVAL);
	expect_eq(get_mp(v1), KVM_MP_STATE_STOPPED);
}

/*
 * arm64's idle guest: a STOPPED vCPU ignores its interrupts (it sleeps
 * until runnable), a RUNNABLE one takes them, a SUSPENDED one exits with
 * KVM_SYSTEM_EVENT_WAKEUP and stays SUSPENDED until the VMM says otherwise.
 */
static void t_mp_state_arm64_run(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;
	struct kvm_run *run;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	run = map_run(vcpu);
	if (!run || !expect_errno(vcpu_init(vm, vcpu, 0), 0))
		return;
	expect_errno(cpu_irq_line(vm, 0, 1), 0);
	expect_errno(set_mp(vcpu, KVM_MP_STATE_STOPPED), 0);
	expect_run_until_signal(vcpu, run);

	expect_errno(set_mp(vcpu, KVM_MP_STATE_SUSPENDED), 0);
	run->immediate_exit = 0;
	expect_errno(ioctl(vcpu, KVM_RUN, 0), 0);
	expect_eq(run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	expect_eq(run->system_event.type, KVM_SYSTEM_EVENT_WAKEUP);
	expect_eq(run->system_event.ndata, 0);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_SUSPENDED);
	/* not honoured: the next KVM_RUN exits with the wakeup again */
	expect_errno(ioctl(vcpu, KVM_RUN, 0), 0);
	expect_eq(run->system_event.type, KVM_SYSTEM_EVENT_WAKEUP);
	/* no wakeup event: it waits */
	expect_errno(cpu_irq_line(vm, 0, 0), 0);
	expect_run_until_signal(vcpu, run);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_SUSPENDED);

	expect_errno(set_mp(vcpu, KVM_MP_STATE_RUNNABLE), 0);
	expect_errno(cpu_irq_line(vm, 0, 1), 0);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), 0);
	expect_eq(run->exit_reason, KVM_EXIT_EXT_INTERRUPT);
}

/*
 * s390: a new vCPU is STOPPED; KVM_RUN starts it (OPERATING) until the VMM
 * takes CPU state control with KVM_SET_MP_STATE, after which KVM_RUN of a
 * stopped vCPU is -EINVAL. GET returns 0 and fills the struct (6.1 returns
 * the state as the ioctl's value: Documentation/differences.rst).
 */
static void t_mp_state_s390(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;
	struct kvm_run *run;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	run = map_run(vcpu);
	if (!run)
		return;
	expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	/* immediate_exit returns before the start */
	expect_eq(run_nonblocking(vcpu, run), -1);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	expect_run_until_signal(vcpu, run);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_OPERATING);

	expect_errno(set_mp(vcpu, KVM_MP_STATE_STOPPED), 0);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	run->immediate_exit = 0;
	run->exit_reason = KVM_EXIT_UNKNOWN;
	expect_errno(ioctl(vcpu, KVM_RUN, 0), EINVAL);
	expect_eq(run->exit_reason, KVM_EXIT_UNKNOWN);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	expect_errno(set_mp(vcpu, KVM_MP_STATE_OPERATING), 0);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_OPERATING);
	expect_run_until_signal(vcpu, run);
}

/*
 * s390: LOAD needs a protected vCPU, CHECK_STOP and the other states are
 * not supported: -ENXIO, and the refused call leaves the state and who
 * controls it alone (KVM_RUN still starts the vCPU).
 */
static void t_mp_state_s390_refused(const struct abi_test *t)
{
	static const __u32 bad[] = { KVM_MP_STATE_LOAD, KVM_MP_STATE_CHECK_STOP,
				     KVM_MP_STATE_RUNNABLE, KVM_MP_STATE_SUSPENDED, 0xffffffff };
	int vm = new_vm(0), vcpu;
	struct kvm_run *run;
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	run = map_run(vcpu);
	if (!run)
		return;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_errno(set_mp(vcpu, bad[i]), ENXIO);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_STOPPED);
	expect_run_until_signal(vcpu, run);
	expect_eq(get_mp(vcpu), KVM_MP_STATE_OPERATING);
}

static const struct abi_test mp_state_tests[] = {
	{ "KVM_GET/SET_MP_STATE on ppc -EINVAL (SET's bad pointer -EFAULT first); "
	  "KVM_CAP_MP_STATE 0",
	  REF_BOTH, t_mp_state_ppc, M_PPC, 0, 0, 0 },
	{ "KVM_GET/SET_MP_STATE: bad struct pointer -EFAULT; KVM_CAP_MP_STATE 1", REF_BOTH,
	  t_mp_state_fault, M_ARM64 | M_S390, 0, 0, 0 },
	{ "arm64 KVM_SET_MP_STATE: RUNNABLE, STOPPED, SUSPENDED; others -EINVAL, state kept",
	  REF_SET, t_mp_state_arm64, M_ARM64, 0, 0, 0 },
	{ "arm64 KVM_ARM_VCPU_INIT: RUNNABLE, or STOPPED with KVM_ARM_VCPU_POWER_OFF", REF_GET,
	  t_mp_state_arm64_init, M_ARM64, 0, 0, 0 },
	{ "arm64 KVM_RUN: STOPPED ignores interrupts, SUSPENDED exits with "
	  "KVM_SYSTEM_EVENT_WAKEUP and stays SUSPENDED, RUNNABLE takes them",
	  REF_WAKE, t_mp_state_arm64_run, M_ARM64, T_EXT, 0, 0 },
	{ "s390 KVM_GET/SET_MP_STATE: STOPPED at creation, KVM_RUN starts it until the VMM "
	  "controls CPU state; then a stopped vCPU's KVM_RUN -EINVAL",
	  REF_BOTH, t_mp_state_s390, M_S390, T_EXT, 0, 0 },
	{ "s390 KVM_SET_MP_STATE: LOAD, CHECK_STOP, others -ENXIO and change nothing", REF_SET,
	  t_mp_state_s390_refused, M_S390, T_EXT, 0, 0 },
};

TEST_GROUP(mp_state);
