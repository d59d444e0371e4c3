// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_s390_flic: the s390 FLIC against the ioctl floor, timed
 * interleaved in one run (absolute times are context only: TCG). The
 * machine is shared, and a call long enough to span the host's scheduler
 * slices measures the other load as much as kvm_ext, so each round keeps
 * the fastest of several blocks of each measurement (the floor in blocks
 * of 300 no-ops too), and the rounds give medians.
 *
 * (a) A VMM's FLIC migration per interrupt (issue 24's target): one cycle
 *     is KVM_DEV_FLIC_ENQUEUE of N I/O interrupts (the restore), then
 *     KVM_DEV_FLIC_GET_ALL_IRQS of them (the save), then CLEAR_IRQS (so
 *     that every cycle starts empty): three ioctls, whatever N. Their
 *     fixed part F is the same cycle with nothing in it (an ENQUEUE of 0
 *     bytes, GET_ALL_IRQS of the empty FLIC into a one-entry buffer,
 *     CLEAR_IRQS). An interrupt's cost with N pending is
 *     c(N) = (T(N) - F) / N: what the interrupt itself adds (its
 *     allocation, its 72 bytes copied in and out, its place in the queue,
 *     its free), so the ratio c(4096) / c(1) says whether an interrupt
 *     costs more when 4095 others are pending (target <= 1.25x; the
 *     median of the rounds' ratios). F and T(1) alternate in blocks of 10
 *     cycles; T(4096) is the sum of each call's fastest over 16 cycles.
 *     T(N) / N / T(1), which counts F once per call and so falls with N
 *     whatever the queue does, is printed too.
 * (b) An interrupt's round trip on one vCPU: KVM_S390_INTERRUPT injects an
 *     I/O interrupt on ISC 3 and the guest takes it
 *     (KVM_EXT_GUEST_ACCESS, KVM_EXT_ACCESS_INTERRUPT, the PSW's I/O bit
 *     and CR6 enabling ISC 3 only): two ioctls, on a FLIC with nothing
 *     else pending and on one with 4096 interrupts pending on ISC 7, which
 *     CR6 disables, so the guest must pass over them; in blocks of 50.
 *
 * usage: kvm_ext_bench_s390_flic [NODE] [ROUNDS]; exit 2 if (a) misses its
 * target.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"
#include <linux/kvm_ext.h>

#define NOOP_BATCH 3000
#define NOOP_BLOCK 300
#define SMALL_BATCH 500
#define BLOCK 10
#define MANY_CYCLES 16
#define RT_BATCH 1000
#define RT_BLOCK 50
#define MANY 4096
#define TARGET 1.25
#define CR6_ISC(isc) ((__u64)(0x80 >> (isc)) << 24)

struct svm {
	int vm, flic, vcpu, noop;
	struct kvm_run *run;
};

static struct kvm_s390_irq in[MANY], out[MANY];

static int flic_op(int flic, unsigned long op, __u32 group, __u64 a, void *buf)
{
	struct kvm_device_attr at = { .group = group, .attr = a, .addr = (unsigned long)buf };

	return ioctl(flic, op, &at);
}

static double lower(double x, double y)
{
	return x < y ? x : y;
}

/* A VM with a FLIC, a VFIO device (the floor's fd) and vCPU 0 enabled for ISC 3's I/O. */
static int svm_new(int sys, struct svm *s)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FLIC };
	struct kvm_create_device vfio = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_ext_s390_sregs sr;
	long runsz = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);

	s->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (s->vm < 0 || ioctl(s->vm, KVM_CREATE_DEVICE, &cd) ||
	    ioctl(s->vm, KVM_CREATE_DEVICE, &vfio))
		return -1;
	s->flic = (int)cd.fd;
	s->noop = (int)vfio.fd;
	s->vcpu = ioctl(s->vm, KVM_CREATE_VCPU, 0);
	if (s->vcpu < 0 || ioctl(s->vcpu, KVM_EXT_S390_GET_SREGS, &sr))
		return -1;
	sr.crs[6] = CR6_ISC(3);
	if (ioctl(s->vcpu, KVM_EXT_S390_SET_SREGS, &sr))
		return -1;
	s->run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	if (s->run == MAP_FAILED)
		return -1;
	*(__u64 *)((char *)s->run + KVM_EXT_S390_RUN_PSW_MASK) = KVM_EXT_S390_PSW_MASK_IO;
	return 0;
}

