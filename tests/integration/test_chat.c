/* SPDX-License-Identifier: MIT */
/*
 * test_chat.c — `llmc chat` as a person uses it, through a real pseudo-terminal: editing with the
 * arrow keys, history across two sessions, a bracketed paste sent as one message, a """ block,
 * Ctrl-C clearing the line and cancelling a streamed reply (and the next turn working), /model,
 * the key checked before the banner, the 401 offer, the exit status after a failed turn — and
 * piped, the slash commands, /save and resuming a logged conversation with -c.
 */
#include "pty_harness.h"

#include <jansson.h>

#include "llmc/llmc.h"
#include "models.h"

static emulator emu;
static temp_home home;
static char data_env[400], state_env[400], history[400];

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

static const char *valid_anthropic(void)
{
    return envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID"));
}

/* The JSON bodies of the recorded message requests, oldest first (caller frees with json_decref). */
static json_t *message_bodies(void)
{
    char *log = emulator_requests(&emu, false);
    json_t *all = json_loads(log, 0, NULL);
    free(log);
    json_t *bodies = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "path"));
        if (path && (strstr(path, "/messages") || strstr(path, "/chat/completions")))
            json_array_append_new(bodies, json_loads(json_string_value(json_object_get(r, "body")), 0, NULL));
    }
    json_decref(all);
    return bodies;
}

/* The text of the last user message of a request body (either dialect). */
static const char *last_user_text(json_t *body)
{
    json_t *messages = json_object_get(body, "messages");
    for (size_t i = json_array_size(messages); i-- > 0;) {
        json_t *m = json_array_get(messages, i);
        if (strcmp(json_string_value(json_object_get(m, "role")), "user") != 0)
            continue;
        json_t *content = json_object_get(m, "content");
        if (json_is_string(content))
            return json_string_value(content);
        return json_string_value(json_object_get(json_array_get(content, 0), "text"));
    }
    return NULL;
}

static int each_setup(void **state)
{
    (void)state;
    home_make(&home);
    snprintf(data_env, sizeof data_env, "XDG_DATA_HOME=%s/data", home.root);
    snprintf(state_env, sizeof state_env, "XDG_STATE_HOME=%s/state", home.root);
    snprintf(history, sizeof history, "%s/state/llmc/history", home.root);
    emulator_clear_requests(&emu);
    return 0;
}

static int each_teardown(void **state)
{
    (void)state;
    home_remove(&home);
    return 0;
}

static void chat(pty_result *res, const char *const *extra_args, const char *const *env, const pty_step *steps)
{
    const char *args[16] = {"chat"};
    size_t n = 1;
    for (size_t i = 0; extra_args && extra_args[i] && n < 15; i++)
        args[n++] = extra_args[i];
    args[n] = NULL;
    const char *all_env[16] = {data_env, state_env};
    size_t m = 2;
    for (size_t i = 0; env && env[i] && m < 15; i++)
        all_env[m++] = env[i];
    all_env[m] = NULL;
    run_pty_steps(res, &home, emulator_base_url(&emu, "anthropic"), args, all_env, steps);
}

