// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 vCPU attribute groups that wire a vCPU's devices to the
 * in-kernel GIC: devices/vcpu.rst 1. KVM_ARM_VCPU_PMU_V3_CTRL (IRQ, INIT,
 * FILTER, SET_PMU) and 2. KVM_ARM_VCPU_TIMER_CTRL (IRQ_VTIMER,
 * IRQ_PTIMER), through KVM_SET/GET/HAS_DEVICE_ATTR on the vCPU fd, and
 * what the first KVM_RUN (api.rst 4.10) checks of them.
 *
 * Ground truth where the document is silent is Linux 6.1
 * arch/arm64/kvm/pmu-emul.c (kvm_arm_pmu_v3_set_attr(), _get_attr(),
 * _has_attr(), kvm_arm_pmu_v3_init(), pmu_irq_is_valid(),
 * kvm_arm_pmu_v3_enable(), kvm_pmu_get_pmceid()), arch_timer.c
 * (kvm_arm_timer_set_attr(), _get_attr(), _has_attr(), set_timer_irqs(),
 * kvm_timer_enable(), timer_irqs_are_valid()), arm.c
 * (kvm_arch_vcpu_run_pid_change(): GIC resources, then the timers, then
 * the PMU) and guest.c (kvm_arm_vcpu_arch_set_attr()).
 *
 * Two rows follow the document against 6.1 and are kvm_ext-only (T_EXT):
 * a TIMER write is -EBUSY once ANY vCPU of the VM has run ("One or more
 * VCPUs has already run"; 6.1 looks at this vCPU's timer only), and an SPI
 * is refused as the PMU interrupt while another vCPU uses a PPI ("the
 * interrupt type must be same for each vcpu"; 6.1 accepts it).
 * KVM_ARM_VCPU_PMU_V3_SET_PMU: kvm_ext has no host perf PMU, so every id
 * is -ENXIO (not found); on a real host only an id that is no perf type
 * is. The event filter is observed as the guest sees it, in PMCEID0_EL0 /
 * PMCEID1_EL0 through KVM_EXT_GUEST_ACCESS (kvm_ext-only): kvm_ext's
 * emulated host has PMCEID0 0x7fff0f3f (CHAIN, 0x1e, included) and
 * PMCEID1 0x00f2ae7f, and PMUv3p1's 16-bit event space.
 *
 * arm64 only.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "abi_test.h"
#include "arm64_ids.h"

#define REF_PMU_IRQ "devices/vcpu.rst 1.1 KVM_ARM_VCPU_PMU_V3_IRQ"
#define REF_PMU_INIT "devices/vcpu.rst 1.2 KVM_ARM_VCPU_PMU_V3_INIT"
#define REF_PMU_FILTER "devices/vcpu.rst 1.3 KVM_ARM_VCPU_PMU_V3_FILTER"
#define REF_PMU "devices/vcpu.rst 1. KVM_ARM_VCPU_PMU_V3_CTRL"
#define REF_TIMER "devices/vcpu.rst 2.1 KVM_ARM_VCPU_TIMER_IRQ_VTIMER/PTIMER"
#define REF_RUN_PMU "devices/vcpu.rst 1.2, api.rst 4.10 KVM_RUN"
#define REF_RUN_TIMER "devices/vcpu.rst 2.1, api.rst 4.10 KVM_RUN"

#define G_PMU 0 /* KVM_ARM_VCPU_PMU_V3_CTRL */
#define G_TIMER 1 /* KVM_ARM_VCPU_TIMER_CTRL */
#define PMU_IRQ 0 /* KVM_ARM_VCPU_PMU_V3_IRQ */
#define PMU_INIT 1 /* KVM_ARM_VCPU_PMU_V3_INIT */
#define PMU_FILTER 2 /* KVM_ARM_VCPU_PMU_V3_FILTER */
#define PMU_SET_PMU 3 /* KVM_ARM_VCPU_PMU_V3_SET_PMU */
#define VTIMER 0 /* KVM_ARM_VCPU_TIMER_IRQ_VTIMER */
#define PTIMER 1 /* KVM_ARM_VCPU_TIMER_IRQ_PTIMER */
#define ALLOW 0 /* KVM_PMU_EVENT_ALLOW */
#define DENY 1 /* KVM_PMU_EVENT_DENY */

/* The VGIC (devices/arm-vgic*.rst) */
#define V2 5 /* KVM_DEV_TYPE_ARM_VGIC_V2 */
#define V3 7 /* KVM_DEV_TYPE_ARM_VGIC_V3 */
#define GRP_ADDR 0
#define GRP_NR_IRQS 3
#define GRP_CTRL 4
#define CTRL_INIT 0

#define PMCEID0_EL0 SYSREG(3, 3, 9, 12, 6)
#define PMCEID1_EL0 SYSREG(3, 3, 9, 12, 7)
#define HOST_PMCEID0 0x7fff0f3fULL /* bit 0x1e, CHAIN, included */
#define HOST_PMCEID1 0x00f2ae7fULL
#define BIT(n) (1ULL << (n))

struct pmu_event_filter { /* struct kvm_pmu_event_filter (arm64 asm/kvm.h) */
	__u16 base_event;
	__u16 nevents;
	__u8 action;
	__u8 pad[3];
};

/* ------------------------------------------------------------ helpers */

static __u64 uptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

/* A vCPU `id` of `vm` initialised with `features` (-1 and a failure if not). */
static int vcpu_with(int vm, unsigned long id, __u32 features)
{
	int vcpu = new_vcpu(vm, id);

	if (vcpu < 0 || !expect_errno(vcpu_init(vm, vcpu, features), 0))
		return -1;
	return vcpu;
}

static int set_int(int vcpu, __u32 group, __u64 attr, int value)
{
	return dev_attr(vcpu, KVM_SET_DEVICE_ATTR, group, attr, uptr(&value));
}

/* The attribute's int (-1000 and a failure if the GET fails). */
static int get_int(int vcpu, __u32 group, __u64 attr)
{
	int value = -1000;

	if (!expect_errno(dev_attr(vcpu, KVM_GET_DEVICE_ATTR, group, attr, uptr(&value)), 0))
		return -1000;
	return value;
}

static int has(int vcpu, __u32 group, __u64 attr)
{
	return dev_attr(vcpu, KVM_HAS_DEVICE_ATTR, group, attr, 0);
}

static int pmu_init(int vcpu)
{
	return dev_attr(vcpu, KVM_SET_DEVICE_ATTR, G_PMU, PMU_INIT, 0);
}

static int filter(int vcpu, unsigned int base, unsigned int n, unsigned int action)
{
	struct pmu_event_filter f;

	memset(&f, 0, sizeof(f));
	f.base_event = (__u16)base;
	f.nevents = (__u16)n;
	f.action = (__u8)action;
	return dev_attr(vcpu, KVM_SET_DEVICE_ATTR, G_PMU, PMU_FILTER, uptr(&f));
}

static int set64(int dev, __u32 group, __u64 attr, __u64 value)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, group, attr, uptr(&value));
}

