// SPDX-License-Identifier: GPL-2.0
// Errors as values: every fallible call in the core returns a Status (0 or a
// negative errno) or a Result<T>; [[nodiscard]] makes ignoring one a build
// error (-Werror in both builds).
#pragma once

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

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : value_(value), status_() {}
  Result(T&& value) : value_(move(value)), status_() {}
  Result(Status status) : value_(), status_(status) {
    if (status.is_ok()) status_ = Status::error(kEINVAL);
  }
  Result(Errno e) : value_(), status_(Status::error(e)) {}

  bool is_ok() const { return status_.is_ok(); }
  bool is_error() const { return status_.is_error(); }
  Status error() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T release_value() { return move(value_); }

 private:
  T value_;
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
