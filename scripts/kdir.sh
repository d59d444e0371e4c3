#!/usr/bin/env bash
# Print the kernel build directory (KDIR) that kvm_ext is built against.
#
#   scripts/kdir.sh            -> $KDIR if set, else the newest
#                                 /usr/src/linux-headers-6.1.*-amd64 with a Makefile
#   scripts/kdir.sh --release  -> the kernel release of that KDIR (e.g. 6.1.0-56-amd64),
#                                 i.e. what `uname -r` says and what vermagic must match
#
# Exit 1 (with a message on stderr) if no usable KDIR exists; run scripts/deps.sh.
#
# Note: on Debian's linux-headers packages include/config/kernel.release holds the
# *upstream* version (e.g. "6.1.192"), not the package ABI release ("6.1.0-56-amd64")
# that the kernel reports via uname -r and that appears in module vermagic. So the
# release is taken from include/generated/utsrelease.h (UTS_RELEASE) first and
# include/config/kernel.release is only a fallback.
set -euo pipefail

prog=${0##*/}

usage() {
    echo "usage: $prog [--release]" >&2
    exit 2
}

die() {
    echo "$prog: error: $*" >&2
    exit 1
}

want_release=0
case $# in
    0) ;;
    1)
        case $1 in
            --release) want_release=1 ;;
            -h | --help) usage ;;
            *) usage ;;
        esac
        ;;
    *) usage ;;
esac

find_kdir() {
    if [[ -n ${KDIR:-} ]]; then
        [[ -f $KDIR/Makefile ]] || die "KDIR=$KDIR has no Makefile"
        printf '%s\n' "$KDIR"
        return
    fi
    local d best=''
    # Version-sort the candidates, keep the newest one that has a Makefile.
    while IFS= read -r d; do
        [[ -f $d/Makefile ]] && best=$d
    done < <(compgen -G '/usr/src/linux-headers-6.1.*-amd64' | sort -V)
    [[ -n $best ]] || die "no /usr/src/linux-headers-6.1.*-amd64 with a Makefile found and KDIR is not set (run scripts/deps.sh, or set KDIR=/path/to/kernel/build)"
    printf '%s\n' "$best"
}

kernel_release() {
    local kdir=$1 rel='' f
    f=$kdir/include/generated/utsrelease.h
    if [[ -f $f ]]; then
        rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$f" | head -n 1)
    fi
    if [[ -z $rel && -f $kdir/include/config/kernel.release ]]; then
        rel=$(head -n 1 "$kdir/include/config/kernel.release")
    fi
    [[ -n $rel ]] || die "cannot determine kernel release of $kdir (no include/generated/utsrelease.h or include/config/kernel.release)"
    printf '%s\n' "$rel"
}

kdir=$(find_kdir)
if ((want_release)); then
    kernel_release "$kdir"
else
    printf '%s\n' "$kdir"
fi
