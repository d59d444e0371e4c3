// SPDX-License-Identifier: GPL-2.0
// An sPAPR TCE table (6.1's struct kvmppc_spapr_tce_table): what
// KVM_CREATE_SPAPR_TCE(_64) makes, the table fd maps and the TCE
// hypercalls fill (tce.cpp; the entry points are declared in ppc.h).
#ifndef KVM_EXT_ARCH_POWERPC_TCE_H
#define KVM_EXT_ARCH_POWERPC_TCE_H

#include <kx/atomic.h>
#include <kx/list.h>

#include "virt/kvm/vm.h"

namespace kvm {
namespace ppc {

// struct kvm_create_spapr_tce_64 (ppc's asm/kvm.h).
struct CreateSpaprTce64 {
  u64 liobn;
  u32 page_shift;
  u32 flags;
  u64 offset;  // in IOMMU pages
  u64 size;    // in IOMMU pages
};
static_assert(sizeof(CreateSpaprTce64) == 32);

// struct kvm_create_spapr_tce: the legacy form (4 KiB IOMMU pages, offset 0).
struct CreateSpaprTce {
  u64 liobn;
  u32 window_size;  // in bytes
  u32 pad;
};
static_assert(sizeof(CreateSpaprTce) == 16);

// One table: the TCEs the guest puts, as it puts them (a u64 each, in the
// host's byte order as 6.1's kvmppc_tce_put() stores the register), in
// pages that exist from their first non-zero store or first mmap fault.
// Under PpcVm::tce_lock: its place on the VM's list. The pages are
// published with atomics and never freed before the table, so the fault
// handler needs no lock.
class TceTable {
 public:
  // The emulated POWER host's PAGE_SHIFT (Debian's ppc64el: 64 KiB pages).
  static constexpr u32 kHostPageShift = 16;
  // The node's pages (the x86 host's) in one of the emulated host's.
  static constexpr u64 kPagesPerBlock = 1ULL << (kHostPageShift - KX_PAGE_SHIFT);
  static constexpr u64 kTcesPerPage = KX_PAGE_SIZE / sizeof(u64);
  // 6.1 allocates the table header and one struct page pointer per 64 KiB
  // page of TCEs with one kzalloc(): above KMALLOC_MAX_SIZE (16 MiB with
  // Debian's 64 KiB pages and ARCH_FORCE_MAX_ORDER 9) it fails, -ENOMEM.
  // The header (struct kvmppc_spapr_tce_table) is 120 bytes there.
  static constexpr u64 kMaxBlocks = ((16ULL << 20) - 120) / sizeof(void*);

  // kvm_vm_ioctl_create_spapr_tce()'s checks in its order (-EINVAL), then
  // the allocation (-ENOMEM). The LIOBN is checked by the caller, under
  // PpcVm::tce_lock.
  static kx::Result<TceTable*> Create(Vm& vm, const CreateSpaprTce64& args);
  ~TceTable();
  TceTable(const TceTable&) = delete;
  TceTable& operator=(const TceTable&) = delete;

  Vm& vm() const { return vm_; }
  u64 liobn() const { return liobn_; }
  u32 page_shift() const { return page_shift_; }
  u64 offset() const { return offset_; }
  u64 size() const { return size_; }

  // The node's pages the table's mapping has: kvmppc_tce_pages() in the
  // x86 host's 4 KiB pages (6.1 counts its own 64 KiB ones).
  u64 nr_pages() const { return (size_ * sizeof(u64) + KX_PAGE_SIZE - 1) / KX_PAGE_SIZE; }
  // Page `index` (< nr_pages()), made (zeroed) on first use:
  // kvm_spapr_get_tce_page(). nullptr when there is no memory.
  u64* page(u64 index);

  // kvmppc_ioba_validate(): ioba aligned to the IOMMU page, npages of them
  // inside the window.
  bool ioba_valid(u64 ioba, u64 npages) const;
  // kvmppc_tce_validate() of a table with no hardware table attached:
  // H_SUCCESS or H_TOO_HARD.
  s64 validate(u64 tce);
  // The TCE of IOMMU page `entry` (ioba >> page_shift); 0 where no page.
  u64 get(u64 entry) const;
  // kvmppc_tce_put(): a 0 into a page that does not exist stores nothing;
  // a page that cannot be made loses the TCE, as in 6.1.
  void put(u64 entry, u64 tce);

  kx::ListNode node;

 private:
  struct Block {
    kx::Atomic<u64*> pages[kPagesPerBlock];
  };
  TceTable(Vm& vm, const CreateSpaprTce64& args, kx::Atomic<Block*>* blocks, u64 nblocks);
  u64* existing_page(u64 index) const;

  Vm& vm_;
  const u64 liobn_;
  const u32 page_shift_;
  const u64 offset_;
  const u64 size_;
  kx::Atomic<Block*>* const blocks_;  // one per 64 KiB of TCEs
  const u64 nblocks_;
};

}  // namespace ppc
}  // namespace kvm

#endif  // KVM_EXT_ARCH_POWERPC_TCE_H
