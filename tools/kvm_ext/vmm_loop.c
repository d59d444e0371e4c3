// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 node driven the way QEMU and kvmtool drive /dev/kvm: a thread
 * per vCPU in a KVM_RUN loop, SIGUSR1 as the kick (blocked in the thread,
 * let through only inside KVM_RUN by KVM_SET_SIGNAL_MASK, so a kick sent
 * outside KVM_RUN is never lost), a virtio-style queue the guest notifies
 * through an ioeventfd and the device thread completes through an irqfd,
 * a second vCPU brought up by PSCI CPU_ON, PSCI SYSTEM_OFF ending the
 * machine with KVM_EXIT_SYSTEM_EVENT, and the stats fds read at the end.
 *
 * What the guest does is the guest-access extension's accesses
 * (KVM_EXT_GUEST_ACCESS), made by a vCPU's thread between its KVM_RUNs, where
 * that vCPU's guest code would run. The threads take turns through
 * `step`, so the output is the same on every run.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "kvm_stats.h"
#include "vmm_loop.h"

#define RAM_GPA 0x40000000ULL
#define RAM_SIZE (64ULL << 10)
#define VQ_AVAIL (RAM_GPA + 0x0)	/* the request the guest queues */
#define VQ_USED (RAM_GPA + 0x8)		/* the device's completion */
#define NOTIFY_GPA 0x0a000050ULL	/* a virtio-mmio device's QueueNotify */
#define DEV_SPI 40
#define DEV_GSI (DEV_SPI - 32)		/* the GIC's default routing: GSI n, SPI n + 32 */
#define GICD_BASE 0x08000000ULL
#define GICR_BASE 0x080a0000ULL
#define ENTRY 0x40080000ULL
#define CONTEXT 0x1234ULL
#define PSCI_CPU_ON64 0xc4000003ULL
#define PSCI_SYSTEM_OFF 0x84000008ULL

#define SYSREG(op0, op1, crn, crm, op2) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x13ULL << 16) | (op0) << 14 | (op1) << 11 | \
	 (crn) << 7 | (crm) << 3 | (op2))
#define ICC_PMR_EL1 SYSREG(3, 0, 4, 6, 0)
#define ICC_IAR1_EL1 SYSREG(3, 0, 12, 12, 0)
#define ICC_EOIR1_EL1 SYSREG(3, 0, 12, 12, 1)
#define ICC_IGRPEN1_EL1 SYSREG(3, 0, 12, 12, 7)
#define CORE_REG(off) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x10ULL << 16) | (off))
#define REG_X0 CORE_REG(0)
#define REG_PC CORE_REG(64)

struct vmm {
	int vm, gic, vcpu[2], notify_fd, irq_fd, failures;
	long run_size;
	struct kvm_run *run[2];
	unsigned char *ram;
	pthread_t thread[2], io;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int step;
	int off;	/* the guest turned the machine off */
};

static void on_usr1(int sig)
{
	(void)sig;
}

static void check(struct vmm *m, int ok, const char *what)
{
	if (!ok) {
		printf("    !! %s\n", what);
		m->failures++;
	}
}

static void step_to(struct vmm *m, int step)
{
	pthread_mutex_lock(&m->lock);
	m->step = step;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

static void wait_step(struct vmm *m, int step)
{
	pthread_mutex_lock(&m->lock);
	while (m->step < step)
		pthread_cond_wait(&m->cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
}

/* One guest access on a vCPU; the result kind, or -errno. */
static int guest(int vcpu, __u32 kind, __u64 addr, __u32 len, int write, __u64 *data,
		 __u64 x2, __u64 x3)
{
	struct kvm_ext_guest_access a = {
		.kind = kind, .flags = write ? KVM_EXT_ACCESS_WRITE : 0, .addr = addr,
		.len = len, .data = *data, .args = { x2, x3 },
	};

	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a))
		return -errno;
	*data = a.data;
	return (int)a.result;
}

static __u64 guest_rd(struct vmm *m, int i, __u32 kind, __u64 addr)
{
	__u64 v = 0;

	check(m, guest(m->vcpu[i], kind, addr, kind == KVM_EXT_ACCESS_MEM ? 4 : 8, 0, &v, 0, 0) >= 0,
	      "guest load");
	return v;
}

static void guest_wr(struct vmm *m, int i, __u32 kind, __u64 addr, __u32 len, __u64 v)
{
	check(m, guest(m->vcpu[i], kind, addr, len, 1, &v, 0, 0) >= 0, "guest store");
}

