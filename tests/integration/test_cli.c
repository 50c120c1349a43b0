/* SPDX-License-Identifier: MIT */
/*
 * test_cli.c — the llmc command against the emulator, as a user runs it: a reply from each
 * provider, the prompt from stdin, --json, and each failure class with its exit status and the
 * diagnosis on stderr — never the key itself.
 */
#include "harness.h"
#include "models.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static emulator emu;

/* "NAME=value" in a static ring of buffers, so a test can build a small environment inline. */
static const char *envf(const char *fmt, ...)
{
    static char bufs[16][512];
    static int next;
    char *b = bufs[next++ % 16];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, 512, fmt, ap);
    va_end(ap);
    return b;
}

static const char *base_env(const char *provider_upper, const char *provider)
{
    return envf("%s_BASE_URL=%s", provider_upper, emulator_base_url(&emu, provider));
}

static void assert_no_key(const cli_result *r, const char *key)
{
    assert_null(strstr(r->out, key));
    assert_null(strstr(r->err, key));
}

static void test_reply_from_each_provider(void **state)
{
    (void)state;
    static const struct {
        const char *upper, *name, *model;
    } p[] = {
        {"ANTHROPIC", "anthropic", TEST_MODEL_ANTHROPIC},
        {"CEREBRAS", "cerebras", TEST_MODEL_CEREBRAS},
        {"FIREWORKS", "fireworks", TEST_MODEL_FIREWORKS},
        {"OPENAI", "openai", TEST_MODEL_OPENAI},
    };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) {
        const char *env[] = {envf("%s_API_KEY=%s", p[i].upper, test_key(p[i].upper, "VALID")),
                             base_env(p[i].upper, p[i].name), NULL};
        const char *args[] = {"-m", p[i].model, "hello", "from", "the", "cli", NULL};
        cli_result r = run_cli(args, env, NULL);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "You said: hello from the cli\n");
        assert_string_equal(r.err, "");
        cli_result_free(&r);
    }
}

static void test_prompt_from_stdin_and_args(void **state)
{
    (void)state;
    const char *env[] = {envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")), base_env("CEREBRAS", "cerebras"),
                         NULL};
    const char *args[] = {"-m", TEST_MODEL_CEREBRAS, NULL};
    cli_result r = run_cli(args, env, "piped words here\n");
    assert_int_equal(r.status, 0);
    /* the reply already ends with the piped newline: none is added */
    assert_string_equal(r.out, "You said: piped words here\n");
    cli_result_free(&r);

    /* LLMC_MODEL picks the model when -m is absent */
    const char *env2[] = {envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")), base_env("CEREBRAS", "cerebras"),
                          "LLMC_MODEL=cerebras/gpt-oss-120b", NULL};
    const char *args2[] = {"summarize", NULL};
    r = run_cli(args2, env2, "the text");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: summarize\n\nthe text\n");
    cli_result_free(&r);
}

static void test_json_output(void **state)
{
    (void)state;
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")),
                         base_env("ANTHROPIC", "anthropic"), NULL};
    const char *args[] = {"--json",       "-m", TEST_MODEL_ANTHROPIC, "-s", "sys prompt",
                          "--max-tokens", "3",  "one two three four", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    json_t *root = json_loads(r.out, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "provider")), "anthropic");
    assert_string_equal(json_string_value(json_object_get(root, "stop_reason")), "max_tokens");
    /* the emulator counts every word of its reply, "You said:" included */
    assert_string_equal(json_string_value(json_object_get(root, "text")), "You said: one");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "usage"), "output_tokens")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "usage"), "input_tokens")), 6);
    assert_true(strncmp(json_string_value(json_object_get(root, "request_id")), "req_", 4) == 0);
    json_decref(root);
    cli_result_free(&r);
}

static void test_rejected_key_is_diagnosed(void **state)
{
    (void)state;
    const char *key = test_key("FIREWORKS", "REVOKED");
    const char *env[] = {envf("FIREWORKS_API_KEY=%s", key), base_env("FIREWORKS", "fireworks"), NULL};
    const char *args[] = {"-m", TEST_MODEL_FIREWORKS, "hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 3);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "HTTP 401 from fireworks"));
    assert_non_null(strstr(r.err, "The API key you provided is invalid."));
    assert_non_null(strstr(r.err, "auth.rejected"));
    assert_non_null(strstr(r.err, "env FIREWORKS_API_KEY (fw_\u2026"));
    assert_non_null(strstr(r.err, "fix:"));
    assert_non_null(strstr(r.err, "llmc explain auth.rejected"));
    assert_no_key(&r, key);
    cli_result_free(&r);
}

static void test_forbidden_key(void **state)
{
    (void)state;
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "FORBIDDEN")),
                         base_env("ANTHROPIC", "anthropic"), NULL};
    const char *args[] = {"hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "auth.forbidden"));
    assert_non_null(strstr(r.err, "permission_error"));
    cli_result_free(&r);
}

