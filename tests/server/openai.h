/* SPDX-License-Identifier: MIT */
/* OpenAI-style chat completions shared by Cerebras, Fireworks and the generic provider. */
#ifndef LLMC_EMULATOR_OPENAI_H
#define LLMC_EMULATOR_OPENAI_H

#include "conversation.h"

const char *openai_finish_reason(emu_stop s);
json_t *openai_usage(const emu_request *rq, size_t prompt, size_t completion);
/* Usage with reasoning tokens (counted in the completion, and reported apart). */
json_t *openai_usage_with(const emu_request *rq, size_t prompt, size_t completion, size_t reasoning);
size_t openai_reasoning_tokens(const emu_convo *c, const emu_answer *a);
/* Where the reply's reasoning text goes ("reasoning", "reasoning_content"), or NULL for none. */
const char *openai_reasoning_field(const emu_request *rq, const emu_convo *c);
/* The reply's tool calls (function or custom), new reference. */
json_t *openai_tool_calls(const emu_convo *c, const emu_answer *a);
/* reasoning_format "raw": move the reasoning into the content. */
void openai_raw_reasoning(const emu_convo *c, emu_answer *a);
/* Read and check a chat completions request (openai_request.c); -1 with r filled on a refusal. */
int openai_read(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c);
/* What /v1/chat/completions answers to `body`: the status, and the body in *out (new reference). */
unsigned openai_answer(const emu_request *rq, const json_t *body, json_t **out);
/* The OpenAI Batch API (openai_batch.c): /v1/files and /v1/batches. */
int openai_batch_owns(const char *subpath);
void openai_batch_handle(emu_reply *r, const emu_request *rq);
json_t *openai_time_info(void);
void openai_id(const emu_request *rq, char *id, size_t n);
void openai_stream(emu_reply *r, const emu_request *rq, const json_t *body, const char *model, const emu_convo *c,
                   const emu_answer *a);

#endif
