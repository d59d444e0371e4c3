/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM ABI constants the core uses, under KX_ names so that the core
 * needs no <linux/kvm.h>. Values are KVM's; kvm_ext/abi_check.c proves each
 * one equal to the kernel's uapi headers at build time.
 */
#ifndef KVM_EXT_ABI_H
#define KVM_EXT_ABI_H

#define KX_API_VERSION 12
#define KX_PAGE_SHIFT 12
#define KX_PAGE_SIZE (1ULL << KX_PAGE_SHIFT)

/* Capabilities (KVM_CAP_*) */
#define KX_CAP_USER_MEMORY 3
#define KX_CAP_NR_VCPUS 9
#define KX_CAP_NR_MEMSLOTS 10
#define KX_CAP_SYNC_MMU 16
#define KX_CAP_DESTROY_MEMORY_REGION_WORKS 21
#define KX_CAP_JOIN_MEMORY_REGIONS_WORKS 30
#define KX_CAP_MAX_VCPUS 66
#define KX_CAP_READONLY_MEM 81
#define KX_CAP_DEVICE_CTRL 89
#define KX_CAP_CHECK_EXTENSION_VM 105
#define KX_CAP_MULTI_ADDRESS_SPACE 118
#define KX_CAP_MAX_VCPU_ID 128
#define KX_CAP_IMMEDIATE_EXIT 136
#define KX_CAP_ARM_VM_IPA_SIZE 165
#define KX_CAP_ONE_REG 70
#define KX_CAP_VCPU_ATTRIBUTES 127
#define KX_CAP_STEAL_TIME 187
#define KX_CAP_IRQCHIP 0
#define KX_CAP_ARM_SET_DEVICE_ADDR 88
#define KX_CAP_ARM_IRQ_LINE_LAYOUT_2 174
#define KX_CAP_SIGNAL_MSI 77
#define KX_CAP_MSI_DEVID 131
#define KX_CAP_ENABLE_CAP_VM 98
#define KX_CAP_ENABLE_CAP 54
#define KX_CAP_MP_STATE 14
#define KX_CAP_SYSTEM_EVENT_DATA 215
#define KX_CAP_ARM_SYSTEM_SUSPEND 216
#define KX_CAP_S390_CSS_SUPPORT 85
#define KX_CAP_VM_ATTRIBUTES 101
#define KX_CAP_S390_IRQCHIP 99
#define KX_CAP_S390_AIS 141
#define KX_CAP_S390_AIS_MIGRATION 150
#define KX_CAP_S390_CMMA_MIGRATION 145
#define KX_CAP_S390_CPU_TOPOLOGY 222
#define KX_CAP_PPC_PAPR 68
#define KX_CAP_IRQ_MPIC 90
#define KX_CAP_IRQ_XICS 92
#define KX_CAP_PPC_IRQ_XIVE 169
#define KX_CAP_PPC_RTAS 91
#define KX_CAP_PPC_ENABLE_HCALL 104
#define KX_CAP_PPC_MMU_RADIX 134
#define KX_CAP_PPC_MMU_HASH_V3 135
#define KX_CAP_SPAPR_TCE 63
#define KX_CAP_SPAPR_MULTITCE 94
#define KX_CAP_SPAPR_TCE_64 125
#define KX_CAP_SPAPR_TCE_VFIO 142
#define KX_CAP_ARM_EL1_32BIT 93
#define KX_CAP_ARM_PSCI 87
#define KX_CAP_ARM_PSCI_0_2 102
#define KX_CAP_ARM_PMU_V3 126
#define KX_CAP_ARM_SVE 170
#define KX_CAP_ARM_PTRAUTH_ADDRESS 171
#define KX_CAP_ARM_PTRAUTH_GENERIC 172
#define KX_CAP_MANUAL_DIRTY_LOG_PROTECT 166
#define KX_CAP_MANUAL_DIRTY_LOG_PROTECT2 168
#define KX_CAP_IRQ_ROUTING 25
#define KX_CAP_IRQFD 32
#define KX_CAP_IRQFD_RESAMPLE 82
#define KX_CAP_IOEVENTFD 36
#define KX_CAP_IOEVENTFD_NO_LENGTH 100
#define KX_CAP_IOEVENTFD_ANY_LENGTH 122
#define KX_CAP_VCPU_EVENTS 41
#define KX_CAP_ARM_INJECT_SERROR_ESR 158
#define KX_CAP_ARM_INJECT_EXT_DABT 178
#define KX_CAP_SET_GUEST_DEBUG 23
#define KX_CAP_SET_GUEST_DEBUG2 195
#define KX_CAP_GUEST_DEBUG_HW_BPS 119
#define KX_CAP_GUEST_DEBUG_HW_WPS 120

