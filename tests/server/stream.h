/* A server-sent-event stream produced lazily, frame by frame: fixed leading frames, N delta
 * frames rendered from a template and a cycle of pieces, fixed trailing frames. Lazy so that a
 * 100,000-event benchmark stream costs a few hundred bytes of memory, not megabytes. */
#ifndef LLMC_EMULATOR_STREAM_H
#define LLMC_EMULATOR_STREAM_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

typedef struct emu_stream emu_stream;

emu_stream *stream_new(void);
void stream_add_prefix(emu_stream *s, char *frame);         /* takes ownership */
void stream_add_suffix(emu_stream *s, char *frame);         /* takes ownership */
/* Delta frames are pre + JSON-escaped piece + post. With cycle set, n_deltas may exceed the
 * number of pieces: pieces repeat, a space joining each repetition to the last. */
void stream_set_deltas(emu_stream *s, const char *pre, const char *post, int cycle);
void stream_add_piece(emu_stream *s, const char *raw_text);
void stream_set_count(emu_stream *s, size_t n_deltas);      /* default: the number of pieces */
size_t stream_piece_count(const emu_stream *s);
void stream_set_pacing(emu_stream *s, long delay_ms);
void stream_set_cut(emu_stream *s, long after_events);       /* close mid-event after K events */
void stream_set_error(emu_stream *s, long after_events, char *error_frame); /* takes ownership */
void stream_free(emu_stream *s);

/* libmicrohttpd content-reader callback (cls is the stream) and its free callback. */
ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max);
void stream_release(void *cls);

/* "event: NAME\ndata: JSON\n\n" or "data: JSON\n\n" (name NULL); malloc'd. */
char *stream_frame(const char *event, const char *json_text);

#endif
