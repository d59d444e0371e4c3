// SPDX-License-Identifier: GPL-2.0
/*
 * The ITS (issue 7): devices/arm-vgic-its.rst, the SAVE_PENDING_TABLES row
 * of devices/arm-vgic-v3.rst, and api.rst KVM_SIGNAL_MSI (4.71) and
 * KVM_CAP_MSI_DEVID.
 *
 * - every errno row of KVM_DEV_ARM_VGIC_GRP_ADDR, _GRP_CTRL and
 *   _GRP_ITS_REGS, HAS_DEVICE_ATTR, the reset state, and the register
 *   rules (GITS_CREADR and GITS_IIDR writes, CBASER resetting CREADR);
 * - KVM_SIGNAL_MSI's errno rows and return values;
 * - with the test as the guest driver (KVM_EXT_GUEST_ACCESS, kvm_ext only):
 *   two ITS, 64 devices, 1024 events mapped through the command queue,
 *   MSIs acknowledged through ICC_IAR1_EL1, the tables saved in ABI REV0,
 *   decoded here from guest RAM, restored into a fresh VM in the
 *   document's order with the same translations and pending state; a
 *   corrupted image refused with nothing half-restored; tables outside
 *   guest RAM -EFAULT; the saved table pages in the dirty log.
 *
 * Where the document is silent the ground truth is Linux 6.1
 * arch/arm64/kvm/vgic/vgic-its.c; each test names the function. Where
 * kvm_ext follows the document against 6.1 the test is kvm_ext-only and
 * Documentation/differences.rst lists it.
 *
 * arm64 only.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "abi_test.h"
#include "vgic_common.h"

#define REF_ITS "devices/arm-vgic-its.rst"
#define REF_ADDR "devices/arm-vgic-its.rst KVM_DEV_ARM_VGIC_GRP_ADDR"
#define REF_CTRL "devices/arm-vgic-its.rst KVM_DEV_ARM_VGIC_GRP_CTRL"
#define REF_REGS "devices/arm-vgic-its.rst KVM_DEV_ARM_VGIC_GRP_ITS_REGS"
#define REF_RESET "devices/arm-vgic-its.rst ITS Reset State"
#define REF_MSI "api.rst 4.71 KVM_SIGNAL_MSI, 8.x KVM_CAP_MSI_DEVID"
#define REF_ABI "devices/arm-vgic-its.rst ITS Table ABI REV0, ITS Restore Sequence"
#define REF_PEND "devices/arm-vgic-v3.rst KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES"

#define ITS 8 /* KVM_DEV_TYPE_ARM_VGIC_ITS */
#define GRP_ITS_REGS 8
#define ADDR_ITS 4 /* KVM_VGIC_ITS_ADDR_TYPE */
#define ITS_RESET KVM_DEV_ARM_ITS_CTRL_RESET /* 4 */
#define ITS_SAVE KVM_DEV_ARM_ITS_SAVE_TABLES /* 1 */
#define ITS_RESTORE KVM_DEV_ARM_ITS_RESTORE_TABLES /* 2 */
#define CTRL_SAVE_PENDING KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES /* 3, the GIC's */
#define MSI_VALID_DEVID 1

/* Where things are: two ITS frames clear of the GIC's, one RAM slot. */
#define ITS0_BASE 0x08080000ULL
#define ITS1_BASE 0x08040000ULL
#define ITS_SIZE 0x20000ULL
#define TRANSLATER 0x10040
#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x400000ULL
#define PROP_OFF 0x0			     /* 64 KiB: 16 ID bits */
#define PEND_OFF(i) (0x10000 + (i) * 0x10000) /* 8 KiB each, 64 KiB aligned */
#define ITS_RAM(k) (0x100000 + (k) * 0x100000)
#define DT_OFF(k) ITS_RAM(k)		     /* one 64 KiB page: 8192 DTEs */
#define CT_OFF(k) (ITS_RAM(k) + 0x10000)
#define CQ_OFF(k) (ITS_RAM(k) + 0x20000) /* 64 KiB queue */
#define ITT_OFF(k, d) (ITS_RAM(k) + 0x30000 + (d) * 0x100)

/* GITS_* */
#define GITS_CTLR 0x0
#define GITS_IIDR 0x4
#define GITS_TYPER 0x8
#define GITS_CBASER 0x80
#define GITS_CWRITER 0x88
#define GITS_CREADR 0x90
#define GITS_BASER(n) (0x100 + (n) * 8)
#define GITS_PIDR2 0xffe8
#define GITS_CTLR_ENABLE 1U
#define GITS_CTLR_QUIESCENT (1U << 31)
#define GITS_IIDR_KVM 0x4b00043bU /* KVM, revision 0, ARM */
/* PLPIS, ITT entry 8 bytes, 16 EventID bits, 16 DeviceID bits */
#define GITS_TYPER_KVM (1ULL | 7ULL << 4 | 15ULL << 8 | 15ULL << 13)
#define BASER_VALID (1ULL << 63)
#define BASER_INDIRECT (1ULL << 62)
/* INITIAL_BASER_VALUE with the type and the 8-byte entry size */
#define BASER_INITIAL(type) (3ULL << 59 | (__u64)(type) << 56 | 7ULL << 48 | 1ULL << 10 | 2ULL << 8)
/* What a guest's BASER write of just Valid and the address reads back as:
 * inner cacheability nCnB sanitised to RaWb, non-shareable kept. */
#define BASER_GUEST(type) (3ULL << 59 | (__u64)(type) << 56 | 7ULL << 48 | 2ULL << 8)
#define GICR_CTLR_ENABLE_LPIS 1U
#define LPI_PRIO 0xa0

/* Commands */
#define CMD_MOVI 0x01
#define CMD_INT 0x03
#define CMD_CLEAR 0x04
#define CMD_SYNC 0x05
#define CMD_MAPD 0x08
#define CMD_MAPC 0x09
#define CMD_MAPTI 0x0a
#define CMD_MAPI 0x0b
#define CMD_INV 0x0c
#define CMD_INVALL 0x0d
#define CMD_MOVALL 0x0e
#define CMD_DISCARD 0x0f

/* The flow's shape: 2 ITS x 32 devices x 16 events = 1024 LPIs. */
#define NR_ITS 2
#define DEVS 32
#define EVENTS 16
#define NVCPU 2
#define LPI_OF(k, d, e) ((__u32)(8192 + ((k) * DEVS + (d)) * EVENTS + (e)))
#define DEVID_OF(d) ((d) * 3 + 5) /* sparse DeviceIDs: next offsets of 3 */

static const __u64 its_base[NR_ITS] = { ITS0_BASE, ITS1_BASE };

/* ------------------------------------------------------------ helpers */

static int set_addr64(int dev, __u32 grp, __u64 attr, __u64 v)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, grp, attr, (__u64)(uintptr_t)&v);
}

static int get_addr64(int dev, __u32 grp, __u64 attr, __u64 *v)
{
	return dev_attr(dev, KVM_GET_DEVICE_ATTR, grp, attr, (__u64)(uintptr_t)v);
}

static int its_set(int dev, __u64 off, __u64 v)
{
	return set_addr64(dev, GRP_ITS_REGS, off, v);
}

static __u64 its_get_at(int line, int dev, __u64 off)
{
	__u64 v = 0xdead;
	int r = get_addr64(dev, GRP_ITS_REGS, off, &v), err = errno;

	expect_errno_at(__FILE__, line, "ITS_REGS get", r, err, 0);
	return v;
}
#define its_get(dev, off) its_get_at(__LINE__, dev, off)

static int ctrl(int dev, __u64 attr)
{
	return dev_attr(dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, attr, 0);
}

static int has(int dev, __u32 grp, __u64 attr)
{
	return dev_attr(dev, KVM_HAS_DEVICE_ATTR, grp, attr, 0);
}

static int new_its(int vm)
{
	__u32 fd = 0;

	if (!expect_errno(create_device(vm, ITS, 0, &fd), 0))
		return -1;
	return (int)fd;
}

static int signal_msi(int vm, __u64 addr, __u32 data, __u32 devid, __u32 flags)
{
	struct kvm_msi msi = {
		.address_lo = (__u32)addr,
		.address_hi = (__u32)(addr >> 32),
		.data = data,
		.flags = flags,
		.devid = devid,
	};

	return ioctl(vm, KVM_SIGNAL_MSI, &msi);
}

/* An ITS VM: vCPUs, a GICv3 up (not yet run), ITSes placed, guest RAM. */
struct itsvm {
	struct gic g;
	int its[NR_ITS];
	__u8 *ram;
	/* the guest driver's command queue write pointers */
	__u64 cwriter[NR_ITS];
};

static bool itsvm_new(struct itsvm *v, __u32 slot_flags, bool init)
{
	int k;

	memset(v, 0, sizeof(*v));
	if (!gic_new(&v->g, V3, NVCPU, NULL) || !gic_place(&v->g))
		return false;
	v->ram = alloc_mem(RAM_SIZE);
	if (!v->ram || !expect_errno(set_region(v->g.vm, 0, slot_flags, RAM_BASE, RAM_SIZE, v->ram), 0))
		return false;
	for (k = 0; k < NR_ITS; k++) {
		v->its[k] = new_its(v->g.vm);
		if (v->its[k] < 0 || !expect_errno(set_addr64(v->its[k], GRP_ADDR, ADDR_ITS, its_base[k]), 0))
			return false;
	}
	return !init || expect_errno(ctrl_init(v->g.dev), 0);
}

