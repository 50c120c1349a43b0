/* SPDX-License-Identifier: MIT */
/* The emulator's model table: for each provider, the models it serves, the ones it has retired
 * (answered the way that provider answers a retired model), and what each model refuses. One
 * table in one file (model_table.c), so a provider's new model or a new per-model rule is one
 * line; the facts and their sources are in README.md. */
#ifndef LLMC_EMULATOR_MODEL_TABLE_H
#define LLMC_EMULATOR_MODEL_TABLE_H

#include "emulator.h"

typedef enum emu_model_state {
    EMU_MODEL_SERVED = 0,
    EMU_MODEL_DEPRECATED = 1, /* still served, with a shutdown date (listed as deprecated) */
    EMU_MODEL_RETIRED = 2     /* answered with the provider's answer for a retired model */
} emu_model_state;

/* What a model refuses, each answered with the provider's own 400 body (model_table.c). */
enum {
    EMU_RULE_NO_MAX_TOKENS = 1u << 0,     /* OpenAI reasoning models: max_tokens (wants max_completion_tokens) */
    EMU_RULE_DEFAULT_SAMPLING = 1u << 1,  /* OpenAI reasoning models: temperature / top_p other than 1 */
    EMU_RULE_ADAPTIVE_THINKING = 1u << 2, /* Anthropic 4.7 and later: thinking.type "enabled" (a budget) */
    EMU_RULE_NO_TEMPERATURE = 1u << 3     /* Anthropic 4.7 and later: temperature (API version 2023-06-01) */
};

typedef struct emu_model {
    emu_provider provider;
    const char *id;
    emu_model_state state;
    const char *display_name; /* Anthropic's list */
    const char *created;      /* Anthropic: RFC 3339; others: Unix seconds as text */
    const char *date;         /* deprecated: the shutdown day; retired: the day it went, or NULL */
    const char *replacement;  /* the successor the provider names, or NULL */
    unsigned rules;           /* EMU_RULE_* */
} emu_model;

/* The entry for `id` at provider p (any state), or NULL. */
const emu_model *emu_model_find(emu_provider p, const char *id);
/* The served (and deprecated) models of p in list order: index 0.. ; NULL past the end. */
const emu_model *emu_model_listed(emu_provider p, size_t index);
size_t emu_model_listed_count(emu_provider p);

/* Whether `body` (a chat or messages request) may go to `model`: 0 when it may; otherwise the
 * provider's 404 (unknown or retired model) or 400 (a parameter the model refuses) is in r and
 * -1 is returned. */
int emu_model_check(emu_reply *r, const emu_request *rq, const char *model, const json_t *body);

#endif
