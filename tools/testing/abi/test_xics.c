// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_TYPE_XICS on the ppc node (devices/xics.rst), as the emulated
 * POWER host's implementation answers: on the POWER8 host (ppc_host=power8)
 * Linux's XICS emulation, whose facts are 6.1's book3s_xics.c
 * (kvmppc_xics_create(), xics_set_source(), xics_get_source(),
 * xics_has_attr(), kvmppc_xics_release(), kvmppc_xics_connect_vcpu(),
 * kvmppc_xics_get/set_icp(), icp_deliver_irq()) and powerpc.c
 * (kvm_vcpu_ioctl_enable_cap()); on the POWER9 host XICS-on-XIVE
 * (test_xics_xive.c).
 */
#include <string.h>
#include <sys/eventfd.h>

#include "xics_common.h"

#define REF_DEV "devices/xics.rst"
#define REF_SRC "devices/xics.rst KVM_DEV_XICS_GRP_SOURCES"

static int xics_create(int vm, __u32 flags)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS, .flags = flags };
	int r = ioctl(vm, KVM_CREATE_DEVICE, &cd);

	return r ? -errno : (flags ? 0 : track_fd(cd.fd));
}

/*
 * One per VM (-EEXIST), KVM_CREATE_DEVICE_TEST 0 even then (the generic
 * path never asks the type); closing the fd releases it and another can be
 * made. KVM_CAP_IRQ_XICS is 1.
 */
static void t_xics_create(const struct abi_test *t)
{
	int vm = new_vm(0), dev, again;
	__u64 w;

	(void)t;
	if (skip_xics_on_xive())
		return;
	expect_eq(xics_create(vm, KVM_CREATE_DEVICE_TEST), 0);
	dev = xics_create(vm, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(xics_create(vm, 0), -EEXIST);
	expect_eq(xics_create(vm, KVM_CREATE_DEVICE_TEST), 0);
	expect_eq(set_src(dev, 16, PRIO(0xff)), 0);
	xclose(dev);
	again = xics_create(vm, 0);
	if (!expect_true(again >= 0))
		return;
	/* a fresh device: the old one's sources are gone */
	expect_eq(get_src(again, 16, &w), -ENOENT);
	expect_eq(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_XICS), 1);
}

/*
 * The host is the VM's: on a POWER9 (XIVE) host KVM_DEV_TYPE_XICS is
 * XICS-on-XIVE (its fd "kvm-xive"); a VM made before the switch keeps its
 * POWER8 host's XICS emulation.
 */
PARAM_TEST(t_xics_host)
{
	int before, after;

	expect_param_write("ppc_host", "power8", 0);
	before = new_vm(0);
	expect_param_write("ppc_host", "power7", EINVAL);
	expect_param_write("ppc_host", "power9", 0);
	expect_eq(strcmp(param_read("ppc_host"), "power9"), 0);
	after = new_vm(0);
	expect_true(xics_on_xive());
	expect_eq(xics_create(after, KVM_CREATE_DEVICE_TEST), 0);
	expect_true(xics_create(after, 0) >= 0);
	expect_eq(ioctl(after, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_XICS), 1);
	expect_eq(ioctl(before, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_XICS), 1);
	expect_true(xics_create(before, 0) >= 0);
	expect_param_write("ppc_host", "power8", 0);
	expect_true(!xics_on_xive());
}

/*
 * GRP_SOURCES set: the number first (-ENOENT below 16 and from 2^20, a
 * negative one too), then the word (-EFAULT), then a priority other than
 * 0xff needs its server's ICP (-EINVAL: none exists), MASKED or not.
 */
static void t_xics_set_errnos(const struct abi_test *t)
{
	int vm = new_vm(0), dev = xics_create(vm, 0);
	__u64 w;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0))
		return;
	expect_eq(set_src(dev, 0, PRIO(0xff)), -ENOENT);
	expect_eq(set_src(dev, 15, PRIO(0xff)), -ENOENT);
	expect_eq(set_src(dev, 0x100000, PRIO(0xff)), -ENOENT);
	expect_eq(set_src(dev, ~0ULL, PRIO(0xff)), -ENOENT);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 16, NULL), -EFAULT);
	expect_eq(set_src(dev, 16, PRIO(5)), -EINVAL);
	expect_eq(set_src(dev, 16, PRIO(5) | KVM_XICS_MASKED), -EINVAL);
	expect_eq(set_src(dev, 16, PRIO(0)), -EINVAL);
	/* refused sets made nothing */
	expect_eq(get_src(dev, 16, &w), -ENOENT);
	expect_eq(set_src(dev, 0xfffff, PRIO(0xff) | 7), 0);
	expect_eq(get_src(dev, 0xfffff, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | 7);
}

