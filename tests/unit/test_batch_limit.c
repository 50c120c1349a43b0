/* SPDX-License-Identifier: MIT */
/*
 * test_batch_limit.c — the batch rate limiter as arithmetic on simulated time: token buckets
 * hold their rate over a long run without an opening burst, and providers' rate-limit headers
 * (Anthropic dates, Cerebras seconds, OpenAI durations) pause and release starts.
 */
#include "batch_internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Take as fast as the bucket allows for `seconds` of simulated time; how many were taken. */
static double simulate(bl_bucket *b, double cost, double seconds)
{
    double now = 0, taken = 0;
    while (now < seconds) {
        double w = bl_bucket_wait(b, cost, now);
        if (w > 0) {
            now += w;
            continue;
        }
        bl_bucket_take(b, cost, now);
        taken += cost;
    }
    return taken;
}

static void test_bucket_holds_rate(void **state)
{
    (void)state;
    static const double rates[] = {60, 600, 6000, 100000};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        bl_bucket b;
        bl_bucket_init(&b, rates[i], 0);
        double taken = simulate(&b, 1, 20);
        double expect = rates[i] / 60 * 20;
        assert_true(fabs(taken - expect) <= expect * 0.02 + 1);
    }
    /* tokens per minute, with requests costing 300 tokens each */
    bl_bucket t;
    bl_bucket_init(&t, 60000, 0);
    double tokens = simulate(&t, 300, 20);
    assert_true(fabs(tokens - 20000) <= 20000 * 0.05);
}

static void test_bucket_no_opening_burst_and_big_costs(void **state)
{
    (void)state;
    bl_bucket b;
    bl_bucket_init(&b, 600, 0); /* 10 a second */
    assert_true(bl_bucket_wait(&b, 1, 0) == 0);
    bl_bucket_take(&b, 1, 0);
    assert_true(bl_bucket_wait(&b, 1, 0) > 0.09); /* no saved-up burst at the start */
    /* a long idle spell saves up one second at most */
    double taken = 0;
    for (;;) {
        if (bl_bucket_wait(&b, 1, 100) > 0)
            break;
        bl_bucket_take(&b, 1, 100);
        taken++;
    }
    assert_true(taken <= 10);
    /* a request costing more than the bucket holds still goes once the bucket is full */
    bl_bucket t;
    bl_bucket_init(&t, 60, 0); /* 1 token a second, capacity 1 */
    assert_true(bl_bucket_wait(&t, 5000, 0) == 0);
    /* an unlimited bucket never waits */
    bl_bucket none;
    bl_bucket_init(&none, 0, 0);
    assert_true(bl_bucket_wait(&none, 1e9, 0) == 0);
    /* usage correction: a request that used more than estimated puts the bucket in debt */
    bl_bucket d;
    bl_bucket_init(&d, 6000, 0);
    bl_bucket_take(&d, 1, 0);
    bl_bucket_adjust(&d, 200);
    assert_true(bl_bucket_wait(&d, 1, 0) > 1.9);
}

static void test_parse_times(void **state)
{
    (void)state;
    assert_true(fabs(bl_parse_duration("1m30s") - 90) < 1e-9);
    assert_true(fabs(bl_parse_duration("20ms") - 0.02) < 1e-9);
    assert_true(fabs(bl_parse_duration("0.5") - 0.5) < 1e-9);
    assert_true(fabs(bl_parse_duration("12.5s") - 12.5) < 1e-9);
    assert_true(fabs(bl_parse_duration("6m0s") - 360) < 1e-9);
    assert_true(bl_parse_duration("soon") < 0);
    assert_true(bl_parse_duration("") < 0);
    assert_true(fabs(bl_parse_rfc3339("1970-01-01T00:01:00Z") - 60) < 1e-9);
    assert_true(fabs(bl_parse_rfc3339("2026-01-01T00:00:00.500Z") - (1767225600 + 0.5)) < 1e-6);
    assert_true(fabs(bl_parse_rfc3339("2026-01-01T01:00:00+01:00") - 1767225600) < 1e-6);
    assert_true(bl_parse_rfc3339("tomorrow") < 0);
    /* by hand: leap days, the year 2100 (no leap day), the end of a month, bad fields */
    assert_true(fabs(bl_parse_rfc3339("2024-02-29T12:00:00Z") - 1709208000) < 1e-6);
    assert_true(fabs(bl_parse_rfc3339("2100-03-01T00:00:00Z") - 4107542400.0) < 1e-6);
    assert_true(fabs(bl_parse_rfc3339("1999-12-31T23:59:59.25-05:00") - (946702799 + 0.25)) < 1e-6);
    assert_true(bl_parse_rfc3339("2026-13-01T00:00:00Z") < 0);
    assert_true(bl_parse_rfc3339("2026-01-01T00:00:00") < 0); /* no zone */
    assert_true(bl_parse_rfc3339("2026-01-01T00:00:00.Z") < 0);
}

