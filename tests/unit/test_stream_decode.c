/* SPDX-License-Identifier: MIT */
/*
 * test_stream_decode.c — the stream decoders driven by recorded-shape streams in
 * tests/unit/data/stream: NAME.sse (the bytes; the name's prefix picks the dialect) must give
 * NAME.expected (events, then the final response) fed whole, a byte at a time and in random
 * chunks, with and without the fast path; where NAME.json holds the same reply non-streamed, the
 * final responses must match. UPDATE_EXPECTED=1 rewrites the .expected files (review the diff!).
 */
#include "stream.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define STREAM_DIR UNIT_DATA_DIR "/stream"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    llmc_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        llmc_buf_append(&b, chunk, n);
    fclose(f);
    if (!b.data)
        llmc_buf_append(&b, "", 0);
    if (len)
        *len = b.len;
    return b.data;
}

static void put_quoted(llmc_buf *b, const char *s, size_t n)
{
    llmc_buf_append_str(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\', esc[1] = (char)ch, esc[2] = 0;
            llmc_buf_append_str(b, esc);
        } else if (ch == '\n') {
            llmc_buf_append_str(b, "\\n");
        } else if (ch < 0x20 || ch == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02X", ch);
            llmc_buf_append_str(b, esc);
        } else {
            llmc_buf_append(b, s + i, 1); /* UTF-8 stays readable */
        }
    }
    llmc_buf_append_str(b, "\"");
}

static void put_fmt(llmc_buf *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    llmc_buf_append_str(b, line);
}

static void put_usage(llmc_buf *b, llmc_usage u)
{
    put_fmt(b, "in=%ld out=%ld cache_read=%ld cache_write=%ld", u.input_tokens, u.output_tokens,
            u.cache_read_input_tokens, u.cache_creation_input_tokens);
}

typedef struct recorder {
    llmc_buf out;
    int terminals;
} recorder;

static llmc_code record(void *userdata, const llmc_event *ev)
{
    recorder *r = userdata;
    llmc_buf *b = &r->out;
    assert_non_null(ev->text);
    assert_non_null(ev->tool_id);
    assert_non_null(ev->tool_name);
    assert_non_null(ev->stop_reason_raw);
    assert_int_equal(r->terminals, 0); /* nothing after the terminal event */
    switch (ev->type) {
    case LLMC_EVENT_TEXT:
    case LLMC_EVENT_THINKING:
    case LLMC_EVENT_TOOL_INPUT_DELTA:
        assert_true(ev->text_len > 0);
        put_fmt(b, "%s %zu ",
                ev->type == LLMC_EVENT_TEXT       ? "text"
                : ev->type == LLMC_EVENT_THINKING ? "thinking"
                                                  : "tool_input",
                ev->index);
        put_quoted(b, ev->text, ev->text_len);
        break;
    case LLMC_EVENT_TOOL_USE_START:
        put_fmt(b, "tool_start %zu id=", ev->index);
        put_quoted(b, ev->tool_id, strlen(ev->tool_id));
        put_fmt(b, " name=");
        put_quoted(b, ev->tool_name, strlen(ev->tool_name));
        break;
    case LLMC_EVENT_CITATION:
        put_fmt(b, "citation %zu ", ev->index);
        put_quoted(b, ev->text, ev->text_len);
        break;
    case LLMC_EVENT_USAGE:
        put_fmt(b, "usage ");
        put_usage(b, ev->usage);
        break;
    case LLMC_EVENT_STOP:
        put_fmt(b, "stop %s (%d)", ev->stop_reason_raw, (int)ev->stop_reason);
        break;
    case LLMC_EVENT_DONE:
        r->terminals++;
        put_fmt(b, "done %s ", ev->stop_reason_raw);
        put_usage(b, ev->usage);
        break;
    case LLMC_EVENT_ERROR:
        r->terminals++;
        assert_non_null(ev->error);
        put_fmt(b, "error %s status=%d type=\"%s\" code=\"%s\" message=", llmc_strerror(ev->error->code),
                ev->error->http_status, ev->error->provider_type, ev->error->provider_code);
        put_quoted(b, ev->error->message, strlen(ev->error->message));
        break;
    }
    llmc_buf_append_str(b, "\n");
    return LLMC_OK;
}

