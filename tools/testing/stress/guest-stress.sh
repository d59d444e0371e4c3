#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the QEMU (debug) kernel: the stress program on every node.
set -e
insmod ./kvm_ext.ko
rc=0
for p in arm64 ppc s390; do
	./kvm_ext_stress "/dev/kvm_ext/$p" "${STRESS_SECONDS:-10}" 4 || rc=1
done
rmmod kvm_ext
exit $rc
