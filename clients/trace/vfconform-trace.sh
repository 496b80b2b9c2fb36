#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# vfconform-trace: run a program with the vfconform-trace interposer preloaded, so every
# VFIO/iommufd ioctl it issues is recorded (clients/README.md).
#
# usage: vfconform-trace [-o TRACE] [--] PROGRAM [ARG]...
#   -o TRACE  where the JSON lines go (default: vfconform-trace.PID.jsonl)
# The interposer is vfconform-trace.so next to this script, or $VFCONFORM_TRACE_SO.
# POSIX sh, so it also runs under busybox in a guest.
set -eu

so=${VFCONFORM_TRACE_SO:-$(dirname "$0")/vfconform-trace.so}
if [ "${1:-}" = -o ]; then
	[ $# -ge 2 ] || { echo "vfconform-trace: -o needs a file" >&2; exit 2; }
	VFCONFORM_TRACE=$2
	export VFCONFORM_TRACE
	shift 2
fi
[ "${1:-}" = -- ] && shift
[ $# -ge 1 ] || { echo "usage: vfconform-trace [-o TRACE] [--] PROGRAM [ARG]..." >&2; exit 2; }
[ -f "$so" ] || { echo "vfconform-trace: no $so (make trace)" >&2; exit 2; }
# Absolute, so the program may change directory before the loader reads it.
case $so in
/*) ;;
*) so=$(pwd)/$so ;;
esac
LD_PRELOAD=$so${LD_PRELOAD:+ $LD_PRELOAD}
export LD_PRELOAD
exec "$@"
