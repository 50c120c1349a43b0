/* SPDX-License-Identifier: MIT */
/*
 * test_key_store_safety.c — the key store under concurrency and attack: eight `llmc keys set` at
 * once and eight threads calling llmc_key_store_set never lose a key; a temporary name planted in
 * advance (a 0644 file, or a hard link to a file others can read) can neither make the store
 * readable nor keep a copy of it; a store whose directory others can write to (1777) or own, or a
 * store owned by another user, is refused with the fix, as ssh refuses such a key.
 */
#include "auth_fixture.h"

#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "llmc/llmc.h"

static temp_home home;

static int setup(void **state)
{
    (void)state;
    home_make(&home);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    chmod(home.store, 0600);
    home_remove(&home);
    return 0;
}

static size_t stored_count(const char *provider)
{
    size_t n = 0;
    llmc_error err;
    assert_int_equal(llmc_key_store_list(provider, NULL, 0, &n, &err), LLMC_OK);
    return n;
}

static bool has_label(const char *provider, const char *label)
{
    llmc_stored_key keys[256];
    size_t n = 0;
    llmc_error err;
    if (llmc_key_store_list(provider, keys, 256, &n, &err) != LLMC_OK)
        return false;
    for (size_t i = 0; i < n && i < 256; i++)
        if (strcmp(keys[i].label, label) == 0)
            return true;
    return false;
}

/* `llmc keys set PROVIDER --label LABEL` in the background with `key` piped on stdin. */
static pid_t spawn_set(const char *provider, const char *label, const char *key)
{
    int in[2];
    if (pipe(in) != 0)
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        close(in[1]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        char home_env[300];
        snprintf(home_env, sizeof home_env, "HOME=%s", home.root);
        char *const envp[] = {"PATH=/usr/bin:/bin", home_env, home.xdg_env, NULL};
        char *const argv[] = {LLMC_CLI_PATH, "keys", "set", (char *)provider, "--label", (char *)label, NULL};
        execve(LLMC_CLI_PATH, argv, envp);
        _exit(127);
    }
    close(in[0]);
    ssize_t w = write(in[1], key, strlen(key));
    (void)w;
    close(in[1]);
    return pid;
}

static void test_concurrent_cli_sets_keep_every_key(void **state)
{
    (void)state;
    const char *key = test_key("ANTHROPIC", "VALID");
    for (int round = 0; round < 3; round++) {
        pid_t pids[8];
        for (int i = 0; i < 8; i++)
            pids[i] = spawn_set("anthropic", envf("r%d-p%d", round, i), key);
        for (int i = 0; i < 8; i++) {
            int status = 0;
            assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
            assert_true(WIFEXITED(status));
            assert_int_equal(WEXITSTATUS(status), 0);
        }
        for (int i = 0; i < 8; i++)
            if (!has_label("anthropic", envf("r%d-p%d", round, i)))
                fail_msg("round %d: the key labelled r%d-p%d was lost", round, round, i);
    }
    assert_int_equal(stored_count("anthropic"), 24);
    assert_int_equal(file_mode(home.store), 0600);
    llmc_error err;
    assert_int_equal(llmc_key_store_remove("anthropic", NULL, &err), LLMC_OK);
}

typedef struct setter {
    int id;
    int failures;
} setter;

static void *set_many(void *arg)
{
    setter *s = arg;
    for (int i = 0; i < 10; i++) {
        char label[32];
        snprintf(label, sizeof label, "t%d-%d", s->id, i);
        llmc_error err;
        if (llmc_key_store_set("cerebras", label, test_key("CEREBRAS", "VALID"), &err) != LLMC_OK)
            s->failures++;
    }
    return NULL;
}

