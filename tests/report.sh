#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The main job: where does iommufd's VFIO compat differ from type1? Runs the case library on
# the fastest truth available (the simulator's sim-type1/sim-compat when vfconform has them,
# else both kernel backends of the reference kernel in QEMU), then writes the compat-gap
# report to build/report/ and prints the headline numbers and where the HTML is.
set -euo pipefail

vfc=build/vfconform
out=build/report
fixtures=fixtures/kernel-6.12
baseline=$fixtures/known-gaps
mkdir -p "$out"

extra=()
# the backends vfconform was built with are listed in its help, on the `run` line
backends=$("$vfc" --help | grep 'run the case library on a backend' || true)
# REPORT_TIER=kernel forces the kernel tier even where the simulator exists
if [ "${REPORT_TIER:-auto}" != kernel ] &&
	[[ $backends == *sim-type1* && $backends == *sim-compat* ]]; then
	echo "report: truth = simulator (sim-type1, sim-compat); the kernel fixtures are shown" \
		"beside it as a fidelity check"
	# a failing case is still an observation: the report is about the differences
	"$vfc" run --backend sim-type1 --out "$out/sim-type1.json" || true
	"$vfc" run --backend sim-compat --out "$out/sim-compat.json" || true
	a=$out/sim-type1.json
	b=$out/sim-compat.json
	for k in type1 compat; do
		[ -f "$fixtures/$k.json" ] && extra+=(--run "kernel-$k=$fixtures/$k.json")
	done
else
	echo "report: truth = kernel tier (the reference kernel in QEMU; vfconform --help" \
		"lists no simulator backends)"
	make -s kernel-run ||
		echo "report: the kernel run reported problems (see above);" \
			"reporting what came back" >&2
	a=build/kernel-run/type1.json
	b=build/kernel-run/compat.json
fi
for f in "$a" "$b"; do
	if [ ! -f "$f" ]; then
		echo "report: $f was not written; no report" >&2
		exit 1
	fi
done

echo
# The real-clients section: the last make clients, else the published snapshot.
clients_md=build/clients-run/summary.md
[ -f "$clients_md" ] || clients_md=reports/real-clients-6.12.md
"$vfc" report "$a" "$b" --baseline "$baseline" "${extra[@]}" --clients "$clients_md" \
	--out "$out"
# against the baseline of the reference kernel: informative here, the gate is make check's
"$vfc" gate "$a" "$b" --baseline "$baseline" | tail -1 || true
echo "report: open $PWD/$out/index.html"

# Real clients (clients/README.md): what the last "make clients" saw, per scenario and
# backend, and where the backends differ from DPDK's point of view.
if [ -f build/clients-run/summary.md ]; then
	echo
	cat build/clients-run/summary.md
else
	echo "report: real clients: the published snapshot $clients_md is in the report" \
		"('make clients' runs DPDK testpmd again)"
fi
