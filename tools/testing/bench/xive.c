// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_xive: XIVE native (ppc node, ppc_host=power9) against the
 * ioctl floor, timed interleaved in one run, medians over the rounds
 * (absolute times are context only: TCG).
 *
 * (a) An event delivered into an event queue as the guest drives it, with
 *     QEMU's layout (the ESB and TIMA pages mmapped from the device fd and
 *     backing memslots): the trigger store on the source's ESB page (the
 *     EISN written into the queue in guest RAM, the IPB raised), the
 *     ACK_OS_REG load, the EOI load on the management page, the CPPR store
 *     that reopens the OS ring: four KVM_EXT_GUEST_ACCESS ioctls, so the
 *     queue wraps and never fills. With 1 source configured and with 4096
 *     (the events spread over all of them): whether an event's cost grows
 *     with the number of sources (target <= 1.25x).
 * (b) The fault cost of a first access to an ESB management page from the
 *     process (a load; the fault handler finds the source and inserts its
 *     view page): after a fresh mmap() of the ESB range, and after the
 *     source's re-initialisation (KVM_DEV_XIVE_GRP_SOURCE) unmapped it
 *     (unmap_mapping_range). The mmap()s and re-initialisations are not
 *     timed; each round times FAULTS first accesses, one per source.
 *
 * usage: kvm_ext_bench_xive [NODE] [ROUNDS]; exit 2 if (a) misses its target.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"
#include <linux/kvm_ext.h>

#define NOOP_BATCH 3000
#define EV_BATCH 500
#define MANY 4096
#define FAULTS 512
#define PRIO 5
#define TARGET 1.25
#define RAM_GPA 0x10000000ULL
#define QSIZE 0x10000ULL
#define TIMA_GPA 0x20000000ULL
#define ESB_GPA 0x30000000ULL
/* asm/xive-regs.h */
#define ESB_EOI 0x000
#define ESB_GET 0x800
#define ESB_SET_PQ_00 0xc00
#define TM_QW1_OS 0x010
#define TM_CPPR 0x1
#define TM_SPC_ACK_OS_REG 0x810

struct xvm {
	int vm, dev, vcpu, n;
	unsigned char *ram, *tima, *esb;
};

static long page;

#define TRIG(n) (ESB_GPA + 2 * (__u64)(n) * (__u64)page)
#define MGMT(n) (TRIG(n) + (__u64)page)
#define OS(off) (TIMA_GPA + 2 * (__u64)page + (off))

static int xattr(int dev, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, KVM_SET_DEVICE_ATTR, &a);
}

static int gaccess(int vcpu, int write, __u64 gpa, __u32 len, __u64 *val)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM, .addr = gpa, .len = len,
					  .data = *val };

	a.flags = write ? KVM_EXT_ACCESS_WRITE : 0;
	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL)
		return -1;
	*val = a.data;
	return 0;
}

static int region(int vm, __u32 slot, __u64 gpa, __u64 size, void *p)
{
	struct kvm_userspace_memory_region m = { .slot = slot, .guest_phys_addr = gpa,
						 .memory_size = size,
						 .userspace_addr = (unsigned long)p };

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m);
}

static unsigned char *map_esb(int dev, int n)
{
	void *p = mmap(NULL, 2 * (size_t)n * page, PROT_READ, MAP_SHARED, dev,
		       (off_t)(KVM_XIVE_ESB_PAGE_OFFSET * page));

	return p == MAP_FAILED ? NULL : p;
}

/*
 * A VM with XIVE native, vCPU 0 in PAPR mode connected as server 0, its
 * priority-5 queue in RAM, n sources targeting it (EISN = source number),
 * enabled by the guest (SET_PQ_00); TIMA and ESB mapped into the guest.
 */
