#!/usr/bin/env bash
# Boot Debian's stock kernel under QEMU with a throw-away busybox initramfs, run a
# guest script, and judge the result from the guest exit status, the console log and
# the kernel taint flags.
#
# usage: scripts/qemu-run.sh [options] --script GUEST_SCRIPT [FILE...]
#
#   --script FILE       guest script; becomes /opt/kvm_ext/guest.sh and is run as
#                       `cd /opt/kvm_ext && sh ./guest.sh` (required)
#   FILE...             copied to /opt/kvm_ext/<basename> (modes kept; directories
#                       are copied recursively)
#   --modules-from DIR  also copy every *.ko found below DIR to /opt/kvm_ext/<basename>
#   --kernel PATH       bzImage to boot (default: scripts/kernel-image.sh)
#   --timeout SEC       wall-clock limit for the whole QEMU run (default 600)
#   --guest-timeout SEC limit for the guest script alone, enforced inside the guest
#                       (default: TIMEOUT - max(15, TIMEOUT/10); 0 = off). When it
#                       fires, blocked tasks and CPU backtraces (sysrq w, l) are dumped
#                       to the console, the guest processes are killed and the run is
#                       reported as a timeout.
#   --log FILE          full serial console log (default: temp file, kept on failure)
#   --out FILE          guest script output only (the lines between the BEGIN/END
#                       markers, \r stripped, "[  12.345678] ..." lines dropped)
#   --mem MB            guest RAM (default 1024)
#   --smp N             guest CPUs (default 2)
#   --append ARGS       extra kernel command line arguments
#   --env NAME=VALUE    export NAME=VALUE to the guest script (repeatable)
#   --allow-taint LETTERS  taint flags that do not fail the run (default OE:
#                       O = out-of-tree module, E = unsigned module)
#   --accel tcg|kvm     (default tcg, or $KVM_EXT_ACCEL). KVM is opt-in: a /dev/kvm
#                       that exists is not necessarily usable (nested virt can hang)
#   --arch ARCH         x86_64 (default), arm64 or ppc64le: the guest architecture.
#                       arm64 boots Debian's arm64 Image (scripts/arm64-kernel.sh, or
#                       --kernel) on -M virt with EL2 (nested KVM), TCG, 2048 MB, its
#                       output replayed on the console as powernv9's. ppc64le
#                       boots a vmlinux (--kernel is required) with TCG, a ppc64el
#                       busybox, the console on hvc0, and stops with poweroff
#   --machine M         QEMU -M value. arm64: virt,virtualization=on,gic-version=3
#                       (default). ppc64le: powernv9 (default, skiboot) or
#                       pseries[,props]; pseries gets a second vty (hvc1) for the
#                       guest output, powernv9 has one console, where the guest
#                       output is replayed at the end between DUMP markers
#
# Exit status: 0 = pass. 1..99 = the guest script failed cleanly with that status
# (clamped to 99). 100+ = something else went wrong:
#   100 harness/usage error, QEMU did not start
#   101 kernel error pattern in the console log (WARNING:, BUG:, Oops, ...)
#   102 forbidden taint flags
#   103 no END marker (panic, reboot, init died)
#   104 timeout / hang (host timeout or guest watchdog)
#   105 QEMU exit status inconsistent with the guest status (isa-debug-exit failed)
# When several apply: 100 > 104 > 103 > 101 > 102 > 105 > guest status.
#
# Guest output is echoed live on stdout; harness messages go to stderr.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}

# Console-log patterns (extended regexps) that fail a run. Keep them all here.
BAD_PATTERNS=(
    'Kernel panic'
    'BUG:'
    'kernel BUG at'
    'WARNING:'
    'Oops'
    'general protection fault'
    'UBSAN:'
    'KASAN:'
    'KFENCE:'
    'possible circular locking'
    'INFO: task'
    'detected stalls on CPU'
    'Call Trace:'
    'kmemleak: [0-9]+ new suspected memory leak'
)

# /proc/sys/kernel/tainted bit -> letter (include/linux/panic.h, 6.1)
TAINT_LETTERS=(P F S R M B U D A W C I O E L K X T N)

BEGIN_MARK='@@KVM_EXT_BEGIN@@'
END_RE='@@KVM_EXT_END rc=[0-9]+ tainted=[0-9]+@@'

log() { echo "$prog: $*" >&2; }
die() {
    echo "$prog: error: $*" >&2
    exit 100
}

