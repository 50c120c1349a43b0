/* SPDX-License-Identifier: MIT */
/*
 * fuzz_stream_anthropic.c — libFuzzer target: arbitrary bytes as an Anthropic event stream.
 * Checks the invariants of fuzz_common.h (one terminal event, whole characters, chunking makes
 * no difference, the fast path agrees with jansson).
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decoder(LLMC_DIALECT_ANTHROPIC, data, size);
}
