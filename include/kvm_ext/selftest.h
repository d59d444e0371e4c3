/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of the freestanding support library (include/kx) that KUnit runs
 * inside the kernel (kunit/kx_selftest.cpp). Each returns 0, or the source
 * line of the first check that failed.
 */
#ifndef KVM_EXT_SELFTEST_H
#define KVM_EXT_SELFTEST_H

#ifdef __cplusplus
extern "C" {
#endif

int kx_selftest_list(void);
int kx_selftest_bitmap(void);
int kx_selftest_vector(void);
int kx_selftest_result(void);
int kx_selftest_alloc_checker(void);
int kx_selftest_dirty_bitmap(void);

/* Test-build platform controls (kvm_ext/platform.c, KVM_EXT_KUNIT only). */
void kvm_ext_test_fail_alloc_after(long n);
long kvm_ext_test_alloc_attempts(void);
long kvm_ext_live_allocations(void);
/*
 * The calling task's user pointers are kernel pointers (KUnit only);
 * returns whether they were before.
 */
bool kvm_ext_test_kernel_uaccess(bool on);

#ifdef __cplusplus
}
#endif

#endif /* KVM_EXT_SELFTEST_H */
