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

#define KX_TEST_EXPORT(sym) EXPORT_SYMBOL_NS_GPL(sym, KVM_EXT_KUNIT)

KX_TEST_EXPORT(kx_alloc);
KX_TEST_EXPORT(kx_free);
KX_TEST_EXPORT(kx_mutex_init);
KX_TEST_EXPORT(kx_mutex_destroy);
KX_TEST_EXPORT(kx_mutex_lock);
KX_TEST_EXPORT(kx_mutex_trylock);
KX_TEST_EXPORT(kx_mutex_unlock);
KX_TEST_EXPORT(kx_mutex_lock_killable);
KX_TEST_EXPORT(kx_mutex_is_locked);
KX_TEST_EXPORT(kx_panic);
KX_TEST_EXPORT(kx_check_extension);
KX_TEST_EXPORT(kx_vcpu_mmap_pages);
KX_TEST_EXPORT(kx_unknown_ioctl_errno);
KX_TEST_EXPORT(kx_vm_create);
KX_TEST_EXPORT(kx_vm_get);
KX_TEST_EXPORT(kx_vm_put);
KX_TEST_EXPORT(kx_vm_count);
KX_TEST_EXPORT(kx_vm_set_memory_region);
KX_TEST_EXPORT(kx_vm_attr);
KX_TEST_EXPORT(kx_vm_create_vcpu);
KX_TEST_EXPORT(kx_vm_abort_vcpu);
KX_TEST_EXPORT(kx_vcpu_id);
KX_TEST_EXPORT(kx_vcpu_page);
KX_TEST_EXPORT(kx_vcpu_attr);
KX_TEST_EXPORT(kx_vcpu_run);
KX_TEST_EXPORT(kx_vcpu_guest_access);
KX_TEST_EXPORT(kx_register_device_ops);
KX_TEST_EXPORT(kx_unregister_device_ops);
KX_TEST_EXPORT(kx_vm_create_device);
KX_TEST_EXPORT(kx_device_abort);
KX_TEST_EXPORT(kx_device_release);
KX_TEST_EXPORT(kx_device_name);
KX_TEST_EXPORT(kx_device_attr);
KX_TEST_EXPORT(kx_device_ioctl);
KX_TEST_EXPORT(kx_device_private);
KX_TEST_EXPORT(kx_device_set_private);
KX_TEST_EXPORT(kvm_ext_test_fail_alloc_after);
KX_TEST_EXPORT(kvm_ext_test_alloc_attempts);
KX_TEST_EXPORT(kvm_ext_live_allocations);
