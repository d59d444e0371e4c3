// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPU configuration: api.rst 4.83 KVM_ARM_PREFERRED_TARGET, 4.82
 * KVM_ARM_VCPU_INIT, 4.119 KVM_ARM_VCPU_FINALIZE, 4.68 KVM_SET_ONE_REG /
 * 4.69 KVM_GET_ONE_REG of the KVM_REG_ARM64_SVE_VLS pseudo-register, 4.10
 * KVM_RUN's gating on them, and 4.4 KVM_CHECK_EXTENSION of the capabilities
 * the features depend on (KVM_CAP_ARM_SVE, KVM_CAP_ARM_PTRAUTH_*,
 * KVM_CAP_ARM_PMU_V3, KVM_CAP_ARM_EL1_32BIT, KVM_CAP_ARM_VM_IPA_SIZE).
 *
 * Ground truth is Linux 6.1 arch/arm64/kvm/arm.c (kvm_vcpu_set_target(),
 * kvm_arch_vcpu_ioctl(), kvm_arch_vcpu_run_pid_change(),
 * kvm_vm_ioctl_check_extension()), reset.c (kvm_reset_vcpu(),
 * kvm_set_vm_width(), kvm_vcpu_enable_ptrauth(), kvm_arm_vcpu_finalize(),
 * kvm_arm_setup_stage2()) and guest.c (get_sve_vls(), set_sve_vls(),
 * kvm_arm_get_reg(), kvm_arm_set_reg()).
 *
 * kvm_ext emulates the host CPU through module parameters
 * (/sys/module/kvm_ext/parameters/arm64_*), snapshotted by each new VM. The
 * tests that write them, or that depend on the emulated host's values (SVE
 * lengths 128, 256 and 512 bits), are kvm_ext-only (T_EXT); every test that
 * writes a parameter puts all of them back to their defaults at its end,
 * whatever happened (PARAM_TEST). The tests that need a host feature skip
 * themselves on a real /dev/kvm whose host lacks it.
 *
 * On ppc and s390 the arm64 ioctls are unknown: KVM_ARM_PREFERRED_TARGET is
 * the VM fd's unknown ioctl (-ENOTTY) and KVM_ARM_VCPU_INIT the vCPU fd's
 * (ppc -EINVAL, s390 -ENOTTY).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_PT "api.rst 4.83 KVM_ARM_PREFERRED_TARGET"
#define REF_INIT "api.rst 4.82 KVM_ARM_VCPU_INIT"
#define REF_CAP "api.rst 4.4 KVM_CHECK_EXTENSION, 4.82 KVM_ARM_VCPU_INIT"
#define REF_IPA "api.rst 4.2 KVM_CREATE_VM, 4.4 KVM_CHECK_EXTENSION (KVM_CAP_ARM_VM_IPA_SIZE)"
#define REF_VLS "api.rst 4.68 KVM_SET_ONE_REG, 4.69 KVM_GET_ONE_REG (KVM_REG_ARM64_SVE_VLS)"
#define REF_REG "api.rst 4.68 KVM_SET_ONE_REG, 4.69 KVM_GET_ONE_REG"
#define REF_FIN "api.rst 4.119 KVM_ARM_VCPU_FINALIZE"
#define REF_RUN "api.rst 4.10 KVM_RUN, 4.82 KVM_ARM_VCPU_INIT, 4.119 KVM_ARM_VCPU_FINALIZE"
#define REF_UNK "api.rst 4.82 KVM_ARM_VCPU_INIT, 4.83 (Architectures: arm64)"

#define F(bit) (1U << (bit))
#define VLS_WORDS KVM_ARM64_SVE_VLS_WORDS
#define VLS_DEFAULT 0xbULL /* arm64_sve_vqs default: 128, 256, 512 bits */

#define expect_param_str(name, want)                                            \
	({                                                                      \
		const char *s__ = param_read(name);                             \
		if (strcmp(s__, want))                                          \
			fail("%s reads '%s' expected '%s'", name, s__, want);   \
	})

/* ------------------------------------------------------------ helpers */

static int preferred_target(int vm, struct kvm_vcpu_init *init)
{
	memset(init, 0xa5, sizeof(*init));
	return ioctl(vm, KVM_ARM_PREFERRED_TARGET, init);
}

static int vcpu_init3(int vcpu, __u32 target, __u32 f0, __u32 f3)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	init.target = target;
	init.features[0] = f0;
	init.features[3] = f3;
	return ioctl(vcpu, KVM_ARM_VCPU_INIT, &init);
}

static int finalize(int vcpu, int what)
{
	return ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &what);
}

static int get_vls(int vcpu, __u64 *vls)
{
	memset(vls, 0xa5, VLS_WORDS * 8);
	return one_reg(vcpu, false, KVM_REG_ARM64_SVE_VLS, vls);
}

static int set_vls0(int vcpu, __u64 word0)
{
	__u64 vls[VLS_WORDS] = { word0 };

	return one_reg(vcpu, true, KVM_REG_ARM64_SVE_VLS, vls);
}

