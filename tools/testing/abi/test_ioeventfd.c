// SPDX-License-Identifier: GPL-2.0
/*
 * ioeventfds: api.rst 4.59 KVM_IOEVENTFD (the capabilities are in
 * test_system.c's table), on every personality, as 6.1 has it on every
 * architecture.
 *
 * - every errno row in Linux 6.1's order (virt/kvm/eventfd.c
 *   kvm_assign_ioeventfd(), kvm_deassign_ioeventfd_idx(),
 *   ioeventfd_check_collision()): length, wrap, flags, no length with a
 *   datamatch, the fd, collisions; deassign checks only the fd and a match;
 *   ioeventfds do not count against NR_IOBUS_DEVS;
 * - with the test as the guest (kvm_ext only): a store an ioeventfd
 *   matches signals its eventfd and does not exit, everything else exits
 *   KVM_EXIT_MMIO; datamatch, any-length and deassign; the PIO
 *   and CCW notify buses never fire here; an ioeventfd keeps its eventfd
 *   after the VMM closes it, until the VM goes; on arm64, an ioeventfd in
 *   an ITS frame, and an eventfd that is both ioeventfd and irqfd.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "abi_test.h"
#include "vgic_common.h"

#define REF "api.rst 4.59 KVM_IOEVENTFD"
#define REF_ANY "api.rst 4.59 KVM_IOEVENTFD, KVM_CAP_IOEVENTFD_ANY_LENGTH"
#define REF_ITS "api.rst 4.59 KVM_IOEVENTFD, devices/arm-vgic-its.rst"
#define REF_IRQFD "api.rst 4.59 KVM_IOEVENTFD, 4.75 KVM_IRQFD"

#define DM KVM_IOEVENTFD_FLAG_DATAMATCH
#define PIO KVM_IOEVENTFD_FLAG_PIO
#define DEASSIGN KVM_IOEVENTFD_FLAG_DEASSIGN
#define CCW KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY
#define FAST_MMIO (1U << kvm_ioeventfd_flag_nr_fast_mmio)
#define ADDR 0x0a000100ULL /* outside every slot these tests make, not at a page start */
#define RAM_GPA 0x100000ULL
#define NR_IOBUS_DEVS 1000

static int ioeventfd(int vm, int fd, __u64 addr, __u32 len, __u32 flags, __u64 datamatch)
{
	struct kvm_ioeventfd a;

	memset(&a, 0, sizeof(a));
	a.datamatch = datamatch;
	a.addr = addr;
	a.len = len;
	a.fd = fd;
	a.flags = flags;
	return ioctl(vm, KVM_IOEVENTFD, &a);
}

/* A file that is not an eventfd. */
static int new_pipe(void)
{
	int p[2];

	if (pipe(p))
		return -1;
	track_fd(p[1]);
	return track_fd(p[0]);
}

struct ctx {
	int vm, vcpu;
	struct kvm_run *run;
};

static bool setup(struct ctx *c)
{
	c->vm = new_vm(0);
	c->vcpu = c->vm >= 0 ? new_vcpu(c->vm, 0) : -1;
	c->run = map_run(c->vcpu);
	return c->run != NULL;
}

/*
 * A guest store: its result (KVM_EXT_RESULT_*, 0 if the call failed).
 * kvm_run's exit_reason is set to KVM_EXIT_UNKNOWN first, so the caller
 * sees whether the store exited.
 */
static __u32 store(const struct ctx *c, __u64 addr, __u32 len, __u64 data)
{
	__u32 result = 0;

	c->run->exit_reason = KVM_EXIT_UNKNOWN;
	if (!expect_errno(guest_access(c->vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE, addr,
				       len, &data, &result),
			  0))
		return 0;
	return result;
}

static __u32 load(const struct ctx *c, __u64 addr, __u32 len, __u64 *data)
{
	__u32 result = 0;

	c->run->exit_reason = KVM_EXIT_UNKNOWN;
	if (!expect_errno(guest_access(c->vcpu, KVM_EXT_ACCESS_MEM, 0, addr, len, data, &result),
			  0))
		return 0;
	return result;
}

