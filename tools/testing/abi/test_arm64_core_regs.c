// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 core registers through api.rst 4.68 KVM_SET_ONE_REG / 4.69
 * KVM_GET_ONE_REG (KVM_REG_ARM_CORE), and their reset by 4.82
 * KVM_ARM_VCPU_INIT.
 *
 * The register set and sizes are the arm64 core register table of the
 * KVM_SET_ONE_REG section of /work/shared/spec/
 * kvm-api-2019-sve-ptrauth-dirtylog-xive.patch.txt ("0x60x0 0000 0010
 * <index into the kvm_regs struct:16>"): X0-X30, SP, PC, PSTATE, SP_EL1,
 * ELR_EL1, SPSR_EL1/ABT/UND/IRQ/FIQ 64 bits, V0-V31 128 bits (not on an
 * SVE vCPU), FPSR and FPCR 32 bits. (The table's "0x6060" for SPSR_FIQ is
 * a typo for 0x6030: its Bits column says 64 and Linux only accepts 64.)
 *
 * Ground truth is Linux 6.1 arch/arm64/kvm/guest.c
 * (core_reg_offset_from_id(), core_reg_size_from_offset(),
 * core_reg_addr(), get_core_reg(), set_core_reg(), kvm_arm_get_reg()),
 * arm.c (kvm_arch_vcpu_ioctl(): -ENOEXEC before init) and reset.c
 * (kvm_reset_vcpu(), VCPU_RESET_PSTATE_EL1 0x3c5 / _SVC 0x1d3):
 *  - an offset >= 216 or one where offset + size/4 >= 216 is -ENOENT
 *    (note >=: a 16-byte access at 212, which would end exactly at the
 *    end, is -ENOENT too), checked before anything else;
 *  - an offset where no register of the id's size starts -EINVAL (before
 *    the value is copied: a bad address does not turn it into -EFAULT);
 *  - a PSTATE mode the vCPU cannot be in -EINVAL: USR needs host AArch32
 *    EL0 (kvm_supports_32bit_el0(), even on a 64-bit vCPU), the other
 *    AArch32 modes an AArch32-EL1 vCPU, EL0t/EL1t/EL1h an AArch64 one;
 *  - after a successful write with a 32-bit PSTATE, x0-x14 (USR, SYS) or
 *    x0-x30 (other modes) and PC are narrowed to 32 bits (SP is not).
 *
 * <linux/kvm.h> of the build host (x86) lacks arm64's struct kvm_regs, so
 * the offsets (in u32 units) are hard-coded from arm64's uapi asm/kvm.h:
 * struct kvm_regs { struct user_pt_regs regs (regs[31], sp, pc, pstate);
 * __u64 sp_el1, elr_el1, spsr[5]; struct user_fpsimd_state fp_regs
 * (__uint128_t vregs[32] 16-byte aligned, so 2 u32s of padding at 82;
 * __u32 fpsr, fpcr, __reserved[2]); }: X[i] 2i, SP 62, PC 64, PSTATE 66,
 * SP_EL1 68, ELR_EL1 70, SPSR[i] 72+2i, V[i] 84+4i, FPSR 212, FPCR 213,
 * 216 u32s in all.
 *
 * The emulated host's AArch32 support is kvm_ext's arm64_el1_32bit /
 * arm64_el0_32bit module parameters: the tests that write them are
 * kvm_ext-only (T_EXT) and put every parameter back to its default at
 * their end (PARAM_TEST). On a real /dev/kvm the tests that need host
 * SVE or AArch32 EL0 skip themselves where the host lacks it.
 *
 * arm64 only: the ppc and s390 register sets (KVM_REG_PPC_*, s390's
 * ONE_REG ids) belong to those personalities' own work.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_CORE                                                                \
	"api.rst 4.68 KVM_SET_ONE_REG, 4.69 KVM_GET_ONE_REG (arm64 core register table, " \
	"spec kvm-api-2019)"
#define REF_CORE_INIT "api.rst 4.82 KVM_ARM_VCPU_INIT, 4.68/4.69 (arm64 core registers)"

#define F(bit) (1U << (bit))

#ifndef KVM_REG_ARM_CORE
#define KVM_REG_ARM_CORE (0x0010ULL << 16)
#endif

/* arm64 struct kvm_regs in u32 units (see above). */
#define OFF_X(i) (2U * (i))
#define OFF_SP 62U
#define OFF_PC 64U
#define OFF_PSTATE 66U
#define OFF_SP_EL1 68U
#define OFF_ELR_EL1 70U
#define OFF_SPSR(i) (72U + 2U * (i))
#define OFF_PAD 82U
#define OFF_V(i) (84U + 4U * (i))
#define OFF_FPSR 212U
#define OFF_FPCR 213U
#define CORE_WORDS 216U

