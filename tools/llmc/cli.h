/* SPDX-License-Identifier: MIT */
/*
 * cli.h — what the llmc command's files share: exit codes by class, terminal styling, error
 * reporting with the diagnosis, and the subcommands' entry points.
 */
#ifndef LLMC_CLI_H
#define LLMC_CLI_H

#include "llmc/llmc.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit codes, by class of failure (documented in --help and llmc.1). */
enum {
    EXIT_OK = 0,
    EXIT_OTHER = 1,       /* anything not below (out of memory, local I/O, aborted) */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_AUTH = 3,        /* no usable key, key rejected or not allowed, insecure transport refused */
    EXIT_REQUEST = 4,     /* the request was refused: bad request, unknown model, configuration */
    EXIT_UNAVAILABLE = 5, /* rate limited, overloaded or a server error, after retries */
    EXIT_NETWORK = 6,     /* connection failed or timed out */
    EXIT_PROTOCOL = 7     /* the response was malformed or over a limit */
};

int cli_exit_code(llmc_code code);

/* Styling: only on a terminal, never with NO_COLOR set. */
typedef struct cli_style {
    const char *bold, *dim, *red, *yellow, *green, *reset;
} cli_style;
cli_style cli_style_for(FILE *stream);

/* Print "  label: text" to stderr: escaped (cli_safe), wrapped at the terminal's width on a
 * terminal (one line otherwise), continuation lines indented under the first. */
void cli_print_field(const cli_style *st, const char *label, const char *text);
/* `text` with every byte a terminal could act on shown escaped: ESC as \e, other control bytes
 * as \xNN, C1 controls as \u0080..\u009F, bytes that are not UTF-8 as \xNN. Into out[size]
 * (always terminated; cut when full); returns out. For anything a server sent. */
char *cli_safe(const char *text, char *out, size_t size);

/* Print an error (and its diagnosis, if any) to stderr in the human format. */
void cli_report_error(const char *what, const llmc_error *err);
/* Print a warning diagnosis (a repaired key) to stderr. */
void cli_report_warning(const llmc_error *err);

/* Secrets typed or piped in (prompt_key.c). cli_can_prompt: stdin and stderr are both
 * terminals, so a person can be asked (never when stdin is a pipe). cli_read_secret: on a
 * terminal, print `prompt` to stderr and read one line with echo off; otherwise read the first
 * line of stdin. The line end is dropped. Returns a new buffer to release with
 * cli_secret_free (which wipes it), or NULL on end of input or error. */
bool cli_can_prompt(void);
/* Ask a yes/no question on the terminal (stderr, one line from stdin); true for an answer
 * starting with y. */
bool cli_confirm(const char *question);
char *cli_read_secret(const char *prompt);
void cli_secret_free(char *secret);

/* Shared by keys and doctor (cmd_keys.c). cli_open_client: a client with the configuration file
 * loaded; NULL (the error printed, *exit_code set) when the file is bad. cli_check_provider: true
 * for a provider the client knows, otherwise false with the unknown-provider error (known ones,
 * "did you mean") on stderr; callers exit 4, as for an unknown provider in a model string.
 * cli_report_is_configured: some source holds (or tried to hold) a key for this provider — a
 * near-miss variable or a broken source counts, so that it fails loudly instead of being skipped.
 * cli_print_nothing_configured: the summary and fix lines when no provider has a key. */
llmc_client *cli_open_client(int *exit_code);
bool cli_check_provider(llmc_client *client, const char *name);
bool cli_report_is_configured(const llmc_key_report *report);
void cli_print_nothing_configured(FILE *out, const cli_style *st, llmc_client *client);

/* Options shared by the prompt and chat commands (options.c). */
typedef struct cli_options {
    const char *model, *system, *cacert, *key_name;
    double max_tokens, temperature, top_p, retries, timeout;
    bool json, verbose;
    bool model_from_flag; /* o->model came from -m (else from LLMC_MODEL) */
    int stream;           /* 1 stream, 0 wait; decided from the terminal when not given */
    const char *stops[16];
    int n_stops;
    /* the providers' newer features (options_features.c parses their values) */
    const char *effort;     /* --effort LEVEL */
    const char *thinking;   /* --thinking[=BUDGET|off|adaptive]: "" for bare --thinking; NULL unset */
    bool show_thinking;     /* --show-thinking */
    const char *schema;     /* --schema FILE|JSON */
    const char *cache;      /* --cache[=5m|1h]: "" for bare --cache; NULL unset */
    const char *fields[32]; /* -o NAME=JSON */
    int n_fields;
    const char *attachments[16]; /* -a FILE */
    int n_attachments;
    const char *anthropic_version;   /* --anthropic-version DATE */
    int first_arg;                   /* argv index of the first non-option argument */
    const char *template_name, *cid; /* -t NAME, --cid ID */
    bool continue_last, no_log;      /* -c, --no-log */
} cli_options;

