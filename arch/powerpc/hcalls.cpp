// SPDX-License-Identifier: GPL-2.0
// The guest's PAPR hypercalls through the guest-access extension, as
// book3s_hv.c's kvmppc_pseries_do_hcall() sorts them: a hypercall the VMM
// has not enabled (KVM_CAP_PPC_ENABLE_HCALL) or the kernel does not
// handle exits to the VMM as KVM_EXIT_PAPR_HCALL; the XICS's go to its
// ICP (xics.cpp); the TCE hypercalls reach the VM's sPAPR TCE tables
// (tce.cpp); H_RTAS runs the RTAS calls the VMM defined tokens for
// (book3s_rtas.c) with their arguments in guest RAM.
//
// The registers: r3 is the number (access.addr), r4 comes in data and
// r5-r7 in args; r3 goes out in data and r4-r6 in args.
#include "arch/powerpc/ppc.h"

#include <kx/alloc.h>

namespace kvm {
namespace ppc {

KX_LOCK_CLASS(ppc_rtas);

namespace {

// kvmppc_hcall_impl_hv() and the real-mode table (hcall_real_table):
// what KVM_CAP_PPC_ENABLE_HCALL may switch.
constexpr u16 kImplemented[] = {
    0x04, 0x08,  0x0c,  0x10,  0x14,  0x18,  0x1c,  0x20,  0x28,  0x2c,
    0x3c, 0x40,  0x64,  0x68,  0x6c,  0x70,  0x74,  0xdc,  0xe0,  0xe4,
    0xe8, 0x124, 0x134, 0x138, 0x13c, 0x2fc, 0x300, 0x31c, 0x448,
};
// default_hcall_list[]: enabled in a new VM.
constexpr u16 kDefaultEnabled[] = {
    0x04, 0x08, 0x0c, 0x18, 0x124, 0x1c, 0x20, 0x28, 0x134, 0xe0,
    0xe8, 0xe4, 0xdc, 0x64, 0x68,  0x6c, 0x70, 0x74, 0x2fc,
};

bool implemented(u64 hcall) {
  for (u16 h : kImplemented) {
    if (h == hcall) return true;
  }
  return false;
}

bool enabled(const PpcVm& vm, u64 hcall) {
  const u64 bit = hcall / 4;
  return vm.enabled_hcalls[bit / 64].load() & (1ULL << (bit % 64));
}

// struct kvm_rtas_token_args
struct RtasTokenArgs {
  char name[120];
  u64 token;
};
static_assert(sizeof(RtasTokenArgs) == 128);

// struct rtas_args as the guest lays it out (big-endian words; rets is the
// guest's pointer into args, which KVM writes back as it found it).
struct RtasArgs {
  u32 token;
  u32 nargs;
  u32 nret;
  u32 args[16];
  u64 rets;
};
static_assert(sizeof(RtasArgs) == 88);

constexpr u64 kPam = 0x0fffffffffffffffULL;  // KVM_PAM: a guest real address
constexpr u32 kRtasHwError = static_cast<u32>(-3);

u32 be32(u32 v) { return __builtin_bswap32(v); }

// The RTAS calls book3s_rtas.c handles, with their nargs and nret; any
// other count, or the XICS refusing, answers -3 (hardware error).
struct RtasHandler {
  const char* name;
  void (*call)(Vm& vm, const u32* args, u32* rets);
  u32 nargs, nret;
};

void rtas_set_xive(Vm& vm, const u32* a, u32* r) {
  r[0] = xics_set_xive(vm, be32(a[0]), be32(a[1]), be32(a[2])) ? be32(kRtasHwError) : 0;
}
void rtas_get_xive(Vm& vm, const u32* a, u32* r) {
  u32 server = 0, priority = 0;
  if (xics_get_xive(vm, be32(a[0]), &server, &priority)) {
    r[0] = be32(kRtasHwError);
    return;
  }
  r[0] = 0;
  r[1] = be32(server);
  r[2] = be32(priority);
}
void rtas_int_off(Vm& vm, const u32* a, u32* r) {
  r[0] = xics_int_off(vm, be32(a[0])) ? be32(kRtasHwError) : 0;
}
void rtas_int_on(Vm& vm, const u32* a, u32* r) {
  r[0] = xics_int_on(vm, be32(a[0])) ? be32(kRtasHwError) : 0;
}

constexpr RtasHandler kRtasHandlers[] = {
    {"ibm,set-xive", rtas_set_xive, 3, 1},
    {"ibm,get-xive", rtas_get_xive, 1, 3},
    {"ibm,int-off", rtas_int_off, 1, 1},
    {"ibm,int-on", rtas_int_on, 1, 1},
};

// rtas_name_matches(): strncmp() over the 120 bytes of the name field.
bool name_matches(const char* known, const char* name) {
  for (usize i = 0; i < sizeof(RtasTokenArgs::name); i++) {
    if (known[i] != name[i]) return false;
    if (!known[i]) return true;
  }
  return true;
}

// kvmppc_rtas_hcall(): r4 (its top 4 bits off) is the args' address. 0
// when a token matched (rets[0] says how it went), -ENOENT for the VMM,
// -EFAULT or -EINVAL (nargs beyond the array) to the caller.
kx::Status rtas_hcall(Vcpu& vcpu, u64 r4) {
  Vm& vm = vcpu.vm();
  PpcVm& p = ppc_vm(vm);
  const u64 gpa = r4 & kPam;
  RtasArgs args;
  // kvm_read_guest(): -EFAULT for anything not RAM.
  if (vm.read_guest(gpa, &args, sizeof(args)).is_error()) return kx::error(kx::kEFAULT);
  const u32 nargs = be32(args.nargs);
  if (nargs >= 16) return kx::error(kx::kEINVAL);
  u32* rets = &args.args[nargs];
  s32 handler = -1;
  {
    kx::Guard<kx::Mutex> guard(&p.rtas_lock);
    for (RtasToken* t : p.rtas_tokens) {
      if (t->token == be32(args.token)) {
        handler = static_cast<s32>(t->handler);
        break;
      }
    }
    if (handler >= 0) {
      const RtasHandler& h = kRtasHandlers[handler];
      if (nargs != h.nargs || be32(args.nret) != h.nret)
        rets[0] = be32(kRtasHwError);
      else
        h.call(vm, args.args, rets);
    }
  }
  if (handler < 0) return kx::error(kx::kENOENT);
  if (vm.write_guest(gpa, &args, sizeof(args)).is_error()) return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

}  // namespace

PpcVm::PpcVm(HostModel h) : host(h) {
  for (u16 hcall : kDefaultEnabled) {
    const u64 bit = hcall / 4;
    enabled_hcalls[bit / 64].fetch_or(1ULL << (bit % 64));
  }
}

PpcVm::~PpcVm() {
  kx::Guard<kx::Mutex> guard(&rtas_lock);
  while (RtasToken* t = rtas_tokens.pop_front()) kx::destroy(t);
}

// kvm_vm_ioctl_enable_cap() on book3s, for what kvm_ext has:
// flags -EINVAL, then KVM_CAP_PPC_ENABLE_HCALL (a number up to
// MAX_HCALL_OPCODE, a multiple of 4, one the host implements; enable 0 or
// 1).
kx::Status vm_enable_cap(Vm& vm, const EnableCap& req) {
  if (req.flags || req.cap != KX_CAP_PPC_ENABLE_HCALL) return kx::error(kx::kEINVAL);
  if (!book3s(ppc_vm(vm).host)) return kx::error(kx::kEINVAL);  // CONFIG_PPC_BOOK3S_64 only
  const u64 hcall = req.args[0];
  if (hcall > kMaxHcallOpcode || (hcall & 3) || req.args[1] > 1) return kx::error(kx::kEINVAL);
  if (!implemented(hcall)) return kx::error(kx::kEINVAL);
  const u64 bit = hcall / 4;
  kx::Atomic<u64>& word = ppc_vm(vm).enabled_hcalls[bit / 64];
  if (req.args[1])
    word.fetch_or(1ULL << (bit % 64));
  else
    word.fetch_and(~(1ULL << (bit % 64)));
  return kx::Status::ok();
}

// KVM_PPC_RTAS_DEFINE_TOKEN (kvm_vm_ioctl_rtas_define_token()): token 0
// undefines the name (never an error); otherwise a token already defined
// is -EEXIST before a name kvm_ext does not handle is -ENOENT.
kx::Result<long> rtas_define_token(Vm& vm, u64 arg) {
  if (!book3s(ppc_vm(vm).host)) return kx::kENOTTY;  // CONFIG_PPC_BOOK3S_64 only
  RtasTokenArgs args;
  if (kx_copy_from_user(&args, arg, sizeof(args))) return kx::kEFAULT;
  PpcVm& p = ppc_vm(vm);
  RtasToken* fresh = nullptr;
  bool allocated = true;
  if (args.token) {
    kx::AllocChecker ac;
    fresh = new (&ac) RtasToken{args.token, 0, {}};
    allocated = ac.check();
  }
  kx::Guard<kx::Mutex> guard(&p.rtas_lock);
  if (!args.token) {
    for (RtasToken* t : p.rtas_tokens) {
      if (name_matches(kRtasHandlers[t->handler].name, args.name)) {
        p.rtas_tokens.remove(t);
        kx::destroy(t);
        break;
      }
    }
    return 0;
  }
  kx::Status s = kx::error(kx::kENOENT);
  for (RtasToken* t : p.rtas_tokens) {
    if (t->token == args.token) s = kx::error(kx::kEEXIST);
  }
  for (u32 i = 0; s == kx::error(kx::kENOENT) && i < kx::array_size(kRtasHandlers); i++) {
    if (!name_matches(kRtasHandlers[i].name, args.name)) continue;
    if (!allocated) {
      s = kx::error(kx::kENOMEM);
      break;
    }
    fresh->handler = i;
    p.rtas_tokens.push_back(fresh);
    fresh = nullptr;
    s = kx::Status::ok();
  }
  if (fresh) kx::destroy(fresh);
  KX_TRY(s);
  return 0;
}

namespace {

// A hypercall the kernel may handle, under the vCPU's mutex: true when it
// did (r3 and r4-r6 are its results), false when it goes to the VMM after
// all (6.1's RESUME_HOST or H_TOO_HARD), or the error KVM_RUN would return.
using HcallHandler = kx::Result<bool> (*)(Vcpu& vcpu, HcallRegs& regs);
struct HcallRow {
  u64 nr;
  HcallHandler handle;
};

// kvmppc_xics_enabled(): only a vCPU connected to an XICS.
kx::Result<bool> icp_hcall(Vcpu& vcpu, HcallRegs& regs) KX_REQUIRES(vcpu.mutex) {
  if (!has_icp(vcpu)) return false;
  xics_hcall(vcpu, regs);
  return true;
}

// CONFIG_SPAPR_TCE_IOMMU (tce.cpp): H_TOO_HARD goes to the VMM.
kx::Result<bool> tce_table_hcall(Vcpu& vcpu, HcallRegs& regs) KX_REQUIRES(vcpu.mutex) {
  tce_hcall(vcpu, regs);
  return regs.r3 != static_cast<u64>(kHTooHard);
}

// H_RTAS: no token defined, or none matching, goes to the VMM.
kx::Result<bool> rtas_call(Vcpu& vcpu, HcallRegs& regs) KX_REQUIRES(vcpu.mutex) {
  PpcVm& p = ppc_vm(vcpu.vm());
  {
    kx::Guard<kx::Mutex> guard(&p.rtas_lock);
    if (p.rtas_tokens.empty()) return false;
  }
  const kx::Status s = rtas_hcall(vcpu, regs.r4_7[0]);
  if (s == kx::error(kx::kENOENT)) return false;
  KX_TRY(s);
  regs.r3 = kHSuccess;
  return true;
}

bool is_icp_hcall(u64 nr) {
  return nr == kHXirr || nr == kHCppr || nr == kHEoi || nr == kHIpi || nr == kHIpoll ||
         nr == kHXirrX;
}

// kvmppc_pseries_do_hcall()'s cases for what kvm_ext handles in the kernel.
constexpr HcallRow kHcalls[] = {
    {kHXirr, icp_hcall},
    {kHCppr, icp_hcall},
    {kHEoi, icp_hcall},
    {kHIpi, icp_hcall},
    {kHIpoll, icp_hcall},
    {kHXirrX, icp_hcall},
    {kHGetTce, tce_table_hcall},
    {kHPutTce, tce_table_hcall},
    {kHStuffTce, tce_table_hcall},
    {kHPutTceIndirect, tce_table_hcall},
    {kHRtas, rtas_call},
};

}  // namespace

// kvmppc_pseries_do_hcall(): a hypercall the VMM has not disabled goes to
// its row; one with no row, or that its row hands back, to the VMM as
// KVM_EXIT_PAPR_HCALL with the registers unchanged.
kx::Status guest_hypercall(Vcpu& vcpu, GuestAccess& access, kx_exit* exit) {
  // An e500's are ePAPR hypercalls, which kvm_ext does not model.
  if (!book3s(ppc_vm(vcpu.vm()).host)) return kx::error(kx::kENXIO);
  const u64 nr = access.addr;
  const HcallRegs in = {nr, {access.data, access.args[0], access.args[1], access.args[2]}};
  HcallRegs regs = in;
  bool handled = false;
  if (nr > kMaxHcallOpcode || enabled(ppc_vm(vcpu.vm()), nr) ||
      (is_icp_hcall(nr) && icp_hcalls_always(vcpu))) {
    for (const HcallRow& row : kHcalls) {
      if (row.nr == nr) {
        handled = KX_TRY(row.handle(vcpu, regs));
        break;
      }
    }
  }
  if (!handled) regs = in;
  access.data = regs.r3;
  for (int i = 0; i < 3; i++) access.args[i] = regs.r4_7[i];
  if (handled) {
    access.result = KX_ACCESS_RESULT_KERNEL;
    return kx::Status::ok();
  }
  // KVM_EXIT_PAPR_HCALL: the number and r4-r12 (kvm_ext has r4-r7; the
  // rest read 0).
  access.result = KX_ACCESS_RESULT_EXIT;
  exit->set = 1;
  exit->reason = KX_EXIT_PAPR_HCALL;
  exit->hcall_nr = nr;
  for (int i = 0; i < 4; i++) exit->hcall_args[i] = regs.r4_7[i];
  return kx::Status::ok();
}

}  // namespace ppc
}  // namespace kvm
