// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_bench_mpic: the Freescale MPIC (ppc node, ppc_host=e500mc, set
 * here and put back at the end) against the ioctl floor, timed
 * interleaved in one run (absolute times are context only: TCG).
 *
 * An interrupt's round trip on one vCPU: KVM_IRQ_LINE raises GSI 3, routed
 * (KVM_SET_GSI_ROUTING) to pin 3, an edge source of priority 5 sent to
 * CPU 0; the guest (KVM_EXT_GUEST_ACCESS, 4-byte MMIO at BASE_ADDR) takes
 * it by reading IACK and completes it by writing EOI, both through the
 * per-CPU registers' alias at 0x40-0xb0: three ioctls, against three no-op
 * ioctls (an ioctl the VM's VFIO device fd does not know). The same rounds
 * time KVM_IRQ_LINE alone (the edge latched again while the source is
 * masked) and a guest load of CTPR (the cheapest guest access to the
 * MPIC), to show where the time goes.
 *
 * usage: kvm_ext_bench_mpic [NODE] [ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "bench.h"
#include <linux/kvm_ext.h>

#define NOOP_BATCH 3000
#define RT_BATCH 1000
#define BASE 0xe0040000ULL
#define GSI 3
#define SRC 3
#define VECTOR 0x33
#define IVPR(n) (0x10000 + 0x20 * (n))
#define IDR(n) (IVPR(n) + 0x10)
#define CTPR 0x80
#define IACK 0xa0
#define EOI 0xb0
#define HOST_PARAM "/sys/module/kvm_ext/parameters/ppc_host"

struct mvm {
	int vm, dev, vcpu, noop;
};

static int set_reg(int dev, __u64 off, __u32 val)
{
	struct kvm_device_attr a = { .group = KVM_DEV_MPIC_GRP_REGISTER, .attr = off,
				     .addr = (unsigned long)&val };

	return ioctl(dev, KVM_SET_DEVICE_ATTR, &a);
}

/* A 4-byte guest load (store if write) at BASE_ADDR + off, kept in the kernel. */
static int guest(int vcpu, __u64 off, int write, __u32 *val)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_MEM, .addr = BASE + off,
					  .len = 4, .flags = write ? KVM_EXT_ACCESS_WRITE : 0,
					  .data = write ? *val : 0 };

	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL)
		return -1;
	if (!write)
		*val = (__u32)a.data;
	return 0;
}

/*
 * An e500mc VM with an MPIC v4.2 at BASE, vCPU 0 connected as CPU 0 at
 * CTPR 0, GSI 3 routed to pin 3, source 3 (edge) unmasked to CPU 0.
 */
static int mvm_new(int sys, struct mvm *m)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FSL_MPIC_42 };
	struct kvm_create_device vfio = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_enable_cap conn = { .cap = KVM_CAP_IRQ_MPIC };
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} r = { .hdr.nr = 1,
		.e[0] = { .gsi = GSI, .type = KVM_IRQ_ROUTING_IRQCHIP, .u.irqchip.pin = SRC } };
	__u64 base = BASE;
	struct kvm_device_attr place = { .group = KVM_DEV_MPIC_GRP_MISC,
					 .attr = KVM_DEV_MPIC_BASE_ADDR,
					 .addr = (unsigned long)&base };

	m->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (m->vm < 0 || ioctl(m->vm, KVM_CREATE_DEVICE, &cd) ||
	    ioctl(m->vm, KVM_CREATE_DEVICE, &vfio))
		return -1;
	m->dev = (int)cd.fd;
	m->noop = (int)vfio.fd;
	conn.args[0] = (__u64)m->dev;
	m->vcpu = ioctl(m->vm, KVM_CREATE_VCPU, 0);
	if (m->vcpu < 0 || ioctl(m->vcpu, KVM_ENABLE_CAP, &conn) ||
	    ioctl(m->dev, KVM_SET_DEVICE_ATTR, &place) || ioctl(m->vm, KVM_SET_GSI_ROUTING, &r))
		return -1;
	return set_reg(m->dev, 0x20000 + CTPR, 0) || set_reg(m->dev, IDR(SRC), 1) ||
	       set_reg(m->dev, IVPR(SRC), 5U << 16 | VECTOR);
}

