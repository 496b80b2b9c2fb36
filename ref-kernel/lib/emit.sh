# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The guest's blob emitter (busybox sh), the one both guest inits use: ref-kernel/lib/boot.sh
# puts it into every initramfs as /etc/vfconform-emit.sh, and ref-kernel/init.sh and
# clients/dpdk/init.sh source it from there. The host decodes its output with
# ref-kernel/lib/blobs.sh.
#
# EMIT_TTY and EMIT_TMP are for the host test (.ci/stages/12-blobs.sh); the guests leave
# them unset.

# One base64 blob of a gzip stream from stdin, between marker lines, on ttyS1; the host
# checks the sha256 of the gzip data, so a blob cut short is rejected. Closing the tty waits
# until it is drained, so a poweroff right after cannot cut the blob. $1 is "KIND NAME".
emit() {
	emit_gz=${EMIT_TMP:-/tmp}/blob.gz
	gzip -c > "$emit_gz"
	{
		echo "vfconform-blob-begin $1"
		base64 "$emit_gz"
		echo "vfconform-blob-end $1 $(sha256sum "$emit_gz" | cut -d' ' -f1)"
	} > "${EMIT_TTY:-/dev/ttyS1}"
	echo "vfconform-blob: $1 ($(wc -c < "$emit_gz") bytes gzip)"
	rm -f "$emit_gz"
}
