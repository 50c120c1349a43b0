/* SPDX-License-Identifier: MIT */
/*
 * test_batch.c — batches against the emulator: the library's local runner over every provider
 * (what was sent, what was written), resume after a torn line, retries and a 429's pause, a
 * rejected or missing key, stop; the CLI's input checks (line numbers, exit 2, nothing sent);
 * and the remote flows (Anthropic with expired and canceled requests, Fireworks jobs).
 */
#include "test_batch_util.h"

#include <llmc/llmc.h>

#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static emulator emu;
static char dir[64];
static char data_dir[512];

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    batch_tmpdir(dir, sizeof dir);
    char src[512];
    snprintf(src, sizeof src, "%s", __FILE__);
    snprintf(data_dir, sizeof data_dir, "%s/data/batch", dirname(src));
    const char **env = batch_env(&emu, dir);
    set_provider_env(env);
    for (size_t i = 0; env[i]; i++)
        putenv((char *)env[i]); /* XDG_CONFIG_HOME and FIREWORKS_ACCOUNT_ID too */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    batch_rmdir(dir);
    return 0;
}

static const char *data(const char *name)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    return path;
}

static const char *tmp(const char *name)
{
    static char paths[8][600];
    static int next;
    char *p = paths[next++ % 8];
    batch_path(p, 600, dir, name);
    unlink(p);
    return p;
}

static json_t *requests(void)
{
    char *text = emulator_requests(&emu, true);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(all);
    return all;
}

/* The recorded request whose body holds `needle`. Borrowed from `all`. */
static json_t *request_with(json_t *all, const char *needle)
{
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r)
    {
        const char *body = json_string_value(json_object_get(r, "body"));
        if (body && strstr(body, needle))
            return r;
    }
    return NULL;
}

static json_t *only_result(json_t *by_id, const char *id)
{
    json_t *list = json_object_get(by_id, id);
    assert_non_null(list);
    assert_int_equal(json_array_size(list), 1);
    return json_array_get(list, 0);
}

typedef struct seen_progress {
    int calls, finished_calls;
    size_t last_done;
    llmc_batch *stop_me;
    size_t stop_after;
} seen_progress;

static void on_progress(void *userdata, const llmc_batch_progress *p)
{
    seen_progress *s = userdata;
    s->calls++;
    s->finished_calls += p->finished;
    s->last_done = p->succeeded + p->errored;
    if (s->stop_me && s->last_done >= s->stop_after)
        llmc_batch_stop(s->stop_me);
}

