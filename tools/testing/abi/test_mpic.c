// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_TYPE_FSL_MPIC_20 and _42 on the ppc node's e500mc host
 * (ppc_host=e500mc): devices/mpic.rst's groups and IRQ routing, as 6.1
 * answers them. The facts are 6.1's arch/powerpc/kvm/mpic.c (mpic_create(),
 * openpic_reset(), fsl_common_init(), mpic_set/get/has_attr(),
 * set_base_addr(), access_reg(), the openpic_*_read/write() register
 * decoders, openpic_set_irq(), openpic_update_irq(), openpic_iack(),
 * kvmppc_mpic_connect_vcpu(), kvm_set_routing_entry(), kvm_set_msi()),
 * powerpc.c (kvm_vm_ioctl_check_extension(), kvm_vcpu_ioctl_enable_cap(),
 * kvm_vm_ioctl_irq_line()), arch/powerpc/kvm/irq.h (irqchip_in_kernel()),
 * Kconfig (KVM_MPIC selects HAVE_KVM_IRQ_ROUTING, _IRQFD, _MSI),
 * virt/kvm/irqchip.c (kvm_set_irq(), kvm_set_irq_routing(),
 * kvm_send_userspace_msi()) and kvm_main.c (KVM_SET_GSI_ROUTING,
 * kvm_vm_ioctl_check_extension_generic()). Every test first switches the
 * host to the e500mc and is skipped where that cannot be (a real
 * /dev/kvm without KVM_CAP_IRQ_MPIC). The guest's side is
 * test_mpic_guest.c.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "mpic_common.h"

#define REF_DEV "devices/mpic.rst"
#define REF_MISC "devices/mpic.rst KVM_DEV_MPIC_GRP_MISC"
#define REF_REG "devices/mpic.rst KVM_DEV_MPIC_GRP_REGISTER"
#define REF_ACT "devices/mpic.rst KVM_DEV_MPIC_GRP_IRQ_ACTIVE"
#define REF_ROUTE "devices/mpic.rst IRQ Routing, api.rst 4.52 KVM_SET_GSI_ROUTING"

/* Waits up to 2 s for an irqfd's work to show (cond re-evaluated). */
#define wait_for(cond)                                                          \
	({                                                                      \
		int i__;                                                        \
		for (i__ = 0; i__ < 200 && !(cond); i__++)                      \
			sleep_ms(10);                                           \
		(cond);                                                         \
	})

/* ------------------------------------------------------------ the host */

/*
 * The e500mc host (powerpc.c, kvm_main.c with CONFIG_KVM_MPIC):
 * KVM_CAP_IRQ_MPIC 1, no XICS or XIVE, KVM_CAP_IRQ_ROUTING 4096 and
 * KVM_CAP_IRQFD(_RESAMPLE), KVM_CAP_SIGNAL_MSI 1 (HAVE_KVM_MSI); the
 * POWER hosts have no MPIC, routing or KVM_SIGNAL_MSI. The system fd
 * answers for the parameter now, a VM for the host it was made on.
 */
PARAM_TEST(t_mpic_host)
{
	int p8, e5, p9;
	int fds[2], i;

	expect_param_write("ppc_host", "power8", 0);
	p8 = new_vm(0);
	if (!need_e500mc())
		return;
	expect_eq(strcmp(param_read("ppc_host"), "e500mc"), 0);
	e5 = new_vm(0);
	fds[0] = g_sys;
	fds[1] = e5;
	for (i = 0; i < 2; i++) {
		expect_eq(check_ext(fds[i], KVM_CAP_IRQ_MPIC), 1);
		expect_eq(check_ext(fds[i], KVM_CAP_IRQ_XICS), 0);
		expect_eq(check_ext(fds[i], KVM_CAP_PPC_IRQ_XIVE), 0);
		expect_eq(check_ext(fds[i], KVM_CAP_IRQ_ROUTING), 4096);
		expect_eq(check_ext(fds[i], KVM_CAP_IRQFD), 1);
		expect_eq(check_ext(fds[i], KVM_CAP_IRQFD_RESAMPLE), 1);
		expect_eq(check_ext(fds[i], KVM_CAP_SIGNAL_MSI), 1);
	}
	expect_eq(check_ext(p8, KVM_CAP_IRQ_MPIC), 0);
	expect_eq(check_ext(p8, KVM_CAP_IRQ_ROUTING), 0);
	expect_eq(check_ext(p8, KVM_CAP_SIGNAL_MSI), 0);
	expect_eq(check_ext(p8, KVM_CAP_IRQ_XICS), 1);
	expect_param_write("ppc_host", "power9", 0);
	p9 = new_vm(0);
	expect_eq(check_ext(g_sys, KVM_CAP_IRQ_MPIC), 0);
	expect_eq(check_ext(p9, KVM_CAP_IRQ_MPIC), 0);
	expect_eq(check_ext(p9, KVM_CAP_IRQ_ROUTING), 0);
	expect_eq(check_ext(e5, KVM_CAP_IRQ_MPIC), 1);
	expect_eq(check_ext(e5, KVM_CAP_IRQ_ROUTING), 4096);
}

/*
 * Which device types exist is the VM's host's: on a POWER8 or POWER9 VM
 * both MPICs are -ENODEV (KVM_CREATE_DEVICE_TEST too), on an e500mc VM
 * XICS and XIVE are, and both MPICs pass the TEST. A VM keeps its host.
 */
PARAM_TEST(t_mpic_dev_types)
{
	int p8, p9, e5;

	expect_param_write("ppc_host", "power8", 0);
	p8 = new_vm(0);
	expect_param_write("ppc_host", "power9", 0);
	p9 = new_vm(0);
	if (!need_e500mc())
		return;
	e5 = new_vm(0);
	expect_eq(mpic_create(p8, MPIC20, KVM_CREATE_DEVICE_TEST), -ENODEV);
	expect_eq(mpic_create(p8, MPIC42, 0), -ENODEV);
	expect_eq(mpic_create(p9, MPIC20, 0), -ENODEV);
	expect_eq(mpic_create(p9, MPIC42, KVM_CREATE_DEVICE_TEST), -ENODEV);
	expect_eq(mpic_create(e5, KVM_DEV_TYPE_XICS, KVM_CREATE_DEVICE_TEST), -ENODEV);
	expect_eq(mpic_create(e5, KVM_DEV_TYPE_XICS, 0), -ENODEV);
	expect_eq(mpic_create(e5, KVM_DEV_TYPE_XIVE, 0), -ENODEV);
	expect_eq(mpic_create(e5, MPIC20, KVM_CREATE_DEVICE_TEST), 0);
	expect_eq(mpic_create(e5, MPIC42, KVM_CREATE_DEVICE_TEST), 0);
	/* the POWER VMs made before keep their XICS */
	expect_true(mpic_create(p8, KVM_DEV_TYPE_XICS, 0) >= 0);
}

/*
 * One MPIC of either type per VM: mpic_create() refuses a second with
 * -EINVAL (kvm->arch.mpic set), KVM_CREATE_DEVICE_TEST still 0. The fd is
 * "kvm-mpic". kvm_mpic_ops has no .release: closing the fd leaves the MPIC
 * to the VM (still one, still the irqchip KVM_IRQ_LINE needs). Another VM
 * has its own.
 */
