#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""differential.py OUTPUT DIFFERENCES_RST: the arm64 differential report.

OUTPUT is the guest output of tools/testing/abi/guest-differential.sh: the
conformance suite's TAP against real KVM (lines prefixed R|), against
/dev/kvm_ext/arm64 (E|), and against kvm_ext's ppc (P|) and s390 (S|)
nodes. For every arm64 test, both results and one verdict line:

  PASS: same            both passed
  PASS: not on /dev/kvm real KVM skipped it (the skip's reason: a
                        kvm_ext-only extension, kvm_ext's debugfs...)
  PASS: documented      real KVM failed it, kvm_ext passed, and
                        DIFFERENCES_RST names the test: its description
                        in ``double backquotes`` (what the test appends to
                        it at run time, after that, may differ)
  FAIL: undocumented    real KVM failed it, kvm_ext passed, not listed
  FAIL: kvm_ext         kvm_ext failed it (whatever real KVM did)
  FAIL: missing         one of the runs has no result for it
  SKIP: both            both skipped it

and the ppc and s390 runs as PASS/FAIL/SKIP lines of their own. Then the
counts. Exit status 1 when any line is a FAIL.
"""
import re
import sys

TAP = re.compile(r"^(ok|not ok) (\d+) - (.*?)(?: # (SKIP )?(.*))?$")


def parse(lines):
    """{number: (status, description, reason)}; status: ok, fail, skip."""
    tests = {}
    diag = {}
    last = None
    for line in lines:
        m = TAP.match(line)
        if m:
            ok, num, desc, skip, msg = m.groups()
            status = "skip" if ok == "ok" and skip else ("ok" if ok == "ok" else "fail")
            last = int(num)
            tests[last] = (status, desc, msg or "")
            diag[last] = []
        elif line.startswith("#") and last is not None and line.startswith("#   "):
            diag[last].append(line)
    return tests, diag


def key(desc):
    """The description without its trailing "(reference)", whitespace folded."""
    d = re.sub(r"\s*\([^()]*\)$", "", desc.strip())
    return " ".join(d.split())


def named_in(rst_text):
    """Every ``literal`` of the document, whitespace folded."""
    return {" ".join(m.split()) for m in re.findall(r"``(.+?)``", rst_text, re.S)}


def documented(desc, literals):
    """A literal of 20 characters or more begins the test's description."""
    k = key(desc)
    return any(len(l) >= 20 and k.startswith(l) for l in literals)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        out = [l.rstrip("\n") for l in f]
    with open(sys.argv[2], encoding="utf-8") as f:
        literals = named_in(f.read())
    runs = {p: [l[2:] for l in out if l.startswith(p + "|")] for p in "REPS"}
    real, real_diag = parse(runs["R"])
    ext, ext_diag = parse(runs["E"])
    bad = 0
    counts = dict(same=0, documented=0, not_on_kvm=0, both_skip=0, undocumented=0,
                  ext_fail=0, missing=0)

    print("# arm64: the conformance suite on /dev/kvm (real KVM) and /dev/kvm_ext/arm64")
    for n in sorted(set(real) | set(ext)):
        r, e = real.get(n), ext.get(n)
        desc = (e or r)[1]
        if r is None or e is None:
            print(f"FAIL: {n} missing from the {'real KVM' if r is None else 'kvm_ext'} run: {desc}")
            counts["missing"] += 1
            bad = 1
            continue
        if e[0] == "fail":
            print(f"FAIL: {n} kvm_ext failed (real KVM: {r[0]}): {desc} # {e[2]}")
            for d in ext_diag[n]:
                print(d)
            counts["ext_fail"] += 1
            bad = 1
        elif r[0] == "fail" and e[0] == "ok":
            if documented(desc, literals):
                print(f"PASS: {n} documented difference: {desc}")
                print(f"#   real KVM: {r[2]}")
                counts["documented"] += 1
            else:
                print(f"FAIL: {n} undocumented difference (real KVM fails, kvm_ext passes): {desc}")
                print(f"#   real KVM: {r[2]}")
                for d in real_diag[n]:
                    print(d)
                counts["undocumented"] += 1
                bad = 1
        elif r[0] == "skip" and e[0] == "ok":
            print(f"PASS: {n} not run on /dev/kvm ({r[2]}): {desc}")
            counts["not_on_kvm"] += 1
        elif r[0] == "ok" and e[0] == "ok":
            print(f"PASS: {n} same: {desc}")
            counts["same"] += 1
        elif e[0] == "skip" and r[0] == "skip":
            print(f"SKIP: {n} skipped on both ({e[2]}): {desc}")
            counts["both_skip"] += 1
        else:  # kvm_ext skipped what real KVM ran (or failed)
            if documented(desc, literals):
                print(f"PASS: {n} documented difference (kvm_ext skips: {e[2]}): {desc}")
                counts["documented"] += 1
            else:
                print(f"FAIL: {n} undocumented difference (real KVM {r[0]}, kvm_ext skips: "
                      f"{e[2]}): {desc}")
                counts["undocumented"] += 1
                bad = 1

    for p, name in (("P", "ppc"), ("S", "s390")):
        tests, diag = parse(runs[p])
        print(f"# {name}: kvm_ext's /dev/kvm_ext/{name} on the arm64 host")
        if not tests:
            print(f"FAIL: {name}: no results")
            bad = 1
        for n in sorted(tests):
            status, desc, msg = tests[n]
            if status == "ok":
                print(f"PASS: {name} {n}: {desc}")
            elif status == "skip":
                print(f"SKIP: {name} {n}: {desc} ({msg})")
            else:
                print(f"FAIL: {name} {n}: {desc} # {msg}")
                for d in diag[n]:
                    print(d)
                bad = 1
    for p in "REPS":
        for line in runs[p]:
            if line.startswith("# exit") or re.match(r"# (arm64|ppc|s390): \d+ tests", line):
                print(f"# {p}: {line[2:]}")

    print(f"# differential: {counts['same']} same, {counts['documented']} documented "
          f"difference, {counts['undocumented']} undocumented difference, "
          f"{counts['not_on_kvm']} not run on /dev/kvm, {counts['both_skip']} skipped on "
          f"both, {counts['ext_fail']} kvm_ext failures, {counts['missing']} missing")
    return bad


if __name__ == "__main__":
    sys.exit(main())
