// SPDX-License-Identifier: GPL-2.0
/*
 * The test build (make KVM_EXT_KUNIT=y) exports the core's C ABI to
 * kvm_ext_kunit.ko, in a namespace of its own; the shipped module exports
 * nothing.
 */
#include <linux/export.h>

#include <kvm_ext/core.h>
#include <kvm_ext/platform.h>
#include <kvm_ext/selftest.h>

EXPORT_SYMBOL_NS_GPL(kx_alloc, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_free, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_init, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_destroy, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_lock, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_trylock, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_unlock, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_lock_killable, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_mutex_is_locked, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_panic, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_check_extension, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_mmap_pages, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_unknown_ioctl_errno, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_create, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_get, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_put, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_count, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_set_memory_region, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_enable_cap, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_get_dirty_log, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_clear_dirty_log, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_has_clear_dirty_log, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_irq_line, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_signal_msi, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_copy_to_user, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_copy_from_user, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_attr, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_create_vcpu, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_abort_vcpu, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_id, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_page, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_attr, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_run, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_ioctl, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_ioctl, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vcpu_guest_access, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_register_device_ops, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_unregister_device_ops, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_vm_create_device, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_abort, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_release, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_xive_esb_load, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_xive_esb_trigger, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_fault, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_name, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_attr, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_ioctl, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_private, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_device_set_private, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_ppc_set_host, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kx_ppc_get_host, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kvm_ext_test_fail_alloc_after, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kvm_ext_test_alloc_attempts, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kvm_ext_test_kernel_uaccess, KVM_EXT_KUNIT);
EXPORT_SYMBOL_NS_GPL(kvm_ext_live_allocations, KVM_EXT_KUNIT);
