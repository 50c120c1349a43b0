/* SPDX-License-Identifier: MIT */
/*
 * sse.h — a server-sent-events parser with no I/O (the WHATWG "event stream interpretation"):
 * bytes go in through llmc_sse_feed in any chunking, whole events come out through a callback.
 * Modelled on hiredis' reader: the caller owns the parser and feeds it; it never reads a socket.
 */
#ifndef LLMC_SSE_H
#define LLMC_SSE_H

#include "util.h"

#define LLMC_SSE_DEFAULT_MAX_LINE (1024u * 1024u)

/* One dispatched event. Every pointer is valid only during the callback; each string is also
 * NUL-terminated (data may hold NUL bytes of its own: use the lengths). */
typedef struct llmc_sse_event {
    const char *type; /* the `event` field, or "message" when none was given */
    size_t type_len;
    const char *data; /* the `data` lines joined with "\n" (never empty) */
    size_t data_len;
    const char *id; /* the last event id seen so far (persists across events); "" if none */
    size_t id_len;
} llmc_sse_event;

/* Receives each event. Return LLMC_OK to go on; anything else stops the feed, which returns it. */
typedef llmc_code (*llmc_sse_fn)(void *userdata, const llmc_sse_event *event);

typedef struct llmc_sse_parser {
    size_t max_line; /* longest line, and largest event data, accepted (bytes) */
    long retry_ms;   /* the last valid `retry` field, -1 if none */
    llmc_buf line;   /* a line split across feeds */
    llmc_buf data;
    llmc_buf type;
    llmc_buf id;
    unsigned bom_seen; /* leading bytes matched against the BOM so far */
    bool bom_done;     /* the BOM check is over (stripped or not there) */
    bool after_cr;     /* the last byte fed was a CR: a following LF belongs to it */
    llmc_code failed;  /* once set, every feed returns it */
} llmc_sse_parser;

/* A parser with lines (and event data) bounded by max_line bytes; 0 means the default, 1 MiB. */
void llmc_sse_init(llmc_sse_parser *p, size_t max_line);
/* Release the buffers. The parser can be initialised again afterwards. */
void llmc_sse_free(llmc_sse_parser *p);

/* Parse `len` bytes, calling `fn` for each complete event. Returns LLMC_OK; LLMC_E_LIMIT when a
 * line or an event's data exceeds max_line (err says so); LLMC_E_NOMEM; or whatever non-OK code
 * the callback returned. After a non-OK return the parser is spent and returns that code again.
 * Buffers are reused, so a steady stream allocates nothing per event. */
llmc_code llmc_sse_feed(llmc_sse_parser *p, const char *bytes, size_t len, llmc_sse_fn fn, void *userdata,
                        llmc_error *err);

/* The stream ended. An event without its terminating blank line is discarded, as the spec says;
 * returns whether such a partial event (or line) was pending, for callers who care. */
bool llmc_sse_end(llmc_sse_parser *p);

#endif
