/* SPDX-License-Identifier: MIT */
/*
 * test_dialects.c — both wire dialects in both directions: the JSON each encoder sends for a
 * request, and what each decoder makes of the success bodies the providers send (text,
 * thinking, tool calls, usage variants) and of bodies that are broken.
 */
#include "wire.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static llmc_request *full_request(void)
{
    llmc_request *req = llmc_request_new("x/model");
    llmc_request_set_system(req, "Be terse.", NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "Hi \"there\"\n", NULL);
    llmc_request_add_message(req, LLMC_ROLE_ASSISTANT, "Hello.", NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "Again", NULL);
    llmc_request_set_max_tokens(req, 77, NULL);
    llmc_request_set_temperature(req, 0.25, NULL);
    llmc_request_set_top_p(req, 0.5, NULL);
    llmc_request_add_stop(req, "END", NULL);
    llmc_request_add_stop(req, "STOP", NULL);
    llmc_request_set_metadata(req, "user_id", "u1", NULL);
    llmc_request_set_metadata(req, "team", "core", NULL);
    return req;
}

/* The encoders with a plain context: model as given, no provider rules beyond the model's. */
static char *enc_anthropic(const llmc_request *req, const char *model, bool stream, llmc_error *err)
{
    llmc_wire_ctx ctx = {.model = model, .provider = "anthropic", .stream = stream};
    return llmc_anthropic_encode(req, &ctx, err);
}

static char *enc_openai(const llmc_request *req, const char *model, bool stream, llmc_error *err)
{
    llmc_wire_ctx ctx = {.model = model, .provider = "openai", .stream = stream};
    return llmc_openai_encode(req, &ctx, err);
}

static json_t *encoded(char *text)
{
    assert_non_null(text);
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(root);
    return root;
}

static void test_anthropic_encode(void **state)
{
    (void)state;
    llmc_request *req = full_request();
    json_t *root = encoded(enc_anthropic(req, "claude-sonnet-4-6", false, NULL));
    assert_string_equal(json_string_value(json_object_get(root, "model")), "claude-sonnet-4-6");
    assert_int_equal(json_integer_value(json_object_get(root, "max_tokens")), 77);
    assert_string_equal(json_string_value(json_object_get(root, "system")), "Be terse.");
    json_t *msgs = json_object_get(root, "messages");
    assert_int_equal(json_array_size(msgs), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "user");
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")), "Hi \"there\"\n");
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "role")), "assistant");
    assert_true(json_real_value(json_object_get(root, "temperature")) == 0.25);
    assert_true(json_real_value(json_object_get(root, "top_p")) == 0.5);
    assert_int_equal(json_array_size(json_object_get(root, "stop_sequences")), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "metadata"), "user_id")), "u1");
    assert_null(json_object_get(root, "stream"));
    json_decref(root);

    /* defaults: max_tokens is required by Anthropic, so it is always sent; unset sampling is not */
    llmc_request *bare = llmc_request_new("m");
    llmc_request_add_message(bare, LLMC_ROLE_USER, "x", NULL);
    root = encoded(enc_anthropic(bare, "m", true, NULL));
    assert_int_equal(json_integer_value(json_object_get(root, "max_tokens")), 1024);
    assert_null(json_object_get(root, "temperature"));
    assert_null(json_object_get(root, "system"));
    assert_true(json_is_true(json_object_get(root, "stream")));
    json_decref(root);
    llmc_request_free(bare);
    llmc_request_free(req);
}