static void t_mpic_one(const struct abi_test *t)
{
	int vm, dev, other;
	char path[64], link[64] = "";

	if (!need_e500mc())
		return;
	vm = new_vm(0);
	dev = mpic_create(vm, (__u32)t->a, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(mpic_create(vm, (__u32)t->a, 0), -EINVAL);
	expect_eq(mpic_create(vm, (__u32)t->b, 0), -EINVAL);
	expect_eq(mpic_create(vm, (__u32)t->b, KVM_CREATE_DEVICE_TEST), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dev);
	expect_true(readlink(path, link, sizeof(link) - 1) > 0);
	if (!expect_eq(strcmp(link, "anon_inode:kvm-mpic"), 0))
		diag("  the fd is %s", link);
	xclose(dev);
	expect_eq(mpic_create(vm, (__u32)t->b, 0), -EINVAL);
	expect_eq(mpic_create(vm, (__u32)t->a, 0), -EINVAL);
	expect_eq(line_status(vm, 0, 1), -1);
	other = new_vm(0);
	expect_true(mpic_create(other, (__u32)t->b, 0) >= 0);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC) on a vCPU, in 6.1's order: flags
 * -EINVAL; args[0] no fd -EBADF; not a KVM device, another device type,
 * another VM's MPIC, a CPU of 32 or more -EPERM; args[1] taken as a u32
 * (kvmppc_mpic_connect_vcpu()'s cpu); a CPU taken -EEXIST before a vCPU
 * connected already -EBUSY. FRR's NCPU follows the highest CPU.
 */
static void t_mpic_connect(const struct abi_test *t)
{
	struct kvm_create_device vfio = { .type = KVM_DEV_TYPE_VFIO };
	int vm, other, v0, v1, v2, v3, dev, odev, efd;

	if (!need_e500mc())
		return;
	vm = new_vm(0);
	other = new_vm(0);
	v0 = new_vcpu(vm, 0);
	v1 = new_vcpu(vm, 1);
	v2 = new_vcpu(vm, 2);
	v3 = new_vcpu(vm, 3);
	dev = mpic_create(vm, (__u32)t->a, 0);
	odev = mpic_create(other, (__u32)t->a, 0);
	efd = new_eventfd();
	if (!expect_true(dev >= 0 && odev >= 0 && efd >= 0) ||
	    !expect_errno(ioctl(vm, KVM_CREATE_DEVICE, &vfio), 0))
		return;
	track_fd((int)vfio.fd);
	expect_eq(mpic_connect(v0, dev, 0, 1), -EINVAL);
	expect_eq(mpic_connect(v0, -1, 0, 0), -EBADF);
	expect_eq(mpic_connect(v0, 1 << 20, 0, 0), -EBADF);
	expect_eq(mpic_connect(v0, efd, 0, 0), -EPERM);
	expect_eq(mpic_connect(v0, (int)vfio.fd, 0, 0), -EPERM);
	expect_eq(mpic_connect(v0, odev, 0, 0), -EPERM);
	expect_eq(mpic_connect(v0, dev, 32, 0), -EPERM);
	expect_eq(mpic_connect(v0, dev, 0xffffffffULL, 0), -EPERM);
	expect_eq(reg(dev, R_FRR) & 0xff00, 0xff00); /* NCPU of no CPU: (0 - 1) << 8 */
	expect_eq(mpic_connect(v0, dev, 1ULL << 32 | 3, 0), 0);
	expect_eq(reg(dev, R_FRR) & 0x1f00, 3 << 8);
	expect_eq(mpic_connect(v0, dev, 5, 0), -EBUSY);
	expect_eq(mpic_connect(v0, dev, 3, 0), -EEXIST);
	expect_eq(mpic_connect(v1, dev, 3, 0), -EEXIST);
	expect_eq(mpic_connect(v1, dev, 31, 0), 0);
	expect_eq(reg(dev, R_FRR) & 0xffff00ff,
		  t->a == MPIC20 ? 0x004f0002 : 0x00c30002);
	expect_eq(reg(dev, R_FRR) & 0x1f00, 31 << 8);
	expect_eq(mpic_connect(v2, dev, 0, 0), 0);
	expect_eq(mpic_connect(v2, odev, 1, 0), -EPERM);
	expect_eq(mpic_connect(v3, dev, 7, 0), 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* KVM_RUN, a SIGALRM 50 ms later ending a wait: the result, errno in *err. */
static int run_briefly(int vcpu, struct kvm_run *run, int *err)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa, old;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	run->immediate_exit = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(vcpu, KVM_RUN, 0);
	*err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	return r;
}

/*
 * The e500mc vCPU and kvmppc_sanity_check() (powerpc.c), which
 * KVM_ENABLE_CAP runs after every capability it enables: a fresh vCPU is
 * sane (it runs, idle, until a signal); KVM_CAP_PPC_PAPR (0 on BookE) sets
 * papr_enabled and is then refused (-EINVAL: PAPR only on book3s_64),
 * leaving the vCPU insane: KVM_RUN -EINVAL with KVM_EXIT_INTERNAL_ERROR
 * (kvmppc_vcpu_run()), and a connection to the MPIC made, then -EINVAL;
 * a second -EBUSY, its CPU taken (-EEXIST).
 */
static void t_mpic_connect_papr(const struct abi_test *t)
{
	struct kvm_run *r0, *r1;
	int vm, dev, v0, v1, v2, err;

	if (!need_e500mc())
		return;
	vm = new_vm(0);
	v0 = new_vcpu(vm, 0);
	v1 = new_vcpu(vm, 1);
	v2 = new_vcpu(vm, 2);
	dev = mpic_create(vm, (__u32)t->a, 0);
	r0 = map_run(v0);
	r1 = map_run(v1);
	if (!expect_true(dev >= 0) || !r0 || !r1)
		return;
	expect_eq(check_ext(vm, KVM_CAP_PPC_PAPR), 0);
	expect_run_until_signal(v0, r0);
	expect_errno(ppc_enable_papr(v1), EINVAL);
	expect_eq(run_briefly(v1, r1, &err), -1);
	expect_eq(err, EINVAL);
	expect_eq(r1->exit_reason, KVM_EXIT_INTERNAL_ERROR);
	expect_eq(mpic_connect(v1, dev, 7, 0), -EINVAL);
	expect_eq(mpic_connect(v1, dev, 8, 0), -EBUSY);
	expect_eq(mpic_connect(v2, dev, 7, 0), -EEXIST);
	expect_eq(mpic_connect(v0, dev, 0, 0), 0);
	expect_run_until_signal(v0, r0);
}

/* ------------------------------------------------------------ attributes */

/*
 * mpic_has_attr(): MISC's BASE_ADDR; GRP_REGISTER for any offset, aligned
 * or not; GRP_IRQ_ACTIVE for the 256 standard sources (6.1 refuses only
 * attr > MAX_SRC, so takes 256 too, IPI 0's line: kvm_ext follows
 * mpic.rst's "standard openpic source", Documentation/differences.rst).
 * Every other group, and MISC's other attributes, -ENXIO on HAS, GET and
 * SET alike, before the value is looked at.
 */
static void t_mpic_groups(const struct abi_test *t)
{
	static const __u64 any[] = { 0, 3, R_FRR, 0x40000, 1ULL << 40, ~0ULL };
	struct mp m;
	size_t i;

	if (!mp_up(&m, (__u32)t->a, 0))
		return;
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, NULL), 0);
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_MISC, 1, NULL), -ENXIO);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_MISC, 1, NULL), -ENXIO);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_MISC, 1, NULL), -ENXIO);
	for (i = 0; i < ARRAY_SIZE(any); i++)
		expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_REG, any[i], NULL), 0);
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_ACTIVE, 0, NULL), 0);
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_ACTIVE, 255, NULL), 0);
	/* 256: 6.1's IPI 0; kvm_ext refuses it (differences.rst) */
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_ACTIVE, 256, NULL), g_is_ext ? -ENXIO : 0);
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_ACTIVE, 257, NULL), -ENXIO);
	expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, GRP_ACTIVE, 1ULL << 32, NULL), -ENXIO);
	for (i = 0; i < 2; i++) {
		__u32 grp = i ? 4 : 0;

		expect_eq(mp_attr(m.dev, KVM_HAS_DEVICE_ATTR, grp, 0, NULL), -ENXIO);
		expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, grp, 0, NULL), -ENXIO);
		expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, grp, 0, NULL), -ENXIO);
	}
}

/*
 * KVM_DEV_MPIC_BASE_ADDR (set_base_addr()): reset 0; the value read first
 * (-EFAULT, GET too), then naturally aligned to 256 KiB or -EINVAL
 * (nothing changes); any aligned 64-bit address; 0 disables.
 */
static void t_mpic_base_addr(const struct abi_test *t)
{
	static const __u64 bad[] = { 1, 0x1000, 0x20000, 0x3ffff, MPIC_BASE + 0x20000,
				     (1ULL << 40) | 0x100 };
	struct mp m;
	size_t i;

	if (!mp_up(&m, (__u32)t->a, 0) || !expect_eq(base_put(m.dev, 0), 0))
		return;
	expect_eq(base_get(m.dev), 0);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, NULL),
		  -EFAULT);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_MISC, KVM_DEV_MPIC_BASE_ADDR,
			  g_bad_ptr), -EFAULT);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_MISC, KVM_DEV_MPIC_BASE_ADDR,
			  g_bad_ptr), -EFAULT);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_eq(base_put(m.dev, bad[i]), -EINVAL);
	expect_eq(base_get(m.dev), 0);
	expect_eq(base_put(m.dev, MPIC_BASE), 0);
	expect_eq(base_get(m.dev), MPIC_BASE);
	expect_eq(base_put(m.dev, MPIC_BASE), 0);
	expect_eq(base_put(m.dev, 0x3ffff), -EINVAL);
	expect_eq(base_get(m.dev), MPIC_BASE);
	expect_eq(base_put(m.dev, 1ULL << 40), 0);
	expect_eq(base_get(m.dev), 1ULL << 40);
	expect_eq(base_put(m.dev, 0x40000), 0);
	expect_eq(base_get(m.dev), 0x40000);
	expect_eq(base_put(m.dev, 0), 0);
	expect_eq(base_get(m.dev), 0);
	/* the registers do not need a mapping */
	expect_eq(reg(m.dev, R_SPVR), SPURIOUS);
}

/*
 * GRP_REGISTER's errnos (mpic_set/get_attr(), access_reg(),
 * kvm_mpic_*_internal()): SET reads the value first (-EFAULT), then the
 * offset; GET looks at the offset first, then writes the value (-EFAULT).
 * An offset not 4-byte aligned, or in no region of the register space
 * (nor beyond it), -ENXIO; PIR's write -ENXIO ("let userspace handle
 * it"), its read 0; an MSI-region read not 16-byte aligned -ENXIO, its
 * write ignored. A GET's access is made before its -EFAULT (an IACK
 * acknowledges). Elsewhere a word not 16-byte aligned reads all ones.
 */
static void t_mpic_reg_errnos(const struct abi_test *t)
{
	static const __u64 misaligned[] = { 1, 2, 3, R_FRR + 2, R_IVPR(3) + 1, R_CPU(0) + 0x81 };
	static const __u64 holes[] = { 0x1310, 0x1400, 0x15fc, 0x1800, 0x2000, 0x37fc,
				       0x4000, 0xfffc, 0x12000, 0x1fffc, 0x3f100, 0x3fffc,
				       0x40000, 0x40000 + R_FRR, 1ULL << 32, ~3ULL };
	struct mp m;
	__u32 v;
	size_t i;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	for (i = 0; i < ARRAY_SIZE(misaligned); i++) {
		expect_eq(reg_try(m.dev, misaligned[i], &v), -ENXIO);
		expect_eq(reg_put(m.dev, misaligned[i], 0), -ENXIO);
	}
	for (i = 0; i < ARRAY_SIZE(holes); i++) {
		expect_eq(reg_try(m.dev, holes[i], &v), -ENXIO);
		expect_eq(reg_put(m.dev, holes[i], 0), -ENXIO);
	}
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_REG, R_SPVR, NULL), -EFAULT);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_REG, 1, g_bad_ptr), -EFAULT);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_REG, 0x2000, g_bad_ptr), -EFAULT);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_REG, 1, g_bad_ptr), -ENXIO);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_REG, 0x2000, g_bad_ptr), -ENXIO);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_REG, R_SPVR, g_bad_ptr), -EFAULT);
	/* a GET's read happens before its -EFAULT: an IACK acknowledges */
	wreg(m.dev, R_CPU(0) + R_CTPR, 0);
	src_setup(m.dev, 3, 5, 0x33, false, 1);
	expect_eq(active_put(m.dev, 3, 1), 0);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_REG, R_CPU(0) + R_IACK, g_bad_ptr),
		  -EFAULT);
	expect_eq(active(m.dev, 3), 0);
	expect_eq(reg_put(m.dev, R_PIR, 1), -ENXIO);
	expect_eq(reg(m.dev, R_PIR), 0);
	for (i = 4; i < 16; i += 4) {
		expect_eq(reg_try(m.dev, R_MSIR(0) + i, &v), -ENXIO);
		expect_eq(reg_try(m.dev, R_MSIIR + i, &v), -ENXIO);
		expect_eq(reg_put(m.dev, R_MSIIR + i, MSIIR(0, 1)), 0);
	}
	expect_eq(reg(m.dev, R_MSISR), 0);
	/* words between the 16-byte registers; region ends */
	expect_eq(reg(m.dev, R_FRR + 4), 0xffffffff);
	expect_eq(reg(m.dev, 0x10ec), 0xffffffff);
	expect_eq(reg(m.dev, 0x130c), 0xffffffff);
	expect_eq(reg(m.dev, R_IVPR(255) + 0x1c), 0xffffffff);
	expect_eq(reg(m.dev, R_IVPR(7) + 4), 0xffffffff);
	expect_eq(reg(m.dev, R_CPU(31) + 0xfc), 0xffffffff);
	expect_eq(reg(m.dev, R_CPU(3) + 0x100), 0xffffffff);
	expect_eq(reg(m.dev, 0x3ffc), 0);
	expect_eq(reg_put(m.dev, R_FRR + 4, 0), 0);
	expect_eq(reg_put(m.dev, R_IVPR(7) + 4, 0), 0);
	expect_eq(reg(m.dev, R_IVPR(7)), IVPR_MSK);
}

