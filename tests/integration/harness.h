/* SPDX-License-Identifier: MIT */
/*
 * harness.h — what the integration tests share: start and stop the provider emulator on a free
 * loopback port, talk to its control plane (faults, recorded requests), and run the llmc CLI
 * as a child process with a chosen environment, capturing its output and exit status.
 */
#ifndef LLMC_TEST_HARNESS_H
#define LLMC_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct emulator {
    pid_t pid;
    int port;
    char base[64]; /* "http://127.0.0.1:PORT" */
} emulator;

/* The test program's private cache directory (XDG_CACHE_HOME, set in this process and passed to
 * every run_cli), made on first use and removed at exit: the models cache lives there. */
const char *test_cache_dir(void);

/* Start the emulator (extra arguments NULL-terminated, may be NULL). Aborts the test on failure. */
void emulator_start(emulator *emu, const char *const *extra_args);
void emulator_stop(emulator *emu);

/* A provider's base URL on the emulator, as its SDK variable expects it. Static buffer. */
const char *emulator_base_url(const emulator *emu, const char *provider);

/* GET/POST/DELETE on the control plane; returns the HTTP status, body into *body (malloc'd). */
long emulator_call(const emulator *emu, const char *method, const char *path, const char *json_body, char **body);
/* Queue a fault (JSON as the README describes). */
void emulator_fault(const emulator *emu, const char *fault_json);
/* The recorded requests as a JSON text (malloc'd: the caller frees it); clears them when
 * `clear` is true. To only clear, use emulator_clear_requests. */
char *emulator_requests(const emulator *emu, bool clear) __attribute__((warn_unused_result));
void emulator_clear_requests(const emulator *emu);
/* Wait (at most 2 s) until no new request has arrived for 100 ms: transfers a client abandoned
 * may still be reaching the emulator, and a following emulator_clear_requests must see them. */
void emulator_settle(const emulator *emu);
/* How many requests were recorded (clears nothing). */
size_t emulator_request_count(const emulator *emu);

/* The value of an emulator test key, e.g. test_key("ANTHROPIC", "VALID"), read from
 * tests/server/emulator-keys.env. Static storage. */
const char *test_key(const char *provider_upper, const char *state_upper);

/* Run the CLI. `env` holds "NAME=value" entries added to a minimal environment (PATH, HOME,
 * TMPDIR only: no provider variables leak in from the caller's shell; XDG_DATA_HOME and
 * XDG_STATE_HOME point into a private directory of this test program, and XDG_CACHE_HOME to
 * test_cache_dir(), unless `env` names them, so the CLI's log, history and caches never touch the
 * real user's). `stdin_text` is fed to stdin (NULL: /dev/null). Output is captured; the exit
 * status is returned. */
typedef struct cli_result {
    int status;
    char *out;
    char *err;
} cli_result;
cli_result run_cli(const char *const *args, const char *const *env, const char *stdin_text);
/* "ASAN_OPTIONS=…", "LSAN_OPTIONS=…", "UBSAN_OPTIONS=…" as this process has them (at most
 * `room`), for a child's environment; returns how many. Static storage. */
size_t harness_sanitizer_env(const char **out, size_t room);
void cli_result_free(cli_result *r);

/* Set exactly these provider variables in this process (unsetting every other provider
 * variable first), for library tests that read the environment. */
void set_provider_env(const char *const *env);

#endif
