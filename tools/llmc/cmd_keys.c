/* SPDX-License-Identifier: MIT */
/*
 * cmd_keys.c — `llmc keys set|list|check|rm|path`: the key store from the command line. A key
 * enters only through a hidden prompt or a pipe (never argv, which `ps` shows), is checked by the
 * library before it is kept, and is only ever shown again as its fingerprint.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc keys set PROVIDER [--label LABEL] [--check] [--force]\n"
            "                             store a key, read with echo off (or the first line of stdin\n"
            "                             when piped); --check asks the provider first, stores the key\n"
            "                             only if it is accepted and marks it verified; replacing a\n"
            "                             stored label asks first on a terminal and needs --force otherwise\n"
            "       llmc keys list [PROVIDER] [--json]\n"
            "                             stored keys by fingerprint, label and verified/rejected times\n"
            "       llmc keys check [PROVIDER...]\n"
            "                             ask each provider whether the key llmc would send is accepted\n"
            "                             (every provider with a key when none is named)\n"
            "       llmc keys rm PROVIDER [--label LABEL | --all]\n"
            "                             remove the key labelled LABEL (default: \"default\") or all\n"
            "       llmc keys path            where the store is (0600; refused when others can read it, or\n"
            "                                 when its directory is another user's or writable by others)\n");
}

llmc_client *cli_open_client(int *exit_code)
{
    llmc_client *client = llmc_client_new();
    if (!client) {
        fprintf(stderr, "llmc: error: out of memory\n");
        *exit_code = EXIT_OTHER;
        return NULL;
    }
    llmc_error err;
    llmc_error_clear(&err);
    if (llmc_client_load_config(client, NULL, &err) != LLMC_OK) {
        cli_report_error("configuration", &err);
        *exit_code = cli_exit_code(err.code);
        llmc_client_free(client);
        return NULL;
    }
    return client;
}

bool cli_check_provider(llmc_client *client, const char *name)
{
    for (size_t i = 0; llmc_client_provider_at(client, i); i++)
        if (strcmp(llmc_client_provider_at(client, i), name) == 0)
            return true;
    if (!cli_quotable(name, strlen(name))) {
        /* not shaped like a name: perhaps a key typed where the provider goes; never repeat it */
        char shown[96];
        fprintf(stderr, "llmc: error: unknown provider %s; known:", cli_shown(name, shown, sizeof shown));
        for (size_t i = 0; llmc_client_provider_at(client, i); i++)
            fprintf(stderr, " %s", llmc_client_provider_at(client, i));
        fprintf(stderr, "\n");
        return false;
    }
    /* the library words the error (known providers, endpoints, "did you mean") as routing does */
    llmc_key_report r;
    llmc_client_inspect_key(client, name, &r);
    cli_report_error(NULL, &r.result);
    return false;
}

bool cli_report_is_configured(const llmc_key_report *r)
{
    for (size_t i = 0; i < r->n_candidates; i++)
        if (r->candidates[i].present)
            return true;
    /* A near-miss variable or a broken source is someone's attempt at a key: it must fail, not
     * pass as "not configured". */
    if (r->n_near_miss > 0)
        return true;
    return r->result.code != LLMC_OK && r->result.diagnosis.cause != LLMC_CAUSE_KEY_MISSING;
}

void cli_print_nothing_configured(FILE *out, const cli_style *st, llmc_client *client)
{
    fprintf(out, "%sno provider has a key.%s\n", st->red, st->reset);
    size_t n = 0;
    while (llmc_client_provider_at(client, n))
        n++;
    fprintf(out, "  fix:  store one with `llmc keys set %s`", n ? llmc_client_provider_at(client, 0) : "anthropic");
    for (size_t i = 1; i < n; i++)
        fprintf(out, "%s %s", i == 1 ? " (or" : (i + 1 == n ? " or" : ","), llmc_client_provider_at(client, i));
    fprintf(out, "%s, read with echo off, kept 0600),\n        or export", n > 1 ? ")" : "");
    for (size_t i = 0; i < n; i++) {
        llmc_key_report r;
        if (llmc_client_inspect_key(client, llmc_client_provider_at(client, i), &r) != LLMC_OK || !r.key_env[0])
            continue;
        fprintf(out, "%s %s", i == 0 ? "" : (i + 1 == n ? " or" : ","), r.key_env);
    }
    fprintf(out, "\n  more: llmc explain key.missing\n");
}

