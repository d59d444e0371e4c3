// SPDX-License-Identifier: GPL-2.0
/*
 * XIVE native's mappings (devices/xive.rst "Memory mappings", 6.1's
 * kvmppc_xive_native_mmap(), xive_native_tima_fault() and
 * xive_native_esb_fault()): the TIMA at KVM_XIVE_TIMA_PAGE_OFFSET and the
 * ESB pages at KVM_XIVE_ESB_PAGE_OFFSET, in host pages; which pages fault
 * in and which SIGBUS (in child processes). Those rows hold on a real
 * POWER9 too. kvm_ext's pages are read-only views (a process store is
 * SIGSEGV) and its guest's accesses to RAM backed by them go to the
 * device (KVM_EXT_GUEST_ACCESS): the event flows as a guest sees them
 * with QEMU's layout, T_EXT (Documentation/differences.rst).
 */
#include <endian.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_MAP "devices/xive.rst Memory mappings"
#define REF_FLOW "devices/xive.rst Memory mappings, the XIVE architecture's ESB and TIMA"
#define REF_MIG "devices/xive.rst Migration"

#define NR_IRQS (1ULL << 20) /* KVMPPC_XIVE_NR_IRQS */
#define NR_SRC 16	     /* the ESB pages the flow tests map: sources 0..15 */
#define QUEUE_SIZE 0x10000ULL
#define RAM_GPA 0x10000000ULL
#define RAM_SIZE (2 * QUEUE_SIZE)
#define TIMA_GPA 0x20000000ULL
#define ESB_GPA 0x30000000ULL

#define CFG(server, prio, eisn, masked)                                                  \
	((__u64)(eisn) << KVM_XIVE_SOURCE_EISN_SHIFT |                                   \
	 ((masked) ? KVM_XIVE_SOURCE_MASKED_MASK : 0) |                                  \
	 (__u64)(server) << KVM_XIVE_SOURCE_SERVER_SHIFT | (__u64)(prio))
#define EQ_ID(server, prio) ((__u64)(server) << KVM_XIVE_EQ_SERVER_SHIFT | (__u64)(prio))

/* asm/xive-regs.h */
#define ESB_EOI 0x000
#define ESB_GET 0x800
#define ESB_SET_PQ_00 0xc00
#define ESB_SET_PQ_01 0xd00
#define ESB_SET_PQ_10 0xe00
#define ESB_SET_PQ_11 0xf00
#define TM_QW1_OS 0x010
#define TM_CPPR 0x1
#define TM_SPC_ACK_OS_REG 0x810
#define TM_SPC_SET_OS_PENDING 0x812

static bool skip_no_xive(void)
{
	if (ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_IRQ_XIVE) <= 0) {
		skip_test("the host has no XIVE native (KVM_CAP_PPC_IRQ_XIVE 0: a POWER8)");
		return true;
	}
	return false;
}

static int xive_create(int vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XIVE };

	return ioctl(vm, KVM_CREATE_DEVICE, &cd) ? -errno : track_fd(cd.fd);
}

static int xattr(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a) ? -errno : 0;
}

static int source(int dev, __u64 irq, __u64 val)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE, irq, &val);
}

static int config(int dev, __u64 irq, __u64 cfg)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, irq, &cfg);
}

static int ctrl(int dev, __u64 attr)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_CTRL, attr, NULL);
}

static int set_eq(int dev, __u64 id, __u64 gpa, __u32 toggle, __u32 index)
{
	struct kvm_ext_ppc_xive_eq eq = {
		.flags = KVM_XIVE_EQ_ALWAYS_NOTIFY,
		.qshift = 16,
		.qaddr = gpa,
		.qtoggle = toggle,
		.qindex = index,
	};

	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, id, &eq);
}

static int connect(int vcpu, int fd, __u64 server)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_IRQ_XIVE };

	c.args[0] = (__u64)fd;
	c.args[1] = server;
	return ioctl(vcpu, KVM_ENABLE_CAP, &c) ? -errno : 0;
}

/* mmap() of npages host pages of the fd at page pgoff: 0 or -errno (unmapped again). */
static int map_errno(int fd, unsigned long pgoff, unsigned long npages)
{
	void *p = mmap(NULL, npages * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(pgoff * PAGE_SZ));

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, npages * PAGE_SZ);
	return 0;
}

