#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# summarize.sh RESULTS_DIR: totals over every suite `make check` ran, as the
# plain last line "N passed, N failed". Fails if any suite failed or if an
# expected suite left no record (it did not run at all).
set -uo pipefail
dir=$1
expected="static host qemu kunit debug detector-proof fuzz"
passed=0 failed=0 skipped=0
for s in $expected; do
	if [ ! -f "$dir/$s.counts" ]; then
		echo "suite $s: did not run"
		failed=$((failed + 1))
		continue
	fi
	read -r p f k < "$dir/$s.counts"
	k=${k:-0}
	echo "suite $s: $p passed, $f failed, $k skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
