// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_stress: random, concurrent ioctls against one kvm_ext node for a
 * bounded time. Worker threads create and close VMs, vCPUs and devices,
 * change memslots, set/get/has attributes, map kvm_run, act as the guest
 * and sit in KVM_RUN while a kicker thread keeps signalling them and others
 * change the signal mask KVM_RUN runs with; now and
 * then a forked child tries the inherited fds (-EIO). Eventfds become
 * irqfds (some resampling) on random GSIs while other threads write them,
 * replace the VMs' GSI routing, close the eventfds and the VMs; they also
 * become ioeventfds, assigned and deassigned at a few addresses that
 * guest stores hit while the eventfds and VMs are closed. Stats fds of
 * VMs and vCPUs are read at random offsets while their VMs' other fds
 * close, so a VM often ends with its last stats fd. On ppc, vCPUs connect
 * to XICS devices (theirs or another VM's) while the guest's XICS
 * hypercalls, KVM_IRQ_LINE, irqfds and source words hit them and their
 * fds close; VMs are made on either emulated host (ppc_host flips), and
 * on the POWER9 vCPUs connect to XIVE devices whose sources, targeting
 * and event queues (pinned in memslots that change meanwhile) are
 * configured, reset and synced while KVM_IRQ_LINE, irqfds and VP_STATE
 * hit them and their fds close; on the e500mc (the third ppc_host) vCPUs
 * connect to MPICs as CPUs 0-3 while the MPICs are placed and moved,
 * their registers written and read (sources, CPUs, IPIs, MSIs, timers, the
 * global reset), their lines raised through KVM_IRQ_LINE, GRP_IRQ_ACTIVE,
 * routed GSIs, MSI routes, KVM_SIGNAL_MSI and irqfds, and the guests of
 * several threads take and end interrupts at BASE_ADDR (IACK, EOI, CTPR,
 * IPIDR, MSIR) and wait in KVM_RUN for their outputs, while the devices'
 * and VMs' fds close. On s390, FLICs take interrupts (ENQUEUE,
 * KVM_S390_INTERRUPT, AIRQ_INJECT through adapters under AIS modes) that
 * are listed, cleared and taken by guests whose PSW mask and control
 * registers change, while the VMs' attributes (the CPU model, TOD,
 * crypto, CMMA, migration mode) are written as vCPUs are created. fds are shared
 * through a table: a user dup()s an entry under the table lock, so a close
 * never hands a reused fd number to another thread, while dups keep VMs
 * alive past their VM fd's close as real VMMs do.
 *
 * The pass condition is in the harness (no detector report, no hang); the
 * program itself fails on an errno outside the ABI's set, a positive return
 * where none is documented, or the module's allocation counter not back to
 * zero at the end.
 *
 * usage: kvm_ext_stress NODE [SECONDS] [THREADS] [SEED]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#define NVM 6
#define NVCPU 24
#define NDEV 6 /* a device sits in its VM's slot */
#define NEFD 8
#define NSTATS 8
#define RAM_SIZE (4UL << 20)
/* op_ioeventfd()'s addresses, which op_guest() also stores to (no RAM there) */
#define IOEV_BASE 0x0a000000ULL
#define IOEV_ADDR(seed) (IOEV_BASE + 8 * rnd(seed, 4))

static const char *node;
static int sysfd, is_ppc, is_s390;
static char ppc_host_before[16];
static unsigned char *ram;
static atomic_int stop;
static atomic_long ops, bad;
/* ppc: what reached the XIVE (shown at the end, so a run proves it did) */
static atomic_long xive_devs, xive_connects, xive_queues;
/* ppc: XIVE pages touched by the process, and how many of those were SIGBUS */
static atomic_long xive_faults, xive_sigbus;
/* ppc: what reached the MPIC: devices, connections, guest IACKs that took a vector */
static atomic_long mpic_devs, mpic_connects, mpic_iacks;
/*
 * s390: what reached the FLIC and the VM: FLICs, interrupts enqueued or
 * injected, interrupts the guest took, CPU model writes taken and refused
 * (EBUSY: a vCPU came first), migration mode started
 */
static atomic_long s390_flics, s390_injected, s390_takes, s390_models, s390_model_busy,
	s390_migrations;
/* a thread touching a XIVE page catches SIGBUS (and SIGSEGV) here */
static __thread sigjmp_buf touch_jmp;
static __thread volatile sig_atomic_t touch_armed;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int vms[NVM], vcpus[NVCPU], devs[NDEV], efds[NEFD], stats[NSTATS];
_Static_assert(NDEV == NVM && NVCPU % NVM == 0, "devs[] and vcpus[] follow vms[]");

static void on_signal(int sig)
{
	(void)sig;
}

static void on_fault(int sig)
{
	if (!touch_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	touch_armed = 0;
	siglongjmp(touch_jmp, sig);
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

/* Errnos the ABI documents for the calls made here. */
static int allowed_errno(int e)
{
	switch (e) {
	case EINVAL: case EEXIST: case ENOENT: case EBADF: case EINTR:
	case ENOEXEC: case EBUSY: case EFAULT: case ENODEV: case EPERM:
	case ENXIO: case ENOTTY: case EIO: case ENOSPC: case ENOMEM:
	case EMFILE: case EOPNOTSUPP: case E2BIG: case EAGAIN:
	case ENOBUFS: /* s390's GET_ALL_IRQS when its buffer cannot be had */
		return 1;
	}
	return 0;
}

static long check(long r, int returns_fd, const char *what)
{
	atomic_fetch_add(&ops, 1);
	if (r < 0 && !allowed_errno(errno)) {
		fprintf(stderr, "stress: %s: unexpected errno %d (%s)\n", what, errno,
			strerror(errno));
		atomic_fetch_add(&bad, 1);
	} else if (r > 0 && !returns_fd) {
		fprintf(stderr, "stress: %s: unexpected positive return %ld\n", what, r);
		atomic_fetch_add(&bad, 1);
	}
	return r;
}

/* A dup of entry i, or -1. */
static int take_at(int *table, int i)
{
	int fd = -1;

	pthread_mutex_lock(&table_lock);
	if (table[i] >= 0)
		fd = dup(table[i]);
	pthread_mutex_unlock(&table_lock);
	return fd;
}

/* A dup of a random live entry, or -1; its index in *idx. */
static int take_idx(int *table, int n, unsigned int *seed, int *idx)
{
	*idx = rnd(seed, n);
	return take_at(table, *idx);
}

static int take(int *table, int n, unsigned int *seed)
{
	int i;

	return take_idx(table, n, seed, &i);
}

/* Entry i becomes fd; the one it replaces is closed. */
static void put_at(int *table, int i, int fd)
{
	int old;

	pthread_mutex_lock(&table_lock);
	old = table[i];
	table[i] = fd;
	pthread_mutex_unlock(&table_lock);
	if (old >= 0)
		close(old);
}

static void put_entry(int *table, int n, unsigned int *seed, int fd)
{
	int i = rnd(seed, n), old;

	pthread_mutex_lock(&table_lock);
	old = table[i];
	table[i] = fd;
	pthread_mutex_unlock(&table_lock);
	if (old >= 0)
		close(old);
}

static void drop_entry(int *table, int n, unsigned int *seed)
{
	put_entry(table, n, seed, -1);
}

static void op_memslot(int vm, unsigned int *seed)
{
	struct kvm_userspace_memory_region m = {
		.slot = rnd(seed, 16) | (rnd(seed, 8) == 0 ? 1U << 16 : 0),
		.flags = rnd(seed, 4),
		.guest_phys_addr = (uint64_t)rnd(seed, 64) << 16,
		.memory_size = rnd(seed, 5) == 0 ? 0 : (uint64_t)(1 + rnd(seed, 16)) << 12,
		.userspace_addr = (uintptr_t)ram + ((uint64_t)rnd(seed, 512) << 12),
	};

	/* ppc: often a whole 64 KiB, where a XIVE queue fits */
	if (is_ppc && m.memory_size && rnd(seed, 2))
		m.memory_size = 1 << 16;
	/* s390: mostly as it wants them, 1 MiB aligned (often logged, for migration mode) */
	if (is_s390 && rnd(seed, 4)) {
		uintptr_t base = ((uintptr_t)ram + (1UL << 20) - 1) & ~((1UL << 20) - 1);

		m.guest_phys_addr = (uint64_t)rnd(seed, 4) << 20;
		m.memory_size = rnd(seed, 5) ? 1UL << 20 : 0;
		m.userspace_addr = base + ((uintptr_t)rnd(seed, 3) << 20);
	}

	check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m), 0, "SET_USER_MEMORY_REGION");
}

/* ppc's MPIC: where op_mpic() places it (256 KiB aligned, within op_guest()'s range) */
#define MPIC_GPA(seed) (0x100000ULL + 0x40000ULL * rnd(seed, 2))

/*
 * ppc's MPIC: one of its registers (Linux 6.1's map): the global block
 * (BRR1, the "this CPU" aliases at 0x40-0xb0, FRR, GCR, PIR, IPI IVPRs,
 * the spurious vector), the timers, the MSI block (MSIRs, MSISR, MSIIR),
 * a source's IVPR, IDR or ILR, a CPU's page (IPIDRs, CTPR, WHOAMI, IACK,
 * EOI); now and then an offset off every register.
 */
