/* SPDX-License-Identifier: MIT */
/*
 * stream_openai.c — OpenAI-compatible chat-completion chunks (Cerebras, Fireworks, OpenAI, …):
 * content and reasoning deltas, tool calls assembled by index, finish_reason, usage on the last
 * chunk or on an extra one, [DONE] or a plain close, error chunks. Content-only chunks take a
 * small scanner; everything else goes to jansson.
 */
#include "stream.h"

#include <stdlib.h>
#include <string.h>

static llmc_code oom(llmc_sdec *d)
{
    return llmc_sdec_error(d, LLMC_E_NOMEM, "out of memory while decoding the stream");
}

/* The thinking and text blocks appear when their first non-empty piece does. */
static llmc_code add_reasoning(llmc_sdec *d, const char *s, size_t n)
{
    if (n == 0)
        return LLMC_OK;
    if (d->think_block < 0 && (d->think_block = llmc_sdec_add_block(d, LLMC_BLOCK_THINKING, -1)) < 0)
        return d->failure_code;
    return llmc_sdec_block_text(d, (size_t)d->think_block, LLMC_EVENT_THINKING, s, n);
}

static llmc_code add_content(llmc_sdec *d, const char *s, size_t n)
{
    d->content_seen = true; /* even "": the non-streamed reply then has an (empty) text block */
    if (n == 0)
        return LLMC_OK;
    if (d->text_block < 0 && (d->text_block = llmc_sdec_add_block(d, LLMC_BLOCK_TEXT, -1)) < 0)
        return d->failure_code;
    return llmc_sdec_block_text(d, (size_t)d->text_block, LLMC_EVENT_TEXT, s, n);
}

/* Refusal text (structured output the model declined): a block of its own, not the answer. */
static llmc_code add_refusal(llmc_sdec *d, const char *s, size_t n)
{
    long bi = -1;
    for (size_t i = 0; i < d->n_blocks; i++)
        if (d->blocks[i].type == LLMC_BLOCK_OTHER && d->blocks[i].kind && strcmp(d->blocks[i].kind, "refusal") == 0)
            bi = (long)i;
    if (bi < 0) {
        if ((bi = llmc_sdec_add_block(d, LLMC_BLOCK_OTHER, -1)) < 0)
            return d->failure_code;
        if (llmc_sdec_set_str(&d->blocks[bi].kind, "refusal", 7) < 0 ||
            !(d->blocks[bi].whole = json_pack("{s:s}", "type", "refusal")))
            return oom(d);
    }
    d->refused = true;
    return llmc_buf_append(&d->blocks[bi].text, s, n) < 0 ? oom(d) : LLMC_OK;
}

/* The fast path: a chunk whose only news is delta.content and/or reasoning text, e.g.
 * {"id":…,"object":"chat.completion.chunk","created":…,"model":…,"choices":[{"index":0,
 * "delta":{"content":"…"},"finish_reason":null}],"usage":null}. Returns 1 when handled (*rc
 * says how), 0 to let jansson decide (first chunk, tool calls, finish, usage, errors, oddities). */
