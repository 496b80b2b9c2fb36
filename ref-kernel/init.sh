#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the reference-kernel guest (busybox sh). Sets up the topology of one boot, runs
# the runner on each backend with KTAP on the console (ttyS0), and sends the results and
# gcov data as base64 blobs between marker lines on ttyS1, which the host decodes
# (ref-kernel/lib/blobs.sh). Each blob is sent as soon as it exists, so a later guest crash
# loses nothing already done. ttyS1 carries no kernel messages, which would otherwise land
# inside the base64 lines. No "set -e": a failed setup step is reported and the run goes on.
#
# /etc/boot.conf (written by ref-kernel/lib/runs.sh for the modes of ref-kernel/boot/) sets
# BOOT, TOPO, BACKENDS, EDU, MDEV_UUID, CONFIG_SHA256, KOBJ_ABS, PROBE, FUZZ (fuzz boots
# only), FAULT_CRASH_CASE, FAULT_HANG_CASE, FAULT_STALL_CASE and FAILNTH (make fault only),
# and per backend (named with _ for -) EXCLUDE_<b>, case files left out after they crashed
# the guest, and START_AFTER_<b>.

PATH=/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /results

# shellcheck source=/dev/null
. /etc/boot.conf

echo "vfconform-init: boot=$BOOT kernel=$(uname -r)"

if [ "$PROBE" = 1 ]; then
	echo "vfconform-probe-ok"
	poweroff -f
fi

setup_error() {
	echo "vfconform-setup-error: $*"
}

# emit "KIND NAME" < data: one sha256-checked blob on ttyS1, by the emitter both guest inits
# share (ref-kernel/lib/emit.sh). Without it the shell exits here and the kernel panics: no
# blob can come from anywhere else.
# shellcheck source=ref-kernel/lib/emit.sh
. /etc/vfconform-emit.sh

