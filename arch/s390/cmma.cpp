// SPDX-License-Identifier: GPL-2.0
// CMMA storage attributes and migration mode (6.1's
// kvm_s390_vm_start_migration(), kvm_s390_get_cmma_bits(),
// kvm_s390_set_cmma_bits(); api.rst 4.107, 4.108). 6.1 keeps a page's
// usage state in its PGSTE and, in migration mode, a dirty bit per page
// in the slot's second dirty bitmap; kvm_ext keeps both in the slot's
// page_attrs byte. Everything here runs under Vm::slots_lock, as 6.1's
// ioctls take kvm->slots_lock.
#include "arch/s390/s390.h"

namespace kvm {
namespace s390 {
namespace cmma {

constexpr u8 kValueMask = 0x43;      // (_PGSTE_GPS_USAGE_MASK | _PGSTE_GPS_NODAT) >> 24
constexpr u8 kDirty = 0x80;          // kvm_ext's: the CMMA-dirty bit
constexpr u32 kSizeMax = 1u << 20;   // KVM_S390_CMMA_SIZE_MAX
constexpr u64 kMaxBitDistance = 16;  // KVM_S390_MAX_BIT_DISTANCE
constexpr u32 kPeek = 1;             // KVM_S390_CMMA_PEEK

// struct kvm_s390_cmma_log.
struct Log {
  u64 start_gfn;
  u32 count;
  u32 flags;
  u64 remaining;  // in for SET_CMMA_BITS: the mask
  u64 values;
};
static_assert(sizeof(Log) == 32);

kx::Status ensure_attrs(Memslot& m) {
  if (!m.page_attrs) m.page_attrs = kx::alloc_array<u8>(m.npages);
  return m.page_attrs ? kx::Status::ok() : kx::error(kx::kENOMEM);
}

u8 value(const Memslot& m, u64 gfn) {
  return m.page_attrs ? m.page_attrs[gfn - m.base_gfn] & kValueMask : 0;
}

bool dirty(const Memslot& m, u64 gfn) {
  return m.page_attrs && (m.page_attrs[gfn - m.base_gfn] & kDirty);
}

// kvm_s390_next_dirty_cmma(): the first CMMA-dirty frame from gfn on in
// frame order (from the first slot when gfn is past every slot); the end
// of the last slot looked at when there is none.
u64 next_dirty(const MemslotSet& slots, u64 gfn) {
  usize i = slots.first_ending_above(gfn);
  if (i == slots.size()) {
    i = 0;
    gfn = 0;
  }
  const Memslot* m = nullptr;
  for (; i < slots.size(); i++) {
    m = slots.by_gfn_at(i);
    if (!m->page_attrs) continue;
    for (u64 ofs = gfn > m->base_gfn ? gfn - m->base_gfn : 0; ofs < m->npages; ofs++) {
      if (m->page_attrs[ofs] & kDirty) return m->base_gfn + ofs;
    }
  }
  return m ? m->end_gfn() : 0;
}

// kvm_s390_get_cmma(): from the first dirty frame, consecutive values
// until the buffer is full, the next dirty frame is more than 16 frames
// on, or memory ends. Returns how many of them are dirty; the caller
// clears them once the values reached the VMM. api.rst 4.107: a run of
// clean values longer than 16 is not copied; 6.1 looks for the next dirty
// frame only after its distance check, and so copies the first clean
// value after the last dirty one (Documentation/differences.rst).
u64 collect(const MemslotSet& slots, Log& log, u8* res, u32 bufsize) {
  const u64 cur0 = next_dirty(slots, log.start_gfn);
  const Memslot* m = slots.by_gfn(cur0);
  log.count = 0;
  log.start_gfn = cur0;
  if (!m) return 0;
  const u64 mem_end = slots.by_gfn_at(slots.size() - 1)->end_gfn();
  u64 cur = cur0, next = next_dirty(slots, cur + 1), found = 0;
  while (log.count < bufsize) {
    if (dirty(*m, cur)) found++;
    res[log.count++] = value(*m, cur);
    if (cur == next) next = next_dirty(slots, cur + 1);
    if (next > cur + kMaxBitDistance) break;
    if (next >= mem_end || next - log.start_gfn >= bufsize) break;
    cur++;
    if (cur - m->base_gfn >= m->npages) {
      m = slots.by_gfn(cur);
      if (!m) break;
    }
  }
  return found;
}

// kvm_s390_peek_cmma(): the values from start_gfn on, up to the end of
// the slots there; none at all is -EFAULT.
kx::Status peek(const MemslotSet& slots, Log& log, u8* res, u32 bufsize) {
  log.count = 0;
  for (u64 gfn = log.start_gfn; log.count < bufsize; gfn++) {
    const Memslot* m = slots.by_gfn(gfn);
    if (!m) return log.count ? kx::Status::ok() : kx::error(kx::kEFAULT);
    res[log.count++] = value(*m, gfn);
  }
  return kx::Status::ok();
}

kx::Status get_bits(Vm& vm, S390Vm& s, Log& log) KX_REQUIRES(vm.slots_lock) {
  if (!s.use_cmma.load()) return kx::error(kx::kENXIO);
  if (log.flags & ~kPeek) return kx::error(kx::kEINVAL);
  const bool is_peek = log.flags & kPeek;
  if (!is_peek && !s.migration_mode.load()) return kx::error(kx::kEINVAL);
  const u32 bufsize = kx::min(log.count, kSizeMax);
  if (!bufsize || !s.uses_cmm.load() || (!is_peek && !s.cmma_dirty.load())) {
    log = {};
    return kx::Status::ok();
  }
  u8* res = kx::alloc_array<u8>(bufsize);
  if (!res) return kx::error(kx::kENOMEM);
  MemslotSet& slots = vm.slots(0);
  kx::Status st;
  u64 found = 0;
  if (is_peek)
    st = peek(slots, log, res, bufsize);
  else if (slots.size())
    found = collect(slots, log, res, bufsize);
  else
    log.count = 0;
  log.remaining = s.migration_mode.load() ? s.cmma_dirty.load() - found : 0;
  if (st.is_ok() && kx_copy_to_user(log.values, res, log.count)) st = kx::error(kx::kEFAULT);
  kx::free_array(res);
  // 6.1 clears the dirty bits before the copy that may fail; here they
  // stay until the values reached the VMM.
  if (st.is_ok() && found) {
    for (u64 gfn = log.start_gfn; gfn < log.start_gfn + log.count; gfn++) {
      Memslot* m = slots.by_gfn(gfn);
      if (m && dirty(*m, gfn)) m->page_attrs[gfn - m->base_gfn] &= static_cast<u8>(~kDirty);
    }
    s.cmma_dirty.fetch_sub(found);
  }
  return st;
}

// kvm_s390_set_cmma_bits(): the masked usage and no-DAT bits of count
// frames from start_gfn. 6.1 writes the frames before the first missing
// one and then fails; here every frame is checked (and its slot's state
// allocated) first, so a refused call changes nothing.
kx::Status set_bits(Vm& vm, S390Vm& s, const Log& log) KX_REQUIRES(vm.slots_lock) {
  if (!s.use_cmma.load()) return kx::error(kx::kENXIO);
  if (log.flags) return kx::error(kx::kEINVAL);
  if (log.count > kSizeMax) return kx::error(kx::kEINVAL);
  if (!log.count) return kx::Status::ok();
  u8* bits = kx::alloc_array<u8>(log.count);
  if (!bits) return kx::error(kx::kENOMEM);
  kx::Status st;
  if (kx_copy_from_user(bits, log.values, log.count)) st = kx::error(kx::kEFAULT);
  MemslotSet& slots = vm.slots(0);
  for (u64 i = 0; st.is_ok() && i < log.count; i++) {
    Memslot* m = slots.by_gfn(log.start_gfn + i);
    st = m ? ensure_attrs(*m) : kx::error(kx::kEFAULT);
  }
  if (st.is_ok()) {
    const u8 mask = static_cast<u8>(log.remaining >> 24) & kValueMask;
    for (u64 i = 0; i < log.count; i++) {
      const u64 gfn = log.start_gfn + i;
      Memslot* m = slots.by_gfn(gfn);
      u8& a = m->page_attrs[gfn - m->base_gfn];
      a = static_cast<u8>((a & ~mask) | (bits[i] & mask));
    }
    s.uses_cmm.store(true);
  }
  kx::free_array(bits);
  return st;
}

}  // namespace cmma

// KVM_S390_GET_CMMA_BITS: the struct back to the VMM on success only.
kx::Result<long> get_cmma_bits(Vm& vm, u64 arg) {
  cmma::Log log;
  if (kx_copy_from_user(&log, arg, sizeof(log))) return kx::kEFAULT;
  {
    kx::Guard<kx::Mutex> guard(&vm.slots_lock);
    KX_TRY(cmma::get_bits(vm, s390_vm(vm), log));
  }
  if (kx_copy_to_user(arg, &log, sizeof(log))) return kx::kEFAULT;
  return 0;
}

kx::Result<long> set_cmma_bits(Vm& vm, u64 arg) {
  cmma::Log log;
  if (kx_copy_from_user(&log, arg, sizeof(log))) return kx::kEFAULT;
  kx::Guard<kx::Mutex> guard(&vm.slots_lock);
  KX_TRY(cmma::set_bits(vm, s390_vm(vm), log));
  return 0;
}

// kvm_s390_vm_start_migration() with CMMA in use: every page of every
// slot CMMA-dirty (the slots' state allocated first: -ENOMEM changes
// nothing).
kx::Status start_cmma_migration(Vm& vm, S390Vm& s) {
  MemslotSet& slots = vm.slots(0);
  for (usize i = 0; i < slots.size(); i++) KX_TRY(cmma::ensure_attrs(*slots.at(i)));
  u64 pages = 0;
  for (usize i = 0; i < slots.size(); i++) {
    Memslot& m = *slots.at(i);
    for (u64 p = 0; p < m.npages; p++) m.page_attrs[p] |= cmma::kDirty;
    pages += m.npages;
  }
  s.cmma_dirty.store(pages);
  return kx::Status::ok();
}

// KVM_S390_VM_MEM_CLR_CMMA (s390_reset_cmma()): every page stable again.
void reset_cmma(Vm& vm) {
  kx::Guard<kx::Mutex> guard(&vm.slots_lock);
  MemslotSet& slots = vm.slots(0);
  for (usize i = 0; i < slots.size(); i++) {
    Memslot& m = *slots.at(i);
    if (!m.page_attrs) continue;
    for (u64 p = 0; p < m.npages; p++) m.page_attrs[p] &= static_cast<u8>(~cmma::kValueMask);
  }
}

// Migration mode needs every slot to log: a slot made or changed without
// logging ends it.
void S390Vm::slot_committed(Memslot& slot) {
  if (!(slot.flags & KX_MEM_LOG_DIRTY_PAGES)) migration_mode.store(false);
}

// A slot that goes takes its CMMA-dirty pages with it.
void S390Vm::slot_deleting(Memslot& slot) {
  if (!slot.page_attrs) return;
  u64 n = 0;
  for (u64 p = 0; p < slot.npages; p++) n += (slot.page_attrs[p] & cmma::kDirty) != 0;
  cmma_dirty.fetch_sub(n);
}

}  // namespace s390
}  // namespace kvm
