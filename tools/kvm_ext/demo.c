// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_demo: a VMM-style walk through what kvm_ext implements, once per
 * personality: open the node, ask it what it can do, create a VM with RAM,
 * vCPUs and a device, act as the guest, run a vCPU, read the VM's and the
 * vCPU's statistics (kvm_stats.c); on arm64 also a VMM's threaded run loop
 * (vmm_loop.c), on ppc the XICS as a pseries guest uses it (xics_demo.c),
 * XIVE native with its mapped pages (xive_demo.c) and, on an e500mc host,
 * the Freescale MPIC as QEMU's ppce500 machine drives it (mpic_demo.c);
 * on s390 the CPU model, the TOD, the FLIC with AIS and the guest's
 * interrupts, its save and restore, and migration mode as QEMU's s390x
 * machine drives them (s390_demo.c). Prints what it did.
 *
 * usage: kvm_ext_demo [NODE...]   (default: /dev/kvm_ext/{arm64,ppc,s390})
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "kvm_stats.h"
#include "mpic_demo.h"
#include "s390_demo.h"
#include "vmm_loop.h"
#include "xics_demo.h"
#include "xive_demo.h"

#define RAM_GPA 0x40000000ULL
#define RAM_SIZE (2ULL << 20)

static int failures;

static void on_alarm(int sig)
{
	(void)sig;
}

static long xioctl(int fd, unsigned long req, unsigned long arg, const char *what)
{
	long r = ioctl(fd, req, arg);

	if (r < 0)
		printf("    %-44s -> -1 (%s)\n", what, strerror(errno));
	else
		printf("    %-44s -> %ld\n", what, r);
	return r < 0 ? -errno : r;
}

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("    !! %s\n", what);
		failures++;
	}
}

static const char *result_name(unsigned int r)
{
	switch (r) {
	case KVM_EXT_RESULT_RAM:
		return "RAM";
	case KVM_EXT_RESULT_KERNEL:
		return "in-kernel device";
	case KVM_EXT_RESULT_EXIT:
		return "exit to the VMM";
	default:
		return "?";
	}
}

static void guest_access(int vcpu, struct kvm_run *run, unsigned int flags,
			 unsigned long long gpa, unsigned int len,
			 unsigned long long data)
{
	struct kvm_ext_guest_access a = {
		.kind = KVM_EXT_ACCESS_MEM, .flags = flags, .addr = gpa,
		.len = len, .data = data,
	};
	int r = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a);

	if (r) {
		printf("    guest %s 0x%llx: %s\n", flags ? "store" : "load", gpa,
		       strerror(errno));
		failures++;
		return;
	}
	printf("    guest %-5s %u bytes at 0x%llx = 0x%llx: %s", flags ? "store" : "load",
	       len, gpa, (unsigned long long)a.data, result_name(a.result));
	if (a.result == KVM_EXT_RESULT_EXIT)
		printf(" (kvm_run: exit_reason %u, mmio.phys_addr 0x%llx, len %u)",
		       run->exit_reason, (unsigned long long)run->mmio.phys_addr,
		       run->mmio.len);
	printf("\n");
}

static int popcount_bitmap(const unsigned long long *bm, int words)
{
	int n = 0, i;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(bm[i]);
	return n;
}

/*
 * A migration round (arm64: KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2): enable
 * manual protection with every page initially dirty, get the log, clear it
 * in chunks as the pages are "sent", dirty a few pages as the guest, get
 * again.
 */
static void dirty_log_round(int vm, int vcpu, struct kvm_run *run)
{
	enum { PAGES = 256, CHUNK = 64 };
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET },
	};
	struct kvm_userspace_memory_region mem = {
		.slot = 1, .flags = KVM_MEM_LOG_DIRTY_PAGES,
		.guest_phys_addr = RAM_GPA + RAM_SIZE, .memory_size = PAGES * 4096ULL,
	};
	unsigned long long bm[PAGES / 64];
	struct kvm_dirty_log log = { .slot = 1, .dirty_bitmap = bm };
	void *ram = mmap(NULL, PAGES * 4096UL, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int first;

	mem.userspace_addr = (unsigned long)ram;
	printf("    -- dirty-log round (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)\n");
	must(xioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		    "KVM_CHECK_EXTENSION(MANUAL_DIRTY_LOG_PROTECT2)") == 3, "ENABLE|INITIALLY_SET");
	must(xioctl(vm, KVM_ENABLE_CAP, (unsigned long)&cap,
		    "KVM_ENABLE_CAP(PROTECT2, ENABLE|INITIALLY_SET)") == 0, "PROTECT2 on");
	must(xioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mem,
		    "KVM_SET_USER_MEMORY_REGION(slot 1, 1 MiB, log)") == 0, "logging slot");
	must(xioctl(vm, KVM_GET_DIRTY_LOG, (unsigned long)&log, "KVM_GET_DIRTY_LOG") == 0, "get");
	printf("    dirty pages: %d of %d (initially set)\n", popcount_bitmap(bm, PAGES / 64), PAGES);
	for (first = 0; first < PAGES; first += CHUNK) {
		struct kvm_clear_dirty_log clear = {
			.slot = 1, .first_page = first, .num_pages = CHUNK,
			.dirty_bitmap = &bm[first / 64],
		};

		must(ioctl(vm, KVM_CLEAR_DIRTY_LOG, &clear) == 0, "clear chunk");
	}
	printf("    KVM_CLEAR_DIRTY_LOG of %d pages in %d chunks of %d\n", PAGES, PAGES / CHUNK, CHUNK);
	guest_access(vcpu, run, KVM_EXT_ACCESS_WRITE, mem.guest_phys_addr + 5 * 4096, 8, 1);
	guest_access(vcpu, run, KVM_EXT_ACCESS_WRITE, mem.guest_phys_addr + 77 * 4096, 8, 2);
	guest_access(vcpu, run, KVM_EXT_ACCESS_WRITE, mem.guest_phys_addr + 200 * 4096, 8, 3);
	must(xioctl(vm, KVM_GET_DIRTY_LOG, (unsigned long)&log, "KVM_GET_DIRTY_LOG") == 0, "get");
	printf("    dirty pages: %d (pages 5, 77, 200: %s)\n", popcount_bitmap(bm, PAGES / 64),
	       (bm[0] >> 5 & 1) && (bm[1] >> 13 & 1) && (bm[3] >> 8 & 1) ? "yes" : "NO");
	must(popcount_bitmap(bm, PAGES / 64) == 3, "exactly the stored pages are dirty");
	mem.memory_size = 0;
	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem);
	munmap(ram, PAGES * 4096UL);
}

/*
 * A snapshot of a 4-vCPU arm64 VM with SVE (VL 512) and pointer auth, and
 * its restore into a fresh VM in the order VMMs use: KVM_ARM_VCPU_INIT,
 * the vector lengths, KVM_ARM_VCPU_FINALIZE, then every register of
 * KVM_GET_REG_LIST in its order.
 */
#define SNAP_VCPUS 4
#define SNAP_MAX_REGS 1024
#define REG_BYTES(id) (1UL << (((id) & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT))
#define ARM64_SYSREG(op0, op1, crn, crm, op2) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x13ULL << 16) | (op0) << 14 | (op1) << 11 | \
	 (crn) << 7 | (crm) << 3 | (op2))
#define ARM64_CORE_PC (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x10ULL << 16) | 64)
#define ARM64_SVE_Z0 (KVM_REG_ARM64 | KVM_REG_ARM64_SVE | KVM_REG_SIZE_U2048)

struct snapshot {
	unsigned long long n, ids[SNAP_MAX_REGS];
	unsigned char *values[SNAP_MAX_REGS];
};

static int snap_vcpu(int vm, int id, int finalize, const unsigned long long *vls)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, id), sve = KVM_ARM_VCPU_SVE;
	struct kvm_one_reg r = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (unsigned long)vls };

	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2 | 1U << KVM_ARM_VCPU_SVE |
			   1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS | 1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (vcpu < 0 || ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) || ioctl(vcpu, KVM_SET_ONE_REG, &r) ||
	    (finalize && ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &sve))) {
		printf("    !! vCPU %d setup: %s\n", id, strerror(errno));
		failures++;
	}
	return vcpu;
}

