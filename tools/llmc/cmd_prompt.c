/*
 * cmd_prompt.c — the default command: send one prompt, print the reply. The prompt comes from
 * the arguments, from stdin when it is piped, or both (arguments first). Text goes to stdout,
 * everything else to stderr; --json prints the normalized response for machines.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MODEL "anthropic/claude-sonnet-4-5"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc [-m PROVIDER/MODEL] [-s SYSTEM] [--max-tokens N] [--temperature T] [--json] [PROMPT...]\n"
            "\n"
            "Send PROMPT to a hosted model and print the reply. Without PROMPT, or with stdin piped,\n"
            "the prompt is read from stdin.\n"
            "\n"
            "options:\n"
            "  -m, --model P/M        provider/model, e.g. anthropic/claude-sonnet-4-5, cerebras/llama-3.3-70b,\n"
            "                         fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct, openai/gpt-4o-mini\n"
            "                         (default: $LLMC_MODEL, else " DEFAULT_MODEL ")\n"
            "  -s, --system TEXT      system prompt\n"
            "      --max-tokens N     most tokens to generate (default 1024)\n"
            "      --temperature T    sampling temperature, 0..2\n"
            "      --top-p P          nucleus sampling, 0..1\n"
            "      --stop SEQ         stop sequence (repeatable)\n"
            "      --json             print the whole normalized response as JSON\n"
            "      --retries N        retries on 408/409/429/5xx/connection errors (default 2)\n"
            "      --timeout SECONDS  whole-request timeout (default 600 for anthropic, 60 for others)\n"
            "      --cacert FILE      trust the CA certificates in FILE (PEM)\n"
            "  -v, --verbose          show endpoint, key source and fingerprint, request id, retries, timing\n"
            "  -h, --help             this help\n"
            "      --version          print the version\n"
            "\n"
            "keys: read from the provider's variable (ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN,\n"
            "CEREBRAS_API_KEY, FIREWORKS_API_KEY, OPENAI_API_KEY) or a file named by <VAR>_FILE.\n"
            "A key is never accepted on the command line: it would show in `ps` and shell history.\n"
            "base URLs: ANTHROPIC_BASE_URL, CEREBRAS_BASE_URL, FIREWORKS_BASE_URL, OPENAI_BASE_URL.\n"
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

/* Read all of stdin; NULL on failure. */
static char *read_stdin(void)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return NULL;
            }
            buf = grown;
            cap *= 2;
        }
    }
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* The prompt: arguments joined by spaces, then piped stdin after a blank line. */
static char *gather_prompt(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *piped = NULL;
    if (!isatty(STDIN_FILENO) || argc == 0) {
        if (!(piped = read_stdin()))
            return NULL;
        len += strlen(piped) + 2;
    }
    char *prompt = malloc(len);
    if (!prompt) {
        free(piped);
        return NULL;
    }
    prompt[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(prompt, " ");
        strcat(prompt, argv[i]);
    }
    if (piped && *piped) {
        if (argc)
            strcat(prompt, "\n\n");
        strcat(prompt, piped);
    }
    free(piped);
    return prompt;
}

static const char *block_type_name(llmc_block_type t)
{
    switch (t) {
    case LLMC_BLOCK_TEXT: return "text";
    case LLMC_BLOCK_THINKING: return "thinking";
    case LLMC_BLOCK_TOOL_USE: return "tool_use";
    case LLMC_BLOCK_OTHER: return "other";
    }
    return "other";
}

static const char *stop_reason_name(llmc_stop_reason r)
{
    switch (r) {
    case LLMC_STOP_END_TURN: return "end_turn";
    case LLMC_STOP_MAX_TOKENS: return "max_tokens";
    case LLMC_STOP_STOP_SEQUENCE: return "stop_sequence";
    case LLMC_STOP_TOOL_USE: return "tool_use";
    case LLMC_STOP_REFUSAL: return "refusal";
    case LLMC_STOP_PAUSE: return "pause_turn";
    case LLMC_STOP_UNKNOWN: return "unknown";
    }
    return "unknown";
}

static void print_json_response(const llmc_response *r)
{
    json_t *blocks = json_array();
    for (size_t i = 0; i < llmc_response_block_count(r); i++) {
        llmc_block_type t = llmc_response_block_type(r, i);
        json_array_append_new(blocks, json_pack("{s:s, s:s}", "type", block_type_name(t),
                                                t == LLMC_BLOCK_TOOL_USE ? "input_json" : "text",
                                                llmc_response_block_text(r, i)));
    }
    llmc_usage u = llmc_response_usage(r);
    json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I}}",
                             "provider", llmc_response_provider(r), "model", llmc_response_model(r),
                             "id", llmc_response_id(r), "request_id", llmc_response_request_id(r),
                             "stop_reason", stop_reason_name(llmc_response_stop_reason(r)),
                             "stop_reason_raw", llmc_response_stop_reason_raw(r),
                             "text", llmc_response_text(r), "content", blocks,
                             "usage", "input_tokens", (json_int_t)u.input_tokens,
                             "output_tokens", (json_int_t)u.output_tokens,
                             "cache_read_input_tokens", (json_int_t)u.cache_read_input_tokens,
                             "cache_creation_input_tokens", (json_int_t)u.cache_creation_input_tokens);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
}

