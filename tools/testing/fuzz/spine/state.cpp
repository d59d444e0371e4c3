// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's State, the documented limits the model predicts from,
// and failure reporting (state.h).

#include "state.h"

#include "device.h"

namespace spine {

// ---------------------------------------------------------------- failure

char g_trace[16384];
size_t g_trace_len;
bool g_trace_live;

void trace(const char* fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (g_trace_live) fprintf(stderr, "spine: %s\n", line);
  const size_t n = strlen(line);
  if (g_trace_len + n + 2 < sizeof(g_trace)) {
    memcpy(g_trace + g_trace_len, line, n);
    g_trace[g_trace_len + n] = '\n';
    g_trace_len += n + 1;
    g_trace[g_trace_len] = 0;
  }
}

[[noreturn]] void fail(const char* fmt, ...) {
  fprintf(stderr, "==== spine_fuzzer: operations of this input:\n%s", g_trace);
  fprintf(stderr, "==== spine_fuzzer: INVARIANT VIOLATED: ");
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}

void expect_ret(const char* what, long got, long want, bool enomem_ok) {
  if (got == want) return;
  if (enomem_ok && got == -ENOMEM) return;
  fail("%s returned %ld, model says %ld%s", what, got, want, enomem_ok ? " (or -ENOMEM)" : "");
}

// ----------------------------------------------------------------- limits
//
// The model's per-personality limits are its own, stated in the table
// g_arch below as the documents give them (userspace-api.rst: the
// capabilities table, the vCPU mmap size, the unknown-ioctl errnos, the
// emulated arm64 host's defaults; Linux 6.1 where it is silent), never
// read from the core: at start-up KVM_CHECK_EXTENSION, the personality
// queries and kx_arm64_get_host() must answer exactly those values, and
// every call is then predicted from them, so a wrong limit in a
// Personality table or a core header fails at once or where it bites.
// What the personalities do not advertise (which attribute ioctls they
// handle, KVM_RUN refused at entry, SPAPR TCE) is in the same table,
// written from arch/*/personality.cpp: update it when a personality
// changes.

const Arch g_arch[KX_NR_PERSONALITIES] = {
    // arm64: kvm_arch_vm_ioctl() and kvm_arch_vcpu_ioctl() end in -EINVAL.
    {.vm_attr = false,
     .vcpu_attr = true,
     .run_errno = 0,
     .spapr_tce = false,
     .max_vcpus = 512,
     .max_vcpu_ids = 512,
     .nr_memslots = 32767,
     .ipa_limit = 48,
     .address_spaces = 1,
     .readonly = true,
     .mmap_pages = 2,
     .unknown_vm = -EINVAL,
     .unknown_vcpu = -EINVAL,
     .manual_caps = kManualCaps,
     .has_clear = true},
    // ppc: unknown VM ioctls -ENOTTY, vCPU ones -EINVAL.
    {.vm_attr = false,
     .vcpu_attr = false,
     .run_errno = 0,
     .spapr_tce = true,
     .max_vcpus = 2048,
     .max_vcpu_ids = 16384,
     .nr_memslots = 32767,
     .ipa_limit = 0,
     .address_spaces = 1,
     .readonly = false,
     .mmap_pages = 1,  // no CONFIG_KVM_MMIO: Debian's book3s has no PR KVM
     .unknown_vm = -ENOTTY,
     .unknown_vcpu = -EINVAL,
     .manual_caps = 0,
     .has_clear = false},
    // s390: both -ENOTTY (kvm_arch_vm_ioctl(), kvm_arch_vcpu_ioctl()).
    {.vm_attr = true,
     .vcpu_attr = false,
     .run_errno = 0,
     .spapr_tce = false,
     .max_vcpus = 248,
     .max_vcpu_ids = 248,
     .nr_memslots = 32767,
     .ipa_limit = 0,
     .address_spaces = 1,
     .readonly = false,
     .mmap_pages = 1,
     .unknown_vm = -ENOTTY,
     .unknown_vcpu = -ENOTTY,
     .manual_caps = 0,
     .has_clear = false},
};

namespace {

// The emulated arm64 host's defaults (userspace-api.rst, "arm64 vCPUs":
// the module parameters), restored after each input.
const kx_arm64_host kDocArm64Host = {.sve = 1,
                                     .ptrauth_address = 1,
                                     .ptrauth_generic = 1,
                                     .pmuv3 = 1,
                                     .el1_32bit = 0,
                                     .el0_32bit = 1,
                                     .ras = 1,
                                     .gicv2 = 0,
                                     .sve_vqs = 0xb,
                                     .ipa_bits = 48};

}  // namespace

const kx_arm64_host& g_default_host = kDocArm64Host;
// Each input starts on the documented host with GICv2 compatibility, so
// that inputs reach both GIC models (op_arm_host() may take it away).
const kx_arm64_host g_input_host = [] {
  kx_arm64_host h = kDocArm64Host;
  h.gicv2 = 1;
  return h;
}();

// ------------------------------------------------------------------ state

State* g;
uint8_t* g_ram;
int g_devnull = -1;
int g_group_fds[2] = {-1, -1};  // "VFIO group" files
long g_live_baseline;

bool user_ok(uint64_t uaddr, uint64_t len) {
  return uaddr >= 4096 && uaddr < host::kUserTop && len <= host::kUserTop - uaddr;
}
bool in_ram(uint64_t addr, uint64_t len) {
  const uint64_t base = reinterpret_cast<uint64_t>(g_ram);
  return addr >= base && addr - base <= kRamSize && len <= kRamSize - (addr - base);
}
bool fd_valid(int fd) { return fd >= 0 && fcntl(fd, F_GETFD) >= 0; }

void vm_put(int vi) {
  VmModel& v = g->vms[vi];
  CHECK(v.alive && v.refs > 0, "model: put of a dead VM %d", vi);
  const bool last = --v.refs == 0;
  if (last) g_destroying_vm = v.h;
  kx_vm_put(v.h);
  g_destroying_vm = nullptr;
  if (last) {
    for (auto& [dev, st] : g_dummies) {
      CHECK(st.vm != v.h, "device %p of destroyed VM %d was never destroyed", (void*)dev, vi);
    }
    v = VmModel();
    g->live_vms--;
  }
}

void vm_get(int vi) {
  kx_vm_get(g->vms[vi].h);
  g->vms[vi].refs++;
}

namespace {

long model_file_refs() {
  long n = 0;
  for (const DevFd& d : g->devs) {
    if (d.open) n += d.groups.size();
  }
  return n;
}

}  // namespace

void check_global() {
  CHECK(kx_vm_count() == g->live_vms, "kx_vm_count() %u, model %u", kx_vm_count(), g->live_vms);
  CHECK(g_file_refs_total == model_file_refs(), "%ld file references held, model %ld",
        g_file_refs_total, model_file_refs());
  if (g->live_vms == 0) {
    CHECK(host::live_allocations() == g_live_baseline,
          "no VM left but %ld allocations live (baseline %ld): leak", host::live_allocations(),
          g_live_baseline);
  }
}

}  // namespace spine
