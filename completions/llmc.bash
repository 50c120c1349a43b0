# SPDX-License-Identifier: MIT
# bash completion for llmc: subcommands and every flag; models (providers, the config's aliases
# and endpoints, the models cache), templates, key labels, cause ids and conversation ids come
# from `llmc __complete KIND`, so they follow the user's config and store.
_llmc_words() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(llmc __complete "$1" 2>/dev/null)" -- "$cur"))
}

_llmc() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n =: || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    fi
    local subcommands="prompt chat models batch tokens keys doctor explain config logs usage"
    local opts="-m --model -s --system -t --template -c --continue --cid --no-log --max-tokens --temperature
                --top-p --stop --effort --thinking --show-thinking --schema --cache -a --attach -o --option
                --anthropic-version --json --stream --no-stream --retries --timeout --cacert --key-name
                -v --verbose -h --help --version"
    local sub=""
    local i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            -m|--model|-s|--system|-t|--template|--cid|--max-tokens|--temperature|--top-p|--stop|--retries|--timeout|--cacert|--key-name|--effort|--schema|-a|--attach|-o|--option|--anthropic-version) ((i++)) ;;
            -*) ;;
            *) sub=${words[i]}; break ;;
        esac
    done
    # values of options, whatever the subcommand
    case $prev in
        -m|--model)
            _llmc_words models
            # "anthropic/" is a start, not a whole model: no space after it
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
            return ;;
        -t|--template) _llmc_words templates; return ;;
        --key-name|--label) _llmc_words labels; return ;;
        --cid) _llmc_words conversations; return ;;
        # -o is the output file of a batch, a request-body field elsewhere
        -o) [ "$sub" = batch ] && COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --cacert|--output|-a|--attach|--schema) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --provider) _llmc_words providers; return ;;
        --effort) COMPREPLY=($(compgen -W "none minimal low medium high xhigh max" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "provider normalized" -- "$cur")); return ;;
        --by) COMPREPLY=($(compgen -W "model day" -- "$cur")); return ;;
        --since) COMPREPLY=($(compgen -W "today 1d 7d 30d" -- "$cur")); return ;;
        -s|--system|--max-tokens|--temperature|--top-p|--stop|--retries|--timeout|-n|--count|-q|--query|-j|--jobs|--rpm|--tpm|--poll|--resume|--cancel|-H|--header|--option|--anthropic-version) return ;;
    esac
    case $sub in
        "")
            COMPREPLY=($(compgen -W "$subcommands $opts" -- "$cur")) ;;
        prompt|chat|tokens)
            COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
        keys)
            local action=""
            for ((i = i + 1; i < cword; i++)); do case ${words[i]} in -*) ;; *) action=${words[i]}; break ;; esac; done
            if [ -z "$action" ]; then
                COMPREPLY=($(compgen -W "set list check rm path" -- "$cur"))
            else
                case $action in
                    set) COMPREPLY=($(compgen -W "$(llmc __complete providers 2>/dev/null) --label --check --force" -- "$cur")) ;;
                    list) COMPREPLY=($(compgen -W "$(llmc __complete providers 2>/dev/null) --json" -- "$cur")) ;;
                    check) COMPREPLY=($(compgen -W "$(llmc __complete providers 2>/dev/null)" -- "$cur")) ;;
                    rm) COMPREPLY=($(compgen -W "$(llmc __complete providers 2>/dev/null) --label --all" -- "$cur")) ;;
                esac
            fi ;;
        doctor) COMPREPLY=($(compgen -W "$(llmc __complete providers 2>/dev/null) --json --offline -h --help" -- "$cur")) ;;
        models) COMPREPLY=($(compgen -W "$(llmc __complete providers 2>/dev/null) --json -h --help" -- "$cur")) ;;
        explain) COMPREPLY=($(compgen -W "$(llmc __complete causes 2>/dev/null) --list --provider -h --help" -- "$cur")) ;;
        config)
            if [ "$prev" = config ]; then
                COMPREPLY=($(compgen -W "path show set unset -h --help" -- "$cur"))
            elif [ "$prev" = set ] || [ "$prev" = unset ]; then
                COMPREPLY=($(compgen -W "model log alias. template. provider. endpoint. price." -- "$cur")); compopt -o nospace 2>/dev/null
            fi ;;
        logs) COMPREPLY=($(compgen -W "path -n --count -q --query -m --model --cid --json -h --help" -- "$cur")) ;;
        usage) COMPREPLY=($(compgen -W "--since --by --json -h --help" -- "$cur")) ;;
        batch)
            COMPREPLY=($(compgen -W "-o --output -j --jobs --rpm --tpm --provider --retries --timeout -H --header
                                     --cacert --remote --poll --no-wait --resume --cancel --wait --format -v --verbose -h --help" -- "$cur"))
            [[ $cur == -* ]] || COMPREPLY+=($(compgen -f -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "$opts" -- "$cur")) ;;
    esac
}
complete -F _llmc llmc
