/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the kernel shim. */
#ifndef KVM_EXT_SHIM_H
#define KVM_EXT_SHIM_H

#include <linux/fs.h>
#include <kvm_ext/core.h>

long kvm_ext_dev_create_vm(enum kx_personality p, unsigned long type);
long kvm_ext_check_extension(enum kx_personality p, struct kx_vm *vm,
			     long cap);

int kvm_ext_platform_init(void);
void kvm_ext_platform_exit(void);
long kvm_ext_live_allocations(void);

int kvm_ext_debugfs_init(void);
void kvm_ext_debugfs_exit(void);

#endif