static unsigned char *map(int fd, unsigned long pgoff, unsigned long npages)
{
	void *p = mmap(NULL, npages * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(pgoff * PAGE_SZ));

	if (!expect_true(p != MAP_FAILED))
		return NULL;
	return track_map(p, npages * PAGE_SZ);
}

/*
 * A child process loads 8 bytes at p (or stores a byte): the signal that
 * ended it, 0 if it exited (_exit(): nothing of the harness runs there).
 */
static int touch(const volatile unsigned char *p, bool write)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		/* the harness catches these to report a crashed test: not here */
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		if (write)
			*(volatile unsigned char *)p = 1;
		else
			(void)*(const volatile __u64 *)p;
		_exit(0);
	}
	if (!expect_true(pid > 0) || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* Whether the page at p is mapped in this process now (its PTE present). */
static bool resident(const unsigned char *p)
{
	unsigned char v = 0;

	if (mincore((void *)p, PAGE_SZ, &v))
		return false;
	return v & 1;
}

/* The management page's GET: big-endian, as POWER's MMIO loads return it. */
static __u64 view_pq(const unsigned char *mgmt)
{
	return be64toh(*(const volatile __u64 *)(mgmt + ESB_GET));
}

/*
 * The mmap offsets and sizes: the TIMA's 4 pages at its offset, the ESB's
 * two per source number at its; more, or any other offset, -EINVAL.
 */
static void t_xive_mmap_rows(const struct abi_test *t)
{
	int vm, dev;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm);
	if (!expect_true(dev >= 0))
		return;
	expect_eq(map_errno(dev, KVM_XIVE_TIMA_PAGE_OFFSET, 4), 0);
	expect_eq(map_errno(dev, KVM_XIVE_TIMA_PAGE_OFFSET, 1), 0);
	expect_eq(map_errno(dev, KVM_XIVE_TIMA_PAGE_OFFSET, 5), -EINVAL);
	expect_eq(map_errno(dev, KVM_XIVE_ESB_PAGE_OFFSET, 2), 0);
	expect_eq(map_errno(dev, KVM_XIVE_ESB_PAGE_OFFSET, NR_IRQS * 2), 0);
	expect_eq(map_errno(dev, KVM_XIVE_ESB_PAGE_OFFSET, NR_IRQS * 2 + 1), -EINVAL);
	expect_eq(map_errno(dev, 1, 1), -EINVAL);
	expect_eq(map_errno(dev, 3, 1), -EINVAL);
	expect_eq(map_errno(dev, KVM_XIVE_ESB_PAGE_OFFSET + 2, 2), -EINVAL);
	expect_eq(map_errno(dev, 1024, 1), -EINVAL);
}

/*
 * Faults: the TIMA's HW and HV pages SIGBUS, its OS page maps; a source's
 * ESB pages SIGBUS while it has no block or was never initialised, and
 * map once it is (GET reads PQ 01: a fresh source is off).
 */
static void t_xive_mmap_sigbus(const struct abi_test *t)
{
	unsigned char *tima, *esb;
	int vm, dev;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm);
	if (!expect_true(dev >= 0))
		return;
	tima = map(dev, KVM_XIVE_TIMA_PAGE_OFFSET, 4);
	esb = map(dev, KVM_XIVE_ESB_PAGE_OFFSET, 2 * 2048);
	if (!tima || !esb)
		return;
	expect_eq(touch(tima, false), SIGBUS);
	expect_eq(touch(tima + PAGE_SZ, false), SIGBUS);
	expect_eq(touch(tima + 2 * PAGE_SZ, false), 0);
	expect_eq(touch(esb + 2 * 7 * PAGE_SZ, false), SIGBUS);	  /* no block */
	expect_eq(touch(esb + (2 * 7 + 1) * PAGE_SZ, false), SIGBUS);
	expect_eq(source(dev, 6, 0), 0);
	expect_eq(touch(esb + (2 * 7 + 1) * PAGE_SZ, false), SIGBUS); /* not initialised */
	expect_eq(touch(esb + 2 * 1100 * PAGE_SZ, false), SIGBUS);    /* another block */
	expect_eq(touch(esb + (2 * 6 + 1) * PAGE_SZ + ESB_GET, false), 0);
	expect_eq(view_pq(esb + (2 * 6 + 1) * PAGE_SZ), 1);
}

