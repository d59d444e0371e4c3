/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the MPIC files share (test_mpic.c, test_mpic_guest.c): the
 * register map of 6.1's arch/powerpc/kvm/mpic.c, the e500mc host
 * (ppc_host=e500mc), a VM with an MPIC and connected vCPUs, the device
 * attributes, and the test as the guest at BASE_ADDR. Each raw helper
 * returns 0 or -errno.
 */
#ifndef KVM_EXT_MPIC_COMMON_H
#define KVM_EXT_MPIC_COMMON_H

#include <string.h>
#include <unistd.h>

#include "abi_test.h"

/* arch/powerpc/include/uapi/asm/kvm.h */
#ifndef KVM_DEV_MPIC_GRP_MISC
#define KVM_DEV_MPIC_GRP_MISC		1
#define KVM_DEV_MPIC_BASE_ADDR		0
#define KVM_DEV_MPIC_GRP_REGISTER	2
#define KVM_DEV_MPIC_GRP_IRQ_ACTIVE	3
#endif

#define MPIC20 KVM_DEV_TYPE_FSL_MPIC_20
#define MPIC42 KVM_DEV_TYPE_FSL_MPIC_42
#define GRP_MISC KVM_DEV_MPIC_GRP_MISC
#define GRP_REG KVM_DEV_MPIC_GRP_REGISTER
#define GRP_ACTIVE KVM_DEV_MPIC_GRP_IRQ_ACTIVE

/* Where the 256 KiB register space goes (QEMU ppce500's CCSR + 0x40000). */
#define MPIC_BASE 0xe0040000ULL
#define MPIC_SIZE 0x40000ULL

/* Global registers (mpic.c openpic_gbl_read/write) */
#define R_BRR1 0x0
#define R_IPIDR(n) (0x40 + 0x10 * (n))	/* "this CPU" (0x40-0xb0) */
#define R_CTPR 0x80
#define R_WHOAMI 0x90
#define R_IACK 0xa0
#define R_EOI 0xb0
#define R_FRR 0x1000
#define R_GCR 0x1020
#define R_VIR 0x1080
#define R_PIR 0x1090
#define R_IPIVPR(n) (0x10a0 + 0x10 * (n))
#define R_SPVR 0x10e0
/*
 * Timers: 6.1's openpic_tmr_write() decodes the absolute offset (TCCR,
 * TBCR, TVPR, TDR of timer n at 0x1100 + 0x40n + 0, 0x10, 0x20, 0x30),
 * openpic_tmr_read() the offset from 0x10f0: a register is read 0x10
 * below where it is written, and 0x10f0 reads TFRR.
 */
#define R_TFRR 0x10f0
#define W_TBCR(n) (0x1110 + 0x40 * (n))
#define W_TVPR(n) (0x1120 + 0x40 * (n))
#define W_TDR(n) (0x1130 + 0x40 * (n))
#define R_TCCR(n) (0x10f0 + 0x40 * (n)) /* n >= 1: n = 0 is TFRR */
#define R_TBCR(n) (0x1100 + 0x40 * (n))
#define R_TVPR(n) (0x1110 + 0x40 * (n))
#define R_TDR(n) (0x1120 + 0x40 * (n))
/* MSI registers (openpic_msi_read/write): eight banks of 32 */
#define R_MSIR(n) (0x1600 + 0x10 * (n))
#define R_MSISR 0x1720
#define R_MSIIR 0x1740
#define MSIIR(srs, ibs) ((__u32)(srs) << 29 | (__u32)(ibs) << 24)
#define MSI_IRQ(srs) (224 + (srs))
#define R_SUMMARY 0x3800
/* Sources 0-255 (openpic_src_read/write) */
#define R_IVPR(n) (0x10000 + 0x20 * (n))
#define R_IDR(n) (0x10000 + 0x20 * (n) + 0x10)
#define R_ILR(n) (0x10000 + 0x20 * (n) + 0x18)
/* Per-CPU pages (openpic_cpu_read/write) */
#define R_CPU(c) (0x20000 + 0x1000 * (c))

#define IVPR_MSK (1U << 31)
#define IVPR_A (1U << 30)
#define IVPR_POL (1U << 23)
#define IVPR_SENSE (1U << 22)
#define IVPR_PRIO(p) ((__u32)(p) << 16)
#define GCR_RESET 0x80000000U
#define SPURIOUS 0xffffU /* SPVR's reset: -1 & vector_mask */
#define IRQ_IPI0 256	 /* GRP_IRQ_ACTIVE's 256 is IPI 0 (attr > MAX_SRC) */

/* A VM with an MPIC (type), n vCPUs connected as MPIC CPUs cpu[i] (i if NULL). */
#define MP_VCPUS 4
struct mp {
	int vm, dev, type, n;
	int v[MP_VCPUS];
	struct kvm_run *run[MP_VCPUS];
};

static inline int mp_attr(int dev, unsigned long op, __u32 grp, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = grp, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a) ? -errno : 0;
}

