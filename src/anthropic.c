/*
 * anthropic.c — the Anthropic Messages dialect: request JSON out, message JSON in. Pure
 * functions over memory, so unit tests and fuzzers drive them directly. Error bodies are decoded
 * in errbody.c, which knows every provider's shapes.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define LLMC_DEFAULT_MAX_TOKENS 1024

/* json_object_set_new that reports failure (NULL value or out of memory) as -1. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new(obj, key, value) : -1;
}

char *llmc_anthropic_encode(const llmc_request *req, const char *model, bool stream, llmc_error *err)
{
    json_t *root = json_object();
    json_t *messages = json_array();
    int bad = !root || !messages;
    if (!bad) {
        bad |= put(root, "model", json_string(model));
        if (stream)
            bad |= put(root, "stream", json_true());
        bad |= put(root, "max_tokens",
                   json_integer(req->max_tokens > 0 ? req->max_tokens : LLMC_DEFAULT_MAX_TOKENS));
        if (req->system)
            bad |= put(root, "system", json_string(req->system));
        for (size_t i = 0; i < req->n_messages && !bad; i++) {
            json_t *m = json_pack("{s:s, s:s}", "role",
                                  req->messages[i].role == LLMC_ROLE_USER ? "user" : "assistant",
                                  "content", req->messages[i].text);
            bad |= m ? json_array_append_new(messages, m) : -1;
        }
        bad |= json_object_set(root, "messages", messages);
        if (req->temperature >= 0)
            bad |= put(root, "temperature", json_real(req->temperature));
        if (req->top_p >= 0)
            bad |= put(root, "top_p", json_real(req->top_p));
        if (req->n_stops) {
            json_t *stops = json_array();
            for (size_t i = 0; stops && i < req->n_stops; i++)
                bad |= json_array_append_new(stops, json_string(req->stops[i]));
            bad |= put(root, "stop_sequences", stops);
        }
        if (req->n_metadata) {
            json_t *meta = json_object();
            for (size_t i = 0; meta && i < req->n_metadata; i++)
                bad |= put(meta, req->metadata[i].key, json_string(req->metadata[i].value));
            bad |= put(root, "metadata", meta);
        }
    }
    char *out = bad ? NULL : json_dumps(root, JSON_COMPACT);
    json_decref(messages);
    json_decref(root);
    if (!out)
        llmc_error_set(err, LLMC_E_NOMEM, "out of memory while encoding the request");
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
    json_array_foreach(content, i, block) {
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
        } else if (strcmp(btype, "tool_use") == 0) {
            char *input = json_dumps(json_object_get(block, "input"), JSON_COMPACT | JSON_ENCODE_ANY);
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
