# SPDX-License-Identifier: GPL-2.0
#
# kvm_ext: `make` builds kvm_ext.ko; `make check` runs everything CI runs;
# `make run` boots Debian's stock kernel under QEMU with the module and the
# demo; `make bench` measures. Kbuild (the Kbuild file) builds the module.

B := $(CURDIR)/build
# make ARCH=arm64 module: kvm_ext.ko cross-built for Debian's arm64 6.1
# kernel (scripts/arm64-kernel.sh --kdir) in $(B)/arm64/module, a copy of
# the module's sources: Kbuild builds an external module in its source
# directory, where the host's build already lives.
ifeq ($(ARCH),arm64)
KDIR ?= $(shell scripts/arm64-kernel.sh --kdir)
CROSS_COMPILE ?= aarch64-linux-gnu-
MOD_DIR := $(B)/arm64/module
MOD_LOG := $(B)/arm64/module.log
else
KDIR ?= $(shell scripts/kdir.sh)
MOD_DIR := $(CURDIR)
MOD_LOG := $(B)/module.log
endif
MODULE_SRCS := Kbuild core.cpp $(wildcard kvm_ext/*.c kvm_ext/*.h kunit/*.c kunit/*.cpp \
	kunit/*.h virt/kvm/*.cpp virt/kvm/*.h arch/*/*.cpp arch/*/*/*.cpp arch/*/*.h \
	arch/*/*/*.h include/kx/*.h include/kvm_ext/*.h include/uapi/linux/*.h)
HOST_CXX ?= g++
HOST_CXXFLAGS := -std=gnu++20 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
CORE_FLAGS := -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-use-cxa-atexit -nostdinc++
INCLUDES := -I$(CURDIR)/include -I$(CURDIR)

CORE_SRCS := core.cpp $(wildcard virt/kvm/*.cpp virt/kvm/*.h arch/*/*.cpp \
	arch/*/*/*.cpp arch/*/*.h arch/*/*/*.h include/kx/*.h include/kvm_ext/*.h)
HOST_TESTS := $(wildcard tools/testing/host/*_test.cpp)

.PHONY: all module module-sources check run bench bench-arm64 bench-arm64-programs host-test \
	abi-test static-check sparse qemu-test arm64-test qemu-client kunit debug-test detector-proof fuzz \
	fuzz-short stress deps clean format \
	reference reference-ppc selftests

all: module

deps:
	@scripts/deps.sh

KBUILD := $(MAKE) -C $(KDIR) M=$(MOD_DIR) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

module-sources:
	@mkdir -p $(B)
ifneq ($(MOD_DIR),$(CURDIR))
	@mkdir -p $(MOD_DIR)
	@tar -c $(MODULE_SRCS) | tar -x -C $(MOD_DIR)
endif

module: module-sources
	@bash -o pipefail -c '$(KBUILD) modules 2>&1 | tee $(MOD_LOG)'
	@CROSS_COMPILE=$(CROSS_COMPILE) scripts/check-module.sh $(MOD_DIR)/kvm_ext.ko $(MOD_DIR)/core.o \
		$(MOD_LOG)

# Fails when the build fails (pipefail: make's status, not tee's; make's
# own shell, dash, has no pipefail) and on any warning or error sparse or
# the compiler reports, in any file: .c, the shims' .h, kernel headers.
sparse: module-sources
	@bash -o pipefail -c '$(KBUILD) C=2 modules 2>&1 | tee $(MOD_LOG:module.log=sparse.log)'
	@! grep -E "^[^ :]+:[0-9]+:[0-9]+: (warning|error)" $(MOD_LOG:module.log=sparse.log)

# --- host build of the same core sources -----------------------------------

$(B)/host/core.o: $(CORE_SRCS)
	@mkdir -p $(dir $@)
	$(HOST_CXX) $(HOST_CXXFLAGS) $(CORE_FLAGS) $(INCLUDES) -c -o $@ core.cpp

$(B)/host/%.o: tools/testing/host/%.cpp $(wildcard tools/testing/host/*.h) $(CORE_SRCS)
	@mkdir -p $(dir $@)
	$(HOST_CXX) $(HOST_CXXFLAGS) $(INCLUDES) -Itools/testing/host -c -o $@ $<

$(B)/host/core_test: $(B)/host/core.o $(B)/host/platform_host.o \
		$(patsubst tools/testing/host/%.cpp,$(B)/host/%.o,$(HOST_TESTS))
	$(HOST_CXX) $(HOST_CXXFLAGS) -o $@ $^ -lgtest -lgtest_main -lpthread

host-test: $(B)/host/core_test
	@scripts/run-suite.sh host $(B) $(B)/host/core_test

# --- userspace ABI suite, demo and benchmark (static, for the initramfs) ----

abi-test:
	@$(MAKE) -s -C tools/testing/abi O=$(B)/guest

$(B)/guest/kvm_ext_demo: tools/kvm_ext/demo.c tools/kvm_ext/kvm_stats.c tools/kvm_ext/kvm_stats.h \
		tools/kvm_ext/vmm_loop.c tools/kvm_ext/vmm_loop.h tools/kvm_ext/xics_demo.c \
		tools/kvm_ext/xics_demo.h tools/kvm_ext/xive_demo.c tools/kvm_ext/xive_demo.h \
		tools/kvm_ext/mpic_demo.c tools/kvm_ext/mpic_demo.h tools/kvm_ext/s390_demo.c \
		tools/kvm_ext/s390_demo.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -pthread -I$(CURDIR)/include/uapi -o $@ \
		tools/kvm_ext/demo.c tools/kvm_ext/kvm_stats.c tools/kvm_ext/vmm_loop.c \
		tools/kvm_ext/xics_demo.c tools/kvm_ext/xive_demo.c tools/kvm_ext/mpic_demo.c \
		tools/kvm_ext/s390_demo.c

$(B)/guest/kvm_ext_stress: tools/testing/stress/stress.c include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -pthread -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_failslab: tools/testing/failslab/failslab_sweep.c include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_ioctl_floor: tools/testing/bench/ioctl_floor.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

qemu-test: module abi-test
	@scripts/run-suite.sh qemu $(B) scripts/qemu-run.sh --timeout 900 \
		--out $(B)/qemu-abi.tap --log $(B)/qemu-abi.log \
		--script tools/testing/abi/guest-abi.sh kvm_ext.ko $(B)/guest/kvm_ext_abi_test

# Debian's arm64 QEMU as a client of kvm_ext in the nested arm64 guest, its
# migration stream compared with real KVM's (Documentation/testing.rst).
qemu-client:
	@$(MAKE) --no-print-directory ARCH=arm64 module
	@scripts/run-suite.sh qemu-client $(B) scripts/qemu-client.sh $(B)

# --- arm64 beside real KVM: Debian's arm64 kernel under QEMU nested virt ---
# kvm_ext.ko and the conformance suite cross-built; the suite against
# /dev/kvm and /dev/kvm_ext/arm64 in one boot, judged test by test against
# Documentation/differences.rst (scripts/differential.py).

arm64-test:
	@$(MAKE) --no-print-directory module ARCH=arm64
	@$(MAKE) -s -C tools/testing/abi CROSS=aarch64-linux-gnu- O=$(B)/arm64/guest
	@scripts/run-suite.sh arm64 $(B) scripts/arm64-differential.sh $(B)

# --- the kernel's own KVM selftests (Debian's 6.1), arm64 guest ---
# Each test against the guest kernel's real /dev/kvm, then against
# kvm_ext's arm64 node bound over /dev/kvm (scripts/kvm-selftests.sh,
# tools/testing/selftests/guest-selftests.sh).

selftests:
	@$(MAKE) --no-print-directory ARCH=arm64 module
	@scripts/run-suite.sh selftests $(B) scripts/kvm-selftests.sh --run --timeout 1200

# --- reference runs: the conformance suite against real KVM (not in check) ---
# Debian's ppc64el kernel under QEMU TCG, kvm.ko + kvm-hv.ko, on powernv9
# (host model power9) and nested pseries (power8); TAP in $(B)/reference.
# REF_HOST=power9|power8|both (default both).

reference-ppc:
	@scripts/reference-ppc.sh --host $${REF_HOST:-both} --out $(B)/reference

reference: reference-ppc

# --- libFuzzer over the host build of the core (clang-14) ---

fuzz-short:
	@scripts/run-suite.sh fuzz $(B) $(MAKE) -s --no-print-directory \
		-C tools/testing/fuzz O=$(B)/fuzz CORE_FLAGS="$(CORE_FLAGS)" check

# FUZZ_SECONDS=N (default 3600) for each target; the corpora accumulate in
# $(B)/fuzz/corpus/{spine,vgic_its,xics,xics_xive,xive_native,mpic,s390}.
fuzz:
	@$(MAKE) -s --no-print-directory -C tools/testing/fuzz O=$(B)/fuzz \
		CORE_FLAGS="$(CORE_FLAGS)" fuzz

# --- the debug kernel: KUnit, conformance+stress+failslab, detector proof ---

kunit:
	@scripts/run-suite.sh kunit $(B) scripts/kunit-run.sh $(B)

debug-test: abi-test $(B)/guest/kvm_ext_stress $(B)/guest/kvm_ext_failslab
	@scripts/run-suite.sh debug $(B) scripts/debug-run.sh $(B) --out $(B)/debug.tap

detector-proof:
	@scripts/run-suite.sh detector-proof $(B) scripts/detector-proof.sh $(B)

# A stress run alone, on the stock kernel (STRESS_SECONDS=N to lengthen).
stress: module $(B)/guest/kvm_ext_stress
	scripts/qemu-run.sh --timeout 900 --env STRESS_SECONDS=$${STRESS_SECONDS:-30} \
		--script tools/testing/stress/guest-stress.sh kvm_ext.ko $(B)/guest/kvm_ext_stress

run: deps module $(B)/guest/kvm_ext_demo
	scripts/qemu-run.sh --timeout 600 --script tools/kvm_ext/guest-demo.sh \
		kvm_ext.ko $(B)/guest/kvm_ext_demo

$(B)/guest/kvm_ext_bench_dirty_log: tools/testing/bench/dirty_log.c tools/testing/bench/bench.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

$(B)/guest/kvm_ext_bench_arm64_snapshot: tools/testing/bench/arm64_snapshot.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_copy_floor: tools/testing/bench/copy_floor.c tools/testing/bench/bench.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

$(B)/guest/kvm_ext_bench_vgic_its: tools/testing/bench/vgic_its.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_vgic_regs: tools/testing/bench/vgic_regs.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_xics: tools/testing/bench/xics.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_xive: tools/testing/bench/xive.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_mpic: tools/testing/bench/mpic.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

$(B)/guest/kvm_ext_bench_s390_flic: tools/testing/bench/s390_flic.c tools/testing/bench/bench.h include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

# The ITS benchmark on the host build of the core (-O2 and, as in the
# kernel, -fno-strict-aliasing; no sanitizers): the per-entry costs
# without TCG, for perf and callgrind.
BENCH_CXXFLAGS := -std=gnu++20 -O2 -g -fno-strict-aliasing -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers -fno-omit-frame-pointer

$(B)/bench-host/core.o: $(CORE_SRCS)
	@mkdir -p $(dir $@)
	$(HOST_CXX) $(BENCH_CXXFLAGS) $(CORE_FLAGS) $(INCLUDES) -c -o $@ core.cpp

$(B)/bench-host/kvm_ext_bench_vgic_its_host: $(B)/bench-host/core.o \
		tools/testing/bench/vgic_its_host.cpp tools/testing/host/platform_host.cpp
	$(HOST_CXX) $(BENCH_CXXFLAGS) $(INCLUDES) -Itools/testing/host -o $@ $^ -lpthread

# Each tools/testing/bench/NAME.c is kvm_ext_bench_NAME.
BENCH_GUEST := $(patsubst %,$(B)/guest/kvm_ext_bench_%,ioctl_floor dirty_log arm64_snapshot \
	vgic_regs vgic_its copy_floor xics xive mpic s390_flic)

bench: deps module $(BENCH_GUEST) $(B)/bench-host/kvm_ext_bench_vgic_its_host
	$(B)/bench-host/kvm_ext_bench_vgic_its_host
	scripts/qemu-run.sh --timeout 900 --mem 2048 --script tools/testing/bench/guest-bench.sh \
		kvm_ext.ko $(BENCH_GUEST)
	@$(MAKE) --no-print-directory bench-arm64

# --- the peer table: the same workloads against real KVM and kvm_ext -------
# The --peer benchmarks cross-built for arm64 and run in one boot of the
# arm64 guest against /dev/kvm and /dev/kvm_ext/arm64 (nested, TCG);
# PEER_REPS=N repetitions (default 3), PEER_ITS="DEVS EVENTS" (default
# "512 32"). The table is printed from $(B)/arm64/bench-peer.out
# (Documentation/performance.rst, "Beside real KVM").
ARM64_BENCH := $(patsubst %,$(B)/arm64/bench/kvm_ext_bench_%,ioctl_floor vgic_regs \
	arm64_snapshot dirty_log vgic_its)

$(B)/arm64/bench/kvm_ext_bench_%: tools/testing/bench/%.c tools/testing/bench/bench.h \
		include/uapi/linux/kvm_ext.h
	@mkdir -p $(dir $@)
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -I$(CURDIR)/include/uapi -o $@ $<

bench-arm64-programs: $(ARM64_BENCH)

bench-arm64: deps bench-arm64-programs
	@$(MAKE) --no-print-directory ARCH=arm64 module
	scripts/qemu-run.sh --arch arm64 --accel tcg --timeout 1800 --mem 2048 \
		--env PEER_REPS=$${PEER_REPS:-3} --env "PEER_ITS=$${PEER_ITS:-512 32}" \
		--out $(B)/arm64/bench-peer.out --log $(B)/arm64/bench-peer.log \
		--script tools/testing/bench/guest-bench-arm64.sh \
		$(B)/arm64/module/kvm_ext.ko $(ARM64_BENCH)
	scripts/bench-peer-table.py $(B)/arm64/bench-peer.out

static-check: module
	@CORE_FLAGS="$(CORE_FLAGS)" scripts/run-suite.sh static $(B) scripts/static-checks.sh $(B)

CHECK_SUITES := static-check host-test qemu-test arm64-test qemu-client kunit debug-test \
	detector-proof fuzz-short selftests

check:
	@rm -rf $(B)/results
	@scripts/deps.sh
	@for s in $(CHECK_SUITES); do $(MAKE) --no-print-directory $$s || true; done
	@scripts/summarize.sh $(B)/results

format:
	clang-format -i $(filter-out include/kvm_ext/%,$(filter %.cpp %.h,$(CORE_SRCS))) \
		tools/testing/host/*.cpp tools/testing/host/*.h \
		tools/testing/fuzz/*.cpp tools/testing/fuzz/spine/*.cpp tools/testing/fuzz/spine/*.h \
		kunit/*.cpp

clean:
	@$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1 || true
	rm -rf $(B)
