// SPDX-License-Identifier: GPL-2.0
/*
 * GSI routing and irqfds: api.rst 4.52 KVM_SET_GSI_ROUTING, 4.75 KVM_IRQFD,
 * KVM_CAP_IRQ_ROUTING, KVM_CAP_IRQFD, KVM_CAP_IRQFD_RESAMPLE.
 *
 * - every errno row of both ioctls, in Linux 6.1's order where api.rst is
 *   silent (virt/kvm/kvm_main.c, irqchip.c, eventfd.c; arm64's
 *   kvm_set_routing_entry() in vgic-irqfd.c);
 * - a refused table changes nothing; GICv3 CTRL_INIT installs the default
 *   table (GSI n is SPI n + 32);
 * - with the test as the guest (kvm_ext only): an eventfd write arrives as
 *   a pending SPI the guest acknowledges, follows a routing change, wakes
 *   a vCPU in KVM_RUN; a resampling irqfd keeps a level SPI asserted until
 *   the guest's EOI, which lowers it and writes the resample eventfd; a
 *   deassigned or closed irqfd injects nothing more.
 *
 * The LPI path (an MSI route through the ITS) is in test_vgic_its.c.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi_test.h"
#include "vgic_common.h"

#define REF_ROUTING "api.rst 4.52 KVM_SET_GSI_ROUTING"
#define REF_IRQFD "api.rst 4.75 KVM_IRQFD"
#define REF_CAPS "api.rst 8.x KVM_CAP_IRQ_ROUTING, KVM_CAP_IRQFD, KVM_CAP_IRQFD_RESAMPLE"

#define MAX_ROUTES 4096 /* KVM_MAX_IRQ_ROUTES */
#define NUM_PINS 988	/* arm64 KVM_IRQCHIP_NUM_PINS: 1020 - 32 */

struct routing {
	struct kvm_irq_routing hdr;
	struct kvm_irq_routing_entry e[8];
};

static int set_routing(int vm, const struct kvm_irq_routing_entry *e, __u32 nr)
{
	struct routing r;

	memset(&r, 0, sizeof(r));
	r.hdr.nr = nr;
	memcpy(r.e, e, nr * sizeof(*e));
	return ioctl(vm, KVM_SET_GSI_ROUTING, &r);
}

static struct kvm_irq_routing_entry chip_route(__u32 gsi, __u32 irqchip, __u32 pin)
{
	struct kvm_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_IRQCHIP;
	e.u.irqchip.irqchip = irqchip;
	e.u.irqchip.pin = pin;
	return e;
}

static struct kvm_irq_routing_entry msi_route(__u32 gsi, __u32 flags)
{
	struct kvm_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_MSI;
	e.flags = flags;
	e.u.msi.address_lo = 0x08090040;
	return e;
}

static int irqfd(int vm, int fd, __u32 gsi, __u32 flags, int resamplefd)
{
	struct kvm_irqfd a;

	memset(&a, 0, sizeof(a));
	a.fd = (__u32)fd;
	a.gsi = gsi;
	a.flags = flags;
	a.resamplefd = (__u32)resamplefd;
	return ioctl(vm, KVM_IRQFD, &a);
}

static void signal_eventfd(int fd)
{
	__u64 one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		fail("eventfd write: %s", errno_name(errno));
}

/*
 * The guest's highest pending interrupt on vCPU i, polled for up to a
 * second: an injection that needs process context arrives from a work
 * item, after the eventfd write returned.
 */
static __u32 pending_within(const struct gic *g, int i, __u32 want)
{
	__u32 intid = SPURIOUS;
	int ms;

	for (ms = 0; ms < 1000; ms++) {
		intid = (__u32)icc_rd(g->vcpu[i], ICC_HPPIR1);
		if (intid == want)
			break;
		sleep_ms(1);
	}
	return intid;
}

/* The guest takes and completes the highest pending interrupt. */
static __u32 take(const struct gic *g, int i)
{
	__u32 intid = (__u32)icc_rd(g->vcpu[i], ICC_IAR1);

	if (intid != SPURIOUS)
		icc_wr(g->vcpu[i], ICC_EOIR1, intid);
	return intid;
}

