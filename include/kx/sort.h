// SPDX-License-Identifier: GPL-2.0
// An in-place heap sort: O(n log n) whatever the input, no allocation, no
// recursion (the core has no libstdc++ and a bounded stack).
#pragma once

#include "types.h"

namespace kx {

template <typename T, typename Less>
void heap_sort(T* a, usize n, Less less) {
  auto sift_down = [&](usize root, usize end) {
    while (2 * root + 1 < end) {
      usize child = 2 * root + 1;
      if (child + 1 < end && less(a[child], a[child + 1])) child++;
      if (!less(a[root], a[child])) return;
      T tmp = a[root];
      a[root] = a[child];
      a[child] = tmp;
      root = child;
    }
  };
  for (usize i = n / 2; i-- > 0;) sift_down(i, n);
  for (usize end = n; end-- > 1;) {
    T tmp = a[0];
    a[0] = a[end];
    a[end] = tmp;
    sift_down(0, end);
  }
}

}  // namespace kx