#define PSTATE_RESET_EL1 0x3c5ULL /* EL1h | D | A | I | F */
#define PSTATE_RESET_SVC 0x1d3ULL /* SVC | A | I | F */
#define PSTATE_DAIF 0x3c0ULL
#define PSTATE_AIF 0x1c0ULL
#define MODE_USR 0x10
#define MODE_SVC 0x13
#define MODE_SYS 0x1f

#define ONES (~0ULL)
#define LOW32 0xffffffffULL

/* ------------------------------------------------------------ vCPU helpers */

/* A VM with a vCPU, initialised with `features` (-1: left uninitialised). */
static bool setup(int *vm, int *vcpu, long features)
{
	*vm = new_vm(0);
	*vcpu = *vm >= 0 ? new_vcpu(*vm, 0) : -1;
	if (*vcpu < 0)
		return false;
	if (features >= 0 && !expect_errno(vcpu_init(*vm, *vcpu, (__u32)features), 0))
		return false;
	return true;
}

/* ------------------------------------------------------------ core register ids */

/* KVM_REG_SIZE_* for a power-of-two size of 1..256 bytes. */
static __u64 size_field(unsigned int bytes)
{
	return (__u64)__builtin_ctz(bytes) << KVM_REG_SIZE_SHIFT;
}

static __u64 core_id(unsigned int bytes, __u64 off)
{
	return KVM_REG_ARM64 | size_field(bytes) | KVM_REG_ARM_CORE | off;
}

static int core_io_id(int vcpu, bool set, __u64 id, const void *addr)
{
	struct kvm_one_reg r = { .id = id, .addr = (__u64)(uintptr_t)addr };

	return ioctl(vcpu, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r);
}

static int core_io(int vcpu, bool set, unsigned int off, unsigned int bytes, const void *addr)
{
	return core_io_id(vcpu, set, core_id(bytes, off), addr);
}

static int set64(int vcpu, unsigned int off, __u64 v)
{
	return core_io(vcpu, true, off, 8, &v);
}

/* What Linux answers for an id of `bytes` at `off` where no such register is. */
static int bad_id_errno(unsigned int off, unsigned int bytes)
{
	return off >= CORE_WORDS || off + bytes / 4 >= CORE_WORDS ? ENOENT : EINVAL;
}

/* The spec's table. */
struct core_reg {
	char name[12];
	unsigned int off, bytes;
	bool vreg;
};

static struct core_reg regs[31 + 3 + 2 + 5 + 32 + 2];

static void build_regs(void)
{
	static const char *const spsr[] = { "SPSR_EL1", "SPSR_ABT", "SPSR_UND", "SPSR_IRQ",
					    "SPSR_FIQ" };
	size_t n = 0;
	unsigned int i;

	if (regs[0].bytes)
		return;
	for (i = 0; i < 31; i++, n++) {
		snprintf(regs[n].name, sizeof(regs[n].name), "X%u", i);
		regs[n].off = OFF_X(i), regs[n].bytes = 8;
	}
	strcpy(regs[n].name, "SP"), regs[n].off = OFF_SP, regs[n++].bytes = 8;
	strcpy(regs[n].name, "PC"), regs[n].off = OFF_PC, regs[n++].bytes = 8;
	strcpy(regs[n].name, "PSTATE"), regs[n].off = OFF_PSTATE, regs[n++].bytes = 8;
	strcpy(regs[n].name, "SP_EL1"), regs[n].off = OFF_SP_EL1, regs[n++].bytes = 8;
	strcpy(regs[n].name, "ELR_EL1"), regs[n].off = OFF_ELR_EL1, regs[n++].bytes = 8;
	for (i = 0; i < 5; i++, n++) {
		strcpy(regs[n].name, spsr[i]);
		regs[n].off = OFF_SPSR(i), regs[n].bytes = 8;
	}
	for (i = 0; i < 32; i++, n++) {
		snprintf(regs[n].name, sizeof(regs[n].name), "V%u", i);
		regs[n].off = OFF_V(i), regs[n].bytes = 16, regs[n].vreg = true;
	}
	strcpy(regs[n].name, "FPSR"), regs[n].off = OFF_FPSR, regs[n++].bytes = 4;
	strcpy(regs[n].name, "FPCR"), regs[n].off = OFF_FPCR, regs[n++].bytes = 4;
	if (n != ARRAY_SIZE(regs))
		fail("register table has %zu entries", n);
}

struct regval {
	__u64 w[2];
};

