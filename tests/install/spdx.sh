#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every source file of the tree names its licence in its first lines (an SPDX identifier), and the
# LICENSE file says what that licence is. Fuzz corpora and recorded replies are data, not source.
set -euo pipefail
cd "$1"
[ -f LICENSE ] && grep -q "MIT License" LICENSE || { echo "LICENSE is missing or not the MIT licence" >&2; exit 1; }
missing=0
while IFS= read -r f; do
  case "$f" in
    */corpus/*|*/data/*|*.md|*.json|*.jsonl|*.png|*.env|*.supp|*.map|*.in|*.dict|LICENSE|.clang-format|.editorconfig) continue ;;
  esac
  if ! head -n 3 "$f" | grep -q "SPDX-License-Identifier: MIT"; then
    echo "no SPDX line in the first lines of $f" >&2
    missing=1
  fi
done < <(git ls-files 2>/dev/null || find . -type f -not -path './.git/*' | sed 's|^\./||')
[ "$missing" = 0 ] && echo "spdx: every source file carries its licence identifier"
