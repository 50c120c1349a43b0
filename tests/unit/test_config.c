/* SPDX-License-Identifier: MIT */
/*
 * test_config.c — the configuration file: a complete file applies every setting; each kind of
 * mistake is refused with the file, the line and what was expected (test data in
 * tests/unit/data/config/).
 */
#include "transport.h"
#include "secret.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define CONF(name) UNIT_DATA_DIR "/config/" name

static void test_good_file_applies_everything(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(llmc_client_load_config(c, CONF("good.conf"), &err), LLMC_OK);
    assert_string_equal(llmc_client_default_model(c), "fast");
    llmc_endpoint *ep = llmc_client_endpoint(c, "anthropic", 9);
    assert_string_equal(llmc_endpoint_base_url(ep), "https://gateway.example.com/anthropic");
    assert_non_null(ep->key_command);
    assert_string_equal(ep->key_command[0], "/usr/bin/pass");
    assert_string_equal(ep->key_command[1], "show");
    assert_string_equal(ep->key_command[2], "anthropic api");
    assert_null(ep->key_command[3]);
    assert_int_equal(ep->key_command_timeout_ms, 5000);
    assert_int_equal(ep->key_command_ttl_ms, 60000);
    llmc_endpoint *groq = llmc_client_endpoint(c, "groq", 4);
    assert_non_null(groq);
    assert_string_equal(groq->info.key_env, "GROQ_API_KEY");
    assert_string_equal(llmc_endpoint_base_url(groq), "https://api.groq.com/openai/v1");
    assert_int_equal(c->n_aliases, 1);
    assert_string_equal(c->aliases[0].value, "cerebras/gpt-oss-120b");
    /* a keyless endpoint on the LAN: no key variable, no auth header, plain http allowed for it */
    llmc_endpoint *ollama = llmc_client_endpoint(c, "ollama", 6);
    assert_non_null(ollama);
    assert_null(ollama->info.key_env);
    assert_int_equal(ollama->info.auth, LLMC_AUTH_NONE);
    assert_true(ollama->allow_insecure_http);
    assert_false(c->allow_insecure_http); /* for that endpoint alone */
    /* allow_http in a [provider] section, for a built-in provider */
    llmc_endpoint *openai = llmc_client_endpoint(c, "openai", 6);
    assert_true(openai->allow_insecure_http);
    assert_string_equal(llmc_endpoint_base_url(openai), "http://10.0.0.5:8000/v1");
    assert_string_equal(llmc_endpoint_base_url_source(openai), "base_url in the config file");
    assert_false(llmc_client_endpoint(c, "cerebras", 8)->allow_insecure_http);
    /* the provider list grows by the endpoints */
    size_t n = 0;
    while (llmc_client_provider_at(c, n))
        n++;
    assert_int_equal(n, 6);
    llmc_client_free(c);
}