static inline int reg_try(int dev, __u64 off, __u32 *v)
{
	*v = 0xdeadbeef;
	return mp_attr(dev, KVM_GET_DEVICE_ATTR, GRP_REG, off, v);
}

static inline int reg_put(int dev, __u64 off, __u32 v)
{
	return mp_attr(dev, KVM_SET_DEVICE_ATTR, GRP_REG, off, &v);
}

/* A register that must read (the poison value if it does not). */
#define reg(dev, off) reg_at(__LINE__, dev, off)
static inline __u32 reg_at(int line, int dev, __u64 off)
{
	__u32 v;
	int r = reg_try(dev, off, &v);

	if (r)
		fail("line %d: GRP_REGISTER get %#llx: %s", line, (unsigned long long)off,
		     errno_name(-r));
	return v;
}

#define wreg(dev, off, v) wreg_at(__LINE__, dev, off, v)
static inline void wreg_at(int line, int dev, __u64 off, __u32 v)
{
	int r = reg_put(dev, off, v);

	if (r)
		fail("line %d: GRP_REGISTER set %#llx = %#x: %s", line, (unsigned long long)off, v,
		     errno_name(-r));
}

static inline int active_put(int dev, __u64 irq, __u32 v)
{
	return mp_attr(dev, KVM_SET_DEVICE_ATTR, GRP_ACTIVE, irq, &v);
}

static inline __u32 active(int dev, __u64 irq)
{
	__u32 v = 0xdeadbeef;

	expect_eq(mp_attr(dev, KVM_GET_DEVICE_ATTR, GRP_ACTIVE, irq, &v), 0);
	return v;
}

static inline int base_put(int dev, __u64 base)
{
	return mp_attr(dev, KVM_SET_DEVICE_ATTR, GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, &base);
}

static inline __u64 base_get(int dev)
{
	__u64 b = 0xdeadbeef;

	expect_eq(mp_attr(dev, KVM_GET_DEVICE_ATTR, GRP_MISC, KVM_DEV_MPIC_BASE_ADDR, &b), 0);
	return b;
}

/* KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC): args[0] the device fd, args[1] the CPU. */
static inline int mpic_connect(int vcpu, int fd, __u64 cpu, __u32 flags)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_IRQ_MPIC, .flags = flags };

	c.args[0] = (__u64)fd;
	c.args[1] = cpu;
	return ioctl(vcpu, KVM_ENABLE_CAP, &c) ? -errno : 0;
}

/* KVM_CREATE_DEVICE: the fd (tracked), 0 for a TEST, or -errno. */
static inline int mpic_create(int vm, __u32 type, __u32 flags)
{
	struct kvm_create_device cd = { .type = type, .flags = flags };

	if (ioctl(vm, KVM_CREATE_DEVICE, &cd))
		return -errno;
	return flags ? 0 : track_fd((int)cd.fd);
}

/*
 * Switches the emulated ppc host to an e500mc (BookE, CONFIG_KVM_MPIC)
 * for the VMs made from now on (the runner puts ppc_host back after the
 * test). Where that cannot be (a real /dev/kvm, or a kvm_ext without the
 * value), or the host then has no MPIC, the test is skipped: false.
 */
static inline bool need_e500mc(void)
{
	long cap;
	int vm;

	if (g_is_ext && param_write("ppc_host", "e500mc")) {
		skip_test("ppc_host=e500mc refused (%s): no emulated e500mc host",
			  errno_name(errno));
		return false;
	}
	vm = ioctl(g_sys, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fail("KVM_CREATE_VM: %s", errno_name(errno));
		return false;
	}
	cap = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_MPIC);
	close(vm);
	if (cap <= 0) {
		skip_test("KVM_CAP_IRQ_MPIC is %ld: the host has no in-kernel MPIC", cap);
		return false;
	}
	return true;
}

/*
 * An e500mc VM with an MPIC of `type` and n vCPUs, vCPU i connected as
 * MPIC CPU cpus[i] (i when cpus is NULL); the register space at MPIC_BASE
 * when place.
 */
static inline bool mp_new(struct mp *m, __u32 type, int n, const __u64 *cpus, bool place)
{
	int i;

	memset(m, 0, sizeof(*m));
	m->type = (int)type;
	m->n = n;
	m->vm = new_vm(0);
	if (m->vm < 0)
		return false;
	m->dev = mpic_create(m->vm, type, 0);
	if (!expect_true(m->dev >= 0))
		return false;
	for (i = 0; i < n; i++) {
		m->v[i] = new_vcpu(m->vm, (unsigned long)i);
		if (m->v[i] < 0 ||
		    !expect_eq(mpic_connect(m->v[i], m->dev, cpus ? cpus[i] : (__u64)i, 0), 0))
			return false;
		m->run[i] = map_run(m->v[i]);
	}
	return !place || expect_eq(base_put(m->dev, MPIC_BASE), 0);
}

/* need_e500mc(), then mp_new() with vCPUs 0..n-1 as CPUs 0..n-1, placed. */
static inline bool mp_up(struct mp *m, __u32 type, int n)
{
	return need_e500mc() && mp_new(m, type, n, NULL, true);
}

