// SPDX-License-Identifier: GPL-2.0
/* Rule 1: the system fd (api.rst 4.1, 4.4, 4.5). */
#include <string.h>
#include <termios.h>

#include "abi_test.h"

/* A KVMIO number no Linux 6.1 ioctl uses (0xef is KVM_EXT_GUEST_ACCESS). */
#define KVM_UNKNOWN_IOCTL _IO(KVMIO, 0xfe)
#define KVM_UNKNOWN_IOCTL_W _IOWR(KVMIO, 0xdf, __u64)

static void t_api_version(const struct abi_test *t)
{
	(void)t;
	expect_eq(ioctl(g_sys, KVM_GET_API_VERSION, 0), 12);
}

static void t_api_version_arg(const struct abi_test *t)
{
	(void)t;
	expect_errno(ioctl(g_sys, KVM_GET_API_VERSION, 1), EINVAL);
	expect_errno(ioctl(g_sys, KVM_GET_API_VERSION, ~0UL), EINVAL);
}

static void t_mmap_size(const struct abi_test *t)
{
	(void)t;
	desc_append(" == %ld", VCPU_MMAP_SIZE);
	expect_eq(ioctl(g_sys, KVM_GET_VCPU_MMAP_SIZE, 0), VCPU_MMAP_SIZE);
}

static void t_mmap_size_arg(const struct abi_test *t)
{
	(void)t;
	expect_errno(ioctl(g_sys, KVM_GET_VCPU_MMAP_SIZE, 1), EINVAL);
}

static void t_sys_unknown(const struct abi_test *t)
{
	__u64 buf = 0;

	(void)t;
	expect_errno(ioctl(g_sys, KVM_UNKNOWN_IOCTL, 0), EINVAL);
	expect_errno(ioctl(g_sys, KVM_UNKNOWN_IOCTL_W, &buf), EINVAL);
	/* VM and vCPU ioctls mean nothing on the system fd */
	expect_errno(ioctl(g_sys, KVM_CREATE_VCPU, 0), EINVAL);
	expect_errno(ioctl(g_sys, KVM_RUN, 0), EINVAL);
	/* nor do other drivers' */
	expect_errno(ioctl(g_sys, TCGETS, &buf), EINVAL);
}

/* The removed KVM_TRACE_* ioctls answer -EOPNOTSUPP (kvm_dev_ioctl()). */
static void t_sys_trace(const struct abi_test *t)
{
	struct kvm_user_trace_setup setup = { 0, 0 };

	(void)t;
	expect_errno(ioctl(g_sys, KVM_TRACE_ENABLE, &setup), EOPNOTSUPP);
	expect_errno(ioctl(g_sys, KVM_TRACE_PAUSE, 0), EOPNOTSUPP);
	expect_errno(ioctl(g_sys, KVM_TRACE_DISABLE, 0), EOPNOTSUPP);
}

static long min_l(long a, long b)
{
	return a < b ? a : b;
}

static long cap_expected(long cap)
{
	switch (cap) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DEVICE_CTRL:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_CHECK_EXTENSION_VM:
		return 1;
	case KVM_CAP_NR_MEMSLOTS:
		return 32767; /* KVM_USER_MEM_SLOTS = SHRT_MAX */
	case KVM_CAP_MAX_VCPUS:
		return P->max_vcpus;
	case KVM_CAP_MAX_VCPU_ID:
		return P->max_vcpu_id;
	case KVM_CAP_NR_VCPUS:
		return min_l(g_online_cpus, P->max_vcpus);
	case KVM_CAP_READONLY_MEM:
		return P->cap_readonly_mem;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return P->cap_ipa_size;
	case KVM_CAP_ENABLE_CAP:
		/* KVM_ENABLE_CAP on a vCPU fd: ppc and s390, not arm64 */
		return P->id != P_ARM64;
	case KVM_CAP_S390_CSS_SUPPORT:
		return P->id == P_S390;
	case KVM_CAP_ONE_REG:
		/* 6.1 s390 has it too; kvm_ext's s390 vCPU has no registers yet */
		return P->id != P_S390;
	case KVM_CAP_PPC_PAPR:
		return P->id == P_PPC;
	case KVM_CAP_IRQ_XICS:
		/* XICS vCPU connections: the POWER8 and POWER9 hosts alike */
		return P->id == P_PPC;
	case KVM_CAP_MP_STATE:
		return P->id != P_PPC;
	case KVM_CAP_ARM_SYSTEM_SUSPEND:
	case KVM_CAP_ARM_PSCI:	   /* kvm_vm_ioctl_check_extension(): 1 */
	case KVM_CAP_ARM_PSCI_0_2: /* QEMU sets KVM_ARM_VCPU_PSCI_0_2 only with it */
		return P->id == P_ARM64;
	case KVM_CAP_SYSTEM_EVENT_DATA:
		return 1;
	case KVM_CAP_BINARY_STATS_FD:
		/* kvm_vm_ioctl_check_extension_generic(): every architecture */
		return 1;
	case KVM_CAP_SIGNAL_MSI:
		/* CONFIG_HAVE_KVM_MSI: arm64 (ppc only with KVM_MPIC, an e500 option) */
		return P->id == P_ARM64;
	case KVM_CAP_IOEVENTFD:	    /* every architecture's own table */
	case KVM_CAP_IOEVENTFD_ANY_LENGTH: /* kvm_vm_ioctl_check_extension_generic() */
		return 1;
	default:
		/* KVM_CAP_MULTI_ADDRESS_SPACE (one address space), capabilities
		 * kvm_ext does not implement, unknown numbers */
		return 0;
	}
}