/* The store was an ioeventfd's: no exit, kvm_run untouched. */
static bool expect_kernel(const struct ctx *c, __u64 addr, __u32 len, __u64 data)
{
	return expect_eq(store(c, addr, len, data), KVM_EXT_RESULT_KERNEL) &&
	       expect_eq(c->run->exit_reason, KVM_EXIT_UNKNOWN);
}

/* The store exited as KVM_EXIT_MMIO with its address, length and bytes. */
static bool expect_exit(const struct ctx *c, __u64 addr, __u32 len, __u64 data)
{
	__u32 i;

	if (!expect_eq(store(c, addr, len, data), KVM_EXT_RESULT_EXIT) ||
	    !expect_eq(c->run->exit_reason, KVM_EXIT_MMIO) ||
	    !expect_eq(RUN_MMIO(c->run)->phys_addr, addr) || !expect_eq(RUN_MMIO(c->run)->len, len) ||
	    !expect_eq(RUN_MMIO(c->run)->is_write, 1))
		return false;
	for (i = 0; i < len; i++)
		if (!expect_eq(RUN_MMIO(c->run)->data[i], (__u8)(data >> (8 * i))))
			return false;
	return true;
}

/* ------------------------------------------------------------ assign rows */

static void t_fault_and_len(const struct abi_test *t)
{
	static const __u32 bad[] = { 3, 5, 6, 7, 9, 16, 0x80000000U, 0xffffffffU };
	int vm = new_vm(0), efd = new_eventfd();
	size_t i;

	(void)t;
	expect_errno(ioctl(vm, KVM_IOEVENTFD, NULL), EFAULT);
	expect_errno(ioctl(vm, KVM_IOEVENTFD, g_bad_ptr), EFAULT);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_errno(ioeventfd(vm, efd, ADDR, bad[i], 0, 0), EINVAL);
		expect_errno(ioeventfd(vm, -1, ADDR, bad[i], 0, 0), EINVAL); /* before the fd */
	}
	for (i = 0; i <= 8; i++)
		if (i == 0 || i == 1 || i == 2 || i == 4 || i == 8)
			expect_errno(ioeventfd(vm, efd, ADDR + 16 * i, i, 0, 0), 0);
}

static void t_wrap(const struct abi_test *t)
{
	int vm = new_vm(0), efd = new_eventfd();

	(void)t;
	expect_errno(ioeventfd(vm, efd, ~0ULL, 1, 0, 0), EINVAL);
	expect_errno(ioeventfd(vm, efd, ~0ULL - 3, 8, 0, 0), EINVAL);
	/* Ending exactly at 2^64 wraps to 0, which 6.1 counts as a wrap. */
	expect_errno(ioeventfd(vm, efd, ~0ULL - 7, 8, 0, 0), EINVAL);
	expect_errno(ioeventfd(vm, -1, ~0ULL, 2, 0, 0), EINVAL); /* before the fd */
	expect_errno(ioeventfd(vm, efd, ~0ULL - 8, 8, 0, 0), 0);
	expect_errno(ioeventfd(vm, efd, ~0ULL, 0, 0, 0), 0);
}

static void t_flags(const struct abi_test *t)
{
	int vm = new_vm(0), efd = new_eventfd();
	int bit;

	(void)t;
	for (bit = 5; bit < 32; bit++) {
		expect_errno(ioeventfd(vm, efd, ADDR, 4, 1U << bit, 0), EINVAL);
		expect_errno(ioeventfd(vm, -1, ADDR, 4, 1U << bit, 0), EINVAL); /* before the fd */
	}
	expect_eq(KVM_IOEVENTFD_VALID_FLAG_MASK, 0x1f);
	/* kvm_ioeventfd_flag_nr_fast_mmio is in the valid mask; nothing reads it */
	expect_errno(ioeventfd(vm, efd, ADDR, 4, FAST_MMIO, 0), 0);
	expect_errno(ioeventfd(vm, efd, ADDR + 8, 4, FAST_MMIO | DM, 3), 0);
}

