#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shared library exports exactly what the header declares (as jansson's check-exports does):
# every LLMC_API function of include/llmc/llmc.h is in libllmc.so, and nothing else is.
set -euo pipefail
build=$1
src=$2
lib=$(ls "$build"/src/libllmc.so.* 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "exports: no libllmc.so in $build/src" >&2; exit 1; }
# declarations: comments and preprocessor lines out, then the name before each LLMC_API's "("
declared=$(sed -e 's|/\*.*\*/||g' "$src/include/llmc/llmc.h" | sed -e '/\/\*/,/\*\//d' -e '/^#/d' | tr '\n' ' ' |
  grep -oE 'LLMC_API[^;]*\(' | sed -E 's/[[:space:]]*\($//; s/.*[[:space:]*]//' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sed 's/@.*//' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported") | tr '\n' ' ')
extra=$(comm -13 <(echo "$declared") <(echo "$exported") | tr '\n' ' ')
status=0
if [ -n "${missing// /}" ]; then echo "exports: declared in llmc.h but not exported: $missing" >&2; status=1; fi
if [ -n "${extra// /}" ]; then echo "exports: exported but not declared in llmc.h: $extra" >&2; status=1; fi
[ $status = 0 ] && echo "exports: $(echo "$declared" | wc -l) functions; the header and the library agree"
exit $status