/* A value distinct for every register (PSTATE: a valid AArch64 one, EL1t). */
static struct regval pattern(size_t i, unsigned int salt)
{
	struct regval v = { { 0, 0 } };
	__u64 k = i + 1;

	if (regs[i].off == OFF_PSTATE) {
		v.w[0] = salt ? 0x600003c4ULL : 0xf00003c4ULL; /* NZCV, DAIF, EL1t */
		return v;
	}
	v.w[0] = 0x8000000000000000ULL | (k << 48) | ((__u64)salt << 40) |
		 (0x01010101ULL * (k + salt));
	if (regs[i].bytes == 16)
		v.w[1] = ~v.w[0] ^ ((__u64)salt << 8);
	if (regs[i].bytes == 4)
		v.w[0] &= LOW32;
	return v;
}

static struct regval reset_value(size_t i, __u64 pstate)
{
	struct regval v = { { regs[i].off == OFF_PSTATE ? pstate : 0, 0 } };

	return v;
}

/*
 * KVM_GET_ONE_REG of a core register succeeds, reads `want`, and writes
 * exactly the register's size (the bytes after it in the buffer untouched).
 */
static bool expect_core_at(const char *file, int line, int vcpu, const char *name,
			   unsigned int off, unsigned int bytes, const struct regval *want)
{
	unsigned char buf[32];
	struct regval got = { { 0, 0 } };
	char what[48];
	unsigned int i;
	int r, err;
	bool ok;

	memset(buf, 0x5a, sizeof(buf));
	r = core_io(vcpu, false, off, bytes, buf);
	err = errno;
	snprintf(what, sizeof(what), "KVM_GET_ONE_REG(%s)", name);
	if (!expect_errno_at(file, line, what, r, err, 0))
		return false;
	memcpy(&got, buf, bytes);
	ok = expect_eq_at(file, line, name, got.w[0], want->w[0]);
	if (bytes == 16) {
		snprintf(what, sizeof(what), "%s[127:64]", name);
		ok &= expect_eq_at(file, line, what, got.w[1], want->w[1]);
	}
	for (i = bytes; i < sizeof(buf); i++) {
		if (buf[i] != 0x5a) {
			fail_at(file, line, "KVM_GET_ONE_REG(%s) wrote past its %u bytes", name,
				bytes);
			return false;
		}
	}
	return ok;
}

static bool expect_u64_at(const char *file, int line, int vcpu, const char *name,
			  unsigned int off, __u64 want)
{
	struct regval v = { { want, 0 } };

	return expect_core_at(file, line, vcpu, name, off, 8, &v);
}
#define expect_u64(vcpu, name, off, want) expect_u64_at(__FILE__, __LINE__, vcpu, name, off, want)
#define expect_reg(vcpu, i, want)                                               \
	expect_core_at(__FILE__, __LINE__, vcpu, regs[i].name, regs[i].off, regs[i].bytes, want)

/* Writes pattern(i, salt) to every register (V only without SVE). */
static void write_patterns(int vcpu, unsigned int salt, bool vregs)
{
	struct regval v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (regs[i].vreg && !vregs)
			continue;
		v = pattern(i, salt);
		if (core_io(vcpu, true, regs[i].off, regs[i].bytes, &v))
			fail("KVM_SET_ONE_REG(%s) failed: %s", regs[i].name, errno_name(errno));
	}
}

static void expect_patterns(int vcpu, unsigned int salt, bool vregs)
{
	struct regval v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (regs[i].vreg && !vregs)
			continue;
		v = pattern(i, salt);
		expect_reg(vcpu, i, &v);
	}
}

/*
 * Every register at its reset value. SP_EL1, ELR_EL1 and SPSR_EL1 are
 * system registers whose warm-reset value is architecturally UNKNOWN
 * (api.rst 4.82: "System registers: Reset to their architecturally
 * defined values"); Linux 6.1 kvm_reset_vcpu() does not touch them
 * (reset.c:313-322: only gp regs, fp_regs and the four AArch32 SPSRs, and
 * sys_reg_descs[] has no entry for them), so they are only checked when
 * `sysregs` (a first KVM_ARM_VCPU_INIT: the vCPU was allocated zeroed).
 */
static void expect_reset(int vcpu, __u64 pstate, bool vregs, bool sysregs)
{
	struct regval v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (regs[i].vreg && !vregs)
			continue;
		if (!sysregs && (regs[i].off == OFF_SP_EL1 || regs[i].off == OFF_ELR_EL1 ||
				 regs[i].off == OFF_SPSR(0))) {
			if (!core_io(vcpu, false, regs[i].off, 8, &v))
				diag("  after re-init %s = %#llx (UNKNOWN; Linux 6.1 keeps the old value)",
				     regs[i].name, (unsigned long long)v.w[0]);
			continue;
		}
		v = reset_value(i, pstate);
		expect_reg(vcpu, i, &v);
	}
}

