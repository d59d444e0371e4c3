// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_abi_test: KVM ABI conformance suite for the kvm_ext nodes.
 *
 *   kvm_ext_abi_test [--personality arm64|ppc|s390] NODE
 *
 * NODE is /dev/kvm_ext/<arch> (the personality is its basename) or a real
 * /dev/kvm, where --personality must name the host architecture and the
 * tests of kvm_ext-only behaviour are skipped. Output is TAP version 13;
 * the exit status is 0 iff every test passed.
 *
 * This file is the runner and the helper layer; the tests are the tables
 * in test_*.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "abi_test.h"

const struct personality *P;
int g_sys = -1;
bool g_is_ext;
void *g_bad_ptr;
long g_online_cpus;
unsigned long g_page_size;

/* ------------------------------------------------------------ test state */

#define MSG_LEN 512
#define DIAG_LEN 8192
#define MAX_TRACKED 1024

static struct {
	int failed;			/* failed checks */
	char msg[MSG_LEN];		/* the first failure: "got X expected Y" */
	char diag[DIAG_LEN];		/* diagnostics, printed after the result */
	char skip[MSG_LEN];		/* non-empty: skipped */
	char desc_extra[MSG_LEN];
} st;

static int fds[MAX_TRACKED];
static size_t nfds;
static struct {
	void *p;
	size_t len;
} maps[MAX_TRACKED];
static size_t nmaps;

static void vappendf(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t used = strlen(buf);

	if (used + 1 < size)
		vsnprintf(buf + used, size - used, fmt, ap);
}

static void appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappendf(buf, size, fmt, ap);
	va_end(ap);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	appendf(st.diag, sizeof(st.diag), "# ");
	va_start(ap, fmt);
	vappendf(st.diag, sizeof(st.diag), fmt, ap);
	va_end(ap);
	appendf(st.diag, sizeof(st.diag), "\n");
}

static void record_failure(const char *file, int line, const char *what, const char *msg)
{
	if (!st.failed++)
		snprintf(st.msg, sizeof(st.msg), "%s", msg);
	diag("  %s:%d: %s: %s", file, line, what, msg);
}

void fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	record_failure(file, line, "check", msg);
}

bool test_failed(void)
{
	return st.failed != 0;
}

void skip_test(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st.skip, sizeof(st.skip), fmt, ap);
	va_end(ap);
}

void desc_append(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappendf(st.desc_extra, sizeof(st.desc_extra), fmt, ap);
	va_end(ap);
}

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },   { ENOENT, "ENOENT" }, { EINTR, "EINTR" },   { EIO, "EIO" },
	{ ENXIO, "ENXIO" },   { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" }, { ENOMEM, "ENOMEM" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },   { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" }, { ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ E2BIG, "E2BIG" },   { EAGAIN, "EAGAIN" }, { EACCES, "EACCES" }, { ERANGE, "ERANGE" },
	{ ESPIPE, "ESPIPE" },
};

const char *errno_name(int err)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static void describe_ret(char *buf, size_t size, long ret, int err)
{
	if (ret == -1)
		snprintf(buf, size, "-1/%s", errno_name(err));
	else
		snprintf(buf, size, "%ld", ret);
}

bool expect_errno_at(const char *file, int line, const char *expr, long ret, int err, int want)
{
	char got[64], msg[MSG_LEN];

	if (want == 0 ? ret >= 0 : (ret == -1 && err == want))
		return true;
	describe_ret(got, sizeof(got), ret, err);
	if (want == 0)
		snprintf(msg, sizeof(msg), "got %s expected success", got);
	else
		snprintf(msg, sizeof(msg), "got %s expected -1/%s", got, errno_name(want));
	record_failure(file, line, expr, msg);
	return false;
}

bool expect_eq_at(const char *file, int line, const char *expr, long long got, long long want)
{
	char msg[MSG_LEN];

	if (got == want)
		return true;
	if ((got >= -4096 && got <= 65536) && (want >= -4096 && want <= 65536))
		snprintf(msg, sizeof(msg), "got %lld expected %lld", got, want);
	else
		snprintf(msg, sizeof(msg), "got %#llx expected %#llx", (unsigned long long)got,
			 (unsigned long long)want);
	record_failure(file, line, expr, msg);
	return false;
}

/* ------------------------------------------------------------ forked children */

