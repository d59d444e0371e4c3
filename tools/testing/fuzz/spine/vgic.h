// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's arm64 VGIC configuration (vgic.cpp): the GIC model's
// regions and the vCPUs it finds, for the other areas.

#ifndef SPINE_VGIC_H
#define SPINE_VGIC_H

#include "input.h"

namespace spine {

constexpr uint32_t kGicGrpAddr = 0, kGicGrpNrIrqs = 3, kGicGrpCtrl = 4;
constexpr uint64_t kGicCtrlInit = 0, kGicCtrlSavePending = 3;
constexpr uint64_t kGicV2Dist = 0, kGicV2Cpu = 1, kGicV3Dist = 2, kGicV3Redist = 3,
                   kGicV3RedistRegion = 5;
constexpr uint64_t kGicRedistSize = 0x20000, kGicV3Align = 0x10000;
constexpr uint64_t kRdIndexMask = 0xfff, kRdFlagsMask = 0xf000, kRdBaseMask = 0x000fffffffff0000ull;
constexpr uint8_t kPayloadFill = 0xa5;
constexpr unsigned kGicV2 = KX_DEV_TYPE_ARM_VGIC_V2, kGicV3 = KX_DEV_TYPE_ARM_VGIC_V3;

// VGIC_V2_MAX_CPUS, VGIC_V3_MAX_CPUS
uint32_t gic_max_cpus(unsigned model);
// CTRL_INIT (or the first KVM_RUN of a GICv2): the default SPIs.
void gic_init_model(GicModel& m);
// How many redistributors the regions hold (~0: a legacy region).
uint64_t gic_rd_capacity(const GicModel& m);
// vgic_v3_check_base().
bool gic_v3_check_base(const VmModel& v);
// Redistributor `index`'s frame: regions fill in index order (kGicUndef:
// none).
uint64_t gic_redist_base(const GicModel& m, uint32_t index);
// kvm_vgic_map_resources()'s checks at the first KVM_RUN (0: the frames
// go on the bus; a GICv2 initialises itself first).
int gic_run_gate(const VmModel& v);
// Whether a GICv2 is initialised, asked without changing anything: a
// duplicate KVM_CREATE_VCPU meets the initialised GIC's -EBUSY before
// -EEXIST (below the GIC's vCPU limit). -1: cannot tell.
int gic_probe_initialized(int vi);

// The model's vCPUs as the GIC finds them: MPIDR_EL1, the index in
// creation order, and the first vCPU in creation order whose MPIDR
// affinity is `aff` (kvm_mpidr_to_vcpu()).
uint64_t vcpu_mpidr(const VmModel& v, uint32_t id);
int vcpu_index(const VmModel& v, uint32_t id);
int vcpu_by_mpidr(const VmModel& v, uint64_t aff);
// MPIDR affinity as the attributes carry it in bits 63:32: Aff3 in 31:24.
uint64_t mpidr_to_attr(uint64_t mpidr);
uint64_t attr_to_mpidr(uint64_t a);

// KVM_{SET,GET,HAS}_DEVICE_ATTR on a VGIC device fd (op_device_attr()).
void op_vgic_attr(Input& in, DevFd& d, int op);
// At the end of an input, every GIC with a device fd open is read back.
void audit_gics();

}  // namespace spine

#endif  // SPINE_VGIC_H