static void header(bl_provider *p, const char *line, double now, double wall)
{
    bl_provider_header(p, line, strlen(line), now, wall);
}

static void test_provider_headers(void **state)
{
    (void)state;
    double wake;
    /* Anthropic: no requests left until a date 2 s after "now" */
    bl_provider a;
    bl_provider_init(&a);
    header(&a, "anthropic-ratelimit-requests-remaining: 0\r\n", 100, 1767225600);
    header(&a, "anthropic-ratelimit-requests-reset: 2026-01-01T00:00:02Z\r\n", 100, 1767225600);
    assert_false(bl_provider_may_start(&a, 0, 10, 100, &wake));
    assert_true(fabs(wake - 102) < 1e-6);
    assert_true(bl_provider_may_start(&a, 0, 10, 102.001, &wake)); /* after the reset: unknown again */
    assert_int_equal(a.req_remaining, -1);
    /* some left: start while they cover the requests already out */
    header(&a, "Anthropic-RateLimit-Requests-Remaining: 3\r\n", 103, 1767225603);
    header(&a, "anthropic-ratelimit-requests-reset: 2026-01-01T00:01:00Z\r\n", 103, 1767225603);
    assert_true(bl_provider_may_start(&a, 2, 10, 103, &wake));
    assert_false(bl_provider_may_start(&a, 3, 10, 103, &wake));
    /* Cerebras: tokens per minute, reset in float seconds */
    bl_provider c;
    bl_provider_init(&c);
    header(&c, "x-ratelimit-remaining-tokens-minute: 50\r\n", 10, 0);
    header(&c, "x-ratelimit-reset-tokens-minute: 7.5\r\n", 10, 0);
    assert_true(bl_provider_may_start(&c, 0, 40, 10, &wake));
    assert_false(bl_provider_may_start(&c, 0, 60, 10, &wake));
    assert_true(fabs(wake - 17.5) < 1e-6);
    header(&c, "x-ratelimit-remaining-requests-day: 0\r\n", 10, 0);
    header(&c, "x-ratelimit-reset-requests-day: 3600\r\n", 10, 0);
    assert_false(bl_provider_may_start(&c, 0, 1, 20, &wake));
    assert_true(fabs(wake - 3610) < 1e-6);
    /* OpenAI: durations */
    bl_provider o;
    bl_provider_init(&o);
    header(&o, "x-ratelimit-remaining-requests: 0\r\n", 5, 0);
    header(&o, "x-ratelimit-reset-requests: 1m30s\r\n", 5, 0);
    assert_false(bl_provider_may_start(&o, 0, 1, 5, &wake));
    assert_true(fabs(wake - 95) < 1e-6);
    /* a 429's pause holds everything */
    bl_provider z;
    bl_provider_init(&z);
    z.paused_until = 50;
    assert_false(bl_provider_may_start(&z, 0, 1, 49, &wake));
    assert_true(wake == 50);
    assert_true(bl_provider_may_start(&z, 0, 1, 50, &wake));
    /* unrelated headers change nothing */
    header(&z, "content-type: application/json\r\n", 60, 0);
    assert_int_equal(z.req_remaining, -1);
    assert_int_equal(z.tok_remaining, -1);
}

