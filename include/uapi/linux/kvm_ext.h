/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_ext user-space API: what <linux/kvm.h> on the VMM's host lacks.
 *
 * Everything else is KVM's own ABI: include <linux/kvm.h> and open
 * /dev/kvm_ext/<arch> (arm64, ppc, s390) instead of /dev/kvm.
 *
 * 1. Architecture constants of the emulated guest architectures that the
 *    host's <asm/kvm.h> does not define, with the values of the arch uapi
 *    headers (a host test checks them against Debian's
 *    linux-libc-dev-{arm64,ppc64el,s390x}-cross).
 * 2. The guest-access extension: one vCPU ioctl through which a test or a
 *    VMM acts as the guest.
 */
#ifndef _UAPI_LINUX_KVM_EXT_H
#define _UAPI_LINUX_KVM_EXT_H

#include <linux/ioctl.h>
#include <linux/kvm.h>
#include <linux/types.h>

/* arm64: KVM_CREATE_VM type (arch/arm64/include/uapi/asm/kvm.h and kvm.h) */
#ifndef KVM_VM_TYPE_ARM_IPA_SIZE_MASK
#define KVM_VM_TYPE_ARM_IPA_SIZE_MASK	0xffULL
#define KVM_VM_TYPE_ARM_IPA_SIZE(x)	((x) & KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
#endif

/*
 * arm64 vCPU configuration (arch/arm64/include/uapi/asm/kvm.h): what
 * KVM_ARM_PREFERRED_TARGET, KVM_ARM_VCPU_INIT, KVM_ARM_VCPU_FINALIZE and the
 * SVE vector-length pseudo-register need on a host whose <asm/kvm.h> is not
 * arm64's. <linux/kvm.h> already has the ioctl numbers; they take
 * sizeof(struct kvm_vcpu_init) where used, so this definition serves them.
 */
#ifndef KVM_ARM_TARGET_GENERIC_V8
#define KVM_ARM_TARGET_GENERIC_V8	5

#define KVM_ARM_VCPU_POWER_OFF		0
#define KVM_ARM_VCPU_EL1_32BIT		1
#define KVM_ARM_VCPU_PSCI_0_2		2
#define KVM_ARM_VCPU_PMU_V3		3
#define KVM_ARM_VCPU_SVE		4
#define KVM_ARM_VCPU_PTRAUTH_ADDRESS	5
#define KVM_ARM_VCPU_PTRAUTH_GENERIC	6

struct kvm_vcpu_init {
	__u32 target;
	__u32 features[7];
};

#define KVM_REG_ARM_COPROC_MASK		0x000000000FFF0000
#define KVM_REG_ARM_COPROC_SHIFT	16
#define KVM_REG_ARM64_SVE		(0x15 << KVM_REG_ARM_COPROC_SHIFT)
#define KVM_ARM64_SVE_VQ_MIN		1
#define KVM_ARM64_SVE_VQ_MAX		512
#define KVM_REG_ARM64_SVE_VLS		(KVM_REG_ARM64 | KVM_REG_ARM64_SVE | \
					 KVM_REG_SIZE_U512 | 0xffff)
#define KVM_ARM64_SVE_VLS_WORDS	\
	((KVM_ARM64_SVE_VQ_MAX - KVM_ARM64_SVE_VQ_MIN) / 64 + 1)
#endif

/* arm64: KVM_SYSTEM_EVENT_RESET's data[0] for a PSCI 1.1 SYSTEM_RESET2 */
#ifndef KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2
#define KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2	(1ULL << 0)
#endif

/* ppc: KVM_CREATE_VM type */
#ifndef KVM_VM_PPC_HV
#define KVM_VM_PPC_HV 1
#define KVM_VM_PPC_PR 2
#endif

/* ppc: KVM_DEV_TYPE_XICS's attribute groups and source words */
#ifndef KVM_DEV_XICS_GRP_SOURCES
#define KVM_DEV_XICS_GRP_SOURCES	1
#define KVM_DEV_XICS_GRP_CTRL		2
#define KVM_DEV_XICS_NR_SERVERS		1
#define KVM_XICS_DESTINATION_SHIFT	0
#define KVM_XICS_DESTINATION_MASK	0xffffffffULL
#define KVM_XICS_PRIORITY_SHIFT		32
#define KVM_XICS_PRIORITY_MASK		0xff
#define KVM_XICS_LEVEL_SENSITIVE	(1ULL << 40)
#define KVM_XICS_MASKED			(1ULL << 41)
#define KVM_XICS_PENDING		(1ULL << 42)
#define KVM_XICS_PRESENTED		(1ULL << 43)
#define KVM_XICS_QUEUED			(1ULL << 44)
#endif

