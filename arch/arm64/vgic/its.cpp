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

// Register offsets.
constexpr u32 kCtlr = 0x0, kIidr = 0x4, kTyperOff = 0x8, kCbaser = 0x80, kCwriter = 0x88,
              kCreadr = 0x90, kBaser = 0x100, kIdregs = 0xffd0, kPidr4 = 0xffd0;

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

// --- Command fields (its_cmd_get_*()) ---

u64 field(const u64* c, u32 word, u32 shift, u32 size) {
  return (c[word] >> shift) & (size == 64 ? ~0ull : (1ull << size) - 1);
}
u8 cmd_code(const u64* c) { return static_cast<u8>(field(c, 0, 0, 8)); }
u32 cmd_devid(const u64* c) { return static_cast<u32>(field(c, 0, 32, 32)); }
u32 cmd_size(const u64* c) { return static_cast<u32>(field(c, 1, 0, 5)) + 1; }
u32 cmd_event(const u64* c) { return static_cast<u32>(field(c, 1, 0, 32)); }
u32 cmd_pintid(const u64* c) { return static_cast<u32>(field(c, 1, 32, 32)); }
u32 cmd_icid(const u64* c) { return static_cast<u32>(field(c, 2, 0, 16)); }
u64 cmd_itt(const u64* c) { return field(c, 2, 8, 44) << 8; }
u32 cmd_target(const u64* c) { return static_cast<u32>(field(c, 2, 16, 32)); }
bool cmd_valid(const u64* c) { return field(c, 2, 63, 1); }

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

// --- Commands (vgic_its_handle_command()) ---

int Its::cmd_mapd(const u64* c) {
  const u32 devid = cmd_devid(c);
  const u32 bits = cmd_size(c);
  u64 gpa;
  if (!check_id(baser_device_, devid, &gpa)) return kMapdDeviceOor;
  if (cmd_valid(c) && bits > kEventBits) return kMapdIttSizeOor;
  if (const ItsDevice* old = find_device(t_, devid)) clear_itt(*old);
  free_device(t_, devid);
  if (!cmd_valid(c)) return write_entry(gpa, 0).raw();
  kx::Result<ItsDevice*> slot = t_->devices.ensure(devid);
  if (slot.is_error()) return slot.error().raw();
  return slot.value()->init(cmd_itt(c), bits).raw();
}

// The ITEs of a device MAPD unmaps or remaps leave its ITT in guest RAM
// too, as DISCARD's one does: a save may have written them there, and a
// later save (of nothing, or of other events) followed by a restore
// would bring them back. Guest RAM errors are ignored, as the command's
// effect on the ITS stands.
void Its::clear_itt(const ItsDevice& dev) {
  GuestPageWriter w(*vm_);
  dev.for_each([&](u32 event, const Ite& ite) {
    if (!ite.present()) return;
    if (u8* slot = w.append(dev.itt_addr + u64{event} * kEsz, kEsz)) put_le64(slot, 0);
  });
  (void)w.flush();
}

int Its::cmd_mapc(const u64* c) {
  const u32 icid = cmd_icid(c);
  const u32 target = cmd_target(c);
  if (target >= vm_->online_vcpus()) return kMapcProcnumOor;
  if (!cmd_valid(c)) {
    free_collection(t_, icid);
    return kOk;
  }
  if (Collection* coll = find_collection(t_, icid)) {
    coll->target = target;
    set_affinity(t_, icid);
    return kOk;
  }
  if (!check_id(baser_coll_, icid, nullptr)) return kMapcCollectionOor;
  kx::Result<Collection*> coll = t_->collections.ensure(icid);
  if (coll.is_error()) return coll.error().raw();
  *coll.value() = Collection{target, true};
  return kOk;
}

