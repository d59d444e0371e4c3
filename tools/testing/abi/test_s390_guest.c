// SPDX-License-Identifier: GPL-2.0
/*
 * s390 floating interrupts from the guest's side, through the
 * guest-access extension (kvm_ext.h KVM_EXT_ACCESS_INTERRUPT): the vCPU
 * takes the interruption the machine would present, as its PSW mask
 * (kvm_run's psw_mask) and control registers (KVM_SET_SREGS: CR6's ISC
 * mask, CR0's service-signal submask, CR14's channel-report submask)
 * enable it, in 6.1's priority (interrupt.c deliverable_irqs(),
 * kvm_s390_deliver_pending_interrupts(): find_last_bit() over enum
 * irq_types, __deliver_io(): the ISC's list before the GISA bit). A vCPU
 * idle in KVM_RUN wakes (KVM_EXIT_EXT_INTERRUPT) when an interrupt it is
 * enabled for becomes pending. kvm_ext only: skipped on a real /dev/kvm.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "s390_common.h"

#define REF "kvm_ext.h KVM_EXT_ACCESS_INTERRUPT, devices/s390_flic.rst"
#define REF_SREGS "api.rst 4.13/4.14 KVM_GET_SREGS/KVM_SET_SREGS (s390)"

#define PSW_IO KVM_EXT_S390_PSW_MASK_IO
#define PSW_EXT KVM_EXT_S390_PSW_MASK_EXT
#define PSW_MCK KVM_EXT_S390_PSW_MASK_MCHECK
#define PSW_ALL (PSW_IO | PSW_EXT | PSW_MCK)

struct gv {
	int vm, flic, vcpu;
	struct kvm_run *run;
};

static void set_psw(struct kvm_run *run, __u64 mask)
{
	memcpy((char *)run + KVM_EXT_S390_RUN_PSW_MASK, &mask, sizeof(mask));
}

static int set_crs(int vcpu, __u64 cr0, __u64 cr6, __u64 cr14)
{
	struct kvm_ext_s390_sregs s;

	memset(&s, 0, sizeof(s));
	s.crs[0] = cr0;
	s.crs[6] = cr6;
	s.crs[14] = cr14;
	return ioctl(vcpu, KVM_EXT_S390_SET_SREGS, &s);
}

/* The vCPU's PSW mask and control registers: what it is enabled for. */
#define enable(g, psw, cr0, cr6, cr14) enable_at(__LINE__, g, psw, cr0, cr6, cr14)
static void enable_at(int line, struct gv *g, __u64 psw, __u64 cr0, __u64 cr6, __u64 cr14)
{
	set_psw(g->run, psw);
	if (!expect_errno(set_crs(g->vcpu, cr0, cr6, cr14), 0))
		diag("  line %d", line);
}

static bool gv_up(struct gv *g, bool ais)
{
	g->vm = new_vm(0);
	if (g->vm < 0)
		return false;
	if (ais && !expect_errno(vm_enable_cap(g->vm, KVM_CAP_S390_AIS), 0))
		return false;
	g->flic = new_flic(g->vm);
	g->vcpu = new_vcpu(g->vm, 0);
	g->run = map_run(g->vcpu);
	return g->flic >= 0 && g->run;
}

struct take {
	int ret, err;
	__u32 result;
	__u64 type, parm, parm64;
};

static struct take take_irq(int vcpu)
{
	struct kvm_ext_guest_access a;
	struct take r;

	memset(&a, 0, sizeof(a));
	a.kind = KVM_EXT_ACCESS_INTERRUPT;
	a.result = 0xdeadbeef;
	a.data = 0x5a5a5a5a;
	a.args[0] = 0;
	r.ret = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a);
	r.err = r.ret ? errno : 0;
	r.result = a.result;
	r.type = a.data;
	r.parm = a.args[0];
	r.parm64 = a.args[1];
	return r;
}