static void test_openai_encode(void **state)
{
    (void)state;
    llmc_request *req = full_request();
    json_t *root = encoded(enc_openai(req, "gpt-oss-120b", false, NULL));
    assert_string_equal(json_string_value(json_object_get(root, "model")), "gpt-oss-120b");
    json_t *msgs = json_object_get(root, "messages");
    assert_int_equal(json_array_size(msgs), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "system");
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")), "Be terse.");
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 2), "role")), "assistant");
    assert_int_equal(json_integer_value(json_object_get(root, "max_tokens")), 77);
    assert_int_equal(json_array_size(json_object_get(root, "stop")), 2);
    assert_string_equal(json_string_value(json_object_get(root, "user")), "u1");
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "metadata"), "team")), "core");
    assert_null(json_object_get(json_object_get(root, "metadata"), "user_id"));
    json_decref(root);

    llmc_request *bare = llmc_request_new("m");
    llmc_request_add_message(bare, LLMC_ROLE_USER, "x", NULL);
    root = encoded(enc_openai(bare, "m", false, NULL));
    assert_null(json_object_get(root, "max_tokens")); /* the server's default applies */
    assert_null(json_object_get(root, "metadata"));
    assert_null(json_object_get(root, "stop"));
    json_decref(root);
    llmc_request_free(bare);
    llmc_request_free(req);
}

static llmc_response *decode(bool anthropic, const char *body, llmc_code expect, llmc_error *err)
{
    llmc_response *r = llmc_response_alloc();
    llmc_error_clear(err);
    llmc_code rc =
        anthropic ? llmc_anthropic_decode(body, strlen(body), r, err) : llmc_openai_decode(body, strlen(body), r, err);
    assert_int_equal(rc, expect);
    return r;
}

static void test_anthropic_decode_message(void **state)
{
    (void)state;
    const char *body =
        "{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\","
        "\"content\":[{\"type\":\"thinking\",\"thinking\":\"Let me think\",\"signature\":\"sig\"},"
        "{\"type\":\"text\",\"text\":\"Hello\"},{\"type\":\"text\",\"text\":\", world\"},"
        "{\"type\":\"tool_use\",\"id\":\"toolu_01A\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}},"
        "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}],"
        "\"model\":\"claude-sonnet-4-6\",\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
        "\"usage\":{\"input_tokens\":12,\"output_tokens\":34,\"cache_read_input_tokens\":5,"
        "\"cache_creation_input_tokens\":6}}";
    llmc_error err;
    llmc_response *r = decode(true, body, LLMC_OK, &err);
    assert_string_equal(llmc_response_text(r), "Hello, world");
    assert_string_equal(llmc_response_id(r), "msg_01XFDUDYJgAACzvnptvVoYEL");
    assert_string_equal(llmc_response_model(r), "claude-sonnet-4-6");
    assert_int_equal(llmc_response_stop_reason(r), LLMC_STOP_TOOL_USE);
    assert_string_equal(llmc_response_stop_reason_raw(r), "tool_use");
    assert_int_equal(llmc_response_block_count(r), 5);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    assert_string_equal(llmc_response_block_text(r, 0), "Let me think");
    assert_string_equal(llmc_response_block_signature(r, 0), "sig");
    assert_string_equal(llmc_response_block_signature(r, 1), "");
    assert_string_equal(llmc_response_block_signature(r, 99), "");
    assert_int_equal(llmc_response_block_type(r, 3), LLMC_BLOCK_TOOL_USE);
    assert_string_equal(llmc_response_block_text(r, 3), "{\"city\":\"Paris\"}");
    assert_int_equal(llmc_response_block_type(r, 4), LLMC_BLOCK_OTHER);
    llmc_usage u = llmc_response_usage(r);
    assert_int_equal(u.input_tokens, 12);
    assert_int_equal(u.output_tokens, 34);
    assert_int_equal(u.cache_read_input_tokens, 5);
    assert_int_equal(u.cache_creation_input_tokens, 6);
    llmc_response_free(r);
}

