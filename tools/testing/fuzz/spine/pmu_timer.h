// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 PMU and timer vCPU groups (pmu_timer.cpp), for
// vcpu_attr_call() and KVM_RUN.

#ifndef SPINE_PMU_TIMER_H
#define SPINE_PMU_TIMER_H

#include "input.h"

namespace spine {

// KVM_ARM_VCPU_PMU_V3_CTRL (group 0) and KVM_ARM_VCPU_TIMER_CTRL (group 1):
// vcpu.rst's rows in pmu-emul.c's and arch_timer.c's order, with the
// document's two stricter rules (an SPI next to a PPI, -EBUSY once any vCPU
// has run). Returns the errno; `out` is what a successful GET writes.
int pmu_timer_model(VcpuFd& c, int op, const AttrSpec& s, uint64_t payload, int32_t* out);

// KVM_RUN's first entry: kvm_vcpu_first_run_init()'s kvm_timer_enable() and
// kvm_arm_pmu_v3_enable(), after the GIC's frames: with a GIC each timer
// takes its PPI (kept even when a later check refuses) and every vCPU must
// use the same two; a vCPU with a PMU needs PMU_V3_INIT and an interrupt
// that suits the GIC (none without one).
int first_run_devices_gate(const VcpuFd& c);

}  // namespace spine

#endif  // SPINE_PMU_TIMER_H
