// SPDX-License-Identifier: GPL-2.0
/*
 * s390's FLIC (KVM_DEV_TYPE_FLIC, devices/s390_flic.rst) and the floating
 * interrupts of KVM_S390_INTERRUPT on the VM fd (api.rst 4.77),
 * KVM_CAP_S390_AIS (7.10) and KVM_CAP_S390_AIS_MIGRATION (8.13). Where the
 * document is silent the facts are 6.1's arch/s390/kvm/interrupt.c
 * (flic_set_attr(), flic_get_attr(), flic_has_attr(), flic_create(),
 * enqueue_floating_irq(), copy_irq_from_user(), get_all_floating_irqs(),
 * clear_io_irq(), register_io_adapter(), modify_io_adapter(),
 * modify_ais_mode(), kvm_s390_inject_airq(), flic_ais_mode_get/set_all(),
 * __inject_vm() and the __inject_*() it calls) and kvm-s390.c
 * (kvm_vm_ioctl_check_extension(), kvm_vm_ioctl_enable_cap()). The emulated
 * host has a GISA: adapter interrupts (I/O with the AI bit) are one
 * pending bit per ISC, listed first by GET_ALL_IRQS, ISC 0 first.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "s390_common.h"

#define REF "devices/s390_flic.rst"
#define REF_INT "api.rst 4.77 KVM_S390_INTERRUPT"
#define REF_AIS "devices/s390_flic.rst, api.rst 7.10 KVM_CAP_S390_AIS"

/* interrupt.c limits: KVM_S390_MAX_FLOAT_IRQS, KVM_S390_MAX_VIRTIO_IRQS,
 * ASYNC_PF_PER_VCPU * KVM_MAX_VCPUS (64 * 255) */
#define MAX_IO KVM_S390_MAX_FLOAT_IRQS
#define MAX_VIRTIO 87381
#define MAX_PFAULT (64 * 255)
#define MAX_ADAPTERS 64 /* MAX_S390_IO_ADAPTERS */

struct fv {
	int vm, flic;
};

static bool fv_up(struct fv *f)
{
	f->vm = new_vm(0);
	f->flic = new_flic(f->vm);
	return f->flic >= 0;
}

static const char *type_name(__u64 type)
{
	static char buf[32];

	switch (type) {
	case KVM_S390_MCHK:
		return "MCHK";
	case KVM_S390_INT_SERVICE:
		return "SERVICE";
	case KVM_S390_INT_VIRTIO:
		return "VIRTIO";
	case KVM_S390_INT_PFAULT_DONE:
		return "PFAULT_DONE";
	case KVM_S390_INT_PFAULT_INIT:
		return "PFAULT_INIT";
	}
	snprintf(buf, sizeof(buf), "%s %#llx", type <= KVM_S390_INT_IO_MAX ? "IO" : "type",
		 (unsigned long long)type);
	return buf;
}

static void diag_irq(const char *what, int i, const struct kvm_s390_irq *q)
{
	const __u64 *w = (const __u64 *)&q->u;

	diag("  %s[%d]: %s u %016llx %016llx %016llx %016llx", what, i, type_name(q->type),
	     (unsigned long long)w[0], (unsigned long long)w[1], (unsigned long long)w[2],
	     (unsigned long long)w[3]);
}

/*
 * GET_ALL_IRQS lists exactly want[0..n) (byte for byte: every byte of an
 * entry past its payload is 0).
 */
#define expect_irqs(flic, want, n) expect_irqs_at(__LINE__, flic, want, n)
static bool expect_irqs_at(int line, int flic, const struct kvm_s390_irq *want, int n)
{
	int cap = n + 16, got, i;
	struct kvm_s390_irq *buf = alloc_mem(cap * IRQ_SZ);

	if (!buf)
		return false;
	got = flic_get_all(flic, buf, cap * IRQ_SZ);
	if (got < 0) {
		fail("line %d: GET_ALL_IRQS: %s", line, errno_name(errno));
		return false;
	}
	if (got == n && !memcmp(buf, want, n * IRQ_SZ))
		return true;
	fail("line %d: GET_ALL_IRQS lists %d entries, expected %d%s", line, got, n,
	     got == n ? " (contents differ)" : "");
	for (i = 0; i < got && i < 12; i++)
		diag_irq("got", i, &buf[i]);
	for (i = 0; i < n && i < 12; i++)
		diag_irq("want", i, &want[i]);
	return false;
}

/* The number of pending floating interrupts GET_ALL_IRQS lists. */
static int pending(int flic)
{
	static struct kvm_s390_irq buf[256];

	return flic_get_all(flic, buf, sizeof(buf));
}

/* ------------------------------------------------------------ device, caps */

/*
 * KVM_CHECK_EXTENSION: KVM_CAP_S390_AIS and KVM_CAP_S390_AIS_MIGRATION are
 * 1 on the system and VM fds (kvm_vm_ioctl_check_extension()).
 * KVM_ENABLE_CAP(KVM_CAP_S390_AIS): flags -EINVAL, 0 before a vCPU (again
 * too), -EBUSY after.
 */
static void t_caps(const struct abi_test *t)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_S390_AIS, .flags = 1 };
	int vm = new_vm(0), vm2 = new_vm(0);

	(void)t;
	if (vm < 0 || vm2 < 0)
		return;
	expect_eq(check_ext(g_sys, KVM_CAP_S390_AIS), 1);
	expect_eq(check_ext(g_sys, KVM_CAP_S390_AIS_MIGRATION), 1);
	expect_eq(check_ext(vm, KVM_CAP_S390_AIS), 1);
	expect_eq(check_ext(vm, KVM_CAP_S390_AIS_MIGRATION), 1);
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), EINVAL);
	expect_errno(vm_enable_cap(vm, KVM_CAP_S390_AIS), 0);
	expect_errno(vm_enable_cap(vm, KVM_CAP_S390_AIS), 0);
	new_vcpu(vm2, 0);
	expect_errno(vm_enable_cap(vm2, KVM_CAP_S390_AIS), EBUSY);
	/* KVM_CAP_S390_AIS_MIGRATION only tells: not a VM capability to enable */
	expect_errno(vm_enable_cap(vm2, KVM_CAP_S390_AIS_MIGRATION), EINVAL);
}

/*
 * "Only one FLIC instance may be instantiated": flic_create() refuses a
 * second with -EINVAL (kvm->arch.flic set); KVM_CREATE_DEVICE_TEST still
 * 0. kvm_flic_ops has no .release: closing the fd leaves the FLIC to the
 * VM until it goes. The fd is "kvm-flic". Another VM has its own.
 */
static void t_one_flic(const struct abi_test *t)
{
	int vm = new_vm(0), dev, other;
	char path[64], link[64] = "";

	(void)t;
	expect_errno(create_device(vm, KVM_DEV_TYPE_FLIC, KVM_CREATE_DEVICE_TEST, NULL), 0);
	dev = new_flic(vm);
	if (dev < 0)
		return;
	expect_errno(create_device(vm, KVM_DEV_TYPE_FLIC, 0, NULL), EINVAL);
	expect_errno(create_device(vm, KVM_DEV_TYPE_FLIC, KVM_CREATE_DEVICE_TEST, NULL), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dev);
	expect_true(readlink(path, link, sizeof(link) - 1) > 0);
	if (!expect_eq(strcmp(link, "anon_inode:kvm-flic"), 0))
		diag("  the fd is %s", link);
	xclose(dev);
	expect_errno(create_device(vm, KVM_DEV_TYPE_FLIC, 0, NULL), EINVAL);
	/* another VM has its own, vCPUs or not */
	other = new_vm(0);
	new_vcpu(other, 0);
	expect_true(new_flic(other) >= 0);
}

/*
 * The FLIC's fd holds its VM (kvm_ioctl_create_device()'s kvm_get_kvm()):
 * with the VM fd closed the FLIC still queues, lists and clears; closing
 * it too frees the VM with what is pending (the runner checks that no VM
 * or allocation is left).
 */
