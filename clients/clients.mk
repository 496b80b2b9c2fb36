# SPDX-License-Identifier: GPL-2.0-only
#
# Real clients (issue 7): DPDK's testpmd on both kernel backends in the "dpdk" kernel
# variant, the vfconform-trace LD_PRELOAD interposer, and the cases derived from its traces.
# Included by the top-level Makefile (BUILD, KSRC, VF_CFLAGS, UAPI_STAMP, VFCONFORM).

KOBJ_DPDK	:= $(BUILD)/kernel-dpdk
KFRAG_DPDK	:= ref-kernel/config.fragment ref-kernel/dpdk.fragment
KMAKE_DPDK	= $(MAKE) -C $(KPSRC) O=$(abspath $(KOBJ_DPDK))
CRUN		?= $(BUILD)/clients-run
TRACE_SO	:= $(BUILD)/trace/vfconform-trace.so

.PHONY: kernel-dpdk trace trace-check clients clients-short clients-cases

# The variant shares the patched source (ref-kernel/kernel.mk's $(KPSRC): the probe and its
# gcov Makefile lines) with build/kernel; only the configuration differs, so kbuild keeps
# the two object trees apart.
kernel-dpdk: $(KOBJ_DPDK)/.config
	+$(KMAKE_DPDK) -j$$(nproc) bzImage
	@sha256sum $(KOBJ_DPDK)/.config | cut -d' ' -f1 > $(KOBJ_DPDK)/config.sha256.tmp
	@cmp -s $(KOBJ_DPDK)/config.sha256.tmp $(KOBJ_DPDK)/config.sha256 && \
		rm $(KOBJ_DPDK)/config.sha256.tmp || \
		mv $(KOBJ_DPDK)/config.sha256.tmp $(KOBJ_DPDK)/config.sha256
	@echo "kernel-dpdk: $(KOBJ_DPDK)/arch/x86/boot/bzImage"

# As build/kernel's .config, with dpdk.fragment merged last; an option olddefconfig drops
# is an error, not a silently different guest.
$(KOBJ_DPDK)/.config: $(KFRAG_DPDK) $(KPSRC_STAMP)
	@mkdir -p $(KOBJ_DPDK)
	+$(KMAKE_DPDK) tinyconfig
	cd $(KOBJ_DPDK) && $(abspath $(KSRC))/scripts/kconfig/merge_config.sh -m .config \
		$(abspath $(KFRAG_DPDK))
	+$(KMAKE_DPDK) olddefconfig
	@missing=$$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$$/\1/p' $(KFRAG_DPDK) | \
		while read -r opt; do \
			grep -qx "$$opt=y" $(KOBJ_DPDK)/.config || echo "$$opt"; \
		done; \
		sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$$/\1/p' $(KFRAG_DPDK) | \
		while read -r opt; do \
			grep -q "^$$opt=" $(KOBJ_DPDK)/.config && echo "$$opt (must be off)"; \
		done; true); \
	if [ -n "$$missing" ]; then \
		echo "kernel-dpdk: options not in the final .config:" >&2; \
		echo "$$missing" | sed 's/^/  /' >&2; \
		mv $(KOBJ_DPDK)/.config $(KOBJ_DPDK)/.config.rejected; \
		exit 1; \
	fi

# The interposer: position independent, with the runner's symbolic names (harness/lang/names.c)
# and uAPI codec (harness/uapi/), so a trace record and a run document's observation of the
# same call have the same keys and spellings. Not the codec's json_t sink: the clients it
# runs in do not link jansson, so it writes text (harness/uapi/sink_text.c).
TRACE_SRC	:= clients/trace/vfconform-trace.c harness/lang/names.c \
		   $(filter-out harness/uapi/sink_json.c,$(wildcard harness/uapi/*.c))
trace: $(TRACE_SO) $(BUILD)/trace/vfconform-trace
$(BUILD)/trace/vfconform-trace: clients/trace/vfconform-trace.sh
	@mkdir -p $(dir $@)
	@install -m 0755 $< $@
$(TRACE_SO): $(TRACE_SRC) harness/lang/names.h $(wildcard harness/uapi/*.h) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) -O2 -g -fPIC -shared -fvisibility=default $(VF_CFLAGS) -o $@ $(TRACE_SRC) -ldl

# The interposer without a kernel: a small client under it, a fake type1 behind it
# (tests/trace/check.sh; .ci/stages/50-clients.sh runs it before the QEMU part).
trace-check: $(TRACE_SO) $(VFCONFORM)
	@bash tests/trace/check.sh $(TRACE_SO) $(VFCONFORM) $(CC) $(UAPI)/include

# Every scenario on both backends, the derived cases and the summary ($(CRUN)/summary.md).
clients: kernel-dpdk trace $(VFCONFORM)
	CRUN=$(CRUN) KOBJ_DPDK=$(KOBJ_DPDK) TRACE_SO=$(TRACE_SO) VFCONFORM=$(VFCONFORM) \
		bash clients/run-clients.sh

# CI: one backend pair, a few seconds of forwarding (.ci/stages/50-clients.sh).
clients-short: kernel-dpdk trace $(VFCONFORM)
	CRUN=$(CRUN) KOBJ_DPDK=$(KOBJ_DPDK) TRACE_SO=$(TRACE_SO) VFCONFORM=$(VFCONFORM) \
		bash clients/run-clients.sh --short

# Commit the cases derived from the last full run into the library (review the diff).
clients-cases:
	@mkdir -p cases/clients
	cp $(CRUN)/cases/*.case cases/clients/
