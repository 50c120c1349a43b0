/* SPDX-License-Identifier: MIT */
/*
 * test_passthrough.c — what the typed API does not cover, per provider: request-body fields
 * passed through (and each service's answer to one it does not know), the fields llmc refuses;
 * parameters that differ by model; the anthropic-version a client sends and what 2026-10-21
 * removes; token counting; the models list's cursor; a JSON body where a stream was asked for.
 */
#include "api_common.h"

static const char *const models[] = {TEST_MODEL_ANTHROPIC, TEST_MODEL_CEREBRAS, TEST_MODEL_FIREWORKS,
                                     TEST_MODEL_OPENAI};

static void test_fields_reach_the_body(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    for (size_t i = 0; i < 4; i++) {
        llmc_request *req = ask(models[i], "pass it on");
        llmc_error err;
        assert_int_equal(llmc_request_set_body_field(req, "service_tier", "\"priority\"", &err), LLMC_OK);
        if (i > 0) {
            assert_int_equal(llmc_request_set_body_field(req, "seed", "42", &err), LLMC_OK);
            assert_int_equal(llmc_request_set_body_field(req, "logprobs", "true", &err), LLMC_OK);
        } else {
            assert_int_equal(llmc_request_set_body_field(req, "top_k", "40", &err), LLMC_OK);
        }
        /* a field llmc writes itself is replaced by the caller's value */
        llmc_request_set_max_tokens(req, 10, &err);
        assert_int_equal(llmc_request_set_body_field(req, "max_tokens", "64", &err), LLMC_OK);
        if (i == 3) /* OpenAI's own limit field for this model */
            llmc_request_set_body_field(req, "max_tokens", NULL, NULL);
        llmc_response *r = send_ok(c, req);
        json_t *body = last_body();
        assert_string_equal(json_string_value(json_object_get(body, "service_tier")), "priority");
        if (i > 0) {
            assert_int_equal(json_integer_value(json_object_get(body, "seed")), 42);
            assert_true(json_is_true(json_object_get(body, "logprobs")));
        } else {
            assert_int_equal(json_integer_value(json_object_get(body, "top_k")), 40);
        }
        if (i < 3)
            assert_int_equal(json_integer_value(json_object_get(body, "max_tokens")), 64);
        json_decref(body);
        assert_string_equal(llmc_response_text(r), "You said: pass it on");
        llmc_response_free(r);
        llmc_request_free(req);
    }
    llmc_client_free(c);
}

