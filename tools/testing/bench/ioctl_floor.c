// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_ioctl_floor: the ioctl floor. Times, in one run and
 * interleaved, the cheapest round trip into kvm_ext (an ioctl the device fd
 * does not know: fd lookup, mm check, dispatch, -ENOTTY) against
 * KVM_HAS_DEVICE_ATTR of a trivial attribute (the same plus the
 * kvm_device_attr copy and the device's attribute dispatch), and prints
 * their ratio. Absolute times are printed for context only: on TCG they
 * mean little.
 *
 * With --peer (the peer table, Documentation/performance.rst), each round
 * times the fastest of three blocks of each, the eventfd floor of bench.h
 * too, and prints peer lines (both ioctls are the standard ABI, so NODE
 * may be /dev/kvm).
 *
 * usage: kvm_ext_bench_ioctl_floor [--peer] [NODE] [ROUNDS]
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

#define BATCH 2000

/* Fastest of three blocks of BATCH calls of ioctl(fd, req, arg), ns per call. */
static double best_block(int fd, unsigned long req, void *arg)
{
	double best = 1e300;
	int b, j;

	for (b = 0; b < 3; b++) {
		double t0 = now_ns();

		for (j = 0; j < BATCH; j++)
			ioctl(fd, req, arg);
		t0 = (now_ns() - t0) / BATCH;
		if (t0 < best)
			best = t0;
	}
	return best;
}

static int peer(const char *node, int dev, struct kvm_device_attr *attr, int rounds)
{
	double *fl = calloc(rounds, sizeof(double)), *noop = calloc(rounds, sizeof(double)),
	       *has = calloc(rounds, sizeof(double));
	int efd = peer_floor_fd(), i;

	if (efd < 0 || ioctl(efd, PEER_FLOOR_REQ) != -1 || errno != ENOTTY) {
		perror("eventfd floor");
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		fl[i] = peer_floor(efd, 3);
		noop[i] = best_block(dev, _IO(KVMIO, 0xee), NULL);
		has[i] = best_block(dev, KVM_HAS_DEVICE_ATTR, attr);
	}
	double f = median(fl, rounds), n = median(noop, rounds), h = median(has, rounds);

	printf("ioctl floor, peer mode (%s, %d rounds, fastest of 3 blocks of %d, medians):\n",
	       node, rounds, BATCH);
	printf("  eventfd floor %.0f ns, no-op device ioctl %.0f ns, HAS_DEVICE_ATTR %.0f ns\n", f, n,
	       h);
	peer_line("noop", node, n, f, "-ENOTTY");
	peer_line("has_attr", node, h, f, "0");
	return 0;
}

int main(int argc, char **argv)
{
	int is_peer = peer_mode(&argc, &argv);
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/arm64";
	int rounds = argc > 2 ? atoi(argv[2]) : is_peer ? 31 : 101;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_device_attr attr = { .group = KVM_DEV_VFIO_GROUP,
					.attr = KVM_DEV_VFIO_GROUP_ADD };
	double *noop, *has;
	int sys, vm, dev, r, i, j;

	sys = open(node, O_RDWR);
	if (sys < 0 || (vm = ioctl(sys, KVM_CREATE_VM, 0)) < 0 ||
	    ioctl(vm, KVM_CREATE_DEVICE, &cd) < 0) {
		perror(node);
		return 1;
	}
	dev = cd.fd;
	/* Both paths must do what they claim before they are timed. */
	if (ioctl(dev, _IO(KVMIO, 0xee)) != -1 || errno != ENOTTY ||
	    ioctl(dev, KVM_HAS_DEVICE_ATTR, &attr) != 0) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}
	if (is_peer)
		return peer(node, dev, &attr, rounds);
	noop = calloc(rounds, sizeof(*noop));
	has = calloc(rounds, sizeof(*has));
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns();

		for (j = 0; j < BATCH; j++)
			r = ioctl(dev, _IO(KVMIO, 0xee));
		double t1 = now_ns();

		for (j = 0; j < BATCH; j++)
			r |= ioctl(dev, KVM_HAS_DEVICE_ATTR, &attr);
		double t2 = now_ns();

		(void)r;
		noop[i] = (t1 - t0) / BATCH;
		has[i] = (t2 - t1) / BATCH;
	}
	qsort(noop, rounds, sizeof(*noop), cmp_double);
	qsort(has, rounds, sizeof(*has), cmp_double);
	printf("ioctl floor (%s, %d rounds of %d, medians):\n", node, rounds, BATCH);
	printf("  no-op device ioctl (-ENOTTY):       %8.0f ns\n", noop[rounds / 2]);
	printf("  KVM_HAS_DEVICE_ATTR (trivial attr): %8.0f ns\n", has[rounds / 2]);
	printf("  ratio HAS_DEVICE_ATTR / no-op:      %8.2f\n", has[rounds / 2] / noop[rounds / 2]);
	close(dev);
	close(vm);
	close(sys);
	return 0;
}