static uint32_t mpic_reg(unsigned int *seed)
{
	static const uint32_t source_regs[] = { 0, 0x10, 0x18 }; /* IVPR, IDR, ILR */
	static const uint32_t global[] = {
		0x0, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0x1000, 0x1020,
		0x1080, 0x1090, 0x10a0, 0x10b0, 0x10c0, 0x10d0, 0x10e0, 0x10f0, 0x1100,
		0x1110, 0x1120, 0x1130, 0x1150, 0x11e0, 0x1600, 0x1610, 0x1670, 0x1720,
		0x1740, 0x3800,
	};

	switch (rnd(seed, 5)) {
	case 0:
		return global[rnd(seed, sizeof(global) / sizeof(global[0]))];
	case 1:
	case 2:
		return 0x10000 + 0x20 * rnd(seed, 32) + source_regs[rnd(seed, 3)];
	case 3:
		return 0x20000 + 0x1000 * rnd(seed, 5) + 0x10 * (4 + rnd(seed, 8));
	default:
		return rnd(seed, 0x40000) & ~(rnd(seed, 2) ? 3U : 0U);
	}
}

/* A value for it: mostly an IVPR's or an IDR's shape, MSIIR's, or random. */
static uint32_t mpic_val(unsigned int *seed)
{
	switch (rnd(seed, 4)) {
	case 0: /* IVPR: masked or not, sense, priority, vector */
		return (rnd(seed, 3) == 0) << 31 | rnd(seed, 2) << 22 | rnd(seed, 16) << 16 |
		       rnd(seed, 256);
	case 1: /* IDR, CTPR, IPIDR: a few CPUs, a priority */
		return rnd(seed, 16);
	case 2: /* MSIIR: bank, bit */
		return rnd(seed, 8) << 29 | rnd(seed, 32) << 24;
	default: /* GCR's reset now and then */
		return (uint32_t)rand_r(seed) | (rnd(seed, 16) == 0) << 31;
	}
}

/*
 * Attributes: small group/attr numbers reach every device's groups; on
 * arm64 a third of them are GIC register accesses (a vCPU's MPIDR Aff0 in
 * bits 39:32, a register offset of the distributor, redistributor or CPU
 * interface, an ICC instr, or a LEVEL_INFO vINTID) and frame addresses
 * inside the range op_guest() touches.
 */
static void op_attr(int fd, unsigned int *seed)
{
	static const unsigned long req[] = {
		KVM_SET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR, KVM_HAS_DEVICE_ATTR,
	};
	static const uint32_t gic_offsets[] = {
		0x0, 0x4, 0x8, 0xc, 0x10, 0x84, 0x104, 0x184, 0x204, 0x284, 0x304,
		0x384, 0x420, 0x808, 0xc08, 0x6100, 0xf20, 0x10100, 0x10200, 0x10400,
		0x70, 0x78, 0xd0, 0xfc, 0xc230, 0xc663, 0xc664, 0xc667, 0x20, 0x40,
	};
	/*
	 * The value, in a buffer as big as any GET may fill: s390's VM
	 * attributes (CPU_MACHINE: 4112 bytes) and GET_ALL_IRQS (attr is the
	 * length: up to 0x10400 from the GIC offsets below).
	 */
	static __thread uint64_t buf[16384];
	uint64_t *payload = buf;
	unsigned long op;
	long r;
	struct kvm_device_attr a = {
		.group = rnd(seed, 4), .attr = rnd(seed, 4),
		.addr = rnd(seed, 8) ? (uintptr_t)payload : 0,
	};

	struct kvm_ext_ppc_xive_eq eq = {
		.flags = rnd(seed, 8) ? KVM_XIVE_EQ_ALWAYS_NOTIFY : 0,
		.qshift = rnd(seed, 4) ? 16 : 0,
		.qaddr = (uint64_t)rnd(seed, 64) << 16,
		.qtoggle = rnd(seed, 2),
		.qindex = rnd(seed, 2) ? 0 : rnd(seed, 16400),
	};

	*payload = rnd(seed, 4) ? (uint64_t)rnd(seed, 64) << 16 : (uint64_t)rand_r(seed);
	if (rnd(seed, 3) == 0) {
		a.group = rnd(seed, 8);
		a.attr = (uint64_t)rnd(seed, 6) << 32 |
			 gic_offsets[rnd(seed, sizeof(gic_offsets) / sizeof(gic_offsets[0]))];
	} else if (is_ppc && rnd(seed, 2)) {
		/*
		 * ppc's XIVE: sources 0-63 (LSI, asserted), their targeting
		 * (server 0-3, priority 0-7, masked, EISN), a queue of server
		 * 0-3 and priority 0-7 in or out of the memslots, the controls.
		 */
		a.group = 1 + rnd(seed, 5);
		a.attr = rnd(seed, 64);
		*payload = rnd(seed, 4);
		if (a.group == KVM_DEV_XIVE_GRP_SOURCE_CONFIG)
			*payload = (uint64_t)rnd(seed, 64) << 33 | (uint64_t)rnd(seed, 2) << 32 |
				  rnd(seed, 4) << 3 | rnd(seed, 8);
		if (a.group == KVM_DEV_XIVE_GRP_EQ_CONFIG) {
			a.attr = rnd(seed, 4) << 3 | rnd(seed, 8);
			if (a.addr)
				a.addr = (uintptr_t)&eq;
		}
		if (a.group == KVM_DEV_XIVE_GRP_CTRL) {
			a.attr = 1 + rnd(seed, 3);
			*payload = rnd(seed, 2) ? 8 : rnd(seed, 20000);
		}
	} else if (is_ppc && rnd(seed, 3) == 0) {
		/*
		 * ppc's MPIC: BASE_ADDR (0, placed, moved, unaligned), any of
		 * its registers (mpic_reg()), a source's line (IRQ_ACTIVE)
		 */
		a.group = 1 + rnd(seed, 3);
		if (a.group == KVM_DEV_MPIC_GRP_MISC) {
			a.attr = rnd(seed, 8) ? KVM_DEV_MPIC_BASE_ADDR : 1;
			*payload = rnd(seed, 4) ? MPIC_GPA(seed) : (uint64_t)rnd(seed, 64) << 12;
		} else if (a.group == KVM_DEV_MPIC_GRP_REGISTER) {
			a.attr = mpic_reg(seed);
			*payload = mpic_val(seed);
		} else {
			a.attr = rnd(seed, 8) ? rnd(seed, 32) : rnd(seed, 300);
			*payload = rnd(seed, 8) ? rnd(seed, 2) : rnd(seed, 4);
		}
	} else if (rnd(seed, 3) == 0) {
		/* ppc's XICS: a source word (server 0-3, priority 0-7 or masked, P/Q) */
		a.group = KVM_DEV_XICS_GRP_SOURCES;
		a.attr = 16 + rnd(seed, 48);
		*payload = rnd(seed, 4) | (uint64_t)(rnd(seed, 4) ? rnd(seed, 8) : 0xff) << 32 |
			  (uint64_t)rnd(seed, 32) << 40;
	}
	op = req[rnd(seed, 3)];
	/* s390's GET_ALL_IRQS gives how many interrupts it copied */
	r = check(ioctl(fd, op, &a), is_s390 && op == KVM_GET_DEVICE_ATTR &&
		  a.group == KVM_DEV_FLIC_GET_ALL_IRQS, "DEVICE_ATTR");
	if (r == 0 && op == KVM_SET_DEVICE_ATTR && a.addr == (uintptr_t)&eq && eq.qshift)
		atomic_fetch_add(&xive_queues, 1);
}

/* KVM_IRQ_LINE: SPI, PPI, CPU or bad types, near-valid vCPUs and numbers. */
static void op_irq_line(int vm, unsigned int *seed)
{
	struct kvm_irq_level l = {
		.irq = rnd(seed, 4) << 24 | rnd(seed, 8) << 16 | rnd(seed, 300),
		.level = rnd(seed, 2),
	};

	if (rnd(seed, 3) == 0) /* ppc: an XICS source, an edge or a level */
		l.irq = 16 + rnd(seed, 48);

	check(ioctl(vm, rnd(seed, 2) ? KVM_IRQ_LINE : KVM_IRQ_LINE_STATUS, &l), 0, "IRQ_LINE");
}

/*
 * KVM_IRQFD on a random eventfd and GSI, assign or deassign, sometimes
 * resampling; first, now and then, a GICv3 brought up (the VM may have
 * one, or vCPUs that make CTRL_INIT refuse: errors are fine).
 */
static void op_irqfd(int vm, unsigned int *seed)
{
	struct kvm_irqfd a = { .gsi = rnd(seed, 40) };
	int efd = take(efds, NEFD, seed), rfd = -1;

	if (rnd(seed, 4) == 0) {
		struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
		struct kvm_device_attr init = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
						.attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
		__u64 dist = 0x08000000, redist = 0x080a0000;
		struct kvm_device_attr addr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR };

		if (ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0) {
			addr.attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
			addr.addr = (__u64)(uintptr_t)&dist;
			ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &addr);
			addr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
			addr.addr = (__u64)(uintptr_t)&redist;
			ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &addr);
			ioctl(cd.fd, KVM_SET_DEVICE_ATTR, &init);
			close(cd.fd);
		}
	}
	if (efd < 0)
		return;
	a.fd = (__u32)efd;
	switch (rnd(seed, 4)) {
	case 0:
		a.flags = KVM_IRQFD_FLAG_DEASSIGN;
		break;
	case 1:
		rfd = take(efds, NEFD, seed);
		a.flags = KVM_IRQFD_FLAG_RESAMPLE;
		a.resamplefd = (__u32)rfd;
		break;
	}
	check(ioctl(vm, KVM_IRQFD, &a), 0, "IRQFD");
	close(efd);
	if (rfd >= 0)
		close(rfd);
}