// MAPI and MAPTI (vgic_its_cmd_handle_mapi()).
int Its::cmd_mapti(const u64* c) {
  const u32 devid = cmd_devid(c), event = cmd_event(c), icid = cmd_icid(c);
  ItsDevice* dev = find_device(t_, devid);
  if (!dev) return kMaptiUnmappedDevice;
  if (!check_event_id(*dev, event)) return kMaptiIdOor;
  const u32 lpi = cmd_code(c) == kMapti ? cmd_pintid(c) : event;
  u32 limit;
  {
    kx::IrqSaveGuard guard(&dist().lock);
    limit = lpi_limit(dist());
  }
  if (lpi < kLpiBase || lpi >= limit) return kMaptiPhysicalIdOor;
  if (find_ite(t_, devid, event)) return kOk;
  Collection* coll = find_collection(t_, icid);
  bool new_coll = false;
  if (!coll) {
    if (!check_id(baser_coll_, icid, nullptr)) return kMapcCollectionOor;
    kx::Result<Collection*> fresh = t_->collections.ensure(icid);
    if (fresh.is_error()) return fresh.error().raw();
    coll = fresh.value();
    *coll = Collection{kNotMapped, true};
    new_coll = true;
  }
  int r = kOk;
  kx::Result<Ite*> ite = dev->ensure(event);
  if (ite.is_error()) {
    r = ite.error().raw();
  } else {
    r = lpi_get(*vm_, lpi, target_of(coll)).raw();
    if (r == 0) *ite.value() = Ite{lpi, static_cast<u16>(icid)};
  }
  if (r && new_coll) *coll = Collection{};
  return r;
}

int Its::cmd_movi(const u64* c) {
  Ite* ite = find_ite(t_, cmd_devid(c), cmd_event(c));
  if (!ite) return kMoviUnmappedInterrupt;
  if (!mapped(collection_of(t_, *ite))) return kMoviUnmappedCollection;
  Collection* coll = find_collection(t_, cmd_icid(c));
  if (!mapped(coll)) return kMoviUnmappedCollection;
  ite->set_collection(static_cast<u16>(cmd_icid(c)));
  kx::IrqSaveGuard guard(&dist().lock);
  lpi_set_target(dist(), ite->lpi(), target_of(coll));
  return kOk;
}

int Its::cmd_discard(const u64* c) {
  const u32 devid = cmd_devid(c), event = cmd_event(c);
  Ite* ite = find_ite(t_, devid, event);
  if (!ite || !mapped(collection_of(t_, *ite))) return kDiscardUnmappedInterrupt;
  free_ite(*ite);
  return write_entry(find_device(t_, devid)->itt_addr + u64{event} * kEsz, 0).raw();
}

int Its::cmd_clear(const u64* c) {
  Ite* ite = find_ite(t_, cmd_devid(c), cmd_event(c));
  if (!ite) return kClearUnmappedInterrupt;
  Dist& d = dist();
  kx::IrqSaveGuard guard(&d.lock);
  if (Irq* irq = lpi_at(d, ite->lpi())) {
    irq->pending_latch = false;
    changed(d, nullptr, *irq);
  }
  return kOk;
}

int Its::cmd_inv(const u64* c) {
  Ite* ite = find_ite(t_, cmd_devid(c), cmd_event(c));
  if (!ite) return kInvUnmappedInterrupt;
  return guest_error(lpi_update_config(*vm_, ite->lpi())).raw();
}

int Its::cmd_invall(const u64* c) {
  Collection* coll = find_collection(t_, cmd_icid(c));
  if (!mapped(coll)) return kInvallUnmappedCollection;
  (void)lpi_invall(*vm_, target_of(coll));  // 6.1 ignores its result
  return kOk;
}

int Its::cmd_movall(const u64* c) {
  const u32 from = cmd_target(c);
  const u32 to = static_cast<u32>(field(c, 3, 16, 32));
  if (from >= vm_->online_vcpus() || to >= vm_->online_vcpus()) return kMovallProcnumOor;
  if (from == to) return kOk;
  kx::IrqSaveGuard guard(&dist().lock);
  lpi_move_all(dist(), static_cast<u16>(from), static_cast<u16>(to));
  return kOk;
}

