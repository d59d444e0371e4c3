// SPDX-License-Identifier: GPL-2.0
/* Rule 5: KVM_SET_USER_MEMORY_REGION (api.rst 4.35). */
#include <string.h>

#include "abi_test.h"

#define REF "api.rst 4.35 KVM_SET_USER_MEMORY_REGION"
#define GPA 0x100000ULL
#define SZ (4 * PAGE_SZ)
#define KVM_MEM_MAX_NR_PAGES ((1ULL << 31) - 1)

struct slot_ctx {
	int vm;
	unsigned char *mem; /* 4 * SZ bytes of backing */
};

static bool setup(struct slot_ctx *c, unsigned long type)
{
	c->mem = alloc_mem(4 * SZ);
	c->vm = new_vm(type);
	return c->mem && c->vm >= 0;
}

static void t_create(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 1, KVM_MEM_LOG_DIRTY_PAGES, GPA + SZ, SZ, c.mem + SZ), 0);
	/* two slots may share backing memory */
	expect_errno(set_region(c.vm, 2, 0, GPA + 2 * SZ, SZ, c.mem), 0);
}

static void t_bad_flags(const struct abi_test *t)
{
	struct slot_ctx c;
	unsigned int bit;

	(void)t;
	if (!setup(&c, 0))
		return;
	for (bit = 2; bit < 32; bit++)
		if (!expect_errno(set_region(c.vm, 0, 1U << bit, GPA, SZ, c.mem), EINVAL))
			diag("  flag bit %u accepted", bit);
	expect_errno(set_region(c.vm, 0, KVM_MEM_LOG_DIRTY_PAGES | (1U << 2), GPA, SZ, c.mem),
		     EINVAL);
}

/* KVM_MEM_READONLY exactly where KVM_CAP_READONLY_MEM says so. */
static void t_readonly_flag(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	desc_append(P->cap_readonly_mem ? ": accepted" : ": -EINVAL");
	expect_errno(set_region(c.vm, 0, KVM_MEM_READONLY, GPA, SZ, c.mem),
		     P->cap_readonly_mem ? 0 : EINVAL);
	expect_errno(set_region(c.vm, 1, KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES, GPA + SZ, SZ,
				c.mem + SZ),
		     P->cap_readonly_mem ? 0 : EINVAL);
}

static void t_size_unaligned(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, PAGE_SZ + 1, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, PAGE_SZ / 2, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ - 8, c.mem), EINVAL);
}

static void t_gpa_unaligned(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA + 1, SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA + PAGE_SZ / 2, SZ, c.mem), EINVAL);
}

static void t_uaddr_unaligned(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem + 1), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem + 2048), EINVAL);
}

/*
 * access_ok() of the host (the VMM's address space is the host's): kernel
 * addresses, and a range that runs from user space into them. 2^56 - 4 KiB
 * is beyond TASK_SIZE_MAX with 4-level paging and the last user page with
 * 5-level paging (x86-64 LA57), so the range is refused either way.
 * s390 hosts have a separate user address space (access_ok() is always true).
 */
static void t_uaddr_kernel(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
#ifdef __s390x__
	skip_test("s390 host: access_ok() accepts every address");
	return;
#endif
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, (void *)0xffff800000000000UL), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, (void *)0xfffffffffffff000UL), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, 0x10000, (void *)0x00fffffffffff000UL), EINVAL);
}

static void t_slot_id(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 32767, 0, GPA, SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0xffff, 0, GPA, SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 32766, 0, GPA, SZ, c.mem), 0);
}

static void t_as_id(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 1U << 16, 0, GPA, SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, (1U << 16) | 3, 0, GPA, SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0xffffU << 16, 0, GPA, SZ, c.mem), EINVAL);
	/* deleting in a nonexistent address space is no better */
	expect_errno(set_region(c.vm, 1U << 16, 0, GPA, 0, c.mem), EINVAL);
}

static void t_gpa_wrap(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, 0xfffffffffffff000ULL, 2 * PAGE_SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, 0xffffffffffff0000ULL, 0x20000, c.mem), EINVAL);
}

/* KVM_MEM_MAX_NR_PAGES: a slot is at most 2^31 - 1 pages. */
static void t_too_big(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, 0, (KVM_MEM_MAX_NR_PAGES + 1) * PAGE_SZ,
				(void *)0x100000000UL),
		     EINVAL);
}

static void t_overlap(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	if (!expect_errno(set_region(c.vm, 0, 0, GPA + SZ, SZ, c.mem), 0))
		return;
	/* same range, head, tail, inside, around */
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ, SZ, c.mem + SZ), EEXIST);
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ - PAGE_SZ, 2 * PAGE_SZ, c.mem + SZ), EEXIST);
	expect_errno(set_region(c.vm, 1, 0, GPA + 2 * SZ - PAGE_SZ, 2 * PAGE_SZ, c.mem + SZ),
		     EEXIST);
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ + PAGE_SZ, PAGE_SZ, c.mem + SZ), EEXIST);
	expect_errno(set_region(c.vm, 1, 0, GPA, 3 * SZ, c.mem), EEXIST);
	/* adjacent on either side is fine */
	expect_errno(set_region(c.vm, 1, 0, GPA, SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 2, 0, GPA + 2 * SZ, SZ, c.mem + 2 * SZ), 0);
}

