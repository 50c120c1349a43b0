/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sse.c — libFuzzer target for the event-stream parser. The first byte sets the line
 * limit (small, so it is hit); the rest is the stream. Whole, byte-by-byte and random chunkings
 * must give the same events and the same result; every event must be well-formed.
 */
#include "sse.h"

#include <stdint.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            __builtin_trap();                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(llmc_buf *b, const char *p, size_t n)
{
    CHECK(llmc_buf_append(b, &n, sizeof n) == 0 && llmc_buf_append(b, p, n) == 0);
}

static llmc_code record(void *userdata, const llmc_sse_event *ev)
{
    llmc_buf *log = userdata;
    CHECK(ev->type_len > 0 && ev->type[ev->type_len] == '\0'); /* a type may hold NUL bytes: lengths rule */
    CHECK(ev->data[ev->data_len] == '\0' && ev->id[ev->id_len] == '\0');
    CHECK(!memchr(ev->id, '\0', ev->id_len)); /* ids with NUL are never taken */
    CHECK(!memchr(ev->type, '\n', ev->type_len) && !memchr(ev->type, '\r', ev->type_len));
    CHECK(!memchr(ev->data, '\r', ev->data_len)); /* CR only ever ends lines */
    put(log, ev->type, ev->type_len);
    put(log, ev->data, ev->data_len);
    put(log, ev->id, ev->id_len);
    return LLMC_OK;
}

static llmc_code run(const uint8_t *data, size_t size, size_t max_line, unsigned seed, llmc_buf *log, long *retry,
                     bool *pending)
{
    llmc_sse_parser p;
    llmc_sse_init(&p, max_line);
    unsigned long long x = seed;
    llmc_code rc = LLMC_OK;
    size_t pos = 0;
    while (pos < size && rc == LLMC_OK) {
        size_t k = size - pos;
        if (seed == 1)
            k = 1;
        else if (seed > 1) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            k = 1 + (size_t)((x >> 33) % 61);
            if (k > size - pos)
                k = size - pos;
        }
        rc = llmc_sse_feed(&p, (const char *)data + pos, k, record, log, NULL);
        pos += k;
    }
    *retry = p.retry_ms;
    *pending = rc == LLMC_OK && llmc_sse_end(&p);
    llmc_sse_free(&p);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    size_t max_line = 4 + (size_t)data[0] * 4;
    data++, size--;
    llmc_buf a = {0}, b = {0};
    long ra, rb;
    bool pa, pb;
    llmc_code ca = run(data, size, max_line, 0, &a, &ra, &pa);
    CHECK(ca == LLMC_OK || ca == LLMC_E_LIMIT);
    unsigned seeds[] = {1, 5};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        if (seeds[i] == 1 && size > 4096)
            continue;
        llmc_buf_reset(&b);
        llmc_code cb = run(data, size, max_line, seeds[i], &b, &rb, &pb);
        CHECK(ca == cb && a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0));
        if (ca == LLMC_OK)
            CHECK(ra == rb && pa == pb);
    }
    llmc_buf_free(&a);
    llmc_buf_free(&b);
    return 0;
}