/* KVM_SET_GSI_ROUTING: a few SPI pins and MSIs (some refused) on low GSIs. */
static void op_routing(int vm, unsigned int *seed)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[8];
	} r = { .hdr.nr = rnd(seed, 9) };
	unsigned int i;

	for (i = 0; i < r.hdr.nr; i++) {
		r.e[i].gsi = rnd(seed, 40);
		if (is_s390 && rnd(seed, 4)) {
			/*
			 * s390: adapter routes (adapters 0-4), their indicator
			 * and summary bits where op_memslot() puts slots (or
			 * not: -EFAULT), so irqfds write guest memory
			 */
			r.e[i].type = KVM_IRQ_ROUTING_S390_ADAPTER;
			r.e[i].flags = rnd(seed, 16) == 0;
			r.e[i].u.adapter.ind_addr = ((__u64)rnd(seed, 5) << 20) + rnd(seed, 4096);
			r.e[i].u.adapter.summary_addr = ((__u64)rnd(seed, 5) << 20) + rnd(seed, 4096);
			r.e[i].u.adapter.ind_offset = rnd(seed, 128);
			r.e[i].u.adapter.summary_offset = rnd(seed, 64);
			r.e[i].u.adapter.adapter_id = rnd(seed, 5);
		} else if (rnd(seed, 3)) {
			r.e[i].type = KVM_IRQ_ROUTING_IRQCHIP;
			r.e[i].u.irqchip.pin = rnd(seed, 300);
		} else {
			r.e[i].type = KVM_IRQ_ROUTING_MSI;
			r.e[i].flags = rnd(seed, 2);
			r.e[i].u.msi.address_lo = 0x08080040;
			r.e[i].u.msi.devid = rnd(seed, 4);
			/* ppc's MPIC: any address is its MSIIR; data is bank and bit */
			r.e[i].u.msi.data = rnd(seed, 8) << 29 | rnd(seed, 32) << 24;
		}
	}
	check(ioctl(vm, KVM_SET_GSI_ROUTING, &r), 0, "SET_GSI_ROUTING");
}

/*
 * KVM_IOEVENTFD on a random eventfd (or none: -EBADF), assign or
 * deassign, at one of the addresses op_guest() stores to: some with a
 * datamatch, a length of 0 or an invalid one, a few on the PIO bus.
 */
static void op_ioeventfd(int vm, unsigned int *seed)
{
	static const __u32 lens[] = { 0, 1, 2, 4, 8, 3 };
	struct kvm_ioeventfd a = {
		.datamatch = rnd(seed, 3),
		.addr = IOEV_ADDR(seed),
		.len = lens[rnd(seed, 6)],
		.flags = (rnd(seed, 2) ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (rnd(seed, 2) ? KVM_IOEVENTFD_FLAG_DEASSIGN : 0) |
			 (rnd(seed, 8) ? 0 : KVM_IOEVENTFD_FLAG_PIO),
	};
	int efd = take(efds, NEFD, seed);

	a.fd = efd;
	check(ioctl(vm, KVM_IOEVENTFD, &a), 0, "IOEVENTFD");
	if (efd >= 0)
		close(efd);
}

static void op_eventfd(unsigned int *seed)
{
	__u64 one = 1;
	int fd;

	switch (rnd(seed, 4)) {
	case 0:
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd >= 0)
			put_entry(efds, NEFD, seed, fd);
		break;
	case 1:
		drop_entry(efds, NEFD, seed); /* an irqfd on it detaches (EPOLLHUP) */
		break;
	default:
		fd = take(efds, NEFD, seed);
		if (fd >= 0) {
			if (write(fd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN)
				check(-1, 0, "eventfd write");
			close(fd);
		}
	}
}

/*
 * vcpu_vm: the index of the VM (in vms[], and of its devices in devs[]) the
 * vCPU was made in, if known (-1): a connection goes to a device of its
 * own VM half the time.
 */
static void op_guest(int vcpu, int vcpu_vm, unsigned int *seed)
{
	static const unsigned int lens[] = { 1, 2, 4, 8, 3 };
	/* ICC_PMR, IAR1, EOIR1, HPPIR1, IGRPEN1, SGI1R, DIR, CTLR; PMCEID0 */
	static const uint16_t sysregs[] = {
		0xc230, 0xc660, 0xc661, 0xc662, 0xc667, 0xc65d, 0xc659, 0xc664, 0xdce6,
	};
	struct kvm_ext_guest_access a = {
		.kind = rnd(seed, 4),
		.flags = rnd(seed, 2),
		.addr = ((uint64_t)rnd(seed, 64) << 16) + rnd(seed, 4096),
		.len = lens[rnd(seed, 5)],
		.data = rand_r(seed),
	};

	if (rnd(seed, is_ppc ? 4 : 16) == 0) {
		/* arm64: initialise it (maybe with a PMU), so KVM_RUN maps the GIC. */
		struct kvm_vcpu_init init = { .target = 5 };

		/* ppc: PAPR mode, which KVM_RUN needs there (-EINVAL elsewhere) */
		struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };

		init.features[0] = rnd(seed, 2) << 3;
		check(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init), 0, "ARM_VCPU_INIT");
		check(ioctl(vcpu, KVM_ENABLE_CAP, &papr), 0, "ENABLE_CAP(PPC_PAPR)");
		/* ppc: connect to a device (an XICS, perhaps of another VM) as server 0-3 */
		papr.cap = KVM_CAP_IRQ_XICS;
		papr.args[0] = (__u64)(vcpu_vm >= 0 && rnd(seed, 2) ? take_at(devs, vcpu_vm)
								   : take(devs, NDEV, seed));
		papr.args[1] = rnd(seed, 4);
		if (rnd(seed, 2))
			papr.cap = KVM_CAP_PPC_IRQ_XIVE;
		else if (rnd(seed, 2))
			papr.cap = KVM_CAP_IRQ_MPIC; /* as CPU 0-3 */
		if (papr.cap == KVM_CAP_IRQ_MPIC && rnd(seed, 8) == 0)
			papr.args[1] = rnd(seed, 2) ? 32 : 1ULL << 32; /* -EPERM; a u32: CPU 0 */
		if (check(ioctl(vcpu, KVM_ENABLE_CAP, &papr), 0, "ENABLE_CAP(IRQ_XICS/XIVE/MPIC)") == 0) {
			if (papr.cap == KVM_CAP_PPC_IRQ_XIVE)
				atomic_fetch_add(&xive_connects, 1);
			if (papr.cap == KVM_CAP_IRQ_MPIC)
				atomic_fetch_add(&mpic_connects, 1);
		}
		if ((int)papr.args[0] >= 0)
			close((int)papr.args[0]);
		if (is_ppc) {
			/* the XIVE presenter's thread context, read or set */
			__u64 vp[2] = { (__u64)rand_r(seed) << 32 | rand_r(seed), 0 };
			struct kvm_one_reg reg = {
				.id = KVM_REG_PPC_VP_STATE, .addr = (uintptr_t)vp,
			};

			check(ioctl(vcpu, rnd(seed, 2) ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &reg),
			      0, "ONE_REG(VP_STATE)");
		}
		return;
	}
	if (a.kind == KVM_EXT_ACCESS_HYPERCALL && rnd(seed, 2)) {
		/* ppc: the XICS's hypercalls (H_EOI .. H_XIRR, H_XIRR_X), servers 0-3 */
		static const uint16_t hcalls[] = { 0x64, 0x68, 0x6c, 0x70, 0x74, 0x2fc };

		a.addr = hcalls[rnd(seed, 6)];
		a.data = rnd(seed, 2) ? rnd(seed, 4) : 0xff000010 + rnd(seed, 48);
		a.args[0] = rnd(seed, 2) ? rnd(seed, 8) : 0xff;
		a.flags = 0;
	}
	if (a.kind == KVM_EXT_ACCESS_SYSREG && rnd(seed, 4))
		a.addr = 0x6030000000130000ULL | sysregs[rnd(seed, 9)];
	if (is_ppc && a.kind == KVM_EXT_ACCESS_MEM && rnd(seed, 3) == 0) {
		/* ppc's MPIC: one of its registers where op_mpic() places it */
		a.addr = MPIC_GPA(seed) + mpic_reg(seed);
		a.data = mpic_val(seed);
		if (rnd(seed, 4))
			a.len = 4;
	}
	if (rnd(seed, 4) == 0) {
		/* a store where op_ioeventfd() assigns */
		a.kind = KVM_EXT_ACCESS_MEM;
		a.flags = KVM_EXT_ACCESS_WRITE;
		a.addr = IOEV_ADDR(seed);
		a.data = rnd(seed, 3);
		a.args[0] = 0;
	}
	check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a), 0, "GUEST_ACCESS");
}

static void op_run(int vcpu, unsigned int *seed)
{
	long size = ioctl(sysfd, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);

	if (run == MAP_FAILED)
		return;
	run->immediate_exit = rnd(seed, 2);
	/* Blocks until the kicker's next signal unless immediate_exit. */
	check(ioctl(vcpu, KVM_RUN, 0), 0, "KVM_RUN");
	munmap(run, size);
}

