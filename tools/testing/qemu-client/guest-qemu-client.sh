#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest half of the qemu-client suite (busybox sh, in the nested arm64 guest
# of scripts/qemu-run.sh --arch arm64): Debian's arm64 QEMU as a client of
# real KVM and of kvm_ext. For each backend it starts
#   qemu-system-aarch64 -accel kvm -M virt,gic-version=3,its=on -smp 2
#       -cpu host,sve=on,pauth=on -m 128 -S -nographic
# drives it over QMP (a pipe chardev, /tmp/qmp-*.in/.out), migrates it to a
# file and quits. kvm_ext gets the path QEMU opens, /dev/kvm, through a bind
# mount of /dev/kvm_ext/arm64 over it. The migration files are printed gzip'd
# and base64'd between @@MIG name@@ markers for the host to compare
# (tools/testing/qemu-client/migcompare.py).
#
# Then the restore path: each file is loaded into a second QEMU on the same
# backend (-incoming, -S) and migrated out again (kvm2, kvm_ext2).
# QC_CROSS=1 also loads real KVM's file into QEMU on kvm_ext and kvm_ext's
# into QEMU on real KVM, with ioctl_log.so (a diagnostic: the hosts' GIC and ID
# registers differ, and each side refuses the other's).
#
# With ./lpi-counter.elf present, the first boot also runs the round trip's
# source: lpi-counter on real KVM, migrated live to /tmp/rt-a. QC_PHASE=rt-b
# (second boot) loads ./rt-a-ext into QEMU on kvm_ext (-incoming, -S) and
# saves it again; QC_PHASE=rt-c (third boot) loads ./rt-b-kvm into QEMU on
# real KVM and checks that the guest goes on counting and taking LPIs.
# scripts/qemu-client.sh transplants the host identities in between.
#
# Every step prints one PASS:/FAIL: line.
# shellcheck disable=SC3045  # read -t: busybox sh has it

R=/opt/kvm_ext/qemu-rootfs
LD=$R/lib/ld-linux-aarch64.so.1
QEMU="$LD --library-path $R/lib/aarch64-linux-gnu $R/usr/bin/qemu-system-aarch64"
STRACE="$LD --library-path $R/lib/aarch64-linux-gnu $R/usr/bin/strace"
CPU=${QC_CPU:-host,sve=on,pauth=on}
status=0

pass() { echo "PASS: $*"; }
fail() {
	echo "FAIL: $*"
	status=1
}

# qmp_send NAME JSON: sends one command and prints the first "return" or
# "error" line (events are skipped). Fails after 120 s without one.
qmp_send() {
	printf '%s\n' "$2" >&5
	n=0
	while [ $n -lt 1200 ]; do
		if IFS= read -r -t 1 line <&6; then
			case $line in
			*'"return"'* | *'"error"'*)
				printf '%s\n' "$line"
				return 0
				;;
			esac
		else
			n=$((n + 10))
			kill -0 "$qpid" 2>/dev/null || break
		fi
	done
	echo '{"error": "no QMP answer"}'
	return 1
}

# start_qemu NAME EXTRA...: starts QEMU (in the background, pid in $qpid)
# with its QMP on /tmp/qmp-NAME.{in,out}; $QC_STRACE=NAME runs it under strace.
start_qemu() {
	name=$1
	shift
	rm -f "/tmp/qmp-$name.in" "/tmp/qmp-$name.out"
	mkfifo "/tmp/qmp-$name.in" "/tmp/qmp-$name.out"
	pre='' qemu=$QEMU
	[ "${QC_STRACE:-}" = "$name" ] && pre="$STRACE -f -o /tmp/strace-$name.log"
	# ioctl_log.so prints the failing ONE_REG and DEVICE_ATTR calls
	[ "${QC_IOCTL_LOG:-}" = "$name" ] && [ -f ./ioctl_log.so ] &&
		qemu="$LD --library-path $R/lib/aarch64-linux-gnu --preload ./ioctl_log.so $R/usr/bin/qemu-system-aarch64"
	# shellcheck disable=SC2086  # word splitting of $pre/$qemu intended
	$pre $qemu -accel kvm -M virt,gic-version=3,its=on -smp 2 -cpu "$CPU" -m 128 -S \
		-nodefaults -nographic -serial file:/tmp/serial-$name.log \
		-chardev pipe,id=qmp0,path=/tmp/qmp-$name -mon chardev=qmp0,mode=control \
		"$@" >"/tmp/qemu-$name.log" 2>&1 </dev/null &
	qpid=$!
	exec 5<>"/tmp/qmp-$name.in" 6<>"/tmp/qmp-$name.out"
	if ! IFS= read -r -t 60 greet <&6; then
		echo "no QMP greeting from QEMU ($name)"
		return 1
	fi
	case $greet in *QMP*) ;; *)
		echo "unexpected QMP greeting: $greet"
		return 1
		;;
	esac
	r=$(qmp_send "$name" '{"execute":"qmp_capabilities"}')
	case $r in *'"return"'*) return 0 ;; esac
	echo "qmp_capabilities: $r"
	return 1
}

