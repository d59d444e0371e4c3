// SPDX-License-Identifier: GPL-2.0
// The ITS (Documentation/virt/kvm/devices/arm-vgic-its.rst): a frame of
// registers, a command queue in guest RAM, and the translation of a
// (DeviceID, EventID) pair to an LPI on a vCPU. Linux 6.1's vgic-its.c
// gives KVM's choices (16 DeviceID and EventID bits, 8-byte table entries,
// linear vCPU numbers as target addresses); the tables here are indexed,
// not lists, so a translation costs the same with 1 device or 65536.
//
// Locking: Its::mutex guards everything of one ITS (6.1's its_lock and
// cmd_lock in one: every path that takes one takes the other). It comes
// after Vm::lock and Vcpu::mutex and before Dist::lpi_mutex, slots_lock
// (guest RAM) and Dist::lock:
//   Vm::lock / Vcpu::mutex -> Its::mutex -> Dist::lpi_mutex -> slots_lock
//   -> Dist::lock
#include "arch/arm64/vgic/internal.h"
#include "virt/kvm/guest_batch.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/c_abi.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {

KX_LOCK_CLASS(its_lock);

namespace its {

constexpr u64 kFrameSize = 0x20000;  // KVM_VGIC_V3_ITS_SIZE: two 64 KiB pages
constexpr u64 kFrameAlign = 0x10000;
constexpr u32 kDevBits = 16;    // VITS_TYPER_DEVBITS
constexpr u32 kEventBits = 16;  // VITS_TYPER_IDBITS
constexpr u32 kCollections = 1u << 16;
constexpr u32 kEsz = 8;          // every ABI REV0 entry (DTE, CTE, ITE)
constexpr u32 kNotMapped = ~0u;  // COLLECTION_NOT_MAPPED
constexpr u32 kNrAbis = 1;       // ABI REV0 only
constexpr u64 k64K = 0x10000;

// GITS_BASER<n> and GITS_CBASER fields.
constexpr u64 kBaserValid = 1ull << 63, kBaserIndirect = 1ull << 62;
constexpr u32 kBaserTypeShift = 56, kBaserEszShift = 48;
constexpr u64 kBaserRoMask = (0x1full << 48) | (0x7ull << 56);
constexpr u64 kBaserEszMask = 0x1full << 48;
constexpr u64 kBaserPageSizeMask = 3ull << 8, kBaserPageSize64K = 2ull << 8;
constexpr u64 kTypeDevice = 1, kTypeCollection = 4;
// INITIAL_BASER_VALUE: RaWb inner, SameAsInner outer, inner shareable, 64K.
constexpr u64 kInitialBaser = (3ull << 59) | (1ull << 10) | kBaserPageSize64K;
// INITIAL_PROPBASER_VALUE, written into the GIC when an ITS is created.
constexpr u64 kInitialPropbaser = (3ull << 7) | (1ull << 10);

constexpr u32 kCtlrEnable = 1, kCtlrQuiescent = 1u << 31;
constexpr u64 kTyper =
    1 /* PLPIS */ | (u64{kDevBits - 1} << 13) | (u64{kEventBits - 1} << 8) | (u64{kEsz - 1} << 4);

// Commands (the GICv3 architecture's numbers).
enum Cmd : u8 {
  kMovi = 0x01,
  kInt = 0x03,
  kClear = 0x04,
  kSync = 0x05,
  kMapd = 0x08,
  kMapc = 0x09,
  kMapti = 0x0a,
  kMapi = 0x0b,
  kInv = 0x0c,
  kInvall = 0x0d,
  kMovall = 0x0e,
  kDiscard = 0x0f,
};

// ABI REV0 entries.
constexpr u64 kDteValid = 1ull << 63;
constexpr u32 kDteNextShift = 49, kDteIttShift = 5;
constexpr u64 kDteNextMask = 0x3fffull << 49, kDteIttMask = 0xfffffffffffull << 5,
              kDteSizeMask = 0x1f;
constexpr u32 kDteMaxNext = (1u << 14) - 1;
constexpr u64 kCteValid = 1ull << 63;
constexpr u32 kCteRdbaseShift = 16;
constexpr u64 kCteIcidMask = 0xffff;
constexpr u32 kIteNextShift = 48, kItePintidShift = 16;
constexpr u64 kItePintidMask = 0xffffffffull << 16, kIteIcidMask = 0xffff;
constexpr u32 kIteMaxNext = (1u << 16) - 1;
constexpr u64 kL1Valid = 1ull << 63, kL1AddrMask = 0x000fffffffff0000ull;  // 51:16

u64 baser_addr(u64 baser) {  // GITS_BASER_ADDR_48_to_52()
  return (baser & 0x0000ffffffff0000ull) | ((baser >> 12) & 0xf) << 48;
}
u64 baser_bytes(u64 baser) { return ((baser & 0xff) + 1) * k64K; }
u64 cmdq_bytes(u64 cbaser) { return ((cbaser & 0xff) + 1) << 12; }
u64 cbaser_addr(u64 cbaser) { return cbaser & 0x000ffffffffff000ull; }

// Table entries are little endian (one load or store on such a host).
u64 le64(const u8* p) {
  u64 v;
  __builtin_memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}
void put_le64(u8* p, u64 v) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  __builtin_memcpy(p, &v, 8);
}

