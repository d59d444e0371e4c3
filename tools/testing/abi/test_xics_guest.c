// SPDX-License-Identifier: GPL-2.0
/*
 * The XICS from the guest's side and the VMM's interrupt paths into it,
 * on the ppc node's POWER8 host (Linux's XICS emulation): KVM_IRQ_LINE
 * and KVM_IRQ_LINE_STATUS into sources, irqfds, the ICP hypercalls
 * (H_CPPR, H_EOI, H_XIRR, H_XIRR_X, H_IPI, H_IPOLL) through the
 * guest-access extension, KVM_CAP_PPC_ENABLE_HCALL, KVM_PPC_RTAS_DEFINE_TOKEN
 * and H_RTAS's ibm,set-xive/get-xive/int-off/int-on, a vCPU in KVM_RUN
 * woken by its ICP, and a migration round trip in QEMU's order. The facts
 * are 6.1's book3s_xics.c, book3s_rtas.c, book3s_hv.c
 * (kvmppc_pseries_do_hcall()) and powerpc.c.
 */
#include <string.h>
#include <unistd.h>

#include "xics_common.h"

#define REF_XICS "devices/xics.rst, PAPR (XICS hypercalls)"
#define REF_RTAS "api.rst 4.86 KVM_PPC_RTAS_DEFINE_TOKEN"

#define NVCPU 2
#define RAM_GPA 0x100000ULL
#define RAM_SIZE 0x10000ULL

/* A VM with an XICS, NVCPU vCPUs in PAPR mode on servers 0.., CPPR 0xff. */
struct xg {
	int vm, dev, v[NVCPU];
	char *ram;
};


static __u32 irq_line_status(int vm, __u32 irq, __u32 level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), 0);
	return (__u32)l.status;
}

static bool xg_setup(struct xg *g)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	int i;

	memset(g, 0, sizeof(*g));
	g->vm = new_vm(0);
	if (!expect_errno(ioctl(g->vm, KVM_CREATE_DEVICE, &cd), 0))
		return false;
	g->dev = track_fd((int)cd.fd);
	for (i = 0; i < NVCPU; i++) {
		g->v[i] = runnable_vcpu(g->vm, (unsigned long)i);
		if (!expect_eq(connect(g->v[i], g->dev, (__u64)i, 0), 0) ||
		    !expect_eq(icp_put(g->v[i], ICP(0xff, 0, 0xff, 0xff)), 0))
			return false;
	}
	g->ram = alloc_mem(RAM_SIZE);
	return expect_errno(set_region(g->vm, 0, 0, RAM_GPA, RAM_SIZE, g->ram), 0);
}

/*
 * KVM_IRQ_LINE with an XICS (kvm_vm_ioctl_irq_line()): always 0; the
 * status (KVM_IRQ_LINE_STATUS, in the irq field) is ics_deliver_irq()'s:
 * -EINVAL for a source never set, else 0. An MSI's edge sets P, a second
 * one Q, level 0 does nothing; KVM_INTERRUPT_SET (-1U) and SET_LEVEL
 * (-3U) are 1, UNSET (-2U) 0.
 */
static void t_xg_irq_line(const struct abi_test *t)
{
	struct xg g;
	struct kvm_irq_level l = { .irq = 20, .level = 1 };

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE, &l), 0);
	expect_eq(irq_line_status(g.vm, 20, 1), (__u32)-EINVAL);
	expect_eq(irq_line_status(g.vm, 5000000, 1), (__u32)-EINVAL);
	expect_eq(set_src(g.dev, 20, PRIO(0xff)), 0);
	expect_eq(irq_line_status(g.vm, 20, 0), 0);
	expect_eq(src(g.dev, 20), PRIO(0xff) | KVM_XICS_MASKED);
	expect_eq(irq_line_status(g.vm, 20, 0xffffffffu), 0); /* KVM_INTERRUPT_SET */
	expect_eq(src(g.dev, 20), PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_PENDING |
					  KVM_XICS_PRESENTED);
	expect_eq(irq_line_status(g.vm, 20, 0xfffffffdu), 0); /* SET_LEVEL: Q */
	expect_eq(src(g.dev, 20), PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_PENDING |
					  KVM_XICS_PRESENTED | KVM_XICS_QUEUED);
	/* an LSI: UNSET lowers P */
	expect_eq(set_src(g.dev, 21, PRIO(0xff) | KVM_XICS_LEVEL_SENSITIVE), 0);
	expect_eq(irq_line_status(g.vm, 21, 7), 0);
	expect_eq(src(g.dev, 21), PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_LEVEL_SENSITIVE |
					  KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	expect_eq(irq_line_status(g.vm, 21, 0xfffffffeu), 0); /* UNSET */
	expect_eq(src(g.dev, 21), PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_LEVEL_SENSITIVE);
}

