// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's GIC registers and interrupts (vgic_regs.cpp): the
// register groups, the frames and ICC registers as the guest reaches them,
// KVM_IRQ_LINE.

#ifndef SPINE_VGIC_REGS_H
#define SPINE_VGIC_REGS_H

#include "guest_access.h"

namespace spine {

// The guest's side (guest_access()): the frame an MMIO access reaches on
// the bus, an ICC register of an initialised GICv3 (KVM_EXT_ACCESS_SYSREG),
// what a write's read-back needs read first, and the access checked.
bool gic_mmio_target(const VmModel& v, uint64_t addr, unsigned len, GicTarget* t);
bool gic_icc_guest(const VmModel& v, uint64_t addr);
GicPre gic_guest_pre(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr,
                     unsigned len);
void gic_guest_post(const VcpuFd& c, unsigned kind, const GicTarget& t, uint64_t addr, bool write,
                    unsigned len, uint64_t data, uint64_t got, const GicPre& pre);

// The register groups (DIST_REGS, CPU_REGS, REDIST_REGS, CPU_SYSREGS,
// LEVEL_INFO) of a VGIC device fd (op_vgic_attr()).
bool gic_reg_group(uint32_t g);
void gic_reg_attr(DevFd& d, int op, AttrSpec s, uint64_t value);

// A wake with no CPU line high: the GIC has an interrupt the vCPU would
// take, so its highest pending interrupt is not the spurious one.
void gic_check_woken(const VcpuFd& c);

// At the end of an input: an initialised GIC's identification registers
void audit_gic_regs(const DevFd& d);

void op_gic_regs(Input& in);
void op_gic_mmio(Input& in);
void op_gic_sysreg(Input& in);
void op_irq_line(Input& in);

}  // namespace spine

#endif  // SPINE_VGIC_REGS_H
