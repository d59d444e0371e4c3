// SPDX-License-Identifier: GPL-2.0
// LPIs: the message-based interrupts an ITS translates to (GICv3
// architecture; Linux 6.1's vgic-its.c and vgic-v3.c for KVM's choices).
// Their configuration (priority, enable) and pending state live in guest
// RAM at GICR_PROPBASER and each GICR_PENDBASER; KVM caches them in the
// interrupt and reads the tables only when the architecture says so (a
// new mapping, INV, INVALL, EnableLPIs). Guest RAM is never touched under
// Dist::lock: a read happens first, the state changes after.
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {

KX_LOCK_CLASS(gic_lpi_lock);

namespace {

constexpr u64 kBaserAddrMask = 0x000ffffffffff000ull;  // PA bits 51:12
constexpr u8 kPropEnable = 1, kPropPriorityMask = 0xfc;

u64 propbase(Dist& d) KX_REQUIRES(d.lock) { return d.propbaser() & kBaserAddrMask; }
u64 pendbase(const CpuIf& c) { return c.pendbaser & 0x000fffffffff0000ull; }  // 51:16

void set_config(Irq& irq, u8 prop) {
  irq.priority = prop & kPropPriorityMask;
  irq.enabled = prop & kPropEnable;
}

void apply_config(Dist& d, Irq& irq, u8 prop) KX_REQUIRES(d.lock) {
  set_config(irq, prop);
  changed(d, nullptr, irq);
}

// f(i, irq) for every LPI slot allocated, in order: f changes the LPI and
// says whether it did, and changed() runs here. (A callback could not
// call it: the analysis checks a lambda as a function of its own, which
// does not hold d.lock.)
template <typename F>
void update_lpis(Dist& d, F f) KX_REQUIRES(d.lock) {
  for (u32 base = 0; base < kNrLpis; base += Dist::kLpiLeaf) {
    Irq* leaf = d.lpi_leaf(base);
    if (!leaf) continue;
    for (u32 i = 0; i < Dist::kLpiLeaf; i++) {
      if (f(base + i, leaf[i])) changed(d, nullptr, leaf[i]);
    }
  }
}

}  // namespace

u32 lpi_limit(Dist& d) {
  const u32 id_bits = static_cast<u32>(d.propbaser() & 0x1f) + 1;
  return 1u << (id_bits < kLpiIdBits ? id_bits : kLpiIdBits);
}

Irq* lpi_at(Dist& d, u32 intid) {
  if (intid < kLpiBase) return nullptr;
  Irq* irq = d.lpi(intid - kLpiBase);
  return irq && irq->lpi_refs ? irq : nullptr;
}

namespace {

// The pending-table byte of `intid` for vCPU index `target`, or 0 when
// the LPI goes nowhere (an unmapped collection, a GIC not initialised).
u64 pending_byte_addr(Dist& d, u16 target, u32 intid) KX_REQUIRES(d.lock) {
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  if (target >= vcpus.size() || !vcpus[target]) return 0;
  return pendbase(cpuif(*vcpus[target])) + intid / 8;
}

}  // namespace

LpiTableCache::~LpiTableCache() {
  kx::free_array(config_);
  for (Pending& p : pending_) kx::free_array(p.bytes);
}

// The configuration table's LPI part is read in one go; if it is not all
// in guest RAM (PROPBASER.IDbits smaller than 16, a short memslot) each
// byte is read on its own, as a command would.
kx::Status LpiTableCache::config(u64 base, u32 intid, u8* prop) {
  if (!config_tried_) {
    config_tried_ = true;
    config_ = kx::alloc_array<u8>(kNrLpis);
    if (!config_) return kx::error(kx::kENOMEM);
    config_base_ = base;
    if (vm_.read_guest(base, config_, kNrLpis).is_error()) {
      kx::free_array(config_);
      config_ = nullptr;
    }
  }
  if (config_ && base == config_base_) {
    *prop = config_[intid - kLpiBase];
    return kx::Status::ok();
  }
  return vm_.read_guest(base + intid - kLpiBase, prop, 1);
}

kx::Status LpiTableCache::take_pending(u64 table, u32 intid, bool* pending) {
  Pending* p = nullptr;
  for (Pending& e : pending_) {
    if (e.table == table) p = &e;
  }
  if (!p) {
    Pending fresh{table, kx::alloc_array<u8>(kNrLpis / 8), false};
    if (!fresh.bytes) return kx::error(kx::kENOMEM);
    if (vm_.read_guest(table + kLpiBase / 8, fresh.bytes, kNrLpis / 8).is_error()) {
      kx::free_array(fresh.bytes);
      fresh.bytes = nullptr;
    }
    if (kx::Status s = pending_.push_back(fresh); s.is_error()) {
      kx::free_array(fresh.bytes);
      return s;
    }
    p = &pending_[pending_.size() - 1];
  }
  const u32 bit = intid % 8;
  if (!p->bytes) {
    // Not all in guest RAM: this byte alone, cleared at once if set.
    u8 v;
    KX_TRY(vm_.read_guest(table + intid / 8, &v, 1));
    *pending = v >> bit & 1;
    if (!*pending) return kx::Status::ok();
    v = static_cast<u8>(v & ~(1u << bit));
    return vm_.write_guest(table + intid / 8, &v, 1);
  }
  u8& v = p->bytes[(intid - kLpiBase) / 8];
  *pending = v >> bit & 1;
  if (*pending) {
    v = static_cast<u8>(v & ~(1u << bit));
    p->dirty = true;
  }
  return kx::Status::ok();
}

kx::Status LpiTableCache::commit() {
  for (Pending& p : pending_) {
    if (p.bytes && p.dirty) KX_TRY(vm_.write_guest(p.table + kLpiBase / 8, p.bytes, kNrLpis / 8));
    p.dirty = false;
  }
  return kx::Status::ok();
}

// vgic_add_lpi(): an LPI another translation already created keeps its
// state; a new one reads its configuration byte (update_lpi_config())
// and takes its pending bit from its target's pending table, clearing
// the bit there (vgic_v3_lpi_sync_pending_status()).
kx::Status lpi_get(Vm& vm, u32 intid, u16 target, LpiTableCache* cache) {
  Dist& d = dist_of(vm);
  if (intid < kLpiBase || intid - kLpiBase >= kNrLpis) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> lpis(&d.lpi_mutex);
  Irq* irq = KX_TRY(d.ensure_lpi(intid - kLpiBase));
  u64 base, pend;
  {
    kx::IrqSaveGuard guard(&d.lock);
    if (irq->lpi_refs) {
      irq->lpi_refs++;
      return kx::Status::ok();
    }
    base = propbase(d);
    pend = pending_byte_addr(d, target, intid);
  }
  u8 prop;
  bool pending = false;
  if (cache) {
    KX_TRY(cache->config(base, intid, &prop));
    if (pend) KX_TRY(cache->take_pending(pend - intid / 8, intid, &pending));
  } else {
    KX_TRY(vm.read_guest(base + intid - kLpiBase, &prop, 1));
    if (pend) {
      u8 v;
      KX_TRY(vm.read_guest(pend, &v, 1));
      pending = v >> (intid % 8) & 1;
      if (pending) {
        v = static_cast<u8>(v & ~(1u << (intid % 8)));
        KX_TRY(vm.write_guest(pend, &v, 1));
      }
    }
  }
  kx::IrqSaveGuard guard(&d.lock);
  *irq = Irq{};
  irq->intid = intid;
  irq->group1 = true;
  irq->edge = true;
  irq->target = target;
  irq->lpi_refs = 1;
  irq->pending_latch = pending;
  apply_config(d, *irq, prop);
  return kx::Status::ok();
}

LpiRefBatch::~LpiRefBatch() {
  kx::free_array(count_);
  kx::free_array(target_);
}

kx::Status LpiRefBatch::prepare() {
  if (!target_) target_ = kx::alloc_array<u16>(kNrLpis);
  if (target_) count_ = kx::alloc_array<u32>(kNrLpis);
  return count_ ? kx::Status::ok() : kx::error(kx::kENOMEM);
}

kx::Status LpiRefBatch::commit(LpiTableCache& cache) {
  Dist& d = dist_of(vm_);
  kx::Guard<kx::Mutex> lpis(&d.lpi_mutex);
  // In chunks, so that interrupts are not off for the whole table, but
  // not one spinlock round trip per LPI either.
  constexpr u32 kChunk = 1024;
  static_assert(kNrLpis % kChunk == 0);
  // What a new LPI starts with: bit 0 new, bit 1 pending; its
  // configuration byte alongside; per chunk, where its pending bit is.
  u8* fresh = kx::alloc_array<u8>(kNrLpis);
  u8* prop = kx::alloc_array<u8>(kNrLpis);
  u64* pend = kx::alloc_array<u64>(kChunk);
  kx::Status s = fresh && prop && pend ? kx::Status::ok() : kx::error(kx::kENOMEM);
  for (u32 base = 0; base < kNrLpis && s.is_ok(); base += kChunk) {
    const u32 end = base + kChunk;
    // The leaves first: they may allocate, which the spinlock forbids.
    for (u32 i = base; i < end && s.is_ok(); i++) {
      if (!count_[i]) continue;
      kx::Result<Irq*> irq = d.ensure_lpi(i);
      if (irq.is_error()) s = irq.error();
    }
    if (s.is_error()) break;
    // Which LPIs are new (lpi_refs changes only under lpi_mutex, held),
    // and where their configuration and pending bits are.
    u64 config_base;
    {
      kx::IrqSaveGuard guard(&d.lock);
      config_base = propbase(d);
      for (u32 i = base; i < end; i++) {
        if (!count_[i] || d.lpi(i)->lpi_refs) continue;
        fresh[i] = 1;
        pend[i - base] = pending_byte_addr(d, target_[i], i + kLpiBase);
      }
    }
    // The guest's tables, outside the spinlock.
    for (u32 i = base; i < end && s.is_ok(); i++) {
      if (!fresh[i]) continue;
      const u32 intid = i + kLpiBase;
      bool pending = false;
      s = cache.config(config_base, intid, &prop[i]);
      if (s.is_ok() && pend[i - base])
        s = cache.take_pending(pend[i - base] - intid / 8, intid, &pending);
      if (pending) fresh[i] |= 2;
    }
  }
  if (s.is_ok()) s = cache.commit();
  if (s.is_ok()) {
    // Nothing fails from here.
    for (u32 base = 0; base < kNrLpis; base += kChunk) {
      kx::IrqSaveGuard guard(&d.lock);
      for (u32 i = base; i < base + kChunk; i++) {
        if (!count_[i]) continue;
        Irq* irq = d.lpi(i);
        if (!fresh[i]) {
          irq->lpi_refs += count_[i];
          continue;
        }
        *irq = Irq{};
        irq->intid = i + kLpiBase;
        irq->group1 = true;
        irq->edge = true;
        irq->target = target_[i];
        irq->lpi_refs = count_[i];
        irq->pending_latch = fresh[i] & 2;
        apply_config(d, *irq, prop[i]);
      }
    }
  }
  kx::free_array(fresh);
  kx::free_array(prop);
  kx::free_array(pend);
  return s;
}

void lpi_put(Vm& vm, u32 intid) {
  Dist& d = dist_of(vm);
  kx::Guard<kx::Mutex> lpis(&d.lpi_mutex);
  kx::IrqSaveGuard guard(&d.lock);
  Irq* irq = lpi_at(d, intid);
  if (!irq || --irq->lpi_refs) return;
  irq->pending_latch = false;
  changed(d, nullptr, *irq);
}

void lpi_move_all(Dist& d, u16 from, u16 to) {
  update_lpis(d, [&](u32, Irq& irq) {
    if (!irq.lpi_refs || irq.target != from) return false;
    irq.target = to;
    return true;
  });
}

void lpi_set_target(Dist& d, u32 intid, u16 target) {
  Irq* irq = lpi_at(d, intid);
  if (!irq) return;
  irq->target = target;
  changed(d, nullptr, *irq);
}

kx::Status lpi_update_config(Vm& vm, u32 intid) {
  Dist& d = dist_of(vm);
  u64 base;
  {
    kx::IrqSaveGuard guard(&d.lock);
    if (!lpi_at(d, intid)) return kx::Status::ok();
    base = propbase(d);
  }
  u8 prop;
  KX_TRY(vm.read_guest(base + intid - kLpiBase, &prop, 1));
  kx::IrqSaveGuard guard(&d.lock);
  if (Irq* irq = lpi_at(d, intid)) apply_config(d, *irq, prop);
  return kx::Status::ok();
}

// One read of the configuration table's LPI part, then every LPI of the
// vCPU takes its byte. An LPI whose byte is not in guest RAM keeps its
// configuration (6.1 stops at the first such byte).
kx::Status lpi_invall(Vm& vm, u16 target) {
  Dist& d = dist_of(vm);
  u64 base;
  u32 n;
  {
    kx::IrqSaveGuard guard(&d.lock);
    base = propbase(d);
    n = lpi_limit(d) > kLpiBase ? lpi_limit(d) - kLpiBase : 0;
  }
  if (!n) return kx::Status::ok();
  u8* table = kx::alloc_array<u8>(n);
  if (!table) return kx::error(kx::kENOMEM);
  kx::Status s = vm.read_guest(base, table, n);
  if (s.is_ok()) {
    kx::IrqSaveGuard guard(&d.lock);
    update_lpis(d, [&](u32 i, Irq& irq) {
      if (!irq.lpi_refs || irq.target != target || i >= n) return false;
      set_config(irq, table[i]);
      return true;
    });
  }
  kx::free_array(table);
  return s;
}

namespace {

// its_sync_lpi_pending_table(): the pending bits of the LPIs this
// redistributor receives, from its pending table (one read of the part
// after the first kB, which holds no LPI).
kx::Status sync_pending_table(Vm& vm, CpuIf& c) {
  Dist& d = dist_of(vm);
  u64 base;
  u32 bytes;
  {
    kx::IrqSaveGuard guard(&d.lock);
    base = pendbase(c);
    bytes = (lpi_limit(d) - kLpiBase) / 8;
    if (lpi_limit(d) <= kLpiBase) return kx::Status::ok();
  }
  u8* table = kx::alloc_array<u8>(bytes);
  if (!table) return kx::error(kx::kENOMEM);
  kx::Status s = vm.read_guest(base + kLpiBase / 8, table, bytes);
  if (s.is_ok()) {
    kx::IrqSaveGuard guard(&d.lock);
    update_lpis(d, [&](u32 i, Irq& irq) {
      if (!irq.lpi_refs || irq.target != c.index || i / 8 >= bytes) return false;
      irq.pending_latch = table[i / 8] >> (i % 8) & 1;
      return true;
    });
  }
  kx::free_array(table);
  return s;
}

}  // namespace

void run_follow_up(Vm& vm, CpuIf& c, const FollowUp& f) {
  // A guest-RAM error here has nobody to report to: the write that asked
  // for it completed, as on hardware.
  switch (f.kind) {
    case FollowUp::kSyncPendingTable:
      (void)sync_pending_table(vm, c);
      break;
    case FollowUp::kInvLpi:
      (void)lpi_update_config(vm, f.intid);
      break;
    case FollowUp::kInvAll:
      (void)lpi_invall(vm, c.index);
      break;
    case FollowUp::kNone:
      break;
  }
}

// vgic_v3_save_pending_tables(): each LPI's pending bit, in its target's
// pending table, written only where it differs from what is there. LPIs
// come in INTID order, so consecutive ones share one read-modify-write of
// their byte. The first kB (INTIDs below 8192) is never written.
kx::Status save_pending_tables(Vm& vm) {
  Dist& d = dist_of(vm);
  kx::Guard<kx::Mutex> lpis(&d.lpi_mutex);
  u64 cur = ~0ull;
  u8 stored = 0, want = 0;
  kx::Status s;
  auto flush = [&]() -> kx::Status {
    if (cur == ~0ull || stored == want) return kx::Status::ok();
    return vm.write_guest(cur, &want, 1);
  };
  for (u32 i = 0; i < kNrLpis && s.is_ok(); i++) {
    u64 addr;
    bool pending;
    u32 bit;
    {
      kx::IrqSaveGuard guard(&d.lock);
      Irq* irq = d.lpi(i);
      kx::Vector<Vcpu*>& vcpus = d.vcpus();
      if (!irq || !irq->lpi_refs || irq->target >= vcpus.size() || !vcpus[irq->target]) continue;
      const u32 intid = i + kLpiBase;
      addr = pendbase(cpuif(*vcpus[irq->target])) + intid / 8;
      pending = irq->pending_latch;
      bit = intid % 8;
    }
    if (addr != cur) {
      s = flush();
      if (s.is_error()) break;
      cur = addr;
      s = vm.read_guest(addr, &stored, 1);
      if (s.is_error()) break;
      want = stored;
    }
    want = pending ? static_cast<u8>(want | 1u << bit) : static_cast<u8>(want & ~(1u << bit));
  }
  if (s.is_ok()) s = flush();
  // read_guest/write_guest say -ENOENT for "no memslot": to userspace that
  // is an invalid guest RAM access.
  return s == kx::error(kx::kENOENT) ? kx::error(kx::kEFAULT) : s;
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
