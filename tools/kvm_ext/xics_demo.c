// SPDX-License-Identifier: GPL-2.0
/*
 * The ppc node as a pseries VMM and its guest drive the XICS: a VM with
 * RAM, 4 vCPUs in PAPR mode connected to an XICS as servers 0-3, RTAS
 * tokens defined as QEMU's spapr does, a device interrupt (an MSI source)
 * routed by the guest's ibm,set-xive, raised by the VMM through an irqfd,
 * taken and EOI'd by the guest (H_XIRR, H_EOI); IPIs from vCPU 0 to every
 * other (H_IPI), each taken and EOI'd by its target; then the state is
 * migrated in QEMU's order (source words, then ICP states) into a fresh VM
 * and compared. It runs on both emulated POWER hosts: the POWER8's XICS
 * emulation and the POWER9's XICS-on-XIVE answer the same VMM and guest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "xics_demo.h"

#define NVCPU 4
#define RAM_GPA 0x100000ULL
#define RAM_SIZE 0x10000ULL
#define MSI_SRC 0x1000 /* a source in ICS 4, as spapr numbers its MSIs */
#define H_EOI 0x64
#define H_CPPR 0x68
#define H_IPI 0x6c
#define H_XIRR 0x74
#define H_RTAS 0xf000
#define XICS_IPI 2

struct xvm {
	int vm, dev, vcpu[NVCPU];
	unsigned char *ram;
};

static int failures;

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("    UNEXPECTED: %s\n", what);
		failures++;
	}
}

/* A PAPR hypercall the kernel handles: r3 out (the return code), r4 in r4_out. */
static long hcall(int vcpu, __u64 nr, __u64 r4, __u64 r5, __u64 *r4_out)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_HYPERCALL, .addr = nr,
					  .len = 8, .data = r4, .args = { r5 } };

	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) || a.result != KVM_EXT_RESULT_KERNEL) {
		must(0, "hypercall handled in the kernel");
		return -1;
	}
	if (r4_out)
		*r4_out = a.args[0];
	return (long)a.data;
}

static int one_reg(int vcpu, unsigned long op, __u64 *val)
{
	struct kvm_one_reg r = { .id = KVM_REG_PPC_ICP_STATE, .addr = (unsigned long)val };

	return ioctl(vcpu, op, &r);
}

static int source(int dev, unsigned long op, __u64 irq, __u64 *word)
{
	struct kvm_device_attr a = { .group = KVM_DEV_XICS_GRP_SOURCES, .attr = irq,
				     .addr = (unsigned long)word };

	return ioctl(dev, op, &a);
}

static int xvm_new(int sys, struct xvm *x)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	int i;

	memset(x, 0, sizeof(*x));
	x->vm = ioctl(sys, KVM_CREATE_VM, 0);
	if (x->vm < 0 || ioctl(x->vm, KVM_CREATE_DEVICE, &cd))
		return -1;
	x->dev = (int)cd.fd;
	x->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region mem = {
		.slot = 0, .guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)x->ram,
	};
	if (x->ram == MAP_FAILED || ioctl(x->vm, KVM_SET_USER_MEMORY_REGION, &mem))
		return -1;
	for (i = 0; i < NVCPU; i++) {
		struct kvm_enable_cap c = { .cap = KVM_CAP_IRQ_XICS,
					    .args = { (__u64)x->dev, (__u64)i } };
		__u64 icp = 0xffULL << 56 | 0xffULL << 24 | 0xffULL << 16;

		x->vcpu[i] = ioctl(x->vm, KVM_CREATE_VCPU, i);
		if (x->vcpu[i] < 0 || ioctl(x->vcpu[i], KVM_ENABLE_CAP, &papr) ||
		    ioctl(x->vcpu[i], KVM_ENABLE_CAP, &c) || one_reg(x->vcpu[i], KVM_SET_ONE_REG, &icp))
			return -1;
	}
	return 0;
}

