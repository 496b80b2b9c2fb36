# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What every boot of a reference-kernel variant needs, sourced by the boot modes
# (ref-kernel/boot/*.sh, clients/run-dpdk.sh) from the top of the repository: the limits,
# the kernel, the initramfs (busybox, one /init, /etc/boot.conf and the blob emitter), the
# accelerator (KVM probed once, TCG otherwise) and QEMU run under a watchdog.
#
# The caller sets WHO (the prefix of its messages) before sourcing.
#
# Environment:
#   VFCONFORM_ACCEL         tcg or kvm; default: probe KVM once, cached in $KOBJ/../accel
#   VFCONFORM_BOOT_TIMEOUT  wall-clock limit of one boot in seconds (1800)
#   VFCONFORM_IDLE_TIMEOUT  a guest silent this many seconds is hung (300)
#   VFCONFORM_STALLS        this many RCU stall reports make a guest stalled, i.e. hung (3)
#   VFCONFORM_RETRIES       boots after crashes, at most (4); read by the modes that retry
#   VFCONFORM_SMP           guest CPUs (2); the fuzz boots use 1: under a loaded host, TCG
#                           once left a second vCPU's timer unserviced (endless RCU stalls)
#   VFCONFORM_EMITTER       test only: the blob emitter put into the initramfs
#                           (ref-kernel/lib/emit.sh); empty leaves it out

# shellcheck source=ref-kernel/lib/blobs.sh
. ref-kernel/lib/blobs.sh

BOOT_TIMEOUT=${VFCONFORM_BOOT_TIMEOUT:-1800}
IDLE_TIMEOUT=${VFCONFORM_IDLE_TIMEOUT:-300}
STALLS=${VFCONFORM_STALLS:-3}
# shellcheck disable=SC2034 # read by lib/runs.sh
RETRIES=${VFCONFORM_RETRIES:-4}
SMP=${VFCONFORM_SMP:-2}
EMITTER=${VFCONFORM_EMITTER-ref-kernel/lib/emit.sh}
# how the last run_qemu ended
qemu_end=

die() {
	echo "$WHO: $*" >&2
	exit 2
}

# The numbers go into test(1) and QEMU's -smp: a typo must stop here, not mid-boot.
for v in BOOT_TIMEOUT IDLE_TIMEOUT STALLS RETRIES SMP; do
	min=0
	[ "$v" = SMP ] && min=1
	if ! [[ ${!v} =~ ^[0-9]+$ ]] || [ "${!v}" -lt "$min" ]; then
		echo "$WHO: VFCONFORM_$v must be a number of at least $min, not '${!v}'" >&2
		exit 2
	fi
done
unset v min

is_static() {
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

BUSYBOX=$(command -v busybox) || die "no busybox: apt-get install busybox-static"
is_static "$BUSYBOX" || die "$BUSYBOX is dynamic: apt-get install busybox-static"

# $1: kernel build directory, $2: the make target that builds it. Sets KOBJ_DIR, BZIMAGE and
# GEN_INIT_CPIO (it comes with the kernel build and needs no root for /dev/console).
use_kernel() {
	KOBJ_DIR=$1
	BZIMAGE=$1/arch/x86/boot/bzImage
	GEN_INIT_CPIO=$1/usr/gen_init_cpio
	[ -f "$BZIMAGE" ] || die "no $BZIMAGE: run make $2"
	[ -x "$GEN_INIT_CPIO" ] || die "no $GEN_INIT_CPIO: run make $2"
}

# $1: output, $2: the guest's /init, $3: its /etc/boot.conf; stdin: more gen_init_cpio
# lines (the mode's own files, after the base they may refer to).
make_initramfs() {
	local out=$1 list=$1.list applet d

	{
		echo "dir /bin 0755 0 0"
		echo "file /bin/busybox $BUSYBOX 0755 0 0"
		for applet in $("$BUSYBOX" --list); do
			[ "$applet" = busybox ] || echo "slink /bin/$applet busybox 0777 0 0"
		done
		for d in dev proc sys tmp etc; do
			echo "dir /$d 0755 0 0"
		done
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "file /init $2 0755 0 0"
		echo "file /etc/boot.conf $3 0644 0 0"
		# Both inits source it from here, so their blobs are written by one emitter.
		[ -z "$EMITTER" ] || echo "file /etc/vfconform-emit.sh $EMITTER 0644 0 0"
		cat
	} > "$list"
	"$GEN_INIT_CPIO" "$list" | gzip -1 > "$out"
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

# KVM is probed once per machine: /dev/kvm can exist and still not work (nested). The probe
# boots the kernel of use_kernel with ref-kernel/init.sh told to say hello and power off.
pick_accel() {
	local cache=$KOBJ_DIR/../accel dir=$KOBJ_DIR/../accel-probe

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
			make_initramfs "$dir/initramfs.cpio.gz" ref-kernel/init.sh \
				"$dir/boot.conf" < /dev/null
			run_qemu kvm "$dir/initramfs.cpio.gz" "$dir/console.log" 20 \
				-append "console=ttyS0 panic=-1"
			grep -q vfconform-probe-ok "$dir/console.log" && accel=kvm
		fi
		echo "$accel" > "$cache"
		echo "$WHO: KVM probe: using $accel (log: $dir/)" >&2
	fi
	cat "$cache"
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
