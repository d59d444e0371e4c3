#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# detector-proof.sh BUILD_DIR: proves that the debug kernel's detectors see
# into kvm_ext's C++ core and that the harness fails a run on their report.
# Builds the module with KVM_EXT_INJECT_UAF=y (a read of a freed VM in
# Vm::put, compiled in only by that switch), runs the demo under the debug
# kernel, and passes only if the harness FAILED the run for a KASAN
# use-after-free report naming kvm_ext.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
cd "$root" || exit 1

kdir=$(scripts/debug-kernel.sh) || { echo "FAIL: detector proof: debug kernel build"; exit 0; }
tree=$(scripts/debug-tree.sh "$build" uaf-tree)
if ! make -C "$kdir" M="$tree" KVM_EXT_INJECT_UAF=y modules > "$build/uaf-module.log" 2>&1 ||
	! make -s B="$build" "$build/guest/kvm_ext_demo"; then
	cat "$build/uaf-module.log"
	echo "FAIL: detector proof: build"
	exit 0
fi
log=$build/uaf-console.log
scripts/qemu-run.sh --kernel "$kdir/arch/x86/boot/bzImage" --timeout 300 \
	--append kasan_multi_shot --log "$log" --script tools/kvm_ext/guest-demo.sh \
	"$tree/kvm_ext.ko" "$build/guest/kvm_ext_demo" > "$build/uaf-run.log" 2>&1
rc=$?
if [ "$rc" -eq 101 ] && grep -q 'BUG: KASAN: use-after-free in .*kvm_ext' "$log"; then
	echo "PASS: detector proof: KASAN reported the injected use-after-free in the C++ core and the harness failed the run (exit $rc)"
else
	grep -m5 KASAN "$log"
	echo "FAIL: detector proof: harness exit $rc, expected 101 with a KASAN use-after-free report ($log)"
fi
exit 0
