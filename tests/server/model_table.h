/* SPDX-License-Identifier: MIT */
/* The emulator's model table: for each provider, the models it serves, the ones it has retired
 * (answered the way that provider answers a retired model), and what each model takes and refuses
 * (thinking forms, sampling, effort levels, reasoning). One table in one file (model_table.c), so
 * a provider's new model or a new per-model rule is one line; the facts and their sources are in
 * README.md ("Models" and "Per-model rules"). */
#ifndef LLMC_EMULATOR_MODEL_TABLE_H
#define LLMC_EMULATOR_MODEL_TABLE_H

#include "emulator.h"

typedef enum emu_model_state {
    EMU_MODEL_SERVED = 0,
    EMU_MODEL_DEPRECATED = 1, /* still served, with a shutdown date (listed as deprecated) */
    EMU_MODEL_RETIRED = 2     /* answered with the provider's answer for a retired model */
} emu_model_state;

/* The Anthropic thinking forms a model takes (the same classes as the library's model_rules.c). */
typedef enum emu_thinking_forms {
    EMU_TF_ANY = 0,         /* not known: whatever is sent is accepted */
    EMU_TF_BUDGET_ONLY = 1, /* "enabled" (budget) or "disabled"; "adaptive" is a 400 */
    EMU_TF_BOTH = 2,
    EMU_TF_ADAPTIVE_ONLY = 3,  /* "enabled" is a 400 */
    EMU_TF_ALWAYS_ADAPTIVE = 4 /* "enabled" and "disabled" are 400s; thinks when nothing is asked */
} emu_thinking_forms;

/* What a model takes and refuses, each refusal answered with the provider's own 400 body by the
 * request readers (anthropic_request.c, openai_request.c). */
typedef struct emu_model_rule {
    emu_thinking_forms thinking; /* Anthropic */
    int no_temperature;          /* Anthropic: temperature and top_p are 400s ("deprecated for this model") */
    int temp_xor_top_p;          /* Anthropic: both together are a 400 */
    int reasoning_model;         /* OpenAI: max_completion_tokens only, default sampling only, reasoning tokens */
    int no_effort;               /* OpenAI: reasoning_effort is an unknown argument */
    int reasons;                 /* Cerebras / Fireworks: returns reasoning text (unless effort "none") */
    const char *efforts;         /* accepted effort levels, comma-separated; NULL: any */
} emu_model_rule;

typedef struct emu_model {
    emu_provider provider;
    const char *id;
    emu_model_state state;
    const char *display_name; /* Anthropic's list */
    const char *created;      /* Anthropic: RFC 3339; others: Unix seconds as text */
    const char *date;         /* deprecated: the shutdown day; retired: the day it went, or NULL */
    const char *replacement;  /* the successor the provider names, or NULL */
    emu_model_rule rule;
} emu_model;

/* The entry for `id` at provider p (any state), or NULL. */
const emu_model *emu_model_find(emu_provider p, const char *id);
/* The served (and deprecated) models of p in list order: index 0.. ; NULL past the end. */
const emu_model *emu_model_listed(emu_provider p, size_t index);
size_t emu_model_listed_count(emu_provider p);

/* Whether provider p serves `model`: 0 when it does; otherwise the provider's 404 (an unknown or
 * retired model, each in the provider's words) is in r and -1 is returned. */
int emu_model_check(emu_reply *r, const emu_request *rq, const char *model);
/* What `model` at p takes and refuses (a zeroed rule, everything accepted, for a model not in
 * the table). */
emu_model_rule emu_rule_for(emu_provider p, const char *model);

#endif