/* ppc: the FSL MPIC's attribute groups (KVM_DEV_TYPE_FSL_MPIC_20/_42) */
#ifndef KVM_DEV_MPIC_GRP_MISC
#define KVM_DEV_MPIC_GRP_MISC		1
#define   KVM_DEV_MPIC_BASE_ADDR	0
#define KVM_DEV_MPIC_GRP_REGISTER	2
#define KVM_DEV_MPIC_GRP_IRQ_ACTIVE	3
#endif

/* ppc: KVM_DEV_TYPE_XIVE's attribute groups and values */
#ifndef KVM_DEV_XIVE_GRP_CTRL
#define KVM_DEV_XIVE_GRP_CTRL		1
#define   KVM_DEV_XIVE_RESET		1
#define   KVM_DEV_XIVE_EQ_SYNC		2
#define   KVM_DEV_XIVE_NR_SERVERS	3
#define KVM_DEV_XIVE_GRP_SOURCE		2
#define KVM_DEV_XIVE_GRP_SOURCE_CONFIG	3
#define KVM_DEV_XIVE_GRP_EQ_CONFIG	4
#define KVM_DEV_XIVE_GRP_SOURCE_SYNC	5
#define KVM_XIVE_LEVEL_SENSITIVE	(1ULL << 0)
#define KVM_XIVE_LEVEL_ASSERTED		(1ULL << 1)
#define KVM_XIVE_SOURCE_PRIORITY_SHIFT	0
#define KVM_XIVE_SOURCE_PRIORITY_MASK	0x7
#define KVM_XIVE_SOURCE_SERVER_SHIFT	3
#define KVM_XIVE_SOURCE_SERVER_MASK	0xfffffff8ULL
#define KVM_XIVE_SOURCE_MASKED_SHIFT	32
#define KVM_XIVE_SOURCE_MASKED_MASK	0x100000000ULL
#define KVM_XIVE_SOURCE_EISN_SHIFT	33
#define KVM_XIVE_SOURCE_EISN_MASK	0xfffffffe00000000ULL
#define KVM_XIVE_EQ_PRIORITY_SHIFT	0
#define KVM_XIVE_EQ_PRIORITY_MASK	0x7
#define KVM_XIVE_EQ_SERVER_SHIFT	3
#define KVM_XIVE_EQ_SERVER_MASK		0xfffffff8ULL
#define KVM_XIVE_EQ_ALWAYS_NOTIFY	0x00000001
#define KVM_XIVE_TIMA_PAGE_OFFSET	0
#define KVM_XIVE_ESB_PAGE_OFFSET	4
#endif

/*
 * ppc: GRP_EQ_CONFIG's value, struct kvm_ppc_xive_eq of ppc's asm/kvm.h
 * (the same layout, by another name, so that it builds beside POWER's).
 */
struct kvm_ext_ppc_xive_eq {
	__u32 flags;
	__u32 qshift;
	__u64 qaddr;
	__u32 qtoggle;
	__u32 qindex;
	__u8  pad[40];
};

/* ppc: the interrupt presentation controllers' ONE_REG ids */
#ifndef KVM_REG_PPC_ICP_STATE
#define KVM_REG_PPC_ICP_STATE	(KVM_REG_PPC | KVM_REG_SIZE_U64 | 0x8c)
#define KVM_REG_PPC_VP_STATE	(KVM_REG_PPC | KVM_REG_SIZE_U128 | 0x8d)
#endif

/* s390: KVM_CREATE_VM type */
#ifndef KVM_VM_S390_UCONTROL
#define KVM_VM_S390_UCONTROL 1
#endif

/*
 * arm64 KVM_ARM_SET_DEVICE_ADDR's id (arch/arm64/include/uapi/asm/kvm.h):
 * the device id in bits 31:16, the address type in 15:0 (16 bits each; the
 * arm64 header's masks use the kernel's GENMASK(), so only the shifts are
 * here).
 */