struct child_msg {
	int failed;
	char msg[MSG_LEN];
	char diag[DIAG_LEN];
};

void child_begin(void)
{
	memset(&st, 0, sizeof(st));
	nfds = 0;
	nmaps = 0;
}

void child_report(int wfd)
{
	struct child_msg m;
	const char *p = (const char *)&m;
	size_t left = sizeof(m);

	memset(&m, 0, sizeof(m));
	m.failed = st.failed;
	memcpy(m.msg, st.msg, sizeof(m.msg));
	memcpy(m.diag, st.diag, sizeof(m.diag));
	while (left) {
		ssize_t n = write(wfd, p, left);

		if (n <= 0)
			break;
		p += n;
		left -= n;
	}
}

void child_merge(int rfd)
{
	struct child_msg m;
	char *p = (char *)&m;
	size_t got = 0;

	while (got < sizeof(m)) {
		ssize_t n = read(rfd, p + got, sizeof(m) - got);

		if (n <= 0)
			break;
		got += n;
	}
	if (got != sizeof(m)) {
		fail("the child sent no report (%zu of %zu bytes)", got, sizeof(m));
		return;
	}
	m.msg[sizeof(m.msg) - 1] = 0;
	m.diag[sizeof(m.diag) - 1] = 0;
	if (!m.failed)
		return;
	if (!st.failed)
		snprintf(st.msg, sizeof(st.msg), "child: %.480s", m.msg);
	st.failed += m.failed;
	appendf(st.diag, sizeof(st.diag), "# in the child:\n%s", m.diag);
}

/* ------------------------------------------------------------ resources */

int track_fd(int fd)
{
	if (fd >= 0 && nfds < MAX_TRACKED)
		fds[nfds++] = fd;
	return fd;
}

void untrack_fd(int fd)
{
	size_t i;

	for (i = 0; i < nfds; i++) {
		if (fds[i] == fd) {
			fds[i] = fds[--nfds];
			return;
		}
	}
}

void xclose(int fd)
{
	if (fd < 0)
		return;
	untrack_fd(fd);
	close(fd);
}

void *track_map(void *p, size_t len)
{
	if (p != MAP_FAILED && nmaps < MAX_TRACKED) {
		maps[nmaps].p = p;
		maps[nmaps].len = len;
		nmaps++;
	}
	return p;
}

void xmunmap(void *p, size_t len)
{
	size_t i;

	for (i = 0; i < nmaps; i++) {
		if (maps[i].p == p) {
			maps[i] = maps[--nmaps];
			break;
		}
	}
	munmap(p, len);
}

static void release_all(void)
{
	/* Mappings first: a vCPU mapping holds its file (and the VM). */
	while (nmaps) {
		nmaps--;
		munmap(maps[nmaps].p, maps[nmaps].len);
	}
	while (nfds)
		close(fds[--nfds]);
}

int new_vm(unsigned long type)
{
	return track_fd(expect_ok(ioctl(g_sys, KVM_CREATE_VM, type)));
}

int new_vcpu(int vm, unsigned long id)
{
	return track_fd(expect_ok(ioctl(vm, KVM_CREATE_VCPU, id)));
}

/*
 * The host's KVM_DEV_TYPE_XICS is XICS-on-XIVE: its fd's anon inode is
 * "kvm-xive" (book3s_xive.c), the XICS emulation's "kvm-xics".
 */
bool xics_on_xive(void)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };
	char path[64], name[64];
	bool xive = false;
	ssize_t n;
	int vm;

	if (P->id != P_PPC)
		return false;
	vm = ioctl(g_sys, KVM_CREATE_VM, 0);
	if (vm < 0)
		return false;
	if (ioctl(vm, KVM_CREATE_DEVICE, &cd) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%u", cd.fd);
		n = readlink(path, name, sizeof(name) - 1);
		if (n > 0) {
			name[n] = 0;
			xive = strcmp(name, "anon_inode:kvm-xive") == 0;
		}
		close((int)cd.fd);
	}
	close(vm);
	return xive;
}

bool skip_xics_on_xive(void)
{
	if (P->id != P_PPC)
		return false;
	if (xics_on_xive()) {
		skip_test("the host's XICS is XICS-on-XIVE (test_xics_xive.c)");
		return true;
	}
	if (ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_XICS) <= 0) {
		skip_test("the host has no XICS");
		return true;
	}
	return false;
}

