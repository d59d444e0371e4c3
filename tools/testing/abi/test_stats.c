// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics: api.rst 4.133 KVM_GET_STATS_FD, KVM_CAP_BINARY_STATS_FD
 * (the capability is in test_system.c).
 *
 * - the fd as 6.1 makes it (virt/kvm/kvm_main.c kvm_vm_ioctl_get_stats_fd(),
 *   kvm_vcpu_ioctl_get_stats_fd()): O_RDONLY, close-on-exec, the anon
 *   inode's name, the argument ignored, -EMFILE, no write, ioctl or mmap;
 * - the file as the document lays it out and 6.1's kvm_stats_read()
 *   reads it: header, id string, descriptors, data; any offset and length,
 *   reads across blocks, past the end, of size 0, into a faulting buffer;
 *   read()'s position; lseek as the document says (kvm_ext-specific, see
 *   differences.rst);
 * - the fd holds the VM: it outlives the VM's and the vCPU's fds, and a
 *   forked child reads it;
 * - kvm_ext's counters (userspace-api.rst): the table of each personality,
 *   all 0 in a fresh VM, and each moving when its event happens (the test
 *   as the guest through the guest-access extension).
 *
 * The ITS's counters (msi_injections, lpis_delivered) are in
 * test_vgic_its.c, with the ITS.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi_test.h"
#include "vgic_common.h"

#define REF "api.rst 4.133 KVM_GET_STATS_FD"
#define REF_EXT "api.rst 4.133 KVM_GET_STATS_FD, userspace-api.rst"

#define NAME_SIZE 48 /* KVM_STATS_NAME_SIZE (include/linux/kvm_types.h) */
#define DESC_SIZE (sizeof(struct kvm_stats_desc) + NAME_SIZE)
#define HIST 32 /* HALT_POLL_HIST_COUNT */
#define RAM_GPA 0x40000000ULL
#define MMIO_GPA 0x09000000ULL

/* ------------------------------------------------------------ helpers */

int stats_fd(int fd)
{
	return track_fd(expect_ok(ioctl(fd, KVM_GET_STATS_FD, 0)));
}

static bool pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n == (ssize_t)len)
		return true;
	fail("pread(%zu at %lld) returned %zd (%s)", len, (long long)off, n,
	     n < 0 ? errno_name(errno) : "short");
	return false;
}

/* The file whole: header, then every byte up to the end of the data. */
struct stats_file {
	struct kvm_stats_header h;
	size_t size;
	unsigned char *bytes;
};

static const struct kvm_stats_desc *desc_at(const struct stats_file *f, __u32 i)
{
	return (const struct kvm_stats_desc *)(f->bytes + f->h.desc_offset +
					       (size_t)i * (sizeof(struct kvm_stats_desc) +
							    f->h.name_size));
}

static void stats_free(struct stats_file *f)
{
	free(f->bytes);
	f->bytes = NULL;
}

/* Reads the file; its length is the end of the last descriptor's values. */
static bool stats_load(int fd, struct stats_file *f)
{
	size_t descs, end;
	__u32 i;

	memset(f, 0, sizeof(*f));
	if (!pread_all(fd, &f->h, sizeof(f->h), 0))
		return false;
	if (f->h.name_size != NAME_SIZE || f->h.num_desc == 0 || f->h.num_desc > 4096) {
		fail("header: name_size %u num_desc %u", f->h.name_size, f->h.num_desc);
		return false;
	}
	descs = (size_t)f->h.num_desc * DESC_SIZE;
	end = f->h.desc_offset + descs;
	f->bytes = calloc(1, end);
	if (!f->bytes || !pread_all(fd, f->bytes, end, 0))
		return false;
	f->size = end > f->h.data_offset ? end : f->h.data_offset;
	for (i = 0; i < f->h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(f, i);
		size_t e = f->h.data_offset + d->offset + 8 * (size_t)d->size;

		if (e > f->size)
			f->size = e;
	}
	f->bytes = realloc(f->bytes, f->size);
	return f->bytes && pread_all(fd, f->bytes, f->size, 0);
}

static int find_desc(const struct stats_file *f, const char *name)
{
	__u32 i;

	for (i = 0; i < f->h.num_desc; i++)
		if (!strncmp(desc_at(f, i)->name, name, f->h.name_size))
			return (int)i;
	return -1;
}

static __u64 value_at(const struct stats_file *f, int i, __u32 k)
{
	__u64 v;

	memcpy(&v, f->bytes + f->h.data_offset + desc_at(f, (__u32)i)->offset + 8 * k, 8);
	return v;
}

bool stat_exists(int fd, const char *name)
{
	struct stats_file f;
	bool there = stats_load(fd, &f) && find_desc(&f, name) >= 0;

	stats_free(&f);
	return there;
}

/* Value k of the named statistic, read now (a missing one fails the test). */
static __u64 stat_value(int fd, const char *name, __u32 k)
{
	struct stats_file f;
	__u64 v = 0;
	int i;

	if (!stats_load(fd, &f))
		return 0;
	i = find_desc(&f, name);
	if (i < 0)
		fail("no statistic %s", name);
	else if (k >= desc_at(&f, (__u32)i)->size)
		fail("%s has %u values, not %u", name, desc_at(&f, (__u32)i)->size, k + 1);
	else
		v = value_at(&f, i, k);
	stats_free(&f);
	return v;
}

__u64 stat_get(int fd, const char *name)
{
	return stat_value(fd, name, 0);
}

/* Up to a second for the named counter to reach want (a work item's injection). */
static __u64 stat_within(int fd, const char *name, __u64 want)
{
	__u64 v = 0;
	int ms;

	for (ms = 0; ms < 1000; ms++) {
		v = stat_get(fd, name);
		if (v >= want)
			break;
		sleep_ms(1);
	}
	return v;
}

static int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

/* Names kvm_ext gives an event where the architectures name it apart. */
static const char *mmio_user_name(void)
{
	return P->id == P_PPC ? "mmio_exits" : "mmio_exit_user";
}

static const char *exits_name(void)
{
	return P->id == P_ARM64 ? "exits" : P->id == P_PPC ? "sum_exits" : "exit_userspace";
}

