// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's input (input.cpp): the byte decoder, and the
// selectors the areas share (fds, VM types, slots, addresses, vCPU ids,
// attribute structs). A selector reads a mode byte, then what that mode
// needs; gen-seeds.py writes its seeds by these functions.

#ifndef SPINE_INPUT_H
#define SPINE_INPUT_H

#include "state.h"

namespace spine {

// The input's bytes, read in order; a short input reads as zeros.
class Input {
 public:
  Input(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool empty() const { return n_ == 0; }
  uint8_t u8() {
    if (!n_) return 0;
    n_--;
    return *p_++;
  }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return u16() | (static_cast<uint32_t>(u16()) << 16); }
  uint64_t u64() { return u32() | (static_cast<uint64_t>(u32()) << 32); }

 private:
  const uint8_t* p_;
  size_t n_;
};

// An open fd of the table, chosen by `b`: a VM's (alive, fd open), any
// vCPU's, any device's; -1 when there is none.
int pick_vm(uint8_t b);
int pick_vcpu(uint8_t b);
int pick_dev(uint8_t b);

// The k-th slot of a VM (by id, modulo their number), its id in *id.
const SlotModel* nth_slot(const VmModel* v, uint8_t k, uint16_t* id);
uint64_t ram_base();

unsigned long vm_type_sel(Input& in);
uint32_t slot_sel(Input& in, const Arch& a);
uint32_t mem_flags_sel(Input& in);
uint64_t slot_gpa_sel(Input& in, const VmModel* v);
uint64_t slot_size_sel(Input& in, const VmModel* v);
uint64_t uaddr_sel(Input& in, const VmModel* v);
uint64_t access_gpa_sel(Input& in, const VmModel* v);
uint32_t vcpu_id_sel(Input& in, const Arch& a);
int fd_sel(Input& in);
// One of the harness's "VFIO group" fds (g_group_fds).
bool is_group_fd(int fd);

// struct kvm_device_attr in "user memory", and what it points to.
struct AttrSpec {
  unsigned long long uattr;
  bool uattr_faults;
  kx_attr a;
  bool payload_faults;  // for any copy of 1..8 bytes
};

// The harness's "user memory" for attribute structs and payloads.
alignas(64) extern uint8_t g_user[1024];
constexpr size_t kPayloadOffset = 512;

AttrSpec attr_sel(Input& in);
void place_uattr(AttrSpec& s, uint8_t um);
// "SET", "GET" or "HAS" (a kx_attr_op), for the trace.
const char* op_name(int op);

}  // namespace spine

#endif  // SPINE_INPUT_H
