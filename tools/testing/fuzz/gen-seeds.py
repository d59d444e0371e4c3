#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of spine_fuzzer to corpus/spine/ (seed-*).

    tools/testing/fuzz/gen-seeds.py [OUT_DIR]

The encoding mirrors spine_fuzzer.cpp: one opcode byte (its operations'
table), then the operation's argument bytes, read in the order its op_*
function in spine/ reads them (selector bytes choose a mode; see the
*_sel functions there and in spine/input.cpp). Files named
regression-* in the same directory are reproducers of findings and are
left alone.
"""
import os
import struct
import sys

ARM64, PPC, S390 = 0, 1, 2

(CREATE_VM, CLOSE_VM, SET_MEM, CREATE_VCPU, CLOSE_VCPU, RUN, GUEST_ACCESS,
 CREATE_DEVICE, DEVICE_ATTR, CLOSE_DEVICE, DEVICE_IOCTL, VM_ATTR, VCPU_ATTR,
 CHECK_EXTENSION, FAIL_ALLOC, VCPU_BURST, DEVICE_BURST, MISC,
 TEARDOWN_ORDER, ENABLE_CAP, GET_DIRTY_LOG, CLEAR_DIRTY_LOG,
 ARM_INIT, ARM_FINALIZE, ONE_REG, REG_LIST, PVTIME, ARM_HOST,
 IRQ_LINE, GIC_REGS, GIC_MMIO, GIC_SYSREG) = range(32)

ATTR_SET, ATTR_GET, ATTR_HAS = 0, 1, 2
LOG_DIRTY, READONLY = 1, 2
# KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2's args[0]
MANUAL_ENABLE, INITIALLY_SET = 1, 2
VFIO_GROUP, VFIO_ADD, VFIO_DEL, VFIO_SPAPR = 1, 1, 2, 3
# create_device type byte: tb % 4 == 0 -> VFIO, 1 -> the harness's dummy.
DEV_VFIO, DEV_DUMMY = 0, 1
# tb % 4 == 2 with tb >> 2 >= 48: the arm64 VGIC types, v2 (even), v3 (odd).
DEV_VGIC_V2, DEV_VGIC_V3 = 48 << 2 | 2, 49 << 2 | 2
DEV_IRQCHIP = 62 << 2 | 2  # KVM_CREATE_IRQCHIP, not a device
# op_vgic_attr's group byte (kGroups) and attributes.
VGIC_GROUP = {0: 0, 3: 3, 4: 5, 1: 6}
V2_DIST, V2_CPU, V3_DIST, V3_REDIST, V3_REDIST_REGION = 0, 1, 2, 3, 5

# arm64: KVM_ARM_VCPU_INIT feature bits, and indexes into the harness's
# kSampleIds (stable whatever the vCPU lists).
POWER_OFF, EL1_32BIT, PSCI_0_2, PMU_V3, SVE, PTRAUTH_A, PTRAUTH_G = range(7)
F_ALL = 1 << SVE | 1 << PTRAUTH_A | 1 << PTRAUTH_G | 1 << PMU_V3 | 1 << PSCI_0_2
(R_X0, R_X30, R_SP, R_PC, R_PSTATE, R_SP_EL1, R_SPSR0, R_SPSR1, R_V0, R_V31, R_FPSR,
 R_FPCR, R_VLS, R_Z0, R_Z31, R_P0, R_P15, R_FFR, R_PSCI, R_WA1, R_WA2, R_WA3,
 R_BMAP0, R_BMAP1, R_BMAP2, R_CTL, R_CNT, R_CVAL, R_MIDR, R_MPIDR, R_CLIDR, R_CTR,
 R_PFR0, R_DFR0, R_ID_PFR0, R_ID_DFR0, R_ISAR1, R_ISAR2, R_ZFR0, R_MMFR0, R_ZCR,
 R_APIAKEYLO, R_OSLSR, R_SCTLR, R_PMCR, R_PMCCNTR, R_PMSWINC, R_PMEVCNTR0,
 R_PMEVTYPER0, R_PMINTENCLR, R_CCSIDR0, R_CCSIDR1, R_CCSIDR2, R_CCSIDR3) = range(54)
# kRegValues
(V_0, V_1, V_2, V_3, V_0X10, V_0X12, V_0X13, V_0X1F, V_EL1H, V_SVC, V_PSCI_1_0,
 V_PSCI_1_1, V_7, V_8, V_0XA, V_ONES) = range(16)
REG_GET, REG_SET, REG_GET_SET = 0, 1, 6
PV_SET, PV_GET, PV_HAS, PV_HVC = 0, 1, 2, 3

# The VGIC's register groups, frames and ICC registers (spine/vgic_regs.cpp,
# spine/vgic_regs_map.cpp): the harness's row tables, to find the selector
# bytes of a register.
V2, V3 = 5, 7
G_DIST, G_CPU, G_REDIST, G_SYSREGS, G_LEVEL = 1, 2, 5, 6, 7
F_V3DIST, F_V3REDIST, F_V2DIST, F_V2CPU = range(4)
W1, W4, W8 = 1, 4, 8


def _irq(off, bpi, widths):
    return (off, bpi * 1024 // 8, bpi, widths)


def _sgi(off, bpi, widths):
    return (0x10000 + off, bpi * 32 // 8, bpi, widths)


def _reg(off, length, widths=W4):
    return (off, length, 0, widths)


GIC_ROWS = {
    F_V3DIST: [_reg(0, 16), _reg(0x10, 4)] +
    [_irq(o, 1, W4) for o in range(0x80, 0x400, 0x80)] +
    [_irq(0x400, 8, W1 | W4), _irq(0x800, 8, W1 | W4), _irq(0xc00, 2, W4), _irq(0xd00, 1, W4),
     _irq(0x6000, 64, W4 | W8), _reg(0xffd0, 48)],
    F_V3REDIST: [_reg(0, 4), _reg(4, 4), _reg(8, 8, W4 | W8), _reg(0x10, 4), _reg(0x14, 4),
                 _reg(0x70, 8, W4 | W8), _reg(0x78, 8, W4 | W8), _reg(0xa0, 8, W4 | W8),
                 _reg(0xb0, 8, W4 | W8), _reg(0xc0, 4), _reg(0xffd0, 48)] +
    [_sgi(o, 1, W4) for o in range(0x80, 0x400, 0x80)] +
    [_sgi(0x400, 8, W1 | W4), _sgi(0xc00, 2, W4), _sgi(0xd00, 1, W4), _reg(0x10e00, 4)],
    F_V2DIST: [_reg(0, 12)] + [_irq(o, 1, W4) for o in range(0x80, 0x400, 0x80)] +
    [_irq(0x400, 8, W1 | W4), _irq(0x800, 8, W1 | W4), _irq(0xc00, 2, W4), _reg(0xf00, 4),
     _reg(0xf10, 16, W1 | W4), _reg(0xf20, 16, W1 | W4)],
    F_V2CPU: [_reg(o, 4) for o in range(0, 0x2c, 4)] + [_reg(0xd0, 16), _reg(0xe0, 16),
                                                         _reg(0xfc, 4), _reg(0x1000, 4)],
}
# ICC registers (kIccRegs' order) and values (kGicValues, kIccValues).
(ICC_PMR, ICC_IAR0, ICC_EOIR0, ICC_HPPIR0, ICC_BPR0, ICC_AP0R0, ICC_AP0R1, ICC_AP0R2, ICC_AP0R3,
 ICC_AP1R0, ICC_AP1R1, ICC_AP1R2, ICC_AP1R3, ICC_DIR, ICC_RPR, ICC_SGI1R, ICC_ASGI1R, ICC_SGI0R,
 ICC_IAR1, ICC_EOIR1, ICC_HPPIR1, ICC_BPR1, ICC_CTLR, ICC_SRE, ICC_IGRPEN0, ICC_IGRPEN1) = range(26)
GIC_VALUES = [0x4b00343b, 0x4b00243b, 0x4b00143b, 0x4b00443b, 0x4b00343a, 0x8400, 0x8403, 0x8500,
              0x0400, 0xc400, 0x8c00, 7, 6, 1, 2, 3, 0xf8, 0xff, 0x1f, 0x80, 0xaaaaaaaa,
              0x55555555, 0xffff0000, 0xffff, 0x80808080, 0xf, 0x10, 0x21f, 0x200, 0x10001,
              0x80000000, 0x12345678]
ICC_VALUES = [0, 1, 2, 3, 0xff, 0xf8, 0x80, 7, 0x8000, 0x8003, 1 << 40 | 1 << 24,
              0xffff | 3 << 24, 0x1ffff, 1023, 40, 2**64 - 1]


class Seed:
    def __init__(self):
        self.b = bytearray()

    def raw(self, *vals):
        self.b += bytes(vals)
        return self

    def u16(self, v):
        self.b += struct.pack('<H', v)
        return self

    def u32(self, v):
        self.b += struct.pack('<I', v)
        return self

    def u64(self, v):
        self.b += struct.pack('<Q', v & (2**64 - 1))
        return self

    # Selectors, in their simplest modes.
    def gpa_pages(self, pages, hi=0):  # slot_gpa_sel mode 1
        assert pages < 64
        return self.raw(pages << 2 | 1, hi)

    def gpa_special(self, index):  # slot_gpa_sel mode 2
        return self.raw(index << 2 | 2)

    def size_pages(self, pages):  # slot_size_sel mode 0: 1..64 pages
        assert 1 <= pages <= 64
        return self.raw((pages - 1) << 2)

    def arena(self, page):  # uaddr_sel mode 0: arena + page
        return self.raw(0).u16(page)

    def access_addr(self, pages, offset):  # access_gpa_sel mode 1
        assert pages < 64
        return self.raw(pages << 2 | 1).u16(offset)

    def slot_page(self, nth, page, sub=0):  # access_gpa_sel mode 0, kind 4
        assert page < 256 and sub < 256
        return self.raw(4 << 2, nth, page, sub)

    def log_slot(self, nth, as_id=None):  # log_slot_sel: nth slot's id
        if as_id is None:
            return self.raw(nth << 2)
        return self.raw(nth << 2 | 2).u16(as_id)

    # Operations.
    def create_vm(self, p, vm_type=0, owner=1):
        assert vm_type < 64
        return self.raw(CREATE_VM, p, vm_type, owner)

    def close_vm(self, vm):
        return self.raw(CLOSE_VM, vm)

    def set_mem(self, vm, slot, flags, gpa_pages, size_pages, arena_page):
        self.raw(SET_MEM, vm, 0, slot, flags)
        return self.gpa_pages(gpa_pages).size_pages(size_pages).arena(arena_page)

    def set_mem_big(self, vm, slot, flags, gpa_pages, pages, arena_page):
        # slot_size_sel mode 3: any number of pages
        self.raw(SET_MEM, vm, 0, slot, flags).gpa_pages(gpa_pages)
        return self.raw(3).u64(pages * 4096).arena(arena_page)

    def move_slot(self, vm, nth, flags, gpa_pages):  # kind 1: same uaddr/size
        return self.raw(SET_MEM, vm, 1, nth, flags).gpa_pages(gpa_pages)

    def delete_slot(self, vm, nth):  # kind 2
        return self.raw(SET_MEM, vm, 2, nth, 0).gpa_pages(0).raw(0)

    def create_vcpu(self, vm, vcpu_id, abort=False):
        assert vcpu_id < 16
        return self.raw(CREATE_VCPU, vm, vcpu_id, 7 if abort else 0)

    def close_vcpu(self, vcpu):
        return self.raw(CLOSE_VCPU, vcpu)

    def run(self, vcpu, mode):  # 0 immediate_exit, 1 signal, 2 neither
        return self.raw(RUN, vcpu, mode)

    def access(self, vcpu, write, pages, offset, length, data=None):
        lens = {1: 0, 2: 1, 4: 2, 8: 3}
        self.raw(GUEST_ACCESS, vcpu, 0, 1 if write else 0)
        self.access_addr(pages, offset).raw(lens[length])
        if data is None:
            return self.raw(0)
        return self.raw(1).u64(data)

    def store(self, vcpu, nth, page, data, sub=0):  # 8 bytes in the nth slot
        self.raw(GUEST_ACCESS, vcpu, 0, 1).slot_page(nth, page, sub)
        return self.raw(3, 1).u64(data)

    def enable_cap(self, vm, arg, cap='protect2', flags=0):
        cb = {'protect2': 0, 'protect': 2, 'enable_cap_vm': 7}[cap]
        assert arg < 8 and flags & (flags - 1) == 0 and flags < 1 << 15
        return self.raw(ENABLE_CAP, vm, cb, 0xf0 + flags.bit_length() - 1 if flags else 0, arg)

    # User bitmaps: a buffer of the model's size, or one that faults.
    BITMAPS = {'ok': 0, 'null': 5, 'top': 5 | 1 << 3, 'max': 5 | 2 << 3, 'low': 5 | 3 << 3}

    def get_log(self, vm, nth, bitmap='ok', as_id=None):
        self.raw(GET_DIRTY_LOG, vm).log_slot(nth, as_id)
        return self.raw(self.BITMAPS[bitmap])

    def clear_log(self, vm, nth, first, num, mask='ones', as_id=None):
        """first: pages, num: pages or 'end'; mask: 'ones', 'model' (what
        the log holds; 'model-lowest', -rest, -alternate: part of each
        word), 'zero', ('bytes', b'...'), ('word', w) or a faulting bitmap
        name."""
        self.raw(CLEAR_DIRTY_LOG, vm).log_slot(nth, as_id)
        if first % 64 == 0 and first < 64 * 64:
            self.raw(first // 64 << 2)
        else:
            self.raw(3).u64(first)
        if num == 'end':
            self.raw(0)
        elif num % 64 == 0 and num < 64 * 64:
            self.raw(num // 64 << 2 | 1)
        else:
            self.raw(3).u32(num)
        if isinstance(mask, tuple) and mask[0] == 'bytes':
            assert 1 <= len(mask[1]) <= 32
            return self.raw(2, len(mask[1]) - 1, *mask[1])
        if isinstance(mask, tuple):
            return self.raw(3).u64(mask[1])
        modes = {'ones': 0, 'model': 1, 'model-lowest': 1 | 1 << 3,
                 'model-rest': 1 | 2 << 3, 'model-alternate': 1 | 3 << 3, 'zero': 4}
        return self.raw(modes[mask] if mask in modes else self.BITMAPS[mask])

    def create_device(self, vm, dev_type, test=False, abort=False, refuse=0):
        return self.raw(CREATE_DEVICE, vm, dev_type, 1 if test else 0,
                        7 if abort else 0, refuse)

    def close_device(self, dev):
        return self.raw(CLOSE_DEVICE, dev)

    def attr(self, group, attr, payload):
        """attr_sel: uattr valid (mode 0); payload one of
        ('bytes', u64), ('fd', sel), ('spapr', sel, sel), ('nowhere',)."""
        self.raw(0, group, attr, 0)
        kind = payload[0]
        if kind == 'bytes':
            return self.raw(0).u64(payload[1])
        if kind == 'fd':  # fd_sel: 0 /dev/null, 1 -1, 2 fd 0, 4 1<<20,
            # 5 and 6 the harness's VFIO group files
            return self.raw(1, payload[1])
        if kind == 'spapr':
            return self.raw(2, payload[1], payload[2])
        return self.raw(3)

    def bad_uattr(self):
        return self.raw(5, 0, 0, 0, 3)

    def device_attr(self, dev, op, group, attr, payload):
        return self.raw(DEVICE_ATTR, dev, op).attr(group, attr, payload)

    def vgic_attr(self, dev, op, group, attr, payload):
        """op_vgic_attr: uattr valid; payload ('raw', u64), ('nr', index
        into kNr), ('addr', selector byte[, offset byte]), or ('fault', k)."""
        self.raw(DEVICE_ATTR, dev, op, 0, VGIC_GROUP[group], attr, 0)
        kind = payload[0]
        if kind == 'raw':
            return self.raw(5).u64(payload[1])
        if kind == 'fault':
            return self.raw(6 | payload[1] << 3)
        self.raw(0)
        return self.raw(*payload[1:])

    def rdreg(self, count, base, index, flags=0):
        return count << 52 | base | flags << 12 | index

    def vm_attr(self, vm, op, group, attr, payload):
        return self.raw(VM_ATTR, vm, op).attr(group, attr, payload)

    def vcpu_attr(self, vcpu, op, group, attr, payload):
        return self.raw(VCPU_ATTR, vcpu, op).attr(group, attr, payload)

    def device_ioctl(self, dev, dummy_cmd=True):
        return self.raw(DEVICE_IOCTL, dev, 1 if dummy_cmd else 0, 0)

    def check_extension(self, who, cap_index):
        return self.raw(CHECK_EXTENSION, who, cap_index)

    def fail_alloc(self, n):
        return self.raw(FAIL_ALLOC, n)

    def vcpu_burst(self, vm, start, count):
        return self.raw(VCPU_BURST, vm).u16(start).u16(count)

    def device_burst(self, vm, count):
        return self.raw(DEVICE_BURST, vm).u16(count)

    def misc(self, what, idx=0):
        return self.raw(MISC, what, idx)

    # arm64 vCPUs (op_arm_init ... op_arm_host).
    def arm_init(self, vcpu, features, target=5, junk_bit=None):
        self.raw(ARM_INIT, vcpu, 0 if target == 5 else 0xf0 | target)
        if junk_bit is not None:  # features_sel 0xc0..0xef: bits 0-6 and one more
            return self.raw(0xc0, features, junk_bit)
        assert features < 0x80
        return self.raw(features)

    def arm_finalize(self, vcpu, what=SVE, fault=None):
        self.raw(ARM_FINALIZE, vcpu, 0 if what == SVE else 0xf0 | what)
        return self.raw(0 if fault is None else 7 | fault << 3)

    # one_reg: the id ('pool', i) | ('mut', i, kind, *arg bytes) |
    # ('sample', k) | ('raw', id); the value ('zero',) | ('word', w) |
    # ('bytes', b'..') | ('flip', bit) | ('const', k) | ('ones',) |
    # ('fault', k) | ('nibble', pos, value).
    def one_reg(self, vcpu, mode, reg, value=('zero',), ureg_fault=False):
        self.raw(ONE_REG, vcpu, mode | (7 << 3 if ureg_fault else 0))
        kind = reg[0]
        if kind == 'pool':
            self.raw(0).u16(reg[1])
        elif kind == 'mut':
            self.raw(4 | reg[2] << 3).u16(reg[1])
            if reg[2] in (3, 6):
                self.u16(reg[3])
            else:
                self.raw(reg[3])
        elif kind == 'sample':
            self.raw(6, reg[1])
        else:
            self.raw(7).u64(reg[1])
        kind = value[0]
        if kind == 'zero':
            return self.raw(0)
        if kind == 'word':
            return self.raw(1).u64(value[1])
        if kind == 'bytes':
            assert 1 <= len(value[1]) <= 32
            return self.raw(2, len(value[1]) - 1, *value[1])
        if kind == 'flip':
            return self.raw(3).u16(value[1])
        if kind == 'const':
            return self.raw(4, value[1])
        if kind == 'ones':
            return self.raw(5)
        if kind == 'fault':
            return self.raw(6 | value[1] << 3)
        return self.raw(7, value[1], value[2])

    def get(self, vcpu, reg):
        return self.one_reg(vcpu, REG_GET, ('sample', reg))

    def set(self, vcpu, reg, value):
        return self.one_reg(vcpu, REG_SET, ('sample', reg), value)

    def roundtrip(self, vcpu, reg):
        return self.one_reg(vcpu, REG_GET_SET, ('sample', reg))

    # n: 'zero', 'short' (one less than the count), 'exact', ('more', k),
    # ('u16', n), ('high', hi, lo): hi << 32 | lo, ('u64', n), ('fault', k).
    def reg_list(self, vcpu, n='exact', sample_start=0):
        modes = {'zero': 0, 'short': 1, 'exact': 2}
        if n in modes:
            self.raw(REG_LIST, vcpu, modes[n])
        elif n[0] == 'more':
            self.raw(REG_LIST, vcpu, 3 | n[1] << 3)
        elif n[0] == 'u16':
            self.raw(REG_LIST, vcpu, 4).u16(n[1])
        elif n[0] == 'high':
            assert 1 <= n[1] <= 4
            self.raw(REG_LIST, vcpu, 5, n[1] - 1).u16(n[2])
        elif n[0] == 'u64':
            self.raw(REG_LIST, vcpu, 6).u64(n[1])
        else:
            self.raw(REG_LIST, vcpu, 7 | n[1] << 3)
        return self.raw(sample_start)

    # ipa: ('slot', nth, index): the nth slot + 64 * index; ('slot+', nth,
    # off): + off; ('past', nth); 'invalid'; ('u64', ipa); ('low', index);
    # ('fault', k).
    def pvtime(self, vcpu, op, ipa=('low', 0), attr=0, uattr_fault=False):
        self.raw(PVTIME, vcpu, op | (7 << 2 if uattr_fault else 0))
        assert attr < 8
        self.raw(0 if attr == 0 else 0xf0 | attr)
        kind = ipa if isinstance(ipa, str) else ipa[0]
        if kind == 'slot':
            return self.raw(0, ipa[1]).u16(ipa[2])
        if kind == 'slot+':
            return self.raw(1, ipa[1]).u16(ipa[2])
        if kind == 'past':
            return self.raw(2, ipa[1])
        if kind == 'invalid':
            return self.raw(3, 0)
        if kind == 'u64':
            return self.raw(4, 0).u64(ipa[1])
        if kind == 'low':
            return self.raw(5, 0).u16(ipa[1])
        return self.raw(6 | ipa[1] << 3, 0)

    # The guest's PV-time hypercalls: fid 0 PV_TIME_FEATURES, 1 PV_TIME_ST,
    # 2 and 3 ids without a handler; arg 0 PV_TIME_FEATURES, 1 PV_TIME_ST,
    # 2 PV_TIME_ST with bit 32 set, 3 zero, or ('u64', x).
    def hypercall(self, vcpu, fid, arg=1):
        if isinstance(arg, tuple):
            return self.raw(PVTIME, vcpu, PV_HVC, fid | 4 << 2).u64(arg[1])
        return self.raw(PVTIME, vcpu, PV_HVC, fid | arg << 2)

    def arm_host(self, sve=1, ptrauth=(1, 1), pmuv3=1, el1_32bit=0, el0_32bit=1, vqs=0,
                 defaults=False, gicv2=1):
        """vqs: an index into the harness's kVqs (0b1011, 1, 0xffff, 0x8001,
        3, 0x80, 0, 0x10000) or ('u32', vqs)."""
        if defaults:
            return self.raw(ARM_HOST, 0x80, 0)
        hb = sve | ptrauth[0] << 1 | ptrauth[1] << 2 | pmuv3 << 3 | el1_32bit << 4 | el0_32bit << 5
        hb |= (1 - gicv2) << 6
        if isinstance(vqs, tuple):
            return self.raw(ARM_HOST, hb, 0xf0).u32(vqs[1])
        return self.raw(ARM_HOST, hb, vqs)

    # The VGIC, step 2 (op_irq_line, op_gic_regs, op_gic_mmio, op_gic_sysreg).
    def irq_line(self, vm, irq_type, vcpu, num, level):
        """type 1 SPI, 2 PPI, 0 CPU line, 3; vcpu an index (at most the
        VM's number of vCPUs); num the INTID (SPI: below the GIC's last + 1)."""
        tb = {1: 0, 2: 2, 0: 4, 3: 7}[irq_type]
        nb = num - 32 if irq_type == 1 else num - 16 if irq_type == 2 else num
        special = [0, 15, 16, 31, 32, 1019, 1020, 0xffff]
        if not 0 <= nb < 0xf0 or (irq_type == 2 and nb >= 16):
            nb = 0xf8 | special.index(num)
        assert vcpu < 0xf0 and level < 0xc0
        return self.raw(IRQ_LINE, vm, tb, vcpu, nb, level)

    def irq_line_raw(self, vm, irq, level):
        return self.raw(IRQ_LINE, vm, 0xff, 0, 0, level).u32(irq)

    def _offset(self, frame, off, length=None, nr_irqs=256):
        """gic_offset_sel's bytes for (off, length): a row's natural width
        (length None), 1/8 where the row allows, or 2, 3, 16, 0 (an
        invalid width at a register's offset); else the raw form."""
        rows = GIC_ROWS[frame]
        odd = {2: 0, 3: 1, 16: 2, 0: 3}
        for i, (roff, rlen, bpi, widths) in enumerate(rows):
            if not roff <= off < roff + rlen:
                continue
            w = 4 if widths & W4 else 8 if widths & W8 else 1
            if length in odd and widths & W4:
                span = min(rlen, nr_irqs * bpi // 8 + w) if bpi else rlen
                idx, m = (off - roff) // w, max(span // w, 1)
                lo = 0x4000 | odd[length] << 12
                k = next(k for k in range(lo, lo + 0x1000) if k % m == idx)
                return self.raw(i << 3 | 4).u16(k)
            if length not in (None, w):
                if not (length in (1, 8) and widths & length):
                    break
                w, hi = length, 0x8000
            else:
                hi = 0
            span = min(rlen, nr_irqs * bpi // 8 + w) if bpi else rlen
            idx, m = (off - roff) // w, max(span // w, 1)
            if (off - roff) % w or idx >= m:
                break
            k = next(k for k in range(hi, hi + 0x8000) if k % m == idx)
            return self.raw(i << 3).u16(k)
        assert length in (None, 4), (hex(off), length)
        if off < 0x10000:
            return self.raw(7).u16(off)
        return self.raw(0x87).u16(0).u32(off)

    def _gic_value(self, value):
        if value == 'fault':
            return self.raw(7)
        if value == 0:
            return self.raw(4)
        if value in GIC_VALUES:
            return self.raw(2 | GIC_VALUES.index(value) << 3)
        if value < 2**32:
            return self.raw(0).u32(value)
        return self.raw(5).u64(value)

    def gic_regs(self, dev, op, model, group, reg, vcpu=0, value=0, bad_vcpu=False):
        """reg: a frame offset, an ICC_* index (CPU_SYSREGS), a vINTID
        (LEVEL_INFO: a multiple of 32), ('unaligned', k) or ('info', k)
        for LEVEL_INFO; vcpu: its index (v3: its MPIDR); bad_vcpu: an id
        past the last (v3) or the index one past (v2)."""
        groups = [1, 1, 1, 2, 2, 2, 1, 2] if model == V2 else [1, 1, 5, 5, 6, 6, 7, 7]
        gb = groups.index(group) if group in groups else \
            next(b for b in range(0xe0, 0x100) if [1, 2, 5, 6, 7][b % 5] == group)
        self.raw(GIC_REGS, dev, op, gb)
        if bad_vcpu:
            self.raw(6 if model == V2 else 5)
        else:
            self.raw(vcpu << 3)
        if group == G_SYSREGS:
            self.raw(reg)
        elif group == G_LEVEL:
            if isinstance(reg, tuple):
                self.raw((0xc0 if reg[0] == 'unaligned' else 0xe0) + reg[1])
            else:
                self.raw(reg // 32 << 1)
        else:
            frame = {G_DIST: F_V3DIST if model == V3 else F_V2DIST, G_CPU: F_V2CPU,
                     G_REDIST: F_V3REDIST}[group]
            self._offset(frame, reg)
        return self._gic_value(value)

    def gic_mmio(self, vcpu, write, model, frame, off, length=None, data=0, run_first=False,
                 other=None):
        """frame: 'dist', 'cpu' (v2), 'redist' (the vCPU's own), or
        'redist' with other=k (vCPU k's)."""
        fb = (1 if write else 0) | (2 if run_first else 0)
        if model == V2:
            fb |= 4 if frame == 'cpu' else 0
            f = F_V2CPU if frame == 'cpu' else F_V2DIST
        else:
            fb |= 0 if frame == 'dist' else (3 if other is not None else 1) << 2
            f = F_V3DIST if frame == 'dist' else F_V3REDIST
        self.raw(GIC_MMIO, vcpu, fb, other or 0)
        self._offset(f, off, length)
        if data in GIC_VALUES:
            return self.raw(GIC_VALUES.index(data) << 1)
        return self.raw(1).u64(data)

    def icc(self, vcpu, reg, write=False, value=0):
        if value in ICC_VALUES:
            return self.raw(GIC_SYSREG, vcpu, reg, (1 if write else 0) | ICC_VALUES.index(value) << 2)
        return self.raw(GIC_SYSREG, vcpu, reg, (1 if write else 0) | 2).u64(value)

    def end(self, order=0):  # the order the fds left open are closed in
        return self.raw(TEARDOWN_ORDER, order) if order else self


def seeds():
    out = {}

    # A VM, one slot in the arena, a vCPU: stores and loads through RAM,
    # an MMIO exit next to the slot, KVM_RUN with immediate_exit.
    for name, p in (('arm64', ARM64), ('ppc', PPC), ('s390', S390)):
        s = Seed().create_vm(p)
        s.set_mem(0, 0, 0, 16, 4, 0)
        s.create_vcpu(0, 0)
        s.access(0, True, 16, 8, 8, 0x1122334455667788)
        s.access(0, False, 16, 8, 8)
        s.access(0, False, 16, 10, 2)
        s.access(0, True, 19, 4095, 1, 0xaa)
        s.access(0, False, 20, 0, 4)  # past the slot: MMIO exit
        s.run(0, 0)
        s.run(0, 1)
        s.misc(0).misc(1)
        out['seed-vm-slot-vcpu-access-' + name] = s.end(0)

    # Dirty logging, read-only slots (arm64), moves and deletes.
    s = Seed().create_vm(ARM64, 40)
    s.set_mem(0, 1, LOG_DIRTY, 32, 2, 8)
    s.set_mem(0, 2, READONLY, 40, 1, 16)
    s.create_vcpu(0, 3)
    s.access(0, True, 32, 0, 4, 0xdeadbeef)
    s.access(0, True, 40, 0, 4, 0xfeed)  # read-only: MMIO exit
    s.access(0, False, 40, 0, 4)
    s.move_slot(0, 0, 0, 48)  # slot 1 to page 48, logging off
    s.access(0, False, 48, 0, 4)
    s.move_slot(0, 0, LOG_DIRTY, 39)  # overlaps slot 2: -EEXIST
    s.delete_slot(0, 1)
    s.access(0, False, 40, 0, 4)
    s.set_mem(0, 1, 0, 40, 1, 24)  # overlaps again
    out['seed-slots-dirty-readonly-move'] = s.end(1)

    # arm64 IPA size: a 32-bit VM refuses a slot at 4 GiB (-EFAULT).
    s = Seed().create_vm(ARM64, 32)
    s.raw(SET_MEM, 0, 0, 0, 0).gpa_special(0).size_pages(1).arena(0)
    s.raw(SET_MEM, 0, 0, 1, 0).gpa_special(1).size_pages(1).arena(1)
    s.create_vm(ARM64, 31).create_vm(ARM64, 49).create_vm(PPC, 2)
    s.check_extension(0, 13).check_extension(1, 11)
    out['seed-arm64-ipa'] = s.end(2)

    # The VFIO pseudo-device: has/set/get, bad fds, SPAPR TCE on ppc, one
    # per VM, TEST, abort, and release.
    s = Seed().create_vm(PPC).create_vm(S390)
    s.create_device(0, DEV_VFIO, test=True)
    s.create_device(0, DEV_VFIO)
    s.device_attr(0, ATTR_HAS, VFIO_GROUP, VFIO_ADD, ('fd', 0))
    s.device_attr(0, ATTR_HAS, VFIO_GROUP, VFIO_SPAPR, ('fd', 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 1))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('fd', 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('nowhere',))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 0, 1))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 1, 0))
    # VFIO group files: add, add again, SPAPR TCE, delete, and allocation
    # failure; two left for the release to drop.
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 5))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 5))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 5, 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('fd', 5))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('fd', 5))
    s.fail_alloc(0)
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 6))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 6))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 5))
    s.device_attr(0, ATTR_GET, VFIO_GROUP, VFIO_ADD, ('fd', 0))
    s.device_attr(0, ATTR_SET, 2, VFIO_ADD, ('fd', 0))
    s.raw(DEVICE_ATTR, 0, ATTR_SET).bad_uattr()
    s.device_ioctl(0, False)
    s.create_device(0, DEV_VFIO)  # -EBUSY: one per VM
    s.create_device(1, DEV_VFIO, abort=True)
    s.create_device(1, DEV_VFIO)
    s.device_attr(1, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 0, 0))
    s.close_device(0)
    s.create_device(0, DEV_VFIO)
    s.close_vm(0)
    s.vm_attr(0, ATTR_HAS, 0, 0, ('bytes', 0))
    s.raw(VM_ATTR, 0, ATTR_GET).bad_uattr()
    out['seed-vfio-attrs'] = s.end(0)

    # Allocation failures on slot creation: the slot, then each index
    # array, then the dirty bitmap; a load probes that nothing changed.
    s = Seed().create_vm(S390).create_vcpu(0, 0)
    for n in range(3):
        s.fail_alloc(n).set_mem(0, 0, 0, 8, 2, 0)
        s.access(0, False, 8, 0, 1)
    s.fail_alloc(1).set_mem(0, 1, LOG_DIRTY, 16, 2, 4)
    s.set_mem(0, 0, 0, 8, 2, 0)
    s.fail_alloc(0).move_slot(0, 0, LOG_DIRTY, 8)  # logging on: bitmap
    s.access(0, True, 8, 0, 8, 0x0102030405060708)
    s.fail_alloc(0).create_vcpu(0, 1)
    s.fail_alloc(1).create_vcpu(0, 1)
    s.fail_alloc(0).create_vm(ARM64)
    out['seed-alloc-fail-slot-create'] = s.end(1)

    # Device and vCPU limits, the harness's destroy-only device.
    s = Seed().create_vm(S390).create_vm(ARM64)
    s.create_device(0, DEV_DUMMY)
    s.device_attr(0, ATTR_SET, 0, 0, ('bytes', 0x0123456789abcdef))
    s.device_attr(0, ATTR_GET, 0, 0, ('bytes', 0))
    s.device_attr(0, ATTR_GET, 1, 0, ('bytes', 0))
    s.device_ioctl(0)
    s.create_device(0, DEV_DUMMY, refuse=1)
    s.create_device(0, DEV_DUMMY, abort=True)
    s.fail_alloc(1).create_device(0, DEV_DUMMY)
    s.device_burst(0, 260)
    s.vcpu_burst(0, 0, 250)
    s.create_vcpu(1, 0)
    s.vcpu_attr(0, ATTR_HAS, 0, 0, ('bytes', 0))
    s.create_vcpu(1, 1, abort=True).create_vcpu(1, 1)
    s.run(0, 2)
    s.close_vm(0).close_vm(0)
    s.misc(2).misc(3)
    out['seed-device-vcpu-limits'] = s.end(2)

    # A PROTECT2 round on arm64: the cap's rules, a 200-page slot logging
    # under INITIALLY_SET, get (all set), clear in chunks, guest stores,
    # get, clear what get returned; back to legacy mode; a move keeps the
    # log, logging off frees it.
    s = Seed().create_vm(ARM64).create_vcpu(0, 0)
    s.check_extension(0, 22).check_extension(0, 21).check_extension(0, 20)
    s.enable_cap(0, 4).enable_cap(0, INITIALLY_SET)  # unknown bit; no ENABLE
    s.enable_cap(0, MANUAL_ENABLE, flags=1).enable_cap(0, 1, cap='protect')
    s.enable_cap(0, 1, cap='enable_cap_vm')
    s.enable_cap(0, MANUAL_ENABLE | INITIALLY_SET)
    s.set_mem_big(0, 1, LOG_DIRTY, 0, 200, 0)
    s.get_log(0, 0)
    s.clear_log(0, 0, 0, 64)
    s.clear_log(0, 0, 64, 64, ('bytes', b'\x55\x00\xff'))
    s.clear_log(0, 0, 128, 'end', ('word', 0x8000000000000001))
    s.get_log(0, 0)
    for page in (0, 5, 64, 130, 199):
        s.store(0, 0, page, 0x1000 + page)
    s.get_log(0, 0).get_log(0, 0)  # manual: a copy, twice the same
    s.get_log(0, 0, 'top')  # manual get faults: nothing changes
    s.clear_log(0, 0, 0, 'end', 'zero')  # clears nothing
    s.clear_log(0, 0, 0, 128, 'model-lowest')  # page 0 of pages 0, 5
    s.get_log(0, 0)
    s.clear_log(0, 0, 0, 128, 'model')
    s.get_log(0, 0)
    s.clear_log(0, 0, 128, 'end', 'ones')
    s.get_log(0, 0)
    s.store(0, 0, 7, 1).store(0, 0, 199, 2)
    s.enable_cap(0, 0)  # legacy again: get returns and clears
    s.get_log(0, 0).get_log(0, 0)
    s.store(0, 0, 100, 3)
    s.move_slot(0, 0, LOG_DIRTY, 32)  # a move keeps the log
    s.get_log(0, 0)
    s.move_slot(0, 0, 0, 32).get_log(0, 0)  # off: -ENOENT
    s.enable_cap(0, MANUAL_ENABLE)
    s.move_slot(0, 0, LOG_DIRTY, 32).get_log(0, 0)  # on again: clear
    out['seed-dirty-log-protect2-round'] = s.end(0)

    # Legacy get and -EFAULT: the bits stay; the slot checks.
    for name, p in (('arm64', ARM64), ('s390', S390)):
        s = Seed().create_vm(p).create_vcpu(0, 0)
        s.set_mem_big(0, 0, LOG_DIRTY, 16, 130, 0)
        s.set_mem(0, 1, 0, 0, 4, 256)  # not logging
        s.enable_cap(0, MANUAL_ENABLE)  # -EINVAL on s390
        s.enable_cap(0, 0)
        for page in (1, 63, 64, 129):
            s.store(0, 0, page, page)
        s.get_log(0, 0, 'null').get_log(0, 0, 'top')
        s.get_log(0, 0, 'max').get_log(0, 0, 'low')
        s.get_log(0, 0)
        s.get_log(0, 0)  # cleared
        s.store(0, 0, 2, 9)
        s.get_log(0, 0, 'null').get_log(0, 0)
        s.get_log(0, 1)  # no log: -ENOENT
        s.get_log(0, 0, as_id=1)  # address space: -EINVAL
        s.raw(GET_DIRTY_LOG, 0, 1, 0xf1, 0)  # id nr_memslots: -EINVAL
        s.clear_log(0, 0, 0, 64)  # arm64 only
        s.delete_slot(0, 0).get_log(0, 0)
        out['seed-dirty-log-legacy-efault-' + name] = s.end(1)

    # KVM_CLEAR_DIRTY_LOG's checks in kvm_clear_dirty_log_protect()'s
    # order, and a faulting clear that clears nothing.
    s = Seed().create_vm(ARM64).create_vcpu(0, 0)
    s.enable_cap(0, MANUAL_ENABLE | INITIALLY_SET)
    s.clear_log(0, 0, 0, 64)  # no slot: -ENOENT
    s.clear_log(0, 0, 1, 64)  # first_page % 64 first: -EINVAL
    s.clear_log(0, 0, 0, 64, as_id=1)
    s.set_mem_big(0, 3, 0, 0, 1000, 0)
    s.clear_log(0, 0, 0, 64)  # no log: -ENOENT
    s.fail_alloc(1).move_slot(0, 0, LOG_DIRTY, 0)  # the staging copy fails
    s.clear_log(0, 0, 0, 64)  # still no log: -ENOENT
    s.move_slot(0, 0, LOG_DIRTY, 0)
    s.clear_log(0, 0, 1024, 0)  # beyond: -EINVAL
    s.clear_log(0, 0, 960, 64)  # runs past: -EINVAL
    s.clear_log(0, 0, 0, 100)  # not a multiple of 64: -EINVAL
    s.clear_log(0, 0, 960, 40, 'ones')  # ends at the end
    s.clear_log(0, 0, 0, 0, 'null')  # nothing read
    s.clear_log(0, 0, 0, 64, 'null').clear_log(0, 0, 64, 64, 'max')
    s.get_log(0, 0)
    s.clear_log(0, 0, 0, 'end', ('bytes', bytes(range(1, 33))))
    s.get_log(0, 0)
    out['seed-dirty-log-clear-checks'] = s.end(0)

    # arm64 registers, a plain vCPU: every call refused before INIT, INIT's
    # checks, GET_REG_LIST's n (short, exact, bits above 32, faulting; each
    # full list is swept: every id read and written back), ONE_REG by
    # block, mutated and raw ids, a faulting struct and value.
    s = Seed().create_vm(ARM64).set_mem(0, 0, 0, 16, 4, 0).create_vcpu(0, 5)
    s.get(0, R_X0).reg_list(0).arm_finalize(0).pvtime(0, PV_HAS)
    s.run(0, 2)  # never initialised: -ENOEXEC
    s.arm_init(0, 1 << PSCI_0_2, target=3)  # -EINVAL
    s.arm_init(0, 1 << PSCI_0_2, junk_bit=40)  # -ENOENT
    s.arm_init(0, 1 << SVE | 1 << PTRAUTH_A)  # half of pointer auth
    s.arm_init(0, 1 << PSCI_0_2)
    s.arm_init(0, 1 << PSCI_0_2 | 1 << PMU_V3)  # a re-init that differs
    s.arm_init(0, 1 << PSCI_0_2)  # the same again: a reset
    s.reg_list(0, 'zero').reg_list(0, 'short').reg_list(0, ('high', 1, 5))
    s.reg_list(0, ('fault', 1)).reg_list(0, ('more', 3), 7)
    s.arm_finalize(0)  # no SVE: -EINVAL
    for reg in (R_X30, R_PC, R_PSTATE, R_V31, R_FPCR, R_PSCI, R_WA2, R_CNT, R_MIDR,
                R_PFR0, R_OSLSR, R_PMCR, R_CCSIDR1, R_VLS, R_Z0):
        s.roundtrip(0, reg)
    s.set(0, R_PSTATE, ('const', V_SVC))  # a 32-bit mode of a 64-bit vCPU
    s.set(0, R_PSTATE, ('const', V_0X10))  # USR: AArch32 EL0
    s.set(0, R_PSCI, ('const', V_PSCI_1_0)).set(0, R_PSCI, ('const', V_1))
    s.set(0, R_WA2, ('const', V_0X12)).set(0, R_WA1, ('const', V_3))
    s.set(0, R_PFR0, ('nibble', 14, 0))  # CSV2 lowered, for the VM
    s.set(0, R_MIDR, ('flip', 4)).set(0, R_CCSIDR0, ('flip', 0))
    s.set(0, R_SCTLR, ('bytes', b'\x01\x02\x03')).get(0, R_SCTLR)
    s.set(0, R_X0, ('fault', 2)).get(0, R_X0)
    s.one_reg(0, REG_GET, ('sample', R_X0), ureg_fault=True)
    s.one_reg(0, REG_GET, ('mut', 33, 0, 4))  # PSTATE as a u128
    s.one_reg(0, REG_SET, ('mut', 100, 2, 0), ('word', 0))  # a sysreg, coproc 0x10
    s.one_reg(0, REG_GET, ('mut', 90, 6, 0xc000))
    s.one_reg(0, REG_GET, ('raw', 0x6030000000160003))
    s.one_reg(0, REG_GET, ('raw', 0x4030000000100000))  # arm, not arm64
    s.reg_list(0, 'exact', 5)
    out['seed-arm64-regs-plain'] = s.end(0)

    # SVE with every feature: VLS before finalize, the list refused until
    # FINALIZE, KVM_RUN's gates, slices, a re-init after finalize (SVE
    # zeroed), FINALIZE's allocation failing, a PSCI 0.1 vCPU next to 0.2
    # ones.
    s = Seed().create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 1).create_vcpu(0, 7)
    s.arm_init(0, F_ALL)
    s.get(0, R_VLS).set(0, R_VLS, ('flip', 3))  # 128 and 256 bits only
    s.get(0, R_Z0).reg_list(0, 'zero').run(0, 0)  # -EPERM three times
    s.arm_finalize(0, what=3).arm_finalize(0, fault=0)
    s.arm_finalize(0).arm_finalize(0)  # 0, then -EPERM
    s.set(0, R_VLS, ('flip', 3))  # finalized: -EPERM
    s.set(0, R_Z31, ('bytes', bytes(range(1, 33)))).get(0, R_Z31)
    s.set(0, R_FFR, ('ones',)).get(0, R_FFR).set(0, R_V0, ('zero',))
    s.one_reg(0, REG_GET, ('mut', 44, 1, 3))  # Z0 slice 3: -ENOENT
    s.reg_list(0, 'short').reg_list(0, 'exact', 2)
    s.arm_init(0, F_ALL)  # SVE zeroed by the reset
    s.get(0, R_Z31)
    s.arm_init(1, 1 << SVE)
    s.fail_alloc(0).arm_finalize(1).arm_finalize(1)
    s.fail_alloc(0).reg_list(1, 'exact')
    s.arm_init(2, 0)  # PSCI 0.1
    s.roundtrip(2, R_PSCI)  # the VM's version becomes 0.1
    s.roundtrip(0, R_PSCI).get(1, R_PSCI)
    s.run(0, 0)
    s.set(0, R_BMAP1, ('const', V_0))  # the VM ran: -EBUSY
    s.set(0, R_APIAKEYLO, ('word', 0x0123456789abcdef)).roundtrip(1, R_APIAKEYLO)
    s.roundtrip(0, R_PMCCNTR).set(0, R_PMCR, ('const', V_ONES)).roundtrip(0, R_PMEVCNTR0)
    s.reg_list(1, 'exact').reg_list(2, 'short')
    out['seed-arm64-regs-sve-all'] = s.end(1)

    # An AArch32-EL1 host without SVE, PMU or full pointer auth: the VM's
    # width fixed by its first vCPU, the 32-bit PSTATE modes; the host
    # parameters' own checks.
    s = Seed().arm_host(sve=0, ptrauth=(1, 0), pmuv3=0, el1_32bit=1, el0_32bit=1)
    s.create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 1)
    s.arm_init(1, 1 << SVE).arm_init(1, 1 << PMU_V3)
    s.arm_init(1, 1 << PTRAUTH_A | 1 << PTRAUTH_G)
    s.arm_init(0, 1 << EL1_32BIT | 1 << PSCI_0_2)
    s.arm_init(1, 1 << PSCI_0_2)  # 64-bit in a 32-bit VM: -EINVAL
    s.arm_init(1, 1 << EL1_32BIT)
    for v in (V_0X10, V_0X12, V_0X1F, V_EL1H, V_0X13, V_7):
        s.set(0, R_PSTATE, ('const', v)).get(0, R_X30)
    s.set(0, R_X30, ('ones',)).set(0, R_PSTATE, ('const', V_0X10)).get(0, R_X30)
    s.reg_list(0, 'exact').roundtrip(0, R_ID_PFR0).roundtrip(0, R_ID_DFR0)
    s.arm_host(sve=1, vqs=6).arm_host(sve=1, vqs=7).arm_host(sve=1, vqs=('u32', 0x20000))
    s.arm_host(sve=1, el0_32bit=0, vqs=2)
    s.create_vm(ARM64).create_vcpu(1, 0).arm_init(2, F_ALL)
    s.get(2, R_VLS).set(2, R_VLS, ('const', V_7)).arm_finalize(2)
    s.reg_list(2, 'exact').roundtrip(2, R_ID_PFR0).set(2, R_ID_PFR0, ('flip', 0))
    s.arm_host(defaults=True)
    out['seed-arm64-host-aa32'] = s.end(2)

    # PV stolen time: the attribute's rules, then the guest's hypercalls
    # (gated by STD_HYP_BMAP; PV_TIME_ST zeroes the structure, which the
    # dirty log sees).
    s = Seed().create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 1)
    s.set_mem(0, 0, LOG_DIRTY, 32, 2, 8).set_mem(0, 1, READONLY, 40, 1, 16)
    s.hypercall(0, 0, 1).hypercall(0, 1)  # no IPA yet: NOT_SUPPORTED
    s.pvtime(0, PV_HAS).pvtime(0, PV_HAS, attr=1).pvtime(0, PV_GET)
    s.pvtime(0, PV_GET, ('fault', 2)).pvtime(0, PV_SET, uattr_fault=True)
    s.pvtime(0, PV_SET, ('slot+', 0, 8))  # misaligned
    s.pvtime(0, PV_SET, ('slot', 1, 0))  # read-only slot
    s.pvtime(0, PV_SET, ('past', 0)).pvtime(0, PV_SET, 'invalid')
    s.pvtime(0, PV_SET, ('fault', 0))
    s.pvtime(0, PV_SET, ('slot', 0, 65))  # page 1 of the slot
    s.pvtime(0, PV_SET, ('slot', 0, 0))  # -EEXIST
    s.pvtime(0, PV_GET)
    s.get_log(0, 0)
    s.hypercall(0, 2).hypercall(0, 0, 0).hypercall(0, 0, 2).hypercall(0, 0, 3)
    s.hypercall(0, 1).hypercall(1, 1)  # vCPU 1: no IPA
    s.get_log(0, 0)  # page 1 dirty
    s.arm_init(0, 1 << PSCI_0_2)
    s.set(0, R_BMAP1, ('const', V_0)).hypercall(0, 1).hypercall(0, 0, 1)
    s.set(0, R_BMAP1, ('const', V_1)).hypercall(0, 1)
    s.set(0, R_BMAP1, ('const', V_2))  # not a feature: -EINVAL
    s.delete_slot(0, 0).hypercall(0, 1)  # the write finds no slot
    s.pvtime(1, PV_SET, ('slot', 0, 0))  # slot 1 is read-only: -EINVAL
    out['seed-arm64-pvtime'] = s.end(0)

    # The VGIC, v2: placement (-EEXIST, alignment, past the IPA space, the
    # other model's attributes), NR_IRQS, INIT and the vCPU limits.
    s = Seed().create_vm(ARM64, 36).create_vcpu(0, 0).create_vcpu(0, 1)
    s.create_device(0, DEV_VGIC_V2, test=True).create_device(0, DEV_VGIC_V2)
    s.create_device(0, DEV_VGIC_V3)  # -EEXIST
    s.vgic_attr(0, ATTR_HAS, 0, V2_CPU, ('raw', 0)).vgic_attr(0, ATTR_HAS, 0, V3_DIST, ('raw', 0))
    s.vgic_attr(0, ATTR_GET, 0, V2_DIST, ('raw', 0))
    s.vgic_attr(0, ATTR_SET, 0, V2_DIST, ('raw', 0x8000800))  # misaligned
    s.vgic_attr(0, ATTR_SET, 0, V2_DIST, ('addr', 4 << 3 | 5))  # 2^48: -E2BIG
    s.vgic_attr(0, ATTR_SET, 0, V2_DIST, ('addr', 0 << 3 | 4))  # top - 4K
    s.vgic_attr(0, ATTR_SET, 0, V2_DIST, ('raw', 0x8000000))  # -EEXIST
    s.vgic_attr(0, ATTR_SET, 0, V2_CPU, ('addr', 0 << 3 | 4))  # top - 4K + 8K
    s.vgic_attr(0, ATTR_SET, 0, V2_CPU, ('raw', 0x8010000))
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST, ('raw', 0x8010000))  # -ENXIO
    s.vgic_attr(0, ATTR_SET, 0, V2_DIST, ('fault', 0))
    s.vgic_attr(0, ATTR_GET, 0, V2_CPU, ('raw', 0))
    s.vgic_attr(0, ATTR_GET, 3, 0, ('raw', 0))
    s.vgic_attr(0, ATTR_SET, 3, 0, ('nr', 4))  # 1023
    s.vgic_attr(0, ATTR_SET, 3, 0, ('nr', 1))  # 96
    s.vgic_attr(0, ATTR_SET, 3, 0, ('nr', 3))  # -EBUSY
    s.vgic_attr(0, ATTR_GET, 4, 0, ('raw', 0)).vgic_attr(0, ATTR_SET, 4, 1, ('raw', 0))
    s.vcpu_burst(0, 2, 8)  # up to 8, then -EINVAL
    s.vgic_attr(0, ATTR_SET, 4, 0, ('raw', 0)).vgic_attr(0, ATTR_SET, 4, 0, ('raw', 0))
    s.create_vm(ARM64).vcpu_burst(1, 0, 9)
    s.create_device(1, DEV_VGIC_V2)  # -E2BIG
    s.create_device(1, DEV_VGIC_V3, abort=True)
    s.create_device(1, DEV_VGIC_V3)  # -EEXIST: the aborted fd's GIC stays
    s.close_device(0)
    s.create_vcpu(0, 12)  # -EINVAL
    out['seed-vgic-v2'] = s.end(1)

    # The VGIC, v3: the distributor, the legacy redistributor region and
    # indexed ones (order, overlaps, mixing, flags), a GIC after a run.
    s = Seed().create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 1)
    s.create_device(0, DEV_VGIC_V3)
    s.vgic_attr(0, ATTR_SET, 0, V3_DIST, ('raw', 0x8000000))
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST, ('raw', 0x8000000))  # overlaps the distributor
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST, ('raw', 0x80a0000))
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST, ('raw', 0x90a0000))  # -EEXIST
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(1, 0xa000000, 1)))  # mixed
    s.vgic_attr(0, ATTR_GET, 0, V3_REDIST, ('raw', 0))
    s.vgic_attr(0, ATTR_GET, 0, V3_REDIST_REGION, ('raw', 0))
    s.vgic_attr(0, ATTR_GET, 0, V3_REDIST_REGION, ('raw', 1))  # -ENOENT
    s.vgic_attr(0, ATTR_GET, 0, V2_CPU, ('raw', 0))  # -ENXIO
    s.create_vcpu(0, 2)  # the legacy region grows
    s.vgic_attr(0, ATTR_SET, 4, 0, ('raw', 0)).vgic_attr(0, ATTR_GET, 3, 0, ('raw', 0))
    s.create_vcpu(0, 3)  # -EBUSY after INIT
    s.create_vm(ARM64).create_vcpu(1, 0).create_device(1, DEV_VGIC_V3)
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(2, 0x100000, 1)))  # index 1
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(2, 0x100000, 0, 1)))  # flags
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(0, 0x100000, 0)))  # count 0
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(2, 0x100000, 0)))
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(1, 0x120000, 1)))  # overlap
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(1, 0x140000, 1)))
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST, ('raw', 0x200000))  # mixed
    s.vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('addr', 0, 4 << 3 | 4))  # next, top - 256K
    s.vgic_attr(1, ATTR_SET, 0, V3_DIST, ('addr', 3 << 3 | 3, 0))  # on a region
    s.vgic_attr(1, ATTR_GET, 0, V3_REDIST_REGION, ('raw', 1))
    s.vgic_attr(1, ATTR_GET, 0, V3_REDIST_REGION, ('fault', 1))
    s.vgic_attr(1, ATTR_HAS, 0, V3_REDIST_REGION, ('raw', 0))
    s.vgic_attr(1, ATTR_HAS, 1, 0, ('raw', 0))
    s.fail_alloc(0).vgic_attr(1, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(1, 0x300000, 3)))
    s.create_vm(ARM64).create_vcpu(2, 0)
    s.arm_init(4, 0).run(4, 0)  # vCPU fd 4
    s.create_device(2, DEV_VGIC_V3)  # -EBUSY: a vCPU ran
    out['seed-vgic-v3'] = s.end(0)

    # The VGIC v3 registers from userspace: -EBUSY before INIT, then each
    # group's rows (the documented masks, IIDR's revision, TYPER2,
    # STATUSR, the latch, IROUTER), CPU_SYSREGS' refusals, LEVEL_INFO, HAS,
    # SAVE_PENDING_TABLES. vCPUs 0 and 17 (Aff1 1, Aff0 1).
    def v3_setup():
        s = Seed().create_vm(ARM64).create_vcpu(0, 0).raw(CREATE_VCPU, 0, 17, 0)
        s.arm_init(0, 1 << PSCI_0_2).arm_init(1, 1 << PSCI_0_2)
        s.create_device(0, DEV_VGIC_V3)
        s.vgic_attr(0, ATTR_SET, 0, V3_DIST, ('raw', 0x8000000))
        s.vgic_attr(0, ATTR_SET, 0, V3_REDIST, ('raw', 0x80a0000))
        s.gic_regs(0, ATTR_GET, V3, G_DIST, 0x4)  # not initialised: -EBUSY
        s.gic_regs(0, ATTR_HAS, V3, G_REDIST, 0x10100, vcpu=1)  # HAS needs no INIT
        return s.vgic_attr(0, ATTR_SET, 4, 0, ('raw', 0))
    s = v3_setup()
    for off, val in ((0x0, 2), (0x4, 0), (0x8, 0x4b00243b), (0x8, 0x4b00143b), (0xc, 1),
                     (0x10, 0xff), (0x84, 0xaaaaaaaa), (0x104, 0x80808080), (0x184, 0x80),
                     (0x204, 0x12345678), (0x284, 0xffff), (0x304, 0x10001), (0x384, 1),
                     (0x420, 0xffffffff), (0x41c, 0xff), (0xc08, 0xffffffff), (0xd04, 0xff),
                     (0x6100, 0x12345678), (0x6104, 0xff), (0x80, 0xff), (0xffe8, 0)):
        s.gic_regs(0, ATTR_SET, V3, G_DIST, off, value=val)
    s.gic_regs(0, ATTR_GET, V3, G_DIST, 0xffe8).gic_regs(0, ATTR_GET, V3, G_DIST, 0x8)
    s.gic_regs(0, ATTR_GET, V3, G_REDIST, 0x0, vcpu=1)  # revision 2: GICR_CTLR 0
    for off, val in ((0x8, 0), (0xc, 0), (0x10, 0x1f), (0x70, 2**32 - 1), (0x10080, 0xffff),
                     (0x10100, 0x10001), (0x10200, 0xf0f0f0f0), (0x10c00, 0),
                     (0x10c04, 0x55555555), (0x10410, 0x80808080), (0x10e00, 1)):
        s.gic_regs(0, ATTR_SET, V3, G_REDIST, off, vcpu=1, value=val)
    s.gic_regs(0, ATTR_GET, V3, G_REDIST, 0x8, bad_vcpu=True)  # no such MPIDR: -EINVAL
    s.gic_regs(0, ATTR_SET, V3, G_DIST, 0x10, value='fault')
    out['seed-vgic-v3-regs-dist'] = s.end(0)

    s = v3_setup()
    for reg, val in ((ICC_PMR, 0xff), (ICC_BPR0, 0), (ICC_BPR1, 1), (ICC_AP0R0, 0x80000000),
                     (ICC_AP0R1, 1), (ICC_AP1R3, 1), (ICC_CTLR, 0x8403), (ICC_CTLR, 0x8500),
                     (ICC_CTLR, 0xc400), (ICC_CTLR, 0x400), (ICC_SRE, 6), (ICC_SRE, 7),
                     (ICC_IGRPEN1, 0xff), (ICC_IAR1, 0), (ICC_BPR1, 0)):
        s.gic_regs(0, ATTR_SET, V3, G_SYSREGS, reg, vcpu=1, value=val)
    s.gic_regs(0, ATTR_GET, V3, G_SYSREGS, ICC_AP1R1, vcpu=1)
    s.gic_regs(0, ATTR_GET, V3, G_SYSREGS, ICC_CTLR, value='fault')
    s.gic_regs(0, ATTR_HAS, V3, G_SYSREGS, ICC_IAR1).gic_regs(0, ATTR_HAS, V3, G_SYSREGS, ICC_SRE)
    s.gic_regs(0, ATTR_SET, V3, G_DIST, 0xc08, value=0x55555555)  # SPIs 36-39 edge
    s.gic_regs(0, ATTR_SET, V3, G_LEVEL, 32, value=0xffffffff)
    s.gic_regs(0, ATTR_SET, V3, G_LEVEL, 0, vcpu=1, value=0xffffffff)
    s.gic_regs(0, ATTR_SET, V3, G_LEVEL, 256, value=1)  # past the last: RAZ/WI
    s.gic_regs(0, ATTR_SET, V3, G_LEVEL, ('unaligned', 3), value=1)
    s.gic_regs(0, ATTR_GET, V3, G_LEVEL, ('info', 1))
    s.gic_regs(0, ATTR_HAS, V3, G_LEVEL, ('info', 2)).gic_regs(0, ATTR_HAS, V3, G_LEVEL, 64)
    s.gic_regs(0, ATTR_HAS, V3, G_DIST, 0x4000).gic_regs(0, ATTR_HAS, V3, G_DIST, 0x104)
    s.gic_regs(0, ATTR_HAS, V3, G_CPU, 0x4)  # a GICv2 group: -ENXIO
    s.irq_line(0, 1, 0, 33, 1).irq_line(0, 1, 0, 36, 1).irq_line(0, 2, 1, 25, 1)
    s.irq_line(0, 2, 0, 25, 0)
    s.gic_regs(0, ATTR_GET, V3, G_LEVEL, 32).gic_regs(0, ATTR_GET, V3, G_DIST, 0x204)
    s.vgic_attr(0, ATTR_SET, 4, 3, ('raw', 0)).vgic_attr(0, ATTR_HAS, 4, 3, ('raw', 0))
    s.vgic_attr(0, ATTR_GET, 4, 3, ('raw', 0))
    out['seed-vgic-v3-regs-cpu-level'] = s.end(0)

    # The GICv3 as the guest sees it: frames on the first KVM_RUN, the
    # distributor and an SPI routed to vCPU 1, KVM_IRQ_LINE, a wake,
    # IAR/EOIR, an SGI, the redistributors, priority masking.
    s = Seed().create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 1)
    s.arm_init(0, 1 << PSCI_0_2).arm_init(1, 1 << PSCI_0_2)
    s.create_device(0, DEV_VGIC_V3)
    s.run(0, 0)  # no distributor: -ENXIO
    s.vgic_attr(0, ATTR_SET, 0, V3_DIST, ('raw', 0x8000000))
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(1, 0x80a0000, 0)))
    s.run(0, 0)  # one redistributor for two vCPUs: -ENXIO
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST_REGION, ('raw', s.rdreg(1, 0x80c0000, 1)))
    s.run(0, 0)  # not initialised: -EBUSY
    s.irq_line(0, 1, 0, 40, 1)  # -EBUSY
    s.vgic_attr(0, ATTR_SET, 4, 0, ('raw', 0))
    s.icc(0, ICC_PMR)
    s.fail_alloc(0).run(0, 0)  # the frames' registration fails
    s.gic_mmio(0, False, V3, 'dist', 0x4, run_first=True)
    s.gic_mmio(0, True, V3, 'dist', 0x0, data=2)
    s.icc(1, ICC_PMR, True, 0xff).icc(1, ICC_IGRPEN1, True, 1)
    s.gic_mmio(0, True, V3, 'dist', 0x104, data=0x100)  # enable SPI 40
    s.gic_mmio(0, True, V3, 'dist', 0x428, 1, data=0x80)
    s.gic_mmio(0, True, V3, 'dist', 0x6000 + 8 * 40, 8, data=1)  # to Aff0 1
    s.irq_line(0, 1, 0, 40, 1)
    s.icc(0, ICC_HPPIR1).icc(1, ICC_HPPIR1)
    s.run(1, 1)  # an interrupt it would take: 0, KVM_EXIT_EXT_INTERRUPT
    s.icc(1, ICC_IAR1).icc(1, ICC_RPR).icc(1, ICC_IAR1)
    s.icc(1, ICC_EOIR1, True, 40).icc(1, ICC_IAR1)  # the line is still high
    s.irq_line(0, 1, 0, 40, 0).icc(1, ICC_EOIR1, True, 40)
    s.run(1, 1)  # nothing pending: -EINTR
    s.icc(0, ICC_CTLR, True, 2).icc(0, ICC_CTLR).icc(0, ICC_BPR1, True, 0)
    s.icc(0, ICC_SGI1R, True, 0xffff | 3 << 24)  # SGI 3 to Aff0 0-15
    s.gic_mmio(1, False, V3, 'redist', 0x10200, other=0)
    s.gic_mmio(0, False, V3, 'redist', 0x8, 8).gic_mmio(0, False, V3, 'redist', 0x8, 8, other=1)
    s.gic_mmio(1, False, V3, 'redist', 0xc)
    s.gic_mmio(0, True, V3, 'redist', 0x10100, data=0x10001)
    s.gic_mmio(0, True, V3, 'redist', 0x10, data=0xff)
    s.gic_mmio(0, False, V3, 'dist', 0xffe8).gic_mmio(0, False, V3, 'dist', 0x4, 2)
    s.icc(0, ICC_PMR, True, 0xff).icc(0, ICC_IGRPEN1, True, 1).icc(0, ICC_HPPIR1)
    s.run(0, 1).icc(0, ICC_IAR1).icc(0, ICC_DIR, True, 3)
    s.irq_line(0, 2, 1, 20, 1).irq_line(0, 2, 2, 20, 1)  # vCPU 2: -EINVAL
    s.irq_line(0, 1, 0, 16, 1).irq_line(0, 0, 0, 0, 1).irq_line(0, 3, 0, 0, 1)
    s.icc(0, ICC_SRE, True, 0).icc(0, ICC_AP1R2, True, 5).icc(0, ICC_AP1R2)
    out['seed-vgic-v3-guest'] = s.end(0)

    # GICv2: the frame checks at the first KVM_RUN (allocation failure in
    # the lazy initialisation), the register groups with vCPU indexes,
    # IGROUPR writable once GICD_IIDR is written back, ITARGETSR, the
    # SGI source bytes; the guest's GICC: a wake, IAR with the source.
    def v2_setup():
        s = Seed().create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 1)
        s.arm_init(0, 1 << PSCI_0_2).arm_init(1, 1 << PSCI_0_2)
        s.create_device(0, DEV_VGIC_V2)
        s.vgic_attr(0, ATTR_SET, 0, V2_DIST, ('raw', 0x8000000))
        s.run(0, 0)  # no CPU interface: -ENXIO
        return s.vgic_attr(0, ATTR_SET, 0, V2_CPU, ('raw', 0x8010000))
    s = v2_setup()
    s.gic_regs(0, ATTR_GET, V2, G_DIST, 0x4, vcpu=1)  # initialises the GIC on demand
    s.gic_regs(0, ATTR_SET, V2, G_DIST, 0x84, value=0xffff)  # ignored until IIDR
    s.gic_regs(0, ATTR_SET, V2, G_DIST, 0x8, value=0x4b00243b)
    s.gic_regs(0, ATTR_SET, V2, G_DIST, 0x84, value=0xffff)
    for off, val in ((0x0, 3), (0x100, 0xffffffff), (0x180, 0xffff), (0x204, 0x80),
                     (0x200, 0x10001), (0x280, 1), (0x304, 1), (0x400, 0xffffffff),
                     (0x820, 0xffffffff), (0x804, 0xff), (0xc00, 0), (0xc04, 0x55555555),
                     (0xf20, 0x80808080), (0xf10, 0x80), (0xf00, 0x10001), (0xc, 1),
                     (0x8, 0x4b00443b)):
        s.gic_regs(0, ATTR_SET, V2, G_DIST, off, vcpu=1, value=val)
    for off, val in ((0x0, 0x21f), (0x4, 0xff), (0x8, 0), (0x1c, 0), (0xd0, 0x80000000),
                     (0xd4, 1), (0xfc, 0), (0xc, 0), (0x1000, 1)):
        s.gic_regs(0, ATTR_SET, V2, G_CPU, off, vcpu=1, value=val)
    s.gic_regs(0, ATTR_GET, V2, G_CPU, 0x4, bad_vcpu=True)
    s.gic_regs(0, ATTR_HAS, V2, G_CPU, 0xc).gic_regs(0, ATTR_HAS, V2, G_CPU, 0xfc)
    s.gic_regs(0, ATTR_HAS, V2, G_REDIST, 0x0).gic_regs(0, ATTR_SET, V2, G_LEVEL, 0)
    s.vgic_attr(0, ATTR_SET, 4, 3, ('raw', 0))  # SAVE_PENDING_TABLES: v3 only
    s.irq_line(0, 2, 1, 27, 1).irq_line(0, 2, 0, 31, 0).irq_line(0, 1, 0, 100, 1)
    out['seed-vgic-v2-regs'] = s.end(0)

    s = v2_setup()
    s.create_vm(ARM64).create_vcpu(1, 0).arm_init(2, 0).create_device(1, DEV_VGIC_V2)
    s.vgic_attr(1, ATTR_SET, 0, V2_DIST, ('raw', 0x8000000))
    s.vgic_attr(1, ATTR_SET, 0, V2_CPU, ('raw', 0x7fff000))
    s.run(2, 0)  # overlapping: -EINVAL
    s.irq_line(1, 1, 0, 40, 1)  # initialises it
    s.fail_alloc(0).run(0, 0)  # the SPIs' allocation fails
    s.fail_alloc(2).run(0, 0)  # a frame's fails
    s.run(0, 0)
    s.gic_mmio(0, True, V2, 'dist', 0x0, data=1)
    s.gic_mmio(0, True, V2, 'cpu', 0x0, data=1).gic_mmio(0, True, V2, 'cpu', 0x4, data=0xff)
    s.gic_mmio(0, True, V2, 'dist', 0x104, data=0x1)  # SPI 32
    s.gic_mmio(0, True, V2, 'dist', 0x820, 1, data=1)  # to CPU 0
    s.irq_line(0, 1, 0, 32, 1)
    s.run(0, 1)
    s.gic_mmio(0, False, V2, 'cpu', 0xc).gic_mmio(0, False, V2, 'cpu', 0x14)
    s.gic_mmio(0, True, V2, 'cpu', 0x10, data=32)
    s.gic_mmio(1, True, V2, 'dist', 0xf00, data=0x10001)  # SGI 1 to CPU 0
    s.gic_mmio(0, False, V2, 'cpu', 0x18).gic_mmio(0, False, V2, 'cpu', 0xc)
    s.gic_mmio(0, True, V2, 'cpu', 0x10, data=0x401)  # SGI 1 from CPU 1
    s.gic_mmio(0, False, V2, 'dist', 0xf10, 1).gic_mmio(0, True, V2, 'dist', 0x200, data=0xffff)
    s.gic_mmio(0, True, V2, 'cpu', 0x8, data=0).gic_mmio(0, True, V2, 'cpu', 0xd0, data=3)
    s.gic_mmio(0, False, V2, 'dist', 0x800, 1).gic_mmio(0, False, V2, 'dist', 0x4)
    s.gic_mmio(0, True, V2, 'dist', 0x80, data=0xffffffff).gic_mmio(1, False, V2, 'dist', 0x80)
    s.gic_mmio(0, True, V2, 'dist', 0xf20, 1, data=0x80).gic_mmio(0, False, V2, 'dist', 0xf20)
    s.gic_mmio(0, False, V2, 'cpu', 0x1000).gic_mmio(0, False, V2, 'cpu', 0x2, 2)
    # EOImode 1: GICC_EOIR drops the priority, GICC_DIR deactivates (SGI 0,
    # pending since the writes above).
    s.gic_mmio(0, True, V2, 'cpu', 0x0, data=0x203).irq_line(0, 1, 0, 32, 0)
    s.gic_mmio(0, True, V2, 'cpu', 0xd0, data=0)  # no active priority left
    s.gic_mmio(0, True, V2, 'dist', 0x100, data=0x10000)
    s.gic_mmio(0, True, V2, 'dist', 0x200, data=0x10000).gic_mmio(0, False, V2, 'cpu', 0xc)
    s.gic_mmio(0, True, V2, 'cpu', 0x10, data=0).gic_mmio(0, True, V2, 'cpu', 0x1000, data=0)
    out['seed-vgic-v2-guest'] = s.end(0)

    # A legacy redistributor region sized by the vCPUs: placed just below
    # the top of a 32-bit IPA space for one vCPU, it refuses a third (the
    # second's frame would be past the end) and the first KVM_RUN.
    s = Seed().create_vm(ARM64, 32).create_vcpu(0, 0).arm_init(0, 0)
    s.create_device(0, DEV_VGIC_V3)
    s.vgic_attr(0, ATTR_SET, 0, V3_DIST, ('raw', 0x8000000))
    s.vgic_attr(0, ATTR_SET, 0, V3_REDIST, ('raw', 0xfffe0000))
    s.create_vcpu(0, 1).create_vcpu(0, 2)  # the second is refused: -EINVAL
    s.vgic_attr(0, ATTR_SET, 4, 0, ('raw', 0)).arm_init(1, 0)
    s.run(0, 0)  # the region now ends past the IPA space: -EINVAL
    s.run(1, 0).gic_regs(0, ATTR_GET, V3, G_REDIST, 0x8, vcpu=1)
    out['seed-vgic-v3-legacy-region-grows'] = s.end(0)

    # KVM_IRQ_LINE without a GIC: the vCPUs' IRQ and FIQ lines wake
    # KVM_RUN; SPIs and PPIs need a GIC; a GIC created after a line went
    # high (the line stays).
    s = Seed().create_vm(ARM64).create_vcpu(0, 0).create_vcpu(0, 3).arm_init(0, 0).arm_init(1, 0)
    s.irq_line(0, 0, 0, 0, 1).run(0, 1).run(0, 2).run(1, 1)
    s.irq_line(0, 0, 0, 0, 0).irq_line(0, 0, 1, 1, 1).run(0, 1).run(1, 1)
    s.irq_line(0, 0, 0, 2, 1).irq_line(0, 0, 2, 0, 1).irq_line(0, 1, 0, 40, 1)
    s.irq_line(0, 2, 0, 20, 1).irq_line(0, 3, 0, 0, 1).irq_line_raw(0, 0x10000000, 1)
    s.create_vm(PPC).irq_line(1, 1, 0, 40, 1)
    s.create_vm(ARM64).create_vcpu(2, 0).arm_init(2, 0)
    s.irq_line(2, 0, 0, 1, 7)  # FIQ
    s.create_device(2, DEV_VGIC_V3).irq_line(2, 0, 0, 1, 0)  # -ENXIO now
    s.run(2, 1)  # the GIC's frames are not placed: -ENXIO
    out['seed-irq-line-cpu'] = s.end(0)

    # The legacy GICv2: KVM_CREATE_IRQCHIP on a host without GICv2
    # compatibility (-ENODEV, and the device type too), then with it: a
    # GICv2 without a device (-EEXIST after, for either model), the first
    # run without frames (-ENXIO), KVM_IRQ_LINE's lazy init, -E2BIG with 9
    # vCPUs; s390 -EINVAL, ppc -ENOTTY.
    s = Seed().arm_host(gicv2=0).create_vm(ARM64).create_vcpu(0, 0)
    s.create_device(0, DEV_IRQCHIP).create_device(0, DEV_VGIC_V2, test=True)
    s.arm_host().create_vm(ARM64).create_vcpu(1, 0).create_vcpu(1, 1)
    s.create_device(1, DEV_IRQCHIP).create_device(1, DEV_IRQCHIP)
    s.create_device(1, DEV_VGIC_V3).create_device(1, DEV_VGIC_V2)
    s.arm_init(1, 0).run(1, 0)  # no frames: -ENXIO
    s.irq_line(1, 1, 0, 40, 1)
    s.create_vm(ARM64).vcpu_burst(2, 0, 9).create_device(2, DEV_IRQCHIP)  # -E2BIG
    s.create_vm(S390).create_device(3, DEV_IRQCHIP)
    out['seed-vgic-legacy-irqchip'] = s.end(0)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 'spine')
    os.makedirs(out_dir, exist_ok=True)
    for name, seed in sorted(seeds().items()):
        data = bytes(seed.b)
        assert len(data) < 1024, name
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)
        print(f'{name}: {len(data)} bytes')


if __name__ == '__main__':
    main()
