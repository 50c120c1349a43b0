/* SPDX-License-Identifier: MIT */
/*
 * test_cli_features.c — the CLI flags for the providers' newer features, run as a user runs them
 * against the emulator: --effort, --thinking[=BUDGET|adaptive|off], --show-thinking (hidden by
 * default), --schema FILE|JSON (prints the JSON; a reply that is not JSON exits 7 with the
 * position), --cache[=1h], -o NAME=JSON (bare words, bad JSON, refused names), -a FILE (told by
 * content), --anthropic-version, `llmc tokens`, and what each sends; every bad value exits 2.
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
#include <unistd.h>

#include <cmocka.h>

static emulator emu;
static char dir[64];

static const char *const *env_all(void)
{
    static char v[10][512];
    static const char *env[11];
    static const char *const up[] = {"ANTHROPIC", "CEREBRAS", "FIREWORKS", "OPENAI"};
    static const char *const low[] = {"anthropic", "cerebras", "fireworks", "openai"};
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        snprintf(v[n], sizeof v[n], "%s_API_KEY=%s", up[i], test_key(up[i], "VALID"));
        env[n] = v[n];
        n++;
        snprintf(v[n], sizeof v[n], "%s_BASE_URL=%s", up[i], emulator_base_url(&emu, low[i]));
        env[n] = v[n];
        n++;
    }
    snprintf(v[n], sizeof v[n], "XDG_CONFIG_HOME=%s", dir);
    env[n] = v[n];
    env[++n] = NULL;
    return env;
}

static cli_result cli(const char *const *args)
{
    return run_cli(args, env_all(), NULL);
}

/* The body of the last request (new reference). */
static json_t *last_body(void)
{
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    json_t *body =
        json_loads(json_string_value(json_object_get(json_array_get(all, json_array_size(all) - 1), "body")), 0, NULL);
    json_decref(all);
    assert_non_null(body);
    return body;
}

static void test_reasoning_flags(void **state)
{
    (void)state;
    const char *a[] = {"-m", "anthropic/claude-opus-5", "--thinking", "--effort", "high", "plan it", NULL};
    cli_result r = cli(a);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: plan it\n");
    assert_null(strstr(r.err, "Considering")); /* thinking is hidden by default */
    cli_result_free(&r);
    json_t *body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "thinking"), "type")), "adaptive");
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "output_config"), "effort")), "high");
    json_decref(body);
    /* shown on stderr, plain and streamed */
    const char *b[] = {"-m", "anthropic/claude-opus-5", "--thinking", "--show-thinking", "plan it", NULL};
    r = cli(b);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: plan it\n");
    assert_non_null(strstr(r.err, "Considering: plan it"));
    cli_result_free(&r);
    const char *c[] = {"-m", "anthropic/claude-opus-5", "--thinking", "--show-thinking", "--stream", "plan it", NULL};
    r = cli(c);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: plan it\n");
    assert_non_null(strstr(r.err, "Considering: plan it"));
    cli_result_free(&r);
    emulator_clear_requests(&emu);
    /* a budget, where the model takes one */
    const char *d[] = {"-m", TEST_MODEL_ANTHROPIC, "--thinking=2048", "x", NULL};
    r = cli(d);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    body = last_body();
    assert_int_equal(json_integer_value(json_object_get(json_object_get(body, "thinking"), "budget_tokens")), 2048);
    json_decref(body);
    /* … and where it does not: refused before sending, exit 4 */
    const char *e[] = {"-m", "anthropic/claude-opus-5", "--thinking=2048", "x", NULL};
    r = cli(e);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "does not take a thinking budget"));
    cli_result_free(&r);
    /* off, and the OpenAI-style effort */
    const char *f[] = {"-m", "cerebras/gpt-oss-120b", "--effort", "low", "--show-thinking", "why", NULL};
    r = cli(f);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "Considering (effort low): why"));
    cli_result_free(&r);
    body = last_body();
    assert_string_equal(json_string_value(json_object_get(body, "reasoning_effort")), "low");
    json_decref(body);
    const char *g[] = {"-m", TEST_MODEL_ANTHROPIC, "--thinking=off", "x", NULL};
    r = cli(g);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "thinking"), "type")), "disabled");
    json_decref(body);
    /* bad values */
    const char *h[] = {"--effort", "extreme", "x", NULL};
    r = cli(h);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--effort expects none, minimal, low"));
    cli_result_free(&r);
    const char *i[] = {"--thinking=12", "x", NULL};
    r = cli(i);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "at least 1024 tokens"));
    cli_result_free(&r);
}

