/* SPDX-License-Identifier: MIT */
/*
 * sse.c — the event-stream parser (WHATWG HTML §9.2.6): BOM, CR/LF/CRLF line ends in any
 * chunking, comments, fields, dispatch on a blank line. Lines that arrive whole inside one feed
 * are parsed in place; only a line split across feeds is copied, so the common case is one
 * memcpy of the data field per event and no allocation once the buffers have grown.
 */
#include "sse.h"

#include <limits.h>
#include <string.h>

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

void llmc_sse_init(llmc_sse_parser *p, size_t max_line)
{
    memset(p, 0, sizeof *p);
    p->max_line = max_line ? max_line : LLMC_SSE_DEFAULT_MAX_LINE;
    p->retry_ms = -1;
}

void llmc_sse_free(llmc_sse_parser *p)
{
    llmc_buf_free(&p->line);
    llmc_buf_free(&p->data);
    llmc_buf_free(&p->type);
    llmc_buf_free(&p->id);
}

static llmc_code fail(llmc_sse_parser *p, llmc_code code, llmc_error *err)
{
    p->failed = code;
    if (code == LLMC_E_LIMIT)
        return llmc_error_set(err, code, "event stream: a line or an event is longer than the %zu-byte limit",
                              p->max_line);
    if (code == LLMC_E_NOMEM)
        return llmc_error_set(err, code, "event stream: out of memory");
    return code; /* the callback's own code: it filled err itself */
}

static bool field_is(const char *f, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(f, name, n) == 0;
}

static llmc_code dispatch(llmc_sse_parser *p, llmc_sse_fn fn, void *userdata)
{
    /* An empty data buffer dispatches nothing, but still forgets the event type. */
    if (p->data.len == 0) {
        llmc_buf_reset(&p->type);
        return LLMC_OK;
    }
    p->data.data[--p->data.len] = '\0'; /* the "\n" after the last data line */
    llmc_sse_event ev = {
        .type = p->type.len ? p->type.data : "message",
        .type_len = p->type.len ? p->type.len : 7,
        .data = p->data.data,
        .data_len = p->data.len,
        .id = p->id.len ? p->id.data : "",
        .id_len = p->id.len,
    };
    llmc_code rc = fn(userdata, &ev);
    llmc_buf_reset(&p->data);
    llmc_buf_reset(&p->type);
    return rc;
}

static llmc_code process_line(llmc_sse_parser *p, const char *line, size_t n, llmc_sse_fn fn, void *userdata)
{
    if (n == 0)
        return dispatch(p, fn, userdata);
    if (line[0] == ':')
        return LLMC_OK; /* a comment (keep-alive) */
    const char *colon = memchr(line, ':', n);
    size_t flen = colon ? (size_t)(colon - line) : n;
    const char *value = colon ? colon + 1 : line + n;
    size_t vlen = n - (size_t)(value - line);
    if (vlen && *value == ' ') {
        value++;
        vlen--;
    }
    if (field_is(line, flen, "data")) {
        if (p->data.len + vlen + 1 > p->max_line)
            return LLMC_E_LIMIT;
        if (llmc_buf_append(&p->data, value, vlen) < 0 || llmc_buf_append(&p->data, "\n", 1) < 0)
            return LLMC_E_NOMEM;
    } else if (field_is(line, flen, "event")) {
        llmc_buf_reset(&p->type);
        if (llmc_buf_append(&p->type, value, vlen) < 0)
            return LLMC_E_NOMEM;
    } else if (field_is(line, flen, "id")) {
        /* An id holding NUL is ignored: the spec keeps the previous one. */
        if (!memchr(value, '\0', vlen)) {
            llmc_buf_reset(&p->id);
            if (llmc_buf_append(&p->id, value, vlen) < 0)
                return LLMC_E_NOMEM;
        }
    } else if (field_is(line, flen, "retry")) {
        long ms = 0;
        size_t i = 0;
        for (; i < vlen && value[i] >= '0' && value[i] <= '9'; i++)
            ms = ms > (LONG_MAX - 9) / 10 ? LONG_MAX : ms * 10 + (value[i] - '0');
        if (vlen > 0 && i == vlen)
            p->retry_ms = ms;
    }
    /* any other field is ignored */
    return LLMC_OK;
}

