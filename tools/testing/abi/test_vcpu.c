// SPDX-License-Identifier: GPL-2.0
/* Rule 4: KVM_CREATE_VCPU (api.rst 4.7) and the vCPU mapping (api.rst 4.5, 5). */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "abi_test.h"

#define REF_VCPU "api.rst 4.7 KVM_CREATE_VCPU"
#define REF_MMAP "api.rst 4.5 KVM_GET_VCPU_MMAP_SIZE"

static void t_vcpu_id0(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm >= 0)
		new_vcpu(vm, 0);
}

/*
 * An id in use: -EEXIST (kvm_vm_ioctl_create_vcpu()), but on an ISA 3.0
 * POWER host -EINVAL first: the id's virtual core exists
 * (kvmppc_core_vcpu_create_hv()).
 */
static int dup_errno(void)
{
	return ppc_isa300() ? EINVAL : EEXIST;
}

static void t_vcpu_dup(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	new_vcpu(vm, 0);
	new_vcpu(vm, 1);
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, 0)), dup_errno());
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, 1)), dup_errno());
	/* a failed create leaves the count alone: another id still works */
	new_vcpu(vm, 2);
}

static void t_vcpu_id_limit(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	desc_append(" (%ld)", P->max_vcpu_id);
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, P->max_vcpu_id)), EINVAL);
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, 0xffffffffUL)), EINVAL);
	if (ppc_isa300()) {
		/* ISA 3.0: no virtual core from KVM_MAX_VCPUS * emul_smt_mode (1) */
		expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, P->max_vcpu_id - 1)), EINVAL);
		expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, P->max_vcpus)), EINVAL);
		new_vcpu(vm, P->max_vcpus - 1);
		return;
	}
	new_vcpu(vm, P->max_vcpu_id - 1);
}

/* The id is a u32: the upper half of the argument is dropped. */
static void t_vcpu_id_u32(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	new_vcpu(vm, (1UL << 32) | 5);
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, 5)), dup_errno());
}

/* s390: all 248 ids; then the vCPU count limit (not the id) refuses one more. */
static void t_vcpu_max(const struct abi_test *t)
{
	int vm = new_vm(0), created = 0;
	long id;

	(void)t;
	if (vm < 0)
		return;
	for (id = 0; id < P->max_vcpus; id++) {
		long fd = ioctl(vm, KVM_CREATE_VCPU, id);

		if (fd < 0) {
			expect_errno_at(__FILE__, __LINE__, "KVM_CREATE_VCPU(id)", fd, errno, 0);
			diag("  id %ld refused", id);
			break;
		}
		track_fd((int)fd);
		created++;
	}
	expect_eq(created, P->max_vcpus);
	/* a duplicate id would be -EEXIST: -EINVAL here is the count limit */
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, 0)), EINVAL);
	expect_errno(track_fd(ioctl(vm, KVM_CREATE_VCPU, P->max_vcpus - 1)), EINVAL);
}

/* The kvm_run mapping: MAP_SHARED RW, every page readable, kvm_run zeroed. */
static void t_vcpu_mmap(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;
	struct kvm_run *run;
	volatile unsigned char *p;
	unsigned long sum = 0, off;

	(void)t;
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	run = map_run(vcpu);
	if (!run)
		return;
	expect_eq(run->exit_reason, KVM_EXIT_UNKNOWN);
	expect_eq(run->immediate_exit, 0);
	expect_eq(run->request_interrupt_window, 0);
	expect_eq(run->flags, 0);
	p = (volatile unsigned char *)run;
	for (off = 0; off < (unsigned long)VCPU_MMAP_SIZE; off += PAGE_SZ)
		sum += p[off];
	(void)sum;
	run->immediate_exit = 1;
	expect_eq(run->immediate_exit, 1);
	run->immediate_exit = 0;
	/* a second mapping shows the same page */
	p = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, vcpu, 0);
	if (expect_true(p != MAP_FAILED)) {
		track_map((void *)p, PAGE_SZ);
		run->request_interrupt_window = 1;
		expect_eq(((volatile struct kvm_run *)p)->request_interrupt_window, 1);
		run->request_interrupt_window = 0;
	}
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Touching the vCPU mapping beyond KVM_GET_VCPU_MMAP_SIZE raises SIGBUS. */
static void t_vcpu_mmap_beyond(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;
	size_t len = VCPU_MMAP_SIZE + PAGE_SZ;
	struct sigaction sa, old;
	volatile unsigned char *p;
	volatile int faulted = 0;
	volatile unsigned char v = 0;

	(void)t;
	vcpu = vm >= 0 ? new_vcpu(vm, 0) : -1;
	if (vcpu < 0)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (!expect_true(p != MAP_FAILED))
		return;
	track_map((void *)p, len);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0)
		v = p[VCPU_MMAP_SIZE];
	else
		faulted = 1;
	sigaction(SIGBUS, &old, NULL);
	(void)v;
	if (!faulted)
		fail("reading offset %ld of the vCPU mapping did not raise SIGBUS",
		     VCPU_MMAP_SIZE);
	/* the pages within the size still work in the same mapping */
	expect_eq(((volatile struct kvm_run *)p)->exit_reason, KVM_EXIT_UNKNOWN);
}

#define REF_ENABLE "api.rst 4.37 KVM_ENABLE_CAP"

