/* SPDX-License-Identifier: MIT */
/*
 * test_keycheck.c — the static key checks of DESIGN §5, one test per cause, each a table of
 * inputs with the exact cause, severity and cleaned range expected; plus the promise that no
 * detail ever carries key bytes, the near-miss variable search and prefix ownership.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diagnose.h"

#ifndef UNIT_DATA_DIR
#define UNIT_DATA_DIR "tests/unit/data"
#endif

/* Fake keys in each provider's documented shape (random, they open nothing): Anthropic
 * sk-ant-api03- + 93 + AA (108 characters), admin keys the same after sk-ant-admin01- (110),
 * Cerebras csk- + 48 of [a-z0-9], OpenAI sk-proj-/sk-svcacct- + 74 + T3BlbkFJ + 74. */
#define ANTHROPIC_GOOD                                                                                                 \
    "sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KXSc7Tvo-hBKqZxAA"
#define ANTHROPIC_OAUTH                                                                                                \
    "sk-ant-oat01-FYY-kv5ZJr3J1TWDtkwtDDb_xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po_799NksnRH9ucAUsdMlHUvTCAA"
#define ANTHROPIC_ADMIN                                                                                                \
    "sk-ant-admin01-QCyEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhqwAA"
#define CEREBRAS_GOOD "csk-pmrcg629be2u66mr26846p7q9m2i0hz2uep1enthjxjqi3og"
#define FIREWORKS_GOOD "fw_z4FkQ1okTBGzvAmwufUxbvJD"
#define FIREWORKS_OLD "CTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6G"
#define OPENAI_PROJ                                                                                                    \
    "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"
#define OPENAI_SVC                                                                                                     \
    "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"
#define OPENAI_LEGACY "sk-h87mTa5Vsqxezy3Lex7BWr2drgd1QsO7jprBGumXxY9B4bZW"
#define GROQ_GOOD "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"

#define LEN(s) (sizeof(s) - 1)
#define NONE LLMC_CAUSE_NONE
#define INFO LLMC_SEVERITY_INFO
#define WARN LLMC_SEVERITY_WARNING
#define ERR LLMC_SEVERITY_ERROR

/*
 * One case: the input (with its length, so embedded NULs are possible), the findings expected
 * in order, the cleaned range, and a fragment the first finding's detail must contain ("" for
 * no requirement). A clean_len of SIZE_MAX means "the whole input".
 */
typedef struct kcase {
    const char *name;
    const char *provider;
    const char *key;
    size_t len;
    llmc_cause cause[3];
    llmc_severity sev[3];
    size_t clean_offset, clean_len;
    const char *detail_has;
} kcase;

#define WHOLE 0, SIZE_MAX
#define K(s) s, LEN(s)

static const kcase good_cases[] = {
    {"anthropic api key", "anthropic", K(ANTHROPIC_GOOD), {NONE}, {INFO}, WHOLE, ""},
    {"cerebras key", "cerebras", K(CEREBRAS_GOOD), {NONE}, {INFO}, WHOLE, ""},
    {"fireworks key", "fireworks", K(FIREWORKS_GOOD), {NONE}, {INFO}, WHOLE, ""},
    {"fireworks key without prefix", "fireworks", K(FIREWORKS_OLD), {NONE}, {INFO}, WHOLE, ""},
    /* Fireworks publishes no key length: a short fw_ key is not judged by one */
    {"fireworks key of any length", "fireworks", K("fw_z4FkQ1okTBG"), {NONE}, {INFO}, WHOLE, ""},
    {"openai project key", "openai", K(OPENAI_PROJ), {NONE}, {INFO}, WHOLE, ""},
    {"openai service-account key", "openai", K(OPENAI_SVC), {NONE}, {INFO}, WHOLE, ""},
    {"openai legacy key", "openai", K(OPENAI_LEGACY), {NONE}, {INFO}, WHOLE, ""},
    {"openai unknown shape", "openai", K(FIREWORKS_OLD), {NONE}, {INFO}, WHOLE, ""},
    {"custom endpoint own key", "groq", K(GROQ_GOOD), {NONE}, {INFO}, WHOLE, ""},
    {"custom endpoint sk- key", "vllm", K(OPENAI_LEGACY), {NONE}, {INFO}, WHOLE, ""},
    {"no provider: generic checks", NULL, K(ANTHROPIC_GOOD), {NONE}, {INFO}, WHOLE, ""},
    {"empty provider: generic checks", "", K(CEREBRAS_GOOD), {NONE}, {INFO}, WHOLE, ""},
};

static const kcase empty_cases[] = {
    {"empty string", "anthropic", K(""), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "is empty"},
    {"spaces only", "cerebras", K("   "), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "only whitespace (3 characters)"},
    {"newline only", "fireworks", K("\n"), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "only whitespace (1 character)"},
    {"crlf and tab", "openai", K("\t\r\n"), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "only whitespace"},
    {"empty quotes", "anthropic", K("\"\""), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "only quotes"},
    {"quoted blank", "anthropic", K("' '\n"), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "only quotes and whitespace"},
    {"lone quote", "anthropic", K("\""), {LLMC_CAUSE_KEY_EMPTY}, {ERR}, 0, 0, "only quotes"},
    {"no-break spaces only",
     "anthropic",
     K("\xC2\xA0\xC2\xA0"),
     {LLMC_CAUSE_KEY_EMPTY},
     {ERR},
     0,
     0,
     "only whitespace (2 characters)"},
};

