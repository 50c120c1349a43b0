/* SPDX-License-Identifier: MIT */
/*
 * ratelimit.c — how fast the engine may go: token buckets for the requests and tokens per minute a
 * batch or a multi handle asked for, and what each provider's rate-limit headers say (requests
 * or tokens left until a reset). Pure arithmetic on times passed in, so unit tests drive it.
 */
#include "ratelimit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void bl_bucket_init(bl_bucket *b, double per_minute, double now)
{
    b->rate = per_minute > 0 ? per_minute / 60.0 : 0;
    /* A second's worth at most, so an idle spell cannot be spent as a burst that breaks the
     * configured rate over the next few seconds; never less than one request. */
    b->cap = b->rate > 1 ? b->rate : 1;
    b->tokens = b->rate > 0 && b->cap > 1 ? 1 : b->cap;
    b->last = now;
}

static void refill(bl_bucket *b, double now)
{
    if (now > b->last) {
        b->tokens += (now - b->last) * b->rate;
        if (b->tokens > b->cap)
            b->tokens = b->cap;
    }
    b->last = now;
}

double bl_bucket_wait(bl_bucket *b, double cost, double now)
{
    if (b->rate <= 0)
        return 0;
    refill(b, now);
    double need = cost < b->cap ? cost : b->cap;
    /* a hair short after refilling for exactly the computed wait is rounding, not a wait: asking
     * for a few ulps more would never move a clock that large */
    return b->tokens >= need - 1e-9 * (need > 1 ? need : 1) ? 0 : (need - b->tokens) / b->rate;
}

void bl_bucket_take(bl_bucket *b, double cost, double now)
{
    if (b->rate <= 0)
        return;
    refill(b, now);
    b->tokens -= cost;
}

void bl_bucket_adjust(bl_bucket *b, double delta)
{
    if (b->rate <= 0)
        return;
    b->tokens -= delta;
    if (b->tokens > b->cap)
        b->tokens = b->cap;
}

void bl_provider_init(bl_provider *p)
{
    p->req_remaining = p->tok_remaining = -1;
    p->req_reset_at = p->tok_reset_at = p->paused_until = 0;
}

double bl_parse_duration(const char *s)
{
    double total = 0;
    bool any = false;
    const char *p = s;
    while (*p == ' ')
        p++;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            return -1;
        p = end;
        double unit = 1;
        if (strncmp(p, "ms", 2) == 0) {
            unit = 0.001;
            p += 2;
        } else if (*p == 'h') {
            unit = 3600;
            p++;
        } else if (*p == 'm') {
            unit = 60;
            p++;
        } else if (*p == 's') {
            p++;
        } else if (*p && *p != ' ') {
            return -1;
        }
        total += v * unit;
        any = true;
        while (*p == ' ')
            p++;
    }
    return any ? total : -1;
}

double bl_parse_rfc3339(const char *s)
{
    int y, mo, d, h, mi;
    double sec;
    int used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
        return -1;
    const char *tz = s + used;
    double offset = 0;
    if (*tz == '+' || *tz == '-') {
        int oh = 0, om = 0;
        if (sscanf(tz + 1, "%2d:%2d", &oh, &om) != 2)
            return -1;
        offset = (oh * 3600.0 + om * 60.0) * (*tz == '-' ? -1 : 1);
    } else if (*tz != 'Z' && *tz != 'z') {
        return -1;
    }
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = 0;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    return (double)t + sec - offset;
}

/* `name: value` → the trimmed value in buf, when the header is `name`. */
static bool header_is(const char *line, size_t n, const char *name, char *buf, size_t size)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return false;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    size_t len = (size_t)(end - v) < size - 1 ? (size_t)(end - v) : size - 1;
    memcpy(buf, v, len);
    buf[len] = '\0';
    return true;
}

/* A reset given as a date (Anthropic) or as seconds / a duration from now (the others). */
static double reset_at(const char *v, double now, double wall)
{
    double when = bl_parse_rfc3339(v);
    if (when >= 0)
        return now + (when - wall > 0 ? when - wall : 0);
    double d = bl_parse_duration(v);
    return d >= 0 ? now + d : 0;
}