# stop_qemu: quit and reap it; prints its log.
stop_qemu() {
	qmp_send "$name" '{"execute":"quit"}' >/dev/null 2>&1
	n=0
	while kill -0 "$qpid" 2>/dev/null && [ $n -lt 30 ]; do
		sleep 1
		n=$((n + 1))
	done
	kill -9 "$qpid" 2>/dev/null
	wait "$qpid"
	exec 5>&- 6<&-
	if [ -s "/tmp/qemu-$name.log" ]; then
		echo "--- QEMU ($name) output:"
		cat "/tmp/qemu-$name.log"
		echo "---"
	fi
	return 0
}

# migrate_out NAME FILE: migrates to FILE and waits for "completed".
migrate_out() {
	rm -f "$2"
	r=$(qmp_send "$1" "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"exec:cat > $2\"}}")
	case $r in *'"return"'*) ;; *)
		echo "migrate: $r"
		return 1
		;;
	esac
	n=0
	while [ $n -lt 300 ]; do
		r=$(qmp_send "$1" '{"execute":"query-migrate"}')
		case $r in
		*'"status": "completed"'*) return 0 ;;
		*'"status": "failed"'* | *'"status": "cancelled"'* | *'"error"'*)
			echo "query-migrate: $r"
			return 1
			;;
		esac
		sleep 1
		n=$((n + 1))
	done
	echo "query-migrate: still not completed after 300 s: $r"
	return 1
}

dump_file() {
	echo "@@MIG $1 $(wc -c <"$2")@@"
	gzip -9 -c "$2" | base64
	echo "@@MIG_END $1@@"
}

# setup_and_save NAME: the setup + save sequence for one backend.
setup_and_save() {
	if ! start_qemu "$1"; then
		fail "QEMU ($1) started and answered QMP"
		stop_qemu
		return 1
	fi
	pass "QEMU ($1) got through its KVM setup (vCPU init/finalize, GICv3 + ITS) and answered QMP"
	r=$(qmp_send "$1" '{"execute":"query-status"}')
	case $r in *'"status": "prelaunch"'*) pass "QEMU ($1) is paused (prelaunch)" ;;
	*) fail "QEMU ($1) query-status: $r" ;; esac
	r=$(qmp_send "$1" '{"execute":"query-cpu-model-expansion","arguments":{"type":"full","model":{"name":"host"}}}')
	case $r in
	*'"sve": true'*'"pauth": true'* | *'"pauth": true'*'"sve": true'*)
		pass "QEMU ($1): -cpu host has SVE (up to $(echo "$r" | grep -o '"sve[0-9][0-9]*": true' | grep -o '[0-9][0-9]*' | sort -n | tail -n 1) bits) and pointer authentication"
		;;
	*) fail "QEMU ($1): -cpu host without SVE or pointer authentication: $r" ;;
	esac
	if migrate_out "$1" "/tmp/mig-$1"; then
		pass "QEMU ($1) migrated its state to a file (dirty logging, register lists, GIC/ITS save)"
	else
		fail "QEMU ($1) migration to a file"
		stop_qemu
		return 1
	fi
	stop_qemu
	dump_file "$1" "/tmp/mig-$1"
}

