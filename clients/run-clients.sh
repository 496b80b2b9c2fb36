#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make clients: every DPDK testpmd scenario on both kernel backends in one boot of the dpdk
# kernel variant (clients/run-dpdk.sh), the cases derived from the type1 traces, and a
# summary: per scenario, did it work on each backend, and where the backends' ioctl
# sequences differ.
#
# usage: run-clients.sh [--short]
#   --short  CI: one backend pair (fwd, hugepages, IOVA as VA), FWD_SECONDS default 3
#
# Environment: as run-dpdk.sh (CRUN, KOBJ_DPDK, TRACE_SO, DPDK_NIC, FWD_SECONDS);
# VFCONFORM, the host runner (build/vfconform); CLIENTS_REUSE=1 summarises the runs already
# in $CRUN again instead of booting.
#
# Output: $CRUN/summary.json, $CRUN/summary.md, $CRUN/cases/*.case. The last line is
# "clients: N passed, N failed": one check per run, and one per scenario whose regenerated
# case must equal the committed cases/clients/ one; exit 1 if any failed.

set -euo pipefail

cd "$(dirname "$0")/.."

CRUN=${CRUN:-build/clients-run}
VFCONFORM=${VFCONFORM:-build/vfconform}
export CRUN

SCENARIOS=(fwd:huge:va fwd:huge:pa fwd:nohuge:va fwd:nohuge:pa reattach:huge:va)
if [ "${1:-}" = --short ]; then
	SCENARIOS=(fwd:huge:va)
	export FWD_SECONDS=${FWD_SECONDS:-3}
	# Two runs take well under a minute: a hung guest should not hold CI for 20.
	export DPDK_BOOT_TIMEOUT=${DPDK_BOOT_TIMEOUT:-300}
