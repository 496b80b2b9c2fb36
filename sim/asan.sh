#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make sim-asan: the sim's unit tests and the whole library on both
# personalities under AddressSanitizer and UndefinedBehaviorSanitizer. Any
# report fails (halt_on_error); the runs must still match the fixtures.
# Last line: "sim-asan: N passed, N failed" (unit checks + one per personality).
set -uo pipefail

dir=${SIM_ASAN_DIR:-build/asan-sim}
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
unset VFSIM_PARAMS
passed=0
failed=0

counts=$(bash sim/run-tests.sh "$@" | tail -1)
read -r _ p _ f _ <<<"$counts"
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
for p in type1 compat; do
	ok=1
	# exit 1 also means "a case failed its expectations", which the kernel's own
	# run does too (the fixture records it); the diff below judges case status,
	# so only a run that could not finish (exit 2, a signal) fails here
	"$dir/vfconform" run --backend "sim-$p" --out "$dir/$p.json" > "$dir/$p.log" 2>&1
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "sim-asan: sim-$p run failed with exit $rc (see $dir/$p.log)" >&2
		ok=0
	fi
	if grep -q 'Sanitizer\|runtime error' "$dir/$p.log"; then
		grep -m5 'Sanitizer\|runtime error' "$dir/$p.log" >&2
		ok=0
	fi
	build/vfconform diff --quiet "fixtures/kernel-6.12/$p.json" "$dir/$p.json" | tail -1
	[ "${PIPESTATUS[0]}" -eq 0 ] || ok=0
	if [ "$ok" = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "sim-asan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
