// SPDX-License-Identifier: GPL-2.0
/*
 * The platform hooks of include/kvm_ext/platform.h over the kernel's own
 * primitives: kvmalloc with memcg accounting, mutexes and spinlocks that
 * lockdep sees, wait queues, uaccess.
 */
#include <linux/atomic.h>
#include <linux/compat.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <kvm_ext/platform.h>
#include "kvm_ext.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static_assert(sizeof(struct mutex) <= sizeof(struct kx_mutex));
static_assert(sizeof(spinlock_t) <= sizeof(struct kx_spinlock));
static_assert(sizeof(wait_queue_head_t) <= sizeof(struct kx_waitq));
static_assert(sizeof(struct lock_class_key) <= sizeof(((struct kx_lock_class *)0)->key));
static_assert(__alignof__(struct mutex) <= __alignof__(struct kx_mutex));

/* Live allocations of the core; must be zero at unload. */
static atomic_long_t kvm_ext_allocs = ATOMIC_LONG_INIT(0);

long kvm_ext_live_allocations(void)
{
	return atomic_long_read(&kvm_ext_allocs);
}

#ifdef KVM_EXT_KUNIT
/*
 * The test build can fail the n-th following core allocation, so KUnit
 * can prove every failure path clean. The shipped module has no such
 * switch (failslab covers it there).
 */
static atomic_long_t kvm_ext_fail_after = ATOMIC_LONG_INIT(-1);
static atomic_long_t kvm_ext_attempts = ATOMIC_LONG_INIT(0);

void kvm_ext_test_fail_alloc_after(long n)
{
	atomic_long_set(&kvm_ext_attempts, 0);
	atomic_long_set(&kvm_ext_fail_after, n);
}

long kvm_ext_test_alloc_attempts(void)
{
	return atomic_long_read(&kvm_ext_attempts);
}

/*
 * KUnit's kthreads have no user address space. A test may name itself the
 * one task whose "user" pointers are kernel pointers, so the ioctl paths
 * that copy their arguments run inside the test kernel too.
 */
static struct task_struct *kvm_ext_kernel_uaccess_task;

bool kvm_ext_test_kernel_uaccess(bool on)
{
	bool was = READ_ONCE(kvm_ext_kernel_uaccess_task) == current;

	WRITE_ONCE(kvm_ext_kernel_uaccess_task, on ? current : NULL);
	return was;
}

static bool kvm_ext_kernel_uaccess(void)
{
	return READ_ONCE(kvm_ext_kernel_uaccess_task) == current;
}

static bool kvm_ext_alloc_should_fail(void)
{
	atomic_long_inc(&kvm_ext_attempts);
	return atomic_long_dec_if_positive(&kvm_ext_fail_after) == -1 &&
	       atomic_long_cmpxchg(&kvm_ext_fail_after, 0, -1) == 0;
}
#else
static bool kvm_ext_alloc_should_fail(void)
{
	return false;
}

static bool kvm_ext_kernel_uaccess(void)
{
	return false;
}
#endif

/* Irqfd injection and shutdown (kx_work_*). */
static struct workqueue_struct *kvm_ext_wq;

int kvm_ext_platform_init(void)
{
	kvm_ext_wq = alloc_workqueue("kvm_ext", 0, 0);
	return kvm_ext_wq ? 0 : -ENOMEM;
}

void kvm_ext_platform_exit(void)
{
	destroy_workqueue(kvm_ext_wq);
}

struct kvm_ext_work {
	struct work_struct work;
	void (*fn)(void *arg);
	void *arg;
};
static_assert(sizeof(struct kvm_ext_work) <= sizeof(struct kx_work));
static_assert(__alignof__(struct kvm_ext_work) <= __alignof__(struct kx_work));

static void kvm_ext_work_fn(struct work_struct *work)
{
	struct kvm_ext_work *w = container_of(work, struct kvm_ext_work, work);

	w->fn(w->arg);
}

static struct lock_class_key *lock_key(struct kx_lock_class *cls);

void kx_work_init(struct kx_work *kw, void (*fn)(void *arg), void *arg,
		  struct kx_lock_class *cls)
{
	struct kvm_ext_work *w = (struct kvm_ext_work *)kw;

