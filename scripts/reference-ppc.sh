#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The conformance suite against REAL KVM on POWER: Debian's ppc64el kernel
# booted under QEMU TCG, kvm.ko + kvm-hv.ko loaded, kvm_ext_abi_test
# --personality ppc /dev/kvm run on two hosts:
#
#   power9  -M powernv9 (skiboot): bare-metal KVM-HV, XIVE native and
#           XICS-on-XIVE (kvm_ext's ppc_host=power9)
#   power8  -M pseries with cap-nested-hv: KVM-HV nested, KVM_DEV_TYPE_XICS is
#           the XICS emulation (kvm_ext's ppc_host=power8, the default)
#
# usage: scripts/reference-ppc.sh [--host power9|power8|both] [--out DIR] [--release REL]
#
#   --host      which machine(s) to boot (default both)
#   --out       where the TAP outputs and console logs go (default build/reference):
#               DIR/ppc-<host>.tap, DIR/ppc-<host>.log
#   --release   the kernel ABI, e.g. 6.1.0-57-powerpc64le (default: that of
#               scripts/kdir.sh --release with the ppc64el flavour)
#
# Cache (as scripts/kernel-image.sh): ~/.cache/kvm_ext/deb/linux-image-REL_*.deb,
# ~/.cache/kvm_ext/kernel/REL/{vmlinux,config,*.ko}; busybox-static:ppc64el
# through scripts/qemu-run.sh. Needs the ppc64el architecture in dpkg (added,
# with apt-get update, when missing), qemu-system-ppc and the cross compiler
# (through scripts/deps.sh).
#
# Prints a summary per host (passed, failed, skipped; each failing test with
# its diagnostics). Exit status: 0 when every run produced a complete TAP
# stream (whatever the tests said: real KVM is the reference, not the
# subject), 1 otherwise.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}
CROSS=powerpc64le-linux-gnu-

log() { echo "$prog: $*" >&2; }
die() {
    echo "$prog: error: $*" >&2
    exit 1
}
usage() {
    sed -n '/^# usage:/,/^# Cache/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit "$1"
}

hosts='power9 power8' out=$root/build/reference release=''
while (($#)); do
    case $1 in
        --host)
            case ${2:-} in
                power9 | power8) hosts=$2 ;;
                both) hosts='power9 power8' ;;
                *) die "--host: power9, power8 or both" ;;
            esac
            shift 2
            ;;
        --out)
            out=${2:?--out needs a directory}
            shift 2
            ;;
        --release)
            release=${2:?--release needs a kernel release}
            shift 2
            ;;
        -h | --help) usage 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done

# ---------------------------------------------------------------- host tools
SUDO=()
((EUID == 0)) || SUDO=(sudo)
if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
    log "adding the ppc64el architecture to dpkg (for apt-get download of its kernel and busybox)"
    "${SUDO[@]}" dpkg --add-architecture ppc64el
    "${SUDO[@]}" apt-get update >&2 || die "apt-get update failed"
fi
KVM_EXT_EXTRA_PKGS="${KVM_EXT_EXTRA_PKGS:-} qemu-system-ppc gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross" \
    "$here/deps.sh" >&2 || die "scripts/deps.sh failed"

# ---------------------------------------------------------------- kernel
if [[ -z $release ]]; then
    release=$("$here/kdir.sh" --release) || die "cannot determine the kernel ABI (pass --release)"
    release=${release%-*}-powerpc64le
fi
[[ $release =~ ^[A-Za-z0-9._+~-]+$ ]] || die "suspicious release string: '$release'"
kdir_out=$cache/kernel/$release
debdir=$cache/deb
mkdir -p "$kdir_out" "$debdir"

# The modules /dev/kvm needs, dependencies first (modinfo -F depends).
KVM_MODULES=(kvm kvm-hv)

