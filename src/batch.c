/* SPDX-License-Identifier: MIT */
/*
 * batch.c — the batch handle and the local runner: up to N requests in flight through one
 * libcurl multi handle on the calling thread, paced by the rate limiter, retried with the
 * client's rules without blocking the others, each result made durable before it counts.
 */
#include "batch_internal.h"
#include "engine.h"
#include "jread.h"

/* How deep a reply may nest for the small reader (jansson's own limit is llmc's 256). */
#define LLMC_BATCH_JSON_DEPTH 64

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define BATCH_DEFAULT_CONCURRENCY 16
#define BATCH_MAX_CONCURRENCY 4096

/* ================================ the handle ================================ */

llmc_batch *llmc_batch_new(llmc_client *client)
{
    if (!client)
        return NULL;
    llmc_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->client = client;
    b->concurrency = BATCH_DEFAULT_CONCURRENCY;
    b->progress_interval = 0.1;
    b->poll_s = 10;
    b->stats.eta_s = -1;
    b->stats.remote_id = b->remote_id;
    b->stats.remote_status = b->remote_status;
    return b;
}

void llmc_batch_free(llmc_batch *b)
{
    if (!b)
        return;
    bi_input_free(&b->input);
    for (size_t i = 0; i < b->n_headers; i++)
        free(b->headers[i]);
    free(b->headers);
    free(b->output);
    free(b);
}

llmc_code llmc_batch_set_output(llmc_batch *b, const char *path, llmc_error *err)
{
    llmc_error_clear(err);
    if (!b || !path || !*path)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "batch and output path must be given");
    char *copy = strdup(path);
    if (!copy)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    free(b->output);
    b->output = copy;
    return LLMC_OK;
}

llmc_code llmc_batch_set_concurrency(llmc_batch *b, int n, llmc_error *err)
{
    llmc_error_clear(err);
    if (!b || n < 1 || n > BATCH_MAX_CONCURRENCY)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "concurrency must be from 1 to %d", BATCH_MAX_CONCURRENCY);
    b->concurrency = n;
    return LLMC_OK;
}

llmc_code llmc_batch_set_rate_limits(llmc_batch *b, double rpm, double tpm, llmc_error *err)
{
    llmc_error_clear(err);
    if (!b || !(rpm >= 0) || !(tpm >= 0) || isinf(rpm) || isinf(tpm))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "rate limits must be finite and not negative (0: no limit)");
    b->rpm = rpm;
    b->tpm = tpm;
    return LLMC_OK;
}

void llmc_batch_set_progress(llmc_batch *b, llmc_batch_progress_fn fn, void *userdata, double interval_s)
{
    if (!b)
        return;
    b->progress_fn = fn;
    b->progress_data = userdata;
    b->progress_interval = interval_s > 0 ? interval_s : 0.1;
}

void llmc_batch_set_poll_interval(llmc_batch *b, double seconds)
{
    if (b && seconds > 0)
        b->poll_s = seconds;
}

