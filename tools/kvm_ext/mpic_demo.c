// SPDX-License-Identifier: GPL-2.0
/*
 * The ppc node as QEMU's ppce500 machine (kvm-openpic) and its guest drive
 * the Freescale MPIC on an emulated e500mc host: a VM with an MPIC v4.2
 * placed where ppce500 puts it, 2 vCPUs connected as CPUs 0 and 1
 * (KVM_CAP_IRQ_MPIC), GSIs routed to its pins and to an MSI
 * (KVM_SET_GSI_ROUTING), sources configured through
 * KVM_DEV_MPIC_GRP_REGISTER; KVM_IRQ_LINE and an irqfd raise them, the
 * vCPU's KVM_RUN exits with KVM_EXIT_EXT_INTERRUPT, and the guest takes
 * them at BASE_ADDR (KVM_EXT_GUEST_ACCESS): IACK, EOI, an IPI through
 * IPIDR, MSIs through an MSI route and KVM_SIGNAL_MSI read back from their
 * MSIR. Then every register is saved through GRP_REGISTER with the
 * sources' lines (GRP_IRQ_ACTIVE) and the unread MSIs, restored into a
 * fresh VM, compared, and the new VM takes what was left pending.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "mpic_demo.h"

#define NVCPU 2
#define BASE 0xe0040000ULL /* ppce500: CCSR 0xe0000000, the MPIC at +0x40000 */
#define NSRC 256
#define NMSI 8

/* register offsets (Linux 6.1's arch/powerpc/kvm/mpic.c) */
#define BRR1 0x0
#define FRR 0x1000
#define GCR 0x1020
#define VIR 0x1080
#define IPI_IVPR(n) (0x10a0 + 0x10 * (n))
#define SPVE 0x10e0
#define TFRR 0x10f0
#define MSIR(n) (0x1600 + 0x10 * (n))
#define MSISR 0x1720
#define MSIIR 0x1740
#define IVPR(n) (0x10000 + 0x20 * (n))
#define IDR(n) (IVPR(n) + 0x10)
#define ILR(n) (IVPR(n) + 0x18)
#define CPU(c) (0x20000 + 0x1000 * (c))
/* per-CPU registers, in a CPU's page or aliased at 0x40-0xb0 for the caller */
#define IPIDR(n) (0x40 + 0x10 * (n))
#define CTPR 0x80
#define WHOAMI 0x90
#define IACK 0xa0
#define EOI 0xb0

#define IVPR_MASK (1U << 31)
#define IVPR_ACTIVITY (1U << 30)
#define PRIO(p, vec) ((__u32)(p) << 16 | (vec))
#define MSIIR_VAL(bank, bit) ((__u32)(bank) << 29 | (__u32)(bit) << 24)
#define RO 0xffffffffU /* a register with no write to restore it */
#define NREGS 1024

struct mvm {
	int vm, dev, vcpu[NVCPU];
	struct kvm_run *run[NVCPU];
	long runsz;
};

/* Every register GRP_REGISTER reads, the lines and the unread MSIs. */
struct mpic_state {
	__u32 reg[NREGS];
	__u32 active[NSRC];
	__u32 msir[NMSI];
};

static int failures;

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("    UNEXPECTED: %s\n", what);
		failures++;
	}
}

static int attr(int dev, unsigned long op, __u32 group, __u64 a, void *val)
{
	struct kvm_device_attr at = { .group = group, .attr = a, .addr = (unsigned long)val };

	return ioctl(dev, op, &at);
}

static __u32 reg(int dev, __u32 off)
{
	__u32 v = 0;

	must(attr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_REGISTER, off, &v) == 0,
	     "GRP_REGISTER read");
	return v;
}

static void set_reg(int dev, __u32 off, __u32 v)
{
	must(attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_REGISTER, off, &v) == 0,
	     "GRP_REGISTER write");
}

/* A 4-byte load or store by the guest at BASE_ADDR + off, handled in the kernel. */
static __u32 gload(struct mvm *m, int v, __u32 off)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM, .addr = BASE + off,
					  .len = 4 };

	must(ioctl(m->vcpu[v], KVM_EXT_GUEST_ACCESS, &a) == 0 &&
	     a.result == KVM_EXT_RESULT_KERNEL, "guest load handled by the MPIC");
	return (__u32)a.data;
}

