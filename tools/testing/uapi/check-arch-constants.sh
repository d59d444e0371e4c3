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
		# s390's KVM_S390_NO_MEM_LIMIT is the kernel's U64_MAX.
		echo "#define U64_MAX (~0ULL)"
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

# The arch's kernel headers alone (linux/, asm/, asm-generic/), to go
# before the host's: a cross libc installed beside them in the same
# directory must not replace the host compiler's own.
archinc() {
	local d=$tmp/inc-$1 s
	mkdir -p "$d"
	for s in linux asm asm-generic; do
		[ -e "/usr/$1/include/$s" ] && ln -sfn "/usr/$1/include/$s" "$d/$s"
	done
	echo "$d"
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
	values "-I$(archinc "$triple") -I/usr/include" linux/kvm.h "${common[@]}" > "$tmp/arch"
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

# What kvm_ext.h names apart from the arch uapi's name (the host defines that
# name otherwise): "TRIPLE KVM_EXT-EXPRESSION ARCH-EXPRESSION". The ioctl
# numbers are compared where the arch's _IOC layout is the host's; ppc's is
# not, so there the structure's size.
aliases=(
	"aarch64-linux-gnu sizeof(struct@kvm_ext_arm64_vcpu_events) sizeof(struct@kvm_vcpu_events)"
	"aarch64-linux-gnu KVM_EXT_ARM64_SET_GUEST_DEBUG KVM_SET_GUEST_DEBUG"
	"aarch64-linux-gnu KVM_GUESTDBG_USE_SW_BP KVM_GUESTDBG_USE_SW_BP"
	"aarch64-linux-gnu sizeof(struct@kvm_ext_arm64_guest_debug) sizeof(struct@kvm_guest_debug)"
	"powerpc64le-linux-gnu sizeof(struct@kvm_ext_ppc_guest_debug) sizeof(struct@kvm_guest_debug)"
	"powerpc64le-linux-gnu KVM_GUESTDBG_USE_SW_BP KVM_GUESTDBG_USE_SW_BP"
	"powerpc64le-linux-gnu KVM_EXT_PPC_GUESTDBG_USE_HW_BP KVM_GUESTDBG_USE_HW_BP"
	"powerpc64le-linux-gnu sizeof(struct@kvm_ext_rtas_token_args) sizeof(struct@kvm_rtas_token_args)"
	"powerpc64le-linux-gnu sizeof(struct@kvm_ext_ppc_xive_eq) sizeof(struct@kvm_ppc_xive_eq)"
	"powerpc64le-linux-gnu __builtin_offsetof(struct@kvm_ext_ppc_xive_eq,qaddr) __builtin_offsetof(struct@kvm_ppc_xive_eq,qaddr)"
	"powerpc64le-linux-gnu __builtin_offsetof(struct@kvm_ext_ppc_xive_eq,qindex) __builtin_offsetof(struct@kvm_ppc_xive_eq,qindex)"
	"s390x-linux-gnu KVM_EXT_S390_SET_GUEST_DEBUG KVM_SET_GUEST_DEBUG"
	"s390x-linux-gnu sizeof(struct@kvm_ext_s390_hw_breakpoint) sizeof(struct@kvm_hw_breakpoint)"
	"s390x-linux-gnu KVM_EXT_S390_GUESTDBG_USE_HW_BP KVM_GUESTDBG_USE_HW_BP"
)
for a in "${aliases[@]}"; do
	read -r triple ours theirs <<< "$a"
	inc=/usr/$triple/include
	[ -f "$inc/linux/kvm.h" ] || continue
	ours=${ours//@/ }
	theirs=${theirs//@/ }
	v_arch=$(values "-I$(archinc "$triple") -I/usr/include" linux/kvm.h "$theirs" | sed 's/.* //')
	v_ours=$(values "-I$root/include" uapi/linux/kvm_ext.h "$ours" | sed 's/.* //')
	checked=$((checked + 1))
	if [ -n "$v_arch" ] && [ "$v_arch" = "$v_ours" ]; then
		echo "PASS: $triple $ours = $theirs = $v_arch"
	else
		echo "FAIL: $triple $ours: kvm_ext.h $v_ours, arch uapi $theirs $v_arch"
	fi
done
[ "$checked" -gt 0 ] || echo "FAIL: no constant of kvm_ext.h found in any arch uapi"
