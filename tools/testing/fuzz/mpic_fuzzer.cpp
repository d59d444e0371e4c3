// SPDX-License-Identifier: GPL-2.0
// mpic_fuzzer: libFuzzer over the Freescale MPIC (KVM_DEV_TYPE_FSL_MPIC_20
// and _42 on the emulated e500mc host) in the host build of the core,
// against a model of 6.1's OpenPIC emulation written from
// arch/powerpc/kvm/mpic.c, virt/kvm/irqchip.c (routing) and
// arch/powerpc/kvm/powerpc.c (the vCPU connection, KVM_IRQ_LINE) alone.
//
//   make -C tools/testing/fuzz O=DIR            -> DIR/mpic_fuzzer
//   tools/testing/fuzz/run.sh short DIR mpic    (make check: 30 s)
//
// One input makes an e500mc VM with four vCPUs, an MPIC of the model the
// input picks (v2.0 or v4.2; its creation may fail -ENOMEM), each vCPU
// connected with KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC) as the CPU the input
// picks (or not at all, or refused: a collision, a CPU number past
// MAX_CPU), and maybe a BASE_ADDR (routes set before the MPIC sometimes).
// Then operations: GRP_REGISTER writes and reads at any offset (mostly the
// registers 6.1 decodes, sometimes unaligned, unmapped or raw 64-bit),
// GRP_IRQ_ACTIVE sets, gets and has, KVM_IRQ_LINE(_STATUS) at any level,
// KVM_SET_GSI_ROUTING with irqchip and MSI entries (refused ones, failed
// allocations), KVM_SIGNAL_MSI, the guest's MMIO loads and stores from
// each vCPU (its own CPU page, the global alias of the per-CPU registers,
// other CPUs' pages, other sizes and alignments, outside the frame),
// BASE_ADDR moves and reads, late connections (a closed fd, another VM's
// MPIC), bad user addresses, a second KVM_CREATE_DEVICE, the device's fd
// closed, and the whole VM made again.
//
// What must hold, besides no sanitizer report: every return value, errno
// and value read is the model's (MMIO: whether the kernel took the access,
// the value a load returns); after every operation each vCPU's interrupt
// output is the model's, as the core's generic query shows it (KVM_RUN of
// the idle guest with a signal pending: 0 with KVM_EXIT_EXT_INTERRUPT when
// the vCPU has its external interrupt pending, -EINTR when not), and a
// pool of sources' IVPR, IDR and IRQ_ACTIVE and eight CPUs' CTPR read back
// as the model has them; at the end of the input, every register a read
// leaves alone and every source's IRQ_ACTIVE; no leak once the VM is gone.
//
// Where 6.1 is undefined or kvm_ext differs by design, the model follows
// differences.rst's MPIC rows: CPU 31 (nb_cpus 32, a shift by -1 in
// write_IRQreg_idr()) has no critical bits, as POWER's slw shifts; a v4.2
// ILR output above 2 (outputs_active[] out of bounds in 6.1) reads back
// and delivers nowhere; a route to an irqchip other than 0 (rt->chip[] out
// of bounds) is -EINVAL; GRP_IRQ_ACTIVE from 256 is -EINVAL (HAS -ENXIO),
// where 6.1 takes 256 as IPI 0. 6.1's timers do not count (nothing sets
// TCCR), so they are plain registers here.
//
// MPIC_TRACE=1 prints each decoded operation.
#include <fcntl.h>
#include <unistd.h>

#include <bitset>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include <kvm_ext/abi.h>
#include <kvm_ext/core.h>

#include "platform_host.h"
#include "ppc_vcpu.h"

namespace {

constexpr int kVcpus = 4;
constexpr uint64_t kBadAddr = host::kUserTop + 0x1000;

// The contract's constants, where the headers do not have them (yet).
constexpr unsigned kHostE500mc = 2;   // KX_PPC_HOST_E500MC
constexpr uint32_t kCapIrqMpic = 90;  // KVM_CAP_IRQ_MPIC
constexpr uint32_t kGrpMisc = 1, kBaseAddr = 0, kGrpRegister = 2, kGrpIrqActive = 3;
constexpr uint32_t kMpic20 = KX_DEV_TYPE_FSL_MPIC_20, kMpic42 = KX_DEV_TYPE_FSL_MPIC_42;

// What the first runs found where kvm_ext left 6.1, all fixed, each with
// its regression-NAME input in corpus/mpic/: msi-route-level-0
// (KVM_IRQ_LINE level 0 on an MSI route sent nothing; 6.1's kvm_set_msi(),
// mpic.c:1806, ignores the level), line-level-kept (a level source's
// pending was 1 after KVM_IRQ_LINE at level 2; 6.1 keeps the int level,
// mpic.c:490, and GRP_IRQ_ACTIVE reads it back, mpic.c:1595),
// signal-msi-no-mpic (KVM_SIGNAL_MSI without an MPIC was 0; 6.1's
// kvm_send_userspace_msi(), irqchip.c:53, is -EINVAL when
// irqchip_in_kernel() of arch/powerpc/kvm/irq.h finds no kvm->arch.mpic).

bool trace() {
  static const bool on = getenv("MPIC_TRACE") != nullptr;
  return on;
}

#define T(...)                                 \
  do {                                         \
    if (trace()) fprintf(stderr, __VA_ARGS__); \
  } while (0)

void expect(unsigned long long got, unsigned long long want, const char* what) {
  if (got == want) return;
  fprintf(stderr, "mpic_fuzzer: %s: got %#llx, model %#llx\n", what, got, want);
  abort();
}

// ---------------------------------------------------------------------------
// The model: 6.1's mpic.c, the openpic state and the vCPUs' external
// interrupt line (kvmppc_core_queue_external()/dequeue_external(): a bit
// of the vCPU, set and cleared only while a vCPU is the CPU's).

constexpr int kMaxCpu = 32, kMaxSrc = 256, kMaxTmr = 4, kMaxIpi = 4, kMaxMsi = 8;
constexpr int kMaxIrq = kMaxSrc + kMaxIpi + kMaxTmr;  // 264
constexpr int kIrqIpi0 = kMaxSrc, kIrqTim0 = kMaxSrc + kMaxIpi, kIrqMsi = 224;
constexpr uint32_t kVectorMask = 0xffff;
constexpr uint32_t kIvprMask = 1u << 31, kIvprActivity = 1u << 30, kIvprMode = 1u << 29,
                   kIvprPolarity = 1u << 23, kIvprSense = 1u << 22, kIvprPrio = 0xfu << 16;
constexpr uint32_t kIdrEp = 0x80000000u;
constexpr uint32_t kGcrReset = 0x80000000u, kGcrMixed = 0x20000000u, kGcrProxy = 0x60000000u;
constexpr uint32_t kTbcrCi = 0x80000000u, kTccrTog = 0x80000000u;
constexpr int kOutInt = 0, kOutCint = 1;
constexpr uint64_t kRegSize = 0x40000;

enum SrcType { kNormal, kFslInt, kFslSpecial };

int prio_of(uint32_t ivpr) { return static_cast<int>((ivpr & kIvprPrio) >> 16); }

struct Queue {
  std::bitset<kMaxIrq> q;
  int next = -1, priority = 0;
};

struct Src {
  uint32_t ivpr = 0, idr = 0, destmask = 0;
  int last_cpu = 0, output = 0, pending = 0;
  SrcType type = kNormal;
  bool level = false, nomask = false;
};

struct Dst {
  int vcpu = -1;  // the harness's vCPU index
  int ctpr = 0;
  Queue raised, servicing;
};

// What an MMIO access did: the kernel took it (value for a load), or the
// MPIC refused it (kvm_io_bus_read/write fail: 6.1 exits to user space
// with KVM_EXIT_MMIO), or no device covers it.
enum class Mmio { kKernel, kRefused, kUnmapped };

struct Model {
  bool exists = false;
  uint32_t type = 0;
  // behaviour (mpic_create, fsl_common_init)
  bool idr_crit = false, ilr = false;
  uint32_t nb_irqs = 0, brr1 = 0, mode_mask = 0;
  // global registers
  uint32_t frr = 0, gcr = 0, pir = 0, spve = 0, tfrr = 0;
  Src src[kMaxIrq];
  Dst dst[kMaxCpu];
  uint32_t nb_cpus = 0;
  uint32_t tccr[kMaxTmr] = {}, tbcr[kMaxTmr] = {};
  uint32_t msir[kMaxMsi] = {};
  uint64_t reg_base = 0;
  // the vCPUs
  bool ext[kVcpus] = {};  // the external interrupt pending (level)
  int irq_cpu_id[kVcpus] = {};
  bool connected[kVcpus] = {};
  // GSI routing: kvm->irq_routing (none until KVM_SET_GSI_ROUTING or the
  // MPIC's empty table). One entry per GSI at most.
  struct Route {
    bool msi;
    uint32_t pin, data;
  };
  std::map<uint32_t, Route> routes;