/* The USER TIMA page maps, as xive.rst says (6.1 SIGBUSes it). */
static void t_xive_mmap_tima_user(const struct abi_test *t)
{
	unsigned char *tima;
	int vm, dev;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm);
	if (!expect_true(dev >= 0))
		return;
	tima = map(dev, KVM_XIVE_TIMA_PAGE_OFFSET, 4);
	if (!tima)
		return;
	expect_eq(touch(tima + 3 * PAGE_SZ, false), 0);
	expect_eq(*(volatile __u64 *)(tima + 3 * PAGE_SZ + TM_QW1_OS), 0);
}

/*
 * The pages are views: a process's store is SIGSEGV (the trigger page's
 * too: a store from the VMM cannot run the device's code); the trigger
 * page reads all ones, the OS TIMA page zeros (no context pushed).
 */
static void t_xive_mmap_read_only(const struct abi_test *t)
{
	unsigned char *tima, *esb;
	int vm, dev;

	(void)t;
	if (skip_no_xive())
		return;
	vm = new_vm(0);
	dev = xive_create(vm);
	if (!expect_true(dev >= 0))
		return;
	tima = map(dev, KVM_XIVE_TIMA_PAGE_OFFSET, 4);
	esb = map(dev, KVM_XIVE_ESB_PAGE_OFFSET, 2 * NR_SRC);
	if (!tima || !esb || !expect_eq(source(dev, 2, 0), 0))
		return;
	expect_eq(touch(esb + 2 * 2 * PAGE_SZ, true), SIGSEGV);
	expect_eq(touch(esb + (2 * 2 + 1) * PAGE_SZ + ESB_SET_PQ_00, true), SIGSEGV);
	expect_eq(touch(tima + 2 * PAGE_SZ + TM_QW1_OS + TM_CPPR, true), SIGSEGV);
	expect_eq(*(volatile __u64 *)(esb + 2 * 2 * PAGE_SZ), ~0ULL);
	expect_eq(*(volatile __u64 *)(tima + 2 * PAGE_SZ + TM_QW1_OS), 0);
	expect_eq(view_pq(esb + (2 * 2 + 1) * PAGE_SZ), 1);
}

/*
 * A VM with the device, RAM for queues, vCPU 0 connected as server 0, and
 * QEMU's layout: the TIMA and the ESB pages of sources 0..15 mapped, and
 * memslots backed by those mappings at TIMA_GPA and ESB_GPA.
 */
struct xvm {
	int vm, dev, vcpu;
	unsigned char *ram, *tima, *esb;
};

static bool xvm(struct xvm *x)
{
	x->vm = new_vm(0);
	x->dev = xive_create(x->vm);
	x->vcpu = runnable_vcpu(x->vm, 0);
	x->ram = alloc_mem(RAM_SIZE);
	if (!expect_true(x->dev >= 0) || !x->ram)
		return false;
	x->tima = map(x->dev, KVM_XIVE_TIMA_PAGE_OFFSET, 4);
	x->esb = map(x->dev, KVM_XIVE_ESB_PAGE_OFFSET, 2 * NR_SRC);
	return x->tima && x->esb &&
	       expect_errno(set_region(x->vm, 0, 0, RAM_GPA, RAM_SIZE, x->ram), 0) &&
	       expect_errno(set_region(x->vm, 1, 0, TIMA_GPA, 4 * PAGE_SZ, x->tima), 0) &&
	       expect_errno(set_region(x->vm, 2, 0, ESB_GPA, 2 * NR_SRC * PAGE_SZ, x->esb), 0) &&
	       expect_eq(connect(x->vcpu, x->dev, 0), 0);
}