static void t_len0_datamatch(const struct abi_test *t)
{
	int vm = new_vm(0), efd = new_eventfd();

	(void)t;
	expect_errno(ioeventfd(vm, efd, ADDR, 0, DM, 0), EINVAL);
	expect_errno(ioeventfd(vm, -1, ADDR, 0, DM, 0), EINVAL); /* before the fd */
	expect_errno(ioeventfd(vm, efd, ADDR, 0, PIO | DM, 0), EINVAL);
	expect_errno(ioeventfd(vm, efd, ADDR, 0, 0, 0), 0);
	expect_errno(ioeventfd(vm, efd, ADDR, 0, PIO, 0), 0);
}

static void t_fds(const struct abi_test *t)
{
	int vm = new_vm(0), efd = new_eventfd(), pfd = new_pipe();

	(void)t;
	expect_errno(ioeventfd(vm, -1, ADDR, 4, 0, 0), EBADF);
	expect_errno(ioeventfd(vm, 100000, ADDR, 4, 0, 0), EBADF);
	expect_errno(ioeventfd(vm, pfd, ADDR, 4, 0, 0), EINVAL);
	expect_errno(ioeventfd(vm, vm, ADDR, 4, 0, 0), EINVAL);
	expect_errno(ioeventfd(vm, -1, ADDR, 4, DEASSIGN, 0), EBADF);
	expect_errno(ioeventfd(vm, pfd, ADDR, 4, DEASSIGN, 0), EINVAL);
	/* Deassign looks at the fd before it looks for a match. */
	expect_errno(ioeventfd(vm, efd, ADDR, 4, 0, 0), 0);
	expect_errno(ioeventfd(vm, pfd, ADDR, 4, DEASSIGN, 0), EINVAL);
	expect_errno(ioeventfd(vm, efd, ADDR, 4, DEASSIGN, 0), 0);
}

/* ------------------------------------------------------------ collisions */

static void t_collisions(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_eventfd(), b = new_eventfd(), pfd = new_pipe();

	(void)t;
	expect_errno(ioeventfd(vm, a, ADDR, 4, 0, 0), 0);
	expect_errno(ioeventfd(vm, b, ADDR, 4, 0, 0), EEXIST);	   /* two wildcards */
	expect_errno(ioeventfd(vm, a, ADDR, 4, 0, 0), EEXIST);	   /* the same again */
	expect_errno(ioeventfd(vm, b, ADDR, 4, DM, 1), EEXIST);   /* datamatch vs wildcard */
	expect_errno(ioeventfd(vm, b, ADDR, 0, 0, 0), EEXIST);	   /* any length */
	expect_errno(ioeventfd(vm, pfd, ADDR, 4, 0, 0), EINVAL);  /* the fd before */
	expect_errno(ioeventfd(vm, a, ADDR + 8, 4, DM, 1), 0);
	expect_errno(ioeventfd(vm, b, ADDR + 8, 4, DM, 1), EEXIST); /* equal datamatch */
	expect_errno(ioeventfd(vm, b, ADDR + 8, 4, 0, 0), EEXIST);  /* wildcard vs datamatch */
	expect_errno(ioeventfd(vm, a, ADDR + 16, 0, 0, 0), 0);
	expect_errno(ioeventfd(vm, b, ADDR + 16, 8, DM, 5), EEXIST); /* length 0 vs any */
	expect_errno(ioeventfd(vm, b, ADDR + 16, 1, 0, 0), EEXIST);
	expect_errno(ioeventfd(vm, a, ADDR, 4, PIO, 0), 0);
	expect_errno(ioeventfd(vm, b, ADDR, 4, PIO, 0), EEXIST);
	expect_errno(ioeventfd(vm, a, ADDR, 4, CCW, 0), 0);
	expect_errno(ioeventfd(vm, b, ADDR, 4, CCW | DM, 9), EEXIST);
	/* PIO wins over VIRTIO_CCW_NOTIFY (ioeventfd_bus_from_flags()). */
	expect_errno(ioeventfd(vm, b, ADDR, 4, PIO | CCW, 0), EEXIST);
}

