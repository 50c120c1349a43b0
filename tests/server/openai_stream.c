/* SPDX-License-Identifier: MIT */
/* OpenAI-style streamed chat completions: "data: {chunk}" lines. Cerebras puts usage and
 * time_info on the finish chunk and closes without [DONE]; Fireworks sends usage null until the
 * end and [DONE]; stream_options.include_usage adds a chunk with empty choices carrying usage. */
#define _POSIX_C_SOURCE 200809L
#include "openai.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk_base {
    char id[64];
    long long created;
    const char *model;
    const emu_request *rq;
    int usage_null; /* every chunk carries "usage": null until the usage is known */
} chunk_base;

static json_t *chunk(const chunk_base *b, json_t *delta, const char *finish)
{
    json_t *choice = json_pack("{s:i, s:o}", "index", 0, "delta", delta);
    if (b->rq->provider == EMU_OPENAI)
        json_object_set_new(choice, "logprobs", json_null());
    json_object_set_new(choice, "finish_reason", finish ? json_string(finish) : json_null());
    json_t *c = json_pack("{s:s, s:s, s:I, s:s}", "id", b->id, "object", "chat.completion.chunk", "created",
                          (json_int_t)b->created, "model", b->model);
    if (b->rq->provider != EMU_FIREWORKS)
        json_object_set_new(c, "system_fingerprint", json_string("fp_emulator"));
    json_object_set_new(c, "choices", json_pack("[o]", choice));
    if (b->usage_null)
        json_object_set_new(c, "usage", json_null());
    return c;
}

static void add_json_slices(emu_stream *s, const char *json)
{
    size_t n = strlen(json);
    for (size_t i = 0; i < n; i += 8) {
        char slice[9] = {0};
        memcpy(slice, json + i, n - i < 8 ? n - i : 8);
        stream_add_piece(s, slice);
    }
}

void openai_stream(emu_reply *r, const emu_request *rq, const json_t *body, const char *model, const emu_convo *c,
                   const emu_answer *a)
{
    emu_stream *s = stream_new();
    if (!s) {
        error_reply(r, rq, 500, NULL);
        return;
    }
    int tool = a->stop == EMU_STOP_TOOL;
    int include_usage = json_is_true(json_object_get(json_object_get(body, "stream_options"), "include_usage"));
    chunk_base b = {.created = emu_now(), .model = model, .rq = rq};
    openai_id(rq, b.id, sizeof b.id);
    b.usage_null = rq->provider == EMU_FIREWORKS || (rq->provider == EMU_OPENAI && include_usage);

    int custom = tool && c->tool_type && strcmp(c->tool_type, "custom") == 0;
    json_t *calls = tool ? openai_tool_calls(c, a) : NULL;
    size_t main_call = calls ? json_array_size(calls) - 1 : 0; /* the last call streams lazily */
    json_t *first = json_pack("{s:s}", "role", "assistant");
    json_object_set_new(first, "content", tool ? json_null() : json_string(""));
    stream_prefix_json(s, NULL, chunk(&b, first, NULL));

    /* reasoning text first, a few words a chunk, in the field this server uses */
    const char *field = openai_reasoning_field(rq, c);
    if (field && a->thinking) {
        const char *p = a->thinking;
        while (*p) {
            size_t n = strcspn(p, " ");
            n += strspn(p + n, " ");
            char *piece = strndup(p, n);
            stream_prefix_json(s, NULL, chunk(&b, json_pack("{s:s}", field, piece ? piece : ""), NULL));
            free(piece);
            p += n;
        }
    }
    /* every call but the last whole, then the last one's start */
    for (size_t i = 0; calls && i <= main_call; i++) {
        json_t *call = json_array_get(calls, i);
        json_t *start = json_pack("{s:I, s:O, s:O}", "index", (json_int_t)i, "id", json_object_get(call, "id"), "type",
                                  json_object_get(call, "type"));
        const char *body_key = custom ? "custom" : "function";
        const char *arg_key = custom ? "input" : "arguments";
        json_t *fn = json_pack(
            "{s:O, s:s}", "name", json_object_get(json_object_get(call, body_key), "name"), arg_key,
            i < main_call ? json_string_value(json_object_get(json_object_get(call, body_key), arg_key)) : "");
        json_object_set_new(start, body_key, fn);
        stream_prefix_json(s, NULL, chunk(&b, json_pack("{s:[o]}", "tool_calls", start), NULL));
    }

    json_t *delta = tool
                        ? json_pack("{s:[{s:I, s:{s:s}}]}", "tool_calls", "index", (json_int_t)main_call,
                                    custom ? "custom" : "function", custom ? "input" : "arguments", STREAM_PIECE_MARKER)
                        : json_pack("{s:s}", "content", STREAM_PIECE_MARKER);
    stream_set_delta_json(s, NULL, chunk(&b, delta, NULL), !tool);
    if (tool)
        add_json_slices(s, json_string_value(json_object_get(
                               json_object_get(json_array_get(calls, main_call), custom ? "custom" : "function"),
                               custom ? "input" : "arguments")));
    else
        stream_add_words(s, a->text);
    json_decref(calls);
    size_t deltas = stream_apply_request(s, rq, !tool);
    size_t output = tool ? a->output_tokens : (deltas == stream_piece_count(s) ? a->output_tokens : deltas);
    size_t reasoning = openai_reasoning_tokens(c, a);

    json_t *last = chunk(&b, json_object(), openai_finish_reason(a->stop));
    /* Where usage rides: Cerebras always on the finish chunk (with time_info), Fireworks there
   * unless include_usage moves it to an extra chunk, OpenAI only in that extra chunk. */
    if (rq->provider == EMU_CEREBRAS) {
        json_object_set_new(last, "usage", openai_usage_with(rq, c->input_tokens, output, reasoning));
        json_object_set_new(last, "time_info", openai_time_info());
    } else if (rq->provider == EMU_FIREWORKS && !include_usage) {
        json_object_set_new(last, "usage", openai_usage_with(rq, c->input_tokens, output, reasoning));
    }
    stream_suffix_json(s, NULL, last);
    if (include_usage && rq->provider != EMU_CEREBRAS) {
        json_t *u = chunk(&b, json_object(), NULL);
        json_object_set_new(u, "choices", json_array());
        json_object_set_new(u, "usage", openai_usage_with(rq, c->input_tokens, output, reasoning));
        stream_suffix_json(s, NULL, u);
    }
    if (rq->provider != EMU_CEREBRAS)
        stream_add_suffix(s, strdup("data: [DONE]\n\n"));

    if (rq->fault && rq->fault->stream_error_after >= 0) {
        /* Cerebras' SDK reads a status_code beside the error object; the others only the error. */
        json_t *err =
            rq->provider == EMU_CEREBRAS
                ? json_pack("{s:{s:s, s:s, s:n, s:s}, s:i}", "error", "message", "Internal server error", "type",
                            "internal_server_error", "param", "code", "internal_server_error", "status_code", 500)
                : json_pack("{s:{s:s, s:s, s:n, s:n}}", "error", "message",
                            "The server had an error while processing your request. Sorry about that!", "type",
                            "server_error", "param", "code");
        char *text = json_dumps(err, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(err);
        stream_set_error(s, rq->fault->stream_error_after, text ? stream_frame(NULL, text) : NULL);
        free(text);
    }
    r->status = 200;
    r->content_type = rq->provider == EMU_CEREBRAS ? "text/event-stream; charset=utf-8" : "text/event-stream";
    reply_header(r, "Cache-Control", "no-cache");
    r->stream = s;
}