/*
 * GRP_IRQ_ACTIVE's errnos (mpic_set/get_attr()): the IRQ first (-EINVAL
 * above 256, MAX_SRC), then the value (-EFAULT), then it must be 0 or 1
 * (-EINVAL); GET: -EINVAL above 256, -EFAULT. 6.1 takes 256, IPI 0's
 * line; kvm_ext refuses it as mpic.rst's sources end at 255
 * (Documentation/differences.rst).
 */
static void t_mpic_active_errnos(const struct abi_test *t)
{
	struct mp m;
	__u32 v = 1;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_ACTIVE, 257, NULL), -EINVAL);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_ACTIVE, 1ULL << 32, &v), -EINVAL);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_ACTIVE, 0, NULL), -EFAULT);
	expect_eq(mp_attr(m.dev, KVM_SET_DEVICE_ATTR, GRP_ACTIVE, 0, g_bad_ptr), -EFAULT);
	expect_eq(active_put(m.dev, 0, 2), -EINVAL);
	expect_eq(active_put(m.dev, 0, 0xffffffff), -EINVAL);
	expect_eq(active(m.dev, 0), 0);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_ACTIVE, 257, NULL), -EINVAL);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_ACTIVE, ~0ULL, &v), -EINVAL);
	expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_ACTIVE, 0, g_bad_ptr), -EFAULT);
	expect_eq(active_put(m.dev, 255, 0), 0);
	/* 256: 6.1's IPI 0, refused by kvm_ext (differences.rst) */
	if (g_is_ext) {
		expect_eq(active_put(m.dev, 256, 1), -EINVAL);
		expect_eq(mp_attr(m.dev, KVM_GET_DEVICE_ATTR, GRP_ACTIVE, 256, &v), -EINVAL);
	} else {
		expect_eq(active_put(m.dev, 256, 1), 0);
		expect_eq(active(m.dev, 256), 1);
	}
}

/* ------------------------------------------------------------ registers */

/*
 * The register file after KVM_CREATE_DEVICE (mpic_create(), fsl_common_init(),
 * openpic_reset(), before any vCPU: nb_cpus 0): BRR1 per model (v2.0
 * 0x00400200, v4.2 0x00400402); FRR NIRQ-1 (80 or 196 sources) and VID 2,
 * its NCPU field (nb_cpus - 1) all ones until a CPU connects; GCR, VIR,
 * PIR, TFRR 0; SPVR 0xffff; IPI and timer vector/priority registers
 * masked; TBCR count-inhibited; sources masked (internal ones, 16 and up,
 * with the polarity bit); every IDR 0 (masked to no CPU); ILR 0 on v4.2,
 * all ones on v2.0 (no ILR); each CPU's CTPR 15, WHOAMI its number, EOI
 * 0, IACK the spurious vector; the "this CPU" registers all ones from the
 * VMM (no vCPU in the call); MSI and summary registers 0; every line 0.
 * Connecting CPUs changes FRR, not the IDRs.
 */
static void t_mpic_reset(const struct abi_test *t)
{
	bool v20 = t->a == MPIC20;
	struct mp m;
	int i, v0;

	if (!need_e500mc() || !mp_new(&m, (__u32)t->a, 0, NULL, false))
		return;
	expect_eq(base_get(m.dev), 0);
	expect_eq(reg(m.dev, R_BRR1), v20 ? 0x00400200 : 0x00400402);
	expect_eq(reg(m.dev, R_FRR), (v20 ? 0x004f0002 : 0x00c30002) | 0xffffff00);
	expect_eq(reg(m.dev, R_GCR), 0);
	expect_eq(reg(m.dev, R_VIR), 0);
	expect_eq(reg(m.dev, R_PIR), 0);
	expect_eq(reg(m.dev, R_SPVR), SPURIOUS);
	expect_eq(reg(m.dev, R_TFRR), 0);
	for (i = 0; i < 4; i++) {
		expect_eq(reg(m.dev, R_IPIVPR(i)), IVPR_MSK);
		expect_eq(reg(m.dev, R_TBCR(i)), 0x80000000);
		expect_eq(reg(m.dev, R_TVPR(i)), IVPR_MSK);
		expect_eq(reg(m.dev, R_TDR(i)), 0);
		if (i)
			expect_eq(reg(m.dev, R_TCCR(i)), 0);
	}
	for (i = 0; i < 256; i++) {
		expect_eq(reg(m.dev, R_IVPR(i)), i < 16 ? IVPR_MSK : IVPR_MSK | IVPR_POL);
		expect_eq(reg(m.dev, R_IDR(i)), 0);
		expect_eq(reg(m.dev, R_ILR(i)), v20 ? 0xffffffff : 0);
		expect_eq(active(m.dev, i), 0);
		if (test_failed()) {
			diag("  source %d", i);
			break;
		}
	}
	for (i = 0; i < 32; i++) {
		expect_eq(reg(m.dev, R_CPU(i) + R_CTPR), 15);
		expect_eq(reg(m.dev, R_CPU(i) + R_WHOAMI), i);
		expect_eq(reg(m.dev, R_CPU(i) + R_EOI), 0);
		expect_eq(reg(m.dev, R_CPU(i) + R_IPIDR(0)), 0xffffffff);
		expect_eq(reg(m.dev, R_CPU(i) + R_IACK), SPURIOUS);
	}
	for (i = 0x40; i <= 0xb0; i += 0x10)
		expect_eq(reg(m.dev, i), 0xffffffff);
	expect_eq(reg(m.dev, 0x10), 0xffffffff);
	expect_eq(reg(m.dev, 0x1010), 0xffffffff);
	for (i = 0; i < 8; i++)
		expect_eq(reg(m.dev, R_MSIR(i)), 0);
	expect_eq(reg(m.dev, R_MSISR), 0);
	expect_eq(reg(m.dev, R_MSIIR), 0);
	expect_eq(reg(m.dev, 0x1700), 0);
	expect_eq(reg(m.dev, R_SUMMARY), 0);
	/* CPUs connect: FRR's NCPU, the IDRs stay */
	v0 = new_vcpu(m.vm, 0);
	expect_eq(mpic_connect(v0, m.dev, 0, 0), 0);
	expect_eq(reg(m.dev, R_FRR), v20 ? 0x004f0002 : 0x00c30002);
	expect_eq(mpic_connect(new_vcpu(m.vm, 1), m.dev, 1, 0), 0);
	expect_eq(reg(m.dev, R_FRR), v20 ? 0x004f0102 : 0x00c30102);
	expect_eq(reg(m.dev, R_IDR(0)), 0);
}

/*
 * What a write keeps (write_IRQreg_ivpr/idr/ilr(), openpic_gcr_write(),
 * openpic_gbl_write(), openpic_cpu_write_internal()), two CPUs connected:
 * IVPR mask, priority, sense, polarity and the 16-bit vector, not
 * activity or mode; internal sources (16 and up) no sense, IPIs and
 * timers no sense or polarity; IDR the CPUs there are, on v2.0 also their
 * critical bits and EP (0xe0000003), on v4.2 not (0x3); ILR's low byte on
 * v4.2, nothing on v2.0; GCR's mode bits (v2.0 mixed, v4.2 proxy); SPVR's
 * 16 bits; TFRR all; BRR1, FRR, VIR not at all; a CPU's CTPR 4 bits,
 * WHOAMI and IACK not; the "this CPU" registers nothing from the VMM.
 * GCR's RESET bit resets the registers (IDRs now to CPU 0) and clears.
 */