static __u64 one_reg(struct vmm *m, int i, __u64 id)
{
	__u64 v = 0;
	struct kvm_one_reg r = { .id = id, .addr = (unsigned long)&v };

	check(m, ioctl(m->vcpu[i], KVM_GET_ONE_REG, &r) == 0, "KVM_GET_ONE_REG");
	return v;
}

static int mp_state(int vcpu)
{
	struct kvm_mp_state s = { .mp_state = ~0U };

	return ioctl(vcpu, KVM_GET_MP_STATE, &s) ? -errno : (int)s.mp_state;
}

/*
 * The mask KVM_RUN runs with: the thread's own, SIGUSR1 let through. The
 * thread keeps SIGUSR1 blocked, so a kick that comes while it is outside
 * KVM_RUN waits, pending, and ends the next KVM_RUN at once.
 */
static int set_run_sigmask(int vcpu)
{
	union {
		struct kvm_signal_mask m;
		unsigned char buf[sizeof(struct kvm_signal_mask) + 8];
	} u;
	sigset_t set;
	__u64 word;

	pthread_sigmask(SIG_BLOCK, NULL, &set);
	sigdelset(&set, SIGUSR1);
	memcpy(&word, &set, sizeof(word));	/* the kernel's sigset_t: 64 signals */
	u.m.len = sizeof(word);
	memcpy(u.m.sigset, &word, sizeof(word));
	return ioctl(vcpu, KVM_SET_SIGNAL_MASK, &u.m) ? -errno : 0;
}

/* After KVM_EXIT_INTR: take the kick, still pending under the thread's mask. */
static int eat_kick(void)
{
	sigset_t usr1;
	struct timespec now = { 0, 0 };

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	return sigtimedwait(&usr1, NULL, &now) == SIGUSR1;
}

static int kvm_run(struct vmm *m, int i)
{
	return ioctl(m->vcpu[i], KVM_RUN, 0) ? -errno : 0;
}

/* The virtio device's thread: a kick in, a completion and an interrupt out. */
static void *device_thread(void *arg)
{
	struct vmm *m = arg;
	struct pollfd p = { .fd = m->notify_fd, .events = POLLIN };
	__u64 kicks = 0, one = 1, req;

	check(m, poll(&p, 1, 5000) == 1 && read(m->notify_fd, &kicks, 8) == 8,
	      "the device sees the kick");
	wait_step(m, 3);	/* print after the guest's line */
	memcpy(&req, m->ram + (VQ_AVAIL - RAM_GPA), 8);
	memcpy(m->ram + (VQ_USED - RAM_GPA), &req, 8);
	printf("    device: ioeventfd readable (%llu kick), request 0x%llx done, irqfd write "
	       "(GSI %d)\n", (unsigned long long)kicks, (unsigned long long)req, DEV_GSI);
	check(m, write(m->irq_fd, &one, 8) == 8, "irqfd write");
	return NULL;
}