/* ------------------------------------------------------------ tests */

static void t_core_uninit(const struct abi_test *t)
{
	__u64 v = 0;
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(core_io(vcpu, false, OFF_X(0), 8, &v), ENOEXEC);
	expect_errno(core_io(vcpu, true, OFF_X(0), 8, &v), ENOEXEC);
	expect_errno(core_io(vcpu, false, OFF_PSTATE, 8, &v), ENOEXEC);
	expect_errno(core_io(vcpu, true, OFF_FPCR, 4, &v), ENOEXEC);
	/* before the offset is looked at */
	expect_errno(core_io(vcpu, false, CORE_WORDS, 8, &v), ENOEXEC);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_u64(vcpu, "PSTATE", OFF_PSTATE, PSTATE_RESET_EL1);
}

static void t_core_roundtrip(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	write_patterns(vcpu, 0, true);
	expect_patterns(vcpu, 0, true);
	/* and again with other values: nothing sticks from the first round */
	write_patterns(vcpu, 1, true);
	expect_patterns(vcpu, 1, true);
	desc_append(" (%zu registers)", ARRAY_SIZE(regs));
}

static void t_core_reset(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	expect_reset(vcpu, PSTATE_RESET_EL1, true, true);
	write_patterns(vcpu, 0, true);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_reset(vcpu, PSTATE_RESET_EL1, true, false);
	/* a 32-bit PSTATE (USR, if the host allows it) is reset too */
	if (set64(vcpu, OFF_PSTATE, PSTATE_DAIF | MODE_USR) == 0) {
		expect_errno(vcpu_init(vm, vcpu, 0), 0);
		expect_u64(vcpu, "PSTATE", OFF_PSTATE, PSTATE_RESET_EL1);
	}
}

static void t_core_bad_size(const struct abi_test *t)
{
	unsigned char buf[256];
	unsigned int shift, bytes;
	size_t i;
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		for (shift = 0; shift <= 8; shift++) {
			int want;

			bytes = 1U << shift;
			if (bytes == regs[i].bytes)
				continue;
			want = bad_id_errno(regs[i].off, bytes);
			if (!expect_errno(core_io(vcpu, false, regs[i].off, bytes, buf), want) ||
			    !expect_errno(core_io(vcpu, true, regs[i].off, bytes, buf), want)) {
				diag("  %s with a %u-byte id", regs[i].name, bytes);
				return;
			}
		}
	}
	/* the buffer was zero, the reset values are not all zero: nothing written */
	expect_reset(vcpu, PSTATE_RESET_EL1, true, true);
}

static void t_core_bad_offset(const struct abi_test *t)
{
	static const struct {
		unsigned int off, bytes;
		int err;
	} cases[] = {
		/* inside a register */
		{ 1, 8, EINVAL },	{ 61, 8, EINVAL },  { 63, 8, EINVAL },	{ 65, 8, EINVAL },
		{ 67, 8, EINVAL },	{ 67, 4, EINVAL },  { 69, 8, EINVAL },	{ 73, 8, EINVAL },
		{ 81, 8, EINVAL },	{ 85, 16, EINVAL }, { 86, 16, EINVAL }, { 87, 16, EINVAL },
		{ 86, 8, EINVAL },	{ 85, 4, EINVAL },  { 210, 16, EINVAL }, { 211, 16, EINVAL },
		/* padding before the V registers, FPSR+FPCR as one, __reserved */
		{ OFF_PAD, 8, EINVAL }, { OFF_PAD, 4, EINVAL }, { OFF_PAD, 16, EINVAL },
		{ 83, 4, EINVAL },	{ 212, 8, EINVAL }, { 213, 8, EINVAL }, { 214, 4, EINVAL },
		/* past struct kvm_regs, or running past it (off + size/4 >= 216) */
		{ 216, 4, ENOENT },	{ 216, 8, ENOENT }, { 217, 8, ENOENT }, { 256, 8, ENOENT },
		{ 0xffff, 8, ENOENT }, { 215, 4, ENOENT }, { 214, 8, ENOENT }, { 213, 16, ENOENT },
		{ 212, 16, ENOENT },	{ 208, 32, ENOENT }, { 160, 256, ENOENT },
	};
	unsigned char buf[256];
	size_t i;
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].err != bad_id_errno(cases[i].off, cases[i].bytes))
			fail("case table: offset %u, %u bytes", cases[i].off, cases[i].bytes);
		if (!expect_errno(core_io(vcpu, false, cases[i].off, cases[i].bytes, buf),
				  cases[i].err) ||
		    !expect_errno(core_io(vcpu, true, cases[i].off, cases[i].bytes, buf),
				  cases[i].err)) {
			diag("  offset %u, %u bytes", cases[i].off, cases[i].bytes);
			return;
		}
		/* checked before the value is copied */
		expect_errno(core_io(vcpu, false, cases[i].off, cases[i].bytes, g_bad_ptr),
			     cases[i].err);
		expect_errno(core_io(vcpu, true, cases[i].off, cases[i].bytes, g_bad_ptr),
			     cases[i].err);
	}
	/* id bits 28-31 (above the coprocessor field) are part of the offset */
	expect_errno(core_io_id(vcpu, false, core_id(8, 0) | (1ULL << 28), buf), ENOENT);
	expect_errno(core_io_id(vcpu, true, core_id(8, 0) | (1ULL << 28), buf), ENOENT);
	expect_reset(vcpu, PSTATE_RESET_EL1, true, true);
}

