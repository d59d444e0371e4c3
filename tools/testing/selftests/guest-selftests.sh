#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the kernel's KVM selftests (scripts/kvm-selftests.sh --run),
# in the arm64 guest (busybox sh) with /opt/kvm_ext/stage holding the
# static tests and tests.list. Each test runs first against the guest
# kernel's real /dev/kvm, then, after insmod kvm_ext.ko and
# `mount --bind /dev/kvm_ext/arm64 /dev/kvm` (the tests open the hard-coded
# KVM_DEV_PATH "/dev/kvm"), against kvm_ext.
#
# Per test and device one line for scripts/run-suite.sh:
#   PASS: selftests DEV TEST ...   counted as passed
#   FAIL: selftests DEV TEST ...   counted as failed
#   SKIP: selftests DEV TEST ...   neither (with the reason)
# and a "# result DEV TEST exit=N secs=S class=C: first assertion line"
# record. DEV is kvm (real KVM) or kvm_ext. The rules:
#   - real KVM: exit 0 passes, 4 (KSFT_SKIP) skips, anything else fails,
#     unless real_known() below names that failure (Debian's 6.1 itself
#     fails the test here, with that exit status), which is a skip with the
#     reason.
#   - kvm_ext, an "ioctl" test (needs no guest code): exit 0 passes; a skip
#     where real KVM did not skip fails (kvm_ext lacks something real KVM
#     has); anything else fails.
#   - kvm_ext, a "guest" test (needs guest code to run): never a pass. It
#     is a skip ("needs guest code") when it reached KVM_RUN and waits there
#     (kvm_ext has no guest code: its vCPU idles until a signal), seen in
#     /proc/PID/task/*/syscall as ioctl(fd, KVM_RUN); the test is killed
#     then. One that waited in KVM_RUN and then gave up on the guest itself
#     (a timed wait for the vCPU) is the same skip, and so is one that
#     exits 0 without having run its vCPU. Where expected_runs() lists what
#     the test's KVM_RUN calls must return before that (it checks them),
#     the returns the syscall trace saw must be those. Any other ending (an
#     assertion in its setup ioctls, a skip where real KVM did not skip)
#     fails.
#   - kvm_ext, at the end: its allocation counter back to 0, rmmod (one
#     more line, "cleanup").

cd /opt/kvm_ext 2>/dev/null || cd "$(dirname "$0")" || exit 1
stage=/opt/kvm_ext/stage

# Per-test limits (s): the real KVM runs are nested KVM under TCG.
TIMEOUT_REAL=${SELFTESTS_TIMEOUT:-120}
TIMEOUT_EXT=${SELFTESTS_TIMEOUT_EXT:-60}
# How long a thread must stay in KVM_RUN before a guest test is taken to
# wait there (s).
RUN_WAIT=1

# limit_of DEV TEST: its time limit.
limit_of() {
	case $2 in
	rseq_test) echo 20 ;;
	# 35-107 s and 51-101 s on real KVM here.
	set_memory_region_test | dirty_log_test) echo 300 ;;
	*) if [ "$1" = kvm_ext ]; then echo "$TIMEOUT_EXT"; else echo "$TIMEOUT_REAL"; fi ;;
	esac
}

# Arguments, where the defaults take minutes under TCG: fewer iterations,
# less memory, one vCPU, one guest mode (dirty_log_test -m 2: 4K pages,
# 48-bit PA; 3 iterations, its minimum); memslot_perf_test capped at 32
# slots and without its last test (5, RW), whose alarm(2) kills it when
# the guest answers late, as it does under TCG; arch_timer with a 100 ms
# period (with 10 ms it missed its 100 us margin in 7 runs of 8 here).
args_of() {
	case $1 in
	aarch64/arch_timer) echo "-n 1 -i 2 -m 0 -p 100" ;;
	aarch64/debug-exceptions) echo "-i 1" ;;
	demand_paging_test) echo "-v 1 -b 4M" ;;
	dirty_log_test) echo "-i 3 -I 10 -m 2" ;;
	dirty_log_perf_test) echo "-i 2 -v 1 -b 4M" ;;
	kvm_page_table_test) echo "-v 1 -b 4M" ;;
	memslot_modification_stress_test) echo "-i 2 -v 1 -b 4M" ;;
	memslot_perf_test) echo "-s 32 -l 1 -r 1 -e 4" ;;
	esac
}