/*
 * An in-kernel GIC of `model` for `vm` (-1 and a failure if refused; on a
 * real /dev/kvm whose host cannot emulate it, the test is skipped).
 */
static int new_gic(int vm, int model)
{
	__u32 fd = 0;
	int r = create_device(vm, (__u32)model, 0, &fd);

	if (r && !g_is_ext && errno == ENODEV) {
		skip_test("the host cannot emulate a GICv%d", model == V2 ? 2 : 3);
		return -1;
	}
	if (!expect_errno(r, 0))
		return -1;
	return (int)fd;
}

/* The frame addresses a first KVM_RUN needs (notes: vgic-behaviour.md). */
static bool gic_addrs(int dev, int model)
{
	if (model == V2)
		return expect_errno(set64(dev, GRP_ADDR, 0, 0x08000000), 0) &&
		       expect_errno(set64(dev, GRP_ADDR, 1, 0x08010000), 0);
	return expect_errno(set64(dev, GRP_ADDR, 2, 0x08000000), 0) &&
	       expect_errno(set64(dev, GRP_ADDR, 3, 0x080a0000), 0);
}

static int gic_init(int dev)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_INIT, 0);
}

/* A GICv3 with its frames placed and CTRL_INIT done (all vCPUs exist). */
static int ready_gic(int vm)
{
	int dev = new_gic(vm, V3);

	if (dev < 0 || !gic_addrs(dev, V3) || !expect_errno(gic_init(dev), 0))
		return -1;
	return dev;
}

/* KVM_RUN with immediate_exit: -EINTR once the entry checks pass. */
static int run_once(int vcpu)
{
	struct kvm_run *run = map_run(vcpu);

	if (!run) {
		errno = EBADF;
		return -1;
	}
	return run_nonblocking(vcpu, run);
}

/* PMCEID0_EL0 (high: PMCEID1_EL0) as the guest reads it; ~0 and a failure if refused. */
static __u64 pmceid(int vcpu, bool high)
{
	__u64 data = 0;
	__u32 result = 0;

	if (!expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_SYSREG, 0,
				       high ? PMCEID1_EL0 : PMCEID0_EL0, 8, &data, &result),
			  0))
		return ~0ULL;
	expect_eq(result, KVM_EXT_RESULT_KERNEL);
	return data;
}

#define expect_pmceid(vcpu, want0, want1)                                       \
	({                                                                      \
		expect_eq(pmceid(vcpu, false), (want0));                        \
		expect_eq(pmceid(vcpu, true), (want1));                         \
	})

/* ------------------------------------------------------------ PMU: no feature */

/*
 * A vCPU without KVM_ARM_VCPU_PMU_V3 (uninitialised, or initialised
 * without it): HAS -ENXIO; every SET -ENODEV before the value is read;
 * GET of the IRQ -EINVAL without an in-kernel GIC, else -ENODEV.
 */
static void t_pmu_no_feature(const struct abi_test *t)
{
	static const __u64 attrs[] = { PMU_IRQ, PMU_INIT, PMU_FILTER, PMU_SET_PMU, 4, ~0ULL };
	int vm = new_vm(0), vcpus[2], irq, pass, k;
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	vcpus[0] = new_vcpu(vm, 0);       /* never initialised */
	vcpus[1] = vcpu_with(vm, 1, 0); /* initialised without the PMU */
	if (vcpus[0] < 0 || vcpus[1] < 0)
		return;
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < 2; k++) {
			int v = vcpus[k];

			for (i = 0; i < ARRAY_SIZE(attrs); i++) {
				expect_errno(has(v, G_PMU, attrs[i]), ENXIO);
				expect_errno(set_int(v, G_PMU, attrs[i], 23), ENODEV);
				expect_errno(dev_attr(v, KVM_SET_DEVICE_ATTR, G_PMU, attrs[i],
						      uptr(g_bad_ptr)),
					     ENODEV);
			}
			/* pass 0: no GIC -EINVAL first; pass 1: -ENODEV */
			expect_errno(dev_attr(v, KVM_GET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(&irq)),
				     pass ? ENODEV : EINVAL);
			expect_errno(dev_attr(v, KVM_GET_DEVICE_ATTR, G_PMU, PMU_INIT, uptr(&irq)),
				     ENXIO);
		}
		if (!pass && new_gic(vm, V3) < 0)
			return;
	}
}

/* KVM_HAS_DEVICE_ATTR and the unknown attributes of a vCPU with the PMU. */
static void t_pmu_has(const struct abi_test *t)
{
	int vm, vcpu, irq = 0;
	__u64 a;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	vcpu = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (vcpu < 0)
		return;
	for (a = PMU_IRQ; a <= PMU_SET_PMU; a++)
		expect_errno(has(vcpu, G_PMU, a), 0);
	expect_errno(has(vcpu, G_PMU, 4), ENXIO);
	expect_errno(has(vcpu, G_PMU, ~0ULL), ENXIO);
	/* SET of an unknown attribute: -ENXIO; GET knows only the IRQ */
	expect_errno(set_int(vcpu, G_PMU, 4, 23), ENXIO);
	expect_errno(set_int(vcpu, G_PMU, 0x100000000ULL, 23), ENXIO);
	for (a = PMU_INIT; a <= 4; a++)
		expect_errno(dev_attr(vcpu, KVM_GET_DEVICE_ATTR, G_PMU, a, uptr(&irq)), ENXIO);
	/* other groups: -ENXIO */
	expect_errno(has(vcpu, 3, 0), ENXIO);
	expect_errno(set_int(vcpu, 0x100, 0, 23), ENXIO);
}

/* ------------------------------------------------------------ PMU: IRQ */

/*
 * KVM_ARM_VCPU_PMU_V3_IRQ: without an in-kernel GIC -EINVAL (set and get);
 * GET before a SET -ENXIO; a bad pointer -EFAULT; not a PPI or SPI
 * (16..1019) -EINVAL; once set -EBUSY (6.1: the validity check comes first,
 * so another PPI is -EINVAL); a PPI is the same number on every vCPU.
 */
