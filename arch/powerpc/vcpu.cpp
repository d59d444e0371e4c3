// SPDX-License-Identifier: GPL-2.0
// The book3s HV vCPU, for what the interrupt controllers and a pseries
// VMM's setup need of it (arch/powerpc/kvm/powerpc.c, book3s.c,
// book3s_hv.c): PAPR mode and the sanity it gates, and ONE_REG.
#include "arch/powerpc/ppc.h"

#include <kx/alloc.h>

namespace kvm {
namespace ppc {

// kvmppc_sanity_check(): the vCPU has a PVR (from its creation); on
// Book3S HV "HV KVM can only do PAPR mode for now", and elsewhere "PAPR
// only works with book3s_64": an e500mc's vCPU is sane from the start
// until KVM_CAP_PPC_PAPR. It runs when the vCPU is made and after every
// capability it enables.
kx::Status sanity_check(PpcVcpu& c, HostModel h) {
  c.sane = book3s(h) == c.papr_enabled;
  return c.sane ? kx::Status::ok() : kx::error(kx::kEINVAL);
}

// kvmppc_core_vcpu_create_hv()'s virtual core: on an ISA 3.0 host (the
// POWER9) each id has its own, ids from KVM_MAX_VCPUS * emul_smt_mode (1)
// have none, and an id whose core exists collides: -EINVAL, before the
// generic -EEXIST. The core stays when the vCPU is refused later, as
// Linux's. A POWER8 shares a core among 8 threads' ids and refuses none.
kx::Status claim_vcore(Vcpu& vcpu) {
  PpcVm& vm = ppc_vm(vcpu.vm());
  if (vm.host != HostModel::kPower9) return kx::Status::ok();
  const u32 id = vcpu.id();
  if (id >= kMaxVcpus) return kx::error(kx::kEINVAL);
  const u64 bit = 1ULL << (id % 64);
  if (vm.vcores[id / 64].fetch_or(bit) & bit) return kx::error(kx::kEINVAL);
  return kx::Status::ok();
}

kx::Result<ArchVcpu*> vcpu_create(Vcpu& vcpu) {
  KX_TRY(claim_vcore(vcpu));
  kx::AllocChecker ac;
  PpcVcpu* c = new (&ac) PpcVcpu();
  if (!ac.check()) return kx::kENOMEM;
  c->seq = ppc_vm(vcpu.vm()).vcpu_seq.fetch_add(1);
  (void)sanity_check(*c, ppc_vm(vcpu.vm()).host);  // kvmppc_core_vcpu_create_hv() ignores it too
  return static_cast<ArchVcpu*>(c);
}

// KVM_CAP_PPC_PAPR (kvm_vcpu_ioctl_enable_cap(), every ppc host): no
// argument is read; the sanity check then judges it.
kx::Status enable_papr(Vcpu& vcpu, const EnableCap&) {
  PpcVcpu& c = ppc_vcpu(vcpu);
  c.papr_enabled = true;
  return sanity_check(vcpu);
}

kx::Status sanity_check(Vcpu& vcpu) { return sanity_check(ppc_vcpu(vcpu), ppc_vm(vcpu.vm()).host); }

// kvmppc_vcpu_run_hv(): after immediate_exit (kvm_arch_vcpu_ioctl_run()
// checks that first), an insane vCPU is refused with
// KVM_EXIT_INTERNAL_ERROR.
kx::Status run_enter(Vcpu& vcpu, kx_exit& exit) {
  if (ppc_vcpu(vcpu).sane) return kx::Status::ok();
  exit.set = 1;
  exit.reason = KX_EXIT_INTERNAL_ERROR;
  return kx::error(kx::kEINVAL);
}

// struct kvm_one_reg
struct OneReg {
  u64 id;
  u64 addr;
};

constexpr u64 kRegSizeShift = 52, kRegSizeMask = 0xfULL << kRegSizeShift;
constexpr u64 kMaxRegBytes = 16;  // one_reg_size() of the largest union kvmppc_one_reg
constexpr u64 kRegPpcHior = 0x1030000000000001ULL;  // KVM_REG_PPC_HIOR

// KVM_GET/SET_ONE_REG (kvm_vcpu_ioctl_get/set_one_reg(),
// kvmppc_get/set_one_reg()): the struct (-EFAULT), a size above 16 bytes
// -EINVAL; SET then reads the value (-EFAULT) before it looks at the id.
// The interrupt controllers' registers are -ENXIO while the vCPU has no
// presentation controller (book3s.c: no ICP nor XIVE vCPU), and every id
// book3s does not list, or lists with another size, -EINVAL. Of the
// other book3s registers kvm_ext models only HIOR (userspace-api.rst).
template <bool kSet>
kx::Result<long> one_reg_ioctl(Vcpu& vcpu, u64 arg) {
  OneReg reg;
  if (kx_copy_from_user(&reg, arg, sizeof(reg))) return kx::kEFAULT;
  const u64 size = 1ULL << ((reg.id & kRegSizeMask) >> kRegSizeShift);
  if (size > kMaxRegBytes) return kx::kEINVAL;
  u8 val[kMaxRegBytes] = {};
  if (kSet && kx_copy_from_user(val, reg.addr, size)) return kx::kEFAULT;
  if (vcpu.mutex.lock_killable() != 0) return kx::kEINTR;
  kx::Status status = kx::error(kx::kEINVAL);
  u64 value[2] = {};  // what a GET copies out: `size` bytes of it
  if (!book3s(ppc_vm(vcpu.vm()).host)) {
    // kvmppc_get/set_one_reg() on an e500mc: none of the registers
    // kvm_ext models is BookE's (userspace-api.rst)
  } else if (reg.id == KX_REG_PPC_ICP_STATE) {
    if (kSet) {
      __builtin_memcpy(&value[0], val, sizeof(value[0]));
      status = set_icp_state(vcpu, value[0]);
    } else {
      kx::Result<u64> r = icp_state(vcpu);
      status = r.is_error() ? r.error() : kx::Status::ok();
      if (r.is_ok()) value[0] = r.value();
    }
  } else if (reg.id == KX_REG_PPC_VP_STATE) {
    // 128 bits: the XIVE presenter's thread context (-ENXIO without one)
    __builtin_memcpy(value, val, sizeof(value));
    status = vp_state(vcpu, value, kSet);
  } else if (reg.id == kRegPpcHior) {
    // HV has no HIOR: it reads 0 and takes only 0 (kvmppc_get/set_one_reg_hv()).
    u64 hior = 0;
    if (kSet) __builtin_memcpy(&hior, val, sizeof(hior));
    status = hior ? kx::error(kx::kEINVAL) : kx::Status::ok();
  }
  vcpu.mutex.unlock();
  KX_TRY(status);
  if (!kSet && kx_copy_to_user(reg.addr, value, size)) return kx::kEFAULT;
  return 0;
}

template kx::Result<long> one_reg_ioctl<false>(Vcpu& vcpu, u64 arg);
template kx::Result<long> one_reg_ioctl<true>(Vcpu& vcpu, u64 arg);

}  // namespace ppc
}  // namespace kvm
