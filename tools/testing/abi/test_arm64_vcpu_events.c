// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 vCPU events: api.rst 4.31 KVM_GET_VCPU_EVENTS, 4.32
 * KVM_SET_VCPU_EVENTS (a pending SError, its syndrome with
 * KVM_CAP_ARM_INJECT_SERROR_ESR, an external data abort with
 * KVM_CAP_ARM_INJECT_EXT_DABT) and their capabilities.
 *
 * Ground truth is Linux 6.1 arch/arm64/kvm/arm.c (kvm_arch_vcpu_ioctl(),
 * kvm_arm_vcpu_{get,set}_events()), guest.c (__kvm_arm_vcpu_{get,set}_events()),
 * inject_fault.c and hyp/exception.c. Where the document is stricter than
 * 6.1 (serror_has_esr on a host without RAS, serror_esr outside the ISS
 * field, whether or not an SError is made pending), kvm_ext follows the
 * document and the test is kvm_ext-specific (Documentation/differences.rst).
 *
 * kvm_ext has no guest code: an external abort is taken by the vCPU when
 * KVM_SET_VCPU_EVENTS asks for it (6.1 writes ESR_EL1 and FAR_EL1 then and
 * enters the exception at the next KVM_RUN), so the register checks are
 * kvm_ext-specific; the address is that of the vCPU's last MMIO exit,
 * made through the guest-access extension.
 *
 * The arm64 layout of struct kvm_vcpu_events is kvm_ext.h's
 * struct kvm_ext_arm64_vcpu_events; the ioctl numbers are made from it
 * (x86's struct has the same size, so they are <linux/kvm.h>'s there; other
 * hosts' <asm/kvm.h> has no such struct). On ppc and s390 both ioctls are
 * unknown vCPU ioctls.
 */
#include <stdio.h>
#include <string.h>

#include "abi_test.h"
#include "arm64_ids.h"

#define REF_EV "api.rst 4.31 KVM_GET_VCPU_EVENTS, 4.32 KVM_SET_VCPU_EVENTS (ARM64)"
#define REF_CAP "api.rst 4.4 KVM_CHECK_EXTENSION, 4.31 KVM_GET_VCPU_EVENTS"
#define REF_DABT "api.rst 4.32 KVM_SET_VCPU_EVENTS (ext_dabt_pending)"

#define A M_ARM64
#define E T_EXT

typedef struct kvm_ext_arm64_vcpu_events events_t;

#define GET_VCPU_EVENTS _IOR(KVMIO, 0x9f, events_t)
#define SET_VCPU_EVENTS _IOW(KVMIO, 0xa0, events_t)
#ifndef KVM_CAP_VCPU_EVENTS /* under __KVM_HAVE_VCPU_EVENTS */
#define KVM_CAP_VCPU_EVENTS 41
#endif

#define ISV (1ULL << 24) /* the syndrome KVM chooses: IDS */
#define ISS_MASK 0x1ffffffULL

#define PC CORE(KVM_REG_SIZE_U64, 64)
#define PSTATE CORE(KVM_REG_SIZE_U64, 66)
#define ELR_EL1 CORE(KVM_REG_SIZE_U64, 70)
#define SPSR_EL1 CORE(KVM_REG_SIZE_U64, 72)
#define SPSR_ABT CORE(KVM_REG_SIZE_U64, 74)
#define X20 CORE(KVM_REG_SIZE_U64, 40)
#define ESR_EL1 SYSREG(3, 0, 5, 2, 0)
#define FAR_EL1 SYSREG(3, 0, 6, 0, 0)
#define VBAR_EL1 SYSREG(3, 0, 12, 0, 0)
#define ID_AA64PFR0_EL1 SYSREG(3, 0, 0, 4, 0)

#define MMIO_ADDR 0x80001234ULL /* in no memslot: a load exits */

/* ------------------------------------------------------------ helpers */

static int get_events(int vcpu, events_t *ev)
{
	memset(ev, 0xa5, sizeof(*ev));
	return ioctl(vcpu, GET_VCPU_EVENTS, ev);
}

static int set_events(int vcpu, const events_t *ev)
{
	return ioctl(vcpu, SET_VCPU_EVENTS, ev);
}

/* A VM and an initialised vCPU 0 (-1 when that failed: recorded). */
static int setup(int *vm_out)
{
	int vm = new_vm(0), vcpu;

	*vm_out = vm;
	if (vm < 0)
		return -1;
	vcpu = new_vcpu(vm, 0);
	if (vcpu < 0 || expect_ok(vcpu_init(vm, vcpu, 0)) < 0)
		return -1;
	return vcpu;
}

static __u64 get_reg(int vcpu, __u64 id)
{
	__u64 v = 0;

	expect_ok(one_reg(vcpu, false, id, &v));
	return v;
}

static void put_reg(int vcpu, __u64 id, __u64 v)
{
	expect_ok(one_reg(vcpu, true, id, &v));
}

static bool has_ras(int fd)
{
	return check_ext(fd, KVM_CAP_ARM_INJECT_SERROR_ESR) > 0;
}

static void expect_not_pending(int vcpu)
{
	events_t ev;

	if (expect_ok(get_events(vcpu, &ev)) == 0)
		expect_eq(ev.exception.serror_pending, 0);
}

static void expect_pending(int vcpu, __u64 esr)
{
	events_t ev;

	if (expect_ok(get_events(vcpu, &ev)))
		return;
	expect_eq(ev.exception.serror_pending, 1);
	expect_eq(ev.exception.serror_esr, esr);
	expect_eq(ev.exception.ext_dabt_pending, 0);
}

/* ------------------------------------------------------------ tests */

static void t_unknown(const struct abi_test *t)
{
	events_t ev;
	int vm = new_vm(0), vcpu;

	(void)t;
	desc_append(" (%s)", errno_name(P->unknown_vcpu_ioctl_errno));
	if (vm < 0 || (vcpu = new_vcpu(vm, 0)) < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	expect_errno(ioctl(vcpu, GET_VCPU_EVENTS, &ev), P->unknown_vcpu_ioctl_errno);
	expect_errno(ioctl(vcpu, SET_VCPU_EVENTS, &ev), P->unknown_vcpu_ioctl_errno);
	expect_errno(ioctl(vcpu, GET_VCPU_EVENTS, g_bad_ptr), P->unknown_vcpu_ioctl_errno);
	expect_eq(check_ext(g_sys, KVM_CAP_VCPU_EVENTS), 0);
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_INJECT_SERROR_ESR), 0);
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_INJECT_EXT_DABT), 0);
	expect_eq(check_ext(vm, KVM_CAP_VCPU_EVENTS), 0);
}

