// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_failslab: fail each slab allocation of an ioctl in turn, with
 * the kernel's fault injection (failslab, through /proc/thread-self/fail-nth
 * so that only this thread's allocations fail, during that one ioctl), and
 * check what the ABI promises: the call either succeeds or fails with
 * -ENOMEM, a failed call changes nothing, and nothing leaks (the module's
 * allocation counter here; kmemleak in the guest script).
 *
 * The failing allocation may be the module's (the core's kvzalloc) or the
 * kernel's on the module's behalf (the anon inode file of a new fd): both
 * must unwind cleanly. A kvzalloc whose kmalloc fails falls back to
 * vmalloc and may succeed: that is a success, checked as one.
 *
 * A sweep that never makes an ioctl fail proves nothing, and that is what
 * a kernel without failslab or a broken setup gives (with ignore-gfp-wait
 * left on, failslab fails only allocations that do not sleep, and none of
 * the ioctls' is one): so each ioctl must fail with -ENOMEM at least once,
 * and failslab's own count of the failures it forced (its "times" budget,
 * which only a forced failure decrements) must cover every failure the
 * sweep believes it injected.
 *
 * Needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (the debug
 * kernel). usage: kvm_ext_failslab NODE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#define MAX_NTH 200
#define RAM_SIZE (8UL << 20)
/* failslab's "times" at the start: far more failures than a sweep forces */
#define TIMES_BUDGET 1000000L
#define FAILSLAB "/sys/kernel/debug/failslab/"
#define PPC_HOST "/sys/module/kvm_ext/parameters/ppc_host"

static int sysfd, failures, checks, enomems;
static unsigned char *ram;

static void write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, value, strlen(value)) < 0) {
		printf("FAIL: failslab sweep: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
}

static long read_long(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	long n = -1;

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			n = strtol(buf, NULL, 0);
		close(fd);
	}
	return n;
}

static long allocations(void)
{
	return read_long("/sys/kernel/debug/kvm_ext/allocations");
}

static void arm_nth(int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", n);
	write_file("/proc/thread-self/fail-nth", buf);
}

/* 0 when the armed failure was consumed; disarms otherwise. */
static int nth_left(void)
{
	long left = read_long("/proc/thread-self/fail-nth");

	if (left > 0)
		arm_nth(0);
	return (int)left;
}

static void expect(int ok, const char *what, int n)
{
	checks++;
	if (!ok) {
		printf("FAIL: %s (failing allocation %d)\n", what, n);
		failures++;
	}
}

/* A guest load's result: RAM (1) or MMIO exit (3) tells whether a slot is there. */
static unsigned int probe(int vcpu, uint64_t gpa)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM, .addr = gpa, .len = 1 };

	return ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) ? 0 : a.result;
}

/* A guest store's result: KVM_EXT_RESULT_KERNEL when an ioeventfd took it. */
static unsigned int store(int vcpu, uint64_t gpa)
{
	struct kvm_ext_guest_access a = {
		.kind = KVM_EXT_ACCESS_MEM, .flags = KVM_EXT_ACCESS_WRITE, .addr = gpa, .len = 4,
	};

	return ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) ? 0 : a.result;
}

typedef int (*scenario_fn)(int n);

/* KVM_CREATE_VM */
static int sc_create_vm(int n)
{
	long before = read_long("/sys/kernel/debug/kvm_ext/vms");
	int vm, e, left;

	arm_nth(n);
	vm = ioctl(sysfd, KVM_CREATE_VM, 0);
	e = errno;
	left = nth_left();
	if (vm >= 0) {
		close(vm);
	} else {
		enomems += e == ENOMEM;
		expect(e == ENOMEM, "KVM_CREATE_VM fails only with ENOMEM", n);
		expect(read_long("/sys/kernel/debug/kvm_ext/vms") == before,
		       "a failed KVM_CREATE_VM leaves no VM", n);
	}
	return left;
}

/* KVM_CREATE_VCPU: a failed one leaves its id and count free. */
static int sc_create_vcpu(int n)
{
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), vcpu, e, left;

	arm_nth(n);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 3);
	e = errno;
	left = nth_left();
	if (vcpu < 0) {
		enomems += e == ENOMEM;
		expect(e == ENOMEM, "KVM_CREATE_VCPU fails only with ENOMEM", n);
		vcpu = ioctl(vm, KVM_CREATE_VCPU, 3);
		expect(vcpu >= 0, "the id of a failed KVM_CREATE_VCPU is free", n);
	}
	if (vcpu >= 0)
		close(vcpu);
	close(vm);
	return left;
}

