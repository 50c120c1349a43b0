/* SPDX-License-Identifier: MIT */
/*
 * openai_decode.c — a chat.completion into the normalized response: reasoning (every field name
 * the servers use), text, function calls, calls of other types kept whole (OpenAI's `custom`),
 * a refusal, and usage wherever a server puts it (`usage`, Groq's `x_groq.usage`) with cached
 * and reasoning tokens. Pure: bytes in, response out.
 */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static char *dup_string(json_t *v, int *oom)
{
    const char *s = json_string_value(v);
    if (!s)
        return NULL;
    char *copy = strdup(s);
    if (!copy)
        *oom = 1;
    return copy;
}

/* Thinking text: Fireworks, DeepSeek and llama.cpp say reasoning_content; Cerebras, vLLM, Groq,
 * Ollama and OpenRouter say reasoning. */
static json_t *reasoning_of(json_t *message)
{
    json_t *r = json_object_get(message, "reasoning_content");
    return json_is_string(r) && json_string_length(r) > 0 ? r : json_object_get(message, "reasoning");
}

/* Keep the last block as the JSON `v` as sent, under the provider's type name. */
static void keep_raw(llmc_response *out, json_t *v, const char *kind, int *oom)
{
    char *k = strdup(kind);
    char *raw = llmc_json_dump(v, JSON_COMPACT);
    if (!k || !raw || llmc_response_set_raw(out, k, raw) < 0) {
        if (!k || !raw) {
            free(k);
            free(raw);
        }
        *oom = 1;
    }
}

static int add_tool_calls(llmc_response *out, json_t *calls, int *oom)
{
    size_t i;
    json_t *call;
    json_array_foreach(calls, i, call)
    {
        const char *type = json_string_value(json_object_get(call, "type"));
        json_t *fn = json_object_get(call, "function");
        if (type && strcmp(type, "function") != 0) {
            /* a call of a kind llmc does not model: kept whole, so it can go back as it came */
            if (llmc_response_add_block(out, LLMC_BLOCK_OTHER, NULL, NULL, NULL) < 0)
                *oom = 1;
            else
                keep_raw(out, call, type, oom);
            continue;
        }
        if (!json_is_object(fn) || !json_is_string(json_object_get(fn, "name")))
            return -1;
        char *args = dup_string(json_object_get(fn, "arguments"), oom);
        if (!args && !*oom && !(args = strdup("{}")))
            *oom = 1;
        if (llmc_response_add_block(out, LLMC_BLOCK_TOOL_USE, args, dup_string(json_object_get(call, "id"), oom),
                                    dup_string(json_object_get(fn, "name"), oom)) < 0)
            *oom = 1;
    }
    return 0;
}

void llmc_openai_read_usage(json_t *root, llmc_usage *u, llmc_usage_more *more)
{
    json_t *usage = json_object_get(root, "usage");
    if (!json_is_object(usage)) /* Groq streams carry it only here */
        usage = json_object_get(json_object_get(root, "x_groq"), "usage");
    if (!json_is_object(usage))
        return;
    json_t *prompt = json_object_get(usage, "prompt_tokens_details");
    u->input_tokens = llmc_json_long(usage, "prompt_tokens");
    u->output_tokens = llmc_json_long(usage, "completion_tokens");
    u->cache_read_input_tokens = llmc_json_long(prompt, "cached_tokens");
    u->cache_creation_input_tokens = llmc_json_long(prompt, "cache_write_tokens");
    more->reasoning = llmc_json_long(json_object_get(usage, "completion_tokens_details"), "reasoning_tokens");
}

llmc_code llmc_openai_decode_full(const char *body, size_t len, llmc_response *out, llmc_error *err)
{
    json_t *root = llmc_json_parse(body, len, "chat completion", err);
    if (!root)
        return err ? err->code : LLMC_E_PROTOCOL;
    llmc_code rc = LLMC_OK;
    json_t *choices = json_object_get(root, "choices");
    json_t *choice = json_array_get(choices, 0);
    json_t *message = json_object_get(choice, "message");
    if (!json_is_object(root) || !json_is_array(choices) || !json_is_object(message)) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "chat completion: expected an object with choices[0].message");
        goto done;
    }
    json_t *content = json_object_get(message, "content");
    if (!json_is_string(content) && !json_is_null(content) && content) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "chat completion: message content is neither text nor null");
        goto done;
    }
    int oom = 0;
    out->id = dup_string(json_object_get(root, "id"), &oom);
    out->model = dup_string(json_object_get(root, "model"), &oom);
    out->stop_reason_raw = dup_string(json_object_get(choice, "finish_reason"), &oom);
    out->stop_reason = llmc_stop_reason_from(out->stop_reason_raw);
    llmc_openai_read_usage(root, &out->usage, &out->usage_more);

    json_t *reasoning = reasoning_of(message);
    if (json_is_string(reasoning) && json_string_length(reasoning) > 0 &&
        llmc_response_add_block(out, LLMC_BLOCK_THINKING, dup_string(reasoning, &oom), NULL, NULL) < 0)
        oom = 1;
    if (json_is_string(content) &&
        llmc_response_add_block(out, LLMC_BLOCK_TEXT, dup_string(content, &oom), NULL, NULL) < 0)
        oom = 1;
    json_t *refusal = json_object_get(message, "refusal");
    if (json_is_string(refusal) && json_string_length(refusal) > 0) {
        /* a structured-output refusal: "stop" on the wire, but not an answer */
        json_t *as_block = json_pack("{s:s, s:O}", "type", "refusal", "refusal", refusal);
        if (!as_block || llmc_response_add_block(out, LLMC_BLOCK_OTHER, dup_string(refusal, &oom), NULL, NULL) < 0)
            oom = 1;
        else
            keep_raw(out, as_block, "refusal", &oom);
        json_decref(as_block);
        out->stop_reason = LLMC_STOP_REFUSAL;
    }
    json_t *calls = json_object_get(message, "tool_calls");
    if (json_is_array(calls) && add_tool_calls(out, calls, &oom) < 0) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "chat completion: a function call has no function name");
        goto done;
    }
    for (size_t i = 0; i < out->n_blocks; i++)
        out->blocks[i].dialect = LLMC_DIALECT_OPENAI;
    if (oom || llmc_response_finish(out) < 0)
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory while decoding the response");
done:
    json_decref(root);
    return rc;
}

llmc_code llmc_openai_decode(const char *body, size_t len, llmc_response *out, llmc_error *err)
{
    llmc_code rc;
    if (llmc_openai_decode_fast(body, len, out, &rc, err)) /* the common reply, without a tree */
        return rc;
    return llmc_openai_decode_full(body, len, out, err);
}
