/* SPDX-License-Identifier: MIT */
/*
 * test_model_rules.c — the table of per-model rules (src/model_rules.c): every row has a source,
 * the models of each family find the row meant for them (and only theirs: a 4.5 model is not a
 * 5), rows for one provider do not reach another, and the encoders act on what the rows say.
 */
#include "model_rules.h"
#include "wire.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_every_row_has_a_source(void **state)
{
    (void)state;
    size_t n = 0;
    for (const llmc_model_rule *r; (r = llmc_model_rule_at(n)); n++) {
        assert_non_null(r->pattern);
        assert_true(strlen(r->source) > 20);
        assert_true(r->aspects != 0);
        if (r->aspects & LLMC_RULE_EFFORTS)
            assert_true(r->efforts != 0);
        if (r->aspects & LLMC_RULE_THINKING)
            assert_true(r->thinking >= LLMC_TF_BUDGET_ONLY && r->thinking <= LLMC_TF_ALWAYS_ADAPTIVE);
    }
    assert_true(n > 20);
    assert_null(llmc_model_rule_at(n));
}

static llmc_thinking_forms forms(const char *model)
{
    const llmc_model_rule *r = llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, "anthropic", model, LLMC_RULE_THINKING);
    return r ? r->thinking : 0;
}

static void test_anthropic_families(void **state)
{
    (void)state;
    assert_int_equal(forms("claude-opus-5-5"), LLMC_TF_ALWAYS_ADAPTIVE);
    assert_int_equal(forms("claude-fable-5-1"), LLMC_TF_ALWAYS_ADAPTIVE);
    assert_int_equal(forms("claude-opus-5"), LLMC_TF_ADAPTIVE_ONLY);
    assert_int_equal(forms("claude-sonnet-5"), LLMC_TF_ADAPTIVE_ONLY);
    assert_int_equal(forms("claude-haiku-5-5"), LLMC_TF_ADAPTIVE_ONLY);
    assert_int_equal(forms("claude-opus-4-8"), LLMC_TF_ADAPTIVE_ONLY);
    assert_int_equal(forms("claude-opus-4-7"), LLMC_TF_ADAPTIVE_ONLY);
    assert_int_equal(forms("claude-opus-4-6"), LLMC_TF_BOTH);
    assert_int_equal(forms("claude-sonnet-4-6"), LLMC_TF_BOTH);
    /* the 4.5 generation is not a 5 */
    assert_int_equal(forms("claude-haiku-4-5"), LLMC_TF_BUDGET_ONLY);
    assert_int_equal(forms("claude-haiku-4-5-20251001"), LLMC_TF_BUDGET_ONLY);
    assert_int_equal(forms("claude-sonnet-4-5-20250929"), LLMC_TF_BUDGET_ONLY);
    assert_int_equal(forms("claude-opus-4-1-20250805"), LLMC_TF_BUDGET_ONLY);
    assert_int_equal(forms("claude-sonnet-4-20250514"), LLMC_TF_BUDGET_ONLY);
    assert_int_equal(forms("some-other-model"), 0);
    assert_non_null(
        llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, "anthropic", "claude-sonnet-5", LLMC_RULE_NO_TEMPERATURE));
    assert_null(
        llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, "anthropic", "claude-sonnet-4-5", LLMC_RULE_NO_TEMPERATURE));
    assert_non_null(llmc_model_rule_find(LLMC_DIALECT_ANTHROPIC, "anthropic", "claude-sonnet-4-5",
                                         LLMC_RULE_TEMPERATURE_XOR_TOP_P));
}

static void test_openai_compatible_families(void **state)
{
    (void)state;
    const llmc_model_rule *r =
        llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-5.4-mini", LLMC_RULE_MAX_COMPLETION_TOKENS);
    assert_non_null(r);
    assert_non_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "o3-mini", LLMC_RULE_MAX_COMPLETION_TOKENS));
    assert_non_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "groq", "gpt-6-astra", LLMC_RULE_NO_TEMPERATURE));
    assert_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-4o-mini", LLMC_RULE_MAX_COMPLETION_TOKENS));
    assert_non_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-4o-mini", LLMC_RULE_NO_REASONING_EFFORT));
    /* a local server's gpt-oss is not an OpenAI reasoning family */
    assert_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-oss-20b", LLMC_RULE_MAX_COMPLETION_TOKENS));
    char buf[80];
    r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-5.1", LLMC_RULE_EFFORTS);
    assert_string_equal(llmc_model_rule_efforts(r, buf, sizeof buf), "none, low, medium, high");
    r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-5-mini", LLMC_RULE_EFFORTS);
    assert_string_equal(llmc_model_rule_efforts(r, buf, sizeof buf), "minimal, low, medium, high");
    /* provider rows stay with their provider */
    r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, "cerebras", "gpt-oss-120b", LLMC_RULE_EFFORTS);
    assert_string_equal(llmc_model_rule_efforts(r, buf, sizeof buf), "low, medium, high");
    assert_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "openai", "gpt-oss-120b", LLMC_RULE_EFFORTS));
    assert_non_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "cerebras", "anything", LLMC_RULE_NO_TOOLS_WITH_FORMAT));
    assert_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "fireworks", "anything", LLMC_RULE_NO_TOOLS_WITH_FORMAT));
    assert_non_null(llmc_model_rule_find(LLMC_DIALECT_OPENAI, "deepseek", "deepseek-chat", LLMC_RULE_JSON_OBJECT_ONLY));
}

/* A json_object-only model gets json_object and the schema in words. */
static void test_json_object_only_model(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new("deepseek/deepseek-chat");
    llmc_request_set_system(req, "Be brief.", NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "a city", NULL);
    assert_int_equal(llmc_request_set_format(req, LLMC_FORMAT_JSON_SCHEMA, "city",
                                             "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}",
                                             NULL),
                     LLMC_OK);
    llmc_wire_ctx ctx = {.model = "deepseek-chat", .provider = "deepseek"};
    char *body = llmc_openai_encode(req, &ctx, NULL);
    json_t *root = json_loads(body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "response_format"), "type")),
                        "json_object");
    const char *sys =
        json_string_value(json_object_get(json_array_get(json_object_get(root, "messages"), 0), "content"));
    assert_true(strncmp(sys, "Be brief.\n\nAnswer with one JSON object", 36) == 0);
    assert_non_null(strstr(sys, "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}"));
    json_decref(root);
    free(body);
    llmc_request_free(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_has_a_source),
        cmocka_unit_test(test_anthropic_families),
        cmocka_unit_test(test_openai_compatible_families),
        cmocka_unit_test(test_json_object_only_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
