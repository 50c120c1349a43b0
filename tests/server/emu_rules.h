/* SPDX-License-Identifier: MIT */
/* What particular models take and refuse, as the real services answer them (README.md, "Per-model
 * rules", gives each row's source), and the request fields each API knows. Kept apart from the
 * models list so it can be folded into a per-provider model table later. */
#ifndef LLMC_EMULATOR_RULES_H
#define LLMC_EMULATOR_RULES_H

#include "emulator.h"

typedef enum emu_thinking_forms {
    EMU_TF_ANY = 0,         /* not known: whatever is sent is accepted */
    EMU_TF_BUDGET_ONLY = 1, /* "enabled" (budget) or "disabled"; "adaptive" is a 400 */
    EMU_TF_BOTH = 2,
    EMU_TF_ADAPTIVE_ONLY = 3,  /* "enabled" is a 400 */
    EMU_TF_ALWAYS_ADAPTIVE = 4 /* "enabled" and "disabled" are 400s; thinks when nothing is asked */
} emu_thinking_forms;

typedef struct emu_model_rule {
    emu_provider provider;
    const char *pattern; /* fnmatch(3) over the model */
    emu_thinking_forms thinking;
    int no_temperature;  /* temperature (other than 1 for OpenAI) is a 400 */
    int temp_xor_top_p;  /* both together are a 400 */
    int reasoning_model; /* OpenAI: max_completion_tokens only, reasoning tokens in usage, no text */
    int no_effort;       /* OpenAI: reasoning_effort is an unknown argument */
    int reasons;         /* Cerebras / Fireworks: returns reasoning text */
    int reasons_by_default;
    const char *efforts; /* accepted effort levels, comma-separated; NULL: any */
} emu_model_rule;

/* The rule for a model (a zeroed one when none matches: everything accepted). */
emu_model_rule emu_rule_for(emu_provider p, const char *model);
/* Whether `level` is in the comma-separated list. */
int emu_effort_listed(const char *list, const char *level);

/* Whether a top-level request field is one the provider's API knows (for the 400 on others).
 * `count_tokens`: Anthropic's counting endpoint, which takes fewer. `version_2026`: Anthropic API
 * version 2026-10-21 or later (temperature, top_p, top_k removed). */
int emu_field_known(emu_provider p, const char *field, int count_tokens, int version_2026);

/* FNV-1a of s, for the emulator's signatures: a block sent back changed no longer matches. */
unsigned long emu_hash(const char *s);
/* "EmuSig" + the hash of a thinking text (malloc'd). */
char *emu_thinking_signature(const char *thinking);

/* A JSON value that follows `schema` (objects with every property, strings from `text`), or
 * json_object() for a schema it cannot read. New reference. */
json_t *emu_json_for_schema(const json_t *schema, const char *text, int depth);
/* The first object in `schema` (depth first) without "additionalProperties": false, as a path
 * like "('properties', 'item')" (malloc'd), or NULL when every object has it. */
char *emu_schema_open_object(const json_t *schema);

#endif
