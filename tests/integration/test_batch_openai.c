/* SPDX-License-Identifier: MIT */
/*
 * test_batch_openai.c — `llmc batch --remote` on endpoints serving the OpenAI Batch API (the
 * generic OpenAI provider and Cerebras), against the emulator: the input uploaded as a file, a
 * batch created on it, polled, and its output and error files written by custom_id with the same
 * durability as the other engines (submit without waiting, resume by the printed id, resume again
 * adds nothing); expired and canceled batches; the library calls underneath.
 */
#include "test_batch_util.h"

#include <llmc/llmc.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static emulator emu;
static char dir[64];

static const char *tmp(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    batch_path(p, sizeof paths[0], dir, name);
    return p;
}

static json_t *only_result(json_t *by_id, const char *id)
{
    json_t *list = json_object_get(by_id, id);
    assert_non_null(list);
    assert_int_equal(json_array_size(list), 1);
    return json_array_get(list, 0);
}

static void write_input(const char *path, const char *provider, const char *model)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"%s/%s\","
            "\"messages\":[{\"role\":\"user\",\"content\":\"batch hello\"}]}}\n"
            "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"%s/"
            "missing-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n"
            "{\"custom_id\":\"c\",\"params\":{\"model\":\"%s/%s\",\"max_tokens\":16,\"system\":\"terse\","
            "\"messages\":[{\"role\":\"user\",\"content\":\"anthropic shape\"}]}}\n",
            provider, model, provider, provider, model);
    fclose(f);
}

static void test_openai_remote_batch_cli(void **state)
{
    (void)state;
    static const struct {
        const char *provider, *model, *prefix;
    } cases[] = {{"openai", "gpt-4.1-mini", "/openai/v1"}, {"cerebras", "gpt-oss-120b", "/cerebras/v1"}};
    for (size_t k = 0; k < 2; k++) {
        const char *in = tmp("in.jsonl"), *out = tmp("out.jsonl");
        unlink(out);
        write_input(in, cases[k].provider, cases[k].model);
        emulator_clear_requests(&emu);
        const char *args[] = {
            "batch", "--remote", in, "-o", out, "--poll", "0.05", "-H", "x-emulator-batch-delay-ms: 200", NULL};
        cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
        if (r.status != 0)
            fprintf(stderr, "%s\n", r.err);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.err, "2 succeeded, 1 errored"));
        char want[64];
        snprintf(want, sizeof want, "remote %s/batch_", cases[k].provider);
        assert_non_null(strstr(r.err, want));
        cli_result_free(&r);
        int torn;
        size_t bad, lines;
        json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
        assert_int_equal(lines, 3);
        json_t *a = only_result(by_id, "a");
        assert_string_equal(json_string_value(json_object_get(a, "type")), "succeeded");
        json_t *msg =
            json_object_get(json_array_get(json_object_get(json_object_get(a, "message"), "choices"), 0), "message");
        assert_string_equal(json_string_value(json_object_get(msg, "content")), "You said: batch hello");
        json_t *e = json_object_get(only_result(by_id, "b"), "error");
        assert_int_equal(json_integer_value(json_object_get(e, "http_status")), 404);
        assert_string_equal(json_string_value(json_object_get(e, "code")), "not_found");
        assert_string_equal(json_string_value(json_object_get(only_result(by_id, "c"), "type")), "succeeded");
        json_decref(by_id);

        /* what went over the wire: a multipart upload with purpose batch, then the batch */
        char *text = emulator_requests(&emu, true);
        json_t *all = json_loads(text, 0, NULL);
        free(text);
        json_t *upload = json_array_get(all, 0), *create = json_array_get(all, 1);
        char path[64];
        snprintf(path, sizeof path, "%s/files", cases[k].prefix);
        assert_string_equal(json_string_value(json_object_get(upload, "path")), path);
        const char *ubody = json_string_value(json_object_get(upload, "body"));
        assert_non_null(strstr(ubody, "name=\"purpose\"\r\n\r\nbatch\r\n"));
        assert_non_null(strstr(ubody, "\"url\":\"/v1/chat/completions\""));
        snprintf(want, sizeof want, "\"model\":\"%s\"", cases[k].model); /* the wire model */
        assert_non_null(strstr(ubody, want));
        snprintf(path, sizeof path, "%s/batches", cases[k].prefix);
        assert_string_equal(json_string_value(json_object_get(create, "path")), path);
        json_t *cbody = json_loads(json_string_value(json_object_get(create, "body")), 0, NULL);
        assert_string_equal(json_string_value(json_object_get(cbody, "completion_window")), "24h");
        assert_string_equal(json_string_value(json_object_get(cbody, "endpoint")), "/v1/chat/completions");
        json_decref(cbody);
        json_decref(all);
    }
}

