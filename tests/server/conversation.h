/* SPDX-License-Identifier: MIT */
/* The deterministic "model": what the dialects extract from a request (emu_convo) and the
 * answer computed from it (emu_answer). Both dialects share it so Anthropic and the
 * OpenAI-style providers reply the same words with the same counts. */
#ifndef LLMC_EMULATOR_CONVERSATION_H
#define LLMC_EMULATOR_CONVERSATION_H

#include "emulator.h"

typedef struct emu_convo {
    size_t input_tokens;
    char *last_user_text;  /* malloc'd; "" when there is none */
    char *tool_result;     /* text of a trailing tool result, or NULL */
    const char *tool_name; /* first offered tool (borrowed from the request), or NULL */
    long max_tokens;       /* -1: no limit */
    const json_t *stop;    /* string or array of strings, or NULL */
    int thinking;          /* Anthropic `thinking: {type: enabled}` was asked for */
} emu_convo;

typedef enum emu_stop { EMU_STOP_END, EMU_STOP_MAX_TOKENS, EMU_STOP_SEQUENCE, EMU_STOP_TOOL } emu_stop;

typedef struct emu_answer {
    char *text; /* reply text (empty for a tool call) */
    emu_stop stop;
    char *stop_sequence; /* the matched sequence when stop == EMU_STOP_SEQUENCE */
    size_t output_tokens;
    char tool_id[48];
    char *tool_name;
    char *tool_input; /* the call's arguments as compact JSON text */
} emu_answer;

/* Text of a content value: a string, or the "text" of each text block of an array, joined by
 * spaces. Never NULL. */
char *convo_text_of(const json_t *content);
void convo_free(emu_convo *c);
void answer_make(const emu_convo *c, emu_answer *a, emu_provider p);
void answer_free(emu_answer *a);

#endif