/* The final response in text form (provider and request id are the transport's business). */
static void put_response(llmc_buf *b, const llmc_response *r)
{
    put_fmt(b, "id ");
    put_quoted(b, llmc_response_id(r), strlen(llmc_response_id(r)));
    put_fmt(b, "\nmodel ");
    put_quoted(b, llmc_response_model(r), strlen(llmc_response_model(r)));
    put_fmt(b, "\nstop %s (%d)\nusage ", llmc_response_stop_reason_raw(r), (int)llmc_response_stop_reason(r));
    put_usage(b, llmc_response_usage(r));
    llmc_buf_append_str(b, "\n");
    for (size_t i = 0; i < llmc_response_block_count(r); i++) {
        static const char *names[] = {"other", "text", "thinking", "tool_use", "redacted_thinking"};
        put_fmt(b, "block %zu %s ", i, names[llmc_response_block_type(r, i)]);
        if (r->blocks[i].kind)
            put_fmt(b, "kind=%s ", r->blocks[i].kind);
        if (r->blocks[i].raw) {
            put_fmt(b, "json=");
            put_quoted(b, r->blocks[i].raw, strlen(r->blocks[i].raw));
            put_fmt(b, " ");
        }
        if (llmc_response_block_citation_count(r, i))
            put_fmt(b, "citations=%zu ", llmc_response_block_citation_count(r, i));
        if (llmc_response_block_type(r, i) == LLMC_BLOCK_TOOL_USE) {
            put_fmt(b, "id=");
            put_quoted(b, r->blocks[i].tool_id ? r->blocks[i].tool_id : "",
                       r->blocks[i].tool_id ? strlen(r->blocks[i].tool_id) : 0);
            put_fmt(b, " name=");
            put_quoted(b, r->blocks[i].tool_name ? r->blocks[i].tool_name : "",
                       r->blocks[i].tool_name ? strlen(r->blocks[i].tool_name) : 0);
            put_fmt(b, " ");
        }
        if (r->blocks[i].signature) {
            put_fmt(b, "signature=");
            put_quoted(b, r->blocks[i].signature, strlen(r->blocks[i].signature));
            put_fmt(b, " ");
        }
        const char *t = llmc_response_block_text(r, i);
        put_quoted(b, t, strlen(t));
        llmc_buf_append_str(b, "\n");
    }
    put_fmt(b, "text ");
    put_quoted(b, llmc_response_text(r), strlen(llmc_response_text(r)));
    llmc_buf_append_str(b, "\n");
}

static unsigned long long rng_state;
static size_t rnd(size_t below)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (size_t)((rng_state >> 33) % below);
}

enum { WHOLE = 0, BYTES = 1, RANDOM = 2 };

/* Decode `in` fed in the given way, then close; returns the transcript (malloc'd). */
static char *decode(llmc_dialect_kind dialect, const char *in, size_t n, int how, bool fast, unsigned seed,
                    char **final_text)
{
    recorder rec = {0};
    llmc_sdec d;
    llmc_sdec_init(&d, dialect, record, &rec);
    d.no_fast_path = !fast;
    llmc_strlcpy(d.provider, dialect == LLMC_DIALECT_ANTHROPIC ? "anthropic" : "openai", sizeof d.provider);
    d.http_status = 200;
    rng_state = seed;
    size_t pos = 0;
    while (pos < n) {
        size_t k = how == WHOLE ? n - pos : how == BYTES ? 1 : 1 + rnd(64);
        if (k > n - pos)
            k = n - pos;
        llmc_sdec_feed(&d, in + pos, k, NULL);
        pos += k;
    }
    llmc_sdec_close(&d, NULL);
    assert_int_equal(rec.terminals, 1); /* exactly one terminal event, always */
    llmc_response *r = llmc_sdec_take_response(&d);
    llmc_buf fin = {0};
    llmc_buf_append(&fin, "", 0);
    if (r) {
        llmc_buf_append_str(&rec.out, "--- final\n");
        put_response(&rec.out, r);
        put_response(&fin, r);
        llmc_response_free(r);
    }
    llmc_sdec_free(&d);
    if (final_text)
        *final_text = fin.data;
    else
        llmc_buf_free(&fin);
    return rec.out.data;
}

static int n_checked;

