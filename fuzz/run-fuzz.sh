#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make fuzz: the differential fuzzer on the sim, then every libFuzzer target.
#
# 1. sim-type1 vs sim-compat (gap discovery): differences are expected; what fails is a
#    generated case that does not parse (exit 3) or a crash. Each distinct difference's
#    shrunk case is in $FUZZ_OUT/gap/.
# 2. each sim personality against itself: any difference is nondeterminism in the sim or
#    the harness, and fails.
# 3. each libFuzzer target for FUZZ_TIME seconds (or FUZZ_RUNS executions) on a working
#    copy of its corpus (seeds: the case library and fuzz/corpus/TARGET/); a crash,
#    sanitizer report, leak or timeout fails and leaves the input as $FUZZ_OUT/TARGET-crash-*.
#
# Environment: VFCONFORM, FUZZ_BIN, FUZZ_TIME (s), FUZZ_RUNS, FUZZ_COUNT, FUZZ_SEED, FUZZ_OUT.
set -uo pipefail

vfc=${VFCONFORM:-build/vfconform}
bin=${FUZZ_BIN:-build/fuzz-bin}
time=${FUZZ_TIME:-60}
count=${FUZZ_COUNT:-200000}
seed=${FUZZ_SEED:-1}
out=${FUZZ_OUT:-build/fuzz}
failed=0

mkdir -p "$out"
echo "fuzz: sim-type1 vs sim-compat, seed $seed, $count sequences"
nice -n 10 "$vfc" fuzz --backends sim-type1,sim-compat --seed "$seed" --count "$count" \
	--out "$out/gap" --summary "$out/gap.json" --quiet
rc=$?
if [ "$rc" -gt 1 ]; then
	echo "fuzz: FAIL: sim-type1 vs sim-compat exited $rc" >&2
	failed=$((failed + 1))
fi
for p in type1 compat; do
	nice -n 10 "$vfc" fuzz --backends "sim-$p,sim-$p" --seed "$seed" \
		--count $((count / 4)) --out "$out/self-$p" --quiet
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: FAIL: sim-$p differs from itself (exit $rc): $out/self-$p/" >&2
		failed=$((failed + 1))
	fi
done

for t in parser sim_ioctl; do
	corpus=$out/corpus-$t
	seeds=(fuzz/corpus/$t)
	[ "$t" = parser ] && seeds+=(cases tests/malformed)
	mkdir -p "$corpus"
	limit=(-max_total_time="$time")
	if [ -n "${FUZZ_RUNS:-}" ]; then
		limit=(-runs="$FUZZ_RUNS")
		echo "fuzz: libFuzzer fuzz_$t for $FUZZ_RUNS runs"
	else
		echo "fuzz: libFuzzer fuzz_$t for ${time}s"
	fi
	nice -n 10 "$bin/fuzz_$t" "${limit[@]}" -print_final_stats=1 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/$t-crash-" \
		"$corpus" "${seeds[@]}" > "$out/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
	echo "fuzz: fuzz_$t: ${runs:-?} execs, exit $rc (log: $out/$t.log)"
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: FAIL: fuzz_$t found a crash, sanitizer report or leak:" >&2
		grep -E '^(==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)' "$out/$t.log" |
			head -20 >&2
		failed=$((failed + 1))
	fi
done
if [ "$failed" -ne 0 ]; then
	echo "fuzz: $failed failure(s)"
	exit 1
fi
echo "fuzz: ok"
