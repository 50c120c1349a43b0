#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's "30-second tour", followed literally against the bundled emulator, as the README
# says: `make demo` (as scripts/demo, in a clean environment), then every other line of the tour's
# code block in a scripts/with-emulator shell with the built llmc first on PATH; the `keys set`
# prompt gets the emulator's Cerebras key on stdin. Every line must succeed, and the typo line
# must say what was meant and exit 4. A tour line that stops working fails the suite.
set -euo pipefail
src=$1
build=$2
readme="$src/README.md"

# the tour: the first ```sh block after the "## A 30-second tour" heading
tour=$(awk '/^## A 30-second tour/ {t=1; next} t && /^```sh/ {b=1; next} b && /^```/ {exit} b {print}' "$readme")
[ -n "$tour" ] || { echo "readme_tour: no tour in $readme" >&2; exit 1; }
lines=$(printf '%s\n' "$tour" | grep -c .)
[ "$lines" -ge 5 ] || { echo "readme_tour: the tour has only $lines lines" >&2; exit 1; }

# shellcheck source=../server/emulator-keys.env
source "$src/tests/server/emulator-keys.env"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
ran=0
while IFS= read -r line <&3; do
  [ -n "$line" ] || continue
  # drop the explanation after "  # " (the commands hold no such text of their own) and the
  # spaces that line it up
  cmd=${line%%  #*}
  cmd=${cmd%"${cmd##*[! ]}"}
  echo "tour: \$ $cmd"
  case $cmd in
    "make demo"*)
      rel=$(realpath --relative-to="$src" "$build")
      out=$(cd "$src" && env -i PATH="$PATH" HOME="$home" scripts/demo "$rel" </dev/null 2>&1) ||
        { echo "$out"; echo "readme_tour: make demo failed" >&2; exit 1; }
      grep -q "You said: Hello from llmc to Cerebras" <<<"$out" || { echo "$out"; exit 1; }
      # the demo talks to the emulator: nothing of it may land in the user's own files (a cached
      # emulator models list would become a real provider's suggestions)
      if [ -e "$home/.cache/llmc" ] || [ -e "$home/.config/llmc" ] || [ -e "$home/.local/share/llmc" ]; then
        find "$home" -path "$home/emulator-shell" -prune -o -print >&2
        echo "readme_tour: make demo wrote into HOME" >&2; exit 1
      fi
      ;;
    *)
      input=""
      case $cmd in *"keys set cerebras"*) input=$EMU_CEREBRAS_VALID ;; esac
      # one shell's worth of state across the lines: the key stored, the log that -c continues
      out=$(printf '%s' "$input" | env -i PATH="$build/tools/llmc:$PATH" HOME="$home" XDG_CACHE_HOME="$home/cache" \
        LLMC_EMULATOR_HOME="$home/emulator-shell" \
        "$src/scripts/with-emulator" "$build/tests/server/llmc-emulator" bash -c "$cmd" 2>&1) ||
        { echo "$out"; echo "readme_tour: \"$cmd\" failed" >&2; exit 1; }
      echo "$out" | sed 's/^/tour:   /'
      case $cmd in
        *"cerebra/"*) grep -q 'did you mean "cerebras"' <<<"$out" && grep -q "^exit 4$" <<<"$out" ||
          { echo "readme_tour: the typo line did not say what it promises" >&2; exit 1; } ;;
        *"llmc -m "*) grep -q "^You said: " <<<"$out" || { echo "readme_tour: no reply" >&2; exit 1; } ;;
        *"keys set"*) grep -q "checked: cerebras accepted it" <<<"$out" || exit 1 ;;
        *"llmc -c "*) grep -q "^You said: and in one sentence?" <<<"$out" || { echo "readme_tour: -c gave no reply" >&2; exit 1; } ;;
        *"logs -q"*) grep -q "C libraries" <<<"$out" || { echo "readme_tour: the log search found nothing" >&2; exit 1; } ;;
        *"usage"*) grep -q "^total " <<<"$out" || { echo "readme_tour: usage printed no totals" >&2; exit 1; } ;;
        *"doctor"*) grep -q "configured providers work" <<<"$out" || exit 1 ;;
        *"explain"*) grep -q "key.whitespace" <<<"$out" || exit 1 ;;
      esac
      ;;
  esac
  ran=$((ran + 1))
done 3<<<"$tour"
echo "readme_tour: all $ran lines of the tour work"
