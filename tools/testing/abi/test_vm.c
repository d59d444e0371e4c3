// SPDX-License-Identifier: GPL-2.0
/*
 * Rules 2 and 3: KVM_CREATE_VM's type (api.rst 4.2) and the VM's lifetime
 * across close(), dup() and fork() (api.rst 1 and 2).
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_CREATE_VM "api.rst 4.2 KVM_CREATE_VM"
#define REF_FD "api.rst 2 File descriptors"
#define REF_GENERAL "api.rst 1 General description"

/* t->a: the type; t->b: 0 (a VM fd) or the errno. */
static void t_vm_type(const struct abi_test *t)
{
	long r = ioctl(g_sys, KVM_CREATE_VM, (unsigned long)t->a);
	int err = errno;

	track_fd((int)r);
	expect_errno_at(__FILE__, __LINE__, "ioctl(sys, KVM_CREATE_VM, type)", r, err, (int)t->b);
}

/* arm64: every IPA size from 32 bits to the host limit. */
static void t_vm_type_ipa_range(const struct abi_test *t)
{
	long bits;

	(void)t;
	for (bits = 32; bits <= P->cap_ipa_size; bits++) {
		int vm = new_vm(KVM_VM_TYPE_ARM_IPA_SIZE(bits));

		if (vm < 0)
			diag("  IPA size %ld refused", bits);
		xclose(vm);
	}
}

/*
 * arm64: the IPA size (type 0: 40 bits) bounds the memslots
 * (kvm_arch_prepare_memory_region(): -EFAULT beyond it).
 */
static void t_vm_type_ipa_bound(const struct abi_test *t)
{
	unsigned long bits = t->a ? (unsigned long)t->a : 40;
	__u64 limit = 1ULL << bits;
	void *mem = alloc_mem(2 * PAGE_SZ);
	int vm = new_vm(KVM_VM_TYPE_ARM_IPA_SIZE(t->a));

	if (vm < 0 || !mem)
		return;
	desc_append(" (%lu bits)", bits);
	expect_errno(set_region(vm, 0, 0, limit - PAGE_SZ, PAGE_SZ, mem), 0);
	expect_errno(set_region(vm, 1, 0, limit, PAGE_SZ, mem), EFAULT);
	expect_errno(set_region(vm, 2, 0, limit - PAGE_SZ * 2, PAGE_SZ * 2, mem), EEXIST);
	expect_errno(set_region(vm, 3, 0, limit - PAGE_SZ * 3, PAGE_SZ * 2, mem), 0);
}

/* A vCPU that exists and can be "run" without blocking. */
struct vcpu_ctx {
	int vm, vcpu;
	struct kvm_run *run;
};

static bool make_vcpu(struct vcpu_ctx *c)
{
	c->vm = new_vm(0);
	c->vcpu = c->vm >= 0 ? new_vcpu(c->vm, 0) : -1;
	c->run = map_run(c->vcpu);
	return c->run != NULL;
}

/* The vCPU fd keeps the VM alive: KVM_RUN after close(vm fd) as before. */
static void t_vcpu_keeps_vm(const struct abi_test *t)
{
	struct vcpu_ctx c;
	int r1, e1, r2, e2;
	__u64 data = 0;

	(void)t;
	if (!make_vcpu(&c))
		return;
	r1 = run_nonblocking(c.vcpu, c.run);
	e1 = errno;
	xclose(c.vm);
	r2 = run_nonblocking(c.vcpu, c.run);
	e2 = errno;
	expect_eq(r2, r1);
	if (r1 < 0 && r2 < 0)
		expect_errno_at(__FILE__, __LINE__, "KVM_RUN after close(vm)", r2, e2, e1);
	if (g_is_ext) {
		/* the guest still sees its (empty) physical address space */
		expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_MEM, 0, 0x1000, 4, &data, NULL), 0);
	}
}

/* The device fd keeps the VM alive. */
static void t_device_keeps_vm(const struct abi_test *t)
{
	int vm = new_vm(0), dev;

	(void)t;
	if (vm < 0)
		return;
	dev = new_vfio(vm);
	xclose(vm);
	if (dev >= 0)
		expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
				      KVM_DEV_VFIO_GROUP_ADD, 0),
			     0);
}

/* debugfs vms: the VM goes only when its last fd (or vCPU mapping) goes. */
static void t_vm_refcount(const struct abi_test *t)
{
	long base = debugfs_read("vms");
	struct vcpu_ctx c;
	int dev;

	(void)t;
	if (base < 0) {
		skip_test("no /sys/kernel/debug/kvm_ext/vms");
		return;
	}
	if (!make_vcpu(&c))
		return;
	dev = new_vfio(c.vm);
	expect_eq(debugfs_read("vms"), base + 1);
	xclose(c.vm);
	expect_eq(debugfs_read("vms"), base + 1);
	xclose(c.vcpu); /* the kvm_run mapping still holds the vCPU file */
	expect_eq(debugfs_read("vms"), base + 1);
	xmunmap(c.run, VCPU_MMAP_SIZE);
	expect_eq(debugfs_read("vms"), base + 1);
	xclose(dev);
	expect_eq(debugfs_read("vms"), base);
}

