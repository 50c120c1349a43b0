/* SPDX-License-Identifier: MIT */
/* The model table: every model the emulator knows, per provider — served, deprecated (served,
 * with a shutdown date) or retired — and the parameters each refuses. The ids, states, dates,
 * replacements and rules follow the providers' current lists as recorded in README.md (with
 * their sources); display names and creation dates are the emulator's own. A model that is not
 * here gets the provider's 404, as the real services answer an unknown model. */
#define _POSIX_C_SOURCE 200809L
#include "model_table.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define A EMU_ANTHROPIC
#define C EMU_CEREBRAS
#define F EMU_FIREWORKS
#define O EMU_OPENAI
#define SERVED EMU_MODEL_SERVED
#define DEPRECATED EMU_MODEL_DEPRECATED
#define RETIRED EMU_MODEL_RETIRED
/* Anthropic's 4.7 generation and later think adaptively only and took temperature away. */
#define ANTHROPIC_NEW (EMU_RULE_ADAPTIVE_THINKING | EMU_RULE_NO_TEMPERATURE)
/* OpenAI's reasoning models (o-series, the gpt-5 family and later). */
#define OPENAI_REASONING (EMU_RULE_NO_MAX_TOKENS | EMU_RULE_DEFAULT_SAMPLING)

/* Listed models of each provider come in list order (Anthropic: newest first). */
static const emu_model models[] = {
    /* ---- Anthropic ---- */
    {A, "claude-opus-5-5", SERVED, "Claude Opus 5.5", "2026-09-22T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-sonnet-5-5", SERVED, "Claude Sonnet 5.5", "2026-09-22T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-haiku-5-5", SERVED, "Claude Haiku 5.5", "2026-09-22T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-opus-5", SERVED, "Claude Opus 5", "2026-06-01T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-sonnet-5", SERVED, "Claude Sonnet 5", "2026-06-01T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-opus-4-8", SERVED, "Claude Opus 4.8", "2026-04-01T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-opus-4-7", SERVED, "Claude Opus 4.7", "2026-03-01T00:00:00Z", NULL, NULL, ANTHROPIC_NEW},
    {A, "claude-opus-4-6", SERVED, "Claude Opus 4.6", "2026-02-01T00:00:00Z", NULL, NULL, 0},
    {A, "claude-sonnet-4-6", SERVED, "Claude Sonnet 4.6", "2026-02-01T00:00:00Z", NULL, NULL, 0},
    {A, "claude-opus-4-5", DEPRECATED, "Claude Opus 4.5", "2025-11-01T00:00:00Z", "2027-01-22", "claude-opus-5-5", 0},
    {A, "claude-opus-4-5-20251101", DEPRECATED, "Claude Opus 4.5", "2025-11-01T00:00:00Z", "2027-01-22",
     "claude-opus-5-5", 0},
    {A, "claude-haiku-4-5", SERVED, "Claude Haiku 4.5", "2025-10-01T00:00:00Z", NULL, NULL, 0},
    {A, "claude-haiku-4-5-20251001", SERVED, "Claude Haiku 4.5", "2025-10-01T00:00:00Z", NULL, NULL, 0},
    {A, "claude-sonnet-4-5", RETIRED, NULL, NULL, "2026-11-30", NULL, 0},
    {A, "claude-sonnet-4-5-20250929", RETIRED, NULL, NULL, "2026-11-30", NULL, 0},
    {A, "claude-opus-4-1-20250805", RETIRED, NULL, NULL, "2026-08-05", "claude-opus-4-8", 0},
    {A, "claude-sonnet-4-20250514", RETIRED, NULL, NULL, "2026-06-15", "claude-sonnet-4-6", 0},
    {A, "claude-opus-4-20250514", RETIRED, NULL, NULL, "2026-06-15", "claude-opus-4-8", 0},
    {A, "claude-3-7-sonnet-20250219", RETIRED, NULL, NULL, NULL, NULL, 0},
    {A, "claude-3-5-sonnet-20241022", RETIRED, NULL, NULL, NULL, NULL, 0},
    {A, "claude-3-5-haiku-20241022", RETIRED, NULL, NULL, NULL, NULL, 0},
    {A, "claude-3-haiku-20240307", RETIRED, NULL, NULL, NULL, NULL, 0},
    /* ---- Cerebras ---- */
    {C, "gpt-oss-120b", SERVED, NULL, "1754006400", NULL, NULL, 0},
    {C, "qwen-3.8-27b", SERVED, NULL, "1788307200", NULL, NULL, 0},
    {C, "llama-3.3-70b", RETIRED, NULL, NULL, "2026-02-16", "gpt-oss-120b", 0},
    {C, "qwen-3-32b", RETIRED, NULL, NULL, "2026-02-16", "gpt-oss-120b", 0},
    {C, "llama3.1-8b", RETIRED, NULL, NULL, "2026-05-27", NULL, 0},
    {C, "qwen-3-235b-a22b-instruct-2507", RETIRED, NULL, NULL, "2026-05-27", NULL, 0},
    {C, "zai-glm-4.6", RETIRED, NULL, NULL, "2026-01-20", NULL, 0},
    {C, "zai-glm-4.7", RETIRED, NULL, NULL, "2026-08-17", NULL, 0},
    {C, "llama-4-scout-17b-16e-instruct", RETIRED, NULL, NULL, NULL, NULL, 0},
    {C, "gemma-4-31b", RETIRED, NULL, NULL, "2026-09-03", NULL, 0},
    /* ---- Fireworks ---- */
    {F, "accounts/fireworks/models/gpt-oss-120b", SERVED, NULL, "1754006400", NULL, NULL, 0},
    {F, "accounts/fireworks/models/gpt-oss-20b", SERVED, NULL, "1754006400", NULL, NULL, 0},
    {F, "accounts/fireworks/models/kimi-k2p6", SERVED, NULL, "1780000000", NULL, NULL, 0},
    {F, "accounts/fireworks/models/glm-5p1", SERVED, NULL, "1780000000", NULL, NULL, 0},
    {F, "accounts/fireworks/models/deepseek-v3p2", SERVED, NULL, "1765000000", NULL, NULL, 0},
    {F, "accounts/fireworks/models/llama-v3p1-8b-instruct", SERVED, NULL, "1721692800", NULL, NULL, 0},
    {F, "accounts/fireworks/routers/kimi-k2p6-turbo", SERVED, NULL, "1780000000", NULL, NULL, 0},
    {F, "accounts/fireworks/models/deepseek-v3p1", RETIRED, NULL, NULL, NULL, NULL, 0},
    /* ---- a local Ollama server: what was pulled ---- */
    {EMU_OLLAMA, "llama3.2", SERVED, NULL, "1727740800", NULL, NULL, 0},
    {EMU_OLLAMA, "qwen3:8b", SERVED, NULL, "1746000000", NULL, NULL, 0},
    /* ---- OpenAI ---- */
    {O, "gpt-5.4-mini", SERVED, NULL, "1773705600", NULL, NULL, OPENAI_REASONING},
    {O, "gpt-5.4", SERVED, NULL, "1773705600", NULL, NULL, OPENAI_REASONING},
    {O, "gpt-5.6-luna", SERVED, NULL, "1785000000", NULL, NULL, OPENAI_REASONING},
    {O, "gpt-5.6-terra", SERVED, NULL, "1785000000", NULL, NULL, OPENAI_REASONING},
    {O, "gpt-5.6-sol", SERVED, NULL, "1785000000", NULL, NULL, OPENAI_REASONING},
    {O, "gpt-6-astra", SERVED, NULL, "1790000000", NULL, NULL, OPENAI_REASONING},
    {O, "gpt-5.1", DEPRECATED, NULL, "1762905600", "2027-04-01", NULL, OPENAI_REASONING},
    {O, "gpt-5", DEPRECATED, NULL, "1754524800", "2026-12-11", NULL, OPENAI_REASONING},
    {O, "gpt-5-mini", DEPRECATED, NULL, "1754524800", "2026-12-11", NULL, OPENAI_REASONING},
    {O, "gpt-5-nano", DEPRECATED, NULL, "1754524800", "2026-12-11", NULL, OPENAI_REASONING},
    {O, "o3", DEPRECATED, NULL, "1744761600", "2026-12-11", NULL, OPENAI_REASONING},
    {O, "gpt-4.1", DEPRECATED, NULL, "1744675200", "2027-01-14", NULL, 0},
    {O, "gpt-4.1-mini", DEPRECATED, NULL, "1744675200", "2027-01-14", NULL, 0},
    {O, "gpt-4o", DEPRECATED, NULL, "1715367049", "2027-01-14", NULL, 0},
    {O, "gpt-4o-mini", DEPRECATED, NULL, "1721172741", "2027-01-14", NULL, 0},
    {O, "gpt-4.1-nano", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "o4-mini", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "o3-mini", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "o1", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "gpt-4-turbo", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "gpt-4", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "gpt-3.5-turbo", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "gpt-3.5-turbo-0125", RETIRED, NULL, NULL, "2026-10-23", NULL, 0},
    {O, "gpt-5.3-chat-latest", RETIRED, NULL, NULL, "2026-08-10", NULL, 0},
    {O, "gpt-5.2-chat-latest", RETIRED, NULL, NULL, "2026-08-10", NULL, 0},
    {O, "gpt-5.1-chat-latest", RETIRED, NULL, NULL, "2026-07-23", NULL, 0},
    {O, "gpt-5-chat-latest", RETIRED, NULL, NULL, "2026-07-23", NULL, 0},
    {O, "gpt-5.1-codex", RETIRED, NULL, NULL, "2026-07-23", NULL, 0},
    {O, "text-davinci-003", RETIRED, NULL, NULL, NULL, NULL, 0},
};

