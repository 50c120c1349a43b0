#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shell completions complete what a user has: subcommands, every flag of each command's
# --help, models from the config (aliases, endpoints) and from the models cache, templates, key
# labels and cause ids — checked for bash (calling the completion function as bash does) and zsh
# (its helpers, with zsh's completion builtins replaced by ones that print what they are given).
# usage: completions.sh SOURCE_DIR LLMC_BINARY KEYS_ENV
set -euo pipefail
src=$1 keys_env=$3
llmc=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/home/.config/llmc" "$work/cache/llmc/models"
ln -s "$llmc" "$work/bin/llmc"
export PATH="$work/bin:$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/cache"
export XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
unset ANTHROPIC_API_KEY CEREBRAS_API_KEY FIREWORKS_API_KEY OPENAI_API_KEY LLMC_MODEL
cat > "$XDG_CONFIG_HOME/llmc/config" <<'CONF'
[alias fast]
model = cerebras/qwen-3.8-27b
[endpoint groq]
base_url = https://api.groq.com/openai/v1
key_env = GROQ_API_KEY
[template review]
system = You review code.
CONF
printf 'gpt-oss-120b\nllama3.1-8b\n' > "$XDG_CACHE_HOME/llmc/models/cerebras.txt"
# shellcheck disable=SC1090
source "$keys_env"
printf '%s\n' "$EMU_ANTHROPIC_VALID" | llmc keys set anthropic --label work >/dev/null

fail() { echo "completions: $*" >&2; exit 1; }
has() { grep -qxF -- "$2" <<<"$1" || fail "$3: expected \"$2\" among: $(tr '\n' ' ' <<<"$1")"; }

# ---- bash ----
complete() { :; } # the script registers itself; not needed here
# shellcheck disable=SC1091
source "$src/completions/llmc.bash"
bash_complete() { # words of the command line, the last one being completed
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _llmc llmc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "${COMPREPLY[@]}"
}
out=$(bash_complete llmc -m "")
for w in fast groq/ anthropic/ cerebras/ cerebras/gpt-oss-120b cerebras/llama3.1-8b; do has "$out" "$w" "bash -m"; done
out=$(bash_complete llmc chat -t ""); has "$out" review "bash -t"
out=$(bash_complete llmc --key-name ""); has "$out" work "bash --key-name"
out=$(bash_complete llmc explain key.m); has "$out" key.missing "bash explain"
out=$(bash_complete llmc ""); for w in chat logs usage batch keys config; do has "$out" "$w" "bash subcommands"; done
out=$(bash_complete llmc keys ""); has "$out" set "bash keys"
out=$(bash_complete llmc keys set --); has "$out" --force "bash keys set"
out=$(bash_complete llmc config set ""); has "$out" model "bash config set"
out=$(bash_complete llmc usage --by ""); has "$out" day "bash usage --by"
# every flag that a command's --help names is completed after that command
# the flags a --help defines: its option lines and the [--flag] of its synopsis (the top level's
# help also summarizes the subcommands, whose lines name their own flags)
flags_of() {
    "$llmc" "$@" --help | { if [ $# -eq 0 ]; then grep -vE '^ *(usage: )?llmc [a-z]+ '; else cat; fi; } |
        grep -oE -- '(^ +(-[a-zA-Z], )?|\[|\|)--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u
}
for cmd in "" chat batch logs usage; do
    # shellcheck disable=SC2086
    out=$(bash_complete llmc $cmd --)
    # shellcheck disable=SC2086
    for f in $(flags_of $cmd); do
        case "$cmd:$f" in :--key|:--api-key) continue ;; esac # refused options, named in the help only to say so
        has "$out" "$f" "bash flags of 'llmc $cmd'"
    done
done

# ---- zsh ----
if command -v zsh >/dev/null 2>&1; then
    zout=$(zsh -f -c '
        compadd() { # -a NAME...: the words are in the arrays named; -S takes a value
            local arrays=0 skip=0 a
            for a in "$@"; do
                if (( skip )); then skip=0; continue; fi
                case $a in -a) arrays=1; continue ;; -S|-P|-J|-X) skip=1; continue ;; -*) continue ;; esac
                if (( arrays )); then print -rl -- "${(@P)a}"; else print -r -- "$a"; fi
            done
        }
        _describe() { local -a list; list=("${(@P)2}"); print -rl -- "${list[@]%%:*}"; }
        _values() { shift; print -rl -- "$@"; }
        _arguments() { print -rl -- "$@"; }
        _files() { :; }
        source "$1" 2>/dev/null
        print -- "== models"; _llmc_models
        print -- "== templates"; _llmc_templates
        print -- "== labels"; _llmc_labels
        print -- "== causes"; _llmc_causes
        print -- "== subcommands"; words=(llmc ""); CURRENT=2; _llmc
        print -- "== chat"; words=(llmc chat --); CURRENT=3; _llmc
        print -- "== batch"; words=(llmc batch --); CURRENT=3; _llmc
        print -- "== logs"; words=(llmc logs --); CURRENT=3; _llmc
        print -- "== usage"; words=(llmc usage --); CURRENT=3; _llmc
    ' zsh "$src/completions/_llmc")
    section() { awk -v s="== $1" '$0 == s {on = 1; next} /^== / {on = 0} on' <<<"$zout"; }
    out=$(section models); for w in fast groq/ anthropic/ cerebras/gpt-oss-120b; do has "$out" "$w" "zsh models"; done
    has "$(section templates)" review "zsh templates"
    has "$(section labels)" work "zsh labels"
    has "$(section causes)" key.missing "zsh causes"
    out=$(section subcommands); for w in chat logs usage; do has "$out" "$w" "zsh subcommands"; done
    for cmd in chat batch logs usage; do
        specs=$(section "$cmd")
        for f in $(flags_of "$cmd"); do
            grep -qE -- "(^|[}'(),*])$f([[:space:]]|\\[|'|=|\$)" <<<"$specs" || fail "zsh: $f of 'llmc $cmd' is not completed"
        done
    done
    specs=$(zsh -f -c 'source "$1" 2>/dev/null; print -rl -- $_llmc_prompt_opts' zsh "$src/completions/_llmc")
    for f in $(flags_of); do
        case $f in --key|--api-key) continue ;; esac
        grep -qE -- "(^|[}'(),*])$f([[:space:]]|\\[|'|=|\$)" <<<"$specs" || fail "zsh: $f of 'llmc' is not completed"
    done
else
    fail "zsh is not installed (scripts/install-deps installs it)"
fi
echo "completions: bash and zsh complete subcommands, every flag, models, templates, labels and causes"
