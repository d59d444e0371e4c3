// SPDX-License-Identifier: GPL-2.0
// Bitmaps of u64 words in the layout of the kernel's unsigned long bitmaps
// on a 64-bit little-endian host, which is also the layout KVM copies to
// user space (bit n of the log is bit n % 64 of word n / 64).
#pragma once

#include "alloc.h"
#include "types.h"

namespace kx {

constexpr usize kBitsPerWord = 64;

// Without -mpopcnt (the kernel's flags) __builtin_popcountll becomes a
// libgcc call that no module can link: count bits by hand.
constexpr u32 popcount(u64 x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<u32>((x * 0x0101010101010101ull) >> 56);
}

constexpr usize bitmap_words(u64 bits) {
  return static_cast<usize>((bits + kBitsPerWord - 1) / kBitsPerWord);
}

// An owned, fixed-size bitmap whose words may be updated concurrently by
// atomic set/clear while a reader snapshots them with exchange().
class Bitmap {
 public:
  Bitmap() = default;
  Bitmap(const Bitmap&) = delete;
  Bitmap& operator=(const Bitmap&) = delete;
  ~Bitmap() { free_array(words_); }

  // Allocates `bits` zeroed bits (or all ones when `set`). Fails cleanly.
  [[nodiscard]] bool init(u64 bits, bool set = false) {
    if (bits == 0) {
      reset();
      return true;
    }
    u64* words = alloc_array<u64>(bitmap_words(bits));
    if (!words) return false;
    free_array(words_);
    words_ = words;
    bits_ = bits;
    if (set) set_all();
    return true;
  }

  void swap(Bitmap& other) {
    u64* w = words_;
    u64 b = bits_;
    words_ = other.words_;
    bits_ = other.bits_;
    other.words_ = w;
    other.bits_ = b;
  }

  void reset() {
    free_array(words_);
    words_ = nullptr;
    bits_ = 0;
  }

  u64 bits() const { return bits_; }
  usize words() const { return bitmap_words(bits_); }
  u64* data() { return words_; }
  const u64* data() const { return words_; }
  bool allocated() const { return words_ != nullptr; }

  bool test(u64 bit) const {
    return (__atomic_load_n(&words_[bit / kBitsPerWord], __ATOMIC_RELAXED) >>
            (bit % kBitsPerWord)) &
           1;
  }
  void set(u64 bit) { __atomic_fetch_or(&words_[bit / kBitsPerWord], mask(bit), __ATOMIC_RELAXED); }
  // Sets the bit; returns whether it was set before.
  bool test_and_set(u64 bit) {
    return __atomic_fetch_or(&words_[bit / kBitsPerWord], mask(bit), __ATOMIC_RELAXED) & mask(bit);
  }
  void clear(u64 bit) {
    __atomic_fetch_and(&words_[bit / kBitsPerWord], ~mask(bit), __ATOMIC_RELAXED);
  }
  // Atomically clears the bits of `m` in word `w`; returns the bits that were set.
  u64 clear_word_mask(usize w, u64 m) {
    return __atomic_fetch_and(&words_[w], ~m, __ATOMIC_ACQ_REL) & m;
  }
  // Atomically takes word `w`, leaving it zero.
  u64 take_word(usize w) { return __atomic_exchange_n(&words_[w], 0, __ATOMIC_ACQ_REL); }

  void set_all() {
    for (usize w = 0; w < words(); w++) words_[w] = ~0ull;
    trim_tail();
  }
  void clear_all() {
    for (usize w = 0; w < words(); w++) words_[w] = 0;
  }
  u64 count() const {
    u64 n = 0;
    for (usize w = 0; w < words(); w++) n += popcount(words_[w]);
    return n;
  }

 private:
  static u64 mask(u64 bit) { return 1ull << (bit % kBitsPerWord); }
  // Bits past the end stay zero so that count() and copies are exact.
  void trim_tail() {
    const u64 tail = bits_ % kBitsPerWord;
    if (tail) words_[words() - 1] &= (1ull << tail) - 1;
  }

  u64* words_ = nullptr;
  u64 bits_ = 0;
};

}  // namespace kx
