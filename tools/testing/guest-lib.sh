#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest scripts (busybox sh); the runners copy this file
# into /opt/kvm_ext next to them.

# Forget what boot left unreferenced: it is not ours.
kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
	return 0
}

# Prints PASS:/FAIL: for kmemleak after $1 and returns 1 on a leak.
# kmemleak never reports an object younger than 5 s, so the last ones
# (rmmod's) age first; two scans, as an object is reported only once it
# has stayed unreferenced.
kmemleak_check() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -n "$leaks" ]; then
		echo "FAIL: kmemleak after $1"
		echo "$leaks"
		return 1
	fi
	echo "PASS: kmemleak clean after $1"
}
