/* SPDX-License-Identifier: MIT */
/*
 * test_batch_tokens.c — the batch limiter sizes requests by the provider's own figures: with a
 * token limit, Anthropic's count_tokens is asked for the first request before the run (the
 * counter takes the prompt only, so the output settings are left out), and a run without a
 * limit sends no count at all.
 */
#include "test_batch_util.h"
#include "models.h"

#include <llmc/llmc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static emulator emu;
static char dir[64];

static size_t count_paths(const char *path, json_t **first_body)
{
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    size_t n = 0, i;
    json_t *req;
    json_array_foreach(all, i, req)
    {
        if (strcmp(json_string_value(json_object_get(req, "path")), path) != 0)
            continue;
        if (n++ == 0 && first_body)
            *first_body = json_loads(json_string_value(json_object_get(req, "body")), 0, NULL);
    }
    json_decref(all);
    return n;
}

static void run(bool with_limit, const char *out)
{
    char in[256];
    batch_path(in, sizeof in, dir, "tok.in");
    batch_write_input(in, 6, strchr(TEST_MODEL_ANTHROPIC, '/') + 1);
    unlink(out);
    set_provider_env(batch_env(&emu, dir));
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    assert_int_equal(llmc_batch_set_output(b, out, &err), LLMC_OK);
    if (with_limit)
        assert_int_equal(llmc_batch_set_rate_limits(b, 0, 100000, &err), LLMC_OK);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    assert_int_equal(st.succeeded, 6);
    llmc_batch_free(b);
    llmc_client_free(c);
}

static void test_count_before_a_limited_run(void **state)
{
    (void)state;
    char out[256];
    batch_path(out, sizeof out, dir, "tok.out");
    emulator_clear_requests(&emu);
    run(true, out);
    json_t *body = NULL;
    assert_int_equal(count_paths("/anthropic/v1/messages/count_tokens", &body), 1);
    assert_non_null(body);
    assert_null(json_object_get(body, "max_tokens")); /* the counter takes the prompt only */
    assert_string_equal(json_string_value(json_object_get(body, "model")), strchr(TEST_MODEL_ANTHROPIC, '/') + 1);
    json_decref(body);

    batch_path(out, sizeof out, dir, "tok2.out");
    run(false, out);
    assert_int_equal(count_paths("/anthropic/v1/messages/count_tokens", NULL), 0);
}

static int setup(void **state)
{
    (void)state;
    llmc_global_init();
    emulator_start(&emu, NULL);
    batch_tmpdir(dir, sizeof dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    batch_rmdir(dir);
    llmc_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_count_before_a_limited_run)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
