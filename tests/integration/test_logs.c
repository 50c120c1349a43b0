/* SPDX-License-Identifier: MIT */
/*
 * test_logs.c — the log of exchanges and what is built on it, through the CLI against the
 * emulator: what is written (and never: a key, a header, a fingerprint), llmc logs (search,
 * filters, --json, path), turning it off, -c and --cid sending the earlier turns back (thinking
 * signatures and tool calls included), templates, aliases with a system prompt, config set,
 * usage totals and cost from the price table and the config, and a locked, damaged or newer
 * database never costing the reply.
 */
#include "auth_fixture.h"

#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "models.h"

static emulator emu;
static temp_home home;
static char data_env[400], db_path[400];

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

static int each_setup(void **state)
{
    (void)state;
    home_make(&home);
    snprintf(data_env, sizeof data_env, "XDG_DATA_HOME=%s/data", home.root);
    snprintf(db_path, sizeof db_path, "%s/data/llmc/logs.db", home.root);
    emulator_clear_requests(&emu);
    return 0;
}

static int each_teardown(void **state)
{
    (void)state;
    home_remove(&home);
    return 0;
}

/* Run llmc with every provider on the emulator and its valid key, this test's HOME and log. */
static cli_result llmc(const char *const *args, const char *stdin_text)
{
    const char *env[] = {home.xdg_env,
                         data_env,
                         envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")),
                         envf("CEREBRAS_BASE_URL=%s", emulator_base_url(&emu, "cerebras")),
                         envf("CEREBRAS_API_KEY=%s", test_key("CEREBRAS", "VALID")),
                         envf("OPENAI_BASE_URL=%s", emulator_base_url(&emu, "openai")),
                         envf("OPENAI_API_KEY=%s", test_key("OPENAI", "VALID")),
                         NULL};
    return run_cli(args, env, stdin_text);
}