#define N_MODELS (sizeof models / sizeof models[0])

const emu_model *emu_model_find(emu_provider p, const char *id)
{
    for (size_t i = 0; id && i < N_MODELS; i++)
        if (models[i].provider == p && strcmp(models[i].id, id) == 0)
            return &models[i];
    return NULL;
}

const emu_model *emu_model_listed(emu_provider p, size_t index)
{
    for (size_t i = 0; i < N_MODELS; i++)
        if (models[i].provider == p && models[i].state != EMU_MODEL_RETIRED && index-- == 0)
            return &models[i];
    return NULL;
}

size_t emu_model_listed_count(emu_provider p)
{
    size_t n = 0;
    while (emu_model_listed(p, n))
        n++;
    return n;
}

/* A number as the providers print it in their messages: 0.2, 1, 0.01. */
static void number_text(const json_t *v, char *out, size_t size)
{
    if (json_is_integer(v))
        snprintf(out, size, "%lld", (long long)json_integer_value(v));
    else
        snprintf(out, size, "%g", json_number_value(v));
}

static int sampling_rules(emu_reply *r, const emu_request *rq, const emu_model *m, const json_t *body)
{
    const char *names[] = {"temperature", "top_p"};
    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_object_get(body, names[i]);
        if (!json_is_number(v) || fabs(json_number_value(v) - 1.0) < 1e-12)
            continue;
        char num[32], msg[256];
        number_text(v, num, sizeof num);
        snprintf(msg, sizeof msg,
                 "Unsupported value: '%s' does not support %s with this model. Only the default (1) value is "
                 "supported.",
                 names[i], num);
        error_param(r, rq, 400, msg, names[i], "unsupported_value");
        (void)m;
        return -1;
    }
    return 0;
}