static void t_flic_keeps_vm(const struct abi_test *t)
{
	struct kvm_s390_irq q[3];
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(adapter_register(f.flic, 1, 4, 0, 0), 0);
	xclose(f.vm);
	q[0] = irq_ai(4);
	q[1] = irq_cio(0x0001, 2, 2, 1);
	q[2] = irq_ext(KVM_S390_INT_SERVICE, 0x8000, 0);
	expect_errno(flic_enqueue(f.flic, &q[1], 2), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_irqs(f.flic, q, 3);
	expect_errno(flic_clear(f.flic), 0);
	expect_irqs(f.flic, q, 0);
	expect_errno(flic_enqueue(f.flic, q, 3), 0);
	xclose(f.flic);
}

/*
 * HAS_DEVICE_ATTR: the eleven groups 0 (any attr, addr ignored), others
 * -ENXIO (flic_has_attr()). SET/GET of a group the direction does not
 * have, or of an unknown group: -EINVAL (flic_set_attr(),
 * flic_get_attr(); the document's note). A bad kvm_device_attr pointer
 * -EFAULT (kvm_device_ioctl_attr()).
 */
static void t_groups(const struct abi_test *t)
{
	static const __u32 set_only[] = { KVM_DEV_FLIC_ENQUEUE, KVM_DEV_FLIC_CLEAR_IRQS,
					  KVM_DEV_FLIC_APF_ENABLE, KVM_DEV_FLIC_APF_DISABLE_WAIT,
					  KVM_DEV_FLIC_ADAPTER_REGISTER, KVM_DEV_FLIC_ADAPTER_MODIFY,
					  KVM_DEV_FLIC_CLEAR_IO_IRQ, KVM_DEV_FLIC_AISM,
					  KVM_DEV_FLIC_AIRQ_INJECT };
	static const __u32 unknown[] = { 0, 12, 13, 0x1234, 0xffffffff };
	__u64 buf[16] = { 0 };
	struct fv f;
	size_t i;
	__u32 g;

	(void)t;
	if (!fv_up(&f))
		return;
	for (g = KVM_DEV_FLIC_GET_ALL_IRQS; g <= KVM_DEV_FLIC_AISM_ALL; g++) {
		if (!expect_errno(attr_at(f.flic, DEV_HAS, g, 0, NULL), 0) |
		    !expect_errno(attr_at(f.flic, DEV_HAS, g, 0x12345, g_bad_ptr), 0))
			diag("  HAS group %u", g);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		if (!expect_errno(attr_at(f.flic, DEV_HAS, unknown[i], 0, buf), ENXIO) |
		    !expect_errno(attr_at(f.flic, DEV_SET, unknown[i], 0, buf), EINVAL) |
		    !expect_errno(attr_at(f.flic, DEV_GET, unknown[i], 0, buf), EINVAL))
			diag("  group %#x", unknown[i]);
	}
	for (i = 0; i < ARRAY_SIZE(set_only); i++)
		if (!expect_errno(attr_at(f.flic, DEV_GET, set_only[i], sizeof(buf), buf), EINVAL))
			diag("  GET of group %u", set_only[i]);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_GET_ALL_IRQS, sizeof(buf), buf),
		     EINVAL);
	expect_errno(ioctl(f.flic, KVM_SET_DEVICE_ATTR, g_bad_ptr), EFAULT);
	expect_errno(ioctl(f.flic, KVM_GET_DEVICE_ATTR, g_bad_ptr), EFAULT);
	expect_errno(ioctl(f.flic, KVM_HAS_DEVICE_ATTR, g_bad_ptr), EFAULT);
}

/* ------------------------------------------------------------ ENQUEUE */

/*
 * ENQUEUE's length (attr->attr): not a multiple of sizeof(struct
 * kvm_s390_irq) -EINVAL, above KVM_S390_FLIC_MAX_BUFFER -EINVAL (both
 * before anything is read: a bad address does not matter); 0 queues
 * nothing and succeeds.
 */
static void t_enqueue_len(const struct abi_test *t)
{
	static const __u64 bad[] = { 1, 8, 71, 73, 144 + 1, 0x2000000 };
	struct kvm_s390_irq q[3];
	__u64 over = (KVM_S390_FLIC_MAX_BUFFER / IRQ_SZ + 1) * IRQ_SZ;
	struct fv f;
	size_t i;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_cio(0x0001, 1, 0x11, 3);
	q[1] = irq_cio(0x0001, 2, 0x22, 3);
	q[2] = irq_cio(0x0001, 3, 0x33, 3);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, bad[i], q),
				  EINVAL))
			diag("  length %llu", (unsigned long long)bad[i]);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, over, g_bad_ptr), EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, 71, g_bad_ptr), EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, 0, g_bad_ptr), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, 0, q), 0);
	expect_irqs(f.flic, q, 0);
	expect_errno(flic_enqueue(f.flic, q, 3), 0);
	expect_irqs(f.flic, q, 3);
}

/*
 * ENQUEUE's length is attr->attr, all 64 bits of it: a length of 2 GiB or
 * 4 GiB and more (multiples of 72) is above KVM_S390_FLIC_MAX_BUFFER:
 * -EINVAL, nothing read or queued. (6.1's enqueue_floating_irq() keeps it
 * in an int: 2^32 + 72 becomes 72 and queues one entry, 2 GiB goes
 * negative, passes the maximum and reads on past the buffer.)
 */
static void t_enqueue_len64(const struct abi_test *t)
{
	__u64 two_g = 0x80000000ULL / IRQ_SZ * IRQ_SZ + IRQ_SZ;
	struct kvm_s390_irq q[2];
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_cio(0x0001, 1, 0x11, 3);
	q[1] = irq_ext(KVM_S390_PROGRAM_INT, 0, 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, (1ULL << 32) + IRQ_SZ, q),
		     EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE,
			     (1ULL << 32) / IRQ_SZ * IRQ_SZ + IRQ_SZ, q),
		     EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, two_g, q), EINVAL);
	expect_irqs(f.flic, q, 0);
}

/*
 * ENQUEUE takes the entries in order and stops at the first bad one,
 * which fails the call; the ones before stay queued, the ones after are
 * not looked at. A type that is not floating -EINVAL (copy_irq_from_user(),
 * __inject_vm()): the vCPU types, a type past 32 bits, and
 * KVM_S390_INT_PFAULT_INIT, whose payload copy_irq_from_user() takes but
 * __inject_vm() refuses. An entry in unreadable memory -EFAULT.
 */
static void t_enqueue_stop(const struct abi_test *t)
{
	static const __u64 bad_types[] = {
		KVM_S390_INT_PFAULT_INIT, KVM_S390_PROGRAM_INT,	   KVM_S390_SIGP_STOP,
		KVM_S390_SIGP_SET_PREFIX, KVM_S390_RESTART,	   KVM_S390_INT_CLOCK_COMP,
		KVM_S390_INT_CPU_TIMER,	  KVM_S390_INT_EMERGENCY,  KVM_S390_INT_EXTERNAL_CALL,
		0xfffe0006ULL,		  0xffffffffULL,	   0x100000000ULL,
		0x1000000000000000ULL,
	};
	struct kvm_s390_irq q[3], *edge;
	struct fv f;
	size_t i;

	(void)t;
	if (!fv_up(&f))
		return;
	for (i = 0; i < ARRAY_SIZE(bad_types); i++) {
		q[0] = irq_cio(0x0001, (__u16)i, 0x100 + (__u32)i, 2);
		q[1] = irq_ext(bad_types[i], 0x1000, 0x2000);
		q[2] = irq_cio(0x0001, 0x999, 0x999, 2);
		if (!expect_errno(flic_enqueue(f.flic, q, 3), EINVAL) |
		    !expect_irqs(f.flic, q, 1))
			diag("  second entry's type %#llx", (unsigned long long)bad_types[i]);
		expect_errno(flic_clear(f.flic), 0);
	}
	/* one bad entry alone */
	q[0] = irq_ext(KVM_S390_INT_PFAULT_INIT, 0, 0x1234);
	expect_errno(flic_enqueue(f.flic, q, 1), EINVAL);
	expect_irqs(f.flic, q, 0);

	/* -EFAULT: the whole buffer, then the second entry past a readable page */
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, IRQ_SZ, g_bad_ptr), EFAULT);
	edge = edge_buf(IRQ_SZ);
	if (!edge)
		return;
	*edge = irq_cio(0x0001, 7, 0x77, 6);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, 2 * IRQ_SZ, edge), EFAULT);
	expect_irqs(f.flic, edge, 1);
}

/* ------------------------------------------------------------ GET_ALL_IRQS */

/*
 * GET_ALL_IRQS: attr->attr 0 or above KVM_S390_FLIC_MAX_BUFFER -EINVAL;
 * the maximum itself is fine; the value is the number of entries; a
 * buffer too small for them -ENOMEM with nothing removed, one of exactly
 * their size fits; less than one entry's bytes hold none; -EFAULT when
 * the copy out fails (nothing to copy: 0). Nothing is dequeued.
 */
