#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own KVM selftests (Debian's linux-source-6.1,
# tools/testing/selftests/kvm), cross-built for arm64, statically linked
# for the busybox initramfs, and run under scripts/qemu-run.sh --arch arm64
# against the guest kernel's real /dev/kvm and then against kvm_ext.
#
# usage: scripts/kvm-selftests.sh --build | --run [qemu-run.sh options]
#
#   --build  build the tests (6.1's TEST_GEN_PROGS_aarch64) into
#            build/arm64/selftests/bin, stripped copies in .../stage;
#            prints the stage directory
#   --run    --build, then boot the arm64 guest with kvm_ext.ko (make
#            ARCH=arm64 module first) and tools/testing/selftests/
#            guest-selftests.sh; its PASS:/FAIL:/SKIP: lines are what
#            scripts/run-suite.sh counts. The guest output is printed at
#            the end (build/arm64/selftests/run.out; run.live is QEMU's
#            stdout as it runs, console.log the console). Other arguments
#            go to qemu-run.sh (--timeout, --env)
#
# Nothing is written into the source tree (the cached extraction of
# scripts/kernel-source.sh) or the repository outside build/: the uapi
# headers come from `make headers` with O=build/arm64/selftests/kbuild,
# the objects go to OUTPUT=build/arm64/selftests/bin, try-run's temporary
# files to TMPOUT. Two fix-ups make 6.1.y's selftests build for arm64:
# its aarch64/vgic_init.c includes <linux/bitfield.h>, which 6.1's
# tools/include lacks (a copy of the kernel's FIELD_* macros, without the
# kernel-only typed helpers, goes to build/.../compat), and its
# dirty_log_test.c uses TEST_ASSERT_EQ, a stable backport whose macro is
# not in 6.1's test_util.h (-DTEST_ASSERT_EQ=ASSERT_EQ, the same check).
# Both builds are incremental; a rebuild with nothing changed takes ~1 s.
set -euo pipefail

prog=${0##*/}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/arm64/selftests
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}

die() {
	echo "$prog: error: $*" >&2
	exit 1
}
usage() {
	sed -n '/^# usage:/,/^# Nothing/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
	exit "$1"
}

build() {
	local src kvm hdr
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc missing (scripts/deps.sh)"
	src=$("$root/scripts/kernel-source.sh")
	kvm=$src/tools/testing/selftests/kvm
	[ -f "$kvm/Makefile" ] || die "$kvm missing"
	mkdir -p "$out/compat/linux" "$out/tmp"

	make -s -C "$src" O="$out/kbuild" ARCH=arm64 CROSS_COMPILE="$cross" headers >&2
	hdr=$out/kbuild/usr
	[ -f "$hdr/include/asm/kvm.h" ] || die "make headers left no $hdr/include/asm/kvm.h"

	local bf=$out/compat/linux/bitfield.h
	if [ ! -f "$bf" ] || [ "$src/include/linux/bitfield.h" -nt "$bf" ]; then
		{
			sed '/^extern void __compiletime_error("value doesn/,$d' \
				"$src/include/linux/bitfield.h"
			echo '#endif'
		} >"$bf.tmp"
		grep -q 'define FIELD_PREP' "$bf.tmp" || die "no FIELD_PREP in $bf.tmp"
		mv "$bf.tmp" "$bf"
	fi

	make -s -C "$kvm" -j"$(nproc)" ARCH=arm64 CROSS_COMPILE="$cross" \
		OUTPUT="$out/bin" INSTALL_HDR_PATH="$hdr" TMPOUT="$out/tmp" \
		KHDR_INCLUDES="-isystem $hdr/include" \
		EXTRA_CFLAGS="-static -I$out/compat -DTEST_ASSERT_EQ=ASSERT_EQ" >&2

	# The test list, as 6.1's Makefile builds it for aarch64.
	local tests
	tests=$(sed -nE 's/^TEST_GEN_PROGS_aarch64 \+?= *([^ ]+) *$/\1/p' "$kvm/Makefile" | tr '\n' ' ')
	[ -n "$tests" ] || die "empty TEST_GEN_PROGS_aarch64"

	# Stripped copies for the initramfs (25 MB with debug info, 9 without).
	local t
	mkdir -p "$out/stage"
	for t in $tests; do
		local from=$out/bin/$t to=$out/stage/${t//\//_}
		[ -x "$from" ] || die "$from was not built"
		if [ ! -f "$to" ] || [ "$from" -nt "$to" ]; then
			"${cross}strip" -o "$to" "$from"
		fi
	done
	echo "$tests" | tr ' ' '\n' >"$out/stage/tests.list"

	# What the guest's real KVM offers, as kvm_ext's module parameters.
	local probe=$root/tools/testing/selftests/host_probe.c
	if [ ! -f "$out/stage/kvm_host_probe" ] || [ "$probe" -nt "$out/stage/kvm_host_probe" ]; then
		"${cross}gcc" -static -O2 -Wall -Wextra -Werror -isystem "$hdr/include" \
			-o "$out/stage/kvm_host_probe" "$probe" >&2
		"${cross}strip" "$out/stage/kvm_host_probe"
	fi
	echo "$out/stage"
}

case ${1:-} in
--build)
	build
	;;
--run)
	shift
	stage=$(build)
	ko=$root/build/arm64/module/kvm_ext.ko
	[ -f "$ko" ] || die "$ko missing (make ARCH=arm64 module)"
	# qemu-run.sh echoes an arm64 guest's output twice on stdout (live,
	# then replayed from the console), which would count every line twice:
	# its stdout goes to run.live (tail -f it to follow a run), and the
	# guest output (--out) is printed once, at the end.
	rm -f "$out/run.out"
	rc=0
	"$root/scripts/qemu-run.sh" --arch arm64 --timeout 900 "$@" \
		--out "$out/run.out" --log "$out/console.log" \
		--script "$root/tools/testing/selftests/guest-selftests.sh" \
		"$ko" "$stage" >"$out/run.live" || rc=$?
	cat "$out/run.out" 2>/dev/null
	exit "$rc"
	;;
-h | --help) usage 0 ;;
*) usage 2 >&2 ;;
esac
