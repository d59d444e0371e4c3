// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPU registers beyond the core registers: api.rst 4.84
 * KVM_GET_REG_LIST, 4.68 KVM_SET_ONE_REG / 4.69 KVM_GET_ONE_REG of the
 * system registers (coproc 0x13), the CCSIDR registers demultiplexed by
 * CSSELR (0x11), the firmware pseudo-registers (0x14) and the bitmap
 * feature firmware registers (0x16, arm/hypercalls.rst), the virtual timer
 * registers, the SVE registers (0x15: the "arm64 SVE registers" part of
 * /work/shared/spec/kvm-api-2019-sve-ptrauth-dirtylog-xive.patch.txt),
 * their reset by 4.82 KVM_ARM_VCPU_INIT, and devices/vcpu.rst 3.1
 * KVM_ARM_VCPU_PVTIME_IPA.
 *
 * Ground truth is Linux 6.1:
 *  - arch/arm64/kvm/arm.c kvm_arch_vcpu_ioctl(): ONE_REG and
 *    KVM_GET_REG_LIST are -ENOEXEC before INIT; KVM_GET_REG_LIST is -EPERM
 *    on an SVE vCPU before FINALIZE, writes the number of registers back
 *    into n before it fails -E2BIG when n is smaller;
 *  - guest.c kvm_arm_copy_reg_indices(): the list is the core registers
 *    in offset order (V0-V31 only without SVE: 75 or 43), the SVE block
 *    (VLS first, Z0-Z31, P0-P15, FFR: slice 0 only), the 7 firmware
 *    registers, the 3 timer registers (KVM_REG_ARM_TIMER_CTL, _CNT, _CVAL:
 *    (3,3,14,3,1), (3,3,14,3,2), (3,3,14,0,2) - CNT and CVAL have each
 *    other's encodings), then sys_regs.c kvm_arm_copy_sys_reg_indices():
 *    the 5 invariant registers (MIDR, REVIDR, CLIDR, AIDR, CTR), the
 *    sys_reg_descs[] rows that have storage or a get_user hook and are not
 *    hidden, in ascending encoding order, then one CCSIDR id per CSSELR
 *    value 0..13 that is_valid_cache() accepts for the host's CLIDR_EL1;
 *  - guest.c sve_reg_to_region(), get_sve_reg(), set_sve_reg(): the id is
 *    checked (-EINVAL not a Z/P/FFR id, -ENOENT no SVE or slice > 0)
 *    before finalization (-EPERM); GET zero-fills past the vector length,
 *    SET reads only the vector length's bytes;
 *  - sys_regs.c index_to_params(), id_to_sys_reg_desc(),
 *    kvm_sys_reg_{get,set}_user(), {get,set}_invariant_sys_reg(),
 *    demux_c15_{get,set}(), set_id_reg(), set_id_aa64pfr0_el1(),
 *    set_oslsr_el1(), read_id_reg(), the *_visibility() hooks and the
 *    reset hooks of sys_reg_descs[];
 *  - hypercalls.c kvm_arm_{get,set}_fw_reg(), kvm_arm_set_fw_reg_bmap();
 *  - arch_timer.c kvm_arm_timer_{get,set}_reg(), update_vtimer_cntvoff(),
 *    kvm_timer_vcpu_init(), read_timer_ctl();
 *  - pvtime.c kvm_arm_pvtime_{set,get,has}_attr().
 * The expected register sets are those of 6.1's
 * tools/testing/selftests/kvm/aarch64/get-reg-list.c (base_regs, vregs,
 * sve_regs, pauth_*_regs, pmu_regs), in the order 6.1 emits them.
 *
 * Values of the emulated host (MIDR, CLIDR, CCSIDR, the ID registers, the
 * Spectre workaround levels) are read, never assumed. The vCPU
 * configurations need the default emulated host (SVE, ptrauth, PMUv3); on
 * a real /dev/kvm whose host lacks one, the test skips itself. The one
 * test that writes a module parameter (AArch32 ID registers without
 * AArch32 EL0) is kvm_ext-only and restores the defaults (PARAM_TEST).
 *
 * arm64 only.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi_test.h"
#include "arm64_ids.h"

#define REF_LIST "api.rst 4.84 KVM_GET_REG_LIST"
#define REF_ONE "api.rst 4.68 KVM_SET_ONE_REG, 4.69 KVM_GET_ONE_REG"
#define REF_SYS "api.rst 4.68/4.69 (arm64 system registers 0x6030 0000 0013)"
#define REF_DEMUX "api.rst 4.68/4.69 (arm64 CCSIDR registers demultiplexed by CSSELR)"
#define REF_SVE "api.rst 4.68/4.69 (arm64 SVE registers), spec kvm-api-2019"
#define REF_FW "api.rst 4.68/4.69 (arm64 firmware pseudo-registers), arm/hypercalls.rst"
#define REF_BMAP "api.rst 4.68/4.69 (bitmap feature firmware registers), arm/hypercalls.rst"
#define REF_TIMER "api.rst 4.68/4.69 (KVM_REG_ARM_TIMER_CTL/CNT/CVAL)"
#define REF_RESET "api.rst 4.82 KVM_ARM_VCPU_INIT (system registers reset)"
#define REF_PVTIME "devices/vcpu.rst 3.1 KVM_ARM_VCPU_PVTIME_IPA"

/* More register ids (arm64_ids.h has the fields and SYSREG/CORE). */
#define SZ_SHIFT KVM_REG_SIZE_SHIFT
#define U32 KVM_REG_SIZE_U32
#define U64 KVM_REG_SIZE_U64
#define U128 KVM_REG_SIZE_U128
#define U256 KVM_REG_SIZE_U256
#define U512 KVM_REG_SIZE_U512
#define U2048 KVM_REG_SIZE_U2048
#define FW(n) (KVM_REG_ARM64 | U64 | C_FW | (__u64)(n))
#define BMAP(n) (KVM_REG_ARM64 | U64 | C_BMAP | (__u64)(n))
#define ZREG(n, i) (KVM_REG_ARM64 | U2048 | C_SVE | ((__u64)(n) << 5) | (__u64)(i))
#define PREG(n, i) (KVM_REG_ARM64 | U256 | C_SVE | 0x400 | ((__u64)(n) << 5) | (__u64)(i))
#define FFR(i) (KVM_REG_ARM64 | U256 | C_SVE | 0x600 | (__u64)(i))
#define VLS KVM_REG_ARM64_SVE_VLS
#define CCSIDR(sel) (KVM_REG_ARM64 | U32 | C_DEMUX | (__u64)(sel))
#define WITH_SIZE(id, size) (((id) & ~KVM_REG_SIZE_MASK) | (size))

/* The timer ids (KVM_REG_ARM_TIMER_CNT/CVAL swapped, as in the uapi). */
#define TIMER_CTL SYSREG(3, 3, 14, 3, 1)
#define TIMER_CNT SYSREG(3, 3, 14, 3, 2)
#define TIMER_CVAL SYSREG(3, 3, 14, 0, 2)

#define MIDR_EL1 SYSREG(3, 0, 0, 0, 0)
#define MPIDR_EL1 SYSREG(3, 0, 0, 0, 5)
#define REVIDR_EL1 SYSREG(3, 0, 0, 0, 6)
#define CLIDR_EL1 SYSREG(3, 1, 0, 0, 1)
#define AIDR_EL1 SYSREG(3, 1, 0, 0, 7)
#define CTR_EL0 SYSREG(3, 3, 0, 0, 1)
#define ID_REG(crm, op2) SYSREG(3, 0, 0, crm, op2)
#define ID_DFR0_EL1 ID_REG(1, 2)
#define ID_AA64PFR0_EL1 ID_REG(4, 0)
#define ID_AA64PFR1_EL1 ID_REG(4, 1)
#define ID_AA64ZFR0_EL1 ID_REG(4, 4)
#define ID_AA64DFR0_EL1 ID_REG(5, 0)
#define ID_AA64ISAR1_EL1 ID_REG(6, 1)
#define ID_AA64ISAR2_EL1 ID_REG(6, 2)
#define SCTLR_EL1 SYSREG(3, 0, 1, 0, 0)
#define CPACR_EL1 SYSREG(3, 0, 1, 0, 2)
#define ZCR_EL1 SYSREG(3, 0, 1, 2, 0)
#define TCR_EL1 SYSREG(3, 0, 2, 0, 2)
#define VBAR_EL1 SYSREG(3, 0, 12, 0, 0)
#define DISR_EL1 SYSREG(3, 0, 12, 1, 1)
#define CONTEXTIDR_EL1 SYSREG(3, 0, 13, 0, 1)
#define CNTKCTL_EL1 SYSREG(3, 0, 14, 1, 0)
#define TPIDR_EL0 SYSREG(3, 3, 13, 0, 2)
#define MDCCINT_EL1 SYSREG(2, 0, 0, 2, 0)
#define MDSCR_EL1 SYSREG(2, 0, 0, 2, 2)
#define OSLSR_EL1 SYSREG(2, 0, 1, 1, 4)
#define DBGVCR32_EL2 SYSREG(2, 4, 0, 7, 0)
#define DBGBVR(n) SYSREG(2, 0, 0, n, 4)
#define DBGBCR(n) SYSREG(2, 0, 0, n, 5)
#define DBGWVR(n) SYSREG(2, 0, 0, n, 6)
#define DBGWCR(n) SYSREG(2, 0, 0, n, 7)
#define FPEXC32_EL2 SYSREG(3, 4, 5, 3, 0)
#define PMINTENSET_EL1 SYSREG(3, 0, 9, 14, 1)
#define PMINTENCLR_EL1 SYSREG(3, 0, 9, 14, 2)
#define PMCR_EL0 SYSREG(3, 3, 9, 12, 0)
#define PMCNTENSET_EL0 SYSREG(3, 3, 9, 12, 1)
#define PMCNTENCLR_EL0 SYSREG(3, 3, 9, 12, 2)
#define PMOVSCLR_EL0 SYSREG(3, 3, 9, 12, 3)
#define PMSWINC_EL0 SYSREG(3, 3, 9, 12, 4)
#define PMSELR_EL0 SYSREG(3, 3, 9, 12, 5)
#define PMCCNTR_EL0 SYSREG(3, 3, 9, 13, 0)
#define PMUSERENR_EL0 SYSREG(3, 3, 9, 14, 0)
#define PMOVSSET_EL0 SYSREG(3, 3, 9, 14, 3)
#define PMEVCNTR(n) SYSREG(3, 3, 14, 8 + (n) / 8, (n) % 8)
#define PMEVTYPER(n) SYSREG(3, 3, 14, 12 + (n) / 8, (n) % 8)
#define PMCCFILTR_EL0 SYSREG(3, 3, 14, 15, 7)

/* arm64's <linux/psci.h> (through <asm/kvm.h>) has PSCI_VERSION(maj, min). */
#undef PSCI_VERSION
#define PSCI_VERSION FW(0)
#define WA1 FW(1)
#define WA2 FW(2)
#define WA3 FW(3)
#define STD_BMAP BMAP(0)
#define STD_HYP_BMAP BMAP(1)
#define VENDOR_HYP_BMAP BMAP(2)
#define PSCI_0_1 0x1ULL
#define PSCI_0_2 0x2ULL
#define PSCI_1_0 0x10000ULL
#define PSCI_1_1 0x10001ULL

/* arm64 device attributes on the vCPU fd (uapi asm/kvm.h) */
#define G_PMU 0		/* KVM_ARM_VCPU_PMU_V3_CTRL */
#define G_TIMER 1	/* KVM_ARM_VCPU_TIMER_CTRL */
#define G_PVTIME 2	/* KVM_ARM_VCPU_PVTIME_CTRL */
#define A_PVTIME_IPA 0	/* KVM_ARM_VCPU_PVTIME_IPA */

#define OSLSR_OSLM_IMPLEMENTED 0x8ULL
#define OSLSR_OSLK 0x2ULL
#define CTL_ENABLE 0x1ULL
#define CTL_IMASK 0x2ULL
#define CTL_ISTATUS 0x4ULL
#define FIELD(v, shift) (((v) >> (shift)) & 0xfULL)

#define LIST_MAX 1024
#define REG_MAX 256 /* U2048 */

/* ------------------------------------------------------------ vCPU helpers */

/*
 * A vCPU `id` of `vm` initialised with `features` (-1: left uninitialised)
 * and, with SVE, finalized when `fin`.
 */
static int init_vcpu(int vm, unsigned long id, long features, bool fin)
{
	int vcpu = new_vcpu(vm, id);

	if (vcpu < 0 || features < 0)
		return vcpu;
	if (!expect_errno(vcpu_init(vm, vcpu, (__u32)features), 0))
		return -1;
	if (fin && (features & F_SVE) && !expect_errno(finalize_sve(vcpu), 0))
		return -1;
	return vcpu;
}

/* A new VM with vCPU 0 as init_vcpu() makes it; checks the host first. */
static bool setup(int *vm, int *vcpu, long features, bool fin)
{
	*vm = -1;
	*vcpu = -1;
	if (features > 0 && !host_supports((__u32)features))
		return false;
	*vm = new_vm(0);
	if (*vm < 0)
		return false;
	*vcpu = init_vcpu(*vm, 0, features, fin);
	return *vcpu >= 0;
}

static int set_u64(int vcpu, __u64 id, __u64 v)
{
	return one_reg(vcpu, true, id, &v);
}

/* A readable name for diagnostics. */
static const char *reg_name(__u64 id)
{
	static char bufs[4][48];
	static int k;
	char *b = bufs[k++ & 3];
	__u64 c = id & C_MASK, low = id & 0xffff;

	if (c == C_SYSREG)
		snprintf(b, sizeof(bufs[0]), "SYSREG(%u,%u,%u,%u,%u)/%uB",
			 (unsigned int)(low >> 14) & 3, (unsigned int)(low >> 11) & 7,
			 (unsigned int)(low >> 7) & 15, (unsigned int)(low >> 3) & 15,
			 (unsigned int)low & 7, reg_size(id));
	else if (c == C_CORE)
		snprintf(b, sizeof(bufs[0]), "CORE(%#llx)/%uB", (unsigned long long)low,
			 reg_size(id));
	else if (c == C_SVE && id == VLS)
		snprintf(b, sizeof(bufs[0]), "SVE_VLS");
	else if (c == C_SVE && low < 0x400)
		snprintf(b, sizeof(bufs[0]), "Z%u slice %u/%uB", (unsigned int)(low >> 5) & 31,
			 (unsigned int)low & 31, reg_size(id));
	else if (c == C_SVE && low < 0x600)
		snprintf(b, sizeof(bufs[0]), "P%u slice %u/%uB", (unsigned int)(low >> 5) & 15,
			 (unsigned int)low & 31, reg_size(id));
	else if (c == C_DEMUX)
		snprintf(b, sizeof(bufs[0]), "CCSIDR(csselr %u)/%uB", (unsigned int)low & 0xff,
			 reg_size(id));
	else
		snprintf(b, sizeof(bufs[0]), "%#llx", (unsigned long long)id);
	return b;
}

/* KVM_GET_ONE_REG of a 64-bit register succeeds and reads `want`. */
static bool expect_reg_at(const char *file, int line, int vcpu, __u64 id, __u64 want)
{
	char what[80];
	__u64 v = 0x5a5a5a5a5a5a5a5aULL;
	int r = one_reg(vcpu, false, id, &v), err = errno;

	snprintf(what, sizeof(what), "KVM_GET_ONE_REG(%s)", reg_name(id));
	if (!expect_errno_at(file, line, what, r, err, 0))
		return false;
	return expect_eq_at(file, line, what, v, want);
}
#define expect_reg(vcpu, id, want) expect_reg_at(__FILE__, __LINE__, vcpu, id, want)

/* KVM_GET_ONE_REG of a 64-bit register, recording a failure; 0 then. */
static __u64 get_at(const char *file, int line, int vcpu, __u64 id)
{
	char what[80];
	__u64 v = 0;
	int r = one_reg(vcpu, false, id, &v), err = errno;

	snprintf(what, sizeof(what), "KVM_GET_ONE_REG(%s)", reg_name(id));
	expect_errno_at(file, line, what, r, err, 0);
	return r ? 0 : v;
}
#define get(vcpu, id) get_at(__FILE__, __LINE__, vcpu, id)

/* KVM_SET_ONE_REG of a 64-bit register fails with `want` (0: succeeds). */
static bool expect_set_at(const char *file, int line, int vcpu, __u64 id, __u64 v, int want)
{
	char what[96];
	int r = set_u64(vcpu, id, v), err = errno;

	snprintf(what, sizeof(what), "KVM_SET_ONE_REG(%s, %#llx)", reg_name(id),
		 (unsigned long long)v);
	return expect_errno_at(file, line, what, r, err, want);
}
#define expect_set(vcpu, id, v, want) expect_set_at(__FILE__, __LINE__, vcpu, id, v, want)

/* KVM_GET_REG_LIST into a static buffer: the ioctl's value, *n the count. */
static struct {
	__u64 n;
	__u64 reg[LIST_MAX];
} rl;

static int get_list(int vcpu, size_t *n)
{
	int r;

	rl.n = LIST_MAX;
	r = ioctl(vcpu, KVM_GET_REG_LIST, &rl);
	*n = r ? 0 : (size_t)rl.n;
	return r;
}

/* ------------------------------------------------------------ the expected list */

/* 6.1's sys_regs.c cache_levels: CLIDR_EL1's Ctype fields up to the first 0. */
static __u32 cache_levels(__u64 clidr)
{
	__u32 levels = (__u32)clidr;
	int i;

	for (i = 0; i < 7; i++)
		if (((levels >> (i * 3)) & 7) == 0)
			break;
	return levels & ((1U << (i * 3)) - 1);
}

/* 6.1's is_valid_cache(). */
static bool valid_csselr(__u32 levels, __u32 val)
{
	__u32 ctype;

	if (val >= 14)
		return false;
	ctype = (levels >> ((val >> 1) * 3)) & 7;
	switch (ctype) {
	case 1:
		return val & 1;
	case 2:
	case 4:
		return !(val & 1);
	case 3:
		return true;
	default:
		return false;
	}
}

static size_t push(__u64 *out, size_t n, __u64 id)
{
	if (n < LIST_MAX)
		out[n] = id;
	return n + 1;
}

/* The core registers in offset order (V0-V31 without SVE). */
static size_t core_ids(__u64 *out, size_t n, bool sve)
{
	unsigned int off;

	for (off = 0; off <= 80; off += 2)	/* X0-X30, SP, PC, PSTATE, SP_EL1, ELR, SPSR[5] */
		n = push(out, n, CORE(U64, off));
	for (off = 84; !sve && off <= 208; off += 4)
		n = push(out, n, CORE(U128, off));
	n = push(out, n, CORE(U32, 212));
	return push(out, n, CORE(U32, 213));
}

static size_t sve_ids(__u64 *out, size_t n)
{
	unsigned int i;

	n = push(out, n, VLS);
	for (i = 0; i < 32; i++)
		n = push(out, n, ZREG(i, 0));
	for (i = 0; i < 16; i++)
		n = push(out, n, PREG(i, 0));
	return push(out, n, FFR(0));
}

static size_t dbg_ids(__u64 *out, size_t n, unsigned int i)
{
	n = push(out, n, DBGBVR(i));
	n = push(out, n, DBGBCR(i));
	n = push(out, n, DBGWVR(i));
	return push(out, n, DBGWCR(i));
}

/* sys_reg_descs[] rows with storage or get_user, visible for `features`. */
static size_t sysreg_ids(__u64 *out, size_t n, __u32 features)
{
	bool sve = features & F_SVE, pmu = features & F_PMU, pa = features & F_PTRAUTH;
	unsigned int i, j;

	n = dbg_ids(out, n, 0);
	n = dbg_ids(out, n, 1);
	n = push(out, n, MDCCINT_EL1);
	n = push(out, n, MDSCR_EL1);
	for (i = 2; i < 16; i++)
		n = dbg_ids(out, n, i);
	n = push(out, n, OSLSR_EL1);
	n = push(out, n, DBGVCR32_EL2);
	n = push(out, n, MPIDR_EL1);
	for (i = 1; i < 8; i++)
		for (j = 0; j < 8; j++)
			n = push(out, n, ID_REG(i, j));
	n = push(out, n, SCTLR_EL1);
	n = push(out, n, SYSREG(3, 0, 1, 0, 1));	/* ACTLR_EL1 */
	n = push(out, n, CPACR_EL1);
	if (sve)
		n = push(out, n, ZCR_EL1);
	n = push(out, n, SYSREG(3, 0, 2, 0, 0));	/* TTBR0_EL1 */
	n = push(out, n, SYSREG(3, 0, 2, 0, 1));	/* TTBR1_EL1 */
	n = push(out, n, TCR_EL1);
	for (i = 0; pa && i < 10; i++)			/* AP{IA,IB,DA,DB,GA}KEY{LO,HI}_EL1 */
		n = push(out, n, SYSREG(3, 0, 2, 1 + i / 4, i % 4));
	n = push(out, n, SYSREG(3, 0, 5, 1, 0));	/* AFSR0_EL1 */
	n = push(out, n, SYSREG(3, 0, 5, 1, 1));	/* AFSR1_EL1 */
	n = push(out, n, SYSREG(3, 0, 5, 2, 0));	/* ESR_EL1 */
	n = push(out, n, SYSREG(3, 0, 6, 0, 0));	/* FAR_EL1 */
	n = push(out, n, SYSREG(3, 0, 7, 4, 0));	/* PAR_EL1 */
	if (pmu) {
		n = push(out, n, PMINTENSET_EL1);
		n = push(out, n, PMINTENCLR_EL1);
	}
	n = push(out, n, SYSREG(3, 0, 10, 2, 0));	/* MAIR_EL1 */
	n = push(out, n, SYSREG(3, 0, 10, 3, 0));	/* AMAIR_EL1 */
	n = push(out, n, VBAR_EL1);
	n = push(out, n, DISR_EL1);
	n = push(out, n, CONTEXTIDR_EL1);
	n = push(out, n, SYSREG(3, 0, 13, 0, 4));	/* TPIDR_EL1 */
	n = push(out, n, CNTKCTL_EL1);
	n = push(out, n, SYSREG(3, 2, 0, 0, 0));	/* CSSELR_EL1 */
	if (pmu) {
		for (i = 0; i <= 5; i++)		/* PMCR .. PMSELR */
			n = push(out, n, SYSREG(3, 3, 9, 12, i));
		n = push(out, n, PMCCNTR_EL0);
		n = push(out, n, PMUSERENR_EL0);
		n = push(out, n, PMOVSSET_EL0);
	}
	n = push(out, n, TPIDR_EL0);
	n = push(out, n, SYSREG(3, 3, 13, 0, 3));	/* TPIDRRO_EL0 */
	for (i = 0; pmu && i < 31; i++)
		n = push(out, n, PMEVCNTR(i));
	for (i = 0; pmu && i < 31; i++)
		n = push(out, n, PMEVTYPER(i));
	if (pmu)
		n = push(out, n, PMCCFILTR_EL0);
	n = push(out, n, SYSREG(3, 4, 3, 0, 0));	/* DACR32_EL2 */
	n = push(out, n, SYSREG(3, 4, 5, 0, 1));	/* IFSR32_EL2 */
	return push(out, n, FPEXC32_EL2);
}

/* The whole list 6.1 gives a vCPU with `features` on a host with `clidr`. */
static size_t expected_list(__u64 *out, __u32 features, __u64 clidr)
{
	__u32 levels = cache_levels(clidr), sel;
	size_t n = core_ids(out, 0, features & F_SVE);

	if (features & F_SVE)
		n = sve_ids(out, n);
	n = push(out, n, PSCI_VERSION);
	n = push(out, n, WA1);
	n = push(out, n, WA2);
	n = push(out, n, WA3);
	n = push(out, n, STD_BMAP);
	n = push(out, n, STD_HYP_BMAP);
	n = push(out, n, VENDOR_HYP_BMAP);
	n = push(out, n, TIMER_CTL);
	n = push(out, n, TIMER_CNT);
	n = push(out, n, TIMER_CVAL);
	n = push(out, n, MIDR_EL1);
	n = push(out, n, REVIDR_EL1);
	n = push(out, n, CLIDR_EL1);
	n = push(out, n, AIDR_EL1);
	n = push(out, n, CTR_EL0);
	n = sysreg_ids(out, n, features);
	for (sel = 0; sel < 14; sel++)
		if (valid_csselr(levels, sel))
			n = push(out, n, CCSIDR(sel));
	return n;
}

static bool in_list(const __u64 *list, size_t n, __u64 id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == id)
			return true;
	return false;
}

