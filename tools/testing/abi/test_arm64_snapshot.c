// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshot and restore of an arm64 vCPU the way a VMM migrates one:
 * api.rst 4.84 KVM_GET_REG_LIST names every register, 4.69
 * KVM_GET_ONE_REG saves each (its size is in its id), and on a fresh VM
 * and vCPU the VMM restores in the order the documents require: 4.82
 * KVM_ARM_VCPU_INIT with the same features, KVM_REG_ARM64_SVE_VLS, 4.119
 * KVM_ARM_VCPU_FINALIZE, then 4.68 KVM_SET_ONE_REG of every listed
 * register in list order except the VLS pseudo-register (immutable once
 * finalized: -EPERM). Every SET must succeed and every register must read
 * back byte for byte, the virtual counter excepted (it counts on).
 *
 * Ground truth is Linux 6.1 (arch/arm64/kvm/guest.c, sys_regs.c,
 * hypercalls.c, arch_timer.c, reset.c), the same as test_arm64_regs.c:
 * GET of a listed register followed by SET of the value read always
 * succeeds there (6.1's selftests/kvm/aarch64/get-reg-list.c), and what
 * a SET stores is what a GET returns, except for the registers written
 * back here unchanged: the invariant and ID registers, the CCSIDR demux
 * registers, the Spectre workaround levels and PMSWINC_EL0.
 *
 * Two mistakes a VMM makes, as Linux 6.1 answers them: restoring the
 * FPSIMD V registers into an SVE vCPU (their encodings are not accepted
 * for SVE vCPUs: -EINVAL, the data lives in the Z registers), and writing
 * KVM_REG_ARM64_SVE_VLS after KVM_ARM_VCPU_FINALIZE (-EPERM).
 *
 * The configurations need the default emulated host (SVE with 128, 256
 * and 512-bit vectors, ptrauth, PMUv3); on a real /dev/kvm whose host
 * lacks a feature the test skips itself, and a host without a 512-bit
 * vector length restores at its largest one below.
 *
 * arm64 only.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_test.h"
#include "arm64_ids.h"

#define REF_SNAP                                                                \
	"api.rst 4.84 KVM_GET_REG_LIST, 4.68/4.69 ONE_REG, 4.82 KVM_ARM_VCPU_INIT, " \
	"4.119 KVM_ARM_VCPU_FINALIZE"
#define REF_SVE "api.rst 4.68 (arm64 core registers [1], SVE registers), 4.119"

/* More register ids (arm64_ids.h has the fields and SYSREG/CORE). */
#define ZREG(n) (KVM_REG_ARM64 | KVM_REG_SIZE_U2048 | C_SVE | ((__u64)(n) << 5))
#define VLS KVM_REG_ARM64_SVE_VLS

#define PSTATE CORE(KVM_REG_SIZE_U64, 66)
#define FPSR CORE(KVM_REG_SIZE_U32, 212)
#define FPCR CORE(KVM_REG_SIZE_U32, 213)
/* arm64's <linux/psci.h> (through <asm/kvm.h>) has PSCI_VERSION(maj, min). */
#undef PSCI_VERSION
#define PSCI_VERSION (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | C_FW | 0)
#define STD_BMAP (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | C_BMAP | 0)
#define STD_HYP_BMAP (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | C_BMAP | 1)
#define VENDOR_HYP_BMAP (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | C_BMAP | 2)
#define TIMER_CTL SYSREG(3, 3, 14, 3, 1)
#define TIMER_CNT SYSREG(3, 3, 14, 3, 2)
#define TIMER_CVAL SYSREG(3, 3, 14, 0, 2)
#define MIDR_EL1 SYSREG(3, 0, 0, 0, 0)
#define REVIDR_EL1 SYSREG(3, 0, 0, 0, 6)
#define CLIDR_EL1 SYSREG(3, 1, 0, 0, 1)
#define AIDR_EL1 SYSREG(3, 1, 0, 0, 7)
#define CTR_EL0 SYSREG(3, 3, 0, 0, 1)
#define OSLSR_EL1 SYSREG(2, 0, 1, 1, 4)
#define PMSWINC_EL0 SYSREG(3, 3, 9, 12, 4)

#define LIST_MAX 1024
#define REG_MAX 256 /* U2048 */
#define CNT_START (1ULL << 44)
#define CNT_SLACK (1ULL << 40) /* ticks the counter may run during the test */

/* ------------------------------------------------------------ helpers */

static const char *reg_name(__u64 id)
{
	static char bufs[2][48];
	static int k;
	char *b = bufs[k++ & 1];
	__u64 low = id & 0xffff;

	if ((id & C_MASK) == C_SYSREG)
		snprintf(b, sizeof(bufs[0]), "SYSREG(%u,%u,%u,%u,%u)",
			 (unsigned int)(low >> 14) & 3, (unsigned int)(low >> 11) & 7,
			 (unsigned int)(low >> 7) & 15, (unsigned int)(low >> 3) & 15,
			 (unsigned int)low & 7);
	else
		snprintf(b, sizeof(bufs[0]), "%#llx", (unsigned long long)id);
	return b;
}

/* ------------------------------------------------------------ the snapshot */

struct snapshot {
	size_t n;
	__u64 vls[KVM_ARM64_SVE_VLS_WORDS];
	__u64 ids[LIST_MAX];
	unsigned char vals[LIST_MAX][REG_MAX];
};

static struct snapshot snap;

static struct {
	__u64 n;
	__u64 reg[LIST_MAX];
} rl;

static bool get_list(int vcpu)
{
	rl.n = LIST_MAX;
	if (!expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), 0))
		return false;
	return expect_true(rl.n > 0 && rl.n <= LIST_MAX);
}

