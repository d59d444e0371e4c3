// SPDX-License-Identifier: GPL-2.0
// The arm64 vCPU registers userspace reaches: KVM_GET_ONE_REG and
// KVM_SET_ONE_REG by block (core, SVE, firmware, timer, system), and
// KVM_GET_REG_LIST in Linux 6.1's order (arch/arm64/kvm/guest.c,
// hypercalls.c, arch_timer.c), plus the PV stolen-time vCPU attribute
// (pvtime.c, Documentation/virt/kvm/devices/vcpu.rst section 3).
#include "arch/arm64/reg_ids.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace {

// ---- Core registers: the order of struct kvm_regs ----

// copy_core_reg_indices(): every offset where a register starts; V0-V31
// only without SVE (on an SVE vCPU they are views of Z0-Z31).
void list_core_regs(const VcpuState& s, RegIdSink& sink) {
  const u64 base = kRegArm64 | kRegCore;
  for (u32 i = 0; i < 31 + 3 + 2 + 5; i++) sink.add(base | kRegSizeU64 | 2 * i);  // to SPSR[4]
  if (!s.has(kSve)) {
    for (u32 i = 0; i < 32; i++) sink.add(base | kRegSizeU128 | (84 + 4 * i));
  }
  sink.add(base | kRegSizeU32 | 212);  // FPSR
  sink.add(base | kRegSizeU32 | 213);  // FPCR
}

// ---- SVE: KVM_REG_ARM64_SVE_VLS and the Z/P/FFR slices ----

constexpr u64 kSveVls = kRegArm64 | kRegSve | kRegSizeU512 | 0xffff;
constexpr u32 kSveZregBytes = 256, kSvePregBytes = 32;  // one slice: 2048 and 256 bits
constexpr u64 kSveSliceMask = 0x1f;
constexpr u64 zreg(u64 n, u64 slice) {
  return kRegArm64 | kRegSve | kRegSizeU2048 | n << 5 | slice;
}
constexpr u64 preg(u64 n, u64 slice) {
  return kRegArm64 | kRegSve | 0x400 | kRegSizeU256 | n << 5 | slice;
}
constexpr u64 ffr(u64 slice) { return preg(16, slice); }

