// SPDX-License-Identifier: GPL-2.0
/*
 * s390's VM attributes (devices/vm.rst sections 1-5: KVM_S390_VM_MEM_CTRL,
 * CPU_MODEL, TOD, CRYPTO, MIGRATION; and KVM_S390_VM_CPU_TOPOLOGY) through
 * KVM_SET/GET/HAS_DEVICE_ATTR on the VM fd, KVM_S390_GET_CMMA_BITS and
 * KVM_S390_SET_CMMA_BITS (api.rst 4.107, 4.108). Where the documents are
 * silent the facts are 6.1's arch/s390/kvm/kvm-s390.c
 * (kvm_s390_vm_set_attr(), _get_attr(), _has_attr() and what they call,
 * kvm_arch_init_vm(), kvm_arch_prepare_memory_region(),
 * kvm_s390_get_cmma_bits(), kvm_s390_set_cmma_bits()). Where they
 * disagree kvm_ext follows the documents: PROCESSOR_SUBFUNC read before a
 * write -EINVAL, LIMIT_SIZE read after a write the rounded new limit,
 * HAS of TOD_EXT 0 (Documentation/differences.rst).
 *
 * The emulated machine: a z15 with CMMA, AP instructions, facilities 76
 * and 139 in a new VM's list, 72 (AIS) and 11 (topology) only after
 * KVM_ENABLE_CAP. Its cpuid, IBC and facility words are read from
 * KVM_S390_VM_CPU_MACHINE, not written down here.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "s390_common.h"

#define REF_MEM "devices/vm.rst 1 KVM_S390_VM_MEM_CTRL"
#define REF_CPU "devices/vm.rst 2 KVM_S390_VM_CPU_MODEL"
#define REF_TOD "devices/vm.rst 3 KVM_S390_VM_TOD"
#define REF_CRYPTO "devices/vm.rst 4 KVM_S390_VM_CRYPTO"
#define REF_MIG "devices/vm.rst 5 KVM_S390_VM_MIGRATION"
#define REF_CMMA "api.rst 4.107 KVM_S390_GET_CMMA_BITS, 4.108 KVM_S390_SET_CMMA_BITS"
#define REF_ATTR "devices/vm.rst, api.rst 4.80/4.81 KVM_*_DEVICE_ATTR"
#define REF_TOPO "KVM_S390_VM_CPU_TOPOLOGY (6.1 kvm-s390.c)"

#define LIMIT_31 (1ULL << 31)
#define LIMIT_42 (1ULL << 42)
#define LIMIT_53 (1ULL << 53)
#define CMMA_SIZE_MAX 1048576ULL /* KVM_S390_SKEYS_MAX */

_Static_assert(sizeof(struct kvm_s390_vm_cpu_subfunc) == 2048, "subfunc block size");
_Static_assert(offsetof(struct kvm_s390_vm_cpu_subfunc, kdsa) == 240, "kdsa offset");
_Static_assert(offsetof(struct kvm_s390_vm_cpu_subfunc, reserved) == 256, "reserved offset");
_Static_assert(sizeof(struct kvm_s390_vm_cpu_machine) == 4112, "machine size");
_Static_assert(sizeof(struct kvm_s390_vm_cpu_processor) == 2064, "processor size");
_Static_assert(sizeof(struct kvm_s390_vm_tod_clock) == 16, "tod clock size");

static int vm_set(int vm, __u32 group, __u64 attr, const void *addr)
{
	return attr_at(vm, DEV_SET, group, attr, addr);
}

static int vm_get(int vm, __u32 group, __u64 attr, void *addr)
{
	return attr_at(vm, DEV_GET, group, attr, addr);
}

static int vm_has(int vm, __u32 group, __u64 attr)
{
	return attr_at(vm, DEV_HAS, group, attr, g_bad_ptr);
}

static bool get_machine(int vm, struct kvm_s390_vm_cpu_machine *m)
{
	memset(m, 0, sizeof(*m));
	return expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE, m), 0);
}

static bool get_processor(int vm, struct kvm_s390_vm_cpu_processor *p)
{
	memset(p, 0, sizeof(*p));
	return expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR, p), 0);
}

/* ------------------------------------------------------------ caps, groups */

/*
 * KVM_CAP_VM_ATTRIBUTES, KVM_CAP_S390_CMMA_MIGRATION and
 * KVM_CAP_S390_CPU_TOPOLOGY (the host has facility 11) are 1 on the
 * system and VM fds (kvm_vm_ioctl_check_extension()).
 */
static void t_caps(const struct abi_test *t)
{
	static const long caps[] = { KVM_CAP_VM_ATTRIBUTES, KVM_CAP_S390_CMMA_MIGRATION,
				     KVM_CAP_S390_CPU_TOPOLOGY };
	int vm = new_vm(0);
	size_t i;

	(void)t;
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (!expect_eq(check_ext(g_sys, caps[i]), 1) | !expect_eq(check_ext(vm, caps[i]), 1))
			diag("  cap %ld", caps[i]);
}

/*
 * KVM_HAS_DEVICE_ATTR (kvm_s390_vm_has_attr(); addr ignored): every
 * attribute of the documents 0 (the host has CMMA and AP instructions;
 * TOD_EXT too, the document's way), the next number -ENXIO, unknown groups
 * -ENXIO, CPU_TOPOLOGY -ENXIO without facility 11.
 */
static void t_has(const struct abi_test *t)
{
	static const struct {
		__u32 group;
		__u64 attr;
		int err;
	} rows[] = {
		{ KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, 0 },
		{ KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, 0 },
		{ KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, 0 },
		{ KVM_S390_VM_MEM_CTRL, 3, ENXIO },
		{ KVM_S390_VM_MEM_CTRL, 1ULL << 32, ENXIO },
		{ KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, 0 },
		{ KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, 0 },
		{ KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, 0 },
		{ KVM_S390_VM_TOD, 3, ENXIO },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_AES_KW, 0 },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_DEA_KW, 0 },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_DISABLE_AES_KW, 0 },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_DISABLE_DEA_KW, 0 },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_APIE, 0 },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_DISABLE_APIE, 0 },
		{ KVM_S390_VM_CRYPTO, 6, ENXIO },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR, 0 },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE, 0 },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR_FEAT, 0 },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE_FEAT, 0 },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, 0 },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE_SUBFUNC, 0 },
		{ KVM_S390_VM_CPU_MODEL, 6, ENXIO },
		{ KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STOP, 0 },
		{ KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_START, 0 },
		{ KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS, 0 },
		{ KVM_S390_VM_CPU_TOPOLOGY, 0, ENXIO },
		{ 6, 0, ENXIO },
		{ 0x1234, 0, ENXIO },
		{ 0xffffffff, 0, ENXIO },
	};
	int vm = new_vm(0);
	size_t i;

	(void)t;
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (!expect_errno(vm_has(vm, rows[i].group, rows[i].attr), rows[i].err))
			diag("  group %u attr %llu", rows[i].group, (unsigned long long)rows[i].attr);
}

/*
 * api.rst 4.81: HAS of an attribute the group does not have is -ENXIO
 * ("The group or attribute is unknown/unsupported"). 6.1 answers 0 for
 * any attribute of KVM_S390_VM_MIGRATION (kvm_s390_vm_has_attr()'s
 * MIGRATION case looks at no attribute).
 */
static void t_has_migration_unknown(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	expect_errno(vm_has(vm, KVM_S390_VM_MIGRATION, 3), ENXIO);
	expect_errno(vm_has(vm, KVM_S390_VM_MIGRATION, 0x1234), ENXIO);
}

/*
 * SET and GET of an unknown group, or of an attribute the group does not
 * have that way (MACHINE*, STATUS are read-only; ENABLE/CLR_CMMA, CRYPTO,
 * START/STOP write-only): -ENXIO.
 */
static void t_unknown(const struct abi_test *t)
{
	static const struct {
		__u32 group;
		__u64 attr;
		bool set;
	} rows[] = {
		{ 6, 0, true },
		{ 6, 0, false },
		{ 0x1234, 0, true },
		{ 0xffffffff, 0, false },
		{ KVM_S390_VM_MEM_CTRL, 3, true },
		{ KVM_S390_VM_MEM_CTRL, 3, false },
		{ KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, false },
		{ KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, false },
		{ KVM_S390_VM_TOD, 3, true },
		{ KVM_S390_VM_TOD, 3, false },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE, true },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE_FEAT, true },
		{ KVM_S390_VM_CPU_MODEL, KVM_S390_VM_CPU_MACHINE_SUBFUNC, true },
		{ KVM_S390_VM_CPU_MODEL, 6, true },
		{ KVM_S390_VM_CPU_MODEL, 6, false },
		{ KVM_S390_VM_CRYPTO, 6, true },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_AES_KW, false },
		{ KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_APIE, false },
		{ KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS, true },
		{ KVM_S390_VM_MIGRATION, 3, true },
		{ KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_START, false },
		{ KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STOP, false },
	};
	__u64 buf[600];
	int vm = new_vm(0);
	size_t i;

	(void)t;
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (!expect_errno(rows[i].set ? vm_set(vm, rows[i].group, rows[i].attr, buf) :
						vm_get(vm, rows[i].group, rows[i].attr, buf),
				  ENXIO))
			diag("  %s group %u attr %llu", rows[i].set ? "SET" : "GET", rows[i].group,
			     (unsigned long long)rows[i].attr);
}

