/* SPDX-License-Identifier: MIT */
/*
 * options.c — the options the prompt and chat commands share, and turning them into a client
 * and a request: the configuration file, the model (flag, $LLMC_MODEL, the config's default,
 * then the built-in default), sampling, retries, timeouts and trust.
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MODEL CLI_DEFAULT_MODEL

void cli_usage(FILE *out)
{
    fprintf(out,
            "usage: llmc [-m PROVIDER/MODEL] [-s SYSTEM] [-t TEMPLATE] [-c | --cid ID] [--json]\n"
            "            [--stream|--no-stream] [options] [PROMPT...]\n"
            "       llmc chat [options]                  a conversation at the terminal (llmc chat --help)\n"
            "       llmc logs [-n N] [-q TEXT] [--json]  the log of every exchange (llmc logs --help)\n"
            "       llmc usage [--since DATE] [--by model|day]   tokens and cost from the log\n"
            "       llmc models [PROVIDER]               the models a provider offers\n"
            "       llmc batch IN.jsonl -o OUT.jsonl     many requests, resumable (--remote: the provider's engine)\n"
            "       llmc tokens [options] [PROMPT...]    count a prompt's input tokens (Anthropic)\n"
            "       llmc keys set|list|check|rm|path     the key store (fingerprints only)\n"
            "       llmc doctor [PROVIDER...]            every key check, static and live\n"
            "       llmc explain CAUSE-ID|STATUS         what a cause means and how to fix it (--provider P)\n"
            "       llmc config path|show|set|unset      the configuration file (llmc.conf(5))\n"
            "\n"
            "Send PROMPT to a hosted model and print the reply. Without PROMPT, or with stdin piped,\n"
            "the prompt is read from stdin. On a terminal the reply streams as it is written. Every\n"
            "exchange is logged (see llmc logs) unless --no-log or `log = off` in the config.\n"
            "\n"
            "options:\n"
            "  -m, --model P/M        provider/model, e.g. anthropic/claude-sonnet-4-6, cerebras/gpt-oss-120b,\n"
            "                         fireworks/accounts/fireworks/models/gpt-oss-120b, openai/gpt-5.4-mini,\n"
            "                         an [endpoint] of the config file (ollama/llama3.2) or an [alias]\n"
            "                         (default: the template's, the continued conversation's, $LLMC_MODEL,\n"
            "                         the config's `model`, else " DEFAULT_MODEL
            ")\n"
            "  -s, --system TEXT      system prompt\n"
            "  -t, --template NAME    a [template NAME] of the config: its model, system prompt, options, and\n"
            "                         its prompt with $input replaced by the prompt given\n"
            "  -c, --continue         continue the last logged conversation (its turns are sent again)\n"
            "      --cid ID           continue the logged conversation ID (llmc logs shows ids)\n"
            "      --no-log           do not log this exchange\n"
            "      --max-tokens N     most tokens to generate (default 1024)\n"
            "      --temperature T    sampling temperature, 0..2\n"
            "      --top-p P          nucleus sampling, 0..1\n"
            "      --stop SEQ         stop sequence (repeatable)\n"
            "      --effort LEVEL     how hard to think: none, minimal, low, medium, high, xhigh, max\n"
            "                         (Anthropic output_config.effort, OpenAI-style reasoning_effort)\n"
            "      --thinking[=BUDGET] let the model think first (Anthropic): adaptive where the model takes\n"
            "                         it, else a budget; =N demands a budget of N tokens, =adaptive the\n"
            "                         adaptive form, =off turns it off\n"
            "      --show-thinking    print the model's thinking (hidden by default) on stderr, dimmed on\n"
            "                         a terminal\n"
            "      --schema FILE|JSON the reply must follow this JSON schema; prints the JSON it returns\n"
            "      --cache[=5m|1h]    prompt caching (Anthropic): cache the prompt for 5 minutes or 1 hour\n"
            "  -a, --attach FILE      attach an image, a PDF or a text file, told by its content (repeatable)\n"
            "  -o, --option NAME=JSON set a request-body field llmc has no flag for, e.g. -o seed=42,\n"
            "                         -o service_tier=priority (a bare word is a string; repeatable)\n"
            "      --anthropic-version DATE  the API version sent to Anthropic (default 2023-06-01)\n"
            "      --json             print the whole normalized response as JSON\n"
            "      --stream           stream even when stdout is not a terminal\n"
            "      --no-stream        wait for the whole reply\n"
            "      --retries N        retries on 408/409/429/5xx/connection errors (default 2)\n"
            "      --timeout SECONDS  bound the whole call, retries and streams included (as curl --max-time)\n"
            "      --cacert FILE      trust the CA certificates in FILE (PEM)\n"
            "      --key-name LABEL   use the stored key with this label (see llmc keys list)\n"
            "  -v, --verbose          show where the model came from, endpoint, key source and fingerprint,\n"
            "                         request id, retries, timing, usage and cost\n"
            "  -h, --help             this help\n"
            "      --version          print the version\n"
            "\n"
            "keys: read from the provider's variable (ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN,\n"
            "CEREBRAS_API_KEY, FIREWORKS_API_KEY, OPENAI_API_KEY) or a file named by <VAR>_FILE, a\n"
            "key_command of the config, or the key store. A key is never accepted on the command line\n"
            "(--key and --api-key are refused): it would show in `ps` and shell history; nor is one\n"
            "repeated: a mistyped option is named without its value. A crash of llmc writes no core\n"
            "file (it makes itself non-dumpable), so no key lands in one.\n"
            "base URLs: ANTHROPIC_BASE_URL, CEREBRAS_BASE_URL, FIREWORKS_BASE_URL, OPENAI_BASE_URL.\n"
            "Extra headers: ANTHROPIC_CUSTOM_HEADERS (and CEREBRAS_, FIREWORKS_; one `Name: value` a line).\n"
            "A server that takes no key (Ollama, llama.cpp, vLLM) is an [endpoint] with auth = none, and\n"
            "allow_http = true lets one on another machine use plain http (see llmc.conf(5)).\n"
            "\n"
            "exit status:\n"
            "  0  success\n"
            "  1  other failure (out of memory, local I/O)\n"
            "  2  usage error\n"
            "  3  key or authentication problem (missing, malformed, rejected, forbidden, insecure)\n"
            "  4  request refused (bad request, unknown model or provider, configuration)\n"
            "  5  provider unavailable (rate limited, overloaded, server error) after retries\n"
            "  6  network failure or timeout\n"
            "  7  malformed response from the provider, or a size limit hit\n");
}

static void verbose_log(void *userdata, llmc_log_level level, const char *line)
{
    (void)userdata;
    (void)level;
    cli_style st = cli_style_for(stderr);
    /* a log line may quote what a server sent (a request id, a model): never raw to the terminal */
    char safe[4096];
    fprintf(stderr, "%s* %s%s\n", st.dim, cli_safe(line, safe, sizeof safe), st.reset);
}