	INIT_WORK(&w->work, kvm_ext_work_fn);
#ifdef CONFIG_LOCKDEP
	/*
	 * One INIT_WORK() call site would make every kx_work one lockdep
	 * class, and a work item that flushes another (an irqfd's shutdown
	 * waiting for its injection) a recursion. Each kind has its own.
	 */
	lockdep_init_map(&w->work.lockdep_map, cls->name, lock_key(cls), 0);
#endif
	w->fn = fn;
	w->arg = arg;
}

void kx_work_queue(struct kx_work *kw)
{
	queue_work(kvm_ext_wq, &((struct kvm_ext_work *)kw)->work);
}

void kx_work_flush(struct kx_work *kw)
{
	flush_work(&((struct kvm_ext_work *)kw)->work);
}

void kx_work_flush_all(void)
{
	flush_workqueue(kvm_ext_wq);
}

int kx_eventfd_get(int fd, void **eventfd)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fdget(fd);

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	*eventfd = ctx;
	return 0;
}

void kx_eventfd_put(void *eventfd)
{
	eventfd_ctx_put(eventfd);
}

void kx_eventfd_signal(void *eventfd)
{
	eventfd_signal(eventfd, 1);
}

/* An irqfd's hook on its eventfd's wait queue, as virt/kvm/eventfd.c's. */
struct kx_eventfd_watch {
	wait_queue_entry_t wait;
	poll_table pt;
	struct eventfd_ctx *ctx;
	struct file *file; /* held from prepare to arm */
	void (*signalled)(void *arg);
	void (*closed)(void *arg);
	void *arg;
};

/* Called with the eventfd's wait-queue lock held and interrupts off. */
static int kvm_ext_eventfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
				  int sync, void *key)
{
	struct kx_eventfd_watch *w = container_of(wait, struct kx_eventfd_watch, wait);
	__poll_t flags = key_to_poll(key);
	int ret = 0;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(w->ctx, &cnt);
		w->signalled(w->arg);
		ret = 1;
	}
	if (flags & EPOLLHUP)
		w->closed(w->arg);
	return ret;
}

static void kvm_ext_eventfd_queue(struct file *file, wait_queue_head_t *wqh,
				  poll_table *pt)
{
	struct kx_eventfd_watch *w = container_of(pt, struct kx_eventfd_watch, pt);

	add_wait_queue_priority(wqh, &w->wait);
}

