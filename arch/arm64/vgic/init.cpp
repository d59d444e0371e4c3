// SPDX-License-Identifier: GPL-2.0
// The GIC's life in a VM, as Linux 6.1's vgic-init.c and the GIC parts of
// arm.c: initialisation (CTRL_INIT, or a GICv2's on demand), the vCPUs
// the GIC admits, the first KVM_RUN's frame checks and mapping, and
// injection (KVM_IRQ_LINE, routed GSIs, irqfds) with the deactivations
// reported back. The device type and its attributes are device.cpp.
#include "arch/arm64/vgic/internal.h"
#include "arch/arm64/arm64.h"
#include "virt/kvm/vm.h"

namespace kvm {
namespace arm64 {
namespace vgic {

namespace dev {

// vgic_init(): idempotent; -EBUSY while a vCPU is being created; freezes
// the number of interrupts (256 when the VMM set none), allocates the
// SPIs and fixes the vCPU table. Vm::lock held.
kx::Status init(Vm& vm) KX_REQUIRES(vm.lock) {
  Dist& d = dist_of(vm);
  if (d.initialized()) return kx::Status::ok();
  if (vm.created_vcpus() != vm.online_vcpus()) return kx::error(kx::kEBUSY);
  const u32 nr_spis = d.nr_spis() ? d.nr_spis() : kNrIrqsDefault - kNrPrivateIrqs;
  Irq* spis = kx::alloc_array<Irq>(nr_spis);
  if (!spis) return kx::error(kx::kENOMEM);
  kx::Vector<Vcpu*> vcpus;
  for (Vcpu* v : vm.vcpus()) {
    if (vcpus.push_back(v).is_error()) {
      kx::free_array(spis);
      return kx::error(kx::kENOMEM);
    }
  }
  // kvm_vgic_setup_default_irq_routing(): GSI n is SPI n + 32.
  kx::Result<RoutingTable*> routes = RoutingTable::Identity(nr_spis);
  if (routes.is_error()) {
    kx::free_array(spis);
    return routes.error();
  }
  const bool v3 = d.model() == kModelV3;
  // kvm_vgic_dist_init(): SPIs start edge-triggered (VGIC_CONFIG_EDGE is
  // the zero of 6.1's kcalloc'ed array).
  for (u32 i = 0; i < nr_spis; i++) {
    spis[i] = Irq{};
    spis[i].intid = kNrPrivateIrqs + i;
    spis[i].group1 = v3;
    spis[i].edge = true;
  }
  {
    kx::IrqSaveGuard guard(&d.lock);
    d.install(vm, nr_spis, spis, vcpus);
    for (u16 i = 0; i < d.vcpus().size(); i++) {
      CpuIf& c = cpuif(*d.vcpus()[i]);
      c.index = i;
      for (Irq& irq : c.priv) {
        irq.group1 = v3;
        irq.targets = static_cast<u8>(1u << (i & 7));
      }
      // vgic_v3_enable(): INITIAL_PENDBASER_VALUE.
      if (v3) c.pendbaser = kInitialPendbaser;
    }
  }
  d.set_initialized(vm);
  vm.replace_routing(routes.value());
  return kx::Status::ok();
}

kx::Status init_locked(Vm& vm) {
  kx::Guard<kx::Mutex> guard(&vm.lock);
  return init(vm);
}

}  // namespace dev

// kvm_vgic_create(), in its order: a GICv2 on a host without GICv2
// compatibility -ENODEV (KVM_CREATE_DEVICE never gets here with one: the
// type is absent, see device_ops()); every vCPU locked (-EBUSY); one
// GIC per VM (-EEXIST); none once a vCPU has run (-EBUSY); no more vCPUs
// than the model has CPU interfaces (-E2BIG). A refusal changes nothing.
kx::Status create(Vm& vm, u32 model) {
  if (model == kModelV2 && !vm_state(vm).host.gicv2) return kx::error(kx::kENODEV);
  if (!vm.lock_all_vcpus()) return kx::error(kx::kEBUSY);
  Dist& d = dist_of(vm);
  kx::Status s;
  if (d.in_kernel())
    s = kx::error(kx::kEEXIST);
  else if (vm.any_vcpu_has_run())
    s = kx::error(kx::kEBUSY);
  else if (vm.online_vcpus() > (model == kModelV2 ? kV2MaxCpus : kV3MaxCpus))
    s = kx::error(kx::kE2BIG);
  else
    d.set_model(vm, model);
  vm.unlock_all_vcpus();
  return s;
}

u32 max_vcpus(const Dist& d, u32 arch_max) {
  if (d.model() == kModelV2) return kV2MaxCpus;
  if (d.model() == kModelV3) return kV3MaxCpus;
  return arch_max;
}

// kvm_arch_vcpu_precreate() and kvm_vgic_vcpu_init(): no vCPU joins an
// initialised GIC, and one that would get a redistributor frame needs a
// layout vgic_v3_check_base() accepts. Vm::lock held.
kx::Status vcpu_precreate(Vm& vm, Dist& d) KX_REQUIRES(vm.lock) {
  if (!d.in_kernel()) return kx::Status::ok();
  if (d.initialized()) return kx::error(kx::kEBUSY);
  if (d.model() == kModelV3 && vm.created_vcpus() < dev::rd_capacity(d.rdregs(vm)) &&
      !dev::v3_check_base(vm, d.dist_base(vm), d.rdregs(vm)))
    return kx::error(kx::kEINVAL);
  return kx::Status::ok();
}

namespace dev {

kx::Status add_frame(Vm& vm, Dist& d, u64 base, u64 size, const RegTable* t, u16 redist)
    KX_REQUIRES(vm.slots_lock) {
  kx::AllocChecker ac;
  Frame* f = new (&ac) Frame(&vm, t, redist);
  if (!ac.check()) return kx::error(kx::kENOMEM);
  if (kx::Status s = d.frames(vm).push_back(f); s.is_error()) {
    kx::destroy(f);
    return s;
  }
  kx::Status s = vm.mmio_bus().add(base, size, f);
  if (s.is_error()) {
    d.frames(vm).pop_back();
    kx::destroy(f);
  }
  return s;
}

void remove_frames(Vm& vm, Dist& d) KX_REQUIRES(vm.slots_lock) {
  for (Frame* f : d.frames(vm)) {
    vm.mmio_bus().remove(f);
    kx::destroy(f);
  }
  d.frames(vm).clear();
}

// vgic_v2_map_resources() / vgic_v3_map_resources(). Vm::lock held.
kx::Status check_frames(Vm& vm, Dist& d) KX_REQUIRES(vm.lock) {
  const u64 dist_base = d.dist_base(vm), cpu_base = d.cpu_base(vm);
  if (d.model() == kModelV2) {
    if (dist_base == kAddrUndef || cpu_base == kAddrUndef) return kx::error(kx::kENXIO);
    if (overlaps(dist_base, kV2DistSize, cpu_base, kV2CpuSize)) return kx::error(kx::kEINVAL);
    // A GICv2 is initialised on demand (vgic_lazy_init()).
    return init(vm);
  }
  if (vm.online_vcpus() > rd_capacity(d.rdregs(vm))) return kx::error(kx::kENXIO);
  if (dist_base == kAddrUndef) return kx::error(kx::kENXIO);
  if (!v3_check_base(vm, dist_base, d.rdregs(vm))) return kx::error(kx::kEINVAL);
  if (!d.initialized()) return kx::error(kx::kEBUSY);
  return kx::Status::ok();
}

kx::Status map_frames(Vm& vm, Dist& d) KX_REQUIRES(vm.lock, vm.slots_lock) {
  kx::Status s;
  if (d.model() == kModelV2) {
    s = add_frame(vm, d, d.dist_base(vm), kV2DistSize, &kV2DistTable, kNoVcpu);
    if (s.is_ok()) s = add_frame(vm, d, d.cpu_base(vm), kV2CpuSize, &kV2CpuTable, kNoVcpu);
  } else {
    // A redistributor frame for each vCPU of the GIC's table, which
    // CTRL_INIT fixed (check_frames() saw it done).
    u16 n;
    {
      kx::IrqSaveGuard guard(&d.lock);
      n = static_cast<u16>(d.vcpus().size());
    }
    s = add_frame(vm, d, d.dist_base(vm), kV3DistSize, &kV3DistTable, kNoVcpu);
    for (u16 i = 0; s.is_ok() && i < n; i++)
      s = add_frame(vm, d, redist_base(d.rdregs(vm), i), kV3RedistSize, &kV3RedistTable, i);
  }
  if (s.is_error()) remove_frames(vm, d);
  return s;
}

}  // namespace dev

// kvm_vgic_map_resources(), from the first KVM_RUN. A refusal changes
// nothing (6.1 tears the GIC down: Documentation/differences.rst).
kx::Status map_resources(Vcpu& vcpu) {
  Vm& vm = vcpu.vm();
  kx::Guard<kx::Mutex> guard(&vm.lock);
  Dist& d = dist_of(vm);
  if (!d.in_kernel() || d.mapped(vm)) return kx::Status::ok();
  KX_TRY(dev::check_frames(vm, d));
  kx::Guard<kx::Mutex> slots(&vm.slots_lock);
  KX_TRY(dev::map_frames(vm, d));
  d.mapped(vm) = true;
  return kx::Status::ok();
}

bool vcpu_has_pending(Vcpu& vcpu) {
  Dist& d = dist_of(vcpu.vm());
  if (!d.initialized()) return false;
  kx::IrqSaveGuard guard(&d.lock);
  CpuIf& c = cpuif(vcpu);
  if (c.index == kNoVcpu) return false;
  // Taken now: pending, enabled, not masked by PMR or the running priority.
  return deliverable(d, c);
}

bool initialized(Vm& vm) { return dist_of(vm).initialized(); }

kx::Status set_owner(Vcpu& vcpu, u32 intid, Owner owner) {
  Dist& d = dist_of(vcpu.vm());
  if (!d.initialized()) return kx::error(kx::kEAGAIN);
  kx::IrqSaveGuard guard(&d.lock);
  if (intid < kNrSgis) return kx::error(kx::kEINVAL);
  Irq* irq = irq_at(d, &cpuif(vcpu), intid);
  if (!irq) return kx::error(kx::kEINVAL);
  if (irq->owner && irq->owner != owner) return kx::error(kx::kEEXIST);
  irq->owner = owner;
  return kx::Status::ok();
}

// kvm_vm_ioctl_irq_line() with an in-kernel GIC, and kvm_vgic_inject_irq().
kx::Status irq_line(Vm& vm, u32 type, u32 vcpu_idx, u32 intid, bool level) {
  constexpr u32 kTypeSpi = 1, kTypePpi = 2;
  // kvm_vm_ioctl_irq_line() checks the number's kind before the GIC.
  if (type == kTypePpi && (intid < kNrSgis || intid >= kNrPrivateIrqs))
    return kx::error(kx::kEINVAL);
  if (type == kTypeSpi && intid < kNrPrivateIrqs) return kx::error(kx::kEINVAL);
  if (type != kTypePpi && type != kTypeSpi) return kx::error(kx::kEINVAL);
  Dist& d = dist_of(vm);
  if (!d.initialized()) {
    // vgic_lazy_init(): only a GICv2 initialises itself.
    if (d.model() != kModelV2) return kx::error(kx::kEBUSY);
    KX_TRY(dev::init_locked(vm));
  }
  kx::IrqSaveGuard guard(&d.lock);
  CpuIf* cpu = nullptr;
  if (type == kTypePpi) {
    kx::Vector<Vcpu*>& vcpus = d.vcpus();
    if (vcpu_idx >= vcpus.size() || !vcpus[vcpu_idx]) return kx::error(kx::kEINVAL);
    cpu = &cpuif(*vcpus[vcpu_idx]);
  }
  Irq* irq = irq_at(d, cpu, intid);
  if (!irq) return kx::error(kx::kEINVAL);
  // A line a device drives is not userspace's (vgic_validate_injection()).
  if (irq->owner == kOwnerNone) set_line(d, cpu, *irq, level);
  return kx::Status::ok();
}

kx::Status set_spi_pin(Vm& vm, u32 pin, bool level) {
  constexpr u32 kTypeSpi = 1;
  if (pin >= dist_of(vm).nr_spis()) return kx::error(kx::kEINVAL);
  return irq_line(vm, kTypeSpi, 0, pin + kNrPrivateIrqs, level);
}

void notify_acked(Vm& vm) {
  Dist& d = dist_of(vm);
  u64 acked[1024 / 64];
  {
    kx::IrqSaveGuard guard(&d.lock);
    Dist::SpiBits& spi_acked = d.spi_acked();
    for (u32 i = 0; i < 1024 / 64; i++) {
      acked[i] = spi_acked[i];
      spi_acked[i] = 0;
    }
    d.any_acked() = false;
  }
  for (u32 w = 0; w < 1024 / 64; w++) {
    for (u64 bits = acked[w]; bits; bits &= bits - 1)
      vm.irq_acked(0, w * 64 + static_cast<u32>(__builtin_ctzll(bits)));
  }
}

void vm_destroy(Vm& vm) {
  Dist& d = dist_of(vm);
  kx::Guard<kx::Mutex> slots(&vm.slots_lock);
  dev::remove_frames(vm, d);
}

void vcpu_destroy(Vcpu& vcpu) {
  Dist& d = dist_of(vcpu.vm());
  kx::IrqSaveGuard guard(&d.lock);
  for (Vcpu*& v : d.vcpus()) {
    if (v == &vcpu) v = nullptr;
  }
}

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
