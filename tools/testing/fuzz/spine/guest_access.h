// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's guest accesses (guest_access.cpp): what the guest's
// loads, stores, system register accesses and hypercalls reach.

#ifndef SPINE_GUEST_ACCESS_H
#define SPINE_GUEST_ACCESS_H

#include "input.h"

namespace spine {

// An access the in-kernel GIC takes (vgic_regs.cpp): a
// frame on the MMIO bus, the offset in it, and for a v3 redistributor
// its vCPU's index in the GIC (-1: the frame banks by the accessing vCPU).
struct GicTarget {
  int frame = -1;
  uint32_t off = 0;
  int cpu = -1;
};
// What a guest write's read-back needs read first.
struct GicPre {
  uint64_t before = 0, ctlr = 0;
};

struct AccessPlan {
  int err;
  uint32_t result;
  bool unsafe;    // would touch host memory outside the arena: not issued
  uint64_t host;  // KX_ACCESS_RESULT_RAM: where
  uint16_t slot;  // ... in which slot
  uint64_t page;  // ... and which of its pages
  GicTarget gic;  // KX_ACCESS_RESULT_KERNEL, KX_ACCESS_MEM: where
};

// KVM_EXT_GUEST_ACCESS as the model sees it (guest_access.cpp).
AccessPlan plan_access(const VmModel& v, const kx_guest_access& acc);

// A page of the arena the input touched (given back at its end).
void touch(uint64_t host);

constexpr unsigned kResultSentinel = 0xdeadbeef;

// One access, issued only when the model says it stays in the arena, and
// checked against the model in full.
void guest_access(const VcpuFd& c, unsigned kind, unsigned flags, uint64_t addr, unsigned len,
                  uint64_t data, const char* what);

// A load probe, compared before and after a call that must not change
// what the guest sees.
struct Probe {
  bool done;
  int r;
  uint32_t result;
  uint64_t data;
  uint8_t exit_set;
  uint32_t reason;
  uint64_t mmio_addr;
  bool operator==(const Probe& o) const {
    return done == o.done && r == o.r && result == o.result && data == o.data &&
           exit_set == o.exit_set && reason == o.reason && mmio_addr == o.mmio_addr;
  }
};

Probe probe(const VcpuFd* c, uint64_t gpa);

// An open vCPU fd of VM vi, if any.
const VcpuFd* vcpu_fd_of_vm(int vi);

void op_guest_access(Input& in);

}  // namespace spine

#endif  // SPINE_GUEST_ACCESS_H