// get_sve_vls(): the host's lengths up to the vCPU's maximum.
kx::Status get_vls(Vcpu& vcpu, u64 uaddr) {
  const VcpuState& s = state(vcpu);
  if (!s.has(kSve)) return kx::error(kx::kENOENT);
  const HostCaps& h = vm_state(vcpu.vm()).host;
  u64 vqs[kVlsWords] = {};
  for (u32 vq = 1; vq <= s.sve_max_vq; vq++) {
    if (h.sve_vq(vq)) vqs[(vq - 1) / 64] |= 1ull << ((vq - 1) % 64);
  }
  return kx_copy_to_user(uaddr, vqs, sizeof(vqs)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

// set_sve_vls(): only until finalized; a set the host cannot give exactly
// up to its maximum, a maximum above the host's, or no length at all is
// -EINVAL.
kx::Status set_vls(Vcpu& vcpu, u64 uaddr) {
  VcpuState& s = state(vcpu);
  if (!s.has(kSve)) return kx::error(kx::kENOENT);
  if (s.sve_finalized) return kx::error(kx::kEPERM);
  u64 vqs[kVlsWords];
  if (kx_copy_from_user(vqs, uaddr, sizeof(vqs))) return kx::error(kx::kEFAULT);
  auto present = [&vqs](u32 vq) { return (vqs[(vq - 1) / 64] >> ((vq - 1) % 64)) & 1; };
  const HostCaps& h = vm_state(vcpu.vm()).host;
  u32 max_vq = 0;
  for (u32 vq = 1; vq <= kVlsWords * 64; vq++) {
    if (present(vq)) max_vq = vq;
  }
  if (max_vq > h.sve_max_vq()) return kx::error(kx::kEINVAL);
  for (u32 vq = 1; vq <= max_vq; vq++) {
    if (present(vq) != h.sve_vq(vq)) return kx::error(kx::kEINVAL);
  }
  if (max_vq < 1) return kx::error(kx::kEINVAL);
  s.sve_max_vq = max_vq;
  return kx::Status::ok();
}

// sve_reg_to_region(): where a slice lives in the vCPU's SVE state (laid
// out as the signal frame: Z0-31, P0-15, FFR, each at the maximum vector
// length) and how much of the user's slice lies beyond the vector length.
struct SveRegion {
  u32 offset;  // into VcpuState::sve_state
  u32 len;     // bytes backed by the register
  u32 pad;     // bytes of the slice beyond the vector length
};

kx::Status sve_region(const VcpuState& s, u64 id, SveRegion* r) {
  const u32 n = (id >> 5) & 0x1f;
  const u32 vq = s.sve_max_vq;
  u32 offset, len, size;
  if (id >= zreg(0, 0) && id <= zreg(31, kSveSliceMask)) {
    offset = n * vq * 16;
    len = vq * 16;
    size = kSveZregBytes;
  } else if (id >= preg(0, 0) && id <= ffr(kSveSliceMask)) {
    offset = 32 * vq * 16 + n * vq * 2;
    len = vq * 2;
    size = kSvePregBytes;
  } else {
    return kx::error(kx::kEINVAL);
  }
  // Only slice 0 exists: it covers the architecture's 2048-bit maximum.
  if (!s.has(kSve) || (id & kSveSliceMask) > 0) return kx::error(kx::kENOENT);
  r->offset = offset;
  r->len = len < size ? len : size;
  r->pad = size - r->len;
  return kx::Status::ok();
}

kx::Status sve_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr) {
  if (id == kSveVls) return set ? set_vls(vcpu, uaddr) : get_vls(vcpu, uaddr);
  VcpuState& s = state(vcpu);
  SveRegion r;
  KX_TRY(sve_region(s, id, &r));
  if (!s.sve_finalized) return kx::error(kx::kEPERM);
  u8* reg = s.sve_state + r.offset;
  if (set) return kx_copy_from_user(reg, uaddr, r.len) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  static constexpr u8 kZeros[kSveZregBytes] = {};
  if (kx_copy_to_user(uaddr, reg, r.len) || kx_copy_to_user(uaddr + r.len, kZeros, r.pad))
    return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

// copy_sve_reg_indices(): VLS first, so that userspace restoring in list
// order sets the vector lengths before anything that depends on them.
void list_sve_regs(const VcpuState& s, RegIdSink& sink) {
  if (!s.has(kSve)) return;
  sink.add(kSveVls);
  for (u32 n = 0; n < 32; n++) sink.add(zreg(n, 0));
  for (u32 n = 0; n < 16; n++) sink.add(preg(n, 0));
  sink.add(ffr(0));
}

}  // namespace

// ---- Firmware pseudo-registers (hypercalls.c) ----

namespace {

constexpr u64 fw_reg(u64 r) { return kRegArm64 | kRegSizeU64 | kRegFw | r; }
constexpr u64 fw_bmap_reg(u64 r) { return kRegArm64 | kRegSizeU64 | kRegFwFeatBmap | r; }
constexpr u64 kPsciVersion = fw_reg(0);
constexpr u64 kWorkaround1 = fw_reg(1), kWorkaround2 = fw_reg(2), kWorkaround3 = fw_reg(3);
constexpr u64 kFwRegs[] = {kPsciVersion,   kWorkaround1,   kWorkaround2,  kWorkaround3,
                           fw_bmap_reg(0), fw_bmap_reg(1), fw_bmap_reg(2)};

// KVM_ARM_SMCCC_{STD,STD_HYP,VENDOR_HYP}_FEATURES: TRNG; PV_TIME; FUNC_FEAT, PTP.
constexpr u64 kFwBmapFeatures[3] = {0x1, 0x1, 0x3};

// The emulated host's mitigation state (get_kernel_wa_level()), as the
// Neoverse-N1-like identity in sys_regs.cpp: unaffected by Spectre-v2
// (NOT_REQUIRED), SSBS for Spectre-v4 (NOT_AVAIL: no firmware call is
// offered), Spectre-BHB mitigated (AVAIL).
constexpr u64 kWaLevelMask = 0xf;
constexpr u64 kWa1NotRequired = 2;
constexpr u64 kWa2NotAvail = 0, kWa2Unknown = 1, kWa2Avail = 2, kWa2NotRequired = 3,
              kWa2Enabled = 1u << 4;
constexpr u64 kWa3Avail = 1;
u64 host_wa_level(u64 id) {
  if (id == kWorkaround1) return kWa1NotRequired;
  if (id == kWorkaround2) return kWa2NotAvail;
  return kWa3Avail;
}

kx::Status set_fw_bmap(Vcpu& vcpu, u32 which, u64 v) {
  if (v & ~kFwBmapFeatures[which]) return kx::error(kx::kEINVAL);
  Vm& vm = vcpu.vm();
  kx::Atomic<u64>& bmap = vm_state(vm).fw_bmap[which];
  // The vCPU mutex is held: take Vm::lock for "has any vCPU run" (the
  // order is Vcpu::mutex -> Vm::lock; this vCPU's own run is excluded).
  kx::Guard<kx::Mutex> guard(&vm.lock);
  if (vm.any_vcpu_has_run() && v != bmap.load()) return kx::error(kx::kEBUSY);
  bmap.store(v);
  return kx::Status::ok();
}

}  // namespace

// kvm_arm_{get,set}_fw_reg().
kx::Status fw_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr) {
  VmState& vm = vm_state(vcpu.vm());
  const VcpuState& s = state(vcpu);
  if (!set) {
    u64 v;
    if (id == kPsciVersion)
      v = s.has(Feature::kPsci02) ? vm.psci_version.load() : kPsciV01;
    else if (id == kWorkaround1 || id == kWorkaround2 || id == kWorkaround3)
      v = host_wa_level(id) & kWaLevelMask;
    else if (id >= fw_bmap_reg(0) && id <= fw_bmap_reg(2))
      v = vm.fw_bmap[id - fw_bmap_reg(0)].load();
    else
      return kx::error(kx::kENOENT);
    // Linux copies KVM_REG_SIZE(id) bytes: the ids above are all 64-bit.
    return put_user_u64(uaddr, v);
  }
  if ((id & kRegSizeMask) != kRegSizeU64) return kx::error(kx::kENOENT);
  u64 v;
  if (kx_copy_from_user(&v, uaddr, sizeof(v))) return kx::error(kx::kEFAULT);
  if (id == kPsciVersion) {
    const bool wants_02 = s.has(Feature::kPsci02);
    if (v == kPsciV01 && !wants_02) {
      vm.psci_version.store(kPsciV01);
      return kx::Status::ok();
    }
    if ((v == kPsciV02 || v == kPsciV10 || v == kPsciV11) && wants_02) {
      vm.psci_version.store(static_cast<u32>(v));
      return kx::Status::ok();
    }
    return kx::error(kx::kEINVAL);
  }
  if (id == kWorkaround1 || id == kWorkaround3) {
    if ((v & ~kWaLevelMask) || host_wa_level(id) < v) return kx::error(kx::kEINVAL);
    return kx::Status::ok();
  }
  if (id == kWorkaround2) {
    if (v & ~(kWaLevelMask | kWa2Enabled)) return kx::error(kx::kEINVAL);
    if ((v & kWa2Enabled) && (v & kWaLevelMask) != kWa2Avail) return kx::error(kx::kEINVAL);
    u64 level;
    switch (v & kWaLevelMask) {
      case kWa2NotAvail:
      case kWa2Unknown:
        level = kWa2NotAvail;
        break;
      case kWa2Avail:
      case kWa2NotRequired:
        level = kWa2NotRequired;
        break;
      default:
        return kx::error(kx::kEINVAL);
    }
    return host_wa_level(id) < level ? kx::error(kx::kEINVAL) : kx::Status::ok();
  }
  if (id >= fw_bmap_reg(0) && id <= fw_bmap_reg(2))
    return set_fw_bmap(vcpu, static_cast<u32>(id - fw_bmap_reg(0)), v);
  return kx::error(kx::kENOENT);
}

