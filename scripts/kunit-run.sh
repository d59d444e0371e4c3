#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kunit-run.sh BUILD_DIR: the KUnit suites of kunit/ in the debug kernel
# (scripts/debug-kernel.sh: KASAN, lockdep, kmemleak, UBSAN, failslab).
#
# Builds kvm_ext.ko and kvm_ext_kunit.ko (KVM_EXT_KUNIT=y) against that
# kernel, boots it under QEMU with kunit/guest-kunit.sh, cuts the KTAP out of
# the console between the guest's markers and parses it with the kernel's
# own tools/testing/kunit/kunit.py. Prints one PASS:/FAIL:/SKIP: line per
# test case; a missing or crashed suite is a failure. The harness fails the
# run on any KASAN, UBSAN, lockdep, WARN/BUG or kmemleak report on the
# console, which do not reach KUnit's verdicts.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
cd "$root" || exit 1

kdir=$(scripts/debug-kernel.sh) || { echo "FAIL: kunit debug kernel build"; exit 1; }
src=$(scripts/kernel-source.sh) || exit 1
tree=$(scripts/debug-tree.sh "$build" kunit-tree)
if ! make -C "$kdir" M="$tree" KVM_EXT_KUNIT=y modules > "$build/kunit-module.log" 2>&1 ||
	! scripts/check-module.sh "$tree/kvm_ext.ko" "$tree/core.o" "$build/kunit-module.log" ||
	! scripts/check-module.sh "$tree/kvm_ext_kunit.ko" "$tree/kunit/kx_selftest.o" \
		"$build/kunit-module.log"; then
	cat "$build/kunit-module.log"
	echo "FAIL: kunit module build"
	exit 1
fi

# The suites kunit_test_suites() lists: the KTAP plan the guest announces.
suites=$(cat kunit/*_kunit.c | grep -oE 'kunit_test_suites\([^)]*\)' | grep -o '&' | wc -l)
if [ "$suites" -eq 0 ]; then
	# A plan of 0 would make an empty run look clean.
	echo "FAIL: kunit: no suites found in kunit_test_suites() (keep the call on one line)"
	exit 0
fi
console=$build/kunit-console.log
scripts/qemu-run.sh --kernel "$kdir/arch/x86/boot/bzImage" --timeout 600 \
	--allow-taint OEN --append kasan_multi_shot --env "KUNIT_SUITES=$suites" \
	--log "$console" --script kunit/guest-kunit.sh tools/testing/guest-lib.sh \
	"$tree/kvm_ext.ko" "$tree/kvm_ext_kunit.ko"
harness=$?

sed -n '/@@KVM_EXT_KTAP_BEGIN@@/,/@@KVM_EXT_KTAP_END@@/p' "$console" > "$build/kunit.ktap"
python3 "$src/tools/testing/kunit/kunit.py" parse --json="$build/kunit.json" \
	"$build/kunit.ktap" > "$build/kunit-parse.log" 2>&1
cat "$build/kunit-parse.log"
python3 - "$build/kunit.json" "$suites" <<'PY'
import json, sys
try:
    root = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print(f"FAIL: kunit results unreadable ({e})")
    sys.exit(0)
seen = 0
def walk(group, prefix):
    global seen
    for sub in group.get("sub_groups", []):
        seen += 1
        walk(sub, sub["name"] + ".")
    for case in group.get("test_cases", []):
        status = case["status"]
        word = {"PASS": "PASS", "SKIP": "SKIP"}.get(status, "FAIL")
        print(f"{word}: kunit {prefix}{case['name']}" + ("" if word != "FAIL" else f" ({status})"))
walk(root, "")
if seen != int(sys.argv[2]):
    print(f"FAIL: kunit ran {seen} suites, kunit_test_suites() lists {sys.argv[2]}")
PY
if [ "$harness" -ne 0 ]; then
	echo "FAIL: kunit run in the debug kernel (qemu-run.sh exit $harness: detector report, leak, hang or guest failure; $console)"
fi
exit 0
