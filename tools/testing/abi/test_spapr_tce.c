// SPDX-License-Identifier: GPL-2.0
/*
 * sPAPR TCE tables on ppc (6.1's book3s_64_vio.c, powerpc.c, virt/kvm/vfio.c
 * with CONFIG_SPAPR_TCE_IOMMU): KVM_CREATE_SPAPR_TCE(_64)'s rows, the table
 * fd and its mapping, KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE's rows that need no
 * VFIO group, the capabilities; and, through the guest-access extension
 * (kvm_ext only), H_PUT_TCE, H_GET_TCE, H_STUFF_TCE and H_PUT_TCE_INDIRECT.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_TCE "api.rst 4.62 KVM_CREATE_SPAPR_TCE, 4.98 KVM_CREATE_SPAPR_TCE_64"
#define REF_HC "PAPR (TCE hypercalls), api.rst 4.98"

enum { H_SUCCESS = 0, H_PARAMETER = -4 };
enum { H_GET_TCE = 0x1c, H_PUT_TCE = 0x20, H_STUFF_TCE = 0x138, H_PUT_TCE_INDIRECT = 0x13c };
#define RAM_GPA 0x100000ULL
#define RAM_SIZE 0x20000ULL

static long tce64(int vm, __u64 liobn, __u32 shift, __u64 offset, __u64 size, __u32 flags)
{
	struct kvm_ext_create_spapr_tce_64 a = { .liobn = liobn, .page_shift = shift,
						 .flags = flags, .offset = offset, .size = size };

	return track_fd((int)ioctl(vm, KVM_EXT_CREATE_SPAPR_TCE_64, &a));
}

static long tce32(int vm, __u64 liobn, __u32 window)
{
	struct kvm_ext_create_spapr_tce a = { .liobn = liobn, .window_size = window };

	return track_fd((int)ioctl(vm, KVM_EXT_CREATE_SPAPR_TCE, &a));
}

/* The table's mapping in host pages: kvmppc_tce_pages(). */
static size_t tce_map_len(__u64 size)
{
	return (size * 8 + PAGE_SZ - 1) / PAGE_SZ * PAGE_SZ;
}

/*
 * CPU_FTR_HVMODE: the kernel runs on bare metal ("platform : PowerNV" in
 * /proc/cpuinfo). kvm_ext's hosts are PowerNV machines; the nested
 * (pseries) reference host is not.
 */
static bool host_hvmode(void)
{
	char line[256];
	bool hv = false;
	FILE *f;

	if (g_is_ext)
		return true;
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "platform", 8) && strstr(line, "PowerNV"))
			hv = true;
	fclose(f);
	return hv;
}

static void t_tce_caps(const struct abi_test *t)
{
	int vm = new_vm(0);
	long vfio = host_hvmode() ? 1 : 0;

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_SPAPR_TCE), 1);
	expect_eq(check_ext(g_sys, KVM_CAP_SPAPR_TCE_64), 1);
	expect_eq(check_ext(g_sys, KVM_CAP_SPAPR_MULTITCE), 1);
	expect_eq(check_ext(g_sys, KVM_CAP_SPAPR_TCE_VFIO), vfio);
	expect_eq(check_ext(vm, KVM_CAP_SPAPR_TCE), 1);
	expect_eq(check_ext(vm, KVM_CAP_SPAPR_TCE_64), 1);
	expect_eq(check_ext(vm, KVM_CAP_SPAPR_MULTITCE), 1);
	expect_eq(check_ext(vm, KVM_CAP_SPAPR_TCE_VFIO), vfio);
}

/*
 * kvm_vm_ioctl_create_spapr_tce() behind powerpc.c's copy: -EFAULT, flags,
 * size 0, page_shift outside 12-34, offset + size past 2^64 >> page_shift
 * (-EINVAL), the allocation (-ENOMEM, before the LIOBN), a LIOBN in use
 * (-EBUSY); the legacy form's window in 4 KiB pages.
 */
