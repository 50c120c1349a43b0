/* SPDX-License-Identifier: MIT */
/*
 * stream.c — streaming: the decoder core both dialects share (blocks, UTF-8 hold-back, the one
 * terminal event, the final response), the small JSON reader behind the text-delta fast path,
 * and the transport: one libcurl easy handle pumped through a multi handle, so the same code
 * serves the pull iterator (no threads) and the push callback.
 */
#include "stream.h"
#include "transport.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ================================ the JSON reader (fast path) ================================ */

void llmc_j_ws(llmc_jcur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

bool llmc_j_char(llmc_jcur *c, char ch)
{
    llmc_j_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

bool llmc_j_at_end(llmc_jcur *c)
{
    llmc_j_ws(c);
    return c->p == c->end;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            v |= ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            v |= ch - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static size_t utf8_encode(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool llmc_j_string(llmc_jcur *c, llmc_buf *out, bool raw_utf8)
{
    if (!llmc_j_char(c, '"'))
        return false;
    if (out)
        llmc_buf_reset(out);
    const char *p = c->p, *end = c->end;
    for (;;) {
        const char *run = p;
        bool high = false;
        while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
            high |= (unsigned char)*p >= 0x80;
            p++;
        }
        if (p == end)
            return false;
        /* A run ends at an ASCII byte, so its raw multibyte characters must be complete. */
        size_t tail;
        if (high && !raw_utf8 && llmc_utf8_complete((const unsigned char *)run, (size_t)(p - run), &tail) != p - run)
            return false;
        if (out && p > run && llmc_buf_append(out, run, (size_t)(p - run)) < 0)
            return false;
        if (*p == '"') {
            c->p = p + 1;
            return true;
        }
        if (*p != '\\')
            return false; /* a raw control character */
        if (++p == end)
            return false;
        char ch = *p++, enc[4];
        size_t n = 1;
        switch (ch) {
        case '"':
            enc[0] = '"';
            break;
        case '\\':
            enc[0] = '\\';
            break;
        case '/':
            enc[0] = '/';
            break;
        case 'b':
            enc[0] = '\b';
            break;
        case 'f':
            enc[0] = '\f';
            break;
        case 'n':
            enc[0] = '\n';
            break;
        case 'r':
            enc[0] = '\r';
            break;
        case 't':
            enc[0] = '\t';
            break;
        case 'u': {
            int u = end - p >= 4 ? hex4(p) : -1;
            if (u < 0)
                return false;
            p += 4;
            unsigned long cp = (unsigned long)u;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return false; /* a low surrogate alone */
            if (u >= 0xD800 && u <= 0xDBFF) {
                int lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return false; /* a high surrogate without its pair */
                p += 6;
                cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
            }
            n = utf8_encode(cp, enc);
            break;
        }
        default:
            return false;
        }
        if (out && llmc_buf_append(out, enc, n) < 0)
            return false;
    }
}

bool llmc_j_rawstr(llmc_jcur *c, const char **s, size_t *n)
{
    if (!llmc_j_char(c, '"'))
        return false;
    const char *p = c->p;
    bool high = false;
    while (p < c->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) {
        high |= (unsigned char)*p >= 0x80;
        p++;
    }
    if (p == c->end || *p != '"')
        return false;
    size_t tail;
    if (high && llmc_utf8_complete((const unsigned char *)c->p, (size_t)(p - c->p), &tail) != p - c->p)
        return false;
    *s = c->p;
    *n = (size_t)(p - c->p);
    c->p = p + 1;
    return true;
}

bool llmc_j_key(llmc_jcur *c, const char **s, size_t *n)
{
    return llmc_j_rawstr(c, s, n) && llmc_j_char(c, ':');
}

bool llmc_j_eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

bool llmc_j_uint(llmc_jcur *c, long *out)
{
    llmc_j_ws(c);
    const char *p = c->p;
    long v = 0;
    int digits = 0;
    while (p < c->end && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (++digits > 9)
            return false;
        p++;
    }
    if (digits == 0 || (digits > 1 && *c->p == '0'))
        return false;
    if (p < c->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return false; /* a real: jansson decides what that means */
    c->p = p;
    *out = v;
    return true;
}

static bool lit(llmc_jcur *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

bool llmc_j_null(llmc_jcur *c)
{
    llmc_j_ws(c);
    return lit(c, "null");
}

/* Integers only, at most 18 digits: anything that jansson might refuse (overflow) or read
 * differently (reals) is left to it. */
static bool skip_number(llmc_jcur *c)
{
    const char *p = c->p;
    if (p < c->end && *p == '-')
        p++;
    const char *digits = p;
    while (p < c->end && *p >= '0' && *p <= '9')
        p++;
    size_t n = (size_t)(p - digits);
    if (n == 0 || n > 18 || (n > 1 && *digits == '0'))
        return false;
    if (p < c->end && (*p == '.' || *p == 'e' || *p == 'E'))
        return false;
    c->p = p;
    return true;
}

bool llmc_j_skip(llmc_jcur *c, int depth)
{
    llmc_j_ws(c);
    if (c->p == c->end)
        return false;
    switch (*c->p) {
    case '"':
        return llmc_j_string(c, NULL, false);
    case 't':
        return lit(c, "true");
    case 'f':
        return lit(c, "false");
    case 'n':
        return lit(c, "null");
    case '{':
        if (depth <= 0)
            return false;
        c->p++;
        if (llmc_j_char(c, '}'))
            return true;
        do {
            if (!llmc_j_string(c, NULL, false) || !llmc_j_char(c, ':') || !llmc_j_skip(c, depth - 1))
                return false;
        } while (llmc_j_char(c, ','));
        return llmc_j_char(c, '}');
    case '[':
        if (depth <= 0)
            return false;
        c->p++;
        if (llmc_j_char(c, ']'))
            return true;
        do {
            if (!llmc_j_skip(c, depth - 1))
                return false;
        } while (llmc_j_char(c, ','));
        return llmc_j_char(c, ']');
    default:
        return skip_number(c);
    }
}

/* ======================================== UTF-8 ======================================== */

long llmc_utf8_complete(const unsigned char *s, size_t n, size_t *tail)
{
    size_t i = 0;
    *tail = 0;
    while (i < n) {
        /* ASCII eight bytes at a time: the common case for English text and JSON. */
        while (i + 8 <= n) {
            unsigned long long w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char ch = s[i];
        if (ch < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (ch >= 0xC2 && ch <= 0xDF)
            len = 2;
        else if (ch == 0xE0)
            len = 3, lo = 0xA0;
        else if ((ch >= 0xE1 && ch <= 0xEC) || ch == 0xEE || ch == 0xEF)
            len = 3;
        else if (ch == 0xED)
            len = 3, hi = 0x9F; /* no UTF-16 surrogates */
        else if (ch == 0xF0)
            len = 4, lo = 0x90;
        else if (ch >= 0xF1 && ch <= 0xF3)
            len = 4;
        else if (ch == 0xF4)
            len = 4, hi = 0x8F; /* nothing past U+10FFFF */
        else
            return -1;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                *tail = n - i;
                return (long)i;
            }
            unsigned char cc = s[i + k];
            if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF))
                return -1;
        }
        i += len;
    }
    return (long)n;
}

/* ===================================== decoder core ===================================== */

static llmc_code on_sse_event(void *userdata, const llmc_sse_event *ev)
{
    llmc_sdec *d = userdata;
    if (d->state != LLMC_SDEC_RUNNING)
        return LLMC_OK; /* anything after the terminal event is ignored */
    return d->dialect == LLMC_DIALECT_ANTHROPIC ? llmc_sdec_anthropic_event(d, ev) : llmc_sdec_openai_event(d, ev);
}

void llmc_sdec_init(llmc_sdec *d, llmc_dialect_kind dialect, llmc_sdec_emit_fn emit, void *userdata)
{
    memset(d, 0, sizeof *d);
    d->dialect = dialect;
    d->emit = emit;
    d->userdata = userdata;
    d->text_block = d->think_block = -1;
    llmc_sse_init(&d->sse, 0);
    llmc_error_clear(&d->failure);
}

static void free_blocks(llmc_sdec *d)
{
    for (size_t i = 0; i < d->n_blocks; i++) {
        llmc_buf_free(&d->blocks[i].text);
        free(d->blocks[i].tool_id);
        free(d->blocks[i].tool_name);
        free(d->blocks[i].start_input);
        llmc_buf_free(&d->blocks[i].signature);
    }
    free(d->blocks);
    d->blocks = NULL;
    d->n_blocks = d->cap_blocks = 0;
}

void llmc_sdec_free(llmc_sdec *d)
{
    llmc_sse_free(&d->sse);
    free_blocks(d);
    free(d->id);
    free(d->model);
    free(d->stop_raw);
    llmc_buf_free(&d->scratch);
    llmc_buf_free(&d->scratch2);
    llmc_response_free(d->final);
    d->id = d->model = d->stop_raw = NULL;
    d->final = NULL;
}

static void fill_event_state(const llmc_sdec *d, llmc_event *ev)
{
    ev->usage = d->usage;
    ev->stop_reason = llmc_stop_reason_from(d->stop_raw);
    ev->stop_reason_raw = d->stop_raw ? d->stop_raw : "";
}

/* Enter FAILED with d->failure already filled, and emit the one ERROR event. */
static llmc_code fail_now(llmc_sdec *d)
{
    llmc_error *f = &d->failure;
    if (f->code == LLMC_OK)
        f->code = LLMC_E_PROTOCOL;
    if (!f->provider[0])
        llmc_strlcpy(f->provider, d->provider, sizeof f->provider);
    if (!f->http_status)
        f->http_status = d->http_status;
    if (!f->request_id[0])
        llmc_strlcpy(f->request_id, d->request_id, sizeof f->request_id);
    d->state = LLMC_SDEC_FAILED;
    llmc_event ev = {.type = LLMC_EVENT_ERROR, .text = "", .tool_id = "", .tool_name = "", .error = f};
    fill_event_state(d, &ev);
    if (d->emit)
        d->emit(d->userdata, &ev); /* its answer no longer matters */
    return f->code;
}

llmc_code llmc_sdec_error(llmc_sdec *d, llmc_code code, const char *fmt, ...)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure.code : LLMC_OK;
    llmc_error_clear(&d->failure);
    d->failure.code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->failure.message, sizeof d->failure.message, fmt, ap);
    va_end(ap);
    return fail_now(d);
}

llmc_code llmc_sdec_fail(llmc_sdec *d, const llmc_error *why)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure.code : LLMC_OK;
    d->failure = *why;
    return fail_now(d);
}

