#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages render with no groff warnings, llmc(1) names every flag of every command's
# --help and llmc.conf(5) every setting the config parser accepts, and the shell completions parse.
# usage: docs.sh SOURCE_DIR [LLMC_BINARY]
set -euo pipefail
src=$1 llmc=${2:-}
for page in "$src/docs/llmc.1" "$src/docs/llmc.3" "$src/docs/llmc.conf.5"; do
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [ -z "$warnings" ] || { echo "$page: $warnings" >&2; exit 1; }
  [ "$(man -l "$page" 2>/dev/null | wc -l)" -gt 40 ] || { echo "$page renders too short" >&2; exit 1; }
done
bash -n "$src/completions/llmc.bash"
if command -v zsh >/dev/null 2>&1; then zsh -n "$src/completions/_llmc"; fi
if command -v fish >/dev/null 2>&1; then fish -n "$src/completions/llmc.fish"; fi

# the text of a page, hyphens as typed (groff renders \- as U+2010 in UTF-8)
page_text() { MANWIDTH=200 man -l "$1" 2>/dev/null | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g'; }
if [ -n "$llmc" ]; then
  man1=$(page_text "$src/docs/llmc.1")
  for cmd in "" chat batch tokens logs usage keys config doctor explain models; do
    # shellcheck disable=SC2086
    for flag in $("$llmc" $cmd --help | grep -oE -- '(^ +(-[a-zA-Z], )?|\[|\|)--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u); do
      grep -qF -- "$flag" <<<"$man1" || { echo "llmc.1 does not document $flag (llmc $cmd --help has it)" >&2; exit 1; }
    done
    [ -z "$cmd" ] || grep -qE "(^| )$cmd( |$)" <<<"$man1" || { echo "llmc.1 does not document llmc $cmd" >&2; exit 1; }
  done
fi
man5=$(page_text "$src/docs/llmc.conf.5")
# every setting name the parser compares against, and every section kind
for key in $(grep -oE 'strcmp\(key, "[a-z_]+"\)' "$src/src/config.c" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u) \
           $(grep -oE 'text_keys\[\] = \{[^}]*' "$src/src/config.c" | grep -oE '"[a-z_]+"' | tr -d '"'); do
  grep -qE "(^|[^a-z_])$key([^a-z_]|$)" <<<"$man5" || { echo "llmc.conf.5 does not document the setting $key" >&2; exit 1; }
done
for kind in $(grep -oE 'strcmp\(kind, "[a-z]+"\)' "$src/src/config.c" | grep -oE '"[a-z]+"' | tr -d '"' | sort -u); do
  grep -qF "[$kind " <<<"$man5" || { echo "llmc.conf.5 does not document [$kind ...] sections" >&2; exit 1; }
done
echo "docs: man pages render cleanly and cover every flag and setting; completions parse"