void list_fw_regs(RegIdSink& sink) {
  for (u64 id : kFwRegs) sink.add(id);
}

// ---- The virtual timer (arch_timer.c) ----

namespace {

// The uapi's names, whose encodings for CNT and CVAL are swapped relative
// to the architecture's CNTVCT_EL0 and CNTV_CVAL_EL0; the ABI keeps them.
constexpr u64 kTimerCtl = sysreg_id(sysreg_enc(3, 3, 14, 3, 1));
constexpr u64 kTimerCnt = sysreg_id(sysreg_enc(3, 3, 14, 3, 2));
constexpr u64 kTimerCval = sysreg_id(sysreg_enc(3, 3, 14, 0, 2));
constexpr u64 kTimerCtlIstatus = 1u << 2;

}  // namespace

u64 counter_now() { return kx_now_ns(); }

bool is_timer_reg(u64 id) { return id == kTimerCtl || id == kTimerCnt || id == kTimerCval; }

// kvm_timer_vcpu_init() -> update_vtimer_cntvoff(): a new vCPU starts the
// VM's virtual counter again from zero, for every vCPU of the VM.
void timer_vcpu_create(Vcpu& vcpu) { vm_state(vcpu.vm()).cntvoff.store(counter_now()); }

kx::Status timer_reg(Vcpu& vcpu, bool set, u64 id, u64 uaddr) {
  VcpuState& s = state(vcpu);
  VmState& vm = vm_state(vcpu.vm());
  if (!set) {
    const u64 cnt = counter_now() - vm.cntvoff.load();
    u64 v;
    if (id == kTimerCtl)  // read_timer_ctl(): ISTATUS once CVAL is reached, enabled or not
      v = s.vtimer_ctl | (s.vtimer_cval <= cnt ? kTimerCtlIstatus : 0);
    else if (id == kTimerCnt)
      v = cnt;
    else
      v = s.vtimer_cval;
    return put_user_u64(uaddr, v);
  }
  u64 v;
  if (kx_copy_from_user(&v, uaddr, sizeof(v))) return kx::error(kx::kEFAULT);
  if (id == kTimerCtl)
    s.vtimer_ctl = static_cast<u32>(v & ~kTimerCtlIstatus);
  else if (id == kTimerCnt)
    vm.cntvoff.store(counter_now() - v);
  else
    s.vtimer_cval = v;
  return kx::Status::ok();
}