/* Parse a number option; false (with a message) when it is not one. */
static bool parse_number(const char *command, const char *opt, const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || v < lo || v > hi) {
        char shown[96];
        cli_usage_error(command, "%s expects a number from %g to %g, not %s", opt, lo, hi,
                        cli_shown(text, shown, sizeof shown));
        return false;
    }
    *out = v;
    return true;
}

enum {
    OPT_MAX_TOKENS = 256,
    OPT_TEMPERATURE,
    OPT_TOP_P,
    OPT_STOP,
    OPT_JSON,
    OPT_RETRIES,
    OPT_TIMEOUT,
    OPT_CACERT,
    OPT_VERSION,
    OPT_KEY,
    OPT_STREAM,
    OPT_NO_STREAM,
    OPT_KEY_NAME,
    OPT_EFFORT,
    OPT_THINKING,
    OPT_SHOW_THINKING,
    OPT_SCHEMA,
    OPT_CACHE,
    OPT_ANTHROPIC_VERSION,
    OPT_CID,
    OPT_NO_LOG
};

int cli_usage_error(const char *command, const char *fmt, ...)
{
    cli_style st = cli_style_for(stderr);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%sllmc: error:%s %s (see `llmc %s%s--help`)\n", st.red, st.reset, msg, command ? command : "",
            command ? " " : "");
    return EXIT_USAGE;
}

