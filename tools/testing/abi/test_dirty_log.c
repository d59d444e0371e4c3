// SPDX-License-Identifier: GPL-2.0
/*
 * Rule 10: dirty logging (api.rst 4.8 KVM_GET_DIRTY_LOG, 4.117
 * KVM_CLEAR_DIRTY_LOG, 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 4.37
 * KVM_ENABLE_CAP, 4.35 KVM_SET_USER_MEMORY_REGION's KVM_MEM_LOG_DIRTY_PAGES).
 *
 * Ground truth is Linux 6.1 virt/kvm/kvm_main.c (kvm_get_dirty_log_protect(),
 * kvm_clear_dirty_log_protect(), kvm_vm_ioctl_enable_cap_generic(),
 * kvm_prepare_memory_region()) for arm64, which selects
 * KVM_GENERIC_DIRTYLOG_READ_PROTECT; ppc (book3s_hv.c
 * kvm_vm_ioctl_get_dirty_log_hv()) and s390 (kvm-s390.c
 * kvm_vm_ioctl_get_dirty_log()) do not: there KVM_GET_DIRTY_LOG always
 * clears, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 is 0 and KVM_CLEAR_DIRTY_LOG is
 * an unknown VM ioctl.
 *
 * Pages become dirty through KVM_EXT_GUEST_ACCESS stores (the test acts as
 * the guest): those tests are kvm_ext-only (T_EXT). On arm64 the tests of
 * KVM_CLEAR_DIRTY_LOG get their dirty bits from KVM_DIRTY_LOG_INITIALLY_SET
 * instead, so that they also run against a real /dev/kvm.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_CAP "api.rst 4.4 KVM_CHECK_EXTENSION, 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2"
#define REF_CAPVM "api.rst 4.4 KVM_CHECK_EXTENSION, 4.37 KVM_ENABLE_CAP"
#define REF_EN "api.rst 4.37 KVM_ENABLE_CAP, 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2"
#define REF_INIT "api.rst 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 (KVM_DIRTY_LOG_INITIALLY_SET)"
#define REF_SLOT "api.rst 4.35 KVM_SET_USER_MEMORY_REGION (KVM_MEM_LOG_DIRTY_PAGES), 4.8"
#define REF_GET "api.rst 4.8 KVM_GET_DIRTY_LOG"
#define REF_GETM "api.rst 4.8 KVM_GET_DIRTY_LOG, 7.18 KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2"
#define REF_CLR "api.rst 4.117 KVM_CLEAR_DIRTY_LOG"
#define REF_ROUND "api.rst 4.8, 4.117, 7.18 (QEMU's migration dirty-log round)"

#define GPA 0x100000ULL
#define W KVM_EXT_ACCESS_WRITE
#define MEM KVM_EXT_ACCESS_MEM
#define ENABLE KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE
#define INIT_SET KVM_DIRTY_LOG_INITIALLY_SET
#define LOG KVM_MEM_LOG_DIRTY_PAGES
#define SENTINEL 0xa5a5a5a5a5a5a5a5ULL
#define BM_WORDS(n) (((n) + 63) / 64)
/* Room for a slot of up to 4096 pages plus sentinel words. */
#define BM_MAX (4096 / 64 + 4)

/* ------------------------------------------------------------ helpers */

static int enable_cap(int vm, __u32 cap, __u32 flags, __u64 arg0)
{
	struct kvm_enable_cap c;

	memset(&c, 0, sizeof(c));
	c.cap = cap;
	c.flags = flags;
	c.args[0] = arg0;
	return ioctl(vm, KVM_ENABLE_CAP, &c);
}

static int enable_manual(int vm, __u64 arg0)
{
	return enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, arg0);
}

static int get_log(int vm, __u32 slot, void *bitmap)
{
	struct kvm_dirty_log l;

	memset(&l, 0, sizeof(l));
	l.slot = slot;
	l.dirty_bitmap = bitmap;
	return ioctl(vm, KVM_GET_DIRTY_LOG, &l);
}

static int clear_log(int vm, __u32 slot, __u64 first, __u32 num, void *bitmap)
{
	struct kvm_clear_dirty_log l;

	memset(&l, 0, sizeof(l));
	l.slot = slot;
	l.first_page = first;
	l.num_pages = num;
	l.dirty_bitmap = bitmap;
	return ioctl(vm, KVM_CLEAR_DIRTY_LOG, &l);
}

static void bm_set(uint64_t *bm, unsigned long page)
{
	bm[page / 64] |= 1ULL << (page % 64);
}

static bool bm_test(const uint64_t *bm, unsigned long page)
{
	return (bm[page / 64] >> (page % 64)) & 1;
}

/* The bitmap with pages [0, npages) set, as KVM_DIRTY_LOG_INITIALLY_SET makes it. */
static void bm_fill(uint64_t *bm, unsigned long npages)
{
	unsigned long i;

	memset(bm, 0, BM_WORDS(npages) * 8);
	for (i = 0; i < npages; i++)
		bm_set(bm, i);
}

static void bm_sentinel(uint64_t *bm, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		bm[i] = SENTINEL;
}

/*
 * KVM_GET_DIRTY_LOG of slot `slot` (npages pages) must succeed and return
 * exactly `want`: every word of the log (bits past the slot's last page
 * zero), and nothing written past ALIGN(npages, 64) / 8 bytes
 * (kvm_dirty_bitmap_bytes()).
 */
static bool expect_log_at(const char *file, int line, int vm, __u32 slot, unsigned long npages,
			  const uint64_t *want, const char *what)
{
	static uint64_t got[BM_MAX];
	size_t words = BM_WORDS(npages), i;
	int shown = 0, r, err;
	bool ok = true;

	bm_sentinel(got, ARRAY_SIZE(got));
	r = get_log(vm, slot, got);
	err = errno;
	if (!expect_errno_at(file, line, "get_log(vm, slot, bitmap)", r, err, 0)) {
		diag("  (%s)", what);
		return false;
	}
	for (i = 0; i < words; i++) {
		if (got[i] == want[i])
			continue;
		if (ok)
			fail_at(file, line, "%s: log word %zu is %#llx, expected %#llx", what, i,
				(unsigned long long)got[i], (unsigned long long)want[i]);
		else if (shown < 8)
			diag("  %s: log word %zu is %#llx, expected %#llx", what, i,
			     (unsigned long long)got[i], (unsigned long long)want[i]);
		shown++;
		ok = false;
	}
	if (got[words] != SENTINEL) {
		fail_at(file, line, "%s: the log of %lu pages wrote past %zu bytes (%#llx)", what,
			npages, words * 8, (unsigned long long)got[words]);
		ok = false;
	}
	return ok;
}
#define expect_log(vm, slot, npages, want, what)                                \
	expect_log_at(__FILE__, __LINE__, vm, slot, npages, want, what)

