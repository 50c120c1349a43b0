/* SPDX-License-Identifier: MIT */
/*
 * test_url_header_rules.c — credentials go only where the credential chain puts them:
 *  - a base URL with `user:pass@` is refused wherever it comes from (the setters, the SDK
 *    variables, the configuration file's [provider] and [endpoint] sections, a per-request
 *    override, a remote batch) before anything is sent, and the password is shown nowhere —
 *    not in errors, not in `llmc doctor` or `llmc config show`;
 *  - headers that frame or route the request (Host, Content-Length, Transfer-Encoding, the
 *    hop-by-hop set) or carry control bytes are refused by llmc_request_set_header,
 *    llmc_batch_add_header and the CLI's -H, and skipped from ANTHROPIC_CUSTOM_HEADERS: the
 *    emulator never receives them;
 *  - a configuration file with a bare key on a line (or a key where a name goes) is an error
 *    that quotes none of it.
 */
#include "auth_fixture.h"
#include "models.h"

#include <jansson.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "llmc/llmc.h"

#define PASSWORD "Pa55wordCanary9Xq7Lm3"
#define BARE_KEY "sk-ant-api03-BareKeyCanary4Tz8Wq2Ln6Rv0Yb3Hc7"

static emulator emu;
static temp_home home;

/* Fail when `text` holds the password or 8 characters of the bare key's random part. */
static void assert_clean(const char *what, const char *text)
{
    if (strstr(text, "Pa55word"))
        fail_msg("%s shows the password:\n%s", what, text);
    const char *secret = BARE_KEY + strlen("sk-ant-api03-");
    for (size_t i = 0; i + 8 <= strlen(secret); i++)
        if (memmem(text, strlen(text), secret + i, 8))
            fail_msg("%s quotes part of the key (\"%.8s\"):\n%s", what, secret + i, text);
}

static void assert_error_clean(const char *what, const llmc_error *err)
{
    assert_clean(what, err->message);
    assert_clean(what, err->diagnosis.detail);
    assert_clean(what, err->diagnosis.source_name);
}

/* http://user:PASSWORD@127.0.0.1:PORT/<provider path> */
static const char *url_with_password(const char *provider)
{
    static char buf[4][300];
    static int next;
    char *b = buf[next++ % 4];
    const char *base = emulator_base_url(&emu, provider);
    snprintf(b, 300, "http://alice:" PASSWORD "@%s", base + strlen("http://"));
    return b;
}

static void test_base_url_with_credentials_refused(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(llmc_client_set_base_url(c, "anthropic", url_with_password("anthropic"), &err), LLMC_E_CONFIG);
    assert_error_clean("llmc_client_set_base_url", &err);
    assert_non_null(strstr(err.message, "user name or password"));
    assert_non_null(strstr(err.message, "[credentials removed]"));
    assert_int_equal(llmc_client_add_endpoint(c, "gw", url_with_password("openai"), "GW_KEY", &err), LLMC_E_CONFIG);
    assert_error_clean("llmc_client_add_endpoint", &err);
    /* https too: the password would still be sent (as Basic auth) and shown */
    assert_int_equal(llmc_client_set_base_url(c, "openai", "https://bob:" PASSWORD "@api.example.com/v1", &err),
                     LLMC_E_CONFIG);
    assert_error_clean("llmc_client_set_base_url (https)", &err);
    llmc_client_free(c);

    /* the SDK variable: refused at the call, nothing reaches the emulator */
    emulator_clear_requests(&emu);
    const char *env[] = {envf("ANTHROPIC_BASE_URL=%s", url_with_password("anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")), NULL};
    set_provider_env(env);
    c = llmc_client_new();
    char *text = NULL;
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err), LLMC_E_CONFIG);
    assert_null(text);
    assert_error_clean("llmc_generate with ANTHROPIC_BASE_URL=user:pass@", &err);
    llmc_key_report report;
    assert_int_equal(llmc_client_inspect_key(c, "anthropic", &report), LLMC_OK);
    assert_clean("llmc_key_report.base_url", report.base_url);
    assert_non_null(strstr(report.base_url, "[credentials removed]@127.0.0.1"));
    assert_int_equal(llmc_client_validate(c, "anthropic", &err), LLMC_E_CONFIG);
    assert_error_clean("llmc_client_validate", &err);
    llmc_model_info *models = NULL;
    size_t n = 0;
    assert_int_equal(llmc_models_list(c, "anthropic", &models, &n, &err), LLMC_E_CONFIG);
    assert_error_clean("llmc_models_list", &err);
    /* a streamed call and a remote batch go through the same check */
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    llmc_request_add_message(req, LLMC_ROLE_USER, "hello", &err);
    llmc_stream *s = NULL;
    assert_int_equal(llmc_stream_open(c, req, &s, &err), LLMC_E_CONFIG);
    assert_error_clean("llmc_stream_open", &err);
    llmc_client_free(c);
    assert_int_equal(emulator_request_count(&emu), 0);

    /* a per-request override */
    const char *plain[] = {envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                           envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")), NULL};
    set_provider_env(plain);
    c = llmc_client_new();
    assert_int_equal(llmc_request_set_base_url(req, url_with_password("anthropic"), &err), LLMC_OK);
    llmc_response *resp = NULL;
    assert_int_equal(llmc_messages_create(c, req, &resp, &err), LLMC_E_CONFIG);
    assert_error_clean("llmc_messages_create with a per-request base URL", &err);
    llmc_request_free(req);
    llmc_client_free(c);
    assert_int_equal(emulator_request_count(&emu), 0);
    set_provider_env(NULL);
}