/* A reply rebuilt from saved blocks goes back exactly as the one that arrived would have. */
static void test_built_response_goes_back_as_the_assistant_turn(void **state)
{
    (void)state;
    llmc_response *r = llmc_response_new();
    assert_non_null(r);
    assert_string_equal(llmc_response_text(r), "");
    assert_int_equal(llmc_response_append_block(r, LLMC_BLOCK_THINKING, "hmm", NULL, NULL, "sig-1", NULL), LLMC_OK);
    assert_int_equal(llmc_response_append_block(r, LLMC_BLOCK_TEXT, "Hello", NULL, NULL, NULL, NULL), LLMC_OK);
    assert_int_equal(
        llmc_response_append_block(r, LLMC_BLOCK_TOOL_USE, "{\"city\":\"Paris\"}", "toolu_1", "weather", NULL, NULL),
        LLMC_OK);
    assert_int_equal(llmc_response_append_block(r, LLMC_BLOCK_TOOL_USE, "{}", "", "weather", NULL, NULL),
                     LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_response_append_block(r, LLMC_BLOCK_OTHER, "x", NULL, NULL, NULL, NULL), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_response_append_block(NULL, LLMC_BLOCK_TEXT, "x", NULL, NULL, NULL, NULL),
                     LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_response_block_count(r), 3);
    assert_string_equal(llmc_response_text(r), "Hello");
    assert_string_equal(llmc_response_block_signature(r, 0), "sig-1");
    assert_string_equal(llmc_response_block_tool_id(r, 2), "toolu_1");

    llmc_request *req = llmc_request_new("anthropic/claude-sonnet-4-6");
    assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_USER, "hi", NULL), LLMC_OK);
    assert_int_equal(llmc_request_add_response(req, r, NULL), LLMC_OK);
    llmc_error err;
    char *body = enc_anthropic(req, "claude-sonnet-4-6", false, &err);
    assert_non_null(body);
    json_t *root = json_loads(body, 0, NULL);
    json_t *content = json_object_get(json_array_get(json_object_get(root, "messages"), 1), "content");
    assert_int_equal(json_array_size(content), 3);
    json_t *thinking = json_array_get(content, 0);
    assert_string_equal(json_string_value(json_object_get(thinking, "type")), "thinking");
    assert_string_equal(json_string_value(json_object_get(thinking, "signature")), "sig-1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 1), "text")), "Hello");
    json_t *tool = json_array_get(content, 2);
    assert_string_equal(json_string_value(json_object_get(tool, "id")), "toolu_1");
    assert_string_equal(json_string_value(json_object_get(json_object_get(tool, "input"), "city")), "Paris");
    json_decref(root);
    free(body);
    llmc_request_free(req);
    llmc_response_free(r);
}

static void test_anthropic_stop_reasons(void **state)
{
    (void)state;
    static const struct {
        const char *raw;
        llmc_stop_reason r;
    } reasons[] = {{"end_turn", LLMC_STOP_END_TURN},
                   {"max_tokens", LLMC_STOP_MAX_TOKENS},
                   {"stop_sequence", LLMC_STOP_STOP_SEQUENCE},
                   {"refusal", LLMC_STOP_REFUSAL},
                   {"pause_turn", LLMC_STOP_PAUSE},
                   {"something_new", LLMC_STOP_UNKNOWN}};
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}],\"stop_reason\":\"%s\"}",
                 reasons[i].raw);
        llmc_error err;
        llmc_response *r = decode(true, body, LLMC_OK, &err);
        assert_int_equal(llmc_response_stop_reason(r), reasons[i].r);
        assert_string_equal(llmc_response_stop_reason_raw(r), reasons[i].raw);
        llmc_response_free(r);
    }
}

static void test_openai_decode_completion(void **state)
{
    (void)state;
    const char *body =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-oss-120b\","
        "\"system_fingerprint\":\"fp\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        "\"content\":\"Hi there\",\"reasoning\":\"hmm\"},\"finish_reason\":\"length\"}],"
        "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5,"
        "\"prompt_tokens_details\":{\"cached_tokens\":1}},"
        "\"time_info\":{\"queue_time\":0.1,\"prompt_time\":0.1,\"completion_time\":0.1,\"total_time\":0.3,\"created\":1}}";
    llmc_error err;
    llmc_response *r = decode(false, body, LLMC_OK, &err);
    assert_string_equal(llmc_response_text(r), "Hi there");
    assert_int_equal(llmc_response_stop_reason(r), LLMC_STOP_MAX_TOKENS);
    assert_int_equal(llmc_response_block_count(r), 2);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    assert_string_equal(llmc_response_block_text(r, 0), "hmm");
    assert_int_equal(llmc_response_usage(r).input_tokens, 3);
    assert_int_equal(llmc_response_usage(r).output_tokens, 2);
    assert_int_equal(llmc_response_usage(r).cache_read_input_tokens, 1);
    llmc_response_free(r);
}

