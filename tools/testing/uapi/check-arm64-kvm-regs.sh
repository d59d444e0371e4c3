#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The layout of arm64's struct kvm_regs that arch/arm64/vcpu.cpp addresses
# core registers by (offsets in 32-bit units: SP 62, PC 64, PSTATE 66,
# SP_EL1 68, ELR_EL1 70, SPSR 72, V0 84, FPSR 212, FPCR 213; 864 bytes),
# against Debian's linux-libc-dev-arm64-cross. Prints PASS:/FAIL:.
set -euo pipefail
inc=/usr/aarch64-linux-gnu/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/l.c" <<'C'
#include <stddef.h>
#include <stdio.h>
#include <linux/kvm.h>
#define W(m) (offsetof(struct kvm_regs, m) / 4)
int main(void)
{
	printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu\n", sizeof(struct kvm_regs),
	       W(regs.sp), W(regs.pc), W(regs.pstate), W(sp_el1), W(elr_el1), W(spsr),
	       W(fp_regs.vregs), W(fp_regs.fpsr), W(fp_regs.fpcr));
	return 0;
}
C
gcc -I"$inc" -I/usr/include -o "$tmp/l" "$tmp/l.c"
got=$("$tmp/l")
want="864 62 64 66 68 70 72 84 212 213"
if [ "$got" = "$want" ]; then
	echo "PASS: arm64 struct kvm_regs layout ($want)"
else
	echo "FAIL: arm64 struct kvm_regs layout: uapi $got, vcpu.cpp $want"
fi
