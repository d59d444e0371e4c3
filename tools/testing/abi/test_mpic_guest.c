// SPDX-License-Identifier: GPL-2.0
/*
 * The MPIC from the guest's side on the ppc node's e500mc host
 * (ppc_host=e500mc), through the guest-access extension: loads and
 * stores at KVM_DEV_MPIC_BASE_ADDR (which sizes and offsets the MPIC
 * takes, which exit to the VMM), the "this CPU" registers as the
 * accessing vCPU's MPIC CPU, and the interrupt flow: raise, IACK, EOI,
 * priority against CTPR and the interrupt in service, masking, level and
 * edge, IPIs through IPIDR, MSIs through MSIIR and MSIR/MSISR, a vCPU
 * idle in KVM_RUN woken by its INT output (KVM_EXIT_EXT_INTERRUPT), and a
 * resampling irqfd acknowledged by the guest's EOI. The facts are 6.1's
 * arch/powerpc/kvm/mpic.c (kvm_mpic_read/write(), get_current_cpu(),
 * openpic_cpu_read/write_internal(), openpic_iack(), IRQ_local_pipe(),
 * openpic_msi_read/write(), mpic_irq_raise/lower()), booke.c
 * (kvmppc_booke_vcpu_load(): the "this CPU" of an access is the vCPU
 * making it) and virt/kvm/eventfd.c (irqfd_inject(), the resampler).
 * kvm_ext only: the guest-access extension.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "mpic_common.h"

#define REF_GUEST "devices/mpic.rst, OpenPIC (6.1 mpic.c)"

/* SIGALRM only interrupts KVM_RUN. */
static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * The vCPU's INT input as KVM_RUN of the idle guest shows it: raised, it
 * returns at once with KVM_EXIT_EXT_INTERRUPT; else it waits until a
 * signal 50 ms later (-EINTR, KVM_EXIT_INTR).
 */
#define presented(m, i) presented_at(__LINE__, m, i)
static bool presented_at(int line, struct mp *m, int i)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } }, off = { { 0, 0 }, { 0, 0 } };
	struct kvm_run *run = m->run[i];
	struct sigaction sa, old;
	int r, err;

	if (!run)
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	run->immediate_exit = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(m->v[i], KVM_RUN, 0);
	err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (r == 0 && run->exit_reason == KVM_EXIT_EXT_INTERRUPT)
		return true;
	if (r == -1 && err == EINTR && run->exit_reason == KVM_EXIT_INTR)
		return false;
	fail("line %d: KVM_RUN of vCPU %d: %d/%s, exit reason %#x", line, i, r, errno_name(err),
	     run->exit_reason);
	return false;
}

/* A placed MPIC with n vCPUs as CPUs 0..n-1, each CTPR 0 (the guest's store). */
static bool mg_up(struct mp *m, const struct abi_test *t, int n)
{
	int i;

	if (!mp_up(m, (__u32)t->a, n))
		return false;
	for (i = 0; i < n; i++)
		g_wr(m->v[i], R_CTPR, 0);
	return !test_failed();
}

/* GSI g to pin g for each pin given (KVM_IRQ_LINE's way in). */
static bool route_pins(int vm, const __u32 *pins, __u32 n)
{
	struct kvm_irq_routing_entry e[16];
	__u32 i;

	for (i = 0; i < n; i++)
		e[i] = chip_route(pins[i], pins[i]);
	return expect_eq(route_table(vm, e, n), 0);
}

/*
 * The register space is where BASE_ADDR puts it (set_base_addr(),
 * kvm_io_bus_register_dev()): before, an access there exits to the VMM
 * (KVM_EXIT_MMIO); then the MPIC answers; moved, the old place exits and
 * the new answers; 0 unmaps it. An offset in no region of the 256 KiB
 * exits too (the device's -ENXIO).
 */
