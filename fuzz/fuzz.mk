# SPDX-License-Identifier: GPL-2.0-only
# Fuzzing (included by the top-level Makefile; see README.md):
#   make fuzz          differential sim fuzzing (FUZZ_COUNT sequences, sim-type1 vs
#                      sim-compat and each sim against itself), then each libFuzzer target
#                      for FUZZ_TIME seconds; fails on a crash, a sanitizer report or a leak
#   make fuzz-targets  the libFuzzer targets alone (clang-14, ASan + UBSan + libFuzzer)
#   make fuzz-kernel   the differential fuzzer in the reference kernel's guest: sim against
#                      kernel per personality and kernel-type1 against kernel-compat, for
#                      FUZZ_KERNEL_TIME seconds per mode (FUZZ_MODES), in each boot of
#                      FUZZ_BOOTS (iommu; "iommu noiommu" for both)

FUZZ_CC		?= clang-14
FUZZ_BIN	:= $(BUILD)/fuzz-bin
FUZZ_TARGETS	:= $(FUZZ_BIN)/fuzz_parser $(FUZZ_BIN)/fuzz_sim_ioctl
FUZZ_SAN	:= -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DVFSIM_POOL_MALLOC \
		   -Wno-gnu-variable-sized-type-not-at-end
FUZZ_TIME	?= 60
FUZZ_RUNS	?=
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
	@FUZZ_BIN=$(FUZZ_BIN) FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_COUNT=$(FUZZ_COUNT) \
		FUZZ_SEED=$(FUZZ_SEED) VFCONFORM=$(VFCONFORM) bash fuzz/run-fuzz.sh

fuzz-kernel: kernel $(VFCONFORM) $(VFCONFORM_GUEST)
	@FUZZ_SEED=$(FUZZ_SEED) FUZZ_KERNEL_TIME=$(FUZZ_KERNEL_TIME) KOBJ=$(KOBJ) \
		VFCONFORM_GUEST=$(VFCONFORM_GUEST) bash fuzz/run-fuzz-kernel.sh

# Faults in the kernel tier: a guest that dies mid-case and a case that hangs, each reported
# with the other cases' results kept (tests/fault/run-fault.sh), then the fail-nth sweep on
# the fault-injection variant of the kernel (tests/fault/run-failnth.sh).
KOBJ_FAULT	:= $(BUILD)/kernel-fault
KFRAG_FAULT	:= ref-kernel/fault.fragment
KMAKE_FAULT	= $(MAKE) -C $(KPSRC) O=$(abspath $(KOBJ_FAULT))

.PHONY: fault kernel-fault
fault: kernel kernel-fault $(VFCONFORM_GUEST)
	@bash tests/fault/run-fault.sh && KOBJ=$(KOBJ_FAULT) bash tests/fault/run-failnth.sh

# Starts from a copy of the main build when there is one: kbuild then recompiles only what
# the extra options touch, minutes instead of a whole kernel.
$(KOBJ_FAULT)/.config: $(KFRAG) $(KFRAG_FAULT) $(KPSRC_STAMP)
	@if [ ! -d $(KOBJ_FAULT) ] && [ -f $(KOBJ)/.config ]; then \
		echo "  COPY    $(KOBJ) -> $(KOBJ_FAULT)"; cp -a $(KOBJ) $(KOBJ_FAULT); fi
	@mkdir -p $(KOBJ_FAULT)
	+$(KMAKE_FAULT) tinyconfig
	cd $(KOBJ_FAULT) && $(abspath $(KPSRC))/scripts/kconfig/merge_config.sh -m .config \
		$(abspath $(KFRAG)) $(abspath $(KFRAG_FAULT))
	+$(KMAKE_FAULT) olddefconfig
	@for opt in $$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$$/\1/p' $(KFRAG) $(KFRAG_FAULT)); do \
		grep -qx "$$opt=y" $@ || { echo "kernel-fault: $$opt is not in $@" >&2; \
			mv $@ $@.rejected; exit 1; }; \
	done

kernel-fault: kernel $(KOBJ_FAULT)/.config
	+$(KMAKE_FAULT) -j$$(nproc) bzImage
	@sha256sum $(KOBJ_FAULT)/.config | cut -d' ' -f1 > $(KOBJ_FAULT)/config.sha256
	@echo "kernel-fault: $(KOBJ_FAULT)/arch/x86/boot/bzImage"

# Regenerates fuzz/corpus/sim_ioctl/ from the case library (fuzz/mkseeds.c); commit the result.
$(BUILD)/mkseeds: fuzz/mkseeds.c $(HOST_LIB_OBJ)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(VF_CFLAGS) -o $@ $< $(HOST_LIB_OBJ) $(HOST_LIBS)

.PHONY: fuzz-seeds
fuzz-seeds: $(BUILD)/mkseeds
	@rm -rf fuzz/corpus/sim_ioctl && mkdir -p fuzz/corpus/sim_ioctl
	@$(BUILD)/mkseeds fuzz/corpus/sim_ioctl
