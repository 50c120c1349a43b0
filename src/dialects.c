/* SPDX-License-Identifier: MIT */
/*
 * dialects.c — the two wire dialects as tables of functions: Anthropic Messages and OpenAI chat
 * completions. Callers pick a dialect once (from the provider) and call through the table; the
 * functions themselves live in anthropic.c / openai.c (whole replies) and stream_*.c (streams).
 */
#include "stream.h"

/* Anthropic sends a reply's blocks in the order they belong: keep it. */
static int wire_order(llmc_block_type type)
{
    (void)type;
    return 0;
}

/* OpenAI's one message holds reasoning, text and tool calls side by side; the non-streamed
 * decoder lists them in that order, and streams must give the same response. */
static int openai_rank(llmc_block_type type)
{
    return type == LLMC_BLOCK_THINKING ? 0 : type == LLMC_BLOCK_TOOL_USE ? 2 : 1;
}

static llmc_code anthropic_close(llmc_sdec *d)
{
    return llmc_sdec_error(d, LLMC_E_PROTOCOL, "stream ended before completion (no message_stop event)");
}

/* Cerebras sends no [DONE]: a close after a finish_reason or usage is the end. */
static llmc_code openai_close(llmc_sdec *d)
{
    if (d->finished)
        return llmc_sdec_openai_finish(d);
    return llmc_sdec_error(d, LLMC_E_PROTOCOL, "stream ended before completion (no finish_reason, usage or [DONE])");
}

static const char *const anthropic_headers[] = {"content-type: application/json", "accept: application/json",
                                                "anthropic-version: 2023-06-01", NULL};
static const char *const anthropic_stream_headers[] = {"content-type: application/json", "accept: text/event-stream",
                                                       "anthropic-version: 2023-06-01", NULL};
static const char *const openai_headers[] = {"content-type: application/json", "accept: application/json", NULL};
static const char *const openai_stream_headers[] = {"content-type: application/json", "accept: text/event-stream",
                                                    NULL};

static const llmc_dialect dialects[] = {
    [LLMC_DIALECT_ANTHROPIC] = {LLMC_DIALECT_ANTHROPIC, llmc_anthropic_encode, llmc_anthropic_decode,
                                llmc_sdec_anthropic_event, anthropic_close, wire_order, 1, anthropic_headers,
                                anthropic_stream_headers},
    [LLMC_DIALECT_OPENAI] = {LLMC_DIALECT_OPENAI, llmc_openai_encode, llmc_openai_decode, llmc_sdec_openai_event,
                             openai_close, openai_rank, 3, openai_headers, openai_stream_headers},
};

const llmc_dialect *llmc_dialect_get(llmc_dialect_kind kind)
{
    return (size_t)kind < sizeof dialects / sizeof dialects[0] ? &dialects[kind] : &dialects[LLMC_DIALECT_OPENAI];
}
