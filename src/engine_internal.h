/* SPDX-License-Identifier: MIT */
/*
 * engine_internal.h — what engine.c (the loop and the scheduler) and xfer.c (one transfer on the
 * wire and its outcome) share, and nothing else includes.
 */
#ifndef LLMC_ENGINE_INTERNAL_H
#define LLMC_ENGINE_INTERNAL_H

#include "engine.h"

#include <stdint.h>

typedef struct llmc_easy_slot {
    CURL *easy;
    llmc_easy_shape shape;
} llmc_easy_slot;

struct llmc_engine {
    CURLM *multi;
    const llmc_logger *log;
    llmc_xfer *head, *tail; /* every added transfer not yet done, in the order added */
    size_t live, in_flight;
    size_t max_in_flight; /* 0: no limit */
    bool limited;         /* rates and the providers' rate-limit headers are obeyed */
    bl_bucket rpm, tpm;
    bool (*feed)(void *ud, llmc_engine *eng);
    void *feed_ud;
    double queue_wake, feed_wake; /* when queued transfers or the feeder want a look again */
    size_t n_cancel_tokens;       /* live transfers with a cancellation token: poll for them */
    llmc_easy_slot *pool;         /* idle easy handles, with what each was last set up for */
    size_t n_pool, cap_pool;
    uint64_t rng;
    bool in_step;
};

void llmc_engine_link(llmc_engine *eng, llmc_xfer *x);
void llmc_engine_unlink(llmc_engine *eng, llmc_xfer *x);
/* A handle for a transfer of `shape`: *warm says it is already set up exactly so (else it was
 * reset). NULL when out of memory. */
CURL *llmc_engine_easy_get(llmc_engine *eng, const llmc_easy_shape *shape, bool *warm);
/* Give a handle back, set up for `shape` (NULL: its set-up is not reusable). */
void llmc_engine_easy_put(llmc_engine *eng, CURL *easy, const llmc_easy_shape *shape);
/* Drive the engine for one socket event (llmc_multi's socket API): as llmc_engine_step, with
 * curl_multi_socket_action in place of curl_multi_perform. */
llmc_code llmc_engine_socket_step(llmc_engine *eng, curl_socket_t fd, int events);

/* xfer.c: put a queued transfer on the wire (an attempt); on failure to start, it ends. */
void llmc_xfer_start(llmc_xfer *x, double now);
/* libcurl reported the attempt over with `cc`: retry, recover, or end the transfer. */
void llmc_xfer_attempt_ended(llmc_xfer *x, CURLcode cc);
/* End the transfer now with `code` (LLMC_E_ABORTED: cancelled; LLMC_E_TIMEOUT: deadline). */
void llmc_xfer_end(llmc_xfer *x, llmc_code code);

#endif /* LLMC_ENGINE_INTERNAL_H */