/*
 * KVM_SET_GUEST_DEBUG control bits: the common ones, then each
 * architecture's own (arm64 USE_SW_BP and USE_HW; s390 USE_HW_BP, whose
 * value is x86's and ppc's USE_SW_BP; ppc USE_SW_BP and USE_HW_BP).
 */
#define KX_GUESTDBG_ENABLE 0x00000001U
#define KX_GUESTDBG_SINGLESTEP 0x00000002U
#define KX_GUESTDBG_USE_SW_BP 0x00010000U
#define KX_GUESTDBG_ARM64_USE_HW 0x00020000U
#define KX_GUESTDBG_S390_USE_HW_BP 0x00010000U
#define KX_GUESTDBG_PPC_USE_HW_BP 0x00020000U
#define KX_ARM_MAX_DBG_REGS 16
/* s390 struct kvm_hw_breakpoint types */
#define KX_S390_HW_BP 1
#define KX_S390_HW_WP_WRITE 2
#define KX_CAP_BINARY_STATS_FD 203

/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 flags */
#define KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE (1ULL << 0)
#define KX_DIRTY_LOG_INITIALLY_SET (1ULL << 1)

/* KVM_SET_USER_MEMORY_REGION flags */
#define KX_MEM_LOG_DIRTY_PAGES (1U << 0)
#define KX_MEM_READONLY (1U << 1)

/* Exit reasons */
#define KX_EXIT_UNKNOWN 0
#define KX_EXIT_MMIO 6
#define KX_EXIT_INTR 10
#define KX_EXIT_INTERNAL_ERROR 17
#define KX_EXIT_PAPR_HCALL 19
#define KX_EXIT_SYSTEM_EVENT 24
#define KX_SYSTEM_EVENT_SHUTDOWN 1
#define KX_SYSTEM_EVENT_RESET 2
#define KX_SYSTEM_EVENT_WAKEUP 4
#define KX_SYSTEM_EVENT_SUSPEND 5
#define KX_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2 (1ULL << 0)
#define KX_MP_STATE_RUNNABLE 0
#define KX_MP_STATE_STOPPED 5
#define KX_MP_STATE_CHECK_STOP 6
#define KX_MP_STATE_OPERATING 7
#define KX_MP_STATE_LOAD 8
#define KX_MP_STATE_SUSPENDED 10
#define KX_EXIT_EXT_INTERRUPT 0xef /* KVM_EXIT_EXT_INTERRUPT, uapi/linux/kvm_ext.h */

/* Device types */
#define KX_DEV_TYPE_FSL_MPIC_20 1
#define KX_DEV_TYPE_FSL_MPIC_42 2
#define KX_DEV_TYPE_XICS 3
#define KX_DEV_TYPE_VFIO 4
#define KX_DEV_TYPE_ARM_VGIC_V2 5
#define KX_DEV_TYPE_FLIC 6
#define KX_DEV_TYPE_ARM_VGIC_V3 7
#define KX_DEV_TYPE_ARM_VGIC_ITS 8
#define KX_DEV_TYPE_XIVE 9
#define KX_DEV_TYPE_ARM_PV_TIME 10