int Its::cmd_int(const u64* c) {
  kx::Result<int> r = trigger(cmd_devid(c), cmd_event(c));
  if (r.is_error()) return r.error().raw();
  return r.value() ? kOk : kIntUnmappedInterrupt;
}

int Its::handle_command(const u64 cmd[4]) {
  switch (cmd_code(cmd)) {
    case kMapd:
      return cmd_mapd(cmd);
    case kMapc:
      return cmd_mapc(cmd);
    case kMapi:
    case kMapti:
      return cmd_mapti(cmd);
    case kMovi:
      return cmd_movi(cmd);
    case kDiscard:
      return cmd_discard(cmd);
    case kClear:
      return cmd_clear(cmd);
    case kMovall:
      return cmd_movall(cmd);
    case kInt:
      return cmd_int(cmd);
    case kInv:
      return cmd_inv(cmd);
    case kInvall:
      return cmd_invall(cmd);
    case kSync:
      return kOk;
  }
  return -kx::kENODEV;
}

// vgic_its_process_commands(): from CREADR to CWRITER, wrapping at the
// end of the queue. A command that cannot be read is skipped (GICv3
// 6.3.2 lets the ITS ignore it).
void Its::process_commands() {
  if (!enabled_) return;
  const u64 queue = cbaser_addr(cbaser_);
  const u64 size = cmdq_bytes(cbaser_);
  while (cwriter_ != creadr_) {
    u8 raw[32];
    if (vm_->read_guest(queue + creadr_, raw, sizeof(raw)).is_ok()) {
      const u64 cmd[4] = {le64(raw), le64(raw + 8), le64(raw + 16), le64(raw + 24)};
      (void)handle_command(cmd);
    }
    creadr_ += 32;
    if (creadr_ == size) creadr_ = 0;
  }
}

// vgic_its_trigger_msi() and vgic_its_resolve_lpi().
kx::Result<int> Its::trigger(u32 devid, u32 eventid) {
  if (!enabled_) return kx::kEBUSY;
  Ite* ite = find_ite(t_, devid, eventid);
  const Collection* coll = ite ? collection_of(t_, *ite) : nullptr;
  if (!mapped(coll)) return 0;
  Dist& d = dist();
  kx::IrqSaveGuard guard(&d.lock);
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  if (coll->target >= vcpus.size() || !vcpus[coll->target]) return 0;
  if (!cpuif(*vcpus[coll->target]).lpis_enabled) return kx::kEBUSY;
  Irq* irq = lpi_at(d, ite->lpi());
  if (!irq) return 0;
  irq->pending_latch = true;
  changed(d, nullptr, *irq);
  return 1;
}

// --- Registers (6.1's its_registers) ---

void Its::commit_abi() {
  // vgic_its_commit_v0(): the entry sizes the ABI has.
  baser_coll_ = (baser_coll_ & ~kBaserEszMask) | u64{kEsz - 1} << kBaserEszShift;
  baser_device_ = (baser_device_ & ~kBaserEszMask) | u64{kEsz - 1} << kBaserEszShift;
}

u64 sanitise_baser(u64 reg) {
  reg = mmio::sanitise(reg, 10, 3, mmio::shareability);
  reg = mmio::sanitise(reg, 59, 7, mmio::inner_cache);
  reg = mmio::sanitise(reg, 53, 7, mmio::outer_cache);
  return (reg & ~kBaserPageSizeMask) | kBaserPageSize64K;  // 64K pages only
}

u64 sanitise_cbaser(u64 reg) {
  reg = mmio::sanitise(reg, 10, 3, mmio::shareability);
  reg = mmio::sanitise(reg, 59, 7, mmio::inner_cache);
  reg = mmio::sanitise(reg, 53, 7, mmio::outer_cache);
  return reg & ~(0xfull << 12);  // a 64K-aligned queue
}

// A row's accessors run under Its::mutex (Its::read(), write(), uaccess())
// and say so.
struct ItsReg {
  u32 offset;
  u32 len;
  bool wide;  // a 64-bit register: 64-bit accesses too, and 64-bit uaccess
  u64 (*read)(Its& its, u32 offset);
  void (*write)(Its& its, u32 offset, u32 len, u64 val);
  // Userspace writes that differ from the guest's (null: as the guest).
  kx::Status (*uwrite)(Its& its, u32 offset, u64 val);
};