static void t_mg_base(const struct abi_test *t)
{
	bool v20 = t->a == MPIC20;
	__u32 frr = v20 ? 0x004f0002 : 0x00c30002;
	struct mp m;

	if (!need_e500mc() || !mp_new(&m, (__u32)t->a, 1, NULL, false))
		return;
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_FRR, 4);
	expect_eq(base_put(m.dev, MPIC_BASE), 0);
	expect_eq(g_rd(m.v[0], R_FRR), frr);
	expect_eq(g_rd(m.v[0], R_SPVR), SPURIOUS);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + 0x2000, 4);
	g_exits(m.v[0], m.run[0], true, MPIC_BASE + 0x3fffc, 4);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + MPIC_SIZE, 4);
	expect_eq(base_put(m.dev, MPIC_BASE + MPIC_SIZE), 0);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_FRR, 4);
	expect_eq(g_mem_at(__LINE__, m.v[0], false, MPIC_BASE + MPIC_SIZE + R_FRR, 4, 0), frr);
	expect_eq(base_put(m.dev, 0), 0);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + MPIC_SIZE + R_FRR, 4);
	g_exits(m.v[0], m.run[0], false, R_FRR, 4);
	expect_eq(base_put(m.dev, MPIC_BASE), 0);
	g_wr(m.v[0], R_SPVR, 0x4321);
	expect_eq(reg(m.dev, R_SPVR), 0x4321);
}

/*
 * What kvm_mpic_read/write() take: 4-byte loads and stores, naturally
 * aligned; byte loads ("be nice to people dumping registers a byte at a
 * time": the byte of the big-endian word the decoders read at the byte's
 * own offset, so all ones but at a register's first byte, an exit in the
 * MSI block, whose decoder refuses such offsets); the rest exits
 * to the VMM: 2- and 8-byte loads, misaligned loads, stores of another
 * size or misaligned, and what the decoders refuse (PIR's store, an MSI
 * load not 16-byte aligned). PIR's load is 0.
 */
static void t_mg_sizes(const struct abi_test *t)
{
	struct mp m;
	int i;

	if (!mp_up(&m, (__u32)t->a, 1))
		return;
	expect_eq(g_mem_at(__LINE__, m.v[0], false, MPIC_BASE + R_IVPR(16), 1, 0), 0x80);
	expect_eq(g_mem_at(__LINE__, m.v[0], false, MPIC_BASE + R_BRR1, 1, 0), 0);
	for (i = 1; i < 4; i++) {
		expect_eq(g_mem_at(__LINE__, m.v[0], false, MPIC_BASE + R_IVPR(16) + i, 1, 0),
			  0xff);
		expect_eq(g_mem_at(__LINE__, m.v[0], false, MPIC_BASE + R_FRR + i, 1, 0), 0xff);
		expect_eq(g_mem_at(__LINE__, m.v[0], false, MPIC_BASE + R_CTPR + i, 1, 0), 0xff);
	}
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_MSISR + 1, 1);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_FRR, 2);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_FRR + 2, 2);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_FRR, 8);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_FRR + 2, 4);
	g_exits(m.v[0], m.run[0], true, MPIC_BASE + R_SPVR, 1);
	g_exits(m.v[0], m.run[0], true, MPIC_BASE + R_SPVR, 2);
	g_exits(m.v[0], m.run[0], true, MPIC_BASE + R_SPVR, 8);
	g_exits(m.v[0], m.run[0], true, MPIC_BASE + R_SPVR + 2, 4);
	expect_eq(reg(m.dev, R_SPVR), SPURIOUS);
	g_exits(m.v[0], m.run[0], true, MPIC_BASE + R_PIR, 4);
	expect_eq(g_rd(m.v[0], R_PIR), 0);
	g_exits(m.v[0], m.run[0], false, MPIC_BASE + R_MSIR(0) + 4, 4);
	g_wr(m.v[0], R_MSIR(0) + 4, 0);
	g_wr(m.v[0], R_SPVR, 0x1234);
	expect_eq(g_rd(m.v[0], R_SPVR), 0x1234);
	expect_eq(g_rd(m.v[0], R_FRR + 4), 0xffffffff);
	expect_eq(g_rd(m.v[0], R_IVPR(16)), IVPR_MSK | IVPR_POL);
}

/*
 * The "this CPU" registers (0x40-0xb0) are the accessing vCPU's MPIC CPU
 * (get_current_cpu(): vcpu->arch.irq_cpu_id): WHOAMI reads the number it
 * was connected as, CTPR is its own; a vCPU never connected is CPU 0
 * (irq_cpu_id 0). The per-CPU pages are the same from every vCPU.
 */
