/* SPDX-License-Identifier: MIT */
/*
 * test_catalogue.c — the cause catalogue is complete and consistent: a page for every cause
 * of DESIGN §5 (and the causes added since) with every section filled, ids exactly as DESIGN
 * spells them, prose written as paragraphs, lookups that agree with each other (ids, their ends,
 * HTTP statuses), fix texts short enough to print under an error, and each cause's fix written
 * for every provider with its own name and variables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "llmc/llmc.h"
#include "providers.h"

/* DESIGN §5's table, in enum order: the ids are a stable interface (`llmc explain ID`). */
static const struct {
    llmc_cause cause;
    const char *id;
    llmc_severity severity;
    int http_status;
} expected[] = {
    {LLMC_CAUSE_KEY_MISSING, "key.missing", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_VAR_MISSPELLED, "key.var_misspelled", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_EMPTY, "key.empty", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_WHITESPACE, "key.whitespace", LLMC_SEVERITY_WARNING, 0},
    {LLMC_CAUSE_KEY_QUOTED, "key.quoted", LLMC_SEVERITY_WARNING, 0},
    {LLMC_CAUSE_KEY_MALFORMED, "key.malformed", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_PLACEHOLDER, "key.placeholder", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_WRONG_PROVIDER, "key.wrong_provider", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_FILE_PERMISSIONS, "key.file_permissions", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_COMMAND_FAILED, "key.command_failed", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_AUTH_REJECTED, "auth.rejected", LLMC_SEVERITY_ERROR, 401},
    {LLMC_CAUSE_AUTH_FORBIDDEN, "auth.forbidden", LLMC_SEVERITY_ERROR, 403},
    {LLMC_CAUSE_AUTH_CONFLICT, "auth.conflict", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_TRANSPORT_INSECURE, "transport.insecure", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_FILE_MISSING, "key.file_missing", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_KEY_FILE_UNREADABLE, "key.file_unreadable", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER, "model.unknown_provider", LLMC_SEVERITY_ERROR, 0},
    {LLMC_CAUSE_MODEL_NOT_FOUND, "model.not_found", LLMC_SEVERITY_ERROR, 404},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, "request.unsupported_parameter", LLMC_SEVERITY_ERROR, 400},
    {LLMC_CAUSE_CONFIG_BASE_URL, "config.base_url", LLMC_SEVERITY_ERROR, 0},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

static void assert_text(const char *what, const char *id, const char *s)
{
    if (s == NULL || s[0] == '\0') {
        print_error("%s: %s is empty\n", id, what);
        fail();
    }
    /* Tabs would break the CLI's indentation; a trailing newline would double-space pages. */
    if (strchr(s, '\t') != NULL || s[strlen(s) - 1] == '\n') {
        print_error("%s: %s has a tab or a trailing newline\n", id, what);
        fail();
    }
}

static void test_every_cause_has_a_full_page(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const llmc_cause_info *p = llmc_cause_info_get(expected[i].cause);
        assert_non_null(p);
        assert_int_equal(p->cause, expected[i].cause);
        assert_string_equal(p->id, expected[i].id);
        assert_int_equal(p->severity, expected[i].severity);
        assert_int_equal(p->http_status, expected[i].http_status);
        assert_text("title", p->id, p->title);
        assert_text("why", p->id, p->why);
        assert_text("detection", p->id, p->detection);
        assert_text("fix", p->id, p->fix);
        assert_text("workaround", p->id, p->workaround);
        assert_text("prevention", p->id, p->prevention);
        assert_text("broken_shell", p->id, p->broken_shell);
        assert_text("fixed_shell", p->id, p->fixed_shell);
        assert_text("broken_c", p->id, p->broken_c);
        assert_text("fixed_c", p->id, p->fixed_c);
        /* prose is one paragraph: the CLI wraps it to the terminal, the library keeps it whole */
        const char *prose[] = {p->title, p->why, p->detection, p->fix, p->workaround, p->prevention};
        for (size_t k = 0; k < sizeof prose / sizeof prose[0]; k++) {
            if (strchr(prose[k], '\n') || strstr(prose[k], "PROVIDER")) {
                print_error("%s: section %zu has a line break or the word PROVIDER\n", p->id, k);
                fail();
            }
        }
        for (size_t r = 0; r < sizeof p->reserved / sizeof p->reserved[0]; r++)
            assert_null(p->reserved[r]);
    }
}

