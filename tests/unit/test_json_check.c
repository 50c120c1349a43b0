/* SPDX-License-Identifier: MIT */
/*
 * test_json_check.c — llmc_json_valid, the scan that tells a whole batch output line from a glued
 * or cut one: fixed cases of each grammar rule, the torn and glued lines a failed write leaves,
 * and thousands of random byte mutations of valid texts judged exactly as jansson judges them.
 */
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_valid_texts(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "{}",
        "[]",
        " { } ",
        "{\"a\":1}",
        "{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}",
        "\"s\"",
        "0",
        "-0",
        "12.5e-3",
        "1E+9",
        "[\"\\u00e9\\n\\\\\\\"\\/\\b\\f\\r\\t\"]",
        "[[[[]]]]",
        "{\"custom_id\":\"r1\",\"result\":{}}",
        "\t[1 , 2 ]\r\n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!llmc_json_valid(ok[i], strlen(ok[i])))
            fail_msg("rejected valid %s", ok[i]);
}

static void test_invalid_texts(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\"}",
        "{a:1}",
        "{\"a\":1}{\"b\":2}",
        "[1] x",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "tru",
        "nulls",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12g4\"",
        "\"raw\ttab\"",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":}",
        "[,1]",
        /* what a failed append leaves: a torn line, and a torn line with the next result glued on */
        "{\"custom_id\":\"r1\",\"result\":{\"type\":\"succ",
        "{\"custom_id\":\"r1\",\"result\":{\"type\":\"succ{\"custom_id\":\"r2\",\"result\":{\"type\":\"succeeded\"}}",
        "{\"custom_id\":\"r1\",\"result\":{}}{\"custom_id\":\"r2\",\"result\":{}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (llmc_json_valid(bad[i], strlen(bad[i])))
            fail_msg("accepted invalid %s", bad[i]);
    char deep[3000];
    memset(deep, '[', 1500);
    memset(deep + 1500, ']', 1500);
    assert_false(llmc_json_valid(deep, 3000)); /* deeper than the limit */
    assert_true(llmc_json_valid(deep + 1000, 1000));
}

static void test_agrees_with_jansson(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "{\"custom_id\":\"r12\",\"result\":{\"type\":\"succeeded\",\"message\":{\"id\":\"msg_1\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"You said: hi\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":-4.25}}}}",
        "[true,false,null,\"a\\\"b\",[],{},0.5,{\"k\":[1,[2,[3]]]}]",
    };
    static const char alphabet[] = "{}[]\",:\\ 0123456789.-+eEtrufalsn\"ab";
    srand(12345);
    size_t compared = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t len = strlen(seeds[s]);
        char *buf = malloc(len + 8);
        for (int round = 0; round < 20000; round++) {
            memcpy(buf, seeds[s], len);
            size_t n = len;
            int edits = 1 + rand() % 3;
            for (int e = 0; e < edits && n > 1; e++) {
                size_t at = (size_t)rand() % n;
                switch (rand() % 3) {
                case 0: /* replace */
                    buf[at] = alphabet[rand() % (int)(sizeof alphabet - 1)];
                    break;
                case 1: /* delete */
                    memmove(buf + at, buf + at + 1, n - at - 1);
                    n--;
                    break;
                default: /* cut */
                    n = at + 1;
                }
            }
            json_error_t jerr;
            json_t *tree = json_loadb(buf, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
            if (!tree && json_error_code(&jerr) == json_error_numeric_overflow)
                continue; /* a syntax question only: jansson also refuses numbers it cannot hold */
            bool ours = llmc_json_valid(buf, n);
            if (ours != (tree != NULL))
                fail_msg("disagrees with jansson (ours %d) on: %.*s", ours, (int)n, buf);
            json_decref(tree);
            compared++;
        }
        free(buf);
    }
    assert_true(compared > 30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_texts),
        cmocka_unit_test(test_invalid_texts),
        cmocka_unit_test(test_agrees_with_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
