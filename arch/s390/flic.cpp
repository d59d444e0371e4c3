// SPDX-License-Identifier: GPL-2.0
// KVM_DEV_TYPE_FLIC (Documentation/virt/kvm/devices/s390_flic.rst; 6.1's
// flic_set_attr(), flic_get_attr(), flic_has_attr() in
// arch/s390/kvm/interrupt.c): the VMM's handle on the VM's floating
// interrupts, its I/O adapters and their suppression. The state is the
// VM's (kvm->arch), not the device's: KVM_S390_INTERRUPT and adapter
// routes reach it with no FLIC, and it outlives the device.
#include "arch/s390/s390.h"
#include "virt/kvm/c_abi.h"

namespace kvm {
namespace s390 {
namespace flic {

constexpr u32 kGetAllIrqs = 1;
constexpr u32 kEnqueue = 2;
constexpr u32 kClearIrqs = 3;
constexpr u32 kApfEnable = 4;
constexpr u32 kApfDisableWait = 5;
constexpr u32 kAdapterRegister = 6;
constexpr u32 kAdapterModify = 7;
constexpr u32 kClearIoIrq = 8;
constexpr u32 kAism = 9;
constexpr u32 kAirqInject = 10;
constexpr u32 kAismAll = 11;

constexpr u8 kAdapterSuppressible = 0x01;  // KVM_S390_ADAPTER_SUPPRESSIBLE
constexpr u8 kAdapterMask = 1;             // KVM_S390_IO_ADAPTER_MASK
constexpr u8 kAdapterMap = 2;
constexpr u8 kAdapterUnmap = 3;
constexpr u16 kAisModeAll = 0;  // KVM_S390_AIS_MODE_ALL
constexpr u16 kAisModeSingle = 1;
constexpr u32 kAisFacility = 72;

// struct kvm_s390_io_adapter, kvm_s390_io_adapter_req, kvm_s390_ais_req,
// kvm_s390_ais_all.
struct IoAdapter {
  u32 id;
  u8 isc;
  u8 maskable;
  u8 swap;
  u8 flags;
};
static_assert(sizeof(IoAdapter) == 8);
struct IoAdapterReq {
  u32 id;
  u8 type;
  u8 mask;
  u16 pad0;
  u64 addr;
};
static_assert(sizeof(IoAdapterReq) == 16);
struct AisReq {
  u8 isc;
  u16 mode;
};
static_assert(sizeof(AisReq) == 4);
struct AisAll {
  u8 simm;
  u8 nimm;
};
static_assert(sizeof(AisAll) == 2);

// AIS_MODE_MASK(): no bit for an ISC above 7 (an adapter may name one).
constexpr u8 ais_bit(u32 isc) { return isc > kMaxIsc ? 0 : static_cast<u8>(0x80 >> isc); }

// copy_irq_from_user(): the type, then the payload its class has.
kx::Status copy_irq(FloatIrq* irq, u64 uaddr) {
  if (kx_copy_from_user(&irq->type, uaddr, sizeof(irq->type))) return kx::error(kx::kEFAULT);
  const u64 payload = uaddr + __builtin_offsetof(Irq, u);
  void* target;
  u32 size;
  if (irq->type == kIntPfaultInit || irq->type == kIntPfaultDone || irq->type == kIntVirtio ||
      irq->type == kIntService) {
    target = &irq->u.ext;
    size = sizeof(ExtInfo);
  } else if (is_io(irq->type)) {
    target = &irq->u.io;
    size = sizeof(IoInfo);
  } else if (irq->type == kIntMchk) {
    target = &irq->u.mchk;
    size = sizeof(MchkInfo);
  } else {
    return kx::error(kx::kEINVAL);
  }
  return kx_copy_from_user(target, payload, size) ? kx::error(kx::kEFAULT) : kx::Status::ok();
}

class Flic {
 public:
  static constexpr const char* kName = "kvm-flic";
  static constexpr bool kDiesWithFd = false;
  // s390_flic.rst: an unknown group is -EINVAL for SET and GET.
  static constexpr int kUnknownGroupErrno = -kx::kEINVAL;

  Flic(Vm& vm) : vm_(vm), s_(s390_vm(vm)) {}

  // flic_create(): one per VM.
  static kx::Result<Flic*> Create(Vm& vm, u32) KX_REQUIRES(vm.lock) {
    S390Vm& s = s390_vm(vm);
    if (s.flic) return kx::kEINVAL;
    kx::AllocChecker ac;
    Flic* f = new (&ac) Flic(vm);
    if (!ac.check()) return kx::kENOMEM;
    s.flic = f;
    return f;
  }

  // flic_destroy(), with the VM: the interrupts stay the VM's.
  static void Destroy(Flic* f) {
    {
      kx::Guard<kx::Mutex> guard(&f->vm_.lock);
      f->s_.flic = nullptr;
    }
    kx::destroy(f);
  }

