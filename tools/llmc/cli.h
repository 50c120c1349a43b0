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
    const char *anthropic_version; /* --anthropic-version DATE */
    int first_arg;                 /* argv index of the first non-option argument */
} cli_options;

void cli_usage(FILE *out);
/* Parse; returns -1 to go on, or the exit code to leave with (after --help, a bad option…). */
int cli_parse_options(int argc, char **argv, cli_options *o);
/* A client (configuration file loaded) and a request (model, system, sampling) from options. */
llmc_code cli_setup(const cli_options *o, llmc_client **client, llmc_request **req, llmc_error *err);
/* Apply the newer features' options to a client and request (options_features.c); a bad value
 * is LLMC_E_INVALID_ARG with the reason in err (the CLI exits 2). */
llmc_code cli_setup_features(const cli_options *o, llmc_client *client, llmc_request *req, llmc_error *err);
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

#endif