#ifndef KVM_ARM_DEVICE_ID_SHIFT
#define KVM_ARM_DEVICE_TYPE_SHIFT	0
#define KVM_ARM_DEVICE_ID_SHIFT		16
#define KVM_ARM_DEVICE_VGIC_V2		0
#endif

/*
 * arm64 in-kernel GIC and interrupt lines (arch/arm64/include/uapi/asm/kvm.h):
 * the VGIC device's groups and attributes, the vCPU attribute groups that
 * wire into it, and KVM_IRQ_LINE's layout.
 */
#ifndef KVM_DEV_ARM_VGIC_GRP_ADDR
#define KVM_VGIC_V2_ADDR_TYPE_DIST		0
#define KVM_VGIC_V2_ADDR_TYPE_CPU		1
#define KVM_VGIC_V3_ADDR_TYPE_DIST		2
#define KVM_VGIC_V3_ADDR_TYPE_REDIST		3
#define KVM_VGIC_ITS_ADDR_TYPE			4
#define KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION	5
#define KVM_DEV_ARM_VGIC_GRP_ADDR		0
#define KVM_DEV_ARM_VGIC_GRP_DIST_REGS		1
#define KVM_DEV_ARM_VGIC_GRP_CPU_REGS		2
#define KVM_DEV_ARM_VGIC_GRP_NR_IRQS		3
#define KVM_DEV_ARM_VGIC_GRP_CTRL		4
#define KVM_DEV_ARM_VGIC_GRP_REDIST_REGS	5
#define KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS	6
#define KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO		7
#define KVM_DEV_ARM_VGIC_GRP_ITS_REGS		8
#define KVM_DEV_ARM_VGIC_CTRL_INIT		0
#define KVM_DEV_ARM_ITS_SAVE_TABLES		1
#define KVM_DEV_ARM_ITS_RESTORE_TABLES		2
#define KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES	3
#define KVM_DEV_ARM_ITS_CTRL_RESET		4
#define VGIC_LEVEL_INFO_LINE_LEVEL		0

#define KVM_ARM_VCPU_PMU_V3_CTRL		0
#define KVM_ARM_VCPU_PMU_V3_IRQ			0
#define KVM_ARM_VCPU_PMU_V3_INIT		1
#define KVM_ARM_VCPU_PMU_V3_FILTER		2
#define KVM_ARM_VCPU_PMU_V3_SET_PMU		3
#define KVM_ARM_VCPU_TIMER_CTRL			1
#define KVM_ARM_VCPU_TIMER_IRQ_VTIMER		0
#define KVM_ARM_VCPU_TIMER_IRQ_PTIMER		1
#define KVM_ARM_VCPU_PVTIME_CTRL		2
#define KVM_ARM_VCPU_PVTIME_IPA			0

#define KVM_ARM_IRQ_VCPU2_SHIFT			28
#define KVM_ARM_IRQ_TYPE_SHIFT			24
#define KVM_ARM_IRQ_VCPU_SHIFT			16
#define KVM_ARM_IRQ_NUM_SHIFT			0
#define KVM_ARM_IRQ_TYPE_CPU			0
#define KVM_ARM_IRQ_TYPE_SPI			1
#define KVM_ARM_IRQ_TYPE_PPI			2
#endif

/*
 * Structures whose layout on the guest architecture differs from the
 * host's structure of the same name (<asm/kvm.h> of x86 defines its own
 * struct kvm_vcpu_events and struct kvm_guest_debug): the guest
 * architecture's layout under a kvm_ext name, and where the size differs,
 * the ioctl number a VMM on that architecture uses.
 *
 * arm64 KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS: <linux/kvm.h>'s numbers
 * serve (both structures are 64 bytes); pass this structure.
 */
struct kvm_ext_arm64_vcpu_events {
	struct {
		__u8 serror_pending;
		__u8 serror_has_esr;
		__u8 ext_dabt_pending;
		/* Align it to 8 bytes */
		__u8 pad[5];
		__u64 serror_esr;
	} exception;
	__u32 reserved[12];
};

