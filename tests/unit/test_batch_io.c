/* SPDX-License-Identifier: MIT */
/*
 * test_batch_io.c — a batch's files without the network: the input checker (shapes, routing,
 * the body it will send, every problem with its line) and the durable output (torn last line
 * cut, finished ids reported, foreign lines refused, result lines that are single whole lines).
 */
#include "batch_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/llmc-batch-unit-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_input_routes_and_rewrites(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    bi_input in = {0};
    llmc_error err;
    const char *path = write_file(
        "in.jsonl",
        "{\"custom_id\":\"a\",\"params\":{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"stream\":true,\"messages\":[]}}\n"
        "\n"
        "{\"custom_id\":\"b\",\"body\":{\"model\":\"cerebras/gpt-oss-120b\",\"messages\":[]}}\n"
        "{\"custom_id\":\"c\",\"params\":{\"model\":\"fireworks/accounts/x/models/y\",\"system\":\"S\",\"stop_sequences\":[\"q\"],\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}}\n"
        "{\"custom_id\":\"d\",\"params\":{\"model\":\"anthropic/claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[]}}");
    assert_int_equal(bi_input_load(&in, c, path, &err), LLMC_OK);
    assert_int_equal(in.n, 4);
    assert_int_equal(in.n_eps, 3);
    assert_string_equal(in.eps[in.items[0].prov]->name, "anthropic");
    assert_string_equal(in.eps[in.items[1].prov]->name, "cerebras");
    assert_string_equal(in.eps[in.items[2].prov]->name, "fireworks");
    assert_int_equal(in.items[1].line, 3);
    assert_int_equal(in.items[3].line, 5); /* a last line without its newline still counts */
    /* stream removed, model is the wire model */
    assert_string_equal(in.items[0].body, "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"messages\":[]}");
    assert_string_equal(in.items[3].wire_model, "claude-haiku-4-5");
    assert_true(in.items[0].est_tokens >= 100);
    /* Anthropic params to an OpenAI-compatible provider: system first, stop_sequences → stop */
    assert_string_equal(in.items[2].body,
                        "{\"model\":\"accounts/x/models/y\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
                        "{\"role\":\"user\",\"content\":\"u\"}],\"stop\":[\"q\"]}");
    assert_non_null(bi_input_find(&in, "c", 1));
    assert_null(bi_input_find(&in, "cc", 2));
    bi_input_free(&in);
    llmc_client_free(c);
}