/*
 * A vCPU of `vm` with `features`; with SVE, KVM_REG_ARM64_SVE_VLS set to
 * the host's lengths up to `max_vq` (and *vls to what was set), then
 * finalized.
 */
static int make_vcpu(int vm, unsigned long id, __u32 features, unsigned int max_vq, __u64 *vls)
{
	__u64 host[KVM_ARM64_SVE_VLS_WORDS];
	int vcpu = new_vcpu(vm, id);

	if (vcpu < 0 || !expect_errno(vcpu_init(vm, vcpu, features), 0))
		return -1;
	if (!(features & F_SVE))
		return vcpu;
	memset(host, 0, sizeof(host));
	if (!expect_errno(one_reg(vcpu, false, VLS, host), 0))
		return -1;
	memset(vls, 0, KVM_ARM64_SVE_VLS_WORDS * sizeof(*vls));
	vls[0] = max_vq < 64 ? host[0] & ((1ULL << max_vq) - 1) : host[0];
	if (!vls[0]) {
		fail("the host has no vector length up to %u bits", max_vq * 128);
		return -1;
	}
	if (!expect_errno(one_reg(vcpu, true, VLS, vls), 0) ||
	    !expect_errno(finalize_sve(vcpu), 0))
		return -1;
	return vcpu;
}

static bool is_id_reg(__u64 id)
{
	__u64 low = id & 0xffff;

	/* Op0 3, Op1 0, CRn 0, CRm 1..7: the ID register space */
	return (id & C_MASK) == C_SYSREG && (low >> 7) == (3 << 7) && ((low >> 3) & 15) >= 1;
}

static bool is_pmevcntr(__u64 id)
{
	__u64 low = id & 0xffff;

	return (id & C_MASK) == C_SYSREG && low >= ENC(3, 3, 14, 8, 0) &&
	       low <= ENC(3, 3, 14, 11, 7);
}

/* Registers that are read-only to the VMM in effect: written back as read. */
static bool write_back(__u64 id)
{
	switch (id) {
	case MIDR_EL1:
	case REVIDR_EL1:
	case CLIDR_EL1:
	case AIDR_EL1:
	case CTR_EL0:
	case PMSWINC_EL0:
		return true;
	}
	if ((id & C_MASK) == C_DEMUX)
		return true;
	if ((id & C_MASK) == C_FW && (id & 0xffff) >= 1 && (id & 0xffff) <= 3)
		return true; /* SMCCC_ARCH_WORKAROUND_1..3 */
	return is_id_reg(id);
}