static void *vcpu0_thread(void *arg)
{
	struct vmm *m = arg;
	struct kvm_run *run = m->run[0];
	__u64 v, intid;
	int r;

	check(m, set_run_sigmask(m->vcpu[0]) == 0, "KVM_SET_SIGNAL_MASK");
	step_to(m, 1);
	wait_step(m, 2);	/* the VMM has kicked this thread meanwhile */
	r = kvm_run(m, 0);
	printf("    vCPU 0: KVM_RUN -> %s, exit_reason %u: the kick sent before it, held by the "
	       "thread's mask, ends it at once\n", r ? strerror(-r) : "0", run->exit_reason);
	check(m, r == -EINTR && run->exit_reason == KVM_EXIT_INTR && eat_kick(),
	      "a pending kick ends KVM_RUN with KVM_EXIT_INTR");

	/* The guest brings up its GIC and its virtio device's interrupt. */
	guest_wr(m, 0, KVM_EXT_ACCESS_MEM, GICD_BASE + 0x0, 4, 0x2);	/* EnableGrp1 */
	guest_wr(m, 0, KVM_EXT_ACCESS_SYSREG, ICC_PMR_EL1, 8, 0xf0);
	guest_wr(m, 0, KVM_EXT_ACCESS_SYSREG, ICC_IGRPEN1_EL1, 8, 1);
	guest_wr(m, 0, KVM_EXT_ACCESS_MEM, GICD_BASE + 0xc00 + DEV_SPI / 16 * 4, 4,
		 2u << 2 * (DEV_SPI % 16));	/* edge: an irqfd pulses the line */
	guest_wr(m, 0, KVM_EXT_ACCESS_MEM, GICD_BASE + 0x400 + DEV_SPI, 1, 0xa0);
	guest_wr(m, 0, KVM_EXT_ACCESS_MEM, GICD_BASE + 0x6000 + DEV_SPI * 8, 8, 0);
	guest_wr(m, 0, KVM_EXT_ACCESS_MEM, GICD_BASE + 0x100 + DEV_SPI / 32 * 4, 4,
		 1u << DEV_SPI % 32);
	/* ... queues a request and notifies the device */
	guest_wr(m, 0, KVM_EXT_ACCESS_MEM, VQ_AVAIL, 8, 0xc0ffee);
	v = 0;
	r = guest(m->vcpu[0], KVM_EXT_ACCESS_MEM, NOTIFY_GPA, 4, 1, &v, 0, 0);
	printf("    vCPU 0: guest queues request 0xc0ffee, stores 0 to QueueNotify 0x%llx: %s\n",
	       NOTIFY_GPA, r == KVM_EXT_RESULT_KERNEL ? "taken by the ioeventfd, no exit" : "??");
	check(m, r == KVM_EXT_RESULT_KERNEL, "the ioeventfd takes the kick");
	step_to(m, 3);

	/* ... and waits for the completion's interrupt. */
	r = kvm_run(m, 0);
	check(m, r == 0 && run->exit_reason == KVM_EXIT_EXT_INTERRUPT,
	      "the irqfd's interrupt wakes the vCPU");
	intid = guest_rd(m, 0, KVM_EXT_ACCESS_SYSREG, ICC_IAR1_EL1) & 0xffffff;
	v = 0;
	guest(m->vcpu[0], KVM_EXT_ACCESS_MEM, VQ_USED, 8, 0, &v, 0, 0);
	guest_wr(m, 0, KVM_EXT_ACCESS_SYSREG, ICC_EOIR1_EL1, 8, intid);
	printf("    vCPU 0: KVM_RUN -> %d, exit_reason %u; guest acknowledges INTID %llu, reads "
	       "completion 0x%llx, EOI\n", r, run->exit_reason, (unsigned long long)intid,
	       (unsigned long long)v);
	check(m, intid == DEV_SPI && v == 0xc0ffee, "the SPI and the completion");

	/* The guest starts its second CPU. */
	v = 1;	/* MPIDR of vCPU 1 */
	r = guest(m->vcpu[0], KVM_EXT_ACCESS_HYPERCALL, PSCI_CPU_ON64, 8, 0, &v, ENTRY, CONTEXT);
	printf("    vCPU 0: guest calls PSCI CPU_ON(1, 0x%llx, 0x%llx) -> x0 %lld\n", ENTRY,
	       CONTEXT, (long long)v);
	check(m, r == KVM_EXT_RESULT_KERNEL && v == 0, "CPU_ON succeeds");
	step_to(m, 4);

	/* Idle until the VMM stops the machine. */
	for (;;) {
		r = kvm_run(m, 0);
		if (r == -EINTR && run->exit_reason == KVM_EXIT_INTR) {
			eat_kick();
			if (__atomic_load_n(&m->off, __ATOMIC_ACQUIRE))
				break;
		} else if (r) {
			check(m, 0, "KVM_RUN");
			break;
		}
	}
	printf("    vCPU 0: kicked out of KVM_RUN (KVM_EXIT_INTR) after the power-off; thread ends\n");
	return NULL;
}