static void test_arrow_keys_edit_the_line(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {valid_anthropic(), NULL};
    /* "hello wrld", three steps left, insert the missing "o"; then Home and a word at the start */
    const pty_step steps[] = {{"> ", "hello wrld\033[D\033[D\033[Do\r", true},
                              {"You said: hello world", NULL},
                              {"> ", "there\033[H\001so \r", true},
                              {"You said: so there", NULL},
                              {"> ", "\004", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 2);
    assert_string_equal(last_user_text(json_array_get(bodies, 0)), "hello world");
    assert_string_equal(last_user_text(json_array_get(bodies, 1)), "so there");
    /* the whole conversation goes each turn */
    assert_int_equal(json_array_size(json_object_get(json_array_get(bodies, 1), "messages")), 3);
    json_decref(bodies);
    assert_true(res.echo_after);
}

static void test_history_across_two_sessions(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {valid_anthropic(), NULL};
    const pty_step first[] = {
        {"> ", "remember this line\r", true}, {"You said:", NULL}, {"> ", "\004", true}, {NULL, NULL}};
    chat(&res, NULL, env, first);
    assert_int_equal(res.status, 0);
    assert_int_equal(file_mode(history), 0600);
    /* a new session: Up brings the earlier line back, Enter sends it */
    emulator_clear_requests(&emu);
    const pty_step second[] = {{"> ", "\033[A", true},
                               {"remember this line", "\r"},
                               {"You said: remember this line", NULL},
                               {"> ", "\004", true},
                               {NULL, NULL}};
    chat(&res, NULL, env, second);
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    assert_string_equal(last_user_text(json_array_get(bodies, 0)), "remember this line");
    json_decref(bodies);
}

static void test_bracketed_paste_is_one_message(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {valid_anthropic(), NULL};
    /* the terminal wraps a paste in ESC[200~ … ESC[201~ and sends its line ends as CR */
    const pty_step steps[] = {{"\033[?2004h", NULL},
                              {"> ", "\033[200~first pasted line\rsecond pasted line\r\033[201~", true},
                              {"You said: first pasted line", NULL},
                              {"second pasted line", NULL},
                              {"> ", "\004", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    assert_string_equal(last_user_text(json_array_get(bodies, 0)), "first pasted line\nsecond pasted line");
    json_decref(bodies);
}

static void test_triple_quote_block_is_one_message(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {valid_anthropic(), NULL};
    const pty_step steps[] = {{"> ", "\"\"\"\r", true},
                              {"... ", "line a\r", true},
                              {"... ", "line b\r", true},
                              {"... ", "\"\"\"\r", true},
                              {"You said:", NULL},
                              {"> ", "\004", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    assert_string_equal(last_user_text(json_array_get(bodies, 0)), "line a\nline b");
    json_decref(bodies);
}

static void test_ctrl_c_clears_the_line(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {valid_anthropic(), NULL};
    const pty_step steps[] = {{"> ", "never sent\003", true},
                              {"> ", "sent\r", true},
                              {"You said: sent", NULL},
                              {"> ", "\004", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    assert_string_equal(last_user_text(json_array_get(bodies, 0)), "sent");
    json_decref(bodies);
}

static void test_ctrl_c_cancels_a_streamed_reply_and_the_next_turn_works(void **state)
{
    (void)state;
    static pty_result res;
    /* a slow stream: 200 words, 100 ms apart (the emulator reads these headers) */
    const char *env[] = {valid_anthropic(),
                         "ANTHROPIC_CUSTOM_HEADERS=x-emulator-stream-delay-ms: 100\n"
                         "x-emulator-stream-events: 200",
                         NULL};
    double started = pty_now_s();
    const pty_step steps[] = {{"> ", "a long story\r", true},
                              {"You said:", "\003"},
                              {"reply cancelled", NULL},
                              {"> ", "/exit\r", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    /* the whole stream would take 20 s; the cancel ended it at once */
    assert_true(pty_now_s() - started < 15);
    assert_int_equal(res.status, 0);
    assert_has(res.out, "the conversation is as it was before this message");

    /* and the next turn works, without the cancelled one in its history */
    emulator_clear_requests(&emu);
    const char *fast_env[] = {valid_anthropic(), NULL};
    const pty_step again[] = {{"> ", "first\r", true},    {"You said: first", NULL}, {"> ", "second\r", true},
                              {"You said: second", NULL}, {"> ", "\004", true},      {NULL, NULL}};
    chat(&res, NULL, fast_env, again);
    assert_int_equal(res.status, 0);

    /* within one session: cancel, then a turn whose history lacks the cancelled message */
    emulator_clear_requests(&emu);
    const pty_step one_session[] = {{"> ", "ok one\r", true},  {"You said: ok one", NULL}, {"> ", "slow two\r", true},
                                    {"You said:", "\003"},     {"reply cancelled", NULL},  {"> ", "three\r", true},
                                    {"You said: three", NULL}, {"> ", "\004", true},       {NULL, NULL}};
    const char *slowish[] = {valid_anthropic(), "ANTHROPIC_CUSTOM_HEADERS=x-emulator-stream-delay-ms: 100", NULL};
    chat(&res, NULL, slowish, one_session);
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 3);
    json_t *msgs = json_object_get(json_array_get(bodies, 2), "messages");
    /* ok one, its reply, three: "slow two" is gone */
    assert_int_equal(json_array_size(msgs), 3);
    assert_string_equal(last_user_text(json_array_get(bodies, 2)), "three");
    char *dumped = json_dumps(msgs, 0);
    assert_lacks(dumped, "slow two");
    free(dumped);
    json_decref(bodies);
}

static void test_model_command_switches_provider_and_keeps_the_conversation(void **state)
{
    (void)state;
    static pty_result res;
    const char *env[] = {valid_anthropic(), envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")),
                         envf("CEREBRAS_BASE_URL=%s", emulator_base_url(&emu, "cerebras")), NULL};
    const pty_step steps[] = {{"> ", "to anthropic\r", true},
                              {"You said: to anthropic", NULL},
                              {"> ", "/model " TEST_MODEL_CEREBRAS "\r", true},
                              {"(model: " TEST_MODEL_CEREBRAS ")", NULL},
                              {"> ", "to cerebras\r", true},
                              {"You said: to cerebras", NULL},
                              {"> ", "/model " TEST_MODEL_OPENAI "\r", true},
                              {"key.missing", NULL},
                              {"> ", "/nosuch\r", true},
                              {"unknown command /nosuch", NULL},
                              {"> ", "\004", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    assert_int_equal(res.status, 0);
    char *log = emulator_requests(&emu, false);
    json_t *all = json_loads(log, 0, NULL);
    free(log);
    /* two requests only: the failed /model and the unknown command sent nothing */
    assert_int_equal(json_array_size(all), 2);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(all, 0), "path")), "/anthropic/"));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(all, 1), "path")), "/cerebras/"));
    json_t *body = json_loads(json_string_value(json_object_get(json_array_get(all, 1), "body")), 0, NULL);
    /* the Anthropic turn went along to Cerebras */
    assert_int_equal(json_array_size(json_object_get(body, "messages")), 3);
    json_decref(body);
    json_decref(all);
}

static void test_key_is_checked_before_the_banner(void **state)
{
    (void)state;
    static pty_result res;
    const pty_step steps[] = {{NULL, NULL}};
    chat(&res, NULL, NULL, steps);
    assert_int_equal(res.status, 3);
    assert_has(res.out, "key.missing");
    assert_lacks(res.out, "llmc chat with");
    assert_int_equal(emulator_request_count(&emu), 0);
}

static void test_rejected_key_offer_in_chat(void **state)
{
    (void)state;
    static pty_result res;
    const char *valid = test_key("ANTHROPIC", "VALID");
    const char *env[] = {envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "REVOKED")), NULL};
    const pty_step steps[] = {{"> ", "hi there\r", true},
                              {"(input hidden; empty to give up): ", envf("%s\r", valid)},
                              {"You said: hi there", NULL},
                              {"> ", "and again\r", true},
                              {"You said: and again", NULL},
                              {"> ", "\004", true},
                              {NULL, NULL}};
    chat(&res, NULL, env, steps);
    assert_int_equal(res.status, 0);
    assert_has(res.out, "auth.rejected");
    assert_has(res.out, "stored the new anthropic key");
    assert_lacks(res.out, valid);
    /* the rejected turn, its retry with the new key, the next turn (which has the first in it) */
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 3);
    assert_int_equal(json_array_size(json_object_get(json_array_get(bodies, 2), "messages")), 3);
    json_decref(bodies);
}

