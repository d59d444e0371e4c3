// SPDX-License-Identifier: GPL-2.0
/*
 * The s390 node as QEMU's s390x machine sets a VM up and its guest takes
 * floating interrupts: the CPU model (KVM_S390_VM_CPU_MACHINE read, then
 * PROCESSOR, PROCESSOR_FEAT and PROCESSOR_SUBFUNC written from it and
 * read back), KVM_CAP_S390_AIS, the crypto key wrapping, the TOD clock
 * (TOD_EXT); the FLIC with an adapter subject to adapter-interruption
 * suppression (AIS SINGLE mode, AIRQ_INJECT), classic I/O interrupts
 * (ENQUEUE, KVM_S390_INTERRUPT) and a service signal; the guest
 * (KVM_SET_SREGS for CR0 and CR6, the PSW mask in kvm_run,
 * KVM_EXT_GUEST_ACCESS with KVM_EXT_ACCESS_INTERRUPT) takes them by
 * priority; the FLIC is saved (GET_ALL_IRQS, retried with a bigger buffer
 * on -ENOMEM, and AISM_ALL) and restored into a fresh VM (ENQUEUE),
 * entry for entry. Then a migration-mode round as QEMU's s390 storage
 * attributes do it: CMMA enabled before any vCPU, a dirty-logged memslot,
 * MIGRATION_START, STATUS, KVM_S390_GET_CMMA_BITS, the dirty log, STOP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ext.h>

#include "s390_demo.h"

/* arch/s390/include/uapi/asm/kvm.h */
#ifndef KVM_S390_AIS_MODE_ALL
#define KVM_S390_AIS_MODE_ALL 0
#define KVM_S390_AIS_MODE_SINGLE 1
#endif

#define ISC_AIRQ 3
#define ADAPTER 5	/* subject to AIS */
#define ADAPTER_PLAIN 6 /* not suppressible, same ISC */
/* CR6's I/O-interruption subclass mask, CR0's service-signal subclass mask */
#define CR6_ISC(isc) ((__u64)(0x80 >> (isc)) << 24)
#define CR0_SERVICE_SIGNAL 0x200ULL
/* an I/O interruption code's word: the ISC, and the adapter bit */
#define INT_WORD(isc) ((__u32)(isc) << 27)
#define AI_WORD(isc) (0x80000000U | INT_WORD(isc))
#define SCHID 0x0001 /* css 0, subchannel set 0, and the one bit */
#define SCCB 0x7ff000U
#define MAX_SAVE 64
#define RAM_PAGES 256
#define RAM_SIZE (RAM_PAGES * 4096UL)

static int failures;

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("    UNEXPECTED: %s\n", what);
		failures++;
	}
}

/* errno's name for the ones the ABI gives here */
static const char *err(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EINVAL, "EINVAL" }, { EBUSY, "EBUSY" }, { ENXIO, "ENXIO" },
		{ ENOMEM, "ENOMEM" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ENOTTY, "ENOTTY" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return strerror(e);
}

static int attr(int fd, unsigned long op, __u32 group, __u64 a, void *val)
{
	struct kvm_device_attr at = { .group = group, .attr = a, .addr = (unsigned long)val };

	return ioctl(fd, op, &at);
}

static int fac(const __u64 *list, int nr)
{
	return (list[nr / 64] >> (63 - nr % 64)) & 1;
}

static int popcount(const __u64 *v, int words)
{
	int i, n = 0;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(v[i]);
	return n;
}

/* A classic I/O interrupt of subchannel nr on isc, as QEMU's FLIC enqueues one. */
static struct kvm_s390_irq io_irq(__u16 nr, int isc, __u32 parm)
{
	struct kvm_s390_irq irq = { .type = KVM_S390_INT_IO(0, 0, 0, nr) };

	irq.u.io.subchannel_id = SCHID;
	irq.u.io.subchannel_nr = nr;
	irq.u.io.io_int_parm = parm;
	irq.u.io.io_int_word = INT_WORD(isc);
	return irq;
}

/*
 * GET_ALL_IRQS as QEMU's kvm_flic_save() does it: a buffer, doubled on
 * -ENOMEM. Returns how many interrupts (the ioctl's value) or -errno;
 * *tries: how many calls it took.
 */
static int get_all(int flic, struct kvm_s390_irq *buf, int max, int first, int *tries)
{
	int n = first, r;

	for (*tries = 1;; (*tries)++) {
		r = attr(flic, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_GET_ALL_IRQS,
			 (__u64)n * sizeof(*buf), buf);
		if (r >= 0)
			return r;
		if (errno != ENOMEM || n >= max)
			return -errno;
		n = n * 2 > max ? max : n * 2;
	}
}

static int pending(int flic)
{
	static struct kvm_s390_irq buf[MAX_SAVE];
	int tries;

	return get_all(flic, buf, MAX_SAVE, MAX_SAVE, &tries);
}

/*
 * The guest takes the interruption its PSW and control registers enable:
 * KVM_EXT_RESULT_KERNEL with *type, *parm, *parm64; KVM_EXT_RESULT_NONE.
 */
static int take(int vcpu, __u64 *type, __u64 *parm, __u64 *parm64)
{
	struct kvm_ext_guest_access a = { .kind = KVM_EXT_ACCESS_INTERRUPT };

	if (ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &a)) {
		printf("    KVM_EXT_ACCESS_INTERRUPT: %s\n", strerror(errno));
		return -1;
	}
	*type = a.data;
	*parm = a.args[0];
	*parm64 = a.args[1];
	return (int)a.result;
}

static void set_psw_mask(struct kvm_run *run, __u64 mask)
{
	*(__u64 *)((char *)run + KVM_EXT_S390_RUN_PSW_MASK) = mask;
}

/* KVM_RUN of the idle guest: an interrupt exit at once, or -EINTR at a SIGALRM 20 ms later. */
static int run_exits(int vcpu, struct kvm_run *run)
{
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	int r;

	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(vcpu, KVM_RUN, 0);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	if (r == 0 && run->exit_reason == KVM_EXIT_EXT_INTERRUPT)
		return 1;
	must(r == -1 && errno == EINTR, "KVM_RUN: an interrupt exit or the signal");
	return 0;
}

