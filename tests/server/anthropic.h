/* SPDX-License-Identifier: MIT */
/* Anthropic pieces shared by the non-streamed reply, the stream and the batches. */
#ifndef LLMC_EMULATOR_ANTHROPIC_H
#define LLMC_EMULATOR_ANTHROPIC_H

#include "conversation.h"

json_t *anthropic_usage(size_t input_tokens, size_t output_tokens);
json_t *anthropic_message(const char *model, const emu_convo *c, const emu_answer *a);
const char *anthropic_stop_reason(emu_stop s);
/* The message a Messages request body gets, for batches; -1 with r filled on an error. */
int anthropic_answer(emu_reply *r, const emu_request *rq, const json_t *body, json_t **message);
void anthropic_stream(emu_reply *r, const emu_request *rq, const char *model, const emu_convo *c, const emu_answer *a);

#endif