fetch_kernel() {
    [[ -s $kdir_out/vmlinux && -s $kdir_out/kvm-modules ]] && return 0
    exec 9>"$kdir_out/.lock"
    flock 9
    [[ -s $kdir_out/vmlinux && -s $kdir_out/kvm-modules ]] && return 0
    local deb tmp mdir m full=0 order=() opts=()
    deb=$(compgen -G "$debdir/linux-image-${release}_*_ppc64el.deb" | sort -V | tail -n 1 || true)
    if [[ -z $deb ]]; then
        ((EUID == 0)) && opts=(-o APT::Sandbox::User=root)
        log "downloading linux-image-$release:ppc64el into $debdir"
        (cd "$debdir" && apt-get "${opts[@]}" download "linux-image-$release:ppc64el") >&2 ||
            die "cannot download linux-image-$release:ppc64el (apt-cache search linux-image-6.1 | grep powerpc64le; pass --release)"
        deb=$(compgen -G "$debdir/linux-image-${release}_*_ppc64el.deb" | sort -V | tail -n 1)
    fi
    log "extracting vmlinux and the KVM modules from ${deb##*/}"
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvm_ext-ppck.XXXXXX")
    # shellcheck disable=SC2064  # expand now: tmp is local
    trap "rm -rf '$tmp'" EXIT
    # ./boot and arch/powerpc/kvm only (the whole package unpacks to ~250 MB);
    # all of it if a dependency lives elsewhere.
    dpkg-deb --fsys-tarfile "$deb" |
        tar -x -C "$tmp" --wildcards './boot/*' './lib/modules/*/kernel/arch/powerpc/kvm/*' ||
        die "cannot unpack $deb"
    [[ -f $tmp/boot/vmlinux-$release ]] || die "${deb##*/} has no boot/vmlinux-$release"
    mdir=$tmp/lib/modules/$release
    # Dependencies first: each module after those it depends on.
    add_mod() {
        local name=$1 path d
        [[ " ${order[*]} " != *" $name "* ]] || return 0
        path=$(find "$mdir" \( -name "$name.ko" -o -name "${name//-/_}.ko" \) -print -quit)
        if [[ -z $path ]] && ((!full)); then
            dpkg-deb -x "$deb" "$tmp"
            full=1
            path=$(find "$mdir" \( -name "$name.ko" -o -name "${name//-/_}.ko" \) -print -quit)
        fi
        [[ -n $path ]] || die "no $name.ko in ${deb##*/}"
        for d in $(modinfo -F depends "$path" | tr ',' ' '); do
            add_mod "$d"
        done
        cp "$path" "$kdir_out/$name.ko"
        order+=("$name")
    }
    for m in "${KVM_MODULES[@]}"; do
        add_mod "$m"
    done
    cp "$tmp/boot/config-$release" "$kdir_out/config"
    printf '%s.ko\n' "${order[@]}" >"$kdir_out/kvm-modules.tmp"
    cp "$tmp/boot/vmlinux-$release" "$kdir_out/vmlinux.tmp"
    mv -f "$kdir_out/vmlinux.tmp" "$kdir_out/vmlinux"
    mv -f "$kdir_out/kvm-modules.tmp" "$kdir_out/kvm-modules"
    rm -rf "$tmp"
    trap - EXIT
    log "cached $kdir_out (modules: ${order[*]})"
}
fetch_kernel
mapfile -t modules < <(sed 's|^|'"$kdir_out"'/|' "$kdir_out/kvm-modules")

# ---------------------------------------------------------------- the suite
abi_dir=$root/build/ppc64le
make -s -C "$root/tools/testing/abi" CROSS=$CROSS O="$abi_dir" >&2 || die "building the ppc64le suite failed"

# ---------------------------------------------------------------- runs
mkdir -p "$out"
status=0

summary() { # host tapfile seconds
    local host=$1 tap=$2 secs=$3
    awk -v host="$host" -v secs="$secs" '
        /^ok / { if (/# SKIP/) skip++; else pass++; infail = 0; next }
        /^not ok / { fail++; infail = 1; failed[fail] = $0; next }
        /^# reference: / { sub(/^# reference: /, ""); info = info "  " $0 "\n"; next }
        /^#/ && infail { diag[fail] = diag[fail] "      " $0 "\n"; next }
        { infail = 0 }
        END {
            printf "== ppc-%s (%ss): %d passed, %d failed, %d skipped\n", host, secs, pass, fail, skip
            printf "%s", info
            for (i = 1; i <= fail; i++)
                printf "  %s\n%s", failed[i], diag[i]
        }' "$tap"
}

declare -A secs=()
for host in $hosts; do
    case $host in
        power9) machine=powernv9 ;;
        power8) machine=pseries,cap-nested-hv=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off ;;
    esac
    tap=$out/ppc-$host.tap
    rm -f "$tap"
    log "host $host: booting $release on -M $machine"
    start=$(date +%s)
    rc=0
    "$here/qemu-run.sh" --arch ppc64le --machine "$machine" --kernel "$kdir_out/vmlinux" \
        --timeout 600 --out "$tap" --log "$out/ppc-$host.log" \
        --script "$root/tools/testing/abi/guest-reference.sh" \
        "${modules[@]}" "$kdir_out/kvm-modules" "$abi_dir/kvm_ext_abi_test" >/dev/null || rc=$?
    secs[$host]=$(($(date +%s) - start))
    # 0 or 1: the suite ran (1: some test failed); 101/102: it ran and the
    # kernel warned (listed in the summary); anything else: no reference.
    if { ((rc > 1)) && ((rc != 101 && rc != 102)); } ||
        ! grep -q '^# ppc: [0-9]* tests' "$tap" 2>/dev/null; then
        log "host $host: the run did not complete (qemu-run.sh status $rc; console: $out/ppc-$host.log)"
        status=1
    fi
done

for host in $hosts; do
    echo
    if [[ -s $out/ppc-$host.tap ]]; then
        summary "$host" "$out/ppc-$host.tap" "${secs[$host]}"
        # The kernel's own complaints, with the message line before each.
        if grep -a -q -E 'WARNING:|BUG:|Oops' "$out/ppc-$host.log"; then
            echo "  kernel warnings in $out/ppc-$host.log:"
            tr -d '\r' <"$out/ppc-$host.log" | grep -a -B1 -E 'WARNING:|BUG:|Oops' | sed 's/^/      /'
        fi
    else
        echo "== ppc-$host: no output (see $out/ppc-$host.log)"
    fi
done
echo
echo "TAP: $out/ppc-{${hosts// /,}}.tap"
exit "$status"
