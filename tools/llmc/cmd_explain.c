/* SPDX-License-Identifier: MIT */
/*
 * cmd_explain.c — `llmc explain CAUSE-ID`: the error page for one cause, printed from the
 * library's catalogue (the one place cause texts live), so the page a user reads is the same
 * text the error pointed at. Without an id, or with --list, it lists every cause.
 */
#include "cli.h"

#include <ctype.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc explain CAUSE-ID     the page for one cause (why, detection, fix, workaround,\n"
            "                                 prevention, broken and fixed examples)\n"
            "       llmc explain [--list]     every cause id with its title\n");
}

static const char *severity_name(llmc_severity s)
{
    switch (s) {
    case LLMC_SEVERITY_INFO:
        return "info";
    case LLMC_SEVERITY_WARNING:
        return "warning (repaired; the request still goes ahead)";
    case LLMC_SEVERITY_ERROR:
        return "error";
    }
    return "error";
}

static void list_causes(void)
{
    cli_style st = cli_style_for(stdout);
    size_t width = 0;
    for (size_t i = 0; llmc_cause_info_at(i); i++)
        if (strlen(llmc_cause_info_at(i)->id) > width)
            width = strlen(llmc_cause_info_at(i)->id);
    for (size_t i = 0; llmc_cause_info_at(i); i++) {
        const llmc_cause_info *c = llmc_cause_info_at(i);
        printf("%s%-*s%s  %s\n", st.bold, (int)width, c->id, st.reset, c->title);
    }
    printf("\nrun `llmc explain ID` for one cause's page\n");
}

/* One section: a heading, then the text indented, so a page reads like a man page. */
static void section(const cli_style *st, const char *colour, const char *heading, const char *text)
{
    if (!text || !*text)
        return;
    printf("\n%s%s%s%s\n", st->bold, colour, heading, st->reset);
    fputs("    ", stdout);
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n')
            fputs("    ", stdout);
    }
    putchar('\n');
}

static void print_page(const llmc_cause_info *c)
{
    cli_style st = cli_style_for(stdout);
    printf("%s%s%s — %s\n", st.bold, c->id, st.reset, c->title);
    printf("severity: %s; ", severity_name(c->severity));
    if (c->http_status)
        printf("revealed by HTTP %d from the provider\n", c->http_status);
    else
        printf("found before any request is sent\n");
    section(&st, "", "WHY IT HAPPENS", c->why);
    section(&st, "", "HOW LLMC DETECTS IT", c->detection);
    section(&st, st.green, "FIX", c->fix);
    section(&st, "", "WORKAROUND", c->workaround);
    section(&st, "", "PREVENTION", c->prevention);
    section(&st, st.red, "BROKEN (shell)", c->broken_shell);
    section(&st, st.green, "FIXED (shell)", c->fixed_shell);
    section(&st, st.red, "BROKEN (C)", c->broken_c);
    section(&st, st.green, "FIXED (C)", c->fixed_c);
}

/* Edit distance, for "did you mean": ids are short, so the plain O(n·m) table is plenty. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return la > lb ? la : lb;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The id closest to what was typed: compared whole and without its "key."-style family, so
 * "missing" finds key.missing and "auth.rejectd" finds auth.rejected. */
static const llmc_cause_info *closest(const char *typed)
{
    const llmc_cause_info *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; llmc_cause_info_at(i); i++) {
        const llmc_cause_info *c = llmc_cause_info_at(i);
        size_t d = distance(typed, c->id);
        const char *dot = strchr(c->id, '.');
        if (dot) {
            size_t d2 = distance(typed, dot + 1);
            if (d2 < d)
                d = d2;
        }
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

int cmd_explain(int argc, char **argv)
{
    const char *id = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0 || strcmp(argv[i], "-l") == 0) {
            list_causes();
            return EXIT_OK;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if (argv[i][0] == '-' || id)
            return cli_usage_error("explain", "unexpected \"%s\" (one cause id)", argv[i]);
        id = argv[i];
    }
    if (!id) {
        list_causes();
        return EXIT_OK;
    }
    /* Ids are lower case; accept what a person might type from a shouted log line. */
    char lower[128];
    size_t n = 0;
    for (; id[n] && n < sizeof lower - 1; n++)
        lower[n] = (char)tolower((unsigned char)id[n]);
    lower[n] = '\0';
    const llmc_cause_info *c = llmc_cause_info_find(lower);
    if (c) {
        print_page(c);
        return EXIT_OK;
    }
    const llmc_cause_info *near = closest(lower);
    fprintf(stderr, "llmc: error: no cause called \"%s\"", id);
    if (near)
        fprintf(stderr, "; did you mean %s (%s)?\n  run: llmc explain %s\n", near->id, near->title, near->id);
    else
        fputc('\n', stderr);
    fprintf(stderr, "  `llmc explain --list` lists every cause\n");
    return EXIT_USAGE;
}
