#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the QEMU debug kernel (scripts/kunit-run.sh): load kvm_ext, then
# kvm_ext_kunit (its suites run as it loads), unload both, and ask kmemleak.
#
# A module's KUnit suites print their results without the top-level KTAP
# header (6.1 prints that only for built-in suites, and prints an empty
# "1..0" one at boot), so this script writes the header itself, between
# markers that scripts/kunit-run.sh cuts the console log at.
set -e
kmsg() { echo "$*" > /dev/kmsg; }

# Whatever boot left unreferenced is not ours.
[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak

insmod ./kvm_ext.ko
kmsg "@@KVM_EXT_KTAP_BEGIN@@"
kmsg "KTAP version 1"
kmsg "1..${KUNIT_SUITES:?}"
insmod ./kvm_ext_kunit.ko
rmmod kvm_ext_kunit
kmsg "@@KVM_EXT_KTAP_END@@"
echo "allocations after the suites: $(cat /sys/kernel/debug/kvm_ext/allocations)"
[ "$(cat /sys/kernel/debug/kvm_ext/allocations)" = 0 ]
rmmod kvm_ext

# kmemleak: objects allocated and lost while the modules ran. Two scans,
# as kmemleak reports an object only once it has stayed unreferenced.
if [ -w /sys/kernel/debug/kmemleak ]; then
	# kmemleak never reports an object younger than 5 s: let the last
	# ones (rmmod's) age, then scan twice.
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -n "$leaks" ]; then
		echo "kmemleak reports:"
		echo "$leaks"
		exit 1
	fi
	echo "kmemleak: no leaks"
fi
