// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time proof that the core's constants (include/kvm_ext/abi.h,
 * include/kx/errno.h) and C ABI structures match the kernel's uapi. No
 * code: a mismatch fails the build.
 */
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/kvm.h>
#include <linux/kvm_types.h>
#include <linux/stddef.h>
#include <uapi/linux/kvm_ext.h>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#define KX_SAME(name) static_assert(KX_##name == KVM_##name, #name)

KX_SAME(API_VERSION);
KX_SAME(CAP_USER_MEMORY);
KX_SAME(CAP_NR_VCPUS);
KX_SAME(CAP_NR_MEMSLOTS);
KX_SAME(CAP_SYNC_MMU);
KX_SAME(CAP_DESTROY_MEMORY_REGION_WORKS);
KX_SAME(CAP_JOIN_MEMORY_REGIONS_WORKS);
KX_SAME(CAP_MAX_VCPUS);
KX_SAME(CAP_READONLY_MEM);
KX_SAME(CAP_DEVICE_CTRL);
KX_SAME(CAP_CHECK_EXTENSION_VM);
KX_SAME(CAP_MULTI_ADDRESS_SPACE);
KX_SAME(CAP_MAX_VCPU_ID);
KX_SAME(CAP_IMMEDIATE_EXIT);
KX_SAME(CAP_ARM_VM_IPA_SIZE);
KX_SAME(CAP_ONE_REG);
KX_SAME(CAP_VCPU_ATTRIBUTES);
KX_SAME(CAP_STEAL_TIME);
KX_SAME(CAP_IRQCHIP);
KX_SAME(CAP_ARM_SET_DEVICE_ADDR);
KX_SAME(CAP_ARM_IRQ_LINE_LAYOUT_2);
KX_SAME(CAP_ENABLE_CAP_VM);
KX_SAME(CAP_ENABLE_CAP);
KX_SAME(CAP_S390_CSS_SUPPORT);
KX_SAME(CAP_VM_ATTRIBUTES);
KX_SAME(CAP_S390_IRQCHIP);
KX_SAME(CAP_S390_AIS);
KX_SAME(CAP_S390_AIS_MIGRATION);
KX_SAME(CAP_S390_CMMA_MIGRATION);
KX_SAME(CAP_S390_CPU_TOPOLOGY);
KX_SAME(CAP_ARM_EL1_32BIT);
KX_SAME(CAP_ARM_PMU_V3);
KX_SAME(CAP_ARM_SVE);
KX_SAME(CAP_ARM_PTRAUTH_ADDRESS);
KX_SAME(CAP_ARM_PTRAUTH_GENERIC);
KX_SAME(CAP_MANUAL_DIRTY_LOG_PROTECT);
KX_SAME(CAP_MANUAL_DIRTY_LOG_PROTECT2);
KX_SAME(CAP_IRQ_ROUTING);
KX_SAME(CAP_IRQFD);
KX_SAME(CAP_IRQFD_RESAMPLE);
KX_SAME(CAP_IOEVENTFD);
KX_SAME(CAP_IOEVENTFD_NO_LENGTH);
KX_SAME(CAP_IOEVENTFD_ANY_LENGTH);
KX_SAME(IOEVENTFD_FLAG_DATAMATCH);
KX_SAME(IOEVENTFD_FLAG_PIO);
KX_SAME(IOEVENTFD_FLAG_DEASSIGN);
KX_SAME(IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY);
KX_SAME(IOEVENTFD_VALID_FLAG_MASK);
KX_SAME(CAP_VCPU_EVENTS);
KX_SAME(CAP_ARM_INJECT_SERROR_ESR);
KX_SAME(CAP_ARM_INJECT_EXT_DABT);
KX_SAME(CAP_SET_GUEST_DEBUG);
KX_SAME(CAP_SET_GUEST_DEBUG2);
KX_SAME(CAP_GUEST_DEBUG_HW_BPS);
KX_SAME(CAP_GUEST_DEBUG_HW_WPS);
KX_SAME(GUESTDBG_ENABLE);
KX_SAME(GUESTDBG_SINGLESTEP);
KX_SAME(GUESTDBG_USE_SW_BP);
KX_SAME(ARM_MAX_DBG_REGS);
KX_SAME(CAP_BINARY_STATS_FD);
KX_SAME(DIRTY_LOG_MANUAL_PROTECT_ENABLE);
KX_SAME(DIRTY_LOG_INITIALLY_SET);
KX_SAME(MEM_LOG_DIRTY_PAGES);
KX_SAME(MEM_READONLY);
KX_SAME(EXIT_UNKNOWN);
KX_SAME(EXIT_MMIO);
KX_SAME(EXIT_INTR);
KX_SAME(EXIT_EXT_INTERRUPT);
KX_SAME(DEV_TYPE_FSL_MPIC_20);
KX_SAME(DEV_TYPE_FSL_MPIC_42);
KX_SAME(DEV_TYPE_XICS);
KX_SAME(DEV_TYPE_VFIO);
KX_SAME(DEV_TYPE_ARM_VGIC_V2);
KX_SAME(DEV_TYPE_FLIC);
KX_SAME(DEV_TYPE_ARM_VGIC_V3);
KX_SAME(DEV_TYPE_ARM_VGIC_ITS);
KX_SAME(DEV_TYPE_XIVE);
KX_SAME(DEV_TYPE_ARM_PV_TIME);
KX_SAME(DEV_VFIO_GROUP);
KX_SAME(DEV_VFIO_GROUP_ADD);
KX_SAME(DEV_VFIO_GROUP_DEL);
KX_SAME(DEV_VFIO_GROUP_SET_SPAPR_TCE);
KX_SAME(CREATE_DEVICE_TEST);
KX_SAME(VM_TYPE_ARM_IPA_SIZE_MASK);
KX_SAME(VM_PPC_HV);
KX_SAME(REG_PPC_ICP_STATE);
KX_SAME(DEV_MPIC_GRP_MISC);
KX_SAME(DEV_MPIC_BASE_ADDR);
KX_SAME(DEV_MPIC_GRP_REGISTER);
KX_SAME(DEV_MPIC_GRP_IRQ_ACTIVE);
KX_SAME(DEV_XICS_GRP_SOURCES);
KX_SAME(DEV_XICS_GRP_CTRL);
KX_SAME(DEV_XICS_NR_SERVERS);
KX_SAME(XICS_DESTINATION_MASK);
KX_SAME(XICS_PRIORITY_SHIFT);
KX_SAME(XICS_PRIORITY_MASK);
KX_SAME(XICS_LEVEL_SENSITIVE);
KX_SAME(XICS_MASKED);
KX_SAME(XICS_PENDING);
KX_SAME(XICS_PRESENTED);
KX_SAME(XICS_QUEUED);
KX_SAME(REG_PPC_VP_STATE);
KX_SAME(DEV_XIVE_GRP_CTRL);
KX_SAME(DEV_XIVE_RESET);
KX_SAME(DEV_XIVE_EQ_SYNC);
KX_SAME(DEV_XIVE_NR_SERVERS);
KX_SAME(DEV_XIVE_GRP_SOURCE);
KX_SAME(DEV_XIVE_GRP_SOURCE_CONFIG);
KX_SAME(DEV_XIVE_GRP_EQ_CONFIG);
KX_SAME(DEV_XIVE_GRP_SOURCE_SYNC);
KX_SAME(XIVE_LEVEL_SENSITIVE);
KX_SAME(XIVE_LEVEL_ASSERTED);
KX_SAME(XIVE_SOURCE_PRIORITY_SHIFT);
KX_SAME(XIVE_SOURCE_PRIORITY_MASK);
KX_SAME(XIVE_SOURCE_SERVER_SHIFT);
KX_SAME(XIVE_SOURCE_SERVER_MASK);
KX_SAME(XIVE_SOURCE_MASKED_SHIFT);
KX_SAME(XIVE_SOURCE_MASKED_MASK);
KX_SAME(XIVE_SOURCE_EISN_SHIFT);
KX_SAME(XIVE_SOURCE_EISN_MASK);
KX_SAME(XIVE_EQ_PRIORITY_SHIFT);
KX_SAME(XIVE_EQ_PRIORITY_MASK);
KX_SAME(XIVE_EQ_SERVER_SHIFT);
KX_SAME(XIVE_EQ_SERVER_MASK);
KX_SAME(XIVE_EQ_ALWAYS_NOTIFY);
KX_SAME(XIVE_TIMA_PAGE_OFFSET);
KX_SAME(XIVE_ESB_PAGE_OFFSET);
KX_SAME(CAP_PPC_IRQ_XIVE);
KX_SAME(CAP_PPC_PAPR);
KX_SAME(CAP_IRQ_MPIC);
KX_SAME(CAP_IRQ_XICS);
KX_SAME(CAP_PPC_RTAS);
KX_SAME(CAP_PPC_ENABLE_HCALL);
KX_SAME(CAP_SPAPR_TCE);
KX_SAME(CAP_SPAPR_MULTITCE);
KX_SAME(CAP_SPAPR_TCE_64);
KX_SAME(CAP_SPAPR_TCE_VFIO);
KX_SAME(CAP_PPC_MMU_RADIX);
KX_SAME(CAP_PPC_MMU_HASH_V3);
KX_SAME(EXIT_PAPR_HCALL);
KX_SAME(EXIT_INTERNAL_ERROR);
KX_SAME(VM_PPC_PR);
KX_SAME(CREATE_IRQCHIP);
KX_SAME(ARM_SET_DEVICE_ADDR);
KX_SAME(IRQ_LINE);
KX_SAME(IRQ_LINE_STATUS);
KX_SAME(SET_GSI_ROUTING);
KX_SAME(IRQFD);
KX_SAME(IOEVENTFD);
KX_SAME(SIGNAL_MSI);
KX_SAME(CLEAR_DIRTY_LOG);
KX_SAME(ENABLE_CAP);
KX_SAME(SET_SIGNAL_MASK);
KX_SAME(GET_MP_STATE);
KX_SAME(SET_MP_STATE);
KX_SAME(CAP_MP_STATE);
KX_SAME(CAP_SYSTEM_EVENT_DATA);
KX_SAME(CAP_ARM_SYSTEM_SUSPEND);
KX_SAME(CAP_ARM_PSCI);
KX_SAME(CAP_ARM_PSCI_0_2);
KX_SAME(EXIT_SYSTEM_EVENT);
KX_SAME(SYSTEM_EVENT_SHUTDOWN);
KX_SAME(SYSTEM_EVENT_RESET);
KX_SAME(SYSTEM_EVENT_WAKEUP);
KX_SAME(SYSTEM_EVENT_SUSPEND);
KX_SAME(MP_STATE_RUNNABLE);
KX_SAME(MP_STATE_STOPPED);
KX_SAME(MP_STATE_CHECK_STOP);
KX_SAME(MP_STATE_OPERATING);
KX_SAME(MP_STATE_LOAD);
KX_SAME(MP_STATE_SUSPENDED);
KX_SAME(ARM_VCPU_INIT);
KX_SAME(ARM_PREFERRED_TARGET);
KX_SAME(ARM_VCPU_FINALIZE);
KX_SAME(GET_ONE_REG);
KX_SAME(SET_ONE_REG);
KX_SAME(GET_REG_LIST);
KX_SAME(GET_VCPU_EVENTS);
KX_SAME(SET_VCPU_EVENTS);
/* The guest architectures' layouts (kvm_ext.h; checked against the arch uapi there). */
static_assert(sizeof(struct kvm_ext_arm64_vcpu_events) == 64);
static_assert(KX_ARM64_SET_GUEST_DEBUG == KVM_EXT_ARM64_SET_GUEST_DEBUG);
static_assert(KX_PPC_SET_GUEST_DEBUG == KVM_EXT_PPC_SET_GUEST_DEBUG);
static_assert(KX_PPC_RTAS_DEFINE_TOKEN == KVM_EXT_PPC_RTAS_DEFINE_TOKEN);
static_assert(KX_CREATE_SPAPR_TCE == KVM_EXT_CREATE_SPAPR_TCE);
static_assert(KX_CREATE_SPAPR_TCE_64 == KVM_EXT_CREATE_SPAPR_TCE_64);
static_assert(KX_S390_SET_GUEST_DEBUG == KVM_EXT_S390_SET_GUEST_DEBUG);
static_assert(KX_S390_GET_SREGS == KVM_EXT_S390_GET_SREGS);
static_assert(KX_S390_SET_SREGS == KVM_EXT_S390_SET_SREGS);
KX_SAME(S390_INTERRUPT);
KX_SAME(S390_GET_CMMA_BITS);
KX_SAME(S390_SET_CMMA_BITS);
static_assert(KX_GUESTDBG_ARM64_USE_HW == KVM_GUESTDBG_USE_HW);
static_assert(KX_GUESTDBG_S390_USE_HW_BP == KVM_EXT_S390_GUESTDBG_USE_HW_BP);
static_assert(KX_GUESTDBG_PPC_USE_HW_BP == KVM_EXT_PPC_GUESTDBG_USE_HW_BP);
static_assert(KX_S390_HW_BP == KVM_HW_BP);
static_assert(KX_S390_HW_WP_WRITE == KVM_HW_WP_WRITE);
static_assert(sizeof(struct kvm_ext_s390_hw_breakpoint) == 32);
KX_SAME(GET_STATS_FD);
KX_SAME(STATS_NAME_SIZE);
KX_SAME(STATS_TYPE_CUMULATIVE);
KX_SAME(STATS_TYPE_INSTANT);
KX_SAME(STATS_TYPE_PEAK);
KX_SAME(STATS_TYPE_LINEAR_HIST);
KX_SAME(STATS_TYPE_LOG_HIST);
KX_SAME(STATS_TYPE_MASK);
KX_SAME(STATS_UNIT_NONE);
KX_SAME(STATS_UNIT_BYTES);
KX_SAME(STATS_UNIT_SECONDS);
KX_SAME(STATS_UNIT_CYCLES);
KX_SAME(STATS_UNIT_BOOLEAN);
KX_SAME(STATS_UNIT_MASK);
KX_SAME(STATS_BASE_POW10);
KX_SAME(STATS_BASE_POW2);
KX_SAME(STATS_BASE_MASK);
KX_SAME(VGIC_V2_ADDR_TYPE_DIST);
KX_SAME(VGIC_V2_ADDR_TYPE_CPU);
KX_SAME(VGIC_V3_ADDR_TYPE_DIST);
KX_SAME(VGIC_V3_ADDR_TYPE_REDIST);
KX_SAME(VGIC_ITS_ADDR_TYPE);
KX_SAME(VGIC_V3_ADDR_TYPE_REDIST_REGION);
KX_SAME(DEV_ARM_VGIC_GRP_ADDR);
KX_SAME(DEV_ARM_VGIC_GRP_DIST_REGS);
KX_SAME(DEV_ARM_VGIC_GRP_CPU_REGS);
KX_SAME(DEV_ARM_VGIC_GRP_NR_IRQS);
KX_SAME(DEV_ARM_VGIC_GRP_CTRL);
KX_SAME(DEV_ARM_VGIC_GRP_REDIST_REGS);
KX_SAME(DEV_ARM_VGIC_GRP_CPU_SYSREGS);
KX_SAME(DEV_ARM_VGIC_GRP_LEVEL_INFO);
KX_SAME(DEV_ARM_VGIC_GRP_ITS_REGS);
KX_SAME(DEV_ARM_VGIC_CTRL_INIT);
KX_SAME(DEV_ARM_ITS_SAVE_TABLES);
KX_SAME(DEV_ARM_ITS_RESTORE_TABLES);
KX_SAME(DEV_ARM_VGIC_SAVE_PENDING_TABLES);
KX_SAME(DEV_ARM_ITS_CTRL_RESET);
KX_SAME(ARM_DEVICE_TYPE_SHIFT);
KX_SAME(ARM_DEVICE_ID_SHIFT);
KX_SAME(ARM_DEVICE_VGIC_V2);
static_assert(KX_VGIC_LEVEL_INFO_LINE_LEVEL == VGIC_LEVEL_INFO_LINE_LEVEL);
static_assert(KX_DEV_TYPE_ARM_PV_TIME < KX_MAX_DEVICE_TYPES);
static_assert(KX_PAGE_SIZE == PAGE_SIZE);

