// SPDX-License-Identifier: GPL-2.0
// Errors as values: every fallible call in the core returns a Status (0 or a
// negative errno) or a Result<T>; [[nodiscard]] makes ignoring one a build
// error (-Werror in both builds).
#pragma once

#include <kvm_ext/platform.h>

#include "errno.h"
#include "types.h"

namespace kx {

class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  static constexpr Status ok() { return Status(); }
  static constexpr Status error(Errno e) { return Status(-static_cast<int>(e)); }
  // From a value already in the kernel's form (0 or -errno).
  static constexpr Status from_raw(int raw) { return Status(raw > 0 ? -raw : raw); }

  constexpr bool is_ok() const { return code_ == 0; }
  constexpr bool is_error() const { return code_ != 0; }
  // 0 or a negative errno, as an ioctl returns it.
  constexpr int raw() const { return code_; }
  constexpr bool operator==(const Status& o) const { return code_ == o.code_; }
  constexpr bool operator!=(const Status& o) const { return code_ != o.code_; }
  constexpr Status error() const { return *this; }

 private:
  constexpr explicit Status(int code) : code_(code) {}
  int code_ = 0;
};

constexpr Status error(Errno e) { return Status::error(e); }

// Either a T or an error, never both: T needs no default constructor, and
// an error is the only Status a Result can be made from.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : status_() { new (&value_) T(value); }
  Result(T&& value) : status_() { new (&value_) T(move(value)); }
  Result(Status status) : status_(status) {
    if (status.is_ok()) kx_panic("kx::Result made from a success Status");
  }
  Result(Errno e) : status_(Status::error(e)) {}
  // A Result of a trivially copyable T (an int, a pointer, a plain
  // struct) is itself trivially copyable, so it travels in registers as
  // the old value-plus-status pair did; others copy and destroy the T.
  Result(const Result& o) requires(__is_trivially_copyable(T)) = default;
  Result(const Result& o) : status_(o.status_) {
    if (o.is_ok()) new (&value_) T(o.value_);
  }
  Result(Result&& o) requires(__is_trivially_copyable(T)) = default;
  Result(Result&& o) : status_(o.status_) {
    if (o.is_ok()) new (&value_) T(move(o.value_));
  }
  Result& operator=(const Result& o) requires(__is_trivially_copyable(T)) = default;
  Result& operator=(const Result& o) {
    if (this != &o) {
      this->~Result();
      new (this) Result(o);
    }
    return *this;
  }
  Result& operator=(Result&& o) requires(__is_trivially_copyable(T)) = default;
  Result& operator=(Result&& o) {
    if (this != &o) {
      this->~Result();
      new (this) Result(move(o));
    }
    return *this;
  }
  ~Result() requires(__is_trivially_copyable(T)) = default;
  ~Result() {
    if (is_ok()) value_.~T();
  }

  bool is_ok() const { return status_.is_ok(); }
  bool is_error() const { return status_.is_error(); }
  Status error() const { return status_; }
  T& value() { return checked(), value_; }
  const T& value() const { return checked(), value_; }
  T release_value() { return move(value()); }

 private:
  void checked() const {
    if (is_error()) kx_panic("kx::Result: value() of an error");
  }

  union {
    T value_;
  };
  Status status_;
};

}  // namespace kx

// Propagates an error out of the calling function; yields the value of a
// Result otherwise. A GNU statement expression, as SerenityOS's TRY.
#define KX_TRY(expr)                            \
  ({                                            \
    auto _kx_try_result = (expr);               \
    if (_kx_try_result.is_error()) [[unlikely]] \
      return _kx_try_result.error();            \
    kx::TryValue(kx::move(_kx_try_result));     \
  })

namespace kx {
inline void TryValue(Status&&) {}
template <typename T>
T TryValue(Result<T>&& r) {
  return r.release_value();
}
}  // namespace kx
