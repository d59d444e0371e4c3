#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the ABI conformance suite, for scripts/qemu-run.sh:
#
#   scripts/qemu-run.sh --script tools/testing/abi/guest-abi.sh \
#       kvm_ext.ko build/guest/kvm_ext_abi_test
#
# Runs in /opt/kvm_ext (busybox sh): loads kvm_ext.ko, runs
# kvm_ext_abi_test against each personality's node (TAP on stdout), checks
# that the module's allocation counter is back to 0, unloads the module.
# Exits non-zero if anything failed.

cd /opt/kvm_ext 2>/dev/null || cd "$(dirname "$0")" || exit 1

# Per-personality time limit (s); the whole suite normally takes seconds.
ABI_TIMEOUT=${ABI_TIMEOUT:-300}

rc=0
fail() {
	echo "# guest-abi: FAIL: $*"
	rc=1
}

for f in kvm_ext.ko kvm_ext_abi_test; do
	[ -e "$f" ] || {
		echo "# guest-abi: $f missing in $(pwd)"
		exit 1
	}
done

if ! insmod ./kvm_ext.ko; then
	echo "# guest-abi: insmod kvm_ext.ko failed"
	exit 1
fi

dbg=/sys/kernel/debug/kvm_ext
for p in arm64 ppc s390; do
	node=/dev/kvm_ext/$p
	i=0
	while [ ! -c "$node" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -c "$node" ]; then
		fail "$node does not exist"
		continue
	fi
	echo "# ---- personality $p: $node ----"
	out=/tmp/abi-$p.tap
	timeout "$ABI_TIMEOUT" ./kvm_ext_abi_test "$node" >"$out" 2>&1
	r=$?
	cat "$out"
	n=$(grep -c '^ok ' "$out")
	nf=$(grep -c '^not ok ' "$out")
	echo "# guest-abi: $p: exit $r, $n ok, $nf not ok"
	[ "$r" -eq 0 ] || fail "kvm_ext_abi_test $node exited $r"
	[ -r "$dbg/vms" ] && echo "# guest-abi: $p: vms=$(cat "$dbg/vms")"
done

# The ppc node again on the other emulated POWER host (ppc_host=power9).
echo "# ---- personality ppc, ppc_host=power9 ----"
out=/tmp/abi-ppc-power9.tap
timeout "$ABI_TIMEOUT" ./kvm_ext_abi_test --param ppc_host=power9 /dev/kvm_ext/ppc >"$out" 2>&1
r=$?
echo power8 >/sys/module/kvm_ext/parameters/ppc_host
cat "$out"
echo "# guest-abi: ppc (power9): exit $r, $(grep -c '^ok ' "$out") ok, $(grep -c '^not ok ' "$out") not ok"
[ "$r" -eq 0 ] || fail "kvm_ext_abi_test --param ppc_host=power9 exited $r"

if [ -r "$dbg/allocations" ]; then
	allocs=$(cat "$dbg/allocations")
	vms=$(cat "$dbg/vms" 2>/dev/null)
	echo "# guest-abi: allocations=$allocs vms=$vms"
	[ "$allocs" = 0 ] || fail "kvm_ext allocations=$allocs after the suite (expected 0)"
	[ -z "$vms" ] || [ "$vms" = 0 ] || fail "kvm_ext vms=$vms after the suite (expected 0)"
else
	fail "$dbg/allocations is missing"
fi

if ! rmmod kvm_ext; then
	fail "rmmod kvm_ext failed"
fi

echo "# guest-abi: exit $rc"
exit $rc