static void test_success_after_a_failed_turn_keeps_the_session(void **state)
{
    (void)state;
    static pty_result res;
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":500,\"count\":1}");
    const char *env[] = {valid_anthropic(), NULL};
    const pty_step steps[] = {{"> ", "fails\r", true},     {"HTTP 500", NULL},
                              {"> ", "works\r", true},     {"You said: works", NULL},
                              {"> ", "works too\r", true}, {"You said: works too", NULL},
                              {"> ", "\004", true},        {NULL, NULL}};
    const char *args[] = {"--retries", "0", NULL};
    chat(&res, args, env, steps);
    /* the session went on after the failure, and its status is that of the last turn */
    assert_int_equal(res.status, 0);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 3);
    /* the failed turn left the history as it was: "works too" follows "works" and its reply only */
    assert_int_equal(json_array_size(json_object_get(json_array_get(bodies, 2), "messages")), 3);
    json_decref(bodies);
}

/* ---- piped: no terminal ---- */

static cli_result chat_piped(const char *const *extra_args, const char *const *env, const char *input)
{
    const char *args[16] = {"chat"};
    size_t n = 1;
    for (size_t i = 0; extra_args && extra_args[i] && n < 15; i++)
        args[n++] = extra_args[i];
    args[n] = NULL;
    const char *all_env[16] = {data_env, state_env, home.xdg_env,
                               envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic"))};
    size_t m = 4;
    for (size_t i = 0; env && env[i] && m < 15; i++)
        all_env[m++] = env[i];
    all_env[m] = NULL;
    return run_cli(args, all_env, input);
}

static void test_piped_commands_save_and_resume(void **state)
{
    (void)state;
    const char *env[] = {valid_anthropic(), NULL};
    char *save = strdup(envf("%s/chat.md", home.root));
    cli_result r = chat_piped(NULL, env, envf("one\n/system be terse\ntwo\n/retry\n/save %s\n", save));
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: one\nYou said: two\nYou said: two\n");
    assert_has(r.err, "(system prompt set)");
    assert_has(r.err, "(saved 2 exchanges to");
    cli_result_free(&r);
    FILE *f = fopen(save, "r");
    assert_non_null(f);
    char text[4096] = "";
    size_t got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    assert_has(text, "## system\n\nbe terse");
    assert_has(text, "## user\n\none\n\n## assistant\n\nYou said: one");
    assert_has(text, "## user\n\ntwo");
    free(save);

    /* the retried "two" replaced the first one: -c sends one, two (once) and the new turn */
    emulator_clear_requests(&emu);
    const char *args[] = {"-c", NULL};
    r = chat_piped(args, env, "three\n");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: three\n");
    cli_result_free(&r);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    json_t *body = json_array_get(bodies, 0);
    assert_int_equal(json_array_size(json_object_get(body, "messages")), 5);
    /* the conversation's system prompt came back with it */
    assert_string_equal(json_string_value(json_object_get(body, "system")), "be terse");
    json_decref(bodies);
}

static void test_piped_unknown_command_and_failure_end_the_session(void **state)
{
    (void)state;
    const char *env[] = {valid_anthropic(), NULL};
    cli_result r = chat_piped(NULL, env, "/nosuch\nnever sent\n");
    assert_int_equal(r.status, 2);
    assert_has(r.err, "unknown command /nosuch");
    assert_string_equal(r.out, "");
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);

    /* piped, a failed turn ends the session with its status */
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":500,\"count\":1}");
    const char *args[] = {"--retries", "0", NULL};
    r = chat_piped(args, env, "fails\nnot reached\n");
    assert_int_equal(r.status, 5);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 1);

    /* a chat argument is a usage error on one line */
    const char *extra[] = {"hello", NULL};
    r = chat_piped(extra, env, "");
    assert_int_equal(r.status, 2);
    assert_has(r.err, "see `llmc chat --help`");
    assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1); /* one line */
    cli_result_free(&r);
}