static void t_pmu_irq_ppi(const struct abi_test *t)
{
	static const int bad[] = { -1, 0, 15, 1020, 1023, 1024, 0x10000 };
	int vm, a, b, irq = 0;
	size_t i;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	if (b < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), EINVAL); /* no in-kernel GIC */
	expect_errno(dev_attr(a, KVM_GET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(&irq)), EINVAL);
	/* the GIC check comes before the value is read */
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(g_bad_ptr)), EINVAL);
	if (new_gic(vm, V3) < 0)
		return;
	expect_errno(dev_attr(a, KVM_GET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(&irq)), ENXIO);
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(g_bad_ptr)), EFAULT);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_errno(set_int(a, G_PMU, PMU_IRQ, bad[i]), EINVAL);
	expect_errno(dev_attr(a, KVM_GET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(&irq)), ENXIO);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), 0);
	expect_eq(get_int(a, G_PMU, PMU_IRQ), 23);
	expect_errno(dev_attr(a, KVM_GET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(g_bad_ptr)), EFAULT);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), EBUSY);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 24), EINVAL);  /* pmu_irq_is_valid() first */
	/* a PPI is the same on every vCPU: not another PPI, not an SPI */
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 24), EINVAL);
	expect_errno(dev_attr(b, KVM_GET_DEVICE_ATTR, G_PMU, PMU_IRQ, uptr(&irq)), ENXIO);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 23), 0);
	expect_eq(get_int(b, G_PMU, PMU_IRQ), 23);
	expect_eq(get_int(a, G_PMU, PMU_IRQ), 23);
	/* the PPI boundaries */
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0 || new_gic(vm, V3) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 16), 0);
	expect_eq(get_int(a, G_PMU, PMU_IRQ), 16);
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0 || new_gic(vm, V3) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 31), 0);
	expect_eq(get_int(a, G_PMU, PMU_IRQ), 31);
}

/*
 * SPIs: a separate number per vCPU. The same SPI again, on this vCPU or
 * another, -EINVAL (pmu_irq_is_valid() runs before the -EBUSY check);
 * another SPI on a vCPU that has one -EBUSY; a PPI next to an SPI -EINVAL;
 * 1019 is the last SPI.
 */
static void t_pmu_irq_spi(const struct abi_test *t)
{
	int vm, a, b, c;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	c = b < 0 ? -1 : vcpu_with(vm, 2, F_PMU);
	if (c < 0 || new_gic(vm, V3) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 32), 0);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 32), EINVAL);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 41), EBUSY);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 32), EINVAL);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 23), EINVAL);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 1019), 0);
	expect_errno(set_int(c, G_PMU, PMU_IRQ, 1019), EINVAL);
	expect_errno(set_int(c, G_PMU, PMU_IRQ, 16), EINVAL);
	expect_errno(set_int(c, G_PMU, PMU_IRQ, 500), 0);
	expect_eq(get_int(a, G_PMU, PMU_IRQ), 32);
	expect_eq(get_int(b, G_PMU, PMU_IRQ), 1019);
	expect_eq(get_int(c, G_PMU, PMU_IRQ), 500);
}

/*
 * "the interrupt type must be same for each vcpu": an SPI next to a PPI
 * -EINVAL. 6.1's pmu_irq_is_valid() accepts it (kvm_ext-only).
 */
static void t_pmu_irq_spi_after_ppi(const struct abi_test *t)
{
	int vm, a, b;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	if (b < 0 || new_gic(vm, V3) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 40), EINVAL);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 1019), EINVAL);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 23), 0);
}

/* ------------------------------------------------------------ PMU: INIT */

/*
 * KVM_ARM_VCPU_PMU_V3_INIT with an in-kernel GIC: GIC not initialised
 * -ENODEV (before the interrupt is looked at), interrupt not set -ENXIO;
 * then 0, again -EBUSY, and every later SET -EBUSY (even an unknown
 * attribute or a bad pointer); GET and HAS still answer.
 */
static void t_pmu_init_gic(const struct abi_test *t)
{
	int vm, a, b, dev;
	__u64 attr;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	dev = b < 0 ? -1 : new_gic(vm, V3);
	if (dev < 0)
		return;
	expect_errno(pmu_init(a), ENODEV);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(pmu_init(a), ENODEV);
	if (!expect_errno(gic_init(dev), 0))
		return;
	expect_errno(pmu_init(b), ENXIO);
	expect_errno(pmu_init(a), 0);
	expect_errno(pmu_init(a), EBUSY);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), EBUSY);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 1), EBUSY);
	expect_errno(filter(a, 0, 1, ALLOW), EBUSY);
	expect_errno(set_int(a, G_PMU, PMU_SET_PMU, -1), EBUSY);
	expect_errno(set_int(a, G_PMU, 4, 0), EBUSY);
	for (attr = PMU_IRQ; attr <= PMU_SET_PMU; attr++)
		expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_PMU, attr, uptr(g_bad_ptr)), EBUSY);
	expect_eq(get_int(a, G_PMU, PMU_IRQ), 23);
	for (attr = PMU_IRQ; attr <= PMU_SET_PMU; attr++)
		expect_errno(has(a, G_PMU, attr), 0);
	/* b is not initialised: it still takes its interrupt and a filter */
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(filter(b, 0, 1, ALLOW), 0);
	expect_errno(pmu_init(b), 0);
}

/*
 * INIT checks an SPI against the GIC's interrupts (kvm_vgic_set_owner():
 * -EINVAL past the last one); with GRP_NR_IRQS 64, SPI 63 is the last.
 */
static void t_pmu_init_spi_range(const struct abi_test *t)
{
	int vm, a, b, dev;
	__u32 n = 64;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	dev = b < 0 ? -1 : new_gic(vm, V3);
	if (dev < 0 || !gic_addrs(dev, V3) ||
	    !expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_NR_IRQS, 0, uptr(&n)), 0))
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 64), 0); /* an SPI; the GIC has 64 interrupts */
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 63), 0);
	if (!expect_errno(gic_init(dev), 0))
		return;
	expect_errno(pmu_init(a), EINVAL);
	expect_errno(pmu_init(b), 0);
	/* a's PMU never became ready: its first KVM_RUN is refused */
	expect_errno(run_once(a), EINVAL);
	expect_errno(run_once(b), EINTR);
	expect_errno(pmu_init(a), EINVAL);
}

/*
 * Without an in-kernel GIC, INIT needs no interrupt: 0, then -EBUSY; the
 * vCPU then runs.
 */