static int enable_ais(int vm)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_S390_AIS };

	return ioctl(vm, KVM_ENABLE_CAP, &c);
}

static int create_flic(int vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_FLIC };

	if (ioctl(vm, KVM_CREATE_DEVICE, &cd))
		return -1;
	return (int)cd.fd;
}

/*
 * The CPU model as QEMU's s390x machine sets it before its vCPUs: the
 * machine's CPUID and newest IBC, its facilities that KVM offers
 * (fac_list & fac_mask), its features and subfunctions; each read back.
 */
static void cpu_model(int vm)
{
	static struct kvm_s390_vm_cpu_machine mach;
	static struct kvm_s390_vm_cpu_processor proc, back;
	static struct kvm_s390_vm_cpu_feat feat, feat_back;
	static struct kvm_s390_vm_cpu_subfunc sub, sub_back;
	static const char *const names[] = {
		"esop", "sief2", "64bscao", "siif", "gpere", "gsls", "ib", "cei",
		"ibs", "skey", "cmma", "pfmfi", "sigpif", "kss",
	};
	char list[160] = "";
	int i, r;

	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE,
		  &mach) == 0, "CPU_MACHINE read");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL,
		  KVM_S390_VM_CPU_MACHINE_FEAT, &feat) == 0, "CPU_MACHINE_FEAT read");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL,
		  KVM_S390_VM_CPU_MACHINE_SUBFUNC, &sub) == 0, "CPU_MACHINE_SUBFUNC read");
	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (feat.feat[0] >> (63 - i) & 1)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 *list ? " " : "", names[i]);
	printf("    CPU_MACHINE: cpuid %#018llx, ibc %#x (lowest %#x, unblocked %#x); "
	       "%d facilities offered, %d of them by KVM (fac_mask); AIS (72) %d/%d\n",
	       mach.cpuid, mach.ibc, mach.ibc >> 16 & 0xfff, mach.ibc & 0xfff,
	       popcount(mach.fac_list, 256), popcount(mach.fac_mask, 256),
	       fac(mach.fac_list, 72), fac(mach.fac_mask, 72));
	printf("    CPU_MACHINE_FEAT: %s; MACHINE_SUBFUNC: plo %02x%02x.., kdsa %02x%02x..\n",
	       *list ? list : "none", sub.plo[0], sub.plo[1], sub.kdsa[0], sub.kdsa[1]);

	/* the document: a read before the first write fails */
	r = attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC,
		 &sub_back);
	printf("    PROCESSOR_SUBFUNC read before any write: %s\n",
	       r ? (errno == EINVAL ? "EINVAL (vm.rst; 6.1 gives the zeroed block)" :
		    err(errno)) : "0 (as 6.1; vm.rst says it fails)");

	r = failures;
	memset(&proc, 0, sizeof(proc));
	proc.cpuid = mach.cpuid;
	proc.ibc = mach.ibc & 0xfff;
	for (i = 0; i < 256; i++)
		proc.fac_list[i] = mach.fac_list[i] & mach.fac_mask[i];
	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR,
		  &proc) == 0, "PROCESSOR written");
	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR_FEAT,
		  &feat) == 0, "PROCESSOR_FEAT written");
	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL,
		  KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, &sub) == 0, "PROCESSOR_SUBFUNC written");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR,
		  &back) == 0, "PROCESSOR read");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR_FEAT,
		  &feat_back) == 0, "PROCESSOR_FEAT read");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL,
		  KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, &sub_back) == 0, "PROCESSOR_SUBFUNC read");
	must(back.cpuid == proc.cpuid && back.ibc == proc.ibc &&
	     !memcmp(back.fac_list, proc.fac_list, sizeof(proc.fac_list)),
	     "PROCESSOR reads back as written");
	must(!memcmp(&feat, &feat_back, sizeof(feat)), "PROCESSOR_FEAT reads back as written");
	must(!memcmp(&sub, &sub_back, sizeof(sub)), "PROCESSOR_SUBFUNC reads back as written");
	printf("    PROCESSOR set (cpuid, ibc %#x, %d facilities), PROCESSOR_FEAT and "
	       "PROCESSOR_SUBFUNC (kdsa %02x%02x..) set from the machine: read back %s\n",
	       proc.ibc, popcount(proc.fac_list, 256), sub_back.kdsa[0], sub_back.kdsa[1],
	       failures == r ? "identical" : "NOT as written");

	/* KVM_CAP_S390_AIS turns facility 72 on in the model and the mask */
	must(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_S390_AIS) == 1, "KVM_CAP_S390_AIS offered");
	r = enable_ais(vm) ? -errno : 0;
	must(r == 0, "KVM_ENABLE_CAP(S390_AIS)");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR,
		  &back) == 0, "PROCESSOR read");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE,
		  &mach) == 0, "CPU_MACHINE read");
	must(fac(back.fac_list, 72) && fac(mach.fac_mask, 72), "facility 72 after the cap");
	printf("    KVM_ENABLE_CAP(S390_AIS) -> %d: facility 72 now in PROCESSOR's list %d and "
	       "MACHINE's fac_mask %d\n", r, fac(back.fac_list, 72), fac(mach.fac_mask, 72));

	/* what QEMU's kvm_s390_crypto_reset() asks for with MSA3 (facility 76) */
	r = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_AES_KW,
		 NULL);
	i = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_DEA_KW,
		 NULL);
	must(fac(back.fac_list, 76) ? r == 0 && i == 0 : r == -1 && i == -1,
	     "crypto key wrapping as MSA3 allows");
	printf("    CRYPTO ENABLE_AES_KW, ENABLE_DEA_KW -> %d, %d (MSA3, facility 76, in the "
	       "model: %d)\n", r ? -errno : 0, i ? -errno : 0, fac(back.fac_list, 76));
}

