// SPDX-License-Identifier: GPL-2.0
// Fixed-width types and the few language-support pieces the freestanding
// core needs. Nothing here includes a libc, libstdc++ or kernel header.
#pragma once

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using s8 = __INT8_TYPE__;
using s16 = __INT16_TYPE__;
using s32 = __INT32_TYPE__;
using s64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;
using uptr = __UINTPTR_TYPE__;

namespace kx {

using size_t = __SIZE_TYPE__;
using nullptr_t = decltype(nullptr);

template <typename T>
struct RemoveReference {
  using Type = T;
};
template <typename T>
struct RemoveReference<T&> {
  using Type = T;
};
template <typename T>
struct RemoveReference<T&&> {
  using Type = T;
};

template <typename T>
constexpr typename RemoveReference<T>::Type&& move(T&& t) noexcept {
  return static_cast<typename RemoveReference<T>::Type&&>(t);
}

template <typename T>
constexpr T&& forward(typename RemoveReference<T>::Type& t) noexcept {
  return static_cast<T&&>(t);
}

template <typename T>
constexpr T min(T a, T b) {
  return a < b ? a : b;
}
template <typename T>
constexpr T max(T a, T b) {
  return a < b ? b : a;
}

template <typename T, usize N>
constexpr usize array_size(const T (&)[N]) {
  return N;
}

// True if [base, base + size) wraps around the address space.
constexpr bool range_wraps(u64 base, u64 size) { return base + size < base; }

constexpr bool is_aligned(u64 value, u64 alignment) { return (value & (alignment - 1)) == 0; }

}  // namespace kx

// Placement new: the only form of new the core uses besides the AllocChecker
// one (kx/alloc.h). A hosted translation unit (a host test that includes
// core headers) takes the standard library's identical declaration.
#if __STDC_HOSTED__
#include <new>
#else
inline void* operator new(usize, void* where) noexcept { return where; }
inline void* operator new[](usize, void* where) noexcept { return where; }
#endif
