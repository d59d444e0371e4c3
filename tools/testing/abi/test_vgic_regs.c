// SPDX-License-Identifier: GPL-2.0
/*
 * The VGIC's register groups, interrupt delivery and save/restore (issue 6,
 * steps 2 and 3): devices/arm-vgic.rst (GICv2) and arm-vgic-v3.rst (GICv3).
 *
 * - the errno rows of KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS,
 *   _CPU_REGS, _CPU_SYSREGS, _LEVEL_INFO and SAVE_PENDING_TABLES;
 * - the userspace view the documents define: ISPENDR as the latch, ICPENDR
 *   RAZ/WI, STATUSR set directly, GICD_IIDR written back first, GICv2
 *   groups ignored until then, the 5-bit GICC_PMR and the APR view;
 * - the first KVM_RUN's frame checks (kvm_vgic_map_resources());
 * - KVM_IRQ_LINE (api.rst 4.25) and its capabilities;
 * - interrupt flows with the test as the guest (KVM_EXT_GUEST_ACCESS,
 *   kvm_ext only): routing, acknowledge, EOI, EOImode, priority masking,
 *   preemption, SGIs, PPIs, GICv2 SGI sources, and the idle guest's
 *   KVM_RUN that returns with KVM_EXIT_EXT_INTERRUPT;
 * - a whole-GIC save and restore in QEMU's order (hw/intc/arm_gicv3_kvm.c
 *   kvm_arm_gicv3_get()/kvm_arm_gicv3_put()), and the classic VMM bug of
 *   addressing every redistributor by vCPU 0's MPIDR.
 *
 * Where the documents are silent the ground truth is Linux 6.1
 * arch/arm64/kvm/vgic/ (vgic-kvm-device.c, vgic-mmio.c, vgic-mmio-v2.c,
 * vgic-mmio-v3.c, vgic-init.c) and arch/arm64/kvm/vgic-sys-reg-v3.c; each
 * test names the function. Tests of behaviour where kvm_ext follows the
 * documents against 6.1 (STATUSR, a refused first KVM_RUN, the v2
 * vcpu_index) are kvm_ext-only, as is everything that needs the guest.
 *
 * Four tests found core bugs when written (their comments say "Found a
 * core bug"): error precedence of the register groups and of
 * KVM_IRQ_LINE, PROPBASER's scope and its cacheability sanitising; the
 * core now matches 6.1 there.
 *
 * arm64 only.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "abi_test.h"
#include "vgic_common.h"

#define REF_V2 "devices/arm-vgic.rst"
#define REF_V3 "devices/arm-vgic-v3.rst"
#define REF_BOTH "devices/arm-vgic.rst, arm-vgic-v3.rst"
#define REF_V2_DIST "devices/arm-vgic.rst KVM_DEV_ARM_VGIC_GRP_DIST_REGS"
#define REF_V2_CPU "devices/arm-vgic.rst KVM_DEV_ARM_VGIC_GRP_CPU_REGS"
#define REF_V3_REGS "devices/arm-vgic-v3.rst KVM_DEV_ARM_VGIC_GRP_DIST_REGS, _REDIST_REGS"
#define REF_V3_SYSREGS "devices/arm-vgic-v3.rst KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS"
#define REF_V3_LEVEL "devices/arm-vgic-v3.rst KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO"
#define REF_V3_CTRL "devices/arm-vgic-v3.rst KVM_DEV_ARM_VGIC_GRP_CTRL"
#define REF_MAP "6.1 kvm_vgic_map_resources(), vgic_v{2,3}_map_resources()"
#define REF_IRQ_LINE "api.rst 4.25 KVM_IRQ_LINE"
#define REF_GUEST "kvm_ext.h KVM_EXT_GUEST_ACCESS, GICv3 architecture"
#define REF_GUEST_V2 "kvm_ext.h KVM_EXT_GUEST_ACCESS, GICv2 architecture"
#define REF_IDLE "kvm_ext.h KVM_EXIT_EXT_INTERRUPT, api.rst 4.10 KVM_RUN"
#define REF_SAVE "devices/arm-vgic-v3.rst; QEMU hw/intc/arm_gicv3_kvm.c"

/* ------------------------------------------------------------ MPIDRs */

/* MPIDR_EL1's affinity for vCPU id (6.1 reset_mpidr()) as GICD_IROUTER holds it. */
static __u32 aff_of(unsigned long id)
{
	return (__u32)((id >> 12 & 0xff) << 16 | (id >> 4 & 0xff) << 8 | (id & 0xf));
}

/* The attribute's mpidr field (bits 63:32: Aff3.Aff2.Aff1.Aff0) of vCPU id. */
static __u64 mp(unsigned long id)
{
	return (__u64)aff_of(id) << 32;
}

/* The v2 attribute's vcpu_index field (bits 39:32). */
static __u64 idx(unsigned int i)
{
	return (__u64)i << 32;
}

/* ------------------------------------------------------------ the GIC */


static int set_addr(int dev, __u64 type, __u64 addr)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_ADDR, type, (__u64)(uintptr_t)&addr);
}

int ctrl_init(int dev)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_INIT, 0);
}

static int set_nr_irqs(int dev, __u32 n)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n);
}

static __u32 get_nr_irqs(int dev)
{
	__u32 n = 0;

	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_NR_IRQS, 0, (__u64)(uintptr_t)&n), 0);
	return n;
}

/*
 * A VM with n vCPUs of the given ids (0..n-1 if none), each initialised by
 * KVM_ARM_VCPU_INIT (which sets its MPIDR), and a GIC of `model`: no frames
 * placed, not initialised.
 */
bool gic_new(struct gic *g, int model, int n, const unsigned long *ids)
{
	__u32 fd = 0;
	int i;

	memset(g, 0, sizeof(*g));
	g->model = model;
	g->n = n;
	g->dev = -1;
	g->vm = -1;
	if (model == V2 && !need_gicv2())
		return false;
	g->vm = new_vm(0);
	if (g->vm < 0)
		return false;
	for (i = 0; i < n; i++) {
		g->id[i] = ids ? ids[i] : (unsigned long)i;
		g->vcpu[i] = new_vcpu(g->vm, g->id[i]);
		g->run[i] = map_run(g->vcpu[i]);
		if (!g->run[i] || !expect_errno(vcpu_init(g->vm, g->vcpu[i], 0), 0))
			return false;
	}
	if (!expect_errno(create_device(g->vm, model, 0, &fd), 0))
		return false;
	g->dev = (int)fd;
	return true;
}

/* v2: distributor and CPU interface; v3: distributor and a (legacy) redistributor region. */
bool gic_place(struct gic *g)
{
	if (g->model == V2)
		return expect_errno(set_addr(g->dev, ADDR_V2_DIST, DIST_BASE), 0) &&
		       expect_errno(set_addr(g->dev, ADDR_V2_CPU, CPU_BASE), 0);
	return expect_errno(set_addr(g->dev, ADDR_V3_DIST, DIST_BASE), 0) &&
	       expect_errno(set_addr(g->dev, ADDR_V3_REDIST, REDIST_BASE), 0);
}

/* gic_new(), the frames placed, NR_IRQS (0: the default 256), CTRL_INIT. */
bool gic_up(struct gic *g, int model, int n, const unsigned long *ids, __u32 nr_irqs)
{
	if (!gic_new(g, model, n, ids) || !gic_place(g))
		return false;
	if (nr_irqs && !expect_errno(set_nr_irqs(g->dev, nr_irqs), 0))
		return false;
	return expect_errno(ctrl_init(g->dev), 0);
}

/* The first KVM_RUN (immediate_exit): the frames go on the MMIO bus. */
bool gic_map(struct gic *g)
{
	return expect_errno(run_nonblocking(g->vcpu[0], g->run[0]), EINTR);
}

/* The guest physical address of redistributor i (regions fill in vCPU index order). */
static __u64 rd_base(int i)
{
	return REDIST_BASE + (__u64)i * RD_SIZE;
}

/* ------------------------------------------------------------ attributes */

int reg_set(int dev, __u32 grp, __u64 attr, __u32 val)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, grp, attr, (__u64)(uintptr_t)&val);
}

int reg_try_get(int dev, __u32 grp, __u64 attr, __u32 *val)
{
	return dev_attr(dev, KVM_GET_DEVICE_ATTR, grp, attr, (__u64)(uintptr_t)val);
}

static int sys_set(int dev, __u64 attr, __u64 val)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_SYSREGS, attr, (__u64)(uintptr_t)&val);
}

static int sys_try_get(int dev, __u64 attr, __u64 *val)
{
	return dev_attr(dev, KVM_GET_DEVICE_ATTR, GRP_SYSREGS, attr, (__u64)(uintptr_t)val);
}

static int has_attr(int dev, __u32 grp, __u64 attr)
{
	return dev_attr(dev, KVM_HAS_DEVICE_ATTR, grp, attr, 0);
}


/* A 32-bit register group read that must succeed (failures at the caller's line). */
#define reg_get(dev, grp, attr) reg_get_at(__LINE__, dev, grp, attr)
static __u32 reg_get_at(int line, int dev, __u32 grp, __u64 attr)
{
	char what[96];
	__u32 v = 0xdeadbeef;
	int r = reg_try_get(dev, grp, attr, &v), err = errno;

	snprintf(what, sizeof(what), "GET group %u attr %#llx", grp, (unsigned long long)attr);
	expect_errno_at(__FILE__, line, what, r, err, 0);
	return v;
}

/* A register group write that must succeed. */
#define reg_put(dev, grp, attr, val) reg_put_at(__LINE__, dev, grp, attr, val)
static void reg_put_at(int line, int dev, __u32 grp, __u64 attr, __u32 val)
{
	char what[96];
	int r = reg_set(dev, grp, attr, val), err = errno;

	snprintf(what, sizeof(what), "SET group %u attr %#llx = %#x", grp, (unsigned long long)attr,
		 val);
	expect_errno_at(__FILE__, line, what, r, err, 0);
}

/* SPIs start edge-triggered (6.1 kvm_vgic_dist_init()): make them level. */
static void level_spis(int dev, __u32 nr_irqs)
{
	__u32 w;

	for (w = 2; w < nr_irqs / 16; w++)
		reg_put(dev, GRP_DIST, GICD_ICFGR + 4 * w, 0);
}

#define sys_get(dev, attr) sys_get_at(__LINE__, dev, attr)
static __u64 sys_get_at(int line, int dev, __u64 attr)
{
	char what[96];
	__u64 v = 0xdeadbeefdeadbeefULL;
	int r = sys_try_get(dev, attr, &v), err = errno;

	snprintf(what, sizeof(what), "GET CPU_SYSREGS attr %#llx", (unsigned long long)attr);
	expect_errno_at(__FILE__, line, what, r, err, 0);
	return v;
}

#define sys_put(dev, attr, val) sys_put_at(__LINE__, dev, attr, val)
static void sys_put_at(int line, int dev, __u64 attr, __u64 val)
{
	char what[96];
	int r = sys_set(dev, attr, val), err = errno;

	snprintf(what, sizeof(what), "SET CPU_SYSREGS attr %#llx = %#llx", (unsigned long long)attr,
		 (unsigned long long)val);
	expect_errno_at(__FILE__, line, what, r, err, 0);
}

/* ------------------------------------------------------------ the guest */

/* A load or store the GIC's frames must handle (KVM_EXT_RESULT_KERNEL). */
__u64 guest_mem_at(int line, int vcpu, bool write, __u64 addr, __u32 len, __u64 val)
{
	char what[96];
	__u64 data = val;
	__u32 result = 0;
	int r = guest_access(vcpu, KVM_EXT_ACCESS_MEM, write ? KVM_EXT_ACCESS_WRITE : 0, addr, len,
			     &data, &result),
	    err = errno;

	snprintf(what, sizeof(what), "guest %s%u at %#llx", write ? "store" : "load", len,
		 (unsigned long long)addr);
	if (expect_errno_at(__FILE__, line, what, r, err, 0))
		expect_eq_at(__FILE__, line, what, result, KVM_EXT_RESULT_KERNEL);
	return write ? 0 : data;
}

/* An ICC_* system register access as the guest (KVM_EXT_ACCESS_SYSREG). */
__u64 icc_at(int line, int vcpu, bool write, __u32 instr, __u64 val)
{
	char what[96];
	__u64 data = val;
	__u32 result = 0;
	int r = guest_access(vcpu, KVM_EXT_ACCESS_SYSREG, write ? KVM_EXT_ACCESS_WRITE : 0,
			     SYSREG_ID(instr), 8, &data, &result),
	    err = errno;

	snprintf(what, sizeof(what), "guest %s ICC instr %#x", write ? "msr" : "mrs", instr);
	if (expect_errno_at(__FILE__, line, what, r, err, 0))
		expect_eq_at(__FILE__, line, what, result, KVM_EXT_RESULT_KERNEL);
	return write ? 0 : data;
}

/*
 * The guest brings the GIC up on every vCPU: the distributor forwards
 * (v3 Group 1, v2 the one enable), each CPU interface lets every priority
 * through and has the interrupts' group enabled (v3 interrupts are Group 1,
 * v2 ones Group 0 by default).
 */
bool gic_guest_up(struct gic *g, int model, int n, const unsigned long *ids)
{
	int i;

	if (!gic_up(g, model, n, ids, 0) || !gic_map(g))
		return false;
	if (model == V3) {
		guest_wr(g->vcpu[0], DIST_BASE + GICD_CTLR, 4, GICD_CTLR_G1);
		for (i = 0; i < n; i++) {
			icc_wr(g->vcpu[i], ICC_PMR, 0xff);
			icc_wr(g->vcpu[i], ICC_IGRPEN1, 1);
		}
	} else {
		guest_wr(g->vcpu[0], DIST_BASE + GICD_CTLR, 4, 1);
		for (i = 0; i < n; i++) {
			guest_wr(g->vcpu[i], CPU_BASE + GICC_CTLR, 4, 1);
			guest_wr(g->vcpu[i], CPU_BASE + GICC_PMR, 4, 0xff);
		}
	}
	return !test_failed();
}

/*
 * The guest (as vCPU 0) sets SPI intid up: priority, its route (v3
 * GICD_IROUTER affinity) or targets (v2 GICD_ITARGETSR), edge or level,
 * and enables it.
 */
void guest_spi(const struct gic *g, __u32 intid, __u8 prio, __u32 route, bool edge)
{
	int v = g->vcpu[0];
	__u64 cfg = DIST_BASE + GICD_ICFGR + intid / 16 * 4;
	__u32 bit = 2U << (2 * (intid % 16)), word;

	guest_wr(v, DIST_BASE + GICD_IPRIORITYR + intid, 1, prio);
	if (g->model == V3)
		guest_wr(v, DIST_BASE + GICD_IROUTER + 8 * intid, 8, route);
	else
		guest_wr(v, DIST_BASE + GICD_ITARGETSR + intid, 1, route);
	word = (__u32)guest_rd(v, cfg, 4);
	guest_wr(v, cfg, 4, edge ? word | bit : word & ~bit);
	guest_wr(v, DIST_BASE + GICD_ISENABLER + intid / 32 * 4, 4, 1U << (intid % 32));
}

/* One bit of a per-interrupt bitmap register as the guest reads it. */
static unsigned int guest_bit(int vcpu, __u64 base, __u32 intid)
{
	return (unsigned int)(guest_rd(vcpu, base + intid / 32 * 4, 4) >> (intid % 32) & 1);
}

/* ------------------------------------------------------------ KVM_IRQ_LINE */

static __u32 irq_field(__u32 type, __u32 vcpu_idx, __u32 num)
{
	return (vcpu_idx >> 8 & 0xf) << 28 | type << 24 | (vcpu_idx & 0xff) << 16 | num;
}

static int irq_line(int vm, __u32 type, __u32 vcpu_idx, __u32 num, __u32 level)
{
	struct kvm_irq_level l;

	memset(&l, 0, sizeof(l));
	l.irq = irq_field(type, vcpu_idx, num);
	l.level = level;
	return ioctl(vm, KVM_IRQ_LINE, &l);
}

/* ------------------------------------------------------------ a vCPU in KVM_RUN */

/*
 * KVM_RUN in a thread: the idle guest waits there until an interrupt it
 * would take (KVM_EXIT_EXT_INTERRUPT) or a signal (SIGUSR1, no SA_RESTART:
 * -EINTR, KVM_EXIT_INTR). Whether the thread is blocked in the ioctl is
 * read from /proc (state S) after it announced itself, so a test knows the
 * vCPU is "running" without asking the interface under test.
 */