# incoming_and_save NAME SRC DST [run]: a QEMU on the current /dev/kvm loads
# SRC (-incoming, -S: it stays paused), then migrates out to DST; with "run"
# it is continued first, and the migration stops it.
incoming_and_save() {
	if ! start_qemu "$1" -incoming "exec:cat $2"; then
		fail "QEMU ($1) started for the incoming migration"
		stop_qemu
		return 1
	fi
	n=0
	r=''
	while [ $n -lt 300 ] && kill -0 "$qpid" 2>/dev/null; do
		r=$(qmp_send "$1" '{"execute":"query-status"}')
		case $r in *'"status": "inmigrate"'*) ;; *) break ;; esac
		sleep 1
		n=$((n + 1))
	done
	case $r in
	*'"status": "prelaunch"'* | *'"status": "paused"'*)
		pass "QEMU ($1) loaded $2 and stays paused: $(echo "$r" | sed 's/.*"status": "\([a-z-]*\)".*/\1/')"
		;;
	*)
		fail "QEMU ($1) loading $2: ${r:-QEMU exited}"
		stop_qemu
		return 1
		;;
	esac
	if [ "${4:-}" = run ]; then
		# Running: the vCPUs idle in KVM_RUN; the migration then stops
		# the VM, which is when QEMU has the GIC write its pending
		# tables and the ITS its tables into guest RAM (SAVE_PENDING_TABLES,
		# SAVE_TABLES), with dirty logging on.
		qmp_send "$1" '{"execute":"cont"}' >/dev/null
		sleep 2
		r=$(qmp_send "$1" '{"execute":"query-status"}')
		case $r in
		*'"status": "running"'*) pass "QEMU ($1) runs the loaded state (its vCPUs in KVM_RUN)" ;;
		*) fail "QEMU ($1) after cont: $r" ;;
		esac
	fi
	if migrate_out "$1" "$3"; then
		pass "QEMU ($1) migrated the loaded state out again"
	else
		fail "QEMU ($1) migrating the loaded state out again"
		stop_qemu
		return 1
	fi
	stop_qemu
	dump_file "$1" "$3"
}

# guest_vars NAME: the lpi-counter's four words (count, LPIs taken, INTs
# queued, magic), read through HMP's xp.
guest_vars() {
	qmp_send "$1" '{"execute":"human-monitor-command","arguments":{"command-line":"xp /4xg 0x40300000"}}' |
		sed -n 's/.*"return": "[0-9a-f]*: \(0x[0-9a-f]*\) \(0x[0-9a-f]*\)\\r\\n[0-9a-f]*: \(0x[0-9a-f]*\) \(0x[0-9a-f]*\).*/\1 \2 \3 \4/p'
}

# The round trip, phase 1: lpi-counter runs on real KVM, is migrated
# live to /tmp/rt-a.
roundtrip_source() {
	if ! start_qemu rt_a -kernel ./lpi-counter.elf; then
		fail "QEMU (rt_a) started with lpi-counter"
		stop_qemu
		return 1
	fi
	qmp_send rt_a '{"execute":"cont"}' >/dev/null
	n=0
	v=''
	while [ $n -lt 60 ]; do
		sleep 1
		v=$(guest_vars rt_a)
		# shellcheck disable=SC2086  # split into the four words
		set -- $v
		[ $# -eq 4 ] && [ "$4" = 0x4c5049434f554e54 ] && [ $(($2)) -gt 2 ] && break
		n=$((n + 1))
	done
	if [ $n -lt 60 ]; then
		pass "lpi-counter runs on real KVM and takes LPIs through the ITS (count $1, LPIs $2, INTs $3)"
	else
		fail "lpi-counter on real KVM: no LPIs after 60 s (vars: $v)"
		stop_qemu
		return 1
	fi
	if migrate_out rt_a /tmp/rt-a; then
		pass "QEMU (rt_a) migrated the running guest live to a file"
	else
		fail "QEMU (rt_a) live migration to a file"
		stop_qemu
		return 1
	fi
	v=$(guest_vars rt_a)
	echo "# rt_a after the migration: $v"
	stop_qemu
	dump_file rt-a /tmp/rt-a
}

# Phase 3: the state back on real KVM, paused; it must go on counting.
roundtrip_sink() {
	if ! start_qemu rt_c -incoming "exec:cat $1"; then
		fail "QEMU (rt_c) started for the incoming migration"
		stop_qemu
		return 1
	fi
	n=0
	while [ $n -lt 60 ]; do
		r=$(qmp_send rt_c '{"execute":"query-status"}')
		case $r in *'"status": "inmigrate"'*) ;; *) break ;; esac
		sleep 1
		n=$((n + 1))
	done
	v0=$(guest_vars rt_c)
	case $r in
	*'"status": "prelaunch"'* | *'"status": "paused"'*)
		pass "QEMU (rt_c) on real KVM loaded the state back from kvm_ext (vars $v0)"
		;;
	*)
		fail "QEMU (rt_c) on real KVM loading the state back: $r"
		stop_qemu
		return 1
		;;
	esac
	qmp_send rt_c '{"execute":"cont"}' >/dev/null
	sleep 5
	v1=$(guest_vars rt_c)
	# shellcheck disable=SC2086  # split into the four words
	set -- $v0
	c0=$(($1)) l0=$(($2))
	# shellcheck disable=SC2086  # split into the four words
	set -- $v1
	if [ $# -eq 4 ] && [ $(($1)) -gt "$c0" ] && [ $(($2)) -gt "$l0" ]; then
		pass "lpi-counter keeps counting and taking LPIs on real KVM after the kvm_ext hop ($v0 -> $v1)"
	else
		fail "lpi-counter after the kvm_ext hop: $v0 -> $v1"
	fi
	stop_qemu
}

