// SPDX-License-Identifier: GPL-2.0
// Between the VGIC's sources: the interrupt state machine (irq.cpp), the
// register tables (regs.cpp, cpuif.cpp) and the device (device.cpp).
#pragma once

#include "arch/arm64/arm64.h"
#include "arch/arm64/vgic/vgic.h"
#include "virt/kvm/io_bus.h"

namespace kvm {
namespace arm64 {
namespace vgic {

constexpr u16 kNoVcpu = 0xffff;

// The architecture's MPIDR affinity fields, and the attribute encoding of
// them (Aff3 in bits 31:24 instead of 39:32).
constexpr u64 kMpidrAffMask = 0xff00ffffffull;
constexpr u64 attr_to_mpidr(u64 attr_bits) {
  return (attr_bits & 0xffffff) | ((attr_bits & 0xff000000ull) << 8);
}

Dist& dist_of(Vm& vm);
// Whether the model has the attribute group (CPU_REGS v2; REDIST_REGS,
// CPU_SYSREGS, LEVEL_INFO v3).
bool has_group(u32 model, u32 group);
CpuIf& cpuif(Vcpu& vcpu);
// The vCPU's index in the GIC (creation order), kNoVcpu if it has none.
u16 gic_index(const Dist& d, const Vcpu& vcpu);
// kvm_mpidr_to_vcpu(): the first vCPU whose MPIDR affinity is `mpidr`.
Vcpu* mpidr_to_vcpu(Vm& vm, u64 mpidr);
u16 mpidr_to_index(Dist& d, u64 mpidr);

// Everything below is called with Dist::lock held.

// The interrupt `intid` as seen by `cpu` (private ones are banked), or null.
Irq* irq_at(Dist& d, CpuIf* cpu, u32 intid);
// Where an SPI goes: v3 by its route, v2 the lowest CPU in its targets.
u16 spi_target(Dist& d, const Irq& irq);
// After any change to an interrupt's state: the vCPU it may now reach is
// kicked out of its wait.
void changed(Dist& d, CpuIf* owner, Irq& irq);
// Rising edge or a level change on the input (KVM_IRQ_LINE, the timer).
void set_line(Dist& d, CpuIf* owner, Irq& irq, bool level);
// The same after ISPENDR/ICPENDR/ISACTIVER... writes.
void set_pending_latch(Dist& d, CpuIf* owner, Irq& irq, bool pending, u8 source_cpu);
void kick(Dist& d, u16 index);
void kick_all(Dist& d);

// The CPU interface.
u32 running_priority(const CpuIf& c);
u32 acknowledge(Dist& d, CpuIf& c, bool group1, bool any_group);
void end_of_interrupt(Dist& d, CpuIf& c, u32 value);
void deactivate(Dist& d, CpuIf& c, u32 value);
u32 highest_pending(Dist& d, CpuIf& c, bool group1, bool any_group);
// An acknowledge now would return an interrupt (the vCPU has work).
bool deliverable(Dist& d, CpuIf& c);
// Sends SGI `intid` to each vCPU index whose bit is set (v3: group rules).
void send_sgi(Dist& d, u16 from, u32 intid, const u64* targets, bool allow_group1);

// A frame on the MMIO bus: one register table, and for a v3
// redistributor the vCPU index it belongs to.
struct RegTable;
class Frame final : public IoHandler {
 public:
  Frame(Vm* vm, const RegTable* table, u16 redist) : vm_(vm), table_(table), redist_(redist) {}
  kx::Status read(Vcpu& vcpu, u64 offset, u32 len, u64* data) override;
  kx::Status write(Vcpu& vcpu, u64 offset, u32 len, u64 data) override;
  ~Frame() = default;

 private:
  Vm* vm_;
  const RegTable* table_;
  u16 redist_;
};

// The register tables (regs.cpp).
extern const RegTable kV3DistTable;
extern const RegTable kV3RedistTable;
extern const RegTable kV2DistTable;
extern const RegTable kV2CpuTable;
// Userspace access to one 32-bit register of a table: `cpu` is the
// redistributor's (v3) or the selected vCPU's (v2) interface.
kx::Status reg_uaccess(Dist& d, const RegTable& t, CpuIf* cpu, u32 offset, bool write, u32* val);
bool reg_exists(Dist& d, const RegTable& t, u32 offset);

// The ICC system registers (cpuif.cpp): userspace side, by instr encoding.
bool icc_user_exists(u32 instr);
kx::Status icc_uaccess(Dist& d, CpuIf& c, u32 instr, bool write, u64* val);

}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
