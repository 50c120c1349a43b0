/* SPDX-License-Identifier: MIT */
/*
 * anthropic.c — the Anthropic Messages dialect: request JSON out, message JSON in. Pure
 * functions over memory, so unit tests and fuzzers drive them directly. The encoder also refuses,
 * before anything is sent, what the model or the API version is known to answer with a 400
 * (anthropic_rules.c); error bodies are decoded in errbody.c, which knows every provider's shapes.
 */
#include "anthropic_wire.h"

#include <stdlib.h>
#include <string.h>

#define LLMC_DEFAULT_MAX_TOKENS 1024

static json_t *cache_control(unsigned char ttl)
{
    return ttl == LLMC_CACHE_1H ? json_pack("{s:s, s:s}", "type", "ephemeral", "ttl", "1h")
                                : json_pack("{s:s}", "type", "ephemeral");
}

/* A block with a cache breakpoint gets `cache_control`; -1 when out of memory. */
static int mark(json_t *block, unsigned char ttl)
{
    return ttl ? llmc_json_put(block, "cache_control", cache_control(ttl)) : 0;
}

static json_t *document_of(const llmc_part *p)
{
    json_t *source;
    if (strcmp(p->name, "url") == 0)
        source = json_pack("{s:s, s:s}", "type", "url", "url", p->text);
    else if (strcmp(p->name, "text/plain") == 0)
        source = json_pack("{s:s, s:s, s:s}", "type", "text", "media_type", "text/plain", "data", p->text);
    else
        source = json_pack("{s:s, s:s, s:s}", "type", "base64", "media_type", p->name, "data", p->text);
    json_t *b = source ? json_pack("{s:s, s:o}", "type", "document", "source", source) : NULL;
    if (b && p->id && llmc_json_put(b, "title", json_string(p->id)) < 0) {
        json_decref(b);
        return NULL;
    }
    if (b && p->citations && llmc_json_put(b, "citations", json_pack("{s:b}", "enabled", 1)) < 0) {
        json_decref(b);
        return NULL;
    }
    return b;
}

/* One part as a content block; NULL when out of memory or a tool call's input is not JSON.
 * *skip is set for parts this dialect does not send (another dialect's raw blocks). */
static json_t *block_of(const llmc_part *p, bool assistant, bool *skip)
{
    json_t *b = NULL;
    *skip = false;
    switch (p->kind) {
    case LLMC_PART_TEXT:
        b = json_pack("{s:s, s:s}", "type", "text", "text", p->text);
        /* citations go back only on the assistant's own text: in a user turn they are a 400 */
        if (b && assistant && p->extra) {
            json_t *citations = json_loads(p->extra, 0, NULL);
            if (llmc_json_put(b, "citations", citations) < 0) {
                json_decref(b);
                return NULL;
            }
        }
        break;
    case LLMC_PART_IMAGE:
        b = json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "image", "source", "type", "base64", "media_type", p->name,
                      "data", p->text);
        break;
    case LLMC_PART_TOOL_USE: {
        if (p->extra && p->dialect == LLMC_DIALECT_ANTHROPIC) {
            b = llmc_json_loadb(p->extra, strlen(p->extra), 0, NULL);
            break;
        }
        json_t *input = json_loads(p->text, JSON_DECODE_ANY, NULL);
        b = json_is_object(input)
                ? json_pack("{s:s, s:s, s:s, s:o}", "type", "tool_use", "id", p->id, "name", p->name, "input", input)
                : NULL;
        if (!b)
            json_decref(input);
        break;
    }
    case LLMC_PART_TOOL_RESULT:
        b = json_pack("{s:s, s:s, s:s}", "type", "tool_result", "tool_use_id", p->id, "content", p->text);
        if (b && p->is_error && llmc_json_put(b, "is_error", json_true()) < 0) {
            json_decref(b);
            return NULL;
        }
        break;
    case LLMC_PART_THINKING:
        b = json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking", p->text, "signature", p->id ? p->id : "");
        break;
    case LLMC_PART_DOCUMENT:
        b = document_of(p);
        break;
    case LLMC_PART_RAW:
        if (p->dialect != LLMC_DIALECT_ANTHROPIC) {
            *skip = true;
            return NULL;
        }
        /* exactly as the service sent it: a pause_turn continues only from unchanged blocks */
        b = llmc_json_loadb(p->text, strlen(p->text), 0, NULL);
        break;
    }
    if (b && mark(b, p->cache) < 0) {
        json_decref(b);
        return NULL;
    }
    return b;
}

/* One turn's content: a plain string for a lone text part (the common, compact form), else
 * an array of blocks. NULL when out of memory or a tool call's input is not JSON. */
static json_t *content_of(const llmc_message *m)
{
    bool assistant = m->role == LLMC_ROLE_ASSISTANT;
    if (m->n_parts == 1 && m->parts[0].kind == LLMC_PART_TEXT && !m->parts[0].cache &&
        !(assistant && m->parts[0].extra))
        return json_string(m->parts[0].text);
    json_t *blocks = json_array();
    for (size_t i = 0; blocks && i < m->n_parts; i++) {
        bool skip;
        json_t *b = block_of(&m->parts[i], assistant, &skip);
        if (skip)
            continue;
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
        const llmc_tool *tool = &req->tools[i];
        json_t *t = json_pack("{s:s, s:O}", "name", tool->name, "input_schema", tool->schema);
        int bad = !t;
        if (t && tool->description)
            bad |= llmc_json_put(t, "description", json_string(tool->description));
        if (t && tool->strict)
            bad |= llmc_json_put(t, "strict", json_true());
        if (t)
            bad |= mark(t, tool->cache);
        if (bad || json_array_append_new(tools, t) != 0) {
            json_decref(bad ? t : NULL);
            json_decref(tools);
            return NULL;
        }
    }
    return tools;
}

