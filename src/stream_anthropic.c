/* SPDX-License-Identifier: MIT */
/*
 * stream_anthropic.c — Anthropic's Messages event stream: message_start, content blocks
 * (start, deltas, stop), message_delta, message_stop, ping, and mid-stream errors. Text deltas,
 * nearly every event of a reply, are read by a small scanner; everything else goes to jansson.
 */
#include "stream.h"
#include "anthropic_wire.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { DT_NONE = 0, DT_TEXT, DT_THINKING, DT_JSON };

static long find_block(const llmc_sdec *d, long wire)
{
    for (size_t i = d->n_blocks; i-- > 0;) /* the newest block is nearly always the one */
        if (d->blocks[i].wire_index == wire)
            return (long)i;
    return -1;
}

static llmc_block_type block_for(int dt)
{
    return dt == DT_TEXT ? LLMC_BLOCK_TEXT : dt == DT_THINKING ? LLMC_BLOCK_THINKING : LLMC_BLOCK_TOOL_USE;
}

static llmc_event_type event_for(int dt)
{
    return dt == DT_TEXT ? LLMC_EVENT_TEXT : dt == DT_THINKING ? LLMC_EVENT_THINKING : LLMC_EVENT_TOOL_INPUT_DELTA;
}

static int delta_type(const char *s, size_t n)
{
    return llmc_j_eq(s, n, "text_delta")         ? DT_TEXT
           : llmc_j_eq(s, n, "thinking_delta")   ? DT_THINKING
           : llmc_j_eq(s, n, "input_json_delta") ? DT_JSON
                                                 : DT_NONE;
}

/* The fast path: {"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}
 * (or thinking_delta / input_json_delta), members in any order. Returns 1 when it handled the
 * event (*rc says how that went), 0 to let jansson decide — for any other shape, anything odd,
 * and every error, so that error messages come from one place. */
static int fast_delta(llmc_sdec *d, const char *data, size_t len, llmc_code *rc)
{
    llmc_jcur c = {data, data + len};
    const char *k, *v;
    size_t kn, vn;
    bool have_type = false, have_delta = false;
    long index = -1;
    int dtype = DT_NONE, field = DT_NONE;
    if (!llmc_j_char(&c, '{') || llmc_j_char(&c, '}'))
        return 0;
    do {
        if (!llmc_j_key(&c, &k, &kn))
            return 0;
        if (llmc_j_eq(k, kn, "type")) {
            if (have_type || !llmc_j_rawstr(&c, &v, &vn) || !llmc_j_eq(v, vn, "content_block_delta"))
                return 0;
            have_type = true;
        } else if (llmc_j_eq(k, kn, "index")) {
            if (index >= 0 || !llmc_j_uint(&c, &index))
                return 0;
        } else if (llmc_j_eq(k, kn, "delta")) {
            if (have_delta || !llmc_j_char(&c, '{') || llmc_j_char(&c, '}'))
                return 0;
            have_delta = true;
            do {
                if (!llmc_j_key(&c, &k, &kn))
                    return 0;
                int f = llmc_j_eq(k, kn, "text")           ? DT_TEXT
                        : llmc_j_eq(k, kn, "thinking")     ? DT_THINKING
                        : llmc_j_eq(k, kn, "partial_json") ? DT_JSON
                                                           : DT_NONE;
                if (llmc_j_eq(k, kn, "type")) {
                    if (dtype || !llmc_j_rawstr(&c, &v, &vn) || !(dtype = delta_type(v, vn)))
                        return 0;
                } else if (f) {
                    if (field || !llmc_j_string(&c, &d->scratch, true))
                        return 0;
                    field = f;
                } else if (!llmc_j_skip(&c, 32)) {
                    return 0;
                }
            } while (llmc_j_char(&c, ','));
            if (!llmc_j_char(&c, '}'))
                return 0;
        } else if (!llmc_j_skip(&c, 32)) {
            return 0;
        }
    } while (llmc_j_char(&c, ','));
    if (!llmc_j_char(&c, '}') || !llmc_j_at_end(&c) || !have_type || index < 0 || !dtype || dtype != field)
        return 0;
    long bi = find_block(d, index);
    if (bi < 0 || d->blocks[bi].type != block_for(dtype))
        return 0;
    *rc = llmc_sdec_block_text(d, (size_t)bi, event_for(dtype), d->scratch.data ? d->scratch.data : "", d->scratch.len);
    return 1;
}

/* ---- the general path (jansson) ---- */

static void read_usage(llmc_sdec *d, json_t *u)
{
    /* message_delta's usage is cumulative and may omit members: keep what it does not say. */
    llmc_anthropic_read_usage(u, &d->usage, &d->usage_more);
}

