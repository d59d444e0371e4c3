// SPDX-License-Identifier: GPL-2.0
/*
 * api.rst 4.87 KVM_SET_GUEST_DEBUG and its capabilities
 * (KVM_CAP_SET_GUEST_DEBUG, KVM_CAP_SET_GUEST_DEBUG2,
 * KVM_CAP_GUEST_DEBUG_HW_BPS/WPS) on every personality.
 *
 * Ground truth is Linux 6.1 virt/kvm/kvm_main.c (the ioctl copies the
 * architecture's struct kvm_guest_debug), arch/arm64/kvm/guest.c
 * (KVM_GUESTDBG_VALID_MASK), arch/powerpc/kvm/book3s.c (the control word
 * kept unchecked) and arch/s390/kvm/kvm-s390.c, guestdbg.c
 * (VALID_GUESTDBG_FLAGS, kvm_s390_import_bp_data()).
 *
 * The structure, and so the ioctl number, is each architecture's: kvm_ext.h
 * has KVM_EXT_{ARM64,PPC,S390}_SET_GUEST_DEBUG; <linux/kvm.h>'s (x86's
 * 72-byte structure) is an unknown ioctl on all three. What the settings
 * do needs guest code (KVM_EXIT_DEBUG), which kvm_ext does not run: the
 * tests check the rules and that the guest's own debug registers are not
 * the VMM's.
 */
#include <stdio.h>
#include <string.h>

#include "abi_test.h"
#include "arm64_ids.h"

#define REF_DBG "api.rst 4.87 KVM_SET_GUEST_DEBUG"
#define REF_CAP "api.rst 4.4 KVM_CHECK_EXTENSION, 4.87 KVM_SET_GUEST_DEBUG"

#define A M_ARM64
#define E T_EXT

#define ARM64_VALID                                                             \
	(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_SW_BP | \
	 KVM_GUESTDBG_USE_HW)
#define S390_VALID (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | KVM_EXT_S390_GUESTDBG_USE_HW_BP)

#define DBGBCR0_EL1 SYSREG(2, 0, 0, 0, 5)
#define DBGBVR0_EL1 SYSREG(2, 0, 0, 0, 4)
#define DBGWCR0_EL1 SYSREG(2, 0, 0, 0, 7)
#define MDSCR_EL1 SYSREG(2, 0, 0, 2, 2)
#define ID_AA64DFR0_EL1 SYSREG(3, 0, 0, 5, 0)

/* ------------------------------------------------------------ helpers */

static unsigned long set_debug_nr(void)
{
	switch (P->id) {
	case P_ARM64:
		return KVM_EXT_ARM64_SET_GUEST_DEBUG;
	case P_PPC:
		return KVM_EXT_PPC_SET_GUEST_DEBUG;
	default:
		return KVM_EXT_S390_SET_GUEST_DEBUG;
	}
}

/* Big enough for every architecture's structure; control first. */
union guest_debug {
	struct kvm_ext_arm64_guest_debug arm64;
	struct kvm_ext_ppc_guest_debug ppc;
	struct kvm_ext_s390_guest_debug s390;
	__u32 control;
};

static int set_debug(int vcpu, __u32 control)
{
	union guest_debug d;

	memset(&d, 0, sizeof(d));
	d.control = control;
	return ioctl(vcpu, set_debug_nr(), &d);
}

static int vcpu_of(int *vm_out)
{
	int vm = new_vm(0);

	*vm_out = vm;
	return vm < 0 ? -1 : new_vcpu(vm, 0);
}

static __u64 get_reg(int vcpu, __u64 id)
{
	__u64 v = 0;

	expect_ok(one_reg(vcpu, false, id, &v));
	return v;
}

/* ------------------------------------------------------------ every personality */

