/* SPDX-License-Identifier: MIT */
/*
 * log.c — the log sink and its redaction. Every line passes through llmc_redact() before any
 * callback or stderr sees it, so a key that slipped into a message (a header dump, a provider
 * echoing it back) is cut out here as a last line of defence. Key prefixes come from the
 * provider table (providers.h: pure data, so this bottom layer may read it).
 */
#include "providers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REDACTED "[REDACTED]"

static const char *const sensitive_headers[] = {"authorization", "proxy-authorization", "x-api-key", "api-key",
                                                "cookie",        "set-cookie",          NULL};

/* Replace s[from, to) with REDACTED when that is not longer; else with '*'s. */
static size_t cut(char *s, size_t from, size_t to)
{
    size_t span = to - from, rlen = strlen(REDACTED);
    if (span >= rlen) {
        memcpy(s + from, REDACTED, rlen);
        memmove(s + from + rlen, s + to, strlen(s + to) + 1);
        return from + rlen;
    }
    memset(s + from, '*', span);
    return to;
}

static bool key_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

void llmc_redact(char *line)
{
    /* "Name: value" where Name is sensitive: drop the whole value (to the end of the line). */
    for (size_t i = 0; sensitive_headers[i]; i++) {
        size_t n = strlen(sensitive_headers[i]);
        for (char *p = line; (p = strcasestr(p, sensitive_headers[i])) != NULL; p += n) {
            if (p != line && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
                continue;
            char *v = p + n;
            while (*v == ' ' || *v == '"')
                v++;
            if (*v != ':' && *v != '=')
                continue;
            v++;
            while (*v == ' ')
                v++;
            char *end = v;
            while (*end && *end != '\n' && *end != '\r')
                end++;
            if (end > v)
                cut(line, (size_t)(v - line), (size_t)(end - line));
        }
    }
    /* Key-shaped tokens anywhere: a known prefix (the provider table's) followed by 12 or more
     * key characters. */
    for (size_t i = 0; llmc_provider_key_prefix_at(i); i++) {
        const char *prefix = llmc_provider_key_prefix_at(i);
        size_t n = strlen(prefix);
        for (size_t at = 0; line[at];) {
            char *p = strstr(line + at, prefix);
            if (!p)
                break;
            size_t start = (size_t)(p - line);
            if (start > 0 && key_char(line[start - 1])) {
                at = start + n;
                continue;
            }
            size_t end = start + n;
            while (key_char(line[end]))
                end++;
            at = end - start - n >= 12 ? cut(line, start, end) : end;
        }
    }
}

/* A line may quote what a server sent (a request id, an error): control bytes, C1 controls
 * included, are written escaped so that none reaches a terminal raw. */
static void put_escaped(FILE *f, const char *line)
{
    for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
        if (*p == 0x1B)
            fputs("\\e", f);
        else if (*p < 0x20 || *p == 0x7F)
            fprintf(f, "\\x%02X", *p);
        else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0)
            fprintf(f, "\\u%04X", *++p);
        else
            fputc(*p, f);
    }
}

static void stderr_sink(void *userdata, llmc_log_level level, const char *line)
{
    (void)userdata;
    static const char *const names[] = {"debug", "info", "warn"};
    fprintf(stderr, "llmc %s: ", names[level]);
    put_escaped(stderr, line);
    fputc('\n', stderr);
}

llmc_code llmc_log_level_parse(const char *name, llmc_log_level *level, int *enabled)
{
    static const struct {
        const char *name;
        llmc_log_level level;
        int enabled;
    } names[] = {{"debug", LLMC_LOG_DEBUG, 1},  {"info", LLMC_LOG_INFO, 1}, {"warn", LLMC_LOG_WARN, 1},
                 {"warning", LLMC_LOG_WARN, 1}, {"off", LLMC_LOG_WARN, 0},  {"", LLMC_LOG_WARN, 0}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            if (level)
                *level = names[i].level;
            if (enabled)
                *enabled = names[i].enabled;
            return LLMC_OK;
        }
    return LLMC_E_INVALID_ARG;
}

void llmc_logger_default(llmc_logger *lg)
{
    const char *v = getenv("LLMC_LOG");
    lg->fn = stderr_sink;
    lg->userdata = NULL;
    lg->min_level = LLMC_LOG_WARN;
    int enabled = 0;
    if (v && llmc_log_level_parse(v, &lg->min_level, &enabled) != LLMC_OK) {
        /* a level nobody defined: say so once rather than guess (the CLI refuses it outright) */
        static int told;
        if (!told++)
            fprintf(stderr,
                    "llmc warn: LLMC_LOG=\"%.40s\" is not a level (debug, info, warn or off); "
                    "logging warnings only\n",
                    v);
        enabled = 1;
    }
    lg->enabled = enabled != 0;
}

bool llmc_log_wants(const llmc_logger *lg, llmc_log_level level)
{
    return lg && lg->enabled && lg->fn && level >= lg->min_level;
}

void llmc_logf(const llmc_logger *lg, llmc_log_level level, const char *fmt, ...)
{
    if (!lg || !lg->enabled || !lg->fn || level < lg->min_level)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    llmc_redact(line);
    lg->fn(lg->userdata, level, line);
}