/* KVM_GET_ONE_REG(VLS) succeeds and reads word0 `want`, the other words 0. */
static bool expect_vls_at(const char *file, int line, int vcpu, __u64 want)
{
	__u64 vls[VLS_WORDS];
	size_t i;
	int r = get_vls(vcpu, vls), err = errno;
	bool ok;

	if (!expect_errno_at(file, line, "get_vls(vcpu)", r, err, 0))
		return false;
	ok = expect_eq_at(file, line, "VLS word 0", vls[0], want);
	for (i = 1; i < VLS_WORDS; i++)
		ok &= expect_eq_at(file, line, "VLS word 1..7", vls[i], 0);
	return ok;
}
#define expect_vls(vcpu, want) expect_vls_at(__FILE__, __LINE__, vcpu, want)

static bool host_has(long cap, const char *what)
{
	long r = check_ext(g_sys, cap);

	if (r > 0)
		return true;
	if (g_is_ext)
		fail("KVM_CHECK_EXTENSION(%s) is %ld with the default parameters", what, r);
	else
		skip_test("the host has no %s", what);
	return false;
}

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

/* ------------------------------------------------------------ ppc, s390 */

static void t_unknown(const struct abi_test *t)
{
	struct kvm_vcpu_init init;
	int vm = new_vm(0), vcpu;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	expect_errno(preferred_target(vm, &init), P->unknown_vm_ioctl_errno);
	if (vcpu < 0)
		return;
	expect_errno(vcpu_init3(vcpu, KVM_ARM_TARGET_GENERIC_V8, 0, 0),
		     P->unknown_vcpu_ioctl_errno);
	desc_append(" (VM fd -%s, vCPU fd -%s)", errno_name(P->unknown_vm_ioctl_errno),
		    errno_name(P->unknown_vcpu_ioctl_errno));
}

/* ------------------------------------------------------------ KVM_ARM_PREFERRED_TARGET */

static void t_preferred_target(const struct abi_test *t)
{
	struct kvm_vcpu_init init;
	int vm = new_vm(0);
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	if (!expect_errno(preferred_target(vm, &init), 0))
		return;
	if (g_is_ext)
		expect_eq(init.target, KVM_ARM_TARGET_GENERIC_V8);
	else
		diag("  preferred target %u", init.target);
	for (i = 0; i < ARRAY_SIZE(init.features); i++)
		expect_eq(init.features[i], 0);
	expect_errno(ioctl(vm, KVM_ARM_PREFERRED_TARGET, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vm, KVM_ARM_PREFERRED_TARGET, NULL), EFAULT);
}

/* ------------------------------------------------------------ capabilities */

static void t_caps_default(const struct abi_test *t)
{
	static const struct {
		long cap;
		const char *name;
		long want;
	} caps[] = {
		{ KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE", 1 },
		{ KVM_CAP_ARM_PTRAUTH_ADDRESS, "KVM_CAP_ARM_PTRAUTH_ADDRESS", 1 },
		{ KVM_CAP_ARM_PTRAUTH_GENERIC, "KVM_CAP_ARM_PTRAUTH_GENERIC", 1 },
		{ KVM_CAP_ARM_PMU_V3, "KVM_CAP_ARM_PMU_V3", 1 },
		{ KVM_CAP_ARM_EL1_32BIT, "KVM_CAP_ARM_EL1_32BIT", 0 },
		{ KVM_CAP_ARM_VM_IPA_SIZE, "KVM_CAP_ARM_VM_IPA_SIZE", 48 },
		/* the registers (ONE_REG, GET_REG_LIST) and PVTIME are complete */
		{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG", 1 },
		{ KVM_CAP_VCPU_ATTRIBUTES, "KVM_CAP_VCPU_ATTRIBUTES", 1 },
		{ KVM_CAP_STEAL_TIME, "KVM_CAP_STEAL_TIME", 1 },
	};
	int vm = new_vm(0);
	size_t i;

	(void)t;
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		long s = check_ext(g_sys, caps[i].cap), v = vm >= 0 ? check_ext(vm, caps[i].cap) : s;

		if (s != caps[i].want || v != caps[i].want)
			fail("%s: system fd %ld, VM fd %ld, expected %ld", caps[i].name, s, v,
			     caps[i].want);
	}
}

/*
 * One capability against its parameter: the system fd and a new VM follow
 * the parameter, a VM made before keeps its snapshot.
 */
static void cap_follows(const char *param, const char *def, const char *other, long cap,
			long cap2, long want_def, long want_other)
{
	int old, vm;

	old = new_vm(0);
	if (!expect_param_write(param, other, 0))
		return;
	expect_eq(check_ext(g_sys, cap), want_other);
	vm = new_vm(0);
	if (vm >= 0)
		expect_eq(check_ext(vm, cap), want_other);
	if (old >= 0)
		expect_eq(check_ext(old, cap), want_def);
	if (cap2) {
		expect_eq(check_ext(g_sys, cap2), want_other);
		if (vm >= 0)
			expect_eq(check_ext(vm, cap2), want_other);
		if (old >= 0)
			expect_eq(check_ext(old, cap2), want_def);
	}
	expect_param_write(param, def, 0);
	expect_eq(check_ext(g_sys, cap), want_def);
	if (vm >= 0)
		expect_eq(check_ext(vm, cap), want_other);
	xclose(vm);
	xclose(old);
}

PARAM_TEST(t_caps_follow_params)
{
	cap_follows("arm64_sve", "Y", "N", KVM_CAP_ARM_SVE, 0, 1, 0);
	/* system_has_full_ptr_auth() answers both */
	cap_follows("arm64_ptrauth_address", "Y", "N", KVM_CAP_ARM_PTRAUTH_ADDRESS,
		    KVM_CAP_ARM_PTRAUTH_GENERIC, 1, 0);
	cap_follows("arm64_ptrauth_generic", "Y", "N", KVM_CAP_ARM_PTRAUTH_GENERIC,
		    KVM_CAP_ARM_PTRAUTH_ADDRESS, 1, 0);
	cap_follows("arm64_pmuv3", "Y", "N", KVM_CAP_ARM_PMU_V3, 0, 1, 0);
	cap_follows("arm64_el1_32bit", "N", "Y", KVM_CAP_ARM_EL1_32BIT, 0, 0, 1);
	/* arm64_sve_vqs does not change KVM_CAP_ARM_SVE */
	expect_param_write("arm64_sve_vqs", "0x1", 0);
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_SVE), 1);
}

