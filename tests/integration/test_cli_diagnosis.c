/* SPDX-License-Identifier: MIT */
/*
 * test_cli_diagnosis.c — what a person reads, pinned: an unknown provider from every place a
 * model comes from (exit 4, nothing sent), shadowing said where it matters (keys set and the
 * error), keyless and LAN endpoints (auth = none, allow_http = true), messages that say each thing
 * once, and server text with terminal escapes shown escaped.
 */
#include "auth_fixture.h"
#include "models.h"

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

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
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

static const char *base(const char *provider)
{
    return envf("%s_BASE_URL=%s",
                strcmp(provider, "anthropic") == 0   ? "ANTHROPIC"
                : strcmp(provider, "cerebras") == 0  ? "CEREBRAS"
                : strcmp(provider, "fireworks") == 0 ? "FIREWORKS"
                                                     : "OPENAI",
                emulator_base_url(&emu, provider));
}

/* Keys for every provider, so that a model sent to the wrong one would be answered. */
static void all_keys(const char **env, size_t *n)
{
    static const char *const names[] = {"anthropic", "cerebras", "fireworks", "openai"};
    static const char *const upper[] = {"ANTHROPIC", "CEREBRAS", "FIREWORKS", "OPENAI"};
    for (size_t i = 0; i < 4; i++) {
        env[(*n)++] = base(names[i]);
        env[(*n)++] = envf("%s_API_KEY=%s", upper[i], test_key(upper[i], "VALID"));
    }
}

/* ---- item 3: an unknown provider, from every place a model comes from ---- */

static void assert_unknown(const cli_result *r, const char *typed, const char *meant, const char *origin)
{
    if (r->status != 4)
        fail_msg("exit %d, expected 4:\n%s", r->status, r->err);
    assert_string_equal(r->out, "");
    assert_has(r->err, envf("unknown provider \"%s\"", typed));
    if (meant)
        assert_has(r->err, envf("did you mean \"%s\"?", meant));
    assert_has(r->err, "anthropic, cerebras, fireworks, openai");
    assert_has(r->err, "model.unknown_provider");
    if (origin)
        assert_has(r->err, envf("comes from %s", origin));
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_unknown_provider_everywhere(void **state)
{
    (void)state;
    const char *env[16] = {home.xdg_env};
    size_t n = 1;
    all_keys(env, &n);
    /* -m */
    const char *args[] = {"-m", "cerebra/gpt-oss-120b", "hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_unknown(&r, "cerebra", "cerebras", NULL);
    /* the fix is the model as meant */
    assert_has(r.err, "Write cerebras/gpt-oss-120b instead");
    cli_result_free(&r);
    /* with an Anthropic key set, nosuch/x is not sent to Anthropic as the model */
    const char *nosuch[] = {"-m", "nosuch/x", "hi", NULL};
    r = run_cli(nosuch, env, NULL);
    assert_unknown(&r, "nosuch", NULL, NULL);
    cli_result_free(&r);
    /* LLMC_MODEL */
    env[n] = "LLMC_MODEL=fireworsk/accounts/fireworks/models/gpt-oss-120b";
    env[n + 1] = NULL;
    const char *plain[] = {"hi", NULL};
    r = run_cli(plain, env, NULL);
    assert_unknown(&r, "fireworsk", "fireworks", "LLMC_MODEL");
    cli_result_free(&r);
    env[n] = NULL;
    /* model = in the config file */
    write_file(home.config, "model = opneai/gpt-4.1-mini\n", 0600);
    r = run_cli(plain, env, NULL);
    assert_unknown(&r, "opneai", "openai", "model = in the config file");
    cli_result_free(&r);
    /* an alias that names itself, and one that names a mistyped provider */
    write_file(home.config, "[alias fast]\nmodel = fast\n[alias slow]\nmodel = antropic/claude-sonnet-4-6\n", 0600);
    const char *fast[] = {"-m", "fast", "hi", NULL};
    r = run_cli(fast, env, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "the alias \"fast\" names itself");
    assert_has(r.err, "model.unknown_provider");
    cli_result_free(&r);
    const char *slow[] = {"-m", "slow", "hi", NULL};
    r = run_cli(slow, env, NULL);
    assert_unknown(&r, "antropic", "anthropic", NULL);
    cli_result_free(&r);
    /* an alias is a did-you-mean candidate too */
    const char *near_alias[] = {"-m", "slwo/x", "hi", NULL};
    r = run_cli(near_alias, env, NULL);
    assert_unknown(&r, "slwo", "slow", NULL);
    assert_has(r.err, "aliases: fast, slow");
    cli_result_free(&r);
    /* a provider without a model */
    unlink(home.config);
    const char *bare[] = {"-m", "cerebras", "hi", NULL};
    r = run_cli(bare, env, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "names the provider cerebras but no model");
    assert_has(r.err, "Name a model after the provider: cerebras/MODEL");
    cli_result_free(&r);
    /* --json says the same, for machines */
    const char *json[] = {"--json", "-m", "cerebra/x", "hi", NULL};
    r = run_cli(json, env, NULL);
    assert_int_equal(r.status, 4);
    json_t *root = json_loads(r.out, 0, NULL);
    assert_non_null(root);
    json_t *e = json_object_get(root, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "LLMC_E_CONFIG");
    assert_string_equal(json_string_value(json_object_get(e, "cause")), "model.unknown_provider");
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "suggestions"), 0)), "cerebras");
    assert_true(json_is_null(json_object_get(e, "http_status")));
    json_decref(root);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