/* ------------------------------------------------------------ the fd */

static void expect_fd_link(int fd, const char *want)
{
	char path[64], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	if (strcmp(link, want))
		fail("%s is '%s', expected '%s'", path, link, want);
}

/*
 * kvm_vm_ioctl_get_stats_fd(), kvm_vcpu_ioctl_get_stats_fd(): an anon inode
 * file opened O_RDONLY, close-on-exec, named kvm-vm-stats and
 * kvm-vcpu-stats:<vcpu id>.
 */
static void t_fd(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 5), vfd, cfd;
	char want[64];

	(void)t;
	vfd = stats_fd(vm);
	cfd = stats_fd(vcpu);
	if (vfd < 0 || cfd < 0)
		return;
	expect_eq(fcntl(vfd, F_GETFL) & O_ACCMODE, O_RDONLY);
	expect_eq(fcntl(cfd, F_GETFL) & O_ACCMODE, O_RDONLY);
	expect_eq(fcntl(vfd, F_GETFD), FD_CLOEXEC);
	expect_eq(fcntl(cfd, F_GETFD), FD_CLOEXEC);
	expect_fd_link(vfd, "anon_inode:kvm-vm-stats");
	snprintf(want, sizeof(want), "anon_inode:kvm-vcpu-stats:%d", 5);
	expect_fd_link(cfd, want);
}

/*
 * ":Parameters: none": 6.1 never reads the argument, so any value (a
 * faulting pointer, all ones) gives an fd, a new one each time. On the
 * system fd it is an unknown ioctl.
 */
static void t_arg(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), a, b;

	(void)t;
	a = track_fd(expect_ok(ioctl(vm, KVM_GET_STATS_FD, g_bad_ptr)));
	b = track_fd(expect_ok(ioctl(vm, KVM_GET_STATS_FD, ~0UL)));
	expect_true(a != b);
	track_fd(expect_ok(ioctl(vcpu, KVM_GET_STATS_FD, g_bad_ptr)));
	track_fd(expect_ok(ioctl(vcpu, KVM_GET_STATS_FD, ~0UL)));
	expect_errno(ioctl(g_sys, KVM_GET_STATS_FD, 0), EINVAL);
}

/* The document's EMFILE row: no fd to give; the VM keeps no extra reference. */
static void t_emfile(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), lowest;
	long vms = debugfs_read("vms");
	struct rlimit old, lim;

	(void)t;
	lowest = dup(0);
	close(lowest);
	getrlimit(RLIMIT_NOFILE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)lowest; /* every fd below it is taken */
	if (setrlimit(RLIMIT_NOFILE, &lim)) {
		fail("setrlimit: %s", errno_name(errno));
		return;
	}
	expect_errno(ioctl(vm, KVM_GET_STATS_FD, 0), EMFILE);
	expect_errno(ioctl(vcpu, KVM_GET_STATS_FD, 0), EMFILE);
	setrlimit(RLIMIT_NOFILE, &old);
	xclose(vcpu);
	xclose(vm);
	/* Refused twice, the VM went with its last fd. */
	if (vms >= 0)
		expect_eq(debugfs_read("vms"), vms - 1);
}

/* Read-only: write -EBADF (not opened for writing), no ioctl, no mmap. */
static void t_readonly(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), fds[2], i;
	__u64 buf = 0;

	(void)t;
	fds[0] = stats_fd(vm);
	fds[1] = stats_fd(vcpu);
	for (i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		expect_errno(write(fds[i], &buf, sizeof(buf)), EBADF);
		/* not pwrite-able (no FMODE_PWRITE): -ESPIPE before the mode check */
		expect_errno(pwrite(fds[i], &buf, sizeof(buf), 0), ESPIPE);
		expect_errno(ioctl(fds[i], KVM_GET_STATS_FD, 0), ENOTTY);
		expect_errno(ioctl(fds[i], KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY), ENOTTY);
		expect_true(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fds[i], 0) == MAP_FAILED);
		expect_eq(errno, ENODEV);
	}
}

/* ------------------------------------------------------------ the format */

/*
 * The header: flags 0, name_size KVM_STATS_NAME_SIZE; "all four blocks are
 * aligned to 64 bit offsets in the file and they do not overlap"; and 6.1's
 * layout, which kvm_stats_read() assumes: back to back in the document's
 * order.
 */
static void check_header(int fd, const char *what)
{
	struct stats_file f;
	size_t id_end, desc_end;

	if (!stats_load(fd, &f))
		return;
	diag("  %s: %u descriptors, data at %u, %zu bytes", what, f.h.num_desc, f.h.data_offset,
	     f.size);
	expect_eq(f.h.flags, 0);
	expect_eq(f.h.name_size, NAME_SIZE);
	expect_eq(f.h.id_offset % 8, 0);
	expect_eq(f.h.desc_offset % 8, 0);
	expect_eq(f.h.data_offset % 8, 0);
	id_end = f.h.id_offset + f.h.name_size;
	desc_end = f.h.desc_offset + (size_t)f.h.num_desc * DESC_SIZE;
	expect_true(f.h.id_offset >= sizeof(f.h));
	expect_true(id_end <= f.h.desc_offset || f.h.id_offset >= desc_end);
	expect_true(desc_end <= f.h.data_offset);
	expect_eq(f.h.id_offset, sizeof(struct kvm_stats_header));
	expect_eq(f.h.desc_offset, f.h.id_offset + NAME_SIZE);
	expect_eq(f.h.data_offset, desc_end);
	stats_free(&f);
}

static void t_header(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);

	(void)t;
	check_header(stats_fd(vm), "VM");
	check_header(stats_fd(vcpu), "vCPU");
}

static void expect_id(int fd, const char *want)
{
	struct stats_file f;
	char id[NAME_SIZE], pad[NAME_SIZE];

	if (!stats_load(fd, &f))
		return;
	memcpy(id, f.bytes + f.h.id_offset, NAME_SIZE);
	memset(pad, 0, sizeof(pad));
	if (strncmp(id, want, NAME_SIZE) || memcmp(id + strlen(want), pad, NAME_SIZE - strlen(want)))
		fail("id '%.48s', expected '%s' and NULs to the block's end", id, want);
	stats_free(&f);
}