/*
 * An MSI through the ICP: presented (XISR, pending priority), taken with
 * H_XIRR (the CPPR rises to its priority), a second edge while in service
 * queued (Q) and presented again at H_EOI (Q into P); then nothing.
 */
static void t_xg_msi_flow(const struct abi_test *t)
{
	struct xg g;
	struct ppc_hc h;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(set_src(g.dev, 20, PRIO(5)), 0);
	expect_eq(icp(g.v[0]), ICP(0xff, 0, 0xff, 0xff));
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	expect_eq(icp(g.v[0]), ICP(0xff, 20, 0xff, 5));
	expect_eq(hk4(g.v[0], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000014);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	expect_eq(src(g.dev, 20), PRIO(5) | KVM_XICS_PRESENTED);
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	expect_eq(src(g.dev, 20), PRIO(5) | KVM_XICS_PRESENTED | KVM_XICS_QUEUED);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	expect_eq(hk(g.v[0], H_EOI, 0xff000014, 0), H_SUCCESS);
	expect_eq(src(g.dev, 20), PRIO(5) | KVM_XICS_PRESENTED);
	expect_eq(icp(g.v[0]), ICP(0xff, 20, 0xff, 5));
	expect_eq(hk4(g.v[0], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000014);
	expect_eq(hk(g.v[0], H_EOI, 0xff000014, 0), H_SUCCESS);
	expect_eq(src(g.dev, 20), PRIO(5));
	expect_eq(icp(g.v[0]), ICP(0xff, 0, 0xff, 0xff));
	/* nothing pending: XIRR is the CPPR alone, nothing changes */
	expect_eq(hk4(g.v[0], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000000);
	/* H_EOI of a source in no ICS: H_PARAMETER, after the CPPR is set */
	expect_eq(hk(g.v[0], H_EOI, 0x80000000 | 5000, 0), H_PARAMETER);
	expect_eq(icp(g.v[0]), ICP(0x80, 0, 0xff, 0xff));
}

/*
 * An LSI holds P while its line is high: H_EOI presents it again; the
 * line going low clears P, and the next EOI presents nothing.
 */
static void t_xg_lsi_flow(const struct abi_test *t)
{
	struct xg g;
	struct ppc_hc h;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(set_src(g.dev, 30, PRIO(4) | 1 | KVM_XICS_LEVEL_SENSITIVE), 0);
	expect_eq(irq_line_status(g.vm, 30, 1), 0);
	expect_eq(icp(g.v[1]), ICP(0xff, 30, 0xff, 4));
	expect_eq(irq_line_status(g.vm, 30, 1), 0); /* already set: nothing */
	expect_eq(hk4(g.v[1], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff00001e);
	expect_eq(hk(g.v[1], H_EOI, 0xff00001e, 0), H_SUCCESS);
	expect_eq(icp(g.v[1]), ICP(0xff, 30, 0xff, 4));
	expect_eq(hk4(g.v[1], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(irq_line_status(g.vm, 30, 0), 0);
	expect_eq(src(g.dev, 30), PRIO(4) | 1 | KVM_XICS_LEVEL_SENSITIVE);
	expect_eq(hk(g.v[1], H_EOI, 0xff00001e, 0), H_SUCCESS);
	expect_eq(icp(g.v[1]), ICP(0xff, 0, 0xff, 0xff));
}

/*
 * H_IPI sets a server's MFRR (H_PARAMETER for a server no ICP has): an
 * MFRR above the CPPR is presented as XISR 2 and rejects a pending source
 * (resent later); H_IPOLL reads any ICP without side effects; an IPI has
 * no EOI at the ICS, and the EOI's CPPR lets the rejected source back.
 */
static void t_xg_ipi(const struct abi_test *t)
{
	struct xg g;
	struct ppc_hc h;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(hk(g.v[0], H_IPI, 7, 5), H_PARAMETER);
	expect_eq(hk(g.v[0], H_IPOLL, 7, 0), H_PARAMETER);
	expect_eq(set_src(g.dev, 20, PRIO(5) | 1), 0);
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	expect_eq(icp(g.v[1]), ICP(0xff, 20, 0xff, 5));
	/* an IPI at 3 displaces source 20, which waits for a resend */
	expect_eq(hk(g.v[0], H_IPI, 1, 3), H_SUCCESS);
	expect_eq(icp(g.v[1]), ICP(0xff, XICS_IPI, 3, 3));
	expect_eq(src(g.dev, 20), PRIO(5) | 1 | KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	expect_eq(hk4(g.v[0], H_IPOLL, 1, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000002);
	expect_eq(h.r5, 3);
	expect_eq(icp(g.v[1]), ICP(0xff, XICS_IPI, 3, 3));
	expect_eq(hk4(g.v[1], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000002);
	expect_eq(icp(g.v[1]), ICP(3, 0, 3, 0xff));
	/* clearing the MFRR resends 20, which the CPPR still refuses */
	expect_eq(hk(g.v[1], H_IPI, 1, 0xff), H_SUCCESS);
	expect_eq(icp(g.v[1]), ICP(3, 0, 0xff, 0xff));
	/* the IPI's EOI restores the CPPR and presents 20 */
	expect_eq(hk(g.v[1], H_EOI, 0xff000002, 0), H_SUCCESS);
	expect_eq(icp(g.v[1]), ICP(0xff, 20, 0xff, 5));
	expect_eq(src(g.dev, 20), PRIO(5) | 1 | KVM_XICS_PRESENTED);
	/* an IPI to oneself, less favoured than the pending source: not presented */
	expect_eq(hk(g.v[1], H_IPI, 1, 6), H_SUCCESS);
	expect_eq(icp(g.v[1]), ICP(0xff, 20, 6, 5));
}

/*
 * H_CPPR: raising the priority rejects a pending interrupt it masks (the
 * source is resent later); lowering it again presents it; the same value
 * changes nothing.
 */
static void t_xg_cppr(const struct abi_test *t)
{
	struct xg g;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(set_src(g.dev, 20, PRIO(5)), 0);
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	expect_eq(icp(g.v[0]), ICP(0xff, 20, 0xff, 5));
	expect_eq(hk(g.v[0], H_CPPR, 5, 0), H_SUCCESS);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	expect_eq(src(g.dev, 20), PRIO(5) | KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	expect_eq(hk(g.v[0], H_CPPR, 5, 0), H_SUCCESS);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	expect_eq(hk(g.v[0], H_CPPR, 6, 0), H_SUCCESS);
	expect_eq(icp(g.v[0]), ICP(6, 20, 0xff, 5));
	expect_eq(src(g.dev, 20), PRIO(5) | KVM_XICS_PRESENTED);
}

/*
 * H_XIRR_X: H_XIRR's answer in r4 and the timebase in r5, which moves on.
 */
static void t_xg_xirr_x(const struct abi_test *t)
{
	struct xg g;
	struct ppc_hc a, b;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(set_src(g.dev, 20, PRIO(5)), 0);
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	expect_eq(hk4(g.v[0], H_XIRR_X, 0, 0, &a), H_SUCCESS);
	expect_eq(a.r4, 0xff000014);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	usleep(2000);
	expect_eq(hk4(g.v[0], H_XIRR_X, 0, 0, &b), H_SUCCESS);
	expect_eq(b.r4, 0x05000000);
	expect_true(a.r5 != 0 && b.r5 > a.r5);
}

/* A hypercall that exits: KVM_EXIT_PAPR_HCALL with the number and r4-r7. */
#define expect_papr_exit(vcpu, nr) expect_papr_exit_r4(vcpu, nr, 11)
static void expect_papr_exit_r4(int vcpu, __u64 nr, __u64 r4)
{
	struct kvm_run *run = map_run(vcpu);
	struct ppc_hc h = ppc_hcall(vcpu, nr, r4, 12, 13, 14);

	if (!run)
		return;
	expect_eq(h.err, 0);
	expect_eq(h.result, KVM_EXT_RESULT_EXIT);
	expect_eq(run->exit_reason, KVM_EXIT_PAPR_HCALL);
	expect_eq(run->papr_hcall.nr, nr);
	expect_eq(run->papr_hcall.args[0], r4);
	expect_eq(run->papr_hcall.args[3], 14);
	expect_eq(run->papr_hcall.args[4], 0);
	expect_eq(h.r3, nr); /* the registers as they were */
	expect_eq(h.r4, r4);
}

/*
 * What the kernel does not handle goes to the VMM as KVM_EXIT_PAPR_HCALL:
 * the XICS hypercalls of a vCPU with no ICP (kvmppc_xics_enabled()),
 * H_RTAS without tokens, hypercalls kvm_ext does not implement, and ones
 * the VMM disabled (KVM_CAP_PPC_ENABLE_HCALL).
 */
static void t_xg_to_vmm(const struct abi_test *t)
{
	int vm = new_vm(0), v = runnable_vcpu(vm, 0);
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_ENABLE_HCALL, .args = { H_XIRR, 0 } };
	struct xg g;

	(void)t;
	if (skip_xics_on_xive())
		return;
	expect_papr_exit(v, H_XIRR);
	expect_papr_exit(v, H_IPI);
	expect_papr_exit(v, H_RTAS);
	expect_papr_exit(v, 0x4);	/* H_REMOVE: hash MMU, not modelled */
	expect_papr_exit(v, 0x1234);	/* nothing */
	if (!xg_setup(&g))
		return;
	expect_errno(ioctl(g.vm, KVM_ENABLE_CAP, &c), 0);
	expect_papr_exit(g.v[0], H_XIRR);
	expect_eq(hk(g.v[0], H_CPPR, 0xff, 0), H_SUCCESS);
	c.args[1] = 1;
	expect_errno(ioctl(g.vm, KVM_ENABLE_CAP, &c), 0);
	expect_eq(hk(g.v[0], H_XIRR, 0, 0), H_SUCCESS);
}

/*
 * KVM_CAP_PPC_ENABLE_HCALL (kvm_vm_ioctl_enable_cap()): a number above
 * MAX_HCALL_OPCODE, not a multiple of 4, or one the host does not
 * implement, and an enable other than 0 or 1, are -EINVAL.
 */
static void t_xg_enable_hcall(const struct abi_test *t)
{
	int vm = new_vm(0);
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_ENABLE_HCALL };
	static const __u64 bad[][2] = { { 0x460, 1 }, { 0x66, 1 }, { H_XIRR, 2 },
					{ 0x78, 1 }, { H_RTAS, 1 }, { 0x30, 0 } };
	size_t i;

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_PPC_ENABLE_HCALL), 1);
	expect_eq(check_ext(vm, KVM_CAP_PPC_ENABLE_HCALL), 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c.args[0] = bad[i][0];
		c.args[1] = bad[i][1];
		expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), EINVAL);
	}
	c.args[0] = 0x31c; /* H_SET_MODE */
	c.args[1] = 1;
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), 0);
	c.args[1] = 0;
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), 0);
	c.args[0] = 0x448; /* H_RPT_INVALIDATE */
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), 0);
}

