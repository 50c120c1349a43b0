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
    const char *tool_type; /* OpenAI: "function" or "custom" for that tool */
    long max_tokens;       /* -1: no limit */
    const json_t *stop;    /* string or array of strings, or NULL */
    /* what the request asks for (all borrowed from the request body) */
    int thinking;         /* Anthropic: 1 a budget, 2 adaptive (asked for, or always on) */
    const char *effort;   /* output_config.effort / reasoning_effort */
    const json_t *schema; /* a JSON-schema format */
    int json_object;      /* OpenAI json_object */
    int redacted;         /* the redacted-thinking trigger is in the last user text */
    int web_search;       /* Anthropic: a web search server tool is offered */
    int search_done;      /* … and the conversation ends with its result, to continue */
    int pause;            /* … and this turn pauses after the search (stop reason pause_turn) */
    int parallel_off;     /* parallel tool calls forbidden */
    char *cite_text;      /* the first citation-enabled text document (malloc'd), or NULL */
    const char *cite_title;
    long cite_index;
    size_t cache_read, cache_5m, cache_1h; /* Anthropic prompt caching, in tokens */
    const char *reasoning_format;          /* Cerebras */
    int reasons;                           /* Cerebras/Fireworks: reasoning text in the reply */
    int reasoning_model;                   /* OpenAI: reasoning tokens, no text */
    const char *service_tier;
} emu_convo;

typedef enum emu_stop { EMU_STOP_END, EMU_STOP_MAX_TOKENS, EMU_STOP_SEQUENCE, EMU_STOP_TOOL } emu_stop;

typedef struct emu_answer {
    char *text; /* reply text (empty for a tool call) */
    emu_stop stop;
    char *stop_sequence; /* the matched sequence when stop == EMU_STOP_SEQUENCE */
    size_t output_tokens;
    char tool_id[48];
    char *tool_name;
    char *tool_input;  /* the call's arguments as compact JSON text (a custom tool: its free text) */
    char tool_id2[48]; /* a second, parallel call (Rome), when tool_input2 is set */
    char *tool_input2;
    char *thinking; /* the thinking text when thinking was asked for (malloc'd), else NULL */
} emu_answer;

/* The trigger that makes the real service return redacted thinking (pydantic-ai cassette). */
#define EMU_REDACTED_TRIGGER                                                                                           \
    "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB"

/* Text of a content value: a string, or the "text" of each text block of an array, joined by
 * spaces. Never NULL. */
char *convo_text_of(const json_t *content);
void convo_free(emu_convo *c);
void answer_make(const emu_convo *c, emu_answer *a, emu_provider p);
/* Case-insensitive substring test. */
int convo_contains(const char *hay, const char *needle_lower);
void answer_free(emu_answer *a);

#endif
