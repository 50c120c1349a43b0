/* SPDX-License-Identifier: MIT */
/*
 * report.c — how the CLI tells a person what went wrong: one line naming the failure, then for
 * key problems the cause, where the key came from (its fingerprint, never the key), the fix and
 * the `llmc explain` line to run. Exit codes are chosen here, by class.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_exit_code(llmc_code code)
{
    switch (code) {
    case LLMC_OK:
        return EXIT_OK;
    case LLMC_E_KEY:
    case LLMC_E_AUTH:
    case LLMC_E_PERMISSION:
    case LLMC_E_INSECURE:
        return EXIT_AUTH;
    case LLMC_E_BAD_REQUEST:
    case LLMC_E_NOT_FOUND:
    case LLMC_E_CONFIG:
    case LLMC_E_INVALID_ARG:
    case LLMC_E_UNSUPPORTED:
        return EXIT_REQUEST;
    case LLMC_E_RATE_LIMIT:
    case LLMC_E_SERVER:
    case LLMC_E_OVERLOADED:
        return EXIT_UNAVAILABLE;
    case LLMC_E_TRANSPORT:
    case LLMC_E_TIMEOUT:
        return EXIT_NETWORK;
    case LLMC_E_PROTOCOL:
    case LLMC_E_LIMIT:
    case LLMC_E_FORMAT:
        return EXIT_PROTOCOL;
    case LLMC_E_NOMEM:
    case LLMC_E_ABORTED:
    case LLMC_E_IO:
        return EXIT_OTHER;
    }
    return EXIT_OTHER;
}

cli_style cli_style_for(FILE *stream)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    bool color = isatty(fileno(stream)) && !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0);
    if (!color)
        return (cli_style){"", "", "", "", "", ""};
    return (cli_style){"\033[1m", "\033[2m", "\033[31m", "\033[33m", "\033[32m", "\033[0m"};
}

void cli_print_field(const cli_style *st, const char *label, const char *text, const char *provider)
{
    /* Catalogue texts say PROVIDER where a provider's name belongs; name it. Continuation lines
     * are indented under the first, so a field reads as one block. */
    fprintf(stderr, "  %s%-9s%s ", st->bold, label, st->reset);
    for (const char *p = text; *p; p++) {
        if (provider && *provider && strncmp(p, "PROVIDER", 8) == 0) {
            fputs(provider, stderr);
            p += 7;
        } else if (*p == '\n') {
            fputs("\n            ", stderr);
        } else {
            fputc(*p, stderr);
        }
    }
    fputc('\n', stderr);
}

static void fieldf(const cli_style *st, const char *label, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fieldf(const cli_style *st, const char *label, const char *fmt, ...)
{
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cli_print_field(st, label, text, NULL);
}

static void print_diagnosis(const cli_style *st, const llmc_diagnosis *d)
{
    const llmc_cause_info *info = llmc_cause_info_get(d->cause);
    if (info)
        fieldf(st, "cause:", "%s — %s", info->id, info->title);
    if (d->source != LLMC_SOURCE_NONE) {
        fieldf(st, "key:", "%s %s%s%s%s", llmc_key_source_name(d->source), d->source_name,
               d->fingerprint[0] ? " (" : "", d->fingerprint, d->fingerprint[0] ? ")" : "");
    } else if (d->source_name[0]) {
        fieldf(st, "looked:", "%s", d->source_name);
    }
    if (d->detail[0])
        fieldf(st, "found:", "%s", d->detail);
    if (d->fix)
        cli_print_field(st, "fix:", d->fix, d->provider);
}

void cli_report_error(const char *what, const llmc_error *err)
{
    cli_style st = cli_style_for(stderr);
    fprintf(stderr, "%sllmc: error:%s ", st.red, st.reset);
    if (what)
        fprintf(stderr, "%s: ", what);
    /* A message that already says what failed (a key problem found before sending) stands alone. */
    bool self_explaining = err->code == LLMC_E_KEY && err->message[0];
    if (!self_explaining)
        fprintf(stderr, "%s", llmc_strerror(err->code));
    if (err->http_status)
        fprintf(stderr, " (HTTP %d%s%s)", err->http_status, err->provider[0] ? " from " : "", err->provider);
    if (err->message[0])
        fprintf(stderr, "%s%s", self_explaining ? "" : ": ", err->message);
    fputc('\n', stderr);
    if (err->provider_type[0] || err->provider_code[0])
        fieldf(&st, "provider:", "%s%s%s", err->provider_type,
               err->provider_type[0] && err->provider_code[0] ? " / " : "", err->provider_code);
    if (err->diagnosis.cause != LLMC_CAUSE_NONE)
        print_diagnosis(&st, &err->diagnosis);
    if (err->request_id[0])
        fieldf(&st, "request:", "%s", err->request_id);
    if (err->attempts > 1)
        fieldf(&st, "tried:", "%d times", err->attempts);
    /* the explain line comes last: it is the one to run next */
    const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
    if (info)
        fieldf(&st, "more:", "llmc explain %s", info->id);
}

void cli_report_warning(const llmc_error *err)
{
    if (err->diagnosis.severity != LLMC_SEVERITY_WARNING || err->diagnosis.cause == LLMC_CAUSE_NONE)
        return;
    cli_style st = cli_style_for(stderr);
    const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
    fprintf(stderr, "%sllmc: warning:%s the %s key from %s %s %s (%s)\n", st.yellow, st.reset, err->diagnosis.provider,
            llmc_key_source_name(err->diagnosis.source), err->diagnosis.source_name, err->diagnosis.detail,
            info ? info->id : "");
    if (err->diagnosis.fix)
        cli_print_field(&st, "fix:", err->diagnosis.fix, err->diagnosis.provider);
}