static void on_usr1(int sig)
{
	(void)sig;
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char task_state(int tid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void *runner_main(void *arg)
{
	struct runner *r = arg;
	int ret;

	__atomic_store_n(&r->tid, (int)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	ret = ioctl(r->vcpu, KVM_RUN, 0);
	r->err = errno;
	r->ret = ret;
	r->reason = r->run->exit_reason;
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

bool runner_done(struct runner *r)
{
	return __atomic_load_n(&r->done, __ATOMIC_SEQ_CST) != 0;
}

/* Blocked in KVM_RUN: the thread sleeps and the ioctl has not returned. */
bool runner_waiting(struct runner *r)
{
	int tid = __atomic_load_n(&r->tid, __ATOMIC_SEQ_CST);

	return tid && !runner_done(r) && task_state(tid) == 'S';
}

/* Starts KVM_RUN of vcpu in a thread (the caller must runner_stop() it). */
bool runner_launch(struct runner *r, int vcpu, struct kvm_run *run)
{
	struct sigaction sa;

	memset(r, 0, sizeof(*r));
	r->vcpu = vcpu;
	r->run = run;
	if (!run)
		return false;
	run->immediate_exit = 0;
	run->exit_reason = KVM_EXIT_UNKNOWN;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &r->old);
	if (pthread_create(&r->th, NULL, runner_main, r)) {
		sigaction(SIGUSR1, &r->old, NULL);
		fail("pthread_create failed");
		return false;
	}
	r->started = true;
	return true;
}

/* runner_launch(), then up to 5 s for the vCPU to block in KVM_RUN. */
bool runner_start(struct runner *r, int vcpu, struct kvm_run *run)
{
	int i;

	if (!runner_launch(r, vcpu, run))
		return false;
	for (i = 0; i < 500 && !runner_done(r); i++) {
		if (runner_waiting(r))
			return true;
		sleep_ms(10);
	}
	fail("KVM_RUN did not block: ret %d/%s, exit_reason %#x", r->ret, errno_name(r->err),
	     r->reason);
	return false;
}

/* Signals the thread until KVM_RUN returns, then joins it. */
void runner_stop(struct runner *r)
{
	int i;

	if (!r->started)
		return;
	for (i = 0; i < 500 && !runner_done(r); i++) {
		pthread_kill(r->th, SIGUSR1);
		sleep_ms(10);
	}
	pthread_join(r->th, NULL);
	sigaction(SIGUSR1, &r->old, NULL);
	r->started = false;
}

/* KVM_RUN that ended by the signal: -EINTR, KVM_EXIT_INTR. */
void expect_stopped_by_signal(struct runner *r)
{
	expect_eq(r->ret, -1);
	expect_eq(r->err, EINTR);
	expect_eq(r->reason, KVM_EXIT_INTR);
}

/* ------------------------------------------------------------ A: errno rows */

/* GET, SET and HAS of (grp, attr) all fail with err. */
#define expect_group_errno(dev, grp, attr, err)                                 \
	do {                                                                    \
		__u32 v__ = 0;                                                  \
		__u64 v64__ = 0;                                                \
		if ((grp) == GRP_SYSREGS) {                                     \
			expect_errno(sys_try_get(dev, attr, &v64__), err);      \
			expect_errno(sys_set(dev, attr, 0), err);               \
		} else {                                                        \
			expect_errno(reg_try_get(dev, grp, attr, &v__), err);   \
			expect_errno(reg_set(dev, grp, attr, 0), err);          \
		}                                                               \
		expect_errno(has_attr(dev, grp, attr), err);                    \
	} while (0)

/*
 * Both documents: "-ENXIO The group or attribute is unknown/unsupported
 * for this device"; the register groups are the model's own
 * (vgic_v2_set_attr()/vgic_v3_set_attr() fall back to the common groups).
 */
static void t_groups_model_lacks(const struct abi_test *t)
{
	static const __u32 v2_lacks[] = { GRP_REDIST, GRP_SYSREGS, GRP_LEVEL, 8, 0x1234 };
	static const __u32 v3_lacks[] = { GRP_CPU, 8, 0x1234 };
	struct gic g2, g3;
	size_t i;

	(void)t;
	if (!gic_up(&g2, V2, 2, NULL, 0) || !gic_up(&g3, V3, 2, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(v2_lacks); i++)
		expect_group_errno(g2.dev, v2_lacks[i], 0, ENXIO);
	for (i = 0; i < ARRAY_SIZE(v3_lacks); i++)
		expect_group_errno(g3.dev, v3_lacks[i], 0, ENXIO);
	/* SAVE_PENDING_TABLES is GICv3's */
	expect_errno(dev_attr(g2.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), ENXIO);
	expect_errno(has_attr(g2.dev, GRP_CTRL, CTRL_SAVE_TABLES), ENXIO);
	/* the groups the model has answer */
	expect_eq(reg_get(g2.dev, GRP_CPU, idx(1) | GICC_IIDR), 0x04b2043b);
	expect_eq(reg_get(g3.dev, GRP_REDIST, mp(1) | GICR_IIDR), 0x4b00043b);
}

/*
 * HAS_DEVICE_ATTR on GICv3: "-ENXIO Getting or setting this register is
 * not yet supported" for offsets without a register, unaligned ones and
 * interrupts past the last (6.1 vgic_v3_has_attr_regs(): aligned 32-bit
 * accesses of a region vgic_get_mmio_region() finds); the SGI/PPI words
 * of the distributor's blocks exist (RAZ/WI); CPU_SYSREGS the 15
 * registers of gic_v3_icc_reg_descs[]; LEVEL_INFO by info alone.
 */
static void t_has_attr_v3(const struct abi_test *t)
{
	static const __u32 dist_ok[] = {
		GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_TYPER2, GICD_STATUSR,
		GICD_IGROUPR, GICD_ISENABLER, GICD_ISENABLER + 0x1c, GICD_ICENABLER,
		GICD_ISPENDR + 4, GICD_ICPENDR + 4, GICD_ISACTIVER + 4, GICD_ICACTIVER + 4,
		GICD_IPRIORITYR, GICD_IPRIORITYR + 0xfc, GICD_ITARGETSR + 0x20, GICD_ICFGR,
		GICD_ICFGR + 0x3c, GICD_IROUTER + 8 * 32, GICD_IROUTER + 8 * 255 + 4, GICD_PIDR2,
	};
	static const __u32 dist_nx[] = {
		0x1, 0x2, GICD_STATUSR + 4, GICD_ISENABLER + 0x20, /* past 256 interrupts */
		GICD_IPRIORITYR + 0x100, GICD_ICFGR + 0x40, GICD_IROUTER + 8 * 256, 0x5000,
		0xf00, /* no GICD_SGIR in a GICv3 */ 0x10000,
	};
	static const __u32 rd_ok[] = {
		GICR_CTLR, GICR_IIDR, GICR_TYPER, GICR_TYPER + 4, GICR_STATUSR, GICR_WAKER,
		GICR_PROPBASER, GICR_PROPBASER + 4, GICR_PENDBASER + 4, GICR_PIDR2,
		GICR_IGROUPR0, GICR_ISENABLER0, GICR_ICENABLER0, GICR_ISPENDR0, GICR_ICPENDR0,
		GICR_ISACTIVER0, GICR_ICACTIVER0, GICR_IPRIORITYR0, GICR_IPRIORITYR0 + 0x1c,
		GICR_ICFGR0, GICR_ICFGR1, GICR_NSACR,
	};
	static const __u32 rd_nx[] = {
		0x1, 0x30, GICR_IPRIORITYR0 + 0x20, GICR_ISENABLER0 + 4, GICR_ICFGR1 + 4,
		SGI_FRAME + 0x10101, 0x20000,
	};
	static const __u32 icc_ok[] = {
		ICC_PMR, ICC_BPR0, ICC_AP0R(0), ICC_AP0R(1), ICC_AP0R(2), ICC_AP0R(3),
		ICC_AP1R(0), ICC_AP1R(1), ICC_AP1R(2), ICC_AP1R(3), ICC_BPR1, ICC_CTLR,
		ICC_SRE, ICC_IGRPEN0, ICC_IGRPEN1,
	};
	static const __u32 icc_nx[] = {
		ICC_IAR0, ICC_EOIR0, ICC_HPPIR0, ICC_DIR, ICC_RPR, ICC_SGI1R, ICC_ASGI1R,
		ICC_SGI0R, ICC_IAR1, ICC_EOIR1, ICC_HPPIR1, ICC(12, 13, 0), ICC(4, 6, 1),
	};
	struct gic g;
	size_t i;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(dist_ok); i++)
		if (!expect_errno(has_attr(g.dev, GRP_DIST, dist_ok[i]), 0))
			diag("  dist_ok[%zu] = 0x%x", i, (unsigned int)dist_ok[i]);
	for (i = 0; i < ARRAY_SIZE(dist_nx); i++)
		if (!expect_errno(has_attr(g.dev, GRP_DIST, dist_nx[i]), ENXIO))
			diag("  dist_nx[%zu] = 0x%x", i, (unsigned int)dist_nx[i]);
	/* "The mpidr is ignored for the distributor" */
	expect_errno(has_attr(g.dev, GRP_DIST, mp(9) | GICD_CTLR), 0);
	for (i = 0; i < ARRAY_SIZE(rd_ok); i++)
		if (!expect_errno(has_attr(g.dev, GRP_REDIST, mp(1) | rd_ok[i]), 0))
			diag("  rd_ok[%zu] = 0x%x", i, (unsigned int)rd_ok[i]);
	for (i = 0; i < ARRAY_SIZE(rd_nx); i++)
		if (!expect_errno(has_attr(g.dev, GRP_REDIST, mp(1) | rd_nx[i]), ENXIO))
			diag("  rd_nx[%zu] = 0x%x", i, (unsigned int)rd_nx[i]);
	for (i = 0; i < ARRAY_SIZE(icc_ok); i++)
		if (!expect_errno(has_attr(g.dev, GRP_SYSREGS, mp(1) | icc_ok[i]), 0))
			diag("  icc_ok[%zu] = 0x%x", i, (unsigned int)icc_ok[i]);
	for (i = 0; i < ARRAY_SIZE(icc_nx); i++)
		if (!expect_errno(has_attr(g.dev, GRP_SYSREGS, mp(1) | icc_nx[i]), ENXIO))
			diag("  icc_nx[%zu] = 0x%x", i, (unsigned int)icc_nx[i]);
	/* LEVEL_INFO: any vINTID and mpidr, info LINE_LEVEL only */
	expect_errno(has_attr(g.dev, GRP_LEVEL, mp(0) | 0), 0);
	expect_errno(has_attr(g.dev, GRP_LEVEL, mp(1) | 224), 0);
	expect_errno(has_attr(g.dev, GRP_LEVEL, mp(9) | 33), 0);
	expect_errno(has_attr(g.dev, GRP_LEVEL, mp(0) | LEVEL_INFO(1)), ENXIO);
	expect_errno(has_attr(g.dev, GRP_LEVEL, mp(0) | LEVEL_INFO(0x3fffff)), ENXIO);
	expect_errno(has_attr(g.dev, GRP_CTRL, CTRL_SAVE_TABLES), 0);
}

/*
 * HAS_DEVICE_ATTR on GICv2 (6.1 vgic_v2_has_attr_regs()): the
 * distributor's registers, and of the CPU interface only what
 * vgic_v2_cpu_registers[] serves userspace (CTLR, PMR, BPR, ABPR, APRn,
 * IIDR); IAR, EOIR, RPR, HPPIR, DIR... are the guest's.
 */
static void t_has_attr_v2(const struct abi_test *t)
{
	static const __u32 dist_ok[] = {
		GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_IGROUPR, GICD_ISENABLER + 0x1c,
		GICD_ISPENDR, GICD_ICPENDR, GICD_ISACTIVER, GICD_ICACTIVER, GICD_IPRIORITYR,
		GICD_ITARGETSR + 0xfc, GICD_ICFGR + 0x3c, GICD_SGIR, GICD_CPENDSGIR + 0xc,
		GICD_SPENDSGIR,
	};
	static const __u32 dist_nx[] = {
		0x3, 0xc, GICD_ISENABLER + 0x20, GICD_ICFGR + 0x40, GICD_SPENDSGIR + 0x10,
		GICD_IROUTER, 0x1000,
	};
	static const __u32 cpu_ok[] = {
		GICC_CTLR, GICC_PMR, GICC_BPR, GICC_ABPR, GICC_APR0, GICC_APR0 + 4,
		GICC_APR0 + 0xc, GICC_IIDR,
	};
	static const __u32 cpu_nx[] = {
		GICC_IAR, GICC_EOIR, GICC_RPR, GICC_HPPIR, GICC_AIAR, GICC_NSAPR0, GICC_DIR,
		0x2, 0x40,
	};
	struct gic g;
	size_t i;

	(void)t;
	if (!gic_up(&g, V2, 2, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(dist_ok); i++)
		expect_errno(has_attr(g.dev, GRP_DIST, idx(1) | dist_ok[i]), 0);
	for (i = 0; i < ARRAY_SIZE(dist_nx); i++)
		expect_errno(has_attr(g.dev, GRP_DIST, idx(1) | dist_nx[i]), ENXIO);
	for (i = 0; i < ARRAY_SIZE(cpu_ok); i++)
		expect_errno(has_attr(g.dev, GRP_CPU, idx(0) | cpu_ok[i]), 0);
	for (i = 0; i < ARRAY_SIZE(cpu_nx); i++)
		expect_errno(has_attr(g.dev, GRP_CPU, idx(0) | cpu_nx[i]), ENXIO);
}

/*
 * "-EINVAL Invalid vcpu_index supplied" (v2), "-EINVAL Invalid mpidr"
 * (CPU_SYSREGS; 6.1 vgic_v3_parse_attr() for every v3 register group):
 * get, set and has. The v3 distributor group ignores the mpidr and uses
 * vCPU 0, so without vCPUs it has none (-EINVAL). LEVEL_INFO's HAS only
 * looks at info (vgic_v3_has_attr()).
 */
static void t_bad_vcpu(const struct abi_test *t)
{
	static const __u64 bad_mp[] = {
		2ULL << 32,			/* Aff0 2: no vCPU id 2 */
		1ULL << 40 | 1ULL << 32,	/* Aff1 1: id 17 does not exist */
		1ULL << 56 | 1ULL << 32,	/* Aff3 1 */
		0xffffffffULL << 32,
	};
	__u32 v = 0;
	struct gic g, g2, g0;
	size_t i;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0) || !gic_up(&g2, V2, 2, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(bad_mp); i++) {
		expect_group_errno(g.dev, GRP_REDIST, bad_mp[i] | GICR_CTLR, EINVAL);
		expect_group_errno(g.dev, GRP_SYSREGS, bad_mp[i] | ICC_PMR, EINVAL);
		expect_errno(reg_try_get(g.dev, GRP_LEVEL, bad_mp[i] | 0, &v), EINVAL);
		expect_errno(reg_set(g.dev, GRP_LEVEL, bad_mp[i] | 32, 0), EINVAL);
		expect_errno(has_attr(g.dev, GRP_LEVEL, bad_mp[i] | 32), 0);
		/* the distributor: mpidr ignored */
		expect_eq(reg_get(g.dev, GRP_DIST, bad_mp[i] | GICD_IIDR), IIDR_V3);
	}
	/* the same registers of a vCPU that exists */
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | (GICR_TYPER + 4)), aff_of(1));
	expect_eq(sys_get(g.dev, mp(1) | ICC_SRE), 7);
	/* v2: vcpu_index 2 and 255 of two vCPUs */
	expect_group_errno(g2.dev, GRP_DIST, idx(2) | GICD_CTLR, EINVAL);
	expect_group_errno(g2.dev, GRP_CPU, idx(2) | GICC_PMR, EINVAL);
	expect_group_errno(g2.dev, GRP_CPU, idx(255) | GICC_CTLR, EINVAL);
	expect_eq(reg_get(g2.dev, GRP_CPU, idx(1) | GICC_IIDR), 0x04b2043b);
	/* a GICv3 without vCPUs: the distributor group has no vCPU 0 */
	if (!gic_new(&g0, V3, 0, NULL) || !expect_errno(ctrl_init(g0.dev), 0))
		return;
	expect_errno(reg_try_get(g0.dev, GRP_DIST, GICD_CTLR, &v), EINVAL);
	expect_errno(reg_set(g0.dev, GRP_DIST, GICD_CTLR, 0), EINVAL);
}

/*
 * The v3 mpidr field selects by MPIDR affinity, not vCPU id or creation
 * order (arm-vgic-v3.rst: "Aff3 | Aff2 | Aff1 | Aff0"): vCPUs 16 and 17
 * have Aff1 1 (6.1 reset_mpidr()). GICR_TYPER[63:32] is that affinity.
 */
static void t_mpidr_selects(const struct abi_test *t)
{
	struct gic g;
	int i;

	(void)t;
	if (!gic_up(&g, V3, 4, ids_aff, 0))
		return;
	for (i = 0; i < 4; i++) {
		expect_eq(reg_get(g.dev, GRP_REDIST, mp(g.id[i]) | (GICR_TYPER + 4)), aff_of(g.id[i]));
		sys_put(g.dev, mp(g.id[i]) | ICC_PMR, 0x10 * (i + 1));
	}
	for (i = 0; i < 4; i++)
		expect_eq(sys_get(g.dev, mp(g.id[i]) | ICC_PMR), 0x10 * (i + 1));
	/* Aff0 16 is not id 16: Aff0 is id[3:0] */
	expect_errno(sys_set(g.dev, (16ULL << 32) | ICC_PMR, 0), EINVAL);
}

/*
 * kvm_ext: the documents' vcpu_index (bits 39:32) is the vCPU's index in
 * creation order. (6.1 vgic_v2_parse_attr() looks the field up as a vCPU
 * id with kvm_get_vcpu_by_id(); with ids 0 and 5 index 1 would be -EINVAL
 * there and 5 would work.)
 */
static void t_v2_vcpu_index(const struct abi_test *t)
{
	static const unsigned long ids[] = { 0, 5 };
	__u32 v = 0;
	struct gic g;

	(void)t;
	if (!gic_up(&g, V2, 2, ids, 0))
		return;
	/* GICD_ITARGETSR0-7 are banked: each CPU reads its own CPU number */
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | GICD_ITARGETSR), 0x01010101);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | GICD_ITARGETSR), 0x02020202);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_PMR, 0x0a);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0x0a);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_PMR), 0);
	expect_errno(reg_try_get(g.dev, GRP_CPU, idx(5) | GICC_PMR, &v), EINVAL);
}

/*
 * GICv3: "For a VGICv3 we require the userland to explicitly initialize"
 * (6.1 vgic_v3_attr_regs_access(): -EBUSY until CTRL_INIT). HAS needs no
 * initialisation, SAVE_PENDING_TABLES neither. A refused write changed
 * nothing.
 */
static void t_v3_before_init(const struct abi_test *t)
{
	__u32 v = 0;
	__u64 v64 = 0;
	struct gic g;

	(void)t;
	if (!gic_new(&g, V3, 2, NULL) || !gic_place(&g))
		return;
	expect_errno(reg_try_get(g.dev, GRP_DIST, GICD_CTLR, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_CTLR, GICD_CTLR_G1), EBUSY);
	expect_errno(reg_try_get(g.dev, GRP_REDIST, mp(1) | GICR_CTLR, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_REDIST, mp(1) | GICR_STATUSR, 1), EBUSY);
	expect_errno(sys_try_get(g.dev, mp(1) | ICC_PMR, &v64), EBUSY);
	expect_errno(sys_set(g.dev, mp(1) | ICC_PMR, 0xf0), EBUSY);
	expect_errno(reg_try_get(g.dev, GRP_LEVEL, mp(0) | 32, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_LEVEL, mp(0) | 32, 1), EBUSY);
	expect_errno(has_attr(g.dev, GRP_DIST, GICD_CTLR), 0);
	expect_errno(has_attr(g.dev, GRP_REDIST, mp(1) | GICR_CTLR), 0);
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), ENXIO);
	/* nothing set NR_IRQS or initialised the GIC */
	expect_eq(get_nr_irqs(g.dev), 32);
	if (!expect_errno(ctrl_init(g.dev), 0))
		return;
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_CTLR), GICD_CTLR_ARE_DS);
	expect_eq(sys_get(g.dev, mp(1) | ICC_PMR), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 32), 0);
}

/*
 * GICv2 initialises itself on the first register access (6.1
 * vgic_v2_attr_regs_access() calls vgic_init()): 256 interrupts,
 * NR_IRQS frozen.
 */
static void t_v2_init_on_demand(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_new(&g, V2, 2, NULL))
		return;
	expect_eq(get_nr_irqs(g.dev), 32);
	/* GICD_TYPER: ITLinesNumber 7 (256 interrupts), CPUNumber 1 (two CPUs) */
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | GICD_TYPER), 7 | 1 << 5);
	expect_eq(get_nr_irqs(g.dev), 256);
	expect_errno(set_nr_irqs(g.dev, 128), EBUSY);
}

