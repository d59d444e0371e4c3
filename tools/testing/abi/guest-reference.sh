#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of a reference run (scripts/reference-ppc.sh): the conformance
# suite against the distribution's real /dev/kvm, not kvm_ext.
#
#   scripts/qemu-run.sh --arch ppc64le --script tools/testing/abi/guest-reference.sh \
#       kvm.ko kvm-hv.ko kvm-modules kvm_ext_abi_test
#
# Runs in /opt/kvm_ext (busybox sh): loads the modules named in kvm-modules
# (one a line, dependencies first), prints what the host is, runs
# kvm_ext_abi_test --personality $REF_PERSONALITY (default ppc) /dev/kvm.
# Exits with the suite's status (1: some test failed), 90 when the setup
# failed (no module, no /dev/kvm).

cd /opt/kvm_ext 2>/dev/null || cd "$(dirname "$0")" || exit 90

personality=${REF_PERSONALITY:-ppc}
ABI_TIMEOUT=${ABI_TIMEOUT:-300}

while read -r m; do
	[ -n "$m" ] || continue
	if ! insmod "./$m"; then
		echo "# reference: insmod $m failed"
		exit 90
	fi
done <kvm-modules

if [ ! -c /dev/kvm ]; then
	echo "# reference: no /dev/kvm after loading $(tr '\n' ' ' <kvm-modules)"
	exit 90
fi

echo "# reference: kernel $(uname -r)"
sed -n 's/^\(cpu\|platform\|model\|machine\)[[:space:]]*: */# reference: \1: /p' /proc/cpuinfo |
	sort -u
echo "# reference: $(grep -c '^processor' /proc/cpuinfo) CPUs, modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"

timeout "$ABI_TIMEOUT" ./kvm_ext_abi_test --personality "$personality" /dev/kvm