static void t_mg_this_cpu(const struct abi_test *t)
{
	static const __u64 cpus[] = { 3, 0, 1 };
	struct mp m;
	int v3;

	if (!need_e500mc() || !mp_new(&m, (__u32)t->a, 3, cpus, true))
		return;
	v3 = new_vcpu(m.vm, 3);
	expect_eq(g_rd(m.v[0], R_WHOAMI), 3);
	expect_eq(g_rd(m.v[1], R_WHOAMI), 0);
	expect_eq(g_rd(m.v[2], R_WHOAMI), 1);
	expect_eq(g_rd(v3, R_WHOAMI), 0);
	g_wr(m.v[0], R_CTPR, 2);
	g_wr(m.v[1], R_CTPR, 5);
	expect_eq(reg(m.dev, R_CPU(3) + R_CTPR), 2);
	expect_eq(reg(m.dev, R_CPU(0) + R_CTPR), 5);
	expect_eq(reg(m.dev, R_CPU(1) + R_CTPR), 15);
	expect_eq(g_rd(m.v[0], R_CTPR), 2);
	expect_eq(g_rd(v3, R_CTPR), 5);
	expect_eq(g_rd(m.v[2], R_CPU(3) + R_WHOAMI), 3);
	expect_eq(g_rd(m.v[2], R_CPU(3) + R_CTPR), 2);
	g_wr(m.v[2], R_CPU(3) + R_CTPR, 9);
	expect_eq(g_rd(m.v[0], R_CTPR), 9);
	expect_eq(g_rd(m.v[0], R_IPIDR(0)), 0xffffffff);
	expect_eq(g_rd(m.v[0], R_EOI), 0);
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
}

/*
 * An edge source: KVM_IRQ_LINE raises the vCPU's INT (a CTPR below its
 * priority); the guest's IACK returns its vector, lowers INT and puts it
 * in service (IVPR's activity and the line clear); with nothing raised
 * IACK returns SPVR's vector. A second edge while in service at the same
 * priority waits for the EOI, which presents it.
 */
static void t_mg_edge(const struct abi_test *t)
{
	static const __u32 pins[] = { 3 };
	struct mp m;

	if (!mg_up(&m, t, 1) || !route_pins(m.vm, pins, 1))
		return;
	g_wr(m.v[0], R_SPVR, 0xabcd);
	g_wr(m.v[0], R_IDR(3), 1);
	g_wr(m.v[0], R_IVPR(3), IVPR_PRIO(5) | 0x33);
	expect_true(!presented(&m, 0));
	expect_eq(line_status(m.vm, 3, 1), 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IVPR(3)), IVPR_A | IVPR_PRIO(5) | 0x33);
	expect_eq(g_rd(m.v[0], R_IACK), 0x33);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IVPR(3)), IVPR_PRIO(5) | 0x33);
	expect_eq(active(m.dev, 3), 0);
	expect_eq(g_rd(m.v[0], R_IACK), 0xabcd);
	expect_eq(line_status(m.vm, 3, 1), 0);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_EOI, 0);
	expect_true(presented(&m, 0));
	/* the CPU's own page is the same CPU */
	expect_eq(g_rd(m.v[0], R_CPU(0) + R_IACK), 0x33);
	g_wr(m.v[0], R_CPU(0) + R_EOI, 0);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0xabcd);
}

/*
 * A level source stays raised while its line is high: after IACK it is
 * hidden by itself in service, the EOI presents it again; the line going
 * low withdraws it, and after the EOI nothing is presented.
 */
static void t_mg_level(const struct abi_test *t)
{
	static const __u32 pins[] = { 20, 6 };
	struct mp m;

	if (!mg_up(&m, t, 1) || !route_pins(m.vm, pins, 2))
		return;
	src_setup(m.dev, 20, 4, 0x20, false, 1);
	src_setup(m.dev, 6, 4, 0x66, true, 1);
	expect_eq(line_status(m.vm, 20, 1), 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x20);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_EOI, 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x20);
	expect_eq(line_status(m.vm, 20, 0), 0);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
	/* a source 0-15 made level by its sense bit */
	expect_eq(line_status(m.vm, 6, 1), 0);
	expect_eq(g_rd(m.v[0], R_IACK), 0x66);
	g_wr(m.v[0], R_EOI, 0);
	expect_eq(g_rd(m.v[0], R_IACK), 0x66);
	expect_eq(line_status(m.vm, 6, 0), 0);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));
}