/* A value for register i of the list, distinct from its neighbours' and from reset. */
static void distinctive(__u64 id, size_t i, __u32 features, unsigned char *buf)
{
	unsigned int size = reg_size(id), k;
	__u64 v = 0x8f1e2d3c4b5a6978ULL ^ ((__u64)(i + 1) * 0x0101010101010101ULL) ^
		  ((__u64)i << 56);

	for (k = 0; k < size; k++)
		buf[k] = (unsigned char)(v >> (8 * (k % 8))) ^ (unsigned char)(k / 8);
	switch (id) {
	case PSTATE:
		v = 0x600003c5ULL; /* Z, C; D, A, I, F; EL1h */
		break;
	case FPSR:
		v = 0x0800009fULL;
		break;
	case FPCR:
		v = 0x03c00000ULL;
		break;
	case PSCI_VERSION:
		v = features & F_PSCI ? 0x10000ULL : 0x1ULL; /* 1.0, or 0.1 */
		break;
	case STD_BMAP:
		v = 0;
		break;
	case STD_HYP_BMAP:
		v = 1;
		break;
	case VENDOR_HYP_BMAP:
		v = 1; /* FUNC_FEAT without PTP */
		break;
	case TIMER_CTL:
		v = 0x3; /* ENABLE | IMASK */
		break;
	case TIMER_CNT:
		v = CNT_START;
		break;
	case TIMER_CVAL:
		v = 0x0123456789abcdefULL; /* far after CNT_START: ISTATUS stays clear */
		break;
	case OSLSR_EL1:
		v = 0xa; /* OSLM implemented, OSLK */
		break;
	default:
		if (is_pmevcntr(id))
			memset(buf + 4, 0, 4); /* a 32-bit counter */
		return;
	}
	memset(buf, 0, size);
	memcpy(buf, &v, size < 8 ? size : 8);
}

/* Writes a distinctive value into every writable register of `vcpu`'s list. */
static void write_all(int vcpu, __u32 features)
{
	unsigned char buf[REG_MAX];
	size_t i;

	for (i = 0; i < rl.n; i++) {
		__u64 id = rl.reg[i];

		if (id == VLS)
			continue;
		if (write_back(id)) {
			if (!expect_errno(one_reg(vcpu, false, id, buf), 0))
				diag("  GET %s", reg_name(id));
		} else {
			distinctive(id, i, features, buf);
		}
		if (!expect_errno(one_reg(vcpu, true, id, buf), 0))
			diag("  SET %s on the source", reg_name(id));
	}
}

static void save(int vcpu)
{
	size_t i;

	snap.n = rl.n;
	for (i = 0; i < rl.n; i++) {
		snap.ids[i] = rl.reg[i];
		memset(snap.vals[i], 0, REG_MAX);
		if (!expect_errno(one_reg(vcpu, false, rl.reg[i], snap.vals[i]), 0))
			diag("  GET %s", reg_name(rl.reg[i]));
	}
}

/* The source vCPU: written and saved. */
static bool take_snapshot(__u32 features, unsigned int max_vq)
{
	int vm = new_vm(0), vcpu;

	memset(&snap, 0, sizeof(snap));
	vcpu = vm >= 0 ? make_vcpu(vm, 0, features, max_vq, snap.vls) : -1;
	if (vcpu < 0 || !get_list(vcpu))
		return false;
	write_all(vcpu, features);
	save(vcpu);
	xclose(vcpu);
	xclose(vm);
	return !test_failed();
}

/* Compares `vcpu`'s registers with the snapshot. */
static void expect_snapshot(int vcpu)
{
	unsigned char buf[REG_MAX];
	unsigned int size, k;
	size_t i, bad = 0;

	for (i = 0; i < snap.n; i++) {
		__u64 id = snap.ids[i], got, want;

		size = reg_size(id);
		memset(buf, 0, sizeof(buf));
		if (!expect_errno(one_reg(vcpu, false, id, buf), 0)) {
			diag("  GET %s", reg_name(id));
			continue;
		}
		if (id == TIMER_CNT) {
			memcpy(&got, buf, 8);
			memcpy(&want, snap.vals[i], 8);
			if (got < want || got - want >= CNT_SLACK)
				fail("CNTVCT %#llx after restoring %#llx", (unsigned long long)got,
				     (unsigned long long)want);
			continue;
		}
		for (k = 0; k < size && buf[k] == snap.vals[i][k]; k++)
			;
		if (k < size && bad++ < 8) {
			fail("%s differs at byte %u: %#x, saved %#x", reg_name(id), k, buf[k],
			     snap.vals[i][k]);
		}
	}
	if (bad)
		diag("  %zu registers differ", bad);
}