static void t_mpic_reg_writes(const struct abi_test *t)
{
	bool v20 = t->a == MPIC20;
	__u32 idr_all = v20 ? 0xe0000003 : 0x3;
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 2))
		return;
	wreg(m.dev, R_IVPR(0), 0xffffffff);
	expect_eq(reg(m.dev, R_IVPR(0)), 0x80cfffff);
	wreg(m.dev, R_IVPR(16), 0xffffffff);
	expect_eq(reg(m.dev, R_IVPR(16)), 0x808fffff);
	wreg(m.dev, R_IVPR(17), 0);
	expect_eq(reg(m.dev, R_IVPR(17)), 0);
	wreg(m.dev, R_IPIVPR(2), 0xffffffff);
	expect_eq(reg(m.dev, R_IPIVPR(2)), 0x800fffff);
	wreg(m.dev, W_TVPR(1), 0xffffffff);
	expect_eq(reg(m.dev, R_TVPR(1)), 0x800fffff);
	wreg(m.dev, R_IDR(0), 0xffffffff);
	expect_eq(reg(m.dev, R_IDR(0)), idr_all);
	wreg(m.dev, R_IDR(0), 0);
	wreg(m.dev, R_IDR(200), 0xffffffff);
	expect_eq(reg(m.dev, R_IDR(200)), idr_all);
	wreg(m.dev, R_IDR(200), 2);
	expect_eq(reg(m.dev, R_IDR(200)), 2);
	wreg(m.dev, W_TDR(3), 0xffffffff);
	expect_eq(reg(m.dev, R_TDR(3)), idr_all);
	wreg(m.dev, R_ILR(5), 0xffffffff);
	expect_eq(reg(m.dev, R_ILR(5)), v20 ? 0xffffffff : 0xff);
	wreg(m.dev, R_ILR(5), 0x102);
	expect_eq(reg(m.dev, R_ILR(5)), v20 ? 0xffffffff : 2);
	wreg(m.dev, R_ILR(5), 0);
	wreg(m.dev, R_GCR, 0x7fffffff);
	expect_eq(reg(m.dev, R_GCR), v20 ? 0x20000000 : 0x60000000);
	wreg(m.dev, R_SPVR, 0x12345);
	expect_eq(reg(m.dev, R_SPVR), 0x2345);
	wreg(m.dev, R_TFRR, 0x12345678);
	expect_eq(reg(m.dev, R_TFRR), 0x12345678);
	wreg(m.dev, R_BRR1, 0);
	wreg(m.dev, R_FRR, 0);
	wreg(m.dev, R_VIR, 0x1234);
	expect_eq(reg(m.dev, R_BRR1), v20 ? 0x00400200 : 0x00400402);
	expect_eq(reg(m.dev, R_FRR), v20 ? 0x004f0102 : 0x00c30102);
	expect_eq(reg(m.dev, R_VIR), 0);
	wreg(m.dev, R_CPU(1) + R_CTPR, 0xffffffff);
	expect_eq(reg(m.dev, R_CPU(1) + R_CTPR), 15);
	wreg(m.dev, R_CPU(1) + R_CTPR, 0x13);
	expect_eq(reg(m.dev, R_CPU(1) + R_CTPR), 3);
	expect_eq(reg(m.dev, R_CPU(0) + R_CTPR), 15);
	wreg(m.dev, R_CPU(1) + R_WHOAMI, 7);
	wreg(m.dev, R_CPU(1) + R_IACK, 7);
	wreg(m.dev, R_CPU(1) + R_EOI, 0);
	expect_eq(reg(m.dev, R_CPU(1) + R_WHOAMI), 1);
	wreg(m.dev, R_CTPR, 9);
	expect_eq(reg(m.dev, R_CPU(0) + R_CTPR), 15);
	expect_eq(reg(m.dev, R_CPU(1) + R_CTPR), 3);
	/* a CPU no vCPU is: its page works */
	wreg(m.dev, R_CPU(20) + R_CTPR, 4);
	expect_eq(reg(m.dev, R_CPU(20) + R_CTPR), 4);

	wreg(m.dev, R_GCR, GCR_RESET | 0x20000000);
	expect_eq(reg(m.dev, R_GCR), 0);
	expect_eq(reg(m.dev, R_SPVR), SPURIOUS);
	expect_eq(reg(m.dev, R_TFRR), 0);
	expect_eq(reg(m.dev, R_IVPR(0)), IVPR_MSK);
	expect_eq(reg(m.dev, R_IVPR(16)), IVPR_MSK | IVPR_POL);
	expect_eq(reg(m.dev, R_IPIVPR(2)), IVPR_MSK);
	expect_eq(reg(m.dev, R_TVPR(1)), IVPR_MSK);
	expect_eq(reg(m.dev, R_IDR(0)), 1);
	expect_eq(reg(m.dev, R_IDR(200)), 1);
	expect_eq(reg(m.dev, R_TDR(3)), 1);
	expect_eq(reg(m.dev, R_CPU(1) + R_CTPR), 15);
	expect_eq(reg(m.dev, R_CPU(20) + R_CTPR), 15);
}

/*
 * The global timers' registers (openpic_tmr_read/write()): 6.1 models
 * their registers, not their counting. TFRR at 0x10f0; timer n's TBCR,
 * TVPR, TDR written at 0x1110/0x1120/0x1130 + 0x40n and read 0x10 below
 * (the read decoder takes the offset from 0x10f0, the write decoder the
 * absolute one); TCCR never counts (0 with count-inhibit clear) and a
 * timer never interrupts; TVPR keeps no sense or polarity; TDR as an IDR.
 */
static void t_mpic_timers(const struct abi_test *t)
{
	struct mp m;
	int n;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	wreg(m.dev, R_CPU(0) + R_CTPR, 0);
	wreg(m.dev, R_TFRR, 0x01312d00);
	expect_eq(reg(m.dev, R_TFRR), 0x01312d00);
	for (n = 0; n < 4; n++) {
		wreg(m.dev, W_TDR(n), 1);
		wreg(m.dev, W_TVPR(n), IVPR_PRIO(5 + n) | IVPR_POL | IVPR_SENSE | (0x70 + n));
		wreg(m.dev, W_TBCR(n), 0x100 + n);
	}
	for (n = 0; n < 4; n++) {
		expect_eq(reg(m.dev, R_TBCR(n)), 0x100 + n);
		expect_eq(reg(m.dev, R_TVPR(n)), IVPR_PRIO(5 + n) | (0x70 + n));
		expect_eq(reg(m.dev, R_TDR(n)), 1);
	}
	/* the TCCR offset's write is ignored (it reads TBCR) */
	wreg(m.dev, R_TBCR(2), 0x5555);
	expect_eq(reg(m.dev, R_TBCR(2)), 0x102);
	sleep_ms(20);
	for (n = 1; n < 4; n++)
		expect_eq(reg(m.dev, R_TCCR(n)), 0);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), SPURIOUS);
	expect_eq(reg(m.dev, R_TFRR), 0x01312d00);
}

/*
 * The MSI registers (openpic_msi_read/write()), alike on both models:
 * an MSIIR write sets bit IBS (bits 28-24) of MSIR SRS (bits 31-29) and
 * raises source 224 + SRS; MSISR has a bit per non-empty MSIR; reading an
 * MSIR returns and clears it and lowers its source; MSIIR reads 0; the
 * other MSI registers ignore writes. An unmasked MSI source is active
 * while its MSIR is not empty.
 */
static void t_mpic_msi_regs(const struct abi_test *t)
{
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	src_setup(m.dev, MSI_IRQ(0), 5, 0xe0, true, 1);
	wreg(m.dev, R_MSIIR, MSIIR(0, 5));
	expect_eq(reg(m.dev, R_MSISR), 0x1);
	expect_eq(active(m.dev, MSI_IRQ(0)), 1);
	expect_eq(reg(m.dev, R_IVPR(MSI_IRQ(0))), IVPR_A | IVPR_PRIO(5) | 0xe0);
	wreg(m.dev, R_MSIIR, MSIIR(7, 31));
	wreg(m.dev, R_MSIIR, MSIIR(0, 6));
	wreg(m.dev, R_MSIIR, MSIIR(0, 5));
	expect_eq(reg(m.dev, R_MSISR), 0x81);
	expect_eq(active(m.dev, MSI_IRQ(7)), 1);
	expect_eq(reg(m.dev, R_IVPR(MSI_IRQ(7))), IVPR_MSK | IVPR_POL);
	expect_eq(reg(m.dev, R_MSIIR), 0);
	wreg(m.dev, R_MSIR(1), 0xffffffff);
	wreg(m.dev, R_MSISR, 0xffffffff);
	expect_eq(reg(m.dev, R_MSISR), 0x81);
	expect_eq(reg(m.dev, R_MSIR(0)), 0x60);
	expect_eq(reg(m.dev, R_MSIR(0)), 0);
	expect_eq(active(m.dev, MSI_IRQ(0)), 0);
	expect_eq(reg(m.dev, R_IVPR(MSI_IRQ(0))), IVPR_PRIO(5) | 0xe0);
	expect_eq(reg(m.dev, R_MSISR), 0x80);
	expect_eq(reg(m.dev, R_MSIR(7)), 0x80000000);
	expect_eq(reg(m.dev, R_MSISR), 0);
	expect_eq(active(m.dev, MSI_IRQ(7)), 0);
}

/*
 * GRP_IRQ_ACTIVE as mpic.rst has it (openpic_set_irq(), openpic_iack()),
 * acknowledged through CPU 0's page: an edge source (0-15 with the sense
 * bit clear) reads 1 after a 1 until acknowledged, a 0 is ignored; a
 * level source (sense set, or internal: 16 and up) reads its line, which
 * an IACK leaves up; a masked edge stays pending, unacknowledged, and is
 * taken once unmasked (IVPR's activity bit follows).
 */
static void t_mpic_active(const struct abi_test *t)
{
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	wreg(m.dev, R_CPU(0) + R_CTPR, 0);
	src_setup(m.dev, 3, 5, 0x33, false, 1);
	expect_eq(active_put(m.dev, 3, 1), 0);
	expect_eq(active(m.dev, 3), 1);
	expect_eq(reg(m.dev, R_IVPR(3)), IVPR_A | IVPR_PRIO(5) | 0x33);
	expect_eq(active_put(m.dev, 3, 0), 0);
	expect_eq(active(m.dev, 3), 1);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), 0x33);
	expect_eq(active(m.dev, 3), 0);
	expect_eq(reg(m.dev, R_IVPR(3)), IVPR_PRIO(5) | 0x33);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), SPURIOUS);
	wreg(m.dev, R_CPU(0) + R_EOI, 0);

	src_setup(m.dev, 20, 6, 0x20, false, 1);
	expect_eq(active_put(m.dev, 20, 1), 0);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), 0x20);
	expect_eq(active(m.dev, 20), 1);
	expect_eq(reg(m.dev, R_IVPR(20)), IVPR_A | IVPR_PRIO(6) | 0x20);
	expect_eq(active_put(m.dev, 20, 0), 0);
	expect_eq(active(m.dev, 20), 0);
	expect_eq(reg(m.dev, R_IVPR(20)), IVPR_PRIO(6) | 0x20);
	wreg(m.dev, R_CPU(0) + R_EOI, 0);

	src_setup(m.dev, 4, 6, 0x44, true, 1);
	expect_eq(active_put(m.dev, 4, 1), 0);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), 0x44);
	expect_eq(active(m.dev, 4), 1);
	expect_eq(active_put(m.dev, 4, 0), 0);
	expect_eq(active(m.dev, 4), 0);
	wreg(m.dev, R_CPU(0) + R_EOI, 0);

	wreg(m.dev, R_IDR(5), 1);
	wreg(m.dev, R_IVPR(5), IVPR_MSK | IVPR_PRIO(7) | 0x55);
	expect_eq(active_put(m.dev, 5, 1), 0);
	expect_eq(active(m.dev, 5), 1);
	expect_eq(reg(m.dev, R_IVPR(5)), IVPR_MSK | IVPR_PRIO(7) | 0x55);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), SPURIOUS);
	expect_eq(active(m.dev, 5), 1);
	wreg(m.dev, R_IVPR(5), IVPR_PRIO(7) | 0x55);
	expect_eq(reg(m.dev, R_IVPR(5)), IVPR_A | IVPR_PRIO(7) | 0x55);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), 0x55);
	expect_eq(active(m.dev, 5), 0);
	wreg(m.dev, R_CPU(0) + R_EOI, 0);
}

