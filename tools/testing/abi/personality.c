// SPDX-License-Identifier: GPL-2.0
/*
 * What each architecture's /dev/kvm answers where the architectures differ
 * (Linux 6.1, Debian's configuration; the emulated arm64 host is a GICv3
 * machine with a 48-bit IPA limit, the s390 one has the extended SCA).
 */
#include <string.h>

#include "abi_test.h"

/* Device types whose kvm_register_device_ops() call is absent on an arch. */
static const __u32 arm64_foreign[] = {
	KVM_DEV_TYPE_FSL_MPIC_20, KVM_DEV_TYPE_FSL_MPIC_42, KVM_DEV_TYPE_XICS,
	KVM_DEV_TYPE_FLIC,	  KVM_DEV_TYPE_XIVE,	    KVM_DEV_TYPE_ARM_PV_TIME,
};
static const __u32 ppc_foreign[] = {
	KVM_DEV_TYPE_FSL_MPIC_20, KVM_DEV_TYPE_FSL_MPIC_42, /* book3e only */
	KVM_DEV_TYPE_ARM_VGIC_V2, KVM_DEV_TYPE_FLIC,	    KVM_DEV_TYPE_ARM_VGIC_V3,
	KVM_DEV_TYPE_ARM_VGIC_ITS, KVM_DEV_TYPE_ARM_PV_TIME,
};
static const __u32 s390_foreign[] = {
	KVM_DEV_TYPE_FSL_MPIC_20, KVM_DEV_TYPE_FSL_MPIC_42,  KVM_DEV_TYPE_XICS,
	KVM_DEV_TYPE_ARM_VGIC_V2, KVM_DEV_TYPE_ARM_VGIC_V3,  KVM_DEV_TYPE_ARM_VGIC_ITS,
	KVM_DEV_TYPE_XIVE,	  KVM_DEV_TYPE_ARM_PV_TIME,
};

static const struct personality personalities[] = {
	{
		/* arch/arm64/kvm/arm.c */
		.name = "arm64",
		.id = P_ARM64,
		.vcpu_mmap_pages = 2, /* kvm_run + coalesced MMIO ring */
		.max_vcpus = 512,	    /* VGIC_V3_MAX_CPUS */
		.max_vcpu_id = 512,
		.cap_readonly_mem = 1,
		.cap_ipa_size = 48,
		.valid_mem_flags = KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY,
		/* arch/arm64/include/asm/kvm_host.h KVM_DIRTY_LOG_MANUAL_CAPS */
		.manual_dirty_log_caps =
			KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET,
		.unknown_vm_ioctl_errno = EINVAL,
		.unknown_vcpu_ioctl_errno = EINVAL,
		.vm_attr_errno = EINVAL, /* no VM attributes in 6.1: unknown VM ioctl */
		.vm_attr_copies = false,
		.vcpu_attr_errno = ENXIO, /* kvm_arm_vcpu_arch_*_attr() */
		.vcpu_attr_copies = true,
		.fresh_run_errno = ENOEXEC, /* kvm_arch_vcpu_run_pid_change() */
		.spapr_tce = false,
		.foreign_devs = arm64_foreign,
		.n_foreign_devs = ARRAY_SIZE(arm64_foreign),
		.irqchip_dev = KVM_DEV_TYPE_ARM_VGIC_V3,
		.irqchip_name = "KVM_DEV_TYPE_ARM_VGIC_V3",
	},
	{
		/* arch/powerpc/kvm/powerpc.c, book3s_hv */
		.name = "ppc",
		.id = P_PPC,
		.vcpu_mmap_pages = 1, /* no CONFIG_KVM_MMIO: Debian builds no PR KVM */
		.max_vcpus = 2048,   /* NR_CPUS */
		.max_vcpu_id = 16384, /* MAX_SMT_THREADS * KVM_MAX_VCORES */
		.cap_readonly_mem = 0,
		.cap_ipa_size = 0,
		.valid_mem_flags = KVM_MEM_LOG_DIRTY_PAGES,
		.manual_dirty_log_caps = 0, /* no KVM_GENERIC_DIRTYLOG_READ_PROTECT */
		.unknown_vm_ioctl_errno = ENOTTY,
		.unknown_vcpu_ioctl_errno = EINVAL,
		.vm_attr_errno = ENOTTY,
		.vm_attr_copies = false,
		.vcpu_attr_errno = EINVAL,
		.vcpu_attr_copies = false,
		.fresh_run_errno = 0,
		.spapr_tce = true,
		.foreign_devs = ppc_foreign,
		.n_foreign_devs = ARRAY_SIZE(ppc_foreign),
		.irqchip_dev = KVM_DEV_TYPE_XICS,
		.irqchip_name = "KVM_DEV_TYPE_XICS",
	},
	{
		/* arch/s390/kvm/kvm-s390.c */
		.name = "s390",
		.id = P_S390,
		.vcpu_mmap_pages = 1, /* no CONFIG_KVM_MMIO */
		.max_vcpus = 248,	/* KVM_S390_ESCA_CPU_SLOTS */
		.max_vcpu_id = 248,
		.cap_readonly_mem = 0,
		.cap_ipa_size = 0,
		.valid_mem_flags = KVM_MEM_LOG_DIRTY_PAGES,
		.manual_dirty_log_caps = 0, /* no KVM_GENERIC_DIRTYLOG_READ_PROTECT */
		.unknown_vm_ioctl_errno = ENOTTY,
		.unknown_vcpu_ioctl_errno = ENOTTY,
		.vm_attr_errno = ENXIO, /* kvm_s390_vm_*_attr() */
		.vm_attr_copies = true,
		.vcpu_attr_errno = ENOTTY,
		.vcpu_attr_copies = false,
		.fresh_run_errno = 0,
		.spapr_tce = false,
		.foreign_devs = s390_foreign,
		.n_foreign_devs = ARRAY_SIZE(s390_foreign),
		.irqchip_dev = KVM_DEV_TYPE_FLIC,
		.irqchip_name = "KVM_DEV_TYPE_FLIC",
	},
};

const struct personality *personality_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(personalities); i++)
		if (!strcmp(personalities[i].name, name))
			return &personalities[i];
	if (!strcmp(name, "aarch64"))
		return &personalities[P_ARM64];
	if (!strcmp(name, "ppc64le") || !strcmp(name, "ppc64") || !strcmp(name, "powerpc"))
		return &personalities[P_PPC];
	if (!strcmp(name, "s390x"))
		return &personalities[P_S390];
	return NULL;
}