static void print_json_error(const llmc_error *err)
{
    const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
    json_t *root = json_pack("{s:{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i}}", "error",
                             "code", llmc_strerror(err->code), "message", err->message,
                             "http_status", err->http_status, "provider", err->provider,
                             "provider_type", err->provider_type, "provider_code", err->provider_code,
                             "request_id", err->request_id, "cause", info ? info->id : "",
                             "attempts", err->attempts);
    if (root && info) {
        json_t *e = json_object_get(root, "error");
        json_object_set_new(e, "key_source", json_string(llmc_key_source_name(err->diagnosis.source)));
        json_object_set_new(e, "key_source_name", json_string(err->diagnosis.source_name));
        json_object_set_new(e, "key_fingerprint", json_string(err->diagnosis.fingerprint));
        if (err->diagnosis.fix)
            json_object_set_new(e, "fix", json_string(err->diagnosis.fix));
    }
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
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
        fprintf(stderr, "llmc: error: %s expects a number from %g to %g, not \"%s\"\n", opt, lo, hi, text);
        return false;
    }
    *out = v;
    return true;
}

/* A rejected key need not end a session at a terminal: show why, ask for a new key (hidden),
 * retry once with it, and keep it in the store only after the provider accepted it. Never called
 * when stdin is not a terminal: a script must fail at once, not wait on a prompt. *reported is set
 * when the error in `err` has already been printed. */
static llmc_code offer_new_key(llmc_client *client, const llmc_request *req, llmc_response **resp, llmc_error *err,
                               bool *reported)
{
    char provider[32], prompt[200];
    snprintf(provider, sizeof provider, "%s", err->diagnosis.provider[0] ? err->diagnosis.provider : err->provider);
    if (!provider[0])
        return err->code;
    llmc_key_source old_source = err->diagnosis.source;
    char old_name[256];
    snprintf(old_name, sizeof old_name, "%s", err->diagnosis.source_name);
    cli_report_error(NULL, err);
    *reported = true;
    snprintf(prompt, sizeof prompt, "Enter a new %s key to retry with (input hidden; empty to give up): ", provider);
    char *key = cli_read_secret(prompt);
    if (!key || !*key) {
        cli_secret_free(key);
        return err->code;
    }
    llmc_error set_err;
    llmc_error_clear(&set_err);
    llmc_code rc = llmc_client_set_key(client, provider, key, &set_err);
    if (rc != LLMC_OK) {
        cli_secret_free(key);
        *err = set_err;
        *reported = false;
        return rc;
    }
    rc = llmc_messages_create(client, req, resp, err);
    if (rc != LLMC_OK) {
        cli_secret_free(key);
        *reported = false;
        return rc;
    }
    llmc_error store_err;
    llmc_error_clear(&store_err);
    if (llmc_key_store_set(provider, NULL, key, &store_err) == LLMC_OK) {
        char path[1024] = "";
        llmc_key_store_path(path, sizeof path, NULL);
        fprintf(stderr, "llmc: stored the new %s key in %s (label \"default\")\n", provider, path);
        if (old_source != LLMC_SOURCE_STORE && old_source != LLMC_SOURCE_NONE)
            fprintf(stderr, "llmc: note: %s %s still holds the rejected key and comes before the store; "
                            "remove or update it\n", llmc_key_source_name(old_source), old_name);
    } else {
        cli_report_error("the new key worked but was not stored", &store_err);
    }
    cli_secret_free(key);
    return rc;
}

enum { OPT_MAX_TOKENS = 256, OPT_TEMPERATURE, OPT_TOP_P, OPT_STOP, OPT_JSON, OPT_RETRIES, OPT_TIMEOUT,
       OPT_CACERT, OPT_VERSION, OPT_KEY };