/* The TOD as QEMU's kvm_s390_set_clock_ext() sets it, read back. */
static void tod(int vm)
{
	struct kvm_s390_vm_tod_clock set = { .tod = 0xdabc000000000000ULL }, got = { 0 };
	__u64 low = 0;
	int r;

	must(attr(vm, KVM_HAS_DEVICE_ATTR, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, NULL) == 0,
	     "TOD_EXT exists");
	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, &set) == 0,
	     "TOD_EXT written");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, &got) == 0,
	     "TOD_EXT read");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &low) == 0,
	     "TOD_LOW read");
	/* it runs on: bit 51 is a microsecond; within 10 s */
	must(got.epoch_idx == 0 && got.tod >= set.tod && got.tod - set.tod < 10000000ULL << 12 &&
	     low >= got.tod, "the TOD runs on from what was set");
	set.epoch_idx = 1;
	r = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, &set);
	printf("    TOD_EXT set %#llx, read %#llx (+%.1f us), TOD_LOW %#llx; epoch index 1: "
	       "%s\n", set.tod, got.tod, (double)(got.tod - set.tod) / 4096, low,
	       r ? err(errno) : "accepted (multiple-epoch facility 139)");
}

static int airq(int flic, int id)
{
	return attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_AIRQ_INJECT, id, NULL);
}

static int clear_irqs(int flic)
{
	return attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_CLEAR_IRQS, 0, NULL);
}

/*
 * An adapter subject to AIS in SINGLE mode: the first AIRQ_INJECT gets
 * through and sets the ISC's no-interruption mode, the next are
 * suppressed until the mode is set again; a plain adapter on the same ISC
 * is not suppressed. The machine has a GISA, which holds an adapter
 * interrupt as one pending bit per ISC (6.1's __inject_io()), so what gets
 * through shows once the ISC's bit has been cleared (CLEAR_IRQS, for the
 * guest's taking it). Leaves ISC 3's bit pending, in SINGLE mode.
 */
static void adapters(int flic)
{
	struct kvm_s390_io_adapter ad = { .id = ADAPTER, .isc = ISC_AIRQ, .maskable = 1,
					  .flags = KVM_S390_ADAPTER_SUPPRESSIBLE };
	struct kvm_s390_ais_req req = { .isc = ISC_AIRQ, .mode = KVM_S390_AIS_MODE_SINGLE };
	struct kvm_s390_ais_all all = { 0 };
	int n1, n2, n3, n4;

	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &ad) == 0,
	     "ADAPTER_REGISTER (suppressible)");
	ad.id = ADAPTER_PLAIN;
	ad.flags = 0;
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &ad) == 0,
	     "ADAPTER_REGISTER (plain)");
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &ad) == -1 &&
	     errno == EINVAL, "a second registration of an id is EINVAL");
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_AISM, 0, &req) == 0, "AISM SINGLE");
	must(airq(flic, ADAPTER) == 0, "AIRQ_INJECT (suppressible)");
	n1 = pending(flic);
	must(attr(flic, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_AISM_ALL, sizeof(all), &all) == 0,
	     "AISM_ALL read");
	must(n1 == 1 && all.simm == 0x80 >> ISC_AIRQ && all.nimm == 0x80 >> ISC_AIRQ,
	     "the first gets through and suppresses the ISC (simm and nimm set)");
	printf("    adapters %d (ISC %d, suppressible) and %d (ISC %d, plain); AISM ISC %d SINGLE; "
	       "AIRQ_INJECT(%d): %d pending, AISM_ALL simm %#x nimm %#x\n", ADAPTER, ISC_AIRQ,
	       ADAPTER_PLAIN, ISC_AIRQ, ISC_AIRQ, ADAPTER, n1, all.simm, all.nimm);

	must(clear_irqs(flic) == 0 && pending(flic) == 0, "CLEAR_IRQS");
	must(airq(flic, ADAPTER) == 0 && airq(flic, ADAPTER) == 0, "AIRQ_INJECT (suppressed)");
	n2 = pending(flic);
	must(airq(flic, ADAPTER_PLAIN) == 0 && airq(flic, ADAPTER_PLAIN) == 0,
	     "AIRQ_INJECT (plain)");
	n3 = pending(flic);
	must(n2 == 0 && n3 == 1, "suppressed, then the plain adapter's");
	must(airq(flic, 99) == -1 && errno == EINVAL, "AIRQ_INJECT of no adapter is EINVAL");
	printf("    CLEAR_IRQS; 2 x AIRQ_INJECT(%d): %d pending (suppressed); 2 x AIRQ_INJECT(%d): "
	       "%d (not suppressible; the GISA keeps one per ISC); AIRQ_INJECT(99): EINVAL\n",
	       ADAPTER, n2, ADAPTER_PLAIN, n3);

	/* the guest re-enables (SIC): SINGLE again, one more gets through */
	must(clear_irqs(flic) == 0, "CLEAR_IRQS");
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_AISM, 0, &req) == 0, "AISM SINGLE again");
	must(airq(flic, ADAPTER) == 0, "AIRQ_INJECT after re-arming");
	n4 = pending(flic);
	must(n4 == 1, "one more after SINGLE is set again");
	/* ALL mode: nothing suppressed, and neither mask bit left */
	req.mode = KVM_S390_AIS_MODE_ALL;
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_AISM, 0, &req) == 0, "AISM ALL");
	must(attr(flic, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_AISM_ALL, sizeof(all), &all) == 0 &&
	     all.simm == 0 && all.nimm == 0, "ALL mode clears simm and nimm");
	req.mode = KVM_S390_AIS_MODE_SINGLE;
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_AISM, 0, &req) == 0, "AISM SINGLE");
	printf("    CLEAR_IRQS, AISM SINGLE again (the guest's SIC), AIRQ_INJECT(%d): %d pending; "
	       "AISM ALL clears simm/nimm; back to SINGLE\n", ADAPTER, n4);
}

