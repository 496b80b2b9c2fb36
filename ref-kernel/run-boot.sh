#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the reference kernel for one boot configuration, run every case of its topologies on
# both kernel backends in the guest and bring the results and gcov data back.
#
# A guest that dies in a case (oops=panic ends the boot), hangs or times out is booted again
# (bounded) to run that backend once more without the case file that killed it; the case is
# recorded as crashed for "vfconform merge --crashed". The whole backend is run again rather
# than resumed with --start-after, because the runner writes its --out file only at the end:
# the observations of the cases before the crash died with the guest.
#
# usage: run-boot.sh BOOT        BOOT is iommu or noiommu
#
# Environment (paths relative to the top of the repository):
#   KOBJ                    kernel build directory (build/kernel)
#   KRUN                    output directory (build/kernel-run)
#   VFCONFORM_GUEST         static runner for the guest (build/guest/vfconform)
#   CASES                   case tree copied to /cases (cases)
#   VFCONFORM_ACCEL         tcg or kvm; default: probe KVM once, cached in $KOBJ/../accel
#   VFCONFORM_BOOT_TIMEOUT  wall-clock limit of one boot in seconds (1800)
#   VFCONFORM_IDLE_TIMEOUT  a guest silent this many seconds is hung (300)
#   VFCONFORM_RETRIES       boots after crashes, at most (4)
#   VFCONFORM_APPEND        extra kernel command line, for debugging
#   VFCONFORM_SMP           guest CPUs (2); the fuzz boots use 1: under a loaded host, TCG
#                           once left a second vCPU's timer unserviced (endless RCU stalls)
#   VFCONFORM_BACKENDS      backends to run (kernel-type1 kernel-compat)
#   VFCONFORM_FAULT_CRASH   test only (make fault): the guest dies when this case starts
#   VFCONFORM_FAULT_HANG    test only (make fault): this case's child is stopped (a hang)
#   VFCONFORM_FAULT_STALL   test only (make fault): RCU stall reports start during this case
#   VFCONFORM_STALLS        this many RCU stall reports make a guest stalled, i.e. hung (3)
#   VFCONFORM_FAILNTH       test only: CASE:LINE list for the fail-nth sweep (backend failnth)
#   VFCONFORM_FUZZ          fuzz boot: arguments of "vfconform fuzz" (e.g. "--seed 1 --time 600")
#   VFCONFORM_FUZZ_MODES    its modes (fuzz-type1 fuzz-compat fuzz-gap); results in
#                           BOOT/MODE.json (summary) and BOOT/MODE/ (shrunk findings)
#
# Output in $KRUN/BOOT/, retries in $KRUN/BOOT/retry-N/: console.log (ttyS0: kernel, init
# and KTAP), data.log (ttyS1: the encoded blobs), BACKEND.json, gcov/ (the .gcda tree
# relative to $KOBJ); and in $KRUN/BOOT/ only: crashed (BACKEND:CASE=REASON lines) and
# status. Exit status 1 if the boot failed or a case crashed the guest.

set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=ref-kernel/blobs.sh
. ref-kernel/blobs.sh

KOBJ=${KOBJ:-build/kernel}
KRUN=${KRUN:-build/kernel-run}
VFCONFORM_GUEST=${VFCONFORM_GUEST:-build/guest/vfconform}
CASES=${CASES:-cases}
BOOT_TIMEOUT=${VFCONFORM_BOOT_TIMEOUT:-1800}
IDLE_TIMEOUT=${VFCONFORM_IDLE_TIMEOUT:-300}
STALLS=${VFCONFORM_STALLS:-3}
RETRIES=${VFCONFORM_RETRIES:-4}
APPEND_EXTRA=${VFCONFORM_APPEND:-}
SMP=${VFCONFORM_SMP:-2}
# the numbers go into test(1) and QEMU's -smp: a typo must stop here, not mid-boot
for v in BOOT_TIMEOUT IDLE_TIMEOUT STALLS RETRIES SMP; do
	min=0
	[ "$v" = SMP ] && min=1
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || [ "${!v}" -lt "$min" ]; then
		echo "run-boot: VFCONFORM_$v must be a number of at least $min, not '${!v}'" >&2
		exit 2
	fi
