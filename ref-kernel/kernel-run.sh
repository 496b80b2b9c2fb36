#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make kernel-run: every boot configuration through ref-kernel/boot/library.sh, then one
# observation file per backend merged over the boots (and their retries), and a short summary.
#
# Environment: KOBJ, KRUN, VFCONFORM_GUEST as for boot/library.sh; KBOOTS, the boots
# ("iommu noiommu": intel-iommu's); VFCONFORM, the host runner (build/vfconform) whose
# "merge" command joins the per-boot files.

set -euo pipefail

cd "$(dirname "$0")/.."

KRUN=${KRUN:-build/kernel-run}
VFCONFORM=${VFCONFORM:-build/vfconform}
export KRUN

# the boots of one driver (ref-kernel/lib/runs.sh BOOT_DRIVER); kernel.mk passes DRIVER's
read -r -a BOOTS <<< "${KBOOTS:-iommu noiommu}"
declare -A MERGED=([kernel-type1]=type1.json [kernel-compat]=compat.json)

status=0
rm -f "$KRUN/type1.json" "$KRUN/compat.json"
for boot in "${BOOTS[@]}"; do
	t0=$SECONDS
	bash ref-kernel/boot/library.sh "$boot" || status=1
	echo "kernel-run: $boot: $(cat "$KRUN/$boot/status" 2>/dev/null || echo failed)" \
		"in $((SECONDS - t0))s"
done

# The probe's KUnit suite runs at boot, before /init, in every boot: its KTAP result on the
# console is part of the tier's pass/fail, since every acct.user_locked depends on it.
for boot in "${BOOTS[@]}"; do
	con=$KRUN/$boot/console.log
	ktap=$(tr -d '\r' < "$con" 2>/dev/null | sed 's/^\[[ 0-9.]*\] *//' |
		grep -E '^(not )?ok [0-9]+ vfconform_probe$' || true)
	case $ktap in
	"ok "*)
		echo "kernel-run: $boot: KUnit vfconform_probe: $(tr -d '\r' < "$con" |
			grep -oE 'vfconform_probe: pass:[0-9]+ fail:[0-9]+.*' | head -n 1)" ;;
	*)
		echo "kernel-run: $boot: KUnit vfconform_probe did not pass: ${ktap:-no result}" \
			"(console: $con)" >&2
		status=1 ;;
	esac
done

# Files are merged in boot order and, within a boot, first boot before its retries.
for b in kernel-type1 kernel-compat; do
	inputs=()
	crashed=()
	for boot in "${BOOTS[@]}"; do
		while read -r f; do
			inputs+=("$f")
		done < <(find "$KRUN/$boot" -name "$b.json" -printf '%d %p\n' 2>/dev/null |
			sort -n | cut -d' ' -f2-)
		while IFS= read -r line; do
			[ "${line%%:*}" = "$b" ] && crashed+=(--crashed "$line")
		done < <(cat "$KRUN/$boot/crashed" 2>/dev/null || true)
	done
	if [ "${#inputs[@]}" = 0 ]; then
		echo "kernel-run: no results for $b" >&2
		status=1
		continue
	fi
	"$VFCONFORM" merge --out "$KRUN/${MERGED[$b]}" "${crashed[@]}" "${inputs[@]}" ||
		status=1
done

# Per boot and backend, from the console of the boot that produced the result: the
# runner's own closing line, the cases that did not pass, and the crashed ones.
echo "kernel-run: summary"
for boot in "${BOOTS[@]}"; do
	for b in kernel-type1 kernel-compat; do
		json=$(find "$KRUN/$boot" -name "$b.json" | head -n 1)
		if [ -z "$json" ]; then
			echo "kernel-run:   $boot $b: no result"
			continue
		fi
		con=${json%/*}/console.log
		line=$(tr -d '\r' < "$con" | grep -oE "vfconform run: $b: .*" | tail -n 1 || true)
		echo "kernel-run:   $boot ${line:-$b: ran (no closing line from the runner)}"
		tr -d '\r' < "$con" | sed -n "/vfconform-run-start: $b/,/vfconform-run-end: $b/p" |
			sed -n "s/^not ok [0-9]* /kernel-run:     not ok: /p"
	done
	while IFS= read -r line; do
		echo "kernel-run:     crashed: $line"
	done < <(cat "$KRUN/$boot/crashed" 2>/dev/null || true)
	# A WARN does not stop the guest but is a kernel bug report worth reading.
	while IFS= read -r con; do
		n=$(tr -d '\r' < "$con" | grep -c 'WARNING: CPU: ' || true)
		[ "$n" = 0 ] || echo "kernel-run:     $n kernel WARNING(s) in $con"
	done < <(find "$KRUN/$boot" -name console.log | sort)
done
for b in kernel-type1 kernel-compat; do
	[ -f "$KRUN/${MERGED[$b]}" ] && echo "kernel-run: $b -> $KRUN/${MERGED[$b]}"
done
exit "$status"
