#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# summarize.sh RESULTS_DIR [EXPECTED_COUNTS]: totals over every suite
# `make check` ran, as the plain last line "N passed, N failed". Fails if
# any suite failed, if an expected suite left no record (it did not run at
# all), or if a suite ran another number of tests (passed + failed +
# skipped) than EXPECTED_COUNTS pins for it (default
# tools/testing/expected-counts); each of those counts as one failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
pinned=${2:-$root/tools/testing/expected-counts}
expected="static host qemu arm64 qemu-client kunit debug detector-proof fuzz selftests"
passed=0 failed=0 skipped=0

# want SUITE: the pinned count, empty if the suite has none.
want() {
	awk -v s="$1" '$1 == s && $2 ~ /^[0-9]+$/ { print $2; exit }' "$pinned" 2>/dev/null
}
if [ ! -r "$pinned" ]; then
	echo "FAIL: no pinned test counts ($pinned)"
	failed=$((failed + 1))
fi

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
	[ -r "$pinned" ] || continue
	n=$(want "$s")
	if [ -z "$n" ]; then
		echo "FAIL: suite $s: no count pinned in $pinned"
		failed=$((failed + 1))
	elif [ "$((p + f + k))" -ne "$n" ]; then
		echo "FAIL: suite $s ran $((p + f + k)) tests, expected $n ($pinned)"
		failed=$((failed + 1))
	fi
done
# Skipped tests count as neither; the last line is CI's plain total.
[ "$skipped" -gt 0 ] && echo "$skipped skipped (neither passed nor failed)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
