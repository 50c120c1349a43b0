/* SPDX-License-Identifier: MIT */
/*
 * test_messages.c — the library against the emulator, for every provider: a reply with its
 * text, usage, stop reason and ids; what went over the wire (path, auth header, version
 * header, body fields); and each provider's refusals decoded into llmc_error.
 */
#include "harness.h"
#include "models.h"

#include <llmc/llmc.h>

#include <jansson.h>
#include <pthread.h>
#include <time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static emulator emu;

typedef struct provider_case {
    const char *name;  /* "anthropic" */
    const char *upper; /* "ANTHROPIC" */
    const char *model; /* TEST_MODEL_ANTHROPIC */
    const char *path;  /* the path the emulator must have seen */
} provider_case;

static const provider_case providers[] = {
    {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC, "/anthropic/v1/messages"},
    {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS, "/cerebras/v1/chat/completions"},
    {"fireworks", "FIREWORKS", TEST_MODEL_FIREWORKS, "/fireworks/inference/v1/chat/completions"},
    {"openai", "OPENAI", TEST_MODEL_OPENAI, "/openai/v1/chat/completions"},
};

/* Point the environment at the emulator for provider p, with the key in state `state`. */
static void use_provider(const provider_case *p, const char *state)
{
    static char key_var[256], base_var[256];
    snprintf(key_var, sizeof key_var, "%s_API_KEY=%s", p->upper, state ? test_key(p->upper, state) : "");
    snprintf(base_var, sizeof base_var, "%s_BASE_URL=%s", p->upper, emulator_base_url(&emu, p->name));
    const char *env[] = {base_var, state ? key_var : NULL, NULL};
    set_provider_env(env);
}

static json_t *last_request(void)
{
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(all);
    json_t *last = json_incref(json_array_get(all, json_array_size(all) - 1));
    json_decref(all);
    assert_non_null(last);
    return last;
}

static const char *header_of(json_t *req, const char *name)
{
    return json_string_value(json_object_get(json_object_get(req, "headers"), name));
}