static void t_get_all(const struct abi_test *t)
{
	struct kvm_s390_irq q[4], *buf, *edge;
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	buf = alloc_mem(KVM_S390_FLIC_MAX_BUFFER);
	if (!buf)
		return;
	expect_errno(flic_get_all(f.flic, buf, 0), EINVAL);
	expect_errno(flic_get_all(f.flic, buf, KVM_S390_FLIC_MAX_BUFFER + 1), EINVAL);
	expect_errno(flic_get_all(f.flic, buf, 1ULL << 32), EINVAL);
	expect_eq(flic_get_all(f.flic, buf, KVM_S390_FLIC_MAX_BUFFER), 0);
	expect_eq(flic_get_all(f.flic, buf, 1), 0);
	expect_eq(flic_get_all(f.flic, g_bad_ptr, IRQ_SZ), 0);

	q[0] = irq_cio(0x0001, 0x10, 0xa, 0);
	q[1] = irq_cio(0x0001, 0x11, 0xb, 4);
	q[2] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 0xfeed);
	q[3] = irq_ext(KVM_S390_INT_VIRTIO, 0x2603, 0xbeefULL << 32);
	expect_errno(flic_enqueue(f.flic, q, 4), 0);
	expect_eq(flic_get_all(f.flic, buf, KVM_S390_FLIC_MAX_BUFFER), 4);
	expect_eq(memcmp(buf, q, sizeof(q)), 0);
	expect_eq(flic_get_all(f.flic, buf, 4 * IRQ_SZ + 5), 4);
	/* too small: -ENOMEM, nothing removed */
	expect_errno(flic_get_all(f.flic, buf, 3 * IRQ_SZ), ENOMEM);
	expect_errno(flic_get_all(f.flic, buf, 4 * IRQ_SZ - 1), ENOMEM);
	expect_errno(flic_get_all(f.flic, buf, 1), ENOMEM);
	expect_errno(flic_get_all(f.flic, buf, IRQ_SZ), ENOMEM);
	/* exactly their size, at the end of a readable page */
	edge = edge_buf(4 * IRQ_SZ);
	if (edge) {
		expect_eq(flic_get_all(f.flic, edge, 4 * IRQ_SZ), 4);
		expect_eq(memcmp(edge, q, sizeof(q)), 0);
	}
	expect_errno(flic_get_all(f.flic, g_bad_ptr, 4 * IRQ_SZ), EFAULT);
	expect_errno(flic_get_all(f.flic, g_bad_ptr, 16 * IRQ_SZ), EFAULT);
	expect_irqs(f.flic, q, 4);
	expect_irqs(f.flic, q, 4);
}

/*
 * The list's order (get_all_floating_irqs()): adapter interrupts, then
 * I/O by ISC from 0 (in order of arrival within one), pfault done,
 * virtio, then the service signal, then the machine check. Each entry
 * keeps its type and payload as enqueued (I/O: the subchannel, parameter
 * and word; pfault done, virtio: both ext parameters).
 */
static void t_order(const struct abi_test *t)
{
	struct kvm_s390_irq in[8], want[8];
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	in[0] = irq_mchk(CR14_CRW, 0x0000400f1d403b00ULL);
	in[1] = irq_ext(KVM_S390_INT_SERVICE, 0x7f8000, 0);
	in[2] = irq_ext(KVM_S390_INT_VIRTIO, 0x2603, 0x1122334455667788ULL);
	in[3] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0x55, 0x8000000000001000ULL);
	in[4] = irq_cio(0x0003, 0x0101, 0xc0ffee, 7);
	in[5] = irq_cio(0xfe01, 0xffff, 0xabcdef01, 2);
	in[6] = irq_cio(0x0001, 0x0000, 0x1, 7);
	in[7] = irq_io(KVM_S390_INT_IO(0, 0, 0, 0x42), 0x0001, 0x0042, 7, IO_WORD(0) | 0x1234);
	expect_errno(flic_enqueue(f.flic, in, 8), 0);
	want[0] = in[7];
	want[1] = in[5];
	want[2] = in[4];
	want[3] = in[6];
	want[4] = in[3];
	want[5] = in[2];
	want[6] = in[1];
	want[7] = in[0];
	expect_irqs(f.flic, want, 8);
}

/*
 * Service signals are one pending condition (__inject_service()): the
 * first SCCB address (bits 0-28 of the parameter) stays, later ones are
 * dropped; the event-pending bits (0x3) accumulate. GET_ALL_IRQS lists one
 * KVM_S390_INT_SERVICE entry with that parameter.
 */
static void t_service_merge(const struct abi_test *t)
{
	struct kvm_s390_irq q[4], want;
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_ext(KVM_S390_INT_SERVICE, 0x7f8000, 0);
	q[1] = irq_ext(KVM_S390_INT_SERVICE, 0x123000 | 0x1, 0x99);
	q[2] = irq_ext(KVM_S390_INT_SERVICE, 0x2, 0);
	q[3] = irq_ext(KVM_S390_INT_SERVICE, 0x456000, 0);
	expect_errno(flic_enqueue(f.flic, q, 4), 0);
	want = irq_ext(KVM_S390_INT_SERVICE, 0x7f8000 | 0x3, 0);
	expect_irqs(f.flic, &want, 1);
	/* an event alone first: the next SCCB is still taken */
	expect_errno(flic_clear(f.flic), 0);
	q[0] = irq_ext(KVM_S390_INT_SERVICE, 0x1, 0);
	expect_errno(flic_enqueue(f.flic, q, 1), 0);
	want = irq_ext(KVM_S390_INT_SERVICE, 0x1, 0);
	expect_irqs(f.flic, &want, 1);
	expect_errno(inject_vm(f.vm, KVM_S390_INT_SERVICE, 0x20000, 0), 0);
	want = irq_ext(KVM_S390_INT_SERVICE, 0x20001, 0);
	expect_irqs(f.flic, &want, 1);
}

/*
 * Floating machine checks are one pending condition
 * (__inject_float_mchk()): the MCICs are ORed, of CR14 only the
 * channel-report-pending bit (bit 35, 0x10000000) is kept, the rest of
 * the payload (failing storage address, damage code, logout) dropped.
 */
static void t_mchk_merge(const struct abi_test *t)
{
	struct kvm_s390_irq q[3], want;
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_mchk(0x08000000, 0x0000000100000000ULL);
	q[0].u.mchk.failing_storage_address = 0x1000;
	q[0].u.mchk.ext_damage_code = 0x55;
	q[0].u.mchk.fixed_logout[3] = 0x66;
	expect_errno(flic_enqueue(f.flic, q, 1), 0);
	want = irq_mchk(0, 0x0000000100000000ULL);
	expect_irqs(f.flic, &want, 1);
	q[1] = irq_mchk(CR14_CRW | 0x02000000, 0x00400f1d40330000ULL);
	q[2] = irq_mchk(0, 0x8000000000000000ULL);
	expect_errno(flic_enqueue(f.flic, &q[1], 2), 0);
	expect_errno(inject_vm(f.vm, KVM_S390_MCHK, CR14_CRW, 0x2), 0);
	want = irq_mchk(CR14_CRW, 0x8000000100000000ULL | 0x00400f1d40330000ULL | 0x2);
	expect_irqs(f.flic, &want, 1);
}

/* ------------------------------------------------------------ CLEAR */

/*
 * CLEAR_IRQS deletes every pending floating interrupt (lists, service,
 * machine check, adapter interrupts); nothing else changes (adapters stay
 * registered).
 */
static void t_clear(const struct abi_test *t)
{
	struct kvm_s390_irq q[6];
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_cio(0x0001, 1, 1, 0);
	q[1] = irq_cio(0x0001, 2, 2, 7);
	q[2] = irq_ext(KVM_S390_INT_VIRTIO, 1, 2);
	q[3] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 3);
	q[4] = irq_ext(KVM_S390_INT_SERVICE, 0x8000, 0);
	q[5] = irq_mchk(CR14_CRW, 1);
	expect_errno(flic_enqueue(f.flic, q, 6), 0);
	expect_errno(adapter_register(f.flic, 5, 3, 0, 0), 0);
	expect_errno(airq_inject(f.flic, 5), 0);
	expect_eq(pending(f.flic), 7);
	expect_errno(flic_clear(f.flic), 0);
	expect_irqs(f.flic, q, 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IRQS, 0x55, g_bad_ptr), 0);
	/* the adapter is still there */
	expect_errno(adapter_register(f.flic, 5, 3, 0, 0), EINVAL);
	expect_errno(airq_inject(f.flic, 5), 0);
	q[0] = irq_ai(3);
	expect_irqs(f.flic, q, 1);
}

/*
 * CLEAR_IO_IRQ (clear_io_irq()): attr->flags -EINVAL, a length other than
 * 4 -EINVAL, both before the schid is read; -EFAULT; schid 0 -EINVAL (the
 * document's note). It removes the first I/O interrupt of that subchannel
 * (id << 16 | nr), lowest ISC first, and only one; none there: 0.
 */