static bool expect_log_empty_at(const char *file, int line, int vm, __u32 slot,
				unsigned long npages, const char *what)
{
	static uint64_t zero[BM_MAX];

	return expect_log_at(file, line, vm, slot, npages, zero, what);
}
#define expect_log_empty(vm, slot, npages, what)                                \
	expect_log_empty_at(__FILE__, __LINE__, vm, slot, npages, what)

static bool expect_log_full_at(const char *file, int line, int vm, __u32 slot,
			       unsigned long npages, const char *what)
{
	static uint64_t full[BM_MAX];

	bm_fill(full, npages);
	return expect_log_at(file, line, vm, slot, npages, full, what);
}
#define expect_log_full(vm, slot, npages, what)                                 \
	expect_log_full_at(__FILE__, __LINE__, vm, slot, npages, what)

/* A guest store of 8 bytes to RAM (KVM_EXT_GUEST_ACCESS). */
static bool store_at(const char *file, int line, int vcpu, __u64 gpa, __u64 val)
{
	__u32 result = 0;
	int r = guest_access(vcpu, MEM, W, gpa, 8, &val, &result), err = errno;

	if (!expect_errno_at(file, line, "guest store", r, err, 0))
		return false;
	return expect_eq_at(file, line, "guest store result", result, KVM_EXT_RESULT_RAM);
}
#define store(vcpu, gpa, val) store_at(__FILE__, __LINE__, vcpu, gpa, val)

/* A VM, one vCPU and npages of backing memory (no slot yet). */
struct dl_ctx {
	int vm, vcpu;
	unsigned char *mem;
	unsigned long npages;
};

static bool setup(struct dl_ctx *c, unsigned long npages, bool vcpu)
{
	c->npages = npages;
	c->mem = alloc_mem(npages * PAGE_SZ);
	c->vm = new_vm(0);
	c->vcpu = vcpu && c->vm >= 0 ? new_vcpu(c->vm, 0) : -1;
	return c->mem && c->vm >= 0 && (!vcpu || c->vcpu >= 0);
}

/* setup() plus slot 0 at GPA over all of it with `flags`. */
static bool setup_slot(struct dl_ctx *c, unsigned long npages, bool vcpu, __u32 flags)
{
	if (!setup(c, npages, vcpu))
		return false;
	return expect_errno(set_region(c->vm, 0, flags, GPA, npages * PAGE_SZ, c->mem), 0);
}

static __u64 page_gpa(unsigned long page)
{
	return GPA + page * PAGE_SZ;
}

/* ------------------------------------------------------------ capabilities */

/* kvm_vm_ioctl_check_extension_generic(): KVM_DIRTY_LOG_MANUAL_CAPS or absent. */
static void t_cap_protect2(const struct abi_test *t)
{
	long want = (long)P->manual_dirty_log_caps;
	int vm;

	(void)t;
	desc_append(" == %ld", want);
	expect_eq(check_ext(g_sys, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), want);
	vm = new_vm(0);
	if (vm >= 0)
		expect_eq(check_ext(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2), want);
}

/* The obsolete KVM_CAP_MANUAL_DIRTY_LOG_PROTECT (166): no Linux 6.1 arch answers it. */
static void t_cap_protect_old(const struct abi_test *t)
{
	int vm;

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT), 0);
	vm = new_vm(0);
	if (vm >= 0)
		expect_eq(check_ext(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT), 0);
}

static void t_cap_enable_cap_vm(const struct abi_test *t)
{
	int vm;

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_ENABLE_CAP_VM), 1);
	vm = new_vm(0);
	if (vm >= 0)
		expect_eq(check_ext(vm, KVM_CAP_ENABLE_CAP_VM), 1);
}

/* ------------------------------------------------------------ KVM_ENABLE_CAP */

/* kvm_vm_ioctl_enable_cap_generic(): allowed args[0] bits, cap.flags. */
static void t_enable_args(const struct abi_test *t)
{
	struct kvm_enable_cap c;
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	/* unknown bits, alone or with the known ones */
	expect_errno(enable_manual(vm, 1ULL << 2), EINVAL);
	expect_errno(enable_manual(vm, ENABLE | (1ULL << 2)), EINVAL);
	expect_errno(enable_manual(vm, ENABLE | INIT_SET | (1ULL << 63)), EINVAL);
	expect_errno(enable_manual(vm, ~0ULL), EINVAL);
	/* KVM_DIRTY_LOG_INITIALLY_SET depends on ..._PROTECT_ENABLE */
	expect_errno(enable_manual(vm, INIT_SET), EINVAL);
	/* cap.flags must be 0 */
	expect_errno(enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 1, ENABLE), EINVAL);
	expect_errno(enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 1U << 31, 0), EINVAL);
	/* valid: enable, enable with initially-set, disable; again and again */
	expect_errno(enable_manual(vm, ENABLE), 0);
	expect_errno(enable_manual(vm, ENABLE | INIT_SET), 0);
	expect_errno(enable_manual(vm, 0), 0);
	expect_errno(enable_manual(vm, 0), 0);
	expect_errno(enable_manual(vm, ENABLE | INIT_SET), 0);
	expect_errno(enable_manual(vm, ENABLE), 0);
	/* args[1..3] are not looked at */
	memset(&c, 0, sizeof(c));
	c.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2;
	c.args[0] = ENABLE;
	c.args[1] = c.args[2] = c.args[3] = ~0ULL;
	memset(c.pad, 0xff, sizeof(c.pad));
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), 0);
}

/* ppc, s390: no KVM_GENERIC_DIRTYLOG_READ_PROTECT: the arch's enable_cap refuses it. */
static void t_enable_unsupported(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	expect_errno(enable_manual(vm, ENABLE), EINVAL);
	expect_errno(enable_manual(vm, ENABLE | INIT_SET), EINVAL);
	expect_errno(enable_manual(vm, 0), EINVAL);
}

static void t_enable_old_cap(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	expect_errno(enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT, 0, ENABLE), EINVAL);
	expect_errno(enable_cap(vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT, 0, 0), EINVAL);
}

static void t_enable_bad_ptr(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, NULL), EFAULT);
}

/*
 * kvm->manual_dirty_log_protect is simply replaced: the mode of every log,
 * existing ones too, changes at once, and a refused call changes nothing.
 * Dirty bits from INITIALLY_SET (no guest needed).
 */