static void t_core_efault(const struct abi_test *t)
{
	static const unsigned int offs[] = { OFF_X(0), OFF_PSTATE, OFF_SPSR(4), OFF_V(31),
					     OFF_FPCR };
	size_t i, j;
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < ARRAY_SIZE(regs); j++)
			if (regs[j].off == offs[i])
				break;
		expect_errno(core_io(vcpu, false, offs[i], regs[j].bytes, g_bad_ptr), EFAULT);
		expect_errno(core_io(vcpu, true, offs[i], regs[j].bytes, g_bad_ptr), EFAULT);
		expect_errno(core_io(vcpu, false, offs[i], regs[j].bytes, NULL), EFAULT);
		expect_errno(core_io(vcpu, true, offs[i], regs[j].bytes, NULL), EFAULT);
	}
	/* struct kvm_one_reg itself unreadable */
	expect_errno(ioctl(vcpu, KVM_GET_ONE_REG, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_SET_ONE_REG, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_GET_ONE_REG, NULL), EFAULT);
	expect_reset(vcpu, PSTATE_RESET_EL1, true, true);
}

/* Every failed KVM_SET_ONE_REG leaves every core register as it was. */
static void t_core_failed_set(const struct abi_test *t)
{
	unsigned char buf[256];
	__u64 v;
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	write_patterns(vcpu, 0, true);
	memset(buf, 0xee, sizeof(buf));
	/* wrong size, inside a register, padding, past the end */
	expect_errno(core_io(vcpu, true, OFF_X(0), 16, buf), EINVAL);
	expect_errno(core_io(vcpu, true, OFF_X(0), 4, buf), EINVAL);
	expect_errno(core_io(vcpu, true, OFF_V(0), 8, buf), EINVAL);
	expect_errno(core_io(vcpu, true, OFF_FPSR, 8, buf), EINVAL);
	expect_errno(core_io(vcpu, true, OFF_X(0) + 1, 8, buf), EINVAL);
	expect_errno(core_io(vcpu, true, OFF_PAD, 8, buf), EINVAL);
	expect_errno(core_io(vcpu, true, CORE_WORDS, 8, buf), ENOENT);
	expect_errno(core_io(vcpu, true, 212, 16, buf), ENOENT);
	/* PSTATE modes a 64-bit vCPU cannot be in */
	v = PSTATE_DAIF | 0x7;
	expect_errno(set64(vcpu, OFF_PSTATE, v), EINVAL);
	v = PSTATE_DAIF | MODE_SVC;
	expect_errno(set64(vcpu, OFF_PSTATE, v), EINVAL);
	v = PSTATE_DAIF | 0x9; /* EL2h */
	expect_errno(set64(vcpu, OFF_PSTATE, v), EINVAL);
	/* unreadable value */
	expect_errno(core_io(vcpu, true, OFF_X(7), 8, g_bad_ptr), EFAULT);
	expect_errno(core_io(vcpu, true, OFF_PSTATE, 8, g_bad_ptr), EFAULT);
	expect_errno(core_io(vcpu, true, OFF_V(3), 16, g_bad_ptr), EFAULT);
	expect_errno(core_io(vcpu, true, OFF_FPSR, 4, g_bad_ptr), EFAULT);
	expect_patterns(vcpu, 0, true);
}

