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
# against kvm_ext2, with expected-differences.restore.
#
# QC_CROSS=1 in the environment adds the cross loads, real KVM's file into
# kvm_ext and kvm_ext's into real KVM, with the failing ONE_REG and
# DEVICE_ATTR calls logged (tools/testing/qemu-client/ioctl_log.c); both
# fail, as the two hosts differ, so this is a diagnostic, not the suite.
#
# Output: PASS:/FAIL: lines (scripts/run-suite.sh counts them); the guest's
# own lines, then the comparison. Files in BUILD_DIR/qemu-client/: the
# console log, the guest output, mig-kvm, mig-kvm_ext, compare.txt.
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

start=$(date +%s)
"$here/qemu-run.sh" --arch arm64 --timeout 900 --mem 2048 \
    --out "$out/guest.out" --log "$out/console.log" \
    --env "QC_CROSS=${QC_CROSS:-0}" \
    --script "$tdir/guest-qemu-client.sh" "$ko" "$work/qemu-rootfs" "$work/ioctl_log.so" \
    >"$out/qemu-run.log" 2>&1
rc=$?
# The guest's lines without the migration files' base64.
awk '/^@@MIG_END /{skip=0; next} /^@@MIG /{skip=1; print; next} !skip' "$out/guest.out" 2>/dev/null
if ((rc == 0)); then
    echo "PASS: nested arm64 guest run clean ($(($(date +%s) - start)) s; qemu-run.sh verdict)"
else
    echo "FAIL: nested arm64 guest run: qemu-run.sh exited $rc (see $out/console.log)"
    tail -n 5 "$out/qemu-run.log"
fi

extract() { # NAME: the file the guest printed between @@MIG NAME SIZE@@ and @@MIG_END NAME@@
    awk -v n="$1" '$0 == "@@MIG_END " n "@@" {p = 0} p {print} $0 ~ "^@@MIG " n " " {p = 1}' \
        "$out/guest.out" | base64 -d 2>/dev/null | gunzip -c >"$out/mig-$1" 2>/dev/null
    local want
    want=$(sed -n "s/^@@MIG $1 \([0-9]*\)@@\$/\1/p" "$out/guest.out")
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
exit $status
