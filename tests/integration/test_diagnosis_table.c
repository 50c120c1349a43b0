/* SPDX-License-Identifier: MIT */
/*
 * test_diagnosis_table.c — every cause of the catalogue, met through the CLI the way a user meets
 * it, for every provider: the headline, the cause id, where the key came from, a fix that names
 * that provider and its own variables (and no other's), the exit code, and the same in --json
 * (code, cause, one-paragraph fix, absent fields null). A cause that cannot happen at a provider
 * says why in the table. And a well-formed key of each provider gives no warning at all.
 */
#include "auth_fixture.h"
#include "models.h"

#include <jansson.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "llmc/llmc.h"

static emulator emu;
static temp_home home;

typedef struct provider {
    const char *name, *upper, *display, *model;
    const char *typo;       /* the provider's name mistyped: model.unknown_provider */
    const char *model_typo; /* a served model mistyped, and what it should be */
    const char *model_meant;
    const char *foreign_upper; /* a provider whose key this one must not take */
    bool strict;               /* refuses other providers' keys (else a warning, then a 401) */
    const char *no_param;      /* why request.unsupported_parameter cannot be met here, or NULL */
} provider;

static const provider providers[] = {
    {"anthropic", "ANTHROPIC", "Anthropic", TEST_MODEL_ANTHROPIC, "anthropi", "claude-sonet-4-6", "claude-sonnet-4-6",
     "FIREWORKS", true, NULL},
    {"cerebras", "CEREBRAS", "Cerebras", TEST_MODEL_CEREBRAS, "cerebra", "gpt-oss-12b", "gpt-oss-120b", "ANTHROPIC",
     true, NULL},
    {"fireworks", "FIREWORKS", "Fireworks AI", TEST_MODEL_FIREWORKS, "firework",
     "accounts/fireworks/models/gpt-oss-12b", "accounts/fireworks/models/gpt-oss-120b", "CEREBRAS", true,
     "no parameter llmc sends is refused by a Fireworks model, and no refusal body is on record"},
    {"openai", "OPENAI", "OpenAI", TEST_MODEL_OPENAI, "opena", "gpt-4.1-minii", "gpt-4.1-mini", "ANTHROPIC", false,
     NULL},
};
#define N_PROVIDERS (sizeof providers / sizeof providers[0])

#define assert_has(hay, needle)                                                                                        \
    do {                                                                                                               \
        if (!strstr((hay), (needle)))                                                                                  \
            fail_msg("%s: expected \"%s\" in:\n%s", where, (needle), (hay));                                           \
    } while (0)
#define assert_lacks(hay, needle)                                                                                      \
    do {                                                                                                               \
        if (strstr((hay), (needle)))                                                                                   \
            fail_msg("%s: did not expect \"%s\" in:\n%s", where, (needle), (hay));                                     \
    } while (0)

/* What one scenario must show. */
typedef struct expect {
    int status;
    const char *cause;    /* id printed as "cause:" (errors) or in the warning */
    const char *headline; /* a fragment of the first line */
    const char *source;   /* a fragment of the "key:" line, or NULL */
    const char *fix[4];   /* fragments of the fix, NULL-terminated */
    const char *code;     /* --json "code" */
    bool warning;         /* repaired: exit 0 with a warning */
} expect;

typedef struct scenario {
    const char *env[12];
    const char *args[12];
    const char *skip; /* why the cause cannot happen at this provider */
    const char *key;  /* a key that must appear nowhere */
    expect e;
} scenario;

static const char *base_env(const provider *p)
{
    return envf("%s_BASE_URL=%s", p->upper, emulator_base_url(&emu, p->name));
}

static const char *valid(const provider *p)
{
    return test_key(p->upper, "VALID");
}

static void hi(scenario *s, const provider *p)
{
    s->args[0] = "-m";
    s->args[1] = p->model;
    s->args[2] = "hi";
}

