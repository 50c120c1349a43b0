/* SPDX-License-Identifier: MIT */
/*
 * test_batch_output_safety.c — one output file, one run, whole lines only:
 *  - a second `llmc batch` on an output another run holds refuses at once, naming the holder's
 *    pid, and sends nothing; with --wait it waits, then finds everything done;
 *  - the library refuses (or waits, with llmc_batch_set_lock_wait, until llmc_batch_stop) the
 *    same way for local, remote and resumed runs; a lock file left by a dead run misleads no one;
 *  - a disk that fills up mid-commit (an LD_PRELOAD shim: a short write, then ENOSPC) leaves only
 *    whole lines — the partial one is cut back — and the rerun finishes with every id once;
 *  - an output with half a result glued to the next line is refused on reopen, not appended to.
 */
#include "test_batch_util.h"
#include "models.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/file.h>

#include <cmocka.h>

#include "llmc/llmc.h"

#define N_REQUESTS 20

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

/* The pid recorded in OUT.lock, or 0. */
static long lock_holder(const char *out)
{
    char path[200];
    snprintf(path, sizeof path, "%s.lock", out);
    size_t len;
    char *text = batch_read_file(path, &len);
    long pid = text ? atol(text) : 0;
    free(text);
    return pid;
}

/* Start a paced run (about 2 s) in the background and wait until it holds the output. */
static pid_t start_holder(const char *in, const char *out)
{
    const char *args[] = {"batch", in, "-o", out, "-j", "2", "--rpm", "600", NULL};
    pid_t pid = batch_spawn_cli(args, batch_env(&emu, dir));
    assert_true(pid > 0);
    double deadline = batch_now() + 10;
    while (lock_holder(out) != (long)pid && batch_now() < deadline)
        batch_sleep_ms(5);
    assert_int_equal(lock_holder(out), (long)pid);
    return pid;
}

static void test_second_run_refused_naming_the_holder(void **state)
{
    (void)state;
    const char *in = tmp("two.in"), *out = tmp("two.out");
    batch_write_input(in, N_REQUESTS, NULL);
    emulator_clear_requests(&emu);
    pid_t holder = start_holder(in, out);
    size_t sent_before = emulator_request_count(&emu);

    const char *args[] = {"batch", in, "-o", out, NULL};
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 1);
    char expect[64];
    snprintf(expect, sizeof expect, "in use by another batch run (pid %ld)", (long)holder);
    if (!strstr(r.err, expect))
        fail_msg("the refusal does not name the holder (%s):\n%s", expect, r.err);
    assert_non_null(strstr(r.err, "--wait"));
    cli_result_free(&r);

    int status = 0;
    waitpid(holder, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    batch_assert_complete(out, N_REQUESTS);
    /* the refused run sent nothing: every request went out once */
    assert_true(sent_before <= N_REQUESTS);
    assert_int_equal(emulator_request_count(&emu), N_REQUESTS);
    char lock[200];
    snprintf(lock, sizeof lock, "%s.lock", out);
    assert_int_not_equal(access(lock, F_OK), 0); /* the holder removed its pid file */
}

static void test_wait_flag_waits_for_the_holder(void **state)
{
    (void)state;
    const char *in = tmp("wait.in"), *out = tmp("wait.out");
    batch_write_input(in, N_REQUESTS, NULL);
    emulator_clear_requests(&emu);
    pid_t holder = start_holder(in, out);

    const char *args[] = {"batch", in, "-o", out, "--wait", NULL};
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "waiting for it to finish"));
    assert_non_null(strstr(r.err, "0 succeeded"));
    cli_result_free(&r);
    int status = 0;
    waitpid(holder, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    batch_assert_complete(out, N_REQUESTS);
    assert_int_equal(emulator_request_count(&emu), N_REQUESTS);
}

typedef struct stopper {
    llmc_batch *batch;
    long delay_ms;
} stopper;

static void *stop_later(void *arg)
{
    stopper *s = arg;
    batch_sleep_ms(s->delay_ms);
    llmc_batch_stop(s->batch);
    return NULL;
}