/* A GICv3 VM with one vCPU, up and mapped, the guest's GIC on. */
static bool gic_vm(struct gic *g)
{
	return gic_guest_up(g, V3, 1, NULL);
}

/* ------------------------------------------------------------ capabilities */

static void t_caps(const struct abi_test *t)
{
	int vm = new_vm(0);
	long want_routes = t->a ? MAX_ROUTES : 0, want_fd = t->b;

	expect_eq(check_ext(g_sys, KVM_CAP_IRQ_ROUTING), want_routes);
	expect_eq(check_ext(vm, KVM_CAP_IRQ_ROUTING), want_routes);
	expect_eq(check_ext(g_sys, KVM_CAP_IRQFD), want_fd);
	expect_eq(check_ext(vm, KVM_CAP_IRQFD), want_fd);
	expect_eq(check_ext(g_sys, KVM_CAP_IRQFD_RESAMPLE), want_fd);
	expect_eq(check_ext(vm, KVM_CAP_IRQFD_RESAMPLE), want_fd);
}

/*
 * s390's kvm_set_routing_entry() takes adapter entries alone, flags 0,
 * their summary and indicator addresses guest memory (gmap_translate():
 * -EFAULT); an irqfd on such a GSI is accepted.
 */
static void t_s390_routes(const struct abi_test *t)
{
	int vm = new_vm(0);
	struct kvm_irq_routing_entry e = { .gsi = 3, .type = KVM_IRQ_ROUTING_S390_ADAPTER };
	size_t len = 1 << 20;
	void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region r = { .slot = 0, .guest_phys_addr = 0,
						 .memory_size = len,
						 .userspace_addr = (__u64)(uintptr_t)mem };
	int efd = new_eventfd();

	(void)t;
	if (mem == MAP_FAILED) {
		fail("mmap: %s", errno_name(errno));
		return;
	}
	e.u.adapter.ind_addr = 0x1000;
	e.u.adapter.summary_addr = 0x2000;
	expect_errno(set_routing(vm, &e, 1), EFAULT); /* no memory yet */
	expect_errno(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r), 0);
	expect_errno(set_routing(vm, &e, 1), 0);
	e.u.adapter.ind_addr = len;
	expect_errno(set_routing(vm, &e, 1), EFAULT);
	e.u.adapter.ind_addr = 0x1000;
	e.flags = 1;
	expect_errno(set_routing(vm, &e, 1), EINVAL);
	e = chip_route(3, 0, 0);
	expect_errno(set_routing(vm, &e, 1), EINVAL);
	e = msi_route(3, 0);
	expect_errno(set_routing(vm, &e, 1), EINVAL);
	expect_errno(irqfd(vm, efd, 3, 0, 0), 0);
	munmap(mem, len);
}

static void t_no_routing(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	expect_errno(ioctl(vm, KVM_SET_GSI_ROUTING, g_bad_ptr), P->unknown_vm_ioctl_errno);
}

/* ------------------------------------------------------------ KVM_SET_GSI_ROUTING */

/* kvm_vm_ioctl(): the header (-EFAULT), nr, flags, then the entries. */
static void t_routing_header(const struct abi_test *t)
{
	int vm = new_vm(0);
	struct kvm_irq_routing hdr = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_irq_routing *edge;

	(void)t;
	expect_errno(ioctl(vm, KVM_SET_GSI_ROUTING, g_bad_ptr), EFAULT);
	hdr.nr = MAX_ROUTES + 1;
	expect_errno(ioctl(vm, KVM_SET_GSI_ROUTING, &hdr), EINVAL);
	hdr.nr = 0;
	hdr.flags = 1;
	expect_errno(ioctl(vm, KVM_SET_GSI_ROUTING, &hdr), EINVAL);
	hdr.flags = 0;
	expect_errno(ioctl(vm, KVM_SET_GSI_ROUTING, &hdr), 0); /* an empty table */
	if (two == MAP_FAILED) {
		fail("mmap: %s", errno_name(errno));
		return;
	}
	/* A header the entries fault after. */
	mprotect(two + page, (size_t)page, PROT_NONE);
	edge = (struct kvm_irq_routing *)(two + page - sizeof(*edge));
	edge->nr = 1;
	edge->flags = 0;
	expect_errno(ioctl(vm, KVM_SET_GSI_ROUTING, edge), EFAULT);
	munmap(two, (size_t)page * 2);
}