usage() { # exit code
    sed -n '/^# usage:/,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit "$1"
}

# ---------------------------------------------------------------- arguments
kernel='' timeout=600 guest_timeout='' logfile='' outfile='' mem=1024 smp=2 modules_from=''
script='' extra_append='' allow_taint=OE accel=${KVM_EXT_ACCEL:-tcg} arch=x86_64 machine=''
mem_set=0
envs=()
files=()

while (($#)); do
    arg=$1
    shift
    val=''
    case $arg in
        --*=*)
            val=${arg#*=}
            arg=${arg%%=*}
            set -- "$val" "$@"
            ;;
    esac
    case $arg in
        --kernel | --timeout | --guest-timeout | --log | --out | --mem | --smp | --modules-from | --script | \
            --append | --env | --allow-taint | --accel | --arch | --machine)
            (($#)) || die "$arg needs an argument"
            val=$1
            shift
            ;;
    esac
    case $arg in
        --kernel) kernel=$val ;;
        --timeout) timeout=$val ;;
        --guest-timeout) guest_timeout=$val ;;
        --log) logfile=$val ;;
        --out) outfile=$val ;;
        --mem)
            mem=$val
            mem_set=1
            ;;
        --smp) smp=$val ;;
        --modules-from) modules_from=$val ;;
        --script) script=$val ;;
        --append) extra_append+=" $val" ;;
        --env) envs+=("$val") ;;
        --allow-taint) allow_taint=$val ;;
        --accel) accel=$val ;;
        --arch) arch=$val ;;
        --machine) machine=$val ;;
        -h | --help) usage 0 ;;
        --)
            files+=("$@")
            break
            ;;
        -*) die "unknown option $arg (see --help)" ;;
        *) files+=("$arg") ;;
    esac
done

[[ -n $script ]] || die "--script GUEST_SCRIPT is required (see --help)"
[[ -f $script ]] || die "guest script $script not found"
[[ $timeout =~ ^[0-9]+$ && $timeout -gt 0 ]] || die "--timeout must be a positive integer"
if [[ -z $guest_timeout ]]; then
    margin=$((timeout / 10 > 15 ? timeout / 10 : 15))
    guest_timeout=$((timeout - margin))
    ((guest_timeout >= 5)) || guest_timeout=0
fi
[[ $guest_timeout =~ ^[0-9]+$ ]] || die "--guest-timeout must be a non-negative integer"
[[ $mem =~ ^[0-9]+$ && $mem -ge 128 ]] || die "--mem must be an integer >= 128 (MB)"
[[ $smp =~ ^[0-9]+$ && $smp -ge 1 ]] || die "--smp must be a positive integer"
[[ $allow_taint =~ ^[A-Z]*$ ]] || die "--allow-taint takes taint letters, e.g. OE"
for f in "${files[@]}"; do
    [[ -e $f ]] || die "file $f not found"
done
if [[ -n $modules_from ]]; then
    [[ -d $modules_from ]] || die "--modules-from $modules_from is not a directory"
fi
for e in "${envs[@]}"; do
    [[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env wants NAME=VALUE, got '$e'"
done
case $accel in
    tcg | kvm) ;;
    *) die "--accel must be tcg or kvm" ;;
esac
# Per architecture: QEMU, the Debian architecture of busybox, the console, the
# clean channel for the guest output (empty: replayed on the console) and how
# the guest stops (debug-exit: isa-debug-exit; poweroff: QEMU exits 0).
case $arch in
    x86_64)
        [[ -z $machine ]] || die "--machine is for --arch ppc64le and arm64"
        qemu_bin=qemu-system-x86_64 deb_arch=amd64 console=ttyS0 out_tty=ttyS1 exit_how=debug-exit
        ;;
    ppc64le)
        [[ $accel == tcg ]] || die "--arch ppc64le runs with TCG only"
        [[ -n $kernel ]] || die "--arch ppc64le needs --kernel (a ppc64le vmlinux)"
        machine=${machine:-powernv9}
        ((mem_set)) || mem=2048
        qemu_bin=qemu-system-ppc64 deb_arch=ppc64el console=hvc0 exit_how=poweroff
        case $machine in
            pseries*) out_tty=hvc1 ;;
            powernv*) out_tty='' ;;
            *) die "--machine: powernv9 or pseries[,props]" ;;
        esac
        ;;
    arm64)
        [[ $accel == tcg ]] || die "--arch arm64 runs with TCG only"
        machine=${machine:-virt,virtualization=on,gic-version=3}
        [[ $machine == virt* ]] || die "--machine: virt[,props] for --arch arm64"
        ((mem_set)) || mem=2048
        qemu_bin=qemu-system-aarch64 deb_arch=arm64 console=ttyAMA0 out_tty='' exit_how=poweroff
        ;;
    *) die "--arch must be x86_64, ppc64le or arm64" ;;