/* The vCPU takes an interruption of that type and parameters. */
#define expect_take(v, type, parm, parm64) expect_take_at(__LINE__, v, type, parm, parm64)
static void expect_take_at(int line, int vcpu, __u64 type, __u64 parm, __u64 parm64)
{
	struct take r = take_irq(vcpu);

	if (r.ret == 0 && r.result == KVM_EXT_RESULT_KERNEL && r.type == type &&
	    r.parm == parm && r.parm64 == parm64)
		return;
	fail("line %d: took %d/%s result %u type %#llx parm %#llx parm64 %#llx; expected type "
	     "%#llx parm %#llx parm64 %#llx",
	     line, r.ret, errno_name(r.err), r.result, (unsigned long long)r.type,
	     (unsigned long long)r.parm, (unsigned long long)r.parm64, (unsigned long long)type,
	     (unsigned long long)parm, (unsigned long long)parm64);
}

/* Nothing the vCPU is enabled for: KVM_EXT_RESULT_NONE, data 0. */
#define expect_none(v) expect_none_at(__LINE__, v)
static void expect_none_at(int line, int vcpu)
{
	struct take r = take_irq(vcpu);

	if (r.ret == 0 && r.result == KVM_EXT_RESULT_NONE && r.type == 0)
		return;
	fail("line %d: took %d/%s result %u type %#llx parm %#llx; expected none", line, r.ret,
	     errno_name(r.err), r.result, (unsigned long long)r.type, (unsigned long long)r.parm);
}

static int pending(int flic)
{
	static struct kvm_s390_irq buf[64];

	return flic_get_all(flic, buf, sizeof(buf));
}

/* The parameters KVM_S390_INTERRUPT gives a classic I/O interrupt. */
#define IO_PARM(id, nr) (((__u64)(id) << 16) | (nr))
#define IO_PARM64(intparm, word) (((__u64)(intparm) << 32) | (word))

/* ------------------------------------------------------------ sregs */

/*
 * KVM_GET/SET_SREGS on s390 (kvm_arch_vcpu_ioctl_get/set_sregs()): the
 * access and control registers, all 0 for a new vCPU (its SIE block a
 * zeroed page in kvm_arch_vcpu_create(); CR0 and CR14 get their initial
 * masks only from KVM_S390_INITIAL_RESET), set and read back
 * whole; each vCPU its own; -EFAULT each way. A new vCPU's PSW mask in
 * kvm_run is 0.
 */
static void t_sregs(const struct abi_test *t)
{
	struct kvm_ext_s390_sregs s, got, zero;
	int vm = new_vm(0), v0, v1, i;
	struct kvm_run *run;
	__u64 mask = ~0ULL;

	(void)t;
	v0 = new_vcpu(vm, 0);
	v1 = new_vcpu(vm, 1);
	run = map_run(v0);
	if (!run)
		return;
	memset(&zero, 0, sizeof(zero));
	memcpy(&mask, (char *)run + KVM_EXT_S390_RUN_PSW_MASK, sizeof(mask));
	expect_eq(mask, 0);
	memset(&got, 0xa5, sizeof(got));
	expect_errno(ioctl(v0, KVM_EXT_S390_GET_SREGS, &got), 0);
	if (!expect_eq(memcmp(&got, &zero, sizeof(got)), 0))
		for (i = 0; i < 16; i++)
			if (got.crs[i] || got.acrs[i])
				diag("  new vCPU: cr%d %#llx acr%d %#x", i,
				     (unsigned long long)got.crs[i], i, got.acrs[i]);
	for (i = 0; i < 16; i++) {
		s.acrs[i] = 0x10000000U + (__u32)i * 0x01010101U;
		s.crs[i] = 0x8000000000000000ULL | ((__u64)i << 40) | (0xfedcba98ULL + i);
	}
	expect_errno(ioctl(v0, KVM_EXT_S390_SET_SREGS, &s), 0);
	memset(&got, 0, sizeof(got));
	expect_errno(ioctl(v0, KVM_EXT_S390_GET_SREGS, &got), 0);
	expect_eq(memcmp(&got, &s, sizeof(got)), 0);
	memset(&got, 0xa5, sizeof(got));
	expect_errno(ioctl(v1, KVM_EXT_S390_GET_SREGS, &got), 0);
	expect_eq(memcmp(&got, &zero, sizeof(got)), 0);
	expect_errno(ioctl(v0, KVM_EXT_S390_GET_SREGS, g_bad_ptr), EFAULT);
	expect_errno(ioctl(v0, KVM_EXT_S390_SET_SREGS, g_bad_ptr), EFAULT);
	memset(&got, 0, sizeof(got));
	expect_errno(ioctl(v0, KVM_EXT_S390_GET_SREGS, &got), 0);
	expect_eq(memcmp(&got, &s, sizeof(got)), 0);
}