static void t_tce_create_rows(const struct abi_test *t)
{
	int vm = new_vm(0);
	long fd;

	(void)t;
	expect_errno(ioctl(vm, KVM_EXT_CREATE_SPAPR_TCE_64, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vm, KVM_EXT_CREATE_SPAPR_TCE, g_bad_ptr), EFAULT);
	expect_errno(tce64(vm, 1, 12, 0, 16, 1), EINVAL);
	expect_errno(tce64(vm, 1, 12, 0, 0, 0), EINVAL);
	expect_errno(tce64(vm, 1, 11, 0, 16, 0), EINVAL);
	expect_errno(tce64(vm, 1, 35, 0, 16, 0), EINVAL);
	expect_errno(tce64(vm, 1, 12, 1ULL << 51, 1ULL << 51, 0), EINVAL);
	expect_errno(tce64(vm, 1, 34, 0, 1ULL << 30, 0), EINVAL);
	expect_errno(tce64(vm, 1, 12, 0, 1ULL << 40, 0), ENOMEM);
	fd = expect_ok(tce64(vm, 1, 16, 8, 1024, 0));
	expect_errno(tce64(vm, 1, 12, 0, 1, 0), EBUSY);
	expect_errno(tce64(vm, 1, 12, 0, 1ULL << 40, 0), ENOMEM);
	expect_errno(tce32(vm, 1, 0x10000), EBUSY);
	expect_errno(tce32(vm, 2, 0xfff), EINVAL); /* less than one 4 KiB page */
	expect_ok(tce32(vm, 2, 0x10000));
	expect_ok(tce64(vm, 3, 34, 0, (1ULL << 30) - 1, 0)); /* nothing allocated up front */
	if (fd >= 0)
		xclose((int)fd);
	expect_ok(tce64(vm, 1, 12, 0, 1, 0)); /* the LIOBN is free again */
}

/*
 * 6.1 sums offset and size unchecked: a sum past 2^64 passes its test (and
 * makes a table whose page array is smaller than its window). kvm_ext
 * refuses it (differences.rst).
 */
static void t_tce_create_wrap(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	expect_errno(tce64(vm, 1, 12, ~0ULL, 2, 0), EINVAL);
	expect_errno(tce64(vm, 1, 12, 1, ~0ULL, 0), EINVAL);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

/* Reads p[off]; true if that raised SIGBUS. */
static bool read_faults(volatile unsigned char *p, size_t off)
{
	struct sigaction sa, old;
	volatile bool faulted = false;
	volatile unsigned char v = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jmp, 1) == 0)
		v = p[off];
	else
		faulted = true;
	sigaction(SIGBUS, &old, NULL);
	(void)v;
	return faulted;
}

/*
 * The table fd: "kvm-spapr-tce", O_RDWR, close-on-exec; it keeps the VM
 * (its mapping works after the VM fd is closed); mmap shows the table's
 * pages, zeroed, writable in a shared mapping; beyond them SIGBUS.
 */