static json_t *logs_json(const char *const *extra)
{
    const char *args[16] = {"logs", "--json"};
    size_t n = 2;
    for (size_t i = 0; extra && extra[i] && n < 15; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    cli_result r = llmc(args, NULL);
    assert_int_equal(r.status, 0);
    json_t *all = json_loads(r.out, 0, NULL);
    if (!json_is_array(all))
        fail_msg("llmc logs --json printed:\n%s\n%s", r.out, r.err);
    cli_result_free(&r);
    return all;
}

static void write_config(const char *text)
{
    FILE *f = fopen(home.config, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The recorded message request bodies, oldest first. */
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

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *len = 0;
        return calloc(1, 1);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    *len = fread(buf, 1, (size_t)size, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static bool bytes_hold(const char *buf, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n && i + n <= len; i++)
        if (memcmp(buf + i, needle, n) == 0)
            return true;
    return false;
}

static void test_every_exchange_is_logged_and_read_back(void **state)
{
    (void)state;
    const char *a1[] = {"-s", "be brief", "hello log", NULL};
    cli_result r = llmc(a1, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *a2[] = {"-m", TEST_MODEL_CEREBRAS, "second", "exchange", NULL};
    r = llmc(a2, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    /* a failed one is logged with its class, not its message */
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":500,\"count\":1}");
    const char *a3[] = {"--retries", "0", "this one fails", NULL};
    r = llmc(a3, NULL);
    assert_int_equal(r.status, 5);
    cli_result_free(&r);

    assert_int_equal(file_mode(db_path), 0600);
    json_t *all = logs_json((const char *[]){"-n", "0", NULL});
    assert_int_equal(json_array_size(all), 3);
    /* newest first */
    json_t *failed = json_array_get(all, 0), *second = json_array_get(all, 1), *first = json_array_get(all, 2);
    assert_string_equal(json_string_value(json_object_get(failed, "error_class")), "unavailable");
    assert_true(json_is_null(json_object_get(failed, "reply")));
    assert_string_equal(json_string_value(json_object_get(second, "model")), TEST_MODEL_CEREBRAS);
    assert_string_equal(json_string_value(json_object_get(second, "provider")), "cerebras");
    assert_string_equal(json_string_value(json_object_get(second, "prompt")), "second exchange");
    assert_string_equal(json_string_value(json_object_get(first, "system")), "be brief");
    assert_string_equal(json_string_value(json_object_get(first, "reply")), "You said: hello log");
    assert_string_equal(json_string_value(json_object_get(first, "command")), "prompt");
    assert_true(json_integer_value(json_object_get(json_object_get(first, "usage"), "output_tokens")) > 0);
    assert_true(json_is_real(json_object_get(first, "cost_usd")));
    assert_non_null(strstr(json_string_value(json_object_get(first, "request_id")), "req_"));
    assert_true(json_is_null(json_object_get(first, "error_class")));
    /* two separate prompts are two conversations */
    assert_string_not_equal(json_string_value(json_object_get(first, "conversation_id")),
                            json_string_value(json_object_get(second, "conversation_id")));
    json_decref(all);

    /* the default listing is the last three, as text */
    const char *plain[] = {"logs", NULL};
    r = llmc(plain, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, "> hello log\nYou said: hello log");
    assert_has(r.out, TEST_MODEL_CEREBRAS);
    cli_result_free(&r);
    const char *path[] = {"logs", "path", NULL};
    r = llmc(path, NULL);
    assert_string_equal(r.out, envf("%s\n", db_path));
    cli_result_free(&r);

    /* never a key, nor a fingerprint of one, nor a header */
    size_t len;
    char *bytes = read_all(db_path, &len);
    size_t wal_len;
    char *wal = read_all(envf("%s-wal", db_path), &wal_len);
    static const char *const providers[] = {"ANTHROPIC", "CEREBRAS"};
    for (size_t i = 0; i < 2; i++) {
        const char *key = test_key(providers[i], "VALID");
        char fingerprint_tail[16];
        snprintf(fingerprint_tail, sizeof fingerprint_tail, "\xe2\x80\xa6%s", key + strlen(key) - 4);
        assert_false(bytes_hold(bytes, len, key));
        assert_false(bytes_hold(bytes, len, key + strlen(key) - 12));
        assert_false(bytes_hold(bytes, len, fingerprint_tail));
        assert_false(bytes_hold(wal, wal_len, key + strlen(key) - 12));
    }
    assert_false(bytes_hold(bytes, len, "x-api-key"));
    assert_false(bytes_hold(bytes, len, "authorization"));
    free(bytes);
    free(wal);

    /* the database is in WAL mode and carries its schema version */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int(st, 0) >= 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_search_and_filters(void **state)
{
    (void)state;
    const char *b[] = {"-m", TEST_MODEL_CEREBRAS, "a lazy dog (with punctuation: \"quotes\")", NULL};
    cli_result r = llmc(b, NULL);
    cli_result_free(&r);
    const char *a[] = {"the quick brown fox", NULL};
    r = llmc(a, NULL);
    cli_result_free(&r);
    const char *c[] = {"-c", "the fox again", NULL};
    r = llmc(c, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);

    json_t *found = logs_json((const char *[]){"-q", "fox", NULL});
    assert_int_equal(json_array_size(found), 2);
    json_decref(found);
    /* every word must appear, and punctuation is text, not query syntax */
    found = logs_json((const char *[]){"-q", "quick fox", NULL});
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);
    found = logs_json((const char *[]){"-q", "\"quotes\")", NULL});
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);
    found = logs_json((const char *[]){"-q", "nowhere", NULL});
    assert_int_equal(json_array_size(found), 0);
    json_decref(found);
    /* replies are searched too */
    found = logs_json((const char *[]){"-q", "said", "-n", "0", NULL});
    assert_int_equal(json_array_size(found), 3);
    json_decref(found);
    /* by model: the whole string or the part after the provider */
    found = logs_json((const char *[]){"-m", TEST_MODEL_CEREBRAS, NULL});
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);
    found = logs_json((const char *[]){"-m", strchr(TEST_MODEL_CEREBRAS, '/') + 1, NULL});
    assert_int_equal(json_array_size(found), 1);
    json_decref(found);
    /* by conversation: -c joined the first one */
    found = logs_json((const char *[]){"-n", "1", NULL});
    const char *cid = json_string_value(json_object_get(json_array_get(found, 0), "conversation_id"));
    json_t *conv = logs_json((const char *[]){"--cid", cid, NULL});
    assert_int_equal(json_array_size(conv), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(conv, 1), "prompt")), "the quick brown fox");
    json_decref(conv);
    json_decref(found);

    /* bad options are usage errors, on one line */
    const char *bad[] = {"logs", "-n", "many", NULL};
    r = llmc(bad, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "see `llmc logs --help`");
    cli_result_free(&r);
    const char *blank[] = {"logs", "-q", "  ", NULL};
    r = llmc(blank, NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
}

static void test_log_off(void **state)
{
    (void)state;
    const char *a[] = {"--no-log", "not kept", NULL};
    cli_result r = llmc(a, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: not kept\n");
    cli_result_free(&r);
    assert_int_equal(access(db_path, F_OK), -1);
    write_config("log = off\n");
    const char *b[] = {"not kept either", NULL};
    r = llmc(b, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    assert_int_equal(access(db_path, F_OK), -1);
    /* and llmc logs says there is nothing, without failing */
    const char *logs[] = {"logs", NULL};
    r = llmc(logs, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "nothing logged yet");
    cli_result_free(&r);
}

static void test_continue_sends_the_earlier_turns(void **state)
{
    (void)state;
    const char *a[] = {"-s", "stay on topic", "first question", NULL};
    cli_result r = llmc(a, NULL);
    cli_result_free(&r);
    const char *other[] = {"-m", TEST_MODEL_CEREBRAS, "an unrelated one", NULL};
    r = llmc(other, NULL);
    cli_result_free(&r);
    json_t *all = logs_json((const char *[]){"-n", "0", NULL});
    char *first_cid = strdup(json_string_value(json_object_get(json_array_get(all, 1), "conversation_id")));
    json_decref(all);

    /* --cid picks the first conversation up: its model, its system prompt and its turns */
    emulator_clear_requests(&emu);
    const char *b[] = {"--cid", first_cid, "-v", "follow up", NULL};
    r = llmc(b, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: follow up\n");
    assert_has(r.err, envf("(from conversation %s)", first_cid));
    cli_result_free(&r);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    json_t *body = json_array_get(bodies, 0);
    assert_string_equal(json_string_value(json_object_get(body, "model")), strchr(TEST_MODEL_ANTHROPIC, '/') + 1);
    assert_string_equal(json_string_value(json_object_get(body, "system")), "stay on topic");
    json_t *msgs = json_object_get(body, "messages");
    assert_int_equal(json_array_size(msgs), 3);
    char *dumped = json_dumps(msgs, 0);
    assert_has(dumped, "first question");
    assert_has(dumped, "You said: first question");
    assert_lacks(dumped, "unrelated");
    free(dumped);
    json_decref(bodies);

    /* -c continues the last conversation: now the first one again */
    emulator_clear_requests(&emu);
    const char *c[] = {"-c", "third", NULL};
    r = llmc(c, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    bodies = message_bodies();
    assert_int_equal(json_array_size(json_object_get(json_array_get(bodies, 0), "messages")), 5);
    json_decref(bodies);

    /* an unknown id is the command line's mistake */
    const char *bad[] = {"--cid", "01NOSUCHCONVERSATION000000", "x", NULL};
    r = llmc(bad, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "no conversation 01NOSUCHCONVERSATION000000");
    cli_result_free(&r);
    const char *both[] = {"-c", "--cid", first_cid, "x", NULL};
    r = llmc(both, NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    free(first_cid);
}

static void test_continue_sends_thinking_signatures_and_tool_calls_back(void **state)
{
    (void)state;
    const char *a[] = {"start", NULL};
    cli_result r = llmc(a, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    /* a reply with a signed thinking block and a tool call, as a thinking model gives one */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "UPDATE exchanges SET assistant_turn = "
                     "'[{\"type\":\"thinking\",\"text\":\"let me think\",\"signature\":\"sig-abc\"},"
                     "{\"type\":\"text\",\"text\":\"You said: start\"},"
                     "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"lookup\",\"input\":\"{\\\"q\\\":1}\"}]'",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    emulator_clear_requests(&emu);
    const char *b[] = {"-c", "next", NULL};
    r = llmc(b, NULL);
    cli_result_free(&r);
    json_t *bodies = message_bodies();
    assert_int_equal(json_array_size(bodies), 1);
    json_t *assistant = json_array_get(json_object_get(json_array_get(bodies, 0), "messages"), 1);
    assert_string_equal(json_string_value(json_object_get(assistant, "role")), "assistant");
    json_t *content = json_object_get(assistant, "content");
    assert_int_equal(json_array_size(content), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 0), "type")), "thinking");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 0), "signature")), "sig-abc");
    assert_string_equal(json_string_value(json_object_get(json_array_get(content, 2), "id")), "toolu_9");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(content, 2), "input"), "q")), 1);
    json_decref(bodies);
}

