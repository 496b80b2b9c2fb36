#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The vfconform-trace interposer without a kernel: client.c runs under the interposer with
# fake_kernel.c preloaded behind it (what the interposer's dlsym(RTLD_NEXT) finds). Checks:
# the records equal expected.jsonl (but for seq, t_ms, tid, fd numbers, pid); trace2case
# makes expected.case of them; and that case passes on sim-type1, so a trace's fields are
# ones the runner's steps and expectations take. Last line: "trace-check: N passed, N failed".
# Usage: check.sh TRACE_SO VFCONFORM CC UAPI_INCLUDE
set -uo pipefail

so=$(realpath "$1")
vfc=$2
cc=${3:-cc}
inc=$4
dir=tests/trace
work=build/trace-check
passed=0
failed=0

ok() { echo "trace-check: ok: $*"; passed=$((passed + 1)); }
bad() { echo "trace-check: FAIL: $*" >&2; failed=$((failed + 1)); }

mkdir -p "$work"
rm -f "$work/trace.jsonl"
if ! "$cc" -std=gnu11 -Wall -Wextra -O1 -fPIC -shared -I"$inc" -o "$work/fake_kernel.so" \
	"$dir/fake_kernel.c" -ldl || ! "$cc" -std=gnu11 -Wall -Wextra -O1 -I"$inc" \
	-o "$work/client" "$dir/client.c"; then
	echo "trace-check: 0 passed, 1 failed"
	exit 1
fi
LD_PRELOAD="$so $(realpath "$work/fake_kernel.so")" VFCONFORM_TRACE="$work/trace.jsonl" \
	"$work/client" || bad "the client exited $?"

# what differs between runs: sequence and timing, thread and process ids, fd numbers
jq -c 'del(.seq, .t_ms, .tid, .fd, .pid, .cmdline) |
	if .op == "GROUP_GET_DEVICE_FD" or .op == "open" then .ret = "fd" else . end |
	if .op == "GROUP_SET_CONTAINER" then .args.fd = "fd" else . end |
	if .out.rdev then .out.rdev = "rdev" else . end' "$work/trace.jsonl" \
	>"$work/records.jsonl" 2>"$work/jq.log" || bad "the trace is not JSON lines"
if diff -u "$dir/expected.jsonl" "$work/records.jsonl" >&2; then
	ok "the records equal $dir/expected.jsonl"
else
	bad "the records differ from $dir/expected.jsonl (above)"
fi

"$vfc" trace2case --name trace.check --about "the interposer under a fake type1" \
	--out "$work/trace.case" "$work/trace.jsonl"
if tail -n +2 "$work/trace.case" | diff -u <(tail -n +2 "$dir/expected.case") - >&2; then
	ok "trace2case makes $dir/expected.case"
else
	bad "trace2case's case differs from $dir/expected.case (above)"
fi

if "$vfc" run --backend sim-type1 --cases "$work/trace.case" --out "$work/sim.json" \
	>"$work/sim.log" 2>&1; then
	ok "the case passes on sim-type1"
else
	cat "$work/sim.log" >&2
	bad "the case fails on sim-type1 ($work/sim.json)"
fi

echo "trace-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
