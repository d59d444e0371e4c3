// SPDX-License-Identifier: GPL-2.0
// Binary statistics (api.rst 4.133 KVM_GET_STATS_FD) through the C ABI the
// shim's stats fds call: the file's layout on every personality, reads at
// any offset, -EFAULT, the id strings, counters moving with their events,
// the VM reference a stats fd holds, and readers racing the counters.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"
#include "virt/kvm/stats.h"

namespace {

constexpr unsigned long long kMmioGpa = 0x9000000;

class StatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host::clear_signal();
    live_ = host::live_allocations();
    ASSERT_EQ(kx_core_init(), 0);
  }
  void TearDown() override {
    host::clear_signal();
    kx_core_exit();
    EXPECT_EQ(kx_vm_count(), 0u);
    EXPECT_EQ(host::live_allocations(), live_) << "leak";
  }
  // A VM of personality p with one vCPU of that id.
  static void Make(kx_personality p, unsigned id, kx_vm** vm, kx_vcpu** vcpu) {
    ASSERT_EQ(kx_vm_create(p, 0, nullptr, vm), 0);
    ASSERT_EQ(kx_vm_create_vcpu(*vm, id, vcpu), 0);
  }
  long live_ = 0;
};

// A VM's or a vCPU's stats file, as a stats fd holds it: opening takes a
// VM reference, which the File drops when it goes.
struct File {
  kx_stats* s = nullptr;
  explicit File(kx_vm* vm) { EXPECT_EQ(kx_vm_stats_open(vm, &s), 0); }
  explicit File(kx_vcpu* vcpu) { EXPECT_EQ(kx_vcpu_stats_open(vcpu, &s), 0); }
  File(const File&) = delete;
  ~File() { kx_stats_release(s); }

  long read(void* buf, unsigned long long size, long long* pos) const {
    return kx_stats_read(s, reinterpret_cast<unsigned long long>(buf), size, pos);
  }
  long long size() const { return kx_stats_size(s); }
  std::vector<unsigned char> whole() const {
    std::vector<unsigned char> b(static_cast<size_t>(size()));
    long long pos = 0;
    EXPECT_EQ(read(b.data(), b.size(), &pos), static_cast<long>(b.size()));
    return b;
  }
  kx_stats_header header() const {
    kx_stats_header h;
    std::vector<unsigned char> b = whole();
    memcpy(&h, b.data(), sizeof(h));
    return h;
  }
  // Value k of the named statistic (ADD_FAILURE and 0 if there is none).
  unsigned long long value(const char* name, unsigned k = 0) const {
    std::vector<unsigned char> b = whole();
    kx_stats_header h;
    memcpy(&h, b.data(), sizeof(h));
    for (unsigned i = 0; i < h.num_desc; i++) {
      kx_stats_desc d;
      memcpy(&d, b.data() + h.desc_offset + i * sizeof(d), sizeof(d));
      if (strcmp(d.name, name) || k >= d.size) continue;
      unsigned long long v;
      memcpy(&v, b.data() + h.data_offset + d.offset + 8 * k, sizeof(v));
      return v;
    }
    ADD_FAILURE() << "no statistic " << name << "[" << k << "]";
    return 0;
  }
};

// The header and every descriptor as api.rst 4.133 defines them, in 6.1's
// layout; the values in descriptor order up to the file's end.
void CheckLayout(const File& f, const char* what) {
  SCOPED_TRACE(what);
  std::vector<unsigned char> b = f.whole();
  kx_stats_header h;
  memcpy(&h, b.data(), sizeof(h));
  EXPECT_EQ(h.flags, 0u);
  EXPECT_EQ(h.name_size, 48u);
  EXPECT_GT(h.num_desc, 0u);
  EXPECT_EQ(h.id_offset, sizeof(h));
  EXPECT_EQ(h.desc_offset, h.id_offset + 48);
  EXPECT_EQ(h.data_offset, h.desc_offset + h.num_desc * sizeof(kx_stats_desc));
  unsigned next = 0;
  std::vector<std::string> names;
  for (unsigned i = 0; i < h.num_desc; i++) {
    kx_stats_desc d;
    memcpy(&d, b.data() + h.desc_offset + i * sizeof(d), sizeof(d));
    const size_t len = strnlen(d.name, sizeof(d.name));
    ASSERT_GT(len, 0u);
    ASSERT_LT(len, sizeof(d.name));
    for (const std::string& n : names) EXPECT_NE(n, d.name);
    names.emplace_back(d.name);
    const unsigned type = d.flags & KX_STATS_TYPE_MASK;
    EXPECT_LE(type, static_cast<unsigned>(KX_STATS_TYPE_LOG_HIST)) << d.name;
    EXPECT_EQ(d.size == 1, type <= KX_STATS_TYPE_PEAK) << d.name;
    EXPECT_EQ(d.offset, next) << d.name;
    next += 8 * d.size;
  }
  EXPECT_EQ(b.size(), h.data_offset + next);
}