static void t_no_collision(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_eventfd(), b = new_eventfd();

	(void)t;
	expect_errno(ioeventfd(vm, a, ADDR, 4, 0, 0), 0);
	expect_errno(ioeventfd(vm, b, ADDR, 2, 0, 0), 0);     /* another length */
	expect_errno(ioeventfd(vm, b, ADDR, 8, DM, 1), 0);
	expect_errno(ioeventfd(vm, b, ADDR + 1, 1, 0, 0), 0); /* inside the range: only the address counts */
	expect_errno(ioeventfd(vm, b, ADDR + 2, 2, 0, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR + 8, 4, DM, 1), 0);
	expect_errno(ioeventfd(vm, a, ADDR + 8, 4, DM, 2), 0); /* another datamatch, same eventfd */
	expect_errno(ioeventfd(vm, b, ADDR + 8, 4, DM, 0x100000001ULL), 0);
	expect_errno(ioeventfd(vm, b, ADDR + 8, 4, DM, 0x100000001ULL), EEXIST);
}

/* Every architecture has all of 6.1's buses: PIO and CCW notify are accepted. */
static void t_buses(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_eventfd();

	(void)t;
	expect_errno(ioeventfd(vm, a, ADDR, 4, 0, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, PIO, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, CCW, 0), 0);
	expect_errno(ioeventfd(vm, a, 0x3f8, 1, PIO | DM, 0x41), 0);
	/* s390: addr the subchannel id, datamatch the virtqueue index */
	expect_errno(ioeventfd(vm, a, 0x00010002, 8, CCW | DM, 3), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, PIO | DEASSIGN, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, PIO | DEASSIGN, 0), ENOENT);
	expect_errno(ioeventfd(vm, a, ADDR, 4, CCW | DEASSIGN, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN, 0), 0);
}

/* ------------------------------------------------------------ deassign */

static void t_deassign_match(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_eventfd(), b = new_eventfd(), a2 = track_fd(dup(a));

	(void)t;
	if (!expect_errno(ioeventfd(vm, a, ADDR, 4, DM, 7), 0))
		return;
	expect_errno(ioeventfd(vm, b, ADDR, 4, DEASSIGN | DM, 7), ENOENT);	   /* eventfd */
	expect_errno(ioeventfd(vm, a, ADDR + 4, 4, DEASSIGN | DM, 7), ENOENT);  /* address */
	expect_errno(ioeventfd(vm, a, ADDR, 2, DEASSIGN | DM, 7), ENOENT);	   /* length */
	expect_errno(ioeventfd(vm, a, ADDR, 0, DEASSIGN, 0), ENOENT);	   /* length 0 */
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN, 7), ENOENT);	   /* wildcard */
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN | DM, 8), ENOENT);	   /* value */
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN | DM | PIO, 7), ENOENT); /* bus */
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN | DM | CCW, 7), ENOENT);
	/* Another fd of the same eventfd names it. */
	expect_errno(ioeventfd(vm, a2, ADDR, 4, DEASSIGN | DM, 7), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN | DM, 7), ENOENT);
	/* A wildcard goes by the wildcard rule, whatever datamatch says. */
	expect_errno(ioeventfd(vm, a, ADDR, 4, 0, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN | DM, 0), ENOENT);
	expect_errno(ioeventfd(vm, a, ADDR, 4, DEASSIGN, 0x1234), 0);
}

/*
 * kvm_deassign_ioeventfd() never checks length or flags: a length assign
 * refuses is just no match, unknown flags are ignored; and a deassigned
 * ioeventfd can be assigned again.
 */
static void t_deassign_unchecked(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_eventfd();

	(void)t;
	expect_errno(ioeventfd(vm, a, ADDR, 3, DEASSIGN, 0), ENOENT);
	expect_errno(ioeventfd(vm, a, ~0ULL, 8, DEASSIGN, 0), ENOENT);
	expect_errno(ioeventfd(vm, a, ADDR, 0, DEASSIGN | DM, 0), ENOENT);
	if (!expect_errno(ioeventfd(vm, a, ADDR, 8, 0, 0), 0))
		return;
	expect_errno(ioeventfd(vm, a, ADDR, 8, DEASSIGN | 1U << 9 | 1U << 31, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 8, DEASSIGN, 0), ENOENT);
	expect_errno(ioeventfd(vm, a, ADDR, 8, 0, 0), 0);
	expect_errno(ioeventfd(vm, a, ADDR, 8, DEASSIGN | FAST_MMIO, 0), 0);
}