/*
 * attr->flags: the TOD group refuses any (-EINVAL, get and set,
 * kvm_s390_set_tod()/kvm_s390_get_tod()); the other groups do not look at
 * them.
 */
static void t_flags(const struct abi_test *t)
{
	__u64 v = 0, lim = 0;
	int vm = new_vm(0);

	(void)t;
	expect_errno(attr_flags(vm, DEV_GET, 1, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &v), EINVAL);
	expect_errno(attr_flags(vm, DEV_SET, 1, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &v), EINVAL);
	expect_errno(attr_flags(vm, DEV_GET, 0x80000000, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT,
				&v),
		     EINVAL);
	expect_errno(attr_flags(vm, DEV_SET, 2, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, &v),
		     EINVAL);
	expect_errno(attr_flags(vm, DEV_GET, 1, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE,
				&lim),
		     0);
	expect_errno(attr_flags(vm, DEV_GET, 1, KVM_S390_VM_MIGRATION,
				KVM_S390_VM_MIGRATION_STATUS, &v),
		     0);
	expect_errno(attr_flags(vm, DEV_SET, 1, KVM_S390_VM_CRYPTO,
				KVM_S390_VM_CRYPTO_ENABLE_AES_KW, NULL),
		     0);
	expect_errno(attr_flags(vm, DEV_HAS, 1, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, NULL), 0);
}

/* ------------------------------------------------------------ MEM_CTRL */

/*
 * ENABLE_CMMA: 0 (again too), -EBUSY once a vCPU exists. CLR_CMMA: -EINVAL
 * while CMMA is not enabled, then 0, with vCPUs too. Parameters none.
 */
static void t_cmma_enable(const struct abi_test *t)
{
	int vm = new_vm(0), vm2 = new_vm(0);

	(void)t;
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, NULL), EINVAL);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL), 0);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, g_bad_ptr), 0);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, g_bad_ptr), 0);
	new_vcpu(vm, 0);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL), EBUSY);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, NULL), 0);
	new_vcpu(vm2, 0);
	expect_errno(vm_set(vm2, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL), EBUSY);
	expect_errno(vm_set(vm2, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, NULL), EINVAL);
}

static __u64 limit_of(int vm)
{
	__u64 v = 0x5a5a5a5a5a5a5a5aULL;

	expect_errno(vm_get(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, &v), 0);
	return v;
}

static int limit_set(int vm, __u64 v)
{
	return vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, &v);
}

/*
 * LIMIT_SIZE: get and set -EFAULT (exactly 8 bytes each way); set 0
 * -EINVAL; above the current limit (unless none) -E2BIG; -EBUSY once a vCPU
 * exists, after those checks; a refused set changes nothing.
 */
static void t_limit_errnos(const struct abi_test *t)
{
	int vm = new_vm(0), vm2 = new_vm(0);
	__u64 l0, *edge;

	(void)t;
	l0 = limit_of(vm);
	diag("  a new VM's limit: %#llx", (unsigned long long)l0);
	expect_true(l0 >= LIMIT_31);
	expect_errno(vm_get(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, g_bad_ptr),
		     EFAULT);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, g_bad_ptr),
		     EFAULT);
	edge = edge_buf(sizeof(*edge));
	if (edge) {
		expect_errno(vm_get(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, edge), 0);
		expect_eq(*edge, l0);
		*edge = LIMIT_31;
		expect_errno(vm_set(vm2, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_LIMIT_SIZE, edge),
			     0);
	}
	expect_errno(limit_set(vm, 0), EINVAL);
	if (l0 != KVM_S390_NO_MEM_LIMIT) {
		expect_errno(limit_set(vm, l0 + 1), E2BIG);
		expect_errno(limit_set(vm, KVM_S390_NO_MEM_LIMIT), E2BIG);
	}
	expect_eq(limit_of(vm), l0);
	new_vcpu(vm, 0);
	expect_errno(limit_set(vm, LIMIT_31), EBUSY);
	expect_errno(limit_set(vm, 0), EINVAL);
	if (l0 != KVM_S390_NO_MEM_LIMIT)
		expect_errno(limit_set(vm, l0 + 1), E2BIG);
	expect_eq(limit_of(vm), l0);
	new_vcpu(vm2, 0);
	expect_errno(limit_set(vm2, LIMIT_31), EBUSY);
	expect_eq(limit_of(vm2), LIMIT_31);
}

/*
 * "The limit will be rounded up to 2048 MB, 4096 GB, 8192 TB
 * respectively ... no limit ... KVM_S390_NO_MEM_LIMIT": what a set limit
 * reads back (the document's way), each in a new VM.
 */
static void t_limit_rounding(const struct abi_test *t)
{
	static const struct {
		__u64 set, got;
	} rows[] = {
		{ 1, LIMIT_31 },
		{ 0x100000, LIMIT_31 },
		{ LIMIT_31 - 1, LIMIT_31 },
		{ LIMIT_31, LIMIT_31 },
		{ LIMIT_31 + 1, LIMIT_42 },
		{ LIMIT_42, LIMIT_42 },
		{ LIMIT_42 + 1, LIMIT_53 },
		{ LIMIT_53, LIMIT_53 },
		{ LIMIT_53 + 1, KVM_S390_NO_MEM_LIMIT },
		{ 1ULL << 63, KVM_S390_NO_MEM_LIMIT },
		{ KVM_S390_NO_MEM_LIMIT, KVM_S390_NO_MEM_LIMIT },
	};
	size_t i;

	(void)t;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		int vm = new_vm(0);
		__u64 l0 = limit_of(vm);
		bool big = l0 != KVM_S390_NO_MEM_LIMIT && rows[i].set > l0;

		if (!expect_errno(limit_set(vm, rows[i].set), big ? E2BIG : 0) ||
		    !expect_eq(limit_of(vm), big ? l0 : rows[i].got))
			diag("  set %#llx", (unsigned long long)rows[i].set);
		xclose(vm);
	}
}

/*
 * Memslots must end within the limit (kvm_arch_prepare_memory_region():
 * -EINVAL), the rounded limit after a set.
 */
static void t_limit_memslots(const struct abi_test *t)
{
	void *mem = alloc_mb(2 * MB);
	int vm = new_vm(0), vm2 = new_vm(0);

	(void)t;
	if (!mem)
		return;
	expect_errno(limit_set(vm, 0x40000000), 0);
	expect_errno(set_region(vm, 0, 0, LIMIT_31 - 2 * MB, MB, mem), 0);
	expect_errno(set_region(vm, 1, 0, LIMIT_31 - MB, 2 * MB, mem), EINVAL);
	expect_errno(set_region(vm, 1, 0, LIMIT_31, MB, mem), EINVAL);
	expect_errno(set_region(vm, 1, 0, LIMIT_31 + 16 * MB, MB, mem), EINVAL);
	expect_errno(set_region(vm, 1, 0, LIMIT_31 - MB, MB, mem), 0);
	expect_errno(set_region(vm, 2, 0, 0, MB, mem), 0);
	/* moved past it */
	expect_errno(set_region(vm, 2, 0, LIMIT_31, MB, mem), EINVAL);
	expect_errno(limit_set(vm2, LIMIT_42), 0);
	expect_errno(set_region(vm2, 0, 0, LIMIT_42 - 2 * MB, MB, mem), 0);
	expect_errno(set_region(vm2, 1, 0, LIMIT_42 - MB, 2 * MB, mem), EINVAL);
	expect_errno(set_region(vm2, 1, 0, LIMIT_42, MB, mem), EINVAL);
	expect_errno(set_region(vm2, 1, 0, LIMIT_42 - MB, MB, mem), 0);
	expect_errno(set_region(vm2, 2, 0, LIMIT_31, 2 * MB, mem), 0);
}

/* ------------------------------------------------------------ CPU_MODEL */

/*
 * MACHINE (exactly its 4112 bytes; -EFAULT) and a new VM's PROCESSOR
 * (2064 bytes): the cpuid with version 0xff (kvm_s390_get_initial_cpuid()),
 * the machine's unblocked IBC (its low 12 bits), a facility list within
 * the machine's list and mask with MSA3 (76) and the multiple-epoch
 * facility (139), without AIS (72) and topology (11), which the mask
 * lacks too until KVM_ENABLE_CAP adds them to both.
 */
