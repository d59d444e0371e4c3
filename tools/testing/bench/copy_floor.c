// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_copy_floor: what moving the ITS benchmark's 17 MB costs on
 * this machine, without kvm_ext, as ratios to the user-space memcpy() that
 * kvm_ext_bench_vgic_its compares its table save and restore with
 * (Documentation/performance.rst):
 *
 *   - the kernel's copy_to_user() and copy_from_user() of the same bytes
 *     (pread() and pwrite() of a file in the initramfs's page cache);
 *   - one pass over the bytes as 8-byte entries, testing a field of each:
 *     the least any per-entry check of a table costs;
 *   - as many fresh pages (an anonymous mapping, MAP_POPULATE): the kernel
 *     zeroes every page it hands out, and with init_on_alloc (Debian's
 *     default, CONFIG_INIT_ON_ALLOC_DEFAULT_ON) every kmalloc() too, so
 *     this is the least that kernel memory for the same bytes costs.
 *
 * Under QEMU TCG the kernel's copies and its zeroing are byte loops
 * (rep movsb and rep stosb with ERMS), which is why kvm_ext maps guest
 * pages instead of copying them.
 *
 * usage: kvm_ext_bench_copy_floor [ROUNDS]   (default 5)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define BYTES (65536UL * 32 * 8 + 65536UL * 8) /* kvm_ext_bench_vgic_its's tables */
#define FILE_PATH "/tmp/kvm_ext_bench_copy_floor"

/*
 * Counts the entries whose bits 47:16 are set, one at a time, as kernel
 * code (no vector registers) would.
 */
__attribute__((optimize("no-tree-vectorize")))
static uint64_t scan(const uint64_t *e, size_t n)
{
	uint64_t c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += (e[i] >> 16 & 0xffffffffULL) != 0;
	return c;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5, i, fd;
	double cp[100], to[100], from[100], sc[100], fresh[100], t0;
	unsigned char *a = malloc(BYTES), *b = malloc(BYTES);
	uint64_t live = 0;
	void *m;

	if (rounds < 1 || rounds > 100 || !a || !b)
		return 1;
	memset(a, 0x5a, BYTES);
	memset(b, 0, BYTES);
	fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, a, BYTES, 0) != (ssize_t)BYTES) {
		perror(FILE_PATH);
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		t0 = now_ns();
		memcpy(b, a, BYTES);
		cp[i] = now_ns() - t0;
		t0 = now_ns();
		if (pread(fd, b, BYTES, 0) != (ssize_t)BYTES)
			return 1;
		to[i] = now_ns() - t0;
		t0 = now_ns();
		if (pwrite(fd, a, BYTES, 0) != (ssize_t)BYTES)
			return 1;
		from[i] = now_ns() - t0;
		t0 = now_ns();
		live += scan((const uint64_t *)b, BYTES / 8);
		sc[i] = now_ns() - t0;
		t0 = now_ns();
		m = mmap(NULL, BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		fresh[i] = now_ns() - t0;
		if (m == MAP_FAILED)
			return 1;
		live += ((const uint64_t *)m)[BYTES / 8 - 1] == 0;
		munmap(m, BYTES);
	}
	close(fd);
	unlink(FILE_PATH);
	if (live != (uint64_t)rounds * (BYTES / 8 + 1))
		return 1;
	{
		double c = median(cp, rounds);

		printf("Moving %lu bytes (%d rounds, medians):\n", BYTES, rounds);
		printf("  memcpy() in user space:                          %8.2f ms\n", c / 1e6);
		printf("  copy_to_user() (pread), ratio to memcpy:         %8.2f\n",
		       median(to, rounds) / c);
		printf("  copy_from_user() (pwrite), ratio to memcpy:      %8.2f\n",
		       median(from, rounds) / c);
		printf("  one pass testing each 8-byte entry, ratio:       %8.2f\n",
		       median(sc, rounds) / c);
		printf("  fresh zeroed pages (MAP_POPULATE), ratio:        %8.2f\n",
		       median(fresh, rounds) / c);
	}
	free(a);
	free(b);
	return 0;
}