void bl_provider_header(bl_provider *p, const char *line, size_t n, double now, double wall)
{
    char v[96];
    /* most lines are not rate-limit headers: "anthropic-ratelimit-…" or "x-ratelimit-…" only */
    if (n < 20 || !((line[0] | 0x20) == 'a' ? strncasecmp(line + 10, "ratelimit-", 10) == 0
                                            : (line[0] | 0x20) == 'x' && strncasecmp(line + 2, "ratelimit-", 10) == 0))
        return;
    /* Anthropic: requests and (input + output) tokens; Cerebras: requests per day and tokens per
     * minute; OpenAI: requests and tokens. Each names a count left and when it comes back. */
    if (header_is(line, n, "anthropic-ratelimit-requests-remaining", v, sizeof v) ||
        header_is(line, n, "x-ratelimit-remaining-requests-day", v, sizeof v) ||
        header_is(line, n, "x-ratelimit-remaining-requests", v, sizeof v))
        p->req_remaining = strtol(v, NULL, 10);
    else if (header_is(line, n, "anthropic-ratelimit-requests-reset", v, sizeof v) ||
             header_is(line, n, "x-ratelimit-reset-requests-day", v, sizeof v) ||
             header_is(line, n, "x-ratelimit-reset-requests", v, sizeof v))
        p->req_reset_at = reset_at(v, now, wall);
    else if (header_is(line, n, "anthropic-ratelimit-tokens-remaining", v, sizeof v) ||
             header_is(line, n, "x-ratelimit-remaining-tokens-minute", v, sizeof v) ||
             header_is(line, n, "x-ratelimit-remaining-tokens", v, sizeof v))
        p->tok_remaining = strtol(v, NULL, 10);
    else if (header_is(line, n, "anthropic-ratelimit-tokens-reset", v, sizeof v) ||
             header_is(line, n, "x-ratelimit-reset-tokens-minute", v, sizeof v) ||
             header_is(line, n, "x-ratelimit-reset-tokens", v, sizeof v))
        p->tok_reset_at = reset_at(v, now, wall);
}

bool bl_provider_may_start(bl_provider *p, size_t in_flight, double tokens, double now, double *wake_at)
{
    double wake = 0;
    if (p->paused_until > now)
        wake = p->paused_until;
    /* What the provider said is left is shared by the requests already out: start another only
     * while it covers them, else wait for the reset (then the count is unknown again). */
    if (p->req_remaining >= 0) {
        if (p->req_reset_at > 0 && now >= p->req_reset_at)
            p->req_remaining = -1;
        else if ((size_t)p->req_remaining <= in_flight && p->req_reset_at > now && p->req_reset_at > wake)
            wake = p->req_reset_at;
    }
    if (p->tok_remaining >= 0) {
        if (p->tok_reset_at > 0 && now >= p->tok_reset_at)
            p->tok_remaining = -1;
        else if ((double)p->tok_remaining < tokens && p->tok_reset_at > now && p->tok_reset_at > wake)
            wake = p->tok_reset_at;
    }
    if (wake > now) {
        *wake_at = wake;
        return false;
    }
    return true;
}

/* ---- what a provider's rate-limit headers say, for the caller (llmc_rate_limits) ---- */

void llmc_rate_limits_none(llmc_rate_limits *rl)
{
    memset(rl, 0, sizeof *rl);
    llmc_rate_limit *all[] = {&rl->requests, &rl->tokens, &rl->input_tokens, &rl->output_tokens};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        *all[i] = (llmc_rate_limit){-1, -1, -1};
}

bool llmc_rate_limits_any(const llmc_rate_limits *rl)
{
    const llmc_rate_limit *all[] = {&rl->requests, &rl->tokens, &rl->input_tokens, &rl->output_tokens};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->limit >= 0 || all[i]->remaining >= 0 || all[i]->reset_s >= 0)
            return true;
    return false;
}

enum { RL_REQUESTS, RL_TOKENS, RL_INPUT, RL_OUTPUT };
enum { RL_LIMIT, RL_REMAINING, RL_RESET };