/*
 * Outputs other than INT: on v2.0 an IDR's critical bits (CI0 is bit 30,
 * CPU 0's) make a source critical, which ignores its mask; on v4.2 ILR 1
 * does, and the mask counts. A critical source is not presented on INT
 * (IACK spurious; 6.1 raises no vCPU input for it), while IVPR's activity
 * bit follows its line; an edge on it clears at once ("interrupt storm"
 * guard, so GRP_IRQ_ACTIVE reads 0). kvm_ext: a v4.2 ILR output above 2
 * (6.1 counts it out of bounds) is kept and delivers nowhere
 * (differences.rst).
 */
static void t_mpic_critical(const struct abi_test *t)
{
	bool v20 = t->a == MPIC20;
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	wreg(m.dev, R_CPU(0) + R_CTPR, 0);
	if (v20) {
		wreg(m.dev, R_IDR(20), 0x40000000);
		wreg(m.dev, R_IDR(3), 0x40000000);
		expect_eq(reg(m.dev, R_IDR(20)), 0x40000000);
		wreg(m.dev, R_ILR(20), 0);
		expect_eq(reg(m.dev, R_ILR(20)), 0xffffffff);
		wreg(m.dev, R_IVPR(20), IVPR_MSK | IVPR_PRIO(5) | 0x20);
	} else {
		wreg(m.dev, R_IDR(20), 0x40000001);
		wreg(m.dev, R_IDR(3), 1);
		expect_eq(reg(m.dev, R_IDR(20)), 1);
		wreg(m.dev, R_ILR(20), 1);
		wreg(m.dev, R_ILR(3), 1);
		expect_eq(reg(m.dev, R_ILR(20)), 1);
		wreg(m.dev, R_IVPR(20), IVPR_PRIO(5) | 0x20);
	}
	wreg(m.dev, R_IVPR(3), IVPR_PRIO(5) | 0x33);
	expect_eq(active_put(m.dev, 20, 1), 0);
	expect_eq(active(m.dev, 20), 1);
	expect_eq(reg(m.dev, R_IVPR(20)) & IVPR_A, IVPR_A);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), SPURIOUS);
	expect_eq(active_put(m.dev, 3, 1), 0);
	expect_eq(active(m.dev, 3), 0);
	expect_eq(reg(m.dev, R_IVPR(3)), IVPR_PRIO(5) | 0x33);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), SPURIOUS);
	expect_eq(active_put(m.dev, 20, 0), 0);
	expect_eq(reg(m.dev, R_IVPR(20)) & IVPR_A, 0);
	if (!v20) {
		/* v4.2's critical sources keep the mask */
		wreg(m.dev, R_IVPR(20), IVPR_MSK | IVPR_PRIO(5) | 0x20);
		expect_eq(active_put(m.dev, 20, 1), 0);
		expect_eq(reg(m.dev, R_IVPR(20)), IVPR_MSK | IVPR_PRIO(5) | 0x20);
		expect_eq(active_put(m.dev, 20, 0), 0);
	}
	/*
	 * v4.2's ILR takes any low byte; 6.1 counts outputs 3 and up out of
	 * bounds, kvm_ext delivers them nowhere (differences.rst)
	 */
	if (!v20 && g_is_ext) {
		wreg(m.dev, R_ILR(21), 0x80);
		expect_eq(reg(m.dev, R_ILR(21)), 0x80);
		src_setup(m.dev, 21, 5, 0x21, false, 1);
		expect_eq(active_put(m.dev, 21, 1), 0);
		expect_eq(reg(m.dev, R_CPU(0) + R_IACK), SPURIOUS);
		expect_eq(active_put(m.dev, 21, 0), 0);
	}
	/* back on INT, the source is presented */
	wreg(m.dev, v20 ? R_IDR(20) : R_ILR(20), v20 ? 1 : 0);
	wreg(m.dev, R_IVPR(20), IVPR_PRIO(5) | 0x20);
	expect_eq(active_put(m.dev, 20, 1), 0);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), 0x20);
}

/* ------------------------------------------------------------ routing */

/*
 * The POWER hosts have no GSI routing and no KVM_SIGNAL_MSI (unknown VM
 * ioctls), but irqfds (XICS selects HAVE_KVM_IRQFD); the e500mc has all
 * three.
 */
PARAM_TEST(t_mpic_routing_ioctls)
{
	int p8, e5;

	expect_param_write("ppc_host", "power8", 0);
	p8 = new_vm(0);
	if (!need_e500mc())
		return;
	e5 = new_vm(0);
	expect_errno(ioctl(p8, KVM_SET_GSI_ROUTING, g_bad_ptr), P->unknown_vm_ioctl_errno);
	expect_errno(ioctl(p8, KVM_SIGNAL_MSI, g_bad_ptr), P->unknown_vm_ioctl_errno);
	expect_errno(ioctl(p8, KVM_IRQFD, g_bad_ptr), EFAULT);
	expect_errno(ioctl(e5, KVM_SET_GSI_ROUTING, g_bad_ptr), EFAULT);
	expect_errno(ioctl(e5, KVM_SIGNAL_MSI, g_bad_ptr), EFAULT);
	expect_errno(ioctl(e5, KVM_IRQFD, g_bad_ptr), EFAULT);
}

/*
 * Before an MPIC: KVM_IRQ_LINE(_STATUS) -ENXIO (irqchip_in_kernel()),
 * KVM_SIGNAL_MSI -EINVAL (kvm_send_userspace_msi()), KVM_IRQFD -EAGAIN
 * (kvm_irqfd_assign(): kvm_arch_intc_initialized()), its deassign 0; a
 * routing table is accepted. mpic_create() installs an empty table, so the
 * earlier routes are gone: a fresh MPIC's KVM_IRQ_LINE reaches nothing
 * (status -1, no source raised) until KVM_SET_GSI_ROUTING.
 */
static void t_mpic_before(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e[2];
	struct kvm_irq_level l = { .irq = 3, .level = 1 };
	struct kvm_irqfd fd = { .gsi = 3 };
	int vm, dev, efd = new_eventfd();

	if (!need_e500mc())
		return;
	vm = new_vm(0);
	expect_errno(ioctl(vm, KVM_IRQ_LINE, &l), ENXIO);
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), ENXIO);
	expect_eq(signal_msi(vm, 0, 0), -EINVAL);
	e[0] = chip_route(3, 3);
	e[1] = chip_route(4, 20);
	expect_eq(route_table(vm, e, 2), 0);
	fd.fd = (__u32)efd;
	expect_errno(ioctl(vm, KVM_IRQFD, &fd), EAGAIN);
	fd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	expect_errno(ioctl(vm, KVM_IRQFD, &fd), 0);
	dev = mpic_create(vm, (__u32)t->a, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(line_status(vm, 3, 1), -1);
	expect_eq(line_status(vm, 4, 1), -1);
	expect_eq(line_status(vm, 0, 1), -1);
	expect_eq(line_status(vm, 4095, 1), -1);
	expect_eq(line_status(vm, 0xffffffff, 1), -1);
	expect_errno(ioctl(vm, KVM_IRQ_LINE, &l), 0);
	expect_eq(active(dev, 3), 0);
	expect_eq(active(dev, 20), 0);
	expect_eq(active(dev, 0), 0);
	expect_eq(route_table(vm, e, 2), 0);
	expect_eq(line_status(vm, 3, 1), 0);
	expect_eq(active(dev, 3), 1);
}

/*
 * KVM_SET_GSI_ROUTING on the MPIC (kvm_main.c, kvm_set_irq_routing(),
 * setup_routing_entry(), kvm_set_routing_entry()): the header (-EFAULT),
 * nr above 4096, flags -EINVAL, the entries (-EFAULT); an entry's GSI of
 * 4096 or more, flags on an irqchip route or other than VALID_DEVID on an
 * MSI, a pin of 256 or more (KVM_IRQCHIP_NUM_PINS), a type other than
 * irqchip or MSI, a GSI routed twice to the irqchip or an MSI route
 * beside another -EINVAL. GSIs sharing a pin are fine. A refused table
 * changes nothing. kvm_ext also refuses an irqchip other than 0, which
 * 6.1 indexes out of bounds (differences.rst).
 */
