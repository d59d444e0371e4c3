// SPDX-License-Identifier: GPL-2.0
// Included first by every core source: nothing hosted may slip into the
// freestanding core. A use of std:: or of the throwing allocator fails to
// compile instead of failing to link in the kernel.
#pragma once

#if defined(__EXCEPTIONS) || defined(__GXX_RTTI)
#error "the kvm_ext core is built with -fno-exceptions -fno-rtti"
#endif

#pragma GCC poison std
#pragma GCC poison malloc free calloc realloc printf
