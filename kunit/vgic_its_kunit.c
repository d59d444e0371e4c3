// SPDX-License-Identifier: GPL-2.0
/*
 * The ITS (devices/arm-vgic-its.rst; issue 7) under lockdep: commands read
 * guest RAM under the ITS mutex, create LPIs under the GIC's LPI mutex and
 * change their state under the GIC spinlock; KVM_SIGNAL_MSI and
 * SAVE_TABLES take the same locks from the VMM's side.
 */
#include "vgic_common.h"

#define ITS_BASE 0x08080000ULL
#define ITS_RAM 0x40000000ULL
#define ITS_RAM_SIZE 0x100000UL

static void its_put64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void its_translation_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_ARM64);
	struct kx_msi msi = { .address_lo = (u32)ITS_BASE, .data = 0, .flags = 1, .devid = 3 };
	u64 base = ITS_BASE, rd1 = VGIC_REDIST + 0x20000, dte = 0;
	const u64 valid = 1ULL << 63;
	struct kx_vcpu *vcpus[2];
	struct kx_device *its;
	u8 *ram = vzalloc(ITS_RAM_SIZE);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ram);
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, set_region(vm, 0, 0, ITS_RAM, ITS_RAM_SIZE, (unsigned long)ram), 0);
	vgic_setup(test, vm, vcpus);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KX_DEV_TYPE_ARM_VGIC_ITS, 0, &its), 0);
	KUNIT_ASSERT_EQ(test, vgic_attr(its, KX_ATTR_SET, 0, 4, &base), 0);
	/* LPI 8192 enabled at priority 0xa0; vCPU 1's redistributor takes LPIs. */
	ram[0] = 0xa1;
	guest(vcpus[1], KX_ACCESS_MEM, rd1 + 0x70, 8, true, ITS_RAM + 15);
	guest(vcpus[1], KX_ACCESS_MEM, rd1 + 0x78, 8, true, ITS_RAM + 0x10000);
	guest(vcpus[1], KX_ACCESS_MEM, rd1, 4, true, 1);
	/* Device table at +0x20000, collections at +0x30000, queue at +0x40000. */
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x100, 8, true, valid | (ITS_RAM + 0x20000));
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x108, 8, true, valid | (ITS_RAM + 0x30000));
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x80, 8, true, valid | (ITS_RAM + 0x40000));
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE, 4, true, 1);
	/* MAPC 0 -> vCPU 1; MAPD 3 (ITT +0x50000, 1 bit); MAPTI 3/0 -> 8192. */
	its_put64(ram + 0x40000, 0x09);
	its_put64(ram + 0x40010, valid | 1ULL << 16);
	its_put64(ram + 0x40020, 0x08 | 3ULL << 32);
	its_put64(ram + 0x40030, valid | (ITS_RAM + 0x50000));
	its_put64(ram + 0x40040, 0x0a | 3ULL << 32);
	its_put64(ram + 0x40048, 8192ULL << 32);
	guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x88, 8, true, 0x60);
	KUNIT_EXPECT_EQ(test, guest(vcpus[0], KX_ACCESS_MEM, ITS_BASE + 0x90, 8, false, 0), 0x60ULL);
	KUNIT_EXPECT_EQ(test, kx_vm_signal_msi(vm, &msi), 1);
	KUNIT_EXPECT_EQ(test, guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 0), 8, false, 0),
			8192ULL);
	guest(vcpus[1], KX_ACCESS_SYSREG, ICC(12, 12, 1), 8, true, 8192);
	/* SAVE_TABLES: device 3's DTE, V | ITT_addr[51:8] | 0. */
	KUNIT_EXPECT_EQ(test, vgic_attr(its, KX_ATTR_SET, 4, KVM_DEV_ARM_ITS_SAVE_TABLES, NULL), 0);
	for (i = 0; i < 8; i++)
		dte |= (u64)ram[0x20000 + 3 * 8 + i] << (8 * i);
	KUNIT_EXPECT_EQ(test, dte, valid | ((ITS_RAM + 0x50000) >> 8) << 5);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
	vfree(ram);
}

static struct kunit_case vgic_its_cases[] = {
	KUNIT_CASE(its_translation_test),
	{}
};

static struct kunit_suite vgic_its_suite = {
	.name = "kvm_ext_vgic_its",
	.test_cases = vgic_its_cases,
};

kunit_test_suites(&vgic_its_suite);
