#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh MODE BUILD_DIR [NAME]: runs BUILD_DIR/NAME_fuzzer (NAME spine, the
# default, vgic_its, xics, xics_xive, xive_native, mpic or s390; make -C tools/testing/fuzz O=BUILD_DIR) over a
# writable copy of corpus/NAME/ (if there is one) and prints one "PASS:
# fuzz-NAME (N runs, M s)" or "FAIL: fuzz-NAME (...)" line for
# scripts/run-suite.sh; non-zero exit on a crash, leak, timeout or violated
# invariant, whose reproducer stays in BUILD_DIR/artifacts/.
#
#   short  `make check`: a fresh copy of the seeds and regression-* inputs
#          (BUILD_DIR/corpus/NAME-short), then fuzzing for FUZZ_SECONDS
#          (default 45 for spine, 30 for vgic_its, xics, xics_xive,
#          xive_native, mpic and s390; each run stays
#          < 60 s).
#   long   `make fuzz`: the corpus in BUILD_DIR/corpus/NAME accumulates
#          across runs; value profiling on; FUZZ_SECONDS (default 3600).
#
# The fuzzer's own output goes to BUILD_DIR/fuzz-NAME-MODE.log.
set -uo pipefail

usage() {
	echo "usage: $0 short|long BUILD_DIR" >&2
	exit 2
}
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
mode=$1
build=$(mkdir -p "$2" && cd "$2" && pwd) || usage
name=${3:-spine}
here=$(cd "$(dirname "$0")" && pwd)
fuzzer=$build/${name}_fuzzer
artifacts=$build/artifacts
log=$build/fuzz-$name-$mode.log
short_default=45
case $name in vgic_its | xics | xics_xive | xive_native | mpic | s390) short_default=30 ;; esac

case $mode in
short)
	seconds=${FUZZ_SECONDS:-$short_default}
	extra=()
	corpus=$build/corpus/$name-short
	rm -rf "$corpus"
	;;
long)
	seconds=${FUZZ_SECONDS:-3600}
	extra=(-use_value_profile=1)
	corpus=$build/corpus/$name
	;;
*)
	usage
	;;
esac

if [ ! -x "$fuzzer" ]; then
	echo "FAIL: fuzz-$name ($fuzzer not built: make -C tools/testing/fuzz O=$build)"
	exit 1
fi
mkdir -p "$corpus" "$artifacts"
for f in "$here/corpus/$name"/*; do
	[ -e "$f" ] || continue
	[ -e "$corpus/${f##*/}" ] || cp "$f" "$corpus/"
done

start=$(date +%s)
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=2048 \
	-print_final_stats=1 -artifact_prefix="$artifacts/" "${extra[@]}" "$corpus" \
	> "$log" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))

runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1)
inited=$(grep -m1 -oE 'INITED cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log")
final=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[bKM]?b?' "$log" | tail -1)

if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
	echo "fuzz-$name: ${rate:-?} exec/s; seeds: ${inited#INITED }; end: $final"
	echo "PASS: fuzz-$name ($runs runs, $elapsed s)"
	exit 0
fi
artifact=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -1)
# The report: the sanitizer's or the harness's, and the input's operations.
grep -vE '^#[0-9]+|^INFO:|^MS:|^base unit:|^0x|^[[:space:]]*\\x' "$log" | tail -80
echo "FAIL: fuzz-$name (exit $rc after $elapsed s; reproducer: ${artifact:-none}; log: $log)"
exit 1
