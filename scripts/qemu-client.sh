#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The qemu-client suite: Debian's arm64 QEMU as a client of kvm_ext, in the
# nested arm64 guest (scripts/qemu-run.sh --arch arm64, where real KVM runs).
#
# usage: scripts/qemu-client.sh BUILD_DIR
#
# Needs $BUILD_DIR/arm64/module/kvm_ext.ko (make ARCH=arm64 module) and
# builds (once, cached) the arm64 QEMU tree (scripts/arm64-qemu-rootfs.sh).
# The guest (tools/testing/qemu-client/guest-qemu-client.sh) starts
#   qemu-system-aarch64 -accel kvm -M virt,gic-version=3,its=on -smp 2
#       -cpu host,sve=on,pauth=on -m 128 -S
# on real /dev/kvm and on kvm_ext (/dev/kvm_ext/arm64 bound over /dev/kvm),
# migrates each to a file, loads each file into a second QEMU on the same
# backend (-incoming, -S) and saves that again, and prints the files; here
# they are compared section by section and field by field
# (tools/testing/qemu-client/migcompare.py): kvm against kvm_ext, every
# difference being one listed in tools/testing/qemu-client/
# expected-differences, and each restore hop, kvm against kvm2 and kvm_ext
# against kvm_ext2, with expected-differences.restore. Then the round trip:
# lpi-counter (a bare-metal guest counting in memory and taking LPIs through
# the ITS) runs on real KVM and is migrated live (rt-a); two more boots load
# it into QEMU on kvm_ext, paused, and save it again (rt_b, compared with
# expected-differences.hop), then load that back into QEMU on real KVM,
# where the guest must go on counting and taking LPIs.
#
# QC_CROSS=1 in the environment adds the cross loads, real KVM's file into
# kvm_ext and kvm_ext's into real KVM, with the failing ONE_REG and
# DEVICE_ATTR calls logged (tools/testing/qemu-client/ioctl_log.c); both
# fail, as the two hosts differ, so this is a diagnostic, not the suite.
#
# Output: PASS:/FAIL: lines (scripts/run-suite.sh counts them); the guest's
# own lines, then the comparisons. Files in BUILD_DIR/qemu-client/: per
# boot (guest, rt-b, rt-c) the console (.log) and guest output (.out), the
# migration files (mig-*, rt-a-ext, rt-b-kvm) and compare.txt.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${here%/scripts}
b=${1:?usage: qemu-client.sh BUILD_DIR}
out=$b/qemu-client
tdir=$root/tools/testing/qemu-client
mkdir -p "$out"
rm -f "$out"/mig-* "$out"/guest.out "$out"/compare.txt

ko=$b/arm64/module/kvm_ext.ko
if [[ ! -f $ko ]]; then
    echo "FAIL: no $ko (make ARCH=arm64 module)"
    exit 1
fi
rootfs=$("$here/arm64-qemu-rootfs.sh") || {
    echo "FAIL: building the arm64 QEMU tree (scripts/arm64-qemu-rootfs.sh)"
    exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$rootfs" "$work/qemu-rootfs"
# The diagnostic shim (used with QC_CROSS=1 only).
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$work/ioctl_log.so" \
    "$tdir/ioctl_log.c" -ldl || {
    echo "FAIL: building ioctl_log.so (aarch64-linux-gnu-gcc)"
    exit 1
}

# The round trip's guest.
lpi=$tdir/lpi-counter
aarch64-linux-gnu-gcc -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -static \
    -mgeneral-regs-only -fno-pie -no-pie -fno-asynchronous-unwind-tables \
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T "$lpi/lpi-counter.ld" \
    -o "$work/lpi-counter.elf" "$lpi/start.S" "$lpi/main.c" || {
    echo "FAIL: building lpi-counter.elf (aarch64-linux-gnu-gcc)"
    exit 1
}

# boot PHASE OUT FILE...: one nested arm64 boot of the guest script.
boot() {
    local phase=$1 name=$2
    shift 2
    "$here/qemu-run.sh" --arch arm64 --timeout 900 --mem 2048 \
        --out "$out/$name.out" --log "$out/$name.log" \
        --env "QC_CROSS=${QC_CROSS:-0}" --env "QC_PHASE=$phase" \
        --script "$tdir/guest-qemu-client.sh" "$ko" "$work/qemu-rootfs" "$@" \
        >"$out/qemu-run-$name.log" 2>&1
}
start=$(date +%s)
boot main guest "$work/ioctl_log.so" "$work/lpi-counter.elf"
rc=$?
# The guest's lines without the migration files' base64.
awk '/^@@MIG_END /{skip=0; next} /^@@MIG /{skip=1; print; next} !skip' "$out/guest.out" 2>/dev/null
if ((rc == 0)); then
    echo "PASS: nested arm64 guest run clean ($(($(date +%s) - start)) s; qemu-run.sh verdict)"