/* The id string: "kvm-<pid>" and "kvm-<pid>/vcpu-<id>", the creating task's pid. */
static void t_id(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 7);
	char want[NAME_SIZE];

	(void)t;
	snprintf(want, sizeof(want), "kvm-%d", gettid_());
	expect_id(stats_fd(vm), want);
	snprintf(want, sizeof(want), "kvm-%d/vcpu-%d", gettid_(), 7);
	expect_id(stats_fd(vcpu), want);
}

struct creator {
	int fd, ret, tid;
	unsigned long arg;
	unsigned long ioctl;
};

static void *create_in_thread(void *arg)
{
	struct creator *c = arg;

	c->tid = gettid_();
	c->ret = ioctl(c->fd, c->ioctl, c->arg);
	return NULL;
}

/*
 * task_pid_nr(current) of the task that made the VM or vCPU: a thread's own
 * id, not its process's (kvm_create_vm(), kvm_vcpu_init()).
 */
static void t_id_thread(const struct abi_test *t)
{
	struct creator c = { .fd = g_sys, .ioctl = KVM_CREATE_VM, .arg = 0 };
	char want[NAME_SIZE];
	pthread_t th;
	int vm;

	(void)t;
	pthread_create(&th, NULL, create_in_thread, &c);
	pthread_join(th, NULL);
	vm = track_fd(expect_ok(c.ret));
	if (vm < 0)
		return;
	expect_true(c.tid != getpid());
	snprintf(want, sizeof(want), "kvm-%d", c.tid);
	expect_id(stats_fd(vm), want);
	c = (struct creator){ .fd = vm, .ioctl = KVM_CREATE_VCPU, .arg = 2 };
	pthread_create(&th, NULL, create_in_thread, &c);
	pthread_join(th, NULL);
	if (track_fd(expect_ok(c.ret)) < 0)
		return;
	snprintf(want, sizeof(want), "kvm-%d/vcpu-%d", c.tid, 2);
	expect_id(stats_fd(c.ret), want);
}

/*
 * Every descriptor as the document defines it: a NUL-terminated name within
 * name_size, unique; a known type, unit and base and no other flag bits;
 * size 1 for the scalar types; bucket_size only for linear histograms; the
 * values inside the data block, "an array of 64-bit values in the same
 * order as the descriptors".
 */
static void check_descriptors(int fd, const char *what)
{
	struct stats_file f;
	__u32 i, j, next = 0;

	if (!stats_load(fd, &f))
		return;
	for (i = 0; i < f.h.num_desc; i++) {
		const struct kvm_stats_desc *d = desc_at(&f, i);
		__u32 type = d->flags & KVM_STATS_TYPE_MASK, unit = d->flags & KVM_STATS_UNIT_MASK;
		__u32 base = d->flags & KVM_STATS_BASE_MASK;
		size_t len = strnlen(d->name, NAME_SIZE);

		if (len == 0 || len == NAME_SIZE) {
			fail("%s descriptor %u: name empty or not NUL-terminated", what, i);
			continue;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(desc_at(&f, j)->name, d->name))
				fail("%s: %s twice", what, d->name);
		if (d->flags & ~(KVM_STATS_TYPE_MASK | KVM_STATS_UNIT_MASK | KVM_STATS_BASE_MASK) ||
		    type > KVM_STATS_TYPE_MAX || unit > KVM_STATS_UNIT_MAX || base > KVM_STATS_BASE_MAX)
			fail("%s: %s flags %#x", what, d->name, d->flags);
		if (type <= KVM_STATS_TYPE_PEAK ? d->size != 1 : d->size < 1)
			fail("%s: %s type %u size %u", what, d->name, type, d->size);
		if (type != KVM_STATS_TYPE_LINEAR_HIST && d->bucket_size)
			fail("%s: %s bucket_size %u", what, d->name, d->bucket_size);
		if (d->offset != next)
			fail("%s: %s at data offset %u, expected %u", what, d->name, d->offset, next);
		next = d->offset + 8 * d->size;
	}
	expect_eq(f.size, f.h.data_offset + next);
	stats_free(&f);
}

static void t_descriptors(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);

	(void)t;
	check_descriptors(stats_fd(vm), "VM");
	check_descriptors(stats_fd(vcpu), "vCPU");
}

struct stat_row {
	const char *name;
	__u32 flags;
	__u16 size;
	__s16 exponent;
};

#define COUNTER(n) { #n, KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE, 1, 0 }
#define GENERIC_VCPU                                                                     \
	COUNTER(halt_wakeup),                                                            \
		{ "halt_wait_ns", KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_SECONDS, 1, -9 }, \
		{ "halt_wait_hist", KVM_STATS_TYPE_LOG_HIST | KVM_STATS_UNIT_SECONDS, HIST, -9 }, \
		{ "blocking", KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_BOOLEAN, 1, 0 }
#define GENERIC_VM COUNTER(memslot_updates), COUNTER(dirty_log_gets), COUNTER(dirty_pages_logged)

/* 6.1's generic vCPU statistics that kvm_ext has, with 6.1's types. */
static const struct stat_row linux_generic_vcpu[] = { GENERIC_VCPU };

/* userspace-api.rst's tables, in order. */
static const struct stat_row arm64_vm[] = {
	GENERIC_VM,		     COUNTER(dirty_log_clears), COUNTER(gsi_routing_updates),
	COUNTER(irq_line_injections), COUNTER(msi_injections),	COUNTER(irqfd_injections),
	COUNTER(lpis_delivered),
};
static const struct stat_row arm64_vcpu[] = {
	GENERIC_VCPU,		 COUNTER(hvc_exit_stat), COUNTER(mmio_exit_user),
	COUNTER(mmio_exit_kernel), COUNTER(signal_exits), COUNTER(exits),
	COUNTER(ext_interrupt_exits), COUNTER(sysreg_exits),
};
static const struct stat_row other_vm[] = { GENERIC_VM };
static const struct stat_row ppc_vcpu[] = {
	GENERIC_VCPU, COUNTER(sum_exits), COUNTER(mmio_exits), COUNTER(signal_exits),
};
static const struct stat_row s390_vcpu[] = {
	GENERIC_VCPU, COUNTER(exit_userspace), COUNTER(signal_exits), COUNTER(mmio_exit_user),
};

