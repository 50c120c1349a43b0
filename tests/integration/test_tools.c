/* SPDX-License-Identifier: MIT */
/*
 * test_tools.c — tool use end to end against the emulator, for every provider: the model asks
 * for a tool, the reply goes back into the conversation with llmc_request_add_response, the
 * tool's result with llmc_request_add_tool_result, and the model answers from it. Also checks
 * the wire shapes each dialect sent for the second turn, and images.
 */
#include "harness.h"
#include "models.h"

#include <llmc/llmc.h>

#include <jansson.h>
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
    const char *name, *upper, *model;
} provider_case;

static const provider_case providers[] = {
    {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC},
    {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS},
    {"fireworks", "FIREWORKS", TEST_MODEL_FIREWORKS},
    {"openai", "OPENAI", TEST_MODEL_OPENAI},
};

static const char *const weather_schema =
    "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}";

static void use_provider(const provider_case *p)
{
    static char key_var[256], base_var[256];
    snprintf(key_var, sizeof key_var, "%s_API_KEY=%s", p->upper, test_key(p->upper, "VALID"));
    snprintf(base_var, sizeof base_var, "%s_BASE_URL=%s", p->upper, emulator_base_url(&emu, p->name));
    const char *env[] = {key_var, base_var, NULL};
    set_provider_env(env);
}

static json_t *last_body(void)
{
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    json_t *last = json_array_get(all, json_array_size(all) - 1);
    json_t *body = json_loads(json_string_value(json_object_get(last, "body")), 0, NULL);
    json_decref(all);
    assert_non_null(body);
    return body;
}

static size_t tool_block(const llmc_response *r)
{
    for (size_t i = 0; i < llmc_response_block_count(r); i++)
        if (llmc_response_block_type(r, i) == LLMC_BLOCK_TOOL_USE)
            return i;
    fail_msg("no tool-use block in the reply");
    return 0;
}