static void t_clear_io(const struct abi_test *t)
{
	struct kvm_s390_irq q[5], want[5];
	__u32 schid = 0x00010042, zero = 0, other = 0x00010043;
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_cio(0x0001, 0x42, 0xa, 5);
	q[1] = irq_cio(0x0001, 0x43, 0xb, 1);
	q[2] = irq_cio(0x0001, 0x42, 0xc, 1);
	q[3] = irq_cio(0x0003, 0x42, 0xd, 1);
	q[4] = irq_cio(0x0001, 0x42, 0xe, 1);
	expect_errno(flic_enqueue(f.flic, q, 5), 0);
	expect_errno(attr_flags(f.flic, DEV_SET, 1, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &schid),
		     EINVAL);
	expect_errno(attr_flags(f.flic, DEV_SET, 0x80000000, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4,
				g_bad_ptr),
		     EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 0, &schid), EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 3, &schid), EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 8, &schid), EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 8, g_bad_ptr), EINVAL);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, g_bad_ptr), EFAULT);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &zero), EINVAL);
	want[0] = q[1];
	want[1] = q[2];
	want[2] = q[3];
	want[3] = q[4];
	want[4] = q[0];
	expect_irqs(f.flic, want, 5);

	/* one: ISC 1's first of 0001/0042 */
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &schid), 0);
	want[0] = q[1];
	want[1] = q[3];
	want[2] = q[4];
	want[3] = q[0];
	expect_irqs(f.flic, want, 4);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &schid), 0);
	want[2] = q[0];
	expect_irqs(f.flic, want, 3);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &schid), 0);
	expect_irqs(f.flic, want, 2);
	/* none left of it: 0, nothing removed */
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &schid), 0);
	expect_irqs(f.flic, want, 2);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &other), 0);
	expect_irqs(f.flic, &want[1], 1);
}

/*
 * CLEAR_IO_IRQ leaves what is not a subchannel's I/O interrupt: service,
 * virtio, machine check, adapter interrupts (a schid never matches the
 * GISA's).
 */
static void t_clear_io_others(const struct abi_test *t)
{
	struct kvm_s390_irq q[3], want[4];
	__u32 schid = 0x00010001;
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	q[0] = irq_ext(KVM_S390_INT_VIRTIO, 0x00010001, 0x00010001);
	q[1] = irq_ext(KVM_S390_INT_SERVICE, 0x00010000, 0);
	q[2] = irq_mchk(CR14_CRW, 0x00010001);
	expect_errno(flic_enqueue(f.flic, q, 3), 0);
	expect_errno(inject_vm(f.vm, AI_TYPE, 0x00010001, AI_WORD(1)), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ, 4, &schid), 0);
	want[0] = irq_ai(1);
	want[1] = q[0];
	want[2] = q[1];
	want[3] = q[2];
	expect_irqs(f.flic, want, 4);
}

/* ------------------------------------------------------------ APF */

/*
 * APF_ENABLE and APF_DISABLE_WAIT: 0, with or without vCPUs, attr and
 * addr ignored; pending interrupts are not touched.
 */
static void t_apf(const struct abi_test *t)
{
	struct kvm_s390_irq q = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 0x4000);
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(flic_enqueue(f.flic, &q, 1), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_APF_ENABLE, 0, NULL), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_APF_ENABLE, 0x77, g_bad_ptr), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_APF_DISABLE_WAIT, 0, NULL), 0);
	new_vcpu(f.vm, 0);
	new_vcpu(f.vm, 1);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_APF_ENABLE, 0, NULL), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_APF_DISABLE_WAIT, 0x77, g_bad_ptr),
		     0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_APF_DISABLE_WAIT, 0, NULL), 0);
	expect_irqs(f.flic, &q, 1);
}

/* ------------------------------------------------------------ adapters */

/*
 * ADAPTER_REGISTER (register_io_adapter()): -EFAULT; id of
 * MAX_S390_IO_ADAPTERS (64) or more -EINVAL; an id already registered
 * -EINVAL; unknown flags ignored; ids 0 and 63 fine.
 */
static void t_adapter_register(const struct abi_test *t)
{
	struct kvm_s390_io_adapter a = { .id = 9, .isc = 1 };
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, g_bad_ptr),
		     EFAULT);
	expect_errno(adapter_register(f.flic, MAX_ADAPTERS, 0, 0, 0), EINVAL);
	expect_errno(adapter_register(f.flic, 0x1000, 0, 0, 0), EINVAL);
	expect_errno(adapter_register(f.flic, 0xffffffff, 0, 0, 0), EINVAL);
	expect_errno(adapter_register(f.flic, 0, 0, 0, 0), 0);
	expect_errno(adapter_register(f.flic, MAX_ADAPTERS - 1, 7, 1, KVM_S390_ADAPTER_SUPPRESSIBLE),
		     0);
	expect_errno(adapter_register(f.flic, 0, 5, 1, 0), EINVAL);
	expect_errno(adapter_register(f.flic, MAX_ADAPTERS - 1, 7, 1, 0), EINVAL);
	expect_errno(adapter_register(f.flic, 8, 2, 0, 0xfe), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_REGISTER, 0x1234, &a), 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &a), EINVAL);
	/* registering injects nothing */
	expect_eq(pending(f.flic), 0);
}

/*
 * ADAPTER_MODIFY (modify_io_adapter()): -EFAULT; an id not registered (or
 * >= 64) -EINVAL; MASK of an adapter registered unmaskable -EINVAL, of a
 * maskable one 0 (mask and unmask, repeatedly); MAP and UNMAP no-ops (0,
 * on any registered adapter); another type -EINVAL.
 */
static void t_adapter_modify(const struct abi_test *t)
{
	static const __u8 bad_types[] = { 0, 4, 0x80, 0xff };
	struct fv f;
	size_t i;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_MODIFY, 0, g_bad_ptr), EFAULT);
	expect_errno(adapter_modify(f.flic, 1, KVM_S390_IO_ADAPTER_MASK, 1), EINVAL);
	expect_errno(adapter_modify(f.flic, 1, KVM_S390_IO_ADAPTER_MAP, 0), EINVAL);
	expect_errno(adapter_register(f.flic, 1, 3, 0, 0), 0);
	expect_errno(adapter_register(f.flic, 2, 3, 1, 0), 0);
	expect_errno(adapter_modify(f.flic, 1, KVM_S390_IO_ADAPTER_MASK, 1), EINVAL);
	expect_errno(adapter_modify(f.flic, 1, KVM_S390_IO_ADAPTER_MASK, 0), EINVAL);
	expect_errno(adapter_modify(f.flic, 2, KVM_S390_IO_ADAPTER_MASK, 1), 0);
	expect_errno(adapter_modify(f.flic, 2, KVM_S390_IO_ADAPTER_MASK, 1), 0);
	expect_errno(adapter_modify(f.flic, 2, KVM_S390_IO_ADAPTER_MASK, 0), 0);
	expect_errno(adapter_modify(f.flic, 2, KVM_S390_IO_ADAPTER_MASK, 0), 0);
	expect_errno(adapter_modify(f.flic, 1, KVM_S390_IO_ADAPTER_MAP, 0), 0);
	expect_errno(adapter_modify(f.flic, 1, KVM_S390_IO_ADAPTER_UNMAP, 0), 0);
	expect_errno(adapter_modify(f.flic, 2, KVM_S390_IO_ADAPTER_MAP, 0), 0);
	expect_errno(adapter_modify(f.flic, 2, KVM_S390_IO_ADAPTER_UNMAP, 0), 0);
	for (i = 0; i < ARRAY_SIZE(bad_types); i++)
		if (!expect_errno(adapter_modify(f.flic, 2, bad_types[i], 0), EINVAL))
			diag("  type %u", bad_types[i]);
	expect_errno(adapter_modify(f.flic, MAX_ADAPTERS, KVM_S390_IO_ADAPTER_MAP, 0), EINVAL);
	expect_errno(adapter_modify(f.flic, 0xffffffff, KVM_S390_IO_ADAPTER_MAP, 0), EINVAL);
	expect_eq(pending(f.flic), 0);
}

/*
 * AIRQ_INJECT: an unknown adapter id (attr->attr, taken as a u32) -EINVAL; a registered
 * one pends an adapter interrupt on its ISC, which the GISA keeps as one
 * bit: listed once per ISC, ISC 0 first, as KVM_S390_INT_IO(1, 0, 0, 0)
 * with the word isc_to_int_word(), before the classic I/O interrupts. An
 * I/O interrupt with the AI bit by ENQUEUE or KVM_S390_INTERRUPT is the
 * same (its subchannel dropped).
 */
static void t_airq(const struct abi_test *t)
{
	struct kvm_s390_irq q[2], want[6];
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(airq_inject(f.flic, 0), EINVAL);
	expect_errno(airq_inject(f.flic, MAX_ADAPTERS), EINVAL);
	expect_errno(airq_inject(f.flic, 1ULL << 32), EINVAL);
	expect_errno(adapter_register(f.flic, 0, 6, 0, 0), 0);
	expect_errno(adapter_register(f.flic, 33, 2, 1, KVM_S390_ADAPTER_SUPPRESSIBLE), 0);
	expect_errno(adapter_register(f.flic, 34, 2, 0, 0), 0);
	/* the id is the u32 of struct kvm_s390_io_adapter (6.1's unsigned int) */
	expect_errno(airq_inject(f.flic, (1ULL << 32) | 5), EINVAL);
	expect_errno(airq_inject(f.flic, 1ULL << 32), 0);
	q[0] = irq_cio(0x0001, 0x0005, 0x55, 0);
	expect_errno(flic_enqueue(f.flic, q, 1), 0);
	expect_errno(airq_inject(f.flic, 0), 0);
	expect_errno(airq_inject(f.flic, 0), 0);
	expect_errno(airq_inject(f.flic, 33), 0);
	expect_errno(airq_inject(f.flic, 34), 0);
	want[0] = irq_ai(2);
	want[1] = irq_ai(6);
	want[2] = q[0];
	expect_irqs(f.flic, want, 3);
	/* by ENQUEUE and KVM_S390_INTERRUPT: the same bit per ISC */
	q[1] = irq_io(KVM_S390_INT_IO(1, 2, 1, 5), 0x0203, 0x0005, 0x1234, AI_WORD(0));
	expect_errno(flic_enqueue(f.flic, &q[1], 1), 0);
	expect_errno(inject_vm(f.vm, KVM_S390_INT_IO(1, 0, 0, 0), 0x00010002, AI_WORD(7)), 0);
	expect_errno(inject_vm(f.vm, KVM_S390_INT_IO(1, 0, 0, 0), 0, AI_WORD(6)), 0);
	want[0] = irq_ai(0);
	want[1] = irq_ai(2);
	want[2] = irq_ai(6);
	want[3] = irq_ai(7);
	want[4] = q[0];
	expect_irqs(f.flic, want, 5);
}