static void test_mistakes_name_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int line;
        const char *says;
    } cases[] = {
        {"key_in_config.conf", 2, "keys do not belong in the config file"},
        {"unknown_provider.conf", 2, "unknown provider \"nosuch\""},
        {"endpoint_without_key_env.conf", 0, "needs key_env (the variable that holds its key), or auth = none"},
        {"endpoint_key_env_and_auth_none.conf", 0, "has both key_env and auth = none"},
        {"bad_auth.conf", 4, "auth expects none"},
        {"bad_allow_http.conf", 4, "allow_http expects true or false"},
        {"unknown_provider_section.conf", 1, "did you mean \"cerebras\""},
        {"no_equals.conf", 1, "expected `name = value`"},
        {"unclosed_quote.conf", 2, "an unclosed quote"},
        {"bad_ttl.conf", 2, "whole number of seconds"},
        {"unknown_section.conf", 1, "unknown section kind \"widget\""},
        {"insecure_base.conf", 2, "plain http"},
        {"bad_log.conf", 1, "log expects on or off"},
        {"bad_template_number.conf", 3, "temperature expects a number from 0 to 2"},
        {"unknown_template_key.conf", 2, "unknown setting \"sytem\" in a [template]"},
        {"bad_price.conf", 2, "US dollars per million tokens"},
        {"unknown_price_key.conf", 2, "unknown setting \"free\" in a [price]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        llmc_client *c = llmc_client_new();
        llmc_error err;
        char path[512];
        snprintf(path, sizeof path, "%s/config/%s", UNIT_DATA_DIR, cases[i].file);
        assert_int_equal(llmc_client_load_config(c, path, &err), LLMC_E_CONFIG);
        print_message("%s -> %s\n", cases[i].file, err.message);
        assert_non_null(strstr(err.message, cases[i].file));
        if (cases[i].line) {
            char at[64];
            snprintf(at, sizeof at, "%s:%d:", cases[i].file, cases[i].line);
            assert_non_null(strstr(err.message, at));
        }
        assert_non_null(strstr(err.message, cases[i].says));
        llmc_client_free(c);
    }
}

static void test_settings_kept_for_the_application(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    assert_int_equal(llmc_client_load_config(c, CONF("app_settings.conf"), &err), LLMC_OK);
    assert_string_equal(llmc_client_config_value(c, NULL, NULL, "log"), "off");
    assert_string_equal(llmc_client_config_value(c, "", "", "log"), "off");
    assert_string_equal(llmc_client_config_value(c, "alias", "fast", "system"), "Answer in one line.");
    assert_int_equal(c->n_aliases, 1); /* the alias still works as one */
    assert_string_equal(llmc_client_config_value(c, "template", "review", "prompt"), "Review this: $input");
    assert_string_equal(llmc_client_config_value(c, "template", "review", "max_tokens"), "300");
    /* a repeated section adds to the first, and the later line wins */
    assert_string_equal(llmc_client_config_value(c, "template", "review", "temperature"), "0.3");
    assert_string_equal(llmc_client_config_value(c, "template", "review", "stop"), "END");
    assert_null(llmc_client_config_value(c, "template", "haiku", "system"));
    assert_null(llmc_client_config_value(c, "template", "nosuch", "prompt"));
    assert_null(llmc_client_config_value(c, NULL, NULL, "nosuch"));
    /* sections in file order, each name once */
    assert_string_equal(llmc_client_config_section_at(c, "template", 0), "review");
    assert_string_equal(llmc_client_config_section_at(c, "template", 1), "haiku");
    assert_null(llmc_client_config_section_at(c, "template", 2));
    const char *fw = "fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct";
    assert_string_equal(llmc_client_config_section_at(c, "price", 0), fw);
    assert_string_equal(llmc_client_config_value(c, "price", fw, "cache_read"), "0.1");
    assert_null(llmc_client_config_section_at(c, "price", 1));
    assert_null(llmc_client_config_section_at(c, NULL, 0));
    llmc_client_free(c);
    /* a client that read no file has none of them */
    c = llmc_client_new();
    assert_null(llmc_client_config_value(c, NULL, NULL, "log"));
    assert_null(llmc_client_config_section_at(c, "template", 0));
    llmc_client_free(c);
}

static void test_missing_files(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    llmc_error err;
    /* a named file that is missing is an error; the default one missing is normal */
    assert_int_equal(llmc_client_load_config(c, CONF("nope.conf"), &err), LLMC_E_CONFIG);
    assert_non_null(strstr(err.message, "No such file"));
    setenv("XDG_CONFIG_HOME", "/nonexistent-llmc-test", 1);
    assert_int_equal(llmc_client_load_config(c, NULL, &err), LLMC_OK);
    unsetenv("XDG_CONFIG_HOME");
    llmc_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file_applies_everything),
        cmocka_unit_test(test_mistakes_name_file_and_line),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_settings_kept_for_the_application),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