# ioctl: needs only ioctls. guest: needs guest code (calls vcpu_run and
# expects the guest to execute).
class_of() {
	case $1 in
	aarch64/get-reg-list | aarch64/vcpu_width_config | kvm_create_max_vcpus | \
		kvm_binary_stats_test | set_memory_region_test)
		echo ioctl ;;
	*) echo guest ;;
	esac
}

# expected_runs TEST: what a guest test's KVM_RUN calls must return on
# kvm_ext up to the first one that needs the guest, where the test checks
# them (vgic_init: the refused first runs, 6.1's frame checks: -EINVAL
# twice, -ENXIO, -EBUSY; then test_v3_new_redist_regions' third step runs
# vCPU 3 and expects it to return 0, which takes guest code).
expected_runs() {
	case $1 in
	aarch64/vgic_init) echo "-22 -22 -6 -16 wait" ;;
	esac
}

# real_known TEST CODE LOG: why Debian's 6.1 fails TEST here on real KVM
# with exit status CODE and that failure in its output LOG, if it is known
# to.
real_known() {
	case $1:$2 in
	aarch64/arch_timer:254)
		grep -q 'Failed guest assert: config_iter + 1 == irq_iter' "$3" &&
			echo "at times a timer interrupt reaches the nested guest later than the test's 100 us margin under TCG (guest assert config_iter + 1 == irq_iter)" ;;
	aarch64/vgic_init:254)
		grep -q 'KVM_SET_USER_MEMORY_REGION failed, rc: -1 errno: 5' "$3" &&
			echo "6.1.192's kvm_vgic_map_resources() marks the VM dead when the first KVM_RUN finds the frames wrong (a stable backport), and 6.1's test then gets EIO from KVM_SET_USER_MEMORY_REGION as it frees the VM" ;;
	rseq_test:124)
		echo "its 100000 task migrations take minutes under TCG; it has no option to shorten them" ;;
	esac
}

# first_line LOG: the first line saying why the test ended.
first_line() {
	awk '
		/==== Test Assertion Failure ====/ { getline; sub(/^ +/, ""); a = $0; getline
			sub(/^ +/, ""); print a " (" $0 ")"; found = 1; exit }
		/# SKIP|, skipping test/ { print; found = 1; exit }
	' "$1"
}

