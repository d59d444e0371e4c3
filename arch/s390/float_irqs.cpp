// SPDX-License-Identifier: GPL-2.0
// s390's floating interrupts (6.1's arch/s390/kvm/interrupt.c): the
// VM-wide queue that the FLIC, KVM_S390_INTERRUPT and adapter interrupts
// fill and that any vCPU enabled for a class takes from.
#include "arch/s390/s390.h"

namespace kvm {
namespace s390 {

KX_LOCK_CLASS(s390_float_lock);
KX_LOCK_CLASS(s390_adapter_lock);
KX_LOCK_CLASS(s390_model_lock);

FloatingInterrupts::~FloatingInterrupts() {
  kx::Guard<kx::SpinLock> guard(&lock_);
  clear_locked();
}

void FloatingInterrupts::clear_locked() {
  for (Queue& q : lists_) {
    while (FloatIrq* irq = q.pop_front()) kx::destroy(irq);
  }
  io_count_ = virtio_count_ = pfault_count_ = 0;
  service_ = service_ev_ = mchk_ = false;
  srv_signal_ = {};
  mchk_info_ = {};
  gisa_ipm_ = 0;
}

void FloatingInterrupts::clear() {
  kx::Guard<kx::SpinLock> guard(&lock_);
  clear_locked();
}

// __inject_service(), __inject_virtio(), __inject_pfault_done(),
// __inject_float_mchk(), __inject_io() (with a GISA: adapter interrupts
// only set their ISC's pending bit).
kx::Status FloatingInterrupts::inject(FloatIrq* irq) {
  constexpr u32 kSccbMask = 0xfffffff8;
  constexpr u32 kSccbEventPending = 0x3;
  constexpr u64 kCrPendingSubclass = 1ull << 28;
  kx::Guard<kx::SpinLock> guard(&lock_);
  if (irq->type == kIntService) {
    // Events always count; a second SCCB while one is pending is dropped
    // (early QEMU BIOSes sent several).
    srv_signal_.ext_params |= irq->u.ext.ext_params & kSccbEventPending;
    if (srv_signal_.ext_params & kSccbEventPending) service_ev_ = true;
    if (!(srv_signal_.ext_params & kSccbMask)) {
      srv_signal_.ext_params |= irq->u.ext.ext_params & kSccbMask;
      service_ = true;
    }
    kx::destroy(irq);
  } else if (irq->type == kIntMchk) {
    mchk_info_.cr14 |= irq->u.mchk.cr14 & kCrPendingSubclass;
    mchk_info_.mcic |= irq->u.mchk.mcic;
    mchk_ = true;
    kx::destroy(irq);
  } else if (irq->type == kIntVirtio) {
    if (virtio_count_ >= kMaxVirtio) return kx::error(kx::kEBUSY);
    virtio_count_++;
    lists_[kListVirtio].push_back(irq);
  } else if (irq->type == kIntPfaultDone) {
    if (pfault_count_ >= kMaxPfault) return kx::error(kx::kEBUSY);
    pfault_count_++;
    lists_[kListPfault].push_back(irq);
  } else if (is_io(irq->type)) {
    const u32 isc = isc_of(irq->u.io.io_int_word);
    if (irq->type & kIntIoAiMask) {
      gisa_ipm_ |= static_cast<u8>(0x80 >> isc);
      kx::destroy(irq);
      return kx::Status::ok();
    }
    if (io_count_ >= kMaxIo) return kx::error(kx::kEBUSY);
    io_count_++;
    lists_[isc].push_back(irq);
  } else {
    return kx::error(kx::kEINVAL);
  }
  return kx::Status::ok();
}

// inti_to_irq(): a queued interrupt's payload as its class copies it.
void FloatingInterrupts::put(Irq* out, const FloatIrq& irq) {
  out->type = irq.type;
  if (is_io(irq.type))
    out->u.io = irq.u.io;
  else
    out->u.ext = irq.u.ext;
}

// get_all_floating_irqs(): the GISA's adapter interrupts (one per ISC),
// the lists (I/O by ISC, pfault done, virtio), the merged service signal,
// the merged machine check. Unlike 6.1, which clears the GISA bits it
// reports and asks for a larger buffer as soon as it has looked at as
// many ISCs as the buffer holds entries, this removes nothing and wants
// room only for what is pending (Documentation/differences.rst).
kx::Result<u32> FloatingInterrupts::snapshot(Irq* buf, u32 max) {
  u32 n = 0;
  kx::Guard<kx::SpinLock> guard(&lock_);
  for (u32 isc = 0; isc <= kMaxIsc; isc++) {
    if (!(gisa_ipm_ & (0x80 >> isc))) continue;
    if (n == max) return kx::kENOMEM;
    buf[n].type = kIntIoAiMask;
    buf[n].u.io.io_int_word = isc_int_word(isc);
    n++;
  }
  for (Queue& q : lists_) {
    for (FloatIrq* irq : q) {
      if (n == max) return kx::kENOMEM;
      put(&buf[n++], *irq);
    }
  }
  if (service_ || service_ev_) {
    if (n == max) return kx::kENOMEM;
    buf[n].type = kIntService;
    buf[n++].u.ext = srv_signal_;
  }
  if (mchk_) {
    if (n == max) return kx::kENOMEM;
    buf[n].type = kIntMchk;
    buf[n++].u.mchk = mchk_info_;
  }
  return n;
}

// kvm_s390_get_io_int() with a subchannel: the first match by ISC.
void FloatingInterrupts::clear_io(u32 schid) {
  const u16 id = static_cast<u16>(schid >> 16);
  const u16 nr = static_cast<u16>(schid);
  FloatIrq* found = nullptr;
  {
    kx::Guard<kx::SpinLock> guard(&lock_);
    for (u32 isc = 0; isc <= kMaxIsc && !found; isc++) {
      for (FloatIrq* irq : lists_[isc]) {
        if (irq->u.io.subchannel_id == id && irq->u.io.subchannel_nr == nr) {
          lists_[isc].remove(irq);
          io_count_--;
          found = irq;
          break;
        }
      }
    }
  }
  kx::destroy(found);
}

// pending_floating_irqs(), as IRQ_PEND_* bits.
u32 FloatingInterrupts::pending() const {
  u32 bits = 0;
  for (u32 isc = 0; isc <= kMaxIsc; isc++) {
    if (!lists_[isc].empty() || (gisa_ipm_ & (0x80 >> isc))) bits |= 1u << pend_isc(isc);
  }
  if (!lists_[kListVirtio].empty()) bits |= 1u << kPendVirtio;
  if (!lists_[kListPfault].empty()) bits |= 1u << kPendPfaultDone;
  if (service_) bits |= 1u << kPendService;
  if (service_ev_) bits |= 1u << kPendServiceEv;
  if (mchk_) bits |= 1u << kPendMchkRep;
  return bits;
}

// deliverable_irqs(): the PSW's external, I/O and machine-check masks,
// CR6's ISC mask, CR0's service-signal subclass and CR14's subclasses
// against the pending machine check's.
u32 FloatingInterrupts::enabled(const Enablement& e) const {
  constexpr u64 kPswIo = 0x0200000000000000ull;
  constexpr u64 kPswExt = 0x0100000000000000ull;
  constexpr u64 kPswMchk = 0x0004000000000000ull;
  constexpr u64 kCr0ServiceSignal = 1ull << 9;
  u32 bits = pending();
  if (!(e.psw_mask & kPswExt)) bits &= ~kPendExtMask;
  if (!(e.psw_mask & kPswIo)) {
    bits &= ~kPendIoMask;
  } else {
    for (u32 isc = 0; isc <= kMaxIsc; isc++) {
      if (!(e.cr6 & (static_cast<u64>(0x80 >> isc) << 24))) bits &= ~(1u << pend_isc(isc));
    }
  }
  if (!(e.cr0 & kCr0ServiceSignal)) bits &= ~((1u << kPendService) | (1u << kPendServiceEv));
  if (!(e.psw_mask & kPswMchk) || !(e.cr14 & mchk_info_.cr14)) bits &= ~(1u << kPendMchkRep);
  return bits;
}

bool FloatingInterrupts::deliverable(const Enablement& e) {
  kx::Guard<kx::SpinLock> guard(&lock_);
  return enabled(e) != 0;
}

// kvm_s390_deliver_pending_interrupts() for one interruption: the
// highest enabled class, then its __deliver_*().
bool FloatingInterrupts::take(const Enablement& e, Taken* out) {
  constexpr u32 kSccbEventPending = 0x3;
  FloatIrq* done = nullptr;
  {
    kx::Guard<kx::SpinLock> guard(&lock_);
    const u32 bits = enabled(e);
    if (!bits) return false;
    const u32 top = 31 - static_cast<u32>(__builtin_clz(bits));
    *out = {};
    if (top == kPendMchkRep) {
      out->type = kIntMchk;
      out->parm = mchk_info_.cr14;
      out->parm64 = mchk_info_.mcic;
      mchk_info_ = {};
      mchk_ = false;
    } else if (top == kPendServiceEv) {
      // __deliver_service_ev(): the event bit alone.
      out->type = kIntService;
      out->parm = kSccbEventPending;
      srv_signal_.ext_params &= ~kSccbEventPending;
      service_ev_ = false;
    } else if (top == kPendService) {
      out->type = kIntService;
      out->parm = srv_signal_.ext_params;
      srv_signal_ = {};
      service_ = service_ev_ = false;
    } else if (top == kPendPfaultDone || top == kPendVirtio) {
      const bool pfault = top == kPendPfaultDone;
      done = lists_[pfault ? kListPfault : kListVirtio].pop_front();
      (pfault ? pfault_count_ : virtio_count_)--;
      out->type = done->type;
      out->parm = pfault ? 0 : done->u.ext.ext_params;
      out->parm64 = done->u.ext.ext_params2;
    } else {
      // __deliver_io(): the ISC's list first, then the GISA's bit.
      const u32 isc = kPendIsc0 - top;
      done = lists_[isc].pop_front();
      if (done) {
        io_count_--;
        out->type = done->type;
        out->parm = static_cast<u64>(done->u.io.subchannel_id) << 16 | done->u.io.subchannel_nr;
        out->parm64 = static_cast<u64>(done->u.io.io_int_parm) << 32 | done->u.io.io_int_word;
      } else {
        gisa_ipm_ &= static_cast<u8>(~(0x80 >> isc));
        out->type = kIntIoAiMask;
        out->parm64 = isc_int_word(isc);
      }
    }
  }
  kx::destroy(done);
  return true;
}

kx::Status S390Vm::inject(FloatIrq* irq) {
  KX_TRY(floating.inject(irq));
  kick_waiters();
  return kx::Status::ok();
}

// __floating_irq_kick(): wake the vCPUs that wait in KVM_RUN; each looks
// whether it is enabled for what is pending.
void S390Vm::kick_waiters() {
  kx::Guard<kx::Mutex> guard(&vm_->lock);
  for (Vcpu* v : vm_->vcpus()) {
    if (v->running()) v->kick();
  }
}

// The vCPU's PSW mask is kvm_run's (s390's layout: after apic_base), as
// KVM_RUN would sync it in; its control registers are KVM_SET_SREGS's.
Enablement enablement(Vcpu& vcpu) {
  constexpr usize kRunPswMask = 32;
  const u8* run = static_cast<const u8*>(vcpu.page(0));
  // The VMM may write it meanwhile: one read of the aligned word.
  const u64 psw_mask = *reinterpret_cast<const volatile u64*>(run + kRunPswMask);
  const S390Vcpu& c = s390_vcpu(vcpu);
  return {.psw_mask = psw_mask, .cr0 = c.crs[0], .cr6 = c.crs[6], .cr14 = c.crs[14]};
}

}  // namespace s390
}  // namespace kvm
