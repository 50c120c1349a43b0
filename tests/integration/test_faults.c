/* SPDX-License-Identifier: MIT */
/*
 * test_faults.c — the library and the CLI against an emulator that misbehaves on purpose: every
 * retryable status with and without retry headers, x-should-retry both ways, bodies that are
 * not JSON, proxy pages, oversized bodies, hangs, drips, drops and refused connections. Each
 * case asserts the outcome, the attempts made (the emulator's request log) and loose delays.
 */
#include "harness.h"
#include "models.h"

#include <llmc/llmc.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static emulator emu;

#define ANTHROPIC_PATH "/anthropic/v1/messages"
#define CEREBRAS_PATH "/cerebras/v1/chat/completions"

/* Upper time bounds are loose and scaled under valgrind (LLMC_TEST_TIME_SCALE), where every
 * call is several times slower; lower bounds are what the retry rules promise and never scale.
 * A retry's sleep never ends early, but curl may declare a timeout up to a millisecond or so
 * before it is due (it rounds): lower bounds on timeouts allow TIMER_SLACK. */
static double scale = 1.0;
#define TIMER_SLACK 0.01

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fault(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fault(const char *fmt, ...)
{
    char json[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(json, sizeof json, fmt, ap);
    va_end(ap);
    emulator_fault(&emu, json);
}

/* Forget recorded requests and queued faults: each case starts from a quiet emulator. */
static void reset_emulator(void)
{
    emulator_clear_requests(&emu);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
}

static const char *upper_of(const char *provider)
{
    return strcmp(provider, "anthropic") == 0 ? "ANTHROPIC" : strcmp(provider, "cerebras") == 0 ? "CEREBRAS" : "OPENAI";
}

/* A client for `provider` on the emulator with its valid test key given explicitly. */
static llmc_client *client_for(const char *provider, int max_retries, long request_ms)
{
    llmc_client *c = llmc_client_new();
    assert_non_null(c);
    llmc_error err;
    assert_int_equal(llmc_client_set_base_url(c, provider, emulator_base_url(&emu, provider), &err), LLMC_OK);
    assert_int_equal(llmc_client_set_key(c, provider, test_key(upper_of(provider), "VALID"), &err), LLMC_OK);
    llmc_client_set_max_retries(c, max_retries);
    llmc_client_set_timeouts(c, 0, request_ms);
    return c;
}

typedef struct outcome {
    llmc_code rc;
    llmc_error err;
    double seconds;
    size_t requests; /* what the emulator received */
    char text[256];  /* the reply's text on success */
} outcome;

/* One llmc_messages_create, timed, with what the emulator saw. */
static outcome call(llmc_client *c, const char *model)
{
    outcome o;
    memset(&o, 0, sizeof o);
    llmc_request *req = llmc_request_new(model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "fault test", NULL);
    llmc_response *resp = NULL;
    double t0 = now_s();
    o.rc = llmc_messages_create(c, req, &resp, &o.err);
    o.seconds = now_s() - t0;
    if (resp)
        snprintf(o.text, sizeof o.text, "%s", llmc_response_text(resp));
    llmc_response_free(resp);
    llmc_request_free(req);
    o.requests = emulator_request_count(&emu);
    return o;
}

static outcome run(const char *provider, int max_retries, long request_ms)
{
    llmc_client *c = client_for(provider, max_retries, request_ms);
    outcome o = call(c, strcmp(provider, "anthropic") == 0 ? TEST_MODEL_ANTHROPIC : TEST_MODEL_CEREBRAS);
    llmc_client_free(c);
    return o;
}

static void expect_success(const outcome *o, size_t requests, double min_s, double max_s, const char *what)
{
    if (o->rc != LLMC_OK || o->requests != requests || o->seconds < min_s || o->seconds >= max_s * scale)
        fprintf(stderr, "%s: rc %d (%s), %zu requests, %.3f s (want %zu in [%.2f, %.2f))\n", what, o->rc,
                o->err.message, o->requests, o->seconds, requests, min_s, max_s * scale);
    assert_int_equal(o->rc, LLMC_OK);
    assert_string_equal(o->text, "You said: fault test");
    assert_int_equal(o->requests, requests);
    assert_true(o->seconds >= min_s);
    assert_true(o->seconds < max_s * scale);
}

static void expect_failure(const outcome *o, llmc_code code, int http_status, int attempts, const char *what)
{
    if (o->rc != code || o->err.http_status != http_status || o->err.attempts != attempts)
        fprintf(stderr, "%s: rc %d (%s), http %d, attempts %d, %zu requests\n", what, o->rc, o->err.message,
                o->err.http_status, o->err.attempts, o->requests);
    if (getenv("LLMC_TEST_VERBOSE"))
        fprintf(stderr, "%s -> %s\n", what, o->err.message);
    assert_int_equal(o->rc, code);
    assert_int_equal(o->err.code, code);
    assert_int_equal(o->err.http_status, http_status);
    assert_int_equal(o->err.attempts, attempts);
    /* every attempt that got an HTTP answer reached the emulator, and no other did */
    if (http_status)
        assert_int_equal(o->requests, (size_t)attempts);
    assert_true(strlen(o->err.message) > 0);
}

static const int retryable[] = {408, 409, 429, 500, 502, 503, 504, 529};
#define N_RETRYABLE (sizeof retryable / sizeof retryable[0])

/* ---- retryable statuses ---- */

static void test_retryable_status_with_retry_after_ms(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RETRYABLE; i++)
        for (int p = 0; p < 2; p++) {
            const char *provider = p ? "cerebras" : "anthropic";
            reset_emulator();
            fault("{\"path\":\"%s\",\"status\":%d,\"headers\":{\"retry-after-ms\":\"50\"}}",
                  p ? CEREBRAS_PATH : ANTHROPIC_PATH, retryable[i]);
            outcome o = run(provider, 2, 0);
            char what[64];
            snprintf(what, sizeof what, "%s %d retry-after-ms 50", provider, retryable[i]);
            expect_success(&o, 2, 0.05, 2.0, what);
        }
}

/* Without any retry header the SDK backoff applies: 0.5 s × (1 − 0.25·jitter) before retry 1. */
static void test_retryable_status_default_backoff(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RETRYABLE; i++) {
        reset_emulator();
        fault("{\"path\":\"%s\",\"status\":%d,\"headers\":{}}", ANTHROPIC_PATH, retryable[i]);
        outcome o = run("anthropic", 2, 0);
        char what[64];
        snprintf(what, sizeof what, "anthropic %d, no retry header", retryable[i]);
        expect_success(&o, 2, 0.375, 2.0, what);
    }
}