static int snap_save(int vcpu, struct snapshot *s)
{
	struct kvm_reg_list *list = malloc(sizeof(*list) + SNAP_MAX_REGS * 8);
	unsigned long long i;
	int bad = 0;

	list->n = SNAP_MAX_REGS;
	if (ioctl(vcpu, KVM_GET_REG_LIST, list)) {
		free(list);
		return -errno;
	}
	s->n = list->n;
	for (i = 0; i < s->n; i++) {
		struct kvm_one_reg r = { .id = list->reg[i] };

		s->ids[i] = list->reg[i];
		s->values[i] = calloc(1, REG_BYTES(s->ids[i]));
		r.addr = (unsigned long)s->values[i];
		bad += ioctl(vcpu, KVM_GET_ONE_REG, &r) != 0;
	}
	free(list);
	return bad;
}

static void snap_free(struct snapshot *s)
{
	while (s->n)
		free(s->values[--s->n]);
}

static void arm64_snapshot_round(int sys)
{
	/* 128, 256 and 512 bits: VL 512 on the default emulated host */
	static const unsigned long long vls[KVM_ARM64_SVE_VLS_WORDS] = { 0xb };
	static struct snapshot saved[SNAP_VCPUS], back;
	int vm = ioctl(sys, KVM_CREATE_VM, 0), vm2 = ioctl(sys, KVM_CREATE_VM, 0);
	int v[SNAP_VCPUS], w[SNAP_VCPUS], i, set_errors = 0, diffs = 0, save_errors = 0;
	unsigned long long bytes = 0, k;
	unsigned char z0[256];

	printf("    -- snapshot and restore: %d vCPUs, SVE VL 512, pointer auth\n", SNAP_VCPUS);
	for (i = 0; i < SNAP_VCPUS; i++) {
		unsigned long long pc = 0x40080000ULL + i * 0x1000, key = 0xfeedf00d0000ULL + i;
		struct kvm_one_reg r = { .id = ARM64_CORE_PC, .addr = (unsigned long)&pc };

		v[i] = snap_vcpu(vm, i, 1, vls);
		ioctl(v[i], KVM_SET_ONE_REG, &r);
		r.id = ARM64_SYSREG(3, 0, 2, 1, 0); /* APIAKEYLO_EL1 */
		r.addr = (unsigned long)&key;
		ioctl(v[i], KVM_SET_ONE_REG, &r);
		memset(z0, 0x5a + i, sizeof(z0));
		r.id = ARM64_SVE_Z0;
		r.addr = (unsigned long)z0;
		ioctl(v[i], KVM_SET_ONE_REG, &r);
		save_errors += snap_save(v[i], &saved[i]);
		for (k = 0; k < saved[i].n; k++)
			bytes += REG_BYTES(saved[i].ids[k]);
	}
	printf("    KVM_GET_REG_LIST: %llu registers per vCPU, %llu bytes saved in all\n",
	       saved[0].n, bytes);
	must(save_errors == 0, "every listed register read");
	for (i = 0; i < SNAP_VCPUS; i++) {
		int sve = KVM_ARM_VCPU_SVE;
		const unsigned long long *saved_vls = vls;

		for (k = 0; k < saved[i].n; k++)
			if (saved[i].ids[k] == KVM_REG_ARM64_SVE_VLS)
				saved_vls = (const unsigned long long *)saved[i].values[k];
		w[i] = snap_vcpu(vm2, i, 0, saved_vls);
		must(ioctl(w[i], KVM_ARM_VCPU_FINALIZE, &sve) == 0, "finalize the restored vCPU");
		for (k = 0; k < saved[i].n; k++) {
			struct kvm_one_reg r = { .id = saved[i].ids[k],
						 .addr = (unsigned long)saved[i].values[k] };

			if (r.id != KVM_REG_ARM64_SVE_VLS)
				set_errors += ioctl(w[i], KVM_SET_ONE_REG, &r) != 0;
		}
		snap_save(w[i], &back);
		must(back.n == saved[i].n, "same register list after restore");
		for (k = 0; k < back.n && k < saved[i].n; k++) {
			/* The virtual counter runs on between save and restore. */
			if (back.ids[k] == ARM64_SYSREG(3, 3, 14, 3, 2))
				continue;
			diffs += back.ids[k] != saved[i].ids[k] ||
				 memcmp(back.values[k], saved[i].values[k], REG_BYTES(back.ids[k]));
		}
		snap_free(&back);
	}
	printf("    restore: %d KVM_SET_ONE_REG failures, %d registers differ -> %s\n", set_errors,
	       diffs, set_errors || diffs ? "MISMATCH" : "identical");
	must(set_errors == 0 && diffs == 0, "snapshot restored identically");
	for (i = 0; i < SNAP_VCPUS; i++) {
		snap_free(&saved[i]);
		close(v[i]);
		close(w[i]);
	}
	close(vm);
	close(vm2);
}

/*
 * A GICv3 VM (devices/arm-vgic-v3.rst): 4 vCPUs; the VMM places the frames
 * and initialises the GIC; the demo, as the guest, brings it up, takes
 * SPIs (KVM_IRQ_LINE) and SGIs (ICC_SGI1R_EL1) on the vCPUs they were
 * routed to, then leaves some pending and one active, snapshots the GIC
 * through its attribute groups, restores it into a fresh VM in QEMU's
 * order (hw/intc/arm_gicv3_kvm.c, kvm_arm_gicv3_put()) and compares every
 * register.
 */
#define GIC_VCPUS 4
#define GIC_NR_IRQS 128
#define GICD_BASE 0x08000000ULL
#define GICR_BASE 0x080a0000ULL /* redistributor i at + i * 128 KiB */
#define GICR_SGI 0x10000	/* the SGI/PPI frame of a redistributor */
#define GIC_SPURIOUS 1023
#define GIC_MAX_REGS 2048

/* ICC_* system registers: the ONE_REG id (guest access), instr = id & 0xffff. */
#define ICC(crn, crm, op2) ARM64_SYSREG(3, 0, crn, crm, op2)
#define ICC_PMR_EL1 ICC(4, 6, 0)
#define ICC_BPR0_EL1 ICC(12, 8, 3)
#define ICC_AP0R_EL1(n) ICC(12, 8, 4 + (n))
#define ICC_AP1R_EL1(n) ICC(12, 9, (n))
#define ICC_RPR_EL1 ICC(12, 11, 3)
#define ICC_SGI1R_EL1 ICC(12, 11, 5)
#define ICC_IAR1_EL1 ICC(12, 12, 0)
#define ICC_EOIR1_EL1 ICC(12, 12, 1)
#define ICC_HPPIR1_EL1 ICC(12, 12, 2)
#define ICC_BPR1_EL1 ICC(12, 12, 3)
#define ICC_CTLR_EL1 ICC(12, 12, 4)
#define ICC_SRE_EL1 ICC(12, 12, 5)
#define ICC_IGRPEN0_EL1 ICC(12, 12, 6)
#define ICC_IGRPEN1_EL1 ICC(12, 12, 7)

/* The attribute's vCPU field: MPIDR affinity (vCPU id n < 16: Aff0 = n). */
#define GIC_MPIDR(n) ((__u64)(n) << 32)
#define GIC_LEVEL_INFO(intid) (0ULL << 10 | (intid)) /* LINE_LEVEL */

struct gic_reg {
	__u32 group;
	__u64 attr;
	__u64 val;
};

struct gic_state {
	int n;
	struct gic_reg r[GIC_MAX_REGS];
};

static int gic_attr(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a) ? -errno : 0;
}

static int gic_set(int dev, __u32 group, __u64 attr, __u64 val)
{
	__u32 v32 = (__u32)val;

	return gic_attr(dev, KVM_SET_DEVICE_ATTR, group, attr,
			group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS ? (void *)&val : (void *)&v32);
}

