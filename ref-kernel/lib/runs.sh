# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Boots of build/kernel (or a variant of it) with ref-kernel/init.sh running the static
# runner once per backend: the library, fault, fail-nth and fuzz modes (ref-kernel/boot/)
# source this after ref-kernel/lib/boot.sh, set what makes them differ, and call run_boots.
#
# A guest that dies in a case (oops=panic ends the boot), hangs or times out is booted again
# (at most RETRIES times) to run that backend once more without the case file that killed it;
# the case is recorded as crashed for "vfconform merge --crashed". The whole backend is run
# again rather than resumed with --start-after, because the runner writes its --out file only
# at the end: the observations of the cases before the crash died with the guest.
#
# Environment (paths relative to the top of the repository):
#   KOBJ                    kernel build directory (build/kernel)
#   KRUN                    output directory (build/kernel-run)
#   VFCONFORM_GUEST         static runner for the guest (build/guest/vfconform)
#   CASES                   case tree copied to /cases (cases)
#   VFCONFORM_APPEND        extra kernel command line, for debugging
#   EARLY_RETRIES           boots again after a guest that did not reach init (2)
#
# Output in $KRUN/BOOT/, retries in $KRUN/BOOT/retry-N/: console.log (ttyS0: kernel, init
# and KTAP), data.log (ttyS1: the encoded blobs), BACKEND.json, gcov/ (the .gcda tree
# relative to $KOBJ); and in $KRUN/BOOT/ only: crashed (BACKEND:CASE=REASON lines) and
# status.

KOBJ=${KOBJ:-build/kernel}
KRUN=${KRUN:-build/kernel-run}
VFCONFORM_GUEST=${VFCONFORM_GUEST:-build/guest/vfconform}
CASES=${CASES:-cases}
# with its separating space, so the command line is "... $APPEND $VFCONFORM_APPEND"
APPEND_EXTRA=" ${VFCONFORM_APPEND:-}"
EARLY_RETRIES=${EARLY_RETRIES:-2}
MDEV_UUID=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
EDU_DMA_MASK=dma_mask=0xffffffffffffffff
# Lines a mode adds to the guest's /etc/boot.conf (init.sh reads them).
CONF_EXTRA=()

# The edus of the IOMMU boots: 00:02.0 (topologies vtd and mdev), two behind a conventional
# PCI bridge (one group: the bridge is their requester) and two on the root bus (multi).
# edu's DMA engine masks addresses to 28 bits unless told: all ones makes it hand every
# IOVA of DEVICE_DMA to the IOMMU as is.
IOMMU_EDUS=(-device "edu,addr=02.0,$EDU_DMA_MASK"
	-device "pci-bridge,id=bridge1,chassis_nr=1,addr=03.0"
	-device "edu,bus=bridge1,addr=01.0,$EDU_DMA_MASK"
	-device "edu,bus=bridge1,addr=02.0,$EDU_DMA_MASK"
	-device "edu,addr=04.0,$EDU_DMA_MASK"
	-device "edu,addr=05.0,$EDU_DMA_MASK")
IOMMU_EDU_BDFS="0000:00:02.0 0000:01:01.0 0000:01:02.0 0000:00:04.0 0000:00:05.0"

# The boots and the IOMMU driver each one probes (the fixtures' and baselines' driver
# key, fixtures/kernel-6.12/DRIVER/); noiommu has none.
declare -A BOOT_DRIVER=([iommu]=intel-iommu [amd-iommu]=amd-iommu
	[virtio-iommu]=virtio-iommu [noiommu]=none)