static void t_core_sve(const struct abi_test *t)
{
	struct regval v = { { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL } };
	__u32 w;
	unsigned int i;
	int vm, vcpu, what = KVM_ARM_VCPU_SVE;

	(void)t;
	build_regs();
	if (check_ext(g_sys, KVM_CAP_ARM_SVE) <= 0) {
		if (g_is_ext)
			fail("KVM_CAP_ARM_SVE is not set with the default parameters");
		else
			skip_test("the host has no SVE");
		return;
	}
	if (!setup(&vm, &vcpu, F(KVM_ARM_VCPU_SVE)))
		return;
	for (i = 0; i < 32; i++) {
		expect_errno(core_io(vcpu, false, OFF_V(i), 16, &v), EINVAL);
		expect_errno(core_io(vcpu, true, OFF_V(i), 16, &v), EINVAL);
	}
	expect_reset(vcpu, PSTATE_RESET_EL1, false, true);
	write_patterns(vcpu, 0, false);
	expect_patterns(vcpu, 0, false);
	/* finalized or not */
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &what), 0);
	expect_errno(core_io(vcpu, false, OFF_V(0), 16, &v), EINVAL);
	expect_errno(core_io(vcpu, true, OFF_V(31), 16, &v), EINVAL);
	w = 0x08000010;
	expect_errno(core_io(vcpu, true, OFF_FPSR, 4, &w), 0);
	w = 0x03c00000;
	expect_errno(core_io(vcpu, true, OFF_FPCR, 4, &w), 0);
	v.w[0] = 0x08000010, v.w[1] = 0;
	expect_core_at(__FILE__, __LINE__, vcpu, "FPSR", OFF_FPSR, 4, &v);
	v.w[0] = 0x03c00000;
	expect_core_at(__FILE__, __LINE__, vcpu, "FPCR", OFF_FPCR, 4, &v);
	expect_errno(set64(vcpu, OFF_X(3), 0x33), 0);
	expect_u64(vcpu, "X3", OFF_X(3), 0x33);
	/* a re-init resets what is visible */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_SVE)), 0);
	expect_reset(vcpu, PSTATE_RESET_EL1, false, false);
}

/* Writes PSTATE = flags | mode for every mode, expecting the modes in `ok` to work. */
static void pstate_modes(int vcpu, __u64 flags, __u32 ok, __u64 home, bool usr_optional)
{
	unsigned int mode;
	__u64 before;

	for (mode = 0; mode < 32; mode++) {
		bool want = ok & (1U << mode);
		int r;

		if (core_io(vcpu, false, OFF_PSTATE, 8, &before)) {
			fail("KVM_GET_ONE_REG(PSTATE) failed: %s", errno_name(errno));
			return;
		}
		r = set64(vcpu, OFF_PSTATE, flags | mode);
		if (mode == MODE_USR && usr_optional && r && errno == EINVAL) {
			diag("  PSTATE USR refused: the host has no AArch32 EL0");
			want = false;
		}
		if (!expect_errno(r, want ? 0 : EINVAL)) {
			diag("  PSTATE mode %#x", mode);
			continue;
		}
		if (want) {
			expect_u64(vcpu, "PSTATE", OFF_PSTATE, flags | mode);
			expect_errno(set64(vcpu, OFF_PSTATE, home), 0);
		} else {
			expect_u64(vcpu, "PSTATE (unchanged)", OFF_PSTATE, before);
		}
	}
}

static void t_core_pstate64(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	/* EL0t, EL1t, EL1h; USR with host AArch32 EL0 (kvm_ext: arm64_el0_32bit=Y) */
	pstate_modes(vcpu, PSTATE_DAIF, 1U << 0 | 1U << 4 | 1U << 5 | 1U << MODE_USR,
		     PSTATE_RESET_EL1, !g_is_ext);
	/* only the mode bits are checked: NZCV etc. are kept as written */
	expect_errno(set64(vcpu, OFF_PSTATE, 0xf0000000ULL | 0x4), 0);
	expect_u64(vcpu, "PSTATE", OFF_PSTATE, 0xf0000004ULL);
	expect_errno(set64(vcpu, OFF_PSTATE, 0xf0000000ULL | 0x7), EINVAL);
	expect_u64(vcpu, "PSTATE", OFF_PSTATE, 0xf0000004ULL);
	/* no narrowing with an AArch64 PSTATE */
	expect_errno(set64(vcpu, OFF_X(20), ONES), 0);
	expect_u64(vcpu, "X20", OFF_X(20), ONES);
	expect_errno(set64(vcpu, OFF_PC, ONES), 0);
	expect_u64(vcpu, "PC", OFF_PC, ONES);
}

/*
 * set_core_reg() accepts USR on a 64-bit vCPU when the host runs AArch32
 * at EL0, and then narrows x0-x14 and PC (not x15-x30, not SP), both the
 * ones already there and the ones written while in USR.
 */
