/* SPDX-License-Identifier: MIT */
/*
 * batch_internal.h — what the batch files share: the parsed input (batch_input.c), the durable
 * output (batch_out.c), the rate limiter (ratelimit.c), and the batch handle that the local
 * runner (batch.c) and the remote flows (batch_remote.c) drive.
 */
#ifndef LLMC_BATCH_INTERNAL_H
#define LLMC_BATCH_INTERNAL_H

#include "engine.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- the input (batch_input.c) ---- */

typedef enum bi_shape { BI_SHAPE_ANTHROPIC = 0, BI_SHAPE_OPENAI = 1 } bi_shape;

typedef struct bi_item {
    char *custom_id;
    size_t line; /* 1-based line of the input */
    size_t prov; /* index into bi_input.eps */
    bi_shape shape;
    char *wire_model; /* the model as sent (after "provider/") */
    char *body;       /* the JSON text sent (model rewritten, stream removed) */
    size_t body_len;
    double est_tokens;     /* what the limiter charges first: see bl_estimate (input bytes / 4 +
                              max_tokens until the provider's own figures are known) */
    double max_out;        /* its max_tokens / max_completion_tokens (0 when none) */
    int attempts;          /* HTTP attempts made this run */
    bool done;             /* a result is on disk (earlier run, or committed now) */
    unsigned char outcome; /* 1 succeeded, 2 errored: queued for the next commit */
} bi_item;

typedef struct bi_issue {
    size_t line;
    char *message;
} bi_issue;

/* custom_id → item index: open addressing, for duplicates, resume and remote results. */
typedef struct bi_idmap {
    size_t *slots; /* item index + 1; 0 is empty */
    size_t cap;
} bi_idmap;

typedef struct bi_input {
    bi_item *items;
    size_t n, cap;
    bi_issue *issues;
    size_t n_issues, cap_issues;
    llmc_endpoint **eps; /* the providers the input uses, in order of first use */
    size_t n_eps;
    bi_idmap ids;
} bi_input;

/* Read and check the whole input; every problem becomes an issue (with its line). Returns
 * LLMC_E_INVALID_ARG when there are issues, LLMC_E_IO when the file cannot be read. */
