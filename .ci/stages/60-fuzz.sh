#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The short fuzz tier (make fuzz is the long one):
#  - malformed case files: every tests/malformed/X.case is rejected with exit 2 and the exact
#    first error line of X.expect ("file:line: message");
#  - the sim fuzzer: a few seconds of sim-type1 vs sim-compat; no generated case fails to
#    parse; the same seed gives the same differences twice; each sim personality agrees
#    with itself; every shrunk finding parses and still differs when run as a case file;
#  - the libFuzzer targets (when clang-14 is there): each target over its seed corpus and a
#    few seconds of fuzzing, without a crash, sanitizer report or leak.
set -uo pipefail

vfc=build/vfconform
out=build/check-fuzz
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() {
	echo "fuzz: FAIL: $*" >&2
	failed=$((failed + 1))
}

make -s "$vfc" || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
rm -rf "$out"
mkdir -p "$out"

# Malformed case files.
for f in tests/malformed/*.case; do
	exp=${f%.case}.expect
	if [ ! -f "$exp" ]; then
		bad "$f has no ${exp##*/}"
		continue
	fi
	"$vfc" list --cases "$f" > /dev/null 2> "$out/err"
	rc=$?
	got=$(head -n 1 "$out/err")
	if [ "$rc" -ne 2 ] || [ "$got" != "$(cat "$exp")" ]; then
		bad "$f: exit $rc, got '$got', want '$(cat "$exp")'"
	else
		ok
	fi
done
for exp in tests/malformed/*.expect; do
	[ -f "${exp%.expect}.case" ] || bad "$exp has no case file"
done

# The sim fuzzer.
fz() { "$vfc" fuzz --quiet "$@"; }
fz --seed 7 --count 3000 --out "$out/gap" --max-findings 4 --summary "$out/a.json" \
	> "$out/a.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ]; then ok; else bad "sim-type1 vs sim-compat exited $rc (want 1: gaps)"; fi
fz --seed 7 --count 3000 --out "$out/gap2" --max-findings 0 --summary "$out/b.json" \
	> /dev/null 2>&1
sigs() { jq -c '[.sequences, .differing, .signatures]' "$1"; }
if [ "$(sigs "$out/a.json")" = "$(sigs "$out/b.json")" ] && [ -n "$(sigs "$out/a.json")" ]; then
	ok
else
	bad "seed 7 gave different results twice (not reproducible)"
fi
for p in type1 compat; do
	if fz --backends "sim-$p,sim-$p" --seed 3 --count 1500 --out "$out/self" \
		> "$out/self-$p.log" 2>&1; then
		ok
	else
		bad "sim-$p differs from itself: $(tail -n 3 "$out/self-$p.log")"
	fi
done
n=0
for c in "$out"/gap/*.case; do
	[ -e "$c" ] || continue
	n=$((n + 1))
	for p in type1 compat; do
		"$vfc" run --backend "sim-$p" --cases "$c" --out "$out/f-$p.json" > /dev/null 2>&1
	done
	if ! "$vfc" list --cases "$c" > /dev/null 2>&1; then
		bad "finding $c does not parse"
	elif "$vfc" diff --quiet "$out/f-type1.json" "$out/f-compat.json" > /dev/null 2>&1; then
		bad "finding $c no longer differs when run as a case file"
	else
		ok
	fi
done
[ "$n" -gt 0 ] || bad "the fuzzer wrote no finding to $out/gap"

# libFuzzer smoke: seeds plus a few seconds each.
if command -v clang-14 > /dev/null; then
	if make -s fuzz-targets; then
		for t in parser sim_ioctl; do
			seeds=(fuzz/corpus/$t)
			[ "$t" = parser ] && seeds+=(cases tests/malformed)
			mkdir -p "$out/corpus-$t"
			if build/fuzz-bin/fuzz_$t -max_total_time=5 -timeout=10 \
				-artifact_prefix="$out/$t-crash-" "$out/corpus-$t" "${seeds[@]}" \
				> "$out/$t.log" 2>&1; then
				ok
			else
				bad "fuzz_$t: $(grep -m1 -E '^(==|SUMMARY)' "$out/$t.log")"
			fi
		done
	else
		bad "make fuzz-targets failed"
	fi
else
	echo "fuzz: clang-14 not installed: libFuzzer smoke skipped (.ci/install-deps)" >&2
fi

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
