/* SPDX-License-Identifier: MIT */
/*
 * keycmd.c — running a key command (`pass show anthropic`, a vault CLI): no shell, a time
 * limit, the first line of stdout as the key. Its stderr is read but never repeated: a failing
 * secret manager may print the very secret, so only its size is reported. The command runs in a
 * process group of its own, so that the time limit stops whatever it started too (a wrapper
 * script's children would otherwise live on, holding the pipes and perhaps the key).
 */
#include "auth.h"
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_OUTPUT 65536

extern char **environ;

void llmc_key_command_describe(char *const *argv, char *out, size_t size)
{
    size_t n = 0;
    while (argv && argv[n])
        n++;
    if (n <= 1)
        snprintf(out, size, "%s", n ? argv[0] : "(none)");
    else
        snprintf(out, size, "%s (+%zu argument%s)", argv[0], n - 1, n == 2 ? "" : "s");
}

static void fail_diag(llmc_error *err, char *const *argv, const char *detail)
{
    if (!err)
        return;
    err->diagnosis.cause = LLMC_CAUSE_KEY_COMMAND_FAILED;
    err->diagnosis.severity = LLMC_SEVERITY_ERROR;
    err->diagnosis.source = LLMC_SOURCE_COMMAND;
    llmc_key_command_describe(argv, err->diagnosis.source_name, sizeof err->diagnosis.source_name);
    llmc_strlcpy(err->diagnosis.detail, detail, sizeof err->diagnosis.detail);
    /* the fix names the provider's variable: the caller, which knows the provider, writes it */
    err->diagnosis.fix[0] = '\0';
}

llmc_code llmc_key_command_run(char *const *argv, long timeout_ms, llmc_secret **key_out, llmc_error *err)
{
    *key_out = NULL;
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0)
        return llmc_error_set(err, LLMC_E_IO, "cannot run the key command: %s", strerror(errno));
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return llmc_error_set(err, LLMC_E_IO, "cannot run the key command: %s", strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0); /* its own group, led by itself: kill(-pid) reaches all */
    pid_t pid;
    int spawn_rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    close(err_pipe[1]);
    char what[300];
    llmc_key_command_describe(argv, what, sizeof what);
    if (spawn_rc != 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        char detail[300];
        snprintf(detail, sizeof detail, "could not start %s: %s", argv[0], strerror(spawn_rc));
        llmc_error_set(err, LLMC_E_KEY, "the key command %s could not be started: %s", what, strerror(spawn_rc));
        fail_diag(err, argv, detail);
        return LLMC_E_KEY;
    }

    char *out = malloc(MAX_OUTPUT + 1);
    size_t out_len = 0, err_bytes = 0, err_lines = 0;
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    double deadline = llmc_now_s() + (double)timeout_ms / 1000.0;
    bool timed_out = false;
    int open_fds = 2;
    char chunk[4096];
    while (open_fds > 0 && out) {
        int wait_ms = (int)((deadline - llmc_now_s()) * 1000.0);
        if (wait_ms <= 0 || poll(fds, 2, wait_ms) == 0) {
            timed_out = true;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                size_t take = (size_t)n < MAX_OUTPUT - out_len ? (size_t)n : MAX_OUTPUT - out_len;
                memcpy(out + out_len, chunk, take);
                out_len += take;
            } else {
                err_bytes += (size_t)n;
                for (ssize_t k = 0; k < n; k++)
                    err_lines += chunk[k] == '\n';
            }
        }
    }
    explicit_bzero(chunk, sizeof chunk);
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    /* The whole group: the leader is not reaped yet, so its pid still names the group even when
     * the leader itself has exited and only its children hold on. */
    if (timed_out)
        kill(-pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!out)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");

    char detail[300] = "";
    char stderr_note[96] = "";
    if (err_bytes)
        snprintf(stderr_note, sizeof stderr_note, "; it wrote %zu line%s (%zu bytes) to stderr, not shown",
                 err_lines ? err_lines : 1, err_lines == 1 || !err_lines ? "" : "s", err_bytes);
    size_t line_len = 0;
    while (line_len < out_len && out[line_len] != '\n')
        line_len++;
    if (line_len && out[line_len - 1] == '\r')
        line_len--;
    if (timed_out)
        snprintf(detail, sizeof detail, "did not finish within %.1f s and was stopped%s", (double)timeout_ms / 1000.0,
                 stderr_note);
    else if (WIFSIGNALED(status))
        snprintf(detail, sizeof detail, "was killed by signal %d%s", WTERMSIG(status), stderr_note);
    else if (WEXITSTATUS(status) != 0)
        snprintf(detail, sizeof detail, "exited with status %d%s", WEXITSTATUS(status), stderr_note);
    else if (line_len == 0)
        snprintf(detail, sizeof detail, "printed nothing on its first line of stdout%s", stderr_note);
    llmc_code rc = LLMC_OK;
    if (detail[0]) {
        llmc_error_set(err, LLMC_E_KEY, "the key command %s %s", what, detail);
        fail_diag(err, argv, detail);
        rc = LLMC_E_KEY;
    } else if (!(*key_out = llmc_secret_new(out, line_len))) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    explicit_bzero(out, MAX_OUTPUT + 1);
    free(out);
    return rc;
}
