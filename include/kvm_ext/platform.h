/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Platform hooks: what the C++ core needs from its environment. The kernel
 * shim (kvm_ext/platform.c) implements them with the kernel's own
 * primitives; the host build (tools/testing/host/platform_host.cpp) with
 * libc and pthreads. The core reaches nothing else outside itself.
 *
 * Locks and wait queues are embedded in core objects as opaque, aligned
 * storage; each platform checks at build time that its real type fits.
 */
#ifndef KVM_EXT_PLATFORM_H
#define KVM_EXT_PLATFORM_H

#ifdef __cplusplus
extern "C" {
#endif

#define KX_MUTEX_BYTES 256
#define KX_SPINLOCK_BYTES 128
#define KX_WAITQ_BYTES 192
#define KX_LOCK_CLASS_BYTES 32
#define KX_WORK_BYTES 256

struct kx_mutex {
	unsigned long long storage[KX_MUTEX_BYTES / 8];
};

struct kx_spinlock {
	unsigned long long storage[KX_SPINLOCK_BYTES / 8];
};

struct kx_waitq {
	unsigned long long storage[KX_WAITQ_BYTES / 8];
};

struct kx_work {
	unsigned long long storage[KX_WORK_BYTES / 8];
};

/*
 * Static storage for a lockdep class key: one per kind of lock, so that
 * lockdep sees "VM lock" and "vCPU lock" as different classes even though
 * every lock is initialised by the same hook.
 */
struct kx_lock_class {
	unsigned long long key[KX_LOCK_CLASS_BYTES / 8];
	const char *name;
};

/* Memory. Zeroed, charged to the caller's memcg; NULL on failure. */
void *kx_alloc(unsigned long size);
/*
 * The same, not zeroed: for storage its user writes whole before reading
 * any of it (an ITS table restore's ITE blocks), where clearing it first
 * would touch every byte twice (a kernel with init_on_alloc, Debian's
 * default, still zeroes it). Freed by kx_free.
 */
void *kx_alloc_uninit(unsigned long size);
void kx_free(void *ptr);
/* One zeroed page that user space can mmap (kvm_run). */
void *kx_page_alloc(void);
void kx_page_free(void *page);

void kx_mutex_init(struct kx_mutex *m, struct kx_lock_class *cls);
void kx_mutex_destroy(struct kx_mutex *m);
void kx_mutex_lock(struct kx_mutex *m);
int kx_mutex_lock_killable(struct kx_mutex *m); /* 0 or -EINTR */
int kx_mutex_trylock(struct kx_mutex *m); /* 1 when taken */
void kx_mutex_unlock(struct kx_mutex *m);
int kx_mutex_is_locked(struct kx_mutex *m);

void kx_spin_init(struct kx_spinlock *s, struct kx_lock_class *cls);
void kx_spin_lock(struct kx_spinlock *s);
void kx_spin_unlock(struct kx_spinlock *s);
unsigned long kx_spin_lock_irqsave(struct kx_spinlock *s);
void kx_spin_unlock_irqrestore(struct kx_spinlock *s, unsigned long flags);

void kx_waitq_init(struct kx_waitq *wq);
void kx_waitq_destroy(struct kx_waitq *wq);
/*
 * Sleeps interruptibly until cond(ctx) is true (0) or a signal is pending
 * (-EINTR). cond is evaluated with no lock held.
 */
int kx_waitq_wait(struct kx_waitq *wq, int (*cond)(void *ctx), void *ctx);
void kx_waitq_wake_all(struct kx_waitq *wq);

/*
 * KVM_SET_SIGNAL_MASK's mask in force while a vCPU is in KVM_RUN
 * (kvm_sigset_activate()/kvm_sigset_deactivate()): activate saves the
 * calling thread's mask and sets mask (a sigset_t, one 64-bit word on
 * every host kvm_ext builds for) without SIGKILL and SIGSTOP; deactivate
 * restores the saved one.
 */
void kx_sigmask_activate(unsigned long long mask);
void kx_sigmask_deactivate(void);

/*
 * Deferred work in process context, on kvm_ext's own workqueue (irqfd
 * injection and shutdown); each kind of work item has its own lock class
 * (lockdep sees a flush as taking the item). kx_work_queue queues w
 * unless it is queued already, from any context; kx_work_flush waits until
 * w is neither queued nor running; kx_work_flush_all until everything
 * queued so far has run.
 */
void kx_work_init(struct kx_work *w, void (*fn)(void *arg), void *arg,
		  struct kx_lock_class *cls);
void kx_work_queue(struct kx_work *w);
void kx_work_flush(struct kx_work *w);
void kx_work_flush_all(void);

/*
 * Eventfds (KVM_IRQFD). kx_eventfd_get: the eventfd behind fd, referenced:
 * 0, -EBADF (no such fd) or -EINVAL (not an eventfd); equal handles name
 * the same eventfd. kx_eventfd_signal adds 1 (any context).
 */
int kx_eventfd_get(int fd, void **eventfd);
void kx_eventfd_put(void *eventfd);
void kx_eventfd_signal(void *eventfd);

/*
 * A callback on an eventfd's writes, installed in two steps so that the
 * caller can still refuse between them. prepare: fd as kx_eventfd_get
 * takes it, *eventfd names the eventfd (valid while the watch is). arm:
 * from now on signalled(arg) runs in the eventfd's wakeup (atomic
 * context) after each write, the count consumed, and closed(arg) when its
 * file is released (atomic too); returns 1 if it was signalled already.
 * release undoes prepare or arm: once it returns neither callback runs.
 */
struct kx_eventfd_watch;
int kx_eventfd_watch_prepare(int fd, void (*signalled)(void *arg), void (*closed)(void *arg),
			     void *arg, struct kx_eventfd_watch **w, void **eventfd);
int kx_eventfd_watch_arm(struct kx_eventfd_watch *w);
void kx_eventfd_watch_release(struct kx_eventfd_watch *w);

/*
 * User memory of the process that issued the current ioctl. Return 0 or
 * -EFAULT. kx_user_range_ok is the kernel's access_ok().
 */
int kx_copy_from_user(void *dst, unsigned long long uaddr, unsigned long len);
int kx_copy_to_user(unsigned long long uaddr, const void *src, unsigned long len);
int kx_user_range_ok(unsigned long long uaddr, unsigned long long len);
/* The ioctl comes from a 32-bit process (in_compat_syscall()). */
int kx_in_compat_syscall(void);
/*
 * One page of that memory for direct access, without a copy: a device's
 * table walk (ITS tables) decodes and encodes its entries in place.
 * kx_user_page_map pins the page at `uaddr` (page aligned; writable if
 * `write`) and gives its kernel address and a handle for
 * kx_user_page_unmap, which unpins it (dirty if `dirty`). 0 or -EFAULT.
 * User space may write the page meanwhile: read each byte once.
 */
int kx_user_page_map(unsigned long long uaddr, int write, void **kaddr, void **handle);
void kx_user_page_unmap(void *handle, int dirty);

/* Host facts the personalities report (KVM_CAP_NR_VCPUS). */
unsigned int kx_num_online_cpus(void);
/* Monotonic time in nanoseconds (the emulated arm64 counter). */
unsigned long long kx_now_ns(void);
/* The calling task's pid as the kernel numbers it (task_pid_nr(current)). */
int kx_current_pid(void);

/*
 * Files named by fd in the caller's table (the VFIO pseudo-device).
 * kx_file_get: 0, -EBADF (no such fd). The handle is opaque.
 */
int kx_file_get(int fd, void **file);
void kx_file_put(void *file);
int kx_file_is_vfio_group(void *file);
/* The kvm_ext device whose fd the file is (kvm_device_from_filp()), or NULL. */
struct kx_device *kx_file_device(void *file);
/* The TCE table whose fd the file is, or NULL. */
struct kx_tce_table;
struct kx_tce_table *kx_file_tce_table(void *file);
/*
 * A new fd ("kvm-spapr-tce", O_RDWR | O_CLOEXEC) for a TCE table, called
 * with the table's VM lock held; its release calls kx_tce_table_release().
 * The fd, or a negative errno (then nothing was made).
 */
int kx_tce_table_fd(struct kx_tce_table *table);

/*
 * A mappable device's fd pages [pgoff, pgoff + npages) unmapped from
 * every process (unmap_mapping_range() on the fd's own inode), so that
 * the next access faults: the core calls it after the state behind those
 * pages changed shape, outside its spinlocks (it may sleep).
 */
void kx_unmap_device_pages(void *mapping, unsigned long pgoff, unsigned long npages);

/*
 * The mappable device whose fd's page backs user address uaddr in the
 * current process: a reference to the fd's file (for kx_file_put()),
 * with *dev and *pgoff (the page in the fd) set; NULL when no device
 * mapping holds uaddr.
 */
void *kx_user_device_page(unsigned long uaddr, struct kx_device **dev, unsigned long *pgoff);

/* Drops what kx_vm_create() was given as the VM's owner. */
void kx_owner_put(void *owner);

/*
 * The VM owner's address space as current's, for a work item that reaches
 * guest memory through the VMM's addresses (kthread_use_mm()): 1 when it
 * switched, to be undone by kx_owner_unuse_mm(); 0 when current has an mm
 * of its own, is no kthread, or the owner's mm has no users left.
 */
int kx_owner_use_mm(void *owner);
void kx_owner_unuse_mm(void *owner);

/* Fatal core invariant violation: BUG() in the kernel, abort() on the host. */
void kx_panic(const char *msg);

/* Tracepoint for one guest access (no printk: this is per operation). */
void kx_trace_guest_access(unsigned int vcpu_id, unsigned int kind,
			   unsigned long long addr, unsigned int len,
			   int is_write, int handled_by);
/* KVM_IRQ_LINE (may be called from atomic context). */
void kx_trace_irq_line(unsigned int irq, unsigned int level, int ret);
void kx_trace_signal_msi(unsigned int devid, unsigned int data, int ret);

#ifdef __cplusplus
}
#endif

#endif /* KVM_EXT_PLATFORM_H */
