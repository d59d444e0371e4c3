/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 vCPU feature bits and ONE_REG id fields for the conformance tests
 * (arm64 uapi asm/kvm.h, which the x86 build host lacks; the names are
 * local so that they cannot clash with include/uapi).
 */
#ifndef KVM_EXT_ABI_ARM64_IDS_H
#define KVM_EXT_ABI_ARM64_IDS_H

#define F(bit) (1U << (bit))
#define F_PTRAUTH (F(KVM_ARM_VCPU_PTRAUTH_ADDRESS) | F(KVM_ARM_VCPU_PTRAUTH_GENERIC))
#define F_SVE F(KVM_ARM_VCPU_SVE)
#define F_PMU F(KVM_ARM_VCPU_PMU_V3)
#define F_PSCI F(KVM_ARM_VCPU_PSCI_0_2)

#define COPROC(x) ((__u64)(x) << 16)
#define C_MASK 0x0fff0000ULL
#define C_CORE COPROC(0x10)
#define C_DEMUX COPROC(0x11)
#define C_SYSREG COPROC(0x13)
#define C_FW COPROC(0x14)
#define C_SVE COPROC(0x15)
#define C_BMAP COPROC(0x16)
#define ENC(op0, op1, crn, crm, op2)                                            \
	(((__u64)(op0) << 14) | ((__u64)(op1) << 11) | ((__u64)(crn) << 7) |    \
	 ((__u64)(crm) << 3) | (__u64)(op2))
#define SYSREG(op0, op1, crn, crm, op2)                                         \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | C_SYSREG | ENC(op0, op1, crn, crm, op2))
#define CORE(size, off) (KVM_REG_ARM64 | (size) | C_CORE | (__u64)(off))

#endif /* KVM_EXT_ABI_ARM64_IDS_H */
