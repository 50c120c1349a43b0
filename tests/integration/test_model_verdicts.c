/* SPDX-License-Identifier: MIT */
/*
 * test_model_verdicts.c — the causes a server's refusal reveals beyond the key, through the
 * library: model.not_found (retired models with their date and replacement, the closest served
 * models from the models cache, fetched at most once per client and never changing the original
 * error), request.unsupported_parameter (each provider's own 400), config.base_url (a doubled
 * /v1, a missing /v1, not a URL), and the models cache itself (written by llmc_models_list,
 * atomically, one id a line, refreshed when older than a day).
 */
#include "auth_fixture.h"
#include "models.h"

#include <jansson.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <utime.h>

#include <cmocka.h>

#include "llmc/llmc.h"

static emulator emu;
static temp_home home;

static void env_for(const char *name, const char *upper)
{
    const char *env[] = {envf("%s_API_KEY=%s", upper, test_key(upper, "VALID")),
                         envf("%s_BASE_URL=%s", upper, emulator_base_url(&emu, name)), NULL};
    set_provider_env(env);
}

static int each_setup(void **state)
{
    (void)state;
    home_make(&home);
    /* a cache of this test's own: nothing from an earlier test */
    setenv("XDG_CACHE_HOME", envf("%s/cache", home.root), 1);
    emulator_clear_requests(&emu);
    return 0;
}

static int each_teardown(void **state)
{
    (void)state;
    home_remove(&home);
    setenv("XDG_CACHE_HOME", test_cache_dir(), 1);
    return 0;
}

/* How many requests went to `path` (the models list, say) since the last clear. */
static size_t requests_to(const char *path)
{
    char *seen = emulator_requests(&emu, false);
    size_t n = 0;
    char needle[200];
    snprintf(needle, sizeof needle, "\"path\":\"%s", path);
    for (const char *p = seen; (p = strstr(p, needle)) != NULL; p++)
        n++;
    free(seen);
    return n;
}

static llmc_code generate(llmc_client *c, const char *model, llmc_error *err)
{
    char *text = NULL;
    llmc_code rc = llmc_generate(c, model, "hello", &text, err);
    llmc_free(text);
    return rc;
}

static void test_retired_models_name_their_replacement(void **state)
{
    (void)state;
    static const struct {
        const char *name, *upper, *model, *date, *replacement;
    } cases[] = {
        {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS_RETIRED, "2026-02-16", "gpt-oss-120b"},
        {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC_RETIRED, "2026-06-15", "claude-sonnet-4-6"},
        {"openai", "OPENAI", TEST_MODEL_OPENAI_RETIRED, "2026-10-23", NULL},
        {"fireworks", "FIREWORKS", "fireworks/accounts/fireworks/models/deepseek-v3p1", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        env_for(cases[i].name, cases[i].upper);
        llmc_client *c = llmc_client_new();
        llmc_error err;
        assert_int_equal(generate(c, cases[i].model, &err), LLMC_E_NOT_FOUND);
        assert_int_equal(err.http_status, 404);
        assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_MODEL_NOT_FOUND);
        print_message("%s: %s\n", cases[i].model, err.diagnosis.fix);
        assert_non_null(strstr(err.diagnosis.fix, "retired"));
        assert_non_null(strstr(err.diagnosis.fix, strchr(cases[i].model, '/') + 1));
        if (cases[i].date)
            assert_non_null(strstr(err.diagnosis.fix, cases[i].date));
        if (cases[i].replacement) {
            assert_non_null(strstr(err.diagnosis.fix, envf("use %s instead", cases[i].replacement)));
            assert_string_equal(err.diagnosis.suggestions, cases[i].replacement);
        }
        llmc_client_free(c);
    }
}

