// SPDX-License-Identifier: GPL-2.0
// Allocation that reports failure, as Zircon's fbl::AllocChecker:
//
//   kx::AllocChecker ac;
//   auto* vm = new (&ac) Vm(...);
//   if (!ac.check()) return kx::error(kx::kENOMEM);
//
// Memory comes from kx_alloc() (kvzalloc with __GFP_ACCOUNT in the kernel),
// is zeroed, and goes back through kx::destroy(). There is no global
// operator new or delete in the core.
#pragma once

#include <kvm_ext/platform.h>

#include "types.h"

namespace kx {

class AllocChecker {
 public:
  AllocChecker() = default;
  // An allocation whose result nobody checked is a bug even when it
  // succeeded (the failure path was never written): trap, as Zircon does.
  ~AllocChecker() {
    if (armed_) kx_panic("kx::AllocChecker: allocation result not checked");
  }
  AllocChecker(const AllocChecker&) = delete;
  AllocChecker& operator=(const AllocChecker&) = delete;

  void arm(bool ok) {
    if (armed_) kx_panic("kx::AllocChecker: armed twice without a check");
    armed_ = true;
    ok_ = ok;
  }
  [[nodiscard]] bool check() {
    armed_ = false;
    return ok_;
  }

 private:
  bool armed_ = false;
  bool ok_ = false;
};

template <typename T>
void destroy(T* object) {
  if (!object) return;
  object->~T();
  kx_free(object);
}

// An array of trivially constructible T, zeroed; nullptr on failure.
template <typename T>
T* alloc_array(usize count) {
  if (count != 0 && sizeof(T) > static_cast<usize>(-1) / count) return nullptr;
  return static_cast<T*>(kx_alloc(sizeof(T) * count));
}

template <typename T>
void free_array(T* array) {
  kx_free(array);
}

// Owns one object; destroys it unless released.
template <typename T>
class Owned {
 public:
  Owned() = default;
  explicit Owned(T* p) : p_(p) {}
  Owned(Owned&& o) : p_(o.release()) {}
  Owned& operator=(Owned&& o) {
    reset(o.release());
    return *this;
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { reset(); }

  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  T* release() {
    T* p = p_;
    p_ = nullptr;
    return p;
  }
  void reset(T* p = nullptr) {
    T* old = p_;
    p_ = p;
    destroy(old);
  }

 private:
  T* p_ = nullptr;
};

}  // namespace kx

inline void* operator new(usize size, kx::AllocChecker* ac) noexcept {
  void* p = kx_alloc(size);
  ac->arm(p != nullptr);
  return p;
}
