// SPDX-License-Identifier: GPL-2.0
// sPAPR TCE tables, as 6.1's book3s_64_vio.c on a POWER host with
// CONFIG_SPAPR_TCE_IOMMU (Debian's ppc64el): KVM_CREATE_SPAPR_TCE(_64)
// makes a table and its fd (the shim's kx_tce_table_fd(): "kvm-spapr-tce",
// mmap through kx_tce_table_page()); the guest fills it with H_PUT_TCE,
// H_STUFF_TCE and H_PUT_TCE_INDIRECT and reads it with H_GET_TCE; the VMM
// reads the same TCEs through its mapping to emulate DMA.
//
// Pages are made on demand, as 6.1 does (its fault handler and
// kvmppc_tce_put() allocate; only the page pointer array is allocated at
// creation): a 64-bit DMA window of a guest with a lot of RAM is a table
// of millions of TCEs of which a guest uses a few. kvm_ext keeps 6.1's
// bound on the up-front part (one pointer per 64 KiB of TCEs, at most
// 16 MiB) with a two-level array: a pointer per 64 KiB block, each block
// sixteen pointers to the node's 4 KiB pages, made with the block's first
// page.
#include "arch/powerpc/ppc.h"

#include <kx/alloc.h>

#include "virt/kvm/c_abi.h"

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(ppc_tce);

namespace {

constexpr u64 kTcePciWrite = 0x2, kTcePciRead = 0x1;  // TCE_PCI_WRITE, TCE_PCI_READ
constexpr u64 kMaxIndirect = 512;                     // a 4 KiB list of TCEs

u64 be64(u64 v) { return __builtin_bswap64(v); }

// kvmppc_find_table(), under PpcVm::tce_lock.
TceTable* find_table(PpcVm& p, u64 liobn) KX_REQUIRES(p.tce_lock) {
  for (TceTable* t : p.tce_tables) {
    if (t->liobn() == liobn) return t;
  }
  return nullptr;
}

// kvmppc_tce_to_ua() succeeds: a memslot holds the TCE's guest page.
// (6.1 looks the 64 KiB gfn up; its memslots are 64 KiB aligned, the
// node's 4 KiB aligned.)
bool tce_in_ram(Vm& vm, u64 tce) { return vm.gfn_visible(tce >> KX_PAGE_SHIFT); }

}  // namespace

TceTable::TceTable(Vm& vm, const CreateSpaprTce64& a, kx::Atomic<Block*>* blocks, u64 nblocks)
    : vm_(vm),
      liobn_(a.liobn),
      page_shift_(a.page_shift),
      offset_(a.offset),
      size_(a.size),
      blocks_(blocks),
      nblocks_(nblocks) {}

kx::Result<TceTable*> TceTable::Create(Vm& vm, const CreateSpaprTce64& a) {
  // 6.1 sums offset and size unchecked: a sum that wraps passes its test
  // and makes a table whose page array is smaller than its window (an
  // out-of-bounds store at the first H_PUT_TCE). kvm_ext refuses it as
  // the overflow it is (differences.rst).
  const u64 end = a.offset + a.size;
  if (!a.size || a.page_shift < 12 || a.page_shift > 34 || end < a.offset ||
      end > (~0ULL >> a.page_shift))
    return kx::kEINVAL;
  const u64 nblocks =
      (a.size + kTcesPerPage * kPagesPerBlock - 1) / (kTcesPerPage * kPagesPerBlock);
  if (nblocks > kMaxBlocks) return kx::kENOMEM;
  kx::Atomic<Block*>* blocks = kx::alloc_array<kx::Atomic<Block*>>(nblocks);
  if (!blocks) return kx::kENOMEM;
  kx::AllocChecker ac;
  TceTable* t = new (&ac) TceTable(vm, a, blocks, nblocks);
  if (!ac.check()) {
    kx::free_array(blocks);
    return kx::kENOMEM;
  }
  return t;
}

TceTable::~TceTable() {
  for (u64 b = 0; b < nblocks_; b++) {
    Block* block = blocks_[b].load();
    if (!block) continue;
    for (auto& p : block->pages) kx_page_free(p.load());
    kx::destroy(block);
  }
  kx::free_array(blocks_);
}

u64* TceTable::existing_page(u64 index) const {
  Block* block = blocks_[index / kPagesPerBlock].load();
  return block ? block->pages[index % kPagesPerBlock].load() : nullptr;
}

u64* TceTable::page(u64 index) {
  kx::Atomic<Block*>& slot = blocks_[index / kPagesPerBlock];
  Block* block = slot.load();
  if (!block) {
    kx::AllocChecker ac;
    Block* fresh = new (&ac) Block;
    if (!ac.check()) return nullptr;
    block = fresh;
    Block* expected = nullptr;
    if (!slot.compare_exchange(expected, fresh)) {
      kx::destroy(fresh);  // another fault or store made it first
      block = expected;
    }
  }
  kx::Atomic<u64*>& pslot = block->pages[index % kPagesPerBlock];
  u64* page = pslot.load();
  if (page) return page;
  u64* fresh = static_cast<u64*>(kx_page_alloc());
  if (!fresh) return nullptr;
  u64* expected = nullptr;
  if (pslot.compare_exchange(expected, fresh)) return fresh;
  kx_page_free(fresh);
  return expected;
}

