#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Debian's arm64 6.1 kernel, for the cross-built module and the nested-virt
# runs: its headers (a KDIR an x86 host can build against) and its Image.
#
# usage: scripts/arm64-kernel.sh --kdir | --image | --release
#
#   --kdir      print the arm64 KDIR: linux-headers-REL (arm64) and
#               linux-headers-6.1.0-N-common unpacked side by side, with the
#               host's own linux-kbuild-6.1 as their scripts/ and tools/.
#               Debian ships kbuild as a host-architecture package of the
#               same version for exactly this: its fixdep and modpost run
#               on x86 and handle any target.
#   --image     print the path of the kernel Image (vmlinuz-REL)
#   --release   print REL, e.g. 6.1.0-57-arm64: the amd64 headers' ABI
#               (scripts/kdir.sh --release) with the arm64 flavour
#
# Cache: ~/.cache/kvm_ext/deb/*.deb (apt-get download, never installed),
# ~/.cache/kvm_ext/kernel/REL/{headers/,vmlinuz,config}. Needs dpkg's arm64
# architecture (added, with apt-get update, when missing).
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}

log() { echo "$prog: $*" >&2; }
die() {
    echo "$prog: error: $*" >&2
    exit 1
}
usage() {
    sed -n '/^# usage:/,/^# Cache/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit "$1"
}

what=''
case ${1:-} in
    --kdir | --image | --release) what=${1#--} ;;
    -h | --help) usage 0 ;;
    *) usage 2 >&2 ;;
esac

release=$("$here/kdir.sh" --release) || die "cannot determine the kernel ABI (run scripts/deps.sh)"
release=${release%-*}-arm64
[[ $release =~ ^[0-9][A-Za-z0-9._+~-]*-arm64$ ]] || die "suspicious release string: '$release'"
if [[ $what == release ]]; then
    printf '%s\n' "$release"
    exit 0
fi
abi=${release%-arm64} # 6.1.0-57
out=$cache/kernel/$release
debdir=$cache/deb
mkdir -p "$out" "$debdir"

SUDO=()
((EUID == 0)) || SUDO=(sudo)
apt_opts=()
((EUID == 0)) && apt_opts=(-o APT::Sandbox::User=root)

# The newest cached deb of PACKAGE (name_version_arch.deb), downloaded first
# when there is none.
deb_of() { # package debarch
    local pkg=$1 arch=$2 deb
    deb=$(compgen -G "$debdir/${pkg}_*_$arch.deb" | sort -V | tail -n 1 || true)
    if [[ -z $deb ]]; then
        if [[ $arch == arm64 ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
            log "adding dpkg's arm64 architecture"
            "${SUDO[@]}" dpkg --add-architecture arm64
            "${SUDO[@]}" apt-get update >&2 || die "apt-get update failed"
        fi
        local spec=$pkg
        [[ $arch == all ]] || spec=$pkg:$arch
        log "downloading $spec into $debdir"
        (cd "$debdir" && apt-get "${apt_opts[@]}" download "$spec") >&2 ||
            die "cannot download $spec (apt-cache search linux-headers-6.1 | grep arm64)"
        deb=$(compgen -G "$debdir/${pkg}_*_$arch.deb" | sort -V | tail -n 1)
    fi
    printf '%s\n' "$deb"
}

exec 9>"$out/.lock"
flock 9

kdir=$out/headers/usr/src/linux-headers-$release
if [[ $what == kdir ]]; then
    if [[ ! -f $kdir/Module.symvers ]]; then
        [[ -d /usr/lib/linux-kbuild-6.1/scripts ]] ||
            die "no /usr/lib/linux-kbuild-6.1 (run scripts/deps.sh)"
        rm -rf "$out/headers"
        mkdir -p "$out/headers.tmp"
        dpkg-deb -x "$(deb_of "linux-headers-$release" arm64)" "$out/headers.tmp"
        dpkg-deb -x "$(deb_of "linux-headers-$abi-common" all)" "$out/headers.tmp"
        # linux-headers-REL's scripts and tools are symlinks to
        # ../../lib/linux-kbuild-6.1/: the host's.
        mkdir -p "$out/headers.tmp/usr/lib"
        ln -s /usr/lib/linux-kbuild-6.1 "$out/headers.tmp/usr/lib/linux-kbuild-6.1"
        # The per-flavour Makefile includes the common one by its installed
        # path; point it at the unpacked copy.
        sed -i "s|^include /usr/src/|include $out/headers/usr/src/|" \
            "$out/headers.tmp/usr/src/linux-headers-$release/Makefile"
        mv "$out/headers.tmp" "$out/headers"
        log "unpacked the arm64 headers into $out/headers"
    fi
    printf '%s\n' "$kdir"
    exit 0
fi

image=$out/vmlinuz
if [[ ! -s $image ]]; then
    deb=$(deb_of "linux-image-$release-unsigned" arm64)
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm_ext-a64k.XXXXXX")
    # shellcheck disable=SC2064  # expand now
    trap "rm -rf '$tmp'" EXIT
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*' ||
        die "cannot unpack $deb"
    [[ -f $tmp/boot/vmlinuz-$release ]] || die "${deb##*/} has no boot/vmlinuz-$release"
    cp "$tmp/boot/config-$release" "$out/config"
    cp "$tmp/boot/vmlinuz-$release" "$image.tmp"
    mv -f "$image.tmp" "$image"
    log "cached $image"
fi
printf '%s\n' "$image"