static void test_local_every_provider(void **state)
{
    (void)state;
    const char *out = tmp("mixed.out");
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    seen_progress sp = {0};
    emulator_clear_requests(&emu);
    assert_int_equal(llmc_batch_set_output(b, out, &err), LLMC_OK);
    assert_int_equal(llmc_batch_set_concurrency(b, 3, &err), LLMC_OK);
    llmc_batch_set_progress(b, on_progress, &sp, 0.01);
    assert_int_equal(llmc_batch_run(b, data("mixed.jsonl"), &err), LLMC_OK);
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    assert_int_equal(st.total, 6);
    assert_int_equal(st.succeeded, 5);
    assert_int_equal(st.errored, 1);
    assert_int_equal(st.skipped, 0);
    assert_true(st.input_tokens > 0 && st.output_tokens > 0);
    assert_int_equal(sp.finished_calls, 1);
    assert_int_equal(sp.last_done, 6);

    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_false(torn);
    assert_int_equal(bad, 0);
    assert_int_equal(lines, 6);
    json_t *r1 = only_result(by_id, "m1");
    assert_string_equal(json_string_value(json_object_get(r1, "type")), "succeeded");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(json_object_get(r1, "message"), "content"), 0), "text")),
                        "You said: hello from anthropic");
    json_t *r2 = only_result(by_id, "m2");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r2, "message"), "object")),
                        "chat.completion");
    only_result(by_id, "m3");
    only_result(by_id, "m4");
    only_result(by_id, "m6 with spaces \xc3\xa9");
    json_t *r5 = only_result(by_id, "m5");
    assert_string_equal(json_string_value(json_object_get(r5, "type")), "errored");
    json_t *e5 = json_object_get(r5, "error");
    assert_int_equal(json_integer_value(json_object_get(e5, "http_status")), 404);
    assert_string_equal(json_string_value(json_object_get(e5, "code")), "not_found");
    assert_string_equal(json_string_value(json_object_get(e5, "type")), "not_found_error");
    assert_true(strncmp(json_string_value(json_object_get(e5, "request_id")), "req_", 4) == 0);
    json_decref(by_id);

    /* what went over the wire: wire models, no stream, Anthropic params turned OpenAI-shaped */
    json_t *all = requests();
    json_t *a = request_with(all, "hello from anthropic");
    assert_string_equal(json_string_value(json_object_get(a, "path")), "/anthropic/v1/messages");
    json_t *abody = json_loads(json_string_value(json_object_get(a, "body")), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(abody, "model")), "claude-sonnet-4-6");
    assert_string_equal(json_string_value(json_object_get(abody, "system")), "Be brief.");
    json_decref(abody);
    json_t *cb = request_with(all, "hello from cerebras");
    assert_string_equal(json_string_value(json_object_get(cb, "path")), "/cerebras/v1/chat/completions");
    json_t *cbody = json_loads(json_string_value(json_object_get(cb, "body")), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(cbody, "model")), "gpt-oss-120b");
    assert_null(json_object_get(cbody, "stream"));
    json_decref(cbody);
    json_t *fw = request_with(all, "hello from fireworks");
    assert_string_equal(json_string_value(json_object_get(fw, "path")), "/fireworks/inference/v1/chat/completions");
    json_t *fbody = json_loads(json_string_value(json_object_get(fw, "body")), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(fbody, "model")), "accounts/fireworks/models/gpt-oss-120b");
    json_t *first = json_array_get(json_object_get(fbody, "messages"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "role")), "system");
    assert_null(json_object_get(fbody, "system"));
    assert_non_null(json_object_get(fbody, "stop"));
    assert_null(json_object_get(fbody, "stop_sequences"));
    json_decref(fbody);
    const char *auth = json_string_value(json_object_get(json_object_get(fw, "headers"), "authorization"));
    assert_non_null(auth);
    assert_int_equal(json_array_size(all), 6);
    json_decref(all);

    /* a rerun finds everything done: nothing is sent, nothing is written */
    assert_int_equal(llmc_batch_run(b, data("mixed.jsonl"), &err), LLMC_OK);
    llmc_batch_stats(b, &st);
    assert_int_equal(st.skipped, 6);
    assert_int_equal(st.succeeded + st.errored, 0);
    assert_int_equal(emulator_request_count(&emu), 0);
    assert_int_equal(batch_count_lines(out), 6);
    llmc_batch_free(b);
    llmc_client_free(c);
}

