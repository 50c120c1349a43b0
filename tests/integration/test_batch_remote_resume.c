/* SPDX-License-Identifier: MIT */
/*
 * test_batch_remote_resume.c — a remote batch is submitted once, whatever happens to the run:
 *  - `llmc batch --remote` killed with SIGKILL after submitting has already recorded the batch's
 *    id in OUT.remote (and printed it on stderr, a plain file here); the same command run again
 *    resumes that batch — no second create request — and collects every result once;
 *  - the same for an OpenAI Batch API batch (the CLI killed after submitting, and the library
 *    submitting without waiting, then another input refused on that output);
 *  - the same for a Fireworks job through the library, after a submit without waiting;
 *  - an output that belongs to a remote batch is refused to a local run and to another input;
 *    `--resume ID` and a finished run remove the record; a damaged record is an error that says
 *    what to do, never a silent second submission.
 */
#include "test_batch_util.h"
#include "models.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "llmc/llmc.h"

#define N_REQUESTS 5

static emulator emu;
static char dir[64];

static const char *tmp(const char *name)
{
    static char bufs[8][160];
    static int next;
    char *b = bufs[next++ % 8];
    batch_path(b, 160, dir, name);
    return b;
}

/* How many recorded requests were `method` to a path starting with `prefix`. */
static size_t count_requests(const char *method, const char *prefix)
{
    char *text = emulator_requests(&emu, false);
    json_t *all = json_loads(text, 0, NULL);
    free(text);
    size_t i, n = 0;
    json_t *req;
    json_array_foreach(all, i, req)
    {
        const char *m = json_string_value(json_object_get(req, "method"));
        const char *p = json_string_value(json_object_get(req, "path"));
        n += m && p && strcmp(m, method) == 0 && strncmp(p, prefix, strlen(prefix)) == 0;
    }
    json_decref(all);
    return n;
}

/* The remote id recorded beside `out`, or "" (static buffer). */
static const char *recorded_id(const char *out)
{
    static char id[256];
    char path[200];
    snprintf(path, sizeof path, "%s.remote", out);
    json_t *root = json_load_file(path, 0, NULL);
    snprintf(id, sizeof id, "%s", root ? json_string_value(json_object_get(root, "remote_id")) : "");
    json_decref(root);
    return id;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The CLI in the background with stderr to a file (not a terminal). */
static pid_t spawn_logged(const char *const *args, const char *log_path)
{
    const char *argv[32] = {LLMC_CLI_PATH};
    size_t n = 1;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    const char *const *env = batch_env(&emu, dir);
    const char *envp[32] = {"PATH=/usr/bin:/bin"};
    size_t m = 1;
    for (size_t i = 0; env[i] && m < 31; i++)
        envp[m++] = env[i];
    envp[m] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        execve(LLMC_CLI_PATH, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    return pid;
}

/* N_REQUESTS lines in the OpenAI Batch API's own shape for `model` ("openai/gpt-4.1-mini"). */
static void write_openai_input(const char *path, const char *model)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < N_REQUESTS; i++)
        fprintf(f,
                "{\"custom_id\":\"r%d\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                "\"%s\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"openai %d\"}]}}\n",
                i, model, i);
    fclose(f);
}

/* `llmc batch --remote` killed with SIGKILL once the batch exists; the same command again must
 * resume it. `create_path` is where the engine creates a batch, `id_prefix` how its ids start. */
static void killed_after_submit_resumes(const char *in, const char *out, const char *log, const char *create_path,
                                        const char *id_prefix)
{
    emulator_clear_requests(&emu);
    const char *args[] = {"batch", "--remote", in, "-o", out, "--poll", "0.1", "-H", "x-emulator-batch-delay-ms: 2500",
                          NULL};
    pid_t pid = spawn_logged(args, log);
    char record[200];
    snprintf(record, sizeof record, "%s.remote", out);
    double deadline = batch_now() + 10;
    while (!exists(record) && batch_now() < deadline)
        batch_sleep_ms(10);
    assert_true(exists(record));
    char id[256];
    snprintf(id, sizeof id, "%s", recorded_id(out));
    assert_true(strncmp(id, id_prefix, strlen(id_prefix)) == 0);
    /* printed on stderr though it is a plain file: wait until it is there, then kill */
    size_t len = 0;
    char *text = NULL;
    while (batch_now() < deadline) {
        free(text);
        text = batch_read_file(log, &len);
        if (text && strstr(text, id))
            break;
        batch_sleep_ms(10);
    }
    assert_non_null(text);
    assert_non_null(strstr(text, id));
    free(text);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(count_requests("POST", create_path), 1);

    /* the same command again: the recorded batch is resumed, not submitted twice */
    const char *again[] = {"batch", "--remote", in, "-o", out, "--poll", "0.1", NULL};
    cli_result r = run_cli(again, batch_env(&emu, dir), NULL);
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "resuming the remote batch"));
    assert_non_null(strstr(r.err, id));
    cli_result_free(&r);
    assert_int_equal(count_requests("POST", create_path), 1);
    batch_assert_complete(out, N_REQUESTS);
    assert_false(exists(record)); /* done with */
}

