#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/point-release.sh, the kernel stage's verdict on a new Debian point release,
# on run documents made from the fixtures: the same release says nothing; a new
# release with every step the same keeps the fixtures; a new release that changes
# one errno names that case and asks for a re-record (exit 1).
set -uo pipefail

fixtures=fixtures/kernel-6.12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "point-release: FAILED: $*" >&2; }
mkdir -p "$work/fx" "$work/same" "$work/moved"
cp "$fixtures"/{type1,compat}.json "$fixtures/known-gaps" "$work/fx/"
rel='.kernel_release = "6.12.999"'
for b in type1 compat; do
	jq -c "$rel" "$fixtures/$b.json" > "$work/same/$b.json"
done
jq -c "$rel" "$fixtures/compat.json" > "$work/moved/compat.json"
# the first step with a null errno of the first case gets EPERM
jq -c "$rel | .cases[0].steps[0].errno = \"EPERM\" | .cases[0].steps[0].ret = -1" \
	"$fixtures/type1.json" > "$work/moved/type1.json"
case0=$(jq -r '.cases[0].name' "$fixtures/type1.json")

out=$(bash tests/point-release.sh "$work/fx" "$work/fx")
[ $? -eq 0 ] && [ -z "$out" ] && ok || bad "same release: exit or output: $out"

out=$(bash tests/point-release.sh "$work/fx" "$work/same")
if [ $? -eq 0 ] && [[ $out == *"recorded on 6.12."*", this kernel is 6.12.999"* ]] &&
	[[ $out == *"still matches"* ]]; then ok; else bad "unchanged new release: $out"; fi

out=$(bash tests/point-release.sh "$work/fx" "$work/moved")
rc=$?
if [ "$rc" -eq 1 ] && [[ $out == *"kernel-type1: 6.12.999 changes these steps"* ]] &&
	[[ $out == *"$case0"* ]] && [[ $out == *"make fixtures"* ]] &&
	[[ $out != *"kernel-compat: 6.12.999 changes"* ]]; then
	ok
else
	bad "changed new release (exit $rc): $out"
fi

bash tests/point-release.sh "$work/fx" 2>/dev/null
[ $? -eq 2 ] && ok || bad "usage error is not exit 2"
bash tests/point-release.sh "$work/fx" "$work/none" 2>/dev/null
[ $? -eq 2 ] && ok || bad "a missing run document is not exit 2"
echo "point-release: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
