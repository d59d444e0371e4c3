// SPDX-License-Identifier: GPL-2.0
// Atomics from the compiler's builtins: they are freestanding, and on x86-64
// they compile to the same lock-prefixed instructions as the kernel's own.
#pragma once

#include "types.h"

namespace kx {

template <typename T>
class Atomic {
 public:
  constexpr Atomic() = default;
  constexpr explicit Atomic(T v) : value_(v) {}
  T load() const { return __atomic_load_n(&value_, __ATOMIC_ACQUIRE); }
  T load_relaxed() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }
  void store(T v) { __atomic_store_n(&value_, v, __ATOMIC_RELEASE); }
  T fetch_add(T v) { return __atomic_fetch_add(&value_, v, __ATOMIC_ACQ_REL); }
  T fetch_sub(T v) { return __atomic_fetch_sub(&value_, v, __ATOMIC_ACQ_REL); }
  T fetch_or(T v) { return __atomic_fetch_or(&value_, v, __ATOMIC_ACQ_REL); }
  T fetch_and(T v) { return __atomic_fetch_and(&value_, v, __ATOMIC_ACQ_REL); }
  T exchange(T v) { return __atomic_exchange_n(&value_, v, __ATOMIC_ACQ_REL); }
  bool compare_exchange(T& expected, T desired) {
    return __atomic_compare_exchange_n(&value_, &expected, desired, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
  }

 private:
  T value_{};
};

}  // namespace kx