/* ------------------------------------------------------------ tests */

static void t_snapshot(const struct abi_test *t)
{
	__u32 features = (__u32)t->a;
	unsigned int max_vq = (unsigned int)t->b;
	__u64 vls[KVM_ARM64_SVE_VLS_WORDS];
	size_t i;
	int vm, vcpu;

	if (!host_supports(features) || !take_snapshot(features, max_vq))
		return;
	desc_append(" (%zu registers)", snap.n);
	/* INIT, VLS, FINALIZE, then the list in order but for VLS */
	vm = new_vm(0);
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0 || !expect_errno(vcpu_init(vm, vcpu, features), 0))
		return;
	if (features & F_SVE) {
		if (!expect_errno(one_reg(vcpu, true, VLS, snap.vls), 0) ||
		    !expect_errno(finalize_sve(vcpu), 0))
			return;
	}
	for (i = 0; i < snap.n; i++) {
		if (snap.ids[i] == VLS)
			continue;
		if (!expect_errno(one_reg(vcpu, true, snap.ids[i], snap.vals[i]), 0))
			diag("  restoring %s", reg_name(snap.ids[i]));
	}
	/* the same list, the same values */
	if (get_list(vcpu)) {
		expect_eq(rl.n, snap.n);
		for (i = 0; i < snap.n && i < rl.n; i++) {
			if (rl.reg[i] != snap.ids[i]) {
				fail("entry %zu of the list is %s, the source's %s", i,
				     reg_name(rl.reg[i]), reg_name(snap.ids[i]));
				break;
			}
		}
	}
	expect_snapshot(vcpu);
	if (features & F_SVE) {
		memset(vls, 0, sizeof(vls));
		expect_errno(one_reg(vcpu, false, VLS, vls), 0);
		expect_eq(vls[0], snap.vls[0]);
	}
}

/*
 * The reported VMM bug: a VMM that restores V0-V31 (the FPSIMD view) into
 * an SVE vCPU. 6.1's core_reg_size_from_offset() refuses their encodings
 * on SVE vCPUs, finalized or not; the content belongs in Z0-Z31.
 */
static void t_restore_vregs_into_sve(const struct abi_test *t)
{
	const __u32 features = F_PSCI | F_PMU;
	unsigned char zero[REG_MAX], buf[REG_MAX];
	size_t i, nv = 0, nid = 0;
	int vm, vcpu;

	(void)t;
	if (!host_supports(features | F_SVE) || !take_snapshot(features, 0))
		return;
	vm = new_vm(0);
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0 || !expect_errno(vcpu_init(vm, vcpu, features | F_SVE), 0))
		return;
	for (i = 0; i < snap.n; i++) {
		__u64 id = snap.ids[i], off = id & 0xffff;

		if ((id & C_MASK) != C_CORE || off < 84 || off > 208)
			continue;
		nv++;
		/* before FINALIZE */
		expect_errno(one_reg(vcpu, true, id, snap.vals[i]), EINVAL);
	}
	expect_eq(nv, 32);
	expect_errno(finalize_sve(vcpu), 0);
	for (i = 0; i < snap.n; i++) {
		__u64 id = snap.ids[i], off = id & 0xffff;
		int want = 0;

		if ((id & C_MASK) == C_CORE && off >= 84 && off <= 208)
			want = EINVAL;
		/* ID_AA64PFR0_EL1.SVE, ID_AA64ZFR0_EL1 differ with SVE: set_id_reg() refuses */
		if (is_id_reg(id) && !expect_errno(one_reg(vcpu, false, id, buf), 0))
			continue;
		if (is_id_reg(id) && memcmp(buf, snap.vals[i], 8)) {
			diag("  %s differs on the SVE vCPU", reg_name(id));
			want = EINVAL;
			nid++;
		}
		if (!expect_errno(one_reg(vcpu, true, id, snap.vals[i]), want))
			diag("  restoring %s", reg_name(id));
		if (want && (id & C_MASK) == C_CORE)
			expect_errno(one_reg(vcpu, false, id, buf), EINVAL);
	}
	/* at least ID_AA64PFR0_EL1 (its SVE field) */
	expect_true(nid >= 1);
	/* nothing reached the Z registers */
	memset(zero, 0, sizeof(zero));
	for (i = 0; i < 32; i++) {
		memset(buf, 0xa5, sizeof(buf));
		if (expect_errno(one_reg(vcpu, false, ZREG(i), buf), 0) &&
		    memcmp(buf, zero, sizeof(buf)))
			fail("Z%zu is not zero", i);
	}
}

