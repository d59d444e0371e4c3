// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext_demo: a VMM-style walk through what kvm_ext implements, once per
 * personality: open the node, ask it what it can do, create a VM with RAM,
 * vCPUs and a device, act as the guest, run a vCPU. Prints what it did.
 *
 * usage: kvm_ext_demo [NODE...]   (default: /dev/kvm_ext/{arm64,ppc,s390})
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#define RAM_GPA 0x40000000ULL
#define RAM_SIZE (2ULL << 20)

static int failures;

static void on_alarm(int sig)
{
	(void)sig;
}

static long xioctl(int fd, unsigned long req, unsigned long arg, const char *what)
{
	long r = ioctl(fd, req, arg);

	if (r < 0)
		printf("    %-44s -> -1 (%s)\n", what, strerror(errno));
	else
		printf("    %-44s -> %ld\n", what, r);
	return r < 0 ? -errno : r;
}

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("    !! %s\n", what);
		failures++;
	}
}

static const char *result_name(unsigned int r)
{
	switch (r) {
	case KVM_EXT_RESULT_RAM:
		return "RAM";
	case KVM_EXT_RESULT_KERNEL:
		return "in-kernel device";
	case KVM_EXT_RESULT_EXIT:
		return "exit to the VMM";
	default:
		return "?";
	}
}

static void guest_access(int vcpu, struct kvm_run *run, unsigned int flags,
			 unsigned long long gpa, unsigned int len,
			 unsigned long long data)
{
	struct kvm_ext_guest_access a = {
		.kind = KVM_EXT_ACCESS_MEM, .flags = flags, .addr = gpa,
		.len = len, .data = data,
	};
	int r = ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a);

	if (r) {
		printf("    guest %s 0x%llx: %s\n", flags ? "store" : "load", gpa,
		       strerror(errno));
		failures++;
		return;
	}
	printf("    guest %-5s %u bytes at 0x%llx = 0x%llx: %s", flags ? "store" : "load",
	       len, gpa, (unsigned long long)a.data, result_name(a.result));
	if (a.result == KVM_EXT_RESULT_EXIT)
		printf(" (kvm_run: exit_reason %u, mmio.phys_addr 0x%llx, len %u)",
		       run->exit_reason, (unsigned long long)run->mmio.phys_addr,
		       run->mmio.len);
	printf("\n");
}

static int popcount_bitmap(const unsigned long long *bm, int words)
{
	int n = 0, i;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(bm[i]);
	return n;
}

/*
 * A migration round (arm64: KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2): enable
 * manual protection with every page initially dirty, get the log, clear it
 * in chunks as the pages are "sent", dirty a few pages as the guest, get
 * again.
 */
static void dirty_log_round(int vm, int vcpu, struct kvm_run *run)
{
	enum { PAGES = 256, CHUNK = 64 };
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.args = { KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET },
	};
	struct kvm_userspace_memory_region mem = {
		.slot = 1, .flags = KVM_MEM_LOG_DIRTY_PAGES,
		.guest_phys_addr = RAM_GPA + RAM_SIZE, .memory_size = PAGES * 4096ULL,
	};
	unsigned long long bm[PAGES / 64];
	struct kvm_dirty_log log = { .slot = 1, .dirty_bitmap = bm };
	void *ram = mmap(NULL, PAGES * 4096UL, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int first;

	mem.userspace_addr = (unsigned long)ram;
	printf("    -- dirty-log round (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2)\n");
	must(xioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		    "KVM_CHECK_EXTENSION(MANUAL_DIRTY_LOG_PROTECT2)") == 3, "ENABLE|INITIALLY_SET");
	must(xioctl(vm, KVM_ENABLE_CAP, (unsigned long)&cap,
		    "KVM_ENABLE_CAP(PROTECT2, ENABLE|INITIALLY_SET)") == 0, "PROTECT2 on");
	must(xioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mem,
		    "KVM_SET_USER_MEMORY_REGION(slot 1, 1 MiB, log)") == 0, "logging slot");
	must(xioctl(vm, KVM_GET_DIRTY_LOG, (unsigned long)&log, "KVM_GET_DIRTY_LOG") == 0, "get");
	printf("    dirty pages: %d of %d (initially set)\n", popcount_bitmap(bm, PAGES / 64), PAGES);
	for (first = 0; first < PAGES; first += CHUNK) {
		struct kvm_clear_dirty_log clear = {
			.slot = 1, .first_page = first, .num_pages = CHUNK,
			.dirty_bitmap = &bm[first / 64],
		};

		must(ioctl(vm, KVM_CLEAR_DIRTY_LOG, &clear) == 0, "clear chunk");
	}
	printf("    KVM_CLEAR_DIRTY_LOG of %d pages in %d chunks of %d\n", PAGES, PAGES / CHUNK, CHUNK);
	guest_access(vcpu, run, KVM_EXT_ACCESS_WRITE, mem.guest_phys_addr + 5 * 4096, 8, 1);
	guest_access(vcpu, run, KVM_EXT_ACCESS_WRITE, mem.guest_phys_addr + 77 * 4096, 8, 2);
	guest_access(vcpu, run, KVM_EXT_ACCESS_WRITE, mem.guest_phys_addr + 200 * 4096, 8, 3);
	must(xioctl(vm, KVM_GET_DIRTY_LOG, (unsigned long)&log, "KVM_GET_DIRTY_LOG") == 0, "get");
	printf("    dirty pages: %d (pages 5, 77, 200: %s)\n", popcount_bitmap(bm, PAGES / 64),
	       (bm[0] >> 5 & 1) && (bm[1] >> 13 & 1) && (bm[3] >> 8 & 1) ? "yes" : "NO");
	must(popcount_bitmap(bm, PAGES / 64) == 3, "exactly the stored pages are dirty");
	mem.memory_size = 0;
	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem);
	munmap(ram, PAGES * 4096UL);
}