/* Entries from GET_ALL_IRQS, one short line each. */
static void show(const struct kvm_s390_irq *irq, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct kvm_s390_irq *q = &irq[i];

		if (q->type == KVM_S390_INT_SERVICE)
			printf("      [%d] service signal, ext_params %#x\n", i, q->u.ext.ext_params);
		else if (q->type <= KVM_S390_INT_IO_MAX)
			printf("      [%d] I/O%s ISC %u, subchannel %04x:%04x, parm %#x, word %#x\n",
			       i, q->type & KVM_S390_INT_IO_AI_MASK ? " (adapter)" : "",
			       (q->u.io.io_int_word >> 27) & 7, q->u.io.subchannel_id,
			       q->u.io.subchannel_nr, q->u.io.io_int_parm, q->u.io.io_int_word);
		else
			printf("      [%d] type %#llx\n", i, (unsigned long long)q->type);
	}
}

/* KVM_S390_INTERRUPT of a service signal or an I/O interrupt, as QEMU's older path. */
static int s390_interrupt(int vm, __u32 type, __u32 parm, __u64 parm64)
{
	struct kvm_s390_interrupt s = { .type = type, .parm = parm, .parm64 = parm64 };

	return ioctl(vm, KVM_S390_INTERRUPT, &s);
}

static void print_take(const char *what, int r, __u64 type, __u64 parm, __u64 parm64)
{
	if (r == KVM_EXT_RESULT_KERNEL)
		printf("      %s: type %#llx, parm %#llx, parm64 %#llx\n", what,
		       (unsigned long long)type, (unsigned long long)parm,
		       (unsigned long long)parm64);
	else
		printf("      %s: %s\n", what,
		       r == KVM_EXT_RESULT_NONE ? "KVM_EXT_RESULT_NONE (nothing enabled)" : "error");
}

/*
 * The guest: CR6 enables ISCs 3 and 5, CR0 the service signal; with only
 * the PSW's I/O bit it takes ISC 3's classic I/O interrupt (6.1's
 * kvm_s390_get_io_int() prefers it to the GISA's on the same ISC), with
 * the external bit as well the service signal comes first, then ISC 3's
 * adapter interrupt; with the mask 0 nothing.
 */
static void guest(int vcpu, struct kvm_run *run)
{
	struct kvm_ext_s390_sregs sr, back;
	__u64 type, parm, parm64;
	int r, up;

	must(ioctl(vcpu, KVM_EXT_S390_GET_SREGS, &sr) == 0, "KVM_GET_SREGS");
	printf("    vCPU 0: KVM_GET_SREGS CR0 %#llx CR6 %#llx CR14 %#llx (initial reset); ",
	       sr.crs[0], sr.crs[6], sr.crs[14]);
	sr.crs[0] |= CR0_SERVICE_SIGNAL;
	sr.crs[6] = CR6_ISC(3) | CR6_ISC(5);
	must(ioctl(vcpu, KVM_EXT_S390_SET_SREGS, &sr) == 0, "KVM_SET_SREGS");
	must(ioctl(vcpu, KVM_EXT_S390_GET_SREGS, &back) == 0 && !memcmp(&sr, &back, sizeof(sr)),
	     "sregs read back");
	printf("set CR0 %#llx, CR6 %#llx (ISCs 3, 5)\n", back.crs[0], back.crs[6]);

	set_psw_mask(run, 0);
	up = run_exits(vcpu, run);
	must(!up, "KVM_RUN waits with the PSW disabled");
	set_psw_mask(run, KVM_EXT_S390_PSW_MASK_IO);
	must(run_exits(vcpu, run), "KVM_RUN exits for an enabled I/O interrupt");
	printf("    KVM_RUN: PSW mask 0 -> waits (SIGALRM, EINTR); PSW I/O bit -> "
	       "KVM_EXIT_EXT_INTERRUPT\n");
	printf("    the guest takes (KVM_EXT_ACCESS_INTERRUPT):\n");
	r = take(vcpu, &type, &parm, &parm64);
	print_take("PSW I/O", r, type, parm, parm64);
	must(r == KVM_EXT_RESULT_KERNEL && type == KVM_S390_INT_IO(0, 0, 0, 0x13) &&
	     parm == (SCHID << 16 | 0x13) && parm64 == ((__u64)0x1313 << 32 | INT_WORD(3)),
	     "ISC 3's classic interrupt first (before the GISA's on the same ISC)");
	set_psw_mask(run, KVM_EXT_S390_PSW_MASK_IO | KVM_EXT_S390_PSW_MASK_EXT);
	r = take(vcpu, &type, &parm, &parm64);
	print_take("PSW I/O+EXT", r, type, parm, parm64);
	must(r == KVM_EXT_RESULT_KERNEL && type == KVM_S390_INT_SERVICE && parm == SCCB,
	     "the service signal before I/O");
	r = take(vcpu, &type, &parm, &parm64);
	print_take("PSW I/O+EXT", r, type, parm, parm64);
	must(r == KVM_EXT_RESULT_KERNEL && type == KVM_S390_INT_IO(1, 0, 0, 0) && parm == 0 &&
	     parm64 == AI_WORD(ISC_AIRQ), "then ISC 3's adapter interrupt (the GISA's)");
	set_psw_mask(run, 0);
	r = take(vcpu, &type, &parm, &parm64);
	print_take("PSW 0", r, type, parm, parm64);
	must(r == KVM_EXT_RESULT_NONE && type == 0, "nothing with the PSW disabled");
}

/* The save: GET_ALL_IRQS from a 2-entry buffer up, and AISM_ALL. */
static int save(int flic, struct kvm_s390_irq *buf, struct kvm_s390_ais_all *ais, int *tries)
{
	int n = get_all(flic, buf, MAX_SAVE, 2, tries);

	must(n > 0, "GET_ALL_IRQS");
	must(attr(flic, KVM_GET_DEVICE_ATTR, KVM_DEV_FLIC_AISM_ALL, sizeof(*ais), ais) == 0,
	     "AISM_ALL read");
	return n;
}

