/* SPDX-License-Identifier: MIT */
/*
 * anthropic.c — the Anthropic Messages dialect: request JSON out, message JSON in. Pure
 * functions over memory, so unit tests and fuzzers drive them directly. Error bodies are decoded
 * in errbody.c, which knows every provider's shapes.
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#define LLMC_DEFAULT_MAX_TOKENS 1024

/* One turn's content: a plain string for a lone text part (the common, compact form), else
 * an array of blocks. NULL when out of memory or a tool call's input is not JSON. */
static json_t *content_of(const llmc_message *m)
{
    if (m->n_parts == 1 && m->parts[0].kind == LLMC_PART_TEXT)
        return json_string(m->parts[0].text);
    json_t *blocks = json_array();
    for (size_t i = 0; blocks && i < m->n_parts; i++) {
        const llmc_part *p = &m->parts[i];
        json_t *b = NULL;
        switch (p->kind) {
        case LLMC_PART_TEXT:
            b = json_pack("{s:s, s:s}", "type", "text", "text", p->text);
            break;
        case LLMC_PART_IMAGE:
            b = json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "image", "source", "type", "base64", "media_type",
                          p->name, "data", p->text);
            break;
        case LLMC_PART_TOOL_USE: {
            json_t *input = json_loads(p->text, JSON_DECODE_ANY, NULL);
            b = json_is_object(input) ? json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id", p->id, "name",
                                                  p->name, "input", input)
                                      : NULL;
            if (!b)
                json_decref(input);
            break;
        }
        case LLMC_PART_TOOL_RESULT:
            b = json_pack("{s:s, s:s, s:s}", "type", "tool_result", "tool_use_id", p->id, "content", p->text);
            if (b && p->is_error)
                json_object_set_new(b, "is_error", json_true());
            break;
        case LLMC_PART_THINKING:
            b = json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking", p->text, "signature", p->id ? p->id : "");
            break;
        }
        if (!b || json_array_append_new(blocks, b) != 0) {
            json_decref(blocks);
            return NULL;
        }
    }
    return blocks;
}

static json_t *tools_of(const llmc_request *req)
{
    json_t *tools = json_array();
    for (size_t i = 0; tools && i < req->n_tools; i++) {
        json_t *t = json_pack("{s:s, s:O}", "name", req->tools[i].name, "input_schema", req->tools[i].schema);
        if (t && req->tools[i].description)
            json_object_set_new(t, "description", json_string(req->tools[i].description));
        if (!t || json_array_append_new(tools, t) != 0) {
            json_decref(tools);
            return NULL;
        }
    }
    return tools;
}

static json_t *tool_choice_of(const llmc_request *req)
{
    switch (req->tool_choice) {
    case LLMC_TOOL_CHOICE_AUTO:
        return json_pack("{s:s}", "type", "auto");
    case LLMC_TOOL_CHOICE_ANY:
        return json_pack("{s:s}", "type", "any");
    case LLMC_TOOL_CHOICE_NONE:
        return json_pack("{s:s}", "type", "none");
    case LLMC_TOOL_CHOICE_TOOL:
        return json_pack("{s:s, s:s}", "type", "tool", "name", req->tool_choice_name);
    }
    return NULL;
}