/* 6.1's kvm_io_bus_register_dev() leaves ioeventfds out of NR_IOBUS_DEVS. */
static void t_many(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_eventfd();
	int i;

	(void)t;
	for (i = 0; i < NR_IOBUS_DEVS + 100; i++) {
		if (!expect_errno(ioeventfd(vm, a, ADDR + 4 * i, 4, 0, 0), 0)) {
			diag("  ioeventfd %d", i);
			return;
		}
	}
	for (i = 0; i < NR_IOBUS_DEVS + 100; i += 3)
		if (!expect_errno(ioeventfd(vm, a, ADDR + 4 * i, 4, DEASSIGN, 0), 0))
			return;
}

/* ------------------------------------------------------------ as the guest */

static void t_store_signals(const struct abi_test *t)
{
	struct ctx c;
	int efd = new_eventfd();
	int i;

	(void)t;
	if (!setup(&c) || !expect_errno(ioeventfd(c.vm, efd, ADDR, 4, 0, 0), 0))
		return;
	expect_eq(eventfd_count(efd), 0);
	if (expect_kernel(&c, ADDR, 4, 0xdeadbeef))
		expect_eq(eventfd_count(efd), 1);
	for (i = 0; i < 3; i++)
		expect_kernel(&c, ADDR, 4, (__u64)i);
	expect_eq(eventfd_count(efd), 3);
	/* A second vCPU's store too. */
	c.vcpu = new_vcpu(c.vm, 1);
	c.run = map_run(c.vcpu);
	if (c.run && expect_kernel(&c, ADDR, 4, 1))
		expect_eq(eventfd_count(efd), 1);
}

static void t_nonmatch_exits(const struct abi_test *t)
{
	struct ctx c;
	int efd = new_eventfd();
	__u64 data = 0x5555;

	(void)t;
	if (!setup(&c) || !expect_errno(ioeventfd(c.vm, efd, ADDR, 4, DM, 0x1234), 0))
		return;
	expect_exit(&c, ADDR, 4, 0x1235);
	expect_exit(&c, ADDR, 2, 0x1234);		/* another length */
	expect_exit(&c, ADDR, 8, 0x1234);
	expect_exit(&c, ADDR + 1, 1, 0x12);		/* inside the range */
	expect_exit(&c, ADDR - 4, 8, 0x123400000000ULL); /* a store covering it */
	/* Loads are never an ioeventfd's. */
	expect_eq(load(&c, ADDR, 4, &data), KVM_EXT_RESULT_EXIT);
	expect_eq(c.run->exit_reason, KVM_EXIT_MMIO);
	expect_eq(RUN_MMIO(c.run)->is_write, 0);
	expect_eq(data, 0);
	expect_eq(eventfd_count(efd), 0);
	expect_kernel(&c, ADDR, 4, 0x1234);
	expect_eq(eventfd_count(efd), 1);
}

/*
 * The datamatch is compared with the store's len bytes (6.1 zero-extends
 * them), so bytes of the access beyond len do not matter and a datamatch
 * wider than len never matches; each of two datamatch ioeventfds at one
 * address takes its own value.
 */
static void t_datamatch(const struct abi_test *t)
{
	struct ctx c;
	int one = new_eventfd(), two = new_eventfd(), wide = new_eventfd();

	(void)t;
	if (!setup(&c) || !expect_errno(ioeventfd(c.vm, one, ADDR, 2, DM, 0x1234), 0) ||
	    !expect_errno(ioeventfd(c.vm, two, ADDR, 2, DM, 0x5678), 0) ||
	    !expect_errno(ioeventfd(c.vm, wide, ADDR + 8, 4, DM, 0x100000001ULL), 0))
		return;
	expect_kernel(&c, ADDR, 2, 0xffffffffffff1234ULL);
	expect_eq(eventfd_count(one), 1);
	expect_eq(eventfd_count(two), 0);
	expect_kernel(&c, ADDR, 2, 0x5678);
	expect_eq(eventfd_count(one), 0);
	expect_eq(eventfd_count(two), 1);
	expect_exit(&c, ADDR, 2, 0x9abc);
	expect_exit(&c, ADDR + 8, 4, 0x100000001ULL);
	expect_exit(&c, ADDR + 8, 4, 1);
	expect_eq(eventfd_count(wide), 0);
	if (!expect_errno(ioeventfd(c.vm, wide, ADDR + 16, 8, DM, 0x8877665544332211ULL), 0))
		return;
	expect_kernel(&c, ADDR + 16, 8, 0x8877665544332211ULL);
	expect_eq(eventfd_count(wide), 1);
}