llmc_code llmc_batch_add_header(llmc_batch *b, const char *header, llmc_error *err)
{
    llmc_error_clear(err);
    const char *colon = header ? strchr(header, ':') : NULL;
    if (!b || !colon || colon == header)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a header is \"Name: value\"");
    const char *value = colon + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    char why[256];
    if (!llmc_header_check(header, (size_t)(colon - header), value, why, sizeof why))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "%s", why);
    char **grown = realloc(b->headers, (b->n_headers + 1) * sizeof *grown);
    if (!grown)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    b->headers = grown;
    if (!(b->headers[b->n_headers] = strdup(header)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    b->n_headers++;
    return LLMC_OK;
}

void llmc_batch_set_lock_wait(llmc_batch *b, int wait)
{
    if (b)
        b->lock_wait = wait != 0;
}

bo_lock_opts llmc_batch_lock_opts(llmc_batch *b)
{
    bo_lock_opts o = {b->lock_wait, &b->stop, &b->client->log};
    return o;
}

void llmc_batch_stop(llmc_batch *b)
{
    if (b)
        b->stop = 1;
}

void llmc_batch_stats(const llmc_batch *b, llmc_batch_progress *out)
{
    if (b && out)
        *out = b->stats;
}

const char *llmc_batch_remote_id(const llmc_batch *b)
{
    return b ? b->remote_id : "";
}

size_t llmc_batch_issue_count(const llmc_batch *b)
{
    return b ? b->input.n_issues : 0;
}

int llmc_batch_issue_at(const llmc_batch *b, size_t index, size_t *line, const char **message)
{
    if (!b || index >= b->input.n_issues)
        return 0;
    if (line)
        *line = b->input.issues[index].line;
    if (message)
        *message = b->input.issues[index].message;
    return 1;
}

/* ================================ shared helpers ================================ */

const char **llmc_batch_header_list(const llmc_batch *b, const char *const *base)
{
    size_t n = 0;
    while (base && base[n])
        n++;
    const char **list = malloc((n + b->n_headers + 1) * sizeof *list);
    if (!list)
        return NULL;
    for (size_t i = 0; i < n; i++)
        list[i] = base[i];
    for (size_t i = 0; i < b->n_headers; i++)
        list[n + i] = b->headers[i];
    list[n + b->n_headers] = NULL;
    return list;
}

double llmc_batch_input_tokens(json_t *body)
{
    /* the whole prompt: Anthropic splits off what the cache read and wrote */
    json_t *usage = json_object_get(body, "usage");
    if (json_object_get(usage, "prompt_tokens"))
        return (double)llmc_json_long(usage, "prompt_tokens");
    return (double)(llmc_json_long(usage, "input_tokens") + llmc_json_long(usage, "cache_read_input_tokens") +
                    llmc_json_long(usage, "cache_creation_input_tokens"));
}

void llmc_batch_count_usage(llmc_batch *b, json_t *body, double *tokens_out)
{
    json_t *usage = json_object_get(body, "usage");
    json_t *in = json_object_get(usage, "input_tokens"), *out = json_object_get(usage, "output_tokens");
    if (!in)
        in = json_object_get(usage, "prompt_tokens");
    if (!out)
        out = json_object_get(usage, "completion_tokens");
    long long ti = json_is_integer(in) ? (long long)json_integer_value(in) : 0;
    long long to = json_is_integer(out) ? (long long)json_integer_value(out) : 0;
    b->stats.input_tokens += ti;
    b->stats.output_tokens += to;
    if (tokens_out)
        *tokens_out = (double)(ti + to);
}

void llmc_batch_report(llmc_batch *b, double start, double *last, bool force)
{
    double now = llmc_now_s();
    llmc_batch_progress *s = &b->stats;
    s->elapsed_s = now - start;
    size_t done = s->succeeded + s->errored;
    s->rate = s->elapsed_s > 0 ? (double)done / s->elapsed_s : 0;
    size_t left = s->total - s->skipped - done;
    s->eta_s = s->rate > 0 ? (double)left / s->rate : -1;
    if (!b->progress_fn || (!force && now - *last < b->progress_interval))
        return;
    *last = now;
    b->progress_fn(b->progress_data, s);
}

/* ================================ the local runner ================================ */

/* One provider of the input: its call (endpoint, key, URL, headers — shared by all its
 * transfers) and the items still to send, in input order. Retries wait inside the engine. */
typedef struct prov {
    llmc_call call;
    bool live; /* call needs llmc_call_finish */
    const char **header_lines;
    bl_estimate est; /* its tokens per byte, from its own counts */
    size_t *queue;   /* item indexes not yet started, in input order */
    size_t n_queue, next;
} prov;

typedef struct run {
    llmc_batch *b;
    bi_input *in;
    prov *provs;
    size_t n_provs, rr;
    llmc_engine *eng;
    llmc_xfer **spare; /* finished transfers kept for the next items (one allocation each, ever) */
    size_t n_spare, cap_spare;
    bo_out out;
    size_t remaining; /* items without a result on disk */
    llmc_code fatal;
    llmc_error *err;
    double start, last_report;
} run;

static void committed(void *userdata, size_t item)
{
    run *r = userdata;
    bi_item *it = &r->in->items[item];
    it->done = true;
    r->remaining--;
    if (it->outcome == 1)
        r->b->stats.succeeded++;
    else
        r->b->stats.errored++;
}

static void set_fatal(run *r, const llmc_error *e)
{
    if (r->fatal != LLMC_OK)
        return;
    r->fatal = e->code != LLMC_OK ? e->code : LLMC_E_NOMEM;
    if (r->err)
        *r->err = *e;
}

/* Queue a result line; it counts once bo_commit has made it durable. */
static void emit(run *r, size_t item, char *line, bool ok)
{
    if (!line || bo_add(&r->out, line, strlen(line), item, NULL) != LLMC_OK) {
        llmc_error e;
        llmc_error_clear(&e);
        llmc_error_set(&e, LLMC_E_NOMEM, "out of memory queueing a result");
        set_fatal(r, &e);
        free(line);
        return;
    }
    free(line);
    r->in->items[item].outcome = ok ? 1 : 2;
}

static void fail_item(run *r, size_t item, llmc_error *e)
{
    bi_item *it = &r->in->items[item];
    prov *p = &r->provs[it->prov];
    e->attempts = it->attempts;
    llmc_strlcpy(e->provider, p->call.endpoint->name, sizeof e->provider);
    llmc_scrub_error(e, &p->call.cred);
    emit(r, item, bo_line_errored(it->custom_id, e, NULL), false);
}

/* The usage counts of a reply read without building a tree: true when `body` is one JSON object
 * the small reader fully understood (then *in and *out hold its usage, 0 when absent); false
 * when it met anything else (a real number, an escaped key, a malformed body), and jansson
 * decides. The common success costs a pass over the bytes instead of a tree of allocations. */
static bool fast_usage(const char *body, size_t len, long *in, long *out, long *cached)
{
    llmc_jcur c = {body, body + len};
    *in = *out = *cached = 0;
    if (!body || !llmc_j_char(&c, '{'))
        return false;
    if (llmc_j_char(&c, '}'))
        return llmc_j_at_end(&c);
    do {
        const char *k;
        size_t kn;
        if (!llmc_j_key(&c, &k, &kn))
            return false;
        if (!llmc_j_eq(k, kn, "usage")) {
            if (!llmc_j_skip(&c, LLMC_BATCH_JSON_DEPTH))
                return false;
            continue;
        }
        if (llmc_j_null(&c))
            continue;
        if (!llmc_j_char(&c, '{'))
            return false;
        if (llmc_j_char(&c, '}'))
            continue;
        do {
            const char *u;
            size_t un;
            long v;
            if (!llmc_j_key(&c, &u, &un))
                return false;
            bool is_in = llmc_j_eq(u, un, "input_tokens") || llmc_j_eq(u, un, "prompt_tokens");
            bool is_out = llmc_j_eq(u, un, "output_tokens") || llmc_j_eq(u, un, "completion_tokens");
            bool is_cached =
                llmc_j_eq(u, un, "cache_read_input_tokens") || llmc_j_eq(u, un, "cache_creation_input_tokens");
            if ((is_in || is_out || is_cached) && llmc_j_uint(&c, &v)) {
                if (is_in && !*in)
                    *in = v;
                if (is_out && !*out)
                    *out = v;
                if (is_cached)
                    *cached += v;
            } else if (!llmc_j_skip(&c, LLMC_BATCH_JSON_DEPTH)) {
                return false;
            }
        } while (llmc_j_char(&c, ','));
        if (!llmc_j_char(&c, '}'))
            return false;
    } while (llmc_j_char(&c, ','));
    return llmc_j_char(&c, '}') && llmc_j_at_end(&c);
}

/* The result line of a 2xx body, in the batch's output format (as sent, or normalized). */
static char *success_line(run *r, const bi_item *it, const llmc_xfer *x)
{
    const llmc_endpoint *ep = r->provs[it->prov].call.endpoint;
    return llmc_batch_success_line(r->b, it->custom_id, ep->name, ep->info.dialect == LLMC_DIALECT_ANTHROPIC, NULL,
                                   x->resp.body.data, x->resp.body.len, x->resp.request_id);
}

/* A 2xx body: it must be one JSON object; its usage corrects the tokens-per-minute charge. */
static void succeed_item(run *r, size_t item, llmc_xfer *x)
{
    bi_item *it = &r->in->items[item];
    prov *p = &r->provs[it->prov];
    long in = 0, out = 0, cached = 0;
    if (fast_usage(x->resp.body.data, x->resp.body.len, &in, &out, &cached)) {
        r->b->stats.input_tokens += in;
        r->b->stats.output_tokens += out;
        if (in + out > 0)
            llmc_engine_adjust_tokens(r->eng, (double)(in + out) - it->est_tokens);
        /* OpenAI's prompt_tokens hold the cached ones already; Anthropic counts them apart */
        bl_estimate_learn(&p->est, it->body_len, (double)(in + cached));
        emit(r, item, success_line(r, it, x), true);
        return;
    }
    llmc_error e;
    llmc_error_clear(&e);
    json_t *body = llmc_json_parse(x->resp.body.data, x->resp.body.len, "batch result", &e);
    if (!body || !json_is_object(body)) {
        if (body)
            llmc_error_set(&e, LLMC_E_PROTOCOL, "%s answered with JSON that is not an object", x->call->endpoint->name);
        json_decref(body);
        e.http_status = (int)x->resp.status;
        llmc_strlcpy(e.request_id, x->resp.request_id, sizeof e.request_id);
        fail_item(r, item, &e);
        return;
    }
    double used = 0;
    llmc_batch_count_usage(r->b, body, &used);
    if (used > 0)
        llmc_engine_adjust_tokens(r->eng, used - it->est_tokens);
    bl_estimate_learn(&p->est, it->body_len, llmc_batch_input_tokens(body));
    emit(r, item, success_line(r, it, x), true);
    json_decref(body);
}

static void item_done(void *owner, llmc_xfer *x, llmc_code rc)
{
    run *r = owner;
    size_t item = x->tag;
    bi_item *it = &r->in->items[item];
    it->attempts = x->attempts;
    if (x->attempts > 1)
        r->b->stats.retries += (size_t)(x->attempts - 1);
    if (r->fatal != LLMC_OK || rc == LLMC_E_ABORTED) {
        /* the run is stopping: this one runs again next time */
    } else if (rc == LLMC_OK) {
        succeed_item(r, item, x);
    } else if (x->resp.status == 401) {
        /* the key was rejected after its one recovery: every other request would get the same
         * answer, so the run stops, and writes nothing for it */
        set_fatal(r, &x->err);
    } else {
        fail_item(r, item, &x->err);
    }
    if (r->n_spare < r->cap_spare)
        r->spare[r->n_spare++] = x;
    else
        llmc_xfer_free(x);
}

static const llmc_xfer_ops item_ops = {NULL, NULL, item_done};

/* The engine has room: add the next item of the next provider (round robin) that may go. */
static bool feed(void *ud, llmc_engine *eng)
{
    run *r = ud;
    if (r->fatal != LLMC_OK || r->b->stop)
        return false;
    for (size_t k = 0; k < r->n_provs; k++) {
        prov *p = &r->provs[(r->rr + k) % r->n_provs];
        while (p->next < p->n_queue && r->in->items[p->queue[p->next]].done)
            p->next++;
        if (p->next >= p->n_queue)
            continue;
        size_t item = p->queue[p->next];
        bi_item *it = &r->in->items[item];
        it->est_tokens = bl_estimate_tokens(&p->est, it->body_len, it->max_out);
        if (!llmc_engine_may_start(eng, &p->call, it->est_tokens))
            continue;
        llmc_xfer *x = r->n_spare ? r->spare[--r->n_spare] : NULL;
        if (x)
            llmc_xfer_reuse(x, &p->call, "POST", it->body, it->body_len, &item_ops, r);
        else
            x = llmc_xfer_new(eng, &p->call, "POST", it->body, it->body_len, &item_ops, r);
        if (!x) {
            llmc_error e;
            llmc_error_clear(&e);
            llmc_error_set(&e, LLMC_E_NOMEM, "out of memory starting a request");
            set_fatal(r, &e);
            return false;
        }
        x->tag = item;
        x->est_tokens = it->est_tokens;
        llmc_xfer_add(x);
        p->next++;
        r->rr = (r->rr + k + 1) % r->n_provs;
        return true;
    }
    return false;
}

static void seen_done(void *userdata, const char *id, size_t len)
{
    run *r = userdata;
    bi_item *it = bi_input_find(r->in, id, len);
    if (it && !it->done) {
        it->done = true;
        r->b->stats.skipped++;
    }
}

static llmc_code setup_provs(run *r, llmc_error *err)
{
    llmc_batch *b = r->b;
    if (!(r->provs = calloc(r->in->n_eps, sizeof *r->provs)))
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    r->n_provs = r->in->n_eps;
    for (size_t i = 0; i < r->n_provs; i++) {
        prov *p = &r->provs[i];
        llmc_endpoint *ep = r->in->eps[i];
        bl_provider_init(&p->call.limits);
        p->call.client = b->client;
        p->call.endpoint = ep;
        p->live = true;
        if (err)
            llmc_strlcpy(err->provider, ep->name, sizeof err->provider);
        /* one resolution per provider: a key command runs once, not once per request */
        llmc_code rc = llmc_credential_resolve(ep, b->client->use_store, &p->call.cred, err);
        if (rc != LLMC_OK)
            return rc;
        if (!(p->call.url = llmc_join_url(llmc_endpoint_base_url(ep), ep->info.messages_path)))
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        if ((rc = llmc_url_check(p->call.url, b->client->allow_insecure_http || ep->allow_insecure_http, err)) !=
            LLMC_OK) {
            if (err && err->diagnosis.cause == LLMC_CAUSE_TRANSPORT_INSECURE) {
                err->diagnosis.source = p->call.cred.source;
                llmc_strlcpy(err->diagnosis.source_name, p->call.cred.source_name, sizeof err->diagnosis.source_name);
                llmc_strlcpy(err->diagnosis.fingerprint, p->call.cred.fingerprint, sizeof err->diagnosis.fingerprint);
                llmc_strlcpy(err->diagnosis.provider, ep->name, sizeof err->diagnosis.provider);
                llmc_endpoint_set_fix(ep, &err->diagnosis, NULL);
            }
            return rc;
        }
        if (err && err->diagnosis.severity == LLMC_SEVERITY_WARNING)
            llmc_logf(&b->client->log, LLMC_LOG_WARN, "%s key from %s %s: %s", ep->name,
                      llmc_key_source_name(p->call.cred.source), p->call.cred.source_name, err->diagnosis.detail);
        llmc_transport_opts_for(b->client, ep, &p->call.opts);
        p->call.anthropic = ep->info.dialect == LLMC_DIALECT_ANTHROPIC;
        if (!(p->header_lines = llmc_batch_header_list(b, llmc_dialect_headers(b->client, ep->info.dialect, false))))
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        p->call.headers = p->header_lines;
        llmc_logf(&b->client->log, LLMC_LOG_INFO, "batch: POST %s (key from %s %s, %s)", p->call.url,
                  llmc_key_source_name(p->call.cred.source), p->call.cred.source_name, p->call.cred.fingerprint);
    }
    for (size_t i = 0; i < r->in->n; i++) {
        bi_item *it = &r->in->items[i];
        if (it->done)
            continue;
        prov *p = &r->provs[it->prov];
        if (!p->queue && !(p->queue = malloc(r->in->n * sizeof *p->queue)))
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        p->queue[p->n_queue++] = i;
    }
    /* with a token limit, Anthropic's own counter sizes the first request before anything runs */
    for (size_t i = 0; b->tpm > 0 && i < r->n_provs; i++) {
        prov *p = &r->provs[i];
        if (p->n_queue == 0 || p->call.endpoint->info.dialect != LLMC_DIALECT_ANTHROPIC)
            continue;
        bi_item *first = &r->in->items[p->queue[0]];
        long n = 0;
        llmc_error quiet;
        llmc_error_clear(&quiet);
        if (llmc_count_tokens_raw(&p->call, first->body, first->body_len, &n, &quiet) == LLMC_OK)
            bl_estimate_learn(&p->est, first->body_len, (double)n);
        else /* not fatal: the estimate stays bytes / 4 until results come */
            llmc_logf(&b->client->log, LLMC_LOG_INFO, "batch: %s could not count tokens (%s)", p->call.endpoint->name,
                      quiet.message);
    }
    return LLMC_OK;
}

static void teardown(run *r, llmc_error *err)
{
    /* transfers still in flight are abandoned: they run again next time */
    llmc_engine_free_transfers(r->eng);
    llmc_engine_free(r->eng);
    for (size_t i = 0; i < r->n_spare; i++)
        llmc_xfer_free(r->spare[i]);
    free(r->spare);
    for (size_t i = 0; i < r->n_provs; i++) {
        prov *p = &r->provs[i];
        free(p->header_lines);
        free(p->queue);
        if (p->live)
            llmc_call_finish(&p->call, err);
    }
    free(r->provs);
    bo_close(&r->out);
}

static void reset_stats(llmc_batch *b)
{
    memset(&b->stats, 0, sizeof b->stats);
    b->stats.eta_s = -1;
    b->stats.remote_id = b->remote_id;
    b->stats.remote_status = b->remote_status;
}

llmc_code llmc_batch_run(llmc_batch *b, const char *input_path, llmc_error *err)
{
    llmc_error_clear(err);
    if (!b || !input_path)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "batch and input path must be given");
    if (!b->output)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no output file: call llmc_batch_set_output first");
    b->stop = 0;
    b->remote_id[0] = b->remote_status[0] = '\0';
    reset_stats(b);
    run r = {0};
    r.b = b;
    r.in = &b->input;
    r.err = err;
    r.start = llmc_now_s();
    r.out.fd = -1;
    llmc_code rc = bi_input_load(r.in, b->client, input_path, err);
    if (rc != LLMC_OK)
        return rc;
    b->stats.total = r.in->n;
    bo_lock_opts lock = llmc_batch_lock_opts(b);
    if ((rc = bo_open(&r.out, b->output, &lock, seen_done, &r, err)) != LLMC_OK)
        return rc;
    /* an output a remote batch is filling: running its requests here too would do them twice */
    bs_record rec;
    bool recorded = false;
    if ((rc = bs_read(b->output, &rec, &recorded, err)) == LLMC_OK && recorded)
        rc = llmc_error_set(err, LLMC_E_INVALID_ARG,
                            "%s belongs to the remote batch %s (recorded in %s.remote): collect it with "
                            "--remote (the same input) or --resume %s, or cancel it with --cancel %s; running its "
                            "requests here as well would send each one twice",
                            b->output, rec.remote_id, b->output, rec.remote_id, rec.remote_id);
    if (rc != LLMC_OK) {
        bo_close(&r.out);
        return rc;
    }
    if (r.out.torn_bytes)
        llmc_logf(&b->client->log, LLMC_LOG_WARN, "batch: dropped a torn last line (%zu bytes) from %s",
                  r.out.torn_bytes, b->output);
    r.remaining = r.in->n - b->stats.skipped;
    if (r.remaining == 0)
        goto done; /* an earlier run finished everything: no key needed */
    if ((rc = setup_provs(&r, err)) != LLMC_OK)
        goto done;
    if (!(r.eng = llmc_engine_new(&b->client->log))) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    llmc_engine_set_limits(r.eng, (size_t)b->concurrency, b->rpm, b->tpm);
    r.cap_spare = (size_t)b->concurrency;
    if (!(r.spare = calloc(r.cap_spare, sizeof *r.spare))) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    llmc_engine_set_feeder(r.eng, feed, &r);
    llmc_error_clear(err);
    llmc_batch_report(b, r.start, &r.last_report, true);
    while (r.remaining > 0 && r.fatal == LLMC_OK && !b->stop) {
        llmc_code erc = llmc_engine_step(r.eng);
        if (erc != LLMC_OK) {
            llmc_error e;
            llmc_error_clear(&e);
            llmc_error_set(&e, erc, "the transfer engine failed");
            set_fatal(&r, &e);
            break;
        }
        double now = llmc_now_s();
        if (r.out.n_pending && (bo_due(&r.out, now) || llmc_engine_in_flight(r.eng) == 0)) {
            llmc_error e;
            llmc_error_clear(&e);
            if (bo_commit(&r.out, committed, &r, &e) != LLMC_OK)
                set_fatal(&r, &e);
        }
        b->stats.in_flight = llmc_engine_in_flight(r.eng);
        llmc_batch_report(b, r.start, &r.last_report, false);
        if (r.remaining == 0 || r.fatal != LLMC_OK || b->stop)
            break;
        long ms = llmc_engine_timeout_ms(r.eng);
        if (r.out.n_pending) {
            long commit_ms = (long)ceil((r.out.first_pending_at + r.out.commit_s - now) * 1000);
            if (commit_ms < 0)
                commit_ms = 0;
            if (ms < 0 || commit_ms < ms)
                ms = commit_ms;
        }
        if (ms < 0 || ms > 100)
            ms = 100; /* progress reports and llmc_batch_stop are looked at this often */
        if (ms > 0)
            llmc_engine_wait(r.eng, (int)ms);
    }
    /* whatever stopped the run, what finished reaches the disk */
    if (r.out.n_pending) {
        llmc_error e;
        llmc_error_clear(&e);
        if (bo_commit(&r.out, committed, &r, &e) != LLMC_OK)
            set_fatal(&r, &e);
    }
    rc = r.fatal;
    if (rc == LLMC_OK && b->stop && r.remaining > 0)
        rc = llmc_error_set(err, LLMC_E_ABORTED,
                            "the batch was stopped with %zu requests left (run it again to "
                            "finish them)",
                            r.remaining);
done:
    b->stats.in_flight = 0;
    b->stats.finished = 1;
    teardown(&r, err);
    llmc_batch_report(b, r.start, &r.last_report, true);
    return rc;
}