# $1: a boot of BOOT_DRIVER. Sets BOOT, DRIVER, TOPO, EDU, MDEV, DEVICES and APPEND. Fixed
# PCI addresses, because the case topologies name devices by address; QEMU's -nodefaults
# (run_qemu) keeps its default VGA and NIC from taking slots. The IOMMU device must come
# before the devices it translates for. 8 x 2 MiB hugepages serve the "huge" buffers of
# map cases: 16 MiB of the 1 GiB.
boot_topology() {
	BOOT=$1
	DRIVER=${BOOT_DRIVER[$BOOT]:-}
	case $BOOT in
	iommu)
		TOPO=vtd,mdev,multi
		EDU=$IOMMU_EDU_BDFS
		MDEV=$MDEV_UUID
		DEVICES=(-device "intel-iommu,intremap=on,caching-mode=on" "${IOMMU_EDUS[@]}")
		APPEND="intel_iommu=on hugepages=8"
		;;
	amd-iommu)
		# QEMU 7.2's amd-iommu with its interrupt remapping (as intel-iommu's intremap).
		TOPO=vtd,mdev,multi
		EDU=$IOMMU_EDU_BDFS
		MDEV=$MDEV_UUID
		DEVICES=(-device "amd-iommu,intremap=on" "${IOMMU_EDUS[@]}")
		APPEND="hugepages=8"
		;;
	virtio-iommu)
		# QEMU 7.2's VIOT table puts only root-bus devices behind virtio-iommu: the
		# edus behind the bridge get no group, so the multi topology is a skip there
		# (the runner says why), not a failure. virtio-iommu has no interrupt
		# remapping on x86: without allow_unsafe_interrupts type1 refuses the group
		# at SET_IOMMU and compat at GROUP_GET_DEVICE_FD (EPERM both, measured), so
		# nothing else could be observed; a user of this platform sets both too.
		TOPO=vtd,mdev,multi
		EDU="0000:00:02.0 0000:00:04.0 0000:00:05.0"
		MDEV=$MDEV_UUID
		DEVICES=(-device "virtio-iommu-pci,addr=06.0" "${IOMMU_EDUS[@]}")
		APPEND="hugepages=8 vfio_iommu_type1.allow_unsafe_interrupts=1"
		APPEND+=" iommufd.allow_unsafe_interrupts=1"
		;;
	noiommu)
		TOPO=noiommu
		EDU="0000:00:02.0"
		MDEV=
		DEVICES=(-device "edu,addr=02.0")
		APPEND="intel_iommu=off vfio.enable_unsafe_noiommu_mode=1"
		;;
	*)
		die "unknown boot '$BOOT' (${!BOOT_DRIVER[*]})"
		;;
	esac
}

# The case file that defines case $1 (one case per file), relative to $CASES.
case_file() {
	grep -rlE --include='*.case' "^name[[:space:]]+${1//./\\.}([[:space:]]|$)" "$CASES" |
		head -n 1 | sed "s|^$CASES/||"
}

# The runner, the case tree and the results directory, as gen_init_cpio lines.
guest_files() {
	local d f

	echo "dir /results 0755 0 0"
	echo "dir /cases 0755 0 0"
	echo "file /bin/vfconform $VFCONFORM_GUEST 0755 0 0"
	(cd "$CASES" && find . -mindepth 1 -type d | sort) | while read -r d; do
		echo "dir /cases/${d#./} 0755 0 0"
	done
	(cd "$CASES" && find . -type f -name '*.case' | sort) | while read -r f; do
		echo "file /cases/${f#./} $CASES/${f#./} 0644 0 0"
	done
}

