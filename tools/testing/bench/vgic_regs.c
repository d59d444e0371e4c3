// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_vgic_regs: the GICv3 against the ioctl floor, timed
 * interleaved in one run (absolute times are context only: TCG).
 *
 * (a) An interrupt's round trip on one vCPU: KVM_IRQ_LINE raises an edge
 *     SPI routed to vCPU 0, the guest (KVM_EXT_GUEST_ACCESS) acknowledges
 *     it with ICC_IAR1_EL1 and ends it with ICC_EOIR1_EL1: three ioctls.
 *     For where the time goes, the same run also times KVM_IRQ_LINE alone
 *     (re-latching the edge) and a guest read of ICC_PMR_EL1 (the cheapest
 *     guest system-register access).
 *     And an irqfd on GSI 0 (CTRL_INIT's default routing: SPI 32): an
 *     eventfd write(), whose wakeup makes the SPI pending in the GIC, as
 *     a virtio device model notifies the guest; the syscall is not an
 *     ioctl, so compare it with the no-op ioctl as the cost of one.
 * (b) A full GICv3 state save of a 64-vCPU VM with 1024 interrupts, as a
 *     VMM takes it for migration (KVM_GET_DEVICE_ATTR for each register):
 *     GICD_CTLR, GICD_STATUSR and every word of IGROUPR, ISENABLER,
 *     ISPENDR, ISACTIVER, IPRIORITYR, ICFGR and IROUTER for all 1024
 *     interrupts; per redistributor CTLR, STATUSR, WAKER, PROPBASER,
 *     PENDBASER, IGROUPR0, ISENABLER0, ISPENDR0, ISACTIVER0, IPRIORITYR0-7,
 *     ICFGR0-1; per vCPU the ICC registers userspace can read (9 of the 15
 *     of CPU_SYSREGS: with 5 priority bits ICC_AP{0,1}R{1,2,3}_EL1 are
 *     -EINVAL, and a VMM reads only as many as ICC_CTLR_EL1.PRIbits
 *     implies); LEVEL_INFO for every 32 interrupts (each vCPU's private
 *     ones, then the SPIs). Also one register read on a 1-vCPU and on the
 *     64-vCPU VM: each access locks every vCPU and finds its vCPU by MPIDR
 *     (as KVM), so its cost grows with the VM.
 *
 * With --peer (the peer table, Documentation/performance.rst) only (b) runs,
 * with 992 interrupts (KVM takes at most 1023 for NR_IRQS, in multiples of 32),
 * on VMs that never enter KVM_RUN or KVM_EXT_GUEST_ACCESS (kvm_ext's own),
 * so NODE may be /dev/kvm: each round times the eventfd floor of bench.h,
 * the fastest of three blocks of each single read and of two saves, and
 * peer lines are printed.
 *
 * usage: kvm_ext_bench_vgic_regs [--peer] [NODE] [ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"
#include <linux/kvm_ext.h>

#define NOOP_BATCH 2000
#define RT_BATCH 1000
#define SAVE_VCPUS 64
#define SAVE_NR_IRQS 1024
#define MAX_ATTRS 8192
#define GICD_BASE 0x08000000ULL
#define GICR_BASE 0x080a0000ULL
#define GICR_SGI 0x10000
#define SPI 32

#define ICC(crn, crm, op2) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x13ULL << 16) | 3 << 14 | (crn) << 7 | (crm) << 3 | (op2))
#define ICC_PMR_EL1 ICC(4, 6, 0)
#define ICC_BPR0_EL1 ICC(12, 8, 3)
#define ICC_AP0R0_EL1 ICC(12, 8, 4)
#define ICC_AP1R0_EL1 ICC(12, 9, 0)
#define ICC_IAR1_EL1 ICC(12, 12, 0)
#define ICC_EOIR1_EL1 ICC(12, 12, 1)
#define ICC_BPR1_EL1 ICC(12, 12, 3)
#define ICC_CTLR_EL1 ICC(12, 12, 4)
#define ICC_SRE_EL1 ICC(12, 12, 5)
#define ICC_IGRPEN0_EL1 ICC(12, 12, 6)
#define ICC_IGRPEN1_EL1 ICC(12, 12, 7)

struct attr {
	__u32 group;
	__u64 attr;
};

static struct attr save_set[MAX_ATTRS];
static int save_n;
/* The save's interrupts: 1024, or with --peer 992 (KVM's NR_IRQS is at most 1023). */
static unsigned int save_nr_irqs = SAVE_NR_IRQS;

static int attr_op(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a);
}

/* A GICv3 VM with n initialised vCPUs; the VFIO device fd for the floor. */
static const char *gic_vm_step; /* the step that failed */

static int gic_vm(int sys, int n, __u32 nr_irqs, int *gic, int *noop_dev, int *vcpu0)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_create_device vfio = { .type = KVM_DEV_TYPE_VFIO };
	__u64 dist = GICD_BASE, redist = GICR_BASE;
	int vm = ioctl(sys, KVM_CREATE_VM, 0), i;

	gic_vm_step = "KVM_CREATE_VM, the VFIO device";
	if (vm < 0 || ioctl(vm, KVM_CREATE_DEVICE, &vfio))
		return -1;
	gic_vm_step = "the vCPUs";
	for (i = 0; i < n; i++) {
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
		int v = ioctl(vm, KVM_CREATE_VCPU, i);

		if (v < 0 || ioctl(v, KVM_ARM_VCPU_INIT, &init))
			return -1;
		if (i == 0)
			*vcpu0 = v;
	}
	gic_vm_step = "the GIC device";
	if (ioctl(vm, KVM_CREATE_DEVICE, &cd))
		return -1;
	gic_vm_step = "the GIC's addresses";
	if (attr_op(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		    KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) ||
	    attr_op(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		    KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist))
		return -1;
	gic_vm_step = "NR_IRQS";
	if (attr_op(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs))
		return -1;
	gic_vm_step = "CTRL_INIT";
	if (attr_op(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		    KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))
		return -1;
	*gic = cd.fd;
	*noop_dev = vfio.fd;
	return vm;
}

static int guest(int vcpu, __u32 kind, __u64 addr, __u32 len, int write, __u64 *data)
{
	struct kvm_ext_guest_access a = {
		.kind = kind, .flags = write ? KVM_EXT_ACCESS_WRITE : 0, .addr = addr,
		.len = len, .data = *data,
	};
	int r = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a);

	*data = a.data;
	return r || a.result != KVM_EXT_RESULT_KERNEL;
}

