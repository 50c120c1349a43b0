/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h — what the fuzz targets share: a binary-safe transcript of decoder events and
 * the invariants every decoding must keep (one terminal event, whole UTF-8 characters, the
 * final response equal to the events), checked with a trap so libFuzzer reports them.
 */
#ifndef LLMC_FUZZ_COMMON_H
#define LLMC_FUZZ_COMMON_H

#include "stream.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            __builtin_trap();                                                                                          \
    } while (0)

#define FUZZ_MAX_BLOCKS 16

typedef struct fuzz_rec {
    llmc_buf log;                        /* every event, binary-safe */
    llmc_buf text;                       /* TEXT pieces joined */
    llmc_buf thinking;                   /* THINKING pieces joined */
    llmc_buf per_block[FUZZ_MAX_BLOCKS]; /* TEXT and THINKING pieces by block index */
    int terminals;
    llmc_event_type last;
} fuzz_rec;

static void fuzz_put(llmc_buf *b, const void *p, size_t n)
{
    FUZZ_CHECK(llmc_buf_append(b, &n, sizeof n) == 0 && llmc_buf_append(b, p, n) == 0);
}

static llmc_code fuzz_record(void *userdata, const llmc_event *ev)
{
    fuzz_rec *r = userdata;
    size_t tail;
    FUZZ_CHECK(r->terminals == 0); /* nothing after the terminal event */
    FUZZ_CHECK(ev->text && ev->tool_id && ev->tool_name && ev->stop_reason_raw);
    FUZZ_CHECK(ev->text[ev->text_len] == '\0');
    int type = (int)ev->type;
    fuzz_put(&r->log, &type, sizeof type);
    switch (ev->type) {
    case LLMC_EVENT_TEXT:
    case LLMC_EVENT_THINKING:
    case LLMC_EVENT_TOOL_INPUT_DELTA:
        /* never empty, and always whole characters */
        FUZZ_CHECK(ev->text_len > 0);
        FUZZ_CHECK(llmc_utf8_complete((const unsigned char *)ev->text, ev->text_len, &tail) == (long)ev->text_len);
        FUZZ_CHECK(tail == 0);
        fuzz_put(&r->log, &ev->index, sizeof ev->index);
        fuzz_put(&r->log, ev->text, ev->text_len);
        if (ev->type == LLMC_EVENT_TEXT)
            FUZZ_CHECK(llmc_buf_append(&r->text, ev->text, ev->text_len) == 0);
        if (ev->type == LLMC_EVENT_THINKING)
            FUZZ_CHECK(llmc_buf_append(&r->thinking, ev->text, ev->text_len) == 0);
        if (ev->type != LLMC_EVENT_TOOL_INPUT_DELTA && ev->index < FUZZ_MAX_BLOCKS)
            FUZZ_CHECK(llmc_buf_append(&r->per_block[ev->index], ev->text, ev->text_len) == 0);
        break;
    case LLMC_EVENT_CITATION:
        /* a citation's JSON: whole, and on a block that exists */
        FUZZ_CHECK(ev->text_len > 0 && ev->text[0] == '{');
        fuzz_put(&r->log, &ev->index, sizeof ev->index);
        fuzz_put(&r->log, ev->text, ev->text_len);
        break;
    case LLMC_EVENT_TOOL_USE_START:
        fuzz_put(&r->log, &ev->index, sizeof ev->index);
        fuzz_put(&r->log, ev->tool_id, strlen(ev->tool_id));
        fuzz_put(&r->log, ev->tool_name, strlen(ev->tool_name));
        break;
    case LLMC_EVENT_USAGE:
    case LLMC_EVENT_STOP:
    case LLMC_EVENT_DONE:
        fuzz_put(&r->log, &ev->usage, sizeof ev->usage);
        fuzz_put(&r->log, ev->stop_reason_raw, strlen(ev->stop_reason_raw));
        r->terminals += ev->type == LLMC_EVENT_DONE;
        break;
    case LLMC_EVENT_ERROR:
        FUZZ_CHECK(ev->error && ev->error->code != LLMC_OK);
        fuzz_put(&r->log, &ev->error->code, sizeof ev->error->code);
        r->terminals++;
        break;
    default:
        FUZZ_CHECK(0);
    }
    r->last = ev->type;
    return LLMC_OK;
}

static void fuzz_rec_free(fuzz_rec *r)
{
    llmc_buf_free(&r->log);
    llmc_buf_free(&r->text);
    llmc_buf_free(&r->thinking);
    for (size_t i = 0; i < FUZZ_MAX_BLOCKS; i++)
        llmc_buf_free(&r->per_block[i]);
}

static bool fuzz_has_nul(const llmc_buf *b)
{
    return b->len && memchr(b->data, '\0', b->len);
}