/* Build the scenario of cause `id` at provider p. */
static void build(const char *id, const provider *p, scenario *s)
{
    memset(s, 0, sizeof *s);
    s->env[0] = home.xdg_env;
    s->env[1] = base_env(p);
    hi(s, p);
    const char *key_env = envf("%s_API_KEY", p->upper);
    const char *file_var = envf("%s_API_KEY_FILE", p->upper);
    s->e.status = 3;
    s->e.code = "LLMC_E_KEY";
    s->e.cause = id;
    s->key = valid(p);
    if (strcmp(id, "key.missing") == 0) {
        s->e.headline = envf("no %s key: %s is not set", p->name, key_env);
        s->e.fix[0] = envf("llmc keys set %s", p->name);
        s->e.fix[1] = envf("export %s", key_env);
    } else if (strcmp(id, "key.var_misspelled") == 0) {
        s->env[2] = envf("%s_KEY=%s", p->upper, valid(p));
        s->e.headline = envf("%s is not set, but %s_KEY is", key_env, p->upper);
        s->e.fix[0] = envf("Rename %s_KEY to %s", p->upper, key_env);
        s->e.fix[1] = envf("export %s=\"$%s_KEY\"", key_env, p->upper);
    } else if (strcmp(id, "key.empty") == 0) {
        s->env[2] = envf("%s=", key_env);
        s->e.headline = envf("the %s key from env %s is empty", p->name, key_env);
        s->e.source = envf("env %s", key_env);
        s->e.fix[0] = envf("Put the key into %s", key_env);
        s->e.fix[1] = envf("`unset %s`", key_env);
        s->e.fix[2] = envf("llmc keys set %s", p->name);
    } else if (strcmp(id, "key.whitespace") == 0) {
        s->env[2] = envf("%s=%s\n", key_env, valid(p));
        s->e.status = 0;
        s->e.warning = true;
        s->e.headline = envf("the %s key from env %s ends with a line break", p->name, key_env);
        s->e.fix[0] = envf("Set %s again without the stray characters", key_env);
        s->e.fix[1] = envf("llmc keys set %s", p->name);
    } else if (strcmp(id, "key.quoted") == 0) {
        s->env[2] = envf("%s=\"%s\"", key_env, valid(p));
        s->e.status = 0;
        s->e.warning = true;
        s->e.headline = envf("the %s key from env %s is wrapped in double quotes; stripped", p->name, key_env);
        s->e.fix[0] = envf("Remove the quotes where %s is defined", key_env);
    } else if (strcmp(id, "key.malformed") == 0) {
        s->env[2] = envf("%s=%.12s$%s", key_env, valid(p), valid(p) + 13);
        s->e.headline = envf("contains a dollar sign ($) at position 13; no %s key has that character", p->display);
        s->e.source = envf("env %s", key_env);
        s->e.fix[0] = envf("Copy the key again from the %s console", p->display);
        s->e.fix[1] = envf("into %s", key_env);
    } else if (strcmp(id, "key.placeholder") == 0) {
        s->env[2] = envf("%s=your_api_key_here", key_env);
        s->e.headline = "looks like documentation text";
        s->e.source = envf("env %s", key_env);
        s->e.fix[0] = envf("Replace the placeholder in %s with a real %s key", key_env, p->display);
    } else if (strcmp(id, "key.wrong_provider") == 0) {
        const char *foreign = test_key(p->foreign_upper, "VALID");
        s->key = foreign;
        s->env[2] = envf("%s=%s", key_env, foreign);
        if (p->strict) {
            s->e.headline = "starts with";
            s->e.source = envf("env %s", key_env);
            s->e.fix[0] = envf("%s holds", key_env);
            s->e.fix[1] = envf("move it to %s_API_KEY", p->foreign_upper);
            s->e.fix[2] = envf("give %s's own key in %s", p->display, key_env);
        } else {
            /* a provider that takes foreign keys warns, sends, and names the warning after the 401 */
            s->e.cause = "auth.rejected";
            s->e.code = "LLMC_E_AUTH";
            s->e.headline = envf("HTTP 401 from %s", p->name);
            s->e.source = envf("env %s", key_env);
            s->e.fix[0] = envf("%s refused the key in %s", p->display, key_env);
            s->e.fix[1] = "the key also starts with sk-ant-"; /* checked in the found: line, below */
        }
    } else if (strcmp(id, "key.file_permissions") == 0) {
        char *path = strdup(envf("%s/%s.key", home.root, p->name));
        write_file(path, valid(p), 0644);
        s->env[2] = envf("%s=%s", file_var, path);
        s->e.headline = "can be read by other users (mode 0644); refused";
        s->e.source = envf("file %s", path);
        s->e.fix[0] = envf("chmod 600 %s", path);
        free(path);
    } else if (strcmp(id, "key.command_failed") == 0) {
        write_file(home.config,
                   envf("[provider %s]\nkey_command = \"%s\"\nkey_command_timeout = 2\n", p->name,
                        data_path("keycmd_fail.sh")),
                   0600);
        s->e.headline = "exited with status 1";
        s->e.source = "command ";
        s->e.fix[0] = "Run the key command yourself";
        s->e.fix[1] = envf("export %s for the run", key_env);
    } else if (strcmp(id, "auth.rejected") == 0) {
        s->key = test_key(p->upper, "REVOKED");
        s->env[2] = envf("%s=%s", key_env, s->key);
        s->e.code = "LLMC_E_AUTH";
        s->e.headline = envf("HTTP 401 from %s", p->name);
        s->e.source = envf("env %s", key_env);
        s->e.fix[0] = envf("%s refused the key in %s", p->display, key_env);
        s->e.fix[1] = envf("Create a new key in the %s console", p->display);
        s->e.fix[2] = envf("llmc keys set %s", p->name);
    } else if (strcmp(id, "auth.forbidden") == 0) {
        s->key = test_key(p->upper, "FORBIDDEN");
        s->env[2] = envf("%s=%s", key_env, s->key);
        s->e.code = "LLMC_E_PERMISSION";
        s->e.headline = envf("HTTP 403 from %s", p->name);
        s->e.source = envf("env %s", key_env);
        s->e.fix[0] = envf("check in the %s console", p->display);
    } else if (strcmp(id, "auth.conflict") == 0) {
        if (strcmp(p->name, "anthropic") != 0) {
            s->skip = "only Anthropic reads a second credential variable (ANTHROPIC_AUTH_TOKEN)";
            return;
        }
        s->env[2] = envf("ANTHROPIC_API_KEY=%s", valid(p));
        s->env[3] = envf("ANTHROPIC_AUTH_TOKEN=%s", test_key("ANTHROPIC", "REVOKED"));
        s->e.headline = "are both set, to different values";
        s->e.source = "env ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN";
        s->e.fix[0] = "`unset ANTHROPIC_AUTH_TOKEN`";
        s->e.fix[1] = "--key-name";
    } else if (strcmp(id, "transport.insecure") == 0) {
        s->env[1] = envf("%s_BASE_URL=http://api.example.invalid/%s", p->upper, p->name);
        s->env[2] = envf("%s=%s", key_env, valid(p));
        s->e.code = "LLMC_E_INSECURE";
        s->e.headline = "plain http:// to api.example.invalid would carry the API key unencrypted";
        s->e.source = envf("env %s", key_env);
        s->e.fix[0] = envf("Use https:// in the base URL (%s_BASE_URL", p->upper);
        s->e.fix[1] = envf("allow_http = true` in the [provider %s]", p->name);
    } else if (strcmp(id, "key.file_missing") == 0) {
        const char *path = envf("%s/no-such-secret", home.root);
        s->env[2] = envf("%s=%s", file_var, path);
        s->e.headline = envf("%s names %s, which does not exist", file_var, path);
        s->e.source = envf("file %s", path);
        s->e.fix[0] = envf("Fix the path in %s", file_var);
        s->e.fix[1] = envf("`unset %s`", file_var);
    } else if (strcmp(id, "key.file_unreadable") == 0) {
        s->env[2] = envf("%s=%s", file_var, home.root);
        s->e.headline = envf("%s names %s, a directory, not a key file", file_var, home.root);
        s->e.source = envf("file %s", home.root);
        s->e.fix[0] = envf("Point %s at the key file itself", file_var);
    } else if (strcmp(id, "model.unknown_provider") == 0) {
        s->env[2] = envf("%s=%s", key_env, valid(p));
        s->args[1] = envf("%s/%s", p->typo, strchr(p->model, '/') + 1);
        s->e.status = 4;
        s->e.code = "LLMC_E_CONFIG";
        s->e.headline = envf("unknown provider \"%s\"", p->typo);
        s->e.fix[0] = envf("Write %s instead", p->model);
        s->e.fix[1] = "known: anthropic, cerebras, fireworks, openai";
    } else if (strcmp(id, "model.not_found") == 0) {
        s->env[2] = envf("%s=%s", key_env, valid(p));
        s->args[1] = envf("%s/%s", p->name, p->model_typo);
        s->e.status = 4;
        s->e.code = "LLMC_E_NOT_FOUND";
        s->e.headline = envf("HTTP 404 from %s", p->name);
        s->e.fix[0] = envf("%s does not serve \"%s\"", p->display, p->model_typo);
        s->e.fix[1] = envf("did you mean %s", p->model_meant);
        s->e.fix[2] = envf("llmc models %s", p->name);
    } else if (strcmp(id, "request.unsupported_parameter") == 0) {
        s->env[2] = envf("%s=%s", key_env, valid(p));
        s->e.status = 4;
        s->e.code = "LLMC_E_BAD_REQUEST";
        s->e.headline = envf("HTTP 400 from %s", p->name);
        if (p->no_param) {
            s->skip = p->no_param;
        } else if (strcmp(p->name, "openai") == 0) {
            /* --max-tokens goes as max_completion_tokens to this model; a raw max_tokens gets the 400 */
            const char *args[] = {"-m", TEST_MODEL_OPENAI_REASONING, "-o", "max_tokens=10", "hi", NULL};
            memcpy(s->args, args, sizeof args);
            s->e.fix[0] = "Give gpt-5.4-mini its limit as max_completion_tokens";
            s->e.fix[1] = "OpenAI model refuses max_tokens";
        } else if (strcmp(p->name, "anthropic") == 0) {
            /* a parameter llmc knows the model refuses: refused before sending, with the same cause */
            const char *args[] = {"-m", TEST_MODEL_ANTHROPIC_ADAPTIVE, "--temperature", "0.5", "hi", NULL};
            memcpy(s->args, args, sizeof args);
            s->e.headline = "not sent: claude-opus-5-5 refuses temperature";
            s->e.fix[0] = "Drop temperature (--temperature, --top-p) for claude-opus-5-5";
        } else {
            /* Cerebras' own 400 for a field its API does not take (a capture, README) */
            emulator_fault(&emu,
                           "{\"path\":\"/cerebras/v1/chat/completions\",\"status\":400,\"body\":"
                           "\"{\\\"message\\\":\\\"messages.1.assistant.reasoning_content: property "
                           "'messages.1.assistant.reasoning_content' is unsupported\\\",\\\"type\\\":"
                           "\\\"invalid_request_error\\\",\\\"param\\\":\\\"validation_error\\\",\\\"code\\\":"
                           "\\\"wrong_api_format\\\"}\"}");
            s->e.fix[0] = "Remove messages.1.assistant.reasoning_content from the request for gpt-oss-120b";
        }
    } else if (strcmp(id, "config.base_url") == 0) {
        s->env[2] = envf("%s=%s", key_env, valid(p));
        s->e.status = 4;
        s->e.code = "LLMC_E_NOT_FOUND";
        s->e.headline = envf("HTTP 404 from %s", p->name);
        if (strcmp(p->name, "openai") == 0) {
            /* an OpenAI-compatible base URL without its /v1 */
            s->env[1] = envf("OPENAI_BASE_URL=%s/openai", emu.base);
            s->e.fix[0] = "Add the path the server answers under to OPENAI_BASE_URL, usually /v1";
        } else {
            s->env[1] = envf("%s_BASE_URL=%s/v1", p->upper, emulator_base_url(&emu, p->name));
            s->e.fix[0] = envf("Remove the trailing /v1 from %s_BASE_URL", p->upper);
        }
    } else {
        fail_msg("no scenario for cause %s: every cause of the catalogue needs one", id);
    }
}