/* KVM_CREATE_DEVICE: a failed VFIO device does not block the next one. */
static int sc_create_device(int n)
{
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), r, e, left;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

	arm_nth(n);
	r = ioctl(vm, KVM_CREATE_DEVICE, &cd);
	e = errno;
	left = nth_left();
	if (r < 0) {
		enomems += e == ENOMEM;
		expect(e == ENOMEM, "KVM_CREATE_DEVICE fails only with ENOMEM", n);
		r = ioctl(vm, KVM_CREATE_DEVICE, &cd);
		expect(r == 0, "a failed VFIO create leaves room for one", n);
	}
	if (r == 0)
		close(cd.fd);
	close(vm);
	return left;
}

/*
 * KVM_SET_USER_MEMORY_REGION: create a logging slot next to an existing
 * one, then turn logging on for the existing one; a failure leaves both
 * slots as they were.
 */
static int sc_memslot(int n)
{
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	struct kvm_userspace_memory_region a = {
		.slot = 0, .guest_phys_addr = 0x100000, .memory_size = 1UL << 20,
		.userspace_addr = (uintptr_t)ram,
	};
	struct kvm_userspace_memory_region b = {
		.slot = 1, .flags = KVM_MEM_LOG_DIRTY_PAGES, .guest_phys_addr = 0x800000,
		.memory_size = 4UL << 20, .userspace_addr = (uintptr_t)ram + (2UL << 20),
	};
	int r1, r2, e1, e2, left;

	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &a);
	a.flags = KVM_MEM_LOG_DIRTY_PAGES;
	arm_nth(n);
	r1 = ioctl(vm, KVM_SET_USER_MEMORY_REGION, &b);
	e1 = errno;
	r2 = ioctl(vm, KVM_SET_USER_MEMORY_REGION, &a);
	e2 = errno;
	left = nth_left();
	if (r1 < 0) {
		enomems += e1 == ENOMEM;
		expect(e1 == ENOMEM, "a new slot fails only with ENOMEM", n);
		expect(probe(vcpu, 0x800000) == KVM_EXT_RESULT_EXIT, "a failed slot is absent", n);
	} else {
		expect(probe(vcpu, 0x800000) == KVM_EXT_RESULT_RAM, "a created slot is RAM", n);
	}
	if (r2 < 0) {
		enomems += e2 == ENOMEM;
		expect(e2 == ENOMEM, "turning logging on fails only with ENOMEM", n);
	}
	expect(probe(vcpu, 0x100000) == KVM_EXT_RESULT_RAM, "the old slot stays", n);
	close(vcpu);
	close(vm);
	return left;
}

/*
 * KVM_IOEVENTFD: a ninth ioeventfd, which grows the VM's array of them. A
 * failed one is absent (its deassign finds nothing, a store there exits)
 * and the eight before it still take their stores.
 */
static int sc_ioeventfd(int n)
{
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int efd = eventfd(0, EFD_CLOEXEC), r, e, left, i;
	struct kvm_ioeventfd a = { .addr = 0x0a000000, .len = 4, .fd = efd };

	for (i = 1; i <= 8; i++) {
		a.addr = 0x0a000000 + 8 * i;
		ioctl(vm, KVM_IOEVENTFD, &a);
	}
	a.addr = 0x0a000000;
	arm_nth(n);
	r = ioctl(vm, KVM_IOEVENTFD, &a);
	e = errno;
	left = nth_left();
	if (r < 0) {
		enomems += e == ENOMEM;
		expect(e == ENOMEM, "KVM_IOEVENTFD fails only with ENOMEM", n);
		a.flags = KVM_IOEVENTFD_FLAG_DEASSIGN;
		expect(ioctl(vm, KVM_IOEVENTFD, &a) < 0 && errno == ENOENT,
		       "a failed ioeventfd is absent", n);
		expect(store(vcpu, a.addr) == KVM_EXT_RESULT_EXIT, "a store there exits", n);
	} else {
		expect(store(vcpu, a.addr) == KVM_EXT_RESULT_KERNEL,
		       "an assigned ioeventfd takes the store", n);
	}
	for (i = 1; i <= 8; i++)
		expect(store(vcpu, 0x0a000000 + 8 * i) == KVM_EXT_RESULT_KERNEL,
		       "the ioeventfds before it stay", n);
	close(efd);
	close(vcpu);
	close(vm);
	return left;
}

