#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest scripts (busybox sh); the runners copy this file
# into /opt/kvm_ext next to them.

# Forget what boot left unreferenced: it is not ours.
kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
	return 0
}

# Prints PASS:/FAIL: for kmemleak after $1 and returns 1 on a leak, or
# when kmemleak cannot answer: a kernel without it (no file), or with it
# off (kmemleak=off, or disabled after an error: it refuses a scan with
# -EPERM) is a FAIL, not a silent pass.
# kmemleak never reports an object younger than 5 s, so the last ones
# (rmmod's) age first; two scans, as an object is reported only once it
# has stayed unreferenced.
kmemleak_check() {
	if [ ! -w /sys/kernel/debug/kmemleak ]; then
		echo "FAIL: kmemleak after $1: no /sys/kernel/debug/kmemleak (CONFIG_DEBUG_KMEMLEAK?)"
		return 1
	fi
	sleep 6
	if ! echo scan > /sys/kernel/debug/kmemleak || ! echo scan > /sys/kernel/debug/kmemleak ||
		! leaks=$(cat /sys/kernel/debug/kmemleak); then
		echo "FAIL: kmemleak after $1: kmemleak refused to scan (off or disabled)"
		return 1
	fi
	if [ -n "$leaks" ]; then
		echo "FAIL: kmemleak after $1"
		echo "$leaks"
		return 1
	fi
	echo "PASS: kmemleak clean after $1"
}

# with_deadline SECONDS CMD...: runs CMD; if it is still running after
# SECONDS, dumps the blocked tasks (sysrq w) to the console so that a hang
# says where it hangs, kills CMD and fails. Returns CMD's status otherwise.
with_deadline() {
	limit=$1
	shift
	"$@" &
	pid=$!
	waited=0
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge "$limit" ]; then
			echo "FAIL: $* still running after ${limit}s; blocked tasks follow"
			echo w > /proc/sysrq-trigger
			kill -9 "$pid"
			wait "$pid"
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$pid"
}