elif [ $# -gt 0 ]; then
	echo "usage: run-clients.sh [--short]" >&2
	exit 2
fi

runs=()
for s in "${SCENARIOS[@]}"; do
	runs+=("type1:$s" "compat:$s")
done

t0=$SECONDS
boot=0
if [ "${CLIENTS_REUSE:-0}" = 1 ]; then
	# Summarise the runs already in $CRUN again (after changing this script).
	boot_s=$(jq -r .boot_seconds "$CRUN/summary.json" 2>/dev/null || echo 0)
else
	rm -rf "$CRUN"
	mkdir -p "$CRUN"
	bash clients/run-dpdk.sh "${runs[@]}" || boot=1
	boot_s=$((SECONDS - t0))
fi
mkdir -p "$CRUN/cases"

# The container and group part of a trace, as comparable records: no fds, no addresses.
seq_of() {
	jq -c 'select(.format == null and .obj != "device" and .op != "open" and
		.op != "close") |
		[.obj, .op, .ret, .errno, (.args.ext // .args.type // ""), (.out.size // "")]' \
		"$1" 2>/dev/null || true
}

passed=0
failed=0
entries=()
for s in "${SCENARIOS[@]}"; do
	dt=$CRUN/type1-${s//:/-}
	dc=$CRUN/compat-${s//:/-}
	for d in "$dt" "$dc"; do
		if [ "$(jq -r .ok "$d/result.json" 2>/dev/null)" = true ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	# Where the two backends' ioctl sequences part: index and both records.
	diff=$(jq -n --slurpfile a <(seq_of "$dt/trace.jsonl") \
		--slurpfile b <(seq_of "$dc/trace.jsonl") '
		[range(0; [($a | length), ($b | length)] | max) as $i |
			select($a[$i] != $b[$i]) | {i: $i, type1: $a[$i], compat: $b[$i]}] |
		{differing: length, first: .[:5]}')
	name=clients.dpdk.${s//:/.}
	if [ -s "$dt/trace.jsonl" ]; then
		"$VFCONFORM" trace2case --name "$name" \
			--about "DPDK 22.11 testpmd ${s//:/ }: its container ioctls as traced on type1" \
			--out "$CRUN/cases/dpdk-${s//:/-}.case" "$dt/trace.jsonl" ||
			echo "clients: trace2case failed for $s" >&2
	fi
	# DPDK's sequence is deterministic in a fixed guest, so a regenerated case that
	# no longer matches the committed one means the client or the type1 backend changed.
	# (IOVA-as-PA cases too: trace2case keeps only where a physical IOVA lies relative
	# to the lowest one, which did not move when the initramfs changed.)
	gen=$CRUN/cases/dpdk-${s//:/-}.case
	lib=cases/clients/${gen##*/}
	same=null
	if [ -f "$gen" ] && [ -f "$lib" ]; then
		if diff -u <(grep -v '^#' "$lib") <(grep -v '^#' "$gen") > "$gen.diff"; then
			same=true
			rm -f "$gen.diff"
		else
			same=false
			echo "clients: $lib no longer matches DPDK's trace ($gen.diff)" >&2
		fi
		if [ "$same" = true ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	fi
	entries+=("$(jq -n --arg s "$s" --arg case "$name" --argjson diff "$diff" --argjson same "$same" \
		--slurpfile t <(cat "$dt/result.json") --slurpfile c <(cat "$dc/result.json") '
		def brief: {ok, init_ok, exit_code, iova_selected, forwarded, dropped, phases, seconds,
			eal_errors, ioctls: (.ioctls | if . then {total, failed} else null end)};
		{scenario: $s, case: $case, case_unchanged: $same,
		 type1: ($t[0] | brief), compat: ($c[0] | brief),
		 ioctl_sequence_diff: $diff}')")
done

printf '%s\n' "${entries[@]}" | jq -s --argjson boot "$boot_s" --arg nic "${DPDK_NIC:-e1000e}" \
	'{client: "dpdk-testpmd 22.11 (Debian 12)", nic: $nic, boot_seconds: $boot,
	  scenarios: .}' > "$CRUN/summary.json"

{
	echo "## Real clients: DPDK testpmd"
	echo
	echo "Debian 12 dpdk-testpmd 22.11, two ${DPDK_NIC:-e1000e} NICs on a QEMU hub behind VT-d,"
	echo "kernel 6.12 (dpdk variant); one boot of ${boot_s}s for all runs."
	echo
	echo "| scenario | type1 | compat | ioctl records that differ |"
	echo "| --- | --- | --- | --- |"
	jq -r '.scenarios[] |
		def cell: if .ok then "ok: \(.forwarded) fwd, \(.dropped) drops, exit \(.exit_code)"
			else "FAIL (init \(.init_ok), exit \(.exit_code), fwd \(.forwarded))" end;
		"| \(.scenario) | \(.type1 | cell) | \(.compat | cell) | " +
		"\(.ioctl_sequence_diff.differing) |"' "$CRUN/summary.json"
	echo
	echo "Derived case equal to the committed cases/clients/ one:" \
		"$(jq -r '[.scenarios[] | "\(.scenario) \(.case_unchanged)"] | join(", ")' \
			"$CRUN/summary.json")"
	echo
	echo "IOVA mode EAL selected (type1/compat):" \
		"$(jq -r '[.scenarios[] | "\(.scenario) \(.type1.iova_selected)/\(.compat.iova_selected)"] |
			join(", ")' "$CRUN/summary.json")"
	echo
	echo "### Where the backends differ, from DPDK's point of view"
	echo
	echo "Container and group ioctl records (trace order; [obj, op, ret, errno, ext/type," \
		"unmap size]) that differ, first 5 per scenario, and the EAL errors of each backend:"
	echo
	jq -r '.scenarios[] |
		"- \(.scenario) (case `\(.case)`): \(.ioctl_sequence_diff.differing) record(s)",
		(.ioctl_sequence_diff.first[] |
			"  - #\(.i): type1 `\(.type1 | tojson)` / compat `\(.compat | tojson)`"),
		(if (.type1.eal_errors | length) + (.compat.eal_errors | length) > 0 then
			"  - EAL errors: type1 \(.type1.eal_errors | group_by(.) |
				map("\(length)x `\(.[0])`") | join(", ") | if . == "" then "none"
				else . end); compat \(.compat.eal_errors | group_by(.) |
				map("\(length)x `\(.[0])`") | join(", ") | if . == "" then "none"
				else . end)"
		else empty end)' "$CRUN/summary.json"
	# The derived cases replayed on the reference kernel (committed fixtures): which
	# case-level gaps DPDK's own sequence runs into.
	fx=fixtures/kernel-6.12
	if [ -f "$fx/type1.json" ] && [ -f "$fx/compat.json" ]; then
		echo
		echo "### Case-level gaps of the derived cases ($fx, type1 vs compat)"
		echo
		"$VFCONFORM" diff "$fx/type1.json" "$fx/compat.json" |
			grep -E '^clients\.dpdk\.[a-z0-9._-]+ step ' |
			sed -E 's/^([^ ]+) step [0-9]+ \(line [0-9]+ ([A-Z_]+)\): ([a-zA-Z_.]+):.*/\1 \2 \3/' |
			sort | uniq -c |
			awk '{ f = $2; sub(/^clients\.dpdk\./, "", f); gsub(/\./, "-", f)
				printf "- `%s` (cases/clients/dpdk-%s.case): %s `%s` differs in" \
					" %d step(s)\n", $2, f, $3, $4, $1 }' || true
	fi
} > "$CRUN/summary.md"
cat "$CRUN/summary.md"
[ "$boot" = 0 ] || failed=$((failed + 1))
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
