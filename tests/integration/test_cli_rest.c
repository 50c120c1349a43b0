/* SPDX-License-Identifier: MIT */
/*
 * test_cli_rest.c — the small things a user trips over, each pinned: a usage error is one line
 * that says where help is; -v says where the model came from; `batch -o -` is refused (and no
 * file named "-" appears); `--format normalized` gives every provider's reply one shape; the
 * batch summary names the cost; `--resume ID` without an input says what it resumed; keys set
 * --check marks the key verified, replacing a label needs --force, removing a missing label is a
 * usage error.
 */
#include "auth_fixture.h"

#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "llmc/llmc.h"
#include "models.h"

static emulator emu;
static temp_home home;

#define assert_has(hay, needle)                                                                                        \
    do {                                                                                                               \
        if (!strstr((hay), (needle)))                                                                                  \
            fail_msg("expected to find \"%s\" in:\n%s", (needle), (hay));                                              \
    } while (0)

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

static cli_result llmc_env(const char *const *args, const char *const *extra, const char *stdin_text)
{
    const char *env[24] = {home.xdg_env,
                           envf("XDG_DATA_HOME=%s/data", home.root),
                           envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                           envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")),
                           envf("CEREBRAS_BASE_URL=%s", emulator_base_url(&emu, "cerebras")),
                           envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")),
                           envf("FIREWORKS_BASE_URL=%s", emulator_base_url(&emu, "fireworks")),
                           envf("FIREWORKS_API_KEY=%s", test_key("FIREWORKS", "VALID")),
                           envf("OPENAI_BASE_URL=%s", emulator_base_url(&emu, "openai")),
                           envf("OPENAI_API_KEY=%s", test_key("OPENAI", "VALID")),
                           "FIREWORKS_ACCOUNT_ID=test-account"};
    size_t n = 11;
    for (size_t i = 0; extra && extra[i] && n < 23; i++)
        env[n++] = extra[i];
    env[n] = NULL;
    return run_cli(args, env, stdin_text);
}

