/* SPDX-License-Identifier: MIT */
/*
 * test_engine.c — the one transfer engine, seen from outside: 200 streams at once on one thread
 * through llmc_multi (one cancelled in the middle), plain transfers under a concurrency limit,
 * the same retry schedule for a plain call, a stream and a batch, cancellation during a retry's
 * wait for all three, recovery after a 401 in a stream and in a batch, a total timeout that
 * bounds a whole stream, the size limit on streams, and proxies never seeing plain http.
 */
#include "auth_fixture.h"
#include "models.h"

#include <llmc/llmc.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
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
static temp_home home;
/* The machine may be busy (other suites, sanitizers): upper bounds on time are scaled. */
static double scale = 1.0;

#define ANTHROPIC_PATH "/anthropic/v1/messages"
#define CEREBRAS_PATH "/cerebras/v1/chat/completions"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void fault(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fault(const char *fmt, ...)
{
    char json[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(json, sizeof json, fmt, ap);
    va_end(ap);
    emulator_fault(&emu, json);
}

static void reset_emulator(void)
{
    emulator_clear_requests(&emu);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
}

static llmc_client *client_for(const char *provider, const char *upper, const char *state)
{
    llmc_client *c = llmc_client_new();
    assert_non_null(c);
    llmc_error err;
    llmc_client_use_key_store(c, 0);
    assert_int_equal(llmc_client_set_base_url(c, provider, emulator_base_url(&emu, provider), &err), LLMC_OK);
    if (state)
        assert_int_equal(llmc_client_set_key(c, provider, test_key(upper, state), &err), LLMC_OK);
    return c;
}

static llmc_request *request_for(const char *model, const char *prompt)
{
    llmc_request *req = llmc_request_new(model);
    assert_non_null(req);
    assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_USER, prompt, NULL), LLMC_OK);
    return req;
}

/* ---- 200 streams at once, one cancelled mid-stream ---- */

#define N_STREAMS 200
#define CANCEL_AT 97

typedef struct one_stream {
    llmc_multi *m;
    llmc_transfer *t;
    int index;
    size_t texts;
    int done;
    llmc_code code;
    char text[128];
    size_t n_error_events;
} one_stream;

static int on_event(void *userdata, const llmc_event *ev)
{
    one_stream *s = userdata;
    if (ev->type == LLMC_EVENT_TEXT && ++s->texts == 2 && s->index == CANCEL_AT)
        llmc_multi_cancel(s->m, s->t); /* from inside a callback: ends at the next perform */
    if (ev->type == LLMC_EVENT_ERROR)
        s->n_error_events++;
    return 0;
}

static void on_done(void *userdata, llmc_transfer *t, llmc_code code, llmc_response *resp, const llmc_error *err)
{
    one_stream *s = userdata;
    assert_ptr_equal(llmc_transfer_userdata(t), s);
    s->done++;
    s->code = code;
    if (resp)
        snprintf(s->text, sizeof s->text, "%s", llmc_response_text(resp));
    if (code != LLMC_OK)
        assert_int_equal(err->code, code);
    llmc_response_free(resp);
}

