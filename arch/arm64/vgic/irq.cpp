// SPDX-License-Identifier: GPL-2.0
// The GIC's interrupt state machine (GICv2/GICv3 architecture; Linux
// 6.1's vgic.c for what KVM makes of it): inputs, pending/active state,
// acknowledge, priority drop and deactivation, SGIs, and which vCPU an
// interrupt reaches. Every function here runs under Dist::lock.
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {
namespace {

bool is_candidate(const Irq& irq) { return irq.pending() && irq.enabled && !irq.active; }

// The group priority of `priority` under the interface's binary point:
// group 0 by BPR0, group 1 by BPR1 (or BPR0 + 1 when CBPR).
u32 group_priority(const CpuIf& c, const Irq& irq) {
  u32 shift;
  if (!irq.group1 || c.cbpr)
    shift = c.bpr0 + 1u;
  else
    shift = c.bpr1;
  if (shift > 8) shift = 8;
  return irq.priority & (0xffu << shift) & 0xffu;
}

// The active priorities as preemption levels: bit n is group priority
// n << (8 - kPriBits).
u32 active_levels(const CpuIf& c) { return c.ap0r[0] | c.ap1r[0]; }

bool signalable(Dist& d, const CpuIf& c, const Irq& irq) KX_REQUIRES(d.lock) {
  if (!d.enabled() || !(irq.group1 ? c.grpen1 : c.grpen0)) return false;
  return irq.priority < c.pmr && group_priority(c, irq) < running_priority(c);
}

bool better(const Irq* best, const Irq& irq) {
  return !best || irq.priority < best->priority ||
         (irq.priority == best->priority && irq.intid < best->intid);
}

// The highest-priority candidate for `c` among the groups it has enabled.
Irq* best_candidate(Dist& d, CpuIf& c) KX_REQUIRES(d.lock) {
  Irq* best = nullptr;
  for (u32 bits = c.candidates; bits; bits &= bits - 1) {
    Irq& irq = c.priv[__builtin_ctz(bits)];
    if ((irq.group1 ? c.grpen1 : c.grpen0) && better(best, irq)) best = &irq;
  }
  const Dist::SpiBits& spi_candidates = d.spi_candidates();
  Irq* spis = d.spis();
  const u32 spi_words = d.nr_spis() / 64 + 1;
  for (u32 w = 0; w < spi_words && w < kx::array_size(spi_candidates); w++) {
    for (u64 bits = spi_candidates[w]; bits; bits &= bits - 1) {
      Irq& irq = spis[w * 64 + __builtin_ctzll(bits)];
      if (spi_target(d, irq) != c.index) continue;
      if ((irq.group1 ? c.grpen1 : c.grpen0) && better(best, irq)) best = &irq;
    }
  }
  // LPIs reach a redistributor only while its GICR_CTLR.EnableLPIs is set,
  // and are always Group 1.
  if (!c.lpis_enabled || !c.grpen1) return best;
  const Dist::LpiSummary& summary = d.lpi_candidate_summary();
  const Dist::LpiBits& lpi_candidates = d.lpi_candidates();
  for (u32 s = 0; s < kx::array_size(summary); s++) {
    for (u64 words = summary[s]; words; words &= words - 1) {
      const u32 w = s * 64 + __builtin_ctzll(words);
      for (u64 bits = lpi_candidates[w]; bits; bits &= bits - 1) {
        Irq* irq = d.lpi(w * 64 + __builtin_ctzll(bits));
        if (irq->target == c.index && better(best, *irq)) best = irq;
      }
    }
  }
  return best;
}

u32* apr_word(CpuIf& c, bool group1) { return group1 ? &c.ap1r[0] : &c.ap0r[0]; }

}  // namespace

Irq* irq_at(Dist& d, CpuIf* cpu, u32 intid) {
  if (intid < kNrPrivateIrqs) return cpu ? &cpu->priv[intid] : nullptr;
  if (intid >= kLpiBase) {
    Irq* irq = d.lpi(intid - kLpiBase);
    return irq && irq->lpi_refs ? irq : nullptr;
  }
  Irq* spis = d.spis();
  if (!spis || intid >= d.nr_irqs()) return nullptr;
  return &spis[intid - kNrPrivateIrqs];
}

u16 spi_target(Dist&, const Irq& irq) { return irq.target; }

void kick(Dist& d, u16 index) {
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  if (index < vcpus.size() && vcpus[index]) vcpus[index]->kick();
}

void kick_all(Dist& d) {
  for (u16 i = 0; i < d.vcpus().size(); i++) kick(d, i);
}

void changed(Dist& d, CpuIf* owner, Irq& irq) {
  const bool cand = is_candidate(irq);
  u16 target;
  if (irq.intid < kNrPrivateIrqs) {
    if (!owner) return;
    const u32 bit = 1u << irq.intid;
    owner->candidates = cand ? owner->candidates | bit : owner->candidates & ~bit;
    target = owner->index;
  } else if (irq.intid >= kLpiBase) {
    const u32 n = irq.intid - kLpiBase;
    u64& word = d.lpi_candidates()[n / 64];
    word = cand ? word | 1ull << (n % 64) : word & ~(1ull << (n % 64));
    u64& summary = d.lpi_candidate_summary()[n / 4096];
    const u64 sbit = 1ull << (n / 64 % 64);
    summary = word ? summary | sbit : summary & ~sbit;
    target = irq.target;
  } else {
    const u32 n = irq.intid - kNrPrivateIrqs;
    const u64 bit = 1ull << (n % 64);
    u64& word = d.spi_candidates()[n / 64];
    word = cand ? word | bit : word & ~bit;
    target = spi_target(d, irq);
  }
  if (cand) kick(d, target);
}

// vgic_validate_injection(): a level interrupt follows its line; an edge
// one latches on a rising edge and ignores the falling one.
void set_line(Dist& d, CpuIf* owner, Irq& irq, bool level) {
  if (!irq.edge) {
    if (irq.line_level == level) return;
    irq.line_level = level;
  } else {
    if (!level) return;
    irq.pending_latch = true;
  }
  changed(d, owner, irq);
}

void latch_pending(const Dist& d, Irq& irq, bool pending, u8 source_cpu) {
  if (d.model() == kModelV2 && irq.intid < kNrSgis) {
    // A GICv2 SGI is pending once per source CPU (GICD_[S|C]PENDSGIR).
    irq.sources = pending ? irq.sources | static_cast<u8>(1u << source_cpu) : 0;
    irq.pending_latch = irq.sources != 0;
  } else {
    irq.pending_latch = pending;
  }
}

void set_pending_latch(Dist& d, CpuIf* owner, Irq& irq, bool pending, u8 source_cpu) {
  latch_pending(d, irq, pending, source_cpu);
  changed(d, owner, irq);
}

u32 running_priority(const CpuIf& c) {
  const u32 levels = active_levels(c);
  if (!levels) return kIdleRunningPriority;
  return static_cast<u32>(__builtin_ctz(levels)) << (8 - kPriBits);
}

u32 highest_pending(Dist& d, CpuIf& c, bool group1, bool any_group) {
  Irq* irq = best_candidate(d, c);
  if (!irq || (!any_group && irq->group1 != group1)) return kSpurious;
  if (!(irq->priority < c.pmr)) return kSpurious;
  return irq->intid;
}

bool deliverable(Dist& d, CpuIf& c) {
  const Irq* irq = best_candidate(d, c);
  return irq && signalable(d, c, *irq);
}

// GICC_IAR / ICC_IAR{0,1}_EL1: the highest-priority pending interrupt
// becomes active, its pending state is consumed (a level interrupt whose
// line stays high stays pending) and its priority becomes the running one.
u32 acknowledge(Dist& d, CpuIf& c, bool group1, bool any_group) {
  Irq* irq = best_candidate(d, c);
  if (!irq || !signalable(d, c, *irq)) return kSpurious;
  if (!any_group && irq->group1 != group1) return kSpurious;
  u32 value = irq->intid;
  if (d.model() == kModelV2 && irq->intid < kNrSgis) {
    const u8 src = static_cast<u8>(__builtin_ctz(irq->sources));
    irq->sources &= static_cast<u8>(~(1u << src));
    irq->pending_latch = irq->sources != 0;
    irq->active_source = src;
    value |= static_cast<u32>(src) << 10;
  } else {
    irq->pending_latch = false;
  }
  // LPIs have no active state: acknowledging one only raises the running
  // priority until its EOI.
  if (irq->intid < kLpiBase) irq->active = true;
  *apr_word(c, irq->group1) |= 1u << (group_priority(c, *irq) >> (8 - kPriBits));
  CpuIf* owner = irq->intid < kNrPrivateIrqs ? &c : nullptr;
  changed(d, owner, *irq);
  return value;
}

void deactivate(Dist& d, CpuIf& c, u32 value) {
  const u32 intid = d.model() == kModelV2 ? (value & 0x3ff) : (value & 0xffffff);
  Irq* irq = irq_at(d, &c, intid);
  if (!irq || !irq->active) return;
  irq->active = false;
  changed(d, intid < kNrPrivateIrqs ? &c : nullptr, *irq);
  if (intid >= kNrPrivateIrqs && intid < kLpiBase) {
    const u32 spi = intid - kNrPrivateIrqs;
    d.spi_acked()[spi / 64] |= 1ull << (spi % 64);
    d.any_acked() = true;
  }
}

bool take_acked(Dist& d, bool wanted) {
  if (!d.any_acked()) return false;
  if (wanted) return true;
  for (u64& w : d.spi_acked()) w = 0;
  d.any_acked() = false;
  return false;
}

// GICC_EOIR / ICC_EOIR{0,1}_EL1: priority drop of the highest active
// priority, and with EOImode 0 the deactivation too (ICC_DIR_EL1 /
// GICC_DIR otherwise).
void end_of_interrupt(Dist& d, CpuIf& c, u32 value) {
  const u32 levels = active_levels(c);
  if (levels) {
    const u32 bit = levels & (~levels + 1);
    c.ap0r[0] &= ~bit;
    c.ap1r[0] &= ~bit;
  }
  if (!c.eoimode) deactivate(d, c, value);
}

void send_sgi(Dist& d, u16 from, u32 intid, const u64* targets, bool allow_group1) {
  kx::Vector<Vcpu*>& vcpus = d.vcpus();
  for (u16 i = 0; i < vcpus.size(); i++) {
    if (!(targets[i / 64] >> (i % 64) & 1) || !vcpus[i]) continue;
    CpuIf& c = cpuif(*vcpus[i]);
    Irq& irq = c.priv[intid];
    // An access for Group 0 SGIs only makes Group 0 ones pending
    // (vgic_v3_dispatch_sgi()).
    if (irq.group1 && !allow_group1) continue;
    set_pending_latch(d, &c, irq, true, static_cast<u8>(from & 7));
  }
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
