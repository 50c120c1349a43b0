/* SPDX-License-Identifier: MIT */
/*
 * cmd_logs.c — `llmc logs`: the logged exchanges, newest first, as text for people or JSON for
 * machines; filtered by full-text search (FTS5), model or conversation; `llmc logs path` says
 * where the database is.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc logs [-n N] [-q TEXT] [-m MODEL] [--cid ID] [--json]\n"
            "       llmc logs path\n"
            "\n"
            "The logged exchanges, newest first (every prompt and reply of llmc and llmc chat, unless\n"
            "--no-log or `log = off`). The log is an SQLite database: $XDG_DATA_HOME/llmc/logs.db\n"
            "(else ~/.local/share/llmc/logs.db), mode 0600. It never holds a key, a header or a\n"
            "fingerprint.\n"
            "\n"
            "options:\n"
            "  -n, --count N     how many (default 3; 0 for all)\n"
            "  -q, --query TEXT  only exchanges whose prompt or reply holds every word of TEXT\n"
            "  -m, --model M     only this model (provider/model, the part after the provider, or an alias)\n"
            "      --cid ID      only the conversation ID (continue it with llmc --cid ID)\n"
            "      --json        a JSON array of the exchanges with every stored field\n"
            "  -h, --help        this help\n");
}

/* Every word of `text` as a quoted FTS5 term, so that punctuation is text, not query syntax. */
static char *fts_query(const char *text)
{
    size_t cap = strlen(text) * 3 + 8, len = 0;
    char *q = malloc(cap);
    if (!q)
        return NULL;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (len)
            q[len++] = ' ';
        q[len++] = '"';
        for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
            if (*p == '"')
                q[len++] = '"';
            q[len++] = *p;
        }
        q[len++] = '"';
    }
    q[len] = '\0';
    return q;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static json_t *json_text_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_string(col(st, i));
}

static json_t *json_int_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(st, i));
}

enum {
    C_ID,
    C_CID,
    C_AT,
    C_LOCAL,
    C_COMMAND,
    C_PROVIDER,
    C_MODEL,
    C_SERVED,
    C_TEMPLATE,
    C_SYSTEM,
    C_PROMPT,
    C_REPLY,
    C_THINKING,
    C_TOOLS,
    C_IN,
    C_OUT,
    C_CACHE_R,
    C_CACHE_W,
    C_COST,
    C_MS,
    C_REQ,
    C_ERR,
    C_CAUSE
};

static json_t *row_json(sqlite3_stmt *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, C_ID)));
    json_object_set_new(o, "conversation_id", json_text_or_null(st, C_CID));
    json_object_set_new(o, "at", json_text_or_null(st, C_AT));
    json_object_set_new(o, "command", json_text_or_null(st, C_COMMAND));
    json_object_set_new(o, "provider", json_text_or_null(st, C_PROVIDER));
    json_object_set_new(o, "model", json_text_or_null(st, C_MODEL));
    json_object_set_new(o, "served_model", json_text_or_null(st, C_SERVED));
    json_object_set_new(o, "template", json_text_or_null(st, C_TEMPLATE));
    json_object_set_new(o, "system", json_text_or_null(st, C_SYSTEM));
    json_object_set_new(o, "prompt", json_text_or_null(st, C_PROMPT));
    json_object_set_new(o, "reply", json_text_or_null(st, C_REPLY));
    json_object_set_new(o, "thinking", json_text_or_null(st, C_THINKING));
    json_t *tools = sqlite3_column_type(st, C_TOOLS) == SQLITE_NULL ? NULL : json_loads(col(st, C_TOOLS), 0, NULL);
    json_object_set_new(o, "tool_calls", tools ? tools : json_null());
    json_t *usage = json_object();
    json_object_set_new(usage, "input_tokens", json_int_or_null(st, C_IN));
    json_object_set_new(usage, "output_tokens", json_int_or_null(st, C_OUT));
    json_object_set_new(usage, "cache_read_input_tokens", json_int_or_null(st, C_CACHE_R));
    json_object_set_new(usage, "cache_creation_input_tokens", json_int_or_null(st, C_CACHE_W));
    json_object_set_new(o, "usage", usage);
    json_object_set_new(o, "cost_usd",
                        sqlite3_column_type(st, C_COST) == SQLITE_NULL ? json_null()
                                                                       : json_real(sqlite3_column_double(st, C_COST)));
    json_object_set_new(o, "duration_ms", json_int_or_null(st, C_MS));
    json_object_set_new(o, "request_id", json_text_or_null(st, C_REQ));
    json_object_set_new(o, "error_class", json_text_or_null(st, C_ERR));
    json_object_set_new(o, "error_cause", json_text_or_null(st, C_CAUSE));
    return o;
}

static void print_row(sqlite3_stmt *st, const cli_style *s)
{
    char cost[32] = "";
    if (sqlite3_column_type(st, C_COST) != SQLITE_NULL)
        cli_format_cost(cost, sizeof cost, sqlite3_column_double(st, C_COST));
    printf("%s%s  %s  conversation %s", s->bold, col(st, C_LOCAL), col(st, C_MODEL), col(st, C_CID));
    if (sqlite3_column_type(st, C_IN) != SQLITE_NULL)
        printf("  %lld in, %lld out%s%s", (long long)sqlite3_column_int64(st, C_IN),
               (long long)sqlite3_column_int64(st, C_OUT), cost[0] ? ", " : "", cost);
    if (sqlite3_column_type(st, C_ERR) != SQLITE_NULL)
        printf("  %s%s%s%s%s", s->red, col(st, C_ERR), sqlite3_column_type(st, C_CAUSE) != SQLITE_NULL ? " " : "",
               sqlite3_column_type(st, C_CAUSE) != SQLITE_NULL ? col(st, C_CAUSE) : "", s->reset);
    printf("%s\n", s->reset);
    if (sqlite3_column_type(st, C_SYSTEM) != SQLITE_NULL)
        printf("%ssystem: %s%s\n", s->dim, col(st, C_SYSTEM), s->reset);
    /* the prompt quoted line by line, then the reply as it came */
    const char *p = col(st, C_PROMPT);
    while (p && *p) {
        size_t n = strcspn(p, "\n");
        printf("> %.*s\n", (int)n, p);
        p += n + (p[n] ? 1 : 0);
    }
    const char *reply = col(st, C_REPLY);
    if (reply && *reply)
        printf("%s%s", reply, reply[strlen(reply) - 1] == '\n' ? "" : "\n");
    putchar('\n');
}

