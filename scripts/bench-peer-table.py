#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The peer table (Documentation/performance.rst) from make bench-arm64's
output: one file per boot, each holding the "peer KEY NODE NS FLOOR_NS CHECK"
lines of tools/testing/bench/guest-bench-arm64.sh.

Every program times the floor F (an eventfd ioctl that neither node sees,
bench.h) in the same rounds as its workloads, on both nodes: a workload's
ratio on a node is the median, over the boot's repetitions, of its time
over the F its own run measured, so that the load of the shared machine,
which changes from one program run to the next, slows both alike.
kvm_ext / KVM is the quotient of the two ratios. Exits 1 if a workload's
CHECK (what it verified: registers listed, ITEs saved, dirty pages
reported...) differs between the nodes, or is missing.

usage: scripts/bench-peer-table.py OUT...
"""
import math
import statistics
import sys

KVM, EXT = "/dev/kvm", "/dev/kvm_ext/arm64"
ROWS = [
    ("noop", "no-op ioctl on a device fd (-ENOTTY)"),
    ("has_attr", "``KVM_HAS_DEVICE_ATTR`` (VFIO device)"),
    ("dist_read_1", "one ``DIST_REGS`` read, 1-vCPU VM"),
    ("dist_read_64", "one ``DIST_REGS`` read, 64-vCPU VM"),
    ("gic_save_64", "GICv3 save, 64 vCPUs, 992 IRQs (4434 attrs)"),
    ("snapshot", "vCPU register snapshot (REG_LIST + GET_ONE_REG)"),
    ("its_save", "ITS ``SAVE_TABLES``"),
    ("its_restore", "ITS ``RESTORE_TABLES``"),
    ("its_msi_same", "ITS ``KVM_SIGNAL_MSI``, one translation"),
    ("its_msi_sweep", "ITS ``KVM_SIGNAL_MSI``, swept in order"),
    ("dirty_full", "dirty log GET + CLEAR, 64 GiB fully dirty"),
    ("dirty_sparse", "dirty log GET + CLEAR, 0.1% dirty"),
]


def fmt(x):
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def quotient(x):
    """Two decimals, or two significant digits below 0.1."""
    return f"{x:.2f}" if x >= 0.1 else f"{x:.{1 - math.floor(math.log10(x))}f}"


def boot(path):
    times, floors, checks, node_floors = {}, [], {}, {KVM: [], EXT: []}
    config = ""
    with open(path, errors="replace") as f:
        for line in f:
            w = line.split()
            if w[:1] == ["peer-config"]:
                config = " ".join(w[1:])
            if len(w) < 6 or w[0] != "peer":
                continue
            key, node, ns, fl, check = w[1], w[2], float(w[3]), float(w[4]), w[5]
            times.setdefault((key, node), []).append(ns / fl)
            floors.append(fl)
            node_floors.setdefault(node, []).append(fl)
            checks.setdefault((key, node), set()).add(check)
    if not floors:
        sys.exit(f"{path}: no peer lines")
    return config, statistics.median(floors), node_floors, times, checks


def main():
    boots = [boot(p) for p in sys.argv[1:]]
    bad = 0
    cells = {}
    for n, (config, floor, node_floors, times, checks) in enumerate(boots, 1):
        kf = statistics.median(node_floors[KVM]) if node_floors[KVM] else 0
        ef = statistics.median(node_floors[EXT]) if node_floors[EXT] else 0
        print(f"run {n} ({config}): floor F {floor:.0f} ns, median of all (in KVM's programs "
              f"{kf:.0f}, in kvm_ext's {ef:.0f}; ns below are ratios x this F)")
        for key, _ in ROWS:
            k, e = times.get((key, KVM)), times.get((key, EXT))
            if not k or not e:
                print(f"  {key}: missing on {'KVM' if not k else 'kvm_ext'}")
                bad = 1
                continue
            ck, ce = checks[(key, KVM)], checks[(key, EXT)]
            if ck != ce:
                print(f"  {key}: checks differ: KVM {sorted(ck)}, kvm_ext {sorted(ce)}")
                bad = 1
            rk, re_ = statistics.median(k), statistics.median(e)
            print(f"  {key:14} KVM {rk:12.2f} F ({rk * floor:12.0f} ns)   kvm_ext {re_:12.2f} F "
                  f"({re_ * floor:12.0f} ns)   kvm_ext/KVM {re_ / rk:7.3f}   ({len(k)}, {len(e)} "
                  f"reps; {' '.join(sorted(ck))})")
            c = cells.setdefault(key, ([], [], []))
            c[0].append(fmt(rk))
            c[1].append(fmt(re_))
            c[2].append(quotient(re_ / rk))
    # The RST table, one value per run in each cell.
    head = ("workload", "real KVM / F", "kvm_ext / F", "kvm_ext / real KVM")
    rows = [(label, *(" ".join(v) for v in cells[key])) for key, label in ROWS if key in cells]
    width = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    rule = "  ".join("=" * w for w in width)
    print()
    print(rule)
    print("  ".join(h.ljust(w) for h, w in zip(head, width)).rstrip())
    print(rule)
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, width)).rstrip())
    print(rule)
    return bad


if __name__ == "__main__":
    sys.exit(main())
