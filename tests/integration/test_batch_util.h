/* SPDX-License-Identifier: MIT */
/*
 * test_batch_util.h — what the batch tests share: inputs made at run time, the environment that
 * points every provider at the emulator, a CLI started in the background (to kill it), and a
 * reader that checks every output line is whole and counts each custom_id.
 */
#ifndef LLMC_TEST_BATCH_UTIL_H
#define LLMC_TEST_BATCH_UTIL_H

#include "harness.h"

#include <fcntl.h>
#include <stdbool.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A fresh private directory for one test's files (static buffer per call site is the caller's). */
static inline void batch_tmpdir(char *out, size_t size)
{
    snprintf(out, size, "/tmp/llmc-batch-XXXXXX");
    if (!mkdtemp(out))
        abort();
}

static inline void batch_path(char *out, size_t size, const char *dir, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* n Anthropic-shape lines "r0".."r{n-1}" for `model` (NULL: claude-sonnet-4-6). */
static inline void batch_write_input(const char *path, size_t n, const char *model)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    for (size_t i = 0; i < n; i++)
        fprintf(f,
                "{\"custom_id\":\"r%zu\",\"params\":{\"model\":\"%s\",\"max_tokens\":64,\"messages\":[{\"role\":"
                "\"user\",\"content\":\"request number %zu\"}]}}\n",
                i, model ? model : "claude-sonnet-4-6", i);
    fclose(f);
}

static inline void batch_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

static inline char *batch_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *len = 0;
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    *len = got;
    return buf;
}

/* Every line of OUT as parsed JSON, keyed by custom_id → array of results (to count duplicates).
 * *torn is set when the file does not end with a newline; *bad counts lines that are not JSON. */
static inline json_t *batch_read_out(const char *path, int *torn, size_t *bad, size_t *lines)
{
    size_t len;
    char *text = batch_read_file(path, &len);
    json_t *by_id = json_object();
    *torn = len > 0 && text[len - 1] != '\n';
    *bad = *lines = 0;
    for (char *p = text, *end = text ? text + len : NULL; p && p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_t *line = json_loadb(p, n, 0, NULL);
        p += n + 1;
        (*lines)++;
        const char *id = json_string_value(json_object_get(line, "custom_id"));
        if (!id || !json_is_object(json_object_get(line, "result"))) {
            (*bad)++;
            json_decref(line);
            continue;
        }
        json_t *list = json_object_get(by_id, id);
        if (!list) {
            list = json_array();
            json_object_set_new(by_id, id, list);
        }
        json_array_append_new(list, json_incref(json_object_get(line, "result")));
        json_decref(line);
    }
    free(text);
    return by_id;
}

/* Whether OUT is complete for ids "r0".."r{n-1}": every line whole and a result, n lines, each id
 * exactly once; when not, why goes to `why`. */
static inline bool batch_complete(const char *out, size_t n, char *why, size_t why_size)
{
    int torn;
    size_t bad, lines;
    json_t *by_id = batch_read_out(out, &torn, &bad, &lines);
    bool ok = !torn && bad == 0 && lines == n;
    if (!ok)
        snprintf(why, why_size, "%s: %s, %zu lines not results, %zu lines for %zu ids", out, torn ? "torn" : "whole",
                 bad, lines, n);
    for (size_t i = 0; ok && i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "r%zu", i);
        json_t *list = json_object_get(by_id, id);
        if (!list || json_array_size(list) != 1) {
            snprintf(why, why_size, "%s: id %s appears %zu times", out, id, list ? json_array_size(list) : 0);
            ok = false;
        }
    }
    json_decref(by_id);
    return ok;
}
/* The same as a cmocka assertion (a macro: cmocka is included by the test after this header). */
#define batch_assert_complete(out, n)                                                                                  \
    do {                                                                                                               \
        char why_[512];                                                                                                \
        if (!batch_complete((out), (n), why_, sizeof why_))                                                            \
            fail_msg("%s", why_);                                                                                      \
    } while (0)

static inline size_t batch_count_lines(const char *path)
{
    size_t len;
    char *text = batch_read_file(path, &len);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    free(text);
    return n;
}

/* "NAME=value" strings for every provider on the emulator with its valid key, a private
 * configuration directory, and the Fireworks account. Static storage. */
static inline const char **batch_env(const emulator *emu, const char *config_dir)
{
    static char v[12][512];
    static const char *env[13];
    static const struct {
        const char *upper, *name;
    } p[] = {{"ANTHROPIC", "anthropic"}, {"CEREBRAS", "cerebras"}, {"FIREWORKS", "fireworks"}, {"OPENAI", "openai"}};
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        snprintf(v[n], sizeof v[n], "%s_BASE_URL=%s", p[i].upper, emulator_base_url(emu, p[i].name));
        env[n] = v[n];
        n++;
        snprintf(v[n], sizeof v[n], "%s_API_KEY=%s", p[i].upper, test_key(p[i].upper, "VALID"));
        env[n] = v[n];
        n++;
    }
    snprintf(v[n], sizeof v[n], "XDG_CONFIG_HOME=%s", config_dir);
    env[n] = v[n];
    n++;
    snprintf(v[n], sizeof v[n], "FIREWORKS_ACCOUNT_ID=test-account");
    env[n] = v[n];
    n++;
    env[n] = NULL;
    return env;
}

/* Start the CLI with exactly `env` (plus PATH), output to /dev/null; returns its pid. */
static inline pid_t batch_spawn_cli(const char *const *args, const char *const *env)
{
    const char *argv[64] = {LLMC_CLI_PATH};
    size_t n = 1;
    for (size_t i = 0; args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    const char *envp[32] = {"PATH=/usr/bin:/bin"};
    size_t m = 1;
    for (size_t i = 0; env[i] && m < 31; i++)
        envp[m++] = env[i];
    envp[m] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        execve(LLMC_CLI_PATH, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    return pid;
}

static inline double batch_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline void batch_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Remove the files of a test directory (flat) and the directory. */
static inline void batch_rmdir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

#endif
