/* SPDX-License-Identifier: MIT */
/*
 * test_auth_causes.c — one test per cause of DESIGN §5, each reproduced the way a user meets
 * it (a real variable, a real file with real permissions, a real key command script, a config
 * file, the emulator answering 401/403), asserting the cause id, where the key came from, the fix
 * and the `llmc explain` line — and never the key. Then the two recoveries after a 401.
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

static const char *anthropic_base(void)
{
    return envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic"));
}

/* The CLI sends "hi" to Anthropic with this extra environment (plus the temp XDG_CONFIG_HOME). */
static cli_result say_hi(const char *const *extra_env)
{
    const char *env[24] = {home.xdg_env, anthropic_base()};
    size_t n = 2;
    for (size_t i = 0; extra_env && extra_env[i] && n < 23; i++)
        env[n++] = extra_env[i];
    env[n] = NULL;
    const char *args[] = {"hi", NULL};
    return run_cli(args, env, NULL);
}

/* What every key error must show: the cause, where the key came from, the fix, the page to read.
 * The key itself must not be anywhere. */
static void assert_diagnosis(const cli_result *r, const char *cause, const char *source, const char *fix_words,
                             const char *key)
{
    assert_int_equal(r->status, 3);
    assert_string_equal(r->out, "");
    assert_has(r->err, cause);
    assert_has(r->err, source);
    assert_has(r->err, "fix:");
    assert_has(r->err, fix_words);
    assert_has(r->err, envf("llmc explain %s", cause));
    if (key && *key) {
        assert_lacks(r->err, key);
        assert_lacks(r->out, key);
    }
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

static void test_key_missing(void **state)
{
    (void)state;
    cli_result r = say_hi(NULL);
    assert_diagnosis(&r, "key.missing", "ANTHROPIC_API_KEY", "llmc keys set anthropic", NULL);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_key_var_misspelled(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    const char *env[] = {envf("ANTHROPIC_KEY=%s", key), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "key.var_misspelled", "ANTHROPIC_KEY", "Rename ANTHROPIC_KEY to ANTHROPIC_API_KEY", key);
    assert_has(r.err, "ANTHROPIC_API_KEY");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_key_empty(void **state)
{
    (void)state;
    const char *env[] = {"ANTHROPIC_API_KEY=", NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "key.empty", "env ANTHROPIC_API_KEY", "Put the key into ANTHROPIC_API_KEY", NULL);
    cli_result_free(&r);

    /* only whitespace is empty too */
    const char *env2[] = {"ANTHROPIC_API_KEY=  \n", NULL};
    r = say_hi(env2);
    assert_diagnosis(&r, "key.empty", "env ANTHROPIC_API_KEY", "Put the key into ANTHROPIC_API_KEY", NULL);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

/* Repaired causes: the request goes ahead with the cleaned key, and a warning names the cause. */
static void assert_repaired(const char *value, const char *cause, const char *fix_words)
{
    const char *key = test_key("ANTHROPIC", "VALID");
    emulator_clear_requests(&emu);
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", value), NULL};
    cli_result r = say_hi(env);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: hi\n");
    assert_has(r.err, "warning");
    assert_has(r.err, cause);
    assert_has(r.err, "env ANTHROPIC_API_KEY");
    assert_has(r.err, fix_words);
    assert_lacks(r.err, key);
    cli_result_free(&r);
    /* the provider received exactly the key, without the stray bytes */
    char *seen = emulator_requests(&emu, true);
    json_t *reqs = json_loads(seen, 0, NULL);
    assert_non_null(reqs);
    assert_int_equal(json_array_size(reqs), 1);
    json_t *h = json_object_get(json_array_get(reqs, 0), "headers");
    const char *x_api_key = json_string_value(json_object_get(h, "x-api-key"));
    const char *bearer = json_string_value(json_object_get(h, "authorization"));
    if (x_api_key)
        assert_string_equal(x_api_key, key);
    else
        assert_string_equal(bearer, envf("Bearer %s", key));
    json_decref(reqs);
    free(seen);
}

static void test_key_whitespace(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    assert_repaired(envf("%s\n", key), "key.whitespace", "Set ANTHROPIC_API_KEY again without the stray characters");
    assert_repaired(envf("  %s\r\n", key), "key.whitespace",
                    "Set ANTHROPIC_API_KEY again without the stray characters");
}

static void test_key_quoted(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    assert_repaired(envf("\"%s\"", key), "key.quoted", "Remove the quotes");
    assert_repaired(envf("'%s'", key), "key.quoted", "Remove the quotes");
}

static void test_key_malformed(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    /* a space inside (two pastes joined) */
    const char *env[] = {envf("ANTHROPIC_API_KEY=%.20s %s", key, key + 20), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "key.malformed", "env ANTHROPIC_API_KEY", "Copy the key again", key + 20);
    assert_has(r.err, "position 21");
    cli_result_free(&r);
    /* a line break inside would inject a header: refused, never sent */
    const char *env2[] = {envf("ANTHROPIC_API_KEY=%s\r\nX-Injected: yes", key), NULL};
    r = say_hi(env2);
    assert_diagnosis(&r, "key.malformed", "env ANTHROPIC_API_KEY", "Copy the key again", key);
    cli_result_free(&r);
    /* a word processor's en dash in place of a hyphen: non-ASCII, refused (curly quotes around
     * the whole key are key.quoted instead, stripped with a warning) */
    const char *env3[] = {envf("ANTHROPIC_API_KEY=%.12s\xe2\x80\x93%s", key, key + 13), NULL};
    r = say_hi(env3);
    assert_diagnosis(&r, "key.malformed", "env ANTHROPIC_API_KEY", "Copy the key again", key + 13);
    assert_has(r.err, "U+2013");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_key_placeholder(void **state)
{
    (void)state;
    static const char *const placeholders[] = {"your_api_key_here", "wrong_key", "<YOUR_KEY>", "sk-ant-..."};
    for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++) {
        const char *env[] = {envf("ANTHROPIC_API_KEY=%s", placeholders[i]), NULL};
        cli_result r = say_hi(env);
        assert_diagnosis(&r, "key.placeholder", "env ANTHROPIC_API_KEY", "Replace the placeholder", NULL);
        cli_result_free(&r);
    }
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_key_wrong_provider(void **state)
{
    (void)state;
    const char *key = test_key("FIREWORKS", "VALID");
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", key), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "key.wrong_provider", "env ANTHROPIC_API_KEY", "move it to FIREWORKS_API_KEY", key);
    assert_has(r.err, "fw_");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_key_file_permissions(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    /* a <VAR>_FILE secret that everyone can read */
    char path[400];
    snprintf(path, sizeof path, "%s/anthropic.key", home.root);
    write_file(path, key, 0644);
    const char *env[] = {envf("ANTHROPIC_API_KEY_FILE=%s", path), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "key.file_permissions", path, "chmod 600", key);
    assert_has(r.err, "644");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
    /* the fix works */
    chmod(path, 0600);
    r = say_hi(env);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    /* the key store, made group- and world-readable */
    llmc_error err;
    assert_int_equal(llmc_key_store_set("anthropic", NULL, key, &err), LLMC_OK);
    assert_int_equal(file_mode(home.store), 0600);
    chmod(home.store, 0644);
    emulator_clear_requests(&emu);
    r = say_hi(NULL);
    assert_diagnosis(&r, "key.file_permissions", home.store, "chmod 600", key);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
    chmod(home.store, 0600);
    r = say_hi(NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: hi\n");
    cli_result_free(&r);
}

/* A key command configured the way a user would: in the config file under XDG_CONFIG_HOME. */
static void write_key_command(const char *script, const char *args)
{
    write_file(home.config,
               envf("# written by test_auth_causes\n[provider anthropic]\nkey_command = \"%s\"%s%s\n"
                    "key_command_timeout = 1\n",
                    data_path(script), args ? " " : "", args ? args : ""),
               0600);
}

static void test_key_command_failed(void **state)
{
    (void)state;
    struct {
        const char *script, *found;
    } cases[] = {
        {"keycmd_fail.sh", "exited with status 1"},
        {"keycmd_hang.sh", "did not finish within"},
        {"keycmd_empty.sh", "printed nothing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_key_command(cases[i].script, NULL);
        cli_result r = say_hi(NULL);
        assert_diagnosis(&r, "key.command_failed", envf("command %s", data_path(cases[i].script)),
                         "Run the key command yourself", NULL);
        assert_has(r.err, cases[i].found);
        /* the command's stderr may hold a secret: summarized, never echoed */
        assert_lacks(r.err, "s3cr3t-stderr-text");
        assert_lacks(r.err, "vault locked");
        cli_result_free(&r);
    }
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_auth_rejected(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "REVOKED");
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", key), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "auth.rejected", "env ANTHROPIC_API_KEY", "Create a new key", key);
    assert_has(r.err, "HTTP 401 from anthropic");
    /* the fingerprint: the prefix and the last four characters, enough to tell keys apart */
    assert_has(r.err, envf("sk-ant-\xe2\x80\xa6%s", key + strlen(key) - 4));
    /* a key from a variable cannot change by itself: exactly one request, no retry */
    assert_int_equal(emulator_request_count(&emu), 1);
    /* not on a terminal: no offer to type a new key */
    assert_lacks(r.err, "Enter a new");
    cli_result_free(&r);
}

static void test_auth_forbidden(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "FORBIDDEN");
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", key), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "auth.forbidden", "env ANTHROPIC_API_KEY", "may use this model", key);
    assert_has(r.err, "HTTP 403");
    assert_has(r.err, "permission_error");
    cli_result_free(&r);
}

static void test_auth_conflict(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    const char *other = test_key("ANTHROPIC", "REVOKED");
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", key), envf("ANTHROPIC_AUTH_TOKEN=%s", other), NULL};
    cli_result r = say_hi(env);
    assert_diagnosis(&r, "auth.conflict", "ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN", "unset ANTHROPIC_AUTH_TOKEN",
                     key);
    /* the fix names things a CLI user can do, not a library call */
    assert_lacks(r.err, "llmc_client_set_key");
    assert_has(r.err, "--key-name");
    assert_lacks(r.err, other);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

/* Item 4: no false conflict. A blank variable is unset (as the SDKs read it), and the same value
 * in both is one credential. Each is sent, and answered, with the API key. */
static void test_no_false_conflict(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    const char *cases[][2] = {
        {envf("ANTHROPIC_API_KEY=%s", key), "ANTHROPIC_AUTH_TOKEN="},
        {envf("ANTHROPIC_API_KEY=%s", key), "ANTHROPIC_AUTH_TOKEN=  \n"},
        {envf("ANTHROPIC_API_KEY=%s", key), envf("ANTHROPIC_AUTH_TOKEN=%s", key)},
        {envf("ANTHROPIC_API_KEY=%s", key), envf("ANTHROPIC_AUTH_TOKEN=%s\n", key)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        emulator_clear_requests(&emu);
        const char *env[] = {cases[i][0], cases[i][1], NULL};
        cli_result r = say_hi(env);
        if (r.status != 0)
            fail_msg("case %zu: %s", i, r.err);
        assert_string_equal(r.out, "You said: hi\n");
        assert_lacks(r.err, "auth.conflict");
        cli_result_free(&r);
        char *seen = emulator_requests(&emu, true);
        json_t *reqs = json_loads(seen, 0, NULL);
        json_t *h = json_object_get(json_array_get(reqs, 0), "headers");
        assert_string_equal(json_string_value(json_object_get(h, "x-api-key")), key);
        assert_null(json_object_get(h, "authorization"));
        json_decref(reqs);
        free(seen);
    }
    /* a blank API key variable beside a token: the token is the one credential, sent as Bearer */
    emulator_clear_requests(&emu);
    const char *env[] = {"ANTHROPIC_API_KEY=", envf("ANTHROPIC_AUTH_TOKEN=%s", key), NULL};
    cli_result r = say_hi(env);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char *seen = emulator_requests(&emu, true);
    json_t *reqs = json_loads(seen, 0, NULL);
    json_t *h = json_object_get(json_array_get(reqs, 0), "headers");
    assert_string_equal(json_string_value(json_object_get(h, "authorization")), envf("Bearer %s", key));
    json_decref(reqs);
    free(seen);
}

static void test_transport_insecure(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    const char *env[] = {home.xdg_env, envf("ANTHROPIC_API_KEY=%s", key),
                         "ANTHROPIC_BASE_URL=http://api.example.invalid/anthropic", NULL};
    const char *args[] = {"hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_diagnosis(&r, "transport.insecure", "api.example.invalid", "https://", key);
    cli_result_free(&r);
    /* loopback over http is fine: that is how every other test here runs */
}

/* Recovery 1: the key command rotated the key. Its first answer is revoked; after the 401 llmc
 * runs it again at once, gets the new key and the request succeeds. */
static void test_recovery_key_command_rotates(void **state)
{
    (void)state;
    char dir[400], first[450], second[450], runs[450];
    snprintf(dir, sizeof dir, "%s/rotate", home.root);
    mkdir(dir, 0700);
    snprintf(first, sizeof first, "%s/first", dir);
    snprintf(second, sizeof second, "%s/second", dir);
    snprintf(runs, sizeof runs, "%s/runs", dir);
    write_file(first, test_key("ANTHROPIC", "REVOKED"), 0600);
    write_file(second, test_key("ANTHROPIC", "VALID"), 0600);
    write_key_command("keycmd_rotate.sh", dir);
    cli_result r = say_hi(NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: hi\n");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 2);
    char *count = read_whole(runs);
    assert_non_null(count);
    assert_string_equal(count, "x\nx\n");
    free(count);
}

/* Recovery 2: the store holds a revoked key first and a good one second. The first request gets
 * one 401, falls to the next key and succeeds; the revoked key is marked and skipped after. */
static void test_recovery_store_next_key(void **state)
{
    (void)state;
    llmc_error err;
    assert_int_equal(llmc_key_store_set("anthropic", "old", test_key("ANTHROPIC", "REVOKED"), &err), LLMC_OK);
    assert_int_equal(llmc_key_store_set("anthropic", "new", test_key("ANTHROPIC", "VALID"), &err), LLMC_OK);
    cli_result r = say_hi(NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: hi\n");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 2);

    const char *env[] = {home.xdg_env, NULL};
    const char *list[] = {"keys", "list", "anthropic", NULL};
    r = run_cli(list, env, NULL);
    assert_int_equal(r.status, 0);
    char *old_line = strstr(r.out, "anthropic  old");
    char *new_line = strstr(r.out, "anthropic  new");
    assert_non_null(old_line);
    assert_non_null(new_line);
    char *eol = strchr(old_line, '\n');
    if (eol)
        *eol = '\0';
    assert_has(old_line, "(rejected: skipped)");
    eol = strchr(new_line, '\n');
    if (eol)
        *eol = '\0';
    assert_lacks(new_line, "rejected");
    cli_result_free(&r);

    /* the library's own view agrees */
    llmc_stored_key keys[4];
    size_t n = 0;
    assert_int_equal(llmc_key_store_list("anthropic", keys, 4, &n, &err), LLMC_OK);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i].label, "old") == 0)
            assert_true(keys[i].last_rejected > 0);
        else
            assert_true(keys[i].last_verified > 0 && keys[i].last_rejected == 0);
    }

    /* next time the rejected key is not tried at all */
    emulator_clear_requests(&emu);
    r = say_hi(NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 1);
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
        T(test_key_missing),
        T(test_key_var_misspelled),
        T(test_key_empty),
        T(test_key_whitespace),
        T(test_key_quoted),
        T(test_key_malformed),
        T(test_key_placeholder),
        T(test_key_wrong_provider),
        T(test_key_file_permissions),
        T(test_key_command_failed),
        T(test_auth_rejected),
        T(test_auth_forbidden),
        T(test_auth_conflict),
        T(test_no_false_conflict),
        T(test_transport_insecure),
        T(test_recovery_key_command_rotates),
        T(test_recovery_store_next_key),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