/* ---- item 6: shadowing is said where it matters ---- */

static void test_shadowing_is_said(void **state)
{
    (void)state;
    const char *good = test_key("CEREBRAS", "VALID"), *old = test_key("CEREBRAS", "REVOKED");
    /* keys set while an exported key comes first: the note names it and how to step past it */
    const char *env[] = {home.xdg_env, base("cerebras"), envf("CEREBRAS_API_KEY=%s", old), NULL};
    const char *set[] = {"keys", "set", "cerebras", NULL};
    cli_result r = run_cli(set, env, good);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "note: env CEREBRAS_API_KEY");
    assert_has(r.err, "comes before the key store: requests use it, not the stored key \"default\"");
    assert_has(r.err, "`unset CEREBRAS_API_KEY` to use the stored key");
    assert_lacks(r.err, old);
    assert_lacks(r.err, good);
    cli_result_free(&r);
    /* the same when the exported value is unusable: requests fail on it */
    const char *env_bad[] = {home.xdg_env, base("cerebras"), "CEREBRAS_API_KEY=your_api_key_here", NULL};
    const char *set_again[] = {"keys", "set", "cerebras", "--force", NULL}; /* the label is stored already */
    r = run_cli(set_again, env_bad, good);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "requests fail on it, not the stored key \"default\"");
    cli_result_free(&r);
    /* the error of a request names what the failing key shadows: the stored one */
    const char *hi[] = {"-m", TEST_MODEL_CEREBRAS, "hi", NULL};
    r = run_cli(hi, env, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "auth.rejected");
    assert_has(r.err, "  shadows:  store \"default\" (csk-");
    assert_has(r.err, "`unset CEREBRAS_API_KEY` to use it instead");
    cli_result_free(&r);
    /* and so does a key refused before sending */
    r = run_cli(hi, env_bad, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "key.placeholder");
    assert_has(r.err, "  shadows:  store \"default\" (csk-");
    cli_result_free(&r);
    /* unset, the stored key is used */
    const char *env_none[] = {home.xdg_env, base("cerebras"), NULL};
    r = run_cli(hi, env_none, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
}

/* ---- item 8: keyless and LAN endpoints ---- */

