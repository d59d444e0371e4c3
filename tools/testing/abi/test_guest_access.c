// SPDX-License-Identifier: GPL-2.0
/*
 * Rule 9: the guest-access extension (include/uapi/linux/kvm_ext.h,
 * KVM_EXT_GUEST_ACCESS), on every personality: a test acting as the guest
 * on RAM slots, MMIO exits (api.rst 5 KVM_EXIT_MMIO) and read-only slots
 * (api.rst 4.35).
 */
#include <string.h>
#include <sys/mman.h>

#include "abi_test.h"

#define REF "kvm_ext.h KVM_EXT_GUEST_ACCESS"
#define REF_MMIO "kvm_ext.h KVM_EXT_GUEST_ACCESS, api.rst 5 KVM_EXIT_MMIO"
#define REF_RO "api.rst 4.35 KVM_SET_USER_MEMORY_REGION (KVM_MEM_READONLY)"
#define REF_MOVE "api.rst 4.35 KVM_SET_USER_MEMORY_REGION"

#define GPA 0x100000ULL
#define NO_SLOT 0x200000ULL
#define SLOT_SZ (2 * PAGE_SZ)
#define W KVM_EXT_ACCESS_WRITE
#define MEM KVM_EXT_ACCESS_MEM

struct ga_ctx {
	int vm, vcpu;
	struct kvm_run *run;
	unsigned char *mem; /* SLOT_SZ bytes at GPA */
};

static unsigned char pattern(unsigned long i)
{
	return (unsigned char)(i * 7 + 3);
}

static bool setup_flags(struct ga_ctx *c, __u32 flags)
{
	unsigned long i;

	c->mem = alloc_mem(SLOT_SZ);
	c->vm = new_vm(0);
	c->vcpu = c->vm >= 0 ? new_vcpu(c->vm, 0) : -1;
	c->run = map_run(c->vcpu);
	if (!c->mem || !c->run)
		return false;
	for (i = 0; i < SLOT_SZ; i++)
		c->mem[i] = pattern(i);
	return expect_errno(set_region(c->vm, 0, flags, GPA, SLOT_SZ, c->mem), 0);
}

static bool setup(struct ga_ctx *c)
{
	return setup_flags(c, 0);
}

static __u64 le_bytes(const unsigned char *p, unsigned int len)
{
	__u64 v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (__u64)p[i] << (8 * i);
	return v;
}

static const __u32 lens[] = { 1, 2, 4, 8 };
/* aligned, unaligned, the very end of a page, the second page */
#define NOFFS 6
static __u64 offs(size_t j)
{
	const __u64 o[NOFFS] = { 0, 8, 0x13, 0x101, PAGE_SZ - 8, PAGE_SZ + 0x7f1 };

	return o[j];
}

static void t_load(const struct abi_test *t)
{
	struct ga_ctx c;
	size_t i, j;

	(void)t;
	if (!setup(&c))
		return;
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < NOFFS; j++) {
			__u64 data = 0xa5a5a5a5a5a5a5a5ULL, off = offs(j);
			__u32 result = 0;

			if (!expect_errno(guest_access(c.vcpu, MEM, 0, GPA + off, lens[i], &data,
						       &result),
					  0) ||
			    !expect_eq(result, KVM_EXT_RESULT_RAM) ||
			    !expect_eq(data, le_bytes(c.mem + off, lens[i]))) {
				diag("  load len %u at gpa %#llx", lens[i],
				     (unsigned long long)(GPA + off));
				return;
			}
		}
	}
}

static void t_store(const struct abi_test *t)
{
	unsigned char *want = alloc_mem(SLOT_SZ);
	struct ga_ctx c;
	size_t i, j;

	(void)t;
	if (!want || !setup(&c))
		return;
	memcpy(want, c.mem, SLOT_SZ);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		for (j = 0; j < NOFFS; j++) {
			__u64 data = 0x1122334455667788ULL + i * 0x0101010101010101ULL + j,
			      off = offs(j);
			__u32 result = 0, k;

			for (k = 0; k < lens[i]; k++)
				want[off + k] = (unsigned char)(data >> (8 * k));
			if (!expect_errno(guest_access(c.vcpu, MEM, W, GPA + off, lens[i], &data,
						       &result),
					  0) ||
			    !expect_eq(result, KVM_EXT_RESULT_RAM) ||
			    !expect_eq(memcmp(c.mem, want, SLOT_SZ), 0)) {
				diag("  store len %u at gpa %#llx", lens[i],
				     (unsigned long long)(GPA + off));
				return;
			}
		}
	}
}