/*
 * KVM_SET_SIGNAL_MASK while other threads run the vCPU: cleared, a random
 * mask (SIGKILL and SIGSTOP bits included, which KVM drops) that always
 * lets the kicker's SIGUSR1 through, so a KVM_RUN still ends; or a bad
 * length (-EINVAL).
 */
static void op_sigmask(int vcpu, unsigned int *seed)
{
	union {
		struct kvm_signal_mask m;
		unsigned char buf[sizeof(struct kvm_signal_mask) + 16];
	} u;
	uint64_t set = ((uint64_t)rand_r(seed) << 32 | (uint64_t)rand_r(seed)) &
		       ~(1ULL << (SIGUSR1 - 1));
	const unsigned int lens[] = { 8, 8, 8, 4, 16, 0 };

	if (rnd(seed, 4) == 0) {
		check(ioctl(vcpu, KVM_SET_SIGNAL_MASK, NULL), 0, "SET_SIGNAL_MASK(NULL)");
		return;
	}
	memset(&u, 0, sizeof(u));
	u.m.len = lens[rnd(seed, 6)];
	memcpy(u.m.sigset, &set, sizeof(set));
	check(ioctl(vcpu, KVM_SET_SIGNAL_MASK, &u.m), 0, "SET_SIGNAL_MASK");
}

/* KVM_GET_STATS_FD of a VM or a vCPU into the table. */
static void op_stats_fd(unsigned int *seed)
{
	int fd = rnd(seed, 2) ? take(vms, NVM, seed) : take(vcpus, NVCPU, seed), s;

	if (fd < 0)
		return;
	s = check(ioctl(fd, KVM_GET_STATS_FD, 0), 1, "GET_STATS_FD");
	if (s >= 0)
		put_entry(stats, NSTATS, seed, s);
	close(fd);
}

/* A stats read at a random offset (often the data block) and length. */
static void op_stats_read(unsigned int *seed)
{
	static const unsigned int lens[] = { 0, 1, 8, 24, 64, 4096 };
	int fd = take(stats, NSTATS, seed);
	unsigned char buf[4096];
	unsigned int len = lens[rnd(seed, 6)];
	off_t off = rnd(seed, 1200);
	long r;

	if (fd < 0)
		return;
	if (rnd(seed, 4)) {
		r = check(pread(fd, buf, len, off), 1, "stats pread");
	} else {
		lseek(fd, off, SEEK_SET);
		r = check(read(fd, buf, len), 1, "stats read");
	}
	if (r > (long)len) {
		fprintf(stderr, "stress: stats read returned %ld for %u bytes\n", r, len);
		atomic_fetch_add(&bad, 1);
	}
	close(fd);
}

static void op_fork(int vm)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Another mm: every VM ioctl is -EIO. */
		long r = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY);

		_exit(r == -1 && errno == EIO ? 0 : 10 + (r < 0 ? errno : 100));
	}
	if (pid > 0) {
		int status = 0;

		/* The kicker's signals interrupt waitpid too. */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		atomic_fetch_add(&ops, 1);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "stress: child's VM ioctl was not -EIO (status %#x)\n",
				status);
			atomic_fetch_add(&bad, 1);
		}
	}
}

#define PPC_HOST_PARAM "/sys/module/kvm_ext/parameters/ppc_host"
static const char *const ppc_hosts[] = { "power8", "power9", "e500mc" };

/*
 * ppc: one coherent XIVE step on VM slot i, so that connections, queues
 * and targeting meet often enough to race each other: a 64 KiB memslot
 * (slot 14 or 15) at one of two places, vCPU k of the slot connected as
 * server k, its queue of a random priority at one of the two places, a
 * source (re)initialised and targeted there, and a trigger. Every step
 * may fail (no XIVE, a POWER8 VM, a slot in use, closed fds).
 */
static void op_xive(unsigned int *seed)
{
	int i = rnd(seed, NVM), k = rnd(seed, NVCPU / NVM);
	int vm = take_at(vms, i), dev = take_at(devs, i), vcpu = take_at(vcpus, i * 4 + k);
	unsigned int prio = rnd(seed, 7), irq = rnd(seed, 64);
	int place = rnd(seed, 2);
	__u64 gpa = 0x4000000ULL + ((__u64)place << 16);
	struct kvm_ext_ppc_xive_eq eq = {
		.flags = KVM_XIVE_EQ_ALWAYS_NOTIFY, .qshift = 16, .qaddr = gpa,
		.qtoggle = 1, .qindex = rnd(seed, 4) ? 0 : rnd(seed, 16384),
	};
	__u64 val = (__u64)irq << KVM_XIVE_SOURCE_EISN_SHIFT | (__u64)k << 3 | prio;
	struct kvm_device_attr a = { .group = KVM_DEV_XIVE_GRP_EQ_CONFIG,
				     .attr = (__u64)k << 3 | prio, .addr = (uintptr_t)&eq };
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_PAPR };
	struct kvm_irq_level l = { .irq = irq, .level = 1 };

	if (vm >= 0 && rnd(seed, 2) == 0) {
		struct kvm_userspace_memory_region m = {
			.slot = 14 + place, .guest_phys_addr = gpa,
			.memory_size = rnd(seed, 8) ? 1 << 16 : 0,
			.userspace_addr = (uintptr_t)ram + ((uint64_t)rnd(seed, 64) << 16),
		};

		check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m), 0, "SET_USER_MEMORY_REGION");
	}
	if (vcpu >= 0 && dev >= 0 && rnd(seed, 2) == 0) {
		check(ioctl(vcpu, KVM_ENABLE_CAP, &c), 0, "ENABLE_CAP(PPC_PAPR)");
		c.cap = KVM_CAP_PPC_IRQ_XIVE;
		c.args[0] = dev;
		c.args[1] = k;
		if (check(ioctl(vcpu, KVM_ENABLE_CAP, &c), 0, "ENABLE_CAP(PPC_IRQ_XIVE)") == 0)
			atomic_fetch_add(&xive_connects, 1);
	}
	if (dev >= 0) {
		if (check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "XIVE EQ_CONFIG") == 0)
			atomic_fetch_add(&xive_queues, 1);
		a.group = KVM_DEV_XIVE_GRP_SOURCE;
		a.attr = irq;
		a.addr = (uintptr_t)&val;
		if (rnd(seed, 2))
			check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "XIVE SOURCE");
		a.group = KVM_DEV_XIVE_GRP_SOURCE_CONFIG;
		check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "XIVE SOURCE_CONFIG");
		if (rnd(seed, 8) == 0) {
			a.group = KVM_DEV_XIVE_GRP_CTRL;
			a.attr = 1 + rnd(seed, 2); /* RESET, EQ_SYNC */
			check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "XIVE CTRL");
		}
	}
	if (vm >= 0)
		check(ioctl(vm, KVM_IRQ_LINE, &l), 0, "IRQ_LINE");
	if (vm >= 0)
		close(vm);
	if (dev >= 0)
		close(dev);
	if (vcpu >= 0)
		close(vcpu);
}

static void write_ppc_host(const char *val);

/*
 * ppc: one coherent MPIC step on VM slot i (an e500mc VM's device, or the
 * step fails: another host, another device, closed fds), so that several
 * threads' guests, the VMM's lines and the registers meet on one MPIC:
 * now and then it is placed (or moved) and vCPU k connected as CPU k;
 * source irq (external, internal or an MSI bank's) is sent at priority
 * 1-15 to some CPUs, with CTPR 0 on CPU k, GSI irq routed to it (or to an
 * MSI); then its line is raised through one of KVM_IRQ_LINE, IRQ_ACTIVE
 * or KVM_SIGNAL_MSI, or an IPI sent, and vCPU k's guest takes what it has
 * (IACK), reads an MSIR and ends it (EOI); now and then the global reset.
 */