/* A mistyped model: the closest served ones, from a models list fetched once per client. */
static void test_closest_models_fetched_once(void **state)
{
    (void)state;
    env_for("anthropic", "ANTHROPIC");
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(generate(c, "anthropic/claude-sonet-4-6", &err), LLMC_E_NOT_FOUND);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_MODEL_NOT_FOUND);
    /* the provider's own words stay the message */
    assert_string_equal(err.message, "model: claude-sonet-4-6");
    assert_non_null(strstr(err.diagnosis.suggestions, "claude-sonnet-4-6"));
    assert_true(strncmp(err.diagnosis.suggestions, "claude-sonnet-4-6", 17) == 0); /* nearest first */
    assert_non_null(strstr(err.diagnosis.fix, "did you mean claude-sonnet-4-6"));
    assert_int_equal(requests_to("/anthropic/v1/models"), 1);
    /* the list went to the cache, one id a line, readable by others (no secret in it) */
    char path[512];
    assert_int_equal(llmc_models_cache_path("anthropic", path, sizeof path, NULL), LLMC_OK);
    assert_string_equal(path, envf("%s/cache/llmc/models/anthropic.txt", home.root));
    char *text = read_whole(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "claude-sonnet-4-6\n"));
    assert_null(strstr(text, "claude-sonnet-4-5\n")); /* retired: not served, not listed */
    assert_null(strstr(text, "anthropic/"));
    assert_int_equal(file_mode(path), 0644);
    free(text);
    /* a second miss with the same client: the cache is fresh, nothing is fetched */
    assert_int_equal(generate(c, "anthropic/claude-opus-4-9", &err), LLMC_E_NOT_FOUND);
    assert_non_null(strstr(err.diagnosis.suggestions, "claude-opus-4-8"));
    assert_int_equal(requests_to("/anthropic/v1/models"), 1);
    llmc_client_free(c);
}

/* A cache older than a day is fetched again; a fresh one is not; and a list that cannot be had
 * leaves the original error exactly as it was. */
static void test_stale_cache_and_failed_fetch(void **state)
{
    (void)state;
    env_for("cerebras", "CEREBRAS");
    char path[512], dir[512];
    assert_int_equal(llmc_models_cache_path("cerebras", path, sizeof path, NULL), LLMC_OK);
    snprintf(dir, sizeof dir, "%s/cache", home.root);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/cache/llmc", home.root);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/cache/llmc/models", home.root);
    mkdir(dir, 0755);
    write_file(path, "qwen-3-32b\nold-model-a\n", 0644);
    /* fresh: used as it is, even though it is out of date */
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(generate(c, "cerebras/old-model-b", &err), LLMC_E_NOT_FOUND);
    assert_non_null(strstr(err.diagnosis.suggestions, "old-model-a"));
    assert_int_equal(requests_to("/cerebras/v1/models"), 0);
    llmc_client_free(c);
    /* two days old: fetched again, and replaced */
    struct utimbuf old = {time(NULL) - 2 * 86400, time(NULL) - 2 * 86400};
    utime(path, &old);
    c = llmc_client_new();
    assert_int_equal(generate(c, "cerebras/gpt-oss-12b", &err), LLMC_E_NOT_FOUND);
    assert_string_equal(err.diagnosis.suggestions, "gpt-oss-120b");
    assert_int_equal(requests_to("/cerebras/v1/models"), 1);
    char *text = read_whole(path);
    assert_non_null(strstr(text, "gpt-oss-120b\n"));
    assert_null(strstr(text, "old-model-a"));
    free(text);
    llmc_client_free(c);

    /* stale again, and the list fails: the 404 is reported as if nothing had been tried */
    utime(path, &old);
    emulator_clear_requests(&emu);
    emulator_fault(&emu, "{\"path\":\"/cerebras/v1/models\",\"status\":500}");
    c = llmc_client_new();
    llmc_client_set_max_retries(c, 0);
    assert_int_equal(generate(c, "cerebras/gpt-oss-12b", &err), LLMC_E_NOT_FOUND);
    assert_int_equal(err.http_status, 404);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_MODEL_NOT_FOUND);
    assert_string_equal(err.message, "Model gpt-oss-12b does not exist or you do not have access to it.");
    assert_string_equal(err.provider_code, "model_not_found");
    /* the old list still helps */
    assert_string_equal(err.diagnosis.suggestions, "gpt-oss-120b");
    assert_int_equal(requests_to("/cerebras/v1/models"), 1);
    llmc_client_free(c);

    /* with the cache turned off nothing is read, written or fetched */
    unlink(path);
    emulator_clear_requests(&emu);
    c = llmc_client_new();
    llmc_client_use_models_cache(c, 0);
    assert_int_equal(generate(c, "cerebras/gpt-oss-12b", &err), LLMC_E_NOT_FOUND);
    assert_string_equal(err.diagnosis.suggestions, "");
    assert_int_equal(requests_to("/cerebras/v1/models"), 0);
    assert_int_equal(access(path, F_OK), -1);
    llmc_client_free(c);
}

