// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 vCPU configuration (arm64_vcpu.cpp).

#ifndef SPINE_ARM64_VCPU_H
#define SPINE_ARM64_VCPU_H

#include "input.h"

namespace spine {

// An open vCPU fd of an arm64 VM, chosen by `b`; -1 when there is none.
int pick_arm64_vcpu(uint8_t b);

void op_arm_init(Input& in);
void op_arm_finalize(Input& in);
void op_arm_host(Input& in);

}  // namespace spine

#endif  // SPINE_ARM64_VCPU_H