/* Titles are one line; the fix is what the CLI prints under an error: one or two sentences. */
static void test_titles_and_fixes_are_short(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const llmc_cause_info *p = llmc_cause_info_get(expected[i].cause);
        assert_null(strchr(p->title, '\n'));
        assert_true(strlen(p->title) <= 72);
        if (strlen(p->fix) > 260) {
            print_error("%s: fix is %zu bytes\n", p->id, strlen(p->fix));
            fail();
        }
    }
}

/* The C examples are written against the public API, and the shell examples use llmc. */
static void test_examples_use_the_api(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const llmc_cause_info *p = llmc_cause_info_get(expected[i].cause);
        assert_non_null(strstr(p->broken_c, "llmc_"));
        assert_non_null(strstr(p->fixed_c, "llmc_"));
        assert_true(strcmp(p->broken_c, p->fixed_c) != 0);
        assert_true(strcmp(p->broken_shell, p->fixed_shell) != 0);
        assert_non_null(strstr(p->fixed_shell, "llmc"));
    }
}

/* Every page that can point at a remedy mentions an llmc command or API call a user can run. */
static void test_pages_name_a_remedy(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const llmc_cause_info *p = llmc_cause_info_get(expected[i].cause);
        int found = 0;
        const char *texts[] = {p->fix, p->workaround, p->prevention};
        for (size_t t = 0; t < 3; t++)
            found |= strstr(texts[t], "`llmc ") != NULL || strstr(texts[t], "llmc_") != NULL;
        if (!found) {
            print_error("%s: no llmc command or call in fix/workaround/prevention\n", p->id);
            fail();
        }
    }
}

static void test_ids_unique_and_find_round_trips(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        const llmc_cause_info *p = llmc_cause_info_get(expected[i].cause);
        assert_ptr_equal(llmc_cause_info_find(p->id), p);
        assert_string_equal(llmc_cause_id(expected[i].cause), expected[i].id);
        for (size_t j = i + 1; j < N_EXPECTED; j++)
            assert_true(strcmp(p->id, llmc_cause_info_get(expected[j].cause)->id) != 0);
    }
    assert_null(llmc_cause_info_find(NULL));
    assert_null(llmc_cause_info_find(""));
    assert_null(llmc_cause_info_find("key"));
    assert_null(llmc_cause_info_find("key.missing "));
    assert_null(llmc_cause_info_find("KEY.MISSING"));
}

static void test_at_iterates_exactly_the_catalogue(void **state)
{
    (void)state;
    size_t n = 0;
    while (llmc_cause_info_at(n) != NULL) {
        const llmc_cause_info *p = llmc_cause_info_at(n);
        /* Iteration order is enum order, so `llmc explain --list` reads like DESIGN §5. */
        assert_int_equal(p->cause, expected[n < N_EXPECTED ? n : 0].cause);
        assert_ptr_equal(llmc_cause_info_get(p->cause), p);
        n++;
        assert_true(n <= N_EXPECTED);
    }
    assert_int_equal(n, N_EXPECTED);
    assert_null(llmc_cause_info_at(N_EXPECTED));
    assert_null(llmc_cause_info_at((size_t)-1));
}

static void test_none_and_unknown(void **state)
{
    (void)state;
    assert_null(llmc_cause_info_get(LLMC_CAUSE_NONE));
    assert_null(llmc_cause_info_get((llmc_cause)(N_EXPECTED + 1)));
    assert_null(llmc_cause_info_get((llmc_cause)-1));
    assert_string_equal(llmc_cause_id(LLMC_CAUSE_NONE), "");
    assert_string_equal(llmc_cause_id((llmc_cause)99), "");
    assert_string_equal(llmc_cause_id((llmc_cause)-3), "");
}

