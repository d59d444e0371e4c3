// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 PSCI and SMCCC calls from the guest (KVM_EXT_ACCESS_HYPERCALL), as
 * 6.1's psci.c and hypercalls.c: the vCPUs' MP state, KVM_EXIT_SYSTEM_EVENT
 * (api.rst 5), KVM_CAP_ARM_SYSTEM_SUSPEND (api.rst 8.36).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "abi_test.h"
#include "arm64_ids.h"

#define REF_PSCI "ARM DEN0022 (PSCI) as 6.1's psci.c; api.rst 4.38 KVM_GET_MP_STATE"
#define REF_EVENT "api.rst 5 KVM_EXIT_SYSTEM_EVENT"
#define REF_SUSPEND "api.rst 8.36 KVM_CAP_ARM_SYSTEM_SUSPEND, 5 KVM_SYSTEM_EVENT_SUSPEND"
#define REF_SMCCC "ARM DEN0028 (SMCCC) as 6.1's kvm_hvc_call_handler()"

#define PSCI_0_2 (1U << KVM_ARM_VCPU_PSCI_0_2)
#define POWER_OFF (1U << KVM_ARM_VCPU_POWER_OFF)

#define FN32(n) (0x84000000ULL + (n))
#define FN64(n) (0xc4000000ULL + (n))
/* arm64's <linux/psci.h> (through <asm/kvm.h>) has PSCI_VERSION(maj, min). */
#undef PSCI_VERSION
#define PSCI_VERSION FN32(0)
#define CPU_SUSPEND FN32(1)
#define CPU_OFF FN32(2)
#define CPU_ON FN32(3)
#define CPU_ON64 FN64(3)
#define AFFINITY_INFO64 FN64(4)
#define MIGRATE_INFO_TYPE FN32(6)
#define SYSTEM_OFF FN32(8)
#define SYSTEM_RESET FN32(9)
#define PSCI_FEATURES FN32(10)
#define SYSTEM_SUSPEND64 FN64(14)
#define SYSTEM_RESET2 FN32(18)
#define SYSTEM_RESET2_64 FN64(18)
#define PSCI01_CPU_OFF (0x95c1ba5eULL + 1)
#define PSCI01_CPU_ON (0x95c1ba5eULL + 2)

#define RET(v) ((__u64)(__s64)(v))
#define NOT_SUPPORTED RET(-1)
#define INVALID_PARAMS RET(-2)
#define ALREADY_ON RET(-4)
#define INTERNAL_FAILURE RET(-6)

#define REG_PSCI_VERSION (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | C_FW | 0)
#define REG_PC CORE(KVM_REG_SIZE_U64, 32 * 2)
#define REG_X0 CORE(KVM_REG_SIZE_U64, 0)

/* One SMCCC call: x1-x4 in; x0-x3 out in out[]; the result kind. */
struct call {
	__u64 out[4];
	__u32 result;
	int err;
};

static struct call hvc(int vcpu, __u64 fn, __u64 x1, __u64 x2, __u64 x3)
{
	struct kvm_ext_guest_access a;
	struct call c;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	a.kind = KVM_EXT_ACCESS_HYPERCALL;
	a.addr = fn;
	a.len = 8;
	a.data = x1;
	a.args[0] = x2;
	a.args[1] = x3;
	c.err = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) ? errno : 0;
	c.out[0] = a.data;
	memcpy(&c.out[1], a.args, sizeof(a.args));
	c.result = a.result;
	return c;
}

/* A call the kernel completes: its x0. */
static __u64 hvc0(int vcpu, __u64 fn, __u64 x1, __u64 x2, __u64 x3)
{
	struct call c = hvc(vcpu, fn, x1, x2, x3);

	if (!expect_eq(c.err, 0) || !expect_eq(c.result, KVM_EXT_RESULT_KERNEL))
		return 0x5a5a5a5a;
	expect_eq(c.out[1] | c.out[2] | c.out[3], 0);
	return c.out[0];
}

static long get_mp(int vcpu)
{
	struct kvm_mp_state s = { .mp_state = 0xdeadbeef };

	if (!expect_errno(ioctl(vcpu, KVM_GET_MP_STATE, &s), 0))
		return -1;
	return s.mp_state;
}

