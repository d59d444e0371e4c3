/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM_EXT_MPIC_DEMO_H
#define KVM_EXT_MPIC_DEMO_H

/*
 * The ppc node's Freescale MPIC driven as QEMU's ppce500 machine
 * (kvm-openpic) and its guest do on an e500mc host (mpic_demo.c): GSI
 * routing, KVM_IRQ_LINE and an irqfd, IACK and EOI at BASE_ADDR, an IPI,
 * MSIs, a save and restore of every register into a fresh VM. sys is the
 * node's system fd; prints what happens and returns how many steps did
 * not go as expected. Puts ppc_host back as it found it.
 */
int mpic_demo(int sys);

#endif /* KVM_EXT_MPIC_DEMO_H */
