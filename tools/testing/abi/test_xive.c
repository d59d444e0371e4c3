// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_DEV_TYPE_XIVE, XIVE native, on the ppc node (devices/xive.rst, the
 * api.txt patch's KVM_CAP_PPC_IRQ_XIVE and KVM_REG_PPC_VP_STATE), as 6.1's
 * book3s_xive_native.c (kvmppc_xive_native_create(), _set_attr(),
 * _has_attr(), _connect_vcpu(), _get/set_vp(), _release()), book3s_xive.c
 * (kvmppc_xive_set_nr_servers(), kvmppc_xive_select_target(),
 * kvmppc_xive_set_irq(), kvmppc_xive_get/set_icp()), powerpc.c
 * (kvm_vcpu_ioctl_enable_cap(), kvm_vm_ioctl_check_extension()) and
 * book3s.c (ONE_REG) answer on a POWER9 host. The tests skip, saying so,
 * where KVM_CAP_PPC_IRQ_XIVE is 0 (kvm_ext's POWER8, a nested host),
 * except those of a host without XIVE.
 *
 * Events as the guest sees them, through the device's ESB and TIMA
 * mappings, are test_xive_mmap.c's.
 */
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_DEV "devices/xive.rst"
#define REF_CAP "api.txt 6.75 KVM_CAP_PPC_IRQ_XIVE"
#define REF_VP "api.txt 4.68 KVM_REG_PPC_VP_STATE, devices/xive.rst VCPU state"

#define QUEUE_SIZE 0x10000ULL /* the one queue size 6.1 takes: qshift 16 */
#define RAM_GPA 0x10000000ULL
#define RAM_SIZE (4 * QUEUE_SIZE)

/* SOURCE_CONFIG's value and EQ_CONFIG's attribute */
#define CFG(server, prio, eisn, masked)                                                  \
	((__u64)(eisn) << KVM_XIVE_SOURCE_EISN_SHIFT |                                   \
	 ((masked) ? KVM_XIVE_SOURCE_MASKED_MASK : 0) |                                  \
	 (__u64)(server) << KVM_XIVE_SOURCE_SERVER_SHIFT | (__u64)(prio))
#define EQ_ID(server, prio) ((__u64)(server) << KVM_XIVE_EQ_SERVER_SHIFT | (__u64)(prio))

static bool skip_no_xive(void)
{
	if (ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE) <= 0) {
		skip_test("the host has no XIVE native (KVM_CAP_PPC_IRQ_XIVE 0: a POWER8)");
		return true;
	}
	return false;
}

static int xive_create(int vm, __u32 flags)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XIVE, .flags = flags };
	int r = ioctl(vm, KVM_CREATE_DEVICE, &cd);

	return r ? -errno : (flags ? 0 : track_fd(cd.fd));
}

static int xics_create(int vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	return ioctl(vm, KVM_CREATE_DEVICE, &cd) ? -errno : track_fd(cd.fd);
}

static int xattr(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a) ? -errno : 0;
}

static int ctrl(int dev, __u64 attr, void *val)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_CTRL, attr, val);
}

static int nr_servers(int dev, __u32 n)
{
	return ctrl(dev, KVM_DEV_XIVE_NR_SERVERS, &n);
}

static int source(int dev, __u64 irq, __u64 val)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE, irq, &val);
}

static int config(int dev, __u64 irq, __u64 cfg)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, irq, &cfg);
}

static int sync_src(int dev, __u64 irq)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_SYNC, irq, NULL);
}

static struct kvm_ext_ppc_xive_eq queue(__u64 gpa, __u32 toggle, __u32 index)
{
	struct kvm_ext_ppc_xive_eq eq = {
		.flags = KVM_XIVE_EQ_ALWAYS_NOTIFY,
		.qshift = 16,
		.qaddr = gpa,
		.qtoggle = toggle,
		.qindex = index,
	};

	return eq;
}

static int set_eq(int dev, __u64 id, struct kvm_ext_ppc_xive_eq eq)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, id, &eq);
}

/* The configuration, or 0xa5 bytes where the call wrote nothing. */
static int get_eq(int dev, __u64 id, struct kvm_ext_ppc_xive_eq *eq)
{
	memset(eq, 0xa5, sizeof(*eq));
	return xattr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, id, eq);
}

/* KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE): args[0] the device fd, args[1] the server. */
static int connect(int vcpu, int fd, __u64 server, __u32 flags)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_IRQ_XIVE, .flags = flags };

	c.args[0] = (__u64)fd;
	c.args[1] = server;
	return ioctl(vcpu, KVM_ENABLE_CAP, &c) ? -errno : 0;
}

static int vp_get(int vcpu, __u64 v[2])
{
	v[0] = v[1] = 0xdeadbeefdeadbeefULL;
	return one_reg(vcpu, false, KVM_REG_PPC_VP_STATE, v) ? -errno : 0;
}