static void t_pmu_init_no_gic(const struct abi_test *t)
{
	int vm, a;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(pmu_init(a), 0);
	expect_errno(pmu_init(a), EBUSY);
	expect_errno(run_once(a), EINTR);
	expect_errno(pmu_init(a), EBUSY);
}

/* ------------------------------------------------------------ PMU: SET_PMU */

/*
 * KVM_ARM_VCPU_PMU_V3_SET_PMU: the id is read first (-EFAULT); an id that
 * names no host PMU -ENXIO (-1 is no perf type on any host).
 */
static void t_pmu_set_pmu(const struct abi_test *t)
{
	int vm, a;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_PMU, PMU_SET_PMU, uptr(g_bad_ptr)), EFAULT);
	expect_errno(set_int(a, G_PMU, PMU_SET_PMU, -1), ENXIO);
	expect_errno(set_int(a, G_PMU, PMU_SET_PMU, 0x7fffffff), ENXIO);
}

/* kvm_ext has no host perf PMU ids: every id -ENXIO, before and after a run. */
static void t_pmu_set_pmu_ext(const struct abi_test *t)
{
	static const int ids[] = { 0, 1, 4, 6, 7, 8, 9, 10, 16, 32, 64, 1000 };
	int vm, a;
	size_t i;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		expect_errno(set_int(a, G_PMU, PMU_SET_PMU, ids[i]), ENXIO);
	expect_errno(pmu_init(a), 0);
	expect_errno(set_int(a, G_PMU, PMU_SET_PMU, 8), EBUSY); /* PMU initialised */
}

/* ------------------------------------------------------------ PMU: FILTER */

/*
 * KVM_ARM_VCPU_PMU_V3_FILTER: the struct is read first (-EFAULT); a range
 * past the 16-bit event space (base + nevents > 65536) or an action other
 * than ALLOW/DENY -EINVAL; [0xffff, 0x10000) and [1, 0x10000) fit.
 */
static void t_filter_errors(const struct abi_test *t)
{
	int vm, a;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_PMU, PMU_FILTER, uptr(g_bad_ptr)), EFAULT);
	expect_errno(filter(a, 0xffff, 2, ALLOW), EINVAL);
	expect_errno(filter(a, 0xfff0, 0x20, DENY), EINVAL);
	expect_errno(filter(a, 0xffff, 0xffff, DENY), EINVAL);
	expect_errno(filter(a, 0x8000, 0x8001, ALLOW), EINVAL);
	expect_errno(filter(a, 0, 1, 2), EINVAL);
	expect_errno(filter(a, 0, 1, 0xff), EINVAL);
	expect_errno(filter(a, 0xffff, 1, DENY), 0);
	expect_errno(filter(a, 1, 0xffff, DENY), 0);
	expect_errno(filter(a, 0, 0xffff, ALLOW), 0);
	expect_errno(filter(a, 0x8000, 0x8000, ALLOW), 0);
}

/*
 * The filter is VM-wide and may be set through any vCPU with the PMU, with
 * or without an in-kernel GIC, until a vCPU of the VM has run (-EBUSY; the
 * range is checked first) or this vCPU's PMU is initialised (-EBUSY, first).
 */
static void t_filter_busy(const struct abi_test *t)
{
	int vm, a, b, plain, dev;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	plain = b < 0 ? -1 : vcpu_with(vm, 2, 0);
	if (plain < 0)
		return;
	expect_errno(filter(plain, 0, 1, ALLOW), ENODEV);
	expect_errno(filter(a, 0x10, 4, ALLOW), 0);
	expect_errno(filter(b, 0x20, 4, DENY), 0);
	expect_errno(pmu_init(a), 0);
	expect_errno(filter(a, 0x10, 4, ALLOW), EBUSY);
	expect_errno(filter(a, 0xffff, 2, ALLOW), EBUSY); /* created: before anything */
	expect_errno(filter(b, 0x10, 4, ALLOW), 0);
	/* a vCPU (without a PMU) runs: no more filters */
	expect_errno(run_once(plain), EINTR);
	expect_errno(filter(b, 0x10, 4, ALLOW), EBUSY);
	expect_errno(filter(b, 0x10, 4, 7), EINVAL);
	expect_errno(filter(b, 0xffff, 2, DENY), EINVAL);
	expect_errno(dev_attr(b, KVM_SET_DEVICE_ATTR, G_PMU, PMU_FILTER, uptr(g_bad_ptr)), EFAULT);
	/* the same with a GIC */
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	dev = b < 0 ? -1 : ready_gic(vm);
	if (dev < 0)
		return;
	expect_errno(filter(a, 0x11, 1, DENY), 0);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(pmu_init(a), 0);
	expect_errno(filter(b, 0x12, 1, DENY), 0);
	expect_errno(run_once(a), EINTR);
	expect_errno(filter(b, 0x13, 1, DENY), EBUSY);
}

/* PMCEID{0,1}_EL0 without a filter: the host's; only for a vCPU with the PMU. */
static void t_filter_pmceid_host(const struct abi_test *t)
{
	int vm, a, plain, uninit;
	__u64 data = 0;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	plain = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	uninit = plain < 0 ? -1 : new_vcpu(vm, 2);
	if (uninit < 0)
		return;
	expect_pmceid(a, HOST_PMCEID0, HOST_PMCEID1);
	expect_eq(pmceid(a, false) & BIT(0x1e), BIT(0x1e)); /* CHAIN */
	expect_errno(guest_access(plain, KVM_EXT_ACCESS_SYSREG, 0, PMCEID0_EL0, 8, &data, NULL),
		     ENXIO);
	expect_errno(guest_access(plain, KVM_EXT_ACCESS_SYSREG, 0, PMCEID1_EL0, 8, &data, NULL),
		     ENXIO);
	expect_errno(guest_access(uninit, KVM_EXT_ACCESS_SYSREG, 0, PMCEID0_EL0, 8, &data, NULL),
		     ENXIO);
	/* a refused filter installs nothing */
	expect_errno(filter(a, 0xffff, 2, ALLOW), EINVAL);
	expect_errno(filter(a, 0, 1, 3), EINVAL);
	expect_pmceid(a, HOST_PMCEID0, HOST_PMCEID1);
}

/*
 * The first range decides the default: ALLOW first denies every other
 * event. "Cancelling" (the opposite action on the same range) does not
 * bring the default back. Ranges add up, in PMCEID0 (events 0-31) and
 * PMCEID1 (32-63), on every vCPU of the VM.
 */