static const char *id_of(const scenario *s)
{
    return s->e.cause;
}

static void emulator_clear_faults(const emulator *e)
{
    char *body = NULL;
    emulator_call(e, "DELETE", "/_emulator/faults", NULL, &body);
    free(body);
}

static void check_human(const char *where, const scenario *s, const cli_result *r, const provider *p)
{
    if (r->status != s->e.status)
        fail_msg("%s: exit %d, expected %d:\n%s", where, r->status, s->e.status, r->err);
    if (s->e.warning) {
        assert_has(r->err, "llmc: warning:");
        assert_string_equal(r->out, "You said: hi\n");
    } else {
        assert_has(r->err, "llmc: error:");
        assert_has(r->err, envf("  cause:    %s", s->e.cause));
        assert_has(r->err, envf("  more:     llmc explain %s", s->e.cause));
    }
    /* the headline is the first line */
    char first[2048];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(r->err, "\n"), r->err);
    assert_has(first, s->e.headline);
    if (s->e.source)
        assert_has(r->err, envf("  key:      %s", s->e.source));
    for (size_t i = 0; s->e.fix[i]; i++)
        assert_has(r->err, s->e.fix[i]);
    assert_has(r->err, "  fix:      ");
    /* the fix is this provider's: no placeholder, no other provider's variable (but the one
     * whose key was found in the wrong place, which it names on purpose) */
    assert_lacks(r->err, "PROVIDER");
    const char *fix_at = strstr(r->err, "  fix:      ");
    char fix[2048] = "";
    if (fix_at)
        snprintf(fix, sizeof fix, "%.*s", (int)strcspn(fix_at, "\n"), fix_at);
    for (size_t q = 0; q < N_PROVIDERS; q++) {
        const provider *o = &providers[q];
        if (o == p || (strcmp(id_of(s), "key.wrong_provider") == 0 && strcmp(o->upper, p->foreign_upper) == 0))
            continue;
        assert_lacks(fix, envf("%s_API_KEY", o->upper));
    }
    if (s->key)
        assert_lacks(r->err, s->key);
    /* said once: no stutter between the headline and the found: line */
    const char *found = strstr(r->err, "  found:    ");
    if (found) {
        char line[600];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(found + 12, "\n"), found + 12);
        assert_lacks(first, line);
    }
}