static void t_delete_missing(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 5, 0, GPA, 0, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, 0, 0, NULL), EINVAL);
	expect_errno(set_region(c.vm, 1, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 1, 0, GPA, 0, c.mem), 0);
	expect_errno(set_region(c.vm, 1, 0, GPA, 0, c.mem), EINVAL);
}

static void t_delete_recreate(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 3, 0, GPA, SZ, c.mem), 0);
	/* deletion ignores the other fields */
	expect_errno(set_region(c.vm, 3, 0, 0x5000000, 0, NULL), 0);
	expect_errno(set_region(c.vm, 3, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 3, 0, GPA, 0, c.mem), 0);
	/* the id and the range are both free again */
	expect_errno(set_region(c.vm, 3, 0, GPA + 4 * SZ, 2 * SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 4, 0, GPA, SZ, c.mem), 0);
}

static void t_modify_bad(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	if (!expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem + SZ), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, 2 * SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ / 2, c.mem), EINVAL);
	/* ... also when moving at the same time */
	expect_errno(set_region(c.vm, 0, 0, GPA + 8 * SZ, SZ, c.mem + SZ), EINVAL);
}

static void t_modify_readonly(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, KVM_MEM_READONLY, GPA, SZ, c.mem), EINVAL);
	expect_errno(set_region(c.vm, 1, KVM_MEM_READONLY, GPA + SZ, SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ, SZ, c.mem + SZ), EINVAL);
	expect_errno(set_region(c.vm, 1, KVM_MEM_LOG_DIRTY_PAGES, GPA + SZ, SZ, c.mem + SZ),
		     EINVAL);
}

static void t_modify_same(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 1, KVM_MEM_LOG_DIRTY_PAGES, GPA + SZ, SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 1, KVM_MEM_LOG_DIRTY_PAGES, GPA + SZ, SZ, c.mem + SZ), 0);
}

static void t_modify_log(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, KVM_MEM_LOG_DIRTY_PAGES, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, KVM_MEM_LOG_DIRTY_PAGES, GPA, SZ, c.mem), 0);
	/* flags and base together */
	expect_errno(set_region(c.vm, 0, 0, GPA + 4 * SZ, SZ, c.mem), 0);
}

static void t_move(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, 0, GPA + 8 * SZ, SZ, c.mem), 0);
	/* the old range is free, the new one taken */
	expect_errno(set_region(c.vm, 1, 0, GPA, SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 2, 0, GPA + 8 * SZ, SZ, c.mem + 2 * SZ), EEXIST);
	/* a move overlapping the slot's own old range */
	expect_errno(set_region(c.vm, 0, 0, GPA + 8 * SZ + PAGE_SZ, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 0, 0, GPA + 8 * SZ, SZ, c.mem), 0);
}

static void t_move_onto(const struct abi_test *t)
{
	struct slot_ctx c;

	(void)t;
	if (!setup(&c, 0))
		return;
	expect_errno(set_region(c.vm, 0, 0, GPA, SZ, c.mem), 0);
	expect_errno(set_region(c.vm, 1, 0, GPA + 4 * SZ, SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 1, 0, GPA, SZ, c.mem + SZ), EEXIST);
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ - PAGE_SZ, SZ, c.mem + SZ), EEXIST);
	/* the failed moves left slot 1 where it was */
	expect_errno(set_region(c.vm, 2, 0, GPA + 4 * SZ, PAGE_SZ, c.mem + 2 * SZ), EEXIST);
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ, SZ, c.mem + SZ), 0);
}

/* arm64: KVM_VM_TYPE_ARM_IPA_SIZE(32) is 4 GiB of guest physical space. */
static void t_beyond_ipa(const struct abi_test *t)
{
	struct slot_ctx c;
	const __u64 lim = 1ULL << 32;

	(void)t;
	if (!setup(&c, KVM_VM_TYPE_ARM_IPA_SIZE(32)))
		return;
	expect_errno(set_region(c.vm, 0, 0, lim, SZ, c.mem), EFAULT);
	expect_errno(set_region(c.vm, 0, 0, lim - PAGE_SZ, SZ, c.mem), EFAULT);
	expect_errno(set_region(c.vm, 0, 0, lim - SZ, SZ, c.mem), 0);
	/* moving beyond it */
	expect_errno(set_region(c.vm, 1, 0, GPA, SZ, c.mem + SZ), 0);
	expect_errno(set_region(c.vm, 1, 0, lim + GPA, SZ, c.mem + SZ), EFAULT);
	expect_errno(set_region(c.vm, 1, 0, GPA + SZ, SZ, c.mem + SZ), 0);
}

