#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of xics_xive_fuzzer to corpus/xics_xive/ (seed-*).

    tools/testing/fuzz/gen-xics-xive-seeds.py [OUT_DIR]

The encoding mirrors xics_xive_fuzzer.cpp: a set-up byte (NR_SERVERS),
four set-up bytes (each vCPU's server), then operations, one opcode byte
(code % 16 in Fuzz::decode) and its argument bytes in the order decode()
reads them (the selectors irq32, irq64, prio, server and wide there).
Files named regression-* in the same directory are reproducers of
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
    """A raw u32, whatever the vCPUs' servers are."""
    return [7] + u32(s)


def icp(cppr, xisr, mfrr, ppri=0xff):
    return cppr << 56 | xisr << 32 | mfrr << 24 | ppri << 16


class Seed:
    def __init__(self, servers=(0, 1, 2, 3), nr_servers=None):
        self.b = [0] if nr_servers is None else [2] + u32(nr_servers)
        for s in servers:  # 2: unconnected, 7: a raw u32 (below 4096)
            self.b += [2] if s is None else [7] + u32(s)

    def set_source(self, irq, srv, pr, flags=0):
        self.b += [0] + irq64(irq) + [1] + server(srv) + prio(pr) + [flags]
        return self

    def set_source_raw(self, irq, word):
        self.b += [0] + irq64(irq) + [0] + u64(word)
        return self

    def get_source(self, irq):
        self.b += [3] + irq64(irq) + [0]
        return self

    def irq_line(self, irq, level):
        sel = {0: 0, 1: 1, SET: 3, UNSET: 4, SET_LEVEL: 5, 2: 6}
        self.b += [4] + irq32(irq) + ([sel[level]] if level in sel else [15] + u32(level))
        return self

    def xirr(self, v, x=False):
        self.b += [5, v, 2] if x else [5, v, 0, 0]
        return self

    def cppr(self, v, c):
        self.b += [5, v, 3] + prio(c) + [2]
        return self

    def eoi(self, v, cppr, irq):
        src = [0] if irq == IPI else [2] + irq32(irq)
        self.b += [5, v, 4] + src + prio(cppr) + [2]
        return self

    def ipi(self, v, srv, mfrr):
        self.b += [5, v, 6] + server(srv) + [2] + prio(mfrr) + [2]
        return self

    def ipoll(self, v, srv):
        self.b += [5, v, 8] + server(srv) + [2, 0]
        return self

    def icp_set(self, v, val):
        self.b += [9, v, 0] + u64(val)
        return self

    # RTAS tokens: 1 set-xive, 2 get-xive, 3 int-off, 4 int-on
    def rtas(self, v, token, a0=16, a1=0, a2=0):
        self.b += [10, v, token, 2] + irq32(a0) + server(a1) + [2] + prio(a2) + [0]
        return self

    def rtas_prio_raw(self, v, a0, a1, a2):
        self.b += [10, v, 1, 2] + irq32(a0) + server(a1) + [0] + u32(a2) + [0]
        return self

    def connect(self, v, srv):
        self.b += [11, v, 0] + u32(srv)
        return self

    def nr_servers(self, n):
        self.b += [12, 4] + u32(n)
        return self

    def save_cycle(self):
        self.b += [12, 2]
        return self

    def migrate(self):
        self.b += [13]
        return self

    def xirr_eoi(self, v):
        self.b += [15, v]
        return self

    def open(self):
        """CPPR 0xff on every vCPU."""
        for v in range(4):
            self.icp_set(v, icp(0xff, 0, 0xff))
        return self


def seeds():
    out = {}
    # An MSI through the queue: presented, taken, triggered again while in
    # service (Q), back at the EOI; an EOI of a source with no block.
    s = Seed().open().set_source(20, 0, 5).irq_line(20, 1).xirr(0)
    s.irq_line(20, 1).get_source(20).eoi(0, 0xff, 20).xirr(0).eoi(0, 0xff, 20)
    s.xirr(0).eoi(0, 0x80, 5000).irq_line(20, 0).get_source(20)
    out['seed-msi-flow'] = s
    # An LSI: redelivered at each EOI while asserted, then lowered.
    s = Seed().open().set_source(21, 1, 4, LEVEL).irq_line(21, 1).irq_line(21, SET)
    s.xirr(1).eoi(1, 0xff, 21).xirr(1).irq_line(21, UNSET).eoi(1, 0xff, 21)
    s.irq_line(21, SET_LEVEL).get_source(21).irq_line(21, 0).get_source(21)
    out['seed-lsi-flow'] = s
    # IPIs: the doorbell, ties to the IPI, H_IPOLL of self and others,
    # an MFRR that skipped the doorbell (0x100), the MFRR cleared.
    s = Seed().open().set_source(20, 1, 5).irq_line(20, 1).ipi(0, 1, 5).ipoll(0, 1)
    s.ipoll(1, 1).xirr(1).xirr(1).ipi(1, 1, 0xff).eoi(1, 0xff, IPI).xirr(1)
    s.eoi(1, 0xff, 20).ipi(0, 2, 0x80).xirr(2).ipi(2, 2, 0xff).eoi(2, 0xff, IPI)
    s.b += [5, 0, 6] + server(3) + [2] + prio(0) + [1] + u64(0x100)  # H_IPI(3, 0x100)
    s.ipoll(3, 3).cppr(3, 0).cppr(3, 0xff).xirr(3)
    out['seed-ipi-doorbell'] = s
    # A source with queue 0 (the doorbell then has a page), IPI entries
    # skipped, priorities 6/7 mapped to one queue.
    s = Seed().open().set_source(16, 0, 0).set_source(17, 0, 7).set_source(18, 0, 6)
    s.ipi(1, 0, 1).irq_line(17, 1).irq_line(18, 1).irq_line(16, 1).xirr(0).xirr(0)
    s.eoi(0, 0xff, 16).xirr(0).xirr(0).eoi(0, 0xff, 17).cppr(0, 7).xirr(0)
    s.eoi(0, 0xff, 18).ipi(0, 0, 0xff).xirr(0)
    out['seed-queue0-prio-map'] = s
    # H_CPPR: a source moved away while queued is taken out of the queue
    # (a DUMMY) and redelivered to its new server.
    s = Seed().open().set_source(20, 0, 5).irq_line(20, 1).cppr(0, 2)
    s.rtas(0, 1, 20, 1, 5).cppr(0, 1).xirr(1).xirr(0).cppr(0, 0xff).xirr(0)
    s.eoi(1, 0xff, 20).get_source(20)
    out['seed-cppr-reroute'] = s
    # The save cycle: one get scans, the others read the snapshot; a
    # source set after the scan reads priority 0; int-off, set-xive 0xff.
    s = Seed().open().set_source(20, 0, 5).set_source(21, 1, 3, MASKED)
    s.set_source(18, 2, 4, PRESENTED | QUEUED).irq_line(20, 1).irq_line(21, 1)
    s.get_source(20).irq_line(18, 1).get_source(18).set_source(17, 0, 2)
    s.get_source(17).get_source(21).get_source(17).get_source(20).save_cycle()
    s.rtas(0, 3, 20).rtas(0, 1, 18, 2, 0xff).save_cycle().save_cycle()
    out['seed-save-cycle'] = s
    # Restored words: PENDING (Q without P) delivered at once, PRESENTED
    # waiting for the EOI, masked ones kept for the unmask.
    s = Seed().open().set_source(20, 0, 5, PENDING).set_source(21, 0, 5, PRESENTED)
    s.set_source(18, 1, 3, MASKED | PENDING).set_source(17, 1, 3, PENDING | QUEUED)
    s.xirr(0).xirr(0).eoi(0, 0xff, 21).rtas(1, 4, 18).xirr(1).get_source(18)
    s.rtas(1, 1, 18, 1, 0xff).get_source(18).save_cycle()
    out['seed-restore-words'] = s
    # Untargeted sources: no such server, before any vCPU, a re-set away
    # from a target (its old EAS still routes), int-on -3, set-xive.
    s = Seed((None, 1, 2, 3)).open().set_source(20, 0, 5).irq_line(20, 1)
    s.get_source(20).rtas(1, 4, 20).rtas(1, 1, 20, 1, 5).irq_line(20, 1)
    s.set_source(21, 1, 4).irq_line(21, 1).set_source(21, 9, 4).irq_line(21, 1)
    s.xirr(1).set_source(21, 1, 0xff).eoi(1, 0xff, 21).irq_line(21, 1).xirr(1)
    s.connect(0, 0).set_source(20, 0, 5, PENDING).xirr(0)
    out['seed-untargeted'] = s
    # ICP_STATE: raw CPPR, the doorbell from MFRR < CPPR, XISRs of a set
    # source (triggered) and of one not yet set (delayed, PENDING at its
    # set), the same XISR delayed on two vCPUs.
    s = Seed().set_source(20, 0, 5).icp_set(0, icp(7, 20, 3)).xirr(0).xirr(0)
    s.icp_set(1, icp(0xff, 0x123, 0xff)).icp_set(2, icp(0xff, 0x123, 0xff))
    s.set_source(0x123, 1, 4).get_source(0x123).set_source(0x123, 1, 4)
    s.get_source(0x123).xirr(1).eoi(1, 0xff, 0x123).xirr(1).icp_set(3, icp(0, 20, 0))
    out['seed-icp-state'] = s
    # vCPU 0 connects last: of two holding a delayed XISR, the one made
    # first (vCPU 0) gives it up.
    s = Seed((None, 1, 2, 3)).connect(0, 0).open()
    s.icp_set(1, icp(0xff, 0x123, 0xff)).icp_set(0, icp(0xff, 0x123, 0xff))
    s.set_source(0x123, 1, 4).icp_set(1, icp(0xff, 0x124, 0xff)).set_source(0x123, 1, 4)
    s.xirr(1).eoi(1, 0xff, 0x123).xirr(1)
    out['seed-delayed-order'] = s
    # RTAS: set-xive to an unknown server (-3, still unmasked), 0x1ff,
    # a source never set, int-off twice, int-on, get-xive.
    s = Seed().open().set_source(20, 0, 5).set_source(22, 0, 5).rtas(0, 1, 20, 9, 4)
    s.rtas(0, 2, 20).rtas_prio_raw(0, 20, 1, 0x1ff).rtas_prio_raw(0, 20, 1, 0x105)
    s.rtas(0, 1, 21, 0, 3).rtas(0, 3, 20).rtas(0, 3, 20).rtas(0, 4, 20)
    s.rtas(0, 2, 20).irq_line(20, 1).rtas(0, 1, 20, 0, 3).xirr(0).rtas(0, 2, 5000)
    out['seed-rtas'] = s
    # An EOI while masked: the kept P cleared, so the unmask EOIs and
    # what came while masked is delivered.
    s = Seed().open().set_source(20, 0, 5).irq_line(20, 1).xirr(0).rtas(0, 3, 20)
    s.irq_line(20, 1).save_cycle().eoi(0, 0xff, 20).save_cycle().rtas(0, 4, 20)
    s.save_cycle().xirr(0).eoi(0, 0xff, 20).rtas(0, 1, 20, 0, 0xff).irq_line(20, 1)
    s.eoi(0, 0xff, 20).save_cycle().rtas(0, 1, 20, 0, 5).xirr(0)
    out['seed-eoi-masked'] = s
    # NR_SERVERS: bounds connect, -EBUSY after the first connect.
    s = Seed((0, 5, 8, None), nr_servers=8).nr_servers(16).connect(3, 7)
    s.connect(3, 2).nr_servers(4096).set_source(20, 7, 1).irq_line(20, 1)
    s.xirr(3)
    out['seed-nr-servers'] = s
    # Migration in mid-flight: one in service and queued again, one in a
    # queue, one masked with a trigger, an LSI asserted, an IPI pending,
    # a source set away from its target; then both VMs go on.
    s = Seed((0, 1, None, 3)).open()
    s.set_source(20, 0, 5).set_source(21, 1, 3).set_source(18, 0, 6, MASKED)
    s.set_source(1024, 0, 2, LEVEL).set_source(1040, 0, 0xff).set_source(17, 3, 4)
    s.irq_line(20, 1).xirr(0).irq_line(20, 1).irq_line(21, 1).irq_line(18, 1)
    s.irq_line(1024, 1).set_source(17, 9, 4).irq_line(17, 1)
    s.ipi(1, 0, 4).migrate().xirr(0).ipi(0, 0, 0xff).eoi(0, 5, IPI).eoi(0, 0xff, 20)
    s.xirr(0).xirr(1).eoi(1, 0xff, 21).irq_line(1024, 0).rtas(0, 4, 18).xirr(0)
    s.xirr_eoi(3).migrate().xirr_eoi(0).xirr_eoi(1).save_cycle()
    out['seed-migrate'] = s
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 'xics_xive')
    os.makedirs(out_dir, exist_ok=True)
    for name, seed in sorted(seeds().items()):
        data = bytes(seed.b)
        assert len(data) < 2048, name
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)
        print(f'{name}: {len(data)} bytes')


if __name__ == '__main__':
    main()