  void reset_vm() { *this = Model{}; }

  // --- vCPU output (mpic_irq_raise/lower) ---
  void raise(int cpu, int output) {
    const int v = dst[cpu].vcpu;
    if (v < 0 || output != kOutInt) return;
    ext[v] = true;
  }
  void lower(int cpu, int output) {
    const int v = dst[cpu].vcpu;
    if (v < 0 || output != kOutInt) return;
    ext[v] = false;
  }

  // IRQ_check()
  void check(Queue& q) {
    int next = -1, priority = -1;
    for (int irq = 0; irq < kMaxIrq; irq++) {
      if (!q.q.test(irq)) continue;
      if (prio_of(src[irq].ivpr) > priority) {
        next = irq;
        priority = prio_of(src[irq].ivpr);
      }
    }
    q.next = next;
    q.priority = priority;
  }
  int get_next(Queue& q) {
    check(q);
    return q.next;
  }

  // IRQ_local_pipe()
  void local_pipe(int n_cpu, int n_irq, bool active, bool was_active) {
    Dst& d = dst[n_cpu];
    Src& s = src[n_irq];
    if (s.output != kOutInt) return;  // outputs_active[] only: raise/lower do nothing
    const int priority = prio_of(s.ivpr);
    if (active)
      d.raised.q.set(n_irq);
    else
      d.raised.q.reset(n_irq);
    check(d.raised);
    if (active && priority <= d.ctpr) active = false;
    if (active) {
      if (get_next(d.servicing) >= 0 && priority <= d.servicing.priority) {
        // hidden by the servicing IRQ
      } else {
        raise(n_cpu, kOutInt);
      }
    } else {
      get_next(d.servicing);
      if (d.raised.priority > d.ctpr && d.raised.priority > d.servicing.priority) {
        // stays asserted
      } else {
        lower(n_cpu, kOutInt);
      }
    }
  }

  // openpic_update_irq()
  void update_irq(int n) {
    Src& s = src[n];
    bool active = s.pending != 0;
    if ((s.ivpr & kIvprMask) && !s.nomask) active = false;
    const bool was_active = s.ivpr & kIvprActivity;
    if (!active && !was_active) return;
    if (active)
      s.ivpr |= kIvprActivity;
    else
      s.ivpr &= ~kIvprActivity;
    if (s.destmask == 0) return;
    if (s.destmask == (1u << s.last_cpu)) {
      local_pipe(s.last_cpu, n, active, was_active);
    } else if (!(s.ivpr & kIvprMode)) {
      for (uint32_t i = 0; i < nb_cpus; i++)
        if (s.destmask & (1u << i)) local_pipe(static_cast<int>(i), n, active, was_active);
    } else {
      // Distributed delivery: IVPR's MODE bit is never writable in 6.1.
      fprintf(stderr, "mpic_fuzzer: model reached distributed delivery\n");
      abort();
    }
  }

  // openpic_set_irq()
  void set_irq(int n, int level) {
    Src& s = src[n];
    if (s.level) {
      s.pending = level;
      update_irq(n);
    } else {
      if (level) {
        s.pending = 1;
        update_irq(n);
      }
      if (s.output != kOutInt) {
        s.pending = 0;
        update_irq(n);
      }
    }
  }

  // write_IRQreg_idr()
  void write_idr(int n, uint32_t val) {
    Src& s = src[n];
    const uint32_t normal_mask = static_cast<uint32_t>((1ull << nb_cpus) - 1);
    uint32_t crit_mask = 0, mask = normal_mask;
    const int crit_shift = 31 - static_cast<int>(nb_cpus);
    if (idr_crit) {
      // nb_cpus 32 (CPU 31) shifts by -1 in 6.1; kvm_ext takes it as
      // POWER's slw does (differences.rst): no critical bits
      crit_mask = crit_shift >= 0 ? normal_mask << crit_shift : 0;
      mask |= crit_mask | kIdrEp;
    }
    s.idr = val & mask;
    if (idr_crit) {
      if (s.idr & crit_mask) {
        s.output = kOutCint;
        s.nomask = true;
        s.destmask = 0;
        for (uint32_t i = 0; i < nb_cpus; i++) {
          const int n_ci = 30 - static_cast<int>(i);
          if (s.idr & (1u << n_ci)) s.destmask |= 1u << i;
        }
      } else {
        s.output = kOutInt;
        s.nomask = false;
        s.destmask = s.idr & normal_mask;
      }
    } else {
      s.destmask = s.idr;
    }
  }

  void write_ilr(int n, uint32_t val) {
    if (ilr) src[n].output = static_cast<int>(val & 0xff);
  }
  uint32_t read_ilr(int n) const {
    return ilr ? static_cast<uint32_t>(src[n].output) : 0xffffffffu;
  }

  // write_IRQreg_ivpr()
  void write_ivpr(int n, uint32_t val) {
    const uint32_t mask = kIvprMask | kIvprPrio | kIvprSense | kIvprPolarity | kVectorMask;
    Src& s = src[n];
    s.ivpr = (s.ivpr & kIvprActivity) | (val & mask);
    switch (s.type) {
      case kNormal:
        s.level = s.ivpr & kIvprSense;
        break;
      case kFslInt:
        s.ivpr &= ~kIvprSense;
        break;
      case kFslSpecial:
        s.ivpr &= ~(kIvprPolarity | kIvprSense);
        break;
    }
    update_irq(n);
  }

  // openpic_reset()
  void reset() {
    gcr = kGcrReset;
    frr = ((nb_irqs - 1) << 16) | 2;  // VID_REVISION_1_2
    pir = 0;
    spve = kVectorMask;
    tfrr = 0;
    for (int i = 0; i < kMaxIrq; i++) {
      src[i].ivpr = kIvprMask;
      switch (src[i].type) {
        case kNormal:
          src[i].level = false;
          break;
        case kFslInt:
          src[i].ivpr |= kIvprPolarity;
          break;
        case kFslSpecial:
          break;
      }
      write_idr(i, 1);
    }
    for (Dst& d : dst) {
      d.ctpr = 15;
      d.raised = Queue{};
      d.servicing = Queue{};
    }
    for (int i = 0; i < kMaxTmr; i++) {
      tccr[i] = 0;
      tbcr[i] = kTbcrCi;
    }
    gcr = 0;
  }

  // mpic_create(): the VM has none yet (else -EINVAL).
  void create(uint32_t t) {
    exists = true;
    type = t;
    if (t == kMpic20) {
      brr1 = 0x00400200;
      idr_crit = true;
      nb_irqs = 80;
      mode_mask = kGcrMixed;
    } else {
      brr1 = 0x00400402;
      ilr = true;
      nb_irqs = 196;
      mode_mask = kGcrProxy;
    }
    // fsl_common_init()
    for (int i = 0; i < 12; i++) src[i].level = false;
    for (int i = 16; i < kMaxSrc; i++) {
      src[i].type = kFslInt;
      src[i].level = true;
    }
    for (int i = kMaxSrc; i < kMaxIrq; i++) {
      src[i].type = kFslSpecial;
      src[i].level = false;
    }
    routes.clear();  // mpic_set_default_irq_routing(): an empty table
    reset();
  }