/* The guest-access extension: the core's names for the uapi values. */
static_assert(KX_ACCESS_MEM == KVM_EXT_ACCESS_MEM);
static_assert(KX_ACCESS_SYSREG == KVM_EXT_ACCESS_SYSREG);
static_assert(KX_ACCESS_HYPERCALL == KVM_EXT_ACCESS_HYPERCALL);
static_assert(KX_ACCESS_INTERRUPT == KVM_EXT_ACCESS_INTERRUPT);
static_assert(KX_ACCESS_WRITE == KVM_EXT_ACCESS_WRITE);
static_assert(KX_ACCESS_RESULT_RAM == KVM_EXT_RESULT_RAM);
static_assert(KX_ACCESS_RESULT_KERNEL == KVM_EXT_RESULT_KERNEL);
static_assert(KX_ACCESS_RESULT_EXIT == KVM_EXT_RESULT_EXIT);
static_assert(KX_ACCESS_RESULT_NONE == KVM_EXT_RESULT_NONE);

/* The core copies struct kvm_device_attr into struct kx_attr as is. */
static_assert(sizeof(struct kx_attr) == sizeof(struct kvm_device_attr));
static_assert(offsetof(struct kx_attr, flags) == offsetof(struct kvm_device_attr, flags));
static_assert(offsetof(struct kx_attr, group) == offsetof(struct kvm_device_attr, group));
static_assert(offsetof(struct kx_attr, attr) == offsetof(struct kvm_device_attr, attr));
static_assert(offsetof(struct kx_attr, addr) == offsetof(struct kvm_device_attr, addr));