/*
 * KVM_GET_STATS_FD on a VM and on a vCPU: the allocations are the kernel's
 * (the anon inode file); a failed call holds no VM reference, so the VM
 * goes with its fds.
 */
static int sc_stats_fd(int n)
{
	long before = read_long("/sys/kernel/debug/kvm_ext/vms");
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int fd[2], e[2], i, left;

	arm_nth(n);
	fd[0] = ioctl(vm, KVM_GET_STATS_FD, 0);
	e[0] = errno;
	fd[1] = ioctl(vcpu, KVM_GET_STATS_FD, 0);
	e[1] = errno;
	left = nth_left();
	for (i = 0; i < 2; i++) {
		if (fd[i] >= 0) {
			close(fd[i]);
			continue;
		}
		enomems += e[i] == ENOMEM;
		expect(e[i] == ENOMEM, "KVM_GET_STATS_FD fails only with ENOMEM", n);
	}
	close(vcpu);
	close(vm);
	expect(read_long("/sys/kernel/debug/kvm_ext/vms") == before,
	       "a failed KVM_GET_STATS_FD holds no VM reference", n);
	return left;
}

/*
 * ppc's XICS: the device, a vCPU's connection (its ICP), a source's first
 * set (its ICS block), an RTAS token. Each fails only with -ENOMEM and
 * leaves nothing behind: done again, it succeeds, and a source whose set
 * failed does not exist.
 */
static int xics_source(int dev, unsigned long op, __u64 irq, __u64 *word)
{
	struct kvm_device_attr a = { .group = KVM_DEV_XICS_GRP_SOURCES, .attr = irq,
				     .addr = (uintptr_t)word };

	return ioctl(dev, op, &a);
}

static int sc_xics(int n)
{
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), vcpu = ioctl(vm, KVM_CREATE_VCPU, 0), left;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct kvm_enable_cap conn = { .cap = KVM_CAP_IRQ_XICS };
	struct kvm_ext_rtas_token_args tok = { .name = "ibm,int-on", .token = 7 };
	__u64 word = 5ULL << KVM_XICS_PRIORITY_SHIFT, got;
	int r[4], e[4], i;

	ioctl(vcpu, KVM_ENABLE_CAP, &papr);
	arm_nth(n);
	r[0] = ioctl(vm, KVM_CREATE_DEVICE, &cd);
	e[0] = errno;
	conn.args[0] = cd.fd;
	r[1] = r[0] ? 0 : ioctl(vcpu, KVM_ENABLE_CAP, &conn);
	e[1] = errno;
	r[2] = r[0] || r[1] ? 0 : xics_source(cd.fd, KVM_SET_DEVICE_ATTR, 20, &word);
	e[2] = errno;
	r[3] = ioctl(vm, KVM_EXT_PPC_RTAS_DEFINE_TOKEN, &tok);
	e[3] = errno;
	left = nth_left();
	for (i = 0; i < 4; i++) {
		if (r[i] == 0)
			continue;
		enomems += e[i] == ENOMEM;
		expect(e[i] == ENOMEM, "the XICS's ioctls fail only with ENOMEM", n);
	}
	if (r[0])
		expect(ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0, "a failed XICS leaves room for one",
		       n);
	conn.args[0] = cd.fd;
	if (r[0] || r[1])
		expect(ioctl(vcpu, KVM_ENABLE_CAP, &conn) == 0,
		       "a vCPU whose connection failed connects", n);
	if (r[2])
		expect(xics_source(cd.fd, KVM_GET_DEVICE_ATTR, 20, &got) == -1 && errno == ENOENT,
		       "a source whose set failed does not exist", n);
	expect(xics_source(cd.fd, KVM_SET_DEVICE_ATTR, 20, &word) == 0, "the source sets", n);
	if (r[3])
		expect(ioctl(vm, KVM_EXT_PPC_RTAS_DEFINE_TOKEN, &tok) == 0,
		       "a token whose definition failed is free", n);
	close(cd.fd);
	close(vcpu);
	close(vm);
	return left;
}