  // kvmppc_mpic_connect_vcpu() (args[1] a u32)
  int connect(int v, uint64_t arg) {
    const uint32_t cpu = static_cast<uint32_t>(arg);
    if (cpu >= kMaxCpu) return -EPERM;
    if (dst[cpu].vcpu >= 0) return -EEXIST;
    if (connected[v]) return -EBUSY;
    dst[cpu].vcpu = v;
    nb_cpus = nb_cpus > cpu + 1 ? nb_cpus : cpu + 1;
    irq_cpu_id[v] = static_cast<int>(cpu);
    connected[v] = true;
    return 0;
  }

  // openpic_iack()
  uint32_t iack(int cpu) {
    Dst& d = dst[cpu];
    lower(cpu, kOutInt);
    const int irq = get_next(d.raised);
    if (irq == -1) return spve;
    Src& s = src[irq];
    uint32_t retval;
    if (!(s.ivpr & kIvprActivity) || !(prio_of(s.ivpr) > d.ctpr)) {
      update_irq(irq);
      retval = spve;
    } else {
      d.servicing.q.set(irq);
      retval = s.ivpr & kVectorMask;
    }
    if (!s.level) {
      s.ivpr &= ~kIvprActivity;
      s.pending = 0;
      d.raised.q.reset(irq);
    }
    if (irq >= kIrqIpi0 && irq < kIrqIpi0 + kMaxIpi) {
      s.destmask &= ~(1u << cpu);
      if (s.destmask && !s.level) {
        set_irq(irq, 1);
        set_irq(irq, 0);
        s.ivpr |= kIvprActivity;
      }
    }
    return retval;
  }

  // openpic_cpu_write_internal(); idx -1: no current vCPU
  int cpu_write(uint64_t addr, uint32_t val, int idx) {
    if (idx < 0) return 0;
    if (addr & 0xf) return 0;
    Dst& d = dst[idx];
    addr &= 0xff0;
    switch (addr) {
      case 0x40:
      case 0x50:
      case 0x60:
      case 0x70: {
        const int ipi = kIrqIpi0 + static_cast<int>((addr - 0x40) >> 4);
        src[ipi].destmask |= val;
        set_irq(ipi, 1);
        set_irq(ipi, 0);
        break;
      }
      case 0x80:
        d.ctpr = static_cast<int>(val & 0xf);
        if (d.raised.priority <= d.ctpr)
          lower(idx, kOutInt);
        else if (d.raised.priority > d.servicing.priority)
          raise(idx, kOutInt);
        break;
      case 0xb0: {
        int s_irq = get_next(d.servicing);
        if (s_irq < 0) break;
        d.servicing.q.reset(s_irq);
        s_irq = get_next(d.servicing);
        const int n_irq = get_next(d.raised);
        if (n_irq != -1 && (s_irq == -1 || prio_of(src[n_irq].ivpr) > d.servicing.priority))
          raise(idx, kOutInt);
        break;
      }
      default:
        break;
    }
    return 0;
  }

  int cpu_read(uint64_t addr, uint32_t* out, int idx) {
    uint32_t r = 0xffffffffu;
    if (idx >= 0 && !(addr & 0xf)) {
      switch (addr & 0xff0) {
        case 0x80:
          r = static_cast<uint32_t>(dst[idx].ctpr);
          break;
        case 0x90:
          r = static_cast<uint32_t>(idx);
          break;
        case 0xa0:
          r = iack(idx);
          break;
        case 0xb0:
          r = 0;
          break;
        default:
          break;
      }
    }
    *out = r;
    return 0;
  }

  int gbl_write(uint64_t addr, uint32_t val, int cur) {
    if (addr & 0xf) return 0;
    switch (addr) {
      case 0x40:
      case 0x50:
      case 0x60:
      case 0x70:
      case 0x80:
      case 0x90:
      case 0xa0:
      case 0xb0:
        return cpu_write(addr, val, cur);
      case 0x1020:
        if (val & kGcrReset) {
          reset();
        } else {
          gcr &= ~mode_mask;
          gcr |= val & mode_mask;
        }
        return 0;
      case 0x1090:
        return -ENXIO;
      case 0x10a0:
      case 0x10b0:
      case 0x10c0:
      case 0x10d0:
        write_ivpr(kIrqIpi0 + static_cast<int>((addr - 0x10a0) >> 4), val);
        return 0;
      case 0x10e0:
        spve = val & kVectorMask;
        return 0;
      default:
        return 0;
    }
  }

  int gbl_read(uint64_t addr, uint32_t* out, int cur) {
    uint32_t r = 0xffffffffu;
    int err = 0;
    if (!(addr & 0xf)) {
      switch (addr) {
        case 0x1000:
          r = frr | ((nb_cpus - 1) << 8);
          break;
        case 0x1020:
          r = gcr;
          break;
        case 0x1080:
          r = 0;  // VIR_GENERIC
          break;
        case 0x1090:
          r = 0;
          break;
        case 0x00:
          r = brr1;
          break;
        case 0x40:
        case 0x50:
        case 0x60:
        case 0x70:
        case 0x80:
        case 0x90:
        case 0xa0:
        case 0xb0:
          err = cpu_read(addr, &r, cur);
          break;
        case 0x10a0:
        case 0x10b0:
        case 0x10c0:
        case 0x10d0:
          r = src[kIrqIpi0 + ((addr - 0x10a0) >> 4)].ivpr;
          break;
        case 0x10e0:
          r = spve;
          break;
        default:
          break;
      }
    }
    *out = r;
    return err;
  }

  // openpic_tmr_write(): addr relative to 0x10f0, made absolute
  int tmr_write(uint64_t rel, uint32_t val) {
    const uint64_t addr = rel + 0x10f0;
    if (addr & 0xf) return 0;
    if (addr == 0x10f0) {
      tfrr = val;
      return 0;
    }
    const int idx = (addr >> 6) & 3;
    switch (addr & 0x30) {
      case 0x00:
        break;
      case 0x10:
        if ((tccr[idx] & kTccrTog) && !(val & kTbcrCi) && (tbcr[idx] & kTbcrCi))
          tccr[idx] &= ~kTccrTog;
        tbcr[idx] = val;
        break;
      case 0x20:
        write_ivpr(kIrqTim0 + idx, val);
        break;
      case 0x30:
        write_idr(kIrqTim0 + idx, val);
        break;
    }
    return 0;
  }

  // openpic_tmr_read(): addr relative (6.1 does not add 0x10f0 here)
  int tmr_read(uint64_t rel, uint32_t* out) {
    uint32_t r = 0xffffffffu;
    if (!(rel & 0xf)) {
      const int idx = (rel >> 6) & 3;
      if (rel == 0) {
        r = tfrr;
      } else {
        switch (rel & 0x30) {
          case 0x00:
            r = tccr[idx];
            break;
          case 0x10:
            r = tbcr[idx];
            break;
          case 0x20:
            r = src[kIrqTim0 + idx].ivpr;
            break;
          case 0x30:
            r = src[kIrqTim0 + idx].idr;
            break;
        }
      }
    }
    *out = r;
    return 0;
  }

  int src_write(uint64_t rel, uint32_t val) {
    rel &= 0xffff;
    const int idx = static_cast<int>(rel >> 5);
    switch (rel & 0x1f) {
      case 0x00:
        write_ivpr(idx, val);
        break;
      case 0x10:
        write_idr(idx, val);
        break;
      case 0x18:
        write_ilr(idx, val);
        break;
    }
    return 0;
  }

