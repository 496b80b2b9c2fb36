#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults in the kernel tier, first half of make fault (tests/fault/run-fault.sh): a guest that
# dies mid-case and a case that hangs are reported as crashed/timeout with the console tail,
# the other cases' results are kept, and the run exits non-zero; a guest without the shared
# blob emitter sends no blob. Its own last line is "fault: N passed, N failed".
set -uo pipefail

if ! make -s kernel guest > build/fault-build.log 2>&1; then
	echo "fault: FAIL: building the kernel or the guest runner (see build/fault-build.log)" >&2
	echo "fault: 0 passed, 1 failed"
	exit 1
fi
exec bash tests/fault/run-fault.sh