bool skip_unless_xics_on_xive(void)
{
	if (P->id == P_PPC && xics_on_xive())
		return false;
	skip_test("the host's XICS is the XICS emulation (test_xics.c)");
	return true;
}

struct ppc_hc ppc_hcall(int vcpu, __u64 nr, __u64 r4, __u64 r5, __u64 r6, __u64 r7)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_HYPERCALL, .addr = nr,
					  .len = 8, .data = r4, .args = { r5, r6, r7 } };
	struct ppc_hc h = { 0 };

	h.err = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a) ? errno : 0;
	h.r3 = a.data;
	h.r4 = a.args[0];
	h.r5 = a.args[1];
	h.r6 = a.args[2];
	h.result = a.result;
	return h;
}

bool ppc_isa300(void)
{
	return P->id == P_PPC && ioctl(g_sys, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX) > 0;
}

int ppc_enable_papr(int vcpu)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_PAPR };

	return ioctl(vcpu, KVM_ENABLE_CAP, &cap);
}

int runnable_vcpu(int vm, unsigned long id)
{
	int vcpu = new_vcpu(vm, id);

	if (vcpu >= 0 && P->id == P_ARM64)
		expect_errno(vcpu_init(vm, vcpu, 0), 0);
	if (vcpu >= 0 && P->id == P_PPC)
		expect_errno(ppc_enable_papr(vcpu), 0);
	return vcpu;
}

struct kvm_run *map_run(int vcpu)
{
	void *p;

	if (vcpu < 0)
		return NULL;
	p = mmap(NULL, VCPU_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (p == MAP_FAILED) {
		fail("mmap(vcpu fd, %ld) failed: %s", VCPU_MMAP_SIZE, errno_name(errno));
		return NULL;
	}
	return track_map(p, VCPU_MMAP_SIZE);
}

void *alloc_mem(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fail("mmap(anonymous, %zu) failed: %s", len, errno_name(errno));
		return NULL;
	}
	return track_map(p, len);
}

int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		fail("eventfd: %s", errno_name(errno));
	return track_fd(fd);
}

__u64 eventfd_count(int fd)
{
	__u64 n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

int new_vfio(int vm)
{
	__u32 fd = 0;

	if (!expect_errno(create_device(vm, KVM_DEV_TYPE_VFIO, 0, &fd), 0))
		return -1;
	return track_fd((int)fd);
}

long check_ext(int fd, long cap)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, cap);
}

int set_region(int vm, __u32 slot, __u32 flags, __u64 gpa, __u64 size, const void *uaddr)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (__u64)(uintptr_t)uaddr,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

int create_device(int vm, __u32 type, __u32 flags, __u32 *fd_out)
{
	struct kvm_create_device cd = { .type = type, .fd = 0, .flags = flags };
	int r = ioctl(vm, KVM_CREATE_DEVICE, &cd);

	if (r == 0 && !(flags & KVM_CREATE_DEVICE_TEST))
		track_fd((int)cd.fd);
	if (fd_out)
		*fd_out = cd.fd;
	return r;
}

int dev_attr(int fd, unsigned long ioctl_nr, __u32 group, __u64 attr, __u64 addr)
{
	struct kvm_device_attr a = { .flags = 0, .group = group, .attr = attr, .addr = addr };

	return ioctl(fd, ioctl_nr, &a);
}

int guest_access(int vcpu, __u32 kind, __u32 flags, __u64 addr, __u32 len, __u64 *data,
		 __u32 *result)
{
	struct kvm_ext_guest_access a;
	int r;

	memset(&a, 0, sizeof(a));
	a.kind = kind;
	a.flags = flags;
	a.addr = addr;
	a.len = len;
	a.data = data ? *data : 0;
	a.result = 0xdeadbeef;
	r = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a);
	if (r == 0) {
		if (data)
			*data = a.data;
		if (result)
			*result = a.result;
	}
	return r;
}