  int src_read(uint64_t rel, uint32_t* out) {
    rel &= 0xffff;
    const int idx = static_cast<int>(rel >> 5);
    uint32_t r = 0xffffffffu;
    switch (rel & 0x1f) {
      case 0x00:
        r = src[idx].ivpr;
        break;
      case 0x10:
        r = src[idx].idr;
        break;
      case 0x18:
        r = read_ilr(idx);
        break;
    }
    *out = r;
    return 0;
  }

  // openpic_msi_write() at MSIIR
  void msiir(uint32_t val) {
    const uint32_t srs = val >> 29;
    const uint32_t ibs = (val >> 24) & 0x1f;
    msir[srs] |= 1u << ibs;
    set_irq(kIrqMsi + static_cast<int>(srs), 1);
  }

  int msi_write(uint64_t rel, uint32_t val) {
    if (rel & 0xf) return 0;
    if (rel == 0x140) msiir(val);
    return 0;
  }

  int msi_read(uint64_t rel, uint32_t* out) {
    if (rel & 0xf) return -ENXIO;
    uint32_t r = 0;
    if (rel <= 0x70) {
      const int srs = static_cast<int>(rel >> 4);
      r = msir[srs];
      msir[srs] = 0;
      set_irq(kIrqMsi + srs, 0);
    } else if (rel == 0x120) {
      for (int i = 0; i < kMaxMsi; i++) r |= (msir[i] ? 1u : 0u) << i;
    }
    *out = r;
    return 0;
  }

  // kvm_mpic_{read,write}_internal(): the regions in add_mmio_region()'s
  // order; cur is get_current_cpu().
  int write_internal(uint64_t addr, uint32_t val, int cur) {
    if (addr < 0x10f0) return gbl_write(addr, val, cur);
    if (addr < 0x1310) return tmr_write(addr - 0x10f0, val);
    if (addr >= 0x10000 && addr < 0x12000) return src_write(addr - 0x10000, val);
    if (addr >= 0x20000 && addr < 0x3f100)
      return cpu_write(addr - 0x20000, val, static_cast<int>(((addr - 0x20000) & 0x1f000) >> 12));
    if (addr >= 0x1600 && addr < 0x1800) return msi_write(addr - 0x1600, val);
    if (addr >= 0x3800 && addr < 0x4000) return 0;
    return -ENXIO;
  }

  int read_internal(uint64_t addr, uint32_t* out, int cur) {
    if (addr < 0x10f0) return gbl_read(addr, out, cur);
    if (addr < 0x1310) return tmr_read(addr - 0x10f0, out);
    if (addr >= 0x10000 && addr < 0x12000) return src_read(addr - 0x10000, out);
    if (addr >= 0x20000 && addr < 0x3f100)
      return cpu_read(addr - 0x20000, out, static_cast<int>(((addr - 0x20000) & 0x1f000) >> 12));
    if (addr >= 0x1600 && addr < 0x1800) return msi_read(addr - 0x1600, out);
    if (addr >= 0x3800 && addr < 0x4000) {
      *out = 0;
      return 0;
    }
    return -ENXIO;  // *out untouched
  }

  // access_reg() from the device fd: no vCPU is current (-1).
  int reg_set(uint64_t addr, uint32_t val) {
    if (addr & 3) return -ENXIO;
    return write_internal(addr, val, -1);
  }
  int reg_get(uint64_t addr, uint32_t* val) {
    if (addr & 3) return -ENXIO;
    return read_internal(addr, val, -1);
  }

  // A guest load or store of vCPU v at gpa (kvm_io_bus_read/write, then
  // kvm_mpic_read/write).
  Mmio mmio(int v, uint64_t gpa, uint32_t len, bool write, uint64_t data, uint64_t* out) {
    if (!exists || reg_base == 0) return Mmio::kUnmapped;
    // kvm_io_bus_cmp(): the access lies within [base, base + 0x40000)
    if (gpa < reg_base || gpa + len > reg_base + kRegSize || reg_base + kRegSize < reg_base)
      return Mmio::kUnmapped;
    const int cur = irq_cpu_id[v];
    const uint64_t off = gpa - reg_base;
    if (write) {
      if (len != 4 || (gpa & 3)) return Mmio::kRefused;
      return write_internal(off, static_cast<uint32_t>(data), cur) ? Mmio::kRefused : Mmio::kKernel;
    }
    if (gpa & (len - 1)) return Mmio::kRefused;
    uint32_t val = 0;
    const int ret = read_internal(off, &val, cur);
    if (len == 4) {
      *out = val;
    } else if (len == 1) {
      // u.bytes[addr & 3] of the big-endian host's u32: the guest's byte
      *out = (val >> (8 * (3 - (gpa & 3)))) & 0xff;
    } else {
      return Mmio::kRefused;
    }
    return ret ? Mmio::kRefused : Mmio::kKernel;
  }

  // GRP_IRQ_ACTIVE
  int irq_active_set(uint64_t attr, const uint32_t* val) {
    if (attr >= kMaxSrc) return -EINVAL;  // 6.1: > MAX_SRC (differences.rst)
    if (!val) return -EFAULT;
    if (*val != 0 && *val != 1) return -EINVAL;
    set_irq(static_cast<int>(attr), static_cast<int>(*val));
    return 0;
  }

  // kvm_set_msi()
  void msi(uint32_t data) { msiir(data); }

  // kvm_set_irq() through the table: status
  int set_gsi(uint32_t gsi, uint32_t level) {
    auto it = routes.find(gsi);
    if (it == routes.end()) return -1;
    if (it->second.msi)
      msi(it->second.data);
    else
      set_irq(static_cast<int>(it->second.pin), static_cast<int>(level));
    return 0;
  }
};

// ---------------------------------------------------------------------------
// The input.

struct Input {
  const uint8_t* p;
  size_t n;
  uint8_t u8() { return n ? (n--, *p++) : 0; }
  uint32_t u32() { return u8() | u8() << 8 | u8() << 16 | uint32_t{u8()} << 24; }
  uint64_t u64() { return u32() | uint64_t{u32()} << 32; }
};

// struct kvm_irq_routing_entry
struct UserRoute {
  uint32_t gsi, type, flags, pad;
  uint32_t u[8];
};
static_assert(sizeof(UserRoute) == 48);

// The register offsets: what 6.1 decodes, its aliases, and neighbours.
const std::vector<uint64_t>& offsets() {
  static const std::vector<uint64_t> t = [] {
    std::vector<uint64_t> v = {
        // global
        0x0, 0x10, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0x1000, 0x1020, 0x1080, 0x1090,
        0x10a0, 0x10b0, 0x10c0, 0x10d0, 0x10e0, 0x1004,
        // timers
        0x10f0, 0x1100, 0x1110, 0x1120, 0x1130, 0x1140, 0x1150, 0x1160, 0x1170, 0x11d0, 0x11e0,
        0x1200, 0x1300, 0x130c,
        // MSI, summary
        0x1600, 0x1610, 0x1670, 0x1680, 0x1720, 0x1740, 0x1604, 0x3800, 0x3ffc,
        // outside every region
        0x5000, 0x1800, 0x12000, 0x1fffc, 0x3f100, 0x40000, 0x3fffc};
    const int irqs[] = {0, 1, 2, 5, 11, 12, 15, 16, 17, 18, 40, 100, 224, 225, 231, 255};
    for (int n : irqs)
      for (int sub : {0x00, 0x10, 0x18}) v.push_back(0x10000 + 0x20 * n + sub);
    v.push_back(0x10004);
    v.push_back(0x11ffc);
    const int cpus[] = {0, 1, 2, 3, 5, 7, 15, 30, 31};
    for (int c : cpus)
      for (int sub : {0x40, 0x50, 0x80, 0x90, 0xa0, 0xb0}) v.push_back(0x20000 + 0x1000 * c + sub);
    v.push_back(0x20044);
    v.push_back(0x20200);
    return v;
  }();
  return t;
}

const int kPoolIrqs[] = {0, 1, 5, 11, 12, 16, 17, 100, 224, 225, 231, 255, 256, 257, 260};

struct Harness {
  Model m;
  kx_vm* vm = nullptr;
  kx_vcpu* vcpu[kVcpus] = {};
  kx_device* dev = nullptr;
  int fd = -1, other_fd = -1;
  bool fd_bound = false;
  uint32_t vm_type_choice = 0;

