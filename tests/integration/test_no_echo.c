/* SPDX-License-Identifier: MIT */
/*
 * test_no_echo.c — a key typed in the wrong place on the command line is never repeated: an
 * unknown option with a value (`--apikey=KEY`, `--token=KEY`), an ambiguous abbreviation
 * (`--ke=KEY`), a value given to an option that takes none, an unknown option that is itself a
 * key, and a key given where a provider, subcommand or cause id goes — for every subcommand. Each
 * is a usage error (exit 2) that names the option, never its value.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Shaped like a real key, so that nothing could mistake it for an option name. */
#define SECRET "sk-ant-api03-EchoCanary7Qm2Xr9Lk4Wp8Zt3Nb6Hj1Fd5Gs0Ye2"

/* Fail when any 8 characters of the secret's random part appear in `text`. */
static void assert_clean(const char *what, const char *text)
{
    const char *secret = SECRET + strlen("sk-ant-api03-");
    for (size_t i = 0; i + 8 <= strlen(secret); i++)
        if (memmem(text, strlen(text), secret + i, 8))
            fail_msg("%s repeats part of the key (\"%.8s\"):\n%s", what, secret + i, text);
}

/* Run `llmc ARGS…`; expect exit `status`, clean output, and `expect` on stderr (when not NULL). */
static void check_args(int status, const char *expect, const char **args, size_t n)
{
    char what[512] = "llmc";
    for (size_t i = 0; i < n; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), " %.40s", args[i]);
    cli_result r = run_cli(args, NULL, NULL);
    assert_clean(what, r.out);
    assert_clean(what, r.err);
    if (r.status != status)
        fail_msg("%s: exit %d, expected %d; stderr:\n%s", what, r.status, status, r.err);
    if (expect && !strstr(r.err, expect))
        fail_msg("%s: stderr does not say \"%s\":\n%s", what, expect, r.err);
    cli_result_free(&r);
}

static void check_va(int status, const char *expect, va_list ap)
{
    const char *args[16];
    size_t n = 0;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 15)
        args[n++] = a;
    args[n] = NULL;
    check_args(status, expect, args, n);
}

/* A usage error (exit 2). */
static void check(const char *expect, ...)
{
    va_list ap;
    va_start(ap, expect);
    check_va(2, expect, ap);
    va_end(ap);
}

/* A request refused before anything is sent, such as an unknown provider (exit 4). */
static void check_refused(const char *expect, ...)
{
    va_list ap;
    va_start(ap, expect);
    check_va(4, expect, ap);
    va_end(ap);
}

static void test_prompt_options(void **state)
{
    (void)state;
    check("unknown option --apikey", "--apikey=" SECRET, "hi", NULL);
    check("unknown option --token", "--token=" SECRET, "hi", NULL);
    check("ambiguous option --ke", "--ke=" SECRET, "hi", NULL);
    check("option --json takes no value", "--json=" SECRET, "hi", NULL);
    check("not shown", "--" SECRET, "hi", NULL);
    check("unknown option -Q", "-Q" SECRET, "hi", NULL);
    check("unknown option -Q", "--model=x", "-Qv" SECRET, "hi", NULL); /* not blamed on --model */
    check("a key on the command line is refused", "--key", SECRET, "hi", NULL);
    check("a key on the command line is refused", "--api-key=" SECRET, "hi", NULL);
    check("option -m needs a value", "-m", NULL);
    check("option --system needs a value", "--system", NULL);
    check("unknown option --apikey", "prompt", "--apikey=" SECRET, NULL);
}

static void test_chat_options(void **state)
{
    (void)state;
    check("unknown option --token", "chat", "--token=" SECRET, NULL);
    check("ambiguous option --ke", "chat", "--ke=" SECRET, NULL);
    check("not shown", "chat", "--" SECRET, NULL);
}

static void test_batch_options(void **state)
{
    (void)state;
    check("unknown option --apikey", "batch", "--apikey=" SECRET, "in.jsonl", "-o", "out.jsonl", NULL);
    check("unknown option --token", "batch", "in.jsonl", "--token=" SECRET, NULL);
    check("option --remote takes no value", "batch", "--remote=" SECRET, "in.jsonl", NULL);
    check("not shown", "batch", "--" SECRET, NULL);
    check("option -o needs a value", "batch", "in.jsonl", "-o", NULL);
    check("one input file only", "batch", "in.jsonl", SECRET, "-o", "out.jsonl", NULL);
}

static void test_other_subcommands(void **state)
{
    (void)state;
    check("unknown option \"--key\" (its value not shown)", "models", "--key=" SECRET, NULL);
    check("not shown", "models", "--" SECRET, NULL);
    check("unknown keys command", "keys", SECRET, NULL);
    check_refused("unknown provider", "keys", "check", SECRET, NULL);
    check(NULL, "keys", "set", "anthropic", "--label=x", "--apikey=" SECRET, NULL);
    check(NULL, "keys", "list", "--token=" SECRET, NULL);
    check(NULL, "keys", "rm", "anthropic", "--ke=" SECRET, NULL);
    check("no cause called", "explain", SECRET, NULL);
    check(NULL, "explain", "--token=" SECRET, NULL);
    check("unknown config command", "config", SECRET, NULL);
    check(NULL, "doctor", "--apikey=" SECRET, NULL);
}

/* The values of the newer options and commands (issue-api's and issue-cli's) are never repeated
 * either: a key given as a number, a level, a format, a date, a template, a setting or a field. */
static void test_newer_options_and_commands(void **state)
{
    (void)state;
    check("--max-tokens expects a number", "--max-tokens", SECRET, "hi", NULL);
    check("--effort expects", "--effort", SECRET, "hi", NULL);
    check("--cache takes 5m or 1h", "--cache=" SECRET, "hi", NULL);
    check("-o expects NAME=JSON", "-o", SECRET, "hi", NULL);
    check("unknown option --apikey", "tokens", "--apikey=" SECRET, "hi", NULL);
    check("see `llmc tokens --help`", "tokens", "--token=" SECRET, "hi", NULL);
    check("chat takes no prompt argument", "chat", SECRET, NULL);
    check("--format takes provider or normalized", "batch", "in.jsonl", "-o", "out.jsonl", "--format", SECRET, NULL);
    check("--poll expects a number", "batch", "--remote", "in.jsonl", "-o", "out.jsonl", "--poll", SECRET, NULL);
    check("unknown option --apikey", "logs", "--apikey=" SECRET, NULL);
    check("-n expects a count", "logs", "-n", SECRET, NULL);
    check("unexpected", "logs", SECRET, NULL);
    check("unknown option --token", "usage", "--token=" SECRET, NULL);
    check("--since takes", "usage", "--since", SECRET, NULL);
    check("--by takes model or day", "usage", "--by", SECRET, NULL);
    check("unknown config command", "config", SECRET, NULL);
    check_refused("no template", "-t", SECRET, "hi", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prompt_options),
        cmocka_unit_test(test_chat_options),
        cmocka_unit_test(test_batch_options),
        cmocka_unit_test(test_other_subcommands),
        cmocka_unit_test(test_newer_options_and_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