bool TceTable::ioba_valid(u64 ioba, u64 npages) const {
  const u64 mask = (1ULL << page_shift_) - 1;
  if (ioba & mask) return false;
  ioba >>= page_shift_;
  if (ioba < offset_) return false;
  return !(ioba + npages < ioba || ioba - offset_ + npages > size_);
}

s64 TceTable::validate(u64 tce) {
  // No permission bits: DMA_NONE, the "poison" a VMM may write, accepted.
  if (!(tce & (kTcePciRead | kTcePciWrite))) return kHSuccess;
  const u64 gpa = tce & ~(kTcePciRead | kTcePciWrite);
  if (gpa & ((1ULL << page_shift_) - 1)) return kHTooHard;  // iommu_tce_check_gpa()
  if (!tce_in_ram(vm_, tce)) return kHTooHard;
  return kHSuccess;
}

u64 TceTable::get(u64 entry) const {
  const u64 idx = entry - offset_;
  const u64* page = existing_page(idx / kTcesPerPage);
  return page ? __atomic_load_n(&page[idx % kTcesPerPage], __ATOMIC_RELAXED) : 0;
}

void TceTable::put(u64 entry, u64 tce) {
  const u64 idx = entry - offset_;
  u64* page = existing_page(idx / kTcesPerPage);
  if (!page) {
    if (!tce) return;
    page = this->page(idx / kTcesPerPage);
    if (!page) return;
  }
  // The VMM may read it through its mapping meanwhile: one store.
  __atomic_store_n(&page[idx % kTcesPerPage], tce, __ATOMIC_RELAXED);
}

// kvm_vm_ioctl_create_spapr_tce(), behind powerpc.c's copy: -EFAULT,
// (_64) flags -EINVAL, the table's checks, -ENOMEM, then under the lock
// a LIOBN in use -EBUSY, then the fd (which holds the VM).
template <bool k64>
kx::Result<long> create_spapr_tce(Vm& vm, u64 arg) {
  if (!book3s(ppc_vm(vm).host)) return kx::kENOTTY;  // CONFIG_PPC_BOOK3S_64 only
  CreateSpaprTce64 a;
  if constexpr (k64) {
    if (kx_copy_from_user(&a, arg, sizeof(a))) return kx::kEFAULT;
    if (a.flags) return kx::kEINVAL;
  } else {
    CreateSpaprTce legacy;
    if (kx_copy_from_user(&legacy, arg, sizeof(legacy))) return kx::kEFAULT;
    a = {legacy.liobn, 12, 0, 0, legacy.window_size >> 12};  // IOMMU_PAGE_SHIFT_4K
  }
  TceTable* t = KX_TRY(TceTable::Create(vm, a));
  PpcVm& p = ppc_vm(vm);
  long fd;
  {
    kx::Guard<kx::Mutex> guard(&p.tce_lock);
    if (find_table(p, a.liobn)) {
      fd = -kx::kEBUSY;
    } else {
      vm.get();
      fd = kx_tce_table_fd(to_handle(t));
      if (fd >= 0)
        p.tce_tables.push_back(t);
      else
        vm.put();  // the caller's VM fd keeps it alive
    }
  }
  if (fd < 0) {
    kx::destroy(t);
    return kx::Status::from_raw(static_cast<int>(fd));
  }
  return fd;
}

template kx::Result<long> create_spapr_tce<false>(Vm& vm, u64 arg);
template kx::Result<long> create_spapr_tce<true>(Vm& vm, u64 arg);