static __u64 get_reg(int vcpu, __u64 id)
{
	__u64 v = 0xdeadbeef;

	expect_errno(one_reg(vcpu, false, id, &v), 0);
	return v;
}

struct pair {
	int vm, v[2];
	struct kvm_run *run[2];
};

/* Two vCPUs (MPIDR 0 and 1) with PSCI 0.2+; the second starts powered off. */
static bool setup_pair(struct pair *p, __u32 features)
{
	int i;

	p->vm = new_vm(0);
	if (p->vm < 0)
		return false;
	for (i = 0; i < 2; i++) {
		p->v[i] = new_vcpu(p->vm, i);
		p->run[i] = map_run(p->v[i]);
		if (!p->run[i])
			return false;
	}
	return expect_errno(vcpu_init(p->vm, p->v[0], features), 0) &&
	       expect_errno(vcpu_init(p->vm, p->v[1], features | POWER_OFF), 0);
}

/* PSCI_VERSION follows KVM_REG_ARM_PSCI_VERSION; PSCI_FEATURES the version. */
static void t_psci_version(const struct abi_test *t)
{
	__u64 v10 = 0x10000, v02 = 2;
	struct pair p;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	expect_eq(hvc0(p.v[0], PSCI_VERSION, 0, 0, 0), 0x10001);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, SYSTEM_RESET2, 0, 0), 0);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, CPU_ON64, 0, 0), 0);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, FN32(19), 0, 0), NOT_SUPPORTED);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, 0x80000000, 0, 0), 0); /* SMCCC_VERSION */
	expect_eq(hvc0(p.v[0], MIGRATE_INFO_TYPE, 0, 0, 0), 2);       /* TOS_MP */
	expect_eq(hvc0(p.v[0], CPU_SUSPEND, 0, 0, 0), 0);
	expect_eq(hvc0(p.v[0], FN32(19), 0, 0, 0), NOT_SUPPORTED); /* MEM_PROTECT */
	/* PSCI 1.0: no SYSTEM_RESET2 */
	expect_errno(one_reg(p.v[0], true, REG_PSCI_VERSION, &v10), 0);
	expect_eq(hvc0(p.v[0], PSCI_VERSION, 0, 0, 0), 0x10000);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, SYSTEM_RESET2, 0, 0), NOT_SUPPORTED);
	expect_eq(hvc0(p.v[0], SYSTEM_RESET2, 0, 0, 0), NOT_SUPPORTED);
	/* PSCI 0.2: no PSCI_FEATURES */
	expect_errno(one_reg(p.v[0], true, REG_PSCI_VERSION, &v02), 0);
	expect_eq(hvc0(p.v[0], PSCI_VERSION, 0, 0, 0), 2);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, CPU_ON, 0, 0), NOT_SUPPORTED);
}

/* Without KVM_ARM_VCPU_PSCI_0_2: KVM's PSCI 0.1 ids, CPU_OFF and CPU_ON. */
static void t_psci_0_1(const struct abi_test *t)
{
	struct pair p;

	(void)t;
	if (!setup_pair(&p, 0))
		return;
	expect_eq(hvc0(p.v[0], PSCI_VERSION, 0, 0, 0), NOT_SUPPORTED);
	expect_eq(hvc0(p.v[0], PSCI01_CPU_ON, 1, 0x1000, 0), 0);
	expect_eq(get_mp(p.v[1]), KVM_MP_STATE_RUNNABLE);
	/* 0.1 has no ALREADY_ON */
	expect_eq(hvc0(p.v[0], PSCI01_CPU_ON, 1, 0x1000, 0), INVALID_PARAMS);
	expect_eq(hvc0(p.v[1], PSCI01_CPU_OFF, 0, 0, 0), 0);
	expect_eq(get_mp(p.v[1]), KVM_MP_STATE_STOPPED);
	expect_eq(hvc0(p.v[0], PSCI01_CPU_ON - 2, 0, 0, 0), NOT_SUPPORTED); /* CPU_SUSPEND */
}

/*
 * CPU_ON: the target by MPIDR, only when stopped; its next entry resets it
 * to the entry point with the context id in x0.
 */
