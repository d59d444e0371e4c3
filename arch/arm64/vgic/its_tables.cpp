// SPDX-License-Identifier: GPL-2.0
// ITS table save and restore in ABI REV0 (devices/arm-vgic-its.rst): the
// device, collection and interrupt translation tables in guest RAM, walked
// in place through mapped pages (virt/kvm/guest_batch.h).
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/guest_batch.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {
namespace its {

// --- ABI REV0 table save (vgic_its_save_tables_v0()) ---

// The ITT of one device: an ITE at EventID * 8 for every translation,
// its next field the distance to the next one (EventIDs have 16 bits, so
// it never reaches the 2^16 - 1 cap), 0 for the last. An entry is
// completed when the next one is found, before the writer can move to
// another page. One tight loop per run of ITEs: the entry waiting for
// its next field and the writer's page are locals, not memory the
// stores into guest RAM could alias.
kx::Status Its::save_itt(GuestPageWriter& w, const ItsDevice& dev) {
  u8* open = nullptr;  // the entry placed last, its next field to come
  u64 value = 0;       // what goes there, but for the next field
  u32 prev = 0;
  bool failed = false;
  const u64 itt = dev.itt_addr;
  dev.for_each_run([&](u32 first, const Ite* ites, u32 count) {
    if (failed) return;
    u8* slot = open;
    u64 v = value;
    u32 p = prev;
    const u64 base = itt;
    u8* page = nullptr;  // the writer's page, at page_gpa
    u64 page_gpa = 0;
    for (u32 i = 0; i < count; i++) {
      const Ite ite = ites[i];
      if (!ite.present()) continue;
      const u32 event = first + i;
      if (slot) put_le64(slot, v ? v | u64{event - p} << kIteNextShift : 0);
      const u64 gpa = base + u64{event} * kEsz;
      if (!page || gpa - page_gpa >= KX_PAGE_SIZE) {
        slot = w.append(gpa, kEsz);
        if (!slot) {
          failed = true;  // flush() reports the error
          break;
        }
        page_gpa = gpa & ~(KX_PAGE_SIZE - 1);
        page = slot - (gpa - page_gpa);
      } else {
        slot = page + (gpa - page_gpa);
      }
      p = event;
      v = ite.saved();
    }
    open = slot;
    value = v;
    prev = p;
  });
  if (failed) return w.flush();
  if (open) put_le64(open, value);
  return kx::Status::ok();
}

kx::Status Its::save_tables() {
  // One writer per table, so that each one's entries coalesce: DTEs with
  // DTEs, ITEs with ITEs (consecutive devices' ITTs are often adjacent).
  GuestPageWriter w(*vm_), itt(*vm_);
  kx::Status s;
  if (baser_device_ & kBaserValid) {
    // DTEs in DeviceID order, each after its ITT (as 6.1).
    u32 prev = ~0u;
    u64 prev_addr = 0, prev_value = 0;
    auto emit = [&](u32 next_id) -> kx::Status {
      if (prev == ~0u) return kx::Status::ok();
      u64 v = prev_value;
      if (next_id != ~0u) {
        const u32 next = next_id - prev;
        v |= u64{next < kDteMaxNext ? next : kDteMaxNext} << kDteNextShift;
      }
      u8 raw[8];
      put_le64(raw, v);
      return w.write(prev_addr, raw, 8);
    };
    // check_id() for each device, with the memslot lookup once per page
    // of DTEs and the level-1 entries read a page at a time. (The walk's
    // callback takes the register as a copy: the analysis checks a lambda
    // as a function of its own, which does not hold mutex.)
    GuestPageReader l1(*vm_);
    u64 visible_gfn = ~0ull;
    const u64 baser_device = baser_device_;
    t_->devices.for_each([&](u32 id, const ItsDevice& dev) {
      if (!dev.present || s.is_error()) return;
      u64 eaddr;
      if (!check_id(baser_device, id, &eaddr, &l1, true) ||
          ((eaddr >> KX_PAGE_SHIFT) != visible_gfn && !gpa_visible(eaddr))) {
        s = kx::error(kx::kEINVAL);
        return;
      }
      visible_gfn = eaddr >> KX_PAGE_SHIFT;
      s = emit(id);
      if (s.is_ok()) s = save_itt(itt, dev);
      prev = id;
      prev_addr = eaddr;
      prev_value = kDteValid | ((dev.itt_addr >> 8) << kDteIttShift) | (dev.event_bits - 1);
    });
    if (s.is_ok()) s = emit(~0u);
  }
  if (s.is_ok() && (baser_coll_ & kBaserValid)) {
    // CTEs one after another from the table's start, then an invalid one
    // if there is room (the restore stops there).
    u64 gpa = baser_addr(baser_coll_);
    const u64 end = gpa + baser_bytes(baser_coll_);
    t_->collections.for_each([&](u32 id, const Collection& c) {
      if (!c.present || s.is_error()) return;
      u8 raw[8];
      put_le64(raw, kCteValid | u64{c.target} << kCteRdbaseShift | id);
      s = w.write(gpa, raw, 8);
      gpa += kEsz;
    });
    if (s.is_ok() && gpa < end) {
      const u8 zero[8] = {};
      s = w.write(gpa, zero, 8);
    }
  }
  if (s.is_ok()) s = itt.flush();
  if (s.is_ok()) s = w.flush();
  return guest_error(s);
}

// --- ABI REV0 table restore (vgic_its_restore_tables_v0()) ---

// vgic_its_restore_cte(), for each entry until an invalid one or the end.
kx::Status Its::restore_collections(Translations* t) {
  if (!(baser_coll_ & kBaserValid)) return kx::Status::ok();
  GuestPageReader r(*vm_);
  const u64 base_gpa = baser_addr(baser_coll_);
  const u64 bytes = baser_bytes(baser_coll_);
  for (u64 off = 0; off < bytes; off += kEsz) {
    u8 raw[8];
    KX_TRY(r.read(base_gpa + off, raw, 8));
    const u64 v = le64(raw);
    if (!(v & kCteValid)) return kx::Status::ok();
    const u32 target = static_cast<u32>(v >> kCteRdbaseShift);
    const u32 icid = static_cast<u32>(v & kCteIcidMask);
    if (target != kNotMapped && target >= vm_->online_vcpus()) return kx::error(kx::kEINVAL);
    // A collection listed twice is an inconsistent image (6.1: -EEXIST).
    if (find_collection(t, icid)) return kx::error(kx::kEINVAL);
    if (!check_id(baser_coll_, icid, nullptr)) return kx::error(kx::kEINVAL);
    Collection* c = KX_TRY(t->collections.ensure(icid));
    *c = Collection{target, true};
  }
  return kx::Status::ok();
}

// Where a restore's ITT scan puts the translations it reads. A carved
// array is unwritten memory: every entry gets written, "none" into the
// gaps (put()) and the tail (finish(), however the scan ended). A large
// device's SparseTable allocates leaves as needed. The scan is a template
// over the two, so that the common loop (arrays) keeps its state in
// registers instead of testing which kind it has for every entry.
class ArrayIteSink {
 public:
  explicit ArrayIteSink(Ite* array) : array_(array) {}
  kx::Status put(u32 event, Ite ite) {
    for (; written_ < event; written_++) array_[written_] = Ite{};
    array_[event] = ite;
    written_ = event + 1;
    return kx::Status::ok();
  }
  void finish(u32 nr) {
    for (; written_ < nr; written_++) array_[written_] = Ite{};
  }

 private:
  Ite* array_;
  u32 written_ = 0;  // array_[0, written_) holds what the image says
};

class SparseIteSink {
 public:
  explicit SparseIteSink(kx::SparseTable<Ite>* table) : table_(table) {}
  kx::Status put(u32 event, Ite ite) {
    Ite* slot = KX_TRY(table_->ensure(event));
    *slot = ite;
    return kx::Status::ok();
  }

 private:
  kx::SparseTable<Ite>* table_;
};

// vgic_its_restore_dte(): one device, then its ITT (scan_itt()).
kx::Result<int> Its::restore_dte(Restore& r, u32 id, u64 v) {
  if (!(v & kDteValid)) return 1;
  const u32 next = static_cast<u32>((v & kDteNextMask) >> kDteNextShift);
  const u32 bits = static_cast<u32>(v & kDteSizeMask) + 1;
  const u64 itt = ((v & kDteIttMask) >> kDteIttShift) << 8;
  if (bits > kEventBits) return kx::kEINVAL;  // as MAPD
  if (!check_id(baser_device_, id, nullptr, &r.l1, true)) return kx::kEINVAL;
  // A DeviceID the image reaches twice (a next offset of 0 in an L2
  // table, say) is inconsistent too.
  if (find_device(r.t, id)) return kx::kEINVAL;
  ItsDevice* dev = KX_TRY(r.t->devices.ensure(id));
  KX_TRY(dev->init(itt, bits, &r.carver));
  const u32 nr = dev->nr_events();
  if (!dev->ites) {
    SparseIteSink sink(dev->sparse);
    return scan_itt(r, sink, itt, nr, next);
  }
  ArrayIteSink sink(dev->ites);
  const kx::Result<int> result = scan_itt(r, sink, itt, nr, next);
  sink.finish(nr);
  return result;
}

// scan_its_table() and vgic_its_restore_ite() over an ITT of `nr`
// events: from EventID 0, following next offsets, going on past an
// invalid entry, a page of entries at a time; `next` when it ends. The
// loop runs for every ITE of an image: the collection looked up last is
// kept (an ITT's entries mostly share one), and the LPI counters are
// locals.
template <typename Sink>
kx::Result<int> Its::scan_itt(Restore& r, Sink& sink, u64 itt, u32 nr, u32 next) {
  LpiRefBatch::Counters refs = r.lpis.counters();
  u32 icid_seen = ~0u;
  u16 target = kNoVcpu;
  for (u32 event = 0; event < nr;) {
    u32 avail;
    const u8* entry = KX_TRY(r.itt.map(itt + u64{event} * kEsz, &avail));
    const u32 end = nr - event < avail / kEsz ? nr : event + avail / kEsz;
    while (event < end) {
      const u64 e = le64(entry);
      u32 step = 1;  // past an invalid entry: the next one
      if (e & kItePintidMask) {
        const u32 lpi = static_cast<u32>((e & kItePintidMask) >> kItePintidShift);
        const u32 icid = static_cast<u32>(e & kIteIcidMask);
        step = static_cast<u32>(e >> kIteNextShift);
        if (u64{event} + step >= nr) return kx::kEINVAL;
        if (icid != icid_seen) [[unlikely]] {
          const Collection* coll = find_collection(r.t, icid);
          if (!coll) return kx::kEINVAL;
          icid_seen = icid;
          target = target_of(coll);
        }
        // Not an LPI: refused here, before from_entry(), which needs one.
        if (!refs.add(lpi, target)) return kx::kEINVAL;
        KX_TRY(sink.put(event, Ite::from_entry(e)));
        if (!step) return static_cast<int>(next);
      }
      event += step;
      if (event >= end) break;
      entry += u64{step} * kEsz;
    }
  }
  return static_cast<int>(next);
}

// scan_its_table() over DTEs from `start_id`; *last when a DTE said it
// was the last one.
kx::Status Its::scan_dtes(Restore& r, u64 gpa, u64 len, u32 start_id, bool* last) {
  GuestPageReader dtes(*vm_);
  u32 id = start_id;
  for (u64 off = 0; off < len;) {
    u8 raw[8];
    KX_TRY(dtes.read(gpa + off, raw, 8));
    const int step = KX_TRY(restore_dte(r, id, le64(raw)));
    if (step <= 0) {
      *last = true;
      return kx::Status::ok();
    }
    off += u64(step) * kEsz;
    id += static_cast<u32>(step);
  }
  return kx::Status::ok();
}

kx::Status Its::restore_devices(Restore& r) {
  if (!(baser_device_ & kBaserValid)) return kx::Status::ok();
  const u64 l1 = baser_addr(baser_device_);
  const u64 l1_bytes = baser_bytes(baser_device_);
  bool last = false;
  if (!(baser_device_ & kBaserIndirect)) return scan_dtes(r, l1, l1_bytes, 0, &last);
  for (u64 i = 0; i < l1_bytes / 8 && !last; i++) {
    u8 raw[8];
    KX_TRY(r.l1.read(l1 + i * 8, raw, 8));
    const u64 e = le64(raw);
    if (!(e & kL1Valid)) continue;
    KX_TRY(scan_dtes(r, e & kL1AddrMask, k64K, static_cast<u32>(i * (k64K / kEsz)), &last));
  }
  return kx::Status::ok();
}

// The whole image or nothing: collections, then devices and their ITTs,
// into fresh tables; only when all of it is consistent do they replace
// the ITS's translations and the pending bits the new LPIs took leave
// the pending tables.
kx::Status Its::restore_tables() {
  kx::AllocChecker ac;
  Translations* fresh = new (&ac) Translations;
  if (!ac.check()) return kx::error(kx::kENOMEM);
  LpiTableCache cache(*vm_);
  Restore r(*vm_, fresh);
  kx::Status s = r.lpis.prepare();
  if (s.is_ok()) s = restore_collections(fresh);
  if (s.is_ok()) s = restore_devices(r);
  if (s.is_ok()) s = r.lpis.commit(cache);
  if (s.is_error()) {
    free_translations(fresh, false);
    return guest_error(s);
  }
  free_translations(t_);
  t_ = fresh;
  return kx::Status::ok();
}

}  // namespace its
}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