/* A usage error: one line naming the problem, then where help is ("see `llmc CMD --help`";
 * `command` NULL for the top level). Always returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cli_usage(FILE *out);
/* Parse; returns -1 to go on, or the exit code to leave with (after --help, a bad option…). */
int cli_parse_options(int argc, char **argv, cli_options *o);
/* A client (configuration file loaded) and a request (model, system, sampling) from options. */
llmc_code cli_setup(const cli_options *o, llmc_client **client, llmc_request **req, llmc_error *err);
/* Apply the newer features' options to a client and request (options_features.c); a bad value
 * is LLMC_E_INVALID_ARG with the reason in err (the CLI exits 2). */
llmc_code cli_setup_features(const cli_options *o, llmc_client *client, llmc_request *req, llmc_error *err);
/* Route a model string as a call would (llmc_client_route: its alias resolved, an unknown
 * provider refused with model.unknown_provider and "did you mean"): *provider gets the provider,
 * *target "provider/model" (either may be NULL). `origin` names where the model came from
 * ("-m", "LLMC_MODEL", …) for the error's detail; NULL or "-m" adds none. */
llmc_code cli_provider_of(llmc_client *client, const char *model, const char *origin, char *provider, size_t size,
                          char *target, size_t target_size, llmc_error *err);
#define CLI_DEFAULT_MODEL "anthropic/claude-sonnet-4-6"
/* The rest of the options on a client whose config is loaded and a request for `model`: the
 * stored key (--key-name), retries, timeouts, trust, system prompt, sampling and the newer
 * features' options (cli_setup_features). */
llmc_code cli_apply_options(const cli_options *o, const char *model, llmc_client *client, llmc_request *req,
                            llmc_error *err);
/* Put rc into err when nothing has described the failure yet; returns rc. */
llmc_code cli_code(llmc_error *err, llmc_code rc);
llmc_code cli_nomem(llmc_error *err);

/* Repeating what was typed without repeating a secret (safe_args.c). cli_quotable: the word is
 * short and shaped like an option, provider or cause name, so an error may show it. cli_shown: the
 * word in quotes when quotable, else its length only (into buf). cli_option_error: the message for
 * getopt_long's '?' or ':' (call with opterr = 0 and an optstring starting with ':'), naming the
 * option but never its value; `command` is the subcommand for the --help hint (NULL: none). */
struct option;
bool cli_quotable(const char *word, size_t len);
const char *cli_shown(const char *word, char *buf, size_t size);
void cli_option_error(const char *command, int argc, char **argv, int c, const struct option *longopts);

/* Output (render.c): send (streaming to the terminal when o->stream), then print the reply. */
llmc_code cli_send(llmc_client *client, const llmc_request *req, const cli_options *o, llmc_response **out,
                   llmc_error *err);
/* Print a finished reply; EXIT_OK, or EXIT_PROTOCOL when a --schema reply is not JSON (its text and
 * the reason are printed). */
int cli_print_reply(const llmc_response *resp, const cli_options *o);
void cli_print_json_response(const llmc_response *r);
void cli_print_json_error(const llmc_error *err);

/* Prices (prices.c): US dollars per million tokens, from a [price MODEL] section of the config
 * or the built-in table (data/prices.tsv). */
typedef struct cli_price {
    double input, output, cache_write, cache_read;
    char source[96]; /* where the price came from, for -v */
} cli_price;
typedef struct cli_tokens {
    long input_tokens, output_tokens, cache_read_tokens, cache_write_tokens;
    bool input_includes_cache; /* OpenAI-compatible: prompt_tokens counts the cached ones too */
} cli_tokens;
/* The price of `model` ("provider/model", as sent) or of what the provider said served it
 * (`served_model`, e.g. a dated snapshot; may be NULL). false when none is known. */
bool cli_price_find(llmc_client *client, const char *model, const char *provider, const char *served_model,
                    cli_price *out);
double cli_cost(const cli_price *p, const cli_tokens *u);
cli_tokens cli_usage_of(const llmc_response *resp);
/* "$0.000123", "$1.2345", or "?" for a negative (unknown) cost. */
void cli_format_cost(char *buf, size_t size, double cost);

/* The log of exchanges (log_db.c): SQLite at $XDG_DATA_HOME/llmc/logs.db. */
typedef struct cli_log cli_log;
typedef struct cli_log_problem {
    char what[1400]; /* the problem, naming the file */
    char fix[1200];
} cli_log_problem;
typedef struct cli_exchange {
    const char *conversation_id, *command, *provider, *model, *served_model, *template_name, *system, *prompt;
    const char *reply, *thinking, *tool_calls, *assistant_turn, *request_id;
    const char *error_class, *error_cause; /* NULL on success */
    cli_tokens usage;
    double cost; /* < 0: unknown */
    long duration_ms;
} cli_exchange;
bool cli_log_path(char *buf, size_t size);
int cli_log_schema_version(void);
/* Open the log; with `create`, make it (0600, WAL) and bring its schema up to date. NULL with
 * *problem filled when it cannot be used. */
