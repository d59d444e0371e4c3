// SPDX-License-Identifier: GPL-2.0
// The arm64 ONE_REG id space (arm64 uapi asm/kvm.h, api.rst 4.68): the
// fields of a register id and the blocks by coprocessor number.
#pragma once

#include <kvm_ext/platform.h>
#include <kx/result.h>
#include <kx/types.h>

namespace kvm {
namespace arm64 {

constexpr u64 kRegArm64 = 0x6000000000000000ull;
constexpr u64 kRegArchMask = 0xff00000000000000ull;
constexpr u64 kRegSizeMask = 0x00f0000000000000ull;
constexpr u64 kRegSizeShift = 52;
constexpr u64 kRegSizeU32 = 0x0020000000000000ull;
constexpr u64 kRegSizeU64 = 0x0030000000000000ull;
constexpr u64 kRegSizeU128 = 0x0040000000000000ull;
constexpr u64 kRegSizeU256 = 0x0050000000000000ull;
constexpr u64 kRegSizeU512 = 0x0060000000000000ull;
constexpr u64 kRegSizeU2048 = 0x0080000000000000ull;
constexpr u64 kRegCoprocMask = 0x000000000fff0000ull;
constexpr u64 kRegCore = 0x10ull << 16;
constexpr u64 kRegDemux = 0x11ull << 16;
constexpr u64 kRegSysreg = 0x13ull << 16;
constexpr u64 kRegFw = 0x14ull << 16;
constexpr u64 kRegSve = 0x15ull << 16;
constexpr u64 kRegFwFeatBmap = 0x16ull << 16;

// KVM_REG_ARM64_SYSREG: Op0:2 Op1:3 CRn:4 CRm:4 Op2:3 in the low 16 bits.
constexpr u16 sysreg_enc(u32 op0, u32 op1, u32 crn, u32 crm, u32 op2) {
  return static_cast<u16>(op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2);
}
constexpr u64 sysreg_id(u16 enc) { return kRegArm64 | kRegSizeU64 | kRegSysreg | enc; }

inline kx::Status put_user_u64(u64 uaddr, u64 v) {
  return kx_copy_to_user(uaddr, &v, sizeof(v)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

}  // namespace arm64
}  // namespace kvm
