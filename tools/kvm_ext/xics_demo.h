/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM_EXT_XICS_DEMO_H
#define KVM_EXT_XICS_DEMO_H

/*
 * The ppc node's XICS driven as a pseries VMM and its guest do
 * (xics_demo.c): an MSI through an irqfd, IPIs, RTAS, a migration. sys is
 * the node's system fd; prints what happens and returns how many steps
 * did not go as expected.
 */
int xics_demo(int sys, const char *host);

#endif /* KVM_EXT_XICS_DEMO_H */
