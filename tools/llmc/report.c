/* SPDX-License-Identifier: MIT */
/*
 * report.c — how the CLI tells a person what went wrong: one headline naming the failure, then
 * for a known cause the cause, where the key came from (its fingerprint, never the key), what was
 * found, what else holds a key, the fix and the `llmc explain` line to run. Nothing is said twice.
 * Every text that may come from a server (its error type, code, message, request id, model names)
 * is printed through cli_safe: escape and control bytes are shown escaped and never reach the
 * terminal raw. Exit codes are chosen here, by class.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes are not one. Only
 * printable characters count: C1 controls (U+0080..U+009F, which terminals obey like ESC) do not. */
static size_t utf8_printable(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (c >= 0xF5)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 2 && c == 0xC2 && s[1] < 0xA0)
        return 0; /* U+0080..U+009F */
    if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, or a surrogate */
    if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)))
        return 0;
    return n;
}

char *cli_safe(const char *text, char *out, size_t size)
{
    size_t o = 0;
    if (size == 0)
        return out;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p && o + 1 < size;) {
        char esc[12] = "";
        size_t n = 1;
        if (*p == 0x1B)
            snprintf(esc, sizeof esc, "\\e");
        else if (*p < 0x20 || *p == 0x7F)
            snprintf(esc, sizeof esc, "\\x%02X", *p);
        else if (*p >= 0x80) {
            n = utf8_printable(p);
            if (n == 0) {
                if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0) {
                    snprintf(esc, sizeof esc, "\\u%04X", p[1]);
                    n = 2;
                } else {
                    snprintf(esc, sizeof esc, "\\x%02X", *p);
                    n = 1;
                }
            }
        }
        if (esc[0]) {
            size_t el = strlen(esc);
            if (o + el >= size)
                break;
            memcpy(out + o, esc, el);
            o += el;
        } else {
            if (o + n >= size)
                break;
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    out[o] = '\0';
    return out;
}

/* The width to wrap a paragraph at: the terminal's, or none (0) when stderr is not one, so that
 * logs and pipes get one line per field. */
static int wrap_width(void)
{
    struct winsize ws;
    if (!isatty(STDERR_FILENO))
        return 0;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col > 120 ? 120 : ws.ws_col;
    return 80;
}

void cli_print_field(const cli_style *st, const char *label, const char *text)
{
    char safe[4096];
    cli_safe(text, safe, sizeof safe);
    fprintf(stderr, "  %s%-9s%s ", st->bold, label, st->reset);
    int width = wrap_width(), indent = 12, col = indent;
    for (const char *p = safe; *p;) {
        size_t word = strcspn(p, " \n");
        if (width && col > indent && col + (int)word >= width) {
            fprintf(stderr, "\n%*s", indent, "");
            col = indent;
        }
        fwrite(p, 1, word, stderr);
        col += (int)word;
        p += word;
        if (*p == '\n') {
            fprintf(stderr, "\n%*s", indent, "");
            col = indent;
            p++;
        } else if (*p == ' ') {
            if (!(width && col + 1 >= width))
                fputc(' ', stderr);
            col++;
            p++;
        }
    }
    fputc('\n', stderr);
}

