// SPDX-License-Identifier: GPL-2.0
// Binary statistics: api.rst 4.133 KVM_GET_STATS_FD, 6.1's
// virt/kvm/binary_stats.c.
//
// A VM counts its events in a VmStats and each vCPU in a VcpuStats: u64
// values, each changed atomically where its event happens and read without
// a lock, as Linux reads kvm->stat. Which of them a personality shows, and
// under which name, is its tables: rows made by the KX_STATS_DESC_*
// macros (the shape of Linux's STATS_DESC_*), turned at compile time into
// the descriptors block of the file. The data block holds each row's
// values in row order, so a row's offset is the sum of the sizes before it.
#pragma once

#include <kvm_ext/abi.h>
#include <kvm_ext/platform.h>
#include <kx/result.h>
#include <kx/types.h>

namespace kvm {

// One value of a stats file. Relaxed atomics: each counter is a number of
// its own, and a reader wants no ordering between two of them.
class Stat {
 public:
  void inc() { __atomic_fetch_add(&v_, 1, __ATOMIC_RELAXED); }
  void add(u64 n) { __atomic_fetch_add(&v_, n, __ATOMIC_RELAXED); }
  void set(u64 n) { __atomic_store_n(&v_, n, __ATOMIC_RELAXED); }
  u64 read() const { return __atomic_load_n(&v_, __ATOMIC_RELAXED); }