static int define_token(int vm, const char *name, __u64 token)
{
	struct kvm_ext_rtas_token_args a = { .token = token };

	strncpy(a.name, name, sizeof(a.name));
	return ioctl(vm, KVM_EXT_PPC_RTAS_DEFINE_TOKEN, &a) ? -errno : 0;
}

/*
 * KVM_PPC_RTAS_DEFINE_TOKEN: -EFAULT; a token already defined -EEXIST,
 * before an unknown name's -ENOENT; token 0 undefines, never an error.
 */
static void t_xg_rtas_define(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_PPC_RTAS), 1);
	expect_errno(ioctl(vm, KVM_EXT_PPC_RTAS_DEFINE_TOKEN, g_bad_ptr), EFAULT);
	expect_eq(define_token(vm, "ibm,nothing", 1), -ENOENT);
	expect_eq(define_token(vm, "ibm,set-xive", 1), 0);
	expect_eq(define_token(vm, "ibm,get-xive", 1), -EEXIST);
	expect_eq(define_token(vm, "ibm,nothing", 1), -EEXIST);
	expect_eq(define_token(vm, "ibm,get-xive", 2), 0);
	/* a name defined twice under two tokens */
	expect_eq(define_token(vm, "ibm,get-xive", 3), 0);
	expect_eq(define_token(vm, "ibm,nothing", 0), 0);
	expect_eq(define_token(vm, "ibm,set-xive", 0), 0);
	expect_eq(define_token(vm, "ibm,set-xive", 0), 0);
	expect_eq(define_token(vm, "ibm,int-on", 1), 0);
	expect_eq(define_token(vm, "ibm,int-off", 4), 0);
}

