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

/* Print "  label: text" to stderr, indenting continuation lines and naming the provider where
 * the text says PROVIDER. */
void cli_print_field(const cli_style *st, const char *label, const char *text, const char *provider);

/* Print an error (and its diagnosis, if any) to stderr in the human format. */
void cli_report_error(const char *what, const llmc_error *err);
/* Print a warning diagnosis (a repaired key) to stderr. */
void cli_report_warning(const llmc_error *err);

/* Subcommands: argv[0] is the subcommand's name. Each returns an exit code. */
int cmd_prompt(int argc, char **argv);

#endif