static void test_killed_after_submit_resumes(void **state)
{
    (void)state;
    const char *in = tmp("kill.in"), *out = tmp("kill.out"), *log = tmp("kill.err");
    batch_write_input(in, N_REQUESTS, NULL);
    killed_after_submit_resumes(in, out, log, "/anthropic/v1/messages/batches", "msgbatch_");
}

/* The OpenAI Batch API gets the same durability: the id ("openai/batch_…") is in OUT.remote the
 * moment the batch exists, and a rerun neither uploads the input nor creates a batch again. */
static void test_openai_killed_after_submit_resumes(void **state)
{
    (void)state;
    const char *in = tmp("oai-kill.in"), *out = tmp("oai-kill.out"), *log = tmp("oai-kill.err");
    write_openai_input(in, TEST_MODEL_OPENAI);
    killed_after_submit_resumes(in, out, log, "/openai/v1/batches", "openai/batch_");
    assert_int_equal(count_requests("POST", "/openai/v1/files"), 1);
}

/* llmc_batch_stop while a remote batch runs ends the wait (not the batch) with LLMC_E_ABORTED,
 * naming the id to resume; the record stays, so a rerun collects that same batch. */
static void stop_while_waiting(void *userdata, const llmc_batch_progress *p)
{
    if (p->remote_status && strcmp(p->remote_status, "in_progress") == 0)
        llmc_batch_stop(userdata);
}

static void test_openai_stop_while_waiting(void **state)
{
    (void)state;
    const char *in = tmp("oai-stop.in"), *out = tmp("oai-stop.out");
    write_openai_input(in, TEST_MODEL_OPENAI);
    set_provider_env(batch_env(&emu, dir));
    emulator_clear_requests(&emu);
    llmc_error err;
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_poll_interval(b, 0.05);
    llmc_batch_set_progress(b, stop_while_waiting, b, 0);
    llmc_batch_add_header(b, "x-emulator-batch-delay-ms: 3000", &err);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT, &err), LLMC_E_ABORTED);
    char id[256];
    snprintf(id, sizeof id, "%s", llmc_batch_remote_id(b));
    assert_non_null(strstr(err.message, "stopped waiting for"));
    char resume[300];
    snprintf(resume, sizeof resume, "--resume %s", id);
    assert_non_null(strstr(err.message, resume));
    assert_string_equal(recorded_id(out), id);
    assert_int_equal(count_requests("POST", "/openai/v1/batches"), 1);
    llmc_batch_free(b);
    llmc_client_free(c);
}

/* Submitted without waiting through the library, then run again by a new handle: resumed, and an
 * output of that batch refuses another input. */
static void test_openai_submit_then_rerun(void **state)
{
    (void)state;
    const char *in = tmp("oai.in"), *out = tmp("oai.out"), *other = tmp("oai-other.in");
    write_openai_input(in, TEST_MODEL_OPENAI);
    write_openai_input(other, "openai/gpt-5.4-mini");
    FILE *f = fopen(other, "a");
    assert_non_null(f);
    fprintf(f,
            "{\"custom_id\":\"extra\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
            "\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n",
            TEST_MODEL_OPENAI);
    fclose(f);
    set_provider_env(batch_env(&emu, dir));
    emulator_clear_requests(&emu);
    llmc_error err;
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_poll_interval(b, 0.05);
    llmc_batch_add_header(b, "x-emulator-batch-delay-ms: 300", &err);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_SUBMIT, &err), LLMC_OK);
    char id[256];
    snprintf(id, sizeof id, "%s", llmc_batch_remote_id(b));
    assert_true(strncmp(id, "openai/batch_", 13) == 0);
    assert_string_equal(recorded_id(out), id);
    llmc_batch_free(b);

    /* a flag this version does not know is refused before anything is read or sent */
    b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT | 1u << 7, &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "unknown flags 0x80"));
    assert_string_equal(recorded_id(out), id); /* the record is untouched */
    llmc_batch_free(b);

    /* another input on that output would submit (and bill) a second batch: refused */
    b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    assert_int_equal(llmc_batch_run_remote(b, other, LLMC_REMOTE_WAIT, &err), LLMC_E_INVALID_ARG);
    assert_non_null(strstr(err.message, "made from another input"));
    assert_non_null(strstr(err.message, id));
    llmc_batch_free(b);

    /* a new handle, as a new process: it resumes the batch */
    b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_poll_interval(b, 0.05);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT, &err), LLMC_OK);
    assert_string_equal(llmc_batch_remote_id(b), id);
    llmc_batch_free(b);
    llmc_client_free(c);
    assert_int_equal(count_requests("POST", "/openai/v1/batches"), 1);
    assert_int_equal(count_requests("POST", "/openai/v1/files"), 1);
    batch_assert_complete(out, N_REQUESTS);
    assert_string_equal(recorded_id(out), "");
}