  // --- selectors ---
  uint64_t offset(Input& in) {
    const uint8_t b = in.u8();
    if (b == 0xff) return in.u64();
    if (b == 0xfe) return in.u32();
    if (b == 0xfd) return in.u32() & 0x3fffc;
    const auto& t = offsets();
    return t[b % t.size()];
  }
  uint32_t value(Input& in) {
    const uint8_t b = in.u8();
    const uint8_t x = in.u8();
    switch (b % 10) {
      case 0:
        return in.u32();
      case 1:
      case 2:  // IVPR: unmasked, a priority, a vector, sense/polarity sometimes
        return (x & 0x80 ? kIvprMask : 0) | uint32_t{x & 0xfu} << 16 | (x & 0x40 ? kIvprSense : 0) |
               (x & 0x20 ? kIvprPolarity : 0) | (b >> 4) * 0x111u |
               (x & 0x10 && b & 8 ? kIvprActivity | kIvprMode : 0);
      case 3:  // small (CTPR, ...)
        return x & 0x1f;
      case 4:  // a CPU mask
        return x & 0x80 ? 1u << (x & 31) : x & 0xf;
      case 5:  // critical IDR bits (v2.0)
        return (1u << (30 - (x & 3))) | (x & 0x10 ? kIdrEp : 0) | (x >> 5);
      case 6:  // MSIIR: SRS, IBS
        return uint32_t{x} << 24;
      case 7: {  // GCR
        static const uint32_t g[] = {0, kGcrMixed, kGcrProxy, 0x40000000u, kGcrReset, 0xffffffffu};
        return g[x % 6];
      }
      case 8:
        return x;
      default:
        return 0xffffffffu >> (x & 31);
    }
  }
  uint64_t cpu_arg(Input& in) {
    const uint8_t b = in.u8();
    static const uint64_t c[] = {0, 1, 2, 3, 5, 7, 15, 30, 31, 0, 32, 0xffffffffu, 0x100000002ull};
    if (b % 16 < 13) return c[b % 16];
    if (b % 16 == 13) return b >> 4;  // 0-15
    return in.u8() % 31;
  }
  uint64_t base_arg(Input& in) {
    const uint8_t b = in.u8();
    static const uint64_t bases[] = {0xe0000000ull, 0xfe000000ull, 0x40000, 0,
                                     0xe0040000ull, 0xe0001000ull, 0x3ffff, 0xfffffffffffc0000ull};
    if (b % 16 < 8) return bases[b % 8];
    if (b % 16 < 15) return bases[0];
    return in.u64();
  }

  // --- core calls ---
  static int attr(kx_device* d, kx_attr_op op, uint32_t grp, uint64_t a, uint64_t addr) {
    kx_attr at = {0, grp, a, addr};
    return kx_device_attr(d, op, reinterpret_cast<uintptr_t>(&at));
  }

  int core_reg_get(uint64_t off, uint32_t* v) {
    return attr(dev, KX_ATTR_GET, kGrpRegister, off, reinterpret_cast<uintptr_t>(v));
  }

  // After every operation: each vCPU's interrupt output through KVM_RUN
  // with a signal pending, and the pool's registers.
  void compare() {
    for (int v = 0; v < kVcpus; v++) {
      kx_run run = {};
      host::raise_signal();
      const int r = kx_vcpu_run(vcpu[v], &run);
      host::clear_signal();
      if (m.ext[v]) {
        if (r != 0 || !run.exit.set || run.exit.reason != KX_EXIT_EXT_INTERRUPT) {
          fprintf(stderr,
                  "mpic_fuzzer: vCPU %d (CPU %d%s): KVM_RUN %d exit %u: the model has its "
                  "external interrupt pending\n",
                  v, m.irq_cpu_id[v], m.connected[v] ? "" : ", unconnected", r, run.exit.reason);
          abort();
        }
      } else if (r != -EINTR) {
        fprintf(stderr,
                "mpic_fuzzer: vCPU %d (CPU %d%s): KVM_RUN %d exit %u: the model has no "
                "interrupt pending\n",
                v, m.irq_cpu_id[v], m.connected[v] ? "" : ", unconnected", r, run.exit.reason);
        abort();
      }
    }
    if (!dev) return;
    for (int n : kPoolIrqs) {
      uint32_t got = 0;
      if (n < kMaxSrc) {
        expect(core_reg_get(0x10000 + 0x20 * n, &got), 0, "IVPR get");
        if (got != m.src[n].ivpr) {
          fprintf(stderr, "mpic_fuzzer: source %d: IVPR %#x, model %#x\n", n, got, m.src[n].ivpr);
          abort();
        }
        expect(core_reg_get(0x10000 + 0x20 * n + 0x10, &got), 0, "IDR get");
        if (got != m.src[n].idr) {
          fprintf(stderr, "mpic_fuzzer: source %d: IDR %#x, model %#x\n", n, got, m.src[n].idr);
          abort();
        }
      }
      if (n < kMaxSrc) {
        got = 0;
        const int r = attr(dev, KX_ATTR_GET, kGrpIrqActive, n, reinterpret_cast<uintptr_t>(&got));
        if (r) {
          fprintf(stderr, "mpic_fuzzer: source %d: IRQ_ACTIVE get %d, model 0\n", n, r);
          abort();
        }
        if (got != static_cast<uint32_t>(m.src[n].pending)) {
          fprintf(stderr, "mpic_fuzzer: source %d: IRQ_ACTIVE %#x, model %#x\n", n, got,
                  m.src[n].pending);
          abort();
        }
      }
    }
    for (int c : {0, 1, 2, 3, 5, 7, 15, 30}) {
      uint32_t got = 0;
      expect(core_reg_get(0x20000 + 0x1000 * c + 0x80, &got), 0, "CTPR get");
      if (got != static_cast<uint32_t>(m.dst[c].ctpr)) {
        fprintf(stderr, "mpic_fuzzer: CPU %d: CTPR %#x, model %#x\n", c, got, m.dst[c].ctpr);
        abort();
      }
    }
  }

  // how 0: the MPIC's fd; 1: an fd that is not open; 2: another VM's MPIC
  // At the end of an input: every register a read does not change, and
  // every source's IRQ_ACTIVE.
  void full_compare() {
    if (!dev) return;
    std::vector<uint64_t> offs = {0x0,    0x1000, 0x1020, 0x1080, 0x1090, 0x10a0,
                                  0x10b0, 0x10c0, 0x10d0, 0x10e0, 0x1720, 0x3800};
    for (uint64_t o = 0x10f0; o < 0x1310; o += 0x10) offs.push_back(o);
    for (uint64_t n = 0; n < kMaxSrc; n++)
      for (uint64_t sub : {0x00, 0x10, 0x18}) offs.push_back(0x10000 + 0x20 * n + sub);
    for (uint64_t c = 0; c < kMaxCpu; c++)
      for (uint64_t sub : {0x80, 0x90, 0xb0}) offs.push_back(0x20000 + 0x1000 * c + sub);
    for (uint64_t o : offs) {
      uint32_t got = 0x5a5a5a5a, want = 0;
      const int r = core_reg_get(o, &got), mr = m.reg_get(o, &want);
      if (r != mr || (!r && got != want)) {
        fprintf(stderr, "mpic_fuzzer: at the end: GRP_REGISTER %#llx: %d %#x, model %d %#x\n",
                (unsigned long long)o, r, got, mr, want);
        abort();
      }
    }
    for (int n = 0; n < kMaxSrc; n++) {
      uint32_t got = 0x5a5a5a5a;
      const int r = attr(dev, KX_ATTR_GET, kGrpIrqActive, n, reinterpret_cast<uintptr_t>(&got));
      if (r || got != static_cast<uint32_t>(m.src[n].pending)) {
        fprintf(stderr, "mpic_fuzzer: at the end: source %d IRQ_ACTIVE %d %#x, model %#x\n", n, r,
                got, m.src[n].pending);
        abort();
      }
    }
  }

