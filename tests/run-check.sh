#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every stage in tests/check.d, in name order. A stage prints its
# own counts as a last line "STAGE: N passed, N failed" and exits non-zero on
# failure; this script adds them up into the closing "N passed, N failed".
set -uo pipefail

passed=0
failed=0
for stage in tests/check.d/*.sh; do
	name=$(basename "$stage" .sh)
	echo "== check: $name"
	log=$(mktemp)
	bash "$stage" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	counts=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	rm -f "$log"
	if [ -z "$counts" ]; then
		echo "check: $name printed no counts" >&2
		failed=$((failed + 1))
		continue
	fi
	read -r _ p _ f _ <<<"$counts"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "check: $name exited $rc" >&2
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
