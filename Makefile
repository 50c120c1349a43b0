# The README's two commands: `make demo` (the main job) and `make test` (the whole suite).
# Both install missing Debian packages first, then configure and build with CMake + Ninja.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
# Warnings are errors in CI (CI=true), and for anyone who asks for it with WERROR=ON.
WERROR ?= $(if $(CI),ON,OFF)
CMAKE_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all deps build demo test unit conformance bench install clean

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

clean:
	rm -rf $(BUILD)
