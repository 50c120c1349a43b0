/* SPDX-License-Identifier: MIT */
/* The model table: every model the emulator knows, per provider — served, deprecated (served,
 * with a shutdown date) or retired — and what each takes and refuses. The ids, states, dates,
 * replacements and rules follow the providers' current lists and answers as recorded in README.md
 * (with their sources); display names and creation dates are the emulator's own. A model that is
 * not here gets the provider's 404, as the real services answer an unknown model. */
#define _POSIX_C_SOURCE 200809L
#include "model_table.h"

#include <string.h>

#define A EMU_ANTHROPIC
#define C EMU_CEREBRAS
#define F EMU_FIREWORKS
#define O EMU_OPENAI
#define SERVED EMU_MODEL_SERVED
#define DEPRECATED EMU_MODEL_DEPRECATED
#define RETIRED EMU_MODEL_RETIRED

/* The rules, by model family (README.md, "Per-model rules", gives each one's source). */
#define NONE                                                                                                           \
    {                                                                                                                  \
        0                                                                                                              \
    }
/* Anthropic: Opus 5.5 thinks adaptively, always; the rest of 4.7 and later take adaptive only;
 * all of those took temperature and top_p away. */
#define CLAUDE_ALWAYS_ADAPTIVE                                                                                         \
    {                                                                                                                  \
        .thinking = EMU_TF_ALWAYS_ADAPTIVE, .no_temperature = 1                                                        \
    }
#define CLAUDE_ADAPTIVE                                                                                                \
    {                                                                                                                  \
        .thinking = EMU_TF_ADAPTIVE_ONLY, .no_temperature = 1                                                          \
    }
/* 4.6: adaptive or a budget; Opus 4.6 lists its effort levels */
#define CLAUDE_46                                                                                                      \
    {                                                                                                                  \
        .thinking = EMU_TF_BOTH                                                                                        \
    }
#define CLAUDE_OPUS_46                                                                                                 \
    {                                                                                                                  \
        .thinking = EMU_TF_BOTH, .efforts = "low,medium,high,max"                                                      \
    }
/* 4.5: a budget only, and not temperature with top_p */
#define CLAUDE_45                                                                                                      \
    {                                                                                                                  \
        .thinking = EMU_TF_BUDGET_ONLY, .temp_xor_top_p = 1                                                            \
    }
/* OpenAI: reasoning families (effort levels where the API reference lists them) and the others */
#define OAI_REASONING                                                                                                  \
    {                                                                                                                  \
        .reasoning_model = 1                                                                                           \
    }
#define OAI_GPT51                                                                                                      \
    {                                                                                                                  \
        .reasoning_model = 1, .efforts = "none,low,medium,high"                                                        \
    }
#define OAI_GPT5                                                                                                       \
    {                                                                                                                  \
        .reasoning_model = 1, .efforts = "minimal,low,medium,high"                                                     \
    }
#define OAI_O                                                                                                          \
    {                                                                                                                  \
        .reasoning_model = 1, .efforts = "low,medium,high"                                                             \
    }
#define OAI_CLASSIC                                                                                                    \
    {                                                                                                                  \
        .no_effort = 1                                                                                                 \
    }
/* Cerebras and Fireworks reasoning models return their reasoning text */
#define GPT_OSS                                                                                                        \
    {                                                                                                                  \
        .reasons = 1, .efforts = "low,medium,high"                                                                     \
    }
#define QWEN_38                                                                                                        \
    {                                                                                                                  \
        .reasons = 1, .efforts = "none,low,medium,high"                                                                \
    }

