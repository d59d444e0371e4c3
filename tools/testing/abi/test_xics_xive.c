// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_TYPE_XICS on a POWER9 host with XIVE (ppc_host=power9, and real
 * KVM on a PowerNV POWER9): XICS-on-XIVE, whose facts are 6.1's
 * book3s_xive.c (kvmppc_xive_create(), xive_set_source(),
 * xive_get_source()'s save cycle, kvmppc_xive_set_nr_servers(),
 * kvmppc_xive_connect_vcpu(), kvmppc_xive_get/set_icp(), the xive_vm_h_*
 * hypercalls). Where it answers unlike the XICS emulation
 * (test_xics.c, test_xics_guest.c) the rows are here; the tests skip on a
 * host whose XICS is the emulation.
 */
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include "xics_common.h"

#define REF_DEV "devices/xics.rst; 6.1 book3s_xive.c"
#define REF_SRC "devices/xics.rst KVM_DEV_XICS_GRP_SOURCES; 6.1 xive_set/get_source()"
#define REF_HC "PAPR (XICS hypercalls); 6.1 book3s_xive.c xive_vm_h_*()"


static int dev_create(int vm, __u32 type, __u32 flags)
{
	struct kvm_create_device cd = { .type = type, .flags = flags };
	int r = ioctl(vm, KVM_CREATE_DEVICE, &cd);

	return r ? -errno : (flags ? 0 : track_fd((int)cd.fd));
}

static int nr_servers(int dev, void *val)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS, val);
}


/* A VM with XICS-on-XIVE and vCPU 0 (PAPR) connected as server. */
static bool one_vcpu(int *dev, int *v, __u64 server)
{
	int vm = new_vm(0);

	*dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(*dev >= 0))
		return false;
	*v = runnable_vcpu(vm, 0);
	return expect_eq(connect(*v, *dev, server, 0), 0);
}

/*
 * One per VM, sharing kvm->arch.xive with XIVE native (-EEXIST either
 * way), TEST 0 even then; closing the fd releases it (its sources go) and
 * another can be made. KVM_CAP_IRQ_XICS is 1.
 */
static void t_xx_create(const struct abi_test *t)
{
	int vm = new_vm(0), dev, again;
	__u64 w;

	(void)t;
	if (skip_unless_xics_on_xive())
		return;
	expect_eq(check_ext(vm, KVM_CAP_IRQ_XICS), 1);
	expect_eq(dev_create(vm, KVM_DEV_TYPE_XICS, KVM_CREATE_DEVICE_TEST), 0);
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(dev_create(vm, KVM_DEV_TYPE_XICS, 0), -EEXIST);
	expect_eq(dev_create(vm, KVM_DEV_TYPE_XICS, KVM_CREATE_DEVICE_TEST), 0);
	if (check_ext(vm, KVM_CAP_PPC_IRQ_XIVE) > 0)
		expect_eq(dev_create(vm, KVM_DEV_TYPE_XIVE, 0), -EEXIST);
	expect_eq(set_src(dev, 16, PRIO(0xff)), 0);
	xclose(dev);
	again = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(again >= 0))
		return;
	expect_eq(get_src(again, 16, &w), -ENOENT);
}

/*
 * KVM_DEV_XICS_NR_SERVERS (kvmppc_xive_set_nr_servers()): the value
 * (-EFAULT), 0 or above KVM_MAX_VCPU_IDS (16384) -EINVAL, write only
 * (GET -ENXIO), HAS 0; a connect beyond it -EINVAL (and the VP block not
 * allocated yet), one within it allocates the block and NR_SERVERS is
 * -EBUSY from then on, even after a connect refused later (-EEXIST).
 */
