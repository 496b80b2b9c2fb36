#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Reports and the gate: the Check units of gap classification and the gate, the published
# reports/6.12 must be what `make report-kernel` makes now, the fixtures' gaps must equal the
# known-gaps baseline (and the gate must notice a baseline line taken away or added), and
# index.html must render in headless Chromium with the right content.
set -uo pipefail

vfc=build/vfconform
fixtures=fixtures/kernel-6.12
baseline=$fixtures/known-gaps
pub=reports/6.12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() {
	echo "reports: ok: $*"
	passed=$((passed + 1))
}

bad() {
	echo "reports: FAIL: $*" >&2
	failed=$((failed + 1))
}

units=()
for src in tests/check_gap*.c tests/check_gate*.c; do
	units+=("build/tests/$(basename "$src" .c)")
done
make -s "$vfc" "${units[@]}" || bad "build"

# The Check units of this stage: count their checks, as tests/run-unit.sh does.
for t in "${units[@]}"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	if [[ $out =~ Checks:\ ([0-9]+),\ Failures:\ ([0-9]+),\ Errors:\ ([0-9]+) ]]; then
		n=$((BASH_REMATCH[2] + BASH_REMATCH[3]))
		passed=$((passed + BASH_REMATCH[1] - n))
		failed=$((failed + n))
		[ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || bad "$t exited $rc"
	else
		bad "$t printed no Check summary"
	fi
done

# The published report is regenerated from the fixtures and must not differ.
if "$vfc" report "$fixtures/type1.json" "$fixtures/compat.json" --baseline "$baseline" \
	--cases cases --clients reports/real-clients-6.12.md --out "$work/pub" \
	>"$work/report.log"; then
	if diff -r -q "$pub" "$work/pub" >"$work/stale.log" 2>&1; then
		ok "$pub is up to date"
	else
		cat "$work/stale.log" >&2
		bad "$pub is stale: run 'make report-kernel' and commit it"
	fi
else
	cat "$work/report.log" >&2
	bad "vfconform report failed"
fi

# The gate on the fixtures: exactly the baseline.
"$vfc" gate "$fixtures/type1.json" "$fixtures/compat.json" --baseline "$baseline" \
	>"$work/gate.log" 2>&1
rc=$?
tail -1 "$work/gate.log"
[ "$rc" -eq 0 ] && ok "gate: the fixtures' gaps equal $baseline" ||
	{ cat "$work/gate.log" >&2; bad "gate exited $rc on the fixtures"; }

# A baseline missing one known gap: that gap is new (exit 1, listed).
first=$(grep -m1 -E '^[a-z0-9]' "$baseline" | awk '{print $1}')
grep -v -F -x -e "$(grep -m1 -E '^[a-z0-9]' "$baseline")" "$baseline" >"$work/less"
"$vfc" gate "$fixtures/type1.json" "$fixtures/compat.json" --baseline "$work/less" \
	>"$work/gate1.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q -F "new gap: $first " "$work/gate1.log"; then
	ok "gate: exit 1 naming $first when the baseline lacks it"
else
	bad "gate: expected exit 1 and 'new gap: $first', got $rc"
fi

# A baseline with a gap that does not occur: disappeared (exit 2).
{ cat "$baseline"; echo "api.version.fresh:GET_API_VERSION#1:errno not a real gap"; } >"$work/more"
"$vfc" gate "$fixtures/type1.json" "$fixtures/compat.json" --baseline "$work/more" \
	>"$work/gate2.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "gone: api.version.fresh:GET_API_VERSION#1:errno" "$work/gate2.log"
then
	ok "gate: exit 2 for a baseline gap that disappeared"
else
	bad "gate: expected exit 2 for a disappeared gap, got $rc"
fi

# A malformed baseline is an error with file:line, not a verdict.
printf 'bogus-line-without-kind reason\n' >"$work/broken"
"$vfc" gate "$fixtures/type1.json" "$fixtures/compat.json" --baseline "$work/broken" \
	>"$work/gate3.log" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q "^$work/broken:1: " "$work/gate3.log"; then
	ok "gate: a malformed baseline is reported as file:line and exit 3"
else
	bad "gate: malformed baseline: expected exit 3 and file:line, got $rc"
fi

# index.html in headless Chromium: a screenshot, and the DOM after the script ran must show
# the gap count the gate counted and a case that has gaps.
chromium_run() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$(mktemp -d -p "$work")" "$@" \
		2>>"$work/chromium.log"
}
if ! command -v chromium >/dev/null; then
	bad "chromium is not installed (.ci/install-deps installs it)"
else
	shot=build/report-test/index.png
	mkdir -p "$(dirname "$shot")"
	rm -f "$shot"
	html="file://$PWD/$pub/index.html"
	chromium_run --window-size=1400,1000 --screenshot="$PWD/$shot" "$html" >/dev/null
	# a PNG, and not a blank page: an empty white 1400x1000 PNG is about 6 kB, the rendered
	# headline, tables and matrix well over 100 kB
	if [ -s "$shot" ] && [ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = \
		"89504e470d0a1a0a" ] && [ "$(stat -c %s "$shot")" -gt 20000 ]; then
		ok "screenshot $shot ($(stat -c %s "$shot") bytes)"
	else
		tail -5 "$work/chromium.log" >&2
		bad "no PNG screenshot from chromium, or a blank one"
	fi
	chromium_run --dump-dom "$html" >"$work/dom.html"
	gaps=$(sed -nE 's/^gate: ([0-9]+) gaps:.*/\1/p' "$work/gate.log")
	if grep -q "<span id=\"gap-count\">$gaps</span>" "$work/dom.html" &&
		grep -q "<code>unmap.v1.head</code>" "$work/dom.html" &&
		grep -q "id=\"shown\">$gaps<" "$work/dom.html"; then
		ok "index.html renders: $gaps gaps, unmap.v1.head listed, filter script ran"
	else
		bad "index.html: the DOM lacks the gap count $gaps, unmap.v1.head or the" \
			"script's count"
	fi
fi

echo "reports: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