llmc_code bi_input_load(bi_input *in, llmc_client *c, const char *path, llmc_error *err);
void bi_input_free(bi_input *in);
/* The item with this custom_id, or NULL. */
bi_item *bi_input_find(const bi_input *in, const char *custom_id, size_t len);
/* Record a problem (printf-style). -1 when out of memory. */
int bi_issue_add(bi_input *in, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- the durable output (batch_out.c) ---- */

typedef struct bo_out {
    int fd;
    char *lock_path;       /* OUT.lock: our pid, while we hold the flock on OUT */
    off_t whole_size;      /* bytes of whole, durable lines: a failed write is cut back to it */
    bool broken;           /* a failed write could not be cut back: nothing more is appended */
    llmc_buf pending;      /* whole lines written but not yet fsynced */
    size_t *pending_items; /* item indexes whose lines are in `pending` (SIZE_MAX: none) */
    size_t n_pending, cap_pending;
    double first_pending_at; /* monotonic seconds the oldest pending line was added */
    double commit_s;         /* group commit window */
    size_t torn_bytes;       /* a torn last line dropped at open */
    size_t lines;            /* whole lines found at open */
} bo_out;

/* Called for each custom_id already in the output at open. */
typedef void (*bo_seen_fn)(void *userdata, const char *custom_id, size_t len);

/* How bo_open treats an output another run holds. */
typedef struct bo_lock_opts {
    bool wait;                   /* wait for it to finish instead of refusing */
    volatile sig_atomic_t *stop; /* a wait ends (LLMC_E_ABORTED) once this is set; may be NULL */
    const llmc_logger *log;      /* where a wait is announced; may be NULL */
} bo_lock_opts;

/* Open (create) the output and take an exclusive flock on it, so that two runs never write the
 * same file (the holder's pid is kept in OUT.lock for the refusal message); then drop a torn last
 * line (truncate to the last newline, fsync) and report every custom_id already there. Every
 * line is checked to be one whole JSON result: a line that is not (something else wrote into the
 * file, or half a result is glued to the next) is LLMC_E_IO, since appending would hide it.
 * `lock` NULL: refuse a held output at once. */
llmc_code bo_open(bo_out *o, const char *path, const bo_lock_opts *lock, bo_seen_fn seen, void *userdata,
                  llmc_error *err);
/* Queue one whole line (without its newline) for item `item` (SIZE_MAX: no item). */
llmc_code bo_add(bo_out *o, const char *line, size_t len, size_t item, llmc_error *err);
/* Whether the group commit window of the oldest pending line has passed. */
bool bo_due(const bo_out *o, double now);
/* Write every pending line and fsync; then `committed` runs for each item, which now counts as
 * done. On failure nothing counts as done and the file is cut back to its last whole line (the
 * pending lines stay queued, so a later commit writes them whole); when even that fails, the
 * output is marked broken and every later commit fails without writing. */
typedef void (*bo_committed_fn)(void *userdata, size_t item);
llmc_code bo_commit(bo_out *o, bo_committed_fn committed, void *userdata, llmc_error *err);
void bo_close(bo_out *o);

/* Result lines (malloc'd, no newline). `message` is borrowed. */
char *bo_line_succeeded(const char *custom_id, json_t *message);
/* The same with the message as the provider's raw body, already checked to be a JSON object. */
char *bo_line_succeeded_raw(const char *custom_id, const char *body, size_t len);
/* An errored line from an llmc_error; `type` overrides the error's provider type when not NULL
 * (remote "canceled", "expired"). */
char *bo_line_errored(const char *custom_id, const llmc_error *e, const char *type);
/* "rate_limit" for LLMC_E_RATE_LIMIT, …: the name of a code in result lines. */
const char *bo_code_name(llmc_code code);

/* ---- the remote batch's record beside the output (batch_sidecar.c) ---- */

/* OUT.remote: which remote batch holds this output's requests, and for which input. */
typedef struct bs_record {
    char remote_id[256];
    char fingerprint[17]; /* bs_input_fingerprint of the input it was made from */
    size_t n_requests;    /* lines of that input */
} bs_record;

/* A fingerprint of the input's custom_ids (in order), as 16 hex digits. */
void bs_input_fingerprint(const bi_input *in, char out[17]);
/* Read OUT.remote: LLMC_OK with *found false when there is none; LLMC_E_IO when it is damaged. */
llmc_code bs_read(const char *output, bs_record *rec, bool *found, llmc_error *err);
/* Write it durably (temporary file, fsync, rename, directory fsync). */
llmc_code bs_write(const char *output, const bs_record *rec, llmc_error *err);
/* Remove it (a missing one is fine). */
llmc_code bs_remove(const char *output, llmc_error *err);

/* ---- the handle ---- */

struct llmc_batch {
    llmc_client *client;
    char *output;
    int concurrency;
    double rpm, tpm;
    llmc_batch_progress_fn progress_fn;
    void *progress_data;
    double progress_interval;
    double poll_s;
    char **headers; /* extra "Name: value" lines */
    size_t n_headers;
    volatile sig_atomic_t stop;
    llmc_batch_progress stats;
    bool lock_wait; /* llmc_batch_set_lock_wait */
    char remote_id[256];
    char remote_status[64];
    bi_input input; /* the last run's input: its issues stay readable */
    llmc_batch_format format;
};

/* A succeeded result's line in the batch's format (batch_format.c): from `raw` (raw_len bytes)
 * when given, else from `body`; `anthropic` says which dialect the body is in. */
char *llmc_batch_success_line(const llmc_batch *b, const char *custom_id, const char *provider, bool anthropic,
                              json_t *body, const char *raw, size_t raw_len, const char *request_id);

/* Extra headers + `base` (a NULL-terminated list) as one NULL-terminated array (malloc'd; the
 * strings are borrowed). */
const char **llmc_batch_header_list(const llmc_batch *b, const char *const *base);
/* Usage from a provider body (either dialect), added to the stats. */
void llmc_batch_count_usage(llmc_batch *b, json_t *body, double *tokens_out);
/* How this batch's runs open their output (llmc_batch_set_lock_wait, llmc_batch_stop). */
bo_lock_opts llmc_batch_lock_opts(llmc_batch *b);
/* The input tokens a reply's usage reports (cached ones included); 0 when it reports none. */
double llmc_batch_input_tokens(json_t *body);
/* Progress: calls the callback when `force` or the interval has passed since the last one. */
void llmc_batch_report(llmc_batch *b, double start, double *last, bool force);

#endif /* LLMC_BATCH_INTERNAL_H */