// Guest RAM errors reach userspace as an invalid guest RAM access.
kx::Status guest_error(kx::Status s) {
  return s == kx::error(kx::kENOENT) ? kx::error(kx::kEFAULT) : s;
}

// One translation (an ITE) in 32 bits, so that 2 million of them take
// 8 MiB. An LPI has 16 ID bits (from kLpiBase) and an ICID 16, so:
//   0                          no translation;
//   (lpi - kLpiBase + 1, icid) an LPI through a collection: the word plus
//                              (kLpiBase - 1) << 16 is ABI REV0's entry
//                              without its next field (saved());
//   (kOrphan, lpi - kLpiBase)  an LPI whose collection was unmapped (MAPC
//                              V=0): it keeps its LPI but has no
//                              collection (6.1's NULL) and is saved as
//                              invalid.
// The high halves never meet: 1 to 57344, and 0xffff.
class Ite {
 public:
  Ite() = default;  // zeroed memory: no translation
  // `lpi` is an LPI (the callers check the range).
  Ite(u32 lpi, u16 icid) : word_((lpi - kLpiBase + 1) << 16 | icid) {}
  // A valid ABI REV0 entry, its pINTID an LPI; the next field is dropped.
  static Ite from_entry(u64 entry) {
    return Ite(static_cast<u32>((entry & kEntryBits) - kEntryBias));
  }

  bool present() const { return word_ != 0; }
  // The LPI; 0 for none.
  u32 lpi() const {
    const u32 high = word_ >> 16;
    if (high == kOrphan) [[unlikely]]
      return (word_ & 0xffff) + kLpiBase;
    return high ? high + kLpiBase - 1 : 0;
  }
  // Of a present ITE with a collection.
  u16 icid() const { return static_cast<u16>(word_); }
  bool has_collection() const { return word_ >> 16 != kOrphan; }
  void set_collection(u16 icid) { word_ = (word_ & 0xffff0000u) | icid; }
  void drop_collection() { word_ = kOrphan << 16 | (lpi() - kLpiBase); }
  // The REV0 entry without its next field; 0 for an ITE without a
  // collection, and for none.
  u64 saved() const {
    if (!word_ || !has_collection()) return 0;
    return word_ + kEntryBias;
  }

 private:
  explicit Ite(u32 word) : word_(word) {}
  static constexpr u32 kOrphan = 0xffff;
  static constexpr u64 kEntryBits = kItePintidMask | kIteIcidMask;
  static constexpr u64 kEntryBias = u64{kLpiBase - 1} << 16;
  static_assert(kLpiBase + kNrLpis <= 1u << 16 && kNrLpis < kOrphan);
  u32 word_;
};
static_assert(sizeof(Ite) == 4);

struct Collection {
  u32 target;  // vCPU index, or kNotMapped
  bool present;
};

bool mapped(const Collection* c) { return c && c->present && c->target != kNotMapped; }

// Storage for the ITE arrays of the small devices one table restore
// creates: 64 KiB blocks carved in order, one allocation per block
// instead of one per device (65536 devices of 32 events take 129 blocks,
// not 65536 arrays). A block goes when its last user does: the devices
// carved from it and, while it restores, the IteCarver. Only a restore
// carves, so the blocks stay bounded by the image it restored, however
// the guest remaps its devices afterwards. Blocks are not zeroed: the
// restore writes every entry of what it carves (scan_itt(), then
// restore_dte() for the tail), so each byte is written once.
struct IteBlock {
  static constexpr u32 kEntries = (k64K - 2 * sizeof(u32)) / sizeof(Ite);
  u32 users;
  u32 used;
  Ite ites[kEntries];