  // enqueue_floating_irq(): a whole number of struct kvm_s390_irq up to
  // KVM_S390_FLIC_MAX_BUFFER bytes, injected in order; the first that
  // fails ends the call with its error and the earlier ones stay queued.
  // Waiting vCPUs are kicked once, after the batch.
  kx::Status enqueue(const kx_attr& a) {
    if (a.attr % sizeof(Irq) != 0 || a.attr > FloatingInterrupts::kMaxBuffer)
      return kx::error(kx::kEINVAL);
    kx::Status s;
    u64 queued = 0;
    for (u64 off = 0; off < a.attr; off += sizeof(Irq)) {
      kx::AllocChecker ac;
      FloatIrq* irq = new (&ac) FloatIrq();
      if (!ac.check()) {
        s = kx::error(kx::kENOMEM);
        break;
      }
      s = copy_irq(irq, a.addr + off);
      if (s.is_ok()) s = s_.floating.inject(irq);
      if (s.is_error()) {
        kx::destroy(irq);
        break;
      }
      queued++;
    }
    if (queued) s_.kick_waiters();
    return s;
  }

  // get_all_floating_irqs(): the count on success; a buffer too small
  // for what is pending -ENOMEM (retry with more), no kernel buffer
  // -ENOBUFS. Nothing leaves the queue.
  kx::Result<u32> get_all(const kx_attr& a) {
    if (a.attr == 0 || a.attr > FloatingInterrupts::kMaxBuffer) return kx::kEINVAL;
    Irq* buf = static_cast<Irq*>(kx_alloc(a.attr));
    if (!buf) return kx::kENOBUFS;
    kx::Result<u32> n = s_.floating.snapshot(buf, static_cast<u32>(a.attr / sizeof(Irq)));
    if (n.is_ok() && n.value() > 0 && kx_copy_to_user(a.addr, buf, n.value() * sizeof(Irq)))
      n = kx::kEFAULT;
    kx_free(buf);
    return n;
  }

  kx::Status clear_irqs(const kx_attr&) {
    s_.floating.clear();
    return kx::Status::ok();
  }

  // Async page faults: kvm_ext's guest takes none, so enabling only
  // records it and disabling has no completions to wait for.
  kx::Status apf_enable(const kx_attr&) {
    kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
    s_.pfault_enabled = true;
    return kx::Status::ok();
  }
  kx::Status apf_disable_wait(const kx_attr&) {
    kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
    s_.pfault_enabled = false;
    return kx::Status::ok();
  }

  // register_io_adapter(): ids below MAX_S390_IO_ADAPTERS, each once.
  kx::Status adapter_register(const kx_attr& a) {
    IoAdapter info;
    if (kx_copy_from_user(&info, a.addr, sizeof(info))) return kx::error(kx::kEFAULT);
    if (info.id >= kMaxAdapters) return kx::error(kx::kEINVAL);
    kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
    Adapter& ad = s_.adapters[info.id];
    if (ad.registered) return kx::error(kx::kEINVAL);
    // The ISC is kept as given; an interrupt uses its low three bits.
    ad = {.registered = true,
          .isc = info.isc,
          .maskable = info.maskable != 0,
          .masked = false,
          .swap = info.swap != 0,
          .suppressible = (info.flags & kAdapterSuppressible) != 0};
    return kx::Status::ok();
  }

  // modify_io_adapter(): mask or unmask a maskable adapter; MAP and UNMAP
  // are no-ops (routes map the indicators).
  kx::Status adapter_modify(const kx_attr& a) {
    IoAdapterReq req;
    if (kx_copy_from_user(&req, a.addr, sizeof(req))) return kx::error(kx::kEFAULT);
    kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
    if (req.id >= kMaxAdapters || !s_.adapters[req.id].registered) return kx::error(kx::kEINVAL);
    Adapter& ad = s_.adapters[req.id];
    switch (req.type) {
      case kAdapterMask:
        if (!ad.maskable) return kx::error(kx::kEINVAL);
        ad.masked = req.mask != 0;
        return kx::Status::ok();
      case kAdapterMap:
      case kAdapterUnmap:
        return kx::Status::ok();
      default:
        return kx::error(kx::kEINVAL);
    }
  }

  // clear_io_irq(): no flags, a 4-byte subsystem id that is not 0.
  kx::Status clear_io_irq(const kx_attr& a) {
    if (a.flags) return kx::error(kx::kEINVAL);
    u32 schid;
    if (a.attr != sizeof(schid)) return kx::error(kx::kEINVAL);
    if (kx_copy_from_user(&schid, a.addr, sizeof(schid))) return kx::error(kx::kEFAULT);
    if (!schid) return kx::error(kx::kEINVAL);
    s_.floating.clear_io(schid);
    return kx::Status::ok();
  }