static void op_mpic(unsigned int *seed)
{
	int i = rnd(seed, NVM), k = rnd(seed, NVCPU / NVM);
	int vm = take_at(vms, i), dev = take_at(devs, i), vcpu = take_at(vcpus, i * 4 + k);
	uint64_t base = MPIC_GPA(seed);
	int fresh = 0;
	uint32_t irq = rnd(seed, 4) ? rnd(seed, 12) : rnd(seed, 4) ? 16 + rnd(seed, 16) :
				      224 + rnd(seed, 8);
	/* an MSI source's own bank, mostly */
	uint32_t bank = irq >= 224 && rnd(seed, 4) ? irq - 224 : rnd(seed, 8);
	uint32_t msiir = bank << 29 | rnd(seed, 32) << 24, v;
	struct kvm_device_attr a = { .group = KVM_DEV_MPIC_GRP_REGISTER, .addr = (uintptr_t)&v };
	struct kvm_enable_cap c = { .cap = KVM_CAP_IRQ_MPIC, .args = { (__u64)dev, (__u64)k } };
	struct kvm_irq_level l = { .irq = irq, .level = rnd(seed, 4) != 0 };
	struct kvm_msi msi = { .address_lo = (__u32)base + 0x1740, .data = msiir };
	struct kvm_ext_guest_access g = { .kind = KVM_EXT_ACCESS_MEM, .len = 4 };

	if (rnd(seed, 32) == 0) {
		/*
		 * now and then a fresh e500mc VM in the slot (its old one goes);
		 * then the next VMs on any host again, as in the worker's case 0
		 */
		int nvm;

		write_ppc_host("e500mc");
		nvm = check(ioctl(sysfd, KVM_CREATE_VM, 0), 1, "CREATE_VM(e500mc)");
		write_ppc_host(ppc_hosts[rnd(seed, 3)]);
		if (nvm >= 0) {
			if (vm >= 0)
				close(vm);
			vm = dup(nvm);
			put_at(vms, i, nvm);
			fresh = 1;
		}
	}
	if (vm >= 0 && (vcpu < 0 || fresh) && rnd(seed, 2)) {
		/* vCPU k of the slot */
		int v = check(ioctl(vm, KVM_CREATE_VCPU, k), 1, "CREATE_VCPU(e500mc)");

		if (v >= 0) {
			if (vcpu >= 0)
				close(vcpu);
			vcpu = dup(v);
			put_at(vcpus, i * (NVCPU / NVM) + k, v);
		}
	}
	if (vm >= 0 && (dev < 0 || fresh || rnd(seed, 8) == 0)) {
		/* the slot's device, an MPIC if the VM is an e500mc's and has none */
		struct kvm_create_device cd = {
			.type = rnd(seed, 2) ? KVM_DEV_TYPE_FSL_MPIC_42 : KVM_DEV_TYPE_FSL_MPIC_20,
		};

		if (check(ioctl(vm, KVM_CREATE_DEVICE, &cd), 0, "CREATE_DEVICE(MPIC)") == 0) {
			atomic_fetch_add(&mpic_devs, 1);
			if (dev >= 0)
				close(dev);
			dev = dup((int)cd.fd);
			put_at(devs, i, (int)cd.fd);
			c.args[0] = (__u64)dev;
			fresh = 1;
		}
	}
	if (dev >= 0 && (fresh || rnd(seed, 4) == 0)) {
		a.group = KVM_DEV_MPIC_GRP_MISC;
		a.attr = KVM_DEV_MPIC_BASE_ADDR;
		a.addr = (uintptr_t)&base;
		check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "MPIC BASE_ADDR");
		a.group = KVM_DEV_MPIC_GRP_REGISTER;
		a.addr = (uintptr_t)&v;
	}
	if (vcpu >= 0 && dev >= 0 && (fresh || rnd(seed, 2) == 0) &&
	    check(ioctl(vcpu, KVM_ENABLE_CAP, &c), 0, "ENABLE_CAP(IRQ_MPIC)") == 0)
		atomic_fetch_add(&mpic_connects, 1);
	if (dev >= 0) {
		v = rnd(seed, 16) | (rnd(seed, 4) ? 1U << k : 0); /* IDR: some of CPUs 0-3 */
		a.attr = 0x10000 + 0x20 * irq + 0x10;
		check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "MPIC IDR");
		v = (rnd(seed, 8) == 0) << 31 | rnd(seed, 2) << 22 | (1 + rnd(seed, 15)) << 16 | irq;
		a.attr = 0x10000 + 0x20 * irq;
		check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "MPIC IVPR");
		v = 0;
		a.attr = 0x20080 + 0x1000 * k; /* CTPR */
		check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "MPIC CTPR");
		if (rnd(seed, 16) == 0) {
			v = 0x80000000; /* GCR: reset */
			a.attr = 0x1020;
			check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "MPIC GCR");
		}
	}
	if (vm >= 0 && rnd(seed, 4) == 0) {
		struct {
			struct kvm_irq_routing hdr;
			struct kvm_irq_routing_entry e[2];
		} r = { .hdr.nr = 2 };

		r.e[0].gsi = irq;
		r.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
		r.e[0].u.irqchip.pin = irq;
		r.e[1].gsi = 40 + rnd(seed, 8);
		r.e[1].type = KVM_IRQ_ROUTING_MSI;
		r.e[1].u.msi.address_lo = msi.address_lo;
		r.e[1].u.msi.data = msiir;
		check(ioctl(vm, KVM_SET_GSI_ROUTING, &r), 0, "SET_GSI_ROUTING(MPIC)");
	}
	switch (rnd(seed, 4)) {
	case 0:
		if (vm >= 0)
			check(ioctl(vm, rnd(seed, 2) ? KVM_IRQ_LINE : KVM_IRQ_LINE_STATUS, &l), 0,
			      "IRQ_LINE(MPIC)");
		break;
	case 1:
		if (dev >= 0) {
			v = l.level;
			a.group = KVM_DEV_MPIC_GRP_IRQ_ACTIVE;
			a.attr = irq;
			check(ioctl(dev, rnd(seed, 4) ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a),
			      0, "MPIC IRQ_ACTIVE");
		}
		break;
	case 2:
		if (vm >= 0)
			check(ioctl(vm, KVM_SIGNAL_MSI, &msi), 0, "SIGNAL_MSI(MPIC)");
		break;
	default:
		if (vcpu >= 0) {
			/* an IPI from vCPU k: IPI n's IVPR unmasked (the VMM), IPIDRn */
			if (dev >= 0) {
				v = (1 + rnd(seed, 15)) << 16 | 0x90;
				a.group = KVM_DEV_MPIC_GRP_REGISTER;
				a.attr = 0x10a0 + 0x10 * rnd(seed, 4);
				check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "MPIC IPI IVPR");
			}
			g.flags = KVM_EXT_ACCESS_WRITE;
			g.addr = base + 0x40 + 0x10 * rnd(seed, 4);
			g.data = rnd(seed, 16);
			check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &g), 0, "GUEST_ACCESS(MPIC IPIDR)");
		}
	}
	if (vcpu >= 0) {
		/* the guest: IACK, an MSIR, EOI; through the alias or CPU k's page */
		uint64_t page = rnd(seed, 2) ? base : base + 0x20000 + 0x1000 * k;

		g.flags = 0;
		g.addr = page + 0xa0;
		if (check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &g), 0, "GUEST_ACCESS(MPIC IACK)") == 0 &&
		    g.result == KVM_EXT_RESULT_KERNEL && g.data != 0xffff && g.data != 0xffffffff)
			atomic_fetch_add(&mpic_iacks, 1);
		if (rnd(seed, 2)) {
			g.addr = base + 0x1600 + 0x10 * rnd(seed, 8);
			check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &g), 0, "GUEST_ACCESS(MPIC MSIR)");
		}
		g.flags = KVM_EXT_ACCESS_WRITE;
		g.addr = page + 0xb0;
		g.data = 0;
		if (rnd(seed, 8))
			check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &g), 0, "GUEST_ACCESS(MPIC EOI)");
	}
	if (vm >= 0)
		close(vm);
	if (dev >= 0)
		close(dev);
	if (vcpu >= 0)
		close(vcpu);
}

/* s390: an interrupt for ENQUEUE or KVM_S390_INTERRUPT, mostly I/O on ISCs 0-7 */
static void s390_irq(unsigned int *seed, struct kvm_s390_irq *irq)
{
	static const __u64 types[] = {
		KVM_S390_INT_SERVICE, KVM_S390_MCHK, KVM_S390_INT_VIRTIO,
		KVM_S390_INT_PFAULT_DONE, KVM_S390_INT_PFAULT_INIT, KVM_S390_INT_EMERGENCY,
		0xfffe1234, /* no type */
	};
	__u16 nr = rnd(seed, 16);

	memset(irq, 0, sizeof(*irq));
	if (rnd(seed, 4)) {
		irq->type = KVM_S390_INT_IO(rnd(seed, 4) == 0, 0, 0, nr);
		irq->u.io.subchannel_id = 1;
		irq->u.io.subchannel_nr = nr;
		irq->u.io.io_int_parm = rand_r(seed);
		irq->u.io.io_int_word = (__u32)rnd(seed, 8) << 27 | (rnd(seed, 4) == 0) << 31;
	} else {
		irq->type = types[rnd(seed, sizeof(types) / sizeof(types[0]))];
		irq->u.ext.ext_params = (__u32)rand_r(seed);
		irq->u.mchk.mcic = (__u64)rand_r(seed) << 32;
	}
}

/*
 * s390: one coherent step on VM slot i (its FLIC in the slot's device, or
 * the step fails: no FLIC, closed fds), a few of: the FLIC created;
 * interrupts enqueued (ENQUEUE, KVM_S390_INTERRUPT, AIRQ_INJECT through
 * adapters 0-3 under AIS modes), listed (GET_ALL_IRQS into buffers of
 * 0-16 entries), cleared (CLEAR_IRQS, CLEAR_IO_IRQ); the VM's attributes
 * (the CPU model from the machine's, the TOD, crypto, CMMA, the memory
 * limit, migration mode, KVM_CAP_S390_AIS) while vCPU k is created, so
 * that CPU model writes race vCPU creation; the guest of vCPU k taking
 * what its PSW mask and control registers enable; CMMA values.
 */