/* What a caller reads (llmc_response_rate_limits): every provider's names, by their parts. */
static void rl_line(llmc_rate_limits *rl, const char *line)
{
    llmc_rate_limits_header(rl, line, strlen(line), 1767225600.0);
}

static void test_caller_rate_limits(void **state)
{
    (void)state;
    llmc_rate_limits rl;
    llmc_rate_limits_none(&rl);
    assert_false(llmc_rate_limits_any(&rl));
    rl_line(&rl, "anthropic-ratelimit-requests-limit: 4000\r\n");
    rl_line(&rl, "Anthropic-RateLimit-Input-Tokens-Remaining: 1599000\r\n");
    rl_line(&rl, "anthropic-ratelimit-output-tokens-reset: 2026-01-01T00:00:30Z\r\n");
    assert_int_equal(rl.requests.limit, 4000);
    assert_int_equal(rl.input_tokens.remaining, 1599000);
    assert_true(fabs(rl.output_tokens.reset_s - 30) < 1e-6);
    /* Cerebras: a day of requests, a minute of tokens, resets in seconds */
    rl_line(&rl, "x-ratelimit-remaining-requests-day: 14399\r\n");
    rl_line(&rl, "x-ratelimit-reset-tokens-minute: 59.5\r\n");
    assert_int_equal(rl.requests.remaining, 14399);
    assert_true(fabs(rl.tokens.reset_s - 59.5) < 1e-9);
    /* OpenAI: durations */
    rl_line(&rl, "X-RateLimit-Reset-Requests: 1m30s\r\n");
    rl_line(&rl, "x-ratelimit-limit-tokens: 30000\r\n");
    assert_true(fabs(rl.requests.reset_s - 90) < 1e-9);
    assert_int_equal(rl.tokens.limit, 30000);
    /* names llmc does not read, or that only start like one, change nothing */
    llmc_rate_limits before = rl;
    rl_line(&rl, "x-ratelimit-remaining-tokens-prompt: 5\r\n"); /* Fireworks' split */
    rl_line(&rl, "x-ratelimit-limit-requests-minute: 5\r\n");   /* a window not of that kind */
    rl_line(&rl, "anthropic-ratelimit-requests-limitless: 5\r\n");
    rl_line(&rl, "anthropic-ratelimit-tokens: 5\r\n");
    rl_line(&rl, "x-ratelimit-limit-requests-day-extra: 5\r\n");
    rl_line(&rl, "x-ratelimit-limit-requests: many\r\n"); /* not a number */
    assert_memory_equal(&before, &rl, sizeof rl);
    /* a reset date already past counts as now */
    rl_line(&rl, "anthropic-ratelimit-requests-reset: 2025-12-31T23:59:00Z\r\n");
    assert_true(rl.requests.reset_s == 0);
}

static void test_estimate_learns_the_provider_ratio(void **state)
{
    (void)state;
    /* before any figure: bytes / 4, plus the output asked for */
    assert_true(fabs(bl_estimate_tokens(NULL, 400, 64) - 164) < 1e-9);
    bl_estimate e = {0};
    assert_true(fabs(bl_estimate_tokens(&e, 400, 0) - 100) < 1e-9);
    /* a count or a result says 1000 bytes were 125 tokens: 1 token per 8 bytes from now on */
    bl_estimate_learn(&e, 1000, 125);
    assert_true(fabs(bl_estimate_tokens(&e, 800, 10) - 110) < 1e-9);
    /* more figures average in; empty bodies and zero counts teach nothing */
    bl_estimate_learn(&e, 1000, 375);
    bl_estimate_learn(&e, 0, 50);
    bl_estimate_learn(&e, 100, 0);
    assert_true(fabs(bl_estimate_tokens(&e, 2000, 0) - 500) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_learns_the_provider_ratio),
        cmocka_unit_test(test_bucket_holds_rate),
        cmocka_unit_test(test_bucket_no_opening_burst_and_big_costs),
        cmocka_unit_test(test_parse_times),
        cmocka_unit_test(test_caller_rate_limits),
        cmocka_unit_test(test_provider_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