TEST_F(StatsTest, FileLayoutOnEveryPersonality) {
  for (int p = 0; p < KX_NR_PERSONALITIES; p++) {
    kx_vm* vm;
    kx_vcpu* vcpu;
    ASSERT_NO_FATAL_FAILURE(Make(static_cast<kx_personality>(p), 3, &vm, &vcpu));
    CheckLayout(File(vm), kx_personality_name(static_cast<kx_personality>(p)));
    CheckLayout(File(vcpu), kx_personality_name(static_cast<kx_personality>(p)));
    EXPECT_EQ(kx_check_extension(static_cast<kx_personality>(p), vm, KX_CAP_BINARY_STATS_FD), 1);
    kx_vm_put(vm);
  }
}

// kvm_stats_read(): any offset and length is that slice of the whole; the
// end and beyond read 0, as does a length of 0; the position advances by
// what was read.
TEST_F(StatsTest, ReadsAtAnyOffsetAreSlicesOfTheWhole) {
  kx_vm* vm;
  kx_vcpu* vcpu;
  ASSERT_NO_FATAL_FAILURE(Make(KX_ARM64, 0, &vm, &vcpu));
  const File fv(vm), fc(vcpu);
  for (const File* fp : {&fv, &fc}) {
    const File& f = *fp;
    const std::vector<unsigned char> whole = f.whole();
    const long long size = f.size();
    std::vector<unsigned char> buf(whole.size() + 64);
    for (long long off = 0; off <= size + 16; off++) {
      for (unsigned long long len : {0ull, 1ull, 7ull, 8ull, 9ull, 63ull, 64ull, 65ull,
                                     static_cast<unsigned long long>(size)}) {
        long long pos = off;
        const long want = off >= size ? 0 : static_cast<long>(std::min<long long>(len, size - off));
        ASSERT_EQ(f.read(buf.data(), len, &pos), want) << off << "+" << len;
        ASSERT_EQ(pos, off + want);
        ASSERT_EQ(memcmp(buf.data(), whole.data() + off, static_cast<size_t>(want)), 0)
            << off << "+" << len;
      }
    }
    long long pos = 1ll << 40;
    EXPECT_EQ(f.read(buf.data(), 8, &pos), 0);
    EXPECT_EQ(pos, 1ll << 40);
  }
  kx_vm_put(vm);
}

// A copy that faults is -EFAULT with the position where it was; a negative
// position (which the VFS never passes) -EINVAL.
TEST_F(StatsTest, FaultingBufferIsEfaultAndKeepsThePosition) {
  kx_vm* vm;
  ASSERT_EQ(kx_vm_create(KX_PPC, 0, nullptr, &vm), 0);
  const File f(vm);
  const kx_stats_header h = f.header();
  long long pos = h.data_offset;
  void* bad = reinterpret_cast<void*>(host::kUserTop - 4);
  EXPECT_EQ(f.read(bad, 64, &pos), -EFAULT);
  EXPECT_EQ(pos, h.data_offset);
  pos = 0;
  EXPECT_EQ(f.read(bad, 64, &pos), -EFAULT);
  EXPECT_EQ(pos, 0);
  pos = -1;
  unsigned char buf[8];
  EXPECT_EQ(f.read(buf, 8, &pos), -EINVAL);
  kx_vm_put(vm);
}

std::string IdOf(const File& f) {
  const std::vector<unsigned char> b = f.whole();
  const kx_stats_header h = f.header();
  std::string id(reinterpret_cast<const char*>(b.data() + h.id_offset), 48);
  const size_t nul = id.find('\0');
  EXPECT_EQ(id.find_first_not_of('\0', nul), std::string::npos) << "NUL-padded";
  return id.substr(0, nul);
}