static void fieldf(const cli_style *st, const char *label, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fieldf(const cli_style *st, const char *label, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cli_print_field(st, label, text);
}

/* Whether the headline already says what `detail` would (no `found:` line to repeat it). */
static bool said(const char *headline, const char *detail)
{
    return !detail[0] || strstr(headline, detail) != NULL;
}

static void print_diagnosis(const cli_style *st, const llmc_diagnosis *d, const char *headline)
{
    const llmc_cause_info *info = llmc_cause_info_get(d->cause);
    if (info)
        fieldf(st, "cause:", "%s — %s", info->id, info->title);
    /* the key's source is named for the key, authentication and transport causes (1..16) */
    bool key_cause = d->cause >= LLMC_CAUSE_KEY_MISSING && d->cause <= LLMC_CAUSE_KEY_FILE_UNREADABLE;
    if (d->source != LLMC_SOURCE_NONE && key_cause && d->source_name[0]) {
        if (d->fingerprint[0])
            fieldf(st, "key:", "%s %s (%s)", llmc_key_source_name(d->source), d->source_name, d->fingerprint);
        else
            fieldf(st, "key:", "%s %s", llmc_key_source_name(d->source), d->source_name);
    }
    if (d->cause == LLMC_CAUSE_KEY_MISSING && d->detail[0])
        fieldf(st, "looked:", "%s", d->detail);
    else if (!said(headline, d->detail))
        fieldf(st, "found:", "%s", d->detail);
    if (d->shadowed[0])
        fieldf(st, "shadows:", "%s (later in the chain, so not used)", d->shadowed);
}

/* Codes whose message says in full what failed (a key problem, a refusal, a bad configuration,
 * a local file): the class would only repeat it. */
static bool self_explaining(llmc_code code)
{
    return code == LLMC_E_KEY || code == LLMC_E_CONFIG || code == LLMC_E_INSECURE || code == LLMC_E_INVALID_ARG ||
           code == LLMC_E_IO;
}

/* The one line that names the failure: the class, then the provider's status, then the message —
 * each only when it adds something the others do not already say. */
static void headline(const llmc_error *err, char *out, size_t size)
{
    const char *cls = llmc_strerror(err->code);
    /* a refusal llmc made itself, knowing the provider would answer 400: nothing was sent */
    if (err->code == LLMC_E_BAD_REQUEST && !err->http_status)
        cls = "not sent";
    if (!err->message[0]) {
        snprintf(out, size, "%s", cls);
        return;
    }
    bool say_class = !self_explaining(err->code) && strncmp(err->message, cls, strlen(cls)) != 0;
    char status[80] = "";
    if (err->http_status && err->code != LLMC_E_INSECURE) {
        char s[16];
        snprintf(s, sizeof s, "HTTP %d", err->http_status);
        if (!strstr(err->message, s))
            snprintf(status, sizeof status, "%s%s%s", s, err->provider[0] ? " from " : "", err->provider);
    }
    if (say_class && status[0])
        snprintf(out, size, "%s (%s): %s", cls, status, err->message);
    else if (say_class)
        snprintf(out, size, "%s: %s", cls, err->message);
    else if (status[0])
        snprintf(out, size, "%s (%s)", err->message, status);
    else
        snprintf(out, size, "%s", err->message);
}

void cli_report_error(const char *what, const llmc_error *err)
{
    cli_style st = cli_style_for(stderr);
    char head[1400], safe[2900];
    headline(err, head, sizeof head);
    fprintf(stderr, "%sllmc: error:%s ", st.red, st.reset);
    if (what)
        fprintf(stderr, "%s: ", cli_safe(what, safe, sizeof safe));
    fprintf(stderr, "%s\n", cli_safe(head, safe, sizeof safe));
    if (err->diagnosis.cause != LLMC_CAUSE_NONE)
        print_diagnosis(&st, &err->diagnosis, head);
    if (err->provider_type[0] || err->provider_code[0])
        fieldf(&st, "provider:", "%s%s%s", err->provider_type,
               err->provider_type[0] && err->provider_code[0] ? " / " : "", err->provider_code);
    if (err->request_id[0])
        fieldf(&st, "request:", "%s", err->request_id);
    if (err->attempts > 1)
        fieldf(&st, "tried:", "%d times", err->attempts);
    if (err->diagnosis.cause != LLMC_CAUSE_NONE && err->diagnosis.fix[0])
        cli_print_field(&st, "fix:", err->diagnosis.fix);
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
    char line[1400], safe[2900];
    snprintf(line, sizeof line, "the %s key from %s %s %s (%s)", err->diagnosis.provider,
             llmc_key_source_name(err->diagnosis.source), err->diagnosis.source_name, err->diagnosis.detail,
             info ? info->id : "");
    fprintf(stderr, "%sllmc: warning:%s %s\n", st.yellow, st.reset, cli_safe(line, safe, sizeof safe));
    if (err->diagnosis.fix[0])
        cli_print_field(&st, "fix:", err->diagnosis.fix);
}
