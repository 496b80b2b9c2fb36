#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The fail-nth mode (tests/fault/run-failnth.sh, on the fault-injection kernel): one boot in
# which init.sh runs "vfconform failnth" for every CASE:LINE of VFCONFORM_FAILNTH on both
# kernel backends. The results come back as $KRUN/BOOT/failnth.txt (and failnth.json, which
# only says the sweep got to its end). No retry: a guest death is the finding.
#
# usage: failnth.sh BOOT        BOOT is iommu or noiommu
#
# Environment: VFCONFORM_FAILNTH, the CASE:LINE list (case files relative to $CASES);
# KOBJ, the fault-injection kernel's build directory; the rest as ref-kernel/boot/library.sh.
# Exit status 1 if the boot failed or the guest died.

set -euo pipefail

cd "$(dirname "$0")/../.."
WHO="boot-failnth"
# shellcheck source=ref-kernel/lib/boot.sh
. ref-kernel/lib/boot.sh
# shellcheck source=ref-kernel/lib/runs.sh
. ref-kernel/lib/runs.sh

[ $# -eq 1 ] || die "usage: failnth.sh iommu|noiommu"
[ -n "${VFCONFORM_FAILNTH:-}" ] || die "VFCONFORM_FAILNTH (CASE:LINE ...) is not set"
boot_topology "$1"
BACKENDS=(failnth)
RETRIES=0
CONF_EXTRA+=("FAILNTH=\"$VFCONFORM_FAILNTH\"")
run_boots
