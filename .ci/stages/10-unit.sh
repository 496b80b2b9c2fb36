#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Check unit tests of the harness, built with AddressSanitizer and UBSan
# (tests/run-unit.sh prints "unit: N passed, N failed"), and CONTRIBUTING.md's table of step
# kinds, which is `vfconform steps --markdown`, made from the descriptors.
set -uo pipefail
log=$(mktemp)
make -s unit-tests-asan 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
read -r _ passed _ failed _ < <(grep -E '^unit: [0-9]+ passed' "$log" | tail -1 || echo "unit: 0 passed, 1 failed")
rm -f "$log"
passed=${passed:-0}
failed=${failed:-1}

make -s build/vfconform
if diff -u <(sed -n '/^<!-- vfconform steps --markdown -->$/,/^<!-- end -->$/p' CONTRIBUTING.md |
	     sed '1d;$d') <(build/vfconform steps --markdown); then
	passed=$((passed + 1))
else
	echo "unit: CONTRIBUTING.md's step table is stale: regenerate it (vfconform steps --markdown)"
	failed=$((failed + 1))
fi
echo "unit: $passed passed, $failed failed"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