char *llmc_anthropic_encode(const llmc_request *req, const char *model, bool stream, llmc_error *err)
{
    json_t *root = json_object();
    json_t *messages = json_array();
    int bad = !root || !messages;
    if (!bad) {
        bad |= llmc_json_put(root, "model", json_string(model));
        if (stream)
            bad |= llmc_json_put(root, "stream", json_true());
        long max_tokens = req->max_tokens > 0 ? req->max_tokens : LLMC_DEFAULT_MAX_TOKENS;
        if (req->thinking_budget > 0) {
            /* the service requires room for the answer beyond the thinking budget */
            if (max_tokens <= req->thinking_budget)
                max_tokens = req->thinking_budget + LLMC_DEFAULT_MAX_TOKENS;
            bad |= llmc_json_put(
                root, "thinking",
                json_pack("{s:s, s:I}", "type", "enabled", "budget_tokens", (json_int_t)req->thinking_budget));
        }
        bad |= llmc_json_put(root, "max_tokens", json_integer(max_tokens));
        if (req->system)
            bad |= llmc_json_put(root, "system", json_string(req->system));
        for (size_t i = 0; i < req->n_messages && !bad; i++) {
            json_t *content = content_of(&req->messages[i]);
            json_t *m =
                content ? json_pack("{s:s, s:o}", "role",
                                    req->messages[i].role == LLMC_ROLE_USER ? "user" : "assistant", "content", content)
                        : NULL;
            bad |= m ? json_array_append_new(messages, m) : -1;
        }
        bad |= json_object_set(root, "messages", messages);
        bad |= llmc_encode_sampling(root, req, "stop_sequences");
        if (req->n_metadata) {
            json_t *meta = json_object();
            for (size_t i = 0; meta && i < req->n_metadata; i++)
                bad |= llmc_json_put(meta, req->metadata[i].key, json_string(req->metadata[i].value));
            bad |= llmc_json_put(root, "metadata", meta);
        }
        if (req->n_tools) {
            bad |= llmc_json_put(root, "tools", tools_of(req));
            if (req->tool_choice != LLMC_TOOL_CHOICE_AUTO)
                bad |= llmc_json_put(root, "tool_choice", tool_choice_of(req));
        }
    }
    char *out = bad ? NULL : llmc_json_dump(root, JSON_COMPACT);
    json_decref(messages);
    json_decref(root);
    if (!out)
        llmc_error_set(err, LLMC_E_NOMEM,
                       "could not encode the request (out of memory, or a tool call's input is not a JSON object)");
    return out;
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

static long member_long(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

llmc_code llmc_anthropic_decode(const char *body, size_t len, llmc_response *out, llmc_error *err)
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
    json_t *usage = json_object_get(root, "usage");
    out->usage.input_tokens = member_long(usage, "input_tokens");
    out->usage.output_tokens = member_long(usage, "output_tokens");
    out->usage.cache_read_input_tokens = member_long(usage, "cache_read_input_tokens");
    out->usage.cache_creation_input_tokens = member_long(usage, "cache_creation_input_tokens");

    size_t i;
    json_t *block;
    json_array_foreach(content, i, block)
    {
        const char *btype = json_string_value(json_object_get(block, "type"));
        if (!btype) {
            rc = llmc_error_set(err, LLMC_E_PROTOCOL, "Anthropic message: content block %zu has no type", i);
            goto done;
        }
        int added;
        if (strcmp(btype, "text") == 0) {
            if (!json_is_string(json_object_get(block, "text"))) {
                rc = llmc_error_set(err, LLMC_E_PROTOCOL, "Anthropic message: text block %zu has no text", i);
                goto done;
            }
            added = llmc_response_add_block(out, LLMC_BLOCK_TEXT, dup_member(block, "text", &oom), NULL, NULL);
        } else if (strcmp(btype, "thinking") == 0) {
            added = llmc_response_add_block(out, LLMC_BLOCK_THINKING, dup_member(block, "thinking", &oom), NULL, NULL);
            if (added == 0 && llmc_response_set_signature(out, dup_member(block, "signature", &oom)) < 0)
                added = -1;
        } else if (strcmp(btype, "tool_use") == 0) {
            char *input = llmc_json_dump(json_object_get(block, "input"), JSON_COMPACT | JSON_ENCODE_ANY);
            added = llmc_response_add_block(out, LLMC_BLOCK_TOOL_USE, input, dup_member(block, "id", &oom),
                                            dup_member(block, "name", &oom));
        } else {
            added = llmc_response_add_block(out, LLMC_BLOCK_OTHER, NULL, NULL, NULL);
        }
        if (added < 0)
            oom = 1;
    }
    if (oom || llmc_response_finish(out) < 0)
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory while decoding the response");
done:
    json_decref(root);
    return rc;
}
