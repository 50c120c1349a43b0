/* SPDX-License-Identifier: MIT */
/* Anthropic pieces shared by the non-streamed reply, the stream and the batches. */
#ifndef LLMC_EMULATOR_ANTHROPIC_H
#define LLMC_EMULATOR_ANTHROPIC_H

#include "conversation.h"

/* The data of the redacted thinking block the emulator returns (and checks when sent back). */
#define EMU_REDACTED_DATA "EmuRedactedThinking0123456789abcdefABCDEF=="

json_t *anthropic_usage(const emu_convo *c, size_t output_tokens);
json_t *anthropic_message(const char *model, const emu_convo *c, const emu_answer *a);
/* The content blocks of the reply (new reference). */
json_t *anthropic_content(const emu_convo *c, const emu_answer *a);
/* Read and check a Messages (or count_tokens) request body as the API does; -1 with r filled on
 * a refusal (anthropic_request.c). */
int anthropic_read(emu_reply *r, const emu_request *rq, const json_t *body, emu_convo *c, int count_tokens);
/* Whether the request says anthropic-version 2026-10-21 or later. */
int anthropic_version_2026(const emu_request *rq);
/* The encrypted_content of a web search result for `url` (malloc'd), checked when sent back. */
char *anthropic_encrypted(const char *url);
const char *anthropic_stop_reason(emu_stop s);
/* The message a Messages request body gets, for batches; -1 with r filled on an error. */
int anthropic_answer(emu_reply *r, const emu_request *rq, const json_t *body, json_t **message);
void anthropic_stream(emu_reply *r, const emu_request *rq, const char *model, const emu_convo *c, const emu_answer *a);

#endif