/*
 * The document: an adapter's "maskable [is] whether this adapter may be
 * masked (interrupts turned off)". A masked adapter's AIRQ_INJECT injects
 * nothing (0); unmasked it injects again. (6.1's kvm_s390_inject_airq()
 * does not look at adapter->masked; only its irq-route path does.)
 */
static void t_airq_masked(const struct abi_test *t)
{
	struct kvm_s390_irq want = irq_ai(2);
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(adapter_register(f.flic, 3, 2, 1, 0), 0);
	expect_errno(adapter_modify(f.flic, 3, KVM_S390_IO_ADAPTER_MASK, 1), 0);
	expect_errno(airq_inject(f.flic, 3), 0);
	expect_irqs(f.flic, &want, 0);
	expect_errno(adapter_modify(f.flic, 3, KVM_S390_IO_ADAPTER_MASK, 0), 0);
	expect_errno(airq_inject(f.flic, 3), 0);
	expect_irqs(f.flic, &want, 1);
}

/*
 * Adapter interrupts stay pending across GET_ALL_IRQS, whole or refused
 * with -ENOMEM ("All interrupts remain pending"), and a buffer of exactly
 * their number of entries takes them (-ENOMEM only "when the buffer is
 * too small").
 */
static void t_airq_get_keeps(const struct abi_test *t)
{
	struct kvm_s390_irq want[3], buf[3];
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(adapter_register(f.flic, 1, 1, 0, 0), 0);
	expect_errno(adapter_register(f.flic, 2, 3, 0, 0), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_errno(airq_inject(f.flic, 2), 0);
	want[0] = irq_ai(1);
	want[1] = irq_ai(3);
	expect_irqs(f.flic, want, 2);
	expect_irqs(f.flic, want, 2);
	expect_errno(flic_get_all(f.flic, buf, IRQ_SZ), ENOMEM);
	expect_irqs(f.flic, want, 2);
	memset(buf, 0, sizeof(buf));
	expect_eq(flic_get_all(f.flic, buf, 2 * IRQ_SZ), 2);
	expect_eq(memcmp(buf, want, 2 * IRQ_SZ), 0);
	/* with a classic I/O interrupt after them */
	want[2] = irq_cio(0x0001, 9, 9, 0);
	expect_errno(flic_enqueue(f.flic, &want[2], 1), 0);
	expect_errno(flic_get_all(f.flic, buf, 2 * IRQ_SZ), ENOMEM);
	expect_eq(flic_get_all(f.flic, buf, 3 * IRQ_SZ), 3);
	expect_eq(memcmp(buf, want, 3 * IRQ_SZ), 0);
	expect_irqs(f.flic, want, 3);
}

/* ------------------------------------------------------------ adapter routes */

static int route_adapters(int vm, const struct kvm_irq_routing_entry *e, __u32 n)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[4];
	} r;

	memset(&r, 0, sizeof(r));
	r.hdr.nr = n;
	memcpy(r.e, e, n * sizeof(*e));
	return ioctl(vm, KVM_SET_GSI_ROUTING, &r);
}

static struct kvm_irq_routing_entry adapter_route(__u32 gsi, __u32 id, __u64 ind, __u64 ind_off,
						   __u64 sum, __u64 sum_off)
{
	struct kvm_irq_routing_entry e;

	memset(&e, 0, sizeof(e));
	e.gsi = gsi;
	e.type = KVM_IRQ_ROUTING_S390_ADAPTER;
	e.u.adapter.ind_addr = ind;
	e.u.adapter.ind_offset = ind_off;
	e.u.adapter.summary_addr = sum;
	e.u.adapter.summary_offset = sum_off;
	e.u.adapter.adapter_id = id;
	return e;
}

/* The number of pending entries once it is n, or after 1 s. */
static int pending_becomes(int flic, int n)
{
	int i, got = -1;

	for (i = 0; i < 100; i++) {
		got = pending(flic);
		if (got == n)
			break;
		sleep_ms(10);
	}
	return got;
}

static void fire(int efd)
{
	__u64 one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		fail("eventfd write: %s", errno_name(errno));
}

/*
 * An irqfd on an adapter route (6.1 set_adapter_int(),
 * adapter_indicators_set(), get_ind_bit()): the indicator bit and the
 * summary bit are set in guest memory as the big-endian machine's
 * set_bit() sets bit (offset + byte offset in the page * 8), with swap
 * bit ^ 63 (MSB 0 within the doubleword); an adapter interrupt on the
 * adapter's ISC only when the summary bit was clear and the adapter is not
 * masked. A route to an unregistered adapter does nothing.
 */
static void t_adapter_route(const struct abi_test *t)
{
	struct kvm_irq_routing_entry e[3];
	__u8 *mem = alloc_mb(MB);
	struct kvm_s390_irq want[2];
	int e1 = new_eventfd(), e2 = new_eventfd(), e3 = new_eventfd();
	struct kvm_irqfd fd;
	struct fv f;

	(void)t;
	if (!mem || !fv_up(&f))
		return;
	expect_errno(set_region(f.vm, 0, 0, 0, MB, mem), 0);
	{
		struct kvm_s390_io_adapter a = { .id = 3, .isc = 6, .maskable = 0, .swap = 0 };

		expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &a), 0);
	}
	{
		struct kvm_s390_io_adapter a = { .id = 4, .isc = 1, .maskable = 1, .swap = 1 };

		expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &a), 0);
	}
	e[0] = adapter_route(1, 4, 0x1000, 3, 0x2000, 0);
	e[1] = adapter_route(2, 3, 0x1008, 9, 0x2008, 1);
	e[2] = adapter_route(3, 9, 0x1010, 0, 0x2010, 0);
	if (!expect_errno(route_adapters(f.vm, e, 3), 0))
		return;
	memset(&fd, 0, sizeof(fd));
	fd.fd = (__u32)e1;
	fd.gsi = 1;
	expect_errno(ioctl(f.vm, KVM_IRQFD, &fd), 0);
	fd.fd = (__u32)e2;
	fd.gsi = 2;
	expect_errno(ioctl(f.vm, KVM_IRQFD, &fd), 0);
	fd.fd = (__u32)e3;
	fd.gsi = 3;
	expect_errno(ioctl(f.vm, KVM_IRQFD, &fd), 0);

	/* swap: MSB 0 bit 3 of 0x1000, bit 0 of 0x2000 */
	fire(e1);
	want[0] = irq_ai(1);
	expect_eq(pending_becomes(f.flic, 1), 1);
	expect_irqs(f.flic, want, 1);
	if (!expect_eq(mem[0x1000], 0x10) | !expect_eq(mem[0x2000], 0x80)) {
		unsigned int i, shown = 0;

		diag("  the eventfd's count after the write: %llu",
		     (unsigned long long)eventfd_count(e1));
		for (i = 0; i < MB && shown < 8; i++)
			if (mem[i] && shown++ < 8)
				diag("  guest byte %#x is %#x", i, mem[i]);
		if (!shown)
			diag("  the slot's 1 MiB is all 0");
	}
	/* the summary bit already set: coalesced, no interrupt */
	expect_errno(flic_clear(f.flic), 0);
	fire(e1);
	sleep_ms(100);
	expect_eq(pending(f.flic), 0);
	/* the guest clears it: the next one interrupts */
	mem[0x2000] = 0;
	fire(e1);
	expect_eq(pending_becomes(f.flic, 1), 1);
	expect_eq(mem[0x2000], 0x80);

	/* no swap: bit 9 of the doubleword at 0x1008 (byte 0x100e, 0x02), 1 at 0x2008 */
	fire(e2);
	want[1] = irq_ai(6);
	expect_eq(pending_becomes(f.flic, 2), 2);
	expect_irqs(f.flic, want, 2);
	expect_eq(mem[0x100e], 0x02);
	expect_eq(mem[0x200f], 0x02);
	expect_eq(mem[0x1008] | mem[0x2008], 0);

	/* masked: the indicators, no interrupt */
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(adapter_modify(f.flic, 4, KVM_S390_IO_ADAPTER_MASK, 1), 0);
	mem[0x1000] = 0;
	mem[0x2000] = 0;
	fire(e1);
	sleep_ms(100);
	expect_eq(pending(f.flic), 0);
	expect_eq(mem[0x1000], 0x10);
	expect_eq(mem[0x2000], 0x80);
	expect_errno(adapter_modify(f.flic, 4, KVM_S390_IO_ADAPTER_MASK, 0), 0);
	mem[0x2000] = 0;
	fire(e1);
	expect_eq(pending_becomes(f.flic, 1), 1);

	/* adapter 9 is not registered: nothing */
	expect_errno(flic_clear(f.flic), 0);
	fire(e3);
	sleep_ms(100);
	expect_eq(pending(f.flic), 0);
	expect_eq(mem[0x1010] | mem[0x1017] | mem[0x2010] | mem[0x2017], 0);
}

