// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_vgic_its: the ITS at scale (issue 7), as ratios measured in
 * one run (Documentation/performance.rst):
 *
 * (a) KVM_SIGNAL_MSI with 1 device and 1 event vs 65536 devices x 32
 *     events (2,097,152 translations), MSIs spread over all of them in a
 *     pseudo-random order. Target: within 1.25x.
 * (b) KVM_DEV_ARM_ITS_SAVE_TABLES plus _RESTORE_TABLES of those 2,097,152
 *     ITEs (and 65536 DTEs) vs the VMM copying the same number of bytes
 *     into guest RAM (memcpy). Target: at most 3x.
 *
 * Both VMs are mapped as a guest driver would: the tables and queue in
 * guest RAM, MAPC, MAPD and MAPTI through the command queue.
 *
 * usage: kvm_ext_bench_vgic_its [NODE [ROUNDS]]   (default /dev/kvm_ext/arm64, 5)
 * Exits 1 if an operation fails, 2 if a ratio misses its target.
 *
 * With --peer (the peer table, Documentation/performance.rst), the standard
 * ABI alone, so NODE may be /dev/kvm (whose ITS commands only a running
 * guest can queue: userspace's CWRITER does not process them): the VMM
 * writes DEVS x EVENTS translations into guest RAM in the tables' own
 * format (the ABI's DTEs, ITEs and CTE, as SAVE_TABLES writes them), the
 * ITS and redistributor registers through their attribute groups, and
 * RESTORE_TABLES loads them. Each round then times SAVE_TABLES (into
 * zeroed tables: the first is compared with the image it was built from),
 * a reset (untimed), RESTORE_TABLES, and KVM_SIGNAL_MSI of one translation
 * again and again and swept over all of them in order, against the
 * eventfd floor of bench.h; peer lines are printed.
 *
 * usage: kvm_ext_bench_vgic_its --peer NODE [ROUNDS [DEVS [EVENTS]]]
 *        (default 3 rounds, 65536 x 32)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "bench.h"

#define GICD_BASE 0x08000000ULL
#define GICR_BASE 0x080a0000ULL
#define ITS_BASE 0x08080000ULL
#define RAM_GPA 0x40000000ULL
#define BIG_DEVS 65536
#define BIG_EVENTS 32
/* Guest RAM: LPI tables, the device table (65536 DTEs: 8 pages of 64K),
 * the collection table, the queue, then 256 bytes of ITT per device. */
#define PROP 0x0ULL
#define PEND 0x10000ULL
#define DT 0x100000ULL
#define CT 0x180000ULL
#define CQ 0x190000ULL
#define ITT 0x200000ULL
#define RAM_SIZE (ITT + (unsigned long long)BIG_DEVS * BIG_EVENTS * 8)
#define CQ_SIZE 0x10000ULL
#define MSI_BATCH 20000
#define ICC(crn, crm, op2) \
	(0x6030000000130000ULL | 3U << 14 | (crn) << 7 | (crm) << 3 | (op2))

struct vm {
	int vm, vcpu, gic, its;
	unsigned char *ram;
	__u64 cwriter;
	int queued, devs, events;
};

static int attr_op(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a);
}

static int its_set(int its, __u64 off, __u64 v)
{
	return attr_op(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, &v);
}

static int gstore(int vcpu, __u64 gpa, __u32 len, __u64 v, __u32 kind)
{
	struct kvm_ext_guest_access a = {
		.kind = kind, .flags = KVM_EXT_ACCESS_WRITE, .addr = gpa, .len = len, .data = v,
	};

	return ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL;
}

static void put64(unsigned char *p, __u64 v)
{
	memcpy(p, &v, 8); /* the guest is little-endian, and so is every host we run on */
}

static int kick(struct vm *v)
{
	v->queued = 0;
	return gstore(v->vcpu, ITS_BASE + 0x88, 8, v->cwriter, KVM_EXT_ACCESS_MEM);
}

/* Queues a command; every half queue (1024 commands) goes to the ITS. */
static int cmd(struct vm *v, __u64 d0, __u64 d1, __u64 d2)
{
	unsigned char *q = v->ram + CQ + v->cwriter;

	put64(q, d0);
	put64(q + 8, d1);
	put64(q + 16, d2);
	put64(q + 24, 0);
	v->cwriter = (v->cwriter + 32) % CQ_SIZE;
	return ++v->queued == 1024 ? kick(v) : 0;
}

/* A 1-vCPU GICv3 VM with an ITS whose guest mapped devs x events MSIs. */
static int vm_up(int sys, struct vm *v, int devs, int events)
{
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_create_device its = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	__u64 dist = GICD_BASE, redist = GICR_BASE, base = ITS_BASE;
	struct kvm_userspace_memory_region mr = { .guest_phys_addr = RAM_GPA };
	size_t size = (ITT + (size_t)devs * events * 8 + 0xffff) & ~(size_t)0xffff;
	struct kvm_run *run;
	int d, e, bits = 0;

	memset(v, 0, sizeof(*v));
	v->devs = devs;
	v->events = events;
	while ((1 << bits) < events)
		bits++;
	v->ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		      -1, 0);
	mr.memory_size = size;
	mr.userspace_addr = (unsigned long)v->ram;
	v->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (v->ram == MAP_FAILED || v->vm < 0 || ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &mr))
		return -1;
	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0 || ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init) ||
	    ioctl(v->vm, KVM_CREATE_DEVICE, &gic) || ioctl(v->vm, KVM_CREATE_DEVICE, &its))
		return -1;
	v->gic = gic.fd;
	v->its = its.fd;
	if (attr_op(v->gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		    KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    attr_op(v->gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		    KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) ||
	    attr_op(v->its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE,
		    &base) ||
	    attr_op(v->gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		    KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return -1;
	run = mmap(NULL, ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE, MAP_SHARED,
		   v->vcpu, 0);
	if (run == MAP_FAILED)
		return -1;
	run->immediate_exit = 1;
	if (ioctl(v->vcpu, KVM_RUN, 0) != -1 || errno != EINTR)
		return -1;
	/* The guest: GIC and LPIs up, the ITS's tables, MAPC, MAPD, MAPTI. */
	memset(v->ram + PROP, 0xa1, 0x10000 - 8192);
	if (gstore(v->vcpu, GICD_BASE, 4, 2, KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, ICC(4, 6, 0), 8, 0xff, KVM_EXT_ACCESS_SYSREG) ||
	    gstore(v->vcpu, ICC(12, 12, 7), 8, 1, KVM_EXT_ACCESS_SYSREG) ||
	    gstore(v->vcpu, GICR_BASE + 0x70, 8, RAM_GPA + PROP + 15, KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, GICR_BASE + 0x78, 8, RAM_GPA + PEND, KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, GICR_BASE, 4, 1, KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, ITS_BASE + 0x100, 8, 1ULL << 63 | (RAM_GPA + DT) | 7, KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, ITS_BASE + 0x108, 8, 1ULL << 63 | (RAM_GPA + CT), KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, ITS_BASE + 0x80, 8, 1ULL << 63 | (RAM_GPA + CQ) | 15, KVM_EXT_ACCESS_MEM) ||
	    gstore(v->vcpu, ITS_BASE, 4, 1, KVM_EXT_ACCESS_MEM))
		return -1;
	if (cmd(v, 0x09, 0, 1ULL << 63))
		return -1;
	for (d = 0; d < devs; d++) {
		if (cmd(v, 0x08 | (__u64)d << 32, bits ? bits - 1 : 0,
			1ULL << 63 | (RAM_GPA + ITT + (__u64)d * events * 8)))
			return -1;
		for (e = 0; e < events; e++) {
			__u32 lpi = 8192 + (__u32)(((__u64)d * events + e) % (65536 - 8192));

			if (cmd(v, 0x0a | (__u64)d << 32, e | (__u64)lpi << 32, 0))
				return -1;
		}
	}
	return kick(v);
}

static int msi(int vm, __u32 devid, __u32 event)
{
	struct kvm_msi m = {
		.address_lo = (__u32)(ITS_BASE + 0x10040), .data = event,
		.flags = KVM_MSI_VALID_DEVID, .devid = devid,
	};

	return ioctl(vm, KVM_SIGNAL_MSI, &m);
}

/*
 * MSI_BATCH MSIs over the VM's translations, ns each: in a uniformly
 * random order (an LCG: every MSI a cache miss on a large table), or
 * sweeping them in (DeviceID, EventID) order from *pos.
 */
static double msi_batch(struct vm *v, __u32 *seed, int random, __u32 *pos, int *bad)
{
	const __u32 n = (__u32)v->devs * v->events;
	double t0 = now_ns();
	int i;

	for (i = 0; i < MSI_BATCH; i++) {
		__u32 r = *seed = *seed * 1664525u + 1013904223u, k = *pos;

		*pos = (k + 1) % n;
		if (random)
			*bad += msi(v->vm, (r >> 8) % v->devs, (r >> 3) % v->events) != 1;
		else
			*bad += msi(v->vm, k / v->events, k % v->events) != 1;
	}
	return (now_ns() - t0) / MSI_BATCH;
}

static int ctrl(int its, __u64 attr)
{
	return attr_op(its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL, attr, NULL);
}

/* --peer: a REDIST_REGS word of vCPU 0 (the group's accesses are 32-bit). */
static int rd_set(int gic, __u32 off, __u32 v)
{
	return attr_op(gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, off, &v);
}

/* --peer: the ITS's table and queue registers, as after a reset. */
static int its_regs(int its)
{
	return its_set(its, 0x100, 1ULL << 63 | (RAM_GPA + DT) | 7) ||
	       its_set(its, 0x108, 1ULL << 63 | (RAM_GPA + CT)) ||
	       its_set(its, 0x80, 1ULL << 63 | (RAM_GPA + CQ) | 15);
}

/* --peer: the tables' image of devs x events translations (the ABI's rev 0). */
static size_t itt_stride(int events)
{
	return ((size_t)events * 8 + 255) & ~(size_t)255;
}

static void peer_image(unsigned char *ram, int devs, int events, int bits)
{
	size_t stride = itt_stride(events);
	int d, e;

	put64(ram + CT, 1ULL << 63); /* ICID 0 on vCPU 0 */
	for (d = 0; d < devs; d++) {
		__u64 itt = RAM_GPA + ITT + d * stride;

		put64(ram + DT + 8 * (size_t)d, 1ULL << 63 | (__u64)(d + 1 < devs) << 49 |
						 (itt >> 8) << 5 | (__u64)(bits ? bits - 1 : 0));
		for (e = 0; e < events; e++) {
			__u32 lpi = 8192 + (__u32)(((__u64)d * events + e) % (65536 - 8192));

			put64(ram + ITT + d * stride + 8 * (size_t)e,
			      (__u64)(e + 1 < events) << 48 | (__u64)lpi << 16);
		}
	}
}

static void peer_zero(unsigned char *ram, int devs, int events)
{
	memset(ram + DT, 0, (size_t)devs * 8);
	memset(ram + CT, 0, 8);
	memset(ram + ITT, 0, (size_t)devs * itt_stride(events));
}

/* 2000 KVM_SIGNAL_MSI of (0, 0), or swept in order: the fastest of 3 blocks, ns each. */
static double peer_msi(int vm, int devs, int events, int sweep, __u32 *pos, int *bad)
{
	const __u32 n = (__u32)devs * events;
	double best = 1e300;
	int b, i;

	for (b = 0; b < 3; b++) {
		double t0 = now_ns();

		for (i = 0; i < 2000; i++) {
			__u32 k = sweep ? *pos : 0;

			*pos = (*pos + 1) % n;
			*bad += msi(vm, k / events, k % events) != 1;
		}
		t0 = (now_ns() - t0) / 2000;
		if (t0 < best)
			best = t0;
	}
	return best;
}

static int peer(const char *node, int sys, int rounds, int devs, int events)
{
	struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_create_device its = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	__u64 dist = GICD_BASE, redist = GICR_BASE, base = ITS_BASE;
	size_t size = (ITT + devs * itt_stride(events) + 0xffff) & ~(size_t)0xffff;
	struct kvm_userspace_memory_region mr = { .guest_phys_addr = RAM_GPA, .memory_size = size };
	double *fl = calloc(rounds, sizeof(double)), *save = calloc(rounds, sizeof(double)),
	       *restore = calloc(rounds, sizeof(double)), *one = calloc(rounds, sizeof(double)),
	       *sweep = calloc(rounds, sizeof(double)), t0, setup;
	unsigned char *ram, *image;
	int efd = peer_floor_fd(), vm, vcpu, bits = 0, bad = 0, i;
	long long ites = 0, dtes = 0;
	__u32 pos = 0;
	char check[96];

	while ((1 << bits) < events)
		bits++;
	if (devs < 1 || devs > 65536 || events < 1 || efd < 0 || !fl || !save || !restore ||
	    !one || !sweep)
		return fprintf(stderr, "bad arguments\n"), 1;
	ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	image = malloc(size);
	mr.userspace_addr = (unsigned long)ram;
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (ram == MAP_FAILED || !image || vm < 0 || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr) ||
	    (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 || ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) ||
	    ioctl(vm, KVM_CREATE_DEVICE, &gic) || ioctl(vm, KVM_CREATE_DEVICE, &its) ||
	    attr_op(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		    KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    attr_op(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		    KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) ||
	    attr_op(its.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE,
		    &base) ||
	    attr_op(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		    KVM_DEV_ARM_VGIC_CTRL_INIT, NULL)) {
		fprintf(stderr, "%s: VM setup failed: %s\n", node, strerror(errno));
		return 1;
	}
	/* What a guest had: LPIs 8192-65535 enabled at priority 0xa0, the
	 * redistributor's LPIs on; the tables in RAM; the ITS registers. */
	memset(ram + PROP, 0xa1, 0x10000 - 8192);
	memset(image, 0, size);
	peer_image(image, devs, events, bits);
	memcpy(ram + CT, image + CT, 8);
	memcpy(ram + DT, image + DT, (size_t)devs * 8);
	memcpy(ram + ITT, image + ITT, devs * itt_stride(events));
	t0 = now_ns();
	if (attr_op(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0,
		    &(__u32){ 2 }) ||
	    rd_set(gic.fd, 0x70, (__u32)(RAM_GPA + PROP + 15)) ||
	    rd_set(gic.fd, 0x74, (__u32)((RAM_GPA + PROP) >> 32)) ||
	    rd_set(gic.fd, 0x78, (__u32)(RAM_GPA + PEND)) ||
	    rd_set(gic.fd, 0x7c, (__u32)((RAM_GPA + PEND) >> 32)) || rd_set(gic.fd, 0x0, 1) ||
	    its_regs(its.fd) || ctrl(its.fd, KVM_DEV_ARM_ITS_RESTORE_TABLES) ||
	    its_set(its.fd, 0x0, 1) || msi(vm, devs - 1, events - 1) != 1 ||
	    msi(vm, devs, 0) != 0) {
		fprintf(stderr, "%s: ITS restore of the image failed: %s\n", node, strerror(errno));
		return 1;
	}
	setup = (now_ns() - t0) / 1e9;
	printf("ITS, peer mode (%s, %d x %d, %d rounds): first restore %.2f s\n", node, devs,
	       events, rounds, setup);
	for (i = 0; i < rounds; i++) {
		fl[i] = peer_floor(efd, 3);
		one[i] = peer_msi(vm, devs, events, 0, &pos, &bad);
		sweep[i] = peer_msi(vm, devs, events, 1, &pos, &bad);
		peer_zero(ram, devs, events);
		t0 = now_ns();
		bad += ctrl(its.fd, KVM_DEV_ARM_ITS_SAVE_TABLES) != 0;
		save[i] = now_ns() - t0;
		if (!i) { /* what was saved: the image, entry for entry */
			int d, e;

			for (d = 0; d < devs; d++) {
				__u64 dte, ite;

				memcpy(&dte, ram + DT + 8 * (size_t)d, 8);
				dtes += dte >> 63;
				for (e = 0; e < events; e++) {
					memcpy(&ite, ram + ITT + d * itt_stride(events) + 8 * (size_t)e, 8);
					ites += (ite >> 16 & 0xffffffff) != 0;
				}
			}
			if (memcmp(ram + CT, image + CT, 8) || memcmp(ram + DT, image + DT, (size_t)devs * 8) ||
			    memcmp(ram + ITT, image + ITT, devs * itt_stride(events))) {
				fprintf(stderr, "%s: SAVE_TABLES wrote other tables than the image\n", node);
				bad++;
			}
		}
		bad += ctrl(its.fd, KVM_DEV_ARM_ITS_CTRL_RESET) != 0;
		bad += its_regs(its.fd) != 0;
		t0 = now_ns();
		bad += ctrl(its.fd, KVM_DEV_ARM_ITS_RESTORE_TABLES) != 0;
		restore[i] = now_ns() - t0;
		bad += its_set(its.fd, 0x0, 1) != 0;
		bad += msi(vm, devs - 1, events - 1) != 1;
		printf("  round %d: save %.1f ms, restore %.1f ms\n", i, save[i] / 1e6,
		       restore[i] / 1e6);
	}
	if (bad) {
		fprintf(stderr, "%s: %d timed operations failed\n", node, bad);
		return 1;
	}
	double f = median(fl, rounds);

	snprintf(check, sizeof(check), "%lldx%d,saved=%lld-ITEs,%lld-DTEs,image-equal", (long long)devs,
		 events, ites, dtes);
	peer_line("its_save", node, median(save, rounds), f, check);
	peer_line("its_restore", node, median(restore, rounds), f, check);
	peer_line("its_msi_same", node, median(one, rounds), f, "1");
	peer_line("its_msi_sweep", node, median(sweep, rounds), f, "1");
	return 0;
}

int main(int argc, char **argv)
{
	int is_peer = peer_mode(&argc, &argv);
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/arm64";
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	const size_t bytes = (size_t)BIG_DEVS * BIG_EVENTS * 8 + (size_t)BIG_DEVS * 8;
	double *m1, *mbig, *mseq, *save, *restore, *copy, t0, setup;
	int sys = open(node, O_RDWR), i, bad = 0;
	unsigned char *src;
	__u32 seed = 1, pos1 = 0, pos = 0;
	struct vm one, big;

	if (sys < 0 || rounds < 1) {
		perror(node);
		return 1;
	}
	if (is_peer)
		return peer(node, sys, argc > 2 ? rounds : 3, argc > 3 ? atoi(argv[3]) : BIG_DEVS,
			    argc > 4 ? atoi(argv[4]) : BIG_EVENTS);
	t0 = now_ns();
	if (vm_up(sys, &one, 1, 1) || vm_up(sys, &big, BIG_DEVS, BIG_EVENTS)) {
		fprintf(stderr, "ITS setup failed: %s\n", strerror(errno));
		return 1;
	}
	setup = (now_ns() - t0) / 1e9;
	/* Both VMs translate before anything is timed. */
	if (msi(one.vm, 0, 0) != 1 || msi(big.vm, BIG_DEVS - 1, BIG_EVENTS - 1) != 1 ||
	    msi(big.vm, BIG_DEVS, 0) != 0) {
		fprintf(stderr, "unexpected MSI results\n");
		return 1;
	}
	src = malloc(bytes);
	m1 = calloc(rounds, sizeof(double));
	mbig = calloc(rounds, sizeof(double));
	mseq = calloc(rounds, sizeof(double));
	save = calloc(rounds, sizeof(double));
	restore = calloc(rounds, sizeof(double));
	copy = calloc(rounds, sizeof(double));
	if (!src || !m1 || !mbig || !mseq || !save || !restore || !copy)
		return 1;
	memset(src, 0x5a, bytes);
	for (i = 0; i < rounds; i++) {
		m1[i] = msi_batch(&one, &seed, 1, &pos1, &bad);
		mbig[i] = msi_batch(&big, &seed, 1, &pos, &bad);
		mseq[i] = msi_batch(&big, &seed, 0, &pos, &bad);
		t0 = now_ns();
		bad += ctrl(big.its, KVM_DEV_ARM_ITS_SAVE_TABLES) != 0;
		save[i] = now_ns() - t0;
		/* Untimed: the ITS forgets everything, the registers come back. */
		bad += ctrl(big.its, KVM_DEV_ARM_ITS_CTRL_RESET) != 0;
		bad += its_set(big.its, 0x100, 1ULL << 63 | (RAM_GPA + DT) | 7) != 0;
		bad += its_set(big.its, 0x108, 1ULL << 63 | (RAM_GPA + CT)) != 0;
		bad += its_set(big.its, 0x80, 1ULL << 63 | (RAM_GPA + CQ) | 15) != 0;
		t0 = now_ns();
		bad += ctrl(big.its, KVM_DEV_ARM_ITS_RESTORE_TABLES) != 0;
		restore[i] = now_ns() - t0;
		bad += its_set(big.its, 0x0, 1) != 0;
		bad += msi(big.vm, BIG_DEVS - 1, BIG_EVENTS - 1) != 1;
		/* The baseline: the same bytes into guest RAM (the queue's page
		 * and after it, which the tables do not use). */
		t0 = now_ns();
		memcpy(big.ram + ITT, src, bytes - (size_t)BIG_DEVS * 8);
		memcpy(big.ram + DT, src, (size_t)BIG_DEVS * 8);
		copy[i] = now_ns() - t0;
		/* Put the saved image back for the next round's restore. */
		bad += ctrl(big.its, KVM_DEV_ARM_ITS_SAVE_TABLES) != 0;
	}
	if (bad) {
		fprintf(stderr, "%d timed operations failed\n", bad);
		return 1;
	}
	{
		double a = median(m1, rounds), b = median(mbig, rounds), q = median(mseq, rounds),
		       s = median(save, rounds), r = median(restore, rounds), c = median(copy, rounds);
		double msi_ratio = b / a, seq_ratio = q / a, table_ratio = (s + r) / c;

		printf("ITS (%s, GICv3, 1 vCPU, %d rounds, medians; setup through the queue %.1f s):\n",
		       node, rounds, setup);
		printf("  KVM_SIGNAL_MSI, 1 device x 1 event:              %8.0f ns\n", a);
		printf("  KVM_SIGNAL_MSI, %d devices x %d events, random: %6.0f ns\n", BIG_DEVS,
		       BIG_EVENTS, b);
		printf("  KVM_SIGNAL_MSI, the same, in order:              %8.0f ns\n", q);
		printf("  ratio random (target <= 1.25):                   %8.2f\n", msi_ratio);
		printf("  ratio in order (target <= 1.25):                 %8.2f\n", seq_ratio);
		printf("  SAVE_TABLES, %d ITEs + %d DTEs:            %8.2f ms\n",
		       BIG_DEVS * BIG_EVENTS, BIG_DEVS, s / 1e6);
		printf("  RESTORE_TABLES, the same:                        %8.2f ms\n", r / 1e6);
		printf("  memcpy of the same %zu bytes into guest RAM: %8.2f ms\n", bytes, c / 1e6);
		printf("  ratio (save + restore) / copy (target <= 3):     %8.2f\n", table_ratio);
		return msi_ratio > 1.25 || seq_ratio > 1.25 || table_ratio > 3 ? 2 : 0;
	}
}
