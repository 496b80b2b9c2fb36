#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: (1) vfsim_bench: median ns per MAP_DMA / UNMAP_DMA and heap bytes
# per mapping up to 1M entries on both personalities; (2) the whole library on
# sim-type1 and sim-compat through vfconform run (wall time, best of 3) and in
# one process (best of 5); (3) the kernel tier's time per case from the latest
# kernel run (build/kernel-run: each boot's QEMU wall time, initramfs written
# to console.log closed) and the ratios; without a kernel run they use
# ref-kernel/README.md's measured 52 s for 112 cases on both backends (the
# fastest iommu boot); (4) the sim-vs-sim fuzzer's sequences a minute on one
# core (its CPU time, user + system: the machine may be shared).
# Every figure comes from this run; exit 1 when a target is missed:
#   heap per mapping at 1M entries <= BENCH_HEAP_MAX (200) bytes, both personalities;
#   the library per case >= BENCH_RATIO_MIN (100) x faster than the kernel tier,
#   in-process and through vfconform run;
#   vfconform fuzz >= BENCH_FUZZ_MIN (500000) sequences a minute.
set -euo pipefail
unset VFSIM_PARAMS

bench=${SIM_BENCH:-build/sim-bench/vfsim_bench}
libbench=${SIM_LIBBENCH:-build/sim-bench/vfsim_libbench}
vfc=${VFCONFORM:-build/vfconform}
krun=${KRUN:-build/kernel-run}
out=build/sim-bench
heap_max=${BENCH_HEAP_MAX:-200}
ratio_min=${BENCH_RATIO_MIN:-100}
fuzz_min=${BENCH_FUZZ_MIN:-500000}
fuzz_count=${BENCH_FUZZ_COUNT:-20000}
mkdir -p "$out"
missed=0
met=0

now() { date +%s.%N; }
target() {	# target OK|MISS TEXT
	if [ "$1" = OK ]; then
		met=$((met + 1))
		echo "bench: target met: $2"
	else
		missed=$((missed + 1))
		echo "bench: target MISSED: $2"
	fi
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

echo "bench: map/unmap of single-page entries (dma_entry_limit raised to fit)"
"$bench" ${SIM_BENCH_SIZES:-} | tee "$out/map.log"

echo
echo "bench: the whole library through vfconform run (one forked worker, best of 3)"
sim_total=0
sim_cases=0
for p in type1 compat; do
	best=""
	for r in 1 2 3; do
		t0=$(now)
		"$vfc" run --backend "sim-$p" --out "$out/$p.json" > "$out/$p.log" 2>&1 || true
		t1=$(now)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
		if [ -z "$best" ] || ! ge "$secs" "$best"; then
			best=$secs
		fi
	done
	secs=$best
	n=$(sed -nE 's/.*: ([0-9]+) cases, .*/\1/p' "$out/$p.log" | tail -1)
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
echo "bench: sim through vfconform run: ${ratio}x faster per case than the kernel tier"
echo "bench: sim in-process: $in_pc ms per case, ${in_ratio}x faster per case than the kernel tier"

echo
echo "bench: vfconform fuzz sim-type1 vs sim-compat, $fuzz_count sequences (seed 1, no shrinking)"
TIMEFORMAT='%3U %3S'
cpu=$( { time "$vfc" fuzz --quiet --seed 1 --count "$fuzz_count" --max-findings 0 \
	--out "$out/fuzz" --summary "$out/fuzz.json" > "$out/fuzz.log" 2>&1; } 2>&1 ) || true
read -r fz_user fz_sys <<< "$cpu"
fz_n=$(jq -r '.sequences' "$out/fuzz.json" 2>/dev/null || echo 0)
fz_wall=$(jq -r '.per_minute | floor' "$out/fuzz.json" 2>/dev/null || echo 0)
fz_rate=$(awk -v n="$fz_n" -v u="$fz_user" -v s="$fz_sys" \
	'BEGIN { printf "%.0f", (u + s > 0) ? 60 * n / (u + s) : 0 }')
echo "bench: fuzz: $fz_n sequences in ${fz_user} s user + ${fz_sys} s system CPU:" \
	"$fz_rate a minute on one core ($fz_wall a minute by wall clock)"

echo
for p in type1 compat; do
	b=$(awk -v p="$p" '$1 == p && $2 == 1000000 { print $5 }' "$out/map.log")
	if [ -z "$b" ]; then
		target MISS "$p heap per mapping at 1M entries: not measured (SIM_BENCH_SIZES)"
	elif [ "$b" -le "$heap_max" ]; then
		target OK "$p heap per mapping at 1M entries: $b <= $heap_max bytes"
	else
		target MISS "$p heap per mapping at 1M entries: $b > $heap_max bytes"
	fi
done
for t in "in-process:$in_ratio" "through vfconform run:$ratio"; do
	if ge "${t##*:}" "$ratio_min"; then
		target OK "library per case ${t%:*}: ${t##*:}x >= ${ratio_min}x the kernel tier"
	else
		target MISS "library per case ${t%:*}: ${t##*:}x < ${ratio_min}x the kernel tier"
	fi
done
if ge "$fz_rate" "$fuzz_min"; then
	target OK "fuzz: $fz_rate >= $fuzz_min sequences a minute on one core"
else
	target MISS "fuzz: $fz_rate < $fuzz_min sequences a minute on one core"
fi
echo "bench: $met targets met, $missed missed"
[ "$missed" -eq 0 ]