/* ------------------------------------------------------------ AIS */

/*
 * Without KVM_ENABLE_CAP(KVM_CAP_S390_AIS) the VM has no facility 72:
 * AISM and AISM_ALL (set; get with attr >= 2) -EOPNOTSUPP; AISM_ALL get
 * with attr < 2 -EINVAL first (flic_ais_mode_get_all()). AIRQ_INJECT on a
 * suppressible adapter always injects (kvm_s390_inject_airq()).
 */
static void t_ais_off(const struct abi_test *t)
{
	struct kvm_s390_ais_all all = { 0xff, 0xff };
	struct fv f;

	(void)t;
	if (!fv_up(&f))
		return;
	expect_errno(ais_mode(f.flic, 3, AIS_MODE_SINGLE), EOPNOTSUPP);
	expect_errno(ais_mode(f.flic, 3, AIS_MODE_ALL), EOPNOTSUPP);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM, 0, g_bad_ptr), EOPNOTSUPP);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 2, &all), EOPNOTSUPP);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 2, g_bad_ptr), EOPNOTSUPP);
	expect_errno(attr_at(f.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 2, &all), EOPNOTSUPP);
	expect_errno(attr_at(f.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 0, &all), EINVAL);
	expect_errno(attr_at(f.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 1, &all), EINVAL);
	expect_eq(all.simm, 0xff);
	expect_errno(adapter_register(f.flic, 4, 5, 0, KVM_S390_ADAPTER_SUPPRESSIBLE), 0);
	expect_errno(airq_inject(f.flic, 4), 0);
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(airq_inject(f.flic, 4), 0);
	expect_eq(pending(f.flic), 1);
	/* HAS says the groups exist all the same */
	expect_errno(attr_at(f.flic, DEV_HAS, KVM_DEV_FLIC_AISM, 0, NULL), 0);
	expect_errno(attr_at(f.flic, DEV_HAS, KVM_DEV_FLIC_AISM_ALL, 0, NULL), 0);
}

/* The AIS mode masks by AISM_ALL get. */
#define expect_ais(flic, s, n) expect_ais_at(__LINE__, flic, s, n)
static void expect_ais_at(int line, int flic, __u8 simm, __u8 nimm)
{
	struct kvm_s390_ais_all all = { 0x5a, 0x5a };

	if (!expect_errno(attr_at(flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 2, &all), 0) ||
	    !expect_eq(all.simm, simm) || !expect_eq(all.nimm, nimm))
		diag("  line %d: simm %#x nimm %#x", line, all.simm, all.nimm);
}

/*
 * With KVM_CAP_S390_AIS: AISM -EFAULT, ISC > 7 -EINVAL, a mode other than
 * ALL (0) or SINGLE (1) -EINVAL; AISM_ALL get (attr >= 2, exactly 2 bytes
 * written) and set (-EFAULT) the masks, MSB 0 bit n for ISC n: all modes
 * ALL at first. SINGLE sets the ISC's simm bit and clears its nimm bit,
 * ALL clears both (modify_ais_mode()).
 */
static void t_ais_modes(const struct abi_test *t)
{
	struct kvm_s390_ais_all all = { 0xa5, 0x24 }, *edge;
	struct fv f;

	(void)t;
	f.vm = new_vm(0);
	if (!expect_errno(vm_enable_cap(f.vm, KVM_CAP_S390_AIS), 0))
		return;
	f.flic = new_flic(f.vm);
	if (f.flic < 0)
		return;
	expect_ais(f.flic, 0, 0);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM, 0, g_bad_ptr), EFAULT);
	expect_errno(ais_mode(f.flic, 8, AIS_MODE_SINGLE), EINVAL);
	expect_errno(ais_mode(f.flic, 0xff, AIS_MODE_ALL), EINVAL);
	expect_errno(ais_mode(f.flic, 2, 2), EINVAL);
	expect_errno(ais_mode(f.flic, 2, 0xffff), EINVAL);
	expect_ais(f.flic, 0, 0);
	expect_errno(ais_mode(f.flic, 2, AIS_MODE_SINGLE), 0);
	expect_errno(ais_mode(f.flic, 7, AIS_MODE_SINGLE), 0);
	expect_ais(f.flic, AIS_BIT(2) | AIS_BIT(7), 0);
	expect_errno(ais_mode(f.flic, 2, AIS_MODE_ALL), 0);
	expect_ais(f.flic, AIS_BIT(7), 0);

	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 2, g_bad_ptr), EFAULT);
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 0, &all), 0);
	expect_ais(f.flic, 0xa5, 0x24);
	/* SINGLE on an ISC in no-interruption mode: back to SINGLE */
	expect_errno(ais_mode(f.flic, 2, AIS_MODE_SINGLE), 0);
	expect_ais(f.flic, 0xa5 | AIS_BIT(2), 0x04);
	expect_errno(ais_mode(f.flic, 5, AIS_MODE_ALL), 0);
	expect_ais(f.flic, 0xa1 | AIS_BIT(2), 0);
	/* get: attr < 2 -EINVAL, -EFAULT, exactly two bytes */
	expect_errno(attr_at(f.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 1, &all), EINVAL);
	expect_errno(attr_at(f.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 2, g_bad_ptr), EFAULT);
	edge = edge_buf(sizeof(*edge));
	if (edge) {
		expect_errno(attr_at(f.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 100, edge), 0);
		expect_eq(edge->simm, 0xa1 | AIS_BIT(2));
		expect_eq(edge->nimm, 0);
		edge->simm = 0;
		edge->nimm = 0;
		expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 2, edge), 0);
		expect_ais(f.flic, 0, 0);
	}
}

/*
 * Suppression (kvm_s390_inject_airq()): on a suppressible adapter whose
 * ISC is in SINGLE mode an injection goes through and moves the ISC to
 * no-interruption mode (its nimm bit), where the next ones are dropped
 * (still 0) until AISM sets SINGLE or ALL again. ALL mode never
 * suppresses; an adapter not registered suppressible is never suppressed
 * and changes no mode.
 */
static void t_ais_suppress(const struct abi_test *t)
{
	struct kvm_s390_ais_all all = { 0, AIS_BIT(4) };
	struct kvm_s390_irq q;
	struct fv f;

	(void)t;
	f.vm = new_vm(0);
	if (!expect_errno(vm_enable_cap(f.vm, KVM_CAP_S390_AIS), 0))
		return;
	f.flic = new_flic(f.vm);
	if (f.flic < 0)
		return;
	expect_errno(adapter_register(f.flic, 1, 3, 0, KVM_S390_ADAPTER_SUPPRESSIBLE), 0);
	expect_errno(adapter_register(f.flic, 2, 3, 0, 0), 0);
	expect_errno(adapter_register(f.flic, 3, 4, 0, KVM_S390_ADAPTER_SUPPRESSIBLE), 0);

	/* ALL: every injection */
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 1);
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 1);
	expect_ais(f.flic, 0, 0);
	expect_errno(flic_clear(f.flic), 0);

	/* SINGLE: one, then suppressed */
	expect_errno(ais_mode(f.flic, 3, AIS_MODE_SINGLE), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 1);
	expect_ais(f.flic, AIS_BIT(3), AIS_BIT(3));
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 0);
	/* the unsuppressible adapter on the same ISC goes through, mode unchanged */
	expect_errno(airq_inject(f.flic, 2), 0);
	expect_eq(pending(f.flic), 1);
	expect_ais(f.flic, AIS_BIT(3), AIS_BIT(3));
	expect_errno(flic_clear(f.flic), 0);
	/* re-armed by SINGLE */
	expect_errno(ais_mode(f.flic, 3, AIS_MODE_SINGLE), 0);
	expect_ais(f.flic, AIS_BIT(3), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 1);
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 0);
	/* ALL again: no suppression */
	expect_errno(ais_mode(f.flic, 3, AIS_MODE_ALL), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 1);
	expect_ais(f.flic, 0, 0);
	expect_errno(flic_clear(f.flic), 0);
	/* no-interruption mode set directly by AISM_ALL (a restored state) */
	expect_errno(attr_at(f.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 2, &all), 0);
	expect_errno(airq_inject(f.flic, 3), 0);
	expect_eq(pending(f.flic), 0);
	expect_errno(airq_inject(f.flic, 1), 0);
	expect_eq(pending(f.flic), 1);
	/* suppression is AIRQ_INJECT's: ENQUEUE and KVM_S390_INTERRUPT still pend */
	expect_errno(flic_clear(f.flic), 0);
	q = irq_ai(4);
	expect_errno(flic_enqueue(f.flic, &q, 1), 0);
	expect_irqs(f.flic, &q, 1);
	expect_errno(flic_clear(f.flic), 0);
	expect_errno(inject_vm(f.vm, AI_TYPE, 0, AI_WORD(4)), 0);
	expect_irqs(f.flic, &q, 1);
	expect_ais(f.flic, 0, AIS_BIT(4));
}

