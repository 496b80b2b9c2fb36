#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The fuzz mode (make fuzz-kernel, fuzz/run-fuzz-kernel.sh): one boot in which init.sh runs
# "vfconform fuzz $VFCONFORM_FUZZ" per mode instead of the library. The summary of mode M
# comes back as $KRUN/BOOT/M.json and its shrunk findings in $KRUN/BOOT/M/. A guest death is
# reported like a crashed case (the sequence's name); no retry, since the name alone
# reproduces it (vfconform fuzz --seed S, sequence N).
#
# usage: fuzz.sh BOOT           BOOT is iommu or noiommu
#
# Environment: VFCONFORM_FUZZ, the arguments of "vfconform fuzz" (e.g. "--seed 1 --time
# 600"); VFCONFORM_FUZZ_MODES, its modes (fuzz-type1 fuzz-compat fuzz-gap); the rest as
# ref-kernel/boot/library.sh. Exit status 1 if the boot failed or the guest died.

set -euo pipefail

cd "$(dirname "$0")/../.."
WHO="boot-fuzz"
# shellcheck source=ref-kernel/lib/boot.sh
. ref-kernel/lib/boot.sh
# shellcheck source=ref-kernel/lib/runs.sh
. ref-kernel/lib/runs.sh

[ $# -eq 1 ] || die "usage: fuzz.sh iommu|noiommu"
[ -n "${VFCONFORM_FUZZ:-}" ] || die "VFCONFORM_FUZZ (the arguments of vfconform fuzz) is not set"
boot_topology "$1"
read -r -a BACKENDS <<< "${VFCONFORM_FUZZ_MODES:-fuzz-type1 fuzz-compat fuzz-gap}"
RETRIES=0
CONF_EXTRA+=("FUZZ=\"$VFCONFORM_FUZZ\"")
run_boots