static void t_mpic_routing_errnos(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e[3];
	struct kvm_irq_routing *h;
	struct mp m;
	char *p;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	expect_errno(ioctl(m.vm, KVM_SET_GSI_ROUTING, g_bad_ptr), EFAULT);
	p = alloc_mem(2 * PAGE_SZ);
	if (!p || mprotect(p + PAGE_SZ, PAGE_SZ, PROT_NONE))
		return;
	h = (struct kvm_irq_routing *)(p + PAGE_SZ - sizeof(*h));
	h->nr = 4097;
	expect_errno(ioctl(m.vm, KVM_SET_GSI_ROUTING, h), EINVAL);
	h->nr = 1;
	h->flags = 1;
	expect_errno(ioctl(m.vm, KVM_SET_GSI_ROUTING, h), EINVAL);
	h->flags = 0;
	expect_errno(ioctl(m.vm, KVM_SET_GSI_ROUTING, h), EFAULT);
	h->nr = 0;
	expect_errno(ioctl(m.vm, KVM_SET_GSI_ROUTING, h), 0);

	e[0] = chip_route(5, 3);
	expect_eq(route_table(m.vm, e, 1), 0);
	e[1] = chip_route(4096, 4);
	expect_eq(route_table(m.vm, e, 2), -EINVAL);
	e[1] = chip_route(6, 4);
	e[1].flags = 1;
	expect_eq(route_table(m.vm, e, 2), -EINVAL);
	e[1] = msi_route(6, 0);
	e[1].flags = 2;
	expect_eq(route_table(m.vm, e, 2), -EINVAL);
	e[1].flags = KVM_MSI_VALID_DEVID;
	e[2] = chip_route(7, 256);
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2] = chip_route(7, 0x10000);
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2] = chip_route(7, 4);
	e[2].type = 3; /* KVM_IRQ_ROUTING_S390_ADAPTER */
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2].type = 0;
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2] = chip_route(5, 4);
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2] = msi_route(5, 0);
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2] = chip_route(6, 9);
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	e[2] = msi_route(6, 0);
	expect_eq(route_table(m.vm, e, 3), -EINVAL);
	/* none of those changed the table: GSI 5 is pin 3, 6 and 7 nothing */
	expect_eq(line_status(m.vm, 6, 1), -1);
	expect_eq(line_status(m.vm, 7, 1), -1);
	expect_eq(reg(m.dev, R_MSISR), 0);
	expect_eq(line_status(m.vm, 5, 1), 0);
	expect_eq(active(m.dev, 3), 1);
	expect_eq(active(m.dev, 4), 0);
	/*
	 * another irqchip: 6.1 writes rt->chip[irqchip][pin] out of bounds;
	 * kvm_ext refuses it (differences.rst)
	 */
	if (g_is_ext) {
		e[2] = chip_route(7, 4);
		e[2].u.irqchip.irqchip = 1;
		expect_eq(route_table(m.vm, e, 3), -EINVAL);
		expect_eq(line_status(m.vm, 7, 1), -1);
	}
	/* accepted: VALID_DEVID on an MSI, pin 255, two GSIs on one pin */
	e[0] = chip_route(4095, 255);
	e[2] = chip_route(7, 255);
	expect_eq(route_table(m.vm, e, 3), 0);
}

/*
 * KVM_IRQ_LINE(_STATUS) through the table (kvm_set_irq(), mpic_set_irq()):
 * 0, with status 0 for a routed GSI whatever happens at the source, -1
 * for one without a route (in the table or beyond it); the level goes to
 * the pin as given (an edge source latches a nonzero level, a level
 * source follows it; 6.1 keeps the number: GRP_IRQ_ACTIVE reads it back);
 * GSIs sharing a pin; the highest GSI and pin. An MSI route writes its
 * data to MSIIR whatever the level. -EFAULT.
 */
static void t_mpic_irq_line(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e[6];
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	e[0] = chip_route(10, 3);
	e[1] = chip_route(11, 20);
	e[2] = chip_route(12, 255);
	e[3] = chip_route(13, 3);
	e[4] = chip_route(4095, 7);
	e[5] = msi_route(20, MSIIR(2, 9));
	if (!expect_eq(route_table(m.vm, e, 6), 0))
		return;
	expect_errno(ioctl(m.vm, KVM_IRQ_LINE, g_bad_ptr), EFAULT);
	expect_errno(ioctl(m.vm, KVM_IRQ_LINE_STATUS, g_bad_ptr), EFAULT);
	expect_eq(line_status(m.vm, 10, 0), 0);
	expect_eq(active(m.dev, 3), 0);
	expect_eq(line_status(m.vm, 10, 1), 0);
	expect_eq(active(m.dev, 3), 1);
	expect_eq(line_status(m.vm, 13, 0), 0);
	expect_eq(active(m.dev, 3), 1);
	expect_eq(line_status(m.vm, 11, 1), 0);
	expect_eq(active(m.dev, 20), 1);
	expect_eq(line_status(m.vm, 11, 0), 0);
	expect_eq(active(m.dev, 20), 0);
	expect_eq(line_status(m.vm, 11, 7), 0);
	expect_eq(active(m.dev, 20), 7);
	expect_eq(line_status(m.vm, 11, 0), 0);
	expect_eq(line_status(m.vm, 12, 1), 0);
	expect_eq(active(m.dev, 255), 1);
	expect_eq(line_status(m.vm, 4095, 1), 0);
	expect_eq(active(m.dev, 7), 1);
	expect_eq(line_status(m.vm, 14, 1), -1);
	expect_eq(line_status(m.vm, 4096, 1), -1);
	expect_eq(line_status(m.vm, 20, 1), 0);
	expect_eq(reg(m.dev, R_MSISR), 1 << 2);
	expect_eq(active(m.dev, MSI_IRQ(2)), 1);
	expect_eq(reg(m.dev, R_MSIR(2)), 1 << 9);
	expect_eq(active(m.dev, MSI_IRQ(2)), 0);
	expect_eq(line_status(m.vm, 20, 0), 0);
	expect_eq(reg(m.dev, R_MSISR), 1 << 2);
}

/*
 * KVM_SIGNAL_MSI (kvm_send_userspace_msi(), kvm_set_msi()): -EFAULT;
 * flags other than VALID_DEVID -EINVAL; else 0, the data written to
 * MSIIR whatever the address (one bank).
 */
static void t_mpic_signal_msi(const struct abi_test *t)
{
	struct kvm_msi msi = { .address_lo = 0x1234, .address_hi = 0x5678,
			       .data = MSIIR(4, 1) };
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	expect_errno(ioctl(m.vm, KVM_SIGNAL_MSI, g_bad_ptr), EFAULT);
	expect_eq(signal_msi(m.vm, MSIIR(3, 17), 2), -EINVAL);
	expect_eq(signal_msi(m.vm, MSIIR(3, 17), 0x80000000), -EINVAL);
	expect_eq(reg(m.dev, R_MSISR), 0);
	expect_eq(signal_msi(m.vm, MSIIR(3, 17), 0), 0);
	expect_eq(signal_msi(m.vm, 0, KVM_MSI_VALID_DEVID), 0);
	expect_errno(ioctl(m.vm, KVM_SIGNAL_MSI, &msi), 0);
	expect_eq(reg(m.dev, R_MSISR), 0x19);
	expect_eq(active(m.dev, MSI_IRQ(3)), 1);
	expect_eq(reg(m.dev, R_MSIR(3)), 1 << 17);
	expect_eq(reg(m.dev, R_MSIR(0)), 1);
	expect_eq(reg(m.dev, R_MSIR(4)), 1 << 1);
}

/*
 * Irqfds on routed GSIs (irqfd_inject(): level 1 then 0): an edge source
 * latches the pulse, an MSI route signals its MSI; a deassigned irqfd
 * and one on an unrouted GSI do nothing; a new table moves them
 * (irqfd_update()).
 */
static void t_mpic_irqfd(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e[2];
	struct kvm_irqfd fd = { 0 };
	int efd[3] = { new_eventfd(), new_eventfd(), new_eventfd() };
	__u64 one = 1;
	struct mp m;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	e[0] = chip_route(1, 2);
	e[1] = msi_route(3, MSIIR(4, 4));
	if (!expect_eq(route_table(m.vm, e, 2), 0))
		return;
	fd.fd = (__u32)efd[0];
	fd.gsi = 1;
	expect_errno(ioctl(m.vm, KVM_IRQFD, &fd), 0);
	fd.fd = (__u32)efd[1];
	fd.gsi = 3;
	expect_errno(ioctl(m.vm, KVM_IRQFD, &fd), 0);
	fd.fd = (__u32)efd[2];
	fd.gsi = 9;
	expect_errno(ioctl(m.vm, KVM_IRQFD, &fd), 0);
	expect_eq(write(efd[2], &one, sizeof(one)), (long)sizeof(one));
	expect_eq(write(efd[0], &one, sizeof(one)), (long)sizeof(one));
	expect_true(wait_for(active(m.dev, 2) == 1));
	expect_eq(write(efd[1], &one, sizeof(one)), (long)sizeof(one));
	expect_true(wait_for(reg(m.dev, R_MSISR) == 1 << 4));
	expect_eq(reg(m.dev, R_MSIR(4)), 1 << 4);
	/* deassigned: nothing */
	fd.fd = (__u32)efd[0];
	fd.gsi = 1;
	fd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	expect_errno(ioctl(m.vm, KVM_IRQFD, &fd), 0);
	wreg(m.dev, R_CPU(0) + R_CTPR, 0);
	src_setup(m.dev, 2, 5, 0x22, false, 1);
	expect_eq(reg(m.dev, R_CPU(0) + R_IACK), 0x22);
	expect_eq(active(m.dev, 2), 0);
	expect_eq(write(efd[0], &one, sizeof(one)), (long)sizeof(one));
	sleep_ms(50);
	expect_eq(active(m.dev, 2), 0);
	expect_eq(reg(m.dev, R_MSISR), 0);
	/* a new table moves the irqfds: GSI 9 now reaches pin 8, GSI 3 nothing */
	e[0] = chip_route(9, 8);
	if (!expect_eq(route_table(m.vm, e, 1), 0))
		return;
	expect_eq(write(efd[1], &one, sizeof(one)), (long)sizeof(one));
	expect_eq(write(efd[2], &one, sizeof(one)), (long)sizeof(one));
	expect_true(wait_for(active(m.dev, 8) == 1));
	sleep_ms(50);
	expect_eq(reg(m.dev, R_MSISR), 0);
}

/* ------------------------------------------------------------ save/restore */

/* One register of the save: where it is read and where it is written back. */
struct sreg {
	__u32 rd, wr;
};

/*
 * Every register a save reads without side effects, in restore order
 * (wr 0: compared, not written): global configuration, timers (TDR before
 * TVPR), sources (IDR and ILR before IVPR: an IDR write does not re-route
 * a pending source), IPI vector/priority, every CPU's CTPR; then the
 * read-only ones. MSIRs (read-to-clear) and IACK are not here.
 */