static int vp_put(int vcpu, __u64 w0, __u64 w1)
{
	__u64 v[2] = { w0, w1 };

	return one_reg(vcpu, true, KVM_REG_PPC_VP_STATE, v) ? -errno : 0;
}

/* KVM_IRQ_LINE_STATUS: the status, or the ioctl's -errno. */
static int irq_status(int vm, __u32 irq, __u32 level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(vm, KVM_IRQ_LINE_STATUS, &l))
		return -errno - 1000;
	return l.status;
}

/* A VM with the device, RAM for queues and a PAPR vCPU 0 connected as server 0. */
struct xive_vm {
	int vm, dev, vcpu;
	unsigned char *ram;
};

static bool xive_vm(struct xive_vm *x, __u32 log_flags)
{
	x->vm = new_vm(0);
	x->dev = xive_create(x->vm, 0);
	x->vcpu = runnable_vcpu(x->vm, 0);
	x->ram = alloc_mem(RAM_SIZE);
	if (!expect_true(x->dev >= 0) || !x->ram)
		return false;
	if (expect_errno(set_region(x->vm, 0, log_flags, RAM_GPA, RAM_SIZE, x->ram), 0) &&
	    expect_eq(connect(x->vcpu, x->dev, 0, 0), 0))
		return true;
	return false;
}

/*
 * KVM_CAP_PPC_IRQ_XIVE: the system fd and a VM's agree; 1 on kvm_ext's
 * POWER9, 0 on its POWER8 (ppc_host), and a VM keeps the host it was made
 * on.
 */
PARAM_TEST(t_xive_cap)
{
	int p8, p9;

	expect_param_write("ppc_host", "power8", 0);
	p8 = new_vm(0);
	expect_eq(ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE), 0);
	expect_eq(ioctl(p8, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE), 0);
	expect_param_write("ppc_host", "power9", 0);
	p9 = new_vm(0);
	expect_eq(ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE), 1);
	expect_eq(ioctl(p9, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE), 1);
	expect_eq(ioctl(p8, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE), 0);
	expect_eq(xive_create(p8, KVM_CREATE_DEVICE_TEST), -ENODEV);
	expect_true(xive_create(p9, 0) >= 0);
}

/*
 * A host without XIVE native (KVM_CAP_PPC_IRQ_XIVE 0): no such device type
 * (-ENODEV, TEST too); KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE) reads the fd
 * first (-EBADF), then has no XIVE (-ENXIO; a nested host, whose own
 * interrupts are XIVE's, looks at the device instead: -EPERM).
 */
static void t_xive_absent(const struct abi_test *t)
{
	int vm, vcpu, efd, r;

	(void)t;
	if (ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE) > 0) {
		skip_test("the host has XIVE native (a POWER9)");
		return;
	}
	vm = new_vm(0);
	vcpu = new_vcpu(vm, 0);
	efd = new_eventfd();
	expect_eq(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE), 0);
	expect_eq(xive_create(vm, KVM_CREATE_DEVICE_TEST), -ENODEV);
	expect_eq(xive_create(vm, 0), -ENODEV);
	expect_eq(connect(vcpu, 1 << 20, 0, 0), -EBADF);
	r = connect(vcpu, efd, 0, 0);
	if (!expect_true(r == -ENXIO || (!g_is_ext && r == -EPERM)))
		diag("connect: %d", r);
}

/*
 * One per VM (-EEXIST; CREATE_DEVICE_TEST 0 even then), released with its
 * fd, with every source and every vCPU's connection (VP_STATE -ENXIO
 * again); the VM may then make another, and its vCPUs connect to it.
 */