static void test_library_lock(void **state)
{
    (void)state;
    const char *in = tmp("lib.in"), *out = tmp("lib.out");
    batch_write_input(in, 3, NULL);
    setenv("ANTHROPIC_BASE_URL", emulator_base_url(&emu, "anthropic"), 1);
    setenv("ANTHROPIC_API_KEY", test_key("ANTHROPIC", "VALID"), 1);
    /* this process holds the output, as another run would */
    int fd = open(out, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    char pid_line[32];
    snprintf(pid_line, sizeof pid_line, "%ld\n", (long)getpid());
    char lock_path[200];
    snprintf(lock_path, sizeof lock_path, "%s.lock", out);
    batch_write_text(lock_path, pid_line);

    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    assert_int_equal(llmc_batch_set_output(b, out, &err), LLMC_OK);
    emulator_clear_requests(&emu);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_E_IO);
    char expect[64];
    snprintf(expect, sizeof expect, "(pid %ld)", (long)getpid());
    assert_non_null(strstr(err.message, expect));
    assert_int_equal(llmc_batch_run_remote(b, in, LLMC_REMOTE_WAIT, &err), LLMC_E_IO);
    assert_int_equal(llmc_batch_resume_remote(b, "msgbatch_0123456789abcdef", in, &err), LLMC_E_IO);
    assert_int_equal(emulator_request_count(&emu) <= 1, 1); /* nothing but perhaps no request at all */

    /* waiting, ended by llmc_batch_stop from another thread */
    llmc_batch_set_lock_wait(b, 1);
    stopper s = {b, 200};
    pthread_t t;
    double start = batch_now();
    assert_int_equal(pthread_create(&t, NULL, stop_later, &s), 0);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_E_ABORTED);
    pthread_join(t, NULL);
    assert_true(batch_now() - start >= 0.15);
    assert_non_null(strstr(err.message, "waiting"));

    /* waiting, ended by the holder letting go */
    s.delay_ms = 0;
    flock(fd, LOCK_UN);
    close(fd);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    batch_assert_complete(out, 3);

    /* a pid file left by a run that died (no lock behind it) stops no one */
    batch_write_text(lock_path, "999999\n");
    llmc_batch_set_lock_wait(b, 0);
    assert_int_equal(llmc_batch_run(b, in, &err), LLMC_OK);
    llmc_batch_free(b);
    llmc_client_free(c);
    unsetenv("ANTHROPIC_BASE_URL");
    unsetenv("ANTHROPIC_API_KEY");
}

static void test_disk_full_mid_commit(void **state)
{
    (void)state;
    const char *in = tmp("full.in"), *out = tmp("full.out");
    batch_write_input(in, N_REQUESTS, NULL);
    const char *const *base = batch_env(&emu, dir);
    const char *env[24];
    size_t n = 0;
    for (; base[n]; n++)
        env[n] = base[n];
    env[n++] = "LD_PRELOAD=" FAULT_WRITE_SHIM;
    env[n++] = "LLMC_FAULT_WRITE_SUFFIX=/full.out";
    env[n++] = "LLMC_FAULT_WRITE_AFTER=1500";
    env[n++] = "LLMC_FAULT_WRITE_FAILS=1";
    env[n++] = "ASAN_OPTIONS=verify_asan_link_order=0";
    env[n] = NULL;
    const char *args[] = {"batch", in, "-o", out, "-j", "4", NULL};
    cli_result r = run_cli(args, env, NULL);
    if (!strstr(r.err, "No space left on device"))
        fail_msg("the shim did not fire:\n%s", r.err);

    /* what is on disk is whole lines only, none of them twice */
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    assert_false(torn);
    assert_int_equal(bad, 0);
    assert_true(lines <= N_REQUESTS);
    const char *id;
    json_t *list;
    json_object_foreach(by_id, id, list) assert_int_equal(json_array_size(list), 1);
    json_decref(by_id);
    /* and the run said what happened: an I/O failure, the partial line undone */
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "cut back to its last whole line"));
    cli_result_free(&r);

    /* the disk has room again: the rerun finishes the job */
    r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    batch_assert_complete(out, N_REQUESTS);
}

static void test_glued_line_refused_on_reopen(void **state)
{
    (void)state;
    const char *in = tmp("glued.in"), *out = tmp("glued.out");
    batch_write_input(in, 4, NULL);
    /* r1's line was cut and r2's glued onto it: it still starts and ends like a result */
    batch_write_text(out,
                     "{\"custom_id\":\"r0\",\"result\":{\"type\":\"succeeded\",\"message\":{}}}\n"
                     "{\"custom_id\":\"r1\",\"result\":{\"type\":\"succ"
                     "{\"custom_id\":\"r2\",\"result\":{\"type\":\"succeeded\",\"message\":{}}}\n"
                     "{\"custom_id\":\"r3\",\"result\":{\"type\":\"succeeded\",\"message\":{}}}\n");
    size_t before_len;
    char *before = batch_read_file(out, &before_len);
    emulator_clear_requests(&emu);
    const char *args[] = {"batch", in, "-o", out, NULL};
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "line 2 is not a whole result line"));
    cli_result_free(&r);
    size_t after_len;
    char *after = batch_read_file(out, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
    assert_int_equal(emulator_request_count(&emu), 0);
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
        cmocka_unit_test(test_second_run_refused_naming_the_holder),
        cmocka_unit_test(test_wait_flag_waits_for_the_holder),
        cmocka_unit_test(test_library_lock),
        cmocka_unit_test(test_disk_full_mid_commit),
        cmocka_unit_test(test_glued_line_refused_on_reopen),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