static void *vcpu1_thread(void *arg)
{
	struct vmm *m = arg;
	struct kvm_run *run = m->run[1];
	__u64 v;
	int r;

	check(m, set_run_sigmask(m->vcpu[1]) == 0, "KVM_SET_SIGNAL_MASK");
	/* Powered off: KVM_RUN sleeps until CPU_ON, then until a kick. */
	for (;;) {
		r = kvm_run(m, 1);
		if (r == -EINTR && run->exit_reason == KVM_EXIT_INTR) {
			eat_kick();
			break;
		}
		if (r) {
			check(m, 0, "KVM_RUN");
			return NULL;
		}
	}
	printf("    vCPU 1: kicked out of KVM_RUN; MP state %d (RUNNABLE %d), PC 0x%llx, x0 0x%llx "
	       "(CPU_ON's entry point and context id)\n", mp_state(m->vcpu[1]),
	       KVM_MP_STATE_RUNNABLE, (unsigned long long)one_reg(m, 1, REG_PC),
	       (unsigned long long)one_reg(m, 1, REG_X0));
	check(m, one_reg(m, 1, REG_PC) == ENTRY && one_reg(m, 1, REG_X0) == CONTEXT,
	      "CPU_ON's reset");

	/* The guest turns the machine off: the VMM sees KVM_EXIT_SYSTEM_EVENT. */
	v = 0;
	r = guest(m->vcpu[1], KVM_EXT_ACCESS_HYPERCALL, PSCI_SYSTEM_OFF, 8, 0, &v, 0, 0);
	printf("    vCPU 1: guest calls PSCI SYSTEM_OFF -> exit_reason %u (SYSTEM_EVENT %u), type %u "
	       "(SHUTDOWN %u): the VMM stops every vCPU\n", run->exit_reason,
	       KVM_EXIT_SYSTEM_EVENT, run->system_event.type, KVM_SYSTEM_EVENT_SHUTDOWN);
	check(m, r == KVM_EXT_RESULT_EXIT && run->exit_reason == KVM_EXIT_SYSTEM_EVENT &&
		 run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN,
	      "SYSTEM_OFF exits with KVM_EXIT_SYSTEM_EVENT");
	__atomic_store_n(&m->off, 1, __ATOMIC_RELEASE);
	pthread_kill(m->thread[0], SIGUSR1);
	return NULL;
}

/* The stats fd's `name`, polled until it is `want` (at most a second). */
static int stat_reaches(int fd, const char *name, long long want)
{
	int ms;

	for (ms = 0; ms < 1000; ms++) {
		if (kvm_stats_value(fd, name) == want)
			return 1;
		usleep(1000);
	}
	return 0;
}

static int setup(struct vmm *m, int sys)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	__u64 dist = GICD_BASE, redist = GICR_BASE;
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR };
	int i, bad = 0;

	m->run_size = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	m->vm = ioctl(sys, KVM_CREATE_VM, 0);
	m->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region mem = {
		.guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)m->ram,
	};
	bad |= m->vm < 0 || m->ram == MAP_FAILED ||
	       ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &mem) != 0;
	for (i = 0; i < 2; i++) {
		struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };

		init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
		if (i == 1)
			init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
		m->vcpu[i] = ioctl(m->vm, KVM_CREATE_VCPU, i);
		bad |= m->vcpu[i] < 0 || ioctl(m->vcpu[i], KVM_ARM_VCPU_INIT, &init);
		m->run[i] = mmap(NULL, m->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu[i], 0);
		bad |= m->run[i] == MAP_FAILED;
	}
	bad |= ioctl(m->vm, KVM_CREATE_DEVICE, &cd) != 0;
	m->gic = cd.fd;
	a.attr = KVM_VGIC_V3_ADDR_TYPE_DIST;
	a.addr = (unsigned long)&dist;
	bad |= ioctl(m->gic, KVM_SET_DEVICE_ATTR, &a) != 0;
	a.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	a.addr = (unsigned long)&redist;
	bad |= ioctl(m->gic, KVM_SET_DEVICE_ATTR, &a) != 0;
	a.group = KVM_DEV_ARM_VGIC_GRP_CTRL;
	a.attr = KVM_DEV_ARM_VGIC_CTRL_INIT;
	bad |= ioctl(m->gic, KVM_SET_DEVICE_ATTR, &a) != 0;

	/* The virtio device: its queue kick an ioeventfd, its interrupt an irqfd. */
	m->notify_fd = eventfd(0, EFD_CLOEXEC);
	m->irq_fd = eventfd(0, EFD_CLOEXEC);
	struct kvm_ioeventfd kick = {
		.datamatch = 0, .addr = NOTIFY_GPA, .len = 4, .fd = m->notify_fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};
	struct kvm_irqfd irq = { .fd = (__u32)m->irq_fd, .gsi = DEV_GSI };

	bad |= m->notify_fd < 0 || m->irq_fd < 0 || ioctl(m->vm, KVM_IOEVENTFD, &kick) != 0 ||
	       ioctl(m->vm, KVM_IRQFD, &irq) != 0;
	return bad ? -1 : 0;
}

static void teardown(struct vmm *m)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (m->run[i] && m->run[i] != MAP_FAILED)
			munmap(m->run[i], m->run_size);
		if (m->vcpu[i] >= 0)
			close(m->vcpu[i]);
	}
	if (m->gic >= 0)
		close(m->gic);
	if (m->notify_fd >= 0)
		close(m->notify_fd);
	if (m->irq_fd >= 0)
		close(m->irq_fd);
	if (m->vm >= 0)
		close(m->vm);
	if (m->ram != MAP_FAILED)
		munmap(m->ram, RAM_SIZE);
}