static void test_multi_200_streams_one_cancelled(void **state)
{
    (void)state;
    reset_emulator();
    llmc_client *c = client_for("anthropic", "ANTHROPIC", "VALID");
    llmc_multi *m = llmc_multi_new(c);
    assert_non_null(m);
    one_stream *streams = calloc(N_STREAMS, sizeof *streams);
    for (int i = 0; i < N_STREAMS; i++) {
        char prompt[32];
        snprintf(prompt, sizeof prompt, "stream %d", i);
        llmc_request *req = request_for(TEST_MODEL_ANTHROPIC, prompt);
        /* paced, so that all 200 are open at once */
        assert_int_equal(llmc_request_set_header(req, "x-emulator-stream-delay-ms", "40", NULL), LLMC_OK);
        streams[i].m = m;
        streams[i].index = i;
        llmc_error err;
        assert_int_equal(llmc_multi_add(m, req, on_event, on_done, &streams[i], &streams[i].t, &err), LLMC_OK);
        llmc_request_free(req); /* the transfer keeps what it needs */
    }
    assert_int_equal(llmc_multi_running(m), N_STREAMS);
    double t0 = now_s();
    int running = 1;
    size_t max_running = 0;
    while (running) {
        assert_int_equal(llmc_multi_perform(m, &running), LLMC_OK);
        if ((size_t)running > max_running)
            max_running = (size_t)running;
        if (running)
            assert_int_equal(llmc_multi_wait(m, 1000), LLMC_OK);
        assert_true(now_s() - t0 < 60 * scale);
    }
    size_t ok = 0;
    for (int i = 0; i < N_STREAMS; i++) {
        assert_int_equal(streams[i].done, 1);
        if (i == CANCEL_AT) {
            assert_int_equal(streams[i].code, LLMC_E_ABORTED);
            assert_int_equal(streams[i].n_error_events, 1); /* its one terminal event */
            continue;
        }
        assert_int_equal(streams[i].code, LLMC_OK);
        char want[64];
        snprintf(want, sizeof want, "You said: stream %d", i);
        assert_string_equal(streams[i].text, want);
        ok++;
    }
    assert_int_equal(ok, N_STREAMS - 1);
    assert_int_equal(max_running, N_STREAMS);
    assert_int_equal(emulator_request_count(&emu), N_STREAMS);
    free(streams);
    llmc_multi_free(m);
    llmc_client_free(c);
}

/* ---- plain transfers under a limit; remove ---- */

typedef struct plain_result {
    int done;
    llmc_code code;
    char text[64];
} plain_result;

static void plain_done(void *userdata, llmc_transfer *t, llmc_code code, llmc_response *resp, const llmc_error *err)
{
    (void)t;
    (void)err;
    plain_result *r = userdata;
    r->done++;
    r->code = code;
    if (resp)
        snprintf(r->text, sizeof r->text, "%s", llmc_response_text(resp));
    llmc_response_free(resp);
}

static double run_plain(int n, int limit, plain_result *results, int remove_index)
{
    llmc_client *c = client_for("cerebras", "CEREBRAS", "VALID");
    llmc_multi *m = llmc_multi_new(c);
    llmc_error err;
    assert_int_equal(llmc_multi_set_limits(m, limit, 0, 0, &err), LLMC_OK);
    llmc_transfer *removed = NULL;
    for (int i = 0; i < n; i++) {
        char prompt[32];
        snprintf(prompt, sizeof prompt, "plain %d", i);
        llmc_request *req = request_for(TEST_MODEL_CEREBRAS, prompt);
        llmc_transfer *t = NULL;
        assert_int_equal(llmc_multi_add(m, req, NULL, plain_done, &results[i], &t, &err), LLMC_OK);
        if (i == remove_index)
            removed = t;
        llmc_request_free(req);
    }
    if (removed)
        llmc_multi_remove(m, removed);
    double t0 = now_s();
    int running = 1;
    while (running) {
        assert_int_equal(llmc_multi_perform(m, &running), LLMC_OK);
        if (running)
            llmc_multi_wait(m, 1000);
    }
    double seconds = now_s() - t0;
    llmc_multi_free(m);
    llmc_client_free(c);
    return seconds;
}