static void t_dup(const struct abi_test *t)
{
	int vm = new_vm(0), d;

	(void)t;
	if (vm < 0)
		return;
	d = track_fd(expect_ok(dup(vm)));
	expect_eq(check_ext(d, KVM_CAP_USER_MEMORY), 1);
	xclose(vm);
	expect_eq(check_ext(d, KVM_CAP_USER_MEMORY), 1);
	new_vcpu(d, 0);
}

struct fork_ctx {
	struct vcpu_ctx c;
	int dev;
	int run_ret, run_errno;
};

static bool fork_setup(struct fork_ctx *f)
{
	if (!make_vcpu(&f->c))
		return false;
	f->dev = new_vfio(f->c.vm);
	f->run_ret = run_nonblocking(f->c.vcpu, f->c.run);
	f->run_errno = errno;
	fflush(stdout);
	return f->dev >= 0;
}

/* In the child: every VM, vCPU and device ioctl is -EIO; its own VM works. */
static void fork_child_checks(struct fork_ctx *f)
{
	void *mem = g_bad_ptr;
	__u64 data = 0;
	int vm;

	expect_errno(check_ext(f->c.vm, KVM_CAP_USER_MEMORY), EIO);
	expect_errno(ioctl(f->c.vm, KVM_CREATE_VCPU, 1), EIO);
	expect_errno(set_region(f->c.vm, 0, 0, 0, PAGE_SZ, mem), EIO);
	expect_errno(create_device(f->c.vm, KVM_DEV_TYPE_VFIO, KVM_CREATE_DEVICE_TEST, NULL), EIO);
	expect_errno(ioctl(f->c.vcpu, KVM_RUN, 0), EIO);
	expect_errno(dev_attr(f->dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_ADD, 0),
		     EIO);
	expect_errno(dev_attr(f->dev, KVM_GET_DEVICE_ATTR, 0, 0, 0), EIO);
	if (g_is_ext)
		expect_errno(guest_access(f->c.vcpu, KVM_EXT_ACCESS_MEM, 0, 0, 4, &data, NULL),
			     EIO);
	/* the system fd is nobody's: the child makes and uses its own VM */
	expect_eq(ioctl(g_sys, KVM_GET_API_VERSION, 0), 12);
	vm = expect_ok(ioctl(g_sys, KVM_CREATE_VM, 0));
	if (vm >= 0) {
		expect_eq(check_ext(vm, KVM_CAP_USER_MEMORY), 1);
		expect_ok(ioctl(vm, KVM_CREATE_VCPU, 0));
	}
}

static void run_child(struct fork_ctx *f, bool checks)
{
	int p[2], status = 0;
	pid_t pid;

	if (!expect_errno(pipe(p), 0))
		return;
	pid = fork();
	if (pid == 0) {
		child_begin();
		close(p[0]);
		if (checks)
			fork_child_checks(f);
		child_report(p[1]);
		_exit(0);
	}
	close(p[1]);
	if (!expect_true(pid > 0)) {
		close(p[0]);
		return;
	}
	child_merge(p[0]);
	close(p[0]);
	expect_eq(waitpid(pid, &status, 0), pid);
	expect_eq(status, 0);
}

static void t_fork_child_eio(const struct abi_test *t)
{
	struct fork_ctx f;

	(void)t;
	if (fork_setup(&f))
		run_child(&f, true);
}

/* After the child (which inherited every fd) exits, the parent's fds work. */
static void t_fork_parent_ok(const struct abi_test *t)
{
	struct fork_ctx f;
	int r;

	(void)t;
	if (!fork_setup(&f))
		return;
	run_child(&f, true);
	expect_eq(check_ext(f.c.vm, KVM_CAP_USER_MEMORY), 1);
	new_vcpu(f.c.vm, 1);
	r = run_nonblocking(f.c.vcpu, f.c.run);
	expect_eq(r, f.run_ret);
	if (r < 0 && f.run_ret < 0)
		expect_errno_at(__FILE__, __LINE__, "KVM_RUN after the child exited", r, errno,
				f.run_errno);
	expect_errno(dev_attr(f.dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_DEL, 0),
		     0);
}

