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
specs=${FAILNTH_SPECS:-map.case:8 unmap.case:9 unmap.case:11 info.case:8 attach.case:9
attach.case:10}
passed=0
failed=0

rm -rf "$krun"
KRUN=$krun CASES=tests/fault/failnth VFCONFORM_BACKENDS=failnth \
VFCONFORM_FAILNTH="$(echo $specs)" VFCONFORM_RETRIES=0 \
	bash ref-kernel/run-boot.sh iommu > "$krun.log" 2>&1
rc=$?
out=$krun/iommu
txt=$out/failnth.txt
if [ ! -f "$txt" ]; then
	echo "failnth: FAIL: no results (run-boot exit $rc, see $krun.log, $out/console.log)" >&2
	echo "failnth: 0 passed, 1 failed"
	exit 1
fi
while read -r line; do
	echo "$line"
	if [[ $line =~ ([0-9]+)\ injection\ points,.*\ ([0-9]+)\ bad\ runs$ ]] &&
		[ "${BASH_REMATCH[1]}" -gt 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -F "$(cut -d' ' -f3,4 <<< "$line")" "$txt" | grep -v ', case pass$' |
			head -5 >&2
	fi
done < <(grep 'injection points' "$txt")
if tr -d '\r' < "$out/console.log" | grep -E 'WARNING:|BUG:|Oops|general protection|panic' |
	head -5 | grep . >&2; then
	echo "failnth: FAIL: kernel warnings on the console ($out/console.log)" >&2
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
echo "failnth: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
