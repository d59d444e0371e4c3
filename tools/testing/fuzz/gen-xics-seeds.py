#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of xics_fuzzer to corpus/xics/ (seed-*).

    tools/testing/fuzz/gen-xics-seeds.py [OUT_DIR]

The encoding mirrors xics_fuzzer.cpp: four set-up bytes (each vCPU's
server), then operations, one opcode byte (op % 16 in
LLVMFuzzerTestOneInput) and its argument bytes in the order the op_*
function reads them (the selectors irq32, irq64, prio, server and wide
there). Files named regression-* in the same directory are reproducers of
findings and are left alone.
"""
import os
import struct
import sys

IRQS = [16, 17, 18, 20, 21, 1023, 1024, 1025, 2047, 0xffc00, 0xfffff, 5000]
PRIOS = [0, 1, 2, 3, 4, 5, 6, 7, 0x80, 0xfe, 0xff]
LEVEL, MASKED, PENDING, PRESENTED, QUEUED = 1, 2, 4, 8, 16  # word bits 40-44
IPI = 2
SET_LEVEL, SET, UNSET = 0xfffffffd, 0xffffffff, 0xfffffffe


def u32(v):
    return list(struct.pack('<I', v & 0xffffffff))


def u64(v):
    return list(struct.pack('<Q', v & 0xffffffffffffffff))


def irq32(n):
    if n in IRQS:
        return [IRQS.index(n)]
    return [15] + u32(n)


def irq64(n):
    return [1] + irq32(n)


def prio(p):
    return [PRIOS.index(p)] if p in PRIOS else [11, p]


def server(s):
    return [4 + 8 * s] if s < 32 else [7] + u32(s)


def icp(cppr, xisr, mfrr, ppri):
    return cppr << 56 | xisr << 32 | mfrr << 24 | ppri << 16


class Seed:
    def __init__(self, servers=(0, 1, 2, 3)):
        # 0: the vCPU's index, 1: unconnected, 7: a raw u32
        self.b = []
        for v, s in enumerate(servers):
            if s is None:
                self.b.append(1)
            elif s == v:
                self.b.append(0)
            else:
                self.b += [7] + u32(s)

    def set_source(self, irq, srv, pr, flags=0):
        self.b += [0] + irq64(irq) + [1] + server(srv) + prio(pr) + [flags]
        return self

    def set_source_raw(self, irq, word):
        self.b += [0] + irq64(irq) + [0] + u64(word)
        return self

    def get_source(self, irq):
        self.b += [2] + irq64(irq) + [0]
        return self

    def irq_line(self, irq, level):
        sel = {0: 0, 1: 1, SET: 3, UNSET: 4, SET_LEVEL: 5, 2: 6}
        self.b += [3] + irq32(irq) + ([sel[level]] if level in sel else [15] + u32(level))
        return self

    def xirr(self, v, x=False):
        self.b += [5, v, 1] if x else [5, v, 0, 0]
        return self

    def cppr(self, v, c):
        self.b += [5, v, 2] + prio(c) + [2]
        return self

    def eoi(self, v, cppr, irq):
        src = [0] if irq == IPI else [2] + irq32(irq)
        self.b += [5, v, 4] + src + prio(cppr) + [2]
        return self

    def ipi(self, v, srv, mfrr):
        self.b += [5, v, 6] + server(srv) + [2] + prio(mfrr) + [2]
        return self

    def ipoll(self, v, srv):
        self.b += [5, v, 8] + server(srv) + [2]
        return self

    def icp_set(self, v, val):
        self.b += [9, v, 0] + u64(val)
        return self

    def icp_get(self, v):
        self.b += [10, v]
        return self

    # RTAS tokens: 1 set-xive, 2 get-xive, 3 int-off, 4 int-on
    def rtas(self, v, token, a0=16, a1=0, a2=0):
        self.b += [11, v, token, 2] + irq32(a0) + server(a1) + [1] + prio(a2) + [0]
        return self

    def rtas_nargs(self, v, token, nargs):
        self.b += [11, v, token, 0, nargs] + irq32(20) + server(0) + [1] + prio(0) + [0]
        return self

    def recreate(self):
        self.b += [15, 2]
        return self

    def migrate(self):
        self.b += [15, 3]
        return self

    def open(self):
        """CPPR 0xff on every vCPU."""
        for v in range(4):
            self.icp_set(v, icp(0xff, 0, 0xff, 0xff))
        return self


def seeds():
    out = {}
    # An MSI: presented, taken, queued while in service, back at the EOI.
    s = Seed().open().set_source(20, 0, 5).irq_line(20, 1).icp_get(0).xirr(0)
    s.irq_line(20, 1).get_source(20).eoi(0, 0xff, 20).xirr(0).eoi(0, 0xff, 20)
    s.xirr(0).eoi(0, 0x80, 5000).irq_line(20, 0).get_source(20)
    out['seed-msi-flow'] = s
    # An LSI: held while high, presented again at the EOI, lowered.
    s = Seed().open().set_source(21, 1, 4, LEVEL).irq_line(21, 1).irq_line(21, SET)
    s.xirr(1).eoi(1, 0xff, 21).xirr(1).irq_line(21, UNSET).eoi(1, 0xff, 21)
    s.irq_line(21, SET_LEVEL).get_source(21).irq_line(21, 0).get_source(21)
    out['seed-lsi-flow'] = s
    # An IPI displaces a source (rejected, resent later), H_IPOLL, the
    # MFRR cleared, the IPI's EOI lets the source back.
    s = Seed().open().set_source(20, 1, 5).irq_line(20, 1).ipi(0, 1, 3).ipoll(0, 1)
    s.get_source(20).xirr(1).ipi(1, 1, 0xff).eoi(1, 0xff, IPI).get_source(20)
    s.ipi(1, 1, 6).ipi(0, 7, 2).ipoll(0, 7)
    out['seed-ipi-reject-resend'] = s
    # H_CPPR up rejects, the same does nothing, down presents again.
    s = Seed().open().set_source(20, 0, 5).irq_line(20, 1).cppr(0, 5).cppr(0, 5)
    s.get_source(20).cppr(0, 6).cppr(0, 0xff).xirr(0, x=True).cppr(0, 2).eoi(0, 0xff, 20)
    out['seed-cppr-up-down'] = s
    # RTAS: set-xive, get-xive, int-off, a line while masked, int-on;
    # wrong counts, a server no ICP has, a source in no ICS.
    s = Seed().open().set_source(20, 0, 0xff).rtas(0, 1, 20, 1, 4).rtas(0, 2, 20)
    s.rtas(0, 3, 20).rtas(0, 2, 20).irq_line(20, 1).icp_get(1).rtas(0, 4, 20)
    s.icp_get(1).rtas_nargs(0, 1, 2).rtas(0, 1, 20, 9, 4).rtas(0, 2, 5000)
    s.rtas_nargs(0, 2, 16).rtas(0, 5, 20).get_source(20)
    out['seed-rtas-int-off-on'] = s
    # Migration in mid-flight: one in service and queued, one presented,
    # one masked pending, an LSI, an IPI; then it goes on.
    s = Seed((0, 1, None, 3)).open()
    s.set_source(20, 0, 5).set_source(21, 1, 3).set_source(18, 0, 6, MASKED)
    s.set_source(1024, 0, 2, LEVEL).set_source(1040, 0, 0xff)
    s.irq_line(20, 1).xirr(0).irq_line(20, 1).irq_line(21, 1).irq_line(18, 1)
    s.ipi(1, 0, 4).migrate().xirr(0).ipi(0, 0, 0xff).eoi(0, 5, IPI).eoi(0, 0xff, 20)
    s.irq_line(1024, 1).xirr(0)
    out['seed-migrate'] = s
    # Servers that collide, a u32 past 32 bits, an unconnected vCPU; the
    # device released and made again.
    s = Seed((0, 0, None, 0x100000007)).open().set_source(17, 7, 1).irq_line(17, 1)
    s.icp_get(3).recreate().icp_get(3).irq_line(17, 1).set_source(17, 7, 1, PENDING)
    s.icp_get(3)
    out['seed-servers-recreate'] = s
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 'xics')
    os.makedirs(out_dir, exist_ok=True)
    for name, seed in sorted(seeds().items()):
        data = bytes(seed.b)
        assert len(data) < 2048, name
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)
        print(f'{name}: {len(data)} bytes')


if __name__ == '__main__':
    main()