static int fast_chunk(llmc_sdec *d, const char *data, size_t len, llmc_code *rc)
{
    llmc_jcur c = {data, data + len};
    const char *k;
    size_t kn;
    bool seen_choices = false, seen_usage = false, seen_error = false;
    bool seen_index = false, seen_delta = false, seen_finish = false;
    bool seen_content = false, seen_rc = false, seen_r = false;
    bool have_content = false, have_reasoning = false;
    if (!llmc_j_char(&c, '{') || llmc_j_char(&c, '}'))
        return 0;
    do {
        if (!llmc_j_key(&c, &k, &kn))
            return 0;
        if (llmc_j_eq(k, kn, "choices")) {
            if (seen_choices || !llmc_j_char(&c, '['))
                return 0;
            seen_choices = true;
            if (llmc_j_char(&c, ']'))
                continue;
            if (!llmc_j_char(&c, '{') || llmc_j_char(&c, '}'))
                return 0;
            do {
                if (!llmc_j_key(&c, &k, &kn))
                    return 0;
                if (llmc_j_eq(k, kn, "index")) {
                    long idx;
                    if (seen_index || !llmc_j_uint(&c, &idx) || idx != 0)
                        return 0;
                    seen_index = true;
                } else if (llmc_j_eq(k, kn, "finish_reason")) {
                    if (seen_finish || !llmc_j_null(&c))
                        return 0;
                    seen_finish = true;
                } else if (llmc_j_eq(k, kn, "delta")) {
                    if (seen_delta || !llmc_j_char(&c, '{'))
                        return 0;
                    seen_delta = true;
                    if (!llmc_j_char(&c, '}')) {
                        do {
                            if (!llmc_j_key(&c, &k, &kn))
                                return 0;
                            if (llmc_j_eq(k, kn, "content")) {
                                if (seen_content)
                                    return 0;
                                seen_content = true;
                                if (!llmc_j_null(&c)) {
                                    if (!llmc_j_string(&c, &d->scratch, true))
                                        return 0;
                                    have_content = true;
                                }
                            } else if (llmc_j_eq(k, kn, "reasoning_content") || llmc_j_eq(k, kn, "reasoning")) {
                                bool *seen = kn == 17 ? &seen_rc : &seen_r;
                                if (*seen)
                                    return 0;
                                *seen = true;
                                if (!llmc_j_null(&c)) {
                                    /* both as strings: which wins is jansson's path to decide */
                                    if (have_reasoning || !llmc_j_string(&c, &d->scratch2, true))
                                        return 0;
                                    have_reasoning = true;
                                }
                            } else if (llmc_j_eq(k, kn, "tool_calls")) {
                                return 0;
                            } else if (llmc_j_eq(k, kn, "refusal")) {
                                if (!llmc_j_null(&c))
                                    return 0; /* refusal text: jansson's path keeps it */
                            } else if (!llmc_j_skip(&c, 32)) {
                                return 0;
                            }
                        } while (llmc_j_char(&c, ','));
                        if (!llmc_j_char(&c, '}'))
                            return 0;
                    }
                } else if (!llmc_j_skip(&c, 32)) {
                    return 0;
                }
            } while (llmc_j_char(&c, ','));
            if (!llmc_j_char(&c, '}') || !llmc_j_char(&c, ']'))
                return 0; /* a second choice, or worse */
        } else if (llmc_j_eq(k, kn, "usage") || llmc_j_eq(k, kn, "error")) {
            bool *seen = k[0] == 'u' ? &seen_usage : &seen_error;
            if (*seen || !llmc_j_null(&c))
                return 0;
            *seen = true;
        } else if ((llmc_j_eq(k, kn, "id") && !d->id) || (llmc_j_eq(k, kn, "model") && !d->model)) {
            return 0; /* the first chunk: jansson records them */
        } else if (llmc_j_eq(k, kn, "x_groq")) {
            return 0; /* may carry the usage */
        } else if (!llmc_j_skip(&c, 32)) {
            return 0;
        }
    } while (llmc_j_char(&c, ','));
    if (!llmc_j_char(&c, '}') || !llmc_j_at_end(&c))
        return 0;
    *rc = LLMC_OK;
    if (have_reasoning)
        *rc = add_reasoning(d, d->scratch2.data ? d->scratch2.data : "", d->scratch2.len);
    if (*rc == LLMC_OK && have_content)
        *rc = add_content(d, d->scratch.data ? d->scratch.data : "", d->scratch.len);
    return 1;
}

/* ---- the general path (jansson) ---- */

