/* SPDX-License-Identifier: MIT */
/*
 * test_tty.c — the prompts that only exist on a terminal, driven through a real pseudo-terminal
 * (forkpty): `llmc keys set` reading a key with echo off, the offer to type a new key after a 401,
 * echo restored after Ctrl-C — and no prompt at all when stdin is not a terminal.
 */
#include "pty_harness.h"

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

#include "llmc/llmc.h"

static emulator emu;
static temp_home home;

#define assert_has(hay, needle)                                                                                        \
    do {                                                                                                               \
        if (!strstr((hay), (needle)))                                                                                  \
            fail_msg("expected to find \"%s\" in:\n%s", (needle), (hay));                                              \
    } while (0)
#define assert_lacks(hay, needle)                                                                                      \
    do {                                                                                                               \
        if (strstr((hay), (needle)))                                                                                   \
            fail_msg("did not expect \"%s\" in:\n%s", (needle), (hay));                                                \
    } while (0)

/* Run the CLI on a new pseudo-terminal. When `expect` shows up on the screen, type `answer`
 * (as a person would: only after the prompt appeared). */
static void run_pty(pty_result *res, const char *const *args, const char *const *extra_env, const char *expect,
                    const char *answer)
{
    const pty_step steps[] = {{expect, expect ? answer : NULL, false}, {NULL, NULL, false}};
    run_pty_steps(res, &home, emulator_base_url(&emu, "anthropic"), args, extra_env, steps);
}

static bool store_holds(const char *provider, const char *fingerprint_tail)
{
    llmc_stored_key keys[8];
    size_t n = 0;
    llmc_error err;
    if (llmc_key_store_list(provider, keys, 8, &n, &err) != LLMC_OK)
        return false;
    for (size_t i = 0; i < n && i < 8; i++) {
        const char *fp = keys[i].fingerprint;
        size_t fl = strlen(fp), tl = strlen(fingerprint_tail);
        if (fl >= tl && strcmp(fp + fl - tl, fingerprint_tail) == 0)
            return true;
    }
    return false;
}

static int each_setup(void **state)
{
    (void)state;
    home_make(&home);
    emulator_clear_requests(&emu);
    return 0;
}

static int each_teardown(void **state)
{
    (void)state;
    home_remove(&home);
    return 0;
}

static void test_keys_set_reads_a_hidden_key(void **state)
{
    (void)state;
    static pty_result res;
    const char *key = test_key("ANTHROPIC", "VALID");
    const char *args[] = {"keys", "set", "anthropic", NULL};
    run_pty(&res, args, NULL, "(input hidden): ", envf("%s\n", key));
    assert_int_equal(res.status, 0);
    assert_has(res.out, "Key for anthropic (input hidden): ");
    assert_has(res.out, "stored the anthropic key \"default\"");
    /* the key was typed into the terminal but never shown on it, not even a part of it */
    assert_lacks(res.out, key);
    assert_lacks(res.out, key + 20);
    assert_true(res.echo_after);
    assert_true(store_holds("anthropic", key + strlen(key) - 4));
    assert_int_equal(file_mode(home.store), 0600);
}

static void test_ctrl_c_at_the_prompt_restores_echo(void **state)
{
    (void)state;
    static pty_result res;
    const char *args[] = {"keys", "set", "anthropic", NULL};
    run_pty(&res, args, NULL, "(input hidden): ", "sk-ant-half-typ\x03");
    assert_int_equal(res.status, 128 + SIGINT);
    assert_true(res.echo_after);
    assert_lacks(res.out, "half-typ");
    llmc_stored_key keys[1];
    size_t n = 9;
    llmc_error err;
    llmc_key_store_list("anthropic", keys, 1, &n, &err);
    assert_int_equal(n, 0);
}