static __u64 rd(int i)
{
	return REDIST_BASE + (__u64)i * RD_SIZE;
}

/* The guest's GIC and LPI bring-up, as Linux's irq-gic-v3(-its).c does it. */
static bool guest_lpis_up(struct itsvm *v)
{
	int i;

	if (!gic_map(&v->g))
		return false;
	guest_wr(v->g.vcpu[0], DIST_BASE + GICD_CTLR, 4, GICD_CTLR_G1);
	/* every LPI this test uses: enabled, one priority */
	for (i = 0; i < NR_ITS * DEVS * EVENTS; i++)
		v->ram[PROP_OFF + i] = LPI_PRIO | 1;
	for (i = 0; i < NVCPU; i++) {
		icc_wr(v->g.vcpu[i], ICC_PMR, 0xff);
		icc_wr(v->g.vcpu[i], ICC_IGRPEN1, 1);
		/* IDbits 15: 16 bits of INTID */
		guest_wr(v->g.vcpu[i], rd(i) + GICR_PROPBASER, 8, RAM_BASE + PROP_OFF + 15);
		guest_wr(v->g.vcpu[i], rd(i) + GICR_PENDBASER, 8, RAM_BASE + PEND_OFF(i));
		guest_wr(v->g.vcpu[i], rd(i) + GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS);
	}
	return !test_failed();
}

/* The ITS's tables and queue, then GITS_CTLR.Enable. */
static bool guest_its_up(struct itsvm *v, int k)
{
	__u64 b = its_base[k];
	int vc = v->g.vcpu[0];

	guest_wr(vc, b + GITS_BASER(0), 8, BASER_VALID | (RAM_BASE + DT_OFF(k)));
	guest_wr(vc, b + GITS_BASER(1), 8, BASER_VALID | (RAM_BASE + CT_OFF(k)));
	guest_wr(vc, b + GITS_CBASER, 8, BASER_VALID | (RAM_BASE + CQ_OFF(k)) | 15);
	guest_wr(vc, b + GITS_CTLR, 4, GITS_CTLR_ENABLE);
	v->cwriter[k] = 0;
	return expect_eq(guest_rd(vc, b + GITS_CTLR, 4), GITS_CTLR_ENABLE | GITS_CTLR_QUIESCENT);
}

static void put_le64(__u8 *p, __u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (__u8)(v >> (8 * i));
}

static __u64 le64(const __u8 *p)
{
	__u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (__u64)p[i] << (8 * i);
	return v;
}

/* Queues one command (four little-endian doublewords) at CWRITER. */
static void cmd(struct itsvm *v, int k, __u64 d0, __u64 d1, __u64 d2, __u64 d3)
{
	__u8 *q = v->ram + CQ_OFF(k) + v->cwriter[k];

	put_le64(q, d0);
	put_le64(q + 8, d1);
	put_le64(q + 16, d2);
	put_le64(q + 24, d3);
	v->cwriter[k] = (v->cwriter[k] + 32) % 0x10000;
}

/* The guest tells the ITS, which runs the queue to CWRITER. */
static void kick(struct itsvm *v, int k)
{
	guest_wr(v->g.vcpu[0], its_base[k] + GITS_CWRITER, 8, v->cwriter[k]);
	expect_eq(guest_rd(v->g.vcpu[0], its_base[k] + GITS_CREADR, 8), v->cwriter[k]);
}

static void mapd(struct itsvm *v, int k, __u32 devid, __u64 itt, __u32 bits, bool valid)
{
	cmd(v, k, CMD_MAPD | (__u64)devid << 32, bits - 1, (valid ? 1ULL << 63 : 0) | itt, 0);
}

static void mapc(struct itsvm *v, int k, __u32 icid, __u32 target, bool valid)
{
	cmd(v, k, CMD_MAPC, 0, (valid ? 1ULL << 63 : 0) | (__u64)target << 16 | icid, 0);
}

static void mapti(struct itsvm *v, int k, __u32 devid, __u32 ev, __u32 lpi, __u32 icid)
{
	cmd(v, k, CMD_MAPTI | (__u64)devid << 32, ev | (__u64)lpi << 32, icid, 0);
}

static void cmd_dev_ev(struct itsvm *v, int k, __u8 code, __u32 devid, __u32 ev, __u32 icid)
{
	cmd(v, k, code | (__u64)devid << 32, ev, icid, 0);
}

/* What the flow maps: (k, d, e) -> LPI_OF() on collection (d + e) % NVCPU. */
static int target_of_ev(int d, int e)
{
	return (d + e) % NVCPU;
}

static void guest_map_all(struct itsvm *v)
{
	int k, d, e, i;

	for (k = 0; k < NR_ITS; k++) {
		for (i = 0; i < NVCPU; i++)
			mapc(v, k, (__u32)i, (__u32)i, true);
		for (d = 0; d < DEVS; d++) {
			mapd(v, k, DEVID_OF(d), RAM_BASE + ITT_OFF(k, d), 4, true);
			for (e = 0; e < EVENTS; e++)
				mapti(v, k, DEVID_OF(d), (__u32)e, LPI_OF(k, d, e),
				      (__u32)target_of_ev(d, e));
		}
		cmd(v, k, CMD_SYNC, 0, 0, 0);
		kick(v, k);
	}
}

/* The flow's VM: LPIs up, both ITS up, everything mapped by the guest. */
static bool itsvm_mapped(struct itsvm *v, __u32 slot_flags)
{
	int k;

	if (!itsvm_new(v, slot_flags, true) || !guest_lpis_up(v))
		return false;
	for (k = 0; k < NR_ITS; k++)
		if (!guest_its_up(v, k))
			return false;
	guest_map_all(v);
	return !test_failed();
}

/* The guest takes and completes the highest pending interrupt on vCPU i. */
static __u32 ack(struct itsvm *v, int i)
{
	__u32 intid = (__u32)icc_rd(v->g.vcpu[i], ICC_IAR1);

	if (intid != SPURIOUS)
		icc_wr(v->g.vcpu[i], ICC_EOIR1, intid);
	return intid;
}

/* GSI gsi's one route: an MSI to ITS k for (devid, event). */
static int set_msi_route(int vm, __u32 gsi, int k, __u32 devid, __u32 event, __u32 flags)
{
	struct {
		struct kvm_irq_routing hdr;
		struct kvm_irq_routing_entry e[1];
	} r;

	memset(&r, 0, sizeof(r));
	r.hdr.nr = 1;
	r.e[0].gsi = gsi;
	r.e[0].type = KVM_IRQ_ROUTING_MSI;
	r.e[0].flags = flags;
	r.e[0].u.msi.address_lo = (__u32)(its_base[k] + TRANSLATER);
	r.e[0].u.msi.data = event;
	r.e[0].u.msi.devid = devid;
	return ioctl(vm, KVM_SET_GSI_ROUTING, &r);
}

/* A new eventfd, assigned as an irqfd of gsi; -1 after a recorded failure. */
static int new_irqfd(int vm, __u32 gsi)
{
	struct kvm_irqfd fd;
	int efd = track_fd(eventfd(0, EFD_CLOEXEC));

	memset(&fd, 0, sizeof(fd));
	fd.fd = (__u32)efd;
	fd.gsi = gsi;
	return expect_errno(ioctl(vm, KVM_IRQFD, &fd), 0) ? efd : -1;
}

/* ------------------------------------------------------------ A: errno rows */

/*
 * "There can be multiple ITS controllers per guest". Creating one needs a
 * host GICv3 (the emulated host has one), not a VM GICv3: 6.1 registers
 * the type at init (kvm_register_vgic_device()), vgic_its_create() checks
 * only the type.
 */
static void t_create(const struct abi_test *t)
{
	__u32 fd = 0;
	int vm = new_vm(0);

	(void)t;
	expect_errno(create_device(vm, ITS, KVM_CREATE_DEVICE_TEST, &fd), 0);
	expect_true(new_its(vm) >= 0);
	expect_true(new_its(vm) >= 0);
	expect_eq(check_ext(vm, KVM_CAP_MSI_DEVID), 1);
}