static void t_enable_switch(const struct abi_test *t)
{
	struct dl_ctx c;
	const unsigned long n = 130;

	(void)t;
	if (!setup(&c, n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	/* manual: GET clears nothing */
	expect_log_full(c.vm, 0, n, "manual, first GET");
	expect_log_full(c.vm, 0, n, "manual, second GET");
	/* back to legacy and to manual: still all set */
	expect_errno(enable_manual(c.vm, 0), 0);
	expect_errno(enable_manual(c.vm, ENABLE), 0);
	expect_log_full(c.vm, 0, n, "manual again");
	/* refused calls leave manual mode on */
	expect_errno(enable_manual(c.vm, INIT_SET), EINVAL);
	expect_errno(enable_cap(c.vm, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 1, 0), EINVAL);
	expect_errno(enable_manual(c.vm, 1ULL << 5), EINVAL);
	expect_log_full(c.vm, 0, n, "manual after refused KVM_ENABLE_CAPs");
	/* legacy: GET returns and clears */
	expect_errno(enable_manual(c.vm, 0), 0);
	expect_log_full(c.vm, 0, n, "legacy, first GET");
	expect_log_empty(c.vm, 0, n, "legacy, second GET");
}

/* The same from a log created in legacy mode, with guest stores. */
static void t_enable_while_logging(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 64;

	(void)t;
	if (!setup_slot(&c, n, true, LOG))
		return;
	memset(want, 0, sizeof(want));
	bm_set(want, 1);
	bm_set(want, 40);
	if (!store(c.vcpu, page_gpa(1), 1) || !store(c.vcpu, page_gpa(40), 2))
		return;
	expect_errno(enable_manual(c.vm, ENABLE), 0);
	expect_log(c.vm, 0, n, want, "manual enabled after the stores");
	expect_log(c.vm, 0, n, want, "manual, second GET");
	expect_errno(enable_manual(c.vm, 0), 0);
	expect_log(c.vm, 0, n, want, "legacy again");
	expect_log_empty(c.vm, 0, n, "legacy, second GET");
}

/* ------------------------------------------------------------ INITIALLY_SET */

static void t_initially_set(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 100;

	(void)t;
	if (!setup(&c, 4 * n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0))
		return;
	/* a new logging slot: pages 0..99 set, bits 100..127 of word 1 clear */
	if (expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0)) {
		memset(want, 0, sizeof(want));
		want[0] = ~0ULL;
		want[1] = (1ULL << 36) - 1;
		expect_log(c.vm, 0, n, want, "100-page slot created with INITIALLY_SET");
	}
	/* logging turned on for an existing slot: the new log is set too */
	if (expect_errno(set_region(c.vm, 1, 0, GPA + n * PAGE_SZ, n * PAGE_SZ,
				    c.mem + n * PAGE_SZ),
			 0)) {
		expect_errno(get_log(c.vm, 1, want), ENOENT);
		expect_errno(set_region(c.vm, 1, LOG, GPA + n * PAGE_SZ, n * PAGE_SZ,
					c.mem + n * PAGE_SZ),
			     0);
		expect_log_full(c.vm, 1, n, "LOG_DIRTY_PAGES set on an existing slot");
	}
	/* ENABLE alone: new logs start clear */
	expect_errno(enable_manual(c.vm, ENABLE), 0);
	if (expect_errno(set_region(c.vm, 2, LOG, GPA + 2 * n * PAGE_SZ, n * PAGE_SZ,
				    c.mem + 2 * n * PAGE_SZ),
			 0))
		expect_log_empty(c.vm, 2, n, "slot created with ENABLE only");
	/* and so after disabling */
	expect_errno(enable_manual(c.vm, 0), 0);
	if (expect_errno(set_region(c.vm, 3, LOG, GPA + 3 * n * PAGE_SZ, n * PAGE_SZ,
				    c.mem + 3 * n * PAGE_SZ),
			 0))
		expect_log_empty(c.vm, 3, n, "slot created after disabling");
	/* the first slot's log is as it was (legacy now: returned and cleared) */
	expect_log_full(c.vm, 0, n, "first slot after the mode changes");
	expect_log_empty(c.vm, 0, n, "first slot, legacy GET again");
}

/* ------------------------------------------------------------ KVM_MEM_LOG_DIRTY_PAGES */

/* kvm_prepare_memory_region(): the flag allocates the log, clearing it frees it. */
static void t_log_flag(const struct abi_test *t)
{
	static uint64_t bm[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 16;

	(void)t;
	if (!setup_slot(&c, n, false, 0))
		return;
	expect_errno(get_log(c.vm, 0, bm), ENOENT);
	expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "logging turned on");
	expect_errno(set_region(c.vm, 0, 0, GPA, n * PAGE_SZ, c.mem), 0);
	expect_errno(get_log(c.vm, 0, bm), ENOENT);
	expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "logging turned on again");
	/* a move keeps it */
	expect_errno(set_region(c.vm, 0, LOG, GPA + 64 * PAGE_SZ, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "after a move");
	/* a move that also turns logging off frees it; one that turns it on allocates */
	expect_errno(set_region(c.vm, 0, 0, GPA, n * PAGE_SZ, c.mem), 0);
	expect_errno(get_log(c.vm, 0, bm), ENOENT);
	expect_errno(set_region(c.vm, 0, LOG, GPA + 64 * PAGE_SZ, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "moved with logging turned on");
	/* deleting frees it */
	expect_errno(set_region(c.vm, 0, 0, 0, 0, NULL), 0);
	expect_errno(get_log(c.vm, 0, bm), ENOENT);
	expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "re-created");
}

/* A log freed (flag cleared, slot deleted) and allocated again starts clean. */
static void t_log_flag_fresh(const struct abi_test *t)
{
	struct dl_ctx c;
	const unsigned long n = 16;

	(void)t;
	if (!setup_slot(&c, n, true, LOG))
		return;
	store(c.vcpu, page_gpa(3), 3);
	expect_errno(set_region(c.vm, 0, 0, GPA, n * PAGE_SZ, c.mem), 0);
	/* a store while the slot does not log is not remembered */
	store(c.vcpu, page_gpa(4), 4);
	expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "logging turned off and on after a store");
	store(c.vcpu, page_gpa(5), 5);
	expect_errno(set_region(c.vm, 0, 0, 0, 0, NULL), 0);
	expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0);
	expect_log_empty(c.vm, 0, n, "deleted and re-created after a store");
}

/* kvm_prepare_memory_region(): for a MOVE the old bitmap is kept, dirty bits too. */
static void t_move_keeps_bits(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	const __u64 moved = 0x40000000ULL;
	struct dl_ctx c;
	const unsigned long n = 80;

	(void)t;
	if (!setup_slot(&c, n, true, LOG))
		return;
	memset(want, 0, sizeof(want));
	bm_set(want, 2);
	bm_set(want, 70);
	if (!store(c.vcpu, page_gpa(2), 0x22) || !store(c.vcpu, page_gpa(70), 0x70))
		return;
	if (!expect_errno(set_region(c.vm, 0, LOG, moved, n * PAGE_SZ, c.mem), 0))
		return;
	expect_log(c.vm, 0, n, want, "dirty before the move");
	/* bits are slot-relative: page 7 at its new address */
	memset(want, 0, sizeof(want));
	bm_set(want, 7);
	store(c.vcpu, moved + 7 * PAGE_SZ, 0x77);
	expect_log(c.vm, 0, n, want, "dirty after the move");
}

