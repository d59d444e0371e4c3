// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's VMs, vCPUs and KVM_RUN: KVM_CREATE_VM's type per
// personality, the fds' references, KVM_CREATE_VCPU against the limits
// (and the GIC's), KVM_RUN's entry checks and wake, the VM and vCPU
// attributes, KVM_CHECK_EXTENSION, and the registry and handle checks.

#include "vm.h"

#include "arm64_regs.h"
#include "device.h"
#include "pmu_timer.h"
#include "vgic.h"
#include "vgic_regs.h"

namespace spine {
namespace {

// KVM_CREATE_VM's arm64 type: 0 means 40 IPA bits, 32 up to the limit
// accepted (userspace-api.rst, "System fd").
constexpr uint32_t kArm64DefaultIpaBits = 40, kArm64MinIpaBits = 32;

// What op_check_extension() asks without a VM: the capabilities whose
// answers cannot change, and numbers no capability has.
const long kCaps[] = {
    KX_CAP_USER_MEMORY,
    KX_CAP_NR_VCPUS,
    KX_CAP_NR_MEMSLOTS,
    KX_CAP_SYNC_MMU,
    KX_CAP_DESTROY_MEMORY_REGION_WORKS,
    KX_CAP_JOIN_MEMORY_REGIONS_WORKS,
    KX_CAP_MAX_VCPUS,
    KX_CAP_READONLY_MEM,
    KX_CAP_DEVICE_CTRL,
    KX_CAP_CHECK_EXTENSION_VM,
    KX_CAP_MULTI_ADDRESS_SPACE,
    KX_CAP_MAX_VCPU_ID,
    KX_CAP_IMMEDIATE_EXIT,
    KX_CAP_ARM_VM_IPA_SIZE,
    0,
    1,
    100000,
    -1,
    LONG_MAX,
    LONG_MIN,
    KX_CAP_ENABLE_CAP_VM,
    KX_CAP_MANUAL_DIRTY_LOG_PROTECT,
    KX_CAP_MANUAL_DIRTY_LOG_PROTECT2,
    KX_CAP_ONE_REG,
    KX_CAP_VCPU_ATTRIBUTES,
    KX_CAP_STEAL_TIME,
};
constexpr int kNumCaps = sizeof(kCaps) / sizeof(kCaps[0]);
long g_cap_snapshot[KX_NR_PERSONALITIES][kNumCaps];

// The owners VMs are created with (kx_vm_owner() gives them back).
char g_owner_tags[kMaxVms];

}  // namespace

void snapshot_caps(kx_personality p) {
  for (int i = 0; i < kNumCaps; i++)
    g_cap_snapshot[p][i] = kx_check_extension(p, nullptr, kCaps[i]);
}

void op_create_vm(Input& in) {
  const uint8_t pb = in.u8();
  const unsigned long type = vm_type_sel(in);
  const bool with_owner = in.u8() & 1;
  const int p = pb % 16 == 15 ? KX_NR_PERSONALITIES : pb % 3;
  int slot = -1;
  for (int i = 0; i < kMaxVms; i++) {
    if (!g->vms[i].alive) {
      slot = i;
      break;
    }
  }
  trace("create_vm p %d type %#lx owner %d (table slot %d)", p, type, with_owner, slot);
  if (slot < 0) return;
  // The model: kvm_arch_init_vm()'s reading of the type.
  int want = 0;
  uint32_t ipa = 0;
  if (p == KX_ARM64) {
    const long limit = g_arch[KX_ARM64].ipa_limit;
    const unsigned bits = type & KX_VM_TYPE_ARM_IPA_SIZE_MASK;
    if (type & ~KX_VM_TYPE_ARM_IPA_SIZE_MASK)
      want = -EINVAL;
    else if (bits == 0 && kArm64DefaultIpaBits > limit)
      want = -EINVAL;
    else if (bits == 0)
      ipa = kArm64DefaultIpaBits;
    else if (bits > limit || bits < kArm64MinIpaBits)
      want = -EINVAL;
    else
      ipa = bits;
  } else if (p == KX_PPC) {
    want = type == 0 || type == KX_VM_PPC_HV ? 0 : -EINVAL;
  } else if (p == KX_S390) {
    want = type == 0 ? 0 : -EINVAL;
  } else {
    want = -EINVAL;
  }
  void* owner = with_owner ? &g_owner_tags[slot] : nullptr;
  kx_vm* h = reinterpret_cast<kx_vm*>(0x1);
  const int r = kx_vm_create(static_cast<kx_personality>(p), type, owner, &h);
  trace("  -> %d", r);
  expect_ret("kx_vm_create", r, want, want == 0 && g->inject);
  if (r != 0) {
    CHECK(h == reinterpret_cast<kx_vm*>(0x1), "failed kx_vm_create wrote *out");
    return;
  }
  VmModel& v = g->vms[slot];
  v = VmModel();
  v.alive = true;
  v.h = h;
  v.p = static_cast<kx_personality>(p);
  v.ipa_bits = ipa;
  v.owner = owner;
  v.fd_open = true;
  v.refs = 1;
  g->live_vms++;
  CHECK(kx_vm_personality(h) == p, "kx_vm_personality");
  CHECK(kx_vm_owner(h) == owner, "kx_vm_owner");
  if (p == KX_ARM64) {
    // The VM's capabilities are the emulated host it snapshotted.
    const kx_arm64_host& hc = g->host;
    v.host = hc;
    CHECK(kx_check_extension(KX_ARM64, h, KX_CAP_ARM_SVE) == hc.sve &&
              kx_check_extension(KX_ARM64, h, KX_CAP_ARM_PMU_V3) == hc.pmuv3 &&
              kx_check_extension(KX_ARM64, h, KX_CAP_ARM_EL1_32BIT) == hc.el1_32bit &&
              kx_check_extension(KX_ARM64, h, KX_CAP_ARM_PTRAUTH_ADDRESS) ==
                  (hc.ptrauth_address && hc.ptrauth_generic),
          "arm64 VM capabilities differ from the host it was created on");
  }
}

void op_close_vm(Input& in) {
  const int vi = pick_vm(in.u8());
  trace("close_vm %d", vi);
  if (vi < 0) return;
  g->vms[vi].fd_open = false;
  vm_put(vi);
}

namespace {

int free_vcpu_fd() {
  for (int i = 0; i < kMaxVcpuFds; i++) {
    if (!g->vcpus[i].open) return i;
  }
  return -1;
}

// kx_vm_create_vcpu against the model; the shim's fd step after it: keep
// an fd (fd_slot >= 0), close it at once (-1), or fail to make it (abort).
void create_vcpu(int vi, uint32_t id, bool abort_fd, int fd_slot, bool papr = false) {
  VmModel& v = g->vms[vi];
  const Arch& a = g_arch[v.p];
  int want = 0;
  if (id >= a.max_vcpu_ids)
    want = -EINVAL;
  else if (v.vcpu_ids.size() >= static_cast<size_t>(a.max_vcpus))
    want = -EINVAL;
  else if (v.gic.model && v.vcpu_ids.size() >= gic_max_cpus(v.gic.model))
    want = -EINVAL;  // kvm->max_vcpus, which the GIC set
  else if (v.gic.model && v.gic.initialized)
    want = -EBUSY;  // kvm_arch_vcpu_precreate()
  else if (v.gic.model == KX_DEV_TYPE_ARM_VGIC_V3 && v.vcpu_ids.size() < gic_rd_capacity(v.gic) &&
           !gic_v3_check_base(v))
    want = -EINVAL;  // its redistributor frame would be registered over the distributor
  else if (v.vcpu_ids.count(id))
    want = -EEXIST;
  kx_vcpu* h = reinterpret_cast<kx_vcpu*>(0x1);
  const int r = kx_vm_create_vcpu(v.h, id, &h);
  if (r != want || g_trace_live)
    trace("  create_vcpu vm %d id %u -> %d (model %d)", vi, id, r, want);
  // The vCPU is allocated before the duplicate check.
  expect_ret("kx_vm_create_vcpu", r, want, g->inject && (want == 0 || want == -EEXIST));
  if (r != 0) {
    CHECK(h == reinterpret_cast<kx_vcpu*>(0x1), "failed kx_vm_create_vcpu wrote *out");
    return;
  }
  CHECK(kx_vcpu_id(h) == id && kx_vcpu_vm(h) == v.h, "new vCPU's id or VM");
  for (int i = 0; i < 3; i++) {
    void* page = kx_vcpu_page(h, i);
    CHECK((page != nullptr) == (i < a.mmap_pages), "kx_vcpu_page(%d) %p with %d pages", i, page,
          a.mmap_pages);
    if (page) CHECK(*static_cast<volatile uint8_t*>(page) == 0, "vCPU page not zeroed");
  }
  vm_get(vi);
  if (abort_fd) {
    kx_vm_abort_vcpu(v.h, h);
    vm_put(vi);
    return;
  }
  v.vcpu_ids.insert(id);
  v.vcpu_order.push_back(id);
  v.mpidr[id] = 0;
  v.vdev[id] = {};
  if (fd_slot < 0) {
    vm_put(vi);
    return;
  }
  g->vcpus[fd_slot] = VcpuFd{true, h, vi, id, ArmVcpu()};
  if (v.p == KX_PPC && papr) {
    // As a pseries VMM does first; it allocates nothing.
    struct {
      uint32_t cap, flags;
      uint64_t args[4];
      uint8_t pad[64];
    } cap = {KX_CAP_PPC_PAPR, 0, {}, {}};
    const long pr = kx_vcpu_ioctl(h, KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&cap));
    expect_ret("KVM_ENABLE_CAP(PPC_PAPR)", static_cast<int>(pr), 0, false);
    g->vcpus[fd_slot].papr = true;
  }
}

}  // namespace

