/* SPDX-License-Identifier: MIT */
/*
 * line_input.h — reading chat messages: libedit with history on a terminal, plain lines when
 * piped (line_input.c).
 */
#ifndef LLMC_LINE_INPUT_H
#define LLMC_LINE_INPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct cli_reader cli_reader;

/* A reader of stdin: with `tty`, line editing and the history file; else plain lines. NULL when
 * out of memory or libedit cannot start. */
cli_reader *cli_reader_open(bool tty);
/* The next message (a line, a multi-line paste or a `"""` block), without its line end; empty
 * lines are skipped. Returns a string to free(), or NULL at the end of input (Ctrl-D). */
char *cli_reader_next(cli_reader *r, const char *prompt, const char *more_prompt);
void cli_reader_close(cli_reader *r);

#endif