static void t_xx_nr_servers(const struct abi_test *t)
{
	int vm = new_vm(0), dev, v0, v1;
	__u32 n;

	(void)t;
	if (skip_unless_xics_on_xive())
		return;
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(dev >= 0))
		return;
	v0 = runnable_vcpu(vm, 0);
	v1 = runnable_vcpu(vm, 1);
	expect_eq(nr_servers(dev, NULL), -EFAULT);
	n = 0;
	expect_eq(nr_servers(dev, &n), -EINVAL);
	n = 16385;
	expect_eq(nr_servers(dev, &n), -EINVAL);
	n = 16384; /* clamped to KVM_MAX_VCPUS */
	expect_eq(nr_servers(dev, &n), 0);
	expect_eq(xattr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			&n),
		  -ENXIO);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			NULL),
		  0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, 2, NULL), -ENXIO);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, 2, &n), -ENXIO);
	n = 4;
	expect_eq(nr_servers(dev, &n), 0);
	expect_eq(connect(v0, dev, 4, 0), -EINVAL);
	n = 8; /* the refused connect allocated nothing */
	expect_eq(nr_servers(dev, &n), 0);
	expect_eq(connect(v0, dev, 7, 0), 0);
	expect_eq(nr_servers(dev, &n), -EBUSY);
	expect_eq(connect(v1, dev, 8, 0), -EINVAL);
	expect_eq(connect(v1, dev, 7, 0), -EEXIST);
	expect_eq(connect(v1, dev, 6, 0), 0);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS) on XICS-on-XIVE: flags -EINVAL, a bad
 * fd -EBADF, not a device -EPERM, another VM's -EPERM; connected already
 * -EBUSY (also after the PAPR sanity check refused the vCPU but kept the
 * connection); a server's VP taken -EEXIST. A connected vCPU's ICP_STATE
 * is CPPR 0, MFRR 0xff; VP_STATE is XIVE native's (-EPERM here, -ENXIO
 * unconnected). Closing the device disconnects its vCPUs.
 */
static void t_xx_connect(const struct abi_test *t)
{
	int vm = new_vm(0), other = new_vm(0), dev, odev, efd, v0, v1, plain;
	__u64 vp[2];

	(void)t;
	if (skip_unless_xics_on_xive())
		return;
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	odev = dev_create(other, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(dev >= 0 && odev >= 0))
		return;
	v0 = runnable_vcpu(vm, 0);
	v1 = runnable_vcpu(vm, 1);
	plain = new_vcpu(vm, 2);
	efd = track_fd(eventfd(0, 0));
	expect_eq(connect(v0, dev, 0, 1), -EINVAL);
	expect_eq(connect(v0, 999, 0, 0), -EBADF);
	expect_eq(connect(v0, efd, 0, 0), -EPERM);
	expect_eq(connect(v0, odev, 0, 0), -EPERM);
	expect_errno(one_reg(v0, false, KVM_REG_PPC_ICP_STATE, vp), ENXIO);
	expect_errno(one_reg(v0, false, KVM_REG_PPC_VP_STATE, vp), ENXIO);
	expect_eq(connect(v0, dev, 0, 0), 0);
	expect_eq(icp(v0), ICP(0, 0, 0xff, 0xff));
	expect_errno(one_reg(v0, false, KVM_REG_PPC_VP_STATE, vp), EPERM);
	expect_eq(connect(v0, dev, 1, 0), -EBUSY);
	expect_eq(connect(v1, dev, 0, 0), -EEXIST);
	expect_eq(connect(v1, dev, 1, 0), 0);
	/* not in PAPR mode: refused after connecting */
	expect_eq(connect(plain, dev, 2, 0), -EINVAL);
	expect_eq(connect(plain, dev, 3, 0), -EBUSY);
	expect_eq(icp(plain), ICP(0, 0, 0xff, 0xff));
	xclose(dev);
	expect_errno(one_reg(v0, false, KVM_REG_PPC_ICP_STATE, vp), ENXIO);
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (expect_true(dev >= 0))
		expect_eq(connect(v0, dev, 1, 0), 0);
}

/*
 * GRP_SOURCES set (xive_set_source()): the number (-ENOENT outside
 * 16..2^20, a negative one too), the word (-EFAULT); then always 0: a
 * priority with no vCPU of that server leaves the source valid, unmasked
 * and untargeted (it reads server 0). Get: never set -ENOENT (in a block
 * that exists too), the number as 32 bits, a masked source its saved
 * priority; HAS for 16..2^20.
 */
