#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prints the path of Debian's linux-source-6.1 tree, extracted once into
# ~/.cache/kvm_ext/src (checkpatch, kunit.py and the KUnit kernel use it).
set -euo pipefail
cache=${KVM_EXT_CACHE:-$HOME/.cache/kvm_ext}/src
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
if [ -z "$tarball" ]; then
	echo "kernel-source.sh: /usr/src/linux-source-6.1.tar.xz missing (scripts/deps.sh)" >&2
	exit 1
fi
tree=$cache/linux-source-6.1
stamp=$tree/.kvm_ext-extracted
if [ ! -f "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
	rm -rf "$tree"
	mkdir -p "$cache"
	tar -C "$cache" -xf "$tarball"
	touch "$stamp"
fi
echo "$tree"