static void t_psci_cpu_on(const struct abi_test *t)
{
	struct pair p;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	expect_eq(get_mp(p.v[1]), KVM_MP_STATE_STOPPED);
	expect_eq(hvc0(p.v[0], CPU_ON64, 1ULL << 24, 0x40080000, 7), INVALID_PARAMS);
	expect_eq(hvc0(p.v[0], CPU_ON64, 5, 0x40080000, 7), INVALID_PARAMS);
	expect_eq(get_mp(p.v[1]), KVM_MP_STATE_STOPPED);
	expect_eq(hvc0(p.v[0], CPU_ON64, 1, 0x40080000, 0x1234), 0);
	expect_eq(get_mp(p.v[1]), KVM_MP_STATE_RUNNABLE);
	expect_eq(hvc0(p.v[0], CPU_ON64, 1, 0x40080000, 0x1234), ALREADY_ON);
	/* SMC32: the arguments' upper halves are dropped */
	expect_eq(hvc0(p.v[0], CPU_ON, 0x100000001ULL, 0, 0), ALREADY_ON);
	expect_eq(hvc0(p.v[0], CPU_ON, 0x100000000ULL, 0, 0), ALREADY_ON); /* vCPU 0 */
	/* the reset happens when the target next enters KVM_RUN */
	expect_eq(get_reg(p.v[1], REG_PC), 0);
	expect_run_until_signal(p.v[1], p.run[1]);
	expect_eq(get_reg(p.v[1], REG_PC), 0x40080000);
	expect_eq(get_reg(p.v[1], REG_X0), 0x1234);
}

/* A stopped vCPU waiting in KVM_RUN wakes when another turns it on. */
static void *cpu_on_later(void *arg)
{
	struct pair *p = arg;
	struct timespec d = { 0, 100 * 1000 * 1000 };

	nanosleep(&d, NULL);
	hvc(p->v[0], CPU_ON64, 1, 0x2000, 9);
	/* then an interrupt it takes */
	d.tv_nsec = 50 * 1000 * 1000;
	nanosleep(&d, NULL);
	ioctl(p->vm, KVM_IRQ_LINE, &(struct kvm_irq_level){ .irq = 1 << 16, .level = 1 });
	return NULL;
}

static void t_psci_cpu_on_wakes(const struct abi_test *t)
{
	pthread_t th;
	struct pair p;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	if (pthread_create(&th, NULL, cpu_on_later, &p)) {
		fail("pthread_create failed");
		return;
	}
	p.run[1]->immediate_exit = 0;
	expect_errno(ioctl(p.v[1], KVM_RUN, 0), 0);
	pthread_join(th, NULL);
	expect_eq(p.run[1]->exit_reason, KVM_EXIT_EXT_INTERRUPT);
	expect_eq(get_reg(p.v[1], REG_PC), 0x2000);
	expect_eq(get_reg(p.v[1], REG_X0), 9);
}

/* CPU_OFF and AFFINITY_INFO. */
static void t_psci_affinity(const struct abi_test *t)
{
	struct pair p;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	expect_eq(hvc0(p.v[0], AFFINITY_INFO64, 0, 0, 0), 0); /* ON */
	expect_eq(hvc0(p.v[0], AFFINITY_INFO64, 1, 0, 0), 1); /* OFF */
	expect_eq(hvc0(p.v[0], AFFINITY_INFO64, 2, 0, 0), INVALID_PARAMS);
	expect_eq(hvc0(p.v[0], AFFINITY_INFO64, 1, 4, 0), INVALID_PARAMS);
	expect_eq(hvc0(p.v[0], AFFINITY_INFO64, 1ULL << 32, 0, 0), INVALID_PARAMS);
	/* level 1: the cluster of vCPU 1 has vCPU 0 on */
	expect_eq(hvc0(p.v[0], AFFINITY_INFO64, 1, 1, 0), 0);
	expect_eq(hvc0(p.v[0], CPU_OFF, 0, 0, 0), 0);
	expect_eq(get_mp(p.v[0]), KVM_MP_STATE_STOPPED);
	expect_eq(hvc0(p.v[1], AFFINITY_INFO64, 0, 1, 0), 1);
}