/* The VM lives while only the child holds it (debugfs vms). */
static void t_fork_child_holds(const struct abi_test *t)
{
	long base = debugfs_read("vms");
	int go[2], done[2], status = 0;
	struct fork_ctx f;
	pid_t pid;
	char b = 0;

	(void)t;
	if (base < 0) {
		skip_test("no /sys/kernel/debug/kvm_ext/vms");
		return;
	}
	if (!fork_setup(&f))
		return;
	if (!expect_errno(pipe(go), 0))
		return;
	if (!expect_errno(pipe(done), 0)) {
		close(go[0]);
		close(go[1]);
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* hold the inherited VM, vCPU and device fds until told */
		child_begin();
		close(go[1]);
		close(done[0]);
		if (read(go[0], &b, 1) != 1)
			fail("no go from the parent");
		child_report(done[1]);
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	if (expect_true(pid > 0)) {
		xmunmap(f.c.run, VCPU_MMAP_SIZE);
		xclose(f.dev);
		xclose(f.c.vcpu);
		xclose(f.c.vm);
		expect_eq(debugfs_read("vms"), base + 1);
		expect_eq(write(go[1], &b, 1), 1);
		child_merge(done[0]);
		expect_eq(waitpid(pid, &status, 0), pid);
		expect_eq(status, 0);
		expect_eq(debugfs_read("vms"), base);
	}
	close(go[1]);
	close(done[0]);
}

#define VM_TYPE(m, type, err, d) { "KVM_CREATE_VM type " d, REF_CREATE_VM, t_vm_type, m, 0, type, err }

static const struct abi_test vm_tests[] = {
	VM_TYPE(M_ARM64, 0, 0, "0 (default 40-bit IPA) succeeds"),
	{ "KVM_CREATE_VM type KVM_VM_TYPE_ARM_IPA_SIZE(32..48) succeeds", REF_CREATE_VM,
	  t_vm_type_ipa_range, M_ARM64, 0, 0, 0 },
	VM_TYPE(M_ARM64, 31, EINVAL, "IPA size 31 -EINVAL"),
	VM_TYPE(M_ARM64, 1, EINVAL, "IPA size 1 -EINVAL"),
	VM_TYPE(M_ARM64, 49, EINVAL, "IPA size 49 (above KVM_CAP_ARM_VM_IPA_SIZE) -EINVAL"),
	VM_TYPE(M_ARM64, 255, EINVAL, "IPA size 255 -EINVAL"),
	VM_TYPE(M_ARM64, 0x100 | 40, EINVAL, "0x100|40 (bits outside IPA_SIZE_MASK) -EINVAL"),
	VM_TYPE(M_PPC, 0, 0, "0 (default: HV) succeeds"),
	VM_TYPE(M_PPC, KVM_VM_PPC_HV, 0, "KVM_VM_PPC_HV succeeds"),
	VM_TYPE(M_PPC, KVM_VM_PPC_PR, EINVAL, "KVM_VM_PPC_PR (no PR KVM) -EINVAL"),
	VM_TYPE(M_PPC, 3, EINVAL, "3 -EINVAL"),
	VM_TYPE(M_S390, 0, 0, "0 succeeds"),
	VM_TYPE(M_S390, KVM_VM_S390_UCONTROL, EINVAL,
		"KVM_VM_S390_UCONTROL (no CONFIG_KVM_S390_UCONTROL) -EINVAL"),
	VM_TYPE(0, -1L, EINVAL, "~0UL -EINVAL"),
	{ "KVM_CREATE_VM type 0 gives a 40-bit IPA space (memslot beyond it -EFAULT)",
	  REF_CREATE_VM, t_vm_type_ipa_bound, M_ARM64, 0, 0, 0 },
	{ "KVM_CREATE_VM type KVM_VM_TYPE_ARM_IPA_SIZE(48) gives a 48-bit IPA space",
	  REF_CREATE_VM, t_vm_type_ipa_bound, M_ARM64, 0, 48, 0 },
	{ "vCPU fd keeps the VM alive: KVM_RUN after closing the VM fd returns as before", REF_FD,
	  t_vcpu_keeps_vm, 0, 0, 0, 0 },
	{ "device fd keeps the VM alive: device ioctls after closing the VM fd", REF_FD,
	  t_device_keeps_vm, 0, 0, 0, 0 },
	{ "the VM is freed only with its last VM/vCPU/device fd and vCPU mapping (debugfs vms)",
	  REF_FD, t_vm_refcount, 0, 0, 0, 0 },
	{ "dup() of the VM fd works, also after closing the original", REF_FD, t_dup, 0, 0, 0, 0 },
	{ "fork(): the child's VM, vCPU and device ioctls fail -EIO; its own VM works",
	  REF_GENERAL, t_fork_child_eio, 0, 0, 0, 0 },
	{ "fork(): the parent's VM, vCPU and device ioctls work after the child exits",
	  REF_GENERAL, t_fork_parent_ok, 0, 0, 0, 0 },
	{ "fork(): the VM stays alive while only the child holds its fds (debugfs vms)", REF_FD,
	  t_fork_child_holds, 0, 0, 0, 0 },
};

TEST_GROUP(vm);