 private:
  u64 v_ = 0;
};
static_assert(sizeof(Stat) == 8);

// A logarithmic histogram (KVM_STATS_TYPE_LOG_HIST, Linux's
// KVM_STATS_LOG_HIST_UPDATE()): bucket 0 counts the value 0, bucket n the
// values in [2^(n-1), 2^n), the last bucket everything above.
template <u32 N>
struct LogHist {
  Stat bucket[N];
  void record(u64 v) {
    const u32 index = v ? 64 - static_cast<u32>(__builtin_clzll(v)) : 0;
    bucket[index < N ? index : N - 1].inc();
  }
};

// HALT_POLL_HIST_COUNT: the buckets of Linux's halt histograms.
constexpr u32 kHaltHistBuckets = 32;

// What a VM counts. Every field is one event, counted where it happens
// (Documentation/userspace-api.rst lists them with their names).
struct VmStats {
  Stat memslot_updates;      // KVM_SET_USER_MEMORY_REGION succeeded
  Stat dirty_log_gets;       // KVM_GET_DIRTY_LOG succeeded
  Stat dirty_log_clears;     // KVM_CLEAR_DIRTY_LOG succeeded
  Stat dirty_pages_logged;   // a write set a clear bit of a dirty log
  Stat gsi_routing_updates;  // KVM_SET_GSI_ROUTING installed a table
  Stat irq_line_injections;  // KVM_IRQ_LINE raised a line
  Stat msi_injections;       // KVM_SIGNAL_MSI delivered
  Stat irqfd_injections;     // an irqfd's eventfd fired a route
  Stat lpis_delivered;       // an ITS translation made an LPI pending
};

// What a vCPU counts.
struct VcpuStats {
  Stat halt_wakeup;                          // a kick found it blocked in KVM_RUN
  Stat halt_wait_ns;                         // time blocked in KVM_RUN
  LogHist<kHaltHistBuckets> halt_wait_hist;  // each block's length
  Stat blocking;                             // 1 while blocked in KVM_RUN
  Stat exits;                                // it left the guest (all kinds)
  Stat userspace_exits;                      // KVM_RUN returned after running
  Stat signal_exits;                         // ... with -EINTR for a signal
  Stat ext_interrupt_exits;                  // ... with KVM_EXIT_EXT_INTERRUPT
  Stat mmio_exits;                           // MMIO, either kind below
  Stat mmio_exit_user;                       // MMIO exit to the VMM
  Stat mmio_exit_kernel;                     // MMIO an in-kernel device took
  Stat hypercalls;                           // a hypercall the architecture took
  Stat sysreg_exits;                         // a system register access it took
};

// One row of a descriptor table: the descriptor's fields, its name and
// where its values are (a byte offset into VmStats or VcpuStats, and the
// field's size, which must be `size` values).
struct StatsRow {
  u32 flags;
  s16 exponent;
  u16 size;
  u32 bucket_size;
  const char* name;
  u32 source;
  u32 source_bytes;
};

// A table as the stats file reads it: the descriptors block (offsets in
// the data block filled in), where each descriptor's values are, and how
// many values the data block has.
struct StatsTable {
  const kx_stats_desc* desc;
  const u32* source;
  u32 num_desc;
  u32 num_values;
};

// The most values one data block has: it is snapshotted on the stack.
constexpr u32 kMaxStatsValues = 64;

template <usize N>
struct StatsBlock {
  kx_stats_desc desc[N];
  u32 source[N];
  u32 num_values;
};

namespace stats_detail {

// Not constexpr: reaching it makes the table's evaluation fail to compile,
// with the message in the diagnostic's call chain.
void invalid_stats_table(const char* why);

consteval u32 name_length(const char* s) {
  u32 n = 0;
  while (s[n]) n++;
  return n;
}

consteval bool same_name(const char* a, const char* b) {
  u32 i = 0;
  while (a[i] && a[i] == b[i]) i++;
  return a[i] == b[i];
}

consteval bool name_chars_ok(const char* s) {
  for (u32 i = 0; s[i]; i++) {
    const char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

consteval void check_row(const StatsRow& r, u32 stats_bytes) {
  const u32 type = r.flags & KX_STATS_TYPE_MASK;
  const u32 unit = r.flags & KX_STATS_UNIT_MASK;
  const u32 base = r.flags & KX_STATS_BASE_MASK;
  if (r.flags & ~(KX_STATS_TYPE_MASK | KX_STATS_UNIT_MASK | KX_STATS_BASE_MASK))
    invalid_stats_table("flags outside type, unit and base");
  if (type > KX_STATS_TYPE_LOG_HIST || unit > KX_STATS_UNIT_BOOLEAN || base > KX_STATS_BASE_POW2)
    invalid_stats_table("unknown type, unit or base");
  const bool hist = type == KX_STATS_TYPE_LINEAR_HIST || type == KX_STATS_TYPE_LOG_HIST;
  if (hist ? r.size < 1 : r.size != 1) invalid_stats_table("size does not suit the type");
  if (r.bucket_size && type != KX_STATS_TYPE_LINEAR_HIST)
    invalid_stats_table("bucket_size is for linear histograms");
  if (unit == KX_STATS_UNIT_BOOLEAN && type == KX_STATS_TYPE_LOG_HIST)
    invalid_stats_table("a boolean cannot be a logarithmic histogram");
  if (!r.name || name_length(r.name) == 0 || name_length(r.name) >= KX_STATS_NAME_SIZE ||
      !name_chars_ok(r.name))
    invalid_stats_table("a name of 1-47 characters [a-z0-9_]");
  if (r.source_bytes != 8u * r.size || r.source % 8 || r.source + r.source_bytes > stats_bytes)
    invalid_stats_table("the values are not the field's");
}

}  // namespace stats_detail

// The descriptors block of `rows` over the stats structure S, checked:
// names unique, sizes as the type says, values inside S.
template <typename S, usize N>
consteval StatsBlock<N> make_stats_block(const StatsRow (&rows)[N]) {
  StatsBlock<N> b{};
  u32 values = 0;
  for (usize i = 0; i < N; i++) {
    const StatsRow& r = rows[i];
    stats_detail::check_row(r, sizeof(S));
    for (usize j = 0; j < i; j++) {
      if (stats_detail::same_name(rows[j].name, r.name))
        stats_detail::invalid_stats_table("a name twice");
    }
    b.desc[i].flags = r.flags;
    b.desc[i].exponent = r.exponent;
    b.desc[i].size = r.size;
    b.desc[i].offset = values * 8;
    b.desc[i].bucket_size = r.bucket_size;
    for (u32 c = 0; r.name[c]; c++) b.desc[i].name[c] = r.name[c];
    b.source[i] = r.source;
    values += r.size;
  }
  if (values > kMaxStatsValues) stats_detail::invalid_stats_table("more than kMaxStatsValues");
  b.num_values = values;
  return b;
}

template <usize N>
constexpr StatsTable stats_table(const StatsBlock<N>& b) {
  return {b.desc, b.source, static_cast<u32>(N), b.num_values};
}

// The id string: "kvm-<pid>" for a VM, "kvm-<pid>/vcpu-<id>" for a vCPU
// (vcpu_id < 0: a VM), as 6.1 writes them with the creating task's pid.
void format_stats_id(char (&id)[KX_STATS_NAME_SIZE], s32 pid, s64 vcpu_id);

class Vm;

// What a stats fd reads: one VM's or one vCPU's statistics (the table its
// personality shows, the id, the counters), and the VM the fd holds.
class StatsFile {
 public:
  StatsFile(Vm* vm, const StatsTable* table, const void* counters, s64 vcpu_id)
      : vm_(vm), table_(table), counters_(counters) {
    format_stats_id(id_, kx_current_pid(), vcpu_id);
  }
  StatsFile(const StatsFile&) = delete;
  StatsFile& operator=(const StatsFile&) = delete;

  Vm& vm() const { return *vm_; }
  // The file's length: header, id, descriptors, data.
  u64 size() const;
  // kvm_stats_read(): up to `count` bytes of the file from *pos into the
  // user buffer `ubuf`; the number read (0 at or past the end), *pos
  // advanced by it. -EFAULT (and *pos unchanged) if a copy faults.
  kx::Result<u64> read(u64 ubuf, u64 count, s64* pos) const;

 private:
  Vm* vm_;
  const StatsTable* table_;
  const void* counters_;  // the VmStats or VcpuStats the table describes
  char id_[KX_STATS_NAME_SIZE] = {};
};

}  // namespace kvm

// The rows, in Linux's shape. SCOPE is Vm or Vcpu; FIELD a member of
// VmStats or VcpuStats. The _AS forms give the row a name other than the
// field's: an architecture names an event as Linux does there.
#define KX_STATS_DESC(SCOPE, FIELD, NAME, TYPE, UNIT, BASE, EXP, SZ, BSZ) \
  ::kvm::StatsRow {                                                       \
    (TYPE) | (UNIT) | (BASE), (EXP), (SZ), (BSZ), (NAME),                 \
        static_cast<u32>(__builtin_offsetof(::kvm::SCOPE##Stats, FIELD)), \
        static_cast<u32>(sizeof(::kvm::SCOPE##Stats::FIELD))              \
  }
#define KX_STATS_DESC_COUNTER_AS(SCOPE, FIELD, NAME)                              \
  KX_STATS_DESC(SCOPE, FIELD, NAME, KX_STATS_TYPE_CUMULATIVE, KX_STATS_UNIT_NONE, \
                KX_STATS_BASE_POW10, 0, 1, 0)
#define KX_STATS_DESC_COUNTER(SCOPE, FIELD) KX_STATS_DESC_COUNTER_AS(SCOPE, FIELD, #FIELD)
#define KX_STATS_DESC_IBOOLEAN(SCOPE, FIELD)                                        \
  KX_STATS_DESC(SCOPE, FIELD, #FIELD, KX_STATS_TYPE_INSTANT, KX_STATS_UNIT_BOOLEAN, \
                KX_STATS_BASE_POW10, 0, 1, 0)
#define KX_STATS_DESC_TIME_NSEC(SCOPE, FIELD)                                          \
  KX_STATS_DESC(SCOPE, FIELD, #FIELD, KX_STATS_TYPE_CUMULATIVE, KX_STATS_UNIT_SECONDS, \
                KX_STATS_BASE_POW10, -9, 1, 0)
#define KX_STATS_DESC_LOGHIST_TIME_NSEC(SCOPE, FIELD, SZ)                            \
  KX_STATS_DESC(SCOPE, FIELD, #FIELD, KX_STATS_TYPE_LOG_HIST, KX_STATS_UNIT_SECONDS, \
                KX_STATS_BASE_POW10, -9, SZ, 0)

// What every personality shows (Linux's KVM_GENERIC_VM_STATS() and
// KVM_GENERIC_VCPU_STATS() are the same idea; the halt names are theirs).
#define KX_GENERIC_VM_STATS()                                                            \
  KX_STATS_DESC_COUNTER(Vm, memslot_updates), KX_STATS_DESC_COUNTER(Vm, dirty_log_gets), \
      KX_STATS_DESC_COUNTER(Vm, dirty_pages_logged)
#define KX_GENERIC_VCPU_STATS()                                                          \
  KX_STATS_DESC_COUNTER(Vcpu, halt_wakeup), KX_STATS_DESC_TIME_NSEC(Vcpu, halt_wait_ns), \
      KX_STATS_DESC_LOGHIST_TIME_NSEC(Vcpu, halt_wait_hist, ::kvm::kHaltHistBuckets),    \
      KX_STATS_DESC_IBOOLEAN(Vcpu, blocking)
