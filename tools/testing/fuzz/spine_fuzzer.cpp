// SPDX-License-Identifier: GPL-2.0
// spine_fuzzer: libFuzzer over the host build of the core, driven through
// the C ABI (include/kvm_ext/core.h) exactly as the kernel shim drives it.
//
// Build (clang-14, libFuzzer + ASan + UBSan; the core with the top-level
// Makefile's CORE_FLAGS):
//
//   make -C tools/testing/fuzz O=DIR            -> DIR/spine_fuzzer
//
// Run modes (tools/testing/fuzz/run.sh; the seeds are copied to a writable
// corpus under DIR, crash artifacts land in DIR/artifacts/):
//
//   tools/testing/fuzz/run.sh short DIR   bounded, for `make check`: the
//       seeds and regression-* inputs (a fresh DIR/corpus/spine-short), then
//       fuzzing until -max_total_time=$FUZZ_SECONDS (default 45 s; < 60 s).
//   tools/testing/fuzz/run.sh long DIR    for `make fuzz`: a persistent
//       DIR/corpus/spine, -use_value_profile=1, $FUZZ_SECONDS (default 3600).
//   make -C tools/testing/fuzz O=DIR coverage   line coverage of the core
//       over DIR/corpus/spine (llvm-cov; an HTML report in DIR/cov/html).
//
//   DIR/spine_fuzzer FILE...               replays inputs (a reproducer);
//   SPINE_TRACE=1 prints every decoded operation as it runs.
//
// One input is a sequence of at most kMaxOps operations (opcode byte, then
// that operation's argument bytes; a short input reads as zeros), over at
// most kMaxVms VMs of the three personalities: create/close VM, set memory
// region, create (or abort) vCPU, close vCPU, KVM_RUN (never blocking:
// immediate_exit, or a pending signal, or an arm64 vCPU refused at entry), guest
// access, create (or abort, or TEST) device, device/VM/vCPU attributes,
// device ioctl, close device, check extension, vCPU and device bursts,
// allocation-failure injection for the next operation, the order in which
// the remaining fds are closed at the end, the in-kernel GIC
// (spine/vgic*.cpp), and dirty logging:
// KVM_ENABLE_CAP (KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 with fuzzed flags and
// args[0], the obsolete cap 166, others), KVM_GET_DIRTY_LOG and
// KVM_CLEAR_DIRTY_LOG (the latter only where kx_has_clear_dirty_log(), as
// the shim gates it); and arm64 vCPUs: KVM_ARM_VCPU_INIT (target mostly
// GENERIC_V8, features mostly bits 0-6), KVM_ARM_VCPU_FINALIZE,
// KVM_GET/SET_ONE_REG (ids mostly from the vCPU's last KVM_GET_REG_LIST,
// else mutations of them or raw ids; values from the input, or what a GET
// reads with a bit or nibble changed; faulting structs and values),
// KVM_GET_REG_LIST (n short, exact, above 2^32, from the input; faulting),
// the PVTIME attribute and PV-time hypercalls, and the emulated host's
// parameters (kx_arm64_set_host(), restored after each input).
//
// Every call is checked against a model of the ABI: the exact return value
// (0, a documented positive value, or the one negative errno KVM's order
// of checks gives), -ENOMEM only where an allocation can fail under
// injection, "changes nothing when it fails" (the model is not updated and
// every later access is checked against it; a failed
// kx_vm_set_memory_region must also leave a probe access unchanged), the
// shim's reference rules (each fd holds a VM reference; kx_vm_count()
// follows), devices' create/init/destroy contracts, and, with no VM left
// and at the end of each input, host::live_allocations() back to where it
// started. A violation aborts with the trace of the input's operations.
//
// The model is split by area under spine/, each file named after the
// feature it models (Documentation/testing.rst, "Test files"):
//
//   state.h/.cpp        the bounds, the documented limits (g_arch), the
//                       model of every VM and fd (State), failure reporting
//   input.h/.cpp        the byte decoder and the selectors the areas share
//   vm.cpp              VMs, vCPUs, KVM_RUN, VM/vCPU attributes, extensions
//   memslot.cpp         KVM_SET_USER_MEMORY_REGION
//   dirty_log.cpp       KVM_ENABLE_CAP, KVM_GET/CLEAR_DIRTY_LOG
//   guest_access.cpp    the guest's accesses, the probes
//   device.cpp          KVM_CREATE_DEVICE, VFIO and the dummy device, the
//                       wrapped file hooks
//   arm64_vcpu.cpp      KVM_ARM_VCPU_INIT/FINALIZE, the emulated host
//   arm64_regs.cpp      ONE_REG, GET_REG_LIST, PVTIME, PV-time hypercalls
//   pmu_timer.cpp       the PMU and timer vCPU groups
//   vgic.cpp            the VGIC devices' configuration (step 1)
//   vgic_regs_map.cpp   the frames' register map and the ICC registers
//   vgic_regs.cpp       the register groups, the guest's GIC accesses,
//                       KVM_IRQ_LINE (step 2)
//
// This file holds the operations' table (the opcodes gen-seeds.py writes)
// and the entry points.

