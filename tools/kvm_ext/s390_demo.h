/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM_EXT_S390_DEMO_H
#define KVM_EXT_S390_DEMO_H

/*
 * The s390 node as QEMU's s390x machine sets a VM up (s390_demo.c): the
 * CPU model, AIS, the TOD, the FLIC with an adapter under AIS, I/O and
 * service interrupts taken by the guest, a save and restore of the FLIC
 * into a fresh VM, and a migration-mode round with CMMA and the dirty
 * log. sys is the node's system fd; prints what happens and returns how
 * many steps did not go as expected.
 */
int s390_demo(int sys);

#endif /* KVM_EXT_S390_DEMO_H */