static void test_retry_after_seconds(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":429,\"headers\":{\"retry-after\":\"1\"}}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_success(&o, 2, 1.0, 3.0, "429 retry-after: 1");

    /* with retries off, the wait the provider asked for is reported, not slept */
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":429,\"headers\":{\"retry-after\":\"7\"}}", ANTHROPIC_PATH);
    o = run("anthropic", 0, 0);
    expect_failure(&o, LLMC_E_RATE_LIMIT, 429, 1, "429 retry-after: 7, no retries");
    assert_true(o.err.retry_after == 7.0);
    assert_true(o.seconds < 2.0 * scale);
}

/* An HTTP date two seconds ahead (rendered by the emulator as it answers): the client waits
 * whole seconds until then, one or two depending on where in a second the date fell. */
static void test_retry_after_http_date(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":503,\"retry_after_date_s\":2}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_success(&o, 2, 0.95, 3.5, "503 retry-after: <date in 2 s>");
}

static void test_retry_after_ms(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":529,\"headers\":{\"retry-after-ms\":\"200\"}}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_success(&o, 2, 0.2, 3.0, "529 retry-after-ms: 200");

    /* retry-after-ms wins over retry-after */
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":429,\"headers\":{\"retry-after-ms\":\"100\",\"retry-after\":\"30\"}}",
          ANTHROPIC_PATH);
    o = run("anthropic", 2, 0);
    expect_success(&o, 2, 0.1, 2.0, "429 retry-after-ms 100 + retry-after 30");
}

