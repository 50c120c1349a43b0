/* SPDX-License-Identifier: MIT */
/* Anthropic's Messages API: POST /v1/messages (and count_tokens), the models endpoints, and
 * the hand-off to batches. Reads the request the way the API does (system, messages with
 * string or block content, tools, stop_sequences) and answers a message object. */
#define _POSIX_C_SOURCE 200809L
#include "anthropic.h"
#include "conversation.h"
#include "model_table.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *stop_reason(emu_stop s)
{
    switch (s) {
    case EMU_STOP_END:
        return "end_turn";
    case EMU_STOP_MAX_TOKENS:
        return "max_tokens";
    case EMU_STOP_SEQUENCE:
        return "stop_sequence";
    case EMU_STOP_TOOL:
        return "tool_use";
    }
    return "end_turn";
}

/* Fills c from a Messages request body; on a malformed request fills r and returns -1. */
static int read_convo(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c, int need_max_tokens)
{
    memset(c, 0, sizeof *c);
    c->max_tokens = -1;
    const json_t *messages = json_object_get(body, "messages");
    const json_t *max_tokens = json_object_get(body, "max_tokens");
    if (!json_is_string(json_object_get(body, "model"))) {
        error_reply(r, rq, 400, "model: Field required");
        return -1;
    }
    if (!json_is_array(messages)) {
        error_reply(r, rq, 400, "messages: Field required");
        return -1;
    }
    if (need_max_tokens && !json_is_integer(max_tokens)) {
        error_reply(r, rq, 400, "max_tokens: Field required");
        return -1;
    }
    if (json_is_integer(max_tokens))
        c->max_tokens = (long)json_integer_value(max_tokens);

    char *system = convo_text_of(json_object_get(body, "system"));
    c->input_tokens = emu_count_words(system);
    free(system);

    size_t i;
    const json_t *m;
    json_array_foreach(messages, i, m)
    {
        const json_t *content = json_object_get(m, "content");
        char *text = convo_text_of(content);
        c->input_tokens += emu_count_words(text);
        free(c->tool_result);
        c->tool_result = NULL;
        /* Tool results count as input, and a conversation ending with one gets them echoed. */
        size_t j;
        const json_t *block;
        json_array_foreach(content, j, block)
        {
            const char *type = json_string_value(json_object_get(block, "type"));
            if (type && strcmp(type, "tool_result") == 0) {
                char *result = convo_text_of(json_object_get(block, "content"));
                c->input_tokens += emu_count_words(result);
                free(c->tool_result);
                c->tool_result = result;
            }
        }
        const char *role = json_string_value(json_object_get(m, "role"));
        if (role && strcmp(role, "user") == 0) {
            free(c->last_user_text);
            c->last_user_text = text;
        } else {
            free(text);
        }
    }
    if (!c->last_user_text)
        c->last_user_text = strdup("");

    const json_t *tools = json_object_get(body, "tools");
    if (json_is_array(tools) && json_array_size(tools) > 0)
        c->tool_name = json_string_value(json_object_get(json_array_get(tools, 0), "name"));
    c->stop = json_object_get(body, "stop_sequences");
    const char *thinking = json_string_value(json_object_get(json_object_get(body, "thinking"), "type"));
    c->thinking = thinking && strcmp(thinking, "enabled") == 0;
    return 0;
}

/* The SDK (API version 2026-10-21) types every usage field as present, possibly null. */
json_t *anthropic_usage(size_t input_tokens, size_t output_tokens)
{
    return json_pack("{s:I, s:i, s:i, s:n, s:I, s:s, s:n, s:n, s:n, s:s}", "input_tokens", (json_int_t)input_tokens,
                     "cache_creation_input_tokens", 0, "cache_read_input_tokens", 0, "cache_creation", "output_tokens",
                     (json_int_t)output_tokens, "service_tier", "standard", "server_tool_use", "output_tokens_details",
                     "inference_geo", "speed", "standard");
}