static void test_multi_plain_limit_and_remove(void **state)
{
    (void)state;
    reset_emulator();
    /* every answer takes 100 ms: 24 at 4 in flight need 6 rounds */
    fault("{\"path\":\"%s\",\"delay_ms\":100,\"count\":24}", CEREBRAS_PATH);
    plain_result results[24];
    memset(results, 0, sizeof results);
    double limited = run_plain(24, 4, results, 5);
    for (int i = 0; i < 24; i++) {
        if (i == 5) {
            assert_int_equal(results[i].done, 0); /* removed: no callback at all */
            continue;
        }
        assert_int_equal(results[i].done, 1);
        assert_int_equal(results[i].code, LLMC_OK);
        char want[64];
        snprintf(want, sizeof want, "You said: plain %d", i);
        assert_string_equal(results[i].text, want);
    }
    assert_true(limited >= 0.6 - 0.05); /* 23 transfers, 4 at a time: at least 6 rounds */
    assert_int_equal(emulator_request_count(&emu), 23);

    reset_emulator();
    fault("{\"path\":\"%s\",\"delay_ms\":100,\"count\":24}", CEREBRAS_PATH);
    memset(results, 0, sizeof results);
    double unlimited = run_plain(24, 0, results, -1);
    for (int i = 0; i < 24; i++)
        assert_int_equal(results[i].code, LLMC_OK);
    assert_true(unlimited < limited);
}

/* ---- one retry schedule for all three kinds ---- */

static llmc_code plain_call(llmc_client *c, const char *model, llmc_cancel *cancel, llmc_error *err)
{
    llmc_request *req = request_for(model, "schedule");
    llmc_request_set_cancel(req, cancel, err);
    llmc_response *resp = NULL;
    llmc_code rc = llmc_messages_create(c, req, &resp, err);
    llmc_response_free(resp);
    llmc_request_free(req);
    return rc;
}

static int count_events(void *userdata, const llmc_event *ev)
{
    (void)ev;
    (*(int *)userdata)++;
    return 0;
}

static llmc_code stream_call(llmc_client *c, const char *model, llmc_cancel *cancel, llmc_error *err)
{
    llmc_request *req = request_for(model, "schedule");
    llmc_request_set_cancel(req, cancel, err);
    int events = 0;
    llmc_response *resp = NULL;
    llmc_code rc = llmc_messages_stream(c, req, count_events, &events, &resp, err);
    llmc_response_free(resp);
    llmc_request_free(req);
    return rc;
}

static llmc_code batch_call(llmc_client *c, const char *model, llmc_batch **keep, llmc_batch_progress *stats,
                            llmc_error *err)
{
    char in[400], out[400];
    snprintf(in, sizeof in, "%s/in-%d.jsonl", home.root, rand());
    snprintf(out, sizeof out, "%s/out-%d.jsonl", home.root, rand());
    char line[512];
    snprintf(line, sizeof line,
             "{\"custom_id\":\"only\",\"params\":{\"model\":\"%s\",\"max_tokens\":16,"
             "\"messages\":[{\"role\":\"user\",\"content\":\"schedule\"}]}}\n",
             model);
    write_file(in, line, 0600);
    llmc_batch *b = llmc_batch_new(c);
    assert_int_equal(llmc_batch_set_output(b, out, err), LLMC_OK);
    if (keep)
        *keep = b;
    llmc_code rc = llmc_batch_run(b, in, err);
    if (stats)
        llmc_batch_stats(b, stats);
    if (!keep)
        llmc_batch_free(b);
    return rc;
}

static void test_same_retry_schedule_for_all_kinds(void **state)
{
    (void)state;
    llmc_client *c = client_for("anthropic", "ANTHROPIC", "VALID");
    for (int kind = 0; kind < 3; kind++) {
        reset_emulator();
        fault("{\"path\":\"%s\",\"status\":503,\"headers\":{\"retry-after-ms\":\"300\"},\"count\":2}", ANTHROPIC_PATH);
        llmc_error err;
        llmc_error_clear(&err);
        llmc_batch_progress stats;
        memset(&stats, 0, sizeof stats);
        double t0 = now_s();
        llmc_code rc = kind == 0   ? plain_call(c, TEST_MODEL_ANTHROPIC, NULL, &err)
                       : kind == 1 ? stream_call(c, TEST_MODEL_ANTHROPIC, NULL, &err)
                                   : batch_call(c, TEST_MODEL_ANTHROPIC, NULL, &stats, &err);
        double seconds = now_s() - t0;
        if (rc != LLMC_OK)
            fprintf(stderr, "kind %d: %s\n", kind, err.message);
        assert_int_equal(rc, LLMC_OK);
        assert_int_equal(emulator_request_count(&emu), 3);
        if (kind < 2)
            assert_int_equal(err.attempts, 0); /* cleared on success */
        else
            assert_int_equal(stats.retries, 2);
        assert_true(seconds >= 0.6 - 0.02);
        assert_true(seconds < 3.0 * scale);
    }
    llmc_client_free(c);
}