/*
 * ppc's XICS on the POWER9 host, XICS-on-XIVE: the device, two vCPUs'
 * connections (the second gets a queue for the priority a source uses),
 * a source's first set (its block; a queue on every vCPU, whose failure
 * leaves the source untargeted, as 6.1's). Each fails only with -ENOMEM
 * and leaves nothing behind: done again, it succeeds, and then the
 * source, set again, is targeted at its server.
 */
static int sc_xics_xive(int n)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct kvm_enable_cap conn = { .cap = KVM_CAP_IRQ_XICS };
	__u64 word = 5ULL << KVM_XICS_PRIORITY_SHIFT | 1, got;
	int vm, v[2], r[4], e[4], i, left;

	write_file(PPC_HOST, "power9");
	vm = ioctl(sysfd, KVM_CREATE_VM, 0);
	write_file(PPC_HOST, "power8");
	for (i = 0; i < 2; i++) {
		v[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		ioctl(v[i], KVM_ENABLE_CAP, &papr);
	}
	arm_nth(n);
	r[0] = ioctl(vm, KVM_CREATE_DEVICE, &cd);
	e[0] = errno;
	conn.args[0] = cd.fd;
	r[1] = r[0] ? 0 : ioctl(v[0], KVM_ENABLE_CAP, &conn);
	e[1] = errno;
	r[2] = r[0] || r[1] ? 0 : xics_source(cd.fd, KVM_SET_DEVICE_ATTR, 20, &word);
	e[2] = errno;
	conn.args[1] = 1;
	r[3] = r[0] || r[1] || r[2] ? 0 : ioctl(v[1], KVM_ENABLE_CAP, &conn);
	e[3] = errno;
	left = nth_left();
	for (i = 0; i < 4; i++) {
		if (r[i] == 0)
			continue;
		enomems += e[i] == ENOMEM;
		expect(e[i] == ENOMEM, "XICS-on-XIVE's ioctls fail only with ENOMEM", n);
	}
	if (r[0])
		expect(ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0,
		       "a failed XICS-on-XIVE leaves room for one", n);
	conn.args[0] = cd.fd;
	conn.args[1] = 0;
	if (r[0] || r[1])
		expect(ioctl(v[0], KVM_ENABLE_CAP, &conn) == 0,
		       "a vCPU whose connection failed connects", n);
	if (r[2])
		expect(xics_source(cd.fd, KVM_GET_DEVICE_ATTR, 20, &got) == -1 && errno == ENOENT,
		       "a source whose set failed does not exist", n);
	conn.args[1] = 1;
	if (r[0] || r[1] || r[2] || r[3])
		expect(ioctl(v[1], KVM_ENABLE_CAP, &conn) == 0,
		       "a vCPU whose connection failed connects", n);
	expect(xics_source(cd.fd, KVM_SET_DEVICE_ATTR, 20, &word) == 0, "the source sets", n);
	expect(xics_source(cd.fd, KVM_GET_DEVICE_ATTR, 20, &got) == 0 && got == word,
	       "the source is targeted at its server", n);
	close(cd.fd);
	for (i = 0; i < 2; i++)
		close(v[i]);
	close(vm);
	return left;
}

static int mpic_attr(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a);
}

/*
 * The e500mc host's MPIC: the device (one per VM), its place on the MMIO
 * bus (BASE_ADDR), a routing table onto its pins. Each fails only with
 * -ENOMEM and changes nothing: a failed device leaves room for one, a
 * failed BASE_ADDR keeps the old base, a failed table the old routes.
 */
