// SPDX-License-Identifier: GPL-2.0
/*
 * The book3s HV vCPU on the ppc node, as far as kvm_ext has it: PAPR mode
 * (api.rst 4.37 KVM_ENABLE_CAP, section 6 KVM_CAP_PPC_PAPR) and the sanity
 * KVM_RUN needs, and ONE_REG's answers (api.rst 4.68/4.69).
 *
 * Ground truth is Linux 6.1 arch/powerpc/kvm/powerpc.c
 * (kvmppc_sanity_check(), kvm_vcpu_ioctl_enable_cap(),
 * kvm_arch_vcpu_ioctl_run(), the ONE_REG size check), book3s_hv.c
 * (kvmppc_vcpu_run_hv()) and book3s.c (kvmppc_get/set_one_reg()).
 */
#include <string.h>

#include "abi_test.h"

#define REF_PAPR "api.rst 4.37 KVM_ENABLE_CAP, 6 KVM_CAP_PPC_PAPR"
#define REF_RUN "api.rst 4.10 KVM_RUN"
#define REF_REG "api.rst 4.68 KVM_SET_ONE_REG, 4.69 KVM_GET_ONE_REG"

#define REG_SIZE(id, size) (((id) & ~KVM_REG_SIZE_MASK) | (size))
#define REG_PPC_HIOR (KVM_REG_PPC | KVM_REG_SIZE_U64 | 0x1)
/* an id book3s does not list (KVM_REG_PPC_* stop well below it) */
#define REG_PPC_NONE (KVM_REG_PPC | KVM_REG_SIZE_U64 | 0xfff)

static int enable_cap(int vcpu, __u32 cap, __u32 flags)
{
	struct kvm_enable_cap c = { .cap = cap, .flags = flags };

	return ioctl(vcpu, KVM_ENABLE_CAP, &c);
}

/*
 * HV KVM runs only PAPR vCPUs: before KVM_CAP_PPC_PAPR, KVM_RUN is -EINVAL
 * with exit_reason KVM_EXIT_INTERNAL_ERROR; immediate_exit is looked at
 * first (-EINTR, kvm_run untouched).
 */
static void t_ppc_run_needs_papr(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);
	struct kvm_run *run = map_run(vcpu);

	(void)t;
	if (!run)
		return;
	run->exit_reason = KVM_EXIT_UNKNOWN;
	expect_errno(run_nonblocking(vcpu, run), EINTR);
	expect_eq(run->exit_reason, KVM_EXIT_UNKNOWN);
	run->immediate_exit = 0;
	expect_errno(ioctl(vcpu, KVM_RUN, 0), EINVAL);
	expect_eq(run->exit_reason, KVM_EXIT_INTERNAL_ERROR);
	expect_errno(ioctl(vcpu, KVM_RUN, 0), EINVAL);
	expect_errno(ppc_enable_papr(vcpu), 0);
	expect_run_until_signal(vcpu, run);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_PPC_PAPR) on the vCPU: flags -EINVAL first, any
 * other capability -EINVAL (and still no KVM_RUN), PAPR again 0; a PAPR
 * vCPU does not make its neighbour sane. KVM_CHECK_EXTENSION says 1.
 */
static void t_ppc_enable_papr(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), other = new_vcpu(vm, 1);
	struct kvm_run *run = map_run(other);

	(void)t;
	if (!run)
		return;
	expect_eq(ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_PAPR), 1);
	expect_eq(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_PPC_PAPR), 1);
	expect_errno(enable_cap(vcpu, KVM_CAP_PPC_PAPR, 1), EINVAL);
	expect_errno(enable_cap(vcpu, KVM_CAP_ONE_REG, 0), EINVAL);
	expect_errno(ioctl(vcpu, KVM_ENABLE_CAP, NULL), EFAULT);
	expect_errno(enable_cap(vcpu, KVM_CAP_PPC_PAPR, 0), 0);
	expect_errno(enable_cap(vcpu, KVM_CAP_PPC_PAPR, 0), 0);
	run->immediate_exit = 0;
	expect_errno(ioctl(other, KVM_RUN, 0), EINVAL);
	expect_eq(run->exit_reason, KVM_EXIT_INTERNAL_ERROR);
}

