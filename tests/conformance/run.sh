#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the conformance suite: starts llmc-emulator on a free port, drives it with the official
# SDKs (node --test), and always stops the emulator it started (by its pid) on the way out.
# Usage: tests/conformance/run.sh [EMULATOR]   (or EMULATOR=path; default build/tests/server/llmc-emulator)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EMULATOR=${1:-${EMULATOR:-$ROOT/build/tests/server/llmc-emulator}}

if [ ! -x "$EMULATOR" ]; then
  echo "conformance: emulator not found at $EMULATOR (build it first: cmake --build build)" >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1; then
  echo "conformance: node is required" >&2
  exit 2
fi

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$EMULATOR" --port-file "$tmp/port" >"$tmp/emulator.log" 2>&1 &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "conformance: the emulator did not start:" >&2
    cat "$tmp/emulator.log" >&2
    exit 1
  fi
  sleep 0.05
done
port=$(cat "$tmp/port")

cd "$HERE"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The SDKs would otherwise pick up real keys or endpoints from the caller's environment.
unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CEREBRAS_API_KEY FIREWORKS_API_KEY OPENAI_API_KEY \
  ANTHROPIC_CUSTOM_HEADERS CEREBRAS_CUSTOM_HEADERS OPENAI_ORG_ID OPENAI_PROJECT_ID || true
LLMC_CLI="${LLMC_CLI:-$ROOT/build/tools/llmc/llmc}" \
EMU_BASE="http://127.0.0.1:$port" \
ANTHROPIC_BASE_URL="http://127.0.0.1:$port/anthropic" \
CEREBRAS_BASE_URL="http://127.0.0.1:$port/cerebras" \
FIREWORKS_OPENAI_BASE_URL="http://127.0.0.1:$port/fireworks/inference/v1" \
OPENAI_BASE_URL="http://127.0.0.1:$port/openai/v1" \
  node --test --test-concurrency=1 test/
