#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# DEVICE_DMA's observations come from the device: with edu's DMA engine broken on purpose in
# the guest (tests/dma-break.sh: the command without its start bit, or written to the count
# register) every DMA case that transfers must differ from the fixtures. One check per mode and case.
set -uo pipefail

bash tests/dma-break.sh
