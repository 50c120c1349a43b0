/* SPDX-License-Identifier: MIT */
/* Anthropic's streamed Messages reply: message_start, content_block_start, ping, one delta per
 * word (text_delta) or per slice of the tool input (input_json_delta), content_block_stop,
 * message_delta with the stop reason and cumulative usage, message_stop. */
#define _POSIX_C_SOURCE 200809L
#include "anthropic.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tool input arrives in slices, the first one empty, as the real service sends it. */
static void add_json_slices(emu_stream *s, const char *json)
{
    stream_add_piece(s, "");
    size_t n = strlen(json);
    for (size_t i = 0; i < n; i += 8) {
        char slice[9] = {0};
        memcpy(slice, json + i, n - i < 8 ? n - i : 8);
        stream_add_piece(s, slice);
    }
}

void anthropic_stream(emu_reply *r, const emu_request *rq, const char *model, const emu_convo *c, const emu_answer *a)
{
    emu_stream *s = stream_new();
    if (!s) {
        error_reply(r, rq, 500, NULL);
        return;
    }
    int tool = a->stop == EMU_STOP_TOOL;

    json_t *start = anthropic_message(model, c, a);
    json_object_set_new(start, "content", json_array());
    json_object_set_new(start, "stop_reason", json_null());
    json_object_set_new(start, "stop_sequence", json_null());
    json_object_set_new(start, "usage", anthropic_usage(c->input_tokens, 1));
    stream_prefix_json(s, "message_start", json_pack("{s:s, s:o}", "type", "message_start", "message", start));

    /* With extended thinking, a whole thinking block (text, then its signature) comes first. */
    int idx = 0;
    if (c->thinking) {
        size_t len = strlen(c->last_user_text) + 16;
        char *thought = malloc(len);
        if (thought) {
            snprintf(thought, len, "Considering: %s", c->last_user_text);
            stream_prefix_json(s, "content_block_start",
                               json_pack("{s:s, s:i, s:{s:s, s:s, s:s}}", "type", "content_block_start", "index", 0,
                                         "content_block", "type", "thinking", "thinking", "", "signature", ""));
            stream_prefix_json(s, "content_block_delta",
                               json_pack("{s:s, s:i, s:{s:s, s:s}}", "type", "content_block_delta", "index", 0, "delta",
                                         "type", "thinking_delta", "thinking", thought));
            stream_prefix_json(s, "content_block_delta",
                               json_pack("{s:s, s:i, s:{s:s, s:s}}", "type", "content_block_delta", "index", 0, "delta",
                                         "type", "signature_delta", "signature", "EmuSig0123456789abcdef"));
            stream_prefix_json(s, "content_block_stop",
                               json_pack("{s:s, s:i}", "type", "content_block_stop", "index", 0));
            idx = 1;
        }
        free(thought);
    }
    json_t *block =
        tool ? json_pack("{s:s, s:s, s:s, s:{}}", "type", "tool_use", "id", a->tool_id, "name", a->tool_name, "input")
             : json_pack("{s:s, s:s}", "type", "text", "text", "");
    stream_prefix_json(
        s, "content_block_start",
        json_pack("{s:s, s:i, s:o}", "type", "content_block_start", "index", idx, "content_block", block));
    stream_add_prefix(s, stream_frame("ping", "{\"type\": \"ping\"}"));

    stream_set_delta_json(s, "content_block_delta",
                          json_pack("{s:s, s:i, s:{s:s, s:s}}", "type", "content_block_delta", "index", idx, "delta",
                                    "type", tool ? "input_json_delta" : "text_delta", tool ? "partial_json" : "text",
                                    STREAM_PIECE_MARKER),
                          !tool);
    if (tool)
        add_json_slices(s, a->tool_input);
    else
        stream_add_words(s, a->text);
    size_t deltas = stream_apply_request(s, rq, !tool);
    /* With x-emulator-stream-events each delta is one word: usage counts what was sent. */
    size_t output = tool ? a->output_tokens : (deltas == stream_piece_count(s) ? a->output_tokens : deltas);

    stream_suffix_json(s, "content_block_stop", json_pack("{s:s, s:i}", "type", "content_block_stop", "index", idx));
    json_t *delta = json_pack("{s:s}", "stop_reason", anthropic_stop_reason(a->stop));
    json_object_set_new(delta, "stop_sequence", a->stop_sequence ? json_string(a->stop_sequence) : json_null());
    json_object_set_new(delta, "stop_details", json_null());
    stream_suffix_json(s, "message_delta",
                       json_pack("{s:s, s:o, s:{s:I}}", "type", "message_delta", "delta", delta, "usage",
                                 "output_tokens", (json_int_t)output));
    stream_suffix_json(s, "message_stop", json_pack("{s:s}", "type", "message_stop"));

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