/* VFIO pseudo-device attributes */
#define KX_DEV_VFIO_GROUP 1
/* ppc KVM_DEV_TYPE_FSL_MPIC_20/_42 (asm/kvm.h) */
#define KX_DEV_MPIC_GRP_MISC 1
#define KX_DEV_MPIC_BASE_ADDR 0
#define KX_DEV_MPIC_GRP_REGISTER 2
#define KX_DEV_MPIC_GRP_IRQ_ACTIVE 3
/* ppc KVM_DEV_TYPE_XICS (asm/kvm.h) */
#define KX_DEV_XICS_GRP_SOURCES 1
#define KX_DEV_XICS_GRP_CTRL 2
#define KX_DEV_XICS_NR_SERVERS 1
#define KX_XICS_DESTINATION_MASK 0xffffffffULL
#define KX_XICS_PRIORITY_SHIFT 32
#define KX_XICS_PRIORITY_MASK 0xff
#define KX_XICS_LEVEL_SENSITIVE (1ULL << 40)
#define KX_XICS_MASKED (1ULL << 41)
#define KX_XICS_PENDING (1ULL << 42)
#define KX_XICS_PRESENTED (1ULL << 43)
#define KX_XICS_QUEUED (1ULL << 44)
/* ppc KVM_DEV_TYPE_XIVE (asm/kvm.h) */
#define KX_DEV_XIVE_GRP_CTRL 1
#define KX_DEV_XIVE_RESET 1
#define KX_DEV_XIVE_EQ_SYNC 2
#define KX_DEV_XIVE_NR_SERVERS 3
#define KX_DEV_XIVE_GRP_SOURCE 2
#define KX_DEV_XIVE_GRP_SOURCE_CONFIG 3
#define KX_DEV_XIVE_GRP_EQ_CONFIG 4
#define KX_DEV_XIVE_GRP_SOURCE_SYNC 5
#define KX_XIVE_LEVEL_SENSITIVE (1ULL << 0)
#define KX_XIVE_LEVEL_ASSERTED (1ULL << 1)
#define KX_XIVE_SOURCE_PRIORITY_SHIFT 0
#define KX_XIVE_SOURCE_PRIORITY_MASK 0x7
#define KX_XIVE_SOURCE_SERVER_SHIFT 3
#define KX_XIVE_SOURCE_SERVER_MASK 0xfffffff8ULL
#define KX_XIVE_SOURCE_MASKED_SHIFT 32
#define KX_XIVE_SOURCE_MASKED_MASK 0x100000000ULL
#define KX_XIVE_SOURCE_EISN_SHIFT 33
#define KX_XIVE_SOURCE_EISN_MASK 0xfffffffe00000000ULL
#define KX_XIVE_EQ_PRIORITY_SHIFT 0
#define KX_XIVE_EQ_PRIORITY_MASK 0x7
#define KX_XIVE_EQ_SERVER_SHIFT 3
#define KX_XIVE_EQ_SERVER_MASK 0xfffffff8ULL
#define KX_XIVE_EQ_ALWAYS_NOTIFY 0x00000001
#define KX_XIVE_TIMA_PAGE_OFFSET 0
#define KX_XIVE_ESB_PAGE_OFFSET 4
#define KX_DEV_VFIO_GROUP_ADD 1
#define KX_DEV_VFIO_GROUP_DEL 2
#define KX_DEV_VFIO_GROUP_SET_SPAPR_TCE 3

/* arm64 KVM_CREATE_VM type */
#define KX_VM_TYPE_ARM_IPA_SIZE_MASK 0xffULL
#define KX_ARM64_DEFAULT_IPA_BITS 40
#define KX_ARM64_MIN_IPA_BITS 32

/* ppc KVM_CREATE_VM type */
#define KX_VM_PPC_HV 1
#define KX_VM_PPC_PR 2
/* ppc ONE_REG ids of the interrupt presentation controllers (asm/kvm.h) */
#define KX_REG_PPC_ICP_STATE 0x103000000000008cULL
#define KX_REG_PPC_VP_STATE 0x104000000000008dULL

/*
 * The arm64 VGIC devices' attribute groups and attributes
 * (devices/arm-vgic*.rst), each defined here once for the core and checked
 * against the arm64 uapi (kvm_ext/abi_check.c against kvm_ext.h, which
 * tools/testing/uapi/check-arch-constants.sh checks against <asm/kvm.h>).
 */
#define KX_VGIC_V2_ADDR_TYPE_DIST 0
#define KX_VGIC_V2_ADDR_TYPE_CPU 1
#define KX_VGIC_V3_ADDR_TYPE_DIST 2
#define KX_VGIC_V3_ADDR_TYPE_REDIST 3
#define KX_VGIC_ITS_ADDR_TYPE 4
#define KX_VGIC_V3_ADDR_TYPE_REDIST_REGION 5
#define KX_DEV_ARM_VGIC_GRP_ADDR 0
#define KX_DEV_ARM_VGIC_GRP_DIST_REGS 1
#define KX_DEV_ARM_VGIC_GRP_CPU_REGS 2
#define KX_DEV_ARM_VGIC_GRP_NR_IRQS 3
#define KX_DEV_ARM_VGIC_GRP_CTRL 4
#define KX_DEV_ARM_VGIC_GRP_REDIST_REGS 5
#define KX_DEV_ARM_VGIC_GRP_CPU_SYSREGS 6
#define KX_DEV_ARM_VGIC_GRP_LEVEL_INFO 7
#define KX_DEV_ARM_VGIC_GRP_ITS_REGS 8
#define KX_DEV_ARM_VGIC_CTRL_INIT 0
#define KX_DEV_ARM_ITS_SAVE_TABLES 1
#define KX_DEV_ARM_ITS_RESTORE_TABLES 2
#define KX_DEV_ARM_VGIC_SAVE_PENDING_TABLES 3
#define KX_DEV_ARM_ITS_CTRL_RESET 4
#define KX_VGIC_LEVEL_INFO_LINE_LEVEL 0