llmc_code llmc_sdec_provider_error(llmc_sdec *d, long status, const char *body, size_t len)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure.code : LLMC_OK;
    llmc_error_clear(&d->failure);
    llmc_error_from_response(status, "application/json", body, len, d->provider[0] ? d->provider : "the provider",
                             &d->failure);
    d->failure.http_status = d->http_status; /* what really came over the wire: the stream's status */
    if (!d->failure.message[0])
        snprintf(d->failure.message, sizeof d->failure.message, "the provider reported an error mid-stream");
    return fail_now(d);
}

llmc_code llmc_sdec_emit(llmc_sdec *d, llmc_event *ev)
{
    if (!ev->text)
        ev->text = "";
    if (!ev->tool_id)
        ev->tool_id = "";
    if (!ev->tool_name)
        ev->tool_name = "";
    if (!ev->stop_reason_raw)
        ev->stop_reason_raw = "";
    llmc_code rc = d->emit ? d->emit(d->userdata, ev) : LLMC_OK;
    if (rc == LLMC_OK)
        return LLMC_OK;
    if (rc == LLMC_E_NOMEM)
        return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while queueing stream events");
    return llmc_sdec_error(d, LLMC_E_ABORTED, "the stream was aborted by the caller");
}

llmc_code llmc_sdec_emit_simple(llmc_sdec *d, llmc_event_type type)
{
    llmc_event ev = {.type = type};
    fill_event_state(d, &ev);
    return llmc_sdec_emit(d, &ev);
}

