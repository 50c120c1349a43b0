/* SPDX-License-Identifier: MIT */
/*
 * cmd_chat.c — `llmc chat`: a multi-turn conversation at the terminal. Each line typed is a
 * user turn; the reply streams back and joins the history (llmc_request_add_response), so the
 * model sees the whole session. Ctrl-D (or /exit) ends it; /reset forgets the history.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void chat_help(FILE *out)
{
    fprintf(out,
            "usage: llmc chat [-m PROVIDER/MODEL] [-s SYSTEM] [--max-tokens N] [--temperature T] [--no-stream]\n"
            "\n"
            "Type a message and press Enter; the reply streams back. The whole conversation is\n"
            "sent each turn. Commands: /reset forgets the history, /exit (or Ctrl-D) ends.\n");
}

/* A fresh request with the same model, system prompt and sampling: what /reset starts from. */
static llmc_request *fresh_request(const cli_options *o, llmc_client *client)
{
    llmc_client *unused = NULL;
    llmc_request *req = NULL;
    llmc_error err;
    llmc_error_clear(&err);
    (void)client;
    if (cli_setup(o, &unused, &req, &err) != LLMC_OK) {
        llmc_request_free(req);
        req = NULL;
    }
    llmc_client_free(unused);
    return req;
}

int cmd_chat(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            chat_help(stdout);
            return EXIT_OK;
        }
    cli_options o;
    int exit_code = cli_parse_options(argc, argv, &o);
    if (exit_code >= 0)
        return exit_code;
    if (o.first_arg < argc) {
        chat_help(stderr);
        return EXIT_USAGE;
    }
    bool interactive = isatty(STDIN_FILENO);
    /* at a terminal the reply streams; piped, each reply is printed whole unless --stream */
    llmc_client *client = NULL;
    llmc_request *req = NULL;
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = cli_setup(&o, &client, &req, &err);
    if (rc != LLMC_OK) {
        cli_report_error(NULL, &err);
        llmc_request_free(req);
        llmc_client_free(client);
        return cli_exit_code(rc);
    }
    cli_style st = cli_style_for(stdout);
    if (interactive)
        fprintf(stderr, "%sllmc chat — Ctrl-D or /exit to end, /reset to start over%s\n", st.dim, st.reset);
    exit_code = EXIT_OK;
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        if (interactive) {
            fprintf(stdout, "%s> %s", st.bold, st.reset);
            fflush(stdout);
        }
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) {
            if (interactive)
                fputc('\n', stdout);
            break;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (strcmp(line, "/exit") == 0 || strcmp(line, "/quit") == 0)
            break;
        if (strcmp(line, "/reset") == 0) {
            llmc_request *fresh = fresh_request(&o, client);
            if (fresh) {
                llmc_request_free(req);
                req = fresh;
                fprintf(stderr, "%s(history cleared)%s\n", st.dim, st.reset);
            }
            continue;
        }
        if (llmc_request_add_message(req, LLMC_ROLE_USER, line) != LLMC_OK) {
            exit_code = EXIT_OTHER;
            break;
        }
        llmc_response *resp = NULL;
        llmc_error_clear(&err);
        rc = cli_send(client, req, &o, &resp, &err);
        if (rc != LLMC_OK) {
            cli_report_error(NULL, &err);
            exit_code = cli_exit_code(rc);
            /* a key problem will not fix itself between turns; other failures may */
            if (exit_code == EXIT_AUTH || !interactive)
                break;
            /* drop the unanswered turn so the history stays user/assistant alternating */
            llmc_request_drop_last_turn(req);
            continue;
        }
        cli_report_warning(&err);
        cli_print_reply(resp, &o);
        fflush(stdout);
        if (llmc_request_add_response(req, resp) != LLMC_OK)
            exit_code = EXIT_OTHER;
        llmc_response_free(resp);
        if (exit_code != EXIT_OK)
            break;
    }
    free(line);
    llmc_request_free(req);
    llmc_client_free(client);
    return exit_code;
}
