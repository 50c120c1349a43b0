/* SPDX-License-Identifier: MIT */
/*
 * openai.c — the OpenAI chat-completions request (Cerebras, Fireworks, OpenAI and every
 * compatible server): JSON out, with the fields each model family takes (max_completion_tokens
 * for OpenAI reasoning models, json_object where a schema is not taken) and, before anything is
 * sent, a refusal of what the model is known to answer with a 400. Pure functions over memory;
 * the reply is decoded in openai_decode.c.
 */
#include "wire.h"
#include "model_rules.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* What the rules decided for this request. */
typedef struct openai_plan {
    const char *limit_field; /* "max_tokens" or "max_completion_tokens" */
    bool json_object_only;   /* send json_object, the schema in words */
} openai_plan;

static llmc_code check(const llmc_request *req, const llmc_wire_ctx *ctx, openai_plan *plan, llmc_error *err)
{
    const char *model = ctx->model, *prov = ctx->provider;
    plan->limit_field = "max_tokens";
    plan->json_object_only = false;
    const llmc_model_rule *r =
        llmc_model_rule_find(LLMC_DIALECT_OPENAI, prov, model,
                             LLMC_RULE_MAX_COMPLETION_TOKENS | LLMC_RULE_NO_TEMPERATURE | LLMC_RULE_NO_TOP_P);
    if (r && (r->aspects & LLMC_RULE_MAX_COMPLETION_TOKENS))
        plan->limit_field = "max_completion_tokens";
    /* reasoning models take only the default: 1 is accepted, anything else is a 400 */
    if (r && (r->aspects & LLMC_RULE_NO_TEMPERATURE) && req->temperature >= 0 && req->temperature != 1.0)
        return llmc_rule_refuse(err, prov, model, "temperature", "sampling", NULL,
                                "%s refuses a temperature other than 1 (source: %s): leave it out (steer with an "
                                "effort level instead)",
                                model, r->source);
    if (r && (r->aspects & LLMC_RULE_NO_TOP_P) && req->top_p >= 0 && req->top_p != 1.0)
        return llmc_rule_refuse(err, prov, model, "top_p", "sampling", NULL,
                                "%s refuses top_p (source: %s): leave it out", model, r->source);
    if (req->effort) {
        if ((r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, prov, model, LLMC_RULE_NO_REASONING_EFFORT)))
            return llmc_rule_refuse(err, prov, model, "reasoning_effort", "no_effort", NULL,
                                    "%s refuses an effort level (it is not a reasoning model) (source: %s): leave it "
                                    "out",
                                    model, r->source);
        if ((r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, prov, model, LLMC_RULE_EFFORTS)) &&
            !(r->efforts & (1u << req->effort))) {
            char levels[80];
            llmc_model_rule_efforts(r, levels, sizeof levels);
            return llmc_rule_refuse(err, prov, model, "reasoning_effort", "effort", levels,
                                    "%s does not take effort level \"%s\"; it takes %s (source: %s)", model,
                                    llmc_effort_name(req->effort), levels, r->source);
        }
    }
    if (req->format != LLMC_FORMAT_TEXT) {
        if (req->n_tools &&
            (r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, prov, model, LLMC_RULE_NO_TOOLS_WITH_FORMAT)))
            return llmc_rule_refuse(err, prov, model, "tools", "tools_with_format", NULL,
                                    "%s refuses tools together with a response format (source: %s): send the tools "
                                    "or the format, not both",
                                    prov, r->source);
        if (req->reasoning_format && strcmp(req->reasoning_format, "raw") == 0 &&
            (r = llmc_model_rule_find(LLMC_DIALECT_OPENAI, prov, model, LLMC_RULE_NO_RAW_WITH_FORMAT)))
            return llmc_rule_refuse(err, prov, model, "reasoning_format", "raw_with_format", NULL,
                                    "%s refuses reasoning format \"raw\" with a JSON format (source: %s): use "
                                    "\"parsed\" or \"hidden\"",
                                    prov, r->source);
        plan->json_object_only = llmc_model_rule_find(LLMC_DIALECT_OPENAI, prov, model, LLMC_RULE_JSON_OBJECT_ONLY);
    }
    for (size_t i = 0; i < req->n_messages; i++)
        for (size_t j = 0; j < req->messages[i].n_parts; j++) {
            const llmc_part *p = &req->messages[i].parts[j];
            if (p->kind == LLMC_PART_DOCUMENT && strcmp(p->name, "url") == 0) {
                llmc_error_set(err, LLMC_E_UNSUPPORTED,
                               "%s: OpenAI-compatible chat completions take no document URLs (a PDF goes as file "
                               "data): fetch the file and attach its bytes",
                               prov ? prov : "this provider");
                return LLMC_E_UNSUPPORTED;
            }
        }
    return LLMC_OK;
}

