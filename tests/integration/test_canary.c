/* SPDX-License-Identifier: MIT */
/*
 * test_canary.c — secret hygiene end to end: recognizable canary keys go through the CLI and the
 * library (success, 401, 403, repaired whitespace, key file, key command, key store, doctor,
 * keys list/check, verbose and debug logs, local and remote batches with their output files and
 * the sidecars beside them, a CLI killed by a core-dumping signal mid-request) and must then
 * appear nowhere — no stdout, stderr, log line, error struct, batch output, lock or record file,
 * core file or other file left under HOME — except the key store (0600, the key in its key field
 * only) and the authentication header the emulator received. "Appear" means the whole key or any
 * 8 characters of its secret part.
 */
#include "auth_fixture.h"
#include "models.h"

#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "llmc/llmc.h"

typedef struct canary {
    const char *provider, *state, *prefix, *secret;
    char key[160];
} canary;

/* Shaped like real keys of each provider, so the static checks let them through to the wire. */
static canary canaries[] = {
    {"anthropic", "valid", "sk-ant-api03-",
     "CANARYvalid7Qm2Xr9Lk4Wp8Zt3Nb6Hj1Fd5Gs0Ye2Uc7Vi4Ob9Ta3Rn6Ml8Kq1Ex5CANARYAA", ""},
    {"anthropic", "revoked", "sk-ant-api03-", "CANARYrevok3Hs8Jd2Kf7Lg1Zm6Xn4Cb9Vq5Wr0Et3Yu8Ip2Oa7Sd1Fg6Hj4Kl9CANARYAA",
     ""},
    {"anthropic", "forbidden", "sk-ant-api03-",
     "CANARYforbd5Qw1Er6Ty2Ui7Op3As8Df4Gh9Jk0Lz5Xc1Vb6Nm2Qa7Ws3Ed8Rf4CANARYAA", ""},
    {"cerebras", "valid", "csk-", "canaryc3rebras7x2k9m4p8q1w6e3r5t0y2u7i4o9a1s6d3f8g5h", ""},
    {"openai", "revoked", "sk-proj-", "CANARYopenai4Rt8Yu2Io6Pa1Sd5Fg9Hj3Kl7Zx0Cv4Bn8Mq2We6", ""},
    {"fireworks", "valid", "fw_", "CANARYfw3Kq9Lm2Np7Vx", ""},
};
#define N_CANARIES (sizeof canaries / sizeof canaries[0])
enum { ANT_VALID, ANT_REVOKED, ANT_FORBIDDEN, CB_VALID, OAI_REVOKED, FW_VALID };

static emulator emu;
static temp_home home;
static char outside[256]; /* a directory outside HOME for the key file and the key command's file */

/* Fail when `len` bytes at `data` hold any canary or any 8-character piece of a secret part. */
static void assert_clean_mem(const char *where, const void *data, size_t len)
{
    for (size_t c = 0; c < N_CANARIES; c++) {
        const char *secret = canaries[c].secret;
        size_t sl = strlen(secret);
        for (size_t i = 0; i + 8 <= sl; i++)
            if (memmem(data, len, secret + i, 8))
                fail_msg("%s holds 8 characters (\"%.8s\") of the %s %s canary key", where, secret + i,
                         canaries[c].provider, canaries[c].state);
    }
}

static void assert_clean(const char *where, const char *text)
{
    assert_clean_mem(where, text, strlen(text));
}

static void assert_clean_result(const char *what, const cli_result *r)
{
    assert_clean_mem(envf("stdout of `llmc %s`", what), r->out, strlen(r->out));
    assert_clean_mem(envf("stderr of `llmc %s`", what), r->err, strlen(r->err));
}

static const char *const *base_env(void)
{
    static const char *env[8];
    env[0] = home.xdg_env;
    env[1] = envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic"));
    env[2] = envf("CEREBRAS_BASE_URL=%s", emulator_base_url(&emu, "cerebras"));
    env[3] = envf("FIREWORKS_BASE_URL=%s", emulator_base_url(&emu, "fireworks"));
    env[4] = envf("OPENAI_BASE_URL=%s", emulator_base_url(&emu, "openai"));
    env[5] = NULL;
    return env;
}

/* Run the CLI with the emulator's base URLs plus `extra`; check its output is clean. */
static cli_result run(const char *what, const char *const *args, const char *const *extra, const char *stdin_text)
{
    const char *env[24];
    size_t n = 0;
    for (const char *const *b = base_env(); *b; b++)
        env[n++] = *b;
    for (size_t i = 0; extra && extra[i] && n < 23; i++)
        env[n++] = extra[i];
    env[n] = NULL;
    cli_result r = run_cli(args, env, stdin_text);
    assert_clean_result(what, &r);
    return r;
}

