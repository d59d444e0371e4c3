#!/bin/bash
# The check functions are called through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
# SPDX-License-Identifier: GPL-2.0
# static-checks.sh BUILD_DIR: the static checks of `make check`, one
# PASS:/FAIL: line each (run-suite.sh counts them).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
cd "$root" || exit 1
mkdir -p "$build"

check() {
	local name=$1
	shift
	if "$@" > "$build/static-$name.log" 2>&1; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		sed 's/^/    /' "$build/static-$name.log" | head -50
	fi
}

no_kernel_headers_in_core() {
	! grep -rnE '^#include <(linux|asm|asm-generic|uapi|trace)/' \
		core.cpp virt arch include/kx include/kvm_ext
}

clang_format_clean() {
	clang-format --dry-run -Werror core.cpp virt/kvm/*.cpp virt/kvm/*.h \
		arch/*/*.cpp arch/*/*.h arch/*/*/*.cpp arch/*/*/*.h include/kx/*.h \
		tools/testing/host/*.cpp tools/testing/host/*.h tools/testing/bench/*.cpp \
		tools/testing/fuzz/*.cpp tools/testing/fuzz/spine/*.cpp \
		tools/testing/fuzz/spine/*.h kunit/*.cpp
}

# One checkpatch.pl run. It exits 0 only when it ran and found nothing
# (1: findings; 2 or 255: perl could not run it, e.g. a missing script or
# a perl error), so its status counts as well as its report: a checkpatch
# that does not run must not pass as one that found nothing.
checkpatch_run() {
	local out rc=0
	out=$(perl "$@") || rc=$?
	[ -z "$out" ] || echo "$out"
	if [ "$rc" -ne 0 ]; then
		echo "perl $1 exited $rc"
		return 1
	fi
	! grep -qE '(ERROR|WARNING):' <<< "$out"
}

checkpatch_clean() {
	local src f rc=0 files=()
	src=$(scripts/kernel-source.sh) || return 1
	for f in kvm_ext/*.c kvm_ext/*.h kunit/*.c kunit/*.h tools/testing/common/*.h \
		include/kvm_ext/*.h include/uapi/linux/kvm_ext.h; do
		[ "$f" = kvm_ext/kunit_exports.c ] || files+=("$f")
	done
	checkpatch_run "$src/scripts/checkpatch.pl" --no-tree --terse -f "${files[@]}" || rc=1
	# The test build exports functions that are defined in the C++ core,
	# where no EXPORT_SYMBOL can stand next to them: that one rule is off
	# for that one file.
	checkpatch_run "$src/scripts/checkpatch.pl" --no-tree --terse --ignore EXPORT_SYMBOL \
		-f kvm_ext/kunit_exports.c || rc=1
	return "$rc"
}

shellcheck_clean() {
	shellcheck scripts/*.sh tools/testing/uapi/*.sh tools/testing/abi/*.sh \
		tools/kvm_ext/*.sh tools/testing/bench/*.sh tools/testing/fuzz/*.sh \
		tools/testing/stress/*.sh tools/testing/selftests/*.sh tools/testing/qemu-client/*.sh \
		tools/testing/*.sh \
		kunit/*.sh .ci/run
}

# Debian's python3 and python3-docutils (scripts/deps.sh), not whatever
# python3 comes first in PATH.
rst_clean() {
	/usr/bin/python3 scripts/check-rst.py Documentation/*.rst
}

sparse_clean() {
	make -s sparse
}

# clang's thread-safety analysis over the core, any finding an error: a
# field read or written without the lock its KX_GUARDED_BY names, a call
# without the locks its KX_REQUIRES names (include/kx/lock.h; g++, which
# builds the module, ignores the annotations). One clang++-14 pass over
# the unity build with the host build's core flags (the Makefile passes
# CORE_FLAGS). -Wthread-safety-beta too: it adds no finding today, and it
# is where clang 14 checks KX_ACQUIRED_AFTER lock orders.
thread_safety_clean() {
	if [ -z "${CORE_FLAGS:-}" ]; then
		echo "CORE_FLAGS is not set (make static-check sets it)"
		return 1
	fi
	# shellcheck disable=SC2086 # CORE_FLAGS is a list of flags
	clang++-14 -std=gnu++20 -fsyntax-only -Wthread-safety -Wthread-safety-beta -Werror \
		$CORE_FLAGS -Iinclude -I. core.cpp
}

# The uapi scripts print one PASS:/FAIL: line per constant; one that stops
# early (a compiler that fails, a missing header: they run under set -e)
# has printed only some of them, so its exit status is a check of its own.
uapi_script() {
	local rc=0
	"$1" || rc=$?
	[ "$rc" -eq 0 ] || echo "FAIL: $1 exited $rc before it checked everything"
}

check module-artifacts scripts/check-module.sh kvm_ext.ko core.o "$build/module.log"
check sparse sparse_clean
# kvm_ext.ko for Debian's arm64 kernel, cross-built: the same artifact
# checks and sparse.
check module-arm64 make -s module ARCH=arm64
check sparse-arm64 make -s sparse ARCH=arm64
# The peer benchmarks (make bench-arm64), cross-built only: they run in
# make bench, never timed here.
check bench-arm64-build make -s bench-arm64-programs
check checkpatch checkpatch_clean
check clang-format clang_format_clean
check thread-safety thread_safety_clean
check core-includes-no-kernel-header no_kernel_headers_in_core
check shellcheck shellcheck_clean
check documentation-rst rst_clean
uapi_script tools/testing/uapi/check-arch-constants.sh
uapi_script tools/testing/uapi/check-arm64-kvm-regs.sh
exit 0
