/* SPDX-License-Identifier: MIT */
/*
 * ratelimit.c — how fast the engine may go: token buckets for the requests and tokens per minute a
 * batch or a multi handle asked for, and what each provider's rate-limit headers say (requests
 * or tokens left until a reset). Pure arithmetic on times passed in, so unit tests drive it.
 */
#include "ratelimit.h"
#include "util.h"

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

/* n decimal digits at s into *out. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse: eras of 400
 * years, March-based years so the leap day is last). Pure arithmetic: no timegm, no locale. */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

double bl_parse_rfc3339(const char *s)
{
    int y, mo, d, h, mi, se;
    if (!s || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    const char *p = s + 19;
    double frac = 0;
    if (*p == '.') {
        double scale = 0.1;
        if (*++p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    double offset = 0;
    if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
            return -1;
        offset = (oh * 3600.0 + om * 60.0) * (*p == '-' ? -1 : 1);
    } else if (*p != 'Z' && *p != 'z') {
        return -1;
    }
    return (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + se + frac - offset;
}

void bl_provider_update(bl_provider *p, const llmc_rate_limits *rl, double now)
{
    /* Anthropic: requests and (input + output) tokens; Cerebras: requests per day and tokens per
     * minute; OpenAI: requests and tokens. Each names a count left and when it comes back. */
    if (rl->requests.remaining >= 0)
        p->req_remaining = rl->requests.remaining;
    if (rl->requests.reset_s >= 0)
        p->req_reset_at = now + rl->requests.reset_s;
    if (rl->tokens.remaining >= 0)
        p->tok_remaining = rl->tokens.remaining;
    if (rl->tokens.reset_s >= 0)
        p->tok_reset_at = now + rl->tokens.reset_s;
}

void bl_provider_header(bl_provider *p, const char *line, size_t n, double now, double wall)
{
    llmc_rate_limits rl;
    llmc_rate_limits_none(&rl);
    llmc_rate_limits_header(&rl, line, n, wall);
    bl_provider_update(p, &rl, now);
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

/* `word` (case-insensitive) at *p, followed by `end` or '-'; moves *p past it (and the '-'). */
static bool take_word(const char **p, const char *end, const char *word)
{
    size_t k = strlen(word);
    if ((size_t)(end - *p) < k || strncasecmp(*p, word, k) != 0)
        return false;
    const char *q = *p + k;
    if (q < end && *q != '-')
        return false;
    *p = q < end ? q + 1 : q;
    return true;
}

static int take_which(const char **p, const char *end)
{
    if (take_word(p, end, "requests"))
        return RL_REQUESTS;
    if (take_word(p, end, "tokens"))
        return RL_TOKENS;
    if (take_word(p, end, "input-tokens"))
        return RL_INPUT;
    if (take_word(p, end, "output-tokens"))
        return RL_OUTPUT;
    return -1;
}

static int take_field(const char **p, const char *end)
{
    if (take_word(p, end, "limit"))
        return RL_LIMIT;
    if (take_word(p, end, "remaining"))
        return RL_REMAINING;
    if (take_word(p, end, "reset"))
        return RL_RESET;
    return -1;
}

/* Read by its parts rather than matched against every name: Anthropic's
 * `anthropic-ratelimit-<which>-<field>`, and `x-ratelimit-<field>-<which>` (OpenAI, Groq, …) with
 * Cerebras' `-day` (requests) and `-minute` (tokens) windows. Other names (Fireworks'
 * `-prompt`/`-generated` splits, …) are left alone. Every answer carries a dozen of these, so
 * this runs on every call. */
void llmc_rate_limits_header(llmc_rate_limits *rl, const char *line, size_t n, double wall)
{
    const char *colon = n > 20 ? memchr(line, ':', n) : NULL;
    if (!colon)
        return;
    const char *p = line, *name_end = colon;
    int which, field;
    if ((size_t)(name_end - p) > 20 && strncasecmp(p, "anthropic-ratelimit-", 20) == 0) {
        p += 20;
        if ((which = take_which(&p, name_end)) < 0 || (field = take_field(&p, name_end)) < 0)
            return;
    } else if ((size_t)(name_end - p) > 12 && strncasecmp(p, "x-ratelimit-", 12) == 0) {
        p += 12;
        if ((field = take_field(&p, name_end)) < 0 || (which = take_which(&p, name_end)) < 0 || which > RL_TOKENS)
            return;
        if (p < name_end &&
            !(which == RL_REQUESTS ? take_word(&p, name_end, "day") : take_word(&p, name_end, "minute")))
            return;
    } else {
        return;
    }
    if (p != name_end)
        return;
    const char *v = colon + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    char value[96];
    size_t len = (size_t)(end - v) < sizeof value - 1 ? (size_t)(end - v) : sizeof value - 1;
    memcpy(value, v, len);
    value[len] = '\0';
    llmc_rate_limit *all[] = {&rl->requests, &rl->tokens, &rl->input_tokens, &rl->output_tokens};
    llmc_rate_limit *r = all[which];
    if (field == RL_RESET) {
        double when = bl_parse_rfc3339(value);
        if (when >= 0 && wall < 0)
            wall = llmc_wall_s(); /* only a date needs the clock */
        double d = when >= 0 ? when - wall : bl_parse_duration(value);
        r->reset_s = d < 0 && when >= 0 ? 0 : d;
    } else {
        char *stop;
        long x = strtol(value, &stop, 10);
        if (stop != value && x >= 0)
            *(field == RL_LIMIT ? &r->limit : &r->remaining) = x;
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