static char *data_url(const char *media_type, const char *b64)
{
    size_t len = strlen(media_type) + strlen(b64) + 16;
    char *url = malloc(len);
    if (url)
        snprintf(url, len, "data:%s;base64,%s", media_type, b64);
    return url;
}

/* A document part: a PDF as a `file` part, a text document as text headed by its title. */
static json_t *document_part(const llmc_part *p)
{
    if (strcmp(p->name, "text/plain") == 0) {
        if (!p->id)
            return json_pack("{s:s, s:s}", "type", "text", "text", p->text);
        size_t len = strlen(p->id) + strlen(p->text) + 4;
        char *text = malloc(len);
        if (!text)
            return NULL;
        snprintf(text, len, "%s\n\n%s", p->id, p->text);
        json_t *part = json_pack("{s:s, s:s}", "type", "text", "text", text);
        free(text);
        return part;
    }
    char *url = data_url(p->name, p->text);
    json_t *part = url ? json_pack("{s:s, s:{s:s, s:s}}", "type", "file", "file", "filename",
                                   p->id ? p->id : "document.pdf", "file_data", url)
                       : NULL;
    free(url);
    return part;
}

/* A user turn: its tool results become "tool" messages (first, as they answer the previous
 * assistant turn), then its text, images and documents one "user" message. */