/* A model sent to the wrong provider: another provider's cached list holds it. */
static void test_model_served_elsewhere(void **state)
{
    (void)state;
    env_for("cerebras", "CEREBRAS");
    llmc_client *c = llmc_client_new();
    llmc_model_info *models = NULL;
    size_t n = 0;
    llmc_error err;
    assert_int_equal(llmc_models_list(c, "cerebras", &models, &n, &err), LLMC_OK);
    llmc_free(models);
    llmc_client_free(c);
    env_for("anthropic", "ANTHROPIC");
    c = llmc_client_new();
    /* a bare model goes to the default provider, Anthropic, which does not serve it */
    assert_int_equal(generate(c, "gpt-oss-120b", &err), LLMC_E_NOT_FOUND);
    assert_string_equal(err.diagnosis.suggestions, "cerebras/gpt-oss-120b");
    assert_non_null(strstr(err.diagnosis.fix, "use -m cerebras/gpt-oss-120b"));
    llmc_client_free(c);
}

/* The last request's body as sent (a new reference), NULL when none was. */
static json_t *last_body(void)
{
    char *seen = emulator_requests(&emu, false);
    json_t *all = json_loads(seen, 0, NULL);
    free(seen);
    json_t *last = json_array_get(all, json_array_size(all) - 1);
    json_t *body = last ? json_loads(json_string_value(json_object_get(last, "body")), 0, NULL) : NULL;
    json_decref(all);
    return body;
}

static void test_unsupported_parameters(void **state)
{
    (void)state;
    llmc_error err;
    llmc_response *resp = NULL;
    /* OpenAI reasoning models: where the mapping is certain llmc sends the field the model takes
     * (max_completion_tokens for --max-tokens) */
    env_for("openai", "OPENAI");
    llmc_client *c = llmc_client_new();
    llmc_request *req = llmc_request_new(TEST_MODEL_OPENAI_REASONING);
    llmc_request_add_message(req, LLMC_ROLE_USER, "hi", &err);
    llmc_request_set_max_tokens(req, 16, &err);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    llmc_response_free(resp);
    json_t *body = last_body();
    assert_int_equal(json_integer_value(json_object_get(body, "max_completion_tokens")), 16);
    assert_null(json_object_get(body, "max_tokens"));
    json_decref(body);
    /* the provider's own 400 when max_tokens goes anyway (a body field): the same cause */
    llmc_request_set_max_tokens(req, 0, &err);
    assert_int_equal(llmc_request_set_body_field(req, "max_tokens", "16", &err), LLMC_OK);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_BAD_REQUEST);
    assert_int_equal(err.http_status, 400);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER);
    assert_string_equal(err.provider_param, "max_tokens");
    assert_string_equal(err.provider_code, "unsupported_parameter");
    assert_string_equal(err.diagnosis.detail, "gpt-5.4-mini refuses max_tokens");
    assert_non_null(strstr(err.diagnosis.fix, "max_completion_tokens"));
    assert_int_equal(llmc_request_set_body_field(req, "max_tokens", NULL, &err), LLMC_OK);
    /* a temperature llmc knows the model refuses: refused before sending, diagnosed the same way */
    llmc_request_set_temperature(req, 0.2, &err);
    emulator_clear_requests(&emu);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_BAD_REQUEST);
    assert_int_equal(emulator_request_count(&emu), 0);
    assert_int_equal(err.http_status, 0);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER);
    assert_string_equal(err.diagnosis.detail, "gpt-5.4-mini refuses temperature");
    assert_non_null(strstr(err.diagnosis.fix, "Drop temperature"));
    assert_null(strstr(err.diagnosis.fix, "PROVIDER"));
    assert_non_null(strstr(err.diagnosis.fix, "OpenAI"));
    /* and as the provider says it when it arrives all the same */
    llmc_request_set_temperature(req, -1, &err);
    assert_int_equal(llmc_request_set_body_field(req, "temperature", "0.2", &err), LLMC_OK);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_BAD_REQUEST);
    assert_string_equal(err.provider_param, "temperature");
    assert_non_null(strstr(err.message, "'temperature' does not support 0.2 with this model"));
    assert_non_null(strstr(err.diagnosis.fix, "Drop temperature"));
    /* the same model with neither: fine */
    assert_int_equal(llmc_request_set_body_field(req, "temperature", NULL, &err), LLMC_OK);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(c);

    /* Anthropic's 4.7 generation and later think adaptively only: the older budget call gets the
     * adaptive form, a budget demanded is refused before sending, and one sent anyway gets the
     * service's 400 — each the same cause */
    env_for("anthropic", "ANTHROPIC");
    c = llmc_client_new();
    req = llmc_request_new(TEST_MODEL_ANTHROPIC_ADAPTIVE);
    llmc_request_add_message(req, LLMC_ROLE_USER, "hi", &err);
    llmc_request_set_thinking(req, 2048, &err);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    llmc_response_free(resp);
    body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "thinking"), "type")), "adaptive");
    json_decref(body);
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_BUDGET, 2048, &err), LLMC_OK);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_BAD_REQUEST);
    assert_int_equal(err.http_status, 0);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER);
    assert_string_equal(err.diagnosis.detail, "claude-opus-5-5 refuses thinking.type.enabled");
    assert_non_null(strstr(err.diagnosis.fix, "only thinks adaptively"));
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_DEFAULT, 0, &err), LLMC_OK);
    assert_int_equal(
        llmc_request_set_body_field(req, "thinking", "{\"type\":\"enabled\",\"budget_tokens\":2048}", &err), LLMC_OK);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_BAD_REQUEST);
    assert_int_equal(err.http_status, 400);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER);
    assert_string_equal(err.diagnosis.detail, "claude-opus-5-5 refuses thinking.type.enabled");
    assert_non_null(strstr(err.diagnosis.fix, "only thinks adaptively"));
    /* a model that takes a budget */
    assert_int_equal(llmc_request_set_body_field(req, "thinking", NULL, &err), LLMC_OK);
    assert_int_equal(llmc_request_set_thinking_mode(req, LLMC_THINKING_BUDGET, 2048, &err), LLMC_OK);
    llmc_request_set_model(req, TEST_MODEL_ANTHROPIC, &err);
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_OK);
    llmc_response_free(resp);
    llmc_request_free(req);
    llmc_client_free(c);

    /* a 400 that names no parameter is no such cause: the provider's words, no diagnosis */
    env_for("openai", "OPENAI");
    emulator_fault(&emu, "{\"path\":\"/openai/v1/chat/completions\",\"status\":400}");
    c = llmc_client_new();
    assert_int_equal(generate(c, TEST_MODEL_OPENAI, &err), LLMC_E_BAD_REQUEST);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_NONE);
    llmc_client_free(c);
}