/*
 * GRP_SOURCES get as book3s_xics.c words it: a masked source reports
 * MASKED and its saved priority; LEVEL_SENSITIVE; P as PRESENTED (and as
 * PENDING for an LSI); Q as QUEUED; a pending MSI with no server to go to
 * stays neither pending nor lost (only P). Never set -ENOENT, also in an
 * ICS that exists; the number is taken as 32 bits; -EFAULT.
 */
static void t_xics_get_words(const struct abi_test *t)
{
	int vm = new_vm(0), dev = xics_create(vm, 0);
	__u64 w;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0))
		return;
	expect_eq(get_src(dev, 16, &w), -ENOENT);
	expect_eq(set_src(dev, 16, PRIO(0xff) | 3), 0);
	expect_eq(get_src(dev, 16, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | 3);
	expect_eq(get_src(dev, 17, &w), -ENOENT);
	expect_eq(get_src(dev, 0x100000000ULL | 16, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | 3);

	expect_eq(set_src(dev, 17, PRIO(0xff) | KVM_XICS_LEVEL_SENSITIVE | KVM_XICS_PENDING), 0);
	expect_eq(get_src(dev, 17, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_LEVEL_SENSITIVE | KVM_XICS_PENDING |
			     KVM_XICS_PRESENTED);

	expect_eq(set_src(dev, 18, PRIO(0xff) | KVM_XICS_PENDING | KVM_XICS_QUEUED), 0);
	expect_eq(get_src(dev, 18, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_PRESENTED | KVM_XICS_QUEUED);

	expect_eq(set_src(dev, 19, PRIO(0xff) | KVM_XICS_PRESENTED), 0);
	expect_eq(get_src(dev, 19, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | KVM_XICS_PRESENTED);

	/* a set replaces the whole state */
	expect_eq(set_src(dev, 17, PRIO(0xff) | 9), 0);
	expect_eq(get_src(dev, 17, &w), 0);
	expect_eq(w, PRIO(0xff) | KVM_XICS_MASKED | 9);
	expect_eq(xattr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 16, NULL), -EFAULT);
}

/*
 * HAS: GRP_SOURCES for 16 <= number < 2^20, GRP_CTRL for NR_SERVERS; any
 * other group or CTRL attribute -ENXIO.
 */
static void t_xics_groups(const struct abi_test *t)
{
	int vm = new_vm(0), dev = xics_create(vm, 0);
	__u32 n = 8;
	__u64 w = 0;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0))
		return;
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 16, NULL), 0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 0xfffff, NULL), 0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 15, NULL), -ENXIO);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, 0x100000, NULL), -ENXIO);
	/* NR_SERVERS: xics.rst's, not 6.1's emulation (differences.rst) */
	if (g_is_ext)
		expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL,
				KVM_DEV_XICS_NR_SERVERS, NULL), 0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, 2, NULL), -ENXIO);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, 2, &n), -ENXIO);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, 3, 16, &w), -ENXIO);
	expect_eq(xattr(dev, KVM_GET_DEVICE_ATTR, 0, 16, &w), -ENXIO);
}

/*
 * KVM_DEV_XICS_NR_SERVERS as xics.rst documents it for every XICS: write
 * only (a get -ENXIO, as XICS-on-XIVE), -EFAULT, -EINVAL above
 * KVM_MAX_VCPU_ID (16384 on ppc; 0 too, as XICS-on-XIVE). 6.1's XICS emulation has no such group
 * (-ENXIO): Documentation/differences.rst.
 */
static void t_xics_nr_servers(const struct abi_test *t)
{
	int vm = new_vm(0), dev = xics_create(vm, 0);
	__u32 n;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0))
		return;
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			NULL), -EFAULT);
	n = 0;
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			&n), -EINVAL);
	n = 16385;
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			&n), -EINVAL);
	n = 16384;
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			&n), 0);
	n = 8;
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			&n), 0);
	expect_eq(xattr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL, KVM_DEV_XICS_NR_SERVERS,
			&n), -ENXIO);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS), args[0] the device fd, args[1] the
 * server: flags -EINVAL; no fd -EBADF; not a kvm device, or another type,
 * or another VM's XICS -EPERM; a vCPU connected already -EBUSY; a server
 * number in use -EEXIST; any u32 server. A vCPU not in PAPR mode is
 * connected and refused (-EINVAL, the sanity check after the case). The
 * ICP starts as 0xffff0000; closing the XICS disconnects every vCPU.
 */
