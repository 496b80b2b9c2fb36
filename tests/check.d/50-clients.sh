#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Real clients, short: Debian's dpdk-testpmd forwards for a few seconds on the type1
# container and on iommufd compat (hugepages, IOVA as VA) in the dpdk kernel variant, and
# must exit 0 with packets forwarded and 0 drops on both. One check per backend.
set -euo pipefail

# Its own directory, so CI never overwrites the results of a full "make clients".
crun=${CRUN_CI:-build/clients-ci}
t0=$SECONDS
rc=0
make -s clients-short CRUN="$crun" > "${crun}.log" 2>&1 || rc=$?
cat "${crun}.log"
echo "clients: short run took $((SECONDS - t0))s (make exit $rc)"
counts=$(grep -E '^clients: [0-9]+ passed, [0-9]+ failed$' "${crun}.log" | tail -1 || true)
if [ -z "$counts" ]; then
	# The build or the boot failed before any run was judged.
	echo "clients: 0 passed, 1 failed"
	exit 1
fi
echo "$counts"
[ "$rc" -eq 0 ]
