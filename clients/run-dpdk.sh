#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the "dpdk" kernel variant with two NICs behind VT-d, joined by a QEMU hub so every
# frame one sends the other receives and nothing leaves the VM, and run Debian's unmodified
# dpdk-testpmd on them (clients/dpdk/init.sh) once per run, on the type1 container and on
# iommufd's compat layer. Each run comes back as a blob (ttyS1) and becomes one JSON result.
#
# usage: run-dpdk.sh RUN...     RUN is BACKEND:SCENARIO:MEM:IOVA, e.g. type1:fwd:huge:va
#   BACKEND  type1 (/dev/vfio/vfio) or compat (/dev/vfio/vfio bind-mounted over /dev/iommu)
#   SCENARIO fwd (--auto-start --tx-first, FWD_SECONDS, exit) or reattach (interactive:
#            forward, stop, close, detach and re-attach every port, forward again, quit)
#   MEM      huge (2 MiB hugetlbfs pages) or nohuge (--no-huge -m 64)
#   IOVA     va or pa (--iova-mode)
#
# The DPDK mode of the reference-kernel boots: the initramfs, QEMU and its watchdog, the
# accelerator and the blobs are ref-kernel/lib/boot.sh's, as for the modes in ref-kernel/boot/.
#
# Environment (paths relative to the top of the repository):
#   KOBJ_DPDK          kernel variant build directory (build/kernel-dpdk)
#   CRUN               output directory (build/clients-run)
#   TRACE_SO           the interposer (build/trace/vfconform-trace.so)
#   DPDK_NIC           e1000e (default) or virtio (virtio-net-pci, modern, iommu_platform)
#   FWD_SECONDS        seconds of forwarding per run (5)
#   DPDK_BOOT_TIMEOUT  wall-clock limit of the boot in seconds (1200)
#   DPDK_EAL_EXTRA     more EAL arguments, for debugging (--log-level=lib.eal:debug)
#   VFCONFORM_IDLE_TIMEOUT, VFCONFORM_STALLS, VFCONFORM_ACCEL  as in ref-kernel/lib/boot.sh
#
# Output in $CRUN/<run>/: stdout (testpmd's output), trace.jsonl, dmesg, rc, result.json;
# $CRUN/console.log, data.log. Exit 1 if the guest failed before all runs came back.

set -euo pipefail

cd "$(dirname "$0")/.."
WHO="run-dpdk"
VFCONFORM_BOOT_TIMEOUT=${DPDK_BOOT_TIMEOUT:-1200}
# shellcheck source=ref-kernel/lib/boot.sh
. ref-kernel/lib/boot.sh
# testpmd runs on two lcores (-l 0-1), whatever VFCONFORM_SMP says.
SMP=2

KOBJ_DPDK=${KOBJ_DPDK:-build/kernel-dpdk}
CRUN=${CRUN:-build/clients-run}
TRACE_SO=${TRACE_SO:-build/trace/vfconform-trace.so}
DPDK_NIC=${DPDK_NIC:-e1000e}
FWD_SECONDS=${FWD_SECONDS:-5}
TESTPMD=/usr/bin/dpdk-testpmd
PMD_DIR=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0

[ $# -ge 1 ] || die "usage: run-dpdk.sh BACKEND:SCENARIO:MEM:IOVA..."
for r in "$@"; do
	[[ $r =~ ^(type1|compat):(fwd|reattach):(huge|nohuge):(va|pa)$ ]] ||
		die "bad run '$r' (BACKEND:SCENARIO:MEM:IOVA)"
done
use_kernel "$KOBJ_DPDK" kernel-dpdk
[ -f "$TRACE_SO" ] || die "no $TRACE_SO: run make trace"
[ -x "$TESTPMD" ] || die "no $TESTPMD: apt-get install dpdk-dev"

# Fixed addresses; the PMD is chosen by the NIC's PCI id.
case $DPDK_NIC in
e1000e)
	NIC_ID=0x8086:0x10d3
	PMDS=(librte_net_e1000.so.23)
	NIC_DEV=e1000e
	;;
virtio)
	NIC_ID=0x1af4:0x1041
	PMDS=(librte_net_virtio.so.23)
	NIC_DEV=virtio-net-pci,disable-legacy=on,iommu_platform=on
	;;