  void put() {
    if (!--users) kx::destroy(this);
  }
};
static_assert(sizeof(IteBlock) == k64K);

class IteCarver {
 public:
  IteCarver() = default;
  ~IteCarver() {
    if (block_) block_->put();
  }
  IteCarver(const IteCarver&) = delete;
  IteCarver& operator=(const IteCarver&) = delete;

  // `n` ITEs (n <= kArrayEvents), unwritten, and the block that holds
  // them (with one more user); null for -ENOMEM.
  Ite* carve(u32 n, IteBlock** block) {
    if (!block_ || IteBlock::kEntries - block_->used < n) {
      void* mem = kx_alloc_uninit(sizeof(IteBlock));
      if (!mem) return nullptr;
      if (block_) block_->put();
      block_ = new (mem) IteBlock;
      block_->users = 1;
      block_->used = 0;
    }
    Ite* ites = &block_->ites[block_->used];
    block_->used += n;
    block_->users++;
    *block = block_;
    return ites;
  }

 private:
  IteBlock* block_ = nullptr;
};

// One device (a DTE): where its ITT is and its translations, indexed by
// EventID. It lives in the device table itself (all zero: no device), so
// that an MSI reads the device's slot and then the ITE. A device of up
// to 256 events (an MSI-X function: MAPD sizes of up to 8 bits) has one
// exact-size ITE array, its own (MAPD) or carved from a restore's block;
// a larger one a SparseTable, so that kernel memory follows what the
// guest mapped, not the 2^16 events MAPD may declare.
struct ItsDevice {
  static constexpr u32 kArrayEvents = kx::SparseTable<Ite>::kLeafMax;

  // A new device in an empty slot, its ITE array carved from `carver`
  // if there is one; -ENOMEM leaves the slot empty.
  kx::Status init(u64 itt, u32 bits, IteCarver* carver = nullptr) {
    if (1u << bits <= kArrayEvents) {
      ites = carver ? carver->carve(1u << bits, &block) : kx::alloc_array<Ite>(1u << bits);
      if (!ites) return kx::error(kx::kENOMEM);
    } else {
      kx::AllocChecker ac;
      sparse = new (&ac) kx::SparseTable<Ite>(1u << bits);
      if (!ac.check()) return kx::error(kx::kENOMEM);
    }
    itt_addr = itt;
    event_bits = bits;
    present = true;
    return kx::Status::ok();
  }
  // Frees the translations' storage (not their LPIs) and empties the slot.
  void release() {
    if (block)
      block->put();
    else
      kx::free_array(ites);
    kx::destroy(sparse);
    *this = ItsDevice{};
  }

  u32 nr_events() const { return 1u << event_bits; }
  // The ITE of `event`, mapped or not; null where none can be.
  Ite* find(u32 event) const {
    if (sparse) return sparse->find(event);
    return event < nr_events() ? &ites[event] : nullptr;
  }
  kx::Result<Ite*> ensure(u32 event) {
    if (sparse) [[unlikely]]
      return sparse->ensure(event);
    if (event >= nr_events()) return kx::kEINVAL;
    return &ites[event];
  }
  // f(first EventID, ITEs, count) over the allocated ITEs, in order.
  template <typename F>
  void for_each_run(F f) const {
    if (sparse)
      sparse->for_each_leaf(f);
    else
      f(0u, ites, nr_events());
  }
  template <typename F>
  void for_each(F f) const {
    for_each_run([&](u32 first, Ite* run, u32 count) {
      for (u32 i = 0; i < count; i++) f(first + i, run[i]);
    });
  }

  u64 itt_addr;
  Ite* ites;                     // up to 256 events
  IteBlock* block;               // where ites was carved from, if it was
  kx::SparseTable<Ite>* sparse;  // more
  u32 event_bits;
  bool present;
};

// What the command queue and the tables build: devices with their
// translations, and collections. A restore builds a fresh one and swaps
// it in only when the whole image was good.
struct Translations {
  kx::SparseTable<ItsDevice> devices{1u << kDevBits};
  kx::SparseTable<Collection> collections{kCollections};
};

// What a table restore builds and reads with: the fresh translations,
// the LPI references they take, the blocks their ITE arrays come from,
// and the readers of the level-1 device table and of the ITTs (one for
// all ITTs: consecutive devices' ITTs are often adjacent).
struct Restore {
  Restore(Vm& vm, Translations* fresh) : t(fresh), lpis(vm), l1(vm), itt(vm) {}
  Translations* t;
  LpiRefBatch lpis;
  IteCarver carver;
  GuestPageReader l1;
  GuestPageReader itt;
};

