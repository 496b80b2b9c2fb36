#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel tier re-runs the whole library on the reference kernel; every case
# on both backends must reproduce the committed fixtures observation for
# observation. One check per case and backend.
set -uo pipefail

vfc=build/vfconform
krun=${KRUN:-build/kernel-run}
fixtures=fixtures/kernel-6.12
passed=0
failed=0

if ! make -s kernel-run; then
	echo "kernel: the kernel run failed (see $krun/*/console.log)" >&2
	failed=$((failed + 1))
fi
for b in type1 compat; do
	if [ ! -f "$krun/$b.json" ] || [ ! -f "$fixtures/$b.json" ]; then
		echo "kernel: missing $krun/$b.json or $fixtures/$b.json" >&2
		failed=$((failed + 1))
		continue
	fi
	out=$("$vfc" diff "$fixtures/$b.json" "$krun/$b.json")
	summary=$(printf '%s\n' "$out" | tail -1)
	# "diff: C cases compared, S steps; D steps differ in X cases; A cases only in A, B only in B"
	read -r compared differ only_a only_b < <(printf '%s\n' "$summary" |
		sed -E 's/^diff: ([0-9]+) cases compared, [0-9]+ steps; [0-9]+ steps differ in ([0-9]+) cases; ([0-9]+) cases only in A, ([0-9]+) only in B$/\1 \2 \3 \4/')
	if [ -z "${only_b:-}" ]; then
		echo "kernel: unexpected diff output: $summary" >&2
		failed=$((failed + 1))
		continue
	fi
	if [ "$differ" -ne 0 ] || [ "$only_a" -ne 0 ] || [ "$only_b" -ne 0 ]; then
		echo "kernel: kernel-$b differs from $fixtures/$b.json (make fixtures re-records):" >&2
		printf '%s\n' "$out" | head -60 >&2
	fi
	echo "kernel: kernel-$b vs fixture: $summary"
	passed=$((passed + compared - differ))
	failed=$((failed + differ + only_a + only_b))
done
# A new Debian point release under the fixtures: which, and did it change anything?
bash tests/point-release.sh "$fixtures" "$krun" | sed 's/^point-release:/kernel:/'
make -s coverage || echo "kernel: coverage failed" >&2
echo "kernel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
