/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_ext ABI conformance suite: the helper layer, the personality table
 * and the test table types.
 *
 * Every test is one row of a table (struct abi_test): a function, a
 * description and the api.rst section it checks. A test creates its own
 * VMs through the helpers below, which track every fd and mapping they make;
 * the runner closes and unmaps whatever a test left behind and then checks
 * that no fd, VM or module allocation leaked.
 */
#ifndef KVM_EXT_ABI_TEST_H
#define KVM_EXT_ABI_TEST_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>
#include <uapi/linux/kvm_ext.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/*
 * The host page size (sysconf(_SC_PAGESIZE)): what memslots, dirty bitmaps
 * and the vCPU mapping are counted in. 4 KiB on x86 (the kvm_ext nodes),
 * 64 KiB on Debian's ppc64el kernel.
 */
extern unsigned long g_page_size;
#define PAGE_SZ g_page_size
#define VCPU_MMAP_SIZE ((long)(P->vcpu_mmap_pages * PAGE_SZ))

/* ------------------------------------------------------------ personalities */

enum pers_id { P_ARM64, P_PPC, P_S390, P_NR };

#define M_ARM64 (1U << P_ARM64)
#define M_PPC (1U << P_PPC)
#define M_S390 (1U << P_S390)
#define M_ALL (M_ARM64 | M_PPC | M_S390)

/* What /dev/kvm answers on that architecture (Linux 6.1, Debian config). */
struct personality {
	const char *name;
	enum pers_id id;
	long vcpu_mmap_pages;		/* KVM_GET_VCPU_MMAP_SIZE, in host pages */
	long max_vcpus;			/* KVM_CAP_MAX_VCPUS */
	long max_vcpu_id;		/* KVM_CAP_MAX_VCPU_ID */
	long cap_readonly_mem;		/* KVM_CAP_READONLY_MEM */
	long cap_ipa_size;		/* KVM_CAP_ARM_VM_IPA_SIZE */
	__u32 valid_mem_flags;		/* KVM_SET_USER_MEMORY_REGION flags */
	__u64 manual_dirty_log_caps;	/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2; 0: no CLEAR_DIRTY_LOG */
	int unknown_vm_ioctl_errno;	/* kvm_arch_vm_ioctl() default */
	int unknown_vcpu_ioctl_errno;	/* kvm_arch_vcpu_ioctl() default */
	int vm_attr_errno;		/* VM fd KVM_*_DEVICE_ATTR, unknown group */
	bool vm_attr_copies;		/* ... copies the attr first (EFAULT) */
	int vcpu_attr_errno;		/* vCPU fd KVM_*_DEVICE_ATTR, unknown group */
	bool vcpu_attr_copies;
	int fresh_run_errno;		/* KVM_RUN of a never-initialised vCPU; 0: runs */
	bool spapr_tce;			/* CONFIG_SPAPR_TCE_IOMMU (VFIO SET_SPAPR_TCE) */
	/* Device types Linux never registers on this architecture. */
	const __u32 *foreign_devs;
	size_t n_foreign_devs;
	/* The in-kernel irqchip device Linux may provide (VGIC_V3, XICS, FLIC). */
	__u32 irqchip_dev;
	const char *irqchip_name;
};

const struct personality *personality_by_name(const char *name);

/*
 * kvm_run's exit union as this architecture lays it out: s390's struct
 * kvm_run has psw_mask and psw_addr (16 bytes) before it, so its union
 * sits 16 bytes after the host's <linux/kvm.h> says.
 */
#define RUN_MMIO(run) \
	((__typeof__(&(run)->mmio))((char *)&(run)->mmio + (P->id == P_S390 ? 16 : 0)))

/* ------------------------------------------------------------ test table */

#define T_EXT (1U << 0) /* kvm_ext behaviour (extension or idle guest): skipped on /dev/kvm */

struct abi_test {
	const char *desc;
	const char *ref;
	void (*fn)(const struct abi_test *t);
	unsigned int mask;	/* personalities it applies to; 0 = all */
	unsigned int flags;	/* T_EXT */
	long a, b;		/* parameters for table-driven tests */
};

struct abi_test_group {
	const struct abi_test *tests;
	size_t n;
};

#define TEST_GROUP(name)                                                        \
	const struct abi_test_group name##_group = { name##_tests, ARRAY_SIZE(name##_tests) }

extern const struct abi_test_group system_group, vm_group, vcpu_group, memslot_group,
	device_group, attr_group, run_group, guest_access_group, dirty_log_group,
	arm64_vcpu_group, arm64_core_regs_group, arm64_regs_group, arm64_snapshot_group, vgic_group,
	vgic_regs_group, vgic_its_group, irqfd_group, ioeventfd_group, stats_group,
	ppc_vcpu_group, xics_group, xics_guest_group, xics_xive_group, spapr_tce_group,
	xive_group, xive_mmap_group, mpic_group, mpic_guest_group;