u64 read_ctlr(Its& its, u32) KX_REQUIRES(its.mutex) {
  u64 v = its.creadr() == its.cwriter() ? kCtlrQuiescent : 0;
  return its.enabled() ? v | kCtlrEnable : v;
}
void write_ctlr(Its& its, u32, u32, u64 val) KX_REQUIRES(its.mutex) {
  // Enabling with an invalid table or queue is UNPREDICTABLE: ignored.
  if (!its.enabled() && (val & kCtlrEnable) &&
      (!(its.baser_device() & kBaserValid) || !(its.baser_coll() & kBaserValid) ||
       !(its.cbaser() & kBaserValid)))
    return;
  its.enabled() = val & kCtlrEnable;
  its.process_commands();
}
u64 read_iidr(Its& its, u32) KX_REQUIRES(its.mutex) {
  return ((its.abi_rev() << kIidrRevShift) & kIidrRevMask) | kProductKvm << 24 | kImplementerArm;
}
kx::Status uwrite_iidr(Its& its, u32, u64 val) KX_REQUIRES(its.mutex) {
  const u32 rev = (static_cast<u32>(val) & kIidrRevMask) >> kIidrRevShift;
  if (rev >= kNrAbis) return kx::error(kx::kEINVAL);
  its.abi_rev() = rev;
  its.commit_abi();
  return kx::Status::ok();
}
u64 read_typer(Its&, u32) { return kTyper; }
u64 read_cbaser(Its& its, u32) KX_REQUIRES(its.mutex) { return its.cbaser(); }
void write_cbaser(Its& its, u32 offset, u32 len, u64 val) KX_REQUIRES(its.mutex) {
  if (its.enabled()) return;  // read-only while enabled
  its.cbaser() = sanitise_cbaser(mmio::update64(its.cbaser(), offset, len, val));
  // CWRITER is UNKNOWN after this; the queue starts empty.
  its.creadr() = 0;
  its.cwriter() = 0;
}
u64 read_cwriter(Its& its, u32) KX_REQUIRES(its.mutex) { return its.cwriter(); }
void write_cwriter(Its& its, u32 offset, u32 len, u64 val) KX_REQUIRES(its.mutex) {
  const u64 reg = mmio::update64(its.cwriter(), offset, len, val) & 0xfffe0;  // bits 19:5
  if (reg >= cmdq_bytes(its.cbaser())) return;
  its.cwriter() = reg;
  its.process_commands();
}
u64 read_creadr(Its& its, u32) KX_REQUIRES(its.mutex) { return its.creadr(); }
kx::Status uwrite_creadr(Its& its, u32, u64 val) KX_REQUIRES(its.mutex) {
  if (its.enabled()) return kx::error(kx::kEBUSY);
  const u64 offset = val & 0xfffe0;
  if (offset >= cmdq_bytes(its.cbaser())) return kx::error(kx::kEINVAL);
  its.creadr() = offset;
  return kx::Status::ok();
}
u64* baser_reg(Its& its, u32 offset) KX_REQUIRES(its.mutex) {
  switch ((offset - kBaser) / 8) {
    case 0:
      return &its.baser_device();
    case 1:
      return &its.baser_coll();
  }
  return nullptr;
}
u64 read_baser(Its& its, u32 offset) KX_REQUIRES(its.mutex) {
  const u64* reg = baser_reg(its, offset);
  return reg ? *reg : 0;
}
void write_baser(Its& its, u32 offset, u32 len, u64 val) KX_REQUIRES(its.mutex) {
  if (its.enabled()) return;
  u64* reg = baser_reg(its, offset);
  if (!reg) return;
  const bool device = reg == &its.baser_device();
  u64 v = mmio::update64(*reg, offset, len, val) & ~kBaserRoMask;
  if (!device) v &= ~kBaserIndirect;  // a flat collection table
  v |= u64{kEsz - 1} << kBaserEszShift;
  v |= (device ? kTypeDevice : kTypeCollection) << kBaserTypeShift;
  *reg = sanitise_baser(v);
  if (!(*reg & kBaserValid)) {
    if (device)
      its.free_devices(its.translations());
    else
      its.free_collections(its.translations());
  }
}
u64 read_idregs(Its&, u32 offset) {
  switch (offset) {
    case 0xffe0:  // GITS_PIDR0: part number [7:0]
      return 0x92;
    case 0xffe4:  // GITS_PIDR1: part number [11:8]
      return 0xb4;
    case 0xffe8:  // GITS_PIDR2: GICv3, JEP106 [6:4]
      return 0x3b;
    case kPidr4:  // a 64K software-visible page
      return 0x40;
    case 0xfff0:  // GITS_CIDR0-3: any GIC's
      return 0x0d;
    case 0xfff4:
      return 0xf0;
    case 0xfff8:
      return 0x05;
    case 0xfffc:
      return 0xb1;
  }
  return 0;
}
void write_wi(Its&, u32, u32, u64) {}