static void test_cli_calls(void **state)
{
    (void)state;
    const char *valid = canaries[ANT_VALID].key;
    const char *hi[] = {"hi", NULL};
    const char *verbose[] = {"-v", "hi", NULL};
    const char *json[] = {"--json", "hi", NULL};

    const char *ok_env[] = {envf("ANTHROPIC_API_KEY=%s", valid), "LLMC_LOG=debug", NULL};
    cli_result r = run("hi (valid key)", hi, ok_env, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    r = run("-v hi (valid key, LLMC_LOG=debug)", verbose, ok_env, NULL);
    assert_int_equal(r.status, 0);
    assert_true(strlen(r.err) > 0); /* there was a verbose log to check */
    cli_result_free(&r);

    const char *ws_env[] = {envf("ANTHROPIC_API_KEY=  %s\r\n", valid), NULL};
    r = run("hi (key with whitespace)", verbose, ws_env, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "key.whitespace"));
    cli_result_free(&r);

    const char *rev_env[] = {envf("ANTHROPIC_API_KEY=%s", canaries[ANT_REVOKED].key), "LLMC_LOG=debug", NULL};
    r = run("-v hi (revoked key)", verbose, rev_env, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "auth.rejected"));
    cli_result_free(&r);
    r = run("--json hi (revoked key)", json, rev_env, NULL);
    assert_int_equal(r.status, 3);
    cli_result_free(&r);

    const char *forb_env[] = {envf("ANTHROPIC_API_KEY=%s", canaries[ANT_FORBIDDEN].key), NULL};
    r = run("-v hi (forbidden key)", verbose, forb_env, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "auth.forbidden"));
    cli_result_free(&r);

    /* OpenAI echoes a masked key in its 401 message: only 3 leading and 4 trailing characters */
    const char *oai[] = {"-v", "-m", TEST_MODEL_OPENAI, "hi", NULL};
    const char *oai_env[] = {envf("OPENAI_API_KEY=%s", canaries[OAI_REVOKED].key), "LLMC_LOG=debug", NULL};
    r = run("-m openai/… hi (revoked key)", oai, oai_env, NULL);
    assert_int_equal(r.status, 3);
    cli_result_free(&r);

    /* a key file outside HOME, and a key command reading a file outside HOME */
    char key_file[400];
    snprintf(key_file, sizeof key_file, "%s/anthropic.key", outside);
    write_file(key_file, envf("%s\n", valid), 0600);
    const char *file_env[] = {envf("ANTHROPIC_API_KEY_FILE=%s", key_file), "LLMC_LOG=debug", NULL};
    r = run("-v hi (key file)", verbose, file_env, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char cb_file[400];
    snprintf(cb_file, sizeof cb_file, "%s/cerebras.key", outside);
    write_file(cb_file, canaries[CB_VALID].key, 0600);
    write_file(home.config, envf("[provider cerebras]\nkey_command = %s %s\n", data_path("keycmd_cat.sh"), cb_file),
               0600);
    const char *cb[] = {"-v", "-m", TEST_MODEL_CEREBRAS, "hi", NULL};
    const char *dbg[] = {"LLMC_LOG=debug", NULL};
    r = run("-v -m cerebras/… hi (key command)", cb, dbg, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    /* the key store: set from a pipe (checked live first), then used, listed, checked, doctored */
    const char *set[] = {"keys", "set", "anthropic", "--check", NULL};
    r = run("keys set anthropic --check", set, NULL, envf("%s\n", valid));
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *set_fw[] = {"keys", "set", "fireworks", NULL};
    r = run("keys set fireworks", set_fw, NULL, canaries[FW_VALID].key);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    r = run("-v hi (stored key)", verbose, dbg, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *list[] = {"keys", "list", NULL};
    r = run("keys list", list, NULL, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *list_json[] = {"keys", "list", "--json", NULL};
    r = run("keys list --json", list_json, NULL, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *check[] = {"keys", "check", NULL};
    const char *oai_only[] = {envf("OPENAI_API_KEY=%s", canaries[OAI_REVOKED].key), NULL};
    r = run("keys check", check, oai_only, NULL);
    assert_int_equal(r.status, 3); /* the openai canary is revoked */
    cli_result_free(&r);
    const char *doctor[] = {"doctor", NULL};
    r = run("doctor", doctor, oai_only, NULL);
    assert_int_equal(r.status, 3);
    cli_result_free(&r);
    const char *doctor_json[] = {"doctor", "--json", NULL};
    r = run("doctor --json", doctor_json, oai_only, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.out, "\"fingerprint\""));
    cli_result_free(&r);
    /* a static refusal of the whole key shows only its fingerprint */
    const char *set_wrong[] = {"keys", "set", "cerebras", NULL};
    r = run("keys set cerebras (an anthropic key)", set_wrong, NULL, valid);
    assert_int_equal(r.status, 3);
    cli_result_free(&r);
}

/* ---- the library, with its log captured ---- */

typedef struct log_buf {
    char text[262144];
    size_t len;
} log_buf;

static void collect_log(void *userdata, llmc_log_level level, const char *line)
{
    (void)level;
    log_buf *b = userdata;
    size_t n = strlen(line);
    if (b->len + n + 2 < sizeof b->text) {
        memcpy(b->text + b->len, line, n);
        b->len += n;
        b->text[b->len++] = '\n';
        b->text[b->len] = '\0';
    }
}

static void test_library_calls(void **state)
{
    (void)state;
    static log_buf log;
    memset(&log, 0, sizeof log);
    llmc_client *c = llmc_client_new();
    assert_non_null(c);
    llmc_client_set_log(c, collect_log, &log, LLMC_LOG_DEBUG);
    llmc_error err;
    const char *providers[] = {"anthropic", "openai"};
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(llmc_client_set_base_url(c, providers[i], emulator_base_url(&emu, providers[i]), &err),
                         LLMC_OK);

    char *text = NULL;
    assert_int_equal(llmc_client_set_key(c, "anthropic", canaries[ANT_VALID].key, &err), LLMC_OK);
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err), LLMC_OK);
    llmc_free(text);
    text = NULL;
    assert_clean_mem("llmc_error after a success", &err, sizeof err);
    assert_int_equal(llmc_client_validate(c, "anthropic", &err), LLMC_OK);

    assert_int_equal(llmc_client_set_key(c, "anthropic", canaries[ANT_REVOKED].key, &err), LLMC_OK);
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err), LLMC_E_AUTH);
    assert_clean_mem("llmc_error after a 401", &err, sizeof err);
    assert_int_equal(llmc_client_validate(c, "anthropic", &err), LLMC_E_AUTH);
    assert_clean_mem("llmc_error after a failed validation", &err, sizeof err);
    llmc_key_report report;
    assert_int_equal(llmc_client_inspect_key(c, "anthropic", &report), LLMC_OK);
    assert_clean_mem("llmc_key_report", &report, sizeof report);

    assert_int_equal(llmc_client_set_key(c, "anthropic", canaries[ANT_FORBIDDEN].key, &err), LLMC_OK);
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err), LLMC_E_PERMISSION);
    assert_clean_mem("llmc_error after a 403", &err, sizeof err);

    assert_int_equal(llmc_client_set_key(c, "openai", canaries[OAI_REVOKED].key, &err), LLMC_OK);
    assert_int_equal(llmc_generate(c, TEST_MODEL_OPENAI, "hello", &text, &err), LLMC_E_AUTH);
    assert_clean_mem("llmc_error after OpenAI's 401 (which echoes a masked key)", &err, sizeof err);

    /* a key refused statically: another provider's key */
    assert_int_equal(llmc_client_set_key(c, "openai", canaries[ANT_VALID].key, &err), LLMC_OK);
    assert_int_not_equal(llmc_generate(c, TEST_MODEL_OPENAI, "hello", &text, &err), LLMC_OK);
    assert_clean_mem("llmc_error after a static refusal", &err, sizeof err);

    llmc_stored_key keys[8] = {0};
    size_t n = 0;
    assert_int_equal(llmc_key_store_list(NULL, keys, 8, &n, &err), LLMC_OK);
    assert_clean_mem("llmc_stored_key list", keys, sizeof keys);
    llmc_client_free(c);

    assert_true(log.len > 0);
    assert_clean("the library's log lines", log.text);
}

