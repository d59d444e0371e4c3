#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-tree.sh BUILD_DIR NAME: copies the working tree (without build/ and
# .git) to BUILD_DIR/NAME and prints that path. Kbuild builds an external
# module inside its source directory, so a second build of the module
# (against the debug kernel, or with KVM_EXT_KUNIT=y) gets a copy of its own
# instead of overwriting the stock build's objects. Timestamps are kept, so
# Kbuild rebuilds only what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$1/$2
mkdir -p "$dest"
tar -C "$root" --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.ko' \
	--exclude='.*.cmd' --exclude='*.mod' --exclude='*.mod.c' -cf - . | tar -C "$dest" -xf -
echo "$dest"
