/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks share: a monotonic clock, a median helper, and for
 * the peer runs (--peer: the same program against /dev/kvm and against
 * /dev/kvm_ext/arm64, Documentation/performance.rst) the neutral ioctl
 * floor and the lines the peer table is made from.
 */
#ifndef KVM_EXT_BENCH_H
#define KVM_EXT_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n samples (sorts them). */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/*
 * The peer floor: an ioctl that neither KVM nor kvm_ext sees, an unknown
 * request on an eventfd (the syscall, the fd lookup, the generic-request
 * switch, -ENOTTY). Both columns of the peer table are ratios to it.
 */
#define PEER_FLOOR_REQ _IO(0xae, 0xee)
#define PEER_FLOOR_BATCH 2000

static inline int peer_floor_fd(void)
{
	return eventfd(0, EFD_CLOEXEC);
}

/* ns per call of the fastest of `blocks` blocks of PEER_FLOOR_BATCH calls. */
static inline double peer_floor(int fd, int blocks)
{
	double best = 1e300;
	int b, j;

	for (b = 0; b < blocks; b++) {
		double t0 = now_ns();

		for (j = 0; j < PEER_FLOOR_BATCH; j++)
			ioctl(fd, PEER_FLOOR_REQ);
		t0 = (now_ns() - t0) / PEER_FLOOR_BATCH;
		if (t0 < best)
			best = t0;
	}
	return best;
}

/*
 * "--peer" as the first argument: the peer mode (standard KVM ABI only).
 * Shifts it out of argv.
 */
static inline int peer_mode(int *argc, char ***argv)
{
	if (*argc > 1 && !strcmp((*argv)[1], "--peer")) {
		(*argv)[1] = (*argv)[0];
		(*argc)--;
		(*argv)++;
		return 1;
	}
	return 0;
}

/*
 * One line of the peer table: workload KEY on NODE took NS (median over
 * the rounds of each round's fastest block) while the floor, timed in the
 * same rounds, took FLOOR_NS; CHECK is what the run verified (the same on
 * both nodes when they did the same work).
 */
static inline void peer_line(const char *key, const char *node, double ns, double floor_ns,
			     const char *check)
{
	printf("peer %s %s %.1f %.1f %s\n", key, node, ns, floor_ns, check);
}

#endif /* KVM_EXT_BENCH_H */
