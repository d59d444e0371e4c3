#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-module.sh KO CXX_OBJECT BUILD_LOG
#
# What the C++ core must never bring into a kernel module, and the build
# warnings that must never pass: any of them fails the build.
#  - .init_array/.ctors (global constructors: this kernel never runs them),
#    .eh_frame (unwind tables of exceptions);
#  - undefined __cxa_* (except __cxa_pure_virtual, which the shim defines),
#    operator new/delete (_Znwm, _Znam, _ZdlPv...), _Unwind_*, typeinfo;
#  - objtool or modpost warnings in the build log.
set -euo pipefail
ko=$1 obj=$2 log=$3
bad=0

if readelf -SW "$obj" | grep -qE '\.(init_array|ctors|eh_frame)\b'; then
	echo "check-module: $obj has constructor or unwind sections:" >&2
	readelf -SW "$obj" | grep -E '\.(init_array|ctors|eh_frame)\b' >&2
	bad=1
fi
# nm into a file first: nm | grep -q can die of SIGPIPE under pipefail.
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
nm "$ko" > "$syms"
undef=$(awk '$1 == "U" {print $2}' "$syms" |
	grep -E '^(__cxa_|_Znw|_Zna|_Zdl|_Zda|_Unwind|_ZTI|_ZTS|__gxx_personality)' |
	grep -v '^__cxa_pure_virtual$' || true)
if [ -n "$undef" ]; then
	echo "check-module: C++ runtime symbols left undefined in $ko:" >&2
	echo "$undef" >&2
	bad=1
fi
if ! grep -qE ' T __cxa_pure_virtual$' "$syms"; then
	echo "check-module: __cxa_pure_virtual is not defined in $ko" >&2
	bad=1
fi
if grep -E 'objtool|WARNING: modpost|^WARNING:|warning:' "$log" | grep -v 'Skipping BTF' >&2; then
	echo "check-module: build warnings above" >&2
	bad=1
fi
exit $bad