static cli_result run(const char *what, const char *const *args, const char *const *env)
{
    cli_result r = run_cli(args, env, NULL);
    assert_clean(envf("stdout of llmc %s", what), r.out);
    assert_clean(envf("stderr of llmc %s", what), r.err);
    return r;
}

static void test_cli_and_config_never_show_the_password(void **state)
{
    (void)state;
    const char *env[] = {home.xdg_env, envf("ANTHROPIC_BASE_URL=%s", url_with_password("anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")), NULL};
    const char *hi[] = {"-v", "hi", NULL};
    cli_result r = run("-v hi", hi, env);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "user name or password"));
    cli_result_free(&r);
    const char *doctor[] = {"doctor", "anthropic", "--json", NULL};
    r = run("doctor --json", doctor, env);
    cli_result_free(&r);
    const char *show[] = {"config", "show", NULL};
    r = run("config show", show, env);
    cli_result_free(&r);

    /* the configuration file: a [provider] base_url and an [endpoint] base_url */
    write_file(home.config, envf("[provider anthropic]\nbase_url = %s\n", url_with_password("anthropic")), 0600);
    const char *only_xdg[] = {home.xdg_env, NULL};
    r = run("hi (config [provider] base_url)", hi, only_xdg);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "config:2"));
    cli_result_free(&r);
    write_file(home.config, envf("[endpoint gw]\nbase_url = %s\nkey_env = GW_API_KEY\n", url_with_password("openai")),
               0600);
    r = run("hi (config [endpoint] base_url)", hi, only_xdg);
    assert_int_equal(r.status, 4);
    assert_non_null(strstr(r.err, "user name or password"));
    cli_result_free(&r);
    unlink(home.config);
}

static void test_config_errors_quote_no_secret(void **state)
{
    (void)state;
    llmc_error err;
    static const char *const files[] = {
        BARE_KEY "\n",                  /* a bare key on its own line */
        "model = fast\n" BARE_KEY "\n", /* the same after a good line */
        BARE_KEY " = 1\n",              /* a key where a setting name goes */
        "[provider " BARE_KEY "]\n",    /* a key as a section name */
        "[" BARE_KEY " x]\n",           /* a key as a section kind */
        "[endpoint gw]\nbase_url = https://gw.example.com/v1\nkey_env = " BARE_KEY "\n", /* key, not its variable */
        "[provider anthropic]\nbase_url = " BARE_KEY "\n",                               /* a key where a URL goes */
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        write_file(home.config, files[i], 0600);
        llmc_client *c = llmc_client_new();
        assert_int_equal(llmc_client_load_config(c, home.config, &err), LLMC_E_CONFIG);
        assert_non_null(strstr(err.message, home.config)); /* still says where */
        assert_error_clean(envf("the config error for file %zu", i), &err);
        llmc_client_free(c);
    }
    unlink(home.config);
}