static void expect_row(const struct stats_file *f, int i, const struct stat_row *r,
		       const char *what)
{
	const struct kvm_stats_desc *d;

	if (i < 0) {
		fail("%s: no %s", what, r->name);
		return;
	}
	d = desc_at(f, (__u32)i);
	if (d->flags != r->flags || d->size != r->size || d->exponent != r->exponent)
		fail("%s: %s flags %#x size %u exponent %d, expected %#x %u %d", what, r->name,
		     d->flags, d->size, d->exponent, r->flags, r->size, r->exponent);
}

/* rows: in order and nothing else (exact), or present anywhere. */
static void check_rows(int fd, const struct stat_row *rows, size_t n, bool exact,
		       const char *what)
{
	struct stats_file f;
	size_t i;

	if (!stats_load(fd, &f))
		return;
	if (exact && !expect_eq(f.h.num_desc, n))
		diag("  %s has %u descriptors", what, f.h.num_desc);
	for (i = 0; i < n; i++) {
		int at = find_desc(&f, rows[i].name);

		expect_row(&f, at, &rows[i], what);
		if (exact && at >= 0 && at != (int)i)
			fail("%s: %s is descriptor %d, expected %zu", what, rows[i].name, at, i);
	}
	stats_free(&f);
}

/* Linux's generic halt statistics kvm_ext keeps are there under 6.1's types. */
static void t_generic_names(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);

	(void)t;
	check_rows(stats_fd(vcpu), linux_generic_vcpu, ARRAY_SIZE(linux_generic_vcpu), false,
		   "vCPU");
}

/* kvm_ext's tables, each name and type as userspace-api.rst lists them. */
static void t_table(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);

	(void)t;
	if (P->id == P_ARM64) {
		check_rows(stats_fd(vm), arm64_vm, ARRAY_SIZE(arm64_vm), true, "VM");
		check_rows(stats_fd(vcpu), arm64_vcpu, ARRAY_SIZE(arm64_vcpu), true, "vCPU");
	} else {
		check_rows(stats_fd(vm), other_vm, ARRAY_SIZE(other_vm), true, "VM");
		if (P->id == P_PPC)
			check_rows(stats_fd(vcpu), ppc_vcpu, ARRAY_SIZE(ppc_vcpu), true, "vCPU");
		else
			check_rows(stats_fd(vcpu), s390_vcpu, ARRAY_SIZE(s390_vcpu), true, "vCPU");
	}
}

static void expect_all_zero(int fd, const char *what)
{
	struct stats_file f;
	__u32 i, k;

	if (!stats_load(fd, &f))
		return;
	for (i = 0; i < f.h.num_desc; i++)
		for (k = 0; k < desc_at(&f, i)->size; k++)
			if (value_at(&f, (int)i, k))
				fail("%s: %s[%u] is %llu in a fresh one", what, desc_at(&f, i)->name, k,
				     (unsigned long long)value_at(&f, (int)i, k));
	stats_free(&f);
}

/* A counter is 0 until its event happens: a fresh VM and vCPU show only 0. */
static void t_fresh_zero(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);

	(void)t;
	expect_all_zero(stats_fd(vm), "VM");
	expect_all_zero(stats_fd(vcpu), "vCPU");
}

/* ------------------------------------------------------------ reading */

/*
 * kvm_stats_read() at any offset and length returns the bytes of the file
 * there: every start and length around every block boundary, reads across
 * blocks, the end (0), past it (0), length 0 (0).
 */
static void check_slices(int fd, const char *what)
{
	struct stats_file f;
	off_t cuts[16], off;
	size_t ncuts = 0, i, lens[] = { 1, 3, 8, 17, 24, 48, 64, 100, 4096 }, l;
	unsigned char buf[8192];
	int bad = 0;
	ssize_t n;

	if (!stats_load(fd, &f))
		return;
	cuts[ncuts++] = 0;
	cuts[ncuts++] = f.h.id_offset;
	cuts[ncuts++] = f.h.desc_offset;
	cuts[ncuts++] = f.h.desc_offset + DESC_SIZE;
	cuts[ncuts++] = f.h.data_offset;
	cuts[ncuts++] = (off_t)f.size;
	for (i = 0; i < ncuts; i++)
		for (off = cuts[i] - 9; off <= cuts[i] + 9; off++)
			for (l = 0; l < ARRAY_SIZE(lens); l++) {
				size_t want;

				if (off < 0)
					continue;
				want = (size_t)off >= f.size ? 0 : f.size - (size_t)off;
				if (want > lens[l])
					want = lens[l];
				n = pread(fd, buf, lens[l], off);
				if (n != (ssize_t)want || memcmp(buf, f.bytes + off, want)) {
					if (!bad++)
						fail("%s: pread(%zu at %lld) returned %zd, expected %zu "
						     "bytes of the file",
						     what, lens[l], (long long)off, n, want);
				}
			}
	/* whole, zero-length, past the end, far past it */
	n = pread(fd, buf, sizeof(buf), 0);
	expect_eq(n, (long)f.size);
	expect_true(!memcmp(buf, f.bytes, f.size));
	expect_eq(pread(fd, buf, 0, 0), 0);
	expect_eq(pread(fd, buf, 0, 5), 0);
	expect_eq(pread(fd, buf, 16, (off_t)f.size), 0);
	expect_eq(pread(fd, buf, 16, (off_t)f.size + 100), 0);
	expect_eq(pread(fd, buf, 16, 1LL << 40), 0);
	expect_errno(pread(fd, buf, 16, -1), EINVAL);
	stats_free(&f);
}

static void t_slices(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0);

	(void)t;
	check_slices(stats_fd(vm), "VM");
	check_slices(stats_fd(vcpu), "vCPU");
}

/*
 * read() from the file position: small reads put the file back together
 * and end with 0; each fd has its own position.
 */