/* ------------------------------------------------------------ A: KVM_GET_REG_LIST */

static void t_list_uninit(const struct abi_test *t)
{
	int vm, vcpu;
	__u64 v = 0;

	(void)t;
	if (!setup(&vm, &vcpu, -1, false))
		return;
	rl.n = LIST_MAX;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), ENOEXEC);
	/* before the struct is read */
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, g_bad_ptr), ENOEXEC);
	/* and ONE_REG of every class */
	expect_errno(one_reg(vcpu, false, MIDR_EL1, &v), ENOEXEC);
	expect_errno(one_reg(vcpu, true, TPIDR_EL0, &v), ENOEXEC);
	expect_errno(one_reg(vcpu, false, CCSIDR(0), &v), ENOEXEC);
	expect_errno(one_reg(vcpu, false, PSCI_VERSION, &v), ENOEXEC);
	expect_errno(one_reg(vcpu, true, STD_BMAP, &v), ENOEXEC);
	expect_errno(one_reg(vcpu, false, TIMER_CNT, &v), ENOEXEC);
	expect_errno(one_reg(vcpu, false, ZREG(0, 0), g_bad_ptr), ENOEXEC);
}

static void t_list_not_finalized(const struct abi_test *t)
{
	size_t n;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, false))
		return;
	rl.n = LIST_MAX;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), EPERM);
	expect_eq(rl.n, LIST_MAX); /* not written */
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, g_bad_ptr), EPERM);
	rl.n = 0;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), EPERM);
	expect_errno(finalize_sve(vcpu), 0);
	expect_errno(get_list(vcpu, &n), 0);
	/* a re-init keeps the finalized configuration */
	expect_errno(vcpu_init(vm, vcpu, F_SVE), 0);
	expect_errno(get_list(vcpu, &n), 0);
}

static void t_list_e2big(const struct abi_test *t)
{
	static __u64 want[LIST_MAX];
	struct kvm_reg_list *p;
	unsigned char *pages;
	size_t nwant;
	__u64 need;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	nwant = expected_list(want, 0, get(vcpu, CLIDR_EL1));
	rl.n = 0;
	if (!expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), E2BIG))
		return;
	need = rl.n;
	expect_eq(need, nwant);
	desc_append(" (%llu registers)", (unsigned long long)need);
	rl.n = need - 1;
	rl.reg[0] = 0x5a5a;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), E2BIG);
	expect_eq(rl.n, need);
	expect_eq(rl.reg[0], 0x5a5a); /* nothing listed */
	rl.n = need;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), 0);
	expect_eq(rl.n, need);
	/* a larger n is written back too; nothing past the list is touched */
	rl.n = need + 5;
	rl.reg[need] = 0x5a5a;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), 0);
	expect_eq(rl.n, need);
	expect_eq(rl.reg[need], 0x5a5a);
	/* arm.c keeps the user's n in an unsigned int: only its low 32 bits count */
	rl.n = 1ULL << 32;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), E2BIG);
	expect_eq(rl.n, need);
	rl.n = (1ULL << 32) + need;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, &rl), 0);
	expect_eq(rl.n, need);
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, NULL), EFAULT);

	/* n fits, but reg[] runs into an unmapped page: -EFAULT after n is written */
	pages = alloc_mem(2 * PAGE_SZ);
	if (!pages || mprotect(pages + PAGE_SZ, PAGE_SZ, PROT_NONE)) {
		fail("cannot set up the guard page");
		return;
	}
	p = (struct kvm_reg_list *)(pages + PAGE_SZ - 16);
	p->n = need;
	expect_errno(ioctl(vcpu, KVM_GET_REG_LIST, p), EFAULT);
	expect_eq(p->n, need);
	expect_eq(p->reg[0], want[0]);
}