static void t_xive_create(const struct abi_test *t)
{
	int vm, dev, again, vcpu;
	__u64 vp[2];

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	vcpu = runnable_vcpu(vm, 0);
	expect_eq(xive_create(vm, KVM_CREATE_DEVICE_TEST), 0);
	dev = xive_create(vm, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(xive_create(vm, 0), -EEXIST);
	expect_eq(xive_create(vm, KVM_CREATE_DEVICE_TEST), 0);
	/* the VM's one interrupt controller (kvm->arch.xive): no XICS-on-XIVE */
	expect_eq(xics_create(vm), -EEXIST);
	expect_eq(source(dev, 100, 0), 0);
	expect_eq(connect(vcpu, dev, 0, 0), 0);
	expect_eq(vp_get(vcpu, vp), 0);
	xclose(dev);
	expect_eq(vp_get(vcpu, vp), -ENXIO);
	again = xive_create(vm, 0);
	if (!expect_true(again >= 0))
		return;
	expect_eq(config(again, 100, CFG(0, 0, 0, 1)), -ENOENT); /* a fresh device */
	expect_eq(connect(vcpu, again, 0, 0), 0);
	expect_eq(vp_get(vcpu, vp), 0);
	/* nor XIVE native beside XICS-on-XIVE */
	vm = new_vm(0);
	expect_true(xics_create(vm) >= 0);
	expect_eq(xive_create(vm, 0), -EEXIST);
}

/*
 * GRP_CTRL: RESET and EQ_SYNC take no value (no error); NR_SERVERS reads a
 * __u32 (-EFAULT), 0 or above KVM_MAX_VCPU_ID -EINVAL, -EBUSY once a vCPU
 * connected; another attribute -ENXIO; nothing is readable (-ENXIO).
 */
static void t_xive_ctrl(const struct abi_test *t)
{
	int vm, dev, vcpu;
	__u32 n = 4;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm, 0);
	vcpu = runnable_vcpu(vm, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(ctrl(dev, KVM_DEV_XIVE_RESET, NULL), 0);
	expect_eq(ctrl(dev, KVM_DEV_XIVE_EQ_SYNC, g_bad_ptr), 0);
	expect_eq(ctrl(dev, KVM_DEV_XIVE_NR_SERVERS, g_bad_ptr), -EFAULT);
	expect_eq(nr_servers(dev, 0), -EINVAL);
	expect_eq(nr_servers(dev, 16385), -EINVAL);
	expect_eq(nr_servers(dev, 16384), 0);
	expect_eq(nr_servers(dev, 4), 0);
	expect_eq(ctrl(dev, 4, &n), -ENXIO);
	expect_eq(ctrl(dev, 0, &n), -ENXIO);
	expect_eq(xattr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_NR_SERVERS,
			&n),
		  -ENXIO);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, 6, 0, &n), -ENXIO);
	expect_eq(connect(vcpu, dev, 3, 0), 0);
	expect_eq(nr_servers(dev, 8), -EBUSY);
	expect_eq(nr_servers(dev, 0), -EINVAL); /* the value first */
}

/*
 * HAS: GRP_CTRL's three attributes; a source number 0..2^20-1 in the
 * source groups; any EQ identifier; any other group or attribute -ENXIO.
 * GET: only GRP_EQ_CONFIG has it (-ENXIO elsewhere).
 */
static void t_xive_has(const struct abi_test *t)
{
	static const __u32 src_groups[] = { KVM_DEV_XIVE_GRP_SOURCE,
					    KVM_DEV_XIVE_GRP_SOURCE_CONFIG,
					    KVM_DEV_XIVE_GRP_SOURCE_SYNC };
	int vm, dev;
	__u64 a, v;
	size_t i;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm, 0);
	if (!expect_true(dev >= 0))
		return;
	for (a = 0; a <= 4; a++)
		expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XIVE_GRP_CTRL, a, NULL),
			  a >= 1 && a <= 3 ? 0 : -ENXIO);
	for (i = 0; i < ARRAY_SIZE(src_groups); i++) {
		expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, src_groups[i], 0, NULL), 0);
		expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, src_groups[i], 0xfffff, NULL), 0);
		expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, src_groups[i], 0x100000, NULL), -ENXIO);
		expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, src_groups[i], ~0ULL, NULL), -ENXIO);
		expect_eq(xattr(dev, KVM_GET_DEVICE_ATTR, src_groups[i], 16, &v), -ENXIO);
	}
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, ~0ULL, NULL), 0);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, 0, 0, NULL), -ENXIO);
	expect_eq(xattr(dev, KVM_HAS_DEVICE_ATTR, 6, 0, NULL), -ENXIO);
}

/*
 * GRP_SOURCE, in 6.1's order: the number as a signed 64-bit value
 * (-E2BIG outside 0..2^20-1), the source block (made even if the next
 * step fails), the value (-EFAULT). GRP_SOURCE_SYNC: a number whose block
 * is missing -ENOENT (the number taken as 32 bits), a source never
 * initialised -EINVAL.
 */
static void t_xive_source(const struct abi_test *t)
{
	int vm, dev;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm, 0);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(source(dev, ~0ULL, 0), -E2BIG);
	expect_eq(source(dev, 0x100000, 0), -E2BIG);
	expect_eq(sync_src(dev, 2048), -ENOENT);
	expect_eq(xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE, 2048, g_bad_ptr),
		  -EFAULT);
	expect_eq(sync_src(dev, 2048), -EINVAL); /* its block was made */
	expect_eq(sync_src(dev, 0x100000), -ENOENT);
	expect_eq(source(dev, 0, 0), 0);
	expect_eq(source(dev, 0xfffff, KVM_XIVE_LEVEL_SENSITIVE | KVM_XIVE_LEVEL_ASSERTED), 0);
	expect_eq(source(dev, 2048, KVM_XIVE_LEVEL_SENSITIVE), 0);
	expect_eq(source(dev, 2048, 0), 0); /* again */
	expect_eq(sync_src(dev, 2048), 0);
	expect_eq(sync_src(dev, 1ULL << 32 | 2048), 0);
	expect_eq(sync_src(dev, 0), 0);
}