static void t_read_position(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), fd = stats_fd(vcpu), other = stats_fd(vcpu);
	struct stats_file f;
	unsigned char buf[8192], first[8];
	size_t got = 0;
	ssize_t n;

	(void)t;
	if (fd < 0 || other < 0 || !stats_load(fd, &f))
		return;
	expect_eq(read(other, first, sizeof(first)), sizeof(first));
	while ((n = read(fd, buf + got, 7)) > 0 && got < sizeof(buf) - 7)
		got += (size_t)n;
	expect_eq(n, 0);
	expect_eq(got, f.size);
	expect_true(!memcmp(buf, f.bytes, f.size));
	expect_eq(read(fd, buf, sizeof(buf)), 0);
	/* the other fd went on from its own 8 bytes */
	expect_eq(read(other, buf, 8), 8);
	expect_true(!memcmp(buf, f.bytes + 8, 8));
	stats_free(&f);
}

/*
 * "use pread or lseek to read the statistics repeatedly": lseek moves the
 * position (SEEK_SET, SEEK_CUR, SEEK_END at the file's length), a negative
 * one is -EINVAL. kvm_ext-specific: 6.1's noop_llseek leaves it where it is
 * (differences.rst).
 */
static void t_lseek(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), fd = stats_fd(vcpu);
	struct stats_file f;
	unsigned char buf[64];

	(void)t;
	if (fd < 0 || !stats_load(fd, &f))
		return;
	expect_eq(lseek(fd, f.h.data_offset, SEEK_SET), f.h.data_offset);
	expect_eq(read(fd, buf, 16), 16);
	expect_true(!memcmp(buf, f.bytes + f.h.data_offset, 16));
	expect_eq(lseek(fd, 0, SEEK_CUR), f.h.data_offset + 16);
	expect_eq(lseek(fd, -8, SEEK_CUR), f.h.data_offset + 8);
	expect_eq(read(fd, buf, 8), 8);
	expect_true(!memcmp(buf, f.bytes + f.h.data_offset + 8, 8));
	expect_eq(lseek(fd, 0, SEEK_END), (long)f.size);
	expect_eq(read(fd, buf, 8), 0);
	expect_eq(lseek(fd, -(off_t)sizeof(struct kvm_stats_header), SEEK_END),
		  (long)(f.size - sizeof(struct kvm_stats_header)));
	expect_errno(lseek(fd, -1, SEEK_SET), EINVAL);
	expect_errno(lseek(fd, -(off_t)f.size - 1, SEEK_END), EINVAL);
	expect_eq(lseek(fd, (off_t)f.size + 4096, SEEK_SET), (long)f.size + 4096);
	expect_eq(read(fd, buf, 8), 0);
	expect_eq(lseek(fd, 0, SEEK_SET), 0);
	expect_eq(read(fd, buf, 4), 4);
	expect_eq(*(__u32 *)buf, 0); /* header.flags */
	stats_free(&f);
}

/* A buffer that faults: -EFAULT, and the position stays. */
static void t_efault(const struct abi_test *t)
{
	int vm = new_vm(0), fd = stats_fd(vm);
	unsigned char *two = alloc_mem(2 * PAGE_SZ);
	struct kvm_stats_header h;
	struct stats_file f;

	(void)t;
	if (fd < 0 || !two || !stats_load(fd, &f))
		return;
	expect_errno(read(fd, g_bad_ptr, 64), EFAULT);
	expect_errno(pread(fd, g_bad_ptr, 8, f.h.data_offset), EFAULT);
	/* the first page takes the header and id, the data falls on the second */
	mprotect(two + PAGE_SZ, PAGE_SZ, PROT_NONE);
	expect_errno(pread(fd, two + PAGE_SZ - 32, f.size, 0), EFAULT);
	expect_eq(read(fd, &h, sizeof(h)), sizeof(h));
	expect_true(!memcmp(&h, f.bytes, sizeof(h)));
	stats_free(&f);
}

/* ------------------------------------------------------------ lifetime */

/*
 * The stats fds hold the VM (kvm_get_kvm()): with the VM's and the vCPU's
 * fds closed both still read, the same id and counters; the VM goes with
 * the last of them.
 */
static void t_lifetime(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 1), vfd = stats_fd(vm), cfd = stats_fd(vcpu);
	struct stats_file before, after;
	long vms = debugfs_read("vms");

	(void)t;
	if (vfd < 0 || cfd < 0 || !stats_load(cfd, &before))
		return;
	xclose(vcpu);
	xclose(vm);
	if (vms >= 0)
		expect_eq(debugfs_read("vms"), vms);
	if (stats_load(cfd, &after)) {
		expect_eq(after.size, before.size);
		expect_true(!memcmp(after.bytes, before.bytes, before.size));
		stats_free(&after);
	}
	/* the VM's reads too (its header: names differ from 6.1's) */
	{
		struct kvm_stats_header h;

		expect_eq(pread(vfd, &h, sizeof(h), 0), (long)sizeof(h));
		expect_true(h.num_desc > 0);
	}
	xclose(vfd);
	/* the vCPU's stats fd alone keeps the VM */
	if (vms >= 0)
		expect_eq(debugfs_read("vms"), vms);
	expect_eq(stat_get(cfd, "blocking"), 0);
	xclose(cfd);
	if (vms >= 0)
		expect_eq(debugfs_read("vms"), vms - 1);
	stats_free(&before);
}

/*
 * Another process: the inherited stats fd reads (no mm check on read), while
 * KVM_GET_STATS_FD on the inherited VM and vCPU fds is -EIO, as every VM
 * ioctl from another mm.
 */
static void t_fork(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), fd = stats_fd(vm), p[2];
	struct kvm_stats_header h;
	pid_t pid;

	(void)t;
	if (fd < 0 || pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		child_begin();
		expect_eq(pread(fd, &h, sizeof(h), 0), sizeof(h));
		expect_eq(h.name_size, NAME_SIZE);
		expect_errno(ioctl(vm, KVM_GET_STATS_FD, 0), EIO);
		expect_errno(ioctl(vcpu, KVM_GET_STATS_FD, 0), EIO);
		child_report(p[1]);
		_exit(0);
	}
	close(p[1]);
	child_merge(p[0]);
	close(p[0]);
	waitpid(pid, NULL, 0);
}