static long status_for_error_type(const char *type)
{
    static const struct {
        const char *type;
        long status;
    } map[] = {
        {"invalid_request_error", 400}, {"authentication_error", 401},
        {"billing_error", 402},         {"permission_error", 403},
        {"not_found_error", 404},       {"request_too_large", 413},
        {"rate_limit_error", 429},      {"api_error", 500},
        {"timeout_error", 408},         {"overloaded_error", 529},
    };
    for (size_t i = 0; type && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].type, type) == 0)
            return map[i].status;
    return 500;
}

static int dup_str(char **dst, json_t *v)
{
    const char *s = json_string_value(v);
    return llmc_sdec_set_str(dst, s ? s : "", s ? json_string_length(v) : 0);
}

/* A block is over: release held-back bytes and, for a tool call, turn the concatenated input
 * into the same compact JSON the non-streamed decoder prints. */
/* A block kept whole (one llmc does not model, or a tool call with members it does not read)
 * is complete: its input, streamed as JSON pieces, goes into it, and it is printed as it will be
 * sent back. */
static llmc_code finish_whole(llmc_sdec *d, llmc_sblock *b)
{
    json_t *whole = b->whole;
    if (b->text.len) {
        llmc_error e;
        llmc_error_clear(&e);
        json_t *input = llmc_json_parse(b->text.data, b->text.len, "Anthropic stream: block input", &e);
        if (!input)
            return llmc_sdec_fail(d, &e);
        if (json_object_set_new(whole, "input", input) != 0)
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
    }
    if (b->citations && json_object_set(whole, "citations", b->citations) != 0)
        return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
    free(b->raw);
    if (!(b->raw = llmc_json_dump(whole, JSON_COMPACT)))
        return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
    if (b->type != LLMC_BLOCK_TOOL_USE)
        llmc_buf_reset(&b->text); /* its pieces were JSON, not text the reader sees */
    return LLMC_OK;
}

/* A block is over: release held-back bytes and, for a tool call, turn the concatenated input
 * into the same compact JSON the non-streamed decoder prints. */
static llmc_code finish_block(llmc_sdec *d, size_t bi)
{
    llmc_sblock *b = &d->blocks[bi];
    if (b->stopped)
        return LLMC_OK;
    b->stopped = true;
    llmc_code rc = llmc_sdec_block_flush(d, bi);
    if (rc != LLMC_OK)
        return rc;
    if (b->type != LLMC_BLOCK_TOOL_USE)
        return b->whole ? finish_whole(d, b) : LLMC_OK;
    char *dump = NULL;
    if (b->text.len == 0) {
        if (!b->start_input)
            return b->whole ? finish_whole(d, b) : LLMC_OK;
        dump = b->start_input;
        b->start_input = NULL;
    } else {
        llmc_error e;
        llmc_error_clear(&e);
        json_t *input = llmc_json_parse(b->text.data, b->text.len, "Anthropic stream: tool input", &e);
        if (!input)
            return llmc_sdec_fail(d, &e);
        dump = llmc_json_dump(input, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(input);
    }
    if (b->whole && (rc = finish_whole(d, b)) != LLMC_OK) {
        free(dump);
        return rc;
    }
    llmc_buf_reset(&b->text);
    int bad = !dump || llmc_buf_append_str(&b->text, dump) < 0;
    free(dump);
    return bad ? llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream") : LLMC_OK;
}

static llmc_code block_start(llmc_sdec *d, json_t *root)
{
    json_t *jindex = json_object_get(root, "index");
    json_t *cb = json_object_get(root, "content_block");
    const char *btype = json_string_value(json_object_get(cb, "type"));
    if (!json_is_integer(jindex) || json_integer_value(jindex) < 0 || !btype)
        return llmc_sdec_error(d, LLMC_E_PROTOCOL,
                               "Anthropic stream: content_block_start without an index or a block type");
    long wire = (long)json_integer_value(jindex);
    if (find_block(d, wire) >= 0)
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "Anthropic stream: content block %ld started twice", wire);
    llmc_block_type type = strcmp(btype, "text") == 0                ? LLMC_BLOCK_TEXT
                           : strcmp(btype, "thinking") == 0          ? LLMC_BLOCK_THINKING
                           : strcmp(btype, "tool_use") == 0          ? LLMC_BLOCK_TOOL_USE
                           : strcmp(btype, "redacted_thinking") == 0 ? LLMC_BLOCK_REDACTED_THINKING
                                                                     : LLMC_BLOCK_OTHER;
    long bi = llmc_sdec_add_block(d, type, wire);
    if (bi < 0)
        return d->failure_code;
    llmc_sblock *b = &d->blocks[bi];
    if (type == LLMC_BLOCK_OTHER || type == LLMC_BLOCK_REDACTED_THINKING ||
        (type == LLMC_BLOCK_TOOL_USE && llmc_anthropic_tool_has_extra(cb))) {
        /* kept whole, to be sent back as it came (its input, if any, streams in pieces) */
        b->whole = json_deep_copy(cb);
        if (!b->whole || (type != LLMC_BLOCK_TOOL_USE && llmc_sdec_set_str(&b->kind, btype, strlen(btype)) < 0))
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
        if (type != LLMC_BLOCK_TOOL_USE)
            return LLMC_OK;
    }
    if (type == LLMC_BLOCK_TOOL_USE) {
        json_t *input = json_object_get(cb, "input");
        if (dup_str(&b->tool_id, json_object_get(cb, "id")) < 0 ||
            dup_str(&b->tool_name, json_object_get(cb, "name")) < 0 ||
            (input && !(b->start_input = llmc_json_dump(input, JSON_COMPACT | JSON_ENCODE_ANY))))
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
        llmc_event ev = {
            .type = LLMC_EVENT_TOOL_USE_START, .index = (size_t)bi, .tool_id = b->tool_id, .tool_name = b->tool_name};
        return llmc_sdec_emit(d, &ev);
    }
    json_t *sig = json_object_get(cb, "signature");
    if (type == LLMC_BLOCK_THINKING && json_is_string(sig)) {
        b->has_signature = true;
        if (llmc_buf_append(&b->signature, json_string_value(sig), json_string_length(sig)) < 0)
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
    }
    /* A text or thinking block may start with some text already. */
    json_t *initial = json_object_get(cb, type == LLMC_BLOCK_TEXT ? "text" : "thinking");
    if ((type == LLMC_BLOCK_TEXT || type == LLMC_BLOCK_THINKING) && json_string_length(initial) > 0)
        return llmc_sdec_block_text(d, (size_t)bi, type == LLMC_BLOCK_TEXT ? LLMC_EVENT_TEXT : LLMC_EVENT_THINKING,
                                    json_string_value(initial), json_string_length(initial));
    return LLMC_OK;
}