/* SYSTEM_OFF / SYSTEM_RESET / SYSTEM_RESET2: exit, every vCPU stopped. */
static void t_psci_system_events(const struct abi_test *t)
{
	struct pair p;
	struct call c;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	expect_eq(hvc0(p.v[0], CPU_ON64, 1, 0, 0), 0);
	c = hvc(p.v[1], SYSTEM_OFF, 5, 6, 7);
	expect_eq(c.err, 0);
	expect_eq(c.result, KVM_EXT_RESULT_EXIT);
	expect_eq(c.out[0], INTERNAL_FAILURE);
	expect_eq(c.out[1] | c.out[2] | c.out[3], 0);
	expect_eq(p.run[1]->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	expect_eq(p.run[1]->system_event.type, KVM_SYSTEM_EVENT_SHUTDOWN);
	expect_eq(p.run[1]->system_event.ndata, 1);
	expect_eq(p.run[1]->system_event.data[0], 0);
	expect_eq(get_mp(p.v[0]), KVM_MP_STATE_STOPPED);
	expect_eq(get_mp(p.v[1]), KVM_MP_STATE_STOPPED);

	c = hvc(p.v[0], SYSTEM_RESET, 0, 0, 0);
	expect_eq(c.result, KVM_EXT_RESULT_EXIT);
	expect_eq(p.run[0]->system_event.type, KVM_SYSTEM_EVENT_RESET);
	expect_eq(p.run[0]->system_event.data[0], 0);

	/* RESET2: warm reset or a vendor type; x0 failure, x1-x3 as they were */
	c = hvc(p.v[0], SYSTEM_RESET2_64, 0x80000001, 0xc00c1e, 3);
	expect_eq(c.result, KVM_EXT_RESULT_EXIT);
	expect_eq(c.out[0], INTERNAL_FAILURE);
	expect_eq(c.out[1], 0x80000001);
	expect_eq(c.out[2], 0xc00c1e);
	expect_eq(c.out[3], 3);
	expect_eq(p.run[0]->system_event.type, KVM_SYSTEM_EVENT_RESET);
	expect_eq(p.run[0]->system_event.ndata, 1);
	expect_eq(p.run[0]->system_event.data[0], KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
	/* an architectural type other than warm reset */
	p.run[0]->exit_reason = KVM_EXIT_UNKNOWN;
	expect_eq(hvc0(p.v[0], SYSTEM_RESET2, 1, 0, 0), INVALID_PARAMS);
	expect_eq(p.run[0]->exit_reason, KVM_EXIT_UNKNOWN);
}

/*
 * SYSTEM_SUSPEND: NOT_SUPPORTED until the VMM enables
 * KVM_CAP_ARM_SYSTEM_SUSPEND; then an exit with the registers untouched.
 */
static void t_psci_system_suspend(const struct abi_test *t)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_SYSTEM_SUSPEND };
	struct pair p;
	struct call c;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	expect_eq(check_ext(p.vm, KVM_CAP_ARM_SYSTEM_SUSPEND), 1);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, SYSTEM_SUSPEND64, 0, 0), NOT_SUPPORTED);
	expect_eq(hvc0(p.v[0], SYSTEM_SUSPEND64, 0x1000, 0, 0), NOT_SUPPORTED);
	cap.flags = 1;
	expect_errno(ioctl(p.vm, KVM_ENABLE_CAP, &cap), EINVAL);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, SYSTEM_SUSPEND64, 0, 0), NOT_SUPPORTED);
	cap.flags = 0;
	expect_errno(ioctl(p.vm, KVM_ENABLE_CAP, &cap), 0);
	expect_eq(hvc0(p.v[0], PSCI_FEATURES, SYSTEM_SUSPEND64, 0, 0), 0);
	c = hvc(p.v[0], SYSTEM_SUSPEND64, 0x1000, 0xc0de, 0);
	expect_eq(c.err, 0);
	expect_eq(c.result, KVM_EXT_RESULT_EXIT);
	expect_eq(c.out[0], SYSTEM_SUSPEND64);
	expect_eq(c.out[1], 0x1000);
	expect_eq(c.out[2], 0xc0de);
	expect_eq(p.run[0]->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	expect_eq(p.run[0]->system_event.type, KVM_SYSTEM_EVENT_SUSPEND);
	expect_eq(p.run[0]->system_event.ndata, 0);
	/* KVM changes no vCPU's state: the VMM decides */
	expect_eq(get_mp(p.v[0]), KVM_MP_STATE_RUNNABLE);
}