json_t *anthropic_message(const char *model, const emu_convo *c, const emu_answer *a)
{
    char id[48];
    emu_random_id(id, sizeof id, "msg_01", 22);
    json_t *content = json_array();
    /* Extended thinking: a thinking block with its signature comes first, as the service sends it. */
    if (c->thinking) {
        size_t len = strlen(c->last_user_text) + 16;
        char *thought = malloc(len);
        if (thought) {
            snprintf(thought, len, "Considering: %s", c->last_user_text);
            json_array_append_new(content, json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking", thought,
                                                     "signature", "EmuSig0123456789abcdef"));
        }
        free(thought);
    }
    if (a->stop == EMU_STOP_TOOL) {
        json_t *input = json_loads(a->tool_input, 0, NULL);
        json_array_append_new(content, json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id", a->tool_id, "name",
                                                 a->tool_name, "input", input ? input : json_object()));
    } else {
        json_array_append_new(content, json_pack("{s:s, s:s}", "type", "text", "text", a->text));
    }
    json_t *msg = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "id", id, "type", "message", "role", "assistant", "model",
                            model, "content", content, "stop_reason", stop_reason(a->stop));
    json_object_set_new(msg, "stop_sequence", a->stop_sequence ? json_string(a->stop_sequence) : json_null());
    json_object_set_new(msg, "stop_details", json_null());
    json_object_set_new(msg, "container", json_null());
    json_object_set_new(msg, "usage", anthropic_usage(c->input_tokens, a->output_tokens));
    return msg;
}

const char *anthropic_stop_reason(emu_stop s)
{
    return stop_reason(s);
}

static json_t *load_body(emu_reply *r, const emu_request *rq)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        error_invalid_json(r, rq);
        return NULL;
    }
    return body;
}

int anthropic_answer(emu_reply *r, const emu_request *rq, const json_t *body, json_t **message)
{
    emu_convo c;
    if (read_convo(r, rq, body, &c, 1) != 0) {
        convo_free(&c);
        return -1;
    }
    const char *model = json_string_value(json_object_get(body, "model"));
    if (emu_model_check(r, rq, model, body) != 0) {
        convo_free(&c);
        return -1;
    }
    emu_answer a;
    answer_make(&c, &a, EMU_ANTHROPIC);
    *message = anthropic_message(model, &c, &a);
    answer_free(&a);
    convo_free(&c);
    return 0;
}

static void messages(emu_reply *r, const emu_request *rq)
{
    json_t *body = load_body(r, rq);
    if (!body)
        return;
    emu_convo c;
    if (read_convo(r, rq, body, &c, 1) != 0)
        goto done;
    const char *model = json_string_value(json_object_get(body, "model"));
    if (emu_model_check(r, rq, model, body) != 0)
        goto done;
    emu_answer a;
    answer_make(&c, &a, EMU_ANTHROPIC);
    if (json_is_true(json_object_get(body, "stream")))
        anthropic_stream(r, rq, model, &c, &a);
    else
        reply_json(r, 200, anthropic_message(model, &c, &a));
    answer_free(&a);
done:
    convo_free(&c);
    json_decref(body);
}

static void count_tokens(emu_reply *r, const emu_request *rq)
{
    json_t *body = load_body(r, rq);
    if (!body)
        return;
    emu_convo c;
    if (read_convo(r, rq, body, &c, 0) == 0) {
        /* an unknown model is a 404 here too (seen) */
        const emu_model *m = emu_model_find(rq->provider, json_string_value(json_object_get(body, "model")));
        if (!m || m->state == EMU_MODEL_RETIRED)
            error_model_not_found(r, rq, json_string_value(json_object_get(body, "model")));
        else
            reply_json(r, 200, json_pack("{s:I}", "input_tokens", (json_int_t)c.input_tokens));
    }
    convo_free(&c);
    json_decref(body);
}

void anthropic_handle(emu_reply *r, const emu_request *rq)
{
    const char *p = rq->subpath;
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    int known = (post && (strcmp(p, "/v1/messages") == 0 || strcmp(p, "/v1/messages/count_tokens") == 0)) ||
                (get && strncmp(p, "/v1/models", 10) == 0 && (p[10] == '\0' || p[10] == '/')) ||
                strncmp(p, "/v1/messages/batches", 20) == 0;
    if (!known) {
        error_reply(r, rq, 404, "Not Found");
        return;
    }
    if (auth_check(r, rq) != 0)
        return;
    if (strncmp(p, "/v1/messages/batches", 20) == 0)
        batches_handle(r, rq);
    else if (strcmp(p, "/v1/messages") == 0)
        messages(r, rq);
    else if (strcmp(p, "/v1/messages/count_tokens") == 0)
        count_tokens(r, rq);
    else if (strcmp(p, "/v1/models") == 0)
        models_anthropic(r, rq);
    else
        models_anthropic_one(r, rq, p + strlen("/v1/models/"));
}