static void op_s390(unsigned int *seed)
{
	int i = rnd(seed, NVM), k = rnd(seed, NVCPU / NVM), steps = 1 + rnd(seed, 3);
	int vm = take_at(vms, i), dev = take_at(devs, i), vcpu = take_at(vcpus, i * 4 + k);
	struct kvm_device_attr a = { 0 };
	static __thread struct kvm_s390_irq irqs[16];
	static __thread struct kvm_s390_vm_cpu_machine mach;
	static __thread struct kvm_s390_vm_cpu_processor proc;
	static __thread struct kvm_s390_vm_cpu_subfunc sub;
	static __thread __u8 cmma[64];
	long r;
	int n;

	while (steps--) {
		switch (rnd(seed, 9)) {
		case 0:
			/* the slot's FLIC */
			if (vm >= 0 && (dev < 0 || rnd(seed, 4) == 0)) {
				struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FLIC };

				if (check(ioctl(vm, KVM_CREATE_DEVICE, &cd), 0, "CREATE_DEVICE(FLIC)") ==
				    0) {
					atomic_fetch_add(&s390_flics, 1);
					if (dev >= 0)
						close(dev);
					dev = dup((int)cd.fd);
					put_at(devs, i, (int)cd.fd);
				}
			}
			break;
		case 1:
			/* ENQUEUE of 0-8 interrupts; now and then a bad length */
			if (dev < 0)
				break;
			n = rnd(seed, 9);
			for (r = 0; r < n; r++)
				s390_irq(seed, &irqs[r]);
			a.group = KVM_DEV_FLIC_ENQUEUE;
			a.attr = n * sizeof(irqs[0]) + (rnd(seed, 16) == 0);
			a.addr = (uintptr_t)irqs;
			if (check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "FLIC ENQUEUE") == 0)
				atomic_fetch_add(&s390_injected, n);
			break;
		case 2:
			/* GET_ALL_IRQS: a count or -ENOMEM; 0 bytes is EINVAL */
			if (dev < 0)
				break;
			n = rnd(seed, 17);
			a.group = KVM_DEV_FLIC_GET_ALL_IRQS;
			a.attr = n * sizeof(irqs[0]);
			a.addr = (uintptr_t)irqs;
			r = check(ioctl(dev, KVM_GET_DEVICE_ATTR, &a), 1, "FLIC GET_ALL_IRQS");
			if (r > n) {
				fprintf(stderr, "stress: GET_ALL_IRQS gave %ld into %d entries\n", r, n);
				atomic_fetch_add(&bad, 1);
			}
			break;
		case 3:
			/* CLEAR_IRQS, CLEAR_IO_IRQ of a subchannel (0: EINVAL), async pfault */
			if (dev < 0)
				break;
			n = rnd(seed, 8);
			a.group = n == 0 ? KVM_DEV_FLIC_CLEAR_IRQS :
				  n == 1 ? KVM_DEV_FLIC_APF_ENABLE :
				  n == 2 ? KVM_DEV_FLIC_APF_DISABLE_WAIT : KVM_DEV_FLIC_CLEAR_IO_IRQ;
			*(__u32 *)cmma = rnd(seed, 8) ? 1U << 16 | rnd(seed, 16) : 0;
			a.attr = rnd(seed, 8) ? 4 : rnd(seed, 8);
			a.addr = (uintptr_t)cmma;
			check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "FLIC CLEAR");
			break;
		case 4: {
			/* adapters 0-3 under AIS: register, mask, mode, inject */
			struct kvm_s390_io_adapter ad = {
				.id = rnd(seed, 4), .isc = rnd(seed, 9), .maskable = rnd(seed, 2),
				.flags = rnd(seed, 2) ? KVM_S390_ADAPTER_SUPPRESSIBLE : 0,
			};
			struct kvm_s390_io_adapter_req req = {
				.id = rnd(seed, 5), .type = rnd(seed, 4), .mask = rnd(seed, 2),
			};
			struct kvm_s390_ais_req ais = { .isc = rnd(seed, 9), .mode = rnd(seed, 3) };
			struct kvm_s390_ais_all all = { .simm = rand_r(seed), .nimm = rand_r(seed) };
			struct kvm_enable_cap cap = { .cap = KVM_CAP_S390_AIS };

			if (vm >= 0 && rnd(seed, 8) == 0)
				check(ioctl(vm, KVM_ENABLE_CAP, &cap), 0, "ENABLE_CAP(S390_AIS)");
			if (dev < 0)
				break;
			switch (rnd(seed, 5)) {
			case 0:
				a.group = KVM_DEV_FLIC_ADAPTER_REGISTER;
				a.addr = (uintptr_t)&ad;
				break;
			case 1:
				a.group = KVM_DEV_FLIC_ADAPTER_MODIFY;
				a.addr = (uintptr_t)&req;
				break;
			case 2:
				a.group = KVM_DEV_FLIC_AISM;
				a.addr = (uintptr_t)&ais;
				break;
			case 3:
				a.group = KVM_DEV_FLIC_AISM_ALL;
				a.attr = rnd(seed, 4) ? sizeof(all) : 1;
				a.addr = (uintptr_t)&all;
				break;
			default:
				a.group = KVM_DEV_FLIC_AIRQ_INJECT;
				a.attr = rnd(seed, 5);
				break;
			}
			if (a.group == KVM_DEV_FLIC_AISM_ALL && rnd(seed, 2))
				r = check(ioctl(dev, KVM_GET_DEVICE_ATTR, &a), 0, "FLIC AISM_ALL get");
			else
				r = check(ioctl(dev, KVM_SET_DEVICE_ATTR, &a), 0, "FLIC adapter/AIS");
			if (r == 0 && a.group == KVM_DEV_FLIC_AIRQ_INJECT)
				atomic_fetch_add(&s390_injected, 1);
			break;
		}
		case 5:
		case 6: {
			/* the VM's attributes; a CPU model write may meet vCPU k's creation */
			static const __u32 groups[] = {
				KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_TOD,
				KVM_S390_VM_CRYPTO, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MIGRATION,
			};
			static __thread struct kvm_s390_vm_tod_clock tod;
			__u64 v = rnd(seed, 2) ? ~0ULL : (__u64)(1 + rnd(seed, 8)) << 30;
			unsigned long op = rnd(seed, 3) ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR;

			if (vm < 0)
				break;
			a.group = groups[rnd(seed, 6)];
			a.attr = rnd(seed, 6);
			a.addr = (uintptr_t)&v;
			if (a.group == KVM_S390_VM_CPU_MODEL) {
				/* the machine's model, or a random ibc and features */
				a.addr = (uintptr_t)&mach;
				a.attr = KVM_S390_VM_CPU_MACHINE;
				check(ioctl(vm, KVM_GET_DEVICE_ATTR, &a), 0, "VM CPU_MACHINE");
				proc.cpuid = mach.cpuid;
				proc.ibc = rnd(seed, 4) ? mach.ibc & 0xfff : (__u32)rand_r(seed);
				memcpy(proc.fac_list, mach.fac_list, sizeof(proc.fac_list));
				a.attr = rnd(seed, 6);
				a.addr = a.attr == KVM_S390_VM_CPU_PROCESSOR ? (uintptr_t)&proc :
					 a.attr == KVM_S390_VM_CPU_MACHINE ? (uintptr_t)&mach :
					 a.attr >= KVM_S390_VM_CPU_PROCESSOR_SUBFUNC ? (uintptr_t)&sub :
					 (uintptr_t)mach.fac_list; /* FEAT: 128 bytes */
				if (a.attr == KVM_S390_VM_CPU_PROCESSOR_FEAT && rnd(seed, 4) == 0)
					mach.fac_list[rnd(seed, 16)] = (__u64)rand_r(seed) << 32;
			} else if (a.group == KVM_S390_VM_TOD) {
				tod.epoch_idx = rnd(seed, 4) == 0;
				tod.tod = (__u64)rand_r(seed) << 32;
				a.addr = (uintptr_t)&tod;
			}
			r = check(ioctl(vm, op, &a), 0, "VM attribute");
			if (op == KVM_SET_DEVICE_ATTR && a.group == KVM_S390_VM_CPU_MODEL) {
				if (r == 0)
					atomic_fetch_add(&s390_models, 1);
				else if (errno == EBUSY)
					atomic_fetch_add(&s390_model_busy, 1);
			}
			if (r == 0 && op == KVM_SET_DEVICE_ATTR && a.group == KVM_S390_VM_MIGRATION &&
			    a.attr == KVM_S390_VM_MIGRATION_START)
				atomic_fetch_add(&s390_migrations, 1);
			break;
		}
		case 7:
			/* vCPU k of the slot, perhaps while another thread writes the model */
			if (vm >= 0 && (vcpu < 0 || rnd(seed, 4) == 0)) {
				int v = check(ioctl(vm, KVM_CREATE_VCPU, k), 1, "CREATE_VCPU(s390)");

				if (v >= 0) {
					if (vcpu >= 0)
						close(vcpu);
					vcpu = dup(v);
					put_at(vcpus, i * (NVCPU / NVM) + k, v);
				}
			}
			break;
		default: {
			/* the guest: an injection, its CRs and PSW, a take; CMMA values */
			struct kvm_s390_interrupt si = { 0 };
			struct kvm_ext_s390_sregs sr;
			struct kvm_ext_guest_access g = { .kind = KVM_EXT_ACCESS_INTERRUPT };
			struct kvm_s390_cmma_log log = {
				.start_gfn = rnd(seed, 1024), .count = rnd(seed, 65),
				.flags = rnd(seed, 8) == 0 ? rnd(seed, 4) : 0,
				.mask = rnd(seed, 2) ? ~0ULL : (__u64)rand_r(seed),
				.values = (uintptr_t)cmma,
			};
			long size = ioctl(sysfd, KVM_GET_VCPU_MMAP_SIZE, 0);
			void *run;

			s390_irq(seed, &irqs[0]);
			si.type = (__u32)irqs[0].type;
			si.parm = rnd(seed, 2) ? 1U << 16 | rnd(seed, 16) : (__u32)rand_r(seed);
			si.parm64 = (__u64)rand_r(seed) << 32 | (__u32)rnd(seed, 8) << 27;
			if (vm >= 0 &&
			    check(ioctl(vm, KVM_S390_INTERRUPT, &si), 0, "S390_INTERRUPT") == 0)
				atomic_fetch_add(&s390_injected, 1);
			if (vm >= 0 && rnd(seed, 2))
				check(ioctl(vm, rnd(seed, 2) ? KVM_S390_GET_CMMA_BITS :
					  KVM_S390_SET_CMMA_BITS, &log), 0, "S390_GET/SET_CMMA_BITS");
			if (vcpu < 0)
				break;
			if (rnd(seed, 2) &&
			    check(ioctl(vcpu, KVM_EXT_S390_GET_SREGS, &sr), 0, "GET_SREGS") == 0) {
				sr.crs[0] = rnd(seed, 2) ? sr.crs[0] | 0x200 : sr.crs[0];
				sr.crs[6] = (__u64)rnd(seed, 256) << 24;
				check(ioctl(vcpu, KVM_EXT_S390_SET_SREGS, &sr), 0, "SET_SREGS");
			}
			run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
			if (run != MAP_FAILED) {
				*(volatile __u64 *)((char *)run + KVM_EXT_S390_RUN_PSW_MASK) =
					(__u64)rnd(seed, 8) << 56 | (rnd(seed, 2) ?
					 KVM_EXT_S390_PSW_MASK_MCHECK : 0);
				if (check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &g), 0,
					  "GUEST_ACCESS(INTERRUPT)") == 0 &&
				    g.result == KVM_EXT_RESULT_KERNEL)
					atomic_fetch_add(&s390_takes, 1);
				munmap(run, size);
			}
			break;
		}
		}
		memset(&a, 0, sizeof(a));
	}
	if (vm >= 0)
		close(vm);
	if (dev >= 0)
		close(dev);
	if (vcpu >= 0)
		close(vcpu);
}

