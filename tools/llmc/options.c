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

#define DEFAULT_MODEL "anthropic/claude-sonnet-4-5"

void cli_usage(FILE *out)
{
    fprintf(
        out,
        "usage: llmc [-m PROVIDER/MODEL] [-s SYSTEM] [-t TEMPLATE] [-c | --cid ID] [--json]\n"
        "            [--stream|--no-stream] [options] [PROMPT...]\n"
        "       llmc chat [options]                  a conversation at the terminal (llmc chat --help)\n"
        "       llmc logs [-n N] [-q TEXT] [--json]  the log of every exchange (llmc logs --help)\n"
        "       llmc usage [--since DATE] [--by model|day]   tokens and cost from the log\n"
        "       llmc models [PROVIDER]               the models a provider offers\n"
        "       llmc batch IN.jsonl -o OUT.jsonl     many requests, resumable (--remote: the provider's engine)\n"
        "       llmc keys set|list|check|rm|path     the key store (fingerprints only)\n"
        "       llmc doctor [PROVIDER...]            every key check, static and live\n"
        "       llmc explain CAUSE-ID                what a key problem means and how to fix it\n"
        "       llmc config path|show|set|unset      the configuration file (llmc.conf(5))\n"
        "\n"
        "Send PROMPT to a hosted model and print the reply. Without PROMPT, or with stdin piped,\n"
        "the prompt is read from stdin. On a terminal the reply streams as it is written. Every\n"
        "exchange is logged (see llmc logs) unless --no-log or `log = off` in the config.\n"
        "\n"
        "options:\n"
        "  -m, --model P/M        provider/model or an alias, e.g. anthropic/claude-sonnet-4-5,\n"
        "                         cerebras/gpt-oss-120b, fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct,\n"
        "                         openai/gpt-4o-mini (default: the template's, the continued conversation's,\n"
        "                         $LLMC_MODEL, the config's `model`, else " DEFAULT_MODEL
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
        "      --json             print the whole normalized response as JSON\n"
        "      --stream           stream even when stdout is not a terminal\n"
        "      --no-stream        wait for the whole reply\n"
        "      --retries N        retries on 408/409/429/5xx/connection errors (default 2)\n"
        "      --timeout SECONDS  request timeout (default 600 for anthropic, 60 for others)\n"
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
        "(--key and --api-key are refused): it would show in `ps` and shell history.\n"
        "base URLs: ANTHROPIC_BASE_URL, CEREBRAS_BASE_URL, FIREWORKS_BASE_URL, OPENAI_BASE_URL.\n"
        "Extra Anthropic headers: ANTHROPIC_CUSTOM_HEADERS (one `Name: value` a line).\n"
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
    fprintf(stderr, "%s* %s%s\n", st.dim, line, st.reset);
}

/* Parse a number option; false (with a message) when it is not one. */
static bool parse_number(const char *opt, const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || v < lo || v > hi) {
        cli_usage_error(NULL, "%s expects a number from %g to %g, not \"%s\"", opt, lo, hi, text);
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
    opterr = 0; /* one line of our own instead of getopt's, then where help is */
    const char *command = strcmp(argv[0], "chat") == 0 ? "chat" : NULL;
    while ((c = getopt_long(argc, argv, ":m:s:t:cvh", options, NULL)) != -1) {
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
            if (!parse_number("--max-tokens", optarg, 1, 1e9, &o->max_tokens))
                return EXIT_USAGE;
            break;
        case OPT_TEMPERATURE:
            if (!parse_number("--temperature", optarg, 0, 2, &o->temperature))
                return EXIT_USAGE;
            break;
        case OPT_TOP_P:
            if (!parse_number("--top-p", optarg, 0, 1, &o->top_p))
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
            if (!parse_number("--retries", optarg, 0, 100, &o->retries))
                return EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (!parse_number("--timeout", optarg, 0.001, 86400, &o->timeout))
                return EXIT_USAGE;
            break;
        case OPT_CACERT:
            o->cacert = optarg;
            break;
        case OPT_KEY_NAME:
            o->key_name = optarg;
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
                    "       file that holds it (chmod 600), or store it with `llmc keys set PROVIDER`\n");
            return EXIT_USAGE;
        case ':':
            return cli_usage_error(command, "%s needs a value", argv[optind - 1]);
        default:
            if (optopt)
                return cli_usage_error(command, "unknown option -%c", optopt);
            return cli_usage_error(command, "unknown option %s", argv[optind - 1]);
        }
    }
    if (o->continue_last && o->cid)
        return cli_usage_error(command, "-c continues the last conversation, --cid ID a named one: give one of them");
    o->first_arg = optind;
    /* stream by default only where a person watches the reply arrive */
    if (o->stream < 0)
        o->stream = !o->json && isatty(STDOUT_FILENO);
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
    /* The configuration file (key commands, base URLs, endpoints, default model): a bad one stops
     * here with its file and line (exit 4) rather than half-applying. */
    llmc_code rc = llmc_client_load_config(client, NULL, err);
    if (rc != LLMC_OK)
        return rc;
    const char *model = o->model && *o->model ? o->model : llmc_client_default_model(client);
    if (model && (rc = llmc_request_set_model(req, model)) != LLMC_OK)
        return cli_code(err, rc);
    return cli_apply_options(o, model, client, req, err);
}

llmc_code cli_apply_options(const cli_options *o, const char *model, llmc_client *client, llmc_request *req,
                            llmc_error *err)
{
    llmc_code rc;
    if (o->verbose)
        llmc_client_set_log(client, verbose_log, NULL, LLMC_LOG_DEBUG);
    if (o->key_name) {
        /* the stored key belongs to the model's provider (after its alias, if it is one) */
        char provider[64];
        cli_provider_of(client, model ? model : DEFAULT_MODEL, provider, sizeof provider, NULL, 0);
        rc = llmc_client_use_stored_key(client, provider, o->key_name, err);
        if (rc == LLMC_E_NOT_FOUND && err)
            err->code = rc = LLMC_E_KEY; /* a missing named key is a key problem: exit 3 */
        if (rc != LLMC_OK)
            return rc;
    }
    llmc_client_set_max_retries(client, (int)o->retries);
    llmc_client_set_timeouts(client, 0, (long)(o->timeout * 1000));
    if (o->cacert && (rc = llmc_client_set_ca_file(client, o->cacert, err)) != LLMC_OK)
        return rc;
    if (o->system && (rc = llmc_request_set_system(req, o->system)) != LLMC_OK)
        return cli_code(err, rc);
    if (o->max_tokens > 0 && (rc = llmc_request_set_max_tokens(req, (long)o->max_tokens)) != LLMC_OK)
        return cli_code(err, rc);
    if (o->temperature >= 0 && (rc = llmc_request_set_temperature(req, o->temperature)) != LLMC_OK)
        return cli_code(err, rc);
    if (o->top_p >= 0 && (rc = llmc_request_set_top_p(req, o->top_p)) != LLMC_OK)
        return cli_code(err, rc);
    for (int i = 0; i < o->n_stops; i++)
        if ((rc = llmc_request_add_stop(req, o->stops[i])) != LLMC_OK)
            return cli_code(err, rc);
    return LLMC_OK;
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
