#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: (1) vfsim_bench: median ns per MAP_DMA / UNMAP_DMA and heap bytes
# per mapping up to 1M entries on both personalities; (2) the whole library on
# sim-type1 and sim-compat, wall time including the fork per case; (3) the
# kernel tier's time per case from the latest kernel run (build/kernel-run:
# each boot's QEMU wall time, initramfs written to console.log closed) and
# the ratio. Without a kernel run the ratio uses ref-kernel/README.md's
# measured 52 s for 112 cases on both backends (the fastest iommu boot).
set -euo pipefail
unset VFSIM_PARAMS

bench=${SIM_BENCH:-build/sim-bench/vfsim_bench}
libbench=${SIM_LIBBENCH:-build/sim-bench/vfsim_libbench}
vfc=${VFCONFORM:-build/vfconform}
krun=${KRUN:-build/kernel-run}
out=build/sim-bench
mkdir -p "$out"

now() { date +%s.%N; }

echo "bench: map/unmap of single-page entries (dma_entry_limit raised to fit)"
"$bench" ${SIM_BENCH_SIZES:-}

echo
echo "bench: the whole library through vfconform run (a forked child and a pipe per case)"
sim_total=0
sim_cases=0
for p in type1 compat; do
	t0=$(now)
	"$vfc" run --backend "sim-$p" --out "$out/$p.json" > "$out/$p.log" 2>&1 || true
	t1=$(now)
	n=$(sed -nE 's/.*: ([0-9]+) cases, .*/\1/p' "$out/$p.log" | tail -1)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	printf '  sim-%-7s %4s cases in %6.3f s  (%.2f ms per case)\n' "$p" "$n" "$secs" \
		"$(awk -v s="$secs" -v n="$n" 'BEGIN { print n ? 1000 * s / n : 0 }')"
	sim_total=$(awk -v a="$sim_total" -v b="$secs" 'BEGIN { print a + b }')
	sim_cases=$((sim_cases + n))
done

echo
echo "bench: the whole library in one process (no fork per case; best of 5 rounds)"
inproc_total=0
for p in type1 compat; do
	read -r _ n secs < <("$libbench" "sim-$p" cases 5)
	printf '  sim-%-7s %4s cases in %6.3f s  (%.3f ms per case)\n' "$p" "$n" "$secs" \
		"$(awk -v s="$secs" -v n="$n" 'BEGIN { print 1000 * s / n }')"
	inproc_total=$(awk -v a="$inproc_total" -v b="$secs" 'BEGIN { print a + b }')
done

k_secs=""
k_cases=0
for boot in "$krun"/*/; do
	[ -f "$boot/console.log" ] && [ -f "$boot/initramfs.cpio.gz" ] || continue
	s=$(( $(stat -c %Y "$boot/console.log") - $(stat -c %Y "$boot/initramfs.cpio.gz") ))
	k_secs=$(( ${k_secs:-0} + s ))
done
for b in type1 compat; do
	[ -f "$krun/$b.json" ] || continue
	k_cases=$((k_cases + $(grep -o '"status": *"[a-z]*"' "$krun/$b.json" | wc -l)))
done
if [ -n "$k_secs" ] && [ "$k_cases" -gt 0 ]; then
	src="latest kernel run ($krun, QEMU wall time of every boot)"
else
	k_secs=52
	k_cases=224
	src="ref-kernel/README.md measurement (no $krun: 52 s for 112 cases x 2 backends)"
fi
sim_pc=$(awk -v s="$sim_total" -v n="$sim_cases" 'BEGIN { printf "%.3f", 1000 * s / n }')
k_pc=$(awk -v s="$k_secs" -v n="$k_cases" 'BEGIN { printf "%.1f", 1000 * s / n }')
echo
echo "bench: kernel tier: $k_cases case runs in $k_secs s = $k_pc ms per case; $src"
echo "bench: sim via vfconform: $sim_cases case runs in $sim_total s = $sim_pc ms per case"
ratio=$(awk -v k="$k_pc" -v s="$sim_pc" 'BEGIN { printf "%.0f", k / s }')
in_pc=$(awk -v s="$inproc_total" -v n="$sim_cases" 'BEGIN { printf "%.3f", 1000 * s / n }')
in_ratio=$(awk -v k="$k_pc" -v s="$in_pc" 'BEGIN { printf "%.0f", k / s }')
echo "bench: sim through vfconform (fork per case): ${ratio}x faster per case than the kernel tier"
echo "bench: sim in-process: $in_pc ms per case, ${in_ratio}x faster per case than the kernel tier"