int emu_model_check(emu_reply *r, const emu_request *rq, const char *model, const json_t *body)
{
    const emu_model *m = emu_model_find(rq->provider, model);
    if (!m) {
        error_model_not_found(r, rq, model);
        return -1;
    }
    if (m->state == EMU_MODEL_RETIRED) {
        error_model_retired(r, rq, model);
        return -1;
    }
    if ((m->rules & EMU_RULE_NO_MAX_TOKENS) && json_object_get(body, "max_tokens")) {
        error_param(r, rq, 400,
                    "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                    "'max_completion_tokens' instead.",
                    "max_tokens", "unsupported_parameter");
        return -1;
    }
    if ((m->rules & EMU_RULE_DEFAULT_SAMPLING) && sampling_rules(r, rq, m, body) != 0)
        return -1;
    if (rq->provider == EMU_ANTHROPIC) {
        const char *thinking = json_string_value(json_object_get(json_object_get(body, "thinking"), "type"));
        if ((m->rules & EMU_RULE_ADAPTIVE_THINKING) && thinking && strcmp(thinking, "enabled") == 0) {
            error_param(r, rq, 400,
                        "\"thinking.type.enabled\" is not supported for this model. Use \"thinking.type.adaptive\" "
                        "and \"output_config.effort\" to control thinking behavior.",
                        NULL, NULL);
            return -1;
        }
        /* API version 2026-10-21 removed the sampling parameters for every model; under
         * 2023-06-01 the newest models refuse temperature only. */
        const char *version = req_header(rq, "anthropic-version");
        bool v2026 = version && strcmp(version, "2026-10-21") >= 0;
        const char *sampling[] = {"temperature", "top_p", "top_k"};
        for (size_t i = 0; i < 3; i++) {
            if (!json_object_get(body, sampling[i]))
                continue;
            char msg[160];
            if (v2026) {
                snprintf(msg, sizeof msg, "%s: Extra inputs are not permitted", sampling[i]);
                error_param(r, rq, 400, msg, NULL, NULL);
                return -1;
            }
            if ((m->rules & EMU_RULE_NO_TEMPERATURE) && i == 0) {
                error_param(r, rq, 400, "`temperature` is deprecated for this model.", NULL, NULL);
                return -1;
            }
        }
    }
    return 0;
}
