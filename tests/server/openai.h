/* SPDX-License-Identifier: MIT */
/* OpenAI-style chat completions shared by Cerebras, Fireworks and the generic provider. */
#ifndef LLMC_EMULATOR_OPENAI_H
#define LLMC_EMULATOR_OPENAI_H

#include "conversation.h"

const char *openai_finish_reason(emu_stop s);
json_t *openai_usage(const emu_request *rq, size_t prompt, size_t completion);
json_t *openai_time_info(void);
void openai_id(const emu_request *rq, char *id, size_t n);
void openai_stream(emu_reply *r, const emu_request *rq, const json_t *body, const char *model, const emu_convo *c,
                   const emu_answer *a);

#endif