/* The SMCCC calls the dispatch answers itself. */
static void t_smccc(const struct abi_test *t)
{
	struct pair p;
	struct call c;

	(void)t;
	if (!setup_pair(&p, PSCI_0_2))
		return;
	expect_eq(hvc0(p.v[0], 0x80000000, 0, 0, 0), 0x10001);		   /* VERSION 1.1 */
	expect_eq(hvc0(p.v[0], 0x80000001, 0x80008000, 0, 0), 1);	   /* WA1: unaffected */
	expect_eq(hvc0(p.v[0], 0x80000001, 0x80007fff, 0, 0), NOT_SUPPORTED); /* WA2: SSBS */
	expect_eq(hvc0(p.v[0], 0x80000001, 0x80003fff, 0, 0), 0);	   /* WA3: mitigated */
	expect_eq(hvc0(p.v[0], 0x80000001, 0x12345678, 0, 0), NOT_SUPPORTED);
	/* the vendor service: KVM's UID, its feature bitmap */
	c = hvc(p.v[0], 0x8600ff01, 0, 0, 0);
	expect_eq(c.out[0], 0xb66fb428);
	expect_eq(c.out[1], 0xe911c52e);
	expect_eq(c.out[2], 0x564bcaa9);
	expect_eq(c.out[3], 0x743a004d);
	expect_eq(hvc0(p.v[0], 0x86000000, 0, 0, 0), 3);
	/* a function nobody offers */
	expect_eq(hvc0(p.v[0], 0x82000000, 0, 0, 0), NOT_SUPPORTED);
	/* args belong to hypercalls: a memory access with them is -EINVAL */
	{
		struct kvm_ext_guest_access a;

		memset(&a, 0, sizeof(a));
		a.kind = KVM_EXT_ACCESS_MEM;
		a.addr = 0x1000;
		a.len = 8;
		a.args[2] = 1;
		expect_errno(ioctl(p.v[0], KVM_EXT_GUEST_ACCESS, &a), EINVAL);
		a.args[2] = 0;
		a.reserved[0] = 1;
		expect_errno(ioctl(p.v[0], KVM_EXT_GUEST_ACCESS, &a), EINVAL);
	}
}

static const struct abi_test psci_tests[] = {
	{ "PSCI_VERSION 1.1/1.0/0.2 as KVM_REG_ARM_PSCI_VERSION says; PSCI_FEATURES, "
	  "MIGRATE_INFO_TYPE, CPU_SUSPEND, unknown NOT_SUPPORTED",
	  REF_PSCI, t_psci_version, M_ARM64, T_EXT, 0, 0 },
	{ "PSCI 0.1 (no KVM_ARM_VCPU_PSCI_0_2): KVM's CPU_OFF and CPU_ON ids only", REF_PSCI,
	  t_psci_0_1, M_ARM64, T_EXT, 0, 0 },
	{ "PSCI CPU_ON: target by MPIDR, INVALID_PARAMS, ALREADY_ON, SMC32 narrowing; the "
	  "target's next KVM_RUN enters at the entry point with the context in x0",
	  REF_PSCI, t_psci_cpu_on, M_ARM64, T_EXT, 0, 0 },
	{ "PSCI CPU_ON wakes a powered-off vCPU waiting in KVM_RUN", REF_PSCI,
	  t_psci_cpu_on_wakes, M_ARM64, T_EXT, 0, 0 },
	{ "PSCI CPU_OFF and AFFINITY_INFO (levels, INVALID_PARAMS)", REF_PSCI, t_psci_affinity,
	  M_ARM64, T_EXT, 0, 0 },
	{ "PSCI SYSTEM_OFF/RESET/RESET2: KVM_EXIT_SYSTEM_EVENT (type, ndata, RESET2 flag), "
	  "every vCPU STOPPED, x0 INTERNAL_FAILURE",
	  REF_EVENT, t_psci_system_events, M_ARM64, T_EXT, 0, 0 },
	{ "PSCI SYSTEM_SUSPEND only with KVM_CAP_ARM_SYSTEM_SUSPEND (flags -EINVAL): "
	  "KVM_SYSTEM_EVENT_SUSPEND with the registers untouched",
	  REF_SUSPEND, t_psci_system_suspend, M_ARM64, T_EXT, 0, 0 },
	{ "SMCCC VERSION, ARCH_FEATURES, KVM's vendor UID and features; args only for "
	  "hypercalls",
	  REF_SMCCC, t_smccc, M_ARM64, T_EXT, 0, 0 },
};

TEST_GROUP(psci);
