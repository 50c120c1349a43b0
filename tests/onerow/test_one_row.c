/* SPDX-License-Identifier: MIT */
/*
 * test_one_row.c — "adding a provider is one row" (issue 14), checked end to end. This program
 * and the CLI it runs are linked against a build of the library whose provider table has one
 * more row (src/providers.c, LLMC_TEST_EXTRA_PROVIDER: "acme", an OpenAI-compatible service with
 * its own key prefix, variables, console and a retired model) and nothing else changed. The
 * emulator's keyless Ollama route stands in for the service (it ignores the key; a fault plays
 * the 401). Each diagnosis is asserted by cause, source, fix and exit status.
 */
#include "../integration/auth_fixture.h"

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
static temp_home home;

/* acme- and 40 characters of its alphabet: the row's shape */
#define ACME_KEY "acme-Zq3vN8rT2wXy5bLm7dKp9sHf4gJc6aWe1uRt"

#define assert_has(hay, needle)                                                                                        \
    do {                                                                                                               \
        if (!strstr((hay), (needle)))                                                                                  \
            fail_msg("expected to find \"%s\" in:\n%s", (needle), (hay));                                              \
    } while (0)

static const char *acme_base(void)
{
    return envf("ACME_BASE_URL=%s/ollama/v1", emu.base);
}

/* The CLI's --json error for these arguments and environment, parsed; *status gets the exit. */
static json_t *cli_error(const char *const *args, const char *const *env, int *status)
{
    cli_result r = run_cli(args, env, NULL);
    *status = r.status;
    json_t *root = json_loads(r.out, 0, NULL);
    if (!root)
        fail_msg("no JSON error from the CLI (exit %d):\n%s\n%s", r.status, r.out, r.err);
    cli_result_free(&r);
    json_t *e = json_incref(json_object_get(root, "error"));
    json_decref(root);
    assert_non_null(e);
    return e;
}

static const char *field(json_t *e, const char *name)
{
    const char *v = json_string_value(json_object_get(e, name));
    return v ? v : "";
}

static int each_setup(void **state)
{
    (void)state;
    home_make(&home);
    emulator_clear_requests(&emu);
    return 0;
}

static int each_teardown(void **state)
{
    (void)state;
    home_remove(&home);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
    return 0;
}

/* The library routes acme/…, finds ACME_API_KEY and ACME_BASE_URL, and sends Bearer auth. */
static void test_library_call(void **state)
{
    (void)state;
    const char *env[] = {envf("ACME_API_KEY=%s", ACME_KEY), acme_base(), NULL};
    set_provider_env(env);
    setenv("ACME_API_KEY", ACME_KEY, 1);
    setenv("ACME_BASE_URL", env[1] + strlen("ACME_BASE_URL="), 1);
    llmc_client *c = llmc_client_new();
    char *text = NULL;
    llmc_error err;
    assert_int_equal(llmc_generate(c, "acme/llama3.2", "hello from a new row", &text, &err), LLMC_OK);
    assert_has(text, "You said: hello from a new row");
    llmc_free(text);
    char *seen = emulator_requests(&emu, true);
    assert_has(seen, "/ollama/v1/chat/completions");
    assert_has(seen, "Bearer " ACME_KEY);
    free(seen);
    /* the list of models, from the row's models path */
    llmc_model_info *list = NULL;
    size_t n = 0;
    assert_int_equal(llmc_models_list(c, "acme", &list, &n, &err), LLMC_OK);
    assert_true(n >= 1);
    llmc_free(list);
    llmc_client_free(c);
    unsetenv("ACME_API_KEY");
    unsetenv("ACME_BASE_URL");
}

static void test_cli_call(void **state)
{
    (void)state;
    const char *args[] = {"-m", "acme/llama3.2", "hi there", NULL};
    const char *env[] = {envf("ACME_API_KEY=%s", ACME_KEY), acme_base(), home.xdg_env, NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "You said: hi there");
    cli_result_free(&r);
}

/* No ACME_API_KEY but the row's misspelling of it: named, with the variable to use. */
static void test_misspelled_variable(void **state)
{
    (void)state;
    const char *args[] = {"--json", "-m", "acme/llama3.2", "hi", NULL};
    const char *env[] = {envf("ACME_KEY=%s", ACME_KEY), acme_base(), home.xdg_env, NULL};
    int status;
    json_t *e = cli_error(args, env, &status);
    assert_int_equal(status, 3);
    assert_string_equal(field(e, "cause"), "key.var_misspelled");
    assert_true(json_is_null(json_object_get(e, "key_source"))); /* no key was taken from it */
    assert_has(field(e, "message"), "ACME_KEY");
    assert_has(field(e, "fix"), "Rename ACME_KEY to ACME_API_KEY");
    json_decref(e);
    assert_int_equal(emulator_request_count(&emu), 0); /* nothing was sent */
}