static void test_keyless_lan_endpoint(void **state)
{
    (void)state;
    /* 0.0.0.0 reaches the emulator on this machine, but is not a loopback name to llmc: it
     * stands for a model server on the LAN, without sending a packet off the machine */
    const char *lan = envf("http://0.0.0.0:%d/ollama/v1", emu.port);
    write_file(home.config, envf("[endpoint ollama]\nbase_url = %s\nauth = none\nallow_http = true\n", lan), 0600);
    const char *env[] = {home.xdg_env, NULL};
    const char *args[] = {"-v", "-m", "ollama/llama3.2", "hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    if (r.status != 0)
        fail_msg("exit %d:\n%s", r.status, r.err);
    assert_string_equal(r.out, "You said: hi\n");
    /* -v says no key went, and that plain http is allowed here */
    assert_has(r.err, "no key: auth = none; plain http allowed for this endpoint");
    cli_result_free(&r);
    /* no key header at all */
    char *seen = emulator_requests(&emu, true);
    json_t *reqs = json_loads(seen, 0, NULL);
    json_t *h = json_object_get(json_array_get(reqs, 0), "headers");
    assert_null(json_object_get(h, "authorization"));
    assert_null(json_object_get(h, "x-api-key"));
    json_decref(reqs);
    free(seen);
    /* doctor shows both settings, and the endpoint as working */
    const char *doctor[] = {"doctor", "ollama", NULL};
    r = run_cli(doctor, env, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "none needed (auth = none)");
    assert_has(r.out, "auth     none: no key is looked up or sent (auth = none)");
    assert_has(r.out, "plain http allowed for this provider (allow_http = true)");
    assert_has(r.out, "answered without a key");
    cli_result_free(&r);
    /* without allow_http the same URL is refused, and the fix says how to allow it */
    write_file(home.config, envf("[endpoint ollama]\nbase_url = %s\nauth = none\n", lan), 0600);
    const char *plain[] = {"-m", "ollama/llama3.2", "hi", NULL};
    r = run_cli(plain, env, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "the prompt and the reply would cross the network unencrypted (no key is sent: auth = none)");
    assert_has(r.err, "transport.insecure");
    assert_has(r.err, "`allow_http = true` in the [endpoint ollama]");
    cli_result_free(&r);
    /* a keyless server needs no dummy key (Ollama's docs suggest "ollama", which llmc refuses
     * as a key): key_env or auth = none, one of the two */
    write_file(home.config, envf("[endpoint ollama]\nbase_url = %s\nallow_http = true\n", lan), 0600);
    r = run_cli(plain, env, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "needs key_env (the variable that holds its key), or auth = none");
    cli_result_free(&r);
    /* a model the server does not have: its own 404, as model.not_found */
    write_file(home.config, envf("[endpoint ollama]\nbase_url = %s\nauth = none\nallow_http = true\n", lan), 0600);
    const char *missing[] = {"-m", "ollama/llama3.3", "hi", NULL};
    r = run_cli(missing, env, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "model \"llama3.3\" not found, try pulling it first");
    assert_has(r.err, "model.not_found");
    assert_has(r.err, "did you mean llama3.2");
    cli_result_free(&r);
    /* a built-in provider can be keyless too ([provider openai] pointed at a local server) */
    write_file(home.config, "[provider openai]\nauth = none\n", 0600);
    const char *env2[] = {home.xdg_env, envf("OPENAI_BASE_URL=%s/ollama/v1", emu.base), NULL};
    const char *openai[] = {"-m", "openai/llama3.2", "hi", NULL};
    r = run_cli(openai, env2, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
}

/* ---- item 9: each thing said once, in words a CLI user can act on ---- */

static void test_no_stutter(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    /* "refused: … refused to send": the class is not put before a message that says it all */
    const char *insecure[] = {home.xdg_env, envf("ANTHROPIC_API_KEY=%s", key),
                              "ANTHROPIC_BASE_URL=http://api.example.invalid/x", NULL};
    const char *hi[] = {"hi", NULL};
    cli_result r = run_cli(hi, insecure, NULL);
    assert_int_equal(r.status, 3);
    assert_lacks(r.err, "refused: the key would not be protected");
    assert_int_equal(count(r.err, "unencrypted"), 2); /* the headline, and the fix's warning */
    /* a CLI error suggests no library call */
    assert_lacks(r.err, "llmc_client_");
    cli_result_free(&r);
    /* "not stored: not stored:" */
    const char *env[] = {home.xdg_env, NULL};
    const char *set[] = {"keys", "set", "anthropic", NULL};
    r = run_cli(set, env, "your_api_key_here");
    assert_int_equal(r.status, 3);
    assert_int_equal(count(r.err, "not stored"), 1);
    assert_has(r.err, "fix:");
    cli_result_free(&r);
    /* "HTTP 502 from anthropic): HTTP 502 from anthropic" */
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":502,\"body\":\"\",\"count\":3}");
    const char *good[] = {home.xdg_env, envf("ANTHROPIC_API_KEY=%s", key), base("anthropic"), NULL};
    const char *once[] = {"--retries", "0", "hi", NULL};
    r = run_cli(once, good, NULL);
    assert_int_equal(r.status, 5);
    assert_int_equal(count(r.err, "HTTP 502"), 1);
    cli_result_free(&r);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
    /* "((7 characters))" and "1 characters": a short key's fingerprint */
    const char *tiny[] = {home.xdg_env, "ANTHROPIC_API_KEY=x", base("anthropic"), NULL};
    r = run_cli(hi, tiny, NULL);
    assert_int_equal(r.status, 3);
    assert_lacks(r.err, "((");
    assert_lacks(r.err, "1 characters");
    assert_has(r.err, "(1 character)");
    cli_result_free(&r);
    /* a `looked:` line names only variables llmc reads, and the misspelled one is a finding */
    const char *misspelled[] = {home.xdg_env, envf("ANTHROPIC_KEY=%s", key), NULL};
    r = run_cli(hi, misspelled, NULL);
    assert_int_equal(r.status, 3);
    assert_lacks(r.err, "looked:");
    cli_result_free(&r);
    const char *missing[] = {home.xdg_env, NULL};
    r = run_cli(hi, missing, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "  looked:   ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY_FILE, the key store");
    assert_int_equal(count(r.err, "ANTHROPIC_API_KEY is not set"), 1);
    cli_result_free(&r);
    /* the chmod command is under fix:, not found: */
    char path[400];
    snprintf(path, sizeof path, "%s/k", home.root);
    write_file(path, key, 0640);
    const char *perms[] = {home.xdg_env, envf("ANTHROPIC_API_KEY_FILE=%s", path), NULL};
    r = run_cli(hi, perms, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.err, "  found:    mode 0640: its group can read it");
    assert_has(r.err, envf("  fix:      Restrict the file to its owner with `chmod 600 %s`", path));
    assert_int_equal(count(r.err, "chmod"), 1);
    cli_result_free(&r);
    /* doctor does not tell you to run doctor */
    write_file(
        home.config,
        envf("[provider anthropic]\nkey_command = \"%s\"\nkey_command_timeout = 2\n", data_path("keycmd_fail.sh")),
        0600);
    const char *doctor[] = {"doctor", "anthropic", "--offline", NULL};
    r = run_cli(doctor, env, NULL);
    assert_int_equal(r.status, 3);
    assert_has(r.out, "key.command_failed");
    assert_lacks(r.out, "`llmc doctor`");
    assert_lacks(strstr(r.out, "fix:"), "PROVIDER");
    cli_result_free(&r);
}

/* ---- issue 13 item 3: a server's escape sequences never reach the terminal raw ---- */

static void test_server_escapes_are_shown_escaped(void **state)
{
    (void)state;
    /* ESC ] (OSC: set the title), ESC [ 2 J (clear the screen), BEL, and U+009B (CSI as one
     * C1 character) in the type, the code, the message and the request id */
    emulator_fault(
        &emu,
        "{\"path\":\"/openai/v1/chat/completions\",\"status\":400,\"headers\":{\"x-request-id\":"
        "\"req_\\u001b[2Jclear\"},\"body\":\"{\\\"error\\\":{\\\"message\\\":\\\"bad \\\\u001b]0;pwned\\\\u0007 "
        "thing \\\\u009b31m\\\",\\\"type\\\":\\\"\\\\u001b[31mred\\\",\\\"param\\\":null,\\\"code\\\":"
        "\\\"\\\\u001b[1mbold\\\"}}\",\"count\":2}");
    const char *env[] = {home.xdg_env, envf("OPENAI_API_KEY=%s", test_key("OPENAI", "VALID")), base("openai"), NULL};
    const char *args[] = {"-v", "-m", TEST_MODEL_OPENAI, "hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 4);
    assert_null(strchr(r.err, 0x1b));
    assert_null(strchr(r.err, 0x07));
    assert_null(strstr(r.err, "\xc2\x9b"));
    assert_has(r.err, "bad \\e]0;pwned\\x07 thing \\u009B31m");
    assert_has(r.err, "\\e[31mred / \\e[1mbold");
    assert_has(r.err, "req_\\e[2Jclear");
    cli_result_free(&r);
    /* --json carries them as JSON escapes, never raw */
    const char *json[] = {"--json", "-m", TEST_MODEL_OPENAI, "hi", NULL};
    r = run_cli(json, env, NULL);
    assert_null(strchr(r.out, 0x1b));
    assert_has(r.out, "\"provider_type\": \"\\u001B[31mred\"");
    cli_result_free(&r);
}

/* `llmc models` refreshes the models cache the completions and model.not_found read. */
static void test_models_command_writes_the_cache(void **state)
{
    (void)state;
    const char *cache = envf("%s/cache", home.root);
    const char *env[] = {home.xdg_env, envf("XDG_CACHE_HOME=%s", cache), base("cerebras"),
                         envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")), NULL};
    const char *args[] = {"models", "cerebras", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "cerebras/gpt-oss-120b\n");
    assert_lacks(r.out, "llama-3.3-70b"); /* retired: not served, not listed */
    cli_result_free(&r);
    char *text = read_whole(envf("%s/llmc/models/cerebras.txt", cache));
    assert_non_null(text);
    assert_string_equal(text, "gpt-oss-120b\nqwen-3.8-27b\n");
    free(text);
    assert_int_equal(file_mode(envf("%s/llmc/models/cerebras.txt", cache)), 0644);
    /* an unknown provider is exit 4 here too */
    const char *typo[] = {"models", "cerebra", NULL};
    r = run_cli(typo, env, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "did you mean \"cerebras\"?");
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
        T(test_unknown_provider_everywhere),
        T(test_shadowing_is_said),
        T(test_keyless_lan_endpoint),
        T(test_no_stutter),
        T(test_server_escapes_are_shown_escaped),
        T(test_models_command_writes_the_cache),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
