/* SPDX-License-Identifier: MIT */
/*
 * stream_internal.h — streams as the engine's clients: begin a stream on any engine (the client's
 * for llmc_messages_stream and llmc_stream_open, an llmc_multi's), learn when it is over, and
 * collect its outcome. Shared by stream.c and multi.c.
 */
#ifndef LLMC_STREAM_INTERNAL_H
#define LLMC_STREAM_INTERNAL_H

#include "engine.h"
#include "stream.h"

/* Prepare `req` as a stream on `eng` and add its transfer: events go to `fn` (push) or, with
 * fn NULL, to the pull queue. Failures before anything was sent (routing, key) return here. */
llmc_code llmc_stream_begin(llmc_client *c, llmc_engine *eng, const llmc_request *req, llmc_event_fn fn, void *userdata,
                            llmc_stream **out, llmc_error *err);
/* `fn` runs once, from the engine, when the stream is over (whether it started or not). */
void llmc_stream_on_end(llmc_stream *s, void (*fn)(void *ud, llmc_stream *s), void *ud);
/* The stream's transfer (to set its token estimate, deadline or cancel it). */
llmc_xfer *llmc_stream_xfer(llmc_stream *s);
/* Whether the stream's transfer is over. */
bool llmc_stream_over(const llmc_stream *s);
/* Once over: LLMC_OK with the final response (owned by the caller) or why it failed. */
llmc_code llmc_stream_outcome(llmc_stream *s, llmc_response **final_out, llmc_error *err);

#endif /* LLMC_STREAM_INTERNAL_H */