static void test_dangerous_headers_refused(void **state)
{
    (void)state;
    llmc_request *req = llmc_request_new(TEST_MODEL_ANTHROPIC);
    static const char *const names[] = {"Host",  "content-length", "Transfer-Encoding", "Connection", "Upgrade",
                                        "TE",    "Expect",         "Proxy-Connection",  "x-api-key",  "Authorization",
                                        "Cookie"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (llmc_request_set_header(req, names[i], "x", NULL) != LLMC_E_INVALID_ARG)
            fail_msg("llmc_request_set_header accepted %s", names[i]);
    static const char *const values[] = {"a\r\nHost: evil", "a\nb", "bell\a", "nul-free\x01", "del\x7f", "esc\x1b[31m"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (llmc_request_set_header(req, "X-Team", values[i], NULL) != LLMC_E_INVALID_ARG)
            fail_msg("llmc_request_set_header accepted control value %zu", i);
    assert_int_equal(llmc_request_set_header(req, "X-Team", "tab\tok", NULL), LLMC_OK);
    assert_int_equal(llmc_request_set_header(req, "Bad Name", "x", NULL), LLMC_E_INVALID_ARG);
    llmc_request_free(req);

    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    static const char *const lines[] = {"Host: evil.example", "Content-Length: 0", "Transfer-Encoding: chunked",
                                        "connection: close",  "X-A: a\x01z",       "x-api-key: " BARE_KEY,
                                        "X-B: tab\x7f"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (llmc_batch_add_header(b, lines[i], &err) != LLMC_E_INVALID_ARG)
            fail_msg("llmc_batch_add_header accepted line %zu", i);
        assert_error_clean("llmc_batch_add_header", &err);
    }
    assert_int_equal(llmc_batch_add_header(b, "X-Route: blue", &err), LLMC_OK);
    llmc_batch_free(b);
    llmc_client_free(c);

    /* the CLI's -H goes through the same rule: a usage error, nothing sent */
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/llmc-hdr-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char in[128], out[128];
    snprintf(in, sizeof in, "%s/in.jsonl", dir);
    snprintf(out, sizeof out, "%s/out.jsonl", dir);
    write_file(in,
               "{\"custom_id\":\"a\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":8,\"messages\":[{"
               "\"role\":\"user\",\"content\":\"hi\"}]}}\n",
               0600);
    emulator_clear_requests(&emu);
    const char *env[] = {envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")), home.xdg_env, NULL};
    const char *host[] = {"batch", in, "-o", out, "-H", "Host: evil.example", NULL};
    cli_result r = run("batch -H 'Host: …'", host, env);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "refused the header host"));
    cli_result_free(&r);
    const char *te[] = {"batch", in, "-o", out, "-H", "Transfer-Encoding: chunked", NULL};
    r = run("batch -H 'Transfer-Encoding: …'", te, env);
    assert_int_equal(r.status, 2);
    cli_result_free(&r);
    assert_int_equal(emulator_request_count(&emu), 0);
    unlink(in);
    unlink(out);
    char lock[160];
    snprintf(lock, sizeof lock, "%s.lock", out);
    unlink(lock);
    rmdir(dir);
}

static void test_custom_headers_variable_skips_dangerous_lines(void **state)
{
    (void)state;
    const char *env[] = {envf("ANTHROPIC_BASE_URL=%s", emulator_base_url(&emu, "anthropic")),
                         envf("ANTHROPIC_API_KEY=%s", test_key("ANTHROPIC", "VALID")), NULL};
    set_provider_env(env);
    setenv("ANTHROPIC_CUSTOM_HEADERS",
           "Host: evil.example\nTransfer-Encoding: chunked\nContent-Length: 5\nConnection: close\n"
           "X-Ctl: a\x01z\nX-Good: kept",
           1);
    emulator_clear_requests(&emu);
    llmc_client *c = llmc_client_new();
    char *text = NULL;
    llmc_error err;
    assert_int_equal(llmc_generate(c, TEST_MODEL_ANTHROPIC, "hello", &text, &err), LLMC_OK);
    llmc_free(text);
    llmc_client_free(c);
    unsetenv("ANTHROPIC_CUSTOM_HEADERS");
    char *seen = emulator_requests(&emu, true);
    json_t *all = json_loads(seen, 0, NULL);
    free(seen);
    assert_int_equal(json_array_size(all), 1);
    json_t *headers = json_object_get(json_array_get(all, 0), "headers");
    assert_string_equal(json_string_value(json_object_get(headers, "x-good")), "kept");
    assert_null(json_object_get(headers, "x-ctl"));
    assert_null(json_object_get(headers, "transfer-encoding"));
    const char *host = json_string_value(json_object_get(headers, "host"));
    assert_non_null(host);
    assert_non_null(strstr(host, "127.0.0.1"));
    json_decref(all);
    set_provider_env(NULL);
}

static int setup(void **state)
{
    (void)state;
    emulator_start(&emu, NULL);
    home_make(&home);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emulator_stop(&emu);
    home_remove(&home);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_url_with_credentials_refused),
        cmocka_unit_test(test_cli_and_config_never_show_the_password),
        cmocka_unit_test(test_config_errors_quote_no_secret),
        cmocka_unit_test(test_dangerous_headers_refused),
        cmocka_unit_test(test_custom_headers_variable_skips_dangerous_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