int run_nonblocking(int vcpu, struct kvm_run *run)
{
	if (run)
		run->immediate_exit = 1;
	return ioctl(vcpu, KVM_RUN, 0);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void expect_run_until_signal(int vcpu, struct kvm_run *run)
{
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa, old;
	double t0, dt;
	int r, err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarms = 0;
	run->immediate_exit = 0;
	t0 = now();
	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(vcpu, KVM_RUN, 0);
	err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	dt = now() - t0;
	sigaction(SIGALRM, &old, NULL);

	expect_errno_at(__FILE__, __LINE__, "ioctl(vcpu, KVM_RUN, 0)", r, err, EINTR);
	expect_eq(run->exit_reason, KVM_EXIT_INTR);
	if (!expect_true(alarms >= 1) || dt < 0.040)
		fail("KVM_RUN returned after %.3f s, %d signals: it did not wait for the signal",
		     dt, (int)alarms);
	diag("  KVM_RUN returned after %.1f ms", dt * 1000);
}

long debugfs_read(const char *name)
{
	char path[128], buf[64];
	FILE *f;
	long v = -1;

	/* kvm_ext's counters say nothing of a real /dev/kvm beside it. */
	if (!g_is_ext)
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm_ext/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f) || sscanf(buf, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

/* ------------------------------------------------------------ runner */

static const struct abi_test_group *const groups[] = {
	&system_group, &vm_group,  &vcpu_group, &memslot_group,
	&device_group, &attr_group, &run_group, &guest_access_group,
	&dirty_log_group, &arm64_vcpu_group, &arm64_core_regs_group, &arm64_regs_group,
	&arm64_snapshot_group, &vgic_group, &vgic_regs_group, &vgic_its_group,
	&pmu_timer_group, &irqfd_group, &ioeventfd_group, &stats_group,
	&ppc_vcpu_group, &xics_group, &xics_guest_group, &xics_xive_group, &spapr_tce_group,
	&xive_group, &xive_mmap_group, &mpic_group, &mpic_guest_group, &mp_state_group,
	&psci_group,
	&arm64_vcpu_events_group, &guest_debug_group, &vgic_legacy_group,
	&s390_flic_group, &s390_vm_attr_group, &s390_guest_group,
};

/*
 * A test that faults (SIGBUS or SIGSEGV outside a handler of its own, e.g.
 * touching a mapping that the kernel made smaller than the personality
 * says) fails alone: the runner goes on with the next test.
 */
static sigjmp_buf crash_jmp;

static void on_crash(int sig)
{
	siglongjmp(crash_jmp, sig);
}

static void run_guarded(const struct abi_test *t)
{
	static const int sigs[] = { SIGBUS, SIGSEGV };
	struct sigaction sa, old[ARRAY_SIZE(sigs)];
	volatile int sig;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	sig = sigsetjmp(crash_jmp, 1);
	if (sig == 0)
		t->fn(t);
	else
		fail("the test was stopped by %s", strsignal(sig));
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--personality arm64|ppc|s390] [--param NAME=VALUE]... [--only LIST] [--all]\n"
		"       NODE\n"
		"  NODE: /dev/kvm_ext/<arch> (personality from the basename) or /dev/kvm\n"
		"        (then --personality names the host architecture and the tests of\n"
		"        kvm_ext-only behaviour are skipped)\n"
		"  --param: run with a kvm_ext module parameter at VALUE (written now, and\n"
		"        what the tests that switch it restore), e.g. ppc_host=power9\n"
		"  --only LIST: run only these test numbers (\"12,40-45\"); the rest skip\n"
		"  --all: on /dev/kvm, run the kvm_ext-only tests too (to see how they fail)\n",
		prog);
	exit(2);
}

/* --only LIST: test numbers and ranges, "12,40-45". */
static bool selected(const char *list, int n)
{
	while (*list) {
		char *end;
		long a = strtol(list, &end, 10), b = a;

		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (n >= a && n <= b)
			return true;
		if (*end != ',')
			break;
		list = end + 1;
	}
	return false;
}

static bool applies(const struct abi_test *t)
{
	return !t->mask || (t->mask & (1U << P->id));
}