int cmd_logs(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "path") == 0) {
        if (argc > 2)
            return cli_usage_error("logs", "logs path takes nothing more");
        char path[1024];
        if (!cli_log_path(path, sizeof path)) {
            fprintf(stderr, "llmc: error: neither XDG_DATA_HOME nor HOME is set\n");
            return EXIT_OTHER;
        }
        printf("%s\n", path);
        return EXIT_OK;
    }
    enum { OPT_CID = 400, OPT_JSON };
    static const struct option options[] = {{"count", required_argument, NULL, 'n'},
                                            {"query", required_argument, NULL, 'q'},
                                            {"model", required_argument, NULL, 'm'},
                                            {"cid", required_argument, NULL, OPT_CID},
                                            {"json", no_argument, NULL, OPT_JSON},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    long count = 3;
    const char *query = NULL, *model = NULL, *cid = NULL;
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:q:m:h", options, NULL)) != -1) {
        switch (c) {
        case 'n': {
            char *end;
            count = strtol(optarg, &end, 10);
            if (end == optarg || *end || count < 0) {
                char shown_[96];
                return cli_usage_error("logs", "-n expects a count (0 for all), not %s",
                                       cli_shown(optarg, shown_, sizeof shown_));
            }
            break;
        }
        case 'q':
            query = optarg;
            break;
        case 'm':
            model = optarg;
            break;
        case OPT_CID:
            cid = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            cli_option_error("logs", argc, argv, c, options);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        char shown[96];
        return cli_usage_error("logs", "unexpected %s (the search text goes after -q)",
                               cli_shown(argv[optind], shown, sizeof shown));
    }
    if (query && !query[strspn(query, " \t\n")])
        return cli_usage_error("logs", "-q needs at least one word to look for");

    /* an alias names its model, as it does on the command line */
    char target[256] = "";
    if (model) {
        llmc_client *client = llmc_client_new();
        llmc_error err;
        char provider[64];
        if (client && llmc_client_load_config(client, NULL, &err) == LLMC_OK)
            if (cli_provider_of(client, model, NULL, provider, sizeof provider, target, sizeof target, &err) != LLMC_OK)
                snprintf(target, sizeof target, "%s", model); /* searched as given */
        llmc_client_free(client);
    }

    cli_log_problem problem;
    cli_log *log = cli_log_open(false, &problem);
    if (!log) {
        char path[1024];
        if (cli_log_path(path, sizeof path) && access(path, F_OK) != 0) {
            if (json)
                printf("[]\n");
            else
                fprintf(stderr, "llmc: nothing logged yet (%s)\n", path);
            return EXIT_OK;
        }
        cli_style st = cli_style_for(stderr);
        fprintf(stderr, "%sllmc: error:%s %s\n", st.red, st.reset, problem.what);
        cli_print_field(&st, "fix:", problem.fix);
        return EXIT_OTHER;
    }
    char sql[1600];
    snprintf(sql, sizeof sql,
             "SELECT id, conversation_id, at, strftime('%%Y-%%m-%%d %%H:%%M:%%S', at, 'localtime'), command, provider, "
             "model, served_model, template, system, prompt, reply, thinking, tool_calls, input_tokens, "
             "output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, duration_ms, request_id, error_class, "
             "error_cause FROM exchanges WHERE 1 %s %s %s ORDER BY id DESC %s",
             query ? "AND id IN (SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH ?1)" : "",
             model ? "AND (model = ?2 OR model = ?3 OR substr(model, instr(model, '/') + 1) = ?2)" : "",
             cid ? "AND conversation_id = ?4" : "", count > 0 ? "LIMIT ?5" : "");
    sqlite3_stmt *st = NULL;
    char *fts = query ? fts_query(query) : NULL;
    int rc = sqlite3_prepare_v2(cli_log_db(log), sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        if (fts)
            sqlite3_bind_text(st, 1, fts, -1, SQLITE_TRANSIENT);
        if (model) {
            sqlite3_bind_text(st, 2, model, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, target, -1, SQLITE_TRANSIENT);
        }
        if (cid)
            sqlite3_bind_text(st, 4, cid, -1, SQLITE_TRANSIENT);
        if (count > 0)
            sqlite3_bind_int64(st, 5, count);
    }
    cli_style s = cli_style_for(stdout);
    json_t *all = json ? json_array() : NULL;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (json)
            json_array_append_new(all, row_json(st));
        else
            print_row(st, &s);
    }
    int exit_code = EXIT_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        fprintf(stderr, "llmc: error: cannot read the log %s: %s\n", cli_log_file(log),
                sqlite3_errmsg(cli_log_db(log)));
        exit_code = EXIT_OTHER;
    } else if (json) {
        char *text = json_dumps(all, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        if (text)
            printf("%s\n", text);
        free(text);
    }
    json_decref(all);
    sqlite3_finalize(st);
    free(fts);
    cli_log_close(log);
    return exit_code;
}