static int gic_get(int dev, __u32 group, __u64 attr, __u64 *val)
{
	__u32 v32 = 0;
	int r;

	*val = 0;
	if (group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
		return gic_attr(dev, KVM_GET_DEVICE_ATTR, group, attr, val);
	r = gic_attr(dev, KVM_GET_DEVICE_ATTR, group, attr, &v32);
	*val = v32;
	return r;
}

/* One guest access through KVM_EXT_GUEST_ACCESS, answered in the kernel. */
static __u64 gic_guest(int vcpu, __u32 kind, __u64 addr, __u32 len, int write, __u64 data)
{
	struct kvm_ext_guest_access a = {
		.kind = kind, .flags = write ? KVM_EXT_ACCESS_WRITE : 0, .addr = addr,
		.len = len, .data = data,
	};

	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL) {
		printf("    !! guest %s 0x%llx: %s (result %u)\n", write ? "store" : "load",
		       addr, strerror(errno), a.result);
		failures++;
	}
	return a.data;
}

#define mmio_rd(v, gpa) ((__u32)gic_guest(v, KVM_EXT_ACCESS_MEM, gpa, 4, 0, 0))
#define mmio_wr(v, gpa, len, x) gic_guest(v, KVM_EXT_ACCESS_MEM, gpa, len, 1, x)
#define icc_rd(v, id) gic_guest(v, KVM_EXT_ACCESS_SYSREG, id, 8, 0, 0)
#define icc_wr(v, id, x) gic_guest(v, KVM_EXT_ACCESS_SYSREG, id, 8, 1, x)

static int gic_irq_line(int vm, __u32 type, __u32 vcpu, __u32 num, int level)
{
	struct kvm_irq_level l = {
		.irq = type << KVM_ARM_IRQ_TYPE_SHIFT | vcpu << KVM_ARM_IRQ_VCPU_SHIFT | num,
		.level = level,
	};
	int r = ioctl(vm, KVM_IRQ_LINE, &l);

	must(r == 0, "KVM_IRQ_LINE");
	return r;
}

/* As the guest: enable SPI `intid`, its priority, its route, edge or level. */
static void gic_guest_spi(int vcpu, __u32 intid, __u8 prio, __u32 route, int edge)
{
	__u64 icfgr = GICD_BASE + 0xc00 + intid / 16 * 4;
	__u32 cfg = mmio_rd(vcpu, icfgr) & ~(2u << 2 * (intid % 16));

	mmio_wr(vcpu, icfgr, 4, cfg | (edge ? 2u << 2 * (intid % 16) : 0));
	mmio_wr(vcpu, GICD_BASE + 0x400 + intid, 1, prio);		/* GICD_IPRIORITYR */
	mmio_wr(vcpu, GICD_BASE + 0x6000 + intid * 8ULL, 8, route);	/* GICD_IROUTER */
	mmio_wr(vcpu, GICD_BASE + 0x100 + intid / 32 * 4, 4, 1u << intid % 32); /* ISENABLER */
}

/* A vCPU and GICv3 VM as QEMU builds one: vCPUs first, then the GIC. */
static int gic_vm(int sys, int *vcpu, struct kvm_run **run, int *dev_out, int *ok)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	long size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	__u64 dist = GICD_BASE, redist = GICR_BASE;
	__u32 nr = GIC_NR_IRQS;
	int vm = ioctl(sys, KVM_CREATE_VM, 0), i, bad = 0;

	for (i = 0; i < GIC_VCPUS; i++) {
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };

		init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
		vcpu[i] = ioctl(vm, KVM_CREATE_VCPU, i);
		bad |= vcpu[i] < 0 || ioctl(vcpu[i], KVM_ARM_VCPU_INIT, &init);
		run[i] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[i], 0);
		bad |= run[i] == MAP_FAILED;
	}
	bad |= ioctl(vm, KVM_CREATE_DEVICE, &cd) != 0;
	*dev_out = cd.fd;
	bad |= gic_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) != 0;
	bad |= gic_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) != 0;
	bad |= gic_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr) != 0;
	bad |= gic_attr(cd.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
			KVM_DEV_ARM_VGIC_CTRL_INIT, NULL) != 0;
	must(!bad, "GICv3 VM: vCPUs, GRP_ADDR, NR_IRQS, CTRL_INIT");
	*ok = !bad;
	return vm;
}

/* KVM_RUN of an idle vCPU that has an interrupt to take: returns at once. */
static void gic_run(int vcpu, struct kvm_run *run, const char *who)
{
	struct itimerval it = { .it_value = { .tv_sec = 2 } }, off = { 0 };
	int r;

	setitimer(ITIMER_REAL, &it, NULL); /* a safety net: a wait would be a bug */
	r = ioctl(vcpu, KVM_RUN, 0);
	setitimer(ITIMER_REAL, &off, NULL);
	if (r || run->exit_reason != KVM_EXIT_EXT_INTERRUPT) {
		printf("    !! %s: KVM_RUN -> %d (%s), exit_reason %u\n", who, r,
		       r ? strerror(errno) : "ok", run->exit_reason);
		failures++;
	}
}

/* Acknowledge and EOI everything the vCPU would take, in order; returns how many. */
static int gic_take_all(int vm, int vcpu, __u32 *took, int max)
{
	int n = 0;

	for (;;) {
		__u32 intid = (__u32)icc_rd(vcpu, ICC_IAR1_EL1) & 0xffffff;

		if (intid == GIC_SPURIOUS || n == max)
			break;
		took[n++] = intid;
		if (intid == 43) /* the level SPI: its device drops the line */
			gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, 43, 0);
		icc_wr(vcpu, ICC_EOIR1_EL1, intid);
	}
	return n;
}

static void gic_add(struct gic_state *s, __u32 group, __u64 attr)
{
	if (s->n < GIC_MAX_REGS)
		s->r[s->n++] = (struct gic_reg){ .group = group, .attr = attr };
}

/*
 * Every register the GIC has, as KVM_HAS_DEVICE_ATTR reports it: each 32-bit
 * word of the distributor and of every redistributor (RD and SGI frames),
 * the ICC registers of each vCPU, and LEVEL_INFO for every 32 interrupts.
 */
static void gic_list(int dev, struct gic_state *s)
{
	static const __u64 icc[] = {
		ICC_PMR_EL1, ICC_BPR0_EL1, ICC_AP0R_EL1(0), ICC_AP0R_EL1(1), ICC_AP0R_EL1(2),
		ICC_AP0R_EL1(3), ICC_AP1R_EL1(0), ICC_AP1R_EL1(1), ICC_AP1R_EL1(2),
		ICC_AP1R_EL1(3), ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_SRE_EL1, ICC_IGRPEN0_EL1,
		ICC_IGRPEN1_EL1,
	};
	__u32 off, i, c;

	s->n = 0;
	for (off = 0; off < 0x10000; off += 4)
		if (!gic_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off, NULL))
			gic_add(s, KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off);
	for (c = 0; c < GIC_VCPUS; c++)
		for (off = 0; off < 0x20000; off += 4)
			if (!gic_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
				      GIC_MPIDR(c) | off, NULL))
				gic_add(s, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, GIC_MPIDR(c) | off);
	for (c = 0; c < GIC_VCPUS; c++)
		for (i = 0; i < sizeof(icc) / sizeof(icc[0]); i++)
			if (!gic_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
				      GIC_MPIDR(c) | (icc[i] & 0xffff), NULL))
				gic_add(s, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
					GIC_MPIDR(c) | (icc[i] & 0xffff));
	for (c = 0; c < GIC_VCPUS; c++) /* the private interrupts' lines */
		gic_add(s, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, GIC_MPIDR(c) | GIC_LEVEL_INFO(0));
	for (i = 32; i < GIC_NR_IRQS; i += 32)
		gic_add(s, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, GIC_LEVEL_INFO(i));
}

/*
 * Reads every listed register. A register the GIC lists but refuses to
 * read is dropped and counted: ICC_AP{0,1}R{1,2,3}_EL1 are -EINVAL with 5
 * priority bits (QEMU reads only as many as ICC_CTLR_EL1.PRIbits implies).
 */
static int gic_save(int dev, struct gic_state *s, int *refused)
{
	int i, j = 0, bad = 0, r;

	*refused = 0;
	for (i = 0; i < s->n; i++) {
		s->r[j] = s->r[i];
		r = gic_get(dev, s->r[i].group, s->r[i].attr, &s->r[j].val);
		if (r == -EINVAL && s->r[i].group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
			(*refused)++;
		else if (r)
			bad++;
		else
			j++;
	}
	s->n = j;
	return bad;
}

static int gic_count(const struct gic_state *s, __u32 group)
{
	int i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->r[i].group == group;
	return n;
}

static const struct gic_reg *gic_find(const struct gic_state *s, __u32 group, __u64 attr)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->r[i].group == group && s->r[i].attr == attr)
			return &s->r[i];
	return NULL;
}