static void check_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", STREAM_DIR, name);
    size_t n;
    char *in = read_file(path, &n);
    assert_non_null(in);
    llmc_dialect_kind dialect = strncmp(name, "anthropic_", 10) == 0 ? LLMC_DIALECT_ANTHROPIC : LLMC_DIALECT_OPENAI;
    char *final_text = NULL;
    char *got = decode(dialect, in, n, WHOLE, true, 1, &final_text);

    char base[512];
    snprintf(base, sizeof base, "%s/%.*s", STREAM_DIR, (int)(strlen(name) - 4), name);
    snprintf(path, sizeof path, "%s.expected", base);
    if (getenv("UPDATE_EXPECTED")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
    }
    char *want = read_file(path, NULL);
    if (!want)
        fail_msg("%s: no %s (run with UPDATE_EXPECTED=1 and review it)", name, path);
    if (strcmp(got, want) != 0)
        fail_msg("%s: decoded\n%s\nexpected\n%s", name, got, want);

    /* the same in every chunking, and without the fast path */
    for (int how = BYTES; how <= RANDOM; how++)
        for (unsigned seed = 1; seed <= (how == RANDOM ? 20u : 1u); seed++) {
            char *again = decode(dialect, in, n, how, true, seed, NULL);
            if (strcmp(again, want) != 0)
                fail_msg("%s: feeding %s (seed %u) gave\n%s", name, how == BYTES ? "bytes" : "chunks", seed, again);
            free(again);
        }
    char *slow = decode(dialect, in, n, WHOLE, false, 1, NULL);
    if (strcmp(slow, want) != 0 && !strstr(name, "split_utf8"))
        fail_msg("%s: without the fast path\n%s", name, slow);
    free(slow);

    /* the non-streamed twin, where there is one */
    snprintf(path, sizeof path, "%s.json", base);
    size_t jn;
    char *json = read_file(path, &jn);
    if (json) {
        llmc_response *r = llmc_response_alloc();
        llmc_error err;
        llmc_code rc = dialect == LLMC_DIALECT_ANTHROPIC ? llmc_anthropic_decode(json, jn, r, &err)
                                                         : llmc_openai_decode(json, jn, r, &err);
        assert_int_equal(rc, LLMC_OK);
        llmc_buf b = {0};
        put_response(&b, r);
        if (strcmp(b.data, final_text) != 0)
            fail_msg("%s: streamed final response\n%s\ndiffers from the non-streamed one\n%s", name, final_text,
                     b.data);
        llmc_buf_free(&b);
        llmc_response_free(r);
        free(json);
    }
    free(final_text);
    free(got);
    free(want);
    free(in);
    n_checked++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_recorded_streams(void **state)
{
    (void)state;
    DIR *dir = opendir(STREAM_DIR);
    assert_non_null(dir);
    char *names[256];
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && count < 256) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".sse") == 0)
            names[count++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], by_name);
    for (size_t i = 0; i < count; i++) {
        check_file(names[i]);
        free(names[i]);
    }
    assert_true(n_checked >= 15);
    printf("checked %d recorded streams\n", n_checked);
}

/* ---- cases that are easier to state in code ---- */

typedef struct abort_rec {
    int events, stop_at;
    llmc_code terminal_code;
    int terminals;
} abort_rec;

static llmc_code abort_after(void *userdata, const llmc_event *ev)
{
    abort_rec *a = userdata;
    a->events++;
    if (ev->type == LLMC_EVENT_ERROR) {
        a->terminals++;
        a->terminal_code = ev->error->code;
    }
    if (ev->type == LLMC_EVENT_DONE)
        a->terminals++;
    return a->events == a->stop_at ? LLMC_E_ABORTED : LLMC_OK;
}

static void test_abort_from_callback(void **state)
{
    (void)state;
    size_t n;
    char *in = read_file(STREAM_DIR "/anthropic_text.sse", &n);
    abort_rec a = {.stop_at = 2};
    llmc_sdec d;
    llmc_sdec_init(&d, LLMC_DIALECT_ANTHROPIC, abort_after, &a);
    llmc_error err;
    assert_int_equal(llmc_sdec_feed(&d, in, n, &err), LLMC_E_ABORTED);
    assert_int_equal(err.code, LLMC_E_ABORTED);
    assert_int_equal(llmc_sdec_close(&d, NULL), LLMC_E_ABORTED);
    assert_int_equal(a.terminals, 1);
    assert_int_equal(a.terminal_code, LLMC_E_ABORTED);
    assert_int_equal(a.events, 3); /* two events, then the ERROR */
    assert_null(llmc_sdec_take_response(&d));
    llmc_sdec_free(&d);
    free(in);
}

