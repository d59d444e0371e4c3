// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's shared selectors.

#include "input.h"

namespace spine {

alignas(64) uint8_t g_user[1024];

int pick_vm(uint8_t b) {
  int idx[kMaxVms], n = 0;
  for (int i = 0; i < kMaxVms; i++) {
    if (g->vms[i].alive && g->vms[i].fd_open) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

int pick_vcpu(uint8_t b) {
  int idx[kMaxVcpuFds], n = 0;
  for (int i = 0; i < kMaxVcpuFds; i++) {
    if (g->vcpus[i].open) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

int pick_dev(uint8_t b) {
  int idx[kMaxDevFds], n = 0;
  for (int i = 0; i < kMaxDevFds; i++) {
    if (g->devs[i].open) idx[n++] = i;
  }
  return n ? idx[b % n] : -1;
}

const SlotModel* nth_slot(const VmModel* v, uint8_t k, uint16_t* id) {
  if (!v || v->slots.empty()) return nullptr;
  auto it = v->slots.begin();
  for (int i = k % v->slots.size(); i > 0; i--) ++it;
  if (id) *id = it->first;
  return &it->second;
}

uint64_t ram_base() { return reinterpret_cast<uint64_t>(g_ram); }

unsigned long vm_type_sel(Input& in) {
  static const unsigned long kTypes[] = {0x100, 0x128, 0x80000000ul, ~0ul, 0x1ff, 0xff, 2, 3};
  const uint8_t b = in.u8();
  switch (b >> 6) {
    case 0:
    case 1:
      return b & 0x3f;  // arm64 IPA sizes 0..63, ppc/s390 0/1
    case 2:
      return kTypes[b % 8];
    default:
      return in.u64();
  }
}

uint32_t slot_sel(Input& in, const Arch& a) {
  const uint8_t b = in.u8();
  if (b < 0xf0) return b & 7;
  const uint32_t special[] = {static_cast<uint32_t>(a.nr_memslots - 1),
                              static_cast<uint32_t>(a.nr_memslots),
                              0xffff,
                              0x10000,
                              0x10003,
                              0xffffffffu,
                              0x8000,
                              0x7fff};
  if (b < 0xf8) return special[b & 7];
  return in.u32();
}

uint32_t mem_flags_sel(Input& in) {
  const uint8_t b = in.u8();
  if (b < 0xf0) return b & 3;
  if (b < 0xf8) return 1u << (b & 7);
  return in.u32();
}

// A guest physical address for a slot: near an existing one, small, or
// at the edges the checks care about.
uint64_t slot_gpa_sel(Input& in, const VmModel* v) {
  static const uint64_t kSpecial[] = {
      (1ull << 32) - kPage, 1ull << 32,           (1ull << 40) - kPage, 1ull << 40,
      (1ull << 48) - kPage, 1ull << 48,           0ull - kPage,         0x800,
      (1ull << 44),         (1ull << 52) - kPage, 0ull - 2 * kPage,     0x7ffffffff000ull,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0: {
      const SlotModel* s = nth_slot(v, in.u8(), nullptr);
      if (!s) return static_cast<uint64_t>(b >> 2) * kPage;
      const uint64_t base = s->base_gfn * kPage, size = s->npages * kPage;
      switch ((b >> 2) % 8) {
        case 0:
          return base;
        case 1:
          return base + size;
        case 2:
          return base - kPage;
        case 3:
          return base + kPage;
        case 4:
          return base + size - kPage;
        case 5:
          return base - size;
        case 6:
          return base + size / 2;
        default:
          return base + size + kPage;
      }
    }
    case 1:
      return static_cast<uint64_t>(b >> 2) * kPage + static_cast<uint64_t>(in.u8()) * 64 * kPage;
    case 2:
      return kSpecial[(b >> 2) % (sizeof(kSpecial) / sizeof(kSpecial[0]))];
    default:
      return in.u64();
  }
}

uint64_t slot_size_sel(Input& in, const VmModel* v) {
  static const uint64_t kSpecial[] = {
      0,
      0x800,
      kMaxSlotPages * kPage,
      (kMaxSlotPages + 1) * kPage,
      1ull << 40,
      host::kUserTop,
      0ull - kPage,
      kRamSize,
      kRamSize + kPage,
      kPage + 1,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0:
      return static_cast<uint64_t>((b >> 2) + 1) * kPage;  // 1..64 pages
    case 1: {
      const SlotModel* s = nth_slot(v, in.u8(), nullptr);
      return s ? s->npages * kPage : static_cast<uint64_t>(b >> 2) * kPage;
    }
    case 2:
      return kSpecial[(b >> 2) % (sizeof(kSpecial) / sizeof(kSpecial[0]))];
    default:
      return in.u64();
  }
}

uint64_t uaddr_sel(Input& in, const VmModel* v) {
  const uint64_t special[] = {
      0,
      0x800,
      4096,
      host::kUserTop - kPage,
      host::kUserTop,
      ram_base() + 1,
      0ull - kPage,
      ram_base() + kRamSize - kPage,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0:
      return ram_base() + (in.u16() % kRamPages) * kPage;
    case 1: {
      const SlotModel* s = nth_slot(v, in.u8(), nullptr);
      return s ? s->uaddr : ram_base() + static_cast<uint64_t>(b >> 2) * kPage;
    }
    case 2:
      return special[(b >> 2) % 8];
    default:
      return in.u64();
  }
}

// A guest address for an access: in, at the edges of, or next to a slot.
uint64_t access_gpa_sel(Input& in, const VmModel* v) {
  static const uint64_t kSpecial[] = {
      0,         1ull << 32, (1ull << 40) - 8, (1ull << 48) - 8, 0ull - 8,     host::kUserTop,
      kPage - 1, kPage - 4,  0x1000,           (1ull << 40),     0ull - kPage, kPage * 64,
  };
  const uint8_t b = in.u8();
  switch (b & 3) {
    case 0: {
      const uint8_t k = in.u8(), off = in.u8();
      const SlotModel* s = nth_slot(v, k, nullptr);
      if (!s) return static_cast<uint64_t>(b >> 2) * kPage + off;
      const uint64_t base = s->base_gfn * kPage, size = s->npages * kPage;
      switch ((b >> 2) % 6) {
        case 0:
          return base + off;
        case 1:
          return base + size - 1 - off;  // the last bytes
        case 2:
          return base + size + off;  // just past the end
        case 3:
          return base - 1 - off;  // just before the start
        case 4:
          return base + (off % (s->npages ? s->npages : 1)) * kPage + (in.u8() << 4);
        default:
          return base + kPage - 8 + (off & 15);  // across the first page end
      }
    }
    case 1:
      return static_cast<uint64_t>(b >> 2) * kPage + in.u16();
    case 2:
      return kSpecial[(b >> 2) % (sizeof(kSpecial) / sizeof(kSpecial[0]))];
    default:
      return in.u64();
  }
}

uint32_t vcpu_id_sel(Input& in, const Arch& a) {
  const uint8_t b = in.u8();
  if (b < 0xe0) return b & 15;
  const uint32_t special[] = {static_cast<uint32_t>(a.max_vcpu_ids - 1),
                              static_cast<uint32_t>(a.max_vcpu_ids),
                              static_cast<uint32_t>(a.max_vcpus - 1),
                              static_cast<uint32_t>(a.max_vcpus),
                              0xffffffffu,
                              0x80000000u,
                              255,
                              256};
  if (b < 0xf0) return special[b & 7];
  return in.u32();
}

int fd_sel(Input& in) {
  const uint8_t b = in.u8();
  switch (b % 8) {
    case 0:
      return g_devnull;
    case 1:
      return -1;
    case 2:
      return 0;
    case 3:
      return 2;
    case 4:
      return 1 << 20;
    case 5:
      return g_group_fds[0];
    case 6:
      return g_group_fds[1];
    default:
      return static_cast<int>(in.u32());
  }
}

bool is_group_fd(int fd) { return fd >= 0 && (fd == g_group_fds[0] || fd == g_group_fds[1]); }

AttrSpec attr_sel(Input& in) {
  AttrSpec s = {};
  const uint8_t um = in.u8();
  const uint8_t gb = in.u8();
  s.a.group = gb < 0xf0 ? gb % 4 : in.u32();
  const uint8_t ab = in.u8();
  s.a.attr = ab < 0xf0 ? ab % 5 : in.u64();
  s.a.flags = in.u8();
  const uint8_t pm = in.u8();
  uint8_t* payload = g_user + kPayloadOffset;
  memset(payload, 0, 16);
  const uint64_t pbase = reinterpret_cast<uint64_t>(payload);
  switch (pm % 7) {
    case 0: {  // fuzzer bytes
      const uint64_t v = in.u64();
      memcpy(payload, &v, sizeof(v));
      s.a.addr = pbase;
      break;
    }
    case 1: {  // an int fd
      const int fd = fd_sel(in);
      memcpy(payload, &fd, sizeof(fd));
      s.a.addr = pbase;
      break;
    }
    case 2: {  // struct kvm_vfio_spapr_tce { groupfd, tablefd }
      const int fds[2] = {fd_sel(in), fd_sel(in)};
      memcpy(payload, fds, sizeof(fds));
      s.a.addr = pbase;
      break;
    }
    case 3:
      s.a.addr = 0;  // nowhere
      s.payload_faults = true;
      break;
    case 4:
      s.a.addr = host::kUserTop;
      s.payload_faults = true;
      break;
    case 5:
      s.a.addr = ~0ull;
      s.payload_faults = true;
      break;
    default:
      s.a.addr = 8;
      s.payload_faults = true;
      break;
  }
  place_uattr(s, um);
  return s;
}

// struct kvm_device_attr itself: at a (possibly misaligned) spot of
// g_user, or at an address that faults.
void place_uattr(AttrSpec& s, uint8_t um) {
  switch (um % 8) {
    case 5:
      s.uattr = 0;
      s.uattr_faults = true;
      break;
    case 6:
      s.uattr = host::kUserTop - 8;  // straddles the top
      s.uattr_faults = true;
      break;
    case 7:
      s.uattr = 4095;
      s.uattr_faults = true;
      break;
    default: {
      uint8_t* at = g_user + (um >> 3) % 8;  // possibly misaligned
      memcpy(at, &s.a, sizeof(s.a));
      s.uattr = reinterpret_cast<uint64_t>(at);
      break;
    }
  }
}

const char* op_name(int op) {
  static const char* const names[] = {"SET", "GET", "HAS"};
  return names[op];
}

}  // namespace spine
