/* SPDX-License-Identifier: MIT */
/*
 * test_echo.c — servers that echo the key they received, in every field a reply has: the error's
 * type, code and message (whole, cut by the message limit, or as a part), the request-id header,
 * a 200 stream's text and a mid-stream error event. Through the library's errors and responses,
 * and through the CLI's stderr, stdout, --json, -v and LLMC_LOG=debug, no run of 8 characters of
 * the key may appear — for keys with a known prefix and for a custom endpoint's key with none.
 */
#include "auth_fixture.h"
#include "models.h"

#include <llmc/llmc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static emulator emu;

/* A custom endpoint's key: no prefix any scrubber could know. */
#define PLAIN_KEY "Zq7xW2mVbN4pLk9sRt6yHu3cJd8fGe5a"

typedef struct target {
    const char *provider, *upper, *model, *path, *key;
    const char *custom; /* an endpoint name to add, or NULL */
} target;

static const target targets[] = {
    {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC, "/anthropic/v1/messages", NULL, NULL},
    {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS, "/cerebras/v1/chat/completions", NULL, NULL},
    {"gateway", NULL, "gateway/some-model", "/openai/v1/chat/completions", PLAIN_KEY, "gateway"},
};
#define N_TARGETS (sizeof targets / sizeof targets[0])

static const char *key_of(const target *t)
{
    return t->key ? t->key : test_key(t->upper, "VALID");
}

/* No run of 8 of the key's characters anywhere in `text`. */
static void assert_no_key(const char *text, const char *key, const char *where)
{
    size_t n = strlen(key);
    for (size_t i = 0; i + 8 <= n; i++) {
        char run[9];
        memcpy(run, key + i, 8);
        run[8] = '\0';
        if (text && strstr(text, run)) {
            fprintf(stderr, "%s holds \"%s\" of the key:\n%s\n", where, run, text);
            fail();
        }
    }
}

static void reset_emulator(void)
{
    emulator_clear_requests(&emu);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
}

/* The echoing answers: an error body with the key in every field, a long message that puts the
 * key across llmc's 1,023-character limit, and 200 streams that carry it. */
static void queue_error_echo(const target *t, int status)
{
    char fault[1024];
    snprintf(
        fault, sizeof fault,
        "{\"path\":\"%s\",\"status\":%d,\"headers\":{\"request-id\":\"req_{KEY}\",\"x-request-id\":\"{KEY}\"},"
        "\"body\":\"{\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":\\\"{KEY}_error\\\",\\\"code\\\":"
        "\\\"{KEY}\\\",\\\"message\\\":\\\"invalid key {KEY} (was {KEY})\\\"},\\\"request_id\\\":\\\"{KEY}\\\"}\"}",
        t->path, status);
    emulator_fault(&emu, fault);
}

static void queue_long_message_echo(const target *t)
{
    /* 1,010 characters of padding, then the key: the message limit falls inside the key */
    char pad[1011];
    memset(pad, 'p', 1010);
    pad[1010] = '\0';
    char fault[2048];
    snprintf(fault, sizeof fault,
             "{\"path\":\"%s\",\"status\":400,\"body\":\"{\\\"error\\\":{\\\"type\\\":\\\"invalid_request_error\\\","
             "\\\"message\\\":\\\"%s{KEY}\\\"}}\"}",
             t->path, pad);
    emulator_fault(&emu, fault);
}