/* A tool call by its index on the wire: a function call, or a call of another type kept whole. */
static long find_tool(const llmc_sdec *d, long wire)
{
    for (size_t i = d->n_blocks; i-- > 0;)
        if ((d->blocks[i].type == LLMC_BLOCK_TOOL_USE ||
             (d->blocks[i].type == LLMC_BLOCK_OTHER && d->blocks[i].whole)) &&
            d->blocks[i].wire_index == wire)
            return (long)i;
    return -1;
}

/* A call of a type llmc does not model (OpenAI's `custom`: {id, type, custom:{name, input}}):
 * kept whole, its `input` pieces gathered, so the final response can send it back. */
static llmc_code other_call(llmc_sdec *d, json_t *tc, long wire, long bi, const char *type)
{
    json_t *body = json_object_get(tc, type);
    if (bi < 0) {
        if ((bi = llmc_sdec_add_block(d, LLMC_BLOCK_OTHER, wire)) < 0)
            return d->failure_code;
        llmc_sblock *b = &d->blocks[bi];
        b->whole = json_deep_copy(tc);
        if (!b->whole || llmc_sdec_set_str(&b->kind, type, strlen(type)) < 0)
            return oom(d);
        json_object_del(b->whole, "index");
    } else if (json_is_string(json_object_get(tc, "id")) &&
               json_object_set(d->blocks[bi].whole, "id", json_object_get(tc, "id")) != 0) {
        return oom(d);
    }
    json_t *input = json_object_get(body, "input");
    if (json_is_string(input) &&
        llmc_buf_append(&d->blocks[bi].text, json_string_value(input), json_string_length(input)) < 0)
        return oom(d);
    return LLMC_OK;
}

static int dup_str(char **dst, json_t *v)
{
    const char *s = json_string_value(v);
    return llmc_sdec_set_str(dst, s ? s : "", s ? json_string_length(v) : 0);
}

static llmc_code tool_calls(llmc_sdec *d, json_t *calls)
{
    size_t i;
    json_t *tc;
    json_array_foreach(calls, i, tc)
    {
        if (!json_is_object(tc))
            return llmc_sdec_error(d, LLMC_E_PROTOCOL, "chat completion chunk: a tool call that is not an object");
        json_t *jindex = json_object_get(tc, "index");
        long wire = json_is_integer(jindex) ? (long)json_integer_value(jindex) : (long)i;
        json_t *fn = json_object_get(tc, "function");
        long bi = find_tool(d, wire);
        const char *type = json_string_value(json_object_get(tc, "type"));
        if ((type && strcmp(type, "function") != 0) || (bi >= 0 && d->blocks[bi].type == LLMC_BLOCK_OTHER)) {
            llmc_code rc = other_call(d, tc, wire, bi, bi >= 0 ? d->blocks[bi].kind : type);
            if (rc != LLMC_OK)
                return rc;
            continue;
        }
        if (bi < 0) {
            if (!json_is_string(json_object_get(fn, "name")))
                return llmc_sdec_error(d, LLMC_E_PROTOCOL, "chat completion chunk: tool call %ld has no function name",
                                       wire);
            if ((bi = llmc_sdec_add_block(d, LLMC_BLOCK_TOOL_USE, wire)) < 0)
                return d->failure_code;
            llmc_sblock *b = &d->blocks[bi];
            if (dup_str(&b->tool_id, json_object_get(tc, "id")) < 0 ||
                dup_str(&b->tool_name, json_object_get(fn, "name")) < 0)
                return oom(d);
            llmc_event ev = {.type = LLMC_EVENT_TOOL_USE_START,
                             .index = (size_t)bi,
                             .tool_id = b->tool_id,
                             .tool_name = b->tool_name};
            llmc_code rc = llmc_sdec_emit(d, &ev);
            if (rc != LLMC_OK)
                return rc;
        } else if (json_is_string(json_object_get(tc, "id")) && !d->blocks[bi].tool_id[0] &&
                   dup_str(&d->blocks[bi].tool_id, json_object_get(tc, "id")) < 0) {
            return oom(d);
        }
        json_t *args = json_object_get(fn, "arguments");
        if (json_is_string(args)) {
            d->blocks[bi].args_seen = true;
            llmc_code rc = llmc_sdec_block_text(d, (size_t)bi, LLMC_EVENT_TOOL_INPUT_DELTA, json_string_value(args),
                                                json_string_length(args));
            if (rc != LLMC_OK)
                return rc;
        }
    }
    return LLMC_OK;
}

