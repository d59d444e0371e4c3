// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's VMs, vCPUs and KVM_RUN (vm.cpp).

#ifndef SPINE_VM_H
#define SPINE_VM_H

#include "input.h"

namespace spine {

void op_create_vm(Input& in);
void op_close_vm(Input& in);
void op_create_vcpu(Input& in);
void op_close_vcpu(Input& in);
void op_run(Input& in);
void op_vm_attr(Input& in);
void op_vcpu_attr(Input& in);
void op_check_extension(Input& in);
void op_vcpu_burst(Input& in);
void op_misc(Input& in);

// KVM_RUN, never blocking. Mode 0: immediate_exit. 1: a signal pending.
// 2: neither, only where KVM_RUN is refused at entry (it would block
// otherwise). With an in-kernel GIC the first run that passes the entry
// checks puts its frames on the bus. The idle guest returns 0 with
// KVM_EXIT_EXT_INTERRUPT for an interrupt it would take: one of its CPU
// lines high (the model knows), or the GIC's (checked by HPPIR).
void run_vcpu(const VcpuFd& c, unsigned mode);

// At start-up: what KVM_CHECK_EXTENSION without a VM answers for the
// capabilities op_check_extension() asks, which must not change.
void snapshot_caps(kx_personality p);

}  // namespace spine

#endif  // SPINE_VM_H
