/* SPDX-License-Identifier: MIT */
/*
 * response_json.c — a reply as one JSON shape whatever the provider (the CLI's --json, and
 * batches written with LLMC_BATCH_FORMAT_NORMALIZED), so one jq filter reads replies from any
 * provider.
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static const char *block_type_name(llmc_block_type t)
{
    switch (t) {
    case LLMC_BLOCK_TEXT:
        return "text";
    case LLMC_BLOCK_THINKING:
        return "thinking";
    case LLMC_BLOCK_TOOL_USE:
        return "tool_use";
    case LLMC_BLOCK_OTHER:
        return "other";
    }
    return "other";
}

static const char *stop_reason_name(llmc_stop_reason r)
{
    switch (r) {
    case LLMC_STOP_END_TURN:
        return "end_turn";
    case LLMC_STOP_MAX_TOKENS:
        return "max_tokens";
    case LLMC_STOP_STOP_SEQUENCE:
        return "stop_sequence";
    case LLMC_STOP_TOOL_USE:
        return "tool_use";
    case LLMC_STOP_REFUSAL:
        return "refusal";
    case LLMC_STOP_PAUSE:
        return "pause_turn";
    case LLMC_STOP_UNKNOWN:
        return "unknown";
    }
    return "unknown";
}

json_t *llmc_response_json_tree(const llmc_response *r)
{
    json_t *blocks = json_array();
    for (size_t i = 0; blocks && i < llmc_response_block_count(r); i++) {
        llmc_block_type t = llmc_response_block_type(r, i);
        json_t *b = json_pack("{s:s, s:s}", "type", block_type_name(t),
                              t == LLMC_BLOCK_TOOL_USE ? "input_json" : "text", llmc_response_block_text(r, i));
        if (b && t == LLMC_BLOCK_TOOL_USE) {
            json_object_set_new(b, "id", json_string(llmc_response_block_tool_id(r, i)));
            json_object_set_new(b, "name", json_string(llmc_response_block_tool_name(r, i)));
        }
        if (!b || json_array_append_new(blocks, b) != 0) {
            json_decref(blocks);
            return NULL;
        }
    }
    llmc_usage u = llmc_response_usage(r);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I}}", "provider",
                     llmc_response_provider(r), "model", llmc_response_model(r), "id", llmc_response_id(r),
                     "request_id", llmc_response_request_id(r), "stop_reason",
                     stop_reason_name(llmc_response_stop_reason(r)), "stop_reason_raw",
                     llmc_response_stop_reason_raw(r), "text", llmc_response_text(r), "content", blocks, "usage",
                     "input_tokens", (json_int_t)u.input_tokens, "output_tokens", (json_int_t)u.output_tokens,
                     "cache_read_input_tokens", (json_int_t)u.cache_read_input_tokens, "cache_creation_input_tokens",
                     (json_int_t)u.cache_creation_input_tokens);
}

char *llmc_response_to_json(const llmc_response *r)
{
    if (!r)
        return NULL;
    json_t *root = llmc_response_json_tree(r);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(root);
    return text;
}