/*
 * Priority: a source is presented only above CTPR (raising CTPR to it
 * withdraws it, lowering presents it) and above the interrupt in service:
 * a higher one preempts, a lower one waits for the EOIs; the highest
 * raised is acknowledged first.
 */
static void t_mg_priority(const struct abi_test *t)
{
	static const __u32 pins[] = { 1, 2, 4, 5 };
	struct mp m;

	if (!mg_up(&m, t, 1) || !route_pins(m.vm, pins, 4))
		return;
	src_setup(m.dev, 1, 3, 0x11, false, 1);
	src_setup(m.dev, 2, 7, 0x22, false, 1);
	src_setup(m.dev, 4, 9, 0x44, false, 1);
	src_setup(m.dev, 5, 5, 0x55, false, 1);
	expect_eq(line_status(m.vm, 5, 1), 0);
	expect_true(presented(&m, 0));
	g_wr(m.v[0], R_CTPR, 5);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_CTPR, 4);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x55);
	g_wr(m.v[0], R_EOI, 0);

	g_wr(m.v[0], R_CTPR, 7);
	expect_eq(line_status(m.vm, 2, 1), 0);
	expect_eq(line_status(m.vm, 1, 1), 0);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_CTPR, 6);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x22);
	expect_true(!presented(&m, 0));
	expect_eq(line_status(m.vm, 4, 1), 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x44);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_CTPR, 2);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_EOI, 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x11);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
}

/*
 * Masking, as the guest programs it (IVPR and IDR stores): a masked edge
 * is kept and presented when unmasked; masking a presented level source
 * withdraws it; a source routed to another CPU is not presented here.
 */
static void t_mg_mask(const struct abi_test *t)
{
	static const __u32 pins[] = { 3, 20 };
	struct mp m;

	if (!mg_up(&m, t, 2) || !route_pins(m.vm, pins, 2))
		return;
	g_wr(m.v[0], R_IDR(3), 1);
	g_wr(m.v[0], R_IVPR(3), IVPR_MSK | IVPR_PRIO(5) | 0x33);
	expect_eq(line_status(m.vm, 3, 1), 0);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_IVPR(3), IVPR_PRIO(5) | 0x33);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x33);
	g_wr(m.v[0], R_EOI, 0);

	g_wr(m.v[0], R_IDR(20), 1);
	g_wr(m.v[0], R_IVPR(20), IVPR_PRIO(6) | 0x20);
	expect_eq(line_status(m.vm, 20, 1), 0);
	expect_true(presented(&m, 0));
	g_wr(m.v[0], R_IVPR(20), IVPR_MSK | IVPR_PRIO(6) | 0x20);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IVPR(20)), IVPR_MSK | IVPR_PRIO(6) | 0x20);
	g_wr(m.v[0], R_IVPR(20), IVPR_PRIO(6) | 0x20);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x20);
	expect_eq(line_status(m.vm, 20, 0), 0);
	g_wr(m.v[0], R_EOI, 0);
	/* CPU 1's source: presented there, not here */
	g_wr(m.v[0], R_IDR(3), 2);
	expect_eq(line_status(m.vm, 3, 1), 0);
	expect_true(!presented(&m, 0));
	expect_true(presented(&m, 1));
	expect_eq(g_rd(m.v[1], R_IACK), 0x33);
	g_wr(m.v[1], R_EOI, 0);
}

/*
 * IPIs (openpic_cpu_write_internal() IPIDR, openpic_iack()): a store to
 * IPIDR n raises IPI n on the CPUs of its mask, at its IPIVPR's priority
 * and vector; each CPU acknowledges it once; the per-CPU pages' IPIDRs
 * and the VMM's GRP_REGISTER send too; a CPU's page acknowledges and
 * EOIs for that CPU whichever vCPU accesses it.
 */
