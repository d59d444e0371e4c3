#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-suite.sh NAME BUILD_DIR COMMAND...
#
# Runs one suite of `make check`, echoing its output, and records how many
# tests passed and failed in BUILD_DIR/results/NAME.counts. It understands
# GoogleTest summaries, TAP ("ok"/"not ok", from the command's output or the
# file after --out) and "PASS: x"/"FAIL: x"/"SKIP: x" lines. A command that fails
# without reporting a failed test counts as one failure of its own: a suite
# can never pass by crashing or printing nothing.
set -uo pipefail

name=$1 build=$2
shift 2
mkdir -p "$build/results"
log=$build/results/$name.log

tapfile=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	[ "${args[i]}" = --out ] && tapfile=${args[i + 1]}
done
[ -n "$tapfile" ] && rm -f "$tapfile"

"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

count() { grep -cE "$1" "$2" 2>/dev/null || true; }

passed=0 failed=0
if grep -qE '^\[==========\] [0-9]+ tests? from' "$log"; then
	passed=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?.*/\1/p' "$log" | tail -1)
	failed=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below.*/\1/p' "$log" | tail -1)
	passed=${passed:-0} failed=${failed:-0}
fi
src=$log
[ -n "$tapfile" ] && [ -f "$tapfile" ] && src=$tapfile
# A TAP "ok ... # SKIP" is a skip, not a pass.
skipped=$(($(count '^ok [0-9]+.*# SKIP' "$src") + $(count '^SKIP: ' "$log")))
passed=$((passed + $(count '^ok [0-9]+' "$src") + $(count '^PASS: ' "$log")))
passed=$((passed - $(count '^ok [0-9]+.*# SKIP' "$src")))
failed=$((failed + $(count '^not ok [0-9]+' "$src") + $(count '^FAIL: ' "$log")))

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "FAIL: suite $name exited $rc without reporting a failed test" | tee -a "$log"
	failed=1
fi
if [ "$rc" -eq 0 ] && [ "$passed" -eq 0 ]; then
	echo "FAIL: suite $name ran no test" | tee -a "$log"
	failed=1
fi
echo "$passed $failed $skipped" > "$build/results/$name.counts"
echo "== suite $name: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
