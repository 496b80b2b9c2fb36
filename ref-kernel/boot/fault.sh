#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The fault mode (make fault, tests/fault/run-fault.sh): the library mode with a test-only
# fault in the guest, to show that the host reports it and keeps the other cases' results.
# init.sh passes the runner's KTAP through and, when the named case starts, acts:
#   VFCONFORM_FAULT_CRASH  init exits: the kernel panics in the middle of the case
#   VFCONFORM_FAULT_HANG   the case's child is stopped: the runner must time the case out
#   VFCONFORM_FAULT_STALL  the child is stopped and RCU stall reports start: the host must
#                          stop the guest as stalled
#
# usage: fault.sh BOOT          BOOT is iommu or noiommu; at least one of the three set
#
# Environment otherwise as ref-kernel/boot/library.sh (VFCONFORM_BACKENDS, VFCONFORM_RETRIES,
# KRUN, CASES, ...). Exit status 1 if the boot failed or a case crashed the guest.

set -euo pipefail

cd "$(dirname "$0")/../.."
WHO="boot-fault"
# shellcheck source=ref-kernel/lib/boot.sh
. ref-kernel/lib/boot.sh
# shellcheck source=ref-kernel/lib/runs.sh
. ref-kernel/lib/runs.sh

[ $# -eq 1 ] || die "usage: fault.sh iommu|noiommu"
boot_topology "$1"
read -r -a BACKENDS <<< "${VFCONFORM_BACKENDS:-kernel-type1 kernel-compat}"
[ -z "${VFCONFORM_FAULT_CRASH:-}" ] || CONF_EXTRA+=("FAULT_CRASH_CASE=$VFCONFORM_FAULT_CRASH")
[ -z "${VFCONFORM_FAULT_HANG:-}" ] || CONF_EXTRA+=("FAULT_HANG_CASE=$VFCONFORM_FAULT_HANG")
[ -z "${VFCONFORM_FAULT_STALL:-}" ] || CONF_EXTRA+=("FAULT_STALL_CASE=$VFCONFORM_FAULT_STALL")
[ "${#CONF_EXTRA[@]}" -gt 0 ] ||
	die "no fault: set VFCONFORM_FAULT_CRASH, VFCONFORM_FAULT_HANG or VFCONFORM_FAULT_STALL"
run_boots
