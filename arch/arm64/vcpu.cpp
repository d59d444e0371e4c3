// SPDX-License-Identifier: GPL-2.0
// arm64 vCPU configuration: KVM_ARM_VCPU_INIT (kvm_vcpu_set_target() and
// kvm_reset_vcpu()), KVM_ARM_VCPU_FINALIZE, and the SVE vector-length
// pseudo-register KVM_REG_ARM64_SVE_VLS (api.rst 4.82, 4.68, 4.119).
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace {

KX_LOCK_CLASS(arm64_host_lock);
kx_mutex g_host_lock;
HostCaps g_host;

// Vm::arch_flags
constexpr u32 kWidthConfigured = 1u << 0;
constexpr u32 kWidth32 = 1u << 1;

constexpr u64 kRegArm64 = 0x6000000000000000ull;
constexpr u64 kRegSizeMask = 0x00f0000000000000ull;
constexpr u64 kRegSve = 0x15ull << 16;
constexpr u64 kRegSveVls = kRegArm64 | kRegSve | 0x0060000000000000ull | 0xffff;

// The SVE register file at a vector length of vq quadwords.
usize sve_state_bytes(u32 vq) { return 32 * vq * 16 + 16 * vq * 2 + vq * 2; }

}  // namespace

void host_init() {
  kx_mutex_init(&g_host_lock, &arm64_host_lock_class);
  g_host = HostCaps();
}

HostCaps host() {
  kx_mutex_lock(&g_host_lock);
  HostCaps h = g_host;
  kx_mutex_unlock(&g_host_lock);
  return h;
}

kx::Status set_host(const HostCaps& h) {
  if (h.ipa_bits < KX_ARM64_MIN_IPA_BITS || h.ipa_bits > 52) return kx::error(kx::kEINVAL);
  if (h.sve && (h.sve_vqs == 0 || h.sve_vqs >> kSveVqMax)) return kx::error(kx::kEINVAL);
  kx_mutex_lock(&g_host_lock);
  g_host = h;
  kx_mutex_unlock(&g_host_lock);
  return kx::Status::ok();
}

VcpuState& state(Vcpu& vcpu) { return *static_cast<VcpuState*>(vcpu.arch); }

// KVM_ARM_VCPU_INIT. Linux applies feature bits as it checks them and
// fixes the VM's register width before the later checks; here a refused
// call changes nothing, as the documents ask of every failed call.
kx::Status vcpu_init(Vcpu& vcpu, u32 target, const u32 features[7]) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  VcpuState& s = state(vcpu);
  const HostCaps& h = vcpu.vm().config().arm64_host;
  kx::Status status;
  u32 want = 0;

  if (target != kTargetGenericV8 || (s.initialized() && static_cast<u32>(s.target) != target))
    status = kx::error(kx::kEINVAL);
  for (u32 i = 0; status.is_ok() && i < 7 * 32; i++) {
    const bool set = (features[i / 32] >> (i % 32)) & 1;
    if (set && i >= kMaxFeatures) {
      status = kx::error(kx::kENOENT);  // unknown feature
    } else if (s.initialized() && i < kMaxFeatures && s.has(static_cast<Feature>(i)) != set) {
      status = kx::error(kx::kEINVAL);  // re-init with other features
    } else if (set) {
      want |= 1u << i;
    }
  }
  auto wants = [want](Feature f) { return (want >> f) & 1; };
  if (status.is_ok()) {
    // kvm_reset_vcpu(): what the host cannot give.
    if (wants(kSve) && !s.sve_finalized && !h.sve) status = kx::error(kx::kEINVAL);
    if ((wants(kPtrauthAddress) || wants(kPtrauthGeneric)) &&
        (!wants(kPtrauthAddress) || !wants(kPtrauthGeneric) || !h.full_ptrauth()))
      status = kx::error(kx::kEINVAL);
    if (wants(kPmuV3) && !h.pmuv3) status = kx::error(kx::kEINVAL);
  }
  if (status.is_ok()) {
    // kvm_set_vm_width(): every vCPU of a VM has the same EL1 width.
    Vm& vm = vcpu.vm();
    const bool is32 = wants(kEl132Bit);
    kx::Guard<kx::Mutex> guard(&vm.lock);
    if (vm.arch_flags & kWidthConfigured) {
      if (is32 != ((vm.arch_flags & kWidth32) != 0)) status = kx::error(kx::kEINVAL);
    } else if (is32 && !h.el1_32bit) {
      status = kx::error(kx::kEINVAL);
    }
    if (status.is_ok()) vm.arch_flags |= kWidthConfigured | (is32 ? kWidth32 : 0);
  }
  if (status.is_ok()) {
    if (wants(kSve) && !s.sve_finalized) s.sve_max_vq = h.sve_max_vq();
    s.features = want;
    s.target = static_cast<s32>(target);
  }
  vcpu.mutex.unlock();
  return status;
}

// KVM_ARM_VCPU_FINALIZE: kvm_arm_vcpu_finalize(), after the ioctl's own
// "initialised?" (-ENOEXEC) and the read of its int argument (-EFAULT).
kx::Status vcpu_finalize(Vcpu& vcpu, u64 uaddr) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  VcpuState& s = state(vcpu);
  kx::Status status;
  s32 what = 0;
  if (!s.initialized()) {
    status = kx::error(kx::kENOEXEC);
  } else if (kx_copy_from_user(&what, uaddr, sizeof(what))) {
    status = kx::error(kx::kEFAULT);
  } else if (what != kSve || !s.has(kSve)) {
    status = kx::error(kx::kEINVAL);
  } else if (s.sve_finalized) {
    status = kx::error(kx::kEPERM);
  } else {
    s.sve_state = kx::alloc_array<u8>(sve_state_bytes(s.sve_max_vq));
    if (s.sve_state)
      s.sve_finalized = true;
    else
      status = kx::error(kx::kENOMEM);
  }
  vcpu.mutex.unlock();
  return status;
}

namespace {

// get_sve_vls(): the host's lengths up to the vCPU's maximum.
kx::Status get_vls(Vcpu& vcpu, u64 uaddr) {
  const VcpuState& s = state(vcpu);
  if (!s.has(kSve)) return kx::error(kx::kENOENT);
  const HostCaps& h = vcpu.vm().config().arm64_host;
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
  const HostCaps& h = vcpu.vm().config().arm64_host;
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

}  // namespace

// KVM_GET_ONE_REG / KVM_SET_ONE_REG: -ENOEXEC before KVM_ARM_VCPU_INIT,
// -EINVAL outside the arm64 id space (kvm_arm_{get,set}_reg()). Only the
// SVE vector-length register is implemented so far; every other id is
// -ENOENT, what Linux answers for an id it does not know.
kx::Status one_reg(Vcpu& vcpu, bool set, u64 ureg) {
  if (vcpu.mutex.lock_killable() != 0) return kx::error(kx::kEINTR);
  kx::Status status;
  u64 reg[2];  // struct kvm_one_reg: id, addr
  if (!state(vcpu).initialized())
    status = kx::error(kx::kENOEXEC);
  else if (kx_copy_from_user(reg, ureg, sizeof(reg)))
    status = kx::error(kx::kEFAULT);
  else if ((reg[0] & ~kRegSizeMask) >> 32 != kRegArm64 >> 32)
    status = kx::error(kx::kEINVAL);
  else if (reg[0] == kRegSveVls)
    status = set ? set_vls(vcpu, reg[1]) : get_vls(vcpu, reg[1]);
  else
    status = kx::error(kx::kENOENT);
  vcpu.mutex.unlock();
  return status;
}

}  // namespace arm64
}  // namespace kvm
