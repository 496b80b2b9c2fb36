# SPDX-License-Identifier: GPL-2.0-only
# vfio-conform: `make` builds the runner; see README.md for the main targets.

BUILD		:= build
KVER		:= 6.12
KSRC_TAR	:= /usr/src/linux-source-$(KVER).tar.xz
KSRC		:= $(BUILD)/linux-source-$(KVER)
KSRC_STAMP	:= $(KSRC)/.vfconform-unpacked
UAPI		:= $(BUILD)/uapi
UAPI_STAMP	:= $(UAPI)/.stamp
VFCONFORM	:= $(BUILD)/vfconform
VFCONFORM_GUEST	:= $(BUILD)/guest/vfconform
# The IOMMU-driver matrix (ref-kernel/lib/runs.sh boots one per driver): DRIVER selects the
# driver of kernel-run, fixtures, report-kernel and gate-kernel. intel-iommu is the reference:
# its fixtures (with the noiommu boot's cases) are fixtures/kernel-6.12/ itself, every other
# driver's are fixtures/kernel-6.12/DRIVER/.
DRIVERS		:= intel-iommu amd-iommu virtio-iommu
DRIVER		?= intel-iommu
ifeq ($(filter $(DRIVER),$(DRIVERS)),)
$(error DRIVER=$(DRIVER) is not one of: $(DRIVERS))
endif
DRIVER_SUFFIX	:= $(if $(filter-out intel-iommu,$(DRIVER)),/$(DRIVER))
FIXTURES_REF	:= fixtures/kernel-$(KVER)
FIXTURES	:= $(FIXTURES_REF)$(DRIVER_SUFFIX)

CC		?= gcc
WARN		:= -Wall -Wextra -Wno-sign-compare -Wno-missing-field-initializers
CFLAGS		?= -O2 -g
VF_CFLAGS	:= -std=c11 $(WARN) -I$(UAPI)/include -Iharness -Isim/include
HOST_LIBS	:= -ljansson -lcap
CHECK_LIBS	:= $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

# libvfsim (sim/) is linked into the runner, the tests and the guest binary alike.
SIM_SRC		:= $(wildcard sim/*.c)
# harness/ is in wings, one folder each: lang, exec, uapi, backends, results, report, fuzz, trace,
# cli.
HARNESS_SRC	:= $(wildcard harness/*/*.c) $(SIM_SRC)
HARNESS_LIB	:= $(filter-out harness/cli/main.c,$(HARNESS_SRC))
HOST_OBJ	:= $(HARNESS_SRC:%.c=$(BUILD)/host/%.o)
HOST_LIB_OBJ	:= $(HARNESS_LIB:%.c=$(BUILD)/host/%.o)
GUEST_OBJ	:= $(HARNESS_SRC:%.c=$(BUILD)/guest/%.o)
TEST_SRC	:= $(wildcard tests/check_*.c)
TEST_BIN	:= $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all deps guest unit-tests asan unit-tests-asan check report fixtures clean
all: $(VFCONFORM)

deps:
	@bash .ci/install-deps

# The reference kernel's source: Debian's linux-source package, unpacked once.
$(KSRC_STAMP): | deps
	@mkdir -p $(BUILD)
	@echo "  UNPACK  $(KSRC_TAR)"
	@rm -rf $(KSRC)
	@tar -xf $(KSRC_TAR) -C $(BUILD)
	@touch $@

# uAPI headers of the kernel under test, not the older ones in /usr/include.
$(UAPI_STAMP): $(KSRC_STAMP)
	@echo "  HDRINST $(UAPI)"
	@$(MAKE) -s -C $(KSRC) O=$(CURDIR)/$(BUILD)/uapi-obj \
		INSTALL_HDR_PATH=$(CURDIR)/$(UAPI) headers_install
	@touch $@

HEADERS		:= $(wildcard harness/*/*.h sim/include/*.h sim/*.h)
$(BUILD)/host/%.o: %.c $(HEADERS) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(VF_CFLAGS) -c -o $@ $<

$(BUILD)/guest/%.o: %.c $(HEADERS) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) -O2 $(VF_CFLAGS) -c -o $@ $<

$(VFCONFORM): $(HOST_OBJ)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(HOST_LIBS)

# The guest has no libraries: link statically against Debian's .a files.
guest: $(VFCONFORM_GUEST)
$(VFCONFORM_GUEST): $(GUEST_OBJ)
	@echo "  LD      $@ (static)"
	@$(CC) -static -o $@ $^ $(HOST_LIBS)

$(BUILD)/tests/%: tests/%.c $(HOST_LIB_OBJ) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(VF_CFLAGS) -Itests -o $@ $< $(HOST_LIB_OBJ) $(HOST_LIBS) $(CHECK_LIBS)

unit-tests: $(TEST_BIN) $(VFCONFORM)
	@bash tests/run-unit.sh $(TEST_BIN)

# Each part of the project brings its own rules.
# The same runner and tests built with AddressSanitizer and UBSan.
ASAN_FLAGS	:= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -DVFSIM_POOL_MALLOC \
		   -fno-sanitize-recover=undefined
ASAN_OBJ	:= $(HARNESS_SRC:%.c=$(BUILD)/asan/%.o)
ASAN_LIB_OBJ	:= $(HARNESS_LIB:%.c=$(BUILD)/asan/%.o)
ASAN_TEST_BIN	:= $(TEST_SRC:tests/%.c=$(BUILD)/asan/tests/%)

$(BUILD)/asan/%.o: %.c $(HEADERS) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (asan)"
	@$(CC) $(ASAN_FLAGS) $(VF_CFLAGS) -c -o $@ $<

$(BUILD)/asan/vfconform: $(ASAN_OBJ)
	@echo "  LD      $@ (asan)"
	@$(CC) $(ASAN_FLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/asan/tests/%: tests/%.c $(ASAN_LIB_OBJ) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@ (asan)"
	@$(CC) $(ASAN_FLAGS) $(VF_CFLAGS) -Itests -o $@ $< $(ASAN_LIB_OBJ) $(HOST_LIBS) $(CHECK_LIBS)

asan: $(BUILD)/asan/vfconform $(ASAN_TEST_BIN)

# Leaks count as failures too: LeakSanitizer runs at every test's exit. The
# runner's tests crash children on purpose, so SIGSEGV keeps its default action.
unit-tests-asan: asan
	@ASAN_OPTIONS=detect_leaks=1:handle_segv=0 UBSAN_OPTIONS=print_stacktrace=1 \
		bash tests/run-unit.sh $(ASAN_TEST_BIN)

-include ref-kernel/kernel.mk
-include $(wildcard sim/*.mk reports/*.mk clients/*.mk fuzz/*.mk)

# Everything: unit tests, then the kernel tier against the committed fixtures.
check: $(VFCONFORM)
	@bash .ci/check

# The main job: run the library on both kernel backends, summarise the gaps.
report: $(VFCONFORM)
	@bash tests/report.sh

# Re-record the fixtures from a fresh kernel run (review the git diff afterwards); DRIVER=
# records another driver's.
fixtures: kernel-run
	@mkdir -p $(FIXTURES)
	@for b in type1 compat; do cp $(KRUN)/$$b.json $(FIXTURES)/$$b.json; done
	@echo "fixtures: $(FIXTURES)/type1.json $(FIXTURES)/compat.json recorded ($(DRIVER))"

clean:
	rm -rf $(BUILD)/host $(BUILD)/guest $(BUILD)/tests $(VFCONFORM)