/* arm64 KVM_SET_GUEST_DEBUG */
#ifndef KVM_ARM_MAX_DBG_REGS
#define KVM_ARM_MAX_DBG_REGS		16
#endif
#ifndef KVM_GUESTDBG_USE_HW
#define KVM_GUESTDBG_USE_HW		(1 << 17)
#endif
struct kvm_ext_arm64_guest_debug {
	__u32 control;
	__u32 pad;
	struct {
		__u64 dbg_bcr[KVM_ARM_MAX_DBG_REGS];
		__u64 dbg_bvr[KVM_ARM_MAX_DBG_REGS];
		__u64 dbg_wcr[KVM_ARM_MAX_DBG_REGS];
		__u64 dbg_wvr[KVM_ARM_MAX_DBG_REGS];
	} arch;
};
#define KVM_EXT_ARM64_SET_GUEST_DEBUG \
	_IOW(KVMIO, 0x9b, struct kvm_ext_arm64_guest_debug)

/* ppc KVM_SET_GUEST_DEBUG (USE_SW_BP and USE_HW_BP have x86's values) */
struct kvm_ext_ppc_guest_debug {
	__u32 control;
	__u32 pad;
	struct {
		struct {
			__u64 addr;
			__u32 type;
			__u32 reserved;
		} bp[16];
	} arch;
};
#define KVM_EXT_PPC_SET_GUEST_DEBUG \
	_IOW(KVMIO, 0x9b, struct kvm_ext_ppc_guest_debug)

/* ppc KVM_PPC_RTAS_DEFINE_TOKEN (its struct is in ppc's asm/kvm.h) */
struct kvm_ext_rtas_token_args {
	char name[120];
	__u64 token;	/* Use a token of 0 to undefine a mapping */
};
#define KVM_EXT_PPC_RTAS_DEFINE_TOKEN \
	_IOW(KVMIO, 0xac, struct kvm_ext_rtas_token_args)

/*
 * ppc KVM_CREATE_SPAPR_TCE and KVM_CREATE_SPAPR_TCE_64 (their structs are
 * in ppc's asm/kvm.h): one number, told apart by the size.
 */
struct kvm_ext_create_spapr_tce {
	__u64 liobn;
	__u32 window_size;
};
struct kvm_ext_create_spapr_tce_64 {
	__u64 liobn;
	__u32 page_shift;
	__u32 flags;
	__u64 offset;	/* in pages */
	__u64 size;	/* in pages */
};
#define KVM_EXT_CREATE_SPAPR_TCE \
	_IOW(KVMIO, 0xa8, struct kvm_ext_create_spapr_tce)
#define KVM_EXT_CREATE_SPAPR_TCE_64 \
	_IOW(KVMIO, 0xa8, struct kvm_ext_create_spapr_tce_64)

/*
 * s390 KVM_SET_GUEST_DEBUG. s390's KVM_GUESTDBG_USE_HW_BP is 0x10000
 * (x86's and ppc's is 0x20000), hence the kvm_ext name.
 */
#define KVM_EXT_S390_GUESTDBG_USE_HW_BP	0x00010000
/* ppc's KVM_GUESTDBG_USE_HW_BP (x86's too; arm64 has no such name). */
#define KVM_EXT_PPC_GUESTDBG_USE_HW_BP	0x00020000
#ifndef KVM_HW_BP
#define KVM_HW_BP			1
#define KVM_HW_WP_WRITE			2
#endif
struct kvm_ext_s390_hw_breakpoint {
	__u64 addr;
	__u64 phys_addr;
	__u64 len;
	__u8 type;
	__u8 pad[7]; /* Should be set to 0 */
};
struct kvm_ext_s390_guest_debug {
	__u32 control;
	__u32 pad;
	struct {
		__u32 nr_hw_bp;
		__u32 pad; /* Should be set to 0 */
		struct kvm_ext_s390_hw_breakpoint *hw_bp;
	} arch;
};
#define KVM_EXT_S390_SET_GUEST_DEBUG \
	_IOW(KVMIO, 0x9b, struct kvm_ext_s390_guest_debug)

/*
 * s390 device control (arch/s390/include/uapi/asm/kvm.h): the FLIC's
 * groups and structures, and the VM attributes of
 * Documentation/virt/kvm/devices/vm.rst. struct kvm_s390_vm_cpu_subfunc
 * is the document's: kdsa, then 1792 reserved bytes (6.1's header names
 * the first 64 of them sortl and dfltcc; the emulated machine offers
 * neither, so they read 0 either way).
 */