else
    echo "FAIL: nested arm64 guest run: qemu-run.sh exited $rc (see $out/guest.log)"
    tail -n 5 "$out/qemu-run-guest.log"
fi

extract() { # NAME [GUEST_OUT]: the file printed between @@MIG NAME SIZE@@ and @@MIG_END NAME@@
    local src=${2:-$out/guest.out} want
    awk -v n="$1" '$0 == "@@MIG_END " n "@@" {p = 0} p {print} $0 ~ "^@@MIG " n " " {p = 1}' \
        "$src" | base64 -d 2>/dev/null | gunzip -c >"$out/mig-$1" 2>/dev/null
    want=$(sed -n "s/^@@MIG $1 \([0-9]*\)@@\$/\1/p" "$src")
    [[ -n $want && $(stat -c %s "$out/mig-$1") == "$want" ]]
}
ok=1
for n in kvm kvm_ext kvm2 kvm_ext2; do
    if extract "$n"; then
        echo "PASS: migration file of QEMU on $n copied out ($(stat -c %s "$out/mig-$n") bytes)"
    else
        echo "FAIL: migration file of QEMU on $n copied out"
        ok=0
    fi
done
((ok)) || exit 1
echo "# QEMU on real KVM against QEMU on kvm_ext, both saved after -S"
python3 "$tdir/migcompare.py" --tap --allow "$tdir/expected-differences" \
    "$out/mig-kvm" "$out/mig-kvm_ext" | tee "$out/compare.txt"
c1=${PIPESTATUS[0]}
# The restore hop (save, load into a new QEMU, save again) on each backend.
status=$((rc != 0 || c1 != 0))
for n in kvm kvm_ext; do
    echo "# the restore hop on $n: mig-$n against mig-${n}2"
    python3 "$tdir/migcompare.py" --tap --allow "$tdir/expected-differences.restore" \
        "$out/mig-$n" "$out/mig-${n}2" | tee -a "$out/compare.txt"
    ((PIPESTATUS[0] == 0)) || status=1
done

# The round trip: lpi-counter's live state from real KVM (rt-a) through
# QEMU on kvm_ext (rt_b, paused) back to real KVM, where it must go on
# counting. The two hosts' identities differ (invariant and ID registers,
# ICC_CTLR_EL1.IDbits) and neither side accepts the other's, so each hop
# transplants the receiving host's identity (migcompare.py --transplant).
echo "# the round trip real KVM -> kvm_ext -> real KVM"
mc=$tdir/migcompare.py
if extract rt-a; then
    echo "PASS: lpi-counter's live state on real KVM copied out ($(stat -c %s "$out/mig-rt-a") bytes)"
else
    echo "FAIL: lpi-counter's live state on real KVM copied out"
    exit 1
fi
python3 "$mc" --transplant "$out/mig-rt-a" "$out/mig-kvm_ext" "$out/rt-a-ext" | tail -n 1
cp "$out/rt-a-ext" "$work/rt-a-ext"
boot rt-b rt-b "$work/rt-a-ext" "$work/ioctl_log.so"
r=$?
awk '/^@@MIG_END /{skip=0; next} /^@@MIG /{skip=1; print; next} !skip' "$out/rt-b.out" 2>/dev/null
((r == 0)) || echo "FAIL: the kvm_ext hop's boot: qemu-run.sh exited $r"
if extract rt_b "$out/rt-b.out"; then
    echo "PASS: the state saved by QEMU on kvm_ext copied out"
else
    echo "FAIL: the state saved by QEMU on kvm_ext copied out"
    exit 1
fi
echo "# the kvm_ext hop: rt-a-ext against rt_b"
python3 "$mc" --tap --allow "$tdir/expected-differences.hop" "$out/rt-a-ext" "$out/mig-rt_b" |
    tee -a "$out/compare.txt"
((PIPESTATUS[0] == 0)) || status=1
python3 "$mc" --transplant "$out/mig-rt_b" "$out/mig-rt-a" "$out/rt-b-kvm" | tail -n 1
cp "$out/rt-b-kvm" "$work/rt-b-kvm"
boot rt-c rt-c "$work/rt-b-kvm"
r=$?
cat "$out/rt-c.out" 2>/dev/null
((r == 0)) || echo "FAIL: the last boot: qemu-run.sh exited $r"
((r == 0)) || status=1
echo "# $(($(date +%s) - start)) s for the three boots"
exit $status
