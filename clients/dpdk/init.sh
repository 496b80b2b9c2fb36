#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the "dpdk" guest (busybox sh): binds the two NICs to vfio-pci and runs Debian's
# unmodified dpdk-testpmd once per run in $RUNS, under the vfconform-trace interposer. Each
# run's raw material (testpmd's output, exit code, the ioctl trace, dmesg) goes back as a
# base64 blob on ttyS1 (ref-kernel/lib/emit.sh); clients/run-dpdk.sh turns it into JSON.
# No "set -e": a failed run is data, the next one still runs.
#
# /etc/boot.conf (written by clients/run-dpdk.sh) sets NICS (PCI addresses), NIC_ID
# (vendor:device), RUNS (BACKEND:SCENARIO:MEM:IOVA words), FWD_SECONDS, HUGEPAGES,
# EAL_EXTRA (more EAL arguments, for debugging).

PATH=/bin:/usr/bin
export PATH

# The initramfs root comes up world-writable, and EAL refuses to load plugins from a
# directory with a world-writable parent.
chmod 755 /
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mkdir -p /var/run /dev/hugepages
# EAL keeps its runtime directory (config file, multi-process socket) under /var/run/dpdk.
mount -t tmpfs tmpfs /var/run
mount -t hugetlbfs -o pagesize=2M hugetlbfs /dev/hugepages

# shellcheck source=/dev/null
. /etc/boot.conf

echo "vfconform-init: boot=dpdk kernel=$(uname -r)"

setup_error() {
	echo "vfconform-setup-error: $*"
}

# emit "KIND NAME" < data: one sha256-checked blob on ttyS1, by the emitter both guest inits
# share (ref-kernel/lib/emit.sh). Without it the shell exits here and the kernel panics.
# shellcheck source=ref-kernel/lib/emit.sh
. /etc/vfconform-emit.sh

echo "$HUGEPAGES" > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
echo "vfconform-hugepages: $(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)"

# No kernel driver claims the NICs (none is built in); vfio-pci takes them.
for dev in $NICS; do
	d=/sys/bus/pci/devices/$dev
	if [ ! -e "$d" ]; then
		setup_error "no NIC at $dev"
		continue
	fi
	id="$(cat "$d/vendor"):$(cat "$d/device")"
	[ "$id" = "$NIC_ID" ] || setup_error "$dev is $id, not $NIC_ID"
	echo vfio-pci > "$d/driver_override"
	[ -e "$d/driver" ] && echo "$dev" > "$d/driver/unbind"
	echo "$dev" > /sys/bus/pci/drivers_probe
	drv=$(basename "$(readlink "$d/driver")")
	grp=$(basename "$(readlink "$d/iommu_group")")
	echo "vfconform-pci: $dev $id $drv group $grp"
	[ "$drv" = vfio-pci ] || setup_error "$dev is not bound to vfio-pci"
