/* SPDX-License-Identifier: MIT */
/*
 * openai.c — the OpenAI chat-completions dialect (Cerebras, Fireworks, OpenAI and every
 * compatible server): request JSON out, chat.completion JSON in. Pure functions over memory.
 */
#include "wire.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* A user turn: its tool results become "tool" messages (first, as they answer the previous
 * assistant turn), then its text and images one "user" message. */
static int append_user_turn(json_t *messages, const llmc_message *m)
{
    int bad = 0;
    size_t texts = 0, images = 0;
    for (size_t i = 0; i < m->n_parts && !bad; i++) {
        const llmc_part *p = &m->parts[i];
        if (p->kind == LLMC_PART_TOOL_RESULT)
            bad |= llmc_json_append(
                messages, json_pack("{s:s, s:s, s:s}", "role", "tool", "tool_call_id", p->id, "content", p->text));
        texts += p->kind == LLMC_PART_TEXT;
        images += p->kind == LLMC_PART_IMAGE;
    }
    if (bad || texts + images == 0)
        return bad;
    if (images == 0 && texts == 1) {
        for (size_t i = 0; i < m->n_parts; i++)
            if (m->parts[i].kind == LLMC_PART_TEXT)
                return llmc_json_append(messages, json_pack("{s:s, s:s}", "role", "user", "content", m->parts[i].text));
    }
    json_t *content = json_array();
    for (size_t i = 0; content && i < m->n_parts && !bad; i++) {
        const llmc_part *p = &m->parts[i];
        if (p->kind == LLMC_PART_TEXT) {
            bad |= llmc_json_append(content, json_pack("{s:s, s:s}", "type", "text", "text", p->text));
        } else if (p->kind == LLMC_PART_IMAGE) {
            size_t len = strlen(p->name) + strlen(p->text) + 16;
            char *url = malloc(len);
            if (url)
                snprintf(url, len, "data:%s;base64,%s", p->name, p->text);
            bad |= url ? llmc_json_append(content,
                                          json_pack("{s:s, s:{s:s}}", "type", "image_url", "image_url", "url", url))
                       : -1;
            free(url);
        }
    }
    if (!content)
        return -1;
    if (bad) {
        json_decref(content);
        return bad;
    }
    return llmc_json_append(messages, json_pack("{s:s, s:o}", "role", "user", "content", content));
}

/* An assistant turn: text as content (null when there is none), tool calls as tool_calls.
 * Thinking is not sent back: OpenAI-compatible servers do not take it as input. */
static int append_assistant_turn(json_t *messages, const llmc_message *m)
{
    llmc_buf text = {0};
    json_t *calls = NULL;
    int bad = 0;
    for (size_t i = 0; i < m->n_parts && !bad; i++) {
        const llmc_part *p = &m->parts[i];
        if (p->kind == LLMC_PART_TEXT) {
            bad |= llmc_buf_append_str(&text, p->text);
        } else if (p->kind == LLMC_PART_TOOL_USE) {
            if (!calls && !(calls = json_array()))
                bad = -1;
            else
                bad |= llmc_json_append(calls, json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", p->id, "type", "function",
                                                         "function", "name", p->name, "arguments", p->text));
        }
    }
    json_t *msg = bad ? NULL : json_pack("{s:s}", "role", "assistant");
    if (msg) {
        bad |= llmc_json_put(msg, "content", text.data ? json_string(text.data) : json_null());
        if (calls)
            bad |= json_object_set(msg, "tool_calls", calls);
    }
    json_decref(calls);
    llmc_buf_free(&text);
    return bad ? (json_decref(msg), -1) : llmc_json_append(messages, msg);
}

static json_t *tools_of(const llmc_request *req)
{
    json_t *tools = json_array();
    for (size_t i = 0; tools && i < req->n_tools; i++) {
        json_t *fn = json_pack("{s:s, s:O}", "name", req->tools[i].name, "parameters", req->tools[i].schema);
        if (fn && req->tools[i].description)
            json_object_set_new(fn, "description", json_string(req->tools[i].description));
        json_t *t = fn ? json_pack("{s:s, s:o}", "type", "function", "function", fn) : NULL;
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
        return json_string("auto");
    case LLMC_TOOL_CHOICE_ANY:
        return json_string("required");
    case LLMC_TOOL_CHOICE_NONE:
        return json_string("none");
    case LLMC_TOOL_CHOICE_TOOL:
        return json_pack("{s:s, s:{s:s}}", "type", "function", "function", "name", req->tool_choice_name);
    }
    return NULL;
}

