/* SPDX-License-Identifier: MIT */
/*
 * test_keys_doctor.c — `llmc doctor`, `llmc keys` and `llmc explain` as a user runs them, each in
 * a private temporary HOME: doctor on a machine with nothing configured, with a misspelled
 * variable, with a revoked key, all well, and as JSON; the key store's set/list/check/rm/path
 * round trip; the cause pages.
 */
#include "auth_fixture.h"

#include <jansson.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "llmc/llmc.h"

static emulator emu;
static temp_home home;

#define assert_has(hay, needle)                                                                                        \
    do {                                                                                                               \
        if (!strstr((hay), (needle)))                                                                                  \
            fail_msg("expected to find \"%s\" in:\n%s", (needle), (hay));                                              \
    } while (0)
#define assert_lacks(hay, needle)                                                                                      \
    do {                                                                                                               \
        if (strstr((hay), (needle)))                                                                                   \
            fail_msg("did not expect \"%s\" in:\n%s", (needle), (hay));                                                \
    } while (0)

/* Run the CLI with every provider pointed at the emulator, the temp XDG_CONFIG_HOME, and `extra`. */
static cli_result run(const char *const *args, const char *const *extra, const char *stdin_text)
{
    const char *env[24] = {home.xdg_env, envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                           envf("CEREBRAS_BASE_URL=%s", emulator_base_url(&emu, "cerebras")),
                           envf("FIREWORKS_BASE_URL=%s", emulator_base_url(&emu, "fireworks")),
                           envf("OPENAI_BASE_URL=%s", emulator_base_url(&emu, "openai"))};
    size_t n = 5;
    for (size_t i = 0; extra && extra[i] && n < 23; i++)
        env[n++] = extra[i];
    env[n] = NULL;
    return run_cli(args, env, stdin_text);
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
    return 0;
}

/* ---- doctor ---- */