/* rtas_args in guest RAM at RAM_GPA: big-endian words. */
struct rtas_args {
	__u32 token, nargs, nret;
	__u32 args[16];
	__u64 rets;
};

static __u32 be(__u32 v)
{
	return __builtin_bswap32(v);
}

/* One RTAS call through H_RTAS; returns rets[0] (0, -3), rets in out. */
static int rtas(struct xg *g, __u32 token, __u32 nargs, __u32 nret, const __u32 *args,
		__u32 *out)
{
	struct rtas_args *a = (struct rtas_args *)g->ram;
	__u32 i;

	memset(a, 0, sizeof(*a));
	a->token = be(token);
	a->nargs = be(nargs);
	a->nret = be(nret);
	a->rets = 0x1122334455667788ULL;
	for (i = 0; i < nargs; i++)
		a->args[i] = be(args[i]);
	if (hk(g->v[0], H_RTAS, 0xf000000000000000ULL | RAM_GPA, 0) != H_SUCCESS)
		return 1;
	expect_eq(a->rets, 0x1122334455667788ULL);
	for (i = 0; out && i < nret; i++)
		out[i] = be(a->args[nargs + i]);
	return (int)be(a->args[nargs]);
}

/*
 * H_RTAS (kvmppc_rtas_hcall()): r4 without its top 4 bits is the args'
 * guest address; a defined token runs its call, whose wrong nargs/nret,
 * or an XICS refusal, answer -3. ibm,set-xive sets server and priority,
 * ibm,int-off masks keeping the priority, ibm,int-on restores it and
 * delivers what arrived meanwhile; ibm,get-xive reads both. nargs of 16 or
 * more, or args outside RAM, fail the call itself (-EINVAL, -EFAULT); an
 * unknown token goes to the VMM.
 */