static int sc_mpic(int n)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FSL_MPIC_42 };
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} rt = { .hdr.nr = 1, .e[0] = { .gsi = 3, .type = KVM_IRQ_ROUTING_IRQCHIP,
					  .u.irqchip.pin = 3 } };
	struct kvm_irq_level line = { .irq = 3, .level = 1 };
	__u64 base = 0xe0040000, got;
	int vm, r[3], e[3], i, left;

	write_file(PPC_HOST, "e500mc");
	vm = ioctl(sysfd, KVM_CREATE_VM, 0);
	write_file(PPC_HOST, "power8");
	arm_nth(n);
	r[0] = ioctl(vm, KVM_CREATE_DEVICE, &cd);
	e[0] = errno;
	r[1] = r[0] ? 0 : mpic_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_MISC,
				    KVM_DEV_MPIC_BASE_ADDR, &base);
	e[1] = errno;
	r[2] = r[0] || r[1] ? 0 : ioctl(vm, KVM_SET_GSI_ROUTING, &rt);
	e[2] = errno;
	left = nth_left();
	for (i = 0; i < 3; i++) {
		if (r[i] == 0)
			continue;
		enomems += e[i] == ENOMEM;
		expect(e[i] == ENOMEM, "the MPIC's ioctls fail only with ENOMEM", n);
	}
	if (r[0])
		expect(ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0, "a failed MPIC leaves room for one",
		       n);
	got = 1;
	expect(mpic_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_MISC,
			 KVM_DEV_MPIC_BASE_ADDR, &got) == 0 && got == (r[0] || r[1] ? 0 : base),
	       "a failed BASE_ADDR keeps the old base", n);
	expect(ioctl(vm, KVM_IRQ_LINE_STATUS, &line) == 0 &&
	       line.status == (r[0] || r[1] || r[2] ? -1 : 0),
	       "a failed routing table keeps the old routes", n);
	close(cd.fd);
	close(vm);
	return left;
}

static int flic_attr(int fd, unsigned long op, __u32 group, __u64 attr, const void *addr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (__u64)(uintptr_t)addr };

	return ioctl(fd, op, &a);
}

/*
 * s390's FLIC: a failed device leaves room for one; an ENQUEUE that
 * fails keeps the entries before the failure and nothing after it; a
 * failed save (-ENOBUFS: its buffer) or CMMA migration start changes
 * nothing.
 */
static int sc_flic(int n)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FLIC };
	struct kvm_s390_irq in[3] = {
		{ .type = 0x10001, .u.io = { .subchannel_id = 1, .subchannel_nr = 1 } },
		{ .type = 0xffff2603 }, /* virtio */
		{ .type = 0x10002, .u.io = { .subchannel_id = 1, .subchannel_nr = 2 } },
	};
	struct kvm_s390_irq out[4];
	struct kvm_userspace_memory_region mr = {
		.slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES, .memory_size = RAM_SIZE,
		.userspace_addr = (__u64)(uintptr_t)ram,
	};
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), r[4], e[4], i, left, queued;
	__u64 mig = 7;

	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr);
	flic_attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL);
	arm_nth(n);
	r[0] = ioctl(vm, KVM_CREATE_DEVICE, &cd);
	e[0] = errno;
	r[1] = r[0] ? 0 : flic_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE, sizeof(in), in);
	e[1] = errno;
	r[2] = r[0] ? 0 : flic_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_GET_ALL_IRQS,
				   sizeof(out), out);
	e[2] = errno;
	r[3] = flic_attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MIGRATION,
			 KVM_S390_VM_MIGRATION_START, NULL);
	e[3] = errno;
	left = nth_left();
	for (i = 0; i < 4; i++) {
		if (r[i] >= 0)
			continue;
		enomems += e[i] == ENOMEM || e[i] == ENOBUFS;
		expect(e[i] == ENOMEM || (i == 2 && e[i] == ENOBUFS),
		       "the FLIC's calls fail only with ENOMEM (ENOBUFS for a save)", n);
	}
	if (r[0]) {
		expect(ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0, "a failed FLIC leaves room for one", n);
	} else {
		queued = flic_attr(cd.fd, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_GET_ALL_IRQS,
				   sizeof(out), out);
		expect(queued >= 0 && queued <= 3 && (r[1] == 0) == (queued == 3),
		       "a failed ENQUEUE keeps what it queued before the failure", n);
	}
	flic_attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS,
		  &mig);
	expect(mig == (r[3] == 0), "a failed migration start leaves migration mode off", n);
	close(cd.fd);
	close(vm);
	return left;
}

/*
 * ppc's KVM_CREATE_SPAPR_TCE_64: a failed table holds no VM reference and
 * leaves its LIOBN free.
 */