/* The same with manual protect and INITIALLY_SET (no guest needed). */
static void t_move_keeps_bits_manual(const struct abi_test *t)
{
	static uint64_t want[BM_MAX], mask[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 192;

	(void)t;
	if (!setup(&c, n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	memset(mask, 0, sizeof(mask));
	mask[0] = ~0ULL;
	mask[2] = 0xf0f0f0f0f0f0f0f0ULL;
	expect_errno(clear_log(c.vm, 0, 0, n, mask), 0);
	memset(want, 0, sizeof(want));
	want[1] = ~0ULL;
	want[2] = 0x0f0f0f0f0f0f0f0fULL;
	expect_log(c.vm, 0, n, want, "before the move");
	expect_errno(set_region(c.vm, 0, LOG, GPA + 4 * n * PAGE_SZ, n * PAGE_SZ, c.mem), 0);
	expect_log(c.vm, 0, n, want, "after the move");
}

/* ------------------------------------------------------------ KVM_GET_DIRTY_LOG */

static void t_get_errors(const struct abi_test *t)
{
	static uint64_t bm[BM_MAX];
	struct kvm_dirty_log l;
	struct dl_ctx c;
	const unsigned long n = 16;

	(void)t;
	if (!setup_slot(&c, n, false, LOG))
		return;
	expect_errno(set_region(c.vm, 1, 0, GPA + n * PAGE_SZ, n * PAGE_SZ, c.mem), 0);
	/* address space 1 does not exist (KVM_ADDRESS_SPACE_NUM 1) */
	expect_errno(get_log(c.vm, 0 | (1U << 16), bm), EINVAL);
	expect_errno(get_log(c.vm, 5 | (1U << 16), bm), EINVAL);
	expect_errno(get_log(c.vm, 0xffffU << 16, bm), EINVAL);
	/* slot ids: KVM_USER_MEM_SLOTS = 32767 */
	expect_errno(get_log(c.vm, 32767, bm), EINVAL);
	expect_errno(get_log(c.vm, 0xffff, bm), EINVAL);
	expect_errno(get_log(c.vm, 32766, bm), ENOENT);
	/* no slot, a slot that does not log */
	expect_errno(get_log(c.vm, 5, bm), ENOENT);
	expect_errno(get_log(c.vm, 1, bm), ENOENT);
	/* a bitmap KVM cannot write */
	expect_errno(get_log(c.vm, 0, g_bad_ptr), EFAULT);
	expect_errno(get_log(c.vm, 0, NULL), EFAULT);
	/* the struct itself */
	expect_errno(ioctl(c.vm, KVM_GET_DIRTY_LOG, g_bad_ptr), EFAULT);
	expect_errno(ioctl(c.vm, KVM_GET_DIRTY_LOG, NULL), EFAULT);
	/* the padding is not looked at */
	memset(&l, 0, sizeof(l));
	l.slot = 0;
	l.padding1 = 0xffffffff;
	l.dirty_bitmap = bm;
	expect_errno(ioctl(c.vm, KVM_GET_DIRTY_LOG, &l), 0);
	/* the last slot id works */
	if (expect_errno(set_region(c.vm, 32766, LOG, GPA + 4 * n * PAGE_SZ, n * PAGE_SZ, c.mem),
			 0))
		expect_log_empty(c.vm, 32766, n, "slot 32766");
}

/* Legacy mode: the pages stored to since the last GET, then nothing. */
static void t_get_legacy(const struct abi_test *t)
{
	static const unsigned long pages[] = { 0, 1, 63, 64, 130, 199 };
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 200;
	__u64 data = 0;
	size_t i;

	(void)t;
	if (!setup_slot(&c, n, true, LOG))
		return;
	expect_log_empty(c.vm, 0, n, "a new log");
	memset(want, 0, sizeof(want));
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		/* twice, at both ends of the page: still one bit */
		if (!store(c.vcpu, page_gpa(pages[i]), 0x1000 + i) ||
		    !store(c.vcpu, page_gpa(pages[i]) + PAGE_SZ - 8, 0x2000 + i))
			return;
		bm_set(want, pages[i]);
	}
	/* loads do not dirty */
	expect_errno(guest_access(c.vcpu, MEM, 0, page_gpa(10), 8, &data, NULL), 0);
	expect_errno(guest_access(c.vcpu, MEM, 0, page_gpa(198), 4, &data, NULL), 0);
	expect_log(c.vm, 0, n, want, "after the stores");
	expect_log_empty(c.vm, 0, n, "second GET");
	/* the stores went to the backing memory */
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		expect_eq(*(__u64 *)(c.mem + pages[i] * PAGE_SZ), 0x1000 + i);
		expect_eq(*(__u64 *)(c.mem + pages[i] * PAGE_SZ + PAGE_SZ - 8), 0x2000 + i);
	}
	/* dirty again after the GET */
	memset(want, 0, sizeof(want));
	bm_set(want, 130);
	store(c.vcpu, page_gpa(130), 0x3000);
	expect_log(c.vm, 0, n, want, "a store after the GET");
	expect_log_empty(c.vm, 0, n, "last GET");
}

/* Stores to another slot, and to a slot that does not log, dirty nothing here. */
static void t_get_other_slots(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 32;

	(void)t;
	if (!setup(&c, 3 * n, true))
		return;
	if (!expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0) ||
	    !expect_errno(set_region(c.vm, 1, LOG, GPA + n * PAGE_SZ, n * PAGE_SZ,
				     c.mem + n * PAGE_SZ),
			  0) ||
	    !expect_errno(set_region(c.vm, 2, 0, GPA + 2 * n * PAGE_SZ, n * PAGE_SZ,
				     c.mem + 2 * n * PAGE_SZ),
			  0))
		return;
	store(c.vcpu, page_gpa(n + 4), 1);	/* slot 1, page 4 */
	store(c.vcpu, page_gpa(2 * n + 5), 2);	/* slot 2: no log */
	expect_log_empty(c.vm, 0, n, "slot 0");
	memset(want, 0, sizeof(want));
	bm_set(want, 4);
	expect_log(c.vm, 1, n, want, "slot 1");
}

