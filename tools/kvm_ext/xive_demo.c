// SPDX-License-Identifier: GPL-2.0
/*
 * The ppc node as QEMU's pseries machine on a POWER9 (spapr_xive_kvm.c)
 * and its guest drive XIVE native: a VM with the device, 4 vCPUs in PAPR
 * mode connected as servers 0-3 (KVM_CAP_PPC_IRQ_XIVE), 256 sources each
 * targeting a server at priority 5, an event queue per server in guest
 * RAM; the TIMA and the ESB pages mmapped from the device fd and mapped
 * into the guest through memslots, as QEMU lays them out. The guest's
 * accesses are KVM_EXT_GUEST_ACCESS loads and stores at those guest
 * addresses: the trigger store, ACK_OS_REG, the EOI load, SET_PQ. Then a
 * migration in devices/xive.rst's order into a fresh VM, where delivery
 * goes on from where it stopped.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "xive_demo.h"

#define NVCPU 4
#define NSRC 256
#define PRIO 5
#define QSHIFT 16
#define QSIZE (1ULL << QSHIFT)
#define RAM_GPA 0x10000000ULL
#define RAM_SIZE (NVCPU * QSIZE)
#define TIMA_GPA 0x20000000ULL
#define ESB_GPA 0x30000000ULL
#define EISN(n) (0x100 + (n))

/* asm/xive-regs.h */
#define ESB_EOI 0x000
#define ESB_GET 0x800
#define ESB_SET_PQ_00 0xc00
#define ESB_SET_PQ_01 0xd00
#define TM_QW1_OS 0x010
#define TM_CPPR 0x1
#define TM_SPC_ACK_OS_REG 0x810

struct xvm {
	int vm, dev, vcpu[NVCPU];
	unsigned char *ram, *tima, *esb;
};

static int failures;
static long page;

#define TRIG(n) (ESB_GPA + 2 * (__u64)(n) * (__u64)page)
#define MGMT(n) (TRIG(n) + (__u64)page)
#define OS(off) (TIMA_GPA + 2 * (__u64)page + (off))
#define CFG(server, eisn)                                                                \
	((__u64)(eisn) << KVM_XIVE_SOURCE_EISN_SHIFT |                                   \
	 (__u64)(server) << KVM_XIVE_SOURCE_SERVER_SHIFT | PRIO)
#define EQ_ID(server) ((__u64)(server) << KVM_XIVE_EQ_SERVER_SHIFT | PRIO)

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("    UNEXPECTED: %s\n", what);
		failures++;
	}
}

static int xattr(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a);
}

static int vp_state(int vcpu, unsigned long op, __u64 *val)
{
	struct kvm_one_reg r = { .id = KVM_REG_PPC_VP_STATE, .addr = (unsigned long)val };

	return ioctl(vcpu, op, &r);
}

/* A guest load (write 0) or store at gpa, which the device must take. */
static __u64 gaccess(int vcpu, int write, __u64 gpa, __u32 len, __u64 val)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM, .addr = gpa, .len = len,
					  .data = val };

	a.flags = write ? KVM_EXT_ACCESS_WRITE : 0;
	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL) {
		must(0, "guest access taken by the device");
		return ~0ULL;
	}
	return a.data;
}

static __u64 gload(int vcpu, __u64 gpa, __u32 len)
{
	return gaccess(vcpu, 0, gpa, len, 0);
}

static void gstore(int vcpu, __u64 gpa, __u32 len, __u64 val)
{
	gaccess(vcpu, 1, gpa, len, val);
}

/* The entry at index i of server s's queue as the guest reads it (big-endian). */
static __u32 entry(const struct xvm *x, int s, __u32 i)
{
	__u32 w;

	memcpy(&w, x->ram + (__u64)s * QSIZE + 4 * i, 4);
	return be32toh(w);
}

static int region(int vm, __u32 slot, __u64 gpa, __u64 size, void *p)
{
	struct kvm_userspace_memory_region m = { .slot = slot, .guest_phys_addr = gpa,
						 .memory_size = size,
						 .userspace_addr = (unsigned long)p };

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m);
}

