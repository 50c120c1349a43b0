/* SPDX-License-Identifier: MIT */
/*
 * harness.c — emulator lifecycle, control-plane calls and CLI runs for the integration tests.
 * The emulator is a separate process started per test file: tests see real sockets and real
 * HTTP, exactly as an application would.
 */
#include "harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "harness: %s: %s\n", what, strerror(errno));
    abort();
}

/* A private cache directory for the whole test program, so that no test reads or writes the
 * user's ~/.cache (the models cache): set in this process and passed to every CLI run. */
static char cache_dir[64];

static int remove_cache_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void cache_cleanup(void)
{
    if (cache_dir[0])
        nftw(cache_dir, remove_cache_entry, 8, FTW_DEPTH | FTW_PHYS);
}

const char *test_cache_dir(void)
{
    if (!cache_dir[0]) {
        snprintf(cache_dir, sizeof cache_dir, "/tmp/llmc-cache-XXXXXX");
        if (!mkdtemp(cache_dir))
            die("mkdtemp");
        setenv("XDG_CACHE_HOME", cache_dir, 1);
        atexit(cache_cleanup);
    }
    return cache_dir;
}

void emulator_start(emulator *emu, const char *const *extra_args)
{
    test_cache_dir();
    char portfile[] = "/tmp/llmc-emu-port-XXXXXX";
    int fd = mkstemp(portfile);
    if (fd < 0)
        die("mkstemp");
    close(fd);
    unlink(portfile);
    const char *argv[32] = {EMULATOR_PATH, "--port", "0", "--port-file", portfile};
    size_t n = 5;
    for (size_t i = 0; extra_args && extra_args[i] && n < 31; i++)
        argv[n++] = extra_args[i];
    argv[n] = NULL;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* a test that dies before its teardown (a failed assertion, a sanitizer's abort) must not
         * leave its emulator running: it goes with the test */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO);
        execv(EMULATOR_PATH, (char *const *)argv);
        _exit(127);
    }
    emu->pid = pid;
    emu->port = 0;
    for (int i = 0; i < 400 && !emu->port; i++) {
        FILE *f = fopen(portfile, "r");
        if (f) {
            if (fscanf(f, "%d", &emu->port) != 1)
                emu->port = 0;
            fclose(f);
        }
        if (!emu->port) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    unlink(portfile);
    if (!emu->port) {
        kill(pid, SIGTERM);
        fprintf(stderr, "harness: the emulator did not publish its port\n");
        abort();
    }
    snprintf(emu->base, sizeof emu->base, "http://127.0.0.1:%d", emu->port);
}

void emulator_stop(emulator *emu)
{
    if (emu->pid > 0) {
        kill(emu->pid, SIGTERM);
        waitpid(emu->pid, NULL, 0);
        emu->pid = 0;
    }
}

const char *emulator_base_url(const emulator *emu, const char *provider)
{
    static char buf[128];
    const char *suffix = strcmp(provider, "fireworks") == 0 ? "/fireworks/inference"
                         : strcmp(provider, "openai") == 0  ? "/openai/v1"
                                                            : NULL;
    if (suffix)
        snprintf(buf, sizeof buf, "%s%s", emu->base, suffix);
    else
        snprintf(buf, sizeof buf, "%s/%s", emu->base, provider);
    return buf;
}

typedef struct body_buf {
    char *data;
    size_t len;
} body_buf;

static size_t collect(char *p, size_t size, size_t nmemb, void *userp)
{
    body_buf *b = userp;
    size_t n = size * nmemb;
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->len, p, n);
    b->data = grown;
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

long emulator_call(const emulator *emu, const char *method, const char *path, const char *json_body, char **body)
{
    CURL *curl = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "%s%s", emu->base, path);
    body_buf b = {0};
    struct curl_slist *h = curl_slist_append(NULL, "content-type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    if (json_body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body);
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(curl);
    if (body)
        *body = b.data ? b.data : strdup("");
    else
        free(b.data);
    return status;
}