/* GRP_ADDR: every row of the table, and one frame per ITS. */
static void t_addr(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_its(vm), b = new_its(vm);
	__u64 v = 0;

	(void)t;
	expect_errno(get_addr64(a, GRP_ADDR, ADDR_ITS, &v), 0);
	expect_eq(v, ~0ULL); /* VGIC_ADDR_UNDEF */
	expect_errno(set_addr64(a, GRP_ADDR, 0, ITS0_BASE), ENODEV);
	expect_errno(set_addr64(a, GRP_ADDR, 3, ITS0_BASE), ENODEV);
	expect_errno(get_addr64(a, GRP_ADDR, 5, &v), ENODEV);
	expect_errno(dev_attr(a, KVM_SET_DEVICE_ATTR, GRP_ADDR, ADDR_ITS, (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(dev_attr(a, KVM_GET_DEVICE_ATTR, GRP_ADDR, ADDR_ITS, (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(set_addr64(a, GRP_ADDR, ADDR_ITS, ITS0_BASE + 0x8000), EINVAL); /* 64K */
	expect_errno(set_addr64(a, GRP_ADDR, ADDR_ITS, 1ULL << 40), E2BIG);	  /* 40-bit IPA */
	expect_errno(set_addr64(a, GRP_ADDR, ADDR_ITS, (1ULL << 40) - 0x10000), E2BIG); /* 128K */
	expect_errno(get_addr64(a, GRP_ADDR, ADDR_ITS, &v), 0);
	expect_eq(v, ~0ULL); /* refused: nothing set */
	expect_errno(set_addr64(a, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0);
	expect_errno(set_addr64(a, GRP_ADDR, ADDR_ITS, ITS1_BASE), EEXIST);
	expect_errno(get_addr64(a, GRP_ADDR, ADDR_ITS, &v), 0);
	expect_eq(v, ITS0_BASE);
	expect_errno(set_addr64(b, GRP_ADDR, ADDR_ITS, ITS1_BASE), 0);
	expect_errno(get_addr64(b, GRP_ADDR, ADDR_ITS, &v), 0);
	expect_eq(v, ITS1_BASE);
}

/*
 * "each of them has to have a separate, non-overlapping MMIO region":
 * kvm_ext refuses an overlapping frame (-EEXIST); 6.1's
 * kvm_io_bus_register_dev() takes it and the lower one shadows the other
 * (Documentation/differences.rst).
 */
static void t_addr_overlap(const struct abi_test *t)
{
	int vm = new_vm(0), a = new_its(vm), b = new_its(vm);
	__u64 v = 0;

	(void)t;
	expect_errno(set_addr64(a, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0);
	expect_errno(set_addr64(b, GRP_ADDR, ADDR_ITS, ITS0_BASE + 0x10000), EEXIST);
	expect_errno(get_addr64(b, GRP_ADDR, ADDR_ITS, &v), 0);
	expect_eq(v, ~0ULL);
	expect_errno(set_addr64(b, GRP_ADDR, ADDR_ITS, ITS0_BASE + ITS_SIZE), 0);
}

/* vgic_its_has_attr() and vgic_its_has_attr_regs(). */
static void t_has_attr(const struct abi_test *t)
{
	static const __u64 regs[] = { GITS_CTLR,     GITS_IIDR,	    GITS_TYPER,	   GITS_CBASER,
				      GITS_CWRITER,  GITS_CREADR,   GITS_BASER(0), GITS_BASER(1),
				      GITS_BASER(7), 0xffd0,	    GITS_PIDR2,	   0xfffc };
	int vm = new_vm(0), d = new_its(vm);
	size_t i;

	(void)t;
	expect_errno(has(d, GRP_ADDR, ADDR_ITS), 0);
	expect_errno(has(d, GRP_ADDR, 0), ENXIO);
	expect_errno(has(d, GRP_CTRL, CTRL_INIT), 0);
	expect_errno(has(d, GRP_CTRL, ITS_SAVE), 0);
	expect_errno(has(d, GRP_CTRL, ITS_RESTORE), 0);
	expect_errno(has(d, GRP_CTRL, ITS_RESET), 0);
	expect_errno(has(d, GRP_CTRL, CTRL_SAVE_PENDING), ENXIO); /* the GIC's attribute */
	expect_errno(has(d, GRP_CTRL, 5), ENXIO);
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		expect_errno(has(d, GRP_ITS_REGS, regs[i]), 0);
	expect_errno(has(d, GRP_ITS_REGS, GITS_TYPER + 4), EINVAL); /* 64-bit: 8-aligned */
	expect_errno(has(d, GRP_ITS_REGS, GITS_BASER(0) + 4), EINVAL);
	expect_errno(has(d, GRP_ITS_REGS, GITS_CTLR + 2), EINVAL);
	expect_errno(has(d, GRP_ITS_REGS, 0x10), ENXIO);
	expect_errno(has(d, GRP_ITS_REGS, 0x10040), ENXIO); /* GITS_TRANSLATER is not state */
	expect_errno(has(d, 1, 0), ENXIO);
	expect_errno(has(d, GRP_NR_IRQS, 0), ENXIO);
}

/*
 * GRP_ITS_REGS rows: -ENXIO before the base address (6.1 checks
 * vgic_its_base) and for an offset without a register, -EINVAL for a
 * misaligned one, -EFAULT for a bad pointer (a write reads it first).
 */
static void t_regs_errnos(const struct abi_test *t)
{
	int vm = new_vm(0), d = new_its(vm);
	__u64 v = 0;

	(void)t;
	expect_errno(get_addr64(d, GRP_ITS_REGS, GITS_CTLR, &v), ENXIO);
	expect_errno(its_set(d, GITS_CBASER, 0), ENXIO);
	expect_errno(set_addr64(d, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0);
	expect_errno(get_addr64(d, GRP_ITS_REGS, GITS_CTLR, &v), 0);
	expect_errno(get_addr64(d, GRP_ITS_REGS, 0x10, &v), ENXIO);
	expect_errno(get_addr64(d, GRP_ITS_REGS, 0x20000, &v), ENXIO);
	expect_errno(get_addr64(d, GRP_ITS_REGS, GITS_CBASER + 4, &v), EINVAL);
	expect_errno(its_set(d, GITS_CWRITER + 1, 0), EINVAL);
	expect_errno(get_addr64(d, GRP_ITS_REGS, GITS_IIDR + 1, &v), EINVAL);
	expect_errno(dev_attr(d, KVM_GET_DEVICE_ATTR, GRP_ITS_REGS, GITS_TYPER,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(dev_attr(d, KVM_SET_DEVICE_ATTR, GRP_ITS_REGS, GITS_CBASER,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	/* the bad pointer is read before the offset is checked (6.1 get_user()) */
	expect_errno(dev_attr(d, KVM_SET_DEVICE_ATTR, GRP_ITS_REGS, GITS_CBASER + 4,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(dev_attr(d, KVM_SET_DEVICE_ATTR, GRP_NR_IRQS, 0, 0), ENXIO);
	expect_errno(dev_attr(d, KVM_GET_DEVICE_ATTR, GRP_CTRL, ITS_RESET, 0), ENXIO);
}

/* A new ITS: the reset state and KVM's constant registers. */
static void t_regs_initial(const struct abi_test *t)
{
	int vm = new_vm(0), d = new_its(vm);

	(void)t;
	if (!expect_errno(set_addr64(d, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0))
		return;
	expect_eq(its_get(d, GITS_CTLR), GITS_CTLR_QUIESCENT);
	expect_eq(its_get(d, GITS_IIDR), GITS_IIDR_KVM);
	expect_eq(its_get(d, GITS_TYPER), GITS_TYPER_KVM);
	expect_eq(its_get(d, GITS_CBASER), 0);
	expect_eq(its_get(d, GITS_CREADR), 0);
	expect_eq(its_get(d, GITS_CWRITER), 0);
	expect_eq(its_get(d, GITS_BASER(0)), BASER_INITIAL(1));
	expect_eq(its_get(d, GITS_BASER(1)), BASER_INITIAL(4));
	expect_eq(its_get(d, GITS_BASER(2)), 0);
	expect_eq(its_get(d, GITS_PIDR2), 0x3b); /* GICv3 */
	expect_eq(its_get(d, 0xffe0), 0x92);
	expect_eq(its_get(d, 0xfff0), 0x0d);
}

/*
 * The documented write rules: "Writes to read-only registers are ignored
 * by the kernel except for" GITS_CREADR (-EBUSY while enabled, -EINVAL
 * beyond the queue: vgic_mmio_uaccess_write_its_creadr()) and GITS_IIDR
 * (the revision: -EINVAL for one that does not exist). CBASER resets
 * CREADR; BASER's type and entry size are read-only, the collection
 * table is never indirect, the page size is 64K.
 */
static void t_regs_rules(const struct abi_test *t)
{
	int vm = new_vm(0), d = new_its(vm);

	(void)t;
	if (!expect_errno(set_addr64(d, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0))
		return;
	expect_errno(its_set(d, GITS_TYPER, 0), 0);
	expect_eq(its_get(d, GITS_TYPER), GITS_TYPER_KVM);
	expect_errno(its_set(d, GITS_IIDR, GITS_IIDR_KVM | 1U << 12), EINVAL);
	expect_errno(its_set(d, GITS_IIDR, GITS_IIDR_KVM | 0xfU << 12), EINVAL);
	expect_errno(its_set(d, GITS_IIDR, 0), 0); /* revision 0; the rest is read-only */
	expect_eq(its_get(d, GITS_IIDR), GITS_IIDR_KVM);

	expect_errno(its_set(d, GITS_CBASER, BASER_VALID | 0x50000000ULL | 3ULL << 59 | 1ULL << 10 | 1), 0);
	expect_eq(its_get(d, GITS_CBASER), BASER_VALID | 0x50000000ULL | 3ULL << 59 | 1ULL << 10 | 1);
	expect_errno(its_set(d, GITS_CREADR, 0x1fe0), 0); /* 8 KiB queue */
	expect_eq(its_get(d, GITS_CREADR), 0x1fe0);
	expect_errno(its_set(d, GITS_CREADR, 0x2000), EINVAL);
	expect_eq(its_get(d, GITS_CREADR), 0x1fe0);
	expect_errno(its_set(d, GITS_CREADR, 0x101f), 0); /* bits 19:5 only */
	expect_eq(its_get(d, GITS_CREADR), 0x1000);
	expect_errno(its_set(d, GITS_CWRITER, 0x1000), 0);
	expect_eq(its_get(d, GITS_CWRITER), 0x1000);
	expect_eq(its_get(d, GITS_CTLR), GITS_CTLR_QUIESCENT); /* CREADR == CWRITER */
	expect_errno(its_set(d, GITS_CWRITER, 0x4000), 0);	/* beyond the queue: ignored */
	expect_eq(its_get(d, GITS_CWRITER), 0x1000);
	/* "a write to GITS_CBASER resets GITS_CREADR" (and CWRITER) */
	expect_errno(its_set(d, GITS_CBASER, BASER_VALID | 0x60000000ULL | 3ULL << 59 | 1ULL << 10), 0);
	expect_eq(its_get(d, GITS_CREADR), 0);
	expect_eq(its_get(d, GITS_CWRITER), 0);
	/* CBASER: the address 64 KiB aligned (bits 15:12 cleared) */
	expect_errno(its_set(d, GITS_CBASER, BASER_VALID | 0x60003000ULL | 3ULL << 59 | 1ULL << 10), 0);
	expect_eq(its_get(d, GITS_CBASER), BASER_VALID | 0x60000000ULL | 3ULL << 59 | 1ULL << 10);

	/* BASER: type, entry size read-only; 64K pages; no indirect collection table */
	expect_errno(its_set(d, GITS_BASER(0), BASER_VALID | BASER_INDIRECT | 0x70000000ULL | 0x1fULL << 48 | 7ULL << 56 | 3ULL << 59 | 1ULL << 10), 0);
	expect_eq(its_get(d, GITS_BASER(0)),
		  BASER_VALID | BASER_INDIRECT | 0x70000000ULL | BASER_INITIAL(1));
	expect_errno(its_set(d, GITS_BASER(1), BASER_VALID | BASER_INDIRECT | 0x71000000ULL | 3ULL << 59 | 1ULL << 10), 0);
	expect_eq(its_get(d, GITS_BASER(1)), BASER_VALID | 0x71000000ULL | BASER_INITIAL(4));
	expect_errno(its_set(d, GITS_BASER(3), ~0ULL), 0);
	expect_eq(its_get(d, GITS_BASER(3)), 0);

	/* Enabled: CREADR -EBUSY; CBASER and BASER read-only */
	expect_errno(its_set(d, GITS_CTLR, GITS_CTLR_ENABLE), 0);
	expect_eq(its_get(d, GITS_CTLR), GITS_CTLR_ENABLE | GITS_CTLR_QUIESCENT);
	expect_errno(its_set(d, GITS_CREADR, 0x20), EBUSY);
	expect_eq(its_get(d, GITS_CREADR), 0);
	expect_errno(its_set(d, GITS_CBASER, 0), 0);
	expect_eq(its_get(d, GITS_CBASER), BASER_VALID | 0x60000000ULL | 3ULL << 59 | 1ULL << 10);
	expect_errno(its_set(d, GITS_BASER(0), 0), 0);
	expect_true(its_get(d, GITS_BASER(0)) & BASER_VALID);
}

/* Enabling needs valid tables and a valid queue (6.1 vgic_mmio_write_its_ctlr()). */
static void t_enable_needs_tables(const struct abi_test *t)
{
	int vm = new_vm(0), d = new_its(vm);

	(void)t;
	if (!expect_errno(set_addr64(d, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0))
		return;
	expect_errno(its_set(d, GITS_CTLR, GITS_CTLR_ENABLE), 0);
	expect_eq(its_get(d, GITS_CTLR), GITS_CTLR_QUIESCENT);
	expect_errno(its_set(d, GITS_BASER(0), BASER_VALID | 0x70000000ULL), 0);
	expect_errno(its_set(d, GITS_BASER(1), BASER_VALID | 0x71000000ULL), 0);
	expect_errno(its_set(d, GITS_CTLR, GITS_CTLR_ENABLE), 0);
	expect_eq(its_get(d, GITS_CTLR), GITS_CTLR_QUIESCENT);
	expect_errno(its_set(d, GITS_CBASER, BASER_VALID | 0x72000000ULL), 0);
	expect_errno(its_set(d, GITS_CTLR, GITS_CTLR_ENABLE), 0);
	expect_eq(its_get(d, GITS_CTLR), GITS_CTLR_ENABLE | GITS_CTLR_QUIESCENT);
}

/*
 * GRP_CTRL: INIT needs nothing; RESET, SAVE_TABLES and RESTORE_TABLES
 * take every vCPU ("-EBUSY One or more VCPUS are running"), as do the
 * register accesses; HAS takes none.
 */
static void t_busy(const struct abi_test *t)
{
	struct runner r;
	struct itsvm v;
	__u64 x = 0;

	(void)t;
	memset(&r, 0, sizeof(r));
	if (!itsvm_new(&v, 0, true) || !runner_start(&r, v.g.vcpu[1], v.g.run[1])) {
		runner_stop(&r);
		return;
	}
	expect_errno(ctrl(v.its[0], CTRL_INIT), 0);
	expect_errno(ctrl(v.its[0], ITS_RESET), EBUSY);
	expect_errno(ctrl(v.its[0], ITS_SAVE), EBUSY);
	expect_errno(ctrl(v.its[0], ITS_RESTORE), EBUSY);
	expect_errno(get_addr64(v.its[0], GRP_ITS_REGS, GITS_CTLR, &x), EBUSY);
	expect_errno(its_set(v.its[0], GITS_CBASER, BASER_VALID), EBUSY);
	expect_errno(has(v.its[0], GRP_ITS_REGS, GITS_CBASER), 0);
	expect_true(runner_waiting(&r));
	runner_stop(&r);
	expect_stopped_by_signal(&r);
	expect_eq(its_get(v.its[0], GITS_CBASER), 0); /* the refused write did nothing */
	expect_errno(ctrl(v.its[0], ITS_SAVE), 0);
}

/*
 * An attribute of GRP_CTRL the document does not list: -ENXIO, as for
 * every unknown attribute and as HAS_DEVICE_ATTR answers. 6.1's
 * vgic_its_ctrl() returns 0 (Documentation/differences.rst).
 */
static void t_ctrl_unknown(const struct abi_test *t)
{
	int vm = new_vm(0), d = new_its(vm);

	(void)t;
	expect_errno(ctrl(d, CTRL_SAVE_PENDING), ENXIO); /* the GIC's, not the ITS's */
	expect_errno(ctrl(d, 5), ENXIO);
	expect_errno(ctrl(d, ~0ULL), ENXIO);
}

/* The ITS Reset State, after the guest used the ITS. */
static void t_reset(const struct abi_test *t)
{
	struct itsvm v;

	(void)t;
	if (!itsvm_new(&v, 0, true) || !guest_lpis_up(&v) || !guest_its_up(&v, 0) ||
	    !guest_its_up(&v, 1))
		return;
	guest_map_all(&v);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE + TRANSLATER, 0, DEVID_OF(0), MSI_VALID_DEVID), 1);
	expect_errno(ctrl(v.its[0], ITS_RESET), 0);
	expect_eq(its_get(v.its[0], GITS_CTLR), GITS_CTLR_QUIESCENT);
	expect_eq(its_get(v.its[0], GITS_CBASER), 0);
	expect_eq(its_get(v.its[0], GITS_CREADR), 0);
	expect_eq(its_get(v.its[0], GITS_CWRITER), 0);
	expect_eq(its_get(v.its[0], GITS_BASER(0)), (RAM_BASE + DT_OFF(0)) | BASER_GUEST(1));
	expect_eq(its_get(v.its[0], GITS_BASER(1)), (RAM_BASE + CT_OFF(0)) | BASER_GUEST(4));
	expect_eq(its_get(v.its[0], GITS_IIDR), GITS_IIDR_KVM); /* the ABI stays */
	/* no translation survives: enabled again, the same MSI is not mapped */
	expect_errno(its_set(v.its[0], GITS_BASER(0), BASER_VALID | (RAM_BASE + DT_OFF(0))), 0);
	expect_errno(its_set(v.its[0], GITS_BASER(1), BASER_VALID | (RAM_BASE + CT_OFF(0))), 0);
	expect_errno(its_set(v.its[0], GITS_CBASER, BASER_VALID | (RAM_BASE + CQ_OFF(0)) | 15), 0);
	expect_errno(its_set(v.its[0], GITS_CTLR, GITS_CTLR_ENABLE), 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 1, DEVID_OF(0), MSI_VALID_DEVID), 0);
	/* the LPI the first MSI made pending went with its translation */
	expect_eq(ack(&v, 0), SPURIOUS);
}

/*
 * KVM_SIGNAL_MSI: kvm_send_userspace_msi() (-EINVAL without an in-kernel
 * irqchip or with unknown flags), kvm_set_msi() (-ENODEV without an ITS),
 * vgic_msi_to_its() (-EINVAL without KVM_MSI_VALID_DEVID or when the
 * address is no ITS's), vgic_its_trigger_msi() (-EBUSY while the ITS is
 * disabled or the target has LPIs off); "0 if the guest blocked the MSI",
 * >0 delivered. KVM_CAP_MSI_DEVID: -EINVAL on the system fd, 0 without
 * an ITS, 1 with one.
 */
static void t_msi_errnos(const struct abi_test *t)
{
	struct itsvm v;
	int vm = new_vm(0);
	struct gic g;

	(void)t;
	expect_eq(check_ext(g_sys, KVM_CAP_SIGNAL_MSI), 1);
	expect_errno(check_ext(g_sys, KVM_CAP_MSI_DEVID), EINVAL);
	expect_eq(check_ext(vm, KVM_CAP_MSI_DEVID), 0);
	expect_errno(signal_msi(vm, ITS0_BASE, 0, 0, MSI_VALID_DEVID), EINVAL);
	expect_errno(ioctl(vm, KVM_SIGNAL_MSI, g_bad_ptr), EFAULT);
	if (!gic_up(&g, V3, 1, NULL, 0))
		return;
	expect_errno(signal_msi(g.vm, ITS0_BASE, 0, 0, MSI_VALID_DEVID), ENODEV);
	expect_errno(signal_msi(g.vm, ITS0_BASE, 0, 0, 2), EINVAL);

	if (!itsvm_new(&v, 0, true))
		return;
	expect_eq(check_ext(v.g.vm, KVM_CAP_MSI_DEVID), 1);
	expect_errno(signal_msi(v.g.vm, ITS0_BASE, 0, 0, 2 | MSI_VALID_DEVID), EINVAL);
	expect_errno(signal_msi(v.g.vm, ITS0_BASE + TRANSLATER, 0, 0, 0), EINVAL);
	expect_errno(signal_msi(v.g.vm, DIST_BASE, 0, 0, MSI_VALID_DEVID), EINVAL);
	expect_errno(signal_msi(v.g.vm, RAM_BASE, 0, 0, MSI_VALID_DEVID), EINVAL);
	expect_errno(signal_msi(v.g.vm, ITS0_BASE + TRANSLATER, 0, 0, MSI_VALID_DEVID), EBUSY);
	if (!gic_map(&v.g))
		return;
	/* the ITS is up but the redistributors have LPIs off */
	guest_wr(v.g.vcpu[0], DIST_BASE + GICD_CTLR, 4, GICD_CTLR_G1);
	v.ram[PROP_OFF] = LPI_PRIO | 1;
	guest_wr(v.g.vcpu[0], rd(0) + GICR_PROPBASER, 8, RAM_BASE + PROP_OFF + 15);
	guest_wr(v.g.vcpu[0], rd(0) + GICR_PENDBASER, 8, RAM_BASE + PEND_OFF(0));
	if (!guest_its_up(&v, 0))
		return;
	mapc(&v, 0, 0, 0, true);
	mapd(&v, 0, 7, RAM_BASE + ITT_OFF(0, 0), 1, true);
	mapti(&v, 0, 7, 1, 8192, 0);
	kick(&v, 0);
	expect_errno(signal_msi(v.g.vm, ITS0_BASE, 1, 7, MSI_VALID_DEVID), EBUSY);
	guest_wr(v.g.vcpu[0], rd(0) + GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 0, 7, MSI_VALID_DEVID), 0); /* no event 0 */
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 1, 8, MSI_VALID_DEVID), 0); /* no device 8 */
	expect_errno(signal_msi(v.g.vm, ITS1_BASE, 1, 7, MSI_VALID_DEVID), EBUSY); /* not enabled */
	expect_eq(signal_msi(v.g.vm, ITS0_BASE + 0x1fffc, 1, 7, MSI_VALID_DEVID), 1);
	icc_wr(v.g.vcpu[0], ICC_PMR, 0xff);
	icc_wr(v.g.vcpu[0], ICC_IGRPEN1, 1);
	expect_eq(ack(&v, 0), 8192);
	expect_eq(ack(&v, 0), SPURIOUS);
}

/* ------------------------------------------------------------ B: the guest driver */

/*
 * MAPD, MAPC and MAPTI for 64 devices and 1024 events on two ITS, then an
 * MSI for each: the LPI is the mapped one, on the collection's vCPU, and
 * the guest acknowledges it there (ICC_IAR1_EL1) and nowhere else.
 */
static void t_flow(const struct abi_test *t)
{
	struct itsvm v;
	int k, d, e, bad = 0;

	(void)t;
	if (!itsvm_mapped(&v, 0))
		return;
	for (k = 0; k < NR_ITS; k++)
		for (d = 0; d < DEVS; d++)
			for (e = 0; e < EVENTS; e++) {
				int i = target_of_ev(d, e);

				if (signal_msi(v.g.vm, its_base[k] + TRANSLATER, (__u32)e, DEVID_OF(d),
					       MSI_VALID_DEVID) != 1 ||
				    ack(&v, 1 - i) != SPURIOUS || ack(&v, i) != LPI_OF(k, d, e))
					bad++;
			}
	expect_eq(bad, 0);
	desc_append(" (%d MSIs)", NR_ITS * DEVS * EVENTS);
}

/*
 * An irqfd on an MSI route (api.rst 4.52, 4.75): the eventfd write goes
 * through the ITS, as QEMU's virtio-pci MSI-X vectors do, and arrives as
 * the LPI the guest mapped, on the vCPU of its collection. The ITS sleeps,
 * so the injection comes from a work item: the guest polls for it.
 */
static void t_irqfd_msi(const struct abi_test *t)
{
	struct itsvm v;
	int efd, d = 5, e = 9, i = target_of_ev(d, e), ms, bad = 0;
	__u32 lpi = LPI_OF(1, d, e);
	__u64 one = 1;

	(void)t;
	if (!itsvm_mapped(&v, 0) ||
	    !expect_errno(set_msi_route(v.g.vm, 3, 1, DEVID_OF(d), (__u32)e, MSI_VALID_DEVID), 0))
		return;
	efd = new_irqfd(v.g.vm, 3);
	if (efd < 0)
		return;
	for (int n = 0; n < 16; n++) {
		if (write(efd, &one, sizeof(one)) != sizeof(one))
			bad++;
		for (ms = 0; ms < 1000; ms++) {
			if ((__u32)icc_rd(v.g.vcpu[i], ICC_HPPIR1) == lpi)
				break;
			sleep_ms(1);
		}
		if (ack(&v, 1 - i) != SPURIOUS || ack(&v, i) != lpi)
			bad++;
	}
	expect_eq(bad, 0);
	/* Without DeviceID the route names no translation: nothing arrives. */
	expect_errno(set_msi_route(v.g.vm, 3, 1, DEVID_OF(d), (__u32)e, 0), 0);
	if (write(efd, &one, sizeof(one)) != sizeof(one))
		fail("eventfd write");
	sleep_ms(20);
	expect_eq(icc_rd(v.g.vcpu[i], ICC_HPPIR1), SPURIOUS);
}

/*
 * The VM's stats fd (api.rst 4.133, userspace-api.rst): msi_injections
 * counts each KVM_SIGNAL_MSI that delivered (1), lpis_delivered each LPI
 * an ITS translation made pending: from KVM_SIGNAL_MSI, from an INT
 * command and from an irqfd on an MSI route; an MSI the tables do not
 * translate (0) counts in neither.
 */
static void t_stats(const struct abi_test *t)
{
	struct itsvm v;
	int sfd, efd;
	__u64 one = 1;

	(void)t;
	if (!itsvm_mapped(&v, 0))
		return;
	sfd = stats_fd(v.g.vm);
	expect_eq(stat_get(sfd, "lpis_delivered"), 0);
	expect_eq(signal_msi(v.g.vm, its_base[0] + TRANSLATER, 1, DEVID_OF(2), MSI_VALID_DEVID), 1);
	expect_eq(signal_msi(v.g.vm, its_base[1] + TRANSLATER, 3, DEVID_OF(4), MSI_VALID_DEVID), 1);
	expect_eq(signal_msi(v.g.vm, its_base[0] + TRANSLATER, 1, 2, MSI_VALID_DEVID), 0);
	expect_errno(signal_msi(v.g.vm, its_base[0] + TRANSLATER, 1, DEVID_OF(2), 0), EINVAL);
	expect_eq(stat_get(sfd, "msi_injections"), 2);
	expect_eq(stat_get(sfd, "lpis_delivered"), 2);
	cmd_dev_ev(&v, 0, CMD_INT, DEVID_OF(7), 5, 0);
	kick(&v, 0);
	expect_eq(stat_get(sfd, "lpis_delivered"), 3);
	expect_eq(stat_get(sfd, "msi_injections"), 2);

	if (!expect_errno(set_msi_route(v.g.vm, 3, 1, DEVID_OF(5), 9, MSI_VALID_DEVID), 0))
		return;
	efd = new_irqfd(v.g.vm, 3);
	if (efd < 0)
		return;
	expect_eq(write(efd, &one, sizeof(one)), sizeof(one));
	for (int ms = 0; ms < 1000 && stat_get(sfd, "lpis_delivered") < 4; ms++)
		sleep_ms(1);
	expect_eq(stat_get(sfd, "lpis_delivered"), 4);
	expect_eq(stat_get(sfd, "irqfd_injections"), 1);
	expect_eq(stat_get(sfd, "msi_injections"), 2);
}

/*
 * The commands beyond mapping, each with its architectural effect: INT
 * (an MSI from the queue), CLEAR, DISCARD (the ITE zeroed in guest RAM),
 * MOVI, MOVALL, INV and INVALL (the configuration table re-read), MAPC
 * V=0 (translations through it stop), MAPD V=0 (the DTE zeroed), and the
 * errors the ITS ignores (MAPTI out of range, a second MAPTI).
 */
static void t_commands(const struct abi_test *t)
{
	__u32 lpi0 = LPI_OF(0, 0, 0), lpi1 = LPI_OF(0, 0, 1);
	struct itsvm v;
	__u32 dev = DEVID_OF(0);

	(void)t;
	if (!itsvm_new(&v, 0, true) || !guest_lpis_up(&v) || !guest_its_up(&v, 0))
		return;
	mapc(&v, 0, 0, 0, true);
	mapc(&v, 0, 1, 1, true);
	mapc(&v, 0, 2, NVCPU, true); /* no such vCPU: ignored */
	mapd(&v, 0, dev, RAM_BASE + ITT_OFF(0, 0), 2, true);
	mapti(&v, 0, dev, 0, lpi0, 0);
	mapti(&v, 0, dev, 1, lpi1, 0);
	mapti(&v, 0, dev, 1, lpi1 + 5, 1);  /* mapped already: ignored */
	mapti(&v, 0, dev, 2, 8191, 0);	    /* not an LPI */
	mapti(&v, 0, dev, 3, 1U << 16, 0);  /* beyond PROPBASER.IDbits */
	mapti(&v, 0, dev, 4, lpi0 + 9, 0);  /* beyond the device's 2 EventID bits */
	mapti(&v, 0, dev + 1, 0, lpi0 + 9, 0); /* no device */
	mapti(&v, 0, dev, 2, lpi0 + 2, 2);  /* collection 2 is made, unmapped */
	cmd_dev_ev(&v, 0, CMD_INT, dev, 0, 0);
	kick(&v, 0);
	expect_eq(ack(&v, 0), lpi0);
	expect_eq(ack(&v, 0), SPURIOUS);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 1, dev, MSI_VALID_DEVID), 1);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 2, dev, MSI_VALID_DEVID), 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 3, dev, MSI_VALID_DEVID), 0);
	/* CLEAR */
	cmd_dev_ev(&v, 0, CMD_CLEAR, dev, 1, 0);
	kick(&v, 0);
	expect_eq(ack(&v, 0), SPURIOUS);
	/* MOVI: event 1 to collection 1 (vCPU 1) */
	cmd_dev_ev(&v, 0, CMD_MOVI, dev, 1, 1);
	kick(&v, 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 1, dev, MSI_VALID_DEVID), 1);
	expect_eq(ack(&v, 0), SPURIOUS);
	expect_eq(ack(&v, 1), lpi1);
	/* MOVALL: everything on vCPU 1 to vCPU 0; pending state moves along */
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 1, dev, MSI_VALID_DEVID), 1);
	cmd(&v, 0, CMD_MOVALL, 0, 1ULL << 16, 0);
	kick(&v, 0);
	expect_eq(ack(&v, 1), SPURIOUS);
	expect_eq(ack(&v, 0), lpi1);
	/* INV: a new priority byte; INVALL: the enable bit */
	v.ram[PROP_OFF + lpi0 - 8192] = 0xe1; /* priority 0xe0, enabled: read only on INV */
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 0, dev, MSI_VALID_DEVID), 1);
	icc_wr(v.g.vcpu[0], ICC_PMR, 0xd0);
	expect_eq(ack(&v, 0), lpi0); /* the cached priority 0xa0 still passes */
	cmd_dev_ev(&v, 0, CMD_INV, dev, 0, 0);
	kick(&v, 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 0, dev, MSI_VALID_DEVID), 1);
	expect_eq(ack(&v, 0), SPURIOUS); /* 0xe0 is masked now */
	icc_wr(v.g.vcpu[0], ICC_PMR, 0xff);
	expect_eq(ack(&v, 0), lpi0);
	v.ram[PROP_OFF + lpi0 - 8192] = LPI_PRIO; /* disabled */
	cmd(&v, 0, CMD_INVALL, 0, 0, 0);
	kick(&v, 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 0, dev, MSI_VALID_DEVID), 1);
	expect_eq(ack(&v, 0), SPURIOUS);
	v.ram[PROP_OFF + lpi0 - 8192] = LPI_PRIO | 1;
	cmd(&v, 0, CMD_INVALL, 0, 0, 0);
	kick(&v, 0);
	expect_eq(ack(&v, 0), lpi0); /* it stayed pending while disabled */
	/* DISCARD: the translation goes and its ITE in guest RAM is zeroed */
	memset(v.ram + ITT_OFF(0, 0), 0x77, 8);
	cmd_dev_ev(&v, 0, CMD_DISCARD, dev, 0, 0);
	kick(&v, 0);
	expect_eq(le64(v.ram + ITT_OFF(0, 0)), 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 0, dev, MSI_VALID_DEVID), 0);
	/* MAPC V=0: event 1's collection (1, since MOVI) is gone */
	mapc(&v, 0, 1, 1, false);
	kick(&v, 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 1, dev, MSI_VALID_DEVID), 0);
	/* MAPD V=0: the DTE in guest RAM is zeroed */
	memset(v.ram + DT_OFF(0) + dev * 8, 0x77, 8);
	mapd(&v, 0, dev, 0, 1, false);
	kick(&v, 0);
	expect_eq(le64(v.ram + DT_OFF(0) + dev * 8), 0);
	/* a command that is not one is skipped; the queue goes on */
	cmd(&v, 0, 0xff, 0, 0, 0);
	mapc(&v, 0, 0, 0, true);
	mapd(&v, 0, dev, RAM_BASE + ITT_OFF(0, 0), 1, true);
	mapti(&v, 0, dev, 0, lpi0, 0);
	kick(&v, 0);
	expect_eq(signal_msi(v.g.vm, ITS0_BASE, 0, dev, MSI_VALID_DEVID), 1);
	expect_eq(ack(&v, 0), lpi0);
}