static void test_two_step_tool_conversation(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++) {
        const provider_case *p = &providers[i];
        use_provider(p);
        llmc_client *c = llmc_client_new();
        llmc_request *req = llmc_request_new(p->model);
        assert_int_equal(llmc_request_add_tool(req, "get_weather", "Current weather for a place", weather_schema, NULL),
                         LLMC_OK);
        llmc_request_add_message(req, LLMC_ROLE_USER, "What is the weather like?", NULL);
        llmc_response *first = NULL;
        llmc_error err;
        assert_int_equal(llmc_messages_create(c, req, &first, &err), LLMC_OK);
        assert_int_equal(llmc_response_stop_reason(first), LLMC_STOP_TOOL_USE);
        size_t b = tool_block(first);
        assert_string_equal(llmc_response_block_tool_name(first, b), "get_weather");
        assert_true(strlen(llmc_response_block_tool_id(first, b)) > 4);
        json_t *input = json_loads(llmc_response_block_text(first, b), 0, NULL);
        assert_string_equal(json_string_value(json_object_get(input, "location")), "Paris");
        json_decref(input);

        json_t *sent = last_body();
        json_t *tool = json_array_get(json_object_get(sent, "tools"), 0);
        if (i == 0) {
            assert_string_equal(json_string_value(json_object_get(tool, "name")), "get_weather");
            assert_non_null(json_object_get(tool, "input_schema"));
        } else {
            assert_string_equal(json_string_value(json_object_get(tool, "type")), "function");
            assert_string_equal(json_string_value(json_object_get(json_object_get(tool, "function"), "name")),
                                "get_weather");
            assert_non_null(json_object_get(json_object_get(tool, "function"), "parameters"));
        }
        json_decref(sent);

        assert_int_equal(llmc_request_add_response(req, first, &err), LLMC_OK);
        assert_int_equal(
            llmc_request_add_tool_result(req, llmc_response_block_tool_id(first, b), "sunny and 21 C", 0, &err),
            LLMC_OK);
        llmc_response *second = NULL;
        assert_int_equal(llmc_messages_create(c, req, &second, &err), LLMC_OK);
        assert_string_equal(llmc_response_text(second), "Tool said: sunny and 21 C");
        assert_int_equal(llmc_response_stop_reason(second), LLMC_STOP_END_TURN);

        sent = last_body();
        json_t *msgs = json_object_get(sent, "messages");
        if (i == 0) {
            /* user, assistant [tool_use], user [tool_result] */
            assert_int_equal(json_array_size(msgs), 3);
            json_t *use = json_array_get(json_object_get(json_array_get(msgs, 1), "content"), 0);
            assert_string_equal(json_string_value(json_object_get(use, "type")), "tool_use");
            assert_string_equal(json_string_value(json_object_get(json_object_get(use, "input"), "location")), "Paris");
            json_t *res = json_array_get(json_object_get(json_array_get(msgs, 2), "content"), 0);
            assert_string_equal(json_string_value(json_object_get(res, "type")), "tool_result");
            assert_string_equal(json_string_value(json_object_get(res, "tool_use_id")),
                                llmc_response_block_tool_id(first, b));
        } else {
            /* user, assistant {content null, tool_calls}, tool */
            assert_int_equal(json_array_size(msgs), 3);
            json_t *assistant = json_array_get(msgs, 1);
            assert_true(json_is_null(json_object_get(assistant, "content")));
            json_t *call = json_array_get(json_object_get(assistant, "tool_calls"), 0);
            assert_string_equal(json_string_value(json_object_get(call, "id")), llmc_response_block_tool_id(first, b));
            json_t *toolmsg = json_array_get(msgs, 2);
            assert_string_equal(json_string_value(json_object_get(toolmsg, "role")), "tool");
            assert_string_equal(json_string_value(json_object_get(toolmsg, "content")), "sunny and 21 C");
        }
        json_decref(sent);
        llmc_response_free(first);
        llmc_response_free(second);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_tool_choice_and_bad_schema(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new("anthropic/x");
    assert_int_equal(llmc_request_add_tool(req, "t", NULL, "{not json", NULL), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_add_tool(req, "t", NULL, "[1,2]", NULL), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_tool_choice(req, LLMC_TOOL_CHOICE_TOOL, NULL, NULL), LLMC_E_INVALID_ARG);
    llmc_request_free(req);

    for (size_t i = 0; i < 2; i++) {
        use_provider(&providers[i]);
        llmc_client *c = llmc_client_new();
        req = llmc_request_new(providers[i].model);
        llmc_request_add_tool(req, "get_weather", NULL, weather_schema, NULL);
        assert_int_equal(llmc_request_set_tool_choice(req, LLMC_TOOL_CHOICE_TOOL, "get_weather", NULL), LLMC_OK);
        llmc_request_add_message(req, LLMC_ROLE_USER, "weather?", NULL);
        llmc_response *r = NULL;
        llmc_error err;
        assert_int_equal(llmc_messages_create(c, req, &r, &err), LLMC_OK);
        json_t *sent = last_body();
        json_t *choice = json_object_get(sent, "tool_choice");
        if (i == 0) {
            assert_string_equal(json_string_value(json_object_get(choice, "type")), "tool");
            assert_string_equal(json_string_value(json_object_get(choice, "name")), "get_weather");
        } else {
            assert_string_equal(json_string_value(json_object_get(json_object_get(choice, "function"), "name")),
                                "get_weather");
        }
        json_decref(sent);
        llmc_response_free(r);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_images_as_base64(void **state)
{
    (void)state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0x00};
    for (size_t i = 0; i < 2; i++) {
        use_provider(&providers[i]);
        llmc_client *c = llmc_client_new();
        llmc_request *req = llmc_request_new(providers[i].model);
        assert_int_equal(llmc_request_add_image(req, "image/png", png, sizeof png, NULL), LLMC_OK);
        assert_int_equal(llmc_request_add_message(req, LLMC_ROLE_USER, "describe this", NULL), LLMC_OK);
        llmc_response *r = NULL;
        llmc_error err;
        assert_int_equal(llmc_messages_create(c, req, &r, &err), LLMC_OK);
        assert_string_equal(llmc_response_text(r), "You said: describe this");
        json_t *sent = last_body();
        json_t *msgs = json_object_get(sent, "messages");
        assert_int_equal(json_array_size(msgs), 1); /* the image and the text are one turn */
        json_t *parts = json_object_get(json_array_get(msgs, 0), "content");
        json_t *image = json_array_get(parts, 0);
        if (i == 0) {
            json_t *source = json_object_get(image, "source");
            assert_string_equal(json_string_value(json_object_get(source, "media_type")), "image/png");
            assert_string_equal(json_string_value(json_object_get(source, "data")), "iVBORw0KGgoA");
        } else {
            assert_string_equal(json_string_value(json_object_get(json_object_get(image, "image_url"), "url")),
                                "data:image/png;base64,iVBORw0KGgoA");
        }
        assert_string_equal(json_string_value(json_object_get(json_array_get(parts, 1), "text")), "describe this");
        json_decref(sent);
        llmc_response_free(r);
        llmc_request_free(req);
        llmc_client_free(c);
    }
}

static void test_multi_turn_from_responses(void **state)
{
    (void)state;
    use_provider(&providers[1]);
    llmc_client *c = llmc_client_new();
    llmc_request *req = llmc_request_new(providers[1].model);
    llmc_error err;
    for (int turn = 0; turn < 3; turn++) {
        char text[32];
        snprintf(text, sizeof text, "turn %d", turn);
        llmc_request_add_message(req, LLMC_ROLE_USER, text, &err);
        llmc_response *r = NULL;
        assert_int_equal(llmc_messages_create(c, req, &r, &err), LLMC_OK);
        char expect[48];
        snprintf(expect, sizeof expect, "You said: %s", text);
        assert_string_equal(llmc_response_text(r), expect);
        assert_int_equal(llmc_request_add_response(req, r, &err), LLMC_OK);
        llmc_response_free(r);
    }
    json_t *sent = last_body();
    json_t *msgs = json_object_get(sent, "messages");
    assert_int_equal(json_array_size(msgs), 5); /* u a u a u */
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 3), "content")), "You said: turn 1");
    json_decref(sent);
    llmc_request_free(req);
    llmc_client_free(c);
}

