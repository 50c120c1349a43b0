/* SPDX-License-Identifier: MIT */
/*
 * stream_decode.c — the stream decoder core both dialects share: blocks as they accumulate,
 * UTF-8 held back until a character is whole, exactly one terminal event, and the final
 * response. No I/O: bytes go in through llmc_sdec_feed, events come out through a callback.
 */
#include "stream.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static llmc_code on_sse_event(void *userdata, const llmc_sse_event *ev)
{
    llmc_sdec *d = userdata;
    if (d->state != LLMC_SDEC_RUNNING)
        return LLMC_OK; /* anything after the terminal event is ignored */
    return d->dialect->stream_event(d, ev);
}

void llmc_sdec_init(llmc_sdec *d, llmc_dialect_kind dialect, llmc_sdec_emit_fn emit, void *userdata)
{
    memset(d, 0, sizeof *d);
    d->dialect = llmc_dialect_get(dialect);
    d->emit = emit;
    d->userdata = userdata;
    d->text_block = d->think_block = -1;
    llmc_sse_init(&d->sse, 0);
}

/* What a failure that could not get its record says (out of memory, while failing). */
static const llmc_error no_memory_for_failure = {.code = LLMC_E_NOMEM, .message = "out of memory"};

/* The record of the terminal error, cleared; NULL when it could not be allocated. */
static llmc_error *failure_record(llmc_sdec *d)
{
    if (!d->failure)
        d->failure = malloc(sizeof *d->failure);
    if (d->failure)
        llmc_error_clear(d->failure);
    return d->failure;
}

static void free_blocks(llmc_sdec *d)
{
    for (size_t i = 0; i < d->n_blocks; i++) {
        llmc_buf_free(&d->blocks[i].text);
        free(d->blocks[i].tool_id);
        free(d->blocks[i].tool_name);
        free(d->blocks[i].start_input);
        llmc_buf_free(&d->blocks[i].signature);
        free(d->blocks[i].kind);
        free(d->blocks[i].raw);
        json_decref(d->blocks[i].whole);
        json_decref(d->blocks[i].citations);
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
    free(d->failure);
    d->id = d->model = d->stop_raw = NULL;
    d->final = NULL;
    d->failure = NULL;
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
    llmc_error *f = d->failure;
    if (!f) {
        d->state = LLMC_SDEC_FAILED;
        d->failure_code = LLMC_E_NOMEM;
        llmc_event ev = {
            .type = LLMC_EVENT_ERROR, .text = "", .tool_id = "", .tool_name = "", .error = &no_memory_for_failure};
        fill_event_state(d, &ev);
        if (d->emit)
            d->emit(d->userdata, &ev);
        return LLMC_E_NOMEM;
    }
    if (f->code == LLMC_OK)
        f->code = LLMC_E_PROTOCOL;
    if (!f->provider[0])
        llmc_strlcpy(f->provider, d->provider, sizeof f->provider);
    if (!f->http_status)
        f->http_status = d->http_status;
    if (!f->request_id[0])
        llmc_strlcpy(f->request_id, d->request_id, sizeof f->request_id);
    d->state = LLMC_SDEC_FAILED;
    d->failure_code = f->code;
    llmc_event ev = {.type = LLMC_EVENT_ERROR, .text = "", .tool_id = "", .tool_name = "", .error = f};
    fill_event_state(d, &ev);
    if (d->emit)
        d->emit(d->userdata, &ev); /* its answer no longer matters */
    return f->code;
}

llmc_code llmc_sdec_error(llmc_sdec *d, llmc_code code, const char *fmt, ...)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure_code : LLMC_OK;
    llmc_error *f = failure_record(d);
    if (f) {
        f->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->message, sizeof f->message, fmt, ap);
        va_end(ap);
    }
    return fail_now(d);
}

llmc_code llmc_sdec_fail(llmc_sdec *d, const llmc_error *why)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure_code : LLMC_OK;
    llmc_error *f = failure_record(d);
    if (f)
        *f = *why;
    return fail_now(d);
}

llmc_code llmc_sdec_provider_error(llmc_sdec *d, long status, const char *body, size_t len)
{
    if (d->state != LLMC_SDEC_RUNNING)
        return d->state == LLMC_SDEC_FAILED ? d->failure_code : LLMC_OK;
    llmc_error *f = failure_record(d);
    if (f) {
        llmc_error_from_response(status, "application/json", body, len, d->provider[0] ? d->provider : "the provider",
                                 f);
        f->http_status = d->http_status; /* what really came over the wire: the stream's status */
        if (!f->message[0])
            snprintf(f->message, sizeof f->message, "the provider reported an error mid-stream");
    }
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
        return d->state == LLMC_SDEC_FAILED ? d->failure_code : LLMC_OK;
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
    r->stop_reason = d->refused ? LLMC_STOP_REFUSAL : llmc_stop_reason_from(r->stop_reason_raw);
    r->usage = d->usage;
    r->usage_more = d->usage_more;
    /* Blocks in the order the non-streamed decoder gives them (a stable pass per rank keeps
     * tool calls in arrival order). */
    int ranks = d->dialect->n_ranks;
    for (int rank = 0; rank < ranks && !oom; rank++)
        for (size_t i = 0; i < d->n_blocks && !oom; i++) {
            llmc_sblock *b = &d->blocks[i];
            if (ranks > 1 && d->dialect->block_rank(b) != rank)
                continue;
            int added;
            if (b->type == LLMC_BLOCK_OTHER || b->type == LLMC_BLOCK_REDACTED_THINKING) {
                char *text = b->text.len ? take_text(b) : NULL;
                added = llmc_response_add_block(r, b->type, text, NULL, NULL);
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
            if (added == 0 && (b->kind || b->raw)) {
                added = llmc_response_set_raw(r, b->kind, b->raw);
                b->kind = b->raw = NULL;
            }
            if (added == 0 && b->citations)
                added = llmc_response_set_citations(r, b->citations);
            if (added == 0)
                r->blocks[r->n_blocks - 1].dialect = (unsigned char)d->dialect->kind;
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

llmc_code llmc_sdec_result(llmc_sdec *d, llmc_error *err)
{
    if (d->state != LLMC_SDEC_FAILED)
        return LLMC_OK;
    if (err)
        *err = d->failure ? *d->failure : no_memory_for_failure;
    return d->failure_code;
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
    return llmc_sdec_result(d, err);
}

llmc_code llmc_sdec_close(llmc_sdec *d, llmc_error *err)
{
    if (d->state == LLMC_SDEC_RUNNING) {
        llmc_sse_end(&d->sse); /* an unterminated last event is dropped, as the spec says */
        d->dialect->stream_close(d);
    }
    return llmc_sdec_result(d, err);
}

llmc_response *llmc_sdec_take_response(llmc_sdec *d)
{
    llmc_response *r = d->final;
    d->final = NULL;
    return r;
}