static void t_core_usr_narrows(const struct abi_test *t)
{
	static const unsigned int wide[] = { 0, 5, 14, 15, 20, 30 };
	size_t i;
	int vm, vcpu, r;

	(void)t;
	build_regs();
	if (!setup(&vm, &vcpu, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(wide); i++)
		expect_errno(set64(vcpu, OFF_X(wide[i]), ONES), 0);
	expect_errno(set64(vcpu, OFF_PC, ONES), 0);
	expect_errno(set64(vcpu, OFF_SP, ONES), 0);
	expect_errno(set64(vcpu, OFF_ELR_EL1, ONES), 0);
	r = set64(vcpu, OFF_PSTATE, PSTATE_AIF | MODE_USR);
	if (r && errno == EINVAL && !g_is_ext) {
		skip_test("the host has no AArch32 EL0");
		return;
	}
	if (!expect_errno(r, 0))
		return;
	expect_u64(vcpu, "X0", OFF_X(0), LOW32);
	expect_u64(vcpu, "X5", OFF_X(5), LOW32);
	expect_u64(vcpu, "X14", OFF_X(14), LOW32);
	expect_u64(vcpu, "X15", OFF_X(15), ONES);
	expect_u64(vcpu, "X20", OFF_X(20), ONES);
	expect_u64(vcpu, "X30", OFF_X(30), ONES);
	expect_u64(vcpu, "PC", OFF_PC, LOW32);
	expect_u64(vcpu, "SP", OFF_SP, ONES);
	expect_u64(vcpu, "ELR_EL1", OFF_ELR_EL1, ONES);
	/* writes while in USR */
	expect_errno(set64(vcpu, OFF_X(3), ONES), 0);
	expect_u64(vcpu, "X3", OFF_X(3), LOW32);
	expect_errno(set64(vcpu, OFF_X(16), ONES), 0);
	expect_u64(vcpu, "X16", OFF_X(16), ONES);
	expect_errno(set64(vcpu, OFF_PC, ONES), 0);
	expect_u64(vcpu, "PC", OFF_PC, LOW32);
	/* back to EL1h: no more narrowing */
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_RESET_EL1), 0);
	expect_errno(set64(vcpu, OFF_X(3), ONES), 0);
	expect_u64(vcpu, "X3", OFF_X(3), ONES);
}

/* kvm_ext: arm64_el0_32bit=N is a host without AArch32 EL0; a VM keeps its snapshot. */
PARAM_TEST(t_core_no_el0_32bit)
{
	int vm0, vcpu0, vm, vcpu;

	if (!setup(&vm0, &vcpu0, 0))
		return;
	if (!expect_param_write("arm64_el0_32bit", "N", 0) || !setup(&vm, &vcpu, 0))
		return;
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_DAIF | MODE_USR), EINVAL);
	expect_u64(vcpu, "PSTATE", OFF_PSTATE, PSTATE_RESET_EL1);
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_DAIF | 0x0), 0);
	expect_u64(vcpu, "PSTATE", OFF_PSTATE, PSTATE_DAIF | 0x0);
	/* the VM made before the write still has AArch32 EL0 */
	expect_errno(set64(vcpu0, OFF_PSTATE, PSTATE_DAIF | MODE_USR), 0);
}

/*
 * kvm_ext: an AArch32-EL1 vCPU (arm64_el1_32bit=Y): resets to SVC with
 * A, I, F (0x1d3), accepts the AArch32 modes only, and narrows.
 */
