// SPDX-License-Identifier: GPL-2.0
// The in-kernel MMIO bus: devices register guest-physical regions; a guest
// access that misses RAM is offered here before it exits to user space.
#pragma once

#include <kx/result.h>
#include <kx/vector.h>

namespace kvm {

class Vcpu;

// A region's handler. Offsets are relative to the region's base; data is
// little-endian in the low `len` bytes. A handler that answers
// kx::kEOPNOTSUPP declines the access (a device's read or write that
// fails in kvm_io_bus_read/write()): it exits to user space as an access
// no device claims.
class IoHandler {
 public:
  virtual kx::Status read(Vcpu& vcpu, u64 offset, u32 len, u64* data) = 0;
  virtual kx::Status write(Vcpu& vcpu, u64 offset, u32 len, u64 data) = 0;

 protected:
  ~IoHandler() = default;
};

// Bounded as KVM's NR_IOBUS_DEVS.
constexpr usize kMaxIoRegions = 1000;

class IoBus {
 public:
  struct Region {
    u64 base;
    u64 size;
    IoHandler* handler;
  };

  // -EEXIST on overlap, -ENOSPC past kMaxIoRegions, -EINVAL on a wrap.
  kx::Status add(u64 base, u64 size, IoHandler* handler);
  void remove(IoHandler* handler);
  // The handler's region at `base` alone.
  void remove(IoHandler* handler, u64 base);
  // The region holding [addr, addr + len), or null.
  const Region* find(u64 addr, u32 len) const;
  usize size() const { return regions_.size(); }

 private:
  kx::Vector<Region> regions_;  // sorted by base, disjoint
};

}  // namespace kvm