/* KVM_IOEVENTFD's flags (kvm_ioeventfd_flag_nr_*) */
#define KX_IOEVENTFD_FLAG_DATAMATCH (1U << 0)
#define KX_IOEVENTFD_FLAG_PIO (1U << 1)
#define KX_IOEVENTFD_FLAG_DEASSIGN (1U << 2)
#define KX_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY (1U << 3)
/* with kvm_ioeventfd_flag_nr_fast_mmio (bit 4), which no 6.1 code reads */
#define KX_IOEVENTFD_VALID_FLAG_MASK ((1U << 5) - 1)
/* arm64 KVM_ARM_SET_DEVICE_ADDR's id: device id 31:16, address type 15:0 */
#define KX_ARM_DEVICE_TYPE_SHIFT 0
#define KX_ARM_DEVICE_TYPE_MASK (0xffffULL << KX_ARM_DEVICE_TYPE_SHIFT)
#define KX_ARM_DEVICE_ID_SHIFT 16
#define KX_ARM_DEVICE_ID_MASK (0xffffULL << KX_ARM_DEVICE_ID_SHIFT)
#define KX_ARM_DEVICE_VGIC_V2 0
/*
 * Binary statistics (api.rst 4.133 KVM_GET_STATS_FD): the file's header and
 * each descriptor as struct kvm_stats_header and struct kvm_stats_desc
 * (with its name appended, as 6.1's _kvm_stats_desc) lay them out.
 */
#define KX_STATS_NAME_SIZE 48
#define KX_STATS_TYPE_CUMULATIVE (0x0 << 0)
#define KX_STATS_TYPE_INSTANT (0x1 << 0)
#define KX_STATS_TYPE_PEAK (0x2 << 0)
#define KX_STATS_TYPE_LINEAR_HIST (0x3 << 0)
#define KX_STATS_TYPE_LOG_HIST (0x4 << 0)
#define KX_STATS_TYPE_MASK (0xF << 0)
#define KX_STATS_UNIT_NONE (0x0 << 4)
#define KX_STATS_UNIT_BYTES (0x1 << 4)
#define KX_STATS_UNIT_SECONDS (0x2 << 4)
#define KX_STATS_UNIT_CYCLES (0x3 << 4)
#define KX_STATS_UNIT_BOOLEAN (0x4 << 4)
#define KX_STATS_UNIT_MASK (0xF << 4)
#define KX_STATS_BASE_POW10 (0x0 << 8)
#define KX_STATS_BASE_POW2 (0x1 << 8)
#define KX_STATS_BASE_MASK (0xF << 8)

struct kx_stats_header {
	unsigned int flags;
	unsigned int name_size;
	unsigned int num_desc;
	unsigned int id_offset;
	unsigned int desc_offset;
	unsigned int data_offset;
};

struct kx_stats_desc {
	unsigned int flags;
	short exponent;
	unsigned short size;
	unsigned int offset;
	unsigned int bucket_size;
	char name[KX_STATS_NAME_SIZE];
};

/* The guest-access extension (include/uapi/linux/kvm_ext.h) */
#define KX_ACCESS_MEM 0
#define KX_ACCESS_SYSREG 1
#define KX_ACCESS_HYPERCALL 2
#define KX_ACCESS_INTERRUPT 3
#define KX_ACCESS_WRITE (1U << 0)
#define KX_ACCESS_RESULT_RAM 1
#define KX_ACCESS_RESULT_KERNEL 2
#define KX_ACCESS_RESULT_EXIT 3
#define KX_ACCESS_RESULT_NONE 4

/*
 * ioctl numbers the core decodes itself (the architecture tables and the
 * generic VM ioctls behind kx_vm_ioctl()/kx_vcpu_ioctl()), in the _IOC
 * layout of the host (x86, arm64, s390: dir in bits 31:30, size 29:16).
 */