static void *map(int fd, unsigned long pgoff, unsigned long npages)
{
	void *p = mmap(NULL, npages * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(pgoff * page));

	return p == MAP_FAILED ? NULL : p;
}

/*
 * The VM as QEMU makes it: the device, RAM, the TIMA (4 pages) and the ESB
 * pages of NSRC sources mapped and given to the guest through memslots,
 * vCPUs in PAPR mode connected as servers, their queues in RAM.
 */
static int xvm_new(int sys, struct xvm *x)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XIVE };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	int i;

	memset(x, 0, sizeof(*x));
	x->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (x->vm < 0 || ioctl(x->vm, KVM_CREATE_DEVICE, &cd))
		return -1;
	x->dev = (int)cd.fd;
	x->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	x->tima = map(x->dev, KVM_XIVE_TIMA_PAGE_OFFSET, 4);
	x->esb = map(x->dev, KVM_XIVE_ESB_PAGE_OFFSET, 2 * NSRC);
	if (x->ram == MAP_FAILED || !x->tima || !x->esb ||
	    region(x->vm, 0, RAM_GPA, RAM_SIZE, x->ram) ||
	    region(x->vm, 1, TIMA_GPA, 4 * page, x->tima) ||
	    region(x->vm, 2, ESB_GPA, 2 * NSRC * page, x->esb))
		return -1;
	for (i = 0; i < NVCPU; i++) {
		struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_IRQ_XIVE,
					    .args = { (__u64)x->dev, (__u64)i } };

		x->vcpu[i] = ioctl(x->vm, KVM_CREATE_VCPU, i);
		if (x->vcpu[i] < 0 || ioctl(x->vcpu[i], KVM_ENABLE_CAP, &papr) ||
		    ioctl(x->vcpu[i], KVM_ENABLE_CAP, &c))
			return -1;
	}
	return 0;
}

static void xvm_free(struct xvm *x)
{
	int i;

	if (x->esb)
		munmap(x->esb, 2 * NSRC * page);
	if (x->tima)
		munmap(x->tima, 4 * page);
	for (i = 0; i < NVCPU; i++)
		if (x->vcpu[i] > 0)
			close(x->vcpu[i]);
	if (x->dev > 0)
		close(x->dev);
	if (x->vm > 0)
		close(x->vm);
	if (x->ram && x->ram != MAP_FAILED)
		munmap(x->ram, RAM_SIZE);
}

/* The VMM's setup: a queue per server, every source made and targeted. */
static void configure(struct xvm *x, const struct kvm_ext_ppc_xive_eq *saved)
{
	__u64 zero = 0, cfg;
	int i, n;

	for (i = 0; i < NVCPU; i++) {
		struct kvm_ext_ppc_xive_eq eq = { .flags = KVM_XIVE_EQ_ALWAYS_NOTIFY,
						  .qshift = QSHIFT,
						  .qaddr = RAM_GPA + (__u64)i * QSIZE,
						  .qtoggle = 1 };

		if (saved)
			eq = saved[i];
		must(xattr(x->dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(i),
			   &eq) == 0,
		     "EQ configured");
	}
	for (n = 0; n < NSRC; n++) {
		cfg = CFG(n % NVCPU, EISN(n));
		must(xattr(x->dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE, (__u64)n,
			   &zero) == 0 &&
			     xattr(x->dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_CONFIG,
				   (__u64)n, &cfg) == 0,
		     "source made and targeted");
	}
}

static void set_ppc_host(const char *host)
{
	FILE *f = fopen("/sys/module/kvm_ext/parameters/ppc_host", "w");

	must(f && fputs(host, f) >= 0 && fclose(f) == 0, "ppc_host set");
}