static void test_missing_and_misspelled_key_send_nothing(void **state)
{
    (void)state;
    emulator_clear_requests(&emu);
    const char *env[] = {base_env("CEREBRAS", "cerebras"), NULL};
    const char *args[] = {"-m", TEST_MODEL_CEREBRAS, "hi", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "key.missing"));
    assert_non_null(strstr(r.err, "CEREBRAS_API_KEY"));
    assert_non_null(strstr(r.err, "llmc explain key.missing"));
    cli_result_free(&r);

    const char *key = test_key("CEREBRAS", "VALID");
    const char *env2[] = {base_env("CEREBRAS", "cerebras"), envf("CEREBRAS_APIKEY=%s", key), NULL};
    r = run_cli(args, env2, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "key.var_misspelled"));
    assert_non_null(strstr(r.err, "CEREBRAS_APIKEY"));
    assert_no_key(&r, key);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_key_on_command_line_is_refused(void **state)
{
    (void)state;
    const char *args[] = {"--key", "sk-ant-api03-whatever", "hi", NULL};
    cli_result r = run_cli(args, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "ps"));
    assert_null(strstr(r.err, "sk-ant-api03-whatever"));
    cli_result_free(&r);
}

static void test_exit_codes_by_class(void **state)
{
    (void)state;
    const char *key_env = envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID"));
    const char *env[] = {key_env, base_env("CEREBRAS", "cerebras"), NULL};

    const char *not_found[] = {"-m", "cerebras/missing-model", "hi", NULL};
    cli_result r = run_cli(not_found, env, NULL);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "model_not_found"));
    cli_result_free(&r);

    emulator_fault(&emu, "{\"path\":\"/cerebras/v1/chat/completions\",\"status\":429,\"count\":1}");
    const char *limited[] = {"--retries", "0", "-m", TEST_MODEL_CEREBRAS, "hi", NULL};
    r = run_cli(limited, env, NULL);
    assert_int_equal(r.status, 5);
    assert_non_null(strstr(r.err, "HTTP 429"));
    cli_result_free(&r);

    /* a port nobody listens on: the emulator's own port after it is stopped would race, so
     * use port 1, which is never served to an unprivileged test */
    const char *env_down[] = {key_env, "CEREBRAS_BASE_URL=http://127.0.0.1:1/cerebras", NULL};
    const char *down[] = {"--retries", "0", "-m", TEST_MODEL_CEREBRAS, "hi", NULL};
    r = run_cli(down, env_down, NULL);
    assert_int_equal(r.status, 6);
    assert_non_null(strstr(r.err, "network error"));
    cli_result_free(&r);

    const char *bad_flag[] = {"--temperature", "hot", "hi", NULL};
    r = run_cli(bad_flag, env, NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);

    const char *env_insecure[] = {key_env, "CEREBRAS_BASE_URL=http://api.example.invalid/cerebras", NULL};
    r = run_cli(down, env_insecure, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "plain http"));
    cli_result_free(&r);
}

static void test_retry_then_success(void **state)
{
    (void)state;
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")),
                         base_env("ANTHROPIC", "anthropic"), NULL};
    emulator_clear_requests(&emu);
    emulator_fault(&emu,
                   "{\"path\":\"/anthropic/v1/messages\",\"status\":529,\"count\":1,"
                   "\"headers\":{\"retry-after-ms\":\"10\"}}");
    const char *args[] = {"-v", "retry me", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: retry me\n");
    assert_non_null(strstr(r.err, "HTTP 529"));
    assert_non_null(strstr(r.err, "retrying in 0.01 s"));
    assert_int_equal(emulator_request_count(&emu), 2);
    cli_result_free(&r);
}