int kx_eventfd_watch_prepare(int fd, void (*signalled)(void *arg),
			     void (*closed)(void *arg), void *arg,
			     struct kx_eventfd_watch **out, void **eventfd)
{
	struct kx_eventfd_watch *w = kx_alloc(sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->file = fget(fd);
	if (!w->file) {
		r = -EBADF;
		goto err_free;
	}
	w->ctx = eventfd_ctx_fileget(w->file);
	if (IS_ERR(w->ctx)) {
		r = PTR_ERR(w->ctx);
		goto err_fput;
	}
	w->signalled = signalled;
	w->closed = closed;
	w->arg = arg;
	*out = w;
	*eventfd = w->ctx;
	return 0;

err_fput:
	fput(w->file);
err_free:
	kx_free(w);
	return r;
}

int kx_eventfd_watch_arm(struct kx_eventfd_watch *w)
{
	__poll_t events;

	init_waitqueue_func_entry(&w->wait, kvm_ext_eventfd_wakeup);
	init_poll_funcptr(&w->pt, kvm_ext_eventfd_queue);
	events = vfs_poll(w->file, &w->pt);
	/* Not before the hook is in: the file's release must find it. */
	fput(w->file);
	w->file = NULL;
	return !!(events & EPOLLIN);
}

void kx_eventfd_watch_release(struct kx_eventfd_watch *w)
{
	u64 cnt;

	if (w->file)
		fput(w->file);
	else
		eventfd_ctx_remove_wait_queue(w->ctx, &w->wait, &cnt);
	eventfd_ctx_put(w->ctx);
	kx_free(w);
}

static void *kvm_ext_alloc(unsigned long size, gfp_t gfp)
{
	void *p;

	if (kvm_ext_alloc_should_fail())
		return NULL;
	p = kvmalloc(size, gfp);
	if (p)
		atomic_long_inc(&kvm_ext_allocs);
	return p;
}

void *kx_alloc(unsigned long size)
{
	return kvm_ext_alloc(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}

void *kx_alloc_uninit(unsigned long size)
{
	return kvm_ext_alloc(size, GFP_KERNEL_ACCOUNT);
}

void kx_free(void *ptr)
{
	if (!ptr)
		return;
	atomic_long_dec(&kvm_ext_allocs);
	kvfree(ptr);
}

void *kx_page_alloc(void)
{
	struct page *page;

	if (kvm_ext_alloc_should_fail())
		return NULL;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return NULL;
	atomic_long_inc(&kvm_ext_allocs);
	return page_address(page);
}

void kx_unmap_device_pages(void *mapping, unsigned long pgoff, unsigned long npages)
{
	unmap_mapping_range(mapping, (loff_t)pgoff << PAGE_SHIFT,
			    (loff_t)npages << PAGE_SHIFT, 1);
}

void kx_page_free(void *page)
{
	if (!page)
		return;
	atomic_long_dec(&kvm_ext_allocs);
	free_page((unsigned long)page);
}

static struct lock_class_key *lock_key(struct kx_lock_class *cls)
{
	return (struct lock_class_key *)cls->key;
}

void kx_mutex_init(struct kx_mutex *m, struct kx_lock_class *cls)
{
	__mutex_init((struct mutex *)m, cls->name, lock_key(cls));
}

void kx_mutex_destroy(struct kx_mutex *m)
{
	mutex_destroy((struct mutex *)m);
}

void kx_mutex_lock(struct kx_mutex *m)
{
	mutex_lock((struct mutex *)m);
}

int kx_mutex_lock_killable(struct kx_mutex *m)
{
	return mutex_lock_killable((struct mutex *)m) ? -EINTR : 0;
}

int kx_mutex_trylock(struct kx_mutex *m)
{
	return mutex_trylock((struct mutex *)m);
}

void kx_mutex_unlock(struct kx_mutex *m)
{
	mutex_unlock((struct mutex *)m);
}

int kx_mutex_is_locked(struct kx_mutex *m)
{
	return mutex_is_locked((struct mutex *)m);
}

void kx_spin_init(struct kx_spinlock *s, struct kx_lock_class *cls)
{
	spinlock_t *lock = (spinlock_t *)s;

	spin_lock_init(lock);
	lockdep_set_class_and_name(lock, lock_key(cls), cls->name);
}

void kx_spin_lock(struct kx_spinlock *s) __acquires(s)
{
	spin_lock((spinlock_t *)s);
}

void kx_spin_unlock(struct kx_spinlock *s) __releases(s)
{
	spin_unlock((spinlock_t *)s);
}

unsigned long kx_spin_lock_irqsave(struct kx_spinlock *s) __acquires(s)
{
	unsigned long flags;

	spin_lock_irqsave((spinlock_t *)s, flags);
	return flags;
}

void kx_spin_unlock_irqrestore(struct kx_spinlock *s, unsigned long flags)
	__releases(s)
{
	spin_unlock_irqrestore((spinlock_t *)s, flags);
}

void kx_waitq_init(struct kx_waitq *wq)
{
	init_waitqueue_head((wait_queue_head_t *)wq);
}

void kx_waitq_destroy(struct kx_waitq *wq)
{
}

int kx_waitq_wait(struct kx_waitq *wq, int (*cond)(void *ctx), void *ctx)
{
	int r = wait_event_interruptible(*(wait_queue_head_t *)wq, cond(ctx));

	return r ? -EINTR : 0;
}

void kx_waitq_wake_all(struct kx_waitq *wq)
{
	wake_up_all((wait_queue_head_t *)wq);
}

void kx_sigmask_activate(unsigned long long mask)
{
	sigset_t set;

	BUILD_BUG_ON(sizeof(set) != sizeof(mask));
	memcpy(&set, &mask, sizeof(set));
	sigdelsetmask(&set, sigmask(SIGKILL) | sigmask(SIGSTOP));
	/* Only current changes ->real_blocked (as kvm_sigset_activate()). */
	sigprocmask(SIG_SETMASK, &set, &current->real_blocked);
}

void kx_sigmask_deactivate(void)
{
	sigprocmask(SIG_SETMASK, &current->real_blocked, NULL);
	sigemptyset(&current->real_blocked);
}

int kx_copy_from_user(void *dst, unsigned long long uaddr, unsigned long len)
{
	if (kvm_ext_kernel_uaccess())
		return copy_from_kernel_nofault(dst, (void *)(unsigned long)uaddr, len) ? -EFAULT : 0;
	return copy_from_user(dst, u64_to_user_ptr(uaddr), len) ? -EFAULT : 0;
}

int kx_copy_to_user(unsigned long long uaddr, const void *src, unsigned long len)
{
	if (kvm_ext_kernel_uaccess()) {
		memcpy((void *)(unsigned long)uaddr, src, len);
		return 0;
	}
	return copy_to_user(u64_to_user_ptr(uaddr), src, len) ? -EFAULT : 0;
}

int kx_user_page_map(unsigned long long uaddr, int write, void **kaddr, void **handle)
{
	struct page *page;

	if (kvm_ext_kernel_uaccess()) {
		*kaddr = (void *)(unsigned long)uaddr;
		*handle = NULL;
		return 0;
	}
	/* The core's page is the host's (abi_check.c). */
	if (uaddr != (unsigned long)uaddr || !PAGE_ALIGNED(uaddr) ||
	    !access_ok(u64_to_user_ptr(uaddr), PAGE_SIZE))
		return -EFAULT;
	if (pin_user_pages_fast(uaddr, 1, write ? FOLL_WRITE : 0, &page) != 1)
		return -EFAULT;
	/*
	 * A table walk keeps several pages mapped and lets them go in any
	 * order, which kmap_local_page() forbids: page_address(), on a kernel
	 * without highmem (every 64-bit one).
	 */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_HIGHMEM));
	*kaddr = page_address(page);
	*handle = page;
	return 0;
}

