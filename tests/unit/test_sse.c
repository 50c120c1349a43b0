/* SPDX-License-Identifier: MIT */
/*
 * test_sse.c — the event-stream parser against each WHATWG rule. Every case is fed whole, one
 * byte at a time, split at every position into two feeds, and in random chunkings; all must
 * give the same transcript of events.
 */
#include "sse.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ---- a transcript: one line per event, control bytes made visible ---- */

typedef struct transcript {
    llmc_buf out;
    int stop_after; /* return LLMC_E_ABORTED on this event number (1-based), 0: never */
    int count;
} transcript;

static void put_visible(llmc_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char esc[8];
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n')
            llmc_buf_append_str(b, "\\n");
        else if (ch == '\r')
            llmc_buf_append_str(b, "\\r");
        else if (ch < 0x20 || ch >= 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02X", ch);
            llmc_buf_append_str(b, esc);
        } else
            llmc_buf_append(b, s + i, 1);
    }
}

static llmc_code record(void *userdata, const llmc_sse_event *ev)
{
    transcript *t = userdata;
    t->count++;
    assert_int_equal(strlen(ev->type), ev->type_len);
    assert_int_equal(ev->data[ev->data_len], '\0');
    llmc_buf_append_str(&t->out, "[");
    put_visible(&t->out, ev->type, ev->type_len);
    llmc_buf_append_str(&t->out, "|");
    put_visible(&t->out, ev->id, ev->id_len);
    llmc_buf_append_str(&t->out, "] ");
    put_visible(&t->out, ev->data, ev->data_len);
    llmc_buf_append_str(&t->out, "\n");
    return t->stop_after && t->count == t->stop_after ? LLMC_E_ABORTED : LLMC_OK;
}

/* Feed `in` split at the given cut points (sorted, within 0..n); returns the final feed code. */
typedef struct run_result {
    char *text; /* transcript, malloc'd ("" when no events) */
    llmc_code rc;
    bool pending; /* llmc_sse_end saw an unterminated event */
    long retry_ms;
} run_result;

static run_result run_cuts(const char *in, size_t n, const size_t *cuts, size_t ncuts, size_t max_line)
{
    llmc_sse_parser p;
    llmc_sse_init(&p, max_line);
    transcript t = {0};
    llmc_buf_append(&t.out, "", 0);
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = LLMC_OK;
    size_t pos = 0;
    for (size_t i = 0; i <= ncuts && rc == LLMC_OK; i++) {
        size_t to = i < ncuts ? cuts[i] : n;
        rc = llmc_sse_feed(&p, in + pos, to - pos, record, &t, &err);
        pos = to;
    }
    if (rc == LLMC_E_LIMIT)
        assert_non_null(strstr(err.message, "limit"));
    run_result r = {t.out.data, rc, rc == LLMC_OK ? llmc_sse_end(&p) : false, p.retry_ms};
    llmc_sse_free(&p);
    return r;
}

static unsigned long long rng_state;
static size_t rnd(size_t below)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return below ? (size_t)((rng_state >> 33) % below) : 0;
}

/* Check one input in every chunking against the expected transcript and end state. */
static void check_case(const char *in, size_t n, const char *expected, llmc_code want_rc, bool want_pending,
                       size_t max_line)
{
    /* whole */
    run_result r = run_cuts(in, n, NULL, 0, max_line);
    assert_string_equal(r.text, expected);
    assert_int_equal(r.rc, want_rc);
    if (want_rc == LLMC_OK)
        assert_int_equal(r.pending, want_pending);
    free(r.text);
    /* one byte at a time */
    size_t *cuts = malloc((n + 1) * sizeof *cuts);
    for (size_t i = 0; i < n; i++)
        cuts[i] = i;
    r = run_cuts(in, n, cuts, n, max_line);
    assert_string_equal(r.text, expected);
    assert_int_equal(r.rc, want_rc);
    if (want_rc == LLMC_OK)
        assert_int_equal(r.pending, want_pending);
    free(r.text);
    /* every split into two */
    for (size_t at = 0; at <= n; at++) {
        r = run_cuts(in, n, &at, 1, max_line);
        assert_string_equal(r.text, expected);
        assert_int_equal(r.rc, want_rc);
        free(r.text);
    }
    /* random chunkings */
    rng_state = 42;
    for (int round = 0; round < 50; round++) {
        size_t k = 0, pos = 0;
        while (pos < n) {
            pos += 1 + rnd(8);
            if (pos < n)
                cuts[k++] = pos;
        }
        r = run_cuts(in, n, cuts, k, max_line);
        assert_string_equal(r.text, expected);
        assert_int_equal(r.rc, want_rc);
        free(r.text);
    }
    free(cuts);
}