/* ---- cancellation during a retry's wait ---- */

typedef struct later {
    llmc_cancel *cancel;
    llmc_batch *batch;
    double after_s;
} later;

static void *trigger_later(void *arg)
{
    later *l = arg;
    struct timespec ts = {(time_t)l->after_s, (long)((l->after_s - (double)(time_t)l->after_s) * 1e9)};
    nanosleep(&ts, NULL);
    if (l->cancel)
        llmc_cancel_trigger(l->cancel);
    if (l->batch)
        llmc_batch_stop(l->batch);
    return NULL;
}

static void test_cancel_during_retry_wait(void **state)
{
    (void)state;
    llmc_client *c = client_for("cerebras", "CEREBRAS", "VALID");
    for (int kind = 0; kind < 3; kind++) {
        reset_emulator();
        /* the provider asks for a 30 s pause: the cancel must not wait for it */
        fault("{\"path\":\"%s\",\"status\":429,\"headers\":{\"retry-after\":\"30\"}}", CEREBRAS_PATH);
        llmc_cancel *cancel = llmc_cancel_new();
        llmc_error err;
        llmc_error_clear(&err);
        later l = {kind < 2 ? cancel : NULL, NULL, 0.3};
        llmc_batch *b = NULL;
        pthread_t th;
        double t0 = now_s();
        llmc_code rc;
        if (kind == 2) {
            /* the batch's stop is its cancel; it needs the handle first */
            char in[400], out[400];
            snprintf(in, sizeof in, "%s/cin.jsonl", home.root);
            snprintf(out, sizeof out, "%s/cout-%d.jsonl", home.root, rand());
            write_file(in,
                       "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                       "\"" TEST_MODEL_CEREBRAS "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n",
                       0600);
            b = llmc_batch_new(c);
            assert_int_equal(llmc_batch_set_output(b, out, &err), LLMC_OK);
            l.batch = b;
            pthread_create(&th, NULL, trigger_later, &l);
            rc = llmc_batch_run(b, in, &err);
        } else {
            pthread_create(&th, NULL, trigger_later, &l);
            rc = kind == 0 ? plain_call(c, TEST_MODEL_CEREBRAS, cancel, &err)
                           : stream_call(c, TEST_MODEL_CEREBRAS, cancel, &err);
        }
        double seconds = now_s() - t0;
        pthread_join(th, NULL);
        assert_int_equal(rc, LLMC_E_ABORTED);
        assert_true(seconds >= 0.3 - 0.02);
        assert_true(seconds < 2.0 * scale);
        assert_int_equal(emulator_request_count(&emu), 1);
        llmc_batch_free(b);
        llmc_cancel_free(cancel);
    }
    llmc_client_free(c);
}

/* ---- recovery after a 401 in a stream and in a batch ---- */

