/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the GIC conformance files share (test_vgic_regs.c, test_vgic_its.c):
 * the arm64 GIC constants, a VM with a GICv3 and its vCPUs, the test as
 * the guest (KVM_EXT_GUEST_ACCESS), and a vCPU blocked in KVM_RUN.
 */
#ifndef KVM_EXT_VGIC_COMMON_H
#define KVM_EXT_VGIC_COMMON_H
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "abi_test.h"

/* ------------------------------------------------------------ constants */

#define V2 5 /* KVM_DEV_TYPE_ARM_VGIC_V2 */
#define V3 7 /* KVM_DEV_TYPE_ARM_VGIC_V3 */

/* KVM_DEV_ARM_VGIC_GRP_* and their attributes (arch/arm64/include/uapi/asm/kvm.h) */
#define GRP_ADDR 0
#define GRP_DIST 1
#define GRP_CPU 2
#define GRP_NR_IRQS 3
#define GRP_CTRL 4
#define GRP_REDIST 5
#define GRP_SYSREGS 6
#define GRP_LEVEL 7
#define CTRL_INIT 0
#define CTRL_SAVE_TABLES 3
#define ADDR_V2_DIST 0
#define ADDR_V2_CPU 1
#define ADDR_V3_DIST 2
#define ADDR_V3_REDIST 3
#define ADDR_V3_REGION 5
#define LEVEL_INFO(info) ((__u64)(info) << 10) /* VGIC_LEVEL_INFO_LINE_LEVEL is 0 */

/* KVM_IRQ_LINE irq_type (KVM_ARM_IRQ_TYPE_*) */
#define IRQ_CPU 0
#define IRQ_SPI 1
#define IRQ_PPI 2

/* Where the frames go (QEMU virt's layout) */
#define DIST_BASE 0x08000000ULL
#define CPU_BASE 0x08010000ULL	  /* v2 CPU interface, 8 KiB */
#define REDIST_BASE 0x080a0000ULL /* v3, 128 KiB per redistributor */
#define RD_SIZE 0x20000ULL
#define SGI_FRAME 0x10000

#define SPURIOUS 1023
#define MAX_VCPUS 4

/* GICD_* (v2 and v3) */
#define GICD_CTLR 0x0
#define GICD_TYPER 0x4
#define GICD_IIDR 0x8
#define GICD_TYPER2 0xc
#define GICD_STATUSR 0x10
#define GICD_IGROUPR 0x80
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8
#define GICD_CTLR_G1 (1U << 1)		/* v3 EnableGrp1 (with DS) */
#define GICD_CTLR_ARE_DS (1U << 4 | 1U << 6)
#define IIDR_V3 0x4b00343bU		/* KVM, revision 3, ARM */
#define IIDR_REV(iidr, rev) (((iidr) & ~0xf000U) | (__u32)(rev) << 12)

/* GICR_* (v3): the RD frame, then the SGI frame */
#define GICR_CTLR 0x0
#define GICR_IIDR 0x4
#define GICR_TYPER 0x8
#define GICR_STATUSR 0x10
#define GICR_WAKER 0x14
#define GICR_PROPBASER 0x70
#define GICR_PENDBASER 0x78
#define GICR_PIDR2 0xffe8
#define GICR_IGROUPR0 (SGI_FRAME + 0x80)
#define GICR_ISENABLER0 (SGI_FRAME + 0x100)
#define GICR_ICENABLER0 (SGI_FRAME + 0x180)
#define GICR_ISPENDR0 (SGI_FRAME + 0x200)
#define GICR_ICPENDR0 (SGI_FRAME + 0x280)
#define GICR_ISACTIVER0 (SGI_FRAME + 0x300)
#define GICR_ICACTIVER0 (SGI_FRAME + 0x380)
#define GICR_IPRIORITYR0 (SGI_FRAME + 0x400)
#define GICR_ICFGR0 (SGI_FRAME + 0xc00)
#define GICR_ICFGR1 (SGI_FRAME + 0xc04)
#define GICR_NSACR (SGI_FRAME + 0xe00)
#define GICR_TYPER_LAST (1U << 4)

/* GICC_* (v2) */
#define GICC_CTLR 0x0
#define GICC_PMR 0x4
#define GICC_BPR 0x8
#define GICC_IAR 0xc
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_AIAR 0x20
#define GICC_APR0 0xd0
#define GICC_NSAPR0 0xe0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000
#define GICC_CTLR_EOIMODE (1U << 9)

/*
 * ICC_* system registers: the CPU_SYSREGS instr field (Op0 3, Op1 0); the
 * guest reaches them as ARM64_SYS_REG() ids through KVM_EXT_ACCESS_SYSREG.
 */