/*
 * A snapshot of a 4-vCPU arm64 VM with SVE (VL 512) and pointer auth, and
 * its restore into a fresh VM in the order VMMs use: KVM_ARM_VCPU_INIT,
 * the vector lengths, KVM_ARM_VCPU_FINALIZE, then every register of
 * KVM_GET_REG_LIST in its order.
 */
#define SNAP_VCPUS 4
#define SNAP_MAX_REGS 1024
#define REG_BYTES(id) (1UL << (((id) & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT))
#define ARM64_SYSREG(op0, op1, crn, crm, op2) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x13ULL << 16) | (op0) << 14 | (op1) << 11 | \
	 (crn) << 7 | (crm) << 3 | (op2))
#define ARM64_CORE_PC (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | (0x10ULL << 16) | 64)
#define ARM64_SVE_Z0 (KVM_REG_ARM64 | KVM_REG_ARM64_SVE | KVM_REG_SIZE_U2048)

struct snapshot {
	unsigned long long n, ids[SNAP_MAX_REGS];
	unsigned char *values[SNAP_MAX_REGS];
};

static int snap_vcpu(int vm, int id, int finalize, const unsigned long long *vls)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, id), sve = KVM_ARM_VCPU_SVE;
	struct kvm_one_reg r = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (unsigned long)vls };

	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2 | 1U << KVM_ARM_VCPU_SVE |
			   1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS | 1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	if (vcpu < 0 || ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) || ioctl(vcpu, KVM_SET_ONE_REG, &r) ||
	    (finalize && ioctl(vcpu, KVM_ARM_VCPU_FINALIZE, &sve))) {
		printf("    !! vCPU %d setup: %s\n", id, strerror(errno));
		failures++;
	}
	return vcpu;
}

static int snap_save(int vcpu, struct snapshot *s)
{
	struct kvm_reg_list *list = malloc(sizeof(*list) + SNAP_MAX_REGS * 8);
	unsigned long long i;
	int bad = 0;

	list->n = SNAP_MAX_REGS;
	if (ioctl(vcpu, KVM_GET_REG_LIST, list)) {
		free(list);
		return -errno;
	}
	s->n = list->n;
	for (i = 0; i < s->n; i++) {
		struct kvm_one_reg r = { .id = list->reg[i] };

		s->ids[i] = list->reg[i];
		s->values[i] = calloc(1, REG_BYTES(s->ids[i]));
		r.addr = (unsigned long)s->values[i];
		bad += ioctl(vcpu, KVM_GET_ONE_REG, &r) != 0;
	}
	free(list);
	return bad;
}

static void snap_free(struct snapshot *s)
{
	while (s->n)
		free(s->values[--s->n]);
}