static llmc_code choice(llmc_sdec *d, json_t *ch)
{
    json_t *delta = json_object_get(ch, "delta");
    llmc_code rc = LLMC_OK;
    if (json_is_object(delta)) {
        /* Fireworks and DeepSeek-style servers say reasoning_content, Cerebras reasoning. */
        json_t *reasoning = json_object_get(delta, "reasoning_content");
        if (!json_is_string(reasoning))
            reasoning = json_object_get(delta, "reasoning");
        if (json_is_string(reasoning))
            rc = add_reasoning(d, json_string_value(reasoning), json_string_length(reasoning));
        json_t *content = json_object_get(delta, "content");
        if (rc == LLMC_OK && json_is_string(content))
            rc = add_content(d, json_string_value(content), json_string_length(content));
        json_t *calls = json_object_get(delta, "tool_calls");
        if (rc == LLMC_OK && json_is_array(calls))
            rc = tool_calls(d, calls);
        json_t *refusal = json_object_get(delta, "refusal");
        if (rc == LLMC_OK && json_is_string(refusal) && json_string_length(refusal) > 0)
            rc = add_refusal(d, json_string_value(refusal), json_string_length(refusal));
    }
    json_t *finish = json_object_get(ch, "finish_reason");
    if (rc == LLMC_OK && json_is_string(finish)) {
        d->finished = true;
        if (!d->stop_raw || strcmp(d->stop_raw, json_string_value(finish)) != 0) {
            if (dup_str(&d->stop_raw, finish) < 0)
                return oom(d);
            if ((rc = llmc_sdec_flush_all(d)) == LLMC_OK)
                rc = llmc_sdec_emit_simple(d, LLMC_EVENT_STOP);
        }
    }
    return rc;
}

/* The status an error chunk stands for: its own status_code when it gives one, else a guess
 * from its type, else 500 (it arrived mid-stream: the server failed). */
static long error_status(json_t *root, json_t *error)
{
    json_t *sc = json_object_get(root, "status_code");
    if (!json_is_integer(sc))
        sc = json_object_get(error, "status_code");
    if (json_is_integer(sc) && json_integer_value(sc) >= 400 && json_integer_value(sc) <= 599)
        return (long)json_integer_value(sc);
    /* OpenRouter puts the HTTP status in error.code (a number; sometimes a string) */
    json_t *code = json_object_get(error, "code");
    if (json_is_integer(code) && json_integer_value(code) >= 400 && json_integer_value(code) <= 599)
        return (long)json_integer_value(code);
    const char *type = json_string_value(json_object_get(error, "type"));
    if (type && (strstr(type, "rate_limit") || strstr(type, "too_many")))
        return 429;
    if (type && strcmp(type, "invalid_request_error") == 0)
        return 400;
    return 500;
}