/*
 * Facility 72 is the VM's only while its CPU model has it:
 * KVM_S390_VM_CPU_PROCESSOR without bit 72 after the capability turns
 * AISM back to -EOPNOTSUPP (test_kvm_facility() needs the mask and the
 * list); bit 72 in the list without the capability does not turn it on.
 */
static void t_ais_cpu_model(const struct abi_test *t)
{
	int vm = new_vm(0), vm2 = new_vm(0), flic, flic2;

	(void)t;
	if (!expect_errno(vm_enable_cap(vm, KVM_CAP_S390_AIS), 0))
		return;
	flic = new_flic(vm);
	flic2 = new_flic(vm2);
	if (flic < 0 || flic2 < 0)
		return;
	expect_errno(ais_mode(flic, 1, AIS_MODE_SINGLE), 0);
	if (processor_fac(vm, 72, false))
		expect_errno(ais_mode(flic, 1, AIS_MODE_SINGLE), EOPNOTSUPP);
	if (processor_fac(vm2, 72, true))
		expect_errno(ais_mode(flic2, 1, AIS_MODE_SINGLE), EOPNOTSUPP);
}

/* ------------------------------------------------------------ KVM_S390_INTERRUPT */

/*
 * KVM_S390_INTERRUPT on the VM fd (kvm_s390_inject_vm()): the floating
 * types, no FLIC needed; the FLIC made later lists them with the
 * parameters in struct kvm_s390_irq's form (I/O: subchannel id and number
 * from parm, interruption parameter and word from parm64; virtio: both;
 * service: parm; pfault done: parm64; machine check: CR14 from parm,
 * MCIC from parm64). The vCPU types -EINVAL; -EFAULT.
 */
static void t_s390_interrupt(const struct abi_test *t)
{
	static const __u32 vcpu_types[] = {
		KVM_S390_SIGP_STOP,	  KVM_S390_PROGRAM_INT,	   KVM_S390_SIGP_SET_PREFIX,
		KVM_S390_RESTART,	  KVM_S390_INT_PFAULT_INIT, KVM_S390_INT_CLOCK_COMP,
		KVM_S390_INT_CPU_TIMER,	  KVM_S390_INT_EMERGENCY,  KVM_S390_INT_EXTERNAL_CALL,
		0xfffe0006,		  0xffffffff,
	};
	struct kvm_s390_irq want[6];
	int vm = new_vm(0), flic;
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(vcpu_types); i++)
		if (!expect_errno(inject_vm(vm, vcpu_types[i], 0, 0), EINVAL))
			diag("  type %#x", vcpu_types[i]);
	expect_errno(ioctl(vm, KVM_S390_INTERRUPT, g_bad_ptr), EFAULT);
	expect_errno(inject_vm(vm, KVM_S390_INT_IO(0, 1, 2, 0x33), 0x00050033,
			       0xdeadbeef00000000ULL | IO_WORD(5)),
		     0);
	expect_errno(inject_vm(vm, KVM_S390_INT_VIRTIO, 0x11223344, 0x5566778899aabbccULL), 0);
	expect_errno(inject_vm(vm, KVM_S390_INT_SERVICE, 0x7ff000, 0x1234), 0);
	expect_errno(inject_vm(vm, KVM_S390_INT_PFAULT_DONE, 0x77, 0x8000000000000123ULL), 0);
	expect_errno(inject_vm(vm, KVM_S390_MCHK, CR14_CRW | 0x0f000000, 0x00400f1d40330000ULL),
		     0);
	expect_errno(inject_vm(vm, KVM_S390_INT_IO_MAX, 0x0001ffff, IO_WORD(1)), 0);
	flic = new_flic(vm);
	if (flic < 0)
		return;
	/* KVM_S390_INT_IO_MAX has the AI bit: an adapter interrupt */
	want[0] = irq_ai(1);
	want[1] = irq_io(KVM_S390_INT_IO(0, 1, 2, 0x33), 0x0005, 0x0033, 0xdeadbeef, IO_WORD(5));
	want[2] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 0x8000000000000123ULL);
	want[3] = irq_ext(KVM_S390_INT_VIRTIO, 0x11223344, 0x5566778899aabbccULL);
	want[4] = irq_ext(KVM_S390_INT_SERVICE, 0x7ff000, 0);
	want[5] = irq_mchk(CR14_CRW, 0x00400f1d40330000ULL);
	expect_irqs(flic, want, 6);
}

/* ------------------------------------------------------------ limits */

/* n copies of q, the I/O subchannel numbers counting from 1. */
static struct kvm_s390_irq *fill(struct kvm_s390_irq q, size_t n)
{
	struct kvm_s390_irq *b = alloc_mem(n * IRQ_SZ);
	size_t i;

	if (!b)
		return NULL;
	for (i = 0; i < n; i++) {
		b[i] = q;
		if (q.type <= KVM_S390_INT_IO_MAX)
			b[i].u.io.subchannel_nr = (__u16)(i + 1);
	}
	return b;
}

/*
 * The floating lists' limits (__inject_io(), __inject_virtio(),
 * __inject_pfault_done()): KVM_S390_MAX_FLOAT_IRQS classic I/O
 * interrupts, 87381 virtio, 64 * 255 pfault-done; one more -EBUSY
 * (ENQUEUE keeps those before it; KVM_S390_INTERRUPT too). Adapter
 * interrupts, service signals and machine checks have no limit (they
 * merge). CLEAR_IRQS makes room again.
 */