PARAM_TEST(t_ipa_follows_param)
{
	int old = new_vm(KVM_VM_TYPE_ARM_IPA_SIZE(48)), vm;

	if (!expect_param_write("arm64_ipa_bits", "40", 0))
		return;
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_VM_IPA_SIZE), 40);
	vm = new_vm(0);
	if (vm >= 0)
		expect_eq(check_ext(vm, KVM_CAP_ARM_VM_IPA_SIZE), 40);
	if (old >= 0)
		expect_eq(check_ext(old, KVM_CAP_ARM_VM_IPA_SIZE), 48);
	/* kvm_arm_setup_stage2(): 32 <= IPA <= the limit; 0 is 40 bits */
	expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(41))), EINVAL);
	expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(48))), EINVAL);
	expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(40))), 0);
	expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(32))), 0);
	expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(31))), EINVAL);
	/* below the 40-bit default, type 0 is refused */
	if (expect_param_write("arm64_ipa_bits", "36", 0)) {
		expect_eq(check_ext(g_sys, KVM_CAP_ARM_VM_IPA_SIZE), 36);
		expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, 0)), EINVAL);
		expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(37))),
			     EINVAL);
		expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(36))),
			     0);
	}
	if (expect_param_write("arm64_ipa_bits", "52", 0)) {
		expect_eq(check_ext(g_sys, KVM_CAP_ARM_VM_IPA_SIZE), 52);
		expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(52))),
			     0);
		expect_errno(track_fd(ioctl(g_sys, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(53))),
			     EINVAL);
	}
}

PARAM_TEST(t_param_impossible)
{
	expect_param_write("arm64_ipa_bits", "20", EINVAL);
	expect_param_str("arm64_ipa_bits", "48");
	expect_param_write("arm64_ipa_bits", "53", EINVAL);
	expect_param_str("arm64_ipa_bits", "48");
	expect_param_write("arm64_ipa_bits", "forty", EINVAL);
	expect_param_str("arm64_ipa_bits", "48");
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_VM_IPA_SIZE), 48);

	expect_param_write("arm64_sve_vqs", "0", EINVAL); /* while arm64_sve=Y */
	expect_param_str("arm64_sve_vqs", "11");
	expect_param_write("arm64_sve_vqs", "0x10000", EINVAL); /* VL 2176: not SVE */
	expect_param_str("arm64_sve_vqs", "11");
	expect_param_str("arm64_sve", "Y");
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_SVE), 1);

	expect_param_write("arm64_pmuv3", "maybe", EINVAL);
	expect_param_str("arm64_pmuv3", "Y");
	expect_eq(param_num("arm64_sve_vqs"), 0xb);
}

/* ------------------------------------------------------------ KVM_ARM_VCPU_INIT */

static void t_init_target(const struct abi_test *t)
{
	int vm, vcpu;
	__u32 tgt;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	tgt = target_of(vm);
	expect_errno(vcpu_init3(vcpu, tgt == 5 ? 0 : 5, 0, 0), EINVAL);
	expect_errno(vcpu_init3(vcpu, 1000, 0, 0), EINVAL);
	expect_errno(vcpu_init3(vcpu, ~0U, 0, 0), EINVAL);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(vcpu_init3(vcpu, tgt, 0, 0), 0);
	/* and after INIT: the same target only */
	expect_errno(vcpu_init3(vcpu, 1000, 0, 0), EINVAL);
	expect_errno(vcpu_init3(vcpu, tgt, 0, 0), 0);
}

static void t_init_unknown_feature(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(vcpu_init(vm, vcpu, F(7)), ENOENT);
	expect_errno(vcpu_init(vm, vcpu, F(31)), ENOENT);
	expect_errno(vcpu_init3(vcpu, target_of(vm), 0, 1), ENOENT);
	expect_errno(vcpu_init3(vcpu, target_of(vm), 0, 0x80000000U), ENOENT);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	/* an initialised vCPU too: the unknown bit is found first */
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(vcpu_init(vm, vcpu, F(7)), ENOENT);
	expect_errno(vcpu_init3(vcpu, target_of(vm), 0, 1), ENOENT);
	/* bits are checked in order: a changed known bit below it is -EINVAL first */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PSCI_0_2) | F(7)), EINVAL);
	expect_errno(vcpu_init3(vcpu, target_of(vm), F(KVM_ARM_VCPU_PSCI_0_2), 1), EINVAL);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
}