# in_kvm_run PID: some thread of PID is in ioctl(, KVM_RUN) (arm64
# syscall 29, KVM_RUN = 0xae80).
in_kvm_run() {
	for s in /proc/"$1"/task/*/syscall; do
		# shellcheck disable=SC2046 # the fields of the file
		set -- $(cat "$s" 2>/dev/null)
		[ "${1:-}" = 29 ] && [ "${3:-}" = 0xae80 ] && return 0
	done
	return 1
}

# The KVM_RUN calls of a test on kvm_ext and what each returned, from the
# syscall trace events (tracefs): "runs" is the list of returns, a
# negative errno or 0, and "wait" for a call still in progress.
TRACE=/sys/kernel/tracing
trace_start() {
	[ -d "$TRACE/events/syscalls" ] || mount -t tracefs nodev "$TRACE" 2>/dev/null
	[ -w "$TRACE/events/syscalls/sys_enter_ioctl/filter" ] || return 0
	echo 0 >"$TRACE/tracing_on"
	echo >"$TRACE/trace"
	echo 'cmd == 0xae80' >"$TRACE/events/syscalls/sys_enter_ioctl/filter"
	echo 1 >"$TRACE/events/syscalls/sys_enter_ioctl/enable"
	echo 1 >"$TRACE/events/syscalls/sys_exit_ioctl/enable"
	echo 1 >"$TRACE/tracing_on"
}
trace_stop() {
	[ -w "$TRACE/tracing_on" ] && echo 0 >"$TRACE/tracing_on"
	return 0
}
trace_runs() {
	[ -w "$TRACE/events/syscalls/sys_enter_ioctl/filter" ] || {
		echo "(no syscall trace events)"
		return 0
	}
	trace_stop
	echo 0 >"$TRACE/events/syscalls/sys_enter_ioctl/enable"
	echo 0 >"$TRACE/events/syscalls/sys_exit_ioctl/enable"
	# Pairs each thread's KVM_RUN entry with that thread's next ioctl exit.
	awk '
		/sys_ioctl\(fd:/ { match($0, /-[0-9]+ +\[/); tid = substr($0, RSTART + 1, RLENGTH - 2) + 0
			open[tid] = 1; order[++n] = tid; slot[tid] = n; res[n] = "wait"; next }
		/sys_ioctl -> / { match($0, /-[0-9]+ +\[/); tid = substr($0, RSTART + 1, RLENGTH - 2) + 0
			if (!open[tid]) next
			open[tid] = 0; v = $NF; sub(/^0x/, "", v)
			# A negative errno is 0xffffffffffffffXX, beyond a double.
			neg = length(v) == 16 && substr(v, 1, 8) == "ffffffff"
			if (neg) v = substr(v, 9)
			r = 0; for (i = 1; i <= length(v); i++) r = r * 16 + index("0123456789abcdef", substr(v, i, 1)) - 1
			res[slot[tid]] = neg ? r - 4294967296 : r }
		END { s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? " " : "") res[i]; print (n ? s : "none") }
	' "$TRACE/trace"
}

# run_one DEV TEST: runs it, sets $code (exit status; 124 = timeout,
# 125 = waiting in KVM_RUN, killed), $secs, $why.
run_one() {
	dev=$1 t=$2
	log=/tmp/selftest.log
	limit=$(limit_of "$dev" "$t")
	guest=
	[ "$dev" = kvm_ext ] && [ "$(class_of "$t")" = guest ] && guest=1
	[ -n "$guest" ] && trace_start
	# shellcheck disable=SC2046
	"$stage/$(echo "$t" | tr / _)" $(args_of "$t") >"$log" 2>&1 &
	pid=$!
	start=$(date +%s)
	ticks=0 inrun=0 code='' seen_run=
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$guest" ] && in_kvm_run "$pid"; then
			inrun=$((inrun + 1))
			seen_run=1
			if [ "$inrun" -gt $((RUN_WAIT * 5)) ]; then
				# Not traced: the killed call's -EINTR.
				trace_stop
				kill -9 "$pid"
				wait "$pid"
				code=125
				break
			fi
		else
			inrun=0
		fi
		if [ "$ticks" -ge $((limit * 5)) ]; then
			trace_stop
			kill -9 "$pid"
			wait "$pid"
			code=124
			break
		fi
		sleep 0.2
		ticks=$((ticks + 1))
	done
	if [ -z "$code" ]; then
		wait "$pid"
		code=$?
	fi
	secs=$(($(date +%s) - start))
	runs=
	[ -n "$guest" ] && runs=$(trace_runs)
	why=$(first_line "$log")
	echo "# ---- $dev $t $(args_of "$t"): exit $code, ${secs}s"
	sed 's/^/#   /' "$log" | head -40
}

rc=0
report() {
	echo "$1: selftests $2 $3${4:+: $4}"
	[ "$1" = FAIL ] && rc=1
}

# SELFTESTS_ONLY="T1 T2" (qemu-run.sh --env) runs only those.
tests=${SELFTESTS_ONLY:-$(cat "$stage/tests.list")} || exit 1

# Real KVM.
[ -c /dev/kvm ] || {
	echo "FAIL: selftests: no /dev/kvm in the guest"
	exit 1
}
for t in $tests; do
	run_one kvm "$t"
	echo "# result kvm $t exit=$code secs=$secs class=$(class_of "$t"): $why"
	eval "real_code_$(echo "$t" | tr /- __)=$code"
	known=$(real_known "$t" "$code" "$log")
	case $code in
	0) report PASS kvm "$t" ;;
	4) report SKIP kvm "$t" "$why" ;;
	*)
		if [ -n "$known" ]; then
			report SKIP kvm "$t" "fails on Debian's 6.1 here (exit $code): $known"
		elif [ "$code" = 124 ]; then
			report FAIL kvm "$t" "timed out after ${limit}s"
		else
			report FAIL kvm "$t" "exit $code: $why"
		fi
		;;
	esac
done

# kvm_ext, emulating the host real KVM offers.
params=$("$stage/kvm_host_probe" /dev/kvm) || {
	echo "FAIL: selftests: kvm_host_probe /dev/kvm"
	exit 1
}
echo "# insmod kvm_ext.ko $params"
# shellcheck disable=SC2086
insmod ./kvm_ext.ko $params || {
	echo "FAIL: selftests: insmod kvm_ext.ko"
	exit 1
}
i=0
while [ ! -c /dev/kvm_ext/arm64 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
mount --bind /dev/kvm_ext/arm64 /dev/kvm || {
	echo "FAIL: selftests: mount --bind /dev/kvm_ext/arm64 /dev/kvm"
	exit 1
}
# Both major:minor, which must now agree.
echo "# /dev/kvm is $(stat -c %t:%T /dev/kvm), /dev/kvm_ext/arm64 $(stat -c %t:%T /dev/kvm_ext/arm64)"
[ "$(stat -c %t:%T /dev/kvm)" = "$(stat -c %t:%T /dev/kvm_ext/arm64)" ] || {
	echo "FAIL: selftests: /dev/kvm is not kvm_ext's node after the bind mount"
	exit 1
}
for t in $tests; do
	run_one kvm_ext "$t"
	class=$(class_of "$t")
	echo "# result kvm_ext $t exit=$code secs=$secs class=$class${runs:+ KVM_RUN=[$runs]}: $why"
	want=$(expected_runs "$t")
	real=
	eval "real=\$real_code_$(echo "$t" | tr /- __)"
	if [ "$class" = ioctl ]; then
		case $code in
		0) report PASS kvm_ext "$t" ;;
		4)
			if [ "$real" = 4 ]; then
				report SKIP kvm_ext "$t" "$why (as on real KVM)"
			else
				report FAIL kvm_ext "$t" "skipped where real KVM did not: $why"
			fi
			;;
		124) report FAIL kvm_ext "$t" "timed out after ${limit}s" ;;
		*) report FAIL kvm_ext "$t" "exit $code: $why" ;;
		esac
	else
		case $code in
		125)
			if [ -n "$want" ] && [ "$runs" != "$want" ]; then
				report FAIL kvm_ext "$t" "KVM_RUN returned $runs, the test expects $want"
			else
				report SKIP kvm_ext "$t" "needs guest code: its setup passed, it waits in KVM_RUN (KVM_RUN: $runs)"
			fi
			;;
		4)
			if [ "$real" = 4 ]; then
				report SKIP kvm_ext "$t" "$why (as on real KVM)"
			else
				report FAIL kvm_ext "$t" "skipped where real KVM did not: $why"
			fi
			;;
		0)
			# memslot_modification_stress_test's vCPU thread can
			# find the test over before its first KVM_RUN.
			report SKIP kvm_ext "$t" "needs guest code: exit 0, but no guest code ran (KVM_RUN: $runs)"
			;;
		124) report FAIL kvm_ext "$t" "timed out after ${limit}s, not in KVM_RUN" ;;
		*)
			# Waited in KVM_RUN, then gave up on the guest itself.
			if [ -n "$seen_run" ]; then
				report SKIP kvm_ext "$t" "needs guest code: waited in KVM_RUN, then exit $code: $why"
			else
				report FAIL kvm_ext "$t" "exit $code before waiting in KVM_RUN: $why"
			fi
			;;
		esac
	fi
done
# Every test was killed or exited with its VMs open: kvm_ext must have
# freed them all, and unload.
umount /dev/kvm
dbg=/sys/kernel/debug/kvm_ext
sleep 1
allocs=$(cat "$dbg/allocations" 2>/dev/null)
vms=$(cat "$dbg/vms" 2>/dev/null)
if [ "$allocs" != 0 ] || { [ -n "$vms" ] && [ "$vms" != 0 ]; }; then
	report FAIL kvm_ext cleanup "allocations=$allocs vms=$vms after the tests (expected 0)"
elif ! rmmod kvm_ext; then
	report FAIL kvm_ext cleanup "rmmod kvm_ext"
else
	report PASS kvm_ext cleanup "allocations 0, rmmod"
fi
exit $rc
