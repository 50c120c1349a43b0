/* SPDX-License-Identifier: MIT */
/*
 * cmd_prompt.c — the default command: send one prompt, print the reply. The prompt comes from
 * the arguments, from stdin when it is piped, or both (arguments first). Text goes to stdout,
 * everything else to stderr; --json prints the normalized response for machines. A template (-t)
 * wraps the prompt; -c / --cid continue a logged conversation; the exchange goes to the log.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A rejected key need not end a session at a terminal: show why, ask for a new key (hidden),
 * retry once with it, and keep it in the store only after the provider accepted it. Never called
 * when stdin is not a terminal: a script must fail at once, not wait on a prompt. Shared with `llmc chat`
 * (cli.h). *reported is set when the error in `err` has already been printed. */
llmc_code cli_offer_new_key(llmc_client *client, const llmc_request *req, const cli_options *o, llmc_response **resp,
                            llmc_error *err, bool *reported)
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
    rc = cli_send(client, req, o, resp, err);
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
            fprintf(stderr,
                    "llmc: note: %s %s still holds the rejected key and comes before the store; "
                    "remove or update it\n",
                    llmc_key_source_name(old_source), old_name);
    } else {
        cli_report_error("the new key worked but was not stored", &store_err);
    }
    cli_secret_free(key);
    return rc;
}

int cmd_prompt(int argc, char **argv)
{
    cli_options o;
    int exit_code = cli_parse_options(argc, argv, &o);
    if (exit_code >= 0)
        return exit_code;
    if (o.first_arg >= argc && isatty(STDIN_FILENO))
        return cli_usage_error(NULL, "no prompt: give it as arguments or pipe it in");
    char *input = gather_prompt(argc - o.first_arg, argv + o.first_arg);
    if (!input) {
        fprintf(stderr, "llmc: error: could not read the prompt from stdin\n");
        return EXIT_OTHER;
    }
    if (!*input) {
        free(input);
        return cli_usage_error(NULL, "the prompt is empty");
    }

    cli_session s;
    llmc_response *resp = NULL;
    llmc_error err;
    llmc_error_clear(&err);
    char *prompt = NULL;
    llmc_code rc = cli_session_start(&s, &o, "prompt", &err);
    if (rc == LLMC_OK) {
        const char *tmpl =
            o.template_name ? llmc_client_config_value(s.client, "template", o.template_name, "prompt") : NULL;
        prompt = tmpl ? cli_template_apply(tmpl, input) : strdup(input);
        if (!prompt)
            rc = cli_nomem(&err);
    }
    if (rc == LLMC_OK && (rc = llmc_request_add_message(s.req, LLMC_ROLE_USER, prompt, &err)) != LLMC_OK)
        cli_code(&err, rc);
    long started = cli_now_ms();
    bool sent = rc == LLMC_OK;
    if (rc == LLMC_OK)
        rc = cli_send(s.client, s.req, &s.o, &resp, &err);
    bool reported = false;
    if (rc == LLMC_E_AUTH && cli_can_prompt())
        rc = cli_offer_new_key(s.client, s.req, &s.o, &resp, &err, &reported);

    /* a value on the command line the library refused (-o, --schema, -a), --cid naming no
     * conversation, or -c with nothing to continue: the command line's fault */
    exit_code = rc == LLMC_E_INVALID_ARG && !resp ? EXIT_USAGE : cli_exit_code(rc);
    if (rc == LLMC_OK) {
        cli_report_warning(&err);
        exit_code = cli_print_reply(resp, &s.o);
        if (fflush(stdout) != 0)
            exit_code = EXIT_OTHER;
    } else {
        if (o.json)
            cli_print_json_error(&err);
        if (!reported)
            cli_report_error(NULL, &err);
    }
    /* the reply is out before the log is written: a log that fails costs only its entry */
    if (sent)
        cli_session_record(&s, prompt, rc == LLMC_OK ? resp : NULL, &err, cli_now_ms() - started);
    llmc_response_free(resp);
    cli_session_end(&s);
    free(prompt);
    free(input);
    return exit_code;
}