/* The binary stats file's blocks, as the core writes them. */
static_assert(sizeof(struct kx_stats_header) == sizeof(struct kvm_stats_header));
static_assert(offsetof(struct kx_stats_header, flags) == offsetof(struct kvm_stats_header, flags));
static_assert(offsetof(struct kx_stats_header, name_size) ==
	      offsetof(struct kvm_stats_header, name_size));
static_assert(offsetof(struct kx_stats_header, num_desc) ==
	      offsetof(struct kvm_stats_header, num_desc));
static_assert(offsetof(struct kx_stats_header, id_offset) ==
	      offsetof(struct kvm_stats_header, id_offset));
static_assert(offsetof(struct kx_stats_header, desc_offset) ==
	      offsetof(struct kvm_stats_header, desc_offset));
static_assert(offsetof(struct kx_stats_header, data_offset) ==
	      offsetof(struct kvm_stats_header, data_offset));
static_assert(sizeof(struct kx_stats_desc) == sizeof(struct kvm_stats_desc) + KVM_STATS_NAME_SIZE);
static_assert(offsetof(struct kx_stats_desc, flags) == offsetof(struct kvm_stats_desc, flags));
static_assert(offsetof(struct kx_stats_desc, exponent) ==
	      offsetof(struct kvm_stats_desc, exponent));