static void t_filter_allow_first(const struct abi_test *t)
{
	int vm, a, b;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	if (b < 0)
		return;
	expect_errno(filter(a, 0x11, 1, ALLOW), 0); /* CPU_CYCLES only */
	expect_pmceid(a, BIT(0x11), 0);
	expect_pmceid(b, BIT(0x11), 0);
	expect_errno(filter(b, 0x11, 1, DENY), 0);
	expect_pmceid(a, 0, 0);
	/* the document's example: ALLOW [0, 10) then DENY [0, 10) */
	expect_errno(filter(a, 0, 10, ALLOW), 0);
	expect_pmceid(a, HOST_PMCEID0 & 0x3ff, 0);
	expect_errno(filter(a, 0, 10, DENY), 0);
	expect_pmceid(a, 0, 0);
	/* several ranges */
	expect_errno(filter(a, 0x10, 8, ALLOW), 0);
	expect_errno(filter(a, 0x1e, 1, ALLOW), 0);
	expect_errno(filter(a, 0x20, 0x10, ALLOW), 0);
	expect_pmceid(b, HOST_PMCEID0 & (0xff0000 | BIT(0x1e)), HOST_PMCEID1 & 0xffff);
	expect_errno(filter(a, 0x12, 2, DENY), 0);
	expect_errno(filter(a, 0x24, 1, DENY), 0);
	expect_pmceid(a, HOST_PMCEID0 & (0xf30000 | BIT(0x1e)), HOST_PMCEID1 & 0xffef);
	/* all of them */
	expect_errno(filter(a, 0, 0xffff, ALLOW), 0);
	expect_errno(filter(a, 0xffff, 1, ALLOW), 0);
	expect_pmceid(a, HOST_PMCEID0, HOST_PMCEID1);
}

/* DENY first allows every other event; ALLOW of a denied event restores it. */
static void t_filter_deny_first(const struct abi_test *t)
{
	int vm, a;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(filter(a, 0x11, 1, DENY), 0);
	expect_pmceid(a, HOST_PMCEID0 & ~BIT(0x11), HOST_PMCEID1);
	expect_errno(filter(a, 0x11, 1, ALLOW), 0);
	expect_pmceid(a, HOST_PMCEID0, HOST_PMCEID1);
	expect_errno(filter(a, 0x20, 0x20, DENY), 0);
	expect_errno(filter(a, 0, 4, DENY), 0);
	expect_pmceid(a, HOST_PMCEID0 & ~0xfULL, 0);
	/* events 0x4000-0x403f (PMCEID bits 63:32): the host has none */
	expect_errno(filter(a, 0x4000, 0x40, DENY), 0);
	expect_pmceid(a, HOST_PMCEID0 & ~0xfULL, 0);
	expect_errno(filter(a, 0x40, 0x3fc0, DENY), 0); /* between the two blocks */
	expect_pmceid(a, HOST_PMCEID0 & ~0xfULL, 0);
}

/*
 * The first range's action sets the default even when the range is
 * empty, or outside what PMCEID shows.
 */
static void t_filter_default_only(const struct abi_test *t)
{
	int vm, a;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(filter(a, 0x11, 0, ALLOW), 0); /* [0x11, 0x11): nothing allowed */
	expect_pmceid(a, 0, 0);
	expect_errno(filter(a, 0x11, 0, DENY), 0);
	expect_pmceid(a, 0, 0);
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(filter(a, 0x4000, 0x40, ALLOW), 0);
	expect_pmceid(a, 0, 0);
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0)
		return;
	expect_errno(filter(a, 0xffff, 1, DENY), 0);
	expect_pmceid(a, HOST_PMCEID0, HOST_PMCEID1);
	expect_errno(filter(a, 0, 0, ALLOW), 0); /* not the first: no effect */
	expect_pmceid(a, HOST_PMCEID0, HOST_PMCEID1);
}

/* ------------------------------------------------------------ first KVM_RUN: PMU */

/*
 * A vCPU with the PMU does not run before PMU_V3_INIT (-EINVAL), with or
 * without a GIC (the GIC's own checks come first); other vCPUs run.
 */
static void t_run_pmu_needs_init(const struct abi_test *t)
{
	int vm, a, plain, dev;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	/* no GIC */
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	plain = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	if (plain < 0)
		return;
	expect_errno(run_once(a), EINVAL);
	expect_errno(run_once(plain), EINTR);
	expect_errno(run_once(a), EINVAL);
	expect_errno(pmu_init(a), 0);
	expect_errno(run_once(a), EINTR);
	/* GICv3: frames unplaced -ENXIO comes first */
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	plain = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	dev = plain < 0 ? -1 : new_gic(vm, V3);
	if (dev < 0)
		return;
	expect_errno(run_once(a), ENXIO);
	/* Debian's 6.1 marks that VM dead (differences.rst): the rest on another */
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	plain = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	dev = plain < 0 ? -1 : new_gic(vm, V3);
	if (dev < 0 || !gic_addrs(dev, V3) || !expect_errno(gic_init(dev), 0))
		return;
	expect_errno(run_once(a), EINVAL);
	expect_errno(run_once(plain), EINTR);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(run_once(a), EINVAL);
	expect_errno(pmu_init(a), 0);
	expect_errno(run_once(a), EINTR);
	expect_errno(run_once(a), EINTR);
}

/* PPI and SPI PMU interrupts with a GICv3: INIT, then the vCPUs run. */
static void t_run_pmu_ok(const struct abi_test *t)
{
	int vm, a, b;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	if (b < 0 || ready_gic(vm) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 23), 0);
	expect_errno(pmu_init(a), 0);
	expect_errno(pmu_init(b), 0);
	expect_errno(run_once(a), EINTR);
	expect_errno(run_once(b), EINTR);
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	if (b < 0 || ready_gic(vm) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 100), 0);
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 255), 0); /* the last of the default 256 */
	expect_errno(pmu_init(a), 0);
	expect_errno(pmu_init(b), 0);
	expect_errno(run_once(a), EINTR);
	expect_errno(run_once(b), EINTR);
}

/*
 * INIT without an in-kernel GIC, then a GIC: kvm_arm_pmu_v3_enable() finds
 * no valid interrupt for it (-EINVAL), and none can be set any more.
 */
static void t_run_pmu_init_before_gic(const struct abi_test *t)
{
	int vm, a, plain;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	plain = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	if (plain < 0 || !expect_errno(pmu_init(a), 0) || ready_gic(vm) < 0)
		return;
	expect_errno(run_once(a), EINVAL);
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 23), EBUSY);
	expect_errno(run_once(plain), EINTR);
	expect_errno(run_once(a), EINVAL);
}

