#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-module.sh KO CXX_OBJECT BUILD_LOG
#
# (CROSS_COMPILE=aarch64-linux-gnu- for the arm64 build: its objdump.)
#
# What the C++ core must never bring into a kernel module, and the build
# warnings that must never pass: any of them fails the build.
#  - .init_array/.ctors (global constructors: the stock kernel never runs
#    them) other than a sanitizer's registration of globals, .eh_frame
#    (unwind tables of exceptions);
#  - undefined __cxa_* (except __cxa_pure_virtual, which the shim defines),
#    operator new/delete (_Znwm, _Znam, _ZdlPv...), _Unwind_*, typeinfo;
#  - objtool or modpost warnings in the build log.
set -euo pipefail
ko=$1 obj=$2 log=$3
bad=0

if readelf -SW "$obj" | grep -qE '\.eh_frame\b'; then
	echo "check-module: $obj has unwind tables (.eh_frame)" >&2
	bad=1
fi
# A constructor section is allowed only for what a sanitizer kernel
# (CONFIG_KASAN selects CONFIG_CONSTRUCTORS, which runs module ctors) puts
# in every object, C ones included: a function that registers the
# object's instrumented globals and calls nothing else. Any other code
# reachable from .init_array/.ctors is a C++ global constructor.
if readelf -SW "$obj" | grep -qE '\.(init_array|ctors)\b'; then
	calls=$("${CROSS_COMPILE:-}objdump" -dr --section=.text.startup "$obj" 2>/dev/null |
		grep -oE 'R_(X86_64_(PLT32|PC32)|AARCH64_(CALL26|JUMP26))[[:space:]]+[^[:space:]]+' |
		awk '{print $2}' | sed -E 's/[-+]0x[0-9a-f]+$//' | sort -u)
	if [ "$calls" != "__asan_register_globals" ]; then
		echo "check-module: $obj has a global constructor (.init_array/.ctors)," \
			"calling: ${calls:-<not in .text.startup>}" >&2
		bad=1
	fi
fi
# nm into a file first: nm | grep -q can die of SIGPIPE under pipefail.
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
nm "$ko" > "$syms"
undef=$(awk '$1 == "U" {print $2}' "$syms" |
	grep -E '^(__cxa_|_Znw|_Zna|_Zdl|_Zda|_Unwind|_ZTI|_ZTS|__gxx_personality)' || true)
if [ -n "$undef" ]; then
	echo "check-module: C++ runtime symbols left undefined in $ko:" >&2
	echo "$undef" >&2
	bad=1
fi
# kvm_ext.ko's core has abstract classes: the shim must define the hook.
if [ "$(basename "$ko")" = kvm_ext.ko ] && ! grep -qE ' T __cxa_pure_virtual$' "$syms"; then
	echo "check-module: __cxa_pure_virtual is not defined in $ko" >&2
	bad=1
fi
if grep -E 'objtool|WARNING: modpost|^WARNING:|warning:' "$log" | grep -v 'Skipping BTF' >&2; then
	echo "check-module: build warnings above" >&2
	bad=1
fi
exit $bad