/*
 * Source n (0-255) set up through GRP_REGISTER: priority, vector, level
 * (the sense bit; sources 16 and up are level whatever it says) and the
 * destination CPUs (IDR), unmasked.
 */
static inline void src_setup(int dev, int n, int prio, __u32 vec, bool level, __u32 dest)
{
	wreg(dev, R_IDR(n), dest);
	wreg(dev, R_IVPR(n), IVPR_PRIO(prio) | vec | (level ? IVPR_SENSE : 0));
}

/* ------------------------------------------------------------ the guest */

/* A 32-bit guest load or store at MPIC_BASE + off the MPIC handles. */
#define g_rd(vcpu, off) g_mem_at(__LINE__, vcpu, false, MPIC_BASE + (off), 4, 0)
#define g_wr(vcpu, off, val) g_mem_at(__LINE__, vcpu, true, MPIC_BASE + (off), 4, val)
static inline __u32 g_mem_at(int line, int vcpu, bool write, __u64 addr, __u32 len, __u32 val)
{
	__u64 data = val;
	__u32 result = 0;
	int r = guest_access(vcpu, KVM_EXT_ACCESS_MEM, write ? KVM_EXT_ACCESS_WRITE : 0, addr,
			     len, &data, &result);

	if (r)
		fail("line %d: guest %s%u at %#llx: %s", line, write ? "store" : "load", len,
		     (unsigned long long)addr, errno_name(errno));
	else if (result != KVM_EXT_RESULT_KERNEL)
		fail("line %d: guest %s%u at %#llx: result %u, not the MPIC's", line,
		     write ? "store" : "load", len, (unsigned long long)addr, result);
	return write ? 0 : (__u32)data;
}

/*
 * An access the MPIC does not take (6.1: its kvm_io_device returns an
 * error, so KVM exits to the VMM): KVM_EXIT_MMIO with the address, length
 * and direction.
 */
#define g_exits(vcpu, run, write, addr, len) g_exits_at(__LINE__, vcpu, run, write, addr, len)
static inline void g_exits_at(int line, int vcpu, struct kvm_run *run, bool write, __u64 addr,
			      __u32 len)
{
	__u64 data = 0x11223344;
	__u32 result = 0;
	int r = guest_access(vcpu, KVM_EXT_ACCESS_MEM, write ? KVM_EXT_ACCESS_WRITE : 0, addr,
			     len, &data, &result);

	if (r) {
		fail("line %d: guest %s%u at %#llx: %s", line, write ? "store" : "load", len,
		     (unsigned long long)addr, errno_name(errno));
		return;
	}
	if (result != KVM_EXT_RESULT_EXIT || !run || run->exit_reason != KVM_EXIT_MMIO ||
	    run->mmio.phys_addr != addr || run->mmio.len != len || run->mmio.is_write != write)
		fail("line %d: guest %s%u at %#llx: result %u, exit %u at %#llx len %u: not an "
		     "MMIO exit",
		     line, write ? "store" : "load", len, (unsigned long long)addr, result,
		     run ? run->exit_reason : 0, run ? (unsigned long long)run->mmio.phys_addr : 0,
		     run ? run->mmio.len : 0);
}

/* KVM_IRQ_LINE_STATUS: the status (kvm_set_irq()'s: -1 no route, 0 delivered). */
static inline int line_status(int vm, __u32 gsi, __u32 level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	if (!expect_errno(ioctl(vm, KVM_IRQ_LINE_STATUS, &l), 0))
		return 0x7fffffff;
	return (int)l.status;
}

static inline int route_table(int vm, const struct kvm_irq_routing_entry *e, __u32 nr)
{
	struct {
		struct kvm_irq_routing h;
		struct kvm_irq_routing_entry e[16];
	} rt;

	memset(&rt, 0, sizeof(rt));
	if (nr > 16)
		return -E2BIG;
	rt.h.nr = nr;
	if (nr)
		memcpy(rt.e, e, nr * sizeof(*e));
	return ioctl(vm, KVM_SET_GSI_ROUTING, &rt) ? -errno : 0;
}

static inline struct kvm_irq_routing_entry chip_route(__u32 gsi, __u32 pin)
{
	struct kvm_irq_routing_entry e = { .gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP };

	e.u.irqchip.irqchip = 0;
	e.u.irqchip.pin = pin;
	return e;
}

static inline struct kvm_irq_routing_entry msi_route(__u32 gsi, __u32 data)
{
	struct kvm_irq_routing_entry e = { .gsi = gsi, .type = KVM_IRQ_ROUTING_MSI };

	e.u.msi.address_lo = (__u32)MPIC_BASE + R_MSIIR; /* ignored: one bank */
	e.u.msi.data = data;
	return e;
}

static inline int signal_msi(int vm, __u32 data, __u32 flags)
{
	struct kvm_msi msi = { .address_lo = (__u32)MPIC_BASE + R_MSIIR, .data = data, .flags = flags };

	return ioctl(vm, KVM_SIGNAL_MSI, &msi) ? -errno : 0;
}

#endif