static void test_resume_after_torn_line(void **state)
{
    (void)state;
    const char *in = tmp("resume.in"), *out = tmp("resume.out");
    batch_write_input(in, 50, NULL);
    /* an earlier run: 10 whole results, then one cut off mid-line */
    FILE *f = fopen(out, "w");
    for (int i = 0; i < 10; i++)
        fprintf(f, "{\"custom_id\":\"r%d\",\"result\":{\"type\":\"succeeded\",\"message\":{\"earlier\":true}}}\n", i);
    fprintf(f, "{\"custom_id\":\"r10\",\"result\":{\"type\":\"succ");
    fclose(f);
    emulator_clear_requests(&emu);
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    llmc_batch_set_output(b, out, &err);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    assert_int_equal(st.skipped, 10);
    assert_int_equal(st.succeeded, 40);
    assert_int_equal(emulator_request_count(&emu), 40);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_false(torn);
    assert_int_equal(bad, 0);
    assert_int_equal(lines, 50);
    for (int i = 0; i < 50; i++) {
        char id[16];
        snprintf(id, sizeof id, "r%d", i);
        json_t *r = only_result(by_id, id);
        /* the first ten were kept as they were, not redone */
        assert_int_equal(json_is_true(json_object_get(json_object_get(r, "message"), "earlier")), i < 10);
    }
    json_decref(by_id);

    /* a file something else wrote is not appended to */
    const char *foreign = tmp("foreign.out");
    batch_write_text(foreign, "hello, I am not a result\n");
    llmc_batch_set_output(b, foreign, &err);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_E_IO);
    assert_non_null(strstr(err.message, "line 1"));
    llmc_batch_free(b);
    llmc_client_free(c);
}

static void test_retries_and_pause(void **state)
{
    (void)state;
    const char *in = tmp("retry.in"), *out = tmp("retry.out");
    batch_write_input(in, 20, NULL);
    emulator_clear_requests(&emu);
    /* one 429 asking for a second's pause, then one 529 overloaded */
    emulator_fault(&emu,
                   "[{\"path\":\"/anthropic/v1/messages\",\"status\":429,\"headers\":{\"retry-after\":\"1\"}},"
                   "{\"path\":\"/anthropic/v1/messages\",\"status\":529}]");
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_concurrency(b, 1, &err);
    double t0 = batch_now();
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    double took = batch_now() - t0;
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    assert_int_equal(st.succeeded, 20);
    assert_int_equal(st.errored, 0);
    assert_int_equal(st.retries, 2);
    assert_int_equal(emulator_request_count(&emu), 22);
    assert_true(took >= 0.95); /* the provider's retry-after was honoured */
    llmc_batch_free(b);
    llmc_client_free(c);

    /* retries exhausted (a one-request batch, so the three failures are all its own; in a larger
     * one the free slot goes to the next request while the first waits to retry): an errored line
     * with the status */
    const char *out2 = tmp("retry2.out");
    batch_write_input(in, 1, NULL);
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":500,\"count\":3}");
    c = llmc_client_new();
    b = llmc_batch_new(c);
    llmc_client_set_max_retries(c, 2);
    llmc_batch_set_output(b, out2, &err);
    llmc_batch_set_concurrency(b, 1, &err);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    llmc_batch_stats(b, &st);
    assert_int_equal(st.succeeded, 0);
    assert_int_equal(st.errored, 1);
    assert_int_equal(st.retries, 2);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out2, &torn, &bad, &lines);
    json_t *r0 = only_result(by_id, "r0");
    assert_string_equal(json_string_value(json_object_get(r0, "type")), "errored");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r0, "error"), "http_status")), 500);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r0, "error"), "code")), "server");
    json_decref(by_id);
    llmc_batch_free(b);
    llmc_client_free(c);
}