static void t_init_reinit(const struct abi_test *t)
{
	int vm, vcpu, vcpu2;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	vcpu2 = new_vcpu(vm, 1);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PSCI_0_2)), EINVAL);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_POWER_OFF)), EINVAL);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	if (vcpu2 < 0)
		return;
	expect_errno(vcpu_init(vm, vcpu2, F(KVM_ARM_VCPU_PSCI_0_2) | F(KVM_ARM_VCPU_POWER_OFF)),
		     0);
	expect_errno(vcpu_init(vm, vcpu2, F(KVM_ARM_VCPU_PSCI_0_2) | F(KVM_ARM_VCPU_POWER_OFF)),
		     0);
	expect_errno(vcpu_init(vm, vcpu2, F(KVM_ARM_VCPU_PSCI_0_2)), EINVAL);
	expect_errno(vcpu_init(vm, vcpu2, 0), EINVAL);
	expect_errno(vcpu_init(vm, vcpu2, F(KVM_ARM_VCPU_PSCI_0_2) | F(KVM_ARM_VCPU_POWER_OFF)),
		     0);
}

static void t_init_ptrauth(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	/* kvm_vcpu_enable_ptrauth(): both or neither */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PTRAUTH_ADDRESS)), EINVAL);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PTRAUTH_GENERIC)), EINVAL);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	if (!host_has(KVM_CAP_ARM_PTRAUTH_ADDRESS, "KVM_CAP_ARM_PTRAUTH_ADDRESS"))
		return;
	expect_errno(vcpu_init(vm, vcpu,
			       F(KVM_ARM_VCPU_PTRAUTH_ADDRESS) | F(KVM_ARM_VCPU_PTRAUTH_GENERIC)),
		     0);
	expect_errno(vcpu_init(vm, vcpu,
			       F(KVM_ARM_VCPU_PTRAUTH_ADDRESS) | F(KVM_ARM_VCPU_PTRAUTH_GENERIC)),
		     0);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PTRAUTH_ADDRESS)), EINVAL);
}

static void t_init_features_ok(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!host_has(t->b, "the capability"))
		return;
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(vcpu_init(vm, vcpu, (__u32)t->a), 0);
	expect_errno(vcpu_init(vm, vcpu, (__u32)t->a), 0);
	expect_errno(vcpu_init(vm, vcpu, 0), EINVAL);
}

static void t_init_efault(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_INIT, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_INIT, NULL), EFAULT);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_INIT, g_bad_ptr), EFAULT);
}

/*
 * "The host lacks it": a VM made after the parameter write refuses the
 * feature; a VM made before keeps its snapshot and accepts it.
 */
static void init_host_lacks(const char *param, __u32 features)
{
	int old, vm, vcpu, ovcpu;

	old = new_vm(0);
	ovcpu = old >= 0 ? new_vcpu(old, 0) : -1;
	if (!expect_param_write(param, "N", 0))
		return;
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(vcpu_init(vm, vcpu, features), EINVAL);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	if (ovcpu >= 0)
		expect_errno(vcpu_init(old, ovcpu, features), 0);
}

PARAM_TEST(t_init_no_sve)
{
	init_host_lacks("arm64_sve", F(KVM_ARM_VCPU_SVE));
}

PARAM_TEST(t_init_no_pmu)
{
	init_host_lacks("arm64_pmuv3", F(KVM_ARM_VCPU_PMU_V3));
}

PARAM_TEST(t_init_no_ptrauth)
{
	const __u32 both = F(KVM_ARM_VCPU_PTRAUTH_ADDRESS) | F(KVM_ARM_VCPU_PTRAUTH_GENERIC);

	init_host_lacks("arm64_ptrauth_address", both);
	restore_params();
	init_host_lacks("arm64_ptrauth_generic", both);
}

/* The default emulated host has no AArch32 EL1 (KVM_CAP_ARM_EL1_32BIT 0). */
static void t_init_no_el1_32bit(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (check_ext(g_sys, KVM_CAP_ARM_EL1_32BIT) > 0) {
		skip_test("the host has AArch32 EL1");
		return;
	}
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_EL1_32BIT)), EINVAL);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
}

/* kvm_set_vm_width(): every vCPU of a VM has the width of the first one initialised. */
PARAM_TEST(t_init_vm_width)
{
	int vm, a, b, c;

	if (!expect_param_write("arm64_el1_32bit", "Y", 0))
		return;
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_EL1_32BIT), 1);
	vm = new_vm(0);
	a = vm >= 0 ? new_vcpu(vm, 0) : -1;
	b = vm >= 0 ? new_vcpu(vm, 1) : -1;
	if (a >= 0 && b >= 0) {
		expect_errno(vcpu_init(vm, a, F(KVM_ARM_VCPU_EL1_32BIT)), 0);
		expect_errno(vcpu_init(vm, b, 0), EINVAL);
		expect_errno(ioctl(b, KVM_RUN, 0), ENOEXEC);
		expect_errno(vcpu_init(vm, b, F(KVM_ARM_VCPU_EL1_32BIT)), 0);
	}
	vm = new_vm(0);
	a = vm >= 0 ? new_vcpu(vm, 0) : -1;
	b = vm >= 0 ? new_vcpu(vm, 1) : -1;
	c = vm >= 0 ? new_vcpu(vm, 2) : -1;
	if (a >= 0 && b >= 0 && c >= 0) {
		expect_errno(vcpu_init(vm, a, 0), 0);
		expect_errno(vcpu_init(vm, b, F(KVM_ARM_VCPU_EL1_32BIT)), EINVAL);
		expect_errno(vcpu_init(vm, b, 0), 0);
		expect_errno(vcpu_init(vm, c, F(KVM_ARM_VCPU_EL1_32BIT)), EINVAL);
	}
}