static void flic_round(int sys)
{
	static struct kvm_s390_irq saved[MAX_SAVE], restored[MAX_SAVE];
	struct kvm_s390_irq enq[3] = { io_irq(0x10, 2, 0x1010), io_irq(0x11, 5, 0x1111),
				       io_irq(0x12, 2, 0x1212) };
	struct kvm_s390_ais_all ais = { 0 }, ais_b = { 0 };
	struct kvm_s390_vm_cpu_processor proc;
	long runsz = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	int vm, vm_b, flic, flic_b, vcpu = -1, n, nb, tries, i, diff, r;
	struct kvm_run *run = MAP_FAILED;
	__u32 schid;

	vm = ioctl(sys, KVM_CREATE_VM, 0);
	must(vm >= 0, "KVM_CREATE_VM");
	if (vm < 0)
		return;
	printf("  s390 VM as QEMU's s390x machine sets it up:\n");
	cpu_model(vm);
	tod(vm);

	flic = create_flic(vm);
	must(flic >= 0, "KVM_CREATE_DEVICE(FLIC)");
	if (flic < 0)
		goto out;
	r = create_flic(vm);
	must(r == -1 && errno == EINVAL, "a second FLIC is EINVAL");
	printf("    KVM_CREATE_DEVICE(FLIC) -> fd; a second one -> %s (only one per VM)\n",
	       r < 0 ? err(errno) : "created");
	adapters(flic);

	/* classic I/O: ENQUEUE of three, KVM_S390_INTERRUPT of one more and a service signal */
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE, sizeof(enq), enq) == 0,
	     "ENQUEUE of 3 I/O interrupts");
	must(s390_interrupt(vm, KVM_S390_INT_IO(0, 0, 0, 0x13), SCHID << 16 | 0x13,
			    (__u64)0x1313 << 32 | INT_WORD(3)) == 0,
	     "KVM_S390_INTERRUPT (I/O, ISC 3)");
	must(s390_interrupt(vm, KVM_S390_INT_SERVICE, SCCB, 0) == 0, "KVM_S390_INTERRUPT (service)");
	/* a second SCCB while one is pending is dropped (6.1's __inject_service()) */
	must(s390_interrupt(vm, KVM_S390_INT_SERVICE, SCCB + 0x1000, 0) == 0,
	     "a second service signal");
	n = pending(flic);
	printf("    ENQUEUE 3 I/O interrupts (ISCs 2, 5, 2), KVM_S390_INTERRUPT I/O (ISC 3) and "
	       "2 service signals: %d pending (the second SCCB merged away)\n", n);
	must(n == 6, "ISC 3's adapter bit, 4 classic I/O, 1 service pending");

	/* a vCPU now: the CPU model is fixed from here on */
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	must(vcpu >= 0, "KVM_CREATE_VCPU");
	if (vcpu >= 0)
		run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	must(run != MAP_FAILED, "kvm_run mapped");
	if (run == MAP_FAILED)
		goto out;
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR,
		  &proc) == 0, "PROCESSOR read");
	r = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR, &proc);
	must(r == -1 && errno == EBUSY, "PROCESSOR write after a vCPU is EBUSY");
	i = enable_ais(vm);
	must(i == -1 && errno == EBUSY, "ENABLE_CAP(S390_AIS) after a vCPU is EBUSY");
	printf("    after KVM_CREATE_VCPU(0): PROCESSOR write -> %s, ENABLE_CAP(S390_AIS) -> %s\n",
	       r ? "EBUSY" : "0", i ? err(errno) : "0");
	guest(vcpu, run);

	/* CLEAR_IO_IRQ of subchannel 0x12; schid 0 is EINVAL */
	schid = (__u32)SCHID << 16 | 0x12;
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_CLEAR_IO_IRQ, sizeof(schid), &schid) == 0,
	     "CLEAR_IO_IRQ");
	r = pending(flic);
	schid = 0;
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_CLEAR_IO_IRQ, sizeof(schid), &schid) ==
	     -1 && errno == EINVAL, "CLEAR_IO_IRQ of schid 0 is EINVAL");
	must(s390_interrupt(vm, KVM_S390_INT_SERVICE, SCCB + 0x2000, 0) == 0,
	     "KVM_S390_INTERRUPT (service)");
	must(airq(flic, ADAPTER_PLAIN) == 0, "AIRQ_INJECT (plain)");
	printf("    CLEAR_IO_IRQ(%04x:0012) -> %d pending; schid 0 -> EINVAL; one more service "
	       "signal and AIRQ_INJECT(%d)\n", SCHID, r, ADAPTER_PLAIN);
	must(r == n - 4, "three taken, one cleared");

	/* the save, the fresh VM, the restore */
	n = save(flic, saved, &ais, &tries);
	printf("    save: GET_ALL_IRQS from a 2-entry buffer: %d calls (-ENOMEM, doubled), %d "
	       "interrupts; AISM_ALL simm %#x nimm %#x\n", tries, n, ais.simm, ais.nimm);
	if (n > 0)
		show(saved, n);
	must(tries > 1, "the -ENOMEM retry taken");
	vm_b = ioctl(sys, KVM_CREATE_VM, 0);
	must(vm_b >= 0 && enable_ais(vm_b) == 0, "the fresh VM, with AIS");
	flic_b = vm_b >= 0 ? create_flic(vm_b) : -1;
	must(flic_b >= 0, "its FLIC");
	if (flic_b >= 0 && n > 0) {
		must(attr(flic_b, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ENQUEUE,
			  (__u64)n * sizeof(saved[0]), saved) == 0, "ENQUEUE of the saved list");
		must(attr(flic_b, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_AISM_ALL, sizeof(ais), &ais) == 0,
		     "AISM_ALL written");
		nb = save(flic_b, restored, &ais_b, &tries);
		for (i = 0, diff = 0; i < n && i < nb; i++)
			diff += memcmp(&saved[i], &restored[i], sizeof(saved[i])) != 0;
		diff += abs(n - nb) + (memcmp(&ais, &ais_b, sizeof(ais)) != 0);
		printf("    restore into a fresh VM (ENQUEUE of %d entries, AISM_ALL): GET_ALL_IRQS "
		       "-> %d, %d differences entry for entry\n", n, nb, diff);
		must(diff == 0, "the restored FLIC reads as the saved one");
		must(clear_irqs(flic_b) == 0 && pending(flic_b) == 0, "CLEAR_IRQS empties it");
	}
	if (flic_b >= 0)
		close(flic_b);
	if (vm_b >= 0)
		close(vm_b);