/*
 * ONE_REG on a book3s HV vCPU: an id whose size is above 16 bytes -EINVAL
 * before anything else; KVM_REG_PPC_ICP_STATE and KVM_REG_PPC_VP_STATE
 * -ENXIO while no interrupt controller is connected; ids book3s does not
 * have, and known ones with another size, -EINVAL; the struct -EFAULT.
 * KVM_CAP_ONE_REG is 1.
 */
static void t_ppc_one_reg(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), set;
	__u64 val[4];

	(void)t;
	memset(val, 0, sizeof(val));
	expect_eq(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ONE_REG), 1);
	for (set = 0; set < 2; set++) {
		expect_errno(one_reg(vcpu, set, KVM_REG_PPC_ICP_STATE, val), ENXIO);
		expect_errno(one_reg(vcpu, set, KVM_REG_PPC_VP_STATE, val), ENXIO);
		expect_errno(one_reg(vcpu, set, REG_SIZE(KVM_REG_PPC_ICP_STATE, KVM_REG_SIZE_U256),
				     val), EINVAL);
		expect_errno(one_reg(vcpu, set, REG_SIZE(KVM_REG_PPC_ICP_STATE, KVM_REG_SIZE_U32),
				     val), EINVAL);
		expect_errno(one_reg(vcpu, set, REG_SIZE(KVM_REG_PPC_VP_STATE, KVM_REG_SIZE_U64),
				     val), EINVAL);
		expect_errno(ioctl(vcpu, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, NULL), EFAULT);
	}
	/* an id book3s does not list */
	expect_errno(one_reg(vcpu, false, REG_PPC_NONE, val), EINVAL);
	/* SET reads the value before it looks at the id; GET looks first */
	expect_errno(one_reg(vcpu, true, REG_PPC_NONE, NULL), EFAULT);
	expect_errno(one_reg(vcpu, true, KVM_REG_PPC_ICP_STATE, NULL), EFAULT);
	expect_errno(one_reg(vcpu, false, REG_PPC_NONE, NULL), EINVAL);
	expect_errno(one_reg(vcpu, false, KVM_REG_PPC_ICP_STATE, NULL), ENXIO);
	expect_errno(one_reg(vcpu, true, REG_SIZE(REG_PPC_NONE, KVM_REG_SIZE_U256), NULL), EINVAL);
	/* HV's HIOR: reads 0, takes only 0; GET copies out (-EFAULT) */
	val[0] = 0xdead;
	expect_errno(one_reg(vcpu, false, REG_PPC_HIOR, val), 0);
	expect_eq(val[0], 0);
	expect_errno(one_reg(vcpu, true, REG_PPC_HIOR, val), 0);
	val[0] = 0x1000;
	expect_errno(one_reg(vcpu, true, REG_PPC_HIOR, val), EINVAL);
	expect_errno(one_reg(vcpu, false, REG_PPC_HIOR, NULL), EFAULT);
}

/*
 * The node takes the host's ioctl numbers: POWER's _IOC layout (_IOC_NONE
 * 1, _IOC_READ 2, _IOC_WRITE 4 in bits 29-31; 13 size bits) makes other
 * numbers, which are unknown ioctls here (userspace-api.rst "ppc vCPUs").
 */
#define PPC_IOC(dir, nr, size) ((unsigned long)(dir) << 29 | (size) << 16 | KVMIO << 8 | (nr))

static void t_ppc_ioctl_numbers(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_PAPR };

	(void)t;
	expect_errno(ioctl(g_sys, PPC_IOC(1, 0x03, 0), KVM_CAP_PPC_PAPR), EINVAL);
	expect_errno(ioctl(vcpu, PPC_IOC(4, 0xa3, sizeof(c)), &c), EINVAL);
	expect_errno(ioctl(vcpu, KVM_ENABLE_CAP, &c), 0);
}

/*
 * KVM_IRQ_LINE and KVM_IRQ_LINE_STATUS exist on ppc (__KVM_HAVE_IRQ_LINE):
 * the struct is read first (-EFAULT), then -ENXIO while the VM has no
 * in-kernel interrupt controller (kvm_vm_ioctl_irq_line()).
 */