extern const struct abi_test_group pmu_timer_group, mp_state_group, psci_group,
	arm64_vcpu_events_group, guest_debug_group, vgic_legacy_group;
extern const struct abi_test_group s390_flic_group, s390_vm_attr_group, s390_guest_group;

/* ------------------------------------------------------------ run state */

extern const struct personality *P;	/* the target's personality */
extern int g_sys;			/* the system fd (open for the whole run) */
extern bool g_is_ext;			/* a kvm_ext node, not a real /dev/kvm */
extern void *g_bad_ptr;			/* a PROT_NONE page: faults in copy_*_user */
extern long g_online_cpus;

/* ------------------------------------------------------------ checks */

/*
 * expect_errno(expr, E): expr (an ioctl) fails with -1/E; E == 0 means it
 * succeeds (returns >= 0). expect_ok(expr) is expect_errno(expr, 0) that
 * yields expr's value. expect_eq(got, want) compares as 64-bit integers.
 * All record the first failure of the test ("got X expected Y") and keep
 * going, so that one run shows every broken rule.
 */
bool expect_errno_at(const char *file, int line, const char *expr, long ret, int err, int want);
bool expect_eq_at(const char *file, int line, const char *expr, long long got, long long want);
void fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define expect_errno(expr, want)                                                \
	({                                                                      \
		long r__ = (long)(expr);                                        \
		int e__ = errno;                                                \
		expect_errno_at(__FILE__, __LINE__, #expr, r__, e__, (want));   \
	})
#define expect_ok(expr)                                                         \
	({                                                                      \
		long r__ = (long)(expr);                                        \
		int e__ = errno;                                                \
		expect_errno_at(__FILE__, __LINE__, #expr, r__, e__, 0);        \
		r__;                                                            \
	})
#define expect_eq(got, want)                                                    \
	expect_eq_at(__FILE__, __LINE__, #got, (long long)(got), (long long)(want))
#define expect_true(cond) expect_eq_at(__FILE__, __LINE__, #cond, !!(cond), 1)
#define fail(...) fail_at(__FILE__, __LINE__, __VA_ARGS__)

/* The test is not applicable here: "ok N - ... # SKIP reason". */
void skip_test(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends to the test's description, e.g. the expected value. */
void desc_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A TAP diagnostic line printed after the test's result. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool test_failed(void);

/* Forked children: ship the child's check results to the parent. */
void child_begin(void);			/* in the child, first */
void child_report(int wfd);		/* in the child, before _exit() */
void child_merge(int rfd);		/* in the parent */

/* ------------------------------------------------------------ resources */

int track_fd(int fd);			/* returns fd; ignores fd < 0 */
void untrack_fd(int fd);
void xclose(int fd);			/* close() and forget */
void *track_map(void *p, size_t len);	/* returns p; ignores MAP_FAILED */
void xmunmap(void *p, size_t len);	/* munmap() and forget */

/* These expect success (a failure is recorded) and track what they make. */
int new_vm(unsigned long type);
int new_vcpu(int vm, unsigned long id);
/* ppc on an ISA 3.0 host (POWER9: KVM_CAP_PPC_MMU_RADIX), whose vCPU ids differ. */
bool ppc_isa300(void);
/*
 * ppc: one PAPR hypercall through KVM_EXT_GUEST_ACCESS, r3 the number and
 * r4-r7 in; out r3 (the return code, or the number when it exits), r4-r6,
 * the access's result and errno (0 if the ioctl succeeded).
 */
struct ppc_hc {
	__u64 r3, r4, r5, r6;
	__u32 result;
	int err;
};
struct ppc_hc ppc_hcall(int vcpu, __u64 nr, __u64 r4, __u64 r5, __u64 r6, __u64 r7);
/*
 * XICS tests describe Linux's XICS emulation (the POWER8 host): on a host
 * with XIVE (KVM_CAP_PPC_IRQ_XIVE), or with no XICS (KVM_CAP_IRQ_XICS 0:
 * kvm_ext's POWER9 today), they skip, and say so. True: skipped.
 */
bool xics_on_xive(void);
bool skip_xics_on_xive(void);
bool skip_unless_xics_on_xive(void);
/* ppc: KVM_ENABLE_CAP(KVM_CAP_PPC_PAPR), which book3s HV needs before KVM_RUN. */
int ppc_enable_papr(int vcpu);
/* A vCPU KVM_RUN accepts: arm64 after KVM_ARM_VCPU_INIT, ppc in PAPR mode. */
int runnable_vcpu(int vm, unsigned long id);
struct kvm_run *map_run(int vcpu);	/* KVM_GET_VCPU_MMAP_SIZE bytes */
void *alloc_mem(size_t len);		/* anonymous, zeroed, RW */
int new_vfio(int vm);
int new_eventfd(void);			/* non-blocking, close-on-exec */
__u64 eventfd_count(int fd);		/* the count, consumed (0 if none) */

/* Raw ioctl wrappers: return the ioctl's value (-1 with errno on error). */
long check_ext(int fd, long cap);
int set_region(int vm, __u32 slot, __u32 flags, __u64 gpa, __u64 size, const void *uaddr);
int create_device(int vm, __u32 type, __u32 flags, __u32 *fd_out);
int dev_attr(int fd, unsigned long ioctl, __u32 group, __u64 attr, __u64 addr);
int guest_access(int vcpu, __u32 kind, __u32 flags, __u64 addr, __u32 len, __u64 *data,
		 __u32 *result);
/* KVM_RUN that cannot block: immediate_exit set where the vCPU would run. */
int run_nonblocking(int vcpu, struct kvm_run *run);
/*
 * KVM_RUN of an idle, runnable vCPU blocks until a signal (SIGALRM every
 * 50 ms, no SA_RESTART), then fails -EINTR with KVM_EXIT_INTR.
 */
void expect_run_until_signal(int vcpu, struct kvm_run *run);

/*
 * test_stats.c: KVM_GET_STATS_FD on a VM or vCPU fd (tracked; -1 after a
 * recorded failure), and the first value of a named statistic read now (a
 * missing one fails the test).
 */
int stats_fd(int fd);
__u64 stat_get(int stats_fd, const char *name);
bool stat_exists(int stats_fd, const char *name);

/* test_vgic_regs.c: */
/* KVM_RUN of an idle vCPU in a thread, stopped by SIGUSR1. */
struct runner {
	pthread_t th;
	int vcpu;
	struct kvm_run *run;
	int tid;  /* set just before the ioctl */
	int done; /* the ioctl returned */
	int ret, err;
	__u32 reason;
	bool started;
	struct sigaction old;
};

bool runner_launch(struct runner *r, int vcpu, struct kvm_run *run);
bool runner_start(struct runner *r, int vcpu, struct kvm_run *run);
bool runner_done(struct runner *r);
bool runner_waiting(struct runner *r);
void runner_stop(struct runner *r);
void expect_stopped_by_signal(struct runner *r);
void sleep_ms(int ms);

/* /sys/kernel/debug/kvm_ext/<name> as a number, -1 if absent. */
long debugfs_read(const char *name);
const char *errno_name(int err);


/* arm64_common.c: arm64 vCPU helpers (raw ioctl results, -1 with errno). */
__u32 target_of(int vm);
int vcpu_init(int vm, int vcpu, __u32 features);
int finalize_sve(int vcpu);
int one_reg(int vcpu, bool set, __u64 id, const void *addr);
unsigned int reg_size(__u64 id);
bool host_supports(__u32 features);	/* fails on kvm_ext, skips on /dev/kvm */

/* module_params.c: kvm_ext's emulated-host parameters (0/-1+errno on write). */
int param_write(const char *name, const char *val);
const char *param_read(const char *name); /* without the newline; "" if unreadable */
long param_num(const char *name);
void restore_params(void); /* every parameter back to kvm_ext/main.c's default */
void restore_written_params(void);
/* --param NAME=VALUE: the value this run restores instead of the default. */
int param_set_base(const char *name, const char *val); /* the runner, after each test: restore_params() if written */
/*
 * arm64: the emulated host gets GICv2 compatibility (arm64_gicv2=Y) for the
 * VMs the test makes from now on, until the test ends. On a real /dev/kvm
 * nothing is written: false, and the test skipped, if the host has none.
 */
bool need_gicv2(void);
#define expect_param_write(name, val, want) expect_errno(param_write(name, val), want)

/*
 * A test that writes module parameters: its body runs between two
 * restore_params() (the checks never abort the body, and the body must not
 * return past a parameter write without restoring).
 */
#define PARAM_TEST(name)                                                        \
	static void name##_body(void);                                          \
	static void name(const struct abi_test *t)                              \
	{                                                                       \
		(void)t;                                                        \
		restore_params();                                               \
		if (!test_failed())                                             \
			name##_body();                                          \
		restore_params();                                               \
	}                                                                       \
	static void name##_body(void)

#endif /* KVM_EXT_ABI_TEST_H */