static void t_xg_rtas_calls(const struct abi_test *t)
{
	struct xg g;
	__u32 out[3];
	struct ppc_hc h;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(define_token(g.vm, "ibm,set-xive", 10), 0);
	expect_eq(define_token(g.vm, "ibm,get-xive", 11), 0);
	expect_eq(define_token(g.vm, "ibm,int-off", 12), 0);
	expect_eq(define_token(g.vm, "ibm,int-on", 13), 0);
	expect_eq(set_src(g.dev, 20, PRIO(0xff)), 0);
	expect_eq(rtas(&g, 10, 3, 1, (__u32[]){ 20, 1, 4 }, NULL), 0);
	expect_eq(src(g.dev, 20), PRIO(4) | 1);
	expect_eq(rtas(&g, 11, 1, 3, (__u32[]){ 20 }, out), 0);
	expect_eq(out[1], 1);
	expect_eq(out[2], 4);
	expect_eq(rtas(&g, 12, 1, 1, (__u32[]){ 20 }, NULL), 0);
	expect_eq(src(g.dev, 20), PRIO(4) | 1 | KVM_XICS_MASKED);
	expect_eq(rtas(&g, 11, 1, 3, (__u32[]){ 20 }, out), 0);
	expect_eq(out[2], 0xff);
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	expect_eq(icp(g.v[1]), ICP(0xff, 0, 0xff, 0xff));
	expect_eq(rtas(&g, 13, 1, 1, (__u32[]){ 20 }, NULL), 0);
	expect_eq(icp(g.v[1]), ICP(0xff, 20, 0xff, 4));
	/* -3: wrong counts, a server with no ICP, a source in no ICS */
	expect_eq(rtas(&g, 10, 2, 1, (__u32[]){ 20, 1 }, NULL), -3);
	expect_eq(rtas(&g, 10, 3, 1, (__u32[]){ 20, 9, 4 }, NULL), -3);
	expect_eq(rtas(&g, 11, 1, 3, (__u32[]){ 5000 }, NULL), -3);
	expect_eq(src(g.dev, 20), PRIO(4) | 1 | KVM_XICS_PRESENTED);
	/* the call itself fails */
	((struct rtas_args *)g.ram)->nargs = be(16);
	h = ppc_hcall(g.v[0], H_RTAS, RAM_GPA, 0, 0, 0);
	expect_eq(h.err, EINVAL);
	h = ppc_hcall(g.v[0], H_RTAS, RAM_GPA + RAM_SIZE, 0, 0, 0);
	expect_eq(h.err, EFAULT);
	((struct rtas_args *)g.ram)->nargs = be(1);
	((struct rtas_args *)g.ram)->token = be(99);
	expect_papr_exit_r4(g.v[0], H_RTAS, RAM_GPA);
}