struct getter {
	int fd, ret, err, done;
};

static void *get_in_thread(void *arg)
{
	struct getter *g = arg;

	g->ret = ioctl(g->fd, KVM_GET_STATS_FD, 0);
	g->err = errno;
	__atomic_store_n(&g->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * KVM_GET_STATS_FD on a vCPU is a vCPU ioctl: it waits for the vCPU's mutex,
 * which KVM_RUN holds while the idle guest waits (kvm_ext: the idle guest).
 * A VM's does not wait.
 */
static void t_vcpu_waits(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = runnable_vcpu(vm, 0);
	struct getter g = { .fd = vcpu };
	struct runner r;
	pthread_t th;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!runner_start(&r, vcpu, map_run(vcpu))) {
		runner_stop(&r);
		return;
	}
	stats_fd(vm);
	pthread_create(&th, NULL, get_in_thread, &g);
	sleep_ms(100);
	expect_eq(__atomic_load_n(&g.done, __ATOMIC_SEQ_CST), 0);
	runner_stop(&r);
	expect_stopped_by_signal(&r);
	pthread_join(th, NULL);
	track_fd(g.ret);
	expect_true(g.ret >= 0);
}

/* ------------------------------------------------------------ counters */

/*
 * A guest access no slot backs is an MMIO exit to the VMM: the MMIO exit
 * counter and the exits counter move, once each; RAM and a refused access
 * move nothing.
 */
static void t_mmio_counters(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), fd = stats_fd(vcpu);
	void *ram = alloc_mem(PAGE_SZ);
	__u64 data = 0x41;
	__u32 result = 0;
	const char *exits = P->id == P_S390 ? NULL : exits_name();

	(void)t;
	if (fd < 0 || !ram || !expect_errno(set_region(vm, 0, 0, RAM_GPA, PAGE_SZ, ram), 0))
		return;
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE, RAM_GPA, 8,
				  &data, &result), 0);
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, 0, MMIO_GPA, 3, &data, NULL), EINVAL);
	expect_eq(stat_get(fd, mmio_user_name()), 0);
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE, MMIO_GPA, 4,
				  &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_EXIT);
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, 0, MMIO_GPA, 8, &data, &result), 0);
	expect_eq(stat_get(fd, mmio_user_name()), 2);
	if (exits)
		expect_eq(stat_get(fd, exits), 2);
	if (P->id == P_ARM64)
		expect_eq(stat_get(fd, "mmio_exit_kernel"), 0);
}

/*
 * KVM_RUN until a signal: signal_exits and the exit counter move once, the
 * wait's nanoseconds go into halt_wait_ns and its one sample into
 * halt_wait_hist's bucket of that length (bucket n: [2^(n-1), 2^n));
 * blocking is 0 again. immediate_exit moves nothing.
 */
static void t_run_counters(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = runnable_vcpu(vm, 0), fd = stats_fd(vcpu), i, bucket;
	struct kvm_run *run = map_run(vcpu);
	__u64 ns, sum = 0;

	(void)t;
	if (fd < 0 || !run)
		return;
	run->immediate_exit = 1;
	expect_errno(ioctl(vcpu, KVM_RUN, 0), EINTR);
	expect_eq(stat_get(fd, "signal_exits"), 0);
	expect_eq(stat_get(fd, exits_name()), 0);
	expect_run_until_signal(vcpu, run);
	expect_eq(stat_get(fd, "signal_exits"), 1);
	expect_eq(stat_get(fd, exits_name()), 1);
	expect_eq(stat_get(fd, "blocking"), 0);
	ns = stat_get(fd, "halt_wait_ns");
	if (ns < 40 * 1000 * 1000ULL)
		fail("halt_wait_ns %llu after a wait of at least 40 ms", (unsigned long long)ns);
	bucket = 64 - __builtin_clzll(ns);
	if (bucket > HIST - 1)
		bucket = HIST - 1;
	for (i = 0; i < HIST; i++) {
		__u64 v = stat_value(fd, "halt_wait_hist", (__u32)i);

		sum += v;
		if (v != (i == bucket))
			fail("halt_wait_hist[%d] is %llu after one wait of %llu ns", i,
			     (unsigned long long)v, (unsigned long long)ns);
	}
	expect_eq(sum, 1);
	expect_eq(stat_get(fd, "halt_wakeup"), 0);
}

/* blocking: 1 while the vCPU waits in KVM_RUN, read from another thread. */
static void t_blocking(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = runnable_vcpu(vm, 0), fd = stats_fd(vcpu);
	struct runner r;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (fd < 0 || !runner_start(&r, vcpu, map_run(vcpu))) {
		runner_stop(&r);
		return;
	}
	expect_eq(stat_get(fd, "blocking"), 1);
	runner_stop(&r);
	expect_stopped_by_signal(&r);
	expect_eq(stat_get(fd, "blocking"), 0);
	expect_eq(stat_get(fd, "signal_exits"), 1);
}

/* How many waits halt_wait_hist has counted. */
static __u64 hist_samples(int fd)
{
	__u64 n = 0;
	__u32 i;

	for (i = 0; i < HIST; i++)
		n += stat_value(fd, "halt_wait_hist", i);
	return n;
}

static int irq_line_spi(int vm, __u32 intid, __u32 level)
{
	struct kvm_irq_level l = { .irq = 1U << 24 | intid, .level = level };

	return ioctl(vm, KVM_IRQ_LINE, &l);
}

/*
 * arm64 with a GICv3, the test as the guest: GIC frame accesses are
 * in-kernel MMIO, ICC_* accesses system-register exits, PV_TIME_FEATURES a
 * hypercall; KVM_IRQ_LINE raising an SPI counts, lowering it or a refused
 * one does not; the SPI wakes the vCPU blocked in KVM_RUN (halt_wakeup)
 * and ends it with KVM_EXIT_EXT_INTERRUPT; while it stays pending, KVM_RUN
 * returns at once and counts no wait.
 */