static llmc_code block_delta(llmc_sdec *d, json_t *root)
{
    json_t *jindex = json_object_get(root, "index");
    json_t *delta = json_object_get(root, "delta");
    const char *dtype_s = json_string_value(json_object_get(delta, "type"));
    if (!json_is_integer(jindex) || !dtype_s)
        return llmc_sdec_error(d, LLMC_E_PROTOCOL,
                               "Anthropic stream: content_block_delta without an index or a delta type");
    long wire = (long)json_integer_value(jindex);
    long bi = find_block(d, wire);
    if (bi < 0)
        return llmc_sdec_error(d, LLMC_E_PROTOCOL,
                               "Anthropic stream: a delta for content block %ld, which never started", wire);
    int dt = delta_type(dtype_s, strlen(dtype_s));
    llmc_sblock *b = &d->blocks[bi];
    json_t *sig = json_object_get(delta, "signature");
    if (strcmp(dtype_s, "signature_delta") == 0 && b->type == LLMC_BLOCK_THINKING && json_is_string(sig)) {
        /* not text the caller reads, but needed to send the thinking block back */
        b->has_signature = true;
        if (llmc_buf_append(&b->signature, json_string_value(sig), json_string_length(sig)) < 0)
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
        return LLMC_OK;
    }
    json_t *citation = json_object_get(delta, "citation");
    if (strcmp(dtype_s, "citations_delta") == 0 && b->type == LLMC_BLOCK_TEXT && json_is_object(citation)) {
        char *text = llmc_json_dump(citation, JSON_COMPACT);
        if (!text || (!b->citations && !(b->citations = json_array())) ||
            json_array_append(b->citations, citation) != 0) {
            free(text);
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
        }
        llmc_event ev = {.type = LLMC_EVENT_CITATION, .index = (size_t)bi, .text = text, .text_len = strlen(text)};
        llmc_code rc = llmc_sdec_emit(d, &ev);
        free(text);
        return rc;
    }
    if (dt == DT_JSON && b->type == LLMC_BLOCK_OTHER && b->whole) {
        /* a server tool's input: part of the block sent back, not text the reader sees */
        json_t *piece = json_object_get(delta, "partial_json");
        if (json_is_string(piece) && llmc_buf_append(&b->text, json_string_value(piece), json_string_length(piece)) < 0)
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
        return LLMC_OK;
    }
    if (dt == DT_NONE || b->type == LLMC_BLOCK_OTHER || b->type == LLMC_BLOCK_REDACTED_THINKING)
        return LLMC_OK; /* deltas of blocks llmc keeps whole, and delta types added later */
    if (b->type != block_for(dt))
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "Anthropic stream: a %s for content block %ld of another type",
                               dtype_s, wire);
    json_t *piece = json_object_get(delta, dt == DT_TEXT ? "text" : dt == DT_THINKING ? "thinking" : "partial_json");
    if (!json_is_string(piece))
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "Anthropic stream: a %s without its text", dtype_s);
    return llmc_sdec_block_text(d, (size_t)bi, event_for(dt), json_string_value(piece), json_string_length(piece));
}