static void t_caps(const struct abi_test *t)
{
	long debug2 = P->id == P_ARM64 ? ARM64_VALID : P->id == P_S390 ? S390_VALID : 0;
	int vm = new_vm(0);

	(void)t;
	desc_append(" (SET_GUEST_DEBUG2 %#lx)", debug2);
	expect_eq(check_ext(g_sys, KVM_CAP_SET_GUEST_DEBUG), 1);
	if (P->id != P_S390 || g_is_ext) /* 6.1's s390 adds EXIT_PENDING */
		expect_eq(check_ext(g_sys, KVM_CAP_SET_GUEST_DEBUG2), debug2);
	if (P->id != P_ARM64) {
		expect_eq(check_ext(g_sys, KVM_CAP_GUEST_DEBUG_HW_BPS), 0);
		expect_eq(check_ext(g_sys, KVM_CAP_GUEST_DEBUG_HW_WPS), 0);
	}
	if (vm >= 0)
		expect_eq(check_ext(vm, KVM_CAP_SET_GUEST_DEBUG), 1);
}

static void t_efault(const struct abi_test *t)
{
	int vm, vcpu = vcpu_of(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	expect_errno(ioctl(vcpu, set_debug_nr(), g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, set_debug_nr(), NULL), EFAULT);
}

static void t_other_numbers(const struct abi_test *t)
{
	static const unsigned long nrs[] = { KVM_SET_GUEST_DEBUG, KVM_EXT_ARM64_SET_GUEST_DEBUG,
					     KVM_EXT_PPC_SET_GUEST_DEBUG,
					     KVM_EXT_S390_SET_GUEST_DEBUG };
	union guest_debug d;
	int vm, vcpu = vcpu_of(&vm);
	size_t i;

	(void)t;
	if (vcpu < 0)
		return;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < ARRAY_SIZE(nrs); i++) {
		if (nrs[i] != set_debug_nr())
			expect_errno(ioctl(vcpu, nrs[i], &d), P->unknown_vcpu_ioctl_errno);
	}
}

/* ------------------------------------------------------------ arm64 */

static void t_arm64_hw_counts(const struct abi_test *t)
{
	int vm, vcpu = vcpu_of(&vm);
	__u64 dfr0;

	(void)t;
	if (vcpu < 0 || expect_ok(vcpu_init(vm, vcpu, 0)))
		return;
	dfr0 = get_reg(vcpu, ID_AA64DFR0_EL1);
	expect_eq(check_ext(g_sys, KVM_CAP_GUEST_DEBUG_HW_BPS), ((dfr0 >> 12) & 0xf) + 1);
	expect_eq(check_ext(g_sys, KVM_CAP_GUEST_DEBUG_HW_WPS), ((dfr0 >> 20) & 0xf) + 1);
	expect_eq(check_ext(vm, KVM_CAP_GUEST_DEBUG_HW_BPS), ((dfr0 >> 12) & 0xf) + 1);
	if (g_is_ext) { /* the emulated host: 6 breakpoints, 4 watchpoints */
		expect_eq(check_ext(g_sys, KVM_CAP_GUEST_DEBUG_HW_BPS), 6);
		expect_eq(check_ext(g_sys, KVM_CAP_GUEST_DEBUG_HW_WPS), 4);
	}
}