/*
 * "-EFAULT Invalid user pointer for attr->addr" (the GRP_ADDR row; the
 * register groups get_user()/put_user() the value the same way): every
 * register group, get and set.
 */
static void t_efault(const struct abi_test *t)
{
	const __u64 bad = (__u64)(uintptr_t)g_bad_ptr;
	static const struct {
		__u32 grp;
		__u64 attr;
	} v3[] = {
		{ GRP_DIST, GICD_CTLR },
		{ GRP_DIST, GICD_ISPENDR + 4 },
		{ GRP_REDIST, 1ULL << 32 | GICR_STATUSR },
		{ GRP_REDIST, 1ULL << 32 | GICR_IPRIORITYR0 },
		{ GRP_SYSREGS, 1ULL << 32 | ICC_PMR },
		{ GRP_SYSREGS, ICC_CTLR },
		{ GRP_LEVEL, 1ULL << 32 | 0 },
		{ GRP_LEVEL, 64 },
	}, v2[] = {
		{ GRP_DIST, GICD_CTLR },
		{ GRP_DIST, 1ULL << 32 | GICD_SPENDSGIR },
		{ GRP_CPU, 1ULL << 32 | GICC_PMR },
		{ GRP_CPU, GICC_APR0 },
	};
	struct gic g, g2;
	size_t i;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0) || !gic_up(&g2, V2, 2, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(v3); i++) {
		expect_errno(dev_attr(g.dev, KVM_GET_DEVICE_ATTR, v3[i].grp, v3[i].attr, bad), EFAULT);
		expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, v3[i].grp, v3[i].attr, bad), EFAULT);
	}
	for (i = 0; i < ARRAY_SIZE(v2); i++) {
		expect_errno(dev_attr(g2.dev, KVM_GET_DEVICE_ATTR, v2[i].grp, v2[i].attr, bad), EFAULT);
		expect_errno(dev_attr(g2.dev, KVM_SET_DEVICE_ATTR, v2[i].grp, v2[i].attr, bad),
			     EFAULT);
	}
	/* nothing changed */
	expect_eq(sys_get(g.dev, mp(1) | ICC_PMR), 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_IPRIORITYR0), 0);
}

/*
 * Found a core bug when written (error precedence; the documents are silent, so 6.1
 * decides). 6.1 vgic_v{2,3}_attr_regs_access() parses the attribute
 * (vgic_v{2,3}_parse_attr(): -EINVAL for no such vCPU) before get_user()
 * of the value, and for CPU_SYSREGS reads the value only inside
 * kvm_sys_reg_set_user(), after the -EBUSY of an uninitialised GICv3.
 * kvm_ext reads the value first (regs_attr() in arch/arm64/vgic/device.cpp).
 */
static void t_efault_precedence(const struct abi_test *t)
{
	const __u64 bad = (__u64)(uintptr_t)g_bad_ptr;
	struct gic g, g2, g3;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0) || !gic_up(&g2, V2, 2, NULL, 0) ||
	    !gic_new(&g3, V3, 2, NULL))
		return;
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_REDIST, mp(7) | GICR_STATUSR, bad),
		     EINVAL);
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_LEVEL, mp(7) | 32, bad), EINVAL);
	expect_errno(dev_attr(g2.dev, KVM_SET_DEVICE_ATTR, GRP_CPU, idx(7) | GICC_PMR, bad), EINVAL);
	/* not initialised: -EBUSY before the sysreg code reads the value */
	expect_errno(dev_attr(g3.dev, KVM_SET_DEVICE_ATTR, GRP_SYSREGS, mp(1) | ICC_PMR, bad), EBUSY);
}

/*
 * CPU_SYSREGS values (arm-vgic-v3.rst: "-EINVAL Invalid mpidr or register
 * value supplied"; 6.1 vgic-sys-reg-v3.c): ICC_CTLR_EL1 may not claim more
 * priority or ID bits than the GIC has, nor other SEIS/A3V (set_gic_ctlr());
 * ICC_SRE_EL1 must keep SRE (set_gic_sre()); AP{0,1}R1-3 do not exist
 * with 5 priority bits (vgic_v3_max_apr_idx()). Each refusal changes
 * nothing. PRIbits, IDbits, SEIS and A3V are the host's (ICH_VTR_EL2):
 * kvm_ext's emulated Neoverse-N1 has ICC_CTLR_HOST; a real host has its
 * own (QEMU's TCG GICv3 has 24 ID bits), and the test takes those.
 */
static void t_sysregs_values(const struct abi_test *t)
{
	const __u64 a = mp(1);
	__u64 host, v = 0;
	struct gic g;
	size_t i;
	int n;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	host = g_is_ext ? ICC_CTLR_HOST : sys_get(g.dev, mp(0) | ICC_CTLR);
	diag("  the host's ICC_CTLR_EL1: %#llx", (unsigned long long)host);
	const __u64 bad_ctlr[] = {
		host + (1U << 8),	/* one priority bit more */
		host | 7U << 8,
		host + (1U << 11),	/* one ID bits step more */
		host ^ 1U << 14,	/* the other SEIS */
		host ^ 1U << 15,	/* the other A3V */
	};
	expect_eq(sys_get(g.dev, a | ICC_CTLR), host);
	for (i = 0; i < ARRAY_SIZE(bad_ctlr); i++)
		expect_errno(sys_set(g.dev, a | ICC_CTLR, bad_ctlr[i]), EINVAL);
	expect_eq(sys_get(g.dev, a | ICC_CTLR), host);
	sys_put(g.dev, a | ICC_CTLR, host | ICC_CTLR_EOIMODE | ICC_CTLR_CBPR);
	expect_eq(sys_get(g.dev, a | ICC_CTLR), host | ICC_CTLR_EOIMODE | ICC_CTLR_CBPR);
	expect_eq(sys_get(g.dev, mp(0) | ICC_CTLR), host);
	/* fewer priority bits may be restored */
	sys_put(g.dev, a | ICC_CTLR, 3U << 8 | 1U << 15);
	expect_eq(sys_get(g.dev, a | ICC_CTLR), 3U << 8 | 1U << 15);
	/* ICC_SRE_EL1: SRE, DFB, DIB */
	expect_eq(sys_get(g.dev, a | ICC_SRE), 7);
	expect_errno(sys_set(g.dev, a | ICC_SRE, 0), EINVAL);
	expect_errno(sys_set(g.dev, a | ICC_SRE, 6), EINVAL);
	sys_put(g.dev, a | ICC_SRE, 1);
	expect_eq(sys_get(g.dev, a | ICC_SRE), 7);
	/* APRs: only index 0 */
	for (n = 1; n < 4; n++) {
		expect_errno(sys_try_get(g.dev, a | ICC_AP0R(n), &v), EINVAL);
		expect_errno(sys_set(g.dev, a | ICC_AP0R(n), 0), EINVAL);
		expect_errno(sys_try_get(g.dev, a | ICC_AP1R(n), &v), EINVAL);
		expect_errno(sys_set(g.dev, a | ICC_AP1R(n), 0), EINVAL);
	}
	sys_put(g.dev, a | ICC_AP0R(0), 0x3);
	sys_put(g.dev, a | ICC_AP1R(0), 0x80000000);
	expect_eq(sys_get(g.dev, a | ICC_AP0R(0)), 0x3);
	expect_eq(sys_get(g.dev, a | ICC_AP1R(0)), 0x80000000);
	expect_eq(sys_get(g.dev, mp(0) | ICC_AP1R(0)), 0);
	/* IGRPEN0/1: one bit each */
	sys_put(g.dev, a | ICC_IGRPEN0, 1);
	sys_put(g.dev, a | ICC_IGRPEN1, 1);
	expect_eq(sys_get(g.dev, a | ICC_IGRPEN0), 1);
	expect_eq(sys_get(g.dev, a | ICC_IGRPEN1), 1);
}

/*
 * kvm_ext: an ICC register the interface does not reach is -ENXIO for get
 * and set, as the document's table ("-ENXIO Getting or setting this
 * register is not yet supported"); 6.1 kvm_sys_reg_get_user() says -ENOENT.
 */
static void t_sysregs_unknown(const struct abi_test *t)
{
	static const __u32 instrs[] = { ICC_IAR1, ICC_EOIR1, ICC_SGI1R, ICC_RPR, ICC(12, 13, 0) };
	__u64 v = 0;
	struct gic g;
	size_t i;

	(void)t;
	if (!gic_up(&g, V3, 1, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(instrs); i++) {
		expect_errno(sys_try_get(g.dev, instrs[i], &v), ENXIO);
		expect_errno(sys_set(g.dev, instrs[i], 0), ENXIO);
	}
}

/*
 * kvm_ext: the emulated GIC has 5 priority bits (ICC_CTLR_EL1.PRIbits 4),
 * so the unimplemented low bits of ICC_PMR_EL1 are RAZ/WI, and the binary
 * points cannot go below their minimum (BPR0 2, BPR1 3) (GICv3
 * architecture, ICC_PMR_EL1 and ICC_BPR{0,1}_EL1). 6.1 shows userspace
 * the value it wrote until the vCPU has run once (vgic_v3_set_vmcr()).
 */
static void t_sysregs_priority_bits(const struct abi_test *t)
{
	const __u64 a = mp(0);
	struct gic g;

	(void)t;
	if (!gic_up(&g, V3, 1, NULL, 0))
		return;
	sys_put(g.dev, a | ICC_PMR, 0xff);
	expect_eq(sys_get(g.dev, a | ICC_PMR), 0xf8);
	sys_put(g.dev, a | ICC_PMR, 0x47);
	expect_eq(sys_get(g.dev, a | ICC_PMR), 0x40);
	expect_eq(sys_get(g.dev, a | ICC_BPR0), 2);
	expect_eq(sys_get(g.dev, a | ICC_BPR1), 3);
	sys_put(g.dev, a | ICC_BPR0, 0);
	sys_put(g.dev, a | ICC_BPR1, 1);
	expect_eq(sys_get(g.dev, a | ICC_BPR0), 2);
	expect_eq(sys_get(g.dev, a | ICC_BPR1), 3);
	sys_put(g.dev, a | ICC_BPR0, 5);
	sys_put(g.dev, a | ICC_BPR1, 6);
	expect_eq(sys_get(g.dev, a | ICC_BPR0), 5);
	expect_eq(sys_get(g.dev, a | ICC_BPR1), 6);
	/* with CBPR, BPR1 reads BPR0 + 1 and ignores writes (6.1 get_gic_bpr1()) */
	sys_put(g.dev, a | ICC_CTLR, ICC_CTLR_HOST | ICC_CTLR_CBPR);
	expect_eq(sys_get(g.dev, a | ICC_BPR1), 6);
	sys_put(g.dev, a | ICC_BPR1, 4);
	sys_put(g.dev, a | ICC_BPR0, 3);
	expect_eq(sys_get(g.dev, a | ICC_BPR1), 4);
	sys_put(g.dev, a | ICC_CTLR, ICC_CTLR_HOST);
	expect_eq(sys_get(g.dev, a | ICC_BPR1), 6);
}

/*
 * LEVEL_INFO: "-EINVAL vINTID is not multiple of 32 or info field is not
 * VGIC_LEVEL_INFO_LINE_LEVEL", get and set.
 */
static void t_level_info_errnos(const struct abi_test *t)
{
	static const __u64 bad[] = { 1, 16, 33, 1023, LEVEL_INFO(1), LEVEL_INFO(1) | 32,
				     LEVEL_INFO(0x3fffff) };
	__u32 v = 0;
	struct gic g;
	size_t i;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_errno(reg_try_get(g.dev, GRP_LEVEL, mp(1) | bad[i], &v), EINVAL);
		expect_errno(reg_set(g.dev, GRP_LEVEL, mp(1) | bad[i], ~0U), EINVAL);
	}
	/* no level changed */
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 0), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 32), 0);
}

/*
 * KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES: GICv3 only; before CTRL_INIT the
 * VGIC is "not properly configured" (-ENXIO, arm-vgic-v3.rst; Debian's
 * 6.1.192 vgic_v3_save_pending_tables()); after it, without LPIs (no ITS),
 * there is nothing to write: 0.
 */
static void t_save_pending_tables(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_new(&g, V3, 2, NULL))
		return;
	expect_errno(has_attr(g.dev, GRP_CTRL, CTRL_SAVE_TABLES), 0);
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), ENXIO);
	if (!gic_place(&g))
		return;
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), ENXIO);
	if (!expect_errno(ctrl_init(g.dev), 0))
		return;
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), 0);
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES,
			      (__u64)(uintptr_t)g_bad_ptr),
		     0); /* "no additional parameter" */
}

/*
 * "-EBUSY One or more VCPUs are running" for every v3 register group and
 * SAVE_PENDING_TABLES, through any vCPU's attribute (6.1
 * lock_all_vcpus()); HAS takes no lock. A write refused that way changed
 * nothing. kvm_ext: the idle vCPU waits in KVM_RUN.
 */
static void t_busy_running_v3(const struct abi_test *t)
{
	struct runner r;
	__u32 v = 0;
	__u64 v64 = 0;
	struct gic g;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!gic_up(&g, V3, 2, NULL, 0) || !runner_start(&r, g.vcpu[1], g.run[1])) {
		runner_stop(&r);
		return;
	}
	expect_errno(reg_try_get(g.dev, GRP_DIST, GICD_CTLR, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_CTLR, GICD_CTLR_G1), EBUSY);
	expect_errno(reg_try_get(g.dev, GRP_REDIST, mp(0) | GICR_CTLR, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_REDIST, mp(0) | GICR_ISENABLER0, 1U << 20), EBUSY);
	expect_errno(sys_try_get(g.dev, mp(0) | ICC_PMR, &v64), EBUSY);
	expect_errno(sys_set(g.dev, mp(1) | ICC_PMR, 0xf0), EBUSY);
	expect_errno(reg_try_get(g.dev, GRP_LEVEL, mp(0) | 32, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_LEVEL, mp(0) | 32, 1), EBUSY);
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), EBUSY);
	expect_errno(has_attr(g.dev, GRP_REDIST, mp(1) | GICR_CTLR), 0);
	expect_errno(has_attr(g.dev, GRP_SYSREGS, mp(1) | ICC_PMR), 0);
	expect_true(runner_waiting(&r));
	runner_stop(&r);
	expect_stopped_by_signal(&r);
	/* stopped: the groups work, and the refused writes did nothing */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_CTLR), GICD_CTLR_ARE_DS);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_ISENABLER0), 0xffff);
	expect_eq(sys_get(g.dev, mp(1) | ICC_PMR), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 32), 0);
	expect_errno(dev_attr(g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_TABLES, 0), 0);
}

/*
 * The same for GICv2's DIST_REGS and CPU_REGS (arm-vgic.rst "-EBUSY One or
 * more VCPUs are running").
 */
static void t_busy_running_v2(const struct abi_test *t)
{
	struct runner r;
	__u32 v = 0;
	struct gic g;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!gic_up(&g, V2, 2, NULL, 0) || !runner_start(&r, g.vcpu[0], g.run[0])) {
		runner_stop(&r);
		return;
	}
	expect_errno(reg_try_get(g.dev, GRP_DIST, idx(1) | GICD_CTLR, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_DIST, idx(1) | (GICD_ISENABLER + 4), 1), EBUSY);
	expect_errno(reg_try_get(g.dev, GRP_CPU, idx(1) | GICC_PMR, &v), EBUSY);
	expect_errno(reg_set(g.dev, GRP_CPU, idx(0) | GICC_PMR, 0x1f), EBUSY);
	expect_errno(has_attr(g.dev, GRP_CPU, idx(0) | GICC_PMR), 0);
	runner_stop(&r);
	expect_stopped_by_signal(&r);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | (GICD_ISENABLER + 4)), 0);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_PMR), 0);
}

/* ------------------------------------------------------------ B: the userspace view */

/*
 * arm-vgic-v3.rst: "Accesses (reads and writes) to the GICD_ISPENDR
 * register region and GICR_ISPENDR0 registers get/set the value of the
 * latched pending state"; for a level-triggered interrupt "the value
 * accessed here is that of the latch", the line being LEVEL_INFO's; an
 * edge latches. "Accesses to GICD_ICPENDR register region and
 * GICR_ICPENDR0 registers have RAZ/WI semantics".
 */
static void t_v3_ispendr_latch(const struct abi_test *t)
{
	struct gic g;
	int vm;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	vm = g.vm;
	/* set and cleared as written */
	reg_put(g.dev, GRP_DIST, GICD_ISPENDR + 4, 0x3);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 4), 0x3);
	reg_put(g.dev, GRP_DIST, GICD_ISPENDR + 4, 0x1);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 4), 0x1);
	/* ICPENDR: RAZ, WI */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ICPENDR + 4), 0);
	reg_put(g.dev, GRP_DIST, GICD_ICPENDR + 4, ~0U);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 4), 0x1);
	/* the distributor's SGI/PPI word is RAZ/WI: the redistributors have them */
	reg_put(g.dev, GRP_DIST, GICD_ISPENDR, ~0U);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR), 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_ISPENDR0), 0);
	/* GICR_ISPENDR0 of one redistributor */
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0, 1U << 3 | 1U << 20);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0), 1U << 3 | 1U << 20);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_ISPENDR0), 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ICPENDR0), 0);
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_ICPENDR0, ~0U);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0), 1U << 3 | 1U << 20);
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0, 1U << 20);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0), 1U << 20);
	/* a level SPI with its line high: latch 0, line 1 (SPIs start edge) */
	reg_put(g.dev, GRP_DIST, GICD_ICFGR + 16, 0);
	expect_errno(irq_line(vm, IRQ_SPI, 0, 70, 1), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 8), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 64), 1U << 6);
	/* latched by a write, it stays pending when the line falls */
	reg_put(g.dev, GRP_DIST, GICD_ISPENDR + 8, 1U << 6);
	expect_errno(irq_line(vm, IRQ_SPI, 0, 70, 0), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 8), 1U << 6);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 64), 0);
	/* an edge SPI latches the rising edge, keeps it when the line falls */
	reg_put(g.dev, GRP_DIST, GICD_ICFGR + 16, 2U << (2 * 2)); /* SPI 66 edge */
	expect_errno(irq_line(vm, IRQ_SPI, 0, 66, 1), 0);
	expect_errno(irq_line(vm, IRQ_SPI, 0, 66, 0), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 8), 1U << 6 | 1U << 2);
	/* a level PPI on vCPU 1 */
	expect_errno(irq_line(vm, IRQ_PPI, 1, 25, 1), 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0), 1U << 20);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 0), 1U << 25);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 0), 0);
}