static void test_chat_help_is_complete(void **state)
{
    (void)state;
    const char *args[] = {"--help", NULL};
    cli_result r = chat_piped(args, NULL, NULL);
    assert_int_equal(r.status, 0);
    static const char *const needed[] = {"/help", "/model",   "/system", "/clear",     "/retry",     "/save",
                                         "/exit", "Ctrl-C",   "Ctrl-D",  "\"\"\"",     "history",    "-c",
                                         "--cid", "--no-log", "-t",      "--key-name", "exit status"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        assert_has(r.out, needed[i]);
    cli_result_free(&r);
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
        T(test_arrow_keys_edit_the_line),
        T(test_history_across_two_sessions),
        T(test_bracketed_paste_is_one_message),
        T(test_triple_quote_block_is_one_message),
        T(test_ctrl_c_clears_the_line),
        T(test_ctrl_c_cancels_a_streamed_reply_and_the_next_turn_works),
        T(test_model_command_switches_provider_and_keeps_the_conversation),
        T(test_key_is_checked_before_the_banner),
        T(test_rejected_key_offer_in_chat),
        T(test_success_after_a_failed_turn_keeps_the_session),
        T(test_piped_commands_save_and_resume),
        T(test_piped_unknown_command_and_failure_end_the_session),
        T(test_chat_help_is_complete),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
