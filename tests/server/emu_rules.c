/* SPDX-License-Identifier: MIT */
/* The request-field lists of each API, as the real service behaves (sources in README.md, "Unknown
 * request fields"), plus the small helpers the request readers share: effort lists, signatures
 * that break when a block is changed, and JSON made to a schema. The per-model rules are in the
 * model table (model_table.c). */
#define _POSIX_C_SOURCE 200809L
#include "emu_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int emu_effort_listed(const char *list, const char *level)
{
    if (!list)
        return 1;
    size_t n = strlen(level);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, level, n) == 0)
            return 1;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

static int listed(const char *const *names, const char *field)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], field) == 0)
            return 1;
    return 0;
}

int emu_field_known(emu_provider p, const char *field, int count_tokens, int version_2026)
{
    /* Anthropic Messages (SDK 1.15 MessageCreateParams) and count_tokens (MessageCountTokensParams) */
    static const char *const anthropic[] = {"model",         "messages",       "max_tokens",
                                            "system",        "stop_sequences", "stream",
                                            "metadata",      "tools",          "tool_choice",
                                            "thinking",      "output_config",  "service_tier",
                                            "cache_control", "container",      "context_management",
                                            "mcp_servers",   "inference_geo",  "speed",
                                            "diagnostics",   "output_format",  NULL};
    static const char *const sampling[] = {"temperature", "top_p", "top_k", NULL};
    static const char *const counting[] = {"model",
                                           "messages",
                                           "system",
                                           "tools",
                                           "tool_choice",
                                           "thinking",
                                           "output_config",
                                           "cache_control",
                                           "speed",
                                           "mcp_servers",
                                           "context_management",
                                           "output_format",
                                           NULL};
    /* OpenAI chat completions (SDK 7 ChatCompletionCreateParams) */
    static const char *const openai[] = {"model",
                                         "messages",
                                         "audio",
                                         "frequency_penalty",
                                         "function_call",
                                         "functions",
                                         "logit_bias",
                                         "logprobs",
                                         "max_completion_tokens",
                                         "max_tokens",
                                         "metadata",
                                         "modalities",
                                         "n",
                                         "parallel_tool_calls",
                                         "prediction",
                                         "presence_penalty",
                                         "prompt_cache_key",
                                         "prompt_cache_retention",
                                         "prompt_cache_options",
                                         "reasoning_effort",
                                         "response_format",
                                         "safety_identifier",
                                         "seed",
                                         "service_tier",
                                         "stop",
                                         "store",
                                         "stream",
                                         "stream_options",
                                         "temperature",
                                         "tool_choice",
                                         "tools",
                                         "top_logprobs",
                                         "top_p",
                                         "user",
                                         "verbosity",
                                         "web_search_options",
                                         "moderation",
                                         NULL};
    /* Cerebras (SDK 1.91 ChatCompletionCreateParams) */
    static const char *const cerebras[] = {"model",
                                           "messages",
                                           "clear_thinking",
                                           "disable_reasoning",
                                           "logit_bias",
                                           "logprobs",
                                           "max_completion_tokens",
                                           "max_tokens",
                                           "min_completion_tokens",
                                           "min_tokens",
                                           "model_parameters",
                                           "n",
                                           "parallel_tool_calls",
                                           "prediction",
                                           "prompt_cache_key",
                                           "reasoning_effort",
                                           "reasoning_format",
                                           "response_format",
                                           "seed",
                                           "service_tier",
                                           "stop",
                                           "stream",
                                           "stream_options",
                                           "temperature",
                                           "tool_choice",
                                           "tools",
                                           "top_logprobs",
                                           "top_p",
                                           "user",
                                           NULL};
    switch (p) {
    case EMU_ANTHROPIC:
        if (listed(sampling, field))
            return !count_tokens && !version_2026;
        return listed(count_tokens ? counting : anthropic, field);
    case EMU_OPENAI:
        return listed(openai, field);
    case EMU_CEREBRAS:
        return listed(cerebras, field);
    case EMU_FIREWORKS:
    case EMU_OLLAMA:
    case EMU_PROVIDER_COUNT:
        return 1; /* Fireworks takes many model-specific fields and ignores others, as Ollama does (README) */
    }
    return 1;
}