int llmc_sdec_set_str(char **dst, const char *s, size_t n)
{
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, n);
    copy[n] = '\0';
    free(*dst);
    *dst = copy;
    return 0;
}

long llmc_sdec_add_block(llmc_sdec *d, llmc_block_type type, long wire_index)
{
    if (d->n_blocks == d->cap_blocks) {
        size_t cap = d->cap_blocks ? d->cap_blocks * 2 : 4;
        llmc_sblock *grown = realloc(d->blocks, cap * sizeof *grown);
        if (!grown) {
            llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
            return -1;
        }
        d->blocks = grown;
        d->cap_blocks = cap;
    }
    llmc_sblock *b = &d->blocks[d->n_blocks];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->wire_index = wire_index;
    return (long)d->n_blocks++;
}

llmc_code llmc_sdec_block_text(llmc_sdec *d, size_t bi, llmc_event_type type, const char *s, size_t n)
{
    llmc_sblock *b = &d->blocks[bi];
    size_t old = b->text.len;
    if ((b->n_pending && llmc_buf_append(&b->text, b->pending, b->n_pending) < 0) ||
        llmc_buf_append(&b->text, s, n) < 0) {
        b->text.len = old;
        return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
    }
    if (!b->text.data)
        return LLMC_OK; /* nothing at all so far */
    size_t tail;
    unsigned char *fresh = (unsigned char *)b->text.data + old;
    if (llmc_utf8_complete(fresh, b->text.len - old, &tail) < 0) {
        b->text.len = old;
        b->text.data[old] = '\0';
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "stream: block %zu has text that is not valid UTF-8", bi);
    }
    /* Hold back an incomplete last character: the caller sees only whole characters. */
    memcpy(b->pending, b->text.data + b->text.len - tail, tail);
    b->n_pending = (unsigned)tail;
    b->text.len -= tail;
    b->text.data[b->text.len] = '\0';
    if (b->text.len == old)
        return LLMC_OK;
    llmc_event ev = {.type = type, .index = bi, .text = b->text.data + old, .text_len = b->text.len - old};
    return llmc_sdec_emit(d, &ev);
}

static llmc_event_type event_type_of(llmc_block_type t)
{
    return t == LLMC_BLOCK_THINKING   ? LLMC_EVENT_THINKING
           : t == LLMC_BLOCK_TOOL_USE ? LLMC_EVENT_TOOL_INPUT_DELTA
                                      : LLMC_EVENT_TEXT;
}

llmc_code llmc_sdec_block_flush(llmc_sdec *d, size_t bi)
{
    llmc_sblock *b = &d->blocks[bi];
    if (!b->n_pending)
        return LLMC_OK;
    b->n_pending = 0;
    return llmc_sdec_block_text(d, bi, event_type_of(b->type), "\xEF\xBF\xBD", 3);
}

llmc_code llmc_sdec_flush_all(llmc_sdec *d)
{
    for (size_t i = 0; i < d->n_blocks; i++) {
        llmc_code rc = llmc_sdec_block_flush(d, i);
        if (rc != LLMC_OK)
            return rc;
    }
    return LLMC_OK;
}

/* The order the non-streamed OpenAI decoder lists blocks in: reasoning, text, tool calls. */
static int openai_rank(llmc_block_type t)
{
    return t == LLMC_BLOCK_THINKING ? 0 : t == LLMC_BLOCK_TEXT ? 1 : 2;
}

static char *take_text(llmc_sblock *b)
{
    char *s = b->text.data ? b->text.data : strdup("");
    b->text.data = NULL;
    b->text.len = b->text.cap = 0;
    return s;
}