/* The library's default log sink (LLMC_LOG=debug on stderr), captured in a file under HOME that
 * the last test scans with everything else. */
static void test_library_default_log_sink(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/stderr.log", home.root);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    setenv("LLMC_LOG", "debug", 1);
    llmc_client *c = llmc_client_new();
    llmc_error err;
    llmc_client_set_base_url(c, "anthropic", emulator_base_url(&emu, "anthropic"), &err);
    char *text = NULL;
    llmc_client_set_key(c, "anthropic", canaries[ANT_REVOKED].key, &err);
    llmc_code rc1 = llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err);
    llmc_client_set_key(c, "anthropic", canaries[ANT_VALID].key, &err);
    llmc_code rc2 = llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err);
    llmc_free(text);
    llmc_client_free(c);
    unsetenv("LLMC_LOG");
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(rc1, LLMC_E_AUTH);
    assert_int_equal(rc2, LLMC_OK);
    char *logged = read_whole(path);
    assert_non_null(logged);
    assert_true(strlen(logged) > 0);
    free(logged);
}

/* ---- batches: output files and the sidecars beside them ---- */

static void test_batch_files(void **state)
{
    (void)state;
    char in[400], out[400], remote_out[400], fw_in[400], fw_out[400];
    snprintf(in, sizeof in, "%s/batch.in", home.root);
    snprintf(out, sizeof out, "%s/batch.out", home.root);
    snprintf(remote_out, sizeof remote_out, "%s/remote.out", home.root);
    snprintf(fw_in, sizeof fw_in, "%s/fw.in", home.root);
    snprintf(fw_out, sizeof fw_out, "%s/fw.out", home.root);
    /* a success and an error result per run: both kinds of line are written */
    write_file(in,
               "{\"custom_id\":\"ok\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":16,\"messages\":[{"
               "\"role\":\"user\",\"content\":\"canary batch\"}]}}\n"
               "{\"custom_id\":\"missing\",\"params\":{\"model\":\"missing-model\",\"max_tokens\":16,\"messages\":"
               "[{\"role\":\"user\",\"content\":\"no such model\"}]}}\n",
               0600);
    const char *valid_env[] = {envf("ANTHROPIC_API_KEY=%s", canaries[ANT_VALID].key), "LLMC_LOG=debug", NULL};
    const char *local[] = {"batch", in, "-o", out, "-v", NULL};
    cli_result r = run("batch -v (valid key)", local, valid_env, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char *text = read_whole(out);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"errored\""));
    assert_clean("the batch output", text);
    free(text);

    /* a rejected key stops the run: its diagnosis is clean too */
    char out_rev[400];
    snprintf(out_rev, sizeof out_rev, "%s/batch-revoked.out", home.root);
    const char *rev_env[] = {envf("ANTHROPIC_API_KEY=%s", canaries[ANT_REVOKED].key), NULL};
    const char *revoked[] = {"batch", in, "-o", out_rev, NULL};
    r = run("batch (revoked key)", revoked, rev_env, NULL);
    assert_int_equal(r.status, 3);
    cli_result_free(&r);

    /* remote, submitted without waiting: the record of the batch stays beside the output */
    const char *submit[] = {
        "batch", "--remote", in, "-o", remote_out, "--no-wait", "-v", "-H", "x-emulator-batch-delay-ms: 60000", NULL};
    r = run("batch --remote --no-wait (valid key)", submit, valid_env, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    char record[420];
    snprintf(record, sizeof record, "%s.remote", remote_out);
    text = read_whole(record);
    assert_non_null(text);
    assert_non_null(strstr(text, "msgbatch_"));
    free(text);
    /* Fireworks, collected: the job's results in the output */
    write_file(fw_in,
               "{\"custom_id\":\"f1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
               "\"fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct\",\"max_tokens\":16,\"messages\":[{"
               "\"role\":\"user\",\"content\":\"canary job\"}]}}\n",
               0600);
    const char *fw_env[] = {envf("FIREWORKS_API_KEY=%s", canaries[FW_VALID].key), "FIREWORKS_ACCOUNT_ID=canary-acct",
                            "LLMC_LOG=debug", NULL};
    const char *fw[] = {"batch", "--remote", fw_in, "-o", fw_out, "--poll", "0.05", "-v", NULL};
    r = run("batch --remote (fireworks)", fw, fw_env, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
}

/* ---- a crash mid-request: no core file, so no key in one ---- */

static void test_crash_leaves_no_core(void **state)
{
    (void)state;
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"hang\":true}");
    size_t before = emulator_request_count(&emu);
    char base[300], key[300];
    snprintf(base, sizeof base, "ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic"));
    snprintf(key, sizeof key, "ANTHROPIC_API_KEY=%s", canaries[ANT_VALID].key);
    char *const envp[] = {"PATH=/usr/bin:/bin", home.xdg_env, base, key, NULL};
    char *const argv[] = {LLMC_CLI_PATH, "--no-stream", "crash here", NULL};
    pid_t pid = fork();
    if (pid == 0) {
        /* where a core would land (core_pattern "core" writes it in the working directory) */
        if (chdir(home.root) != 0)
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
    for (int i = 0; i < 1000 && emulator_request_count(&emu) == before; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(emulator_request_count(&emu) > before); /* the key is in its memory now */
    kill(pid, SIGABRT); /* core-dumping, and left to the kernel even by sanitizer builds */
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    assert_false(WCOREDUMP(status));
    emulator_call(&emu, "DELETE", "/_emulator/faults", NULL, NULL);
    /* a core file, had there been one, is under HOME: the last test reads every byte there */
}

/* The whole content of a file and its length (binary files such as cores hold NUL bytes). */
static char *read_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return NULL;
    size_t cap = 65536;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + *len, 1, cap - *len, f)) > 0) {
        *len += n;
        if (*len == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    return buf;
}

/* Walk HOME: every file but the store must be clean; the store must hold the key, mode 0600. */
static int scan_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || !S_ISREG(sb->st_mode) || strcmp(path, home.store) == 0)
        return 0;
    size_t len;
    char *bytes = read_bytes(path, &len);
    if (bytes) {
        assert_clean_mem(envf("the file %s", path), bytes, len);
        free(bytes);
    }
    const char *base = strrchr(path, '/');
    if (base && strncmp(base + 1, "core", 4) == 0)
        fail_msg("a core file was left: %s", path);
    return 0;
}