/* Every provider's names for them (names that are the start of another come after it). */
static const struct {
    const char *name;
    unsigned char which, field;
} rate_headers[] = {
    {"anthropic-ratelimit-requests-limit", RL_REQUESTS, RL_LIMIT},
    {"anthropic-ratelimit-requests-remaining", RL_REQUESTS, RL_REMAINING},
    {"anthropic-ratelimit-requests-reset", RL_REQUESTS, RL_RESET},
    {"anthropic-ratelimit-tokens-limit", RL_TOKENS, RL_LIMIT},
    {"anthropic-ratelimit-tokens-remaining", RL_TOKENS, RL_REMAINING},
    {"anthropic-ratelimit-tokens-reset", RL_TOKENS, RL_RESET},
    {"anthropic-ratelimit-input-tokens-limit", RL_INPUT, RL_LIMIT},
    {"anthropic-ratelimit-input-tokens-remaining", RL_INPUT, RL_REMAINING},
    {"anthropic-ratelimit-input-tokens-reset", RL_INPUT, RL_RESET},
    {"anthropic-ratelimit-output-tokens-limit", RL_OUTPUT, RL_LIMIT},
    {"anthropic-ratelimit-output-tokens-remaining", RL_OUTPUT, RL_REMAINING},
    {"anthropic-ratelimit-output-tokens-reset", RL_OUTPUT, RL_RESET},
    /* Cerebras: a day of requests, a minute of tokens; resets in seconds */
    {"x-ratelimit-limit-requests-day", RL_REQUESTS, RL_LIMIT},
    {"x-ratelimit-remaining-requests-day", RL_REQUESTS, RL_REMAINING},
    {"x-ratelimit-reset-requests-day", RL_REQUESTS, RL_RESET},
    {"x-ratelimit-limit-tokens-minute", RL_TOKENS, RL_LIMIT},
    {"x-ratelimit-remaining-tokens-minute", RL_TOKENS, RL_REMAINING},
    {"x-ratelimit-reset-tokens-minute", RL_TOKENS, RL_RESET},
    /* OpenAI (and Groq, OpenRouter …): resets as durations ("6m0s") */
    {"x-ratelimit-limit-requests", RL_REQUESTS, RL_LIMIT},
    {"x-ratelimit-remaining-requests", RL_REQUESTS, RL_REMAINING},
    {"x-ratelimit-reset-requests", RL_REQUESTS, RL_RESET},
    {"x-ratelimit-limit-tokens", RL_TOKENS, RL_LIMIT},
    {"x-ratelimit-remaining-tokens", RL_TOKENS, RL_REMAINING},
    {"x-ratelimit-reset-tokens", RL_TOKENS, RL_RESET},
};

void llmc_rate_limits_header(llmc_rate_limits *rl, const char *line, size_t n, double wall)
{
    if (n < 20 || !((line[0] | 0x20) == 'a' ? strncasecmp(line + 10, "ratelimit-", 10) == 0
                                            : (line[0] | 0x20) == 'x' && strncasecmp(line + 2, "ratelimit-", 10) == 0))
        return;
    char v[96];
    for (size_t i = 0; i < sizeof rate_headers / sizeof rate_headers[0]; i++) {
        if (!header_is(line, n, rate_headers[i].name, v, sizeof v))
            continue;
        llmc_rate_limit *all[] = {&rl->requests, &rl->tokens, &rl->input_tokens, &rl->output_tokens};
        llmc_rate_limit *r = all[rate_headers[i].which];
        if (rate_headers[i].field == RL_RESET) {
            double when = bl_parse_rfc3339(v);
            double d = when >= 0 ? when - wall : bl_parse_duration(v);
            r->reset_s = d < 0 && when >= 0 ? 0 : d;
        } else {
            char *end;
            long x = strtol(v, &end, 10);
            if (end != v && x >= 0)
                *(rate_headers[i].field == RL_LIMIT ? &r->limit : &r->remaining) = x;
        }
        return;
    }
}

void llmc_rate_limits_describe(const llmc_rate_limits *rl, char *out, size_t size)
{
    static const char *const names[] = {"requests", "tokens", "input tokens", "output tokens"};
    const llmc_rate_limit *all[] = {&rl->requests, &rl->tokens, &rl->input_tokens, &rl->output_tokens};
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof all / sizeof all[0] && len < size; i++) {
        const llmc_rate_limit *r = all[i];
        if (r->limit < 0 && r->remaining < 0)
            continue;
        char left[48], reset[48] = "";
        if (r->limit >= 0)
            snprintf(left, sizeof left, "%ld of %ld left", r->remaining, r->limit);
        else
            snprintf(left, sizeof left, "%ld left", r->remaining);
        if (r->reset_s >= 0)
            snprintf(reset, sizeof reset, ", refills in %.1f s", r->reset_s);
        int w = snprintf(out + len, size - len, "%s%s %s%s", len ? "; " : "", names[i], left, reset);
        if (w < 0)
            return;
        len += (size_t)w;
    }
}

double bl_estimate_tokens(const bl_estimate *e, size_t body_bytes, double max_out)
{
    /* JSON overhead makes bytes / 4 an overestimate for prose and an underestimate for code;
     * the provider's own figures replace it as soon as there are any */
    double per_byte = e && e->bytes > 0 && e->tokens > 0 ? e->tokens / e->bytes : 0.25;
    return (double)body_bytes * per_byte + max_out;
}

void bl_estimate_learn(bl_estimate *e, size_t body_bytes, double input_tokens)
{
    if (body_bytes == 0 || !(input_tokens > 0))
        return;
    e->bytes += (double)body_bytes;
    e->tokens += input_tokens;
}
