// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's dirty logging.
//
// Dirty logging (userspace-api.rst "Dirty logging") is modelled per slot:
// the set of pages stored to by guest accesses while the slot logs, all
// of them when the log is turned on under INITIALLY_SET; a legacy GET
// returns and clears it, a manual-protect GET copies it, a CLEAR clears
// exactly mask & [first_page, first_page + num_pages); logging turned off
// (or the slot deleted) frees it, a move keeps it. Every successful GET is
// compared bit for bit with the model, and so is every log the model
// tracks at the end of the input; a failed GET or CLEAR changes
// nothing (a legacy GET that faults keeps its bits: kvm_ext's documented
// difference from 6.1) and writes nothing to the user bitmap; CLEAR's
// errors come in kvm_clear_dirty_log_protect()'s order; neither call
// allocates. User bitmaps are heap buffers of exactly the size the model
// gives (ASan reports a copy past them) or addresses that fault.

#include "dirty_log.h"

namespace spine {

uint64_t log_words(uint64_t npages) { return (npages + 63) / 64; }

// The log turned on: all clear, or all set (and nothing past the slot's
// end) when the VM enabled KVM_DIRTY_LOG_INITIALLY_SET.
void log_enable(const VmModel& v, SlotModel& s) {
  s.dirty.clear();
  s.dirty_known = s.npages <= kModelMaxPages;
  if (!s.dirty_known) return;
  const bool set = v.manual & KX_DIRTY_LOG_INITIALLY_SET;
  s.dirty.assign(log_words(s.npages), set ? ~0ull : 0);
  if (set && s.npages % 64) s.dirty.back() = (1ull << (s.npages % 64)) - 1;
}

void log_disable(SlotModel& s) {
  std::vector<uint64_t>().swap(s.dirty);
  s.dirty_known = false;
}

// kvmppc_hcall_impl_hv() and the real-mode table: the hypercalls
// KVM_CAP_PPC_ENABLE_HCALL switches (multiples of 4, up to 0x45c).
static bool ppc_hcall_implemented(uint64_t h) {
  static const uint16_t kImpl[] = {0x04,  0x08,  0x0c,  0x10,  0x14, 0x18,  0x1c,  0x20,
                                   0x28,  0x2c,  0x3c,  0x40,  0x64, 0x68,  0x6c,  0x70,
                                   0x74,  0xdc,  0xe0,  0xe4,  0xe8, 0x124, 0x134, 0x138,
                                   0x13c, 0x2fc, 0x300, 0x31c, 0x448};
  for (uint16_t i : kImpl) {
    if (i == h) return true;
  }
  return false;
}

// KVM_ENABLE_CAP on the VM: kvm_vm_ioctl_enable_cap_generic()'s
// KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 where the personality has it, -EINVAL
// for everything else (the obsolete cap 166 included).
void op_enable_cap(Input& in) {
  static const uint64_t kArgs[] = {1ull << 63 | 1, 1ull << 63, ~0ull, 0x100 | 1, 5, 7,
                                   1ull << 32 | 1, 3 | 8};
  const int vi = pick_vm(in.u8());
  const uint8_t cb = in.u8();
  uint64_t cap = KX_CAP_MANUAL_DIRTY_LOG_PROTECT2;
  if (cb % 4 == 2) cap = KX_CAP_MANUAL_DIRTY_LOG_PROTECT;
  if (cb % 4 == 3) cap = cb & 4 ? KX_CAP_ENABLE_CAP_VM : in.u64();
  const uint8_t fb = in.u8();
  const uint32_t flags = fb < 0xf0 ? 0 : fb < 0xff ? 1u << (fb - 0xf0) : in.u32();
  const uint8_t ab = in.u8();
  const uint64_t arg0 = ab < 0xf0 ? ab % 8 : ab < 0xff ? kArgs[ab & 7] : in.u64();
  trace("enable_cap vm %d cap %llu flags %#x args[0] %#llx", vi, (unsigned long long)cap, flags,
        (unsigned long long)arg0);
  if (vi < 0) return;
  VmModel& v = g->vms[vi];
  const Arch& a = g_arch[v.p];
  int want = -EINVAL;
  cap = static_cast<uint32_t>(cap);  // struct kvm_enable_cap's cap is a __u32
  if (cap == KX_CAP_PPC_ENABLE_HCALL && v.p == KX_PPC && !flags && ppc_hcall_implemented(arg0))
    want = 0;  // book3s: disables it (args[1] is 0); the spine's hypercalls exit anyway
  // s390: KVM_CAP_S390_IRQCHIP, and before the first vCPU the AIS and
  // topology facilities (the machine has both).
  if (v.p == KX_S390 && !flags && cap == KX_CAP_S390_IRQCHIP) want = 0;
  if (v.p == KX_S390 && !flags && (cap == KX_CAP_S390_AIS || cap == KX_CAP_S390_CPU_TOPOLOGY))
    want = v.vcpu_ids.empty() ? 0 : -EBUSY;
  if (cap == KX_CAP_MANUAL_DIRTY_LOG_PROTECT2 && a.manual_caps) {
    // INITIALLY_SET only with ENABLE.
    const uint64_t allowed = arg0 & KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE
                                 ? static_cast<uint64_t>(a.manual_caps)
                                 : KX_DIRTY_LOG_MANUAL_PROTECT_ENABLE;
    if (!flags && !(arg0 & ~allowed)) want = 0;
  }
  const long live = host::live_allocations();
  const kx_enable_cap c = {static_cast<unsigned>(cap), flags, {arg0, 0, 0, 0}};
  const int r = kx_vm_enable_cap(v.h, &c);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_enable_cap", r, want, false);
  CHECK(host::live_allocations() == live, "kx_vm_enable_cap allocated");
  if (r == 0 && cap == KX_CAP_S390_IRQCHIP) v.s390_irqchip = true;
  if (r == 0 && cap == KX_CAP_MANUAL_DIRTY_LOG_PROTECT2) v.manual = arg0;
}

namespace {

// The slot of a KVM_GET/CLEAR_DIRTY_LOG: an existing slot's id, one of
// slot_sel's, an existing id with address-space bits, or anything.
uint32_t log_slot_sel(Input& in, const VmModel* v, const Arch& a) {
  const uint8_t b = in.u8();
  uint16_t id = (b >> 2) & 7;
  nth_slot(v, b >> 2, &id);
  switch (b & 3) {
    case 0:
      return id;
    case 1:
      return slot_sel(in, a);
    case 2:
      return id | static_cast<uint32_t>(in.u16()) << 16;
    default:
      return in.u32();
  }
}

// What the slot check of both ioctls gives: -EINVAL for the address space
// or id, -ENOENT without a slot or without a log, else the slot.
struct LogTarget {
  int err;
  SlotModel* s;
};

LogTarget log_target(VmModel& v, uint32_t slot) {
  const Arch& a = g_arch[v.p];
  if ((slot >> 16) >= a.address_spaces || (slot & 0xffff) >= a.nr_memslots)
    return {-EINVAL, nullptr};
  auto it = v.slots.find(static_cast<uint16_t>(slot));
  if (it == v.slots.end() || !it->second.logging()) return {-ENOENT, nullptr};
  return {0, &it->second};
}

// User bitmaps: a heap buffer of exactly the bytes the call may touch
// (ASan reports anything past it), or an address every copy faults on.
const uint64_t kFaultingBitmaps[] = {0, host::kUserTop - 4, ~0ull, 8};
constexpr uint8_t kBitmapFill = 0xa5;

}  // namespace

void op_get_dirty_log(Input& in) {
  const int vi = pick_vm(in.u8());
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const uint32_t slot = log_slot_sel(in, v, g_arch[v ? v->p : KX_ARM64]);
  const uint8_t bb = in.u8();
  trace("get_dirty_log vm %d slot %#x bitmap %s", vi, slot, bb % 8 < 5 ? "buffer" : "faulting");
  if (!v) return;
  const LogTarget t = log_target(*v, slot);
  // Sized from the model's slot (one word when there is none: a core that
  // copies anyway overruns it).
  const uint64_t words = t.s ? log_words(t.s->npages) : 1;
  const bool faulting = bb % 8 >= 5 || (t.s && !t.s->dirty_known);
  std::unique_ptr<uint64_t[]> buf;
  uint64_t uaddr = kFaultingBitmaps[(bb >> 3) % 4];
  if (!faulting) {
    buf.reset(new uint64_t[words]);
    memset(buf.get(), kBitmapFill, words * 8);
    uaddr = reinterpret_cast<uint64_t>(buf.get());
  }
  const int want = t.err ? t.err : faulting ? -EFAULT : 0;
  const bool manual = v->manual != 0;
  const long live = host::live_allocations();
  const int r = kx_vm_get_dirty_log(v->h, slot, uaddr);
  char where[24] = "buffer";
  if (!buf) snprintf(where, sizeof(where), "%#llx", (unsigned long long)uaddr);
  trace("  -> %d (model %d; %s, %llu words, bitmap %s)", r, want, manual ? "manual" : "legacy",
        (unsigned long long)words, where);
  expect_ret("kx_vm_get_dirty_log", r, want, false);
  CHECK(host::live_allocations() == live, "kx_vm_get_dirty_log allocated");
  if (r != 0) {
    // A failed call changes nothing: the log is checked by the next get.
    for (uint64_t i = 0; buf && i < words * 8; i++)
      CHECK(reinterpret_cast<uint8_t*>(buf.get())[i] == kBitmapFill,
            "failed get_dirty_log (%d) wrote the user bitmap at byte %llu", r,
            (unsigned long long)i);
    return;
  }
  SlotModel& s = *t.s;
  for (uint64_t w = 0; w < words; w++) {
    CHECK(buf[w] == s.dirty[w],
          "get_dirty_log slot %#x (%llu pages, %s): word %llu is %#llx, model %#llx", slot,
          (unsigned long long)s.npages, manual ? "manual" : "legacy", (unsigned long long)w,
          (unsigned long long)buf[w], (unsigned long long)s.dirty[w]);
  }
  uint64_t dirty = 0;
  for (uint64_t w = 0; w < words; w++) dirty += __builtin_popcountll(s.dirty[w]);
  trace("  %llu pages dirty", (unsigned long long)dirty);
  // Legacy: returned and cleared. Manual protect: a copy.
  if (!manual) std::fill(s.dirty.begin(), s.dirty.end(), 0);
}

namespace {

uint64_t first_page_sel(Input& in, uint64_t npages) {
  const uint8_t b = in.u8();
  const uint64_t special[] = {
      1,          63,    npages, (npages + 63) & ~63ull, npages & ~63ull, (npages & ~63ull) + 64,
      1ull << 63, ~63ull};
  switch (b & 3) {
    case 0:
      return 64ull * (b >> 2);
    case 1:
      return 64ull * in.u16();
    case 2:
      return special[(b >> 2) % 8];
    default:
      return in.u64();
  }
}

uint32_t num_pages_sel(Input& in, uint64_t npages, uint64_t first) {
  const uint8_t b = in.u8();
  const uint64_t rest = first <= npages ? npages - first : 64;
  const uint64_t special[] = {0,        1,         63,       64,          65,       npages,
                              rest + 1, rest + 64, rest - 1, 0xffffffffu, 1u << 31, rest & ~63ull};
  switch (b & 3) {
    case 0:  // to the slot's end
      return static_cast<uint32_t>(rest);
    case 1:
      return 64u * (b >> 2);
    case 2:
      return static_cast<uint32_t>(special[(b >> 2) % 12]);
    default:
      return in.u32();
  }
}

}  // namespace

// Only where the shim lets KVM_CLEAR_DIRTY_LOG through
// (kx_has_clear_dirty_log(); the core itself does not check the
// personality).
void op_clear_dirty_log(Input& in) {
  const int vi = pick_vm(in.u8());
  VmModel* v = vi >= 0 ? &g->vms[vi] : nullptr;
  const uint32_t slot = log_slot_sel(in, v, g_arch[v ? v->p : KX_ARM64]);
  // Page counts from the slot with that id, logging or not.
  uint64_t npages = 0;
  const SlotModel* any = nullptr;
  if (v) {
    auto it = v->slots.find(static_cast<uint16_t>(slot));
    if (it != v->slots.end()) any = &it->second;
  }
  if (any) npages = any->npages;
  const uint64_t first = first_page_sel(in, npages);
  const uint32_t num = num_pages_sel(in, npages, first);
  const uint8_t mb = in.u8();
  // The mask: as many words as num_pages needs (none for 0), up to what
  // the model tracks; a longer one is passed as a faulting address.
  const uint64_t words = log_words(num);
  const uint64_t max_words = kModelMaxPages / 64;
  const bool faulting = mb % 8 >= 5 || words > max_words;
  const uint64_t n = faulting ? 0 : words;
  std::unique_ptr<uint64_t[]> mask(new uint64_t[n]);
  switch (mb % 8) {
    case 0:
      for (uint64_t i = 0; i < n; i++) mask[i] = ~0ull;
      break;
    case 1:  // what the log holds there ("clear what get returned"),
             // all of it or part of each word
      for (uint64_t i = 0; i < n; i++) {
        const uint64_t w = first / 64 + i;
        const uint64_t m = any && any->dirty_known && first % 64 == 0 && w < any->dirty.size()
                               ? any->dirty[w]
                               : ~0ull;
        switch ((mb >> 3) % 4) {
          case 0:
            mask[i] = m;
            break;
          case 1:
            mask[i] = m & -m;  // its lowest page
            break;
          case 2:
            mask[i] = m & (m - 1);  // all but its lowest page
            break;
          default:
            mask[i] = m & 0x5555555555555555ull;
            break;
        }
      }
      break;
    case 2: {  // bytes of the input, repeated
      uint8_t bytes[32];
      const unsigned k = in.u8() % 32 + 1;
      for (unsigned i = 0; i < k; i++) bytes[i] = in.u8();
      for (uint64_t i = 0; i < n * 8; i++) reinterpret_cast<uint8_t*>(mask.get())[i] = bytes[i % k];
      break;
    }
    case 3: {  // one word, repeated
      const uint64_t w = in.u64();
      for (uint64_t i = 0; i < n; i++) mask[i] = w;
      break;
    }
    case 4:
      for (uint64_t i = 0; i < n; i++) mask[i] = 0;
      break;
    default:
      break;
  }
  const uint64_t uaddr =
      faulting ? kFaultingBitmaps[(mb >> 3) % 4] : reinterpret_cast<uint64_t>(mask.get());
  trace("clear_dirty_log vm %d slot %#x first_page %llu num_pages %u mask mode %u (%s %#llx)", vi,
        slot, (unsigned long long)first, num, mb % 8, faulting ? "faulting" : "first word",
        (unsigned long long)(faulting ? uaddr
                             : n      ? mask[0]
                                      : 0));
  if (!v) return;
  if (!g_arch[v->p].has_clear) {
    trace("  (no KVM_CLEAR_DIRTY_LOG on this personality: the shim refuses it)");
    return;
  }
  // kvm_clear_dirty_log_protect()'s order of checks.
  LogTarget t = log_target(*v, slot);
  int want;
  if (t.err == -EINVAL)
    want = -EINVAL;
  else if (first & 63)
    want = -EINVAL;
  else if (t.err)
    want = t.err;
  else if (first > t.s->npages || num > t.s->npages - first ||
           (num < t.s->npages - first && (num & 63)))
    want = -EINVAL;
  else if (num == 0)
    want = 0;
  else
    want = faulting ? -EFAULT : 0;
  const long live = host::live_allocations();
  const int r = kx_vm_clear_dirty_log(v->h, slot, first, num, uaddr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_clear_dirty_log", r, want, false);
  CHECK(host::live_allocations() == live, "kx_vm_clear_dirty_log allocated");
  if (r != 0 || num == 0 || !t.s->dirty_known) return;
  // Exactly the mask's bits within [first, first + num).
  CHECK(first / 64 + words <= t.s->dirty.size(), "model: clear past the log");
  for (uint64_t i = 0; i < words; i++) {
    uint64_t m = mask[i];
    if (i == words - 1 && num % 64) m &= (1ull << (num % 64)) - 1;
    t.s->dirty[first / 64 + i] &= ~m;
  }
}

// At the end of an input, every log the model tracks is read once more
// (legacy or manual, as the VM is) and compared: a call that changed a log
// it should not have is caught even when no later get looked at it.
void audit_dirty_logs() {
  for (int vi = 0; vi < kMaxVms; vi++) {
    VmModel& v = g->vms[vi];
    if (!v.alive) continue;
    for (auto& [id, s] : v.slots) {
      if (!s.logging() || !s.dirty_known) continue;
      const uint64_t words = log_words(s.npages);
      std::unique_ptr<uint64_t[]> buf(new uint64_t[words]);
      const int r = kx_vm_get_dirty_log(v.h, id, reinterpret_cast<uint64_t>(buf.get()));
      trace("audit: get_dirty_log vm %d slot %#x -> %d", vi, id, r);
      expect_ret("kx_vm_get_dirty_log (audit)", r, 0, false);
      for (uint64_t w = 0; w < words; w++) {
        CHECK(buf[w] == s.dirty[w],
              "audit: dirty log of vm %d slot %#x (%llu pages, %s): word %llu is %#llx, model "
              "%#llx",
              vi, id, (unsigned long long)s.npages, v.manual ? "manual" : "legacy",
              (unsigned long long)w, (unsigned long long)buf[w], (unsigned long long)s.dirty[w]);
      }
    }
  }
}

}  // namespace spine
