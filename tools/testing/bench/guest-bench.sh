#!/bin/sh
# Runs in the QEMU guest (make bench).
set -e
insmod ./kvm_ext.ko
./kvm_ext_bench /dev/kvm_ext/arm64
./kvm_ext_bench_regs /dev/kvm_ext/arm64
./kvm_ext_bench_vgic /dev/kvm_ext/arm64
./kvm_ext_bench_its /dev/kvm_ext/arm64 || echo "ITS ratio above target (exit $?)"
./kvm_ext_bench_copy
./kvm_ext_bench_dirty /dev/kvm_ext/arm64 || echo "dirty-log ratio above target (exit $?)"
rmmod kvm_ext