void emulator_fault(const emulator *emu, const char *fault_json)
{
    long status = emulator_call(emu, "POST", "/_emulator/faults", fault_json, NULL);
    if (status < 200 || status >= 300) {
        fprintf(stderr, "harness: the emulator refused the fault %s (HTTP %ld)\n", fault_json, status);
        abort();
    }
}

char *emulator_requests(const emulator *emu, bool clear)
{
    char *body = NULL;
    emulator_call(emu, "GET", "/_emulator/requests", NULL, &body);
    if (clear)
        emulator_call(emu, "DELETE", "/_emulator/requests", NULL, NULL);
    return body;
}

void emulator_clear_requests(const emulator *emu)
{
    emulator_call(emu, "DELETE", "/_emulator/requests", NULL, NULL);
}

void emulator_settle(const emulator *emu)
{
    size_t before = emulator_request_count(emu);
    for (int i = 0; i < 20; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        size_t now = emulator_request_count(emu);
        if (now == before)
            return;
        before = now;
    }
}

size_t emulator_request_count(const emulator *emu)
{
    char *body = emulator_requests(emu, false);
    size_t n = 0;
    for (const char *p = body; (p = strstr(p, "\"method\"")) != NULL; p++)
        n++;
    free(body);
    return n;
}

const char *test_key(const char *provider_upper, const char *state_upper)
{
    static char keys[16][256];
    static int next;
    char name[64];
    snprintf(name, sizeof name, "EMU_%s_%s=", provider_upper, state_upper);
    FILE *f = fopen(KEYS_ENV_PATH, "r");
    if (!f)
        die(KEYS_ENV_PATH);
    char line[256];
    char *found = NULL;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, strlen(name)) == 0) {
            found = keys[next++ % 16];
            snprintf(found, 256, "%s", line + strlen(name));
            found[strcspn(found, "\r\n")] = '\0';
            break;
        }
    fclose(f);
    if (!found) {
        fprintf(stderr, "harness: no %s in %s\n", name, KEYS_ENV_PATH);
        abort();
    }
    return found;
}

static const char *const provider_vars[] = {"ANTHROPIC_API_KEY",
                                            "ANTHROPIC_AUTH_TOKEN",
                                            "ANTHROPIC_BASE_URL",
                                            "ANTHROPIC_API_KEY_FILE",
                                            "CEREBRAS_API_KEY",
                                            "CEREBRAS_BASE_URL",
                                            "CEREBRAS_API_KEY_FILE",
                                            "FIREWORKS_API_KEY",
                                            "FIREWORKS_BASE_URL",
                                            "FIREWORKS_API_KEY_FILE",
                                            "OPENAI_API_KEY",
                                            "OPENAI_BASE_URL",
                                            "OPENAI_API_KEY_FILE",
                                            "LLMC_MODEL",
                                            "LLMC_LOG",
                                            NULL};

void set_provider_env(const char *const *env)
{
    for (size_t i = 0; provider_vars[i]; i++)
        unsetenv(provider_vars[i]);
    for (size_t i = 0; env && env[i]; i++) {
        char *copy = strdup(env[i]);
        char *eq = strchr(copy, '=');
        *eq = '\0';
        setenv(copy, eq + 1, 1);
        free(copy);
    }
}

