// SPDX-License-Identifier: GPL-2.0
// Locks over the platform's: the kernel's mutex and spinlock (so lockdep
// sees every core lock) or pthreads on the host. A LockClass is static
// storage naming one kind of lock for lockdep.
//
// The KX_ annotations are clang's thread-safety attributes (g++, which
// builds the module, ignores them). `make check`'s static checks run
// clang's -Wthread-safety over the core and fail on any finding: a field
// used without the lock its KX_GUARDED_BY names, a call without the locks
// its KX_REQUIRES names, a lock taken in the wrong order against a
// KX_ACQUIRED_AFTER (one object's locks only).
#pragma once

#include <kvm_ext/platform.h>

#include "types.h"

#if defined(__clang__)
#define KX_CAPABILITY(x) __attribute__((capability(x)))
#define KX_GUARDED_BY(x) __attribute__((guarded_by(x)))
#define KX_PT_GUARDED_BY(x) __attribute__((pt_guarded_by(x)))
#define KX_ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define KX_RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#define KX_TRY_ACQUIRE(...) __attribute__((try_acquire_capability(__VA_ARGS__)))
#define KX_REQUIRES(...) __attribute__((requires_capability(__VA_ARGS__)))
#define KX_EXCLUDES(...) __attribute__((locks_excluded(__VA_ARGS__)))
#define KX_ACQUIRED_AFTER(...) __attribute__((acquired_after(__VA_ARGS__)))
#define KX_SCOPED_CAPABILITY __attribute__((scoped_lockable))
#define KX_NO_THREAD_SAFETY_ANALYSIS __attribute__((no_thread_safety_analysis))
#else
#define KX_CAPABILITY(x)
#define KX_GUARDED_BY(x)
#define KX_PT_GUARDED_BY(x)
#define KX_ACQUIRE(...)
#define KX_RELEASE(...)
#define KX_TRY_ACQUIRE(...)
#define KX_REQUIRES(...)
#define KX_EXCLUDES(...)
#define KX_ACQUIRED_AFTER(...)
#define KX_SCOPED_CAPABILITY
#define KX_NO_THREAD_SAFETY_ANALYSIS
#endif

namespace kx {

using LockClass = kx_lock_class;

// A lockdep class per kind of lock: KX_LOCK_CLASS(vm_lock) in one source.
#define KX_LOCK_CLASS(ident) kx::LockClass ident##_class = {{}, "kvm_ext." #ident}

class KX_CAPABILITY("mutex") Mutex {
 public:
  explicit Mutex(LockClass* cls) { kx_mutex_init(&m_, cls); }
  ~Mutex() { kx_mutex_destroy(&m_); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() KX_ACQUIRE() { kx_mutex_lock(&m_); }
  // 0, or -EINTR when a fatal signal interrupted the wait.
  int lock_killable() KX_TRY_ACQUIRE(0) { return kx_mutex_lock_killable(&m_); }
  bool try_lock() KX_TRY_ACQUIRE(true) { return kx_mutex_trylock(&m_) != 0; }
  void unlock() KX_RELEASE() { kx_mutex_unlock(&m_); }
  bool is_locked() { return kx_mutex_is_locked(&m_) != 0; }

 private:
  kx_mutex m_;
};

class KX_CAPABILITY("spinlock") SpinLock {
 public:
  explicit SpinLock(LockClass* cls) { kx_spin_init(&s_, cls); }
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

  void lock() KX_ACQUIRE() { kx_spin_lock(&s_); }
  void unlock() KX_RELEASE() { kx_spin_unlock(&s_); }
  // With local interrupts off: for a lock also taken where interrupts are
  // (an irqfd's wakeup runs from the eventfd's hard-IRQ-safe wait queue).
  unsigned long lock_irqsave() KX_ACQUIRE() { return kx_spin_lock_irqsave(&s_); }
  void unlock_irqrestore(unsigned long flags) KX_RELEASE() {
    kx_spin_unlock_irqrestore(&s_, flags);
  }

 private:
  kx_spinlock s_;
};

template <typename L>
class KX_SCOPED_CAPABILITY Guard {
 public:
  explicit Guard(L* lock) KX_ACQUIRE(lock) : lock_(lock) { lock_->lock(); }
  ~Guard() KX_RELEASE() { lock_->unlock(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  L* lock_;
};

class KX_SCOPED_CAPABILITY IrqSaveGuard {
 public:
  explicit IrqSaveGuard(SpinLock* lock) KX_ACQUIRE(lock)
      : lock_(lock), flags_(lock->lock_irqsave()) {}
  ~IrqSaveGuard() KX_RELEASE() { lock_->unlock_irqrestore(flags_); }
  IrqSaveGuard(const IrqSaveGuard&) = delete;
  IrqSaveGuard& operator=(const IrqSaveGuard&) = delete;

 private:
  SpinLock* lock_;
  unsigned long flags_;
};

class WaitQueue {
 public:
  WaitQueue() { kx_waitq_init(&wq_); }
  ~WaitQueue() { kx_waitq_destroy(&wq_); }
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  // 0 when cond() became true, -EINTR on a pending signal.
  template <typename F>
  int wait(F* cond) {
    return kx_waitq_wait(
        &wq_, [](void* ctx) -> int { return (*static_cast<F*>(ctx))() ? 1 : 0; }, cond);
  }
  void wake_all() { kx_waitq_wake_all(&wq_); }

 private:
  kx_waitq wq_;
};

}  // namespace kx