out:
	if (run != MAP_FAILED)
		munmap(run, runsz);
	if (vcpu >= 0)
		close(vcpu);
	if (flic >= 0)
		close(flic);
	close(vm);
}

static int memslot(int vm, void *ram, __u32 flags)
{
	struct kvm_userspace_memory_region m = {
		.slot = 0, .flags = flags, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
		.userspace_addr = (unsigned long)ram,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &m);
}

static __u64 migration_status(int vm)
{
	__u64 st = 99;

	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS,
		  &st) == 0, "MIGRATION_STATUS");
	return st;
}

/*
 * Migration mode as QEMU's s390 storage attributes drive it: CMMA on
 * before the vCPUs, RAM dirty-logged, MIGRATION_START (which wants every
 * slot logged), the CMMA values of the dirty pages (KVM_S390_GET_CMMA_BITS
 * until none remain), the dirty log of a guest store, STOP.
 */
static void migration_round(int sys)
{
	static __u8 values[RAM_PAGES];
	struct kvm_s390_cmma_log log = { 0 };
	unsigned long long bitmap[RAM_PAGES / 64] = { 0 };
	struct kvm_dirty_log dl = { .slot = 0, .dirty_bitmap = bitmap };
	struct kvm_ext_guest_access st = { .kind = KVM_EXT_ACCESS_MEM,
					   .flags = KVM_EXT_ACCESS_WRITE, .addr = 9 * 4096 + 8,
					   .len = 8, .data = 0x5a5a };
	__u64 limit = 0;
	int vm, vcpu = -1, r, r2, i, calls, got, dirty;
	unsigned char *map, *ram;

	/* s390 wants a slot's memory 1 MiB aligned (kvm_arch_prepare_memory_region()) */
	map = mmap(NULL, 2 * RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ram = map == MAP_FAILED ? map :
	      (unsigned char *)(((unsigned long)map + RAM_SIZE - 1) & ~(RAM_SIZE - 1));
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	must(vm >= 0 && map != MAP_FAILED, "a VM and its RAM");
	if (vm < 0 || map == MAP_FAILED)
		goto out;
	printf("  s390 migration mode (1 MiB of RAM in slot 0):\n");
	must(attr(vm, KVM_GET_DEVICE_ATTR, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE,
		  &limit) == 0, "MEM_LIMIT_SIZE read");
	r = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL);
	must(r == 0, "ENABLE_CMMA before the vCPUs");
	must(memslot(vm, ram, 0) == 0, "slot 0, not logged");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	must(vcpu >= 0, "KVM_CREATE_VCPU");
	r2 = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL);
	must(r2 == -1 && errno == EBUSY, "ENABLE_CMMA after a vCPU is EBUSY");
	printf("    MEM_LIMIT_SIZE %#llx; ENABLE_CMMA -> %d before the vCPUs, %s after\n",
	       (unsigned long long)limit, r, r2 ? err(errno) : "0");

	/* the guest's ESSA stands in as a restore's SET_CMMA_BITS: pages 4-7 unused */
	memset(values, 0, sizeof(values));
	for (i = 4; i < 8; i++)
		values[i] = 1;
	log = (struct kvm_s390_cmma_log){ .start_gfn = 0, .count = 16, .mask = ~0ULL,
					  .values = (unsigned long)values };
	must(ioctl(vm, KVM_S390_SET_CMMA_BITS, &log) == 0, "KVM_S390_SET_CMMA_BITS");

	r = attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_START, NULL);
	must(r == -1 && errno == EINVAL, "MIGRATION_START with an unlogged slot is EINVAL");
	must(memslot(vm, ram, KVM_MEM_LOG_DIRTY_PAGES) == 0, "slot 0 logged");
	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_START,
		  NULL) == 0, "MIGRATION_START");
	printf("    SET_CMMA_BITS (pages 4-7 unused); MIGRATION_START with the slot unlogged -> "
	       "%s; logged -> 0, STATUS %llu\n", r ? err(errno) : "0",
	       (unsigned long long)migration_status(vm));

	/* the CMMA values, until none remain dirty */
	memset(values, 0xff, sizeof(values));
	got = 0;
	for (calls = 0; calls < 8; calls++) {
		log = (struct kvm_s390_cmma_log){ .start_gfn = (__u64)got, .count = 64,
						  .values = (unsigned long)(values + got) };
		if (ioctl(vm, KVM_S390_GET_CMMA_BITS, &log)) {
			must(0, "KVM_S390_GET_CMMA_BITS");
			break;
		}
		if (calls == 0)
			printf("    GET_CMMA_BITS(64 values): start_gfn %llu, count %u, remaining "
			       "%llu\n", (unsigned long long)log.start_gfn, log.count,
			       (unsigned long long)log.remaining);
		if (!log.count)
			break;
		got = (int)(log.start_gfn + log.count);
		if (!log.remaining)
			break;
	}
	for (i = 0, r = 0; i < got; i++)
		r += values[i] == 1;
	printf("    ... %d calls until remaining 0: %d pages' values, %d of them unused "
	       "(values[4..7] %u %u %u %u)\n", calls + 1, got, r, values[4], values[5], values[6],
	       values[7]);
	must(got == RAM_PAGES && r == 4 && values[4] == 1 && values[8] == 0,
	     "every page's value, pages 4-7 unused");

	/* a guest store dirties page 9 */
	must(ioctl(vm, KVM_GET_DIRTY_LOG, &dl) == 0, "KVM_GET_DIRTY_LOG");
	memset(bitmap, 0, sizeof(bitmap));
	must(vcpu >= 0 && ioctl(vcpu, KVM_EXT_GUEST_ACCESS, &st) == 0 &&
	     st.result == KVM_EXT_RESULT_RAM, "guest store to page 9");
	must(ioctl(vm, KVM_GET_DIRTY_LOG, &dl) == 0, "KVM_GET_DIRTY_LOG");
	for (i = 0, dirty = 0; i < RAM_PAGES; i++)
		dirty += bitmap[i / 64] >> (i % 64) & 1;
	must(dirty == 1 && (bitmap[0] >> 9 & 1), "page 9 dirty, and only it");
	printf("    guest store at %#llx: KVM_GET_DIRTY_LOG -> %d dirty page%s (page 9: %llu)\n",
	       (unsigned long long)st.addr, dirty, dirty == 1 ? "" : "s", bitmap[0] >> 9 & 1);

	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STOP,
		  NULL) == 0, "MIGRATION_STOP");
	log = (struct kvm_s390_cmma_log){ .count = 16, .values = (unsigned long)values };
	r = ioctl(vm, KVM_S390_GET_CMMA_BITS, &log);
	must(r == -1 && errno == EINVAL, "GET_CMMA_BITS outside migration mode is EINVAL");
	log = (struct kvm_s390_cmma_log){ .count = 16, .flags = KVM_S390_CMMA_PEEK,
					  .values = (unsigned long)values };
	r2 = ioctl(vm, KVM_S390_GET_CMMA_BITS, &log);
	must(r2 == 0 && log.count == 16 && values[5] == 1, "PEEK outside migration mode");
	printf("    MIGRATION_STOP: STATUS %llu; GET_CMMA_BITS -> %s, with PEEK -> %d values "
	       "(page 5: %u)\n", (unsigned long long)migration_status(vm),
	       r ? "EINVAL" : "0", r2 ? -1 : (int)log.count, values[5]);

	/* turning logging off ends migration mode */
	must(attr(vm, KVM_SET_DEVICE_ATTR, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_START,
		  NULL) == 0, "MIGRATION_START");
	must(memslot(vm, ram, 0) == 0, "slot 0 unlogged");
	r = (int)migration_status(vm);
	must(r == 0, "migration mode stopped with the log");
	printf("    MIGRATION_START, then the slot's logging off: STATUS %d\n", r);