static void t_xics_connect(const struct abi_test *t)
{
	int vm = new_vm(0), other = new_vm(0), v0 = runnable_vcpu(vm, 0);
	int v1 = runnable_vcpu(vm, 1), v2 = new_vcpu(vm, 2);
	int dev = xics_create(vm, 0), odev = xics_create(other, 0), efd = new_eventfd();
	struct kvm_create_device vfio = { .type = KVM_DEV_TYPE_VFIO };
	__u64 v;
	__u32 w32;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0 && odev >= 0 && efd >= 0) ||
	    !expect_errno(ioctl(vm, KVM_CREATE_DEVICE, &vfio), 0))
		return;
	track_fd((int)vfio.fd);
	expect_eq(icp_get(v0, &v), -ENXIO);
	expect_eq(connect(v0, dev, 7, 1), -EINVAL);
	expect_eq(connect(v0, -1, 7, 0), -EBADF);
	expect_eq(connect(v0, efd, 7, 0), -EPERM);
	expect_eq(connect(v0, (int)vfio.fd, 7, 0), -EPERM);
	expect_eq(connect(v0, odev, 7, 0), -EPERM);
	expect_eq(connect(v0, dev, 7, 0), 0);
	/*
	 * NR_SERVERS once a vCPU is connected: -EBUSY (after its value
	 * checks); xics.rst's, not 6.1's emulation (differences.rst)
	 */
	if (g_is_ext) {
		w32 = 0;
		expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL,
				KVM_DEV_XICS_NR_SERVERS, &w32), -EINVAL);
		w32 = 8;
		expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_CTRL,
				KVM_DEV_XICS_NR_SERVERS, &w32), -EBUSY);
	}
	expect_eq(connect(v0, dev, 8, 0), -EBUSY);
	expect_eq(connect(v1, dev, 7, 0), -EEXIST);
	expect_eq(connect(v1, dev, 0xfffffffeULL, 0), 0);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0, 0, 0xff, 0xff));
	/* not in PAPR mode: connected, then refused; connected it stays */
	expect_eq(connect(v2, dev, 9, 0), -EINVAL);
	expect_eq(connect(v2, dev, 10, 0), -EBUSY);
	expect_eq(icp_get(v2, &v), 0);
	/* a source may now target a server */
	expect_eq(set_src(dev, 16, PRIO(5) | 7), 0);
	expect_eq(set_src(dev, 17, PRIO(5) | 8), -EINVAL);
	xclose(dev);
	expect_eq(icp_get(v0, &v), -ENXIO);
	dev = xics_create(vm, 0);
	expect_eq(connect(v0, dev, 7, 0), 0);
	expect_eq(connect(v1, dev, 7, 0), -EEXIST);
}

/*
 * KVM_REG_PPC_ICP_STATE set: consistent or -EINVAL (no interrupt: pending
 * priority 0xff; an IPI: at the MFRR's priority, above the CPPR; an
 * interrupt: above the CPPR and the MFRR, its ICS made); read back whole.
 */
static void t_xics_icp_state(const struct abi_test *t)
{
	int vm = new_vm(0), v0 = runnable_vcpu(vm, 0), dev = xics_create(vm, 0);
	__u64 v;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0) || !expect_eq(connect(v0, dev, 0, 0), 0))
		return;
	expect_eq(icp_put(v0, ICP(0xff, 0, 0xff, 5)), -EINVAL);
	expect_eq(icp_put(v0, ICP(0xff, 2, 5, 6)), -EINVAL);
	expect_eq(icp_put(v0, ICP(5, 2, 5, 5)), -EINVAL);
	expect_eq(icp_put(v0, ICP(0xff, 2, 5, 5)), 0);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0xff, 2, 5, 5));
	expect_eq(icp_put(v0, ICP(0xff, 0x1000, 0xff, 3)), -EINVAL); /* no ICS 4 */
	expect_eq(set_src(dev, 0x1000, PRIO(0xff)), 0);
	expect_eq(icp_put(v0, ICP(0xff, 0x1000, 3, 3)), -EINVAL);
	expect_eq(icp_put(v0, ICP(3, 0x1000, 0xff, 3)), -EINVAL);
	expect_eq(icp_put(v0, ICP(0xff, 0x1001, 0xff, 3)), 0); /* the ICS, not the source */
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0xff, 0x1001, 0xff, 3));
	expect_eq(icp_put(v0, ICP(0xff, 0, 0xff, 0xff)), 0);
}

/*
 * A PENDING source set is delivered as icp_deliver_irq() does: presented
 * when the ICP's CPPR, MFRR and pending priority are all less favoured;
 * else left for a resend (the source reads PENDING) that a less favoured
 * MFRR set through ICP_STATE hands back; a more favoured one rejects the
 * interrupt the ICP held, which then waits for a resend; a masked source
 * keeps it pending.
 */
