/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM_EXT_VMM_LOOP_H
#define KVM_EXT_VMM_LOOP_H

/*
 * The arm64 node driven as a VMM's vCPU threads drive /dev/kvm (vmm_loop.c).
 * sys is the node's system fd; prints what happens and returns how many
 * steps did not go as expected.
 */
int vmm_loop_demo(int sys);

#endif /* KVM_EXT_VMM_LOOP_H */