/* Waits over 60 s are not honoured (as the SDKs): the backoff is used, so the retry is quick. */
static void test_retry_after_over_60s_ignored(void **state)
{
    (void)state;
    static const char *const faults[] = {
        "{\"path\":\"" ANTHROPIC_PATH "\",\"status\":429,\"headers\":{\"retry-after\":\"3600\"}}",
        "{\"path\":\"" ANTHROPIC_PATH "\",\"status\":429,\"headers\":{\"retry-after-ms\":\"120000\"}}",
        "{\"path\":\"" ANTHROPIC_PATH "\",\"status\":503,\"retry_after_date_s\":3600}",
        "{\"path\":\"" ANTHROPIC_PATH "\",\"status\":503,\"headers\":{\"retry-after\":\"soon\"}}",
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        reset_emulator();
        emulator_fault(&emu, faults[i]);
        outcome o = run("anthropic", 2, 0);
        expect_success(&o, 2, 0.375, 1.5, faults[i]);
    }
}

/* ---- x-should-retry ---- */

static void test_should_retry_false_wins(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":529,\"headers\":{\"x-should-retry\":\"false\"}}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_failure(&o, LLMC_E_OVERLOADED, 529, 1, "529 x-should-retry: false");
    assert_string_equal(o.err.provider_type, "overloaded_error");

    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":503,\"headers\":{\"x-should-retry\":\"false\",\"retry-after-ms\":\"10\"}}",
          CEREBRAS_PATH);
    o = run("cerebras", 2, 0);
    expect_failure(&o, LLMC_E_SERVER, 503, 1, "cerebras 503 x-should-retry: false");
}

static void test_should_retry_true_wins(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":400,\"headers\":{\"x-should-retry\":\"true\",\"retry-after-ms\":\"10\"}}",
          ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_success(&o, 2, 0.01, 2.0, "400 x-should-retry: true");
}

/* ---- what is never retried ---- */

static void test_no_retry_of_other_4xx(void **state)
{
    (void)state;
    static const struct {
        int status;
        llmc_code code;
    } cases[] = {
        {400, LLMC_E_BAD_REQUEST}, {401, LLMC_E_AUTH},        {403, LLMC_E_PERMISSION},
        {404, LLMC_E_NOT_FOUND},   {413, LLMC_E_BAD_REQUEST}, {422, LLMC_E_BAD_REQUEST},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int p = 0; p < 2; p++) {
            reset_emulator();
            /* a retry header too: a wrong retry would be quick, and still counted */
            fault("{\"path\":\"%s\",\"status\":%d,\"headers\":{\"retry-after-ms\":\"10\"}}",
                  p ? CEREBRAS_PATH : ANTHROPIC_PATH, cases[i].status);
            outcome o = run(p ? "cerebras" : "anthropic", 2, 0);
            char what[64];
            snprintf(what, sizeof what, "%s %d", p ? "cerebras" : "anthropic", cases[i].status);
            expect_failure(&o, cases[i].code, cases[i].status, 1, what);
        }
}

/* ---- retries run out ---- */

static void test_retries_exhausted(void **state)
{
    (void)state;
    static const int max_retries[] = {0, 1, 2, 4};
    for (size_t i = 0; i < sizeof max_retries / sizeof max_retries[0]; i++) {
        int n = max_retries[i];
        reset_emulator();
        fault("{\"path\":\"%s\",\"status\":503,\"headers\":{\"retry-after-ms\":\"10\"},\"count\":%d}", ANTHROPIC_PATH,
              n + 1);
        outcome o = run("anthropic", n, 0);
        char what[64];
        snprintf(what, sizeof what, "503 x %d with %d retries", n + 1, n);
        expect_failure(&o, LLMC_E_SERVER, 503, n + 1, what);
        assert_true(o.seconds >= 0.01 * n);
    }
    /* the default is 2 retries: 3 attempts */
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":529,\"headers\":{\"retry-after-ms\":\"10\"},\"count\":3}", ANTHROPIC_PATH);
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_client_set_base_url(c, "anthropic", emulator_base_url(&emu, "anthropic"), &err);
    llmc_client_set_key(c, "anthropic", test_key("ANTHROPIC", "VALID"), &err);
    outcome o = call(c, TEST_MODEL_ANTHROPIC);
    llmc_client_free(c);
    expect_failure(&o, LLMC_E_OVERLOADED, 529, 3, "529 x 3 with the default retries");
}