static void xvm_free(struct xvm *x)
{
	int i;

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

/* One RTAS call from vCPU 0 (args big-endian in guest RAM); returns rets[0]. */
static int rtas(struct xvm *x, __u32 token, __u32 nargs, const __u32 *args, __u32 nret)
{
	__u32 *w = (__u32 *)x->ram;
	__u32 i;

	w[0] = __builtin_bswap32(token);
	w[1] = __builtin_bswap32(nargs);
	w[2] = __builtin_bswap32(nret);
	for (i = 0; i < nargs; i++)
		w[3 + i] = __builtin_bswap32(args[i]);
	if (hcall(x->vcpu[0], H_RTAS, RAM_GPA, 0, NULL) != 0)
		return -1;
	return (int)__builtin_bswap32(w[3 + nargs]);
}

static int define_token(int vm, const char *name, __u64 token)
{
	struct kvm_ext_rtas_token_args t = { .token = token };

	strncpy(t.name, name, sizeof(t.name) - 1);
	return ioctl(vm, KVM_EXT_PPC_RTAS_DEFINE_TOKEN, &t);
}

/* The ppc node's emulated host for the VMs made from now on. */
static void set_ppc_host(const char *host)
{
	FILE *f = fopen("/sys/module/kvm_ext/parameters/ppc_host", "w");

	must(f && fputs(host, f) >= 0 && fclose(f) == 0, "ppc_host set");
}

int xics_demo(int sys, const char *host)
{
	static const char *const names[] = { "ibm,set-xive", "ibm,get-xive", "ibm,int-off",
					     "ibm,int-on" };
	struct xvm a, b;
	__u64 xirr, word, icps[NVCPU], got;
	struct kvm_irqfd irqfd = { .gsi = MSI_SRC };
	__u64 one = 1;
	int i, efd;

	failures = 0;
	set_ppc_host(host);
	printf("  XICS on the %s host (%s): a pseries VM, %d vCPUs connected as servers 0-%d\n",
	       host, strcmp(host, "power9") ? "the XICS emulation" : "XICS-on-XIVE", NVCPU,
	       NVCPU - 1);
	i = xvm_new(sys, &a) || xvm_new(sys, &b);
	set_ppc_host("power8");
	if (i) {
		must(0, "VMs with an XICS and 4 connected vCPUs");
		xvm_free(&a);
		xvm_free(&b);
		return failures;
	}
	for (i = 0; i < 4; i++)
		must(define_token(a.vm, names[i], 0x2000 + (__u64)i) == 0, "RTAS token defined");
	/* the VMM makes the MSI source (masked), the guest routes it to server 2 */
	word = 0xffULL << KVM_XICS_PRIORITY_SHIFT;
	must(source(a.dev, KVM_SET_DEVICE_ATTR, MSI_SRC, &word) == 0, "MSI source set");
	must(rtas(&a, 0x2000, 3, (__u32[]){ MSI_SRC, 2, 5 }, 1) == 0, "ibm,set-xive");
	printf("    guest: ibm,set-xive(%#x, server 2, priority 5) -> 0\n", MSI_SRC);
	efd = eventfd(0, EFD_CLOEXEC);
	irqfd.fd = (__u32)efd;
	must(ioctl(a.vm, KVM_IRQFD, &irqfd) == 0, "irqfd on the MSI's GSI");
	must(write(efd, &one, sizeof(one)) == sizeof(one), "eventfd written");
	xirr = 0;
	must(hcall(a.vcpu[2], H_XIRR, 0, 0, &xirr) == 0 && (xirr & 0xffffff) == MSI_SRC,
	     "vCPU 2 takes the MSI");
	printf("    VMM: irqfd write; vCPU 2: H_XIRR -> %#llx, H_EOI\n", (unsigned long long)xirr);
	must(hcall(a.vcpu[2], H_EOI, xirr, 0, NULL) == 0, "H_EOI");
	/* IPIs: vCPU 0 to every other vCPU, each takes and EOIs its own */
	for (i = 1; i < NVCPU; i++) {
		must(hcall(a.vcpu[0], H_IPI, (__u64)i, 4, NULL) == 0, "H_IPI");
		xirr = 0;
		must(hcall(a.vcpu[i], H_XIRR, 0, 0, &xirr) == 0 && (xirr & 0xffffff) == XICS_IPI,
		     "the IPI is presented");
		must(hcall(a.vcpu[i], H_IPI, (__u64)i, 0xff, NULL) == 0, "MFRR cleared");
		must(hcall(a.vcpu[i], H_EOI, xirr, 0, NULL) == 0, "IPI EOI");
	}
	printf("    vCPU 0: H_IPI to servers 1-3; each: H_XIRR -> 0xff000002, H_EOI\n");
	/* leave something in flight: an IPI pending on vCPU 3, the MSI in service on 2 */
	must(write(efd, &one, sizeof(one)) == sizeof(one), "eventfd written");
	must(hcall(a.vcpu[2], H_XIRR, 0, 0, &xirr) == 0, "vCPU 2 takes it again");
	must(hcall(a.vcpu[0], H_IPI, 3, 6, NULL) == 0, "H_IPI to 3");
	/* migrate: every vCPU connected in the new VM, then sources, then ICPs */
	must(source(a.dev, KVM_GET_DEVICE_ATTR, MSI_SRC, &word) == 0, "source saved");
	must(source(b.dev, KVM_SET_DEVICE_ATTR, MSI_SRC, &word) == 0, "source restored");
	for (i = 0; i < NVCPU; i++) {
		must(one_reg(a.vcpu[i], KVM_GET_ONE_REG, &icps[i]) == 0, "ICP saved");
		must(one_reg(b.vcpu[i], KVM_SET_ONE_REG, &icps[i]) == 0, "ICP restored");
	}
	must(source(b.dev, KVM_GET_DEVICE_ATTR, MSI_SRC, &got) == 0 && got == word,
	     "source word migrated");
	printf("    migrated: source %#x word %#llx", MSI_SRC, (unsigned long long)word);
	for (i = 0; i < NVCPU; i++) {
		must(one_reg(b.vcpu[i], KVM_GET_ONE_REG, &got) == 0 && got == icps[i],
		     "ICP state migrated");
		printf(", ICP%d %#llx", i, (unsigned long long)icps[i]);
	}
	printf("\n");
	/* the new VM goes on: vCPU 2 completes its MSI, vCPU 3 takes its IPI */
	must(hcall(b.vcpu[2], H_EOI, xirr, 0, NULL) == 0, "EOI in the new VM");
	must(hcall(b.vcpu[3], H_XIRR, 0, 0, &got) == 0 && (got & 0xffffff) == XICS_IPI,
	     "the IPI survived the migration");
	printf("    new VM: vCPU 2 H_EOI; vCPU 3 H_XIRR -> %#llx\n", (unsigned long long)got);
	close(efd);
	xvm_free(&a);
	xvm_free(&b);
	return failures;
}