static void queue_stream_echo(const target *t, bool error_event)
{
    char fault[2048];
    if (strcmp(t->provider, "anthropic") == 0)
        snprintf(
            fault, sizeof fault,
            "{\"path\":\"%s\",\"status\":200,\"content_type\":\"text/event-stream\",\"headers\":{\"request-id\":"
            "\"{KEY}\"},\"body\":\"event: message_start\\ndata: {\\\"type\\\":\\\"message_start\\\",\\\"message\\\":"
            "{\\\"id\\\":\\\"msg_{KEY}\\\",\\\"type\\\":\\\"message\\\",\\\"role\\\":\\\"assistant\\\",\\\"content\\\":[],"
            "\\\"model\\\":\\\"{KEY}\\\",\\\"usage\\\":{\\\"input_tokens\\\":1,\\\"output_tokens\\\":1}}}\\n\\n"
            "event: content_block_start\\ndata: {\\\"type\\\":\\\"content_block_start\\\",\\\"index\\\":0,"
            "\\\"content_block\\\":{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"\\\"}}\\n\\n"
            "event: content_block_delta\\ndata: {\\\"type\\\":\\\"content_block_delta\\\",\\\"index\\\":0,"
            "\\\"delta\\\":{\\\"type\\\":\\\"text_delta\\\",\\\"text\\\":\\\"your key is {KEY}\\\"}}\\n\\n%s\"}",
            t->path,
            error_event ? "event: error\\ndata: {\\\"type\\\":\\\"error\\\",\\\"error\\\":{\\\"type\\\":"
                          "\\\"{KEY}\\\",\\\"message\\\":\\\"bad {KEY}\\\"}}\\n\\n"
                        : "event: content_block_stop\\ndata: {\\\"type\\\":\\\"content_block_stop\\\",\\\"index\\\":0}"
                          "\\n\\nevent: message_delta\\ndata: {\\\"type\\\":\\\"message_delta\\\",\\\"delta\\\":"
                          "{\\\"stop_reason\\\":\\\"end_turn\\\"},\\\"usage\\\":{\\\"output_tokens\\\":4}}\\n\\n"
                          "event: message_stop\\ndata: {\\\"type\\\":\\\"message_stop\\\"}\\n\\n");
    else
        snprintf(
            fault, sizeof fault,
            "{\"path\":\"%s\",\"status\":200,\"content_type\":\"text/event-stream\",\"headers\":{\"x-request-id\":"
            "\"{KEY}\"},\"body\":\"data: {\\\"id\\\":\\\"{KEY}\\\",\\\"object\\\":\\\"chat.completion.chunk\\\","
            "\\\"model\\\":\\\"{KEY}\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"delta\\\":{\\\"role\\\":\\\"assistant\\\","
            "\\\"content\\\":\\\"your key is {KEY}\\\"},\\\"finish_reason\\\":null}]}\\n\\n%s\"}",
            t->path,
            error_event ? "data: {\\\"error\\\":{\\\"message\\\":\\\"bad {KEY}\\\",\\\"type\\\":\\\"{KEY}\\\","
                          "\\\"code\\\":\\\"{KEY}\\\"}}\\n\\n"
                        : "data: {\\\"id\\\":\\\"x\\\",\\\"object\\\":\\\"chat.completion.chunk\\\",\\\"choices\\\":"
                          "[{\\\"index\\\":0,\\\"delta\\\":{},\\\"finish_reason\\\":\\\"stop\\\"}],\\\"usage\\\":"
                          "{\\\"prompt_tokens\\\":1,\\\"completion_tokens\\\":4,\\\"total_tokens\\\":5}}\\n\\n"
                          "data: [DONE]\\n\\n");
    emulator_fault(&emu, fault);
}

static llmc_client *client_for(const target *t)
{
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_client_use_key_store(c, 0);
    llmc_client_set_max_retries(c, 0);
    if (t->custom) {
        char base[128];
        snprintf(base, sizeof base, "%s/openai/v1", emu.base);
        setenv("GATEWAY_KEY", t->key, 1);
        assert_int_equal(llmc_client_add_endpoint(c, t->custom, base, "GATEWAY_KEY", &err), LLMC_OK);
    } else {
        assert_int_equal(llmc_client_set_base_url(c, t->provider, emulator_base_url(&emu, t->provider), &err), LLMC_OK);
        assert_int_equal(llmc_client_set_key(c, t->provider, key_of(t), &err), LLMC_OK);
    }
    return c;
}

static void assert_error_clean(const llmc_error *e, const char *key)
{
    assert_no_key(e->message, key, "message");
    assert_no_key(e->provider_type, key, "provider_type");
    assert_no_key(e->provider_code, key, "provider_code");
    assert_no_key(e->request_id, key, "request_id");
    assert_no_key(e->diagnosis.detail, key, "diagnosis.detail");
}

static int ignore(void *ud, const llmc_event *ev)
{
    (void)ud;
    (void)ev;
    return 0;
}

typedef struct texts {
    char buf[4096];
    size_t len;
    const char *key;
} texts;