int cmd_prompt(int argc, char **argv)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},        {"system", required_argument, NULL, 's'},
        {"max-tokens", required_argument, NULL, OPT_MAX_TOKENS},
        {"temperature", required_argument, NULL, OPT_TEMPERATURE},
        {"top-p", required_argument, NULL, OPT_TOP_P}, {"stop", required_argument, NULL, OPT_STOP},
        {"json", no_argument, NULL, OPT_JSON},          {"retries", required_argument, NULL, OPT_RETRIES},
        {"timeout", required_argument, NULL, OPT_TIMEOUT}, {"cacert", required_argument, NULL, OPT_CACERT},
        {"verbose", no_argument, NULL, 'v'},            {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},    {"key", required_argument, NULL, OPT_KEY},
        {"api-key", required_argument, NULL, OPT_KEY},  {NULL, 0, NULL, 0}};
    const char *model = getenv("LLMC_MODEL");
    const char *system = NULL, *cacert = NULL;
    double max_tokens = 0, temperature = -1, top_p = -1, retries = 2, timeout = 0;
    bool json = false, verbose = false;
    const char *stops[16];
    int n_stops = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:s:vh", options, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 's': system = optarg; break;
        case OPT_MAX_TOKENS:
            if (!parse_number("--max-tokens", optarg, 1, 1e9, &max_tokens)) return EXIT_USAGE;
            break;
        case OPT_TEMPERATURE:
            if (!parse_number("--temperature", optarg, 0, 2, &temperature)) return EXIT_USAGE;
            break;
        case OPT_TOP_P:
            if (!parse_number("--top-p", optarg, 0, 1, &top_p)) return EXIT_USAGE;
            break;
        case OPT_STOP:
            if (n_stops == 16) {
                fprintf(stderr, "llmc: error: at most 16 --stop sequences\n");
                return EXIT_USAGE;
            }
            stops[n_stops++] = optarg;
            break;
        case OPT_JSON: json = true; break;
        case OPT_RETRIES:
            if (!parse_number("--retries", optarg, 0, 100, &retries)) return EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (!parse_number("--timeout", optarg, 0.001, 86400, &timeout)) return EXIT_USAGE;
            break;
        case OPT_CACERT: cacert = optarg; break;
        case 'v': verbose = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        case OPT_VERSION: printf("llmc %s\n", llmc_version()); return EXIT_OK;
        case OPT_KEY:
            fprintf(stderr,
                    "llmc: error: a key on the command line is refused: it shows in `ps` and in shell history.\n"
                    "  fix: export the provider's variable (e.g. ANTHROPIC_API_KEY) or point <VAR>_FILE at a\n"
                    "       file that holds it (chmod 600)\n");
            return EXIT_USAGE;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    bool model_given = model && *model;
    if (!model_given)
        model = DEFAULT_MODEL;
    if (optind >= argc && isatty(STDIN_FILENO)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char *prompt = gather_prompt(argc - optind, argv + optind);
    if (!prompt) {
        fprintf(stderr, "llmc: error: could not read the prompt from stdin\n");
        return EXIT_OTHER;
    }
    if (!*prompt) {
        free(prompt);
        fprintf(stderr, "llmc: error: the prompt is empty\n");
        return EXIT_USAGE;
    }

    llmc_client *client = llmc_client_new();
    llmc_request *req = llmc_request_new(model);
    llmc_error err;
    llmc_error_clear(&err);
    llmc_response *resp = NULL;
    llmc_code rc = (client && req) ? LLMC_OK : LLMC_E_NOMEM;
    if (rc == LLMC_OK && verbose)
        llmc_client_set_log(client, verbose_log, NULL, LLMC_LOG_DEBUG);
    /* The configuration file (key commands, base URLs, endpoints, default model): a bad one stops
     * here with its file and line (exit 4) rather than half-applying. */
    if (rc == LLMC_OK)
        rc = llmc_client_load_config(client, NULL, &err);
    if (rc == LLMC_OK && !model_given && llmc_client_default_model(client))
        rc = llmc_request_set_model(req, llmc_client_default_model(client));
    if (rc == LLMC_OK) {
        llmc_client_set_max_retries(client, (int)retries);
        llmc_client_set_timeouts(client, 0, (long)(timeout * 1000));
        if (cacert)
            rc = llmc_client_set_ca_file(client, cacert, &err);
    }
    if (rc == LLMC_OK && system)
        rc = llmc_request_set_system(req, system);
    if (rc == LLMC_OK)
        rc = llmc_request_add_message(req, LLMC_ROLE_USER, prompt);
    if (rc == LLMC_OK && max_tokens > 0)
        rc = llmc_request_set_max_tokens(req, (long)max_tokens);
    if (rc == LLMC_OK && temperature >= 0)
        rc = llmc_request_set_temperature(req, temperature);
    if (rc == LLMC_OK && top_p >= 0)
        rc = llmc_request_set_top_p(req, top_p);
    for (int i = 0; rc == LLMC_OK && i < n_stops; i++)
        rc = llmc_request_add_stop(req, stops[i]);
    if (rc != LLMC_OK && err.code == LLMC_OK)
        err.code = rc;
    if (rc == LLMC_OK)
        rc = llmc_messages_create(client, req, &resp, &err);
    bool reported = false;
    if (rc == LLMC_E_AUTH && cli_can_prompt())
        rc = offer_new_key(client, req, &resp, &err, &reported);

    int exit_code = cli_exit_code(rc);
    if (rc == LLMC_OK) {
        cli_report_warning(&err);
        if (json) {
            print_json_response(resp);
        } else {
            const char *text = llmc_response_text(resp);
            fputs(text, stdout);
            if (!*text || text[strlen(text) - 1] != '\n')
                fputc('\n', stdout);
        }
        if (fflush(stdout) != 0)
            exit_code = EXIT_OTHER;
    } else {
        if (json)
            print_json_error(&err);
        if (!reported)
            cli_report_error(NULL, &err);
    }
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(client);
    free(prompt);
    return exit_code;
}