/* ------------------------------------------------------------ C: tables */

/* The pending tables' first kB is never written (arm-vgic-v3.rst). */
static void t_save_pending_first_kb(const struct abi_test *t)
{
	struct itsvm v;
	int d, e, i, bad = 0;

	(void)t;
	if (!itsvm_mapped(&v, 0))
		return;
	for (i = 0; i < NVCPU; i++)
		memset(v.ram + PEND_OFF(i), 0x5a, 1024);
	for (e = 0; e < EVENTS; e += 3)
		expect_eq(signal_msi(v.g.vm, ITS1_BASE, (__u32)e, DEVID_OF(2), MSI_VALID_DEVID), 1);
	expect_errno(dev_attr(v.g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_PENDING, 0), 0);
	for (i = 0; i < NVCPU; i++)
		for (d = 0; d < 1024; d++)
			bad += v.ram[PEND_OFF(i) + d] != 0x5a;
	expect_eq(bad, 0);
	for (e = 0; e < EVENTS; e++) {
		__u32 lpi = LPI_OF(1, 2, e);
		int bit = v.ram[PEND_OFF(target_of_ev(2, e)) + lpi / 8] >> (lpi % 8) & 1;

		expect_eq(bit, e % 3 == 0);
	}
}

/* Decodes the saved ABI REV0 tables of ITS k from guest RAM. */
static void check_saved_tables(struct itsvm *v, int k)
{
	int d, e, i, bad = 0;

	for (d = 0; d < DEVS; d++) {
		__u64 dte = le64(v->ram + DT_OFF(k) + DEVID_OF(d) * 8);
		__u64 want = 1ULL << 63 | (d + 1 < DEVS ? 3ULL : 0) << 49 |
			     ((RAM_BASE + ITT_OFF(k, d)) >> 8) << 5 | 3; /* 4 EventID bits */

		bad += dte != want;
		for (e = 0; e < EVENTS; e++) {
			__u64 ite = le64(v->ram + ITT_OFF(k, d) + e * 8);

			bad += ite != ((e + 1 < EVENTS ? 1ULL : 0) << 48 |
				       (__u64)LPI_OF(k, d, e) << 16 | (__u64)target_of_ev(d, e));
		}
	}
	expect_eq(bad, 0);
	/* CTEs: one per collection, then an invalid one */
	bad = 0;
	for (i = 0; i < NVCPU; i++) {
		__u64 cte = le64(v->ram + CT_OFF(k) + i * 8);

		bad += cte != (1ULL << 63 | (__u64)i << 16 | (__u64)i);
	}
	expect_eq(bad, 0);
	expect_eq(le64(v->ram + CT_OFF(k) + NVCPU * 8), 0);
}