done

read -r -a BACKENDS <<< "${VFCONFORM_BACKENDS:-kernel-type1 kernel-compat}"
# A fuzz boot: init.sh runs "vfconform fuzz $VFCONFORM_FUZZ" per mode instead of the library.
# A guest death is reported like a crashed case (the sequence's name); no retry, since the
# name alone reproduces it (vfconform fuzz --seed S, sequence N).
FUZZ=${VFCONFORM_FUZZ:-}
if [ -n "$FUZZ" ]; then
	read -r -a BACKENDS <<< "${VFCONFORM_FUZZ_MODES:-fuzz-type1 fuzz-compat fuzz-gap}"
	RETRIES=0
fi
MDEV_UUID=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
BZIMAGE=$KOBJ/arch/x86/boot/bzImage
GEN_INIT_CPIO=$KOBJ/usr/gen_init_cpio
KOBJ_ABS=$(cd "$KOBJ" && pwd)

die() {
	echo "run-boot: $*" >&2
	exit 2
}

[ $# -eq 1 ] || die "usage: run-boot.sh iommu|noiommu"
BOOT=$1

# Fixed PCI addresses, because the case topologies name devices by address. -nodefaults
# keeps QEMU's default VGA and NIC from taking slots.
case $BOOT in
iommu)
	TOPO=vtd,mdev,multi
	EDU="0000:00:02.0 0000:01:01.0 0000:01:02.0 0000:00:04.0 0000:00:05.0"
	MDEV=$MDEV_UUID
	# intel-iommu must come before the devices it translates for.
	DEVICES=(-device "intel-iommu,intremap=on,caching-mode=on"
		-device "edu,addr=02.0"
		-device "pci-bridge,id=bridge1,chassis_nr=1,addr=03.0"
		-device "edu,bus=bridge1,addr=01.0"
		-device "edu,bus=bridge1,addr=02.0"
		-device "edu,addr=04.0"
		-device "edu,addr=05.0")
	# 8 x 2 MiB hugepages for the "huge" buffers of map cases: 16 MiB of the 1 GiB.
	APPEND="intel_iommu=on hugepages=8"
	;;
noiommu)
	TOPO=noiommu
	EDU="0000:00:02.0"
	MDEV=
	DEVICES=(-device "edu,addr=02.0")
	APPEND="intel_iommu=off vfio.enable_unsafe_noiommu_mode=1"
	;;
*)
	die "unknown boot '$BOOT' (iommu or noiommu)"
	;;
esac

[ -f "$BZIMAGE" ] || die "no $BZIMAGE: run make kernel"
[ -x "$GEN_INIT_CPIO" ] || die "no $GEN_INIT_CPIO: run make kernel"
[ -f "$KOBJ/config.sha256" ] || die "no $KOBJ/config.sha256: run make kernel"
CONFIG_SHA256=$(cat "$KOBJ/config.sha256")