static llmc_code chunk(llmc_sdec *d, json_t *root, bool error_event, const llmc_sse_event *ev)
{
    json_t *error = json_object_get(root, "error");
    if (error_event || (error && !json_is_null(error)))
        return llmc_sdec_provider_error(d, error_status(root, error), ev->data, ev->data_len);
    if (!json_is_object(root))
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "chat completion chunk: expected a JSON object");
    json_t *id = json_object_get(root, "id"), *model = json_object_get(root, "model");
    if ((!d->id && json_is_string(id) && dup_str(&d->id, id) < 0) ||
        (!d->model && json_is_string(model) && dup_str(&d->model, model) < 0))
        return oom(d);
    json_t *choices = json_object_get(root, "choices");
    if (choices && !json_is_array(choices) && !json_is_null(choices))
        return llmc_sdec_error(d, LLMC_E_PROTOCOL, "chat completion chunk: choices is not an array");
    size_t i;
    json_t *ch;
    json_array_foreach(choices, i, ch)
    {
        if (!json_is_object(ch))
            return llmc_sdec_error(d, LLMC_E_PROTOCOL, "chat completion chunk: a choice that is not an object");
        json_t *jindex = json_object_get(ch, "index");
        long index = json_is_integer(jindex) ? (long)json_integer_value(jindex) : (long)i;
        if (index != 0)
            continue; /* like the non-streamed decoder: the first choice is the reply */
        llmc_code rc = choice(d, ch);
        if (rc != LLMC_OK)
            return rc;
    }
    json_t *usage = json_object_get(root, "usage");
    if (!json_is_object(usage)) /* Groq: only in x_groq, on the last chunk */
        usage = json_object_get(json_object_get(root, "x_groq"), "usage");
    if (json_is_object(usage)) {
        d->finished = true;
        llmc_openai_read_usage(root, &d->usage, &d->usage_more);
        return llmc_sdec_emit_simple(d, LLMC_EVENT_USAGE);
    }
    return LLMC_OK;
}

llmc_code llmc_sdec_openai_finish(llmc_sdec *d)
{
    if (d->content_seen && d->text_block < 0 && (d->text_block = llmc_sdec_add_block(d, LLMC_BLOCK_TEXT, -1)) < 0)
        return d->failure_code;
    for (size_t i = 0; i < d->n_blocks; i++) {
        llmc_sblock *b = &d->blocks[i];
        /* no arguments at all: the non-streamed decoder says "{}" too */
        if (b->type == LLMC_BLOCK_TOOL_USE && !b->args_seen && llmc_buf_append_str(&b->text, "{}") < 0)
            return oom(d);
        if (b->type == LLMC_BLOCK_OTHER && b->whole) {
            bool refusal = b->kind && strcmp(b->kind, "refusal") == 0;
            json_t *body = refusal ? b->whole : json_object_get(b->whole, b->kind);
            if (!json_is_object(body) && !(body = json_object()))
                return oom(d);
            if (!refusal && body != json_object_get(b->whole, b->kind) &&
                json_object_set_new(b->whole, b->kind, body) != 0)
                return oom(d);
            if (json_object_set_new(body, refusal ? "refusal" : "input",
                                    json_stringn(b->text.data ? b->text.data : "", b->text.len)) != 0 ||
                !(b->raw = llmc_json_dump(b->whole, JSON_COMPACT)))
                return oom(d);
            if (!refusal)
                llmc_buf_reset(&b->text); /* the input is in the block's JSON, not its text */
        }
    }
    return llmc_sdec_done(d);
}

llmc_code llmc_sdec_openai_event(llmc_sdec *d, const llmc_sse_event *ev)
{
    if (ev->data_len == 0)
        return LLMC_OK;
    if (ev->data_len >= 6 && memcmp(ev->data, "[DONE]", 6) == 0)
        return llmc_sdec_openai_finish(d);
    bool error_event = llmc_j_eq(ev->type, ev->type_len, "error");
    llmc_code rc;
    if (!d->no_fast_path && !error_event && fast_chunk(d, ev->data, ev->data_len, &rc))
        return rc;
    llmc_error e;
    llmc_error_clear(&e);
    json_t *root = llmc_json_parse(ev->data, ev->data_len, "chat completion chunk", &e);
    if (!root)
        return error_event ? llmc_sdec_provider_error(d, 500, ev->data, ev->data_len) : llmc_sdec_fail(d, &e);
    rc = chunk(d, root, error_event, ev);
    json_decref(root);
    return rc;
}