struct gic_restore {
	int dev, sets, errors;
	const struct gic_state *s;
};

/* Writes the saved value of one register (or `val` when given). */
static void put(struct gic_restore *g, __u32 group, __u64 attr)
{
	const struct gic_reg *r = gic_find(g->s, group, attr);

	g->sets++;
	if (!r || gic_set(g->dev, group, attr, r->val)) {
		printf("    !! restore group %u attr 0x%llx: %s\n", group, attr,
		       r ? strerror(errno) : "not saved");
		g->errors++;
	}
}

static void put_val(struct gic_restore *g, __u32 group, __u64 attr, __u64 val)
{
	g->sets++;
	if (gic_set(g->dev, group, attr, val))
		g->errors++;
}

#define DIST KVM_DEV_ARM_VGIC_GRP_DIST_REGS
#define REDIST KVM_DEV_ARM_VGIC_GRP_REDIST_REGS
#define SYSREG KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS
#define LEVEL KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO

/* kvm_arm_gicv3_put()'s order (QEMU hw/intc/arm_gicv3_kvm.c). */
static void gic_restore(struct gic_restore *g)
{
	const struct gic_reg *typer = gic_find(g->s, REDIST, GIC_MPIDR(0) | 0x8);
	__u64 c, w, i;

	put(g, DIST, 0x0); /* GICD_CTLR */
	if (typer && (typer->val & 1)) /* GICR_TYPER.PLPIS: the LPI tables first */
		for (c = 0; c < GIC_VCPUS; c++)
			for (i = 0x70; i < 0x80; i += 4)
				put(g, REDIST, GIC_MPIDR(c) | i);
	for (c = 0; c < GIC_VCPUS; c++) {
		__u64 m = GIC_MPIDR(c);

		put(g, REDIST, m | 0x0);	/* GICR_CTLR */
		put(g, REDIST, m | 0x10);	/* GICR_STATUSR */
		put(g, REDIST, m | 0x14);	/* GICR_WAKER */
		put(g, REDIST, m | (GICR_SGI + 0x80));	/* GICR_IGROUPR0 */
		put_val(g, REDIST, m | (GICR_SGI + 0x180), ~0u);	/* GICR_ICENABLER0 */
		put(g, REDIST, m | (GICR_SGI + 0x100));	/* GICR_ISENABLER0 */
		put(g, REDIST, m | (GICR_SGI + 0xc04));	/* GICR_ICFGR1: config before pending */
		put(g, LEVEL, m | GIC_LEVEL_INFO(0));
		put_val(g, REDIST, m | (GICR_SGI + 0x280), ~0u);	/* GICR_ICPENDR0 */
		put(g, REDIST, m | (GICR_SGI + 0x200));	/* GICR_ISPENDR0 */
		put_val(g, REDIST, m | (GICR_SGI + 0x380), ~0u);	/* GICR_ICACTIVER0 */
		put(g, REDIST, m | (GICR_SGI + 0x300));	/* GICR_ISACTIVER0 */
		for (i = 0; i < 32; i += 4)
			put(g, REDIST, m | (GICR_SGI + 0x400 + i));	/* GICR_IPRIORITYR */
	}
	put(g, DIST, 0x10); /* GICD_STATUSR */
	for (w = 1; w < GIC_NR_IRQS / 32; w++) {	/* GICD_ISENABLER (SPIs) */
		put_val(g, DIST, 0x180 + 4 * w, ~0u);
		put(g, DIST, 0x100 + 4 * w);
	}
	for (w = 1; w < GIC_NR_IRQS / 32; w++)	/* GICD_IGROUPR */
		put(g, DIST, 0x80 + 4 * w);
	for (i = 32; i < GIC_NR_IRQS; i++) {	/* GICD_IROUTER: targets before pending */
		put(g, DIST, 0x6000 + 8 * i);
		put(g, DIST, 0x6000 + 8 * i + 4);
	}
	for (w = 2; w < GIC_NR_IRQS / 16; w++)	/* GICD_ICFGR: config before pending */
		put(g, DIST, 0xc00 + 4 * w);
	for (i = 32; i < GIC_NR_IRQS; i += 32)
		put(g, LEVEL, GIC_LEVEL_INFO(i));
	for (w = 1; w < GIC_NR_IRQS / 32; w++) {	/* GICD_ISPENDR */
		put_val(g, DIST, 0x280 + 4 * w, ~0u);
		put(g, DIST, 0x200 + 4 * w);
	}
	for (w = 1; w < GIC_NR_IRQS / 32; w++) {	/* GICD_ISACTIVER */
		put_val(g, DIST, 0x380 + 4 * w, ~0u);
		put(g, DIST, 0x300 + 4 * w);
	}
	for (i = 32; i < GIC_NR_IRQS; i += 4)	/* GICD_IPRIORITYR */
		put(g, DIST, 0x400 + i);
	for (c = 0; c < GIC_VCPUS; c++) {
		__u64 m = GIC_MPIDR(c);
		const struct gic_reg *ctlr = gic_find(g->s, SYSREG, m | (ICC_CTLR_EL1 & 0xffff));
		int pri_bits = ctlr ? (int)((ctlr->val >> 8) & 7) + 1 : 5;
		int n = pri_bits == 7 ? 4 : pri_bits == 6 ? 2 : 1, k;

		put(g, SYSREG, m | (ICC_SRE_EL1 & 0xffff));
		put(g, SYSREG, m | (ICC_CTLR_EL1 & 0xffff));
		put(g, SYSREG, m | (ICC_IGRPEN0_EL1 & 0xffff));
		put(g, SYSREG, m | (ICC_IGRPEN1_EL1 & 0xffff));
		put(g, SYSREG, m | (ICC_PMR_EL1 & 0xffff));
		put(g, SYSREG, m | (ICC_BPR0_EL1 & 0xffff));
		put(g, SYSREG, m | (ICC_BPR1_EL1 & 0xffff));
		for (k = n - 1; k >= 0; k--)
			put(g, SYSREG, m | (ICC_AP0R_EL1(k) & 0xffff));
		for (k = n - 1; k >= 0; k--)
			put(g, SYSREG, m | (ICC_AP1R_EL1(k) & 0xffff));
	}
}

static const char *gic_group_name(__u32 group)
{
	switch (group) {
	case DIST:
		return "DIST";
	case REDIST:
		return "REDIST";
	case SYSREG:
		return "CPU_SYSREGS";
	case LEVEL:
		return "LEVEL_INFO";
	}
	return "?";
}

static void print_took(const char *who, const __u32 *took, int n)
{
	int i;

	printf("    %s took", who);
	for (i = 0; i < n; i++)
		printf("%s %s %u", i ? "," : "", took[i] < 16 ? "SGI" : took[i] < 32 ? "PPI" : "SPI",
		       took[i]);
	printf("%s\n", n ? "" : " nothing");
}