static void test_fireworks_submit_then_rerun(void **state)
{
    (void)state;
    const char *in = tmp("fw.in"), *out = tmp("fw.out");
    FILE *f = fopen(in, "w");
    for (int i = 0; i < N_REQUESTS; i++)
        fprintf(f,
                "{\"custom_id\":\"r%d\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                "\"%s\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"fw %d\"}]}}\n",
                i, TEST_MODEL_FIREWORKS, i);
    fclose(f);
    setenv("FIREWORKS_BASE_URL", emulator_base_url(&emu, "fireworks"), 1);
    setenv("FIREWORKS_API_KEY", test_key("FIREWORKS", "VALID"), 1);
    setenv("FIREWORKS_ACCOUNT_ID", "test-account", 1);
    emulator_clear_requests(&emu);
    llmc_error err;
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_poll_interval(b, 0.05);
    llmc_batch_add_header(b, "x-emulator-batch-delay-ms: 300", &err);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_SUBMIT, &err), LLMC_OK);
    char id[256];
    snprintf(id, sizeof id, "%s", llmc_batch_remote_id(b));
    assert_string_equal(recorded_id(out), id);
    llmc_batch_free(b);

    /* a new handle, as a new process: it resumes the job */
    b = llmc_batch_new(c);
    llmc_batch_set_output(b, out, &err);
    llmc_batch_set_poll_interval(b, 0.05);
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT, &err), LLMC_OK);
    assert_string_equal(llmc_batch_remote_id(b), id);
    llmc_batch_free(b);
    llmc_client_free(c);
    assert_int_equal(count_requests("POST", "/fireworks/v1/accounts/test-account/batchInferenceJobs"), 1);
    batch_assert_complete(out, N_REQUESTS);
    assert_string_equal(recorded_id(out), "");
    unsetenv("FIREWORKS_BASE_URL");
    unsetenv("FIREWORKS_API_KEY");
    unsetenv("FIREWORKS_ACCOUNT_ID");
}

static void test_record_guards_the_output(void **state)
{
    (void)state;
    const char *in = tmp("guard.in"), *out = tmp("guard.out"), *other = tmp("guard-other.in");
    batch_write_input(in, N_REQUESTS, NULL);
    batch_write_input(other, N_REQUESTS + 1, NULL);
    const char *submit[] = {"batch", "--remote", in, "-o", out, "--no-wait", "-H", "x-emulator-batch-delay-ms: 300",
                            NULL};
    cli_result r = run_cli(submit, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char id[256];
    snprintf(id, sizeof id, "%s", recorded_id(out));
    assert_true(strncmp(id, "msgbatch_", 9) == 0);

    emulator_clear_requests(&emu);
    /* a local run would send every request a second time */
    const char *local[] = {"batch", in, "-o", out, NULL};
    r = run_cli(local, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, id));
    assert_non_null(strstr(r.err, "--resume"));
    cli_result_free(&r);
    /* so would a remote run of another input */
    const char *wrong[] = {"batch", "--remote", other, "-o", out, NULL};
    r = run_cli(wrong, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "made from another input"));
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);

    /* --resume collects it and removes the record */
    const char *resume[] = {"batch", "--resume", id, "-o", out, in, "--poll", "0.05", NULL};
    r = run_cli(resume, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    batch_assert_complete(out, N_REQUESTS);
    assert_string_equal(recorded_id(out), "");

    /* a damaged record is an error, not a fresh submission */
    const char *out2 = tmp("damaged.out");
    char record[200];
    snprintf(record, sizeof record, "%s.remote", out2);
    batch_write_text(record, "{not json\n");
    emulator_clear_requests(&emu);
    const char *damaged[] = {"batch", "--remote", in, "-o", out2, NULL};
    r = run_cli(damaged, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "is damaged"));
    cli_result_free(&r);
    assert_int_equal(count_requests("POST", "/anthropic/v1/messages/batches"), 0);
}

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    batch_tmpdir(dir, sizeof dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    batch_rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_after_submit_resumes), cmocka_unit_test(test_openai_killed_after_submit_resumes),
        cmocka_unit_test(test_openai_submit_then_rerun),    cmocka_unit_test(test_openai_stop_while_waiting),
        cmocka_unit_test(test_fireworks_submit_then_rerun), cmocka_unit_test(test_record_guards_the_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
