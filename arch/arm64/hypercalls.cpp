// SPDX-License-Identifier: GPL-2.0
// The guest's SMCCC calls (HVC) through the guest-access extension, as
// 6.1's kvm_hvc_call_handler(): the VMM's firmware bitmaps decide which
// calls the guest may make, the SMCCC version and architecture features
// are answered here, PV time in regs.cpp, everything else is PSCI
// (psci.cpp). The registers: x0 is the function (access.addr), x1 comes
// in data, x2-x4 in args; x0 goes out in data, x1-x3 in args.
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace {

constexpr u32 kSmcccVersion11 = 0x10001;  // ARM_SMCCC_VERSION_1_1
// The firmware bitmaps' bits (KVM_REG_ARM_*_BMAP) and their indices in
// VmState::fw_bmap.
constexpr u32 kStdBmap = 0, kStdHypBmap = 1, kVendorHypBmap = 2;
constexpr u64 kStdBitTrng = 1, kStdHypBitPvTime = 1, kVendorBitFuncFeat = 1, kVendorBitPtp = 2;
// KVM's vendor-specific services and its UID
// (28b46fb6-2ec5-11e9-a9ca-4b564d003a74).
constexpr u32 kVendorHypCallUid = 0x8600ff01, kVendorHypKvmFeatures = 0x86000000,
              kVendorHypKvmPtp = 0x86000001;
constexpr u64 kKvmUid[4] = {0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d};
// SMCCC owners (ARM_SMCCC_OWNER_*) and KVM's PSCI 0.1 function range.
constexpr u32 kOwnerStandard = 4;
constexpr u32 kPsci01Base = 0x95c1ba5e;

constexpr u32 owner(u32 fn) { return (fn >> 24) & 0x3f; }
constexpr u32 func_num(u32 fn) { return fn & 0xffff; }
constexpr bool is_trng(u32 fn) { return (fn & ~0x40000000u) - 0x84000050 <= 4; }

// kvm_hvc_call_allowed(): what the VMM's bitmaps let the guest call; the
// SMCCC calls themselves and the PSCI range always.
bool call_allowed(Vcpu& vcpu, u32 fn) {
  const VmState& vm = vm_state(vcpu.vm());
  if (fn == kSmcccHvPvTimeFeatures || fn == kSmcccHvPvTimeSt)
    return vm.fw_bmap[kStdHypBmap].load() & kStdHypBitPvTime;
  if (is_trng(fn)) return vm.fw_bmap[kStdBmap].load() & kStdBitTrng;
  if (fn == kVendorHypCallUid || fn == kVendorHypKvmFeatures)
    return vm.fw_bmap[kVendorHypBmap].load() & kVendorBitFuncFeat;
  if (fn == kVendorHypKvmPtp) return vm.fw_bmap[kVendorHypBmap].load() & kVendorBitPtp;
  if (fn == kSmcccVersion || fn == kSmcccArchFeatures) return true;
  if (owner(fn) == kOwnerStandard && func_num(fn) <= 0x1f) return true;
  return fn - kPsci01Base <= 3;
}

}  // namespace

// Called with the vCPU mutex held.
kx::Status guest_hypercall(Vcpu& vcpu, GuestAccess& access, kx_exit* exit) {
  const u32 fn = static_cast<u32>(access.addr);  // smccc_get_function(): w0
  u64 x0 = kSmcccRetNotSupported, x1_3[3] = {};
  if (call_allowed(vcpu, fn)) {
    switch (fn) {
      case kSmcccVersion:
        x0 = kSmcccVersion11;
        break;
      case kSmcccArchFeatures: {
        const u32 feature = static_cast<u32>(access.data);
        if (feature == kSmcccHvPvTimeFeatures) {
          if (call_allowed(vcpu, feature)) x0 = kSmcccRetSuccess;
        } else if (feature == kSmcccArchWorkaround1 || feature == kSmcccArchWorkaround2 ||
                   feature == kSmcccArchWorkaround3) {
          x0 = workaround_features(feature);
        }
        break;
      }
      case kSmcccHvPvTimeFeatures:
        x0 = pvtime_features(vcpu, static_cast<u32>(access.data));
        break;
      case kSmcccHvPvTimeSt:
        x0 = pvtime_st(vcpu);
        break;
      case kVendorHypCallUid:
        x0 = kKvmUid[0];
        for (int i = 0; i < 3; i++) x1_3[i] = kKvmUid[i + 1];
        break;
      case kVendorHypKvmFeatures:
        x0 = vm_state(vcpu.vm()).fw_bmap[kVendorHypBmap].load();
        break;
      default:
        // Neither the TRNG nor the PTP clock is emulated: no handler here.
        if (is_trng(fn) || fn == kVendorHypKvmPtp) return kx::error(kx::kENXIO);
        psci_call(vcpu, access, exit);
        return kx::Status::ok();
    }
  }
  // smccc_set_retval()
  access.data = x0;
  for (int i = 0; i < 3; i++) access.args[i] = x1_3[i];
  access.result = KX_ACCESS_RESULT_KERNEL;
  return kx::Status::ok();
}

}  // namespace arm64
}  // namespace kvm