/* t->a: the capability, t->b: its value (system and VM fd). */
static void t_cap(const struct abi_test *t)
{
	int vm = new_vm(0);

	desc_append(" == %ld", t->b);
	expect_eq(check_ext(g_sys, t->a), t->b);
	if (vm >= 0)
		expect_eq(check_ext(vm, t->a), t->b);
}

PARAM_TEST(t_ras_param)
{
	int old_vm = new_vm(0), vm, vcpu;

	expect_param_write("arm64_ras", "N", 0);
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_INJECT_SERROR_ESR), 0);
	if (old_vm >= 0)
		expect_eq(check_ext(old_vm, KVM_CAP_ARM_INJECT_SERROR_ESR), 1);
	vcpu = setup(&vm);
	if (vcpu >= 0) {
		expect_eq(check_ext(vm, KVM_CAP_ARM_INJECT_SERROR_ESR), 0);
		expect_eq((get_reg(vcpu, ID_AA64PFR0_EL1) >> 28) & 0xf, 0); /* RAS */
	}
	expect_param_write("arm64_ras", "Y", 0);
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_INJECT_SERROR_ESR), 1);
	if (vcpu >= 0)
		expect_eq(check_ext(vm, KVM_CAP_ARM_INJECT_SERROR_ESR), 0); /* its snapshot */
	vcpu = setup(&vm);
	if (vcpu >= 0)
		expect_eq((get_reg(vcpu, ID_AA64PFR0_EL1) >> 28) & 0xf, 1);
}