done
[ -c /dev/vfio/vfio ] || setup_error "no /dev/vfio/vfio"
[ -c /dev/iommu ] || setup_error "no /dev/iommu"
echo "vfconform-dev:" /dev/vfio/*

# compat: /dev/vfio/vfio becomes /dev/iommu by a bind mount, the way the iommufd authors
# suggest testing unmodified type1 applications; testpmd opens the same path either way.
container_node() {
	while grep -q ' /dev/vfio/vfio ' /proc/mounts; do
		umount /dev/vfio/vfio
	done
	if [ "$1" = compat ]; then
		mount --bind /dev/iommu /dev/vfio/vfio || setup_error "cannot bind /dev/iommu"
	fi
	echo "vfconform-container: $1 /dev/vfio/vfio is $(stat -c '%t:%T' /dev/vfio/vfio)"
}

# Lines testpmd printed so far that match $1 (its prompt has no newline: grep -o).
count() {
	grep -o "$1" "$out/stdout" 2>/dev/null | wc -l
}

# Wait until $1 has appeared more than $2 times, at most $3 seconds; 1 on timeout or if
# testpmd is gone.
wait_for() {
	n=0
	while [ "$(count "$1")" -le "$2" ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		n=$((n + 1))
		[ "$n" -le $(($3 * 5)) ] || return 1
		sleep 0.2
	done
	return 0
}

# One interactive command: sent when the prompt is there, done when the next one shows.
cmd() {
	p=$(count 'testpmd> ')
	echo "vfconform-cmd: $1"
	echo "$1" >&3
	wait_for 'testpmd> ' "$p" 60 || {
		echo "vfconform-cmd-timeout: $1" >> "$out/notes"
		return 1
	}
}

run_one() {
	backend=$1 scenario=$2 mem=$3 iova=$4
	name=$backend-$scenario-$mem-$iova
	out=/tmp/r/$name
	mkdir -p "$out"
	container_node "$backend"
	rm -f /dev/hugepages/* 2>/dev/null
	rm -rf /var/run/dpdk
	dmesg -c > /dev/null

	# shellcheck disable=SC2086 # EAL_EXTRA is a list of words
	set -- -l 0-1 -n 1 --iova-mode="$iova" $EAL_EXTRA
	[ "$mem" = nohuge ] && set -- "$@" --no-huge -m 64
	for dev in $NICS; do
		set -- "$@" -a "$dev"
	done
	# 4096 mbufs: testpmd's default pool is sized for 32 ports and does not fit --no-huge.
	set -- "$@" -- --total-num-mbufs=4096 --nb-cores=1
	if [ "$scenario" = fwd ]; then
		set -- "$@" --auto-start --tx-first
	else
		set -- "$@" -i
	fi
	echo "dpdk-testpmd $*" > "$out/cmdline"
	echo "vfconform-run-start: $name"

	rm -f /tmp/fifo
	mkfifo /tmp/fifo
	t0=$(date +%s)
	# The wrapper execs testpmd, so $! is testpmd itself.
	vfconform-trace -o "$out/trace.jsonl" -- dpdk-testpmd "$@" < /tmp/fifo > "$out/stdout" 2>&1 &
	pid=$!
	# Held open read-write so testpmd's stdin only ends when this script says so.
	exec 3<> /tmp/fifo
	if [ "$scenario" = fwd ]; then
		if wait_for 'Press enter to exit' 0 120; then
			sleep "$FWD_SECONDS"
			echo >&3
		else
			echo "init-timeout" >> "$out/notes"
		fi
	elif wait_for 'testpmd> ' 0 120; then
		cmd "start tx_first" && sleep "$FWD_SECONDS"
		cmd "stop"
		cmd "port stop all"
		cmd "port close all"
		# "port close" frees the port ids, so the devices are detached by address.
		for dev in $NICS; do
			cmd "device detach $dev"
		done
		for dev in $NICS; do
			cmd "port attach $dev"
		done
		cmd "port start all"
		cmd "start tx_first" && sleep "$FWD_SECONDS"
		cmd "stop"
		echo "quit" >&3
	else
		echo "init-timeout" >> "$out/notes"
	fi
	# A testpmd that does not exit is stopped: INT (clean), then KILL.
	n=0
	while kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" = 300 ] && kill -INT "$pid" && echo "sigint" >> "$out/notes"
		[ "$n" = 450 ] && kill -KILL "$pid" && echo "sigkill" >> "$out/notes"
		sleep 0.2
	done
	wait "$pid"
	echo "$?" > "$out/rc"
	exec 3>&-
	echo $(($(date +%s) - t0)) > "$out/seconds"
	dmesg > "$out/dmesg"
	echo "vfconform-run-end: $name rc=$(cat "$out/rc") in $(cat "$out/seconds")s"
	tar -C /tmp/r -cf - "$name" | emit "run $name"
}

for r in $RUNS; do
	# BACKEND:SCENARIO:MEM:IOVA
	IFS=: read -r b s m i <<EOF
$r
EOF
	run_one "$b" "$s" "$m" "$i"
done
container_node type1

echo "vfconform-done"
poweroff -f