/*
 * An idle vCPU in KVM_RUN wakes when its ICP presents an interrupt
 * (KVM_EXIT_EXT_INTERRUPT), from KVM_IRQ_LINE and from an irqfd (GSI n is
 * source n: book3s has no GSI routing).
 */
static void t_xg_wakes(const struct abi_test *t)
{
	struct kvm_irqfd fd = { .gsi = 21 };
	struct xg g;
	struct runner r;
	__u64 one = 1;
	int i, efd = new_eventfd();

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&g))
		return;
	expect_eq(set_src(g.dev, 20, PRIO(5)), 0);
	expect_eq(set_src(g.dev, 21, PRIO(5)), 0);
	fd.fd = (__u32)efd;
	expect_errno(ioctl(g.vm, KVM_IRQFD, &fd), 0);
	if (!runner_start(&r, g.v[0], map_run(g.v[0])))
		return;
	expect_eq(irq_line_status(g.vm, 20, 1), 0);
	for (i = 0; i < 500 && !runner_done(&r); i++)
		sleep_ms(10);
	runner_stop(&r);
	expect_eq(r.ret, 0);
	expect_eq(r.reason, KVM_EXIT_EXT_INTERRUPT);
	expect_eq(hk(g.v[0], H_XIRR, 0, 0), H_SUCCESS);
	expect_eq(hk(g.v[0], H_EOI, 0xff000014, 0), H_SUCCESS);
	if (!runner_start(&r, g.v[0], map_run(g.v[0])))
		return;
	expect_eq(write(efd, &one, sizeof(one)), (long)sizeof(one));
	for (i = 0; i < 500 && !runner_done(&r); i++)
		sleep_ms(10);
	runner_stop(&r);
	expect_eq(r.reason, KVM_EXIT_EXT_INTERRUPT);
	expect_eq(icp(g.v[0]), ICP(0xff, 21, 0xff, 5));
}

/*
 * irqfds on book3s: not before the VM has its XICS
 * (kvm_arch_intc_initialized(): -EAGAIN), and
 * with KVM_IRQFD_FLAG_RESAMPLE an LSI's level: the write raises the line,
 * and the guest's H_EOI (ics_eoi()) presents the still-high LSI again,
 * then acknowledges it (kvm_notify_acked_irq()), which lowers the line
 * and signals the resample eventfd.
 */