static void test_fail_after_done_is_ignored(void **state)
{
    (void)state;
    size_t n;
    char *in = read_file(STREAM_DIR "/anthropic_text.sse", &n);
    abort_rec a = {0};
    llmc_sdec d;
    llmc_sdec_init(&d, LLMC_DIALECT_ANTHROPIC, abort_after, &a);
    assert_int_equal(llmc_sdec_feed(&d, in, n, NULL), LLMC_OK);
    llmc_error why;
    llmc_error_clear(&why);
    llmc_error_set(&why, LLMC_E_TRANSPORT, "connection reset");
    assert_int_equal(llmc_sdec_fail(&d, &why), LLMC_OK);
    /* more bytes after message_stop change nothing */
    assert_int_equal(llmc_sdec_feed(&d, in, n, NULL), LLMC_OK);
    assert_int_equal(a.terminals, 1);
    llmc_sdec_free(&d);
    free(in);
}

static void test_json_reader(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        bool ok;
        const char *unescaped;
    } strings[] = {
        {"\"plain\"", true, "plain"},
        {"\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", true, "a\"b\\c/d\b\f\n\r\t"},
        {"\"\\u00e9\\u4e2d\"", true, "\xC3\xA9\xE4\xB8\xAD"},
        {"\"\\ud83d\\ude00\"", true, "\xF0\x9F\x98\x80"},
        {"\"\\uD83D\\uDE00\"", true, "\xF0\x9F\x98\x80"},
        {"\"\\ud83d\"", false, NULL},        /* high surrogate alone */
        {"\"\\ude00\"", false, NULL},        /* low surrogate alone */
        {"\"\\ud83d\\u0041\"", false, NULL}, /* high surrogate + not a low one */
        {"\"\\u12\"", false, NULL},
        {"\"\\x41\"", false, NULL},
        {"\"a\nb\"", false, NULL}, /* raw control character */
        {"\"unterminated", false, NULL},
        {"\"caf\xC3\xA9\"", true, "caf\xC3\xA9"},
        {"\"bad \xC3\"", false, NULL},     /* invalid UTF-8 when checked */
        {"\"\xED\xA0\x80\"", false, NULL}, /* an encoded surrogate */
        {"\"\xC0\xAF\"", false, NULL},     /* overlong */
    };
    llmc_buf out = {0};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        llmc_jcur c = {strings[i].json, strings[i].json + strlen(strings[i].json)};
        bool ok = llmc_j_string(&c, &out, false);
        if (ok != strings[i].ok)
            fail_msg("string %zu (%s): %s", i, strings[i].json, ok ? "accepted" : "refused");
        if (ok)
            assert_string_equal(out.data ? out.data : "", strings[i].unescaped);
    }
    llmc_buf_free(&out);

    static const struct {
        const char *json;
        bool ok;
    } values[] = {
        {"{}", true},
        {"[]", true},
        {"{\"a\":[1,-2,true,false,null,\"x\",{\"b\":{}}]}", true},
        {"{\"a\":1,}", false},
        {"[1,]", false},
        {"{\"a\" 1}", false},
        {"01", false},
        {"-", false},
        {"1.5", false} /* reals are left to jansson */,
        {"1e3", false},
        {"tru", false},
        {"12345678901234567890", false} /* might overflow: left to jansson */,
        {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
         false} /* deeper than 32 */,
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        llmc_jcur c = {values[i].json, values[i].json + strlen(values[i].json)};
        bool ok = llmc_j_skip(&c, 32) && llmc_j_at_end(&c);
        if (ok != values[i].ok)
            fail_msg("value %zu (%s): %s", i, values[i].json, ok ? "accepted" : "refused");
    }
}

static void test_utf8_holdback(void **state)
{
    (void)state;
    size_t tail;
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"abc", 3, &tail), 3);
    assert_int_equal(tail, 0);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"ab\xC3", 3, &tail), 2);
    assert_int_equal(tail, 1);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"\xF0\x9F\x98", 3, &tail), 0);
    assert_int_equal(tail, 3);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"\xF0\x9F\x98\x80", 4, &tail), 4);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"\xF0\x41", 2, &tail), -1);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"\x80", 1, &tail), -1);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"\xF5\x80\x80\x80", 4, &tail), -1);
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"\xED\xA0", 2, &tail), -1); /* surrogate lead */
    assert_int_equal(llmc_utf8_complete((const unsigned char *)"0123456789abcdef\xE2\x82", 18, &tail), 16);
    assert_int_equal(tail, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_streams),
        cmocka_unit_test(test_abort_from_callback),
        cmocka_unit_test(test_fail_after_done_is_ignored),
        cmocka_unit_test(test_json_reader),
        cmocka_unit_test(test_utf8_holdback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