static int gstore(int vcpu, __u64 gpa, __u32 len, __u64 v)
{
	return guest(vcpu, KVM_EXT_ACCESS_MEM, gpa, len, 1, &v);
}

static int icc_write(int vcpu, __u64 id, __u64 v)
{
	return guest(vcpu, KVM_EXT_ACCESS_SYSREG, id, 8, 1, &v);
}

static __u64 icc_read(int vcpu, __u64 id)
{
	__u64 v = 0;

	return guest(vcpu, KVM_EXT_ACCESS_SYSREG, id, 8, 0, &v) ? ~0ULL : v;
}

static void add(__u32 group, __u64 attr)
{
	if (save_n < MAX_ATTRS)
		save_set[save_n++] = (struct attr){ group, attr };
}

/* The MPIDR field of an attribute for vCPU id: Aff1 bits 47:40, Aff0 39:32. */
static __u64 mpidr_attr(__u64 id)
{
	return ((id >> 4) & 0xff) << 40 | (id & 0xf) << 32;
}

static void build_save_set(void)
{
	static const __u32 bitmaps[] = { 0x080, 0x100, 0x200, 0x300 }; /* IGROUPR .. ISACTIVER */
	static const __u32 rd[] = { 0x0, 0x10, 0x14, 0x70, 0x74, 0x78, 0x7c };
	static const __u64 icc[] = {
		ICC_SRE_EL1, ICC_CTLR_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1, ICC_PMR_EL1,
		ICC_BPR0_EL1, ICC_BPR1_EL1, ICC_AP0R0_EL1, ICC_AP1R0_EL1,
	};
	unsigned int i, w, c;

	add(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x0);	/* GICD_CTLR */
	add(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x10);	/* GICD_STATUSR */
	for (i = 0; i < 4; i++)
		for (w = 0; w < save_nr_irqs / 32; w++)
			add(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, bitmaps[i] + 4 * w);
	for (w = 0; w < save_nr_irqs / 4; w++)
		add(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x400 + 4 * w);	/* IPRIORITYR */
	for (w = 0; w < save_nr_irqs / 16; w++)
		add(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0xc00 + 4 * w);	/* ICFGR */
	for (w = 0; w < save_nr_irqs * 2; w++)
		add(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x6000 + 4 * w);	/* IROUTER */
	for (c = 0; c < SAVE_VCPUS; c++) {
		__u64 m = mpidr_attr(c);

		for (i = 0; i < sizeof(rd) / sizeof(rd[0]); i++)
			add(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, m | rd[i]);
		for (i = 0; i < 4; i++)
			add(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, m | (GICR_SGI + bitmaps[i]));
		for (w = 0; w < 8; w++)
			add(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, m | (GICR_SGI + 0x400 + 4 * w));
		add(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, m | (GICR_SGI + 0xc00));
		add(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, m | (GICR_SGI + 0xc04));
	}
	for (c = 0; c < SAVE_VCPUS; c++)
		for (i = 0; i < sizeof(icc) / sizeof(icc[0]); i++)
			add(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidr_attr(c) | (icc[i] & 0xffff));
	for (c = 0; c < SAVE_VCPUS; c++)
		add(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, mpidr_attr(c) | 0);
	for (i = 32; i < save_nr_irqs; i += 32)
		add(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, i);
}

