/*
 * report.c — how the CLI tells a person what went wrong: one line naming the failure, then for
 * key problems the cause, where the key came from (its fingerprint, never the key), the fix and
 * the `llmc explain` line to run. Exit codes are chosen here, by class.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_exit_code(llmc_code code)
{
    switch (code) {
    case LLMC_OK: return EXIT_OK;
    case LLMC_E_KEY:
    case LLMC_E_AUTH:
    case LLMC_E_PERMISSION:
    case LLMC_E_INSECURE: return EXIT_AUTH;
    case LLMC_E_BAD_REQUEST:
    case LLMC_E_NOT_FOUND:
    case LLMC_E_CONFIG:
    case LLMC_E_INVALID_ARG: return EXIT_REQUEST;
    case LLMC_E_RATE_LIMIT:
    case LLMC_E_SERVER:
    case LLMC_E_OVERLOADED: return EXIT_UNAVAILABLE;
    case LLMC_E_TRANSPORT:
    case LLMC_E_TIMEOUT: return EXIT_NETWORK;
    case LLMC_E_PROTOCOL:
    case LLMC_E_LIMIT: return EXIT_PROTOCOL;
    case LLMC_E_NOMEM:
    case LLMC_E_ABORTED:
    case LLMC_E_IO: return EXIT_OTHER;
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

static void print_diagnosis(const cli_style *st, const llmc_diagnosis *d)
{
    const llmc_cause_info *info = llmc_cause_info_get(d->cause);
    if (info)
        fprintf(stderr, "  %scause:%s   %s — %s\n", st->bold, st->reset, info->id, info->title);
    if (d->source != LLMC_SOURCE_NONE) {
        fprintf(stderr, "  %skey:%s     %s %s", st->bold, st->reset, llmc_key_source_name(d->source),
                d->source_name);
        if (d->fingerprint[0])
            fprintf(stderr, " (%s)", d->fingerprint);
        fputc('\n', stderr);
    } else if (d->source_name[0]) {
        fprintf(stderr, "  %slooked:%s  %s\n", st->bold, st->reset, d->source_name);
    }
    if (d->detail[0])
        fprintf(stderr, "  %sfound:%s   %s\n", st->bold, st->reset, d->detail);
    if (d->fix)
        fprintf(stderr, "  %sfix:%s     %s\n", st->bold, st->reset, d->fix);
    if (info)
        fprintf(stderr, "  %smore:%s    llmc explain %s\n", st->bold, st->reset, info->id);
}

void cli_report_error(const char *what, const llmc_error *err)
{
    cli_style st = cli_style_for(stderr);
    fprintf(stderr, "%sllmc: error:%s ", st.red, st.reset);
    if (what)
        fprintf(stderr, "%s: ", what);
    fprintf(stderr, "%s", llmc_strerror(err->code));
    if (err->http_status)
        fprintf(stderr, " (HTTP %d%s%s)", err->http_status, err->provider[0] ? " from " : "", err->provider);
    if (err->message[0])
        fprintf(stderr, ": %s", err->message);
    fputc('\n', stderr);
    if (err->provider_type[0] || err->provider_code[0])
        fprintf(stderr, "  %sprovider:%s %s%s%s\n", st.bold, st.reset, err->provider_type,
                err->provider_type[0] && err->provider_code[0] ? " / " : "", err->provider_code);
    if (err->diagnosis.cause != LLMC_CAUSE_NONE)
        print_diagnosis(&st, &err->diagnosis);
    if (err->request_id[0])
        fprintf(stderr, "  %srequest:%s %s\n", st.bold, st.reset, err->request_id);
    if (err->attempts > 1)
        fprintf(stderr, "  %stried:%s   %d times\n", st.bold, st.reset, err->attempts);
}

void cli_report_warning(const llmc_error *err)
{
    if (err->diagnosis.severity != LLMC_SEVERITY_WARNING || err->diagnosis.cause == LLMC_CAUSE_NONE)
        return;
    cli_style st = cli_style_for(stderr);
    const llmc_cause_info *info = llmc_cause_info_get(err->diagnosis.cause);
    fprintf(stderr, "%sllmc: warning:%s the %s key from %s %s %s (%s)\n", st.yellow, st.reset,
            err->diagnosis.provider, llmc_key_source_name(err->diagnosis.source), err->diagnosis.source_name,
            err->diagnosis.detail, info ? info->id : "");
    if (err->diagnosis.fix)
        fprintf(stderr, "  %sfix:%s     %s\n", st.bold, st.reset, err->diagnosis.fix);
}
