/* SPDX-License-Identifier: MIT */
/*
 * fuzz_stream_openai.c — libFuzzer target: arbitrary bytes as an OpenAI-compatible chunk stream
 * (Cerebras, Fireworks, OpenAI). Same invariants as the Anthropic target.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decoder(LLMC_DIALECT_OPENAI, data, size);
}