  void connect(int v, uint64_t cpu, int how = 0) {
    PpcEnableCap c = {};
    c.cap = kCapIrqMpic;
    c.args[0] = how == 1 ? 0x7fffff00ull : static_cast<uint64_t>(how == 2 ? other_fd : fd);
    c.args[1] = cpu;
    const int r =
        static_cast<int>(kx_vcpu_ioctl(vcpu[v], KX_ENABLE_CAP, reinterpret_cast<uintptr_t>(&c)));
    T("  connect vCPU %d CPU %#llx%s: %d\n", v, (unsigned long long)cpu,
      how == 1   ? " (bad fd)"
      : how == 2 ? " (another VM's MPIC)"
                 : "",
      r);
    int want;
    if (how == 1)
      want = -EBADF;
    else if (how == 2 || !fd_bound)
      want = -EPERM;  // another VM's device, or no device behind the fd
    else
      want = m.connect(v, cpu);
    expect(r, want, "KVM_ENABLE_CAP(KVM_CAP_IRQ_MPIC)");
  }

  // A vCPU connecting to another VM's MPIC: -EPERM (opp->kvm != vcpu->kvm).
  void connect_other_vm(int v, uint64_t cpu) {
    kx_vm* o = nullptr;
    expect(kx_vm_create(KX_PPC, 0, nullptr, &o), 0, "second VM");
    kx_device* d = nullptr;
    expect(kx_vm_create_device(o, kMpic20, 0, &d), 0, "second VM's MPIC");
    host::bind_device_fd(other_fd, d);
    connect(v, cpu, 2);
    host::bind_device_fd(other_fd, nullptr);
    kx_device_release(d);
    kx_vm_put(o);
  }

  void create_device(uint32_t type, bool nomem = false) {
    kx_device* d = nullptr;
    if (nomem) host::fail_allocation_after(0);
    const int r = kx_vm_create_device(vm, type, 0, &d);
    host::fail_allocation_after(-1);
    T("  create device %u%s: %d\n", type, nomem ? " (no memory)" : "", r);
    expect(r, m.exists ? -EINVAL : nomem ? -ENOMEM : 0, "KVM_CREATE_DEVICE(FSL_MPIC)");
    if (r) return;
    dev = d;
    m.create(type);
    host::bind_device_fd(fd, dev);
    fd_bound = true;
  }

  void set_base(uint64_t base, bool fault = false) {
    uint64_t b = base;
    const int r = attr(dev, KX_ATTR_SET, kGrpMisc, kBaseAddr,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&b));
    T("  BASE_ADDR set %#llx%s: %d\n", (unsigned long long)base, fault ? " (bad address)" : "", r);
    int want = 0;
    if (fault)
      want = -EFAULT;
    else if (base & 0x3ffff)
      want = -EINVAL;
    else
      m.reg_base = base;
    expect(r, want, "BASE_ADDR set");
  }