// Architectural command errors (the GICv3 specification's names); the
// ITS ignores them, as hardware that does not report SError would.
enum CmdError : int {
  kOk = 0,
  kMapdDeviceOor = 1,
  kMapdIttSizeOor,
  kMapcProcnumOor,
  kMapcCollectionOor,
  kMaptiUnmappedDevice,
  kMaptiIdOor,
  kMaptiPhysicalIdOor,
  kMoviUnmappedInterrupt,
  kMoviUnmappedCollection,
  kDiscardUnmappedInterrupt,
  kClearUnmappedInterrupt,
  kInvUnmappedInterrupt,
  kInvallUnmappedCollection,
  kMovallProcnumOor,
  kIntUnmappedInterrupt,
};

class Its final : public IoHandler {
 public:
  // The device type KVM_DEV_TYPE_ARM_VGIC_ITS (virt/kvm/c_abi.h): several
  // per VM, each destroyed with the VM.
  static constexpr const char* kName = "kvm-arm-vgic-its";
  static constexpr bool kDiesWithFd = false;
  static kx::Result<Its*> Create(Vm& vm, u32 type) KX_REQUIRES(vm.lock);
  static void Destroy(Its* its);

  kx::Status set_addr(const kx_attr& a) { return addr_attr(true, a); }
  kx::Status get_addr(const kx_attr& a) { return addr_attr(false, a); }
  kx::Status has_addr(const kx_attr& a);
  kx::Status set_ctrl(const kx_attr& a);
  kx::Status has_ctrl(const kx_attr& a);
  kx::Status set_regs(const kx_attr& a) { return regs_attr(true, a); }
  kx::Status get_regs(const kx_attr& a) { return regs_attr(false, a); }
  kx::Status has_regs(const kx_attr& a);
  static const AttrGroup<Its> kAttrGroups[3];

  static Its* Make(Vm* vm) {
    kx::AllocChecker ac;
    Translations* t = new (&ac) Translations;
    if (!ac.check()) return nullptr;
    Its* its = new (&ac) Its(vm, t);
    if (!ac.check()) {
      kx::destroy(t);
      return nullptr;
    }
    return its;
  }
  ~Its() { free_translations(t_); }

  kx::Status read(Vcpu& vcpu, u64 offset, u32 len, u64* data) override;
  kx::Status write(Vcpu& vcpu, u64 offset, u32 len, u64 data) override;

  // Userspace (GRP_ITS_REGS, with every vCPU locked).
  kx::Status uaccess(u32 offset, bool write, u64* val) KX_REQUIRES(mutex);
  bool reg_exists(u32 offset) const;
  // KVM_SIGNAL_MSI and the INT command: 1 delivered, 0 not mapped.
  kx::Result<int> trigger(u32 devid, u32 eventid) KX_REQUIRES(mutex);
  void reset() KX_REQUIRES(mutex);
  kx::Status save_tables() KX_REQUIRES(mutex);
  kx::Status restore_tables() KX_REQUIRES(mutex);
  // One 32-byte command; >0 an architectural error, <0 an errno.
  int handle_command(const u64 cmd[4]) KX_REQUIRES(mutex);

  Vm& vm() { return *vm_; }

  // Guards the registers and the translations, and with Vm::lock the
  // frame's address.
  kx::Mutex mutex{&its_lock_class};

  // The registers, for the register table's accessors (below the class).
  bool& enabled() KX_REQUIRES(mutex) { return enabled_; }  // GITS_CTLR.Enabled
  u32& abi_rev() KX_REQUIRES(mutex) { return abi_rev_; }   // GITS_IIDR.Revision
  u64& cbaser() KX_REQUIRES(mutex) { return cbaser_; }
  u64& creadr() KX_REQUIRES(mutex) { return creadr_; }
  u64& cwriter() KX_REQUIRES(mutex) { return cwriter_; }
  u64& baser_device() KX_REQUIRES(mutex) { return baser_device_; }
  u64& baser_coll() KX_REQUIRES(mutex) { return baser_coll_; }
  Translations* translations() KX_REQUIRES(mutex) { return t_; }

  kx::Status addr_attr(bool write, const kx_attr& a);
  kx::Status regs_attr(bool write, const kx_attr& a);

  // The registers (the table below) and the commands.
  void process_commands() KX_REQUIRES(mutex);
  void commit_abi() KX_REQUIRES(mutex);
  // put_lpis false: a restore's tables whose LPI references were never
  // taken (LpiRefBatch).
  void free_devices(Translations* t, bool put_lpis = true);
  void free_collections(Translations* t);
  void free_translations(Translations* t, bool put_lpis = true);

