// SPDX-License-Identifier: GPL-2.0
// s390's VM attributes (Documentation/virt/kvm/devices/vm.rst; 6.1's
// kvm_s390_vm_{set,get,has}_attr() in arch/s390/kvm/kvm-s390.c): memory
// control, the CPU model, the TOD clock, crypto, migration mode and the
// topology-change report. One table row per group; each group's
// attributes in the functions it names.
#include "arch/s390/s390.h"

namespace kvm {
namespace s390 {
namespace attr {

constexpr u64 kNoMemLimit = ~0ull;  // KVM_S390_NO_MEM_LIMIT

// struct kvm_s390_vm_tod_clock, kvm_s390_vm_cpu_processor,
// kvm_s390_vm_cpu_machine, kvm_s390_vm_cpu_feat.
struct TodClock {
  u8 epoch_idx;
  u64 tod;
};
static_assert(sizeof(TodClock) == 16);
struct Processor {
  u64 cpuid;
  u16 ibc;
  u8 pad[6];
  u64 fac_list[kFacListWords];
};
static_assert(sizeof(Processor) == 2064);
struct MachineInfo {
  u64 cpuid;
  u32 ibc;
  u8 pad[4];
  u64 fac_mask[kFacListWords];
  u64 fac_list[kFacListWords];
};
static_assert(sizeof(MachineInfo) == 4112);
struct CpuFeat {
  u64 feat[16];
};
constexpr u32 kSubfuncBytes = 2048;

kx::Status put(u64 uaddr, const void* v, u32 len) {
  return kx_copy_to_user(uaddr, v, len) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}
kx::Status get(void* v, u64 uaddr, u32 len) {
  return kx_copy_from_user(v, uaddr, len) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

bool created_vcpus(Vm& vm) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  return vm.created_vcpus() != 0;
}

// ------------------------------------------------------------ memory

// gmap_create()'s rounding: the limit of the page-table levels that hold
// the last usable address (2 GiB, 4 TiB, 8 PiB), else none.
u64 round_limit(u64 limit) {
  if (limit == kNoMemLimit) return kNoMemLimit;
  const u64 last = limit - 1;
  if (last < (1ull << 31)) return 1ull << 31;
  if (last < (1ull << 42)) return 1ull << 42;
  if (last < (1ull << 53)) return 1ull << 53;
  return kNoMemLimit;
}

kx::Status set_mem_ctrl(Vm& vm, S390Vm& s, const kx_attr& a) {
  constexpr u64 kEnableCmma = 0, kClrCmma = 1, kLimitSize = 2;
  switch (a.attr) {
    case kEnableCmma: {
      if (!machine().has_cmma) return kx::error(kx::kENXIO);
      kx::Guard<kx::Mutex> guard(&vm.lock);
      if (vm.created_vcpus()) return kx::error(kx::kEBUSY);
      s.use_cmma.store(true);
      return kx::Status::ok();
    }
    case kClrCmma:
      if (!machine().has_cmma) return kx::error(kx::kENXIO);
      if (!s.use_cmma.load()) return kx::error(kx::kEINVAL);
      reset_cmma(vm);
      return kx::Status::ok();
    case kLimitSize: {
      u64 limit;
      KX_TRY(get(&limit, a.addr, sizeof(limit)));
      const u64 cur = s.mem_limit.load();
      if (cur != kNoMemLimit && limit > cur) return kx::error(kx::kE2BIG);
      if (!limit) return kx::error(kx::kEINVAL);
      kx::Guard<kx::Mutex> guard(&vm.lock);
      if (vm.created_vcpus()) return kx::error(kx::kEBUSY);
      // vm.rst: the limit reads back as the page tables round it (6.1
      // keeps reporting the old one: Documentation/differences.rst).
      s.mem_limit.store(round_limit(limit));
      return kx::Status::ok();
    }
    default:
      return kx::error(kx::kENXIO);
  }
}

kx::Status get_mem_ctrl(Vm&, S390Vm& s, const kx_attr& a) {
  if (a.attr != 2) return kx::error(kx::kENXIO);
  const u64 limit = s.mem_limit.load();
  return put(a.addr, &limit, sizeof(limit));
}

kx::Status has_mem_ctrl(Vm&, S390Vm&, const kx_attr& a) {
  if (a.attr == 0 || a.attr == 1)
    return machine().has_cmma ? kx::Status::ok() : kx::error(kx::kENXIO);
  return a.attr == 2 ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// ------------------------------------------------------------ TOD

constexpr u64 kTodLow = 0, kTodHigh = 1, kTodExt = 2;
constexpr u32 kMultipleEpoch = 139;

// The machine's TOD clock (bit 51 is one microsecond) and its epoch
// index: it counts from the host's boot, ticking with the host's
// monotonic clock; the index stays 0.
u64 host_tod() {
  const u64 ns = kx_now_ns();
  return (ns / 125) * 512 + (ns % 125) * 512 / 125;
}

// __kvm_s390_set_tod_clock(): the guest's clock as an epoch difference
// (and, with the multiple-epoch facility, an epoch-index difference with
// its borrow).
void set_tod_clock(S390Vm& s, const TodClock& gtod) KX_REQUIRES(s.model_lock) {
  const u64 now = host_tod();
  s.epoch = gtod.tod - now;
  s.epdx = 0;
  if (s.has_facility_locked(kMultipleEpoch)) {
    s.epdx = gtod.epoch_idx;
    if (s.epoch > gtod.tod) s.epdx--;
  }
}

// kvm_s390_get_tod_clock(): with the carry into the epoch index.
TodClock tod_clock(S390Vm& s) KX_REQUIRES(s.model_lock) {
  const u64 now = host_tod();
  TodClock g = {};
  g.tod = now + s.epoch;
  if (s.has_facility_locked(kMultipleEpoch)) {
    g.epoch_idx = s.epdx;
    if (g.tod < now) g.epoch_idx++;
  }
  return g;
}

kx::Status set_tod(Vm&, S390Vm& s, const kx_attr& a) {
  if (a.flags) return kx::error(kx::kEINVAL);
  kx::Guard<kx::Mutex> guard(&s.model_lock);
  switch (a.attr) {
    case kTodExt: {
      TodClock gtod;
      KX_TRY(get(&gtod, a.addr, sizeof(gtod)));
      if (!s.has_facility_locked(kMultipleEpoch) && gtod.epoch_idx) return kx::error(kx::kEINVAL);
      set_tod_clock(s, gtod);
      return kx::Status::ok();
    }
    case kTodHigh: {
      u8 high;
      KX_TRY(get(&high, a.addr, sizeof(high)));
      return high ? kx::error(kx::kEINVAL) : kx::Status::ok();
    }
    case kTodLow: {
      TodClock gtod = {};
      KX_TRY(get(&gtod.tod, a.addr, sizeof(gtod.tod)));
      set_tod_clock(s, gtod);
      return kx::Status::ok();
    }
    default:
      return kx::error(kx::kENXIO);
  }
}

kx::Status get_tod(Vm&, S390Vm& s, const kx_attr& a) {
  if (a.flags) return kx::error(kx::kEINVAL);
  switch (a.attr) {
    case kTodExt: {
      TodClock g;
      {
        kx::Guard<kx::Mutex> guard(&s.model_lock);
        g = tod_clock(s);
      }
      return put(a.addr, &g, sizeof(g));
    }
    case kTodHigh: {
      const u8 high = 0;
      return put(a.addr, &high, sizeof(high));
    }
    case kTodLow: {
      u64 tod;
      {
        kx::Guard<kx::Mutex> guard(&s.model_lock);
        tod = host_tod() + s.epoch;
      }
      return put(a.addr, &tod, sizeof(tod));
    }
    default:
      return kx::error(kx::kENXIO);
  }
}

// 6.1 answers -ENXIO for TOD_EXT although it implements it; the
// document's HAS means "implemented" (Documentation/differences.rst).
kx::Status has_tod(Vm&, S390Vm&, const kx_attr& a) {
  return a.attr <= kTodExt ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// ------------------------------------------------------------ CPU model

constexpr u64 kProcessor = 0, kMachine = 1, kProcessorFeat = 2, kMachineFeat = 3,
              kProcessorSubfunc = 4, kMachineSubfunc = 5;

// kvm_s390_set_processor(): the CPUID as given, the IBC kept within the
// machine's range (0 leaves it), the facility list as given.
kx::Status set_processor(Vm& vm, S390Vm& s, const kx_attr& a) {
  if (created_vcpus(vm)) return kx::error(kx::kEBUSY);
  Processor* proc = kx::alloc_array<Processor>(1);
  if (!proc) return kx::error(kx::kENOMEM);
  kx::Status st = get(proc, a.addr, sizeof(*proc));
  if (st.is_ok()) {
    const u32 ibc = machine().ibc;
    const u16 lowest = (ibc >> 16) & 0xfff;
    const u16 unblocked = ibc & 0xfff;
    kx::Guard<kx::Mutex> guard(&s.model_lock);
    s.model.cpuid = proc->cpuid;
    if (lowest && proc->ibc) s.model.ibc = kx::min(kx::max(proc->ibc, lowest), unblocked);
    __builtin_memcpy(s.model.fac_list.w, proc->fac_list, sizeof(proc->fac_list));
  }
  kx::free_array(proc);
  return st;
}

kx::Status set_processor_feat(Vm& vm, S390Vm& s, const kx_attr& a) {
  CpuFeat data;
  KX_TRY(get(&data, a.addr, sizeof(data)));
  for (u32 i = 0; i < 16; i++) {
    if (data.feat[i] & ~machine().cpu_feat[i]) return kx::error(kx::kEINVAL);
  }
  if (created_vcpus(vm)) return kx::error(kx::kEBUSY);
  kx::Guard<kx::Mutex> guard(&s.model_lock);
  __builtin_memcpy(s.model.cpu_feat, data.feat, sizeof(data.feat));
  return kx::Status::ok();
}

// 6.1 copies straight into the model, so a fault leaves part of it
// written; here a refused write changes nothing.
kx::Status set_processor_subfunc(Vm& vm, S390Vm& s, const kx_attr& a) {
  if (created_vcpus(vm)) return kx::error(kx::kEBUSY);
  u8* data = kx::alloc_array<u8>(kSubfuncBytes);
  if (!data) return kx::error(kx::kENOMEM);
  kx::Status st = get(data, a.addr, kSubfuncBytes);
  if (st.is_ok()) {
    kx::Guard<kx::Mutex> guard(&s.model_lock);
    __builtin_memcpy(s.model.subfuncs, data, kSubfuncBytes);
    s.model.subfuncs_written = true;
  }
  kx::free_array(data);
  return st;
}

kx::Status set_cpu_model(Vm& vm, S390Vm& s, const kx_attr& a) {
  switch (a.attr) {
    case kProcessor:
      return set_processor(vm, s, a);
    case kProcessorFeat:
      return set_processor_feat(vm, s, a);
    case kProcessorSubfunc:
      return set_processor_subfunc(vm, s, a);
    default:
      return kx::error(kx::kENXIO);
  }
}

kx::Status get_processor(S390Vm& s, const kx_attr& a) {
  Processor* proc = kx::alloc_array<Processor>(1);
  if (!proc) return kx::error(kx::kENOMEM);
  {
    kx::Guard<kx::Mutex> guard(&s.model_lock);
    proc->cpuid = s.model.cpuid;
    proc->ibc = s.model.ibc;
    __builtin_memcpy(proc->fac_list, s.model.fac_list.w, sizeof(proc->fac_list));
  }
  const kx::Status st = put(a.addr, proc, sizeof(*proc));
  kx::free_array(proc);
  return st;
}

// kvm_s390_get_machine(): the host's CPUID, IBC range and facilities,
// and the facilities this VM may have (its mask, with what capabilities
// added).
kx::Status get_machine(S390Vm& s, const kx_attr& a) {
  MachineInfo* mach = kx::alloc_array<MachineInfo>(1);
  if (!mach) return kx::error(kx::kENOMEM);
  mach->cpuid = machine().cpuid;
  mach->ibc = machine().ibc;
  {
    kx::Guard<kx::Mutex> guard(&s.model_lock);
    __builtin_memcpy(mach->fac_mask, s.model.fac_mask.w, sizeof(mach->fac_mask));
  }
  __builtin_memcpy(mach->fac_list, machine().stfle.w, sizeof(mach->fac_list));
  const kx::Status st = put(a.addr, mach, sizeof(*mach));
  kx::free_array(mach);
  return st;
}

kx::Status get_cpu_model(Vm&, S390Vm& s, const kx_attr& a) {
  switch (a.attr) {
    case kProcessor:
      return get_processor(s, a);
    case kMachine:
      return get_machine(s, a);
    case kProcessorFeat: {
      CpuFeat data;
      {
        kx::Guard<kx::Mutex> guard(&s.model_lock);
        __builtin_memcpy(data.feat, s.model.cpu_feat, sizeof(data.feat));
      }
      return put(a.addr, &data, sizeof(data));
    }
    case kMachineFeat:
      return put(a.addr, machine().cpu_feat, sizeof(CpuFeat));
    case kProcessorSubfunc: {
      // vm.rst: nothing to read until the VMM wrote it (6.1 answers
      // with the machine's: Documentation/differences.rst).
      u8* data = kx::alloc_array<u8>(kSubfuncBytes);
      if (!data) return kx::error(kx::kENOMEM);
      kx::Status st;
      {
        kx::Guard<kx::Mutex> guard(&s.model_lock);
        if (s.model.subfuncs_written)
          __builtin_memcpy(data, s.model.subfuncs, kSubfuncBytes);
        else
          st = kx::error(kx::kEINVAL);
      }
      if (st.is_ok()) st = put(a.addr, data, kSubfuncBytes);
      kx::free_array(data);
      return st;
    }
    case kMachineSubfunc:
      return put(a.addr, machine().subfuncs, kSubfuncBytes);
    default:
      return kx::error(kx::kENXIO);
  }
}

kx::Status has_cpu_model(Vm&, S390Vm&, const kx_attr& a) {
  return a.attr <= kMachineSubfunc ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// ------------------------------------------------------------ crypto

constexpr u64 kEnableAesKw = 0, kEnableDeaKw = 1, kDisableAesKw = 2, kDisableDeaKw = 3,
              kEnableApie = 4, kDisableApie = 5;
constexpr u32 kMsa3 = 76;

// kvm_s390_vm_set_crypto(): key wrapping needs MSA3 in the guest's
// model; the AP attributes need the machine's AP instructions. The
// wrapping-key masks are not modelled: nothing in kvm_ext would use them.
kx::Status set_crypto(Vm&, S390Vm& s, const kx_attr& a) {
  kx::Guard<kx::Mutex> guard(&s.model_lock);
  switch (a.attr) {
    case kEnableAesKw:
    case kEnableDeaKw:
    case kDisableAesKw:
    case kDisableDeaKw: {
      if (!s.has_facility_locked(kMsa3)) return kx::error(kx::kEINVAL);
      const bool on = a.attr == kEnableAesKw || a.attr == kEnableDeaKw;
      (a.attr == kEnableAesKw || a.attr == kDisableAesKw ? s.aes_kw : s.dea_kw) = on;
      return kx::Status::ok();
    }
    case kEnableApie:
    case kDisableApie:
      if (!machine().ap_instructions) return kx::error(kx::kEOPNOTSUPP);
      s.apie = a.attr == kEnableApie;
      return kx::Status::ok();
    default:
      return kx::error(kx::kENXIO);
  }
}

kx::Status has_crypto(Vm&, S390Vm&, const kx_attr& a) {
  if (a.attr <= kDisableDeaKw) return kx::Status::ok();
  if (a.attr == kEnableApie || a.attr == kDisableApie)
    return machine().ap_instructions ? kx::Status::ok() : kx::error(kx::kENXIO);
  return kx::error(kx::kENXIO);
}

// ------------------------------------------------------------ migration

constexpr u64 kMigrationStop = 0, kMigrationStart = 1, kMigrationStatus = 2;

// kvm_s390_vm_start_migration(): memory must be there, and (vm.rst) every
// memslot must log dirty pages (6.1 asks that only with CMMA in use:
// Documentation/differences.rst).
kx::Status set_migration(Vm& vm, S390Vm& s, const kx_attr& a) {
  kx::Guard<kx::Mutex> guard(&vm.slots_lock);
  switch (a.attr) {
    case kMigrationStart: {
      if (s.migration_mode.load()) return kx::Status::ok();
      MemslotSet& slots = vm.slots(0);
      if (slots.size() == 0) return kx::error(kx::kEINVAL);
      for (usize i = 0; i < slots.size(); i++) {
        if (!slots.at(i)->logging()) return kx::error(kx::kEINVAL);
      }
      if (s.use_cmma.load()) KX_TRY(start_cmma_migration(vm, s));
      s.migration_mode.store(true);
      return kx::Status::ok();
    }
    case kMigrationStop:
      s.migration_mode.store(false);
      return kx::Status::ok();
    default:
      return kx::error(kx::kENXIO);
  }
}

kx::Status get_migration(Vm&, S390Vm& s, const kx_attr& a) {
  if (a.attr != kMigrationStatus) return kx::error(kx::kENXIO);
  const u64 mig = s.migration_mode.load();
  return put(a.addr, &mig, sizeof(mig));
}

// 6.1 answers 0 for any attribute of the group; api.rst 4.81's HAS is
// -ENXIO for an unknown one (Documentation/differences.rst).
kx::Status has_migration(Vm&, S390Vm&, const kx_attr& a) {
  return a.attr <= kMigrationStatus ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// ------------------------------------------------------------ topology

constexpr u32 kTopology = 11;

// The SCA's multiprocessor topology-change-report bit, with the
// configuration-topology facility (KVM_CAP_S390_CPU_TOPOLOGY).
kx::Status set_topology(Vm&, S390Vm& s, const kx_attr& a) {
  kx::Guard<kx::Mutex> guard(&s.model_lock);
  if (!s.has_facility_locked(kTopology)) return kx::error(kx::kENXIO);
  s.topology_change = a.attr != 0;
  return kx::Status::ok();
}

kx::Status get_topology(Vm&, S390Vm& s, const kx_attr& a) {
  u8 mtcr;
  {
    kx::Guard<kx::Mutex> guard(&s.model_lock);
    if (!s.has_facility_locked(kTopology)) return kx::error(kx::kENXIO);
    mtcr = s.topology_change;
  }
  return put(a.addr, &mtcr, sizeof(mtcr));
}

kx::Status has_topology(Vm&, S390Vm& s, const kx_attr&) {
  return s.has_facility(kTopology) ? kx::Status::ok() : kx::error(kx::kENXIO);
}

// ------------------------------------------------------------ the table

using Op = kx::Status (*)(Vm& vm, S390Vm& s, const kx_attr& a);
struct Group {
  u32 group;
  Op set;
  Op get;
  Op has;
};

// KVM_S390_VM_*: a group's missing operation, like an unknown group, is
// -ENXIO.
constexpr Group kGroups[] = {
    {0, set_mem_ctrl, get_mem_ctrl, has_mem_ctrl},
    {1, set_tod, get_tod, has_tod},
    {2, set_crypto, nullptr, has_crypto},
    {3, set_cpu_model, get_cpu_model, has_cpu_model},
    {4, set_migration, get_migration, has_migration},
    {5, set_topology, get_topology, has_topology},
};

}  // namespace attr

kx::Status vm_attr(Vm& vm, kx_attr_op op, const kx_attr& a) {
  for (const attr::Group& g : attr::kGroups) {
    if (g.group != a.group) continue;
    const attr::Op fn = op == KX_ATTR_SET ? g.set : op == KX_ATTR_GET ? g.get : g.has;
    return fn ? fn(vm, s390_vm(vm), a) : kx::error(kx::kENXIO);
  }
  return kx::error(kx::kENXIO);
}

bool S390Vm::has_facility(u32 nr) {
  kx::Guard<kx::Mutex> guard(&model_lock);
  return has_facility_locked(nr);
}

// kvm_arch_prepare_memory_region(): a new or moved slot ends within the
// memory limit. (6.1 also wants whole 1 MiB segments of segment-aligned
// user memory; kvm_ext takes pages: Documentation/differences.rst.)
kx::Status S390Vm::check_slot(u64 base_gfn, u64 npages, u64) const {
  const u64 end = (base_gfn + npages) << KX_PAGE_SHIFT;
  return end > mem_limit.load() ? kx::error(kx::kEINVAL) : kx::Status::ok();
}

}  // namespace s390
}  // namespace kvm
