# SPDX-License-Identifier: GPL-2.0-only
# libvfsim's own targets (included by the top-level Makefile):
#   make sim-unit      the sim's Check unit tests (tests/check_sim_*.c)
#   make bench         map/unmap ns/op and bytes per mapping up to 1M entries, the
#                      whole library on both personalities, and the ratio to the kernel tier
#   make coverage-sim  lcov line coverage of sim/ (library on both personalities + unit
#                      tests); prints it, fails under SIM_COV_MIN percent
#   make sim-asan      ASan + UBSan build: unit tests and the library on both personalities

SIM_TEST_BIN	:= $(filter $(BUILD)/tests/check_sim_%,$(TEST_BIN))
SIM_BENCH	:= $(BUILD)/sim-bench/vfsim_bench
SIM_LIBBENCH	:= $(BUILD)/sim-bench/vfsim_libbench
SIM_SAMECHECK	:= $(BUILD)/sim-bench/vfsim_samecheck
SIM_COV_DIR	:= $(BUILD)/cov-sim
SIM_ASAN_DIR	:= $(BUILD)/asan-sim
SIM_COV_MIN	?= 90

.PHONY: sim-unit bench coverage-sim sim-asan

sim-unit: $(SIM_TEST_BIN)
	@bash sim/run-tests.sh $(SIM_TEST_BIN)

$(SIM_BENCH): sim/bench/vfsim_bench.c $(SIM_SRC) $(HEADERS) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) -O2 -g $(VF_CFLAGS) -o $@ sim/bench/vfsim_bench.c $(SIM_SRC)

$(SIM_LIBBENCH): sim/bench/vfsim_libbench.c $(HOST_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(VF_CFLAGS) -o $@ $< $(HOST_LIB_OBJ) $(HOST_LIBS)

$(SIM_SAMECHECK): sim/bench/vfsim_samecheck.c $(HOST_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) $(VF_CFLAGS) -o $@ $< $(HOST_LIB_OBJ) $(HOST_LIBS)

bench: $(SIM_BENCH) $(SIM_LIBBENCH) $(VFCONFORM)
	@SIM_BENCH=$(SIM_BENCH) SIM_LIBBENCH=$(SIM_LIBBENCH) VFCONFORM=$(VFCONFORM) bash sim/bench.sh

# Instrumented variants of the runner and the sim tests, built beside the normal ones.
# A case runs in a forked child that leaves with _exit(), which skips gcov's dump:
# the coverage build lets it leave through exit() instead.
$(SIM_COV_DIR)/%.o: %.c $(HEADERS) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) -O0 -g --coverage -D_exit=exit $(VF_CFLAGS) -c -o $@ $<

$(SIM_COV_DIR)/vfconform: $(HARNESS_SRC:%.c=$(SIM_COV_DIR)/%.o)
	@echo "  LD      $@"
	@$(CC) --coverage -o $@ $^ $(HOST_LIBS)

$(SIM_COV_DIR)/tests/%: tests/%.c $(HARNESS_LIB:%.c=$(SIM_COV_DIR)/%.o) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) -O0 -g --coverage $(VF_CFLAGS) -Itests -o $@ $< \
		$(HARNESS_LIB:%.c=$(SIM_COV_DIR)/%.o) $(HOST_LIBS) $(CHECK_LIBS)

coverage-sim: $(SIM_COV_DIR)/vfconform $(SIM_TEST_BIN:$(BUILD)/tests/%=$(SIM_COV_DIR)/tests/%)
	@SIM_COV_DIR=$(SIM_COV_DIR) SIM_COV_MIN=$(SIM_COV_MIN) bash sim/coverage.sh \
		$(SIM_TEST_BIN:$(BUILD)/tests/%=$(SIM_COV_DIR)/tests/%)

SAN_FLAGS	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -DVFSIM_POOL_MALLOC \
		   -fno-sanitize-recover=undefined

$(SIM_ASAN_DIR)/%.o: %.c $(HEADERS) $(UAPI_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(SAN_FLAGS) $(VF_CFLAGS) -c -o $@ $<

$(SIM_ASAN_DIR)/vfconform: $(HARNESS_SRC:%.c=$(SIM_ASAN_DIR)/%.o)
	@echo "  LD      $@"
	@$(CC) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

$(SIM_ASAN_DIR)/tests/%: tests/%.c $(HARNESS_LIB:%.c=$(SIM_ASAN_DIR)/%.o) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(SAN_FLAGS) $(VF_CFLAGS) -Itests -o $@ $< \
		$(HARNESS_LIB:%.c=$(SIM_ASAN_DIR)/%.o) $(HOST_LIBS) $(CHECK_LIBS)

sim-asan: $(SIM_ASAN_DIR)/vfconform $(SIM_TEST_BIN:$(BUILD)/tests/%=$(SIM_ASAN_DIR)/tests/%)
	@SIM_ASAN_DIR=$(SIM_ASAN_DIR) bash sim/asan.sh \
		$(SIM_TEST_BIN:$(BUILD)/tests/%=$(SIM_ASAN_DIR)/tests/%)