/*
 * ENQUEUE of n interrupts, GET_ALL_IRQS into a buffer of max(n, 1)
 * entries, CLEAR_IRQS; each call's time into t[0..2] if t. Nonzero if
 * GET_ALL_IRQS does not give n back.
 */
static int cycle(int flic, int n, double *t)
{
	double t0 = t ? now_ns() : 0, t1, t2;
	int r;

	if (flic_op(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE, (__u64)n * sizeof(in[0]), in))
		return 1;
	t1 = t ? now_ns() : 0;
	r = flic_op(flic, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_GET_ALL_IRQS,
		    (__u64)(n ? n : 1) * sizeof(out[0]), out);
	t2 = t ? now_ns() : 0;
	r = (r != n) + (flic_op(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_CLEAR_IRQS, 0, NULL) != 0);
	if (t) {
		t[0] = t1 - t0;
		t[1] = t2 - t1;
		t[2] = now_ns() - t2;
	}
	return r;
}

/* KVM_S390_INTERRUPT of subchannel 0x42's I/O on ISC 3, taken by the guest. */
static int round_trip(struct svm *s)
{
	struct kvm_s390_interrupt irq = { .type = KVM_S390_INT_IO(0, 0, 0, 0x42),
					  .parm = 0x00010042, .parm64 = 3U << 27 };
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_INTERRUPT };

	if (ioctl(s->vm, KVM_S390_INTERRUPT, &irq) || ioctl(s->vcpu, KVM_EXT_GUEST_ACCESS, &a))
		return 1;
	return a.result != KVM_EXT_RESULT_KERNEL || a.data != irq.type || a.args[0] != irq.parm;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/s390";
	int rounds = argc > 2 ? atoi(argv[2]) : 31;
	double *noop, *fix, *one, *many, *rt, *rt_loaded, *c1, *cn, *naive, *ratio_r;
	double f, r_rt, ratio;
	struct svm a, b;
	int sys, i, j, bad = 0;

	for (i = 0; i < MANY; i++) {
		in[i].type = KVM_S390_INT_IO(0, 0, 0, i);
		in[i].u.io.subchannel_id = 0x0001;
		in[i].u.io.subchannel_nr = (__u16)i;
		in[i].u.io.io_int_parm = 0x1000 + i;
		in[i].u.io.io_int_word = (__u32)(i % 8) << 27; /* every ISC */
	}
	sys = open(node, O_RDWR);
	if (sys < 0 || svm_new(sys, &a) || svm_new(sys, &b)) {
		perror(node);
		return 1;
	}
	/* b: 4096 interrupts pending on ISC 7, which its guest does not enable */
	for (i = 0; i < MANY; i++) {
		out[i] = in[i];
		out[i].u.io.io_int_word = 7U << 27;
	}
	if (flic_op(b.flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE, sizeof(out), out)) {
		perror("ENQUEUE");
		return 1;
	}
	/* Every path must do what it claims before it is timed. */
	if (cycle(a.flic, 0, NULL) || cycle(a.flic, 1, NULL) || cycle(a.flic, MANY, NULL) || round_trip(&a) ||
	    round_trip(&b) || ioctl(a.noop, _IO(KVMIO, 0xee)) != -1 || errno != ENOTTY) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}
	if (flic_op(a.flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE, sizeof(in), in) ||
	    flic_op(a.flic, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_GET_ALL_IRQS, sizeof(out), out) != MANY ||
	    flic_op(a.flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_CLEAR_IRQS, 0, NULL)) {
		fprintf(stderr, "the save of %d interrupts failed\n", MANY);
		return 1;
	}
	/* GET_ALL_IRQS lists by ISC, each ISC's in the order enqueued */
	for (i = 0, j = 0; i < MANY; i++)
		j += memcmp(&out[i], &in[(i % (MANY / 8)) * 8 + i / (MANY / 8)], sizeof(out[i])) != 0;
	if (j) {
		fprintf(stderr, "GET_ALL_IRQS: %d entries not as enqueued\n", j);
		return 1;
	}
	noop = calloc(rounds, sizeof(*noop));
	fix = calloc(rounds, sizeof(*fix));
	one = calloc(rounds, sizeof(*one));
	many = calloc(rounds, sizeof(*many));
	rt = calloc(rounds, sizeof(*rt));
	rt_loaded = calloc(rounds, sizeof(*rt_loaded));
	c1 = calloc(rounds, sizeof(*c1));
	cn = calloc(rounds, sizeof(*cn));
	naive = calloc(rounds, sizeof(*naive));
	ratio_r = calloc(rounds, sizeof(*ratio_r));
	for (i = 0; i < rounds; i++) {
		double ph[3], best[3] = { 1e18, 1e18, 1e18 };
		int k;

		noop[i] = fix[i] = one[i] = rt[i] = rt_loaded[i] = 1e18;
		for (j = 0; j < NOOP_BATCH; j += NOOP_BLOCK) {
			double b0 = now_ns();

			for (k = 0; k < NOOP_BLOCK; k++)
				ioctl(a.noop, _IO(KVMIO, 0xee));
			noop[i] = lower(noop[i], (now_ns() - b0) / NOOP_BLOCK);
		}
		/* F and T(1) alternate in blocks, so that both meet the same load */
		for (j = 0; j < SMALL_BATCH; j += BLOCK) {
			double b0 = now_ns(), b1, b2;

			for (k = 0; k < BLOCK; k++)
				bad += cycle(a.flic, 0, NULL);
			b1 = now_ns();
			for (k = 0; k < BLOCK; k++)
				bad += cycle(a.flic, 1, NULL);
			b2 = now_ns();
			fix[i] = lower(fix[i], (b1 - b0) / BLOCK);
			one[i] = lower(one[i], (b2 - b1) / BLOCK);
		}
		/* T(4096): each of its three calls at its fastest */
		for (j = 0; j < MANY_CYCLES; j++) {
			bad += cycle(a.flic, MANY, ph);
			for (k = 0; k < 3; k++)
				best[k] = lower(best[k], ph[k]);
		}
		many[i] = best[0] + best[1] + best[2];
		for (j = 0; j < RT_BATCH; j += RT_BLOCK) {
			double b0 = now_ns(), b1;

			for (k = 0; k < RT_BLOCK; k++)
				bad += round_trip(&a);
			b1 = now_ns();
			for (k = 0; k < RT_BLOCK; k++)
				bad += round_trip(&b);
			rt[i] = lower(rt[i], (b1 - b0) / RT_BLOCK);
			rt_loaded[i] = lower(rt_loaded[i], (now_ns() - b1) / RT_BLOCK);
		}
		c1[i] = one[i] - fix[i];
		cn[i] = (many[i] - fix[i]) / MANY;
		naive[i] = many[i] / MANY / one[i];
		ratio_r[i] = cn[i] / c1[i];
	}
	if (bad) {
		fprintf(stderr, "%d operations failed while timed\n", bad);
		return 1;
	}
	f = median(noop, rounds);
	r_rt = median(rt, rounds) / f;
	ratio = median(ratio_r, rounds);
	printf("s390 flic: no-op ioctl %.0f ns (floor); KVM_S390_INTERRUPT + guest take %.0f ns = "
	       "%.2fx the floor (%.2fx two no-ops)\n", f, median(rt, rounds), r_rt, r_rt / 2);
	printf("s390 flic: the same with %d pending on a disabled ISC %.0f ns = %.2fx the floor: "
	       "%.2fx the empty FLIC's\n", MANY, median(rt_loaded, rounds),
	       median(rt_loaded, rounds) / f, median(rt_loaded, rounds) / median(rt, rounds));
	printf("s390 flic: ENQUEUE + GET_ALL_IRQS + CLEAR_IRQS of 0 interrupts (F) %.0f ns = "
	       "%.2fx the floor; of 1 %.0f ns; of %d %.2f ms\n", median(fix, rounds),
	       median(fix, rounds) / f, median(one, rounds), MANY, median(many, rounds) / 1e6);
	printf("s390 flic: per interrupt, c(N) = (T(N) - F) / N: %.0f ns with 1, %.0f ns with "
	       "%d: c(%d) / c(1) %.2fx (target <= %.2fx); naive T(%d) / %d / T(1) %.3f\n",
	       median(c1, rounds), median(cn, rounds), MANY, MANY, ratio, TARGET, MANY, MANY,
	       median(naive, rounds));
	return ratio > TARGET ? 2 : 0;
}