/* Counts of each part of a list, against 6.1's. */
static void expect_parts(const __u64 *list, size_t n, __u32 features)
{
	size_t i, core = 0, sve = 0, fw = 0, sys = 0, demux = 0, other = 0;
	bool has_sve = features & F_SVE;

	for (i = 0; i < n; i++) {
		switch (list[i] & C_MASK) {
		case C_CORE:
			core++;
			break;
		case C_SVE:
			sve++;
			break;
		case C_FW:
		case C_BMAP:
			fw++;
			break;
		case C_SYSREG:
			sys++;
			break;
		case C_DEMUX:
			demux++;
			break;
		default:
			other++;
		}
	}
	expect_eq(core, has_sve ? 43 : 75);
	expect_eq(sve, has_sve ? 50 : 0);
	expect_eq(fw, 7);
	/* 3 timer + 5 invariant + 149 + ZCR_EL1 + 10 ptrauth keys + 74 PMU */
	expect_eq(sys, 3 + 5 + 149 + (has_sve ? 1 : 0) + (features & F_PTRAUTH ? 10 : 0) +
			       (features & F_PMU ? 74 : 0));
	expect_eq(other, 0);
	diag("  core %zu, SVE %zu, firmware %zu, system %zu, CCSIDR %zu", core, sve, fw, sys,
	     demux);
}

static void t_list_exact(const struct abi_test *t)
{
	static __u64 want[LIST_MAX];
	__u32 features = (__u32)t->a;
	size_t n, nwant, i;
	int vm, vcpu;

	if (!setup(&vm, &vcpu, features, true))
		return;
	if (!expect_errno(get_list(vcpu, &n), 0))
		return;
	nwant = expected_list(want, features, get(vcpu, CLIDR_EL1));
	desc_append(" (%zu registers)", nwant);
	expect_parts(rl.reg, n, features);
	expect_eq(n, nwant);
	for (i = 0; i < n && i < nwant; i++) {
		if (rl.reg[i] != want[i]) {
			fail("entry %zu is %s, 6.1 lists %s there", i, reg_name(rl.reg[i]),
			     reg_name(want[i]));
			break;
		}
	}
	for (i = 0; i < nwant; i++)
		if (!in_list(rl.reg, n, want[i]))
			diag("  missing %s", reg_name(want[i]));
	for (i = 0; i < n; i++)
		if (!in_list(want, nwant, rl.reg[i]))
			diag("  not in 6.1's list: %s", reg_name(rl.reg[i]));
}

/* ------------------------------------------------------------ B: ONE_REG of every listed id */

static const __u32 configs[] = {
	0, F_PMU, F_SVE, F_SVE | F_PMU, F_PTRAUTH, F_PTRAUTH | F_PMU,
};

static void roundtrip_config(__u32 features, size_t *total)
{
	unsigned char buf[REG_MAX + 32];
	unsigned int size, k;
	size_t n, i;
	int vm, vcpu, r;

	if (!setup(&vm, &vcpu, features, true))
		return;
	if (!expect_errno(get_list(vcpu, &n), 0))
		return;
	for (i = 0; i < n; i++) {
		__u64 id = rl.reg[i];

		size = reg_size(id);
		if (size > REG_MAX) {
			fail("%s: size %u", reg_name(id), size);
			continue;
		}
		memset(buf, 0xa5, sizeof(buf));
		r = one_reg(vcpu, false, id, buf);
		if (r) {
			fail("features %#x: KVM_GET_ONE_REG(%s) failed: %s", features, reg_name(id),
			     errno_name(errno));
			continue;
		}
		for (k = size; k < sizeof(buf); k++) {
			if (buf[k] != 0xa5) {
				fail("KVM_GET_ONE_REG(%s) wrote past its %u bytes", reg_name(id),
				     size);
				break;
			}
		}
		/* api.rst: VLS is immutable once finalized */
		r = one_reg(vcpu, true, id, buf);
		if (!expect_errno(r, id == VLS ? EPERM : 0))
			diag("  features %#x: KVM_SET_ONE_REG(%s) of the value read", features,
			     reg_name(id));
	}
	*total += n;
}

static void t_list_roundtrip(const struct abi_test *t)
{
	size_t i, total = 0;

	(void)t;
	for (i = 0; i < ARRAY_SIZE(configs) && !test_failed(); i++) {
		if (!host_supports(configs[i]))
			return;
		roundtrip_config(configs[i], &total);
	}
	desc_append(" (%zu registers in 6 configurations)", total);
}

/* Ids of no register: -ENOENT for GET and SET. */
static void t_absent(const struct abi_test *t)
{
	static const __u64 ids[] = {
		SYSREG(3, 3, 14, 2, 1),	/* CNTP_CTL_EL0: trapped, no storage */
		SYSREG(3, 3, 14, 2, 2),	/* CNTP_CVAL_EL0 */
		SYSREG(3, 3, 14, 2, 0),	/* CNTP_TVAL_EL0 */
		SYSREG(3, 3, 14, 0, 1),	/* KVM_REG_ARM_PTIMER_CNT (CNTPCT_EL0) */
		SYSREG(3, 3, 14, 0, 0),	/* CNTFRQ_EL0: in no table */
		SYSREG(3, 0, 5, 6, 0),	/* TFSR_EL1: MTE, not enabled */
		SYSREG(3, 0, 5, 6, 1),	/* TFSRE0_EL1 */
		SYSREG(3, 0, 1, 0, 5),	/* RGSR_EL1 */
		SYSREG(3, 0, 1, 0, 6),	/* GCR_EL1 */
		SYSREG(1, 0, 7, 6, 2),	/* DC ISW */
		SYSREG(2, 0, 1, 0, 0),	/* MDRAR_EL1: RAZ/WI to the guest */
		SYSREG(2, 0, 1, 0, 4),	/* OSLAR_EL1 */
		SYSREG(3, 1, 0, 0, 0),	/* CCSIDR_EL1: only through the demux */
		SYSREG(3, 0, 12, 12, 5),	/* ICC_SRE_EL1 */
		SYSREG(3, 3, 9, 12, 6),	/* PMCEID0_EL0 */
		SYSREG(3, 3, 9, 13, 2),	/* PMXEVCNTR_EL0 */
		SYSREG(3, 0, 1, 2, 6),	/* SMCR_EL1 */
		SYSREG(3, 3, 13, 0, 5),	/* TPIDR2_EL0 */
		SYSREG(3, 7, 15, 15, 7),
		SYSREG(0, 0, 0, 0, 0),
		FW(4), FW(0xffff), BMAP(3), BMAP(0xffff),
	};
	__u64 v = 0;
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_PMU | F_PTRAUTH | F_SVE, true))
		return;
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		if (!expect_errno(one_reg(vcpu, false, ids[i], &v), ENOENT) ||
		    !expect_errno(one_reg(vcpu, true, ids[i], &v), ENOENT))
			diag("  %s", reg_name(ids[i]));
	}
	/* GET looks the id up first: an unreadable address changes nothing */
	expect_errno(one_reg(vcpu, false, SYSREG(3, 3, 14, 2, 1), g_bad_ptr), ENOENT);
	expect_errno(one_reg(vcpu, false, FW(4), g_bad_ptr), ENOENT);
	/*
	 * SET reads the value first (kvm_sys_reg_set_user()'s get_user,
	 * kvm_arm_set_fw_reg()'s copy_from_user), then looks the id up.
	 */
	expect_errno(one_reg(vcpu, true, SYSREG(3, 3, 14, 2, 1), g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, true, FW(4), g_bad_ptr), EFAULT);
}

/* The ids of each feature: -ENOENT without it, listed and working with it. */
static void t_hidden_by_feature(const struct abi_test *t)
{
	static __u64 ids[LIST_MAX], base[LIST_MAX];
	__u64 v = 0;
	size_t n, nb, i;
	int vm, plain, full;

	(void)t;
	if (!host_supports(F_SVE | F_PMU | F_PTRAUTH))
		return;
	vm = new_vm(0);
	if (vm < 0)
		return;
	plain = init_vcpu(vm, 0, 0, true);
	full = init_vcpu(vm, 1, F_SVE | F_PMU | F_PTRAUTH, true);
	if (plain < 0 || full < 0)
		return;
	/* the sysregs of a full vCPU that a plain one does not have */
	n = sysreg_ids(ids, 0, F_SVE | F_PMU | F_PTRAUTH);
	nb = sysreg_ids(base, 0, 0);
	for (i = 0; i < n; i++) {
		if (in_list(base, nb, ids[i]))
			continue;
		if (!expect_errno(one_reg(plain, false, ids[i], &v), ENOENT) ||
		    !expect_errno(one_reg(plain, true, ids[i], &v), ENOENT) ||
		    !expect_errno(one_reg(full, false, ids[i], &v), 0))
			diag("  %s", reg_name(ids[i]));
	}
	/* each feature alone */
	plain = init_vcpu(vm, 2, F_PMU, true);
	if (plain >= 0) {
		expect_errno(one_reg(plain, false, ZCR_EL1, &v), ENOENT);
		expect_errno(one_reg(plain, false, SYSREG(3, 0, 2, 1, 0), &v), ENOENT);
		expect_errno(one_reg(plain, false, PMCR_EL0, &v), 0);
	}
	plain = init_vcpu(vm, 3, F_PTRAUTH, true);
	if (plain >= 0) {
		expect_errno(one_reg(plain, false, PMCCFILTR_EL0, &v), ENOENT);
		expect_errno(one_reg(plain, false, SYSREG(3, 0, 2, 3, 1), &v), 0);
	}
}

/* A system register id with another size, or stray bits: no register. */
static void t_sysreg_bad_id(const struct abi_test *t)
{
	static const __u64 regs[] = { TPIDR_EL0, MIDR_EL1, ID_AA64PFR0_EL1, TIMER_CTL, TIMER_CNT,
				      TIMER_CVAL, MPIDR_EL1, OSLSR_EL1, DBGBVR(0) };
	static const __u64 sizes[] = { KVM_REG_SIZE_U8, KVM_REG_SIZE_U16, U32, U128, U256 };
	unsigned char buf[REG_MAX];
	size_t i, j;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		for (j = 0; j < ARRAY_SIZE(sizes); j++) {
			__u64 id = WITH_SIZE(regs[i], sizes[j]);

			if (!expect_errno(one_reg(vcpu, false, id, buf), ENOENT) ||
			    !expect_errno(one_reg(vcpu, true, id, buf), ENOENT))
				diag("  %s", reg_name(id));
		}
		/* bits 31:28 are in no field (bits 51:32 make it a non-arm64 id: -EINVAL) */
		expect_errno(one_reg(vcpu, false, regs[i] | (1ULL << 28), buf), ENOENT);
		expect_errno(one_reg(vcpu, false, regs[i] | (1ULL << 40), buf), EINVAL);
	}
}

/* Invariant registers: GET works, SET of the same value 0, of another -EINVAL. */
static void t_invariant(const struct abi_test *t)
{
	static const __u64 ids[] = { MIDR_EL1, REVIDR_EL1, CLIDR_EL1, AIDR_EL1, CTR_EL0 };
	int vm, vcpu, vm2, vcpu2;
	__u64 v;
	size_t i;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false) || !setup(&vm2, &vcpu2, F_PMU | F_PTRAUTH, false))
		return;
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		v = get(vcpu, ids[i]);
		diag("  %s = %#llx", reg_name(ids[i]), (unsigned long long)v);
		expect_set(vcpu, ids[i], v, 0);
		expect_set(vcpu, ids[i], v ^ 1, EINVAL);
		expect_set(vcpu, ids[i], v ^ (1ULL << 63), EINVAL);
		expect_set(vcpu, ids[i], ~v, EINVAL);
		expect_reg(vcpu, ids[i], v);
		/* the host's: the same in every VM and vCPU */
		expect_reg(vcpu2, ids[i], v);
		expect_set(vcpu2, ids[i], v, 0);
		expect_errno(one_reg(vcpu, false, ids[i], g_bad_ptr), EFAULT);
		expect_errno(one_reg(vcpu, true, ids[i], g_bad_ptr), EFAULT);
	}
}

static void t_demux(const struct abi_test *t)
{
	unsigned char buf[16];
	__u32 levels, sel, v;
	int vm, vcpu, nvalid = 0;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	levels = cache_levels(get(vcpu, CLIDR_EL1));
	for (sel = 0; sel < 256; sel++) {
		bool valid = valid_csselr(levels, sel);

		memset(buf, 0xa5, sizeof(buf));
		if (!valid) {
			if (!expect_errno(one_reg(vcpu, false, CCSIDR(sel), buf), ENOENT) ||
			    !expect_errno(one_reg(vcpu, true, CCSIDR(sel), buf), ENOENT))
				diag("  csselr %u", sel);
			/* the id is checked before the value is read */
			expect_errno(one_reg(vcpu, true, CCSIDR(sel), g_bad_ptr), ENOENT);
			continue;
		}
		nvalid++;
		if (!expect_errno(one_reg(vcpu, false, CCSIDR(sel), buf), 0))
			continue;
		if (buf[4] != 0xa5 || buf[7] != 0xa5)
			fail("CCSIDR(%u): GET wrote past 4 bytes", sel);
		memcpy(&v, buf, 4);
		diag("  CCSIDR(%u) = %#x", sel, v);
		expect_errno(one_reg(vcpu, true, CCSIDR(sel), &v), 0);
		v ^= 1;
		expect_errno(one_reg(vcpu, true, CCSIDR(sel), &v), EINVAL);
		v ^= 0x80000001U;
		expect_errno(one_reg(vcpu, true, CCSIDR(sel), &v), EINVAL);
		/* other sizes, other demux ids, stray bits */
		expect_errno(one_reg(vcpu, false, WITH_SIZE(CCSIDR(sel), U64), buf), ENOENT);
		expect_errno(one_reg(vcpu, true, WITH_SIZE(CCSIDR(sel), U64), buf), ENOENT);
		expect_errno(one_reg(vcpu, false, CCSIDR(sel) | 0x100, buf), ENOENT);
		expect_errno(one_reg(vcpu, false, CCSIDR(sel) | (1ULL << 28), buf), ENOENT);
		expect_errno(one_reg(vcpu, false, CCSIDR(sel), g_bad_ptr), EFAULT);
		expect_errno(one_reg(vcpu, true, CCSIDR(sel), g_bad_ptr), EFAULT);
	}
	desc_append(" (%d valid CSSELR values)", nvalid);
}