static void t_any_length(const struct abi_test *t)
{
	static const __u32 lens[] = { 1, 2, 4, 8 };
	struct ctx c;
	int efd = new_eventfd();
	size_t i;

	(void)t;
	if (!setup(&c) || !expect_errno(ioeventfd(c.vm, efd, ADDR, 0, 0, 0), 0))
		return;
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		expect_kernel(&c, ADDR, lens[i], 0x0102030405060708ULL);
	expect_eq(eventfd_count(efd), 4);
	expect_exit(&c, ADDR + 1, 1, 0x11);
	expect_exit(&c, ADDR - 1, 2, 0x1122);
	expect_eq(eventfd_count(efd), 0);
	if (!expect_errno(ioeventfd(c.vm, efd, ADDR, 0, DEASSIGN, 0), 0))
		return;
	expect_exit(&c, ADDR, 4, 0x11);
}

/*
 * After a deassign the store exits again; PIO and CCW notify ioeventfds
 * at the address never fire (no kvm_ext guest writes those buses); RAM at
 * the address takes the store, as a memslot comes before MMIO.
 */
static void t_deassign_buses_ram(const struct abi_test *t)
{
	struct ctx c;
	int efd = new_eventfd();
	void *mem = alloc_mem(PAGE_SZ);

	(void)t;
	if (!mem || !setup(&c) || !expect_errno(ioeventfd(c.vm, efd, ADDR, 4, 0, 0), 0))
		return;
	expect_kernel(&c, ADDR, 4, 1);
	expect_errno(ioeventfd(c.vm, efd, ADDR, 4, DEASSIGN, 0), 0);
	expect_exit(&c, ADDR, 4, 1);
	expect_errno(ioeventfd(c.vm, efd, ADDR, 4, PIO, 0), 0);
	expect_errno(ioeventfd(c.vm, efd, ADDR, 4, CCW, 0), 0);
	expect_exit(&c, ADDR, 4, 2);
	expect_eq(eventfd_count(efd), 1);
	if (!expect_errno(set_region(c.vm, 0, 0, RAM_GPA, PAGE_SZ, mem), 0) ||
	    !expect_errno(ioeventfd(c.vm, efd, RAM_GPA, 4, 0, 0), 0))
		return;
	expect_eq(store(&c, RAM_GPA, 4, 0x11223344), KVM_EXT_RESULT_RAM);
	expect_eq(*(__u32 *)mem, 0x11223344);
	expect_eq(eventfd_count(efd), 0);
	/* The slot goes: the address is MMIO, the ioeventfd's. */
	expect_errno(set_region(c.vm, 0, 0, RAM_GPA, 0, mem), 0);
	expect_kernel(&c, RAM_GPA, 4, 5);
	expect_eq(eventfd_count(efd), 1);
}

/*
 * An ioeventfd holds its eventfd: after the VMM closes its fd the stores
 * still do not exit. Closing the VM with ioeventfds assigned drops them
 * (the runner checks the module's allocations, the debug kernel kmemleak);
 * the VMM's eventfds stay usable.
 */
static void t_close_and_teardown(const struct abi_test *t)
{
	struct ctx c;
	int gone = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), kept = new_eventfd();
	__u64 one = 1;

	(void)t;
	if (gone < 0 || !setup(&c)) {
		if (gone >= 0)
			close(gone);
		return;
	}
	expect_errno(ioeventfd(c.vm, gone, ADDR, 4, 0, 0), 0);
	expect_errno(ioeventfd(c.vm, gone, ADDR + 8, 0, 0, 0), 0);
	expect_errno(ioeventfd(c.vm, kept, ADDR + 16, 4, DM, 1), 0);
	expect_errno(ioeventfd(c.vm, kept, ADDR + 16, 4, PIO, 0), 0);
	expect_errno(ioeventfd(c.vm, kept, ADDR + 16, 4, CCW, 0), 0);
	close(gone);
	expect_kernel(&c, ADDR, 4, 1);
	expect_kernel(&c, ADDR + 8, 1, 1);
	expect_errno(ioeventfd(c.vm, gone, ADDR, 4, DEASSIGN, 0), EBADF);
	expect_kernel(&c, ADDR + 16, 4, 1);
	xmunmap(c.run, (size_t)ioctl(g_sys, KVM_GET_VCPU_MMAP_SIZE, 0));
	xclose(c.vcpu);
	xclose(c.vm);
	expect_eq(eventfd_count(kept), 1);
	expect_eq(write(kept, &one, sizeof(one)), sizeof(one));
	expect_eq(eventfd_count(kept), 1);
}