mkdir -p /tmp
case ${QC_PHASE:-main} in
rt-b)
	insmod ./kvm_ext.ko && mount --bind /dev/kvm_ext/arm64 /dev/kvm || exit 1
	QC_IOCTL_LOG=rt_b incoming_and_save rt_b ./rt-a-ext /tmp/rt-b "${QC_RTB_MODE:-run}"
	# ioctl_log.so's record of the control calls: the ITS restored its
	# tables (2), and the stop saved them (1) and the pending tables (3)
	ctl=$(sed -n 's/^ioctl_log: KVM_SET_DEVICE_ATTR fd [0-9]* group 4 (CTRL) attr \([0-9]*\): \(.*\)$/\1=\2/p' /tmp/qemu-rt_b.log | tr '\n' ' ')
	case " $ctl" in
	*" 2=0 "*"1=0 "*"3=0 "*)
		pass "kvm_ext: ITS RESTORE_TABLES, then at the stop ITS SAVE_TABLES and GIC SAVE_PENDING_TABLES succeeded (CTRL calls: $ctl)"
		;;
	*) fail "kvm_ext: the GIC/ITS control calls of the hop: $ctl" ;;
	esac
	umount /dev/kvm
	exit $status
	;;
rt-c)
	roundtrip_sink ./rt-b-kvm
	exit $status
	;;
esac
[ -c /dev/kvm ] || {
	echo "FAIL: no /dev/kvm in the arm64 guest"
	exit 1
}
grep -m1 -E '^Features' /proc/cpuinfo

setup_and_save kvm
[ -f ./lpi-counter.elf ] && roundtrip_source
# The same restore hop on real KVM, for comparison with kvm_ext's below.
incoming_and_save kvm2 /tmp/mig-kvm /tmp/mig-kvm2

if insmod ./kvm_ext.ko; then
	pass "insmod kvm_ext.ko"
else
	fail "insmod kvm_ext.ko"
	exit 1
fi
n=0
while [ ! -c /dev/kvm_ext/arm64 ] && [ $n -lt 10 ]; do
	sleep 1
	n=$((n + 1))
done
if mount --bind /dev/kvm_ext/arm64 /dev/kvm; then
	pass "/dev/kvm_ext/arm64 bound over /dev/kvm"
else
	fail "mount --bind /dev/kvm_ext/arm64 /dev/kvm"
	exit 1
fi
if ! setup_and_save kvm_ext && [ -z "${QC_STRACE:-}" ]; then
	echo "--- rerunning under strace"
	QC_STRACE=kvm_ext start_qemu kvm_ext
	stop_qemu
	grep -n -E 'ioctl\(.*= -1' /tmp/strace-kvm_ext.log | head -20
	tail -n 40 /tmp/strace-kvm_ext.log
fi
# The restore path: kvm_ext's saved state into another QEMU on kvm_ext
# (every register, GIC and ITS state set back), saved again.
incoming_and_save kvm_ext2 /tmp/mig-kvm_ext /tmp/mig-kvm_ext2
# QC_CROSS=1: real KVM's state into QEMU on kvm_ext (under strace), which
# the emulated host's ID registers refuse; diagnostic only.
if [ "${QC_CROSS:-0}" = 1 ]; then
	QC_IOCTL_LOG=cross incoming_and_save cross /tmp/mig-kvm /tmp/mig-cross
fi
umount /dev/kvm
# QC_CROSS=1, the other way: kvm_ext's state into QEMU on real KVM.
if [ "${QC_CROSS:-0}" = 1 ]; then
	QC_IOCTL_LOG=cross2 incoming_and_save cross2 /tmp/mig-kvm_ext /tmp/mig-cross2
fi
exit $status