static void test_submit_resume_cancel(void **state)
{
    (void)state;
    const char *in = tmp("s.jsonl"), *out = tmp("s.out");
    unlink(out);
    write_input(in, "openai", "gpt-4.1-mini");
    const char *submit[] = {"batch", "--remote", in, "-o", out, "--no-wait", NULL};
    cli_result r = run_cli(submit, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    char id[160];
    assert_int_equal(sscanf(r.out, "%159s", id), 1);
    assert_true(strncmp(id, "openai/batch_", 13) == 0);
    assert_non_null(strstr(r.err, "--resume openai/batch_"));
    cli_result_free(&r);
    const char *resume[] = {"batch", "--resume", id, "-o", out, in, "--poll", "0.05", NULL};
    r = run_cli(resume, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    assert_int_equal(batch_count_lines(out), 3);
    r = run_cli(resume, batch_env(&emu, dir), NULL); /* again: nothing new */
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "3 skipped"));
    cli_result_free(&r);
    assert_int_equal(batch_count_lines(out), 3);

    /* canceled before it ran */
    const char *out2 = tmp("c.out");
    unlink(out2);
    const char *slow[] = {"batch", "--remote", in, "-o", out2, "--no-wait", "-H", "x-emulator-batch-delay-ms: 60000",
                          NULL};
    r = run_cli(slow, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(sscanf(r.out, "%159s", id), 1);
    cli_result_free(&r);
    const char *cancel[] = {"batch", "--cancel", id, NULL};
    r = run_cli(cancel, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "cancelling"));
    cli_result_free(&r);
    const char *resume2[] = {"batch", "--resume", id, "-o", out2, in, "--poll", "0.05", NULL};
    r = run_cli(resume2, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out2, &torn, &bad, &lines);
    assert_int_equal(lines, 3);
    json_t *e = json_object_get(only_result(by_id, "a"), "error");
    assert_string_equal(json_string_value(json_object_get(e, "type")), "canceled");
    json_decref(by_id);
    /* an id of an endpoint with no batch engine, or none at all */
    const char *badid[] = {"batch", "--resume", "fireworks/batch_x", "-o", out2, NULL};
    r = run_cli(badid, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "not a remote batch id"));
    cli_result_free(&r);
}

static void test_expired_and_library(void **state)
{
    (void)state;
    const char *in = tmp("e.jsonl"), *out = tmp("e.out");
    unlink(out);
    write_input(in, "openai", "gpt-4.1-mini");
    const char *const *env = batch_env(&emu, dir);
    set_provider_env((const char *const *)env);
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    assert_int_equal(llmc_batch_set_output(b, out, &err), LLMC_OK);
    llmc_batch_set_poll_interval(b, 0.05);
    assert_int_equal(llmc_batch_add_header(b, "x-emulator-batch-expire: c", &err), LLMC_OK);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT, &err), LLMC_OK);
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    assert_string_equal(st.remote_status, "expired");
    assert_true(strncmp(llmc_batch_remote_id(b), "openai/batch_", 13) == 0);
    assert_int_equal(st.succeeded, 1);
    assert_int_equal(st.errored, 2);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    json_t *e = json_object_get(only_result(by_id, "c"), "error");
    assert_string_equal(json_string_value(json_object_get(e, "type")), "expired");
    json_decref(by_id);
    llmc_batch_free(b);
    llmc_client_free(c);
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openai_remote_batch_cli),
        cmocka_unit_test(test_submit_resume_cancel),
        cmocka_unit_test(test_expired_and_library),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