int cli_parse_options(int argc, char **argv, cli_options *o)
{
    static const struct option options[] = {{"model", required_argument, NULL, 'm'},
                                            {"system", required_argument, NULL, 's'},
                                            {"max-tokens", required_argument, NULL, OPT_MAX_TOKENS},
                                            {"temperature", required_argument, NULL, OPT_TEMPERATURE},
                                            {"top-p", required_argument, NULL, OPT_TOP_P},
                                            {"stop", required_argument, NULL, OPT_STOP},
                                            {"json", no_argument, NULL, OPT_JSON},
                                            {"retries", required_argument, NULL, OPT_RETRIES},
                                            {"timeout", required_argument, NULL, OPT_TIMEOUT},
                                            {"cacert", required_argument, NULL, OPT_CACERT},
                                            {"stream", no_argument, NULL, OPT_STREAM},
                                            {"no-stream", no_argument, NULL, OPT_NO_STREAM},
                                            {"verbose", no_argument, NULL, 'v'},
                                            {"help", no_argument, NULL, 'h'},
                                            {"version", no_argument, NULL, OPT_VERSION},
                                            {"key", required_argument, NULL, OPT_KEY},
                                            {"api-key", required_argument, NULL, OPT_KEY},
                                            {"key-name", required_argument, NULL, OPT_KEY_NAME},
                                            {"effort", required_argument, NULL, OPT_EFFORT},
                                            {"thinking", optional_argument, NULL, OPT_THINKING},
                                            {"show-thinking", no_argument, NULL, OPT_SHOW_THINKING},
                                            {"schema", required_argument, NULL, OPT_SCHEMA},
                                            {"cache", optional_argument, NULL, OPT_CACHE},
                                            {"attach", required_argument, NULL, 'a'},
                                            {"option", required_argument, NULL, 'o'},
                                            {"anthropic-version", required_argument, NULL, OPT_ANTHROPIC_VERSION},
                                            {"template", required_argument, NULL, 't'},
                                            {"continue", no_argument, NULL, 'c'},
                                            {"cid", required_argument, NULL, OPT_CID},
                                            {"no-log", no_argument, NULL, OPT_NO_LOG},
                                            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->model = getenv("LLMC_MODEL");
    o->temperature = o->top_p = -1;
    o->retries = 2;
    o->stream = -1;
    int c;
    optind = 1;
    opterr = 0; /* getopt's messages repeat the whole argument, which may be a key */
    const char *command = strcmp(argv[0], "chat") == 0 || strcmp(argv[0], "tokens") == 0 ? argv[0] : NULL;
    while ((c = getopt_long(argc, argv, ":m:s:t:cvha:o:", options, NULL)) != -1) {
        switch (c) {
        case 'm':
            o->model = optarg;
            o->model_from_flag = true;
            break;
        case 't':
            o->template_name = optarg;
            break;
        case 'c':
            o->continue_last = true;
            break;
        case OPT_CID:
            o->cid = optarg;
            break;
        case OPT_NO_LOG:
            o->no_log = true;
            break;
        case 's':
            o->system = optarg;
            break;
        case OPT_MAX_TOKENS:
            if (!parse_number(command, "--max-tokens", optarg, 1, 1e9, &o->max_tokens))
                return EXIT_USAGE;
            break;
        case OPT_TEMPERATURE:
            if (!parse_number(command, "--temperature", optarg, 0, 2, &o->temperature))
                return EXIT_USAGE;
            break;
        case OPT_TOP_P:
            if (!parse_number(command, "--top-p", optarg, 0, 1, &o->top_p))
                return EXIT_USAGE;
            break;
        case OPT_STOP:
            if (o->n_stops == 16)
                return cli_usage_error(command, "at most 16 --stop sequences");
            o->stops[o->n_stops++] = optarg;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_STREAM:
            o->stream = 1;
            break;
        case OPT_NO_STREAM:
            o->stream = 0;
            break;
        case OPT_RETRIES:
            if (!parse_number(command, "--retries", optarg, 0, 100, &o->retries))
                return EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (!parse_number(command, "--timeout", optarg, 0.001, 86400, &o->timeout))
                return EXIT_USAGE;
            break;
        case OPT_CACERT:
            o->cacert = optarg;
            break;
        case OPT_KEY_NAME:
            o->key_name = optarg;
            break;
        case OPT_EFFORT:
            if (llmc_effort_from_name(optarg, NULL) != LLMC_OK) {
                char shown[96];
                return cli_usage_error(command,
                                       "--effort expects none, minimal, low, medium, high, xhigh or max, not %s",
                                       cli_shown(optarg, shown, sizeof shown));
            }
            o->effort = optarg;
            break;
        case OPT_THINKING:
            o->thinking = optarg ? optarg : "";
            break;
        case OPT_SHOW_THINKING:
            o->show_thinking = true;
            break;
        case OPT_SCHEMA:
            o->schema = optarg;
            break;
        case OPT_CACHE:
            if (optarg && strcmp(optarg, "5m") != 0 && strcmp(optarg, "1h") != 0) {
                char shown[96];
                return cli_usage_error(command, "--cache takes 5m or 1h, not %s",
                                       cli_shown(optarg, shown, sizeof shown));
            }
            o->cache = optarg ? optarg : "";
            break;
        case 'a':
            if (o->n_attachments == 16)
                return cli_usage_error(command, "at most 16 attachments (-a)");
            o->attachments[o->n_attachments++] = optarg;
            break;
        case 'o':
            if (o->n_fields == 32)
                return cli_usage_error(command, "at most 32 -o options");
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                char shown[96];
                return cli_usage_error(command, "-o expects NAME=JSON (e.g. -o seed=42), not %s",
                                       cli_shown(optarg, shown, sizeof shown));
            }
            o->fields[o->n_fields++] = optarg;
            break;
        case OPT_ANTHROPIC_VERSION:
            o->anthropic_version = optarg;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'h':
            cli_usage(stdout);
            return EXIT_OK;
        case OPT_VERSION:
            printf("llmc %s\n", llmc_version());
            return EXIT_OK;
        case OPT_KEY:
            fprintf(stderr,
                    "llmc: error: a key on the command line is refused: it shows in `ps` and in shell history.\n"
                    "  fix: export the provider's variable (e.g. ANTHROPIC_API_KEY), point <VAR>_FILE at a\n"
                    "       file that holds it (chmod 600), or store it with `llmc keys set anthropic` (or the\n"
                    "       name of the provider you use)\n");
            return EXIT_USAGE;
        default:
            cli_option_error(command, argc, argv, c, options);
            return EXIT_USAGE;
        }
    }
    if (o->continue_last && o->cid)
        return cli_usage_error(command, "-c continues the last conversation, --cid ID a named one: give one of them");
    o->first_arg = optind;
    /* stream by default only where a person watches the reply arrive (not a JSON reply, which is
     * printed whole once parsed) */
    if (o->stream < 0)
        o->stream = !o->json && !o->schema && isatty(STDOUT_FILENO);
    return -1;
}