static void arm64_snapshot_round(int sys)
{
	/* 128, 256 and 512 bits: VL 512 on the default emulated host */
	static const unsigned long long vls[KVM_ARM64_SVE_VLS_WORDS] = { 0xb };
	static struct snapshot saved[SNAP_VCPUS], back;
	int vm = ioctl(sys, KVM_CREATE_VM, 0), vm2 = ioctl(sys, KVM_CREATE_VM, 0);
	int v[SNAP_VCPUS], w[SNAP_VCPUS], i, set_errors = 0, diffs = 0, save_errors = 0;
	unsigned long long bytes = 0, k;
	unsigned char z0[256];

	printf("    -- snapshot and restore: %d vCPUs, SVE VL 512, pointer auth\n", SNAP_VCPUS);
	for (i = 0; i < SNAP_VCPUS; i++) {
		unsigned long long pc = 0x40080000ULL + i * 0x1000, key = 0xfeedf00d0000ULL + i;
		struct kvm_one_reg r = { .id = ARM64_CORE_PC, .addr = (unsigned long)&pc };

		v[i] = snap_vcpu(vm, i, 1, vls);
		ioctl(v[i], KVM_SET_ONE_REG, &r);
		r.id = ARM64_SYSREG(3, 0, 2, 1, 0); /* APIAKEYLO_EL1 */
		r.addr = (unsigned long)&key;
		ioctl(v[i], KVM_SET_ONE_REG, &r);
		memset(z0, 0x5a + i, sizeof(z0));
		r.id = ARM64_SVE_Z0;
		r.addr = (unsigned long)z0;
		ioctl(v[i], KVM_SET_ONE_REG, &r);
		save_errors += snap_save(v[i], &saved[i]);
		for (k = 0; k < saved[i].n; k++)
			bytes += REG_BYTES(saved[i].ids[k]);
	}
	printf("    KVM_GET_REG_LIST: %llu registers per vCPU, %llu bytes saved in all\n",
	       saved[0].n, bytes);
	must(save_errors == 0, "every listed register read");
	for (i = 0; i < SNAP_VCPUS; i++) {
		int sve = KVM_ARM_VCPU_SVE;
		const unsigned long long *saved_vls = vls;

		for (k = 0; k < saved[i].n; k++)
			if (saved[i].ids[k] == KVM_REG_ARM64_SVE_VLS)
				saved_vls = (const unsigned long long *)saved[i].values[k];
		w[i] = snap_vcpu(vm2, i, 0, saved_vls);
		must(ioctl(w[i], KVM_ARM_VCPU_FINALIZE, &sve) == 0, "finalize the restored vCPU");
		for (k = 0; k < saved[i].n; k++) {
			struct kvm_one_reg r = { .id = saved[i].ids[k],
						 .addr = (unsigned long)saved[i].values[k] };

			if (r.id != KVM_REG_ARM64_SVE_VLS)
				set_errors += ioctl(w[i], KVM_SET_ONE_REG, &r) != 0;
		}
		snap_save(w[i], &back);
		must(back.n == saved[i].n, "same register list after restore");
		for (k = 0; k < back.n && k < saved[i].n; k++) {
			/* The virtual counter runs on between save and restore. */
			if (back.ids[k] == ARM64_SYSREG(3, 3, 14, 3, 2))
				continue;
			diffs += back.ids[k] != saved[i].ids[k] ||
				 memcmp(back.values[k], saved[i].values[k], REG_BYTES(back.ids[k]));
		}
		snap_free(&back);
	}
	printf("    restore: %d KVM_SET_ONE_REG failures, %d registers differ -> %s\n", set_errors,
	       diffs, set_errors || diffs ? "MISMATCH" : "identical");
	must(set_errors == 0 && diffs == 0, "snapshot restored identically");
	for (i = 0; i < SNAP_VCPUS; i++) {
		snap_free(&saved[i]);
		close(v[i]);
		close(w[i]);
	}
	close(vm);
	close(vm2);
}