/* t->a: the capability; answered alike on the system fd and a VM fd. */
static void t_cap(const struct abi_test *t)
{
	long want = cap_expected(t->a);
	int vm;

	desc_append(" == %ld", want);
	expect_eq(check_ext(g_sys, t->a), want);
	vm = new_vm(0);
	if (vm >= 0)
		expect_eq(check_ext(vm, t->a), want);
}

/* The emulated s390 machine's model, with its version (s390_machine). */
static void t_s390_machine(const struct abi_test *t)
{
	const char *name = param_read("s390_machine");

	(void)t;
	desc_append(": %s", name);
	expect_eq(strcmp(name, "z15-8561.1"), 0);
}

#define REF_CAP "api.rst 4.4 KVM_CHECK_EXTENSION"
#define CAP(c, flags) { "KVM_CHECK_EXTENSION(" #c ") on the system and VM fd", REF_CAP, t_cap, 0, flags, c, 0 }

static const struct abi_test system_tests[] = {
	{ "KVM_GET_API_VERSION == 12", "api.rst 4.1 KVM_GET_API_VERSION", t_api_version, 0, 0, 0, 0 },
	{ "KVM_GET_API_VERSION with a nonzero arg -EINVAL", "api.rst 4.1 KVM_GET_API_VERSION",
	  t_api_version_arg, 0, 0, 0, 0 },
	{ "KVM_GET_VCPU_MMAP_SIZE", "api.rst 4.5 KVM_GET_VCPU_MMAP_SIZE", t_mmap_size, 0, 0, 0, 0 },
	{ "KVM_GET_VCPU_MMAP_SIZE with a nonzero arg -EINVAL", "api.rst 4.5 KVM_GET_VCPU_MMAP_SIZE",
	  t_mmap_size_arg, 0, 0, 0, 0 },
	{ "unknown ioctl on the system fd -EINVAL (kvm_arch_dev_ioctl)", "api.rst 4 API description",
	  t_sys_unknown, 0, 0, 0, 0 },
	{ "removed KVM_TRACE_ENABLE/PAUSE/DISABLE on the system fd -EOPNOTSUPP (kvm_dev_ioctl)",
	  "api.rst 4 API description", t_sys_trace, 0, 0, 0, 0 },
	{ "module parameter s390_machine names the emulated machine",
	  "userspace-api.rst The s390 machine", t_s390_machine, M_S390, T_EXT, 0, 0 },
	CAP(KVM_CAP_USER_MEMORY, 0),
	CAP(KVM_CAP_NR_MEMSLOTS, 0),
	CAP(KVM_CAP_MAX_VCPUS, 0),
	CAP(KVM_CAP_MAX_VCPU_ID, 0),
	CAP(KVM_CAP_NR_VCPUS, 0),
	CAP(KVM_CAP_DEVICE_CTRL, 0),
	CAP(KVM_CAP_IMMEDIATE_EXIT, 0),
	CAP(KVM_CAP_CHECK_EXTENSION_VM, 0),
	CAP(KVM_CAP_READONLY_MEM, 0),
	CAP(KVM_CAP_ARM_VM_IPA_SIZE, 0),
	CAP(KVM_CAP_MULTI_ADDRESS_SPACE, 0),
	CAP(KVM_CAP_ENABLE_CAP, 0),
	CAP(KVM_CAP_S390_CSS_SUPPORT, 0),
	CAP(KVM_CAP_ONE_REG, 0),
	CAP(KVM_CAP_PPC_PAPR, 0),
	CAP(KVM_CAP_IRQ_XICS, 0),
	CAP(KVM_CAP_BINARY_STATS_FD, 0),
	CAP(KVM_CAP_MP_STATE, 0),
	CAP(KVM_CAP_ARM_SYSTEM_SUSPEND, 0),
	CAP(KVM_CAP_ARM_PSCI, 0),
	CAP(KVM_CAP_ARM_PSCI_0_2, 0),
	CAP(KVM_CAP_SYSTEM_EVENT_DATA, 0),
	CAP(KVM_CAP_IOEVENTFD, 0),
	CAP(KVM_CAP_IOEVENTFD_ANY_LENGTH, 0),
	CAP(KVM_CAP_IOEVENTFD_NO_LENGTH, 0), /* x86's */
	CAP(KVM_CAP_SIGNAL_MSI, 0),
	/* Linux has these; kvm_ext must not claim what it does not implement. */
	CAP(KVM_CAP_COALESCED_MMIO, T_EXT),
	{ "KVM_CHECK_EXTENSION(100000) on the system and VM fd", REF_CAP, t_cap, 0, 0, 100000, 0 },
	{ "KVM_CHECK_EXTENSION(-1) on the system and VM fd", REF_CAP, t_cap, 0, 0, -1, 0 },
};

TEST_GROUP(system);