llmc_code cli_setup(const cli_options *o, llmc_client **client_out, llmc_request **req_out, llmc_error *err)
{
    llmc_client *client = llmc_client_new();
    llmc_request *req = llmc_request_new(DEFAULT_MODEL);
    *client_out = client;
    *req_out = req;
    if (!client || !req)
        return cli_nomem(err);
    if (o->verbose)
        llmc_client_set_log(client, verbose_log, NULL, LLMC_LOG_DEBUG);
    /* The configuration file (key commands, base URLs, endpoints, default model): a bad one stops
     * here with its file and line (exit 4) rather than half-applying. */
    llmc_code rc = llmc_client_load_config(client, NULL, err);
    if (rc != LLMC_OK)
        return rc;
    /* where the model comes from, for an error that must say which setting to change */
    const char *model = o->model_from_flag ? o->model : NULL, *origin = "-m";
    if (!model && o->model && *o->model) {
        model = o->model;
        origin = "LLMC_MODEL";
    }
    if (!model && llmc_client_default_model(client)) {
        model = llmc_client_default_model(client);
        origin = "model = in the config file";
    }
    if (!model) {
        model = DEFAULT_MODEL;
        origin = "llmc's default";
    }
    if ((rc = llmc_request_set_model(req, model, err)) != LLMC_OK)
        return cli_code(err, rc);
    /* An unknown provider is refused here, before a key is looked for or anything is sent. */
    if ((rc = cli_provider_of(client, model, origin, NULL, 0, NULL, 0, err)) != LLMC_OK)
        return rc;
    return cli_apply_options(o, model, client, req, err);
}

