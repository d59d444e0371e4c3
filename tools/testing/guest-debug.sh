#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the QEMU debug kernel (scripts/debug-run.sh): the conformance
# suite, the stress program and the failslab sweep with kvm_ext loaded, then
# kmemleak over all of it. The harness fails the run on any KASAN, UBSAN,
# lockdep, WARN/BUG or hung-task report on the console.
# guest-lib.sh is copied next to this script in the guest.
# shellcheck disable=SC1091
. ./guest-lib.sh
rc=0
kmemleak_clear
insmod ./kvm_ext.ko || exit 1
for p in arm64 ppc s390; do
	./kvm_ext_abi_test "/dev/kvm_ext/$p" || rc=1
done
./kvm_ext_abi_test --param ppc_host=power9 /dev/kvm_ext/ppc || rc=1
echo power8 >/sys/module/kvm_ext/parameters/ppc_host
for p in arm64 ppc s390 ppc-power9; do
	# ppc-power9: the ppc node again, its VMs on the POWER9 host (XICS-on-XIVE)
	node=${p%-power9}
	[ "$node" = "$p" ] || echo power9 >/sys/module/kvm_ext/parameters/ppc_host
	# 4 threads for STRESS_SECONDS, then the join; a hang fails in minutes.
	with_deadline $((${STRESS_SECONDS:-10} * 3 + 120)) \
		./kvm_ext_stress "/dev/kvm_ext/$node" "${STRESS_SECONDS:-10}" 4 || rc=1
	echo power8 >/sys/module/kvm_ext/parameters/ppc_host
done
for p in arm64 ppc s390; do
	./kvm_ext_failslab "/dev/kvm_ext/$p" || rc=1
done
allocs=$(cat /sys/kernel/debug/kvm_ext/allocations)
if [ "$allocs" = 0 ]; then
	echo "PASS: module allocations back to 0"
else
	echo "FAIL: module allocations $allocs after the debug suites"
	rc=1
fi
rmmod kvm_ext || rc=1
kmemleak_check "the debug suites" || rc=1
exit $rc