static_assert(offsetof(struct kx_stats_desc, size) == offsetof(struct kvm_stats_desc, size));
static_assert(offsetof(struct kx_stats_desc, offset) == offsetof(struct kvm_stats_desc, offset));
static_assert(offsetof(struct kx_stats_desc, bucket_size) ==
	      offsetof(struct kvm_stats_desc, bucket_size));
static_assert(offsetof(struct kx_stats_desc, name) == offsetof(struct kvm_stats_desc, name));

/* Structures the core decodes itself (virt/kvm/irq_routing.h, irqfd.h, ioeventfd.h, vm.cpp). */
static_assert(sizeof(struct kvm_irq_routing) == 8);
static_assert(sizeof(struct kvm_irq_routing_entry) == 48);
static_assert(offsetof(struct kvm_irq_routing_entry, u.msi.devid) == 28);
static_assert(sizeof(struct kvm_irqfd) == 32);
static_assert(sizeof(struct kvm_ioeventfd) == 64);
static_assert(offsetof(struct kvm_ioeventfd, addr) == 8);
static_assert(offsetof(struct kvm_ioeventfd, len) == 16);
static_assert(offsetof(struct kvm_ioeventfd, fd) == 20);
static_assert(offsetof(struct kvm_ioeventfd, flags) == 24);
static_assert(sizeof(struct kvm_msi) == 32);
static_assert(sizeof(struct kvm_irq_level) == 8);
static_assert(sizeof(struct kvm_clear_dirty_log) == 24);
static_assert(sizeof(struct kvm_arm_device_addr) == 16);