/*
 * A PMU interrupt that is one of the vCPU's timer PPIs. 6.1: INIT takes
 * the PPI (kvm_vgic_set_owner()), so the first KVM_RUN's
 * timer_irqs_are_valid() finds it owned (-EEXIST) and kvm_timer_enable()
 * refuses the run with -EINVAL.
 */
static void t_run_pmu_irq_is_timer_ppi(const struct abi_test *t)
{
	int vm, a, b;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	b = a < 0 ? -1 : vcpu_with(vm, 1, F_PMU);
	if (b < 0 || ready_gic(vm) < 0)
		return;
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 27), 0); /* the virtual timer's default */
	expect_errno(set_int(b, G_PMU, PMU_IRQ, 27), 0);
	expect_errno(pmu_init(a), 0);
	expect_errno(pmu_init(b), 0);
	expect_errno(run_once(a), EINVAL);
	expect_errno(run_once(b), EINVAL);
}

/*
 * The INIT row "-EEXIST Interrupt number already used": in 6.1 a refused
 * first KVM_RUN (no PMU_V3_INIT yet) has already enabled the timers, which
 * own their PPIs; INIT with the virtual timer's PPI then finds it owned.
 */
static void t_pmu_init_eexist(const struct abi_test *t)
{
	int vm, a;

	(void)t;
	if (!host_supports(F_PMU))
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, F_PMU);
	if (a < 0 || ready_gic(vm) < 0)
		return;
	expect_errno(run_once(a), EINVAL); /* no PMU_V3_INIT */
	expect_errno(set_int(a, G_PMU, PMU_IRQ, 27), 0);
	expect_errno(pmu_init(a), EEXIST);
}

/* ------------------------------------------------------------ TIMER */

/*
 * The defaults (27, 30) on every vCPU, initialised or not, without a GIC.
 * HAS: VTIMER and PTIMER only. GET: unknown attributes -ENXIO (before the
 * address), a bad pointer -EFAULT. SET without an in-kernel GIC -EINVAL
 * (even an unknown attribute), and nothing changes.
 */
static void t_timer_defaults(const struct abi_test *t)
{
	static const __u64 unknown[] = { 2, 3, 0x100, 0x100000000ULL, ~0ULL };
	int vm = new_vm(0), vcpus[2], k, irq = 0;
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	vcpus[0] = new_vcpu(vm, 0);
	vcpus[1] = vcpu_with(vm, 1, 0);
	if (vcpus[0] < 0 || vcpus[1] < 0)
		return;
	for (k = 0; k < 2; k++) {
		int v = vcpus[k];

		expect_eq(get_int(v, G_TIMER, VTIMER), 27);
		expect_eq(get_int(v, G_TIMER, PTIMER), 30);
		expect_errno(has(v, G_TIMER, VTIMER), 0);
		expect_errno(has(v, G_TIMER, PTIMER), 0);
		for (i = 0; i < ARRAY_SIZE(unknown); i++) {
			expect_errno(has(v, G_TIMER, unknown[i]), ENXIO);
			expect_errno(dev_attr(v, KVM_GET_DEVICE_ATTR, G_TIMER, unknown[i],
					      uptr(&irq)),
				     ENXIO);
			expect_errno(dev_attr(v, KVM_GET_DEVICE_ATTR, G_TIMER, unknown[i],
					      uptr(g_bad_ptr)),
				     ENXIO);
			expect_errno(set_int(v, G_TIMER, unknown[i], 20), EINVAL); /* no GIC */
		}
		expect_errno(dev_attr(v, KVM_GET_DEVICE_ATTR, G_TIMER, VTIMER, uptr(g_bad_ptr)),
			     EFAULT);
		expect_errno(dev_attr(v, KVM_GET_DEVICE_ATTR, G_TIMER, PTIMER, uptr(g_bad_ptr)),
			     EFAULT);
		expect_errno(set_int(v, G_TIMER, VTIMER, 20), EINVAL);
		expect_errno(set_int(v, G_TIMER, PTIMER, 21), EINVAL);
		expect_errno(dev_attr(v, KVM_SET_DEVICE_ATTR, G_TIMER, VTIMER, uptr(g_bad_ptr)),
			     EINVAL); /* the GIC check comes first */
	}
	expect_eq(get_int(vcpus[0], G_TIMER, VTIMER), 27);
	expect_eq(get_int(vcpus[1], G_TIMER, PTIMER), 30);
	/* without a GIC, the timers' defaults do not stop a run */
	expect_errno(run_once(vcpus[1]), EINTR);
}

/*
 * SET with an in-kernel GIC (model t->a, initialised or not): a bad
 * pointer -EFAULT, not a PPI (16 <= intid < 32) -EINVAL, an unknown
 * attribute with a PPI -ENXIO (checked last). A write through any vCPU
 * sets that timer on every vCPU created so far; a vCPU created later has
 * the defaults.
 */
static void t_timer_set(const struct abi_test *t)
{
	static const int bad[] = { -1, 0, 15, 32, 33, 1019, 1020, 0x10000 + 20 };
	int vm, a, b, c, dev;
	size_t i;

	if (t->a == V2 && !need_gicv2())
		return;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, 0);
	b = a < 0 ? -1 : new_vcpu(vm, 1); /* not initialised */
	dev = b < 0 ? -1 : new_gic(vm, (int)t->a);
	if (dev < 0)
		return;
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_TIMER, VTIMER, uptr(g_bad_ptr)), EFAULT);
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_TIMER, 2, uptr(g_bad_ptr)), EFAULT);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_errno(set_int(a, G_TIMER, VTIMER, bad[i]), EINVAL);
		expect_errno(set_int(b, G_TIMER, PTIMER, bad[i]), EINVAL);
		expect_errno(set_int(a, G_TIMER, 2, bad[i]), EINVAL);
	}
	expect_errno(set_int(a, G_TIMER, 2, 20), ENXIO);
	expect_errno(set_int(b, G_TIMER, ~0ULL, 20), ENXIO);
	expect_eq(get_int(a, G_TIMER, VTIMER), 27);
	expect_eq(get_int(b, G_TIMER, PTIMER), 30);
	/* one write, every vCPU */
	expect_errno(set_int(b, G_TIMER, VTIMER, 16), 0);
	expect_eq(get_int(a, G_TIMER, VTIMER), 16);
	expect_eq(get_int(b, G_TIMER, VTIMER), 16);
	expect_eq(get_int(a, G_TIMER, PTIMER), 30);
	expect_errno(set_int(a, G_TIMER, PTIMER, 31), 0);
	expect_eq(get_int(b, G_TIMER, PTIMER), 31);
	expect_eq(get_int(a, G_TIMER, VTIMER), 16);
	/* "all VCPUs created at that time": a later vCPU has the defaults */
	c = new_vcpu(vm, 2);
	if (c < 0)
		return;
	expect_eq(get_int(c, G_TIMER, VTIMER), 27);
	expect_eq(get_int(c, G_TIMER, PTIMER), 30);
	expect_eq(get_int(a, G_TIMER, VTIMER), 16);
	/* two writes through one vCPU put every vCPU, the later one too, in step */
	expect_errno(set_int(a, G_TIMER, VTIMER, 20), 0);
	expect_errno(set_int(a, G_TIMER, PTIMER, 30), 0);
	expect_eq(get_int(c, G_TIMER, VTIMER), 20);
	expect_eq(get_int(c, G_TIMER, PTIMER), 30);
	expect_eq(get_int(b, G_TIMER, VTIMER), 20);
	expect_eq(get_int(b, G_TIMER, PTIMER), 30);
	/* the GIC's initialisation changes nothing here */
	if (t->a == V3 && (!gic_addrs(dev, V3) || !expect_errno(gic_init(dev), 0)))
		return;
	expect_errno(set_int(c, G_TIMER, PTIMER, 19), 0);
	expect_eq(get_int(a, G_TIMER, PTIMER), 19);
	expect_eq(get_int(a, G_TIMER, VTIMER), 20);
}