/*
 * kvm_ext-specific: a refused KVM_ARM_VCPU_INIT changes nothing. Linux 6.1
 * kvm_vcpu_set_target() set_bit()s the features it has checked before an
 * unknown bit's -ENOENT (a later INIT keeps them: SVE stays enabled), and
 * kvm_reset_vcpu() fixes the VM's width (kvm_set_vm_width()) before the
 * PMU check's -EINVAL.
 */
PARAM_TEST(t_init_refused_changes_nothing)
{
	int vm, vcpu, vcpu2;
	__u64 vls[VLS_WORDS];

	if (!setup(&vm, &vcpu, -1))
		return;
	/* (the -EINVAL first: Linux's kvm_reset_vcpu() failure clears the bits) */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_SVE) | F(KVM_ARM_VCPU_PTRAUTH_ADDRESS)),
		     EINVAL);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_SVE) | F(7)), ENOENT);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	expect_errno(get_vls(vcpu, vls), ENOEXEC);
	expect_errno(vcpu_init3(vcpu, target_of(vm), F(KVM_ARM_VCPU_SVE), 1), ENOENT);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), ENOEXEC);
	/* other features: no SVE left over */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PSCI_0_2)), 0);
	expect_errno(get_vls(vcpu, vls), ENOENT);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), EINVAL);
	expect_errno(run_nonblocking(vcpu, map_run(vcpu)), EINTR);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_PSCI_0_2)), 0);

	/* a refused 32-bit INIT does not fix the VM's width */
	if (!expect_param_write("arm64_el1_32bit", "Y", 0) ||
	    !expect_param_write("arm64_pmuv3", "N", 0))
		return;
	vm = new_vm(0);
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	vcpu2 = vm >= 0 ? new_vcpu(vm, 1) : -1;
	if (vcpu < 0 || vcpu2 < 0)
		return;
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_EL1_32BIT) | F(KVM_ARM_VCPU_PMU_V3)),
		     EINVAL);
	expect_errno(vcpu_init(vm, vcpu2, 0), 0);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_EL1_32BIT)), EINVAL);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
}

/* ------------------------------------------------------------ KVM_REG_ARM64_SVE_VLS */

static void t_vls_uninit(const struct abi_test *t)
{
	__u64 vls[VLS_WORDS];
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(get_vls(vcpu, vls), ENOEXEC);
	expect_errno(set_vls0(vcpu, 1), ENOEXEC);
	/* before the struct is read */
	expect_errno(ioctl(vcpu, KVM_GET_ONE_REG, g_bad_ptr), ENOEXEC);
	expect_errno(ioctl(vcpu, KVM_SET_ONE_REG, g_bad_ptr), ENOEXEC);
	expect_errno(one_reg(vcpu, false, 0x4000000000000000ULL, vls), ENOEXEC);
}

static void t_vls_no_sve(const struct abi_test *t)
{
	__u64 vls[VLS_WORDS];
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0))
		return;
	expect_errno(get_vls(vcpu, vls), ENOENT);
	expect_errno(set_vls0(vcpu, 1), ENOENT);
	expect_errno(one_reg(vcpu, false, KVM_REG_ARM64_SVE_VLS, g_bad_ptr), ENOENT);
}

/* The lowest and highest set bit of a VLS word 0 (vq - 1). */
static int lowest(__u64 w)
{
	return w ? __builtin_ctzll(w) : -1;
}

static int highest(__u64 w)
{
	return w ? 63 - __builtin_clzll(w) : -1;
}

static void t_vls_rules(const struct abi_test *t)
{
	__u64 vls[VLS_WORDS], host, w;
	int vm, vcpu, hi, i;

	(void)t;
	if (!host_has(KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE"))
		return;
	if (!setup(&vm, &vcpu, F(KVM_ARM_VCPU_SVE)))
		return;
	if (!expect_errno(get_vls(vcpu, vls), 0))
		return;
	host = vls[0];
	if (g_is_ext)
		expect_vls(vcpu, VLS_DEFAULT);
	diag("  host VLS word 0 %#llx", (unsigned long long)host);
	hi = highest(host);
	if (hi < 0) {
		fail("the VLS read has no vector length");
		return;
	}
	/* nothing */
	expect_errno(set_vls0(vcpu, 0), EINVAL);
	/* a maximum above the host's */
	if (hi < 63) {
		expect_errno(set_vls0(vcpu, host | (1ULL << (hi + 1))), EINVAL);
		expect_errno(set_vls0(vcpu, 1ULL << (hi + 1)), EINVAL);
	}
	memset(vls, 0, sizeof(vls));
	vls[0] = host;
	vls[7] = 1ULL << 63; /* vq 512 */
	expect_errno(one_reg(vcpu, true, KVM_REG_ARM64_SVE_VLS, vls), EINVAL);
	/* a set that differs from the host's below its maximum */
	for (i = 0; i < hi; i++) {
		w = host ^ (1ULL << i);
		expect_errno(set_vls0(vcpu, w), EINVAL);
	}
	if (g_is_ext) {
		expect_errno(set_vls0(vcpu, 0x5), EINVAL); /* 128 + 512 without 256 */
		expect_errno(set_vls0(vcpu, 0x7), EINVAL); /* 384: not the host's */
		expect_errno(set_vls0(vcpu, 0x8), EINVAL); /* 512 alone */
		expect_errno(set_vls0(vcpu, 0x2), EINVAL); /* 256 alone */
	}
	/* failures changed nothing */
	expect_vls(vcpu, host);
	/* a prefix of the host's set */
	w = host & ~(1ULL << hi);
	if (w) {
		expect_errno(set_vls0(vcpu, w), 0);
		expect_vls(vcpu, w);
		/* back up to the host's maximum while not finalized */
		expect_errno(set_vls0(vcpu, host), 0);
		expect_vls(vcpu, host);
		expect_errno(set_vls0(vcpu, w), 0);
	}
	w = 1ULL << lowest(host);
	expect_errno(set_vls0(vcpu, w), 0);
	expect_vls(vcpu, w);
	expect_errno(set_vls0(vcpu, host), 0);
	expect_vls(vcpu, host);
	if (g_is_ext) {
		expect_errno(set_vls0(vcpu, 0x3), 0);
		expect_vls(vcpu, 0x3);
	}
	/* a re-init before FINALIZE resets it to the host's set (kvm_vcpu_enable_sve()) */
	expect_errno(set_vls0(vcpu, 1ULL << lowest(host)), 0);
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_SVE)), 0);
	expect_vls(vcpu, host);
}