constexpr ItsReg kItsRegs[] = {
    {kCtlr, 4, false, read_ctlr, write_ctlr, nullptr},
    {kIidr, 4, false, read_iidr, write_wi, uwrite_iidr},
    {kTyperOff, 8, true, read_typer, write_wi, nullptr},
    {kCbaser, 8, true, read_cbaser, write_cbaser, nullptr},
    {kCwriter, 8, true, read_cwriter, write_cwriter, nullptr},
    {kCreadr, 8, true, read_creadr, write_wi, uwrite_creadr},
    {kBaser, 0x40, true, read_baser, write_baser, nullptr},
    {kIdregs, 0x30, false, read_idregs, write_wi, nullptr},
};

const ItsReg* find_reg(u32 offset) {
  for (const ItsReg& r : kItsRegs) {
    if (offset >= r.offset && offset < r.offset + r.len) return &r;
  }
  return nullptr;
}

// A guest access: 32-bit to any register, 64-bit to the 64-bit ones,
// naturally aligned; anything else, and any offset without a register,
// reads as zero and ignores writes (vgic_validate_mmio_access()).
const ItsReg* guest_reg(u64 offset, u32 len) {
  if ((len != 4 && len != 8) || offset % len || offset >= kFrameSize) return nullptr;
  const ItsReg* r = find_reg(static_cast<u32>(offset));
  return r && (len == 4 || r->wide) ? r : nullptr;
}

kx::Status Its::read(Vcpu&, u64 offset, u32 len, u64* data) {
  const ItsReg* r = guest_reg(offset, len);
  if (!r) {
    *data = 0;
    return kx::Status::ok();
  }
  const u32 off = static_cast<u32>(offset);
  kx::Guard<kx::Mutex> guard(&mutex);
  const u64 v = r->read(*this, r->wide ? off & ~7u : off);
  *data = r->wide ? mmio::extract(v, off, len) : v;
  return kx::Status::ok();
}

kx::Status Its::write(Vcpu&, u64 offset, u32 len, u64 data) {
  const ItsReg* r = guest_reg(offset, len);
  if (!r) return kx::Status::ok();
  const u32 off = static_cast<u32>(offset);
  kx::Guard<kx::Mutex> guard(&mutex);
  // A 32-bit access to half of a 64-bit register: update64() places it.
  r->write(*this, off, len, data);
  return kx::Status::ok();
}

bool Its::reg_exists(u32 offset) const { return find_reg(offset) != nullptr; }

kx::Status Its::uaccess(u32 offset, bool write, u64* val) {
  const ItsReg* r = find_reg(offset);
  if (!r) return kx::error(kx::kENXIO);
  const u32 len = r->wide ? 8 : 4;
  if (write) {
    if (r->uwrite) return r->uwrite(*this, offset, *val);
    r->write(*this, offset, len, *val);
    return kx::Status::ok();
  }
  *val = r->read(*this, offset);
  return kx::Status::ok();
}

