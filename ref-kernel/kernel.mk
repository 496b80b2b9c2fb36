# SPDX-License-Identifier: GPL-2.0-only
#
# Reference-kernel tier: build Debian's linux-source-6.12 with our fragment, boot it in QEMU,
# run the static runner in the guest on both kernel backends, and measure coverage.
# Included by the top-level Makefile, which defines BUILD, KSRC, VFCONFORM and
# VFCONFORM_GUEST and the rules that make the last two.

BUILD ?= build
KSRC ?= $(BUILD)/linux-source-6.12
VFCONFORM ?= $(BUILD)/vfconform
VFCONFORM_GUEST ?= $(BUILD)/guest/vfconform

KOBJ := $(BUILD)/kernel
# The probe patches (ref-kernel/patches/*.patch) go into a private copy of the shared
# unpacked tree, never into $(KSRC) itself: other worktrees build from that tree, and a
# half-applied or reverted patch there would change their kernels under them. The copy is
# remade whenever the patch set changes (its stamp holds the patches' sha256).
KPATCHES := $(sort $(wildcard ref-kernel/patches/*.patch))
KPSRC := $(BUILD)/linux-probe-6.12
KPSRC_STAMP := $(KPSRC)/.vfconform-patched
KFRAG := ref-kernel/config.fragment
# One driver's run (DRIVER, top Makefile): intel-iommu's boots are the VT-d one and the
# no-IOMMU one; every other driver has its IOMMU boot alone (no-IOMMU has no driver).
KBOOTS := $(if $(DRIVER_SUFFIX),$(DRIVER),iommu noiommu)
KRUN ?= $(BUILD)/kernel-run$(subst /,-,$(DRIVER_SUFFIX))
KCOV := $(BUILD)/coverage$(subst /,-,$(DRIVER_SUFFIX))
KSRC_STAMP := $(KSRC)/.vfconform-unpacked
# Only these are profiled (MAKEFILE:VARIABLE, the variable set to y in that Makefile);
# GCOV_PROFILE_ALL would slow both build and guest. vfio and iommufd are the code under
# test; the IOMMU drivers are what the driver matrix (issue 14) compares. Files of an arch
# that is not built are never compiled, so listing them costs nothing.
KGCOV := drivers/vfio/Makefile:GCOV_PROFILE drivers/iommu/iommufd/Makefile:GCOV_PROFILE \
	drivers/iommu/intel/Makefile:GCOV_PROFILE drivers/iommu/amd/Makefile:GCOV_PROFILE \
	drivers/iommu/Makefile:GCOV_PROFILE_virtio-iommu.o \
	drivers/iommu/arm/arm-smmu-v3/Makefile:GCOV_PROFILE
KMAKE = $(MAKE) -C $(KPSRC) O=$(abspath $(KOBJ))

.PHONY: kernel kernel-run coverage

# kbuild decides what is stale, so always enter it; a no-op build takes a few seconds.
kernel: $(KOBJ)/.config
	@for mv in $(KGCOV); do \
		mk=$${mv%%:*}; line="$${mv#*:} := y"; \
		grep -qx "$$line" $(KPSRC)/$$mk || \
			printf '\n# vfio-conform: coverage\n%s\n' "$$line" >> $(KPSRC)/$$mk; \
	done
	+$(KMAKE) -j$$(nproc) bzImage
	@sha256sum $(KOBJ)/.config | cut -d' ' -f1 > $(KOBJ)/config.sha256.tmp
	@cmp -s $(KOBJ)/config.sha256.tmp $(KOBJ)/config.sha256 && \
		rm $(KOBJ)/config.sha256.tmp || mv $(KOBJ)/config.sha256.tmp $(KOBJ)/config.sha256
	@echo "kernel: $(KOBJ)/arch/x86/boot/bzImage (config sha256 $$(cat $(KOBJ)/config.sha256))"

# Regenerated only when the fragment changes. An option that olddefconfig silently drops
# (unmet dependency) would leave the tier testing something else, so it is an error.
$(KOBJ)/.config: $(KFRAG) $(KPSRC_STAMP)
	@mkdir -p $(KOBJ)
	+$(KMAKE) tinyconfig
	cd $(KOBJ) && $(abspath $(KSRC))/scripts/kconfig/merge_config.sh -m .config \
		$(abspath $(KFRAG))
	+$(KMAKE) olddefconfig
	@missing=$$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$$/\1/p' $(KFRAG) | \
		while read -r opt; do \
			grep -qx "$$opt=y" $(KOBJ)/.config || echo "$$opt"; \
		done; \
		sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$$/\1/p' $(KFRAG) | \
		while read -r opt; do \
			grep -q "^$$opt=" $(KOBJ)/.config && echo "$$opt (must be off)"; \
		done; true); \
	if [ -n "$$missing" ]; then \
		echo "kernel: options of $(KFRAG) not in the final .config:" >&2; \
		echo "$$missing" | sed 's/^/  /' >&2; \
		mv $(KOBJ)/.config $(KOBJ)/.config.rejected; \
		exit 1; \
	fi

# cp -a keeps timestamps, so kbuild rebuilds only what the patches touched. The
# new tree is built aside and renamed, so an interrupted copy is never mistaken for one.
$(KPSRC_STAMP): $(KSRC_STAMP) $(KPATCHES)
	@want=$$(cat /dev/null $(KPATCHES) | sha256sum | cut -d' ' -f1); \
	if [ "$$(cat $@ 2>/dev/null)" != "$$want" ]; then \
		echo "  PATCH   $(KPSRC) ($(words $(KPATCHES)) patch(es))"; \
		rm -rf $(KPSRC).tmp $(KPSRC).old; \
		cp -a $(KSRC)/. $(KPSRC).tmp/; \
		for p in $(KPATCHES); do \
			patch -s -p1 -d $(KPSRC).tmp < $$p || exit 1; \
		done; \
		echo "$$want" > $(KPSRC).tmp/.vfconform-patched; \
		[ ! -d $(KPSRC) ] || mv $(KPSRC) $(KPSRC).old; \
		mv $(KPSRC).tmp $(KPSRC); rm -rf $(KPSRC).old; \
	fi

kernel-run: kernel $(VFCONFORM) $(VFCONFORM_GUEST)
	KOBJ=$(KOBJ) KRUN=$(KRUN) KBOOTS="$(KBOOTS)" VFCONFORM=$(VFCONFORM) \
		VFCONFORM_GUEST=$(VFCONFORM_GUEST) bash ref-kernel/kernel-run.sh

# Reads the last kernel run; with both goals on one command line, it waits for it.
coverage: $(filter kernel-run,$(MAKECMDGOALS))
	KOBJ=$(KOBJ) KRUN=$(KRUN) KCOV=$(KCOV) bash ref-kernel/coverage.sh