/* The seed pages' causes each land on a page that speaks about them. */
static void test_seed_causes_are_covered(void **state)
{
    (void)state;
    static const struct {
        llmc_cause cause;
        const char *needle;
    } seeds[] = {
        {LLMC_CAUSE_KEY_MISSING, "not"},                    /* variable not set */
        {LLMC_CAUSE_KEY_VAR_MISSPELLED, "CEREBRAS_APIKEY"}, /* misspelled variable */
        {LLMC_CAUSE_KEY_EMPTY, "empty"},                    /* set but empty */
        {LLMC_CAUSE_KEY_WHITESPACE, "line break"},          /* extra whitespace */
        {LLMC_CAUSE_KEY_PLACEHOLDER, "wrong_key"},          /* hard-coded wrong string */
        {LLMC_CAUSE_AUTH_REJECTED, "revoked"},              /* expired or revoked */
        {LLMC_CAUSE_KEY_MALFORMED, "ASCII"},                /* malformed */
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        const llmc_cause_info *p = llmc_cause_info_get(seeds[i].cause);
        if (strstr(p->why, seeds[i].needle) == NULL && strstr(p->detection, seeds[i].needle) == NULL &&
            strstr(p->title, seeds[i].needle) == NULL) {
            print_error("%s does not mention \"%s\"\n", p->id, seeds[i].needle);
            fail();
        }
    }
    /* The seeds' workaround (validate at start-up) and prevention (rotate, secure storage). */
    assert_non_null(strstr(llmc_cause_info_get(LLMC_CAUSE_AUTH_REJECTED)->prevention, "start-up"));
    assert_non_null(strstr(llmc_cause_info_get(LLMC_CAUSE_AUTH_REJECTED)->prevention, "rotate"));
    assert_non_null(strstr(llmc_cause_info_get(LLMC_CAUSE_KEY_MISSING)->fix, "llmc keys set"));
}

/* `llmc explain` takes what a person types: an id in any case, its end, an HTTP status. */
static void test_lookup_by_suffix_and_status(void **state)
{
    (void)state;
    const llmc_cause_info *m[8];
    size_t n = 0;
    assert_ptr_equal(llmc_cause_info_lookup("whitespace", m, 8, &n), llmc_cause_info_get(LLMC_CAUSE_KEY_WHITESPACE));
    assert_int_equal(n, 1);
    assert_ptr_equal(llmc_cause_info_lookup("KEY.EMPTY", NULL, 0, NULL), llmc_cause_info_get(LLMC_CAUSE_KEY_EMPTY));
    assert_ptr_equal(llmc_cause_info_lookup("rejected", NULL, 0, NULL), llmc_cause_info_get(LLMC_CAUSE_AUTH_REJECTED));
    /* "missing" is key.missing's own name, though key.file_missing ends with it too */
    assert_ptr_equal(llmc_cause_info_lookup("missing", NULL, 0, NULL), llmc_cause_info_get(LLMC_CAUSE_KEY_MISSING));
    assert_ptr_equal(llmc_cause_info_lookup("file_missing", NULL, 0, NULL),
                     llmc_cause_info_get(LLMC_CAUSE_KEY_FILE_MISSING));
    assert_ptr_equal(llmc_cause_info_lookup("401", NULL, 0, NULL), llmc_cause_info_get(LLMC_CAUSE_AUTH_REJECTED));
    assert_ptr_equal(llmc_cause_info_lookup("403", NULL, 0, NULL), llmc_cause_info_get(LLMC_CAUSE_AUTH_FORBIDDEN));
    assert_ptr_equal(llmc_cause_info_lookup("404", NULL, 0, NULL), llmc_cause_info_get(LLMC_CAUSE_MODEL_NOT_FOUND));
    assert_ptr_equal(llmc_cause_info_lookup("400", NULL, 0, NULL),
                     llmc_cause_info_get(LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER));
    /* names that fit several pages name none, and list them */
    assert_null(llmc_cause_info_lookup("file", m, 8, &n));
    assert_int_equal(n, 3); /* file_permissions, file_missing, file_unreadable */
    assert_ptr_equal(llmc_cause_info_lookup("unreadable", NULL, 0, NULL),
                     llmc_cause_info_get(LLMC_CAUSE_KEY_FILE_UNREADABLE));
    assert_null(llmc_cause_info_lookup("provider", m, 8, &n));
    assert_int_equal(n, 2); /* key.wrong_provider, model.unknown_provider */
    assert_null(llmc_cause_info_lookup("500", m, 8, &n));
    assert_int_equal(n, 0);
    assert_null(llmc_cause_info_lookup("", m, 8, &n));
    assert_null(llmc_cause_info_lookup(NULL, m, 8, &n));
}

