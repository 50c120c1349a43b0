/* SPDX-License-Identifier: MIT */
/* What the request readers share beyond the model table (model_table.h holds what each model takes
 * and refuses): the request fields each API knows, effort lists, the signatures that break when a
 * block sent back was changed, and JSON made to a schema. */
#ifndef LLMC_EMULATOR_RULES_H
#define LLMC_EMULATOR_RULES_H

#include "emulator.h"

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