llmc_code llmc_sdec_done(llmc_sdec *d)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure.code : LLMC_OK;
    llmc_code rc = llmc_sdec_flush_all(d);
    if (rc != LLMC_OK)
        return rc;
    llmc_response *r = llmc_response_alloc();
    if (!r)
        return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while finishing the stream");
    int oom = 0;
    r->provider = strdup(d->provider);
    r->request_id = strdup(d->request_id);
    oom |= !r->provider || !r->request_id;
    r->id = d->id;
    r->model = d->model;
    r->stop_reason_raw = d->stop_raw;
    d->id = d->model = d->stop_raw = NULL;
    r->stop_reason = llmc_stop_reason_from(r->stop_reason_raw);
    r->usage = d->usage;
    /* Anthropic blocks keep their wire order; OpenAI ones are ranked like the non-streamed
     * decoder's (a stable pass per rank keeps tool calls in arrival order). */
    int ranks = d->dialect == LLMC_DIALECT_OPENAI ? 3 : 1;
    for (int rank = 0; rank < ranks && !oom; rank++)
        for (size_t i = 0; i < d->n_blocks && !oom; i++) {
            llmc_sblock *b = &d->blocks[i];
            if (ranks > 1 && openai_rank(b->type) != rank)
                continue;
            int added;
            if (b->type == LLMC_BLOCK_OTHER) {
                added = llmc_response_add_block(r, LLMC_BLOCK_OTHER, NULL, NULL, NULL);
            } else {
                char *text = take_text(b);
                oom |= !text;
                added = llmc_response_add_block(r, b->type, text, b->tool_id, b->tool_name);
                b->tool_id = b->tool_name = NULL;
                if (added == 0 && b->has_signature) {
                    char *sig = b->signature.data ? b->signature.data : strdup("");
                    b->signature.data = NULL;
                    b->signature.len = b->signature.cap = 0;
                    added = sig ? llmc_response_set_signature(r, sig) : -1;
                }
            }
            oom |= added < 0;
        }
    if (oom || llmc_response_finish(r) < 0) {
        llmc_response_free(r);
        return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while finishing the stream");
    }
    d->final = r;
    d->state = LLMC_SDEC_DONE;
    llmc_event ev = {.type = LLMC_EVENT_DONE,
                     .text = "",
                     .tool_id = "",
                     .tool_name = "",
                     .usage = r->usage,
                     .stop_reason = r->stop_reason,
                     .stop_reason_raw = r->stop_reason_raw ? r->stop_reason_raw : ""};
    if (d->emit)
        d->emit(d->userdata, &ev); /* terminal: an abort now changes nothing */
    return LLMC_OK;
}

static llmc_code sdec_result(llmc_sdec *d, llmc_error *err)
{
    if (d->state != LLMC_SDEC_FAILED)
        return LLMC_OK;
    if (err)
        *err = d->failure;
    return d->failure.code;
}

llmc_code llmc_sdec_feed(llmc_sdec *d, const char *bytes, size_t len, llmc_error *err)
{
    if (d->state == LLMC_SDEC_RUNNING) {
        llmc_error e;
        llmc_error_clear(&e);
        llmc_code rc = llmc_sse_feed(&d->sse, bytes, len, on_sse_event, d, &e);
        if (rc != LLMC_OK && d->state == LLMC_SDEC_RUNNING)
            llmc_sdec_fail(d, &e); /* the parser's own failure: a limit or memory */
    }
    return sdec_result(d, err);
}

llmc_code llmc_sdec_close(llmc_sdec *d, llmc_error *err)
{
    if (d->state == LLMC_SDEC_RUNNING) {
        llmc_sse_end(&d->sse); /* an unterminated last event is dropped, as the spec says */
        if (d->dialect == LLMC_DIALECT_OPENAI && d->finished)
            llmc_sdec_openai_finish(d); /* Cerebras: no [DONE], the close is the end */
        else
            llmc_sdec_error(d, LLMC_E_PROTOCOL, "stream ended before completion (%s)",
                            d->dialect == LLMC_DIALECT_ANTHROPIC ? "no message_stop event"
                                                                 : "no finish_reason, usage or [DONE]");
    }
    return sdec_result(d, err);
}

llmc_response *llmc_sdec_take_response(llmc_sdec *d)
{
    llmc_response *r = d->final;
    d->final = NULL;
    return r;
}

/* ======================================= transport ======================================= */

/* The idle limit in whole seconds (what CURLOPT_LOW_SPEED_TIME takes), at least one. */
static long idle_seconds(const llmc_transport_opts *o)
{
    long s = (o->idle_ms + 999) / 1000;
    return s > 0 ? s : 1;
}
#define LLMC_STREAM_MAX_ERROR_BODY (1024u * 1024u)
#define LLMC_STREAM_PULL_READ 8192L

/* A queued event, kept small since one read queues dozens: a plain piece of text (the common
 * case) is its type, block and text; any other event is copied whole into the arena (`full`).
 * Strings live in the arena, by offset, until handed out. */
typedef struct qevent {
    llmc_event_type type;
    size_t index;
    size_t text, text_len;
    size_t full; /* offset of a qfull in the arena, or NO_FULL */
} qevent;

typedef struct qfull {
    llmc_event ev;
    size_t tool_id, tool_name, stop_raw;
} qfull;