static void t_mg_ipi(const struct abi_test *t)
{
	struct mp m;

	if (!mg_up(&m, t, 2))
		return;
	g_wr(m.v[0], R_IPIVPR(0), IVPR_PRIO(6) | 0x100);
	g_wr(m.v[0], R_IPIVPR(1), IVPR_PRIO(8) | 0x101);
	g_wr(m.v[0], R_IPIDR(0), 0x2);
	expect_true(presented(&m, 1));
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[1], R_IACK), 0x100);
	expect_eq(g_rd(m.v[1], R_IACK), SPURIOUS);
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
	g_wr(m.v[1], R_EOI, 0);

	g_wr(m.v[1], R_IPIDR(1), 0x3);
	expect_true(presented(&m, 0));
	expect_true(presented(&m, 1));
	expect_eq(g_rd(m.v[0], R_IACK), 0x101);
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
	expect_true(presented(&m, 1));
	expect_eq(g_rd(m.v[1], R_IACK), 0x101);
	expect_eq(g_rd(m.v[1], R_IACK), SPURIOUS);
	g_wr(m.v[0], R_EOI, 0);
	g_wr(m.v[1], R_EOI, 0);
	expect_true(!presented(&m, 0));
	expect_true(!presented(&m, 1));

	g_wr(m.v[0], R_CPU(0) + R_IPIDR(0), 0x2);
	expect_eq(g_rd(m.v[1], R_IACK), 0x100);
	g_wr(m.v[1], R_EOI, 0);
	wreg(m.dev, R_CPU(1) + R_IPIDR(1), 0x1);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x101);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 1));
	/* another CPU's page acts for that CPU, whoever accesses it */
	wreg(m.dev, R_CPU(0) + R_IPIDR(0), 0x2);
	expect_true(presented(&m, 1));
	expect_eq(g_rd(m.v[0], R_CPU(1) + R_IACK), 0x100);
	expect_true(!presented(&m, 1));
	expect_eq(g_rd(m.v[1], R_IACK), SPURIOUS);
	g_wr(m.v[0], R_CPU(1) + R_EOI, 0);
	expect_true(!presented(&m, 1));
}

/*
 * MSIs as the guest sees them: KVM_SIGNAL_MSI or the guest's own MSIIR
 * store sets an MSIR bit and raises its bank's source (224 + SRS); the
 * guest acknowledges it, reads MSISR and the MSIR (which clears it and
 * lowers the source), and EOIs: nothing more. MSIs into one bank
 * coalesce; one arriving while its bank is in service is presented after
 * the EOI.
 */
static void t_mg_msi(const struct abi_test *t)
{
	struct mp m;

	if (!mg_up(&m, t, 1))
		return;
	g_wr(m.v[0], R_IDR(MSI_IRQ(0)), 1);
	g_wr(m.v[0], R_IVPR(MSI_IRQ(0)), IVPR_PRIO(6) | 0xe0);
	g_wr(m.v[0], R_IDR(MSI_IRQ(1)), 1);
	g_wr(m.v[0], R_IVPR(MSI_IRQ(1)), IVPR_PRIO(4) | 0xe1);
	expect_eq(signal_msi(m.vm, MSIIR(0, 5), 0), 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0xe0);
	expect_eq(g_rd(m.v[0], R_MSISR), 1);
	expect_eq(g_rd(m.v[0], R_MSIR(0)), 1 << 5);
	expect_eq(g_rd(m.v[0], R_MSISR), 0);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));

	g_wr(m.v[0], R_MSIIR, MSIIR(1, 2));
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0xe1);
	expect_eq(g_rd(m.v[0], R_MSIR(1)), 1 << 2);
	g_wr(m.v[0], R_EOI, 0);

	expect_eq(signal_msi(m.vm, MSIIR(0, 1), 0), 0);
	expect_eq(signal_msi(m.vm, MSIIR(0, 2), 0), 0);
	expect_eq(g_rd(m.v[0], R_IACK), 0xe0);
	expect_eq(g_rd(m.v[0], R_MSIR(0)), 6);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));

	expect_eq(signal_msi(m.vm, MSIIR(0, 3), 0), 0);
	expect_eq(g_rd(m.v[0], R_IACK), 0xe0);
	expect_eq(signal_msi(m.vm, MSIIR(0, 4), 0), 0);
	expect_true(!presented(&m, 0));
	g_wr(m.v[0], R_EOI, 0);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0xe0);
	expect_eq(g_rd(m.v[0], R_MSIR(0)), 0x18);
	g_wr(m.v[0], R_EOI, 0);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
}

/* Starts vCPU i idle in KVM_RUN; false (the test failed) if it did not block. */
static bool idle_start(struct runner *r, struct mp *m, int i)
{
	return runner_start(r, m->v[i], m->run[i]);
}

