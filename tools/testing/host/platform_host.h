// SPDX-License-Identifier: GPL-2.0
// Test controls of the host platform (platform_host.cpp).
#pragma once

#include <cstdint>
#include <vector>

struct kx_device;
struct kx_tce_table;

namespace host {

// Live allocations (kx_alloc, kx_alloc_uninit, kx_page_alloc) not yet
// freed.
long live_allocations();
// Make the n-th following allocation fail (0: the next one); -1 disables.
void fail_allocation_after(long n);
// Allocations attempted since the last reset (for failure sweeps).
long allocations_attempted();
void reset_allocation_counters();
// kx_alloc_uninit() fills its memory with 0xa5, so that a test sees a
// read of what was never written; on unless a benchmark turns it off.
void poison_uninit(bool on);
// kx_owner_put() calls so far (a VM drops its owner exactly once).
long owner_puts();
// References the core holds on eventfds (kx_eventfd_get, watches) now.
long eventfd_refs();
// Pretend a signal (SIGUSR1 unless given) is pending for every thread
// blocked in kx_waitq_wait; it interrupts the wait unless the thread's
// mask blocks it.
void raise_signal(int signo = 10);
void clear_signal();
// The calling thread's blocked signals (bit n-1 for signal n), as
// kx_sigmask_activate()/kx_sigmask_deactivate() change them.
uint64_t thread_blocked();
void set_thread_blocked(uint64_t mask);
// User memory [uaddr, uaddr + len) as a mapping of dev's fd from page
// pgoff (kx_user_device_page()); dev nullptr unbinds the range at uaddr.
void bind_device_pages(uint64_t uaddr, uint64_t len, kx_device* dev, unsigned long pgoff);
// kx_unmap_device_pages() calls since the last take_unmaps().
struct Unmap {
  void* mapping;
  unsigned long pgoff, npages;
};
std::vector<Unmap> take_unmaps();
// The device an fd stands for to kx_file_device() (nullptr: none).
void bind_device_fd(int fd, kx_device* dev);
// TCE table fds (kx_tce_table_fd()): the table an fd stands for
// (nullptr: none); closing one releases its table, as the last fput();
// fail_tce_fd(-E) makes the next fds fail with -E (0: stop).
kx_tce_table* tce_table_of_fd(int fd);
void close_tce_fd(int fd);
void fail_tce_fd(int err);
// kx_file_is_vfio_group() answers 1 for fd (until unbound).
void bind_vfio_group_fd(int fd, bool group);
// User addresses at or above this fault in kx_copy_{from,to}_user.
constexpr uint64_t kUserTop = 0x0000800000000000ull;

}  // namespace host