int xive_demo(int sys)
{
	struct kvm_ext_ppc_xive_eq eqs[NVCPU];
	__u64 pq[NSRC], vp[NVCPU][2], got[2];
	struct xvm a, b;
	unsigned int acked = 0, eoi_again = 0;
	int i, n, bad;

	failures = 0;
	page = sysconf(_SC_PAGESIZE);
	set_ppc_host("power9");
	printf("  XIVE native on the power9 host: a pseries VM, %d vCPUs connected as servers "
	       "0-%d, %d sources\n",
	       NVCPU, NVCPU - 1, NSRC);
	bad = xvm_new(sys, &a) || xvm_new(sys, &b);
	set_ppc_host("power8");
	if (bad) {
		must(0, "VMs with XIVE native, its pages mapped and 4 connected vCPUs");
		xvm_free(&a);
		xvm_free(&b);
		return failures;
	}
	printf("    VMM: TIMA (4 pages) at GPA %#llx, %d ESB page pairs at GPA %#llx, "
	       "4 x 64 KiB queues at %#llx\n",
	       TIMA_GPA, NSRC, ESB_GPA, RAM_GPA);
	configure(&a, NULL);
	printf("    VMM: source n -> server n %% 4, priority %d, EISN 0x100 + n\n", PRIO);
	/* the guest opens its CPPR and enables every source at its ESB */
	for (i = 0; i < NVCPU; i++)
		gstore(a.vcpu[i], OS(TM_QW1_OS + TM_CPPR), 1, 0xff);
	for (n = 0; n < NSRC; n++)
		must(gload(a.vcpu[0], MGMT(n) + ESB_SET_PQ_00, 8) == 1, "SET_PQ_00 on PQ 01");
	/* an event on every source: trigger store on its even page */
	for (n = 0; n < NSRC; n++)
		gstore(a.vcpu[0], TRIG(n), 8, 0);
	for (n = 0; n < NSRC; n++)
		must(entry(&a, n % NVCPU, (__u32)(n / NVCPU)) == (0x80000000u | EISN(n)),
		     "queue entry: generation bit and EISN");
	printf("    guest: %d trigger stores; queue 0 entries %#x %#x ..., queue 3's last %#x\n",
	       NSRC, entry(&a, 0, 0), entry(&a, 0, 1), entry(&a, 3, NSRC / NVCPU - 1));
	printf("    vCPU 0 OS ring (NSR CPPR IPB LSMFB) %#llx\n",
	       (unsigned long long)gload(a.vcpu[0], OS(TM_QW1_OS), 4));
	/* each vCPU takes its priority, walks its queue, EOIs each source */
	for (i = 0; i < NVCPU; i++) {
		__u64 ack = gload(a.vcpu[i], OS(TM_SPC_ACK_OS_REG), 2);

		must(ack == 0x8000 + PRIO, "ACK_OS_REG: an OS exception at priority 5");
		acked += ack == 0x8000 + PRIO;
		for (n = i; n < NSRC; n += NVCPU)
			eoi_again += gload(a.vcpu[i], MGMT(n) + ESB_EOI, 8) != 0;
		gstore(a.vcpu[i], OS(TM_QW1_OS + TM_CPPR), 1, 0xff);
	}
	must(eoi_again == 0, "every EOI load 0: nothing coalesced");
	printf("    vCPUs 0-3: ACK_OS_REG -> %#x on %u of them; %d EOI loads, each 0\n",
	       0x8000 + PRIO, acked, NSRC);
	/* events in flight: one per server, source 6 twice (PQ 11), not acked */
	for (n = 4; n < 8; n++)
		gstore(a.vcpu[0], TRIG(n), 8, 0);
	gstore(a.vcpu[0], TRIG(6), 8, 0);
	must(gload(a.vcpu[0], MGMT(6) + ESB_GET, 8) == 3, "source 6 coalesced at PQ 11");
	printf("    in flight: triggers on sources 4-7 (one per server), source 6 twice (PQ 11)\n");

	/* migration, xive.rst's order: mask (keeping PQ), EQ_SYNC, capture */
	for (n = 0; n < NSRC; n++)
		pq[n] = gload(a.vcpu[0], MGMT(n) + ESB_SET_PQ_01, 8);
	must(ioctl(a.dev, KVM_SET_DEVICE_ATTR,
		   &(struct kvm_device_attr){ .group = KVM_DEV_XIVE_GRP_CTRL,
					      .attr = KVM_DEV_XIVE_EQ_SYNC }) == 0,
	     "EQ_SYNC");
	for (i = 0; i < NVCPU; i++) {
		must(xattr(a.dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(i),
			   &eqs[i]) == 0,
		     "EQ saved");
		must(vp_state(a.vcpu[i], KVM_GET_ONE_REG, vp[i]) == 0, "VP_STATE saved");
	}
	must(eqs[0].qindex == NSRC / NVCPU + 1 && eqs[2].qindex == NSRC / NVCPU + 1,
	     "queue indexes: one past the in-flight entries");
	printf("    save: %d sources masked by SET_PQ_01 (PQ of 4-7: %llu %llu %llu %llu), EQ_SYNC, "
	       "EQ 0 qindex %u toggle %u, VP 0 %#llx:%#llx\n",
	       NSRC, (unsigned long long)pq[4], (unsigned long long)pq[5],
	       (unsigned long long)pq[6], (unsigned long long)pq[7], eqs[0].qindex, eqs[0].qtoggle,
	       (unsigned long long)vp[0][0], (unsigned long long)vp[0][1]);
	/* restore: RAM, EQs, targeting, VP states, source states (SET_PQ loads) */
	memcpy(b.ram, a.ram, RAM_SIZE);
	configure(&b, eqs);
	for (i = 0; i < NVCPU; i++)
		must(vp_state(b.vcpu[i], KVM_SET_ONE_REG, vp[i]) == 0, "VP_STATE restored");
	for (n = 0; n < NSRC; n++)
		must(gload(b.vcpu[0], MGMT(n) + ESB_SET_PQ_00 + 0x100 * pq[n], 8) == 1,
		     "PQ restored over the fresh source's 01");
	for (i = 0; i < NVCPU; i++) {
		struct kvm_ext_ppc_xive_eq eq;

		must(xattr(b.dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, EQ_ID(i),
			   &eq) == 0 &&
			     memcmp(&eq, &eqs[i], sizeof(eq)) == 0,
		     "EQ migrated word for word");
		must(vp_state(b.vcpu[i], KVM_GET_ONE_REG, got) == 0 && got[0] == vp[i][0] &&
			     got[1] == vp[i][1],
		     "VP_STATE migrated");
	}
	for (n = 0; n < NSRC; n++)
		must(gload(b.vcpu[0], MGMT(n) + ESB_GET, 8) == pq[n], "PQ migrated");
	printf("    restore into a fresh VM: EQs, targeting, VP states, PQ by SET_PQ loads; "
	       "compared equal\n");
	/* the new VM goes on: each server takes its pending event */
	for (i = 0; i < NVCPU; i++)
		must(gload(b.vcpu[i], OS(TM_SPC_ACK_OS_REG), 2) == 0x8000 + PRIO,
		     "the pending priority survived");
	must(gload(b.vcpu[2], MGMT(6) + ESB_EOI, 8) == 1, "source 6's EOI: Q set, queued again");
	must(entry(&b, 2, NSRC / NVCPU + 1) == (0x80000000u | EISN(6)),
	     "source 6's second event after the first");
	for (n = 4; n < 8; n++)
		if (n != 6)
			must(gload(b.vcpu[n % NVCPU], MGMT(n) + ESB_EOI, 8) == 0, "EOI");
	gstore(b.vcpu[0], TRIG(8), 8, 0);
	must(entry(&b, 0, NSRC / NVCPU + 1) == (0x80000000u | EISN(8)),
	     "a new event after the migrated ones");
	printf("    new VM: vCPUs 0-3 ACK_OS_REG -> %#x; source 6 EOI -> 1, queue 2 entry %u %#x; "
	       "trigger 8 -> queue 0 entry %u %#x\n",
	       0x8000 + PRIO, NSRC / NVCPU + 1, entry(&b, 2, NSRC / NVCPU + 1), NSRC / NVCPU + 1,
	       entry(&b, 0, NSRC / NVCPU + 1));
	xvm_free(&a);
	xvm_free(&b);
	return failures;
}