/*
 * The same PPI for both timers prevents the vCPUs from running (-EINVAL,
 * every vCPU); other values let them run; then a SET on a vCPU that has
 * run is -EBUSY (after the value checks), GET still answers.
 */
static void t_timer_same_ppi(const struct abi_test *t)
{
	int vm, a, b;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, 0);
	b = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	if (b < 0 || ready_gic(vm) < 0)
		return;
	expect_errno(set_int(a, G_TIMER, PTIMER, 27), 0);
	expect_errno(run_once(a), EINVAL);
	expect_errno(run_once(b), EINVAL);
	/*
	 * Move the physical timer (6.1: a refused run leaves PPI 27 owned by
	 * the virtual timer, so the virtual one keeps it).
	 */
	expect_errno(set_int(b, G_TIMER, PTIMER, 26), 0);
	expect_errno(run_once(a), EINTR);
	expect_errno(run_once(b), EINTR);
	expect_errno(set_int(a, G_TIMER, VTIMER, 21), EBUSY);
	expect_errno(set_int(a, G_TIMER, PTIMER, 22), EBUSY);
	expect_errno(set_int(a, G_TIMER, 2, 22), EBUSY); /* before the attribute */
	expect_errno(set_int(a, G_TIMER, VTIMER, 32), EINVAL);
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, G_TIMER, VTIMER, uptr(g_bad_ptr)), EFAULT);
	expect_eq(get_int(a, G_TIMER, VTIMER), 27);
	expect_eq(get_int(b, G_TIMER, PTIMER), 26);
	expect_errno(has(a, G_TIMER, VTIMER), 0);
}

/*
 * "-EBUSY One or more VCPUs has already run": once any vCPU of the VM has
 * run, a SET through one that has not is refused too. 6.1 looks at the
 * target vCPU's timer only (kvm_ext-only).
 */
static void t_timer_busy_any_vcpu(const struct abi_test *t)
{
	int vm, a, b;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, 0);
	b = a < 0 ? -1 : vcpu_with(vm, 1, 0);
	if (b < 0 || ready_gic(vm) < 0)
		return;
	expect_errno(run_once(a), EINTR);
	expect_errno(set_int(b, G_TIMER, VTIMER, 20), EBUSY);
	expect_errno(set_int(b, G_TIMER, PTIMER, 20), EBUSY);
	expect_errno(set_int(b, G_TIMER, VTIMER, 33), EINVAL);
	expect_eq(get_int(b, G_TIMER, VTIMER), 27);
	expect_eq(get_int(a, G_TIMER, VTIMER), 27);
	expect_errno(run_once(b), EINTR);
}

/*
 * vCPUs whose timer PPIs disagree (one created after the SET): 6.1's
 * timer_irqs_are_valid() requires every vCPU of the VM to use the same
 * two PPIs, so the first KVM_RUN of each is -EINVAL until a SET made
 * after the last KVM_CREATE_VCPU puts them in step ("Userspace should
 * configure the interrupt numbers on at least one VCPU after creating all
 * VCPUs").
 */
static void t_timer_disagree_run(const struct abi_test *t)
{
	int vm, a, b, dev;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, 0);
	dev = a < 0 ? -1 : new_gic(vm, V3);
	if (dev < 0 || !expect_errno(set_int(a, G_TIMER, VTIMER, 20), 0))
		return;
	b = vcpu_with(vm, 1, 0);
	if (b < 0 || !gic_addrs(dev, V3) || !expect_errno(gic_init(dev), 0))
		return;
	expect_eq(get_int(b, G_TIMER, VTIMER), 27);
	expect_errno(run_once(a), EINVAL);
	expect_errno(run_once(b), EINVAL);
	expect_errno(set_int(b, G_TIMER, VTIMER, 20), 0);
	expect_errno(run_once(a), EINTR);
	expect_errno(run_once(b), EINTR);
}

/*
 * 6.1's set_timer_irqs(): a SET through a vCPU gives every vCPU the new
 * PPI for that timer and this vCPU's PPI for the other one, so the vCPUs
 * end up in step.
 */
static void t_timer_set_syncs_other(const struct abi_test *t)
{
	int vm, a, c;

	(void)t;
	vm = new_vm(0);
	a = vm < 0 ? -1 : vcpu_with(vm, 0, 0);
	if (a < 0 || new_gic(vm, V3) < 0 || !expect_errno(set_int(a, G_TIMER, PTIMER, 22), 0))
		return;
	c = vcpu_with(vm, 1, 0); /* 27, 30 */
	if (c < 0 || !expect_errno(set_int(c, G_TIMER, VTIMER, 20), 0))
		return;
	expect_eq(get_int(a, G_TIMER, VTIMER), 20);
	expect_eq(get_int(a, G_TIMER, PTIMER), 30);
	expect_eq(get_int(c, G_TIMER, PTIMER), 30);
}