static void t_xx_source_words(const struct abi_test *t)
{
	int vm = new_vm(0), dev;
	__u64 w;

	(void)t;
	if (skip_unless_xics_on_xive())
		return;
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(set_src(dev, 15, PRIO(0xff)), -ENOENT);
	expect_eq(set_src(dev, 0x100000, PRIO(0xff)), -ENOENT);
	expect_eq(set_src(dev, ~0ULL, PRIO(0xff)), -ENOENT);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 16, NULL), -EFAULT);
	expect_eq(get_src(dev, 16, &w), -ENOENT);
	expect_eq(set_src(dev, 16, PRIO(5) | 7), 0);
	expect_eq(set_src(dev, 17, PRIO(5) | KVM_XICS_MASKED | 3), 0);
	expect_eq(set_src(dev, 18, PRIO(0xff) | KVM_XICS_LEVEL_SENSITIVE), 0);
	expect_eq(src(dev, 16), PRIO(5));
	expect_eq(src(dev, 17), PRIO(5) | KVM_XICS_MASKED);
	expect_eq(src(dev, 18), PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_LEVEL_SENSITIVE);
	expect_eq(src(dev, (1ULL << 32) | 16), PRIO(5));
	expect_eq(get_src(dev, 19, &w), -ENOENT);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 16, NULL), 0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 0xfffff, NULL), 0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 15, NULL), -ENXIO);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 0x100000, NULL),
		  -ENXIO);
}

/*
 * Targeted sources: the actual server is reported, and the guest's raw
 * priority (7, though queue 6 takes it); a server no vCPU has is lost.
 * A PENDING source is delivered at once to its queue, and the next save
 * cycle reports it PRESENTED and PENDING (in a queue).
 */
static void t_xx_targeted(const struct abi_test *t)
{
	int dev, v;

	(void)t;
	if (skip_unless_xics_on_xive() || !one_vcpu(&dev, &v, 3))
		return;
	expect_eq(set_src(dev, 0x1000, PRIO(5) | 3), 0);
	expect_eq(set_src(dev, 0x1001, PRIO(7) | 3), 0);
	expect_eq(set_src(dev, 0x1002, PRIO(5) | 9), 0);
	expect_eq(set_src(dev, 0x1003, PRIO(5) | 3 | KVM_XICS_PENDING), 0);
	expect_eq(src(dev, 0x1000), PRIO(5) | 3);
	expect_eq(src(dev, 0x1001), PRIO(7) | 3);
	expect_eq(src(dev, 0x1002), PRIO(5));
	expect_eq(src(dev, 0x1003), PRIO(5) | 3 | KVM_XICS_PRESENTED | KVM_XICS_PENDING);
}

/*
 * KVM_REG_PPC_ICP_STATE (kvmppc_xive_get/set_icp()): no validation, CPPR
 * kept raw; the XISR reads 0 and the pending priority 0xff whatever was
 * written. An XISR naming a source not set yet is kept for its
 * set_source, which then restores it pending.
 */
static void t_xx_icp_state(const struct abi_test *t)
{
	int dev, v;

	(void)t;
	if (skip_unless_xics_on_xive() || !one_vcpu(&dev, &v, 0))
		return;
	expect_eq(icp_put(v, ICP(7, 0, 0xff, 0xff)), 0);
	expect_eq(icp(v), ICP(7, 0, 0xff, 0xff));
	expect_eq(icp_put(v, ICP(0xff, 0, 5, 0xff)), 0);
	expect_eq(icp(v), ICP(0xff, 0, 5, 0xff));
	/* the emulation's -EINVAL rows: accepted */
	expect_eq(icp_put(v, ICP(5, 0x1234, 0xff, 0)), 0);
	expect_eq(icp(v), ICP(5, 0, 0xff, 0xff));
	expect_eq(set_src(dev, 0x1234, PRIO(0xff) | KVM_XICS_MASKED), 0);
	expect_eq(src(dev, 0x1234),
		  PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_QUEUED | KVM_XICS_PENDING);
}

