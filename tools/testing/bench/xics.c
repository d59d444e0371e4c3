// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_xics: the XICS (ppc node, on the host ppc_host names:
 * the POWER8's XICS emulation, the POWER9's XICS-on-XIVE) against the
 * ioctl floor, timed interleaved in one run (absolute times are context
 * only: TCG).
 *
 * (a) An interrupt's round trip on one vCPU: KVM_IRQ_LINE raises an MSI
 *     source served by vCPU 0, the guest (KVM_EXT_GUEST_ACCESS) accepts it
 *     with H_XIRR and completes it with H_EOI: three ioctls, against three
 *     no-op ioctls.
 * (b) The per-source cost of saving and restoring source words (one
 *     KVM_GET_DEVICE_ATTR and one KVM_SET_DEVICE_ATTR per source, as a VMM
 *     migrates the ICS) on an XICS with 1 source and on one with 65536
 *     (64 ICS blocks): the ratio shows whether a source's cost grows with
 *     the number of sources (target <= 1.25x).
 *
 * usage: kvm_ext_bench_xics [NODE] [ROUNDS]; exit 2 if (b) misses its target.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"
#include <linux/kvm_ext.h>

#define NOOP_BATCH 3000
#define RT_BATCH 1000
#define MANY 65536
#define FIRST 16
#define SRC 20
#define H_EOI 0x64
#define H_XIRR 0x74
#define TARGET 1.25

struct xvm {
	int vm, dev, vcpu, noop;
};

static int src_op(int dev, unsigned long op, __u64 irq, __u64 *word)
{
	struct kvm_device_attr a = { .group = KVM_DEV_XICS_GRP_SOURCES, .attr = irq,
				     .addr = (unsigned long)word };

	return ioctl(dev, op, &a);
}

static int hcall(int vcpu, __u64 nr, __u64 r4, __u64 *r4_out)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_HYPERCALL, .addr = nr,
					  .len = 8, .data = r4 };

	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL || a.data)
		return -1;
	if (r4_out)
		*r4_out = a.args[0];
	return 0;
}

/* A VM with an XICS, vCPU 0 in PAPR mode as server 0 at CPPR 0xff, n sources. */
static int xvm_new(int sys, int n, struct xvm *x)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	struct kvm_create_device vfio = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct kvm_enable_cap conn = { .cap = KVM_CAP_IRQ_XICS };
	__u64 icp = 0xffULL << 56 | 0xffULL << 24 | 0xffULL << 16, word;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_ICP_STATE, .addr = (unsigned long)&icp };
	int i;

	x->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (x->vm < 0 || ioctl(x->vm, KVM_CREATE_DEVICE, &cd) ||
	    ioctl(x->vm, KVM_CREATE_DEVICE, &vfio))
		return -1;
	x->dev = (int)cd.fd;
	x->noop = (int)vfio.fd;
	conn.args[0] = (__u64)x->dev;
	x->vcpu = ioctl(x->vm, KVM_CREATE_VCPU, 0);
	if (x->vcpu < 0 || ioctl(x->vcpu, KVM_ENABLE_CAP, &papr) ||
	    ioctl(x->vcpu, KVM_ENABLE_CAP, &conn) || ioctl(x->vcpu, KVM_SET_ONE_REG, &reg))
		return -1;
	for (i = 0; i < n; i++) {
		word = 5ULL << KVM_XICS_PRIORITY_SHIFT;
		if (src_op(x->dev, KVM_SET_DEVICE_ATTR, FIRST + (__u64)i, &word))
			return -1;
	}
	return 0;
}

static int round_trip(struct xvm *x)
{
	struct kvm_irq_level line = { .irq = SRC, .level = 1 };
	__u64 xirr = 0;

	if (ioctl(x->vm, KVM_IRQ_LINE, &line) || hcall(x->vcpu, H_XIRR, 0, &xirr) ||
	    xirr != (0xff000000u | SRC))
		return 1;
	return hcall(x->vcpu, H_EOI, xirr, NULL) != 0;
}

/* Save and restore the words of n sources: 2n ioctls. */
static int save_restore(struct xvm *x, int n)
{
	__u64 word;
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		bad += src_op(x->dev, KVM_GET_DEVICE_ATTR, FIRST + (__u64)i, &word) != 0;
		bad += src_op(x->dev, KVM_SET_DEVICE_ATTR, FIRST + (__u64)i, &word) != 0;
	}
	return bad;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/ppc";
	int rounds = argc > 2 ? atoi(argv[2]) : 31;
	struct xvm one, many;
	double *noop, *rt, *s1, *sn;
	int sys, i, j, bad = 0;
	double r_rt, r_src;
	char model[16];
	FILE *host;

	sys = open(node, O_RDWR);
	if (sys < 0 || xvm_new(sys, 8, &one) || xvm_new(sys, MANY, &many)) {
		perror(node);
		return 1;
	}
	/* Every path must do what it claims before it is timed. */
	if (round_trip(&one) || round_trip(&many) || save_restore(&one, 1) ||
	    save_restore(&many, MANY) || ioctl(one.noop, _IO(KVMIO, 0xee)) != -1 ||
	    errno != ENOTTY) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}
	noop = calloc(rounds, sizeof(*noop));
	rt = calloc(rounds, sizeof(*rt));
	s1 = calloc(rounds, sizeof(*s1));
	sn = calloc(rounds, sizeof(*sn));
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns(), t1, t2, t3;

		for (j = 0; j < NOOP_BATCH; j++)
			ioctl(one.noop, _IO(KVMIO, 0xee));
		t1 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += round_trip(&one);
		t2 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += save_restore(&one, 1);
		t3 = now_ns();
		/* every round saves a different 1/rounds of the 65536 */
		for (j = 0; j < MANY / 64; j++) {
			__u64 w, irq = FIRST + (__u64)((j * 64 + i) % MANY);

			bad += src_op(many.dev, KVM_GET_DEVICE_ATTR, irq, &w) != 0;
			bad += src_op(many.dev, KVM_SET_DEVICE_ATTR, irq, &w) != 0;
		}
		sn[i] = (now_ns() - t3) / (MANY / 64);
		noop[i] = (t1 - t0) / NOOP_BATCH;
		rt[i] = (t2 - t1) / RT_BATCH;
		s1[i] = (t3 - t2) / RT_BATCH;
	}
	if (bad) {
		fprintf(stderr, "%d operations failed while timed\n", bad);
		return 1;
	}
	host = fopen("/sys/module/kvm_ext/parameters/ppc_host", "r");
	if (!host || !fgets(model, sizeof(model), host))
		strcpy(model, "?");
	if (host)
		fclose(host);
	model[strcspn(model, "\n")] = 0;
	r_rt = median(rt, rounds) / median(noop, rounds);
	r_src = median(sn, rounds) / median(s1, rounds);
	printf("xics (%s): no-op ioctl %.0f ns (floor); KVM_IRQ_LINE + H_XIRR + H_EOI %.0f ns = "
	       "%.2fx the floor (%.2fx three no-ops)\n",
	       model, median(noop, rounds), median(rt, rounds), r_rt, r_rt / 3);
	printf("xics (%s): source save+restore %.0f ns with 1 source, %.0f ns with %d: %.2fx "
	       "(target <= %.2fx)\n",
	       model, median(s1, rounds), median(sn, rounds), MANY, r_src, TARGET);
	return r_src > TARGET ? 2 : 0;
}