static void t_xg_irqfd_resample(const struct abi_test *t)
{
	int vm = new_vm(0), efd = new_eventfd(), rfd = new_eventfd();
	struct kvm_irqfd fd = { .gsi = 30, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	__u64 one = 1;
	struct xg g;
	struct ppc_hc h;

	(void)t;
	if (skip_xics_on_xive())
		return;
	fd.fd = (__u32)efd;
	fd.resamplefd = (__u32)rfd;
	expect_errno(ioctl(vm, KVM_IRQFD, &fd), EAGAIN);
	if (!xg_setup(&g))
		return;
	expect_eq(set_src(g.dev, 30, PRIO(4) | 1 | KVM_XICS_LEVEL_SENSITIVE), 0);
	fd.flags = KVM_IRQFD_FLAG_RESAMPLE;
	expect_errno(ioctl(g.vm, KVM_IRQFD, &fd), 0);
	expect_eq(write(efd, &one, sizeof(one)), (long)sizeof(one));
	expect_eq(icp(g.v[1]), ICP(0xff, 30, 0xff, 4));
	expect_eq(src(g.dev, 30),
		  PRIO(4) | 1 | KVM_XICS_LEVEL_SENSITIVE | KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	expect_eq(hk4(g.v[1], H_XIRR, 0, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff00001e);
	expect_eq(eventfd_count(rfd), 0);
	expect_eq(hk(g.v[1], H_EOI, 0xff00001e, 0), H_SUCCESS);
	expect_eq(eventfd_count(rfd), 1);
	expect_eq(src(g.dev, 30), PRIO(4) | 1 | KVM_XICS_LEVEL_SENSITIVE);
	expect_eq(icp(g.v[1]), ICP(0xff, 30, 0xff, 4));
}

/*
 * Migration in QEMU's order (spapr: vCPUs connect at realize; the ICS's
 * sources, then each ICP's state): a VM in mid-flight (an interrupt in
 * service, one presented, one queued, one masked pending, an IPI) is
 * copied into a fresh VM, whose every source word and ICP state read back
 * as the original's.
 */
static void t_xg_migrate(const struct abi_test *t)
{
	static const __u64 irqs[] = { 20, 21, 22, 23, 1040 };
	struct xg a, b;
	__u64 words[ARRAY_SIZE(irqs)], icps[NVCPU];
	size_t i;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!xg_setup(&a) || !xg_setup(&b))
		return;
	expect_eq(set_src(a.dev, 20, PRIO(5)), 0);
	expect_eq(set_src(a.dev, 21, PRIO(3) | 1), 0);
	expect_eq(set_src(a.dev, 22, PRIO(6) | KVM_XICS_MASKED), 0);
	expect_eq(set_src(a.dev, 23, PRIO(2) | KVM_XICS_LEVEL_SENSITIVE), 0);
	expect_eq(set_src(a.dev, 1040, PRIO(0xff)), 0);
	expect_eq(irq_line_status(a.vm, 20, 1), 0);
	expect_eq(hk(a.v[0], H_XIRR, 0, 0), H_SUCCESS); /* 20 in service, CPPR 5 */
	expect_eq(irq_line_status(a.vm, 20, 1), 0);	/* queued */
	expect_eq(irq_line_status(a.vm, 21, 1), 0);	/* presented on server 1 */
	expect_eq(irq_line_status(a.vm, 22, 1), 0);	/* masked pending */
	expect_eq(hk(a.v[1], H_IPI, 0, 4), H_SUCCESS);	/* IPI at 4 on server 0 */
	for (i = 0; i < ARRAY_SIZE(irqs); i++)
		words[i] = src(a.dev, irqs[i]);
	for (i = 0; i < NVCPU; i++)
		icps[i] = icp(a.v[i]);
	expect_eq(icps[0], ICP(5, XICS_IPI, 4, 4));
	for (i = 0; i < ARRAY_SIZE(irqs); i++)
		expect_eq(set_src(b.dev, irqs[i], words[i]), 0);
	for (i = 0; i < NVCPU; i++)
		expect_eq(icp_put(b.v[i], icps[i]), 0);
	for (i = 0; i < ARRAY_SIZE(irqs); i++)
		expect_eq(src(b.dev, irqs[i]), words[i]);
	for (i = 0; i < NVCPU; i++)
		expect_eq(icp(b.v[i]), icps[i]);
	/* and it goes on: the IPI taken, cleared and EOI'd, 20 comes back from Q */
	expect_eq(hk(b.v[0], H_XIRR, 0, 0), H_SUCCESS);
	expect_eq(hk(b.v[0], H_IPI, 0, 0xff), H_SUCCESS);
	expect_eq(hk(b.v[0], H_EOI, 0x05000002, 0), H_SUCCESS);
	expect_eq(hk(b.v[0], H_EOI, 0xff000014, 0), H_SUCCESS);
	expect_eq(icp(b.v[0]), ICP(0xff, 20, 0xff, 5));
}

#define X M_PPC
#define E T_EXT
static const struct abi_test xics_guest_tests[] = {
	{ "XICS KVM_IRQ_LINE(_STATUS): 0 with the status in irq (-EINVAL: no source), "
	  "MSI P then Q, level 0 ignored, SET/SET_LEVEL/UNSET",
	  "api.rst 4.25 KVM_IRQ_LINE, devices/xics.rst", t_xg_irq_line, X, E, 0, 0 },
	{ "XICS MSI through the ICP: presented, H_XIRR, queued while in service, H_EOI "
	  "presents it again, H_PARAMETER for a source in no ICS",
	  REF_XICS, t_xg_msi_flow, X, E, 0, 0 },
	{ "XICS LSI: held while high, presented again at H_EOI, lowered by level 0",
	  REF_XICS, t_xg_lsi_flow, X, E, 0, 0 },
	{ "XICS H_IPI/H_IPOLL: H_PARAMETER, IPI presented and rejecting a source, resent at "
	  "the EOI's CPPR",
	  REF_XICS, t_xg_ipi, X, E, 0, 0 },
	{ "XICS H_CPPR: up rejects (resend), down presents, same does nothing", REF_XICS,
	  t_xg_cppr, X, E, 0, 0 },
	{ "XICS H_XIRR_X: XIRR in r4, the timebase in r5", REF_XICS, t_xg_xirr_x, X, E, 0, 0 },
	{ "ppc hypercalls to the VMM (KVM_EXIT_PAPR_HCALL): no ICP, H_RTAS without tokens, "
	  "not handled, disabled by KVM_CAP_PPC_ENABLE_HCALL",
	  "api.rst 5 KVM_EXIT_PAPR_HCALL, 7.x KVM_CAP_PPC_ENABLE_HCALL", t_xg_to_vmm, X, E, 0,
	  0 },
	{ "KVM_CAP_PPC_ENABLE_HCALL: 1; -EINVAL for number, alignment, not implemented, enable "
	  "> 1",
	  "api.rst 7.x KVM_CAP_PPC_ENABLE_HCALL", t_xg_enable_hcall, X, 0, 0, 0 },
	{ "KVM_PPC_RTAS_DEFINE_TOKEN: -EFAULT, -EEXIST before -ENOENT, token 0 undefines",
	  REF_RTAS, t_xg_rtas_define, X, 0, 0, 0 },
	{ "H_RTAS: ibm,set-xive/get-xive/int-off/int-on from guest RAM, -3, -EINVAL, -EFAULT, "
	  "unknown token to the VMM",
	  REF_RTAS, t_xg_rtas_calls, X, E, 0, 0 },
	{ "XICS: a vCPU idle in KVM_RUN wakes for its ICP (KVM_IRQ_LINE, irqfd)", REF_XICS,
	  t_xg_wakes, X, E, 0, 0 },
	{ "XICS irqfds: -EAGAIN without an XICS; RESAMPLE: an LSI held until H_EOI, which "
	  "presents it again, then lowers it and signals the resamplefd",
	  "api.rst 4.75 KVM_IRQFD, devices/xics.rst", t_xg_irqfd_resample, X, E, 0, 0 },
	{ "XICS migration in QEMU's order (sources, then ICPs) into a fresh VM: word for word, "
	  "and it goes on",
	  "devices/xics.rst", t_xg_migrate, X, E, 0, 0 },
};

TEST_GROUP(xics_guest);