  // modify_ais_mode(): needs the AIS facility (KVM_CAP_S390_AIS).
  kx::Status aism(const kx_attr& a) {
    if (!s_.has_facility(kAisFacility)) return kx::error(kx::kEOPNOTSUPP);
    AisReq req;
    if (kx_copy_from_user(&req, a.addr, sizeof(req))) return kx::error(kx::kEFAULT);
    if (req.isc > kMaxIsc) return kx::error(kx::kEINVAL);
    kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
    switch (req.mode) {
      case kAisModeAll:
        s_.simm &= static_cast<u8>(~ais_bit(req.isc));
        s_.nimm &= static_cast<u8>(~ais_bit(req.isc));
        return kx::Status::ok();
      case kAisModeSingle:
        s_.simm |= ais_bit(req.isc);
        s_.nimm &= static_cast<u8>(~ais_bit(req.isc));
        return kx::Status::ok();
      default:
        return kx::error(kx::kEINVAL);
    }
  }

  // flic_inject_airq(): attr is the adapter's id.
  kx::Status airq_inject(const kx_attr& a) {
    return s_.inject_adapter(static_cast<u32>(a.attr), nullptr);
  }

  kx::Status aism_all_set(const kx_attr& a) {
    if (!s_.has_facility(kAisFacility)) return kx::error(kx::kEOPNOTSUPP);
    AisAll ais;
    if (kx_copy_from_user(&ais, a.addr, sizeof(ais))) return kx::error(kx::kEFAULT);
    kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
    s_.simm = ais.simm;
    s_.nimm = ais.nimm;
    return kx::Status::ok();
  }

  // flic_ais_mode_get_all(): the size first, then the facility.
  kx::Status aism_all_get(const kx_attr& a) {
    AisAll ais;
    if (a.attr < sizeof(ais)) return kx::error(kx::kEINVAL);
    if (!s_.has_facility(kAisFacility)) return kx::error(kx::kEOPNOTSUPP);
    {
      kx::Guard<kx::Mutex> guard(&s_.adapter_lock);
      ais = {.simm = s_.simm, .nimm = s_.nimm};
    }
    return kx_copy_to_user(a.addr, &ais, sizeof(ais)) ? kx::error(kx::kEFAULT) : kx::Status::ok();
  }

  // flic_has_attr(): every group, whatever the attribute.
  kx::Status has(const kx_attr&) { return kx::Status::ok(); }

  static constexpr AttrGroup<Flic> kAttrGroups[] = {
      {kGetAllIrqs, nullptr, &Flic::get_all, &Flic::has},
      {kEnqueue, &Flic::enqueue, nullptr, &Flic::has},
      {kClearIrqs, &Flic::clear_irqs, nullptr, &Flic::has},
      {kApfEnable, &Flic::apf_enable, nullptr, &Flic::has},
      {kApfDisableWait, &Flic::apf_disable_wait, nullptr, &Flic::has},
      {kAdapterRegister, &Flic::adapter_register, nullptr, &Flic::has},
      {kAdapterModify, &Flic::adapter_modify, nullptr, &Flic::has},
      {kClearIoIrq, &Flic::clear_io_irq, nullptr, &Flic::has},
      {kAism, &Flic::aism, nullptr, &Flic::has},
      {kAirqInject, &Flic::airq_inject, nullptr, &Flic::has},
      {kAismAll, &Flic::aism_all_set, &Flic::aism_all_get, &Flic::has},
  };