/* "2026-11-25 03:50" in local time, or "never". */
static const char *when(long long t, char *buf, size_t size)
{
    if (t <= 0)
        return "never";
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(buf, size, "%lld", t);
    return buf;
}

/* Every stored key (of `provider`, or all); *n gets the count. NULL (reported) on error. */
static llmc_stored_key *list_keys(const char *provider, size_t *n, llmc_error *err)
{
    size_t cap = 32, count = 0;
    for (;;) {
        llmc_stored_key *keys = calloc(cap, sizeof *keys);
        if (!keys) {
            err->code = LLMC_E_NOMEM;
            return NULL;
        }
        if (llmc_key_store_list(provider, keys, cap, &count, err) != LLMC_OK) {
            free(keys);
            return NULL;
        }
        if (count <= cap) {
            *n = count;
            return keys;
        }
        free(keys);
        cap = count;
    }
}

static bool find_stored(const char *provider, const char *label, llmc_stored_key *out)
{
    llmc_error err;
    llmc_error_clear(&err);
    size_t n = 0;
    llmc_stored_key *keys = list_keys(provider, &n, &err);
    bool found = false;
    for (size_t i = 0; keys && i < n && !found; i++)
        if (strcmp(keys[i].label, label) == 0) {
            *out = keys[i];
            found = true;
        }
    free(keys);
    return found;
}

/* After storing: if an earlier source is set, requests use it (or fail on it) and never reach
 * the key just stored; say so now, naming that source and how to step past it. */
static void note_shadowing(llmc_client *client, const char *provider, const char *label)
{
    llmc_key_report r;
    if (llmc_client_inspect_key(client, provider, &r) != LLMC_OK)
        return;
    for (size_t i = 0; i < r.n_candidates; i++) {
        const llmc_key_candidate *c = &r.candidates[i];
        if (!c->present || c->source == LLMC_SOURCE_STORE)
            continue;
        char fp[64] = "";
        if (c->fingerprint[0])
            snprintf(fp, sizeof fp, " (%s)", c->fingerprint);
        const char *state = c->chosen ? "requests use it" : "requests fail on it";
        fprintf(stderr, "llmc: note: %s %s%s is set and comes before the key store: %s, not the stored key \"%s\"",
                llmc_key_source_name(c->source), c->source_name, fp, state, label);
        if (c->source == LLMC_SOURCE_ENV)
            fprintf(stderr, "; `unset %s` to use the stored key\n", c->source_name);
        else if (c->source == LLMC_SOURCE_FILE)
            fprintf(stderr, "; unset %s_FILE to use the stored key\n", r.key_env);
        else
            fprintf(stderr, "; remove it from the config file to use the stored key\n");
        return;
    }
}