/* ------------------------------------------------------------ the access */

/*
 * KVM_EXT_ACCESS_INTERRUPT with nothing pending: KVM_EXT_RESULT_NONE,
 * data 0. addr, len, args, reserved not 0, or flags: -EINVAL.
 */
static void t_take_args(const struct abi_test *t)
{
	struct kvm_ext_guest_access a;
	struct gv g;
	int i;

	(void)t;
	if (!gv_up(&g, false))
		return;
	enable(&g, PSW_ALL, CR0_SERVICE, CR6_ALL, CR14_CRW);
	expect_none(g.vcpu);
	for (i = 0; i < 6; i++) {
		memset(&a, 0, sizeof(a));
		a.kind = KVM_EXT_ACCESS_INTERRUPT;
		switch (i) {
		case 0:
			a.addr = 0x1000;
			break;
		case 1:
			a.len = 8;
			break;
		case 2:
			a.args[0] = 1;
			break;
		case 3:
			a.args[2] = 1;
			break;
		case 4:
			a.reserved[0] = 1;
			break;
		case 5:
			a.flags = KVM_EXT_ACCESS_WRITE;
			break;
		}
		if (!expect_errno(ioctl(g.vcpu, KVM_EXT_GUEST_ACCESS, &a), EINVAL))
			diag("  case %d", i);
	}
	/* a refused access takes nothing */
	expect_errno(inject_vm(g.vm, KVM_S390_INT_VIRTIO, 1, 2), 0);
	memset(&a, 0, sizeof(a));
	a.kind = KVM_EXT_ACCESS_INTERRUPT;
	a.len = 4;
	expect_errno(ioctl(g.vcpu, KVM_EXT_GUEST_ACCESS, &a), EINVAL);
	expect_eq(pending(g.flic), 1);
	expect_take(g.vcpu, KVM_S390_INT_VIRTIO, 1, 2);
	expect_eq(pending(g.flic), 0);
	expect_none(g.vcpu);
}

/*
 * Each class waits for what enables it, staying pending meanwhile: I/O
 * for the PSW's I/O bit and its ISC's CR6 bit; pfault done and virtio for
 * the PSW's external bit; the service signal for that and CR0's
 * service-signal submask; a floating machine check for the PSW's
 * machine-check bit and a CR14 bit it carries (channel report pending;
 * one with no CR14 bit never comes).
 */