static void test_unknown_field_each_service(void **state)
{
    (void)state;
    static const char *const answers[] = {"frobnicate: Extra inputs are not permitted",
                                          "frobnicate: property 'frobnicate' is unsupported", NULL,
                                          "Unrecognized request argument supplied: frobnicate"};
    llmc_client *c = llmc_client_new();
    for (size_t i = 0; i < 4; i++) {
        llmc_request *req = ask(models[i], "x");
        llmc_request_set_body_field(req, "frobnicate", "1", NULL);
        if (!answers[i]) { /* Fireworks takes and ignores fields it has no use for */
            llmc_response *r = send_ok(c, req);
            llmc_response_free(r);
        } else {
            llmc_error err;
            send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
            assert_int_equal(err.http_status, 400);
            assert_string_equal(err.message, answers[i]);
        }
        llmc_request_free(req);
    }
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_fields_refused(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new(TEST_MODEL_OPENAI);
    llmc_error err;
    static const char *const owned[] = {"model", "messages", "stream"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(llmc_request_set_body_field(req, owned[i], "1", &err), LLMC_E_INVALID_ARG);
        assert_non_null(strstr(err.message, "set by llmc itself"));
    }
    static const char *const secrets[] = {"api_key", "API-Key", "authorization", "x-api-key", "access_token", "token"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(llmc_request_set_body_field(req, secrets[i], "\"sk-x\"", &err), LLMC_E_INVALID_ARG);
        assert_non_null(strstr(err.message, "could carry a credential"));
    }
    assert_int_equal(llmc_request_set_body_field(req, "seed", "{\"a\":", &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "body field seed: invalid JSON at line 1, column"));
    assert_int_equal(llmc_request_set_body_field(req, "", "1", &err), LLMC_E_INVALID_ARG);
    /* removing a field never set is fine; a number past 64 bits still parses */
    assert_int_equal(llmc_request_set_body_field(req, "n", NULL, &err), LLMC_OK);
    assert_int_equal(llmc_request_set_body_field(req, "seed", "14836394043272784000", &err), LLMC_OK);
    llmc_request_free(req);
}

static void test_parameters_by_model(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    /* Claude 4.7 and later refuse sampling settings */
    llmc_request *req = ask("anthropic/claude-opus-4-8", "x");
    llmc_request_set_temperature(req, 0.7, &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "claude-opus-4-8 refuses temperature"));
    llmc_request_free(req);
    /* the 4.5 generation takes one of temperature and top_p */
    req = ask(TEST_MODEL_ANTHROPIC_BUDGET, "x");
    llmc_request_set_temperature(req, 0.7, &err);
    llmc_request_set_top_p(req, 0.9, &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "refuses temperature and top_p together"));
    llmc_request_set_top_p(req, -1, &err);
    llmc_response *r = send_ok(c, req);
    llmc_response_free(r);
    llmc_request_free(req);
    /* the same pair to a model with no such rule goes as it is */
    req = ask("anthropic/claude-opus-4-6", "x");
    llmc_request_set_temperature(req, 0.7, &err);
    llmc_request_set_top_p(req, 0.9, &err);
    r = send_ok(c, req);
    llmc_response_free(r);
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_anthropic_version(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    assert_string_equal(llmc_client_anthropic_version(c), "2023-06-01");
    llmc_request *req = ask(TEST_MODEL_ANTHROPIC, "which version");
    llmc_response *r = send_ok(c, req);
    char *h = last_header("anthropic-version");
    assert_string_equal(h, "2023-06-01");
    free(h);
    llmc_response_free(r);

    llmc_error err;
    assert_int_equal(llmc_client_set_anthropic_version(c, "2026-10-21", &err), LLMC_OK);
    assert_string_equal(llmc_client_anthropic_version(c), "2026-10-21");
    r = send_ok(c, req);
    h = last_header("anthropic-version");
    assert_string_equal(h, "2026-10-21");
    free(h);
    llmc_response_free(r);
    /* streams, token counts and the models list carry it too */
    r = stream_ok(c, req, NULL);
    h = last_header("anthropic-version");
    assert_string_equal(h, "2026-10-21");
    free(h);
    llmc_response_free(r);
    long n = 0;
    assert_int_equal(llmc_count_tokens(c, req, &n, &err), LLMC_OK);
    h = last_header("anthropic-version");
    assert_string_equal(h, "2026-10-21");
    free(h);
    /* that version removed temperature, top_p and top_k: refused before sending */
    llmc_request_set_temperature(req, 0.5, &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "temperature is not accepted with anthropic-version 2026-10-21"));
    llmc_request_set_temperature(req, -1, &err);
    llmc_request_set_body_field(req, "top_k", "5", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "top_k is not accepted"));
    llmc_request_set_body_field(req, "top_k", NULL, NULL);
    /* a request's own header wins, and the service refuses a version it does not know */
    llmc_request_set_header(req, "anthropic-version", "2024-10-22", &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message, "anthropic-version: \"2024-10-22\" is not a valid version");
    llmc_request_free(req);

    assert_int_equal(llmc_client_set_anthropic_version(c, "latest", &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "is not a date"));
    assert_int_equal(llmc_client_set_anthropic_version(c, NULL, &err), LLMC_OK);
    assert_string_equal(llmc_client_anthropic_version(c), "2023-06-01");
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_count_tokens(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask(TEST_MODEL_ANTHROPIC, "count these five words please");
    llmc_request_set_system(req, "Be brief.", NULL);
    llmc_request_set_max_tokens(req, 77, NULL);
    llmc_request_add_stop(req, "END", NULL);
    long n = -1;
    llmc_error err;
    assert_int_equal(llmc_count_tokens(c, req, &n, &err), LLMC_OK);
    assert_int_equal(n, 7); /* 2 system + 5 words */
    char *text = emulator_requests(&emu, false);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    json_t *last = json_array_get(all, json_array_size(all) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "path")), "/anthropic/v1/messages/count_tokens");
    json_decref(all);
    json_t *body = last_body();
    assert_null(json_object_get(body, "max_tokens")); /* the counter takes the prompt only */
    assert_null(json_object_get(body, "stop_sequences"));
    assert_string_equal(json_string_value(json_object_get(body, "system")), "Be brief.");
    json_decref(body);
    /* the same count as the reply's usage */
    llmc_response *r = send_ok(c, req);
    assert_int_equal(llmc_response_usage(r).input_tokens, n);
    llmc_response_free(r);
    llmc_request_free(req);

    /* an unknown model: the service's 404 */
    req = ask("anthropic/missing-model", "x");
    n = -1;
    assert_int_equal(llmc_count_tokens(c, req, &n, &err), LLMC_E_NOT_FOUND);
    assert_int_equal(n, -1);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.message, "model: missing-model");
    llmc_request_free(req);
    /* OpenAI-compatible providers have no counter: nothing is sent */
    for (size_t i = 1; i < 4; i++) {
        req = ask(models[i], "x");
        size_t before = emulator_request_count(&emu);
        assert_int_equal(llmc_count_tokens(c, req, &n, &err), LLMC_E_UNSUPPORTED);
        assert_non_null(strstr(err.message, "has no token-counting endpoint"));
        assert_int_equal(emulator_request_count(&emu), before);
        llmc_request_free(req);
    }
    /* told from the model string, before a key is resolved (the CLI test runs it with no key set) */
    llmc_client *bare = llmc_client_new();
    llmc_client_use_key_store(bare, 0);
    req = ask(models[1], "x");
    assert_int_equal(llmc_count_tokens(bare, req, &n, &err), LLMC_E_UNSUPPORTED);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_NONE);
    llmc_request_free(req);
    llmc_client_free(bare);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void on_log(void *userdata, llmc_log_level level, const char *line)
{
    if (level == LLMC_LOG_WARN && strstr(line, "cursor"))
        *(int *)userdata += 1;
}