cli_log *cli_log_open(bool create, cli_log_problem *problem);
void cli_log_close(cli_log *log);
const char *cli_log_file(const cli_log *log);
struct sqlite3;
struct sqlite3 *cli_log_db(cli_log *log);
/* Add an exchange; *id (may be NULL) gets its row id. */
bool cli_log_add(cli_log *log, const cli_exchange *x, long long *id, cli_log_problem *problem);
/* Mark exchange `id` as replaced by a /retry: kept for usage, no longer resent by -c. */
bool cli_log_supersede(cli_log *log, long long id);
bool cli_log_last_conversation(cli_log *log, char *id, size_t size);
/* "llmc: warning: WHAT_WAS_LOST: problem" and the fix, on stderr. */
void cli_log_report(const cli_log_problem *p, const char *what_was_lost);
/* A new conversation id (a ULID: 26 characters, sorted by time). */
void cli_log_new_id(char out[27]);

/* Conversations (conversation.c). */
typedef struct cli_resumed {
    char model[256]; /* the model of its last exchange */
    char *system;    /* and its system prompt (owned; NULL when none) */
} cli_resumed;
char *cli_assistant_turn_json(const llmc_response *resp);
char *cli_tool_calls_json(const llmc_response *resp);
char *cli_thinking_text(const llmc_response *resp);
bool cli_conversation_exists(cli_log *log, const char *cid);
/* Add the successful exchanges of conversation `cid` to `req` (when not NULL) as user and
 * assistant turns; returns how many, or -1 on failure. */
int cli_conversation_load(cli_log *log, const char *cid, llmc_request *req, cli_resumed *out);
/* Each successful exchange of `cid` in order, as prompt and reply text. */
void cli_conversation_pairs(cli_log *log, const char *cid, void (*fn)(void *, const char *, const char *),
                            void *userdata);

/* A session (session.c): the client, the request and what the log needs, for the prompt and chat
 * commands. Start picks the model (-m, the template's, the continued conversation's,
 * $LLMC_MODEL, the config's, the built-in default), the system prompt and options (flags, the
 * template, the conversation, the alias), and with -c / --cid loads the earlier turns. */
typedef struct cli_session {
    cli_options o; /* with the template's settings filled in */
    llmc_client *client;
    llmc_request *req;
    const char *command; /* "prompt" or "chat" */
    char model[256];     /* the model string in use, as given (may be an alias) */
    char target[256];    /* provider/model after the alias */
    char provider[64];
    char model_from[300]; /* where the model came from, for -v */
    char *system;         /* the system prompt in use (owned) */
    char cid[32];         /* the conversation id */
    int resumed_turns;
    bool log_on;
    cli_log *log;
    bool log_warned;
    long long last_log_id; /* the row of the last exchange logged, 0 when none */
} cli_session;
llmc_code cli_session_start(cli_session *s, const cli_options *o, const char *command, llmc_error *err);
void cli_session_end(cli_session *s);
/* Switch model (chat's /model): checks the key for it statically first. */
llmc_code cli_session_set_model(cli_session *s, const char *model, llmc_error *err);
llmc_code cli_session_set_system(cli_session *s, const char *system);
/* chat's /retry: the last logged exchange is replaced, so -c must not send it back. */
void cli_session_supersede_last(cli_session *s);
/* A fresh conversation (chat's /clear): no turns, a new id. */
llmc_code cli_session_clear(cli_session *s);
/* Check the key of the session's provider without sending anything (static checks, key command). */
llmc_code cli_session_check_key(cli_session *s, llmc_error *err);
/* After a call: -v's usage and cost lines, and the exchange into the log (never failing the
 * command: a problem is a warning). */
void cli_session_record(cli_session *s, const char *prompt, const llmc_response *resp, const llmc_error *err,
                        long duration_ms);
/* A template's prompt with $input replaced by `input` (NULL: no template prompt). */
char *cli_template_apply(const char *tmpl, const char *input);
long cli_now_ms(void);

/* The offer of a new key after a 401 on a terminal (cmd_prompt.c): shared by prompt and chat.
 * *reported is set when `err` has already been printed. */
llmc_code cli_offer_new_key(llmc_client *client, const llmc_request *req, const cli_options *o, llmc_response **resp,
                            llmc_error *err, bool *reported);

/* The cost of a batch run (batch_cost.c): the succeeded lines appended to `out_path` past
 * offset `from` (its size before the run), priced by the model their input line named; remote
 * runs (remote_id not "") at half price, as the providers bill their batch engines. */
typedef struct cli_batch_cost_total {
    double cost;
    size_t priced, unpriced;
} cli_batch_cost_total;
long cli_file_size(const char *path);
void cli_batch_cost(llmc_client *client, const char *out_path, long from, const char *in_path,
                    const char *default_provider, const char *remote_id, cli_batch_cost_total *out);

/* config set / unset (config_edit.c): exit codes. */
int cli_config_set(const char *path, const char *key, const char *value);
int cli_config_unset(const char *path, const char *key);

/* Subcommands: argv[0] is the subcommand's name. Each returns an exit code. */
int cmd_prompt(int argc, char **argv);
int cmd_chat(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_tokens(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_usage(int argc, char **argv);
int cmd_complete(int argc, char **argv);

#endif