static void test_openai_decode_tool_calls_and_null_content(void **state)
{
    (void)state;
    const char *body =
        "{\"id\":\"c2\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        "\"content\":null,\"reasoning_content\":\"plan\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
        "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
        "\"finish_reason\":\"tool_calls\"}],\"usage\":null}";
    llmc_error err;
    llmc_response *r = decode(false, body, LLMC_OK, &err);
    assert_string_equal(llmc_response_text(r), "");
    assert_int_equal(llmc_response_stop_reason(r), LLMC_STOP_TOOL_USE);
    assert_int_equal(llmc_response_block_count(r), 2);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    assert_int_equal(llmc_response_block_type(r, 1), LLMC_BLOCK_TOOL_USE);
    assert_string_equal(llmc_response_block_text(r, 1), "{\"city\":\"Oslo\"}");
    assert_int_equal(llmc_response_usage(r).input_tokens, 0);
    llmc_response_free(r);
}

static void test_malformed_bodies(void **state)
{
    (void)state;
    static const struct {
        bool anthropic;
        const char *body;
        llmc_code code;
        const char *says;
    } bad[] = {
        {true, "", LLMC_E_PROTOCOL, "empty body"},
        {true, "{\"type\":\"message\",\"content\":[", LLMC_E_PROTOCOL, "invalid JSON"},
        {true, "<html>502</html>", LLMC_E_PROTOCOL, "invalid JSON"},
        {true, "[]", LLMC_E_PROTOCOL, "type \"message\""},
        {true, "{\"type\":\"message\"}", LLMC_E_PROTOCOL, "content array"},
        {true, "{\"type\":\"message\",\"content\":[{\"text\":\"no type\"}]}", LLMC_E_PROTOCOL, "has no type"},
        {true, "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":5}]}", LLMC_E_PROTOCOL, "has no text"},
        {false, "{\"choices\":[]}", LLMC_E_PROTOCOL, "choices[0].message"},
        {false, "{\"choices\":[{\"message\":{\"content\":{\"a\":1}}}]}", LLMC_E_PROTOCOL, "neither text nor null"},
        {false, "{\"choices\":[{\"message\":{\"content\":\"x\",\"tool_calls\":[{\"function\":{}}]}}]}", LLMC_E_PROTOCOL,
         "no function name"},
        {false, "{\"choices\":[{\"message\":{\"content\":\"x\"}}]} trailing", LLMC_E_PROTOCOL, "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        llmc_error err;
        llmc_response *r = decode(bad[i].anthropic, bad[i].body, bad[i].code, &err);
        assert_non_null(strstr(err.message, bad[i].says));
        llmc_response_free(r);
    }
}

static void test_json_depth_limit(void **state)
{
    (void)state;
    size_t depth = 300;
    char *body = malloc(depth * 2 + 64);
    size_t n = 0;
    n += (size_t)sprintf(body, "{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"input\":");
    for (size_t i = 0; i < depth; i++)
        body[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        body[n++] = ']';
    strcpy(body + n, "}]}");
    llmc_error err;
    llmc_response *r = decode(true, body, LLMC_E_LIMIT, &err);
    assert_non_null(strstr(err.message, "nested deeper"));
    llmc_response_free(r);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anthropic_encode),
        cmocka_unit_test(test_openai_encode),
        cmocka_unit_test(test_anthropic_decode_message),
        cmocka_unit_test(test_anthropic_stop_reasons),
        cmocka_unit_test(test_openai_decode_completion),
        cmocka_unit_test(test_openai_decode_tool_calls_and_null_content),
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_json_depth_limit),
        cmocka_unit_test(test_built_response_goes_back_as_the_assistant_turn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