// kvm-<pid> and kvm-<pid>/vcpu-<id>, the pid of the thread that made them.
TEST_F(StatsTest, IdStringsNameTheCreatingThread) {
  kx_vm* vm;
  kx_vcpu* a;
  kx_vcpu* b = nullptr;
  ASSERT_EQ(kx_vm_create(KX_S390, 0, nullptr, &vm), 0);
  ASSERT_EQ(kx_vm_create_vcpu(vm, 247, &a), 0);
  pid_t other = 0;
  std::thread t([&] {
    other = gettid();
    EXPECT_EQ(kx_vm_create_vcpu(vm, 12, &b), 0);
  });
  t.join();
  const std::string me = std::to_string(gettid());
  EXPECT_EQ(IdOf(File(vm)), "kvm-" + me);
  EXPECT_EQ(IdOf(File(a)), "kvm-" + me + "/vcpu-247");
  EXPECT_EQ(IdOf(File(b)), "kvm-" + std::to_string(other) + "/vcpu-12");
  kx_vm_put(vm);
}

TEST(StatsId, FormatsNegativeAndLargeNumbers) {
  char id[KX_STATS_NAME_SIZE];
  kvm::format_stats_id(id, 2147483647, 4294967295ll);
  EXPECT_STREQ(id, "kvm-2147483647/vcpu-4294967295");
  kvm::format_stats_id(id, -5, -1);
  EXPECT_STREQ(id, "kvm--5");
  kvm::format_stats_id(id, 0, 0);
  EXPECT_STREQ(id, "kvm-0/vcpu-0");
}

int GuestAccess(kx_vcpu* vcpu, unsigned long long addr, bool write, unsigned len = 4) {
  kx_guest_access a = {KX_ACCESS_MEM, write ? KX_ACCESS_WRITE : 0u, addr, len, 0, 0x41};
  kx_exit e = {};
  return kx_vcpu_guest_access(vcpu, &a, &e);
}

// Every counter of a fresh VM and vCPU is 0; each moves when its event
// happens and only then (a refused call moves nothing).
TEST_F(StatsTest, CountersMoveWithTheirEvents) {
  kx_vm* vm;
  kx_vcpu* vcpu;
  ASSERT_NO_FATAL_FAILURE(Make(KX_ARM64, 0, &vm, &vcpu));
  const File fv(vm), fc(vcpu);
  for (const File* f : {&fv, &fc}) {
    const std::vector<unsigned char> b = f->whole();
    const kx_stats_header h = f->header();
    for (size_t i = h.data_offset; i < b.size(); i++) EXPECT_EQ(b[i], 0) << i;
  }
  std::vector<unsigned char> ram(4 * 4096 + 4096);
  const auto uaddr = (reinterpret_cast<unsigned long long>(ram.data()) + 4095) & ~4095ull;
  kx_memory_region r = {0, KX_MEM_LOG_DIRTY_PAGES, 0x40000000, 4 * 4096, uaddr};
  ASSERT_EQ(kx_vm_set_memory_region(vm, &r), 0);
  r.flags = 0x80;
  EXPECT_EQ(kx_vm_set_memory_region(vm, &r), -EINVAL);
  EXPECT_EQ(fv.value("memslot_updates"), 1u);

  EXPECT_EQ(GuestAccess(vcpu, 0x40000000, true), 0);
  EXPECT_EQ(GuestAccess(vcpu, 0x40000004, true), 0);  // the same page
  EXPECT_EQ(GuestAccess(vcpu, 0x40003000, true), 0);
  EXPECT_EQ(GuestAccess(vcpu, 0x40002000, false), 0);  // a load
  EXPECT_EQ(fv.value("dirty_pages_logged"), 2u);
  std::vector<unsigned long long> bitmap(1);
  EXPECT_EQ(kx_vm_get_dirty_log(vm, 0, reinterpret_cast<unsigned long long>(bitmap.data())), 0);
  EXPECT_EQ(bitmap[0], 0x9u);
  EXPECT_EQ(kx_vm_get_dirty_log(vm, 5, reinterpret_cast<unsigned long long>(bitmap.data())),
            -ENOENT);
  EXPECT_EQ(fv.value("dirty_log_gets"), 1u);
  EXPECT_EQ(GuestAccess(vcpu, 0x40000000, true), 0);
  EXPECT_EQ(fv.value("dirty_pages_logged"), 3u);

  EXPECT_EQ(GuestAccess(vcpu, kMmioGpa, true), 0);
  EXPECT_EQ(GuestAccess(vcpu, kMmioGpa, false, 8), 0);
  EXPECT_EQ(GuestAccess(vcpu, kMmioGpa, false, 3), -EINVAL);
  const File& c = fc;
  EXPECT_EQ(c.value("mmio_exit_user"), 2u);
  EXPECT_EQ(c.value("mmio_exit_kernel"), 0u);
  EXPECT_EQ(c.value("exits"), 2u);
  EXPECT_EQ(c.value("sysreg_exits"), 0u);
  EXPECT_EQ(c.value("hvc_exit_stat"), 0u);
  kx_guest_access hvc = {KX_ACCESS_HYPERCALL, 0, 0xc5000020, 8, 0, 0};
  kx_exit e = {};
  EXPECT_EQ(kx_vcpu_guest_access(vcpu, &hvc, &e), 0);
  hvc.addr = 0x86000001;  // the PTP clock, not emulated: refused, not counted
  EXPECT_EQ(kx_vcpu_guest_access(vcpu, &hvc, &e), -ENXIO);
  EXPECT_EQ(c.value("hvc_exit_stat"), 1u);
  EXPECT_EQ(c.value("exits"), 3u);
  kx_vm_put(vm);
}