static void gstore(struct mvm *m, int v, __u32 off, __u32 val)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM,
					  .flags = KVM_EXT_ACCESS_WRITE,
					  .addr = BASE + off, .len = 4, .data = val };

	must(ioctl(m->vcpu[v], KVM_EXT_GUEST_ACCESS, &a) == 0 &&
	     a.result == KVM_EXT_RESULT_KERNEL, "guest store handled by the MPIC");
}

/*
 * The vCPU's MPIC output as KVM_RUN's idle guest sees it: up, KVM_RUN
 * returns at once with KVM_EXIT_EXT_INTERRUPT; down, it waits until a
 * SIGALRM 20 ms later (-EINTR).
 */
static int output_up(struct mvm *m, int v)
{
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	int r;

	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(m->vcpu[v], KVM_RUN, 0);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	if (r == 0 && m->run[v]->exit_reason == KVM_EXIT_EXT_INTERRUPT)
		return 1;
	must(r == -1 && errno == EINTR, "KVM_RUN: an interrupt exit or the signal");
	return 0;
}

static void mvm_free(struct mvm *m)
{
	int i;

	for (i = 0; i < NVCPU; i++) {
		if (m->run[i] && m->run[i] != MAP_FAILED)
			munmap(m->run[i], m->runsz);
		if (m->vcpu[i] > 0)
			close(m->vcpu[i]);
	}
	if (m->dev > 0)
		close(m->dev);
	if (m->vm > 0)
		close(m->vm);
}

/*
 * A VM on the e500mc (ppc_host is read when the VM is made), its MPIC v4.2
 * at BASE, vCPUs 0 and 1 connected as CPUs 0 and 1.
 */
static int mvm_new(int sys, struct mvm *m)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FSL_MPIC_42 };
	__u64 base = BASE;
	int i;

	memset(m, 0, sizeof(*m));
	m->runsz = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	m->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (m->vm < 0 || ioctl(m->vm, KVM_CREATE_DEVICE, &cd))
		return -1;
	m->dev = (int)cd.fd;
	for (i = 0; i < NVCPU; i++) {
		struct kvm_enable_cap c = { .cap = KVM_CAP_IRQ_MPIC,
					    .args = { (__u64)m->dev, (__u64)i } };

		m->vcpu[i] = ioctl(m->vm, KVM_CREATE_VCPU, i);
		if (m->vcpu[i] < 0 || ioctl(m->vcpu[i], KVM_ENABLE_CAP, &c))
			return -1;
		m->run[i] = mmap(NULL, m->runsz, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu[i], 0);
		if (m->run[i] == MAP_FAILED)
			return -1;
	}
	return attr(m->dev, KVM_SET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_MISC, KVM_DEV_MPIC_BASE_ADDR,
		    &base);
}

/*
 * Every register GRP_REGISTER has, as a read offset and the offset that
 * writes it back (RO: none), in the order a restore writes them
 * (destinations before a source's IVPR unmasks it). 6.1's timer block
 * reads each register 0x10 below where it writes it (openpic_tmr_read()
 * decodes the offset within the block, openpic_tmr_write() the absolute
 * one), so a timer's TBCR, TVPR and TDR go back 0x10 above where they
 * were read. Returns how many.
 */
static int reg_list(__u32 *rd, __u32 *wr)
{
	int n = 0, i, r;

#define ADD(r_, w_) (rd[n] = (r_), wr[n] = (w_), n++)
	ADD(BRR1, RO);
	ADD(FRR, RO);
	ADD(VIR, RO);
	ADD(GCR, GCR);
	ADD(SPVE, SPVE);
	ADD(TFRR, TFRR);
	for (i = 0; i < 4; i++)
		for (r = 0x10; r <= 0x30; r += 0x10)
			ADD(TFRR + 0x40 * i + r, TFRR + 0x40 * i + r + 0x10);
	for (i = 0; i < 4; i++)
		ADD(IPI_IVPR(i), IPI_IVPR(i));
	for (i = 0; i < NSRC; i++) {
		ADD(IDR(i), IDR(i));
		ADD(ILR(i), ILR(i));
		ADD(IVPR(i), IVPR(i));
	}
	for (i = 0; i < 32; i++) {
		ADD(CPU(i) + CTPR, CPU(i) + CTPR);
		ADD(CPU(i) + WHOAMI, RO);
	}
	ADD(MSISR, RO);
#undef ADD
	return n;
}