#define NO_FULL ((size_t)-1)

struct llmc_stream {
    llmc_client *client;
    llmc_call call;
    bool call_live;
    CURL *easy;
    CURLM *multi;
    bool attached;
    struct curl_slist *headers; /* holds the key: wiped when the transfer ends */
    char detail[CURL_ERROR_SIZE];
    llmc_http_response resp; /* status, headers, and the body of a refusal */
    double retry_after_ms, retry_after;
    bool headers_done, not_stream, transfer_done;
    CURLcode result;
    llmc_sdec dec;
    /* push mode: events go straight to the caller */
    llmc_event_fn user_fn;
    void *user_data;
    /* pull mode: a queue of events and the terminal one */
    qevent *q;
    size_t q_head, q_len, q_cap;
    llmc_buf arena;
    llmc_event terminal;
    bool terminal_ready, ended;
    bool paused; /* the transfer waits for the queue to be read (pull mode) */
    llmc_event cur;
};

static bool is_2xx(long status)
{
    return status >= 200 && status < 300;
}

/* The streams of one client share one libcurl multi handle. A multi handle of its own costs a
 * stream about 40 KiB (curl's socket hash alone is 911 slots) and a wakeup socket pair; shared,
 * streams also reuse each other's kept-alive connections. Sharing is safe under the streams'
 * contract: a client with live streams is used by one thread at a time. The registry itself is
 * touched only when a stream opens or is freed. */
typedef struct shared_multi {
    const llmc_client *client;
    CURLM *multi;
    size_t users;
    struct shared_multi *next;
} shared_multi;

static pthread_mutex_t multis_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_multi *multis;

static CURLM *multi_acquire(const llmc_client *c)
{
    pthread_mutex_lock(&multis_lock);
    shared_multi *m = multis;
    while (m && m->client != c)
        m = m->next;
    if (!m && (m = calloc(1, sizeof *m)) != NULL) {
        if ((m->multi = curl_multi_init()) == NULL) {
            free(m);
            m = NULL;
        } else {
            m->client = c;
            m->next = multis;
            multis = m;
        }
    }
    if (m)
        m->users++;
    pthread_mutex_unlock(&multis_lock);
    return m ? m->multi : NULL;
}

static void multi_release(CURLM *multi)
{
    pthread_mutex_lock(&multis_lock);
    for (shared_multi **pm = &multis; *pm; pm = &(*pm)->next) {
        shared_multi *m = *pm;
        if (m->multi != multi)
            continue;
        if (--m->users == 0) {
            *pm = m->next;
            curl_multi_cleanup(m->multi);
            free(m);
        }
        break;
    }
    pthread_mutex_unlock(&multis_lock);
}

static size_t arena_put(llmc_stream *s, const char *str, size_t n, bool *oom)
{
    size_t off = s->arena.len;
    if (llmc_buf_append(&s->arena, str, n) < 0 || llmc_buf_append(&s->arena, "", 1) < 0)
        *oom = true;
    return off;
}

static llmc_code stream_emit(void *userdata, const llmc_event *ev)
{
    llmc_stream *s = userdata;
    if (s->user_fn)
        return s->user_fn(s->user_data, ev) ? LLMC_E_ABORTED : LLMC_OK;
    if (ev->type == LLMC_EVENT_DONE || ev->type == LLMC_EVENT_ERROR) {
        /* Its pointers stay valid as long as the stream: the failure and the final response. */
        s->terminal = *ev;
        s->terminal_ready = true;
        return LLMC_OK;
    }
    if (s->q_head + s->q_len == s->q_cap) {
        size_t cap = s->q_cap ? s->q_cap * 2 : 64;
        qevent *grown = realloc(s->q, cap * sizeof *grown);
        if (!grown)
            return LLMC_E_NOMEM;
        s->q = grown;
        s->q_cap = cap;
    }
    bool oom = false;
    qevent *q = &s->q[s->q_head + s->q_len];
    static const llmc_usage no_usage;
    bool plain = !ev->tool_id[0] && !ev->tool_name[0] && !ev->stop_reason_raw[0] &&
                 ev->stop_reason == LLMC_STOP_UNKNOWN && !ev->error &&
                 memcmp(&ev->usage, &no_usage, sizeof no_usage) == 0;
    q->type = ev->type;
    q->index = ev->index;
    q->text_len = ev->text_len;
    q->full = NO_FULL;
    if (!plain) {
        qfull f = {.ev = *ev};
        q->full = arena_put(s, (const char *)&f, sizeof f, &oom);
        f.tool_id = arena_put(s, ev->tool_id, strlen(ev->tool_id), &oom);
        f.tool_name = arena_put(s, ev->tool_name, strlen(ev->tool_name), &oom);
        f.stop_raw = arena_put(s, ev->stop_reason_raw, strlen(ev->stop_reason_raw), &oom);
        if (!oom)
            memcpy(s->arena.data + q->full, &f, sizeof f);
    }
    q->text = arena_put(s, ev->text, ev->text_len, &oom);
    if (oom)
        return LLMC_E_NOMEM;
    s->q_len++;
    return LLMC_OK;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    llmc_stream *s = userdata;
    size_t n = size * nmemb;
    llmc_http_header_line(line, n, &s->resp, &s->retry_after_ms, &s->retry_after);
    if (n <= 2 && n > 0 && (line[0] == '\r' || line[0] == '\n')) {
        long status = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200) { /* a 1xx interim answer is not the response */
            s->resp.status = status;
            s->resp.retry_after_s = s->retry_after_ms >= 0 ? s->retry_after_ms / 1000.0 : s->retry_after;
            s->headers_done = true;
            /* A 2xx JSON body means the server ignored "stream": true (or is not what it seems). */
            s->not_stream = is_2xx(status) && strncasecmp(s->resp.content_type, "application/json", 16) == 0;
            s->dec.http_status = (int)status;
            llmc_strlcpy(s->dec.request_id, s->resp.request_id, sizeof s->dec.request_id);
        }
    }
    return n;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userdata)
{
    llmc_stream *s = userdata;
    size_t n = size * nmemb;
    if (!is_2xx(s->resp.status) || s->not_stream) {
        /* a refusal: keep its body (bounded) for the error */
        if (s->resp.body.len + n > LLMC_STREAM_MAX_ERROR_BODY)
            return n;
        return llmc_buf_append(&s->resp.body, data, n) == 0 ? n : 0;
    }
    if (s->dec.state != LLMC_SDEC_RUNNING)
        return 0; /* the stream is over for us: stop reading */
    /* Pull mode: while decoded events wait to be read, leave the bytes with curl (and the rest in
     * the socket), so a stream holds one read's worth of events however slowly it is read. */
    if (!s->user_fn && s->q_len > 0) {
        s->paused = true;
        return CURL_WRITEFUNC_PAUSE;
    }
    llmc_sdec_feed(&s->dec, data, n, NULL);
    if (s->dec.state == LLMC_SDEC_FAILED)
        return 0;
    if (!s->user_fn && s->q_len > 0 && !s->paused && s->dec.state == LLMC_SDEC_RUNNING) {
        /* Stop reading now rather than refuse the next piece: curl then holds no copy of it. */
        s->paused = true;
        curl_easy_pause(s->easy, CURLPAUSE_RECV);
    }
    return n;
}