static void check_json(const char *where, const scenario *s, const cli_result *r, const provider *p)
{
    if (r->status != s->e.status)
        fail_msg("%s: exit %d, expected %d", where, r->status, s->e.status);
    json_error_t jerr;
    json_t *root = json_loads(r->out, 0, &jerr);
    if (!root)
        fail_msg("%s: --json output is not JSON (%s):\n%s", where, jerr.text, r->out);
    json_t *e = json_object_get(root, "error");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "code")), s->e.code);
    assert_string_equal(json_string_value(json_object_get(e, "cause")), s->e.cause);
    assert_int_equal(json_integer_value(json_object_get(e, "exit_status")), s->e.status);
    const char *fix = json_string_value(json_object_get(e, "fix"));
    assert_non_null(fix);
    if (strchr(fix, '\n'))
        fail_msg("%s: the JSON fix has a line break: %s", where, fix);
    for (size_t i = 0; s->e.fix[i]; i++)
        if (strcmp(s->e.fix[i], "the key also starts with sk-ant-") != 0)
            assert_has(fix, s->e.fix[i]);
    /* absent fields are null, not "" */
    static const char *const fields[] = {"http_status", "provider_type", "provider_code",   "provider_param",
                                         "request_id",  "key_source",    "key_source_name", "key_fingerprint",
                                         "detail",      "shadowed",      "suggestions"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        json_t *v = json_object_get(e, fields[i]);
        if (!v)
            fail_msg("%s: --json error lacks \"%s\"", where, fields[i]);
        if (json_is_string(v) && json_string_length(v) == 0)
            fail_msg("%s: \"%s\" is \"\" where null is meant", where, fields[i]);
    }
    if (s->e.headline && strstr(s->e.headline, "HTTP "))
        assert_true(json_is_integer(json_object_get(e, "http_status")));
    else
        assert_true(json_is_null(json_object_get(e, "http_status")));
    (void)p;
    json_decref(root);
}

