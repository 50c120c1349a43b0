/* SPDX-License-Identifier: MIT */
/* Anthropic's streamed Messages reply, built from the same content the non-streamed reply has:
 * message_start, then per block content_block_start, its deltas (text_delta per word,
 * thinking_delta + signature_delta, input_json_delta slices for tool and server-tool input,
 * citations_delta after cited text; blocks like search results arrive whole in their start),
 * content_block_stop; message_delta with the stop reason and cumulative usage; message_stop.
 * The reply's main block (its text, or its last tool call) streams lazily, so the
 * x-emulator-stream-* knobs and 100,000-event benchmarks still cost nothing. */
#define _POSIX_C_SOURCE 200809L
#include "anthropic.h"
#include "emu_rules.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*frame_fn)(emu_stream *s, const char *event, json_t *value);

static void delta(frame_fn put, emu_stream *s, size_t index, json_t *d)
{
    put(s, "content_block_delta",
        json_pack("{s:s, s:I, s:o}", "type", "content_block_delta", "index", (json_int_t)index, "delta", d));
}

static void json_slices(frame_fn put, emu_stream *s, size_t index, const char *json)
{
    delta(put, s, index, json_pack("{s:s, s:s}", "type", "input_json_delta", "partial_json", ""));
    size_t n = strlen(json);
    for (size_t i = 0; i < n; i += 8) {
        char slice[9] = {0};
        memcpy(slice, json + i, n - i < 8 ? n - i : 8);
        delta(put, s, index, json_pack("{s:s, s:s}", "type", "input_json_delta", "partial_json", slice));
    }
}

/* Whether a block's input streams in pieces (tool calls, server tool calls). */
static int has_input(const json_t *b)
{
    const char *type = json_string_value(json_object_get(b, "type"));
    return type && (strcmp(type, "tool_use") == 0 || strcmp(type, "server_tool_use") == 0);
}