static size_t save_list(struct sreg *r, int ncpus)
{
	size_t k = 0;
	int i;

	r[k++] = (struct sreg){ R_GCR, R_GCR };
	r[k++] = (struct sreg){ R_SPVR, R_SPVR };
	r[k++] = (struct sreg){ R_TFRR, R_TFRR };
	for (i = 0; i < 4; i++) {
		r[k++] = (struct sreg){ R_TBCR(i), W_TBCR(i) };
		r[k++] = (struct sreg){ R_TDR(i), W_TDR(i) };
		r[k++] = (struct sreg){ R_TVPR(i), W_TVPR(i) };
	}
	for (i = 0; i < 256; i++) {
		r[k++] = (struct sreg){ R_IDR(i), R_IDR(i) };
		r[k++] = (struct sreg){ R_ILR(i), R_ILR(i) };
		r[k++] = (struct sreg){ R_IVPR(i), R_IVPR(i) };
	}
	for (i = 0; i < 4; i++)
		r[k++] = (struct sreg){ R_IPIVPR(i), R_IPIVPR(i) };
	for (i = 0; i < 32; i++)
		r[k++] = (struct sreg){ R_CPU(i) + R_CTPR, R_CPU(i) + R_CTPR };
	r[k++] = (struct sreg){ R_BRR1, 0 };
	r[k++] = (struct sreg){ R_FRR, 0 };
	r[k++] = (struct sreg){ R_VIR, 0 };
	r[k++] = (struct sreg){ R_PIR, 0 };
	r[k++] = (struct sreg){ R_MSISR, 0 };
	r[k++] = (struct sreg){ R_SUMMARY, 0 };
	for (i = 1; i < 4; i++)
		r[k++] = (struct sreg){ R_TCCR(i), 0 };
	for (i = 0; i < ncpus; i++)
		r[k++] = (struct sreg){ R_CPU(i) + R_WHOAMI, 0 };
	return k;
}

#define SAVE_MAX (3 + 12 + 768 + 4 + 32 + 9 + MP_VCPUS)

/*
 * A save of every register through GRP_REGISTER (the MSIRs last: reading
 * clears them) and every standard source's line through GRP_IRQ_ACTIVE,
 * restored into a
 * fresh VM (the same CPUs connected, registers, then lines, then the
 * MSIs again through MSIIR) and compared register for register and line
 * for line; then the same IACK/EOI sequence on both.
 */
static void t_mpic_save_restore(const struct abi_test *t)
{
	bool v20 = t->a == MPIC20;
	static struct sreg list[SAVE_MAX];
	static __u32 saved[SAVE_MAX], lines[256], msir[8];
	struct mp a, b;
	size_t n, k;
	int i, bit;
	__u32 va, vb;

	if (!mp_up(&a, (__u32)t->a, 2) || !mp_new(&b, (__u32)t->a, 2, NULL, true))
		return;
	n = save_list(list, 2);
	/* a VM in mid-flight */
	wreg(a.dev, R_GCR, 0x20000000);
	wreg(a.dev, R_SPVR, 0x1234);
	wreg(a.dev, R_TFRR, 0x5a5a5a5a);
	for (i = 0; i < 4; i++) {
		wreg(a.dev, W_TBCR(i), 0x1000 * (i + 1));
		wreg(a.dev, W_TDR(i), (__u32)(i & 1) + 1);
		wreg(a.dev, W_TVPR(i), IVPR_PRIO(i + 2) | (0x200 + i) | (i == 3 ? IVPR_MSK : 0));
		wreg(a.dev, R_IPIVPR(i), IVPR_PRIO(9 - i) | (0x100 + i) | (i & 1 ? IVPR_MSK : 0));
	}
	for (i = 0; i < 256; i++) {
		__u32 ivpr = IVPR_PRIO(i % 16) | (0x1000 + i);

		if (i % 4 == 0)
			ivpr |= IVPR_MSK;
		if (i < 16 && i % 3 == 0)
			ivpr |= IVPR_SENSE;
		if (i % 5 == 0)
			ivpr |= IVPR_POL;
		wreg(a.dev, R_IDR(i), v20 && i % 11 == 0 ? 0x40000000 : (__u32)(i % 3) + 1);
		if (!v20)
			wreg(a.dev, R_ILR(i), i % 13 == 0 ? 1 : 0);
		wreg(a.dev, R_IVPR(i), ivpr);
	}
	wreg(a.dev, R_CPU(0) + R_CTPR, 3);
	wreg(a.dev, R_CPU(1) + R_CTPR, 7);
	wreg(a.dev, R_CPU(9) + R_CTPR, 1);
	for (i = 1; i < 48; i += 5)
		expect_eq(active_put(a.dev, (__u64)i, 1), 0);
	expect_eq(active_put(a.dev, 100, 1), 0);
	expect_eq(active_put(a.dev, 16, 1), 0);
	wreg(a.dev, R_MSIIR, MSIIR(1, 3));
	wreg(a.dev, R_MSIIR, MSIIR(6, 30));
	if (test_failed())
		return;

	/* save: the lines, the registers, the MSIRs */
	for (i = 0; i < 256; i++)
		lines[i] = active(a.dev, i);
	for (k = 0; k < n; k++)
		saved[k] = reg(a.dev, list[k].rd);
	for (i = 0; i < 8; i++)
		msir[i] = reg(a.dev, R_MSIR(i));
	expect_eq(msir[1], 1 << 3);
	expect_eq(msir[6], 1 << 30);
	expect_eq(lines[MSI_IRQ(1)], 1);
	/* the MSIs again in a: it goes on as it was */
	wreg(a.dev, R_MSIIR, MSIIR(1, 3));
	wreg(a.dev, R_MSIIR, MSIIR(6, 30));

	/* restore */
	for (k = 0; k < n; k++)
		if (list[k].wr)
			wreg(b.dev, list[k].wr, saved[k]);
	for (i = 0; i < 256; i++)
		expect_eq(active_put(b.dev, i, lines[i]), 0);
	for (i = 0; i < 8; i++)
		for (bit = 0; bit < 32; bit++)
			if (msir[i] & (1U << bit))
				wreg(b.dev, R_MSIIR, MSIIR(i, bit));
	if (test_failed())
		return;

	/* compared */
	for (k = 0; k < n; k++) {
		vb = reg(b.dev, list[k].rd);
		if (!expect_eq(vb, saved[k])) {
			diag("  register %#x: restored %#x, saved %#x", list[k].rd, vb, saved[k]);
			break;
		}
	}
	for (i = 0; i < 256; i++) {
		vb = active(b.dev, i);
		if (!expect_eq(vb, lines[i])) {
			diag("  line %d: restored %u, saved %u", i, vb, lines[i]);
			break;
		}
	}
	for (i = 0; i < 8; i++)
		expect_eq(reg(b.dev, R_MSIR(i)), msir[i]);
	wreg(a.dev, R_MSIIR, MSIIR(1, 3));
	wreg(a.dev, R_MSIIR, MSIIR(6, 30));
	for (i = 0; i < 8; i++)
		expect_eq(reg(a.dev, R_MSIR(i)), msir[i]);
	wreg(b.dev, R_MSIIR, MSIIR(1, 3));
	wreg(b.dev, R_MSIIR, MSIIR(6, 30));
	/* and both go on alike */
	for (i = 0; i < 24; i++) {
		__u32 cpu = R_CPU(i % 2);

		va = reg(a.dev, cpu + R_IACK);
		vb = reg(b.dev, cpu + R_IACK);
		if (!expect_eq(vb, va)) {
			diag("  IACK %d on CPU %d: %#x in the restored VM, %#x in the saved", i,
			     i % 2, vb, va);
			break;
		}
		if (i % 3 == 2) {
			wreg(a.dev, cpu + R_EOI, 0);
			wreg(b.dev, cpu + R_EOI, 0);
		}
	}
}

