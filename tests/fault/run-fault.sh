#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make fault: faults in the kernel tier, on the reference kernel's guest.
#  crash: the guest dies in the middle of fault.crash.2-victim (test-only boot: init exits,
#         the kernel panics). boot/fault.sh must exit non-zero, name the case with the panic
#         line and the console tail, record it in crashed, and the retry boot must keep the
#         results of the cases before and after it.
#  hang:  fault.hang.2-victim's child is stopped. The runner must time it out after the case's
#         3 s, report it as timeout, exit 1, and keep the other cases' results.
#  stall: during fault.stall.2-victim the guest prints RCU stall reports and makes no
#         progress (its console is never silent). boot/fault.sh must stop it as stalled, name
#         the case, exit non-zero and keep the other cases' results in the retry boot.
#  no emitter: a guest without the shared blob emitter (ref-kernel/lib/emit.sh, put into the
#         initramfs by ref-kernel/lib/boot.sh) sends no blob at all: init.sh sources it and
#         has no emitter of its own. (.ci/stages/50-clients.sh does the same for the DPDK
#         guest's init.)
# Last line: "fault: N passed, N failed".
set -uo pipefail

krun=${FAULT_KRUN:-build/fault-run}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "fault: ok: $*"; }
bad() { failed=$((failed + 1)); echo "fault: FAIL: $*" >&2; }
status() {	# status of case $2 in run document $1
	jq -r --arg n "$2" '.cases[] | select(.name == $n) | .status' "$1" 2>/dev/null
}

rm -rf "$krun"
mkdir -p "$krun"

# --- crash
KRUN=$krun/crash CASES=tests/fault/crash VFCONFORM_BACKENDS=kernel-type1 \
VFCONFORM_FAULT_CRASH=fault.crash.2-victim VFCONFORM_RETRIES=1 \
	bash ref-kernel/boot/fault.sh iommu > "$krun/crash.log" 2>&1
rc=$?
out=$krun/crash/iommu
[ "$rc" -ne 0 ] && ok "crash: boot/fault.sh exits $rc" || bad "crash: boot/fault.sh exited 0"
if grep -q '^kernel-type1:fault.crash.2-victim=.*Attempted to kill init' "$out/crashed" 2>/dev/null
then
	ok "crash: recorded as $(cat "$out/crashed")"
else
	bad "crash: $out/crashed does not name fault.crash.2-victim with the panic"
fi
if grep -q 'guest died during case fault.crash.2-victim' "$krun/crash.log" &&
	grep -q -- '----- console tail -----' "$krun/crash.log"; then
	ok "crash: reported with the console tail"
else
	bad "crash: no report with console tail in $krun/crash.log"
fi
r=$out/retry-1/kernel-type1.json
if [ "$(status "$r" fault.crash.1-first)" = pass ] && [ "$(status "$r" fault.crash.3-last)" = pass ]
then
	ok "crash: the other cases' results are kept ($r)"
else
	bad "crash: the retry boot lost the other cases ($r)"
fi

# --- hang
KRUN=$krun/hang CASES=tests/fault/hang VFCONFORM_BACKENDS=kernel-type1 \
VFCONFORM_FAULT_HANG=fault.hang.2-victim \
	bash ref-kernel/boot/fault.sh iommu > "$krun/hang.log" 2>&1
r=$krun/hang/iommu/kernel-type1.json
con=$krun/hang/iommu/console.log
if [ "$(status "$r" fault.hang.2-victim)" = timeout ]; then
	ok "hang: reported as timeout: $(jq -r '.cases[] | select(.name == "fault.hang.2-victim")
		| .detail' "$r")"
else
	bad "hang: fault.hang.2-victim is '$(status "$r" fault.hang.2-victim)', not timeout"
fi
if tr -d '\r' < "$con" | grep -q '^not ok 2 fault.hang.2-victim # timeout' &&
	tr -d '\r' < "$con" | grep -q 'vfconform-run-end: kernel-type1 rc=1'; then
	ok "hang: KTAP 'not ok' and the runner exits 1"
else
	bad "hang: no 'not ok ... # timeout' or runner exit 1 in $con"
fi
if [ "$(status "$r" fault.hang.1-first)" = pass ] && [ "$(status "$r" fault.hang.3-last)" = pass ]
then
	ok "hang: the other cases pass"
else
	bad "hang: the other cases' results are missing ($r)"
fi

# --- stall
KRUN=$krun/stall CASES=tests/fault/stall VFCONFORM_BACKENDS=kernel-type1 \
VFCONFORM_FAULT_STALL=fault.stall.2-victim VFCONFORM_RETRIES=1 \
	bash ref-kernel/boot/fault.sh iommu > "$krun/stall.log" 2>&1
rc=$?
out=$krun/stall/iommu
[ "$rc" -ne 0 ] && ok "stall: boot/fault.sh exits $rc" || bad "stall: boot/fault.sh exited 0"
if grep -q '^kernel-type1:fault.stall.2-victim=guest stalled' "$out/crashed" 2>/dev/null; then
	ok "stall: recorded as $(cat "$out/crashed")"
else
	bad "stall: $out/crashed does not name fault.stall.2-victim as stalled"
fi
r=$out/retry-1/kernel-type1.json
if [ "$(status "$r" fault.stall.1-first)" = pass ] && [ "$(status "$r" fault.stall.3-last)" = pass ]
then
	ok "stall: the other cases' results are kept ($r)"
else
	bad "stall: the retry boot lost the other cases ($r)"
fi

# --- no emitter
KRUN=$krun/noemit CASES=tests/fault/crash VFCONFORM_BACKENDS=kernel-type1 VFCONFORM_RETRIES=0 \
VFCONFORM_EMITTER='' \
	bash ref-kernel/boot/library.sh iommu > "$krun/noemit.log" 2>&1
rc=$?
out=$krun/noemit/iommu
if [ "$rc" -ne 0 ] && [ -f "$out/console.log" ] && [ ! -e "$out/kernel-type1.json" ] &&
	! grep -q vfconform-blob-begin "$out/data.log" 2>/dev/null &&
	tr -d '\r' < "$out/console.log" | grep -q "can't open '/etc/vfconform-emit.sh'"; then
	ok "no emitter: init.sh dies sourcing /etc/vfconform-emit.sh and sends no blob (exit $rc)"
else
	bad "no emitter: exit $rc, or a blob or result came back, or no sourcing error ($out/)"
fi

echo "fault: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
