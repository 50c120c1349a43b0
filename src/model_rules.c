/* SPDX-License-Identifier: MIT */
/*
 * model_rules.c — the table of per-model parameter rules. Rows are tried in order and the first
 * that matches and speaks to an aspect wins, so specific rows come before general ones. Every
 * row names its source; tests/server/README.md records the same facts for the emulator. A model
 * no row matches gets what the caller asked for, unchanged: the provider then has the last word.
 */
#include "model_rules.h"
#include "diagnose.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define E(level) (1u << LLMC_EFFORT_##level)

/* Sources, shortened; the full references are in tests/server/README.md ("Per-model rules"). */
#define SRC_OPUS55 "Anthropic docs, What's new in Claude Opus 5.5 (adaptive thinking always on)"
#define SRC_MODELS "Anthropic docs, models overview (Fable 5 / Mythos 5: adaptive, always on)"
#define SRC_EXT_THINKING                                                                                               \
    "Anthropic docs, extended thinking: Claude 4.7 and later reject type \"enabled\" with a 400 "                      \
    "(\"thinking.type.enabled\" is not supported for this model)"
#define SRC_TEMP_47                                                                                                    \
    "400 \"`temperature` is deprecated for this model.\" on Opus 4.7+ / Sonnet 5 (captures 2026); "                    \
    "anthropics/skills claude-api error-codes.md: temperature, top_p, top_k removed"
#define SRC_46 "Anthropic docs, extended thinking: 4.6 models take adaptive; \"enabled\" is deprecated there"
#define SRC_EFFORT_46                                                                                                  \
    "400 \"This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.\" (claude-opus-4-6)"
#define SRC_45_THINKING "captures 2026: adaptive thinking is not supported on the 4.5 generation"
#define SRC_45_SAMPLING                                                                                                \
    "400 \"`temperature` and `top_p` cannot both be specified for this model. Please use only one.\""
#define SRC_OLD "Anthropic docs, extended thinking (budget_tokens, Claude 3.7 to 4.1)"
#define SRC_OAI_REASONING                                                                                              \
    "openai SDK: max_tokens is \"not compatible with o-series models\"; 400 unsupported_parameter "                    \
    "\"Use 'max_completion_tokens' instead.\" and unsupported_value for temperature (gpt-5, gpt-5.1, o1, o3-mini)"
#define SRC_OAI_EFFORT "OpenAI API reference, reasoning_effort (per-model levels)"
#define SRC_OAI_NO_EFFORT "400 \"Unrecognized request argument supplied: reasoning_effort\" (gpt-4o-mini, gpt-4.1)"
#define SRC_CEREBRAS_EFFORT "Cerebras docs, reasoning: gpt-oss-120b takes low, medium, high (\"none\" is a 400)"
#define SRC_CEREBRAS_QWEN "Cerebras model page qwen-3.8-27b: reasoning_effort none, low, medium, high"
#define SRC_CEREBRAS_TOOLS "Cerebras 400 wrong_api_format: '\"tools\" is incompatible with \"response_format\"'"
#define SRC_CEREBRAS_RAW "Cerebras docs, reasoning_format: \"raw\" is not allowed with json_object or json_schema"
#define SRC_FIREWORKS_EFFORT "Fireworks SDK, reasoning_effort: Harmony models (gpt-oss) take low, medium, high"
#define SRC_DEEPSEEK "DeepSeek API docs, JSON Output: response_format {\"type\": \"json_object\"}"