/* Every ID register: GET works, SET of another value -EINVAL; the RAZ ones read 0. */
static bool id_is_raz(unsigned int crm, unsigned int op2, __u32 features)
{
	switch (crm) {
	case 1:
		return op2 == 3;			/* ID_AFR0_EL1: ID_HIDDEN */
	case 2:
		return false;				/* ID_ISAR0-6, ID_MMFR4 */
	case 3:
		return op2 == 3 || op2 == 5 || op2 == 7;	/* ID_DFR1_EL1 hidden */
	case 4:
		return op2 == 2 || op2 == 3 || op2 == 5 || op2 == 6 || op2 == 7 ||
		       (op2 == 4 && !(features & F_SVE));	/* SMFR0 hidden, ZFR0 */
	case 5:
		return op2 >= 2;			/* AFR0, AFR1 hidden */
	default:
		return op2 >= 3;			/* CRm 6, 7: 3 registers each */
	}
}

static void id_regs(int vcpu, __u32 features)
{
	unsigned int crm, op2;
	__u64 id, v;

	for (crm = 1; crm < 8; crm++) {
		for (op2 = 0; op2 < 8; op2++) {
			id = ID_REG(crm, op2);
			v = get(vcpu, id);
			if (id_is_raz(crm, op2, features))
				expect_eq(v, 0);
			expect_set(vcpu, id, v, 0);
			/*
			 * AA32_ID_SANITISED rows are RAZ and user-WI on a host
			 * without AArch32 EL0 (kvm_ext: arm64_el0_32bit=N, see
			 * t_id_aa32_raz_wi); a real host may be one.
			 */
			if (crm <= 3 && !v && !g_is_ext && !id_is_raz(crm, op2, features))
				continue;
			expect_set(vcpu, id, v ^ 1, EINVAL);
			expect_set(vcpu, id, v ^ (1ULL << 47), EINVAL);
			expect_reg(vcpu, id, v);
		}
	}
}

static void t_id_regs(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	id_regs(vcpu, 0);
	if (!host_supports(F_SVE | F_PMU | F_PTRAUTH))
		return;
	vcpu = init_vcpu(vm, 1, F_SVE | F_PMU | F_PTRAUTH, false);
	if (vcpu >= 0)
		id_regs(vcpu, F_SVE | F_PMU | F_PTRAUTH);
}

/* ID_AA64PFR0_EL1: CSV2 (59:56) and CSV3 (63:60) may be lowered, for the VM. */
static void csv_field(int vcpu, int other, int vm2cpu, unsigned int shift)
{
	__u64 v = get(vcpu, ID_AA64PFR0_EL1), f = FIELD(v, shift), mask = 0xfULL << shift;

	expect_set(vcpu, ID_AA64PFR0_EL1, (v & ~mask) | (2ULL << shift), EINVAL);
	expect_set(vcpu, ID_AA64PFR0_EL1, (v & ~mask) | (0xfULL << shift), EINVAL);
	if (f == 0) {
		/* the host is affected: it cannot be promised */
		expect_set(vcpu, ID_AA64PFR0_EL1, v | (1ULL << shift), EINVAL);
		expect_reg(vcpu, ID_AA64PFR0_EL1, v);
		return;
	}
	if (!expect_eq(f, 1))
		return;
	/* lowering with another field changed too */
	expect_set(vcpu, ID_AA64PFR0_EL1, (v & ~mask) ^ 1, EINVAL);
	expect_reg(vcpu, ID_AA64PFR0_EL1, v);
	expect_set(vcpu, ID_AA64PFR0_EL1, v & ~mask, 0);
	expect_reg(vcpu, ID_AA64PFR0_EL1, v & ~mask);
	/* kvm->arch.pfr0_csv2/3: every vCPU of the VM, no other VM */
	expect_eq(FIELD(get(other, ID_AA64PFR0_EL1), shift), 0);
	expect_eq(FIELD(get(vm2cpu, ID_AA64PFR0_EL1), shift), 1);
	/* and back up again: the host is unaffected */
	expect_set(other, ID_AA64PFR0_EL1, v, 0);
	expect_reg(vcpu, ID_AA64PFR0_EL1, v);
}

static void t_id_pfr0_csv(const struct abi_test *t)
{
	int vm, vcpu, other, vm2, vcpu2;
	__u64 v;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false) || !setup(&vm2, &vcpu2, 0, false))
		return;
	other = init_vcpu(vm, 1, 0, false);
	if (other < 0)
		return;
	v = get(vcpu, ID_AA64PFR0_EL1);
	diag("  ID_AA64PFR0_EL1 = %#llx (CSV2 %llu, CSV3 %llu)", (unsigned long long)v,
	     FIELD(v, 56), FIELD(v, 60));
	csv_field(vcpu, other, vcpu2, 56);
	csv_field(vcpu, other, vcpu2, 60);
	/* any other field: -EINVAL */
	expect_set(vcpu, ID_AA64PFR0_EL1, v ^ (1ULL << 32), EINVAL);
	expect_set(vcpu, ID_AA64PFR0_EL1, v ^ 0xf0, EINVAL);
	expect_reg(vcpu, ID_AA64PFR0_EL1, v);
}

/* What read_id_reg() hides or limits, per vCPU feature. */
static void t_id_fields(const struct abi_test *t)
{
	__u64 pfr0, isar1, isar2, dfr0;
	int vm, plain, full;

	(void)t;
	if (!host_supports(F_SVE | F_PMU | F_PTRAUTH))
		return;
	vm = new_vm(0);
	if (vm < 0)
		return;
	plain = init_vcpu(vm, 0, 0, false);
	full = init_vcpu(vm, 1, F_SVE | F_PMU | F_PTRAUTH, false);
	if (plain < 0 || full < 0)
		return;
	/* ID_AA64PFR0_EL1.SVE (35:32) iff the vCPU has SVE; AMU (47:44) never */
	pfr0 = get(plain, ID_AA64PFR0_EL1);
	expect_eq(FIELD(pfr0, 32), 0);
	expect_eq(FIELD(pfr0, 44), 0);
	pfr0 = get(full, ID_AA64PFR0_EL1);
	expect_true(FIELD(pfr0, 32) != 0);
	expect_eq(FIELD(pfr0, 44), 0);
	/* ID_AA64ZFR0_EL1: RAZ without SVE (a write of 0 is the value) */
	expect_reg(plain, ID_AA64ZFR0_EL1, 0);
	expect_set(plain, ID_AA64ZFR0_EL1, 0, 0);
	expect_set(plain, ID_AA64ZFR0_EL1, 1, EINVAL);
	/* ID_AA64PFR1_EL1: MTE (11:8) without KVM_CAP_ARM_MTE, SME (27:24) never */
	expect_eq(FIELD(get(full, ID_AA64PFR1_EL1), 8), 0);
	expect_eq(FIELD(get(full, ID_AA64PFR1_EL1), 24), 0);
	/* ptrauth: ISAR1 APA 7:4, API 11:8, GPA 27:24, GPI 31:28; ISAR2 GPA3 11:8, APA3 15:12 */
	isar1 = get(plain, ID_AA64ISAR1_EL1);
	isar2 = get(plain, ID_AA64ISAR2_EL1);
	expect_eq(isar1 & 0xff000ff0ULL, 0);
	expect_eq(isar2 & 0xff00ULL, 0);
	isar1 = get(full, ID_AA64ISAR1_EL1);
	isar2 = get(full, ID_AA64ISAR2_EL1);
	expect_true((isar1 & 0xff0ULL) || (isar2 & 0xf000ULL));
	expect_true((isar1 & 0xff000000ULL) || (isar2 & 0xf00ULL));
	/* ID_AA64DFR0_EL1: DebugVer (3:0) 6, PMUVer (11:8) 0 without PMU, PMSVer (35:32) 0 */
	dfr0 = get(plain, ID_AA64DFR0_EL1);
	expect_eq(FIELD(dfr0, 0), 6);
	expect_eq(FIELD(dfr0, 8), 0);
	expect_eq(FIELD(dfr0, 32), 0);
	dfr0 = get(full, ID_AA64DFR0_EL1);
	expect_eq(FIELD(dfr0, 0), 6);
	expect_true(FIELD(dfr0, 8) >= 1 && FIELD(dfr0, 8) <= 5); /* at most PMUv3 for v8.4 */
	expect_eq(FIELD(dfr0, 32), 0);
	/* ID_DFR0_EL1.PerfMon (27:24): 0 without PMU */
	expect_eq(FIELD(get(plain, ID_DFR0_EL1), 24), 0);
}

/* kvm_ext: without AArch32 EL0 the AArch32 ID registers are RAZ, and WI from userspace. */
PARAM_TEST(t_id_aa32_raz_wi)
{
	static const unsigned char aa32[][2] = {
		{ 1, 0 }, { 1, 1 }, { 1, 2 }, { 1, 4 }, { 1, 5 }, { 1, 6 }, { 1, 7 },
		{ 2, 0 }, { 2, 1 }, { 2, 2 }, { 2, 3 }, { 2, 4 }, { 2, 5 }, { 2, 6 }, { 2, 7 },
		{ 3, 0 }, { 3, 1 }, { 3, 2 }, { 3, 4 }, { 3, 6 },
	};
	size_t i, n;
	int vm, vcpu;

	if (!expect_param_write("arm64_el0_32bit", "N", 0) || !setup(&vm, &vcpu, 0, false))
		return;
	for (i = 0; i < ARRAY_SIZE(aa32); i++) {
		__u64 id = ID_REG(aa32[i][0], aa32[i][1]);

		expect_reg(vcpu, id, 0);
		expect_set(vcpu, id, 0x1234, 0);
		expect_set(vcpu, id, ~0ULL, 0);
		expect_reg(vcpu, id, 0);
	}
	/* ID_AFR0_EL1 and ID_DFR1_EL1 are RAZ but not WI */
	expect_set(vcpu, ID_REG(1, 3), 1, EINVAL);
	expect_set(vcpu, ID_REG(3, 5), 1, EINVAL);
	/* they are still listed */
	if (expect_errno(get_list(vcpu, &n), 0))
		expect_true(in_list(rl.reg, n, ID_DFR0_EL1));
}

static void t_oslsr(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	expect_reg(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK, 0);
	expect_reg(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK);
	/* any other bit than OSLK differing from the reset value */
	expect_set(vcpu, OSLSR_EL1, 0, EINVAL);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLK, EINVAL);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | 1, EINVAL);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | 4, EINVAL);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | (1ULL << 63), EINVAL);
	expect_reg(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED, 0);
	expect_reg(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED);
}

static void t_pmswinc(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_PMU, false))
		return;
	expect_reg(vcpu, PMSWINC_EL0, 0);
	expect_set(vcpu, PMSWINC_EL0, 0xffffffffULL, 0);
	expect_set(vcpu, PMSWINC_EL0, ~0ULL, 0);
	expect_reg(vcpu, PMSWINC_EL0, 0);
}

/* Registers userspace reads and writes as stored, any value. */
static size_t plain_ids(__u64 *out, __u32 features)
{
	static const __u64 base[] = {
		MDCCINT_EL1, MDSCR_EL1, DBGVCR32_EL2, MPIDR_EL1, SCTLR_EL1,
		SYSREG(3, 0, 1, 0, 1), CPACR_EL1, SYSREG(3, 0, 2, 0, 0), SYSREG(3, 0, 2, 0, 1),
		TCR_EL1, SYSREG(3, 0, 5, 1, 0), SYSREG(3, 0, 5, 1, 1), SYSREG(3, 0, 5, 2, 0),
		SYSREG(3, 0, 6, 0, 0), SYSREG(3, 0, 7, 4, 0), SYSREG(3, 0, 10, 2, 0),
		SYSREG(3, 0, 10, 3, 0), VBAR_EL1, DISR_EL1, CONTEXTIDR_EL1,
		SYSREG(3, 0, 13, 0, 4), CNTKCTL_EL1, SYSREG(3, 2, 0, 0, 0), TPIDR_EL0,
		SYSREG(3, 3, 13, 0, 3), SYSREG(3, 4, 3, 0, 0), SYSREG(3, 4, 5, 0, 1), FPEXC32_EL2,
	};
	size_t n = 0, i;

	for (i = 0; i < 16; i++)
		n = dbg_ids(out, n, i);
	for (i = 0; i < ARRAY_SIZE(base); i++)
		n = push(out, n, base[i]);
	if (features & F_SVE)
		n = push(out, n, ZCR_EL1);
	for (i = 0; (features & F_PTRAUTH) && i < 10; i++)
		n = push(out, n, SYSREG(3, 0, 2, 1 + i / 4, i % 4));
	if (features & F_PMU) {
		n = push(out, n, PMCR_EL0);
		n = push(out, n, PMSELR_EL0);
		n = push(out, n, PMUSERENR_EL0);
		n = push(out, n, PMCCFILTR_EL0);
		for (i = 0; i < 31; i++)
			n = push(out, n, PMEVTYPER(i));
	}
	return n;
}

static __u64 pattern(size_t i, unsigned int salt)
{
	return 0x8f1e2d3c4b5a6978ULL ^ ((__u64)(i + 1) * 0x0101010101010101ULL) ^
	       ((__u64)salt << 40) ^ ((__u64)i << 56);
}