// vgic_its_reset(): the state of a new ITS, except that the ABI (and the
// entry sizes that go with it) stays.
void Its::reset() {
  baser_coll_ &= ~kBaserValid;
  baser_device_ &= ~kBaserValid;
  cbaser_ = creadr_ = cwriter_ = 0;
  enabled_ = false;
  free_devices(t_);
  free_collections(t_);
}

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

// --- The device (vgic_its_create() and the attribute groups) ---

namespace its {

// vgic_its_create(), with Vm::lock held: the ITS goes on the GIC's list
// (KVM_SIGNAL_MSI looks for its doorbell there) and the GIC now has LPIs.
kx::Result<Its*> Its::Create(Vm& vm, u32) {
  Its* its = Make(&vm);
  if (!its) return kx::kENOMEM;
  Dist& d = dist_of(vm);
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    if (kx::Status s = d.itses(vm).push_back(its); s.is_error()) {
      kx::destroy(its);
      return s;
    }
  }
  d.has_its.store(true);  // and so msis_require_devid
  kx::IrqSaveGuard guard(&d.lock);
  d.propbaser() = kInitialPropbaser;
  return its;
}

// At the VM's end (vgic_its_destroy()).
void Its::Destroy(Its* its) {
  Vm& vm = its->vm();
  Dist& d = dist_of(vm);
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    vm.mmio_bus().remove(its);
    kx::Vector<Its*>& itses = d.itses(vm);
    for (usize i = 0; i < itses.size(); i++) {
      if (itses[i] == its) itses.erase(i);
    }
  }
  kx::destroy(its);
}

kx::Status Its::addr_attr(bool write, const kx_attr& a) {
  if (a.attr != KX_VGIC_ITS_ADDR_TYPE) return kx::error(kx::kENODEV);
  Vm& vm = *vm_;
  if (!write) {
    u64 value;
    {
      kx::Guard<kx::Mutex> guard(&vm.lock);
      value = base(vm);
    }
    return kx_copy_to_user(a.addr, &value, 8) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  }
  u64 addr;
  if (kx_copy_from_user(&addr, a.addr, 8)) return kx::error(kx::kEFAULT);
  kx::Guard<kx::Mutex> guard(&vm.lock);
  KX_TRY(dev::check_iorange(vm, base(vm), addr, kFrameAlign, kFrameSize));
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    KX_TRY(vm.mmio_bus().add(addr, kFrameSize, this));
  }
  kx::Guard<kx::Mutex> its_guard(&mutex);
  set_base(vm, addr);
  return kx::Status::ok();
}