/*
 * A load of the page at p by the process: 0, or the signal it raised. Only
 * SIGBUS is the ABI's (a source that does not exist or is not
 * initialised, the TIMA's HW and HV pages); a SIGSEGV on a load fails the run.
 */
static int touch_page(const volatile unsigned char *p)
{
	int sig;

	sig = sigsetjmp(touch_jmp, 1);
	if (sig == 0) {
		touch_armed = 1;
		(void)*(const volatile uint64_t *)p;
		touch_armed = 0;
	}
	atomic_fetch_add(&xive_faults, 1);
	if (sig == SIGBUS)
		atomic_fetch_add(&xive_sigbus, 1);
	if (sig && sig != SIGBUS) {
		fprintf(stderr, "stress: a XIVE page load raised signal %d\n", sig);
		atomic_fetch_add(&bad, 1);
	}
	return sig;
}

/* XIVE's mappings in the guest, within op_guest()'s addresses */
#define XIVE_NSRC 64
#define XIVE_TIMA_GPA 0x300000ULL
#define XIVE_ESB_GPA 0x200000ULL

/*
 * ppc: the device fd of VM slot i mmapped (the TIMA's 4 pages or the ESB
 * pages of sources 0-63, as QEMU maps them) and its pages loaded by the
 * process, while other threads (re)initialise sources and reset the
 * device (unmap_mapping_range) and close the fds: a page may map or
 * SIGBUS (the source touched is often initialised first, so that its pages
 * map). Now and then the mapping backs a memslot (12: TIMA, 13: ESB)
 * and the guest stores triggers and loads EOI, SET_PQ, ACK_OS_REG there,
 * or the source is re-initialised or the device reset between loads.
 * The mapping is unmapped at the end, sometimes after the fd's close.
 */
static void op_xive_mmap(unsigned int *seed)
{
	int i = rnd(seed, NVM), k = rnd(seed, NVCPU / NVM);
	int dev = take_at(devs, i), vm = -1, vcpu = -1, tima = rnd(seed, 3) == 0, n, j;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t npages = tima ? 4 : 2 * XIVE_NSRC;
	__u64 gpa = tima ? XIVE_TIMA_GPA : XIVE_ESB_GPA;
	unsigned char *p;

	if (dev < 0)
		return;
	p = mmap(NULL, npages * page, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		 (off_t)((tima ? KVM_XIVE_TIMA_PAGE_OFFSET : KVM_XIVE_ESB_PAGE_OFFSET) * page));
	if (p == MAP_FAILED) {
		/* not a XIVE device (an XICS, VFIO): -ENODEV */
		check(-1, 0, "mmap(XIVE)");
		close(dev);
		return;
	}
	if (rnd(seed, 2)) {
		struct kvm_userspace_memory_region m = {
			.slot = 12 + !tima, .guest_phys_addr = gpa,
			.memory_size = npages * page, .userspace_addr = (uintptr_t)p,
		};

		vm = take_at(vms, i);
		vcpu = take_at(vcpus, i * (NVCPU / NVM) + k);
		if (vm >= 0 && check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m), 0,
				     "SET_USER_MEMORY_REGION(XIVE)") != 0) {
			close(vm);
			vm = -1;
		}
	}
	if (rnd(seed, 4) == 0) {
		close(dev); /* the mapping holds the device */
		dev = -1;
	}
	for (n = 1 + rnd(seed, 8); n > 0; n--) {
		unsigned int src = rnd(seed, XIVE_NSRC);
		size_t pg = tima ? rnd(seed, 4) : 2 * src + rnd(seed, 2);
		struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM, .len = 8 };
		__u64 zero = 0;
		struct kvm_device_attr init = { .group = KVM_DEV_XIVE_GRP_SOURCE, .attr = src,
						.addr = (uintptr_t)&zero };

		/* mostly a source that exists, so that the page maps (or just went) */
		if (!tima && dev >= 0 && rnd(seed, 2))
			check(ioctl(dev, KVM_SET_DEVICE_ATTR, &init), 0, "XIVE SOURCE");
		touch_page(p + pg * page + (rnd(seed, 2) ? 0x800 : 0));
		if (vcpu >= 0 && vm >= 0) {
			/* the guest: trigger, EOI, SET_PQ, GET; ACK_OS_REG, CPPR */
			static const uint16_t esb_offs[] = { 0, 0x800, 0xc00, 0xd00, 0xe00, 0xf00 };

			a.addr = gpa + pg * page +
				 (tima ? (rnd(seed, 2) ? 0x810 : 0x11) : esb_offs[rnd(seed, 6)]);
			if (tima) {
				a.len = a.addr & 1 ? 1 : 2;
				a.flags = a.addr & 1 ? KVM_EXT_ACCESS_WRITE : 0;
				a.data = 0xff;
			} else if (pg % 2 == 0) {
				a.flags = KVM_EXT_ACCESS_WRITE;
			}
			check(ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a), 0, "GUEST_ACCESS(XIVE)");
		}
		if (dev >= 0 && rnd(seed, 4) == 0) {
			__u64 val = 0;
			struct kvm_device_attr at = { .group = KVM_DEV_XIVE_GRP_SOURCE, .attr = src,
						      .addr = (uintptr_t)&val };

			if (rnd(seed, 4) == 0) {
				at.group = KVM_DEV_XIVE_GRP_CTRL;
				at.attr = KVM_DEV_XIVE_RESET;
			}
			check(ioctl(dev, KVM_SET_DEVICE_ATTR, &at), 0, "XIVE SOURCE/RESET");
		}
	}
	/* the pages once more, all of them, then gone */
	for (j = 0; j < (int)npages; j += tima ? 1 : 1 + rnd(seed, 16))
		touch_page(p + (size_t)j * page);
	if (vm >= 0) {
		struct kvm_userspace_memory_region m = { .slot = 12 + !tima, .guest_phys_addr = gpa };

		check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m), 0, "SET_USER_MEMORY_REGION(del)");
		close(vm);
	}
	munmap(p, npages * page);
	if (vcpu >= 0)
		close(vcpu);
	if (dev >= 0)
		close(dev);
}

/* The module parameter, written as a whole (a failure fails the run). */
static void write_ppc_host(const char *val)
{
	int fd = open(PPC_HOST_PARAM, O_WRONLY);

	atomic_fetch_add(&ops, 1);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		fprintf(stderr, "stress: writing %s to ppc_host failed\n", val);
		atomic_fetch_add(&bad, 1);
	}
	if (fd >= 0)
		close(fd);
}