esac

# ---------------------------------------------------------------- host tools
need_deps=0
for c in "$qemu_bin" cpio gzip timeout tail; do
    command -v "$c" >/dev/null 2>&1 || need_deps=1
done
if ((need_deps)); then
    log "missing host tools; running scripts/deps.sh"
    extra=${KVM_EXT_EXTRA_PKGS:-}
    case $arch in
        ppc64le) extra+=" qemu-system-ppc" ;;
        arm64) extra+=" qemu-system-arm" ;;
    esac
    KVM_EXT_EXTRA_PKGS=$extra "$here/deps.sh" >&2 || die "scripts/deps.sh failed"
fi

# A static busybox, cached so that a dynamic /bin/busybox on the host does not matter.
# Another architecture's comes from busybox-static:<arch> (dpkg must list that
# architecture: dpkg --add-architecture, apt-get update).
busybox_bin() {
    local bb=$cache/busybox/busybox tmp deb pkg=busybox-static
    if [[ $deb_arch != amd64 ]]; then
        bb=$cache/busybox-$deb_arch/busybox
        pkg=busybox-static:$deb_arch
    fi
    if [[ -x $bb ]]; then
        printf '%s\n' "$bb"
        return
    fi
    mkdir -p "${bb%/*}"
    if [[ $deb_arch == amd64 &&
        $(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null || true) == 'install ok installed' &&
        -x /bin/busybox ]]; then
        cp /bin/busybox "$bb.tmp.$$"
    else
        log "fetching $pkg into $cache/deb (not installing it)"
        mkdir -p "$cache/deb"
        local opts=()
        ((EUID == 0)) && opts=(-o APT::Sandbox::User=root)
        (cd "$cache/deb" && apt-get "${opts[@]}" download "$pkg") >&2 ||
            die "cannot download $pkg (run scripts/deps.sh; for $deb_arch: dpkg --add-architecture $deb_arch && apt-get update)"
        deb=$(compgen -G "$cache/deb/busybox-static_*_$deb_arch.deb" | sort -V | tail -n 1)
        tmp=$(mktemp -d)
        dpkg-deb -x "$deb" "$tmp"
        cp "$tmp/bin/busybox" "$bb.tmp.$$"
        rm -rf "$tmp"
    fi
    if command -v readelf >/dev/null 2>&1 && readelf -l "$bb.tmp.$$" 2>/dev/null | grep -q INTERP; then
        rm -f "$bb.tmp.$$"
        die "the busybox binary is dynamically linked; install busybox-static"
    fi
    chmod 0755 "$bb.tmp.$$"
    mv -f "$bb.tmp.$$" "$bb"
    printf '%s\n' "$bb"
}
busybox=$(busybox_bin)

if [[ -z $kernel && $arch == arm64 ]]; then
    kernel=$("$here/arm64-kernel.sh" --image) || die "cannot get the arm64 kernel (scripts/arm64-kernel.sh failed)"
elif [[ -z $kernel ]]; then
    kernel=$("$here/kernel-image.sh") || die "cannot get a kernel image (scripts/kernel-image.sh failed)"
fi
[[ -f $kernel ]] || die "kernel image $kernel not found"

