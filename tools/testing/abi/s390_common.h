/* SPDX-License-Identifier: GPL-2.0 */
/*
 * s390 helpers of the conformance suite: the FLIC device
 * (devices/s390_flic.rst), the VM attributes (devices/vm.rst),
 * KVM_S390_INTERRUPT and the INTERRUPT guest access (kvm_ext.h).
 * struct kvm_s390_irq, struct kvm_s390_interrupt and KVM_S390_INT_* come
 * from the host's <linux/kvm.h>, the rest from kvm_ext.h.
 */
#ifndef KVM_EXT_S390_COMMON_H
#define KVM_EXT_S390_COMMON_H

#include <string.h>
#include <sys/mman.h>

#include "abi_test.h"

/* arch/s390/include/asm/kvm_host.h (not uapi: VMMs define their own) */
#define AIS_MODE_ALL 0
#define AIS_MODE_SINGLE 1

#define IRQ_SZ ((__u64)sizeof(struct kvm_s390_irq))
/* An adapter interrupt's type as the FLIC lists it (the GISA's). */
#define AI_TYPE KVM_S390_INT_IO(1, 0, 0, 0)
/* isc_to_int_word(): the I/O interruption word of an adapter interrupt */
#define AI_WORD(isc) (0x80000000U | ((__u32)(isc) << 27))
/* A classic I/O interruption word: the ISC in bits 2-4 */
#define IO_WORD(isc) ((__u32)(isc) << 27)
/* CR6: the I/O-interruption subclass mask (isc_to_isc_bits()) */
#define CR6_ISC(isc) ((__u64)(0x80 >> (isc)) << 24)
#define CR6_ALL 0xff000000ULL
/* CR0 service-signal subclass mask, CR14 channel-report-pending mask */
#define CR0_SERVICE 0x200ULL
#define CR14_CRW 0x10000000ULL
/* AIS_MODE_MASK(): the ISC's bit in simm and nimm */
#define AIS_BIT(isc) (0x80 >> (isc))

#define DEV_SET KVM_SET_DEVICE_ATTR
#define DEV_GET KVM_GET_DEVICE_ATTR
#define DEV_HAS KVM_HAS_DEVICE_ATTR

static inline __u64 uptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static inline int attr_at(int fd, unsigned long op, __u32 group, __u64 attr, const void *addr)
{
	return dev_attr(fd, op, group, attr, uptr(addr));
}

/* KVM_*_DEVICE_ATTR with attr->flags set */
static inline int attr_flags(int fd, unsigned long op, __u32 flags, __u32 group, __u64 attr,
			     const void *addr)
{
	struct kvm_device_attr a = { .flags = flags, .group = group, .attr = attr,
				     .addr = uptr(addr) };

	return ioctl(fd, op, &a);
}

/* A FLIC on vm (tracked); -1 after a recorded failure. */
static inline int new_flic(int vm)
{
	__u32 fd = 0;

	if (vm < 0 || !expect_errno(create_device(vm, KVM_DEV_TYPE_FLIC, 0, &fd), 0))
		return -1;
	return (int)fd;
}

static inline int flic_enqueue(int flic, const struct kvm_s390_irq *irq, size_t n)
{
	return attr_at(flic, DEV_SET, KVM_DEV_FLIC_ENQUEUE, n * IRQ_SZ, irq);
}

/* GET_ALL_IRQS: the number of entries, or -1 and errno. */
static inline int flic_get_all(int flic, struct kvm_s390_irq *buf, __u64 len)
{
	return attr_at(flic, DEV_GET, KVM_DEV_FLIC_GET_ALL_IRQS, len, buf);
}

static inline int flic_clear(int flic)
{
	return attr_at(flic, DEV_SET, KVM_DEV_FLIC_CLEAR_IRQS, 0, NULL);
}

static inline struct kvm_s390_irq irq_io(__u32 type, __u16 id, __u16 nr, __u32 parm, __u32 word)
{
	struct kvm_s390_irq i;

	memset(&i, 0, sizeof(i));
	i.type = type;
	i.u.io.subchannel_id = id;
	i.u.io.subchannel_nr = nr;
	i.u.io.io_int_parm = parm;
	i.u.io.io_int_word = word;
	return i;
}

/* A classic I/O interrupt of subchannel (id, nr) on isc. */
static inline struct kvm_s390_irq irq_cio(__u16 id, __u16 nr, __u32 parm, int isc)
{
	return irq_io(KVM_S390_INT_IO(0, id >> 8, id >> 1 & 3, nr), id, nr, parm, IO_WORD(isc));
}

/* An adapter interrupt on isc, as the FLIC lists it. */
static inline struct kvm_s390_irq irq_ai(int isc)
{
	return irq_io(AI_TYPE, 0, 0, 0, AI_WORD(isc));
}

