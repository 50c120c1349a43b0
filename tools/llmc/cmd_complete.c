/* SPDX-License-Identifier: MIT */
/*
 * cmd_complete.c — `llmc __complete KIND`: the words the shell completions offer, one a line,
 * read from what llmc knows: model strings (each provider's prefix, the config's aliases and
 * endpoints, and the models cache that `llmc models` keeps), template names, stored key labels,
 * cause ids, providers and the latest conversation ids of the log. Never prints a key; prints nothing on any error (a completion must
 * not spill messages into the user's command line).
 */
#include "cli.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* $XDG_CACHE_HOME/llmc/models/<provider>.txt (else ~/.cache/…): one model id a line, written by
 * `llmc models`. */
static void cached_models(const char *provider)
{
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char path[1024];
    if (cache && *cache == '/')
        snprintf(path, sizeof path, "%s/llmc/models/%s.txt", cache, provider);
    else if (home && *home)
        snprintf(path, sizeof path, "%s/.cache/llmc/models/%s.txt", home, provider);
    else
        return;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* ids only: a stray line with a space or control character is not one */
        bool ok = line[0] != '\0';
        for (const char *p = line; ok && *p; p++)
            ok = (unsigned char)*p > ' ' && *p != 0x7f;
        if (ok)
            printf("%s/%s\n", provider, line);
    }
    fclose(f);
}

int cmd_complete(int argc, char **argv)
{
    if (argc != 2)
        return EXIT_USAGE;
    const char *kind = argv[1];
    if (strcmp(kind, "causes") == 0) {
        for (size_t i = 0; llmc_cause_info_at(i); i++)
            printf("%s\n", llmc_cause_info_at(i)->id);
        return EXIT_OK;
    }
    if (strcmp(kind, "conversations") == 0) {
        cli_log_problem p;
        char path[1024];
        cli_log *log = cli_log_path(path, sizeof path) && access(path, F_OK) == 0 ? cli_log_open(false, &p) : NULL;
        sqlite3_stmt *st = NULL;
        if (log && sqlite3_prepare_v2(cli_log_db(log),
                                      "SELECT conversation_id FROM exchanges GROUP BY conversation_id "
                                      "ORDER BY max(id) DESC LIMIT 20",
                                      -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW)
                printf("%s\n", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        cli_log_close(log);
        return EXIT_OK;
    }
    if (strcmp(kind, "labels") == 0) {
        llmc_stored_key keys[256];
        size_t n = 0;
        llmc_error err;
        if (llmc_key_store_list(NULL, keys, 256, &n, &err) != LLMC_OK)
            return EXIT_OK;
        for (size_t i = 0; i < n && i < 256; i++) {
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                seen = strcmp(keys[j].label, keys[i].label) == 0;
            if (!seen)
                printf("%s\n", keys[i].label);
        }
        return EXIT_OK;
    }
    llmc_client *client = llmc_client_new();
    llmc_error err;
    if (!client)
        return EXIT_OTHER;
    /* a broken config still completes the built-in names */
    llmc_client_load_config(client, NULL, &err);
    if (strcmp(kind, "providers") == 0) {
        for (size_t i = 0; llmc_client_provider_at(client, i); i++)
            printf("%s\n", llmc_client_provider_at(client, i));
    } else if (strcmp(kind, "templates") == 0) {
        for (size_t i = 0; llmc_client_config_section_at(client, "template", i); i++)
            printf("%s\n", llmc_client_config_section_at(client, "template", i));
    } else if (strcmp(kind, "models") == 0) {
        const char *name, *target;
        for (size_t i = 0; llmc_client_alias_at(client, i, &name, &target); i++)
            printf("%s\n", name);
        for (size_t i = 0; llmc_client_provider_at(client, i); i++) {
            printf("%s/\n", llmc_client_provider_at(client, i));
            cached_models(llmc_client_provider_at(client, i));
        }
    }
    llmc_client_free(client);
    return EXIT_OK;
}