static llmc_code handle(llmc_sdec *d, json_t *root, bool error_event, const llmc_sse_event *ev)
{
    const char *type = json_string_value(json_object_get(root, "type"));
    if (error_event || (type && strcmp(type, "error") == 0)) {
        const char *etype = json_string_value(json_object_get(json_object_get(root, "error"), "type"));
        return llmc_sdec_provider_error(d, status_for_error_type(etype), ev->data, ev->data_len);
    }
    if (!json_is_object(root) || !type)
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "Anthropic stream: an event without a type");
    if (strcmp(type, "content_block_delta") == 0)
        return block_delta(d, root);
    if (strcmp(type, "content_block_start") == 0)
        return block_start(d, root);
    if (strcmp(type, "content_block_stop") == 0) {
        json_t *jindex = json_object_get(root, "index");
        long bi = json_is_integer(jindex) ? find_block(d, (long)json_integer_value(jindex)) : -1;
        if (bi < 0)
            return llmc_sdec_error(d, LLMC_E_PROTOCOL,
                                   "Anthropic stream: content_block_stop for a block that never started");
        return finish_block(d, (size_t)bi);
    }
    if (strcmp(type, "message_start") == 0) {
        json_t *msg = json_object_get(root, "message");
        if (d->started || !json_is_object(msg))
            return llmc_sdec_error(d, LLMC_E_PROTOCOL,
                                   d->started ? "Anthropic stream: a second message_start"
                                              : "Anthropic stream: message_start without a message");
        d->started = true;
        if ((json_is_string(json_object_get(msg, "id")) && dup_str(&d->id, json_object_get(msg, "id")) < 0) ||
            (json_is_string(json_object_get(msg, "model")) && dup_str(&d->model, json_object_get(msg, "model")) < 0))
            return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
        json_t *usage = json_object_get(msg, "usage");
        if (!json_is_object(usage))
            return LLMC_OK;
        read_usage(d, usage);
        return llmc_sdec_emit_simple(d, LLMC_EVENT_USAGE);
    }
    if (strcmp(type, "message_delta") == 0) {
        json_t *reason = json_object_get(json_object_get(root, "delta"), "stop_reason");
        json_t *usage = json_object_get(root, "usage");
        llmc_code rc = LLMC_OK;
        if (json_is_string(reason)) {
            if (dup_str(&d->stop_raw, reason) < 0)
                return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
            rc = llmc_sdec_emit_simple(d, LLMC_EVENT_STOP);
        }
        if (rc == LLMC_OK && json_is_object(usage)) {
            read_usage(d, usage);
            rc = llmc_sdec_emit_simple(d, LLMC_EVENT_USAGE);
        }
        return rc;
    }
    if (strcmp(type, "message_stop") == 0) {
        for (size_t i = 0; i < d->n_blocks; i++) {
            llmc_code rc = finish_block(d, i);
            if (rc != LLMC_OK)
                return rc;
        }
        return llmc_sdec_done(d);
    }
    return LLMC_OK; /* ping, and event types added after this was written */
}

llmc_code llmc_sdec_anthropic_event(llmc_sdec *d, const llmc_sse_event *ev)
{
    if (ev->data_len == 0)
        return LLMC_OK;
    bool error_event = llmc_j_eq(ev->type, ev->type_len, "error");
    llmc_code rc;
    if (!d->no_fast_path && !error_event && fast_delta(d, ev->data, ev->data_len, &rc))
        return rc;
    llmc_error e;
    llmc_error_clear(&e);
    json_t *root = llmc_json_parse(ev->data, ev->data_len, "Anthropic stream event", &e);
    if (!root)
        return error_event ? llmc_sdec_provider_error(d, 500, ev->data, ev->data_len) : llmc_sdec_fail(d, &e);
    rc = handle(d, root, error_event, ev);
    json_decref(root);
    return rc;
}