/* The runner returned with KVM_EXIT_EXT_INTERRUPT within 5 s. */
#define expect_woken(r) expect_woken_at(__LINE__, r)
static void expect_woken_at(int line, struct runner *r)
{
	int i;

	for (i = 0; i < 500 && !runner_done(r); i++)
		sleep_ms(10);
	runner_stop(r);
	if (r->ret != 0 || r->reason != KVM_EXIT_EXT_INTERRUPT)
		fail("line %d: KVM_RUN returned %d/%s, exit reason %#x: not woken by the MPIC",
		     line, r->ret, errno_name(r->err), r->reason);
}

/*
 * A vCPU idle in KVM_RUN wakes (KVM_EXIT_EXT_INTERRUPT) when the MPIC
 * raises its INT: KVM_IRQ_LINE, an irqfd, KVM_SIGNAL_MSI, an IPI another
 * vCPU sends, GRP_IRQ_ACTIVE; not for a masked source, one below CTPR or
 * one routed to another CPU.
 */
static void t_mg_wake(const struct abi_test *t)
{
	static const __u32 pins[] = { 1, 2, 3 };
	struct kvm_irqfd fd = { .gsi = 2 };
	struct runner r;
	struct mp m;
	__u64 one = 1;
	int efd = new_eventfd();

	if (!mg_up(&m, t, 2) || !route_pins(m.vm, pins, 3))
		return;
	src_setup(m.dev, 1, 5, 0x11, false, 1);
	src_setup(m.dev, 2, 5, 0x22, false, 1);
	src_setup(m.dev, 3, 5, 0x33, false, 1);
	src_setup(m.dev, 4, 5, 0x44, false, 2);
	src_setup(m.dev, MSI_IRQ(0), 5, 0xe0, false, 1);
	wreg(m.dev, R_IPIVPR(0), IVPR_PRIO(5) | 0x100);
	fd.fd = (__u32)efd;
	expect_errno(ioctl(m.vm, KVM_IRQFD, &fd), 0);

	/* nothing for it: masked, below CTPR, another CPU's */
	wreg(m.dev, R_IVPR(3), IVPR_MSK | IVPR_PRIO(5) | 0x33);
	wreg(m.dev, R_IVPR(5), IVPR_PRIO(1) | 0x55);
	wreg(m.dev, R_IDR(5), 1);
	g_wr(m.v[0], R_CTPR, 1);
	if (!idle_start(&r, &m, 0))
		return;
	expect_eq(line_status(m.vm, 3, 1), 0);
	expect_eq(active_put(m.dev, 5, 1), 0);
	expect_eq(active_put(m.dev, 4, 1), 0);
	sleep_ms(100);
	expect_true(runner_waiting(&r));
	runner_stop(&r);
	expect_stopped_by_signal(&r);
	/* masked, source 5 leaves CPU 0's raised sources (an EOI would raise INT for it) */
	wreg(m.dev, R_IVPR(5), IVPR_MSK | IVPR_PRIO(1) | 0x55);

	if (!idle_start(&r, &m, 0))
		return;
	expect_eq(line_status(m.vm, 1, 1), 0);
	expect_woken(&r);
	expect_eq(g_rd(m.v[0], R_IACK), 0x11);
	g_wr(m.v[0], R_EOI, 0);

	if (!idle_start(&r, &m, 0))
		return;
	expect_eq(write(efd, &one, sizeof(one)), (long)sizeof(one));
	expect_woken(&r);
	expect_eq(g_rd(m.v[0], R_IACK), 0x22);
	g_wr(m.v[0], R_EOI, 0);

	if (!idle_start(&r, &m, 0))
		return;
	expect_eq(signal_msi(m.vm, MSIIR(0, 0), 0), 0);
	expect_woken(&r);
	expect_eq(g_rd(m.v[0], R_IACK), 0xe0);
	expect_eq(g_rd(m.v[0], R_MSIR(0)), 1);
	g_wr(m.v[0], R_EOI, 0);

	if (!idle_start(&r, &m, 0))
		return;
	g_wr(m.v[1], R_IPIDR(0), 1);
	expect_woken(&r);
	expect_eq(g_rd(m.v[0], R_IACK), 0x100);
	g_wr(m.v[0], R_EOI, 0);

	if (!idle_start(&r, &m, 0))
		return;
	wreg(m.dev, R_IVPR(3), IVPR_PRIO(5) | 0x33);
	expect_woken(&r);
	expect_eq(g_rd(m.v[0], R_IACK), 0x33);
	g_wr(m.v[0], R_EOI, 0);

	if (!idle_start(&r, &m, 0))
		return;
	expect_eq(active_put(m.dev, 1, 1), 0);
	expect_woken(&r);
	expect_eq(g_rd(m.v[0], R_IACK), 0x11);
	g_wr(m.v[0], R_EOI, 0);
}

