/* SPDX-License-Identifier: MIT */
/*
 * batch_remote.h — what the remote batch flows share (batch_remote.c: Anthropic Message Batches
 * and Fireworks jobs; batch_openai.c: the OpenAI Batch API): the remote run's state and its
 * helpers. Every exchange with a provider goes through rsend().
 */
#ifndef LLMC_BATCH_REMOTE_H
#define LLMC_BATCH_REMOTE_H

#include "batch_internal.h"

/* Results files can be large (Anthropic allows 256 MB of requests); the normal cap is 64 MiB. */
#define REMOTE_MAX_BODY (1024u * 1024 * 1024)

typedef enum remote_kind { REMOTE_ANTHROPIC, REMOTE_FIREWORKS, REMOTE_OPENAI } remote_kind;

typedef struct remote {
    llmc_batch *b;
    remote_kind kind;
    llmc_call call; /* endpoint, key, options; url unused */
    bool live;
    char base[512];       /* Anthropic: the base URL; Fireworks: the control plane */
    char account[128];    /* Fireworks */
    const char **headers; /* dialect + extra headers */
    bi_input *in;         /* NULL on a resume without input */
    bo_out out;
    bool out_open;
    json_t *seen; /* without input: the ids already in the output (an object as a set) */
    double start, last_report;
} remote;

/* One authenticated exchange (with_key: the run's credential; else none). A non-2xx answer is
 * decoded into err and returned as its code; json_out, when given, gets the parsed body. */
llmc_code rsend(remote *rm, const char *method, const char *url, const char *const *headers, const char *body,
                size_t len, bool with_key, json_t **json_out, llmc_http_response *resp, llmc_error *err);
/* Sleep up to `s` seconds, waking early (false) when the batch is asked to stop. */
bool br_nap(llmc_batch *b, double s);
/* GET `url` (taken: freed here; NULL means out of memory) every poll interval until the object's
 * `status_key` is one of `done` (NULL-terminated); *out is that last object. Stopping the batch
 * ends the wait with LLMC_E_ABORTED (the batch goes on at the provider). */
llmc_code br_poll(remote *rm, char *url, const char *status_key, const char *const *done, json_t **out,
                  llmc_error *err);
/* Write one result line (taking it); `item` is SIZE_MAX on a resume without input. */
llmc_code br_put(remote *rm, size_t item, char *line, bool ok, llmc_error *err);
/* Whether a result for this id should be written; *item is its index (SIZE_MAX: no input). */
bool br_wanted(remote *rm, const char *id, size_t len, size_t *item, bool *seen_before);
/* Input ids the provider did not answer, once its batch is over: errored with `why`. */
llmc_code br_unanswered(remote *rm, const char *type, const char *why, llmc_code code, llmc_error *err);
void br_set_status(remote *rm, const char *status);
/* Record the batch just created (rm->b->remote_id) in OUT.remote, fsynced, before anyone is told
 * its id — so that whoever sees the id can count on a rerun resuming it. Every engine's create
 * step calls it the moment the provider answers; a failure says how to collect the batch anyway. */
llmc_code br_record(remote *rm, llmc_error *err);
/* `s` as a JSON string literal (malloc'd). */
char *br_json_quote(const char *s);

/* The OpenAI Batch API (batch_openai.c), for endpoints whose batch engine (the provider table's
 * batch_engine) is LLMC_BATCH_OPENAI: create (recording the id with br_record), wait, collect,
 * cancel. */
llmc_code br_openai_create(remote *rm, llmc_error *err);
llmc_code br_openai_wait(remote *rm, json_t **batch_out, llmc_error *err);
llmc_code br_openai_collect(remote *rm, json_t *batch, llmc_error *err);
llmc_code br_openai_cancel(remote *rm, const char *id, llmc_error *err);

#endif /* LLMC_BATCH_REMOTE_H */
