#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 differential run (make check's arm64 suite): Debian's arm64 6.1
# kernel under QEMU nested virtualization (TCG, -M virt,virtualization=on),
# its built-in KVM and the cross-built kvm_ext.ko side by side, the
# conformance suite against both in one boot (and against kvm_ext's ppc and
# s390 nodes on that arm64 host); scripts/differential.py judges.
#
# usage: scripts/arm64-differential.sh BUILD_DIR
#
# Needs BUILD_DIR/arm64/module/kvm_ext.ko (make ARCH=arm64 module) and
# BUILD_DIR/arm64/guest/kvm_ext_abi_test (the Makefile's arm64-test builds
# both). Writes BUILD_DIR/arm64/differential.{out,log,report}. Prints the
# report (PASS:/FAIL:/SKIP: lines, which run-suite.sh counts); exit 1 when
# anything failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:?usage: $0 BUILD_DIR}
dir=$build/arm64
ko=$dir/module/kvm_ext.ko
suite=$dir/guest/kvm_ext_abi_test

for f in "$ko" "$suite"; do
    if [[ ! -f $f ]]; then
        echo "FAIL: arm64 differential: $f is missing (make arm64-test builds it)"
        exit 1
    fi
done

start=$(date +%s)
rc=0
"$here/qemu-run.sh" --arch arm64 --timeout 1500 --out "$dir/differential.out" \
    --log "$dir/differential.log" --script "$root/tools/testing/abi/guest-differential.sh" \
    "$ko" "$suite" >/dev/null || rc=$?
secs=$(($(date +%s) - start))
grep -a '^# differential' "$dir/differential.out" 2>/dev/null
if ((rc != 0)); then
    # The guest's bookkeeping failed (kvm_ext's allocations), or the run
    # itself did (a kernel warning, a timeout: qemu-run.sh's statuses).
    echo "FAIL: arm64 differential: qemu-run.sh exited $rc (console: $dir/differential.log)"
    tr -d '\r' <"$dir/differential.log" | grep -a -B2 -A12 -E 'WARNING:|BUG:|Oops|KASAN' | head -60
fi
python3 "$here/differential.py" "$dir/differential.out" "$root/Documentation/differences.rst" \
    >"$dir/differential.report"
drc=$?
cat "$dir/differential.report"
echo "# arm64 differential: one boot, ${secs}s"
((rc == 0 && drc == 0))
