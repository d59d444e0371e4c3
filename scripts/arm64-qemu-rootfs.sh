#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A small arm64 tree holding Debian's arm64 qemu-system-aarch64 (and strace),
# for the nested arm64 guest of the qemu-client suite: the VMM that drives
# /dev/kvm_ext/arm64 there. Nothing is installed on the host.
#
# usage: scripts/arm64-qemu-rootfs.sh [--print]
#
#   prints the directory of the tree (built on first use):
#     usr/bin/qemu-system-aarch64, usr/bin/strace
#     lib/ld-linux-aarch64.so.1 and every shared library their DT_NEEDED
#     closure names, in lib/aarch64-linux-gnu/ (the loader's default path)
#   The tree is meant to be copied into the guest's initramfs (qemu-run.sh
#   FILE argument) and used as /opt/kvm_ext/<tree>/... with
#   `ld-linux-aarch64.so.1 --library-path`, or chrooted into.
#
# How: the :arm64 packages of apt-cache depends --recurse qemu-system-arm:arm64
# strace:arm64 (Depends only) are fetched with apt-get download into
# ~/.cache/kvm_ext/deb/qemu-arm64/ and unpacked with dpkg-deb -x into a
# staging tree; from it only the two binaries and the libraries they load are
# kept: no firmware, keymaps, docs or QEMU modules (the run uses -nodefaults,
# -nographic and no ROM). ~45 MB.
#
# Cache: ~/.cache/kvm_ext/qemu-arm64-rootfs/<qemu version>/. Needs dpkg's
# arm64 architecture (scripts/arm64-kernel.sh adds it).
set -euo pipefail

prog=${0##*/}
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}

log() { echo "$prog: $*" >&2; }
die() {
    echo "$prog: error: $*" >&2
    exit 1
}

case ${1:-} in
    '' | --print) ;;
    -h | --help)
        sed -n '/^# usage:/,/^# How:/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "usage: $prog [--print]" ;;
esac

dpkg --print-foreign-architectures | grep -qx arm64 ||
    die "dpkg does not list the arm64 architecture (scripts/arm64-kernel.sh adds it)"
ver=$(apt-cache policy qemu-system-arm:arm64 | sed -n 's/^  Candidate: //p')
[[ -n $ver && $ver != '(none)' ]] || die "no qemu-system-arm:arm64 candidate (apt-get update?)"
ver=${ver#*:}
out=$cache/qemu-arm64-rootfs/$ver
if [[ -x $out/usr/bin/qemu-system-aarch64 && -e $out/.complete ]]; then
    printf '%s\n' "$out"
    exit 0
fi

debdir=$cache/deb/qemu-arm64
mkdir -p "$debdir"
mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances \
    qemu-system-arm:arm64 strace:arm64 2>/dev/null | grep -E '^[a-z0-9].*:arm64$' | sort -u)
((${#pkgs[@]} > 10)) || die "apt-cache depends found too few packages (${#pkgs[@]})"
# Tools and data packages that hold no library QEMU loads.
skip='^(adduser|debconf|cdebconf|dpkg|install-info|passwd|tar|iso-codes|readline-common|libpam-modules|libpam0g|libsemanage.*|libdebian-installer4|libnewt.*|libslang2|libtextwrap1|libcap2-bin):arm64$'
want=()
for p in "${pkgs[@]}"; do
    [[ $p =~ $skip ]] || want+=("$p")
done
apt_opts=()
((EUID == 0)) && apt_opts=(-o APT::Sandbox::User=root)
missing=()
for p in "${want[@]}"; do
    compgen -G "$debdir/${p%:arm64}_*_arm64.deb" >/dev/null || missing+=("$p")
done
if ((${#missing[@]})); then
    log "downloading ${#missing[@]} arm64 packages into $debdir (not installing them)"
    (cd "$debdir" && apt-get "${apt_opts[@]}" -q download "${missing[@]}") >&2 ||
        die "apt-get download failed"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
mkdir -p "$stage"
for p in "${want[@]}"; do
    deb=$(compgen -G "$debdir/${p%:arm64}_*_arm64.deb" | sort -V | tail -n 1) || die "no .deb for $p"
    dpkg-deb -x "$deb" "$stage"
done

tree=$work/tree
mkdir -p "$tree/usr/bin" "$tree/lib/aarch64-linux-gnu"
cp -L "$stage/usr/bin/qemu-system-aarch64" "$stage/usr/bin/strace" "$tree/usr/bin/"
# Debian 12 is merged-/usr in the packages only partly: look in both.
libdirs=("$stage/lib/aarch64-linux-gnu" "$stage/usr/lib/aarch64-linux-gnu")
find_lib() {
    local d
    for d in "${libdirs[@]}"; do
        [[ -e $d/$1 ]] && {
            printf '%s\n' "$d/$1"
            return 0
        }
    done
    return 1
}
declare -A seen=()
queue=("$tree/usr/bin/qemu-system-aarch64" "$tree/usr/bin/strace")
while ((${#queue[@]})); do
    f=${queue[0]}
    queue=("${queue[@]:1}")
    while read -r lib; do
        [[ -n $lib && -z ${seen[$lib]:-} ]] || continue
        seen[$lib]=1
        [[ $lib == ld-linux-aarch64.so.1 ]] && continue
        src=$(find_lib "$lib") || die "library $lib (needed by ${f##*/}) is in no unpacked package"
        cp -L "$src" "$tree/lib/aarch64-linux-gnu/$lib"
        queue+=("$tree/lib/aarch64-linux-gnu/$lib")
    done < <(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
ld=$(find_lib ld-linux-aarch64.so.1) || die "no ld-linux-aarch64.so.1"
cp -L "$ld" "$tree/lib/ld-linux-aarch64.so.1"
readelf -h "$tree/usr/bin/qemu-system-aarch64" | grep -q AArch64 || die "not an AArch64 binary"
printf '%s\n' "$ver" >"$tree/.complete"
mkdir -p "${out%/*}"
rm -rf "$out"
mv "$tree" "$out"
log "$(du -sh "$out" | cut -f1) in $out (${#seen[@]} libraries)"
printf '%s\n' "$out"
