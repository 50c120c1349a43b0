/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decode_anthropic.c — libFuzzer target: arbitrary bytes as the body of an Anthropic
 * Messages reply (llmc_anthropic_decode). Checks fuzz_decode_common.h's invariants.
 */
#include "fuzz_decode_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decode_body(llmc_anthropic_decode, data, size);
}
