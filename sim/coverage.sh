#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make coverage-sim: line coverage of sim/ by the whole case library on both
# personalities plus the sim's unit tests, measured with lcov on the
# instrumented build in $SIM_COV_DIR. Prints the percentage; fails below
# $SIM_COV_MIN.
set -euo pipefail

dir=${SIM_COV_DIR:-build/cov-sim}
min=${SIM_COV_MIN:-90}
vfc=$dir/vfconform

find "$dir" -name '*.gcda' -delete
for p in type1 compat; do
	"$vfc" run --backend "sim-$p" --out "$dir/$p.json" > /dev/null 2>&1 ||
		echo "coverage-sim: sim-$p run reported failures (see $dir/$p.json)" >&2
done
for t in "$@"; do
	CK_FORK=no "$t" > /dev/null 2>&1 || echo "coverage-sim: ${t##*/} failed" >&2
done
lcov -q --capture --directory "$dir/sim" --base-directory . --output-file "$dir/sim.info" \
	--rc lcov_branch_coverage=0 2> "$dir/lcov.log" || { cat "$dir/lcov.log" >&2; exit 1; }
lcov -q --extract "$dir/sim.info" "*/sim/*" --output-file "$dir/sim.info" 2>> "$dir/lcov.log"
genhtml -q --output-directory "$dir/html" "$dir/sim.info" 2>> "$dir/lcov.log" || true
lcov --list "$dir/sim.info" 2>/dev/null | grep '|' | head -40
read -r hit total < <(awk -F: '/^LH:/ { h += $2 } /^LF:/ { t += $2 } END { print h + 0, t + 0 }' \
	"$dir/sim.info")
pct=$(awk -v h="$hit" -v t="$total" 'BEGIN { printf "%.1f", t ? 100 * h / t : 0 }')
echo "coverage-sim: sim/ line coverage $pct% ($hit of $total lines); html: $dir/html/index.html"
awk -v p="$pct" -v m="$min" 'BEGIN { exit !(p >= m) }' ||
	{ echo "coverage-sim: below the $min% target" >&2; exit 1; }