static void t_machine_processor(const struct abi_test *t)
{
	struct kvm_s390_vm_cpu_machine m, *me;
	struct kvm_s390_vm_cpu_processor p, *pe;
	int vm = new_vm(0), vm2 = new_vm(0);
	unsigned int nr, extra = 0;

	(void)t;
	me = edge_buf(sizeof(*me));
	pe = edge_buf(sizeof(*pe));
	if (!me || !pe || !get_machine(vm, &m) || !get_processor(vm, &p))
		return;
	diag("  machine cpuid %#llx ibc %#x, fac_list[0..2] %016llx %016llx %016llx",
	     (unsigned long long)m.cpuid, m.ibc, (unsigned long long)m.fac_list[0],
	     (unsigned long long)m.fac_list[1], (unsigned long long)m.fac_list[2]);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE, me), 0);
	expect_eq(memcmp(me, &m, sizeof(m)), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR, pe), 0);
	expect_eq(memcmp(pe, &p, sizeof(p)), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE, g_bad_ptr), EFAULT);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR, g_bad_ptr), EFAULT);

	expect_eq(p.cpuid, (m.cpuid & 0x00ffffffffffffffULL) | 0xff00000000000000ULL);
	expect_eq(p.ibc, m.ibc & 0xfff);
	expect_true(m.fac_list[0] != 0);
	for (nr = 0; nr < 256 * 64; nr++) {
		if (fac_test(p.fac_list, nr) &&
		    (!fac_test(m.fac_mask, nr) || !fac_test(m.fac_list, nr))) {
			if (extra++ < 8)
				diag("  facility %u: in the VM's list, mask %d, machine %d", nr,
				     fac_test(m.fac_mask, nr), fac_test(m.fac_list, nr));
		}
	}
	expect_eq(extra, 0);
	expect_true(fac_test(p.fac_list, 76));
	expect_true(fac_test(p.fac_list, 139));
	expect_true(!fac_test(p.fac_list, 72));
	expect_true(!fac_test(m.fac_mask, 72));
	expect_true(!fac_test(p.fac_list, 11));
	expect_true(!fac_test(m.fac_mask, 11));

	expect_errno(vm_enable_cap(vm2, KVM_CAP_S390_AIS), 0);
	expect_errno(vm_enable_cap(vm2, KVM_CAP_S390_CPU_TOPOLOGY), 0);
	if (!get_machine(vm2, &m) || !get_processor(vm2, &p))
		return;
	expect_true(fac_test(p.fac_list, 72));
	expect_true(fac_test(m.fac_mask, 72));
	expect_true(fac_test(p.fac_list, 11));
	expect_true(fac_test(m.fac_mask, 11));
	/* the capabilities change the VM, not the machine's list */
	expect_true(!memcmp(m.fac_list, me->fac_list, sizeof(m.fac_list)));
}

/*
 * PROCESSOR set (kvm_s390_set_processor()): the cpuid and facility list
 * as given ("KVM does not enforce or limit the cpu model data"), the IBC
 * clamped to the machine's range [lowest, unblocked] (bits 16-27 and 0-11
 * of its ibc) when the machine has one and the value is not 0, else left
 * as it was. Exactly 2064 bytes; -EFAULT; -EBUSY once a vCPU exists
 * (before the copy).
 */
static void t_processor_set(const struct abi_test *t)
{
	struct kvm_s390_vm_cpu_machine m;
	struct kvm_s390_vm_cpu_processor p, q, *pe;
	int vm = new_vm(0);
	__u16 lowest, unblocked;

	(void)t;
	pe = edge_buf(sizeof(*pe));
	if (!pe || !get_machine(vm, &m) || !get_processor(vm, &p))
		return;
	lowest = (m.ibc >> 16) & 0xfff;
	unblocked = m.ibc & 0xfff;
	memcpy(pe, &p, sizeof(p));
	pe->cpuid = 0x1234567890abcdefULL;
	fac_set(pe->fac_list, 200, true);
	fac_set(pe->fac_list, 76, false);
	pe->fac_list[255] = 0x8000000000000001ULL;
	pe->ibc = 0;
	memset(pe->pad, 0x5a, sizeof(pe->pad));
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, pe), 0);
	if (!get_processor(vm, &q))
		return;
	expect_eq(q.cpuid, 0x1234567890abcdefULL);
	expect_eq(q.ibc, p.ibc);
	expect_eq(memcmp(q.fac_list, pe->fac_list, sizeof(q.fac_list)), 0);
	expect_true(fac_test(q.fac_list, 200));
	expect_true(!fac_test(q.fac_list, 76));
	expect_eq(q.pad[0] | q.pad[5], 0);

	diag("  machine IBC range %#x-%#x", lowest, unblocked);
	pe->ibc = unblocked + 1;
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, pe), 0);
	get_processor(vm, &q);
	expect_eq(q.ibc, unblocked);
	if (lowest > 1) {
		pe->ibc = lowest - 1;
		expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, pe), 0);
		get_processor(vm, &q);
		expect_eq(q.ibc, lowest);
	}
	if (lowest && lowest < unblocked) {
		pe->ibc = lowest + 1;
		expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, pe), 0);
		get_processor(vm, &q);
		expect_eq(q.ibc, lowest + 1);
		pe->ibc = 0;
		expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, pe), 0);
		get_processor(vm, &q);
		expect_eq(q.ibc, lowest + 1);
	}
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, g_bad_ptr), EFAULT);
	new_vcpu(vm, 0);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, &p), EBUSY);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR, g_bad_ptr), EBUSY);
	get_processor(vm, &q);
	expect_eq(q.cpuid, 0x1234567890abcdefULL);
}

/* The first feature bit MACHINE_FEAT does not have (-1: none). */
static int feat_missing(const struct kvm_s390_vm_cpu_feat *mf)
{
	int nr;

	for (nr = KVM_S390_VM_CPU_FEAT_NR_BITS - 1; nr >= 0; nr--)
		if (!fac_test(mf->feat, (unsigned int)nr))
			return nr;
	return -1;
}

/*
 * MACHINE_FEAT (128 bytes, -EFAULT); PROCESSOR_FEAT of a new VM all 0;
 * set to any subset of MACHINE_FEAT and read back; a bit outside it
 * -EINVAL (checked after the copy, before -EBUSY), nothing changed;
 * -EBUSY once a vCPU exists.
 */
static void t_feat(const struct abi_test *t)
{
	struct kvm_s390_vm_cpu_feat mf, pf, zero, *edge;
	int vm = new_vm(0), miss;

	(void)t;
	memset(&zero, 0, sizeof(zero));
	memset(&mf, 0, sizeof(mf));
	edge = edge_buf(sizeof(*edge));
	if (!edge)
		return;
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE_FEAT, &mf), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE_FEAT, edge), 0);
	expect_eq(memcmp(edge, &mf, sizeof(mf)), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE_FEAT, g_bad_ptr), EFAULT);
	diag("  machine features %016llx %016llx", (unsigned long long)mf.feat[0],
	     (unsigned long long)mf.feat[1]);
	expect_true(mf.feat[0] != 0);
	memset(&pf, 0xa5, sizeof(pf));
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &pf), 0);
	expect_eq(memcmp(&pf, &zero, sizeof(pf)), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, g_bad_ptr), EFAULT);

	memcpy(edge, &mf, sizeof(mf));
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, edge), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &pf), 0);
	expect_eq(memcmp(&pf, &mf, sizeof(pf)), 0);
	/* a subset: only the first feature the machine has */
	memset(&pf, 0, sizeof(pf));
	pf.feat[0] = mf.feat[0] & -mf.feat[0];
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &pf), 0);
	miss = feat_missing(&mf);
	if (miss >= 0) {
		struct kvm_s390_vm_cpu_feat bad = mf, got;

		diag("  feature %d is not the machine's", miss);
		fac_set(bad.feat, (unsigned int)miss, true);
		expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &bad), EINVAL);
		expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &got), 0);
		expect_eq(memcmp(&got, &pf, sizeof(got)), 0);
		new_vcpu(vm, 0);
		expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &bad), EINVAL);
	} else {
		new_vcpu(vm, 0);
	}
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &mf), EBUSY);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, &zero), EBUSY);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_FEAT, g_bad_ptr), EFAULT);
}

/* A subfunction block's query bit (function 0, MSB 0 bit 0). */
static bool block_on(const __u8 *b)
{
	return b[0] & 0x80;
}