static void test_recovery_in_stream_and_batch(void **state)
{
    (void)state;
    llmc_error err;
    for (int kind = 0; kind < 2; kind++) {
        reset_emulator();
        assert_int_equal(llmc_key_store_remove("cerebras", NULL, &err) == LLMC_OK || err.code == LLMC_E_NOT_FOUND, 1);
        assert_int_equal(llmc_key_store_set("cerebras", "old", test_key("CEREBRAS", "REVOKED"), &err), LLMC_OK);
        assert_int_equal(llmc_key_store_set("cerebras", "new", test_key("CEREBRAS", "VALID"), &err), LLMC_OK);
        llmc_client *c = client_for("cerebras", "CEREBRAS", NULL);
        llmc_client_use_key_store(c, 1);
        llmc_error_clear(&err);
        llmc_batch_progress stats;
        llmc_code rc = kind == 0 ? stream_call(c, TEST_MODEL_CEREBRAS, NULL, &err)
                                 : batch_call(c, TEST_MODEL_CEREBRAS, NULL, &stats, &err);
        if (rc != LLMC_OK)
            fprintf(stderr, "kind %d: %s\n", kind, err.message);
        assert_int_equal(rc, LLMC_OK);
        /* one 401 with the old key, then the new key */
        assert_int_equal(emulator_request_count(&emu), 2);
        char *log = emulator_requests(&emu, false);
        assert_non_null(strstr(log, test_key("CEREBRAS", "REVOKED")));
        assert_non_null(strstr(log, test_key("CEREBRAS", "VALID")));
        free(log);
        llmc_stored_key keys[4];
        size_t n = 0;
        assert_int_equal(llmc_key_store_list("cerebras", keys, 4, &n, &err), LLMC_OK);
        for (size_t i = 0; i < n; i++)
            if (strcmp(keys[i].label, "old") == 0)
                assert_true(keys[i].last_rejected > 0);
        llmc_client_free(c);
    }
}

/* ---- a total timeout bounds a whole stream; the size limit applies to streams ---- */