static void t_plain_roundtrip(const struct abi_test *t)
{
	static __u64 ids[LIST_MAX];
	__u32 features = F_SVE | F_PMU | F_PTRAUTH;
	unsigned int salt;
	size_t n, i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, features, true))
		return;
	n = plain_ids(ids, features);
	desc_append(" (%zu registers)", n);
	for (salt = 0; salt < 2; salt++) {
		/* all writes first: no two registers share storage */
		for (i = 0; i < n; i++)
			expect_set(vcpu, ids[i], pattern(i, salt), 0);
		for (i = 0; i < n; i++)
			expect_reg(vcpu, ids[i], pattern(i, salt));
	}
	expect_set(vcpu, TPIDR_EL0, 0, 0);
	expect_reg(vcpu, TPIDR_EL0, 0);
	expect_set(vcpu, VBAR_EL1, ~0ULL, 0);
	expect_reg(vcpu, VBAR_EL1, ~0ULL);
}

/*
 * PMU registers userspace sees through one storage: the SET/CLR pairs
 * (access_pminten, access_pmcnten, access_pmovs keep one register), and the
 * counters read through get_pmu_evcntr() -> kvm_pmu_get_counter_value():
 * the event counters through their 32 bits, the cycle counter in full
 * (6.1.y's kvm_pmu_idx_is_64bit() is select_idx == ARMV8_PMU_CYCLE_IDX,
 * whatever PMCR_EL0.LC says).
 */
static void t_pmu_shared(const struct abi_test *t)
{
	static const __u64 pairs[][2] = {
		{ PMINTENSET_EL1, PMINTENCLR_EL1 },
		{ PMCNTENSET_EL0, PMCNTENCLR_EL0 },
		{ PMOVSSET_EL0, PMOVSCLR_EL0 },
	};
	unsigned int i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_PMU, false))
		return;
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		expect_set(vcpu, pairs[i][0], 0x80000005ULL + i, 0);
		expect_reg(vcpu, pairs[i][1], 0x80000005ULL + i);
		expect_set(vcpu, pairs[i][1], 0x12345678abcdef00ULL + i, 0);
		expect_reg(vcpu, pairs[i][0], 0x12345678abcdef00ULL + i);
	}
	for (i = 0; i < 31; i++) {
		expect_set(vcpu, PMEVCNTR(i), 0xfedcba9800000000ULL | (0x11111111U * (i % 15)), 0);
		expect_reg(vcpu, PMEVCNTR(i), 0x11111111ULL * (i % 15));
	}
	/* the cycle counter is 64 bits */
	expect_set(vcpu, PMCCNTR_EL0, 0xfedcba9876543210ULL, 0);
	expect_reg(vcpu, PMCCNTR_EL0, 0xfedcba9876543210ULL);
}

static void t_mpidr(const struct abi_test *t)
{
	static const unsigned long ids[] = { 0, 1, 15, 16, 17, 255, 256, 300, 511 };
	size_t i;
	int vm, vcpu;

	(void)t;
	vm = new_vm(0);
	if (vm < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		unsigned long id = ids[i];
		__u64 want = (1ULL << 31) | (id & 0xf) | (((id >> 4) & 0xff) << 8) |
			     (((id >> 12) & 0xff) << 16);

		vcpu = init_vcpu(vm, id, 0, false);
		if (vcpu < 0)
			return;
		if (!expect_reg(vcpu, MPIDR_EL1, want))
			diag("  vCPU id %lu", id);
		/* writable, and a re-init recomputes it */
		expect_set(vcpu, MPIDR_EL1, 0x123456789ULL, 0);
		expect_reg(vcpu, MPIDR_EL1, 0x123456789ULL);
		expect_errno(vcpu_init(vm, vcpu, 0), 0);
		expect_reg(vcpu, MPIDR_EL1, want);
	}
}

/* The registers whose reset value 6.1 fixes (reset_val rows), and their values. */
static size_t fixed_resets(__u64 *ids, __u64 *vals, __u32 features)
{
	static const __u64 fixed[][2] = {
		{ SCTLR_EL1, 0x00c50078 }, { FPEXC32_EL2, 0x700 },
		{ OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED }, { TCR_EL1, 0 }, { CPACR_EL1, 0 },
		{ VBAR_EL1, 0 }, { DISR_EL1, 0 }, { CONTEXTIDR_EL1, 0 }, { CNTKCTL_EL1, 0 },
		{ MDCCINT_EL1, 0 }, { MDSCR_EL1, 0 }, { DBGVCR32_EL2, 0 },
	};
	size_t n = 0, i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		ids[n] = fixed[i][0];
		vals[n++] = fixed[i][1];
	}
	/* the debug registers reset to 0 */
	n = dbg_ids(ids, n, 0);
	for (i = 1; i < 16; i++)
		n = dbg_ids(ids, n, i);
	if (features & F_SVE)
		n = push(ids, n, ZCR_EL1);
	if (features & F_PMU) {
		n = push(ids, n, PMUSERENR_EL0);
		n = push(ids, n, PMCCFILTR_EL0);
	}
	for (i = ARRAY_SIZE(fixed); i < n; i++)
		vals[i] = 0;
	return n;
}

static void expect_resets(int vcpu, __u32 features)
{
	__u64 ids[128], vals[128], pmcr, counters;
	size_t n = fixed_resets(ids, vals, features), i;

	for (i = 0; i < n; i++)
		expect_reg(vcpu, ids[i], vals[i]);
	if (!(features & F_PMU))
		return;
	/* UNKNOWN values that 6.1 masks: PMCR.E clear, counters of the host's N */
	pmcr = get(vcpu, PMCR_EL0);
	expect_eq(pmcr & 1, 0);
	counters = (1ULL << 31) | ((1ULL << ((pmcr >> 11) & 0x1f)) - 1);
	expect_eq(get(vcpu, PMINTENSET_EL1) & ~counters, 0);
	expect_eq(get(vcpu, PMCNTENSET_EL0) & ~counters, 0);
	expect_eq(get(vcpu, PMOVSSET_EL0) & ~counters, 0);
	expect_eq(get(vcpu, PMSELR_EL0) & ~0x1fULL, 0);
	for (i = 0; i < 31; i++)
		expect_eq(get(vcpu, PMEVTYPER(i)) & ~0xc800ffffULL, 0);
}

static void t_reset(const struct abi_test *t)
{
	__u32 features = (__u32)t->a;
	__u64 ids[128], vals[128];
	size_t n, i;
	int vm, vcpu;

	if (!setup(&vm, &vcpu, features, true))
		return;
	expect_resets(vcpu, features);
	/* write them all, then a re-init puts them back */
	n = fixed_resets(ids, vals, features);
	for (i = 0; i < n; i++)
		if (ids[i] != OSLSR_EL1)
			expect_set(vcpu, ids[i], pattern(i, 7), 0);
	expect_set(vcpu, OSLSR_EL1, OSLSR_OSLM_IMPLEMENTED | OSLSR_OSLK, 0);
	if (features & F_PMU)
		expect_set(vcpu, PMCR_EL0, 0xff, 0);
	expect_errno(vcpu_init(vm, vcpu, features), 0);
	expect_resets(vcpu, features);
}

/* ------------------------------------------------------------ C: SVE */

/* The vCPU's maximum vq, from KVM_REG_ARM64_SVE_VLS word 0. */
static unsigned int max_vq(int vcpu)
{
	__u64 vls[KVM_ARM64_SVE_VLS_WORDS];

	memset(vls, 0, sizeof(vls));
	if (!expect_errno(one_reg(vcpu, false, VLS, vls), 0) || !vls[0])
		return 0;
	return 64 - __builtin_clzll(vls[0]);
}

static void t_sve_not_finalized(const struct abi_test *t)
{
	unsigned char buf[REG_MAX];
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, false))
		return;
	memset(buf, 0, sizeof(buf));
	expect_errno(one_reg(vcpu, false, ZREG(0, 0), buf), EPERM);
	expect_errno(one_reg(vcpu, true, ZREG(0, 0), buf), EPERM);
	expect_errno(one_reg(vcpu, false, ZREG(31, 0), buf), EPERM);
	expect_errno(one_reg(vcpu, false, PREG(15, 0), buf), EPERM);
	expect_errno(one_reg(vcpu, true, PREG(0, 0), buf), EPERM);
	expect_errno(one_reg(vcpu, false, FFR(0), buf), EPERM);
	expect_errno(one_reg(vcpu, true, FFR(0), buf), EPERM);
	/* before the value is used */
	expect_errno(one_reg(vcpu, true, ZREG(1, 0), g_bad_ptr), EPERM);
	expect_errno(one_reg(vcpu, false, PREG(1, 0), g_bad_ptr), EPERM);
	/* the id is checked first: slice > 0 -ENOENT, not an SVE id -EINVAL */
	expect_errno(one_reg(vcpu, false, ZREG(0, 1), buf), ENOENT);
	expect_errno(one_reg(vcpu, true, FFR(1), buf), ENOENT);
	expect_errno(one_reg(vcpu, false, WITH_SIZE(ZREG(0, 0), U256), buf), EINVAL);
	/* the VLS pseudo-register is there */
	expect_true(max_vq(vcpu) > 0);
	/* FINALIZE opens them */
	expect_errno(finalize_sve(vcpu), 0);
	expect_errno(one_reg(vcpu, false, ZREG(0, 0), buf), 0);
	expect_errno(one_reg(vcpu, false, PREG(15, 0), buf), 0);
	expect_errno(one_reg(vcpu, false, FFR(0), buf), 0);
}

static void t_sve_no_sve(const struct abi_test *t)
{
	unsigned char buf[REG_MAX];
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	memset(buf, 0, sizeof(buf));
	expect_errno(one_reg(vcpu, false, ZREG(0, 0), buf), ENOENT);
	expect_errno(one_reg(vcpu, true, ZREG(0, 0), buf), ENOENT);
	expect_errno(one_reg(vcpu, false, PREG(3, 0), buf), ENOENT);
	expect_errno(one_reg(vcpu, true, FFR(0), buf), ENOENT);
	expect_errno(one_reg(vcpu, false, ZREG(2, 5), buf), ENOENT);
	expect_errno(one_reg(vcpu, true, ZREG(0, 0), g_bad_ptr), ENOENT);
	/* an SVE-coproc id that is no Z/P/FFR id: -EINVAL even without SVE */
	expect_errno(one_reg(vcpu, false, WITH_SIZE(ZREG(0, 0), U64), buf), EINVAL);
	expect_errno(one_reg(vcpu, true, WITH_SIZE(PREG(0, 0), U2048), buf), EINVAL);
	/* VLS: -ENOENT */
	expect_errno(one_reg(vcpu, false, VLS, buf), ENOENT);
}

static void t_sve_slices(const struct abi_test *t)
{
	unsigned char buf[REG_MAX];
	unsigned int i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, true))
		return;
	memset(buf, 0, sizeof(buf));
	for (i = 1; i < 32; i++) {
		if (!expect_errno(one_reg(vcpu, false, ZREG(i % 32, i), buf), ENOENT) ||
		    !expect_errno(one_reg(vcpu, true, ZREG(31 - i, i), buf), ENOENT) ||
		    !expect_errno(one_reg(vcpu, false, PREG(i % 16, i), buf), ENOENT) ||
		    !expect_errno(one_reg(vcpu, true, PREG(i % 16, i), buf), ENOENT) ||
		    !expect_errno(one_reg(vcpu, false, FFR(i), buf), ENOENT) ||
		    !expect_errno(one_reg(vcpu, true, FFR(i), buf), ENOENT))
			diag("  slice %u", i);
	}
}

static void t_sve_bad_ids(const struct abi_test *t)
{
	static const __u64 ids[] = {
		KVM_REG_ARM64 | U256 | C_SVE | 0x000,	/* Z0 with P's size */
		KVM_REG_ARM64 | U128 | C_SVE | 0x020,	/* Z1, 128 bits */
		KVM_REG_ARM64 | U64 | C_SVE | 0x3e0,	/* Z31, 64 bits */
		KVM_REG_ARM64 | U512 | C_SVE | 0x000,
		KVM_REG_ARM64 | U2048 | C_SVE | 0x400,	/* P0 with Z's size */
		KVM_REG_ARM64 | U128 | C_SVE | 0x400,
		KVM_REG_ARM64 | U2048 | C_SVE | 0x600,	/* FFR with Z's size */
		KVM_REG_ARM64 | U256 | C_SVE | 0x620,	/* past FFR(31) */
		KVM_REG_ARM64 | U256 | C_SVE | 0x800,
		KVM_REG_ARM64 | U256 | C_SVE | 0xffff,	/* VLS with another size */
		KVM_REG_ARM64 | U2048 | C_SVE | 0xffff,
		KVM_REG_ARM64 | U512 | C_SVE | 0xfffe,
		KVM_REG_ARM64 | U512 | C_SVE | 0x7fff,
	};
	unsigned char buf[REG_MAX];
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, false))
		return;
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (!expect_errno(one_reg(vcpu, false, ids[i], buf), EINVAL) ||
		    !expect_errno(one_reg(vcpu, true, ids[i], buf), EINVAL))
			diag("  %s (before FINALIZE)", reg_name(ids[i]));
	expect_errno(finalize_sve(vcpu), 0);
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (!expect_errno(one_reg(vcpu, false, ids[i], buf), EINVAL) ||
		    !expect_errno(one_reg(vcpu, true, ids[i], buf), EINVAL))
			diag("  %s", reg_name(ids[i]));
	/* the V registers are no registers of an SVE vCPU */
	expect_errno(one_reg(vcpu, false, CORE(U128, 84), buf), EINVAL);
	expect_errno(one_reg(vcpu, true, CORE(U128, 208), buf), EINVAL);
}