static bool fuzz_equal(const llmc_buf *a, const char *s)
{
    return strlen(s) == a->len && (a->len == 0 || memcmp(a->data, s, a->len) == 0);
}

/* The text of all blocks of one type, joined (as the events would have delivered it). */
static void fuzz_blocks(const llmc_response *resp, llmc_block_type type, llmc_buf *out)
{
    for (size_t i = 0; i < resp->n_blocks; i++)
        if (resp->blocks[i].type == type && resp->blocks[i].text)
            FUZZ_CHECK(llmc_buf_append_str(out, resp->blocks[i].text) == 0);
}

/* Decode `data` as one stream of `dialect`, fed in pieces chosen by `seed` (0: whole, 1: one
 * byte at a time, else pseudo-random sizes), and check the invariants. */
static void fuzz_decode(llmc_dialect_kind dialect, const uint8_t *data, size_t size, unsigned seed, bool fast,
                        fuzz_rec *rec, llmc_code *rc_out)
{
    llmc_sdec d;
    llmc_sdec_init(&d, dialect, fuzz_record, rec);
    d.no_fast_path = !fast;
    d.sse.max_line = 4096; /* small, so the limit is reached too */
    unsigned long long x = seed;
    size_t pos = 0;
    while (pos < size) {
        size_t k = size - pos;
        if (seed == 1)
            k = 1;
        else if (seed > 1) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            k = 1 + (size_t)((x >> 33) % 97);
            if (k > size - pos)
                k = size - pos;
        }
        llmc_sdec_feed(&d, (const char *)data + pos, k, NULL);
        pos += k;
    }
    llmc_code rc = llmc_sdec_close(&d, NULL);
    FUZZ_CHECK(rec->terminals == 1); /* exactly one terminal event, whatever came in */
    llmc_response *resp = llmc_sdec_take_response(&d);
    FUZZ_CHECK((rc == LLMC_OK) == (resp != NULL));
    FUZZ_CHECK((rc == LLMC_OK) == (rec->last == LLMC_EVENT_DONE));
    if (resp) {
        /* The final response holds exactly what the events delivered (compared where no NUL
         * byte cuts the C strings short). Anthropic numbers events by block; OpenAI has at
         * most one text and one thinking block, listed in the non-streamed order. */
        if (dialect == LLMC_DIALECT_ANTHROPIC) {
            for (size_t i = 0; i < resp->n_blocks && i < FUZZ_MAX_BLOCKS; i++) {
                const llmc_block *bl = &resp->blocks[i];
                if ((bl->type == LLMC_BLOCK_TEXT || bl->type == LLMC_BLOCK_THINKING) &&
                    !fuzz_has_nul(&rec->per_block[i]))
                    FUZZ_CHECK(fuzz_equal(&rec->per_block[i], bl->text ? bl->text : ""));
            }
        } else {
            llmc_buf joined = {0};
            fuzz_blocks(resp, LLMC_BLOCK_TEXT, &joined);
            if (!fuzz_has_nul(&rec->text))
                FUZZ_CHECK(fuzz_equal(&rec->text, joined.data ? joined.data : ""));
            llmc_buf_reset(&joined);
            fuzz_blocks(resp, LLMC_BLOCK_THINKING, &joined);
            if (!fuzz_has_nul(&rec->thinking))
                FUZZ_CHECK(fuzz_equal(&rec->thinking, joined.data ? joined.data : ""));
            llmc_buf_free(&joined);
        }
        llmc_response_free(resp);
    }
    llmc_sdec_free(&d);
    *rc_out = rc;
}

static bool fuzz_same(const fuzz_rec *a, const fuzz_rec *b)
{
    return a->log.len == b->log.len && (a->log.len == 0 || memcmp(a->log.data, b->log.data, a->log.len) == 0);
}

/* The checks every decoder target runs: any chunking gives the same events; and whenever the
 * general (jansson) path alone completes the stream, the fast path gives the very same events. */
static int fuzz_decoder(llmc_dialect_kind dialect, const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    fuzz_rec whole = {0}, other = {0};
    llmc_code rc, rc2;
    fuzz_decode(dialect, data, size, 0, true, &whole, &rc);
    unsigned seeds[] = {1, 7};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        if (seeds[i] == 1 && size > 4096)
            continue;
        fuzz_decode(dialect, data, size, seeds[i], true, &other, &rc2);
        FUZZ_CHECK(rc == rc2 && fuzz_same(&whole, &other));
        fuzz_rec_free(&other);
        memset(&other, 0, sizeof other);
    }
    fuzz_decode(dialect, data, size, 0, false, &other, &rc2);
    if (rc2 == LLMC_OK)
        FUZZ_CHECK(rc == LLMC_OK && fuzz_same(&whole, &other));
    fuzz_rec_free(&other);
    fuzz_rec_free(&whole);
    return 0;
}

#endif