/* include/kx/errno.h */
#define KX_ERRNO(e, v) static_assert(e == v, #e)
KX_ERRNO(EPERM, 1);
KX_ERRNO(ENOENT, 2);
KX_ERRNO(EINTR, 4);
KX_ERRNO(EIO, 5);
KX_ERRNO(ENXIO, 6);
KX_ERRNO(E2BIG, 7);
KX_ERRNO(ENOEXEC, 8);
KX_ERRNO(EBADF, 9);
KX_ERRNO(EAGAIN, 11);
KX_ERRNO(ENOMEM, 12);
KX_ERRNO(EFAULT, 14);
KX_ERRNO(EBUSY, 16);
KX_ERRNO(EEXIST, 17);
KX_ERRNO(ENODEV, 19);
KX_ERRNO(EINVAL, 22);
KX_ERRNO(ENOTTY, 25);
KX_ERRNO(ENOSPC, 28);
KX_ERRNO(ERANGE, 34);
KX_ERRNO(EOPNOTSUPP, 95);
KX_ERRNO(ENOBUFS, 105);

/*
 * s390's struct kvm_run has psw_mask and psw_addr where the host's exit
 * union starts (kvm_ext.h's KVM_EXT_S390_RUN_PSW_MASK), and its union 16
 * bytes further on: kvm_ext_write_exit() and the core's enablement() rely
 * on both.
 */
static_assert(offsetof(struct kvm_run, mmio) == KVM_EXT_S390_RUN_PSW_MASK);
static_assert(KVM_EXT_S390_RUN_PSW_ADDR - KVM_EXT_S390_RUN_PSW_MASK == 8);