/* GET of a Z/P/FFR register: `real` bytes of value, zeros up to `size`, nothing after. */
static bool expect_sve_at(const char *file, int line, int vcpu, __u64 id, unsigned int real,
			  unsigned char fill)
{
	unsigned char buf[REG_MAX + 32];
	unsigned int size = reg_size(id), k;
	int r, err;

	memset(buf, 0xa5, sizeof(buf));
	r = one_reg(vcpu, false, id, buf);
	err = errno;
	if (!expect_errno_at(file, line, reg_name(id), r, err, 0))
		return false;
	for (k = 0; k < sizeof(buf); k++) {
		unsigned char want = k < real ? fill : k < size ? 0 : 0xa5;

		if (buf[k] != want) {
			fail_at(file, line, "%s byte %u is %#x, expected %#x (%u real bytes)",
				reg_name(id), k, buf[k], want, real);
			return false;
		}
	}
	return true;
}
#define expect_sve(vcpu, id, real, fill) expect_sve_at(__FILE__, __LINE__, vcpu, id, real, fill)

static void t_sve_zero_fill(const struct abi_test *t)
{
	unsigned char ones[REG_MAX];
	unsigned int vq, i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, true))
		return;
	vq = max_vq(vcpu);
	if (!vq)
		return;
	desc_append(" (VL %u bits)", vq * 128);
	/* zero after FINALIZE */
	for (i = 0; i < 32; i++)
		expect_sve(vcpu, ZREG(i, 0), vq * 16, 0);
	for (i = 0; i < 16; i++)
		expect_sve(vcpu, PREG(i, 0), vq * 2, 0);
	expect_sve(vcpu, FFR(0), vq * 2, 0);
	/* all ones in: ones up to VL (VL/8 for P, FFR), zeros after */
	memset(ones, 0xff, sizeof(ones));
	expect_errno(one_reg(vcpu, true, ZREG(7, 0), ones), 0);
	expect_sve(vcpu, ZREG(7, 0), vq * 16, 0xff);
	expect_errno(one_reg(vcpu, true, PREG(7, 0), ones), 0);
	expect_sve(vcpu, PREG(7, 0), vq * 2, 0xff);
	expect_errno(one_reg(vcpu, true, FFR(0), ones), 0);
	expect_sve(vcpu, FFR(0), vq * 2, 0xff);
	/* neighbours untouched */
	expect_sve(vcpu, ZREG(6, 0), vq * 16, 0);
	expect_sve(vcpu, ZREG(8, 0), vq * 16, 0);
	expect_sve(vcpu, PREG(8, 0), vq * 2, 0);
	expect_sve(vcpu, PREG(15, 0), vq * 2, 0);
}

/* SET reads only the vector length's bytes; GET writes all of the id's size. */
static void t_sve_user_bytes(const struct abi_test *t)
{
	unsigned char *pages, *z, *p;
	unsigned int vq;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, true))
		return;
	vq = max_vq(vcpu);
	pages = alloc_mem(2 * PAGE_SZ);
	if (!vq || !pages || mprotect(pages + PAGE_SZ, PAGE_SZ, PROT_NONE)) {
		fail("setup failed");
		return;
	}
	z = pages + PAGE_SZ - vq * 16;
	p = pages + PAGE_SZ - vq * 2;
	memset(z, 0x3c, vq * 16);
	expect_errno(one_reg(vcpu, true, ZREG(5, 0), z), 0);
	expect_sve(vcpu, ZREG(5, 0), vq * 16, 0x3c);
	memset(p, 0xc3, vq * 2);
	expect_errno(one_reg(vcpu, true, PREG(5, 0), p), 0);
	expect_sve(vcpu, PREG(5, 0), vq * 2, 0xc3);
	expect_errno(one_reg(vcpu, true, FFR(0), p), 0);
	/* one byte short: -EFAULT */
	expect_errno(one_reg(vcpu, true, ZREG(5, 0), z + 1), EFAULT);
	expect_errno(one_reg(vcpu, true, PREG(5, 0), p + 1), EFAULT);
	/* GET zero-fills up to the id's size: that runs into the guard page */
	if (vq * 16 < REG_MAX)
		expect_errno(one_reg(vcpu, false, ZREG(5, 0), z), EFAULT);
	if (vq * 2 < 32)
		expect_errno(one_reg(vcpu, false, PREG(5, 0), p), EFAULT);
	expect_errno(one_reg(vcpu, false, ZREG(5, 0), g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, true, ZREG(5, 0), g_bad_ptr), EFAULT);
}

static void t_sve_persist(const struct abi_test *t)
{
	unsigned char v[REG_MAX];
	unsigned int vq, i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, true))
		return;
	vq = max_vq(vcpu);
	if (!vq)
		return;
	for (i = 0; i < 32; i++) {
		memset(v, 0x10 + i, sizeof(v));
		expect_errno(one_reg(vcpu, true, ZREG(i, 0), v), 0);
	}
	for (i = 0; i < 16; i++) {
		memset(v, 0x80 + i, sizeof(v));
		expect_errno(one_reg(vcpu, true, PREG(i, 0), v), 0);
	}
	memset(v, 0xf7, sizeof(v));
	expect_errno(one_reg(vcpu, true, FFR(0), v), 0);
	for (i = 0; i < 32; i++)
		expect_sve(vcpu, ZREG(i, 0), vq * 16, 0x10 + i);
	for (i = 0; i < 16; i++)
		expect_sve(vcpu, PREG(i, 0), vq * 2, 0x80 + i);
	expect_sve(vcpu, FFR(0), vq * 2, 0xf7);
	/* kvm_reset_vcpu() of a finalized vCPU zeroes them (kvm_vcpu_reset_sve) */
	expect_errno(vcpu_init(vm, vcpu, F_SVE), 0);
	expect_sve(vcpu, ZREG(3, 0), vq * 16, 0);
	expect_sve(vcpu, PREG(3, 0), vq * 2, 0);
	expect_sve(vcpu, FFR(0), vq * 2, 0);
}

static void t_sve_vl128(const struct abi_test *t)
{
	__u64 vls[KVM_ARM64_SVE_VLS_WORDS] = { 1 };
	unsigned char ones[REG_MAX];
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_SVE, false))
		return;
	expect_errno(one_reg(vcpu, true, VLS, vls), 0);
	expect_errno(finalize_sve(vcpu), 0);
	expect_eq(max_vq(vcpu), 1);
	memset(ones, 0xff, sizeof(ones));
	expect_errno(one_reg(vcpu, true, ZREG(0, 0), ones), 0);
	expect_sve(vcpu, ZREG(0, 0), 16, 0xff);
	expect_errno(one_reg(vcpu, true, PREG(0, 0), ones), 0);
	expect_sve(vcpu, PREG(0, 0), 2, 0xff);
	expect_errno(one_reg(vcpu, true, FFR(0), ones), 0);
	expect_sve(vcpu, FFR(0), 2, 0xff);
}

/* ------------------------------------------------------------ D: firmware registers */

static void t_fw_psci_version(const struct abi_test *t)
{
	__u64 buf[4] = { 0 };
	int vm, v02, v01;

	(void)t;
	vm = new_vm(0);
	if (vm < 0)
		return;
	v02 = init_vcpu(vm, 0, F_PSCI, false);
	v01 = init_vcpu(vm, 1, 0, false);
	if (v02 < 0 || v01 < 0)
		return;
	/* kvm_psci_version(): the latest (1.1) with PSCI_0_2, else 0.1 */
	expect_reg(v02, PSCI_VERSION, PSCI_1_1);
	expect_reg(v01, PSCI_VERSION, PSCI_0_1);
	/* GET of a 32-bit id: no such register */
	expect_errno(one_reg(v02, false, WITH_SIZE(PSCI_VERSION, U32), buf), ENOENT);
	expect_errno(one_reg(v02, false, PSCI_VERSION, g_bad_ptr), EFAULT);
}

static void t_fw_psci_set(const struct abi_test *t)
{
	static const __u64 others[] = { 0, 3, 0x10002, 0x20000, 0x1ffff, ~0ULL, 0x100000001ULL };
	__u64 buf[4] = { 0 };
	int vm, v02, v01, v02b;
	size_t i;

	(void)t;
	vm = new_vm(0);
	if (vm < 0)
		return;
	v02 = init_vcpu(vm, 0, F_PSCI, false);
	v01 = init_vcpu(vm, 1, 0, false);
	v02b = init_vcpu(vm, 2, F_PSCI, false);
	if (v02 < 0 || v01 < 0 || v02b < 0)
		return;
	/* without KVM_ARM_VCPU_PSCI_0_2: 0.1 only */
	expect_set(v01, PSCI_VERSION, PSCI_0_1, 0);
	expect_set(v01, PSCI_VERSION, PSCI_0_2, EINVAL);
	expect_set(v01, PSCI_VERSION, PSCI_1_0, EINVAL);
	expect_set(v01, PSCI_VERSION, PSCI_1_1, EINVAL);
	expect_reg(v01, PSCI_VERSION, PSCI_0_1);
	/* with it: 0.2, 1.0, 1.1; not 0.1 */
	expect_set(v02, PSCI_VERSION, PSCI_0_1, EINVAL);
	expect_set(v02, PSCI_VERSION, PSCI_0_2, 0);
	expect_reg(v02, PSCI_VERSION, PSCI_0_2);
	/* "Affects the whole VM" */
	expect_reg(v02b, PSCI_VERSION, PSCI_0_2);
	expect_set(v02b, PSCI_VERSION, PSCI_1_0, 0);
	expect_reg(v02, PSCI_VERSION, PSCI_1_0);
	expect_set(v02, PSCI_VERSION, PSCI_1_1, 0);
	expect_reg(v02b, PSCI_VERSION, PSCI_1_1);
	expect_set(v02, PSCI_VERSION, PSCI_1_0, 0);
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		expect_set(v02, PSCI_VERSION, others[i], EINVAL);
		expect_set(v01, PSCI_VERSION, others[i], EINVAL);
	}
	expect_reg(v02, PSCI_VERSION, PSCI_1_0);
	/* a re-init keeps it (it is the VM's) */
	expect_errno(vcpu_init(vm, v02, F_PSCI), 0);
	expect_reg(v02, PSCI_VERSION, PSCI_1_0);
	/* SET: a 32-bit id -ENOENT before the value is read; bad value address -EFAULT */
	expect_errno(one_reg(v02, true, WITH_SIZE(PSCI_VERSION, U32), g_bad_ptr), ENOENT);
	expect_errno(one_reg(v02, true, PSCI_VERSION, g_bad_ptr), EFAULT);
	expect_errno(one_reg(v02, true, WITH_SIZE(WA1, U32), g_bad_ptr), ENOENT);
	expect_errno(one_reg(v02, true, WITH_SIZE(STD_BMAP, U32), g_bad_ptr), ENOENT);
	expect_errno(one_reg(v02, false, WITH_SIZE(STD_BMAP, U32), buf), ENOENT);
	expect_errno(one_reg(v02, true, WITH_SIZE(PSCI_VERSION, U128), buf), ENOENT);
}

/* Whether kvm_arm_set_fw_reg() accepts `val` for WORKAROUND_2 at the kernel's `level`. */
static bool wa2_ok(__u64 val, __u64 level)
{
	__u64 want;

	if (val & ~0x1fULL)
		return false;
	if ((val & 0x10) && (val & 0xf) != 2)	/* ENABLED only with AVAIL */
		return false;
	switch (val & 0xf) {
	case 0:		/* NOT_AVAIL */
	case 1:		/* UNKNOWN */
		want = 0;
		break;
	case 2:		/* AVAIL */
	case 3:		/* NOT_REQUIRED */
		want = 3;
		break;
	default:
		return false;
	}
	return level >= want;
}

static void t_fw_workarounds(const struct abi_test *t)
{
	static const __u64 wa13[] = { WA1, WA3 };
	__u64 level, v;
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, F_PSCI, false))
		return;
	for (i = 0; i < ARRAY_SIZE(wa13); i++) {
		level = get(vcpu, wa13[i]);
		diag("  WORKAROUND_%d level %llu", i ? 3 : 1, (unsigned long long)level);
		expect_true(level <= 2);
		/* any level up to the host's; above it, or bits past 3:0, -EINVAL */
		for (v = 0; v < 0x20; v++)
			if (!expect_set(vcpu, wa13[i], v, v <= level ? 0 : EINVAL))
				break;
		expect_set(vcpu, wa13[i], 1ULL << 63, EINVAL);
		expect_set(vcpu, wa13[i], level | 0x100, EINVAL);
		/* nothing changes */
		expect_reg(vcpu, wa13[i], level);
	}
	level = get(vcpu, WA2);
	diag("  WORKAROUND_2 level %llu", (unsigned long long)level);
	expect_true(level == 0 || level == 3);
	for (v = 0; v < 0x40; v++)
		if (!expect_set(vcpu, WA2, v, wa2_ok(v, level) ? 0 : EINVAL))
			break;
	expect_set(vcpu, WA2, 1ULL << 63, EINVAL);
	expect_reg(vcpu, WA2, level);
}

static const struct {
	__u64 id;
	__u64 mask;
} bmaps[] = {
	{ STD_BMAP, 0x1 },		/* TRNG_V1_0 */
	{ STD_HYP_BMAP, 0x1 },		/* PV_TIME */
	{ VENDOR_HYP_BMAP, 0x3 },	/* FUNC_FEAT, PTP */
};

static void t_bmap_rules(const struct abi_test *t)
{
	int vm, vcpu, other, vm2, vcpu2;
	size_t i;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false) || !setup(&vm2, &vcpu2, 0, false))
		return;
	other = init_vcpu(vm, 1, F_PSCI, false);
	if (other < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(bmaps); i++) {
		__u64 id = bmaps[i].id, mask = bmaps[i].mask;

		/* every supported bit by default */
		expect_reg(vcpu, id, mask);
		/* a bit KVM does not know */
		expect_set(vcpu, id, mask + 1, EINVAL);
		expect_set(vcpu, id, 1ULL << 63, EINVAL);
		expect_set(vcpu, id, ~0ULL, EINVAL);
		expect_reg(vcpu, id, mask);
		/* clearing */
		expect_set(vcpu, id, 0, 0);
		expect_reg(vcpu, id, 0);
		/* the VM's: another vCPU sees it, another VM does not */
		expect_reg(other, id, 0);
		expect_reg(vcpu2, id, mask);
		expect_set(other, id, mask & 1, 0);
		expect_reg(vcpu, id, mask & 1);
		expect_set(vcpu, id, mask, 0);
		expect_reg(other, id, mask);
		expect_errno(one_reg(vcpu, false, id, g_bad_ptr), EFAULT);
		expect_errno(one_reg(vcpu, true, id, g_bad_ptr), EFAULT);
	}
	/* a re-init does not reset them */
	expect_set(vcpu, VENDOR_HYP_BMAP, 0x2, 0);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_reg(vcpu, VENDOR_HYP_BMAP, 0x2);
}

