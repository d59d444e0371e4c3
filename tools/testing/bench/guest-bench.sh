#!/bin/sh
# Runs in the QEMU guest (make bench).
set -e
insmod ./kvm_ext.ko
./kvm_ext_bench /dev/kvm_ext/arm64
rmmod kvm_ext