static void t_gic_counters(const struct abi_test *t)
{
	struct gic g;
	struct runner r;
	int vfd, cfd, i;
	__u64 waits;
	__u64 data = 0xc5000020; /* PV_TIME_FEATURES */

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!gic_guest_up(&g, V3, 1, NULL))
		return;
	vfd = stats_fd(g.vm);
	cfd = stats_fd(g.vcpu[0]);
	guest_spi(&g, 40, 0xa0, 0, false);
	{
		__u64 mmio = stat_get(cfd, "mmio_exit_kernel"), sys = stat_get(cfd, "sysreg_exits");

		guest_rd(g.vcpu[0], DIST_BASE + GICD_TYPER, 4);
		icc_rd(g.vcpu[0], ICC_PMR);
		expect_eq(stat_get(cfd, "mmio_exit_kernel"), mmio + 1);
		expect_eq(stat_get(cfd, "sysreg_exits"), sys + 1);
		expect_eq(stat_get(cfd, "mmio_exit_user"), 0);
	}
	expect_errno(guest_access(g.vcpu[0], KVM_EXT_ACCESS_HYPERCALL, 0, data, 8, &data, NULL), 0);
	/* the PTP clock's function, which kvm_ext does not emulate: refused, not counted */
	expect_errno(guest_access(g.vcpu[0], KVM_EXT_ACCESS_HYPERCALL, 0, 0x86000001, 8, &data,
				  NULL), ENXIO);
	expect_eq(stat_get(cfd, "hvc_exit_stat"), 1);

	expect_errno(irq_line_spi(g.vm, 40, 0), 0);
	expect_errno(irq_line_spi(g.vm, 1000, 1), EINVAL);
	expect_eq(stat_get(vfd, "irq_line_injections"), 0);
	if (!runner_start(&r, g.vcpu[0], g.run[0])) {
		runner_stop(&r);
		return;
	}
	expect_errno(irq_line_spi(g.vm, 40, 1), 0);
	expect_eq(stat_get(vfd, "irq_line_injections"), 1);
	for (i = 0; i < 1000 && !runner_done(&r); i++)
		sleep_ms(1);
	runner_stop(&r);
	expect_eq(r.ret, 0);
	expect_eq(r.reason, KVM_EXIT_EXT_INTERRUPT);
	expect_eq(stat_get(cfd, "ext_interrupt_exits"), 1);
	expect_eq(stat_get(cfd, "signal_exits"), 0);
	if (stat_get(cfd, "halt_wakeup") < 1)
		fail("halt_wakeup 0 after an SPI woke the blocked vCPU");
	/* still pending (level, not acknowledged): KVM_RUN returns at once, no wait */
	waits = hist_samples(cfd);
	expect_eq(waits, 1);
	g.run[0]->immediate_exit = 0;
	expect_errno(ioctl(g.vcpu[0], KVM_RUN, 0), 0);
	expect_eq(g.run[0]->exit_reason, KVM_EXIT_EXT_INTERRUPT);
	expect_eq(stat_get(cfd, "ext_interrupt_exits"), 2);
	expect_eq(hist_samples(cfd), waits);
	expect_errno(irq_line_spi(g.vm, 40, 0), 0);
	expect_eq(stat_get(vfd, "irq_line_injections"), 1);
	expect_eq(stat_get(vfd, "msi_injections"), 0);
	expect_eq(stat_get(vfd, "lpis_delivered"), 0);
}

static int irqfd_assign(int vm, int efd, __u32 gsi)
{
	struct kvm_irqfd a = { .fd = (__u32)efd, .gsi = gsi };

	return ioctl(vm, KVM_IRQFD, &a);
}

/*
 * An irqfd's eventfd write fires the GSI's route (the default table of
 * CTRL_INIT: GSI n is SPI n + 32): irqfd_injections moves once per write,
 * not for a GSI without a route. KVM_SET_GSI_ROUTING accepted counts in
 * gsi_routing_updates, a refused table does not.
 */
static void t_irqfd_counters(const struct abi_test *t)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} rt;
	__u64 one = 1;
	struct gic g;
	int vfd, efd, efd2;

	(void)t;
	if (!gic_up(&g, V3, 1, NULL, 0))
		return;
	vfd = stats_fd(g.vm);
	efd = track_fd(eventfd(0, EFD_CLOEXEC));
	efd2 = track_fd(eventfd(0, EFD_CLOEXEC));
	if (!expect_errno(irqfd_assign(g.vm, efd, 5), 0) ||
	    !expect_errno(irqfd_assign(g.vm, efd2, 3000), 0))
		return;
	expect_eq(write(efd, &one, 8), 8);
	expect_eq(stat_within(vfd, "irqfd_injections", 1), 1);
	expect_eq(write(efd, &one, 8), 8);
	expect_eq(stat_within(vfd, "irqfd_injections", 2), 2);
	expect_eq(write(efd2, &one, 8), 8);
	sleep_ms(20);
	expect_eq(stat_get(vfd, "irqfd_injections"), 2);

	expect_eq(stat_get(vfd, "gsi_routing_updates"), 0);
	memset(&rt, 0, sizeof(rt));
	rt.hdr.nr = 1;
	rt.e[0].gsi = 5;
	rt.e[0].type = KVM_IRQ_ROUTING_IRQCHIP;
	rt.e[0].u.irqchip.pin = 7;
	expect_errno(ioctl(g.vm, KVM_SET_GSI_ROUTING, &rt), 0);
	rt.e[0].u.irqchip.pin = 5000;
	expect_errno(ioctl(g.vm, KVM_SET_GSI_ROUTING, &rt), EINVAL);
	expect_eq(stat_get(vfd, "gsi_routing_updates"), 1);
	expect_eq(write(efd, &one, 8), 8);
	expect_eq(stat_within(vfd, "irqfd_injections", 3), 3);
}

/*
 * memslot_updates counts each KVM_SET_USER_MEMORY_REGION that succeeded;
 * dirty_pages_logged each page whose dirty bit a guest store set (a second
 * store to a page already dirty adds nothing); dirty_log_gets each
 * KVM_GET_DIRTY_LOG that succeeded, after which the page counts again;
 * arm64's dirty_log_clears each KVM_CLEAR_DIRTY_LOG.
 */