#define M M_PPC
static const struct abi_test mpic_tests[] = {
	{ "MPIC: ppc_host=e500mc's capabilities (KVM_CAP_IRQ_MPIC 1, IRQ_ROUTING 4096, IRQFD, "
	  "SIGNAL_MSI; no XICS/XIVE), the POWER hosts' MPIC 0, a VM keeps its host",
	  "api.rst 4.4 KVM_CHECK_EXTENSION, " REF_DEV, t_mpic_host, M, T_EXT, 0, 0 },
	{ "MPIC device types: -ENODEV on POWER8/POWER9 VMs, XICS/XIVE -ENODEV on e500mc, "
	  "CREATE_DEVICE_TEST too",
	  "api.rst 4.79 KVM_CREATE_DEVICE, " REF_DEV, t_mpic_dev_types, M, T_EXT, 0, 0 },
	{ "MPIC: one per VM of either type (-EINVAL), TEST 0, kvm-mpic, not released by "
	  "closing its fd (v2.0)",
	  REF_DEV, t_mpic_one, M, 0, MPIC20, MPIC42 },
	{ "MPIC: one per VM of either type (-EINVAL), TEST 0, kvm-mpic, not released by "
	  "closing its fd (v4.2)",
	  REF_DEV, t_mpic_one, M, 0, MPIC42, MPIC20 },
	{ "MPIC vCPU connect (KVM_ENABLE_CAP KVM_CAP_IRQ_MPIC): -EINVAL, -EBADF, -EPERM (not "
	  "a device, another type or VM, CPU >= 32), u32 CPU, -EEXIST before -EBUSY, FRR "
	  "NCPU (v2.0)",
	  "api.rst 4.37 KVM_ENABLE_CAP, " REF_DEV, t_mpic_connect, M, 0, MPIC20, MPIC42 },
	{ "MPIC vCPU connect (KVM_ENABLE_CAP KVM_CAP_IRQ_MPIC): -EINVAL, -EBADF, -EPERM (not "
	  "a device, another type or VM, CPU >= 32), u32 CPU, -EEXIST before -EBUSY, FRR "
	  "NCPU (v4.2)",
	  "api.rst 4.37 KVM_ENABLE_CAP, " REF_DEV, t_mpic_connect, M, 0, MPIC42, MPIC20 },
	{ "e500mc vCPU: sane without PAPR (runs); KVM_CAP_PPC_PAPR refused and leaves it insane "
	  "(KVM_RUN -EINVAL INTERNAL_ERROR, MPIC connect made then -EINVAL)",
	  "api.rst 4.37 KVM_ENABLE_CAP, " REF_DEV, t_mpic_connect_papr, M, T_EXT, MPIC20, 0 },
	{ "MPIC HAS: BASE_ADDR, any GRP_REGISTER offset, IRQ_ACTIVE 0-255; other groups and "
	  "MISC attributes -ENXIO (v2.0)",
	  "api.rst 4.81 KVM_HAS_DEVICE_ATTR, " REF_DEV, t_mpic_groups, M, 0, MPIC20, MPIC42 },
	{ "MPIC HAS: BASE_ADDR, any GRP_REGISTER offset, IRQ_ACTIVE 0-255; other groups and "
	  "MISC attributes -ENXIO (v4.2)",
	  "api.rst 4.81 KVM_HAS_DEVICE_ATTR, " REF_DEV, t_mpic_groups, M, 0, MPIC42, MPIC20 },
	{ "MPIC BASE_ADDR: reset 0, -EFAULT, 256 KiB alignment (-EINVAL), any aligned "
	  "address, 0 disables (v2.0)",
	  REF_MISC, t_mpic_base_addr, M, 0, MPIC20, MPIC42 },
	{ "MPIC BASE_ADDR: reset 0, -EFAULT, 256 KiB alignment (-EINVAL), any aligned "
	  "address, 0 disables (v4.2)",
	  REF_MISC, t_mpic_base_addr, M, 0, MPIC42, MPIC20 },
	{ "MPIC GRP_REGISTER errnos: -EFAULT before/after the offset, misaligned and holes "
	  "-ENXIO, PIR write -ENXIO, MSI sub-words -ENXIO (v2.0)",
	  REF_REG, t_mpic_reg_errnos, M, 0, MPIC20, MPIC42 },
	{ "MPIC GRP_REGISTER errnos: -EFAULT before/after the offset, misaligned and holes "
	  "-ENXIO, PIR write -ENXIO, MSI sub-words -ENXIO (v4.2)",
	  REF_REG, t_mpic_reg_errnos, M, 0, MPIC42, MPIC20 },
	{ "MPIC GRP_IRQ_ACTIVE errnos: IRQ > 255 -EINVAL (6.1: > 256), -EFAULT, value not 0/1 -EINVAL, in "
	  "that order (v2.0)",
	  REF_ACT, t_mpic_active_errnos, M, 0, MPIC20, MPIC42 },
	{ "MPIC GRP_IRQ_ACTIVE errnos: IRQ > 255 -EINVAL (6.1: > 256), -EFAULT, value not 0/1 -EINVAL, in "
	  "that order (v4.2)",
	  REF_ACT, t_mpic_active_errnos, M, 0, MPIC42, MPIC20 },
	{ "MPIC registers after creation: BRR1, FRR, GCR, VIR, PIR, SPVR, IPI/timer/source "
	  "VPRs, IDRs, ILRs, CTPR/WHOAMI/IACK per CPU, MSI, lines (v2.0)",
	  REF_REG, t_mpic_reset, M, 0, MPIC20, MPIC42 },
	{ "MPIC registers after creation: BRR1, FRR, GCR, VIR, PIR, SPVR, IPI/timer/source "
	  "VPRs, IDRs, ILRs, CTPR/WHOAMI/IACK per CPU, MSI, lines (v4.2)",
	  REF_REG, t_mpic_reset, M, 0, MPIC42, MPIC20 },
	{ "MPIC register writes: IVPR/IDR/ILR/GCR/SPVR/TFRR masks per model, read-only "
	  "registers, CTPR per CPU, GCR reset (v2.0)",
	  REF_REG, t_mpic_reg_writes, M, 0, MPIC20, MPIC42 },
	{ "MPIC register writes: IVPR/IDR/ILR/GCR/SPVR/TFRR masks per model, read-only "
	  "registers, CTPR per CPU, GCR reset (v4.2)",
	  REF_REG, t_mpic_reg_writes, M, 0, MPIC42, MPIC20 },
	{ "MPIC timers: TFRR, TBCR/TVPR/TDR (6.1's read/write decode), no counting, no "
	  "timer interrupt (v2.0)",
	  REF_REG, t_mpic_timers, M, 0, MPIC20, MPIC42 },
	{ "MPIC timers: TFRR, TBCR/TVPR/TDR (6.1's read/write decode), no counting, no "
	  "timer interrupt (v4.2)",
	  REF_REG, t_mpic_timers, M, 0, MPIC42, MPIC20 },
	{ "MPIC MSI registers: MSIIR sets MSIR bits and raises 224+SRS, MSISR, MSIR read "
	  "clears and lowers (v2.0)",
	  REF_REG, t_mpic_msi_regs, M, 0, MPIC20, MPIC42 },
	{ "MPIC MSI registers: MSIIR sets MSIR bits and raises 224+SRS, MSISR, MSIR read "
	  "clears and lowers (v4.2)",
	  REF_REG, t_mpic_msi_regs, M, 0, MPIC42, MPIC20 },
	{ "MPIC GRP_IRQ_ACTIVE: edge latched until IACK (0 ignored), level follows the "
	  "line, masked edge kept pending (v2.0)",
	  REF_ACT, t_mpic_active, M, 0, MPIC20, MPIC42 },
	{ "MPIC GRP_IRQ_ACTIVE: edge latched until IACK (0 ignored), level follows the "
	  "line, masked edge kept pending (v4.2)",
	  REF_ACT, t_mpic_active, M, 0, MPIC42, MPIC20 },
	{ "MPIC critical outputs (v2.0 IDR CI bits, v4.2 ILR): not presented on INT, v2.0 "
	  "ignores the mask, edges cleared at once (v2.0)",
	  REF_REG, t_mpic_critical, M, 0, MPIC20, MPIC42 },
	{ "MPIC critical outputs (v2.0 IDR CI bits, v4.2 ILR): not presented on INT, v2.0 "
	  "ignores the mask, edges cleared at once (v4.2)",
	  REF_REG, t_mpic_critical, M, 0, MPIC42, MPIC20 },
	{ "MPIC routing ioctls: KVM_SET_GSI_ROUTING and KVM_SIGNAL_MSI unknown on POWER, "
	  "present with KVM_IRQFD on e500mc",
	  REF_ROUTE, t_mpic_routing_ioctls, M, T_EXT, 0, 0 },
	{ "MPIC before and at creation: KVM_IRQ_LINE -ENXIO, KVM_SIGNAL_MSI -EINVAL, IRQFD -EAGAIN; "
	  "mpic_create's empty table replaces earlier routes (v2.0)",
	  REF_ROUTE, t_mpic_before, M, 0, MPIC20, MPIC42 },
	{ "MPIC before and at creation: KVM_IRQ_LINE -ENXIO, KVM_SIGNAL_MSI -EINVAL, IRQFD -EAGAIN; "
	  "mpic_create's empty table replaces earlier routes (v4.2)",
	  REF_ROUTE, t_mpic_before, M, 0, MPIC42, MPIC20 },
	{ "MPIC KVM_SET_GSI_ROUTING: header and entry errnos (GSI, flags, pin >= 256, type, "
	  "duplicates), refused tables change nothing (v2.0)",
	  REF_ROUTE, t_mpic_routing_errnos, M, 0, MPIC20, MPIC42 },
	{ "MPIC KVM_SET_GSI_ROUTING: header and entry errnos (GSI, flags, pin >= 256, type, "
	  "duplicates), refused tables change nothing (v4.2)",
	  REF_ROUTE, t_mpic_routing_errnos, M, 0, MPIC42, MPIC20 },
	{ "MPIC KVM_IRQ_LINE(_STATUS) through the table: status 0/-1, edge and level pins, "
	  "shared pins, GSI 4095, MSI routes write MSIIR (v2.0)",
	  "api.rst 4.25 KVM_IRQ_LINE, " REF_ROUTE, t_mpic_irq_line, M, 0, MPIC20, MPIC42 },
	{ "MPIC KVM_IRQ_LINE(_STATUS) through the table: status 0/-1, edge and level pins, "
	  "shared pins, GSI 4095, MSI routes write MSIIR (v4.2)",
	  "api.rst 4.25 KVM_IRQ_LINE, " REF_ROUTE, t_mpic_irq_line, M, 0, MPIC42, MPIC20 },
	{ "MPIC KVM_SIGNAL_MSI: -EFAULT, flags -EINVAL, data written to MSIIR (v2.0)",
	  "api.rst 4.71 KVM_SIGNAL_MSI, " REF_ROUTE, t_mpic_signal_msi, M, 0, MPIC20, MPIC42 },
	{ "MPIC KVM_SIGNAL_MSI: -EFAULT, flags -EINVAL, data written to MSIIR (v4.2)",
	  "api.rst 4.71 KVM_SIGNAL_MSI, " REF_ROUTE, t_mpic_signal_msi, M, 0, MPIC42, MPIC20 },
	{ "MPIC irqfds on routed GSIs: edge pins and MSI routes; deassigned or unrouted do "
	  "nothing; a new table moves them (v2.0)",
	  "api.rst 4.75 KVM_IRQFD, " REF_ROUTE, t_mpic_irqfd, M, 0, MPIC20, MPIC42 },
	{ "MPIC irqfds on routed GSIs: edge pins and MSI routes; deassigned or unrouted do "
	  "nothing; a new table moves them (v4.2)",
	  "api.rst 4.75 KVM_IRQFD, " REF_ROUTE, t_mpic_irqfd, M, 0, MPIC42, MPIC20 },
	{ "MPIC save of every register and line, restored into a fresh VM: register for "
	  "register, then the same IACK/EOI sequence (v2.0)",
	  REF_DEV, t_mpic_save_restore, M, 0, MPIC20, MPIC42 },
	{ "MPIC save of every register and line, restored into a fresh VM: register for "
	  "register, then the same IACK/EOI sequence (v4.2)",
	  REF_DEV, t_mpic_save_restore, M, 0, MPIC42, MPIC20 },
};

TEST_GROUP(mpic);