/* One whole block, fully rendered, through `put` (prefix or suffix). */
static void whole_block(frame_fn put, emu_stream *s, size_t index, const json_t *b)
{
    const char *type = json_string_value(json_object_get(b, "type"));
    json_t *start = json_deep_copy(b);
    if (strcmp(type, "text") == 0) {
        json_object_set_new(start, "text", json_string(""));
        json_object_del(start, "citations");
    } else if (strcmp(type, "thinking") == 0) {
        json_object_set_new(start, "thinking", json_string(""));
        json_object_set_new(start, "signature", json_string(""));
    } else if (has_input(b)) {
        json_object_set_new(start, "input", json_object());
    }
    put(s, "content_block_start",
        json_pack("{s:s, s:I, s:o}", "type", "content_block_start", "index", (json_int_t)index, "content_block",
                  start));
    if (strcmp(type, "text") == 0) {
        delta(put, s, index, json_pack("{s:s, s:O}", "type", "text_delta", "text", json_object_get(b, "text")));
        size_t i;
        json_t *cite;
        json_array_foreach(json_object_get(b, "citations"), i, cite)
            delta(put, s, index, json_pack("{s:s, s:O}", "type", "citations_delta", "citation", cite));
    } else if (strcmp(type, "thinking") == 0) {
        delta(put, s, index,
              json_pack("{s:s, s:O}", "type", "thinking_delta", "thinking", json_object_get(b, "thinking")));
        delta(put, s, index,
              json_pack("{s:s, s:O}", "type", "signature_delta", "signature", json_object_get(b, "signature")));
    } else if (has_input(b)) {
        char *input = json_dumps(json_object_get(b, "input"), JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_slices(put, s, index, input ? input : "{}");
        free(input);
    }
    put(s, "content_block_stop", json_pack("{s:s, s:I}", "type", "content_block_stop", "index", (json_int_t)index));
}

/* The block that streams lazily: the reply's text, else its last tool call; -1 when none. */
static long main_block(const json_t *content, const emu_answer *a, const emu_convo *c)
{
    if (c->pause)
        return -1;
    long found = -1;
    size_t i;
    json_t *b;
    json_array_foreach(content, i, b)
    {
        const char *type = json_string_value(json_object_get(b, "type"));
        if (a->stop == EMU_STOP_TOOL ? strcmp(type, "tool_use") == 0
                                     : strcmp(type, "text") == 0 && !json_object_get(b, "citations") && found < 0)
            found = (long)i;
    }
    return found;
}

void anthropic_stream(emu_reply *r, const emu_request *rq, const char *model, const emu_convo *c, const emu_answer *a)
{
    emu_stream *s = stream_new();
    if (!s) {
        error_reply(r, rq, 500, NULL);
        return;
    }
    json_t *msg = anthropic_message(model, c, a);
    json_t *content = json_incref(json_object_get(msg, "content"));
    long main = main_block(content, a, c);

    json_t *start = json_deep_copy(msg);
    json_object_set_new(start, "content", json_array());
    json_object_set_new(start, "stop_reason", json_null());
    json_object_set_new(start, "stop_sequence", json_null());
    json_object_set_new(start, "usage", anthropic_usage(c, 1));
    stream_prefix_json(s, "message_start", json_pack("{s:s, s:o}", "type", "message_start", "message", start));

    size_t i;
    json_t *b;
    json_array_foreach(content, i, b)
    {
        if ((long)i < main || main < 0)
            whole_block(stream_prefix_json, s, i, b);
    }
    size_t output = json_integer_value(json_object_get(json_object_get(msg, "usage"), "output_tokens"));
    if (main >= 0) {
        json_t *mb = json_array_get(content, (size_t)main);
        int tool = a->stop == EMU_STOP_TOOL;
        json_t *cb = tool ? json_pack("{s:s, s:O, s:O, s:{}}", "type", "tool_use", "id", json_object_get(mb, "id"),
                                      "name", json_object_get(mb, "name"), "input")
                          : json_pack("{s:s, s:s}", "type", "text", "text", "");
        stream_prefix_json(s, "content_block_start",
                           json_pack("{s:s, s:I, s:o}", "type", "content_block_start", "index", (json_int_t)main,
                                     "content_block", cb));
        stream_add_prefix(s, stream_frame("ping", "{\"type\": \"ping\"}"));
        stream_set_delta_json(s, "content_block_delta",
                              json_pack("{s:s, s:I, s:{s:s, s:s}}", "type", "content_block_delta", "index",
                                        (json_int_t)main, "delta", "type", tool ? "input_json_delta" : "text_delta",
                                        tool ? "partial_json" : "text", STREAM_PIECE_MARKER),
                              !tool);
        if (tool) {
            char *input = json_dumps(json_object_get(mb, "input"), JSON_COMPACT | JSON_PRESERVE_ORDER);
            stream_add_piece(s, "");
            size_t n = input ? strlen(input) : 0;
            for (size_t k = 0; k < n; k += 8) {
                char slice[9] = {0};
                memcpy(slice, input + k, n - k < 8 ? n - k : 8);
                stream_add_piece(s, slice);
            }
            free(input);
        } else {
            stream_add_words(s, a->text);
        }
        size_t deltas = stream_apply_request(s, rq, !tool);
        /* With x-emulator-stream-events each delta is one word: usage counts what was sent. */
        if (!tool && deltas != stream_piece_count(s))
            output = deltas;
        stream_suffix_json(s, "content_block_stop",
                           json_pack("{s:s, s:I}", "type", "content_block_stop", "index", (json_int_t)main));
        json_array_foreach(content, i, b)
        {
            if ((long)i > main)
                whole_block(stream_suffix_json, s, i, b);
        }
    } else {
        stream_apply_request(s, rq, 0);
    }
    json_t *d = json_pack("{s:O}", "stop_reason", json_object_get(msg, "stop_reason"));
    json_object_set(d, "stop_sequence", json_object_get(msg, "stop_sequence"));
    json_object_set_new(d, "stop_details", json_null());
    json_t *usage = anthropic_usage(c, output);
    json_object_set(usage, "output_tokens_details",
                    json_object_get(json_object_get(msg, "usage"), "output_tokens_details"));
    stream_suffix_json(s, "message_delta",
                       json_pack("{s:s, s:o, s:o}", "type", "message_delta", "delta", d, "usage", usage));
    stream_suffix_json(s, "message_stop", json_pack("{s:s}", "type", "message_stop"));
    json_decref(content);
    json_decref(msg);

    if (rq->fault && rq->fault->stream_error_after >= 0) {
        char *frame = stream_frame(
            "error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        stream_set_error(s, rq->fault->stream_error_after, frame);
    }
    r->status = 200;
    r->content_type = "text/event-stream; charset=utf-8";
    reply_header(r, "Cache-Control", "no-cache");
    r->stream = s;
}