/* kvm_set_irq_routing(), setup_routing_entry(), kvm_set_routing_entry(). */
static void t_routing_entries(const struct abi_test *t)
{
	int vm = new_vm(0);
	struct kvm_irq_routing_entry e[2];

	(void)t;
	e[0] = chip_route(MAX_ROUTES, 0, 0);
	expect_errno(set_routing(vm, e, 1), EINVAL); /* GSI out of range */
	e[0] = chip_route(MAX_ROUTES - 1, 0, NUM_PINS - 1);
	expect_errno(set_routing(vm, e, 1), 0); /* highest GSI and pin */
	e[0] = chip_route(0, 0, NUM_PINS);
	expect_errno(set_routing(vm, e, 1), EINVAL); /* pin out of range */
	e[0] = chip_route(0, 1, 0);
	expect_errno(set_routing(vm, e, 1), EINVAL); /* one irqchip on arm64 */
	e[0] = chip_route(0, 0, 0);
	e[0].flags = 1;
	expect_errno(set_routing(vm, e, 1), EINVAL); /* flags on an irqchip entry */
	e[0] = msi_route(0, KVM_MSI_VALID_DEVID);
	expect_errno(set_routing(vm, e, 1), 0);
	e[0] = msi_route(0, 2);
	expect_errno(set_routing(vm, e, 1), EINVAL); /* MSI flags past VALID_DEVID */
	e[0] = chip_route(0, 0, 0);
	e[0].type = KVM_IRQ_ROUTING_S390_ADAPTER;
	expect_errno(set_routing(vm, e, 1), EINVAL);
	e[0].type = 0;
	expect_errno(set_routing(vm, e, 1), EINVAL);
	/* One GSI: two pins of one irqchip, or an MSI beside anything. */
	e[0] = chip_route(5, 0, 1);
	e[1] = chip_route(5, 0, 2);
	expect_errno(set_routing(vm, e, 2), EINVAL);
	e[1] = msi_route(5, 0);
	expect_errno(set_routing(vm, e, 2), EINVAL);
	e[0] = msi_route(5, 0);
	expect_errno(set_routing(vm, e, 2), EINVAL);
	/* Two GSIs on one pin are fine. */
	e[0] = chip_route(5, 0, 1);
	e[1] = chip_route(6, 0, 1);
	expect_errno(set_routing(vm, e, 2), 0);
}

/* ------------------------------------------------------------ KVM_IRQFD errno rows */

