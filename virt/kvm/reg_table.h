// SPDX-License-Identifier: GPL-2.0
// Register tables: a device's memory-mapped frame as constant rows, one
// per register or per block of per-interrupt registers, each with the
// access widths the architecture allows and the guest's and userspace's
// accessors. One engine for every interrupt controller, as Linux 6.1's
// struct vgic_register_region serves the GIC's frames and the ITS alike:
// a device declares its rows, its accessors and Ctx, the access they
// receive (the device, whatever else it banks on, the offset in the frame
// and the width), and looks rows up here. Everything is inline and the
// tables constant, so a lookup compiles into the device's dispatch and an
// access costs one indirect call, the accessor's.
#pragma once

#include <kx/result.h>
#include <kx/types.h>

namespace kvm {

// A row's flags. A width's flag is its size in bytes, so that an access's
// length selects it (bit 1 would be 16 bits, which no row allows yet);
// the bits from kRegDeviceFlags up are the device's.
enum RegFlags : u8 {
  kW8 = 1,
  kW32 = 4,
  kW64 = 8,
  kUser = 1 << 4,  // reachable from userspace (the device's attribute groups)
  kRegDeviceFlags = 1 << 5,
};

template <typename Ctx>
struct MmioReg {
  using ReadFn = u64 (*)(Ctx& c, const MmioReg& r);
  using WriteFn = void (*)(Ctx& c, const MmioReg& r, u64 val);
  // Userspace writes may fail (a value the device cannot take).
  using UWriteFn = kx::Status (*)(Ctx& c, const MmioReg& r, u64 val);

  u32 offset;
  u32 len;
  u8 bits_per_irq;  // 0: not a per-interrupt block
  u8 flags;
  ReadFn read;
  WriteFn write;
  ReadFn uread;     // null: as read
  UWriteFn uwrite;  // null: as write
};

template <typename Ctx>
struct MmioTable {
  const MmioReg<Ctx>* rows;
  usize n;
};

// find_reg() stops at the first row past the offset, and a frame's
// registers do not overlap: each table is checked at build time.
template <typename Ctx, usize N>
constexpr bool sorted_disjoint(const MmioReg<Ctx> (&rows)[N]) {
  for (usize i = 1; i < N; i++) {
    if (rows[i].offset < rows[i - 1].offset + rows[i - 1].len) return false;
  }
  return true;
}

template <typename Ctx, usize N>
constexpr MmioTable<Ctx> make_table(const MmioReg<Ctx> (&rows)[N]) {
  return {rows, N};
}

// The row holding `offset`, or null (vgic_find_mmio_region()).
template <typename Ctx>
inline const MmioReg<Ctx>* find_reg(const MmioTable<Ctx>& t, u32 offset) {
  const MmioReg<Ctx>* const end = t.rows + t.n;
  for (const MmioReg<Ctx>* r = t.rows; r != end; r++) {
    if (offset < r->offset) break;
    if (offset < r->offset + r->len) return r;
  }
  return nullptr;
}

// The flag of an access `len` bytes wide (kW8...), 0 for a width no row
// can allow: a power of two up to 8 is its own flag.
constexpr u8 width_flag(u32 len) {
  return len <= 8 && !(len & (len - 1)) ? static_cast<u8>(len) : 0;
}

// The row an access of `len` bytes at `offset` reaches (check_region()):
// a width the row allows, naturally aligned, and in a per-interrupt block
// an interrupt below nr_irqs(). Anything else reaches no register, which
// the device's dispatch makes RAZ/WI, as KVM's dispatch_mmio_read/write().
// nr_irqs() is called for per-interrupt rows only: it may be an atomic
// load the other rows should not pay for.
template <typename Ctx, typename NrIrqs>
inline const MmioReg<Ctx>* access_reg(const MmioTable<Ctx>& t, u64 offset, u32 len,
                                      NrIrqs nr_irqs) {
  if (offset > 0xffffffffu) return nullptr;
  const u32 off = static_cast<u32>(offset);
  const MmioReg<Ctx>* r = find_reg(t, off);
  // A power of two: alignment is a mask, not a division.
  if (!r || !(r->flags & width_flag(len)) || (off & (len - 1))) return nullptr;
  if (r->bits_per_irq && (off - r->offset) * 8 / r->bits_per_irq >= nr_irqs()) return nullptr;
  return r;
}

// For a table without per-interrupt rows.
template <typename Ctx>
inline const MmioReg<Ctx>* access_reg(const MmioTable<Ctx>& t, u64 offset, u32 len) {
  return access_reg(t, offset, len, [] { return 0u; });
}

// Userspace's read and write of a row: its own accessors where the row
// has them, else the guest's.
template <typename Ctx>
inline u64 uread_reg(Ctx& c, const MmioReg<Ctx>& r) {
  return r.uread ? r.uread(c, r) : r.read(c, r);
}

template <typename Ctx>
inline kx::Status uwrite_reg(Ctx& c, const MmioReg<Ctx>& r, u64 val) {
  if (r.uwrite) return r.uwrite(c, r, val);
  r.write(c, r, val);
  return kx::Status::ok();
}

// A 64-bit register takes 32-bit accesses to either half: the bytes an
// access of `len` at `offset` covers (extract_bytes()), and such a write
// merged into the register (update_64bit_reg()).
constexpr u64 extract_bytes(u64 v, u32 offset, u32 len) {
  v >>= 8 * (offset & 7);
  return len == 8 ? v : v & ((1ull << (8 * len)) - 1);
}

constexpr u64 update_64bit_reg(u64 reg, u32 offset, u32 len, u64 val) {
  if (len == 8) return val;
  const u32 shift = 8 * (offset & 4);
  const u64 mask = 0xffffffffull << shift;
  return (reg & ~mask) | ((val & 0xffffffffull) << shift);
}

}  // namespace kvm
