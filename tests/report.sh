#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The main job: run the case library on both kernel backends of the reference
# kernel and summarise where iommufd's VFIO compat differs from type1.
set -euo pipefail

vfc=build/vfconform
out=build/report
mkdir -p "$out"

# REPORT_TIER=sim: the simulator's two personalities (no kernel build, a second); it is
# held to the kernel fixtures by make check, so it can become the default.
tier=${REPORT_TIER:-kernel}
if [ "$tier" = sim ]; then
	echo "report: truth = simulator (sim-type1, sim-compat; held to fixtures/kernel-6.12 by make check)"
	mkdir -p build/sim-run
	"$vfc" run --backend sim-type1 --out build/sim-run/type1.json > /dev/null || true
	"$vfc" run --backend sim-compat --out build/sim-run/compat.json > /dev/null || true
	a=build/sim-run/type1.json
	b=build/sim-run/compat.json
else
	echo "report: truth = kernel tier (reference kernel in QEMU; REPORT_TIER=sim uses the simulator)"
	make -s kernel-run || echo "report: the kernel run reported problems (see above); summarising what came back" >&2
	a=build/kernel-run/type1.json
	b=build/kernel-run/compat.json
fi
if [ ! -f "$a" ] || [ ! -f "$b" ]; then
	echo "report: no results ($a, $b)" >&2
	exit 1
fi

"$vfc" diff "$a" "$b" > "$out/type1-vs-compat.txt" || true
echo
echo "type1 vs compat, per case (differing steps):"
# "CASE step N (...): field: A | B" -> count distinct steps per case
grep -E '^[a-z0-9._-]+ step [0-9]+ ' "$out/type1-vs-compat.txt" |
	awk '{ k = $1 " " $3; if (!(k in seen)) { seen[k] = 1; n[$1]++ } }
	     END { for (c in n) printf "  %-48s %d\n", c, n[c] }' | sort
echo
echo "first difference of each differing case:"
grep -E '^[a-z0-9._-]+ (step [0-9]+|case)' "$out/type1-vs-compat.txt" |
	awk '!seen[$1]++' | cut -c1-160 | sed 's/^/  /'
echo
tail -1 "$out/type1-vs-compat.txt"
echo "report: full difference list: $out/type1-vs-compat.txt"