llmc_code cli_provider_of(llmc_client *client, const char *model, const char *origin, char *provider, size_t size,
                          char *target, size_t target_size, llmc_error *err)
{
    char name[64], wire[256];
    llmc_code rc = llmc_client_route(client, model, name, sizeof name, wire, sizeof wire, err);
    if (rc != LLMC_OK) {
        if (err && origin && strcmp(origin, "-m") != 0)
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "the model \"%.200s\" comes from %s", model,
                     origin);
        return rc;
    }
    if (provider)
        snprintf(provider, size, "%s", name);
    if (target)
        snprintf(target, target_size, "%s/%s", name, wire);
    return LLMC_OK;
}

llmc_code cli_apply_options(const cli_options *o, const char *model, llmc_client *client, llmc_request *req,
                            llmc_error *err)
{
    llmc_code rc;
    if (o->verbose)
        llmc_client_set_log(client, verbose_log, NULL, LLMC_LOG_DEBUG);
    if (o->key_name) {
        /* the stored key belongs to the provider the model goes to (after its alias) */
        char provider[64];
        if ((rc = cli_provider_of(client, model ? model : DEFAULT_MODEL, NULL, provider, sizeof provider, NULL, 0,
                                  err)) != LLMC_OK)
            return rc;
        rc = llmc_client_use_stored_key(client, provider, o->key_name, err);
        if (rc == LLMC_E_NOT_FOUND && err)
            err->code = rc = LLMC_E_KEY; /* a missing named key is a key problem: exit 3 */
        if (rc != LLMC_OK)
            return rc;
    }
    llmc_client_set_max_retries(client, (int)o->retries);
    llmc_client_set_timeouts(client, 0, (long)(o->timeout * 1000));
    /* --timeout bounds the whole call, retries, waits and a whole stream included (as curl's
     * --max-time), not only each attempt */
    llmc_client_set_total_timeout(client, (long)(o->timeout * 1000));
    if (o->cacert && (rc = llmc_client_set_ca_file(client, o->cacert, err)) != LLMC_OK)
        return rc;
    if (o->system && (rc = llmc_request_set_system(req, o->system, err)) != LLMC_OK)
        return cli_code(err, rc);
    if (o->max_tokens > 0 && (rc = llmc_request_set_max_tokens(req, (long)o->max_tokens, err)) != LLMC_OK)
        return cli_code(err, rc);
    if (o->temperature >= 0 && (rc = llmc_request_set_temperature(req, o->temperature, err)) != LLMC_OK)
        return cli_code(err, rc);
    if (o->top_p >= 0 && (rc = llmc_request_set_top_p(req, o->top_p, err)) != LLMC_OK)
        return cli_code(err, rc);
    for (int i = 0; i < o->n_stops; i++)
        if ((rc = llmc_request_add_stop(req, o->stops[i], err)) != LLMC_OK)
            return cli_code(err, rc);
    return cli_setup_features(o, client, req, err);
}

llmc_code cli_code(llmc_error *err, llmc_code rc)
{
    if (err && err->code == LLMC_OK) {
        err->code = rc;
        snprintf(err->message, sizeof err->message, "%s", llmc_strerror(rc));
    }
    return rc;
}

llmc_code cli_nomem(llmc_error *err)
{
    return cli_code(err, LLMC_E_NOMEM);
}