#define ICC(crn, crm, op2) (3U << 14 | (crn) << 7 | (crm) << 3 | (op2))
#define ICC_PMR ICC(4, 6, 0)
#define ICC_IAR0 ICC(12, 8, 0)
#define ICC_EOIR0 ICC(12, 8, 1)
#define ICC_HPPIR0 ICC(12, 8, 2)
#define ICC_BPR0 ICC(12, 8, 3)
#define ICC_AP0R(n) ICC(12, 8, 4 + (n))
#define ICC_AP1R(n) ICC(12, 9, (n))
#define ICC_DIR ICC(12, 11, 1)
#define ICC_RPR ICC(12, 11, 3)
#define ICC_SGI1R ICC(12, 11, 5)
#define ICC_ASGI1R ICC(12, 11, 6)
#define ICC_SGI0R ICC(12, 11, 7)
#define ICC_IAR1 ICC(12, 12, 0)
#define ICC_EOIR1 ICC(12, 12, 1)
#define ICC_HPPIR1 ICC(12, 12, 2)
#define ICC_BPR1 ICC(12, 12, 3)
#define ICC_CTLR ICC(12, 12, 4)
#define ICC_SRE ICC(12, 12, 5)
#define ICC_IGRPEN0 ICC(12, 12, 6)
#define ICC_IGRPEN1 ICC(12, 12, 7)
#define SYSREG_ID(instr) (0x6030000000130000ULL | (instr))
/* ICC_CTLR_EL1 of the emulated host: PRIbits 4 (5 bits), IDbits 0, A3V */
#define ICC_CTLR_HOST (4U << 8 | 1U << 15)
#define ICC_CTLR_CBPR (1U << 0)
#define ICC_CTLR_EOIMODE (1U << 1)

/* ICC_SGI1R_EL1: INTID, the cluster (Aff3.Aff2.Aff1), a target list of Aff0 */
#define SGI1R(intid, aff1, list) ((__u64)(intid) << 24 | (__u64)(aff1) << 16 | (list))
#define SGI1R_IRM (1ULL << 40)

/* The vCPU ids the multi-vCPU GICv3 tests use: MPIDR Aff1.Aff0 0.0, 0.1, 1.0, 1.1. */
static const unsigned long ids_aff[MAX_VCPUS] = { 0, 1, 16, 17 };


struct gic {
	int vm, dev, model, n;
	int vcpu[MAX_VCPUS];
	unsigned long id[MAX_VCPUS];
	struct kvm_run *run[MAX_VCPUS];
};

/*
 * A VM with n vCPUs of the given ids (0..n-1 if none), each initialised,
 * and a GIC of `model`; then the frames placed; gic_up() adds NR_IRQS
 * (0: the default) and CTRL_INIT; gic_map() is the first KVM_RUN.
 */
bool gic_new(struct gic *g, int model, int n, const unsigned long *ids);
bool gic_place(struct gic *g);
bool gic_up(struct gic *g, int model, int n, const unsigned long *ids, __u32 nr_irqs);
bool gic_map(struct gic *g);
/* gic_up(), gic_map(), and the guest enables its GIC on every vCPU. */
bool gic_guest_up(struct gic *g, int model, int n, const unsigned long *ids);
/* The guest (vCPU 0) routes SPI intid (v3 IROUTER, v2 ITARGETSR), sets
 * its priority and trigger, and enables it. */
void guest_spi(const struct gic *g, __u32 intid, __u8 prio, __u32 route, bool edge);
int ctrl_init(int dev);
/* A 32-bit register attribute (GRP_DIST, GRP_REDIST, ...); raw results. */
int reg_set(int dev, __u32 grp, __u64 attr, __u32 val);
int reg_try_get(int dev, __u32 grp, __u64 attr, __u32 *val);

/* A load or store (KVM_EXT_ACCESS_MEM) and an ICC_* access as the guest. */
#define guest_rd(vcpu, addr, len) guest_mem_at(__LINE__, vcpu, false, addr, len, 0)
#define guest_wr(vcpu, addr, len, val) guest_mem_at(__LINE__, vcpu, true, addr, len, val)
__u64 guest_mem_at(int line, int vcpu, bool write, __u64 addr, __u32 len, __u64 val);
#define icc_rd(vcpu, instr) icc_at(__LINE__, vcpu, false, instr, 0)
#define icc_wr(vcpu, instr, val) icc_at(__LINE__, vcpu, true, instr, val)
__u64 icc_at(int line, int vcpu, bool write, __u32 instr, __u64 val);


#endif