namespace {

// kvmppc_h_put_tce(): no hardware table, so validate, then store.
s64 h_put_tce(TceTable& t, u64 ioba, u64 tce) {
  if (!t.ioba_valid(ioba, 1)) return kHParameter;
  const s64 ret = t.validate(tce);
  if (ret != kHSuccess) return ret;
  t.put(ioba >> t.page_shift(), tce);
  return kHSuccess;
}

s64 h_get_tce(TceTable& t, u64 ioba, u64* out) {
  if (!t.ioba_valid(ioba, 1)) return kHParameter;
  *out = t.get(ioba >> t.page_shift());
  return kHSuccess;
}

// kvmppc_h_stuff_tce(): the value's permission bits must be clear; it is
// not checked otherwise (a VMM's debug poison).
s64 h_stuff_tce(TceTable& t, u64 ioba, u64 value, u64 npages) {
  if (!t.ioba_valid(ioba, npages)) return kHParameter;
  if (value & (kTcePciWrite | kTcePciRead)) return kHParameter;
  const u64 entry = ioba >> t.page_shift();
  for (u64 i = 0; i < npages; i++) t.put(entry + i, value);
  return kHSuccess;
}

// kvmppc_h_put_tce_indirect(): up to 512 big-endian TCEs in a 4 KiB
// aligned list in guest RAM, every one validated before any is stored,
// the list read twice as 6.1 reads it. The second pass asks
// kvmppc_tce_to_ua() of every TCE, permission bits or not, so a TCE with
// none whose page is not RAM is H_PARAMETER there, after the TCEs before
// it were stored (6.1's order).
s64 h_put_tce_indirect(Vcpu& vcpu, TceTable& t, u64 ioba, u64 list, u64 npages) {
  Vm& vm = vcpu.vm();
  const u64 entry = ioba >> t.page_shift();
  if (npages > kMaxIndirect) return kHParameter;
  if (list & 0xfff) return kHParameter;
  if (!t.ioba_valid(ioba, npages)) return kHParameter;
  if (!tce_in_ram(vm, list)) return kHTooHard;
  constexpr u64 kChunk = 32;
  u64 buf[kChunk];
  for (int pass = 0; pass < 2; pass++) {
    for (u64 base = 0; base < npages; base += kChunk) {
      const u64 n = npages - base < kChunk ? npages - base : kChunk;
      // get_user() failing: H_TOO_HARD.
      if (vm.read_guest(list + base * 8, buf, static_cast<u32>(n * 8)).is_error()) return kHTooHard;
      for (u64 i = 0; i < n; i++) {
        const u64 tce = be64(buf[i]);
        if (pass == 0) {
          const s64 ret = t.validate(tce);
          if (ret != kHSuccess) return ret;
        } else {
          if (!tce_in_ram(vm, tce)) return kHParameter;
          t.put(entry + base + i, tce);
        }
      }
    }
  }
  return kHSuccess;
}

}  // namespace

// kvmppc_pseries_do_hcall()'s CONFIG_SPAPR_TCE_IOMMU rows: r4 the LIOBN;
// a LIOBN with no table is H_TOO_HARD (the VMM's, as QEMU's emulated
// tables are).
void tce_hcall(Vcpu& vcpu, HcallRegs& regs) {
  PpcVm& p = ppc_vm(vcpu.vm());
  const u64 liobn = regs.r4_7[0], ioba = regs.r4_7[1];
  kx::Guard<kx::Mutex> guard(&p.tce_lock);
  TceTable* t = find_table(p, liobn);
  if (!t) {
    regs.r3 = static_cast<u64>(kHTooHard);
    return;
  }
  s64 ret;
  switch (regs.r3) {
    case kHGetTce: {
      u64 tce = 0;
      ret = h_get_tce(*t, ioba, &tce);
      if (ret == kHSuccess) regs.r4_7[0] = tce;
      break;
    }
    case kHPutTce:
      ret = h_put_tce(*t, ioba, regs.r4_7[2]);
      break;
    case kHStuffTce:
      ret = h_stuff_tce(*t, ioba, regs.r4_7[2], regs.r4_7[3]);
      break;
    default:  // kHPutTceIndirect
      ret = h_put_tce_indirect(vcpu, *t, ioba, regs.r4_7[2], regs.r4_7[3]);
      break;
  }
  regs.r3 = static_cast<u64>(ret);
}

kx::Status spapr_tce_attach(Vm& vm, s32 tablefd) {
  void* file;
  KX_TRY(kx::Status::from_raw(kx_file_get(tablefd, &file)));
  TceTable* t = from_handle(kx_file_tce_table(file));
  kx::Status s = kx::error(kx::kEINVAL);
  if (t) {
    PpcVm& p = ppc_vm(vm);
    kx::Guard<kx::Mutex> guard(&p.tce_lock);
    for (TceTable* mine : p.tce_tables) {
      // 6.1 would now pick the group's hardware table that fits the
      // window (-EINVAL if none) and attach it; there is no IOMMU here.
      if (mine == t) s = kx::Status::ok();
    }
  }
  kx_file_put(file);
  return s;
}

}  // namespace ppc
}  // namespace kvm

extern "C" {

// The table fd's fault handler: page `pgoff` of the table (made on first
// touch), -EINVAL beyond the table (SIGBUS), -ENOMEM (VM_FAULT_OOM).
int kx_tce_table_page(struct kx_tce_table* h, unsigned long pgoff, void** page) {
  kvm::ppc::TceTable* t = kvm::from_handle(h);
  if (pgoff >= t->nr_pages()) return -kx::kEINVAL;
  u64* p = t->page(pgoff);
  if (!p) return -kx::kENOMEM;
  *page = p;
  return 0;
}

// The table fd's release (kvm_spapr_tce_release()): off the VM's list,
// freed, and the VM reference the fd held dropped.
void kx_tce_table_release(struct kx_tce_table* h) {
  kvm::ppc::TceTable* t = kvm::from_handle(h);
  kvm::Vm& vm = t->vm();
  kvm::ppc::PpcVm& p = kvm::ppc::ppc_vm(vm);
  {
    kx::Guard<kx::Mutex> guard(&p.tce_lock);
    p.tce_tables.remove(t);
  }
  kx::destroy(t);
  vm.put();
}

}  // extern "C"