 private:
  Vm& vm_;
  S390Vm& s_;
};

}  // namespace flic

namespace adapter {

// get_ind_bit() and set_bit() on the big-endian machine: bit nr of the
// page that holds addr, counted from the page's start; swapped, in MSB 0
// order. Returns the guest address of the byte and the bit's mask in it.
u64 indicator(u64 addr, u64 nr, bool swap, u8* mask) {
  const u64 bit = nr + (addr & (KX_PAGE_SIZE - 1)) * 8;
  const u64 b = swap ? bit ^ 63 : bit;
  *mask = static_cast<u8>(1u << (b % 8));
  return (addr & ~(KX_PAGE_SIZE - 1)) + (b / 64) * 8 + (7 - (b % 64) / 8);
}

// test_and_set_bit() of an indicator in guest memory; -EFAULT where
// there is none (6.1's get_map_page() fails).
kx::Result<bool> test_and_set(Vm& vm, u64 addr, u64 nr, bool swap) {
  u8 mask;
  const u64 gpa = indicator(addr, nr, swap, &mask);
  u8 byte;
  KX_TRY(vm.read_guest(gpa, &byte, 1));
  if (byte & mask) return true;
  byte |= mask;
  KX_TRY(vm.write_guest(gpa, &byte, 1));
  return false;
}

}  // namespace adapter

// kvm_s390_inject_airq(): an adapter interrupt of the adapter's ISC;
// with AIS on and a suppressible adapter, none while the ISC is in
// NO-interruptions mode, and SINGLE mode turns into it after one. A route
// (set_adapter_int()) first sets the indicator and summary bits: only a
// summary bit that was clear raises one. A masked adapter raises none
// (s390_flic.rst: its "interrupts turned off"; 6.1's AIRQ_INJECT ignores
// the mask: Documentation/differences.rst).
kx::Status S390Vm::inject_adapter(u32 id, const AdapterRoute* route) {
  const bool ais = has_facility(flic::kAisFacility);
  kx::Guard<kx::Mutex> guard(&adapter_lock);
  if (id >= kMaxAdapters || !adapters[id].registered) return kx::error(kx::kEINVAL);
  const Adapter& ad = adapters[id];
  if (route) {
    KX_TRY(adapter::test_and_set(vm(), route->ind_addr, route->ind_offset, ad.swap));
    const bool summary_was_set =
        KX_TRY(adapter::test_and_set(vm(), route->summary_addr, route->summary_offset, ad.swap));
    if (summary_was_set) return kx::Status::ok();
  }
  if (ad.masked) return kx::Status::ok();
  const u8 bit = flic::ais_bit(ad.isc);
  if (ais && ad.suppressible && (nimm & bit)) return kx::Status::ok();
  kx::AllocChecker ac;
  FloatIrq* irq = new (&ac) FloatIrq();
  if (!ac.check()) return kx::error(kx::kENOMEM);
  irq->type = kIntIoAiMask;
  irq->u.io.io_int_word = isc_int_word(ad.isc);
  if (kx::Status s = inject(irq); s.is_error()) {
    kx::destroy(irq);
    return s;
  }
  if (ais && ad.suppressible && (simm & bit)) nimm |= bit;
  return kx::Status::ok();
}

// kvm_set_routing_entry(): the summary and indicator addresses must be
// guest memory (gmap_translate()), the summary's first.
kx::Status S390IrqChip::check_adapter_route(const AdapterRoute& route) const {
  if (s_.vm().user_addr(route.summary_addr).is_error()) return kx::error(kx::kEFAULT);
  if (s_.vm().user_addr(route.ind_addr).is_error()) return kx::error(kx::kEFAULT);
  return kx::Status::ok();
}

// set_adapter_int(): nothing at level 0. An irqfd injects from a work
// item, which has no user address space of its own: the indicators are
// reached through the VM owner's (6.1: get_user_pages_remote() on
// kvm->mm).
void S390IrqChip::set_adapter(Vm& vm, const AdapterRoute& route, u32 level) {
  if (!level) return;
  const int mm = kx_owner_use_mm(vm.owner());
  (void)s_.inject_adapter(route.adapter_id, &route);
  if (mm) kx_owner_unuse_mm(vm.owner());
}

// KVM_S390_INTERRUPT on the VM fd (kvm_s390_inject_vm()): struct
// kvm_s390_interrupt's parm and parm64 as each floating type packs them.
kx::Result<long> interrupt_ioctl(Vm& vm, u64 arg) {
  struct {
    u32 type;
    u32 parm;
    u64 parm64;
  } in;
  if (kx_copy_from_user(&in, arg, sizeof(in))) return kx::kEFAULT;
  kx::AllocChecker ac;
  FloatIrq* irq = new (&ac) FloatIrq();
  if (!ac.check()) return kx::kENOMEM;
  irq->type = in.type;
  if (in.type == kIntVirtio) {
    irq->u.ext = {.ext_params = in.parm, .pad = 0, .ext_params2 = in.parm64};
  } else if (in.type == kIntService) {
    irq->u.ext.ext_params = in.parm;
  } else if (in.type == kIntPfaultDone) {
    irq->u.ext.ext_params2 = in.parm64;
  } else if (in.type == kIntMchk) {
    irq->u.mchk.cr14 = in.parm;
    irq->u.mchk.mcic = in.parm64;
  } else if (is_io(in.type)) {
    irq->u.io = {.subchannel_id = static_cast<u16>(in.parm >> 16),
                 .subchannel_nr = static_cast<u16>(in.parm),
                 .io_int_parm = static_cast<u32>(in.parm64 >> 32),
                 .io_int_word = static_cast<u32>(in.parm64)};
  } else {
    kx::destroy(irq);
    return kx::kEINVAL;
  }
  if (kx::Status s = s390_vm(vm).inject(irq); s.is_error()) {
    kx::destroy(irq);
    return s;
  }
  return 0;
}

}  // namespace s390
}  // namespace kvm

extern "C" constinit const kx_device_ops kx_flic_device_ops =
    kvm::DeviceType<kvm::s390::flic::Flic>::ops();