static bool block_zero(const __u8 *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/*
 * MACHINE_SUBFUNC: the 2048-byte block of the document (kdsa's 16 bytes
 * at offset 240, then 1792 reserved bytes from 256, 0 here); a block is valid, with its query
 * function's bit set, exactly when the machine's list has the facility
 * that brings the instruction (TOD steering 28, MSA 17, MSA3 76, MSA4 77,
 * MSA5 57, MSA8 146, MSA9 155), else 0. -EFAULT.
 */
static void t_machine_subfunc(const struct abi_test *t)
{
	struct kvm_s390_vm_cpu_subfunc *s;
	struct kvm_s390_vm_cpu_machine m;
	const struct {
		const char *name;
		size_t off;
		unsigned int fac;
	} blocks[] = {
		{ "ptff", offsetof(struct kvm_s390_vm_cpu_subfunc, ptff), 28 },
		{ "kmac", offsetof(struct kvm_s390_vm_cpu_subfunc, kmac), 17 },
		{ "kmc", offsetof(struct kvm_s390_vm_cpu_subfunc, kmc), 17 },
		{ "km", offsetof(struct kvm_s390_vm_cpu_subfunc, km), 17 },
		{ "kimd", offsetof(struct kvm_s390_vm_cpu_subfunc, kimd), 17 },
		{ "klmd", offsetof(struct kvm_s390_vm_cpu_subfunc, klmd), 17 },
		{ "pckmo", offsetof(struct kvm_s390_vm_cpu_subfunc, pckmo), 76 },
		{ "kmctr", offsetof(struct kvm_s390_vm_cpu_subfunc, kmctr), 77 },
		{ "kmf", offsetof(struct kvm_s390_vm_cpu_subfunc, kmf), 77 },
		{ "kmo", offsetof(struct kvm_s390_vm_cpu_subfunc, kmo), 77 },
		{ "pcc", offsetof(struct kvm_s390_vm_cpu_subfunc, pcc), 77 },
		{ "ppno", offsetof(struct kvm_s390_vm_cpu_subfunc, ppno), 57 },
		{ "kma", offsetof(struct kvm_s390_vm_cpu_subfunc, kma), 146 },
		{ "kdsa", offsetof(struct kvm_s390_vm_cpu_subfunc, kdsa), 155 },
	};
	int vm = new_vm(0);
	size_t i;

	(void)t;
	s = edge_buf(sizeof(*s));
	if (!s || !get_machine(vm, &m))
		return;
	memset(s, 0xa5, sizeof(*s));
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE_SUBFUNC, s), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE_SUBFUNC, g_bad_ptr), EFAULT);
	expect_true(block_zero(s->reserved, sizeof(s->reserved)));
	expect_true(block_on(s->plo));
	for (i = 0; i < ARRAY_SIZE(blocks); i++) {
		const __u8 *b = (const __u8 *)s + blocks[i].off;
		bool fac = fac_test(m.fac_list, blocks[i].fac);

		if (!expect_eq(fac ? block_on(b) : block_zero(b, 16), true))
			diag("  %s (offset %zu): facility %u %s, block %02x%02x...", blocks[i].name,
			     blocks[i].off, blocks[i].fac, fac ? "on" : "off", b[0], b[1]);
	}
	diag("  kdsa %02x%02x%02x%02x, facility 155 %d; sort 150 %d, deflate 151 %d", s->kdsa[0],
	     s->kdsa[1], s->kdsa[2], s->kdsa[3], fac_test(m.fac_list, 155),
	     fac_test(m.fac_list, 150), fac_test(m.fac_list, 151));
}

/*
 * PROCESSOR_SUBFUNC: a read before any write -EINVAL (the document: "As
 * long as no data has been written, a read will fail"); a write takes the
 * 2048 bytes as given (kdsa and the reserved bytes too) and reads back;
 * -EFAULT; -EBUSY once a vCPU exists (before the copy).
 */
static void t_processor_subfunc(const struct abi_test *t)
{
	struct kvm_s390_vm_cpu_subfunc *s, *got, ms;
	int vm = new_vm(0);
	size_t i;

	(void)t;
	s = edge_buf(sizeof(*s));
	got = edge_buf(sizeof(*got));
	if (!s || !got)
		return;
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, got), EINVAL);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, g_bad_ptr), EINVAL);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_MACHINE_SUBFUNC, &ms), 0);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, &ms), 0);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, got), 0);
	expect_eq(memcmp(got, &ms, sizeof(ms)), 0);
	for (i = 0; i < sizeof(*s); i++)
		((__u8 *)s)[i] = (__u8)(i * 13 + 1);
	memset(s->kdsa, 0x9d, sizeof(s->kdsa));
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, s), 0);
	memset(got, 0, sizeof(*got));
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, got), 0);
	expect_eq(memcmp(got, s, sizeof(*s)), 0);
	expect_eq(got->kdsa[15], 0x9d);
	expect_eq(((__u8 *)got)[240], 0x9d);
	expect_eq(((__u8 *)got)[255], 0x9d);
	expect_eq(((__u8 *)got)[256], (__u8)(256 * 13 + 1));
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, g_bad_ptr), EFAULT);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, g_bad_ptr), EFAULT);
	new_vcpu(vm, 0);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, &ms), EBUSY);
	expect_errno(cpu_set(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, g_bad_ptr), EBUSY);
	expect_errno(cpu_get(vm, KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, got), 0);
	expect_eq(memcmp(got, s, sizeof(*s)), 0);
}

/* ------------------------------------------------------------ TOD */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* TOD clock units (bit 51 is 1 us) in dt seconds, with 2 ms of slack */
static unsigned __int128 tod_window(double dt)
{
	return (unsigned __int128)((dt + 0.002) * 4096e6);
}

static unsigned __int128 tod72(const struct kvm_s390_vm_tod_clock *c)
{
	return ((unsigned __int128)c->epoch_idx << 64) | c->tod;
}

static bool tod_ext_get(int vm, struct kvm_s390_vm_tod_clock *c)
{
	memset(c, 0, sizeof(*c));
	return expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, c), 0);
}

/*
 * The value read lies between the one set and that plus the time that
 * passed (72-bit, wrapping past 2^72 as the epoch index does).
 */
#define expect_tod_after(got, set, dt) expect_tod_after_at(__LINE__, got, set, dt)
static void expect_tod_after_at(int line, unsigned __int128 got, unsigned __int128 set,
				double dt)
{
	unsigned __int128 d = (got - set) & (((unsigned __int128)1 << 72) - 1);

	if (d > tod_window(dt))
		fail("line %d: TOD %#llx:%016llx read %.3f ms after %#llx:%016llx was set", line,
		     (unsigned long long)(got >> 64), (unsigned long long)got, dt * 1e3,
		     (unsigned long long)(set >> 64), (unsigned long long)set);
}

/*
 * TOD_HIGH reads 0 (1 byte); set 0 is fine, anything else -EINVAL. TOD_LOW
 * (8 bytes) set X reads back X plus the time since, and never goes
 * backwards. -EFAULT each way.
 */
static void t_tod_low_high(const struct abi_test *t)
{
	__u8 *hi = edge_buf(1);
	__u64 *lo = edge_buf(8), x = 0x1234567800000000ULL, prev, v;
	int vm = new_vm(0), i;
	double t0, dt;

	(void)t;
	if (!hi || !lo)
		return;
	*hi = 0x5a;
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, hi), 0);
	expect_eq(*hi, 0);
	*hi = 0;
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, hi), 0);
	*hi = 1;
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, hi), EINVAL);
	*hi = 0xff;
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, hi), EINVAL);
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, g_bad_ptr), EFAULT);
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_HIGH, g_bad_ptr), EFAULT);
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, g_bad_ptr), EFAULT);
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, g_bad_ptr), EFAULT);

	*lo = x;
	t0 = now_s();
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, lo), 0);
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, lo), 0);
	dt = now_s() - t0;
	expect_tod_after(*lo, x, dt);
	prev = *lo;
	for (i = 0; i < 200; i++) {
		v = 0;
		expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &v), 0);
		if (v < prev) {
			fail("TOD went back: %#llx after %#llx", (unsigned long long)v,
			     (unsigned long long)prev);
			break;
		}
		prev = v;
	}
	/* it runs: 10 ms is about 41e6 units */
	sleep_ms(10);
	v = 0;
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &v), 0);
	expect_true(v - prev >= 4096ULL * 5000);
	dt = now_s() - t0;
	expect_tod_after(v, x, dt);
	/* another VM's clock is its own */
	v = 0;
	expect_errno(vm_get(new_vm(0), KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &v), 0);
	expect_true(v - x > 4096ULL * 1000000);
}

/*
 * TOD_EXT (struct kvm_s390_vm_tod_clock, 16 bytes): with facility 139 the
 * epoch index is set and read with the TOD, the 72-bit value running on
 * (the index carries when the TOD wraps); TOD_LOW reads its low 64 bits
 * and a TOD_LOW set makes the index 0. -EFAULT.
 */