static void gicv3_round(int sys)
{
	/* What each vCPU takes, in priority order: SGIs (priority 0), then its SPI. */
	static const __u32 expect[GIC_VCPUS][2] = { { 2, 43 }, { 1, 40 }, { 1, 41 }, { 1, 42 } };
	static struct gic_state saved;
	struct kvm_run *run[GIC_VCPUS], *run2[GIC_VCPUS];
	int vcpu[GIC_VCPUS], vcpu2[GIC_VCPUS], vm, vm2, dev, dev2, i, diffs = 0, refused, ok;
	struct gic_restore g;
	char who[96];
	__u32 took[8];
	long size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);

	printf("    -- GICv3: %d vCPUs, %d interrupts, distributor 0x%llx, redistributors 0x%llx\n",
	       GIC_VCPUS, GIC_NR_IRQS, GICD_BASE, GICR_BASE);
	vm = gic_vm(sys, vcpu, run, &dev, &ok);
	printf("    KVM_CREATE_DEVICE(ARM_VGIC_V3), GRP_ADDR DIST/REDIST, NR_IRQS %d, CTRL_INIT: %s\n",
	       GIC_NR_IRQS, ok ? "ok" : "FAILED");
	run[0]->immediate_exit = 1;
	must(xioctl(vcpu[0], KVM_RUN, 0, "KVM_RUN (immediate_exit: frames mapped)") == -EINTR,
	     "the first KVM_RUN maps the GIC frames");
	run[0]->immediate_exit = 0;

	/* The guest brings the GIC up. */
	printf("    guest: GICD_TYPER 0x%x (%u interrupts); GICD_CTLR.EnableGrp1; PMR 0xf0 and "
	       "IGRPEN1 on each vCPU\n", mmio_rd(vcpu[0], GICD_BASE + 0x4),
	       ((mmio_rd(vcpu[0], GICD_BASE + 0x4) & 0x1f) + 1) * 32);
	mmio_wr(vcpu[0], GICD_BASE + 0x0, 4, 0x2);
	for (i = 0; i < GIC_VCPUS; i++) {
		icc_wr(vcpu[i], ICC_PMR_EL1, 0xf0);
		icc_wr(vcpu[i], ICC_IGRPEN1_EL1, 1);
	}
	gic_guest_spi(vcpu[0], 40, 0xa0, 1, 1);
	gic_guest_spi(vcpu[0], 41, 0xa0, 2, 1);
	gic_guest_spi(vcpu[0], 42, 0xa0, 3, 1);
	gic_guest_spi(vcpu[0], 43, 0x80, 0, 0);
	printf("    guest: SPIs 40, 41, 42 (edge) routed to vCPUs 1, 2, 3; SPI 43 (level) to vCPU 0\n");

	/* The VMM's devices raise the SPIs; the vCPUs send SGIs. */
	for (i = 40; i <= 42; i++) {
		gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, i, 1);
		gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, i, 0);
	}
	gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, 43, 1);
	icc_wr(vcpu[0], ICC_SGI1R_EL1, 1ULL << 24 | 0xe); /* SGI 1 to Aff0 1, 2, 3 */
	icc_wr(vcpu[3], ICC_SGI1R_EL1, 2ULL << 24 | 0x1); /* SGI 2 to Aff0 0 */
	printf("    KVM_IRQ_LINE: SPIs 40-42 pulsed, 43 raised; ICC_SGI1R_EL1: SGI 1 from vCPU 0 "
	       "to 1-3, SGI 2 from vCPU 3 to 0\n");
	for (i = 0; i < GIC_VCPUS; i++) {
		int n;

		snprintf(who, sizeof(who), "vCPU %d", i);
		gic_run(vcpu[i], run[i], who);
		n = gic_take_all(vm, vcpu[i], took, 8);
		snprintf(who, sizeof(who), "vCPU %d: KVM_RUN -> exit 0x%x (EXT_INTERRUPT);", i,
			 run[i]->exit_reason);
		print_took(who, took, n);
		must(n == 2 && took[0] == expect[i][0] && took[1] == expect[i][1],
		     "each vCPU takes its SGI, then its SPI, then nothing (IAR 1023)");
	}

	/* State for the snapshot: some pending, one active, non-default ICC state. */
	gic_guest_spi(vcpu[0], 44, 0x90, 1, 0);
	gic_guest_spi(vcpu[0], 45, 0x60, 2, 1);
	gic_guest_spi(vcpu[0], 46, 0x70, 3, 1);
	mmio_wr(vcpu[0], GICD_BASE + 0x180 + 46 / 32 * 4, 4, 1u << 46 % 32); /* 46 disabled */
	mmio_wr(vcpu[0], GICR_BASE + GICR_SGI + 0x400 + 27, 1, 0xa0);	/* PPI 27 on vCPU 0 */
	mmio_wr(vcpu[0], GICR_BASE + GICR_SGI + 0x100, 4, 1u << 27);
	gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, 44, 1);
	gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, 45, 1);
	gic_irq_line(vm, KVM_ARM_IRQ_TYPE_SPI, 0, 46, 1);
	gic_irq_line(vm, KVM_ARM_IRQ_TYPE_PPI, 0, 27, 1);
	icc_wr(vcpu[1], ICC_SGI1R_EL1, 7ULL << 24 | 1u << 3); /* SGI 7 to vCPU 3 */
	must(icc_rd(vcpu[2], ICC_IAR1_EL1) == 45, "vCPU 2 acknowledges SPI 45");
	icc_wr(vcpu[0], ICC_BPR1_EL1, 4);
	icc_wr(vcpu[3], ICC_CTLR_EL1, 2); /* EOImode */
	printf("    left: SPI 44 (level, high) pending on vCPU 1, SPI 46 pending but disabled, "
	       "SGI 7 pending on vCPU 3,\n          PPI 27 (level, high) on vCPU 0; SPI 45 "
	       "active on vCPU 2 (ICC_RPR_EL1 0x%llx)\n", icc_rd(vcpu[2], ICC_RPR_EL1));

	/* Snapshot: every register the attribute groups have. */
	gic_list(dev, &saved);
	must(gic_save(dev, &saved, &refused) == 0, "every listed GIC register read");
	printf("    snapshot (every register KVM_HAS_DEVICE_ATTR lists): %d DIST words, %d REDIST "
	       "words (%d per vCPU),\n          %d ICC registers (%d per vCPU; AP{0,1}R{1,2,3}: "
	       "EINVAL, 5 priority bits), %d LEVEL_INFO words\n", gic_count(&saved, DIST),
	       gic_count(&saved, REDIST), gic_count(&saved, REDIST) / GIC_VCPUS,
	       gic_count(&saved, SYSREG), gic_count(&saved, SYSREG) / GIC_VCPUS,
	       gic_count(&saved, LEVEL));
	must(refused == 6 * GIC_VCPUS, "only AP{0,1}R0 of the APRs with 5 priority bits");

	/* Restore into a fresh VM, in QEMU's order, and compare everything. */
	vm2 = gic_vm(sys, vcpu2, run2, &dev2, &ok);
	g = (struct gic_restore){ .dev = dev2, .s = &saved };
	gic_restore(&g);
	for (i = 0; i < saved.n; i++) {
		const struct gic_reg *r = &saved.r[i];
		__u64 v;

		if ((gic_get(dev2, r->group, r->attr, &v) || v != r->val) && diffs++ < 5)
			printf("    !! %s 0x%llx: saved 0x%llx, restored 0x%llx\n",
			       gic_group_name(r->group), r->attr, r->val, v);
	}
	printf("    restore (QEMU's order): %d KVM_SET_DEVICE_ATTR, %d failed; %d registers "
	       "compared: %d differences -> %s\n", g.sets, g.errors, saved.n, diffs,
	       g.errors || diffs ? "MISMATCH" : "identical");
	must(g.errors == 0 && diffs == 0, "GIC state restored identically");

	/* The restored GIC is live: vCPU 1's pending SPI 44 wakes it. */
	gic_run(vcpu2[1], run2[1], "restored vCPU 1");
	i = (int)icc_rd(vcpu2[1], ICC_IAR1_EL1);
	printf("    restored VM: vCPU 1 KVM_RUN -> exit 0x%x, ICC_IAR1_EL1 = %d; vCPU 2 "
	       "ICC_RPR_EL1 = 0x%llx (SPI 45 still active)\n", run2[1]->exit_reason, i,
	       icc_rd(vcpu2[2], ICC_RPR_EL1));
	must(i == 44, "the restored pending SPI is delivered");

	for (i = 0; i < GIC_VCPUS; i++) {
		munmap(run[i], size);
		munmap(run2[i], size);
		close(vcpu[i]);
		close(vcpu2[i]);
	}
	close(dev);
	close(dev2);
	close(vm);
	close(vm2);
}

/*
 * An ITS (devices/arm-vgic-its.rst) in a GICv3 VM. The demo, as the guest
 * driver, gives the ITS its tables and queue and maps 8 devices x 4 MSIs
 * onto collections on the 4 vCPUs with MAPC/MAPD/MAPTI; the VMM injects
 * them (KVM_SIGNAL_MSI) and the guest takes each LPI on the vCPU it was
 * routed to. Then a migration: some MSIs left pending, SAVE_PENDING_TABLES
 * and ITS SAVE_TABLES, the dirty log showing the table pages, and a fresh
 * VM restored in the document's order (redistributors, ITS base, CBASER,
 * the other registers, RESTORE_TABLES, CTLR) that takes the same pending
 * LPIs and translates every MSI the same way.
 */