/* The saved registers of ITS k, for the restore. */
struct its_regs {
	__u64 cbaser, creadr, cwriter, baser0, baser1, iidr, ctlr;
};

static void save_regs(int dev, struct its_regs *r)
{
	r->ctlr = its_get(dev, GITS_CTLR);
	r->iidr = its_get(dev, GITS_IIDR);
	r->cbaser = its_get(dev, GITS_CBASER);
	r->creadr = its_get(dev, GITS_CREADR);
	r->cwriter = its_get(dev, GITS_CWRITER);
	r->baser0 = its_get(dev, GITS_BASER(0));
	r->baser1 = its_get(dev, GITS_BASER(1));
}

/*
 * "ITS Restore Sequence": memory and vCPUs, the redistributors, the ITS
 * base, then CBASER, the other registers but CTLR, RESTORE_TABLES, CTLR.
 * Returns RESTORE_TABLES' errno (0: done).
 */
static int restore_into(struct itsvm *b, const struct itsvm *a, const struct its_regs *regs,
			const __u64 redist[NVCPU][3])
{
	int i, k, ret = 0;

	(void)a;
	for (i = 0; i < NVCPU; i++) {
		__u64 m = (__u64)i << 32; /* vCPU i's MPIDR: Aff0 = i */

		reg_set(b->g.dev, GRP_REDIST, m | GICR_PROPBASER, (__u32)redist[i][0]);
		reg_set(b->g.dev, GRP_REDIST, m | (GICR_PROPBASER + 4), (__u32)(redist[i][0] >> 32));
		reg_set(b->g.dev, GRP_REDIST, m | GICR_PENDBASER, (__u32)redist[i][1]);
		reg_set(b->g.dev, GRP_REDIST, m | (GICR_PENDBASER + 4), (__u32)(redist[i][1] >> 32));
		expect_errno(reg_set(b->g.dev, GRP_REDIST, m | GICR_CTLR, (__u32)redist[i][2]), 0);
	}
	for (k = 0; k < NR_ITS; k++) {
		int d = b->its[k];

		expect_errno(its_set(d, GITS_CBASER, regs[k].cbaser), 0);
		expect_errno(its_set(d, GITS_IIDR, regs[k].iidr), 0);
		expect_errno(its_set(d, GITS_CWRITER, regs[k].cwriter), 0);
		expect_errno(its_set(d, GITS_CREADR, regs[k].creadr), 0);
		expect_errno(its_set(d, GITS_BASER(0), regs[k].baser0), 0);
		expect_errno(its_set(d, GITS_BASER(1), regs[k].baser1), 0);
		if (ctrl(d, ITS_RESTORE) < 0 && !ret)
			ret = errno;
		expect_errno(its_set(d, GITS_CTLR, regs[k].ctlr), 0);
	}
	return ret;
}

