#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once, then cached) the kvm_ext debug kernel: Debian's linux-source-6.1
# (scripts/kernel-source.sh), x86_64, tinyconfig + scripts/debug-kernel.config
# (KUnit, KASAN, UBSAN, lockdep, kmemleak, fault injection, ...), and print its
# O= build directory.
#
#   scripts/debug-kernel.sh            -> the build directory: a KDIR for
#                                         `make -C DIR M=$PWD modules` (and for
#                                         KDIR=DIR scripts/kdir.sh / make module)
#   scripts/debug-kernel.sh --image    -> DIR/arch/x86/boot/bzImage
#                                         (for scripts/qemu-run.sh --kernel)
#   scripts/debug-kernel.sh --release  -> its kernel release (uname -r, vermagic)
#   options: --force (rebuild in place), --verbose (build output on stderr;
#            otherwise it goes to DIR/debug-kernel.log)
#
# Build directory: ~/.cache/kvm_ext/debug-kernel/<linux-source version>-<hash>
# where the hash covers the fragment, the compiler and this script's recipe;
# a complete build there is returned at once. Compiles go through Debian's
# ccache (~/.cache/kvm_ext/ccache). Concurrent callers serialise on a flock.
# Other builds in debug-kernel/ beyond the newest KVM_EXT_DEBUG_KEEP (default
# 2) are removed.
#
# After olddefconfig every line of the fragment is checked against .config;
# an option that did not survive fails the build with a list.
#
# Progress and errors go to stderr; stdout is only the path. Exit 1 on error.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}
fragment=$here/debug-kernel.config
# Bump when the build steps below change in a way that needs a fresh tree.
recipe=1
cc_bin=gcc-12

log() { echo "$prog: $*" >&2; }
die() {
    echo "$prog: error: $*" >&2
    exit 1
}
usage() {
    sed -n '/^#   scripts\/debug-kernel.sh  /,/^# Build directory/p' "${BASH_SOURCE[0]}" |
        sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit "$1"
}

what=dir force=0 verbose=0
while (($#)); do
    case $1 in
        --image) what=image ;;
        --release) what=release ;;
        --force) force=1 ;;
        --verbose | -v) verbose=1 ;;
        -h | --help) usage 0 ;;
        *) usage 2 ;;
    esac
    shift
done

[[ -r $fragment ]] || die "$fragment missing"
command -v "$cc_bin" >/dev/null || die "$cc_bin not found (run scripts/deps.sh)"
command -v ccache >/dev/null || die "ccache not found (apt-get install ccache; scripts/deps.sh)"
command -v flock >/dev/null || die "flock not found (util-linux)"

src=$("$here/kernel-source.sh") || die "scripts/kernel-source.sh failed"
[[ -f $src/Makefile ]] || die "no kernel tree at $src"

# <source version>: the Debian package version (its patches are in the tree),
# else the tree's own VERSION.PATCHLEVEL.SUBLEVEL.
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
if [[ -z $srcver ]]; then
    srcver=$(awk -F' *= *' '/^(VERSION|PATCHLEVEL|SUBLEVEL) *=/ { v = v (v == "" ? "" : ".") $2 }
        /^SUBLEVEL/ { print v; exit }' "$src/Makefile")
fi
[[ $srcver =~ ^[A-Za-z0-9.+~-]+$ ]] || die "odd source version '$srcver'"
ccver=$(LC_ALL=C "$cc_bin" --version | head -n 1)
hash=$({
    cat "$fragment"
    echo "recipe=$recipe cc=$ccver"
} | sha256sum | cut -c1-12)

base=$cache/debug-kernel
out=$base/$srcver-$hash
stamp=$out/.debug-kernel-complete
image=$out/arch/x86/boot/bzImage

result() {
    case $what in
        dir) printf '%s\n' "$out" ;;
        image) printf '%s\n' "$image" ;;
        release) cat "$out/include/config/kernel.release" ;;
    esac
}

complete() {
    [[ -f $stamp && $(<"$stamp") == "$hash" && -f $image && -f $out/Module.symvers &&
        -x $out/scripts/mod/modpost && -f $out/include/generated/utsrelease.h &&
        -f $out/include/config/kernel.release ]]
}

