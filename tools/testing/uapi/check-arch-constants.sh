#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every object-like macro of include/uapi/linux/kvm_ext.h that an
# architecture's uapi (<linux/kvm.h>, <asm/kvm.h> of Debian's
# linux-libc-dev-{arm64,ppc64el,s390x}-cross) also defines must have the
# same value there. Prints PASS:/FAIL: lines.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
hdr=$root/include/uapi/linux/kvm_ext.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names=$(sed -nE 's/^#define[ \t]+([A-Z0-9_]+)[ \t]+[^ \t].*/\1/p' "$hdr" | sort -u)

# values INCLUDE_FLAGS HEADER NAME...: prints "NAME VALUE" for each name.
values() {
	local flags=$1 header=$2
	shift 2
	{
		echo "#include <stdio.h>"
		echo "#include <$header>"
		echo "int main(void) {"
		for n in "$@"; do
			printf 'printf("%s %%llu\\n", (unsigned long long)(%s));\n' "$n" "$n"
		done
		echo "return 0; }"
	} > "$tmp/v.c"
	# shellcheck disable=SC2086
	gcc $flags -o "$tmp/v" "$tmp/v.c" && "$tmp/v"
}

checked=0
for triple in aarch64-linux-gnu powerpc64le-linux-gnu s390x-linux-gnu; do
	inc=/usr/$triple/include
	if [ ! -f "$inc/linux/kvm.h" ]; then
		echo "FAIL: $triple uapi headers missing (linux-libc-dev-*-cross)"
		continue
	fi
	common=()
	for n in $names; do
		grep -qE "^#define[[:space:]]+$n([[:space:](]|$)" "$inc/linux/kvm.h" "$inc/asm/kvm.h" && common+=("$n")
	done
	[ ${#common[@]} -eq 0 ] && continue
	# The arch headers only hold types and constants: the host compiler
	# evaluates them with the arch include directory first.
	values "-I$inc -I/usr/include" linux/kvm.h "${common[@]}" > "$tmp/arch"
	values "-I$root/include" uapi/linux/kvm_ext.h "${common[@]}" > "$tmp/ours"
	while read -r n v; do
		ours=$(awk -v n="$n" '$1 == n {print $2}' "$tmp/ours")
		checked=$((checked + 1))
		if [ "$v" = "$ours" ]; then
			echo "PASS: $triple $n = $v"
		else
			echo "FAIL: $triple $n: kvm_ext.h $ours, arch uapi $v"
		fi
	done < "$tmp/arch"
done
[ "$checked" -gt 0 ] || echo "FAIL: no constant of kvm_ext.h found in any arch uapi"
