#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make coverage: line coverage of the code under test from the gcov data of the last kernel
# run. Every boot (and retry) brings back its own .gcda tree; each is captured separately
# and the tracefiles are added, since counters of different boots must be summed.
#
# Environment: KOBJ (build/kernel), KRUN (build/kernel-run), KCOV (build/coverage).

set -euo pipefail

cd "$(dirname "$0")/.."

KOBJ=${KOBJ:-build/kernel}
KRUN=${KRUN:-build/kernel-run}
KCOV=${KCOV:-build/coverage}
REPORT=(drivers/vfio/vfio_iommu_type1.c drivers/iommu/iommufd/vfio_compat.c)

die() {
	echo "coverage: $*" >&2
	exit 1
}

command -v lcov > /dev/null || die "no lcov: apt-get install lcov"
KOBJ_ABS=$(cd "$KOBJ" && pwd)
mapfile -t trees < <(find "$KRUN" -type d -name gcov 2>/dev/null | sort)
[ "${#trees[@]}" -gt 0 ] || die "no gcov data in $KRUN: run make kernel-run first"

rm -rf "$KCOV"
mkdir -p "$KCOV/capture"
adds=()
n=0
for tree in "${trees[@]}"; do
	n=$((n + 1))
	dir=$KCOV/capture/$n
	cp -r "$tree" "$dir"
	# geninfo wants each .gcno beside its .gcda; the build directory stays untouched.
	while read -r gcda; do
		rel=${gcda#"$dir"/}
		ln -s "$KOBJ_ABS/${rel%.gcda}.gcno" "${gcda%.gcda}.gcno"
	done < <(find "$dir" -name '*.gcda')
	# Debian 12's geninfo defines some subroutines twice and perl says so for each;
	# only that noise is dropped. No test name, so that adding the tracefiles sums the
	# boots into one record per file.
	{ geninfo --quiet --base-directory "$KOBJ_ABS" --output-filename "$dir.info" "$dir" \
		2>&1 1>&3 | { grep -v '^Subroutine .* redefined at ' || true; } >&2; } 3>&1
	adds+=(--add-tracefile "$dir.info")
done
lcov --quiet "${adds[@]}" --output-file "$KCOV/kernel.info"
genhtml --quiet --output-directory "$KCOV/html" "$KCOV/kernel.info"
echo "coverage: $KCOV/html/index.html (from ${#trees[@]} gcov tree(s))"

for src in "${REPORT[@]}"; do
	awk -v src="$src" '
		/^SF:/ { on = (substr($0, length($0) - length(src) + 1) == src) }
		on && /^LF:/ { lf += substr($0, 4) }
		on && /^LH:/ { lh += substr($0, 4) }
		END {
			n = split(src, p, "/")
			if (lf == 0)
				printf "coverage: %s no data\n", p[n]
			else
				printf "coverage: %s %.1f%% (%d/%d lines)\n", p[n],
					100 * lh / lf, lh, lf
		}' "$KCOV/kernel.info"
done