/*
 * The guest's view next to it (arm-vgic-v3.rst): "the value returned by a
 * guest read from ISPENDR is the logical OR of the latch value and the
 * input line level"; a guest ICPENDR write clears the latch but "writes to
 * ICPENDR ... do not clear the pending status if the line level is still
 * being held high"; "Only ISPENDR writes are latched".
 */
static void t_v3_pending_guest_view(const struct abi_test *t)
{
	struct gic g;
	int v;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0) || !gic_map(&g))
		return;
	v = g.vcpu[1];
	level_spis(g.dev, 256);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 70, 1), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 8), 0);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 70), 1);
	/* the guest's ICPENDR reads the pending state; userspace's is RAZ */
	expect_eq(guest_bit(v, DIST_BASE + GICD_ICPENDR, 70), 1);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ICPENDR + 8), 0);
	/* ICPENDR while the line is high: still pending */
	guest_wr(v, DIST_BASE + GICD_ICPENDR + 8, 4, 1U << 6);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 70), 1);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 70, 0), 0);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 70), 0);
	/* a guest ISPENDR write latches: pending with the line low, and userspace sees the latch */
	guest_wr(v, DIST_BASE + GICD_ISPENDR + 8, 4, 1U << 6);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 70), 1);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 8), 1U << 6);
	guest_wr(v, DIST_BASE + GICD_ICPENDR + 8, 4, 1U << 6);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 70), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISPENDR + 8), 0);
	/* a latch userspace sets and clears is the guest's pending state */
	reg_put(g.dev, GRP_DIST, GICD_ISPENDR + 4, 1U << 1);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 33), 1);
	reg_put(g.dev, GRP_DIST, GICD_ISPENDR + 4, 0);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 33), 0);
	/* a redistributor's: the PPI line and latch of vCPU 1 only */
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 22, 1), 0);
	expect_eq(guest_bit(v, rd_base(1) + GICR_ISPENDR0, 22), 1);
	expect_eq(guest_bit(v, rd_base(0) + GICR_ISPENDR0, 22), 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0), 0);
}

/*
 * kvm_ext: "setting the attributes with the register offsets for these two
 * registers [GICD_STATUSR, GICR_STATUSR] simply sets the non-reserved bits
 * to the value written" (bits 3:0), while the guest's writes are
 * write-one-to-clear. (6.1's GICD_STATUSR reads as ones and GICR_STATUSR
 * as zeros, neither writable.)
 */
static void t_v3_statusr(const struct abi_test *t)
{
	struct gic g;
	int v;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_STATUSR), 0);
	reg_put(g.dev, GRP_DIST, GICD_STATUSR, 0xff);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_STATUSR), 0xf);
	reg_put(g.dev, GRP_DIST, GICD_STATUSR, 0x5); /* clears 1 and 3: no W1C */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_STATUSR), 0x5);
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_STATUSR, 0x6);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_STATUSR), 0x6);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_STATUSR), 0);
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_STATUSR, 0x9);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_STATUSR), 0x9);
	/* the guest: a set bit clears, a clear bit does nothing */
	if (!gic_map(&g))
		return;
	v = g.vcpu[0];
	expect_eq(guest_rd(v, DIST_BASE + GICD_STATUSR, 4), 0x5);
	guest_wr(v, DIST_BASE + GICD_STATUSR, 4, 0x4);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_STATUSR), 0x1);
	guest_wr(v, DIST_BASE + GICD_STATUSR, 4, 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_STATUSR), 0x1);
	expect_eq(guest_rd(v, rd_base(1) + GICR_STATUSR, 4), 0x9);
	guest_wr(v, rd_base(1) + GICR_STATUSR, 4, 0x1);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_STATUSR), 0x8);
}

/*
 * arm-vgic-v3.rst: "Userspace should read GICD_IIDR from KVM and write
 * back the read value"; 6.1 vgic_mmio_uaccess_write_v3_misc(): only
 * Revision may differ, and only KVM_VGIC_IMP_REV_2 or _3 (-EINVAL);
 * GICR_CTLR shows IR and CES from revision 3 (vgic_mmio_read_v3r_ctlr());
 * GICD_TYPER2 may only be written with its value.
 */
static void t_v3_iidr(const struct abi_test *t)
{
	struct gic g;
	int i;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IIDR), IIDR_V3);
	reg_put(g.dev, GRP_DIST, GICD_IIDR, IIDR_V3);
	for (i = 0; i < 2; i++)
		expect_eq(reg_get(g.dev, GRP_REDIST, mp(i) | GICR_CTLR), 0x6);
	reg_put(g.dev, GRP_DIST, GICD_IIDR, IIDR_REV(IIDR_V3, 2));
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IIDR), IIDR_REV(IIDR_V3, 2));
	for (i = 0; i < 2; i++)
		expect_eq(reg_get(g.dev, GRP_REDIST, mp(i) | GICR_CTLR), 0);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_IIDR, IIDR_REV(IIDR_V3, 0)), EINVAL);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_IIDR, IIDR_REV(IIDR_V3, 1)), EINVAL);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_IIDR, IIDR_REV(IIDR_V3, 4)), EINVAL);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_IIDR, IIDR_V3 ^ 1), EINVAL);	  /* implementer */
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_IIDR, IIDR_V3 ^ 1U << 24), EINVAL); /* product */
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_IIDR, IIDR_V3 | 1U << 16), EINVAL); /* variant */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IIDR), IIDR_REV(IIDR_V3, 2));
	reg_put(g.dev, GRP_DIST, GICD_IIDR, IIDR_V3);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_CTLR), 0x6);
	/* GICD_TYPER2: no vSGIs without GICv4.1 */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_TYPER2), 0);
	reg_put(g.dev, GRP_DIST, GICD_TYPER2, 0);
	expect_errno(reg_set(g.dev, GRP_DIST, GICD_TYPER2, 1), EINVAL);
}

/*
 * What the register groups read (6.1 vgic-mmio-v3.c, "Writes to read-only
 * registers are ignored by the kernel"): GICD_TYPER (256 interrupts, 10
 * ID bits), the IIDRs and PIDR2; GICR_TYPER with the affinity, the
 * processor number and Last on the last redistributor; priorities keep 5
 * bits; SGIs are edge and read-only in ICFGR0; the distributor's SGI/PPI
 * words are RAZ/WI; GICD_IROUTER keeps Aff2.Aff1.Aff0, its upper word
 * RAZ/WI; an offset without a register reads 0 and ignores writes
 * (vgic_uaccess_read()/_write()).
 */
static void t_v3_reg_views(const struct abi_test *t)
{
	struct gic g;
	int i;

	(void)t;
	if (!gic_up(&g, V3, 4, ids_aff, 0))
		return;
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_TYPER), 7 | 9U << 19);
	reg_put(g.dev, GRP_DIST, GICD_TYPER, 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_TYPER), 7 | 9U << 19);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_PIDR2), 0x3b);
	for (i = 0; i < 4; i++) {
		__u64 a = mp(g.id[i]);
		__u32 lo = (__u32)(g.id[i] << 8) | (i == 3 ? GICR_TYPER_LAST : 0);

		expect_eq(reg_get(g.dev, GRP_REDIST, a | GICR_TYPER), lo);
		expect_eq(reg_get(g.dev, GRP_REDIST, a | (GICR_TYPER + 4)), aff_of(g.id[i]));
		reg_put(g.dev, GRP_REDIST, a | GICR_TYPER, 0);
		reg_put(g.dev, GRP_REDIST, a | (GICR_TYPER + 4), 0);
		expect_eq(reg_get(g.dev, GRP_REDIST, a | GICR_TYPER), lo);
		expect_eq(reg_get(g.dev, GRP_REDIST, a | (GICR_TYPER + 4)), aff_of(g.id[i]));
		expect_eq(reg_get(g.dev, GRP_REDIST, a | GICR_IIDR), 0x4b00043b);
		expect_eq(reg_get(g.dev, GRP_REDIST, a | GICR_PIDR2), 0x3b);
		expect_eq(reg_get(g.dev, GRP_REDIST, a | GICR_WAKER), 0);
	}
	/* priorities: the top 5 bits */
	reg_put(g.dev, GRP_DIST, GICD_IPRIORITYR + 40, 0xffffffff);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IPRIORITYR + 40), 0xf8f8f8f8);
	reg_put(g.dev, GRP_REDIST, mp(16) | (GICR_IPRIORITYR0 + 4), 0x12345678);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(16) | (GICR_IPRIORITYR0 + 4)), 0x10305078);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(17) | (GICR_IPRIORITYR0 + 4)), 0);
	/*
	 * SGIs edge and PPIs level, both read-only (6.1
	 * vgic_mmio_write_config(): the timer relies on level PPIs); SPIs
	 * start edge (kvm_vgic_dist_init()), one config bit each
	 */
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ICFGR0), 0xaaaaaaaa);
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_ICFGR0, 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ICFGR0), 0xaaaaaaaa);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ICFGR1), 0);
	reg_put(g.dev, GRP_REDIST, mp(1) | GICR_ICFGR1, 0xffffffff);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ICFGR1), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ICFGR + 8), 0xaaaaaaaa);
	reg_put(g.dev, GRP_DIST, GICD_ICFGR + 8, 0xffffffff);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ICFGR + 8), 0xaaaaaaaa);
	reg_put(g.dev, GRP_DIST, GICD_ICFGR + 8, 0x00000008);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ICFGR + 8), 0x00000008);
	/* SGIs are enabled at reset (6.1 kvm_vgic_vcpu_init()); GICD's word RAZ/WI */
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISENABLER0), 0xffff);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISENABLER), 0);
	reg_put(g.dev, GRP_DIST, GICD_ICENABLER, ~0U);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_ISENABLER0), 0xffff);
	/* groups: Group 1 at reset for a GICv3 */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IGROUPR + 4), 0xffffffff);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_IGROUPR0), 0xffffffff);
	/* IROUTER */
	reg_put(g.dev, GRP_DIST, GICD_IROUTER + 8 * 40, 0xff123456);
	reg_put(g.dev, GRP_DIST, GICD_IROUTER + 8 * 40 + 4, 0xffffffff);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IROUTER + 8 * 40), 0x123456);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IROUTER + 8 * 40 + 4), 0);
	/* no register there: reads 0, writes ignored, both succeed */
	expect_eq(reg_get(g.dev, GRP_DIST, 0x5000), 0);
	reg_put(g.dev, GRP_DIST, 0x5000, ~0U);
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_ISENABLER + 0x20), 0); /* past 256 */
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | 0x30), 0);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | (GICR_ISENABLER0 + 2)), 0); /* unaligned */
}

/*
 * arm-vgic.rst: "Unless GICD_IIDR has been set from userspace, writes to
 * the interrupt group registers (GICD_IGROUPR) are ignored"; the IIDR
 * write-back rules are v3's (6.1 vgic_mmio_uaccess_write_v2_misc()).
 */
static void t_v2_iidr_groups(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_up(&g, V2, 2, NULL, 0))
		return;
	/* GICv2 interrupts are Group 0 at reset */
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | (GICD_IGROUPR + 4)), 0);
	reg_put(g.dev, GRP_DIST, idx(0) | (GICD_IGROUPR + 4), ~0U);
	reg_put(g.dev, GRP_DIST, idx(1) | GICD_IGROUPR, ~0U);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | (GICD_IGROUPR + 4)), 0);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | GICD_IGROUPR), 0);
	/* a refused IIDR does not open them */
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | GICD_IIDR), IIDR_V3);
	expect_errno(reg_set(g.dev, GRP_DIST, idx(0) | GICD_IIDR, IIDR_REV(IIDR_V3, 1)), EINVAL);
	expect_errno(reg_set(g.dev, GRP_DIST, idx(0) | GICD_IIDR, IIDR_V3 ^ 0x10), EINVAL);
	reg_put(g.dev, GRP_DIST, idx(0) | (GICD_IGROUPR + 4), ~0U);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | (GICD_IGROUPR + 4)), 0);
	/* written back: groups are the user's */
	reg_put(g.dev, GRP_DIST, idx(0) | GICD_IIDR, IIDR_REV(IIDR_V3, 2));
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | GICD_IIDR), IIDR_REV(IIDR_V3, 2));
	reg_put(g.dev, GRP_DIST, idx(0) | (GICD_IGROUPR + 4), 0xf0f0f0f0);
	reg_put(g.dev, GRP_DIST, idx(1) | GICD_IGROUPR, 0x3);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | (GICD_IGROUPR + 4)), 0xf0f0f0f0);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | GICD_IGROUPR), 0x3);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | GICD_IGROUPR), 0); /* banked */
}

/*
 * arm-vgic.rst KVM_DEV_ARM_VGIC_GRP_CPU_REGS: GICC_PMR "in the lower 5 bits
 * of a word" (userspace shifts by 3); "This interface always exposes four
 * register APR[0-3]", "Bits for undefined preemption levels are RAZ/WI"
 * (32 levels: only APR0); GICC_IIDR read-only (6.1 vgic_mmio_read_vcpuif()).
 */
static void t_v2_cpu_regs(const struct abi_test *t)
{
	struct gic g;
	int n;

	(void)t;
	if (!gic_up(&g, V2, 2, NULL, 0))
		return;
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_PMR, 0x1f);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0x1f);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_PMR, 0xff);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0x1f);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_PMR, 0x10);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0x10);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_PMR), 0);
	/* CTLR, BPR, ABPR */
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_CTLR, 1 | GICC_CTLR_EOIMODE);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_CTLR), 1 | GICC_CTLR_EOIMODE);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_BPR, 4);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_ABPR, 5);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_BPR), 4);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_ABPR), 5);
	/* APRs */
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_APR0, 0x10001);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_APR0), 0x10001);
	for (n = 1; n < 4; n++) {
		reg_put(g.dev, GRP_CPU, idx(1) | (GICC_APR0 + 4 * n), ~0U);
		expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | (GICC_APR0 + 4 * n)), 0);
	}
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_APR0), 0);
	/* GICC_IIDR: KVM, architecture version 2, ARM; read-only */
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_IIDR), 0x04b2043b);
	reg_put(g.dev, GRP_CPU, idx(0) | GICC_IIDR, 0);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_IIDR), 0x04b2043b);
}

/*
 * The same as the guest sees it (kvm_ext): the guest's GICC_PMR is 8 bits
 * wide of which 5 are implemented, userspace's the top 5 shifted down;
 * APR0 bit X is "preemption level X has one or more active interrupts",
 * X = group priority >> 3.
 */
static void t_v2_pmr_apr_guest(const struct abi_test *t)
{
	struct gic g;
	int v;

	(void)t;
	if (!gic_guest_up(&g, V2, 2, NULL))
		return;
	v = g.vcpu[1];
	expect_eq(guest_rd(v, CPU_BASE + GICC_PMR, 4), 0xf8);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0x1f);
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_PMR, 0x10);
	expect_eq(guest_rd(v, CPU_BASE + GICC_PMR, 4), 0x80);
	guest_wr(v, CPU_BASE + GICC_PMR, 4, 0xa7);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_PMR), 0x14);
	guest_wr(v, CPU_BASE + GICC_PMR, 4, 0xff);
	/* an active interrupt of priority 0x80: preemption level 16 */
	guest_spi(&g, 40, 0x80, 0x2, false);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), 0);
	expect_eq(guest_rd(v, CPU_BASE + GICC_IAR, 4), 40);
	expect_eq(guest_rd(v, CPU_BASE + GICC_RPR, 4), 0x80);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_APR0), 1U << 16);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | (GICC_APR0 + 4)), 0);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(0) | GICC_APR0), 0);
	guest_wr(v, CPU_BASE + GICC_EOIR, 4, 40);
	expect_eq(reg_get(g.dev, GRP_CPU, idx(1) | GICC_APR0), 0);
	expect_eq(guest_rd(v, CPU_BASE + GICC_RPR, 4), 0xff);
	/* a restored APR0 is the guest's running priority */
	reg_put(g.dev, GRP_CPU, idx(1) | GICC_APR0, 1U << 4);
	expect_eq(guest_rd(v, CPU_BASE + GICC_RPR, 4), 0x20);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 0), 0);
}

/*
 * GICv3's active priorities (CPU_SYSREGS ICC_AP1R0_EL1; kvm_ext as the
 * guest): acknowledging a Group 1 interrupt of priority 0x80 sets
 * preemption level 16 in AP1R0, EOI clears it; a restored AP1R0 is the
 * running priority (ICC_RPR_EL1).
 */
static void t_v3_apr_guest(const struct abi_test *t)
{
	struct gic g;
	int v;

	(void)t;
	if (!gic_guest_up(&g, V3, 2, NULL))
		return;
	v = g.vcpu[1];
	guest_spi(&g, 40, 0x80, aff_of(1), false);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), 0);
	expect_eq(icc_rd(v, ICC_IAR1), 40);
	expect_eq(sys_get(g.dev, mp(1) | ICC_AP1R(0)), 1U << 16);
	expect_eq(sys_get(g.dev, mp(1) | ICC_AP0R(0)), 0);
	expect_eq(icc_rd(v, ICC_AP1R(0)), 1U << 16);
	icc_wr(v, ICC_EOIR1, 40);
	expect_eq(sys_get(g.dev, mp(1) | ICC_AP1R(0)), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 0), 0);
	sys_put(g.dev, mp(1) | ICC_AP1R(0), 1U << 2);
	expect_eq(icc_rd(v, ICC_RPR), 0x10);
	sys_put(g.dev, mp(1) | ICC_AP1R(0), 0);
	expect_eq(icc_rd(v, ICC_RPR), 0xff);
}

/*
 * LEVEL_INFO (arm-vgic-v3.rst): "SGIs and any interrupt with a higher ID
 * than the number of interrupts supported, will be RAZ/WI"; "PPIs are
 * reported per VCPU as specified in the mpidr field, and SPIs are reported
 * with the same value regardless of the mpidr specified"; the level is set
 * whatever the trigger (6.1 vgic_write_irq_line_level_info()) but read only
 * for level-triggered interrupts (vgic_read_irq_line_level_info()).
 */
static void t_level_info(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 128))
		return;
	reg_put(g.dev, GRP_LEVEL, mp(1) | 0, ~0U);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 0), 0xffff0000);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 0), 0);
	/* a high level makes a level interrupt pending, not latched */
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_ISPENDR0), 0);
	reg_put(g.dev, GRP_LEVEL, mp(1) | 0, 1U << 16);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 0), 1U << 16);
	/* SPIs are edge at reset: their level is kept, reported once level */
	reg_put(g.dev, GRP_LEVEL, mp(0) | 32, 0x80000010);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 32), 0);
	level_spis(g.dev, 128);
	/* SPIs: one state, any mpidr */
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 32), 0x80000010);
	reg_put(g.dev, GRP_LEVEL, mp(1) | 96, 0x3);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 96), 0x3);
	/* past the last interrupt (128): RAZ/WI */
	reg_put(g.dev, GRP_LEVEL, mp(0) | 128, ~0U);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 128), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 992), 0);
	/* an edge interrupt's level is not reported; made level, it is */
	reg_put(g.dev, GRP_DIST, GICD_ICFGR + 4 * 6, 2U << (2 * 1)); /* SPI 97 edge */
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 96), 0x1);
	reg_put(g.dev, GRP_LEVEL, mp(0) | 96, 0x3);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 96), 0x1);
	reg_put(g.dev, GRP_DIST, GICD_ICFGR + 4 * 6, 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 96), 0x3);
	/* the line is what KVM_IRQ_LINE drives */
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 96, 0), 0);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 30, 1), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 96), 0x2);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 0), 1U << 30);
}

