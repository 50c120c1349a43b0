/* SPDX-License-Identifier: MIT */
/*
 * engine.h — the one transfer engine: every HTTP exchange llmc makes (plain calls, streams,
 * batches, models lists, validation, remote batch jobs) runs as an llmc_xfer on an llmc_engine,
 * a libcurl multi handle with llmc's rules around it. There is one retry policy, one 401
 * recovery, one cancel path (in any phase: queued, on the wire, waiting to retry, streaming),
 * one clock and one jitter source. Blocking calls add a transfer and run the engine until it
 * ends, as curl's easy_perform runs a private multi; the public llmc_multi and the batch runner
 * drive the same engine with many transfers and their own limits.
 */
#ifndef LLMC_ENGINE_H
#define LLMC_ENGINE_H

#include "transport.h"
#include "ratelimit.h"

typedef struct llmc_engine llmc_engine;
typedef struct llmc_xfer llmc_xfer;

/* What a transfer's owner hears. Every callback runs on the thread driving the engine, from
 * inside llmc_engine_step; none may drive this engine itself (step, run, wait). */
typedef struct llmc_xfer_ops {
    /* The final response's headers arrived with a 2xx status. Return true to take the body as a
     * stream: it then goes to stream_data as it arrives, and the transfer is never retried. */
    bool (*stream_start)(void *owner, llmc_xfer *x);
    /* Body bytes of a stream (the owner may edit them in place: libcurl is done with them when
     * this returns, unless it pauses): return n to go on, 0 to abort, CURL_WRITEFUNC_PAUSE. */
    size_t (*stream_data)(void *owner, llmc_xfer *x, char *data, size_t n);
    /* The transfer is over, exactly once. rc LLMC_OK: x->resp holds a 2xx answer (for a stream:
     * the stream ended cleanly). Otherwise x->err says why (for a stream that had started: how
     * the connection ended). The owner may free the transfer here. */
    void (*done)(void *owner, llmc_xfer *x, llmc_code rc);
} llmc_xfer_ops;

typedef enum llmc_xfer_state {
    LLMC_XS_NEW = 0,   /* made, not added */
    LLMC_XS_QUEUED,    /* added: waiting for its turn (limits, or its retry time) */
    LLMC_XS_RUNNING,   /* on the wire, before a final answer */
    LLMC_XS_STREAMING, /* a 2xx body is being read as a stream */
    LLMC_XS_DONE       /* `done` has run */
} llmc_xfer_state;

/* What an easy handle was last set up for: a handle set up for the same transfer shape takes
 * only the per-transfer options (body, private data) instead of a reset and ~20 options. */
typedef struct llmc_easy_shape {
    unsigned long long call_id; /* the call's identity (llmc_call.id); 0: nothing */
    unsigned gen;               /* the call's key generation (its header list) */
    const struct curl_slist *headers;
    unsigned long long url_hash; /* the URL by content (a URL buffer may be freed or reused) */
    const char *method;          /* a string constant ("POST", "GET") */
    bool has_body, streams;
    long recv_buffer;
} llmc_easy_shape;

/* One HTTP exchange and its retries. Fields are the engine's and the owner's to read; set what
 * to send through llmc_xfer_new and the setters below. */
struct llmc_xfer {
    llmc_engine *eng;
    llmc_call *call;    /* endpoint, key, URL, options and headers (shared by many xfers) */
    const char *method; /* "POST", "GET", "DELETE" */
    const char *url;    /* borrowed; NULL: call->url */
    const char *body;   /* borrowed; must outlive the transfer; NULL: no body */
    size_t body_len;
    const char *const *headers; /* borrowed non-secret header lines replacing the call's (remote
                                 * batch uploads), NULL-terminated; NULL: the call's */
    bool with_key;              /* attach the call's key (false: a signed download URL) */
    double est_tokens;          /* what a tokens-per-minute limit charges before the answer */
    long recv_buffer;           /* libcurl's receive buffer (CURLOPT_BUFFERSIZE); 0: its default */
    const llmc_xfer_ops *ops;
    void *owner;
    size_t tag;            /* the owner's own number for this transfer (a batch's item) */
    bool cancel_requested; /* end it at the engine's next step, with LLMC_E_ABORTED */

    llmc_xfer_state state;
    int attempts;            /* HTTP attempts made; recovery resends do not count */
    llmc_http_response resp; /* the last answer: status, headers, a bounded body */
    llmc_error err;          /* the failure, once done with one */
    double started_at;       /* when the transfer was added (monotonic seconds) */
    double deadline;         /* 0: none; else the whole transfer must end by then */
    double not_before;       /* queued: may start then */
    double answer_by;        /* running: the response headers must arrive by then; 0: no limit */
    unsigned gen;            /* the call's key generation it was last sent with */
    size_t stream_bytes;     /* bytes read as a stream so far */

    /* the engine's own */
    CURL *easy;
    llmc_easy_shape shape; /* what `easy` was set up for */
    double ra_ms, ra;
    char detail[CURL_ERROR_SIZE];
    struct curl_slist *own_slist; /* headers built for this transfer alone (wiped when freed) */
    bool too_big, no_memory, header_too_big;
    size_t header_bytes;
    llmc_xfer *prev, *next; /* in the engine's list of added transfers */
};