int main(int argc, char **argv)
{
	const char *pname = NULL, *node = NULL, *base, *params[8], *only = NULL;
	bool all = false;
	int nparams = 0;
	char nodebuf[4096];
	long vms0, allocs0, v;
	int fds0, i, total = 0, n = 0, passed = 0, failed = 0, skipped = 0;
	size_t g, k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--personality") && i + 1 < argc)
			pname = argv[++i];
		else if (!strncmp(argv[i], "--personality=", 14))
			pname = argv[i] + 14;
		else if (!strcmp(argv[i], "--param") && i + 1 < argc && nparams < 8)
			params[nparams++] = argv[++i];
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			usage(argv[0]);
		else if (argv[i][0] == '-' || node)
			usage(argv[0]);
		else
			node = argv[i];
	}
	if (!node)
		usage(argv[0]);
	snprintf(nodebuf, sizeof(nodebuf), "%s", node);
	base = basename(nodebuf);
	g_is_ext = strcmp(base, "kvm") != 0;
	if (!pname)
		pname = base;
	P = personality_by_name(pname);
	if (!P) {
		fprintf(stderr, "%s: unknown personality '%s' (use --personality)\n", argv[0], pname);
		usage(argv[0]);
	}

	for (i = 0; i < nparams; i++) {
		char *eq = strchr(params[i], '=');

		if (!eq || !g_is_ext) {
			fprintf(stderr, "%s: --param NAME=VALUE, on a kvm_ext node\n", argv[0]);
			usage(argv[0]);
		}
		*eq = 0;
		if (param_set_base(params[i], eq + 1)) {
			fprintf(stderr, "%s: %s=%s: %s\n", argv[0], params[i], eq + 1,
				strerror(errno));
			return 2;
		}
		*eq = '=';
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	g_sys = open(node, O_RDWR | O_CLOEXEC);
	if (g_sys < 0) {
		printf("1..0\nBail out! cannot open %s: %s\n", node, errno_name(errno));
		return 1;
	}
	g_page_size = sysconf(_SC_PAGESIZE);
	g_bad_ptr = mmap(NULL, PAGE_SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_online_cpus = sysconf(_SC_NPROCESSORS_ONLN);

	for (g = 0; g < ARRAY_SIZE(groups); g++)
		for (k = 0; k < groups[g]->n; k++)
			total += applies(&groups[g]->tests[k]);

	printf("# kvm_ext_abi_test: %s, personality %s, %s, %ld online CPUs, %lu-byte pages\n",
	       node, P->name, g_is_ext ? "kvm_ext node" : "real KVM (kvm_ext-only tests skipped)",
	       g_online_cpus, g_page_size);
	for (i = 0; i < nparams; i++)
		printf("# with %s\n", params[i]);
	printf("1..%d\n", total);

	fds0 = count_open_fds();
	vms0 = debugfs_read("vms");
	allocs0 = debugfs_read("allocations");

	for (g = 0; g < ARRAY_SIZE(groups); g++) {
		for (k = 0; k < groups[g]->n; k++) {
			const struct abi_test *t = &groups[g]->tests[k];
			int fdsn;

			if (!applies(t))
				continue;
			n++;
			memset(&st, 0, sizeof(st));
			if (only && !selected(only, n))
				skip_test("not selected (--only)");
			else if ((t->flags & T_EXT) && !g_is_ext && !all)
				skip_test("kvm_ext-only behaviour");
			else
				run_guarded(t);
			fflush(stdout);
			release_all();
			restore_written_params();

			/* Each test must leave nothing behind. */
			fdsn = count_open_fds();
			if (fds0 >= 0 && fdsn != fds0)
				fail("%d fds open after the test, %d before", fdsn, fds0);
			v = debugfs_read("vms");
			if (vms0 >= 0 && v != vms0)
				fail("debugfs vms is %ld after the test, %ld before", v, vms0);
			v = debugfs_read("allocations");
			if (allocs0 >= 0 && v != allocs0)
				fail("debugfs allocations is %ld after the test, %ld before", v,
				     allocs0);

			if (st.failed) {
				failed++;
				printf("not ok %d - %s%s (%s) # %s\n", n, t->desc, st.desc_extra,
				       t->ref, st.msg);
			} else if (st.skip[0]) {
				skipped++;
				printf("ok %d - %s%s (%s) # SKIP %s\n", n, t->desc, st.desc_extra,
				       t->ref, st.skip);
			} else {
				passed++;
				printf("ok %d - %s%s (%s)\n", n, t->desc, st.desc_extra, t->ref);
			}
			fputs(st.diag, stdout);
		}
	}

	close(g_sys);
	v = debugfs_read("vms");
	if (v >= 0)
		printf("# vms=%ld\n", v);
	v = debugfs_read("allocations");
	if (v >= 0)
		printf("# allocations=%ld\n", v);
	printf("# %s: %d tests, %d ok (%d of them skipped), %d not ok\n", P->name, n,
	       passed + skipped, skipped, failed);
	return failed ? 1 : 0;
}
