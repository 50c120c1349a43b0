/* SPDX-License-Identifier: MIT */
/* The OpenAI-compatible chat completions that Cerebras, Fireworks and the generic provider
 * serve, with each one's differences: Cerebras adds time_info and system_fingerprint and
 * answers GET /v1/tcp_warming; Fireworks ids are bare; OpenAI adds refusal/logprobs fields. */
#define _POSIX_C_SOURCE 200809L
#include "openai.h"
#include "model_table.h"

#include <stdlib.h>
#include <string.h>

const char *openai_finish_reason(emu_stop s)
{
    switch (s) {
    case EMU_STOP_END:
    case EMU_STOP_SEQUENCE:
        return "stop";
    case EMU_STOP_MAX_TOKENS:
        return "length";
    case EMU_STOP_TOOL:
        return "tool_calls";
    }
    return "stop";
}

static int read_convo(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c)
{
    memset(c, 0, sizeof *c);
    c->max_tokens = -1;
    const json_t *messages = json_object_get(body, "messages");
    if (!json_is_string(json_object_get(body, "model"))) {
        error_reply(r, rq, 400, "model is required");
        return -1;
    }
    if (!json_is_array(messages)) {
        error_reply(r, rq, 400, "messages is required");
        return -1;
    }
    const json_t *max = json_object_get(body, "max_completion_tokens");
    if (!json_is_integer(max))
        max = json_object_get(body, "max_tokens");
    if (json_is_integer(max))
        c->max_tokens = (long)json_integer_value(max);

    size_t i;
    const json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        char *text = convo_text_of(json_object_get(m, "content"));
        c->input_tokens += emu_count_words(text);
        free(c->tool_result);
        c->tool_result = NULL;
        if (role && strcmp(role, "user") == 0) {
            free(c->last_user_text);
            c->last_user_text = text;
        } else if (role && strcmp(role, "tool") == 0) {
            c->tool_result = text; /* kept only while it is the last message */
        } else {
            free(text);
        }
    }
    if (!c->last_user_text)
        c->last_user_text = strdup("");
    const json_t *tools = json_object_get(body, "tools");
    if (json_is_array(tools) && json_array_size(tools) > 0)
        c->tool_name =
            json_string_value(json_object_get(json_object_get(json_array_get(tools, 0), "function"), "name"));
    c->stop = json_object_get(body, "stop");
    return 0;
}

json_t *openai_usage(const emu_request *rq, size_t prompt, size_t completion)
{
    json_t *u = json_pack("{s:I, s:I, s:I}", "prompt_tokens", (json_int_t)prompt, "completion_tokens",
                          (json_int_t)completion, "total_tokens", (json_int_t)(prompt + completion));
    if (rq->provider != EMU_FIREWORKS)
        json_object_set_new(u, "prompt_tokens_details", json_pack("{s:i}", "cached_tokens", 0));
    return u;
}

json_t *openai_time_info(void)
{
    return json_pack("{s:f, s:f, s:f, s:f, s:I}", "queue_time", 0.000112, "prompt_time", 0.000245, "completion_time",
                     0.001234, "total_time", 0.002001, "created", (json_int_t)emu_now());
}

void openai_id(const emu_request *rq, char *id, size_t n)
{
    emu_random_id(id, n, rq->provider == EMU_FIREWORKS ? "" : "chatcmpl-", rq->provider == EMU_FIREWORKS ? 36 : 29);
}

static json_t *completion(const emu_request *rq, const char *model, const emu_convo *c, const emu_answer *a)
{
    char id[64];
    openai_id(rq, id, sizeof id);
    json_t *message = json_pack("{s:s}", "role", "assistant");
    if (a->stop == EMU_STOP_TOOL) {
        json_object_set_new(message, "content", json_null());
        json_object_set_new(message, "tool_calls",
                            json_pack("[{s:s, s:s, s:{s:s, s:s}}]", "id", a->tool_id, "type", "function", "function",
                                      "name", a->tool_name, "arguments", a->tool_input));
    } else {
        json_object_set_new(message, "content", json_string(a->text));
    }
    if (rq->provider == EMU_OPENAI) {
        json_object_set_new(message, "refusal", json_null());
        json_object_set_new(message, "annotations", json_array());
    }
    json_t *choice = json_pack("{s:i, s:o}", "index", 0, "message", message);
    if (rq->provider == EMU_OPENAI)
        json_object_set_new(choice, "logprobs", json_null());
    json_object_set_new(choice, "finish_reason", json_string(openai_finish_reason(a->stop)));
    json_t *out = json_pack("{s:s, s:s, s:I, s:s, s:[o]}", "id", id, "object", "chat.completion", "created",
                            (json_int_t)emu_now(), "model", model, "choices", choice);
    if (rq->provider != EMU_FIREWORKS)
        json_object_set_new(out, "system_fingerprint", json_string("fp_emulator"));
    json_object_set_new(out, "usage", openai_usage(rq, c->input_tokens, a->output_tokens));
    if (rq->provider == EMU_CEREBRAS)
        json_object_set_new(out, "time_info", openai_time_info());
    return out;
}

static void chat(emu_reply *r, const emu_request *rq)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        error_invalid_json(r, rq);
        return;
    }
    emu_convo c;
    if (read_convo(r, rq, body, &c) == 0) {
        const char *model = json_string_value(json_object_get(body, "model"));
        if (emu_model_check(r, rq, model, body) == 0) {
            emu_answer a;
            answer_make(&c, &a, rq->provider);
            if (json_is_true(json_object_get(body, "stream")))
                openai_stream(r, rq, body, model, &c, &a);
            else
                reply_json(r, 200, completion(rq, model, &c, &a));
            answer_free(&a);
        }
    }
    convo_free(&c);
    json_decref(body);
}

void openai_handle(emu_reply *r, const emu_request *rq)
{
    const char *p = rq->subpath;
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    if (rq->provider == EMU_CEREBRAS && get && strcmp(p, "/v1/tcp_warming") == 0) {
        /* The SDK's connection warm-up: answered without auth; its body is never read. */
        reply_json(r, 200, json_object());
        return;
    }
    int is_chat = post && strcmp(p, "/v1/chat/completions") == 0;
    int is_models = get && strcmp(p, "/v1/models") == 0;
    if (!is_chat && !is_models) {
        error_reply(r, rq, 404, "Not Found");
        return;
    }
    /* Ollama takes no key: whatever Authorization arrives is ignored */
    if (rq->provider != EMU_OLLAMA && auth_check(r, rq) != 0)
        return;
    if (is_chat)
        chat(r, rq);
    else
        models_openai(r, rq);
}