  bool up(Input& in) {
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    other_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || other_fd < 0) return false;
    return make_vm(in);
  }

  bool make_vm(Input& in) {
    m.reset_vm();
    if (kx_vm_create(KX_PPC, 0, nullptr, &vm)) return false;
    for (int v = 0; v < kVcpus; v++) expect(kx_vm_create_vcpu(vm, v, &vcpu[v]), 0, "vCPU");
    const uint8_t b = in.u8();
    // Routes before the MPIC (its creation replaces them) sometimes.
    if (b & 0x10) op_routing(in);
    if (b & 0x20) create_device(b & 1 ? kMpic42 : kMpic20, true);  // -ENOMEM
    if (!(b & 0x20) || (b & 0x40)) create_device(b & 1 ? kMpic42 : kMpic20);
    for (int v = 0; v < kVcpus; v++) {
      const uint8_t c = in.u8();
      if (c % 8 == 7) continue;  // unconnected
      connect(v, c % 8 < 4 ? (b & 2 ? v : 3 - v) : cpu_arg(in));
    }
    if (b & 4 && dev) set_base(0xe0000000ull);
    return true;
  }

  void release_vm() {
    host::bind_device_fd(fd, nullptr);
    fd_bound = false;
    if (dev) {
      kx_device_release(dev);
      dev = nullptr;
    }
    if (vm) kx_vm_put(vm);
    vm = nullptr;
    for (auto& v : vcpu) v = nullptr;
  }

  void down() {
    release_vm();
    if (fd >= 0) close(fd);
    if (other_fd >= 0) close(other_fd);
  }

  // --- operations ---
  void op_reg_set(Input& in) {
    if (!dev) return;
    const uint64_t off = offset(in);
    const uint32_t val = value(in);
    const bool fault = in.u8() % 32 == 31;
    uint32_t v = val;
    const int r = attr(dev, KX_ATTR_SET, kGrpRegister, off,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&v));
    T("  reg set %#llx = %#x%s: %d\n", (unsigned long long)off, val, fault ? " (bad address)" : "",
      r);
    expect(r, fault ? -EFAULT : m.reg_set(off, val), "GRP_REGISTER set");
  }

  void op_reg_get(Input& in) {
    if (!dev) return;
    const uint64_t off = offset(in);
    const bool fault = in.u8() % 32 == 31;
    uint32_t v = 0x5a5a5a5a, mv = 0;
    const int r = attr(dev, KX_ATTR_GET, kGrpRegister, off,
                       fault ? kBadAddr : reinterpret_cast<uintptr_t>(&v));
    int mr = m.reg_get(off, &mv);
    if (!mr && fault) mr = -EFAULT;
    T("  reg get %#llx%s: %d %#x (model %d %#x)\n", (unsigned long long)off,
      fault ? " (bad address)" : "", r, v, mr, mv);
    expect(r, mr, "GRP_REGISTER get");
    if (!r) {
      if (v != mv) {
        fprintf(stderr, "mpic_fuzzer: GRP_REGISTER get %#llx: got %#x, model %#x\n",
                (unsigned long long)off, v, mv);
        abort();
      }
    }
  }

  void op_irq_active(Input& in) {
    if (!dev) return;
    const uint8_t b = in.u8();
    uint64_t irq;
    const uint8_t s = in.u8();
    if (s % 16 < 12)
      irq = kPoolIrqs[s % 12];
    else if (s % 16 == 12)
      irq = 256;
    else if (s % 16 == 13)
      irq = 257;
    else if (s % 16 == 14)
      irq = in.u8();
    else
      irq = in.u64();
    switch (b % 4) {
      case 0:
      case 1: {  // set
        static const uint32_t vals[] = {1, 0, 1, 0, 2, 0xffffffffu, 1, 1};
        uint32_t val = vals[b / 4 % 8];
        const bool fault = b >= 0xf0;
        const int r = attr(dev, KX_ATTR_SET, kGrpIrqActive, irq,
                           fault ? kBadAddr : reinterpret_cast<uintptr_t>(&val));
        T("  IRQ_ACTIVE set %#llx = %u%s: %d\n", (unsigned long long)irq, val,
          fault ? " (bad address)" : "", r);
        expect(r, m.irq_active_set(irq, fault ? nullptr : &val), "IRQ_ACTIVE set");
        break;
      }
      case 2: {  // get
        const bool fault = b >= 0xf0;
        uint32_t val = 0x5a5a5a5a;
        const int r = attr(dev, KX_ATTR_GET, kGrpIrqActive, irq,
                           fault ? kBadAddr : reinterpret_cast<uintptr_t>(&val));
        T("  IRQ_ACTIVE get %#llx: %d %u\n", (unsigned long long)irq, r, val);
        int want = irq >= kMaxSrc ? -EINVAL : fault ? -EFAULT : 0;
        expect(r, want, "IRQ_ACTIVE get");
        if (!r) expect(val, static_cast<uint32_t>(m.src[irq].pending), "IRQ_ACTIVE value");
        break;
      }
      default: {  // has, in every group
        const uint32_t grp = b / 4 % 6;
        const uint64_t a = grp == kGrpMisc ? (b & 0x80 ? kBaseAddr : irq) : irq;
        const int r = attr(dev, KX_ATTR_HAS, grp, a, 0);
        T("  has group %u attr %#llx: %d\n", grp, (unsigned long long)a, r);
        int want = -ENXIO;
        if (grp == kGrpMisc && a == kBaseAddr) want = 0;
        if (grp == kGrpRegister) want = 0;
        if (grp == kGrpIrqActive && a < kMaxSrc) want = 0;
        expect(r, want, "KVM_HAS_DEVICE_ATTR");
        // and the other groups' set and get
        if (grp != kGrpMisc && grp != kGrpRegister && grp != kGrpIrqActive) {
          uint64_t x = 0;
          expect(attr(dev, KX_ATTR_SET, grp, a, reinterpret_cast<uintptr_t>(&x)), -ENXIO,
                 "unknown group set");
          expect(attr(dev, KX_ATTR_GET, grp, a, reinterpret_cast<uintptr_t>(&x)), -ENXIO,
                 "unknown group get");
        } else if (grp == kGrpMisc && a != kBaseAddr) {
          uint64_t x = 0;
          expect(attr(dev, KX_ATTR_SET, grp, a, reinterpret_cast<uintptr_t>(&x)), -ENXIO,
                 "GRP_MISC unknown attr set");
          expect(attr(dev, KX_ATTR_GET, grp, a, reinterpret_cast<uintptr_t>(&x)), -ENXIO,
                 "GRP_MISC unknown attr get");
        }
      }
    }
  }

  uint32_t gsi(Input& in) {
    const uint8_t b = in.u8();
    if (b % 8 < 5) return b >> 3;  // 0-31
    if (b % 8 == 5) return 255 + (b >> 7);
    if (b % 8 == 6) return 4095 + (b >> 7);
    return in.u32();
  }

  void op_irq_line(Input& in) {
    const uint32_t irq = gsi(in);
    static const uint32_t levels[] = {1, 0, 1, 0, 2, 0xffffffffu, 0x80000000u, 1};
    const uint8_t b = in.u8();
    uint32_t level = b % 16 < 8 ? levels[b % 8] : b % 16 == 15 ? in.u32() : b & 1;
    // KVM_IRQ_LINE itself sometimes: the same, without the status
    const bool status = !(b % 16 >= 8 && b % 16 < 15 && (b & 0x20));
    uint32_t line[2] = {irq, level};
    const int r = static_cast<int>(kx_vm_ioctl(vm, status ? KX_IRQ_LINE_STATUS : KX_IRQ_LINE,
                                               reinterpret_cast<uintptr_t>(line)));
    T("  irq line%s %#x level %#x: %d status %d\n", status ? " (status)" : "", irq, level, r,
      (int)line[0]);
    if (!m.exists) return expect(r, -ENXIO, "KVM_IRQ_LINE_STATUS without an MPIC");
    expect(r, 0, "KVM_IRQ_LINE_STATUS");
    const int st = m.set_gsi(irq, level);
    expect(line[0], status ? static_cast<uint32_t>(st) : irq, "KVM_IRQ_LINE_STATUS status");
  }

  // KVM_SET_GSI_ROUTING: up to 6 entries, mostly valid.
  void op_routing(Input& in) {
    const uint8_t b = in.u8();
    const uint32_t n = b % 7;
    struct {
      uint32_t nr, flags;
      UserRoute e[6];
    } t = {};
    t.nr = n;
    t.flags = b == 0xff ? 1 : 0;
    for (uint32_t i = 0; i < n; i++) {
      UserRoute& e = t.e[i];
      const uint8_t k = in.u8();
      e.gsi = gsi(in);
      if (k % 4 == 3) {
        e.type = 2;  // MSI
        e.u[0] = 0xe0001000u + 0x140;
        e.u[1] = 0;
        e.u[2] = uint32_t{in.u8()} << 24;
        e.flags = k & 0x40 ? 1 : 0;
      } else {
        e.type = 1;  // IRQCHIP: 0, sometimes another (-EINVAL, differences.rst)
        e.u[0] = k >= 0xd8 && k < 0xe0 ? 1 + k % 3 : 0;
        const uint8_t p = in.u8();
        e.u[1] = p < 0xf8 ? (p % 32 < 24 ? kPoolIrqs[p % 12] : p) : 256 + p % 4 * 100;
      }
      if (k >= 0xf0) e.flags |= 2;  // bad flags
      if (k >= 0xe8 && k < 0xf0) {  // another type (an IRQCHIP one on irqchip 0)
        e.type = k % 8;
        if (e.type == 1) {
          e.u[0] = 0;
          e.u[1] %= 300;
        }
      }
      if (k >= 0xe0 && k < 0xe8) e.gsi = 4096 + k % 3;
    }
    if (b >= 0xf8 && b != 0xff) t.nr = 4097;
    // The model: kvm_vm_ioctl()'s checks, kvm_set_irq_routing().
    int want = 0;
    std::map<uint32_t, Model::Route> table;
    if (t.flags || t.nr > 4096) want = -EINVAL;
    for (uint32_t i = 0; i < n && !want; i++)
      if (t.e[i].gsi >= 4096) want = -EINVAL;
    for (uint32_t i = 0; i < n && !want; i++) {
      const UserRoute& e = t.e[i];
      if (e.type == 2 ? (e.flags & ~1u) : e.flags) {
        want = -EINVAL;
        break;
      }
      if (table.count(e.gsi)) {  // one irqchip (0), one entry per GSI
        want = -EINVAL;
        break;
      }
      if (e.type == 1) {
        if (e.u[0] != 0 || e.u[1] >= 256) {
          want = -EINVAL;
          break;
        }
        table[e.gsi] = {false, e.u[1], 0};
      } else if (e.type == 2) {
        table[e.gsi] = {true, 0, e.u[2]};
      } else {
        want = -EINVAL;
        break;
      }
    }
    // A valid table whose allocation fails: -ENOMEM, the old table kept.
    const bool nomem = !want && b / 7 % 16 == 5;
    if (nomem) {
      want = -ENOMEM;
      host::fail_allocation_after(0);
    }
    const int r =
        static_cast<int>(kx_vm_ioctl(vm, KX_SET_GSI_ROUTING, reinterpret_cast<uintptr_t>(&t)));
    host::fail_allocation_after(-1);
    T("  routing %u entries flags %u%s: %d\n", t.nr, t.flags, nomem ? " (no memory)" : "", r);
    for (uint32_t i = 0; i < n && trace(); i++)
      T("    gsi %u type %u flags %u u %#x %#x %#x\n", t.e[i].gsi, t.e[i].type, t.e[i].flags,
        t.e[i].u[0], t.e[i].u[1], t.e[i].u[2]);
    expect(r, want, "KVM_SET_GSI_ROUTING");
    if (!want) m.routes = table;
  }

  void op_signal_msi(Input& in) {
    const uint8_t b = in.u8();
    kx_msi msi = {0xe0001740u, 0, uint32_t{in.u8()} << 24 | (b & 0x3f), 0, 0};
    if (b & 0x40) msi.flags = 1;  // KVM_MSI_VALID_DEVID
    if (b & 0x80 && b & 0x20) msi.flags = 2;
    if (b % 8 == 7) msi.data = in.u32();
    const int r = kx_vm_signal_msi(vm, &msi);
    T("  signal MSI data %#x flags %u: %d\n", msi.data, msi.flags, r);
    int want = 0;
    if (!m.exists || (msi.flags & ~1u))
      want = -EINVAL;
    else
      m.msi(msi.data);
    expect(r, want, "KVM_SIGNAL_MSI");
  }

  // A guest load or store of one vCPU.
  void op_mmio(Input& in) {
    const uint8_t b = in.u8();
    const int v = b % kVcpus;
    const bool write = b & 4;
    const uint8_t k = in.u8();
    const int cpu = m.irq_cpu_id[v];
    uint64_t off;
    switch (k % 8) {
      case 0:
      case 1: {  // its own CPU page: IACK, EOI, CTPR, WHOAMI, IPIDR
        static const uint64_t r[] = {0xa0, 0xb0, 0x80, 0x90, 0x40, 0xa0, 0xb0, 0x50};
        off = 0x20000 + 0x1000 * cpu + r[k / 8 % 8];
        break;
      }
      case 2: {  // the global alias
        static const uint64_t r[] = {0xa0, 0xb0, 0x80, 0x90, 0x40, 0x60, 0xa0, 0xb0};
        off = r[k / 8 % 8];
        break;
      }
      default:
        off = offset(in);
    }
    uint64_t gpa = m.reg_base + off;
    uint32_t len = 4;
    const uint8_t shape = in.u8();
    switch (shape % 16) {
      case 12:
        len = 1;
        break;
      case 13:
        len = 2;
        break;
      case 14:
        len = 8;
        break;
      case 15:
        gpa += 1 + shape / 16 % 3;  // misaligned
        break;
    }
    if (shape >= 0xf0) gpa = in.u64() & ~0xfffull;  // elsewhere
    uint64_t data =
        write ? (off >= 0x20000 && (off & 0xff0) == 0x80 ? in.u8() & 0x1f : value(in)) : 0;
    if (write && len == 8) data |= uint64_t{in.u32()} << 32;
    if (write && len < 8) data &= (1ull << (8 * len)) - 1;
    // one page per access (the extension's rule)
    if ((gpa & 0xfff) + len > 0x1000) gpa &= ~7ull;
    kx_guest_access a = {KX_ACCESS_MEM, write ? KX_ACCESS_WRITE : 0u, gpa, len, 0, data, {0, 0, 0}};
    kx_exit e = {};
    const int r = kx_vcpu_guest_access(vcpu[v], &a, &e);
    uint64_t mval = 0;
    const Mmio mm = m.mmio(v, gpa, len, write, data, &mval);
    T("  mmio vCPU %d (CPU %d) %s %#llx len %u data %#llx: %d result %u data %#llx (model %d "
      "%#llx)\n",
      v, cpu, write ? "store" : "load", (unsigned long long)gpa, len, (unsigned long long)data, r,
      a.result, (unsigned long long)a.data, (int)mm, (unsigned long long)mval);
    expect(r, 0, "guest access errno");
    if (mm == Mmio::kKernel) {
      expect(a.result, KX_ACCESS_RESULT_KERNEL, "MMIO taken by the MPIC");
      if (!write) expect(a.data, mval, "MMIO load value");
    } else {
      // Unmapped, or refused by the MPIC (kvm_io_bus_* fail): KVM_EXIT_MMIO
      expect(a.result, KX_ACCESS_RESULT_EXIT,
             mm == Mmio::kRefused ? "MMIO the MPIC refuses: exit to user space"
                                  : "MMIO outside the MPIC: exit");
      expect(e.set && e.reason == KX_EXIT_MMIO, 1, "KVM_EXIT_MMIO");
      expect(e.mmio_addr, gpa, "exit address");
      expect(e.mmio_len, len, "exit length");
      expect(e.mmio_is_write, write, "exit direction");
      if (write) {
        uint64_t d = 0;
        memcpy(&d, e.mmio_data, len);
        expect(d, data, "exit data");
      } else {
        expect(a.data, 0, "load exiting: data");
      }
    }
  }

  void op_misc(Input& in) {
    const uint8_t b = in.u8();
    if (!dev && (b % 4 != 3 || (b & 0x70) == 0x70)) return;
    switch (b % 4) {
      case 0:
      case 1:
        set_base(base_arg(in), b >= 0xf8);
        break;
      case 2: {
        const bool fault = b >= 0xf8;
        uint64_t v = 0x5a5a;
        const int r = attr(dev, KX_ATTR_GET, kGrpMisc, kBaseAddr,
                           fault ? kBadAddr : reinterpret_cast<uintptr_t>(&v));
        T("  BASE_ADDR get: %d %#llx\n", r, (unsigned long long)v);
        expect(r, fault ? -EFAULT : 0, "BASE_ADDR get");
        if (!r) expect(v, m.reg_base, "BASE_ADDR");
        break;
      }
      default: {  // a second MPIC, or a test creation, or the fd closed
        const uint32_t type = b & 4 ? kMpic42 : kMpic20;
        if ((b & 0x70) == 0x70) {
          // 6.1's MPIC has no ->release: it stays the VM's (routes, MMIO,
          // the vCPUs' connections) until the VM dies.
          T("  close the MPIC's fd\n");
          host::bind_device_fd(fd, nullptr);
          fd_bound = false;
          kx_device_release(dev);
          dev = nullptr;
        } else if (b & 8) {
          kx_device* d = nullptr;
          const int r = kx_vm_create_device(vm, type, KX_CREATE_DEVICE_TEST, &d);
          T("  create device %u (test): %d\n", type, r);
          expect(r, 0, "KVM_CREATE_DEVICE_TEST");
        } else {
          create_device(type);
        }
      }
    }
  }

  void op_connect(Input& in) {
    const uint8_t b = in.u8();
    const int v = b % kVcpus;
    if (b % 16 == 15) return connect(v, 0, 1);
    if (b % 16 == 14) return connect_other_vm(v, cpu_arg(in));
    if (b % 16 == 13) return connect(v, 31);
    connect(v, cpu_arg(in));
  }

  void op_recreate(Input& in) {
    const uint8_t b = in.u8();
    T("  new VM\n");
    release_vm();
    (void)b;
    if (!make_vm(in)) abort();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool init = false;
  if (!init) {
    expect(kx_core_init(), 0, "core init");
    expect(kx_ppc_set_host(kHostE500mc), 0, "e500mc host");
    // The built-in device types of the ppc personality (the shim's work).
    unsigned int type;
    const kx_device_ops* ops;
    for (unsigned i = 0; kx_builtin_device(KX_PPC, i, &type, &ops) == 0; i++)
      if (type == kMpic20 || type == kMpic42)
        expect(kx_register_device_ops(KX_PPC, type, ops), 0, "MPIC device type");
    init = true;
  }
  Input in{data, size};
  const long live = host::live_allocations();
  {
    Harness h;
    if (!h.up(in)) {
      h.down();
      return 0;
    }
    h.compare();
    for (int ops = 0; ops < 128 && in.n; ops++) {
      const uint8_t op = in.u8();
      T("op %u\n", op % 16);
      switch (op % 16) {
        case 0:
        case 1:
        case 2:
          h.op_reg_set(in);
          break;
        case 3:
        case 4:
          h.op_reg_get(in);
          break;
        case 5:
          h.op_irq_active(in);
          break;
        case 6:
          h.op_irq_line(in);
          break;
        case 7:
          h.op_routing(in);
          break;
        case 8:
          h.op_signal_msi(in);
          break;
        case 9:
        case 10:
        case 11:
        case 12:
          h.op_mmio(in);
          break;
        case 13:
          h.op_misc(in);
          break;
        case 14:
          h.op_connect(in);
          break;
        case 15:
          (op & 0x70) == 0x70 ? h.op_recreate(in) : h.op_irq_active(in);
          break;
      }
      h.compare();
    }
    h.full_compare();
    h.down();
  }
  if (host::live_allocations() != live) {  // whatever the input did
    fprintf(stderr, "mpic_fuzzer: live allocations (leak): %ld, before %ld\n",
            host::live_allocations(), live);
    abort();
  }
  return 0;
}