static int keys_set(int argc, char **argv)
{
    const char *provider = NULL, *label = NULL;
    bool check = false, force = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--label") == 0 && i + 1 < argc)
            label = argv[++i];
        else if (strncmp(argv[i], "--label=", 8) == 0)
            label = argv[i] + 8;
        else if (strcmp(argv[i], "--check") == 0)
            check = true;
        else if (strcmp(argv[i], "--force") == 0)
            force = true;
        else if (argv[i][0] != '-' && !provider)
            provider = argv[i];
        else {
            char shown_[96];
            return cli_usage_error("keys", "unexpected %s for keys set", cli_shown(argv[i], shown_, sizeof shown_));
        }
    }
    if (!provider)
        return cli_usage_error("keys", "keys set needs a PROVIDER");
    if (!label)
        label = "default";
    int exit_code = EXIT_OK;
    llmc_client *client = cli_open_client(&exit_code);
    if (!client)
        return exit_code;
    if (!cli_check_provider(client, provider)) {
        llmc_client_free(client);
        return EXIT_REQUEST;
    }
    /* replacing a key loses the old one: ask at a terminal, insist on --force in a script */
    llmc_stored_key existing;
    bool tty = isatty(STDIN_FILENO);
    if (!force && find_stored(provider, label, &existing)) {
        char question[256];
        snprintf(question, sizeof question, "Replace the stored %s key \"%s\" (%s)? [y/N] ", provider, label,
                 existing.fingerprint);
        if (!cli_can_prompt()) {
            llmc_client_free(client);
            return cli_usage_error("keys",
                                   "a %s key labelled \"%s\" (%s) is already stored: add --force to replace it, or "
                                   "--label NAME to keep both",
                                   provider, label, existing.fingerprint);
        }
        if (!cli_confirm(question)) {
            fprintf(stderr, "llmc: kept the stored key; nothing changed\n");
            llmc_client_free(client);
            return EXIT_USAGE;
        }
    }
    char prompt[128];
    snprintf(prompt, sizeof prompt, "Key for %s (input hidden): ", provider);
    char *key = cli_read_secret(prompt);
    if (!key || !*key) {
        fprintf(stderr,
                "llmc: error: no key was given (type it at the prompt, or pipe it: "
                "`pass show %s | llmc keys set %s`)\n",
                provider, provider);
        cli_secret_free(key);
        llmc_client_free(client);
        return EXIT_USAGE;
    }
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = LLMC_OK;
    if (check) {
        /* Asked before storing, so a rejected key never lands in the store. */
        rc = llmc_client_set_key(client, provider, key, &err);
        if (rc == LLMC_OK)
            rc = llmc_client_validate(client, provider, &err);
        llmc_client_set_key(client, provider, NULL, NULL);
        if (rc != LLMC_OK) {
            /* The library calls it llmc_client_set_key; the user knows it as what they typed. */
            if (err.diagnosis.source == LLMC_SOURCE_EXPLICIT)
                snprintf(err.diagnosis.source_name, sizeof err.diagnosis.source_name, "%s",
                         tty ? "key typed at the prompt" : "key read from stdin");
            cli_secret_free(key);
            cli_report_error("the key was not stored", &err);
            llmc_client_free(client);
            return cli_exit_code(rc);
        }
    }
    llmc_error_clear(&err);
    rc = llmc_key_store_set(provider, label, key, &err);
    cli_secret_free(key);
    if (rc != LLMC_OK) {
        cli_report_error("the key was not stored", &err);
        llmc_client_free(client);
        return cli_exit_code(rc);
    }
    cli_report_warning(&err);
    char path[1024] = "";
    llmc_error perr;
    llmc_key_store_path(path, sizeof path, &perr);
    llmc_stored_key sk;
    if (find_stored(provider, label, &sk))
        printf("stored the %s key \"%s\" (%s) in %s\n", provider, label, sk.fingerprint, path);
    else
        printf("stored the %s key \"%s\" in %s\n", provider, label, path);
    if (check) {
        /* validated as typed before it was stored; once more from the store, which marks it verified */
        llmc_error_clear(&err);
        if (llmc_client_use_stored_key(client, provider, label, &err) == LLMC_OK &&
            llmc_client_validate(client, provider, &err) == LLMC_OK)
            printf("checked: %s accepted it (marked verified)\n", provider);
        else
            printf("checked: %s accepted it\n", provider);
        llmc_client_use_stored_key(client, provider, NULL, NULL);
    }
    note_shadowing(client, provider, label);
    llmc_client_free(client);
    return EXIT_OK;
}

