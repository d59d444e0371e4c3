// SPDX-License-Identifier: GPL-2.0
// A growable array of trivially copyable elements whose growth can fail.
#pragma once

#include "alloc.h"
#include "result.h"
#include "types.h"

namespace kx {

template <typename T>
class Vector {
 public:
  Vector() = default;
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;
  ~Vector() { free_array(data_); }

  usize size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](usize i) { return data_[i]; }
  const T& operator[](usize i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }

  // Makes room for `n` elements in total; nothing changes on failure.
  Status reserve(usize n) {
    if (n <= capacity_) return Status::ok();
    T* grown = alloc_array<T>(n);
    if (!grown) return error(kENOMEM);
    for (usize i = 0; i < size_; i++) grown[i] = data_[i];
    free_array(data_);
    data_ = grown;
    capacity_ = n;
    return Status::ok();
  }

  Status insert(usize at, const T& value) {
    if (size_ == capacity_) {
      Status s = reserve(capacity_ ? capacity_ * 2 : 8);
      if (s.is_error()) return s;
    }
    for (usize i = size_; i > at; i--) data_[i] = data_[i - 1];
    data_[at] = value;
    size_++;
    return Status::ok();
  }
  Status push_back(const T& value) { return insert(size_, value); }

  void erase(usize at) {
    for (usize i = at; i + 1 < size_; i++) data_[i] = data_[i + 1];
    size_--;
  }
  void pop_back() { size_--; }
  void clear() { size_ = 0; }
  void swap(Vector& other) {
    T* d = data_;
    const usize s = size_, c = capacity_;
    data_ = other.data_, size_ = other.size_, capacity_ = other.capacity_;
    other.data_ = d, other.size_ = s, other.capacity_ = c;
  }

 private:
  T* data_ = nullptr;
  usize size_ = 0;
  usize capacity_ = 0;
};

}  // namespace kx
