/* SPDX-License-Identifier: MIT */
/*
 * stream.h — the stream decoder, shared by the transport (stream.c), the unit tests and the
 * fuzzers: bytes of an event stream in, normalized llmc_events out, and the final response
 * accumulated on the way. No I/O. The two dialects plug in through llmc_sdec_dialect_*.
 */
#ifndef LLMC_STREAM_H
#define LLMC_STREAM_H

#include "wire.h"
#include "sse.h"
#include "jread.h"
#include "utf8.h"

/* Receives each normalized event. Returning anything but LLMC_OK aborts the stream (the
 * decoder then emits the terminal LLMC_EVENT_ERROR with LLMC_E_ABORTED). */
typedef llmc_code (*llmc_sdec_emit_fn)(void *userdata, const llmc_event *event);

/* One content block being accumulated. */
typedef struct llmc_sblock {
    llmc_block_type type;
    llmc_buf text; /* text, thinking or tool input JSON so far */
    char *tool_id, *tool_name;
    char *start_input;  /* Anthropic tool_use: the input given at block start (JSON) */
    llmc_buf signature; /* Anthropic thinking: its signature, to send the block back */
    bool has_signature;
    long wire_index;          /* the provider's index (Anthropic block / OpenAI tool call) */
    unsigned char pending[4]; /* an incomplete UTF-8 sequence held back from the caller */
    unsigned n_pending;
    bool args_seen;    /* OpenAI tool call: an "arguments" member arrived */
    bool stopped;      /* Anthropic content_block_stop seen */
    char *kind;        /* the provider's type name for a block llmc does not model */
    json_t *whole;     /* such a block (or a tool call with extra members) as it started; its input
                         or arguments are filled in from the deltas when it ends */
    char *raw;         /* … printed once complete */
    json_t *citations; /* Anthropic text: citations from citations_delta */
} llmc_sblock;

typedef enum llmc_sdec_state { LLMC_SDEC_RUNNING = 0, LLMC_SDEC_DONE = 1, LLMC_SDEC_FAILED = 2 } llmc_sdec_state;

typedef struct llmc_sdec {
    const llmc_dialect *dialect;
    llmc_sse_parser sse;
    llmc_sdec_emit_fn emit;
    void *userdata;
    llmc_sdec_state state;
    bool no_fast_path; /* decode every event with jansson (tests compare both ways) */

    /* what the transport knows, copied into errors and the final response */
    char provider[32];
    char request_id[128];
    int http_status;

    /* the reply so far */
    llmc_sblock *blocks;
    size_t n_blocks, cap_blocks;
    char *id, *model, *stop_raw;
    llmc_usage usage;
    llmc_usage_more usage_more;
    bool started;                 /* Anthropic message_start seen */
    bool finished;                /* OpenAI: a finish_reason or usage arrived (a close is then clean) */
    bool content_seen;            /* OpenAI: delta.content was a string at least once */
    bool refused;                 /* OpenAI: refusal text arrived (the stop reason is then a refusal) */
    long text_block, think_block; /* OpenAI: their block numbers, -1 before they appear */

    llmc_buf scratch, scratch2; /* unescaped strings on the fast path */
    llmc_response *final;       /* built at DONE; owned until taken */
    /* The terminal error, once FAILED: allocated then (an llmc_error is 4 KiB, and a thousand
     * open streams rarely fail), so failure_code holds the code even when that allocation did not
     * succeed. */
    llmc_error *failure;
    llmc_code failure_code;
} llmc_sdec;

void llmc_sdec_init(llmc_sdec *d, llmc_dialect_kind dialect, llmc_sdec_emit_fn emit, void *userdata);
void llmc_sdec_free(llmc_sdec *d);

/* Feed stream bytes. Returns LLMC_OK while the stream runs or once it is done; on failure the
 * decoder has emitted its ERROR event, and the code is returned (err, if given, gets a copy).
 * Bytes after the terminal event are ignored. */
llmc_code llmc_sdec_feed(llmc_sdec *d, const char *bytes, size_t len, llmc_error *err);
/* The transport closed cleanly: DONE when the dialect allows the stream to end here, else the
 * cut-stream error. Returns as llmc_sdec_feed. */
llmc_code llmc_sdec_close(llmc_sdec *d, llmc_error *err);
/* Fail from outside (transport error, abort): emits the ERROR event with `why`'s content unless
 * a terminal event was already emitted. Returns the code of the terminal state (LLMC_OK if DONE). */
llmc_code llmc_sdec_fail(llmc_sdec *d, const llmc_error *why);
/* LLMC_OK unless the decoder failed; then the failure's code, with a copy in err if given. */
llmc_code llmc_sdec_result(llmc_sdec *d, llmc_error *err);
/* The final response once DONE (ownership passes to the caller), else NULL. */
llmc_response *llmc_sdec_take_response(llmc_sdec *d);

/* ---- for the dialects (stream_anthropic.c, stream_openai.c) ---- */

/* One SSE event of each dialect. */
llmc_code llmc_sdec_anthropic_event(llmc_sdec *d, const llmc_sse_event *ev);
llmc_code llmc_sdec_openai_event(llmc_sdec *d, const llmc_sse_event *ev);
/* OpenAI: the stream ended ([DONE] or a clean close after finish_reason/usage): complete it. */
llmc_code llmc_sdec_openai_finish(llmc_sdec *d);

/* Emit a non-terminal event; a non-OK return from the caller becomes an abort. */
llmc_code llmc_sdec_emit(llmc_sdec *d, llmc_event *ev);
/* Fail with a protocol-level error from inside the decoder (printf-style message). */
llmc_code llmc_sdec_error(llmc_sdec *d, llmc_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Fail with a provider's mid-stream error body; `status` picks the code (e.g. 529 for
 * overloaded_error), the body's type/message fill the rest. */
llmc_code llmc_sdec_provider_error(llmc_sdec *d, long status, const char *body, size_t len);
/* The stream completed: finish the blocks, build the final response, emit DONE. */
llmc_code llmc_sdec_done(llmc_sdec *d);

/* Append a new block; returns its number or -1 (out of memory: the decoder has failed). */
long llmc_sdec_add_block(llmc_sdec *d, llmc_block_type type, long wire_index);
/* Append text to block `bi` and emit it as `type` (TEXT, THINKING or TOOL_INPUT_DELTA), holding
 * back an incomplete trailing UTF-8 sequence until the next piece. LLMC_E_PROTOCOL on invalid
 * UTF-8. */
llmc_code llmc_sdec_block_text(llmc_sdec *d, size_t bi, llmc_event_type type, const char *s, size_t n);
/* Release anything held back in block `bi` (as U+FFFD: the character never completed). */
llmc_code llmc_sdec_block_flush(llmc_sdec *d, size_t bi);
/* The same for every block: before a stop, so no text follows the STOP event. */
llmc_code llmc_sdec_flush_all(llmc_sdec *d);
/* Emit USAGE or STOP with the current counts and stop reason. */
llmc_code llmc_sdec_emit_simple(llmc_sdec *d, llmc_event_type type);
/* Replace *dst with a copy of s (n bytes); -1 when out of memory. */
int llmc_sdec_set_str(char **dst, const char *s, size_t n);

#endif
