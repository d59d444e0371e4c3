#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of mpic_fuzzer to corpus/mpic/ (seed-*).

    tools/testing/fuzz/gen-mpic-seeds.py [OUT_DIR]

The encoding mirrors mpic_fuzzer.cpp: a set-up byte (bit 0 the v4.2
model, bit 1 vCPU v as CPU v rather than 3 - v, bit 2 BASE_ADDR
0xe0000000, bit 4 a KVM_SET_GSI_ROUTING before the MPIC exists), one byte
per vCPU (7: unconnected, 4: the CPU a cpu_arg byte picks, else the
default), then operations: one opcode byte (op % 16 in
LLVMFuzzerTestOneInput) and its argument bytes in the order the op_*
function reads them (the selectors offset, value, gsi, cpu_arg and
base_arg there; raw forms only here). Files named regression-* in the
same directory are reproducers of findings and are left alone.
"""
import os
import struct
import sys

BASE = 0xe0000000
POOL = [0, 1, 5, 11, 12, 16, 17, 100, 224, 225, 231, 255]
CPUS = [0, 1, 2, 3, 5, 7, 15, 30, 31, 0, 32, 0xffffffff, 0x100000002]
MASK, SENSE, POLARITY = 1 << 31, 1 << 22, 1 << 23


def u32(v):
    return list(struct.pack('<I', v & 0xffffffff))


def u64(v):
    return list(struct.pack('<Q', v & 0xffffffffffffffff))


def off(o):
    return [0xfe] + u32(o)


def val(v):
    return [0, 0] + u32(v)


def ivpr(prio, vector, masked=False, sense=False):
    return (MASK if masked else 0) | prio << 16 | (SENSE if sense else 0) | vector


def src(n, sub=0):
    return 0x10000 + 0x20 * n + sub


def cpu_reg(cpu, r):
    return 0x20000 + 0x1000 * cpu + r


IVPR, IDR, ILR = 0x00, 0x10, 0x18
IPIDR0, CTPR, WHOAMI, IACK, EOI = 0x40, 0x80, 0x90, 0xa0, 0xb0
GCR, FRR, SPVE, IPI_IVPR0 = 0x1020, 0x1000, 0x10e0, 0x10a0
MSIR0, MSISR, MSIIR = 0x1600, 0x1720, 0x1740
OWN = [IACK, EOI, CTPR, WHOAMI, IPIDR0]  # op_mmio's own-page registers (k / 8)


class Seed:
    def __init__(self, v42=False, identity=True, base=True, cpus=(None,) * 4,
                 routes_before=None):
        b = (1 if v42 else 0) | (2 if identity else 0) | (4 if base else 0)
        if routes_before is not None:
            b |= 0x10
        self.b = [b]
        if routes_before is not None:
            self.b += self._routing(routes_before)
        for c in cpus:
            if c == 'none':
                self.b.append(7)
            elif c is None:
                self.b.append(0)
            else:
                self.b += [4, CPUS.index(c)]

    def reg_set(self, o, v):
        self.b += [0] + off(o) + val(v) + [0]
        return self

    def ctpr(self, cpus, v=0):
        # CTPR resets to 15: nothing is delivered until the guest lowers it
        for c in cpus:
            self.reg_set(cpu_reg(c, CTPR), v)
        return self

    def reg_get(self, o):
        self.b += [3] + off(o) + [0]
        return self

    @staticmethod
    def _irq(n):
        if n == 256:
            return [12]
        if n < 256:
            return [14, n]
        return [15] + u64(n)

    def active_set(self, n, v=1):
        idx = {1: 0, 0: 1, 2: 4, 0xffffffff: 5}[v]
        self.b += [5, 4 * idx] + self._irq(n)
        return self

    def active_get(self, n):
        self.b += [5, 2] + self._irq(n)
        return self

    def irq_line(self, gsi, level):
        g = [gsi << 3] if gsi < 32 else [7] + u32(gsi)
        self.b += [6] + g + [15] + u32(level)
        return self

    @staticmethod
    def _routing(entries):
        out = [len(entries)]
        for e in entries:
            gsi = [e[1] << 3] if e[1] < 32 else [7] + u32(e[1])
            if e[0] == 'msi':
                out += [3] + gsi + [e[2] >> 24]
            elif e[0] == 'chip':  # ('chip', gsi, irqchip 1-3, pin)
                out += [0xd8 + e[2] - 1] + gsi
                p = POOL.index(e[3]) if e[3] in POOL else e[3]
                out += [p]
            else:
                pin = e[2]
                p = POOL.index(pin) if pin in POOL else pin
                assert pin in POOL or (pin % 32 >= 24 and pin < 0xf8), pin
                out += [0] + gsi + [p]
        return out

    def routing(self, entries):
        self.b += [7] + self._routing(entries)
        return self

    def signal_msi(self, data):
        self.b += [8, 7, 0] + u32(data)
        return self

    def mmio_own(self, v, reg, write=False, data=0):
        self.b += [9, v | (4 if write else 0), 8 * OWN.index(reg), 0]
        if write:
            self.b += [data & 0x1f] if reg == CTPR else val(data)
        return self

    def eoi(self, v):
        return self.mmio_own(v, EOI, True, 0)

    def mmio(self, v, o, write=False, data=0, shape=0):
        self.b += [9, v | (4 if write else 0), 3] + off(o) + [shape]
        if write:
            self.b += val(data)
        return self

    def base(self, b):
        self.b += [13, 0, 15] + u64(b)
        return self

    def get_base(self):
        self.b += [13, 2]
        return self

    def create_again(self, v42=False, test=False):
        self.b += [13, 3 | (4 if v42 else 0) | (8 if test else 0)]
        return self

    def connect(self, v, cpu):
        self.b += [14, v, CPUS.index(cpu)]
        return self

    def new_vm(self, seed):
        self.b += [0x7f, 0] + seed.b
        return self

    def bytes(self):
        return bytes(self.b)


def seeds():
    out = {}
    # An edge source to CPU 0, taken and ended as the guest does it.
    s = Seed().ctpr([0, 1])
    s.reg_set(src(1, IVPR), ivpr(5, 0x21)).reg_set(src(1, IDR), 1)
    s.active_set(1).active_get(1).mmio_own(0, IACK).active_get(1).eoi(0)
    s.mmio_own(0, WHOAMI).mmio_own(1, WHOAMI)
    out['seed-edge-iack-eoi'] = s
    # Level sources through routes and KVM_IRQ_LINE, priorities and CTPR.
    s = Seed(v42=True)
    s.routing([('irqchip', 3, 16), ('irqchip', 4, 17), ('msi', 5, 0x20000000)])
    s.reg_set(src(16, IVPR), ivpr(3, 0x30)).reg_set(src(16, IDR), 2)
    s.reg_set(src(17, IVPR), ivpr(7, 0x31)).reg_set(src(17, IDR), 2)
    s.irq_line(3, 1).mmio_own(1, CTPR, True, 5).irq_line(4, 1)
    s.mmio_own(1, IACK).eoi(1).mmio_own(1, IACK).mmio_own(1, CTPR, True, 2)
    s.mmio_own(1, IACK).eoi(1).irq_line(4, 0).eoi(1).eoi(1)
    s.mmio_own(1, CTPR, True, 3).irq_line(3, 0).irq_line(3, 1)
    s.mmio_own(1, CTPR, True, 2).irq_line(9, 1).irq_line(5, 1)
    out['seed-level-routes-ctpr'] = s
    # IPIs: one vCPU's IPIDR store to the others, each acknowledging.
    s = Seed().ctpr([0, 1, 2, 3])
    s.reg_set(IPI_IVPR0, ivpr(9, 0x77))
    s.mmio_own(0, IPIDR0, True, 0xe)
    for v in (1, 2, 3):
        s.mmio_own(v, IACK).eoi(v)
    s.mmio(2, 0x60, True, 0x1).mmio(0, IACK)
    out['seed-ipi'] = s
    # MSIs: MSIIR through GRP_REGISTER, KVM_SIGNAL_MSI, MSIR read clears.
    s = Seed().ctpr([3])
    s.reg_set(src(224, IVPR), ivpr(6, 0xe0)).reg_set(src(224, IDR), 8)
    s.reg_set(src(225, IVPR), ivpr(4, 0xe1)).reg_set(src(225, IDR), 8)
    s.reg_set(MSIIR, 0x03000000).signal_msi(0x21000000)
    s.reg_get(MSISR).mmio_own(3, IACK).reg_get(MSIR0).eoi(3)
    s.mmio_own(3, IACK).mmio(3, MSIR0 + 0x10).eoi(3).reg_get(MSISR)
    out['seed-msi'] = s
    # v2.0 critical interrupts (IDR CI bits), then a GCR reset.
    s = Seed().ctpr([0])
    s.reg_set(src(2, IVPR), ivpr(5, 0x22)).reg_set(src(2, IDR), 1 << 30)
    s.active_set(2).reg_get(src(2, IDR)).mmio_own(0, IACK)
    s.reg_set(src(3, IVPR), ivpr(5, 0x23)).reg_set(src(3, IDR), 1).active_set(3)
    s.reg_set(GCR, 0x80000000).reg_get(src(3, IVPR)).mmio_own(0, IACK).reg_get(FRR)
    out['seed-critical-gcr-reset'] = s
    # v4.2: ILR outputs, the proxy mode bit, timers as registers.
    s = Seed(v42=True, identity=False).ctpr([0])
    s.reg_set(src(4, IVPR), ivpr(8, 0x44)).reg_set(src(4, IDR), 1)
    s.reg_set(src(4, ILR), 1).active_set(4).reg_get(src(4, ILR))
    s.reg_set(src(4, ILR), 0).active_set(4).mmio_own(3, IACK)
    s.reg_set(GCR, 0x60000000).reg_get(GCR).reg_set(0x1110, 0x1234).reg_get(0x1100)
    s.reg_set(0x10f0, 0x55).reg_get(0x10f0).reg_set(0x1120, ivpr(3, 0x99)).reg_get(0x1110)
    out['seed-v42-ilr-gcr-timers'] = s
    # Connections: collisions, a CPU past MAX_CPU, late ones; BASE_ADDR
    # moves; a second MPIC; a new VM of the other model.
    s = Seed(cpus=(0, 0, 32, 'none'), base=False)
    s.connect(3, 30).connect(2, 5).connect(3, 7).get_base().ctpr([30, 0])
    s.base(0x40000).reg_set(src(0, IVPR), ivpr(2, 0x10)).reg_set(src(0, IDR), 1 << 30)
    s.active_set(0).mmio(3, cpu_reg(30, IACK)).base(0x3ffff).base(0).mmio(3, IACK)
    s.create_again().create_again(v42=True, test=True)
    s.new_vm(Seed(v42=True, routes_before=[('irqchip', 1, 1)]))
    s.irq_line(1, 1).reg_get(0x1090).mmio(0, 0x1090, True, 1)
    out['seed-connect-base-recreate'] = s
    # Wild offsets and shapes: unaligned, unmapped, byte and 8-byte loads.
    s = Seed()
    s.reg_get(0x1604).reg_get(0x5000).reg_get(0x3).reg_set(0x40000, 1)
    s.mmio(0, 0x1000, shape=12).mmio(0, 0x1000, shape=13).mmio(0, 0x1000, shape=14)
    s.mmio(1, 0x20090, shape=15).mmio(1, 0x1600, True, 5, shape=13)
    s.active_set(257).active_set(256, 2).active_get(300)
    out['seed-wild'] = s
    # differences.rst's MPIC rows: CPU 31 (no critical bits), ILR outputs
    # above 2 (read back, delivered nowhere), routes to irqchip 1-3 and
    # IRQ_ACTIVE from 256 refused.
    s = Seed(cpus=(0, 1, 'none', 31)).ctpr([0, 1, 31])
    s.reg_set(src(1, IVPR), ivpr(5, 0x21)).reg_set(src(1, IDR), 1 << 31 | 1 << 30 | 1)
    s.reg_get(src(1, IDR)).active_set(1).mmio_own(0, IACK).reg_set(GCR, 0x80000000)
    s.reg_get(src(1, IDR)).reg_get(FRR).connect(2, 30).reg_set(src(2, IDR), 1 << 30)
    out['seed-cpu31'] = s
    s = Seed(v42=True).ctpr([0])
    s.reg_set(src(4, IVPR), ivpr(8, 0x44)).reg_set(src(4, IDR), 1)
    s.reg_set(src(4, ILR), 0xc8).reg_get(src(4, ILR)).active_set(4).mmio_own(0, IACK)
    s.active_set(4, 0).reg_set(src(4, ILR), 0).active_set(4).mmio_own(0, IACK)
    out['seed-ilr-outputs'] = s
    s = Seed().routing([('irqchip', 7, 16), ('chip', 8, 2, 16)]).irq_line(7, 1)
    s.routing([('chip', 9, 1, 1)]).irq_line(9, 1).active_set(256).active_get(256)
    s.active_get(255).active_set(257)
    out['seed-irqchip-irq-active-256'] = s
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 'mpic')
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if name.startswith('seed-'):
            os.remove(os.path.join(out_dir, name))
    for name, s in sorted(seeds().items()):
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(s.bytes())


if __name__ == '__main__':
    main()