// KVM_RUN's wait: blocking is 1 during it; then the exit counters, its
// length in halt_wait_ns and one sample in halt_wait_hist's bucket of it.
TEST_F(StatsTest, RunCountsTheWaitAndTheSignal) {
  kx_vm* vm;
  kx_vcpu* vcpu;
  ASSERT_NO_FATAL_FAILURE(Make(KX_PPC, 0, &vm, &vcpu));
  ASSERT_EQ(ppc_enable_papr(vcpu), 0);
  kx_run run = {};
  run.immediate_exit = 1;
  EXPECT_EQ(kx_vcpu_run(vcpu, &run), -EINTR);
  const File f(vcpu);
  EXPECT_EQ(f.value("sum_exits"), 0u);
  std::atomic<unsigned long long> seen{0};
  std::thread t([&] {
    for (int i = 0; i < 2000 && !seen.load(); i++) {
      seen.store(f.value("blocking"));
      usleep(1000);
    }
    usleep(20000);
    host::raise_signal();
  });
  run = {};
  EXPECT_EQ(kx_vcpu_run(vcpu, &run), -EINTR);
  t.join();
  EXPECT_EQ(seen.load(), 1u);
  EXPECT_EQ(f.value("blocking"), 0u);
  EXPECT_EQ(f.value("signal_exits"), 1u);
  EXPECT_EQ(f.value("sum_exits"), 1u);
  EXPECT_EQ(f.value("halt_wakeup"), 0u);
  const unsigned long long ns = f.value("halt_wait_ns");
  EXPECT_GE(ns, 20000000u);
  const unsigned bucket = std::min(64u - static_cast<unsigned>(__builtin_clzll(ns)), 31u);
  for (unsigned i = 0; i < 32; i++) EXPECT_EQ(f.value("halt_wait_hist", i), i == bucket) << i;
  kx_vm_put(vm);
}