static void t_uninitialised(const struct abi_test *t)
{
	events_t ev;
	int vm = new_vm(0), vcpu;

	(void)t;
	if (vm < 0 || (vcpu = new_vcpu(vm, 0)) < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	expect_errno(get_events(vcpu, &ev), ENOEXEC);
	expect_errno(set_events(vcpu, &ev), ENOEXEC);
	/* before the argument is read */
	expect_errno(ioctl(vcpu, GET_VCPU_EVENTS, g_bad_ptr), ENOEXEC);
	expect_errno(ioctl(vcpu, SET_VCPU_EVENTS, g_bad_ptr), ENOEXEC);
}

static void t_efault(const struct abi_test *t)
{
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	expect_errno(ioctl(vcpu, GET_VCPU_EVENTS, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, SET_VCPU_EVENTS, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, SET_VCPU_EVENTS, NULL), EFAULT);
}

static void t_fresh(const struct abi_test *t)
{
	static const __u32 zero[12];
	events_t ev;
	int vm, vcpu = setup(&vm), i;

	(void)t;
	if (vcpu < 0 || expect_ok(get_events(vcpu, &ev)))
		return;
	expect_eq(ev.exception.serror_pending, 0);
	expect_eq(ev.exception.serror_has_esr, has_ras(vm));
	expect_eq(ev.exception.ext_dabt_pending, 0);
	for (i = 0; i < 5; i++)
		expect_eq(ev.exception.pad[i], 0);
	expect_eq(ev.exception.serror_esr, 0);
	expect_true(!memcmp(ev.reserved, zero, sizeof(zero)));
}

static void t_reserved_pad(const struct abi_test *t)
{
	static const int reserved[] = { 0, 5, 11 }, pad[] = { 0, 4 };
	events_t ev;
	int vm, vcpu = setup(&vm);
	size_t i;

	(void)t;
	if (vcpu < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(reserved); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.exception.serror_pending = 1;
		ev.reserved[reserved[i]] = 1;
		expect_errno(set_events(vcpu, &ev), EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(pad); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.exception.serror_pending = 1;
		ev.exception.pad[pad[i]] = 0x80;
		expect_errno(set_events(vcpu, &ev), EINVAL);
	}
	expect_not_pending(vcpu);
}

static void t_serror_pending(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = 1;
	expect_ok(set_events(vcpu, &ev));
	/* With RAS the syndrome KVM chose (IDS); without, none is reported. */
	expect_pending(vcpu, has_ras(vm) ? ISV : 0);
	if (!expect_ok(get_events(vcpu, &ev)))
		expect_eq(ev.exception.serror_has_esr, has_ras(vm));
}

static void t_serror_esr(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	if (!has_ras(vm)) {
		skip_test("the host has no KVM_CAP_ARM_INJECT_SERROR_ESR");
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = 1;
	ev.exception.serror_has_esr = 1;
	ev.exception.serror_esr = 1ULL << 25;
	expect_errno(set_events(vcpu, &ev), EINVAL);
	ev.exception.serror_esr = 1ULL << 63;
	expect_errno(set_events(vcpu, &ev), EINVAL);
	ev.exception.serror_esr = ISS_MASK | 1ULL << 32;
	expect_errno(set_events(vcpu, &ev), EINVAL);
	expect_not_pending(vcpu);
	ev.exception.serror_esr = 0x12345;
	expect_ok(set_events(vcpu, &ev));
	expect_pending(vcpu, 0x12345);
	/* The whole ISS field (bits 24:0), as GET may report it (IDS). */
	ev.exception.serror_esr = ISS_MASK;
	expect_ok(set_events(vcpu, &ev));
	expect_pending(vcpu, ISS_MASK);
}

static void t_no_cancel(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);
	__u64 esr;

	(void)t;
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = 1;
	ev.exception.serror_has_esr = has_ras(vm);
	ev.exception.serror_esr = has_ras(vm) ? 0x2a : 0;
	expect_ok(set_events(vcpu, &ev));
	esr = has_ras(vm) ? 0x2a : 0;
	memset(&ev, 0, sizeof(ev));
	expect_ok(set_events(vcpu, &ev));
	expect_pending(vcpu, esr);
	/* GET then SET (a migration's restore) keeps it as it was. */
	if (!expect_ok(get_events(vcpu, &ev)))
		expect_ok(set_events(vcpu, &ev));
	expect_pending(vcpu, esr);
}

static void t_init_clears(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = 1;
	expect_ok(set_events(vcpu, &ev));
	expect_ok(vcpu_init(vm, vcpu, 0));
	if (!expect_ok(get_events(vcpu, &ev))) {
		expect_eq(ev.exception.serror_pending, 0);
		expect_eq(ev.exception.serror_esr, 0);
	}
}

/* The document's rows 6.1 checks only when an SError is made pending. */
static void t_doc_esr_rows(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_esr = 1ULL << 25;
	expect_errno(set_events(vcpu, &ev), EINVAL);
	ev.exception.serror_has_esr = 1;
	expect_errno(set_events(vcpu, &ev), EINVAL);
	ev.exception.ext_dabt_pending = 1;
	put_reg(vcpu, PC, 0x4000);
	expect_errno(set_events(vcpu, &ev), EINVAL);
	expect_eq(get_reg(vcpu, PC), 0x4000); /* no abort taken */
	ev.exception.serror_esr = 0x1234;
	ev.exception.ext_dabt_pending = 0;
	expect_ok(set_events(vcpu, &ev)); /* has_esr without an SError: nothing */
	expect_not_pending(vcpu);
}

PARAM_TEST(t_no_ras)
{
	events_t ev;
	int vm, vcpu;

	expect_param_write("arm64_ras", "N", 0);
	vcpu = setup(&vm);
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_has_esr = 1;
	expect_errno(set_events(vcpu, &ev), EINVAL); /* the document; 6.1: 0 */
	ev.exception.serror_pending = 1;
	expect_errno(set_events(vcpu, &ev), EINVAL);
	expect_not_pending(vcpu);
	ev.exception.serror_has_esr = 0;
	expect_ok(set_events(vcpu, &ev));
	expect_pending(vcpu, 0);
	if (!expect_ok(get_events(vcpu, &ev)))
		expect_eq(ev.exception.serror_has_esr, 0);
}

static void t_dabt_not_reported(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	expect_ok(set_events(vcpu, &ev));
	if (!expect_ok(get_events(vcpu, &ev))) {
		expect_eq(ev.exception.ext_dabt_pending, 0);
		expect_eq(ev.exception.serror_pending, 0);
	}
}

/* A load in no memslot: KVM_EXIT_MMIO at addr. */
static void mmio_exit(int vcpu, __u64 addr)
{
	__u64 data = 0;
	__u32 result = 0;

	expect_ok(guest_access(vcpu, KVM_EXT_ACCESS_MEM, 0, addr, 4, &data, &result));
	expect_eq(result, KVM_EXT_RESULT_EXIT);
}

/*
 * t->a: PSTATE before; t->b: the vector offset. From EL1h and EL1t the
 * abort is at the current EL (EC 0x25), from EL0 and AArch32 EL0 at a
 * lower one (EC 0x24).
 */
static void t_dabt_taken(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);
	__u64 pstate = t->a | 0xf0000000; /* NZCV survive */
	bool lower = t->a == 0 || (t->a & 0x10);

	if (vcpu < 0)
		return;
	mmio_exit(vcpu, MMIO_ADDR);
	put_reg(vcpu, VBAR_EL1, 0x10000);
	put_reg(vcpu, PC, 0x8000);
	put_reg(vcpu, PSTATE, pstate);
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	if (expect_ok(set_events(vcpu, &ev)))
		return;
	expect_eq(get_reg(vcpu, PC), 0x10000 + t->b);
	expect_eq(get_reg(vcpu, ELR_EL1), 0x8000);
	expect_eq(get_reg(vcpu, SPSR_EL1), pstate);
	expect_eq(get_reg(vcpu, PSTATE), 0xf00003c5); /* EL1h, DAIF masked */
	/* IL (a 32-bit load), EC, external abort */
	expect_eq(get_reg(vcpu, ESR_EL1), 1ULL << 25 | (lower ? 0x24ULL : 0x25ULL) << 26 | 0x10);
	expect_eq(get_reg(vcpu, FAR_EL1), MMIO_ADDR);
}

static void t_dabt_no_exit(const struct abi_test *t)
{
	events_t ev;
	int vm, vcpu = setup(&vm);

	(void)t;
	if (vcpu < 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	ev.exception.serror_pending = 1;
	expect_ok(set_events(vcpu, &ev));
	expect_eq(get_reg(vcpu, PC), 0x200);
	expect_eq(get_reg(vcpu, ESR_EL1), 0x25ULL << 26 | 0x10);
	expect_eq(get_reg(vcpu, FAR_EL1), 0);
	expect_pending(vcpu, ISV); /* both events in one call */
}

PARAM_TEST(t_dabt_aarch32)
{
	events_t ev;
	int vm, vcpu;
	__u64 old;

	expect_param_write("arm64_el1_32bit", "Y", 0);
	vm = new_vm(0);
	if (vm < 0 || (vcpu = new_vcpu(vm, 0)) < 0 ||
	    expect_ok(vcpu_init(vm, vcpu, F(KVM_ARM_VCPU_EL1_32BIT))))
		return;
	mmio_exit(vcpu, 0x180004321ULL);
	put_reg(vcpu, VBAR_EL1, 0x20000);
	put_reg(vcpu, PC, 0x1000);
	put_reg(vcpu, FAR_EL1, 0xaaaabbbb00000000ULL);
	old = get_reg(vcpu, PSTATE); /* SVC, A, I, F */
	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	if (expect_ok(set_events(vcpu, &ev)))
		return;
	expect_eq(get_reg(vcpu, PSTATE), 0x1d7); /* ABT, A and I set, F kept */
	expect_eq(get_reg(vcpu, SPSR_ABT), old);
	expect_eq(get_reg(vcpu, X20), 0x1008); /* LR_abt */
	expect_eq(get_reg(vcpu, PC), 0x20010);
	expect_eq(get_reg(vcpu, ESR_EL1), 0x08); /* DFSR: external abort */
	expect_eq(get_reg(vcpu, FAR_EL1), 0xaaaabbbb80004321ULL); /* DFAR in [31:0] */
}

static const struct abi_test arm64_vcpu_events_tests[] = {
	{ "KVM_GET/SET_VCPU_EVENTS are unknown vCPU ioctls; KVM_CAP_VCPU_EVENTS, "
	  "ARM_INJECT_SERROR_ESR, ARM_INJECT_EXT_DABT 0",
	  REF_EV, t_unknown, M_PPC | M_S390, 0, 0, 0 },
	{ "KVM_CHECK_EXTENSION(KVM_CAP_VCPU_EVENTS) on the system and VM fd", REF_CAP, t_cap, A, 0,
	  KVM_CAP_VCPU_EVENTS, 1 },
	{ "KVM_CHECK_EXTENSION(KVM_CAP_ARM_INJECT_EXT_DABT) on the system and VM fd", REF_CAP, t_cap,
	  A, 0, KVM_CAP_ARM_INJECT_EXT_DABT, 1 },
	{ "KVM_CHECK_EXTENSION(KVM_CAP_ARM_INJECT_SERROR_ESR) (emulated host default: RAS)",
	  REF_CAP, t_cap, A, E, KVM_CAP_ARM_INJECT_SERROR_ESR, 1 },
	{ "KVM_CAP_ARM_INJECT_SERROR_ESR and ID_AA64PFR0_EL1.RAS follow arm64_ras; an existing VM "
	  "keeps its snapshot",
	  REF_CAP, t_ras_param, A, E, 0, 0 },
	{ "KVM_GET/SET_VCPU_EVENTS before KVM_ARM_VCPU_INIT -ENOEXEC, before the argument is read",
	  REF_EV, t_uninitialised, A, 0, 0, 0 },
	{ "KVM_GET/SET_VCPU_EVENTS with an unreadable or unwritable argument -EFAULT", REF_EV,
	  t_efault, A, 0, 0, 0 },
	{ "KVM_GET_VCPU_EVENTS of a fresh vCPU: nothing pending, serror_has_esr as "
	  "KVM_CAP_ARM_INJECT_SERROR_ESR, the rest zero",
	  REF_EV, t_fresh, A, 0, 0, 0 },
	{ "KVM_SET_VCPU_EVENTS with a nonzero reserved word or pad byte -EINVAL, nothing pending",
	  REF_EV, t_reserved_pad, A, 0, 0, 0 },
	{ "KVM_SET_VCPU_EVENTS serror_pending: GET reads it back, with KVM's syndrome (IDS) on a "
	  "RAS host",
	  REF_EV, t_serror_pending, A, 0, 0, 0 },
	{ "KVM_SET_VCPU_EVENTS serror_has_esr: the syndrome round-trips (the ISS field, bits 24:0); "
	  "other bits -EINVAL",
	  REF_EV, t_serror_esr, A, 0, 0, 0 },
	{ "KVM_SET_VCPU_EVENTS cannot cancel a pending SError; a GET/SET round trip keeps it",
	  REF_EV, t_no_cancel, A, 0, 0, 0 },
	{ "KVM_ARM_VCPU_INIT clears a pending SError", REF_EV, t_init_clears, A, 0, 0, 0 },
	{ "KVM_SET_VCPU_EVENTS serror_esr outside the ISS field -EINVAL without an SError too, "
	  "nothing taken (the document)",
	  REF_EV, t_doc_esr_rows, A, E, 0, 0 },
	{ "KVM_SET_VCPU_EVENTS on a host without RAS (arm64_ras=N): serror_has_esr -EINVAL with or "
	  "without an SError (the document); an SError without a syndrome",
	  REF_EV, t_no_ras, A, E, 0, 0 },
	{ "KVM_GET_VCPU_EVENTS never reports an external abort SET asked for", REF_DABT,
	  t_dabt_not_reported, A, 0, 0, 0 },
	{ "ext_dabt_pending from EL1h: taken at once at VBAR_EL1 + 0x200, ESR_EL1 and FAR_EL1 of "
	  "the last MMIO exit",
	  REF_DABT, t_dabt_taken, A, E, 0x5, 0x200 },
	{ "ext_dabt_pending from EL1t: VBAR_EL1 + 0, current EL", REF_DABT, t_dabt_taken, A, E, 0x4,
	  0x0 },
	{ "ext_dabt_pending from EL0t: VBAR_EL1 + 0x400, lower EL", REF_DABT, t_dabt_taken, A, E,
	  0x0, 0x400 },
	{ "ext_dabt_pending from AArch32 EL0 (USR): VBAR_EL1 + 0x600, lower EL", REF_DABT,
	  t_dabt_taken, A, E, 0x10, 0x600 },
	{ "ext_dabt_pending before any MMIO exit: FAR 0, IL clear; with serror_pending both happen",
	  REF_DABT, t_dabt_no_exit, A, E, 0, 0 },
	{ "ext_dabt_pending on an AArch32 EL1 vCPU: ABT mode, LR_abt, SPSR_abt, DFSR, DFAR",
	  REF_DABT, t_dabt_aarch32, A, E, 0, 0 },
};

TEST_GROUP(arm64_vcpu_events);
