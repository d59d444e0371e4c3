// SPDX-License-Identifier: GPL-2.0
#include "personality.h"

namespace kvm {

const Personality* personality(kx_personality id) {
  switch (id) {
    case KX_ARM64:
      return &kArm64Personality;
    case KX_PPC:
      return &kPpcPersonality;
    case KX_S390:
      return &kS390Personality;
    default:
      return nullptr;
  }
}

// KVM_CHECK_EXTENSION: the personality's table is the whole answer; a
// capability kvm_ext does not implement is absent and answers 0.
long check_extension(const Personality& p, const Vm* vm, long cap) {
  for (usize i = 0; i < p.ncaps; i++) {
    const CapRow& row = p.caps[i];
    if (row.cap == cap) return row.query ? row.query(vm) : row.value;
  }
  return 0;
}

}  // namespace kvm