static int sc_spapr_tce(int n)
{
	long before = read_long("/sys/kernel/debug/kvm_ext/vms");
	int vm = ioctl(sysfd, KVM_CREATE_VM, 0), fd, e, left;
	struct kvm_ext_create_spapr_tce_64 args = {
		.liobn = 0x80000001, .page_shift = 12, .offset = 0, .size = 1 << 16,
	};

	arm_nth(n);
	fd = ioctl(vm, KVM_EXT_CREATE_SPAPR_TCE_64, &args);
	e = errno;
	left = nth_left();
	if (fd < 0) {
		enomems += e == ENOMEM;
		expect(e == ENOMEM, "KVM_CREATE_SPAPR_TCE_64 fails only with ENOMEM", n);
		fd = ioctl(vm, KVM_EXT_CREATE_SPAPR_TCE_64, &args);
		expect(fd >= 0, "a failed table leaves its LIOBN free", n);
	}
	if (fd >= 0)
		close(fd);
	close(vm);
	expect(read_long("/sys/kernel/debug/kvm_ext/vms") == before,
	       "a failed table holds no VM reference", n);
	return left;
}

static const struct {
	const char *name;
	scenario_fn fn;
	const char *only; /* the node it applies to (NULL: every node) */
} scenarios[] = {
	{ "KVM_CREATE_VM", sc_create_vm, NULL },
	{ "KVM_CREATE_VCPU", sc_create_vcpu, NULL },
	{ "KVM_CREATE_DEVICE", sc_create_device, NULL },
	{ "KVM_SET_USER_MEMORY_REGION", sc_memslot, NULL },
	{ "KVM_IOEVENTFD", sc_ioeventfd, NULL },
	{ "KVM_GET_STATS_FD", sc_stats_fd, NULL },
	{ "XICS (device, connection, ICS, RTAS token)", sc_xics, "ppc" },
	{ "XICS-on-XIVE (device, connections, source block, queues)", sc_xics_xive, "ppc" },
	{ "KVM_CREATE_SPAPR_TCE_64", sc_spapr_tce, "ppc" },
	{ "MPIC (device, BASE_ADDR, routing table)", sc_mpic, "ppc" },
	{ "FLIC (device, ENQUEUE, GET_ALL_IRQS, CMMA migration start)", sc_flic, "s390" },
};

int main(int argc, char **argv)
{
	long base, times, forced;
	unsigned int i;
	int n, total = 0;
	char budget[24];

	if (argc != 2) {
		fprintf(stderr, "usage: %s NODE\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* GFP_KERNEL allocations are exempt unless ignore-gfp-wait is off. */
	write_file(FAILSLAB "ignore-gfp-wait", "N");
	write_file(FAILSLAB "verbose", "0");
	/*
	 * Every failure failslab forces decrements "times" (unless it is -1);
	 * with probability 0 nothing but fail-nth forces one.
	 */
	snprintf(budget, sizeof(budget), "%ld", TIMES_BUDGET);
	write_file(FAILSLAB "times", budget);
	sysfd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (sysfd < 0) {
		perror(argv[1]);
		return 2;
	}
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	base = allocations();
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		int enomems_before = enomems;

		if (scenarios[i].only && strcmp(basename(argv[1]), scenarios[i].only))
			continue;

		for (n = 1; n <= MAX_NTH; n++) {
			int left = scenarios[i].fn(n);

			expect(allocations() == base, "no allocation left behind", n);
			if (left != 0)
				break; /* the n-th allocation was never reached */
		}
		total += n - 1;
		expect(n <= MAX_NTH, "the scenario ends within MAX_NTH allocations", n);
		/* Nothing injected, or nothing that reached the caller: proves nothing. */
		expect(enomems > enomems_before, "an injected failure made the call fail with ENOMEM",
		       n - 1);
		printf("%s: %s: failed allocations 1..%d in turn, %d calls failed with ENOMEM\n",
		       argv[1], scenarios[i].name, n - 1, enomems - enomems_before);
	}
	times = read_long(FAILSLAB "times");
	forced = times < 0 ? -1 : TIMES_BUDGET - times;
	checks++;
	if (total == 0 || forced < total) {
		printf("FAIL: failslab forced %ld failures, the sweep counted %d\n", forced, total);
		failures++;
	}
	printf("%s: %d injected failures (failslab forced %ld), %d checks, %d failed\n", argv[1],
	       total, forced, checks, failures);
	printf("%s: failslab sweep %s\n", failures ? "FAIL" : "PASS", argv[1]);
	return failures ? 1 : 0;
}
