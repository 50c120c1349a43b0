/* SPDX-License-Identifier: MIT */
/*
 * cmd_tokens.c — `llmc tokens [options] [PROMPT]`: how many input tokens a prompt would cost,
 * from the provider's own counter (Anthropic count_tokens), without running it. Takes the prompt
 * command's options (system prompt, attachments, schema, thinking, -o fields) so the count is of
 * the request that would be sent.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_all(FILE *in)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, in)) > 0) {
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

int cmd_tokens(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf(
                "usage: llmc tokens [-m PROVIDER/MODEL] [-s SYSTEM] [-a FILE]... [--json] [PROMPT...]\n"
                "\n"
                "Print how many input tokens PROMPT (or stdin) would cost, counted by the provider\n"
                "without running it. Anthropic only: the OpenAI-compatible providers have no counter\n"
                "(their replies' usage gives the count). Takes the prompt command's options.\n");
            return EXIT_OK;
        }
    cli_options o;
    int exit_code = cli_parse_options(argc, argv, &o);
    if (exit_code >= 0)
        return exit_code;
    char *prompt = NULL;
    if (o.first_arg < argc) {
        size_t len = 1;
        for (int i = o.first_arg; i < argc; i++)
            len += strlen(argv[i]) + 1;
        if ((prompt = malloc(len))) {
            prompt[0] = '\0';
            for (int i = o.first_arg; i < argc; i++) {
                strcat(prompt, argv[i]);
                if (i + 1 < argc)
                    strcat(prompt, " ");
            }
        }
    } else if (!isatty(STDIN_FILENO)) {
        prompt = read_all(stdin);
    } else {
        fprintf(stderr, "usage: llmc tokens [options] PROMPT (or the prompt on stdin)\n");
        return EXIT_USAGE;
    }
    if (!prompt || !*prompt) {
        free(prompt);
        fprintf(stderr, "llmc: error: the prompt is empty\n");
        return EXIT_USAGE;
    }
    llmc_client *client = NULL;
    llmc_request *req = NULL;
    llmc_error err;
    llmc_error_clear(&err);
    long n = 0;
    llmc_code rc = cli_setup(&o, &client, &req, &err);
    if (rc == LLMC_OK && (rc = llmc_request_add_message(req, LLMC_ROLE_USER, prompt, &err)) != LLMC_OK)
        cli_code(&err, rc);
    if (rc == LLMC_OK)
        rc = llmc_count_tokens(client, req, &n, &err);
    if (rc == LLMC_OK) {
        cli_report_warning(&err);
        if (o.json)
            printf("{\"input_tokens\": %ld}\n", n);
        else
            printf("%ld\n", n);
        exit_code = EXIT_OK;
    } else {
        if (o.json)
            cli_print_json_error(&err);
        cli_report_error(NULL, &err);
        exit_code = rc == LLMC_E_INVALID_ARG ? EXIT_USAGE : cli_exit_code(rc);
    }
    llmc_request_free(req);
    llmc_client_free(client);
    free(prompt);
    return exit_code;
}
