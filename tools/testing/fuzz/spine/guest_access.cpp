// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's guest accesses: KVM_EXT_GUEST_ACCESS against the
// model's slots (RAM, read-only slots, MMIO exits), the in-kernel GIC's
// frames and ICC registers (vgic_regs.cpp) and arm64's hypercalls
// (arm64_regs.cpp); and the probes other operations compare.

#include "guest_access.h"

#include "arm64_regs.h"
#include "vgic_regs.h"

namespace spine {

AccessPlan plan_access(const VmModel& v, const kx_guest_access& acc) {
  if (acc.flags & ~KX_ACCESS_WRITE) return {-EINVAL, 0, false, 0};
  const bool write = acc.flags & KX_ACCESS_WRITE;
  switch (acc.kind) {
    case KX_ACCESS_MEM: {
      if (acc.len != 1 && acc.len != 2 && acc.len != 4 && acc.len != 8)
        return {-EINVAL, 0, false, 0};
      if ((acc.addr & (kPage - 1)) + acc.len > kPage) return {-EINVAL, 0, false, 0};
      const uint64_t gfn = acc.addr / kPage;
      for (const auto& [id, s] : v.slots) {
        if (gfn < s.base_gfn || gfn - s.base_gfn >= s.npages) continue;
        if (write && (s.flags & KX_MEM_READONLY)) break;  // MMIO
        const uint64_t host = s.uaddr + (acc.addr - s.base_gfn * kPage);
        if (!user_ok(host, acc.len)) return {-EFAULT, 0, false, 0};
        if (!in_ram(host, acc.len)) return {0, 0, true, 0};
        return {0, KX_ACCESS_RESULT_RAM, false, host, id, gfn - s.base_gfn};
      }
      // Not RAM: an in-kernel device's region (the GIC's frames), else an exit.
      AccessPlan p = {0, KX_ACCESS_RESULT_KERNEL, false, 0};
      if (gic_mmio_target(v, acc.addr, acc.len, &p.gic)) return p;
      return {0, KX_ACCESS_RESULT_EXIT, false, 0};
    }
    case KX_ACCESS_SYSREG:  // arm64: an initialised GICv3's ICC registers
      if (v.p == KX_ARM64 && gic_icc_guest(v, acc.addr))
        return {0, KX_ACCESS_RESULT_KERNEL, false, 0};
      return {-ENXIO, 0, false, 0};
    case KX_ACCESS_HYPERCALL:
      // arm64's are arm64_hypercall(); ppc's all go to the VMM (the spine
      // makes no XICS: xics_fuzzer has the ICP's); s390 has none.
      if (v.p == KX_PPC) return {0, KX_ACCESS_RESULT_EXIT, false, 0};
      return {-ENXIO, 0, false, 0};
    default:
      return {-EINVAL, 0, false, 0};
  }
}

void touch(uint64_t host) { g->touched.push_back(host & ~(kPage - 1)); }

void guest_access(const VcpuFd& c, unsigned kind, unsigned flags, uint64_t addr, unsigned len,
                  uint64_t data, const char* what) {
  const VmModel& v = g->vms[c.vm];
  if (kind == KX_ACCESS_HYPERCALL && v.p == KX_ARM64 && !(flags & ~KX_ACCESS_WRITE)) {
    arm64_hypercall(c, flags, addr, len, data, what);
    return;
  }
  kx_guest_access acc = {kind, flags, addr, len, kResultSentinel, data};
  const AccessPlan plan = plan_access(v, acc);
  if (plan.unsafe) {
    trace("  %s: skipped (host address outside the arena)", what);
    return;
  }
  const bool write = flags & KX_ACCESS_WRITE;
  uint64_t before = 0;
  if (plan.err == 0 && plan.result == KX_ACCESS_RESULT_RAM) {
    touch(plan.host);
    memcpy(&before, reinterpret_cast<void*>(plan.host), len);
  }
  const bool gic = plan.err == 0 && plan.result == KX_ACCESS_RESULT_KERNEL;
  const GicPre pre = gic && write ? gic_guest_pre(c, kind, plan.gic, addr, len) : GicPre{};
  kx_exit exit = {};
  exit.reason = KX_EXIT_UNKNOWN;
  const int r = kx_vcpu_guest_access(c.h, &acc, &exit);
  trace("  %s: kind %u flags %#x addr %#llx len %u data %#llx -> %d result %u data %#llx", what,
        kind, flags, (unsigned long long)addr, len, (unsigned long long)data, r, acc.result,
        (unsigned long long)acc.data);
  expect_ret(what, r, plan.err, false);
  if (r != 0) {
    CHECK(acc.result == kResultSentinel && acc.data == data, "%s: failed access changed it", what);
    CHECK(!exit.set, "%s: failed access set an exit", what);
    return;
  }
  CHECK(acc.result == plan.result, "%s: result %u, model %u", what, acc.result, plan.result);
  if (plan.result == KX_ACCESS_RESULT_RAM) {
    CHECK(!exit.set, "%s: RAM access set an exit", what);
    if (write) {
      CHECK(acc.data == data, "%s: write changed data", what);
      CHECK(memcmp(reinterpret_cast<void*>(plan.host), &data, len) == 0,
            "%s: RAM at %#llx does not hold the stored bytes", what, (unsigned long long)plan.host);
      // The store dirties its page when the slot logs.
      SlotModel& s = g->vms[c.vm].slots[plan.slot];
      if (s.logging() && s.dirty_known) s.dirty[plan.page / 64] |= 1ull << (plan.page % 64);
    } else {
      CHECK(acc.data == before, "%s: load %#llx, RAM holds %#llx", what,
            (unsigned long long)acc.data, (unsigned long long)before);
    }
  } else if (plan.result == KX_ACCESS_RESULT_KERNEL) {
    CHECK(!exit.set, "%s: an in-kernel access set an exit", what);
    if (write) CHECK(acc.data == data, "%s: write changed data", what);
    gic_guest_post(c, kind, plan.gic, addr, write, len, data, acc.data, pre);
  } else if (kind == KX_ACCESS_HYPERCALL) {
    // ppc: KVM_EXIT_PAPR_HCALL, the registers as they were (r3 the number).
    CHECK(exit.set && exit.reason == KX_EXIT_PAPR_HCALL, "%s: no PAPR_HCALL exit", what);
    CHECK(exit.hcall_nr == addr && exit.hcall_args[0] == data && exit.hcall_args[1] == 0,
          "%s: PAPR_HCALL exit fields %#llx/%#llx", what, exit.hcall_nr, exit.hcall_args[0]);
    CHECK(acc.data == addr && acc.args[0] == data, "%s: registers changed", what);
  } else {
    CHECK(exit.set && exit.reason == KX_EXIT_MMIO, "%s: no MMIO exit", what);
    CHECK(exit.mmio_addr == addr && exit.mmio_len == len && exit.mmio_is_write == write,
          "%s: MMIO exit fields %#llx/%u/%u", what, exit.mmio_addr, exit.mmio_len,
          exit.mmio_is_write);
    for (unsigned i = 0; i < 8; i++) {
      const uint8_t want = write && i < len ? static_cast<uint8_t>(data >> (8 * i)) : 0;
      CHECK(exit.mmio_data[i] == want, "%s: mmio_data[%u] %#x, want %#x", what, i,
            exit.mmio_data[i], want);
    }
    CHECK(acc.data == (write ? data : 0), "%s: MMIO data %#llx", what,
          (unsigned long long)acc.data);
  }
}

Probe probe(const VcpuFd* c, uint64_t gpa) {
  Probe p = {};
  if (!c) return p;
  kx_guest_access acc = {KX_ACCESS_MEM, 0, gpa, 1, 0, 0};
  const AccessPlan plan = plan_access(g->vms[c->vm], acc);
  if (plan.unsafe) return p;
  if (plan.err == 0 && plan.result == KX_ACCESS_RESULT_RAM) touch(plan.host);
  kx_exit exit = {};
  p.done = true;
  p.r = kx_vcpu_guest_access(c->h, &acc, &exit);
  p.result = acc.result;
  p.data = acc.data;
  p.exit_set = exit.set;
  p.reason = exit.reason;
  p.mmio_addr = exit.mmio_addr;
  return p;
}

const VcpuFd* vcpu_fd_of_vm(int vi) {
  for (const VcpuFd& c : g->vcpus) {
    if (c.open && c.vm == vi) return &c;
  }
  return nullptr;
}

void op_guest_access(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const uint8_t kb = in.u8();
  unsigned kind = KX_ACCESS_MEM;
  if (kb % 8 == 5) kind = KX_ACCESS_SYSREG;
  if (kb % 8 == 6) kind = KX_ACCESS_HYPERCALL;
  if (kb % 8 == 7) kind = in.u8() | 3;
  const uint8_t fb = in.u8();
  const unsigned flags = fb & 0x80 ? fb : fb & KX_ACCESS_WRITE;
  const VmModel* v = ci >= 0 ? &g->vms[g->vcpus[ci].vm] : nullptr;
  const uint64_t addr = access_gpa_sel(in, v);
  static const unsigned kLens[] = {1, 2, 4, 8};
  const uint8_t lb = in.u8();
  const unsigned len = lb & 0x80 ? lb & 0x1f : kLens[lb & 3];
  const uint8_t db = in.u8();
  const uint64_t data = db & 1 ? in.u64() : db;
  trace("guest_access vcpu %d", ci);
  if (ci < 0) return;
  guest_access(g->vcpus[ci], kind, flags, addr, len, data, "kx_vcpu_guest_access");
}

}  // namespace spine