static int ignore_event(void *userdata, const llmc_event *ev)
{
    (void)ev;
    if (ev->type == LLMC_EVENT_THINKING)
        ++*(int *)userdata;
    return 0;
}

static void test_thinking_streamed_and_sent_back(void **state)
{
    (void)state;
    use_provider(&providers[0]);
    llmc_client *c = llmc_client_new();
    /* the older call with a budget, to a model that takes only a budget: the budget is sent */
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC_BUDGET);
    assert_int_equal(llmc_request_set_thinking(req, 2048, NULL), LLMC_OK);
    llmc_request_add_message(req, LLMC_ROLE_USER, "think first", NULL);
    llmc_response *plain = NULL, *streamed = NULL;
    llmc_error err;
    assert_int_equal(llmc_messages_create(c, req, &plain, &err), LLMC_OK);
    json_t *sent = last_body();
    assert_int_equal(json_integer_value(json_object_get(json_object_get(sent, "thinking"), "budget_tokens")), 2048);
    assert_true(json_integer_value(json_object_get(sent, "max_tokens")) > 2048);
    json_decref(sent);
    int thinking_events = 0;
    assert_int_equal(llmc_messages_stream(c, req, ignore_event, &thinking_events, &streamed, &err), LLMC_OK);
    assert_true(thinking_events > 0);
    for (llmc_response *r = plain; r; r = r == plain ? streamed : NULL) {
        assert_int_equal(llmc_response_block_count(r), 2);
        assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
        assert_string_equal(llmc_response_block_text(r, 0), "Considering: think first");
        assert_string_equal(llmc_response_text(r), "You said: think first");
    }
    /* the next turn sends the thinking block back with its signature */
    llmc_request_add_response(req, streamed, &err);
    llmc_request_add_message(req, LLMC_ROLE_USER, "and then", &err);
    llmc_response *next = NULL;
    assert_int_equal(llmc_messages_create(c, req, &next, &err), LLMC_OK);
    sent = last_body();
    json_t *block = json_array_get(json_object_get(json_array_get(json_object_get(sent, "messages"), 1), "content"), 0);
    assert_string_equal(json_string_value(json_object_get(block, "type")), "thinking");
    /* the signature as the stream delivered it; the emulator checks it, as the service does, and a
     * changed one would have been a 400 */
    assert_true(strncmp(json_string_value(json_object_get(block, "signature")), "EmuSig", 6) == 0);
    json_decref(sent);
    llmc_response_free(plain);
    llmc_response_free(streamed);
    llmc_response_free(next);
    llmc_request_free(req);
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
        cmocka_unit_test(test_two_step_tool_conversation),
        cmocka_unit_test(test_tool_choice_and_bad_schema),
        cmocka_unit_test(test_images_as_base64),
        cmocka_unit_test(test_multi_turn_from_responses),
        cmocka_unit_test(test_thinking_streamed_and_sent_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
