// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 registers (arm64_regs.cpp): the register ids'
// encoding, and what the arm64 files share.

#ifndef SPINE_ARM64_REGS_H
#define SPINE_ARM64_REGS_H

#include "input.h"

namespace spine {
namespace a64 {

constexpr uint64_t kArch = 0x6000000000000000ull;
constexpr uint64_t kSizeMask = 0x00f0000000000000ull;
constexpr uint64_t kU32 = 0x0020000000000000ull, kU64 = 0x0030000000000000ull,
                   kU128 = 0x0040000000000000ull, kU256 = 0x0050000000000000ull,
                   kU512 = 0x0060000000000000ull, kU2048 = 0x0080000000000000ull;
constexpr uint64_t kCoprocMask = 0x0fff0000ull;
constexpr uint64_t kCore = 0x10ull << 16, kDemux = 0x11ull << 16, kSys = 0x13ull << 16,
                   kFw = 0x14ull << 16, kSve = 0x15ull << 16, kFwBmap = 0x16ull << 16;

constexpr uint64_t core(uint64_t size, uint64_t off) { return kArch | size | kCore | off; }
constexpr uint64_t sys(uint64_t op0, uint64_t op1, uint64_t crn, uint64_t crm, uint64_t op2) {
  return kArch | kU64 | kSys | op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}
constexpr uint64_t zreg(uint64_t n, uint64_t s) { return kArch | kU2048 | kSve | n << 5 | s; }
constexpr uint64_t preg(uint64_t n, uint64_t s) {
  return kArch | kU256 | kSve | 0x400 | n << 5 | s;
}
constexpr uint64_t demux(uint64_t csselr) { return kArch | kU32 | kDemux | csselr; }
constexpr uint64_t fw(uint64_t r) { return kArch | kU64 | kFw | r; }
constexpr uint64_t fw_bmap(uint64_t r) { return kArch | kU64 | kFwBmap | r; }
constexpr uint64_t kVls = kArch | kU512 | kSve | 0xffff;
constexpr uint64_t kPsciVersion = fw(0);
constexpr uint64_t kTimerCtl = sys(3, 3, 14, 3, 1), kTimerCnt = sys(3, 3, 14, 3, 2);
constexpr uint64_t kMpidr = sys(3, 0, 0, 0, 5);
// struct kvm_regs, in 32-bit words.
constexpr uint64_t kOffPstate = 66, kOffSpsr = 72, kOffVregs = 84, kOffFpsr = 212, kOffFpcr = 213;

// KVM_ARM_VCPU_INIT's features (KVM_VCPU_MAX_FEATURES 7) and target.
enum Feature { kPowerOff, kEl132, kPsci02, kPmuV3, kSveF, kPacA, kPacG, kNumFeatures };
constexpr unsigned kTargetGenericV8 = 5;
constexpr uint64_t kPsciV01 = 1;
// VCPU_RESET_PSTATE_EL1 (EL1h, DAIF masked) and _SVC (SVC, AIF masked).
constexpr uint64_t kResetPstateEl1 = 0x3c5, kResetPstateSvc = 0x1d3;
// KVM_ARM_VCPU_PVTIME_CTRL / KVM_ARM_VCPU_PVTIME_IPA
constexpr uint32_t kPvtimeCtrl = 2;
constexpr uint64_t kPvtimeIpa = 0;

inline size_t reg_bytes(uint64_t id) { return size_t{1} << ((id & kSizeMask) >> 52); }
inline bool arm64_space(uint64_t id) { return (id & ~kSizeMask) >> 32 == kArch >> 32; }
inline uint64_t coproc(uint64_t id) { return id & kCoprocMask; }

// Addresses every copy faults on, whatever its length (platform_host.cpp).
inline constexpr uint64_t kFaulting[] = {0, 8, 4095, host::kUserTop, ~0ull};

constexpr uint8_t kRegFill = 0xa5;
constexpr uint64_t kIdFill = 0xa5a5a5a5a5a5a5a5ull;

// A register value buffer on the heap: KVM_REG_SIZE(id) bytes, and at
// least 8 (6.1's system register writes read a u64 whatever the id's
// size). ASan reports a copy past it.
struct RegBuf {
  explicit RegBuf(uint64_t id) : n(std::max<size_t>(8, reg_bytes(id))), p(new uint8_t[n]) {
    memset(p.get(), kRegFill, n);
  }
  uint64_t addr() const { return reinterpret_cast<uint64_t>(p.get()); }
  uint64_t u64() const {
    uint64_t v;
    memcpy(&v, p.get(), sizeof(v));
    return v;
  }
  size_t n;
  std::unique_ptr<uint8_t[]> p;
};

}  // namespace a64

// One KVM_{GET,SET}_ONE_REG: struct kvm_one_reg on the stack (ASan's
// redzones around it), or at a faulting address.
int one_reg(const VcpuFd& c, bool set, uint64_t id, uint64_t uaddr, int ureg_fault = -1);

void op_one_reg(Input& in);
void op_reg_list(Input& in);
void op_pvtime(Input& in);

// KVM_{SET,GET,HAS}_DEVICE_ATTR on a vCPU: the personality's unknown-ioctl
// errno where vCPU attributes are not handled, -EFAULT for the struct,
// arm64's PMU and timer groups as pmu_timer_model() says, and -ENXIO but
// for arm64's KVM_ARM_VCPU_PVTIME_CTRL/_IPA, whose rules are
// kvm_arm_pvtime_{set,get,has}_attr()'s: reads GPA_INVALID until set;
// a set needs 64-byte alignment, no earlier set, and a writable memslot
// at the address.
void vcpu_attr_call(VcpuFd& c, int op, const AttrSpec& s);

// The PV-time hypercalls through the guest-access extension (addr: the
// SMCCC function id; data: arg1 in, x0 out), as kvm_hvc_call_handler():
// other ids have no handler (-ENXIO); without PV_TIME in the VM's
// STD_HYP bitmap, or before the VMM set the IPA, x0 is
// SMCCC_RET_NOT_SUPPORTED. PV_TIME_FEATURES answers 0 for itself and
// PV_TIME_ST; PV_TIME_ST returns the IPA and zeroes the 64-byte stolen
// time structure there (kvm_init_stolen_time()) when a writable slot
// holds it, which marks the page in the slot's dirty log.
void arm64_hypercall(const VcpuFd& c, unsigned flags, uint64_t addr, unsigned len, uint64_t data,
                     const char* what);

}  // namespace spine

#endif  // SPINE_ARM64_REGS_H
