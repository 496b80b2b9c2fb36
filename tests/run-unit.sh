#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the Check unit-test binaries named on the command line and total them.
# Each binary prints "NN%: Checks: C, Failures: F, Errors: E"; the last line
# of this script is "unit: N passed, N failed" over all of them. A binary
# that dies or exits non-zero without a failed check (a crash outside a
# forked test) counts as one failure, since its own count cannot be trusted.
# Exit status: 0 when everything passed, 1 otherwise.
set -uo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 TEST-BINARY..." >&2
	exit 2
fi

# Fork per test unless asked otherwise (CK_FORK=no for valgrind or gdb).
export CK_FORK="${CK_FORK:-yes}"
# Check's 4 s default is a speed target in disguise; under ASan on a loaded 2-core machine
# a correct test can take longer. Speed lives in make bench, not here.
export CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-120}"
# The summary line is what gets counted: never let Check be silent.
if [ "${CK_VERBOSITY:-}" = silent ]; then
	export CK_VERBOSITY=normal
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

summary_re='^[0-9]+%: Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+)$'
passed=0
failed=0

for bin in "$@"; do
	name=${bin##*/}
	if [ ! -x "$bin" ]; then
		echo "run-unit: $bin: no such test binary" >&2
		failed=$((failed + 1))
		continue
	fi
	# shown as it runs, kept for counting
	"$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "$summary_re" "$log" | tail -n 1)
	if [[ ! $line =~ $summary_re ]]; then
		echo "run-unit: $name: no Check summary (exit status $rc); counted as 1 failure" >&2
		failed=$((failed + 1))
		continue
	fi
	checks=${BASH_REMATCH[1]}
	bad=$((BASH_REMATCH[2] + BASH_REMATCH[3]))
	passed=$((passed + checks - bad))
	failed=$((failed + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "run-unit: $name: exit status $rc with no failed check;" \
			"counted as 1 failure" >&2
		failed=$((failed + 1))
	fi
done

echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