void list_timer_regs(RegIdSink& sink) {
  sink.add(kTimerCtl);
  sink.add(kTimerCnt);
  sink.add(kTimerCval);
}

void vm_state_init(VmState& vm) {
  vm.psci_version.store(kPsciV11);  // KVM_ARM_PSCI_LATEST
  for (u32 i = 0; i < 3; i++) vm.fw_bmap[i].store(kFwBmapFeatures[i]);
  vm.pfr0_csv2.store(1);  // the host is unaffected (sys_regs.cpp)
  vm.pfr0_csv3.store(1);
}

// ---- KVM_GET_ONE_REG / KVM_SET_ONE_REG ----

// kvm_arch_vcpu_ioctl() then kvm_arm_{get,set}_reg(): -ENOEXEC before
// KVM_ARM_VCPU_INIT, -EINVAL outside the arm64 id space, then by block.
kx::Status one_reg(Vcpu& vcpu, bool set, u64 ureg) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  kx::Status status;
  u64 reg[2];  // struct kvm_one_reg: id, addr
  if (!state(vcpu).initialized()) {
    status = kx::error(kx::kENOEXEC);
  } else if (kx_copy_from_user(reg, ureg, sizeof(reg))) {
    status = kx::error(kx::kEFAULT);
  } else if ((reg[0] & ~kRegSizeMask) >> 32 != kRegArm64 >> 32) {
    status = kx::error(kx::kEINVAL);
  } else {
    const u64 id = reg[0], uaddr = reg[1];
    switch (id & kRegCoprocMask) {
      case kRegCore:
        status = core_reg(vcpu, set, id, uaddr);
        break;
      case kRegFw:
      case kRegFwFeatBmap:
        status = fw_reg(vcpu, set, id, uaddr);
        break;
      case kRegSve:
        status = sve_reg(vcpu, set, id, uaddr);
        break;
      default:
        status = is_timer_reg(id) ? timer_reg(vcpu, set, id, uaddr) : sys_reg(vcpu, set, id, uaddr);
    }
  }
  vcpu.mutex.unlock();
  return status;
}

// ---- KVM_GET_REG_LIST ----

namespace {

void list_regs(Vcpu& vcpu, RegIdSink& sink) {
  const VcpuState& s = state(vcpu);
  list_core_regs(s, sink);
  list_sve_regs(s, sink);
  list_fw_regs(sink);
  list_timer_regs(sink);
  list_sys_regs(vcpu, sink);
}

}  // namespace

