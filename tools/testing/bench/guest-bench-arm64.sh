#!/bin/sh
# Runs in the arm64 QEMU guest (make bench-arm64): the peer table. Each
# --peer program against real KVM (/dev/kvm) and against kvm_ext
# (/dev/kvm_ext/arm64) in this one boot, PEER_REPS times, the order of the
# two nodes alternating from one repetition to the next; every program
# prints "peer KEY NODE NS FLOOR_NS CHECK" lines that
# scripts/bench-peer-table.sh makes the table of
# (Documentation/performance.rst). PEER_ITS="DEVS EVENTS": the ITS's size
# (real KVM's RESTORE_TABLES is quadratic in the LPIs, see there).
set -e
insmod ./kvm_ext.ko
reps=${PEER_REPS:-3}
its=${PEER_ITS:-512 32}
echo "peer-config reps=$reps its=$(echo "$its" | tr ' ' x) $(uname -r) $(nproc) CPUs"
rep=1
while [ "$rep" -le "$reps" ]; do
	if [ $((rep % 2)) -eq 1 ]; then
		nodes="/dev/kvm /dev/kvm_ext/arm64"
	else
		nodes="/dev/kvm_ext/arm64 /dev/kvm"
	fi
	for node in $nodes; do
		echo "== repetition $rep: $node"
		./kvm_ext_bench_ioctl_floor --peer "$node"
		./kvm_ext_bench_vgic_regs --peer "$node"
		./kvm_ext_bench_arm64_snapshot --peer "$node"
		./kvm_ext_bench_dirty_log --peer "$node"
		# shellcheck disable=SC2086 # DEVS EVENTS, two words
		./kvm_ext_bench_vgic_its --peer "$node" 3 $its
	done
	rep=$((rep + 1))
done
rmmod kvm_ext