/*
 * Found a core bug when written (the documents are silent; 6.1 decides): 6.1 keeps
 * one GICR_PROPBASER for the whole GIC (vgic_mmio_write_propbase() and
 * _read_propbase() use dist->propbaser), so a value written through one
 * redistributor reads back through every other; GICR_PENDBASER is each
 * redistributor's (vgic_cpu->pendbaser). kvm_ext keeps PROPBASER per
 * redistributor (CpuIf::propbaser).
 */
static void t_propbaser_shared(const struct abi_test *t)
{
	const __u32 prop = 0x40000000 | 7U << 7 | 1U << 10 | 0xf; /* RaWb, inner shareable, 16 ID bits */
	const __u32 pend = 0x50000000 | 7U << 7 | 1U << 10;
	struct gic g;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 0))
		return;
	/* vgic_v3_enable(): INITIAL_PENDBASER_VALUE, RaWb inner shareable */
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER), 3U << 7 | 1U << 10);
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER, prop);
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER, pend);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER), prop);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER), pend);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_PENDBASER), 3U << 7 | 1U << 10);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(1) | GICR_PROPBASER), prop);
}

/*
 * GICR_PROPBASER/PENDBASER are sanitised as the guest's writes are (6.1
 * vgic_sanitise_propbaser()/_pendbaser(), vgic-mmio-v3.c): RES0 bits
 * cleared, outer shareable becomes inner shareable, a non-cacheable inner
 * cacheability (nCnB 0, nC 1) becomes GIC_BASER_CACHE_RaWb, an outer one
 * other than 0 or 1 becomes 0, PTZ reads 0. (PROPBASER is read through
 * the redistributor it was written to.)
 *
 * Found a core bug when written: GIC_BASER_CACHE_RaWb is 3
 * (include/linux/irqchip/arm-gic-v3.h, vgic_sanitise_inner_cacheability());
 * kvm_ext's inner_cache() in arch/arm64/vgic/mmio.cpp returns 7
 * (RaWaWb) although its comment says RaWb.
 */
static void t_baser_sanitised(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_up(&g, V3, 1, NULL, 0))
		return;
	/* PROPBASER: IDbits 0x13, RES0 bits 6:5, outer shareable, nC inner */
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER, 0x12345000 | 2U << 10 | 1U << 7 | 0x73);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER),
		  0x12345000 | 1U << 10 | 3U << 7 | 0x13);
	/* nCnB too; a cacheable one is kept */
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER, 0x12345000 | 0U << 7);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER), 0x12345000 | 3U << 7);
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER, 0x12345000 | 5U << 7);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PROPBASER), 0x12345000 | 5U << 7);
	/* the upper word: RES0 63:59 and 55:52, OuterCache 58:56 kept if 0 or 1 */
	reg_put(g.dev, GRP_REDIST, mp(0) | (GICR_PROPBASER + 4), 0xffffffff);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | (GICR_PROPBASER + 4)), 0x000fffff);
	reg_put(g.dev, GRP_REDIST, mp(0) | (GICR_PROPBASER + 4), 0x01000123);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | (GICR_PROPBASER + 4)), 0x01000123);
	/* PENDBASER: RES0 6:0 and 15:12, PTZ (bit 62) reads 0 */
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER, 0x1234ffff);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER), 0x12340000 | 0xf80);
	reg_put(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER, 0x12340000 | 2U << 10 | 1U << 7);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | GICR_PENDBASER),
		  0x12340000 | 1U << 10 | 3U << 7);
	reg_put(g.dev, GRP_REDIST, mp(0) | (GICR_PENDBASER + 4), 0x40000042);
	expect_eq(reg_get(g.dev, GRP_REDIST, mp(0) | (GICR_PENDBASER + 4)), 0x42);
}

/* ------------------------------------------------------------ C: the first KVM_RUN */

/* Whether a guest load at addr is an MMIO exit (no frame there yet). */
static bool guest_exits(int vcpu, __u64 addr)
{
	__u64 data = 0;
	__u32 result = 0;

	if (guest_access(vcpu, KVM_EXT_ACCESS_MEM, 0, addr, 4, &data, &result))
		return false;
	return result == KVM_EXT_RESULT_EXIT;
}

/*
 * GICv2 at the first KVM_RUN (6.1 vgic_v2_map_resources()): both frames
 * placed (-ENXIO), not overlapping (-EINVAL), then the GIC initialises
 * itself. kvm_ext: a refused KVM_RUN changes nothing (6.1 marks the VM
 * dead, kvm_vm_dead()): the GIC is not initialised, no frame is on the
 * bus, and a corrected configuration runs.
 */
static void t_first_run_v2(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_new(&g, V2, 1, NULL))
		return;
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), ENXIO);
	expect_errno(set_addr(g.dev, ADDR_V2_DIST, DIST_BASE), 0);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), ENXIO);
	expect_eq(get_nr_irqs(g.dev), 32);
	expect_true(guest_exits(g.vcpu[0], DIST_BASE + GICD_TYPER));
	expect_errno(set_addr(g.dev, ADDR_V2_CPU, CPU_BASE), 0);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), EINTR);
	expect_eq(get_nr_irqs(g.dev), 256);
	expect_eq(guest_rd(g.vcpu[0], DIST_BASE + GICD_TYPER, 4), 7);
	expect_eq(guest_rd(g.vcpu[0], CPU_BASE + GICC_IIDR, 4), 0x04b2043b);
	expect_eq(guest_rd(g.vcpu[0], CPU_BASE + GICC_RPR, 4), 0xff);

	/* the CPU interface's 8 KiB over the distributor */
	if (!gic_new(&g, V2, 1, NULL))
		return;
	expect_errno(set_addr(g.dev, ADDR_V2_DIST, DIST_BASE), 0);
	expect_errno(set_addr(g.dev, ADDR_V2_CPU, DIST_BASE - 0x1000), 0);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), EINVAL);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), EINVAL);
	expect_eq(get_nr_irqs(g.dev), 32);
	expect_true(guest_exits(g.vcpu[0], DIST_BASE + GICD_TYPER));
	expect_true(guest_exits(g.vcpu[0], DIST_BASE - 0x1000));
}

/*
 * GICv3 at the first KVM_RUN (6.1 vgic_v3_map_resources()): every vCPU has
 * a redistributor (-ENXIO), the distributor is placed (-ENXIO), over no
 * redistributor (vgic_v3_check_base(), -EINVAL), and the GIC was
 * initialised (-EBUSY). kvm_ext: each refusal changes nothing; then the
 * frames are where the regions put them.
 */
static void t_first_run_v3(const struct abi_test *t)
{
	struct gic g;
	__u64 v;

	(void)t;
	if (!gic_new(&g, V3, 2, NULL))
		return;
	expect_errno(run_nonblocking(g.vcpu[1], g.run[1]), ENXIO);
	expect_errno(set_addr(g.dev, ADDR_V3_REGION, 1ULL << 52 | REDIST_BASE), 0);
	expect_errno(run_nonblocking(g.vcpu[1], g.run[1]), ENXIO); /* one of two vCPUs */
	expect_errno(set_addr(g.dev, ADDR_V3_REGION, 1ULL << 52 | (REDIST_BASE + 0x40000) | 1), 0);
	expect_errno(run_nonblocking(g.vcpu[1], g.run[1]), ENXIO); /* no distributor */
	expect_errno(set_addr(g.dev, ADDR_V3_DIST, DIST_BASE), 0);
	expect_errno(run_nonblocking(g.vcpu[1], g.run[1]), EBUSY);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), EBUSY);
	expect_true(guest_exits(g.vcpu[0], DIST_BASE + GICD_TYPER));
	expect_errno(ctrl_init(g.dev), 0);
	expect_errno(run_nonblocking(g.vcpu[1], g.run[1]), EINTR);
	expect_eq(guest_rd(g.vcpu[0], DIST_BASE + GICD_TYPER, 4), 7 | 9U << 19);
	/* redistributor 1 in the second region: GICR_TYPER has Aff0 1 and Last */
	v = guest_rd(g.vcpu[0], REDIST_BASE + 0x40000 + GICR_TYPER, 8);
	expect_eq(v >> 32, 1);
	expect_eq(v & 0xffff, 1U << 8 | GICR_TYPER_LAST);
	expect_eq(guest_rd(g.vcpu[0], REDIST_BASE + GICR_TYPER, 8), GICR_TYPER_LAST);
	expect_true(guest_exits(g.vcpu[0], REDIST_BASE + 0x20000));

	/* the distributor inside a redistributor region */
	if (!gic_new(&g, V3, 1, NULL))
		return;
	expect_errno(set_addr(g.dev, ADDR_V3_REGION, 2ULL << 52 | REDIST_BASE), 0);
	expect_errno(set_addr(g.dev, ADDR_V3_DIST, REDIST_BASE + RD_SIZE), 0);
	expect_errno(ctrl_init(g.dev), 0);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), EINVAL);
	expect_errno(run_nonblocking(g.vcpu[0], g.run[0]), EINVAL);
	expect_true(guest_exits(g.vcpu[0], REDIST_BASE + GICR_TYPER));
	/* the GIC is still there */
	expect_eq(reg_get(g.dev, GRP_DIST, GICD_IIDR), IIDR_V3);
}

/* ------------------------------------------------------------ D: KVM_IRQ_LINE */

/*
 * api.rst 4.25: KVM_CAP_IRQCHIP; "When KVM_CAP_ARM_IRQ_LINE_LAYOUT_2 is
 * supported, the target vcpu is identified as (256 * vcpu2_index +
 * vcpu_index)"; "KVM_IRQ_LINE can always be used for a userspace interrupt
 * controller": irq_type 0, irq_id 0 (IRQ) or 1 (FIQ); SPIs and PPIs need
 * the in-kernel GIC (6.1 kvm_vm_ioctl_irq_line(): -ENXIO without,
 * -EINVAL for no such vCPU, irq_id or type).
 */
static void t_irq_line_no_gic(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	expect_eq(check_ext(g_sys, KVM_CAP_IRQCHIP), 1);
	expect_eq(check_ext(g_sys, KVM_CAP_ARM_IRQ_LINE_LAYOUT_2), 1);
	expect_eq(check_ext(vm, KVM_CAP_IRQCHIP), 1);
	expect_eq(check_ext(vm, KVM_CAP_ARM_IRQ_LINE_LAYOUT_2), 1);
	new_vcpu(vm, 0);
	new_vcpu(vm, 1);
	expect_errno(irq_line(vm, IRQ_CPU, 0, 0, 1), 0);
	expect_errno(irq_line(vm, IRQ_CPU, 1, 1, 1), 0);
	expect_errno(irq_line(vm, IRQ_CPU, 1, 1, 0), 0);
	expect_errno(irq_line(vm, IRQ_CPU, 0, 0, 0), 0);
	expect_errno(irq_line(vm, IRQ_CPU, 0, 2, 1), EINVAL);
	expect_errno(irq_line(vm, IRQ_CPU, 2, 0, 1), EINVAL);
	expect_errno(irq_line(vm, IRQ_CPU, 256, 0, 1), EINVAL); /* vcpu2_index 1 */
	expect_errno(irq_line(vm, IRQ_SPI, 0, 40, 1), ENXIO);
	expect_errno(irq_line(vm, IRQ_PPI, 0, 20, 1), ENXIO);
	expect_errno(irq_line(vm, 3, 0, 40, 1), EINVAL);
	expect_errno(irq_line(vm, 15, 0, 40, 1), EINVAL);
	expect_errno(ioctl(vm, KVM_IRQ_LINE, g_bad_ptr), EFAULT);
}

/*
 * With a GIC (api.rst 4.25): SPI irq_id 32 up to the last interrupt, "the
 * vcpu_index field is ignored"; PPI irq_id 16-31 of vCPU vcpu_index; CPU
 * lines -ENXIO (6.1 kvm_vm_ioctl_irq_line()); an SPI past nr_irqs has no
 * vgic_get_irq() (-EINVAL).
 */
static void t_irq_line_gic(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_up(&g, V3, 2, NULL, 128))
		return;
	level_spis(g.dev, 128);
	expect_errno(irq_line(g.vm, IRQ_CPU, 0, 0, 1), ENXIO);
	expect_errno(irq_line(g.vm, IRQ_CPU, 0, 1, 1), ENXIO);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 31, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 0, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 128, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 1019, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 127, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 200, 32, 1), 0); /* vcpu_index ignored */
	expect_errno(irq_line(g.vm, IRQ_SPI, 0x3ff, 33, 1), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 32), 0x3);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 96), 1U << 31);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 15, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 32, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_PPI, 2, 20, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_PPI, 256 + 1, 20, 1), EINVAL); /* index 257 */
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 16, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 31, 1), 0);
	expect_errno(irq_line(g.vm, 3, 0, 40, 1), EINVAL);
	expect_errno(irq_line(g.vm, 0xf, 0, 40, 1), EINVAL);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 0), 1U << 31 | 1U << 16);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 0), 0);
	/* "level is used to assert/deassert the line" */
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 16, 0), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 33, 0), 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(1) | 0), 1U << 31);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 32), 0x1);
}

/*
 * A GICv3 is not initialised implicitly (6.1 vgic_lazy_init() in
 * kvm_vgic_inject_irq(): -EBUSY); a GICv2 initialises itself.
 */
static void t_irq_line_lazy_init(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_new(&g, V3, 1, NULL))
		return;
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), EBUSY);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 20, 1), EBUSY);
	expect_eq(get_nr_irqs(g.dev), 32);
	if (!gic_new(&g, V2, 1, NULL))
		return;
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), 0);
	expect_eq(get_nr_irqs(g.dev), 256);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | (GICD_ISPENDR + 4)), 1U << 8);
}

/*
 * Found a core bug when written (error precedence; api.rst is silent, 6.1 decides):
 * 6.1 kvm_vm_ioctl_irq_line() checks irq_id (SPI >= 32, PPI 16-31) and
 * the PPI's vCPU before kvm_vgic_inject_irq() finds the GICv3
 * uninitialised, so these are -EINVAL there; kvm_ext's
 * arm64::vgic::irq_line() checks initialisation first (-EBUSY).
 */
static void t_irq_line_precedence(const struct abi_test *t)
{
	struct gic g;

	(void)t;
	if (!gic_new(&g, V3, 1, NULL))
		return;
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 31, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 15, 1), EINVAL);
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 20, 1), EINVAL);
}

/*
 * KVM_IRQ_LINE_STATUS: the same, and the struct is copied back (6.1
 * kvm_vm_ioctl(): arm64's kvm_vm_ioctl_irq_line() sets no status, so it
 * comes back as it went).
 */
static void t_irq_line_status(const struct abi_test *t)
{
	struct kvm_irq_level l;
	struct gic g;

	(void)t;
	if (!gic_up(&g, V3, 1, NULL, 0))
		return;
	level_spis(g.dev, 64);
	memset(&l, 0, sizeof(l));
	l.irq = irq_field(IRQ_SPI, 0, 45);
	l.level = 1;
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE_STATUS, &l), 0);
	expect_eq(l.irq, irq_field(IRQ_SPI, 0, 45));
	expect_eq(l.level, 1);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 32), 1U << 13);
	l.level = 0;
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE_STATUS, &l), 0);
	expect_eq(l.level, 0);
	expect_eq(reg_get(g.dev, GRP_LEVEL, mp(0) | 32), 0);
	l.irq = irq_field(IRQ_SPI, 0, 31);
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE_STATUS, &l), EINVAL);
	l.irq = irq_field(IRQ_CPU, 0, 0);
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE_STATUS, &l), ENXIO);
	expect_errno(ioctl(g.vm, KVM_IRQ_LINE_STATUS, g_bad_ptr), EFAULT);
}

/* ------------------------------------------------------------ E: interrupt flows (the guest) */

/* Up to ms for KVM_RUN to return by itself. */
static bool runner_wait_done(struct runner *r, int ms)
{
	int i;

	for (i = 0; i < ms / 5 && !runner_done(r); i++)
		sleep_ms(5);
	return runner_done(r);
}

/* KVM_RUN that returned for an interrupt: 0, KVM_EXIT_EXT_INTERRUPT. */
static void expect_woken(struct runner *r)
{
	expect_eq(r->ret, 0);
	expect_eq(r->reason, KVM_EXIT_EXT_INTERRUPT);
}

/*
 * GICv3 SPIs go where GICD_IROUTER sends them (Aff2.Aff1.Aff0 of a vCPU's
 * MPIDR): taken there by ICC_IAR1_EL1 (active, the running priority is
 * its priority; a level interrupt whose line is high stays pending), not
 * seen elsewhere; ICC_EOIR1_EL1 drops the priority and deactivates. A new
 * route moves a pending interrupt; a route to no vCPU reaches none.
 */
static void t_v3_spi_route(const struct abi_test *t)
{
	struct gic g;
	int k, j;

	(void)t;
	if (!gic_guest_up(&g, V3, 4, ids_aff))
		return;
	for (k = 0; k < 4; k++) {
		const __u32 intid = 40 + k;
		const int v = g.vcpu[k];

		guest_spi(&g, intid, 0x80, aff_of(g.id[k]), false);
		expect_eq(reg_get(g.dev, GRP_DIST, GICD_IROUTER + 8 * intid), aff_of(g.id[k]));
		expect_errno(irq_line(g.vm, IRQ_SPI, 0, intid, 1), 0);
		for (j = 0; j < 4; j++) {
			if (j == k)
				continue;
			expect_eq(icc_rd(g.vcpu[j], ICC_HPPIR1), SPURIOUS);
			expect_eq(icc_rd(g.vcpu[j], ICC_IAR1), SPURIOUS);
		}
		expect_eq(icc_rd(v, ICC_HPPIR1), intid);
		expect_eq(icc_rd(v, ICC_IAR1), intid);
		expect_eq(icc_rd(v, ICC_RPR), 0x80);
		expect_eq(guest_bit(v, DIST_BASE + GICD_ISACTIVER, intid), 1);
		expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, intid), 1);
		expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS); /* active: not taken twice */
		expect_errno(irq_line(g.vm, IRQ_SPI, 0, intid, 0), 0);
		icc_wr(v, ICC_EOIR1, intid);
		expect_eq(icc_rd(v, ICC_RPR), 0xff);
		expect_eq(guest_bit(v, DIST_BASE + GICD_ISACTIVER, intid), 0);
		expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	}
	/* rerouted while pending */
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), 0);
	guest_wr(g.vcpu[0], DIST_BASE + GICD_IROUTER + 8 * 40, 8, aff_of(g.id[3]));
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[3], ICC_IAR1), 40);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 0), 0);
	icc_wr(g.vcpu[3], ICC_EOIR1, 40);
	/* routed to Aff0 2, which no vCPU has */
	guest_wr(g.vcpu[0], DIST_BASE + GICD_IROUTER + 8 * 41, 8, 2);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 41, 1), 0);
	for (j = 0; j < 4; j++)
		expect_eq(icc_rd(g.vcpu[j], ICC_IAR1), SPURIOUS);
	expect_eq(guest_bit(g.vcpu[0], DIST_BASE + GICD_ISPENDR, 41), 1);
}