static void t_tce_fd_mmap(const struct abi_test *t)
{
	int vm = new_vm(0);
	const __u64 size = 1024 + 1;
	size_t len = tce_map_len(size);
	char path[64], link[128] = "";
	volatile __u64 *p;
	long fd;

	(void)t;
	fd = expect_ok(tce64(vm, 0x80000000ULL, 12, 0, size, 0));
	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
	expect_true(readlink(path, link, sizeof(link) - 1) > 0);
	expect_eq(strcmp(link, "anon_inode:kvm-spapr-tce"), 0);
	expect_eq(fcntl((int)fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	expect_eq(fcntl((int)fd, F_GETFL) & O_ACCMODE, O_RDWR);
	xclose(vm);
	p = mmap(NULL, len + PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (!expect_true(p != MAP_FAILED))
		return;
	track_map((void *)p, len + PAGE_SZ);
	expect_eq(p[0], 0);
	expect_eq(p[size - 1], 0);
	p[3] = 0x1234000ULL;
	expect_eq(p[3], 0x1234000ULL);
	if (!read_faults((volatile unsigned char *)p, len))
		fail("offset %zu of the table's mapping did not raise SIGBUS", len);
	if (read_faults((volatile unsigned char *)p, len - 1))
		fail("the table's last page raised SIGBUS");
	/* A second mapping shows the same page. */
	{
		volatile __u64 *q = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, (int)fd, 0);

		if (expect_true(q != MAP_FAILED)) {
			track_map((void *)q, PAGE_SZ);
			expect_eq(q[3], 0x1234000ULL);
		}
	}
}

/*
 * KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE (kvm_vfio_file_set_spapr_tce()): the
 * structure (-EFAULT), the group fd (-EBADF), a group not added (-ENOENT)
 * before the table fd is looked at.
 */
static void t_tce_vfio_rows(const struct abi_test *t)
{
	int vm = new_vm(0), dev = vm >= 0 ? new_vfio(vm) : -1;
	long table = vm >= 0 ? tce64(vm, 4, 12, 0, 1, 0) : -1;
	__s32 p[2];

	(void)t;
	if (dev < 0 || !expect_true(table >= 0))
		return;
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, 0), 0);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (unsigned long)g_bad_ptr),
		     EFAULT);
	p[0] = -1;
	p[1] = (__s32)table;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (unsigned long)p),
		     EBADF);
	p[0] = (__s32)table; /* open, but no group on the list */
	p[1] = -1;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (unsigned long)p),
		     ENOENT);
}

/* ------------------------------------------------------------ hypercalls */

/* The kernel's answer (r3), or 1 when the call went to the VMM. */
#define HK(...) hk_at(__LINE__, __VA_ARGS__)
static long hk_at(int line, int vcpu, __u64 nr, __u64 r4, __u64 r5, __u64 r6, __u64 r7,
		  __u64 *r4_out)
{
	struct ppc_hc h = ppc_hcall(vcpu, nr, r4, r5, r6, r7);

	if (h.err)
		fail("line %d: hypercall %#llx: errno %s", line, (unsigned long long)nr,
		     errno_name(h.err));
	if (r4_out)
		*r4_out = h.r4;
	if (h.result == KVM_EXT_RESULT_EXIT)
		return 1;
	if (h.result != KVM_EXT_RESULT_KERNEL)
		fail("line %d: result %u", line, h.result);
	return (long)h.r3;
}

struct tg {
	int vm, vcpu;
	char *ram;
	struct kvm_run *run;
};

static bool tg_setup(struct tg *g)
{
	g->vm = new_vm(0);
	g->vcpu = g->vm >= 0 ? runnable_vcpu(g->vm, 0) : -1;
	if (g->vcpu < 0)
		return false;
	g->run = map_run(g->vcpu);
	g->ram = alloc_mem(RAM_SIZE);
	return g->run && expect_errno(set_region(g->vm, 0, 0, RAM_GPA, RAM_SIZE, g->ram), 0);
}

static void enable_hcall(int vm, __u64 nr)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_ENABLE_HCALL, .args = { nr, 1 } };

	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), 0);
}

/*
 * H_PUT_TCE and H_GET_TCE (kvmppc_h_put_tce(), kvmppc_h_get_tce()): the
 * TCE as the guest gives it in the mapping (the host's byte order), read
 * back; H_PARAMETER for an ioba outside the window or not aligned; to the
 * VMM (KVM_EXIT_PAPR_HCALL, registers unchanged) a LIOBN with no table, a
 * TCE whose page is not RAM or not aligned to the IOMMU page; a TCE
 * without permission bits is stored whatever it holds.
 */