static void test_schema_flag(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/schema.json", dir);
    FILE *f = fopen(path, "w");
    fputs(
        "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"],"
        "\"additionalProperties\":false}\n",
        f);
    fclose(f);
    static const char *const models[] = {TEST_MODEL_ANTHROPIC, TEST_MODEL_OPENAI, TEST_MODEL_CEREBRAS,
                                         TEST_MODEL_FIREWORKS};
    for (size_t k = 0; k < 4; k++) {
        const char *a[] = {"-m", models[k], "--schema", path, "what", NULL};
        cli_result r = cli(a);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "{\"answer\":\"You said: what\"}\n");
        cli_result_free(&r);
    }
    /* inline, with --json carrying the parsed value */
    const char *b[] = {"-m",
                       TEST_MODEL_OPENAI,
                       "--json",
                       "--schema",
                       "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"],"
                       "\"additionalProperties\":false}",
                       "one two",
                       NULL};
    cli_result r = cli(b);
    assert_int_equal(r.status, 0);
    json_t *out = json_loads(r.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "json"), "n")), 4);
    json_decref(out);
    cli_result_free(&r);
    /* a reply cut off: its text, the position, exit 7 */
    const char *c[] = {"-m", TEST_MODEL_OPENAI, "--schema", path, "--max-tokens", "1", "a long question here", NULL};
    r = cli(c);
    assert_int_equal(r.status, 7);
    assert_non_null(strstr(r.out, "{\"answer\""));
    assert_non_null(strstr(r.err, "cut off by the token limit"));
    assert_non_null(strstr(r.err, "line 1, column"));
    cli_result_free(&r);
    /* bad schemas: exit 2 with the line and column; a missing file */
    const char *d[] = {"--schema", "{\"type\":", "x", NULL};
    r = cli(d);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "schema: invalid JSON at line 1"));
    cli_result_free(&r);
    const char *e[] = {"--schema", "/nonexistent/schema.json", "x", NULL};
    r = cli(e);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "--schema /nonexistent/schema.json: No such file"));
    cli_result_free(&r);
    emulator_clear_requests(&emu);
}

static void test_cache_and_version_flags(void **state)
{
    (void)state;
    const char *a[] = {"-m", TEST_MODEL_ANTHROPIC, "--cache", "x", NULL};
    cli_result r = cli(a);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    json_t *body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "cache_control"), "type")),
                        "ephemeral");
    json_decref(body);
    const char *b[] = {"-m", TEST_MODEL_ANTHROPIC, "--cache=1h", "--json", "x", NULL};
    r = cli(b);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"cache_creation_1h_input_tokens\""));
    cli_result_free(&r);
    body = last_body();
    assert_string_equal(json_string_value(json_object_get(json_object_get(body, "cache_control"), "ttl")), "1h");
    json_decref(body);
    const char *c[] = {"--cache=10m", "x", NULL};
    r = cli(c);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    /* the API version, and what the newer one refuses */
    const char *d[] = {"-m", TEST_MODEL_ANTHROPIC, "--anthropic-version", "2026-10-21", "--temperature", "0.5", "x",
                       NULL};
    r = cli(d);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "not accepted with anthropic-version 2026-10-21"));
    cli_result_free(&r);
    const char *e[] = {"-m", TEST_MODEL_ANTHROPIC, "--anthropic-version", "soon", "x", NULL};
    r = cli(e);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "is not a date"));
    cli_result_free(&r);
    emulator_clear_requests(&emu);
}

static void test_option_flag(void **state)
{
    (void)state;
    const char *a[] = {
        "-m", TEST_MODEL_OPENAI, "-o", "seed=42", "-o", "service_tier=priority", "-o", "logit_bias={\"50256\": -100}",
        "-o", "user=abc-1",      "x",  NULL};
    cli_result r = cli(a);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    json_t *body = last_body();
    assert_int_equal(json_integer_value(json_object_get(body, "seed")), 42);
    assert_string_equal(json_string_value(json_object_get(body, "service_tier")), "priority"); /* a bare word */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(body, "logit_bias"), "50256")), -100);
    assert_string_equal(json_string_value(json_object_get(body, "user")), "abc-1");
    json_decref(body);
    /* what the service says to a field it does not know */
    const char *b[] = {"-m", TEST_MODEL_OPENAI, "-o", "frobnicate=1", "x", NULL};
    r = cli(b);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "Unrecognized request argument supplied: frobnicate"));
    cli_result_free(&r);
    /* refused before sending: bad JSON (with the position), llmc's own fields, credentials */
    const char *c[] = {"-o", "seed={\"a\":", "x", NULL};
    r = cli(c);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "-o seed: body field seed: invalid JSON at line 1, column"));
    cli_result_free(&r);
    const char *d[] = {"-o", "model=x", "x", NULL};
    r = cli(d);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "set by llmc itself"));
    cli_result_free(&r);
    const char *e[] = {"-o", "api_key=sk-secret-value", "x", NULL};
    r = cli(e);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "could carry a credential"));
    assert_null(strstr(r.err, "sk-secret-value"));
    cli_result_free(&r);
    const char *f[] = {"-o", "novalue", "x", NULL};
    r = cli(f);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "-o expects NAME=JSON"));
    cli_result_free(&r);
    emulator_clear_requests(&emu);
}