// A vCPU's stats open waits for the vCPU's mutex (KVM_RUN holds it), then
// holds the VM: the VM outlives its creator's reference until the stats
// reference goes.
TEST_F(StatsTest, VcpuStatsOpenWaitsForRunAndHoldsTheVm) {
  kx_vm* vm;
  kx_vcpu* vcpu;
  ASSERT_NO_FATAL_FAILURE(Make(KX_S390, 0, &vm, &vcpu));
  kx_stats* vms;
  ASSERT_EQ(kx_vm_stats_open(vm, &vms), 0);  // a VM's takes no vCPU mutex
  std::atomic<bool> opened{false};
  kx_stats* s = nullptr;
  {
    const File watch(vcpu);
    std::thread runner([&] {
      kx_run run = {};
      EXPECT_EQ(kx_vcpu_run(vcpu, &run), -EINTR);
    });
    while (!watch.value("blocking")) usleep(1000);
    std::thread opener([&] {
      EXPECT_EQ(kx_vcpu_stats_open(vcpu, &s), 0);
      opened.store(true);
    });
    usleep(50000);
    EXPECT_FALSE(opened.load());
    host::raise_signal();
    runner.join();
    opener.join();
    host::clear_signal();
    EXPECT_TRUE(opened.load());
  }
  kx_vm_put(vm);  // the creator's reference
  kx_stats_release(vms);
  EXPECT_EQ(kx_vm_count(), 1u);
  long long pos = 0;
  kx_stats_header h;
  EXPECT_EQ(kx_stats_read(s, reinterpret_cast<unsigned long long>(&h), sizeof(h), &pos),
            static_cast<long>(sizeof(h)));
  kx_stats_release(s);  // the last reference
  EXPECT_EQ(kx_vm_count(), 0u);
}

// Readers racing the events: cumulative counters never go back; the VM
// goes with whichever reference is dropped last, the creator's or the
// reader's stats file.
TEST_F(StatsTest, ReadersRaceCountersAndTheVmsEnd) {
  kx_vm* vm;
  kx_vcpu* vcpu;
  ASSERT_NO_FATAL_FAILURE(Make(KX_ARM64, 0, &vm, &vcpu));
  constexpr int kAccesses = 20000;
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  File* file = new File(vcpu);
  std::thread reader([&] {
    unsigned long long last = 0;
    while (!stop.load() || reads.load() < 10) {
      const unsigned long long v = file->value("mmio_exit_user");
      EXPECT_GE(v, last);
      last = v;
      reads.fetch_add(1);
    }
    delete file;  // the stats fd's reference
  });
  for (int i = 0; i < kAccesses; i++) ASSERT_EQ(GuestAccess(vcpu, kMmioGpa, i & 1), 0);
  EXPECT_EQ(File(vcpu).value("mmio_exit_user"), static_cast<unsigned>(kAccesses));
  stop.store(true);
  kx_vm_put(vm);
  reader.join();
  EXPECT_EQ(kx_vm_count(), 0u);
}

TEST(StatsTable, LogHistogramBuckets) {
  kvm::LogHist<32> h;
  for (unsigned long long v : {0ull, 1ull, 2ull, 3ull, 4ull, 1ull << 30, (1ull << 30) + 5, ~0ull})
    h.record(v);
  // 0 | 1 | 2, 3 | 4 | ... | 2^30 and up (the last bucket takes the rest)
  unsigned long long want[32] = {1, 1, 2, 1};
  want[31] = 3;
  for (unsigned i = 0; i < 32; i++) EXPECT_EQ(h.bucket[i].read(), want[i]) << i;
}

// A table's offsets are the running sums of its sizes, its names as given.
TEST(StatsTable, OffsetsAreRunningSumsOfSizes) {
  static constexpr kvm::StatsRow kRows[] = {
      KX_STATS_DESC_COUNTER(Vcpu, exits),
      KX_STATS_DESC_LOGHIST_TIME_NSEC(Vcpu, halt_wait_hist, kvm::kHaltHistBuckets),
      KX_STATS_DESC_COUNTER_AS(Vcpu, hypercalls, "hvc_exit_stat"),
      KX_STATS_DESC_IBOOLEAN(Vcpu, blocking),
  };
  static constexpr auto kBlock = kvm::make_stats_block<kvm::VcpuStats>(kRows);
  static_assert(kBlock.num_values == 35);
  static_assert(kBlock.desc[1].offset == 8 && kBlock.desc[2].offset == 8 * 33);
  static_assert(kBlock.desc[3].offset == 8 * 34);
  EXPECT_STREQ(kBlock.desc[2].name, "hvc_exit_stat");
  EXPECT_EQ(kBlock.desc[1].flags,
            static_cast<unsigned>(KX_STATS_TYPE_LOG_HIST | KX_STATS_UNIT_SECONDS));
  EXPECT_EQ(kBlock.desc[1].exponent, -9);
  EXPECT_EQ(kBlock.source[2], __builtin_offsetof(kvm::VcpuStats, hypercalls));
}

}  // namespace
