#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The simulator under ASan + UBSan: its unit tests and the whole library on
# both personalities (make sim-asan); malformed input must never crash it.
set -uo pipefail
make -s sim-asan