// kvm_arch_vcpu_ioctl(KVM_GET_REG_LIST): -ENOEXEC before init, -EPERM
// before SVE is finalized; the count is written back whatever n was, and
// a short n is -E2BIG. The ids go out in one copy.
kx::Status get_reg_list(Vcpu& vcpu, u64 ulist) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  kx::Status status;
  const VcpuState& s = state(vcpu);
  u64 n = 0;  // struct kvm_reg_list { __u64 n; __u64 reg[]; }
  RegIdSink count;
  if (!s.initialized()) {
    status = kx::error(kx::kENOEXEC);
  } else if (!s.finalized()) {
    status = kx::error(kx::kEPERM);
  } else if (kx_copy_from_user(&n, ulist, sizeof(n))) {
    status = kx::error(kx::kEFAULT);
  } else {
    list_regs(vcpu, count);
    const u64 needed = count.n;
    // Linux keeps the caller's n in an unsigned int: a 64-bit n is
    // truncated before the comparison.
    if (kx_copy_to_user(ulist, &needed, sizeof(needed)))
      status = kx::error(kx::kEFAULT);
    else if (static_cast<u32>(n) < needed)
      status = kx::error(kx::kE2BIG);
  }
  if (status.is_ok()) {
    RegIdSink ids;
    ids.out = kx::alloc_array<u64>(count.n);
    if (!ids.out) {
      status = kx::error(kx::kENOMEM);
    } else {
      list_regs(vcpu, ids);
      if (kx_copy_to_user(ulist + sizeof(u64), ids.out, ids.n * sizeof(u64)))
        status = kx::error(kx::kEFAULT);
      kx::free_array(ids.out);
    }
  }
  vcpu.mutex.unlock();
  return status;
}

// ---- KVM_ARM_VCPU_PVTIME_CTRL (kvm_arm_pvtime_{set,get,has}_attr()) ----

namespace {
constexpr u64 kPvtimeIpa = 0;  // KVM_ARM_VCPU_PVTIME_IPA
constexpr u64 kPvtimeAlign = 64;
}  // namespace

// Called with the vCPU mutex held (Vcpu::attr).
kx::Status pvtime_attr(Vcpu& vcpu, kx_attr_op op, const kx_attr& attr) {
  if (attr.attr != kPvtimeIpa) return kx::error(kx::kENXIO);
  VcpuState& s = state(vcpu);
  if (op == KX_ATTR_HAS) return kx::Status::ok();
  if (op == KX_ATTR_GET) return put_user_u64(attr.addr, s.pvtime_base);
  u64 ipa;
  if (kx_copy_from_user(&ipa, attr.addr, sizeof(ipa))) return kx::error(kx::kEFAULT);
  if (ipa % kPvtimeAlign) return kx::error(kx::kEINVAL);
  if (s.pvtime_base != kGpaInvalid) return kx::error(kx::kEEXIST);
  // gfn_to_hva() must succeed: a writable memslot holds the page.
  if (!vcpu.vm().gfn_writable(ipa >> KX_PAGE_SHIFT)) return kx::error(kx::kEINVAL);
  s.pvtime_base = ipa;
  return kx::Status::ok();
}

// ---- PV stolen time, the guest side (pvtime.c) ----

namespace {
constexpr u32 kStolenTimeBytes = 64;  // struct pvclock_vcpu_stolen_time
}  // namespace

// kvm_hypercall_pv_features(): both PV-time functions, once the VMM
// placed the structure.
u64 pvtime_features(Vcpu& vcpu, u32 feature) {
  if ((feature == kSmcccHvPvTimeFeatures || feature == kSmcccHvPvTimeSt) &&
      state(vcpu).pvtime_base != kGpaInvalid)
    return kSmcccRetSuccess;
  return kSmcccRetNotSupported;
}

// kvm_init_stolen_time(): the zeroed structure at the IPA the VMM set,
// written through Vm::write_guest() so its page is dirty-logged.
u64 pvtime_st(Vcpu& vcpu) {
  const VcpuState& s = state(vcpu);
  if (s.pvtime_base == kGpaInvalid) return kSmcccRetNotSupported;
  static constexpr u8 kInitValues[kStolenTimeBytes] = {};
  // A failed write is not the guest's error.
  (void)vcpu.vm().write_guest(s.pvtime_base, kInitValues, sizeof(kInitValues));
  return s.pvtime_base;
}

// ARM_SMCCC_ARCH_FEATURES for the workaround functions: the emulated
// host's mitigation state, as the firmware registers report it.
u64 workaround_features(u32 fn) {
  constexpr u64 kRetUnaffected = 1;  // SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED
  switch (fn) {
    case kSmcccArchWorkaround1:  // Spectre-v2: unaffected (kWa1NotRequired)
      return kRetUnaffected;
    case kSmcccArchWorkaround3:  // Spectre-BHB: mitigated (kWa3Avail)
      return kSmcccRetSuccess;
    default:  // Spectre-v4 with SSBS everywhere (kWa2NotAvail): no call offered
      return kSmcccRetNotSupported;
  }
}

}  // namespace arm64
}  // namespace kvm