static int collect(void *ud, const llmc_event *ev)
{
    texts *t = ud;
    if (ev->type == LLMC_EVENT_TEXT && t->len + ev->text_len < sizeof t->buf) {
        memcpy(t->buf + t->len, ev->text, ev->text_len);
        t->len += ev->text_len;
        t->buf[t->len] = '\0';
    }
    if (ev->error)
        assert_error_clean(ev->error, t->key);
    return 0;
}

static void test_library_errors_and_streams(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_TARGETS; i++) {
        const target *t = &targets[i];
        const char *key = key_of(t);
        llmc_client *c = client_for(t);
        llmc_request *req = llmc_request_new(t->model);
        llmc_request_add_message(req, LLMC_ROLE_USER, "hi", NULL);
        llmc_response *resp = NULL;
        llmc_error err;
        int statuses[] = {401, 403, 400, 500};
        for (size_t s = 0; s < 4; s++) {
            reset_emulator();
            queue_error_echo(t, statuses[s]);
            assert_int_not_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
            assert_error_clean(&err, key);
            /* the same refusal for a stream */
            queue_error_echo(t, statuses[s]);
            assert_int_not_equal(llmc_messages_stream(c, req, ignore, NULL, NULL, &err), LLMC_OK);
            assert_error_clean(&err, key);
        }
        reset_emulator();
        queue_long_message_echo(t);
        assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_BAD_REQUEST);
        assert_error_clean(&err, key);

        /* a 200 stream that carries the key in its text, ids and request-id, then an error event */
        for (int with_error = 0; with_error < 2; with_error++) {
            reset_emulator();
            queue_stream_echo(t, with_error);
            texts got = {.key = key};
            llmc_response *final = NULL;
            llmc_code rc = llmc_messages_stream(c, req, collect, &got, &final, &err);
            assert_no_key(got.buf, key, "stream text");
            if (with_error) {
                assert_int_not_equal(rc, LLMC_OK);
                assert_error_clean(&err, key);
            } else {
                assert_int_equal(rc, LLMC_OK);
                assert_no_key(llmc_response_text(final), key, "final text");
                assert_no_key(llmc_response_id(final), key, "response id");
                assert_no_key(llmc_response_model(final), key, "response model");
                assert_no_key(llmc_response_request_id(final), key, "response request id");
            }
            llmc_response_free(final);
        }
        llmc_request_free(req);
        llmc_client_free(c);
    }
    unsetenv("GATEWAY_KEY");
}

/* The CLI, with every output it has: stderr's error, --json on stdout, -v, LLMC_LOG=debug. */
static void test_cli_every_output(void **state)
{
    (void)state;
    temp_home home;
    home_make(&home);
    for (size_t i = 0; i < N_TARGETS; i++) {
        const target *t = &targets[i];
        const char *key = key_of(t);
        char config[512];
        const char *model = t->model;
        const char *env[8];
        size_t n = 0;
        env[n++] = home.xdg_env;
        env[n++] = "LLMC_LOG=debug";
        if (t->custom) {
            snprintf(config, sizeof config, "[endpoint gateway]\nbase_url = %s/openai/v1\nkey_env = GATEWAY_KEY\n",
                     emu.base);
            write_file(home.config, config, 0600);
            env[n++] = envf("GATEWAY_KEY=%s", key);
        } else {
            write_file(home.config, "", 0600);
            env[n++] = envf("%s_BASE_URL=%s", t->upper, emulator_base_url(&emu, t->provider));
            env[n++] = envf("%s_API_KEY=%s", t->upper, key);
        }
        env[n] = NULL;
        for (int mode = 0; mode < 4; mode++) {
            reset_emulator();
            if (mode < 2)
                queue_error_echo(t, mode == 0 ? 401 : 500);
            else
                queue_stream_echo(t, mode == 3);
            const char *args[] = {
                "-v", "--retries", "0", "--json", "-m", model, mode >= 2 ? "--stream" : "--no-stream", "hi echo", NULL};
            cli_result r = run_cli(args, env, NULL);
            assert_int_not_equal(r.status, mode == 2 ? 1 : 0);
            assert_no_key(r.out, key, "stdout");
            assert_no_key(r.err, key, "stderr");
            cli_result_free(&r);
        }
    }
    home_remove(&home);
}

static int group_setup(void **state)
{
    (void)state;
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
        cmocka_unit_test(test_library_errors_and_streams),
        cmocka_unit_test(test_cli_every_output),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