static void test_reply_each_provider(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        const provider_case *p = &providers[i];
        use_provider(p, "VALID");
        llmc_client *c = llmc_client_new();
        llmc_request *req = llmc_request_new(p->model);
        llmc_request_set_system(req, "Be brief.", NULL);
        llmc_request_add_message(req, LLMC_ROLE_USER, "first question", NULL);
        llmc_request_add_message(req, LLMC_ROLE_ASSISTANT, "first answer", NULL);
        llmc_request_add_message(req, LLMC_ROLE_USER, "hello emulator friend", NULL);
        llmc_request_set_temperature(req, 0.5, NULL);
        llmc_request_set_metadata(req, "user_id", "u-42", NULL);
        llmc_response *resp = NULL;
        llmc_error err;
        llmc_code rc = llmc_messages_create(c, req, &resp, &err);
        if (rc != LLMC_OK)
            fprintf(stderr, "%s: %s\n", p->name, err.message);
        assert_int_equal(rc, LLMC_OK);
        assert_string_equal(llmc_response_text(resp), "You said: hello emulator friend");
        assert_int_equal(llmc_response_stop_reason(resp), LLMC_STOP_END_TURN);
        assert_string_equal(llmc_response_provider(resp), p->name);
        llmc_usage u = llmc_response_usage(resp);
        llmc_usage_details d;
        llmc_response_usage_details(resp, &d);
        /* words: system 2 + messages 2 + 2 + 3 = 9 in; "You said: hello emulator friend" = 5 out,
         * beside what a reasoning model (gpt-oss at Cerebras and Fireworks) reasoned first */
        assert_int_equal(u.input_tokens, 9);
        assert_int_equal(u.output_tokens - d.reasoning_tokens, 5);
        assert_true(strlen(llmc_response_id(resp)) > 0);
        assert_true(strlen(llmc_response_model(resp)) > 0);
        size_t blocks = llmc_response_block_count(resp);
        assert_int_equal(blocks, d.reasoning_tokens ? 2 : 1);
        if (d.reasoning_tokens)
            assert_int_equal(llmc_response_block_type(resp, 0), LLMC_BLOCK_THINKING);
        assert_int_equal(llmc_response_block_type(resp, blocks - 1), LLMC_BLOCK_TEXT);

        json_t *sent = last_request();
        assert_string_equal(json_string_value(json_object_get(sent, "path")), p->path);
        json_t *body = json_loads(json_string_value(json_object_get(sent, "body")), 0, NULL);
        assert_non_null(body);
        const char *wire_model = strchr(p->model, '/') + 1;
        assert_string_equal(json_string_value(json_object_get(body, "model")), wire_model);
        if (strcmp(p->name, "anthropic") == 0) {
            assert_string_equal(header_of(sent, "x-api-key"), test_key(p->upper, "VALID"));
            assert_string_equal(header_of(sent, "anthropic-version"), "2023-06-01");
            assert_null(header_of(sent, "authorization"));
            assert_string_equal(json_string_value(json_object_get(body, "system")), "Be brief.");
            assert_int_equal(json_array_size(json_object_get(body, "messages")), 3);
            assert_string_equal(json_string_value(json_object_get(json_object_get(body, "metadata"), "user_id")),
                                "u-42");
            assert_true(strncmp(llmc_response_request_id(resp), "req_", 4) == 0);
        } else {
            char bearer[256];
            snprintf(bearer, sizeof bearer, "Bearer %s", test_key(p->upper, "VALID"));
            assert_string_equal(header_of(sent, "authorization"), bearer);
            assert_null(header_of(sent, "x-api-key"));
            json_t *msgs = json_object_get(body, "messages");
            assert_int_equal(json_array_size(msgs), 4);
            assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "system");
            assert_string_equal(json_string_value(json_object_get(body, "user")), "u-42");
        }
        assert_true(json_real_value(json_object_get(body, "temperature")) == 0.5);
        json_decref(body);
        json_decref(sent);
        llmc_response_free(resp);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_max_tokens_and_stop_sequence(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        const provider_case *p = &providers[i];
        use_provider(p, "VALID");
        llmc_client *c = llmc_client_new();
        llmc_request *req = llmc_request_new(p->model);
        llmc_request_add_message(req, LLMC_ROLE_USER, "one two three four five", NULL);
        llmc_request_set_max_tokens(req, 3, NULL);
        llmc_response *resp = NULL;
        llmc_error err;
        assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
        assert_int_equal(llmc_response_stop_reason(resp), LLMC_STOP_MAX_TOKENS);
        llmc_usage_details d;
        llmc_response_usage_details(resp, &d);
        assert_int_equal(llmc_response_usage(resp).output_tokens - d.reasoning_tokens, 3);
        llmc_response_free(resp);
        llmc_request_free(req);

        req = llmc_request_new(p->model);
        llmc_request_add_message(req, LLMC_ROLE_USER, "alpha beta STOP gamma", &err);
        llmc_request_add_stop(req, "STOP", &err);
        assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
        assert_string_equal(llmc_response_text(resp), "You said: alpha beta ");
        /* Anthropic names the reason; OpenAI-compatible servers report a plain "stop" */
        assert_int_equal(llmc_response_stop_reason(resp),
                         strcmp(p->name, "anthropic") == 0 ? LLMC_STOP_STOP_SEQUENCE : LLMC_STOP_END_TURN);
        llmc_response_free(resp);
        llmc_request_free(req);
        llmc_client_free(c);
    }
    emulator_clear_requests(&emu);
}

static void test_generate_one_liner(void **state)
{
    (void)state;
    use_provider(&providers[1], "VALID");
    llmc_client *c = llmc_client_new();
    char *text = NULL;
    llmc_error err;
    assert_int_equal(llmc_generate(c, TEST_MODEL_CEREBRAS, "ping", &text, &err), LLMC_OK);
    assert_string_equal(text, "You said: ping");
    llmc_free(text);
    llmc_client_free(c);
}