static int vcpu_enable_cap(int vcpu, __u32 cap, __u32 flags)
{
	struct kvm_enable_cap c = { .cap = cap, .flags = flags };

	return ioctl(vcpu, KVM_ENABLE_CAP, &c);
}

/* arm64's kvm_arch_vcpu_ioctl() has no KVM_ENABLE_CAP: an unknown ioctl. */
static void t_vcpu_enable_cap_none(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	if (vcpu < 0)
		return;
	expect_eq(check_ext(vm, KVM_CAP_ENABLE_CAP), 0);
	expect_errno(vcpu_enable_cap(vcpu, KVM_CAP_S390_CSS_SUPPORT, 0), EINVAL);
}

/*
 * The rows every architecture with a vCPU KVM_ENABLE_CAP shares: the
 * struct is copied first, then flags must be 0, and a capability the
 * vCPU does not enable is -EINVAL.
 */
static void t_vcpu_enable_cap_errors(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu;

	(void)t;
	if (vm < 0)
		return;
	vcpu = new_vcpu(vm, 0);
	if (vcpu < 0)
		return;
	expect_errno(ioctl(vcpu, KVM_ENABLE_CAP, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vcpu, KVM_ENABLE_CAP, NULL), EFAULT);
	expect_errno(vcpu_enable_cap(vcpu, KVM_CAP_USER_MEMORY, 0), EINVAL);
	expect_errno(vcpu_enable_cap(vcpu, 100000, 0), EINVAL);
	/* a VM capability is not a vCPU one */
	expect_errno(vcpu_enable_cap(vcpu, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0), EINVAL);
}

/* s390: KVM_CAP_S390_CSS_SUPPORT, enabled from any vCPU, any number of times. */
static void t_vcpu_enable_cap_css(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu0, vcpu1;
	struct kvm_enable_cap c = { .cap = KVM_CAP_S390_CSS_SUPPORT };

	(void)t;
	if (vm < 0)
		return;
	vcpu0 = new_vcpu(vm, 0);
	vcpu1 = new_vcpu(vm, 1);
	if (vcpu0 < 0 || vcpu1 < 0)
		return;
	/* flags are checked before the capability */
	expect_errno(vcpu_enable_cap(vcpu0, KVM_CAP_S390_CSS_SUPPORT, 1), EINVAL);
	expect_errno(vcpu_enable_cap(vcpu0, KVM_CAP_S390_CSS_SUPPORT, 1U << 31), EINVAL);
	/* args are not looked at */
	c.args[0] = ~0ULL;
	expect_errno(ioctl(vcpu0, KVM_ENABLE_CAP, &c), 0);
	expect_errno(vcpu_enable_cap(vcpu0, KVM_CAP_S390_CSS_SUPPORT, 0), 0);
	expect_errno(vcpu_enable_cap(vcpu1, KVM_CAP_S390_CSS_SUPPORT, 0), 0);
	/* it is a vCPU capability: the VM fd does not know it */
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), EINVAL);
}

static const struct abi_test vcpu_tests[] = {
	{ "KVM_CREATE_VCPU id 0 succeeds", REF_VCPU, t_vcpu_id0, 0, 0, 0, 0 },
	{ "KVM_CREATE_VCPU with an existing id -EEXIST (ISA 3.0 POWER: -EINVAL)", REF_VCPU,
	  t_vcpu_dup, 0, 0, 0, 0 },
	{ "KVM_CREATE_VCPU id >= KVM_CAP_MAX_VCPU_ID -EINVAL, MAX_VCPU_ID-1 succeeds (ISA 3.0 "
	  "POWER: ids from KVM_MAX_VCPUS -EINVAL)",
	  REF_VCPU,
	  t_vcpu_id_limit, 0, 0, 0, 0 },
	{ "KVM_CREATE_VCPU takes the id as a u32 (1<<32|5 creates id 5)", REF_VCPU, t_vcpu_id_u32,
	  0, 0, 0, 0 },
	{ "KVM_CREATE_VCPU ids 0..247 succeed, one vCPU more than KVM_CAP_MAX_VCPUS -EINVAL",
	  REF_VCPU, t_vcpu_max, M_S390, 0, 0, 0 },
	{ "vCPU fd mmap of KVM_GET_VCPU_MMAP_SIZE bytes (MAP_SHARED, RW), kvm_run zeroed",
	  REF_MMAP, t_vcpu_mmap, 0, 0, 0, 0 },
	{ "vCPU mapping beyond KVM_GET_VCPU_MMAP_SIZE raises SIGBUS on touch", REF_MMAP,
	  t_vcpu_mmap_beyond, 0, 0, 0, 0 },
	{ "vCPU KVM_ENABLE_CAP on arm64: an unknown vCPU ioctl -EINVAL, KVM_CAP_ENABLE_CAP 0",
	  REF_ENABLE, t_vcpu_enable_cap_none, M_ARM64, 0, 0, 0 },
	{ "vCPU KVM_ENABLE_CAP: bad struct pointer -EFAULT, unknown or VM capability -EINVAL",
	  REF_ENABLE, t_vcpu_enable_cap_errors, M_PPC | M_S390, 0, 0, 0 },
	{ "vCPU KVM_ENABLE_CAP(KVM_CAP_S390_CSS_SUPPORT): flags -EINVAL first, then 0 from any "
	  "vCPU, repeatedly; -EINVAL on the VM fd",
	  REF_ENABLE, t_vcpu_enable_cap_css, M_S390, 0, 0, 0 },
};

TEST_GROUP(vcpu);
