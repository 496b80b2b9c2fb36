#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# usage: tests/point-release.sh FIXTURES-DIR RUN-DIR
# Debian moves linux-source-6.12 between point releases under the fixtures. When
# the run's kernel_release differs from the fixtures', say which release each is
# and whether the observations survived the move: every step still matches on
# both backends (the fixtures stay), or the steps that changed, with the gate's
# verdict and the command that re-records. Exit 0: same release, or a new release
# that changes nothing; 1: a new release that changes steps; 2: usage or input.
set -uo pipefail

if [ $# -ne 2 ]; then
	sed -n 's/^# usage: /usage: /p' "$0" >&2
	exit 2
fi
fixtures=$1
krun=$2
vfc=${VFCONFORM:-build/vfconform}
release() { jq -r '.kernel_release // "unknown"' "$1"; }

for b in type1 compat; do
	for f in "$fixtures/$b.json" "$krun/$b.json"; do
		[ -f "$f" ] || { echo "point-release: $f: no such run document" >&2; exit 2; }
	done
done
want=$(release "$fixtures/type1.json") || exit 2
have=$(release "$krun/type1.json") || exit 2
[ "$have" = "$want" ] && exit 0

echo "point-release: the fixtures were recorded on $want, this kernel is $have"
changed=0
for b in type1 compat; do
	out=$("$vfc" diff "$fixtures/$b.json" "$krun/$b.json")
	rc=$?
	[ "$rc" -le 1 ] || { echo "point-release: diff of $b failed" >&2; exit 2; }
	if [ "$rc" -eq 1 ]; then
		n=$(printf '%s\n' "$out" | tail -1 |
			sed -E 's/^diff: [0-9]+ cases compared, [0-9]+ steps; ([0-9]+) steps differ.*/\1/')
		echo "point-release: kernel-$b: $have changes these steps (fixture, then this run):"
		printf '%s\n' "$out" | head -40 | sed 's/^/    /'
		changed=$((changed + ${n:-1}))
	fi
done
if [ "$changed" -eq 0 ]; then
	echo "point-release: every observation still matches on both backends (the same" \
		"gaps); the fixtures stay as recorded on $want"
	exit 0
fi
echo "point-release: $have changes $changed step(s); gaps against the baseline:"
"$vfc" gate "$krun/type1.json" "$krun/compat.json" --baseline "$fixtures/known-gaps" 2>&1 |
	tail -1 | sed 's/^/    /'
echo "point-release: if that is the kernel's doing, re-record: 'make fixtures', review" \
	"'git diff fixtures/', update the baseline's lines with their reasons ('make report'" \
	"shows the gate), and say why in the commit"
exit 1