static void test_rejected_and_missing_key(void **state)
{
    (void)state;
    const char *in = tmp("key.in"), *out = tmp("key.out");
    batch_write_input(in, 30, NULL);
    const char *revoked = test_key("ANTHROPIC", "REVOKED");
    setenv("ANTHROPIC_API_KEY", revoked, 1);
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    llmc_batch_set_output(b, out, &err);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_E_AUTH);
    assert_int_equal(err.http_status, 401);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_AUTH_REJECTED);
    assert_string_equal(err.diagnosis.source_name, "ANTHROPIC_API_KEY");
    assert_null(strstr(err.message, revoked));
    /* nothing is written for a rejected key: a rerun with a good key does them all */
    assert_int_equal(batch_count_lines(out), 0);
    llmc_batch_free(b);
    llmc_client_free(c);

    /* no key at all: found before anything is sent (first let the abandoned transfers of the
     * rejected run land, so they are not counted against this one) */
    unsetenv("ANTHROPIC_API_KEY");
    emulator_settle(&emu);
    emulator_clear_requests(&emu);
    c = llmc_client_new();
    llmc_client_use_key_store(c, 0);
    b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_E_KEY);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_KEY_MISSING);
    assert_int_equal(emulator_request_count(&emu), 0);
    llmc_batch_free(b);
    llmc_client_free(c);
    setenv("ANTHROPIC_API_KEY", test_key("ANTHROPIC", "VALID"), 1);

    /* the CLI: exit 3, the diagnosis, never the key (a well-formed key the emulator does not know) */
    char keyvar[200];
    snprintf(keyvar, sizeof keyvar, "ANTHROPIC_API_KEY=sk-ant-api03-thisisnotarealkey%s",
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA");
    char xdg[600];
    snprintf(xdg, sizeof xdg, "XDG_CONFIG_HOME=%s", dir);
    const char *env2[] = {batch_env(&emu, dir)[0], keyvar, xdg, NULL};
    const char *args[] = {"batch", in, "-o", out, NULL};
    cli_result r = run_cli(args, env2, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "auth.rejected"));
    assert_null(strstr(r.err, "thisisnotarealkey"));
    assert_null(strstr(r.out, "thisisnotarealkey"));
    cli_result_free(&r);
    size_t len;
    char *text = batch_read_file(out, &len);
    assert_true(!text || !strstr(text, "thisisnotarealkey"));
    free(text);
}

static void test_stop_then_finish(void **state)
{
    (void)state;
    const char *in = tmp("stop.in"), *out = tmp("stop.out");
    batch_write_input(in, 300, NULL);
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    seen_progress sp = {.stop_me = b, .stop_after = 50};
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_concurrency(b, 4, &err);
    llmc_batch_set_rate_limits(b, 6000, 0, &err); /* 100/s: slow enough to stop part-way */
    llmc_batch_set_progress(b, on_progress, &sp, 0.01);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_E_ABORTED);
    size_t after_stop = batch_count_lines(out);
    assert_true(after_stop >= 50 && after_stop < 300);
    llmc_batch_set_progress(b, NULL, NULL, 0);
    llmc_batch_set_rate_limits(b, 0, 0, &err);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_int_equal(lines, 300);
    assert_int_equal(json_object_size(by_id), 300);
    json_decref(by_id);
    llmc_batch_free(b);
    llmc_client_free(c);
}

/* The CLI checks the input and lists each problem with its line; nothing is sent (exit 2). */
static void check_input(const char *file, const char *const *expect)
{
    const char *out = tmp("invalid.out");
    emulator_clear_requests(&emu);
    const char *args[] = {"batch", data(file), "-o", out, NULL};
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    if (r.status != 2)
        fprintf(stderr, "%s: %s\n", file, r.err);
    assert_int_equal(r.status, 2);
    for (size_t i = 0; expect[i]; i++) {
        if (!strstr(r.err, expect[i]))
            fprintf(stderr, "missing \"%s\" in:\n%s\n", expect[i], r.err);
        assert_non_null(strstr(r.err, expect[i]));
    }
    assert_non_null(strstr(r.err, "nothing was sent"));
    assert_int_equal(emulator_request_count(&emu), 0);
    cli_result_free(&r);
}