static void t_dirty_counters(const struct abi_test *t)
{
	int vm = new_vm(0), vcpu = new_vcpu(vm, 0), fd = stats_fd(vm);
	unsigned char *ram = alloc_mem(4 * PAGE_SZ);
	__u64 bitmap = 0, data = 1;
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = &bitmap };
	int i;

	(void)t;
	if (fd < 0 || !ram)
		return;
	expect_errno(set_region(vm, 0, KVM_MEM_LOG_DIRTY_PAGES, RAM_GPA, 4 * PAGE_SZ, ram), 0);
	expect_errno(set_region(vm, 1, 0, RAM_GPA, PAGE_SZ, ram), EEXIST);
	expect_eq(stat_get(fd, "memslot_updates"), 1);
	for (i = 0; i < 2; i++)
		expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE,
					  RAM_GPA + 8 * i, 8, &data, NULL), 0);
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE,
				  RAM_GPA + 2 * PAGE_SZ, 4, &data, NULL), 0);
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, 0, RAM_GPA + 3 * PAGE_SZ, 4, &data,
				  NULL), 0);
	expect_eq(stat_get(fd, "dirty_pages_logged"), 2);
	expect_errno(ioctl(vm, KVM_GET_DIRTY_LOG, &log), 0);
	expect_eq(bitmap, 0x5);
	log.slot = 9;
	expect_errno(ioctl(vm, KVM_GET_DIRTY_LOG, &log), ENOENT);
	expect_eq(stat_get(fd, "dirty_log_gets"), 1);
	expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE, RAM_GPA, 8,
				  &data, NULL), 0);
	expect_eq(stat_get(fd, "dirty_pages_logged"), 3);
	if (P->id == P_ARM64) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
					      .args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE } };
		struct kvm_clear_dirty_log clear = { .slot = 0, .num_pages = 4,
						     .dirty_bitmap = &bitmap };

		bitmap = 1;
		expect_errno(ioctl(vm, KVM_ENABLE_CAP, &cap), 0);
		expect_errno(ioctl(vm, KVM_CLEAR_DIRTY_LOG, &clear), 0);
		clear.first_page = 1;
		expect_errno(ioctl(vm, KVM_CLEAR_DIRTY_LOG, &clear), EINVAL);
		expect_eq(stat_get(fd, "dirty_log_clears"), 1);
		/* the cleared page counts again when written */
		expect_errno(guest_access(vcpu, KVM_EXT_ACCESS_MEM, KVM_EXT_ACCESS_WRITE, RAM_GPA, 8,
					  &data, NULL), 0);
		expect_eq(stat_get(fd, "dirty_pages_logged"), 4);
	}
	expect_errno(set_region(vm, 0, 0, RAM_GPA, 0, ram), 0);
	expect_eq(stat_get(fd, "memslot_updates"), 2);
}

#define T(desc, fn, mask, flags) { desc, REF, fn, mask, flags, 0, 0 }
#define TX(desc, fn, mask) { desc, REF_EXT, fn, mask, T_EXT, 0, 0 }

static const struct abi_test stats_tests[] = {
	T("KVM_GET_STATS_FD: O_RDONLY, close-on-exec, kvm-vm-stats / kvm-vcpu-stats:<id>", t_fd,
	  0, 0),
	T("KVM_GET_STATS_FD ignores its argument; a new fd each time; -EINVAL on the system fd",
	  t_arg, 0, 0),
	T("KVM_GET_STATS_FD -EMFILE with no fd left, and no reference kept", t_emfile, 0, 0),
	T("stats fd: write -EBADF, ioctl -ENOTTY, mmap -ENODEV", t_readonly, 0, 0),
	T("stats header: flags 0, name_size 48, aligned blocks in 6.1's layout", t_header, 0, 0),
	T("stats id: kvm-<pid> and kvm-<pid>/vcpu-<id>, NUL-padded", t_id, 0, 0),
	T("stats id: the pid of the thread that created the VM or vCPU", t_id_thread, 0, 0),
	T("stats descriptors: names, types, sizes, values in descriptor order", t_descriptors, 0,
	  0),
	T("stats: 6.1's generic halt_wakeup, halt_wait_ns, halt_wait_hist, blocking with its types",
	  t_generic_names, 0, 0),
	T("stats read at any offset and length is that slice; end, past it and size 0 read 0",
	  t_slices, 0, 0),
	T("stats read() follows the file position, one per fd", t_read_position, 0, 0),
	T("stats read into a faulting buffer -EFAULT, position unchanged", t_efault, 0, 0),
	T("stats fds keep the VM alive after its VM and vCPU fds close", t_lifetime, 0, 0),
	T("stats fd read from a forked child; KVM_GET_STATS_FD there -EIO", t_fork, 0, 0),
	TX("stats lseek moves the position (SEEK_SET/CUR/END), negative -EINVAL", t_lseek, 0),
	TX("stats tables: every counter userspace-api.rst lists, in order", t_table, 0),
	TX("stats: every counter of a fresh VM and vCPU is 0", t_fresh_zero, 0),
	TX("vCPU KVM_GET_STATS_FD waits for the vCPU's KVM_RUN (vcpu->mutex)", t_vcpu_waits, 0),
	TX("stats: an MMIO exit counts in the MMIO and exit counters, RAM does not",
	   t_mmio_counters, 0),
	TX("stats: KVM_RUN until a signal: signal_exits, exits, halt_wait_ns and its histogram",
	   t_run_counters, 0),
	TX("stats: blocking is 1 while KVM_RUN waits", t_blocking, 0),
	TX("stats: GIC MMIO, ICC and hypercall exits; KVM_IRQ_LINE; a wakeup by an SPI",
	   t_gic_counters, M_ARM64),
	TX("stats: irqfd_injections per eventfd write, gsi_routing_updates", t_irqfd_counters,
	   M_ARM64),
	TX("stats: memslot_updates, dirty_pages_logged, dirty_log_gets (and _clears)",
	   t_dirty_counters, 0),
};

TEST_GROUP(stats);