/* ---- the engine ---- */

/* A new engine; NULL when out of memory. `log` is borrowed (the client's). */
llmc_engine *llmc_engine_new(const llmc_logger *log);
/* Free the engine; transfers still added are taken out without their done callback (their
 * owners free them). */
void llmc_engine_free(llmc_engine *eng);
/* Take out and free every transfer still added, without callbacks: for an owner that keeps no
 * pointer to its transfers (the batch runner, when a run stops). */
void llmc_engine_free_transfers(llmc_engine *eng);

/* Limits on the transfers of this engine: at most `max_in_flight` on the wire at once (0: no
 * limit), requests and tokens per minute over the engine's life (0: none). Transfers over the
 * limits wait in the queue; each call's provider rate-limit headers pause that provider too. */
void llmc_engine_set_limits(llmc_engine *eng, size_t max_in_flight, double rpm, double tpm);
/* Called whenever the engine could start one more transfer (below max_in_flight and the
 * engine-wide rates): the owner may add one (or more) and returns true, or false when it has
 * nothing to add now. Lets a batch of 100,000 requests keep only a few hundred transfers. */
void llmc_engine_set_feeder(llmc_engine *eng, bool (*feed)(void *ud, llmc_engine *eng), void *ud);

/* Monotonic seconds, the one clock every wait and deadline uses. */
double llmc_engine_now(const llmc_engine *eng);
/* A number in [0, 1) from the engine's own generator (retry jitter). */
double llmc_engine_jitter(llmc_engine *eng);

/* Correct a tokens-per-minute charge once the real usage is known (may leave a debt). */
void llmc_engine_adjust_tokens(llmc_engine *eng, double delta);

/* Transfers on the wire now, and added in all (queued, waiting, running, streaming). */
size_t llmc_engine_in_flight(const llmc_engine *eng);
size_t llmc_engine_live(const llmc_engine *eng);

/* Whether a transfer for `call` costing `tokens` could start now: below max_in_flight, within
 * the rates, and the provider not paused. For feeders choosing among their queues. */
bool llmc_engine_may_start(llmc_engine *eng, const llmc_call *call, double tokens);

/* Make progress without blocking: start what may start, move bytes, finish what ended (done
 * callbacks run here), end transfers that were cancelled or ran past their deadline. */
llmc_code llmc_engine_step(llmc_engine *eng);
/* Wait for network activity or the engine's next timer, at most `max_ms` (-1: until then). */
llmc_code llmc_engine_wait(llmc_engine *eng, int max_ms);
/* How long until the engine needs a step even without network activity (ms; -1: no timer). */
long llmc_engine_timeout_ms(llmc_engine *eng);
/* Step and wait until `*flag` becomes true (a done callback sets it) or nothing is left. */
llmc_code llmc_engine_run_until(llmc_engine *eng, const bool *flag);
/* The multi handle, for socket-driven loops (llmc_multi's socket API). */
CURLM *llmc_engine_multi(llmc_engine *eng);

/* ---- transfers ---- */

/* A transfer of `call` (which must outlive it): method, the call's URL and headers, `body`
 * (borrowed). NULL when out of memory. */
llmc_xfer *llmc_xfer_new(llmc_engine *eng, llmc_call *call, const char *method, const char *body, size_t len,
                         const llmc_xfer_ops *ops, void *owner);
/* Make a finished (or never added) transfer new again for another exchange on the same engine:
 * as llmc_xfer_new, without an allocation (batches recycle theirs). */
void llmc_xfer_reuse(llmc_xfer *x, llmc_call *call, const char *method, const char *body, size_t len,
                     const llmc_xfer_ops *ops, void *owner);
/* Add to the engine: it starts when its turn comes. */
void llmc_xfer_add(llmc_xfer *x);
/* End a transfer with LLMC_E_ABORTED at the engine's next step (done runs then), whatever its
 * phase. Safe from inside any callback. */
void llmc_xfer_cancel(llmc_xfer *x);
/* Take a transfer out without its done callback (it must not be in a callback of its own). */
void llmc_xfer_remove(llmc_xfer *x);
/* Remove (if added) and free. NULL is fine. */
void llmc_xfer_free(llmc_xfer *x);
/* Resume a paused stream (its stream_data returned CURL_WRITEFUNC_PAUSE). */
void llmc_xfer_unpause(llmc_xfer *x);

/* One blocking exchange on the client's engine: send, retry, recover, and on success leave the
 * answer in *resp (the caller frees it with llmc_http_response_free). A non-2xx answer is
 * decoded into err (llmc_call_fail) and returned as its code. `url` NULL: call->url. */
llmc_code llmc_engine_send(llmc_engine *eng, llmc_call *call, const char *method, const char *url, const char *body,
                           size_t len, const char *const *headers, bool with_key, llmc_http_response *resp,
                           llmc_error *err);

#endif /* LLMC_ENGINE_H */