static inline struct kvm_s390_irq irq_ext(__u64 type, __u32 p, __u64 p2)
{
	struct kvm_s390_irq i;

	memset(&i, 0, sizeof(i));
	i.type = type;
	i.u.ext.ext_params = p;
	i.u.ext.ext_params2 = p2;
	return i;
}

static inline struct kvm_s390_irq irq_mchk(__u64 cr14, __u64 mcic)
{
	struct kvm_s390_irq i;

	memset(&i, 0, sizeof(i));
	i.type = KVM_S390_MCHK;
	i.u.mchk.cr14 = cr14;
	i.u.mchk.mcic = mcic;
	return i;
}

static inline int adapter_register(int flic, __u32 id, __u8 isc, __u8 maskable, __u8 flags)
{
	struct kvm_s390_io_adapter a = { .id = id, .isc = isc, .maskable = maskable,
					 .swap = 0, .flags = flags };

	return attr_at(flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_REGISTER, 0, &a);
}

static inline int adapter_modify(int flic, __u32 id, __u8 type, __u8 mask)
{
	struct kvm_s390_io_adapter_req r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.type = type;
	r.mask = mask;
	return attr_at(flic, DEV_SET, KVM_DEV_FLIC_ADAPTER_MODIFY, 0, &r);
}

static inline int airq_inject(int flic, __u64 id)
{
	return attr_at(flic, DEV_SET, KVM_DEV_FLIC_AIRQ_INJECT, id, NULL);
}

static inline int ais_mode(int flic, __u8 isc, __u16 mode)
{
	struct kvm_s390_ais_req r;

	memset(&r, 0, sizeof(r));
	r.isc = isc;
	r.mode = mode;
	return attr_at(flic, DEV_SET, KVM_DEV_FLIC_AISM, 0, &r);
}

static inline int vm_enable_cap(int vm, __u32 cap)
{
	struct kvm_enable_cap c;

	memset(&c, 0, sizeof(c));
	c.cap = cap;
	return ioctl(vm, KVM_ENABLE_CAP, &c);
}

/* KVM_S390_INTERRUPT on the VM fd: a floating interrupt. */
static inline int inject_vm(int vm, __u32 type, __u32 parm, __u64 parm64)
{
	struct kvm_s390_interrupt s = { .type = type, .parm = parm, .parm64 = parm64 };

	return ioctl(vm, KVM_S390_INTERRUPT, &s);
}

/*
 * size bytes that end where a PROT_NONE page begins: an access of one
 * byte more faults (-EFAULT), so a copy of exactly size bytes is seen.
 */
static inline void *edge_buf(size_t size)
{
	size_t rw = (size + PAGE_SZ - 1) / PAGE_SZ * PAGE_SZ, len = rw + PAGE_SZ;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fail("mmap(%zu): %s", len, errno_name(errno));
		return NULL;
	}
	track_map(p, len);
	mprotect(p + rw, PAGE_SZ, PROT_NONE);
	memset(p, 0, rw);
	return p + rw - size;
}

/* len bytes of anonymous memory aligned to 1 MiB (s390 memslots' rule). */
#define MB (1ULL << 20)
static inline void *alloc_mb(size_t len)
{
	char *p = alloc_mem(len + MB);

	if (!p)
		return NULL;
	return (void *)(((uintptr_t)p + MB - 1) & ~(uintptr_t)(MB - 1));
}

/* Facility nr of a list of u64s (MSB 0 bit numbering). */
static inline bool fac_test(const __u64 *list, unsigned int nr)
{
	return (list[nr >> 6] >> (63 - (nr & 63))) & 1;
}

static inline void fac_set(__u64 *list, unsigned int nr, bool on)
{
	__u64 bit = 1ULL << (63 - (nr & 63));

	if (on)
		list[nr >> 6] |= bit;
	else
		list[nr >> 6] &= ~bit;
}

static inline int cpu_get(int vm, __u64 attr, void *buf)
{
	return attr_at(vm, DEV_GET, KVM_S390_VM_CPU_MODEL, attr, buf);
}

static inline int cpu_set(int vm, __u64 attr, const void *buf)
{
	return attr_at(vm, DEV_SET, KVM_S390_VM_CPU_MODEL, attr, buf);
}

/*
 * Sets or clears facility nr in vm's KVM_S390_VM_CPU_PROCESSOR fac_list
 * (read, changed, written back).
 */
static inline bool processor_fac(int vm, unsigned int nr, bool on)
{
	struct kvm_s390_vm_cpu_processor p;

	memset(&p, 0, sizeof(p));
	if (!expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR, &p), 0))
		return false;
	fac_set(p.fac_list, nr, on);
	return expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, &p), 0);
}

#endif /* KVM_EXT_S390_COMMON_H */
