// SPDX-License-Identifier: GPL-2.0
// What both XICS implementations share: the source space as
// KVM_DEV_XICS_GRP_SOURCES numbers it (book3s_xics.h), the XISRs with a
// meaning of their own, and KVM_REG_PPC_ICP_STATE's fields (asm/kvm.h).
#ifndef KVM_EXT_ARCH_POWERPC_XICS_DEFS_H
#define KVM_EXT_ARCH_POWERPC_XICS_DEFS_H

#include <kx/types.h>

namespace kvm {
namespace ppc {

constexpr u32 kFirstIrq = 16;  // KVMPPC_XICS_FIRST_IRQ
constexpr u32 kIcsShift = 10;  // KVMPPC_XICS_ICS_SHIFT
constexpr u32 kIrqPerIcs = 1u << kIcsShift;
constexpr u32 kMaxIcsId = 1023;                        // KVMPPC_XICS_MAX_ICS_ID
constexpr u32 kNrIrqs = (kMaxIcsId + 1) * kIrqPerIcs;  // KVMPPC_XICS_NR_IRQS
constexpr u8 kMasked = 0xff;                           // the priority that masks a source
constexpr u32 kIpi = 2;                                // XICS_IPI: the XISR of an IPI

constexpr u32 kIcpCpprShift = 56, kIcpXisrShift = 32, kIcpMfrrShift = 24, kIcpPpriShift = 16;
constexpr u64 kIcpXisrMask = 0xffffff;

}  // namespace ppc
}  // namespace kvm

#endif  // KVM_EXT_ARCH_POWERPC_XICS_DEFS_H