/*
 * KVM_IRQ_LINE(_STATUS) (kvmppc_xive_set_irq()): 0, the status -EINVAL
 * for a source never set (in a block or not), else 0. A trigger while
 * masked is kept in the ESB, not in the word (which shows the PQ the mask
 * saved).
 */
static void t_xx_irq_line(const struct abi_test *t)
{
	int vm = new_vm(0), dev;
	struct kvm_irq_level l = { .irq = 20, .level = 1 };

	(void)t;
	if (skip_unless_xics_on_xive())
		return;
	expect_errno(ioctl(vm, KVM_IRQ_LINE, &l), ENXIO);
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), 0);
	expect_eq((__u32)l.status, (__u32)-EINVAL);
	expect_eq(set_src(dev, 21, PRIO(0xff) | KVM_XICS_MASKED), 0);
	l.irq = 20;
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), 0);
	expect_eq((__u32)l.status, (__u32)-EINVAL);
	l.irq = 5000000;
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), 0);
	expect_eq((__u32)l.status, (__u32)-EINVAL);
	l.irq = 21;
	expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), 0);
	expect_eq(l.status, 0);
	expect_eq(src(dev, 21), PRIO(0xff) | KVM_XICS_MASKED);
}

/* A VM with XICS-on-XIVE and two connected vCPUs (servers 0, 1), CPPR 0xff. */
struct xx {
	int vm, dev, v[2];
};

static bool xx_setup(struct xx *g)
{
	int i;

	g->vm = new_vm(0);
	g->dev = dev_create(g->vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(g->dev >= 0))
		return false;
	for (i = 0; i < 2; i++) {
		g->v[i] = runnable_vcpu(g->vm, (unsigned long)i);
		if (!expect_eq(connect(g->v[i], g->dev, (__u64)i, 0), 0) ||
		    !expect_eq(icp_put(g->v[i], ICP(0xff, 0, 0xff, 0xff)), 0))
			return false;
	}
	return true;
}


static __u64 xirr(int vcpu)
{
	struct ppc_hc h;

	expect_eq(hk4(vcpu, H_XIRR, 0, 0, &h), H_SUCCESS);
	return h.r4;
}

static void line(int vm, __u32 irq, __u32 level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	expect_errno(ioctl(vm, KVM_IRQ_LINE, &l), 0);
}

/*
 * An MSI as XIVE delivers it: the trigger queues it (PQ 10) and the vCPU
 * takes it with H_XIRR (CPPR to its priority); a second trigger in
 * service coalesces (PQ 11) and comes back at H_EOI; then nothing. An
 * H_EOI of a source without a block is H_PARAMETER and sets the CPPR all
 * the same.
 */
static void t_xx_msi_flow(const struct abi_test *t)
{
	struct xx g;

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&g))
		return;
	expect_eq(set_src(g.dev, 0x1000, PRIO(5) | 0), 0);
	line(g.vm, 0x1000, 1);
	expect_eq(xirr(g.v[0]), 0xff001000);
	line(g.vm, 0x1000, 1);
	expect_eq(xirr(g.v[0]), 0x05000000);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	expect_eq(hk(g.v[0], H_EOI, 0xff001000, 0), H_SUCCESS);
	expect_eq(xirr(g.v[0]), 0xff001000);
	expect_eq(hk(g.v[0], H_EOI, 0xff001000, 0), H_SUCCESS);
	expect_eq(xirr(g.v[0]), 0xff000000);
	expect_eq(hk(g.v[0], H_EOI, 0x05050000, 0), H_PARAMETER);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
}

/*
 * An LSI: asserted by level 1, delivered again at each H_EOI while
 * asserted; level 0 deasserts (the entry already queued stays).
 */