static void t_tod_ext(const struct abi_test *t)
{
	struct kvm_s390_vm_tod_clock *c = edge_buf(sizeof(*c)), g;
	int vm = new_vm(0);
	__u64 lo;
	double t0;

	(void)t;
	if (!c)
		return;
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, g_bad_ptr), EFAULT);
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, g_bad_ptr), EFAULT);
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, c), 0);

	memset(c, 0, sizeof(*c));
	c->epoch_idx = 5;
	c->tod = 0x0123456789abcdefULL;
	t0 = now_s();
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, c), 0);
	if (tod_ext_get(vm, &g))
		expect_tod_after(tod72(&g), ((unsigned __int128)5 << 64) | c->tod, now_s() - t0);
	expect_eq(g.epoch_idx, 5);
	lo = 0;
	expect_errno(vm_get(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &lo), 0);
	expect_tod_after(lo, c->tod, now_s() - t0);

	/* 100 us before the TOD wraps: the index carries */
	c->epoch_idx = 1;
	c->tod = ~0ULL - 4096ULL * 100;
	t0 = now_s();
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, c), 0);
	sleep_ms(5);
	if (tod_ext_get(vm, &g)) {
		expect_eq(g.epoch_idx, 2);
		expect_tod_after(tod72(&g), ((unsigned __int128)1 << 64) | c->tod, now_s() - t0);
	}
	/* index 0xff wraps to 0 */
	c->epoch_idx = 0xff;
	t0 = now_s();
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, c), 0);
	sleep_ms(5);
	if (tod_ext_get(vm, &g)) {
		expect_eq(g.epoch_idx, 0);
		expect_tod_after(tod72(&g), ((unsigned __int128)0xff << 64) | c->tod, now_s() - t0);
	}
	/* TOD_LOW sets index 0 */
	c->epoch_idx = 7;
	c->tod = 0x1000;
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, c), 0);
	lo = 0x4000000000000000ULL;
	t0 = now_s();
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_LOW, &lo), 0);
	if (tod_ext_get(vm, &g))
		expect_tod_after(tod72(&g), lo, now_s() - t0);
}

/*
 * Without facility 139 in the CPU model (PROCESSOR's list cleared of it)
 * TOD_EXT's index is 0: set with an index -EINVAL, without it fine, and
 * it reads 0.
 */
static void t_tod_ext_no139(const struct abi_test *t)
{
	struct kvm_s390_vm_tod_clock c, g;
	int vm = new_vm(0);
	double t0;

	(void)t;
	if (!processor_fac(vm, 139, false))
		return;
	memset(&c, 0, sizeof(c));
	c.epoch_idx = 1;
	c.tod = 0x2000000000000000ULL;
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, &c), EINVAL);
	c.epoch_idx = 0;
	t0 = now_s();
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, &c), 0);
	if (tod_ext_get(vm, &g)) {
		expect_eq(g.epoch_idx, 0);
		expect_tod_after(tod72(&g), c.tod, now_s() - t0);
	}
	/* back on: an index is taken again */
	if (!processor_fac(vm, 139, true))
		return;
	c.epoch_idx = 1;
	expect_errno(vm_set(vm, KVM_S390_VM_TOD, KVM_S390_VM_TOD_EXT, &c), 0);
	if (tod_ext_get(vm, &g))
		expect_eq(g.epoch_idx, 1);
}

/* ------------------------------------------------------------ CRYPTO */

/*
 * CRYPTO (kvm_s390_vm_set_crypto()): the four key-wrapping attributes and
 * the two APIE ones 0, repeatedly, with vCPUs too; parameters none. With
 * facility 76 (MSA3) cleared from the CPU model the key-wrapping ones
 * -EINVAL, APIE still 0.
 */
static void t_crypto(const struct abi_test *t)
{
	int vm = new_vm(0), vm2 = new_vm(0);
	__u64 a;

	(void)t;
	for (a = KVM_S390_VM_CRYPTO_ENABLE_AES_KW; a <= KVM_S390_VM_CRYPTO_DISABLE_APIE; a++) {
		if (!expect_errno(vm_set(vm, KVM_S390_VM_CRYPTO, a, NULL), 0) |
		    !expect_errno(vm_set(vm, KVM_S390_VM_CRYPTO, a, g_bad_ptr), 0))
			diag("  attr %llu", (unsigned long long)a);
	}
	new_vcpu(vm, 0);
	for (a = KVM_S390_VM_CRYPTO_ENABLE_AES_KW; a <= KVM_S390_VM_CRYPTO_DISABLE_APIE; a++)
		if (!expect_errno(vm_set(vm, KVM_S390_VM_CRYPTO, a, NULL), 0))
			diag("  attr %llu with a vCPU", (unsigned long long)a);

	if (!processor_fac(vm2, 76, false))
		return;
	for (a = KVM_S390_VM_CRYPTO_ENABLE_AES_KW; a <= KVM_S390_VM_CRYPTO_DISABLE_DEA_KW; a++)
		if (!expect_errno(vm_set(vm2, KVM_S390_VM_CRYPTO, a, NULL), EINVAL))
			diag("  attr %llu without facility 76", (unsigned long long)a);
	expect_errno(vm_set(vm2, KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_APIE, NULL), 0);
	expect_errno(vm_set(vm2, KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_DISABLE_APIE, NULL), 0);
	expect_errno(vm_has(vm2, KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_AES_KW), 0);
	if (processor_fac(vm2, 76, true))
		expect_errno(vm_set(vm2, KVM_S390_VM_CRYPTO, KVM_S390_VM_CRYPTO_ENABLE_DEA_KW, NULL),
			     0);
}

/* ------------------------------------------------------------ MIGRATION */

static __u64 mig_status(int vm)
{
	__u64 v = 0x5a;

	expect_errno(vm_get(vm, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS, &v), 0);
	return v;
}

static int mig(int vm, __u64 attr)
{
	return vm_set(vm, KVM_S390_VM_MIGRATION, attr, g_bad_ptr);
}

#define LOG KVM_MEM_LOG_DIRTY_PAGES

/*
 * Migration mode without CMMA: STATUS (a u64, exactly 8 bytes; -EFAULT)
 * 0; START with no memory -EINVAL; with memslots logging dirty pages 0,
 * STATUS 1, START again no effect; STOP 0 (again too); parameters none.
 * Dirty logging turned off on a slot, or a new slot without it, stops
 * migration mode; a slot deleted does not.
 */
static void t_migration(const struct abi_test *t)
{
	void *mem = alloc_mb(MB);
	__u64 *edge = edge_buf(8);
	int vm = new_vm(0);

	(void)t;
	if (!mem || !edge)
		return;
	expect_errno(vm_get(vm, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS, edge), 0);
	expect_eq(*edge, 0);
	expect_errno(vm_get(vm, KVM_S390_VM_MIGRATION, KVM_S390_VM_MIGRATION_STATUS, g_bad_ptr),
		     EFAULT);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_STOP), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), EINVAL);
	expect_eq(mig_status(vm), 0);
	expect_errno(set_region(vm, 0, LOG, 0, MB, mem), 0);
	expect_errno(set_region(vm, 1, LOG, 4 * MB, MB, mem), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_eq(mig_status(vm), 1);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_eq(mig_status(vm), 1);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_STOP), 0);
	expect_eq(mig_status(vm), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_STOP), 0);
	expect_eq(mig_status(vm), 0);

	/* dirty logging off on slot 1 */
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_errno(set_region(vm, 1, 0, 4 * MB, MB, mem), 0);
	expect_eq(mig_status(vm), 0);
	expect_errno(set_region(vm, 1, LOG, 4 * MB, MB, mem), 0);
	/* a new slot without it */
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_errno(set_region(vm, 2, 0, 8 * MB, MB, mem), 0);
	expect_eq(mig_status(vm), 0);
	expect_errno(set_region(vm, 2, 0, 8 * MB, 0, mem), 0);
	/* a slot deleted, one moved with logging on: still on */
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_errno(set_region(vm, 1, LOG, 4 * MB, 0, mem), 0);
	expect_eq(mig_status(vm), 1);
	expect_errno(set_region(vm, 0, LOG, 16 * MB, MB, mem), 0);
	expect_eq(mig_status(vm), 1);
}

/*
 * With CMMA enabled, START needs dirty logging on every memslot (-EINVAL
 * otherwise, migration mode stays off).
 */
static void t_migration_cmma(const struct abi_test *t)
{
	void *mem = alloc_mb(MB);
	int vm = new_vm(0);

	(void)t;
	if (!mem)
		return;
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), EINVAL);
	expect_errno(set_region(vm, 0, 0, 0, MB, mem), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), EINVAL);
	expect_eq(mig_status(vm), 0);
	expect_errno(set_region(vm, 0, LOG, 0, MB, mem), 0);
	expect_errno(set_region(vm, 1, 0, 2 * MB, MB, mem), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), EINVAL);
	expect_eq(mig_status(vm), 0);
	expect_errno(set_region(vm, 1, LOG, 2 * MB, MB, mem), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_eq(mig_status(vm), 1);
	expect_errno(set_region(vm, 0, 0, 0, MB, mem), 0);
	expect_eq(mig_status(vm), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), EINVAL);
	expect_eq(mig_status(vm), 0);
}

/*
 * The document: "Dirty tracking must be enabled on all memslots, else
 * -EINVAL is returned", CMMA or not. (6.1's kvm_s390_vm_start_migration()
 * looks at the slots only when CMMA is enabled.)
 */
static void t_migration_needs_log(const struct abi_test *t)
{
	void *mem = alloc_mb(MB);
	int vm = new_vm(0);

	(void)t;
	if (!mem)
		return;
	expect_errno(set_region(vm, 0, LOG, 0, MB, mem), 0);
	expect_errno(set_region(vm, 1, 0, 2 * MB, MB, mem), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), EINVAL);
	expect_eq(mig_status(vm), 0);
}

