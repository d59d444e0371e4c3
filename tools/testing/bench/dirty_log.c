// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_dirty_log: dirty logging at migration scale, as ratios to a
 * bound measured in the same run (absolute times under TCG mean little).
 *
 *  1. A 64 GiB slot (16 Mi pages, a 2 MiB bitmap), fully dirty: one
 *     KVM_GET_DIRTY_LOG plus KVM_CLEAR_DIRTY_LOG of the whole slot in
 *     256 KiB chunks (QEMU's pattern), against the bound: copying 2 MiB to
 *     and from user space (a 2 MiB write and read of a tmpfs file).
 *     Target: at most 2x.
 *  2. The same slot 0.1% dirty: the same round, as a ratio to case 1.
 *  3. A 1 TiB slot with logging on: memory used, against the size of its
 *     bitmaps (the log and its staging copy, 2 x 32 MiB).
 *
 * With --peer (the peer table, Documentation/performance.rst) cases 1 and 2
 * are timed against the eventfd floor of bench.h instead (each round the
 * fastest of two runs of each), the dirty pages GET reported are counted,
 * case 3 is skipped and peer lines are printed; all of it is the
 * standard ABI, so NODE may be /dev/kvm.
 *
 * usage: kvm_ext_bench_dirty_log [--peer] [NODE] [ROUNDS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"

#define GIB (1ULL << 30)
#define PAGES_64G ((64 * GIB) >> 12)
#define BITMAP_BYTES (PAGES_64G / 8)
#define CHUNK_BYTES (256 << 10)
#define CHUNK_PAGES (CHUNK_BYTES * 8ULL)

static int vm;
static uint64_t *bitmap, *mask;

static double now(void)
{
	return now_ns() / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void set_slot(unsigned int slot, uint64_t gpa, uint64_t size, void *mem, unsigned int flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)mem,
	};

	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
		die("KVM_SET_USER_MEMORY_REGION");
}

/* One migration round over slot 0: GET, then CLEAR in 256 KiB chunks. */
static double round_trip(double *clear_time)
{
	struct kvm_dirty_log get = { .slot = 0, .dirty_bitmap = bitmap };
	double t0 = now(), t1;
	uint64_t first;

	if (ioctl(vm, KVM_GET_DIRTY_LOG, &get))
		die("KVM_GET_DIRTY_LOG");
	t1 = now();
	for (first = 0; first < PAGES_64G; first += CHUNK_PAGES) {
		struct kvm_clear_dirty_log clear = {
			.slot = 0, .first_page = first, .num_pages = CHUNK_PAGES,
			.dirty_bitmap = (char *)bitmap + first / 8,
		};

		if (ioctl(vm, KVM_CLEAR_DIRTY_LOG, &clear))
			die("KVM_CLEAR_DIRTY_LOG");
	}
	*clear_time = now() - t1;
	return now() - t0;
}

/* All pages dirty again: logging off and on under INITIALLY_SET. */
static void all_dirty(void *mem)
{
	set_slot(0, 0, 64 * GIB, mem, 0);
	set_slot(0, 0, 64 * GIB, mem, KVM_MEM_LOG_DIRTY_PAGES);
}

/* 0.1% dirty: all dirty, then clear all but every 1000th page. */
static void sparse_dirty(void *mem)
{
	uint64_t p;
	struct kvm_clear_dirty_log clear = {
		.slot = 0, .first_page = 0, .num_pages = PAGES_64G, .dirty_bitmap = mask,
	};

	all_dirty(mem);
	memset(mask, 0xff, BITMAP_BYTES);
	for (p = 0; p < PAGES_64G; p += 1000)
		mask[p / 64] &= ~(1ULL << (p % 64));
	if (ioctl(vm, KVM_CLEAR_DIRTY_LOG, &clear))
		die("KVM_CLEAR_DIRTY_LOG");
}

static unsigned long long popcount_bitmap(void)
{
	unsigned long long n = 0, i;

	for (i = 0; i < BITMAP_BYTES / 8; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

/* --peer: cases 1 and 2 against the eventfd floor, the GETs' pages counted. */
static int peer(const char *node, void *mem, int rounds)
{
	double *fl = calloc(rounds, sizeof(double)), *full = calloc(rounds, sizeof(double)),
	       *sparse = calloc(rounds, sizeof(double)), clear;
	unsigned long long pf = 0, ps = 0;
	int efd = peer_floor_fd(), i, b;
	char check[64];

	if (efd < 0)
		die("eventfd");
	for (i = 0; i < rounds; i++) {
		fl[i] = peer_floor(efd, 3);
		full[i] = sparse[i] = 1e300;
		for (b = 0; b < 2; b++) {
			double t;

			all_dirty(mem);
			t = round_trip(&clear);
			if (t < full[i])
				full[i] = t;
			if (!i && !b)
				pf = popcount_bitmap();
			sparse_dirty(mem);
			t = round_trip(&clear);
			if (t < sparse[i])
				sparse[i] = t;
			if (!i && !b)
				ps = popcount_bitmap();
		}
	}
	double f = median(fl, rounds), a = median(full, rounds) * 1e9, c = median(sparse, rounds) * 1e9;

	printf("dirty log, peer mode (%s, 64 GiB slot, %d rounds): floor %.0f ns, full %.3f ms "
	       "(%llu pages), 0.1%% %.3f ms (%llu pages)\n", node, rounds, f, a / 1e6, pf, c / 1e6, ps);
	snprintf(check, sizeof(check), "popcount=%llu", pf);
	peer_line("dirty_full", node, a, f, check);
	snprintf(check, sizeof(check), "popcount=%llu", ps);
	peer_line("dirty_sparse", node, c, f, check);
	return pf == PAGES_64G ? 0 : 1;
}

static long mem_available_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kib = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	int is_peer = peer_mode(&argc, &argv);
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/arm64";
	int rounds = argc > 2 ? atoi(argv[2]) : 9;
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET },
	};
	double *bound = calloc(rounds, sizeof(double));
	double *full = calloc(rounds, sizeof(double));
	double *sparse = calloc(rounds, sizeof(double));
	double *clear_full = calloc(rounds, sizeof(double));
	double *clear_sparse = calloc(rounds, sizeof(double));
	char *scratch;
	void *mem64, *mem1t;
	long before, after;
	int sys, fd, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sys = open(node, O_RDWR);
	if (sys < 0)
		die(node);
	vm = ioctl(sys, KVM_CREATE_VM, 48); /* 48-bit IPA: room for 1 TiB */
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_ENABLE_CAP, &cap))
		die("KVM_ENABLE_CAP");
	/* Address space only: the log never touches guest memory here. */
	mem64 = mmap(NULL, 64 * GIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mem1t = mmap(NULL, 1024 * GIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		     -1, 0);
	bitmap = aligned_alloc(4096, BITMAP_BYTES);
	mask = aligned_alloc(4096, BITMAP_BYTES);
	scratch = aligned_alloc(4096, BITMAP_BYTES);
	if (mem64 == MAP_FAILED || mem1t == MAP_FAILED || !bitmap || !mask || !scratch)
		die("memory");
	memset(bitmap, 0, BITMAP_BYTES);
	memset(scratch, 0x5a, BITMAP_BYTES);
	if (is_peer)
		return peer(node, mem64, rounds);
	fd = open("/tmp/kvm_ext_bench_bound", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("tmpfs file");

	for (i = 0; i < rounds; i++) {
		double t0 = now();

		/* The bound: 2 MiB from user space and 2 MiB back. */
		if (pwrite(fd, scratch, BITMAP_BYTES, 0) != BITMAP_BYTES ||
		    pread(fd, bitmap, BITMAP_BYTES, 0) != BITMAP_BYTES)
			die("bound");
		bound[i] = now() - t0;

		all_dirty(mem64);
		full[i] = round_trip(&clear_full[i]);
		if (i == 0 && bitmap[PAGES_64G / 64 - 1] != ~0ULL) {
			fprintf(stderr, "the full-dirty GET did not report every page\n");
			return 1;
		}
		sparse_dirty(mem64);
		sparse[i] = round_trip(&clear_sparse[i]);
	}
	double b = median(bound, rounds), f = median(full, rounds), s = median(sparse, rounds);
	double cf = median(clear_full, rounds), cs = median(clear_sparse, rounds);

	printf("dirty log, 64 GiB slot (16 Mi pages, 2 MiB bitmap), %d rounds, medians:\n",
	       rounds);
	printf("  bound: 2 MiB to and from user space     %9.3f ms\n", b * 1e3);
	printf("  full dirty: GET + CLEAR in 256 KiB      %9.3f ms\n", f * 1e3);
	printf("  0.1%% dirty: GET + CLEAR in 256 KiB      %9.3f ms\n", s * 1e3);
	printf("  ratio full / bound:                     %9.2f (target <= 2)\n", f / b);
	printf("  ratio 0.1%% dirty / full:                %9.2f\n", s / f);
	printf("  CLEAR alone: full %.3f ms, 0.1%% dirty %.3f ms, ratio %.2f\n", cf * 1e3, cs * 1e3,
	       cs / cf);

	close(vm);
	vm = ioctl(sys, KVM_CREATE_VM, 48);
	before = mem_available_kib();
	set_slot(0, 0, 1024 * GIB, mem1t, KVM_MEM_LOG_DIRTY_PAGES);
	after = mem_available_kib();
	printf("  1 TiB slot with logging: %ld KiB used, bitmaps 2 x %llu KiB: ratio %.2f\n",
	       before - after, (1024 * GIB >> 12) / 8 / 1024,
	       (double)(before - after) / (2.0 * ((1024 * GIB >> 12) / 8 / 1024)));
	close(vm);
	close(sys);
	unlink("/tmp/kvm_ext_bench_bound");
	return f / b <= 2.0 ? 0 : 3;
}
