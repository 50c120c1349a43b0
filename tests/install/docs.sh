#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages render with no groff warnings, and the shell completions parse.
set -euo pipefail
src=$1
for page in "$src/docs/llmc.1" "$src/docs/llmc.3"; do
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [ -z "$warnings" ] || { echo "$page: $warnings" >&2; exit 1; }
  [ "$(man -l "$page" 2>/dev/null | wc -l)" -gt 40 ] || { echo "$page renders too short" >&2; exit 1; }
done
bash -n "$src/completions/llmc.bash"
if command -v zsh >/dev/null 2>&1; then zsh -n "$src/completions/_llmc"; fi
echo "docs: man pages render cleanly; completions parse"