static void t_masks(const struct abi_test *t)
{
	struct kvm_s390_irq q[6];
	struct gv g;

	(void)t;
	if (!gv_up(&g, false))
		return;
	q[0] = irq_cio(0x0001, 0x0030, 0x3333, 3);
	q[1] = irq_ext(KVM_S390_INT_SERVICE, 0x8000, 0);
	q[2] = irq_ext(KVM_S390_INT_VIRTIO, 0x2603, 0x4444);
	q[3] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 0x5555);
	q[4] = irq_mchk(0, 0x1000);
	expect_errno(flic_enqueue(g.flic, q, 5), 0);
	expect_none(g.vcpu);
	enable(&g, 0, CR0_SERVICE, CR6_ALL, ~0ULL);
	expect_none(g.vcpu);
	enable(&g, PSW_IO, 0, 0, 0);
	expect_none(g.vcpu);
	enable(&g, PSW_IO, ~0ULL, CR6_ISC(2) | CR6_ISC(4), ~0ULL);
	expect_none(g.vcpu);
	enable(&g, PSW_IO, 0, CR6_ISC(3), 0);
	expect_take(g.vcpu, q[0].type, IO_PARM(0x0001, 0x0030), IO_PARM64(0x3333, IO_WORD(3)));
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 4);

	enable(&g, PSW_EXT, 0, CR6_ALL, CR14_CRW);
	expect_take(g.vcpu, KVM_S390_INT_PFAULT_DONE, 0, 0x5555);
	expect_take(g.vcpu, KVM_S390_INT_VIRTIO, 0x2603, 0x4444);
	expect_none(g.vcpu);
	enable(&g, PSW_EXT, CR0_SERVICE, 0, 0);
	expect_take(g.vcpu, KVM_S390_INT_SERVICE, 0x8000, 0);
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 1);

	/* the machine check carries no CR14 bit: never */
	enable(&g, PSW_ALL, ~0ULL, CR6_ALL, ~0ULL);
	expect_none(g.vcpu);
	q[5] = irq_mchk(CR14_CRW, 0x2000);
	expect_errno(flic_enqueue(g.flic, &q[5], 1), 0);
	enable(&g, PSW_ALL, ~0ULL, CR6_ALL, 0);
	expect_none(g.vcpu);
	enable(&g, PSW_IO | PSW_EXT, ~0ULL, CR6_ALL, CR14_CRW);
	expect_none(g.vcpu);
	enable(&g, PSW_MCK, 0, 0, CR14_CRW);
	expect_take(g.vcpu, KVM_S390_MCHK, CR14_CRW, 0x3000);
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 0);
}

/*
 * Priority: machine check, service signal, pfault done, virtio, then I/O
 * by ISC from 0, an ISC's classic I/O interrupts (in order) before its
 * adapter interrupt; each taken once, with its parameters as
 * KVM_S390_INTERRUPT encodes them.
 */
static void t_priority(const struct abi_test *t)
{
	struct kvm_s390_irq q[7];
	struct gv g;

	(void)t;
	if (!gv_up(&g, false))
		return;
	q[0] = irq_cio(0x0001, 0x0007, 0x77, 7);
	q[1] = irq_cio(0x0003, 0x0100, 0x100, 0);
	q[2] = irq_ext(KVM_S390_INT_VIRTIO, 0x11, 0x1111111122222222ULL);
	q[3] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 0x8000000000000fffULL);
	q[4] = irq_ext(KVM_S390_INT_SERVICE, 0x7ff000, 0);
	q[5] = irq_mchk(CR14_CRW, 0x00400f1d40330000ULL);
	expect_errno(flic_enqueue(g.flic, q, 6), 0);
	expect_errno(inject_vm(g.vm, AI_TYPE, 0, AI_WORD(4)), 0);
	q[6] = irq_cio(0x0001, 0x0044, 0x44, 4);
	expect_errno(flic_enqueue(g.flic, &q[6], 1), 0);
	expect_errno(inject_vm(g.vm, KVM_S390_INT_IO(0, 0, 0, 0x45), IO_PARM(0x0001, 0x0045),
			       IO_PARM64(0x45, IO_WORD(4))),
		     0);
	enable(&g, PSW_ALL, CR0_SERVICE, CR6_ALL, CR14_CRW);
	expect_take(g.vcpu, KVM_S390_MCHK, CR14_CRW, 0x00400f1d40330000ULL);
	expect_take(g.vcpu, KVM_S390_INT_SERVICE, 0x7ff000, 0);
	expect_take(g.vcpu, KVM_S390_INT_PFAULT_DONE, 0, 0x8000000000000fffULL);
	expect_take(g.vcpu, KVM_S390_INT_VIRTIO, 0x11, 0x1111111122222222ULL);
	expect_take(g.vcpu, q[1].type, IO_PARM(0x0003, 0x0100), IO_PARM64(0x100, IO_WORD(0)));
	expect_take(g.vcpu, q[6].type, IO_PARM(0x0001, 0x0044), IO_PARM64(0x44, IO_WORD(4)));
	expect_take(g.vcpu, KVM_S390_INT_IO(0, 0, 0, 0x45), IO_PARM(0x0001, 0x0045),
		    IO_PARM64(0x45, IO_WORD(4)));
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(4));
	expect_take(g.vcpu, q[0].type, IO_PARM(0x0001, 0x0007), IO_PARM64(0x77, IO_WORD(7)));
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 0);
}