#ifndef KVM_DEV_FLIC_GET_ALL_IRQS
#define KVM_DEV_FLIC_GET_ALL_IRQS	1
#define KVM_DEV_FLIC_ENQUEUE		2
#define KVM_DEV_FLIC_CLEAR_IRQS		3
#define KVM_DEV_FLIC_APF_ENABLE		4
#define KVM_DEV_FLIC_APF_DISABLE_WAIT	5
#define KVM_DEV_FLIC_ADAPTER_REGISTER	6
#define KVM_DEV_FLIC_ADAPTER_MODIFY	7
#define KVM_DEV_FLIC_CLEAR_IO_IRQ	8
#define KVM_DEV_FLIC_AISM		9
#define KVM_DEV_FLIC_AIRQ_INJECT	10
#define KVM_DEV_FLIC_AISM_ALL		11
#define KVM_S390_MAX_FLOAT_IRQS		266250
#define KVM_S390_FLIC_MAX_BUFFER	0x2000000

struct kvm_s390_io_adapter {
	__u32 id;
	__u8 isc;
	__u8 maskable;
	__u8 swap;
	__u8 flags;
};

#define KVM_S390_ADAPTER_SUPPRESSIBLE	0x01

struct kvm_s390_ais_req {
	__u8 isc;
	__u16 mode;
};

struct kvm_s390_ais_all {
	__u8 simm;
	__u8 nimm;
};

#define KVM_S390_IO_ADAPTER_MASK	1
#define KVM_S390_IO_ADAPTER_MAP		2
#define KVM_S390_IO_ADAPTER_UNMAP	3

struct kvm_s390_io_adapter_req {
	__u32 id;
	__u8 type;
	__u8 mask;
	__u16 pad0;
	__u64 addr;
};

#define KVM_S390_VM_MEM_CTRL		0
#define KVM_S390_VM_TOD			1
#define KVM_S390_VM_CRYPTO		2
#define KVM_S390_VM_CPU_MODEL		3
#define KVM_S390_VM_MIGRATION		4
#define KVM_S390_VM_CPU_TOPOLOGY	5

#define KVM_S390_VM_MEM_ENABLE_CMMA	0
#define KVM_S390_VM_MEM_CLR_CMMA	1
#define KVM_S390_VM_MEM_LIMIT_SIZE	2

#define KVM_S390_NO_MEM_LIMIT		(~0ULL)

#define KVM_S390_VM_TOD_LOW		0
#define KVM_S390_VM_TOD_HIGH		1
#define KVM_S390_VM_TOD_EXT		2

struct kvm_s390_vm_tod_clock {
	__u8  epoch_idx;
	__u64 tod;
};

#define KVM_S390_VM_CPU_PROCESSOR	0
struct kvm_s390_vm_cpu_processor {
	__u64 cpuid;
	__u16 ibc;
	__u8  pad[6];
	__u64 fac_list[256];
};

#define KVM_S390_VM_CPU_MACHINE		1
struct kvm_s390_vm_cpu_machine {
	__u64 cpuid;
	__u32 ibc;
	__u8  pad[4];
	__u64 fac_mask[256];
	__u64 fac_list[256];
};

#define KVM_S390_VM_CPU_PROCESSOR_FEAT	2
#define KVM_S390_VM_CPU_MACHINE_FEAT	3

#define KVM_S390_VM_CPU_FEAT_NR_BITS	1024
#define KVM_S390_VM_CPU_FEAT_ESOP	0
#define KVM_S390_VM_CPU_FEAT_SIEF2	1
#define KVM_S390_VM_CPU_FEAT_64BSCAO	2
#define KVM_S390_VM_CPU_FEAT_SIIF	3
#define KVM_S390_VM_CPU_FEAT_GPERE	4
#define KVM_S390_VM_CPU_FEAT_GSLS	5
#define KVM_S390_VM_CPU_FEAT_IB		6
#define KVM_S390_VM_CPU_FEAT_CEI	7
#define KVM_S390_VM_CPU_FEAT_IBS	8
#define KVM_S390_VM_CPU_FEAT_SKEY	9
#define KVM_S390_VM_CPU_FEAT_CMMA	10
#define KVM_S390_VM_CPU_FEAT_PFMFI	11
#define KVM_S390_VM_CPU_FEAT_SIGPIF	12
#define KVM_S390_VM_CPU_FEAT_KSS	13
struct kvm_s390_vm_cpu_feat {
	__u64 feat[16];
};

