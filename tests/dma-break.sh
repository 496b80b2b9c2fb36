#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# usage: tests/dma-break.sh
# DEVICE_DMA's observations must come from the device. This boots the reference kernel with
# edu's DMA engine broken on purpose in the runner (VFCONFORM_EDU_BREAK, harness/backends/
# edu_dma.h: 1 writes the command without its start bit, 2 writes it to the count register)
# and runs every DMA case on kernel-type1: each must then differ from the fixtures (stage
# 20-kernel shows that the unbroken engine reproduces them), except the cases in which the
# device is never asked by design (no device fd, the staging IOVA taken), which must match.
# One check per mode and case; last line "dma-break: N passed, N failed".
set -uo pipefail

if [ $# -ne 0 ]; then
	sed -n 's/^# usage: /usage: /p' "$0" >&2
	exit 2
fi
cd "$(dirname "$0")/.."
vfc=${VFCONFORM:-build/vfconform}
fixture=fixtures/kernel-6.12/type1.json
out=${DMA_BREAK_DIR:-build/dma-break}
# the cases that make no transfer: their observations cannot depend on the engine
no_transfer=" no-device-open staging-iova-taken "
cases=()
for f in cases/dma/*.case; do
	cases+=("$(basename "$f" .case)")
done
passed=0
failed=0

rm -rf "$out"
mkdir -p "$out/cases"
cp -r cases/dma "$out/cases/"

for mode in 1 2; do
	krun=$out/mode-$mode
	if ! CASES=$out/cases KRUN=$krun VFCONFORM_BACKENDS=kernel-type1 \
		VFCONFORM_EDU_BREAK=$mode bash ref-kernel/boot/library.sh iommu > "$krun.log" 2>&1 ||
		[ ! -f "$krun/iommu/kernel-type1.json" ]; then
		echo "dma-break: mode $mode: the boot failed (see $krun.log)" >&2
		failed=$((failed + ${#cases[@]}))
		continue
	fi
	for c in "${cases[@]}"; do
		# one case of each document, so the diff compares exactly that case
		for side in fixture broken; do
			src=$fixture
			[ "$side" = broken ] && src=$krun/iommu/kernel-type1.json
			jq --arg n "dma.$c" '.cases |= map(select(.name == $n))' "$src" \
				> "$krun/$c.$side.json"
		done
		"$vfc" diff --quiet "$krun/$c.fixture.json" "$krun/$c.broken.json" > /dev/null
		rc=$?
		if [ "$rc" -gt 1 ]; then
			echo "dma-break: mode $mode: dma.$c: diff failed" >&2
			failed=$((failed + 1))
		elif [[ $no_transfer == *" $c "* ]] && [ "$rc" -ne 0 ]; then
			echo "dma-break: mode $mode: dma.$c makes no transfer but changed" >&2
			failed=$((failed + 1))
		elif [[ $no_transfer != *" $c "* ]] && [ "$rc" -eq 0 ]; then
			echo "dma-break: mode $mode: dma.$c matches the fixture with the engine broken" >&2
			failed=$((failed + 1))
		else
			passed=$((passed + 1))
		fi
	done
done
echo "dma-break: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