static void t_bad_len(const struct abi_test *t)
{
	static const __u32 bad[] = { 0, 3, 5, 6, 7, 9, 16, 0xffffffff };
	struct ga_ctx c;
	size_t i;
	__u64 data = 0;

	(void)t;
	if (!setup(&c))
		return;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		expect_errno(guest_access(c.vcpu, MEM, 0, GPA, bad[i], &data, NULL), EINVAL);
		expect_errno(guest_access(c.vcpu, MEM, W, GPA, bad[i], &data, NULL), EINVAL);
		/* outside any slot too */
		expect_errno(guest_access(c.vcpu, MEM, W, NO_SLOT, bad[i], &data, NULL), EINVAL);
	}
	expect_eq(c.mem[0], pattern(0));
}

static void t_cross_page(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0;

	(void)t;
	if (!setup(&c))
		return;
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA + PAGE_SZ - 2, 4, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, MEM, W, GPA + PAGE_SZ - 1, 2, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA + PAGE_SZ - 7, 8, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, MEM, W, NO_SLOT + PAGE_SZ - 4, 8, &data, NULL), EINVAL);
	/* the last bytes of a slot, crossing out of it */
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA + SLOT_SZ - 4, 8, &data, NULL), EINVAL);
	expect_eq(c.mem[PAGE_SZ - 1], pattern(PAGE_SZ - 1));
	expect_eq(c.mem[PAGE_SZ], pattern(PAGE_SZ));
}

static void t_bad_kind(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0;

	(void)t;
	if (!setup(&c))
		return;
	expect_errno(guest_access(c.vcpu, 99, 0, GPA, 4, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, 3, 0, GPA, 4, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, 0xffffffff, W, GPA, 4, &data, NULL), EINVAL);
}

static void t_bad_flags(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0x55;

	(void)t;
	if (!setup(&c))
		return;
	expect_errno(guest_access(c.vcpu, MEM, 1U << 1, GPA, 4, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, MEM, W | (1U << 1), GPA, 4, &data, NULL), EINVAL);
	expect_errno(guest_access(c.vcpu, MEM, 1U << 31, GPA, 4, &data, NULL), EINVAL);
	expect_eq(c.mem[0], pattern(0));
}

static void t_reserved(const struct abi_test *t)
{
	struct kvm_ext_guest_access a;
	struct ga_ctx c;
	size_t i;

	(void)t;
	if (!setup(&c))
		return;
	for (i = 0; i < ARRAY_SIZE(a.reserved); i++) {
		memset(&a, 0, sizeof(a));
		a.kind = MEM;
		a.flags = W;
		a.addr = GPA;
		a.len = 1;
		a.data = 0x77;
		a.reserved[i] = 1ULL << (i * 16);
		if (!expect_errno(ioctl(c.vcpu, KVM_EXT_GUEST_ACCESS, &a), EINVAL))
			diag("  reserved[%zu]", i);
	}
	expect_eq(c.mem[0], pattern(0));
}

static void t_mmio_store(const struct abi_test *t)
{
	static const __u32 mlens[] = { 1, 2, 4, 8 };
	struct ga_ctx c;
	size_t i;

	(void)t;
	if (!setup(&c))
		return;
	for (i = 0; i < ARRAY_SIZE(mlens); i++) {
		__u64 addr = NO_SLOT + 0x10 * i + 3, data = 0x8877665544332211ULL;
		__u32 result = 0, k;

		memset(RUN_MMIO(c.run)->data, 0xee, sizeof(RUN_MMIO(c.run)->data));
		c.run->exit_reason = KVM_EXIT_UNKNOWN;
		if (!expect_errno(guest_access(c.vcpu, MEM, W, addr, mlens[i], &data, &result), 0))
			continue;
		expect_eq(result, KVM_EXT_RESULT_EXIT);
		expect_eq(c.run->exit_reason, KVM_EXIT_MMIO);
		expect_eq(RUN_MMIO(c.run)->phys_addr, addr);
		expect_eq(RUN_MMIO(c.run)->len, mlens[i]);
		expect_eq(RUN_MMIO(c.run)->is_write, 1);
		for (k = 0; k < mlens[i]; k++)
			if (!expect_eq(RUN_MMIO(c.run)->data[k], (__u8)(data >> (8 * k))))
				diag("  mmio.data[%u] of a %u-byte store", k, mlens[i]);
	}
	/* RAM untouched */
	expect_eq(c.mem[0], pattern(0));
}