/* Describe a failed transfer in `e`. Once the stream has started, a timeout is the idle one. */
static void transport_failure(llmc_stream *s, llmc_error *e)
{
    CURLcode cc = s->result;
    const char *what = s->detail[0] ? s->detail : curl_easy_strerror(cc);
    const char *url = s->call.url ? s->call.url : s->dec.provider;
    if (cc == CURLE_ABORTED_BY_CALLBACK && llmc_cancelled(s->call.opts.cancel))
        llmc_error_set(e, LLMC_E_ABORTED, "stream from %s cancelled", s->dec.provider);
    else if (cc == CURLE_OPERATION_TIMEDOUT && s->headers_done)
        llmc_error_set(e, LLMC_E_TIMEOUT, "stream from %s: no data for %ld s (idle timeout)", s->dec.provider,
                       idle_seconds(&s->call.opts));
    else if (s->headers_done)
        llmc_error_set(e, LLMC_E_TRANSPORT, "stream from %s ended before completion: %s", s->dec.provider, what);
    else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
        llmc_error_set(e, LLMC_E_TRANSPORT,
                       "TLS certificate of %s could not be verified: %s (to trust a private CA, give its PEM file "
                       "with --cacert, llmc_client_set_ca_file() or CURL_CA_BUNDLE)",
                       url, what);
    else
        llmc_error_set(e, cc == CURLE_OPERATION_TIMEDOUT ? LLMC_E_TIMEOUT : LLMC_E_TRANSPORT, "%s: %s", url, what);
    if (e)
        e->transport_code = (int)cc;
}

static void detach(llmc_stream *s)
{
    if (s->attached) {
        curl_multi_remove_handle(s->multi, s->easy);
        s->attached = false;
    }
}

/* One round: let curl move bytes (callbacks run inside), then, if nothing happened, wait for
 * the socket up to wait_ms. */
static void pump(llmc_stream *s, int wait_ms)
{
    int running = 0;
    CURLMcode mc = curl_multi_perform(s->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left)) != NULL)
        if (m->msg == CURLMSG_DONE) {
            /* the multi handle is shared: the transfer may be another stream's */
            char *owner_p = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &owner_p);
            llmc_stream *owner = (llmc_stream *)(void *)owner_p;
            if (owner) {
                owner->transfer_done = true;
                owner->result = m->data.result;
            }
        }
    if (mc != CURLM_OK && !s->transfer_done) {
        s->transfer_done = true;
        s->result = CURLE_RECV_ERROR;
        snprintf(s->detail, sizeof s->detail, "%s", curl_multi_strerror(mc));
    }
    if (!s->transfer_done && running && s->q_len == 0 && !s->terminal_ready && wait_ms > 0)
        curl_multi_poll(s->multi, NULL, 0, wait_ms, NULL);
}

/* The transfer has ended: the decoder learns how (clean close, or a transport failure). */
static void finish_transfer(llmc_stream *s)
{
    detach(s);
    if (s->dec.state != LLMC_SDEC_RUNNING)
        return;
    if (s->result == CURLE_OK) {
        llmc_sdec_close(&s->dec, NULL);
        return;
    }
    llmc_error e;
    llmc_error_clear(&e);
    transport_failure(s, &e);
    llmc_sdec_fail(&s->dec, &e);
}