static void t_vls_finalized(const struct abi_test *t)
{
	__u64 vls[VLS_WORDS], host;
	int vm, vcpu;

	(void)t;
	if (!host_has(KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE"))
		return;
	if (!setup(&vm, &vcpu, F(KVM_ARM_VCPU_SVE)))
		return;
	if (!expect_errno(get_vls(vcpu, vls), 0))
		return;
	host = vls[0];
	if (lowest(host) != highest(host)) {
		host &= ~(1ULL << highest(host));
		expect_errno(set_vls0(vcpu, host), 0);
	}
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), 0);
	expect_errno(set_vls0(vcpu, host), EPERM);
	expect_errno(set_vls0(vcpu, 0), EPERM);
	/* -EPERM before the value is read */
	expect_errno(one_reg(vcpu, true, KVM_REG_ARM64_SVE_VLS, g_bad_ptr), EPERM);
	expect_vls(vcpu, host);
	expect_errno(one_reg(vcpu, false, KVM_REG_ARM64_SVE_VLS, g_bad_ptr), EFAULT);
	/* a re-init keeps the finalized configuration */
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_SVE)), 0);
	expect_vls(vcpu, host);
	expect_errno(set_vls0(vcpu, host), EPERM);
}

static void t_vls_efault(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!host_has(KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE"))
		return;
	if (!setup(&vm, &vcpu, F(KVM_ARM_VCPU_SVE)))
		return;
	expect_errno(ioctl(vcpu, KVM_GET_ONE_REG, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_SET_ONE_REG, g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, false, KVM_REG_ARM64_SVE_VLS, g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, true, KVM_REG_ARM64_SVE_VLS, g_bad_ptr), EFAULT);
	expect_errno(one_reg(vcpu, false, KVM_REG_ARM64_SVE_VLS, NULL), EFAULT);
}

/* VLS under other emulated hosts (arm64_sve_vqs). */
static void vls_host(const char *vqs, __u64 want, __u64 prefix, __u64 bad)
{
	int vm, vcpu;

	if (!expect_param_write("arm64_sve_vqs", vqs, 0))
		return;
	if (!setup(&vm, &vcpu, F(KVM_ARM_VCPU_SVE)))
		return;
	expect_vls(vcpu, want);
	expect_errno(set_vls0(vcpu, bad), EINVAL);
	expect_vls(vcpu, want);
	expect_errno(set_vls0(vcpu, prefix), 0);
	expect_vls(vcpu, prefix);
	expect_errno(set_vls0(vcpu, want), 0);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), 0);
	expect_vls(vcpu, want);
	expect_errno(run_nonblocking(vcpu, map_run(vcpu)), EINTR);
}

PARAM_TEST(t_vls_params)
{
	/* up to 2048 bits; a prefix; vq 17 is above the host's maximum */
	vls_host("0xffff", 0xffff, 0xff, 0x1ffff);
	/* 128, 256, 512, 768: holes at 384 and 640 */
	vls_host("0x2b", 0x2b, 0xb, 0x7);
	vls_host("0x2b", 0x2b, 0x3, 0x1b);
	/* one length only */
	vls_host("0x1", 0x1, 0x1, 0x3);
}

static void t_one_reg_ids(const struct abi_test *t)
{
	__u64 buf[VLS_WORDS] = { 0 };
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0))
		return;
	/* kvm_arm_{get,set}_reg(): not in the arm64 space */
	expect_errno(one_reg(vcpu, false, 0x4000000000000000ULL, buf), EINVAL);
	expect_errno(one_reg(vcpu, true, 0x4000000000000000ULL, buf), EINVAL);
	expect_errno(one_reg(vcpu, false, 0x0030000000000000ULL, buf), EINVAL);
	expect_errno(one_reg(vcpu, false, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (1ULL << 32), buf),
		     EINVAL);
	/* an arm64 id of no register: a coprocessor group KVM does not have */
	expect_errno(one_reg(vcpu, false, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0xffULL << 16), buf),
		     ENOENT);
	expect_errno(one_reg(vcpu, true, KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0xffULL << 16), buf),
		     ENOENT);
}