/* The GIC side the restore needs, read through the attributes. */
static void save_redist(int dev, __u64 redist[NVCPU][3])
{
	int i;

	for (i = 0; i < NVCPU; i++) {
		__u64 m = (__u64)i << 32;
		__u32 lo = 0, hi = 0, c = 0;

		reg_try_get(dev, GRP_REDIST, m | GICR_PROPBASER, &lo);
		reg_try_get(dev, GRP_REDIST, m | (GICR_PROPBASER + 4), &hi);
		redist[i][0] = (__u64)hi << 32 | lo;
		reg_try_get(dev, GRP_REDIST, m | GICR_PENDBASER, &lo);
		reg_try_get(dev, GRP_REDIST, m | (GICR_PENDBASER + 4), &hi);
		redist[i][1] = (__u64)hi << 32 | lo;
		expect_errno(reg_try_get(dev, GRP_REDIST, m | GICR_CTLR, &c), 0);
		redist[i][2] = c;
	}
}

/* A second VM whose guest RAM is a copy of the first's, GIC initialised. */
static bool itsvm_clone_ram(struct itsvm *b, const struct itsvm *a)
{
	if (!itsvm_new(b, 0, true))
		return false;
	memcpy(b->ram, a->ram, RAM_SIZE);
	return true;
}

