/* SPDX-License-Identifier: MIT */
/*
 * test_reasoning.c — reasoning controls against the emulator, per provider: Anthropic adaptive
 * thinking with an effort level, the budget form for models that take only that, the forms and
 * levels a model refuses (before sending, and the service's own 400 when sent anyway); OpenAI
 * reasoning models' limit field and sampling; Cerebras' reasoning_effort and reasoning_format;
 * Fireworks' reasoning_content; reasoning read back plain and streamed, with its token count.
 */
#include "api_common.h"

static void test_anthropic_adaptive_with_effort(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask("anthropic/claude-opus-5", "plan the trip");
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_ON, 0, NULL), LLMC_OK);
    assert_int_equal(llmc_request_set_effort(req, LLMC_EFFORT_HIGH, NULL), LLMC_OK);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "thinking"), "type")), "adaptive");
    assert_null(json_object_get(json_object_get(body, "thinking"), "budget_tokens"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "output_config"), "effort")), "high");
    json_decref(body);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    assert_string_equal(llmc_response_block_text(r, 0), "Considering (effort high): plan the trip");
    assert_string_equal(llmc_response_text(r), "You said: plan the trip");
    llmc_usage_details u;
    llmc_response_usage_details(r, &u);
    assert_int_equal(u.reasoning_tokens, 6); /* the thinking's words */

    /* the same streamed: THINKING events, the same blocks, the same usage */
    size_t counts[16] = {0};
    llmc_response *s = stream_ok(c, req, counts);
    assert_true(counts[LLMC_EVENT_THINKING] > 0);
    assert_string_equal(llmc_response_block_text(s, 0), llmc_response_block_text(r, 0));
    assert_string_equal(llmc_response_text(s), llmc_response_text(r));
    llmc_usage_details su;
    llmc_response_usage_details(s, &su);
    assert_int_equal(su.reasoning_tokens, 6);
    assert_int_equal(su.output_tokens, u.output_tokens);
    emulator_clear_requests(&emu);
    llmc_response_free(r);
    llmc_response_free(s);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_anthropic_budget_where_it_is_the_only_form(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask(TEST_MODEL_ANTHROPIC_BUDGET, "think it over"); /* a 4.5 model: budget only */
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_ON, 0, NULL), LLMC_OK);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    json_t *t = json_object_get(body, "thinking");
    assert_string_equal(json_string_value(json_object_get(t, "type")), "enabled");
    assert_int_equal(json_integer_value(json_object_get(t, "budget_tokens")), 4096);
    assert_true(json_integer_value(json_object_get(body, "max_tokens")) > 4096);
    json_decref(body);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    llmc_response_free(r);
    llmc_request_free(req);
    llmc_client_free(c);
}

static void test_anthropic_forms_refused_before_sending(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    /* a budget to a model that takes only adaptive thinking */
    llmc_request *req = ask("anthropic/claude-opus-5", "x");
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_BUDGET, 2048, NULL), LLMC_OK);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "claude-opus-5 does not take a thinking budget"));
    assert_non_null(strstr(err.message, "adaptive thinking only"));
    assert_non_null(strstr(err.message, "source:"));
    llmc_request_free(req);
    /* adaptive to one that takes only a budget */
    req = ask(TEST_MODEL_ANTHROPIC_BUDGET, "x");
    llmc_request_set_thinking_mode(req, LLMC_THINKING_ADAPTIVE, 0, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "does not take adaptive thinking"));
    llmc_request_free(req);
    /* off where thinking is always on */
    req = ask("anthropic/claude-opus-5-5", "x");
    llmc_request_set_thinking_mode(req, LLMC_THINKING_OFF, 0, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "cannot turn thinking off"));
    llmc_request_free(req);
    /* an effort level the model does not have, and one Anthropic has no word for */
    req = ask("anthropic/claude-opus-4-6", "x");
    llmc_request_set_effort(req, LLMC_EFFORT_XHIGH, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "does not take effort level \"xhigh\"; it takes low, medium, high, max"));
    llmc_request_set_effort(req, LLMC_EFFORT_MINIMAL, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "no effort level \"minimal\""));
    llmc_request_free(req);
    /* a temperature with thinking */
    req = ask(TEST_MODEL_ANTHROPIC, "x");
    llmc_request_set_thinking(req, 2048, &err);
    llmc_request_set_temperature(req, 0.3, &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "a temperature other than 1 cannot be combined with thinking"));
    llmc_request_free(req);
    llmc_client_free(c);
}

