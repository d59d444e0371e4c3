#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the QEMU debug kernel: the failslab sweep on every node, then
# kmemleak over what the sweep allocated.
set -e
[ -w /sys/kernel/debug/kmemleak ] && echo clear > /sys/kernel/debug/kmemleak
insmod ./kvm_ext.ko
rc=0
for p in arm64 ppc s390; do
	./kvm_ext_failslab "/dev/kvm_ext/$p" || rc=1
done
rmmod kvm_ext
if [ -w /sys/kernel/debug/kmemleak ]; then
	# kmemleak never reports an object younger than 5 s: let the last
	# ones (rmmod's) age, then scan twice.
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -n "$leaks" ]; then
		echo "FAIL: kmemleak after the failslab sweep"
		echo "$leaks"
		rc=1
	else
		echo "PASS: kmemleak clean after the failslab sweep"
	fi
fi
exit $rc
