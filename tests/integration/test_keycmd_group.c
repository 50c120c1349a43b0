/* SPDX-License-Identifier: MIT */
/*
 * test_keycmd_group.c — a key command stopped at its time limit takes what it started with it: a
 * wrapper script that launched a helper and then hung is killed as a process group, so the helper
 * (which would otherwise live on, holding the pipes) is gone too; the failure is still diagnosed
 * as key.command_failed.
 */
#include "auth_fixture.h"
#include "models.h"

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "llmc/llmc.h"

static temp_home home;

/* Whether `pid` still runs: present in /proc and not a zombie. */
static bool running(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    const char *paren = got ? strrchr(line, ')') : NULL;
    return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

static void test_timeout_kills_the_group(void **state)
{
    (void)state;
    set_provider_env(NULL);
    char pid_file[400];
    snprintf(pid_file, sizeof pid_file, "%s/helper.pid", home.root);
    llmc_client *c = llmc_client_new();
    llmc_client_use_key_store(c, 0);
    const char *argv[] = {data_path("keycmd_spawns.sh"), pid_file, NULL};
    llmc_error err;
    assert_int_equal(llmc_client_set_key_command(c, "anthropic", argv, 1000, 0, &err), LLMC_OK);
    char *text = NULL;
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err), LLMC_E_KEY);
    assert_int_equal(err.diagnosis.cause, LLMC_CAUSE_KEY_COMMAND_FAILED);
    assert_non_null(strstr(err.message, "did not finish within"));
    llmc_client_free(c);

    char *pid_text = read_whole(pid_file);
    assert_non_null(pid_text);
    pid_t helper = (pid_t)atol(pid_text);
    free(pid_text);
    assert_true(helper > 1);
    bool alive = true;
    for (int i = 0; i < 200 && (alive = running(helper)); i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (alive) {
        kill(helper, SIGKILL); /* leave nothing behind, then fail */
        fail_msg("the key command's helper (pid %ld) outlived the time limit's kill", (long)helper);
    }
}

static int setup(void **state)
{
    (void)state;
    home_make(&home);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    home_remove(&home);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_timeout_kills_the_group)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
