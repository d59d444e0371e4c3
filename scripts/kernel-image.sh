#!/usr/bin/env bash
# Print the path of a bootable vmlinuz of Debian's stock kernel for RELEASE.
#
#   scripts/kernel-image.sh [RELEASE]     (default: scripts/kdir.sh --release)
#
# Cache:  ~/.cache/kvm_ext/kernel/<release>/vmlinuz   (+ config, System.map)
# Debs:   ~/.cache/kvm_ext/deb/linux-image-<release>_*.deb
#
# If the image is not cached, the linux-image-<release> package is fetched with
# `apt-get download` (never installed on the host) and unpacked with dpkg-deb.
# Progress messages go to stderr; stdout is only the path.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}

log() { echo "$prog: $*" >&2; }
die() {
    echo "$prog: error: $*" >&2
    exit 1
}

case ${1:-} in
    -h | --help)
        echo "usage: $prog [RELEASE]"
        exit 0
        ;;
esac
(($# <= 1)) || die "usage: $prog [RELEASE]"

release=${1:-}
if [[ -z $release ]]; then
    release=$("$here/kdir.sh" --release) || die "cannot determine the kernel release (pass RELEASE explicitly)"
fi
[[ $release =~ ^[A-Za-z0-9._+~-]+$ ]] || die "suspicious release string: '$release'"

kdir_out=$cache/kernel/$release
image=$kdir_out/vmlinuz

# Print the version string embedded in a bzImage (setup header field kernel_version
# at 0x20e is an offset relative to 0x200), or nothing if it is not a bzImage.
bzimage_version() {
    local f=$1 magic off
    magic=$(dd if="$f" bs=1 skip=514 count=4 2>/dev/null) || return 0
    [[ $magic == HdrS ]] || return 0
    off=$(od -An -t u2 -j 526 -N 2 "$f" | tr -d ' ')
    [[ -n $off ]] || return 0
    dd if="$f" bs=1 skip=$((off + 512)) count=256 2>/dev/null | tr '\0' '\n' | head -n 1
}

check_image() {
    local f=$1 ver
    [[ -s $f ]] || return 1
    ver=$(bzimage_version "$f")
    if [[ -z $ver ]]; then
        log "warning: $f does not look like a bzImage"
        return 1
    fi
    if [[ $ver != "$release "* ]]; then
        log "warning: $f is '$ver', expected release $release"
        return 1
    fi
    return 0
}

if [[ -f $image ]] && check_image "$image"; then
    printf '%s\n' "$image"
    exit 0
fi

debdir=$cache/deb
mkdir -p "$debdir" "$kdir_out"

# Serialize concurrent fetches of the same release; re-check once we hold the lock.
exec 9>"$kdir_out/.lock"
flock 9
if [[ -f $image ]] && check_image "$image" 2>/dev/null; then
    printf '%s\n' "$image"
    exit 0
fi

# Newest cached .deb for this release (signed or -unsigned flavour).
find_deb() {
    local pkg
    for pkg in "linux-image-$release" "linux-image-$release-unsigned"; do
        compgen -G "$debdir/${pkg}_*.deb" | sort -V | tail -n 1
    done | head -n 1
}

deb=$(find_deb || true)
if [[ -z $deb ]]; then
    SUDO=()
    if ((EUID != 0)) && command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    fi
    apt_opts=()
    if ((EUID == 0)); then
        # Avoid apt's harmless "Download is performed unsandboxed as root ..." noise:
        # the _apt user cannot enter /root anyway.
        apt_opts=(-o APT::Sandbox::User=root)
    fi
    chmod 0755 "$debdir" || true
    download() {
        (cd "$debdir" && apt-get "${apt_opts[@]}" download "$1") >&2
    }
    log "downloading linux-image-$release into $debdir"
    if ! download "linux-image-$release"; then
        log "download failed; running apt-get update and retrying"
        "${SUDO[@]}" apt-get update >&2 || log "warning: apt-get update failed"
        download "linux-image-$release" || download "linux-image-$release-unsigned" ||
            die "cannot download linux-image-$release (is this ABI still on the mirror? the headers in $("$here/kdir.sh" 2>/dev/null || echo KDIR) must match a kernel image the mirror still carries; run scripts/deps.sh to move to the current one)"
    fi
    deb=$(find_deb || true)
    [[ -n $deb ]] || die "apt-get download succeeded but no linux-image-${release}_*.deb is in $debdir"
fi

log "extracting vmlinuz-$release from ${deb##*/}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm_ext-kimg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Only unpack ./boot (the deb is ~70 MB, /lib/modules is ~400 MB unpacked).
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*' ||
    die "cannot unpack $deb"
src=$tmp/boot/vmlinuz-$release
[[ -f $src ]] || die "$deb has no boot/vmlinuz-$release"
for f in config System.map; do
    [[ -f $tmp/boot/$f-$release ]] && cp "$tmp/boot/$f-$release" "$kdir_out/$f"
done
cp "$src" "$image.tmp.$$"
mv -f "$image.tmp.$$" "$image"
check_image "$image" || die "extracted $image does not look like the $release kernel"
log "cached $image"
printf '%s\n' "$image"