/* kvm_irqfd(): flags first; then kvm_irqfd_assign()'s order. */
static void t_irqfd_errnos(const struct abi_test *t)
{
	struct gic g;
	int vm = new_vm(0), efd = new_eventfd(), other = new_eventfd();

	(void)t;
	expect_errno(ioctl(vm, KVM_IRQFD, g_bad_ptr), EFAULT);
	expect_errno(irqfd(vm, -1, 0, 4, 0), EINVAL);	/* unknown flag, before the fd */
	expect_errno(irqfd(vm, efd, 0, 0, 0), EAGAIN);	/* no interrupt controller */
	if (!gic_new(&g, V3, 1, NULL) || !gic_place(&g))
		return;
	expect_errno(irqfd(g.vm, efd, 0, 0, 0), EAGAIN); /* GIC not initialised */
	if (!expect_errno(ctrl_init(g.dev), 0))
		return;
	expect_errno(irqfd(g.vm, -1, 0, 0, 0), EBADF);
	expect_errno(irqfd(g.vm, g.dev, 0, 0, 0), EINVAL); /* not an eventfd */
	expect_errno(irqfd(g.vm, efd, 0, KVM_IRQFD_FLAG_RESAMPLE, -1), EBADF);
	expect_errno(irqfd(g.vm, efd, 0, KVM_IRQFD_FLAG_RESAMPLE, g.vm), EINVAL);
	expect_errno(irqfd(g.vm, efd, 0, 0, 0), 0);
	expect_errno(irqfd(g.vm, efd, 1, 0, 0), EBUSY); /* one irqfd per eventfd */
	expect_errno(irqfd(g.vm, other, 0, 0, 0), 0);	/* two eventfds, one GSI */
	/* Deassign: the fd's errors, and (eventfd, GSI) pairs that match none are fine. */
	expect_errno(irqfd(g.vm, -1, 0, KVM_IRQFD_FLAG_DEASSIGN, 0), EBADF);
	expect_errno(irqfd(g.vm, g.dev, 0, KVM_IRQFD_FLAG_DEASSIGN, 0), EINVAL);
	expect_errno(irqfd(g.vm, efd, 7, KVM_IRQFD_FLAG_DEASSIGN, 0), 0);
	expect_errno(irqfd(g.vm, efd, 1, 0, 0), EBUSY); /* still assigned to GSI 0 */
	expect_errno(irqfd(g.vm, efd, 0, KVM_IRQFD_FLAG_DEASSIGN, 0), 0);
	expect_errno(irqfd(g.vm, efd, 1, 0, 0), 0); /* free again */
	/* A GSI without a route is accepted: it fires nothing until one is set. */
	expect_errno(irqfd(g.vm, new_eventfd(), MAX_ROUTES + 7, 0, 0), 0);
}

/* ------------------------------------------------------------ delivery (kvm_ext) */

/* CTRL_INIT's default table: GSI n fires SPI n + 32; an eventfd write pends it. */
static void t_irqfd_spi(const struct abi_test *t)
{
	struct gic g;
	int efd = new_eventfd();

	(void)t;
	if (!gic_vm(&g))
		return;
	guest_spi(&g, 40, 0xa0, 0, true);
	if (!expect_errno(irqfd(g.vm, efd, 8, 0, 0), 0))
		return;
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), SPURIOUS);
	signal_eventfd(efd);
	expect_eq(pending_within(&g, 0, 40), 40);
	expect_eq(take(&g, 0), 40);
	expect_eq(take(&g, 0), SPURIOUS); /* one write, one interrupt */
	/* Written before the irqfd existed: injected when assigned. */
	expect_errno(irqfd(g.vm, efd, 8, KVM_IRQFD_FLAG_DEASSIGN, 0), 0);
	signal_eventfd(efd);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), SPURIOUS); /* deassigned: nothing */
	expect_errno(irqfd(g.vm, efd, 8, 0, 0), 0);
	expect_eq(pending_within(&g, 0, 40), 40);
	expect_eq(take(&g, 0), 40);
}

/* A routing change retargets an assigned irqfd; a refused one changes nothing. */
static void t_irqfd_follows_routing(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e[2];
	struct gic g;
	int efd = new_eventfd();

	(void)t;
	if (!gic_vm(&g))
		return;
	guest_spi(&g, 52, 0xa0, 0, true);
	guest_spi(&g, 53, 0xa0, 0, true);
	expect_errno(irqfd(g.vm, efd, 7, 0, 0), 0);
	e[0] = chip_route(7, 0, 20);
	expect_errno(set_routing(g.vm, e, 1), 0);
	signal_eventfd(efd);
	expect_eq(pending_within(&g, 0, 52), 52);
	expect_eq(take(&g, 0), 52);
	e[0] = chip_route(7, 0, 21);
	expect_errno(set_routing(g.vm, e, 1), 0);
	e[0] = chip_route(7, 0, 20);
	e[1] = chip_route(MAX_ROUTES, 0, 22);
	expect_errno(set_routing(g.vm, e, 2), EINVAL); /* refused whole */
	signal_eventfd(efd);
	expect_eq(pending_within(&g, 0, 53), 53);
	expect_eq(take(&g, 0), 53);
	/* No route: the write injects nothing. */
	expect_errno(set_routing(g.vm, e, 0), 0);
	signal_eventfd(efd);
	sleep_ms(20);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), SPURIOUS);
}