static void demo(const char *node)
{
	const char *arch = strrchr(node, '/') ? strrchr(node, '/') + 1 : node;
	int sys, vm, vcpu[2], dev, i;
	long mmap_size;
	struct kvm_run *run;
	unsigned char *ram;

	printf("== %s (%s)\n", node, arch);
	sys = open(node, O_RDWR | O_CLOEXEC);
	if (sys < 0) {
		printf("    open: %s\n", strerror(errno));
		failures++;
		return;
	}
	must(xioctl(sys, KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION") == 12, "API 12");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS, "KVM_CHECK_EXTENSION(MAX_VCPUS)");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS, "KVM_CHECK_EXTENSION(NR_MEMSLOTS)");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM, "KVM_CHECK_EXTENSION(READONLY_MEM)");
	xioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE,
	       "KVM_CHECK_EXTENSION(ARM_VM_IPA_SIZE)");
	mmap_size = xioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");

	vm = xioctl(sys, KVM_CREATE_VM, 0, "KVM_CREATE_VM(0)");
	must(vm >= 0, "VM created");
	if (vm < 0)
		goto out_sys;

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kvm_userspace_memory_region mem = {
		.slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES,
		.guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)ram,
	};
	must(xioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&mem,
		    "KVM_SET_USER_MEMORY_REGION(slot 0, 2 MiB, log)") == 0, "RAM slot");

	for (i = 0; i < 2; i++) {
		char what[48];

		snprintf(what, sizeof(what), "KVM_CREATE_VCPU(%d)", i);
		vcpu[i] = xioctl(vm, KVM_CREATE_VCPU, i, what);
		must(vcpu[i] >= 0, "vCPU created");
	}
	must(xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU(0) again") == -EEXIST,
	     "duplicate id is EEXIST");

	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO, .flags = KVM_CREATE_DEVICE_TEST };

	must(xioctl(vm, KVM_CREATE_DEVICE, (unsigned long)&cd,
		    "KVM_CREATE_DEVICE(VFIO, TEST)") == 0, "VFIO type exists");
	cd.flags = 0;
	must(xioctl(vm, KVM_CREATE_DEVICE, (unsigned long)&cd, "KVM_CREATE_DEVICE(VFIO)") == 0,
	     "VFIO created");
	dev = cd.fd;
	struct kvm_device_attr attr = { .group = KVM_DEV_VFIO_GROUP,
					.attr = KVM_DEV_VFIO_GROUP_ADD };

	must(xioctl(dev, KVM_HAS_DEVICE_ATTR, (unsigned long)&attr,
		    "KVM_HAS_DEVICE_ATTR(VFIO_GROUP_ADD)") == 0, "VFIO attr");

	run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu[0], 0);
	must(run != MAP_FAILED, "kvm_run mapped");
	if (run != MAP_FAILED) {
		guest_access(vcpu[0], run, KVM_EXT_ACCESS_WRITE, RAM_GPA + 0x1000, 8,
			     0x0123456789abcdefULL);
		printf("    VMM sees RAM[0x1000] = 0x%llx\n",
		       *(unsigned long long *)(ram + 0x1000));
		must(*(unsigned long long *)(ram + 0x1000) == 0x0123456789abcdefULL,
		     "store reached RAM");
		guest_access(vcpu[0], run, 0, RAM_GPA + 0x1000, 4, 0);
		guest_access(vcpu[0], run, KVM_EXT_ACCESS_WRITE, 0x09000000, 4, 0x41);
		must(run->exit_reason == KVM_EXIT_MMIO, "unbacked store exits MMIO");

		if (strcmp(arch, "arm64") == 0) {
			dirty_log_round(vm, vcpu[0], run);
			arm64_snapshot_round(sys);
		}

		run->immediate_exit = 1;
		xioctl(vcpu[0], KVM_RUN, 0, "KVM_RUN (immediate_exit)");
		run->immediate_exit = 0;
		/* The idle guest runs until a signal: SIGALRM in 100 ms. */
		struct itimerval it = { .it_value = { .tv_usec = 100000 } };

		setitimer(ITIMER_REAL, &it, NULL);
		if (xioctl(vcpu[0], KVM_RUN, 0, "KVM_RUN (until SIGALRM)") == -EINTR)
			must(run->exit_reason == KVM_EXIT_INTR, "signal exits with KVM_EXIT_INTR");
		printf("    kvm_run exit_reason %u%s\n", run->exit_reason,
		       run->exit_reason == KVM_EXIT_INTR ? " (KVM_EXIT_INTR)" : "");
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		if (strcmp(arch, "arm64") == 0)
			printf("    (arm64 refuses KVM_RUN before KVM_ARM_VCPU_INIT: ENOEXEC, as KVM)\n");
		munmap(run, mmap_size);
	}

	close(dev);
	for (i = 0; i < 2; i++)
		if (vcpu[i] >= 0)
			close(vcpu[i]);
	close(vm);
	munmap(ram, RAM_SIZE);
out_sys:
	close(sys);
}

int main(int argc, char **argv)
{
	static const char *const nodes[] = {
		"/dev/kvm_ext/arm64", "/dev/kvm_ext/ppc", "/dev/kvm_ext/s390",
	};
	int i;

	struct sigaction sa = { .sa_handler = on_alarm };

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* No SA_RESTART: KVM_RUN must see the signal and return -EINTR. */
	sigaction(SIGALRM, &sa, NULL);
	if (argc > 1)
		for (i = 1; i < argc; i++)
			demo(argv[i]);
	else
		for (i = 0; i < 3; i++)
			demo(nodes[i]);
	printf("demo: %s\n", failures ? "FAILED" : "all steps as expected");
	return failures ? 1 : 0;
}