mkdir -p "$base"
exec 9>"$out.lock"
if ! flock -n 9; then
    log "waiting for another build of $out"
    flock 9
fi

if ((!force)) && complete; then
    result
    exit 0
fi

# ---------------------------------------------------------------- build
export CCACHE_DIR=$cache/ccache
# The compile commands already hash stably: the source tree has one absolute
# path and kbuild names O= paths relative to the build directory (./include).
# A base_dir covering the source tree would make ccache hand gcc
# ../../src/linux-source-6.1/... file names, which -fmacro-prefix-map no
# longer strips: WARN, BUG and UBSAN reports would print them.
unset CCACHE_BASEDIR
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}
cc="ccache $cc_bin"
jobs=$(nproc)

rm -f "$stamp"
mkdir -p "$out"
buildlog=$out/debug-kernel.log
: >"$buildlog"
# An M= build of an out-of-tree module runs make in this directory, so this
# Debian hook gives it the kernel's compiler (gcc-12, as in linux-headers);
# a plain `gcc` would trip the "compiler differs" warning.
printf 'CC = %s\n' "$cc_bin" >"$out/.kernelvariables"

run() { # step-name command...
    local name=$1
    shift
    log "$name"
    if ((verbose)); then
        "$@" 2>&1 | tee -a "$buildlog" >&2 || {
            log "$name failed (log: $buildlog)"
            exit 1
        }
    else
        "$@" >>"$buildlog" 2>&1 || {
            tail -n 60 "$buildlog" | sed 's/^/    /' >&2
            die "$name failed (full log: $buildlog)"
        }
    fi
}

kmake() { make -C "$src" O="$out" CC="$cc" "$@"; }

t0=$(date +%s)
log "building $srcver debug kernel in $out (log: $buildlog)"
run "make tinyconfig" kmake tinyconfig
# merge_config.sh leaves its temporary files in the current directory.
merge() { (cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment"); }
run "merge_config.sh $fragment" merge
run "make olddefconfig" kmake olddefconfig

# Every option of the fragment must have survived olddefconfig.
dropped=$(awk '
    FNR == NR {
        if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) {
            name = substr($0, 1, RLENGTH - 1); want[name] = substr($0, RLENGTH + 1)
        } else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
            want[$2] = "n"
        }
        next
    }
    match($0, /^CONFIG_[A-Za-z0-9_]+=/) { have[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1) }
    END {
        for (name in want) {
            got = (name in have) ? have[name] : "n"
            if (want[name] == "n" ? (got == "y" || got == "m") : (got != want[name]))
                printf "  %s: fragment %s, .config %s\n", name, want[name], \
                    (name in have) ? got : "not set"
        }
    }' "$fragment" "$out/.config" | sort)
if [[ -n $dropped ]]; then
    echo "$prog: error: options of $fragment that did not survive olddefconfig" \
        "(unmet dependency, or a choice/select overrides them):" >&2
    echo "$dropped" >&2
    die "fix $fragment (add what they depend on); .config is $out/.config"
fi

run "make -j$jobs bzImage modules" kmake -j"$jobs" bzImage modules
run "make modules_prepare" kmake modules_prepare
complete_files=("$image" "$out/Module.symvers" "$out/scripts/mod/modpost")
for f in "${complete_files[@]}"; do
    [[ -e $f ]] || die "build finished but $f is missing (log: $buildlog)"
done
echo "$hash" >"$stamp.tmp"
mv -f "$stamp.tmp" "$stamp"
log "built $(<"$out/include/config/kernel.release") in $(($(date +%s) - t0)) s: $out"

# ---------------------------------------------------------------- prune
# Keep the newest KVM_EXT_DEBUG_KEEP complete builds (this one included);
# skip any build another caller holds the lock of (lock files stay: a caller
# may be waiting on one).
keep=${KVM_EXT_DEBUG_KEEP:-2}
n=0
while IFS= read -r old; do
    old=${old%/.debug-kernel-complete}
    n=$((n + 1))
    ((n > keep)) || continue
    [[ $old != "$out" ]] || continue
    if (
        exec 8>"$old.lock"
        flock -n 8 || exit 1
        rm -rf "$old"
    ); then
        log "removed old build $old"
    fi
done < <(ls -1t "$base"/*/.debug-kernel-complete 2>/dev/null || true)

result