#define CASE(in, expected) check_case(in, sizeof(in) - 1, expected, LLMC_OK, false, 0)
#define CASE_PENDING(in, expected) check_case(in, sizeof(in) - 1, expected, LLMC_OK, true, 0)

static void test_basic_event(void **state)
{
    (void)state;
    CASE("data: hello\n\n", "[message|] hello\n");
    CASE("data: a\n\ndata: b\n\n", "[message|] a\n[message|] b\n");
}

static void test_event_type_and_reset(void **state)
{
    (void)state;
    CASE("event: ping\ndata: x\n\n", "[ping|] x\n");
    /* the type applies to one event only */
    CASE("event: ping\ndata: x\n\ndata: y\n\n", "[ping|] x\n[message|] y\n");
    /* an empty event field means the default type */
    CASE("event:\ndata: x\n\n", "[message|] x\n");
    /* a later event field wins */
    CASE("event: a\nevent: b\ndata: x\n\n", "[b|] x\n");
}

static void test_multiline_data(void **state)
{
    (void)state;
    CASE("data: a\ndata: b\ndata: c\n\n", "[message|] a\\nb\\nc\n");
    CASE("data: a\ndata:\ndata: c\n\n", "[message|] a\\n\\nc\n");
}

static void test_line_endings(void **state)
{
    (void)state;
    CASE("data: a\r\n\r\n", "[message|] a\n");
    CASE("data: a\r\rdata: b\r\r", "[message|] a\n[message|] b\n");
    CASE("data: a\r\ndata: b\rdata: c\n\n", "[message|] a\\nb\\nc\n");
    /* a CRLF is one line end even when split across feeds (the chunkings check that), and
     * CR CR LF is two */
    CASE("data: a\r\ndata: b\r\n\r\n", "[message|] a\\nb\n");
    CASE("data: a\r\r\n", "[message|] a\n");
    CASE("data: a\n\r\n", "[message|] a\n");
}

static void test_bom(void **state)
{
    (void)state;
    CASE(
        "\xEF\xBB\xBF"
        "data: x\n\n",
        "[message|] x\n");
    /* only one BOM is stripped: a second one makes the field name unknown */
    CASE(
        "\xEF\xBB\xBF\xEF\xBB\xBF"
        "data: x\n\ndata: y\n\n",
        "[message|] y\n");
    /* half a BOM is not a BOM */
    CASE(
        "\xEF\xBB"
        "data: x\n\ndata: y\n\n",
        "[message|] y\n");
    CASE(
        "\xEF"
        "data: x\n\ndata: y\n\n",
        "[message|] y\n");
    /* a BOM later in the stream is data */
    CASE("data: \xEF\xBB\xBFx\n\n", "[message|] \\xEF\\xBB\\xBFx\n");
}

static void test_comments(void **state)
{
    (void)state;
    CASE(": keep-alive\n\ndata: x\n\n", "[message|] x\n");
    CASE("data: a\n: between\ndata: b\n\n", "[message|] a\\nb\n");
    CASE(":\n\n", "");
}

static void test_field_parsing(void **state)
{
    (void)state;
    CASE("data:x\n\n", "[message|] x\n");        /* no space */
    CASE("data:  x\n\n", "[message|]  x\n");     /* only one space is removed */
    CASE("data: a: b\n\n", "[message|] a: b\n"); /* later colons belong to the value */
    CASE("data\n\n", "[message|] \n");           /* a field without colon: empty value */
    CASE("data: \n\n", "[message|] \n");
    CASE("foo: bar\ndata: x\nDATA: y\n\n", "[message|] x\n"); /* unknown (and case-sensitive) */
    CASE(
        "data: a\x00"
        "b\n\n",
        "[message|] a\\x00b\n");
}

static void test_empty_data_no_dispatch(void **state)
{
    (void)state;
    CASE("\n\n\n", "");
    CASE("event: x\n\n", "");
    /* the type is still forgotten after a blank line that dispatched nothing */
    CASE("event: x\n\ndata: y\n\n", "[message|] y\n");
    CASE("id: 7\n\n", "");
}

static void test_ids(void **state)
{
    (void)state;
    CASE("id: 1\ndata: a\n\ndata: b\n\n", "[message|1] a\n[message|1] b\n");
    CASE("id: 1\ndata: a\n\nid\ndata: b\n\n", "[message|1] a\n[message|] b\n");
    CASE("id: 7\n\ndata: x\n\n", "[message|7] x\n");
    /* an id holding NUL is ignored: the previous one stays */
    CASE("id: 1\ndata: a\n\nid: 2\x00x\ndata: b\n\n", "[message|1] a\n[message|1] b\n");
}