/* Item 1's other half: a warning about the key never rides on an error that is not the key's. */
static void test_key_warning_stays_with_the_key(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    /* the key with a stray newline: repaired with a warning, then a 400 about something else */
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s\n", key),
                         envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")), NULL};
    set_provider_env(env);
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":400}");
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(generate(c, TEST_MODEL_ANTHROPIC, &err), LLMC_E_BAD_REQUEST);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_NONE);
    assert_string_equal(err.diagnosis.fix, "");
    /* with no fault it works, and the warning is there to be shown */
    assert_int_equal(generate(c, TEST_MODEL_ANTHROPIC, &err), LLMC_OK);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_KEY_WHITESPACE);
    assert_int_equal(err.diagnosis.severity, LLMC_SEVERITY_WARNING);
    llmc_client_free(c);
}

static void test_base_urls(void **state)
{
    (void)state;
    llmc_error err;
    /* ANTHROPIC_BASE_URL given with /v1: a 404 on /v1/v1/messages, naming the variable */
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")),
                         envf("ANTHROPIC_BASE_URL=%s/v1", emulator_base_url(&emu, "anthropic")), NULL};
    set_provider_env(env);
    llmc_client *c = llmc_client_new();
    assert_int_equal(generate(c, TEST_MODEL_ANTHROPIC, &err), LLMC_E_NOT_FOUND);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_CONFIG_BASE_URL);
    assert_string_equal(err.diagnosis.source_name, "ANTHROPIC_BASE_URL");
    assert_non_null(strstr(err.diagnosis.detail, "/anthropic/v1/v1/messages"));
    assert_non_null(strstr(err.diagnosis.fix, "Remove the trailing /v1 from ANTHROPIC_BASE_URL"));
    /* the same set from code names the setter */
    set_provider_env(env + 0);
    unsetenv("ANTHROPIC_BASE_URL");
    assert_int_equal(
        llmc_client_set_base_url(c, "anthropic", envf("%s/v1", emulator_base_url(&emu, "anthropic")), &err), LLMC_OK);
    assert_int_equal(generate(c, TEST_MODEL_ANTHROPIC, &err), LLMC_E_NOT_FOUND);
    assert_string_equal(err.diagnosis.source_name, "llmc_client_set_base_url");
    llmc_client_free(c);

    /* not a URL at all: refused before anything is sent */
    emulator_clear_requests(&emu);
    const char *env2[] = {envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")),
                          "CEREBRAS_BASE_URL=api.cerebras.ai", NULL};
    set_provider_env(env2);
    c = llmc_client_new();
    assert_int_equal(generate(c, TEST_MODEL_CEREBRAS, &err), LLMC_E_CONFIG);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_CONFIG_BASE_URL);
    assert_non_null(strstr(err.diagnosis.fix, "Set CEREBRAS_BASE_URL to a whole URL with its scheme"));
    assert_non_null(strstr(err.diagnosis.fix, "https://api.cerebras.ai"));
    assert_int_equal(emulator_request_count(&emu), 0);
    /* validation says the same */
    assert_int_equal(llmc_client_validate(c, "cerebras", &err), LLMC_E_CONFIG);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_CONFIG_BASE_URL);
    llmc_client_free(c);
    /* a plain 404 for a model is never blamed on a base URL that is the provider's own */
    env_for("cerebras", "CEREBRAS");
    c = llmc_client_new();
    assert_int_equal(generate(c, "cerebras/no-such-model", &err), LLMC_E_NOT_FOUND);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_MODEL_NOT_FOUND);
    llmc_client_free(c);
}