static void t_ppc_irq_line(const struct abi_test *t)
{
	int vm = new_vm(0);
	struct kvm_irq_level l = { .irq = 1, .level = 1 };

	(void)t;
	expect_errno(ioctl(vm, KVM_IRQ_LINE, &l), ENXIO);
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), ENXIO);
	expect_errno(ioctl(vm, KVM_IRQ_LINE, NULL), EFAULT);
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, NULL), EFAULT);
}

/*
 * The emulated host decides what the vCPU ids are (module parameter
 * ppc_host, snapshotted per VM): a POWER8 shares a virtual core among a
 * core's ids (an id in use: the generic -EEXIST; every id below
 * KVM_MAX_VCPU_ID); a POWER9 (ISA 3.0: KVM_CAP_PPC_MMU_RADIX and _HASH_V3
 * 1) gives each id its own, refuses ids from KVM_MAX_VCPUS and an id whose
 * core exists, -EINVAL, even after the vCPU was refused.
 */
PARAM_TEST(t_ppc_host_vcpu_ids)
{
	int p8, p9;

	expect_param_write("ppc_host", "power8", 0);
	p8 = new_vm(0);
	expect_eq(ioctl(p8, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX), 0);
	expect_eq(ioctl(p8, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_HASH_V3), 0);
	expect_param_write("ppc_host", "power9", 0);
	p9 = new_vm(0);
	expect_eq(ioctl(p9, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX), 1);
	expect_eq(ioctl(p9, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_HASH_V3), 1);
	expect_eq(ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX), 1);
	new_vcpu(p9, 7);
	expect_errno(track_fd(ioctl(p9, KVM_CREATE_VCPU, 7)), EINVAL);
	expect_errno(track_fd(ioctl(p9, KVM_CREATE_VCPU, 2048)), EINVAL);
	expect_errno(track_fd(ioctl(p9, KVM_CREATE_VCPU, 16383)), EINVAL);
	new_vcpu(p9, 2047);
	/* the VM made before keeps its POWER8 */
	new_vcpu(p8, 7);
	expect_errno(track_fd(ioctl(p8, KVM_CREATE_VCPU, 7)), EEXIST);
	new_vcpu(p8, 16383);
}

static const struct abi_test ppc_vcpu_tests[] = {
	{ "ppc KVM_RUN before KVM_CAP_PPC_PAPR -EINVAL with KVM_EXIT_INTERNAL_ERROR, after "
	  "immediate_exit's -EINTR; with PAPR it runs",
	  REF_RUN, t_ppc_run_needs_papr, M_PPC, 0, 0, 0 },
	{ "ppc vCPU KVM_ENABLE_CAP(PPC_PAPR): flags -EINVAL, other caps -EINVAL, repeatable, "
	  "per vCPU; KVM_CAP_PPC_PAPR 1",
	  REF_PAPR, t_ppc_enable_papr, M_PPC, 0, 0, 0 },
	{ "ppc ONE_REG: size above 16 bytes and unknown ids -EINVAL, ICP_STATE/VP_STATE -ENXIO "
	  "with no interrupt controller, -EFAULT (SET: the value before the id)",
	  REF_REG, t_ppc_one_reg, M_PPC, 0, 0, 0 },
	{ "ppc node: ioctl numbers in POWER's _IOC layout are unknown ioctls, the host's work",
	  "api.rst 4 (ioctl numbers)", t_ppc_ioctl_numbers, M_PPC, T_EXT, 0, 0 },
	{ "ppc KVM_IRQ_LINE/KVM_IRQ_LINE_STATUS: -EFAULT, then -ENXIO with no in-kernel "
	  "interrupt controller",
	  "api.rst 4.25 KVM_IRQ_LINE", t_ppc_irq_line, M_PPC, 0, 0, 0 },
	{ "ppc vCPU ids follow the emulated host (ppc_host=power9: ISA 3.0, one core per id, "
	  "-EINVAL from 2048 and for an id in use)",
	  "api.rst 4.7 KVM_CREATE_VCPU", t_ppc_host_vcpu_ids, M_PPC, T_EXT, 0, 0 },
};

TEST_GROUP(ppc_vcpu);