/* An irqfd wakes a vCPU idling in KVM_RUN, as KVM_IRQ_LINE does. */
static void t_irqfd_wakes_vcpu(const struct abi_test *t)
{
	struct runner r;
	struct gic g;
	int efd = new_eventfd();

	(void)t;
	if (!gic_vm(&g))
		return;
	guest_spi(&g, 44, 0xa0, 0, true);
	expect_errno(irqfd(g.vm, efd, 12, 0, 0), 0);
	if (!runner_start(&r, g.vcpu[0], g.run[0]))
		return;
	signal_eventfd(efd);
	for (int ms = 0; ms < 2000 && !runner_done(&r); ms++)
		sleep_ms(1);
	if (!expect_true(runner_done(&r))) {
		runner_stop(&r);
		return;
	}
	runner_stop(&r);
	expect_eq(r.ret, 0);
	expect_eq(r.reason, KVM_EXIT_EXT_INTERRUPT);
	expect_eq(take(&g, 0), 44);
}

/*
 * KVM_IRQFD_FLAG_RESAMPLE: the level stays up until the guest's EOI, which
 * lowers it and writes the resample eventfd; the VMM re-asserts by writing
 * the irqfd again.
 */
static void t_irqfd_resample(const struct abi_test *t)
{
	struct gic g;
	int efd = new_eventfd(), rfd = new_eventfd(), other = new_eventfd();
	__u32 intid;

	(void)t;
	if (!gic_vm(&g))
		return;
	guest_spi(&g, 35, 0xa0, 0, false); /* level-sensitive */
	if (!expect_errno(irqfd(g.vm, efd, 3, KVM_IRQFD_FLAG_RESAMPLE, rfd), 0))
		return;
	/* A second resampling irqfd on the GSI shares the resampler. */
	expect_errno(irqfd(g.vm, other, 3, KVM_IRQFD_FLAG_RESAMPLE, rfd), 0);
	signal_eventfd(efd);
	expect_eq(pending_within(&g, 0, 35), 35);
	intid = (__u32)icc_rd(g.vcpu[0], ICC_IAR1);
	expect_eq(intid, 35);
	expect_eq(eventfd_count(rfd), 0); /* active, not yet completed */
	icc_wr(g.vcpu[0], ICC_EOIR1, intid);
	expect_eq(eventfd_count(rfd), 2); /* once per irqfd of the GSI */
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), SPURIOUS); /* lowered */
	signal_eventfd(other);
	expect_eq(pending_within(&g, 0, 35), 35);
	expect_eq(take(&g, 0), 35);
	expect_eq(eventfd_count(rfd), 2);
	/* Both deassigned: the last one lowers the line. */
	signal_eventfd(efd);
	expect_eq(pending_within(&g, 0, 35), 35);
	expect_errno(irqfd(g.vm, efd, 3, KVM_IRQFD_FLAG_DEASSIGN, 0), 0);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), 35); /* the other still holds it */
	expect_errno(irqfd(g.vm, other, 3, KVM_IRQFD_FLAG_DEASSIGN, 0), 0);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), SPURIOUS);
}

/*
 * Closing the eventfd takes its irqfd away (EPOLLHUP); closing the VM with
 * irqfds assigned leaks nothing (the suite checks the allocation count at
 * its end).
 */
static void t_irqfd_close(const struct abi_test *t)
{
	struct gic g;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), keep = new_eventfd();

	(void)t;
	if (efd < 0 || !gic_vm(&g))
		return;
	guest_spi(&g, 46, 0xa0, 0, true);
	expect_errno(irqfd(g.vm, efd, 14, 0, 0), 0);
	expect_errno(irqfd(g.vm, keep, 15, KVM_IRQFD_FLAG_RESAMPLE, new_eventfd()), 0);
	close(efd);
	/* Its number now names another eventfd, free to be assigned. */
	efd = track_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	expect_errno(irqfd(g.vm, efd, 14, 0, 0), 0);
	signal_eventfd(efd);
	expect_eq(pending_within(&g, 0, 46), 46);
	expect_eq(take(&g, 0), 46);
}