/*
 * I/O by ISC: the lowest enabled ISC first, an ISC's interrupts in order;
 * a disabled ISC's wait. Floating: any vCPU of the VM takes them, as its
 * own PSW and CR6 allow.
 */
static void t_io_isc(const struct abi_test *t)
{
	static const int iscs[6] = { 5, 2, 5, 2, 2, 5 };
	struct kvm_s390_irq q[6];
	struct gv g, g1;
	int i;

	(void)t;
	if (!gv_up(&g, false))
		return;
	g1 = g;
	g1.vcpu = new_vcpu(g.vm, 1);
	g1.run = map_run(g1.vcpu);
	if (!g1.run)
		return;
	for (i = 0; i < 6; i++)
		q[i] = irq_cio(0x0001, (__u16)(0x10 + i), 0x1000 + (__u32)i, iscs[i]);
	expect_errno(flic_enqueue(g.flic, q, 4), 0);
	enable(&g, PSW_IO, 0, CR6_ISC(2) | CR6_ISC(5), 0);
	enable(&g1, PSW_IO, 0, CR6_ISC(5), 0);
	expect_take(g.vcpu, q[1].type, IO_PARM(0x0001, 0x11), IO_PARM64(0x1001, IO_WORD(2)));
	expect_take(g1.vcpu, q[0].type, IO_PARM(0x0001, 0x10), IO_PARM64(0x1000, IO_WORD(5)));
	expect_take(g1.vcpu, q[2].type, IO_PARM(0x0001, 0x12), IO_PARM64(0x1002, IO_WORD(5)));
	expect_none(g1.vcpu);
	expect_take(g.vcpu, q[3].type, IO_PARM(0x0001, 0x13), IO_PARM64(0x1003, IO_WORD(2)));
	expect_none(g.vcpu);
	/* q4 isc2, q5 isc5: only ISC 5 enabled */
	expect_errno(flic_enqueue(g.flic, &q[4], 2), 0);
	enable(&g, PSW_IO, 0, CR6_ISC(5), 0);
	expect_take(g.vcpu, q[5].type, IO_PARM(0x0001, 0x15), IO_PARM64(0x1005, IO_WORD(5)));
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 1);
	enable(&g1, PSW_IO, 0, CR6_ISC(2), 0);
	expect_take(g1.vcpu, q[4].type, IO_PARM(0x0001, 0x14), IO_PARM64(0x1004, IO_WORD(2)));
	expect_none(g1.vcpu);
}

/*
 * Adapter interrupts (AIRQ_INJECT): one pending per ISC however often
 * injected, taken as KVM_S390_INT_IO(1, 0, 0, 0) with parm 0 and the word
 * isc_to_int_word(); ISC order among them; a disabled ISC's wait. With AIS
 * in SINGLE mode the first goes through and the next are suppressed until
 * the guest's AISM arms the ISC again.
 */