static int xvm_new(int sys, int n, struct xvm *x)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XIVE };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct kvm_enable_cap conn = { .cap = KVM_CAP_PPC_IRQ_XIVE };
	struct kvm_ext_ppc_xive_eq eq = { .flags = KVM_XIVE_EQ_ALWAYS_NOTIFY, .qshift = 16,
					  .qaddr = RAM_GPA, .qtoggle = 1 };
	__u64 v;
	int i;

	x->n = n;
	x->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (x->vm < 0 || ioctl(x->vm, KVM_CREATE_DEVICE, &cd))
		return -1;
	x->dev = (int)cd.fd;
	x->ram = mmap(NULL, QSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	x->tima = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, x->dev,
		       (off_t)(KVM_XIVE_TIMA_PAGE_OFFSET * page));
	x->esb = map_esb(x->dev, n);
	conn.args[0] = (__u64)x->dev;
	x->vcpu = ioctl(x->vm, KVM_CREATE_VCPU, 0);
	if (x->ram == MAP_FAILED || x->tima == MAP_FAILED || !x->esb || x->vcpu < 0 ||
	    region(x->vm, 0, RAM_GPA, QSIZE, x->ram) ||
	    region(x->vm, 1, TIMA_GPA, 4 * page, x->tima) ||
	    region(x->vm, 2, ESB_GPA, 2 * (__u64)n * page, x->esb) ||
	    ioctl(x->vcpu, KVM_ENABLE_CAP, &papr) || ioctl(x->vcpu, KVM_ENABLE_CAP, &conn) ||
	    xattr(x->dev, KVM_DEV_XIVE_GRP_EQ_CONFIG, PRIO, &eq))
		return -1;
	for (i = 0; i < n; i++) {
		__u64 zero = 0, cfg = (__u64)i << KVM_XIVE_SOURCE_EISN_SHIFT | PRIO;

		v = 0;
		if (xattr(x->dev, KVM_DEV_XIVE_GRP_SOURCE, (__u64)i, &zero) ||
		    xattr(x->dev, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, (__u64)i, &cfg) ||
		    gaccess(x->vcpu, 0, MGMT(i) + ESB_SET_PQ_00, 8, &v) || v != 1)
			return -1;
	}
	v = 0xff;
	return gaccess(x->vcpu, 1, OS(TM_QW1_OS + TM_CPPR), 1, &v);
}

/* One event on source s: trigger, ACK_OS_REG, EOI, CPPR back to 0xff. */
static int event(struct xvm *x, int s)
{
	__u64 trig = 0, ack = 0, eoi = 0, cppr = 0xff;

	if (gaccess(x->vcpu, 1, TRIG(s), 8, &trig) ||
	    gaccess(x->vcpu, 0, OS(TM_SPC_ACK_OS_REG), 2, &ack) || ack != 0x8000 + PRIO ||
	    gaccess(x->vcpu, 0, MGMT(s) + ESB_EOI, 8, &eoi) || eoi != 0 ||
	    gaccess(x->vcpu, 1, OS(TM_QW1_OS + TM_CPPR), 1, &cppr)) {
		static int told;

		if (!told++)
			fprintf(stderr, "event on source %d: ACK %#llx, EOI %#llx\n", s,
				(unsigned long long)ack, (unsigned long long)eoi);
		return 1;
	}
	return 0;
}

/* First loads of FAULTS management pages' GET (PQ 00 after SET_PQ_00). */
static int touch(const unsigned char *esb)
{
	int i, bad = 0;

	for (i = 0; i < FAULTS; i++)
		bad += *(const volatile __u64 *)(esb + (2 * (size_t)i + 1) * page + ESB_GET) != 0;
	return bad;
}

