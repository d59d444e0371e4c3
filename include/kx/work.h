// SPDX-License-Identifier: GPL-2.0
// Deferred work in process context (the platform's workqueue): for what an
// atomic-context caller (an eventfd's wakeup) must leave to a thread that
// may sleep.
#pragma once

#include <kvm_ext/platform.h>

#include "lock.h"

namespace kx {

class Work {
 public:
  Work(void (*fn)(void* arg), void* arg, LockClass* cls) { kx_work_init(&work_, fn, arg, cls); }
  Work(const Work&) = delete;
  Work& operator=(const Work&) = delete;

  // Any context; a no-op while queued.
  void queue() { kx_work_queue(&work_); }
  // Until it is neither queued nor running; may sleep.
  void flush() { kx_work_flush(&work_); }

 private:
  kx_work work_;
};

// Until everything queued so far has run; may sleep.
inline void flush_all_work() { kx_work_flush_all(); }

}  // namespace kx