/*
 * A resampling irqfd on a level source (irqfd_inject() with a resampler,
 * kvm_notify_acked_irq() from the EOI): the write raises the line; the
 * guest's IACK leaves it up; its EOI notifies the GSI's resampler, which
 * lowers the line and writes the resample eventfd; nothing is presented
 * after.
 */
static void t_mg_resample(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e = chip_route(5, 20);
	struct kvm_irqfd fd = { .gsi = 5, .flags = KVM_IRQFD_FLAG_RESAMPLE };
	int efd = new_eventfd(), rfd = new_eventfd(), i;
	__u64 one = 1;
	struct mp m;

	if (!mg_up(&m, t, 1) || !expect_eq(route_table(m.vm, &e, 1), 0))
		return;
	src_setup(m.dev, 20, 4, 0x20, false, 1);
	fd.fd = (__u32)efd;
	fd.resamplefd = (__u32)rfd;
	expect_errno(ioctl(m.vm, KVM_IRQFD, &fd), 0);
	expect_eq(write(efd, &one, sizeof(one)), (long)sizeof(one));
	for (i = 0; i < 200 && active(m.dev, 20) != 1; i++)
		sleep_ms(10);
	expect_eq(active(m.dev, 20), 1);
	expect_true(presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), 0x20);
	expect_eq(eventfd_count(rfd), 0);
	expect_eq(active(m.dev, 20), 1);
	g_wr(m.v[0], R_EOI, 0);
	for (i = 0; i < 200 && active(m.dev, 20) != 0; i++)
		sleep_ms(10);
	expect_eq(active(m.dev, 20), 0);
	expect_eq(eventfd_count(rfd), 1);
	expect_true(!presented(&m, 0));
	expect_eq(g_rd(m.v[0], R_IACK), SPURIOUS);
	/* and again */
	expect_eq(write(efd, &one, sizeof(one)), (long)sizeof(one));
	for (i = 0; i < 200 && active(m.dev, 20) != 1; i++)
		sleep_ms(10);
	expect_eq(g_rd(m.v[0], R_IACK), 0x20);
	g_wr(m.v[0], R_EOI, 0);
	for (i = 0; i < 200 && active(m.dev, 20) != 0; i++)
		sleep_ms(10);
	expect_eq(eventfd_count(rfd), 1);
}

