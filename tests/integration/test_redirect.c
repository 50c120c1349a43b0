/* SPDX-License-Identifier: MIT */
/*
 * test_redirect.c — a redirect never carries a key to another address. One emulator answers
 * with a 3xx pointing at a second emulator on another port; llmc must refuse with
 * LLMC_E_INSECURE, and the second emulator's request log must stay empty (so no key reached it).
 */
#include "harness.h"
#include "models.h"

#include <llmc/llmc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static emulator origin, elsewhere;

static const struct {
    const char *provider, *upper, *model, *path;
} providers[] = {
    {"anthropic", "ANTHROPIC", TEST_MODEL_ANTHROPIC, "/anthropic/v1/messages"},
    {"cerebras", "CEREBRAS", TEST_MODEL_CEREBRAS, "/cerebras/v1/chat/completions"},
    {"openai", "OPENAI", TEST_MODEL_OPENAI, "/openai/v1/chat/completions"},
};

static const int redirects[] = {301, 302, 303, 307, 308};

static void reset(void)
{
    free(emulator_requests(&origin, true));
    free(emulator_requests(&elsewhere, true));
    emulator_call(&origin, "DELETE", "/_emulator/faults", NULL, NULL);
}

/* Queue a redirect on `origin` to the same path on `elsewhere`; returns the Location. */
static const char *queue_redirect(const char *path, int status, int count)
{
    static char location[256];
    snprintf(location, sizeof location, "%s%s", elsewhere.base, path);
    char fault[512];
    snprintf(fault, sizeof fault,
             "{\"path\":\"%s\",\"status\":%d,\"count\":%d,\"headers\":{\"location\":\"%s\"},\"body\":\"\"}", path,
             status, count, location);
    emulator_fault(&origin, fault);
    return location;
}

static void test_library_refuses_every_redirect(void **state)
{
    (void)state;
    for (size_t p = 0; p < sizeof providers / sizeof providers[0]; p++)
        for (size_t i = 0; i < sizeof redirects / sizeof redirects[0]; i++) {
            reset();
            /* queued three times: even a client that retried would meet only redirects */
            const char *location = queue_redirect(providers[p].path, redirects[i], 3);
            llmc_client *c = llmc_client_new();
            llmc_error err;
            const char *url = emulator_base_url(&origin, providers[p].provider);
            assert_int_equal(llmc_client_set_base_url(c, providers[p].provider, url, &err), LLMC_OK);
            const char *key = test_key(providers[p].upper, "VALID");
            assert_int_equal(llmc_client_set_key(c, providers[p].provider, key, &err), LLMC_OK);
            llmc_request *req = llmc_request_new(providers[p].model);
            llmc_request_add_message(req, LLMC_ROLE_USER, "follow me", &err);
            llmc_response *resp = NULL;
            llmc_code rc = llmc_messages_create(c, req, &resp, &err);
            if (rc != LLMC_E_INSECURE)
                fprintf(stderr, "%s %d: rc %d: %s\n", providers[p].provider, redirects[i], rc, err.message);
            assert_int_equal(rc, LLMC_E_INSECURE);
            assert_null(resp);
            assert_int_equal(err.http_status, redirects[i]);
            assert_int_equal(err.attempts, 1);
            assert_non_null(strstr(err.message, "redirect"));
            assert_non_null(strstr(err.message, location));
            assert_null(strstr(err.message, key));
            /* the origin saw the one request; the other address saw nothing at all */
            assert_int_equal(emulator_request_count(&origin), 1);
            assert_int_equal(emulator_request_count(&elsewhere), 0);
            llmc_request_free(req);
            llmc_client_free(c);
        }
}

static void test_cli_refuses_redirect(void **state)
{
    (void)state;
    reset();
    const char *location = queue_redirect("/anthropic/v1/messages", 302, 3);
    const char *key = test_key("ANTHROPIC", "VALID");
    char base_var[256], key_var[256];
    snprintf(base_var, sizeof base_var, "ANTHROPIC_BASE_URL=%s", emulator_base_url(&origin, "anthropic"));
    snprintf(key_var, sizeof key_var, "ANTHROPIC_API_KEY=%s", key);
    const char *env[] = {base_var, key_var, NULL};
    const char *args[] = {"-m", TEST_MODEL_ANTHROPIC, "follow me", NULL};
    cli_result r = run_cli(args, env, NULL);
    if (r.status != 3)
        fprintf(stderr, "cli: status %d\n%s", r.status, r.err);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "redirect"));
    assert_non_null(strstr(r.err, location));
    assert_null(strstr(r.err, key));
    assert_null(strstr(r.out, key));
    assert_int_equal(emulator_request_count(&origin), 1);
    assert_int_equal(emulator_request_count(&elsewhere), 0);
    cli_result_free(&r);
}

/* Whatever the emulator on the other port recorded must not hold a key (belt and braces: the
 * count above is 0, but this also covers a control-plane mistake). */
static void test_no_key_anywhere_else(void **state)
{
    (void)state;
    char *log = emulator_requests(&elsewhere, false);
    for (size_t p = 0; p < sizeof providers / sizeof providers[0]; p++)
        assert_null(strstr(log, test_key(providers[p].upper, "VALID")));
    free(log);
}

static int group_setup(void **state)
{
    (void)state;
    set_provider_env(NULL);
    emulator_start(&origin, NULL);
    emulator_start(&elsewhere, NULL);
    assert_int_not_equal(origin.port, elsewhere.port);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&origin);
    emulator_stop(&elsewhere);
    return 0;
}

int main(void)
{
    llmc_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_refuses_every_redirect),
        cmocka_unit_test(test_cli_refuses_redirect),
        cmocka_unit_test(test_no_key_anywhere_else),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    llmc_global_cleanup();
    return failed;
}
