/* SPDX-License-Identifier: MIT */
/*
 * cmd_usage.c — `llmc usage`: tokens and cost totalled from the log, by model or by day, since a
 * date. The cost of each exchange was computed when it was logged (the price table or the
 * config's [price] then); exchanges of models without a price are counted and named, never
 * priced by guess.
 */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc usage [--since DATE] [--by model|day] [--json]\n"
            "\n"
            "Tokens and cost from the log (see llmc logs), one line per model or per day (local time),\n"
            "and the total. Costs are US dollars at the prices in force when each exchange was logged:\n"
            "the built-in table (list prices, with their source and date, in the llmc source tree's\n"
            "tools/llmc/data/prices.tsv) or a [price MODEL] section of the config file. A model with\n"
            "no price shows \"?\".\n"
            "\n"
            "options:\n"
            "  --since DATE   only exchanges from DATE on: YYYY-MM-DD, \"YYYY-MM-DD HH:MM\" (local time),\n"
            "                 today, or a span back from now: 7d, 12h\n"
            "  --by model|day how to group (default model)\n"
            "  --json         the same as JSON\n"
            "  -h, --help     this help\n");
}

/* --since as an SQL expression for the earliest UTC time, with its one parameter in *param
 * ("" when it needs none). false when the text is no date llmc reads. */
static bool since_sql(const char *text, char *expr, size_t esize, char *param, size_t psize)
{
    size_t n = strlen(text);
    param[0] = '\0';
    if (strcmp(text, "today") == 0) {
        snprintf(expr, esize, "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now', 'localtime', 'start of day', 'utc')");
        return true;
    }
    if (n >= 2 && (text[n - 1] == 'd' || text[n - 1] == 'h')) {
        for (size_t i = 0; i + 1 < n; i++)
            if (!isdigit((unsigned char)text[i]))
                return false;
        snprintf(param, psize, "-%.*s %s", (int)(n - 1), text, text[n - 1] == 'd' ? "days" : "hours");
        snprintf(expr, esize, "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now', ?1)");
        return true;
    }
    /* YYYY-MM-DD or YYYY-MM-DD HH:MM in local time */
    static const char shape[] = "dddd-dd-dd dd:dd";
    bool ok = n == 10 || n == 16;
    for (size_t i = 0; ok && i < n; i++)
        ok =
            shape[i] == 'd' ? isdigit((unsigned char)text[i]) != 0 : text[i] == shape[i] || (i == 10 && text[i] == 'T');
    if (!ok)
        return false;
    snprintf(param, psize, "%.10s%s%s", text, n == 16 ? " " : "", n == 16 ? text + 11 : "");
    snprintf(expr, esize, "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', ?1, 'utc')");
    return true;
}