#define KVM_S390_VM_CPU_PROCESSOR_SUBFUNC	4
#define KVM_S390_VM_CPU_MACHINE_SUBFUNC		5
/* "test bit" instructions in MSB 0 bit order, "query" blocks raw */
struct kvm_s390_vm_cpu_subfunc {
	__u8 plo[32];		/* always */
	__u8 ptff[16];		/* with TOD-clock steering */
	__u8 kmac[16];		/* with MSA */
	__u8 kmc[16];		/* with MSA */
	__u8 km[16];		/* with MSA */
	__u8 kimd[16];		/* with MSA */
	__u8 klmd[16];		/* with MSA */
	__u8 pckmo[16];		/* with MSA3 */
	__u8 kmctr[16];		/* with MSA4 */
	__u8 kmf[16];		/* with MSA4 */
	__u8 kmo[16];		/* with MSA4 */
	__u8 pcc[16];		/* with MSA4 */
	__u8 ppno[16];		/* with MSA5 */
	__u8 kma[16];		/* with MSA8 */
	__u8 kdsa[16];		/* with MSA9 */
	__u8 reserved[1792];
};

#define KVM_S390_VM_CRYPTO_ENABLE_AES_KW	0
#define KVM_S390_VM_CRYPTO_ENABLE_DEA_KW	1
#define KVM_S390_VM_CRYPTO_DISABLE_AES_KW	2
#define KVM_S390_VM_CRYPTO_DISABLE_DEA_KW	3
#define KVM_S390_VM_CRYPTO_ENABLE_APIE		4
#define KVM_S390_VM_CRYPTO_DISABLE_APIE		5

#define KVM_S390_VM_MIGRATION_STOP	0
#define KVM_S390_VM_MIGRATION_START	1
#define KVM_S390_VM_MIGRATION_STATUS	2
#endif

/*
 * struct kvm_s390_ais_req's modes, which s390_flic.rst names and Linux
 * defines in its kernel-internal kvm_host.h only.
 */
#ifndef KVM_S390_AIS_MODE_ALL
#define KVM_S390_AIS_MODE_ALL		0
#define KVM_S390_AIS_MODE_SINGLE	1
#endif

/*
 * s390 vCPU state the interrupt model reads. s390's struct kvm_run has
 * psw_mask and psw_addr after apic_base (byte offsets 32 and 40; its exit
 * union follows at 48). struct kvm_sregs is s390's (access and control
 * registers); KVM_GET_SREGS/KVM_SET_SREGS take its size.
 */
#define KVM_EXT_S390_RUN_PSW_MASK	32
#define KVM_EXT_S390_RUN_PSW_ADDR	40
struct kvm_ext_s390_sregs {
	__u32 acrs[16];
	__u64 crs[16];
};
#define KVM_EXT_S390_GET_SREGS	_IOR(KVMIO, 0x83, struct kvm_ext_s390_sregs)
#define KVM_EXT_S390_SET_SREGS	_IOW(KVMIO, 0x84, struct kvm_ext_s390_sregs)
/* PSW mask bits that enable interruption classes (MSB 0 bits 5, 6, 13) */
#define KVM_EXT_S390_PSW_MASK_IO	0x0200000000000000ULL
#define KVM_EXT_S390_PSW_MASK_EXT	0x0100000000000000ULL
#define KVM_EXT_S390_PSW_MASK_MCHECK	0x0004000000000000ULL

