#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real clients, short: Debian's dpdk-testpmd forwards for a few seconds on the type1
# container and on iommufd compat (hugepages, IOVA as VA) in the dpdk kernel variant, and
# must exit 0 with packets forwarded and 0 drops on both (one check per backend, one for the
# regenerated case). Before that, without QEMU: trace2case on a committed DPDK trace must
# give the committed case (one check), and the interposer must record a small client against
# a fake type1 as tests/trace/ expects (make trace-check, three checks). After it, one boot
# without the shared blob emitter (ref-kernel/lib/emit.sh): clients/dpdk/init.sh sources it
# and has none of its own, so the guest must die sourcing it and send no blob (one check).
set -euo pipefail

# Its own directory, so CI never overwrites the results of a full "make clients".
crun=${CRUN_CI:-build/clients-ci}
passed=0
failed=0

make -s build/vfconform
trace=tests/data/dpdk-reattach-type1.jsonl
want=cases/clients/dpdk-reattach-huge-va.case
# The first line names the trace the case came from; the rest must be equal.
if build/vfconform trace2case --name clients.dpdk.reattach.huge.va \
	--about "$(sed -n 's/^about *//p' "$want")" "$trace" | tail -n +2 |
	diff -u <(tail -n +2 "$want") - >&2; then
	echo "clients: trace2case $trace reproduces $want"
	passed=$((passed + 1))
else
	echo "clients: trace2case $trace differs from $want (above)" >&2
	failed=$((failed + 1))
fi

make -s trace-check > "${crun}-trace-check.log" 2>&1
cat "${crun}-trace-check.log"
counts=$(grep -E '^trace-check: [0-9]+ passed, [0-9]+ failed$' "${crun}-trace-check.log" || true)
if [ -z "$counts" ]; then
	failed=$((failed + 1))
else
	read -r _ p _ f _ <<< "$counts"
	passed=$((passed + p))
	failed=$((failed + f))
fi

t0=$SECONDS
rc=0
make -s clients-short CRUN="$crun" > "${crun}.log" 2>&1 || rc=$?
cat "${crun}.log"
echo "clients: short run took $((SECONDS - t0))s (make exit $rc)"
counts=$(grep -E '^clients: [0-9]+ passed, [0-9]+ failed$' "${crun}.log" | tail -1 || true)
if [ -z "$counts" ]; then
	# The build or the boot failed before any run was judged.
	failed=$((failed + 1))
else
	read -r _ p _ f _ <<< "$counts"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$rc" -eq 0 ] || [ "$f" -ne 0 ] || failed=$((failed + 1))
fi
noemit=${crun}-noemit
rc=0
CRUN=$noemit VFCONFORM_EMITTER='' DPDK_BOOT_TIMEOUT=300 \
	bash clients/run-dpdk.sh type1:fwd:huge:va > "${noemit}.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && [ -f "$noemit/console.log" ] &&
	! grep -q vfconform-blob-begin "$noemit/data.log" 2>/dev/null &&
	tr -d '\r' < "$noemit/console.log" | grep -q "can't open '/etc/vfconform-emit.sh'"; then
	echo "clients: without the shared emitter the dpdk guest sends no blob (exit $rc)"
	passed=$((passed + 1))
else
	echo "clients: without the shared emitter: exit $rc, or a blob came back, or no" \
		"sourcing error (see ${noemit}.log, $noemit/console.log)" >&2
	failed=$((failed + 1))
fi
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