/* What the service itself answers to those forms, reached through passthrough fields. */
static void test_anthropic_service_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *model, *field, *json, *message;
    } cases[] = {
        {"claude-opus-5", "thinking", "{\"type\":\"enabled\",\"budget_tokens\":2048}",
         "\"thinking.type.enabled\" is not supported for this model. Use \"thinking.type.adaptive\" and "
         "\"output_config.effort\" to control thinking behavior."},
        {"claude-opus-5-5", "thinking", "{\"type\":\"disabled\"}",
         "\"thinking.type.disabled\" is not supported for this model. Use \"thinking.type.adaptive\" and "
         "\"output_config.effort\" to control thinking behavior."},
        {"claude-opus-4-6", "output_config", "{\"effort\":\"xhigh\"}",
         "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium."},
        {"claude-haiku-4-5", "thinking", "{\"type\":\"adaptive\"}", "adaptive thinking is not supported on this model"},
    };
    llmc_client *c = llmc_client_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char model[80];
        snprintf(model, sizeof model, "anthropic/%s", cases[i].model);
        llmc_request *req = ask(model, "x");
        assert_int_equal(llmc_request_set_body_field(req, cases[i].field, cases[i].json, NULL), LLMC_OK);
        llmc_error err;
        send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
        assert_int_equal(err.http_status, 400);
        assert_string_equal(err.provider_type, "invalid_request_error");
        assert_string_equal(err.message, cases[i].message);
        llmc_request_free(req);
    }
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_openai_reasoning_model(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask("openai/gpt-5.4-mini", "sum it up");
    llmc_request_set_max_tokens(req, 300, NULL);
    llmc_request_set_effort(req, LLMC_EFFORT_LOW, NULL);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    /* the limit goes where reasoning models take it */
    assert_int_equal(json_integer_value(json_object_get(body, "max_completion_tokens")), 300);
    assert_null(json_object_get(body, "max_tokens"));
    assert_string_equal(json_string_value(json_object_get(body, "reasoning_effort")), "low");
    json_decref(body);
    /* OpenAI returns no reasoning text, only its count */
    assert_int_equal(llmc_response_block_count(r), 1);
    llmc_usage_details u;
    llmc_response_usage_details(r, &u);
    assert_int_equal(u.reasoning_tokens, 6);
    assert_int_equal(u.output_tokens, 5 + 6); /* "You said: sum it up" + the reasoning */
    llmc_response_free(r);

    /* a temperature, refused before sending; the service's own 400s when sent anyway */
    llmc_error err;
    llmc_request_set_temperature(req, 0.2, &err);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "gpt-5.4-mini refuses a temperature other than 1"));
    llmc_request_set_temperature(req, -1, &err);
    llmc_request_set_body_field(req, "max_tokens", "100", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.provider_code, "unsupported_parameter");
    assert_string_equal(err.message,
                        "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                        "'max_completion_tokens' instead.");
    llmc_request_set_body_field(req, "max_tokens", NULL, NULL);
    llmc_request_set_body_field(req, "temperature", "0.01", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "Unsupported value: 'temperature' does not support 0.01 with this model. Only the "
                        "default (1) value is supported.");
    llmc_request_free(req);

    /* levels per model */
    req = ask("openai/gpt-5.1", "x");
    llmc_request_set_effort(req, LLMC_EFFORT_MINIMAL, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "it takes none, low, medium, high"));
    llmc_request_set_effort(req, LLMC_EFFORT_DEFAULT, NULL);
    llmc_request_set_body_field(req, "reasoning_effort", "\"minimal\"", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message,
                        "Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model. "
                        "Supported values are: 'none', 'low', 'medium', and 'high'.");
    llmc_request_free(req);
    /* a model that does not reason */
    req = ask(TEST_MODEL_OPENAI, "x");
    llmc_request_set_effort(req, LLMC_EFFORT_HIGH, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "it is not a reasoning model"));
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_cerebras_effort_and_format(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask("cerebras/gpt-oss-120b", "think about it");
    llmc_request_set_effort(req, LLMC_EFFORT_HIGH, NULL);
    llmc_response *r = send_ok(c, req);
    json_t *body = last_body();
    assert_string_equal(json_string_value(json_object_get(body, "reasoning_effort")), "high");
    json_decref(body);
    /* Cerebras' `reasoning` field, read back as a thinking block */
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    assert_string_equal(llmc_response_block_text(r, 0), "Considering (effort high): think about it");
    assert_string_equal(llmc_response_text(r), "You said: think about it");
    size_t counts[16] = {0};
    llmc_response *s = stream_ok(c, req, counts);
    assert_true(counts[LLMC_EVENT_THINKING] >= 5);
    assert_string_equal(llmc_response_block_text(s, 0), llmc_response_block_text(r, 0));
    llmc_response_free(r);
    llmc_response_free(s);

    /* hidden: no reasoning text, its tokens still counted */
    assert_int_equal(llmc_request_set_reasoning_format(req, "hidden", NULL), LLMC_OK);
    r = send_ok(c, req);
    json_t *sent = last_body();
    assert_string_equal(json_string_value(json_object_get(sent, "reasoning_format")), "hidden");
    json_decref(sent);
    assert_int_equal(llmc_response_block_count(r), 1);
    llmc_usage_details u;
    llmc_response_usage_details(r, &u);
    assert_int_equal(u.reasoning_tokens, 6);
    llmc_response_free(r);
    /* raw: inside the content */
    llmc_request_set_reasoning_format(req, "raw", NULL);
    r = send_ok(c, req);
    assert_string_equal(llmc_response_text(r), "Considering (effort high): think about itYou said: think about it");
    llmc_response_free(r);
    assert_int_equal(llmc_request_set_reasoning_format(req, "verbose", NULL), LLMC_E_INVALID_ARG);

    /* a level gpt-oss does not take: refused before sending, and the service's 400 */
    llmc_error err;
    llmc_request_set_reasoning_format(req, NULL, NULL);
    llmc_request_set_effort(req, LLMC_EFFORT_NONE, NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, true, &err);
    assert_non_null(strstr(err.message, "gpt-oss-120b does not take effort level \"none\""));
    llmc_request_set_effort(req, LLMC_EFFORT_DEFAULT, NULL);
    llmc_request_set_body_field(req, "reasoning_effort", "\"none\"", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.provider_code, "wrong_api_format");
    llmc_request_free(req);

    /* Qwen reasons unless told "none" */
    req = ask("cerebras/qwen-3.8-27b", "quick");
    llmc_request_set_effort(req, LLMC_EFFORT_NONE, NULL);
    r = send_ok(c, req);
    assert_int_equal(llmc_response_block_count(r), 1);
    llmc_response_free(r);
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_fireworks_reasoning_content(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_request *req = ask("fireworks/accounts/fireworks/models/gpt-oss-120b", "why");
    llmc_request_set_effort(req, LLMC_EFFORT_MEDIUM, NULL);
    llmc_response *r = send_ok(c, req);
    assert_int_equal(llmc_response_block_type(r, 0), LLMC_BLOCK_THINKING);
    assert_string_equal(llmc_response_block_text(r, 0), "Considering (effort medium): why");
    size_t counts[16] = {0};
    llmc_response *s = stream_ok(c, req, counts);
    assert_true(counts[LLMC_EVENT_THINKING] > 0);
    assert_string_equal(llmc_response_block_text(s, 0), llmc_response_block_text(r, 0));
    llmc_response_free(r);
    llmc_response_free(s);
    /* "none" is not a gpt-oss level at Fireworks either */
    llmc_error err;
    llmc_request_set_effort(req, LLMC_EFFORT_DEFAULT, NULL);
    llmc_request_set_body_field(req, "reasoning_effort", "\"none\"", NULL);
    send_fails(c, req, LLMC_E_BAD_REQUEST, false, &err);
    assert_string_equal(err.message, "Invalid reasoning effort: none");
    llmc_request_free(req);
    emulator_clear_requests(&emu);
    llmc_client_free(c);
}

static void test_thinking_setters_refuse_bad_values(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new("anthropic/claude-opus-5");
    llmc_error err;
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_BUDGET, 100, &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "at least 1024"));
    assert_int_equal(llmc_request_set_thinking_mode(req, (llmc_thinking)9, 0, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(llmc_request_set_effort(req, (llmc_effort)42, &err), LLMC_E_INVALID_ARG);
    llmc_effort e;
    assert_int_equal(llmc_effort_from_name("xhigh", &e), LLMC_OK);
    assert_int_equal(e, LLMC_EFFORT_XHIGH);
    assert_string_equal(llmc_effort_name(LLMC_EFFORT_MAX), "max");
    assert_int_equal(llmc_effort_from_name("extreme", &e), LLMC_E_INVALID_ARG);
    llmc_request_free(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anthropic_adaptive_with_effort),
        cmocka_unit_test(test_anthropic_budget_where_it_is_the_only_form),
        cmocka_unit_test(test_anthropic_forms_refused_before_sending),
        cmocka_unit_test(test_anthropic_service_refusals),
        cmocka_unit_test(test_openai_reasoning_model),
        cmocka_unit_test(test_cerebras_effort_and_format),
        cmocka_unit_test(test_fireworks_reasoning_content),
        cmocka_unit_test(test_thinking_setters_refuse_bad_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
