#!/usr/bin/env bash
# Idempotent installer for everything kvm_ext needs to build and test (Debian 12).
#
#   scripts/deps.sh           install whatever is missing (apt-get update once, then install)
#   scripts/deps.sh --check   only report; exit 1 if something is missing
#
# Fast path: when every package is already installed this does a single dpkg-query
# and exits (no apt, no network). Extra packages can be added with
# KVM_EXT_EXTRA_PKGS="pkg1 pkg2".
set -euo pipefail

prog=${0##*/}

PKGS=(
    build-essential gcc-12 g++-12 make
    linux-headers-amd64 linux-kbuild-6.1
    qemu-system-x86 busybox-static cpio kmod gzip
    sparse ccache
    libgtest-dev googletest cmake
    clang clang-format libclang-rt-14-dev llvm-14
    python3 python3-docutils
    linux-libc-dev-arm64-cross linux-libc-dev-ppc64el-cross linux-libc-dev-s390x-cross
    gcc-12-aarch64-linux-gnu g++-12-aarch64-linux-gnu gcc-aarch64-linux-gnu
    binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
    linux-source-6.1
    bc flex bison libelf-dev libssl-dev dwarves zstd xz-utils
    shellcheck
)
if [[ -n ${KVM_EXT_EXTRA_PKGS:-} ]]; then
    read -r -a extra <<<"$KVM_EXT_EXTRA_PKGS"
    PKGS+=("${extra[@]}")
fi

check_only=0
case ${1:-} in
    '') ;;
    --check) check_only=1 ;;
    -h | --help)
        echo "usage: $prog [--check]"
        exit 0
        ;;
    *)
        echo "usage: $prog [--check]" >&2
        exit 2
        ;;
esac

# Print the packages from PKGS that are not fully installed.
missing_pkgs() {
    local -A ok=()
    local pkg status
    # dpkg-query exits non-zero (and complains on stderr) for unknown packages; that
    # just means "missing" here.
    while IFS=' ' read -r pkg status; do
        [[ $status == 'install ok installed' ]] && ok[${pkg%%:*}]=1
    done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null || true)
    for pkg in "${PKGS[@]}"; do
        [[ -n ${ok[$pkg]:-} ]] || printf '%s\n' "$pkg"
    done
}

mapfile -t missing < <(missing_pkgs)
if ((${#missing[@]} == 0)); then
    echo "$prog: all ${#PKGS[@]} packages already installed"
    exit 0
fi

echo "$prog: missing packages: ${missing[*]}"
if ((check_only)); then
    exit 1
fi

SUDO=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "$prog: error: not root and sudo is not available; install as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

echo "$prog: running apt-get update"
"${SUDO[@]}" apt-get update
echo "$prog: installing: ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"

mapfile -t still < <(missing_pkgs)
if ((${#still[@]} != 0)); then
    echo "$prog: error: still missing after install: ${still[*]}" >&2
    exit 1
fi
echo "$prog: done"