static void t_xx_lsi_flow(const struct abi_test *t)
{
	struct xx g;

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&g))
		return;
	expect_eq(set_src(g.dev, 0x1003, PRIO(5) | KVM_XICS_LEVEL_SENSITIVE), 0);
	line(g.vm, 0x1003, 1);
	expect_eq(xirr(g.v[0]), 0xff001003);
	expect_eq(hk(g.v[0], H_EOI, 0xff001003, 0), H_SUCCESS);
	expect_eq(xirr(g.v[0]), 0xff001003);
	line(g.vm, 0x1003, 0);
	expect_eq(hk(g.v[0], H_EOI, 0xff001003, 0), H_SUCCESS);
	expect_eq(xirr(g.v[0]), 0xff000000);
}

/*
 * IPIs: H_IPI stores the MFRR and rings the target's doorbell when it is
 * below the target's CPPR; H_XIRR then answers XISR 2 and the CPPR takes
 * the MFRR (which stays until the target clears it). H_IPOLL peeks,
 * changing nothing, and leaves r5 alone. An unknown server H_PARAMETER.
 */
static void t_xx_ipi(const struct abi_test *t)
{
	struct xx g;
	struct ppc_hc h;

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&g))
		return;
	expect_eq(hk(g.v[0], H_IPI, 7, 5), H_PARAMETER);
	expect_eq(hk(g.v[0], H_IPI, 1, 5), H_SUCCESS);
	expect_eq(hk4(g.v[0], H_IPOLL, 1, 0x1234, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000000 | XICS_IPI);
	expect_eq(h.r5, 0x1234);
	expect_eq(hk4(g.v[1], H_IPOLL, 1, 0, &h), H_SUCCESS);
	expect_eq(h.r4, 0xff000000 | XICS_IPI);
	expect_eq(icp(g.v[1]), ICP(0xff, 0, 5, 0xff));
	expect_eq(xirr(g.v[1]), 0xff000000 | XICS_IPI);
	expect_eq(icp(g.v[1]), ICP(5, 0, 5, 0xff));
	expect_eq(hk(g.v[1], H_IPI, 1, 0xff), H_SUCCESS);
	expect_eq(hk(g.v[1], H_EOI, 0xff000000 | XICS_IPI, 0), H_SUCCESS);
	expect_eq(xirr(g.v[1]), 0xff000000);
	expect_eq(hk(g.v[0], H_IPOLL, 9, 0), H_PARAMETER);
}

/*
 * H_CPPR maps the guest's priority as the queues do (6 and up: 6; the
 * register's low byte); ICP_STATE then reads the mapped value.
 */
static void t_xx_cppr(const struct abi_test *t)
{
	struct xx g;

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&g))
		return;
	expect_eq(hk(g.v[0], H_CPPR, 7, 0), H_SUCCESS);
	expect_eq(icp(g.v[0]), ICP(6, 0, 0xff, 0xff));
	expect_eq(hk(g.v[0], H_CPPR, 0x105, 0), H_SUCCESS);
	expect_eq(icp(g.v[0]), ICP(5, 0, 0xff, 0xff));
	expect_eq(hk(g.v[0], H_CPPR, 0xff, 0), H_SUCCESS);
	expect_eq(icp(g.v[0]), ICP(0xff, 0, 0xff, 0xff));
}

/*
 * KVM_CAP_PPC_ENABLE_HCALL does not reach a connected vCPU's ICP
 * hypercalls (POWER9's fast path takes them first); an unconnected vCPU's
 * disabled H_XIRR goes to the VMM.
 */
static void t_xx_enable_hcall(const struct abi_test *t)
{
	struct xx g;
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_ENABLE_HCALL, .args = { H_XIRR, 0 } };
	struct ppc_hc h;
	int plain;

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&g))
		return;
	plain = runnable_vcpu(g.vm, 2);
	expect_errno(ioctl(g.vm, KVM_ENABLE_CAP, &c), 0);
	expect_eq(xirr(g.v[0]), 0xff000000);
	h = ppc_hcall(plain, H_XIRR, 0, 0, 0, 0);
	expect_eq(h.err, 0);
	expect_eq(h.result, KVM_EXT_RESULT_EXIT);
}

