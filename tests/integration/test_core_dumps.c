/* SPDX-License-Identifier: MIT */
/*
 * test_core_dumps.c — a crash leaves no copy of a key: llmc_process_disable_core_dumps() makes a
 * process non-dumpable with a zero core limit (and a crash after it, even with the limit raised
 * again, dumps nothing); the llmc command does so at start, so killing it mid-request with a
 * core-dumping signal writes no core file. A control child that does not make the call shows
 * that cores do land in the test directory on this machine, so the assertions have teeth.
 * Every core file a test provokes is removed.
 */
#include "harness.h"
#include "models.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "llmc/llmc.h"

/* Sanitizer builds map terabytes of shadow memory: never let one of those dump a core. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Valgrind writes cores of its own (vgcore.PID) whatever the process asked: skip crashing there. */
static bool under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload && (strstr(preload, "vgpreload") || strstr(preload, "valgrind"));
}

static emulator emu;
static char dir[64];
static bool cores_work; /* the control child dumped a core here */

/* Remove every core file in the test directory; returns how many there were. */
static int remove_cores(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "core", 4) == 0 || strncmp(e->d_name, "vgcore", 6) == 0) {
            char path[400];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
            n++;
        }
    if (d)
        closedir(d);
    return n;
}

/* In a child: run in the test directory with cores allowed, optionally make the call, abort. */
static int crash_child(bool disable)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(90);
        struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
        setrlimit(RLIMIT_CORE, &unlimited);
        if (disable) {
            llmc_error err;
            if (llmc_process_disable_core_dumps(&err) != LLMC_OK)
                _exit(91);
            /* even a limit raised again (root may) must not bring cores back */
            setrlimit(RLIMIT_CORE, &unlimited);
        }
        abort();
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void test_library_call(void **state)
{
    (void)state;
    pid_t pid = fork();
    if (pid == 0) {
        int before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        llmc_error err;
        llmc_code rc = llmc_process_disable_core_dumps(&err);
        int after = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
        struct rlimit lim;
        getrlimit(RLIMIT_CORE, &lim);
        _exit(before == 1 && rc == LLMC_OK && after == 0 && lim.rlim_cur == 0 && lim.rlim_max == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    if (SANITIZED || under_valgrind())
        skip();
    remove_cores();
    status = crash_child(false);
    cores_work = WIFSIGNALED(status) && WCOREDUMP(status) && remove_cores() > 0;
    if (!cores_work)
        print_message("note: this machine writes no core files here; the crash checks only see the flag\n");
    status = crash_child(true);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_false(WCOREDUMP(status));
    assert_int_equal(remove_cores(), 0);
}

/* "Max core file size  S  H  bytes" of a running process: soft and hard. */
static void core_limits(pid_t pid, char *soft, char *hard)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/limits", (long)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    soft[0] = hard[0] = '\0';
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Max core file size", 18) == 0)
            sscanf(line + 18, "%31s %31s", soft, hard);
    fclose(f);
}

static void test_cli_killed_mid_request(void **state)
{
    (void)state;
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"hang\":true}");
    emulator_clear_requests(&emu);
    char base[200], key[200];
    snprintf(base, sizeof base, "ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic"));
    snprintf(key, sizeof key, "ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID"));
    char *const envp[] = {"PATH=/usr/bin:/bin", "HOME=/nonexistent", base, key, NULL};
    char *const argv[] = {LLMC_CLI_PATH, "-m", TEST_MODEL_ANTHROPIC, "--no-stream", "hello", NULL};
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(90);
        struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
        setrlimit(RLIMIT_CORE, &unlimited);
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        execve(LLMC_CLI_PATH, argv, envp);
        _exit(127);
    }
    /* the request is at the emulator: the key is in the process's memory now */
    for (int i = 0; i < 1000 && emulator_request_count(&emu) == 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(emulator_request_count(&emu) > 0);
    char soft[32], hard[32];
    core_limits(pid, soft, hard);
    assert_string_equal(soft, "0");
    assert_string_equal(hard, "0");
    kill(pid, SIGABRT);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    assert_false(WCOREDUMP(status));
    assert_int_equal(remove_cores(), 0);
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
}

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    snprintf(dir, sizeof dir, "/tmp/llmc-core-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    remove_cores();
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_call),
        cmocka_unit_test(test_cli_killed_mid_request),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
