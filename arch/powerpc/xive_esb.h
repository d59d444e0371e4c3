// SPDX-License-Identifier: GPL-2.0
// A XIVE event state buffer's PQ bits (asm/xive-regs.h's XIVE_ESB_VAL_P
// and _Q) and what the ESB operations do to them, as the XIVE
// architecture defines them: P says an event was notified and not yet
// EOI'd, Q that another came meanwhile; PQ 01 is "off" and drops every
// trigger. Every XIVE source kvm_ext models is one of these.
#ifndef KVM_EXT_ARCH_POWERPC_XIVE_ESB_H
#define KVM_EXT_ARCH_POWERPC_XIVE_ESB_H

#include <kx/types.h>

namespace kvm {
namespace ppc {

class EsbPq {
 public:
  static constexpr u8 kP = 2, kQ = 1;  // XIVE_ESB_VAL_P, XIVE_ESB_VAL_Q
  static constexpr u8 k00 = 0, kOff = kQ, k10 = kP, k11 = kP | kQ;

  u8 bits() const { return bits_; }
  bool p() const { return bits_ & kP; }
  bool q() const { return bits_ & kQ; }

  // A trigger (a store to the trigger page): 00 becomes 10 and the event
  // is notified (true); 10 becomes 11; 11 and 01 stay.
  [[nodiscard]] bool trigger() {
    if (bits_ == k00) {
      bits_ = k10;
      return true;
    }
    if (bits_ == k10) bits_ = k11;
    return false;
  }

  // The EOI load: PQ 00; true if Q was set, when the event is to be
  // triggered again.
  [[nodiscard]] bool eoi() {
    const bool again = q();
    bits_ = k00;
    return again;
  }

  // The SET_PQ_xy loads: the old bits, the new ones set.
  u8 set(u8 pq) {
    const u8 old = bits_;
    bits_ = pq & k11;
    return old;
  }

 private:
  u8 bits_ = k00;
};

}  // namespace ppc
}  // namespace kvm

#endif  // KVM_EXT_ARCH_POWERPC_XIVE_ESB_H