PARAM_TEST(t_core_32bit)
{
	int vm, vcpu;

	build_regs();
	if (!expect_param_write("arm64_el1_32bit", "Y", 0) ||
	    !setup(&vm, &vcpu, F(KVM_ARM_VCPU_EL1_32BIT)))
		return;
	expect_reset(vcpu, PSTATE_RESET_SVC, true, true);
	/* SVC: x0-x30 and PC narrowed, SP and the rest not */
	expect_errno(set64(vcpu, OFF_X(20), ONES), 0);
	expect_u64(vcpu, "X20", OFF_X(20), LOW32);
	expect_errno(set64(vcpu, OFF_X(0), ONES), 0);
	expect_u64(vcpu, "X0", OFF_X(0), LOW32);
	expect_errno(set64(vcpu, OFF_X(30), ONES), 0);
	expect_u64(vcpu, "X30", OFF_X(30), LOW32);
	expect_errno(set64(vcpu, OFF_PC, ONES), 0);
	expect_u64(vcpu, "PC", OFF_PC, LOW32);
	expect_errno(set64(vcpu, OFF_SP, ONES), 0);
	expect_u64(vcpu, "SP", OFF_SP, ONES);
	expect_errno(set64(vcpu, OFF_ELR_EL1, ONES), 0);
	expect_u64(vcpu, "ELR_EL1", OFF_ELR_EL1, ONES);
	/* USR, FIQ, IRQ, SVC, ABT, UND, SYS only: EL1h, EL1t, EL0t, MON, HYP -EINVAL */
	pstate_modes(vcpu, PSTATE_AIF,
		     1U << 0x10 | 1U << 0x11 | 1U << 0x12 | 1U << 0x13 | 1U << 0x17 |
			     1U << 0x1b | 1U << 0x1f,
		     PSTATE_RESET_SVC, false);
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_RESET_EL1), EINVAL);
	expect_u64(vcpu, "PSTATE", OFF_PSTATE, PSTATE_RESET_SVC);
	/* SYS narrows x0-x14 only; going back to SVC narrows x15-x30 */
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_AIF | MODE_SYS), 0);
	expect_errno(set64(vcpu, OFF_X(20), ONES), 0);
	expect_u64(vcpu, "X20", OFF_X(20), ONES);
	expect_errno(set64(vcpu, OFF_X(14), ONES), 0);
	expect_u64(vcpu, "X14", OFF_X(14), LOW32);
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_RESET_SVC), 0);
	expect_u64(vcpu, "X20", OFF_X(20), LOW32);
	/* a failed PSTATE write narrows nothing */
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_AIF | MODE_SYS), 0);
	expect_errno(set64(vcpu, OFF_X(21), ONES), 0);
	expect_errno(set64(vcpu, OFF_PSTATE, PSTATE_AIF | 0x1a), EINVAL);
	expect_u64(vcpu, "X21", OFF_X(21), ONES);
	/* a re-init resets to SVC */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_EL1_32BIT)), 0);
	expect_reset(vcpu, PSTATE_RESET_SVC, true, false);
}

/* ------------------------------------------------------------ table */

#define A M_ARM64
#define E T_EXT
static const struct abi_test arm64_core_regs_tests[] = {
	{ "KVM_GET/SET_ONE_REG(core) before KVM_ARM_VCPU_INIT -ENOEXEC (even past the end)",
	  REF_CORE, t_core_uninit, A, 0, 0, 0 },
	{ "every core register of the spec's table round-trips at its documented size, "
	  "GET writes exactly that size",
	  REF_CORE, t_core_roundtrip, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT: core registers 0, PSTATE 0x3c5 (EL1h, DAIF); a re-init resets "
	  "them",
	  REF_CORE_INIT, t_core_reset, A, 0, 0, 0 },
	{ "core register with any other size -EINVAL (-ENOENT if off + size/4 >= 216), "
	  "nothing written",
	  REF_CORE, t_core_bad_size, A, 0, 0, 0 },
	{ "core offset inside a register, in padding (82) or __reserved -EINVAL; off >= 216 "
	  "or off + size/4 >= 216 -ENOENT; before the address is used",
	  REF_CORE, t_core_bad_offset, A, 0, 0, 0 },
	{ "KVM_GET/SET_ONE_REG(core) with a bad value or struct address -EFAULT", REF_CORE,
	  t_core_efault, A, 0, 0, 0 },
	{ "a failed KVM_SET_ONE_REG(core) (size, offset, PSTATE mode, EFAULT) changes "
	  "nothing",
	  REF_CORE, t_core_failed_set, A, 0, 0, 0 },
	{ "SVE vCPU: V0-V31 -EINVAL (finalized or not), other core registers and FPSR/FPCR "
	  "work",
	  REF_CORE, t_core_sve, A, 0, 0, 0 },
	{ "64-bit vCPU PSTATE: EL0t/EL1t/EL1h and USR (host AArch32 EL0) ok, other AArch32 "
	  "modes and invalid modes -EINVAL",
	  REF_CORE, t_core_pstate64, A, 0, 0, 0 },
	{ "64-bit vCPU PSTATE USR narrows x0-x14 and PC (not x15-x30, SP)", REF_CORE,
	  t_core_usr_narrows, A, 0, 0, 0 },
	{ "PSTATE USR -EINVAL on a host without AArch32 EL0 (arm64_el0_32bit=N)", REF_CORE,
	  t_core_no_el0_32bit, A, E, 0, 0 },
	{ "32-bit vCPU (arm64_el1_32bit=Y): PSTATE 0x1d3 after init, AArch32 modes only, "
	  "x20 = ~0 reads 0xffffffff",
	  REF_CORE_INIT, t_core_32bit, A, E, 0, 0 },
};

TEST_GROUP(arm64_core_regs);
