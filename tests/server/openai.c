/* SPDX-License-Identifier: MIT */
/* The OpenAI-compatible chat completions that Cerebras, Fireworks and the generic provider
 * serve, with each one's differences: Cerebras adds time_info and system_fingerprint and
 * answers GET /v1/tcp_warming; Fireworks ids are bare; OpenAI adds refusal/logprobs fields. */
#define _POSIX_C_SOURCE 200809L
#include "openai.h"
#include "model_table.h"

#include <stdio.h>
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

json_t *openai_usage(const emu_request *rq, size_t prompt, size_t completion)
{
    return openai_usage_with(rq, prompt, completion, 0);
}

json_t *openai_usage_with(const emu_request *rq, size_t prompt, size_t completion, size_t reasoning)
{
    /* reasoning tokens are part of the completion tokens */
    completion += reasoning;
    json_t *u = json_pack("{s:I, s:I, s:I}", "prompt_tokens", (json_int_t)prompt, "completion_tokens",
                          (json_int_t)completion, "total_tokens", (json_int_t)(prompt + completion));
    if (rq->provider != EMU_FIREWORKS)
        json_object_set_new(u, "prompt_tokens_details", json_pack("{s:i}", "cached_tokens", 0));
    if (reasoning || rq->provider == EMU_OPENAI)
        json_object_set_new(u, "completion_tokens_details",
                            json_pack("{s:I, s:i, s:i}", "reasoning_tokens", (json_int_t)reasoning,
                                      "accepted_prediction_tokens", 0, "rejected_prediction_tokens", 0));
    return u;
}

size_t openai_reasoning_tokens(const emu_convo *c, const emu_answer *a)
{
    return (c->reasoning_model || c->reasons) && a->thinking ? emu_count_words(a->thinking) : 0;
}

const char *openai_reasoning_field(const emu_request *rq, const emu_convo *c)
{
    if (!c->reasons)
        return NULL;
    if (rq->provider == EMU_FIREWORKS)
        return "reasoning_content";
    if (c->reasoning_format && (strcmp(c->reasoning_format, "hidden") == 0 || strcmp(c->reasoning_format, "raw") == 0))
        return NULL; /* hidden: not returned (still counted); raw: inside the content */
    return "reasoning";
}

json_t *openai_tool_calls(const emu_convo *c, const emu_answer *a)
{
    if (c->tool_type && strcmp(c->tool_type, "custom") == 0)
        return json_pack("[{s:s, s:s, s:{s:s, s:s}}]", "id", a->tool_id, "type", "custom", "custom", "name",
                         a->tool_name, "input", a->tool_input);
    json_t *calls = json_pack("[{s:s, s:s, s:{s:s, s:s}}]", "id", a->tool_id, "type", "function", "function", "name",
                              a->tool_name, "arguments", a->tool_input);
    if (a->tool_input2)
        json_array_append_new(calls, json_pack("{s:s, s:s, s:{s:s, s:s}}", "id", a->tool_id2, "type", "function",
                                               "function", "name", a->tool_name, "arguments", a->tool_input2));
    return calls;
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
        json_object_set_new(message, "tool_calls", openai_tool_calls(c, a));
    } else {
        json_object_set_new(message, "content", json_string(a->text));
    }
    const char *field = openai_reasoning_field(rq, c);
    if (field && a->thinking)
        json_object_set_new(message, field, json_string(a->thinking));
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
    json_object_set_new(out, "usage",
                        openai_usage_with(rq, c->input_tokens, a->output_tokens, openai_reasoning_tokens(c, a)));
    if (rq->provider == EMU_CEREBRAS)
        json_object_set_new(out, "time_info", openai_time_info());
    if (rq->provider == EMU_OPENAI) /* the tier that served it: "fast" is reported as priority */
        json_object_set_new(out, "service_tier",
                            json_string(!c->service_tier || strcmp(c->service_tier, "auto") == 0 ? "default"
                                        : strcmp(c->service_tier, "fast") == 0                   ? "priority"
                                                                                                 : c->service_tier));
    return out;
}

/* The reply to a parsed request body (streamed when it asks). */
static void chat_body(emu_reply *r, const emu_request *rq, const json_t *body)
{
    emu_convo c;
    if (openai_read(r, rq, body, &c) == 0) {
        const char *model = json_string_value(json_object_get(body, "model"));
        emu_answer a;
        answer_make(&c, &a, rq->provider);
        openai_raw_reasoning(&c, &a);
        if (json_is_true(json_object_get(body, "stream")))
            openai_stream(r, rq, body, model, &c, &a);
        else
            reply_json(r, 200, completion(rq, model, &c, &a));
        answer_free(&a);
    }
    convo_free(&c);
}

static void chat(emu_reply *r, const emu_request *rq)
{
    json_t *body = json_loadb(rq->body, rq->body_len, 0, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        error_invalid_json(r, rq);
        return;
    }
    chat_body(r, rq, body);
    json_decref(body);
}

unsigned openai_answer(const emu_request *rq, const json_t *body, json_t **out)
{
    emu_reply tmp = {0};
    json_t *copy = json_deep_copy(body);
    json_object_del(copy, "stream"); /* a batch answers whole */
    chat_body(&tmp, rq, copy);
    json_decref(copy);
    *out = tmp.body ? json_loads(tmp.body, 0, NULL) : NULL;
    unsigned status = tmp.status ? tmp.status : 500;
    reply_free(&tmp);
    return status;
}

void openai_raw_reasoning(const emu_convo *c, emu_answer *a)
{
    /* reasoning_format "raw": the reasoning is the start of the content (GPT-OSS: no separator) */
    if (!c->reasons || !a->thinking || !c->reasoning_format || strcmp(c->reasoning_format, "raw") != 0 ||
        a->stop == EMU_STOP_TOOL)
        return;
    size_t len = strlen(a->thinking) + strlen(a->text) + 1;
    char *joined = malloc(len);
    if (!joined)
        return;
    snprintf(joined, len, "%s%s", a->thinking, a->text);
    free(a->text);
    a->text = joined;
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
    int is_batch = rq->provider != EMU_FIREWORKS && openai_batch_owns(p);
    if (!is_chat && !is_models && !is_batch) {
        error_reply(r, rq, 404, "Not Found");
        return;
    }
    /* Ollama takes no key: whatever Authorization arrives is ignored */
    if (rq->provider != EMU_OLLAMA && auth_check(r, rq) != 0)
        return;
    if (is_chat)
        chat(r, rq);
    else if (is_batch)
        openai_batch_handle(r, rq);
    else
        models_openai(r, rq);
}