static void test_wrong_key_each_provider(void **state)
{
    (void)state;
    static const char *const messages[] = {"invalid x-api-key", "Wrong API Key", "The API key you provided is invalid.",
                                           NULL};
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        const provider_case *p = &providers[i];
        use_provider(p, "REVOKED");
        llmc_client *c = llmc_client_new();
        char *text = NULL;
        llmc_error err;
        llmc_code rc = llmc_generate(c, p->model, "hello", &text, &err);
        assert_int_equal(rc, LLMC_E_AUTH);
        assert_null(text);
        assert_int_equal(err.http_status, 401);
        assert_int_equal(err.attempts, 1); /* 401 is never retried */
        if (messages[i])
            assert_string_equal(err.message, messages[i]);
        assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_AUTH_REJECTED);
        assert_int_equal(err.diagnosis.source, LLMC_SOURCE_ENV);
        char var[64];
        snprintf(var, sizeof var, "%s_API_KEY", p->upper);
        assert_string_equal(err.diagnosis.source_name, var);
        /* the fix names this provider's own variable */
        assert_non_null(strstr(err.diagnosis.fix, var));
        const char *key = test_key(p->upper, "REVOKED");
        /* the fingerprint ends with the key's last four characters, and holds no more of it */
        assert_string_equal(err.diagnosis.fingerprint + strlen(err.diagnosis.fingerprint) - 4, key + strlen(key) - 4);
        assert_true(strlen(err.diagnosis.fingerprint) < 20);
        assert_null(strstr((const char *)&err, key));
        if (strcmp(p->name, "anthropic") == 0) {
            assert_string_equal(err.provider_type, "authentication_error");
            assert_true(strncmp(err.request_id, "req_", 4) == 0);
        } else if (strcmp(p->name, "cerebras") == 0) {
            assert_string_equal(err.provider_type, "invalid_request_error");
            assert_string_equal(err.provider_code, "wrong_api_key");
        } else if (strcmp(p->name, "fireworks") == 0) {
            assert_string_equal(err.provider_code, "UNAUTHORIZED");
            assert_true(strlen(err.request_id) > 0);
        }
        llmc_client_free(c);
    }
    emulator_clear_requests(&emu);
}

static void test_forbidden_key_each_provider(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        use_provider(&providers[i], "FORBIDDEN");
        llmc_client *c = llmc_client_new();
        char *text = NULL;
        llmc_error err;
        assert_int_equal(llmc_generate(c, providers[i].model, "hello", &text, &err), LLMC_E_PERMISSION);
        assert_int_equal(err.http_status, 403);
        assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_AUTH_FORBIDDEN);
        if (i == 0)
            assert_string_equal(err.provider_type, "permission_error");
        llmc_client_free(c);
    }
}

static void test_missing_key_sends_nothing(void **state)
{
    (void)state;
    emulator_clear_requests(&emu);
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        use_provider(&providers[i], NULL);
        llmc_client *c = llmc_client_new();
        char *text = NULL;
        llmc_error err;
        assert_int_equal(llmc_generate(c, providers[i].model, "hello", &text, &err), LLMC_E_KEY);
        assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_KEY_MISSING);
        assert_int_equal(err.http_status, 0);
        assert_non_null(strstr(err.message, "_API_KEY"));
        llmc_client_free(c);
    }
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_explicit_key_wins(void **state)
{
    (void)state;
    use_provider(&providers[0], "REVOKED");
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(llmc_client_set_key(c, "anthropic", test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    char *text = NULL;
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hi", &text, &err), LLMC_OK);
    llmc_free(text);
    llmc_client_free(c);
}

static void test_not_found_model(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        use_provider(&providers[i], "VALID");
        llmc_client *c = llmc_client_new();
        char model[128], *text = NULL;
        snprintf(model, sizeof model, "%s/missing-model", providers[i].name);
        llmc_error err;
        assert_int_equal(llmc_generate(c, model, "hello", &text, &err), LLMC_E_NOT_FOUND);
        assert_int_equal(err.http_status, 404);
        assert_true(strlen(err.message) > 0);
        /* the cause is named, with the provider's own words kept in the message */
        assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_MODEL_NOT_FOUND);
        assert_non_null(strstr(err.diagnosis.fix, "missing-model"));
        assert_non_null(strstr(err.diagnosis.fix, "llmc models"));
        llmc_client_free(c);
    }
}

static void test_unknown_provider_and_default(void **state)
{
    (void)state;
    use_provider(&providers[1], "VALID");
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(llmc_client_set_default_provider(c, "nope", &err), LLMC_E_CONFIG);
    assert_int_equal(llmc_client_set_default_provider(c, "cerebras", &err), LLMC_OK);
    char *text = NULL;
    /* no provider prefix: goes to the default provider with the whole string as the model */
    assert_int_equal(llmc_generate(c, "gpt-oss-120b", "hi", &text, &err), LLMC_OK);
    llmc_free(text);
    json_t *sent = last_request();
    assert_string_equal(json_string_value(json_object_get(sent, "path")), "/cerebras/v1/chat/completions");
    json_decref(sent);
    llmc_client_free(c);
}