void op_create_vcpu(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint32_t id = vcpu_id_sel(in, g_arch[vi >= 0 ? g->vms[vi].p : KX_ARM64]);
  const uint8_t ab = in.u8();
  const int fd = free_vcpu_fd();
  const bool abort_fd = ab % 8 == 7;
  const bool papr = (ab >> 3) & 1;
  trace("create_vcpu vm %d id %u%s%s", vi, id, abort_fd ? " (fd fails: abort)" : "",
        fd < 0 ? " (no fd: closed at once)" : "");
  if (vi < 0) return;
  create_vcpu(vi, id, abort_fd, fd, papr);
}

void op_close_vcpu(Input& in) {
  const int ci = pick_vcpu(in.u8());
  trace("close_vcpu %d", ci);
  if (ci < 0) return;
  VcpuFd& c = g->vcpus[ci];
  c.open = false;
  vm_put(c.vm);
}

namespace {

// KVM_RUN's entry checks: arm64's kvm_vcpu_first_run_init() (never
// initialised -ENOEXEC, SVE not finalized -EPERM); the others have none.
int run_gate(const VcpuFd& c) {
  const VmModel& v = g->vms[c.vm];
  if (v.p != KX_ARM64) return g_arch[v.p].run_errno;
  if (!c.arm.inited) return -ENOEXEC;
  if (c.arm.has(4 /* SVE */) && !c.arm.finalized) return -EPERM;
  return 0;
}

}  // namespace