/* arm64: a store to a read-only slot exits to user space (MMIO): nothing dirty. */
static void t_get_readonly(const struct abi_test *t)
{
	struct dl_ctx c;
	const unsigned long n = 8;
	__u64 val = 0x1234;
	__u32 result = 0;

	(void)t;
	if (!setup_slot(&c, n, true, LOG | KVM_MEM_READONLY))
		return;
	if (!map_run(c.vcpu))
		return;
	expect_errno(guest_access(c.vcpu, MEM, W, page_gpa(3), 8, &val, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_EXIT);
	expect_eq(*(__u64 *)(c.mem + 3 * PAGE_SZ), 0);
	expect_log_empty(c.vm, 0, n, "read-only slot after a store");
}

/*
 * kvm_ext-specific (T_EXT): a GET whose copy to the bitmap faults loses
 * nothing; the next GET still reports the pages. Linux 6.1 is weaker on
 * arm64 (kvm_get_dirty_log_protect() xchg()s the words before
 * copy_to_user()) and ppc (kvm_vm_ioctl_get_dirty_log_hv() likewise); only
 * s390's kvm_vm_ioctl_get_dirty_log() clears after a successful copy.
 * kvm_ext documents the stronger behaviour (virt/kvm/dirty_log.h).
 */
static void t_get_fault_keeps(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 130;

	(void)t;
	if (!setup_slot(&c, n, true, LOG))
		return;
	memset(want, 0, sizeof(want));
	bm_set(want, 0);
	bm_set(want, 77);
	bm_set(want, 129);
	if (!store(c.vcpu, page_gpa(0), 1) || !store(c.vcpu, page_gpa(77), 2) ||
	    !store(c.vcpu, page_gpa(129), 3))
		return;
	expect_errno(get_log(c.vm, 0, g_bad_ptr), EFAULT);
	expect_errno(get_log(c.vm, 0, NULL), EFAULT);
	expect_log(c.vm, 0, n, want, "GET after faulting GETs");
	expect_log_empty(c.vm, 0, n, "second good GET");
}

/* arm64, manual protect: GET copies, clears nothing; stores accumulate. */
static void t_get_manual(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 100;

	(void)t;
	if (!setup(&c, n, true))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	memset(want, 0, sizeof(want));
	bm_set(want, 9);
	bm_set(want, 99);
	store(c.vcpu, page_gpa(9), 1);
	store(c.vcpu, page_gpa(99), 2);
	expect_log(c.vm, 0, n, want, "first GET");
	expect_log(c.vm, 0, n, want, "second GET");
	bm_set(want, 64);
	store(c.vcpu, page_gpa(64), 3);
	expect_log(c.vm, 0, n, want, "after another store");
	/* a faulting GET changes nothing either */
	expect_errno(get_log(c.vm, 0, g_bad_ptr), EFAULT);
	expect_log(c.vm, 0, n, want, "after a faulting GET");
}

/* ------------------------------------------------------------ KVM_CLEAR_DIRTY_LOG */

/* ppc, s390: no KVM_GENERIC_DIRTYLOG_READ_PROTECT, the ioctl is unknown. */
static void t_clear_unknown(const struct abi_test *t)
{
	static uint64_t bm[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 64;

	(void)t;
	if (!setup_slot(&c, n, false, LOG))
		return;
	desc_append(": -%s", errno_name(P->unknown_vm_ioctl_errno));
	memset(bm, 0xff, sizeof(bm));
	expect_errno(clear_log(c.vm, 0, 0, n, bm), P->unknown_vm_ioctl_errno);
	expect_errno(clear_log(c.vm, 0, 0, 0, NULL), P->unknown_vm_ioctl_errno);
	expect_errno(clear_log(c.vm, 1U << 16, 1, n, bm), P->unknown_vm_ioctl_errno);
	expect_errno(ioctl(c.vm, KVM_CLEAR_DIRTY_LOG, NULL), P->unknown_vm_ioctl_errno);
	expect_errno(ioctl(c.vm, KVM_CLEAR_DIRTY_LOG, g_bad_ptr), P->unknown_vm_ioctl_errno);
}

/* kvm_clear_dirty_log_protect(), check by check, in its order. */
static void t_clear_checks(const struct abi_test *t)
{
	static uint64_t bm[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 100;

	(void)t;
	if (!setup(&c, 2 * n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0) ||
	    !expect_errno(set_region(c.vm, 1, 0, GPA + n * PAGE_SZ, n * PAGE_SZ,
				     c.mem + n * PAGE_SZ),
			  0))
		return;
	memset(bm, 0, sizeof(bm)); /* clears nothing if accepted */
	/* 1. address space and slot id */
	expect_errno(clear_log(c.vm, 1U << 16, 0, 64, bm), EINVAL);
	expect_errno(clear_log(c.vm, (1U << 16) | 7, 0, 64, bm), EINVAL);
	expect_errno(clear_log(c.vm, 32767, 0, 64, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0xffff, 0, 64, bm), EINVAL);
	/* 2. first_page a multiple of 64, before the slot lookup */
	expect_errno(clear_log(c.vm, 0, 1, 64, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 63, 0, bm), EINVAL);
	expect_errno(clear_log(c.vm, 5, 32, 64, bm), EINVAL);	/* no such slot */
	expect_errno(clear_log(c.vm, 1, 1, 64, bm), EINVAL);	/* slot without log */
	/* 3. the slot and its log */
	expect_errno(clear_log(c.vm, 5, 0, 64, bm), ENOENT);
	expect_errno(clear_log(c.vm, 32766, 0, 64, bm), ENOENT);
	expect_errno(clear_log(c.vm, 1, 0, 64, bm), ENOENT);
	/* 4. the range: first_page beyond the slot */
	expect_errno(clear_log(c.vm, 0, 128, 0, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 1ULL << 63, 0, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, ~63ULL, 64, bm), EINVAL);
	/* num_pages past the end */
	expect_errno(clear_log(c.vm, 0, 0, 101, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 0, 128, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 64, 64, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 64, 37, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 0, 0xffffffff, bm), EINVAL);
	/* num_pages not a multiple of 64 unless it ends at the slot's end */
	expect_errno(clear_log(c.vm, 0, 0, 32, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 0, 65, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 64, 35, bm), EINVAL);
	expect_errno(clear_log(c.vm, 0, 0, 100, bm), 0);
	expect_errno(clear_log(c.vm, 0, 64, 36, bm), 0);
	expect_errno(clear_log(c.vm, 0, 0, 64, bm), 0);
	/* num_pages 0: nothing to read, even from NULL */
	expect_errno(clear_log(c.vm, 0, 0, 0, NULL), 0);
	expect_errno(clear_log(c.vm, 0, 64, 0, g_bad_ptr), 0);
	/* the bad struct pointer */
	expect_errno(ioctl(c.vm, KVM_CLEAR_DIRTY_LOG, NULL), EFAULT);
	expect_errno(ioctl(c.vm, KVM_CLEAR_DIRTY_LOG, g_bad_ptr), EFAULT);
	/* all-zero masks cleared nothing */
	expect_log_full(c.vm, 0, n, "after the checks");
}

/* first_page == npages (a multiple of 64) with num_pages 0 is in range. */
static void t_clear_at_end(const struct abi_test *t)
{
	struct dl_ctx c;
	const unsigned long n = 128;

	(void)t;
	if (!setup(&c, n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	expect_errno(clear_log(c.vm, 0, 128, 0, NULL), 0);
	expect_errno(clear_log(c.vm, 0, 128, 1, NULL), EINVAL);
	expect_errno(clear_log(c.vm, 0, 192, 0, NULL), EINVAL);
	expect_log_full(c.vm, 0, n, "after the calls");
}

/* An unreadable user bitmap: -EFAULT, nothing cleared. */
static void t_clear_fault(const struct abi_test *t)
{
	struct dl_ctx c;
	const unsigned long n = 128;

	(void)t;
	if (!setup(&c, n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	expect_errno(clear_log(c.vm, 0, 0, n, g_bad_ptr), EFAULT);
	expect_errno(clear_log(c.vm, 0, 64, 64, NULL), EFAULT);
	expect_log_full(c.vm, 0, n, "after faulting CLEARs");
}

/*
 * Only the bits set in the user's bitmap are cleared; bits past the slot's
 * end in the mask are harmless (kvm_clear_dirty_log_protect()'s comment).
 */
static void t_clear_subset(const struct abi_test *t)
{
	static const unsigned long pages[] = { 0, 5, 63, 64, 100, 199 };
	static uint64_t want[BM_MAX], mask[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 200;
	size_t i;

	(void)t;
	if (!setup(&c, n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	bm_fill(want, n);
	memset(mask, 0, sizeof(mask));
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		bm_set(mask, pages[i]);
		want[pages[i] / 64] &= ~(1ULL << (pages[i] % 64));
	}
	mask[3] |= ~0ULL << 8; /* pages 200..255: beyond the slot */
	expect_errno(clear_log(c.vm, 0, 0, n, mask), 0);
	expect_log(c.vm, 0, n, want, "after clearing 6 pages");
	/* a chunk of 64 in the middle */
	memset(mask, 0, sizeof(mask));
	mask[0] = ~0ULL;
	expect_errno(clear_log(c.vm, 0, 128, 64, mask), 0);
	want[2] = 0;
	expect_log(c.vm, 0, n, want, "after clearing pages 128..191");
	/* clearing clean pages again changes nothing */
	expect_errno(clear_log(c.vm, 0, 128, 64, mask), 0);
	expect_log(c.vm, 0, n, want, "after clearing them again");
	/* the tail chunk, from the bit the user gives for each page */
	memset(mask, 0, sizeof(mask));
	mask[0] = 0xff;
	expect_errno(clear_log(c.vm, 0, 192, 8, mask), 0);
	want[3] = 0;
	expect_log(c.vm, 0, n, want, "after clearing the tail 192..199");
}

/* 64-page chunks covering the slot, each with its own mask. */
static void t_clear_chunks(const struct abi_test *t)
{
	static uint64_t want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 1000; /* 15 full chunks and one of 40 pages */
	uint64_t x = 0x9e3779b97f4a7c15ULL, mask;
	unsigned long first;

	(void)t;
	if (!setup(&c, n, false))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	bm_fill(want, n);
	for (first = 0; first < n; first += 64) {
		unsigned long num = n - first < 64 ? n - first : 64;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		mask = x;
		if (!expect_errno(clear_log(c.vm, 0, first, num, &mask), 0))
			diag("  chunk at %lu", first);
		want[first / 64] &= ~mask;
	}
	want[n / 64] &= (1ULL << (n % 64)) - 1;
	expect_log(c.vm, 0, n, want, "after 16 chunk clears");
	/* and the rest, chunk by chunk in reverse */
	for (first = (n - 1) / 64 * 64;; first -= 64) {
		unsigned long num = n - first < 64 ? n - first : 64;

		mask = ~0ULL;
		expect_errno(clear_log(c.vm, 0, first, num, &mask), 0);
		if (!first)
			break;
	}
	expect_log_empty(c.vm, 0, n, "after clearing every chunk");
}

/* A store after a clear sets the bit again; a clear of other pages keeps it. */
static void t_clear_store(const struct abi_test *t)
{
	static uint64_t want[BM_MAX], mask[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 70;

	(void)t;
	if (!setup(&c, n, true))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	memset(want, 0, sizeof(want));
	bm_set(want, 3);
	bm_set(want, 69);
	store(c.vcpu, page_gpa(3), 1);
	store(c.vcpu, page_gpa(69), 2);
	expect_log(c.vm, 0, n, want, "after the stores");
	/* page 4 is stored to between GET and CLEAR of page 3: it stays */
	store(c.vcpu, page_gpa(4), 3);
	memset(mask, 0, sizeof(mask));
	bm_set(mask, 3);
	expect_errno(clear_log(c.vm, 0, 0, n, mask), 0);
	memset(want, 0, sizeof(want));
	bm_set(want, 4);
	bm_set(want, 69);
	expect_log(c.vm, 0, n, want, "after clearing page 3");
	/* page 3 dirty again */
	store(c.vcpu, page_gpa(3), 4);
	bm_set(want, 3);
	expect_log(c.vm, 0, n, want, "page 3 stored to again");
	memset(mask, 0xff, sizeof(mask));
	expect_errno(clear_log(c.vm, 0, 0, n, mask), 0);
	expect_log_empty(c.vm, 0, n, "after clearing all");
	store(c.vcpu, page_gpa(69), 5);
	memset(want, 0, sizeof(want));
	bm_set(want, 69);
	expect_log(c.vm, 0, n, want, "page 69 stored to after clearing all");
}

/* KVM_CLEAR_DIRTY_LOG also works without manual protect (api.rst 4.117). */
static void t_clear_legacy(const struct abi_test *t)
{
	static uint64_t want[BM_MAX], mask[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 64;

	(void)t;
	if (!setup_slot(&c, n, true, LOG))
		return;
	store(c.vcpu, page_gpa(10), 1);
	store(c.vcpu, page_gpa(20), 2);
	memset(mask, 0, sizeof(mask));
	bm_set(mask, 10);
	expect_errno(clear_log(c.vm, 0, 0, n, mask), 0);
	memset(want, 0, sizeof(want));
	bm_set(want, 20);
	expect_log(c.vm, 0, n, want, "legacy GET after clearing page 10");
	expect_log_empty(c.vm, 0, n, "second legacy GET");
}

/* ------------------------------------------------------------ QEMU's round */

static void t_qemu_round(const struct abi_test *t)
{
	static const unsigned long pages[] = { 0, 1, 511, 1023, 1024, 2047, 2100, 3000, 4032,
					       4095 };
	static uint64_t bm[BM_MAX], want[BM_MAX];
	struct dl_ctx c;
	const unsigned long n = 4096;
	unsigned long first;
	size_t i;

	(void)t;
	if (!setup(&c, n, true))
		return;
	if (!expect_errno(enable_manual(c.vm, ENABLE | INIT_SET), 0) ||
	    !expect_errno(set_region(c.vm, 0, LOG, GPA, n * PAGE_SZ, c.mem), 0))
		return;
	/* migration starts: every page is dirty */
	bm_sentinel(bm, ARRAY_SIZE(bm));
	if (!expect_errno(get_log(c.vm, 0, bm), 0))
		return;
	bm_fill(want, n);
	if (!expect_eq(memcmp(bm, want, n / 8), 0))
		diag("  first GET is not all-set");
	expect_eq(bm[n / 64], SENTINEL);
	/* clear what the GET returned, 1024 pages at a time */
	for (first = 0; first < n; first += 1024)
		if (!expect_errno(clear_log(c.vm, 0, first, 1024, bm + first / 64), 0))
			diag("  CLEAR of pages %lu..%lu", first, first + 1023);
	expect_log_empty(c.vm, 0, n, "after clearing everything");
	/* the guest dirties 10 pages */
	memset(want, 0, sizeof(want));
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		store(c.vcpu, page_gpa(pages[i]) + 8 * i, i + 1);
		bm_set(want, pages[i]);
	}
	expect_log(c.vm, 0, n, want, "after 10 guest stores");
}

/* ------------------------------------------------------------ the race */

/*
 * Three writer threads, one vCPU each, store random values to random pages
 * of a 256-page logging slot while the main thread migrates: GET (and in
 * manual mode CLEAR what it got), then "send" each reported page by
 * copying it from the backing memory. In each epoch the writers run, then
 * pause; one more round follows, after which every sent copy must equal
 * the backing memory (a store whose dirty bit was lost leaves a stale
 * copy) and the log must be empty. Bounded: RACE_EPOCHS epochs or
 * RACE_LIMIT_S seconds.
 */
#define RACE_PAGES 256
#define RACE_WRITERS 3
/*
 * A lost bit shows only if no later store of the epoch dirtied the page
 * again: short epochs (a few dozen stores per page) make most losses
 * visible, many of them give the race time.
 */
#define RACE_EPOCHS 200
#define RACE_EPOCH_MS 20
#define RACE_LIMIT_S 20

struct race {
	int vm;
	int vcpu[RACE_WRITERS];
	unsigned char *mem, *sent;
	bool manual;
	/* atomics: main -> writers */
	int go;				/* epoch number; writers run when it changes */
	int stop;			/* end of the epoch's writing */
	int quit;
	/* atomics: writers -> main */
	int paused;			/* writers done with the current epoch */
	long errors;
	long stores[RACE_WRITERS];	/* written by each writer only */
	int first_errno;
	__u32 first_result;
	uint64_t seed;
};

struct writer_arg {
	struct race *r;
	int idx;
};

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void *race_writer(void *p)
{
	struct writer_arg *a = p;
	struct race *r = a->r;
	uint64_t s = r->seed + 0x9e3779b97f4a7c15ULL * (a->idx + 1);
	int seen = 0, go;

	for (;;) {
		while ((go = __atomic_load_n(&r->go, __ATOMIC_ACQUIRE)) == seen &&
		       !__atomic_load_n(&r->quit, __ATOMIC_ACQUIRE))
			usleep(100);
		if (__atomic_load_n(&r->quit, __ATOMIC_ACQUIRE))
			break;
		seen = go;
		while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
			uint64_t x = xorshift(&s);
			__u64 page = x % RACE_PAGES, off = ((x >> 8) % (PAGE_SZ / 8)) * 8;
			__u64 val = xorshift(&s);
			__u32 result = 0;
			int rc = guest_access(r->vcpu[a->idx], MEM, W, page_gpa(page) + off, 8, &val,
					      &result);

			if (rc || result != KVM_EXT_RESULT_RAM) {
				if (__atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED) == 0) {
					r->first_errno = rc ? errno : 0;
					r->first_result = result;
				}
				continue;
			}
			__atomic_store_n(&r->stores[a->idx], r->stores[a->idx] + 1,
					 __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&r->paused, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One migration round; returns the pages sent, -1 on an ioctl error. */
static long race_round(struct race *r)
{
	uint64_t bm[RACE_PAGES / 64];
	long sent = 0;
	unsigned long p;

	memset(bm, 0, sizeof(bm));
	if (!expect_errno(get_log(r->vm, 0, bm), 0))
		return -1;
	if (r->manual && !expect_errno(clear_log(r->vm, 0, 0, RACE_PAGES, bm), 0))
		return -1;
	for (p = 0; p < RACE_PAGES; p++) {
		if (!bm_test(bm, p))
			continue;
		memcpy(r->sent + p * PAGE_SZ, r->mem + p * PAGE_SZ, PAGE_SZ);
		sent++;
	}
	return sent;
}

static void t_race(const struct abi_test *t)
{
	static struct race r;
	struct writer_arg args[RACE_WRITERS];
	pthread_t th[RACE_WRITERS];
	long rounds = 0, pages_sent = 0, stores = 0, n = 0;
	int i, e = 0, started = 0, stale = 0;
	double t0, te;

	memset(&r, 0, sizeof(r));
	r.manual = t->a;
	r.seed = (uint64_t)time(NULL) * 0x2545f4914f6cdd1dULL + (uint64_t)getpid();
	r.mem = alloc_mem(RACE_PAGES * PAGE_SZ);
	r.sent = alloc_mem(RACE_PAGES * PAGE_SZ);
	r.vm = new_vm(0);
	if (!r.mem || !r.sent || r.vm < 0)
		return;
	for (i = 0; i < RACE_WRITERS; i++) {
		r.vcpu[i] = new_vcpu(r.vm, i);
		if (r.vcpu[i] < 0)
			return;
	}
	if (r.manual && !expect_errno(enable_manual(r.vm, ENABLE | INIT_SET), 0))
		return;
	/* sent == mem (all zero) before anything runs */
	if (!expect_errno(set_region(r.vm, 0, LOG, GPA, RACE_PAGES * PAGE_SZ, r.mem), 0))
		return;
	for (i = 0; i < RACE_WRITERS; i++) {
		args[i].r = &r;
		args[i].idx = i;
		if (pthread_create(&th[started], NULL, race_writer, &args[i])) {
			fail("pthread_create failed");
			break;
		}
		started++;
	}

	t0 = now_s();
	for (e = 0; started == RACE_WRITERS && e < RACE_EPOCHS && now_s() - t0 < RACE_LIMIT_S &&
		    !test_failed();
	     e++) {
		__atomic_store_n(&r.stop, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&r.paused, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&r.go, e + 1, __ATOMIC_RELEASE);
		te = now_s();
		do {
			n = race_round(&r);
			if (n < 0)
				break;
			rounds++;
			pages_sent += n;
		} while (now_s() - te < RACE_EPOCH_MS / 1000.0);
		__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&r.paused, __ATOMIC_ACQUIRE) < started)
			usleep(100);
		if (n < 0)
			break;
		/* writers paused: the last round, then every copy must be current */
		n = race_round(&r);
		if (n < 0)
			break;
		rounds++;
		pages_sent += n;
		for (i = 0; i < RACE_PAGES; i++) {
			if (!memcmp(r.sent + i * PAGE_SZ, r.mem + i * PAGE_SZ, PAGE_SZ))
				continue;
			if (stale++ < 8)
				diag("  epoch %d: page %d's sent copy is stale (its dirty bit was lost)",
				     e, i);
		}
		if (stale)
			fail("%d stale pages after epoch %d", stale, e);
		expect_log_empty(r.vm, 0, RACE_PAGES, "end of epoch, writers paused");
	}
	__atomic_store_n(&r.quit, 1, __ATOMIC_RELEASE);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < RACE_WRITERS; i++)
		stores += r.stores[i];

	if (r.errors)
		fail("%ld guest stores failed, the first: %s, result %u", r.errors,
		     r.first_errno ? errno_name(r.first_errno) : "ok", r.first_result);
	if (started == RACE_WRITERS && !stores)
		fail("no guest store was done");
	if (stores && !pages_sent)
		fail("%ld stores and no page ever reported dirty", stores);
	desc_append(": %d epochs, %ld stores", e, stores);
	diag("race (%s): %d epochs in %.1f s, %ld guest stores by %d vCPU threads (%ld/%ld/%ld), "
	     "%ld rounds, %ld pages sent, seed %#llx",
	     r.manual ? "manual protect" : "legacy", e, now_s() - t0, stores, started,
	     r.stores[0], r.stores[1], r.stores[2], rounds, pages_sent,
	     (unsigned long long)r.seed);
}

/* ------------------------------------------------------------ the table */

#define E T_EXT
#define M_NOMAN (M_PPC | M_S390)
static const struct abi_test dirty_log_tests[] = {
	{ "KVM_CHECK_EXTENSION(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) on the system and VM fd",
	  REF_CAP, t_cap_protect2, 0, 0, 0, 0 },
	{ "KVM_CHECK_EXTENSION(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT) (obsolete, 166) == 0", REF_CAP,
	  t_cap_protect_old, 0, 0, 0, 0 },
	{ "KVM_CHECK_EXTENSION(KVM_CAP_ENABLE_CAP_VM) == 1 on the system and VM fd", REF_CAPVM,
	  t_cap_enable_cap_vm, 0, 0, 0, 0 },
	{ "KVM_ENABLE_CAP(PROTECT2): unknown args[0] bits, INITIALLY_SET without ENABLE, flags "
	  "-EINVAL; ENABLE, ENABLE|INITIALLY_SET, 0 succeed",
	  REF_EN, t_enable_args, M_ARM64, 0, 0, 0 },
	{ "KVM_ENABLE_CAP(PROTECT2) -EINVAL (no KVM_GENERIC_DIRTYLOG_READ_PROTECT)", REF_EN,
	  t_enable_unsupported, M_NOMAN, 0, 0, 0 },
	{ "KVM_ENABLE_CAP(KVM_CAP_MANUAL_DIRTY_LOG_PROTECT) (obsolete) -EINVAL", REF_EN,
	  t_enable_old_cap, 0, 0, 0, 0 },
	{ "KVM_ENABLE_CAP bad struct pointer -EFAULT", REF_EN, t_enable_bad_ptr, 0, 0, 0, 0 },
	{ "KVM_ENABLE_CAP(PROTECT2) switches existing logs between manual and legacy GET at once; "
	  "refused calls change nothing",
	  REF_EN, t_enable_switch, M_ARM64, 0, 0, 0 },
	{ "KVM_ENABLE_CAP(PROTECT2) while a slot logs: its stored pages are kept by GET from then on",
	  REF_EN, t_enable_while_logging, M_ARM64, E, 0, 0 },
	{ "INITIALLY_SET: new logs (created or flag turned on) all set, no bit past the slot; "
	  "without it clear",
	  REF_INIT, t_initially_set, M_ARM64, 0, 0, 0 },
	{ "KVM_MEM_LOG_DIRTY_PAGES on/off allocates/frees the log (GET ok/-ENOENT), move keeps, "
	  "delete frees",
	  REF_SLOT, t_log_flag, 0, 0, 0, 0 },
	{ "a log freed (flag off, slot deleted) comes back clean; stores meanwhile not logged",
	  REF_SLOT, t_log_flag_fresh, 0, E, 0, 0 },
	{ "a moved slot keeps its dirty bits (slot-relative)", REF_SLOT, t_move_keeps_bits, 0, E,
	  0, 0 },
	{ "a moved slot keeps its dirty bits (manual protect, INITIALLY_SET, CLEAR)", REF_SLOT,
	  t_move_keeps_bits_manual, M_ARM64, 0, 0, 0 },
	{ "KVM_GET_DIRTY_LOG: address space/slot id -EINVAL, no slot/no log -ENOENT, bad bitmap or "
	  "struct -EFAULT",
	  REF_GET, t_get_errors, 0, 0, 0, 0 },
	{ "KVM_GET_DIRTY_LOG (legacy): exactly the pages stored to, then cleared; loads don't "
	  "dirty",
	  REF_GET, t_get_legacy, 0, E, 0, 0 },
	{ "KVM_GET_DIRTY_LOG: stores to other slots and to non-logging slots are not in the log",
	  REF_GET, t_get_other_slots, 0, E, 0, 0 },
	{ "KVM_GET_DIRTY_LOG: a store to a read-only logging slot exits MMIO, dirties nothing",
	  REF_GET, t_get_readonly, M_ARM64, E, 0, 0 },
	{ "KVM_GET_DIRTY_LOG (legacy) faulting on the bitmap loses nothing (kvm_ext-specific)",
	  "kvm_ext virt/kvm/dirty_log.h, " REF_GET, t_get_fault_keeps, 0, E, 0, 0 },
	{ "KVM_GET_DIRTY_LOG (manual protect): copies, clears nothing", REF_GETM, t_get_manual,
	  M_ARM64, E, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG is an unknown VM ioctl", REF_CLR, t_clear_unknown, M_NOMAN, 0, 0,
	  0 },
	{ "KVM_CLEAR_DIRTY_LOG: id -EINVAL, first_page%64 -EINVAL, no slot/log -ENOENT, range "
	  "-EINVAL, num_pages 0 no-op",
	  REF_CLR, t_clear_checks, M_ARM64, 0, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG: first_page == npages with num_pages 0 succeeds", REF_CLR,
	  t_clear_at_end, M_ARM64, 0, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG: unreadable bitmap -EFAULT, nothing cleared", REF_CLR,
	  t_clear_fault, M_ARM64, 0, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG clears only the bits set in the user's bitmap", REF_CLR,
	  t_clear_subset, M_ARM64, 0, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG in 64-page chunks over a 1000-page slot, random masks", REF_CLR,
	  t_clear_chunks, M_ARM64, 0, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG: a store after a clear dirties the page again", REF_CLR,
	  t_clear_store, M_ARM64, E, 0, 0 },
	{ "KVM_CLEAR_DIRTY_LOG without manual protect clears; GET returns the rest", REF_CLR,
	  t_clear_legacy, M_ARM64, E, 0, 0 },
	{ "dirty-log round as QEMU: INITIALLY_SET 4096 pages, GET, CLEAR by 1024, 10 stores, GET",
	  REF_ROUND, t_qemu_round, M_ARM64, E, 0, 0 },
	{ "race: 3 vCPU threads store while GET+CLEAR rounds send pages; no store lost",
	  REF_ROUND, t_race, M_ARM64, E, 1, 0 },
	{ "race: 3 vCPU threads store while legacy GET rounds send pages; no store lost", REF_GET,
	  t_race, 0, E, 0, 0 },
};

TEST_GROUP(dirty_log);
