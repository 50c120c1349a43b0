#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install llmc into a temporary prefix and use it the way another project would: check the
# installed files and the SONAME, that only llmc_* is exported, that the header compiles as
# C11 and C++, and that an outside program builds and runs with pkg-config and with CMake.
# usage: tests/install/check.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
fail() { echo "install check: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libllmc.so.*.*.*' | head -n 1)")
[ -n "$libdir" ] || fail "no shared library installed"
for f in "$libdir/libllmc.a" "$libdir/libllmc.so" "$prefix/include/llmc/llmc.h" "$libdir/pkgconfig/llmc.pc" \
         "$libdir/cmake/llmc/llmcConfig.cmake" "$prefix/bin/llmc" "$prefix/share/man/man1/llmc.1" \
         "$prefix/share/man/man3/llmc.3" "$prefix/share/bash-completion/completions/llmc" \
         "$prefix/share/zsh/site-functions/_llmc" "$prefix/share/fish/vendor_completions.d/llmc.fish" \
         "$prefix/share/man/man5/llmc.conf.5"; do
  [ -e "$f" ] || fail "missing $f"
done
soname=$(readelf -d "$libdir/libllmc.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libllmc.so.0" ] || fail "SONAME is '$soname', expected libllmc.so.0"

exported=$(nm -D --defined-only "$libdir/libllmc.so" | awk '{print $3}' | grep -v '^LLMC_0$' | sort)
strays=$(echo "$exported" | grep -v '^llmc_' || true)
[ -z "$strays" ] || fail "symbols other than llmc_* are exported: $strays"
echo "install check: $(echo "$exported" | wc -l) symbols exported, all llmc_*"

# the installed llmc runs as it is, without LD_LIBRARY_PATH or ldconfig (its RPATH is $ORIGIN/../lib)
env -u LD_LIBRARY_PATH "$prefix/bin/llmc" --version | grep -q '^llmc ' || fail "the installed llmc does not run"
loaded=$(ldd "$prefix/bin/llmc" | awk '/libllmc\.so/ {print $3}')
[ "$(realpath "$loaded")" = "$(realpath "$libdir/libllmc.so.0")" ] || fail "the installed llmc loads $loaded, not the installed libllmc"

cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$prefix/include" -x c "$prefix/include/llmc/llmc.h"
c++ -std=c++11 -Wall -Wextra -Werror -I"$prefix/include" "$src/tests/install/consumer/cxx.cpp" \
    -L"$libdir" -lllmc -Wl,-rpath,"$libdir" -o "$work/cxx"
"$work/cxx" || fail "the C++ program failed"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 "$src/tests/install/consumer/consumer.c" $(pkg-config --cflags --libs llmc) \
   -Wl,-rpath,"$libdir" -o "$work/pc_shared"
"$work/pc_shared" || fail "the pkg-config (shared) program failed"
# static llmc with its dependencies shared (their static archives need the whole curl stack)
# shellcheck disable=SC2046
cc -std=c11 "$src/tests/install/consumer/consumer.c" $(pkg-config --cflags llmc) \
   "$libdir/libllmc.a" $(pkg-config --libs libcurl jansson) -lm -o "$work/pc_static"
"$work/pc_static" || fail "the pkg-config (static) program failed"

cmake -S "$src/tests/install/consumer" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer_shared" || fail "the CMake (shared) program failed"
"$work/cmake/consumer_static" || fail "the CMake (static) program failed"
echo "install check: pkg-config and CMake consumers (shared and static) and C++ all work"