static void test_nothing_left_behind(void **state)
{
    (void)state;
    assert_int_equal(nftw(home.root, scan_file, 16, FTW_PHYS), 0);
    char *store = read_whole(home.store);
    assert_non_null(store);
    assert_non_null(strstr(store, canaries[ANT_VALID].key));
    assert_non_null(strstr(store, canaries[FW_VALID].key));
    assert_int_equal(file_mode(home.store), 0600);
    /* and only in the key field: each line is provider, label, three times, then the key */
    for (char *line = store, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '#')
            continue;
        char *key_field = line;
        for (int tab = 0; tab < 5 && key_field; tab++)
            key_field = strchr(key_field, '\t') ? strchr(key_field, '\t') + 1 : NULL;
        assert_non_null(key_field);
        key_field[-1] = '\0';
        assert_clean("the key store's fields before the key", line);
    }
    free(store);

    /* the keys did travel — to the provider, and only in the authentication header */
    char *seen = emulator_requests(&emu, false);
    json_t *reqs = json_loads(seen, 0, NULL);
    assert_non_null(reqs);
    for (size_t c = 0; c < N_CANARIES; c++)
        if (!strstr(seen, canaries[c].key))
            fail_msg("the emulator never received the %s %s canary", canaries[c].provider, canaries[c].state);
    size_t i;
    json_t *req;
    json_array_foreach(reqs, i, req)
    {
        const char *path = json_string_value(json_object_get(req, "path"));
        const char *body = json_string_value(json_object_get(req, "body"));
        assert_clean(envf("the URL %s", path), path);
        if (body)
            assert_clean(envf("the body of a request to %s", path), body);
        const char *name;
        json_t *value;
        json_object_foreach(json_object_get(req, "headers"), name, value)
        {
            if (strcmp(name, "x-api-key") != 0 && strcmp(name, "authorization") != 0)
                assert_clean(envf("the %s header", name), json_string_value(value));
        }
    }
    json_decref(reqs);
    free(seen);
}

static int remove_entry_outside(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static int group_setup(void **state)
{
    (void)state;
    const char *args[2 * N_CANARIES + 2];
    size_t n = 0;
    for (size_t c = 0; c < N_CANARIES; c++) {
        snprintf(canaries[c].key, sizeof canaries[c].key, "%s%s", canaries[c].prefix, canaries[c].secret);
        args[n++] = "--key";
        args[n++] = envf("%s:%s:%s", canaries[c].provider, canaries[c].state, canaries[c].key);
    }
    args[n] = NULL;
    emulator_start(&emu, args);
    home_make(&home);
    snprintf(outside, sizeof outside, "/tmp/llmc-canary-XXXXXX");
    if (!mkdtemp(outside))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    home_remove(&home);
    nftw(outside, remove_entry_outside, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

int main(void)
{
    /* in order: the last test scans what the others left */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_calls),
        cmocka_unit_test(test_library_calls),
        cmocka_unit_test(test_library_default_log_sink),
        cmocka_unit_test(test_batch_files),
        cmocka_unit_test(test_crash_leaves_no_core),
        cmocka_unit_test(test_nothing_left_behind),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