static void test_retry(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        long want;
    } cases[] = {
        {"retry: 1500\n", 1500}, {"retry: 15a\n", -1}, {"retry: \n", -1},
        {"retry\n", -1},         {"retry: -5\n", -1},  {"retry: 1500\nretry: x\n", 1500},
        {"retry:0\n", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r = run_cuts(cases[i].in, strlen(cases[i].in), NULL, 0, 0);
        assert_int_equal(r.retry_ms, cases[i].want);
        assert_string_equal(r.text, "");
        free(r.text);
    }
}

static void test_unterminated_last_event_dropped(void **state)
{
    (void)state;
    CASE_PENDING("data: x\n\ndata: y\n", "[message|] x\n");
    CASE_PENDING("data: x\n\ndata: y", "[message|] x\n");
    CASE_PENDING("data: x\n\ndata: y\r", "[message|] x\n");
    CASE("data: x\n\n", "[message|] x\n");
}

static void test_line_limit(void **state)
{
    (void)state;
    const char *long_line = "data: 0123456789012345678901234567890123456789\n\n";
    check_case(long_line, strlen(long_line), "", LLMC_E_LIMIT, false, 32);
    /* the limit holds for an event's data too, however short its lines */
    const char *many = "data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n";
    check_case(many, strlen(many), "", LLMC_E_LIMIT, false, 32);
    /* exactly at the limit is fine */
    const char *fits = "data: 0123456789\n\n";
    check_case(fits, strlen(fits), "[message|] 0123456789\n", LLMC_OK, false, 16);
    /* a partial line past the limit fails before its end arrives */
    llmc_sse_parser p;
    llmc_sse_init(&p, 8);
    transcript t = {0};
    llmc_error err;
    assert_int_equal(llmc_sse_feed(&p, "data: 0123456789", 16, record, &t, &err), LLMC_E_LIMIT);
    assert_int_equal(err.code, LLMC_E_LIMIT);
    /* and the parser stays failed */
    assert_int_equal(llmc_sse_feed(&p, "\n\n", 2, record, &t, &err), LLMC_E_LIMIT);
    llmc_sse_free(&p);
    llmc_buf_free(&t.out);
}

static void test_callback_stops_feed(void **state)
{
    (void)state;
    llmc_sse_parser p;
    llmc_sse_init(&p, 0);
    transcript t = {.stop_after = 1};
    const char *in = "data: a\n\ndata: b\n\n";
    assert_int_equal(llmc_sse_feed(&p, in, strlen(in), record, &t, NULL), LLMC_E_ABORTED);
    assert_int_equal(t.count, 1);
    assert_int_equal(llmc_sse_feed(&p, in, strlen(in), record, &t, NULL), LLMC_E_ABORTED);
    assert_int_equal(t.count, 1);
    llmc_sse_free(&p);
    llmc_buf_free(&t.out);
}

static void test_buffers_reused(void **state)
{
    (void)state;
    /* Steady state: after the first events, the buffers no longer grow. */
    llmc_sse_parser p;
    llmc_sse_init(&p, 0);
    transcript t = {0};
    const char *ev = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n";
    for (int i = 0; i < 10; i++)
        assert_int_equal(llmc_sse_feed(&p, ev, strlen(ev), record, &t, NULL), LLMC_OK);
    size_t cap_data = p.data.cap, cap_type = p.type.cap;
    char *data = p.data.data;
    for (int i = 0; i < 1000; i++) {
        /* split mid-line so the line buffer is used as well */
        assert_int_equal(llmc_sse_feed(&p, ev, 20, record, &t, NULL), LLMC_OK);
        assert_int_equal(llmc_sse_feed(&p, ev + 20, strlen(ev) - 20, record, &t, NULL), LLMC_OK);
    }
    assert_int_equal(p.data.cap, cap_data);
    assert_int_equal(p.type.cap, cap_type);
    assert_ptr_equal(p.data.data, data);
    assert_int_equal(t.count, 1010);
    llmc_sse_free(&p);
    llmc_buf_free(&t.out);
}

static void test_recorded_anthropic_shape(void **state)
{
    (void)state;
    CASE(
        "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
        "event: ping\ndata: {\"type\": \"ping\"}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
        "[message_start|] {\"type\":\"message_start\"}\n"
        "[ping|] {\"type\": \"ping\"}\n"
        "[content_block_delta|] {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_event),
        cmocka_unit_test(test_event_type_and_reset),
        cmocka_unit_test(test_multiline_data),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_field_parsing),
        cmocka_unit_test(test_empty_data_no_dispatch),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_retry),
        cmocka_unit_test(test_unterminated_last_event_dropped),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_callback_stops_feed),
        cmocka_unit_test(test_buffers_reused),
        cmocka_unit_test(test_recorded_anthropic_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
