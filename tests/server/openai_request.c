/* SPDX-License-Identifier: MIT */
/* Reading an OpenAI-style chat completions request as each service does (OpenAI, Cerebras,
 * Fireworks): unknown fields, the limits and sampling reasoning models refuse, effort levels per
 * model, response formats and their schemas, Cerebras' checks (reasoning_content sent back,
 * tools beside a format, reasoning_format), and file parts — each refusal with the body the
 * service sends (README.md) — then what the request asks for (emu_convo). */
#define _POSIX_C_SOURCE 200809L
#include "openai.h"
#include "emu_rules.h"
#include "model_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int fail(emu_reply *r, const emu_request *rq, const char *code, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail(emu_reply *r, const emu_request *rq, const char *code, const char *param, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_param(r, rq, 400, msg, param, code);
    return -1;
}

/* Cerebras' validation errors: the flat body with code wrong_api_format. */
static int cerebras_fail(emu_reply *r, const emu_request *rq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cerebras_fail(emu_reply *r, const emu_request *rq, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_param(r, rq, 400, msg, "validation_error", "wrong_api_format");
    return -1;
}

static int check_fields(emu_reply *r, const emu_request *rq, const json_t *body)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        if (emu_field_known(rq->provider, key, 0, 0))
            continue;
        if (rq->provider == EMU_CEREBRAS)
            return cerebras_fail(r, rq, "%s: property '%s' is unsupported", key, key);
        return fail(r, rq, NULL, NULL, "Unrecognized request argument supplied: %s", key);
    }
    return 0;
}

/* "'none', 'low', 'medium', and 'high'" from "none,low,medium,high". */
static void quoted_list(const char *list, char *out, size_t size)
{
    size_t n = 0, items = 1;
    for (const char *p = list; *p; p++)
        items += *p == ',';
    size_t k = 0;
    out[0] = '\0';
    for (const char *p = list; *p && n + 16 < size; k++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        n += (size_t)snprintf(out + n, size - n, "%s'%.*s'",
                              k == 0           ? ""
                              : k + 1 == items ? ", and "
                                               : ", ",
                              (int)len, p);
        p += len + (comma ? 1 : 0);
    }
}

