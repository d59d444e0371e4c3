// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's memory slots: KVM_SET_USER_MEMORY_REGION as
// __kvm_set_memory_region() checks it, a refused call changing nothing a
// probe access sees, and memory following the dirty bitmap.

#include "memslot.h"

#include "dirty_log.h"
#include "guest_access.h"

namespace spine {
namespace {

struct MemPlan {
  int err;
  bool allocs;
  enum { kNone, kCreate, kDelete, kModify } change;
};

bool model_overlaps(const VmModel& v, uint64_t base, uint64_t npages, int except_id) {
  for (const auto& [id, s] : v.slots) {
    if (id == except_id) continue;
    if (s.base_gfn < base + npages && base < s.base_gfn + s.npages) return true;
  }
  return false;
}

// __kvm_set_memory_region(), and arm64's kvm_arch_prepare_memory_region()
// IPA check.
MemPlan plan_set_mem(const VmModel& v, const kx_memory_region& r) {
  const Arch& a = g_arch[v.p];
  const MemPlan inval = {-EINVAL, false, MemPlan::kNone};
  const uint32_t as_id = r.slot >> 16;
  const uint16_t id = static_cast<uint16_t>(r.slot);
  const uint32_t valid = KX_MEM_LOG_DIRTY_PAGES | (a.readonly ? KX_MEM_READONLY : 0);
  if (r.flags & ~valid) return inval;
  if (r.memory_size % kPage) return inval;
  if (r.guest_phys_addr % kPage) return inval;
  if (r.userspace_addr % kPage || r.userspace_addr >= host::kUserTop ||
      r.memory_size > host::kUserTop - r.userspace_addr)
    return inval;
  if (as_id >= a.address_spaces || id >= a.nr_memslots) return inval;
  if (r.guest_phys_addr + r.memory_size < r.guest_phys_addr) return inval;
  if (r.memory_size / kPage > kMaxSlotPages) return inval;

  const uint64_t base = r.guest_phys_addr / kPage, npages = r.memory_size / kPage;
  auto old = v.slots.find(id);
  const uint64_t ipa_pages = v.ipa_bits ? 1ull << (v.ipa_bits - KX_PAGE_SHIFT) : 0;
  if (npages == 0) {
    if (old == v.slots.end()) return inval;
    return {0, false, MemPlan::kDelete};
  }
  if (old == v.slots.end()) {
    if (model_overlaps(v, base, npages, -1)) return {-EEXIST, false, MemPlan::kNone};
    if (ipa_pages && base + npages > ipa_pages) return {-EFAULT, false, MemPlan::kNone};
    return {0, true, MemPlan::kCreate};
  }
  const SlotModel& o = old->second;
  if (r.userspace_addr != o.uaddr || npages != o.npages || ((r.flags ^ o.flags) & KX_MEM_READONLY))
    return inval;
  const bool move = base != o.base_gfn;
  if (!move && r.flags == o.flags) return {0, false, MemPlan::kNone};
  if (move) {
    if (model_overlaps(v, base, npages, id)) return {-EEXIST, false, MemPlan::kNone};
    if (ipa_pages && base + npages > ipa_pages) return {-EFAULT, false, MemPlan::kNone};
  }
  const bool allocs = (r.flags & KX_MEM_LOG_DIRTY_PAGES) && !(o.flags & KX_MEM_LOG_DIRTY_PAGES);
  return {0, allocs, MemPlan::kModify};
}

void apply_set_mem(VmModel& v, const kx_memory_region& r, const MemPlan& plan) {
  const uint16_t id = static_cast<uint16_t>(r.slot);
  switch (plan.change) {
    case MemPlan::kCreate: {
      SlotModel& s = v.slots[id];
      s = SlotModel{r.flags, r.guest_phys_addr / kPage, r.memory_size / kPage, r.userspace_addr};
      if (s.logging()) log_enable(v, s);
      break;
    }
    case MemPlan::kDelete:
      v.slots.erase(id);
      break;
    case MemPlan::kModify: {
      // A move keeps the log; the flag turned on starts a new one, turned
      // off frees it.
      SlotModel& s = v.slots[id];
      const bool was = s.logging();
      s.flags = r.flags;
      s.base_gfn = r.guest_phys_addr / kPage;
      if (s.logging() && !was) log_enable(v, s);
      if (!s.logging() && was) log_disable(s);
      break;
    }
    case MemPlan::kNone:
      break;
  }
}

}  // namespace

void op_set_mem(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t kind = in.u8() % 4;
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const Arch& a = g_arch[v ? v->p : KX_ARM64];
  kx_memory_region r = {};
  uint16_t id = 0;
  const SlotModel* s = nullptr;
  switch (kind) {
    case 0:  // anything, from the selectors
      r.slot = slot_sel(in, a);
      r.flags = mem_flags_sel(in);
      r.guest_phys_addr = slot_gpa_sel(in, v);
      r.memory_size = slot_size_sel(in, v);
      r.userspace_addr = uaddr_sel(in, v);
      break;
    case 1:  // modify an existing slot: move and/or flags
      s = nth_slot(v, in.u8(), &id);
      r.slot = s ? id : slot_sel(in, a);
      r.flags = mem_flags_sel(in);
      r.guest_phys_addr = slot_gpa_sel(in, v);
      r.memory_size = s ? s->npages * kPage : slot_size_sel(in, v);
      r.userspace_addr = s ? s->uaddr : uaddr_sel(in, v);
      break;
    case 2:  // delete an existing slot
      s = nth_slot(v, in.u8(), &id);
      r.slot = s ? id : slot_sel(in, a);
      r.flags = mem_flags_sel(in);
      r.guest_phys_addr = slot_gpa_sel(in, v);
      r.memory_size = 0;
      r.userspace_addr = (in.u8() & 1) ? uaddr_sel(in, v) : (s ? s->uaddr : 0);
      break;
    default:  // raw
      r.slot = in.u32();
      r.flags = in.u32();
      r.guest_phys_addr = in.u64();
      r.memory_size = in.u64();
      r.userspace_addr = in.u64();
      break;
  }
  trace("set_mem vm %d slot %#x flags %#x gpa %#llx size %#llx uaddr %#llx%s", vi, r.slot, r.flags,
        r.guest_phys_addr, r.memory_size,
        static_cast<unsigned long long>(in_ram(r.userspace_addr, 0) ? r.userspace_addr - ram_base()
                                                                    : r.userspace_addr),
        in_ram(r.userspace_addr, 0) ? " (arena+)" : "");
  if (!v) return;

  const MemPlan plan = plan_set_mem(*v, r);
  // Probes: the region's start and, if the slot exists, its current base.
  const VcpuFd* c = vcpu_fd_of_vm(vi);
  auto cur = v->slots.find(static_cast<uint16_t>(r.slot));
  const uint64_t probe_gpa[2] = {r.guest_phys_addr & ~(kPage - 1),
                                 cur != v->slots.end() ? cur->second.base_gfn * kPage : 0};
  Probe before[2] = {probe(c, probe_gpa[0]), probe(c, probe_gpa[1])};

  // On an existing slot (modify, delete, no-op) memory follows the dirty
  // bitmap: allocated while logging, freed with the slot, and untouched by
  // a failed call. (A create may legitimately keep grown index arrays.)
  const bool existing = cur != v->slots.end() && plan.change != MemPlan::kCreate;
  const bool was_logging = existing && (cur->second.flags & KX_MEM_LOG_DIRTY_PAGES);
  const long live_before = host::live_allocations();
  const int ret = kx_vm_set_memory_region(v->h, &r);
  const long delta = host::live_allocations() - live_before;
  trace("  -> %d (model %d), allocations %+ld", ret, plan.err, delta);
  expect_ret("kx_vm_set_memory_region", ret, plan.err, plan.err == 0 && plan.allocs && g->inject);
  if (existing) {
    const bool logging = r.flags & KX_MEM_LOG_DIRTY_PAGES;
    long sign = 0;  // failed, or no change of logging
    if (ret == 0 && plan.change == MemPlan::kDelete) sign = -1;
    if (ret == 0 && plan.change == MemPlan::kModify && logging != was_logging)
      sign = logging ? 1 : -1;
    CHECK((delta > 0) - (delta < 0) == sign,
          "set_memory_region on existing slot %u (%d): allocations %+ld, expected sign %+ld",
          r.slot & 0xffff, ret, delta, sign);
  }
  if (ret == 0) {
    apply_set_mem(*v, r, plan);
  } else {
    for (int i = 0; i < 2; i++) {
      const Probe after = probe(c, probe_gpa[i]);
      CHECK(after == before[i],
            "failed set_memory_region (%d) changed a lookup at %#llx: r %d->%d result %u->%u "
            "data %#llx->%#llx exit %u->%u",
            ret, (unsigned long long)probe_gpa[i], before[i].r, after.r, before[i].result,
            after.result, (unsigned long long)before[i].data, (unsigned long long)after.data,
            before[i].exit_set, after.exit_set);
    }
  }
}

}  // namespace spine