static void t_arm64_control(const struct abi_test *t)
{
	static const __u32 bad[] = { 1U << 2, 0x40000 /* x86 INJECT_DB */, 1U << 31,
				     KVM_GUESTDBG_USE_HW << 1 };
	int vm, vcpu = vcpu_of(&vm);
	size_t i;

	(void)t;
	if (vcpu < 0)
		return;
	/* No KVM_ARM_VCPU_INIT needed. */
	expect_ok(set_debug(vcpu, ARM64_VALID));
	expect_ok(set_debug(vcpu, KVM_GUESTDBG_ENABLE));
	expect_ok(set_debug(vcpu, 0));
	/* Without ENABLE the other bits are accepted and debugging is off. */
	expect_ok(set_debug(vcpu, KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_errno(set_debug(vcpu, KVM_GUESTDBG_ENABLE | bad[i]), EINVAL);
		expect_errno(set_debug(vcpu, bad[i]), EINVAL);
	}
}

static void t_arm64_not_the_guests(const struct abi_test *t)
{
	struct kvm_ext_arm64_guest_debug d;
	int vm, vcpu = vcpu_of(&vm), i;

	(void)t;
	if (vcpu < 0 || expect_ok(vcpu_init(vm, vcpu, 0)))
		return;
	memset(&d, 0, sizeof(d));
	d.control = ARM64_VALID;
	for (i = 0; i < KVM_ARM_MAX_DBG_REGS; i++) {
		d.arch.dbg_bcr[i] = 0x1e7;
		d.arch.dbg_bvr[i] = 0x400000 + 4 * i;
		d.arch.dbg_wcr[i] = 0x1ff7;
		d.arch.dbg_wvr[i] = 0x800000 + 8 * i;
	}
	expect_ok(ioctl(vcpu, KVM_EXT_ARM64_SET_GUEST_DEBUG, &d));
	expect_eq(get_reg(vcpu, DBGBCR0_EL1), 0);
	expect_eq(get_reg(vcpu, DBGBVR0_EL1), 0);
	expect_eq(get_reg(vcpu, DBGWCR0_EL1), 0);
	expect_eq(get_reg(vcpu, MDSCR_EL1), 0);
}

/* ------------------------------------------------------------ ppc */

static void t_ppc_any_control(const struct abi_test *t)
{
	int vm, vcpu = vcpu_of(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	expect_ok(set_debug(vcpu, 0xffffffff));
	expect_ok(set_debug(vcpu, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP));
	expect_ok(set_debug(vcpu, 0));
}

/* ------------------------------------------------------------ s390 */

static int s390_debug(int vcpu, __u32 control, __u32 nr, const void *bps)
{
	struct kvm_ext_s390_guest_debug d;

	memset(&d, 0, sizeof(d));
	d.control = control;
	d.arch.nr_hw_bp = nr;
	d.arch.hw_bp = (struct kvm_ext_s390_hw_breakpoint *)bps;
	return ioctl(vcpu, KVM_EXT_S390_SET_GUEST_DEBUG, &d);
}

#define HW (KVM_GUESTDBG_ENABLE | KVM_EXT_S390_GUESTDBG_USE_HW_BP)

static void t_s390_control(const struct abi_test *t)
{
	static const __u32 bad[] = { 0x20000, 0x10000000 /* 6.1's internal EXIT_PENDING */,
				     1U << 31, 1U << 2 };
	int vm, vcpu = vcpu_of(&vm);
	size_t i;

	(void)t;
	if (vcpu < 0)
		return;
	expect_ok(set_debug(vcpu, S390_VALID));
	expect_ok(set_debug(vcpu, 0));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_errno(set_debug(vcpu, KVM_GUESTDBG_ENABLE | bad[i]), EINVAL);
}

static void t_s390_import(const struct abi_test *t)
{
	static struct kvm_ext_s390_hw_breakpoint bps[51];
	int vm, vcpu = vcpu_of(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	memset(bps, 0, sizeof(bps));
	bps[0].type = KVM_HW_BP;
	bps[0].addr = 0x1000;
	expect_ok(s390_debug(vcpu, HW, 0, bps));
	expect_ok(s390_debug(vcpu, HW, 1, NULL));
	expect_ok(s390_debug(vcpu, HW, 50, bps));
	expect_errno(s390_debug(vcpu, HW, 51, bps), EINVAL);
	expect_ok(s390_debug(vcpu, HW, 51, NULL)); /* no array is checked first */
	expect_errno(s390_debug(vcpu, HW, 1, g_bad_ptr), EFAULT);
	/* Without ENABLE, or without USE_HW_BP, nothing is read. */
	expect_ok(s390_debug(vcpu, KVM_EXT_S390_GUESTDBG_USE_HW_BP, 1, g_bad_ptr));
	expect_ok(s390_debug(vcpu, KVM_GUESTDBG_ENABLE, 51, g_bad_ptr));
}

static void t_s390_watchpoints(const struct abi_test *t)
{
	struct kvm_ext_s390_hw_breakpoint bp[2];
	int vm, vcpu = vcpu_of(&vm);
	char *mem = alloc_mem(2 * PAGE_SZ);

	(void)t;
	if (vcpu < 0 || !mem)
		return;
	/* Two adjacent slots: a watched range may span them. */
	expect_ok(set_region(vm, 0, 0, 0x10000, PAGE_SZ, mem));
	expect_ok(set_region(vm, 1, 0, 0x11000, PAGE_SZ, mem + PAGE_SZ));
	memset(bp, 0, sizeof(bp));
	bp[0].type = KVM_HW_WP_WRITE;
	bp[0].addr = 0x10fc0;
	bp[0].phys_addr = 0x10fc0;
	bp[0].len = 100;
	expect_ok(s390_debug(vcpu, HW, 1, bp));
	bp[0].len = 101;
	expect_errno(s390_debug(vcpu, HW, 1, bp), EINVAL);
	bp[0].len = 0xffffffff; /* an int: -1 */
	expect_errno(s390_debug(vcpu, HW, 1, bp), EINVAL);
	bp[0].len = 0x100000005ULL; /* an int: 5 */
	expect_ok(s390_debug(vcpu, HW, 1, bp));
	bp[0].len = 8;
	bp[0].phys_addr = 0x12000; /* no memory there */
	expect_errno(s390_debug(vcpu, HW, 1, bp), EFAULT);
	bp[0].len = 0; /* nothing to read */
	expect_ok(s390_debug(vcpu, HW, 1, bp));
	/* Breakpoints and unknown types are not read. */
	bp[0].len = 8;
	bp[0].type = KVM_HW_BP;
	bp[1].type = 3;
	bp[1].phys_addr = 0x40000000;
	bp[1].len = 200;
	expect_ok(s390_debug(vcpu, HW, 2, bp));
	bp[1].type = KVM_HW_WP_WRITE;
	expect_errno(s390_debug(vcpu, HW, 2, bp), EINVAL);
}

static const struct abi_test guest_debug_tests[] = {
	{ "KVM_CHECK_EXTENSION: SET_GUEST_DEBUG 1, SET_GUEST_DEBUG2 the control bits accepted, "
	  "GUEST_DEBUG_HW_BPS/WPS 0 outside arm64",
	  REF_CAP, t_caps, 0, 0, 0, 0 },
	{ "KVM_SET_GUEST_DEBUG with an unreadable argument -EFAULT", REF_DBG, t_efault, 0, 0, 0, 0 },
	{ "another architecture's KVM_SET_GUEST_DEBUG number (x86's <linux/kvm.h> included) is an "
	  "unknown vCPU ioctl",
	  REF_DBG, t_other_numbers, 0, 0, 0, 0 },
	{ "KVM_CAP_GUEST_DEBUG_HW_BPS/WPS: ID_AA64DFR0_EL1.BRPs/WRPs + 1 (kvm_ext: 6 and 4)",
	  REF_CAP, t_arm64_hw_counts, A, 0, 0, 0 },
	{ "arm64: control bits outside ENABLE, SINGLESTEP, USE_SW_BP, USE_HW -EINVAL; no "
	  "KVM_ARM_VCPU_INIT needed",
	  REF_DBG, t_arm64_control, A, 0, 0, 0 },
	{ "arm64: the VMM's breakpoints and single-step are not the guest's DBGBCR/DBGBVR/DBGWCR/"
	  "MDSCR_EL1 (ONE_REG)",
	  REF_DBG, t_arm64_not_the_guests, A, 0, 0, 0 },
	{ "ppc: any control word is kept, unchecked", REF_DBG, t_ppc_any_control, M_PPC, 0, 0, 0 },
	{ "s390: control bits outside ENABLE, SINGLESTEP, USE_HW_BP -EINVAL (EXIT_PENDING too)",
	  REF_DBG, t_s390_control, M_S390, 0, 0, 0 },
	{ "s390: USE_HW_BP imports up to 50 breakpoints (more -EINVAL, an unreadable array "
	  "-EFAULT); none without ENABLE",
	  REF_DBG, t_s390_import, M_S390, 0, 0, 0 },
	{ "s390: a write watchpoint's length (an int) 0-100, its memory readable (-EFAULT), across "
	  "slots; other entries not read",
	  REF_DBG, t_s390_watchpoints, M_S390, 0, 0, 0 },
};

TEST_GROUP(guest_debug);