static void test_key_name_picks_a_stored_key(void **state)
{
    (void)state;
    char home[] = "/tmp/llmc-keyname-XXXXXX";
    assert_non_null(mkdtemp(home));
    const char *xdg = envf("XDG_CONFIG_HOME=%s", home);
    const char *set_env[] = {xdg, NULL};
    const char *set_good[] = {"keys", "set", "cerebras", "--label", "work", NULL};
    char line[256];
    snprintf(line, sizeof line, "%s\n", test_key("CEREBRAS", "VALID"));
    cli_result r = run_cli(set_good, set_env, line);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *set_bad[] = {"keys", "set", "cerebras", "--label", "default", NULL};
    snprintf(line, sizeof line, "%s\n", test_key("CEREBRAS", "REVOKED"));
    r = run_cli(set_bad, set_env, line);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    /* without --key-name the first stored key (revoked) would be tried; with it, "work" is */
    const char *env[] = {xdg, base_env("CEREBRAS", "cerebras"), NULL};
    const char *args[] = {"--key-name", "work", "-m", TEST_MODEL_CEREBRAS, "by name", NULL};
    r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: by name\n");
    cli_result_free(&r);
    const char *missing[] = {"--key-name", "nope", "-m", TEST_MODEL_CEREBRAS, "hi", NULL};
    r = run_cli(missing, env, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "labelled \"nope\""));
    cli_result_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/llmc/keys", home);
    unlink(path);
    snprintf(path, sizeof path, "%s/llmc", home);
    rmdir(path);
    rmdir(home);
}

static void test_config_file_drives_a_custom_endpoint(void **state)
{
    (void)state;
    char home[] = "/tmp/llmc-config-XXXXXX";
    assert_non_null(mkdtemp(home));
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/llmc", home);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/config", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "# a gateway that speaks the OpenAI dialect\nmodel = quick\n\n[endpoint gateway]\n"
            "base_url = %s\nkey_env = GATEWAY_TOKEN\n\n[alias quick]\nmodel = gateway/gpt-4.1-mini\n",
            emulator_base_url(&emu, "openai"));
    fclose(f);
    const char *key = test_key("OPENAI", "VALID");
    const char *env[] = {envf("XDG_CONFIG_HOME=%s", home), envf("GATEWAY_TOKEN=%s", key), NULL};
    emulator_clear_requests(&emu);
    const char *args[] = {"through the gateway", NULL};
    cli_result r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: through the gateway\n");
    cli_result_free(&r);
    char *seen = emulator_requests(&emu, true);
    assert_non_null(strstr(seen, "\"path\":\"/openai/v1/chat/completions\""));
    assert_non_null(strstr(seen, "gpt-4.1-mini"));
    free(seen);

    const char *show[] = {"config", "show", NULL};
    r = run_cli(show, env, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "alias       quick = gateway/gpt-4.1-mini"));
    assert_non_null(strstr(r.out, "[gateway]"));
    assert_non_null(strstr(r.out, "GATEWAY_TOKEN"));
    assert_null(strstr(r.out, key)); /* sources and fingerprints only */
    cli_result_free(&r);

    /* a mistake names the file and the line */
    f = fopen(path, "a");
    fprintf(f, "[endpoint broken\n");
    fclose(f);
    r = run_cli(args, env, NULL);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "config:10:"));
    cli_result_free(&r);
    unlink(path);
    rmdir(dir);
    rmdir(home);
}

static void test_help_and_version(void **state)
{
    (void)state;
    const char *help[] = {"--help", NULL};
    cli_result r = run_cli(help, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "exit status"));
    assert_non_null(strstr(r.out, "3  key or authentication problem"));
    cli_result_free(&r);
    const char *version[] = {"--version", NULL};
    r = run_cli(version, NULL, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "llmc 0."));
    cli_result_free(&r);
}

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_from_each_provider),
        cmocka_unit_test(test_prompt_from_stdin_and_args),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_rejected_key_is_diagnosed),
        cmocka_unit_test(test_forbidden_key),
        cmocka_unit_test(test_missing_and_misspelled_key_send_nothing),
        cmocka_unit_test(test_key_on_command_line_is_refused),
        cmocka_unit_test(test_exit_codes_by_class),
        cmocka_unit_test(test_retry_then_success),
        cmocka_unit_test(test_key_name_picks_a_stored_key),
        cmocka_unit_test(test_config_file_drives_a_custom_endpoint),
        cmocka_unit_test(test_help_and_version),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