/* ------------------------------------------------------------ arm64 */

#define ITS_BASE 0x08080000ULL
#define GITS_CBASER 0x80
#define CBASER(pa) (1ULL << 63 | 3ULL << 59 | 1ULL << 10 | (pa) | 1)

/*
 * An ioeventfd inside an ITS frame takes the stores it matches; the ITS
 * gets the rest. 6.1 sorts its MMIO bus by address and gives a store to
 * the first device containing it that accepts it, so there the frame,
 * placed first, would take them all and the eventfd would stay silent
 * (Documentation/differences.rst: kvm_ext follows api.rst's "a guest
 * write in the registered address will signal the provided event").
 */
static void t_its_frame(const struct abi_test *t)
{
	struct ctx c;
	int efd = new_eventfd(), its = -1;
	__u64 base = ITS_BASE, v = 0;
	__u32 fd;

	(void)t;
	if (!setup(&c) ||
	    !expect_errno(create_device(c.vm, KVM_DEV_TYPE_ARM_VGIC_ITS, 0, &fd), 0))
		return;
	its = track_fd((int)fd);
	if (!expect_errno(dev_attr(its, KVM_SET_DEVICE_ATTR, GRP_ADDR, 4, (__u64)(uintptr_t)&base),
			  0) ||
	    !expect_errno(ioeventfd(c.vm, efd, ITS_BASE + GITS_CBASER, 8, DM, CBASER(0x50000000)),
			  0))
		return;
	expect_kernel(&c, ITS_BASE + GITS_CBASER, 8, CBASER(0x50000000));
	expect_eq(eventfd_count(efd), 1);
	expect_eq(load(&c, ITS_BASE + GITS_CBASER, 8, &v), KVM_EXT_RESULT_KERNEL);
	expect_eq(v, 0);
	expect_kernel(&c, ITS_BASE + GITS_CBASER, 8, CBASER(0x60000000));
	expect_eq(eventfd_count(efd), 0);
	expect_eq(load(&c, ITS_BASE + GITS_CBASER, 8, &v), KVM_EXT_RESULT_KERNEL);
	expect_eq(v, CBASER(0x60000000));
	/* A store the ioeventfd does not match also goes on to the ITS. */
	expect_errno(ioeventfd(c.vm, efd, ITS_BASE + GITS_CBASER, 8, DEASSIGN | DM,
			       CBASER(0x50000000)),
		     0);
	expect_kernel(&c, ITS_BASE + GITS_CBASER, 8, CBASER(0x50000000));
	expect_eq(eventfd_count(efd), 0);
	expect_eq(load(&c, ITS_BASE + GITS_CBASER, 8, &v), KVM_EXT_RESULT_KERNEL);
	expect_eq(v, CBASER(0x50000000));
}

/*
 * One eventfd both an ioeventfd and an irqfd: a guest store raises the
 * irqfd's SPI, as a VMM might loop a doorbell back as an interrupt
 * (in the debug kernel, lockdep sees slots_lock, the eventfd's wait
 * queue, the irqfd list and the GIC nest).
 */