/*
 * KVM_EXT_GUEST_ACCESS (vCPU ioctl): perform one guest access as the vCPU.
 *
 * kind KVM_EXT_ACCESS_MEM: a load or store of len (1, 2, 4, 8) bytes at
 *   guest physical address addr, within one page. RAM (a memslot) is read
 *   or written in the VMM's backing memory, and a store marks the page
 *   dirty when the slot logs dirty pages (result KVM_EXT_RESULT_RAM). A
 *   store to a read-only slot, or an access outside every slot, is MMIO: a
 *   region of an in-kernel device handles it (KVM_EXT_RESULT_KERNEL), or
 *   kvm_run is filled as for KVM_EXIT_MMIO and the result is
 *   KVM_EXT_RESULT_EXIT (a load then returns 0).
 * kind KVM_EXT_ACCESS_SYSREG: a system-register access (arm64: addr is the
 *   KVM_REG_ARM64_SYSREG encoding; the GICv3 CPU interface handles ICC_*).
 * kind KVM_EXT_ACCESS_HYPERCALL: a hypercall, addr its number (arm64: an
 *   SMCCC call by HVC, addr is x0; ppc: a PAPR hcall, addr is r3). In:
 *   data is the first argument (x1; r4), args the next three (x2-x4;
 *   r5-r7); out: data is the first result (x0; r3, the return code), args
 *   the next three (x1-x3; r4-r6). A call the kernel completes gives
 *   KVM_EXT_RESULT_KERNEL; one KVM hands to the VMM fills kvm_run as that
 *   exit (arm64 PSCI SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2,
 *   SYSTEM_SUSPEND: KVM_EXIT_SYSTEM_EVENT; ppc, a hypercall the kernel
 *   does not handle or the VMM disabled: KVM_EXIT_PAPR_HCALL with r4-r7 in
 *   args[0..3], the rest 0) and gives KVM_EXT_RESULT_EXIT; the results are
 *   then the registers as KVM leaves them.
 * kind KVM_EXT_ACCESS_INTERRUPT (s390): the vCPU takes the interruption
 *   the machine would present now: of the floating interrupts pending
 *   (FLIC, KVM_S390_INTERRUPT, adapter interrupts), the highest-priority
 *   one that its PSW mask (kvm_run's psw_mask: the I/O, external and
 *   machine-check bits) and control registers (KVM_SET_SREGS: CR6's
 *   I/O-interruption subclass mask, CR0's service-signal subclass mask,
 *   CR14's channel-report subclass mask) enable, in 6.1's order: machine
 *   check, service signal, pfault done, virtio, then I/O by ISC from 0.
 *   It is dequeued and gives KVM_EXT_RESULT_KERNEL with data its type
 *   (KVM_S390_INT_*, KVM_S390_MCHK) and args[0], args[1] its parm and
 *   parm64 as struct kvm_s390_interrupt encodes them; none enabled gives
 *   KVM_EXT_RESULT_NONE and data 0. addr, len and args must be 0.
 *
 * data holds the value, little-endian in the low len bytes: in for a
 * store, out for a load. args must be 0 for every kind but
 * KVM_EXT_ACCESS_HYPERCALL (in). Errors: EINVAL (bad kind, flags, len or a page
 * crossing; args or reserved not zero), EFAULT (the struct, or the VMM's backing
 * memory, is not accessible), ENXIO (no handler for that register or
 * hypercall), EIO (not the VM's creator process), EINTR; a hypercall
 * fails with the error KVM_RUN would return (ppc H_RTAS: EFAULT for
 * arguments outside RAM, EINVAL for nargs of 16 or more).
 */
struct kvm_ext_guest_access {
	__u32 kind;
	__u32 flags;
	__u64 addr;
	__u32 len;
	__u32 result;	/* out */
	__u64 data;	/* in/out */
	__u64 args[3];	/* in/out: KVM_EXT_ACCESS_HYPERCALL only */
	__u64 reserved[1];
};

#define KVM_EXT_ACCESS_MEM		0
#define KVM_EXT_ACCESS_SYSREG		1
#define KVM_EXT_ACCESS_HYPERCALL	2
#define KVM_EXT_ACCESS_INTERRUPT	3

#define KVM_EXT_ACCESS_WRITE		(1U << 0)

#define KVM_EXT_RESULT_RAM		1
#define KVM_EXT_RESULT_KERNEL		2
#define KVM_EXT_RESULT_EXIT		3
#define KVM_EXT_RESULT_NONE		4

/*
 * KVM_RUN's idle guest (kvm_ext has no guest code) waits for an interrupt
 * it would take, then returns 0 with this exit reason so that the test or
 * VMM, acting as the guest, takes it through KVM_EXT_GUEST_ACCESS (arm64:
 * ICC_IAR1_EL1 or GICC_IAR; s390: KVM_EXT_ACCESS_INTERRUPT). A signal
 * still ends the wait with -EINTR and
 * KVM_EXIT_INTR. 0xef: far above every exit reason Linux has used.
 */
#define KVM_EXIT_EXT_INTERRUPT	0xef

/* 0xef: far above every KVMIO number Linux has used. */
#define KVM_EXT_GUEST_ACCESS	_IOWR(KVMIO, 0xef, struct kvm_ext_guest_access)

#endif /* _UAPI_LINUX_KVM_EXT_H */
