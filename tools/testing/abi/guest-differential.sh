#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the arm64 differential run (scripts/arm64-differential.sh):
# Debian's arm64 kernel under QEMU nested virt, its built-in KVM at
# /dev/kvm and kvm_ext.ko beside it.
#
#   scripts/qemu-run.sh --arch arm64 --script tools/testing/abi/guest-differential.sh \
#       build/arm64/module/kvm_ext.ko build/arm64/guest/kvm_ext_abi_test
#
# Runs the conformance suite against /dev/kvm (--personality arm64) and
# against /dev/kvm_ext/arm64 in the same boot, then against kvm_ext's ppc
# and s390 nodes (kvm_ext on an arm64 host). Each TAP line goes out with a
# prefix saying which run it is (R| real KVM, E| kvm_ext arm64, P| ppc,
# S| s390); the host compares R| with E| (scripts/differential.py).
# Checks that kvm_ext's allocation counter is back to 0 and unloads it.
# Exits non-zero when the setup or the module's bookkeeping failed (the
# tests' own results are the host's to judge).

cd /opt/kvm_ext 2>/dev/null || cd "$(dirname "$0")" || exit 90

ABI_TIMEOUT=${ABI_TIMEOUT:-600}
rc=0

if [ ! -c /dev/kvm ]; then
	echo "# differential: no /dev/kvm (KVM did not initialise at EL2)"
	exit 90
fi
if ! insmod ./kvm_ext.ko; then
	echo "# differential: insmod kvm_ext.ko failed"
	exit 90
fi
echo "# differential: kernel $(uname -r), $(grep -c '^processor' /proc/cpuinfo) CPUs"
dmesg | sed -n 's/^.*kvm \[[0-9]*\]: \(.*mode initialized.*\)$/# differential: KVM: \1/p'

run() { # prefix node args...
	p=$1
	shift
	start=$(cut -d' ' -f1 /proc/uptime)
	timeout "$ABI_TIMEOUT" ./kvm_ext_abi_test "$@" >/tmp/run.tap 2>&1
	r=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	sed "s/^/$p|/" /tmp/run.tap
	echo "$p|# exit $r, $start-$end s"
}

run R --personality arm64 /dev/kvm
run E /dev/kvm_ext/arm64
run P /dev/kvm_ext/ppc
run S /dev/kvm_ext/s390

dbg=/sys/kernel/debug/kvm_ext
allocs=$(cat "$dbg/allocations" 2>/dev/null)
vms=$(cat "$dbg/vms" 2>/dev/null)
echo "# differential: kvm_ext allocations=$allocs vms=$vms"
if [ "$allocs" != 0 ] || [ "$vms" != 0 ]; then
	echo "# differential: FAIL: kvm_ext allocations=$allocs vms=$vms after the suites (expected 0)"
	rc=1
fi
rmmod kvm_ext || rc=1
exit $rc