static void t_xics_delivery(const struct abi_test *t)
{
	int vm = new_vm(0), v0 = runnable_vcpu(vm, 0), dev = xics_create(vm, 0);
	__u64 v, w;

	(void)t;
	if (skip_xics_on_xive())
		return;
	if (!expect_true(dev >= 0) || !expect_eq(connect(v0, dev, 0, 0), 0))
		return;
	/* CPPR 0: nothing is deliverable; the source waits for a resend */
	expect_eq(set_src(dev, 20, PRIO(5) | KVM_XICS_PENDING), 0);
	expect_eq(get_src(dev, 20, &w), 0);
	expect_eq(w, PRIO(5) | KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0, 0, 0xff, 0xff));
	/* CPPR 3, MFRR 0x10: priority 5 still not; a less favoured MFRR resends */
	expect_eq(icp_put(v0, ICP(3, 0, 0x10, 0xff)), 0);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(3, 0, 0x10, 0xff));
	expect_eq(icp_put(v0, ICP(0xff, 0, 0xff, 0xff)), 0);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0xff, 20, 0xff, 5));
	expect_eq(get_src(dev, 20, &w), 0);
	expect_eq(w, PRIO(5) | KVM_XICS_PRESENTED);
	/* priority 2 rejects 20, which cannot come back (2 is more favoured) */
	expect_eq(set_src(dev, 21, PRIO(2) | KVM_XICS_PENDING), 0);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0xff, 21, 0xff, 2));
	expect_eq(get_src(dev, 20, &w), 0);
	expect_eq(w, PRIO(5) | KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	/* masked: pending, not presented to the ICP */
	expect_eq(set_src(dev, 22, PRIO(1) | KVM_XICS_MASKED | KVM_XICS_PENDING), 0);
	expect_eq(get_src(dev, 22, &w), 0);
	expect_eq(w, PRIO(1) | KVM_XICS_MASKED | KVM_XICS_PENDING | KVM_XICS_PRESENTED);
	expect_eq(icp_get(v0, &v), 0);
	expect_eq(v, ICP(0xff, 21, 0xff, 2));
}

static const struct abi_test xics_tests[] = {
	{ "XICS: one per VM (-EEXIST), CREATE_DEVICE_TEST 0, released with its fd and made "
	  "again; KVM_CAP_IRQ_XICS 1",
	  REF_DEV, t_xics_create, M_PPC, 0, 0, 0 },
	{ "XICS: the VM's emulated host decides (ppc_host=power9: XICS-on-XIVE; a VM made "
	  "before keeps its host)",
	  REF_DEV, t_xics_host, M_PPC, T_EXT, 0, 0 },
	{ "XICS GRP_SOURCES set: number (-ENOENT), word (-EFAULT), priority without a server "
	  "(-EINVAL), in that order; refused sets make nothing",
	  REF_SRC, t_xics_set_errnos, M_PPC, 0, 0, 0 },
	{ "XICS GRP_SOURCES get: MASKED with the saved priority, LEVEL, PENDING/PRESENTED/QUEUED "
	  "from P and Q, -ENOENT for a source never set, 32-bit numbers, -EFAULT",
	  REF_SRC, t_xics_get_words, M_PPC, 0, 0, 0 },
	{ "XICS HAS for sources 16..2^20-1 and NR_SERVERS; other groups and attributes -ENXIO",
	  REF_DEV, t_xics_groups, M_PPC, 0, 0, 0 },
	{ "XICS KVM_DEV_XICS_NR_SERVERS: write only, -EFAULT, -EINVAL for 0 and above "
	  "KVM_MAX_VCPU_ID (as xics.rst; 6.1's XICS emulation lacks the group)",
	  "devices/xics.rst KVM_DEV_XICS_NR_SERVERS", t_xics_nr_servers, M_PPC, T_EXT, 0, 0 },
	{ "XICS vCPU connect (KVM_ENABLE_CAP KVM_CAP_IRQ_XICS): -EINVAL, -EBADF, -EPERM (not a "
	  "device, another type, another VM), -EBUSY, -EEXIST; PAPR's sanity after; "
	  "disconnected with the device",
	  "devices/xics.rst, api.rst 4.37 KVM_ENABLE_CAP", t_xics_connect, M_PPC, 0, 0, 0 },
	{ "XICS KVM_REG_PPC_ICP_STATE: the consistency rules (-EINVAL), read back",
	  "devices/xics.rst (ICP state)", t_xics_icp_state, M_PPC, 0, 0, 0 },
	{ "XICS delivery of a pending source: presented, resent after a less favoured MFRR, "
	  "rejected by a more favoured one, kept pending while masked",
	  "devices/xics.rst", t_xics_delivery, M_PPC, 0, 0, 0 },
};

TEST_GROUP(xics);