static void test_custom_endpoint(void **state)
{
    (void)state;
    char base[128], key_env[256];
    snprintf(base, sizeof base, "%s/openai/v1", emu.base);
    snprintf(key_env, sizeof key_env, "MY_GATEWAY_KEY=%s", test_key("OPENAI", "VALID"));
    const char *env[] = {key_env, NULL};
    set_provider_env(env);
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(llmc_client_add_endpoint(c, "gateway", base, "MY_GATEWAY_KEY", &err), LLMC_OK);
    char *text = NULL;
    assert_int_equal(llmc_generate(c, "gateway/gpt-4.1-mini", "via gateway", &text, &err), LLMC_OK);
    assert_string_equal(text, "You said: via gateway");
    llmc_free(text);
    llmc_client_free(c);
    unsetenv("MY_GATEWAY_KEY");
}

static void test_raw_json_kept_on_request(void **state)
{
    (void)state;
    use_provider(&providers[0], "VALID");
    llmc_client *c = llmc_client_new();
    llmc_request *req = llmc_request_new(providers[0].model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "raw please", NULL);
    llmc_response *resp = NULL;
    llmc_error err;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    assert_null(llmc_response_raw_json(resp));
    llmc_response_free(resp);
    llmc_request_keep_raw(req, 1);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    assert_non_null(strstr(llmc_response_raw_json(resp), "\"type\":\"message\""));
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_per_request_overrides(void **state)
{
    (void)state;
    /* the environment points at a revoked key and a dead address; the request overrides both */
    const char *env[] = {"CEREBRAS_BASE_URL=http://127.0.0.1:1/cerebras", NULL};
    set_provider_env(env);
    setenv("CEREBRAS_API_KEY", test_key("CEREBRAS", "REVOKED"), 1);
    llmc_client *c = llmc_client_new();
    llmc_request *req = llmc_request_new(TEST_MODEL_CEREBRAS);
    llmc_request_add_message(req, LLMC_ROLE_USER, "tenant call", NULL);
    assert_int_equal(llmc_request_set_key(req, test_key("CEREBRAS", "VALID"), NULL), LLMC_OK);
    assert_int_equal(llmc_request_set_base_url(req, emulator_base_url(&emu, "cerebras"), NULL), LLMC_OK);
    assert_int_equal(llmc_request_set_timeout(req, 5000, NULL), LLMC_OK);
    assert_int_equal(llmc_request_set_header(req, "X-Tenant", "acme", NULL), LLMC_OK);
    assert_int_equal(llmc_request_set_header(req, "x-tenant", "acme-2", NULL), LLMC_OK); /* replaces */
    /* credentials never ride in extra headers, and nothing may split a header */
    assert_int_equal(llmc_request_set_header(req, "Authorization", "Bearer x", NULL), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_header(req, "X-API-KEY", "x", NULL), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_header(req, "X-Evil", "a\r\nX-Injected: 1", NULL), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_header(req, "Bad Name", "v", NULL), LLMC_E_INVALID_ARG);
    llmc_response *resp = NULL;
    llmc_error err;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    json_t *sent = last_request();
    assert_string_equal(header_of(sent, "x-tenant"), "acme-2");
    char bearer[256];
    snprintf(bearer, sizeof bearer, "Bearer %s", test_key("CEREBRAS", "VALID"));
    assert_string_equal(header_of(sent, "authorization"), bearer);
    assert_string_equal(header_of(sent, "content-type"), "application/json");
    json_decref(sent);
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(c);
    unsetenv("CEREBRAS_API_KEY");
}

static void test_anthropic_custom_headers_variable(void **state)
{
    (void)state;
    use_provider(&providers[0], "VALID");
    setenv("ANTHROPIC_CUSTOM_HEADERS", "anthropic-beta: tools-2026\nX-Team: core\nx-api-key: smuggled\nnot a header",
           1);
    llmc_client *c = llmc_client_new();
    llmc_request *req = llmc_request_new(providers[0].model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "with custom headers", NULL);
    llmc_request_set_header(req, "X-Team", "request-wins", NULL);
    llmc_response *resp = NULL;
    llmc_error err;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    json_t *sent = last_request();
    assert_string_equal(header_of(sent, "anthropic-beta"), "tools-2026");
    assert_string_equal(header_of(sent, "x-team"), "request-wins");
    /* the smuggled credential line was skipped: the real key is the only x-api-key */
    assert_string_equal(header_of(sent, "x-api-key"), test_key("ANTHROPIC", "VALID"));
    assert_string_equal(header_of(sent, "anthropic-version"), "2023-06-01");
    json_decref(sent);
    unsetenv("ANTHROPIC_CUSTOM_HEADERS");
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void *trigger_later(void *token)
{
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL);
    llmc_cancel_trigger(token);
    return NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int ignore_event(void *userdata, const llmc_event *ev)
{
    (void)userdata;
    (void)ev;
    return 0;
}

static void test_cancel_from_another_thread(void **state)
{
    (void)state;
    use_provider(&providers[1], "VALID");
    llmc_client *c = llmc_client_new();
    llmc_cancel *token = llmc_cancel_new();
    llmc_request *req = llmc_request_new(providers[1].model);
    llmc_request_add_message(req, LLMC_ROLE_USER, "slow", NULL);
    llmc_request_set_cancel(req, token, NULL);
    llmc_error err;
    for (int streamed = 0; streamed < 2; streamed++) {
        /* the server waits 5 s before answering; the other thread cancels after 0.15 s */
        emulator_fault(&emu, "{\"path\":\"/cerebras/v1/chat/completions\",\"delay_ms\":5000,\"count\":1}");
        llmc_cancel_reset(token);
        pthread_t t;
        pthread_create(&t, NULL, trigger_later, token);
        double t0 = now_s();
        llmc_response *resp = NULL;
        llmc_code rc = streamed ? llmc_messages_stream(c, req, ignore_event, NULL, &resp, &err)
                                : llmc_messages_create(c, req, &resp, &err);
        pthread_join(t, NULL);
        assert_int_equal(rc, LLMC_E_ABORTED);
        assert_null(resp);
        assert_true(now_s() - t0 < 2.0);
    }
    /* a retry's wait is cut short too */
    llmc_cancel_reset(token);
    emulator_fault(&emu,
                   "{\"path\":\"/cerebras/v1/chat/completions\",\"status\":503,\"count\":1,"
                   "\"headers\":{\"retry-after\":\"30\"}}");
    pthread_t t;
    pthread_create(&t, NULL, trigger_later, token);
    double t0 = now_s();
    llmc_response *resp = NULL;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_ABORTED);
    pthread_join(t, NULL);
    assert_true(now_s() - t0 < 2.0);
    llmc_request_free(req);
    llmc_cancel_free(token);
    llmc_client_free(c);
    emulator_clear_requests(&emu);
}

static void test_max_response_bytes(void **state)
{
    (void)state;
    use_provider(&providers[0], "VALID");
    llmc_client *c = llmc_client_new();
    llmc_client_set_max_response_bytes(c, 64);
    char *text = NULL;
    llmc_error err;
    assert_int_equal(llmc_generate(c, providers[0].model, "a reply longer than sixty-four bytes", &text, &err),
                     LLMC_E_LIMIT);
    assert_non_null(strstr(err.message, "64-byte limit"));
    llmc_client_set_max_response_bytes(c, 0);
    assert_int_equal(llmc_generate(c, providers[0].model, "fits again", &text, &err), LLMC_OK);
    llmc_free(text);
    llmc_client_free(c);
}

static int setup(void **state)
{
    (void)state;
    llmc_global_init();
    emulator_start(&emu, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    llmc_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_each_provider),
        cmocka_unit_test(test_max_tokens_and_stop_sequence),
        cmocka_unit_test(test_generate_one_liner),
        cmocka_unit_test(test_wrong_key_each_provider),
        cmocka_unit_test(test_forbidden_key_each_provider),
        cmocka_unit_test(test_missing_key_sends_nothing),
        cmocka_unit_test(test_explicit_key_wins),
        cmocka_unit_test(test_not_found_model),
        cmocka_unit_test(test_unknown_provider_and_default),
        cmocka_unit_test(test_custom_endpoint),
        cmocka_unit_test(test_raw_json_kept_on_request),
        cmocka_unit_test(test_per_request_overrides),
        cmocka_unit_test(test_anthropic_custom_headers_variable),
        cmocka_unit_test(test_cancel_from_another_thread),
        cmocka_unit_test(test_max_response_bytes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