void kx_user_page_unmap(void *handle, int dirty)
{
	struct page *page = handle;

	if (page)
		unpin_user_pages_dirty_lock(&page, 1, dirty);
}

int kx_in_compat_syscall(void)
{
	return in_compat_syscall();
}

int kx_user_range_ok(unsigned long long uaddr, unsigned long long len)
{
	if (uaddr != (unsigned long)uaddr || len != (unsigned long)len)
		return 0;
	/* KUnit: a memslot over kernel memory, as the copies above allow. */
	if (kvm_ext_kernel_uaccess())
		return 1;
	return access_ok(u64_to_user_ptr(uaddr), len);
}

unsigned int kx_num_online_cpus(void)
{
	return num_online_cpus();
}

unsigned long long kx_now_ns(void)
{
	return ktime_get_ns();
}

int kx_current_pid(void)
{
	return task_pid_nr(current);
}

int kx_file_get(int fd, void **file)
{
	struct file *f = fget(fd);

	if (!f)
		return -EBADF;
	*file = f;
	return 0;
}

void kx_file_put(void *file)
{
	fput(file);
}

/*
 * A VFIO group file, as KVM's kvm_vfio_file_is_group(): asked of the vfio
 * module through symbol_get() so that kvm_ext does not depend on it. No
 * vfio loaded means no file can be a group.
 */
int kx_file_is_vfio_group(void *file)
{
	bool (*fn)(struct file *file);
	bool ret;

	fn = symbol_get(vfio_file_is_group);
	if (!fn)
		return 0;
	ret = fn(file);
	symbol_put(vfio_file_is_group);
	return ret;
}

int kx_owner_use_mm(void *owner)
{
	struct mm_struct *mm = owner;

	if (current->mm || !(current->flags & PF_KTHREAD) || !mmget_not_zero(mm))
		return 0;
	kthread_use_mm(mm);
	return 1;
}

void kx_owner_unuse_mm(void *owner)
{
	kthread_unuse_mm(owner);
	mmput(owner);
}

void kx_owner_put(void *owner)
{
	mmdrop(owner);
}

void kx_panic(const char *msg)
{
	panic("kvm_ext: %s\n", msg);
}

void kx_trace_guest_access(unsigned int vcpu_id, unsigned int kind,
			   unsigned long long addr, unsigned int len,
			   int is_write, int handled_by)
{
	trace_kvm_ext_guest_access(vcpu_id, kind, addr, len, is_write,
				   handled_by);
}

void kx_trace_irq_line(unsigned int irq, unsigned int level, int ret)
{
	trace_kvm_ext_irq_line(irq, level, ret);
}

void kx_trace_signal_msi(unsigned int devid, unsigned int data, int ret)
{
	trace_kvm_ext_signal_msi(devid, data, ret);
}

/*
 * The C++ core has pure virtual functions; a call through one means a
 * broken object. The C++ ABI names this hook.
 */
void __cxa_pure_virtual(void);
void __cxa_pure_virtual(void)
{
	BUG();
}