/*
 * GRP_SOURCE_CONFIG, in 6.1's order: the block (-ENOENT), an initialised
 * source (-EINVAL), the value (-EFAULT), priority 7 (-EINVAL); masked, it
 * needs no target; otherwise the server must be connected (-EINVAL) and
 * have that priority's queue configured (xive.rst: -ENXIO; kvm_ext-only,
 * 6.1 WARNs and answers -EBUSY).
 */
static void t_xive_source_config(const struct abi_test *t)
{
	struct xive_vm x;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, 0))
		return;
	expect_eq(config(x.dev, 5000, CFG(0, 0, 1, 0)), -ENOENT);
	expect_eq(config(x.dev, 0x100000, CFG(0, 0, 1, 0)), -ENOENT);
	expect_eq(source(x.dev, 2049, 0), 0);
	expect_eq(config(x.dev, 2048, CFG(0, 0, 1, 0)), -EINVAL);
	expect_eq(xattr(x.dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, 2049,
			g_bad_ptr),
		  -EFAULT);
	expect_eq(config(x.dev, 2049, CFG(0, 7, 1, 0)), -EINVAL);
	expect_eq(config(x.dev, 2049, CFG(9, 7, 1, 1)), -EINVAL);
	expect_eq(config(x.dev, 2049, CFG(1, 0, 1, 0)), -EINVAL); /* no such server */
	expect_eq(config(x.dev, 2049, CFG(9, 0, 1, 1)), 0);
	if (g_is_ext)
		expect_eq(config(x.dev, 2049, CFG(0, 0, 1, 0)), -ENXIO);
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), queue(RAM_GPA, 1, 0)), 0);
	expect_eq(config(x.dev, 2049, CFG(0, 0, 1, 0)), 0);
	expect_eq(config(x.dev, 1ULL << 32 | 2049, CFG(0, 0, 0x7fffffff, 0)), 0);
	expect_eq(config(x.dev, 2049, CFG(0, 0, 1, 1)), 0);
}

/*
 * The source-config row kvm_ext answers as xive.rst does: a queue not
 * configured -ENXIO ("CPU event queues not configured"), whatever other
 * vCPU has one; 6.1 WARNs, targets another vCPU's queue at that priority
 * if there is one and otherwise answers -EBUSY (differences.rst).
 */
static void t_xive_source_config_enxio(const struct abi_test *t)
{
	struct xive_vm x;
	int v1;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, 0))
		return;
	v1 = runnable_vcpu(x.vm, 1);
	expect_eq(connect(v1, x.dev, 1, 0), 0);
	expect_eq(set_eq(x.dev, EQ_ID(1, 2), queue(RAM_GPA, 1, 0)), 0);
	expect_eq(source(x.dev, 16, 0), 0);
	expect_eq(config(x.dev, 16, CFG(0, 2, 1, 0)), -ENXIO);
	expect_eq(config(x.dev, 16, CFG(0, 3, 1, 0)), -ENXIO);
	expect_eq(config(x.dev, 16, CFG(1, 2, 1, 0)), 0);
}

/*
 * GRP_EQ_CONFIG set, in 6.1's order: the structure (-EFAULT, before the
 * server), the server's presenter (-ENOENT), priority 7 (-EINVAL); qshift
 * 0 resets the queue and reads nothing else; then flags other than
 * ALWAYS_NOTIFY, a size other than 64 KiB (qshift 16), an address not
 * aligned to it, or a queue not in guest RAM, -EINVAL. Bits 63:32 of the
 * identifier are unused.
 */
static void t_xive_eq_set(const struct abi_test *t)
{
	struct kvm_ext_ppc_xive_eq eq = queue(RAM_GPA, 1, 0), bad;
	struct xive_vm x;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, 0))
		return;
	expect_eq(xattr(x.dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(1, 7),
			g_bad_ptr),
		  -EFAULT);
	expect_eq(set_eq(x.dev, EQ_ID(1, 7), eq), -ENOENT);
	expect_eq(set_eq(x.dev, EQ_ID(0, 7), eq), -EINVAL);
	bad = eq;
	bad.flags = 0;
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), bad), -EINVAL);
	bad.flags = KVM_XIVE_EQ_ALWAYS_NOTIFY | 2;
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), bad), -EINVAL);
	bad = eq;
	bad.qshift = 12;
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), bad), -EINVAL);
	bad.qshift = 24;
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), bad), -EINVAL);
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), queue(RAM_GPA + 0x8000, 1, 0)), -EINVAL);
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), queue(RAM_GPA + RAM_SIZE, 1, 0)), -EINVAL);
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), queue(0, 1, 0)), -EINVAL);
	bad = eq;
	bad.qshift = 0;
	bad.flags = 77;
	bad.qaddr = 1;
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), bad), 0);
	expect_eq(set_eq(x.dev, 1ULL << 32 | EQ_ID(0, 0), eq), 0);
	/*
	 * A second priority's queue of the same vCPU: 6.1 in single
	 * escalation mode (every POWER9 it supports) requests the vCPU's one
	 * escalation interrupt again, fails (-EBUSY), disposes of the mapping
	 * the first queue holds and crashes when the device is released;
	 * kvm_ext takes it (differences.rst).
	 */
	if (g_is_ext)
		expect_eq(set_eq(x.dev, EQ_ID(0, 6), queue(RAM_GPA + QUEUE_SIZE, 1, 0)), 0);
}