static void t_bmap_after_run(const struct abi_test *t)
{
	struct kvm_run *run;
	int vm, vcpu, idle, uninit, sve, vm2, vcpu2;
	size_t i;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false) || !setup(&vm2, &vcpu2, 0, false))
		return;
	idle = init_vcpu(vm, 1, 0, false);
	uninit = init_vcpu(vm, 2, -1, false);
	run = map_run(vcpu);
	if (idle < 0 || uninit < 0 || !run)
		return;
	/* KVM_RUNs that fail before the vCPU runs do not count */
	expect_errno(run_nonblocking(uninit, map_run(uninit)), ENOEXEC);
	if (check_ext(g_sys, KVM_CAP_ARM_SVE) > 0) {
		sve = init_vcpu(vm, 3, F_SVE, false);
		if (sve >= 0)
			expect_errno(run_nonblocking(sve, map_run(sve)), EPERM);
	}
	expect_set(idle, STD_HYP_BMAP, 0, 0);
	expect_set(idle, STD_HYP_BMAP, 1, 0);
	/*
	 * The first KVM_RUN sets KVM_ARCH_FLAG_HAS_RAN_ONCE in
	 * kvm_arch_vcpu_run_pid_change(), before immediate_exit is looked at.
	 */
	expect_errno(run_nonblocking(vcpu, run), EINTR);
	for (i = 0; i < ARRAY_SIZE(bmaps); i++) {
		__u64 id = bmaps[i].id, mask = bmaps[i].mask;

		/* from any vCPU of the VM, the one that ran or not */
		expect_set(vcpu, id, 0, EBUSY);
		expect_set(idle, id, mask & 1, mask == 1 ? 0 : EBUSY);
		expect_set(idle, id, 0, EBUSY);
		/* the same value is fine; unknown bits are still -EINVAL */
		expect_set(vcpu, id, mask, 0);
		expect_set(idle, id, mask, 0);
		expect_set(idle, id, mask + 1, EINVAL);
		expect_reg(idle, id, mask);
		/* another VM is not affected */
		expect_set(vcpu2, id, 0, 0);
		expect_set(vcpu2, id, mask, 0);
	}
	/* other firmware registers stay writable */
	expect_set(vcpu, PSCI_VERSION, PSCI_0_1, 0);
}

/* kvm_ext: the same after a KVM_RUN in which the (idle) guest ran until a signal. */
static void t_bmap_after_blocking_run(const struct abi_test *t)
{
	struct kvm_run *run;
	int vm, vcpu, other;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	other = init_vcpu(vm, 1, 0, false);
	run = map_run(vcpu);
	if (other < 0 || !run)
		return;
	expect_run_until_signal(vcpu, run);
	expect_set(other, STD_BMAP, 0, EBUSY);
	expect_set(vcpu, VENDOR_HYP_BMAP, 1, EBUSY);
	expect_set(vcpu, VENDOR_HYP_BMAP, 3, 0);
	expect_reg(other, VENDOR_HYP_BMAP, 3);
}

/* ------------------------------------------------------------ E: timer */

static void t_timer_ctl(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	/* kvm_timer_vcpu_reset(): disabled, unmasked; CVAL 0 has expired: ISTATUS */
	expect_reg(vcpu, TIMER_CVAL, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ISTATUS);
	/* a CVAL in the future: ISTATUS clear, ENABLE and IMASK as written */
	expect_set(vcpu, TIMER_CVAL, ~0ULL, 0);
	expect_reg(vcpu, TIMER_CTL, 0);
	expect_set(vcpu, TIMER_CTL, CTL_ENABLE, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ENABLE);
	expect_set(vcpu, TIMER_CTL, CTL_ENABLE | CTL_IMASK, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ENABLE | CTL_IMASK);
	/* ISTATUS is not stored */
	expect_set(vcpu, TIMER_CTL, CTL_ENABLE | CTL_ISTATUS, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ENABLE);
	expect_set(vcpu, TIMER_CTL, CTL_IMASK, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_IMASK);
	/* CVAL in the past: ISTATUS, enabled or not (read_timer_ctl) */
	expect_set(vcpu, TIMER_CVAL, 1, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_IMASK | CTL_ISTATUS);
	expect_set(vcpu, TIMER_CTL, 0, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ISTATUS);
	expect_set(vcpu, TIMER_CTL, CTL_ENABLE, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ENABLE | CTL_ISTATUS);
	/* timer_set_ctl() keeps a u32: bits 63:32 are dropped, 31:3 kept */
	expect_set(vcpu, TIMER_CVAL, ~0ULL, 0);
	expect_set(vcpu, TIMER_CTL, 0xffffffff00000001ULL, 0);
	expect_reg(vcpu, TIMER_CTL, CTL_ENABLE);
	expect_set(vcpu, TIMER_CTL, 0xfffffff8ULL, 0);
	expect_reg(vcpu, TIMER_CTL, 0xfffffff8ULL);
	expect_set(vcpu, TIMER_CTL, ~0ULL, 0);
	expect_reg(vcpu, TIMER_CTL, 0xfffffffbULL);
	/* KVM_ARM_VCPU_INIT resets CTL (not CVAL) */
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_reg(vcpu, TIMER_CTL, 0);
	expect_errno(one_reg(vcpu, false, TIMER_CTL, g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, true, TIMER_CTL, g_bad_ptr), EFAULT);
}

static void t_timer_cval(const struct abi_test *t)
{
	static const __u64 vals[] = { 0, 1, 0x123456789abcdef0ULL, ~0ULL, 1ULL << 63 };
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		expect_set(vcpu, TIMER_CVAL, vals[i], 0);
		expect_reg(vcpu, TIMER_CVAL, vals[i]);
	}
}

#define CNT_SLACK (1ULL << 40)	/* ticks the counter may run during a test */

static bool expect_cnt_at(const char *file, int line, int vcpu, __u64 lo)
{
	__u64 v = get_at(file, line, vcpu, TIMER_CNT);

	if (v >= lo && v - lo < CNT_SLACK)
		return true;
	fail_at(file, line, "CNTVCT reads %#llx, expected %#llx + less than 2^40",
		(unsigned long long)v, (unsigned long long)lo);
	return false;
}
#define expect_cnt(vcpu, lo) expect_cnt_at(__FILE__, __LINE__, vcpu, lo)

static void t_timer_cnt(const struct abi_test *t)
{
	const __u64 x = 0x0123456789000000ULL, y = 1ULL << 44;
	int vm, vcpu, other, vm2, vcpu2;
	__u64 a, b;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false) || !setup(&vm2, &vcpu2, 0, false))
		return;
	other = init_vcpu(vm, 1, 0, false);
	if (other < 0)
		return;
	/* it counts */
	a = get(vcpu, TIMER_CNT);
	b = get(vcpu, TIMER_CNT);
	expect_true(b >= a);
	expect_set(vcpu, TIMER_CNT, x, 0);
	expect_cnt(vcpu, x);
	/* update_vtimer_cntvoff(): every vCPU of the VM, no other VM */
	expect_cnt(other, x);
	expect_true(get(vcpu2, TIMER_CNT) < x);
	expect_set(other, TIMER_CNT, y, 0);
	expect_cnt(vcpu, y);
	/* a re-init keeps the counter */
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_cnt(vcpu, y);
	expect_set(vcpu, TIMER_CNT, 0, 0);
	expect_cnt(vcpu, 0);
	expect_errno(one_reg(vcpu, false, TIMER_CNT, g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, true, TIMER_CNT, g_bad_ptr), EFAULT);
}

/*
 * kvm_timer_vcpu_init() of a new vCPU sets the VM's virtual counter offset
 * to the physical counter: the counter of every vCPU starts again near 0.
 */
static void t_timer_cnt_new_vcpu(const struct abi_test *t)
{
	const __u64 x = 1ULL << 60;
	int vm, vcpu, other;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	expect_set(vcpu, TIMER_CNT, x, 0);
	expect_cnt(vcpu, x);
	other = init_vcpu(vm, 1, 0, false);
	if (other < 0)
		return;
	expect_cnt(vcpu, 0);
	expect_cnt(other, 0);
}

/* ------------------------------------------------------------ F: PVTIME */

#define PV_GPA 0x100000ULL
#define PV_SIZE 0x10000ULL
#define RO_GPA 0x200000ULL

static void t_pvtime_has(const struct abi_test *t)
{
	static const __u64 attrs[] = { 1, 2, 0x100, ~0ULL };
	__u64 ipa = 0;
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, -1, false))
		return;
	/* no INIT needed */
	expect_errno(dev_attr(vcpu, KVM_HAS_DEVICE_ATTR, G_PVTIME, A_PVTIME_IPA, 0), 0);
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		expect_errno(dev_attr(vcpu, KVM_HAS_DEVICE_ATTR, G_PVTIME, attrs[i], 0), ENXIO);
		/* the attr is checked before the address */
		expect_errno(dev_attr(vcpu, KVM_SET_DEVICE_ATTR, G_PVTIME, attrs[i],
				      (__u64)(uintptr_t)g_bad_ptr),
			     ENXIO);
		expect_errno(dev_attr(vcpu, KVM_GET_DEVICE_ATTR, G_PVTIME, attrs[i],
				      (__u64)(uintptr_t)&ipa),
			     ENXIO);
	}
	expect_errno(dev_attr(vcpu, KVM_HAS_DEVICE_ATTR, 3, A_PVTIME_IPA, 0), ENXIO);
	expect_errno(dev_attr(vcpu, KVM_HAS_DEVICE_ATTR, 0x12345, A_PVTIME_IPA, 0), ENXIO);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(dev_attr(vcpu, KVM_HAS_DEVICE_ATTR, G_PVTIME, A_PVTIME_IPA, 0), 0);
}

static int pv_set(int vcpu, __u64 ipa)
{
	return dev_attr(vcpu, KVM_SET_DEVICE_ATTR, G_PVTIME, A_PVTIME_IPA, (__u64)(uintptr_t)&ipa);
}

static bool expect_pv_at(const char *file, int line, int vcpu, __u64 want)
{
	__u64 ipa = 0x5a5a;
	int r = dev_attr(vcpu, KVM_GET_DEVICE_ATTR, G_PVTIME, A_PVTIME_IPA,
			 (__u64)(uintptr_t)&ipa), err = errno;

	if (!expect_errno_at(file, line, "KVM_GET_DEVICE_ATTR(PVTIME_IPA)", r, err, 0))
		return false;
	return expect_eq_at(file, line, "PVTIME_IPA", ipa, want);
}
#define expect_pv(vcpu, want) expect_pv_at(__FILE__, __LINE__, vcpu, want)