/* ------------------------------------------------------------ CMMA bits */

static int cmma_get(int vm, struct kvm_s390_cmma_log *l, __u64 gfn, __u32 count, __u32 flags,
		    void *values)
{
	memset(l, 0, sizeof(*l));
	l->start_gfn = gfn;
	l->count = count;
	l->flags = flags;
	l->values = uptr(values);
	return ioctl(vm, KVM_S390_GET_CMMA_BITS, l);
}

static int cmma_set(int vm, __u64 gfn, __u32 count, __u32 flags, __u64 mask, const void *values)
{
	struct kvm_s390_cmma_log l;

	memset(&l, 0, sizeof(l));
	l.start_gfn = gfn;
	l.count = count;
	l.flags = flags;
	l.mask = mask;
	l.values = uptr(values);
	return ioctl(vm, KVM_S390_SET_CMMA_BITS, &l);
}

#define PEEK KVM_S390_CMMA_PEEK
#define SLOT_GFN 256ULL /* the slot at 1 MiB */
#define SLOT_PAGES 256U

/* A VM with CMMA and one 1 MiB slot at 1 MiB (gfns 256-511) of *memp. */
static int cmma_vm(__u32 flags, void **memp)
{
	void *mem = alloc_mb(MB);
	int vm = new_vm(0);

	*memp = mem;
	if (!mem || vm < 0)
		return -1;
	if (!expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_ENABLE_CMMA, NULL), 0) ||
	    !expect_errno(set_region(vm, 0, flags, SLOT_GFN << 12, MB, mem), 0))
		return -1;
	return vm;
}

/*
 * KVM_S390_GET/SET_CMMA_BITS errnos (api.rst 4.107, 4.108): the struct
 * -EFAULT; without CMMA -ENXIO; GET: flags other than PEEK -EINVAL, no
 * PEEK outside migration mode -EINVAL; SET: flags -EINVAL, count above
 * KVM_S390_CMMA_SIZE_MAX -EINVAL, count 0 a no-op, the values -EFAULT,
 * pages outside memory -EFAULT.
 */
static void t_cmma_errnos(const struct abi_test *t)
{
	struct kvm_s390_cmma_log l;
	__u8 v[16] = { 0 };
	void *mem;
	int vm = new_vm(0), cvm = cmma_vm(0, &mem);

	(void)t;
	if (cvm < 0)
		return;
	expect_errno(ioctl(vm, KVM_S390_GET_CMMA_BITS, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vm, KVM_S390_SET_CMMA_BITS, g_bad_ptr), EFAULT);
	expect_errno(cmma_get(vm, &l, 0, 16, PEEK, v), ENXIO);
	expect_errno(cmma_get(vm, &l, 0, 16, 0, v), ENXIO);
	expect_errno(cmma_set(vm, 0, 16, 0, ~0ULL, v), ENXIO);
	expect_errno(cmma_set(vm, 0, 16, 1, ~0ULL, v), ENXIO);

	expect_errno(cmma_get(cvm, &l, SLOT_GFN, 16, 2, v), EINVAL);
	expect_errno(cmma_get(cvm, &l, SLOT_GFN, 16, 0xffffffff, v), EINVAL);
	expect_errno(cmma_get(cvm, &l, SLOT_GFN, 16, 0, v), EINVAL);
	expect_errno(cmma_get(cvm, &l, SLOT_GFN, 0, PEEK, v), 0);
	expect_eq(l.count, 0);
	expect_errno(cmma_set(cvm, SLOT_GFN, 16, 1, ~0ULL, v), EINVAL);
	expect_errno(cmma_set(cvm, SLOT_GFN, 16, 0x80000000, ~0ULL, v), EINVAL);
	expect_errno(cmma_set(cvm, SLOT_GFN, CMMA_SIZE_MAX + 1, 0, ~0ULL, v), EINVAL);
	expect_errno(cmma_set(cvm, SLOT_GFN, 0xffffffff, 0, ~0ULL, g_bad_ptr), EINVAL);
	expect_errno(cmma_set(cvm, SLOT_GFN, 0, 0, ~0ULL, g_bad_ptr), 0);
	expect_errno(cmma_set(cvm, SLOT_GFN, 16, 0, ~0ULL, g_bad_ptr), EFAULT);
	expect_errno(cmma_set(cvm, 0, 16, 0, ~0ULL, v), EFAULT);
	expect_errno(cmma_set(cvm, SLOT_GFN + SLOT_PAGES, 1, 0, ~0ULL, v), EFAULT);
}

static bool block_zero_u8(const __u8 *b, size_t n)
{
	while (n--)
		if (*b++)
			return false;
	return true;
}

/*
 * Values: SET stores the usage (0x03) and no-DAT (0x40) bits of each byte
 * that the mask allows (mask in PGSTE bit positions: byte << 24), and
 * PEEK reads them back (start_gfn as given, count as given unless memory
 * ends first, remaining 0 outside migration mode); a write running past
 * the end of memory -EFAULT (6.1 after writing what fits, kvm_ext having
 * written nothing: differences.rst); PEEK of a page
 * outside memory -EFAULT, a count above the maximum taken as it. CLR_CMMA
 * clears every page's bits (s390_reset_cmma(): ptep_zap_unused(reset)).
 */
static void t_cmma_values(const struct abi_test *t)
{
	static const __u8 in[8] = { 0x43, 0x01, 0x02, 0x40, 0x03, 0x00, 0xff, 0x80 };
	static const __u8 want[8] = { 0x43, 0x01, 0x02, 0x40, 0x03, 0x00, 0x43, 0x00 };
	struct kvm_s390_cmma_log l;
	__u8 v[16], *big = alloc_mem(CMMA_SIZE_MAX + 16), one;
	void *mem;
	int vm = cmma_vm(0, &mem);

	(void)t;
	if (vm < 0 || !big)
		return;
	expect_errno(cmma_set(vm, SLOT_GFN, 8, 0, ~0ULL, in), 0);
	memset(v, 0xee, sizeof(v));
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 8, PEEK, v), 0);
	expect_eq(l.start_gfn, SLOT_GFN);
	expect_eq(l.count, 8);
	expect_eq(l.remaining, 0);
	expect_eq(memcmp(v, want, 8), 0);
	expect_eq(v[8], 0xee);

	/* the mask */
	one = 0x00;
	expect_errno(cmma_set(vm, SLOT_GFN, 1, 0, 0x01000000, &one), 0);
	one = 0x43;
	expect_errno(cmma_set(vm, SLOT_GFN + 1, 1, 0, 0x40000000, &one), 0);
	expect_errno(cmma_set(vm, SLOT_GFN + 2, 1, 0, 0x80ff00ffULL | 0xff00000000ULL, &one), 0);
	one = 0x00;
	expect_errno(cmma_set(vm, SLOT_GFN + 3, 1, 0, 0, &one), 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 4, PEEK, v), 0);
	expect_eq(v[0], 0x42);
	expect_eq(v[1], 0x41);
	expect_eq(v[2], 0x02);
	expect_eq(v[3], 0x40);

	/* the end of memory */
	expect_errno(cmma_get(vm, &l, SLOT_GFN + SLOT_PAGES - 2, 8, PEEK, v), 0);
	expect_eq(l.count, 2);
	expect_errno(cmma_get(vm, &l, SLOT_GFN - 1, 8, PEEK, v), EFAULT);
	expect_errno(cmma_get(vm, &l, SLOT_GFN + SLOT_PAGES, 8, PEEK, v), EFAULT);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 0xffffffff, PEEK, big), 0);
	expect_eq(l.count, SLOT_PAGES);
	expect_eq(big[6], 0x43);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 8, PEEK, g_bad_ptr), EFAULT);
	/*
	 * A write running past the end: 6.1 writes the frames before the
	 * first one outside memory; kvm_ext writes none (differences.rst).
	 */
	one = 0x5a;
	memset(v, 0x03, sizeof(v));
	expect_errno(cmma_set(vm, SLOT_GFN + SLOT_PAGES - 1, 2, 0, ~0ULL, v), EFAULT);
	expect_errno(cmma_get(vm, &l, SLOT_GFN + SLOT_PAGES - 1, 1, PEEK, &one), 0);
	expect_eq(one, g_is_ext ? 0x00 : 0x03);

	/* CLR_CMMA: every page's usage and no-DAT bits back to 0 (stable) */
	expect_errno(cmma_set(vm, SLOT_GFN, 8, 0, ~0ULL, in), 0);
	expect_errno(vm_set(vm, KVM_S390_VM_MEM_CTRL, KVM_S390_VM_MEM_CLR_CMMA, NULL), 0);
	memset(v, 0xee, sizeof(v));
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 8, PEEK, v), 0);
	expect_eq(l.count, 8);
	expect_true(block_zero_u8(v, 8));
}