/*
 * GRP_EQ_CONFIG get: -ENOENT, -EINVAL as for a set; a queue not configured
 * is 0 and nothing is written (not even to a bad pointer); a configured
 * one reads ALWAYS_NOTIFY, its size and address and where the next entry
 * goes (a restored qtoggle/qindex, 1/0 after a plain configuration), the
 * rest 0; -EFAULT. A refused set keeps the queue; a reset or RESET
 * unconfigures it.
 */
static void t_xive_eq_get(const struct abi_test *t)
{
	struct kvm_ext_ppc_xive_eq eq, zero;
	struct xive_vm x;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, 0))
		return;
	memset(&zero, 0, sizeof(zero));
	expect_eq(get_eq(x.dev, EQ_ID(1, 0), &eq), -ENOENT);
	expect_eq(get_eq(x.dev, EQ_ID(0, 7), &eq), -EINVAL);
	expect_eq(get_eq(x.dev, EQ_ID(0, 0), &eq), 0);
	expect_eq(eq.qshift, 0xa5a5a5a5);
	expect_eq(xattr(x.dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(0, 0),
			g_bad_ptr),
		  0);
	expect_eq(set_eq(x.dev, EQ_ID(0, 3), queue(RAM_GPA + QUEUE_SIZE, 0, 77)), 0);
	expect_eq(xattr(x.dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(0, 3),
			g_bad_ptr),
		  -EFAULT);
	expect_eq(get_eq(x.dev, EQ_ID(0, 3), &eq), 0);
	expect_eq(eq.flags, KVM_XIVE_EQ_ALWAYS_NOTIFY);
	expect_eq(eq.qshift, 16);
	expect_eq(eq.qaddr, RAM_GPA + QUEUE_SIZE);
	expect_eq(eq.qtoggle, 0);
	expect_eq(eq.qindex, 77);
	expect_eq(memcmp(eq.pad, zero.pad, sizeof(eq.pad)), 0);
	/* a refused set keeps it */
	expect_eq(set_eq(x.dev, EQ_ID(0, 3), queue(RAM_GPA + 0x8000, 1, 0)), -EINVAL);
	expect_eq(get_eq(x.dev, EQ_ID(0, 3), &eq), 0);
	expect_eq(eq.qindex, 77);
	/* configured again: from the start */
	expect_eq(set_eq(x.dev, EQ_ID(0, 3), queue(RAM_GPA, 1, 0)), 0);
	expect_eq(get_eq(x.dev, EQ_ID(0, 3), &eq), 0);
	expect_eq(eq.qaddr, RAM_GPA);
	expect_eq(eq.qtoggle, 1);
	expect_eq(eq.qindex, 0);
	/* the reset form */
	expect_eq(set_eq(x.dev, EQ_ID(0, 3), zero), 0);
	expect_eq(get_eq(x.dev, EQ_ID(0, 3), &eq), 0);
	expect_eq(eq.qshift, 0xa5a5a5a5);
	/* KVM_DEV_XIVE_RESET (the same priority: see t_xive_eq_set()) */
	expect_eq(set_eq(x.dev, EQ_ID(0, 3), queue(RAM_GPA, 1, 0)), 0);
	expect_eq(ctrl(x.dev, KVM_DEV_XIVE_RESET, NULL), 0);
	expect_eq(get_eq(x.dev, EQ_ID(0, 3), &eq), 0);
	expect_eq(eq.qshift, 0xa5a5a5a5);
}

/*
 * A restored queue index past the queue's end: kvm_ext refuses it
 * (-EINVAL); 6.1 hands it to OPAL (differences.rst).
 */
