// SPDX-License-Identifier: GPL-2.0
// ioeventfds (api.rst 4.59, KVM_IOEVENTFD): a guest store to a registered
// address signals an eventfd instead of exiting to the VMM, as
// virt/kvm/eventfd.c. Every architecture has the ioctl (6.1's
// kvm_vm_ioctl() has it unconditionally).
//
// An ioeventfd sits on one of three buses, from its flags as 6.1's
// ioeventfd_bus_from_flags(): PIO, else VIRTIO_CCW_NOTIFY, else MMIO. Only
// the MMIO bus is written here (a guest store that misses RAM); the PIO
// bus is x86's and the CCW notify bus s390's DIAGNOSE 0x500, neither of
// which a kvm_ext guest issues, so ioeventfds there are kept, collide and
// are deassigned as in 6.1, and never fire.
//
// A VM's ioeventfds are an IoeventfdSet, kept by the Vm under slots_lock
// (as kvm->ioeventfds and the io buses are under kvm->slots_lock). Each
// holds a reference on its eventfd until it is deassigned or the VM goes.
// A store signals the eventfd with slots_lock held, so a deassign that
// took the lock knows no store still uses what it drops.
#pragma once

#include <kvm_ext/abi.h>
#include <kx/result.h>
#include <kx/types.h>
#include <kx/vector.h>

namespace kvm {

class Vm;

// struct kvm_ioeventfd
struct IoeventfdArgs {
  u64 datamatch;
  u64 addr;
  u32 len;
  s32 fd;
  u32 flags;
  u8 pad[36];
};
static_assert(sizeof(IoeventfdArgs) == 64);

// 6.1's enum kvm_bus, for the buses an ioeventfd may be on (its
// KVM_FAST_MMIO_BUS copy of a length-0 MMIO ioeventfd is x86's fast path
// and changes nothing anyone sees, so it has no counterpart here).
enum class IoeventfdBus : u8 { kMmio, kPio, kCcwNotify };

struct Ioeventfd {
  u64 addr;
  u64 datamatch;  // when not wildcard
  void* eventfd;  // referenced
  u32 len;        // 0: any length
  IoeventfdBus bus;
  bool wildcard;  // no KVM_IOEVENTFD_FLAG_DATAMATCH
};

// The ioeventfds of a VM, sorted by bus and address. It takes no lock: the
// VM's slots_lock guards it (Vm::ioeventfds()).
class IoeventfdSet {
 public:
  IoeventfdSet() = default;
  IoeventfdSet(const IoeventfdSet&) = delete;
  IoeventfdSet& operator=(const IoeventfdSet&) = delete;
  // kvm_io_bus_destroy(): every eventfd reference dropped.
  ~IoeventfdSet();

  // ioeventfd_check_collision(): one already there on p's bus at p's
  // address would match a store that p matches.
  bool collides(const Ioeventfd& p) const;
  // Takes over p's eventfd reference on success; -ENOMEM.
  kx::Status add(const Ioeventfd& p);
  // kvm_deassign_ioeventfd_idx()'s match: the one ioeventfd of that bus,
  // eventfd, address, length and datamatch rule goes, and its eventfd
  // reference with it. False if there is none.
  bool remove(const Ioeventfd& p);
  // kvm_io_bus_write() on the MMIO bus, for its ioeventfds: the one whose
  // address, length and data rule a store of `len` bytes of `data` at
  // `addr` meets is signalled. False if none is.
  bool write(u64 addr, u32 len, u64 data) const;
  usize size() const { return items_.size(); }

 private:
  // The first ioeventfd at (bus, addr) or after it.
  usize lower_bound(IoeventfdBus bus, u64 addr) const;

  kx::Vector<Ioeventfd> items_;
};

// kvm_ioeventfd(): KVM_IOEVENTFD, assign or deassign, in 6.1's order of
// checks.
kx::Status ioeventfd(Vm& vm, const IoeventfdArgs& args);

}  // namespace kvm