/*
 * ICC_CTLR_EL1.EOImode (GICv3 architecture): 0, ICC_EOIR1_EL1 drops the
 * running priority and deactivates; 1, it only drops the priority and
 * ICC_DIR_EL1 deactivates. An active interrupt is not taken again until
 * deactivated.
 */
static void t_v3_eoimode(const struct abi_test *t)
{
	struct gic g;
	int v;

	(void)t;
	if (!gic_guest_up(&g, V3, 1, NULL))
		return;
	v = g.vcpu[0];
	guest_spi(&g, 50, 0x40, aff_of(0), true);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 0), 0);
	expect_eq(icc_rd(v, ICC_IAR1), 50);
	icc_wr(v, ICC_EOIR1, 50);
	expect_eq(icc_rd(v, ICC_RPR), 0xff);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISACTIVER, 50), 0);
	/* EOImode 1 */
	icc_wr(v, ICC_CTLR, ICC_CTLR_EOIMODE);
	expect_eq(icc_rd(v, ICC_CTLR), ICC_CTLR_HOST | ICC_CTLR_EOIMODE);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 0), 0);
	expect_eq(icc_rd(v, ICC_IAR1), 50);
	icc_wr(v, ICC_EOIR1, 50);
	expect_eq(icc_rd(v, ICC_RPR), 0xff);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISACTIVER, 50), 1);
	/* a second edge while active: pending and active, not taken */
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 0), 0);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	icc_wr(v, ICC_DIR, 50);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISACTIVER, 50), 0);
	expect_eq(icc_rd(v, ICC_IAR1), 50);
	icc_wr(v, ICC_EOIR1, 50);
	icc_wr(v, ICC_DIR, 50);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISACTIVER, 50), 0);
	/* userspace sees the mode */
	expect_eq(sys_get(g.dev, mp(0) | ICC_CTLR), ICC_CTLR_HOST | ICC_CTLR_EOIMODE);
}

/*
 * What keeps a pending interrupt from being taken (GICv3 architecture):
 * priority not higher than ICC_PMR_EL1, its group disabled at the CPU
 * interface (ICC_IGRPEN1_EL1) or the distributor (GICD_CTLR), the
 * interrupt disabled, or acknowledged as the other group (ICC_IAR0_EL1).
 */
static void t_v3_masking(const struct abi_test *t)
{
	struct gic g;
	int v;

	(void)t;
	if (!gic_guest_up(&g, V3, 1, NULL))
		return;
	v = g.vcpu[0];
	guest_spi(&g, 51, 0x80, aff_of(0), false);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 51, 1), 0);
	icc_wr(v, ICC_PMR, 0x80);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	icc_wr(v, ICC_PMR, 0x88);
	expect_eq(icc_rd(v, ICC_IAR1), 51);
	icc_wr(v, ICC_EOIR1, 51);
	icc_wr(v, ICC_IGRPEN1, 0);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	icc_wr(v, ICC_IGRPEN1, 1);
	guest_wr(v, DIST_BASE + GICD_CTLR, 4, 0);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	guest_wr(v, DIST_BASE + GICD_CTLR, 4, GICD_CTLR_G1);
	guest_wr(v, DIST_BASE + GICD_ICENABLER + 4, 4, 1U << 19);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	guest_wr(v, DIST_BASE + GICD_ISENABLER + 4, 4, 1U << 19);
	expect_eq(icc_rd(v, ICC_IAR0), SPURIOUS);
	expect_eq(icc_rd(v, ICC_IAR1), 51);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 51, 0), 0);
	icc_wr(v, ICC_EOIR1, 51);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
}

/*
 * Preemption (GICv3 architecture): while an interrupt is active only one
 * of higher group priority is taken; ICC_RPR_EL1 follows the active
 * priorities, each EOI drops the highest.
 */
static void t_v3_preemption(const struct abi_test *t)
{
	static const struct {
		__u32 intid;
		__u8 prio;
	} spis[] = { { 52, 0x80 }, { 53, 0x80 }, { 54, 0x40 }, { 55, 0x78 } };
	struct gic g;
	size_t i;
	int v;

	(void)t;
	if (!gic_guest_up(&g, V3, 1, NULL))
		return;
	v = g.vcpu[0];
	for (i = 0; i < ARRAY_SIZE(spis); i++)
		guest_spi(&g, spis[i].intid, spis[i].prio, aff_of(0), true);
#define PULSE(n)                                                                \
	do {                                                                    \
		expect_errno(irq_line(g.vm, IRQ_SPI, 0, n, 1), 0);              \
		expect_errno(irq_line(g.vm, IRQ_SPI, 0, n, 0), 0);              \
	} while (0)
	PULSE(52);
	expect_eq(icc_rd(v, ICC_IAR1), 52);
	expect_eq(icc_rd(v, ICC_RPR), 0x80);
	PULSE(53); /* the same priority does not preempt */
	expect_eq(icc_rd(v, ICC_HPPIR1), 53);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	PULSE(54); /* a higher one does */
	expect_eq(icc_rd(v, ICC_IAR1), 54);
	expect_eq(icc_rd(v, ICC_RPR), 0x40);
	PULSE(55); /* 0x78: higher than 0x80, not than 0x40 */
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
	icc_wr(v, ICC_EOIR1, 54);
	expect_eq(icc_rd(v, ICC_RPR), 0x80);
	expect_eq(icc_rd(v, ICC_IAR1), 55);
	expect_eq(icc_rd(v, ICC_RPR), 0x78);
	icc_wr(v, ICC_EOIR1, 55);
	expect_eq(icc_rd(v, ICC_RPR), 0x80);
	icc_wr(v, ICC_EOIR1, 52);
	expect_eq(icc_rd(v, ICC_RPR), 0xff);
	expect_eq(icc_rd(v, ICC_IAR1), 53);
	icc_wr(v, ICC_EOIR1, 53);
	expect_eq(icc_rd(v, ICC_IAR1), SPURIOUS);
#undef PULSE
}

/*
 * SGIs between vCPUs (GICv3 architecture, ICC_SGI1R_EL1): the INTID goes
 * to the vCPUs of cluster Aff3.Aff2.Aff1 whose Aff0 is in the target list,
 * or with IRM to every vCPU but the sender; ICC_SGI0R_EL1 makes only
 * Group 0 SGIs pending (6.1 vgic_v3_dispatch_sgi()).
 */
static void t_v3_sgi(const struct abi_test *t)
{
	struct gic g;
	int k;

	(void)t;
	if (!gic_guest_up(&g, V3, 4, ids_aff))
		return;
	/* SGI 3 to cluster Aff1 1, Aff0 0 and 1: vCPUs 16 and 17 */
	icc_wr(g.vcpu[0], ICC_SGI1R, SGI1R(3, 1, 0x3));
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), SPURIOUS);
	for (k = 2; k < 4; k++) {
		expect_eq(icc_rd(g.vcpu[k], ICC_IAR1), 3);
		icc_wr(g.vcpu[k], ICC_EOIR1, 3);
	}
	/* cluster 0, every Aff0 but 0: vCPU 1 only */
	icc_wr(g.vcpu[3], ICC_SGI1R, SGI1R(7, 0, 0xfffe));
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[2], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[3], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 7);
	icc_wr(g.vcpu[1], ICC_EOIR1, 7);
	/* IRM: all but the sender */
	icc_wr(g.vcpu[2], ICC_SGI1R, SGI1R(5, 0, 0) | SGI1R_IRM);
	expect_eq(icc_rd(g.vcpu[2], ICC_IAR1), SPURIOUS);
	for (k = 0; k < 4; k++) {
		if (k == 2)
			continue;
		expect_eq(icc_rd(g.vcpu[k], ICC_IAR1), 5);
		icc_wr(g.vcpu[k], ICC_EOIR1, 5);
	}
	/* pending in the target's redistributor: the guest's and userspace's view */
	icc_wr(g.vcpu[0], ICC_SGI1R, SGI1R(9, 0, 1U << 1));
	expect_eq(guest_bit(g.vcpu[0], rd_base(1) + GICR_ISPENDR0, 9), 1);
	expect_eq(guest_bit(g.vcpu[0], rd_base(0) + GICR_ISPENDR0, 9), 0);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 9);
	icc_wr(g.vcpu[1], ICC_EOIR1, 9);
	/* SGI0R: not for a Group 1 SGI */
	icc_wr(g.vcpu[0], ICC_SGI0R, SGI1R(6, 0, 1U << 1));
	expect_eq(guest_bit(g.vcpu[1], rd_base(1) + GICR_ISPENDR0, 6), 0);
	/* SGI 6 of vCPU 1 in Group 0: SGI0R reaches it, ICC_IAR0_EL1 takes it */
	guest_wr(g.vcpu[1], rd_base(1) + GICR_IGROUPR0, 4, ~(1U << 6));
	icc_wr(g.vcpu[1], ICC_IGRPEN0, 1);
	icc_wr(g.vcpu[0], ICC_SGI0R, SGI1R(6, 0, 1U << 1));
	expect_eq(guest_bit(g.vcpu[1], rd_base(1) + GICR_ISPENDR0, 6), 1);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[1], ICC_HPPIR0), 6);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR0), 6);
	icc_wr(g.vcpu[1], ICC_EOIR0, 6);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR0), SPURIOUS);
}

/*
 * PPIs through KVM_IRQ_LINE (api.rst 4.25, irq_type 2): only vcpu_index's
 * redistributor has it; a PPI stays pending while its line is high. PPIs
 * are level, and the guest cannot make one edge (6.1
 * vgic_mmio_write_config(): the timer relies on it): a pulse leaves
 * nothing behind.
 */
static void t_v3_ppi(const struct abi_test *t)
{
	struct gic g;
	int k;

	(void)t;
	if (!gic_guest_up(&g, V3, 2, NULL))
		return;
	for (k = 0; k < 2; k++)
		guest_wr(g.vcpu[k], rd_base(k) + GICR_ISENABLER0, 4, 1U << 27 | 1U << 23);
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 27, 1), 0);
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 27);
	expect_eq(guest_bit(g.vcpu[1], rd_base(1) + GICR_ISPENDR0, 27), 1);
	expect_eq(guest_bit(g.vcpu[1], rd_base(1) + GICR_ISACTIVER0, 27), 1);
	icc_wr(g.vcpu[1], ICC_EOIR1, 27);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 27); /* the line is still high */
	expect_errno(irq_line(g.vm, IRQ_PPI, 1, 27, 0), 0);
	icc_wr(g.vcpu[1], ICC_EOIR1, 27);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), SPURIOUS);
	/* PPI 23 of vCPU 0 stays level: GICR_ICFGR1 is read-only */
	guest_wr(g.vcpu[0], rd_base(0) + GICR_ICFGR1, 4, 2U << (2 * (23 - 16)));
	expect_eq(guest_rd(g.vcpu[0], rd_base(0) + GICR_ICFGR1, 4), 0);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 23, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 23, 0), 0);
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), SPURIOUS);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 23, 1), 0);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), SPURIOUS);
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), 23);
	expect_errno(irq_line(g.vm, IRQ_PPI, 0, 23, 0), 0);
	icc_wr(g.vcpu[0], ICC_EOIR1, 23);
	expect_eq(icc_rd(g.vcpu[0], ICC_IAR1), SPURIOUS);
	expect_eq(guest_bit(g.vcpu[0], rd_base(0) + GICR_ISPENDR0, 23), 0);
}

/*
 * GICv2 (GICv2 architecture): GICD_SGIR's target list, all-but-self and
 * self modes; GICC_IAR carries an SGI's source CPU in bits 12:10, one
 * source at a time; GICD_SPENDSGIR/CPENDSGIR hold a byte of sources per
 * SGI, for the guest and userspace; SPIs go by GICD_ITARGETSR; with
 * GICC_CTLR.EOImodeNS, GICC_EOIR only drops the priority and GICC_DIR
 * deactivates.
 */
static void t_v2_flow(const struct abi_test *t)
{
	struct gic g;
	__u32 a, b;
	int c0, c1;

	(void)t;
	if (!gic_guest_up(&g, V2, 2, NULL))
		return;
	c0 = g.vcpu[0];
	c1 = g.vcpu[1];
	/* SGI 2 from CPU 1 to CPU 0 */
	guest_wr(c1, DIST_BASE + GICD_SGIR, 4, 1U << 16 | 2);
	expect_eq(guest_rd(c0, DIST_BASE + GICD_SPENDSGIR, 4) >> 16 & 0xff, 0x2);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | GICD_SPENDSGIR) >> 16 & 0xff, 0x2);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_IAR, 4), SPURIOUS);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_IAR, 4), 2 | 1U << 10);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_RPR, 4), 0);
	guest_wr(c0, CPU_BASE + GICC_EOIR, 4, 2 | 1U << 10);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_RPR, 4), 0xff);
	/* SGI 3 from CPU 0 itself and from CPU 1: two acknowledges */
	guest_wr(c0, DIST_BASE + GICD_SGIR, 4, 2U << 24 | 3);
	guest_wr(c1, DIST_BASE + GICD_SGIR, 4, 1U << 16 | 3);
	expect_eq(guest_rd(c0, DIST_BASE + GICD_SPENDSGIR, 4) >> 24, 0x3);
	a = (__u32)guest_rd(c0, CPU_BASE + GICC_IAR, 4);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_IAR, 4), SPURIOUS); /* active */
	guest_wr(c0, CPU_BASE + GICC_EOIR, 4, a);
	b = (__u32)guest_rd(c0, CPU_BASE + GICC_IAR, 4);
	guest_wr(c0, CPU_BASE + GICC_EOIR, 4, b);
	expect_eq(a & 0x3ff, 3);
	expect_eq(b & 0x3ff, 3);
	expect_eq((a ^ b) & 0x1c00, 1U << 10);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_IAR, 4), SPURIOUS);
	/* all but self */
	guest_wr(c0, DIST_BASE + GICD_SGIR, 4, 1U << 24 | 4);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_IAR, 4), SPURIOUS);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_IAR, 4), 4);
	guest_wr(c1, CPU_BASE + GICC_EOIR, 4, 4);
	/* userspace sets and clears sources of CPU 1's SGI 5 */
	reg_put(g.dev, GRP_DIST, idx(1) | (GICD_SPENDSGIR + 4), 0x3U << 8);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | (GICD_SPENDSGIR + 4)), 0x3U << 8);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(0) | (GICD_SPENDSGIR + 4)), 0);
	reg_put(g.dev, GRP_DIST, idx(1) | (GICD_CPENDSGIR + 4), 0x1U << 8);
	expect_eq(reg_get(g.dev, GRP_DIST, idx(1) | (GICD_CPENDSGIR + 4)), 0x2U << 8);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_IAR, 4), 5 | 1U << 10);
	guest_wr(c1, CPU_BASE + GICC_EOIR, 4, 5 | 1U << 10);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_IAR, 4), SPURIOUS);
	/* an SPI to CPU 1, EOImodeNS */
	guest_spi(&g, 40, 0x80, 0x2, false);
	guest_wr(c1, CPU_BASE + GICC_CTLR, 4, 1 | GICC_CTLR_EOIMODE);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), 0);
	expect_eq(guest_rd(c0, CPU_BASE + GICC_IAR, 4), SPURIOUS);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_HPPIR, 4), 40);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_IAR, 4), 40);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 0), 0);
	guest_wr(c1, CPU_BASE + GICC_EOIR, 4, 40);
	expect_eq(guest_rd(c1, CPU_BASE + GICC_RPR, 4), 0xff);
	expect_eq(guest_bit(c1, DIST_BASE + GICD_ISACTIVER, 40), 1);
	guest_wr(c1, CPU_BASE + GICC_DIR, 4, 40);
	expect_eq(guest_bit(c1, DIST_BASE + GICD_ISACTIVER, 40), 0);
}

/*
 * kvm_ext's idle guest (kvm_ext.h KVM_EXIT_EXT_INTERRUPT): KVM_RUN waits
 * until the vCPU has an interrupt it would take, then returns 0 with
 * KVM_EXIT_EXT_INTERRUPT; an interrupt it would not take (masked by PMR)
 * does not end the wait. KVM_IRQ_LINE from another thread and an SGI from
 * another vCPU both wake it; one already deliverable at entry returns at
 * once.
 */
static void t_run_wakes_v3(const struct abi_test *t)
{
	struct runner r;
	struct gic g;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!gic_guest_up(&g, V3, 2, NULL))
		return;
	guest_spi(&g, 50, 0x40, aff_of(1), true);
	guest_spi(&g, 51, 0x90, aff_of(1), true);
	icc_wr(g.vcpu[1], ICC_PMR, 0x80);
	if (!runner_start(&r, g.vcpu[1], g.run[1]))
		goto out;
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 51, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 51, 0), 0);
	sleep_ms(100);
	expect_true(runner_waiting(&r));
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 0), 0);
	expect_true(runner_wait_done(&r, 5000));
	runner_stop(&r);
	expect_woken(&r);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 50);
	icc_wr(g.vcpu[1], ICC_EOIR1, 50);
	/* an SGI from vCPU 0 */
	if (!runner_start(&r, g.vcpu[1], g.run[1]))
		goto out;
	icc_wr(g.vcpu[0], ICC_SGI1R, SGI1R(2, 0, 1U << 1));
	expect_true(runner_wait_done(&r, 5000));
	runner_stop(&r);
	expect_woken(&r);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 2);
	icc_wr(g.vcpu[1], ICC_EOIR1, 2);
	/* deliverable at entry, taken or not */
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 1), 0);
	if (!runner_launch(&r, g.vcpu[1], g.run[1]))
		goto out;
	expect_true(runner_wait_done(&r, 5000));
	runner_stop(&r);
	expect_woken(&r);
	if (!runner_launch(&r, g.vcpu[1], g.run[1]))
		goto out;
	expect_true(runner_wait_done(&r, 5000));
	runner_stop(&r);
	expect_woken(&r);
	expect_eq(icc_rd(g.vcpu[1], ICC_IAR1), 50);
	/* vCPU 0 was not woken by any of it: it waits until a signal */
	expect_run_until_signal(g.vcpu[0], g.run[0]);