#include "spine/arm64_regs.h"
#include "spine/arm64_vcpu.h"
#include "spine/device.h"
#include "spine/dirty_log.h"
#include "spine/guest_access.h"
#include "spine/memslot.h"
#include "spine/vgic.h"
#include "spine/vgic_regs.h"
#include "spine/vm.h"

namespace spine {
namespace {

enum Op {
  kCreateVm,
  kCloseVm,
  kSetMem,
  kCreateVcpu,
  kCloseVcpu,
  kRun,
  kGuestAccess,
  kCreateDevice,
  kDeviceAttr,
  kCloseDevice,
  kDeviceIoctl,
  kVmAttr,
  kVcpuAttr,
  kCheckExtension,
  kFailAlloc,
  kVcpuBurst,
  kDeviceBurst,
  kMisc,
  kTeardownOrder,
  kEnableCap,
  kGetDirtyLog,
  kClearDirtyLog,
  kArmInit,
  kArmFinalize,
  kOneReg,
  kRegList,
  kPvtime,
  kArmHost,
  kIrqLine,
  kGicRegs,
  kGicMmio,
  kGicSysreg,
  kNumOps,
};

void op_fail_alloc(Input& in) {
  g->pending_fail = in.u8() % 8;
  trace("fail_allocation_after %ld (next operation)", g->pending_fail);
}

void op_teardown_order(Input& in) {
  g->teardown_order = in.u8() % 3;
  trace("teardown order %u", g->teardown_order);
}

// The operations by opcode (the input's opcode byte modulo kNumOps).
struct OpRow {
  Op op;
  void (*run)(Input& in);
};
constexpr OpRow kOps[] = {
    {kCreateVm, op_create_vm},
    {kCloseVm, op_close_vm},
    {kSetMem, op_set_mem},
    {kCreateVcpu, op_create_vcpu},
    {kCloseVcpu, op_close_vcpu},
    {kRun, op_run},
    {kGuestAccess, op_guest_access},
    {kCreateDevice, op_create_device},
    {kDeviceAttr, op_device_attr},
    {kCloseDevice, op_close_device},
    {kDeviceIoctl, op_device_ioctl},
    {kVmAttr, op_vm_attr},
    {kVcpuAttr, op_vcpu_attr},
    {kCheckExtension, op_check_extension},
    {kFailAlloc, op_fail_alloc},
    {kVcpuBurst, op_vcpu_burst},
    {kDeviceBurst, op_device_burst},
    {kMisc, op_misc},
    {kTeardownOrder, op_teardown_order},
    {kEnableCap, op_enable_cap},
    {kGetDirtyLog, op_get_dirty_log},
    {kClearDirtyLog, op_clear_dirty_log},
    {kArmInit, op_arm_init},
    {kArmFinalize, op_arm_finalize},
    {kOneReg, op_one_reg},
    {kRegList, op_reg_list},
    {kPvtime, op_pvtime},
    {kArmHost, op_arm_host},
    {kIrqLine, op_irq_line},
    {kGicRegs, op_gic_regs},
    {kGicMmio, op_gic_mmio},
    {kGicSysreg, op_gic_sysreg},
};

constexpr bool ops_in_opcode_order() {
  for (int i = 0; i < kNumOps; i++) {
    if (kOps[i].op != i) return false;
  }
  return true;
}
static_assert(sizeof(kOps) / sizeof(kOps[0]) == kNumOps && ops_in_opcode_order(),
              "kOps: one row per Op, in opcode order");

void run_input(Input& in) {
  for (int n = 0; n < kMaxOps && !in.empty(); n++) {
    const int op = in.u8() % kNumOps;
    g->inject = g->pending_fail >= 0;
    if (g->inject) host::fail_allocation_after(g->pending_fail);
    g->pending_fail = -1;
    kOps[op].run(in);
    host::fail_allocation_after(-1);
    g->inject = false;
    check_global();
  }
}

// Closes every fd: devices, vCPUs, VMs, rotated by `order`.
void teardown(uint8_t order) {
  audit_dirty_logs();
  audit_gics();
  trace("teardown");
  for (int pass = 0; pass < 3; pass++) {
    const int what = (pass + order) % 3;
    if (what == 0) {
      for (DevFd& d : g->devs) {
        if (d.open) close_device(d);
      }
    } else if (what == 1) {
      for (VcpuFd& c : g->vcpus) {
        if (c.open) {
          c.open = false;
          vm_put(c.vm);
        }
      }
    } else {
      for (int i = 0; i < kMaxVms; i++) {
        if (g->vms[i].alive && g->vms[i].fd_open) {
          g->vms[i].fd_open = false;
          vm_put(i);
        }
      }
    }
  }
  CHECK(g->live_vms == 0, "model: VMs left after teardown");
  CHECK(kx_vm_count() == 0, "kx_vm_count() %u after every fd closed", kx_vm_count());
  CHECK(g_dummies.empty(), "%zu dummy devices never destroyed", g_dummies.size());
  CHECK(g_file_refs_total == 0, "%ld file references leaked", g_file_refs_total);
  CHECK(host::live_allocations() == g_live_baseline,
        "%ld allocations live after every fd closed (baseline %ld): leak", host::live_allocations(),
        g_live_baseline);
}

void initialize() {
  g_trace_live = getenv("SPINE_TRACE") != nullptr;
  void* ram = mmap(nullptr, kRamSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED) {
    perror("spine_fuzzer: mmap");
    abort();
  }
  g_ram = static_cast<uint8_t*>(ram);
  g_devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  CHECK(g_devnull >= 0, "open /dev/null");
  for (int& fd : g_group_fds) {
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0, "open /dev/null");
  }
  CHECK(kx_core_init() == 0, "kx_core_init");
  kx_arm64_host h;
  kx_arm64_get_host(&h);
  CHECK(h.sve == g_default_host.sve && h.sve_vqs == g_default_host.sve_vqs &&
            h.ptrauth_address == g_default_host.ptrauth_address &&
            h.ptrauth_generic == g_default_host.ptrauth_generic &&
            h.pmuv3 == g_default_host.pmuv3 && h.el1_32bit == g_default_host.el1_32bit &&
            h.el0_32bit == g_default_host.el0_32bit && h.ras == g_default_host.ras &&
            h.gicv2 == g_default_host.gicv2 && h.ipa_bits == g_default_host.ipa_bits,
        "the emulated arm64 host's defaults: sve %u vqs %#x ptrauth %u/%u pmuv3 %u el1_32 %u "
        "el0_32 %u ipa %u, documented sve %u vqs %#x ptrauth %u/%u pmuv3 %u el1_32 %u el0_32 %u "
        "ipa %u",
        h.sve, h.sve_vqs, h.ptrauth_address, h.ptrauth_generic, h.pmuv3, h.el1_32bit, h.el0_32bit,
        h.ipa_bits, g_default_host.sve, g_default_host.sve_vqs, g_default_host.ptrauth_address,
        g_default_host.ptrauth_generic, g_default_host.pmuv3, g_default_host.el1_32bit,
        g_default_host.el0_32bit, g_default_host.ipa_bits);
  for (int p = 0; p < KX_NR_PERSONALITIES; p++) {
    const auto kp = static_cast<kx_personality>(p);
    CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_VFIO, &kx_vfio_device_ops) == 0, "register VFIO");
    CHECK(kx_register_device_ops(kp, kDummyType, &kDummyOps) == 0, "register dummy");
    {
      kx_vm* vm = nullptr;
      CHECK(kx_vm_create(kp, 0, nullptr, &vm) == 0, "VM for the KVM_IRQ_LINE check");
      // arm64 and ppc have it (ppc: -ENXIO without XICS/XIVE); s390 not.
      const bool unknown = kx_vm_irq_line(vm, 1u << 24, 0) == kx_unknown_ioctl_errno(kp, 0);
      CHECK(unknown == (kp == KX_S390), "KVM_IRQ_LINE on arm64 and ppc only");
      kx_vm_put(vm);
    }
    if (kp == KX_ARM64) {  // as the shim: the VGIC types on arm64 only
      CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_ARM_VGIC_V2, &kx_vgic_v2_device_ops) == 0,
            "register VGIC v2");
      CHECK(kx_register_device_ops(kp, KX_DEV_TYPE_ARM_VGIC_V3, &kx_vgic_v3_device_ops) == 0,
            "register VGIC v3");
    }
    // The core answers the model's limits, or the model is not the one
    // the documents give: what it answers is never taken as the truth.
    const Arch& a = g_arch[p];
    const struct {
      const char* what;
      long core, doc;
    } limits[] = {
        {"KVM_CAP_MAX_VCPUS", kx_check_extension(kp, nullptr, KX_CAP_MAX_VCPUS), a.max_vcpus},
        {"KVM_CAP_MAX_VCPU_ID", kx_check_extension(kp, nullptr, KX_CAP_MAX_VCPU_ID),
         a.max_vcpu_ids},
        {"KVM_CAP_NR_MEMSLOTS", kx_check_extension(kp, nullptr, KX_CAP_NR_MEMSLOTS), a.nr_memslots},
        {"KVM_CAP_ARM_VM_IPA_SIZE", kx_check_extension(kp, nullptr, KX_CAP_ARM_VM_IPA_SIZE),
         a.ipa_limit},
        {"KVM_CAP_MULTI_ADDRESS_SPACE", kx_check_extension(kp, nullptr, KX_CAP_MULTI_ADDRESS_SPACE),
         a.address_spaces > 1 ? a.address_spaces : 0},
        {"KVM_CAP_READONLY_MEM", kx_check_extension(kp, nullptr, KX_CAP_READONLY_MEM), a.readonly},
        {"KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2",
         kx_check_extension(kp, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT2), a.manual_caps},
        {"the obsolete KVM_CAP_MANUAL_DIRTY_LOG_PROTECT",
         kx_check_extension(kp, nullptr, KX_CAP_MANUAL_DIRTY_LOG_PROTECT), 0},
        {"KVM_CAP_ENABLE_CAP_VM", kx_check_extension(kp, nullptr, KX_CAP_ENABLE_CAP_VM), 1},
        {"KVM_GET_VCPU_MMAP_SIZE (pages)", kx_vcpu_mmap_pages(kp), a.mmap_pages},
        {"an unknown VM ioctl", kx_unknown_ioctl_errno(kp, 0), a.unknown_vm},
        {"an unknown vCPU ioctl", kx_unknown_ioctl_errno(kp, 1), a.unknown_vcpu},
        {"KVM_CLEAR_DIRTY_LOG let through", kx_has_clear_dirty_log(kp) != 0, a.has_clear},
    };
    for (const auto& l : limits)
      CHECK(l.core == l.doc, "personality %s: %s is %ld, the documents say %ld",
            kx_personality_name(kp), l.what, l.core, l.doc);
    CHECK(a.has_clear == (a.manual_caps != 0),
          "model: personality %d: KVM_CLEAR_DIRTY_LOG %d without/with PROTECT2 %ld", p, a.has_clear,
          a.manual_caps);
    snapshot_caps(kp);
  }
}

void test_one_input(const uint8_t* data, size_t size) {
  State state;
  g = &state;
  g_trace_len = 0;
  g_trace[0] = 0;
  host::reset_allocation_counters();
  host::clear_signal();
  g_live_baseline = host::live_allocations();
  state.host = g_input_host;
  CHECK(kx_arm64_set_host(&g_input_host) == 0, "setting the inputs' arm64 host");
  Input in(data, size);
  run_input(in);
  teardown(state.teardown_order);
  CHECK(kx_arm64_set_host(&g_default_host) == 0, "restoring the default arm64 host");
  for (uint64_t page : state.touched) madvise(reinterpret_cast<void*>(page), kPage, MADV_DONTNEED);
  g = nullptr;
}

}  // namespace
}  // namespace spine

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spine::initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  spine::test_one_input(data, size);
  return 0;
}