void run_vcpu(const VcpuFd& c, unsigned mode) {
  VmModel& v = g->vms[c.vm];
  if (v.p == KX_PPC && !c.papr && mode != 0) {
    // kvmppc_vcpu_run_hv(): an insane (non-PAPR) vCPU is refused after
    // immediate_exit, before a pending signal is looked at.
    kx_run run = {};
    host::raise_signal();
    const int r = kx_vcpu_run(c.h, &run);
    host::clear_signal();
    v.ran = true;
    expect_ret("kx_vcpu_run (ppc, no PAPR)", r, -EINVAL, false);
    CHECK(run.exit.set && run.exit.reason == KX_EXIT_INTERNAL_ERROR,
          "ppc KVM_RUN without PAPR: no KVM_EXIT_INTERNAL_ERROR (exit %u/%u)", run.exit.set,
          run.exit.reason);
    return;
  }
  int gate = run_gate(c);
  const bool maps = gate == 0 && v.gic.model && !v.gic.mapped;
  if (maps) gate = gic_run_gate(v);
  const bool gic_maps = maps && gate == 0;
  // The first run's device checks come after the frames went on the bus.
  // (Undone below if an injected allocation failure stops the run first.)
  const auto owners_before = v.owners;
  int dev_gate = 0;
  if (gate == 0 && v.p == KX_ARM64 && !v.vdev[c.id].ran) dev_gate = first_run_devices_gate(c);
  const bool v2_inits = gic_maps && v.gic.model == KX_DEV_TYPE_ARM_VGIC_V2 && !v.gic.initialized;
  // Under allocation failure the GICv2's initialisation or the frames'
  // registration fails: which one, a probe tells afterwards, or the
  // failure is not injected.
  bool enomem_ok = gic_maps && g->inject;
  if (enomem_ok && v2_inits && (v.vcpu_order.empty() || v.vcpu_order.size() >= 8)) {
    host::fail_allocation_after(-1);
    enomem_ok = false;
  }
  kx_run run = {};
  run.immediate_exit = mode == 0;
  const bool signal = mode == 1 || (mode == 2 && gate == 0);
  if (signal) host::raise_signal();
  const int r = kx_vcpu_run(c.h, &run);
  host::clear_signal();
  host::fail_allocation_after(-1);
  trace("  -> %d exit %u/%u (model %d%s)", r, run.exit.set, run.exit.reason, gate,
        gic_maps ? ", maps the GIC" : "");
  if (enomem_ok && r == -ENOMEM) {
    v.owners = owners_before;
    CHECK(!run.exit.set, "KVM_RUN -ENOMEM set an exit");
    if (v2_inits && gic_probe_initialized(c.vm) == 1) gic_init_model(v.gic);
    return;
  }
  if (gate == 0 && gic_maps) {
    gic_init_model(v.gic);
    v.gic.mapped = true;
  }
  if (gate == 0 && dev_gate) gate = dev_gate;
  if (gate == 0) {
    v.ran = true;
    if (v.p == KX_ARM64) v.vdev[c.id].ran = true;
  }
  auto it = v.cpu_lines.find(c.id);
  // A vCPU initialised with KVM_ARM_VCPU_POWER_OFF is STOPPED: KVM_RUN
  // sleeps whatever its lines say (kvm_arm_vcpu_stopped()).
  const bool stopped = v.p == KX_ARM64 && c.arm.inited && c.arm.has(0);
  const bool line = it != v.cpu_lines.end() && it->second && !stopped;
  if (gate) {
    expect_ret("kx_vcpu_run", r, gate, false);
    CHECK(!run.exit.set, "refused KVM_RUN set an exit");
  } else if (run.immediate_exit) {
    expect_ret("kx_vcpu_run", r, -EINTR, false);
    CHECK(!run.exit.set, "immediate_exit set an exit");
  } else if (r == 0) {
    CHECK(line || (v.gic.model && v.gic.initialized),
          "KVM_RUN returned 0 with no interrupt line high and no GIC");
    CHECK(run.exit.set && run.exit.reason == KX_EXIT_EXT_INTERRUPT,
          "KVM_RUN woke without KVM_EXIT_EXT_INTERRUPT (exit %u/%u)", run.exit.set,
          run.exit.reason);
    if (!line) gic_check_woken(c);
  } else {
    expect_ret("kx_vcpu_run", r, -EINTR, false);
    CHECK(!line, "KVM_RUN waited with the vCPU's IRQ/FIQ line high");
    CHECK(run.exit.set && run.exit.reason == KX_EXIT_INTR, "signal: no KVM_EXIT_INTR");
  }
}