static const llmc_model_rule rules[] = {
    /* ---- Anthropic: thinking forms, newest first ---- */
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-opus-5-5*", LLMC_RULE_THINKING, LLMC_TF_ALWAYS_ADAPTIVE, 0, SRC_OPUS55},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-fable-5-1*", LLMC_RULE_THINKING, LLMC_TF_ALWAYS_ADAPTIVE, 0, SRC_OPUS55},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-fable-5*", LLMC_RULE_THINKING, LLMC_TF_ALWAYS_ADAPTIVE, 0, SRC_MODELS},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-mythos-5*", LLMC_RULE_THINKING, LLMC_TF_ALWAYS_ADAPTIVE, 0, SRC_MODELS},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-opus-4-[78]*", LLMC_RULE_THINKING, LLMC_TF_ADAPTIVE_ONLY, 0,
     SRC_EXT_THINKING},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-opus-5*", LLMC_RULE_THINKING, LLMC_TF_ADAPTIVE_ONLY, 0, SRC_EXT_THINKING},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-sonnet-5*", LLMC_RULE_THINKING, LLMC_TF_ADAPTIVE_ONLY, 0, SRC_EXT_THINKING},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-haiku-5*", LLMC_RULE_THINKING, LLMC_TF_ADAPTIVE_ONLY, 0, SRC_EXT_THINKING},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-*-4-6*", LLMC_RULE_THINKING, LLMC_TF_BOTH, 0, SRC_46},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-mythos-preview*", LLMC_RULE_THINKING, LLMC_TF_BOTH, 0, SRC_46},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-*-4-5*", LLMC_RULE_THINKING | LLMC_RULE_TEMPERATURE_XOR_TOP_P,
     LLMC_TF_BUDGET_ONLY, 0, SRC_45_THINKING "; " SRC_45_SAMPLING},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-opus-4-1*", LLMC_RULE_THINKING | LLMC_RULE_TEMPERATURE_XOR_TOP_P,
     LLMC_TF_BUDGET_ONLY, 0, SRC_OLD "; " SRC_45_SAMPLING},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-*-4-20*", LLMC_RULE_THINKING, LLMC_TF_BUDGET_ONLY, 0, SRC_OLD},
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-3-7-*", LLMC_RULE_THINKING, LLMC_TF_BUDGET_ONLY, 0, SRC_OLD},
    /* ---- Anthropic: sampling and effort ---- */
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-opus-4-[78]*", LLMC_RULE_NO_TEMPERATURE | LLMC_RULE_NO_TOP_P, 0, 0,
     SRC_TEMP_47},
#define NO_SAMPLING(pattern)                                                                                           \
    {                                                                                                                  \
        LLMC_DIALECT_ANTHROPIC, NULL, pattern, LLMC_RULE_NO_TEMPERATURE | LLMC_RULE_NO_TOP_P, 0, 0, SRC_TEMP_47        \
    }
    NO_SAMPLING("claude-opus-5*"),
    NO_SAMPLING("claude-sonnet-5*"),
    NO_SAMPLING("claude-haiku-5*"),
    NO_SAMPLING("claude-fable-5*"),
    NO_SAMPLING("claude-mythos-5*"),
    {LLMC_DIALECT_ANTHROPIC, NULL, "claude-opus-4-6*", LLMC_RULE_EFFORTS, 0, E(LOW) | E(MEDIUM) | E(HIGH) | E(MAX),
     SRC_EFFORT_46},

    /* ---- OpenAI-compatible: per provider first ---- */
    {LLMC_DIALECT_OPENAI, "cerebras", "gpt-oss-*", LLMC_RULE_EFFORTS, 0, E(LOW) | E(MEDIUM) | E(HIGH),
     SRC_CEREBRAS_EFFORT},
    {LLMC_DIALECT_OPENAI, "cerebras", "qwen-3.8-*", LLMC_RULE_EFFORTS, 0, E(NONE) | E(LOW) | E(MEDIUM) | E(HIGH),
     SRC_CEREBRAS_QWEN},
    {LLMC_DIALECT_OPENAI, "cerebras", "*", LLMC_RULE_NO_TOOLS_WITH_FORMAT, 0, 0, SRC_CEREBRAS_TOOLS},
    {LLMC_DIALECT_OPENAI, "cerebras", "*", LLMC_RULE_NO_RAW_WITH_FORMAT, 0, 0, SRC_CEREBRAS_RAW},
    {LLMC_DIALECT_OPENAI, "fireworks", "accounts/fireworks/models/gpt-oss-*", LLMC_RULE_EFFORTS, 0,
     E(LOW) | E(MEDIUM) | E(HIGH), SRC_FIREWORKS_EFFORT},
    /* ---- OpenAI's own model families (under whatever endpoint serves them) ---- */
    {LLMC_DIALECT_OPENAI, NULL, "gpt-5.1*", LLMC_RULE_EFFORTS, 0, E(NONE) | E(LOW) | E(MEDIUM) | E(HIGH),
     SRC_OAI_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-5.2*", LLMC_RULE_EFFORTS, 0, E(NONE) | E(LOW) | E(MEDIUM) | E(HIGH) | E(XHIGH),
     SRC_OAI_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-5-pro*", LLMC_RULE_EFFORTS, 0, E(HIGH), SRC_OAI_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-5", LLMC_RULE_EFFORTS, 0, E(MINIMAL) | E(LOW) | E(MEDIUM) | E(HIGH),
     SRC_OAI_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-5-[0-9mn]*", LLMC_RULE_EFFORTS, 0, E(MINIMAL) | E(LOW) | E(MEDIUM) | E(HIGH),
     SRC_OAI_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "o[134]*", LLMC_RULE_EFFORTS, 0, E(LOW) | E(MEDIUM) | E(HIGH), SRC_OAI_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "o[1-9]*",
     LLMC_RULE_MAX_COMPLETION_TOKENS | LLMC_RULE_NO_TEMPERATURE | LLMC_RULE_NO_TOP_P, 0, 0, SRC_OAI_REASONING},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-[5-9]*",
     LLMC_RULE_MAX_COMPLETION_TOKENS | LLMC_RULE_NO_TEMPERATURE | LLMC_RULE_NO_TOP_P, 0, 0, SRC_OAI_REASONING},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-4*", LLMC_RULE_NO_REASONING_EFFORT, 0, 0, SRC_OAI_NO_EFFORT},
    {LLMC_DIALECT_OPENAI, NULL, "gpt-3.5*", LLMC_RULE_NO_REASONING_EFFORT, 0, 0, SRC_OAI_NO_EFFORT},
    /* ---- DeepSeek's own API ---- */
    {LLMC_DIALECT_OPENAI, NULL, "deepseek-chat", LLMC_RULE_JSON_OBJECT_ONLY, 0, 0, SRC_DEEPSEEK},
    {LLMC_DIALECT_OPENAI, NULL, "deepseek-reasoner", LLMC_RULE_JSON_OBJECT_ONLY, 0, 0, SRC_DEEPSEEK},
};

