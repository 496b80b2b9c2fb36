#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The fail-nth sweep on the fault-injection kernel (KOBJ, default build/kernel-fault): every
# fault-injection point of MAP_DMA, UNMAP_DMA, UNMAP ALL, IOMMU_GET_INFO, GROUP_SET_CONTAINER
# and SET_IOMMU (tests/fault/failnth/*.case) is failed once on both kernel backends. Each
# run must end cleanly (no crash, hang or leak: vfconform failnth), and the console must
# show no WARNING, BUG or oops. Prints the points per path; last line
# "failnth: N passed, N failed" (one check per path and backend, plus the console).
set -uo pipefail

export KOBJ=${KOBJ:-build/kernel-fault}
krun=${FAILNTH_KRUN:-build/failnth-run}
specs=${FAILNTH_SPECS:-map.case:10 unmap.case:10 unmap.case:12 info.case:9 attach.case:9
attach.case:10}
passed=0
failed=0

rm -rf "$krun"
KRUN=$krun CASES=tests/fault/failnth VFCONFORM_FAILNTH="$(echo $specs)" \
	bash ref-kernel/boot/failnth.sh iommu > "$krun.log" 2>&1
rc=$?
out=$krun/iommu
txt=$out/failnth.txt
if [ ! -f "$txt" ]; then
	echo "failnth: FAIL: no results (boot/failnth.sh exit $rc, see $krun.log, $out/console.log)" >&2
	echo "failnth: 0 passed, 1 failed"
	exit 1
fi
# A path may allocate nothing (0 points); a run that did not end cleanly, or fail-nth not
# working at all ("no injection"), fails.
while read -r line; do
	echo "$line"
	if [[ $line =~ \ ([0-9]+)\ bad\ runs$ ]] && [ "${BASH_REMATCH[1]}" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done < <(grep 'injection points' "$txt")
if grep -q 'no injection' "$txt"; then
	grep 'no injection' "$txt" | head -3 >&2
	failed=$((failed + 1))
fi
grep -E 'bad runs$' "$txt" | awk '{ n += $6 } END { print "failnth: " n \
	" injection points in all, each failed once" }'
grep -E ', case (crash|timeout|leak|error)' "$txt" | head -5 >&2
if tr -d '\r' < "$out/console.log" |
	grep -E 'Kernel panic - not syncing|BUG: |Oops: |WARNING: |general protection fault' |
	head -5 | grep . >&2; then
	echo "failnth: FAIL: kernel warnings on the console ($out/console.log)" >&2
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
echo "failnth: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
