// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <kvm_ext/platform.h>

namespace kvm {

namespace {

// The four blocks, back to back as in 6.1 (every offset a multiple of 8).
constexpr u32 kIdOffset = sizeof(kx_stats_header);
constexpr u32 kDescOffset = kIdOffset + KX_STATS_NAME_SIZE;
static_assert(kIdOffset % 8 == 0 && kDescOffset % 8 == 0 && sizeof(kx_stats_desc) % 8 == 0);

kx_stats_header header_of(const StatsTable& t) {
  return {
      .flags = 0,
      .name_size = KX_STATS_NAME_SIZE,
      .num_desc = t.num_desc,
      .id_offset = kIdOffset,
      .desc_offset = kDescOffset,
      .data_offset = kDescOffset + t.num_desc * static_cast<u32>(sizeof(kx_stats_desc)),
  };
}

// The data block now: each descriptor's values, in descriptor order.
void snapshot(const StatsTable& t, const void* stats, u64* values) {
  u32 k = 0;
  for (u32 i = 0; i < t.num_desc; i++) {
    const Stat* first = reinterpret_cast<const Stat*>(static_cast<const u8*>(stats) + t.source[i]);
    for (u32 j = 0; j < t.desc[i].size; j++) values[k++] = first[j].read();
  }
}

}  // namespace

u64 StatsFile::size() const { return header_of(*table_).data_offset + 8ull * table_->num_values; }

kx::Result<u64> StatsFile::read(u64 ubuf, u64 count, s64* pos) const {
  if (*pos < 0) return kx::kEINVAL;  // the VFS never passes one
  const StatsTable& t = *table_;
  const kx_stats_header h = header_of(t);
  const u64 end = size();
  const u64 from = static_cast<u64>(*pos);
  if (from >= end || count == 0) return u64{0};
  const u64 len = kx::min(count, end - from);

  u64 values[kMaxStatsValues];
  const struct {
    u64 offset;
    u64 bytes;
    const void* src;
  } blocks[] = {
      {0, sizeof(h), &h},
      {h.id_offset, KX_STATS_NAME_SIZE, id_},
      {h.desc_offset, u64{t.num_desc} * sizeof(kx_stats_desc), t.desc},
      {h.data_offset, 8ull * t.num_values, values},
  };
  for (const auto& b : blocks) {
    const u64 lo = kx::max(from, b.offset);
    const u64 hi = kx::min(from + len, b.offset + b.bytes);
    if (lo >= hi) continue;
    // The counters are read only when the read reaches them.
    if (b.src == values) snapshot(t, counters_, values);
    if (kx_copy_to_user(ubuf + (lo - from), static_cast<const u8*>(b.src) + (lo - b.offset),
                        hi - lo))
      return kx::kEFAULT;
  }
  *pos = static_cast<s64>(from + len);
  return len;
}

namespace {

// Appends s at *at, leaving the last byte of id a NUL.
void append(char (&id)[KX_STATS_NAME_SIZE], u32* at, const char* s) {
  for (u32 i = 0; s[i] && *at < KX_STATS_NAME_SIZE - 1; i++) id[(*at)++] = s[i];
}

void append_decimal(char (&id)[KX_STATS_NAME_SIZE], u32* at, s64 v) {
  char digits[21];
  u32 n = 0;
  u64 u = v < 0 ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
  do {
    digits[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) append(id, at, "-");
  while (n) {
    const char d[2] = {digits[--n], 0};
    append(id, at, d);
  }
}

}  // namespace

void format_stats_id(char (&id)[KX_STATS_NAME_SIZE], s32 pid, s64 vcpu_id) {
  for (char& c : id) c = 0;
  u32 at = 0;
  append(id, &at, "kvm-");
  append_decimal(id, &at, pid);
  if (vcpu_id >= 0) {
    append(id, &at, "/vcpu-");
    append_decimal(id, &at, vcpu_id);
  }
}

}  // namespace kvm
