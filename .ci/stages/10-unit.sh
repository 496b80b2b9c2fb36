#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Check unit tests of the harness, built with AddressSanitizer and UBSan
# (tests/run-unit.sh prints "unit: N passed, N failed").
set -uo pipefail
make -s unit-tests-asan
