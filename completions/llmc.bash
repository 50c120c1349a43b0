# SPDX-License-Identifier: MIT
# bash completion for llmc: subcommands, options, providers, cause ids and key labels.
_llmc() {
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    }
    local providers="anthropic cerebras fireworks openai"
    local opts="-m --model -s --system --max-tokens --temperature --top-p --stop --json --stream --no-stream
                --retries --timeout --cacert -v --verbose -h --help --version --effort --thinking --show-thinking
                --schema --cache -a --attach -o --option --anthropic-version"
    case $prev in
        -m|--model)
            COMPREPLY=($(compgen -W "anthropic/ cerebras/ fireworks/ openai/" -- "$cur")); compopt -o nospace 2>/dev/null
            return ;;
        --cacert|-a|--attach|--schema) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --effort) COMPREPLY=($(compgen -W "none minimal low medium high xhigh max" -- "$cur")); return ;;
        -o|--option|--anthropic-version) return ;;
        -s|--system|--max-tokens|--temperature|--top-p|--stop|--retries|--timeout|--label) return ;;
    esac
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "chat models batch keys doctor explain config tokens $opts" -- "$cur"))
        return
    fi
    case ${words[1]} in
        keys)
            if [ "$cword" -eq 2 ]; then
                COMPREPLY=($(compgen -W "set list check rm path" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$providers --label --check --all" -- "$cur"))
            fi ;;
        doctor) COMPREPLY=($(compgen -W "$providers --json --offline" -- "$cur")) ;;
        models) COMPREPLY=($(compgen -W "$providers --json" -- "$cur")) ;;
        batch) COMPREPLY=($(compgen -f -W "-o --output -j --jobs --rpm --tpm --provider --remote --poll --no-wait --resume --cancel --wait" -- "$cur")) ;;
        config) COMPREPLY=($(compgen -W "path show" -- "$cur")) ;;
        explain) COMPREPLY=($(compgen -W "$(llmc explain --list 2>/dev/null | awk '{print $1}') --list" -- "$cur")) ;;
        chat|*) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
    esac
}
complete -F _llmc llmc
