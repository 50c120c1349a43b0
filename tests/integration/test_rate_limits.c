/* SPDX-License-Identifier: MIT */
/*
 * test_rate_limits.c — every call carries what the provider's rate-limit headers said: in the
 * response of a plain call and of a stream, in the error of a refused one (a 429's "none left"),
 * for each provider's family of headers (Anthropic's with RFC 3339 resets, Cerebras' per day and
 * per minute in seconds, OpenAI's with durations); `-v` shows them.
 */
#include "auth_fixture.h"
#include "models.h"

#include <llmc/llmc.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static emulator emu;
static temp_home home;

typedef struct target {
    const char *provider, *upper, *model, *path;
    long req_limit, req_left, tok_limit, tok_left;
    double req_reset_min, req_reset_max;
} target;

/* what the emulator sends (tests/server/server.c, rate_limit_headers) */
static const target targets[] = {
    {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC, "/anthropic/v1/messages", 4000, 3999, 2000000, 1999000, 55, 61},
    {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS, "/cerebras/v1/chat/completions", 14400, 14399, 60000, 59000, 33011,
     33012},
    {"openai", "OPENAI", TEST_MODEL_OPENAI, "/openai/v1/chat/completions", 10000, 9999, 30000000, 29999000, 0.005,
     0.007},
};

static llmc_client *client_for(const target *t)
{
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_client_use_key_store(c, 0);
    llmc_client_set_max_retries(c, 0);
    assert_int_equal(llmc_client_set_base_url(c, t->provider, emulator_base_url(&emu, t->provider), &err), LLMC_OK);
    assert_int_equal(llmc_client_set_key(c, t->provider, test_key(t->upper, "VALID"), &err), LLMC_OK);
    return c;
}

static void assert_window(const llmc_rate_limits *rl, const target *t)
{
    assert_int_equal(rl->requests.limit, t->req_limit);
    assert_int_equal(rl->requests.remaining, t->req_left);
    assert_int_equal(rl->tokens.limit, t->tok_limit);
    assert_int_equal(rl->tokens.remaining, t->tok_left);
    if (rl->requests.reset_s < t->req_reset_min || rl->requests.reset_s > t->req_reset_max)
        fail_msg("%s: requests reset in %.3f s, expected %.3f to %.3f", t->provider, rl->requests.reset_s,
                 t->req_reset_min, t->req_reset_max);
}

static int ignore(void *ud, const llmc_event *ev)
{
    (void)ud;
    (void)ev;
    return 0;
}

static void test_responses_carry_rate_limits(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        const target *t = &targets[i];
        llmc_client *c = client_for(t);
        llmc_request *req = llmc_request_new(t->model);
        llmc_request_add_message(req, LLMC_ROLE_USER, "hi", NULL);
        llmc_response *resp = NULL;
        llmc_error err;
        assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
        llmc_rate_limits rl = llmc_response_rate_limits(resp);
        assert_window(&rl, t);
        if (strcmp(t->provider, "anthropic") == 0) {
            assert_int_equal(rl.input_tokens.limit, 1600000);
            assert_int_equal(rl.output_tokens.remaining, 399900);
        } else {
            assert_int_equal(rl.input_tokens.limit, -1); /* not this provider's */
        }
        llmc_response_free(resp);
        /* a stream's answer carries them too */
        assert_int_equal(llmc_messages_stream(c, req, ignore, NULL, &resp, &err), LLMC_OK);
        rl = llmc_response_rate_limits(resp);
        assert_window(&rl, t);
        llmc_response_free(resp);
        llmc_request_free(req);
        llmc_client_free(c);
    }
    /* nothing reported: every field -1 */
    llmc_rate_limits none = llmc_response_rate_limits(NULL);
    assert_int_equal(none.requests.limit, -1);
    assert_true(none.tokens.reset_s < 0);
}

static void test_refusals_carry_rate_limits(void **state)
{
    (void)state;
    const target *t = &targets[0];
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
    emulator_fault(&emu,
                   "{\"path\":\"/anthropic/v1/messages\",\"status\":429,\"headers\":{"
                   "\"retry-after\":\"7\",\"anthropic-ratelimit-requests-limit\":\"50\","
                   "\"anthropic-ratelimit-requests-remaining\":\"0\","
                   "\"anthropic-ratelimit-requests-reset\":\"2000-01-01T00:00:00Z\"}}");
    llmc_client *c = client_for(t);
    llmc_request *req = llmc_request_new(t->model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "hi", NULL);
    llmc_response *resp = NULL;
    llmc_error err;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_RATE_LIMIT);
    assert_int_equal(err.rate_limits.requests.limit, 50);
    assert_int_equal(err.rate_limits.requests.remaining, 0);
    assert_true(fabs(err.rate_limits.requests.reset_s) < 0.001); /* a reset in the past: now */
    assert_int_equal(err.rate_limits.tokens.limit, -1);          /* the fault's headers win whole */
    assert_true(fabs(err.retry_after - 7) < 0.001);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_verbose_shows_them(void **state)
{
    (void)state;
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
    const target *t = &targets[1];
    const char *env[] = {home.xdg_env, envf("%s_BASE_URL=%s", t->upper, emulator_base_url(&emu, t->provider)),
                         envf("%s_API_KEY=%s", t->upper, test_key(t->upper, "VALID")), NULL};
    const char *args[] = {"-v", "--no-stream", "-m", t->model, "hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    if (!strstr(r.err,
                "rate limits: requests 14399 of 14400 left, refills in 33011.4 s; tokens 59000 of 60000 "
                "left, refills in 59.5 s"))
        fail_msg("-v does not show the rate limits:\n%s", r.err);
    cli_result_free(&r);
}

static int group_setup(void **state)
{
    (void)state;
    home_make(&home);
    emulator_start(&emu, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    home_remove(&home);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_responses_carry_rate_limits),
        cmocka_unit_test(test_refusals_carry_rate_limits),
        cmocka_unit_test(test_verbose_shows_them),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