out:
	runner_stop(&r);
}

/* The same for a GICv2: an SPI targeted at CPU 1 wakes vCPU 1. */
static void t_run_wakes_v2(const struct abi_test *t)
{
	struct runner r;
	struct gic g;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!gic_guest_up(&g, V2, 2, NULL))
		return;
	guest_spi(&g, 40, 0x80, 0x2, false);
	if (!runner_start(&r, g.vcpu[1], g.run[1]))
		goto out;
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 1), 0);
	expect_true(runner_wait_done(&r, 5000));
	runner_stop(&r);
	expect_woken(&r);
	expect_eq(guest_rd(g.vcpu[1], CPU_BASE + GICC_IAR, 4), 40);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 40, 0), 0);
	guest_wr(g.vcpu[1], CPU_BASE + GICC_EOIR, 4, 40);
out:
	runner_stop(&r);
}

/*
 * ... and a signal still ends the wait with -EINTR and KVM_EXIT_INTR
 * (api.rst 4.10) while the pending interrupt is masked; it stays pending.
 */
static void t_run_signal_with_gic(const struct abi_test *t)
{
	struct runner r;
	struct gic g;
	int v;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!gic_guest_up(&g, V3, 1, NULL))
		return;
	v = g.vcpu[0];
	guest_spi(&g, 50, 0x40, aff_of(0), true);
	icc_wr(v, ICC_PMR, 0x40);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 1), 0);
	expect_errno(irq_line(g.vm, IRQ_SPI, 0, 50, 0), 0);
	expect_run_until_signal(v, g.run[0]);
	expect_eq(guest_bit(v, DIST_BASE + GICD_ISPENDR, 50), 1);
	/* unmasked, the next KVM_RUN returns at once */
	icc_wr(v, ICC_PMR, 0xff);
	if (runner_launch(&r, v, g.run[0])) {
		expect_true(runner_wait_done(&r, 5000));
		runner_stop(&r);
		expect_woken(&r);
	}
	expect_eq(icc_rd(v, ICC_IAR1), 50);
	runner_stop(&r);
}

/* ------------------------------------------------------------ F: save and restore */

/*
 * A whole GICv3 through the attribute groups, as QEMU's
 * hw/intc/arm_gicv3_kvm.c does it: kvm_arm_gicv3_get() saves the
 * distributor's CTLR, each redistributor (CTLR, STATUSR, WAKER, IGROUPR0,
 * ISENABLER0, ICFGR1, the line levels, ISPENDR0, ISACTIVER0, IPRIORITYR,
 * PROPBASER/PENDBASER), the distributor's blocks and IROUTERs, then each
 * CPU interface's ICC registers; kvm_arm_gicv3_put() restores in that
 * order with "config before pending so we treat level/edge correctly":
 * ICFGR, then LEVEL_INFO, then ICPENDR/ISPENDR. GICD_IIDR goes first
 * (arm-vgic-v3.rst: "Userspace should set GICD_IIDR before setting any
 * other registers"). Each redistributor is addressed by the mpidr of its
 * vCPU (QEMU: the affinity in its GICR_TYPER[63:32]).
 */
#define SR_NR_IRQS 128
#define IMG_MAX 512

struct saved_reg {
	__u32 grp;
	__u64 attr;
	__u64 val;
};

struct gic_image {
	unsigned int n;
	struct saved_reg r[IMG_MAX];
};

static struct gic_image img_src, img_dst;

static const __u32 sr_rd_regs[] = {
	GICR_TYPER, GICR_TYPER + 4, GICR_CTLR, GICR_STATUSR, GICR_WAKER, GICR_IGROUPR0,
	GICR_ISENABLER0, GICR_ICFGR0, GICR_ICFGR1,
};
static const __u32 sr_icc_regs[] = {
	ICC_SRE, ICC_CTLR, ICC_IGRPEN0, ICC_IGRPEN1, ICC_PMR, ICC_BPR0, ICC_BPR1, ICC_AP0R(0),
	ICC_AP1R(0),
};

static void save_one(struct gic_image *img, int dev, __u32 grp, __u64 attr)
{
	struct saved_reg *r;

	if (img->n >= IMG_MAX) {
		fail("the image is full");
		return;
	}
	r = &img->r[img->n++];
	r->grp = grp;
	r->attr = attr;
	r->val = grp == GRP_SYSREGS ? sys_get(dev, attr) : reg_get(dev, grp, attr);
}

static void sr_save(int dev, const unsigned long *ids, int n, struct gic_image *img)
{
	__u32 i, w;
	size_t j;
	int k;

	img->n = 0;
	save_one(img, dev, GRP_DIST, GICD_IIDR);
	save_one(img, dev, GRP_DIST, GICD_TYPER);
	save_one(img, dev, GRP_DIST, GICD_CTLR);
	for (k = 0; k < n; k++) {
		const __u64 a = mp(ids[k]);

		for (j = 0; j < ARRAY_SIZE(sr_rd_regs); j++)
			save_one(img, dev, GRP_REDIST, a | sr_rd_regs[j]);
		save_one(img, dev, GRP_LEVEL, a | 0);
		save_one(img, dev, GRP_REDIST, a | GICR_ISPENDR0);
		save_one(img, dev, GRP_REDIST, a | GICR_ISACTIVER0);
		for (i = 0; i < 32; i += 4)
			save_one(img, dev, GRP_REDIST, a | (GICR_IPRIORITYR0 + i));
	}
	for (k = 0; k < n; k++) {
		const __u64 a = mp(ids[k]);

		save_one(img, dev, GRP_REDIST, a | GICR_PROPBASER);
		save_one(img, dev, GRP_REDIST, a | (GICR_PROPBASER + 4));
		save_one(img, dev, GRP_REDIST, a | GICR_PENDBASER);
		save_one(img, dev, GRP_REDIST, a | (GICR_PENDBASER + 4));
	}
	save_one(img, dev, GRP_DIST, GICD_STATUSR);
	for (w = 1; w < SR_NR_IRQS / 32; w++) {
		save_one(img, dev, GRP_DIST, GICD_IGROUPR + 4 * w);
		save_one(img, dev, GRP_DIST, GICD_ISENABLER + 4 * w);
		save_one(img, dev, GRP_LEVEL, mp(ids[0]) | 32 * w);
		save_one(img, dev, GRP_DIST, GICD_ISPENDR + 4 * w);
		save_one(img, dev, GRP_DIST, GICD_ISACTIVER + 4 * w);
	}
	for (w = 2; w < SR_NR_IRQS / 16; w++)
		save_one(img, dev, GRP_DIST, GICD_ICFGR + 4 * w);
	for (i = 32; i < SR_NR_IRQS; i += 4)
		save_one(img, dev, GRP_DIST, GICD_IPRIORITYR + i);
	for (i = 32; i < SR_NR_IRQS; i++) {
		save_one(img, dev, GRP_DIST, GICD_IROUTER + 8 * i);
		save_one(img, dev, GRP_DIST, GICD_IROUTER + 8 * i + 4);
	}
	for (k = 0; k < n; k++)
		for (j = 0; j < ARRAY_SIZE(sr_icc_regs); j++)
			save_one(img, dev, GRP_SYSREGS, mp(ids[k]) | sr_icc_regs[j]);
}

static const struct saved_reg *img_find(const struct gic_image *img, __u32 grp, __u64 attr)
{
	unsigned int i;

	for (i = 0; i < img->n; i++)
		if (img->r[i].grp == grp && img->r[i].attr == attr)
			return &img->r[i];
	return NULL;
}

static __u64 img_val(const struct gic_image *img, __u32 grp, __u64 attr)
{
	const struct saved_reg *r = img_find(img, grp, attr);

	if (!r) {
		fail("nothing saved for group %u attr %#llx", grp, (unsigned long long)attr);
		return ~0ULL;
	}
	return r->val;
}

/* Writes the value saved for (grp, src | off) to (grp, dst | off). */
static void put_one(const struct gic_image *img, int dev, __u32 grp, __u64 src, __u64 dst,
		    __u64 off)
{
	__u64 v = img_val(img, grp, src | off);

	if (grp == GRP_SYSREGS)
		sys_put(dev, dst | off, v);
	else
		reg_put(dev, grp, dst | off, (__u32)v);
}

/*
 * kvm_arm_gicv3_put()'s order, GICD_IIDR first. Redistributor k's state
 * (saved through vCPU ids[k]'s mpidr) is written through dst[k].
 */
static void sr_restore(int dev, const unsigned long *ids, const __u64 *dst, int n,
		       const struct gic_image *img)
{
	__u32 i, w;
	size_t j;
	int k;

	put_one(img, dev, GRP_DIST, 0, 0, GICD_IIDR);
	put_one(img, dev, GRP_DIST, 0, 0, GICD_CTLR);
	for (k = 0; k < n; k++) {
		const __u64 s = mp(ids[k]), d = dst[k];

		put_one(img, dev, GRP_REDIST, s, d, GICR_PROPBASER);
		put_one(img, dev, GRP_REDIST, s, d, GICR_PROPBASER + 4);
		put_one(img, dev, GRP_REDIST, s, d, GICR_PENDBASER);
		put_one(img, dev, GRP_REDIST, s, d, GICR_PENDBASER + 4);
	}
	for (k = 0; k < n; k++) {
		const __u64 s = mp(ids[k]), d = dst[k];

		put_one(img, dev, GRP_REDIST, s, d, GICR_CTLR);
		put_one(img, dev, GRP_REDIST, s, d, GICR_STATUSR);
		put_one(img, dev, GRP_REDIST, s, d, GICR_WAKER);
		put_one(img, dev, GRP_REDIST, s, d, GICR_IGROUPR0);
		reg_put(dev, GRP_REDIST, d | GICR_ICENABLER0, ~0U);
		put_one(img, dev, GRP_REDIST, s, d, GICR_ISENABLER0);
		put_one(img, dev, GRP_REDIST, s, d, GICR_ICFGR1);
		put_one(img, dev, GRP_LEVEL, s, d, 0);
		reg_put(dev, GRP_REDIST, d | GICR_ICPENDR0, ~0U);
		put_one(img, dev, GRP_REDIST, s, d, GICR_ISPENDR0);
		reg_put(dev, GRP_REDIST, d | GICR_ICACTIVER0, ~0U);
		put_one(img, dev, GRP_REDIST, s, d, GICR_ISACTIVER0);
		for (i = 0; i < 32; i += 4)
			put_one(img, dev, GRP_REDIST, s, d, GICR_IPRIORITYR0 + i);
	}
	put_one(img, dev, GRP_DIST, 0, 0, GICD_STATUSR);
	for (w = 1; w < SR_NR_IRQS / 32; w++) {
		reg_put(dev, GRP_DIST, GICD_ICENABLER + 4 * w, ~0U);
		put_one(img, dev, GRP_DIST, 0, 0, GICD_ISENABLER + 4 * w);
	}
	for (w = 1; w < SR_NR_IRQS / 32; w++)
		put_one(img, dev, GRP_DIST, 0, 0, GICD_IGROUPR + 4 * w);
	for (i = 32; i < SR_NR_IRQS; i++) {
		put_one(img, dev, GRP_DIST, 0, 0, GICD_IROUTER + 8 * i);
		put_one(img, dev, GRP_DIST, 0, 0, GICD_IROUTER + 8 * i + 4);
	}
	for (w = 2; w < SR_NR_IRQS / 16; w++)
		put_one(img, dev, GRP_DIST, 0, 0, GICD_ICFGR + 4 * w);
	for (w = 1; w < SR_NR_IRQS / 32; w++)
		put_one(img, dev, GRP_LEVEL, mp(ids[0]), dst[0], 32 * w);
	for (w = 1; w < SR_NR_IRQS / 32; w++) {
		reg_put(dev, GRP_DIST, GICD_ICPENDR + 4 * w, ~0U);
		put_one(img, dev, GRP_DIST, 0, 0, GICD_ISPENDR + 4 * w);
	}
	for (w = 1; w < SR_NR_IRQS / 32; w++) {
		reg_put(dev, GRP_DIST, GICD_ICACTIVER + 4 * w, ~0U);
		put_one(img, dev, GRP_DIST, 0, 0, GICD_ISACTIVER + 4 * w);
	}
	for (i = 32; i < SR_NR_IRQS; i += 4)
		put_one(img, dev, GRP_DIST, 0, 0, GICD_IPRIORITYR + i);
	for (k = 0; k < n; k++)
		for (j = 0; j < ARRAY_SIZE(sr_icc_regs); j++)
			put_one(img, dev, GRP_SYSREGS, mp(ids[k]), dst[k], sr_icc_regs[j]);
}

/* Four priorities from i on, distinct per interrupt, 5 bits each. */
static __u32 prio4(__u32 i)
{
	__u32 v = 0, j;

	for (j = 0; j < 4; j++)
		v |= (((i + j) * 8 + 0x10) & 0xf8) << (8 * j);
	return v;
}

#define SR_PROPBASER (0x40000000U | 7U << 7 | 1U << 10 | 0xf)

/*
 * Non-trivial state, each vCPU's different, made through the attribute
 * groups and KVM_IRQ_LINE (so it is what a guest could have left).
 */
static void sr_build(const struct gic *g)
{
	const int dev = g->dev;
	__u32 i;
	int k;

	reg_put(dev, GRP_DIST, GICD_CTLR, GICD_CTLR_G1);
	reg_put(dev, GRP_DIST, GICD_STATUSR, 0x5);
	reg_put(dev, GRP_DIST, GICD_IGROUPR + 4, ~(1U << 1)); /* SPI 33: Group 0 */
	reg_put(dev, GRP_DIST, GICD_IGROUPR + 8, ~(1U << 6)); /* SPI 70 */
	reg_put(dev, GRP_DIST, GICD_ISENABLER + 4, 0x1ff);    /* SPIs 32-40 */
	reg_put(dev, GRP_DIST, GICD_ISENABLER + 8, 1U << 0 | 1U << 6);
	reg_put(dev, GRP_DIST, GICD_ISENABLER + 12, 1U << 4); /* SPI 100 */
	for (i = 32; i < SR_NR_IRQS; i += 4)
		reg_put(dev, GRP_DIST, GICD_IPRIORITYR + i, prio4(i));
	for (i = 32; i < SR_NR_IRQS; i++)
		reg_put(dev, GRP_DIST, GICD_IROUTER + 8 * i, aff_of(g->id[i % g->n]));
	/* edge: SPIs 34, 35, 66, 101 */
	reg_put(dev, GRP_DIST, GICD_ICFGR + 8, 2U << 4 | 2U << 6);
	reg_put(dev, GRP_DIST, GICD_ICFGR + 16, 2U << 4);
	reg_put(dev, GRP_DIST, GICD_ICFGR + 24, 2U << 10);
	/* lines: level SPIs 36 and 70 high; a rising edge on SPI 34 */
	expect_errno(irq_line(g->vm, IRQ_SPI, 0, 36, 1), 0);
	expect_errno(irq_line(g->vm, IRQ_SPI, 0, 70, 1), 0);
	expect_errno(irq_line(g->vm, IRQ_SPI, 0, 34, 1), 0);
	expect_errno(irq_line(g->vm, IRQ_SPI, 0, 34, 0), 0);
	/* latches: 34's edge, 37 and 90 written */
	reg_put(dev, GRP_DIST, GICD_ISPENDR + 4, 1U << 2 | 1U << 5);
	reg_put(dev, GRP_DIST, GICD_ISPENDR + 8, 1U << 26);
	/* active: SPIs 38 and 100 */
	reg_put(dev, GRP_DIST, GICD_ISACTIVER + 4, 1U << 6);
	reg_put(dev, GRP_DIST, GICD_ISACTIVER + 12, 1U << 4);
	for (k = 0; k < g->n; k++) {
		const __u64 a = mp(g->id[k]);
		const __u32 ppi = 20 + (__u32)k;

		reg_put(dev, GRP_REDIST, a | GICR_STATUSR, (__u32)k + 1);
		reg_put(dev, GRP_REDIST, a | GICR_IGROUPR0, ~(1U << k));
		reg_put(dev, GRP_REDIST, a | GICR_ICENABLER0, 1U << (8 + k));
		reg_put(dev, GRP_REDIST, a | GICR_ISENABLER0, 1U << ppi | 1U << 27);
		reg_put(dev, GRP_REDIST, a | GICR_ICFGR1, 2U << (2 * (ppi - 16)));
		for (i = 0; i < 32; i += 4)
			reg_put(dev, GRP_REDIST, a | (GICR_IPRIORITYR0 + i), prio4(i + 8 * (__u32)k));
		if (k & 1)
			expect_errno(irq_line(g->vm, IRQ_PPI, (__u32)k, 27, 1), 0);
		expect_errno(irq_line(g->vm, IRQ_PPI, (__u32)k, ppi, 1), 0);
		expect_errno(irq_line(g->vm, IRQ_PPI, (__u32)k, ppi, 0), 0);
		reg_put(dev, GRP_REDIST, a | GICR_ISPENDR0, 1U << ppi | 1U << (k + 1));
		reg_put(dev, GRP_REDIST, a | GICR_ISACTIVER0, 1U << (2 + k) | (k == 3 ? 1U << 23 : 0));
		/* one LPI configuration table for all (6.1 shares PROPBASER) */
		reg_put(dev, GRP_REDIST, a | GICR_PROPBASER, SR_PROPBASER);
		reg_put(dev, GRP_REDIST, a | GICR_PENDBASER, (0x10U + k) << 16 | 7U << 7 | 1U << 10);
		reg_put(dev, GRP_REDIST, a | (GICR_PENDBASER + 4), (__u32)k);
		sys_put(dev, a | ICC_PMR, 0xf0 - 0x10 * k);
		sys_put(dev, a | ICC_BPR0, 2 + k);
		sys_put(dev, a | ICC_BPR1, 3 + k);
		sys_put(dev, a | ICC_CTLR, ICC_CTLR_HOST | (k & 1 ? ICC_CTLR_EOIMODE : 0));
		sys_put(dev, a | ICC_IGRPEN0, k & 1);
		sys_put(dev, a | ICC_IGRPEN1, 1);
		sys_put(dev, a | ICC_AP0R(0), 1U << k);
		sys_put(dev, a | ICC_AP1R(0), 1U << (16 + k));
	}
}

