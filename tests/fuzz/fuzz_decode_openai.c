/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decode_openai.c — libFuzzer target: arbitrary bytes as the body of an OpenAI-compatible
 * chat completion (llmc_openai_decode). Checks fuzz_decode_common.h's invariants.
 */
#include "fuzz_decode_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode_body(llmc_openai_decode, data, size);
}