static void t_limits(const struct abi_test *t)
{
	static const struct {
		__u64 type;
		size_t max;
	} lim[] = {
		{ KVM_S390_INT_IO(0, 0, 0, 1), MAX_IO },
		{ KVM_S390_INT_VIRTIO, MAX_VIRTIO },
		{ KVM_S390_INT_PFAULT_DONE, MAX_PFAULT },
	};
	struct kvm_s390_irq *b, *out, q;
	struct timespec t0, t1;
	struct fv f;
	size_t i;
	int n;

	(void)t;
	if (!fv_up(&f))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	out = alloc_mem((MAX_IO + 8) * IRQ_SZ);
	if (!out)
		return;
	for (i = 0; i < ARRAY_SIZE(lim); i++) {
		q = lim[i].type <= KVM_S390_INT_IO_MAX ? irq_cio(0x0001, 0, 0x99, 3) :
							 irq_ext(lim[i].type, 0x1, 0x2);
		b = fill(q, lim[i].max + 1);
		if (!b)
			return;
		if (!expect_errno(flic_enqueue(f.flic, b, lim[i].max + 1), EBUSY))
			diag("  type %s, %zu entries", type_name(lim[i].type), lim[i].max + 1);
		n = flic_get_all(f.flic, out, (MAX_IO + 8) * IRQ_SZ);
		if (!expect_eq(n, (long long)lim[i].max))
			diag("  type %s", type_name(lim[i].type));
		else
			expect_eq(memcmp(out, b, lim[i].max * IRQ_SZ), 0);
		expect_errno(inject_vm(f.vm, (__u32)lim[i].type, 0, IO_WORD(3)), EBUSY);
		/* the others are not limited by this one */
		expect_errno(inject_vm(f.vm, AI_TYPE, 0, AI_WORD(5)), 0);
		expect_errno(inject_vm(f.vm, KVM_S390_INT_SERVICE, 0x8000, 0), 0);
		expect_errno(inject_vm(f.vm, KVM_S390_MCHK, CR14_CRW, 1), 0);
		expect_errno(flic_clear(f.flic), 0);
		expect_errno(flic_enqueue(f.flic, b, 1), 0);
		expect_errno(flic_clear(f.flic), 0);
		xmunmap(b, (lim[i].max + 1) * IRQ_SZ);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		diag("  %s: %.2f s", type_name(lim[i].type),
		     (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
		t0 = t1;
	}
}

/* ------------------------------------------------------------ save/restore */

/*
 * Migration of the FLIC's state: GET_ALL_IRQS of one VM, ENQUEUE of that
 * buffer into a fresh VM's FLIC, and the new FLIC lists the same entries,
 * byte for byte: I/O on several ISCs, service, virtio, machine check,
 * pfault done, adapter interrupts. The AIS state goes by AISM_ALL.
 */
static void t_save_restore(const struct abi_test *t)
{
	struct kvm_s390_irq in[12], *saved;
	struct kvm_s390_ais_all ais = { 0, 0 };
	struct fv a, b;
	int n;

	(void)t;
	a.vm = new_vm(0);
	b.vm = new_vm(0);
	if (!expect_errno(vm_enable_cap(a.vm, KVM_CAP_S390_AIS), 0) ||
	    !expect_errno(vm_enable_cap(b.vm, KVM_CAP_S390_AIS), 0))
		return;
	a.flic = new_flic(a.vm);
	b.flic = new_flic(b.vm);
	saved = alloc_mem(64 * IRQ_SZ);
	if (a.flic < 0 || b.flic < 0 || !saved)
		return;
	in[0] = irq_cio(0x0001, 0x0010, 0x10, 3);
	in[1] = irq_cio(0x0001, 0x0011, 0x11, 0);
	in[2] = irq_cio(0x0003, 0x0012, 0x12, 3);
	in[3] = irq_cio(0x0001, 0x0013, 0x13, 6);
	in[4] = irq_ext(KVM_S390_INT_SERVICE, 0x7f8000 | 1, 0);
	in[5] = irq_ext(KVM_S390_INT_VIRTIO, 0x2603, 0x123456789ULL);
	in[6] = irq_ext(KVM_S390_INT_VIRTIO, 0x2604, 0x987654321ULL);
	in[7] = irq_mchk(CR14_CRW, 0x00400f1d40330000ULL);
	in[8] = irq_ext(KVM_S390_INT_PFAULT_DONE, 0, 0x8000000000002000ULL);
	in[9] = irq_ai(2);
	in[10] = irq_ai(5);
	in[11] = irq_cio(0x0001, 0x0014, 0x14, 0);
	expect_errno(flic_enqueue(a.flic, in, 12), 0);
	expect_errno(ais_mode(a.flic, 5, AIS_MODE_SINGLE), 0);
	expect_errno(adapter_register(a.flic, 1, 5, 0, KVM_S390_ADAPTER_SUPPRESSIBLE), 0);
	expect_errno(airq_inject(a.flic, 1), 0);

	n = flic_get_all(a.flic, saved, 64 * IRQ_SZ);
	if (!expect_eq(n, 12))
		return;
	expect_errno(attr_at(a.flic, DEV_GET, KVM_DEV_FLIC_AISM_ALL, 2, &ais), 0);
	expect_errno(flic_enqueue(b.flic, saved, (size_t)n), 0);
	expect_errno(attr_at(b.flic, DEV_SET, KVM_DEV_FLIC_AISM_ALL, 2, &ais), 0);
	expect_irqs(b.flic, saved, n);
	expect_ais(b.flic, AIS_BIT(5), AIS_BIT(5));
	/* the source still has its state */
	expect_irqs(a.flic, saved, n);
}

#define S M_S390
static const struct abi_test s390_flic_tests[] = {
	{ "s390 KVM_CAP_S390_AIS and _AIS_MIGRATION 1; ENABLE_CAP(AIS): flags -EINVAL, -EBUSY "
	  "after a vCPU",
	  REF_AIS, t_caps, S, 0, 0, 0 },
	{ "FLIC: one per VM (-EINVAL, TEST 0, also after its fd is closed), kvm-flic",
	  REF, t_one_flic, S, 0, 0, 0 },
	{ "FLIC: its fd keeps the VM: usable after the VM fd is closed, freed with interrupts "
	  "pending",
	  REF, t_flic_keeps_vm, S, 0, 0, 0 },
	{ "FLIC: HAS of the 11 groups 0, else -ENXIO; SET/GET of an unknown or other-way group "
	  "-EINVAL; -EFAULT",
	  REF, t_groups, S, 0, 0, 0 },
	{ "FLIC ENQUEUE: length not a multiple of 72 or above the maximum -EINVAL, 0 queues "
	  "nothing",
	  REF, t_enqueue_len, S, 0, 0, 0 },
	{ "FLIC ENQUEUE: a length of 2 GiB or past 32 bits is above the maximum: -EINVAL, "
	  "nothing queued",
	  REF, t_enqueue_len64, S, 0, 0, 0 },
	{ "FLIC ENQUEUE: stops at the first bad entry (earlier ones queued): bad type or "
	  "PFAULT_INIT -EINVAL, -EFAULT",
	  REF, t_enqueue_stop, S, 0, 0, 0 },
	{ "FLIC GET_ALL_IRQS: len 0 or > max -EINVAL, count, too small -ENOMEM, exact fits, "
	  "-EFAULT, nothing removed",
	  REF, t_get_all, S, 0, 0, 0 },
	{ "FLIC GET_ALL_IRQS order: adapter, I/O by ISC, pfault done, virtio, service, mchk; "
	  "payloads kept",
	  REF, t_order, S, 0, 0, 0 },
	{ "FLIC: service signals merge into one entry (first SCCB, event bits ORed)", REF,
	  t_service_merge, S, 0, 0, 0 },
	{ "FLIC: floating machine checks merge (MCICs ORed, CR14 channel-report bit only)", REF,
	  t_mchk_merge, S, 0, 0, 0 },
	{ "FLIC CLEAR_IRQS deletes every pending floating interrupt, adapters stay", REF, t_clear,
	  S, 0, 0, 0 },
	{ "FLIC CLEAR_IO_IRQ: flags, length != 4, schid 0 -EINVAL, -EFAULT; removes one of the "
	  "subchannel",
	  REF, t_clear_io, S, 0, 0, 0 },
	{ "FLIC CLEAR_IO_IRQ leaves service, virtio, machine checks and adapter interrupts", REF,
	  t_clear_io_others, S, 0, 0, 0 },
	{ "FLIC APF_ENABLE and APF_DISABLE_WAIT: 0 with or without vCPUs", REF, t_apf, S, 0, 0,
	  0 },
	{ "FLIC ADAPTER_REGISTER: id >= 64 -EINVAL, duplicate -EINVAL, -EFAULT, unknown flags "
	  "ignored",
	  REF, t_adapter_register, S, 0, 0, 0 },
	{ "FLIC ADAPTER_MODIFY: unknown adapter, MASK of an unmaskable one, bad type -EINVAL; "
	  "MAP/UNMAP no-ops",
	  REF, t_adapter_modify, S, 0, 0, 0 },
	{ "FLIC AIRQ_INJECT: unknown id -EINVAL; one pending entry per ISC, ISC order, before "
	  "classic I/O",
	  REF, t_airq, S, 0, 0, 0 },
	{ "FLIC AIRQ_INJECT on a masked adapter injects nothing (document: masked = interrupts "
	  "off; 6.1 injects)",
	  REF, t_airq_masked, S, 0, 0, 0 },
	{ "FLIC GET_ALL_IRQS leaves adapter interrupts pending, an exact-size buffer takes them",
	  REF, t_airq_get_keeps, S, 0, 0, 0 },
	{ "FLIC adapter routes: an irqfd sets indicator and summary bits (swap or not), interrupts "
	  "once per summary, not masked",
	  REF, t_adapter_route, S, 0, 0, 0 },
	{ "FLIC without KVM_CAP_S390_AIS: AISM, AISM_ALL -EOPNOTSUPP (get attr < 2 -EINVAL); no "
	  "suppression",
	  REF_AIS, t_ais_off, S, 0, 0, 0 },
	{ "FLIC AISM (isc > 7, bad mode -EINVAL, -EFAULT) and AISM_ALL get/set with "
	  "KVM_CAP_S390_AIS",
	  REF_AIS, t_ais_modes, S, 0, 0, 0 },
	{ "FLIC AIRQ_INJECT suppression: SINGLE mode injects once, then none until re-armed; "
	  "ALL; unsuppressible",
	  REF_AIS, t_ais_suppress, S, 0, 0, 0 },
	{ "FLIC AIS follows facility 72 of the CPU model (cleared: -EOPNOTSUPP; set without the "
	  "cap: none)",
	  REF_AIS, t_ais_cpu_model, S, 0, 0, 0 },
	{ "KVM_S390_INTERRUPT (VM): floating types queued (no FLIC needed), payload mapping; "
	  "vCPU types -EINVAL",
	  REF_INT, t_s390_interrupt, S, 0, 0, 0 },
	{ "FLIC limits: I/O 266250, virtio 87381, pfault done 16320, then -EBUSY; merged kinds "
	  "unlimited",
	  REF, t_limits, S, 0, 0, 0 },
	{ "FLIC save (GET_ALL_IRQS, AISM_ALL) and restore (ENQUEUE) into a fresh VM, entry for "
	  "entry",
	  REF, t_save_restore, S, 0, 0, 0 },
};

TEST_GROUP(s390_flic);