static void test_doctor_nothing_configured(void **state)
{
    (void)state;
    const char *args[] = {"doctor", NULL};
    cli_result r = run(args, NULL, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.out, "no provider has a key");
    assert_has(r.out, "llmc keys set anthropic` (or cerebras, fireworks or openai");
    assert_lacks(r.out, "PROVIDER`");
    assert_has(r.out, "ANTHROPIC_API_KEY");
    assert_has(r.out, "CEREBRAS_API_KEY");
    assert_has(r.out, "llmc explain key.missing");
    /* every provider is listed, none as failed: there is nothing to fail */
    assert_has(r.out, "anthropic  no key");
    assert_has(r.out, "openai     no key");
    assert_lacks(r.out, "FAILED");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_doctor_misspelled_variable(void **state)
{
    (void)state;
    const char *key = test_key("CEREBRAS", "VALID");
    const char *extra[] = {envf("CEREBRAS_APIKEY=%s", key), NULL};
    const char *args[] = {"doctor", NULL};
    cli_result r = run(args, extra, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.out, "cerebras   FAILED");
    assert_has(r.out, "near-miss CEREBRAS_APIKEY is set, but CEREBRAS_API_KEY is the variable read");
    assert_has(r.out, "key.var_misspelled");
    assert_has(r.out, "— llmc explain key.var_misspelled\n");
    assert_has(r.out, "Rename CEREBRAS_APIKEY to CEREBRAS_API_KEY");
    assert_has(r.out, "0 of 1 configured provider works");
    assert_lacks(r.out, key);
    assert_lacks(r.err, key);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_doctor_revoked_key(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "REVOKED");
    const char *extra[] = {envf("ANTHROPIC_API_KEY=%s", key),
                           envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")), NULL};
    const char *args[] = {"doctor", NULL};
    cli_result r = run(args, extra, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.out, "anthropic  FAILED");
    assert_has(r.out, "cerebras   ok");
    assert_has(r.out, "auth.rejected");
    assert_has(r.out, "HTTP 401");
    assert_has(r.out, "env ANTHROPIC_API_KEY");
    assert_has(r.out, "— llmc explain auth.rejected\n");
    assert_has(r.out, "Create a new key");
    assert_has(r.out, "1 of 2 configured providers work");
    assert_lacks(r.out, key);
    cli_result_free(&r);
    /* the live check is one cheap GET of the models list per configured provider */
    char *seen = emulator_requests(&emu, true);
    assert_has(seen, "/anthropic/v1/models");
    assert_has(seen, "/cerebras/v1/models");
    assert_lacks(seen, "/messages");
    free(seen);
}

static void test_doctor_all_good_and_shadowing(void **state)
{
    (void)state;
    llmc_error err;
    assert_int_equal(llmc_key_store_set("anthropic", "backup", test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    const char *extra[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")), NULL};
    const char *args[] = {"doctor", NULL};
    cli_result r = run(args, extra, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "anthropic  ok");
    assert_has(r.out, "ANTHROPIC_API_KEY");
    assert_has(r.out, "used");
    assert_has(r.out, "shadowed");
    assert_has(r.out, "live     ok");
    assert_has(r.out, "1 of 1 configured provider works");
    cli_result_free(&r);

    /* --offline sends nothing */
    emulator_clear_requests(&emu);
    const char *offline[] = {"doctor", "--offline", "anthropic", NULL};
    r = run(offline, extra, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "skipped (--offline)");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);

    /* an unknown provider is exit 4, as --help promises, with what was meant */
    const char *bad[] = {"doctor", "cerebra", NULL};
    r = run(bad, extra, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "unknown provider \"cerebra\"; did you mean \"cerebras\"?");
    assert_has(r.err, "model.unknown_provider");
    cli_result_free(&r);
}

static void test_doctor_refused_store(void **state)
{
    (void)state;
    llmc_error err;
    assert_int_equal(llmc_key_store_set("anthropic", NULL, test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    chmod(home.store, 0640);
    const char *args[] = {"doctor", NULL};
    cli_result r = run(args, NULL, NULL);
    assert_int_equal(r.status, 3);
    /* said once, at the top, with the path and the fix — not once per provider */
    assert_has(r.out, envf("the key store %s has mode 640", home.store));
    assert_has(r.out, "llmc explain key.file_permissions");
    assert_has(r.out, envf("chmod 600 %s", home.store));
    assert_has(r.out, "anthropic  store refused");
    const char *first = strstr(r.out, "has mode 640");
    assert_null(strstr(first + 1, "has mode 640"));
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
    chmod(home.store, 0600);
    r = run(args, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "anthropic  ok");
    cli_result_free(&r);
}

static void test_doctor_json(void **state)
{
    (void)state;
    const char *revoked = test_key("FIREWORKS", "REVOKED");
    const char *extra[] = {envf("FIREWORKS_API_KEY=%s", revoked),
                           envf("OPENAI_API_KEY=%s", test_key("OPENAI", "VALID")),
                           "ANTHROPIC_KEY=sk-ant-api03-somethingsomethingsomething", NULL};
    const char *args[] = {"doctor", "--json", NULL};
    cli_result r = run(args, extra, NULL);
    assert_int_equal(r.status, 3);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    if (!root)
        fail_msg("doctor --json is not JSON (%s) :\n%s", jerr.text, r.out);
    assert_false(json_is_true(json_object_get(root, "ok")));
    assert_int_equal(json_integer_value(json_object_get(root, "configured")), 3);
    assert_int_equal(json_integer_value(json_object_get(root, "working")), 1);
    json_t *providers = json_object_get(root, "providers");
    assert_int_equal(json_array_size(providers), 4);
    size_t i;
    json_t *p;
    int seen = 0;
    json_array_foreach(providers, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "provider"));
        const char *status = json_string_value(json_object_get(p, "status"));
        json_t *problems = json_object_get(p, "problems");
        assert_true(json_is_array(json_object_get(p, "sources")));
        assert_non_null(json_object_get(p, "base_url"));
        if (strcmp(name, "fireworks") == 0) {
            seen++;
            assert_string_equal(status, "failed");
            assert_string_equal(json_string_value(json_object_get(json_object_get(p, "live"), "cause")),
                                "auth.rejected");
            json_t *prob = json_array_get(problems, 0);
            assert_string_equal(json_string_value(json_object_get(prob, "cause")), "auth.rejected");
            assert_string_equal(json_string_value(json_object_get(prob, "explain")), "llmc explain auth.rejected");
            json_t *chosen = json_object_get(p, "chosen");
            assert_string_equal(json_string_value(json_object_get(chosen, "source")), "env");
            assert_string_equal(json_string_value(json_object_get(chosen, "name")), "FIREWORKS_API_KEY");
        } else if (strcmp(name, "openai") == 0) {
            seen++;
            assert_string_equal(status, "ok");
            assert_true(json_is_true(json_object_get(json_object_get(p, "live"), "ok")));
            assert_int_equal(json_array_size(problems), 0);
        } else if (strcmp(name, "anthropic") == 0) {
            seen++;
            assert_string_equal(status, "failed");
            assert_string_equal(json_string_value(json_array_get(json_object_get(p, "near_miss"), 0)), "ANTHROPIC_KEY");
            assert_string_equal(json_string_value(json_object_get(json_array_get(problems, 0), "cause")),
                                "key.var_misspelled");
            assert_true(json_is_null(json_object_get(p, "live")));
        } else {
            seen++;
            assert_string_equal(status, "not_configured");
        }
    }
    assert_int_equal(seen, 4);
    json_decref(root);
    assert_lacks(r.out, revoked);
    assert_lacks(r.out, test_key("OPENAI", "VALID"));
    assert_lacks(r.out, "somethingsomething");
    cli_result_free(&r);
}

/* ---- keys ---- */

static void test_keys_round_trip(void **state)
{
    (void)state;
    const char *valid = test_key("ANTHROPIC", "VALID");
    const char *path_args[] = {"keys", "path", NULL};
    cli_result r = run(path_args, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, envf("%s\n", home.store));
    cli_result_free(&r);

    /* set, from a pipe: the first line is the key */
    const char *set[] = {"keys", "set", "anthropic", NULL};
    r = run(set, NULL, envf("%s\n", valid));
    assert_int_equal(r.status, 0);
    assert_has(r.out, "stored the anthropic key \"default\"");
    assert_has(r.out, envf("sk-ant-\xe2\x80\xa6%s", valid + strlen(valid) - 4));
    assert_lacks(r.out, valid);
    cli_result_free(&r);
    assert_int_equal(file_mode(home.store), 0600);
    const char *set_work[] = {"keys", "set", "anthropic", "--label", "work", NULL};
    r = run(set_work, NULL, test_key("ANTHROPIC", "FORBIDDEN"));
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *set_cb[] = {"keys", "set", "cerebras", NULL};
    r = run(set_cb, NULL, test_key("CEREBRAS", "VALID"));
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    /* list: labels and fingerprints, never keys */
    const char *list[] = {"keys", "list", NULL};
    r = run(list, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "PROVIDER");
    assert_has(r.out, "anthropic  default");
    assert_has(r.out, "anthropic  work");
    assert_has(r.out, "cerebras   default");
    assert_has(r.out, "never");
    assert_lacks(r.out, valid);
    assert_lacks(r.out, test_key("CEREBRAS", "VALID"));
    cli_result_free(&r);
    const char *list_cb[] = {"keys", "list", "cerebras", "--json", NULL};
    r = run(list_cb, NULL, NULL);
    assert_int_equal(r.status, 0);
    json_t *root = json_loads(r.out, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "keys")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(root, "keys"), 0), "provider")), "cerebras");
    json_decref(root);
    cli_result_free(&r);

    /* rm one label, then the default, then nothing is left to remove */
    const char *rm_work[] = {"keys", "rm", "anthropic", "--label", "work", NULL};
    r = run(rm_work, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "removed 1 anthropic key");
    cli_result_free(&r);
    const char *rm_default[] = {"keys", "rm", "anthropic", NULL};
    r = run(rm_default, NULL, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    r = run(rm_default, NULL, NULL);
    assert_int_not_equal(r.status, 0);
    assert_has(r.err, "no anthropic key labelled \"default\"");
    cli_result_free(&r);
    const char *rm_all[] = {"keys", "rm", "cerebras", "--all", NULL};
    r = run(rm_all, NULL, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    r = run(list, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "no keys stored");
    cli_result_free(&r);
    /* nothing reached the provider: storing is local */
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_keys_set_refuses_bad_keys(void **state)
{
    (void)state;
    /* statically wrong: refused before anything is stored or sent */
    const char *set[] = {"keys", "set", "anthropic", NULL};
    cli_result r = run(set, NULL, "your_api_key_here\n");
    assert_int_equal(r.status, 3);
    assert_has(r.err, "key.placeholder");
    assert_has(r.err, "llmc explain key.placeholder");
    cli_result_free(&r);
    r = run(set, NULL, test_key("CEREBRAS", "VALID"));
    assert_int_equal(r.status, 3);
    assert_has(r.err, "key.wrong_provider");
    cli_result_free(&r);
    r = run(set, NULL, "");
    assert_int_equal(r.status, 2);
    assert_has(r.err, "no key was given");
    cli_result_free(&r);

    /* --check asks the provider first: a revoked key is not stored */
    const char *revoked = test_key("ANTHROPIC", "REVOKED");
    const char *check[] = {"keys", "set", "anthropic", "--check", NULL};
    r = run(check, NULL, revoked);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "not stored");
    assert_has(r.err, "auth.rejected");
    assert_has(r.err, "key read from stdin");
    assert_lacks(r.err, revoked);
    cli_result_free(&r);
    assert_int_equal(access(home.store, F_OK) == 0 ? 1 : 0, 0);
    assert_int_equal(emulator_request_count(&emu), 1);

    /* and a good one is */
    r = run(check, NULL, test_key("ANTHROPIC", "VALID"));
    assert_int_equal(r.status, 0);
    assert_has(r.out, "checked: anthropic accepted it");
    cli_result_free(&r);
    llmc_stored_key keys[2];
    size_t n = 0;
    llmc_error err;
    assert_int_equal(llmc_key_store_list("anthropic", keys, 2, &n, &err), LLMC_OK);
    assert_int_equal(n, 1);

    /* unknown provider: exit 4, the known ones listed */
    const char *bad[] = {"keys", "set", "nosuch", NULL};
    r = run(bad, NULL, "x");
    assert_int_equal(r.status, 4);
    assert_has(r.err, "unknown provider \"nosuch\"");
    assert_has(r.err, "anthropic, cerebras, fireworks, openai");
    cli_result_free(&r);
}

static void test_keys_check_per_provider(void **state)
{
    (void)state;
    llmc_error err;
    assert_int_equal(llmc_key_store_set("anthropic", NULL, test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    const char *extra[] = {envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "REVOKED")),
                           envf("FIREWORKS_API_KEY=%s", test_key("FIREWORKS", "FORBIDDEN")), NULL};
    const char *all[] = {"keys", "check", NULL};
    cli_result r = run(all, extra, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.out, "anthropic  ok");
    assert_has(r.out, "store default");
    assert_has(r.out, "cerebras   FAILED  auth.rejected");
    assert_has(r.out, "fireworks  FAILED  auth.forbidden");
    assert_lacks(r.out, "openai");
    /* the reason is kept: the provider's words, the source, the fix */
    assert_has(r.err, "HTTP 401 from cerebras");
    assert_has(r.err, "env CEREBRAS_API_KEY");
    assert_has(r.err, "llmc explain auth.rejected");
    assert_has(r.err, "HTTP 403 from fireworks");
    assert_has(r.err, "llmc explain auth.forbidden");
    cli_result_free(&r);

    /* the stored key that passed is marked verified */
    llmc_stored_key keys[2];
    size_t n = 0;
    assert_int_equal(llmc_key_store_list("anthropic", keys, 2, &n, &err), LLMC_OK);
    assert_int_equal(n, 1);
    assert_true(keys[0].last_verified > 0);

    const char *one[] = {"keys", "check", "anthropic", NULL};
    r = run(one, extra, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "anthropic  ok");
    assert_lacks(r.out, "cerebras");
    cli_result_free(&r);

    /* naming an unconfigured provider checks it anyway, and says why it fails */
    const char *missing[] = {"keys", "check", "openai", NULL};
    r = run(missing, extra, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "key.missing");
    cli_result_free(&r);

    /* nothing configured at all */
    home_remove(&home);
    home_make(&home);
    r = run(all, NULL, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "no provider has a key");
    cli_result_free(&r);
}

/* ---- explain ---- */

static void test_explain_pages(void **state)
{
    (void)state;
    const char *args[] = {"explain", "auth.rejected", NULL};
    cli_result r = run(args, NULL, NULL);
    assert_int_equal(r.status, 0);
    const llmc_cause_info *info = llmc_cause_info_find("auth.rejected");
    assert_non_null(info);
    assert_has(r.out, "auth.rejected");
    assert_has(r.out, info->title);
    assert_has(r.out, "HTTP 401");
    static const char *const sections[] = {"WHY IT HAPPENS", "HOW LLMC DETECTS IT", "FIX",
                                           "WORKAROUND",     "PREVENTION",          "BROKEN (shell)",
                                           "FIXED (shell)",  "BROKEN (C)",          "FIXED (C)"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        assert_has(r.out, sections[i]);
    /* the text is there, wrapped and indented: its first words open the section */
    char first[200];
    snprintf(first, sizeof first, "FIX\n    %.*s", 20, info->fix);
    assert_has(r.out, first);
    cli_result_free(&r);

    /* every catalogue id has a page */
    for (size_t i = 0; llmc_cause_info_at(i); i++) {
        const char *page[] = {"explain", llmc_cause_info_at(i)->id, NULL};
        r = run(page, NULL, NULL);
        assert_int_equal(r.status, 0);
        assert_has(r.out, llmc_cause_info_at(i)->title);
        cli_result_free(&r);
    }

    const char *list[] = {"explain", NULL};
    r = run(list, NULL, NULL);
    assert_int_equal(r.status, 0);
    for (size_t i = 0; llmc_cause_info_at(i); i++)
        assert_has(r.out, llmc_cause_info_at(i)->id);
    cli_result_free(&r);

    const char *typo[] = {"explain", "auth.rejectd", NULL};
    r = run(typo, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "did you mean auth.rejected");
    cli_result_free(&r);
    /* item 9: the end of an id and an HTTP status name a page */
    const char *bare[] = {"explain", "missing", NULL};
    r = run(bare, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "key.missing");
    cli_result_free(&r);
    const char *suffix[] = {"explain", "whitespace", NULL};
    r = run(suffix, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "key.whitespace — ");
    cli_result_free(&r);
    const char *status[] = {"explain", "401", NULL};
    r = run(status, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "auth.rejected — ");
    cli_result_free(&r);
    const char *several[] = {"explain", "file", NULL};
    r = run(several, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "names 3 causes");
    assert_has(r.err, "llmc explain key.file_missing");
    cli_result_free(&r);
    /* --provider writes the fix for one provider, with its own variables */
    const char *for_one[] = {"explain", "key.missing", "--provider", "cerebras", NULL};
    r = run(for_one, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "FIX FOR CEREBRAS");
    assert_has(r.out, "CEREBRAS_API_KEY");
    assert_has(r.out, "llmc keys set cerebras");
    assert_lacks(r.out, "PROVIDER");
    cli_result_free(&r);
    const char *for_none[] = {"explain", "key.missing", "--provider", "cerebra", NULL};
    r = run(for_none, NULL, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "did you mean \"cerebras\"");
    cli_result_free(&r);
    const char *upper[] = {"explain", "KEY.EMPTY", NULL};
    r = run(upper, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "key.empty");
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

#define T(f) cmocka_unit_test_setup_teardown(f, each_setup, each_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_doctor_nothing_configured), T(test_doctor_misspelled_variable),
        T(test_doctor_revoked_key),        T(test_doctor_all_good_and_shadowing),
        T(test_doctor_refused_store),      T(test_doctor_json),
        T(test_keys_round_trip),           T(test_keys_set_refuses_bad_keys),
        T(test_keys_check_per_provider),   T(test_explain_pages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