static void test_input_validation(void **state)
{
    (void)state;
    check_input("malformed_json.jsonl", (const char *[]){"malformed_json.jsonl:2: not valid JSON", NULL});
    check_input("duplicate_id.jsonl",
                (const char *[]){"duplicate_id.jsonl:4: duplicate custom_id \"a\" (first on line 1)", NULL});
    check_input("missing_id.jsonl", (const char *[]){"missing_id.jsonl:1: missing custom_id",
                                                     "missing_id.jsonl:2: custom_id must be a non-empty string",
                                                     "missing_id.jsonl:3: custom_id must be", NULL});
    check_input("bad_shape.jsonl",
                (const char *[]){"bad_shape.jsonl:1: neither \"params\"", "bad_shape.jsonl:2: not a JSON object",
                                 "bad_shape.jsonl:3: method must be \"POST\"", "bad_shape.jsonl:4: url must be",
                                 "bad_shape.jsonl:5: params.model must be",
                                 "bad_shape.jsonl:6: params.messages must be", NULL});
    check_input("openai_to_anthropic.jsonl",
                (const char *[]){
                    "openai_to_anthropic.jsonl:1: model \"gpt-4.1-mini\" goes to anthropic",
                    "openai_to_anthropic.jsonl:2: model \"anthropic/claude-sonnet-4-6\" goes to anthropic",
                    "openai_to_anthropic.jsonl:3: the model \"cerebras/\" names the provider cerebras but no model",
                    NULL});
    check_input("empty.jsonl", (const char *[]){"holds no requests", NULL});

    /* --provider sends bare OpenAI-shape models elsewhere: then the same file is fine */
    const char *out = tmp("provider.out");
    const char *in = tmp("provider.in");
    batch_write_text(in,
                     "{\"custom_id\":\"o1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                     "\"gpt-oss-120b\",\"messages\":[{\"role\":\"user\",\"content\":\"bare model\"}]}}\n");
    const char *args[] = {"batch", in, "-o", out, "--provider", "cerebras", NULL};
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "1 succeeded, 0 errored"));
    assert_string_equal(r.out, "");
    cli_result_free(&r);

    /* bad command lines */
    const char *no_out[] = {"batch", in, NULL};
    r = run_cli(no_out, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    const char *key_header[] = {"batch", in, "-o", out, "-H", "x-api-key: sk-ant-nope", NULL};
    r = run_cli(key_header, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "refused the header x-api-key"));
    assert_null(strstr(r.err, "sk-ant-nope"));
    cli_result_free(&r);
    const char *missing[] = {"batch", "/nonexistent/in.jsonl", "-o", out, NULL};
    r = run_cli(missing, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "/nonexistent/in.jsonl"));
    cli_result_free(&r);
}

/* ---- remote ---- */