static void test_templates_and_alias_system(void **state)
{
    (void)state;
    write_config(
        "# templates for the test\n"
        "[alias terse]\n"
        "model = " TEST_MODEL_CEREBRAS
        "\n"
        "system = Answer in one line.\n"
        "[template review]\n"
        "model = terse\n"
        "system = You review C code.\n"
        "prompt = Review this:\\n$input\n"
        "max_tokens = 77\n"
        "temperature = 0.25\n"
        "[template wrap]\n"
        "prompt = Summarize\n");
    const char *a[] = {"-t", "review", "-v", "int main(void)", NULL};
    cli_result r = llmc(a, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: Review this:\nint main(void)\n");
    assert_has(r.err, "(from template review; alias terse in the config file)");
    cli_result_free(&r);
    json_t *bodies = message_bodies();
    json_t *body = json_array_get(bodies, 0);
    /* the template's system prompt wins over the alias's; the alias takes it to Cerebras */
    json_t *msgs = json_object_get(body, "messages");
    assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")), "You review C code.");
    assert_int_equal(json_integer_value(json_object_get(body, "max_tokens")), 77);
    assert_true(json_real_value(json_object_get(body, "temperature")) == 0.25);
    json_decref(bodies);

    /* flags win over the template */
    emulator_clear_requests(&emu);
    const char *b[] = {"-t", "review", "-s", "mine", "--max-tokens", "9", "code", NULL};
    r = llmc(b, NULL);
    cli_result_free(&r);
    bodies = message_bodies();
    body = json_array_get(bodies, 0);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content")), "mine");
    assert_int_equal(json_integer_value(json_object_get(body, "max_tokens")), 9);
    json_decref(bodies);

    /* a prompt without $input takes the input after it; piped input works too */
    const char *c[] = {"-t", "wrap", NULL};
    r = llmc(c, "a long text");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: Summarize\n\na long text\n");
    cli_result_free(&r);

    /* an alias's system prompt applies when nothing else gives one */
    emulator_clear_requests(&emu);
    const char *d[] = {"-m", "terse", "hi", NULL};
    r = llmc(d, NULL);
    cli_result_free(&r);
    bodies = message_bodies();
    body = json_array_get(bodies, 0);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(body, "messages"), 0), "content")),
        "Answer in one line.");
    json_decref(bodies);

    /* an unknown template names the ones there are (exit 4) */
    const char *e[] = {"-t", "nosuch", "x", NULL};
    r = llmc(e, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "no template \"nosuch\"");
    assert_has(r.err, "review, wrap");
    cli_result_free(&r);
    /* and the log remembers the template */
    json_t *all = logs_json((const char *[]){"-q", "Summarize", NULL});
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "template")), "wrap");
    json_decref(all);
}