#define ITS_BASE 0x08080000ULL
#define ITS_RAM_GPA 0x50000000ULL
#define ITS_RAM_SIZE (4ULL << 20)
#define ITS_DEVS 8
#define ITS_EVENTS 4
#define ITS_PROP 0x0			       /* LPI configuration, 64 KiB */
#define ITS_PEND(i) (0x10000 + (i) * 0x10000ULL) /* pending tables */
#define ITS_DT 0x100000
#define ITS_CT 0x110000
#define ITS_CQ 0x120000
#define ITS_ITT(d) (0x130000 + (d) * 0x100ULL)
#define ITS_LPI(d, e) (8192 + (d) * ITS_EVENTS + (e))
#define ITS_DEVID(d) (0x100 + (d) * 8) /* PCI requester IDs of 00:01.0, 00:02.0, ... */
#define ITS_TARGET(d, e) (((d) + (e)) % GIC_VCPUS)

struct its_vm {
	int vm, gic, its, vcpu[GIC_VCPUS];
	struct kvm_run *run[GIC_VCPUS];
	unsigned char *ram;
	__u64 cwriter;
};

static void its_put64(unsigned char *p, __u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static int its_reg(int its, unsigned long op, __u64 off, __u64 *v)
{
	return gic_attr(its, op, KVM_DEV_ARM_VGIC_GRP_ITS_REGS, off, v);
}

/* A GICv3 VM with guest RAM (dirty logged) and an ITS at ITS_BASE. */
static int its_vm_new(int sys, struct its_vm *v, unsigned char *ram)
{
	struct kvm_userspace_memory_region mr = {
		.slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES, .guest_phys_addr = ITS_RAM_GPA,
		.memory_size = ITS_RAM_SIZE, .userspace_addr = (unsigned long)ram,
	};
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	__u64 base = ITS_BASE;
	int ok;

	memset(v, 0, sizeof(*v));
	v->ram = ram;
	v->vm = gic_vm(sys, v->vcpu, v->run, &v->gic, &ok);
	ok &= ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &mr) == 0;
	ok &= ioctl(v->vm, KVM_CREATE_DEVICE, &cd) == 0;
	v->its = cd.fd;
	ok &= gic_attr(v->its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_ITS_ADDR_TYPE, &base) == 0;
	v->run[0]->immediate_exit = 1;
	ok &= ioctl(v->vcpu[0], KVM_RUN, 0) == -1 && errno == EINTR;
	v->run[0]->immediate_exit = 0;
	must(ok, "ITS VM: guest RAM, KVM_CREATE_DEVICE(ARM_VGIC_ITS), GRP_ADDR, first KVM_RUN");
	return ok;
}

static void its_cmd(struct its_vm *v, __u64 d0, __u64 d1, __u64 d2)
{
	unsigned char *q = v->ram + ITS_CQ + v->cwriter;

	its_put64(q, d0);
	its_put64(q + 8, d1);
	its_put64(q + 16, d2);
	its_put64(q + 24, 0);
	v->cwriter += 32;
}

static int its_msi(int vm, __u32 devid, __u32 event)
{
	struct kvm_msi m = {
		.address_lo = (__u32)(ITS_BASE + 0x10040), /* GITS_TRANSLATER */
		.data = event, .flags = KVM_MSI_VALID_DEVID, .devid = devid,
	};

	return ioctl(vm, KVM_SIGNAL_MSI, &m);
}

static __u32 its_ack(int vcpu)
{
	__u32 intid = (__u32)icc_rd(vcpu, ICC_IAR1_EL1);

	if (intid != GIC_SPURIOUS)
		icc_wr(vcpu, ICC_EOIR1_EL1, intid);
	return intid;
}

/* Every MSI once: the LPI on its vCPU; returns how many were wrong. */
static int its_check_all(struct its_vm *v)
{
	int d, e, bad = 0;

	for (d = 0; d < ITS_DEVS; d++)
		for (e = 0; e < ITS_EVENTS; e++)
			bad += its_msi(v->vm, ITS_DEVID(d), e) != 1 ||
			       its_ack(v->vcpu[ITS_TARGET(d, e)]) != (__u32)ITS_LPI(d, e);
	return bad;
}

/* The highest pending interrupt on a vCPU, waited for up to a second. */
static __u32 irqfd_wait(int vcpu, __u32 want)
{
	__u32 intid = GIC_SPURIOUS;
	int ms;

	for (ms = 0; ms < 1000 && intid != want; ms++) {
		intid = (__u32)icc_rd(vcpu, ICC_HPPIR1_EL1);
		if (intid != want)
			usleep(1000);
	}
	return intid;
}

/*
 * virtio's notifications the other way round: the VMM's device model
 * writes an eventfd and the guest takes an interrupt, without an ioctl.
 * GSI 0 is routed to an SPI, GSI 1 to an MSI the ITS translates (QEMU's
 * virtio-pci MSI-X vector); each eventfd is an irqfd on its GSI.
 */
static void irqfd_step(struct its_vm *a)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[2];
	} r = { .hdr.nr = 2 };
	struct kvm_irqfd fd0 = { .gsi = 0 }, fd1 = { .gsi = 1 };
	int spi_fd = eventfd(0, EFD_CLOEXEC), msi_fd = eventfd(0, EFD_CLOEXEC);
	const __u32 lpi = ITS_LPI(2, 1), target = ITS_TARGET(2, 1);
	__u64 one = 1;
	__u32 got_spi, got_lpi;

	r.e[0].gsi = 0;
	r.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	r.e[0].u.irqchip.pin = 40 - 32;
	r.e[1].gsi = 1;
	r.e[1].type = KVM_IRQ_ROUTING_MSI;
	r.e[1].flags = KVM_MSI_VALID_DEVID;
	r.e[1].u.msi.address_lo = (__u32)(ITS_BASE + 0x10040);
	r.e[1].u.msi.data = 1;
	r.e[1].u.msi.devid = ITS_DEVID(2);
	gic_guest_spi(a->vcpu[0], 40, 0xa0, 0, 1);
	fd0.fd = (__u32)spi_fd;
	fd1.fd = (__u32)msi_fd;
	must(spi_fd >= 0 && msi_fd >= 0 && ioctl(a->vm, KVM_SET_GSI_ROUTING, &r) == 0 &&
	     ioctl(a->vm, KVM_IRQFD, &fd0) == 0 && ioctl(a->vm, KVM_IRQFD, &fd1) == 0,
	     "KVM_SET_GSI_ROUTING (SPI 40, an ITS MSI) and two KVM_IRQFDs");
	must(write(spi_fd, &one, sizeof(one)) == sizeof(one), "eventfd write");
	got_spi = irqfd_wait(a->vcpu[0], 40);
	its_ack(a->vcpu[0]);
	must(write(msi_fd, &one, sizeof(one)) == sizeof(one), "eventfd write");
	got_lpi = irqfd_wait(a->vcpu[target], lpi);
	its_ack(a->vcpu[target]);
	printf("    irqfd: eventfd write on GSI 0 -> SPI %u on vCPU 0; on GSI 1 -> LPI %u on vCPU %u "
	       "(through the ITS)\n", got_spi, got_lpi, target);
	must(got_spi == 40 && got_lpi == lpi, "eventfd writes arrive as the SPI and the LPI");
	fd0.flags = fd1.flags = KVM_IRQFD_FLAG_DEASSIGN;
	must(ioctl(a->vm, KVM_IRQFD, &fd0) == 0 && ioctl(a->vm, KVM_IRQFD, &fd1) == 0,
	     "irqfds deassigned");
	close(spi_fd);
	close(msi_fd);
}