static void t_mmio_load(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0xffffffffffffffffULL;
	__u32 result = 0;

	(void)t;
	if (!setup(&c))
		return;
	if (!expect_errno(guest_access(c.vcpu, MEM, 0, NO_SLOT + 0x40, 4, &data, &result), 0))
		return;
	expect_eq(result, KVM_EXT_RESULT_EXIT);
	expect_eq(data, 0);
	expect_eq(c.run->exit_reason, KVM_EXIT_MMIO);
	expect_eq(RUN_MMIO(c.run)->phys_addr, NO_SLOT + 0x40);
	expect_eq(RUN_MMIO(c.run)->len, 4);
	expect_eq(RUN_MMIO(c.run)->is_write, 0);
	/* just below and just past the slot are not RAM either */
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA - 8, 8, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_EXIT);
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA + SLOT_SZ, 1, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_EXIT);
	expect_eq(RUN_MMIO(c.run)->phys_addr, GPA + SLOT_SZ);
}

/* arm64: a store to a KVM_MEM_READONLY slot is MMIO; a load reads RAM. */
static void t_readonly(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0x0123456789abcdefULL;
	__u32 result = 0, k;

	(void)t;
	if (!setup_flags(&c, KVM_MEM_READONLY))
		return;
	c.run->exit_reason = KVM_EXIT_UNKNOWN;
	if (expect_errno(guest_access(c.vcpu, MEM, W, GPA + 0x20, 8, &data, &result), 0)) {
		expect_eq(result, KVM_EXT_RESULT_EXIT);
		expect_eq(c.run->exit_reason, KVM_EXIT_MMIO);
		expect_eq(RUN_MMIO(c.run)->phys_addr, GPA + 0x20);
		expect_eq(RUN_MMIO(c.run)->len, 8);
		expect_eq(RUN_MMIO(c.run)->is_write, 1);
		for (k = 0; k < 8; k++)
			expect_eq(RUN_MMIO(c.run)->data[k], (__u8)(data >> (8 * k)));
	}
	for (k = 0; k < 8; k++)
		expect_eq(c.mem[0x20 + k], pattern(0x20 + k));
	data = 0;
	if (expect_errno(guest_access(c.vcpu, MEM, 0, GPA + 0x20, 8, &data, &result), 0)) {
		expect_eq(result, KVM_EXT_RESULT_RAM);
		expect_eq(data, le_bytes(c.mem + 0x20, 8));
	}
}

static void t_sysreg_hypercall(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0;
	__u32 result = 0;

	(void)t;
	if (!setup(&c))
		return;
	expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_SYSREG, 0, 0, 8, &data, NULL), ENXIO);
	expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_SYSREG, W, 0x603000000013c000ULL, 8,
				  &data, NULL),
		     ENXIO);
	if (P->id == P_ARM64) {
		/* every SMCCC call has an answer; one nobody offers, NOT_SUPPORTED */
		expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, 0, 8, &data, &result),
			     0);
		expect_eq(result, KVM_EXT_RESULT_KERNEL);
		expect_eq(data, ~0ULL);
		/* the TRNG is not emulated */
		expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, 0x84000050, 8, &data,
					  NULL),
			     ENXIO);
		return;
	}
	if (P->id == P_PPC) {
		/* hypercall 0 is not enabled: it goes to the VMM */
		expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, 0, 8, &data, &result),
			     0);
		expect_eq(result, KVM_EXT_RESULT_EXIT);
		return;
	}
	expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, 0, 8, &data, NULL), ENXIO);
	expect_errno(guest_access(c.vcpu, KVM_EXT_ACCESS_HYPERCALL, 0, 0x84000000, 8, &data, NULL),
		     ENXIO);
}

static void t_bad_ptr(const struct abi_test *t)
{
	struct ga_ctx c;

	(void)t;
	if (!setup(&c))
		return;
	expect_errno(ioctl(c.vcpu, KVM_EXT_GUEST_ACCESS, g_bad_ptr), EFAULT);
	expect_errno(ioctl(c.vcpu, KVM_EXT_GUEST_ACCESS, NULL), EFAULT);
}

