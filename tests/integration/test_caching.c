/* SPDX-License-Identifier: MIT */
/*
 * test_caching.c — prompt caching against the emulator: Anthropic's automatic top-level
 * cache_control and explicit breakpoints with their TTLs, the first call writing (split 5 m /
 * 1 h) and the next reading, prefixes below the service's minimum left uncached, the limits llmc
 * refuses before sending and the service's own 400s; OpenAI-compatible providers get no
 * cache_control and report their cached tokens.
 */
#include "api_common.h"

/* A text of `n` words. */
static char *words(size_t n, const char *word)
{
    size_t len = n * (strlen(word) + 1) + 1;
    char *s = malloc(len);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(s, word);
        strcat(s, i + 1 < n ? " " : "");
    }
    return s;
}

static llmc_usage_details usage_of(const llmc_response *r)
{
    llmc_usage_details u;
    llmc_response_usage_details(r, &u);
    return u;
}

static void test_automatic_caching(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    char *doc = words(1500, "cacheable");
    llmc_request *req = ask(TEST_MODEL_ANTHROPIC, doc);
    assert_int_equal(llmc_request_set_cache(req, LLMC_CACHE_5M, NULL), LLMC_OK);
    llmc_response *first = send_ok(c, req);
    json_t *body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "cache_control"), "type")),
                        "ephemeral");
    assert_null(json_object_get(json_object_get(body, "cache_control"), "ttl")); /* 5 minutes is the default */
    json_decref(body);
    llmc_usage_details u = usage_of(first);
    assert_int_equal(u.cache_creation_input_tokens, 1500);
    assert_int_equal(u.cache_creation_5m_input_tokens, 1500);
    assert_int_equal(u.cache_read_input_tokens, 0);
    assert_int_equal(u.input_tokens, 0);
    assert_int_equal(llmc_response_usage(first).cache_creation_input_tokens, 1500);

    /* the same conversation one turn later reads what the first call wrote */
    llmc_request_add_response(req, first, NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "and now a short question", NULL);
    llmc_response *second = send_ok(c, req);
    u = usage_of(second);
    assert_int_equal(u.cache_read_input_tokens, 1500);
    assert_int_equal(llmc_response_usage(second).cache_read_input_tokens, 1500);
    assert_true(u.cache_creation_input_tokens > 0); /* the new turn's tail is written */
    /* streamed, the same counts reach the final response */
    llmc_response *third = stream_ok(c, req, NULL);
    assert_int_equal(usage_of(third).cache_read_input_tokens, 1500 + u.cache_creation_input_tokens);
    llmc_response_free(first);
    llmc_response_free(second);
    llmc_response_free(third);
    llmc_request_free(req);
    free(doc);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_breakpoints_and_ttls(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    char *system = words(1200, "instructions");
    llmc_request *req = ask(TEST_MODEL_ANTHROPIC, "a question");
    llmc_request_set_system(req, system, NULL);
    llmc_request_add_tool(req, "lookup", "Look a thing up", NULL, NULL);
    llmc_error err;
    assert_int_equal(llmc_request_add_cache_breakpoint(req, LLMC_CACHE_TOOLS, LLMC_CACHE_1H, &err), LLMC_OK);
    assert_int_equal(llmc_request_add_cache_breakpoint(req, LLMC_CACHE_SYSTEM, LLMC_CACHE_1H, &err), LLMC_OK);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    json_t *tool_cc = json_object_get(json_array_get(json_object_get(body, "tools"), 0), "cache_control");
    assert_string_equal(json_string_value(json_object_get(tool_cc, "ttl")), "1h");
    json_t *sys = json_array_get(json_object_get(body, "system"), 0); /* the system prompt becomes a block */
    assert_string_equal(json_string_value(json_object_get(sys, "type")), "text");
    assert_string_equal(json_string_value(json_object_get(json_object_get(sys, "cache_control"), "ttl")), "1h");
    json_decref(body);
    llmc_usage_details u = usage_of(r);
    assert_int_equal(u.cache_creation_1h_input_tokens, 1200);
    assert_int_equal(u.cache_creation_5m_input_tokens, 0);
    assert_int_equal(u.input_tokens, 2); /* the question, after the cached prefix */
    llmc_response_free(r);
    r = send_ok(c, req);
    assert_int_equal(usage_of(r).cache_read_input_tokens, 1200);
    llmc_response_free(r);

    /* a breakpoint on the last part so far */
    assert_int_equal(llmc_request_add_cache_breakpoint(req, LLMC_CACHE_LAST_PART, LLMC_CACHE_5M, &err), LLMC_OK);
    r = send_ok(c, req);
    body = last_body();
    json_t *content = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    assert_true(json_is_array(content)); /* a marked part is a block, not the plain string */
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(content, 0), "cache_control"), "type")),
        "ephemeral");
    json_decref(body);
    llmc_response_free(r);

    /* a prefix below the service's minimum is simply not cached */
    llmc_request *small = ask(TEST_MODEL_ANTHROPIC, "too short to cache");
    llmc_request_set_cache(small, LLMC_CACHE_1H, NULL);
    r = send_ok(c, small);
    assert_int_equal(usage_of(r).cache_creation_input_tokens, 0);
    assert_int_equal(usage_of(r).input_tokens, 4);
    llmc_response_free(r);
    llmc_request_free(small);
    llmc_request_free(req);
    free(system);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_cache_rules(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    /* without a system prompt, tools or messages there is nothing to mark */
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    assert_int_equal(llmc_request_add_cache_breakpoint(req, LLMC_CACHE_SYSTEM, LLMC_CACHE_5M, &err),
                     LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_add_cache_breakpoint(req, LLMC_CACHE_TOOLS, LLMC_CACHE_5M, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_add_cache_breakpoint(req, LLMC_CACHE_LAST_PART, LLMC_CACHE_5M, &err),
                     LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_cache(req, (llmc_cache_ttl)7, &err), LLMC_E_INVALID_ARG);
    llmc_request_free(req);

    /* 1 hour after 5 minutes, in the order the service reads them: refused before sending */
    req = ask(TEST_MODEL_ANTHROPIC, "x");
    llmc_request_set_system(req, "sys", &err);
    llmc_request_add_tool(req, "t", NULL, NULL, &err);
    llmc_request_add_cache_breakpoint(req, LLMC_CACHE_TOOLS, LLMC_CACHE_5M, NULL);
    llmc_request_add_cache_breakpoint(req, LLMC_CACHE_SYSTEM, LLMC_CACHE_1H, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "a 1-hour cache breakpoint (on the system prompt) comes after a 5-minute one"));
    llmc_request_free(req);
    /* … and what the service says when it gets one (a system block passed through) */
    req = ask(TEST_MODEL_ANTHROPIC, "x");
    llmc_request_add_tool(req, "t", NULL, NULL, &err);
    llmc_request_add_cache_breakpoint(req, LLMC_CACHE_TOOLS, LLMC_CACHE_5M, NULL);
    llmc_request_set_body_field(
        req, "system",
        "[{\"type\":\"text\",\"text\":\"sys\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "system.0.cache_control.ttl: a ttl='1h' cache_control block must not come after "
                        "a ttl='5m' cache_control block. Note that blocks are processed in the following "
                        "order: `tools`, `system`, `messages`.");
    llmc_request_free(req);

    /* five breakpoints */
    req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    for (int i = 0; i < 5; i++) {
        llmc_request_add_message(req, i % 2 ? LLMC_ROLE_ASSISTANT : LLMC_ROLE_USER, "turn", &err);
        llmc_request_add_cache_breakpoint(req, LLMC_CACHE_LAST_PART, LLMC_CACHE_5M, NULL);
    }
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "5 cache breakpoints; Anthropic takes at most 4"));
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_openai_compatible_cache_nothing_sent(void **state)
{
    (void)state;
    static const char *const models[] = {TEST_MODEL_CEREBRAS, TEST_MODEL_FIREWORKS, TEST_MODEL_OPENAI};
    llmc_client *c = llmc_client_new();
    for (size_t i = 0; i < 3; i++) {
        llmc_request *req = ask(models[i], "cache me");
        llmc_request_set_system(req, "sys", NULL);
        llmc_request_set_cache(req, LLMC_CACHE_1H, NULL);
        llmc_request_add_cache_breakpoint(req, LLMC_CACHE_SYSTEM, LLMC_CACHE_5M, NULL);
        llmc_response *r = send_ok(c, req);
        char *text = emulator_requests(&emu, true);
        assert_null(strstr(text, "cache_control")); /* these servers cache on their own */
        free(text);
        llmc_response_free(r);
        llmc_request_free(req);
    }
    llmc_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_automatic_caching),
        cmocka_unit_test(test_breakpoints_and_ttls),
        cmocka_unit_test(test_cache_rules),
        cmocka_unit_test(test_openai_compatible_cache_nothing_sent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