static void test_input_problems_listed(void **state)
{
    (void)state;
    llmc_client *c = llmc_client_new();
    bi_input in = {0};
    llmc_error err;
    const char *path = write_file("bad.jsonl",
                                  "{\"custom_id\":\"a\",\"params\":{\"model\":\"m\",\"messages\":[]}}\n"
                                  "not json\n"
                                  "{\"custom_id\":\"a\",\"params\":{\"model\":\"m\",\"messages\":[]}}\n"
                                  "{\"params\":{\"model\":\"m\",\"messages\":[]}}\n"
                                  "{\"custom_id\":\"e\",\"body\":{\"model\":\"claude-x\",\"messages\":[]}}\n");
    assert_int_equal(bi_input_load(&in, c, path, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(in.n_issues, 4);
    assert_int_equal(in.issues[0].line, 2);
    assert_int_equal(in.issues[1].line, 3);
    assert_non_null(strstr(in.issues[1].message, "first on line 1"));
    assert_int_equal(in.issues[2].line, 4);
    assert_int_equal(in.issues[3].line, 5);
    assert_non_null(strstr(err.message, "4 problems"));
    bi_input_free(&in);
    /* a thousand bad lines: the first 200 are listed, the rest counted */
    char *big = malloc(1000 * 4 + 1);
    for (int i = 0; i < 1000; i++)
        memcpy(big + i * 4, "xx!\n", 4);
    big[4000] = '\0';
    path = write_file("many.jsonl", big);
    free(big);
    assert_int_equal(bi_input_load(&in, c, path, &err), LLMC_E_INVALID_ARG);
    assert_int_equal(in.n_issues, 201);
    assert_non_null(strstr(in.issues[200].message, "800 more lines"));
    bi_input_free(&in);
    assert_int_equal(bi_input_load(&in, c, "/nonexistent/batch.jsonl", &err), LLMC_E_IO);
    bi_input_free(&in);
    llmc_client_free(c);
}

typedef struct seen {
    char ids[16][32];
    int n;
} seen;

static void on_seen(void *userdata, const char *id, size_t len)
{
    seen *s = userdata;
    snprintf(s->ids[s->n++ % 16], 32, "%.*s", (int)len, id);
}

static int committed_count;
static void on_committed(void *userdata, size_t item)
{
    (void)userdata;
    (void)item;
    committed_count++;
}

static void test_output_torn_line_and_commit(void **state)
{
    (void)state;
    const char *path = write_file("out.jsonl",
                                  "{\"custom_id\":\"x1\",\"result\":{\"type\":\"succeeded\",\"message\":{}}}\n"
                                  "{\"result\":{\"type\":\"errored\",\"error\":{}},\"custom_id\":\"x\\u0032\"}\n"
                                  "{\"custom_id\":\"x3\",\"result\":{\"ty");
    bo_out o;
    seen s = {0};
    llmc_error err;
    assert_int_equal(bo_open(&o, path, NULL, on_seen, &s, &err), LLMC_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "x1");
    assert_string_equal(s.ids[1], "x2"); /* a line in another key order is parsed properly */
    assert_int_equal(o.torn_bytes, strlen("{\"custom_id\":\"x3\",\"result\":{\"ty"));
    /* new lines go after the last whole one */
    llmc_error e;
    llmc_error_clear(&e);
    e.code = LLMC_E_RATE_LIMIT;
    e.http_status = 429;
    snprintf(e.message, sizeof e.message, "slow down\nplease");
    char *line = bo_line_errored("x3", &e, NULL);
    assert_null(strchr(line, '\n'));
    assert_non_null(strstr(line, "\"code\":\"rate_limit\""));
    assert_int_equal(bo_add(&o, line, strlen(line), 7, &err), LLMC_OK);
    free(line);
    char *ok = bo_line_succeeded_raw("x4", "{\n  \"id\": \"m\"\r\n}\n", 17);
    assert_string_equal(ok,
                        "{\"custom_id\":\"x4\",\"result\":{\"type\":\"succeeded\",\"message\":{   \"id\": \"m\"  }}}");
    assert_int_equal(bo_add(&o, ok, strlen(ok), 8, &err), LLMC_OK);
    free(ok);
    committed_count = 0;
    assert_int_equal(bo_commit(&o, on_committed, NULL, &err), LLMC_OK);
    assert_int_equal(committed_count, 2);
    bo_close(&o);
    seen again = {0};
    assert_int_equal(bo_open(&o, path, NULL, on_seen, &again, &err), LLMC_OK);
    assert_int_equal(again.n, 4);
    assert_int_equal(o.torn_bytes, 0);
    assert_string_equal(again.ids[3], "x4");
    bo_close(&o);

    /* something that is not a result line: refused, file untouched */
    path = write_file("foreign.jsonl", "{\"custom_id\":\"a\",\"result\":{}}\n[1,2,3]\n");
    assert_int_equal(bo_open(&o, path, NULL, NULL, NULL, &err), LLMC_E_IO);
    assert_non_null(strstr(err.message, "line 2"));
}

static void test_code_names_cover_every_code(void **state)
{
    (void)state;
    for (int c = 0; c <= LLMC_E_IO; c++)
        assert_string_not_equal(bo_code_name((llmc_code)c), "error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_routes_and_rewrites),
        cmocka_unit_test(test_input_problems_listed),
        cmocka_unit_test(test_output_torn_line_and_commit),
        cmocka_unit_test(test_code_names_cover_every_code),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
