/* SPDX-License-Identifier: MIT */
/* A server-sent-event stream produced lazily, frame by frame: fixed leading frames, N delta
 * frames rendered from a template and a cycle of pieces, fixed trailing frames. Lazy so that a
 * 100,000-event benchmark stream costs a few hundred bytes of memory, not megabytes. */
#ifndef LLMC_EMULATOR_STREAM_H
#define LLMC_EMULATOR_STREAM_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

#include "emulator.h"

typedef struct emu_stream emu_stream;

emu_stream *stream_new(void);
void stream_add_prefix(emu_stream *s, char *frame); /* takes ownership */
void stream_add_suffix(emu_stream *s, char *frame); /* takes ownership */
/* Delta frames are pre + JSON-escaped piece + post. With cycle set, n_deltas may exceed the
 * number of pieces: pieces repeat, a space joining each repetition to the last. */
void stream_set_deltas(emu_stream *s, const char *pre, const char *post, int cycle);
void stream_add_piece(emu_stream *s, const char *raw_text);
void stream_set_count(emu_stream *s, size_t n_deltas); /* default: the number of pieces */
size_t stream_piece_count(const emu_stream *s);
void stream_set_pacing(emu_stream *s, long delay_ms);
void stream_set_cut(emu_stream *s, long after_events);                      /* close mid-event after K events */
void stream_set_error(emu_stream *s, long after_events, char *error_frame); /* takes ownership */
void stream_free(emu_stream *s);

/* libmicrohttpd content-reader callback (cls is the stream) and its free callback. */
ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max);
void stream_release(void *cls);

/* "event: NAME\ndata: JSON\n\n" or "data: JSON\n\n" (name NULL); malloc'd. */
char *stream_frame(const char *event, const char *json_text);

/* The marker a delta template's JSON carries where the piece goes. */
#define STREAM_PIECE_MARKER "@@EMU_PIECE@@"
/* Sets the delta template from a JSON value holding STREAM_PIECE_MARKER in one string; steals it. */
void stream_set_delta_json(emu_stream *s, const char *event, json_t *chunk, int cycle);
/* Appends a framed JSON value (steals it) to the prefix or suffix. */
void stream_prefix_json(emu_stream *s, const char *event, json_t *value);
void stream_suffix_json(emu_stream *s, const char *event, json_t *value);
/* Splits text into pieces, one word each with the whitespace before it, so they join back to it. */
void stream_add_words(emu_stream *s, const char *text);
/* The stream knobs a request may set: x-emulator-stream-events, x-emulator-stream-delay-ms, and
 * the fault's stream_cut_after. Returns the number of delta events that will be sent. */
size_t stream_apply_request(emu_stream *s, const emu_request *rq, int text_deltas);

#endif