static const kcase whitespace_cases[] = {
    {"trailing newline",
     "anthropic",
     K(ANTHROPIC_GOOD "\n"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     0,
     LEN(ANTHROPIC_GOOD),
     "ends with a line break (\\n); stripped"},
    {"windows line ending",
     "cerebras",
     K(CEREBRAS_GOOD "\r\n"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     0,
     LEN(CEREBRAS_GOOD),
     "ends with a Windows line ending (\\r\\n); stripped"},
    {"leading spaces",
     "fireworks",
     K("  " FIREWORKS_GOOD),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     2,
     LEN(FIREWORKS_GOOD),
     "starts with 2 spaces; stripped"},
    {"both ends",
     "openai",
     K("\t" OPENAI_PROJ " \n"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     1,
     LEN(OPENAI_PROJ),
     "starts with a tab and ends with a space and a line break (\\n)"},
    {"trailing no-break space",
     "anthropic",
     K(ANTHROPIC_GOOD "\xC2\xA0"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     0,
     LEN(ANTHROPIC_GOOD),
     "no-break space (U+00A0)"},
    {"leading byte-order mark",
     "cerebras",
     K("\xEF\xBB\xBF" CEREBRAS_GOOD "\n"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     3,
     LEN(CEREBRAS_GOOD),
     "starts with a byte-order mark (U+FEFF) and ends with a line break"},
    {"zero-width space",
     "fireworks",
     K(FIREWORKS_GOOD "\xE2\x80\x8B"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     0,
     LEN(FIREWORKS_GOOD),
     "zero-width space"},
    {"several line breaks",
     "openai",
     K(OPENAI_LEGACY "\n\n"),
     {LLMC_CAUSE_KEY_WHITESPACE},
     {WARN},
     0,
     LEN(OPENAI_LEGACY),
     "ends with 2 line breaks (\\n)"},
};

static const kcase quoted_cases[] = {
    {"double quotes",
     "anthropic",
     K("\"" ANTHROPIC_GOOD "\""),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     1,
     LEN(ANTHROPIC_GOOD),
     "wrapped in double quotes; stripped"},
    {"single quotes",
     "cerebras",
     K("'" CEREBRAS_GOOD "'"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     1,
     LEN(CEREBRAS_GOOD),
     "wrapped in single quotes"},
    {"backticks",
     "fireworks",
     K("`" FIREWORKS_GOOD "`"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     1,
     LEN(FIREWORKS_GOOD),
     "wrapped in backticks"},
    {"curly double quotes",
     "anthropic",
     K("\xE2\x80\x9C" ANTHROPIC_GOOD "\xE2\x80\x9D"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     3,
     LEN(ANTHROPIC_GOOD),
     "curly double quotes (U+201C/U+201D)"},
    {"two closing curly quotes",
     "cerebras",
     K("\xE2\x80\x9D" CEREBRAS_GOOD "\xE2\x80\x9D"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     3,
     LEN(CEREBRAS_GOOD),
     "curly double quotes"},
    {"curly single quotes",
     "openai",
     K("\xE2\x80\x98" OPENAI_PROJ "\xE2\x80\x99"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     3,
     LEN(OPENAI_PROJ),
     "curly single quotes (U+2018/U+2019)"},
    {"lone opening quote",
     "anthropic",
     K("\"" ANTHROPIC_GOOD),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     1,
     LEN(ANTHROPIC_GOOD),
     "starts with a double quote that is never closed"},
    {"lone closing quote",
     "fireworks",
     K(FIREWORKS_GOOD "'"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     0,
     LEN(FIREWORKS_GOOD),
     "ends with a single quote that was never opened"},
    {"quotes then newline (.env)",
     "anthropic",
     K("\"" ANTHROPIC_GOOD "\"\n"),
     {LLMC_CAUSE_KEY_QUOTED, LLMC_CAUSE_KEY_WHITESPACE},
     {WARN, WARN},
     1,
     LEN(ANTHROPIC_GOOD),
     "wrapped in double quotes"},
    {"spaces inside quotes",
     "cerebras",
     K("\" " CEREBRAS_GOOD " \""),
     {LLMC_CAUSE_KEY_QUOTED, LLMC_CAUSE_KEY_WHITESPACE},
     {WARN, WARN},
     2,
     LEN(CEREBRAS_GOOD),
     ""},
    {"nested quotes",
     "openai",
     K("'\"" OPENAI_LEGACY "\"'"),
     {LLMC_CAUSE_KEY_QUOTED},
     {WARN},
     2,
     LEN(OPENAI_LEGACY),
     "more than one layer"},
};

static const kcase malformed_cases[] = {
    {"inner space",
     "anthropic",
     K("sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1 spNxnyVmihA-2O76UMFxFkM"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "contains a space at position 42"},
    {"inner line break",
     "cerebras",
     K("csk-pmrcg629be2u66mr2684\n6p7q9m2i0hz2uep1enthjxjqi3og"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "contains a line break (\\n)"},
    {"header injection",
     "openai",
     K(OPENAI_LEGACY "\r\nX-Evil: 1"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "carriage return (\\r) at position 52"},
    {"inner tab",
     "fireworks",
     K("fw_z4FkQ1okTBGz\tvAmwufUxbvJD"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "contains a tab at position 16"},
    {"escape character",
     "openai",
     K("sk-h87mTa5Vsqxe\x1bzy3Lex7BWr2drgd1"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "control character (0x1B) at position 16"},
    {"NUL byte",
     "cerebras",
     K("csk-pmrcg629be2u\0"
       "66mr26846p7q9m2i0hz2uep1enthjxjqi3"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "control character (0x00) at position 17"},
    {"en dash from a word processor",
     "anthropic",
     K("sk\xE2\x80\x93"
       "ant-api03-PtYgjmUhBel31iEl2hpChYgCf"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "an en dash where '-' was probably meant (U+2013) at position 3"},
    {"curly quote inside",
     "fireworks",
     K("fw_z4FkQ1ok\xE2\x80\x9DTBGzvAmwufUxbvJD"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "curly double quote (U+201D) at position 12"},
    {"invalid UTF-8",
     "openai",
     K("sk-h87mTa5V\xFFsqxezy3Lex7BWr2drgd1"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "not valid text (0xFF) at position 12"},
    {"too short", "anthropic", K("k9Z"), {LLMC_CAUSE_KEY_MALFORMED}, {ERR}, WHOLE, "has 3 characters; keys are longer"},
    {"too short after trimming",
     "openai",
     K("  a1b2c\n"),
     {LLMC_CAUSE_KEY_WHITESPACE, LLMC_CAUSE_KEY_MALFORMED},
     {WARN, ERR},
     2,
     5,
     ""},
    /* The unusual-shape warnings: the provider's own prefix, the rest not as documented. */
    {"anthropic key cut short",
     "anthropic",
     K("sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {WARN},
     WHOLE,
     "has 51 characters after sk-ant-api03- where Anthropic keys have 95"},
    {"anthropic key not ending AA",
     "anthropic",
     K("sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KXSc7Tvo-hBKqZxAB"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {WARN},
     WHOLE,
     "does not end the way Anthropic keys do"},
    /* A character outside the provider's alphabet is no key's: refused and named (item 7). */
    {"anthropic key with a dot",
     "anthropic",
     K("sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS.6ilI8ihN5KXSc7Tvo-hBKqZxAA"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "contains '.' at position 82; no Anthropic key has that character"},
    {"a literal \\n escape copied out of JSON",
     "anthropic",
     K("sk-ant-api03-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM\\nR5Kjp1vRt_1fjORS6ilI8ihN5KXSc7Tvo-hBKqZxAA"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "a backslash (\\) at position 65; no Anthropic key has that character: an escape such as \\n or \\u"},
    {"a \\u escape copied out of JSON",
     "cerebras",
     K("csk-pmrcg629be2u66mr26846p7q9m2i\\u2013hz2uep1enthjxjqi3og"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "a backslash (\\) at position 33; no Cerebras key has that character"},
    {"a dollar sign: a variable never expanded",
     "fireworks",
     K("fw_z4FkQ1okTBGz$vAmwufUxbvJD"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "a dollar sign ($) at position 16; no Fireworks AI key has that character"},
    {"a brace left from a template",
     "openai",
     K("sk-proj-abc{defghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {ERR},
     WHOLE,
     "contains a brace ({) at position 12; no OpenAI key has that character: left from a template"},
    {"anthropic without prefix",
     "anthropic",
     K(FIREWORKS_OLD),
     {LLMC_CAUSE_KEY_MALFORMED},
     {WARN},
     WHOLE,
     "does not start with sk-ant-"},
    {"cerebras upper case",
     "cerebras",
     K("csk-PMRCG629be2u66mr26846p7q9m2i0hz2uep1enthjxjqi3og"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {WARN},
     WHOLE,
     "position 5 that Cerebras keys do not use"},
    {"cerebras too long",
     "cerebras",
     K(CEREBRAS_GOOD "x"),
     {LLMC_CAUSE_KEY_MALFORMED},
     {WARN},
     WHOLE,
     "has 49 characters after csk-"},
    {"cerebras without prefix",
     "cerebras",
     K(FIREWORKS_OLD),
     {LLMC_CAUSE_KEY_MALFORMED},
     {WARN},
     WHOLE,
     "does not start with csk-"},
};

static const kcase wrong_provider_cases[] = {
    {"fireworks key for anthropic",
     "anthropic",
     K(FIREWORKS_GOOD),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {ERR},
     WHOLE,
     "starts with fw_, a Fireworks AI key"},
    {"anthropic key for cerebras",
     "cerebras",
     K(ANTHROPIC_GOOD),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {ERR},
     WHOLE,
     "starts with sk-ant-, an Anthropic key"},
    {"cerebras key for fireworks",
     "fireworks",
     K(CEREBRAS_GOOD),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {ERR},
     WHOLE,
     "starts with csk-, a Cerebras key"},
    {"openai key for anthropic",
     "anthropic",
     K(OPENAI_PROJ),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {ERR},
     WHOLE,
     "starts with sk-, an OpenAI key"},
    {"openai key for cerebras",
     "cerebras",
     K(OPENAI_LEGACY),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {ERR},
     WHOLE,
     "an OpenAI key"},
    {"anthropic key for openai (gateway?)",
     "openai",
     K(ANTHROPIC_GOOD),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {WARN},
     WHOLE,
     "an Anthropic key"},
    {"cerebras key for a custom endpoint",
     "groq",
     K(CEREBRAS_GOOD),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {WARN},
     WHOLE,
     "a Cerebras key"},
    {"fireworks key for openai",
     "openai",
     K(FIREWORKS_GOOD),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {WARN},
     WHOLE,
     "a Fireworks AI key"},
    {"anthropic oauth token: not an API key",
     "anthropic",
     K(ANTHROPIC_OAUTH),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {WARN},
     WHOLE,
     "an OAuth token from a Claude subscription, which Anthropic refuses from other programs"},
    {"anthropic admin key",
     "anthropic",
     K(ANTHROPIC_ADMIN),
     {LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {WARN},
     WHOLE,
     "Admin API key"},
    {"quoted foreign key",
     "anthropic",
     K("\"" FIREWORKS_GOOD "\"\n"),
     {LLMC_CAUSE_KEY_QUOTED, LLMC_CAUSE_KEY_WHITESPACE, LLMC_CAUSE_KEY_WRONG_PROVIDER},
     {WARN, WARN, ERR},
     1,
     LEN(FIREWORKS_GOOD),
     "wrapped in double quotes"},
};

static const kcase placeholder_cases[] = {
    {"seed: wrong_key", "cerebras", K("wrong_key"), {LLMC_CAUSE_KEY_PLACEHOLDER}, {ERR}, WHOLE, "stock value"},
    {"seed: wrong_or_missing_key",
     "cerebras",
     K("wrong_or_missing_key"),
     {LLMC_CAUSE_KEY_PLACEHOLDER},
     {ERR},
     WHOLE,
     ""},
    {"seed: your_valid_api_key_here",
     "anthropic",
     K("your_valid_api_key_here"),
     {LLMC_CAUSE_KEY_PLACEHOLDER},
     {ERR},
     WHOLE,
     "documentation text"},
    {"sk-... wins over wrong provider",
     "anthropic",
     K("sk-..."),
     {LLMC_CAUSE_KEY_PLACEHOLDER},
     {ERR},
     WHOLE,
     "ellipsis"},
    {"short placeholder wins over length", "fireworks", K("test"), {LLMC_CAUSE_KEY_PLACEHOLDER}, {ERR}, WHOLE, ""},
    {"unexpanded variable",
     "anthropic",
     K("$ANTHROPIC_API_KEY"),
     {LLMC_CAUSE_KEY_PLACEHOLDER},
     {ERR},
     WHOLE,
     "unexpanded variable reference"},
    {"masked key",
     "anthropic",
     K("sk-ant-api03-****************AbCd"),
     {LLMC_CAUSE_KEY_PLACEHOLDER},
     {ERR},
     WHOLE,
     "masked"},
    {"quoted placeholder",
     "openai",
     K("\"<YOUR_KEY>\"\n"),
     {LLMC_CAUSE_KEY_QUOTED, LLMC_CAUSE_KEY_WHITESPACE, LLMC_CAUSE_KEY_PLACEHOLDER},
     {WARN, WARN, ERR},
     1,
     10,
     ""},
    {"prefix only", "cerebras", K("csk-"), {LLMC_CAUSE_KEY_PLACEHOLDER}, {ERR}, WHOLE, "only a key prefix"},
    {"prefix then a run",
     "fireworks",
     K("fw_xxxxxxxxxxxxxxxxxxxxxxxxx"),
     {LLMC_CAUSE_KEY_PLACEHOLDER},
     {ERR},
     WHOLE,
     "repeated"},
};

/* ---------------------------------------------------------------------------------------- */

static size_t clean_len_of(const kcase *c)
{
    return c->clean_len == SIZE_MAX ? c->len : c->clean_len;
}

/*
 * Fingerprint-freedom: no run of 6 characters from the secret part of the key (what follows a
 * public prefix such as "sk-ant-api03-") may appear in a detail. Shorter values are checked
 * whole.
 */
static const char *const public_prefixes[] = {
    "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-", "sk-ant-", "sk-proj-", "sk-svcacct-", "sk-", "csk-", "fw_",
    "gsk_",
};

static void assert_no_key_bytes(const char *key, size_t len, const char *detail)
{
    size_t skip = 0;
    for (size_t i = 0; i < sizeof public_prefixes / sizeof public_prefixes[0]; i++) {
        size_t n = strlen(public_prefixes[i]);
        if (len >= n && memcmp(key, public_prefixes[i], n) == 0) {
            skip = n;
            break;
        }
    }
    const char *body = key + skip;
    size_t blen = len - skip;
    size_t w = blen < 6 ? blen : 6;
    if (w < 3)
        return; /* a character or two says nothing about a key */
    size_t dlen = strlen(detail);
    for (size_t i = 0; i + w <= blen; i++) {
        for (size_t j = 0; j + w <= dlen; j++) {
            if (memcmp(body + i, detail + j, w) == 0) {
                print_error("detail \"%s\" contains key bytes at key offset %zu\n", detail, skip + i);
                fail();
            }
        }
    }
}

static void run_case(const kcase *c)
{
    llmc_key_verdict v;
    llmc_severity got = llmc_key_check(c->provider, c->key, c->len, &v);

    size_t want_n = 0;
    llmc_severity want_worst = INFO;
    while (want_n < 3 && c->cause[want_n] != NONE) {
        if (c->sev[want_n] > want_worst)
            want_worst = c->sev[want_n];
        want_n++;
    }
    if (v.n != want_n || got != want_worst) {
        print_error("case \"%s\": %zu findings (worst %d), expected %zu (worst %d)\n", c->name, v.n, (int)got, want_n,
                    (int)want_worst);
        for (size_t i = 0; i < v.n; i++)
            print_error("  %s: %s\n", llmc_cause_id(v.findings[i].cause), v.findings[i].detail);
        fail();
    }
    for (size_t i = 0; i < want_n; i++) {
        if (v.findings[i].cause != c->cause[i] || v.findings[i].severity != c->sev[i]) {
            print_error("case \"%s\": finding %zu is %s/%d, expected %s/%d (%s)\n", c->name, i,
                        llmc_cause_id(v.findings[i].cause), (int)v.findings[i].severity, llmc_cause_id(c->cause[i]),
                        (int)c->sev[i], v.findings[i].detail);
            fail();
        }
        if (v.findings[i].detail[0] == '\0') {
            print_error("case \"%s\": finding %zu has no detail\n", c->name, i);
            fail();
        }
        assert_no_key_bytes(c->key, c->len, v.findings[i].detail);
    }
    if (c->detail_has[0] != '\0' && strstr(v.findings[0].detail, c->detail_has) == NULL) {
        print_error("case \"%s\": detail \"%s\" lacks \"%s\"\n", c->name, v.findings[0].detail, c->detail_has);
        fail();
    }
    if (v.clean_offset != c->clean_offset || v.clean_len != clean_len_of(c)) {
        print_error("case \"%s\": clean range [%zu, +%zu), expected [%zu, +%zu)\n", c->name, v.clean_offset,
                    v.clean_len, c->clean_offset, clean_len_of(c));
        fail();
    }
}

#define RUN_TABLE(t)                                                                                                   \
    do {                                                                                                               \
        for (size_t i_ = 0; i_ < sizeof(t) / sizeof((t)[0]); i_++)                                                     \
            run_case(&(t)[i_]);                                                                                        \
    } while (0)

/* ---------------------------------------------------------------------------------------- */

static void test_good_keys_pass_clean(void **state)
{
    (void)state;
    RUN_TABLE(good_cases);
}

/* The emulator's keys are the keys every integration test uses, in each provider's documented
 * shape: every one must pass with no finding at all (a warning would ride along on every test).
 * They are read from tests/server/emulator-keys.env, the one list. */
static void test_emulator_keys_pass_clean(void **state)
{
    (void)state;
    FILE *f = fopen(KEYS_ENV_PATH, "r");
    assert_non_null(f);
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char provider[32];
        const char *eq = strchr(line, '=');
        if (strncmp(line, "EMU_", 4) != 0 || !eq || strstr(line, "_VALID=") == NULL)
            continue;
        size_t pl = strcspn(line + 4, "_");
        snprintf(provider, sizeof provider, "%.*s", (int)pl, line + 4);
        for (char *c = provider; *c; c++)
            *c = (char)(*c - 'A' + 'a');
        llmc_key_verdict v;
        llmc_severity sev = llmc_key_check(provider, eq + 1, strlen(eq + 1), &v);
        if (sev != INFO || v.n != 0) {
            print_error("emulator key for %s: %s\n", provider, v.n ? v.findings[0].detail : "?");
            fail();
        }
        n++;
    }
    fclose(f);
    assert_int_equal(n, 4);
}

static void test_key_empty(void **state)
{
    (void)state;
    RUN_TABLE(empty_cases);
    /* NULL is treated as empty rather than crashing. */
    llmc_key_verdict v;
    assert_int_equal(llmc_key_check("anthropic", NULL, 5, &v), ERR);
    assert_int_equal(v.n, 1);
    assert_int_equal(v.findings[0].cause, LLMC_CAUSE_KEY_EMPTY);
}

static void test_key_whitespace(void **state)
{
    (void)state;
    RUN_TABLE(whitespace_cases);
}

static void test_key_quoted(void **state)
{
    (void)state;
    RUN_TABLE(quoted_cases);
}

static void test_key_malformed(void **state)
{
    (void)state;
    RUN_TABLE(malformed_cases);
    /* The upper length bound. */
    char long_key[600];
    memset(long_key, 'a', sizeof long_key);
    memcpy(long_key, "sk-proj-", 8);
    long_key[300] = 'b'; /* not one repeated character */
    llmc_key_verdict v;
    assert_int_equal(llmc_key_check("gateway", long_key, sizeof long_key, &v), ERR);
    assert_int_equal(v.n, 1);
    assert_int_equal(v.findings[0].cause, LLMC_CAUSE_KEY_MALFORMED);
    assert_non_null(strstr(v.findings[0].detail, "has 600 characters"));
    /* 512 is still allowed for a key of no known shape (a custom endpoint's)... */
    assert_int_equal(llmc_key_check("gateway", long_key, 512, &v), INFO);
    assert_int_equal(v.n, 0);
    /* ...while an OpenAI project key that long is not the documented shape: a warning */
    assert_int_equal(llmc_key_check("openai", long_key, 512, &v), WARN);
    assert_non_null(strstr(v.findings[0].detail, "after sk-proj- where OpenAI keys have 48 to 156"));
}

static void test_key_wrong_provider(void **state)
{
    (void)state;
    RUN_TABLE(wrong_provider_cases);
}

/* Every placeholder in the data file is refused for every provider, whatever its shape. */
static void test_key_placeholder(void **state)
{
    (void)state;
    RUN_TABLE(placeholder_cases);

    FILE *f = fopen(UNIT_DATA_DIR "/keycheck/placeholders.txt", "r");
    assert_non_null(f);
    static const char *const providers[] = {"anthropic", "cerebras", "fireworks", "openai", "groq", NULL};
    char line[256];
    int count = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        for (size_t p = 0; p < sizeof providers / sizeof providers[0]; p++) {
            llmc_key_verdict v;
            llmc_severity s = llmc_key_check(providers[p], line, strlen(line), &v);
            if (s != ERR || v.n != 1 || v.findings[0].cause != LLMC_CAUSE_KEY_PLACEHOLDER) {
                print_error("placeholder \"%s\" for %s: %zu findings, first %s (%s)\n", line,
                            providers[p] ? providers[p] : "(none)", v.n, v.n ? llmc_cause_id(v.findings[0].cause) : "-",
                            v.n ? v.findings[0].detail : "");
                fclose(f);
                fail();
            }
            assert_no_key_bytes(line, strlen(line), v.findings[0].detail);
        }
        count++;
    }
    fclose(f);
    assert_true(count >= 40);
}

/* The checker must not call real keys placeholders: a key whose random body happens to hold
 * a word like "test" or "key" is still a key. */
static void test_real_keys_are_not_placeholders(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "sk-ant-api03-testkeyPtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KXSc7xyzAA",
        "csk-dummy629be2u66mr26846p7q9m2i0hz2uep1enthjxjqi0og",
        "fw_changemeTBGzvAmwufUxbvJD",
        "sk-proj-xxxxxxxxQ1okTBGzvAmwufUxbvJDnullT3BlbkFJ0123456789abcdefghij",
    };
    static const char *const providers[] = {"anthropic", "cerebras", "fireworks", "openai"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        llmc_key_verdict v;
        llmc_severity s = llmc_key_check(providers[i], keys[i], strlen(keys[i]), &v);
        if (s != INFO) {
            print_error("key %zu: %s\n", i, v.findings[0].detail);
            fail();
        }
    }
}

/* The verdict pointer may be NULL when only the severity is wanted. */
static void test_null_verdict(void **state)
{
    (void)state;
    assert_int_equal(llmc_key_check("anthropic", ANTHROPIC_GOOD, LEN(ANTHROPIC_GOOD), NULL), INFO);
    assert_int_equal(llmc_key_check("anthropic", FIREWORKS_GOOD, LEN(FIREWORKS_GOOD), NULL), ERR);
}

/* The key need not be NUL-terminated: only len bytes are read. */
static void test_not_nul_terminated(void **state)
{
    (void)state;
    char buf[LEN(CEREBRAS_GOOD) + 8];
    memcpy(buf, CEREBRAS_GOOD, LEN(CEREBRAS_GOOD));
    memset(buf + LEN(CEREBRAS_GOOD), ' ', 8); /* would be whitespace if it were read */
    llmc_key_verdict v;
    assert_int_equal(llmc_key_check("cerebras", buf, LEN(CEREBRAS_GOOD), &v), INFO);
    assert_int_equal(v.n, 0);
    assert_int_equal(v.clean_len, LEN(CEREBRAS_GOOD));
}

static void test_prefix_owner(void **state)
{
    (void)state;
    assert_string_equal(llmc_key_prefix_owner(K(ANTHROPIC_GOOD)), "anthropic");
    assert_string_equal(llmc_key_prefix_owner(K(ANTHROPIC_ADMIN)), "anthropic");
    assert_string_equal(llmc_key_prefix_owner(K(CEREBRAS_GOOD)), "cerebras");
    assert_string_equal(llmc_key_prefix_owner(K(FIREWORKS_GOOD)), "fireworks");
    assert_string_equal(llmc_key_prefix_owner(K(OPENAI_PROJ)), "openai");
    assert_string_equal(llmc_key_prefix_owner(K(OPENAI_SVC)), "openai");
    assert_string_equal(llmc_key_prefix_owner(K(OPENAI_LEGACY)), "openai");
    assert_null(llmc_key_prefix_owner(K(FIREWORKS_OLD)));
    assert_null(llmc_key_prefix_owner(K(GROQ_GOOD)));
    assert_null(llmc_key_prefix_owner(K("")));
    assert_null(llmc_key_prefix_owner(NULL, 10));
    /* Only len bytes count: "sk-ant-" cut to "sk-a" is not Anthropic's, but is "sk-". */
    assert_string_equal(llmc_key_prefix_owner(ANTHROPIC_GOOD, 4), "openai");
    assert_null(llmc_key_prefix_owner(CEREBRAS_GOOD, 3));
    /* Prefixes are case-sensitive, as keys are. */
    assert_null(llmc_key_prefix_owner(K("SK-ANT-api03-abcdefgh")));
}

/* ---------------------------------------------------------------------------------------- */
/* Near-miss variables                                                                       */

static size_t near(const char *wanted, char *const *env, char out[][64], size_t max)
{
    memset(out, 0, max * 64);
    return llmc_near_miss_vars(wanted, env, out, max);
}

static int has_name(char out[][64], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(out[i], name) == 0)
            return 1;
    return 0;
}

static void expect_only(const char *wanted, char *const *env, const char *const *names)
{
    char out[8][64];
    size_t n = near(wanted, env, out, 8);
    size_t want = 0;
    while (names[want] != NULL)
        want++;
    if (n != want) {
        print_error("near misses of %s: got %zu, expected %zu\n", wanted, n, want);
        for (size_t i = 0; i < n; i++)
            print_error("  got %s\n", out[i]);
        fail();
    }
    for (size_t i = 0; i < want; i++) {
        if (!has_name(out, n, names[i])) {
            print_error("near misses of %s lack %s\n", wanted, names[i]);
            fail();
        }
    }
}

static char *const base_env[] = {
    "PATH=/usr/bin:/bin", "HOME=/home/u", "TERM=xterm", "LANG=C.UTF-8", "EDITOR=vi", NULL,
};

static void test_near_miss_known_variants(void **state)
{
    (void)state;
    char *const e1[] = {"PATH=/bin", "ANTHROPIC_KEY=sk-ant-api03-SECRETVALUE", NULL};
    expect_only("ANTHROPIC_API_KEY", e1, (const char *const[]){"ANTHROPIC_KEY", NULL});

    char *const e2[] = {"CEREBRAS_APIKEY=csk-SECRETVALUE", "HOME=/root", NULL};
    expect_only("CEREBRAS_API_KEY", e2, (const char *const[]){"CEREBRAS_APIKEY", NULL});

    char *const e3[] = {"FIREWORKS_AI_API_KEY=fw_SECRETVALUE", NULL};
    expect_only("FIREWORKS_API_KEY", e3, (const char *const[]){"FIREWORKS_AI_API_KEY", NULL});

    char *const e4[] = {"CLAUDE_API_KEY=x", "OPEN_AI_API_KEY=y", "FW_API_KEY=z", NULL};
    expect_only("ANTHROPIC_API_KEY", e4, (const char *const[]){"CLAUDE_API_KEY", NULL});
    expect_only("OPENAI_API_KEY", e4, (const char *const[]){"OPEN_AI_API_KEY", NULL});
    expect_only("FIREWORKS_API_KEY", e4, (const char *const[]){"FW_API_KEY", NULL});

    /* The generic <STEM>_KEY family also serves custom endpoints. */
    char *const e5[] = {"GROQ_KEY=x", "GROQ_API_TOKEN=y", NULL};
    expect_only("GROQ_API_KEY", e5, (const char *const[]){"GROQ_KEY", "GROQ_API_TOKEN", NULL});
}

static void test_near_miss_case(void **state)
{
    (void)state;
    char *const e[] = {"anthropic_api_key=sk-ant-x", "Cerebras_Api_Key=csk-x", NULL};
    expect_only("ANTHROPIC_API_KEY", e, (const char *const[]){"anthropic_api_key", NULL});
    expect_only("CEREBRAS_API_KEY", e, (const char *const[]){"Cerebras_Api_Key", NULL});
    /* Variants are found whatever their case. */
    char *const e2[] = {"anthropic_key=x", NULL};
    expect_only("ANTHROPIC_API_KEY", e2, (const char *const[]){"anthropic_key", NULL});
}

static void test_near_miss_typos(void **state)
{
    (void)state;
    char *const e[] = {
        "ANTHORPIC_API_KEY=a",  /* transposition */
        "ANTHROPIC_API_KY=b",   /* deletion */
        "ANTHROPIC_APIS_KEY=c", /* insertion */
        "ANTROPIC_API_KEYS=d",  /* two edits */
        "ANTHROPC_AP_KY=e",     /* three edits: too far */
        NULL,
    };
    expect_only("ANTHROPIC_API_KEY", e,
                (const char *const[]){"ANTHORPIC_API_KEY", "ANTHROPIC_API_KY", "ANTHROPIC_APIS_KEY",
                                      "ANTROPIC_API_KEYS", NULL});
}

static void test_near_miss_exclusions(void **state)
{
    (void)state;
    char *const e[] = {
        "ANTHROPIC_API_KEY=sk-ant-real", /* the wanted name itself */
        "ANTHROPIC_AUTH_TOKEN=t",        /* a legitimate alternative */
        "ANTHROPIC_API_KEY_FILE=/run/secrets/a",
        "ANTHROPIC_BASE_URL=https://example.test",
        "ANTHROPIC_CUSTOM_HEADERS=X: y",
        "OPENAI_API_KEY=sk-x", /* another provider's own variable */
        "CEREBRAS_API_KEY=csk-x",
        "AWS_SECRET_ACCESS_KEY=z",
        "SSH_AUTH_SOCK=/tmp/agent",
        "KEYTIMEOUT=1",
        NULL,
    };
    char out[8][64];
    assert_int_equal(near("ANTHROPIC_API_KEY", e, out, 8), 0);
    assert_int_equal(near("ANTHROPIC_API_KEY", base_env, out, 8), 0);
    assert_int_equal(near("CEREBRAS_API_KEY", base_env, out, 8), 0);

    /* Other providers' real variables one or two edits away are not misspellings. */
    char *const e2[] = {"GROK_API_KEY=x", "OPENAI_API_BASE=y", "OPENAI_API_TYPE=z", NULL};
    assert_int_equal(near("GROQ_API_KEY", e2, out, 8), 0);
    assert_int_equal(near("OPENAI_API_KEY", e2, out, 8), 0);

    /* The wanted name next to a near miss: only the near miss. */
    char *const e3[] = {"ANTHROPIC_API_KEY=a", "ANTHROPIC_KEY=b", NULL};
    expect_only("ANTHROPIC_API_KEY", e3, (const char *const[]){"ANTHROPIC_KEY", NULL});
}

static void test_near_miss_returns_names_only(void **state)
{
    (void)state;
    char *const e[] = {"ANTHROPIC_KEY=sk-ant-api03-TOPSECRETVALUE", NULL};
    char out[4][64];
    assert_int_equal(near("ANTHROPIC_API_KEY", e, out, 4), 1);
    assert_string_equal(out[0], "ANTHROPIC_KEY");
    assert_null(strchr(out[0], '='));
    assert_null(strstr(out[0], "TOPSECRET"));
}

static void test_near_miss_limits(void **state)
{
    (void)state;
    char *const e[] = {"ANTHROPIC_KEY=a",
                       "CLAUDE_API_KEY=b",
                       "ANTHROPIC_APIKEY=c",
                       "ANTHROPIC_KEY=again",
                       "NAME_WITHOUT_VALUE",
                       "=novar",
                       NULL};
    char out[4][64];
    /* max is respected, in environment order. */
    assert_int_equal(near("ANTHROPIC_API_KEY", e, out, 2), 2);
    assert_string_equal(out[0], "ANTHROPIC_KEY");
    assert_string_equal(out[1], "CLAUDE_API_KEY");
    /* Duplicates are reported once; odd entries are skipped. */
    assert_int_equal(near("ANTHROPIC_API_KEY", e, out, 4), 3);
    /* Nothing to do with NULLs or room for nothing. */
    assert_int_equal(llmc_near_miss_vars(NULL, e, out, 4), 0);
    assert_int_equal(llmc_near_miss_vars("ANTHROPIC_API_KEY", NULL, out, 4), 0);
    assert_int_equal(llmc_near_miss_vars("ANTHROPIC_API_KEY", e, out, 0), 0);
    assert_int_equal(llmc_near_miss_vars("", e, out, 4), 0);
    /* A name too long for out[] is skipped, never truncated into a wrong name. */
    char longname[200];
    memset(longname, 'A', 150);
    memcpy(longname + 150, "_API_KEY=x", 11);
    char *const e2[] = {longname, NULL};
    assert_int_equal(near("ANTHROPIC_API_KEY", e2, out, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_keys_pass_clean),
        cmocka_unit_test(test_emulator_keys_pass_clean),
        cmocka_unit_test(test_key_empty),
        cmocka_unit_test(test_key_whitespace),
        cmocka_unit_test(test_key_quoted),
        cmocka_unit_test(test_key_malformed),
        cmocka_unit_test(test_key_placeholder),
        cmocka_unit_test(test_key_wrong_provider),
        cmocka_unit_test(test_real_keys_are_not_placeholders),
        cmocka_unit_test(test_null_verdict),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_prefix_owner),
        cmocka_unit_test(test_near_miss_known_variants),
        cmocka_unit_test(test_near_miss_case),
        cmocka_unit_test(test_near_miss_typos),
        cmocka_unit_test(test_near_miss_exclusions),
        cmocka_unit_test(test_near_miss_returns_names_only),
        cmocka_unit_test(test_near_miss_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
