#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: unit tests, then the kernel tier re-runs the whole library and
# must reproduce the committed fixtures observation for observation.
set -uo pipefail

vfc=build/vfconform
fixtures=fixtures/kernel-6.12
passed=0
failed=0

unit=$(make -s unit-tests 2>&1 | tee /dev/stderr | grep -E '^unit: [0-9]+ passed, [0-9]+ failed' | tail -1)
if [ -z "$unit" ]; then
	echo "check: the unit tests did not report a result" >&2
	failed=$((failed + 1))
else
	read -r _ up _ uf _ <<<"$unit"
	passed=$((passed + up))
	failed=$((failed + uf))
fi

if ! make -s kernel-run; then
	echo "check: the kernel run failed (see build/kernel-run/*/console.log)" >&2
	failed=$((failed + 1))
fi

# One check per case and backend: its observations equal the fixture's.
for b in type1 compat; do
	if [ ! -f "build/kernel-run/$b.json" ] || [ ! -f "$fixtures/$b.json" ]; then
		echo "check: missing build/kernel-run/$b.json or $fixtures/$b.json" >&2
		failed=$((failed + 1))
		continue
	fi
	out=$("$vfc" diff "$fixtures/$b.json" "build/kernel-run/$b.json")
	summary=$(printf '%s\n' "$out" | tail -1)
	# "diff: C cases compared, S steps; D steps differ in X cases; A cases only in A, B only in B"
	read -r compared differ only_a only_b < <(printf '%s\n' "$summary" |
		sed -E 's/^diff: ([0-9]+) cases compared, [0-9]+ steps; [0-9]+ steps differ in ([0-9]+) cases; ([0-9]+) cases only in A, ([0-9]+) only in B$/\1 \2 \3 \4/')
	if [ -z "${only_b:-}" ]; then
		echo "check: unexpected diff output: $summary" >&2
		failed=$((failed + 1))
		continue
	fi
	if [ "$differ" -ne 0 ] || [ "$only_a" -ne 0 ] || [ "$only_b" -ne 0 ]; then
		echo "check: kernel-$b differs from $fixtures/$b.json:" >&2
		printf '%s\n' "$out" | head -60 >&2
	fi
	echo "check: kernel-$b vs fixture: $summary"
	passed=$((passed + compared - differ))
	failed=$((failed + differ + only_a + only_b))
done

make -s coverage || true
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