static void t_bad_ptr(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	expect_errno(ioctl(vm, KVM_SET_USER_MEMORY_REGION, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vm, KVM_SET_USER_MEMORY_REGION, NULL), EFAULT);
}

/* Many slots: 600 one-page slots at distinct gpas, then deleted. */
static void t_many(const struct abi_test *t)
{
	enum { N = 600 };
	struct slot_ctx c;
	unsigned char *mem;
	int i, bad = 0;

	(void)t;
	mem = alloc_mem(2 * N * PAGE_SZ);
	c.vm = new_vm(0);
	if (!mem || c.vm < 0)
		return;
	/* spread over the id space, every other guest page */
	for (i = 0; i < N && !bad; i++)
		if (!expect_errno(set_region(c.vm, i * 50, 0, GPA + 2ULL * i * PAGE_SZ, PAGE_SZ,
					     mem + i * PAGE_SZ),
				  0)) {
			diag("  slot %d of %d", i, N);
			bad = 1;
		}
	expect_errno(set_region(c.vm, 32766, 0, GPA + PAGE_SZ, PAGE_SZ, mem), 0);
	for (i = 0; i < N && !bad; i++)
		if (!expect_errno(set_region(c.vm, i * 50, 0, 0, 0, NULL), 0)) {
			diag("  deleting slot %d", i * 50);
			bad = 1;
		}
	expect_errno(set_region(c.vm, 0, 0, 0, 0, NULL), EINVAL);
	/* every range is free again */
	expect_errno(set_region(c.vm, 0, 0, GPA, 2ULL * N * PAGE_SZ, mem), EEXIST);
	expect_errno(set_region(c.vm, 32766, 0, 0, 0, NULL), 0);
	expect_errno(set_region(c.vm, 0, 0, GPA, 2ULL * N * PAGE_SZ, mem), 0);
}

static const struct abi_test memslot_tests[] = {
	{ "create slots (anonymous mmap backing)", REF, t_create, 0, 0, 0, 0 },
	{ "flags beyond LOG_DIRTY_PAGES|READONLY -EINVAL", REF, t_bad_flags, 0, 0, 0, 0 },
	{ "KVM_MEM_READONLY iff KVM_CAP_READONLY_MEM", REF, t_readonly_flag, 0, 0, 0, 0 },
	{ "memory_size not page aligned -EINVAL", REF, t_size_unaligned, 0, 0, 0, 0 },
	{ "guest_phys_addr not page aligned -EINVAL", REF, t_gpa_unaligned, 0, 0, 0, 0 },
	{ "userspace_addr not page aligned -EINVAL", REF, t_uaddr_unaligned, 0, 0, 0, 0 },
	{ "userspace_addr in kernel space -EINVAL", REF, t_uaddr_kernel, 0, 0, 0, 0 },
	{ "slot id >= KVM_CAP_NR_MEMSLOTS (32767) -EINVAL, 32766 succeeds", REF, t_slot_id, 0, 0,
	  0, 0 },
	{ "address space id (slot bits 16-31) >= 1 -EINVAL", REF, t_as_id, 0, 0, 0, 0 },
	{ "guest_phys_addr + memory_size wrapping -EINVAL", REF, t_gpa_wrap, 0, 0, 0, 0 },
	{ "more than KVM_MEM_MAX_NR_PAGES pages -EINVAL", REF, t_too_big, 0, 0, 0, 0 },
	{ "overlapping another slot -EEXIST, adjacent succeeds", REF, t_overlap, 0, 0, 0, 0 },
	{ "deleting (memory_size 0) a slot that does not exist -EINVAL", REF, t_delete_missing,
	  0, 0, 0, 0 },
	{ "delete then re-create succeeds", REF, t_delete_recreate, 0, 0, 0, 0 },
	{ "modifying userspace_addr or memory_size of a slot -EINVAL", REF, t_modify_bad, 0, 0,
	  0, 0 },
	{ "toggling KVM_MEM_READONLY of a slot -EINVAL", REF, t_modify_readonly, M_ARM64, 0, 0,
	  0 },
	{ "the same parameters again succeed (no-op)", REF, t_modify_same, 0, 0, 0, 0 },
	{ "toggling only KVM_MEM_LOG_DIRTY_PAGES succeeds", REF, t_modify_log, 0, 0, 0, 0 },
	{ "moving a slot (new guest_phys_addr) succeeds", REF, t_move, 0, 0, 0, 0 },
	{ "moving a slot onto another -EEXIST", REF, t_move_onto, 0, 0, 0, 0 },
	{ "slot beyond the VM's IPA space (type 32: 4 GiB) -EFAULT", REF, t_beyond_ipa, M_ARM64,
	  0, 0, 0 },
	{ "bad struct pointer -EFAULT", REF, t_bad_ptr, 0, 0, 0, 0 },
	{ "600 one-page slots at distinct gpas and ids, then all deleted", REF, t_many, 0, 0, 0,
	  0 },
};

TEST_GROUP(memslot);