/* Sets up the flow's mappings and a pending LPI for every third event. */
static bool flow_with_pending(struct itsvm *a, struct its_regs *regs, __u64 redist[NVCPU][3])
{
	int k, d, e;

	if (!itsvm_mapped(a, 0))
		return false;
	for (k = 0; k < NR_ITS; k++)
		for (d = 0; d < DEVS; d++)
			for (e = 0; e < EVENTS; e++)
				if ((k + d + e) % 3 == 0)
					signal_msi(a->g.vm, its_base[k], (__u32)e, DEVID_OF(d),
						   MSI_VALID_DEVID);
	/* the VMM stops: pending tables, then ITS tables, then registers */
	if (!expect_errno(dev_attr(a->g.dev, KVM_SET_DEVICE_ATTR, GRP_CTRL, CTRL_SAVE_PENDING, 0), 0))
		return false;
	for (k = 0; k < NR_ITS; k++) {
		if (!expect_errno(ctrl(a->its[k], ITS_SAVE), 0))
			return false;
		save_regs(a->its[k], &regs[k]);
	}
	save_redist(a->g.dev, redist);
	return !test_failed();
}

/*
 * SAVE_TABLES writes ABI REV0 as the document lays it out (decoded here
 * from guest RAM); the restore in the documented order into a fresh VM
 * gives the same pending LPIs on the same vCPUs and the same
 * translations for every (DeviceID, EventID).
 */
static void t_save_restore(const struct abi_test *t)
{
	struct its_regs regs[NR_ITS];
	__u64 redist[NVCPU][3];
	struct itsvm a, b;
	int k, d, e, i, bad = 0, pending = 0;

	(void)t;
	if (!flow_with_pending(&a, regs, redist))
		return;
	for (k = 0; k < NR_ITS; k++)
		check_saved_tables(&a, k);
	if (!itsvm_clone_ram(&b, &a) || !gic_map(&b.g))
		return;
	guest_wr(b.g.vcpu[0], DIST_BASE + GICD_CTLR, 4, GICD_CTLR_G1);
	for (i = 0; i < NVCPU; i++) {
		icc_wr(b.g.vcpu[i], ICC_PMR, 0xff);
		icc_wr(b.g.vcpu[i], ICC_IGRPEN1, 1);
	}
	expect_errno(restore_into(&b, &a, regs, redist), 0);
	for (k = 0; k < NR_ITS; k++) {
		expect_eq(its_get(b.its[k], GITS_CTLR), regs[k].ctlr);
		expect_eq(its_get(b.its[k], GITS_CREADR), regs[k].creadr);
	}
	/* the pending LPIs, acknowledged in INTID order on their vCPUs */
	for (i = 0; i < NVCPU; i++) {
		for (k = 0; k < NR_ITS; k++)
			for (d = 0; d < DEVS; d++)
				for (e = 0; e < EVENTS; e++) {
					if ((k + d + e) % 3 || target_of_ev(d, e) != i)
						continue;
					pending++;
					bad += ack(&b, i) != LPI_OF(k, d, e);
				}
		bad += ack(&b, i) != SPURIOUS;
	}
	expect_eq(bad, 0);
	/* every translation */
	for (k = 0; k < NR_ITS; k++)
		for (d = 0; d < DEVS; d++)
			for (e = 0; e < EVENTS; e++) {
				i = target_of_ev(d, e);
				if (signal_msi(b.g.vm, its_base[k], (__u32)e, DEVID_OF(d),
					       MSI_VALID_DEVID) != 1 ||
				    ack(&b, i) != LPI_OF(k, d, e))
					bad++;
			}
	expect_eq(bad, 0);
	desc_append(" (%d pending, %d translations)", pending, NR_ITS * DEVS * EVENTS);
}

/*
 * A corrupted image: -EINVAL ("Inconsistent restored data") and nothing
 * half-restored: no translation of the good part, and the pending tables
 * as they were (their bits are consumed only by a restore that succeeds).
 */