# debugfs reports every .gcda with size 0, so only cat reads it; tar of the originals
# would store empty files. Paths are made relative to the kernel's build directory.
dump_gcov() {
	rm -rf /tmp/gcov
	find "/sys/kernel/debug/gcov$KOBJ_ABS" -name '*.gcda' | while read -r f; do
		rel=${f#/sys/kernel/debug/gcov"$KOBJ_ABS"/}
		mkdir -p "/tmp/gcov/${rel%/*}"
		cat "$f" > "/tmp/gcov/$rel"
	done
	if [ -d /tmp/gcov ]; then
		tar -C /tmp/gcov -cf - . | emit "gcov $1"
	else
		setup_error "no gcda under /sys/kernel/debug/gcov$KOBJ_ABS"
	fi
}

# Every edu (1234:11e8) goes to vfio-pci; nothing else in the guest drives it.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] || continue
	dev=${d##*/}
	echo vfio-pci > "$d/driver_override"
	[ -e "$d/driver" ] && echo "$dev" > "$d/driver/unbind"
	echo "$dev" > /sys/bus/pci/drivers_probe
done

if [ -n "$MDEV_UUID" ]; then
	echo "$MDEV_UUID" > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create ||
		setup_error "cannot create mdev $MDEV_UUID"
fi

names() {
	for x in "$@"; do
		[ -e "$x" ] && printf ' %s' "${x##*/}"
	done
}

# lspci is not in busybox: list the PCI devices from sysfs, then check the topology.
echo "vfconform-pci: address vendor:device class driver iommu_group"
for d in /sys/bus/pci/devices/*; do
	drv=-
	grp=-
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	echo "vfconform-pci: ${d##*/} $(cat "$d/vendor"):$(cat "$d/device")" \
		"$(cat "$d/class") $drv $grp"
done
for dev in $EDU; do
	d=/sys/bus/pci/devices/$dev
	if [ ! -e "$d" ]; then
		setup_error "no edu at $dev"
	elif [ "$(basename "$(readlink "$d/driver")")" != vfio-pci ]; then
		setup_error "$dev is not bound to vfio-pci"
	elif [ ! -e "$d/iommu_group" ]; then
		setup_error "$dev has no iommu group"
	fi
done
if [ -n "$MDEV_UUID" ]; then
	m=/sys/bus/mdev/devices/$MDEV_UUID
	if [ -e "$m/iommu_group" ]; then
		echo "vfconform-mdev: $MDEV_UUID group $(basename "$(readlink "$m/iommu_group")")"
	else
		setup_error "mdev $MDEV_UUID has no iommu group"
	fi
fi
for g in /sys/kernel/iommu_groups/*; do
	[ -d "$g" ] && echo "vfconform-group: ${g##*/}:$(names "$g"/devices/*)"
done
echo "vfconform-dev: /dev/vfio:$(names /dev/vfio/*)$( [ -c /dev/iommu ] && echo ' /dev/iommu')"
# The accounting probe (ref-kernel/patches/): the runner reads it in every acct snapshot.
if [ -r /sys/kernel/debug/vfconform/acct ]; then
	echo "vfconform-probe: $(tr '\n' ' ' < /sys/kernel/debug/vfconform/acct)"
else
	setup_error "no /sys/kernel/debug/vfconform/acct (probe patch missing)"
fi
[ -c /dev/vfio/vfio ] || setup_error "no /dev/vfio/vfio"
[ -c /dev/iommu ] || setup_error "no /dev/iommu"

# Fuzz boots (FUZZ set: the arguments of vfconform fuzz) run the differential fuzzer in
# place of the library: fuzz-type1 and fuzz-compat hold each sim personality to the kernel
# (fidelity), fuzz-gap compares the two kernel backends. The kernel side runs each sequence
# in a forked child, the sim in-process, and a difference is shrunk here, where the kernel
# is. The summary comes back as the "result", the findings as a tar blob.
run_fuzz() {
	case $1 in
	fuzz-type1) pair=kernel-type1,sim-type1 ;;
	fuzz-compat) pair=kernel-compat,sim-compat ;;
	fuzz-gap) pair=kernel-type1,kernel-compat ;;
	*) setup_error "unknown fuzz mode $1"; return ;;
	esac
	mkdir -p "/results/$1"
	echo "vfconform-run-start: $1"
	# shellcheck disable=SC2086
	/bin/vfconform fuzz --backends "$pair" --topo "$TOPO" $FUZZ --ktap --quiet \
		--out "/results/$1" --summary "/results/$1.json"
	echo "vfconform-run-end: $1 rc=$?"
	if [ -f "/results/$1.json" ]; then
		emit "result $1" < "/results/$1.json"
		tar -C /results -cf - "$1" | emit "fuzz $1"
	else
		setup_error "fuzzer wrote no /results/$1.json"
	fi
}

# Test-only faults (make fault, tests/fault/): the runner's KTAP goes through this shell,
# which at "# case-start $FAULT_CRASH_CASE" exits. init exiting panics the kernel
# ("Attempted to kill init!"), so the guest dies in the middle of that case, as it would on
# an oops. At "# case-start $FAULT_HANG_CASE" the case's child is stopped (SIGSTOP), so the
# runner sees a case that never answers and must time it out. At "# case-start
# $FAULT_STALL_CASE" the child is stopped too and RCU stall reports start: the host must
# take the guest for stalled.
find_child() {
	child=
	while [ -z "$child" ]; do
		for st in /proc/[0-9]*/stat; do
			# shellcheck disable=SC2046
			set -- $(cat "$st" 2>/dev/null)
			if [ "${4:-}" = "$runner" ]; then
				child=$1
				break
			fi
		done
	done
}

stop_child_of() {
	find_child
	kill -STOP "$child"
	echo "vfconform-fault: stopped pid $child (child of $runner)"
}