static void test_remote_anthropic(void **state)
{
    (void)state;
    const char *in = tmp("ra.in"), *out = tmp("ra.out");
    batch_write_text(
        in,
        "{\"custom_id\":\"ok\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"remote hello\"}]}}\n"
        "{\"custom_id\":\"bad\",\"params\":{\"model\":\"missing-model\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n"
        "{\"custom_id\":\"late\",\"params\":{\"model\":\"anthropic/claude-sonnet-4-6\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"too late\"}]}}\n");
    const char *args[] = {"batch",
                          "--remote",
                          in,
                          "-o",
                          out,
                          "--poll",
                          "0.05",
                          "-H",
                          "x-emulator-batch-delay-ms: 300",
                          "-H",
                          "x-emulator-batch-expire: late",
                          NULL};
    emulator_clear_requests(&emu);
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "1 succeeded, 2 errored"));
    assert_non_null(strstr(r.err, "remote msgbatch_"));
    cli_result_free(&r);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_int_equal(lines, 3);
    json_t *ok = only_result(by_id, "ok");
    assert_string_equal(json_string_value(json_object_get(ok, "type")), "succeeded");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(json_object_get(ok, "message"), "content"), 0), "text")),
                        "You said: remote hello");
    json_t *e = json_object_get(only_result(by_id, "bad"), "error");
    assert_int_equal(json_integer_value(json_object_get(e, "http_status")), 404);
    assert_string_equal(json_string_value(json_object_get(e, "type")), "not_found_error");
    e = json_object_get(only_result(by_id, "late"), "error");
    assert_string_equal(json_string_value(json_object_get(e, "type")), "expired");
    json_decref(by_id);
    /* the batch went in one create call with wire models, and was polled while in progress */
    json_t *all = requests();
    json_t *create = json_array_get(all, 0);
    assert_string_equal(json_string_value(json_object_get(create, "path")), "/anthropic/v1/messages/batches");
    json_t *body = json_loads(json_string_value(json_object_get(create, "body")), 0, NULL);
    assert_int_equal(json_array_size(json_object_get(body, "requests")), 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(json_object_get(body, "requests"), 2), "params"), "model")),
                        "claude-sonnet-4-6");
    json_decref(body);
    assert_true(json_array_size(all) >= 4); /* create, polls, results */
    json_decref(all);

    /* canceled: submit without waiting, cancel, collect */
    const char *out2 = tmp("rc.out");
    const char *submit[] = {"batch", "--remote", in, "-o", out2, "--no-wait", "-H", "x-emulator-batch-delay-ms: 60000",
                            NULL};
    r = run_cli(submit, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    char id[128];
    assert_int_equal(sscanf(r.out, "%127s", id), 1);
    assert_true(strncmp(id, "msgbatch_", 9) == 0);
    cli_result_free(&r);
    const char *cancel[] = {"batch", "--cancel", id, NULL};
    r = run_cli(cancel, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "canceling"));
    cli_result_free(&r);
    const char *resume[] = {"batch", "--resume", id, "-o", out2, in, "--poll", "0.05", NULL};
    r = run_cli(resume, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    by_id = batch_read_out(out2, &torn, &bad, &lines);
    assert_int_equal(lines, 3);
    e = json_object_get(only_result(by_id, "ok"), "error");
    assert_string_equal(json_string_value(json_object_get(e, "type")), "canceled");
    assert_string_equal(json_string_value(json_object_get(e, "code")), "aborted");
    json_decref(by_id);
    /* resuming again adds nothing */
    r = run_cli(resume, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "3 skipped"));
    cli_result_free(&r);
    assert_int_equal(batch_count_lines(out2), 3);
}