static int keys_list(int argc, char **argv)
{
    const char *provider = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] != '-' && !provider)
            provider = argv[i];
        else {
            char shown_[96];
            return cli_usage_error("keys", "unexpected %s for keys list", cli_shown(argv[i], shown_, sizeof shown_));
        }
    }
    llmc_error err;
    llmc_error_clear(&err);
    size_t n = 0;
    llmc_stored_key *keys = list_keys(provider, &n, &err);
    if (!keys) {
        cli_report_error("cannot read the key store", &err);
        return cli_exit_code(err.code);
    }
    char path[1024] = "";
    llmc_key_store_path(path, sizeof path, NULL);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "provider", keys[i].provider, "label", keys[i].label,
                               "fingerprint", keys[i].fingerprint, "added", (json_int_t)keys[i].added, "last_verified",
                               (json_int_t)keys[i].last_verified, "last_rejected", (json_int_t)keys[i].last_rejected));
        json_t *root = json_pack("{s:s, s:o}", "path", path, "keys", arr);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(root);
        free(keys);
        return EXIT_OK;
    }
    if (n == 0) {
        printf("no %s%skeys stored in %s\n", provider ? provider : "", provider ? " " : "", path);
        free(keys);
        return EXIT_OK;
    }
    cli_style st = cli_style_for(stdout);
    int wl = 5;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(keys[i].label) > wl)
            wl = (int)strlen(keys[i].label);
    printf("%s%-10s %-*s  %-16s %-16s  %-16s  %s%s\n", st.bold, "PROVIDER", wl, "LABEL", "FINGERPRINT", "ADDED",
           "VERIFIED", "REJECTED", st.reset);
    for (size_t i = 0; i < n; i++) {
        char a[32], v[32], r[32];
        bool bad = keys[i].last_rejected > 0;
        /* The fingerprint column is padded by hand: "…" is one column but three bytes. */
        printf("%-10s %-*s  %s", keys[i].provider, wl, keys[i].label, keys[i].fingerprint);
        size_t cols = 0;
        for (const char *p = keys[i].fingerprint; *p; p++)
            cols += ((unsigned char)*p & 0xC0) != 0x80;
        for (; cols < 17; cols++)
            putchar(' ');
        printf("%-16s  %-16s  %s%s%s%s\n", when(keys[i].added, a, sizeof a), when(keys[i].last_verified, v, sizeof v),
               bad ? st.red : "", when(keys[i].last_rejected, r, sizeof r), bad ? " (rejected: skipped)" : "",
               bad ? st.reset : "");
    }
    free(keys);
    return EXIT_OK;
}

static int keys_check(int argc, char **argv)
{
    int exit_code = EXIT_OK;
    llmc_client *client = cli_open_client(&exit_code);
    if (!client)
        return exit_code;
    const char *named[64];
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' || n == 64) {
            llmc_client_free(client);
            {
                char shown_[96];
                return cli_usage_error("keys", "unexpected %s for keys check",
                                       cli_shown(argv[i], shown_, sizeof shown_));
            }
        }
        if (!cli_check_provider(client, argv[i])) {
            llmc_client_free(client);
            return EXIT_REQUEST;
        }
        named[n++] = argv[i];
    }
    bool all = n == 0;
    if (all)
        for (size_t i = 0; llmc_client_provider_at(client, i) && n < 64; i++)
            named[n++] = llmc_client_provider_at(client, i);
    cli_style st = cli_style_for(stdout);
    size_t checked = 0;
    for (size_t i = 0; i < n; i++) {
        llmc_key_report r;
        llmc_client_inspect_key(client, named[i], &r);
        if (all && !cli_report_is_configured(&r))
            continue;
        checked++;
        llmc_error err;
        llmc_error_clear(&err);
        /* A key that cannot even be resolved is reported as inspection found it: validating would
         * only resolve it again (and re-run a failing key command to its time limit). */
        llmc_code rc = r.result.code;
        if (rc != LLMC_OK)
            err = r.result;
        else
            rc = llmc_client_validate(client, named[i], &err);
        if (rc == LLMC_OK) {
            const llmc_key_candidate *c = NULL;
            for (size_t j = 0; j < r.n_candidates && !c; j++)
                if (r.candidates[j].chosen)
                    c = &r.candidates[j];
            printf("%-10s %sok%s", named[i], st.green, st.reset);
            if (c)
                printf("      %s %s (%s)", llmc_key_source_name(c->source), c->source_name, c->fingerprint);
            printf("\n");
            cli_report_warning(&err);
        } else {
            const llmc_cause_info *info = llmc_cause_info_get(err.diagnosis.cause);
            printf("%-10s %sFAILED%s  %s\n", named[i], st.red, st.reset, info ? info->id : llmc_strerror(rc));
            fflush(stdout);
            cli_report_error(named[i], &err);
            if (exit_code == EXIT_OK)
                exit_code = cli_exit_code(rc);
        }
    }
    if (checked == 0) {
        cli_style est = cli_style_for(stderr);
        cli_print_nothing_configured(stderr, &est, client);
        exit_code = EXIT_AUTH;
    }
    llmc_client_free(client);
    return exit_code;
}