/* ------------------------------------------------------------ KVM_ARM_VCPU_FINALIZE */

static void t_finalize_uninit(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), ENOEXEC);
	expect_errno(finalize(vcpu, 0), ENOEXEC);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, g_bad_ptr), ENOEXEC);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, NULL), ENOEXEC);
}

static void t_finalize_no_sve(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0))
		return;
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), EINVAL);
	expect_errno(finalize(vcpu, 0), EINVAL);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_PTRAUTH_ADDRESS), EINVAL);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, NULL), EFAULT);
}

static void t_finalize_sve(const struct abi_test *t)
{
	int vm, vcpu;

	(void)t;
	if (!host_has(KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE"))
		return;
	if (!setup(&vm, &vcpu, F(KVM_ARM_VCPU_SVE)))
		return;
	expect_errno(finalize(vcpu, 0), EINVAL);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_PMU_V3), EINVAL);
	expect_errno(finalize(vcpu, 5), EINVAL);
	expect_errno(finalize(vcpu, -1), EINVAL);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, g_bad_ptr), EFAULT);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), 0);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), EPERM);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), EPERM);
	expect_errno(finalize(vcpu, 0), EINVAL);
	expect_errno(ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, g_bad_ptr), EFAULT);
}

/* ------------------------------------------------------------ KVM_RUN */

static void t_run_gating(const struct abi_test *t)
{
	struct kvm_run *run;
	int vm, vcpu, vcpu2;

	(void)t;
	if (!setup(&vm, &vcpu, -1))
		return;
	run = map_run(vcpu);
	expect_errno(run_nonblocking(vcpu, run), ENOEXEC);
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(run_nonblocking(vcpu, run), EINTR);
	expect_errno(run_nonblocking(vcpu, run), EINTR);
	/* re-init of a vCPU that has run */
	expect_errno(vcpu_init(vm, vcpu, 0), 0);
	expect_errno(run_nonblocking(vcpu, run), EINTR);

	if (check_ext(g_sys, KVM_CAP_ARM_SVE) <= 0) {
		diag("  no KVM_CAP_ARM_SVE: the SVE part is left out");
		return;
	}
	vcpu2 = new_vcpu(vm, 1);
	run = map_run(vcpu2);
	if (!run)
		return;
	expect_errno(vcpu_init(vm, vcpu2, F(KVM_ARM_VCPU_SVE)), 0);
	/* kvm_arch_vcpu_run_pid_change(): before immediate_exit is looked at */
	expect_errno(run_nonblocking(vcpu2, run), EPERM);
	expect_errno(ioctl(vcpu2, KVM_RUN, 0), EPERM);
	expect_errno(finalize(vcpu2, KVM_ARM_VCPU_SVE), 0);
	expect_errno(run_nonblocking(vcpu2, run), EINTR);
	expect_errno(vcpu_init(vm, vcpu2, F(KVM_ARM_VCPU_SVE)), 0);
	expect_errno(run_nonblocking(vcpu2, run), EINTR);
}

static void t_run_blocks(const struct abi_test *t)
{
	struct kvm_run *run;
	int vm, vcpu;

	(void)t;
	if (!setup(&vm, &vcpu, 0))
		return;
	run = map_run(vcpu);
	if (!run)
		return;
	expect_run_until_signal(vcpu, run);
	expect_errno(run_nonblocking(vcpu, run), EINTR);

	vcpu = new_vcpu(vm, 1);
	run = map_run(vcpu);
	if (!run)
		return;
	expect_errno(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_SVE)), 0);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), EPERM);
	expect_errno(finalize(vcpu, KVM_ARM_VCPU_SVE), 0);
	expect_run_until_signal(vcpu, run);
	expect_errno(run_nonblocking(vcpu, run), EINTR);
}

/* ------------------------------------------------------------ table */