static void test_rejected_key_offer_on_a_terminal(void **state)
{
    (void)state;
    static pty_result res;
    const char *revoked = test_key("ANTHROPIC", "REVOKED");
    const char *valid = test_key("ANTHROPIC", "VALID");
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", revoked), NULL};
    const char *args[] = {"hi", "there", NULL};
    run_pty(&res, args, env, "(input hidden; empty to give up): ", envf("%s\n", valid));
    assert_int_equal(res.status, 0);
    /* first why it failed, then the offer, then the reply */
    const char *why = strstr(res.out, "auth.rejected");
    const char *offer = strstr(res.out, "Enter a new anthropic key");
    const char *reply = strstr(res.out, "You said: hi there");
    assert_non_null(why);
    assert_non_null(offer);
    assert_non_null(reply);
    assert_true(why < offer);
    assert_has(res.out, "stored the new anthropic key");
    /* the variable still holds the old key and comes first: say so */
    assert_has(res.out, "env ANTHROPIC_API_KEY still holds the rejected key");
    assert_lacks(res.out, valid);
    assert_lacks(res.out, revoked);
    assert_true(res.echo_after);
    assert_true(store_holds("anthropic", valid + strlen(valid) - 4));
    assert_int_equal(emulator_request_count(&emu), 2);
}

static void test_rejected_key_offer_declined(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "REVOKED")), NULL};
    const char *args[] = {"hi", NULL};
    run_pty(&res, args, env, "empty to give up): ", "\n");
    assert_int_equal(res.status, 3);
    /* the error was shown once, before the offer, not again after */
    const char *first = strstr(res.out, "llmc explain auth.rejected");
    assert_non_null(first);
    assert_null(strstr(first + 1, "llmc explain auth.rejected"));
    assert_int_equal(access(home.store, F_OK), -1);
    assert_int_equal(emulator_request_count(&emu), 1);
}

static void test_no_prompt_without_a_terminal(void **state)
{
    (void)state;
    const char *env[] = {home.xdg_env, envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "REVOKED")), NULL};
    const char *args[] = {"hi", NULL};
    /* stdin is a pipe holding a valid key: it must not be read as an answer */
    cli_result r = run_cli(args, env, envf("%s\n", test_key("ANTHROPIC", "VALID")));
    assert_int_equal(r.status, 3);
    assert_lacks(r.err, "Enter a new");
    assert_lacks(r.err, "input hidden");
    assert_has(r.err, "auth.rejected");
    cli_result_free(&r);
    assert_int_equal(access(home.store, F_OK), -1);
    assert_int_equal(emulator_request_count(&emu), 1);

    /* and `keys set` reads a piped key without any prompt */
    const char *set[] = {"keys", "set", "anthropic", NULL};
    r = run_cli(set, env, test_key("ANTHROPIC", "VALID"));
    assert_int_equal(r.status, 0);
    assert_lacks(r.err, "input hidden");
    cli_result_free(&r);
}

static void test_replacing_a_stored_key_asks_first(void **state)
{
    (void)state;
    static pty_result res;
    const char *first = test_key("ANTHROPIC", "VALID"), *second = test_key("ANTHROPIC", "REVOKED");
    llmc_error err;
    assert_int_equal(llmc_key_store_set("anthropic", NULL, first, &err), LLMC_OK);
    const char *args[] = {"keys", "set", "anthropic", NULL};
    /* no: nothing changes, and the key is not even asked for */
    run_pty(&res, args, NULL, "[y/N] ", "n\n");
    assert_int_equal(res.status, 2);
    assert_has(res.out, "Replace the stored anthropic key \"default\"");
    assert_has(res.out, "kept the stored key");
    assert_lacks(res.out, "input hidden");
    assert_true(store_holds("anthropic", first + strlen(first) - 4));
    /* yes: then the new key, hidden */
    const pty_step steps[] = {
        {"[y/N] ", "y\n", false}, {"(input hidden): ", envf("%s\n", second), false}, {NULL, NULL, false}};
    run_pty_steps(&res, &home, emulator_base_url(&emu, "anthropic"), args, NULL, steps);
    assert_int_equal(res.status, 0);
    assert_lacks(res.out, second);
    assert_true(store_holds("anthropic", second + strlen(second) - 4));
    assert_false(store_holds("anthropic", first + strlen(first) - 4));
}

static int group_setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, each_setup, each_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_keys_set_reads_a_hidden_key),      T(test_ctrl_c_at_the_prompt_restores_echo),
        T(test_rejected_key_offer_on_a_terminal), T(test_rejected_key_offer_declined),
        T(test_no_prompt_without_a_terminal),     T(test_replacing_a_stored_key_asks_first),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
