#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The simulator tier: both sim personalities run the whole library and must
# reproduce the committed kernel fixtures observation for observation. One
# check per case and personality; a case passes when no step of it differs.
# Then one check per personality that the fast paths give the same documents.
set -uo pipefail
# the fixtures were recorded on the reference machine, not a varied one
unset VFSIM_PARAMS

vfc=build/vfconform
fixtures=fixtures/kernel-6.12
out=${SIMRUN:-build/sim-run}
passed=0
failed=0

make -s "$vfc" || { echo "sim: 0 passed, 1 failed"; exit 1; }
mkdir -p "$out"
for p in type1 compat; do
	if ! "$vfc" run --backend "sim-$p" --out "$out/$p.json" > "$out/$p.log" 2>&1; then
		echo "sim: sim-$p run failed (see $out/$p.log)" >&2
	fi
	if [ ! -f "$out/$p.json" ]; then
		echo "sim: no $out/$p.json" >&2
		failed=$((failed + 1))
		continue
	fi
	"$vfc" diff "$fixtures/$p.json" "$out/$p.json" > "$out/$p.diff"
	summary=$(tail -1 "$out/$p.diff")
	# "diff: C cases compared, S steps; D steps differ in X cases; A cases only in A, B only in B"
	read -r compared differ only_a only_b < <(printf '%s\n' "$summary" |
		sed -E 's/^diff: ([0-9]+) cases compared, [0-9]+ steps; [0-9]+ steps differ in ([0-9]+) cases; ([0-9]+) cases only in A, ([0-9]+) only in B$/\1 \2 \3 \4/')
	if [ -z "${only_b:-}" ]; then
		echo "sim: unexpected diff output: $summary" >&2
		failed=$((failed + 1))
		continue
	fi
	if [ "$differ" -ne 0 ] || [ "$only_a" -ne 0 ] || [ "$only_b" -ne 0 ]; then
		echo "sim: sim-$p differs from $fixtures/$p.json:" >&2
		grep -v '^#' "$out/$p.diff" | head -60 >&2
	fi
	echo "sim: sim-$p vs fixture: $summary"
	passed=$((passed + compared - differ))
	failed=$((failed + differ + only_a + only_b))
done
# The fast paths change no observation: every case in-process (the fuzzer's
# path, no JSON text) and the batch worker's run document against a fork per
# case, byte for byte; one check per personality.
if make -s build/sim-bench/vfsim_samecheck; then
	for p in type1 compat; do
		if build/sim-bench/vfsim_samecheck "sim-$p" > "$out/same-$p.log" 2>&1; then
			passed=$((passed + 1))
		else
			echo "sim: sim-$p fast paths differ:" >&2
			head -20 "$out/same-$p.log" >&2
			failed=$((failed + 1))
		fi
		tail -1 "$out/same-$p.log"
	done
else
	failed=$((failed + 1))
fi
echo "sim: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