/* Another provider's key in ACME_API_KEY: refused before sending, naming whose it is. */
static void test_foreign_key(void **state)
{
    (void)state;
    const char *args[] = {"--json", "-m", "acme/llama3.2", "hi", NULL};
    const char *env[] = {envf("ACME_API_KEY=%s", test_key("ANTHROPIC", "VALID")), acme_base(), home.xdg_env, NULL};
    int status;
    json_t *e = cli_error(args, env, &status);
    assert_int_equal(status, 3);
    assert_string_equal(field(e, "cause"), "key.wrong_provider");
    assert_string_equal(field(e, "key_source"), "env");
    assert_string_equal(field(e, "key_source_name"), "ACME_API_KEY");
    assert_has(field(e, "fix"), "Acme Inference");
    assert_has(field(e, "fix"), "Anthropic");
    json_decref(e);
    assert_int_equal(emulator_request_count(&emu), 0);
}

/* A key cut short: the row's shape (40 characters after acme-) is what finds it. A shape is a
 * warning (the key is still sent: a service may issue longer keys before the table knows). */
static void test_malformed_key(void **state)
{
    (void)state;
    const char *args[] = {"-m", "acme/llama3.2", "hi", NULL};
    const char *env[] = {"ACME_API_KEY=acme-Zq3vN8rT2wXy", acme_base(), home.xdg_env, NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "(key.malformed)");
    assert_has(r.err, "env ACME_API_KEY has 12 characters after acme- where Acme Inference keys have 40");
    assert_has(r.err, "https://console.acme.invalid/keys");
    assert_has(r.out, "You said: hi");
    cli_result_free(&r);
}

/* The service says 401: the rejected key, where it came from, and the row's console. */
static void test_rejected(void **state)
{
    (void)state;
    emulator_fault(&emu,
                   "{\"path\":\"/ollama/v1/chat/completions\",\"status\":401,"
                   "\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"Invalid API key\\\","
                   "\\\"type\\\":\\\"invalid_request_error\\\",\\\"code\\\":\\\"invalid_api_key\\\"}}\"}");
    const char *args[] = {"--json", "-m", "acme/llama3.2", "hi", NULL};
    const char *env[] = {envf("ACME_API_KEY=%s", ACME_KEY), acme_base(), home.xdg_env, NULL};
    int status;
    json_t *e = cli_error(args, env, &status);
    assert_int_equal(status, 3);
    assert_string_equal(field(e, "cause"), "auth.rejected");
    assert_string_equal(field(e, "provider"), "acme");
    assert_string_equal(field(e, "key_source"), "env");
    assert_string_equal(field(e, "key_source_name"), "ACME_API_KEY");
    assert_has(field(e, "fix"), "https://console.acme.invalid/keys");
    json_decref(e);
}

/* The row's retired model: named with its date and successor when the service says 404. */
static void test_retired_model(void **state)
{
    (void)state;
    const char *args[] = {"--json", "-m", "acme/acme-old-1", "hi", NULL};
    const char *env[] = {envf("ACME_API_KEY=%s", ACME_KEY), acme_base(), home.xdg_env, NULL};
    int status;
    json_t *e = cli_error(args, env, &status);
    assert_int_equal(status, 4);
    assert_string_equal(field(e, "cause"), "model.not_found");
    assert_has(field(e, "fix"), "Acme Inference retired acme-old-1 on 2026-01-31: use llama3.2 instead");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "suggestions"), 0)), "llama3.2");
    json_decref(e);
}

/* `llmc doctor` and `llmc keys check` take the row up like the built-in ones. */
static void test_cli_lists_it(void **state)
{
    (void)state;
    const char *env[] = {envf("ACME_API_KEY=%s", ACME_KEY), acme_base(), home.xdg_env, NULL};
    const char *doctor[] = {"doctor", NULL};
    cli_result r = run_cli(doctor, env, NULL);
    assert_has(r.out, "ACME_API_KEY");
    cli_result_free(&r);
    const char *check[] = {"keys", "check", "acme", NULL};
    r = run_cli(check, env, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "ACME_API_KEY");
    cli_result_free(&r);
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_library_call, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_cli_call, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_misspelled_variable, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_foreign_key, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_key, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_rejected, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_retired_model, each_setup, each_teardown),
        cmocka_unit_test_setup_teardown(test_cli_lists_it, each_setup, each_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
