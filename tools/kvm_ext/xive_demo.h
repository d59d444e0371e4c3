/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM_EXT_XIVE_DEMO_H
#define KVM_EXT_XIVE_DEMO_H

/*
 * The ppc node's XIVE native driven as QEMU's pseries machine and its
 * guest do on a POWER9 (xive_demo.c): the TIMA and ESB pages mmapped and
 * backing memslots, events delivered into the queues in guest RAM through
 * them, a migration in xive.rst's order. sys is the node's system fd;
 * prints what happens and returns how many steps did not go as expected.
 * Leaves ppc_host at power8.
 */
int xive_demo(int sys);

#endif /* KVM_EXT_XIVE_DEMO_H */
