#!/bin/sh
# Runs in the QEMU guest (make bench).
set -e
insmod ./kvm_ext.ko
./kvm_ext_bench_ioctl_floor /dev/kvm_ext/arm64
./kvm_ext_bench_arm64_snapshot /dev/kvm_ext/arm64
./kvm_ext_bench_vgic_regs /dev/kvm_ext/arm64
./kvm_ext_bench_vgic_its /dev/kvm_ext/arm64 || echo "ITS ratio above target (exit $?)"
./kvm_ext_bench_xics /dev/kvm_ext/ppc || echo "XICS per-source ratio above target (exit $?)"
echo power9 >/sys/module/kvm_ext/parameters/ppc_host
./kvm_ext_bench_xics /dev/kvm_ext/ppc || echo "XICS-on-XIVE per-source ratio above target (exit $?)"
./kvm_ext_bench_xive /dev/kvm_ext/ppc || echo "XIVE per-event ratio above target (exit $?)"
echo power8 >/sys/module/kvm_ext/parameters/ppc_host
./kvm_ext_bench_mpic /dev/kvm_ext/ppc
./kvm_ext_bench_s390_flic /dev/kvm_ext/s390 || echo "FLIC per-interrupt ratio above target (exit $?)"
./kvm_ext_bench_copy_floor
./kvm_ext_bench_dirty_log /dev/kvm_ext/arm64 || echo "dirty-log ratio above target (exit $?)"
rmmod kvm_ext