static void t_irqfd_chain(const struct abi_test *t)
{
	struct kvm_irqfd irqfd;
	struct gic g;
	struct ctx c;
	int efd = new_eventfd();
	__u32 intid = SPURIOUS;
	int ms;

	(void)t;
	if (!gic_guest_up(&g, V3, 1, NULL))
		return;
	guest_spi(&g, 41, 0xa0, 0, true);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = (__u32)efd;
	irqfd.gsi = 9; /* CTRL_INIT's default table: SPI 41 */
	if (!expect_errno(ioctl(g.vm, KVM_IRQFD, &irqfd), 0) ||
	    !expect_errno(ioeventfd(g.vm, efd, ADDR, 4, DM, 0x1), 0))
		return;
	c.vm = g.vm;
	c.vcpu = g.vcpu[0];
	c.run = g.run[0];
	expect_exit(&c, ADDR, 4, 0x2);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), SPURIOUS);
	expect_kernel(&c, ADDR, 4, 0x1);
	for (ms = 0; ms < 1000; ms++) {
		intid = (__u32)icc_rd(g.vcpu[0], ICC_HPPIR1);
		if (intid == 41)
			break;
		sleep_ms(1);
	}
	expect_eq(intid, 41);
	intid = (__u32)icc_rd(g.vcpu[0], ICC_IAR1);
	expect_eq(intid, 41);
	icc_wr(g.vcpu[0], ICC_EOIR1, intid);
	expect_eq(eventfd_count(efd), 0); /* the irqfd consumed it */
}

#define A M_ARM64
#define E T_EXT

static const struct abi_test ioeventfd_tests[] = {
	{ "assign: bad struct -EFAULT; len other than 0/1/2/4/8 -EINVAL, before the fd", REF,
	  t_fault_and_len, 0, 0, 0, 0 },
	{ "assign: addr + len wrapping (or ending at 2^64) -EINVAL, before the fd", REF, t_wrap, 0,
	  0, 0, 0 },
	{ "assign: flags outside KVM_IOEVENTFD_VALID_FLAG_MASK -EINVAL before the fd; bit 4 accepted",
	  REF, t_flags, 0, 0, 0, 0 },
	{ "assign: len 0 with DATAMATCH -EINVAL before the fd; len 0 alone accepted", REF_ANY,
	  t_len0_datamatch, 0, 0, 0, 0 },
	{ "assign and deassign: fd not open -EBADF, not an eventfd -EINVAL", REF, t_fds, 0, 0, 0, 0 },
	{ "-EEXIST: same bus and address and a store both match (wildcard, datamatch, len 0)", REF,
	  t_collisions, 0, 0, 0, 0 },
	{ "no collision: another length, datamatch, address inside the range, or bus", REF,
	  t_no_collision, 0, 0, 0, 0 },
	{ "PIO and VIRTIO_CCW_NOTIFY ioeventfds are accepted (6.1 has every bus everywhere)", REF,
	  t_buses, 0, 0, 0, 0 },
	{ "deassign: bus, eventfd, address, length and datamatch rule must match, else -ENOENT", REF,
	  t_deassign_match, 0, 0, 0, 0 },
	{ "deassign checks neither length nor flags; assign again after deassign", REF,
	  t_deassign_unchecked, 0, 0, 0, 0 },
	{ "more ioeventfds than NR_IOBUS_DEVS (1000): ioeventfds do not count", REF, t_many, 0, 0,
	  0, 0 },
	{ "a matching guest store signals the eventfd and does not exit", REF, t_store_signals, 0,
	  E, 0, 0 },
	{ "other stores exit KVM_EXIT_MMIO (value, length, address); loads always exit", REF,
	  t_nonmatch_exits, 0, E, 0, 0 },
	{ "datamatch: the store's len bytes; two at one address each take their own value", REF,
	  t_datamatch, 0, E, 0, 0 },
	{ "len 0 takes stores of every length at its address", REF_ANY, t_any_length, 0, E, 0, 0 },
	{ "deassigned, PIO and CCW ioeventfds never fire; RAM at the address comes first", REF,
	  t_deassign_buses_ram, 0, E, 0, 0 },
	{ "a closed eventfd's ioeventfd still takes stores; VM teardown with ioeventfds assigned",
	  REF, t_close_and_teardown, 0, E, 0, 0 },
	{ "an ioeventfd in an ITS frame takes what it matches, the ITS the rest (6.1: the ITS)",
	  REF_ITS, t_its_frame, A, E, 0, 0 },
	{ "an eventfd both ioeventfd and irqfd: a guest store pends the irqfd's SPI", REF_IRQFD,
	  t_irqfd_chain, A, E, 0, 0 },
};

TEST_GROUP(ioeventfd);
