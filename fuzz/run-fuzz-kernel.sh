#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make fuzz-kernel: the differential fuzzer in the reference kernel's guest (one boot per
# boot configuration, many sequences, each kernel sequence in a forked child). Modes, each
# for FUZZ_KERNEL_TIME seconds:
#   fuzz-type1   kernel-type1 vs sim-type1     (fidelity: a difference is a sim bug)
#   fuzz-compat  kernel-compat vs sim-compat   (fidelity)
#   fuzz-gap     kernel-type1 vs kernel-compat (gap discovery)
# Differences are shrunk in the guest, where the kernel is, and come back as case files with
# both observations in $FUZZ_KRUN/BOOT/MODE/; the summary per mode is BOOT/MODE.json.
#
# Environment: FUZZ_SEED, FUZZ_KERNEL_TIME, FUZZ_KERNEL_COUNT (sequences per mode at most;
# unlimited), FUZZ_STEPS (12), FUZZ_BOOTS (iommu), FUZZ_MODES, FUZZ_KRUN (build/fuzz-kernel),
# KOBJ, VFCONFORM_GUEST.
set -uo pipefail

seed=${FUZZ_SEED:-1}
t=${FUZZ_KERNEL_TIME:-600}
steps=${FUZZ_STEPS:-12}
modes=${FUZZ_MODES:-fuzz-type1 fuzz-compat fuzz-gap}
krun=${FUZZ_KRUN:-build/fuzz-kernel}
failed=0
count=${FUZZ_KERNEL_COUNT:-1000000000}

# they end up on the guest's command line, where a typo would cost a boot to find
for v in seed t steps count; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]]; then
		echo "fuzz-kernel: FUZZ_SEED, FUZZ_KERNEL_TIME, FUZZ_STEPS and FUZZ_KERNEL_COUNT" \
			"must be numbers ($v is '${!v}')" >&2
		exit 2
	fi
done

read -r -a nmodes <<< "$modes"
for boot in ${FUZZ_BOOTS:-iommu}; do
	VFCONFORM_FUZZ="--seed $seed --steps $steps --count $count --time $t" \
	VFCONFORM_FUZZ_MODES="$modes" KRUN=$krun VFCONFORM_SMP=${VFCONFORM_SMP:-1} \
	VFCONFORM_BOOT_TIMEOUT=$(( ${#nmodes[@]} * (t + 300) + 300 )) \
		bash ref-kernel/boot/fuzz.sh "$boot" || failed=1
	for m in $modes; do
		s=$krun/$boot/$m.json
		if [ ! -f "$s" ]; then
			echo "fuzz-kernel: $boot $m: no summary (see $krun/$boot/console.log)" >&2
			failed=1
			continue
		fi
		jq -r --arg b "$boot" --arg m "$m" '"fuzz-kernel: \($b) \($m): \(.a) vs \(.b): " +
			"\(.sequences) sequences in \(.seconds|floor) s (\(.per_minute|floor)/min), " +
			"\(.differing) differing, \(.signatures|length) distinct, " +
			"\(.findings) shrunk, \(.parse_errors) generator errors"' "$s"
		jq -r '.signatures[] | "fuzz-kernel:   \(.sequences)\t\(.signature)"' "$s"
		ls "$krun/$boot/$m/"*.case 2> /dev/null | sed 's/^/fuzz-kernel:   finding /'
	done
done
exit $failed