/*
 * Server numbers from KVM_MAX_VCPUS up do not pack into a VP: -EINVAL
 * (6.1 WARNs and gives them VP 0: differences.rst), nothing allocated.
 */
static void t_xx_server_range(const struct abi_test *t)
{
	int vm = new_vm(0), dev, v;
	__u32 n = 16;

	(void)t;
	if (skip_unless_xics_on_xive())
		return;
	dev = dev_create(vm, KVM_DEV_TYPE_XICS, 0);
	if (!expect_true(dev >= 0))
		return;
	v = runnable_vcpu(vm, 0);
	expect_eq(connect(v, dev, 2048, 0), -EINVAL);
	expect_eq(connect(v, dev, 0xfffffffe, 0), -EINVAL);
	expect_eq(nr_servers(dev, &n), 0);
	expect_eq(connect(v, dev, 15, 0), 0);
}

/*
 * Migration in QEMU's order (sources, then ICP states) with one source
 * in service and one still in its queue: the fresh VM's words read the
 * same, and the guest goes on (H_EOI of the first, then the second).
 */
static void t_xx_migrate(const struct abi_test *t)
{
	struct xx a, b;
	__u64 w0, w1, st;

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&a) || !xx_setup(&b))
		return;
	expect_eq(set_src(a.dev, 0x1000, PRIO(5) | 0), 0);
	expect_eq(set_src(a.dev, 0x1001, PRIO(5) | 0), 0);
	line(a.vm, 0x1000, 1);
	line(a.vm, 0x1001, 1);
	expect_eq(xirr(a.v[0]), 0xff001000);
	w0 = src(a.dev, 0x1000);
	w1 = src(a.dev, 0x1001);
	st = icp(a.v[0]);
	expect_eq(w0, PRIO(5) | KVM_XICS_PRESENTED);
	expect_eq(w1, PRIO(5) | KVM_XICS_PRESENTED | KVM_XICS_PENDING);
	expect_eq(st, ICP(5, 0, 0xff, 0xff));
	expect_eq(set_src(b.dev, 0x1000, w0), 0);
	expect_eq(set_src(b.dev, 0x1001, w1), 0);
	expect_eq(icp_put(b.v[0], st), 0);
	expect_eq(src(b.dev, 0x1000), w0);
	expect_eq(src(b.dev, 0x1001), w1);
	expect_eq(icp(b.v[0]), st);
	expect_eq(hk(b.v[0], H_EOI, 0xff001000, 0), H_SUCCESS);
	expect_eq(xirr(b.v[0]), 0xff001001);
	expect_eq(hk(b.v[0], H_EOI, 0xff001001, 0), H_SUCCESS);
	expect_eq(xirr(b.v[0]), 0xff000000);
}


/*
 * RTAS through H_RTAS with args in guest RAM (kvmppc_rtas_hcall()), as
 * test_xics_guest.c's: the tokens of the four XICS calls defined on g.
 */
#define RAM_GPA 0x100000ULL
#define RAM_SIZE 0x10000ULL
struct rtas_args {
	__u32 token, nargs, nret;
	__u32 args[16];
	__u64 rets;
};
enum { T_SET = 1, T_GET, T_OFF, T_ON };

static bool rtas_setup(struct xx *g, char **ram)
{
	static const char *const names[] = { "ibm,set-xive", "ibm,get-xive", "ibm,int-off",
					     "ibm,int-on" };
	size_t i;

	*ram = alloc_mem(RAM_SIZE);
	if (!expect_errno(set_region(g->vm, 0, 0, RAM_GPA, RAM_SIZE, *ram), 0))
		return false;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct kvm_ext_rtas_token_args a = { .token = T_SET + i };

		snprintf(a.name, sizeof(a.name), "%s", names[i]);
		if (!expect_errno(ioctl(g->vm, KVM_EXT_PPC_RTAS_DEFINE_TOKEN, &a), 0))
			return false;
	}
	return true;
}