static const char *env_var(char *buf, size_t size, const char *name, const char *value)
{
    snprintf(buf, size, "%s=%s", name, value);
    return buf;
}

static void test_retries_exhausted_cli(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":529,\"headers\":{\"retry-after-ms\":\"10\"},\"count\":3}", ANTHROPIC_PATH);
    char base[256], key[256];
    const char *key_value = test_key("ANTHROPIC", "VALID");
    const char *env[] = {env_var(base, sizeof base, "ANTHROPIC_BASE_URL", emulator_base_url(&emu, "anthropic")),
                         env_var(key, sizeof key, "ANTHROPIC_API_KEY", key_value), NULL};
    const char *args[] = {"-m", TEST_MODEL_ANTHROPIC, "hello", NULL};
    cli_result r = run_cli(args, env, NULL);
    if (r.status != 5 || !strstr(r.err, "3 times"))
        fprintf(stderr, "cli: status %d\n%s", r.status, r.err);
    assert_int_equal(r.status, 5);
    assert_non_null(strstr(r.err, "tried:"));
    assert_non_null(strstr(r.err, "3 times"));
    assert_null(strstr(r.err, key_value));
    assert_null(strstr(r.out, key_value));
    assert_int_equal(emulator_request_count(&emu), 3);
    cli_result_free(&r);
}

/* ---- connections ---- */

/* A loopback port with nothing listening: bind one, then close it. */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

static void test_connection_refused(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/anthropic", closed_port());
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_client_set_base_url(c, "anthropic", url, &err);
    llmc_client_set_key(c, "anthropic", test_key("ANTHROPIC", "VALID"), &err);
    reset_emulator();
    outcome o = call(c, TEST_MODEL_ANTHROPIC);
    llmc_client_free(c);
    /* retried twice with the backoff: at least 0.375 + 0.75 s */
    expect_failure(&o, LLMC_E_TRANSPORT, 0, 3, "connection refused");
    assert_int_equal(o.err.transport_code, 7 /* CURLE_COULDNT_CONNECT */);
    assert_true(o.seconds >= 1.125);
    assert_true(o.seconds < 4.0 * scale);
    assert_int_equal(o.requests, 0);
}

static void test_connection_refused_cli(void **state)
{
    (void)state;
    char base[256], key[256], url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/anthropic", closed_port());
    const char *key_value = test_key("ANTHROPIC", "VALID");
    const char *env[] = {env_var(base, sizeof base, "ANTHROPIC_BASE_URL", url),
                         env_var(key, sizeof key, "ANTHROPIC_API_KEY", key_value), NULL};
    const char *args[] = {"--retries", "1", "-m", TEST_MODEL_ANTHROPIC, "hello", NULL};
    cli_result r = run_cli(args, env, NULL);
    if (r.status != 6 || !strstr(r.err, "2 times"))
        fprintf(stderr, "cli: status %d\n%s", r.status, r.err);
    assert_int_equal(r.status, 6);
    assert_non_null(strstr(r.err, "2 times"));
    assert_null(strstr(r.err, key_value));
    cli_result_free(&r);
}

/* The server closes the connection without a word: a connection error, retried. */
static void test_connection_dropped_then_success(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"drop\":true}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_success(&o, 2, 0.375, 2.0, "dropped once");

    reset_emulator();
    fault("{\"path\":\"%s\",\"drop\":true,\"count\":2}", CEREBRAS_PATH);
    o = run("cerebras", 1, 0);
    expect_failure(&o, LLMC_E_TRANSPORT, 0, 2, "dropped twice, one retry");
    assert_int_equal(o.err.transport_code, 52 /* CURLE_GOT_NOTHING */);
    assert_int_equal(o.requests, 2);
}