int cmd_usage(int argc, char **argv)
{
    enum { OPT_SINCE = 500, OPT_BY, OPT_JSON };
    static const struct option options[] = {{"since", required_argument, NULL, OPT_SINCE},
                                            {"by", required_argument, NULL, OPT_BY},
                                            {"json", no_argument, NULL, OPT_JSON},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *since = NULL, *by = "model";
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case OPT_SINCE:
            since = optarg;
            break;
        case OPT_BY:
            by = optarg;
            if (strcmp(by, "model") != 0 && strcmp(by, "day") != 0) {
                char shown_[96];
                return cli_usage_error("usage", "--by takes model or day, not %s",
                                       cli_shown(by, shown_, sizeof shown_));
            }
            break;
        case OPT_JSON:
            json = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            cli_option_error("usage", argc, argv, c, options);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        char shown_[96];
        return cli_usage_error("usage", "unexpected %s", cli_shown(argv[optind], shown_, sizeof shown_));
    }
    char since_expr[160] = "", since_param[64] = "";
    if (since && !since_sql(since, since_expr, sizeof since_expr, since_param, sizeof since_param)) {
        char shown[96];
        return cli_usage_error("usage", "--since takes YYYY-MM-DD, \"YYYY-MM-DD HH:MM\", today, 7d or 12h, not %s",
                               cli_shown(since, shown, sizeof shown));
    }

    cli_log_problem problem;
    cli_log *log = cli_log_open(false, &problem);
    if (!log) {
        char path[1024];
        if (cli_log_path(path, sizeof path) && access(path, F_OK) != 0) {
            if (json)
                printf(
                    "{\"groups\":[],\"total\":{\"exchanges\":0,\"input_tokens\":0,\"output_tokens\":0,"
                    "\"cache_read_input_tokens\":0,\"cache_creation_input_tokens\":0,\"cost_usd\":0,"
                    "\"unpriced\":0}}\n");
            else
                fprintf(stderr, "llmc: nothing logged yet (%s)\n", path);
            return EXIT_OK;
        }
        cli_style st = cli_style_for(stderr);
        fprintf(stderr, "%sllmc: error:%s %s\n", st.red, st.reset, problem.what);
        cli_print_field(&st, "fix:", problem.fix);
        return EXIT_OTHER;
    }
    /* times are stored in UTC; a date the user gives is local */
    char where[256] = "";
    if (since)
        snprintf(where, sizeof where, "AND at >= %s", since_expr);
    char sql[1200];
    snprintf(sql, sizeof sql,
             "SELECT %s AS k, count(input_tokens), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), "
             "coalesce(sum(cache_read_tokens), 0), coalesce(sum(cache_write_tokens), 0), "
             "coalesce(sum(cost_usd), 0), sum(input_tokens IS NOT NULL AND cost_usd IS NULL) "
             "FROM exchanges WHERE 1 %s GROUP BY k ORDER BY k",
             strcmp(by, "day") == 0 ? "date(at, 'localtime')" : "model", where);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(cli_log_db(log), sql, -1, &st, NULL);
    if (rc == SQLITE_OK && since_param[0])
        sqlite3_bind_text(st, 1, since_param, -1, SQLITE_TRANSIENT);
    long long tot[6] = {0};
    double total_cost = 0;
    json_t *groups = json ? json_array() : NULL;
    cli_style s = cli_style_for(stdout);
    bool header = false;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *key = (const char *)sqlite3_column_text(st, 0);
        long long v[6];
        for (int i = 0; i < 5; i++)
            v[i] = sqlite3_column_int64(st, i + 1);
        v[5] = sqlite3_column_int64(st, 7);
        double cost = sqlite3_column_double(st, 6);
        if (v[0] == 0)
            continue; /* only failures: nothing used, nothing paid */
        for (int i = 0; i < 6; i++)
            tot[i] += v[i];
        total_cost += cost;
        char cs[32];
        cli_format_cost(cs, sizeof cs, v[5] == v[0] ? -1 : cost);
        if (json) {
            json_array_append_new(groups, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:I}",
                                                    strcmp(by, "day") == 0 ? "day" : "model", key ? key : "",
                                                    "exchanges", (json_int_t)v[0], "input_tokens", (json_int_t)v[1],
                                                    "output_tokens", (json_int_t)v[2], "cache_read_input_tokens",
                                                    (json_int_t)v[3], "cache_creation_input_tokens", (json_int_t)v[4],
                                                    "cost_usd", cost, "unpriced", (json_int_t)v[5]));
            continue;
        }
        if (!header) {
            printf("%s%-44s %9s %12s %12s %12s %12s  %s%s\n", s.bold, strcmp(by, "day") == 0 ? "DAY" : "MODEL",
                   "EXCHANGES", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE", "COST", s.reset);
            header = true;
        }
        printf("%-44s %9lld %12lld %12lld %12lld %12lld  %s%s\n", key ? key : "", v[0], v[1], v[2], v[3], v[4], cs,
               v[5] && v[5] != v[0] ? " + ?" : "");
    }
    int exit_code = EXIT_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        fprintf(stderr, "llmc: error: cannot read the log %s: %s\n", cli_log_file(log),
                sqlite3_errmsg(cli_log_db(log)));
        exit_code = EXIT_OTHER;
    } else if (json) {
        json_t *root =
            json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I, s:f, s:I}}", "groups", groups, "total", "exchanges",
                      (json_int_t)tot[0], "input_tokens", (json_int_t)tot[1], "output_tokens", (json_int_t)tot[2],
                      "cache_read_input_tokens", (json_int_t)tot[3], "cache_creation_input_tokens", (json_int_t)tot[4],
                      "cost_usd", total_cost, "unpriced", (json_int_t)tot[5]);
        groups = NULL;
        char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(root);
    } else if (!header) {
        printf("nothing used%s%s\n", since ? " since " : "", since ? since : "");
    } else {
        char cs[32];
        cli_format_cost(cs, sizeof cs, total_cost);
        printf("%s%-44s %9lld %12lld %12lld %12lld %12lld  %s%s\n", s.bold, "total", tot[0], tot[1], tot[2], tot[3],
               tot[4], cs, s.reset);
        if (tot[5])
            printf(
                "(%lld exchange%s of models without a price are not in the cost: add a [price MODEL] section to "
                "the config)\n",
                tot[5], tot[5] == 1 ? "" : "s");
    }
    json_decref(groups);
    sqlite3_finalize(st);
    cli_log_close(log);
    return exit_code;
}