# Boot $BOOT (boot_topology) for every backend of BACKENDS, again for those a guest death
# cut off (RETRIES), and write $KRUN/$BOOT/status. Exit status 1 if the boot failed or a
# case crashed the guest.
run_boots() {
	local accel out dir attempt=0 early_fails=0 failed='' t0 console b rc case_name reason f
	local -a todo remaining
	local -A exclude=() start_after=()

	use_kernel "$KOBJ" kernel
	[ -f "$KOBJ/config.sha256" ] || die "no $KOBJ/config.sha256: run make kernel"
	CONFIG_SHA256=$(cat "$KOBJ/config.sha256")
	KOBJ_ABS=$(cd "$KOBJ" && pwd)
	accel=$(pick_accel)
	out=$KRUN/$BOOT
	rm -rf "$out"
	mkdir -p "$out"
	: > "$out/crashed"
	todo=("${BACKENDS[@]}")
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
			[ "${#CONF_EXTRA[@]}" = 0 ] || printf '%s\n' "${CONF_EXTRA[@]}"
			for b in "${!exclude[@]}"; do
				echo "EXCLUDE_${b//-/_}=\"${exclude[$b]# }\""
			done
			for b in "${!start_after[@]}"; do
				echo "START_AFTER_${b//-/_}=${start_after[$b]}"
			done
		} > "$dir/boot.conf"
		guest_files | make_initramfs "$dir/initramfs.cpio.gz" ref-kernel/init.sh \
			"$dir/boot.conf"

		t0=$SECONDS
		run_qemu "$accel" "$dir/initramfs.cpio.gz" "$dir/console.log" "$BOOT_TIMEOUT" \
			-serial "file:$dir/data.log" "${DEVICES[@]}" \
			-append "console=ttyS0 panic=-1 oops=panic no_timer_check $APPEND$APPEND_EXTRA"
		# shellcheck disable=SC2154 # qemu_end: set by run_qemu (lib/boot.sh)
		echo "$WHO: $BOOT: boot $attempt ($accel, ${todo[*]}) took $((SECONDS - t0))s," \
			"qemu $qemu_end" >&2
		extract_blobs "$dir/data.log" "$dir" "$WHO: $BOOT"
		console=$(tr -d '\r' < "$dir/console.log")

		if ! grep -q 'vfconform-init:' <<< "$console"; then
			# No case ran yet: an early-boot failure (seen under TCG on a loaded host)
			# is the machine's fault, so boot again, a bounded number of times.
			early_fails=$((early_fails + 1))
			echo "$WHO: $BOOT: guest did not reach init ($qemu_end);" \
				"console: $dir/console.log" >&2
			tail -n 30 "$dir/console.log" | tr -d '\r' >&2
			if [ "$early_fails" -le "$EARLY_RETRIES" ]; then
				echo "$WHO: $BOOT: booting again" \
					"($early_fails of $EARLY_RETRIES)" >&2
				continue
			fi
			failed="guest did not reach init in $early_fails boots ($qemu_end)"
			break
		fi
		grep -o 'vfconform-setup-error: .*' <<< "$console" | sed "s/^/$WHO: $BOOT: /" >&2 &&
			failed="setup error"

		# The backends run in order, so the first without a result is where the guest
		# died.
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
				echo "$WHO: $BOOT: $failed; console: $dir/console.log" >&2
				continue
			fi
			remaining+=("$b")
			# Case names are [a-z0-9._-]+, which also cuts off a kernel message
			# printed into the same line.
			case_name=$(sed -n "/vfconform-run-start: $b/,\$p" <<< "$console" |
				grep -oE '# case-start [a-z0-9._-]+' | tail -n 1 |
				cut -d' ' -f3 || true)
			if [ -n "$rc" ]; then
				reason="runner exited with status $rc"
			else
				reason=$(death_reason "$dir/console.log")
			fi
			if [ -z "$case_name" ]; then
				failed="guest died outside any case"
				echo "$WHO: $BOOT: guest died outside any case (backend $b):" \
					"$reason; console: $dir/console.log" >&2
			else
				echo "$WHO: $BOOT: guest died during case $case_name" \
					"(backend $b): $reason; console: $dir/console.log" >&2
				echo "$b:$case_name=$reason" >> "$out/crashed"
				f=$(case_file "$case_name")
				if [ -n "$f" ]; then
					exclude[$b]+=" $f"
				else
					# Loses the observations before the crash, but still
					# runs the rest.
					echo "$WHO: $BOOT: no case file names $case_name;" \
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
			echo "$WHO: $BOOT: $failed" >&2
			break
		fi
		echo "$WHO: $BOOT: booting again for ${todo[*]}" >&2
	done

	if [ -n "$failed" ]; then
		echo "failed: $failed" > "$out/status"
		return 1
	fi
	if [ -s "$out/crashed" ]; then
		echo "crashed: $(wc -l < "$out/crashed") case(s)" > "$out/status"
		return 1
	fi
	echo ok > "$out/status"
}