static void t_pvtime_ipa(const struct abi_test *t)
{
	int vm, vcpu, other;
	void *mem;

	(void)t;
	if (!setup(&vm, &vcpu, -1, false))
		return;
	other = init_vcpu(vm, 1, 0, false);
	mem = alloc_mem(2 * PV_SIZE);
	if (other < 0 || !mem)
		return;
	if (!expect_errno(set_region(vm, 0, 0, PV_GPA, PV_SIZE, mem), 0) ||
	    !expect_errno(set_region(vm, 1, KVM_MEM_READONLY, RO_GPA, PV_SIZE,
				     (char *)mem + PV_SIZE),
			  0))
		return;
	/* GPA_INVALID until set */
	expect_pv(vcpu, ~0ULL);
	/* not 64-byte aligned */
	expect_errno(pv_set(vcpu, PV_GPA + 1), EINVAL);
	expect_errno(pv_set(vcpu, PV_GPA + 32), EINVAL);
	expect_errno(pv_set(vcpu, ~0ULL), EINVAL);
	/* in no memslot, or in a read-only one (gfn_to_hva() wants it writable) */
	expect_errno(pv_set(vcpu, PV_GPA + PV_SIZE), EINVAL);
	expect_errno(pv_set(vcpu, 0), EINVAL);
	expect_errno(pv_set(vcpu, RO_GPA), EINVAL);
	expect_errno(pv_set(vcpu, ~0ULL << 6), EINVAL);
	expect_pv(vcpu, ~0ULL);
	/* bad addresses */
	expect_errno(dev_attr(vcpu, KVM_SET_DEVICE_ATTR, G_PVTIME, A_PVTIME_IPA,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(dev_attr(vcpu, KVM_GET_DEVICE_ATTR, G_PVTIME, A_PVTIME_IPA,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	/* the last 64 bytes of the slot; then -EEXIST (checked before the memslot) */
	expect_errno(pv_set(vcpu, PV_GPA + PV_SIZE - 64), 0);
	expect_pv(vcpu, PV_GPA + PV_SIZE - 64);
	expect_errno(pv_set(vcpu, PV_GPA + 64), EEXIST);
	expect_errno(pv_set(vcpu, PV_GPA + PV_SIZE - 64), EEXIST);
	expect_errno(pv_set(vcpu, PV_GPA + 2 * PV_SIZE), EEXIST);
	/* alignment is checked first */
	expect_errno(pv_set(vcpu, PV_GPA + 65), EINVAL);
	expect_pv(vcpu, PV_GPA + PV_SIZE - 64);
	/* per vCPU */
	expect_pv(other, ~0ULL);
	expect_errno(pv_set(other, PV_GPA), 0);
	expect_pv(other, PV_GPA);
	/* INIT does not reset it */
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_pv(vcpu, PV_GPA + PV_SIZE - 64);
}

/*
 * The guest side of PV stolen time through the guest-access extension
 * (kvm_ext-only): 6.1's kvm_hvc_call_handler() for
 * ARM_SMCCC_HV_PV_TIME_FEATURES / _ST, gated by kvm_hvc_call_allowed() on
 * KVM_REG_ARM_STD_HYP_BIT_PV_TIME; kvm_init_stolen_time() writes the
 * zeroed 64-byte struct pvclock_vcpu_stolen_time, a guest-RAM write that
 * the dirty log must show.
 */
#define HV_PV_TIME_FEATURES 0xc5000020ULL
#define HV_PV_TIME_ST 0xc5000021ULL
#define SMCCC_NOT_SUPPORTED (~0ULL)

static __u64 hvc(int vcpu, __u64 fn, __u64 arg)
{
	__u64 data = arg;
	__u32 result = 0;

	if (!expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, fn, 8, &data, &result),
			  0))
		return 0x5a5a;
	expect_eq(result, KVM_EXT_RESULT_KERNEL);
	return data;
}

static void t_pvtime_hypercalls(const struct abi_test *t)
{
	unsigned long long bitmap[PV_SIZE / 4096 / 64 + 1] = { 0 };
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = bitmap };
	unsigned char *mem;
	__u64 data = 0;
	int vm, vcpu, i, nonzero = 0;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	mem = alloc_mem(PV_SIZE);
	if (!mem)
		return;
	memset(mem, 0xee, PV_SIZE);
	if (!expect_errno(set_region(vm, 0, KVM_MEM_LOG_DIRTY_PAGES, PV_GPA, PV_SIZE, mem), 0))
		return;
	/* no IPA set: neither feature is offered, ST has nothing to return */
	expect_eq(hvc(vcpu, HV_PV_TIME_FEATURES, HV_PV_TIME_ST), SMCCC_NOT_SUPPORTED);
	expect_eq(hvc(vcpu, HV_PV_TIME_ST, 0), SMCCC_NOT_SUPPORTED);
	if (!expect_errno(pv_set(vcpu, PV_GPA + 0x3040), 0))
		return;
	expect_eq(hvc(vcpu, HV_PV_TIME_FEATURES, HV_PV_TIME_FEATURES), 0);
	expect_eq(hvc(vcpu, HV_PV_TIME_FEATURES, HV_PV_TIME_ST), 0);
	expect_eq(hvc(vcpu, HV_PV_TIME_FEATURES, 0x80000000), SMCCC_NOT_SUPPORTED);
	expect_errno(ioctl(vm, KVM_GET_DIRTY_LOG, &log), 0); /* start the round */
	expect_eq(hvc(vcpu, HV_PV_TIME_ST, 0), PV_GPA + 0x3040);
	for (i = 0; i < 64; i++)
		nonzero += mem[0x3040 + i] != 0;
	expect_eq(nonzero, 0);
	expect_eq(mem[0x3040 - 1], 0xee);
	expect_eq(mem[0x3040 + 64], 0xee);
	expect_errno(ioctl(vm, KVM_GET_DIRTY_LOG, &log), 0);
	expect_eq(bitmap[0], 1ULL << 3);
	/* the VMM withdraws PV time: the guest is told it is not there */
	expect_errno(set_u64(vcpu, STD_HYP_BMAP, 0), 0);
	expect_eq(hvc(vcpu, HV_PV_TIME_FEATURES, HV_PV_TIME_ST), SMCCC_NOT_SUPPORTED);
	expect_eq(hvc(vcpu, HV_PV_TIME_ST, 0), SMCCC_NOT_SUPPORTED);
	/* the TRNG is not emulated: its calls have no handler in kvm_ext */
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, 0x84000050, 8, &data, NULL),
		     ENXIO);
}

/*
 * An id outside the documented blocks is "no such register" (api.rst
 * 4.68's ENOENT row): 6.1's index_to_params() ignores the coprocessor
 * field, so there MIDR_EL1's and TPIDR_EL0's encodings under block 0x12
 * reach those registers. kvm_ext follows the documents
 * (Documentation/differences.rst).
 */
static void t_sysreg_other_block(const struct abi_test *t)
{
	static const __u64 blocks[] = { COPROC(0), COPROC(0x12), COPROC(0x17), COPROC(0xfff) };
	__u64 v = 0;
	size_t i;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0, false))
		return;
	for (i = 0; i < ARRAY_SIZE(blocks); i++) {
		__u64 midr = (MIDR_EL1 & ~C_MASK) | blocks[i], tpidr = (TPIDR_EL0 & ~C_MASK) | blocks[i];

		expect_errno(one_reg(vcpu, false, midr, &v), ENOENT);
		expect_errno(one_reg(vcpu, true, midr, &v), ENOENT);
		expect_errno(one_reg(vcpu, false, tpidr, &v), ENOENT);
		expect_errno(one_reg(vcpu, true, tpidr, &v), ENOENT);
	}
}

/* ------------------------------------------------------------ table */

#define A M_ARM64
#define E T_EXT
static const struct abi_test arm64_regs_tests[] = {
	{ "KVM_GET_REG_LIST and ONE_REG of every class before KVM_ARM_VCPU_INIT -ENOEXEC",
	  REF_LIST, t_list_uninit, A, 0, 0, 0 },
	{ "KVM_GET_REG_LIST of an SVE vCPU before KVM_ARM_VCPU_FINALIZE -EPERM", REF_LIST,
	  t_list_not_finalized, A, 0, 0, 0 },
	{ "KVM_GET_REG_LIST: n (its low 32 bits) too small -E2BIG, n written back; -EFAULT",
	  REF_LIST, t_list_e2big, A, 0, 0, 0 },
	{ "KVM_GET_REG_LIST, no features: 6.1's list in 6.1's order", REF_LIST, t_list_exact, A,
	  0, 0, 0 },
	{ "KVM_GET_REG_LIST, PMU_V3: 6.1's list in 6.1's order", REF_LIST, t_list_exact, A, 0,
	  F_PMU, 0 },
	{ "KVM_GET_REG_LIST, SVE: 6.1's list in 6.1's order", REF_LIST, t_list_exact, A, 0, F_SVE,
	  0 },
	{ "KVM_GET_REG_LIST, SVE+PMU_V3: 6.1's list in 6.1's order", REF_LIST, t_list_exact, A, 0,
	  F_SVE | F_PMU, 0 },
	{ "KVM_GET_REG_LIST, PTRAUTH: 6.1's list in 6.1's order", REF_LIST, t_list_exact, A, 0,
	  F_PTRAUTH, 0 },
	{ "KVM_GET_REG_LIST, PTRAUTH+PMU_V3: 6.1's list in 6.1's order", REF_LIST, t_list_exact,
	  A, 0, F_PTRAUTH | F_PMU, 0 },
	{ "every listed register: GET ok, exactly its size; SET of the value read ok", REF_ONE,
	  t_list_roundtrip, A, 0, 0, 0 },
	{ "ONE_REG of an id of no register -ENOENT (SET reads the value first: -EFAULT)",
	  REF_ONE, t_absent, A, 0, 0, 0 },
	{ "ONE_REG of SVE, ptrauth, PMU system registers without the feature -ENOENT", REF_SYS,
	  t_hidden_by_feature, A, 0, 0, 0 },
	{ "system register id of another size -ENOENT; stray bits -ENOENT / -EINVAL", REF_SYS,
	  t_sysreg_bad_id, A, 0, 0, 0 },
	{ "MIDR, REVIDR, CLIDR, AIDR, CTR: SET of the same value 0, another -EINVAL", REF_SYS,
	  t_invariant, A, 0, 0, 0 },
	{ "CCSIDR per CLIDR's caches: same value 0, another -EINVAL; invalid CSSELR -ENOENT",
	  REF_DEMUX, t_demux, A, 0, 0, 0 },
	{ "ID registers: SET of another value -EINVAL; unallocated and hidden ones read 0",
	  REF_SYS, t_id_regs, A, 0, 0, 0 },
	{ "ID_AA64PFR0_EL1: CSV2/CSV3 may be lowered (for the whole VM), nothing else", REF_SYS,
	  t_id_pfr0_csv, A, 0, 0, 0 },
	{ "ID registers per vCPU: SVE, ZFR0, ptrauth fields, PMUVer, DebugVer, MTE, AMU", REF_SYS,
	  t_id_fields, A, 0, 0, 0 },
	{ "AArch32 ID registers without AArch32 EL0 (arm64_el0_32bit=N): RAZ/WI", REF_SYS,
	  t_id_aa32_raz_wi, A, E, 0, 0 },
	{ "OSLSR_EL1: 0x8 after INIT, only OSLK (bit 1) writable, other changes -EINVAL",
	  REF_SYS, t_oslsr, A, 0, 0, 0 },
	{ "PMSWINC_EL0 reads 0 and ignores writes", REF_SYS, t_pmswinc, A, 0, 0, 0 },
	{ "registers with plain storage round-trip any value, no two share storage", REF_SYS,
	  t_plain_roundtrip, A, 0, 0, 0 },
	{ "PMU SET/CLR pairs share a value; PMEVCNTRn read 32 bits, PMCCNTR 64", REF_SYS,
	  t_pmu_shared, A, 0, 0, 0 },
	{ "MPIDR_EL1 after INIT: bit 31 | Aff0 id[3:0] | Aff1 id[11:4] | Aff2 id[19:12]",
	  REF_RESET, t_mpidr, A, 0, 0, 0 },
	{ "INIT resets SCTLR 0xc50078, FPEXC32 0x700, OSLSR 0x8, TCR, debug regs 0; re-init too",
	  REF_RESET, t_reset, A, 0, 0, 0 },
	{ "INIT resets (SVE, PMU): ZCR_EL1, PMUSERENR, PMCCFILTR 0, PMCR.E 0, masked counters",
	  REF_RESET, t_reset, A, 0, F_SVE | F_PMU | F_PTRAUTH, 0 },
	{ "SVE Z/P/FFR before FINALIZE -EPERM (after the id checks); VLS readable", REF_SVE,
	  t_sve_not_finalized, A, 0, 0, 0 },
	{ "SVE Z/P/FFR of a vCPU without SVE -ENOENT; a malformed SVE id -EINVAL", REF_SVE,
	  t_sve_no_sve, A, 0, 0, 0 },
	{ "SVE Z/P/FFR slice 1..31 -ENOENT", REF_SVE, t_sve_slices, A, 0, 0, 0 },
	{ "SVE-coproc id that is neither VLS nor Z/P/FFR -EINVAL; V0-V31 -EINVAL", REF_SVE,
	  t_sve_bad_ids, A, 0, 0, 0 },
	{ "SVE GET zero-fills past the VL; SET keeps VL bytes (VL/8 for P, FFR)", REF_SVE,
	  t_sve_zero_fill, A, 0, 0, 0 },
	{ "SVE SET reads only VL bytes, GET writes the id's whole size", REF_SVE,
	  t_sve_user_bytes, A, 0, 0, 0 },
	{ "SVE registers keep their values, one each; a re-init zeroes them", REF_SVE,
	  t_sve_persist, A, 0, 0, 0 },
	{ "SVE VLS 128-bit only, then FINALIZE: Z has 16 real bytes, P and FFR 2", REF_SVE,
	  t_sve_vl128, A, 0, 0, 0 },
	{ "PSCI_VERSION reads 1.1 (0x10001) with PSCI_0_2, 0.1 without", REF_FW,
	  t_fw_psci_version, A, 0, 0, 0 },
	{ "PSCI_VERSION SET: 0.1 only without PSCI_0_2, 0.2/1.0/1.1 with; VM-wide", REF_FW,
	  t_fw_psci_set, A, 0, 0, 0 },
	{ "WORKAROUND_1/3: up to the host's level; WORKAROUND_2's mapping; else -EINVAL", REF_FW,
	  t_fw_workarounds, A, 0, 0, 0 },
	{ "STD/STD_HYP/VENDOR_HYP_BMAP: all bits by default, unknown bits -EINVAL, per VM",
	  REF_BMAP, t_bmap_rules, A, 0, 0, 0 },
	{ "bitmap registers after a vCPU of the VM has run: a change -EBUSY, same value 0",
	  REF_BMAP, t_bmap_after_run, A, 0, 0, 0 },
	{ "bitmap registers after a KVM_RUN that ran until a signal: a change -EBUSY", REF_BMAP,
	  t_bmap_after_blocking_run, A, E, 0, 0 },
	{ "CNTV_CTL: ENABLE/IMASK stored (as a u32), ISTATUS computed from CVAL", REF_TIMER,
	  t_timer_ctl, A, 0, 0, 0 },
	{ "CNTV_CVAL round-trips any value", REF_TIMER, t_timer_cval, A, 0, 0, 0 },
	{ "CNTVCT: a write sets the counter of the whole VM, which then counts on", REF_TIMER,
	  t_timer_cnt, A, 0, 0, 0 },
	{ "CNTVCT starts again near 0 for the VM when a vCPU is created", REF_TIMER,
	  t_timer_cnt_new_vcpu, A, 0, 0, 0 },
	{ "PVTIME_CTRL: HAS_DEVICE_ATTR(PVTIME_IPA) 0, other attributes and groups -ENXIO",
	  REF_PVTIME, t_pvtime_has, A, 0, 0, 0 },
	{ "PVTIME_IPA: GPA_INVALID until set; unaligned or no RAM -EINVAL; then -EEXIST",
	  REF_PVTIME, t_pvtime_ipa, A, 0, 0, 0 },
	{ "guest PV_TIME_FEATURES/_ST: after PVTIME_IPA, zeroes the record (dirty), STD_HYP gate",
	  REF_PVTIME ", arm/hypercalls.rst", t_pvtime_hypercalls, A, E, 0, 0 },
	{ "an arm64 id of an undocumented block -ENOENT (6.1 finds a system register)", REF_ONE,
	  t_sysreg_other_block, A, E, 0, 0 },
};

TEST_GROUP(arm64_regs);