 private:
  Its(Vm* vm, Translations* t) : vm_(vm), t_(t) { commit_abi(); }

  // The frame's address (KVM_VGIC_ITS_ADDR_TYPE): set under Vm::lock and
  // mutex, so either is enough to read it. The analysis can check only
  // one guard per field (mutex); the Vm::lock reader is exempt. `vm` is
  // this ITS's VM, whose lock the caller holds.
  u64 base(const Vm& vm) const KX_REQUIRES(vm.lock) KX_NO_THREAD_SAFETY_ANALYSIS { return base_; }
  void set_base(const Vm& vm, u64 base) KX_REQUIRES(vm.lock, mutex) { base_ = base; }

  Dist& dist() { return dist_of(*vm_); }
  bool gpa_visible(u64 gpa) { return vm_->gfn_visible(gpa >> KX_PAGE_SHIFT); }
  // `visible`: the caller has just read the entry there, so it is in
  // guest RAM (a restore); else the memslots say (a command, a save).
  bool check_id(u64 baser, u32 id, u64* eaddr, GuestPageReader* reader = nullptr,
                bool visible = false);
  bool check_event_id(const ItsDevice& dev, u32 event);
  ItsDevice* find_device(Translations* t, u32 devid) {
    ItsDevice* dev = t->devices.find(devid);
    return dev && dev->present ? dev : nullptr;
  }
  Ite* find_ite(Translations* t, u32 devid, u32 event) {
    ItsDevice* dev = find_device(t, devid);
    if (!dev) return nullptr;
    Ite* ite = dev->find(event);
    return ite && ite->present() ? ite : nullptr;
  }
  Collection* find_collection(Translations* t, u32 icid) {
    Collection* c = t->collections.find(icid);
    return c && c->present ? c : nullptr;
  }
  Collection* collection_of(Translations* t, const Ite& ite) {
    return ite.has_collection() ? find_collection(t, ite.icid()) : nullptr;
  }
  u16 target_of(const Collection* c) { return mapped(c) ? static_cast<u16>(c->target) : kNoVcpu; }
  void free_device(Translations* t, u32 devid, bool put_lpis = true);
  void free_ite(Ite& ite, bool put_lpi = true);
  void free_collection(Translations* t, u32 icid);
  void set_affinity(Translations* t, u32 icid);
  kx::Status write_entry(u64 gpa, u64 value);
  void clear_itt(const ItsDevice& dev);

  int cmd_mapd(const u64* c) KX_REQUIRES(mutex);
  int cmd_mapc(const u64* c) KX_REQUIRES(mutex);
  int cmd_mapti(const u64* c) KX_REQUIRES(mutex);
  int cmd_movi(const u64* c) KX_REQUIRES(mutex);
  int cmd_discard(const u64* c) KX_REQUIRES(mutex);
  int cmd_clear(const u64* c) KX_REQUIRES(mutex);
  int cmd_inv(const u64* c) KX_REQUIRES(mutex);
  int cmd_invall(const u64* c) KX_REQUIRES(mutex);
  int cmd_movall(const u64* c) KX_REQUIRES(mutex);
  int cmd_int(const u64* c) KX_REQUIRES(mutex);

  // Touches only `dev` and `w`: a table walk's callback calls it.
  static kx::Status save_itt(GuestPageWriter& w, const ItsDevice& dev);
  kx::Status restore_collections(Translations* t) KX_REQUIRES(mutex);
  kx::Status restore_devices(Restore& r) KX_REQUIRES(mutex);
  kx::Result<int> restore_dte(Restore& r, u32 id, u64 entry) KX_REQUIRES(mutex);
  template <typename Sink>
  kx::Result<int> scan_itt(Restore& r, Sink& sink, u64 itt, u32 nr, u32 next) KX_REQUIRES(mutex);
  kx::Status scan_dtes(Restore& r, u64 gpa, u64 len, u32 start_id, bool* last) KX_REQUIRES(mutex);

