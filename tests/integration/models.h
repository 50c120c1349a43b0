/* SPDX-License-Identifier: MIT */
/*
 * models.h — the model strings integration tests send, one per provider: current models the
 * emulator serves (tests/server/model_table.c lists them, README.md gives their sources). Tests
 * name models through these macros so that when a provider retires a model, one line changes
 * here and in the emulator, not every test. The *_REASONING / *_ADAPTIVE ones refuse parameters
 * (request.unsupported_parameter); the *_RETIRED ones are gone (model.not_found).
 */
#ifndef LLMC_TEST_MODELS_H
#define LLMC_TEST_MODELS_H

/* Current models that take every parameter llmc sends (max_tokens, temperature, a thinking budget). */
#define TEST_MODEL_ANTHROPIC "anthropic/claude-sonnet-4-6"
#define TEST_MODEL_CEREBRAS "cerebras/gpt-oss-120b"
#define TEST_MODEL_FIREWORKS "fireworks/accounts/fireworks/models/gpt-oss-120b"
#define TEST_MODEL_OPENAI "openai/gpt-4.1-mini"

/* Models that refuse some parameters, as their providers do. */
#define TEST_MODEL_OPENAI_REASONING "openai/gpt-5.4-mini"         /* max_tokens, temperature */
#define TEST_MODEL_ANTHROPIC_ADAPTIVE "anthropic/claude-opus-5-5" /* a thinking budget, temperature */
#define TEST_MODEL_ANTHROPIC_BUDGET "anthropic/claude-haiku-4-5"  /* adaptive thinking, temperature with top_p */

/* Retired models, with the replacement the provider names where it names one. */
#define TEST_MODEL_CEREBRAS_RETIRED "cerebras/llama-3.3-70b"              /* → gpt-oss-120b, 2026-02-16 */
#define TEST_MODEL_ANTHROPIC_RETIRED "anthropic/claude-sonnet-4-20250514" /* → claude-sonnet-4-6 */
#define TEST_MODEL_OPENAI_RETIRED "openai/o4-mini"                        /* 2026-10-23 */

#endif
