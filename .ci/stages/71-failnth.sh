#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults in the kernel tier, second half of make fault (tests/fault/run-failnth.sh): the
# fail-nth sweep on build/kernel-fault, the reference kernel plus ref-kernel/fault.fragment
# (built from a copy of build/kernel, so only what the fault options touch is recompiled).
# Its own last line is "failnth: N passed, N failed".
set -uo pipefail

if ! make -s kernel-fault guest > build/kernel-fault.log 2>&1; then
	echo "failnth: FAIL: building the fault-injection kernel (see build/kernel-fault.log)" >&2
	echo "failnth: 0 passed, 1 failed"
	exit 1
fi
KOBJ=build/kernel-fault exec bash tests/fault/run-failnth.sh