static const __u32 ppc_intcs[] = {
	KVM_DEV_TYPE_XICS, KVM_DEV_TYPE_XIVE, KVM_DEV_TYPE_FSL_MPIC_20, KVM_DEV_TYPE_FSL_MPIC_42,
};

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop)) {
		int fd, i;

		i = rnd(&seed, is_ppc ? 29 : is_s390 ? 28 : 23);
		if (i >= 23 && is_s390) {
			op_s390(&seed);
			continue;
		}
		switch (i) {
		case 0:
			/* ppc: the next VMs on the POWER8, the POWER9 or the e500mc host */
			if (is_ppc && rnd(&seed, 2))
				write_ppc_host(ppc_hosts[rnd(&seed, 3)]);
			fd = check(ioctl(sysfd, KVM_CREATE_VM, rnd(&seed, 3)), 1, "CREATE_VM");
			if (fd >= 0)
				put_entry(vms, NVM, &seed, fd);
			break;
		case 1:
			drop_entry(vms, NVM, &seed);
			break;
		case 2:
			/* a vCPU's slot says which VM slot it was made in */
			fd = take_idx(vms, NVM, &seed, &i);
			if (fd >= 0) {
				int v = check(ioctl(fd, KVM_CREATE_VCPU, rnd(&seed, 6)), 1,
					      "CREATE_VCPU");

				if (v >= 0)
					put_at(vcpus, i * (NVCPU / NVM) + rnd(&seed, NVCPU / NVM), v);
				close(fd);
			}
			break;
		case 3:
			drop_entry(vcpus, NVCPU, &seed);
			break;
		case 4:
		case 5:
			fd = take(vms, NVM, &seed);
			if (fd >= 0) {
				op_memslot(fd, &seed);
				close(fd);
			}
			break;
		case 6:
			/* a device's slot is its VM's */
			fd = take_idx(vms, NVM, &seed, &i);
			if (fd >= 0) {
				struct kvm_create_device cd = {
					.type = rnd(&seed, 12), .flags = rnd(&seed, 4) == 0,
				};

				/* ppc: mostly the interrupt controllers; s390: the FLIC */
				if (is_ppc && rnd(&seed, 2))
					cd.type = ppc_intcs[rnd(&seed, 4)];
				if (is_s390 && rnd(&seed, 2))
					cd.type = KVM_DEV_TYPE_FLIC;

				if (check(ioctl(fd, KVM_CREATE_DEVICE, &cd), 0, "CREATE_DEVICE") == 0 &&
				    !cd.flags) {
					if (is_ppc && cd.type == KVM_DEV_TYPE_XIVE)
						atomic_fetch_add(&xive_devs, 1);
					if (is_ppc && (cd.type == KVM_DEV_TYPE_FSL_MPIC_20 ||
						       cd.type == KVM_DEV_TYPE_FSL_MPIC_42))
						atomic_fetch_add(&mpic_devs, 1);
					put_at(devs, i, cd.fd);
				}
				close(fd);
			}
			break;
		case 7:
			drop_entry(devs, NDEV, &seed);
			break;
		case 8:
			fd = take(devs, NDEV, &seed);
			if (fd < 0)
				fd = take(vms, NVM, &seed);
			if (fd < 0)
				fd = take(vcpus, NVCPU, &seed);
			if (fd >= 0) {
				op_attr(fd, &seed);
				close(fd);
			}
			break;
		case 9:
		case 10:
			fd = take_idx(vcpus, NVCPU, &seed, &i);
			if (fd >= 0) {
				op_guest(fd, i / (NVCPU / NVM), &seed);
				close(fd);
			}
			break;
		case 11:
		case 12:
			fd = take(vcpus, NVCPU, &seed);
			if (fd >= 0) {
				op_run(fd, &seed);
				close(fd);
			}
			break;
		case 14:
			fd = take(vms, NVM, &seed);
			if (fd >= 0) {
				op_irq_line(fd, &seed);
				close(fd);
			}
			break;
		case 15:
			fd = take(vms, NVM, &seed);
			if (fd >= 0) {
				op_irqfd(fd, &seed);
				close(fd);
			}
			break;
		case 16:
			fd = take(vms, NVM, &seed);
			if (fd >= 0) {
				op_routing(fd, &seed);
				close(fd);
			}
			break;
		case 17:
			op_eventfd(&seed);
			break;
		case 18:
			fd = take(vms, NVM, &seed);
			if (fd >= 0) {
				op_ioeventfd(fd, &seed);
				close(fd);
			}
			break;
		case 19:
			op_stats_fd(&seed);
			break;
		case 20:
			op_stats_read(&seed);
			break;
		case 21:
			drop_entry(stats, NSTATS, &seed);
			break;
		case 22:
			fd = take(vcpus, NVCPU, &seed);
			if (fd >= 0) {
				op_sigmask(fd, &seed);
				close(fd);
			}
			break;
		case 23:
			op_xive(&seed);
			break;
		case 24:
		case 25:
			op_xive_mmap(&seed);
			break;
		case 26:
		case 27:
		case 28:
			op_mpic(&seed);
			break;
		case 13:
			if (rnd(&seed, 20) == 0) {
				fd = take(vms, NVM, &seed);
				if (fd >= 0) {
					op_fork(fd);
					close(fd);
				}
			}
			break;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int seconds = argc > 2 ? atoi(argv[2]) : 20;
	int nthreads = argc > 3 ? atoi(argv[3]) : 4;
	unsigned int seed = argc > 4 ? strtoul(argv[4], NULL, 0) : (unsigned int)time(NULL);
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t threads[16];
	char joined[16] = { 0 };
	int left;
	struct timespec end, now;
	FILE *f;
	long allocs = -1;
	int i;

	if (argc < 2 || nthreads < 1 || nthreads > 16) {
		fprintf(stderr, "usage: %s NODE [SECONDS] [THREADS 1-16] [SEED]\n", argv[0]);
		return 2;
	}
	node = argv[1];
	is_ppc = strlen(node) >= 4 && !strcmp(node + strlen(node) - 4, "/ppc");
	is_s390 = strlen(node) >= 5 && !strcmp(node + strlen(node) - 5, "/s390");
	if (is_ppc) {
		f = fopen(PPC_HOST_PARAM, "r");
		if (!f || !fgets(ppc_host_before, sizeof(ppc_host_before), f)) {
			perror(PPC_HOST_PARAM);
			return 1;
		}
		fclose(f);
		ppc_host_before[strcspn(ppc_host_before, "\n")] = 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* No SA_RESTART: a signalled KVM_RUN returns -EINTR. */
	sigaction(SIGUSR1, &sa, NULL);
	/* ppc: loads of XIVE pages may SIGBUS (op_xive_mmap()) */
	sa.sa_handler = on_fault;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sysfd = open(node, O_RDWR | O_CLOEXEC);
	if (sysfd < 0) {
		perror(node);
		return 1;
	}
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < NVM; i++)
		vms[i] = -1;
	for (i = 0; i < NVCPU; i++)
		vcpus[i] = -1;
	for (i = 0; i < NDEV; i++)
		devs[i] = -1;
	for (i = 0; i < NEFD; i++)
		efds[i] = -1;
	for (i = 0; i < NSTATS; i++)
		stats[i] = -1;

	printf("stress: %s, %d threads, %d s, seed %u\n", node, nthreads, seconds, seed);
	for (i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, worker, (void *)(uintptr_t)(seed + i));
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	do {
		struct timespec kick = { .tv_nsec = 5 * 1000 * 1000 };

		nanosleep(&kick, NULL);
		for (i = 0; i < nthreads; i++)
			pthread_kill(threads[i], SIGUSR1);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < end.tv_sec ||
		 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
	atomic_store(&stop, 1);
	/*
	 * Keep kicking every worker still there until all have left: one may
	 * wait (killable, deaf to SIGUSR1) for a vCPU mutex that another holds
	 * in KVM_RUN, which only a signal to that other one ends.
	 */
	for (left = nthreads; left;) {
		for (i = 0; i < nthreads; i++) {
			if (joined[i])
				continue;
			if (pthread_tryjoin_np(threads[i], NULL) == 0) {
				joined[i] = 1;
				left--;
			} else {
				pthread_kill(threads[i], SIGUSR1);
			}
		}
		usleep(1000);
	}
	for (i = 0; i < NVM; i++)
		if (vms[i] >= 0)
			close(vms[i]);
	for (i = 0; i < NVCPU; i++)
		if (vcpus[i] >= 0)
			close(vcpus[i]);
	for (i = 0; i < NEFD; i++)
		if (efds[i] >= 0)
			close(efds[i]);
	for (i = 0; i < NDEV; i++)
		if (devs[i] >= 0)
			close(devs[i]);
	for (i = 0; i < NSTATS; i++)
		if (stats[i] >= 0)
			close(stats[i]);
	close(sysfd);
	if (is_ppc)
		write_ppc_host(ppc_host_before);

	f = fopen("/sys/kernel/debug/kvm_ext/allocations", "r");
	if (f) {
		if (fscanf(f, "%ld", &allocs) != 1)
			allocs = -1;
		fclose(f);
	}
	printf("stress: %ld ioctls, %ld unexpected results, module allocations left %ld\n",
	       atomic_load(&ops), atomic_load(&bad), allocs);
	if (is_ppc)
		printf("stress: XIVE: %ld devices, %ld vCPU connections, %ld queues configured, "
		       "%ld page loads by the process (%ld SIGBUS)\n",
		       atomic_load(&xive_devs), atomic_load(&xive_connects),
		       atomic_load(&xive_queues), atomic_load(&xive_faults),
		       atomic_load(&xive_sigbus));
	if (is_ppc)
		printf("stress: MPIC: %ld devices, %ld vCPU connections, %ld guest IACKs that took "
		       "a vector\n",
		       atomic_load(&mpic_devs), atomic_load(&mpic_connects), atomic_load(&mpic_iacks));
	if (is_s390)
		printf("stress: s390: %ld FLICs, %ld interrupts enqueued or injected, %ld taken by "
		       "guests; %ld CPU model writes (%ld EBUSY after a vCPU), %ld migration starts\n",
		       atomic_load(&s390_flics), atomic_load(&s390_injected), atomic_load(&s390_takes),
		       atomic_load(&s390_models), atomic_load(&s390_model_busy),
		       atomic_load(&s390_migrations));
	if (atomic_load(&bad) || allocs != 0) {
		printf("FAIL: stress %s\n", node);
		return 1;
	}
	printf("PASS: stress %s (%ld ioctls in %d s)\n", node, atomic_load(&ops), seconds);
	return 0;
}
