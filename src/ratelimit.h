/* SPDX-License-Identifier: MIT */
/*
 * ratelimit.h — rate limits with no I/O and no clock of their own (time comes in as an argument):
 * token buckets for requests and tokens per minute, and what a provider's rate-limit headers
 * say about how much it will take and when. The engine schedules transfers with them.
 */
#ifndef LLMC_RATELIMIT_H
#define LLMC_RATELIMIT_H

#include "llmc/llmc.h"

#include <stdbool.h>
#include <stddef.h>

/* A token bucket: `rate` per second, at most `cap` saved up. rate 0: no limit. */
typedef struct bl_bucket {
    double rate, cap, tokens, last;
} bl_bucket;

/* per_minute 0: unlimited. Starts with one request's worth, so a run never opens with a burst
 * that would push the first seconds over the configured rate. */
void bl_bucket_init(bl_bucket *b, double per_minute, double now);
/* Seconds until `cost` may be taken (0: now). A cost above the capacity waits for a full bucket,
 * so one large request cannot stall the run. */
double bl_bucket_wait(bl_bucket *b, double cost, double now);
void bl_bucket_take(bl_bucket *b, double cost, double now);
/* Correct an earlier charge (the real usage arrived): may leave the bucket in debt. */
void bl_bucket_adjust(bl_bucket *b, double delta);

/* What one provider's rate-limit headers said. */
typedef struct bl_provider {
    long req_remaining;  /* -1: unknown */
    double req_reset_at; /* monotonic seconds */
    long tok_remaining;  /* -1: unknown */
    double tok_reset_at;
    double paused_until; /* a 429's retry-after pauses the provider */
} bl_provider;

void bl_provider_init(bl_provider *p);
/* Read one response header line (anthropic-ratelimit-*, x-ratelimit-*); `now` is monotonic,
 * `wall` the Unix time, for resets given as dates. */
void bl_provider_header(bl_provider *p, const char *line, size_t n, double now, double wall);
/* The same from what one answer's headers said (llmc_rate_limits_header), once per answer. */
void bl_provider_update(bl_provider *p, const llmc_rate_limits *rl, double now);
/* Whether a request costing `tokens` may start with `in_flight` already out; when not,
 * *wake_at is when to look again. */
bool bl_provider_may_start(bl_provider *p, size_t in_flight, double tokens, double now, double *wake_at);
/* A provider's input tokens per byte of request body, learned from what it reports: a count
 * before the run (Anthropic's count_tokens, when a token limit is set) and each result's usage.
 * Until then a request is estimated at bytes / 4. */
typedef struct bl_estimate {
    double bytes, tokens; /* summed over what was measured */
} bl_estimate;
/* The tokens a request will cost (its input by the ratio, plus its max output). */
double bl_estimate_tokens(const bl_estimate *e, size_t body_bytes, double max_out);
/* One measurement: a body of `body_bytes` was `input_tokens` tokens of input. */
void bl_estimate_learn(bl_estimate *e, size_t body_bytes, double input_tokens);

/* "1m30s", "20ms", "0.5", "12.5s": seconds, or -1. */
double bl_parse_duration(const char *s);
/* RFC 3339 "2026-01-01T00:00:00Z" (fraction and offset allowed): Unix seconds, or -1. */
double bl_parse_rfc3339(const char *s);

/* ---- the caller's view (llmc_rate_limits in llmc.h) ---- */

/* Every field "not reported" (-1). */
void llmc_rate_limits_none(llmc_rate_limits *rl);
/* Whether any field was reported. */
bool llmc_rate_limits_any(const llmc_rate_limits *rl);
/* Read one response header line of any provider's rate-limit family into rl; `wall` is the Unix
 * time, for resets given as dates (-1: read the clock only when a date needs it). */
void llmc_rate_limits_header(llmc_rate_limits *rl, const char *line, size_t n, double wall);
/* "requests 49 of 50 left, refills in 1.2 s; tokens …" (empty when nothing was reported). */
void llmc_rate_limits_describe(const llmc_rate_limits *rl, char *out, size_t size);

#endif /* LLMC_RATELIMIT_H */