/*
 * Migration mode (api.rst 4.107): START marks every page's CMMA value
 * dirty; GET without PEEK returns from the first dirty page on (start_gfn
 * out), at most count values, clears them, and "remaining" counts the
 * dirty ones left; with none left count 0. PEEK during migration reports
 * remaining too and clears nothing. STOP, or dirty logging turned off,
 * ends migration mode: GET without PEEK -EINVAL again.
 */
static void t_cmma_migration(const struct abi_test *t)
{
	struct kvm_s390_cmma_log l;
	__u8 pat[SLOT_PAGES], v[SLOT_PAGES + 16];
	unsigned int i;
	void *mem;
	int vm = cmma_vm(LOG, &mem);

	(void)t;
	if (vm < 0 || !mem)
		return;
	for (i = 0; i < SLOT_PAGES; i++)
		pat[i] = (i & 3) | (i & 4 ? 0x40 : 0);
	expect_errno(cmma_set(vm, SLOT_GFN, SLOT_PAGES, 0, ~0ULL, pat), 0);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 4, PEEK, v), 0);
	expect_eq(l.remaining, SLOT_PAGES);

	memset(v, 0xee, sizeof(v));
	expect_errno(cmma_get(vm, &l, 0, 100, 0, v), 0);
	expect_eq(l.start_gfn, SLOT_GFN);
	expect_eq(l.count, 100);
	expect_eq(l.remaining, SLOT_PAGES - 100);
	expect_eq(memcmp(v, pat, 100), 0);
	expect_eq(v[100], 0xee);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, SLOT_PAGES + 16, 0, v), 0);
	expect_eq(l.start_gfn, SLOT_GFN + 100);
	expect_eq(l.count, SLOT_PAGES - 100);
	expect_eq(l.remaining, 0);
	expect_eq(memcmp(v, pat + 100, SLOT_PAGES - 100), 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 16, 0, v), 0);
	expect_eq(l.count, 0);
	expect_eq(l.remaining, 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 16, PEEK, v), 0);
	expect_eq(l.count, 16);
	expect_eq(l.remaining, 0);

	/* again from the start: everything dirty once more */
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_STOP), 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 16, 0, v), EINVAL);
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, SLOT_PAGES, 0, v), 0);
	expect_eq(l.start_gfn, SLOT_GFN);
	expect_eq(l.count, SLOT_PAGES);
	expect_eq(l.remaining, 0);
	expect_eq(memcmp(v, pat, SLOT_PAGES), 0);

	/* dirty logging off on the slot (a flags-only change): migration mode ends */
	expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
	expect_errno(set_region(vm, 0, 0, SLOT_GFN << 12, MB, mem), 0);
	expect_eq(mig_status(vm), 0);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 16, 0, v), EINVAL);
	expect_errno(cmma_get(vm, &l, SLOT_GFN, 16, PEEK, v), 0);
	expect_eq(l.remaining, 0);
	expect_eq(memcmp(v, pat, 16), 0);
}

/* A CMMA VM in migration mode, every page's value pat[] and dirty. */
static int cmma_mig_vm(__u8 *pat)
{
	unsigned int i;
	void *mem;
	int vm = cmma_vm(LOG, &mem);

	if (vm < 0)
		return -1;
	for (i = 0; i < SLOT_PAGES; i++)
		pat[i] = (__u8)((i % 3) | (i % 5 ? 0 : 0x40));
	if (!expect_errno(cmma_set(vm, SLOT_GFN, SLOT_PAGES, 0, ~0ULL, pat), 0) ||
	    !expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0))
		return -1;
	return vm;
}

#define expect_log(l, gfn, n, rem)                                              \
	do {                                                                    \
		expect_eq((l).start_gfn, gfn);                                  \
		expect_eq((l).count, n);                                        \
		expect_eq((l).remaining, rem);                                  \
	} while (0)

/*
 * api.rst 4.107: "the buffer is only filled until 16 bytes of clean values
 * are found (which are then not copied in the buffer)", but clean values
 * between dirty ones are sent "as long as the size of the clean data does
 * not exceed the size of the header" (16); the next call skips the clean
 * run. (6.1's own comment on kvm_s390_get_cmma_bits(): "no trailing clean
 * bytes are saved".) Clean runs of 20 and of 10 frames made by a GET in
 * the middle.
 */
static void t_cmma_gaps(const struct abi_test *t)
{
	__u8 pat[SLOT_PAGES], v[SLOT_PAGES + 16];
	struct kvm_s390_cmma_log l;
	int vm = cmma_mig_vm(pat), vm2;

	(void)t;
	if (vm < 0)
		return;
	/* 270-289 clean: 20 frames */
	expect_errno(cmma_get(vm, &l, SLOT_GFN + 14, 20, 0, v), 0);
	expect_log(l, SLOT_GFN + 14, 20, SLOT_PAGES - 20);
	expect_eq(memcmp(v, pat + 14, 20), 0);
	memset(v, 0xee, sizeof(v));
	expect_errno(cmma_get(vm, &l, SLOT_GFN, SLOT_PAGES, 0, v), 0);
	expect_log(l, SLOT_GFN, 14, SLOT_PAGES - 34);
	expect_eq(memcmp(v, pat, 14), 0);
	memset(v, 0xee, sizeof(v));
	expect_errno(cmma_get(vm, &l, SLOT_GFN, SLOT_PAGES, 0, v), 0);
	expect_log(l, SLOT_GFN + 34, SLOT_PAGES - 34, 0);
	expect_eq(memcmp(v, pat + 34, SLOT_PAGES - 34), 0);

	/* 270-279 clean: 10 frames, sent with the dirty ones around them */
	vm2 = cmma_mig_vm(pat);
	if (vm2 < 0)
		return;
	expect_errno(cmma_get(vm2, &l, SLOT_GFN + 14, 10, 0, v), 0);
	expect_log(l, SLOT_GFN + 14, 10, SLOT_PAGES - 10);
	memset(v, 0xee, sizeof(v));
	expect_errno(cmma_get(vm2, &l, SLOT_GFN, SLOT_PAGES + 16, 0, v), 0);
	expect_log(l, SLOT_GFN, SLOT_PAGES, 0);
	expect_eq(memcmp(v, pat, SLOT_PAGES), 0);
	expect_eq(v[SLOT_PAGES], 0xee);
}

/*
 * Migration mode over two memslots: START marks the pages of both dirty
 * ("remaining" counts them all); a GET's block stops where memory does
 * (the next one starts at the next slot) and runs on across adjacent
 * slots.
 */
static void t_cmma_two_slots(const struct abi_test *t)
{
	__u8 a[SLOT_PAGES], b[SLOT_PAGES], v[4 * SLOT_PAGES];
	struct kvm_s390_cmma_log l;
	unsigned int i, k;

	(void)t;
	for (i = 0; i < SLOT_PAGES; i++) {
		a[i] = (__u8)(i & 0x43);
		b[i] = (__u8)((i >> 2) & 0x43);
	}
	for (k = 0; k < 2; k++) {
		/* slot 1 far above slot 0, then right after it */
		__u64 gfn1 = k ? SLOT_GFN + SLOT_PAGES : 4 * SLOT_GFN;
		void *mem, *mem1 = alloc_mb(MB);
		int vm = cmma_vm(LOG, &mem);

		if (vm < 0 || !mem1)
			return;
		expect_errno(set_region(vm, 1, LOG, gfn1 << 12, MB, mem1), 0);
		expect_errno(cmma_set(vm, SLOT_GFN, SLOT_PAGES, 0, ~0ULL, a), 0);
		expect_errno(cmma_set(vm, gfn1, SLOT_PAGES, 0, ~0ULL, b), 0);
		expect_errno(mig(vm, KVM_S390_VM_MIGRATION_START), 0);
		expect_errno(cmma_get(vm, &l, 0, 4, PEEK, v), EFAULT);
		expect_errno(cmma_get(vm, &l, SLOT_GFN, 4, PEEK, v), 0);
		expect_eq(l.remaining, 2 * SLOT_PAGES);
		memset(v, 0xee, sizeof(v));
		expect_errno(cmma_get(vm, &l, 0, sizeof(v), 0, v), 0);
		if (k) {
			expect_log(l, SLOT_GFN, 2 * SLOT_PAGES, 0);
			expect_eq(memcmp(v, a, SLOT_PAGES), 0);
			expect_eq(memcmp(v + SLOT_PAGES, b, SLOT_PAGES), 0);
			continue;
		}
		expect_log(l, SLOT_GFN, SLOT_PAGES, SLOT_PAGES);
		expect_eq(memcmp(v, a, SLOT_PAGES), 0);
		expect_eq(v[SLOT_PAGES], 0xee);
		memset(v, 0xee, sizeof(v));
		expect_errno(cmma_get(vm, &l, 0, sizeof(v), 0, v), 0);
		expect_log(l, gfn1, SLOT_PAGES, 0);
		expect_eq(memcmp(v, b, SLOT_PAGES), 0);
		/* PEEK stops at the end of a slot with no slot after it */
		expect_errno(cmma_get(vm, &l, SLOT_GFN + SLOT_PAGES - 1, 4, PEEK, v), 0);
		expect_eq(l.count, 1);
	}
}