/*
 * Saves the device's state through its attributes: the registers, the
 * sources' lines, then the MSIRs of the banks MSISR shows (a read clears
 * an MSIR, so they come last).
 */
static int save(int dev, struct mpic_state *s)
{
	__u32 rd[NREGS], wr[NREGS], msisr;
	int n = reg_list(rd, wr), i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++)
		s->reg[i] = reg(dev, rd[i]);
	for (i = 0; i < NSRC; i++)
		must(attr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, i,
			  &s->active[i]) == 0, "IRQ_ACTIVE read");
	msisr = reg(dev, MSISR);
	for (i = 0; i < NMSI; i++)
		if (msisr & (1U << i))
			s->msir[i] = reg(dev, MSIR(i));
	return n;
}

/*
 * Restores into a fresh MPIC (its vCPUs connected, so that IDRs keep their
 * CPUs): the registers, the CTPRs, the lines, and each unread MSI written
 * again to MSIIR.
 */
static void restore(int dev, const struct mpic_state *s)
{
	__u32 rd[NREGS], wr[NREGS];
	int n = reg_list(rd, wr), i, b;

	for (i = 0; i < n; i++)
		if (wr[i] != RO)
			set_reg(dev, wr[i], s->reg[i]);
	for (i = 0; i < NSRC; i++) {
		__u32 v = s->active[i];

		must(attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_MPIC_GRP_IRQ_ACTIVE, i, &v) == 0,
		     "IRQ_ACTIVE restored");
	}
	for (i = 0; i < NMSI; i++)
		for (b = 0; b < 32; b++)
			if (s->msir[i] & (1U << b))
				set_reg(dev, MSIIR, MSIIR_VAL(i, b));
}

struct waiter {
	struct mvm *m;
	int v, r, err;
};

static void *run_vcpu(void *arg)
{
	struct waiter *w = arg;

	w->r = ioctl(w->m->vcpu[w->v], KVM_RUN, 0);
	w->err = errno;
	return NULL;
}

static void read_host(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/kvm_ext/parameters/ppc_host", "r");

	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "power8");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static void set_host(const char *host)
{
	FILE *f = fopen("/sys/module/kvm_ext/parameters/ppc_host", "w");

	must(f && fputs(host, f) >= 0 && fclose(f) == 0, "ppc_host set");
}

static int set_routing(int vm)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[4];
	} r = { .hdr.nr = 4 };
	int i;

	for (i = 0; i < 3; i++) {
		r.e[i].gsi = 3 + i; /* GSIs 3-5 to pins 3-5 of irqchip 0 */
		r.e[i].type = KVM_IRQ_ROUTING_IRQCHIP;
		r.e[i].u.irqchip.pin = 3 + i;
	}
	r.e[3].gsi = 64; /* an MSI: MSIIR, bank 1, bit 5 */
	r.e[3].type = KVM_IRQ_ROUTING_MSI;
	r.e[3].u.msi.address_lo = (__u32)(BASE + MSIIR);
	r.e[3].u.msi.data = MSIIR_VAL(1, 5);
	return ioctl(vm, KVM_SET_GSI_ROUTING, &r);
}

static int irq_line(int vm, __u32 gsi, __u32 level, __s32 *status)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };
	int r = ioctl(vm, KVM_IRQ_LINE_STATUS, &l);

	if (status)
		*status = l.status;
	return r;
}

/* A source's IVPR (unmasked: priority, vector) and its destination CPUs. */
static void source(int dev, __u32 n, __u32 ivpr, __u32 cpus)
{
	set_reg(dev, IDR(n), cpus);
	set_reg(dev, IVPR(n), ivpr);
}

