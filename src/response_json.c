/* SPDX-License-Identifier: MIT */
/*
 * response_json.c — a reply as one JSON shape whatever the provider (the CLI's --json, and
 * batches written with LLMC_BATCH_FORMAT_NORMALIZED), so one jq filter reads replies from any
 * provider: its blocks (with the provider's name for each, citations, and the JSON of a block
 * llmc keeps whole), the usage with its cache and reasoning split, and the reply's own JSON when
 * it is JSON (a structured-output reply).
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
    case LLMC_BLOCK_REDACTED_THINKING:
        return "redacted_thinking";
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

/* JSON text llmc kept (valid JSON, possibly with a number past 64 bits), read back the way the
 * library reads replies. */
static json_t *loads_any(const char *text)
{
    return llmc_json_loadb(text, strlen(text), JSON_DECODE_ANY, NULL);
}

/* One block: its type, the provider's name for it, its text or input, and what else it carries
 * (citations, the JSON of a block llmc keeps whole). */
static json_t *block_json(const llmc_response *r, size_t i)
{
    llmc_block_type t = llmc_response_block_type(r, i);
    json_t *b = json_pack("{s:s, s:s, s:s}", "type", block_type_name(t), "kind", llmc_response_block_kind(r, i),
                          t == LLMC_BLOCK_TOOL_USE ? "input_json" : "text", llmc_response_block_text(r, i));
    if (!b)
        return NULL;
    int bad = 0;
    if (t == LLMC_BLOCK_TOOL_USE) {
        bad |= llmc_json_put(b, "id", json_string(llmc_response_block_tool_id(r, i)));
        bad |= llmc_json_put(b, "name", json_string(llmc_response_block_tool_name(r, i)));
    }
    size_t n = llmc_response_block_citation_count(r, i);
    if (n && !bad) {
        json_t *list = json_array();
        llmc_citation c;
        for (size_t k = 0; list && k < n && llmc_response_block_citation(r, i, k, &c); k++)
            bad |= llmc_json_append(list, loads_any(c.json));
        bad |= llmc_json_put(b, "citations", list);
    }
    const char *raw = llmc_response_block_json(r, i);
    if (raw && !bad)
        bad |= llmc_json_put(b, "json", loads_any(raw));
    if (bad) {
        json_decref(b);
        return NULL;
    }
    return b;
}

json_t *llmc_response_json_tree(const llmc_response *r)
{
    json_t *blocks = json_array();
    for (size_t i = 0; blocks && i < llmc_response_block_count(r); i++)
        if (llmc_json_append(blocks, block_json(r, i)) != 0) {
            json_decref(blocks);
            return NULL;
        }
    if (!blocks)
        return NULL;
    llmc_usage_details u;
    llmc_response_usage_details(r, &u);
    json_t *root =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "provider",
                  llmc_response_provider(r), "model", llmc_response_model(r), "id", llmc_response_id(r), "request_id",
                  llmc_response_request_id(r), "stop_reason", stop_reason_name(llmc_response_stop_reason(r)),
                  "stop_reason_raw", llmc_response_stop_reason_raw(r), "text", llmc_response_text(r), "content", blocks,
                  "usage", "input_tokens", (json_int_t)u.input_tokens, "output_tokens", (json_int_t)u.output_tokens,
                  "cache_read_input_tokens", (json_int_t)u.cache_read_input_tokens, "cache_creation_input_tokens",
                  (json_int_t)u.cache_creation_input_tokens, "cache_creation_5m_input_tokens",
                  (json_int_t)u.cache_creation_5m_input_tokens, "cache_creation_1h_input_tokens",
                  (json_int_t)u.cache_creation_1h_input_tokens, "reasoning_tokens", (json_int_t)u.reasoning_tokens);
    /* the reply's own JSON, when it is JSON (a structured-output reply) */
    const char *parsed;
    if (root && llmc_response_json(r, &parsed, NULL) == LLMC_OK &&
        llmc_json_put(root, "json", loads_any(parsed)) != 0) {
        json_decref(root);
        return NULL;
    }
    return root;
}

char *llmc_response_to_json(const llmc_response *r)
{
    if (!r)
        return NULL;
    json_t *root = llmc_response_json_tree(r);
    char *text = root ? llmc_json_dump(root, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(root);
    return text;
}