/* Read both pipes until EOF without letting either fill up and block the child. */
static void drain(int out_fd, int err_fd, body_buf *out, body_buf *err)
{
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    char chunk[4096];
    while (open_fds > 0) {
        if (poll(fds, 2, 30000) <= 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else {
                collect(chunk, 1, (size_t)n, i == 0 ? out : err);
            }
        }
    }
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static char private_dirs[128];

static void remove_private_dirs(void)
{
    if (private_dirs[0])
        nftw(private_dirs, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The CLI writes a log, a history and a cache under XDG_DATA_HOME, XDG_STATE_HOME and
 * XDG_CACHE_HOME: unless a test names its own, each test program gets private ones (removed at
 * exit), so no test writes into the real user's files. */
static const char *private_dir(const char *var)
{
    if (!private_dirs[0]) {
        snprintf(private_dirs, sizeof private_dirs, "/tmp/llmc-xdg-XXXXXX");
        if (!mkdtemp(private_dirs))
            die("mkdtemp");
        atexit(remove_private_dirs);
    }
    static char bufs[3][256];
    int i = strcmp(var, "XDG_DATA_HOME") == 0 ? 0 : strcmp(var, "XDG_STATE_HOME") == 0 ? 1 : 2;
    snprintf(bufs[i], sizeof bufs[i], "%s=%s/%s", var, private_dirs, var);
    return bufs[i];
}

static bool env_names(const char *const *env, const char *var)
{
    size_t n = strlen(var);
    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], var, n) == 0 && env[i][n] == '=')
            return true;
    return false;
}

size_t harness_sanitizer_env(const char **out, size_t room)
{
    /* the sanitizer job's settings (suppressions of library bugs, abort on error) reach the CLI */
    static const char *const names[] = {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"};
    static char bufs[3][2048];
    size_t n = 0;
    for (size_t i = 0; i < 3 && n < room; i++) {
        const char *v = getenv(names[i]);
        if (!v)
            continue;
        snprintf(bufs[i], sizeof bufs[i], "%s=%s", names[i], v);
        out[n++] = bufs[i];
    }
    return n;
}

cli_result run_cli(const char *const *args, const char *const *env, const char *stdin_text)
{
    int out_pipe[2], err_pipe[2], in_pipe[2];
    if (pipe(out_pipe) || pipe(err_pipe) || pipe(in_pipe))
        die("pipe");
    const char *argv[64] = {LLMC_CLI_PATH};
    size_t n = 1;
    for (size_t i = 0; args && args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    const char *envp[64];
    size_t m = 0;
    static char path_var[1024], home_var[512], tmp_var[512], cache_var[128];
    snprintf(path_var, sizeof path_var, "PATH=%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    snprintf(home_var, sizeof home_var, "HOME=%s", getenv("HOME") ? getenv("HOME") : "/tmp");
    snprintf(tmp_var, sizeof tmp_var, "TMPDIR=%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(cache_var, sizeof cache_var, "XDG_CACHE_HOME=%s", test_cache_dir());
    envp[m++] = path_var;
    envp[m++] = home_var;
    envp[m++] = tmp_var;
    for (size_t i = 0; env && env[i] && m < 56; i++) /* room for 3 XDG and 3 sanitizer settings */
        envp[m++] = env[i];
    /* the cache is the one this test program's library calls use too (test_cache_dir) */
    static const char *const xdg[] = {"XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"};
    for (size_t i = 0; i < 3; i++)
        if (!env_names(env, xdg[i]))
            envp[m++] = i == 2 ? cache_var : private_dir(xdg[i]);
    m += harness_sanitizer_env(envp + m, 63 - m);
    envp[m] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        dup2(in_pipe[0], STDIN_FILENO);
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(err_pipe[0]);
        execve(LLMC_CLI_PATH, (char *const *)argv, (char *const *)envp);
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (stdin_text) {
        signal(SIGPIPE, SIG_IGN);
        ssize_t w = write(in_pipe[1], stdin_text, strlen(stdin_text));
        (void)w;
    }
    close(in_pipe[1]);
    body_buf out = {0}, err = {0};
    drain(out_pipe[0], err_pipe[0], &out, &err);
    int status = 0;
    waitpid(pid, &status, 0);
    cli_result r = {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out.data ? out.data : strdup(""),
                    err.data ? err.data : strdup("")};
    return r;
}

void cli_result_free(cli_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