static void t_xive_eq_index(const struct abi_test *t)
{
	struct kvm_ext_ppc_xive_eq eq;
	struct xive_vm x;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, 0))
		return;
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), queue(RAM_GPA, 1, QUEUE_SIZE / 4)), -EINVAL);
	expect_eq(get_eq(x.dev, EQ_ID(0, 0), &eq), 0);
	expect_eq(eq.qshift, 0xa5a5a5a5);
	expect_eq(set_eq(x.dev, EQ_ID(0, 0), queue(RAM_GPA, 1, QUEUE_SIZE / 4 - 1)), 0);
	expect_eq(get_eq(x.dev, EQ_ID(0, 0), &eq), 0);
	expect_eq(eq.qindex, QUEUE_SIZE / 4 - 1);
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE), in 6.1's order: flags -EINVAL; an
 * fd not open -EBADF; not a device, a device of another type, or another
 * VM's XIVE -EPERM; a vCPU connected already -EBUSY; a server at or above
 * NR_SERVERS -EINVAL; a server another vCPU has -EEXIST. A vCPU not in
 * PAPR mode is connected and the call is -EINVAL (the sanity check).
 * NR_SERVERS is -EBUSY from the first connection on.
 */
static void t_xive_connect(const struct abi_test *t)
{
	int vm, other, dev, odev, vfio, v0, v1, v2;
	__u64 vp[2];

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	other = new_vm(0);
	dev = xive_create(vm, 0);
	odev = xive_create(other, 0);
	vfio = new_vfio(vm);
	v0 = runnable_vcpu(vm, 0);
	v1 = new_vcpu(vm, 1);
	v2 = runnable_vcpu(vm, 2);
	if (!expect_true(dev >= 0 && odev >= 0 && vfio >= 0))
		return;
	expect_eq(connect(v0, dev, 0, 1), -EINVAL);
	expect_eq(connect(v0, 1 << 20, 0, 0), -EBADF);
	expect_eq(connect(v0, vm, 0, 0), -EPERM);
	expect_eq(connect(v0, vfio, 0, 0), -EPERM);
	expect_eq(connect(v0, odev, 0, 0), -EPERM);
	expect_eq(nr_servers(dev, 4), 0);
	expect_eq(connect(v0, dev, 4, 0), -EINVAL);
	expect_eq(connect(v0, dev, 1ULL << 32 | 4, 0), -EINVAL); /* a u32 */
	expect_eq(nr_servers(dev, 8), 0);			 /* nothing connected yet */
	expect_eq(connect(v0, dev, 1ULL << 32 | 7, 0), 0);
	expect_eq(nr_servers(dev, 8), -EBUSY);
	expect_eq(connect(v0, dev, 6, 0), -EBUSY);
	expect_eq(connect(v2, dev, 7, 0), -EEXIST);
	expect_eq(connect(v1, dev, 5, 0), -EINVAL);
	expect_eq(connect(v1, dev, 6, 0), -EBUSY);
	expect_eq(vp_get(v1, vp), 0);
	expect_eq(connect(v2, dev, 6, 0), 0);
}

/*
 * A server from KVM_MAX_VCPUS (2048) on has no VP: kvm_ext refuses it
 * (-EINVAL); 6.1 WARNs ("VCPU ID too large to pack") and gives it VP 0
 * (differences.rst).
 */
static void t_xive_connect_big_server(const struct abi_test *t)
{
	int vm, dev, v0;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm, 0);
	v0 = runnable_vcpu(vm, 0);
	expect_eq(nr_servers(dev, 16384), 0);
	expect_eq(connect(v0, dev, 2048, 0), -EINVAL);
	expect_eq(connect(v0, dev, 0xffffffff, 0), -EINVAL);
	expect_eq(connect(v0, dev, 2047, 0), 0);
}

/*
 * KVM_REG_PPC_VP_STATE, 128 bits: -ENXIO on a vCPU not connected (get and
 * set); a new presenter's first word is connect's
 * cpu_to_be64(0xff000000) (the TIMA bytes 00 00 00 00 ff 00 00 00); a set
 * takes the first word whole and reads back; the second word reads 0
 * (kvm_ext: 6.1 leaves it uninitialised). ICP_STATE on a native vCPU
 * reads its CPPR and MFRR (0 on a new one) with no XISR and pending
 * priority 0xff; a set keeps them and the CPPR goes into the thread
 * context (TIMA byte 1).
 */
