/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XICS tests share (test_xics.c, test_xics_guest.c): source words
 * through KVM_DEV_XICS_GRP_SOURCES, a vCPU's connection, its ICP state.
 * Each returns 0 or -errno.
 */
#ifndef KVM_EXT_XICS_COMMON_H
#define KVM_EXT_XICS_COMMON_H

#include "abi_test.h"

#define PRIO(p) ((__u64)(p) << KVM_XICS_PRIORITY_SHIFT)
/* KVM_REG_PPC_ICP_STATE from its fields */
#define ICP(cppr, xisr, mfrr, ppri)                                         \
	((__u64)(cppr) << 56 | (__u64)(xisr) << 32 | (__u64)(mfrr) << 24 | \
	 (__u64)(ppri) << 16)

static inline int xattr(int dev, unsigned long op, __u32 group, __u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return ioctl(dev, op, &a) ? -errno : 0;
}

static inline int set_src(int dev, __u64 irq, __u64 word)
{
	return xattr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, irq, &word);
}

/* The word, or a poison value the call leaves when it fails. */
static inline int get_src(int dev, __u64 irq, __u64 *word)
{
	*word = 0xdeadbeefdeadbeefULL;
	return xattr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_XICS_GRP_SOURCES, irq, word);
}

/* KVM_ENABLE_CAP(KVM_CAP_IRQ_XICS): args[0] the device fd, args[1] the server. */
static inline int connect(int vcpu, int fd, __u64 server, __u32 flags)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_IRQ_XICS, .flags = flags };

	c.args[0] = (__u64)fd;
	c.args[1] = server;
	return ioctl(vcpu, KVM_ENABLE_CAP, &c) ? -errno : 0;
}

static inline int icp_get(int vcpu, __u64 *v)
{
	*v = 0xdeadbeef;
	return one_reg(vcpu, false, KVM_REG_PPC_ICP_STATE, v) ? -errno : 0;
}

static inline int icp_put(int vcpu, __u64 v)
{
	return one_reg(vcpu, true, KVM_REG_PPC_ICP_STATE, &v) ? -errno : 0;
}

/* The XICS hypercalls (PAPR) and their return codes. */
enum { H_SUCCESS = 0, H_HARDWARE = -1, H_PARAMETER = -4 };
enum {
	H_EOI = 0x64, H_CPPR = 0x68, H_IPI = 0x6c, H_IPOLL = 0x70, H_XIRR = 0x74,
	H_XIRR_X = 0x2fc, H_RTAS = 0xf000,
};
#define XICS_IPI 2

/* A source's word and a vCPU's ICP state, which must read. */
static inline __u64 src(int dev, __u64 irq)
{
	__u64 w;

	expect_eq(get_src(dev, irq, &w), 0);
	return w;
}

static inline __u64 icp(int vcpu)
{
	__u64 v;

	expect_eq(icp_get(vcpu, &v), 0);
	return v;
}

/* A hypercall the kernel completes (else the test fails); returns r3. */
#define hk(vcpu, nr, r4, r5) hk_at(__LINE__, vcpu, nr, r4, r5, NULL)
#define hk4(vcpu, nr, r4, r5, out) hk_at(__LINE__, vcpu, nr, r4, r5, out)
static inline long hk_at(int line, int vcpu, __u64 nr, __u64 r4, __u64 r5, struct ppc_hc *out)
{
	struct ppc_hc h = ppc_hcall(vcpu, nr, r4, r5, 0, 0);

	if (h.err || h.result != KVM_EXT_RESULT_KERNEL)
		fail("line %d: hypercall %#llx: errno %s, result %u", line, (unsigned long long)nr,
		     errno_name(h.err), h.result);
	if (out)
		*out = h;
	return (long)h.r3;
}

#endif /* KVM_EXT_XICS_COMMON_H */