static void sleep_seconds(double sec)
{
    struct timespec ts = {(time_t)sec, (long)((sec - (double)(time_t)sec) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void configure(llmc_stream *s)
{
    CURL *h = s->easy;
    const llmc_transport_opts *o = &s->call.opts;
    llmc_http_configure(h, o, s->call.url, s->headers, s->detail);
    /* No overall timeout: a long reply may stream for many minutes. Silence is what fails. */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, idle_seconds(o));
    if (!s->user_fn) /* pull mode holds one read's worth of events: 8 KiB reads keep that small */
        curl_easy_setopt(h, CURLOPT_BUFFERSIZE, LLMC_STREAM_PULL_READ);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
    size_t len = strlen(s->call.body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, s->call.body);
}

void llmc_stream_free(llmc_stream *s)
{
    if (!s)
        return;
    detach(s);
    if (s->easy)
        curl_easy_cleanup(s->easy);
    if (s->multi)
        multi_release(s->multi);
    llmc_http_headers_free(s->headers);
    if (s->call_live)
        llmc_call_finish(&s->call, NULL);
    llmc_http_response_free(&s->resp);
    llmc_sdec_free(&s->dec);
    free(s->q);
    llmc_buf_free(&s->arena);
    free(s);
}

/* Send the request and wait for a 2xx answer, retrying before that as llmc_http_send does. */
static llmc_code stream_start(llmc_client *c, const llmc_request *req, llmc_event_fn fn, void *userdata,
                              llmc_stream **out, llmc_error *err)
{
    *out = NULL;
    llmc_stream *s = calloc(1, sizeof *s);
    if (!s)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    s->client = c;
    s->user_fn = fn;
    s->user_data = userdata;
    llmc_code rc = llmc_call_prepare(c, req, true, &s->call, err);
    s->call_live = true;
    if (rc != LLMC_OK)
        goto fail;
    llmc_sdec_init(&s->dec, s->call.endpoint->info.dialect, stream_emit, s);
    llmc_strlcpy(s->dec.provider, s->call.endpoint->name, sizeof s->dec.provider);
    if ((rc = llmc_url_check(s->call.url, s->call.opts.allow_insecure_http, err)) != LLMC_OK)
        goto fail;
    s->headers = llmc_http_headers(s->call.headers, &s->call.cred, s->call.endpoint->info.auth);
    s->easy = curl_easy_init();
    s->multi = multi_acquire(c);
    if (!s->headers || !s->easy || !s->multi) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto fail;
    }
    configure(s);
    const llmc_transport_opts *o = &s->call.opts;
    char tried[512] = "";
    bool recovered = false;
    for (int attempt = 0;; attempt++) {
        s->headers_done = s->not_stream = s->transfer_done = s->paused = false;
        s->result = CURLE_OK;
        s->detail[0] = '\0';
        s->resp.status = 0;
        s->resp.should_retry = -1;
        s->resp.retry_after_s = s->retry_after = s->retry_after_ms = -1;
        llmc_buf_reset(&s->resp.body);
        if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
            rc = llmc_error_set(err, LLMC_E_NOMEM, "could not start the transfer");
            goto fail;
        }
        s->attached = true;
        double deadline = now_s() + (double)o->request_ms / 1000.0;
        bool started = false;
        while (!s->transfer_done && !(started = s->headers_done && is_2xx(s->resp.status) && !s->not_stream)) {
            pump(s, 200);
            if (!s->headers_done && now_s() > deadline) {
                s->transfer_done = true;
                s->result = CURLE_OPERATION_TIMEDOUT;
                snprintf(s->detail, sizeof s->detail, "no response within %ld ms", o->request_ms);
            }
        }
        started = started || (s->headers_done && is_2xx(s->resp.status) && !s->not_stream);
        if (err)
            err->attempts = attempt + 1;
        if (started) {
            if (s->call.cred.source == LLMC_SOURCE_STORE && tried[0])
                llmc_store_mark(s->call.endpoint->name, s->call.cred.store_label, true);
            llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s: streaming (request id %s)", s->resp.status,
                      s->call.endpoint->name, s->resp.request_id[0] ? s->resp.request_id : "none");
            /* The request is sent: the key's last copy outside curl's header list goes now. */
            llmc_call_finish(&s->call, err);
            s->call_live = false;
            *out = s;
            return LLMC_OK;
        }
        detach(s);
        if (!s->headers_done) {
            rc = LLMC_E_TRANSPORT;
            transport_failure(s, err);
            if (err)
                rc = err->code;
            else
                rc = s->result == CURLE_OPERATION_TIMEDOUT ? LLMC_E_TIMEOUT : LLMC_E_TRANSPORT;
            if (attempt < o->max_retries && llmc_transport_retriable(s->result)) {
                double delay = llmc_retry_delay_s(attempt, -1, (double)rand() / ((double)RAND_MAX + 1));
                llmc_logf(&c->log, LLMC_LOG_INFO, "%s; retrying in %.2f s (attempt %d of %d)",
                          err ? err->message : s->call.url, delay, attempt + 2, o->max_retries + 1);
                sleep_seconds(delay);
                continue;
            }
            goto fail;
        }
        if (s->not_stream) {
            rc = llmc_error_set(err, LLMC_E_PROTOCOL, "%s answered HTTP %ld with %s instead of an event stream",
                                s->call.endpoint->name, s->resp.status, s->resp.content_type);
            goto fail;
        }
        /* As llmc_messages_create: after a 401, once, the chain's next different key. */
        if (s->resp.status == 401 && !recovered && llmc_call_recover(&s->call, tried, sizeof tried)) {
            recovered = true;
            struct curl_slist *fresh = llmc_http_headers(s->call.headers, &s->call.cred, s->call.endpoint->info.auth);
            if (!fresh) {
                rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
                goto fail;
            }
            curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, fresh);
            llmc_http_headers_free(s->headers);
            s->headers = fresh;
            attempt--; /* not a retry: another key */
            continue;
        }
        if (attempt < o->max_retries && llmc_retry_wanted(s->resp.status, s->resp.should_retry)) {
            double delay = llmc_retry_delay_s(attempt, s->resp.retry_after_s, (double)rand() / ((double)RAND_MAX + 1));
            llmc_logf(&c->log, LLMC_LOG_INFO, "HTTP %ld from %s; retrying in %.2f s (attempt %d of %d)", s->resp.status,
                      s->call.url, delay, attempt + 2, o->max_retries + 1);
            sleep_seconds(delay);
            continue;
        }
        rc = llmc_call_fail(&s->call, &s->resp, err);
        if (s->resp.status == 401 && s->call.cred.source == LLMC_SOURCE_STORE)
            llmc_store_mark(s->call.endpoint->name, s->call.cred.store_label, false);
        if (err && tried[0])
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "also rejected before it: %.480s", tried);
        goto fail;
    }