#define KX_IOC(dir, nr, size) (((dir) << 30) | ((size) << 16) | (0xAE << 8) | (nr))
#define KX_IOC_W 1U
#define KX_IOC_R 2U
#define KX_CREATE_IRQCHIP KX_IOC(0U, 0x60, 0)
#define KX_ARM_SET_DEVICE_ADDR KX_IOC(KX_IOC_W, 0xab, 16)
#define KX_IRQ_LINE KX_IOC(KX_IOC_W, 0x61, 8)
#define KX_IRQ_LINE_STATUS KX_IOC(KX_IOC_W | KX_IOC_R, 0x67, 8)
#define KX_SET_GSI_ROUTING KX_IOC(KX_IOC_W, 0x6a, 8)
#define KX_IRQFD KX_IOC(KX_IOC_W, 0x76, 32)
#define KX_IOEVENTFD KX_IOC(KX_IOC_W, 0x79, 64)
#define KX_SIGNAL_MSI KX_IOC(KX_IOC_W, 0xa5, 32)
#define KX_GET_MP_STATE KX_IOC(KX_IOC_R, 0x98, 4)
#define KX_SET_MP_STATE KX_IOC(KX_IOC_W, 0x99, 4)
#define KX_SET_SIGNAL_MASK KX_IOC(KX_IOC_W, 0x8b, 4)
#define KX_ENABLE_CAP KX_IOC(KX_IOC_W, 0xa3, 104)
#define KX_CLEAR_DIRTY_LOG KX_IOC(KX_IOC_W | KX_IOC_R, 0xc0, 24)
#define KX_ARM_VCPU_INIT KX_IOC(KX_IOC_W, 0xae, 32)
#define KX_ARM_PREFERRED_TARGET KX_IOC(KX_IOC_R, 0xaf, 32)
#define KX_ARM_VCPU_FINALIZE KX_IOC(KX_IOC_W, 0xc2, 4)
#define KX_GET_ONE_REG KX_IOC(KX_IOC_W, 0xab, 16)
#define KX_SET_ONE_REG KX_IOC(KX_IOC_W, 0xac, 16)
#define KX_GET_REG_LIST KX_IOC(KX_IOC_W | KX_IOC_R, 0xb0, 8)
/* struct kvm_vcpu_events is 64 bytes on x86 and arm64 alike. */
#define KX_GET_VCPU_EVENTS KX_IOC(KX_IOC_R, 0x9f, 64)
#define KX_SET_VCPU_EVENTS KX_IOC(KX_IOC_W, 0xa0, 64)
/*
 * KVM_SET_GUEST_DEBUG takes the architecture's struct kvm_guest_debug, so
 * its number is each architecture's (kvm_ext.h's
 * KVM_EXT_{ARM64,PPC,S390}_SET_GUEST_DEBUG): 8 bytes of control and pad,
 * then arm64's 4 x 16 debug registers, ppc's 16 breakpoints of 16 bytes,
 * s390's count and pointer.
 */
#define KX_ARM64_SET_GUEST_DEBUG KX_IOC(KX_IOC_W, 0x9b, 520)
#define KX_PPC_SET_GUEST_DEBUG KX_IOC(KX_IOC_W, 0x9b, 264)
#define KX_S390_SET_GUEST_DEBUG KX_IOC(KX_IOC_W, 0x9b, 24)
/* s390's struct kvm_sregs (192 bytes), struct kvm_s390_interrupt (16) */
#define KX_S390_GET_SREGS KX_IOC(KX_IOC_R, 0x83, 192)
#define KX_S390_SET_SREGS KX_IOC(KX_IOC_W, 0x84, 192)
#define KX_S390_INTERRUPT KX_IOC(KX_IOC_W, 0x94, 16)
#define KX_S390_GET_CMMA_BITS KX_IOC(KX_IOC_W | KX_IOC_R, 0xb8, 32)
#define KX_S390_SET_CMMA_BITS KX_IOC(KX_IOC_W, 0xb9, 32)
#define KX_GET_STATS_FD KX_IOC(0U, 0xce, 0)
#define KX_PPC_RTAS_DEFINE_TOKEN KX_IOC(KX_IOC_W, 0xac, 128)
/* One number, two sizes: struct kvm_create_spapr_tce (16), _64 (32). */
#define KX_CREATE_SPAPR_TCE KX_IOC(KX_IOC_W, 0xa8, 16)
#define KX_CREATE_SPAPR_TCE_64 KX_IOC(KX_IOC_W, 0xa8, 32)

#endif /* KVM_EXT_ABI_H */