unsigned long emu_hash(const char *s)
{
    unsigned long h = 2166136261ul;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        h = ((h ^ *p) * 16777619ul) & 0xffffffffu;
    return h;
}

char *emu_thinking_signature(const char *thinking)
{
    char *sig = malloc(24);
    if (sig)
        snprintf(sig, 24, "EmuSig%08lx", emu_hash(thinking));
    return sig;
}

json_t *emu_json_for_schema(const json_t *schema, const char *text, int depth)
{
    const json_t *en = json_object_get(schema, "enum");
    if (json_is_array(en) && json_array_size(en) > 0)
        return json_deep_copy(json_array_get(en, 0));
    if (json_object_get(schema, "const"))
        return json_deep_copy(json_object_get(schema, "const"));
    const json_t *any = json_object_get(schema, "anyOf");
    if (json_is_array(any) && json_array_size(any) > 0 && depth < 16)
        return emu_json_for_schema(json_array_get(any, 0), text, depth + 1);
    const char *type = json_string_value(json_object_get(schema, "type"));
    if (!type && json_is_array(json_object_get(schema, "type")))
        type = json_string_value(json_array_get(json_object_get(schema, "type"), 0));
    if (!type)
        type = json_object_get(schema, "properties") ? "object" : "string";
    if (strcmp(type, "string") == 0)
        return json_string(text);
    if (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)
        return json_integer((json_int_t)emu_count_words(text));
    if (strcmp(type, "boolean") == 0)
        return json_true();
    if (strcmp(type, "null") == 0)
        return json_null();
    if (strcmp(type, "array") == 0) {
        json_t *a = json_array();
        if (depth < 16)
            json_array_append_new(a, emu_json_for_schema(json_object_get(schema, "items"), text, depth + 1));
        return a;
    }
    json_t *obj = json_object();
    const char *key;
    json_t *sub;
    json_object_foreach((json_t *)json_object_get(schema, "properties"), key, sub)
    {
        if (depth < 16)
            json_object_set_new(obj, key, emu_json_for_schema(sub, text, depth + 1));
    }
    return obj;
}

/* Depth-first search for an object schema that is left open. */
static int find_open(const json_t *s, char *path, size_t size, int depth)
{
    if (!json_is_object(s) || depth > 32)
        return 0;
    const char *type = json_string_value(json_object_get(s, "type"));
    if (type && strcmp(type, "object") == 0 && !json_is_false(json_object_get(s, "additionalProperties")))
        return 1;
    static const char *const nests[] = {"properties", "$defs", "definitions", NULL};
    for (size_t i = 0; nests[i]; i++) {
        const char *key;
        json_t *sub;
        json_object_foreach((json_t *)json_object_get(s, nests[i]), key, sub)
        {
            size_t used = strlen(path);
            snprintf(path + used, size - used, "%s'%s', '%s'", used > 1 ? ", " : "", nests[i], key);
            if (find_open(sub, path, size, depth + 1))
                return 1;
            path[used] = '\0';
        }
    }
    const json_t *items = json_object_get(s, "items");
    if (items) {
        size_t used = strlen(path);
        snprintf(path + used, size - used, "%s'items'", used > 1 ? ", " : "");
        if (find_open(items, path, size, depth + 1))
            return 1;
        path[used] = '\0';
    }
    const json_t *any = json_object_get(s, "anyOf");
    size_t i;
    json_t *branch;
    json_array_foreach(any, i, branch)
    {
        if (find_open(branch, path, size, depth + 1))
            return 1;
    }
    return 0;
}

char *emu_schema_open_object(const json_t *schema)
{
    char path[512] = "(";
    if (!find_open(schema, path, sizeof path - 2, 0))
        return NULL;
    strcat(path, ")");
    return strdup(path);
}