static void test_threads_set_keep_every_key(void **state)
{
    (void)state;
    pthread_t threads[8];
    setter setters[8];
    for (int i = 0; i < 8; i++) {
        setters[i] = (setter){i, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, set_many, &setters[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(setters[i].failures, 0);
    }
    assert_int_equal(stored_count("cerebras"), 80);
    for (int t = 0; t < 8; t++)
        for (int i = 0; i < 10; i++)
            assert_true(has_label("cerebras", envf("t%d-%d", t, i)));
    llmc_error err;
    assert_int_equal(llmc_key_store_remove("cerebras", NULL, &err), LLMC_OK);
}

static void test_planted_temporary_file(void **state)
{
    (void)state;
    const char *key = test_key("FIREWORKS", "VALID");
    /* the old fixed name, planted world-readable: it must not lend the store its mode */
    char planted[400];
    snprintf(planted, sizeof planted, "%s.tmp.%ld", home.store, (long)getpid());
    write_file(planted, "planted\n", 0644);
    llmc_error err;
    assert_int_equal(llmc_key_store_set("fireworks", "default", key, &err), LLMC_OK);
    assert_int_equal(file_mode(home.store), 0600);
    unlink(planted);

    /* a hard link to a file someone else can read: it must not receive a copy of the store */
    char outside[400];
    snprintf(outside, sizeof outside, "%s/outside-readable", home.root);
    write_file(outside, "nothing yet\n", 0644);
    assert_int_equal(link(outside, planted), 0);
    assert_int_equal(llmc_key_store_set("fireworks", "second", key, &err), LLMC_OK);
    char *copy = read_whole(outside);
    assert_non_null(copy);
    assert_string_equal(copy, "nothing yet\n");
    free(copy);
    assert_int_equal(file_mode(home.store), 0600);
    assert_int_equal(stored_count("fireworks"), 2);
    unlink(planted);

    /* no temporary file is left behind */
    char dir[400];
    snprintf(dir, sizeof dir, "%s/llmc", home.xdg);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c 'keys.tmp' >/dev/null", dir);
    assert_int_not_equal(system(cmd), 0);
    assert_int_equal(llmc_key_store_remove("fireworks", NULL, &err), LLMC_OK);
}

static void assert_refused(llmc_code rc, const llmc_error *err, const char *fix_part)
{
    assert_int_equal(rc, LLMC_E_KEY);
    assert_int_equal(err->diagnosis.cause, LLMC_CAUSE_KEY_FILE_PERMISSIONS);
    assert_int_equal(err->diagnosis.source, LLMC_SOURCE_STORE);
    assert_true(err->diagnosis.fix[0] != '\0');
    /* what was found goes in the detail, what to do in the fix: the words may be in either */
    if (!strstr(err->diagnosis.detail, fix_part) && !strstr(err->diagnosis.fix, fix_part))
        fail_msg("neither the detail \"%s\" nor the fix \"%s\" says \"%s\"", err->diagnosis.detail, err->diagnosis.fix,
                 fix_part);
}

static void test_world_writable_directory_refused(void **state)
{
    (void)state;
    llmc_error err;
    assert_int_equal(llmc_key_store_set("openai", "default", test_key("OPENAI", "VALID"), &err), LLMC_OK);
    char dir[400];
    snprintf(dir, sizeof dir, "%s/llmc", home.xdg);
    assert_int_equal(chmod(dir, 01777), 0);

    assert_refused(llmc_key_store_set("openai", "other", test_key("OPENAI", "VALID"), &err), &err, "chmod 700");
    assert_non_null(strstr(err.message, "can be written by other users"));
    size_t n = 0;
    assert_refused(llmc_key_store_list(NULL, NULL, 0, &n, &err), &err, "chmod 700");
    /* the credential chain does not take a key from such a store either */
    llmc_client *c = llmc_client_new();
    llmc_key_report report;
    assert_int_equal(llmc_client_inspect_key(c, "openai", &report), LLMC_OK);
    assert_int_not_equal(report.result.code, LLMC_OK);
    llmc_client_free(c);

    /* the CLI says why and how to fix it, exit 3 */
    const char *list[] = {"keys", "list", NULL};
    const char *env[] = {home.xdg_env, NULL};
    cli_result r = run_cli(list, env, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "chmod 700"));
    assert_non_null(strstr(r.err, "key.file_permissions"));
    cli_result_free(&r);

    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(llmc_key_store_remove("openai", NULL, &err), LLMC_OK);
}

static void test_other_owner_refused(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* handing a file to another user needs root */
    llmc_error err;
    assert_int_equal(llmc_key_store_set("openai", "default", test_key("OPENAI", "VALID"), &err), LLMC_OK);
    char dir[400];
    snprintf(dir, sizeof dir, "%s/llmc", home.xdg);

    assert_int_equal(chown(home.store, 65534, 65534), 0);
    size_t n = 0;
    assert_refused(llmc_key_store_list(NULL, NULL, 0, &n, &err), &err, "uid 65534");
    assert_int_equal(chown(home.store, 0, 0), 0);

    assert_int_equal(chown(dir, 65534, 65534), 0);
    assert_refused(llmc_key_store_list(NULL, NULL, 0, &n, &err), &err, "uid 65534");
    assert_refused(llmc_key_store_set("openai", "x", test_key("OPENAI", "VALID"), &err), &err, "XDG_CONFIG_HOME");
    assert_int_equal(chown(dir, 0, 0), 0);
    assert_int_equal(llmc_key_store_remove("openai", NULL, &err), LLMC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_cli_sets_keep_every_key),
        cmocka_unit_test(test_threads_set_keep_every_key),
        cmocka_unit_test(test_planted_temporary_file),
        cmocka_unit_test(test_world_writable_directory_refused),
        cmocka_unit_test(test_other_owner_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