static int keys_rm(int argc, char **argv)
{
    const char *provider = NULL, *label = NULL;
    bool all = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--label") == 0 && i + 1 < argc)
            label = argv[++i];
        else if (strncmp(argv[i], "--label=", 8) == 0)
            label = argv[i] + 8;
        else if (strcmp(argv[i], "--all") == 0)
            all = true;
        else if (argv[i][0] != '-' && !provider)
            provider = argv[i];
        else {
            char shown_[96];
            return cli_usage_error("keys", "unexpected %s for keys rm", cli_shown(argv[i], shown_, sizeof shown_));
        }
    }
    if (!provider)
        return cli_usage_error("keys", "keys rm needs a PROVIDER");
    if (all && label)
        return cli_usage_error("keys", "--label and --all do not go together");
    if (!all && !label)
        label = "default";
    llmc_error err;
    llmc_error_clear(&err);
    size_t before = 0, after = 0;
    llmc_stored_key *keys = list_keys(provider, &before, &err);
    llmc_error_clear(&err);
    llmc_code rc = llmc_key_store_remove(provider, all ? NULL : label, &err);
    if (rc == LLMC_E_NOT_FOUND) {
        if (all)
            fprintf(stderr, "llmc: error: no %s keys are stored\n", provider);
        else
            fprintf(stderr, "llmc: error: no %s key labelled \"%s\" is stored", provider, label);
        if (!all && keys && before > 0) {
            fprintf(stderr, "; labels:");
            for (size_t i = 0; i < before; i++)
                fprintf(stderr, " %s", keys[i].label);
        }
        if (!all)
            fputc('\n', stderr);
        free(keys);
        return EXIT_USAGE; /* naming a key that is not there is the command line's mistake */
    }
    free(keys);
    if (rc != LLMC_OK) {
        cli_report_error("cannot remove the key", &err);
        return cli_exit_code(rc);
    }
    free(list_keys(provider, &after, &err));
    size_t gone = before > after ? before - after : 1;
    printf("removed %zu %s key%s\n", gone, provider, gone == 1 ? "" : "s");
    return EXIT_OK;
}

static int keys_path(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return cli_usage_error("keys", "keys path takes nothing more");
    char path[1024];
    llmc_error err;
    llmc_error_clear(&err);
    if (llmc_key_store_path(path, sizeof path, &err) != LLMC_OK) {
        cli_report_error("cannot locate the key store", &err);
        return cli_exit_code(err.code);
    }
    printf("%s\n", path);
    return EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("keys", "keys needs a command: set, list, check, rm or path");
    const char *sub = argv[1];
    if (strcmp(sub, "set") == 0 || strcmp(sub, "add") == 0)
        return keys_set(argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0)
        return keys_list(argc - 1, argv + 1);
    if (strcmp(sub, "check") == 0)
        return keys_check(argc - 1, argv + 1);
    if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
        return keys_rm(argc - 1, argv + 1);
    if (strcmp(sub, "path") == 0)
        return keys_path(argc - 1, argv + 1);
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    char shown[96];
    return cli_usage_error("keys", "unknown keys command %s (set, list, check, rm or path)",
                           cli_shown(sub, shown, sizeof shown));
}