static void t_tce_put_get(const struct abi_test *t)
{
	struct tg g;
	const __u64 liobn = 0x80000001, off = 16, size = 1024 + 1;
	const __u64 tce = RAM_GPA + 0x3000 + 3;
	volatile __u64 *p;
	__u64 r4 = 0;
	long fd;

	(void)t;
	if (!tg_setup(&g))
		return;
	fd = expect_ok(tce64(g.vm, liobn, 12, off, size, 0));
	if (fd < 0)
		return;
	p = mmap(NULL, tce_map_len(size), PROT_READ, MAP_SHARED, (int)fd, 0);
	if (!expect_true(p != MAP_FAILED))
		return;
	track_map((void *)p, tce_map_len(size));
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, off << 12, tce, 0, NULL), H_SUCCESS);
	expect_eq(p[0], tce);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off + size - 1) << 12, tce + 0x1000, 0, NULL),
		  H_SUCCESS);
	expect_eq(p[size - 1], tce + 0x1000);
	expect_eq(HK(g.vcpu, H_GET_TCE, liobn, (off + size - 1) << 12, 0, 0, &r4), H_SUCCESS);
	expect_eq(r4, tce + 0x1000);
	expect_eq(HK(g.vcpu, H_GET_TCE, liobn, (off + 600) << 12, 0, 0, &r4), H_SUCCESS);
	expect_eq(r4, 0);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off - 1) << 12, tce, 0, NULL), H_PARAMETER);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off + size) << 12, tce, 0, NULL), H_PARAMETER);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off << 12) + 8, tce, 0, NULL), H_PARAMETER);
	expect_eq(HK(g.vcpu, H_GET_TCE, liobn, 0, 0, 0, &r4), H_PARAMETER);
	expect_eq(r4, liobn);
	expect_eq(HK(g.vcpu, H_PUT_TCE, 0x99, 0, tce, 0, NULL), 1);
	expect_eq(g.run->exit_reason, KVM_EXIT_PAPR_HCALL);
	expect_eq(g.run->papr_hcall.nr, H_PUT_TCE);
	expect_eq(g.run->papr_hcall.args[0], 0x99);
	expect_eq(g.run->papr_hcall.args[2], tce);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off + 1) << 12, 0x10000001, 0, NULL), 1);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off + 1) << 12, RAM_GPA + 0x801, 0, NULL), 1);
	expect_eq(p[1], 0);
	expect_eq(HK(g.vcpu, H_PUT_TCE, liobn, (off + 1) << 12, 0xdead0000, 0, NULL), H_SUCCESS);
	expect_eq(p[1], 0xdead0000);
}

/*
 * H_STUFF_TCE and H_PUT_TCE_INDIRECT: off until KVM_CAP_PPC_ENABLE_HCALL
 * (not in 6.1's default list); then kvmppc_h_stuff_tce()'s rows (a value
 * with permission bits H_PARAMETER) and kvmppc_h_put_tce_indirect()'s
 * (more than 512, a list not 4 KiB aligned, the window: H_PARAMETER; a
 * list or a TCE not in RAM: to the VMM, nothing stored; big-endian TCEs;
 * a TCE without permission bits outside RAM H_PARAMETER after the ones
 * before it were stored).
 */