static int round_trip(struct mvm *m)
{
	struct kvm_irq_level line = { .irq = GSI, .level = 1 };
	__u32 v = 0, zero = 0;

	if (ioctl(m->vm, KVM_IRQ_LINE, &line) || guest(m->vcpu, IACK, 0, &v) || v != VECTOR)
		return 1;
	return guest(m->vcpu, EOI, 1, &zero) != 0;
}

static void write_host(const char *val)
{
	FILE *f = fopen(HOST_PARAM, "w");

	if (!f || fputs(val, f) < 0 || fclose(f))
		fprintf(stderr, "writing %s to %s failed\n", val, HOST_PARAM);
}

int main(int argc, char **argv)
{
	const char *node = argc > 1 ? argv[1] : "/dev/kvm_ext/ppc";
	int rounds = argc > 2 ? atoi(argv[2]) : 31;
	struct kvm_irq_level line = { .irq = GSI, .level = 1 };
	double *noop, *rt, *irq, *load;
	struct mvm m, masked;
	char before[16] = "power8";
	int sys, i, j, bad = 0;
	double r_rt;
	FILE *f;
	__u32 v;

	f = fopen(HOST_PARAM, "r");
	if (f && fgets(before, sizeof(before), f))
		before[strcspn(before, "\n")] = 0;
	if (f)
		fclose(f);
	write_host("e500mc");
	sys = open(node, O_RDWR);
	i = sys < 0 || mvm_new(sys, &m) || mvm_new(sys, &masked);
	write_host(before);
	if (i) {
		perror(node);
		return 1;
	}
	/* the second VM's source stays masked: KVM_IRQ_LINE latches, nothing more */
	if (set_reg(masked.dev, IVPR(SRC), 1U << 31 | 5U << 16 | VECTOR)) {
		perror("IVPR");
		return 1;
	}
	/* Every path must do what it claims before it is timed. */
	if (round_trip(&m) || guest(m.vcpu, IACK, 0, &v) || v != 0xffff ||
	    guest(m.vcpu, CTPR, 0, &v) || v != 0 || ioctl(masked.vm, KVM_IRQ_LINE, &line) ||
	    ioctl(m.noop, _IO(KVMIO, 0xee)) != -1 || errno != ENOTTY) {
		fprintf(stderr, "unexpected ioctl results\n");
		return 1;
	}
	noop = calloc(rounds, sizeof(*noop));
	rt = calloc(rounds, sizeof(*rt));
	irq = calloc(rounds, sizeof(*irq));
	load = calloc(rounds, sizeof(*load));
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns(), t1, t2, t3;

		for (j = 0; j < NOOP_BATCH; j++)
			ioctl(m.noop, _IO(KVMIO, 0xee));
		t1 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += round_trip(&m);
		t2 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += ioctl(masked.vm, KVM_IRQ_LINE, &line) != 0;
		t3 = now_ns();
		for (j = 0; j < RT_BATCH; j++)
			bad += guest(m.vcpu, CTPR, 0, &v) != 0;
		load[i] = (now_ns() - t3) / RT_BATCH;
		noop[i] = (t1 - t0) / NOOP_BATCH;
		rt[i] = (t2 - t1) / RT_BATCH;
		irq[i] = (t3 - t2) / RT_BATCH;
	}
	if (bad) {
		fprintf(stderr, "%d operations failed while timed\n", bad);
		return 1;
	}
	r_rt = median(rt, rounds) / median(noop, rounds);
	printf("mpic (e500mc): no-op ioctl %.0f ns (floor); KVM_IRQ_LINE + IACK + EOI %.0f ns = "
	       "%.2fx the floor (%.2fx three no-ops)\n",
	       median(noop, rounds), median(rt, rounds), r_rt, r_rt / 3);
	printf("mpic (e500mc): KVM_IRQ_LINE alone %.2fx, a guest CTPR load %.2fx the floor\n",
	       median(irq, rounds) / median(noop, rounds),
	       median(load, rounds) / median(noop, rounds));
	return 0;
}