static void test_models_cursor(void **state)
{
    (void)state;
    /* a page that says there is more but whose cursor does not move, with a cursor that needs
     * escaping in a URL */
    emulator_fault(&emu,
                   "{\"path\":\"/anthropic/v1/models\",\"status\":200,\"count\":5,"
                   "\"body\":\"{\\\"data\\\":[{\\\"type\\\":\\\"model\\\",\\\"id\\\":\\\"m a&b\\\","
                   "\\\"display_name\\\":\\\"M\\\",\\\"created_at\\\":\\\"2026-01-01T00:00:00Z\\\"}],"
                   "\\\"has_more\\\":true,\\\"first_id\\\":\\\"m a&b\\\",\\\"last_id\\\":\\\"m a&b\\\"}\"}");
    llmc_client *c = llmc_client_new();
    int warned = 0;
    llmc_client_set_log(c, on_log, &warned, LLMC_LOG_WARN);
    llmc_model_info *list = NULL;
    size_t n = 0;
    llmc_error err;
    assert_int_equal(llmc_models_list(c, "anthropic", &list, &n, &err), LLMC_OK);
    assert_int_equal(n, 2); /* two pages came, then the loop stopped */
    assert_int_equal(warned, 1);
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    assert_int_equal(json_array_size(all), 2);
    const char *second = json_string_value(json_object_get(json_array_get(all, 1), "path"));
    const char *query = json_string_value(json_object_get(json_array_get(all, 1), "query"));
    char where[512];
    snprintf(where, sizeof where, "%s?%s", second, query ? query : "");
    assert_non_null(strstr(where, "after_id=m%20a%26b"));
    json_decref(all);
    llmc_free(list);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
    llmc_client_free(c);
}

static void test_json_body_on_a_stream(void **state)
{
    (void)state;
    emulator_fault(&emu,
                   "{\"path\":\"/openai/v1/chat/completions\",\"status\":200,"
                   "\"body\":\"{\\\"id\\\":\\\"x\\\",\\\"choices\\\":[]}\"}");
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask(TEST_MODEL_OPENAI, "stream please");
    llmc_response *r = NULL;
    llmc_error err;
    assert_int_equal(llmc_messages_stream(c, req, drop_events, NULL, &r, &err), LLMC_E_PROTOCOL);
    assert_int_equal(err.http_status, 200); /* the status that came, not 0 */
    assert_non_null(strstr(err.message, "instead of an event stream"));
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_reach_the_body), cmocka_unit_test(test_unknown_field_each_service),
        cmocka_unit_test(test_fields_refused),        cmocka_unit_test(test_parameters_by_model),
        cmocka_unit_test(test_anthropic_version),     cmocka_unit_test(test_count_tokens),
        cmocka_unit_test(test_models_cursor),         cmocka_unit_test(test_json_body_on_a_stream),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
