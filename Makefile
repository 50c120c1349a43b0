# SPDX-License-Identifier: MIT
# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Both install missing Debian packages first, then configure and build with CMake + Ninja.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
# Warnings are errors in CI (CI=true), and for anyone who asks for it with WERROR=ON.
WERROR ?= $(if $(CI),ON,OFF)
CMAKE_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all deps build demo test unit conformance bench install sanitize valgrind tsan format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLLMC_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)

demo: build
	@scripts/demo $(BUILD)

unit: build
	@ctest --test-dir $(BUILD) --output-on-failure

# The official SDKs run on Node: install it from Debian when the machine has no npm.
conformance: build
	@command -v npm >/dev/null 2>&1 || LLMC_DEPS_EXTRA="nodejs npm" scripts/install-deps
	@LLMC_CLI=$(abspath $(BUILD))/tools/llmc/llmc tests/conformance/run.sh $(abspath $(BUILD))/tests/server/llmc-emulator

test: unit conformance

# llmc against the official Node SDKs, bare libcurl, curl and wrk on loopback: writes
# bench/RESULTS.md and bench/*.png (installs wrk, hyperfine, gnuplot and nginx when missing).
bench: build
	@bench/run.sh $(BUILD)

# Installs the libraries (shared with SONAME libllmc.so.0, and static), the header, llmc.pc, the
# CMake package, the CLI, man pages and completions under PREFIX (DESTDIR is honoured).
install: build
	@cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD)
	@cmake --install $(BUILD)

# The whole ctest suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer in its own
# directory. The install check is left out: it builds outside programs without the sanitizers,
# which cannot load an instrumented library (it runs in `make test`).
ASAN_BUILD ?= build-asan
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions=$(abspath tests/valgrind/lsan.supp)
sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLLMC_WERROR=$(WERROR) -DLLMC_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD)
	@$(SANITIZER_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure -LE install

# Unit and integration tests under valgrind memcheck (label `valgrind`, zero definite or indirect
# leaks; see tests/valgrind/CMakeLists.txt), in their own directory so `make test` stays fast.
VALGRIND_BUILD ?= build-valgrind
valgrind: deps
	@command -v valgrind >/dev/null 2>&1 || LLMC_DEPS_EXTRA="valgrind" scripts/install-deps
	@cmake -S . -B $(VALGRIND_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLLMC_WERROR=$(WERROR) -DLLMC_VALGRIND=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(VALGRIND_BUILD)
	@ctest --test-dir $(VALGRIND_BUILD) --output-on-failure -L valgrind

# The multi-threaded test (label tsan: separate clients on several threads against the emulator,
# the shared key store, a cross-thread cancel) built with ThreadSanitizer in its own directory,
# only what that test needs; any report fails it (halt_on_error; exit code 66 otherwise).
TSAN_BUILD ?= build-tsan
TSAN_ENV = TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:history_size=4
tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLLMC_WERROR=$(WERROR) -DLLMC_TSAN=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(TSAN_BUILD) --target it_test_threads
	@$(TSAN_ENV) ctest --test-dir $(TSAN_BUILD) --output-on-failure -L tsan

# Lay out every C file of the tree with .clang-format (fuzz corpora are data, not code).
format:
	@git ls-files '*.c' '*.h' | grep -v '/corpus/' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(VALGRIND_BUILD) $(TSAN_BUILD)
