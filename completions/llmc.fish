# SPDX-License-Identifier: MIT
# fish completion for llmc: subcommands and every flag; models, templates, key labels, cause ids
# and conversation ids come from `llmc __complete KIND`, so they follow the user's config and store.
set -l subcommands prompt chat models batch tokens keys doctor explain config logs usage
complete -c llmc -f
complete -c llmc -n "not __fish_seen_subcommand_from $subcommands" -a "$subcommands"
complete -c llmc -n "not __fish_seen_subcommand_from $subcommands" -a prompt -d 'send one prompt (the default)'
complete -c llmc -n "not __fish_seen_subcommand_from $subcommands" -a chat -d 'a conversation at the terminal'
complete -c llmc -n "not __fish_seen_subcommand_from $subcommands" -a tokens -d 'count a prompt\'s input tokens'

# the prompt and chat options
set -l p "not __fish_seen_subcommand_from models batch keys doctor explain config logs usage"
complete -c llmc -n $p -s m -l model -x -a '(llmc __complete models 2>/dev/null)' -d 'provider/model or an alias'
complete -c llmc -n $p -s s -l system -x -d 'system prompt'
complete -c llmc -n $p -s t -l template -x -a '(llmc __complete templates 2>/dev/null)' -d 'a template from the config'
complete -c llmc -n $p -s c -l continue -d 'continue the last logged conversation'
complete -c llmc -n $p -l cid -x -a '(llmc __complete conversations 2>/dev/null)' -d 'continue this conversation'
complete -c llmc -n $p -l no-log -d 'keep this out of the log'
complete -c llmc -n $p -l max-tokens -x -d 'most tokens to generate'
complete -c llmc -n $p -l temperature -x -d 'sampling temperature'
complete -c llmc -n $p -l top-p -x -d 'nucleus sampling'
complete -c llmc -n $p -l stop -x -d 'stop sequence'
complete -c llmc -n $p -l effort -x -a 'none minimal low medium high xhigh max' -d 'how hard to think'
complete -c llmc -n $p -l thinking -d 'think first (=BUDGET, =adaptive, =off)'
complete -c llmc -n $p -l show-thinking -d 'print the thinking on stderr'
complete -c llmc -n $p -l schema -r -F -d 'JSON schema the reply follows'
complete -c llmc -n $p -l cache -d 'prompt caching (=5m, =1h)'
complete -c llmc -n $p -s a -l attach -r -F -d 'attach an image, PDF or text file'
complete -c llmc -n $p -s o -l option -x -d 'request-body field NAME=JSON'
complete -c llmc -n $p -l anthropic-version -x -d 'API version sent to Anthropic'
complete -c llmc -n $p -l json -d 'the normalized response as JSON'
complete -c llmc -n $p -l stream -d 'stream even when piped'
complete -c llmc -n $p -l no-stream -d 'wait for the whole reply'
complete -c llmc -n $p -l retries -x -d 'retries'
complete -c llmc -n $p -l timeout -x -d 'timeout in seconds'
complete -c llmc -n $p -l cacert -r -F -d 'CA certificates (PEM)'
complete -c llmc -n $p -l key-name -x -a '(llmc __complete labels 2>/dev/null)' -d 'the stored key with this label'
complete -c llmc -n $p -s v -l verbose -d 'endpoint, key source, model source, usage and cost'
complete -c llmc -s h -l help -d 'help'
complete -c llmc -n $p -l version -d 'the version'

# keys
complete -c llmc -n "__fish_seen_subcommand_from keys; and not __fish_seen_subcommand_from set list check rm path" -a 'set list check rm path'
complete -c llmc -n "__fish_seen_subcommand_from keys; and __fish_seen_subcommand_from set list check rm" -a '(llmc __complete providers 2>/dev/null)'
complete -c llmc -n "__fish_seen_subcommand_from keys" -l label -x -a '(llmc __complete labels 2>/dev/null)' -d 'label'
complete -c llmc -n "__fish_seen_subcommand_from keys" -l check -d 'ask the provider first'
complete -c llmc -n "__fish_seen_subcommand_from keys" -l force -d 'replace a stored label'
complete -c llmc -n "__fish_seen_subcommand_from keys" -l all -d 'every key of the provider'
complete -c llmc -n "__fish_seen_subcommand_from keys doctor models usage logs" -l json -d 'as JSON'
# doctor, models, explain
complete -c llmc -n "__fish_seen_subcommand_from doctor models" -a '(llmc __complete providers 2>/dev/null)'
complete -c llmc -n "__fish_seen_subcommand_from doctor" -l offline -d 'no live checks'
complete -c llmc -n "__fish_seen_subcommand_from explain" -a '(llmc __complete causes 2>/dev/null)'
complete -c llmc -n "__fish_seen_subcommand_from explain" -l list -d 'every cause'
complete -c llmc -n "__fish_seen_subcommand_from explain" -l provider -x -a '(llmc __complete providers 2>/dev/null)' -d 'write the fix for this provider'
# config
complete -c llmc -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from path show set unset" -a 'path show set unset'
complete -c llmc -n "__fish_seen_subcommand_from set unset" -a 'model log alias. template. provider. endpoint. price.'
# logs and usage
complete -c llmc -n "__fish_seen_subcommand_from logs" -a path
complete -c llmc -n "__fish_seen_subcommand_from logs" -s n -l count -x -d 'how many'
complete -c llmc -n "__fish_seen_subcommand_from logs" -s q -l query -x -d 'full-text search'
complete -c llmc -n "__fish_seen_subcommand_from logs" -s m -l model -x -a '(llmc __complete models 2>/dev/null)' -d 'only this model'
complete -c llmc -n "__fish_seen_subcommand_from logs" -l cid -x -a '(llmc __complete conversations 2>/dev/null)' -d 'one conversation'
complete -c llmc -n "__fish_seen_subcommand_from usage" -l since -x -a 'today 1d 7d 30d' -d 'from this date on'
complete -c llmc -n "__fish_seen_subcommand_from usage" -l by -x -a 'model day' -d 'group by'
# batch
set -l b "__fish_seen_subcommand_from batch"
complete -c llmc -n $b -F
complete -c llmc -n $b -s o -l output -r -F -d 'results file'
complete -c llmc -n $b -s j -l jobs -x -d 'in flight'
complete -c llmc -n $b -l rpm -x -d 'requests per minute'
complete -c llmc -n $b -l tpm -x -d 'tokens per minute'
complete -c llmc -n $b -l provider -x -a '(llmc __complete providers 2>/dev/null)' -d 'where bare models go'
complete -c llmc -n $b -l retries -x -d 'retries'
complete -c llmc -n $b -l timeout -x -d 'seconds'
complete -c llmc -n $b -s H -l header -x -d 'extra header'
complete -c llmc -n $b -l cacert -r -F -d 'CA certificates (PEM)'
complete -c llmc -n $b -l remote -d 'use the provider batch engine'
complete -c llmc -n $b -l poll -x -d 'seconds between polls'
complete -c llmc -n $b -l no-wait -d 'submit and exit'
complete -c llmc -n $b -l resume -x -d 'remote batch id'
complete -c llmc -n $b -l cancel -x -d 'remote batch id'
complete -c llmc -n $b -l wait -d 'wait for another run on the same output'
complete -c llmc -n $b -l format -x -a 'provider normalized' -d 'output format'
complete -c llmc -n $b -s v -l verbose -d 'log each step'