kx::Status Its::has_addr(const kx_attr& a) {
  return a.attr == KX_VGIC_ITS_ADDR_TYPE ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// vgic_its_ctrl(). INIT has nothing to do. An attribute the document does
// not list is -ENXIO, as HAS_DEVICE_ATTR says (6.1 returns 0 for it:
// Documentation/differences.rst).
kx::Status Its::set_ctrl(const kx_attr& a) {
  const u64 attr = a.attr;
  if (attr == KX_DEV_ARM_VGIC_CTRL_INIT) return kx::Status::ok();
  if (attr != KX_DEV_ARM_ITS_CTRL_RESET && attr != KX_DEV_ARM_ITS_SAVE_TABLES &&
      attr != KX_DEV_ARM_ITS_RESTORE_TABLES)
    return kx::error(kx::kENXIO);
  Vm& vm = *vm_;
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
  kx::Status s;
  {
    kx::Guard<kx::Mutex> its_guard(&mutex);
    if (attr == KX_DEV_ARM_ITS_CTRL_RESET)
      reset();
    else if (attr == KX_DEV_ARM_ITS_SAVE_TABLES)
      s = save_tables();
    else
      s = restore_tables();
  }
  vm.unlock_all_vcpus();
  return s;
}

kx::Status Its::has_ctrl(const kx_attr& a) {
  const u64 attr = a.attr;
  return attr == KX_DEV_ARM_VGIC_CTRL_INIT || attr == KX_DEV_ARM_ITS_SAVE_TABLES ||
                 attr == KX_DEV_ARM_ITS_RESTORE_TABLES || attr == KX_DEV_ARM_ITS_CTRL_RESET
             ? kx::Status::ok()
             : kx::error(kx::kENXIO);
}

// vgic_its_attr_regs_access(): 32-bit registers (below GITS_TYPER, and the
// ID registers) at 4-byte offsets, the others at 8-byte ones.
bool regs_offset_aligned(u64 offset) {
  const u64 align = offset < kTyperOff || offset >= kPidr4 ? 3 : 7;
  return !(offset & align);
}

kx::Status Its::regs_attr(bool write, const kx_attr& a) {
  u64 val = 0;
  if (write && kx_copy_from_user(&val, a.addr, 8)) return kx::error(kx::kEFAULT);
  if (!regs_offset_aligned(a.attr)) return kx::error(kx::kEINVAL);
  Vm& vm = *vm_;
  kx::Status s;
  {
    kx::Guard<kx::Mutex> guard(&vm.lock);
    if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
    {
      kx::Guard<kx::Mutex> its_guard(&mutex);
      if (base_ == kAddrUndef || a.attr > 0xffffffffull)
        s = kx::error(kx::kENXIO);
      else
        s = uaccess(static_cast<u32>(a.attr), write, &val);
    }
    vm.unlock_all_vcpus();
  }
  KX_TRY(s);
  if (!write && kx_copy_to_user(a.addr, &val, 8)) return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

kx::Status Its::has_regs(const kx_attr& a) {
  if (!regs_offset_aligned(a.attr)) return kx::error(kx::kEINVAL);
  return a.attr <= 0xffffffffull && reg_exists(static_cast<u32>(a.attr)) ? kx::Status::ok()
                                                                         : kx::error(kx::kENXIO);
}

constexpr AttrGroup<Its> Its::kAttrGroups[3] = {
    {KX_DEV_ARM_VGIC_GRP_ADDR, &Its::set_addr, &Its::get_addr, &Its::has_addr},
    {KX_DEV_ARM_VGIC_GRP_CTRL, &Its::set_ctrl, nullptr, &Its::has_ctrl},
    {KX_DEV_ARM_VGIC_GRP_ITS_REGS, &Its::set_regs, &Its::get_regs, &Its::has_regs},
};

}  // namespace its

bool msis_require_devid(Vm& vm) { return dist_of(vm).has_its.load(); }

// KVM_SIGNAL_MSI (kvm_send_userspace_msi(), kvm_set_msi(),
// vgic_its_inject_msi()).
kx::Result<int> signal_msi(Vm& vm, u64 address, u32 data, u32 flags, u32 devid) {
  constexpr u32 kValidDevid = 1;  // KVM_MSI_VALID_DEVID
  Dist& d = dist_of(vm);
  bool in_kernel;
  {
    kx::Guard<kx::Mutex> guard(&vm.lock);
    in_kernel = d.in_kernel();
  }
  if (!in_kernel || (flags & ~kValidDevid)) return kx::kEINVAL;
  if (!d.has_its.load()) return kx::kENODEV;
  if (!(flags & kValidDevid)) return kx::kEINVAL;
  // The ITS whose frame holds the doorbell address. ITSes leave the bus
  // only when the VM goes, so the pointer stays good after slots_lock.
  its::Its* target = nullptr;
  {
    kx::Guard<kx::Mutex> slots(&vm.slots_lock);
    const IoBus::Region* region = vm.mmio_bus().find(address, 1);
    for (its::Its* its : d.itses(vm)) {
      if (region && region->handler == its) target = its;
    }
  }
  if (!target) return kx::kEINVAL;
  kx::Guard<kx::Mutex> guard(&target->mutex);
  // 1: delivered; 0: the guest's tables do not translate it.
  return KX_TRY(target->trigger(devid, data));
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_vgic_its_device_ops =
    kvm::DeviceType<kvm::arm64::vgic::its::Its>::ops();