static void test_attach_flag(void **state)
{
    (void)state;
    char txt[256], pdf[256], junk[256];
    snprintf(txt, sizeof txt, "%s/notes.bin", dir); /* a text file by content, whatever its name */
    snprintf(pdf, sizeof pdf, "%s/paper.txt", dir);
    snprintf(junk, sizeof junk, "%s/junk.txt", dir);
    FILE *f = fopen(txt, "w");
    fputs("The grass is green.", f);
    fclose(f);
    f = fopen(pdf, "w");
    fputs("%PDF-1.4\n%%EOF\n", f);
    fclose(f);
    f = fopen(junk, "wb");
    fwrite("\x00\x01\xfe\xff", 1, 4, f);
    fclose(f);
    const char *a[] = {"-m", TEST_MODEL_ANTHROPIC, "-a", txt, "-a", pdf, "what are these", NULL};
    cli_result r = cli(a);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: what are these\n");
    cli_result_free(&r);
    json_t *body = last_body();
    json_t *content = json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content");
    assert_int_equal(json_array_size(content), 3);
    json_t *d0 = json_array_get(content, 0), *d1 = json_array_get(content, 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(d0, "source"), "media_type")), "text/plain");
    assert_string_equal(json_string_value(json_object_get(d0, "title")), "notes.bin");
    assert_string_equal(json_string_value(json_object_get(json_object_get(d1, "source"), "media_type")),
                        "application/pdf");
    json_decref(body);
    const char *b[] = {"-a", junk, "x", NULL};
    r = cli(b);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "junk.txt: not an image"));
    cli_result_free(&r);
    const char *c[] = {"-a", "/nonexistent/file.png", "x", NULL};
    r = cli(c);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "-a /nonexistent/file.png"));
    cli_result_free(&r);
    emulator_clear_requests(&emu);
}

static void test_tokens_command(void **state)
{
    (void)state;
    const char *a[] = {"tokens", "-m", TEST_MODEL_ANTHROPIC, "-s", "Be brief.", "count these words", NULL};
    cli_result r = cli(a);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "5\n");
    cli_result_free(&r);
    const char *b[] = {"tokens", "-m", TEST_MODEL_ANTHROPIC, "--json", "one two", NULL};
    r = cli(b);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "{\"input_tokens\": 2}\n");
    cli_result_free(&r);
    /* from stdin */
    const char *c[] = {"tokens", "-m", TEST_MODEL_ANTHROPIC, NULL};
    r = run_cli(c, env_all(), "three words here\n");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "3\n");
    cli_result_free(&r);
    /* an unknown model, and a provider without a counter */
    const char *d[] = {"tokens", "-m", "anthropic/missing-model", "x", NULL};
    r = cli(d);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "model: missing-model"));
    cli_result_free(&r);
    const char *e[] = {"tokens", "-m", TEST_MODEL_OPENAI, "x", NULL};
    r = cli(e);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "has no token-counting endpoint"));
    cli_result_free(&r);
    /* said before any key is looked for */
    char xdg[600];
    snprintf(xdg, sizeof xdg, "XDG_CONFIG_HOME=%s", dir);
    const char *const nokey[] = {xdg, NULL};
    r = run_cli(e, nokey, NULL);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "has no token-counting endpoint"));
    cli_result_free(&r);
    const char *h[] = {"tokens", "--help", NULL};
    r = cli(h);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: llmc tokens"));
    cli_result_free(&r);
    emulator_clear_requests(&emu);
}

static void test_help_names_every_flag(void **state)
{
    (void)state;
    const char *a[] = {"--help", NULL};
    cli_result r = cli(a);
    assert_int_equal(r.status, 0);
    static const char *const flags[] = {"--effort LEVEL",         "--thinking[=BUDGET]", "--show-thinking",
                                        "--schema FILE|JSON",     "--cache[=5m|1h]",     "-a, --attach FILE",
                                        "-o, --option NAME=JSON", "--anthropic-version", "llmc tokens"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!strstr(r.out, flags[i]))
            fail_msg("--help does not name %s", flags[i]);
    cli_result_free(&r);
}

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    snprintf(dir, sizeof dir, "/tmp/llmc-clif-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasoning_flags),
        cmocka_unit_test(test_schema_flag),
        cmocka_unit_test(test_cache_and_version_flags),
        cmocka_unit_test(test_option_flag),
        cmocka_unit_test(test_attach_flag),
        cmocka_unit_test(test_tokens_command),
        cmocka_unit_test(test_help_names_every_flag),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