#define A M_ARM64
#define E T_EXT
static const struct abi_test arm64_vcpu_tests[] = {
	{ "arm64 vCPU ioctls are unknown: VM fd KVM_ARM_PREFERRED_TARGET, vCPU fd "
	  "KVM_ARM_VCPU_INIT",
	  REF_UNK, t_unknown, M_PPC | M_S390, 0, 0, 0 },
	{ "KVM_ARM_PREFERRED_TARGET: KVM_ARM_TARGET_GENERIC_V8 (5), no features; bad pointer "
	  "-EFAULT",
	  REF_PT, t_preferred_target, A, 0, 0, 0 },
	{ "KVM_CHECK_EXTENSION: ARM_SVE, PTRAUTH_ADDRESS/GENERIC, PMU_V3 1, EL1_32BIT 0, "
	  "VM_IPA_SIZE 48 (emulated host defaults)",
	  REF_CAP, t_caps_default, A, E, 0, 0 },
	{ "KVM_CHECK_EXTENSION(ARM_SVE/PTRAUTH_*/PMU_V3/EL1_32BIT) follow the arm64_* parameters; "
	  "an existing VM keeps its snapshot",
	  REF_CAP, t_caps_follow_params, A, E, 0, 0 },
	{ "KVM_CAP_ARM_VM_IPA_SIZE and KVM_CREATE_VM's IPA size check follow arm64_ipa_bits",
	  REF_IPA, t_ipa_follows_param, A, E, 0, 0 },
	{ "an impossible arm64_* parameter write fails with EINVAL and changes nothing",
	  REF_CAP, t_param_impossible, A, E, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with a target other than the preferred one -EINVAL", REF_INIT,
	  t_init_target, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with an unknown feature bit (7, 31, features[3]) -ENOENT, in bit "
	  "order",
	  REF_INIT, t_init_unknown_feature, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT again: same features ok, other features -EINVAL", REF_INIT,
	  t_init_reinit, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT PTRAUTH_ADDRESS or _GENERIC alone -EINVAL, both ok", REF_INIT,
	  t_init_ptrauth, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with KVM_ARM_VCPU_SVE ok", REF_INIT, t_init_features_ok, A, 0,
	  F(KVM_ARM_VCPU_SVE), KVM_CAP_ARM_SVE },
	{ "KVM_ARM_VCPU_INIT with KVM_ARM_VCPU_PMU_V3 ok", REF_INIT, t_init_features_ok, A, 0,
	  F(KVM_ARM_VCPU_PMU_V3), KVM_CAP_ARM_PMU_V3 },
	{ "KVM_ARM_VCPU_INIT with SVE, PMU_V3, PSCI_0_2 and both PTRAUTH ok", REF_INIT,
	  t_init_features_ok, A, 0,
	  F(KVM_ARM_VCPU_SVE) | F(KVM_ARM_VCPU_PMU_V3) | F(KVM_ARM_VCPU_PSCI_0_2) |
		  F(KVM_ARM_VCPU_PTRAUTH_ADDRESS) | F(KVM_ARM_VCPU_PTRAUTH_GENERIC),
	  KVM_CAP_ARM_SVE },
	{ "KVM_ARM_VCPU_INIT with a bad pointer -EFAULT", REF_INIT, t_init_efault, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with SVE on a host without it (arm64_sve=N) -EINVAL", REF_INIT,
	  t_init_no_sve, A, E, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with PMU_V3 on a host without it (arm64_pmuv3=N) -EINVAL", REF_INIT,
	  t_init_no_pmu, A, E, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with PTRAUTH on a host without full ptrauth -EINVAL", REF_INIT,
	  t_init_no_ptrauth, A, E, 0, 0 },
	{ "KVM_ARM_VCPU_INIT with EL1_32BIT on a host without AArch32 EL1 -EINVAL", REF_INIT,
	  t_init_no_el1_32bit, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT: 32-bit and 64-bit vCPUs in one VM -EINVAL (kvm_set_vm_width)",
	  REF_INIT, t_init_vm_width, A, E, 0, 0 },
	{ "kvm_ext: a refused KVM_ARM_VCPU_INIT changes nothing (no leftover feature bits or "
	  "VM width)",
	  REF_INIT, t_init_refused_changes_nothing, A, E, 0, 0 },
	{ "KVM_GET/SET_ONE_REG(SVE_VLS) before KVM_ARM_VCPU_INIT -ENOEXEC (before reading the "
	  "struct)",
	  REF_VLS, t_vls_uninit, A, 0, 0, 0 },
	{ "KVM_GET/SET_ONE_REG(SVE_VLS) of a vCPU without SVE -ENOENT", REF_VLS, t_vls_no_sve, A,
	  0, 0, 0 },
	{ "KVM_SET_ONE_REG(SVE_VLS): empty, above the host's max, or with a hole -EINVAL; a "
	  "prefix ok; a re-init resets it",
	  REF_VLS, t_vls_rules, A, 0, 0, 0 },
	{ "KVM_SET_ONE_REG(SVE_VLS) after KVM_ARM_VCPU_FINALIZE -EPERM; the read still works",
	  REF_VLS, t_vls_finalized, A, 0, 0, 0 },
	{ "KVM_GET/SET_ONE_REG(SVE_VLS) with a bad struct or value address -EFAULT", REF_VLS,
	  t_vls_efault, A, 0, 0, 0 },
	{ "KVM_REG_ARM64_SVE_VLS follows arm64_sve_vqs (0xffff up to 2048 bits, holes 0x2b, 0x1)",
	  REF_VLS, t_vls_params, A, E, 0, 0 },
	{ "KVM_GET/SET_ONE_REG: id outside arm64 space -EINVAL, unknown arm64 id -ENOENT",
	  REF_REG, t_one_reg_ids, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_FINALIZE of an uninitialised vCPU -ENOEXEC (even with a bad pointer)",
	  REF_FIN, t_finalize_uninit, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_FINALIZE(SVE) of a vCPU without SVE -EINVAL; bad pointer -EFAULT",
	  REF_FIN, t_finalize_no_sve, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_FINALIZE: other feature -EINVAL, SVE ok once, then -EPERM", REF_FIN,
	  t_finalize_sve, A, 0, 0, 0 },
	{ "KVM_RUN: uninitialised -ENOEXEC, SVE not finalized -EPERM, else immediate_exit -EINTR",
	  REF_RUN, t_run_gating, A, 0, 0, 0 },
	{ "KVM_RUN of an initialised (and SVE-finalized) vCPU runs until a signal: -EINTR, "
	  "KVM_EXIT_INTR",
	  REF_RUN, t_run_blocks, A, E, 0, 0 },
};

TEST_GROUP(arm64_vcpu);