static void test_config_set_keeps_the_file_and_takes_effect(void **state)
{
    (void)state;
    write_config(
        "# my settings\n"
        "model = " TEST_MODEL_ANTHROPIC
        "   # the usual one\n"
        "\n"
        "[alias fast]\n"
        "model = " TEST_MODEL_CEREBRAS "\n");
    const char *set[] = {"config", "set", "model", "fast", NULL};
    cli_result r = llmc(set, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    const char *set2[] = {"config", "set", "template.short.system", "Be short.", NULL};
    r = llmc(set2, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    size_t len;
    char *text = read_all(home.config, &len);
    assert_string_equal(text,
                        "# my settings\n"
                        "model = fast  # the usual one\n"
                        "\n"
                        "[alias fast]\n"
                        "model = " TEST_MODEL_CEREBRAS
                        "\n"
                        "\n"
                        "[template short]\n"
                        "system = Be short.\n");
    free(text);
    /* the next run uses it */
    const char *v[] = {"-v", "hi", NULL};
    r = llmc(v, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err,
               "* model " TEST_MODEL_CEREBRAS " (from model = in the config file; alias fast in the config file)");
    cli_result_free(&r);
    /* a bad value leaves the file as it was (exit 4), and unset removes a line */
    const char *bad[] = {"config", "set", "template.short.temperature", "9", NULL};
    r = llmc(bad, NULL);
    assert_int_equal(r.status, 4);
    assert_has(r.err, "temperature expects a number from 0 to 2");
    assert_has(r.err, home.config);
    cli_result_free(&r);
    const char *unset[] = {"config", "unset", "model", NULL};
    r = llmc(unset, NULL);
    assert_int_equal(r.status, 0);
    cli_result_free(&r);
    text = read_all(home.config, &len);
    assert_lacks(text, "model = fast");
    assert_has(text, "# my settings\n\n[alias fast]");
    free(text);
    const char *again[] = {"config", "unset", "model", NULL};
    r = llmc(again, NULL);
    assert_int_equal(r.status, 1);
    assert_has(r.err, "model is not set");
    cli_result_free(&r);
}

static void test_usage_totals_and_cost(void **state)
{
    (void)state;
    /* prices from the config for one model (easy sums), the built-in table for another, none for
     * a third */
    write_config("[price " TEST_MODEL_CEREBRAS
                 "]\ninput = 1000000\noutput = 2000000\n"
                 "[endpoint local]\nbase_url = "
                 "http://127.0.0.1:1/v1\nkey_env = OPENAI_API_KEY\n");
    const char *a[] = {"-m", TEST_MODEL_CEREBRAS, "-v", "one two", NULL};
    cli_result r = llmc(a, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "* cost $");
    assert_has(r.err, "([price " TEST_MODEL_CEREBRAS "] in the config file)");
    cli_result_free(&r);
    r = llmc(a, NULL);
    cli_result_free(&r);
    const char *b[] = {"-m", TEST_MODEL_ANTHROPIC, "-v", "priced by the table", NULL};
    r = llmc(b, NULL);
    assert_has(r.err, "(the built-in price table (" TEST_MODEL_ANTHROPIC "))");
    cli_result_free(&r);
    /* a model the provider serves but the table has no price for */
    const char *c[] = {"-m", TEST_MODEL_OPENAI_REASONING, "-v", "no price", NULL};
    r = llmc(c, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.err, "* cost unknown: no price for " TEST_MODEL_OPENAI_REASONING);
    cli_result_free(&r);

    json_t *all = logs_json((const char *[]){"-n", "0", NULL});
    long long in = 0, out = 0, cin = 0, cout = 0;
    double anthropic_cost = 0;
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *x = json_array_get(all, i);
        json_t *u = json_object_get(x, "usage");
        const char *model = json_string_value(json_object_get(x, "model"));
        in += json_integer_value(json_object_get(u, "input_tokens"));
        out += json_integer_value(json_object_get(u, "output_tokens"));
        if (strcmp(model, TEST_MODEL_CEREBRAS) == 0) {
            cin += json_integer_value(json_object_get(u, "input_tokens"));
            cout += json_integer_value(json_object_get(u, "output_tokens"));
            /* $1 per input token, $2 per output token */
            assert_true(json_real_value(json_object_get(x, "cost_usd")) ==
                        (double)(json_integer_value(json_object_get(u, "input_tokens")) +
                                 2 * json_integer_value(json_object_get(u, "output_tokens"))));
        } else if (strcmp(model, TEST_MODEL_ANTHROPIC) == 0) {
            /* Claude Sonnet 4.6: $3 in, $15 out per million */
            anthropic_cost = (double)json_integer_value(json_object_get(u, "input_tokens")) * 3e-6 +
                             (double)json_integer_value(json_object_get(u, "output_tokens")) * 15e-6;
            assert_true(fabs(json_real_value(json_object_get(x, "cost_usd")) - anthropic_cost) < 1e-12);
        } else {
            assert_true(json_is_null(json_object_get(x, "cost_usd")));
        }
    }
    json_decref(all);

    const char *usage[] = {"usage", "--json", NULL};
    r = llmc(usage, NULL);
    assert_int_equal(r.status, 0);
    json_t *u = json_loads(r.out, 0, NULL);
    cli_result_free(&r);
    json_t *total = json_object_get(u, "total");
    assert_int_equal(json_integer_value(json_object_get(total, "exchanges")), 4);
    assert_int_equal(json_integer_value(json_object_get(total, "input_tokens")), in);
    assert_int_equal(json_integer_value(json_object_get(total, "output_tokens")), out);
    assert_int_equal(json_integer_value(json_object_get(total, "unpriced")), 1);
    assert_true(
        fabs(json_real_value(json_object_get(total, "cost_usd")) - ((double)(cin + 2 * cout) + anthropic_cost)) < 1e-9);
    assert_int_equal(json_array_size(json_object_get(u, "groups")), 3);
    json_decref(u);

    /* as a table: a line per model and the total, the unpriced one named */
    const char *table[] = {"usage", NULL};
    r = llmc(table, NULL);
    assert_int_equal(r.status, 0);
    assert_has(r.out, TEST_MODEL_CEREBRAS);
    assert_has(r.out, "total");
    assert_has(r.out, TEST_MODEL_OPENAI_REASONING);
    assert_has(r.out, "without a price");
    cli_result_free(&r);
    /* by day, since today: the same total; since tomorrow-ish: nothing */
    const char *day[] = {"usage", "--by", "day", "--since", "today", "--json", NULL};
    r = llmc(day, NULL);
    u = json_loads(r.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(u, "total"), "exchanges")), 4);
    assert_int_equal(json_array_size(json_object_get(u, "groups")), 1);
    json_decref(u);
    cli_result_free(&r);
    const char *future[] = {"usage", "--since", "2999-01-01", "--json", NULL};
    r = llmc(future, NULL);
    u = json_loads(r.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(u, "total"), "exchanges")), 0);
    json_decref(u);
    cli_result_free(&r);
    const char *past[] = {"usage", "--since", "2000-01-01 00:00", "--json", NULL};
    r = llmc(past, NULL);
    u = json_loads(r.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(u, "total"), "exchanges")), 4);
    json_decref(u);
    cli_result_free(&r);
    const char *bad[] = {"usage", "--since", "last tuesday", NULL};
    r = llmc(bad, NULL);
    assert_int_equal(r.status, 2);
    assert_has(r.err, "see `llmc usage --help`");
    cli_result_free(&r);
    const char *badby[] = {"usage", "--by", "week", NULL};
    r = llmc(badby, NULL);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
}