/* ------------------------------------------------------------ CPU_TOPOLOGY */

/*
 * KVM_S390_VM_CPU_TOPOLOGY (kvm_s390_set/get_topo_change_indication()):
 * without facility 11 -ENXIO each way and for HAS. KVM_ENABLE_CAP(
 * KVM_CAP_S390_CPU_TOPOLOGY) gives it (flags -EINVAL, -EBUSY after a
 * vCPU); then the attribute number is the value: set !!attr as the
 * topology-change report, get it as a byte (-EFAULT); HAS 0.
 */
static void t_topology(const struct abi_test *t)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_S390_CPU_TOPOLOGY, .flags = 1 };
	int vm = new_vm(0), vm2 = new_vm(0);
	__u8 *b = edge_buf(1);

	(void)t;
	if (!b)
		return;
	expect_errno(vm_set(vm, KVM_S390_VM_CPU_TOPOLOGY, 1, NULL), ENXIO);
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, b), ENXIO);
	expect_errno(vm_has(vm, KVM_S390_VM_CPU_TOPOLOGY, 0), ENXIO);
	expect_errno(ioctl(vm, KVM_ENABLE_CAP, &c), EINVAL);
	expect_errno(vm_enable_cap(vm, KVM_CAP_S390_CPU_TOPOLOGY), 0);
	expect_errno(vm_has(vm, KVM_S390_VM_CPU_TOPOLOGY, 0), 0);
	expect_errno(vm_has(vm, KVM_S390_VM_CPU_TOPOLOGY, 77), 0);
	*b = 0x5a;
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, b), 0);
	expect_eq(*b, 0);
	expect_errno(vm_set(vm, KVM_S390_VM_CPU_TOPOLOGY, 1, g_bad_ptr), 0);
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, b), 0);
	expect_eq(*b, 1);
	expect_errno(vm_set(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, NULL), 0);
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 5, b), 0);
	expect_eq(*b, 0);
	expect_errno(vm_set(vm, KVM_S390_VM_CPU_TOPOLOGY, 0x100000000ULL, NULL), 0);
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, b), 0);
	expect_eq(*b, 1);
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, g_bad_ptr), EFAULT);
	new_vcpu(vm, 0);
	expect_errno(vm_set(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, NULL), 0);
	expect_errno(vm_get(vm, KVM_S390_VM_CPU_TOPOLOGY, 0, b), 0);
	expect_eq(*b, 0);
	new_vcpu(vm2, 0);
	expect_errno(vm_enable_cap(vm2, KVM_CAP_S390_CPU_TOPOLOGY), EBUSY);
	expect_errno(vm_has(vm2, KVM_S390_VM_CPU_TOPOLOGY, 0), ENXIO);
	/* facility 11 cleared from the CPU model: gone again */
	vm = new_vm(0);
	expect_errno(vm_enable_cap(vm, KVM_CAP_S390_CPU_TOPOLOGY), 0);
	if (processor_fac(vm, 11, false)) {
		expect_errno(vm_has(vm, KVM_S390_VM_CPU_TOPOLOGY, 0), ENXIO);
		expect_errno(vm_set(vm, KVM_S390_VM_CPU_TOPOLOGY, 1, NULL), ENXIO);
	}
}

#define S M_S390
static const struct abi_test s390_vm_attr_tests[] = {
	{ "s390 KVM_CAP_VM_ATTRIBUTES, _S390_CMMA_MIGRATION, _S390_CPU_TOPOLOGY 1", REF_ATTR,
	  t_caps, S, 0, 0, 0 },
	{ "s390 VM HAS_DEVICE_ATTR: every documented attribute 0 (TOD_EXT too), the next and "
	  "unknown groups -ENXIO",
	  REF_ATTR, t_has, S, 0, 0, 0 },
	{ "s390 VM HAS_DEVICE_ATTR of an unknown MIGRATION attribute -ENXIO (api.rst; 6.1 0)",
	  REF_ATTR, t_has_migration_unknown, S, 0, 0, 0 },
	{ "s390 VM SET/GET of an unknown group or attribute, or the wrong way, -ENXIO", REF_ATTR,
	  t_unknown, S, 0, 0, 0 },
	{ "s390 VM attr flags: the TOD group -EINVAL, other groups ignore them", REF_TOD, t_flags,
	  S, 0, 0, 0 },
	{ "s390 MEM_CTRL ENABLE_CMMA (-EBUSY after a vCPU) and CLR_CMMA (-EINVAL before enable)",
	  REF_MEM, t_cmma_enable, S, 0, 0, 0 },
	{ "s390 MEM_CTRL LIMIT_SIZE: -EFAULT, 0 -EINVAL, too big -E2BIG, -EBUSY after a vCPU",
	  REF_MEM, t_limit_errnos, S, 0, 0, 0 },
	{ "s390 MEM_CTRL LIMIT_SIZE reads back rounded up to 2^31, 2^42, 2^53 or no limit",
	  REF_MEM, t_limit_rounding, S, 0, 0, 0 },
	{ "s390 MEM_CTRL LIMIT_SIZE: memslots past the limit -EINVAL", REF_MEM,
	  t_limit_memslots, S, 0, 0, 0 },
	{ "s390 CPU_MODEL MACHINE and a new VM's PROCESSOR: sizes, cpuid, IBC, facilities (76, "
	  "139; 72, 11 by cap)",
	  REF_CPU, t_machine_processor, S, 0, 0, 0 },
	{ "s390 CPU_MODEL PROCESSOR set: taken as given, IBC clamped, -EFAULT, -EBUSY after a "
	  "vCPU",
	  REF_CPU, t_processor_set, S, 0, 0, 0 },
	{ "s390 CPU_MODEL MACHINE_FEAT, PROCESSOR_FEAT: subset only (-EINVAL), -EBUSY, -EFAULT",
	  REF_CPU, t_feat, S, 0, 0, 0 },
	{ "s390 CPU_MODEL MACHINE_SUBFUNC: 2048 bytes, kdsa at 240, blocks by facility, "
	  "reserved 0",
	  REF_CPU, t_machine_subfunc, S, 0, 0, 0 },
	{ "s390 CPU_MODEL PROCESSOR_SUBFUNC: read before write -EINVAL, 2048 bytes kept, -EBUSY, "
	  "-EFAULT",
	  REF_CPU, t_processor_subfunc, S, 0, 0, 0 },
	{ "s390 TOD_HIGH (0; set != 0 -EINVAL) and TOD_LOW (set reads back running, monotonic)",
	  REF_TOD, t_tod_low_high, S, 0, 0, 0 },
	{ "s390 TOD_EXT: 72-bit clock with epoch index, carry, TOD_LOW sets index 0, -EFAULT",
	  REF_TOD, t_tod_ext, S, 0, 0, 0 },
	{ "s390 TOD_EXT without facility 139: index != 0 -EINVAL, reads 0", REF_TOD,
	  t_tod_ext_no139, S, 0, 0, 0 },
	{ "s390 CRYPTO: AES/DEA key wrapping and APIE 0; without facility 76 key wrapping "
	  "-EINVAL",
	  REF_CRYPTO, t_crypto, S, 0, 0, 0 },
	{ "s390 MIGRATION START (needs memory), STOP, STATUS; dirty logging off stops it",
	  REF_MIG, t_migration, S, 0, 0, 0 },
	{ "s390 MIGRATION START with CMMA needs dirty logging on every memslot (-EINVAL)",
	  REF_MIG, t_migration_cmma, S, 0, 0, 0 },
	{ "s390 MIGRATION START needs dirty logging on every memslot without CMMA too (document)",
	  REF_MIG, t_migration_needs_log, S, 0, 0, 0 },
	{ "s390 KVM_S390_GET/SET_CMMA_BITS errnos: -ENXIO, flags, migration mode, count, -EFAULT",
	  REF_CMMA, t_cmma_errnos, S, 0, 0, 0 },
	{ "s390 KVM_S390_SET_CMMA_BITS values and mask, PEEK reads them, end of memory, CLR_CMMA",
	  REF_CMMA, t_cmma_values, S, 0, 0, 0 },
	{ "s390 KVM_S390_GET_CMMA_BITS in migration mode: dirty values once, remaining, STOP",
	  REF_CMMA, t_cmma_migration, S, 0, 0, 0 },
	{ "s390 KVM_S390_GET_CMMA_BITS: a clean run of more than 16 frames ends the block (not "
	  "copied), a shorter one is sent",
	  REF_CMMA, t_cmma_gaps, S, 0, 0, 0 },
	{ "s390 KVM_S390_GET_CMMA_BITS over two memslots: all dirty, a block stops at the end "
	  "of memory, runs across adjacent slots",
	  REF_CMMA, t_cmma_two_slots, S, 0, 0, 0 },
	{ "s390 CPU_TOPOLOGY: -ENXIO without facility 11; the report bit set and read", REF_TOPO,
	  t_topology, S, 0, 0, 0 },
};

TEST_GROUP(s390_vm_attr);