/* One call: rets[0] (0 or -3), the rest in out. */
static int rtas(struct xx *g, char *ram, __u32 token, __u32 nargs, __u32 nret,
		const __u32 *args, __u32 *out)
{
	struct rtas_args *a = (struct rtas_args *)ram;
	__u32 i;

	memset(a, 0, sizeof(*a));
	a->token = __builtin_bswap32(token);
	a->nargs = __builtin_bswap32(nargs);
	a->nret = __builtin_bswap32(nret);
	for (i = 0; i < nargs; i++)
		a->args[i] = __builtin_bswap32(args[i]);
	if (hk(g->v[0], H_RTAS, RAM_GPA, 0) != H_SUCCESS)
		return 1;
	for (i = 0; out && i < nret; i++)
		out[i] = __builtin_bswap32(a->args[nargs + i]);
	return (int)__builtin_bswap32(a->args[nargs]);
}

/*
 * RTAS on XICS-on-XIVE: set-xive to an unknown server -3, yet the source
 * is unmasked at the priority asked (6.1's order); get-xive reads the
 * actual server and the guest priority; int-off keeps the priority,
 * int-on restores it, and -3 for an untargeted source. kvm_ext answers
 * -3 and changes nothing for a source never set in a block that exists
 * and for a priority 0x1ff (6.1 oopses and overruns: differences.rst).
 */
static void t_xx_rtas(const struct abi_test *t)
{
	struct xx g;
	char *ram;
	__u32 out[3];

	(void)t;
	if (skip_unless_xics_on_xive() || !xx_setup(&g) || !rtas_setup(&g, &ram))
		return;
	expect_eq(set_src(g.dev, 0x1000, PRIO(5) | 1), 0);
	expect_eq(set_src(g.dev, 0x1001, PRIO(5) | 9), 0);
	expect_eq(rtas(&g, ram, T_SET, 3, 1, (__u32[]){ 0x1000, 7, 3 }, NULL), -3);
	expect_eq(rtas(&g, ram, T_GET, 1, 3, (__u32[]){ 0x1000 }, out), 0);
	expect_eq(out[1], 1);
	expect_eq(out[2], 3);
	expect_eq(rtas(&g, ram, T_SET, 3, 1, (__u32[]){ 0x1000, 0, 4 }, NULL), 0);
	expect_eq(rtas(&g, ram, T_GET, 1, 3, (__u32[]){ 0x1000 }, out), 0);
	expect_eq(out[1], 0);
	expect_eq(out[2], 4);
	expect_eq(rtas(&g, ram, T_OFF, 1, 1, (__u32[]){ 0x1000 }, NULL), 0);
	expect_eq(rtas(&g, ram, T_GET, 1, 3, (__u32[]){ 0x1000 }, out), 0);
	expect_eq(out[2], 0xff);
	expect_eq(rtas(&g, ram, T_ON, 1, 1, (__u32[]){ 0x1000 }, NULL), 0);
	expect_eq(rtas(&g, ram, T_GET, 1, 3, (__u32[]){ 0x1000 }, out), 0);
	expect_eq(out[2], 4);
	/* untargeted (server 9 has no vCPU) */
	expect_eq(rtas(&g, ram, T_ON, 1, 1, (__u32[]){ 0x1001 }, NULL), -3);
	/* never set, in block 4: refused, still never set */
	expect_eq(rtas(&g, ram, T_SET, 3, 1, (__u32[]){ 0x1002, 0, 5 }, NULL), -3);
	expect_eq(set_src(g.dev, 0x1002, PRIO(0xff) | KVM_XICS_MASKED), 0);
	expect_eq(rtas(&g, ram, T_SET, 3, 1, (__u32[]){ 0x1000, 1, 0x1ff }, NULL), -3);
	expect_eq(rtas(&g, ram, T_GET, 1, 3, (__u32[]){ 0x1000 }, out), 0);
	expect_eq(out[1], 0);
	expect_eq(out[2], 4);
}