/* A slot whose backing memory is gone: the access faults (-EFAULT). */
static void t_unmapped_backing(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0;

	(void)t;
	if (!setup(&c))
		return;
	xmunmap(c.mem, SLOT_SZ);
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA, 4, &data, NULL), EFAULT);
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA + PAGE_SZ + 8, 8, &data, NULL), EFAULT);
	expect_errno(guest_access(c.vcpu, MEM, W, GPA + 16, 2, &data, NULL), EFAULT);
}

/* The guest sees moves and deletions of slots. */
static void t_move_delete(const struct abi_test *t)
{
	const __u64 moved = 0x40000000ULL;
	struct ga_ctx c;
	__u64 data = 0;
	__u32 result = 0;

	(void)t;
	if (!setup(&c))
		return;
	if (!expect_errno(set_region(c.vm, 0, 0, moved, SLOT_SZ, c.mem), 0))
		return;
	expect_errno(guest_access(c.vcpu, MEM, 0, moved + 0x10, 4, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_RAM);
	expect_eq(data, le_bytes(c.mem + 0x10, 4));
	expect_errno(guest_access(c.vcpu, MEM, 0, GPA + 0x10, 4, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_EXIT);
	expect_errno(set_region(c.vm, 0, 0, 0, 0, NULL), 0);
	expect_errno(guest_access(c.vcpu, MEM, 0, moved + 0x10, 4, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_EXIT);
}

/* The vCPU's mutex is free again after every access (a second vCPU too). */
static void t_two_vcpus(const struct abi_test *t)
{
	struct ga_ctx c;
	__u64 data = 0xabcd;
	__u32 result = 0;
	int vcpu1;

	(void)t;
	if (!setup(&c))
		return;
	vcpu1 = new_vcpu(c.vm, 1);
	if (vcpu1 < 0)
		return;
	expect_errno(guest_access(c.vcpu, MEM, W, GPA + 0x30, 2, &data, &result), 0);
	data = 0;
	expect_errno(guest_access(vcpu1, MEM, 0, GPA + 0x30, 2, &data, &result), 0);
	expect_eq(result, KVM_EXT_RESULT_RAM);
	expect_eq(data, 0xabcd);
}

#define E T_EXT
static const struct abi_test guest_access_tests[] = {
	{ "load of 1/2/4/8 bytes from a RAM slot returns the backing bytes (RESULT_RAM)", REF,
	  t_load, 0, E, 0, 0 },
	{ "store of 1/2/4/8 bytes to a RAM slot writes the backing memory", REF, t_store, 0, E, 0,
	  0 },
	{ "len other than 1/2/4/8 -EINVAL", REF, t_bad_len, 0, E, 0, 0 },
	{ "access crossing a 4 KiB page -EINVAL", REF, t_cross_page, 0, E, 0, 0 },
	{ "unknown kind (99) -EINVAL", REF, t_bad_kind, 0, E, 0, 0 },
	{ "flags other than KVM_EXT_ACCESS_WRITE -EINVAL", REF, t_bad_flags, 0, E, 0, 0 },
	{ "nonzero reserved -EINVAL", REF, t_reserved, 0, E, 0, 0 },
	{ "store outside every slot: RESULT_EXIT, kvm_run KVM_EXIT_MMIO with the store",
	  REF_MMIO, t_mmio_store, 0, E, 0, 0 },
	{ "load outside every slot: RESULT_EXIT, data 0, KVM_EXIT_MMIO is_write 0", REF_MMIO,
	  t_mmio_load, 0, E, 0, 0 },
	{ "KVM_MEM_READONLY slot: store exits MMIO and leaves RAM, load reads RAM", REF_RO,
	  t_readonly, M_ARM64, E, 0, 0 },
	{ "KVM_EXT_ACCESS_SYSREG and KVM_EXT_ACCESS_HYPERCALL -ENXIO (no handler; arm64 answers "
	  "every SMCCC call but the TRNG's, ppc hands what it does not handle to the VMM)", REF,
	  t_sysreg_hypercall, 0, E, 0, 0 },
	{ "bad struct pointer -EFAULT", REF, t_bad_ptr, 0, E, 0, 0 },
	{ "slot whose backing memory was munmap'd: load and store -EFAULT", REF,
	  t_unmapped_backing, 0, E, 0, 0 },
	{ "moved and deleted slots: accesses follow the slot", REF_MOVE, t_move_delete, 0, E, 0,
	  0 },
	{ "a store by one vCPU is seen by another vCPU's load", REF, t_two_vcpus, 0, E, 0, 0 },
};

TEST_GROUP(guest_access);