static cli_result llmc(const char *const *args, const char *stdin_text)
{
    return llmc_env(args, NULL, stdin_text);
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_usage_errors_are_one_line(void **state)
{
    (void)state;
    static const struct {
        const char *args[8];
        const char *help; /* where the line sends the reader */
    } cases[] = {
        {{"--bogus", NULL}, "see `llmc --help`"},
        {{"-m", NULL}, "see `llmc --help`"},
        {{"--max-tokens", "lots", "hi", NULL}, "see `llmc --help`"},
        {{"-c", "--cid", "X", "hi", NULL}, "see `llmc --help`"},
        {{"chat", "--bogus", NULL}, "see `llmc chat --help`"},
        {{"keys", NULL}, "see `llmc keys --help`"},
        {{"keys", "bogus", NULL}, "see `llmc keys --help`"},
        {{"keys", "set", NULL}, "see `llmc keys --help`"},
        {{"batch", "--bogus", NULL}, "see `llmc batch --help`"},
        {{"batch", "in.jsonl", "-o", "-", NULL}, "see `llmc batch --help`"},
        {{"batch", "in.jsonl", "-o", "out", "--format", "yaml", NULL}, "see `llmc batch --help`"},
        {{"logs", "--bogus", NULL}, "see `llmc logs --help`"},
        {{"usage", "--by", "week", NULL}, "see `llmc usage --help`"},
        {{"config", "bogus", NULL}, "see `llmc config --help`"},
        {{"config", "set", "model", NULL}, "see `llmc config --help`"},
        {{"explain", "a", "b", NULL}, "see `llmc explain --help`"},
        {{"doctor", "--bogus", NULL}, "see `llmc doctor --help`"},
        {{"models", "--bogus", NULL}, "see `llmc models --help`"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_result r = llmc(cases[i].args, "");
        if (r.status != 2 || count_lines(r.err) != 1 || !strstr(r.err, cases[i].help) || strstr(r.err, "usage:"))
            fail_msg("llmc %s %s: exit %d, stderr:\n%s", cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : "",
                     r.status, r.err);
        assert_string_equal(r.out, "");
        cli_result_free(&r);
    }
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_verbose_says_where_the_model_came_from(void **state)
{
    (void)state;
    static const char *const flag[] = {"-v", "-m", TEST_MODEL_CEREBRAS, "x", NULL};
    cli_result r = llmc(flag, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "* model " TEST_MODEL_CEREBRAS " (from -m)");
    cli_result_free(&r);
    static const char *const plain[] = {"-v", "x", NULL};
    const char *env_model[] = {"LLMC_MODEL=" TEST_MODEL_OPENAI, NULL};
    r = llmc_env(plain, env_model, NULL);
    assert_has(r.err, "* model " TEST_MODEL_OPENAI " (from $LLMC_MODEL)");
    cli_result_free(&r);
    r = llmc(plain, NULL);
    assert_has(r.err, "* model " TEST_MODEL_ANTHROPIC " (from the built-in default)");
    cli_result_free(&r);
    put_file(home.config, "model = quick\n[alias quick]\nmodel = " TEST_MODEL_CEREBRAS "\n");
    r = llmc(plain, NULL);
    assert_has(r.err,
               "* model " TEST_MODEL_CEREBRAS " (from model = in the config file; alias quick in the config file)");
    cli_result_free(&r);
    /* -m beats $LLMC_MODEL, and an alias given with -m says both */
    static const char *const alias_flag[] = {"-v", "-m", "quick", "x", NULL};
    r = llmc_env(alias_flag, env_model, NULL);
    assert_has(r.err, "* model " TEST_MODEL_CEREBRAS " (from -m; alias quick in the config file)");
    cli_result_free(&r);
}

static json_t *read_results(const char *path)
{
    json_t *by_id = json_object();
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        json_t *o = json_loads(line, 0, NULL);
        assert_non_null(o);
        json_object_set(by_id, json_string_value(json_object_get(o, "custom_id")), json_object_get(o, "result"));
        json_decref(o);
    }
    fclose(f);
    return by_id;
}

static const char *mixed_input(void)
{
    return "{\"custom_id\":\"a\",\"params\":{\"model\":\"" TEST_MODEL_ANTHROPIC
           "\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"hello anthropic\"}]}}\n"
           "{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" TEST_MODEL_CEREBRAS
           "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello cerebras\"}]}}\n"
           "{\"custom_id\":\"o\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" TEST_MODEL_OPENAI
           "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello openai\"}]}}\n";
}

static void test_batch_output_rules_and_normalized_format(void **state)
{
    (void)state;
    char *in = strdup(envf("%s/in.jsonl", home.root));
    char *out = strdup(envf("%s/out.jsonl", home.root));
    put_file(in, mixed_input());
    /* -o - : refused, and nothing named "-" is made */
    char *cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(home.root), 0);
    const char *dash[] = {"batch", in, "-o", "-", NULL};
    cli_result r = llmc(dash, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "-o - is refused");
    cli_result_free(&r);
    assert_int_equal(access(envf("%s/-", home.root), F_OK), -1);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    assert_int_equal(emulator_request_count(&emu), 0);

    /* normalized: one shape for every provider */
    const char *norm[] = {"batch", in, "-o", out, "--format", "normalized", NULL};
    r = llmc(norm, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "3 succeeded, 0 errored");
    cli_result_free(&r);
    json_t *results = read_results(out);
    static const struct {
        const char *id, *provider, *text;
    } want[] = {{"a", "anthropic", "You said: hello anthropic"},
                {"c", "cerebras", "You said: hello cerebras"},
                {"o", "openai", "You said: hello openai"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *res = json_object_get(results, want[i].id);
        assert_string_equal(json_string_value(json_object_get(res, "type")), "succeeded");
        json_t *m = json_object_get(res, "message");
        assert_string_equal(json_string_value(json_object_get(m, "provider")), want[i].provider);
        assert_string_equal(json_string_value(json_object_get(m, "text")), want[i].text);
        assert_string_equal(json_string_value(json_object_get(m, "stop_reason")), "end_turn");
        assert_true(json_integer_value(json_object_get(json_object_get(m, "usage"), "output_tokens")) > 0);
        /* no provider shape left: no choices, no Anthropic "type":"message" */
        assert_null(json_object_get(m, "choices"));
        assert_null(json_object_get(m, "type"));
    }
    json_decref(results);
    free(in);
    free(out);
}

/* "…; N tokens in, M out; cost $X…" from the summary line: N, M and X. */
static void summary_numbers(const char *err, long long *in, long long *out, double *cost)
{
    const char *p = strstr(err, "tokens in, ");
    assert_non_null(p);
    const char *q = p;
    while (q > err && q[-1] != ';')
        q--;
    *in = strtoll(q + 1, NULL, 10);
    *out = strtoll(p + strlen("tokens in, "), NULL, 10);
    const char *c = strstr(err, "; cost $");
    assert_non_null(c);
    *cost = strtod(c + strlen("; cost $"), NULL);
}

static void test_batch_summary_names_the_cost(void **state)
{
    (void)state;
    /* a dollar per token in and two per token out, for sums that can be checked */
    put_file(home.config, "[price " TEST_MODEL_ANTHROPIC "]\ninput = 1000000\noutput = 2000000\n");
    char *in = strdup(envf("%s/in.jsonl", home.root));
    char *out = strdup(envf("%s/out.jsonl", home.root));
    put_file(in,
             "{\"custom_id\":\"1\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":32,\"messages\":"
             "[{\"role\":\"user\",\"content\":\"one two three\"}]}}\n"
             "{\"custom_id\":\"2\",\"params\":{\"model\":\"" TEST_MODEL_ANTHROPIC
             "\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"four\"}]}}\n");
    const char *run[] = {"batch", in, "-o", out, NULL};
    cli_result r = llmc(run, NULL);
    assert_int_equal(r.status, 0);
    long long tin, tout;
    double cost;
    summary_numbers(r.err, &tin, &tout, &cost);
    assert_true(tin > 0 && tout > 0);
    assert_true(fabs(cost - (double)(tin + 2 * tout)) < 1e-6);
    cli_result_free(&r);
    /* a rerun that only skips costs nothing more */
    r = llmc(run, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "2 skipped");
    cli_result_free(&r);

    /* remote: half price, as the providers bill their batch engines */
    char *rout = strdup(envf("%s/remote.jsonl", home.root));
    const char *remote[] = {"batch", "--remote", in, "-o", rout, "--poll", "0.05", NULL};
    r = llmc(remote, NULL);
    assert_int_equal(r.status, 0);
    summary_numbers(r.err, &tin, &tout, &cost);
    assert_true(fabs(cost - (double)(tin + 2 * tout) / 2) < 1e-6);
    cli_result_free(&r);

    /* a model without a price is counted, not priced */
    put_file(in,
             "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
             "\"" TEST_MODEL_OPENAI_REASONING "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n");
    char *out2 = strdup(envf("%s/out2.jsonl", home.root));
    const char *unpriced[] = {"batch", in, "-o", out2, NULL};
    r = llmc(unpriced, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "cost ?");
    assert_has(r.err, "1 result of models without a price");
    cli_result_free(&r);
    free(in);
    free(out);
    free(rout);
    free(out2);
}

static void test_resume_without_input_says_what_it_resumed(void **state)
{
    (void)state;
    char *in = strdup(envf("%s/in.jsonl", home.root));
    char *out = strdup(envf("%s/out.jsonl", home.root));
    put_file(in,
             "{\"custom_id\":\"r1\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":16,\"messages\":"
             "[{\"role\":\"user\",\"content\":\"later\"}]}}\n");
    const char *submit[] = {"batch", "--remote", in, "-o", out, "--no-wait", NULL};
    cli_result r = llmc(submit, NULL);
    assert_int_equal(r.status, 0);
    char id[256];
    snprintf(id, sizeof id, "%.*s", (int)strcspn(r.out, "\n"), r.out);
    assert_true(strncmp(id, "msgbatch_", 9) == 0);
    cli_result_free(&r);
    const char *resume[] = {"batch", "--resume", id, "-o", out, "--poll", "0.05", NULL};
    r = llmc(resume, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, envf("resumed remote batch %s (ended): 1 result written to %s", id, out));
    assert_has(r.err, "without IN.jsonl");
    cli_result_free(&r);
    free(in);
    free(out);
}

static void test_keys_set_check_force_and_rm(void **state)
{
    (void)state;
    const char *valid = test_key("ANTHROPIC", "VALID");
    const char *set_check[] = {"keys", "set", "anthropic", "--check", NULL};
    cli_result r = llmc(set_check, envf("%s\n", valid));
    assert_int_equal(r.status, 0);
    assert_has(r.out, "marked verified");
    cli_result_free(&r);
    llmc_stored_key keys[4];
    size_t n = 0;
    llmc_error err;
    assert_int_equal(llmc_key_store_list("anthropic", keys, 4, &n, &err), LLMC_OK);
    assert_int_equal(n, 1);
    assert_true(keys[0].last_verified > 0);
    long long added = keys[0].added;

    /* the same label again: refused without --force when nobody can be asked, store unchanged */
    const char *other = test_key("ANTHROPIC", "REVOKED");
    const char *set[] = {"keys", "set", "anthropic", NULL};
    r = llmc(set, envf("%s\n", other));
    assert_int_equal(r.status, 2);
    assert_has(r.err, "already stored: add --force to replace it");
    assert_int_equal(count_lines(r.err), 1);
    cli_result_free(&r);
    assert_int_equal(llmc_key_store_list("anthropic", keys, 4, &n, &err), LLMC_OK);
    assert_int_equal(n, 1);
    assert_true(keys[0].last_verified > 0);
    assert_int_equal(keys[0].added, added);
    const char *force[] = {"keys", "set", "anthropic", "--force", NULL};
    r = llmc(force, envf("%s\n", other));
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    assert_int_equal(llmc_key_store_list("anthropic", keys, 4, &n, &err), LLMC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0].last_verified, 0); /* a new key: its marks start over */
    /* a new label is no replacement */
    const char *label[] = {"keys", "set", "anthropic", "--label", "second", NULL};
    r = llmc(label, envf("%s\n", valid));
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    /* removing a label that is not there is the command line's mistake, and names the labels */
    const char *rm[] = {"keys", "rm", "anthropic", "--label", "nosuch", NULL};
    r = llmc(rm, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "no anthropic key labelled \"nosuch\"");
    assert_has(r.err, "second");
    cli_result_free(&r);
    const char *rm_all[] = {"keys", "rm", "cerebras", "--all", NULL};
    r = llmc(rm_all, NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    const char *rm_ok[] = {"keys", "rm", "anthropic", "--label", "second", NULL};
    r = llmc(rm_ok, NULL);
    assert_int_equal(r.status, 0);
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
        T(test_usage_errors_are_one_line),
        T(test_verbose_says_where_the_model_came_from),
        T(test_batch_output_rules_and_normalized_format),
        T(test_batch_summary_names_the_cost),
        T(test_resume_without_input_says_what_it_resumed),
        T(test_keys_set_check_force_and_rm),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
