/* SPDX-License-Identifier: MIT */
/*
 * anthropic_decode.c — a whole Anthropic message into the normalized response: text (with its
 * citations), thinking with its signature, tool calls, and every other block (redacted thinking,
 * server tools and their results, blocks added after this was written) kept as the JSON that came,
 * so that it can be sent back unchanged. Usage with the cache split and thinking tokens.
 */
#include "anthropic_wire.h"

#include <stdlib.h>
#include <string.h>

void llmc_anthropic_read_usage(json_t *u, llmc_usage *usage, llmc_usage_more *more)
{
    if (!json_is_object(u))
        return;
#define TAKE(obj, key, dst)                                                                                            \
    do {                                                                                                               \
        json_t *v_ = json_object_get((obj), (key));                                                                    \
        if (json_is_number(v_))                                                                                        \
            (dst) = llmc_json_long((obj), (key));                                                                      \
    } while (0)
    TAKE(u, "input_tokens", usage->input_tokens);
    TAKE(u, "output_tokens", usage->output_tokens);
    TAKE(u, "cache_read_input_tokens", usage->cache_read_input_tokens);
    TAKE(u, "cache_creation_input_tokens", usage->cache_creation_input_tokens);
    json_t *split = json_object_get(u, "cache_creation");
    TAKE(split, "ephemeral_5m_input_tokens", more->cache_5m);
    TAKE(split, "ephemeral_1h_input_tokens", more->cache_1h);
    TAKE(json_object_get(u, "output_tokens_details"), "thinking_tokens", more->reasoning);
#undef TAKE
}

bool llmc_anthropic_tool_has_extra(json_t *block)
{
    const char *key;
    json_t *v;
    json_object_foreach(block, key, v)
    {
        if (strcmp(key, "type") != 0 && strcmp(key, "id") != 0 && strcmp(key, "name") != 0 && strcmp(key, "input") != 0)
            return true;
    }
    return false;
}

/* A copy of obj[key] when it is a string, else NULL. *oom is set when the copy failed. */
static char *dup_member(json_t *obj, const char *key, int *oom)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        return NULL;
    char *copy = strdup(s);
    if (!copy)
        *oom = 1;
    return copy;
}

/* Add one content block; LLMC_E_PROTOCOL for a block the reply cannot have, -1 (as *oom) when
 * memory ran out. */
static llmc_code add_block(llmc_response *out, json_t *block, size_t i, int *oom, llmc_error *err)
{
    const char *btype = json_string_value(json_object_get(block, "type"));
    if (!btype)
        return llmc_error_set(err, LLMC_E_PROTOCOL, "Anthropic message: content block %zu has no type", i);
    int added;
    if (strcmp(btype, "text") == 0) {
        if (!json_is_string(json_object_get(block, "text")))
            return llmc_error_set(err, LLMC_E_PROTOCOL, "Anthropic message: text block %zu has no text", i);
        added = llmc_response_add_block(out, LLMC_BLOCK_TEXT, dup_member(block, "text", oom), NULL, NULL);
        json_t *citations = json_object_get(block, "citations");
        if (added == 0 && json_is_array(citations) && llmc_response_set_citations(out, citations) < 0)
            added = -1;
    } else if (strcmp(btype, "thinking") == 0) {
        added = llmc_response_add_block(out, LLMC_BLOCK_THINKING, dup_member(block, "thinking", oom), NULL, NULL);
        if (added == 0 && llmc_response_set_signature(out, dup_member(block, "signature", oom)) < 0)
            added = -1;
    } else if (strcmp(btype, "tool_use") == 0) {
        char *input = llmc_json_dump(json_object_get(block, "input"), JSON_COMPACT | JSON_ENCODE_ANY);
        added = llmc_response_add_block(out, LLMC_BLOCK_TOOL_USE, input, dup_member(block, "id", oom),
                                        dup_member(block, "name", oom));
        /* members llmc does not model (a programmatic call's `caller`) go back as they came */
        if (added == 0 && llmc_anthropic_tool_has_extra(block)) {
            char *raw = llmc_json_dump(block, JSON_COMPACT);
            added = raw ? llmc_response_set_raw(out, NULL, raw) : -1;
        }
    } else {
        llmc_block_type type =
            strcmp(btype, "redacted_thinking") == 0 ? LLMC_BLOCK_REDACTED_THINKING : LLMC_BLOCK_OTHER;
        added = llmc_response_add_block(out, type, NULL, NULL, NULL);
        if (added == 0) {
            char *kind = strdup(btype);
            char *raw = llmc_json_dump(block, JSON_COMPACT);
            added = kind && raw ? llmc_response_set_raw(out, kind, raw) : (free(kind), free(raw), -1);
        }
    }
    if (added < 0)
        *oom = 1;
    else
        out->blocks[out->n_blocks - 1].dialect = LLMC_DIALECT_ANTHROPIC;
    return LLMC_OK;
}

llmc_code llmc_anthropic_decode_full(const char *body, size_t len, llmc_response *out, llmc_error *err)
{
    json_t *root = llmc_json_parse(body, len, "Anthropic message", err);
    if (!root)
        return err ? err->code : LLMC_E_PROTOCOL;
    llmc_code rc = LLMC_OK;
    json_t *content = json_object_get(root, "content");
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!json_is_object(root) || !json_is_array(content) || !type || strcmp(type, "message") != 0) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL,
                            "Anthropic message: expected an object of type \"message\" with a content array");
        goto done;
    }
    int oom = 0;
    out->id = dup_member(root, "id", &oom);
    out->model = dup_member(root, "model", &oom);
    out->stop_reason_raw = dup_member(root, "stop_reason", &oom);
    out->stop_reason = llmc_stop_reason_from(out->stop_reason_raw);
    llmc_anthropic_read_usage(json_object_get(root, "usage"), &out->usage, &out->usage_more);

    size_t i;
    json_t *block;
    json_array_foreach(content, i, block)
    {
        if ((rc = add_block(out, block, i, &oom, err)) != LLMC_OK)
            goto done;
    }
    if (oom || llmc_response_finish(out) < 0)
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory while decoding the response");
done:
    json_decref(root);
    return rc;
}

llmc_code llmc_anthropic_decode(const char *body, size_t len, llmc_response *out, llmc_error *err)
{
    llmc_code rc;
    if (llmc_anthropic_decode_fast(body, len, out, &rc, err)) /* the common reply, without a tree */
        return rc;
    return llmc_anthropic_decode_full(body, len, out, err);
}