fail:
    if (s->call_live) {
        llmc_call_finish(&s->call, err);
        s->call_live = false;
    }
    llmc_stream_free(s);
    return rc;
}

llmc_code llmc_stream_open(llmc_client *client, const llmc_request *req, llmc_stream **out, llmc_error *err)
{
    llmc_error_clear(err);
    if (out)
        *out = NULL;
    if (!client || !req || !out)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, request and out must not be NULL");
    llmc_code rc = stream_start(client, req, NULL, NULL, out, err);
    if (rc == LLMC_OK && err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
        llmc_error_clear(err);
    return rc;
}

llmc_code llmc_stream_next(llmc_stream *s, const llmc_event **event, llmc_error *err)
{
    llmc_error_clear(err);
    if (event)
        *event = NULL;
    if (!s || !event)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "stream and event must not be NULL");
    if (s->ended)
        return sdec_result(&s->dec, err);
    if (s->q_len == 0) {
        /* Everything handed out before is now stale: reuse the memory. */
        s->q_head = 0;
        llmc_buf_reset(&s->arena);
        if (s->paused) {
            s->paused = false;
            curl_easy_pause(s->easy, CURLPAUSE_CONT); /* hands the held bytes to on_write at once */
        }
        while (s->q_len == 0 && !s->terminal_ready) {
            if (s->transfer_done) {
                finish_transfer(s);
                break;
            }
            pump(s, 1000);
        }
    }
    if (s->q_len) {
        qevent *q = &s->q[s->q_head++];
        s->q_len--;
        if (q->full == NO_FULL) {
            memset(&s->cur, 0, sizeof s->cur);
            s->cur.type = q->type;
            s->cur.index = q->index;
            s->cur.tool_id = s->cur.tool_name = s->cur.stop_reason_raw = "";
        } else {
            qfull f;
            memcpy(&f, s->arena.data + q->full, sizeof f);
            s->cur = f.ev;
            s->cur.tool_id = s->arena.data + f.tool_id;
            s->cur.tool_name = s->arena.data + f.tool_name;
            s->cur.stop_reason_raw = s->arena.data + f.stop_raw;
        }
        s->cur.text = s->arena.data + q->text;
        s->cur.text_len = q->text_len;
        *event = &s->cur;
        return LLMC_OK;
    }
    /* the terminal event: the decoder always produces one once the transfer has ended */
    s->ended = true;
    detach(s);
    s->cur = s->terminal;
    *event = &s->cur;
    return sdec_result(&s->dec, err);
}

const llmc_response *llmc_stream_response(const llmc_stream *s)
{
    return s && s->ended ? s->dec.final : NULL;
}

llmc_code llmc_messages_stream(llmc_client *client, const llmc_request *req, llmc_event_fn fn, void *userdata,
                               llmc_response **final_out, llmc_error *err)
{
    llmc_error_clear(err);
    if (final_out)
        *final_out = NULL;
    if (!client || !req || !fn)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "client, request and callback must not be NULL");
    llmc_stream *s = NULL;
    llmc_code rc = stream_start(client, req, fn, userdata, &s, err);
    if (rc != LLMC_OK)
        return rc; /* the stream never started: the callback was not called */
    while (s->dec.state == LLMC_SDEC_RUNNING) {
        if (s->transfer_done) {
            finish_transfer(s);
            break;
        }
        pump(s, 1000);
    }
    rc = sdec_result(&s->dec, err);
    if (rc == LLMC_OK) {
        if (final_out)
            *final_out = llmc_sdec_take_response(&s->dec);
        if (err && err->diagnosis.severity != LLMC_SEVERITY_WARNING)
            llmc_error_clear(err);
    }
    llmc_stream_free(s);
    return rc;
}