static void test_locked_database_never_loses_the_reply(void **state)
{
    (void)state;
    const char *a[] = {"make the log", NULL};
    cli_result r = llmc(a, NULL);
    cli_result_free(&r);
    /* another program holds the write lock for the whole run */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    const char *b[] = {"while locked", NULL};
    r = llmc(b, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: while locked\n");
    assert_has(r.err, "llmc: warning: this exchange was not logged");
    assert_has(r.err, "locked");
    assert_has(r.err, "fix:");
    cli_result_free(&r);
    /* a failure keeps its own exit status too */
    emulator_fault(&emu, "{\"path\":\"/anthropic/v1/messages\",\"status\":500,\"count\":1}");
    const char *c[] = {"--retries", "0", "fails while locked", NULL};
    r = llmc(c, NULL);
    assert_int_equal(r.status, 5);
    assert_has(r.err, "not logged");
    cli_result_free(&r);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    json_t *all = logs_json((const char *[]){"-n", "0", NULL});
    assert_int_equal(json_array_size(all), 1);
    json_decref(all);
}

static void test_damaged_or_newer_database_never_loses_the_reply(void **state)
{
    (void)state;
    mkdir(envf("%s/data", home.root), 0700);
    mkdir(envf("%s/data/llmc", home.root), 0700);
    FILE *f = fopen(db_path, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not an SQLite database at all. ", f);
    fclose(f);
    const char *a[] = {"into a broken log", NULL};
    cli_result r = llmc(a, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: into a broken log\n");
    assert_has(r.err, "damaged");
    assert_has(r.err, envf("mv %s %s.broken", db_path, db_path));
    cli_result_free(&r);
    /* reading it fails with the same fix */
    const char *logs[] = {"logs", NULL};
    r = llmc(logs, NULL);
    assert_int_equal(r.status, 1);
    assert_has(r.err, "damaged");
    assert_has(r.err, "fix:");
    cli_result_free(&r);
    /* -c cannot continue from it: said, not guessed */
    const char *c[] = {"-c", "more", NULL};
    r = llmc(c, NULL);
    assert_int_equal(r.status, 1);
    assert_has(r.err, "cannot continue a conversation");
    cli_result_free(&r);

    /* a log written by a newer llmc is left alone */
    unlink(db_path);
    r = llmc(a, NULL);
    cli_result_free(&r);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    r = llmc(a, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "You said: into a broken log\n");
    assert_has(r.err, "written by a newer llmc (schema 99");
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
        T(test_every_exchange_is_logged_and_read_back),
        T(test_search_and_filters),
        T(test_log_off),
        T(test_continue_sends_the_earlier_turns),
        T(test_continue_sends_thinking_signatures_and_tool_calls_back),
        T(test_templates_and_alias_system),
        T(test_config_set_keeps_the_file_and_takes_effect),
        T(test_usage_totals_and_cost),
        T(test_locked_database_never_loses_the_reply),
        T(test_damaged_or_newer_database_never_loses_the_reply),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