int mpic_demo(int sys)
{
	struct mvm a, b;
	struct mpic_state sa, sb;
	struct kvm_irqfd irqfd = { .gsi = 4 };
	struct kvm_msi msi = { .address_lo = (__u32)(BASE + MSIIR), .data = MSIIR_VAL(1, 9) };
	struct waiter w;
	pthread_t t;
	char host[16];
	__u64 one = 1;
	__u32 v, v2, msisr;
	__s32 status;
	int i, n, efd, diff;

	failures = 0;
	read_host(host, sizeof(host));
	set_host("e500mc");
	i = mvm_new(sys, &a) || mvm_new(sys, &b);
	set_host(host);
	printf("  MPIC on the e500mc host: KVM_CAP_IRQ_MPIC %d; an FSL MPIC v4.2 at %#llx, "
	       "vCPUs 0-1 connected as CPUs 0-1\n",
	       ioctl(a.vm, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_MPIC), BASE);
	if (i) {
		must(0, "VMs with an MPIC and 2 connected vCPUs");
		mvm_free(&a);
		mvm_free(&b);
		return failures;
	}
	printf("    BRR1 %#x, FRR %#x (196 sources, 2 CPUs), WHOAMI as vCPU 1: %u\n",
	       reg(a.dev, BRR1), reg(a.dev, FRR), gload(&a, 1, WHOAMI));
	must(reg(a.dev, FRR) >> 8 == (195U << 8 | 1), "FRR: 196 sources, 2 CPUs");

	/* the routing table: the MPIC's creation left it empty */
	must(irq_line(a.vm, 3, 1, &status) == 0 && status == -1, "no route yet");
	must(set_routing(a.vm) == 0, "KVM_SET_GSI_ROUTING");
	printf("    KVM_IRQ_LINE(GSI 3) before routing: status %d (the MPIC's creation emptied "
	       "the table); routed GSIs 3-5 to pins 3-5, GSI 64 to an MSI (MSIIR bank 1 bit 5)\n",
	       status);

	/* the guest's setup: spurious vector, CTPR 0 on both CPUs, the sources */
	set_reg(a.dev, SPVE, 0xff);
	set_reg(a.dev, CPU(0) + CTPR, 0);
	set_reg(a.dev, CPU(1) + CTPR, 0);
	source(a.dev, 3, PRIO(5, 0x33), 1);	/* edge, to CPU 0 */
	source(a.dev, 4, PRIO(6, 0x44), 2);	/* edge, to CPU 1 */
	source(a.dev, 5, PRIO(4, 0x55), 1);	/* edge, to CPU 0 */
	source(a.dev, 225, PRIO(7, 0xe1), 1);	/* MSI bank 1, to CPU 0 */
	set_reg(a.dev, IPI_IVPR(0), PRIO(9, 0x90));
	must(!output_up(&a, 0) && !output_up(&a, 1), "outputs down");

	/* KVM_IRQ_LINE through the routing table, taken by vCPU 0 */
	must(irq_line(a.vm, 3, 1, &status) == 0 && status == 0, "GSI 3 delivered (6.1: 0)");
	must(irq_line(a.vm, 3, 0, NULL) == 0, "GSI 3 lowered");
	must(output_up(&a, 0), "vCPU 0's output up");
	v = gload(&a, 0, IACK);
	gstore(&a, 0, EOI, 0);
	v2 = gload(&a, 0, IACK);
	must(v == 0x33 && v2 == 0xff, "IACK 0x33, then spurious");
	must(!output_up(&a, 0), "vCPU 0's output down after EOI");
	printf("    KVM_IRQ_LINE(GSI 3): vCPU 0 KVM_RUN exits KVM_EXIT_EXT_INTERRUPT; guest IACK "
	       "-> %#x, EOI; IACK again -> %#x (spurious)\n", v, v2);

	/* an irqfd on GSI 4 wakes vCPU 1 waiting in KVM_RUN */
	efd = eventfd(0, EFD_CLOEXEC);
	irqfd.fd = (__u32)efd;
	must(efd >= 0 && ioctl(a.vm, KVM_IRQFD, &irqfd) == 0, "irqfd on GSI 4");
	w = (struct waiter){ .m = &a, .v = 1 };
	must(pthread_create(&t, NULL, run_vcpu, &w) == 0, "vCPU 1's thread");
	usleep(50000);
	must(write(efd, &one, sizeof(one)) == sizeof(one), "eventfd written");
	for (i = 0; i < 200 && pthread_tryjoin_np(t, NULL); i++)
		usleep(10000);
	if (i == 200) {
		pthread_kill(t, SIGALRM);
		pthread_join(t, NULL);
	}
	must(i < 200 && w.r == 0 && a.run[1]->exit_reason == KVM_EXIT_EXT_INTERRUPT,
	     "vCPU 1 woken by the irqfd");
	v = gload(&a, 1, CPU(1) + IACK);
	gstore(&a, 1, CPU(1) + EOI, 0);
	must(v == 0x44 && !output_up(&a, 1), "vCPU 1 takes source 4");
	printf("    irqfd on GSI 4: vCPU 1 waiting in KVM_RUN woken (KVM_EXIT_EXT_INTERRUPT); guest "
	       "IACK in CPU 1's page -> %#x, EOI\n", v);

	/* an IPI from vCPU 0 to CPU 1 */
	gstore(&a, 0, IPIDR(0), 1U << 1);
	must(output_up(&a, 1) && !output_up(&a, 0), "the IPI reaches CPU 1 only");
	v = gload(&a, 1, IACK);
	gstore(&a, 1, EOI, 0);
	must(v == 0x90 && !output_up(&a, 1), "vCPU 1 takes IPI 0");
	printf("    IPI: vCPU 0 writes IPIDR0 = 0x2; vCPU 1 IACK -> %#x, EOI\n", v);

	/* MSIs: through the MSI route and KVM_SIGNAL_MSI, into bank 1 */
	must(irq_line(a.vm, 64, 1, NULL) == 0, "KVM_IRQ_LINE on the MSI route");
	must(ioctl(a.vm, KVM_SIGNAL_MSI, &msi) >= 0, "KVM_SIGNAL_MSI");
	msisr = reg(a.dev, MSISR);
	must(output_up(&a, 0), "vCPU 0's output up for the MSI");
	v = gload(&a, 0, IACK);
	v2 = gload(&a, 0, MSIR(1));
	gstore(&a, 0, EOI, 0);
	must(msisr == 1U << 1 && v == 0xe1 && v2 == (1U << 5 | 1U << 9), "MSIR1 bits 5 and 9");
	must(reg(a.dev, MSIR(1)) == 0 && !output_up(&a, 0), "MSIR1 cleared by its read");
	printf("    MSI: KVM_IRQ_LINE(GSI 64) + KVM_SIGNAL_MSI(bank 1, bit 9): MSISR %#x; vCPU 0 "
	       "IACK -> %#x, MSIR1 -> %#x (read clears), EOI\n", msisr, v, v2);

	/* leave state behind: a pending edge, an unread MSI, a timer, GCR's mode */
	set_reg(a.dev, GCR, 0x20000000);
	set_reg(a.dev, TFRR, 50000000);
	set_reg(a.dev, TFRR + 0x20, 0x80001000); /* TBCR0: inhibited, count 0x1000 */
	set_reg(a.dev, TFRR + 0x30, IVPR_MASK | PRIO(3, 0x70)); /* TVPR0 */
	set_reg(a.dev, TFRR + 0x40, 1); /* TDR0 */
	set_reg(a.dev, IVPR(226), IVPR_MASK | PRIO(2, 0xe2));
	msi.data = MSIIR_VAL(2, 3);
	must(ioctl(a.vm, KVM_SIGNAL_MSI, &msi) >= 0, "KVM_SIGNAL_MSI to bank 2");
	must(irq_line(a.vm, 5, 1, NULL) == 0, "GSI 5 raised");
	must(output_up(&a, 0), "source 5 pending on vCPU 0");

	/* save, restore into the fresh VM (its vCPUs connected), compare */
	n = save(a.dev, &sa);
	restore(b.dev, &sa);
	save(b.dev, &sb);
	for (i = 0, diff = 0; i < n; i++)
		diff += sa.reg[i] != sb.reg[i];
	for (i = 0; i < NSRC; i++)
		diff += sa.active[i] != sb.active[i];
	for (i = 0; i < NMSI; i++)
		diff += sa.msir[i] != sb.msir[i];
	must(diff == 0, "the restored MPIC reads as the saved one");
	must(sa.active[5] == 1 && sa.msir[2] == 1U << 3, "the pending edge and MSI saved");
	printf("    saved %d registers (GRP_REGISTER), 256 lines (GRP_IRQ_ACTIVE: source 5's "
	       "edge 1), MSIR2 %#x; restored into a fresh VM: %d differences\n",
	       n, sa.msir[2], diff);
	printf("    (6.1 reads a timer's registers 0x10 below where it writes them: TBCR0 is read "
	       "at 0x1100, written at 0x1110)\n");
	must(output_up(&b, 0), "the new VM's vCPU 0 sees source 5");
	v = gload(&b, 0, IACK);
	gstore(&b, 0, EOI, 0);
	must(v == 0x55 && !output_up(&b, 0) && !output_up(&b, 1), "the new VM takes source 5");
	printf("    new VM: vCPU 0 KVM_RUN exits KVM_EXIT_EXT_INTERRUPT, IACK -> %#x, EOI\n", v);
	close(efd);
	mvm_free(&a);
	mvm_free(&b);
	return failures;
}