out:
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (map != MAP_FAILED)
		munmap(map, 2 * RAM_SIZE);
}

/* 1 MiB of guest RAM at 0, 1 MiB aligned as s390 wants it; the mapping to unmap in *map. */
static unsigned char *ram_1m(unsigned char **map)
{
	*map = mmap(NULL, 2 * RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	if (*map == MAP_FAILED)
		return NULL;
	return (unsigned char *)(((unsigned long)*map + RAM_SIZE - 1) & ~(RAM_SIZE - 1));
}

struct waiter {
	int vcpu, r, err;
};

static void *run_vcpu(void *arg)
{
	struct waiter *w = arg;

	w->r = ioctl(w->vcpu, KVM_RUN, 0);
	w->err = errno;
	return NULL;
}

/* Until the FLIC holds want interrupts (1 s at most: irqfds inject from a work item). */
static int pending_becomes(int flic, int want)
{
	int i, n = pending(flic);

	for (i = 0; i < 100 && n != want; i++) {
		usleep(10000);
		n = pending(flic);
	}
	return n;
}

static int kick(int efd)
{
	__u64 one = 1;

	return write(efd, &one, sizeof(one)) == sizeof(one);
}

/*
 * Adapter routes and irqfds as QEMU's virtio-ccw sets them up: the
 * irqchip (KVM_CAP_S390_IRQCHIP, KVM_CREATE_IRQCHIP), an adapter with
 * byte-swapped indicators, two GSIs routed to it (two queues' indicator
 * bits, one summary bit) and an irqfd on each. An eventfd write sets the
 * queue's indicator and the summary bit in guest RAM and, when the
 * summary bit was clear and the adapter unmasked, raises an adapter
 * interrupt (6.1's set_adapter_int()), which wakes the vCPU waiting in
 * KVM_RUN and which the guest takes.
 */
static void route_round(int sys)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[2];
	} rt = { .hdr.nr = 2 };
	struct kvm_s390_io_adapter ad = { .id = 0, .isc = 3, .maskable = 1, .swap = 1 };
	struct kvm_s390_io_adapter_req mask = { .id = 0, .type = KVM_S390_IO_ADAPTER_MASK,
						.mask = 1 };
	struct kvm_enable_cap cap = { .cap = KVM_CAP_S390_IRQCHIP };
	struct kvm_irqfd irqfd = { 0 };
	struct kvm_ext_s390_sregs sr;
	long runsz = ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	struct kvm_run *run = MAP_FAILED;
	unsigned char *map, *ram = ram_1m(&map);
	int vm, flic = -1, vcpu = -1, efd[2] = { -1, -1 }, i, n1, n2, n3, n4, r;
	__u64 type, parm, parm64;
	struct waiter w;
	pthread_t t;

	vm = ioctl(sys, KVM_CREATE_VM, 0);
	must(vm >= 0 && ram, "a VM and its RAM");
	if (vm < 0 || !ram)
		goto out;
	printf("  s390 adapter routes and irqfds, as QEMU's virtio-ccw:\n");
	must(memslot(vm, ram, 0) == 0, "slot 0");
	must(ioctl(vm, KVM_ENABLE_CAP, &cap) == 0 && ioctl(vm, KVM_CREATE_IRQCHIP, 0) == 0,
	     "KVM_CAP_S390_IRQCHIP, KVM_CREATE_IRQCHIP");
	flic = create_flic(vm);
	must(flic >= 0 && attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &ad) ==
	     0, "the FLIC and adapter 0");
	for (i = 0; i < 2; i++) {
		rt.e[i].gsi = i;
		rt.e[i].type = KVM_IRQ_ROUTING_S390_ADAPTER;
		rt.e[i].u.adapter.ind_addr = 0x1000;
		rt.e[i].u.adapter.ind_offset = i ? 9 : 5;
		rt.e[i].u.adapter.summary_addr = 0x2000;
		rt.e[i].u.adapter.summary_offset = 0;
		rt.e[i].u.adapter.adapter_id = 0;
	}
	r = ioctl(vm, KVM_SET_GSI_ROUTING, &rt);
	must(r == 0, "KVM_SET_GSI_ROUTING");
	if (r)
		printf("    KVM_SET_GSI_ROUTING: %s\n", err(errno));
	for (i = 0; i < 2; i++) {
		efd[i] = eventfd(0, EFD_CLOEXEC);
		irqfd.fd = (__u32)efd[i];
		irqfd.gsi = i;
		must(efd[i] >= 0 && ioctl(vm, KVM_IRQFD, &irqfd) == 0, "KVM_IRQFD");
	}
	printf("    KVM_CREATE_IRQCHIP; adapter 0 (ISC 3, maskable, swapped indicators); GSIs 0 "
	       "and 1 -> adapter 0, indicator bits 5 and 9 at 0x1000, summary bit 0 at 0x2000; "
	       "an irqfd on each\n");

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu >= 0)
		run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	must(run != MAP_FAILED && ioctl(vcpu, KVM_EXT_S390_GET_SREGS, &sr) == 0, "vCPU 0");
	if (run == MAP_FAILED)
		goto out;
	sr.crs[6] = CR6_ISC(3);
	must(ioctl(vcpu, KVM_EXT_S390_SET_SREGS, &sr) == 0, "KVM_SET_SREGS");
	set_psw_mask(run, KVM_EXT_S390_PSW_MASK_IO);

	/* queue 5's eventfd wakes vCPU 0 waiting in KVM_RUN */
	w = (struct waiter){ .vcpu = vcpu };
	must(pthread_create(&t, NULL, run_vcpu, &w) == 0, "vCPU 0's thread");
	usleep(50000);
	must(kick(efd[0]), "eventfd written");
	for (i = 0; i < 200 && pthread_tryjoin_np(t, NULL); i++)
		usleep(10000);
	if (i == 200) {
		pthread_kill(t, SIGALRM);
		pthread_join(t, NULL);
	}
	r = i < 200 && w.r == 0 && run->exit_reason == KVM_EXIT_EXT_INTERRUPT;
	must(r, "vCPU 0 woken by the irqfd");
	n1 = pending(flic);
	printf("    eventfd of GSI 0: vCPU 0 in KVM_RUN %s; indicators %02x %02x, summary %02x; "
	       "%d pending\n", r ? "woken (KVM_EXIT_EXT_INTERRUPT)" : "NOT woken (SIGALRM)",
	       ram[0x1000], ram[0x1001], ram[0x2000], n1);
	if (!ram[0x1000] && !ram[0x2000]) {
		must(0, "the route's bits in guest RAM");
		printf("    (no bit reached guest RAM: the irqfd injects from a work item, which has "
		       "no user address space to write the indicators through)\n");
		goto out;
	}
	must(ram[0x1000] == 0x04 && ram[0x2000] == 0x80 && n1 == 1,
	     "indicator bit 5 and summary bit 0 set (MSB 0: swapped), one interrupt");
	r = take(vcpu, &type, &parm, &parm64);
	must(r == KVM_EXT_RESULT_KERNEL && type == KVM_S390_INT_IO(1, 0, 0, 0) &&
	     parm64 == AI_WORD(3), "the guest takes ISC 3's adapter interrupt");

	/* the summary bit still set: queue 9's indicator, no interrupt */
	must(kick(efd[1]), "eventfd written");
	usleep(100000);
	n2 = pending(flic);
	must(ram[0x1001] == 0x40 && n2 == 0, "indicator bit 9, no interrupt (summary was set)");
	/* the guest clears the summary: the next write interrupts again */
	ram[0x2000] = 0;
	must(kick(efd[1]), "eventfd written");
	n3 = pending_becomes(flic, 1);
	must(n3 == 1 && ram[0x2000] == 0x80, "summary set again, an interrupt");
	printf("    guest took type %#llx parm64 %#llx; GSI 1 with the summary bit set: indicators "
	       "%02x %02x, %d pending; summary cleared by the guest, GSI 1 again: %d pending\n",
	       (unsigned long long)type, (unsigned long long)parm64, ram[0x1000], ram[0x1001], n2,
	       n3);
	must(take(vcpu, &type, &parm, &parm64) == KVM_EXT_RESULT_KERNEL, "taken");

	/* masked (ADAPTER_MODIFY): the bits are set, no interrupt */
	must(attr(flic, KVM_SET_DEVICE_ATTR, KVM_DEV_FLIC_ADAPTER_MODIFY, 0, &mask) == 0,
	     "ADAPTER_MODIFY mask");
	ram[0x2000] = 0;
	must(kick(efd[0]), "eventfd written");
	usleep(100000);
	n4 = pending(flic);
	must(n4 == 0 && ram[0x2000] == 0x80, "masked: summary set, no interrupt");
	printf("    ADAPTER_MODIFY(MASK), summary cleared, GSI 0: summary %02x, %d pending\n",
	       ram[0x2000], n4);
out:
	for (i = 0; i < 2; i++)
		if (efd[i] >= 0)
			close(efd[i]);
	if (run != MAP_FAILED)
		munmap(run, runsz);
	if (vcpu >= 0)
		close(vcpu);
	if (flic >= 0)
		close(flic);
	if (vm >= 0)
		close(vm);
	if (map != MAP_FAILED)
		munmap(map, 2 * RAM_SIZE);
}

int s390_demo(int sys)
{
	failures = 0;
	flic_round(sys);
	route_round(sys);
	migration_round(sys);
	return failures;
}
