#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults in the kernel tier (make fault, whole: it is short enough for CI):
#  - tests/fault/run-fault.sh: a guest that dies mid-case and a case that hangs are reported
#    as crashed/timeout with the console tail, the other cases' results are kept, and the
#    run exits non-zero;
#  - tests/fault/run-failnth.sh: the fail-nth sweep on build/kernel-fault, the reference
#    kernel plus ref-kernel/fault.fragment (built here from a copy of build/kernel, so only
#    what the fault options touch is recompiled).
# Each script's own "NAME: N passed, N failed" is added into this stage's counts.
set -uo pipefail

passed=0
failed=0
log=build/kernel-fault.log

if ! make -s kernel-fault guest > "$log" 2>&1; then
	echo "fault: FAIL: building the fault-injection kernel (see $log)" >&2
	echo "fault: 0 passed, 1 failed"
	exit 1
fi
for t in fault failnth; do
	out=$(mktemp)
	if [ "$t" = fault ]; then
		bash tests/fault/run-fault.sh 2>&1 | tee "$out"
	else
		KOBJ=build/kernel-fault bash tests/fault/run-failnth.sh 2>&1 | tee "$out"
	fi
	rc=${PIPESTATUS[0]}
	counts=$(grep -E "^$t: [0-9]+ passed, [0-9]+ failed" "$out" | tail -1)
	rm -f "$out"
	if [ -z "$counts" ]; then
		echo "fault: FAIL: $t printed no counts" >&2
		failed=$((failed + 1))
		continue
	fi
	read -r _ p _ f _ <<<"$counts"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "fault: FAIL: $t exited $rc" >&2
		failed=$((failed + 1))
	fi
done
echo "fault: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