static int count(__u32 group)
{
	int i, n = 0;

	for (i = 0; i < save_n; i++)
		n += save_set[i].group == group;
	return n;
}

/* One full save: 0, or the number of failed reads. */
static int save(int gic)
{
	__u64 v;
	int i, bad = 0;

	for (i = 0; i < save_n; i++)
		bad += attr_op(gic, KVM_GET_DEVICE_ATTR, save_set[i].group, save_set[i].attr, &v) != 0;
	return bad;
}

/* One round trip: the edge SPI raised, acknowledged, ended. */
static int round_trip(int vm, int vcpu)
{
	struct kvm_irq_level line = { .irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | SPI,
				      .level = 1 };
	struct kvm_ext_guest_access iar = { .kind = KVM_EXT_ACCESS_SYSREG, .addr = ICC_IAR1_EL1,
					    .len = 8 };
	struct kvm_ext_guest_access eoir = { .kind = KVM_EXT_ACCESS_SYSREG,
					     .flags = KVM_EXT_ACCESS_WRITE,
					     .addr = ICC_EOIR1_EL1, .len = 8, .data = SPI };

	if (ioctl(vm, KVM_IRQ_LINE, &line) || ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &iar) ||
	    ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &eoir))
		return 1;
	return iar.data != SPI;
}

/* What one save read: a hash of every value, the same on both nodes if they agree. */
static unsigned long long save_hash(int gic)
{
	unsigned long long h = 1469598103934665603ULL;
	__u64 v;
	int i;

	for (i = 0; i < save_n; i++) {
		v = 0;
		attr_op(gic, KVM_GET_DEVICE_ATTR, save_set[i].group, save_set[i].attr, &v);
		h = (h ^ v) * 1099511628211ULL;
		if (getenv("KVM_EXT_BENCH_DUMP")) /* to diff two nodes' values */
			fprintf(stderr, "%u %llx %llx\n", save_set[i].group,
				(unsigned long long)save_set[i].attr, (unsigned long long)v);
	}
	return h;
}

/* Fastest of `blocks` blocks of n reads of one distributor register, ns per read. */
static double read_block(int gic, int n, int blocks)
{
	double best = 1e300;
	__u64 v;
	int b, j;

	for (b = 0; b < blocks; b++) {
		double t0 = now_ns();

		for (j = 0; j < n; j++)
			attr_op(gic, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, &v);
		t0 = (now_ns() - t0) / n;
		if (t0 < best)
			best = t0;
	}
	return best;
}

/* --peer: (b) alone, standard ABI only, against the eventfd floor. */
static int peer(const char *node, int sys, int rounds)
{
	double *fl = calloc(rounds, sizeof(double)), *o1 = calloc(rounds, sizeof(double)),
	       *o64 = calloc(rounds, sizeof(double)), *sv = calloc(rounds, sizeof(double));
	int efd = peer_floor_fd(), vm1, vm64, gic1, gic64, noop1, noop64, vcpu1, vcpu64, bad = 0;
	int i, b;
	char check[64];
	__u64 v;

	if (efd < 0 || (vm1 = gic_vm(sys, 1, 64, &gic1, &noop1, &vcpu1)) < 0 ||
	    (vm64 = gic_vm(sys, SAVE_VCPUS, save_nr_irqs = 992, &gic64, &noop64, &vcpu64)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", node, gic_vm_step, strerror(errno));
		return 1;
	}
	build_save_set();
	if (save(gic64) ||
	    attr_op(gic64, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
		    mpidr_attr(SAVE_VCPUS - 1) | (ICC(12, 9, 1) & 0xffff), &v) != -1 ||
	    errno != EINVAL) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		fl[i] = peer_floor(efd, 3);
		o1[i] = read_block(gic1, RT_BATCH, 3);
		o64[i] = read_block(gic64, RT_BATCH, 3);
		sv[i] = 1e300;
		for (b = 0; b < 2; b++) {
			double t0 = now_ns();

			bad += save(gic64);
			t0 = now_ns() - t0;
			if (t0 < sv[i])
				sv[i] = t0;
		}
	}
	if (bad) {
		fprintf(stderr, "%d timed operations failed\n", bad);
		return 1;
	}
	double f = median(fl, rounds);

	/* The values are each node's reset state, which may differ (the hash says whether). */
	printf("VGIC, peer mode (%s, %d rounds, %d vCPUs, %u interrupts): floor %.0f ns,\n"
	       "  DIST read 1 vCPU %.0f ns, 64 vCPUs %.0f ns, save %.0f ns (values' hash %016llx)\n",
	       node, rounds, SAVE_VCPUS, save_nr_irqs, f, median(o1, rounds), median(o64, rounds),
	       median(sv, rounds), save_hash(gic64));
	peer_line("dist_read_1", node, median(o1, rounds), f, "GICD_CTLR");
	peer_line("dist_read_64", node, median(o64, rounds), f, "GICD_CTLR");
	snprintf(check, sizeof(check), "%d-attrs-read", save_n);
	peer_line("gic_save_64", node, median(sv, rounds), f, check);
	return 0;
}

