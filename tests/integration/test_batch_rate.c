/* SPDX-License-Identifier: MIT */
/*
 * test_batch_rate.c — `--rpm` holds: 251 requests at --rpm 600 (10 a second) must take 25 s,
 * within 10% (wall time of the whole CLI run, so start-up counts against it). Slow on purpose
 * (~25 s; ctest label "slow"), and still part of `make test`.
 */
#include "test_batch_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static emulator emu;
static char dir[64];

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

static void test_rpm_holds_over_25_seconds(void **state)
{
    (void)state;
    enum { N = 251 };
    char in[128], out[128];
    batch_path(in, sizeof in, dir, "rate.in");
    batch_path(out, sizeof out, dir, "rate.out");
    batch_write_input(in, N, NULL);
    emulator_clear_requests(&emu);
    const char *args[] = {"batch", in, "-o", out, "-j", "32", "--rpm", "600", NULL};
    double t0 = batch_now();
    cli_result r = run_cli(args, batch_env(&emu, dir), NULL);
    double took = batch_now() - t0;
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    assert_int_equal(batch_count_lines(out), N);
    assert_int_equal(emulator_request_count(&emu), N);
    /* N requests at 10/s: the first at once, the last 25 s later */
    double rate = (double)(N - 1) / took * 60.0;
    printf("rpm 600 requested: %d requests in %.2f s = %.1f requests/minute (%+.1f%%)\n", N, took, rate,
           (rate - 600) / 6.0);
    assert_true(rate <= 660 && rate >= 540);

    /* and once the limit is off, the same batch runs in a blink: the limit was the pacing */
    char out2[128];
    batch_path(out2, sizeof out2, dir, "fast.out");
    const char *fast[] = {"batch", in, "-o", out2, "-j", "32", NULL};
    t0 = batch_now();
    r = run_cli(fast, batch_env(&emu, dir), NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    assert_true(batch_now() - t0 < 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rpm_holds_over_25_seconds)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
