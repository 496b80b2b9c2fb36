#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The library mode (make kernel-run, through ref-kernel/kernel-run.sh): boot the reference
# kernel for one boot configuration, run every case of its topologies on both kernel
# backends in the guest and bring the results and gcov data back; a case that kills the
# guest is recorded as crashed and its backend booted again without it.
#
# usage: library.sh BOOT        BOOT is a boot of ref-kernel/lib/runs.sh (BOOT_DRIVER)
#
# Environment: VFCONFORM_BACKENDS, the backends to run (kernel-type1 kernel-compat);
# VFCONFORM_EDU_BREAK, edu's engine broken on purpose (harness/backends/edu_dma.h); the rest
# as in ref-kernel/lib/boot.sh (limits, accelerator) and ref-kernel/lib/runs.sh (paths,
# output in $KRUN/BOOT/). Exit status 1 if the boot failed or a case crashed the guest.

set -euo pipefail

cd "$(dirname "$0")/../.."
WHO="boot-library"
# shellcheck source=ref-kernel/lib/boot.sh
. ref-kernel/lib/boot.sh
# shellcheck source=ref-kernel/lib/runs.sh
. ref-kernel/lib/runs.sh

[ $# -eq 1 ] || die "usage: library.sh BOOT (${!BOOT_DRIVER[*]})"
boot_topology "$1"
read -r -a BACKENDS <<< "${VFCONFORM_BACKENDS:-kernel-type1 kernel-compat}"
# tests/dma-break.sh breaks edu's DMA engine on purpose; the guest's runner reads this.
if [ -n "${VFCONFORM_EDU_BREAK:-}" ]; then
	[[ $VFCONFORM_EDU_BREAK =~ ^[0-9]+$ ]] || die "VFCONFORM_EDU_BREAK must be a number"
	CONF_EXTRA+=("export VFCONFORM_EDU_BREAK=$VFCONFORM_EDU_BREAK")
fi
run_boots
