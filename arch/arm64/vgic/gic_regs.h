// SPDX-License-Identifier: GPL-2.0
// The GIC frames' register offsets, named as Linux names them
// (include/linux/irqchip/arm-gic-v3.h, arm-gic.h): the register tables
// (mmio.cpp, its_registers.cpp) are rows of these.
#pragma once

#include <kx/types.h>

namespace kvm {
namespace arm64 {
namespace vgic {
namespace regs {

// GICv3 and GICv2 distributor
constexpr u32 GICD_CTLR = 0x0000;
constexpr u32 GICD_STATUSR = 0x0010;
constexpr u32 GICD_IGROUPR = 0x0080;
constexpr u32 GICD_ISENABLER = 0x0100;
constexpr u32 GICD_ICENABLER = 0x0180;
constexpr u32 GICD_ISPENDR = 0x0200;
constexpr u32 GICD_ICPENDR = 0x0280;
constexpr u32 GICD_ISACTIVER = 0x0300;
constexpr u32 GICD_ICACTIVER = 0x0380;
constexpr u32 GICD_IPRIORITYR = 0x0400;
constexpr u32 GICD_ITARGETSR = 0x0800;
constexpr u32 GICD_ICFGR = 0x0c00;
constexpr u32 GICD_IGRPMODR = 0x0d00;
constexpr u32 GICD_SGIR = 0x0f00;
constexpr u32 GICD_CPENDSGIR = 0x0f10;
constexpr u32 GICD_SPENDSGIR = 0x0f20;
constexpr u32 GICD_IROUTER = 0x6000;
constexpr u32 GICD_IDREGS = 0xffd0;
constexpr u32 GICD_PIDR2 = 0xffe8;

// GICv3 redistributor: RD_base frame, then the SGI_base frame 64 KiB on
constexpr u32 GICR_CTLR = 0x0000;
constexpr u32 GICR_IIDR = 0x0004;
constexpr u32 GICR_TYPER = 0x0008;
constexpr u32 GICR_STATUSR = 0x0010;
constexpr u32 GICR_WAKER = 0x0014;
constexpr u32 GICR_PROPBASER = 0x0070;
constexpr u32 GICR_PENDBASER = 0x0078;
constexpr u32 GICR_INVLPIR = 0x00a0;
constexpr u32 GICR_INVALLR = 0x00b0;
constexpr u32 GICR_SYNCR = 0x00c0;
constexpr u32 GICR_IDREGS = 0xffd0;
constexpr u32 GICR_PIDR2 = GICD_PIDR2;
constexpr u32 SGI_BASE = 0x10000;
// In the SGI_base frame (offsets from it), as the distributor's
constexpr u32 GICR_IGROUPR0 = GICD_IGROUPR;
constexpr u32 GICR_ISENABLER0 = GICD_ISENABLER;
constexpr u32 GICR_ICENABLER0 = GICD_ICENABLER;
constexpr u32 GICR_ISPENDR0 = GICD_ISPENDR;
constexpr u32 GICR_ICPENDR0 = GICD_ICPENDR;
constexpr u32 GICR_ISACTIVER0 = GICD_ISACTIVER;
constexpr u32 GICR_ICACTIVER0 = GICD_ICACTIVER;
constexpr u32 GICR_IPRIORITYR0 = GICD_IPRIORITYR;
constexpr u32 GICR_ICFGR0 = GICD_ICFGR;
constexpr u32 GICR_IGRPMODR0 = GICD_IGRPMODR;
constexpr u32 GICR_NSACR = 0x0e00;

// GICv2 CPU interface
constexpr u32 GIC_CPU_CTRL = 0x00;
constexpr u32 GIC_CPU_PRIMASK = 0x04;
constexpr u32 GIC_CPU_BINPOINT = 0x08;
constexpr u32 GIC_CPU_INTACK = 0x0c;
constexpr u32 GIC_CPU_EOI = 0x10;
constexpr u32 GIC_CPU_RUNNINGPRI = 0x14;
constexpr u32 GIC_CPU_HIGHPRI = 0x18;
constexpr u32 GIC_CPU_ALIAS_BINPOINT = 0x1c;
constexpr u32 GIC_CPU_ALIAS_INTACK = 0x20;
constexpr u32 GIC_CPU_ALIAS_EOI = 0x24;
constexpr u32 GIC_CPU_ALIAS_HIGHPRI = 0x28;
constexpr u32 GIC_CPU_ACTIVEPRIO = 0xd0;
constexpr u32 GIC_CPU_NSACTIVEPRIO = 0xe0;
constexpr u32 GIC_CPU_IDENT = 0xfc;
constexpr u32 GIC_CPU_DEACTIVATE = 0x1000;

// GICv3 ITS control frame
constexpr u32 GITS_CTLR = 0x0000;
constexpr u32 GITS_IIDR = 0x0004;
constexpr u32 GITS_TYPER = 0x0008;
constexpr u32 GITS_CBASER = 0x0080;
constexpr u32 GITS_CWRITER = 0x0088;
constexpr u32 GITS_CREADR = 0x0090;
constexpr u32 GITS_BASER = 0x0100;
constexpr u32 GITS_IDREGS_BASE = 0xffd0;
constexpr u32 GITS_PIDR4 = 0xffd0;
constexpr u32 GITS_PIDR0 = 0xffe0;
constexpr u32 GITS_PIDR1 = 0xffe4;
constexpr u32 GITS_PIDR2 = GICR_PIDR2;
constexpr u32 GITS_CIDR0 = 0xfff0;
constexpr u32 GITS_CIDR1 = 0xfff4;
constexpr u32 GITS_CIDR2 = 0xfff8;
constexpr u32 GITS_CIDR3 = 0xfffc;

}  // namespace regs
}  // namespace vgic
}  // namespace arm64
}  // namespace kvm
