#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's quick start on a minimal Debian 12 root file system (.ci/fresh-machine):
# fails exactly when a tool some target calls is missing from .ci/install-deps.
set -uo pipefail
bash .ci/fresh-machine