static void t_adapter(const struct abi_test *t)
{
	struct gv g;

	(void)t;
	if (!gv_up(&g, true))
		return;
	expect_errno(adapter_register(g.flic, 1, 3, 0, KVM_S390_ADAPTER_SUPPRESSIBLE), 0);
	expect_errno(adapter_register(g.flic, 2, 1, 0, 0), 0);
	enable(&g, PSW_IO, 0, CR6_ALL, 0);
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(3));
	expect_none(g.vcpu);
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_errno(airq_inject(g.flic, 2), 0);
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(1));
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(3));
	expect_none(g.vcpu);
	/* ISC 3 disabled: it waits */
	enable(&g, PSW_IO, 0, CR6_ISC(1), 0);
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 1);
	enable(&g, PSW_IO, 0, CR6_ISC(3), 0);
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(3));
	expect_none(g.vcpu);

	/* SINGLE mode */
	expect_errno(ais_mode(g.flic, 3, AIS_MODE_SINGLE), 0);
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(3));
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_none(g.vcpu);
	expect_errno(ais_mode(g.flic, 3, AIS_MODE_SINGLE), 0);
	expect_errno(airq_inject(g.flic, 1), 0);
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(3));
	expect_none(g.vcpu);
}

/*
 * A service signal with event-pending bits is two interruptions in 6.1
 * (__inject_service() sets IRQ_PEND_EXT_SERVICE_EV beside
 * IRQ_PEND_EXT_SERVICE; __deliver_service_ev(), the higher of the two,
 * presents the parameter SCCB_EVENT_PENDING (3) and clears only the event
 * bits; __deliver_service() then presents the SCCB address). Both wait for
 * CR0's service-signal submask.
 */
static void t_service_event(const struct abi_test *t)
{
	struct gv g;

	(void)t;
	if (!gv_up(&g, false))
		return;
	expect_errno(inject_vm(g.vm, KVM_S390_INT_SERVICE, 0x8000 | 0x1, 0), 0);
	enable(&g, PSW_EXT, 0, 0, 0);
	expect_none(g.vcpu);
	enable(&g, PSW_EXT, CR0_SERVICE, 0, 0);
	expect_take(g.vcpu, KVM_S390_INT_SERVICE, 0x3, 0);
	expect_eq(pending(g.flic), 1);
	expect_take(g.vcpu, KVM_S390_INT_SERVICE, 0x8000, 0);
	expect_none(g.vcpu);
	expect_eq(pending(g.flic), 0);
}

/* KVM_S390_INTERRUPT's floating interrupts are taken without a FLIC. */
static void t_no_flic(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);
	struct kvm_run *run = map_run(vcpu);
	struct gv g = { vm, -1, vcpu, run };

	(void)t;
	if (!run)
		return;
	expect_errno(inject_vm(vm, KVM_S390_INT_IO(0, 0, 0, 9), IO_PARM(0x0001, 9),
			       IO_PARM64(0x99, IO_WORD(6))),
		     0);
	expect_errno(inject_vm(vm, KVM_S390_INT_VIRTIO, 0x66, 0x77), 0);
	expect_none(vcpu);
	enable(&g, PSW_IO | PSW_EXT, 0, CR6_ISC(6), 0);
	expect_take(vcpu, KVM_S390_INT_VIRTIO, 0x66, 0x77);
	expect_take(vcpu, KVM_S390_INT_IO(0, 0, 0, 9), IO_PARM(0x0001, 9),
		    IO_PARM64(0x99, IO_WORD(6)));
	expect_none(vcpu);
}

/* ------------------------------------------------------------ idle wake */

/* The runner returned with KVM_EXIT_EXT_INTERRUPT within 5 s. */
#define expect_woken(r) expect_woken_at(__LINE__, r)
static void expect_woken_at(int line, struct runner *r)
{
	int i;

	for (i = 0; i < 500 && !runner_done(r); i++)
		sleep_ms(10);
	runner_stop(r);
	if (r->ret != 0 || r->reason != KVM_EXIT_EXT_INTERRUPT)
		fail("line %d: KVM_RUN returned %d/%s, exit reason %#x: not woken", line, r->ret,
		     errno_name(r->err), r->reason);
}