/* ---- bodies ---- */

static void test_body_not_json(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":200,\"body\":\"this is not json\"}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_failure(&o, LLMC_E_PROTOCOL, 200, 1, "200 with a body that is not JSON");
    assert_non_null(strstr(o.err.message, "invalid JSON"));

    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":200,\"body\":\"{\\\"choices\\\":\"}", CEREBRAS_PATH);
    o = run("cerebras", 2, 0);
    expect_failure(&o, LLMC_E_PROTOCOL, 200, 1, "200 with truncated JSON");

    /* an error status whose body is plain text: the text is shown, shortened to one line */
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":500,\"content_type\":\"text/plain\",\"body\":\"upstream exploded\\nat line 2\"}",
          ANTHROPIC_PATH);
    o = run("anthropic", 0, 0);
    expect_failure(&o, LLMC_E_SERVER, 500, 1, "500 with a plain-text body");
    assert_non_null(strstr(o.err.message, "not JSON"));
    assert_non_null(strstr(o.err.message, "text/plain"));
    assert_non_null(strstr(o.err.message, "upstream exploded at line 2"));
}

static const char nginx_502[] =
    "<html>\\r\\n<head><title>502 Bad Gateway</title></head>\\r\\n<body>\\r\\n<center><h1>502 Bad Gateway</h1>"
    "</center>\\r\\n<hr><center>nginx/1.25.3</center>\\r\\n</body>\\r\\n</html>\\r\\n";

static void test_html_error_page_from_proxy(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":502,\"content_type\":\"text/html\",\"body\":\"%s\"}", ANTHROPIC_PATH, nginx_502);
    outcome o = run("anthropic", 0, 0);
    expect_failure(&o, LLMC_E_SERVER, 502, 1, "nginx 502 page");
    assert_non_null(strstr(o.err.message, "HTML page"));
    assert_non_null(strstr(o.err.message, "502 Bad Gateway"));
    assert_null(strstr(o.err.message, "<center>"));

    /* a gateway hiccup is retried like any 502 */
    reset_emulator();
    fault(
        "{\"path\":\"%s\",\"status\":502,\"content_type\":\"text/html\",\"body\":\"%s\","
        "\"headers\":{\"retry-after-ms\":\"10\"}}",
        CEREBRAS_PATH, nginx_502);
    o = run("cerebras", 2, 0);
    expect_success(&o, 2, 0.01, 2.0, "nginx 502 page, then success");
}

/* A 200 that is an HTML page (a captive portal or a proxy's login page): never a reply. */
static void test_wrong_content_type_on_200(void **state)
{
    (void)state;
    reset_emulator();
    fault(
        "{\"path\":\"%s\",\"status\":200,\"content_type\":\"text/html; charset=utf-8\","
        "\"body\":\"<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Welcome</body></html>\"}",
        ANTHROPIC_PATH);
    outcome o = run("anthropic", 2, 0);
    expect_failure(&o, LLMC_E_PROTOCOL, 200, 1, "200 text/html");

    reset_emulator();
    fault("{\"path\":\"%s\",\"status\":200,\"content_type\":\"text/html\",\"body\":\"<html>hello</html>\"}",
          CEREBRAS_PATH);
    o = run("cerebras", 2, 0);
    expect_failure(&o, LLMC_E_PROTOCOL, 200, 1, "cerebras 200 text/html");
}

/* 64 MiB is the client's default limit; one byte more is refused, and not asked for again. */
static void test_body_over_size_limit(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"body_bytes\":%lld}", ANTHROPIC_PATH, 64LL * 1024 * 1024 + 1);
    outcome o = run("anthropic", 2, 0);
    if (o.rc != LLMC_E_LIMIT)
        fprintf(stderr, "over limit: rc %d (%s)\n", o.rc, o.err.message);
    assert_int_equal(o.rc, LLMC_E_LIMIT);
    assert_int_equal(o.err.attempts, 1);
    assert_int_equal(o.requests, 1);
    assert_non_null(strstr(o.err.message, "limit"));
    assert_non_null(strstr(o.err.message, "67108864"));
    assert_true(o.seconds < 20.0 * scale);
}