run_faulty() {
	rm -f /tmp/ktap
	mkfifo /tmp/ktap
	/bin/vfconform run --backend "$1" --topo "$TOPO" --cases "$2" \
		--out "/results/$1.json" --ktap \
		--meta "config_sha256=$CONFIG_SHA256" --meta "boot=$BOOT" \
		${3:+--start-after "$3"} > /tmp/ktap &
	runner=$!
	# a redirected loop runs in this shell (ash does not fork for it), so exit is init's
	while read -r line; do
		echo "$line"
		case $line in
		"# case-start ${FAULT_CRASH_CASE:-/}")
			# Die once the case's child runs, after a second for the tty to drain:
			# what is still in the tty buffer at a panic is lost, and the host
			# names the culprit from the last "# case-start" it received.
			find_child
			sleep 1
			echo "vfconform-fault: init exits during ${FAULT_CRASH_CASE} (child $child)"
			exit 1
			;;
		"# case-start ${FAULT_HANG_CASE:-/}")
			stop_child_of &
			;;
		"# case-start ${FAULT_STALL_CASE:-/}")
			# What a TCG guest whose second vCPU lost its timer printed: RCU
			# stall reports, the console never silent, no progress.
			stop_child_of &
			while :; do
				echo "rcu: INFO: rcu_sched detected stalls on CPUs/tasks: (vfconform-fault)"
				sleep 2
			done &
			;;
		esac
	done < /tmp/ktap
	wait "$runner"
}

# The fail-nth sweep (make fault, on the fault-injection kernel): FAILNTH lists CASE:LINE;
# each is swept on both kernel backends. GFP_KERNEL allocations may sleep, and failslab and
# fail_page_alloc skip those unless ignore-gfp-wait is off.
run_failnth() {
	for k in failslab fail_page_alloc; do
		echo N > "/sys/kernel/debug/$k/ignore-gfp-wait" ||
			setup_error "no /sys/kernel/debug/$k (fault-injection kernel?)"
		echo 0 > "/sys/kernel/debug/$k/verbose"
	done
	echo N > /sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
	echo 0 > /sys/kernel/debug/fail_page_alloc/min-order
	echo "vfconform-run-start: failnth"
	: > /results/failnth.txt
	for spec in $FAILNTH; do
		for be in kernel-type1 kernel-compat; do
			echo "# failnth $be $spec"
			/bin/vfconform failnth --backend "$be" --case "/cases/${spec%:*}" \
				--line "${spec#*:}" >> /results/failnth.txt 2>&1
			tail -n 1 /results/failnth.txt
		done
	done
	echo "vfconform-run-end: failnth rc=0"
	echo '{"failnth": "done"}' | emit "result failnth"
	emit "text failnth" < /results/failnth.txt
}

for b in $BACKENDS; do
	if [ "$b" = failnth ]; then
		run_failnth
		continue
	fi
	if [ -n "${FUZZ:-}" ]; then
		run_fuzz "$b"
		continue
	fi
	v=$(echo "$b" | tr - _)
	eval "exclude=\${EXCLUDE_$v:-} start_after=\${START_AFTER_$v:-}"
	cases=/cases
	if [ -n "$exclude" ]; then
		rm -rf /tmp/cases
		cp -r /cases /tmp/cases
		for f in $exclude; do
			rm "/tmp/cases/$f"
		done
		cases=/tmp/cases
	fi
	note=${exclude:+ without $exclude}${start_after:+ after $start_after}
	echo "vfconform-run-start: $b$note"
	if [ -n "${FAULT_CRASH_CASE:-}${FAULT_HANG_CASE:-}${FAULT_STALL_CASE:-}" ]; then
		run_faulty "$b" "$cases" "$start_after"
	else
		/bin/vfconform run --backend "$b" --topo "$TOPO" --cases "$cases" \
			--out "/results/$b.json" --ktap \
			--meta "config_sha256=$CONFIG_SHA256" --meta "boot=$BOOT" \
			${start_after:+--start-after "$start_after"}
	fi
	echo "vfconform-run-end: $b rc=$?"
	if [ -f "/results/$b.json" ]; then
		emit "result $b" < "/results/$b.json"
	else
		setup_error "runner wrote no /results/$b.json"
	fi
	# Counters are cumulative, so each dump supersedes the one before; dumping after
	# every backend keeps the coverage of the backends that finished before a crash.
	dump_gcov "after-$b"
done

echo "vfconform-done"
poweroff -f
