/* SPDX-License-Identifier: MIT */
/*
 * pty_harness.h — driving the CLI through a real pseudo-terminal (forkpty), as a person at a
 * terminal would: a script of steps, each waiting until some text has appeared on the screen
 * (after what the previous step waited for) and then typing keys. Header-only, on top of
 * auth_fixture.h (the private HOME each test gets).
 */
#ifndef LLMC_PTY_HARNESS_H
#define LLMC_PTY_HARNESS_H

#include "auth_fixture.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

#include <cmocka.h>

typedef struct pty_result {
    int status;      /* exit status, or 128 + signal */
    char out[65536]; /* everything the terminal showed: stdout and stderr together */
    bool echo_after; /* ECHO was on again on the terminal once the command had ended */
    int steps_done;  /* how many steps saw their text */
} pty_result;

/* Wait for `expect` (NULL: no wait) to appear on the screen — with `editing`, also until the
 * program has put the terminal into its line editor's mode (no canonical input), as a person
 * starts typing only once the editor is ready — then type `send` (NULL: nothing). */
typedef struct pty_step {
    const char *expect;
    const char *send;
    bool editing;
} pty_step;

static inline bool pty_editing(int master)
{
    struct termios t;
    return tcgetattr(master, &t) == 0 && !(t.c_lflag & ICANON);
}

static inline double pty_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the CLI on a new pseudo-terminal with HOME (and XDG_CONFIG_HOME) from `home`, the
 * Anthropic base URL on `base_url`, and `extra_env` (which wins over the defaults: TERM=dumb,
 * NO_COLOR=1), following `steps` (ended by a step with both members NULL). Returns when the
 * program has exited (or after 30 s). A step whose text never shows fails the test. */
static inline void run_pty_steps(pty_result *res, const temp_home *home, const char *base_url, const char *const *args,
                                 const char *const *extra_env, const pty_step *steps)
{
    memset(res, 0, sizeof *res);
    const char *argv[32] = {LLMC_CLI_PATH};
    size_t n = 1;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    const char *envp[40];
    size_t m = 0;
    /* the first of two equal names wins in getenv: the test's own settings go first */
    for (size_t i = 0; extra_env && extra_env[i] && m < 30; i++)
        envp[m++] = extra_env[i];
    envp[m++] = envf("PATH=%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    envp[m++] = envf("HOME=%s", home->root);
    envp[m++] = home->xdg_env;
    envp[m++] = "NO_COLOR=1";
    envp[m++] = "TERM=dumb";
    envp[m++] = envf("ANTHROPIC_BASE_URL=%s", base_url);
    m += harness_sanitizer_env(envp + m, 39 - m);
    envp[m] = NULL;

    int master = -1;
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    assert_true(pid >= 0);
    if (pid == 0) {
        execve(LLMC_CLI_PATH, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    size_t len = 0, seen = 0; /* a step looks for its text after what the last step saw */
    const pty_step *step = steps;
    double deadline = pty_now_s() + 30;
    struct termios tio;
    bool exited = false;
    while (pty_now_s() < deadline) {
        while (step && (step->expect || step->send) && (!step->expect || strstr(res->out + seen, step->expect)) &&
               (!step->editing || pty_editing(master))) {
            if (step->expect)
                seen = (size_t)(strstr(res->out + seen, step->expect) - res->out) + strlen(step->expect);
            if (step->send) {
                ssize_t w = write(master, step->send, strlen(step->send));
                assert_int_equal(w, (ssize_t)strlen(step->send));
            }
            res->steps_done++;
            step++;
        }
        struct pollfd p = {master, POLLIN, 0};
        int pr = poll(&p, 1, 100);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr > 0) {
            ssize_t got = read(master, res->out + len, sizeof res->out - 1 - len);
            if (got <= 0) {
                exited = true; /* EIO: the last process holding the terminal has exited */
                break;
            }
            len += (size_t)got;
            res->out[len] = '\0';
        }
    }
    /* the terminal's settings are shared by both ends: read them before closing ours */
    res->echo_after = tcgetattr(master, &tio) == 0 && (tio.c_lflag & ECHO);
    int status = 0;
    if (!exited) {
        kill(pid, SIGKILL);
        print_message("pty: the program had not exited after %.0f s; the terminal showed:\n%s\n",
                      pty_now_s() - (deadline - 30), res->out);
    }
    waitpid(pid, &status, 0);
    close(master);
    res->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (step && step->expect)
        fail_msg("\"%s\" never appeared on the terminal (step %d); it showed:\n%s", step->expect, res->steps_done + 1,
                 res->out);
}

#endif