static void t_tce_stuff_indirect(const struct abi_test *t)
{
	struct tg g;
	const size_t len = tce_map_len(64);
	volatile __u64 *p;
	__u64 *list;
	long fd;
	int i;

	(void)t;
	if (!tg_setup(&g))
		return;
	fd = expect_ok(tce64(g.vm, 5, 16, 0, 64, 0));
	if (fd < 0)
		return;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, (int)fd, 0);
	if (!expect_true(p != MAP_FAILED))
		return;
	track_map((void *)p, len);
	expect_eq(HK(g.vcpu, H_STUFF_TCE, 5, 0, 0, 4, NULL), 1);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 0, RAM_GPA, 1, NULL), 1);
	enable_hcall(g.vm, H_STUFF_TCE);
	enable_hcall(g.vm, H_PUT_TCE_INDIRECT);
	expect_eq(HK(g.vcpu, H_STUFF_TCE, 5, 2 << 16, 0xabc0000, 4, NULL), H_SUCCESS);
	for (i = 0; i < 8; i++)
		expect_eq(p[i], i >= 2 && i < 6 ? 0xabc0000 : 0);
	expect_eq(HK(g.vcpu, H_STUFF_TCE, 5, 2 << 16, 0xabc0001, 4, NULL), H_PARAMETER);
	expect_eq(HK(g.vcpu, H_STUFF_TCE, 5, 60 << 16, 0, 5, NULL), H_PARAMETER);
	expect_eq(HK(g.vcpu, H_STUFF_TCE, 5, 64 << 16, 0, 0, NULL), H_SUCCESS);
	list = (__u64 *)(g.ram + 0x1000);
	for (i = 0; i < 3; i++)
		list[i] = __builtin_bswap64(RAM_GPA + 0x10000 * (i % 2) + i + 1);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 10 << 16, RAM_GPA + 0x1000, 3, NULL),
		  H_SUCCESS);
	for (i = 0; i < 3; i++)
		expect_eq(p[10 + i], RAM_GPA + 0x10000 * (i % 2) + i + 1);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 10 << 16, RAM_GPA + 0x1000, 513, NULL),
		  H_PARAMETER);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 10 << 16, RAM_GPA + 0x1008, 1, NULL),
		  H_PARAMETER);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 62 << 16, RAM_GPA + 0x1000, 3, NULL),
		  H_PARAMETER);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 10 << 16, 0x10000000, 1, NULL), 1);
	list[1] = __builtin_bswap64(0x10000001);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 20 << 16, RAM_GPA + 0x1000, 3, NULL), 1);
	expect_eq(p[20], 0);
	list[1] = __builtin_bswap64(0x10000000);
	expect_eq(HK(g.vcpu, H_PUT_TCE_INDIRECT, 5, 20 << 16, RAM_GPA + 0x1000, 3, NULL),
		  H_PARAMETER);
	expect_eq(p[20], RAM_GPA + 1);
	expect_eq(p[21], 0);
}

#define X M_PPC
static const struct abi_test spapr_tce_tests[] = {
	{ "KVM_CAP_SPAPR_TCE, _64, MULTITCE 1; SPAPR_TCE_VFIO 1 on a PowerNV (HV mode) host",
	  "api.rst 4.62, 4.98, 8.x", t_tce_caps, X, 0, 0, 0 },
	{ "KVM_CREATE_SPAPR_TCE(_64): -EFAULT, flags, size 0, page_shift, overflow -EINVAL, "
	  "-ENOMEM before -EBUSY, the legacy window, the LIOBN freed by close",
	  REF_TCE, t_tce_create_rows, X, 0, 0, 0 },
	{ "KVM_CREATE_SPAPR_TCE_64: offset + size wrapping past 2^64 -EINVAL (6.1 accepts it)",
	  REF_TCE, t_tce_create_wrap, X, T_EXT, 0, 0 },
	{ "sPAPR TCE fd: kvm-spapr-tce, O_RDWR, cloexec, keeps the VM; mmap zeroed, writable, "
	  "SIGBUS past the table",
	  REF_TCE, t_tce_fd_mmap, X, 0, 0, 0 },
	{ "KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE: has 0; -EFAULT, group fd -EBADF, no such group "
	  "-ENOENT",
	  "devices/vfio.rst", t_tce_vfio_rows, X, 0, 0, 0 },
	{ "H_PUT_TCE/H_GET_TCE: the TCE in the mapping, H_PARAMETER for the ioba, to the VMM "
	  "for no table, not RAM, unaligned; poison stored",
	  REF_HC, t_tce_put_get, X, T_EXT, 0, 0 },
	{ "H_STUFF_TCE/H_PUT_TCE_INDIRECT: off by default; H_PARAMETER rows, big-endian list, "
	  "to the VMM, 6.1's partial store",
	  REF_HC, t_tce_stuff_indirect, X, T_EXT, 0, 0 },
};

TEST_GROUP(spapr_tce);