static void t_restore_corrupt(const struct abi_test *t)
{
	static const struct {
		const char *what;
		size_t off;
		__u64 value;
	} bad_entries[] = {
		{ "ITE pINTID below 8192", ITT_OFF(1, DEVS - 1) + 8 * 3, 1ULL << 48 | 100ULL << 16 },
		{ "ITE next past the ITT", ITT_OFF(1, DEVS - 1) + 8 * 15, 2ULL << 48 | 9000ULL << 16 },
		{ "ITE of an unknown collection", ITT_OFF(1, 5) + 8 * 2, 1ULL << 48 | 9000ULL << 16 | 9 },
		{ "DTE with 17 EventID bits", DT_OFF(1) + DEVID_OF(DEVS - 1) * 8, 1ULL << 63 | 16 },
		{ "CTE of a missing vCPU", CT_OFF(1) + 8, 1ULL << 63 | 5ULL << 16 | 1 },
		{ "CTE listed twice", CT_OFF(1) + 8, 1ULL << 63 | 0ULL << 16 | 0 },
	};
	struct its_regs regs[NR_ITS];
	__u64 redist[NVCPU][3];
	struct itsvm a, b;
	size_t n;
	int i;

	(void)t;
	if (!flow_with_pending(&a, regs, redist))
		return;
	for (n = 0; n < ARRAY_SIZE(bad_entries); n++) {
		__u8 pend[NVCPU][8192];

		if (!itsvm_clone_ram(&b, &a) || !gic_map(&b.g))
			return;
		put_le64(b.ram + bad_entries[n].off, bad_entries[n].value);
		for (i = 0; i < NVCPU; i++)
			memcpy(pend[i], b.ram + PEND_OFF(i), sizeof(pend[i]));
		if (!expect_eq(restore_into(&b, &a, regs, redist), EINVAL))
			diag("%s", bad_entries[n].what);
		/* ITS 0 restored; ITS 1 has nothing, not even its good devices */
		expect_eq(signal_msi(b.g.vm, ITS0_BASE, 0, DEVID_OF(0), MSI_VALID_DEVID), 1);
		expect_eq(signal_msi(b.g.vm, ITS1_BASE, 0, DEVID_OF(0), MSI_VALID_DEVID), 0);
		expect_eq(signal_msi(b.g.vm, ITS1_BASE, 1, DEVID_OF(1), MSI_VALID_DEVID), 0);
		/* ITS 1's LPIs' pending bits are still in guest RAM (this one was set) */
		i = target_of_ev(1, 1);
		expect_eq(b.ram[PEND_OFF(i) + LPI_OF(1, 1, 1) / 8] >> (LPI_OF(1, 1, 1) % 8) & 1, 1);
		expect_eq(memcmp(b.ram + PEND_OFF(i) + LPI_OF(1, 0, 0) / 8,
				 pend[i] + LPI_OF(1, 0, 0) / 8, DEVS * EVENTS / 8), 0);
	}
}

/*
 * "a snapshot that misses the ITS table pages": the tables are not in the
 * new VM's guest RAM, RESTORE_TABLES fails with -EFAULT ("Invalid guest
 * ram access"), as does SAVE_TABLES into missing pages.
 */
static void t_tables_efault(const struct abi_test *t)
{
	struct its_regs regs[NR_ITS];
	__u64 redist[NVCPU][3];
	struct itsvm a;
	int vm, its;
	struct gic g;

	(void)t;
	if (!flow_with_pending(&a, regs, redist))
		return;
	if (!gic_up(&g, V3, NVCPU, NULL, 0))
		return;
	vm = g.vm;
	its = new_its(vm);
	expect_errno(set_addr64(its, GRP_ADDR, ADDR_ITS, ITS0_BASE), 0);
	expect_errno(its_set(its, GITS_CBASER, regs[0].cbaser), 0);
	expect_errno(its_set(its, GITS_BASER(0), regs[0].baser0), 0);
	expect_errno(its_set(its, GITS_BASER(1), regs[0].baser1), 0);
	expect_errno(ctrl(its, ITS_RESTORE), EFAULT);
	/* nothing mapped, but the collection table's terminator has nowhere to go */
	expect_errno(ctrl(its, ITS_SAVE), EFAULT);
	/* a collection table that is there, a device table that is not */
	{
		__u8 *mem = alloc_mem(0x20000);

		memcpy(mem, a.ram + CT_OFF(0), 0x10000);
		expect_errno(set_region(vm, 1, 0, RAM_BASE + CT_OFF(0), 0x10000, mem), 0);
		expect_errno(ctrl(its, ITS_RESTORE), EFAULT);
	}
	/* SAVE_TABLES with a mapped device whose table page went away */
	expect_errno(set_region(a.g.vm, 0, 0, RAM_BASE, 0, a.ram), 0);
	expect_errno(ctrl(a.its[0], ITS_SAVE), EINVAL); /* its DTE is not in guest RAM */
}

/*
 * "every write to guest RAM goes through the dirty-log helper": after
 * SAVE_TABLES the dirty log holds the device table, the ITTs and the
 * collection table pages.
 */
static void t_save_dirty_log(const struct abi_test *t)
{
	static __u64 bitmap[RAM_SIZE / 4096 / 64]; /* room for 4 KiB pages */
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = bitmap };
	struct itsvm v;

	(void)t;
	if (!itsvm_mapped(&v, KVM_MEM_LOG_DIRTY_PAGES))
		return;
	expect_errno(ioctl(v.g.vm, KVM_GET_DIRTY_LOG, &log), 0); /* clears it */
	expect_errno(ioctl(v.g.vm, KVM_GET_DIRTY_LOG, &log), 0);
	expect_eq(bitmap[(ITS_RAM(0) / PAGE_SZ) / 64], 0);
	expect_errno(ctrl(v.its[0], ITS_SAVE), 0);
	expect_errno(ioctl(v.g.vm, KVM_GET_DIRTY_LOG, &log), 0);
#define DIRTY(off) ((bitmap[((off) / PAGE_SZ) / 64] >> (((off) / PAGE_SZ) % 64)) & 1)
	expect_eq(DIRTY(DT_OFF(0)), 1);
	expect_eq(DIRTY(CT_OFF(0)), 1);
	expect_eq(DIRTY(ITT_OFF(0, 0)), 1);
	expect_eq(DIRTY(ITT_OFF(0, DEVS - 1)), 1);
	expect_eq(DIRTY(DT_OFF(1)), 0); /* the other ITS saved nothing */
#undef DIRTY
}

static const struct abi_test vgic_its_tests[] = {
	{ "ITS: created with the host's GICv3, several per VM", REF_ITS, t_create, M_ARM64, 0, 0, 0 },
	{ "ITS GRP_ADDR: -ENODEV -EFAULT -EINVAL -E2BIG -EEXIST, read back", REF_ADDR, t_addr,
	  M_ARM64, 0, 0, 0 },
	{ "ITS GRP_ADDR: overlapping frames refused (-EEXIST)", REF_ITS, t_addr_overlap, M_ARM64,
	  T_EXT, 0, 0 },
	{ "ITS HAS_DEVICE_ATTR: groups, CTRL attributes, registers, alignment", REF_ITS, t_has_attr,
	  M_ARM64, 0, 0, 0 },
	{ "ITS GRP_ITS_REGS: -ENXIO -EINVAL -EFAULT", REF_REGS, t_regs_errnos, M_ARM64, 0, 0, 0 },
	{ "ITS GRP_ITS_REGS: the registers of a new ITS", REF_REGS, t_regs_initial, M_ARM64, 0, 0, 0 },
	{ "ITS GRP_ITS_REGS: CREADR and IIDR writes, CBASER resets CREADR, BASER fields", REF_REGS,
	  t_regs_rules, M_ARM64, 0, 0, 0 },
	{ "ITS GITS_CTLR: enabling needs valid tables and queue", REF_REGS, t_enable_needs_tables,
	  M_ARM64, 0, 0, 0 },
	{ "ITS GRP_CTRL and GRP_ITS_REGS: -EBUSY while a vCPU runs", REF_CTRL, t_busy, M_ARM64, T_EXT,
	  0, 0 },
	{ "ITS GRP_CTRL: an unknown attribute is -ENXIO", REF_CTRL, t_ctrl_unknown, M_ARM64, T_EXT, 0,
	  0 },
	{ "ITS CTRL_RESET: the documented reset state", REF_RESET, t_reset, M_ARM64, T_EXT, 0, 0 },
	{ "KVM_SIGNAL_MSI: every errno row, 0 when blocked, 1 delivered; CAP_MSI_DEVID", REF_MSI,
	  t_msi_errnos, M_ARM64, T_EXT, 0, 0 },
	{ "ITS guest driver: 2 ITS, 64 devices, 1024 events mapped, MSIs acknowledged", REF_ITS,
	  t_flow, M_ARM64, T_EXT, 0, 0 },
	{ "an irqfd on an MSI route: each eventfd write arrives through the ITS as the mapped LPI",
	  "api.rst 4.52 KVM_SET_GSI_ROUTING, 4.75 KVM_IRQFD", t_irqfd_msi, M_ARM64, T_EXT, 0, 0 },
	{ "ITS stats: msi_injections, lpis_delivered from MSIs, INT and an MSI irqfd",
	  "api.rst 4.133 KVM_GET_STATS_FD, userspace-api.rst", t_stats, M_ARM64, T_EXT, 0, 0 },
	{ "ITS commands: INT CLEAR MOVI MOVALL INV INVALL DISCARD, MAPC/MAPD V=0, errors ignored",
	  REF_ITS, t_commands, M_ARM64, T_EXT, 0, 0 },
	{ "SAVE_PENDING_TABLES: LPI bits saved, first kB untouched", REF_PEND, t_save_pending_first_kb,
	  M_ARM64, T_EXT, 0, 0 },
	{ "ITS SAVE/RESTORE_TABLES: ABI REV0 in guest RAM, restored in order", REF_ABI, t_save_restore,
	  M_ARM64, T_EXT, 0, 0 },
	{ "ITS RESTORE_TABLES: corrupted images -EINVAL, nothing half-restored", REF_ABI,
	  t_restore_corrupt, M_ARM64, T_EXT, 0, 0 },
	{ "ITS SAVE/RESTORE_TABLES: tables outside guest RAM", REF_CTRL, t_tables_efault, M_ARM64,
	  T_EXT, 0, 0 },
	{ "ITS SAVE_TABLES: the table pages are in the dirty log", REF_ABI, t_save_dirty_log, M_ARM64,
	  T_EXT, 0, 0 },
};

TEST_GROUP(vgic_its);
