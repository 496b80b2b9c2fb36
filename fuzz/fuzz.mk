# SPDX-License-Identifier: GPL-2.0-only
# Fuzzing (included by the top-level Makefile; see README.md):
#   make fuzz          differential sim fuzzing (FUZZ_COUNT sequences, sim-type1 vs
#                      sim-compat and each sim against itself), then each libFuzzer target
#                      for FUZZ_TIME seconds; fails on a crash, a sanitizer report or a leak
#   make fuzz-targets  the libFuzzer targets alone (clang-14, ASan + UBSan + libFuzzer)
#   make fuzz-kernel   the differential fuzzer in the reference kernel's guest: sim against
#                      kernel per personality and kernel-type1 against kernel-compat, for
#                      FUZZ_KERNEL_TIME seconds per mode

FUZZ_CC		?= clang-14
FUZZ_BIN	:= $(BUILD)/fuzz-bin
FUZZ_TARGETS	:= $(FUZZ_BIN)/fuzz_parser $(FUZZ_BIN)/fuzz_sim_ioctl
FUZZ_SAN	:= -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		   -Wno-gnu-variable-sized-type-not-at-end
FUZZ_TIME	?= 60
FUZZ_COUNT	?= 200000
FUZZ_SEED	?= 1
FUZZ_KERNEL_TIME ?= 600

.PHONY: fuzz fuzz-targets fuzz-kernel

$(FUZZ_BIN)/fuzz_parser: fuzz/fuzz_parser.c $(HARNESS_LIB) $(HEADERS) $(UAPI_STAMP) | deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_SAN) $(VF_CFLAGS) -o $@ $< $(HARNESS_LIB) $(HOST_LIBS)

$(FUZZ_BIN)/fuzz_sim_ioctl: fuzz/fuzz_sim_ioctl.c $(SIM_SRC) $(HEADERS) $(UAPI_STAMP) | deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_SAN) $(VF_CFLAGS) -o $@ $< $(SIM_SRC)

fuzz-targets: $(FUZZ_TARGETS)

fuzz: $(VFCONFORM) $(FUZZ_TARGETS)
	@FUZZ_BIN=$(FUZZ_BIN) FUZZ_TIME=$(FUZZ_TIME) FUZZ_COUNT=$(FUZZ_COUNT) \
		FUZZ_SEED=$(FUZZ_SEED) VFCONFORM=$(VFCONFORM) bash fuzz/run-fuzz.sh

fuzz-kernel: kernel $(VFCONFORM) $(VFCONFORM_GUEST)
	@FUZZ_SEED=$(FUZZ_SEED) FUZZ_KERNEL_TIME=$(FUZZ_KERNEL_TIME) KOBJ=$(KOBJ) \
		VFCONFORM_GUEST=$(VFCONFORM_GUEST) bash fuzz/run-fuzz-kernel.sh

# Faults in the kernel tier (tests/fault/run-fault.sh): a guest that dies mid-case and a
# case that hangs, each reported with the other cases' results kept.
.PHONY: fault
fault: kernel $(VFCONFORM_GUEST)
	@bash tests/fault/run-fault.sh