static void t_xive_vp_state(const struct abi_test *t)
{
	const __u64 w0 = 0x0102030405060708ULL;
	int vm, dev, v0, v1;
	__u64 vp[2], icp;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm, 0);
	v0 = runnable_vcpu(vm, 0);
	v1 = runnable_vcpu(vm, 1);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(vp_get(v0, vp), -ENXIO);
	expect_eq(vp_put(v0, 0, 0), -ENXIO);
	expect_eq(connect(v0, dev, 0, 0), 0);
	expect_eq(vp_get(v1, vp), -ENXIO);
	expect_eq(vp_get(v0, vp), 0);
	expect_eq(vp[0], 0xffULL << 32);
	if (g_is_ext)
		expect_eq(vp[1], 0);
	expect_eq(one_reg(v0, false, KVM_REG_PPC_VP_STATE, g_bad_ptr), -1);
	expect_eq(errno, EFAULT);
	expect_eq(vp_put(v0, w0, 0x1111), 0);
	expect_eq(vp_get(v0, vp), 0);
	expect_eq(vp[0], w0);
	if (g_is_ext)
		expect_eq(vp[1], 0);
	icp = 0xdead;
	expect_eq(one_reg(v0, false, KVM_REG_PPC_ICP_STATE, &icp), 0);
	expect_eq(icp, 0xffULL << 16);
	icp = 0x05ULL << 56 | 0x33ULL << 24 | 0x44ULL << 16;
	expect_eq(one_reg(v0, true, KVM_REG_PPC_ICP_STATE, &icp), 0);
	expect_eq(one_reg(v0, false, KVM_REG_PPC_ICP_STATE, &icp), 0);
	expect_eq(icp, 0x05ULL << 56 | 0x33ULL << 24 | 0xffULL << 16);
	expect_eq(vp_get(v0, vp), 0);
	expect_eq(vp[0], 0x0102030405060508ULL);
	icp = 0;
	expect_eq(one_reg(v1, false, KVM_REG_PPC_ICP_STATE, &icp), -1);
	expect_eq(errno, ENXIO);
}

/*
 * KVM_IRQ_LINE into the XIVE (kvmppc_xive_set_irq()): the status is
 * -EINVAL for a source never initialised, 0 otherwise; a source fresh from
 * GRP_SOURCE is off (PQ 01), so a trigger queues nothing even when its
 * target's queue is configured: the queue's index stays 0, no entry is
 * written, the presenter's IPB stays 0.
 */
static void t_xive_irq_line(const struct abi_test *t)
{
	struct kvm_ext_ppc_xive_eq eq;
	struct xive_vm x;
	__u64 vp[2];
	size_t i;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, 0))
		return;
	expect_eq(irq_status(x.vm, 20, 1), -EINVAL);
	expect_eq(set_eq(x.dev, EQ_ID(0, 1), queue(RAM_GPA, 1, 0)), 0);
	expect_eq(source(x.dev, 20, 0), 0);
	expect_eq(source(x.dev, 21, KVM_XIVE_LEVEL_SENSITIVE), 0);
	expect_eq(config(x.dev, 20, CFG(0, 1, 0x20, 0)), 0);
	expect_eq(config(x.dev, 21, CFG(0, 1, 0x21, 0)), 0);
	expect_eq(irq_status(x.vm, 20, 1), 0);
	expect_eq(irq_status(x.vm, 21, 1), 0);
	expect_eq(irq_status(x.vm, 21, 0), 0);
	expect_eq(irq_status(x.vm, 20, 0), 0);
	expect_eq(irq_status(x.vm, 22, 1), -EINVAL);
	expect_eq(irq_status(x.vm, 1 << 20, 1), -EINVAL);
	expect_eq(get_eq(x.dev, EQ_ID(0, 1), &eq), 0);
	expect_eq(eq.qindex, 0);
	expect_eq(eq.qtoggle, 1);
	for (i = 0; i < QUEUE_SIZE; i++) {
		if (x.ram[i]) {
			fail("queue byte %zu is %#x", i, x.ram[i]);
			break;
		}
	}
	expect_eq(vp_get(x.vcpu, vp), 0);
	expect_eq(vp[0], 0xffULL << 32);
}

/*
 * KVM_DEV_XIVE_EQ_SYNC marks every configured queue's pages dirty (the
 * migration's step 2); nothing else is.
 */
static void t_xive_eq_sync_dirty(const struct abi_test *t)
{
	unsigned long bm[(RAM_SIZE / 4096 + 63) / 64];
	unsigned long first = QUEUE_SIZE * 2 / PAGE_SZ, n = QUEUE_SIZE / PAGE_SZ, p;
	struct kvm_dirty_log log = { .slot = 0 };
	struct xive_vm x;

	(void)t;
	if (skip_no_xive() || !xive_vm(&x, KVM_MEM_LOG_DIRTY_PAGES))
		return;
	log.dirty_bitmap = bm;
	expect_eq(set_eq(x.dev, EQ_ID(0, 4), queue(RAM_GPA + 2 * QUEUE_SIZE, 1, 0)), 0);
	memset(bm, 0, sizeof(bm));
	expect_errno(ioctl(x.vm, KVM_GET_DIRTY_LOG, &log), 0);
	memset(bm, 0, sizeof(bm));
	expect_errno(ioctl(x.vm, KVM_GET_DIRTY_LOG, &log), 0);
	expect_eq(bm[0], 0);
	expect_eq(ctrl(x.dev, KVM_DEV_XIVE_EQ_SYNC, NULL), 0);
	memset(bm, 0, sizeof(bm));
	expect_errno(ioctl(x.vm, KVM_GET_DIRTY_LOG, &log), 0);
	for (p = 0; p < RAM_SIZE / PAGE_SZ; p++) {
		bool want = p >= first && p < first + n;
		bool got = bm[p / 64] >> (p % 64) & 1;

		if (got != want) {
			fail("page %lu dirty %d, expected %d", p, got, want);
			break;
		}
	}
}

