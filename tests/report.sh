#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The main job: run the case library on both kernel backends of the reference
# kernel and summarise where iommufd's VFIO compat differs from type1.
set -euo pipefail

vfc=build/vfconform
out=build/report
mkdir -p "$out"

echo "report: truth = kernel tier (reference kernel in QEMU; the simulator is not built yet)"
make -s kernel-run || echo "report: the kernel run reported problems (see above); summarising what came back" >&2
a=build/kernel-run/type1.json
b=build/kernel-run/compat.json
if [ ! -f "$a" ] || [ ! -f "$b" ]; then
	echo "report: no results in build/kernel-run" >&2
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

# Real clients (clients/README.md): what the last "make clients" saw, per scenario and
# backend, and where the backends differ from DPDK's point of view.
if [ -f build/clients-run/summary.md ]; then
	echo
	cat build/clients-run/summary.md
else
	echo "report: no real-clients results (make clients)"
fi
