#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The blob protocol without a guest, in a second: the one guest-side emitter
# (ref-kernel/lib/emit.sh, sourced by both guest inits) runs under busybox sh with busybox's
# applets, as in the guest, and the host side (ref-kernel/lib/blobs.sh) must give back
# exactly what went in; a blob with a changed byte, one cut short and one without its end
# line must be rejected by name while the intact ones around it are kept; a console's CRLF
# must not matter. That both inits use this emitter and no copy of their own is shown by
# booting each without it (tests/fault/run-fault.sh, .ci/stages/50-clients.sh).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=ref-kernel/lib/blobs.sh
. ref-kernel/lib/blobs.sh

out=build/check-blobs
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() {
	echo "blobs: FAIL: $*" >&2
	failed=$((failed + 1))
}
# check MESSAGE COMMAND...: one check, passed if COMMAND succeeds.
check() {
	local msg=$1

	shift
	if "$@"; then ok; else bad "$msg"; fi
}

rm -rf "$out"
mkdir -p "$out/bin" "$out/tmp" "$out/in/tree/sub"
if ! bb=$(command -v busybox); then
	echo "blobs: FAIL: no busybox (apt-get install busybox-static)" >&2
	echo "blobs: 0 passed, 1 failed"
	exit 1
fi
# Only busybox on PATH: the emitter must get by with what the guest has.
for a in sh gzip base64 sha256sum cut wc rm cat tar; do
	ln -s "$bb" "$out/bin/$a"
done

# What the guests send: a result (JSON), a text, a tar (as the gcov, fuzz and run blobs).
printf '{"cases": [{"name": "a", "status": "pass"}]}\n' > "$out/in/r.json"
seq 1 3000 > "$out/in/t.txt"
echo leaf > "$out/in/tree/sub/leaf"
head -c 20000 /dev/urandom > "$out/in/tree/noise"
(
	cd "$out" || exit 1
	# One EMIT_TTY file per blob: the emitter opens its tty with ">", which on a
	# regular file truncates.
	PATH=$PWD/bin EMIT_TMP=$PWD/tmp bin/sh -c '
		. ../../ref-kernel/lib/emit.sh
		EMIT_TTY=$PWD/1.tty
		emit "result r" < in/r.json
		EMIT_TTY=$PWD/2.tty
		emit "text t" < in/t.txt
		EMIT_TTY=$PWD/3.tty
		tar -C in/tree -cf - . | emit "gcov after-x"
	' > console.log 2> emit.err && cat 1.tty 2.tty 3.tty > data.log
) || bad "the emitter failed: $(cat "$out/emit.err")"

if [ "$(grep -c '^vfconform-blob: ' "$out/console.log")" = 3 ]; then
	ok
else
	bad "the emitter did not report 3 blobs on the console: $(cat "$out/console.log")"
fi
check "the emitter left files in its EMIT_TMP" [ -z "$(ls -A "$out/tmp")" ]

# $1: data log, $2: directory; prints "KIND NAME" of the intact blobs, stderr to $2.err.
decode() {
	rm -rf "$2"
	mkdir -p "$2/tmp"
	verified_blobs "$1" "$2/tmp" blobs 2> "$2.err" | cut -d' ' -f1,2 | tr '\n' ' '
	extract_blobs "$1" "$2" blobs 2> /dev/null
}

# Intact: all three, byte for byte.
got=$(decode "$out/data.log" "$out/ok")
check "intact log gave '$got'" [ "$got" = "result r text t gcov after-x " ]
check "result blob differs from its input" cmp -s "$out/in/r.json" "$out/ok/r.json"
check "text blob differs from its input" cmp -s "$out/in/t.txt" "$out/ok/t.txt"
check "tar blob differs from its input" diff -r "$out/in/tree" "$out/ok/gcov" > /dev/null

# CRLF, as a console would add it.
sed 's/$/\r/' "$out/data.log" > "$out/crlf.log"
got=$(decode "$out/crlf.log" "$out/crlf")
check "CRLF log gave '$got'" [ "$got" = "result r text t gcov after-x " ]

# One character of the second blob's base64 changed (still valid base64).
awk '/vfconform-blob-begin text t/ { n = NR + 3 }
	NR == n { c = substr($0, 1, 1) == "A" ? "B" : "A"; $0 = c substr($0, 2) }
	{ print }' "$out/data.log" > "$out/flip.log"
got=$(decode "$out/flip.log" "$out/flip")
check "changed byte: got '$got'" [ "$got" = "result r gcov after-x " ]
check "changed byte: 'text t' not named as damaged: $(cat "$out/flip.err")" \
	grep -q "blobs: damaged or incomplete blob 'text t'" "$out/flip.err"

# Cut short where a guest death would cut it: half of the last blob, no end line.
n=$(grep -n 'vfconform-blob-begin gcov' "$out/data.log" | cut -d: -f1)
total=$(wc -l < "$out/data.log")
head -n $((n + (total - n) / 2)) "$out/data.log" > "$out/cut.log"
got=$(decode "$out/cut.log" "$out/cut")
check "cut log: got '$got'" [ "$got" = "result r text t " ]
check "cut log: 'gcov after-x' not named: $(cat "$out/cut.err")" \
	grep -q "blobs: damaged or incomplete blob 'gcov after-x'" "$out/cut.err"
check "cut log: a partial gcov tree was unpacked" [ ! -e "$out/cut/gcov" ]

# Lines lost in the middle (the end line is there, the data is short).
awk '/vfconform-blob-begin result r/ { skip = NR + 1 } NR != skip { print }' \
	"$out/data.log" > "$out/short.log"
got=$(decode "$out/short.log" "$out/short")
check "lost line: got '$got'" [ "$got" = "text t gcov after-x " ]

echo "blobs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