/* Which part an entry is of: -1 the distributor, k ids[k]'s redistributor and CPU interface. */
static int sr_part(const struct saved_reg *r, const unsigned long *ids, int n)
{
	int k;

	if (r->grp == GRP_DIST || (r->grp == GRP_LEVEL && (r->attr & 0x3ff) >= 32))
		return -1;
	for (k = 0; k < n; k++)
		if (r->attr >> 32 == aff_of(ids[k]))
			return k;
	return -2;
}

/* The registers of `part` that read back differently; the first few as diagnostics. */
static unsigned int sr_diffs(const struct gic_image *want, const struct gic_image *got,
			     const unsigned long *ids, int n, int part, bool show)
{
	unsigned int i, diffs = 0;

	if (want->n != got->n) {
		fail("%u registers saved, %u read back", want->n, got->n);
		return ~0U;
	}
	for (i = 0; i < want->n; i++) {
		const struct saved_reg *a = &want->r[i], *b = &got->r[i];

		if (a->grp != b->grp || a->attr != b->attr) {
			fail("entry %u is group %u attr %#llx, saved group %u attr %#llx", i, b->grp,
			     (unsigned long long)b->attr, a->grp, (unsigned long long)a->attr);
			return ~0U;
		}
		if (sr_part(a, ids, n) == -2) {
			fail("entry %u (group %u attr %#llx) belongs to no vCPU", i, a->grp,
			     (unsigned long long)a->attr);
			return ~0U;
		}
		if (sr_part(a, ids, n) != part || a->val == b->val)
			continue;
		if (show && diffs < 8)
			diag("  group %u attr %#llx: saved %#llx, read back %#llx", a->grp,
			     (unsigned long long)a->attr, (unsigned long long)a->val,
			     (unsigned long long)b->val);
		diffs++;
	}
	return diffs;
}

/* The source: 4 vCPUs with MPIDR affinities 0.0, 0.1, 1.0, 1.1, the state built and saved. */
static bool sr_source(struct gic *src)
{
	if (!gic_up(src, V3, 4, ids_aff, SR_NR_IRQS))
		return false;
	sr_build(src);
	sr_save(src->dev, src->id, 4, &img_src);
	return !test_failed();
}

/*
 * The issue's save/restore: every register saved from a GIC with
 * non-trivial state reads back identical from a fresh VM whose vCPUs have
 * the same ids, so the same MPIDRs, after the restore.
 */
static void t_save_restore(const struct abi_test *t)
{
	struct gic src, dst;
	__u64 dst_mp[MAX_VCPUS];
	int k;

	(void)t;
	if (!sr_source(&src))
		return;
	/* the state is what was built (a sample) */
	expect_eq(img_val(&img_src, GRP_DIST, GICD_CTLR), GICD_CTLR_ARE_DS | GICD_CTLR_G1);
	expect_eq(img_val(&img_src, GRP_DIST, GICD_ISPENDR + 4), 1U << 2 | 1U << 5);
	expect_eq(img_val(&img_src, GRP_DIST, GICD_ISPENDR + 8), 1U << 26);
	expect_eq(img_val(&img_src, GRP_LEVEL, mp(0) | 32), 1U << 4);
	expect_eq(img_val(&img_src, GRP_LEVEL, mp(0) | 64), 1U << 6);
	expect_eq(img_val(&img_src, GRP_DIST, GICD_ICFGR + 24), 2U << 10);
	expect_eq(img_val(&img_src, GRP_DIST, GICD_IROUTER + 8 * 43), aff_of(17));
	expect_eq(img_val(&img_src, GRP_REDIST, mp(16) | GICR_ISPENDR0), 1U << 22 | 1U << 3);
	expect_eq(img_val(&img_src, GRP_REDIST, mp(17) | GICR_ISACTIVER0), 1U << 5 | 1U << 23);
	expect_eq(img_val(&img_src, GRP_REDIST, mp(17) | GICR_ISENABLER0), 0xf7ff | 1U << 23 | 1U << 27);
	expect_eq(img_val(&img_src, GRP_REDIST, mp(16) | GICR_PENDBASER), 0x12U << 16 | 0x780);
	expect_eq(img_val(&img_src, GRP_LEVEL, mp(1) | 0), 1U << 27);
	expect_eq(img_val(&img_src, GRP_LEVEL, mp(16) | 0), 0);
	expect_eq(img_val(&img_src, GRP_SYSREGS, mp(16) | ICC_PMR), 0xd0);
	expect_eq(img_val(&img_src, GRP_SYSREGS, mp(17) | ICC_CTLR), ICC_CTLR_HOST | ICC_CTLR_EOIMODE);
	expect_eq(img_val(&img_src, GRP_SYSREGS, mp(1) | ICC_AP1R(0)), 1U << 17);
	if (g_is_ext) {
		expect_eq(img_val(&img_src, GRP_DIST, GICD_STATUSR), 0x5);
		expect_eq(img_val(&img_src, GRP_REDIST, mp(17) | GICR_STATUSR), 4);
	}
	diag("  %u registers saved", img_src.n);

	if (!gic_up(&dst, V3, 4, ids_aff, SR_NR_IRQS))
		return;
	/* before the restore every part of the fresh GIC differs */
	sr_save(dst.dev, dst.id, 4, &img_dst);
	for (k = -1; k < 4; k++) {
		unsigned int d = sr_diffs(&img_src, &img_dst, src.id, 4, k, false);

		expect_true(d > 0 && d != ~0U);
	}
	for (k = 0; k < 4; k++)
		dst_mp[k] = mp(dst.id[k]);
	sr_restore(dst.dev, src.id, dst_mp, 4, &img_src);
	sr_save(dst.dev, dst.id, 4, &img_dst);
	expect_eq(sr_diffs(&img_src, &img_dst, src.id, 4, -1, true), 0);
	for (k = 0; k < 4; k++)
		expect_eq(sr_diffs(&img_src, &img_dst, src.id, 4, k, true), 0);
}

/*
 * The classic VMM bug: every redistributor's state restored through vCPU
 * 0's mpidr. The distributor comes back, but vCPU 0's redistributor and
 * CPU interface end up with the last one written (vCPU 3's) and the
 * others keep their reset state: what the mpidr field is for
 * (arm-vgic-v3.rst: "accesses the redistributor of the CPU specified by
 * the mpidr").
 */
static void t_save_restore_wrong_mpidr(const struct abi_test *t)
{
	struct gic src, dst;
	__u64 dst_mp[MAX_VCPUS];
	int k;

	(void)t;
	if (!sr_source(&src) || !gic_up(&dst, V3, 4, ids_aff, SR_NR_IRQS))
		return;
	for (k = 0; k < 4; k++)
		dst_mp[k] = mp(dst.id[0]);
	sr_restore(dst.dev, src.id, dst_mp, 4, &img_src);
	sr_save(dst.dev, dst.id, 4, &img_dst);
	expect_eq(sr_diffs(&img_src, &img_dst, src.id, 4, -1, true), 0);
	for (k = 0; k < 4; k++) {
		unsigned int d = sr_diffs(&img_src, &img_dst, src.id, 4, k, false);

		desc_append("%s%u", k ? "/" : ": vCPUs differ in ", d);
		expect_true(d > 0 && d != ~0U);
	}
	/* vCPU 0 has vCPU 3's state */
	expect_eq(img_val(&img_dst, GRP_SYSREGS, mp(0) | ICC_PMR),
		  img_val(&img_src, GRP_SYSREGS, mp(17) | ICC_PMR));
	expect_eq(img_val(&img_dst, GRP_REDIST, mp(0) | GICR_ISENABLER0),
		  img_val(&img_src, GRP_REDIST, mp(17) | GICR_ISENABLER0));
	expect_eq(img_val(&img_dst, GRP_REDIST, mp(0) | GICR_ISACTIVER0),
		  img_val(&img_src, GRP_REDIST, mp(17) | GICR_ISACTIVER0));
	/* the others their reset state */
	for (k = 1; k < 4; k++) {
		const __u64 a = mp(ids_aff[k]);

		expect_eq(img_val(&img_dst, GRP_SYSREGS, a | ICC_PMR), 0);
		expect_eq(img_val(&img_dst, GRP_SYSREGS, a | ICC_IGRPEN1), 0);
		expect_eq(img_val(&img_dst, GRP_REDIST, a | GICR_ISENABLER0), 0xffff);
		expect_eq(img_val(&img_dst, GRP_REDIST, a | GICR_ISPENDR0), 0);
		expect_eq(img_val(&img_dst, GRP_REDIST, a | GICR_IPRIORITYR0), 0);
		expect_eq(img_val(&img_dst, GRP_LEVEL, a | 0), 0);
	}
}

/* ------------------------------------------------------------ the table */

#define A M_ARM64
#define E T_EXT
static const struct abi_test vgic_regs_tests[] = {
	/* A: errno rows */
	{ "register groups the model lacks, unknown groups: -ENXIO (get, set, has)", REF_BOTH,
	  t_groups_model_lacks, A, 0, 0, 0 },
	{ "HAS_DEVICE_ATTR GICv3: DIST/REDIST/CPU_SYSREGS registers 0, holes, unaligned, past "
	  "nr_irqs -ENXIO; LEVEL_INFO by info", REF_V3_REGS, t_has_attr_v3, A, 0, 0, 0 },
	{ "HAS_DEVICE_ATTR GICv2: DIST 0; CPU only CTLR/PMR/BPR/ABPR/APRn/IIDR, guest-only "
	  "GICC registers -ENXIO", REF_V2_CPU, t_has_attr_v2, A, 0, 0, 0 },
	{ "no such vCPU: v3 mpidr / v2 vcpu_index -EINVAL (get, set, has); DIST ignores the mpidr",
	  REF_V3_SYSREGS, t_bad_vcpu, A, 0, 0, 0 },
	{ "v3 mpidr field selects by MPIDR affinity (Aff1 from vCPU id bits 11:4)", REF_V3_REGS,
	  t_mpidr_selects, A, 0, 0, 0 },
	{ "v2 vcpu_index is the creation index, not the vCPU id", REF_V2_DIST, t_v2_vcpu_index, A,
	  E, 0, 0 },
	{ "GICv3 register groups before CTRL_INIT -EBUSY, HAS 0, nothing changed", REF_V3_REGS,
	  t_v3_before_init, A, 0, 0, 0 },
	{ "GICv2 register groups initialise the GIC on demand (256 interrupts)", REF_V2,
	  t_v2_init_on_demand, A, 0, 0, 0 },
	{ "bad user pointer: every register group get and set -EFAULT", REF_BOTH, t_efault, A, 0,
	  0, 0 },
	{ "no such vCPU -EINVAL and uninitialised -EBUSY come before -EFAULT "
	  "(6.1 parse_attr before get_user)",
	  "6.1 vgic_v3_attr_regs_access()", t_efault_precedence, A, 0, 0, 0 },
	{ "CPU_SYSREGS values: ICC_CTLR PRIbits/IDbits/SEIS/A3V, ICC_SRE.SRE, AP{0,1}R1-3 "
	  "-EINVAL", REF_V3_SYSREGS, t_sysregs_values, A, 0, 0, 0 },
	{ "CPU_SYSREGS registers outside the 15 -ENXIO (6.1: -ENOENT)", REF_V3_SYSREGS,
	  t_sysregs_unknown, A, E, 0, 0 },
	{ "CPU_SYSREGS: 5 priority bits in ICC_PMR, minimum binary points, CBPR", REF_V3_SYSREGS,
	  t_sysregs_priority_bits, A, E, 0, 0 },
	{ "LEVEL_INFO: vINTID not a multiple of 32, info not LINE_LEVEL -EINVAL", REF_V3_LEVEL,
	  t_level_info_errnos, A, 0, 0, 0 },
	{ "SAVE_PENDING_TABLES: -ENXIO before CTRL_INIT, then 0 without LPIs", REF_V3_CTRL,
	  t_save_pending_tables, A, 0, 0, 0 },
	{ "a vCPU in KVM_RUN: every GICv3 register group and SAVE_PENDING_TABLES -EBUSY, HAS 0",
	  REF_V3_REGS, t_busy_running_v3, A, E, 0, 0 },
	{ "a vCPU in KVM_RUN: GICv2 DIST_REGS and CPU_REGS -EBUSY", REF_V2_CPU, t_busy_running_v2,
	  A, E, 0, 0 },
	/* B: the userspace view */
	{ "GICv3 ISPENDR is the latch (set and cleared as written), ICPENDR RAZ/WI, level line "
	  "apart", REF_V3_REGS, t_v3_ispendr_latch, A, 0, 0, 0 },
	{ "GICv3 guest ISPENDR = latch | line; guest ICPENDR does not clear a high line",
	  REF_V3_REGS, t_v3_pending_guest_view, A, E, 0, 0 },
	{ "GICD_STATUSR/GICR_STATUSR set directly from userspace, W1C for the guest", REF_V3_REGS,
	  t_v3_statusr, A, E, 0, 0 },
	{ "GICD_IIDR written back: revision 2 or 3 only (GICR_CTLR IR/CES), else -EINVAL; "
	  "TYPER2", REF_V3_REGS, t_v3_iidr, A, 0, 0, 0 },
	{ "GICv3 register values: TYPERs, IIDRs, 5 priority bits, ICFGR0, private words RAZ/WI, "
	  "IROUTER, holes", REF_V3_REGS, t_v3_reg_views, A, 0, 0, 0 },
	{ "GICv2 GICD_IGROUPR ignored until GICD_IIDR is written back", REF_V2_DIST,
	  t_v2_iidr_groups, A, 0, 0, 0 },
	{ "GICv2 CPU_REGS: GICC_PMR 5-bit view, APR0 only, CTLR/BPR/ABPR, IIDR read-only",
	  REF_V2_CPU, t_v2_cpu_regs, A, 0, 0, 0 },
	{ "GICv2 GICC_PMR and APRs as the guest sees them", REF_V2_CPU, t_v2_pmr_apr_guest, A, E,
	  0, 0 },
	{ "GICv3 ICC_AP1R0 after acknowledge and as the running priority", REF_V3_SYSREGS,
	  t_v3_apr_guest, A, E, 0, 0 },
	{ "LEVEL_INFO: SGIs and past the end RAZ/WI, PPIs per mpidr, SPIs shared, edge not "
	  "reported", REF_V3_LEVEL, t_level_info, A, 0, 0, 0 },
	{ "GICR_PROPBASER is one for the GIC, PENDBASER per redistributor",
	  "6.1 vgic_mmio_write_propbase()", t_propbaser_shared, A, 0, 0, 0 },
	{ "GICR_PROPBASER/PENDBASER sanitised (non-cacheable inner -> RaWb 3)",
	  "6.1 vgic_sanitise_inner_cacheability()", t_baser_sanitised, A, 0, 0, 0 },
	/* C: the first KVM_RUN */
	{ "first KVM_RUN, GICv2: frames missing -ENXIO, overlapping -EINVAL, a refusal changes "
	  "nothing", REF_MAP, t_first_run_v2, A, E, 0, 0 },
	{ "first KVM_RUN, GICv3: redistributors/distributor missing -ENXIO, overlap -EINVAL, "
	  "not initialised -EBUSY", REF_MAP, t_first_run_v3, A, E, 0, 0 },
	/* D: KVM_IRQ_LINE */
	{ "KVM_IRQ_LINE without a GIC: CPU lines, -ENXIO for SPI/PPI, -EINVAL rows; "
	  "KVM_CAP_IRQCHIP, IRQ_LINE_LAYOUT_2", REF_IRQ_LINE, t_irq_line_no_gic, A, 0, 0, 0 },
	{ "KVM_IRQ_LINE with a GIC: SPI/PPI ranges, vcpu_index (layout 2), CPU -ENXIO, levels",
	  REF_IRQ_LINE, t_irq_line_gic, A, 0, 0, 0 },
	{ "KVM_IRQ_LINE: GICv3 not initialised -EBUSY, GICv2 initialises itself", REF_IRQ_LINE,
	  t_irq_line_lazy_init, A, 0, 0, 0 },
	{ "KVM_IRQ_LINE bad irq_id -EINVAL before uninitialised -EBUSY",
	  "6.1 kvm_vm_ioctl_irq_line()", t_irq_line_precedence, A, 0, 0, 0 },
	{ "KVM_IRQ_LINE_STATUS: the struct comes back unchanged; errnos as KVM_IRQ_LINE",
	  REF_IRQ_LINE, t_irq_line_status, A, 0, 0, 0 },
	/* E: interrupt flows */
	{ "GICv3 SPI routed by IROUTER: taken by ICC_IAR1 on that vCPU only, EOI, rerouting",
	  REF_GUEST, t_v3_spi_route, A, E, 0, 0 },
	{ "GICv3 EOImode: EOIR drops the priority, ICC_DIR deactivates", REF_GUEST, t_v3_eoimode,
	  A, E, 0, 0 },
	{ "GICv3 masking: PMR, IGRPEN1, GICD_CTLR, disabled, the other group", REF_GUEST,
	  t_v3_masking, A, E, 0, 0 },
	{ "GICv3 preemption by running priority, RPR through nested EOIs", REF_GUEST,
	  t_v3_preemption, A, E, 0, 0 },
	{ "GICv3 SGIs: SGI1R target list and cluster, IRM broadcast, SGI0R Group 0 only",
	  REF_GUEST, t_v3_sgi, A, E, 0, 0 },
	{ "GICv3 PPIs through KVM_IRQ_LINE: per vCPU, pending while the line is high, never edge",
	  REF_GUEST, t_v3_ppi, A, E, 0, 0 },
	{ "GICv2: GICD_SGIR modes, SGI source bits in GICC_IAR, S/CPENDSGIR, ITARGETSR, "
	  "EOImode and GICC_DIR", REF_GUEST_V2, t_v2_flow, A, E, 0, 0 },
	{ "idle KVM_RUN (GICv3) returns 0/KVM_EXIT_EXT_INTERRUPT for KVM_IRQ_LINE or an SGI "
	  "from elsewhere, not for a masked one", REF_IDLE, t_run_wakes_v3, A, E, 0, 0 },
	{ "idle KVM_RUN (GICv2) returns 0/KVM_EXIT_EXT_INTERRUPT for an SPI to its CPU", REF_IDLE,
	  t_run_wakes_v2, A, E, 0, 0 },
	{ "idle KVM_RUN with a GIC: a signal still gives -EINTR/KVM_EXIT_INTR", REF_IDLE,
	  t_run_signal_with_gic, A, E, 0, 0 },
	/* F: save and restore */
	{ "4-vCPU GICv3 saved in QEMU's order and restored into a fresh VM: every register "
	  "identical", REF_SAVE, t_save_restore, A, 0, 0, 0 },
	{ "restore with vCPU 0's MPIDR for every redistributor: the other vCPUs' state is lost",
	  REF_SAVE, t_save_restore_wrong_mpidr, A, 0, 0, 0 },
};

TEST_GROUP(vgic_regs);