/*
 * A VMM that finalizes first and then restores the list in order, VLS
 * included: VLS -EPERM (6.1's set_sve_vls(), before the value is read),
 * the vector lengths stay the host's; the Z/P/FFR registers restore.
 * And one that restores Z before FINALIZE: -EPERM, and KVM_GET_REG_LIST
 * -EPERM too.
 */
static void t_restore_vls_after_finalize(const struct abi_test *t)
{
	const __u32 features = F_SVE | F_PTRAUTH | F_PMU | F_PSCI;
	__u64 host[KVM_ARM64_SVE_VLS_WORDS], vls[KVM_ARM64_SVE_VLS_WORDS];
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!host_supports(features) || !take_snapshot(features, 1))
		return;
	vm = new_vm(0);
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0 || !expect_errno(vcpu_init(vm, vcpu, features), 0))
		return;
	memset(host, 0, sizeof(host));
	expect_errno(one_reg(vcpu, false, VLS, host), 0);
	/* Z before FINALIZE */
	expect_errno(one_reg(vcpu, true, ZREG(0), snap.vals[0]), EPERM);
	rl.n = LIST_MAX;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), EPERM);
	expect_errno(finalize_sve(vcpu), 0);
	for (i = 0; i < snap.n; i++) {
		__u64 id = snap.ids[i];

		if (id == VLS) {
			expect_errno(one_reg(vcpu, true, id, snap.vals[i]), EPERM);
			expect_errno(one_reg(vcpu, true, id, g_bad_ptr), EPERM);
			continue;
		}
		/* Z/P/FFR of the 128-bit source into a longer vector: zero-extended */
		if (!expect_errno(one_reg(vcpu, true, id, snap.vals[i]), 0))
			diag("  restoring %s", reg_name(id));
	}
	memset(vls, 0, sizeof(vls));
	expect_errno(one_reg(vcpu, false, VLS, vls), 0);
	expect_eq(vls[0], host[0]);
	if (host[0] != snap.vls[0])
		diag("  VLS %#llx kept, the source had %#llx", (unsigned long long)host[0],
		     (unsigned long long)snap.vls[0]);
	/* everything but VLS reads back as saved (the source zero-filled past 128 bits) */
	for (i = 0; i < snap.n; i++)
		if (snap.ids[i] == VLS)
			memcpy(snap.vals[i], host, sizeof(host));
	expect_snapshot(vcpu);
}

/* ------------------------------------------------------------ table */

#define A M_ARM64
static const struct abi_test arm64_snapshot_tests[] = {
	{ "snapshot/restore: SVE (512-bit) + ptrauth + PMU_V3 + PSCI_0_2 vCPU, every register",
	  REF_SNAP, t_snapshot, A, 0, F_SVE | F_PTRAUTH | F_PMU | F_PSCI, 4 },
	{ "snapshot/restore: FPSIMD (V registers) + PMU_V3 + PSCI_0_2 vCPU, every register",
	  REF_SNAP, t_snapshot, A, 0, F_PMU | F_PSCI, 0 },
	{ "snapshot/restore: SVE (128-bit only) vCPU, every register", REF_SNAP, t_snapshot, A, 0,
	  F_SVE, 1 },
	{ "restoring V0-V31 into an SVE vCPU -EINVAL, finalized or not; Z untouched", REF_SVE,
	  t_restore_vregs_into_sve, A, 0, 0, 0 },
	{ "restoring VLS after KVM_ARM_VCPU_FINALIZE -EPERM; Z before FINALIZE -EPERM", REF_SVE,
	  t_restore_vls_after_finalize, A, 0, 0, 0 },
};

TEST_GROUP(arm64_snapshot);