static int resident(const unsigned char *esb, int i)
{
	unsigned char v = 0;

	mincore((void *)(esb + (2 * (size_t)i + 1) * page), page, &v);
	return v & 1;
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/ppc";
	int rounds = argc > 2 ? atoi(argv[2]) : 31;
	double *noop, *e1, *en, *fmap, *freinit;
	struct xvm one, many;
	unsigned char *esb;
	int sys, i, j, bad = 0;
	double r1, rn, rmap, rre;

	page = sysconf(_SC_PAGESIZE);
	sys = open(node, O_RDWR);
	if (sys < 0 || xvm_new(sys, 1, &one) || xvm_new(sys, MANY, &many)) {
		perror("a VM with XIVE native (ppc_host=power9?)");
		return 1;
	}
	/* Every path must do what it claims before it is timed. */
	if (event(&one, 0) || event(&many, MANY - 1) || touch(many.esb) ||
	    !resident(many.esb, 0) || ioctl(one.dev, _IO(KVMIO, 0xee)) != -1 || errno != ENOTTY) {
		fprintf(stderr, "unexpected results\n");
		return 1;
	}
	{
		__u64 zero = 0, v = 0;

		/* re-init unmaps: the page is gone and refaults with PQ 01 */
		__u64 cfg = PRIO;

		if (xattr(many.dev, KVM_DEV_XIVE_GRP_SOURCE, 0, &zero) || resident(many.esb, 0) ||
		    xattr(many.dev, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, 0, &cfg) ||
		    *(const volatile __u64 *)(many.esb + page + ESB_GET) != htobe64(1) ||
		    gaccess(many.vcpu, 0, MGMT(0) + ESB_SET_PQ_00, 8, &v) || v != 1) {
			fprintf(stderr, "re-initialisation did not unmap\n");
			return 1;
		}
	}
	noop = calloc(rounds, sizeof(*noop));
	e1 = calloc(rounds, sizeof(*e1));
	en = calloc(rounds, sizeof(*en));
	fmap = calloc(rounds, sizeof(*fmap));
	freinit = calloc(rounds, sizeof(*freinit));
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns(), t1, t2, t3, t4;
		__u64 zero = 0, v;

		for (j = 0; j < NOOP_BATCH; j++)
			ioctl(one.dev, _IO(KVMIO, 0xee));
		t1 = now_ns();
		for (j = 0; j < EV_BATCH; j++)
			bad += event(&one, 0);
		t2 = now_ns();
		/* every round spreads its events over all the sources */
		for (j = 0; j < EV_BATCH; j++)
			bad += event(&many, (j * (MANY / EV_BATCH + 1) + i) % MANY);
		t3 = now_ns();
		/* (b) a fresh mapping of the ESB range: first accesses */
		esb = map_esb(many.dev, FAULTS);
		if (!esb)
			return 1;
		t4 = now_ns();
		bad += touch(esb);
		fmap[i] = (now_ns() - t4) / FAULTS;
		munmap(esb, 2 * (size_t)FAULTS * page);
		/*
		 * re-initialised sources (unmapped, and masked as 6.1 does: the
		 * VMM targets them again), enabled again by the guest
		 */
		for (j = 0; j < FAULTS; j++) {
			__u64 cfg = (__u64)j << KVM_XIVE_SOURCE_EISN_SHIFT | PRIO;

			v = 0;
			bad += xattr(many.dev, KVM_DEV_XIVE_GRP_SOURCE, (__u64)j, &zero) != 0;
			bad += xattr(many.dev, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, (__u64)j, &cfg) != 0;
			bad += gaccess(many.vcpu, 0, MGMT(j) + ESB_SET_PQ_00, 8, &v) || v != 1;
		}
		bad += resident(many.esb, FAULTS - 1);
		t4 = now_ns();
		bad += touch(many.esb);
		freinit[i] = (now_ns() - t4) / FAULTS;
		noop[i] = (t1 - t0) / NOOP_BATCH;
		e1[i] = (t2 - t1) / EV_BATCH;
		en[i] = (t3 - t2) / EV_BATCH;
	}
	if (bad) {
		fprintf(stderr, "%d operations failed while timed\n", bad);
		return 1;
	}
	r1 = median(e1, rounds) / median(noop, rounds);
	rn = median(en, rounds) / median(e1, rounds);
	rmap = median(fmap, rounds) / median(noop, rounds);
	rre = median(freinit, rounds) / median(noop, rounds);
	printf("xive (power9): no-op ioctl %.0f ns (floor); event (trigger + ACK_OS_REG + EOI + "
	       "CPPR) %.0f ns = %.2fx the floor (%.2fx four no-ops)\n",
	       median(noop, rounds), median(e1, rounds), r1, r1 / 4);
	printf("xive (power9): event with 1 source %.0f ns, with %d sources %.0f ns: %.2fx "
	       "(target <= %.2fx)\n",
	       median(e1, rounds), MANY, median(en, rounds), rn, TARGET);
	printf("xive (power9): first ESB access after mmap %.0f ns = %.2fx the floor; after the "
	       "source's re-init %.0f ns = %.2fx\n",
	       median(fmap, rounds), rmap, median(freinit, rounds), rre);
	return rn > TARGET ? 2 : 0;
}