#define X M_PPC
#define E T_EXT
static const struct abi_test xics_xive_tests[] = {
	{ "XICS-on-XIVE: one per VM (also with XIVE native: -EEXIST), TEST 0, released with "
	  "its fd",
	  REF_DEV, t_xx_create, X, 0, 0, 0 },
	{ "XICS-on-XIVE NR_SERVERS: -EFAULT, -EINVAL (0, >16384), write only, bounds "
	  "connect, -EBUSY once the VP block is allocated",
	  REF_DEV, t_xx_nr_servers, X, 0, 0, 0 },
	{ "XICS-on-XIVE connect: -EINVAL flags, -EBADF, -EPERM, -EBUSY, -EEXIST for a taken "
	  "VP; ICP_STATE CPPR 0 MFRR 0xff; VP_STATE -EPERM; closing disconnects",
	  "api.rst 4.37 KVM_ENABLE_CAP, 6 KVM_CAP_IRQ_XICS", t_xx_connect, X, 0, 0, 0 },
	{ "XICS-on-XIVE source words: -ENOENT, -EFAULT, then 0 (no server: untargeted, read "
	  "as server 0), -ENOENT for a source never set, 32-bit number, HAS",
	  REF_SRC, t_xx_source_words, X, 0, 0, 0 },
	{ "XICS-on-XIVE targeted sources: actual server, raw priority, a lost server, PENDING "
	  "delivered and read back in a queue",
	  REF_SRC, t_xx_targeted, X, 0, 0, 0 },
	{ "XICS-on-XIVE ICP_STATE: no validation, XISR 0 and PPRI 0xff on read, a delayed "
	  "XISR restored pending at set_source",
	  "api.txt KVM_REG_PPC_ICP_STATE; 6.1 kvmppc_xive_set_icp()", t_xx_icp_state, X, 0, 0, 0 },
	{ "XICS-on-XIVE KVM_IRQ_LINE(_STATUS): -ENXIO without a device, -EINVAL status for "
	  "sources never set, a masked trigger kept out of the word",
	  "api.rst 4.25 KVM_IRQ_LINE", t_xx_irq_line, X, 0, 0, 0 },
	{ "XICS-on-XIVE MSI: queued, H_XIRR, coalesced in service, again at H_EOI; H_EOI "
	  "H_PARAMETER still sets the CPPR",
	  REF_HC, t_xx_msi_flow, X, E, 0, 0 },
	{ "XICS-on-XIVE LSI: redelivered at H_EOI while asserted", REF_HC, t_xx_lsi_flow, X, E,
	  0, 0 },
	{ "XICS-on-XIVE IPI: doorbell, XISR 2, CPPR takes the MFRR; H_IPOLL peeks and leaves "
	  "r5; H_PARAMETER",
	  REF_HC, t_xx_ipi, X, E, 0, 0 },
	{ "XICS-on-XIVE H_CPPR: 6 and up map to 6", REF_HC, t_xx_cppr, X, E, 0, 0 },
	{ "XICS-on-XIVE: KVM_CAP_PPC_ENABLE_HCALL does not disable a connected vCPU's ICP "
	  "hypercalls",
	  REF_HC, t_xx_enable_hcall, X, E, 0, 0 },
	{ "XICS-on-XIVE connect: servers from 2048 -EINVAL (6.1 WARNs: differences.rst)",
	  REF_DEV, t_xx_server_range, X, E, 0, 0 },
	{ "XICS-on-XIVE RTAS: set-xive to an unknown server -3 but unmasked, get-xive, "
	  "int-off/int-on, -3 untargeted; an unset source and priority 0x1ff -3 (differences.rst)",
	  "api.rst 4.86 KVM_PPC_RTAS_DEFINE_TOKEN; 6.1 kvmppc_xive_set_xive()", t_xx_rtas, X, E, 0,
	  0 },
	{ "XICS-on-XIVE migration in QEMU's order with events in service and queued: word "
	  "for word, and the guest goes on",
	  "devices/xics.rst", t_xx_migrate, X, E, 0, 0 },
};

TEST_GROUP(xics_xive);
