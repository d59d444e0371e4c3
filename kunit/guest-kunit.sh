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

# guest-lib.sh is copied next to this script in the guest.
# shellcheck disable=SC1091
. ./guest-lib.sh
kmemleak_clear

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

kmemleak_check "the KUnit suites"
