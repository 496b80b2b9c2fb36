#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the sim's Check unit-test binaries and total them: the last line is
# "sim-unit: N passed, N failed" (checks, over all binaries). A binary that
# dies without a summary line counts as one failure.
set -uo pipefail

export CK_FORK="${CK_FORK:-yes}"
re='^[0-9]+%: Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+)$'
passed=0
failed=0
for bin in "$@"; do
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E "$re" | tail -1)
	if [ -z "$line" ]; then
		echo "sim-unit: ${bin##*/} exited $rc without a summary" >&2
		failed=$((failed + 1))
		continue
	fi
	read -r c f e < <(printf '%s\n' "$line" | sed -E "s/$re/\\1 \\2 \\3/")
	passed=$((passed + c - f - e))
	failed=$((failed + f + e))
done
echo "sim-unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