static const struct abi_test xive_tests[] = {
	{ "KVM_CAP_PPC_IRQ_XIVE: 1 on the POWER9 host, 0 on the POWER8 (ppc_host), system "
	  "and VM fd alike; a VM keeps its host",
	  REF_CAP, t_xive_cap, M_PPC, T_EXT, 0, 0 },
	{ "XIVE on a host without it: KVM_CREATE_DEVICE -ENODEV (TEST too); "
	  "KVM_ENABLE_CAP(KVM_CAP_PPC_IRQ_XIVE) -EBADF, then -ENXIO",
	  REF_CAP, t_xive_absent, M_PPC, 0, 0, 0 },
	{ "XIVE: one per VM (-EEXIST, TEST 0), released with its fd (sources and connections "
	  "go) and made again",
	  REF_DEV, t_xive_create, M_PPC, 0, 0, 0 },
	{ "XIVE GRP_CTRL: RESET, EQ_SYNC; NR_SERVERS -EFAULT, -EINVAL (0, > KVM_MAX_VCPU_ID), "
	  "-EBUSY once connected; others -ENXIO, no GET",
	  REF_DEV, t_xive_ctrl, M_PPC, 0, 0, 0 },
	{ "XIVE HAS: CTRL's attributes, sources 0..2^20-1, any EQ; GET only for EQ_CONFIG",
	  REF_DEV, t_xive_has, M_PPC, 0, 0, 0 },
	{ "XIVE GRP_SOURCE: -E2BIG, the block, -EFAULT in that order; GRP_SOURCE_SYNC -ENOENT, "
	  "-EINVAL",
	  REF_DEV, t_xive_source, M_PPC, 0, 0, 0 },
	{ "XIVE GRP_SOURCE_CONFIG: -ENOENT, -EINVAL (not initialised), -EFAULT, priority 7, "
	  "unknown server -EINVAL; masked needs no target",
	  REF_DEV, t_xive_source_config, M_PPC, 0, 0, 0 },
	{ "XIVE GRP_SOURCE_CONFIG: a target queue not configured -ENXIO, as xive.rst "
	  "(6.1: -EBUSY or another vCPU's queue)",
	  REF_DEV, t_xive_source_config_enxio, M_PPC, T_EXT, 0, 0 },
	{ "XIVE GRP_EQ_CONFIG set: -EFAULT, -ENOENT, priority 7, the reset form; flags, size, "
	  "alignment, placement in RAM -EINVAL",
	  REF_DEV, t_xive_eq_set, M_PPC, 0, 0, 0 },
	{ "XIVE GRP_EQ_CONFIG get: a queue not configured writes nothing; qtoggle/qindex "
	  "restored; a refused set keeps it; reset and RESET unconfigure",
	  REF_DEV, t_xive_eq_get, M_PPC, 0, 0, 0 },
	{ "XIVE GRP_EQ_CONFIG: a qindex past the queue -EINVAL", REF_DEV, t_xive_eq_index, M_PPC,
	  T_EXT, 0, 0 },
	{ "XIVE vCPU connect: flags, -EBADF, -EPERM (not a device, VFIO, another VM's), -EBUSY, "
	  "NR_SERVERS -EINVAL, -EEXIST; NR_SERVERS -EBUSY after",
	  REF_CAP, t_xive_connect, M_PPC, 0, 0, 0 },
	{ "XIVE vCPU connect: a server from KVM_MAX_VCPUS on -EINVAL (6.1 WARNs, VP 0)", REF_CAP,
	  t_xive_connect_big_server, M_PPC, T_EXT, 0, 0 },
	{ "KVM_REG_PPC_VP_STATE: -ENXIO unconnected, the first word connect's, set and get; "
	  "ICP_STATE on a XIVE vCPU",
	  REF_VP, t_xive_vp_state, M_PPC, 0, 0, 0 },
	{ "XIVE KVM_IRQ_LINE_STATUS: -EINVAL for a source never set; a fresh source is off "
	  "(PQ 01): nothing queued",
	  REF_DEV, t_xive_irq_line, M_PPC, 0, 0, 0 },
	{ "XIVE EQ_SYNC marks the configured queues' pages dirty", REF_DEV, t_xive_eq_sync_dirty,
	  M_PPC, 0, 0, 0 },
};

TEST_GROUP(xive);
