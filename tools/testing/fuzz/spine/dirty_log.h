// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's dirty logging (dirty_log.cpp).

#ifndef SPINE_DIRTY_LOG_H
#define SPINE_DIRTY_LOG_H

#include "input.h"

namespace spine {

// The user bitmap's words for a slot of `npages`.
uint64_t log_words(uint64_t npages);
// A slot's log turned on (as the VM's KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2
// says), or off.
void log_enable(const VmModel& v, SlotModel& s);
void log_disable(SlotModel& s);

void op_enable_cap(Input& in);
void op_get_dirty_log(Input& in);
void op_clear_dirty_log(Input& in);

// At the end of an input: every log the model tracks, read and compared.
void audit_dirty_logs();

}  // namespace spine

#endif  // SPINE_DIRTY_LOG_H