#define M M_PPC
#define E T_EXT
static const struct abi_test mpic_guest_tests[] = {
	{ "MPIC guest: the register space at BASE_ADDR (before: MMIO exit; moved; 0 "
	  "unmaps), holes exit (v2.0)",
	  "devices/mpic.rst KVM_DEV_MPIC_BASE_ADDR", t_mg_base, M, E, MPIC20, 0 },
	{ "MPIC guest: the register space at BASE_ADDR (before: MMIO exit; moved; 0 "
	  "unmaps), holes exit (v4.2)",
	  "devices/mpic.rst KVM_DEV_MPIC_BASE_ADDR", t_mg_base, M, E, MPIC42, 0 },
	{ "MPIC guest: 4-byte accesses and byte loads (big-endian) taken; other sizes, "
	  "misaligned, PIR stores, MSI sub-words exit (v2.0)",
	  REF_GUEST, t_mg_sizes, M, E, MPIC20, 0 },
	{ "MPIC guest: 4-byte accesses and byte loads (big-endian) taken; other sizes, "
	  "misaligned, PIR stores, MSI sub-words exit (v4.2)",
	  REF_GUEST, t_mg_sizes, M, E, MPIC42, 0 },
	{ "MPIC guest: \"this CPU\" registers are the accessing vCPU's MPIC CPU (WHOAMI, "
	  "CTPR; unconnected: CPU 0), per-CPU pages shared (v2.0)",
	  REF_GUEST, t_mg_this_cpu, M, E, MPIC20, 0 },
	{ "MPIC guest: \"this CPU\" registers are the accessing vCPU's MPIC CPU (WHOAMI, "
	  "CTPR; unconnected: CPU 0), per-CPU pages shared (v4.2)",
	  REF_GUEST, t_mg_this_cpu, M, E, MPIC42, 0 },
	{ "MPIC guest: edge source raised, IACK (vector, lowered, spurious after), EOI "
	  "presents an edge that came in service (v2.0)",
	  REF_GUEST, t_mg_edge, M, E, MPIC20, 0 },
	{ "MPIC guest: edge source raised, IACK (vector, lowered, spurious after), EOI "
	  "presents an edge that came in service (v4.2)",
	  REF_GUEST, t_mg_edge, M, E, MPIC42, 0 },
	{ "MPIC guest: level source presented again after EOI while high, withdrawn when "
	  "low (v2.0)",
	  REF_GUEST, t_mg_level, M, E, MPIC20, 0 },
	{ "MPIC guest: level source presented again after EOI while high, withdrawn when "
	  "low (v4.2)",
	  REF_GUEST, t_mg_level, M, E, MPIC42, 0 },
	{ "MPIC guest: priority against CTPR and the interrupt in service, preemption, "
	  "highest first (v2.0)",
	  REF_GUEST, t_mg_priority, M, E, MPIC20, 0 },
	{ "MPIC guest: priority against CTPR and the interrupt in service, preemption, "
	  "highest first (v4.2)",
	  REF_GUEST, t_mg_priority, M, E, MPIC42, 0 },
	{ "MPIC guest: masking (kept while masked, withdrawn when masked), IDR routes to "
	  "another CPU (v2.0)",
	  REF_GUEST, t_mg_mask, M, E, MPIC20, 0 },
	{ "MPIC guest: masking (kept while masked, withdrawn when masked), IDR routes to "
	  "another CPU (v4.2)",
	  REF_GUEST, t_mg_mask, M, E, MPIC42, 0 },
	{ "MPIC guest: IPIs through IPIDR (this CPU, per-CPU pages, the VMM), multicast "
	  "acknowledged once per CPU (v2.0)",
	  REF_GUEST, t_mg_ipi, M, E, MPIC20, 0 },
	{ "MPIC guest: IPIs through IPIDR (this CPU, per-CPU pages, the VMM), multicast "
	  "acknowledged once per CPU (v4.2)",
	  REF_GUEST, t_mg_ipi, M, E, MPIC42, 0 },
	{ "MPIC guest: MSIs (KVM_SIGNAL_MSI, MSIIR store) through IACK, MSISR, MSIR "
	  "read-to-clear, EOI; coalescing (v2.0)",
	  REF_GUEST, t_mg_msi, M, E, MPIC20, 0 },
	{ "MPIC guest: MSIs (KVM_SIGNAL_MSI, MSIIR store) through IACK, MSISR, MSIR "
	  "read-to-clear, EOI; coalescing (v4.2)",
	  REF_GUEST, t_mg_msi, M, E, MPIC42, 0 },
	{ "MPIC: a vCPU idle in KVM_RUN wakes for KVM_IRQ_LINE, irqfd, KVM_SIGNAL_MSI, IPI, "
	  "unmask, IRQ_ACTIVE; not for masked/low/elsewhere (v2.0)",
	  REF_GUEST, t_mg_wake, M, E, MPIC20, 0 },
	{ "MPIC: a vCPU idle in KVM_RUN wakes for KVM_IRQ_LINE, irqfd, KVM_SIGNAL_MSI, IPI, "
	  "unmask, IRQ_ACTIVE; not for masked/low/elsewhere (v4.2)",
	  REF_GUEST, t_mg_wake, M, E, MPIC42, 0 },
	{ "MPIC irqfd RESAMPLE: a level source held until the guest's EOI, then lowered and "
	  "the resamplefd written (v2.0)",
	  "api.rst 4.75 KVM_IRQFD, " REF_GUEST, t_mg_resample, M, E, MPIC20, 0 },
	{ "MPIC irqfd RESAMPLE: a level source held until the guest's EOI, then lowered and "
	  "the resamplefd written (v4.2)",
	  "api.rst 4.75 KVM_IRQFD, " REF_GUEST, t_mg_resample, M, E, MPIC42, 0 },
};

TEST_GROUP(mpic_guest);