*)
	die "DPDK_NIC must be e1000e or virtio"
	;;
esac
# testpmd's default mempool ops are ring based; the driver is a plugin in Debian.
PMDS+=(librte_mempool_ring.so.23)
NICS="0000:00:02.0 0000:00:03.0"

# The files testpmd needs, each at the path the dynamic loader resolves it to: testpmd,
# its ldd closure, the PMD plugins (EAL dlopens every .so in PMD_DIR, so only the few we
# want are there) and theirs, and the interposer's.
guest_files() {
	local f

	{
		echo "$TESTPMD"
		# glibc dlopens libgcc_s for pthread_cancel, which EAL calls at exit.
		echo /lib/x86_64-linux-gnu/libgcc_s.so.1
		for f in "$TESTPMD" "$TRACE_SO" "${PMDS[@]/#/$PMD_DIR/}"; do
			ldd "$f" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
		done
	} | sort -u
}

# What the base initramfs (make_initramfs) lacks, as gen_init_cpio lines: the interposer,
# testpmd and its libraries.
dpdk_files() {
	local f d

	for d in var lib usr usr/bin; do
		echo "dir /$d 0755 0 0"
	done
	echo "file /bin/vfconform-trace.so $TRACE_SO 0755 0 0"
	echo "file /bin/vfconform-trace clients/trace/vfconform-trace.sh 0755 0 0"
	{
		guest_files | while read -r f; do
			d=${f%/*}
			while [ -n "$d" ]; do
				echo "dir $d 0755 0 0"
				d=${d%/*}
			done
			echo "file $f $(readlink -f "$f") 0755 0 0"
		done
		# EAL loads only *.so and *.so.23.0 from its plugin directory.
		for f in "${PMDS[@]}"; do
			echo "file $PMD_DIR/${f}.0 $(readlink -f "$PMD_DIR/$f") 0755 0 0"
		done
	} | sort -u
	# sort: "dir" lines come before "file" lines and a parent before its children.
}

# Every statistics block testpmd printed ("Accumulated forward statistics for all ports",
# one per stop), as JSON objects.
stats_json() {
	awk '
		/Accumulated forward statistics for all ports/ { acc = 1; next }
		acc && /RX-packets:/ { rx = $2; rxd = $4 }
		acc && /TX-packets:/ {
			printf "{\"rx\":%s,\"rx_dropped\":%s,\"tx\":%s,\"tx_dropped\":%s}\n",
				rx, rxd, $2, $4
			acc = 0
		}
	' "$1" | jq -s .
}

result_json() {
	local dir=$1 run=$2 b s m i rc init=false out=$1/stdout ioctls

	IFS=: read -r b s m i <<< "$run"
	# No trace (the guest died before the run): null. "jq -s" prints its empty result even
	# when the file is missing, so "|| echo null" alone would give two JSON texts.
	ioctls=null
	if [ -f "$dir/trace.jsonl" ] && ! ioctls=$(jq -s '
		[.[] | select(.op != null and .format == null)] |
		{total: length,
		 by_op: (group_by(.obj + " " + .op) |
			map({key: (.[0].obj + " " + .[0].op), value: length}) | from_entries),
		 failed: [.[] | select(.errno != null) |
			{seq, obj, op, errno, args}]}' "$dir/trace.jsonl" 2>/dev/null); then
		ioctls=null
	fi
	rc=$(cat "$dir/rc" 2>/dev/null || echo null)
	if [ "$s" = fwd ]; then
		grep -q 'Press enter to exit' "$out" && init=true
	else
		grep -q 'testpmd> ' "$out" && init=true
	fi
	# EAL and the PMDs log VFIO trouble in these words; everything else is progress.
	jq -n --arg run "$run" --arg backend "$b" --arg scenario "$s" --arg mem "$m" \
		--arg iova "$i" --argjson rc "$rc" --argjson init "$init" \
		--arg nic "$DPDK_NIC" --arg cmdline "$(cat "$dir/cmdline" 2>/dev/null)" \
		--arg selected "$(sed -n "s/.*Selected IOVA mode '\([A-Z]*\)'.*/\1/p" "$out" |
			head -n 1)" \
		--argjson seconds "$(cat "$dir/seconds" 2>/dev/null || echo null)" \
		--argjson phases "$(stats_json "$out")" \
		--arg vfio "$(grep -i 'vfio' "$out" || true)" \
		--arg errs "$(grep -iE 'error|fail|cannot|warn|not supported|unable|unexpected' "$out" |
			grep -v 'RX-error' || true)" \
		--arg dmesg "$(cat "$dir/dmesg" 2>/dev/null || true)" \
		--arg notes "$(cat "$dir/notes" 2>/dev/null || true)" \
		--argjson ioctls "$ioctls" '
	def lines: split("\n") | map(select(length > 0));
	($phases | if length > 0 then .[-1] else null end) as $last |
	{run: $run, backend: $backend, scenario: $scenario, mem: $mem, iova: $iova, nic: $nic,
	 cmdline: $cmdline, iova_selected: $selected, init_ok: $init, exit_code: $rc,
	 seconds: $seconds,
	 phases: $phases,
	 forwarded: ($phases | map(.rx) | add),
	 dropped: ($phases | map(.rx_dropped + .tx_dropped) | add),
	 ok: ($init and $rc == 0 and ($phases | length) ==
		(if $scenario == "fwd" then 1 else 2 end) and
		($phases | all(.rx > 0 and .tx > 0 and .rx_dropped == 0 and .tx_dropped == 0))),
	 vfio_log: ($vfio | lines), errors: ($errs | lines),
	 eal_errors: ($errs | lines | map(select(startswith("EAL:")))), notes: ($notes | lines),
	 dmesg: ($dmesg | lines), ioctls: $ioctls}'
}

out=$CRUN
mkdir -p "$out"
for r in "$@"; do
	rm -rf "${out:?}/${r//:/-}"
done
conf=$out/boot.conf
{
	echo "NICS=\"$NICS\""
	echo "NIC_ID=$NIC_ID"
	echo "RUNS=\"$*\""
	echo "FWD_SECONDS=$FWD_SECONDS"
	echo "HUGEPAGES=192"
	echo "EAL_EXTRA=\"${DPDK_EAL_EXTRA:-}\""
} > "$conf"
t0=$SECONDS
dpdk_files | make_initramfs "$out/initramfs.cpio.gz" clients/dpdk/init.sh "$conf"
echo "run-dpdk: initramfs $(du -h "$out/initramfs.cpio.gz" | cut -f1) in $((SECONDS - t0))s" >&2

accel=$(pick_accel)
t0=$SECONDS
: > "$out/data.log"
run_qemu "$accel" "$out/initramfs.cpio.gz" "$out/console.log" "$BOOT_TIMEOUT" \
	-serial "file:$out/data.log" \
	-device intel-iommu,intremap=on,caching-mode=on \
	-netdev hubport,id=n0,hubid=0 -device "$NIC_DEV,netdev=n0,addr=02.0" \
	-netdev hubport,id=n1,hubid=0 -device "$NIC_DEV,netdev=n1,addr=03.0" \
	-append "console=ttyS0 panic=-1 oops=panic no_timer_check intel_iommu=on"
echo "run-dpdk: boot ($accel) took $((SECONDS - t0))s (qemu $qemu_end)" >&2
extract_blobs "$out/data.log" "$out" run-dpdk

status=0
if ! grep -q 'vfconform-init:' "$out/console.log"; then
	echo "run-dpdk: guest did not reach init; console: $out/console.log" >&2
	tail -n 30 "$out/console.log" >&2
	status=1
fi
grep -o 'vfconform-setup-error: .*' "$out/console.log" | sed 's/^/run-dpdk: /' >&2 && status=1
for r in "$@"; do
	dir=$out/${r//:/-}
	if [ ! -f "$dir/rc" ]; then
		echo "run-dpdk: $r: no result (guest died?)" >&2
		mkdir -p "$dir"
		status=1
	fi
	result_json "$dir" "$r" > "$dir/result.json"
	jq -r '"run-dpdk: \(.run): init=\(.init_ok) exit=\(.exit_code) " +
		"forwarded=\(.forwarded) dropped=\(.dropped) ok=\(.ok) (\(.seconds)s)"' \
		"$dir/result.json" >&2
done
exit "$status"