/* ---- time ---- */

static void test_hang_times_out(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"hang\":true}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 0, 300);
    expect_failure(&o, LLMC_E_TIMEOUT, 0, 1, "hang, 300 ms timeout");
    assert_int_equal(o.err.transport_code, 28 /* CURLE_OPERATION_TIMEDOUT */);
    assert_true(o.seconds >= 0.3 - TIMER_SLACK);
    assert_true(o.seconds < 3.0 * scale);
    assert_int_equal(o.requests, 1);

    /* a timeout is retried, as the SDKs do: the second attempt is answered */
    reset_emulator();
    fault("{\"path\":\"%s\",\"hang\":true}", CEREBRAS_PATH);
    o = run("cerebras", 1, 300);
    expect_success(&o, 2, 0.3 + 0.375 - TIMER_SLACK, 3.0, "hang once, then success");
}

/* Alive but slower than any timeout: one byte a second. */
static void test_drip_times_out(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"drip_ms\":1000}", ANTHROPIC_PATH);
    outcome o = run("anthropic", 0, 1500);
    expect_failure(&o, LLMC_E_TIMEOUT, 0, 1, "drip 1 byte/s, 1.5 s timeout");
    assert_true(o.seconds >= 1.5 - TIMER_SLACK);
    assert_true(o.seconds < 4.0 * scale);
    assert_int_equal(o.requests, 1);
}

static void test_timeout_cli(void **state)
{
    (void)state;
    reset_emulator();
    fault("{\"path\":\"%s\",\"hang\":true}", ANTHROPIC_PATH);
    char base[256], key[256];
    const char *key_value = test_key("ANTHROPIC", "VALID");
    const char *env[] = {env_var(base, sizeof base, "ANTHROPIC_BASE_URL", emulator_base_url(&emu, "anthropic")),
                         env_var(key, sizeof key, "ANTHROPIC_API_KEY", key_value), NULL};
    const char *args[] = {"--timeout", "0.3", "--retries", "0", "-m", TEST_MODEL_ANTHROPIC, "hello", NULL};
    double t0 = now_s();
    cli_result r = run_cli(args, env, NULL);
    double seconds = now_s() - t0;
    if (r.status != 6)
        fprintf(stderr, "cli: status %d\n%s", r.status, r.err);
    assert_int_equal(r.status, 6);
    assert_non_null(strstr(r.err, "timed out"));
    assert_null(strstr(r.err, key_value));
    assert_true(seconds < 5.0 * scale);
    cli_result_free(&r);
}

static int group_setup(void **state)
{
    (void)state;
    const char *s = getenv("LLMC_TEST_TIME_SCALE");
    if (s && atof(s) >= 1.0)
        scale = atof(s);
    set_provider_env(NULL);
    emulator_start(&emu, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retryable_status_with_retry_after_ms),
        cmocka_unit_test(test_retryable_status_default_backoff),
        cmocka_unit_test(test_retry_after_seconds),
        cmocka_unit_test(test_retry_after_http_date),
        cmocka_unit_test(test_retry_after_ms),
        cmocka_unit_test(test_retry_after_over_60s_ignored),
        cmocka_unit_test(test_should_retry_false_wins),
        cmocka_unit_test(test_should_retry_true_wins),
        cmocka_unit_test(test_no_retry_of_other_4xx),
        cmocka_unit_test(test_retries_exhausted),
        cmocka_unit_test(test_retries_exhausted_cli),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_connection_refused_cli),
        cmocka_unit_test(test_connection_dropped_then_success),
        cmocka_unit_test(test_body_not_json),
        cmocka_unit_test(test_html_error_page_from_proxy),
        cmocka_unit_test(test_wrong_content_type_on_200),
        cmocka_unit_test(test_body_over_size_limit),
        cmocka_unit_test(test_hang_times_out),
        cmocka_unit_test(test_drip_times_out),
        cmocka_unit_test(test_timeout_cli),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