static void its_round(int sys)
{
	static const __u64 regs[] = { 0x80 /* CBASER */, 0x4 /* IIDR */, 0x88 /* CWRITER */,
				      0x90 /* CREADR */, 0x100, 0x108 /* BASER0/1 */ };
	__u64 saved[6], ctlr = 0, dirty[ITS_RAM_SIZE / 4096 / 64] = { 0 }, val;
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = dirty };
	unsigned char *ram = mmap(NULL, ITS_RAM_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *ram2 = mmap(NULL, ITS_RAM_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	int d, e, i, k, bad, pending = 0, pages = 0;
	__u32 got[GIC_VCPUS][ITS_DEVS * ITS_EVENTS];
	int ngot[GIC_VCPUS] = { 0 };
	struct its_vm a, b;

	printf("    -- ITS at 0x%llx: %d devices x %d MSIs over %d vCPUs\n", ITS_BASE, ITS_DEVS,
	       ITS_EVENTS, GIC_VCPUS);
	if (ram == MAP_FAILED || ram2 == MAP_FAILED || !its_vm_new(sys, &a, ram)) {
		must(0, "ITS VM");
		return;
	}
	/* The guest: LPIs on every redistributor, then the ITS's tables and queue. */
	mmio_wr(a.vcpu[0], GICD_BASE, 4, 0x2);
	memset(ram + ITS_PROP, 0xa1, ITS_DEVS * ITS_EVENTS); /* priority 0xa0, enabled */
	for (i = 0; i < GIC_VCPUS; i++) {
		__u64 rd = GICR_BASE + i * 0x20000ULL;

		icc_wr(a.vcpu[i], ICC_PMR_EL1, 0xff);
		icc_wr(a.vcpu[i], ICC_IGRPEN1_EL1, 1);
		mmio_wr(a.vcpu[i], rd + 0x70, 8, ITS_RAM_GPA + ITS_PROP + 15); /* PROPBASER, 16 bits */
		mmio_wr(a.vcpu[i], rd + 0x78, 8, ITS_RAM_GPA + ITS_PEND(i));   /* PENDBASER */
		mmio_wr(a.vcpu[i], rd, 4, 1);				       /* EnableLPIs */
	}
	mmio_wr(a.vcpu[0], ITS_BASE + 0x100, 8, 1ULL << 63 | (ITS_RAM_GPA + ITS_DT));
	mmio_wr(a.vcpu[0], ITS_BASE + 0x108, 8, 1ULL << 63 | (ITS_RAM_GPA + ITS_CT));
	mmio_wr(a.vcpu[0], ITS_BASE + 0x80, 8, 1ULL << 63 | (ITS_RAM_GPA + ITS_CQ) | 15);
	mmio_wr(a.vcpu[0], ITS_BASE, 4, 1);
	for (i = 0; i < GIC_VCPUS; i++)
		its_cmd(&a, 0x09, 0, 1ULL << 63 | (__u64)i << 16 | i); /* MAPC i -> vCPU i */
	for (d = 0; d < ITS_DEVS; d++) {
		its_cmd(&a, 0x08 | (__u64)ITS_DEVID(d) << 32, 1, /* MAPD, 2 EventID bits */
			1ULL << 63 | (ITS_RAM_GPA + ITS_ITT(d)));
		for (e = 0; e < ITS_EVENTS; e++) /* MAPTI */
			its_cmd(&a, 0x0a | (__u64)ITS_DEVID(d) << 32,
				e | (__u64)ITS_LPI(d, e) << 32, ITS_TARGET(d, e));
	}
	its_cmd(&a, 0x05, 0, 0); /* SYNC */
	mmio_wr(a.vcpu[0], ITS_BASE + 0x88, 8, a.cwriter);
	printf("    guest: %llu commands queued; GITS_CREADR 0x%llx, GITS_CTLR 0x%x\n",
	       a.cwriter / 32, gic_guest(a.vcpu[0], KVM_EXT_ACCESS_MEM, ITS_BASE + 0x90, 8, 0, 0),
	       mmio_rd(a.vcpu[0], ITS_BASE));
	bad = its_check_all(&a);
	printf("    KVM_SIGNAL_MSI x %d, each LPI taken on its vCPU (ICC_IAR1_EL1): %d wrong\n",
	       ITS_DEVS * ITS_EVENTS, bad);
	must(bad == 0, "every MSI translated and delivered");
	irqfd_step(&a);

	/* Migration: some MSIs left pending; the VMM stops and saves. */
	for (d = 0; d < ITS_DEVS; d++)
		for (e = 0; e < ITS_EVENTS; e++)
			if ((d + e) % 3 == 0)
				pending += its_msi(a.vm, ITS_DEVID(d), e) == 1;
	ioctl(a.vm, KVM_GET_DIRTY_LOG, &log); /* from here on */
	memset(dirty, 0, sizeof(dirty));
	must(gic_attr(a.gic, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		      KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES, NULL) == 0, "SAVE_PENDING_TABLES");
	must(gic_attr(a.its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		      KVM_DEV_ARM_ITS_SAVE_TABLES, NULL) == 0, "ITS SAVE_TABLES");
	must(ioctl(a.vm, KVM_GET_DIRTY_LOG, &log) == 0, "KVM_GET_DIRTY_LOG");
	for (k = 0; k < (int)(sizeof(dirty) / sizeof(dirty[0])); k++)
		pages += __builtin_popcountll(dirty[k]);
	printf("    %d MSIs left pending; SAVE_PENDING_TABLES, SAVE_TABLES: %d guest pages dirty "
	       "(DTE 0x%llx, ITE 0x%llx)\n", pending, pages,
	       *(unsigned long long *)(ram + ITS_DT + ITS_DEVID(0) * 8),
	       *(unsigned long long *)(ram + ITS_ITT(0)));
	must(pages >= 1 + 1 + 1 + 1, "the table pages are in the dirty log");
	for (k = 0; k < 6; k++)
		must(its_reg(a.its, KVM_GET_DEVICE_ATTR, regs[k], &saved[k]) == 0, "GITS_* saved");
	must(its_reg(a.its, KVM_GET_DEVICE_ATTR, 0, &ctlr) == 0, "GITS_CTLR saved");

	/* The destination: RAM copied, redistributors, ITS in the document's order. */
	memcpy(ram2, ram, ITS_RAM_SIZE);
	if (!its_vm_new(sys, &b, ram2))
		goto out;
	mmio_wr(b.vcpu[0], GICD_BASE, 4, 0x2);
	for (i = 0; i < GIC_VCPUS; i++) {
		__u64 rd = GIC_MPIDR(i);

		icc_wr(b.vcpu[i], ICC_PMR_EL1, 0xff);
		icc_wr(b.vcpu[i], ICC_IGRPEN1_EL1, 1);
		for (k = 0x70; k < 0x80; k += 4) {
			gic_get(a.gic, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, rd | k, &val);
			must(gic_set(b.gic, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, rd | k, val) == 0,
			     "PROPBASER/PENDBASER restored");
		}
		gic_get(a.gic, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, rd, &val);
		must(gic_set(b.gic, KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, rd, val) == 0,
		     "GICR_CTLR restored");
	}
	for (k = 0; k < 6; k++)
		must(its_reg(b.its, KVM_SET_DEVICE_ATTR, regs[k], &saved[k]) == 0, "GITS_* restored");
	must(gic_attr(b.its, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		      KVM_DEV_ARM_ITS_RESTORE_TABLES, NULL) == 0, "ITS RESTORE_TABLES");
	must(its_reg(b.its, KVM_SET_DEVICE_ATTR, 0, &ctlr) == 0, "GITS_CTLR restored");
	for (i = 0; i < GIC_VCPUS; i++)
		while (ngot[i] < ITS_DEVS * ITS_EVENTS &&
		       (got[i][ngot[i]] = its_ack(b.vcpu[i])) != GIC_SPURIOUS)
			ngot[i]++;
	printf("    restored VM: pending LPIs taken per vCPU: %d %d %d %d (first on vCPU 0: %u)\n",
	       ngot[0], ngot[1], ngot[2], ngot[3], ngot[0] ? got[0][0] : 0);
	must(ngot[0] + ngot[1] + ngot[2] + ngot[3] == pending, "the pending LPIs came along");
	bad = its_check_all(&b);
	printf("    restored VM: KVM_SIGNAL_MSI x %d: %d translated differently\n",
	       ITS_DEVS * ITS_EVENTS, bad);
	must(bad == 0, "the same translations after the restore");
	for (i = 0; i < GIC_VCPUS; i++) {
		munmap(b.run[i], size);
		close(b.vcpu[i]);
	}
	close(b.its);
	close(b.gic);
	close(b.vm);
out:
	for (i = 0; i < GIC_VCPUS; i++) {
		munmap(a.run[i], size);
		close(a.vcpu[i]);
	}
	close(a.its);
	close(a.gic);
	close(a.vm);
	munmap(ram, ITS_RAM_SIZE);
	munmap(ram2, ITS_RAM_SIZE);
}

/*
 * The VM's and vCPU 0's statistics (api.rst 4.133 KVM_GET_STATS_FD), read
 * by the small reader in kvm_stats.c as a VMM would: the unbacked store
 * above was an MMIO exit to the VMM, the RAM store a dirty-logged page.
 */
static void stats_step(const char *arch, int vm, int vcpu)
{
	const char *mmio = strcmp(arch, "ppc") ? "mmio_exit_user" : "mmio_exits";
	int vfd, cfd;

	printf("    -- stats fd read by a small reader\n");
	vfd = xioctl(vm, KVM_GET_STATS_FD, 0, "KVM_GET_STATS_FD(VM)");
	cfd = xioctl(vcpu, KVM_GET_STATS_FD, 0, "KVM_GET_STATS_FD(vCPU 0)");
	must(vfd >= 0 && cfd >= 0, "stats fds");
	if (vfd < 0 || cfd < 0)
		goto out;
	must(kvm_stats_print(vfd, "    vm: ", stdout) == 0, "VM stats read");
	must(kvm_stats_print(cfd, "    vcpu 0: ", stdout) == 0, "vCPU stats read");
	must(kvm_stats_value(cfd, mmio) >= 1, "the MMIO exit counted");
	must(kvm_stats_value(vfd, "dirty_pages_logged") >= 1, "the logged store counted");
out:
	if (vfd >= 0)
		close(vfd);
	if (cfd >= 0)
		close(cfd);
}

static void demo(const char *node)
{
	const char *arch = strrchr(node, '/') ? strrchr(node, '/') + 1 : node;
	int sys, vm, vcpu[2], dev, i;
	long mmap_size;
	struct kvm_run *run;
	unsigned char *ram;

	printf("== %s (%s)\n", node, arch);
	sys = open(node, O_RDWR | O_CLOEXEC);
	if (sys < 0) {
		printf("    open: %s\n", strerror(errno));
		failures++;
		return;
	}
	must(xioctl(sys, KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION") == 12, "API 12");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS, "KVM_CHECK_EXTENSION(MAX_VCPUS)");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS, "KVM_CHECK_EXTENSION(NR_MEMSLOTS)");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM, "KVM_CHECK_EXTENSION(READONLY_MEM)");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE,
	       "KVM_CHECK_EXTENSION(ARM_VM_IPA_SIZE)");
	mmap_size = xioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");

	vm = xioctl(sys, KVM_CREATE_VM, 0, "KVM_CREATE_VM(0)");
	must(vm >= 0, "VM created");
	if (vm < 0)
		goto out_sys;

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region mem = {
		.slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES,
		.guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)ram,
	};
	must(xioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mem,
		    "KVM_SET_USER_MEMORY_REGION(slot 0, 2 MiB, log)") == 0, "RAM slot");

	for (i = 0; i < 2; i++) {
		char what[48];

		snprintf(what, sizeof(what), "KVM_CREATE_VCPU(%d)", i);
		vcpu[i] = xioctl(vm, KVM_CREATE_VCPU, i, what);
		must(vcpu[i] >= 0, "vCPU created");
	}
	must(xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU(0) again") == -EEXIST,
	     "duplicate id is EEXIST");

	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO, .flags = KVM_CREATE_DEVICE_TEST };

	must(xioctl(vm, KVM_CREATE_DEVICE, (unsigned long)&cd,
		    "KVM_CREATE_DEVICE(VFIO, TEST)") == 0, "VFIO type exists");
	cd.flags = 0;
	must(xioctl(vm, KVM_CREATE_DEVICE, (unsigned long)&cd, "KVM_CREATE_DEVICE(VFIO)") == 0,
	     "VFIO created");
	dev = cd.fd;
	struct kvm_device_attr attr = { .group = KVM_DEV_VFIO_GROUP,
					.attr = KVM_DEV_VFIO_GROUP_ADD };

	must(xioctl(dev, KVM_HAS_DEVICE_ATTR, (unsigned long)&attr,
		    "KVM_HAS_DEVICE_ATTR(VFIO_GROUP_ADD)") == 0, "VFIO attr");

	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[0], 0);
	must(run != MAP_FAILED, "kvm_run mapped");
	if (run != MAP_FAILED) {
		guest_access(vcpu[0], run, KVM_EXT_ACCESS_WRITE, RAM_GPA + 0x1000, 8,
			     0x0123456789abcdefULL);
		printf("    VMM sees RAM[0x1000] = 0x%llx\n",
		       *(unsigned long long *)(ram + 0x1000));
		must(*(unsigned long long *)(ram + 0x1000) == 0x0123456789abcdefULL,
		     "store reached RAM");
		guest_access(vcpu[0], run, 0, RAM_GPA + 0x1000, 4, 0);
		guest_access(vcpu[0], run, KVM_EXT_ACCESS_WRITE, 0x09000000, 4, 0x41);
		must(run->exit_reason == KVM_EXIT_MMIO, "unbacked store exits MMIO");

		if (strcmp(arch, "arm64") == 0) {
			dirty_log_round(vm, vcpu[0], run);
			arm64_snapshot_round(sys);
			gicv3_round(sys);
			its_round(sys);
			failures += vmm_loop_demo(sys);
		}

		if (strcmp(arch, "ppc") == 0) {
			/* book3s HV runs only PAPR vCPUs: a pseries VMM enables it first */
			struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };

			must(xioctl(vcpu[0], KVM_ENABLE_CAP, (unsigned long)&papr,
				    "KVM_ENABLE_CAP(vCPU 0, PPC_PAPR)") == 0, "PAPR mode");
			failures += xics_demo(sys, "power8");
			failures += xics_demo(sys, "power9");
			failures += xive_demo(sys);
			failures += mpic_demo(sys);
		}
		if (strcmp(arch, "s390") == 0)
			failures += s390_demo(sys);
		run->immediate_exit = 1;
		xioctl(vcpu[0], KVM_RUN, 0, "KVM_RUN (immediate_exit)");
		run->immediate_exit = 0;
		/* The idle guest runs until a signal: SIGALRM in 100 ms. */
		struct itimerval it = { .it_value = { .tv_usec = 100000 } };

		setitimer(ITIMER_REAL, &it, NULL);
		if (xioctl(vcpu[0], KVM_RUN, 0, "KVM_RUN (until SIGALRM)") == -EINTR)
			must(run->exit_reason == KVM_EXIT_INTR, "signal exits with KVM_EXIT_INTR");
		printf("    kvm_run exit_reason %u%s\n", run->exit_reason,
		       run->exit_reason == KVM_EXIT_INTR ? " (KVM_EXIT_INTR)" : "");
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		if (strcmp(arch, "arm64") == 0)
			printf("    (arm64 refuses KVM_RUN before KVM_ARM_VCPU_INIT: ENOEXEC, as KVM)\n");
		stats_step(arch, vm, vcpu[0]);
		munmap(run, mmap_size);
	}

	close(dev);
	for (i = 0; i < 2; i++)
		if (vcpu[i] >= 0)
			close(vcpu[i]);
	close(vm);
	munmap(ram, RAM_SIZE);
out_sys:
	close(sys);
}

int main(int argc, char **argv)
{
	static const char *const nodes[] = {
		"/dev/kvm_ext/arm64", "/dev/kvm_ext/ppc", "/dev/kvm_ext/s390",
	};
	int i;

	struct sigaction sa = { .sa_handler = on_alarm };

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* No SA_RESTART: KVM_RUN must see the signal and return -EINTR. */
	sigaction(SIGALRM, &sa, NULL);
	if (argc > 1)
		for (i = 1; i < argc; i++)
			demo(argv[i]);
	else
		for (i = 0; i < 3; i++)
			demo(nodes[i]);
	printf("demo: %s\n", failures ? "FAILED" : "all steps as expected");
	return failures ? 1 : 0;
}
