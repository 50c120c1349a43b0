/* SPDX-License-Identifier: MIT */
/*
 * cmd_explain.c — `llmc explain CAUSE`: the error page for one cause, printed from the library's
 * catalogue (the one place cause texts live), so the page a user reads is the same text the error
 * pointed at. A cause is named by its id, the end of its id ("whitespace") or an HTTP status
 * ("401"); --provider P writes its fix for that provider. Without a cause it lists them all.
 */
#include "cli.h"

#include <ctype.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: llmc explain CAUSE [--provider P]   the page for one cause (why, detection, fix,\n"
            "                                           workaround, prevention, broken and fixed examples)\n"
            "       llmc explain [--list]               every cause id with its title\n"
            "\n"
            "CAUSE is a cause id (key.whitespace), the end of one (whitespace), or an HTTP status (401).\n"
            "--provider P adds the fix written for provider P, with its own variables.\n");
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

/* The width pages are wrapped at: the terminal's (at most 100), or 80 in a pipe. */
static int page_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col > 100 ? 100 : ws.ws_col;
    return 80;
}

/* One section: a heading, then the text indented, so a page reads like a man page. Prose is a
 * paragraph, wrapped here; examples keep their own lines. */
static void section(const cli_style *st, const char *colour, const char *heading, const char *text, bool prose)
{
    if (!text || !*text)
        return;
    printf("\n%s%s%s%s\n", st->bold, colour, heading, st->reset);
    fputs("    ", stdout);
    if (!prose) {
        for (const char *p = text; *p; p++) {
            putchar(*p);
            if (*p == '\n')
                fputs("    ", stdout);
        }
        putchar('\n');
        return;
    }
    int width = page_width(), col = 4;
    for (const char *p = text; *p;) {
        size_t word = strcspn(p, " ");
        if (col > 4 && col + 1 + (int)word > width) {
            fputs("\n    ", stdout);
            col = 4;
        } else if (col > 4) {
            putchar(' ');
            col++;
        }
        fwrite(p, 1, word, stdout);
        col += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    putchar('\n');
}

static void print_page(const llmc_cause_info *c, const char *provider, const llmc_client *client)
{
    cli_style st = cli_style_for(stdout);
    printf("%s%s%s — %s\n", st.bold, c->id, st.reset, c->title);
    printf("severity: %s; ", severity_name(c->severity));
    if (c->http_status)
        printf("revealed by HTTP %d from the provider\n", c->http_status);
    else
        printf("found before any request is sent\n");
    section(&st, "", "WHY IT HAPPENS", c->why, true);
    section(&st, "", "HOW LLMC DETECTS IT", c->detection, true);
    section(&st, st.green, "FIX", c->fix, true);
    if (provider) {
        char fix[1024], heading[96];
        llmc_cause_fix_for(client, c->cause, provider, fix, sizeof fix);
        snprintf(heading, sizeof heading, "FIX FOR %s", provider);
        for (char *h = heading; *h; h++)
            *h = (char)toupper((unsigned char)*h);
        section(&st, st.green, heading, fix, true);
    }
    section(&st, "", "WORKAROUND", c->workaround, true);
    section(&st, "", "PREVENTION", c->prevention, true);
    section(&st, st.red, "BROKEN (shell)", c->broken_shell, false);
    section(&st, st.green, "FIXED (shell)", c->fixed_shell, false);
    section(&st, st.red, "BROKEN (C)", c->broken_c, false);
    section(&st, st.green, "FIXED (C)", c->fixed_c, false);
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
    const char *id = NULL, *provider = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0 || strcmp(argv[i], "-l") == 0) {
            list_causes();
            return EXIT_OK;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if ((strcmp(argv[i], "--provider") == 0 || strcmp(argv[i], "-p") == 0) && i + 1 < argc) {
            provider = argv[++i];
            continue;
        }
        if (strncmp(argv[i], "--provider=", 11) == 0) {
            provider = argv[i] + 11;
            continue;
        }
        if (argv[i][0] == '-' || id) {
            char shown[96];
            return cli_usage_error("explain", "unexpected %s (one cause id)", cli_shown(argv[i], shown, sizeof shown));
        }
        id = argv[i];
    }
    if (!id) {
        list_causes();
        return EXIT_OK;
    }
    llmc_client *client = NULL;
    if (provider) {
        int exit_code = EXIT_OK;
        if (!(client = cli_open_client(&exit_code)))
            return exit_code;
        if (!cli_check_provider(client, provider)) {
            llmc_client_free(client);
            return EXIT_REQUEST;
        }
    }
    const llmc_cause_info *matches[32];
    size_t n = 0;
    const llmc_cause_info *c = llmc_cause_info_lookup(id, matches, 32, &n);
    if (c) {
        print_page(c, provider, client);
        llmc_client_free(client);
        return EXIT_OK;
    }
    llmc_client_free(client);
    char safe[300];
    cli_safe(id, safe, sizeof safe);
    if (n > 1) {
        fprintf(stderr, "llmc: error: \"%s\" names %zu causes; say which:\n", safe, n);
        for (size_t i = 0; i < n && i < 32; i++)
            fprintf(stderr, "  llmc explain %-30s %s\n", matches[i]->id, matches[i]->title);
        return EXIT_USAGE;
    }
    char lower[128];
    size_t len = 0;
    for (; id[len] && len < sizeof lower - 1; len++)
        lower[len] = (char)tolower((unsigned char)id[len]);
    lower[len] = '\0';
    const llmc_cause_info *near = closest(lower);
    char shown[96];
    fprintf(stderr, "llmc: error: no cause called %s", cli_shown(id, shown, sizeof shown));
    if (near)
        fprintf(stderr, "; did you mean %s (%s)?\n  run: llmc explain %s\n", near->id, near->title, near->id);
    else
        fputc('\n', stderr);
    fprintf(stderr, "  `llmc explain --list` lists every cause\n");
    return EXIT_USAGE;
}