static void test_remote_fireworks(void **state)
{
    (void)state;
    const char *in = tmp("rf.in"), *out = tmp("rf.out");
    FILE *f = fopen(in, "w");
    for (int i = 0; i < 25; i++)
        fprintf(f,
                "{\"custom_id\":\"f%d\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                "\"fireworks/accounts/fireworks/models/gpt-oss-120b\",\"max_tokens\":16,\"messages\":"
                "[{\"role\":\"user\",\"content\":\"fire %d\"}]}}\n",
                i, i);
    fclose(f);
    emulator_clear_requests(&emu);
    /* the library: progress shows the job's states as it walks them */
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_poll_interval(b, 0.05);
    llmc_batch_add_header(b, "x-emulator-batch-delay-ms: 400", &err);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT, &err), LLMC_OK);
    assert_true(strncmp(llmc_batch_remote_id(b), "accounts/test-account/batchInferenceJobs/", 41) == 0);
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    assert_int_equal(st.succeeded, 25);
    assert_string_equal(st.remote_status, "JOB_STATE_COMPLETED");
    assert_int_equal(st.input_tokens, 50);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_int_equal(lines, 25);
    json_t *m = json_object_get(only_result(by_id, "f7"), "message");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(json_object_get(m, "choices"), 0), "message"), "content")),
                        "You said: fire 7");
    json_decref(by_id);
    /* the download went to the signed URL without the key */
    json_t *all = requests();
    size_t i;
    json_t *rq;
    int downloads = 0;
    json_array_foreach(all, i, rq)
    {
        const char *path = json_string_value(json_object_get(rq, "path"));
        if (strncmp(path, "/fireworks/_signed/", 19) == 0) {
            downloads++;
            assert_null(json_object_get(json_object_get(rq, "headers"), "authorization"));
        } else {
            assert_non_null(json_object_get(json_object_get(rq, "headers"), "authorization"));
        }
    }
    assert_int_equal(downloads, 1);
    json_decref(all);

    llmc_batch_free(b);

    /* a canceled job: every request errored "canceled" */
    const char *out2 = tmp("rf2.out");
    b = llmc_batch_new(c);
    llmc_batch_set_output(b, out2, &err);
    llmc_batch_add_header(b, "x-emulator-batch-delay-ms: 60000", &err);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_SUBMIT, &err), LLMC_OK);
    char id[256];
    snprintf(id, sizeof id, "%s", llmc_batch_remote_id(b));
    assert_int_equal(llmc_batch_cancel_remote(b, id, &err), LLMC_OK);
    assert_int_equal(llmc_batch_resume_remote(b, id, in, &err), LLMC_OK);
    llmc_batch_stats(b, &st);
    assert_int_equal(st.errored, 25);
    assert_string_equal(st.remote_status, "JOB_STATE_CANCELLED");
    llmc_batch_free(b);
    llmc_client_free(c);

    /* a job whose model is missing fails: every request says so */
    const char *in3 = tmp("rf3.in"), *out3 = tmp("rf3.out");
    batch_write_text(in3,
                     "{\"custom_id\":\"x1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                     "\"fireworks/missing-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n");
    const char *args[] = {"batch", "--remote", in3, "-o", out3, "--poll", "0.05", NULL};
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "0 succeeded, 1 errored"));
    cli_result_free(&r);
    by_id = batch_read_out(out3, &torn, &bad, &lines);
    json_t *e = json_object_get(only_result(by_id, "x1"), "error");
    assert_string_equal(json_string_value(json_object_get(e, "type")), "failed");
    json_decref(by_id);

    /* one engine per remote batch */
    const char *mixed[] = {"batch", "--remote", data("mixed.jsonl"), "-o", tmp("mixed-remote.out"), NULL};
    r = run_cli(mixed, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "a remote batch runs at one provider"));
    cli_result_free(&r);
}

static void test_remote_fireworks_canceled_lines(void **state)
{
    (void)state;
    /* the CLI flow for a canceled Fireworks job: no output at all, every line "canceled" */
    const char *in = tmp("rfc.in"), *out = tmp("rfc.out");
    batch_write_text(
        in,
        "{\"custom_id\":\"c1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
        "\"fireworks/accounts/fireworks/models/gpt-oss-120b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n"
        "{\"custom_id\":\"c2\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
        "\"fireworks/accounts/fireworks/models/gpt-oss-120b\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}}\n");
    const char *submit[] = {"batch", "--remote", in, "-o", out, "--no-wait", "-H", "x-emulator-batch-delay-ms: 60000",
                            NULL};
    cli_result r = run_cli(submit, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    char id[256];
    assert_int_equal(sscanf(r.out, "%255s", id), 1);
    cli_result_free(&r);
    const char *cancel[] = {"batch", "--cancel", id, NULL};
    r = run_cli(cancel, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "JOB_STATE_CANCELLED"));
    cli_result_free(&r);
    const char *resume[] = {"batch", "--resume", id, "-o", out, in, NULL};
    r = run_cli(resume, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_int_equal(lines, 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(only_result(by_id, "c2"), "error"), "type")),
                        "canceled");
    json_decref(by_id);
    const char *bogus[] = {"batch", "--resume", "../../etc", "-o", out, NULL};
    r = run_cli(bogus, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "not a remote batch id"));
    cli_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_every_provider),
        cmocka_unit_test(test_resume_after_torn_line),
        cmocka_unit_test(test_retries_and_pause),
        cmocka_unit_test(test_rejected_and_missing_key),
        cmocka_unit_test(test_stop_then_finish),
        cmocka_unit_test(test_input_validation),
        cmocka_unit_test(test_remote_anthropic),
        cmocka_unit_test(test_remote_fireworks),
        cmocka_unit_test(test_remote_fireworks_canceled_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