/* The line-splitting loop over bytes known to be past the BOM check. */
static llmc_code consume(llmc_sse_parser *p, const char *s, const char *end, llmc_sse_fn fn, void *userdata)
{
    /* Next LF and next CR in this feed, each found with memchr once and remembered, so a feed
     * is scanned in linear time whichever line ends it uses. */
    const char *nl = NULL, *cr = NULL;
    bool no_nl = false, no_cr = false;
    while (s < end) {
        if (p->after_cr) {
            p->after_cr = false;
            if (*s == '\n') { /* the LF of a CRLF whose CR ended the previous feed */
                s++;
                continue;
            }
        }
        if (!no_nl && (!nl || nl < s) && !(nl = memchr(s, '\n', (size_t)(end - s))))
            no_nl = true;
        if (!no_cr && (!cr || cr < s) && !(cr = memchr(s, '\r', (size_t)(end - s))))
            no_cr = true;
        const char *e = no_nl ? (no_cr ? NULL : cr) : (no_cr ? nl : (cr < nl ? cr : nl));
        if (!e) {
            if (p->line.len + (size_t)(end - s) > p->max_line)
                return LLMC_E_LIMIT;
            return llmc_buf_append(&p->line, s, (size_t)(end - s)) < 0 ? LLMC_E_NOMEM : LLMC_OK;
        }
        const char *line = s;
        size_t n = (size_t)(e - s);
        if (p->line.len) {
            if (p->line.len + n > p->max_line)
                return LLMC_E_LIMIT;
            if (llmc_buf_append(&p->line, s, n) < 0)
                return LLMC_E_NOMEM;
            line = p->line.data;
            n = p->line.len;
        } else if (n > p->max_line) {
            return LLMC_E_LIMIT;
        }
        s = e + 1;
        if (*e == '\r') {
            if (s < end && *s == '\n')
                s++;
            else if (s == end)
                p->after_cr = true;
        }
        llmc_code rc = process_line(p, line, n, fn, userdata);
        llmc_buf_reset(&p->line);
        if (rc != LLMC_OK)
            return rc;
    }
    return LLMC_OK;
}

llmc_code llmc_sse_feed(llmc_sse_parser *p, const char *bytes, size_t len, llmc_sse_fn fn, void *userdata,
                        llmc_error *err)
{
    if (p->failed)
        return fail(p, p->failed, err);
    const char *s = bytes, *end = bytes + len;
    if (!p->bom_done) {
        while (s < end && p->bom_seen < 3 && (unsigned char)*s == bom[p->bom_seen]) {
            p->bom_seen++;
            s++;
        }
        if (p->bom_seen == 3) {
            p->bom_done = true;
        } else if (s < end) {
            /* Not a BOM after all: the bytes that looked like its start are ordinary text. */
            p->bom_done = true;
            llmc_code rc = consume(p, (const char *)bom, (const char *)bom + p->bom_seen, fn, userdata);
            if (rc != LLMC_OK)
                return fail(p, rc, err);
        } else {
            return LLMC_OK; /* all of it may still be a BOM */
        }
    }
    llmc_code rc = consume(p, s, end, fn, userdata);
    return rc == LLMC_OK ? LLMC_OK : fail(p, rc, err);
}

bool llmc_sse_end(llmc_sse_parser *p)
{
    bool pending = p->line.len > 0 || p->data.len > 0 || (!p->bom_done && p->bom_seen > 0);
    llmc_buf_reset(&p->line);
    llmc_buf_reset(&p->data);
    llmc_buf_reset(&p->type);
    return pending;
}
