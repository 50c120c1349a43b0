/* SPDX-License-Identifier: MIT */
/*
 * test_structured.c — structured output and tool controls against the emulator, per provider:
 * a JSON schema the reply follows (Anthropic output_config.format, OpenAI-style response_format
 * json_schema strict), json_object, the reply read back with llmc_response_json (and the position
 * when it does not parse), each service's 400 for a schema it will not enforce, strict tools,
 * and parallel tool calls allowed or forbidden.
 */
#include "api_common.h"

#define SCHEMA                                                                                                         \
    "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"},\"words\":{\"type\":\"integer\"}},"         \
    "\"required\":[\"answer\",\"words\"],\"additionalProperties\":false}"
#define OPEN_SCHEMA "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}}}"

static const char *const models[] = {TEST_MODEL_ANTHROPIC, TEST_MODEL_CEREBRAS, TEST_MODEL_FIREWORKS,
                                     TEST_MODEL_OPENAI};

static void test_schema_each_provider(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    for (size_t i = 0; i < 4; i++) {
        llmc_request *req = ask(models[i], "what is it");
        assert_int_equal(llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, "reply", SCHEMA, NULL), LLMC_OK);
        llmc_response *r = send_ok(c, req);
        json_t *body = last_body();
        if (i == 0) {
            json_t *f = json_object_get(json_object_get(body, "output_config"), "format");
            assert_string_equal(json_string_value(json_object_get(f, "type")), "json_schema");
            assert_non_null(json_object_get(json_object_get(f, "schema"), "properties"));
        } else {
            json_t *f = json_object_get(body, "response_format");
            assert_string_equal(json_string_value(json_object_get(f, "type")), "json_schema");
            json_t *js = json_object_get(f, "json_schema");
            assert_string_equal(json_string_value(json_object_get(js, "name")), "reply");
            assert_true(json_is_true(json_object_get(js, "strict")));
        }
        json_decref(body);
        const char *json;
        llmc_error err;
        assert_int_equal(llmc_response_json(r, &json, &err), LLMC_OK);
        assert_string_equal(json, "{\"answer\":\"You said: what is it\",\"words\":5}");
        /* streamed, the same JSON */
        llmc_response *s = stream_ok(c, req, NULL);
        assert_int_equal(llmc_response_json(s, &json, &err), LLMC_OK);
        assert_string_equal(json, "{\"answer\":\"You said: what is it\",\"words\":5}");
        llmc_response_free(s);
        llmc_response_free(r);
        llmc_request_free(req);
    }
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_reply_that_is_not_json(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    /* cut off by the limit: the position, and the cause first */
    llmc_request *req = ask(TEST_MODEL_OPENAI, "a rather long question for the model");
    llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, SCHEMA, NULL);
    llmc_request_set_max_tokens(req, 3, NULL);
    llmc_response *r = send_ok(c, req);
    const char *json = "unchanged";
    llmc_error err;
    assert_int_equal(llmc_response_json(r, &json, &err), LLMC_E_FORMAT);
    assert_null(json);
    assert_int_equal(err.code, LLMC_E_FORMAT);
    assert_non_null(strstr(err.message, "cut off by the token limit (stop reason \"length\")"));
    assert_non_null(strstr(err.message, "line 1, column"));
    assert_true(strlen(llmc_response_text(r)) > 0); /* the text is still there */
    llmc_response_free(r);
    llmc_request_free(req);
    /* a plain reply read as JSON */
    req = ask(TEST_MODEL_ANTHROPIC, "hello");
    r = send_ok(c, req);
    assert_int_equal(llmc_response_json(r, &json, &err), LLMC_E_FORMAT);
    assert_non_null(strstr(err.message, "the reply is not JSON: line 1, column 3: invalid token near 'You'"));
    llmc_response_free(r);
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_schema_errors(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new(TEST_MODEL_OPENAI);
    llmc_error err;
    assert_int_equal(llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, "{\"type\":\n \"object\",}", &err),
                     LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "schema: invalid JSON at line 2, column"));
    assert_int_equal(llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, "[1]", &err), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, "bad name!", SCHEMA, &err),
                     LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, NULL, &err), LLMC_E_INVALID_ARG);
    llmc_request_free(req);

    /* the services' own refusal of a schema they will not enforce */
    llmc_client *c = llmc_client_new();
    req = ask(TEST_MODEL_ANTHROPIC, "x");
    llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, OPEN_SCHEMA, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "output_config.format.schema: For 'object' type, 'additionalProperties' must be "
                        "explicitly set to false");
    llmc_request_free(req);
    req = ask(TEST_MODEL_OPENAI, "x");
    llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, "item", OPEN_SCHEMA, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "Invalid schema for response_format 'item': In context=(), 'additionalProperties' "
                        "is required to be supplied and to be false.");
    llmc_request_free(req);
    req = ask(TEST_MODEL_CEREBRAS, "x");
    llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, OPEN_SCHEMA, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.provider_code, "wrong_api_format");
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_json_object(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    /* the prompt does not say "JSON": llmc adds the instruction OpenAI needs */
    llmc_request *req = ask(TEST_MODEL_OPENAI, "give me an object");
    llmc_request_set_format(req, LLMC_FORMAT_JSON_OBJECT, NULL, NULL, NULL);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "response_format"), "type")),
                        "json_object");
    json_t *sys = json_array_get(json_object_get(body, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(sys, "role")), "system");
    assert_non_null(strstr(json_string_value(json_object_get(sys, "content")), "JSON object"));
    json_decref(body);
    const char *json;
    assert_int_equal(llmc_response_json(r, &json, &err), LLMC_OK);
    assert_string_equal(json, "{\"reply\":\"You said: give me an object\"}");
    llmc_response_free(r);
    llmc_request_free(req);
    /* without the word, the service's 400 */
    req = ask(TEST_MODEL_OPENAI, "give me an object");
    llmc_request_set_body_field(req, "response_format", "{\"type\":\"json_object\"}", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "'messages' must contain the word 'json' in some form, to use 'response_format' "
                        "of type 'json_object'.");
    llmc_request_free(req);
    /* Anthropic has no such form */
    req = ask(TEST_MODEL_ANTHROPIC, "x");
    llmc_request_set_format(req, LLMC_FORMAT_JSON_OBJECT, NULL, NULL, NULL);
    send_fails(c, req, LLMC_E_UNSUPPORTED, true, &err);
    assert_non_null(strstr(err.message, "give a JSON schema"));
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_cerebras_tools_with_format(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_request *req = ask(TEST_MODEL_CEREBRAS, "x");
    llmc_request_add_tool(req, "get_weather", NULL, NULL, &err);
    llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, NULL, SCHEMA, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "tools together with a response format"));
    llmc_request_set_format(req, LLMC_FORMAT_TEXT, NULL, NULL, NULL);
    llmc_request_set_body_field(req, "response_format", "{\"type\":\"json_object\"}", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message, "\"tools\" is incompatible with \"response_format\"");
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_strict_tools(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    for (size_t i = 0; i < 4; i++) {
        llmc_request *req = ask(models[i], "weather please");
        assert_int_equal(llmc_request_add_tool_v2(req, "get_weather", "Weather", SCHEMA, LLMC_TOOL_STRICT, &err),
                         LLMC_OK);
        llmc_response *r = send_ok(c, req);
        json_t *body = last_body();
        json_t *tool = json_array_get(json_object_get(body, "tools"), 0);
        if (i == 0)
            assert_true(json_is_true(json_object_get(tool, "strict")));
        else
            assert_true(json_is_true(json_object_get(json_object_get(tool, "function"), "strict")));
        json_decref(body);
        /* after the reasoning of the models that return it (gpt-oss), the call */
        assert_int_equal(llmc_response_block_type(r, llmc_response_block_count(r) - 1), LLMC_BLOCK_TOOL_USE);
        llmc_response_free(r);
        llmc_request_free(req);
    }
    /* a strict tool whose schema is left open: Anthropic's 400 */
    llmc_request *req = ask(TEST_MODEL_ANTHROPIC, "weather please");
    llmc_request_add_tool_v2(req, "get_weather", NULL, OPEN_SCHEMA, LLMC_TOOL_STRICT, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "tools.0.custom: For 'object' type, 'additionalProperties' must be explicitly set "
                        "to false");
    llmc_request_free(req);
    /* the schema's JSON errors name the position */
    req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    assert_int_equal(llmc_request_add_tool_v2(req, "t", NULL, "{\"type\":", 0, &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "tool schema: invalid JSON at line 1"));
    assert_int_equal(llmc_request_add_tool_v2(req, "t", NULL, NULL, 0x80, &err), LLMC_E_INVALID_ARG);
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static size_t tool_calls(const llmc_response *r)
{
    size_t n = 0;
    for (size_t i = 0; i < llmc_response_block_count(r); i++)
        n += llmc_response_block_type(r, i) == LLMC_BLOCK_TOOL_USE;
    return n;
}

static void test_parallel_tool_calls(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    for (size_t i = 0; i < 4; i++) {
        llmc_request *req = ask(models[i], "weather in Paris and Rome");
        llmc_request_add_tool(req, "get_weather", NULL, NULL, NULL);
        llmc_response *r = send_ok(c, req);
        assert_int_equal(tool_calls(r), 2); /* the default: both at once */
        llmc_response *s = stream_ok(c, req, NULL);
        assert_int_equal(tool_calls(s), 2);
        assert_string_equal(llmc_response_block_text(s, llmc_response_block_count(s) - 1), "{\"location\":\"Rome\"}");
        llmc_response_free(r);
        llmc_response_free(s);
        emulator_clear_requests(&emu);

        assert_int_equal(llmc_request_set_parallel_tool_calls(req, 0, NULL), LLMC_OK);
        r = send_ok(c, req);
        assert_int_equal(tool_calls(r), 1);
        json_t *body = last_body();
        if (i == 0)
            assert_true(
                json_is_true(json_object_get(json_object_get(body, "tool_choice"), "disable_parallel_tool_use")));
        else
            assert_true(json_is_false(json_object_get(body, "parallel_tool_calls")));
        json_decref(body);
        llmc_response_free(r);
        llmc_request_free(req);
    }
    llmc_request *req = llmc_request_new(TEST_MODEL_OPENAI);
    assert_int_equal(llmc_request_set_parallel_tool_calls(req, 2, NULL), LLMC_E_INVALID_ARG);
    llmc_request_free(req);
    llmc_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_each_provider),
        cmocka_unit_test(test_reply_that_is_not_json),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_json_object),
        cmocka_unit_test(test_cerebras_tools_with_format),
        cmocka_unit_test(test_strict_tools),
        cmocka_unit_test(test_parallel_tool_calls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
