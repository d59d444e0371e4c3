// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's memory slots: KVM_SET_USER_MEMORY_REGION against the
// model's slots (memslot.cpp).

#ifndef SPINE_MEMSLOT_H
#define SPINE_MEMSLOT_H

#include "input.h"

namespace spine {

void op_set_mem(Input& in);

}  // namespace spine

#endif  // SPINE_MEMSLOT_H