static int append_user_turn(json_t *messages, const llmc_message *m)
{
    int bad = 0;
    size_t texts = 0, others = 0;
    for (size_t i = 0; i < m->n_parts && !bad; i++) {
        const llmc_part *p = &m->parts[i];
        if (p->kind == LLMC_PART_TOOL_RESULT)
            bad |= llmc_json_append(
                messages, json_pack("{s:s, s:s, s:s}", "role", "tool", "tool_call_id", p->id, "content", p->text));
        texts += p->kind == LLMC_PART_TEXT;
        others += p->kind == LLMC_PART_IMAGE || p->kind == LLMC_PART_DOCUMENT;
    }
    if (bad || texts + others == 0)
        return bad;
    if (others == 0 && texts == 1) {
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
            char *url = data_url(p->name, p->text);
            bad |= url ? llmc_json_append(content,
                                          json_pack("{s:s, s:{s:s}}", "type", "image_url", "image_url", "url", url))
                       : -1;
            free(url);
        } else if (p->kind == LLMC_PART_DOCUMENT) {
            bad |= llmc_json_append(content, document_part(p));
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

/* A kept tool call of a type llmc does not model (a `custom` one): it goes back as it came. */
static bool raw_tool_call(const llmc_part *p)
{
    return p->kind == LLMC_PART_RAW && p->dialect == LLMC_DIALECT_OPENAI && strstr(p->text, "\"id\"") &&
           !strstr(p->text, "\"type\":\"refusal\"");
}

/* An assistant turn: text as content (null when there is none), tool calls as tool_calls.
 * Thinking is not sent back: OpenAI-compatible servers do not take it as input (Cerebras even
 * refuses `reasoning_content` with a 400). */
static int append_assistant_turn(json_t *messages, const llmc_message *m)
{
    llmc_buf text = {0};
    json_t *calls = NULL;
    int bad = 0;
    for (size_t i = 0; i < m->n_parts && !bad; i++) {
        const llmc_part *p = &m->parts[i];
        if (p->kind == LLMC_PART_TEXT) {
            bad |= llmc_buf_append_str(&text, p->text);
        } else if (p->kind == LLMC_PART_TOOL_USE || raw_tool_call(p)) {
            if (!calls && !(calls = json_array()))
                bad = -1;
            else if (p->kind == LLMC_PART_RAW)
                bad |= llmc_json_append(calls, llmc_json_loadb(p->text, strlen(p->text), 0, NULL));
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
        const llmc_tool *tool = &req->tools[i];
        json_t *fn = json_pack("{s:s, s:O}", "name", tool->name, "parameters", tool->schema);
        int bad = !fn;
        if (fn && tool->description)
            bad |= llmc_json_put(fn, "description", json_string(tool->description));
        if (fn && tool->strict)
            bad |= llmc_json_put(fn, "strict", json_true());
        if (bad) {
            json_decref(fn);
            json_decref(tools);
            return NULL;
        }
        json_t *t = json_pack("{s:s, s:o}", "type", "function", "function", fn); /* steals fn */
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

static json_t *response_format_of(const llmc_request *req, const openai_plan *plan)
{
    if (req->format == LLMC_FORMAT_JSON_OBJECT || plan->json_object_only)
        return json_pack("{s:s}", "type", "json_object");
    return json_pack("{s:s, s:{s:s, s:O, s:b}}", "type", "json_schema", "json_schema", "name",
                     req->format_name ? req->format_name : "response", "schema", req->format_schema, "strict", 1);
}

/* The system message: the caller's system prompt, then any instruction the format needs. */
static int append_system(json_t *messages, const llmc_request *req, const openai_plan *plan)
{
    bool oom;
    char *instruction = req->format != LLMC_FORMAT_TEXT ? llmc_format_instruction(req, plan->json_object_only, &oom)
                                                        : (oom = false, NULL);
    if (oom)
        return -1;
    if (!req->system && !instruction)
        return 0;
    int bad;
    if (req->system && instruction) {
        size_t len = strlen(req->system) + strlen(instruction) + 3;
        char *both = malloc(len);
        if (both)
            snprintf(both, len, "%s\n\n%s", req->system, instruction);
        bad = both ? llmc_json_append(messages, json_pack("{s:s, s:s}", "role", "system", "content", both)) : -1;
        free(both);
    } else {
        bad = llmc_json_append(
            messages, json_pack("{s:s, s:s}", "role", "system", "content", req->system ? req->system : instruction));
    }
    free(instruction);
    return bad;
}

char *llmc_openai_encode(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err)
{
    openai_plan plan;
    if (check(req, ctx, &plan, err) != LLMC_OK)
        return NULL;
    json_t *root = json_object();
    json_t *messages = json_array();
    int bad = !root || !messages;
    if (!bad) {
        bad |= llmc_json_put(root, "model", json_string(ctx->model));
        if (ctx->stream) {
            bad |= llmc_json_put(root, "stream", json_true());
            /* usage arrives only when asked for on some servers (OpenAI, Fireworks) */
            bad |= llmc_json_put(root, "stream_options", json_pack("{s:b}", "include_usage", 1));
        }
        bad |= append_system(messages, req, &plan);
        for (size_t i = 0; i < req->n_messages && !bad; i++)
            bad |= req->messages[i].role == LLMC_ROLE_USER ? append_user_turn(messages, &req->messages[i])
                                                           : append_assistant_turn(messages, &req->messages[i]);
        bad |= json_object_set(root, "messages", messages);
        if (req->max_tokens > 0)
            bad |= llmc_json_put(root, plan.limit_field, json_integer(req->max_tokens));
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
            if (req->parallel_tool_calls >= 0)
                bad |= llmc_json_put(root, "parallel_tool_calls", json_boolean(req->parallel_tool_calls));
        }
        if (req->effort)
            bad |= llmc_json_put(root, "reasoning_effort", json_string(llmc_effort_name(req->effort)));
        if (req->reasoning_format)
            bad |= llmc_json_put(root, "reasoning_format", json_string(req->reasoning_format));
        if (req->format != LLMC_FORMAT_TEXT)
            bad |= llmc_json_put(root, "response_format", response_format_of(req, &plan));
        bad |= llmc_apply_body_fields(root, req);
    }
    char *out = llmc_encode_finish(root, bad, err);
    json_decref(messages);
    json_decref(root);
    return out;
}