static const llmc_model_rule *rule_scan(llmc_dialect_kind dialect, const char *provider, const char *model,
                                        unsigned aspect)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const llmc_model_rule *r = &rules[i];
        if (r->dialect != dialect || !(r->aspects & aspect))
            continue;
        if (r->provider && (!provider || strcmp(r->provider, provider) != 0))
            continue;
        if (fnmatch(r->pattern, model, 0) == 0)
            return r;
    }
    return NULL;
}

/* The answers for the models a thread asks about, remembered: every request looks up its model
 * several times (one per aspect), and the table is constant, so an answer never goes stale. */
#define MEMO_SLOTS 32
typedef struct rule_memo {
    char provider[32], model[96];
    unsigned aspect;
    int dialect;
    const llmc_model_rule *rule;
    bool used;
} rule_memo;
static _Thread_local rule_memo memo[MEMO_SLOTS];

const llmc_model_rule *llmc_model_rule_find(llmc_dialect_kind dialect, const char *provider, const char *model,
                                            unsigned aspect)
{
    if (!model)
        return NULL;
    size_t pl = provider ? strlen(provider) : 0, ml = strlen(model);
    if (pl >= sizeof memo[0].provider || ml >= sizeof memo[0].model)
        return rule_scan(dialect, provider, model, aspect);
    unsigned h = aspect * 31u + (unsigned)dialect;
    for (size_t i = 0; i < ml; i++)
        h = h * 131u + (unsigned char)model[i];
    rule_memo *m = &memo[h % MEMO_SLOTS];
    if (m->used && m->aspect == aspect && m->dialect == (int)dialect && strcmp(m->model, model) == 0 &&
        strcmp(m->provider, provider ? provider : "") == 0)
        return m->rule;
    m->rule = rule_scan(dialect, provider, model, aspect);
    memcpy(m->model, model, ml + 1);
    memcpy(m->provider, provider ? provider : "", pl + 1);
    m->aspect = aspect;
    m->dialect = (int)dialect;
    m->used = true;
    return m->rule;
}

const llmc_model_rule *llmc_model_rule_at(size_t index)
{
    return index < sizeof rules / sizeof rules[0] ? &rules[index] : NULL;
}

const char *llmc_model_rule_efforts(const llmc_model_rule *rule, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int e = LLMC_EFFORT_NONE; e <= LLMC_EFFORT_MAX && rule; e++)
        if (rule->efforts & (1u << e)) {
            int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", llmc_effort_name((llmc_effort)e));
            if (n < 0 || (size_t)n >= size - used)
                break;
            used += (size_t)n;
        }
    return buf;
}

llmc_code llmc_rule_refuse(llmc_error *err, const char *provider, const char *model, const char *param,
                           const char *variant, const char *levels, const char *fmt, ...)
{
    if (!err)
        return LLMC_E_BAD_REQUEST;
    err->code = LLMC_E_BAD_REQUEST;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    llmc_diagnose_parameter(&err->diagnosis, provider ? llmc_provider_find(provider) : NULL, provider, model, param,
                            variant, levels);
    return LLMC_E_BAD_REQUEST;
}