static void print_stats(int fd, const char *who)
{
	static const char *const names[] = {
		"exits", "signal_exits", "ext_interrupt_exits", "halt_wakeup",
		"mmio_exit_kernel", "hvc_exit_stat",
	};
	size_t i;

	printf("    stats %s:", who);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf(" %s=%lld", names[i], kvm_stats_value(fd, names[i]));
	printf("\n");
}

int vmm_loop_demo(int sys)
{
	struct vmm m = { .vm = -1, .gic = -1, .vcpu = { -1, -1 }, .notify_fd = -1, .irq_fd = -1 };
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t usr1, old;
	int stats[2] = { -1, -1 }, vm_stats = -1, i;

	printf("    -- VMM run loop: a thread per vCPU, SIGUSR1 kicks, virtio-style queue, PSCI\n");
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.cond, NULL);
	m.ram = MAP_FAILED;
	if (setup(&m, sys)) {
		check(&m, 0, "VM, RAM, 2 vCPUs (vCPU 1 powered off), GICv3, ioeventfd, irqfd");
		teardown(&m);
		return m.failures;
	}
	printf("    VM: 2 vCPUs (vCPU 1 KVM_ARM_VCPU_POWER_OFF), GICv3, KVM_IOEVENTFD at 0x%llx "
	       "(datamatch 0), KVM_IRQFD on GSI %d (SPI %d)\n", NOTIFY_GPA, DEV_GSI, DEV_SPI);
	for (i = 0; i < 2; i++)
		stats[i] = ioctl(m.vcpu[i], KVM_GET_STATS_FD, 0);
	vm_stats = ioctl(m.vm, KVM_GET_STATS_FD, 0);

	/* No SA_RESTART; blocked in every thread but inside KVM_RUN. */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);

	pthread_create(&m.thread[1], NULL, vcpu1_thread, &m);
	check(&m, stat_reaches(stats[1], "blocking", 1), "vCPU 1 sleeps in KVM_RUN");
	printf("    vCPU 1: in KVM_RUN, powered off (MP state STOPPED): its stats fd shows "
	       "blocking=1\n");
	pthread_create(&m.io, NULL, device_thread, &m);
	pthread_create(&m.thread[0], NULL, vcpu0_thread, &m);
	wait_step(&m, 1);
	printf("    VMM: kicks vCPU 0 (SIGUSR1) before its first KVM_RUN\n");
	pthread_kill(m.thread[0], SIGUSR1);
	step_to(&m, 2);
	wait_step(&m, 4);
	printf("    VMM: kicks vCPU 1 (SIGUSR1)\n");
	pthread_kill(m.thread[1], SIGUSR1);

	pthread_join(m.thread[1], NULL);
	pthread_join(m.thread[0], NULL);
	pthread_join(m.io, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	printf("    after SYSTEM_OFF: MP state vCPU 0 %d, vCPU 1 %d (STOPPED %d)\n",
	       mp_state(m.vcpu[0]), mp_state(m.vcpu[1]), KVM_MP_STATE_STOPPED);
	check(&m, mp_state(m.vcpu[0]) == KVM_MP_STATE_STOPPED &&
		  mp_state(m.vcpu[1]) == KVM_MP_STATE_STOPPED, "every vCPU stopped");
	print_stats(stats[0], "vcpu 0");
	print_stats(stats[1], "vcpu 1");
	printf("    stats vm: irqfd_injections=%lld\n",
	       kvm_stats_value(vm_stats, "irqfd_injections"));
	/*
	 * Not halt_wakeup: it counts a wait the interrupt ended, and whether
	 * vCPU 0 was already waiting when the device thread's irqfd fired is
	 * the scheduler's to decide (printed above, 0 or 1).
	 */
	check(&m, kvm_stats_value(stats[0], "signal_exits") == 2 &&
		  kvm_stats_value(stats[0], "ext_interrupt_exits") == 1 &&
		  kvm_stats_value(stats[0], "hvc_exit_stat") == 1 &&
		  kvm_stats_value(stats[1], "hvc_exit_stat") == 1 &&
		  kvm_stats_value(vm_stats, "irqfd_injections") == 1,
	      "the counters of what happened");
	for (i = 0; i < 2; i++)
		if (stats[i] >= 0)
			close(stats[i]);
	if (vm_stats >= 0)
		close(vm_stats);
	teardown(&m);
	return m.failures;
}
