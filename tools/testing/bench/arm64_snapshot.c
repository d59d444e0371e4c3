// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_arm64_snapshot: the cost of a full register snapshot of
 * one arm64 vCPU (SVE at VL 512, pointer auth, PMU: what a VMM saves on
 * migration) against the ioctl floor, timed interleaved in one run. A snapshot is
 * KVM_GET_REG_LIST then KVM_GET_ONE_REG for every listed register. Prints
 * the snapshot / floor ratio and the per-ioctl ratio; absolute times are
 * context only (TCG).
 *
 * With --peer (the peer table, Documentation/performance.rst) the vector
 * lengths are the node's own up to VL 512 (KVM wants every length the host
 * has up to the maximum), each round times the fastest of three blocks of
 * three snapshots and the eventfd floor of bench.h, and peer lines are
 * printed: everything here is the standard ABI, so NODE may be /dev/kvm.
 *
 * usage: kvm_ext_bench_arm64_snapshot [--peer] [NODE] [ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"
#include <linux/kvm_ext.h>

#define NOOP_BATCH 2000
#define SNAP_BATCH 10
#define MAX_REGS 1024

static struct kvm_reg_list *list;
static unsigned char value[256];

/* One snapshot: 0, or the number of failed ioctls. */
static int snapshot(int vcpu)
{
	unsigned long long i;
	int bad = 0;

	list->n = MAX_REGS;
	if (ioctl(vcpu, KVM_GET_REG_LIST, list))
		return 1;
	for (i = 0; i < list->n; i++) {
		struct kvm_one_reg r = { .id = list->reg[i], .addr = (unsigned long)value };

		bad += ioctl(vcpu, KVM_GET_ONE_REG, &r) != 0;
	}
	return bad;
}

static int peer(const char *node, int vcpu, int rounds)
{
	double *fl = calloc(rounds, sizeof(double)), *snap = calloc(rounds, sizeof(double));
	int efd = peer_floor_fd(), bad = 0, i, b, j;
	char check[64];

	if (efd < 0)
		return perror("eventfd"), 1;
	for (i = 0; i < rounds; i++) {
		fl[i] = peer_floor(efd, 3);
		snap[i] = 1e300;
		for (b = 0; b < 3; b++) {
			double t0 = now_ns();

			for (j = 0; j < 3; j++)
				bad += snapshot(vcpu);
			t0 = (now_ns() - t0) / 3;
			if (t0 < snap[i])
				snap[i] = t0;
		}
	}
	if (bad) {
		fprintf(stderr, "%d register reads failed\n", bad);
		return 1;
	}
	double f = median(fl, rounds), s = median(snap, rounds);

	printf("register snapshot, peer mode (%s, %llu registers, %d rounds): %.0f ns, floor %.0f ns\n",
	       node, list->n, rounds, s, f);
	snprintf(check, sizeof(check), "%llu-regs", list->n);
	peer_line("snapshot", node, s, f, check);
	return 0;
}

int main(int argc, char **argv)
{
	int is_peer = peer_mode(&argc, &argv);
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/arm64";
	int rounds = argc > 2 ? atoi(argv[2]) : is_peer ? 15 : 51;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	unsigned long long vls[KVM_ARM64_SVE_VLS_WORDS] = { 0xb };
	struct kvm_one_reg r = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (unsigned long)vls };
	int sys, vm, dev, vcpu, sve = KVM_ARM_VCPU_SVE, bad = 0, i, j;
	double *noop, *snap;

	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2 | 1U << KVM_ARM_VCPU_PMU_V3 |
			   1U << KVM_ARM_VCPU_SVE | 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
			   1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	list = malloc(sizeof(*list) + MAX_REGS * sizeof(list->reg[0]));
	sys = open(node, O_RDWR);
	if (sys < 0 || (vm = ioctl(sys, KVM_CREATE_VM, 0)) < 0 ||
	    ioctl(vm, KVM_CREATE_DEVICE, &cd) < 0 || (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 ||
	    ioctl(vcpu, KVM_ARM_VCPU_INIT, &init)) {
		perror(node);
		return 1;
	}
	if (is_peer) { /* the node's own lengths, up to VL 512 (VQ 4) */
		memset(vls, 0, sizeof(vls));
		if (ioctl(vcpu, KVM_GET_ONE_REG, &r))
			return perror("SVE_VLS"), 1;
		vls[0] &= 0xf;
		memset(vls + 1, 0, sizeof(vls) - sizeof(vls[0]));
	}
	if (ioctl(vcpu, KVM_SET_ONE_REG, &r) ||
	    ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &sve)) {
		perror(node);
		return 1;
	}
	dev = cd.fd;
	/* Both paths must do what they claim before they are timed. */
	if (ioctl(dev, _IO(KVMIO, 0xee)) != -1 || errno != ENOTTY || snapshot(vcpu)) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}
	if (is_peer)
		return peer(node, vcpu, rounds);
	noop = calloc(rounds, sizeof(*noop));
	snap = calloc(rounds, sizeof(*snap));
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns();

		for (j = 0; j < NOOP_BATCH; j++)
			ioctl(dev, _IO(KVMIO, 0xee));
		double t1 = now_ns();

		for (j = 0; j < SNAP_BATCH; j++)
			bad += snapshot(vcpu);
		double t2 = now_ns();

		noop[i] = (t1 - t0) / NOOP_BATCH;
		snap[i] = (t2 - t1) / SNAP_BATCH;
	}
	if (bad) {
		fprintf(stderr, "%d register reads failed\n", bad);
		return 1;
	}
	qsort(noop, rounds, sizeof(*noop), cmp_double);
	qsort(snap, rounds, sizeof(*snap), cmp_double);
	printf("register snapshot (%s, SVE VL 512 + ptrauth + PMU, %llu registers, %d rounds, medians):\n",
	       node, list->n, rounds);
	printf("  no-op device ioctl (-ENOTTY):         %10.0f ns\n", noop[rounds / 2]);
	printf("  full snapshot (REG_LIST + GET_ONE_REG): %8.0f ns\n", snap[rounds / 2]);
	printf("  ratio snapshot / no-op ioctl:         %10.1f\n", snap[rounds / 2] / noop[rounds / 2]);
	printf("  ratio per ioctl of the snapshot:      %10.2f\n",
	       snap[rounds / 2] / (list->n + 1) / noop[rounds / 2]);
	close(vcpu);
	close(dev);
	close(vm);
	close(sys);
	return 0;
}