char *llmc_openai_encode(const llmc_request *req, const char *model, bool stream, llmc_error *err)
{
    json_t *root = json_object();
    json_t *messages = json_array();
    int bad = !root || !messages;
    if (!bad) {
        bad |= llmc_json_put(root, "model", json_string(model));
        if (stream) {
            bad |= llmc_json_put(root, "stream", json_true());
            /* usage arrives only when asked for on some servers (OpenAI, Fireworks) */
            bad |= llmc_json_put(root, "stream_options", json_pack("{s:b}", "include_usage", 1));
        }
        if (req->system)
            bad |= llmc_json_append(messages, json_pack("{s:s, s:s}", "role", "system", "content", req->system));
        for (size_t i = 0; i < req->n_messages && !bad; i++)
            bad |= req->messages[i].role == LLMC_ROLE_USER ? append_user_turn(messages, &req->messages[i])
                                                           : append_assistant_turn(messages, &req->messages[i]);
        bad |= json_object_set(root, "messages", messages);
        if (req->max_tokens > 0)
            bad |= llmc_json_put(root, "max_tokens", json_integer(req->max_tokens));
        bad |= llmc_encode_sampling(root, req, "stop");
        json_t *meta = NULL;
        for (size_t i = 0; i < req->n_metadata && !bad; i++) {
            if (strcmp(req->metadata[i].key, "user_id") == 0) {
                bad |= llmc_json_put(root, "user", json_string(req->metadata[i].value));
                continue;
            }
            if (!meta && !(meta = json_object()))
                bad = 1;
            else
                bad |= llmc_json_put(meta, req->metadata[i].key, json_string(req->metadata[i].value));
        }
        if (meta)
            bad |= llmc_json_put(root, "metadata", meta);
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
        llmc_error_set(err, LLMC_E_NOMEM, "out of memory while encoding the request");
    return out;
}

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

static long member_long(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

/* Thinking text: Fireworks and DeepSeek-style servers say reasoning_content, Cerebras reasoning. */
static json_t *reasoning_of(json_t *message)
{
    json_t *r = json_object_get(message, "reasoning_content");
    return json_is_string(r) ? r : json_object_get(message, "reasoning");
}

static int add_tool_calls(llmc_response *out, json_t *calls, int *oom)
{
    size_t i;
    json_t *call;
    json_array_foreach(calls, i, call)
    {
        json_t *fn = json_object_get(call, "function");
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

llmc_code llmc_openai_decode(const char *body, size_t len, llmc_response *out, llmc_error *err)
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
    json_t *usage = json_object_get(root, "usage");
    out->usage.input_tokens = member_long(usage, "prompt_tokens");
    out->usage.output_tokens = member_long(usage, "completion_tokens");
    out->usage.cache_read_input_tokens = member_long(json_object_get(usage, "prompt_tokens_details"), "cached_tokens");

    json_t *reasoning = reasoning_of(message);
    if (json_is_string(reasoning) && json_string_length(reasoning) > 0 &&
        llmc_response_add_block(out, LLMC_BLOCK_THINKING, dup_string(reasoning, &oom), NULL, NULL) < 0)
        oom = 1;
    if (json_is_string(content) &&
        llmc_response_add_block(out, LLMC_BLOCK_TEXT, dup_string(content, &oom), NULL, NULL) < 0)
        oom = 1;
    json_t *calls = json_object_get(message, "tool_calls");
    if (json_is_array(calls) && add_tool_calls(out, calls, &oom) < 0) {
        rc = llmc_error_set(err, LLMC_E_PROTOCOL, "chat completion: a tool call has no function name");
        goto done;
    }
    if (oom || llmc_response_finish(out) < 0)
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory while decoding the response");
done:
    json_decref(root);
    return rc;
}