#define A M_ARM64
#define E T_EXT
static const struct abi_test pmu_timer_tests[] = {
	/* 1. KVM_ARM_VCPU_PMU_V3_CTRL */
	{ "PMU_V3_CTRL without the PMU_V3 feature: HAS -ENXIO, SET -ENODEV, GET IRQ -EINVAL "
	  "(no GIC) / -ENODEV",
	  REF_PMU, t_pmu_no_feature, A, 0, 0, 0 },
	{ "PMU_V3_CTRL HAS: IRQ, INIT, FILTER, SET_PMU; unknown attributes -ENXIO (SET, GET, HAS)",
	  REF_PMU, t_pmu_has, A, 0, 0, 0 },
	{ "PMU_V3_IRQ: no GIC -EINVAL, unset GET -ENXIO, -EFAULT, not PPI/SPI -EINVAL, -EBUSY, "
	  "a PPI the same on all vCPUs",
	  REF_PMU_IRQ, t_pmu_irq_ppi, A, 0, 0, 0 },
	{ "PMU_V3_IRQ SPIs: one per vCPU (-EINVAL if used), another on the same vCPU -EBUSY, "
	  "no PPI next to them",
	  REF_PMU_IRQ, t_pmu_irq_spi, A, 0, 0, 0 },
	{ "PMU_V3_IRQ: an SPI while another vCPU uses a PPI -EINVAL (the document; 6.1 accepts)",
	  REF_PMU_IRQ, t_pmu_irq_spi_after_ppi, A, E, 0, 0 },
	{ "PMU_V3_INIT with a GIC: uninitialised -ENODEV, no interrupt -ENXIO, again -EBUSY, "
	  "then every SET -EBUSY",
	  REF_PMU_INIT, t_pmu_init_gic, A, 0, 0, 0 },
	{ "PMU_V3_INIT: an SPI past the GIC's interrupts -EINVAL", REF_PMU_INIT,
	  t_pmu_init_spi_range, A, 0, 0, 0 },
	{ "PMU_V3_INIT without a GIC: no interrupt needed, again -EBUSY", REF_PMU_INIT,
	  t_pmu_init_no_gic, A, 0, 0, 0 },
	{ "PMU_V3_INIT -EEXIST: the interrupt is a timer's PPI the timers already own (6.1: after "
	  "a refused KVM_RUN)",
	  REF_PMU_INIT, t_pmu_init_eexist, A, 0, 0, 0 },
	{ "PMU_V3_SET_PMU: bad pointer -EFAULT, an id that is no perf type -ENXIO", REF_PMU,
	  t_pmu_set_pmu, A, 0, 0, 0 },
	{ "PMU_V3_SET_PMU: kvm_ext has no host PMU ids, every id -ENXIO", REF_PMU,
	  t_pmu_set_pmu_ext, A, E, 0, 0 },
	{ "PMU_V3_FILTER: -EFAULT; base + nevents > 65536 or an unknown action -EINVAL",
	  REF_PMU_FILTER, t_filter_errors, A, 0, 0, 0 },
	{ "PMU_V3_FILTER: -ENODEV without the PMU; -EBUSY once this PMU is initialised or any "
	  "vCPU has run",
	  REF_PMU_FILTER, t_filter_busy, A, 0, 0, 0 },
	{ "PMCEID0/1_EL0 without a filter: the host's, CHAIN set; -ENXIO without the PMU",
	  REF_PMU_FILTER, t_filter_pmceid_host, A, E, 0, 0 },
	{ "PMU_V3_FILTER ALLOW first: the rest denied, cancelling keeps it denied, ranges add up, "
	  "VM-wide",
	  REF_PMU_FILTER, t_filter_allow_first, A, E, 0, 0 },
	{ "PMU_V3_FILTER DENY first: the rest allowed; 0x4000-0x403f in PMCEID bits 63:32",
	  REF_PMU_FILTER, t_filter_deny_first, A, E, 0, 0 },
	{ "PMU_V3_FILTER: the first range sets the default even when empty or not in PMCEID",
	  REF_PMU_FILTER, t_filter_default_only, A, E, 0, 0 },
	{ "KVM_RUN of a vCPU with the PMU before PMU_V3_INIT -EINVAL (GIC checks first)",
	  REF_RUN_PMU, t_run_pmu_needs_init, A, 0, 0, 0 },
	{ "KVM_RUN with a PPI or SPI PMU interrupt and a GICv3 after PMU_V3_INIT", REF_RUN_PMU,
	  t_run_pmu_ok, A, 0, 0, 0 },
	{ "KVM_RUN: PMU_V3_INIT without a GIC, then a GIC: no interrupt for it, -EINVAL",
	  REF_RUN_PMU, t_run_pmu_init_before_gic, A, 0, 0, 0 },
	{ "KVM_RUN: the PMU interrupt is the virtual timer's PPI -EINVAL (6.1 "
	  "timer_irqs_are_valid)",
	  REF_RUN_PMU, t_run_pmu_irq_is_timer_ppi, A, 0, 0, 0 },
	/* 2. KVM_ARM_VCPU_TIMER_CTRL */
	{ "TIMER_CTRL: defaults 27/30, HAS, GET -ENXIO/-EFAULT, SET without a GIC -EINVAL",
	  REF_TIMER, t_timer_defaults, A, 0, 0, 0 },
	{ "TIMER_CTRL SET (GICv2): -EFAULT, not a PPI -EINVAL, unknown -ENXIO; all vCPUs created "
	  "at that time",
	  REF_TIMER, t_timer_set, A, 0, V2, 0 },
	{ "TIMER_CTRL SET (GICv3): -EFAULT, not a PPI -EINVAL, unknown -ENXIO; all vCPUs created "
	  "at that time",
	  REF_TIMER, t_timer_set, A, 0, V3, 0 },
	{ "TIMER_CTRL: the same PPI for both timers stops the vCPUs (KVM_RUN -EINVAL); after a "
	  "run -EBUSY",
	  REF_RUN_TIMER, t_timer_same_ppi, A, 0, 0, 0 },
	{ "TIMER_CTRL SET -EBUSY once any vCPU of the VM has run (the document; 6.1: this vCPU)",
	  REF_TIMER, t_timer_busy_any_vcpu, A, E, 0, 0 },
	{ "KVM_RUN: vCPUs whose timer PPIs disagree -EINVAL until a SET after the last vCPU "
	  "(6.1 timer_irqs_are_valid)",
	  REF_RUN_TIMER, t_timer_disagree_run, A, 0, 0, 0 },
	{ "TIMER_CTRL SET copies the writer's other timer PPI to every vCPU (6.1 set_timer_irqs)",
	  REF_TIMER, t_timer_set_syncs_other, A, 0, 0, 0 },
};

TEST_GROUP(pmu_timer);
