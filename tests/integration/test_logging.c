/* SPDX-License-Identifier: MIT */
/*
 * test_logging.c — LLMC_LOG: debug shows more than info (each request line with its headers,
 * secret values redacted; each response's status, headers and timings), info the request line
 * and key source, warn only problems; an unknown level is refused by the CLI (exit 2). The key
 * never appears at any level.
 */
#include "auth_fixture.h"
#include "models.h"

#include <llmc/llmc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

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

static cli_result run_with_level(const char *level, const char *provider, const char *upper, const char *model)
{
    const char *env[] = {home.xdg_env, envf("LLMC_LOG=%s", level),
                         envf("%s_BASE_URL=%s", upper, emulator_base_url(&emu, provider)),
                         envf("%s_API_KEY=%s", upper, test_key(upper, "VALID")), NULL};
    const char *args[] = {"-m", model, "--no-stream", "log me", NULL};
    return run_cli(args, env, NULL);
}

static void test_levels(void **state)
{
    (void)state;
    static const struct {
        const char *provider, *upper, *model, *auth_header;
    } cases[] = {{"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC, "x-api-key: [REDACTED]"},
                 {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS, "Authorization: [REDACTED]"}};
    for (size_t i = 0; i < 2; i++) {
        const char *key = test_key(cases[i].upper, "VALID");
        cli_result debug = run_with_level("debug", cases[i].provider, cases[i].upper, cases[i].model);
        assert_int_equal(debug.status, 0);
        assert_string_equal(debug.out, "You said: log me\n");
        assert_has(debug.err, "llmc debug: > POST ");
        assert_has(debug.err, "(attempt 1, ");
        assert_has(debug.err, "llmc debug: > content-type: application/json");
        assert_has(debug.err, cases[i].auth_header);
        assert_has(debug.err, "llmc debug: < HTTP/1.1 200");
        assert_has(debug.err, "llmc debug: < HTTP 200 after ");
        assert_has(debug.err, "first byte");
        assert_lacks(debug.err, key);

        cli_result info = run_with_level("info", cases[i].provider, cases[i].upper, cases[i].model);
        assert_int_equal(info.status, 0);
        assert_has(info.err, "llmc info: POST ");
        assert_lacks(info.err, "llmc debug:");
        assert_lacks(info.err, "content-type");
        assert_lacks(info.err, key);
        assert_true(strlen(debug.err) > strlen(info.err));

        cli_result warn = run_with_level("warn", cases[i].provider, cases[i].upper, cases[i].model);
        assert_int_equal(warn.status, 0);
        assert_string_equal(warn.err, "");
        cli_result off = run_with_level("off", cases[i].provider, cases[i].upper, cases[i].model);
        assert_int_equal(off.status, 0);
        assert_string_equal(off.err, "");
        cli_result_free(&debug);
        cli_result_free(&info);
        cli_result_free(&warn);
        cli_result_free(&off);
    }
}

static void test_unknown_level_is_refused(void **state)
{
    (void)state;
    cli_result r = run_with_level("verbose", "cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "LLMC_LOG=\"verbose\" is not a level");
    assert_has(r.err, "debug, info, warn or off");
    assert_string_equal(r.out, "");
    cli_result_free(&r);
    /* nothing was sent */
    assert_int_equal(emulator_request_count(&emu), 0);

    llmc_log_level level = LLMC_LOG_WARN;
    int enabled = 0;
    assert_int_equal(llmc_log_level_parse("DEBUG", &level, &enabled), LLMC_OK);
    assert_int_equal(level, LLMC_LOG_DEBUG);
    assert_int_equal(enabled, 1);
    assert_int_equal(llmc_log_level_parse("off", &level, &enabled), LLMC_OK);
    assert_int_equal(enabled, 0);
    assert_int_equal(llmc_log_level_parse("trace", &level, &enabled), LLMC_E_INVALID_ARG);
}

static int group_setup(void **state)
{
    (void)state;
    home_make(&home);
    emulator_start(&emu, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    home_remove(&home);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_level_is_refused),
        cmocka_unit_test(test_levels),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