is_static() {
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

BUSYBOX=$(command -v busybox) || die "no busybox: apt-get install busybox-static"
is_static "$BUSYBOX" || die "$BUSYBOX is dynamic: apt-get install busybox-static"

# gen_init_cpio comes with the kernel build and needs no root for /dev/console.
# $1: output, $2: boot.conf, $3: runner or empty (KVM probe)
make_initramfs() {
	local list=$1.list applet d f

	{
		echo "dir /bin 0755 0 0"
		echo "file /bin/busybox $BUSYBOX 0755 0 0"
		for applet in $("$BUSYBOX" --list); do
			[ "$applet" = busybox ] || echo "slink /bin/$applet busybox 0777 0 0"
		done
		for d in dev proc sys tmp results etc cases; do
			echo "dir /$d 0755 0 0"
		done
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "file /init ref-kernel/init.sh 0755 0 0"
		echo "file /etc/boot.conf $2 0644 0 0"
		if [ -n "$3" ]; then
			echo "file /bin/vfconform $3 0755 0 0"
			(cd "$CASES" && find . -mindepth 1 -type d | sort) | while read -r d; do
				echo "dir /cases/${d#./} 0755 0 0"
			done
			(cd "$CASES" && find . -type f -name '*.case' | sort) | while read -r f; do
				echo "file /cases/${f#./} $CASES/${f#./} 0644 0 0"
			done
		fi
	} > "$list"
	"$GEN_INIT_CPIO" "$list" | gzip -1 > "$1"
}

# $1: accel (tcg|kvm), $2: initramfs, $3: console log, $4: timeout; rest: QEMU arguments.
# Sets qemu_end to "exit N", "timeout", "hung" or "stalled". A guest silent for IDLE_TIMEOUT
# seconds is stopped early so a hang costs minutes, not the whole boot budget; so is one
# that keeps printing RCU stall reports (STALLS of them): its console is not silent, but
# under TCG such a guest was seen to make no progress at all.
run_qemu() {
	local accel=$1 initrd=$2 log=$3 limit=$4 pid size last=-1 since=$SECONDS rc=0 hung=0
	local next_stall_check=0 stalls
	local -a acc

	shift 4
	if [ "$accel" = kvm ]; then
		acc=(-accel kvm -cpu host)
	else
		acc=(-accel "tcg,thread=multi" -cpu max)
	fi
	: > "$log"
	timeout -k 10 "$limit" qemu-system-x86_64 -machine q35,kernel-irqchip=split "${acc[@]}" \
		-smp "$SMP" -m 1G -nodefaults -display none -no-reboot \
		-serial "file:$log" -kernel "$BZIMAGE" -initrd "$initrd" "$@" \
		< /dev/null > "$log.qemu" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.2
		# Console and data port both count as signs of life.
		size=$(stat -c %s "${log%/*}"/*.log | tr '\n' ' ')
		if [ "$size" != "$last" ]; then
			last=$size
			since=$SECONDS
		elif [ $((SECONDS - since)) -ge "$IDLE_TIMEOUT" ] && [ "$hung" = 0 ]; then
			hung=1
			kill "$pid" 2>/dev/null || true
		fi
		if [ "$SECONDS" -ge "$next_stall_check" ] && [ "$hung" = 0 ]; then
			next_stall_check=$((SECONDS + 2))
			stalls=$(grep -c 'rcu: INFO: rcu_[a-z]* detected stalls' "$log" || true)
			if [ "${stalls:-0}" -ge "$STALLS" ]; then
				hung=2
				kill "$pid" 2>/dev/null || true
			fi
		fi
	done
	wait "$pid" || rc=$?
	if [ "$hung" = 2 ]; then
		qemu_end=stalled
	elif [ "$hung" = 1 ]; then
		qemu_end=hung
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		qemu_end=timeout
	else
		qemu_end="exit $rc"
	fi
}

# KVM is probed once per machine: /dev/kvm can exist and still not work (nested).
pick_accel() {
	local cache=$KOBJ/../accel dir=$KOBJ/../accel-probe

	if [ -n "${VFCONFORM_ACCEL:-}" ]; then
		case $VFCONFORM_ACCEL in
		tcg | kvm) echo "$VFCONFORM_ACCEL" ;;
		*) die "VFCONFORM_ACCEL must be tcg or kvm" ;;
		esac
		return
	fi
	if [ ! -s "$cache" ]; then
		local accel=tcg
		if [ -w /dev/kvm ]; then
			mkdir -p "$dir"
			printf 'BOOT=probe\nPROBE=1\n' > "$dir/boot.conf"
			make_initramfs "$dir/initramfs.cpio.gz" "$dir/boot.conf" ""
			run_qemu kvm "$dir/initramfs.cpio.gz" "$dir/console.log" 20 \
				-append "console=ttyS0 panic=-1"
			grep -q vfconform-probe-ok "$dir/console.log" && accel=kvm
		fi
		echo "$accel" > "$cache"
		echo "run-boot: KVM probe: using $accel (log: $dir/)" >&2
	fi
	cat "$cache"
}

# Decode the blobs of a data log into $2/: "result B" -> B.json, the last intact "gcov ..."
# -> gcov/ (gcov counters only grow, so the last dump has everything). A blob cut short by
# a guest death fails its sha256 and is dropped.
extract_blobs() {
	local log=$1 dir=$2 tmp kind name gz

	tmp=$(mktemp -d)
	while read -r kind name gz; do
		case $kind in
		result)
			gunzip -c < "$gz" > "$dir/$name.json"
			;;
		fuzz)
			gunzip -c < "$gz" | tar -C "$dir" -xf -
			;;
		text)
			gunzip -c < "$gz" > "$dir/$name.txt"
			;;
		gcov)
			rm -rf "$dir/gcov"
			mkdir -p "$dir/gcov"
			gunzip -c < "$gz" | tar -C "$dir/gcov" -xf -
			;;
		esac
	done < <(verified_blobs "$log" "$tmp" "run-boot: $BOOT")
	rm -rf "$tmp"
}

# Why a guest stopped without finishing: the first panic or oops line if there is one.
death_reason() {
	local log=$1 line

	line=$(tr -d '\r' < "$log" | grep -m1 -oE \
		'(Kernel panic - not syncing: |BUG: |Oops: |general protection fault).*' || true)
	case $qemu_end in
	hung) echo "guest hung (console silent ${IDLE_TIMEOUT}s)${line:+; $line}" ;;
	stalled) echo "guest stalled (${STALLS} RCU stall reports)${line:+; $line}" ;;
	timeout) echo "boot timeout (${BOOT_TIMEOUT}s)${line:+; $line}" ;;
	*) echo "${line:-guest stopped without a panic message (qemu $qemu_end)}" ;;
	esac
}

# The case file that defines case $1 (one case per file), relative to $CASES.
case_file() {
	grep -rlE --include='*.case' "^name[[:space:]]+${1//./\\.}([[:space:]]|$)" "$CASES" |
		head -n 1 | sed "s|^$CASES/||"
}

accel=$(pick_accel)
out=$KRUN/$BOOT
rm -rf "$out"
mkdir -p "$out"
: > "$out/crashed"

todo=("${BACKENDS[@]}")
declare -A exclude=() start_after=()
failed=
attempt=0
early_fails=0
EARLY_RETRIES=${EARLY_RETRIES:-2}
while :; do
	if [ "$attempt" = 0 ]; then
		dir=$out
	else
		dir=$out/retry-$attempt
		mkdir -p "$dir"
	fi
	{
		echo "BOOT=$BOOT"
		echo "PROBE=0"
		echo "TOPO=$TOPO"
		echo "BACKENDS=\"${todo[*]}\""
		echo "EDU=\"$EDU\""
		echo "MDEV_UUID=$MDEV"
		echo "CONFIG_SHA256=$CONFIG_SHA256"
		echo "KOBJ_ABS=$KOBJ_ABS"
		[ -z "$FUZZ" ] || echo "FUZZ=\"$FUZZ\""
		[ -z "${VFCONFORM_FAULT_CRASH:-}" ] || echo "FAULT_CRASH_CASE=$VFCONFORM_FAULT_CRASH"
		[ -z "${VFCONFORM_FAULT_HANG:-}" ] || echo "FAULT_HANG_CASE=$VFCONFORM_FAULT_HANG"
		[ -z "${VFCONFORM_FAULT_STALL:-}" ] || echo "FAULT_STALL_CASE=$VFCONFORM_FAULT_STALL"
		[ -z "${VFCONFORM_FAILNTH:-}" ] || echo "FAILNTH=\"$VFCONFORM_FAILNTH\""
		for b in "${!exclude[@]}"; do
			echo "EXCLUDE_${b//-/_}=\"${exclude[$b]# }\""
		done
		for b in "${!start_after[@]}"; do
			echo "START_AFTER_${b//-/_}=${start_after[$b]}"
		done
	} > "$dir/boot.conf"
	make_initramfs "$dir/initramfs.cpio.gz" "$dir/boot.conf" "$VFCONFORM_GUEST"

	t0=$SECONDS
	run_qemu "$accel" "$dir/initramfs.cpio.gz" "$dir/console.log" "$BOOT_TIMEOUT" \
		-serial "file:$dir/data.log" "${DEVICES[@]}" \
		-append "console=ttyS0 panic=-1 oops=panic no_timer_check $APPEND $APPEND_EXTRA"
	echo "run-boot: $BOOT: boot $attempt ($accel, ${todo[*]}) took $((SECONDS - t0))s," \
		"qemu $qemu_end" >&2
	extract_blobs "$dir/data.log" "$dir"
	console=$(tr -d '\r' < "$dir/console.log")

	if ! grep -q 'vfconform-init:' <<< "$console"; then
		# No case ran yet: an early-boot failure (seen under TCG on a loaded host) is
		# the machine's fault, so boot again, a bounded number of times.
		early_fails=$((early_fails + 1))
		echo "run-boot: $BOOT: guest did not reach init ($qemu_end);" \
			"console: $dir/console.log" >&2
		tail -n 30 "$dir/console.log" | tr -d '\r' >&2
		if [ "$early_fails" -le "$EARLY_RETRIES" ]; then
			echo "run-boot: $BOOT: booting again ($early_fails of $EARLY_RETRIES)" >&2
			continue
		fi
		failed="guest did not reach init in $early_fails boots ($qemu_end)"
		break
	fi
	grep -o 'vfconform-setup-error: .*' <<< "$console" | sed "s/^/run-boot: $BOOT: /" >&2 &&
		failed="setup error"

	# The backends run in order, so the first without a result is where the guest died.
	remaining=()
	for b in "${todo[@]}"; do
		if [ "${#remaining[@]}" -gt 0 ]; then
			remaining+=("$b")
			continue
		fi
		rc=$(sed -n "s/.*vfconform-run-end: $b rc=\([0-9]*\).*/\1/p" <<< "$console")
		if [ -f "$dir/$b.json" ] && [ -n "$rc" ] && [ "$rc" -le 1 ]; then
			continue
		fi
		if [ "$rc" = 2 ]; then
			failed="runner usage or parse error on $b"
			echo "run-boot: $BOOT: $failed; console: $dir/console.log" >&2
			continue
		fi
		remaining+=("$b")
		# Case names are [a-z0-9._-]+, which also cuts off a kernel message printed
		# into the same line.
		case_name=$(sed -n "/vfconform-run-start: $b/,\$p" <<< "$console" |
			grep -oE '# case-start [a-z0-9._-]+' | tail -n 1 | cut -d' ' -f3 || true)
		if [ -n "$rc" ]; then
			reason="runner exited with status $rc"
		else
			reason=$(death_reason "$dir/console.log")
		fi
		if [ -z "$case_name" ]; then
			failed="guest died outside any case"
			echo "run-boot: $BOOT: guest died outside any case (backend $b): $reason;" \
				"console: $dir/console.log" >&2
		else
			echo "run-boot: $BOOT: guest died during case $case_name (backend $b):" \
				"$reason; console: $dir/console.log" >&2
			echo "$b:$case_name=$reason" >> "$out/crashed"
			f=$(case_file "$case_name")
			if [ -n "$f" ]; then
				exclude[$b]+=" $f"
			else
				# Loses the observations before the crash, but still runs
				# the rest.
				echo "run-boot: $BOOT: no case file names $case_name;" \
					"resuming after it" >&2
				start_after[$b]=$case_name
			fi
		fi
		echo "----- console tail -----" >&2
		tail -n 25 "$dir/console.log" | tr -d '\r' >&2
		echo "------------------------" >&2
	done
	[ "${#remaining[@]}" -gt 0 ] || break
	todo=("${remaining[@]}")
	attempt=$((attempt + 1))
	if [ "$attempt" -gt "$RETRIES" ]; then
		failed="gave up after $RETRIES retries; not run: ${todo[*]}"
		echo "run-boot: $BOOT: $failed" >&2
		break
	fi
	echo "run-boot: $BOOT: booting again for ${todo[*]}" >&2
done

if [ -n "$failed" ]; then
	echo "failed: $failed" > "$out/status"
	exit 1
fi
if [ -s "$out/crashed" ]; then
	echo "crashed: $(wc -l < "$out/crashed") case(s)" > "$out/status"
	exit 1
fi
echo ok > "$out/status"
