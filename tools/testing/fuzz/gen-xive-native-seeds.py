#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Writes the seeds of xive_native_fuzzer into corpus/xive_native/ (run from
# anywhere; existing seeds are overwritten). Each seed is the fuzzer's
# input: four server bytes (one per vCPU, & 7), then operations, each a
# code byte (% 16) and its arguments, as Fuzz::step() decodes them.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "xive_native")

# source indices into kIrqs
S0, S1, S2, S3 = 0, 1, 2, 3
SBIG = 15  # 2^20: -E2BIG
SOTHER = 12  # 0x1400, another block


def source(i, lsi=False, asserted=False):
    return [0, i, (1 if lsi else 0) | (2 if asserted else 0)]


def config(i, server, prio, eisn=5, masked=False):
    assert eisn < 32
    return [1, i, server, prio, (0xC0 if masked else 0) | eisn]


def eq_set(server, prio, slot, how=6, extra=()):
    return [3, server, prio, how, slot, *extra]


def eq_restore(server, prio, slot, toggle, back):
    # how 4: qtoggle u32, then an odd byte: qindex kEntries - 1 - back
    return [3, server, prio, 4, slot, *toggle.to_bytes(4, "big"), 1, back]


def eq_get(server, prio):
    return [4, server, prio]


def trigger(i):
    return [5, i]


# esb load index: 0 EOI, 1 GET, 2 PQ00, 3 PQ01, 4 PQ10, 5 PQ11
EOI, GET, PQ00, PQ01, PQ10, PQ11 = 0, 1, 2, 3, 4, 5


def esb(i, what):
    return [7, i, what]


def irq_line(i, level_idx):
    # 0: 0, 1: 1, 2: 2, 3: SET, 4: UNSET, 5: SET_LEVEL
    return [9, i, level_idx]


def sync(i):
    return [10, i]


RESET = [11, 0]
EQ_SYNC = [11, 1]


def vp_get(v):
    return [12, v]


def vp_set(v, w):
    return [13, v, *w.to_bytes(8, "big")]


MIGRATE = [14]


# code 15: the TIMA's OS page of vCPU v (b % 4), the access from b >> 2 & 7
def qw1_load(v, off, size_log2):  # off 0-15 from 0x10, aligned to the size
    return [15, v, off << 2 | size_log2]


def ack_os(v):
    return [15, v | 2 << 2, 0]


def cppr_store(v, cppr):  # 0-7, or 0x10-0xff as given
    return [15, v | 4 << 2, cppr]


def set_os_pending(v, prio):
    return [15, v | 6 << 2, prio]


CHECK = [15, 7 << 2, 0]

SERVERS = [0, 1, 2, 3]


def flow(i, server, prio, eisn, slot):
    return (
        eq_set(server, prio, slot)
        + source(i)
        + config(i, server, prio, eisn)
        + esb(i, PQ00)
        + trigger(i)
        + trigger(i)
        + esb(i, GET)
        + esb(i, EOI)
        + trigger(i)
        + eq_get(server, prio)
        + vp_get(server)
    )


SEEDS = {
    "seed-one-event": SERVERS + flow(S0, 0, 0, 5, 0) + CHECK,
    "seed-four-vcpus": SERVERS
    + flow(S0, 0, 0, 1, 0)
    + flow(S1, 1, 3, 2, 1)
    + flow(S2, 2, 5, 3, 2)
    + flow(S3, 3, 6, 4, 3)
    + CHECK,
    "seed-shared-page": SERVERS + flow(S0, 0, 1, 7, 4) + flow(S1, 1, 2, 8, 4) + CHECK,
    "seed-lsi": SERVERS
    + eq_set(1, 2, 5)
    + source(S1, lsi=True)
    + config(S1, 1, 2, 9)
    + esb(S1, PQ00)
    + irq_line(S1, 1)
    + esb(S1, EOI)
    + irq_line(S1, 0)
    + esb(S1, EOI)
    + irq_line(S1, 5)
    + irq_line(S1, 4)
    + source(S1, lsi=False)
    + esb(S1, GET),
    "seed-errnos": SERVERS
    + source(SBIG)
    + config(SBIG, 0, 0)
    + config(S0, 0, 0)
    + source(S0)
    + config(S0, 0, 7)
    + config(S0, 6, 0)
    + config(S0, 0, 0)
    + eq_set(6, 0, 0)
    + eq_set(0, 7, 0)
    + eq_set(0, 0, 0, how=1, extra=[0])
    + eq_set(0, 0, 0, how=2, extra=[12])
    + eq_set(0, 0, 0, how=3, extra=[2])
    + eq_set(0, 0, 0, how=5, extra=[3])
    + eq_set(0, 0, 8)
    + eq_get(0, 0)
    + eq_get(6, 0)
    + eq_get(0, 7)
    + sync(S0)
    + sync(S1)
    + sync(SOTHER)
    + trigger(S1)
    + esb(S1, GET),
    "seed-wrap": SERVERS
    + eq_restore(2, 4, 6, 0, 1)  # qindex kEntries - 2, generation 0
    + source(S2)
    + config(S2, 2, 4, 11)
    + esb(S2, PQ00)
    + sum((trigger(S2) + esb(S2, EOI) for _ in range(4)), [])
    + eq_get(2, 4)
    + CHECK,
    "seed-reset": SERVERS
    + flow(S0, 0, 0, 5, 0)
    + RESET
    + trigger(S0)
    + esb(S0, GET)
    + eq_get(0, 0)
    + eq_set(0, 0, 0)
    + config(S0, 0, 0, 5)
    + esb(S0, PQ00)
    + trigger(S0)
    + CHECK,
    "seed-mask-and-eq-reset": SERVERS
    + flow(S0, 0, 0, 5, 0)
    + config(S0, 0, 0, 5, masked=True)
    + esb(S0, EOI)
    + trigger(S0)
    + config(S0, 0, 0, 5)
    + esb(S0, EOI)
    + eq_set(0, 0, 0, how=0, extra=[0])
    + trigger(S0)
    + esb(S0, EOI)
    + config(S0, 0, 0, 5)
    + config(S0, 0, 0, 6),
    "seed-migration": SERVERS
    + flow(S0, 0, 0, 5, 0)
    + flow(S1, 1, 1, 6, 1)
    + trigger(S1)
    + source(S3, lsi=True, asserted=True)
    + vp_set(2, 0x00FF000000000000)
    + EQ_SYNC
    + MIGRATE
    + trigger(S0)
    + esb(S0, EOI)
    + trigger(S0)
    + esb(S1, EOI)
    + eq_get(0, 0)
    + eq_get(1, 1)
    + vp_get(0)
    + vp_get(1)
    + MIGRATE
    + trigger(S0)
    + CHECK,
    "seed-tima": SERVERS
    + flow(S0, 0, 0, 5, 0)
    + qw1_load(0, 0, 3)
    + cppr_store(0, 5)
    + qw1_load(0, 0, 3)
    + ack_os(0)
    + qw1_load(0, 1, 0)
    + set_os_pending(0, 3)
    + ack_os(0)
    + vp_get(0)
    + cppr_store(0, 0xFF)
    + vp_set(0, 0x0580)
    + ack_os(0)
    + qw1_load(1, 8, 3)
    + MIGRATE
    + qw1_load(0, 0, 3)
    + CHECK,
    "seed-collision": [0, 0, 5, 5] + flow(S0, 5, 3, 4, 7) + vp_get(1) + vp_set(1, 1) + CHECK,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, ops in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes(ops))
    print(f"{len(SEEDS)} seeds in {OUT}")


if __name__ == "__main__":
    main()
