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
release_differs=0

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
	release_differs=$((release_differs + differ + only_a + only_b))
	echo "kernel: kernel-$b vs fixture: $summary"
	passed=$((passed + compared - differ))
	failed=$((failed + differ + only_a + only_b))
done
# Debian moves linux-source-6.12 between point releases under the fixtures: say which
# release each side is and whether the observations survived the move.
release() { jq -r '.kernel_release // "unknown"' "$1" 2>/dev/null || echo unknown; }
if [ -f "$krun/type1.json" ] && [ -f "$fixtures/type1.json" ]; then
	have=$(release "$krun/type1.json")
	want=$(release "$fixtures/type1.json")
	if [ "$have" != "$want" ]; then
		echo "kernel: point release: the fixtures were recorded on $want, this kernel is $have"
		if [ "$release_differs" -eq 0 ]; then
			echo "kernel: point release: every observation still matches on both backends" \
				"(the same gaps); the fixtures stay as recorded on $want"
		else
			echo "kernel: point release: $have changes $release_differs step(s) (listed" \
				"above); if that is the kernel's doing, re-record with 'make fixtures'," \
				"review 'git diff fixtures/' and the gate ('make report'), and say why in" \
				"the commit" >&2
			"$vfc" gate "$krun/type1.json" "$krun/compat.json" \
				--baseline "$fixtures/known-gaps" 2>&1 | tail -1 | sed 's/^/kernel: /'
		fi
	fi
fi
make -s coverage || echo "kernel: coverage failed" >&2
echo "kernel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
