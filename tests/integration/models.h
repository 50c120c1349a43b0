/* SPDX-License-Identifier: MIT */
/*
 * models.h — the model strings integration tests send, one per provider: models the emulator
 * serves (tests/server/models.c lists them). Tests name models through these macros so that when
 * a provider retires a model, one line changes here and in the emulator, not every test.
 */
#ifndef LLMC_TEST_MODELS_H
#define LLMC_TEST_MODELS_H

#define TEST_MODEL_ANTHROPIC "anthropic/claude-sonnet-4-5"
#define TEST_MODEL_CEREBRAS "cerebras/llama-3.3-70b"
#define TEST_MODEL_FIREWORKS "fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct"
#define TEST_MODEL_OPENAI "openai/gpt-4o-mini"

#endif