/* Each cause's fix, written for each provider, names that provider and not the placeholder, is
 * one paragraph, and names the provider's own key variable where a key variable is the remedy. */
static void test_fix_for_every_provider(void **state)
{
    (void)state;
    for (size_t p = 0; llmc_provider_at(p); p++) {
        const llmc_provider_info *info = llmc_provider_at(p);
        for (size_t i = 0; i < N_EXPECTED; i++) {
            char fix[1024];
            size_t need = llmc_cause_fix_for(NULL, expected[i].cause, info->name, fix, sizeof fix);
            assert_true(need > 0 && need < sizeof fix);
            assert_int_equal(strlen(fix), need);
            if (strchr(fix, '\n') || strstr(fix, "PROVIDER") || strchr(fix, '{')) {
                print_error("%s for %s: %s\n", expected[i].id, info->name, fix);
                fail();
            }
            /* the other providers' variables never appear */
            for (size_t q = 0; llmc_provider_at(q); q++)
                if (q != p && strstr(fix, llmc_provider_at(q)->key_env)) {
                    print_error("%s for %s names %s: %s\n", expected[i].id, info->name, llmc_provider_at(q)->key_env,
                                fix);
                    fail();
                }
        }
        char fix[1024];
        llmc_cause_fix_for(NULL, LLMC_CAUSE_KEY_MISSING, info->name, fix, sizeof fix);
        assert_non_null(strstr(fix, info->key_env));
        assert_non_null(strstr(fix, info->display_name));
        llmc_cause_fix_for(NULL, LLMC_CAUSE_KEY_VAR_MISSPELLED, info->name, fix, sizeof fix);
        assert_non_null(strstr(fix, info->key_env));
        char cmd[64];
        snprintf(cmd, sizeof cmd, "llmc keys set %s", info->name);
        llmc_cause_fix_for(NULL, LLMC_CAUSE_AUTH_REJECTED, info->name, fix, sizeof fix);
        assert_non_null(strstr(fix, cmd));
    }
    /* an unknown provider gets the page's generic text; nothing for no cause */
    char fix[1024];
    llmc_cause_fix_for(NULL, LLMC_CAUSE_KEY_MISSING, "nosuch", fix, sizeof fix);
    assert_string_equal(fix, llmc_cause_info_get(LLMC_CAUSE_KEY_MISSING)->fix);
    assert_int_equal(llmc_cause_fix_for(NULL, LLMC_CAUSE_NONE, "anthropic", fix, sizeof fix), 0);
    assert_string_equal(fix, "");
    /* a small buffer is cut, terminated, and the length needed is still returned */
    char small[16];
    size_t need = llmc_cause_fix_for(NULL, LLMC_CAUSE_KEY_MISSING, "cerebras", small, sizeof small);
    assert_true(need > sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cause_has_a_full_page),
        cmocka_unit_test(test_titles_and_fixes_are_short),
        cmocka_unit_test(test_examples_use_the_api),
        cmocka_unit_test(test_pages_name_a_remedy),
        cmocka_unit_test(test_ids_unique_and_find_round_trips),
        cmocka_unit_test(test_at_iterates_exactly_the_catalogue),
        cmocka_unit_test(test_none_and_unknown),
        cmocka_unit_test(test_seed_causes_are_covered),
        cmocka_unit_test(test_lookup_by_suffix_and_status),
        cmocka_unit_test(test_fix_for_every_provider),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