  Vm* const vm_;
  u64 base_ KX_GUARDED_BY(mutex) = kAddrUndef;
  bool enabled_ KX_GUARDED_BY(mutex) = false;
  u32 abi_rev_ KX_GUARDED_BY(mutex) = 0;
  u64 cbaser_ KX_GUARDED_BY(mutex) = 0;
  u64 creadr_ KX_GUARDED_BY(mutex) = 0;
  u64 cwriter_ KX_GUARDED_BY(mutex) = 0;
  u64 baser_device_ KX_GUARDED_BY(mutex) = kInitialBaser | kTypeDevice << kBaserTypeShift;
  u64 baser_coll_ KX_GUARDED_BY(mutex) = kInitialBaser | kTypeCollection << kBaserTypeShift;
  Translations* t_ KX_GUARDED_BY(mutex);
};

// --- Tables in guest RAM ---

// vgic_its_check_id(): whether `id` has an entry in the table `baser`
// describes (flat, or two-level with a valid first-level entry), and
// where. The entry must be in guest RAM.
bool Its::check_id(u64 baser, u32 id, u64* eaddr, GuestPageReader* reader, bool visible) {
  const u64 l1_bytes = baser_bytes(baser);
  const u64 type = (baser >> kBaserTypeShift) & 7;
  const u64 table = baser_addr(baser);
  if (type == kTypeDevice) {
    if (id >= 1u << kDevBits) return false;
  } else if (type == kTypeCollection) {
    if (id >= kCollections) return false;
  } else {
    return false;
  }
  u64 addr;
  if (!(baser & kBaserIndirect)) {
    if (id >= l1_bytes / kEsz) return false;
    addr = table + u64{id} * kEsz;
  } else {
    const u64 index = id / (k64K / kEsz);
    if (index >= l1_bytes / 8) return false;
    u8 raw[8];
    kx::Status s = reader ? reader->read(table + index * 8, raw, 8)
                          : vm_->read_guest(table + index * 8, raw, 8);
    if (s.is_error()) return false;
    const u64 l1 = le64(raw);
    if (!(l1 & kL1Valid)) return false;
    addr = (l1 & kL1AddrMask) + (id % (k64K / kEsz)) * kEsz;
  }
  if (eaddr) *eaddr = addr;
  return visible || gpa_visible(addr);
}

bool Its::check_event_id(const ItsDevice& dev, u32 event) {
  return event < dev.nr_events() && gpa_visible(dev.itt_addr + u64{event} * kEsz);
}

kx::Status Its::write_entry(u64 gpa, u64 value) {
  u8 raw[8];
  put_le64(raw, value);
  return guest_error(vm_->write_guest(gpa, raw, 8));
}

// --- Freeing ---

void Its::free_ite(Ite& ite, bool put_lpi) {
  if (ite.present() && put_lpi) lpi_put(*vm_, ite.lpi());
  ite = Ite{};
}

void Its::free_device(Translations* t, u32 devid, bool put_lpis) {
  ItsDevice* dev = find_device(t, devid);
  if (!dev) return;
  dev->for_each([&](u32, Ite& ite) { free_ite(ite, put_lpis); });
  dev->release();
}

void Its::free_devices(Translations* t, bool put_lpis) {
  t->devices.for_each([&](u32 id, ItsDevice& dev) {
    if (dev.present) free_device(t, id, put_lpis);
  });
  t->devices.clear();
}

// vgic_its_free_collection(): translations through it keep their LPI but
// lose their collection.
void Its::free_collection(Translations* t, u32 icid) {
  Collection* c = find_collection(t, icid);
  if (!c) return;
  t->devices.for_each([&](u32, ItsDevice& dev) {
    if (!dev.present) return;
    dev.for_each([&](u32, Ite& ite) {
      if (ite.present() && ite.has_collection() && ite.icid() == icid) ite.drop_collection();
    });
  });
  *c = Collection{};
}

void Its::free_collections(Translations* t) {
  t->collections.for_each([&](u32 id, Collection& c) {
    if (c.present) free_collection(t, id);
  });
  t->collections.clear();
}

void Its::free_translations(Translations* t, bool put_lpis) {
  if (!t) return;
  free_devices(t, put_lpis);
  free_collections(t);
  kx::destroy(t);
}

// update_affinity_collection(): every LPI translated through the
// collection goes to its (new) target.
void Its::set_affinity(Translations* t, u32 icid) {
  const u16 target = target_of(find_collection(t, icid));
  Dist& d = dist();
  t->devices.for_each([&](u32, ItsDevice& dev) {
    if (!dev.present) return;
    dev.for_each([&](u32, Ite& ite) {
      if (!ite.present() || !ite.has_collection() || ite.icid() != icid) return;
      kx::IrqSaveGuard guard(&d.lock);
      lpi_set_target(d, ite.lpi(), target);
    });
  });
}

}  // namespace its
}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