/* Item 3 in the library: an unknown provider in a model string is an error before anything is
 * sent, even with a key for the default provider at hand; the message says what was meant. */
static void test_unknown_provider_in_the_library(void **state)
{
    (void)state;
    env_for("anthropic", "ANTHROPIC");
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_request *req = llmc_request_new("nosuch/m");
    llmc_request_add_message(req, LLMC_ROLE_USER, "hi", &err);
    llmc_response *resp = NULL;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_CONFIG);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER);
    assert_non_null(strstr(err.message, "unknown provider \"nosuch\" in the model \"nosuch/m\""));
    assert_non_null(strstr(err.message, "anthropic, cerebras, fireworks, openai"));
    llmc_request_free(req);
    assert_int_equal(generate(c, "Cerebras/gpt-oss-120b", &err), LLMC_E_CONFIG);
    assert_non_null(strstr(err.message, "did you mean \"cerebras\"?"));
    assert_string_equal(err.diagnosis.suggestions, "cerebras");
    assert_non_null(strstr(err.diagnosis.fix, "Write cerebras/gpt-oss-120b instead"));
    /* a provider named alone */
    assert_int_equal(generate(c, "cerebras", &err), LLMC_E_CONFIG);
    assert_non_null(strstr(err.message, "names the provider cerebras but no model"));
    assert_int_equal(emulator_request_count(&emu), 0);
    /* llmc_client_route says where a model goes, without sending */
    char provider[32], wire[128];
    assert_int_equal(llmc_client_route(c, TEST_MODEL_FIREWORKS, provider, sizeof provider, wire, sizeof wire, &err),
                     LLMC_OK);
    assert_string_equal(provider, "fireworks");
    assert_string_equal(wire, "accounts/fireworks/models/gpt-oss-120b");
    assert_int_equal(llmc_client_route(c, "claude-sonnet-4-6", provider, sizeof provider, NULL, 0, &err), LLMC_OK);
    assert_string_equal(provider, "anthropic");
    assert_int_equal(llmc_client_route(c, "firewrks/x", provider, sizeof provider, NULL, 0, &err), LLMC_E_CONFIG);
    assert_string_equal(provider, "");
    assert_non_null(strstr(err.message, "did you mean \"fireworks\"?"));
    /* setters say the same */
    assert_int_equal(llmc_client_set_key(c, "anthropc", "x", &err), LLMC_E_CONFIG);
    assert_non_null(strstr(err.message, "did you mean \"anthropic\"?"));
    llmc_client_free(c);
    assert_int_equal(emulator_request_count(&emu), 0);
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

#define T(f) cmocka_unit_test_setup_teardown(f, each_setup, each_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_retired_models_name_their_replacement),
        T(test_closest_models_fetched_once),
        T(test_stale_cache_and_failed_fetch),
        T(test_model_served_elsewhere),
        T(test_unsupported_parameters),
        T(test_key_warning_stays_with_the_key),
        T(test_base_urls),
        T(test_unknown_provider_in_the_library),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