static void test_every_cause_for_every_provider(void **state)
{
    (void)state;
    size_t ran = 0, skipped = 0;
    for (size_t c = 0; llmc_cause_info_at(c); c++) {
        const char *id = llmc_cause_info_at(c)->id;
        for (size_t i = 0; i < N_PROVIDERS; i++) {
            const provider *p = &providers[i];
            char where[160];
            snprintf(where, sizeof where, "%s at %s", id, p->name);
            home_make(&home);
            emulator_clear_requests(&emu);
            scenario s;
            build(id, p, &s);
            if (s.skip) {
                print_message("skip %s: %s\n", where, s.skip);
                skipped++;
                home_remove(&home);
                continue;
            }
            cli_result r = run_cli(s.args, s.env, NULL);
            check_human(where, &s, &r, p);
            if (strcmp(id, "key.wrong_provider") == 0 && !p->strict)
                assert_has(r.err, "  found:    the key also starts with sk-ant-, an Anthropic key");
            cli_result_free(&r);
            if (!s.e.warning) {
                /* the same again for machines; a fault is used once, so queue it again */
                scenario again;
                build(id, p, &again);
                size_t n = 0;
                const char *args[16] = {"--json"};
                for (n = 0; again.args[n]; n++)
                    args[n + 1] = again.args[n];
                args[n + 1] = NULL;
                r = run_cli(args, again.env, NULL);
                snprintf(where, sizeof where, "%s at %s (--json)", id, p->name);
                check_json(where, &again, &r, p);
                cli_result_free(&r);
            }
            emulator_clear_faults(&emu);
            home_remove(&home);
            ran++;
        }
    }
    print_message("%zu cause/provider pairs run, %zu cannot happen\n", ran, skipped);
    assert_true(ran >= 70);
}

/* A key in each provider's documented shape passes every check: not a single warning, and the
 * request goes through with it. */
static void test_well_formed_keys_give_no_warning(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PROVIDERS; i++) {
        const provider *p = &providers[i];
        home_make(&home);
        const char *env[] = {home.xdg_env, base_env(p), envf("%s_API_KEY=%s", p->upper, valid(p)), NULL};
        const char *args[] = {"-m", p->model, "hi", NULL};
        cli_result r = run_cli(args, env, NULL);
        const char *where = p->name;
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, "You said: hi\n");
        if (r.err[0])
            fail_msg("%s: a well-formed key gave output on stderr:\n%s", where, r.err);
        cli_result_free(&r);
        /* keys check and doctor agree: no warning there either */
        const char *check[] = {"keys", "check", p->name, NULL};
        r = run_cli(check, env, NULL);
        assert_int_equal(r.status, 0);
        assert_lacks(r.err, "warning");
        cli_result_free(&r);
        home_remove(&home);
    }
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cause_for_every_provider),
        cmocka_unit_test(test_well_formed_keys_give_no_warning),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
