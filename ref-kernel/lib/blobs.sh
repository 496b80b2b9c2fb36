# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# The host side of the blob protocol, sourced by ref-kernel/lib/boot.sh (so by every boot
# mode) and by .ci/stages/12-blobs.sh: the guest sends its results as base64 blobs of gzip
# data between "vfconform-blob-begin KIND NAME" and "vfconform-blob-end KIND NAME SHA256"
# lines (emit() of ref-kernel/lib/emit.sh, which both guest inits source).

# Split LOG's blobs into TMP and print "KIND NAME GZFILE" for every intact one. A blob cut
# short by a guest death fails its sha256: it is named on stderr (prefixed WHO) and left out.
verified_blobs() {
	local log=$1 tmp=$2 who=$3 b64 kind name

	tr -d '\r' < "$log" | awk -v tmp="$tmp" '
		match($0, /vfconform-blob-begin [a-z]+ [^ ]+/) {
			split(substr($0, RSTART, RLENGTH), w, " ")
			n++
			file = tmp "/" n
			print w[2], w[3] > (file ".name")
			close(file ".name")
			printf "" > (file ".b64")
			next
		}
		match($0, /vfconform-blob-end [a-z]+ [^ ]+ [0-9a-f]+/) {
			if (file != "") {
				split(substr($0, RSTART, RLENGTH), w, " ")
				print w[4] > (file ".sum")
				close(file ".sum")
				close(file ".b64")
			}
			file = ""
			next
		}
		file != "" && /^[A-Za-z0-9+\/=]+$/ { print > (file ".b64") }
	'
	for b64 in "$tmp"/*.b64; do
		[ -e "$b64" ] || continue
		read -r kind name < "${b64%.b64}.name"
		if [ ! -s "${b64%.b64}.sum" ] ||
			! base64 -d < "$b64" > "${b64%.b64}.gz" 2>/dev/null ||
			[ "$(sha256sum < "${b64%.b64}.gz" | cut -d' ' -f1)" != \
				"$(cat "${b64%.b64}.sum")" ]; then
			echo "$who: damaged or incomplete blob '$kind $name' in $log" >&2
			continue
		fi
		echo "$kind $name ${b64%.b64}.gz"
	done
}

# Decode the intact blobs of data log $1 into directory $2 (WHO $3 names the boot in
# complaints): "result B" -> B.json, "text B" -> B.txt, "fuzz M" and "run R" (tars) unpacked
# there, the last intact "gcov ..." -> gcov/ (gcov counters only grow, so the last dump has
# everything). A blob cut short by a guest death fails its sha256 and is dropped.
extract_blobs() {
	local log=$1 dir=$2 who=$3 tmp kind name gz

	tmp=$(mktemp -d)
	while read -r kind name gz; do
		case $kind in
		result)
			gunzip -c < "$gz" > "$dir/$name.json"
			;;
		text)
			gunzip -c < "$gz" > "$dir/$name.txt"
			;;
		fuzz | run)
			gunzip -c < "$gz" | tar -C "$dir" -xf -
			;;
		gcov)
			rm -rf "$dir/gcov"
			mkdir -p "$dir/gcov"
			gunzip -c < "$gz" | tar -C "$dir/gcov" -xf -
			;;
		esac
	done < <(verified_blobs "$log" "$tmp" "$who")
	rm -rf "$tmp"
}