/* Listed models of each provider come in list order (Anthropic: newest first). */
static const emu_model models[] = {
    /* ---- Anthropic ---- */
    {A, "claude-opus-5-5", SERVED, "Claude Opus 5.5", "2026-09-22T00:00:00Z", NULL, NULL, CLAUDE_ALWAYS_ADAPTIVE},
    {A, "claude-sonnet-5-5", SERVED, "Claude Sonnet 5.5", "2026-09-22T00:00:00Z", NULL, NULL, CLAUDE_ADAPTIVE},
    {A, "claude-haiku-5-5", SERVED, "Claude Haiku 5.5", "2026-09-22T00:00:00Z", NULL, NULL, CLAUDE_ADAPTIVE},
    {A, "claude-opus-5", SERVED, "Claude Opus 5", "2026-06-01T00:00:00Z", NULL, NULL, CLAUDE_ADAPTIVE},
    {A, "claude-sonnet-5", SERVED, "Claude Sonnet 5", "2026-06-01T00:00:00Z", NULL, NULL, CLAUDE_ADAPTIVE},
    {A, "claude-opus-4-8", SERVED, "Claude Opus 4.8", "2026-04-01T00:00:00Z", NULL, NULL, CLAUDE_ADAPTIVE},
    {A, "claude-opus-4-7", SERVED, "Claude Opus 4.7", "2026-03-01T00:00:00Z", NULL, NULL, CLAUDE_ADAPTIVE},
    {A, "claude-opus-4-6", SERVED, "Claude Opus 4.6", "2026-02-01T00:00:00Z", NULL, NULL, CLAUDE_OPUS_46},
    {A, "claude-sonnet-4-6", SERVED, "Claude Sonnet 4.6", "2026-02-01T00:00:00Z", NULL, NULL, CLAUDE_46},
    {A, "claude-opus-4-5", DEPRECATED, "Claude Opus 4.5", "2025-11-01T00:00:00Z", "2027-01-22", "claude-opus-5-5",
     CLAUDE_45},
    {A, "claude-opus-4-5-20251101", DEPRECATED, "Claude Opus 4.5", "2025-11-01T00:00:00Z", "2027-01-22",
     "claude-opus-5-5", CLAUDE_45},
    {A, "claude-haiku-4-5", SERVED, "Claude Haiku 4.5", "2025-10-01T00:00:00Z", NULL, NULL, CLAUDE_45},
    {A, "claude-haiku-4-5-20251001", SERVED, "Claude Haiku 4.5", "2025-10-01T00:00:00Z", NULL, NULL, CLAUDE_45},
    {A, "claude-sonnet-4-5", RETIRED, NULL, NULL, "2026-11-30", NULL, NONE},
    {A, "claude-sonnet-4-5-20250929", RETIRED, NULL, NULL, "2026-11-30", NULL, NONE},
    {A, "claude-opus-4-1-20250805", RETIRED, NULL, NULL, "2026-08-05", "claude-opus-4-8", NONE},
    {A, "claude-sonnet-4-20250514", RETIRED, NULL, NULL, "2026-06-15", "claude-sonnet-4-6", NONE},
    {A, "claude-opus-4-20250514", RETIRED, NULL, NULL, "2026-06-15", "claude-opus-4-8", NONE},
    {A, "claude-3-7-sonnet-20250219", RETIRED, NULL, NULL, NULL, NULL, NONE},
    {A, "claude-3-5-sonnet-20241022", RETIRED, NULL, NULL, NULL, NULL, NONE},
    {A, "claude-3-5-haiku-20241022", RETIRED, NULL, NULL, NULL, NULL, NONE},
    {A, "claude-3-haiku-20240307", RETIRED, NULL, NULL, NULL, NULL, NONE},
    /* ---- Cerebras ---- */
    {C, "gpt-oss-120b", SERVED, NULL, "1754006400", NULL, NULL, GPT_OSS},
    {C, "qwen-3.8-27b", SERVED, NULL, "1788307200", NULL, NULL, QWEN_38},
    {C, "llama-3.3-70b", RETIRED, NULL, NULL, "2026-02-16", "gpt-oss-120b", NONE},
    {C, "qwen-3-32b", RETIRED, NULL, NULL, "2026-02-16", "gpt-oss-120b", NONE},
    {C, "llama3.1-8b", RETIRED, NULL, NULL, "2026-05-27", NULL, NONE},
    {C, "qwen-3-235b-a22b-instruct-2507", RETIRED, NULL, NULL, "2026-05-27", NULL, NONE},
    {C, "zai-glm-4.6", RETIRED, NULL, NULL, "2026-01-20", NULL, NONE},
    {C, "zai-glm-4.7", RETIRED, NULL, NULL, "2026-08-17", NULL, NONE},
    {C, "llama-4-scout-17b-16e-instruct", RETIRED, NULL, NULL, NULL, NULL, NONE},
    {C, "gemma-4-31b", RETIRED, NULL, NULL, "2026-09-03", NULL, NONE},
    /* ---- Fireworks ---- */
    {F, "accounts/fireworks/models/gpt-oss-120b", SERVED, NULL, "1754006400", NULL, NULL, GPT_OSS},
    {F, "accounts/fireworks/models/gpt-oss-20b", SERVED, NULL, "1754006400", NULL, NULL, GPT_OSS},
    {F, "accounts/fireworks/models/kimi-k2p6", SERVED, NULL, "1780000000", NULL, NULL, NONE},
    {F, "accounts/fireworks/models/glm-5p1", SERVED, NULL, "1780000000", NULL, NULL, NONE},
    {F, "accounts/fireworks/models/deepseek-v3p2", SERVED, NULL, "1765000000", NULL, NULL, NONE},
    {F, "accounts/fireworks/models/llama-v3p1-8b-instruct", SERVED, NULL, "1721692800", NULL, NULL, NONE},
    {F, "accounts/fireworks/routers/kimi-k2p6-turbo", SERVED, NULL, "1780000000", NULL, NULL, NONE},
    {F, "accounts/fireworks/models/deepseek-v3p1", RETIRED, NULL, NULL, NULL, NULL, NONE},
    /* ---- a local Ollama server: what was pulled ---- */
    {EMU_OLLAMA, "llama3.2", SERVED, NULL, "1727740800", NULL, NULL, NONE},
    {EMU_OLLAMA, "qwen3:8b", SERVED, NULL, "1746000000", NULL, NULL, NONE},
    /* ---- OpenAI ---- */
    {O, "gpt-5.4-mini", SERVED, NULL, "1773705600", NULL, NULL, OAI_REASONING},
    {O, "gpt-5.4", SERVED, NULL, "1773705600", NULL, NULL, OAI_REASONING},
    {O, "gpt-5.6-luna", SERVED, NULL, "1785000000", NULL, NULL, OAI_REASONING},
    {O, "gpt-5.6-terra", SERVED, NULL, "1785000000", NULL, NULL, OAI_REASONING},
    {O, "gpt-5.6-sol", SERVED, NULL, "1785000000", NULL, NULL, OAI_REASONING},
    {O, "gpt-6-astra", SERVED, NULL, "1790000000", NULL, NULL, OAI_REASONING},
    {O, "gpt-5.1", DEPRECATED, NULL, "1762905600", "2027-04-01", NULL, OAI_GPT51},
    {O, "gpt-5", DEPRECATED, NULL, "1754524800", "2026-12-11", NULL, OAI_GPT5},
    {O, "gpt-5-mini", DEPRECATED, NULL, "1754524800", "2026-12-11", NULL, OAI_GPT5},
    {O, "gpt-5-nano", DEPRECATED, NULL, "1754524800", "2026-12-11", NULL, OAI_GPT5},
    {O, "o3", DEPRECATED, NULL, "1744761600", "2026-12-11", NULL, OAI_O},
    {O, "gpt-4.1", DEPRECATED, NULL, "1744675200", "2027-01-14", NULL, OAI_CLASSIC},
    {O, "gpt-4.1-mini", DEPRECATED, NULL, "1744675200", "2027-01-14", NULL, OAI_CLASSIC},
    {O, "gpt-4o", DEPRECATED, NULL, "1715367049", "2027-01-14", NULL, OAI_CLASSIC},
    {O, "gpt-4o-mini", DEPRECATED, NULL, "1721172741", "2027-01-14", NULL, OAI_CLASSIC},
    {O, "gpt-4.1-nano", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "o4-mini", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "o3-mini", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "o1", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "gpt-4-turbo", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "gpt-4", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "gpt-3.5-turbo", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "gpt-3.5-turbo-0125", RETIRED, NULL, NULL, "2026-10-23", NULL, NONE},
    {O, "gpt-5.3-chat-latest", RETIRED, NULL, NULL, "2026-08-10", NULL, NONE},
    {O, "gpt-5.2-chat-latest", RETIRED, NULL, NULL, "2026-08-10", NULL, NONE},
    {O, "gpt-5.1-chat-latest", RETIRED, NULL, NULL, "2026-07-23", NULL, NONE},
    {O, "gpt-5-chat-latest", RETIRED, NULL, NULL, "2026-07-23", NULL, NONE},
    {O, "gpt-5.1-codex", RETIRED, NULL, NULL, "2026-07-23", NULL, NONE},
    {O, "text-davinci-003", RETIRED, NULL, NULL, NULL, NULL, NONE},
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

int emu_model_check(emu_reply *r, const emu_request *rq, const char *model)
{
    const emu_model *m = emu_model_find(rq->provider, model);
    if (!m) {
        error_model_not_found(r, rq, model ? model : "");
        return -1;
    }
    if (m->state == EMU_MODEL_RETIRED) {
        error_model_retired(r, rq, model);
        return -1;
    }
    return 0;
}

emu_model_rule emu_rule_for(emu_provider p, const char *model)
{
    const emu_model *m = emu_model_find(p, model);
    return m ? m->rule : (emu_model_rule){0};
}