static json_t *tool_choice_of(const llmc_request *req)
{
    json_t *choice = NULL;
    switch (req->tool_choice) {
    case LLMC_TOOL_CHOICE_AUTO:
        choice = json_pack("{s:s}", "type", "auto");
        break;
    case LLMC_TOOL_CHOICE_ANY:
        choice = json_pack("{s:s}", "type", "any");
        break;
    case LLMC_TOOL_CHOICE_NONE:
        return json_pack("{s:s}", "type", "none"); /* the only choice without the flag */
    case LLMC_TOOL_CHOICE_TOOL:
        choice = json_pack("{s:s, s:s}", "type", "tool", "name", req->tool_choice_name);
        break;
    }
    if (choice && req->parallel_tool_calls >= 0 &&
        llmc_json_put(choice, "disable_parallel_tool_use", json_boolean(req->parallel_tool_calls == 0)) < 0) {
        json_decref(choice);
        return NULL;
    }
    return choice;
}

static json_t *system_of(const llmc_request *req)
{
    if (!req->cache_system)
        return json_string(req->system);
    json_t *block = json_pack("{s:s, s:s}", "type", "text", "text", req->system);
    if (!block || mark(block, req->cache_system) < 0) {
        json_decref(block);
        return NULL;
    }
    return json_pack("[o]", block);
}

/* `thinking` as decided by llmc_anthropic_check; NULL when none is sent (or out of memory:
 * *oom says which). */
static json_t *thinking_of(const llmc_anthropic_plan *plan, bool *oom)
{
    json_t *t = NULL;
    switch (plan->thinking) {
    case LLMC_THINKING_DEFAULT:
    case LLMC_THINKING_ON:
        return NULL;
    case LLMC_THINKING_OFF:
        t = json_pack("{s:s}", "type", "disabled");
        break;
    case LLMC_THINKING_ADAPTIVE:
        t = json_pack("{s:s}", "type", "adaptive");
        break;
    case LLMC_THINKING_BUDGET:
        t = json_pack("{s:s, s:I}", "type", "enabled", "budget_tokens", (json_int_t)plan->budget);
        break;
    }
    *oom = !t;
    return t;
}

static json_t *output_config_of(const llmc_request *req, bool *oom)
{
    if (!req->effort && req->format != LLMC_FORMAT_JSON_SCHEMA)
        return NULL;
    json_t *oc = json_object();
    int bad = !oc;
    if (oc && req->effort)
        bad |= llmc_json_put(oc, "effort", json_string(llmc_effort_name(req->effort)));
    if (oc && req->format == LLMC_FORMAT_JSON_SCHEMA)
        bad |=
            llmc_json_put(oc, "format", json_pack("{s:s, s:O}", "type", "json_schema", "schema", req->format_schema));
    if (bad) {
        json_decref(oc);
        *oom = true;
        return NULL;
    }
    return oc;
}

char *llmc_anthropic_encode(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err)
{
    llmc_anthropic_plan plan;
    if (llmc_anthropic_check(req, ctx, &plan, err) != LLMC_OK)
        return NULL;
    json_t *root = json_object();
    json_t *messages = json_array();
    int bad = !root || !messages;
    if (!bad) {
        bad |= llmc_json_put(root, "model", json_string(ctx->model));
        if (ctx->stream && !ctx->count_tokens)
            bad |= llmc_json_put(root, "stream", json_true());
        bool oom = false;
        json_t *thinking = thinking_of(&plan, &oom);
        bad |= oom;
        if (thinking)
            bad |= llmc_json_put(root, "thinking", thinking);
        if (!ctx->count_tokens)
            bad |= llmc_json_put(root, "max_tokens", json_integer(plan.max_tokens));
        if (req->system)
            bad |= llmc_json_put(root, "system", system_of(req));
        for (size_t i = 0; i < req->n_messages && !bad; i++) {
            json_t *content = content_of(&req->messages[i]);
            json_t *m =
                content ? json_pack("{s:s, s:o}", "role",
                                    req->messages[i].role == LLMC_ROLE_USER ? "user" : "assistant", "content", content)
                        : NULL;
            bad |= m ? json_array_append_new(messages, m) : -1;
        }
        bad |= json_object_set(root, "messages", messages);
        if (!ctx->count_tokens) {
            bad |= llmc_encode_sampling(root, req, "stop_sequences");
            if (req->n_metadata) {
                json_t *meta = json_object();
                for (size_t i = 0; meta && i < req->n_metadata; i++)
                    bad |= llmc_json_put(meta, req->metadata[i].key, json_string(req->metadata[i].value));
                bad |= llmc_json_put(root, "metadata", meta);
            }
        }
        if (req->n_tools) {
            bad |= llmc_json_put(root, "tools", tools_of(req));
            if (req->tool_choice != LLMC_TOOL_CHOICE_AUTO || req->parallel_tool_calls >= 0)
                bad |= llmc_json_put(root, "tool_choice", tool_choice_of(req));
        }
        json_t *oc = output_config_of(req, &oom);
        bad |= oom;
        if (oc)
            bad |= llmc_json_put(root, "output_config", oc);
        if (req->cache)
            bad |= llmc_json_put(root, "cache_control", cache_control(req->cache));
        /* count_tokens takes a subset of the fields: a passthrough field might not be one */
        if (!ctx->count_tokens)
            bad |= llmc_apply_body_fields(root, req);
    }
    char *out = bad ? NULL : llmc_json_dump(root, JSON_COMPACT);
    json_decref(messages);
    json_decref(root);
    if (!out)
        llmc_error_set(err, LLMC_E_NOMEM,
                       "could not encode the request (out of memory, or a tool call's input is not a JSON object)");
    return out;
}