/*
 * A refused resampling assign changes nothing: 6.1 tears its new resampler
 * down on the way out and lowers the GSI's line (irqfd_resampler_shutdown()),
 * so a level the VMM raised with KVM_IRQ_LINE would drop. kvm_ext leaves
 * it (Documentation/differences.rst).
 */
static void t_irqfd_refused_resample(const struct abi_test *t)
{
	struct kvm_irq_level line = { .irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | 37,
				      .level = 1 };
	struct gic g;
	int efd = new_eventfd(), rfd = new_eventfd();

	(void)t;
	if (!gic_vm(&g))
		return;
	guest_spi(&g, 37, 0xa0, 0, false);
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE, &line), 0);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), 37);
	expect_errno(irqfd(g.vm, efd, 9, 0, 0), 0);
	/* The same eventfd again, resampling GSI 5 (SPI 37): -EBUSY. */
	expect_errno(irqfd(g.vm, efd, 5, KVM_IRQFD_FLAG_RESAMPLE, rfd), EBUSY);
	expect_eq(icc_rd(g.vcpu[0], ICC_HPPIR1), 37);
	expect_eq(eventfd_count(rfd), 0);
}

#define A M_ARM64
#define E T_EXT
static const struct abi_test irqfd_tests[] = {
	{ "KVM_CAP_IRQ_ROUTING 4096, KVM_CAP_IRQFD and _RESAMPLE 1 (system and VM fd)", REF_CAPS,
	  t_caps, A, 0, 1, 1 },
	{ "book3s: KVM_CAP_IRQFD and _RESAMPLE 1, no KVM_CAP_IRQ_ROUTING", REF_CAPS, t_caps,
	  M_PPC, 0, 0, 1 },
	{ "KVM_SET_GSI_ROUTING is an unknown VM ioctl on book3s (no HAVE_KVM_IRQ_ROUTING)",
	  REF_CAPS, t_no_routing, M_PPC, 0, 0, 0 },
	{ "s390: KVM_CAP_IRQ_ROUTING 4096, KVM_CAP_IRQFD and _RESAMPLE 1", REF_CAPS, t_caps,
	  M_S390, 0, 1, 1 },
	{ "s390: SET_GSI_ROUTING takes adapter entries in guest memory (-EFAULT), no pins or MSIs",
	  REF_ROUTING, t_s390_routes, M_S390, 0, 0, 0 },
	{ "SET_GSI_ROUTING: header -EFAULT, nr > 4096 -EINVAL, flags -EINVAL, entries -EFAULT",
	  REF_ROUTING, t_routing_header, A, 0, 0, 0 },
	{ "SET_GSI_ROUTING entries: GSI, irqchip, pin, flags, type, one MSI or distinct irqchips",
	  REF_ROUTING, t_routing_entries, A, 0, 0, 0 },
	{ "KVM_IRQFD: flags -EINVAL, no GIC or before INIT -EAGAIN, fds -EBADF/-EINVAL, -EBUSY",
	  REF_IRQFD, t_irqfd_errnos, A, 0, 0, 0 },
	{ "irqfd: a write pends SPI gsi + 32 (default routing), once; deassign; early write",
	  REF_IRQFD, t_irqfd_spi, A, E, 0, 0 },
	{ "irqfd follows KVM_SET_GSI_ROUTING; a refused table changes nothing; no route, no IRQ",
	  REF_ROUTING, t_irqfd_follows_routing, A, E, 0, 0 },
	{ "irqfd write wakes a vCPU idling in KVM_RUN", REF_IRQFD, t_irqfd_wakes_vcpu, A, E, 0, 0 },
	{ "irqfd RESAMPLE: level held until EOI, then lowered and the resamplefd written",
	  REF_IRQFD, t_irqfd_resample, A, E, 0, 0 },
	{ "irqfd: closing the eventfd detaches it; VM teardown with irqfds assigned", REF_IRQFD,
	  t_irqfd_close, A, E, 0, 0 },
	{ "a refused resampling irqfd leaves the GSI's level alone (6.1 lowers it)", REF_IRQFD,
	  t_irqfd_refused_resample, A, E, 0, 0 },
};

TEST_GROUP(irqfd);