# ---------------------------------------------------------------- work dir
work=$(mktemp -d "${TMPDIR:-/tmp}/kvm_ext-qemu.XXXXXX")
qpid=''
echo_pid=''
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    if [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null; then
        kill "$qpid" 2>/dev/null || true
    fi
    if [[ -n $echo_pid ]] && kill -0 "$echo_pid" 2>/dev/null; then
        kill "$echo_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 100' INT TERM

root=$work/root
opt=$root/opt/kvm_ext
mkdir -p "$opt" "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc,run,mnt,lib/modules}

# busybox + applet symlinks (made on the host when it runs there; /init runs
# busybox --install for another architecture's)
cp "$busybox" "$root/bin/busybox"
if [[ $arch == x86_64 ]]; then
    while IFS= read -r applet; do
        [[ -n $applet && $applet != bin/busybox ]] || continue
        if [[ $applet == */* && ! -d $root/${applet%/*} ]]; then mkdir -p "$root/${applet%/*}"; fi
        [[ -e $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
    done < <("$busybox" --list-full)
fi
[[ -e $root/bin/sh ]] || ln -s busybox "$root/bin/sh"

declare -A seen=()
add_file() {
    local src=$1 base
    base=$(basename "$src")
    [[ $base != guest.sh ]] || die "a FILE may not be called guest.sh (reserved for --script)"
    [[ -z ${seen[$base]:-} ]] || die "two files named $base (${seen[$base]} and $src)"
    seen[$base]=$src
    cp -RL --preserve=mode "$src" "$opt/$base"
}
for f in "${files[@]}"; do
    add_file "$f"
done
if [[ -n $modules_from ]]; then
    nko=0
    while IFS= read -r -d '' ko; do
        add_file "$ko"
        nko=$((nko + 1))
    done < <(find "$modules_from" -name '*.ko' -type f -print0 | LC_ALL=C sort -z)
    ((nko)) || log "warning: no *.ko files below $modules_from"
fi
cp "$script" "$opt/guest.sh"
echo "KVM_EXT_GUEST_TIMEOUT=$guest_timeout" >"$root/etc/kvm_ext.conf"
printf 'KVM_EXT_OUT_TTY=%s\nKVM_EXT_EXIT=%s\n' "$out_tty" "$exit_how" >"$root/etc/kvm_ext.arch"
chmod 0755 "$opt/guest.sh"

# Environment for the guest script (single-quoted for busybox sh).
: >"$root/etc/kvm_ext.env"
for e in "${envs[@]}"; do
    name=${e%%=*}
    value=${e#*=}
    printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}" >>"$root/etc/kvm_ext.env"
done

cat >"$root/init" <<'EOF'
#!/bin/sh
# kvm_ext test initramfs /init (generated by scripts/qemu-run.sh)
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
[ -e /bin/mount ] || /bin/busybox --install -s
. /etc/kvm_ext.arch
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
exec </dev/null >/dev/console 2>&1
hostname kvm-ext
ulimit -c 0

# Clean channel for the guest output: the second QEMU serial port or vty; with
# none, a file that is replayed on the console at the end (appended to: tee -a
# below opens it again).
if [ -z "$KVM_EXT_OUT_TTY" ]; then
    exec 3>>/tmp/.kvm_ext_out
elif stty -F "/dev/$KVM_EXT_OUT_TTY" raw -echo 2>/dev/null && exec 3>"/dev/$KVM_EXT_OUT_TTY"; then
    :
else
    echo "kvm_ext-init: warning: /dev/$KVM_EXT_OUT_TTY unusable, guest output only on the console"
    exec 3>/dev/null
fi
mark() {
    echo "$1"
    echo "$1" >&3
}

echo "kvm_ext-init: kernel $(uname -r), userspace up at $(cut -d' ' -f1 /proc/uptime)s"
. /etc/kvm_ext.env
mark "@@KVM_EXT_BEGIN@@"
rm -f /tmp/.kvm_ext_rc /tmp/.kvm_ext_timeout
KVM_EXT_GUEST_TIMEOUT=0
. /etc/kvm_ext.conf
wd=''
if [ "$KVM_EXT_GUEST_TIMEOUT" -gt 0 ]; then
    # Guest-side watchdog: dump state while the kernel is still alive, then kill
    # every process except init (kill -1 spares the caller and pid 1).
    (
        sleep "$KVM_EXT_GUEST_TIMEOUT"
        : >/tmp/.kvm_ext_timeout
        echo "kvm_ext-init: TIMEOUT: guest script still running after ${KVM_EXT_GUEST_TIMEOUT}s; sysrq w+l dump follows"
        echo w >/proc/sysrq-trigger
        echo l >/proc/sysrq-trigger
        kill -TERM -1
        sleep 2
        kill -KILL -1
    ) 3>&- &
    wd=$!
fi
# stdout+stderr of the guest go to the console and, via tee, to ttyS1.
(
    cd /opt/kvm_ext && sh ./guest.sh </dev/null 3>&-
    echo $? >/tmp/.kvm_ext_rc
) 2>&1 | tee -a /proc/self/fd/3
if [ -n "$wd" ]; then
    if [ -f /tmp/.kvm_ext_timeout ]; then wait "$wd"; else kill "$wd" 2>/dev/null; fi
fi
rc=$(cat /tmp/.kvm_ext_rc 2>/dev/null)
case $rc in '' | *[!0-9]*) rc=125 ;; esac
[ -f /tmp/.kvm_ext_timeout ] && rc=124
tainted=$(cat /proc/sys/kernel/tainted)
mark "@@KVM_EXT_END rc=$rc tainted=$tainted@@"

# Closing the last fd of a serial tty waits until its output has been sent, so the
# END marker is really out before QEMU goes away.
exec 3>&-
if [ -z "$KVM_EXT_OUT_TTY" ]; then
    # The replay, with no kernel messages in between (console loglevel 1).
    echo 1 >/proc/sys/kernel/printk
    echo "@@KVM_EXT_DUMP_BEGIN@@"
    cat /tmp/.kvm_ext_out
    echo "@@KVM_EXT_DUMP_END@@"
fi
exec >/dev/null 2>&1
if [ "$KVM_EXT_EXIT" = poweroff ]; then
    poweroff -f
    sleep 5
fi

code=$rc
[ "$code" -gt 127 ] && code=127
# isa-debug-exit (iobase 0xf4): QEMU exits with status (code << 1) | 1.
printf "\\$(printf %o "$code")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
sleep 2
echo "kvm_ext-init: isa-debug-exit did not stop QEMU; powering off" >/dev/console
poweroff -f
sleep 5
EOF
chmod 0755 "$root/init"

# A tiny uncompressed newc archive with /dev/console (the kernel opens it for init's
# stdio before /init runs); written by hand so no root/mknod is needed.
cpio_entry() { # ino name mode(octal) nlink rdev_major rdev_minor
    local ino=$1 name=$2 mode=$3 nlink=$4 maj=$5 min=$6 namesize pad
    namesize=$((${#name} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$ino" "$((8#$mode))" 0 0 "$nlink" 0 0 0 0 "$maj" "$min" "$namesize" 0
    printf '%s\0' "$name"
    pad=$(((4 - (110 + namesize) % 4) % 4))
    if ((pad)); then head -c "$pad" /dev/zero; fi
}
initrd=$work/initrd.img
{
    cpio_entry 1 dev 040755 2 0 0
    cpio_entry 2 dev/console 020600 1 5 1
    cpio_entry 0 'TRAILER!!!' 0 1 0 0
} >"$initrd"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
    cpio --null --quiet -o -H newc -R 0:0) | gzip -1 >>"$initrd" ||
    die "building the initramfs failed"

# ---------------------------------------------------------------- QEMU
console_log=$work/console.log
guest_raw=$work/guest.raw
: >"$console_log"
: >"$guest_raw"

append="console=$console loglevel=7 panic=-1 oops=panic panic_on_warn=0 printk.devkmsg=on${extra_append}"
con_chr="file,id=con0,path=${console_log//,/,,}"
out_chr="file,id=out0,path=${guest_raw//,/,,}"
if [[ $arch == x86_64 ]]; then
    # shellcheck disable=SC2054  # the commas are QEMU option syntax
    qemu=(qemu-system-x86_64
        -machine pc -m "$mem" -smp "$smp"
        -nodefaults -display none -no-reboot
        -kernel "$kernel" -initrd "$initrd" -append "$append"
        -chardev "$con_chr" -serial chardev:con0
        -chardev "$out_chr" -serial chardev:out0
        -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    if [[ $accel == kvm ]]; then
        qemu+=(-accel kvm -cpu host)
    else
        qemu+=(-accel tcg -cpu max)
    fi
elif [[ $arch == arm64 ]]; then
    # Nested virtualization: the guest kernel starts at EL2 and KVM runs its
    # own guests. pauth-impdef: pointer authentication with QEMU's cheap
    # hash instead of QARMA5, whose TCG emulation dominates a boot.
    # shellcheck disable=SC2054  # the commas are QEMU option syntax
    qemu=(qemu-system-aarch64
        -machine "$machine" -cpu max,pauth-impdef=on -accel tcg -m "$mem" -smp "$smp"
        -nodefaults -display none -no-reboot
        -kernel "$kernel" -initrd "$initrd" -append "$append"
        -chardev "$con_chr" -serial chardev:con0)
else
    qemu=(qemu-system-ppc64
        -machine "$machine" -cpu POWER9 -accel tcg -m "$mem" -smp "$smp"
        -nodefaults -display none -no-reboot
        -kernel "$kernel" -initrd "$initrd" -append "$append"
        -chardev "$con_chr")
    if [[ -n $out_tty ]]; then
        # shellcheck disable=SC2054  # the commas are QEMU option syntax
        qemu+=(-device spapr-vty,chardev=con0 -chardev "$out_chr" -device spapr-vty,chardev=out0)
    else
        # The BMC that -nodefaults leaves out: skiboot powers off through it.
        # shellcheck disable=SC2054  # the commas are QEMU option syntax
        qemu+=(-serial chardev:con0 -device ipmi-bmc-sim,id=bmc0
            -device isa-ipmi-bt,bmc=bmc0,irq=10)
    fi
fi

log "booting ${kernel} ($arch${machine:+ $machine}, accel=$accel, ${mem} MB, ${smp} CPUs, timeout ${timeout}s)"
start=$(date +%s.%N)
timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$work/qemu.stdout" 2>&1 &
qpid=$!
# Live echo of the guest output (of the console when there is no clean channel).
live=$guest_raw
[[ -n $out_tty ]] || live=$console_log
tail -n +1 -s 0.2 --pid="$qpid" -f "$live" 2>/dev/null |
    sed -u -e 's/\r$//' -e '/^@@KVM_EXT_/d' &
echo_pid=$!
qrc=0
wait "$qpid" || qrc=$?
qpid=''
wait "$echo_pid" || true
echo_pid=''
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# ---------------------------------------------------------------- verdict
tr -d '\r' <"$console_log" >"$work/console.txt"
if [[ -n $out_tty ]]; then
    tr -d '\r' <"$guest_raw" >"$work/guest.txt"
else
    awk '/^@@KVM_EXT_DUMP_BEGIN@@$/ { on = 1; next }
        /^@@KVM_EXT_DUMP_END@@$/ { on = 0; next }
        on { print }' "$work/console.txt" >"$work/guest.txt"
fi

if [[ -n $logfile ]]; then
    cp "$console_log" "$logfile" || log "warning: cannot write --log $logfile"
fi

# Lines between the markers of the clean channel, minus kernel-style "[ ts]" lines.
awk -v b="$BEGIN_MARK" '
    $0 == b { on = 1; next }
    /^@@KVM_EXT_END / { on = 0; next }
    on && !/^\[ *[0-9]+\.[0-9]+\]/ { print }' "$work/guest.txt" >"$work/out.txt"
if [[ -n $outfile ]]; then
    cp "$work/out.txt" "$outfile" || log "warning: cannot write --out $outfile"
fi

end_line=$(grep -a -h -o -E "$END_RE" "$work/guest.txt" "$work/console.txt" | tail -n 1 || true)
guest_rc='' tainted=''
if [[ -n $end_line ]]; then
    guest_rc=$(sed -E 's/.*rc=([0-9]+).*/\1/' <<<"$end_line")
    tainted=$(sed -E 's/.*tainted=([0-9]+).*/\1/' <<<"$end_line")
fi
up_at=$(sed -n 's/^kvm_ext-init: .*userspace up at \([0-9.]*\)s.*/\1/p' "$work/console.txt" | head -n 1)

# Kernel error patterns: scan the console, ignoring (as a multiset) the lines that are
# just the guest output echoed there, and stopping at a guest-watchdog timeout.
bad_re=$(
    IFS='|'
    echo "${BAD_PATTERNS[*]}"
)
awk -v re="$bad_re" '
    NR == FNR { n[$0]++; next }
    /^kvm_ext-init: TIMEOUT/ { exit }   # the sysrq dump after this is expected
    /^@@KVM_EXT_DUMP_BEGIN@@$/ { dump = 1; next }   # the replay of the guest output
    /^@@KVM_EXT_DUMP_END@@$/ { dump = 0; next }
    dump { next }
    ($0 in n) && n[$0] > 0 { n[$0]--; next }
    $0 ~ re { print }' "$work/guest.txt" "$work/console.txt" >"$work/bad.txt"

decode_taint() { # value -> letters (unknown bits as #N)
    local v=$1 bit s=''
    for ((bit = 0; bit < 63; bit++)); do
        if (((v >> bit) & 1)); then
            if ((bit < ${#TAINT_LETTERS[@]})); then s+=${TAINT_LETTERS[bit]}; else s+="#$bit"; fi
        fi
    done
    printf '%s\n' "${s:-none}"
}
bad_taint() { # value -> letters that are not allowed
    local v=$1 bit s='' l
    for ((bit = 0; bit < 63; bit++)); do
        if (((v >> bit) & 1)); then
            if ((bit < ${#TAINT_LETTERS[@]})); then l=${TAINT_LETTERS[bit]}; else l="#$bit"; fi
            [[ $allow_taint == *"$l"* ]] || s+=$l
        fi
    done
    printf '%s\n' "$s"
}

status=0
reasons=()
# Exit code precedence when several things fail (most significant first).
PRECEDENCE=(100 104 103 101 102 105)
rank() { # code -> rank (lower is more significant; guest rc ranks last)
    local i
    for i in "${!PRECEDENCE[@]}"; do
        if (($1 == PRECEDENCE[i])); then
            echo "$i"
            return
        fi
    done
    echo 99
}
fail() { # code reason
    reasons+=("$2")
    if ((status == 0 || $(rank "$1") < $(rank "$status"))); then status=$1; fi
}

guest_tmo=$(grep -a -m1 '^kvm_ext-init: TIMEOUT' "$work/console.txt" || true)
if [[ -n $guest_tmo ]]; then
    fail 104 "timeout: guest script did not finish within ${guest_timeout}s (guest watchdog; sysrq w/l dump is in the console log)"
fi
if ((qrc == 124 || qrc == 137)); then
    if [[ -n $end_line ]]; then
        fail 104 "timeout: the guest finished ($end_line) but QEMU did not exit within ${timeout}s"
    else
        fail 104 "timeout: no result after ${timeout}s (guest hang?)"
    fi
elif [[ -z $end_line ]]; then
    if grep -a -q 'Kernel panic' "$work/console.txt"; then
        fail 103 "kernel panic before the guest script finished: $(grep -a -m1 'Kernel panic' "$work/console.txt")"
    elif ((qrc == 0)); then
        fail 103 "the guest rebooted/powered off before the END marker (crash or init died)"
    elif ! grep -a -q 'Linux version' "$work/console.txt"; then
        fail 100 "QEMU exited with status $qrc before the kernel booted: $(head -c 2000 "$work/qemu.stdout")"
    else
        fail 103 "QEMU exited with status $qrc without an END marker"
    fi
else
    code=$guest_rc
    ((code > 127)) && code=127
    if ((guest_rc != 0)) && [[ -z $guest_tmo ]]; then
        fail "$((guest_rc > 99 ? 99 : guest_rc))" "guest script exited with rc=$guest_rc"
    fi
    if [[ $exit_how == poweroff ]]; then
        if ((qrc != 0)); then
            fail 105 "QEMU exit status $qrc after the guest's poweroff (expected 0)"
        fi
    elif ((qrc != (code << 1 | 1))); then
        fail 105 "QEMU exit status $qrc does not match guest rc=$guest_rc (expected $((code << 1 | 1)); isa-debug-exit / /dev/port write failed?)"
    fi
fi
if [[ -n $tainted ]]; then
    bt=$(bad_taint "$tainted")
    if [[ -n $bt ]]; then
        fail 102 "kernel tainted=$tainted ($(decode_taint "$tainted")): flags $bt not allowed (allowed: ${allow_taint:-none})"
    fi
fi
if [[ -s $work/bad.txt ]]; then
    fail 101 "kernel error messages in the console log ($(wc -l <"$work/bad.txt") lines)"
fi

timing="${elapsed}s wall"
[[ -n $up_at ]] && timing+=", guest userspace at ${up_at}s"
if ((status == 0)); then
    log "PASS (guest rc=0, tainted=$tainted ($(decode_taint "$tainted")), $timing)"
    exit 0
fi

log "FAIL ($timing):"
for r in "${reasons[@]}"; do
    log "  - $r"
done
if [[ -s $work/bad.txt ]]; then
    log "offending console lines:"
    head -n 40 "$work/bad.txt" | sed 's/^/    /' >&2
fi
if [[ -z $end_line || $status -ge 103 ]]; then
    log "last console lines:"
    tail -n 40 "$work/console.txt" | sed 's/^/    /' >&2
fi
if [[ -n $logfile ]]; then
    log "full console log: $logfile"
else
    keep=$(mktemp "${TMPDIR:-/tmp}/kvm_ext-console.XXXXXX")
    cp "$console_log" "$keep"
    log "full console log kept in $keep"
fi
exit "$status"