static double ratio(double x, double floor)
{
	return x / floor;
}

int main(int argc, char **argv)
{
	int is_peer = peer_mode(&argc, &argv);
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/arm64";
	int rounds = argc > 2 ? atoi(argv[2]) : is_peer ? 11 : 51;
	int sys, vm1, vm64, gic1, gic64, noop1, noop64, vcpu1, vcpu64, i, j, bad = 0;
	double *noop, *rt, *inject, *pmr, *snap, *one1, *one64, *fdw;
	int efd = eventfd(0, EFD_CLOEXEC);
	struct kvm_irqfd irqfd = { .fd = (__u32)efd, .gsi = SPI - 32 };
	__u64 one = 1;
	struct kvm_irq_level line = { .irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | SPI,
				      .level = 1 };
	struct kvm_run *run;
	__u64 v;

	sys = open(node, O_RDWR);
	if (sys >= 0 && is_peer)
		return peer(node, sys, rounds);
	if (sys < 0 || (vm1 = gic_vm(sys, 1, 64, &gic1, &noop1, &vcpu1)) < 0 ||
	    (vm64 = gic_vm(sys, SAVE_VCPUS, SAVE_NR_IRQS, &gic64, &noop64, &vcpu64)) < 0) {
		perror(node);
		return 1;
	}
	/*
	 * (a)'s VM: the frames mapped by a first KVM_RUN, then as the guest the
	 * distributor on, PMR open, Group 1 on, SPI 32 edge, routed to vCPU 0,
	 * enabled.
	 */
	run = mmap(NULL, ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu1, 0);
	if (run == MAP_FAILED)
		return perror("mmap"), 1;
	run->immediate_exit = 1;
	if (ioctl(vcpu1, KVM_RUN, 0) != -1 || errno != EINTR ||
	    gstore(vcpu1, GICD_BASE + 0x0, 4, 0x2) ||
	    icc_write(vcpu1, ICC_PMR_EL1, 0xff) || icc_write(vcpu1, ICC_IGRPEN1_EL1, 1) ||
	    gstore(vcpu1, GICD_BASE + 0xc00 + SPI / 16 * 4, 4, 2u << 2 * (SPI % 16)) ||
	    gstore(vcpu1, GICD_BASE + 0x400 + SPI, 1, 0x80) ||
	    gstore(vcpu1, GICD_BASE + 0x6000 + 8 * SPI, 8, 0) ||
	    gstore(vcpu1, GICD_BASE + 0x100 + SPI / 32 * 4, 4, 1u << SPI % 32)) {
		fprintf(stderr, "GIC setup failed: %s\n", strerror(errno));
		return 1;
	}
	build_save_set();
	/* Every path must do what it claims before it is timed. */
	if (efd < 0 || ioctl(vm1, KVM_IRQFD, &irqfd) || write(efd, &one, sizeof(one)) != sizeof(one) ||
	    icc_read(vcpu1, ICC_IAR1_EL1) != SPI || icc_write(vcpu1, ICC_EOIR1_EL1, SPI) ||
	    ioctl(noop1, _IO(KVMIO, 0xee)) != -1 || errno != ENOTTY || round_trip(vm1, vcpu1) ||
	    icc_read(vcpu1, ICC_IAR1_EL1) != 1023 || save(gic64) ||
	    attr_op(gic64, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
		    mpidr_attr(SAVE_VCPUS - 1) | (ICC(12, 9, 1) & 0xffff), &v) != -1 ||
	    errno != EINVAL) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}

	noop = calloc(rounds, sizeof(*noop));
	rt = calloc(rounds, sizeof(*rt));
	inject = calloc(rounds, sizeof(*inject));
	pmr = calloc(rounds, sizeof(*pmr));
	snap = calloc(rounds, sizeof(*snap));
	one1 = calloc(rounds, sizeof(*one1));
	one64 = calloc(rounds, sizeof(*one64));
	fdw = calloc(rounds, sizeof(*fdw));
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns(), t1, t2, t3, t4, t5, t6, t7, t8;

		for (j = 0; j < NOOP_BATCH; j++)
			ioctl(noop1, _IO(KVMIO, 0xee));
		t1 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += round_trip(vm1, vcpu1);
		t2 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += ioctl(vm1, KVM_IRQ_LINE, &line) != 0;
		t3 = now_ns();
		bad += icc_read(vcpu1, ICC_IAR1_EL1) != SPI || icc_write(vcpu1, ICC_EOIR1_EL1, SPI);
		t4 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			icc_read(vcpu1, ICC_PMR_EL1);
		t5 = now_ns();
		bad += save(gic64);
		t6 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			attr_op(gic1, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, &v);
		t7 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			attr_op(gic64, KVM_GET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, &v);
		t8 = now_ns();
		one64[i] = (t8 - t7) / RT_BATCH;
		for (j = 0; j < RT_BATCH; j++)
			bad += write(efd, &one, sizeof(one)) != sizeof(one);
		fdw[i] = (now_ns() - t8) / RT_BATCH;
		bad += icc_read(vcpu1, ICC_IAR1_EL1) != SPI || icc_write(vcpu1, ICC_EOIR1_EL1, SPI);
		noop[i] = (t1 - t0) / NOOP_BATCH;
		rt[i] = (t2 - t1) / RT_BATCH;
		inject[i] = (t3 - t2) / RT_BATCH;
		pmr[i] = (t5 - t4) / RT_BATCH;
		snap[i] = t6 - t5;
		one1[i] = (t7 - t6) / RT_BATCH;
	}
	if (bad) {
		fprintf(stderr, "%d timed operations failed\n", bad);
		return 1;
	}
	double f = median(noop, rounds), r = median(rt, rounds), in = median(inject, rounds),
	       p = median(pmr, rounds), s = median(snap, rounds), o1 = median(one1, rounds),
	       o64 = median(one64, rounds), w = median(fdw, rounds);

	printf("VGIC interrupt round trip (%s, GICv3, 1 vCPU, edge SPI, %d rounds, medians):\n",
	       node, rounds);
	printf("  no-op device ioctl (-ENOTTY):              %8.0f ns\n", f);
	printf("  IRQ_LINE + ICC_IAR1_EL1 + ICC_EOIR1_EL1:   %8.0f ns\n", r);
	printf("  ratio round trip / no-op ioctl:            %8.2f\n", ratio(r, f));
	printf("  ratio per ioctl of the round trip (3):     %8.2f\n", ratio(r, f) / 3);
	printf("    of which KVM_IRQ_LINE alone:             %8.2f x no-op\n", ratio(in, f));
	printf("    guest ICC_PMR_EL1 read (access floor):   %8.2f x no-op\n", ratio(p, f));
	printf("  irqfd: eventfd write -> SPI pending:       %8.0f ns\n", w);
	printf("  ratio irqfd write / no-op ioctl:           %8.2f\n", ratio(w, f));
	printf("VGIC state save (%d vCPUs, %d interrupts, %d KVM_GET_DEVICE_ATTR: %d DIST, %d REDIST,\n"
	       "  %d CPU_SYSREGS, %d LEVEL_INFO):\n", SAVE_VCPUS, SAVE_NR_IRQS, save_n,
	       count(KVM_DEV_ARM_VGIC_GRP_DIST_REGS), count(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS),
	       count(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS), count(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO));
	printf("  full save:                                 %8.0f ns\n", s);
	printf("  ratio save / no-op ioctl:                  %8.1f\n", ratio(s, f));
	printf("  ratio per ioctl of the save:               %8.2f\n", ratio(s, f) / save_n);
	printf("  one DIST_REGS read, 1-vCPU VM:             %8.2f x no-op\n", ratio(o1, f));
	printf("  one DIST_REGS read, %d-vCPU VM:            %8.2f x no-op\n", SAVE_VCPUS,
	       ratio(o64, f));
	close(noop64);
	close(vcpu64);
	return 0;
}