static void test_total_timeout_bounds_stream(void **state)
{
    (void)state;
    reset_emulator();
    llmc_client *c = client_for("anthropic", "ANTHROPIC", "VALID");
    llmc_client_set_total_timeout(c, 800);
    llmc_request *req = request_for(TEST_MODEL_ANTHROPIC, "slow");
    /* an event every 200 ms, 40 of them: never idle, but 8 s in all */
    llmc_request_set_header(req, "x-emulator-stream-events", "40", NULL);
    llmc_request_set_header(req, "x-emulator-stream-delay-ms", "200", NULL);
    int events = 0;
    llmc_error err;
    double t0 = now_s();
    llmc_code rc = llmc_messages_stream(c, req, count_events, &events, NULL, &err);
    double seconds = now_s() - t0;
    assert_int_equal(rc, LLMC_E_TIMEOUT);
    assert_non_null(strstr(err.message, "did not finish within"));
    assert_true(events > 1);
    assert_true(seconds >= 0.8 - 0.02);
    assert_true(seconds < 3.0 * scale);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_stream_size_limit(void **state)
{
    (void)state;
    reset_emulator();
    llmc_client *c = client_for("cerebras", "CEREBRAS", "VALID");
    llmc_client_set_max_response_bytes(c, 256 * 1024);
    llmc_request *req = request_for(TEST_MODEL_CEREBRAS, "long");
    llmc_request_set_header(req, "x-emulator-stream-events", "100000", NULL); /* about 12 MB */
    int events = 0;
    llmc_error err;
    llmc_code rc = llmc_messages_stream(c, req, count_events, &events, NULL, &err);
    assert_int_equal(rc, LLMC_E_LIMIT);
    assert_non_null(strstr(err.message, "limit"));
    assert_true(events > 100);
    llmc_request_free(req);
    llmc_client_free(c);
}

/* ---- proxies never see plain http ---- */

typedef struct listener {
    int fd;
    int port;
    volatile int accepted;
    volatile int stop;
} listener;

static void *accept_loop(void *arg)
{
    listener *l = arg;
    while (!l->stop) {
        int c = accept(l->fd, NULL, NULL);
        if (c >= 0) {
            l->accepted++;
            close(c);
        }
    }
    return NULL;
}

static void test_proxy_never_sees_plain_http(void **state)
{
    (void)state;
    reset_emulator();
    listener l = {socket(AF_INET, SOCK_STREAM, 0), 0, 0, 0};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(l.fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(l.fd, (struct sockaddr *)&a, &len);
    l.port = ntohs(a.sin_port);
    listen(l.fd, 8);
    struct timeval tv = {0, 100000};
    setsockopt(l.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    pthread_t th;
    pthread_create(&th, NULL, accept_loop, &l);
    char proxy[64];
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", l.port);
    const char *vars[] = {"http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < 4; i++)
        setenv(vars[i], proxy, 1);
    llmc_client *c = client_for("anthropic", "ANTHROPIC", "VALID");
    llmc_error err;
    llmc_code plain = plain_call(c, TEST_MODEL_ANTHROPIC, NULL, &err);
    llmc_code streamed = stream_call(c, TEST_MODEL_ANTHROPIC, NULL, &err);
    llmc_client_free(c);
    for (size_t i = 0; i < 4; i++)
        unsetenv(vars[i]);
    l.stop = 1;
    pthread_join(th, NULL);
    close(l.fd);
    assert_int_equal(plain, LLMC_OK);
    assert_int_equal(streamed, LLMC_OK);
    assert_int_equal(l.accepted, 0);
    assert_int_equal(emulator_request_count(&emu), 2);
}

/* ---- the models list: escaped cursors, a repeated cursor, 100 pages, a 401 recovered ---- */

static void test_models_list_paging(void **state)
{
    (void)state;
    reset_emulator();
    const char *page =
        "{\\\"data\\\":[{\\\"id\\\":\\\"m1\\\",\\\"type\\\":\\\"model\\\"}],"
        "\\\"has_more\\\":true,\\\"last_id\\\":\\\"a&b c\\\"}";
    fault("{\"path\":\"/anthropic/v1/models\",\"status\":200,\"count\":2,\"body\":\"%s\"}", page);
    llmc_client *c = client_for("anthropic", "ANTHROPIC", "VALID");
    llmc_model_info *models = NULL;
    size_t n = 0;
    llmc_error err;
    assert_int_equal(llmc_models_list(c, "anthropic", &models, &n, &err), LLMC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(err.code, LLMC_OK);
    assert_non_null(strstr(err.message, "same page cursor"));
    llmc_free(models);
    char *log = emulator_requests(&emu, false);
    assert_non_null(strstr(log, "after_id=a%26b%20c"));
    free(log);

    /* a list that never ends: 100 pages, each with a new cursor, then llmc stops and says so */
    reset_emulator();
    size_t cap = 100 * 256;
    char *many = malloc(cap), *p = many;
    p += snprintf(p, cap, "[");
    for (int i = 0; i < 101; i++)
        p += snprintf(p, cap - (size_t)(p - many),
                      "%s{\"path\":\"/anthropic/v1/models\",\"status\":200,\"body\":\"{\\\"data\\\":[{\\\"id\\\":"
                      "\\\"m%d\\\"}],\\\"has_more\\\":true,\\\"last_id\\\":\\\"c%d\\\"}\"}",
                      i ? "," : "", i, i);
    snprintf(p, cap - (size_t)(p - many), "]");
    emulator_fault(&emu, many);
    free(many);
    assert_int_equal(llmc_models_list(c, "anthropic", &models, &n, &err), LLMC_OK);
    assert_int_equal(n, 100);
    assert_non_null(strstr(err.message, "cut at 100 pages"));
    assert_int_equal(emulator_request_count(&emu), 100);
    llmc_free(models);
    llmc_client_free(c);

    /* a 401 on the models list falls to the next stored key, as a call does */
    reset_emulator();
    llmc_key_store_remove("anthropic", NULL, &err);
    assert_int_equal(llmc_key_store_set("anthropic", "old", test_key("ANTHROPIC", "REVOKED"), &err), LLMC_OK);
    assert_int_equal(llmc_key_store_set("anthropic", "new", test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    c = client_for("anthropic", "ANTHROPIC", NULL);
    llmc_client_use_key_store(c, 1);
    assert_int_equal(llmc_models_list(c, "anthropic", &models, &n, &err), LLMC_OK);
    assert_true(n > 0);
    llmc_free(models);
    llmc_client_free(c);
    llmc_key_store_remove("anthropic", NULL, &err);
}

/* ---- a response header over the limits is llmc's own clear error ---- */

/* A purpose-built server: answers each connection with a 200 whose one header is `size` bytes. */
typedef struct big_header_server {
    int fd, port;
    size_t size;
} big_header_server;

static void *serve_big_header(void *arg)
{
    big_header_server *b = arg;
    int c = accept(b->fd, NULL, NULL);
    if (c < 0)
        return NULL;
    char req[4096];
    ssize_t got = read(c, req, sizeof req); /* the request's head: enough to answer */
    (void)got;
    const char *head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-big: ";
    size_t n = strlen(head) + b->size + 64;
    char *out = malloc(n);
    size_t len = (size_t)snprintf(out, n, "%s", head);
    memset(out + len, 'h', b->size);
    len += b->size;
    len += (size_t)snprintf(out + len, n - len, "\r\ncontent-length: 2\r\n\r\n{}");
    for (size_t off = 0; off < len;) {
        ssize_t w = write(c, out + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(out);
    close(c);
    return NULL;
}

static void test_huge_header(void **state)
{
    (void)state;
    size_t sizes[] = {80 * 1024, 200 * 1024}; /* over llmc's 64 KiB in all; over libcurl's line limit */
    for (size_t k = 0; k < 2; k++) {
        big_header_server b = {socket(AF_INET, SOCK_STREAM, 0), 0, sizes[k]};
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        assert_int_equal(bind(b.fd, (struct sockaddr *)&a, sizeof a), 0);
        socklen_t alen = sizeof a;
        getsockname(b.fd, (struct sockaddr *)&a, &alen);
        b.port = ntohs(a.sin_port);
        listen(b.fd, 4);
        pthread_t th;
        pthread_create(&th, NULL, serve_big_header, &b);
        llmc_client *c = llmc_client_new();
        llmc_error err;
        char base[64];
        snprintf(base, sizeof base, "http://127.0.0.1:%d", b.port);
        llmc_client_use_key_store(c, 0);
        assert_int_equal(llmc_client_set_base_url(c, "cerebras", base, &err), LLMC_OK);
        assert_int_equal(llmc_client_set_key(c, "cerebras", test_key("CEREBRAS", "VALID"), &err), LLMC_OK);
        llmc_client_set_max_retries(c, 0);
        llmc_code rc = plain_call(c, TEST_MODEL_CEREBRAS, NULL, &err);
        if (rc != LLMC_E_LIMIT)
            fprintf(stderr, "header of %zu bytes: rc %d: %s\n", sizes[k], rc, err.message);
        assert_int_equal(rc, LLMC_E_LIMIT);
        assert_non_null(strstr(err.message, "header"));
        assert_null(strstr(err.message, "Out of memory"));
        llmc_client_free(c);
        pthread_join(th, NULL);
        close(b.fd);
    }
}

static int group_setup(void **state)
{
    (void)state;
    const char *s = getenv("LLMC_TEST_TIME_SCALE");
    if (s && atof(s) > 0)
        scale = atof(s);
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
        cmocka_unit_test(test_multi_200_streams_one_cancelled),
        cmocka_unit_test(test_multi_plain_limit_and_remove),
        cmocka_unit_test(test_same_retry_schedule_for_all_kinds),
        cmocka_unit_test(test_cancel_during_retry_wait),
        cmocka_unit_test(test_recovery_in_stream_and_batch),
        cmocka_unit_test(test_total_timeout_bounds_stream),
        cmocka_unit_test(test_stream_size_limit),
        cmocka_unit_test(test_proxy_never_sees_plain_http),
        cmocka_unit_test(test_models_list_paging),
        cmocka_unit_test(test_huge_header),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
