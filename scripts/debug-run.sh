#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-run.sh BUILD_DIR [--out FILE]: kvm_ext built against the debug
# kernel (scripts/debug-kernel.sh) and put through the conformance suite,
# the stress program and the failslab sweep there
# (tools/testing/guest-debug.sh). Exit status and output as qemu-run.sh's.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(mkdir -p "$1" && cd "$1" && pwd)
shift
cd "$root" || exit 1

kdir=$(scripts/debug-kernel.sh) || { echo "FAIL: debug kernel build"; exit 1; }
tree=$(scripts/debug-tree.sh "$build" debug-tree)
if ! make -C "$kdir" M="$tree" modules > "$build/debug-module.log" 2>&1 ||
	! scripts/check-module.sh "$tree/kvm_ext.ko" "$tree/core.o" "$build/debug-module.log"; then
	cat "$build/debug-module.log"
	echo "FAIL: module build against the debug kernel"
	exit 1
fi
make -s B="$build" abi-test "$build/guest/kvm_ext_stress" "$build/guest/kvm_ext_failslab" || exit 1
exec scripts/qemu-run.sh --kernel "$kdir/arch/x86/boot/bzImage" --timeout 1500 \
	--append kasan_multi_shot --env "STRESS_SECONDS=${STRESS_SECONDS:-10}" \
	--log "$build/debug-console.log" "$@" --script tools/testing/guest-debug.sh \
	tools/testing/guest-lib.sh \
	"$tree/kvm_ext.ko" "$build/guest/kvm_ext_abi_test" "$build/guest/kvm_ext_stress" \
	"$build/guest/kvm_ext_failslab"