static int check_reasoning(emu_reply *r, const emu_request *rq, const json_t *body, const emu_model_rule *rule,
                           const char *model, emu_convo *c)
{
    const json_t *effort = json_object_get(body, "reasoning_effort");
    const char *level = json_string_value(effort);
    if (rq->provider == EMU_OPENAI) {
        const json_t *temp = json_object_get(body, "temperature"), *top_p = json_object_get(body, "top_p");
        if (rule->reasoning_model && json_object_get(body, "max_tokens"))
            return fail(r, rq, "unsupported_parameter", "max_tokens",
                        "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                        "'max_completion_tokens' instead.");
        if (rule->reasoning_model && temp && json_number_value(temp) != 1.0)
            return fail(r, rq, "unsupported_value", "temperature",
                        "Unsupported value: 'temperature' does not support %g with this model. Only the default (1) "
                        "value is supported.",
                        json_number_value(temp));
        if (rule->reasoning_model && top_p && json_number_value(top_p) != 1.0)
            return fail(r, rq, "unsupported_value", "top_p",
                        "Unsupported value: 'top_p' does not support %g with this model. Only the default (1) value "
                        "is supported.",
                        json_number_value(top_p));
        if (effort && rule->no_effort)
            return fail(r, rq, NULL, NULL, "Unrecognized request argument supplied: reasoning_effort");
        c->reasoning_model = rule->reasoning_model;
    }
    if (effort && (!level || !emu_effort_listed("none,minimal,low,medium,high,xhigh,max", level)))
        return fail(r, rq, "invalid_value", "reasoning_effort",
                    "Invalid value for 'reasoning_effort': expected one of 'none', 'minimal', 'low', 'medium', "
                    "'high', 'xhigh', 'max'.");
    if (level && !emu_effort_listed(rule->efforts, level)) {
        char list[160];
        quoted_list(rule->efforts, list, sizeof list);
        if (rq->provider == EMU_CEREBRAS)
            return cerebras_fail(r, rq, "reasoning_effort: '%s' is not supported by model %s (supported: %s)", level,
                                 model, list);
        if (rq->provider == EMU_FIREWORKS)
            return fail(r, rq, "INVALID_ARGUMENT", NULL, "Invalid reasoning effort: %s", level);
        return fail(r, rq, "unsupported_value", "reasoning_effort",
                    "Unsupported value: '%s' is not supported with the '%s' model. Supported values are: %s.", level,
                    model, list);
    }
    c->effort = level;
    /* Cerebras and Fireworks return reasoning text; "none" turns it off where a model allows that */
    c->reasons = rule->reasons && !(level && strcmp(level, "none") == 0);
    const char *format = str(body, "reasoning_format");
    if (json_object_get(body, "reasoning_format") && rq->provider == EMU_CEREBRAS) {
        if (!format || !emu_effort_listed("none,parsed,text_parsed,raw,hidden", format))
            return cerebras_fail(r, rq,
                                 "reasoning_format: value must be one of none, parsed, text_parsed, raw, hidden");
        c->reasoning_format = format;
    }
    return 0;
}

static int check_format(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c)
{
    const json_t *rf = json_object_get(body, "response_format");
    if (!rf)
        return 0;
    const char *type = str(rf, "type");
    if (rq->provider == EMU_CEREBRAS && json_array_size(json_object_get(body, "tools")) > 0)
        return cerebras_fail(r, rq, "\"tools\" is incompatible with \"response_format\"");
    if (rq->provider == EMU_CEREBRAS && c->reasoning_format && strcmp(c->reasoning_format, "raw") == 0 && type &&
        strcmp(type, "text") != 0)
        return cerebras_fail(r, rq, "reasoning_format: 'raw' is not supported with response_format '%s'", type);
    if (!type || (strcmp(type, "text") != 0 && strcmp(type, "json_object") != 0 && strcmp(type, "json_schema") != 0))
        return fail(r, rq, NULL, "response_format.type",
                    "Invalid value: '%s'. Supported values are: 'text', 'json_object', and 'json_schema'.",
                    type ? type : "");
    if (strcmp(type, "json_object") == 0) {
        /* OpenAI wants the word in the conversation itself */
        char *all = json_dumps(json_object_get(body, "messages"), JSON_COMPACT);
        int said = all && convo_contains(all, "json");
        free(all);
        if (rq->provider == EMU_OPENAI && !said)
            return fail(r, rq, NULL, "messages",
                        "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                        "'json_object'.");
        c->json_object = 1;
    } else if (strcmp(type, "json_schema") == 0) {
        const json_t *js = json_object_get(rf, "json_schema");
        const json_t *schema = json_object_get(js, "schema");
        if (!json_is_object(js) || !str(js, "name"))
            return fail(r, rq, NULL, "response_format.json_schema.name",
                        "Missing required parameter: "
                        "'response_format.json_schema.name'.");
        char *open = json_is_true(json_object_get(js, "strict")) ? emu_schema_open_object(schema) : NULL;
        if (open && rq->provider == EMU_OPENAI) {
            fail(r, rq, NULL, "response_format",
                 "Invalid schema for response_format '%s': In context=%s, 'additionalProperties' is required to be "
                 "supplied and to be false.",
                 str(js, "name"), open);
            free(open);
            return -1;
        }
        if (open && rq->provider == EMU_CEREBRAS) {
            cerebras_fail(r, rq,
                          "response_format.json_schema.schema: strict mode requires \"additionalProperties\": "
                          "false on every object");
            free(open);
            return -1;
        }
        free(open);
        c->schema = json_is_object(schema) ? schema : NULL;
        if (!c->schema)
            c->json_object = 1;
    }
    return 0;
}

static int read_tools(const json_t *body, emu_convo *c)
{
    const json_t *first = json_array_get(json_object_get(body, "tools"), 0);
    const char *type = str(first, "type");
    if (type && strcmp(type, "custom") == 0) {
        c->tool_name = str(json_object_get(first, "custom"), "name");
        c->tool_type = "custom";
    } else if (first) {
        c->tool_name = str(json_object_get(first, "function"), "name");
        c->tool_type = "function";
    }
    c->parallel_off = json_is_false(json_object_get(body, "parallel_tool_calls"));
    return 0;
}

/* Content parts of one message: text counts, images pass, files as each service takes them. */
static int check_parts(emu_reply *r, const emu_request *rq, const json_t *content, size_t mi)
{
    size_t pi;
    const json_t *part;
    json_array_foreach(content, pi, part)
    {
        const char *type = str(part, "type");
        if (!type || strcmp(type, "file") != 0)
            continue;
        if (rq->provider == EMU_CEREBRAS)
            return cerebras_fail(r, rq, "messages.%zu.content.%zu: property 'file' is unsupported", mi, pi);
        if (rq->provider == EMU_FIREWORKS)
            return fail(r, rq, "INVALID_ARGUMENT", NULL,
                        "messages.%zu.content.%zu: content type 'file' is not supported", mi, pi);
        const char *data = str(json_object_get(part, "file"), "file_data");
        if (!data || strncmp(data, "data:application/pdf;base64,", 28) != 0)
            return fail(r, rq, "invalid_value", "messages",
                        "Invalid file data: expected a base64 PDF data URL in "
                        "'messages[%zu].content[%zu].file.file_data'.",
                        mi, pi);
    }
    return 0;
}

int openai_read(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c)
{
    memset(c, 0, sizeof *c);
    c->max_tokens = -1;
    const json_t *messages = json_object_get(body, "messages");
    const char *model = str(body, "model");
    if (check_fields(r, rq, body) != 0)
        return -1;
    if (!model) {
        error_reply(r, rq, 400, "model is required");
        return -1;
    }
    if (!json_is_array(messages)) {
        error_reply(r, rq, 400, "messages is required");
        return -1;
    }
    /* the model exists (else the provider's 404), then what it takes */
    if (emu_model_check(r, rq, model) != 0)
        return -1;
    emu_model_rule rule = emu_rule_for(rq->provider, model);
    if (check_reasoning(r, rq, body, &rule, model, c) != 0 || check_format(r, rq, body, c) != 0)
        return -1;
    read_tools(body, c);
    const json_t *max = json_object_get(body, "max_completion_tokens");
    if (!json_is_integer(max))
        max = json_object_get(body, "max_tokens");
    if (json_is_integer(max))
        c->max_tokens = (long)json_integer_value(max);

    size_t i;
    const json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *role = str(m, "role");
        if (rq->provider == EMU_CEREBRAS && role && strcmp(role, "assistant") == 0 &&
            json_object_get(m, "reasoning_content"))
            return cerebras_fail(r, rq,
                                 "messages.%zu.assistant.reasoning_content: property "
                                 "'messages.%zu.assistant.reasoning_content' is unsupported",
                                 i, i);
        if (check_parts(r, rq, json_object_get(m, "content"), i) != 0)
            return -1;
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
    c->stop = json_object_get(body, "stop");
    c->service_tier = str(body, "service_tier");
    return 0;
}