/* KVM_RUN stays blocked for 100 ms more, then the signal ends it. */
#define expect_still_idle(r) expect_still_idle_at(__LINE__, r)
static void expect_still_idle_at(int line, struct runner *r)
{
	sleep_ms(100);
	if (!runner_waiting(r))
		fail("line %d: KVM_RUN returned (%d/%s, exit reason %#x) for a masked interrupt",
		     line, r->ret, errno_name(r->err), r->reason);
	runner_stop(r);
	expect_stopped_by_signal(r);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * KVM_RUN with an enabled interrupt already pending returns at once with
 * KVM_EXIT_EXT_INTERRUPT (a SIGALRM 2 s later would end a wait).
 */
static void expect_run_returns_at_once(int vcpu, struct kvm_run *run)
{
	struct itimerval it = { { 0, 0 }, { 2, 0 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa, old;
	int r, err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	run->immediate_exit = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(vcpu, KVM_RUN, 0);
	err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	expect_errno_at(__FILE__, __LINE__, "KVM_RUN", r, err, 0);
	expect_eq(run->exit_reason, KVM_EXIT_EXT_INTERRUPT);
}

/*
 * A vCPU idle in KVM_RUN wakes with KVM_EXIT_EXT_INTERRUPT when another
 * thread makes an interrupt it is enabled for pending (ENQUEUE,
 * KVM_S390_INTERRUPT, AIRQ_INJECT), not for one it masks; with one pending
 * KVM_RUN returns at once; the interrupt is then there to take.
 */
static void t_wake(const struct abi_test *t)
{
	struct kvm_s390_irq q[2];
	struct runner r;
	struct gv g;

	(void)t;
	if (!gv_up(&g, false))
		return;
	expect_errno(adapter_register(g.flic, 7, 3, 0, 0), 0);
	enable(&g, PSW_IO | PSW_EXT, CR0_SERVICE, CR6_ISC(3), 0);
	q[0] = irq_cio(0x0001, 0x0005, 0x55, 5);
	q[1] = irq_cio(0x0001, 0x0003, 0x33, 3);

	if (!runner_start(&r, g.vcpu, g.run))
		return;
	expect_errno(flic_enqueue(g.flic, &q[0], 1), 0);
	expect_errno(inject_vm(g.vm, KVM_S390_MCHK, CR14_CRW, 1), 0);
	expect_still_idle(&r);

	if (!runner_start(&r, g.vcpu, g.run))
		return;
	expect_errno(flic_enqueue(g.flic, &q[1], 1), 0);
	expect_woken(&r);
	expect_take(g.vcpu, q[1].type, IO_PARM(0x0001, 0x0003), IO_PARM64(0x33, IO_WORD(3)));

	if (!runner_start(&r, g.vcpu, g.run))
		return;
	expect_errno(inject_vm(g.vm, KVM_S390_INT_SERVICE, 0x9000, 0), 0);
	expect_woken(&r);
	expect_take(g.vcpu, KVM_S390_INT_SERVICE, 0x9000, 0);

	if (!runner_start(&r, g.vcpu, g.run))
		return;
	expect_errno(airq_inject(g.flic, 7), 0);
	expect_woken(&r);
	expect_take(g.vcpu, AI_TYPE, 0, AI_WORD(3));
	expect_none(g.vcpu);

	/* one pending already */
	expect_errno(inject_vm(g.vm, KVM_S390_INT_VIRTIO, 1, 2), 0);
	expect_run_returns_at_once(g.vcpu, g.run);
	expect_take(g.vcpu, KVM_S390_INT_VIRTIO, 1, 2);
	/* the masked ones are still there */
	expect_eq(pending(g.flic), 2);
}

/*
 * Two vCPUs idle in KVM_RUN: a floating interrupt wakes the one enabled
 * for it ("KVM_RUN's idle vCPU returns ... when an interrupt it is enabled
 * for is pending"), whichever of them the kernel looks at first; the other
 * sleeps on.
 */
static void t_wake_enabled_one(const struct abi_test *t)
{
	struct kvm_s390_irq q = irq_cio(0x0001, 0x0003, 0x33, 3);
	struct runner r0, r1;
	struct gv g, g1;

	(void)t;
	if (!gv_up(&g, false))
		return;
	g1 = g;
	g1.vcpu = new_vcpu(g.vm, 1);
	g1.run = map_run(g1.vcpu);
	if (!g1.run)
		return;
	enable(&g, PSW_IO, 0, CR6_ISC(5), 0);
	enable(&g1, PSW_IO, 0, CR6_ISC(3), 0);
	if (!runner_start(&r0, g.vcpu, g.run))
		return;
	if (!runner_start(&r1, g1.vcpu, g1.run)) {
		runner_stop(&r0);
		return;
	}
	expect_errno(flic_enqueue(g.flic, &q, 1), 0);
	expect_woken(&r1);
	expect_still_idle(&r0);
	expect_take(g1.vcpu, q.type, IO_PARM(0x0001, 0x0003), IO_PARM64(0x33, IO_WORD(3)));

	/* the other way round */
	q = irq_cio(0x0001, 0x0005, 0x55, 5);
	if (!runner_start(&r1, g1.vcpu, g1.run))
		return;
	if (!runner_start(&r0, g.vcpu, g.run)) {
		runner_stop(&r1);
		return;
	}
	expect_errno(flic_enqueue(g.flic, &q, 1), 0);
	expect_woken(&r0);
	expect_still_idle(&r1);
	expect_take(g.vcpu, q.type, IO_PARM(0x0001, 0x0005), IO_PARM64(0x55, IO_WORD(5)));
}

#define S M_S390
#define E T_EXT
static const struct abi_test s390_guest_tests[] = {
	{ "s390 KVM_GET/SET_SREGS: access and control registers, 0 at first, per vCPU, "
	  "-EFAULT",
	  REF_SREGS, t_sregs, S, E, 0, 0 },
	{ "s390 INTERRUPT access: none pending KVM_EXT_RESULT_NONE; addr/len/args/flags "
	  "-EINVAL, nothing taken",
	  REF, t_take_args, S, E, 0, 0 },
	{ "s390 INTERRUPT access: PSW and CR0/CR6/CR14 masks; masked classes stay pending", REF,
	  t_masks, S, E, 0, 0 },
	{ "s390 INTERRUPT access: mchk, service, pfault done, virtio, I/O by ISC (list before "
	  "adapter)",
	  REF, t_priority, S, E, 0, 0 },
	{ "s390 INTERRUPT access: I/O lowest enabled ISC first, FIFO, taken by any vCPU", REF,
	  t_io_isc, S, E, 0, 0 },
	{ "s390 INTERRUPT access: adapter interrupts by AIRQ_INJECT, one per ISC, AIS SINGLE "
	  "suppression",
	  REF, t_adapter, S, E, 0, 0 },
	{ "s390 INTERRUPT access: a service signal with event bits is taken as the event (3), "
	  "then the SCCB",
	  REF, t_service_event, S, E, 0, 0 },
	{ "s390 INTERRUPT access: KVM_S390_INTERRUPT's floating interrupts without a FLIC", REF,
	  t_no_flic, S, E, 0, 0 },
	{ "s390: an idle vCPU in KVM_RUN wakes (KVM_EXIT_EXT_INTERRUPT) for an enabled "
	  "interrupt, not a masked one",
	  REF, t_wake, S, E, 0, 0 },
	{ "s390: of two idle vCPUs, a floating interrupt wakes the one enabled for it", REF,
	  t_wake_enabled_one, S, E, 0, 0 },
};

TEST_GROUP(s390_guest);