void op_run(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const uint8_t mode = in.u8() % 3;
  trace("run vcpu %d mode %u", ci, mode);
  if (ci < 0) return;
  run_vcpu(g->vcpus[ci], mode);
}

void op_vm_attr(Input& in) {
  const int vi = pick_vm(in.u8());
  const int op = in.u8() % 3;
  const AttrSpec s = attr_sel(in);
  trace("vm_attr vm %d %s uattr %s group %u", vi, op_name(op), s.uattr_faults ? "bad" : "ok",
        s.a.group);
  if (vi < 0) return;
  const Arch& a = g_arch[g->vms[vi].p];
  // s390's VM attribute groups (MEM_CTRL .. CPU_TOPOLOGY) are the s390
  // fuzzer's to model (s390_fuzzer.cpp); the spine keeps the dispatch:
  // the struct's copy, and an unknown group -ENXIO.
  if (g->vms[vi].p == KX_S390 && !s.uattr_faults && s.a.group <= 5) return;
  const int want = !a.vm_attr ? a.unknown_vm : s.uattr_faults ? -EFAULT : -ENXIO;
  const int r = kx_vm_attr(g->vms[vi].h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_attr", r, want, false);
}

void op_vcpu_attr(Input& in) {
  const int ci = pick_vcpu(in.u8());
  const int op = in.u8() % 3;
  const AttrSpec s = attr_sel(in);
  trace("vcpu_attr vcpu %d %s uattr %s group %u attr %llu", ci, op_name(op),
        s.uattr_faults ? "bad" : "ok", s.a.group, s.a.attr);
  if (ci < 0) return;
  vcpu_attr_call(g->vcpus[ci], op, s);
}

void op_check_extension(Input& in) {
  const uint8_t wb = in.u8();
  const uint8_t cb = in.u8();
  const int ci = cb % kNumCaps;
  const long cap = cb < 0xe0 ? kCaps[ci] : static_cast<long>(in.u64());
  int vi = -1;
  int p = (wb >> 1) % 4;
  if (wb & 1) {
    vi = pick_vm(wb >> 1);
    if (vi >= 0) p = g->vms[vi].p;
  }
  const long r =
      kx_check_extension(static_cast<kx_personality>(p), vi >= 0 ? g->vms[vi].h : nullptr, cap);
  trace("check_extension p %d vm %d cap %ld -> %ld", p, vi, cap, r);
  if (p >= KX_NR_PERSONALITIES) {
    expect_ret("kx_check_extension (no personality)", r, 0, false);
    return;
  }
  CHECK(r >= 0, "kx_check_extension(%d, %ld) = %ld: negative", p, cap, r);
  if (vi < 0 && cb < 0xe0)
    expect_ret("kx_check_extension (stable)", r, g_cap_snapshot[p][ci], false);
}

void op_vcpu_burst(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint32_t start = in.u16();
  int count = in.u16() % 600;
  if (count > g->burst_budget) count = g->burst_budget;
  trace("vcpu_burst vm %d ids %u..+%d", vi, start, count);
  if (vi < 0) return;
  g->burst_budget -= count;
  for (int i = 0; i < count; i++) create_vcpu(vi, start + i, false, -1);
}

void op_misc(Input& in) {
  const uint8_t what = in.u8() % 4;
  const uint8_t idx = in.u8();
  trace("misc %u %u", what, idx);
  switch (what) {
    case 0: {  // vCPU mmap pages: present, distinct, writable
      const int ci = pick_vcpu(idx);
      if (ci < 0) return;
      const VcpuFd& c = g->vcpus[ci];
      const int pages = g_arch[g->vms[c.vm].p].mmap_pages;
      for (int i = 0; i < pages; i++) {
        auto* page = static_cast<volatile uint8_t*>(kx_vcpu_page(c.h, i));
        CHECK(page, "vCPU page %d missing", i);
        page[kPage - 1] = 0x5a;  // ASan: the page is live and a whole page
        page[kPage - 1] = 0;
      }
      CHECK(kx_vcpu_page(c.h, pages) == nullptr, "page past the mmap size");
      CHECK(kx_vcpu_page(c.h, ~0ul) == nullptr, "page ~0");
      CHECK(pages < 2 || kx_vcpu_page(c.h, 0) != kx_vcpu_page(c.h, 1), "vCPU pages alias");
      break;
    }
    case 1: {  // handles agree with the model
      const int ci = pick_vcpu(idx);
      if (ci >= 0) {
        const VcpuFd& c = g->vcpus[ci];
        CHECK(kx_vcpu_vm(c.h) == g->vms[c.vm].h && kx_vcpu_id(c.h) == c.id, "vCPU handle");
      }
      const int di = pick_dev(idx);
      if (di >= 0) CHECK(kx_device_vm(g->devs[di].h) == g->vms[g->devs[di].vm].h, "device VM");
      const int vi = pick_vm(idx);
      if (vi >= 0) {
        CHECK(kx_vm_personality(g->vms[vi].h) == g->vms[vi].p, "VM personality");
        CHECK(kx_vm_owner(g->vms[vi].h) == g->vms[vi].owner, "VM owner");
      }
      break;
    }
    case 2: {  // personality queries, including an invalid personality
      for (int p = 0; p <= KX_NR_PERSONALITIES; p++) {
        const auto kp = static_cast<kx_personality>(p);
        const bool valid = p < KX_NR_PERSONALITIES;
        CHECK((kx_personality_name(kp) != nullptr) == valid, "kx_personality_name(%d)", p);
        CHECK(kx_vcpu_mmap_pages(kp) == (valid ? g_arch[p].mmap_pages : 0),
              "kx_vcpu_mmap_pages(%d)", p);
        CHECK(kx_has_clear_dirty_log(kp) == (valid && g_arch[p].has_clear),
              "kx_has_clear_dirty_log(%d)", p);
        const int vm_e = kx_unknown_ioctl_errno(kp, 0), vcpu_e = kx_unknown_ioctl_errno(kp, 1);
        CHECK(vm_e < 0 && vcpu_e < 0, "kx_unknown_ioctl_errno(%d) not negative", p);
        if (!valid) CHECK(vm_e == -EINVAL && vcpu_e == -EINVAL, "unknown errno, no personality");
      }
      break;
    }
    default: {  // registry misuse is refused and changes nothing
      const auto p = static_cast<kx_personality>(idx % 3);
      expect_ret("re-register VFIO",
                 kx_register_device_ops(p, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops), -EEXIST, false);
      if (p == KX_ARM64)
        expect_ret("re-register VGIC v3",
                   kx_register_device_ops(p, KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops),
                   -EEXIST, false);
      expect_ret("register type 16", kx_register_device_ops(p, KX_MAX_DEVICE_TYPES, &kDummyOps),
                 -EINVAL, false);
      expect_ret("register no personality",
                 kx_register_device_ops(KX_NR_PERSONALITIES, 3, &kDummyOps), -EINVAL, false);
      expect_ret("register null ops", kx_register_device_ops(p, 3, nullptr), -EINVAL, false);
      kx_device_ops no_create = kDummyOps;
      no_create.create = nullptr;
      expect_ret("register ops without create", kx_register_device_ops(p, 3, &no_create), -EINVAL,
                 false);
      kx_device_ops no_teardown = kDummyOps;
      no_teardown.destroy = nullptr;
      expect_ret("register ops without destroy or release",
                 kx_register_device_ops(p, 3, &no_teardown), -EINVAL, false);
      kx_unregister_device_ops(p, KX_MAX_DEVICE_TYPES);
      kx_unregister_device_ops(KX_NR_PERSONALITIES, KX_DEV_TYPE_VFIO);
      // The dummy type goes away and comes back; devices of it live on.
      kx_unregister_device_ops(p, kDummyType);
      const int vi = pick_vm(idx);
      if (vi >= 0 && g->vms[vi].p == p) {
        kx_device* h = reinterpret_cast<kx_device*>(0x1);
        expect_ret("unregistered dummy",
                   kx_vm_create_device(g->vms[vi].h, kDummyType, KX_CREATE_DEVICE_TEST, &h),
                   -ENODEV, false);
      }
      expect_ret("re-register dummy", kx_register_device_ops(p, kDummyType, &kDummyOps), 0, false);
      if (vi >= 0) {
        kx_device* h = reinterpret_cast<kx_device*>(0x1);
        expect_ret("VFIO still registered",
                   kx_vm_create_device(g->vms[vi].h, KX_DEV_TYPE_VFIO, KX_CREATE_DEVICE_TEST, &h),
                   0, false);
        expect_ret("type 3 still unregistered",
                   kx_vm_create_device(g->vms[vi].h, 3, KX_CREATE_DEVICE_TEST, &h), -ENODEV, false);
      }
      break;
    }
  }
}

}  // namespace spine