/* A guest load of len bytes at gpa (the device's: KVM_EXT_RESULT_KERNEL). */
static __u64 gload(const struct xvm *x, __u64 gpa, __u32 len)
{
	__u64 data = 0;
	__u32 result = 0;

	expect_errno(guest_access(x->vcpu, KVM_EXT_ACCESS_MEM, 0, gpa, len, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_KERNEL);
	return data;
}

static void gstore(const struct xvm *x, __u64 gpa, __u32 len, __u64 val)
{
	__u32 result = 0;

	expect_errno(guest_access(x->vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE, gpa, len,
				  &val, &result),
		     0);
	expect_eq(result, KVM_EXT_RESULT_KERNEL);
}

#define TRIG(n) (ESB_GPA + 2 * (n) * PAGE_SZ)
#define MGMT(n) (TRIG(n) + PAGE_SZ)
#define OS(off) (TIMA_GPA + 2 * PAGE_SZ + (off))

/* The queue entry at index i as the guest reads it: big-endian. */
static __u32 entry(const struct xvm *x, __u64 qgpa, __u32 i)
{
	const unsigned char *p = x->ram + (qgpa - RAM_GPA) + 4 * i;

	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

/*
 * Re-initialising a source unmaps its pages (the next access faults) and
 * KVM_DEV_XIVE_RESET every source's; the view refaulted shows the new
 * state (PQ 01). In between, the view follows the guest's SET_PQ loads.
 */
static void t_xive_mmap_refault(const struct abi_test *t)
{
	const unsigned char *mgmt;
	struct xvm x;

	(void)t;
	if (skip_no_xive() || !xvm(&x))
		return;
	mgmt = x.esb + (2 * 3 + 1) * PAGE_SZ;
	expect_eq(source(x.dev, 3, 0), 0);
	expect_eq(view_pq(mgmt), 1);
	expect_true(resident(mgmt));
	expect_eq(gload(&x, MGMT(3) + ESB_SET_PQ_00, 8), 1);
	expect_eq(view_pq(mgmt), 0); /* kept current */
	expect_eq(source(x.dev, 3, 0), 0);
	expect_true(!resident(mgmt));
	expect_eq(view_pq(mgmt), 1);
	expect_true(resident(mgmt));
	/* the reset masks targeted sources: PQ 01 */
	expect_eq(set_eq(x.dev, EQ_ID(0, 1), RAM_GPA, 1, 0), 0);
	expect_eq(config(x.dev, 3, CFG(0, 1, 3, 0)), 0);
	expect_eq(gload(&x, MGMT(3) + ESB_SET_PQ_10, 8), 1);
	expect_eq(view_pq(mgmt), 2);
	expect_eq(ctrl(x.dev, KVM_DEV_XIVE_RESET), 0);
	expect_true(!resident(mgmt));
	expect_eq(view_pq(mgmt), 1);
}

/*
 * An event as the guest sees it: the trigger store queues the EISN with
 * the generation bit in guest RAM, the OS ring's IPB and NSR show it,
 * ACK_OS_REG takes it (CPPR = its priority), the EOI load re-arms the
 * source. A second trigger before the EOI coalesces (PQ 11) and the EOI
 * delivers it again.
 */
static void t_xive_guest_flow(const struct abi_test *t)
{
	struct xvm x;

	(void)t;
	if (skip_no_xive() || !xvm(&x))
		return;
	expect_eq(set_eq(x.dev, EQ_ID(0, 5), RAM_GPA, 1, 0), 0);
	expect_eq(source(x.dev, 9, 0), 0);
	expect_eq(config(x.dev, 9, CFG(0, 5, 0x99, 0)), 0);
	gstore(&x, OS(TM_QW1_OS + TM_CPPR), 1, 0xff);
	expect_eq(gload(&x, MGMT(9) + ESB_SET_PQ_00, 8), 1); /* enable it */
	gstore(&x, TRIG(9), 8, 0);
	expect_eq(entry(&x, RAM_GPA, 0), 0x80000099);
	expect_eq(gload(&x, MGMT(9) + ESB_GET, 8), 2);
	/* NSR: OS exception; CPPR ff; IPB priority 5; PIPR 5 */
	expect_eq(gload(&x, OS(TM_QW1_OS), 4), 0x80ff0400);
	expect_eq(gload(&x, OS(TM_QW1_OS + 7), 1), 5);
	gstore(&x, TRIG(9), 8, 0); /* coalesced */
	expect_eq(gload(&x, MGMT(9) + ESB_GET, 8), 3);
	expect_eq(entry(&x, RAM_GPA, 1), 0);
	expect_eq(gload(&x, OS(TM_SPC_ACK_OS_REG), 2), 0x8005);
	expect_eq(gload(&x, OS(TM_QW1_OS), 4), 0x00050000);
	expect_eq(gload(&x, MGMT(9) + ESB_EOI, 8), 1); /* Q was set: again */
	expect_eq(entry(&x, RAM_GPA, 1), 0x80000099);
	expect_eq(gload(&x, MGMT(9) + ESB_GET, 8), 2);
	gstore(&x, OS(TM_QW1_OS + TM_CPPR), 1, 0xff);
	expect_eq(gload(&x, OS(TM_SPC_ACK_OS_REG), 2), 0x8005);
	expect_eq(gload(&x, MGMT(9) + ESB_EOI, 8), 0);
	expect_eq(gload(&x, MGMT(9) + ESB_GET, 8), 0);
	/* SET_PQ_01 masks at the ESB: triggers are dropped */
	expect_eq(gload(&x, MGMT(9) + ESB_SET_PQ_01, 8), 0);
	gstore(&x, TRIG(9), 8, 0);
	expect_eq(entry(&x, RAM_GPA, 2), 0);
	expect_eq(gload(&x, MGMT(9) + ESB_SET_PQ_11, 8), 1);
	expect_eq(gload(&x, MGMT(9) + ESB_GET, 8), 3);
	/* SET_OS_PENDING: an IPB bit, ACK takes it */
	gstore(&x, OS(TM_QW1_OS + TM_CPPR), 1, 0xff);
	gstore(&x, OS(TM_SPC_SET_OS_PENDING), 1, 2);
	expect_eq(gload(&x, OS(TM_SPC_ACK_OS_REG), 2), 0x8002);
}

/*
 * xive.rst's migration sequence as a round trip: every source masked
 * through SET_PQ_01 loads (their PQ kept), EQ_SYNC, the sources'
 * configuration, the queues' and VP_STATE captured; a fresh VM given the
 * same, the PQ bits restored through SET_PQ loads; the captures compared
 * word for word, and delivery continues where it stopped.
 */
static void t_xive_migration(const struct abi_test *t)
{
	struct kvm_ext_ppc_xive_eq eq[1], eq2[1];
	__u64 pq[NR_SRC] = { 0 }, vp[2], vp2[2];
	struct xvm a, b;
	int n;

	(void)t;
	if (skip_no_xive() || !xvm(&a))
		return;
	expect_eq(set_eq(a.dev, EQ_ID(0, 3), RAM_GPA, 1, 0), 0);
	gstore(&a, OS(TM_QW1_OS + TM_CPPR), 1, 0xff);
	for (n = 1; n < 5; n++) {
		expect_eq(source(a.dev, n, 0), 0);
		expect_eq(config(a.dev, n, CFG(0, 3, 0x100 + n, 0)), 0);
		expect_eq(gload(&a, MGMT(n) + ESB_SET_PQ_00, 8), 1);
	}
	gstore(&a, TRIG(1), 8, 0);
	gstore(&a, TRIG(2), 8, 0);
	gstore(&a, TRIG(2), 8, 0); /* PQ 11 */
	/* source 3 left at PQ 00, source 4 at 01 (masked by the guest) */
	expect_eq(gload(&a, MGMT(4) + ESB_SET_PQ_01, 8), 0);
	/* 1. mask every source, keeping its PQ */
	for (n = 1; n < 5; n++)
		pq[n] = gload(&a, MGMT(n) + ESB_SET_PQ_01, 8);
	expect_eq(pq[1], 2);
	expect_eq(pq[2], 3);
	expect_eq(pq[3], 0);
	expect_eq(pq[4], 1);
	/* 2. sync, 3. capture */
	expect_eq(ctrl(a.dev, KVM_DEV_XIVE_EQ_SYNC), 0);
	expect_eq(xattr(a.dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(0, 3), &eq[0]),
		  0);
	expect_eq(one_reg(a.vcpu, false, KVM_REG_PPC_VP_STATE, vp), 0);
	expect_eq(eq[0].qindex, 2);
	/* restore into a fresh VM: its RAM a copy, the same order as QEMU */
	if (!xvm(&b))
		return;
	memcpy(b.ram, a.ram, RAM_SIZE);
	expect_eq(xattr(b.dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(0, 3), &eq[0]),
		  0);
	for (n = 1; n < 5; n++) {
		expect_eq(source(b.dev, n, 0), 0);
		expect_eq(config(b.dev, n, CFG(0, 3, 0x100 + n, 0)), 0);
		expect_eq(gload(&b, MGMT(n) + ESB_SET_PQ_00 + 0x100 * pq[n], 8), 1);
	}
	expect_eq(one_reg(b.vcpu, true, KVM_REG_PPC_VP_STATE, vp), 0);
	/* compared word for word */
	expect_eq(xattr(b.dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(0, 3), &eq2[0]),
		  0);
	expect_eq(memcmp(&eq[0], &eq2[0], sizeof(eq[0])), 0);
	expect_eq(one_reg(b.vcpu, false, KVM_REG_PPC_VP_STATE, vp2), 0);
	expect_eq(vp2[0], vp[0]);
	expect_eq(vp2[1], vp[1]);
	for (n = 1; n < 5; n++)
		expect_eq(gload(&b, MGMT(n) + ESB_GET, 8), pq[n]);
	expect_eq(memcmp(a.ram, b.ram, RAM_SIZE), 0);
	/* delivery continues: the pending priority, the entries after the last */
	expect_eq(gload(&b, OS(TM_SPC_ACK_OS_REG), 2), 0x8003);
	expect_eq(gload(&b, MGMT(2) + ESB_EOI, 8), 1); /* Q: queued again */
	expect_eq(entry(&b, RAM_GPA, 2), 0x80000102);
	gstore(&b, TRIG(3), 8, 0);
	expect_eq(entry(&b, RAM_GPA, 3), 0x80000103);
	gstore(&b, TRIG(4), 8, 0); /* masked at its ESB */
	expect_eq(entry(&b, RAM_GPA, 4), 0);
}

static const struct abi_test xive_mmap_tests[] = {
	{ "XIVE mmap: TIMA at its offset, 4 pages at most; ESB at its, 2 per source at most; "
	  "other offsets -EINVAL",
	  REF_MAP, t_xive_mmap_rows, M_PPC, 0, 0, 0 },
	{ "XIVE mmap faults: TIMA HW and HV SIGBUS, OS maps; ESB of a missing or uninitialised "
	  "source SIGBUS, an initialised one's GET reads PQ 01",
	  REF_MAP, t_xive_mmap_sigbus, M_PPC, 0, 0, 0 },
	{ "XIVE mmap: the USER TIMA page maps, as xive.rst (6.1: SIGBUS)", REF_MAP,
	  t_xive_mmap_tima_user, M_PPC, T_EXT, 0, 0 },
	{ "XIVE mmap: read-only views (a process store SIGSEGV); trigger page all ones, OS TIMA "
	  "zeros, management page the PQ bits",
	  REF_MAP, t_xive_mmap_read_only, M_PPC, T_EXT, 0, 0 },
	{ "XIVE mmap: a source re-initialised and KVM_DEV_XIVE_RESET unmap the ESB pages; the "
	  "refault shows PQ 01",
	  REF_MAP, t_xive_mmap_refault, M_PPC, T_EXT, 0, 0 },
	{ "XIVE as the guest sees it: trigger store, queue entry, IPB, ACK_OS_REG, EOI load, "
	  "PQ coalescing, SET_PQ, SET_OS_PENDING",
	  REF_FLOW, t_xive_guest_flow, M_PPC, T_EXT, 0, 0 },
	{ "XIVE migration: masked through SET_PQ_01, EQ_SYNC, captured, restored in a fresh VM; "
	  "word for word, and delivery continues",
	  REF_MIG, t_xive_migration, M_PPC, T_EXT, 0, 0 },
};

TEST_GROUP(xive_mmap);
