/* SPDX-License-Identifier: MIT */
/*
 * batch.c — the batch handle and the local runner: up to N requests in flight through one
 * libcurl multi handle on the calling thread, paced by the rate limiter, retried with the
 * client's rules without blocking the others, each result made durable before it counts.
 */
#include "batch_internal.h"

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

double llmc_batch_wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
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

typedef struct run run;

typedef struct xfer {
    run *r;
    CURL *easy;
    size_t item;  /* SIZE_MAX when idle */
    unsigned gen; /* the provider's key generation it was sent with */
    llmc_http_response resp;
    double ra_ms, ra;
    char detail[CURL_ERROR_SIZE];
    bool too_big;
} xfer;

typedef struct prov {
    llmc_call call;             /* endpoint, key, URL, options: as a single call has them */
    bool live;                  /* call needs llmc_call_finish */
    struct curl_slist *headers; /* holds the key: wiped when freed */
    const char **header_lines;
    bl_provider limits;
    bl_estimate est; /* its tokens per byte, from its own counts */
    size_t in_flight;
    size_t *queue; /* item indexes not yet started, in input order */
    size_t n_queue, next;
    size_t *retry; /* item indexes waiting for their not_before */
    size_t n_retry, cap_retry;
    unsigned gen;
    bool recovered;
    char tried[512];
} prov;

struct run {
    llmc_batch *b;
    bi_input *in;
    prov *provs;
    size_t n_provs, rr;
    xfer *xs;
    size_t n_xs, in_flight;
    CURLM *multi;
    bo_out out;
    bl_bucket rpm, tpm;
    size_t remaining; /* items without a result on disk */
    size_t pending;   /* results queued for the next commit */
    llmc_code fatal;
    llmc_error *err;
    double start, last_report;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    prov *p = &x->r->provs[x->r->in->items[x->item].prov];
    if (x->resp.body.len + n > p->call.opts.max_body) {
        x->too_big = true;
        return 0;
    }
    return llmc_buf_append(&x->resp.body, data, n) == 0 ? n : 0;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    llmc_http_header_line(line, n, &x->resp, &x->ra_ms, &x->ra);
    prov *p = &x->r->provs[x->r->in->items[x->item].prov];
    bl_provider_header(&p->limits, line, n, llmc_now_s(), llmc_batch_wall_s());
    return n;
}

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

/* Queue a result line; it counts once bo_commit has made it durable. */
static void emit(run *r, size_t item, char *line, bool ok)
{
    llmc_error e;
    llmc_error_clear(&e);
    if (!line) {
        if (r->fatal == LLMC_OK)
            r->fatal = llmc_error_set(r->err, LLMC_E_NOMEM, "out of memory writing a result");
        return;
    }
    if (bo_add(&r->out, line, strlen(line), item, &e) != LLMC_OK && r->fatal == LLMC_OK) {
        r->fatal = e.code;
        if (r->err)
            *r->err = e;
    }
    free(line);
    r->pending++;
    r->in->items[item].outcome = ok ? 1 : 2;
}

static void schedule_retry(run *r, size_t item, double delay)
{
    bi_item *it = &r->in->items[item];
    prov *p = &r->provs[it->prov];
    it->not_before = llmc_now_s() + delay;
    if (p->n_retry == p->cap_retry) {
        size_t cap = p->cap_retry ? p->cap_retry * 2 : 16;
        size_t *grown = realloc(p->retry, cap * sizeof *grown);
        if (!grown) {
            if (r->fatal == LLMC_OK)
                r->fatal = llmc_error_set(r->err, LLMC_E_NOMEM, "out of memory");
            return;
        }
        p->retry = grown;
        p->cap_retry = cap;
    }
    p->retry[p->n_retry++] = item;
    r->b->stats.retries++;
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

/* Rebuild the provider's header list after its key changed. */
static bool prov_headers(prov *p)
{
    struct curl_slist *fresh = llmc_http_headers(p->header_lines, &p->call.cred, p->call.endpoint->info.auth);
    if (!fresh)
        return false;
    llmc_http_headers_free(p->headers);
    p->headers = fresh;
    return true;
}

static void finish(run *r, xfer *x, CURLcode cc)
{
    size_t item = x->item;
    bi_item *it = &r->in->items[item];
    prov *p = &r->provs[it->prov];
    curl_multi_remove_handle(r->multi, x->easy);
    x->item = SIZE_MAX;
    r->in_flight--;
    p->in_flight--;
    double jitter = (double)rand() / ((double)RAND_MAX + 1);
    int max_retries = p->call.opts.max_retries;
    llmc_error e;
    llmc_error_clear(&e);
    x->resp.retry_after_s = x->ra_ms >= 0 ? x->ra_ms / 1000.0 : x->ra;
    if (r->fatal != LLMC_OK)
        return; /* the run is stopping: this one runs again next time */
    if (x->too_big) {
        llmc_error_set(&e, LLMC_E_LIMIT, "response from %s is larger than the %zu-byte limit", p->call.url,
                       p->call.opts.max_body);
        fail_item(r, item, &e);
        return;
    }
    if (cc != CURLE_OK) {
        if (it->attempts <= max_retries && llmc_transport_retriable(cc)) {
            schedule_retry(r, item, llmc_retry_delay_s(it->attempts - 1, -1, jitter));
            return;
        }
        llmc_error_set(&e, cc == CURLE_OPERATION_TIMEDOUT ? LLMC_E_TIMEOUT : LLMC_E_TRANSPORT, "%s: %s", p->call.url,
                       x->detail[0] ? x->detail : curl_easy_strerror(cc));
        e.transport_code = (int)cc;
        fail_item(r, item, &e);
        return;
    }
    long status = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    x->resp.status = status;
    if (status >= 200 && status < 300) {
        json_t *body = llmc_json_parse(x->resp.body.data, x->resp.body.len, "batch result", &e);
        if (!body || !json_is_object(body)) {
            if (body)
                llmc_error_set(&e, LLMC_E_PROTOCOL, "%s answered with JSON that is not an object",
                               p->call.endpoint->name);
            json_decref(body);
            e.http_status = (int)status;
            llmc_strlcpy(e.request_id, x->resp.request_id, sizeof e.request_id);
            fail_item(r, item, &e);
            return;
        }
        double used = 0;
        llmc_batch_count_usage(r->b, body, &used);
        if (used > 0)
            bl_bucket_adjust(&r->tpm, used - it->est_tokens);
        bl_estimate_learn(&p->est, it->body_len, llmc_batch_input_tokens(body));
        emit(r, item,
             llmc_batch_success_line(r->b, it->custom_id, p->call.endpoint->name,
                                     p->call.endpoint->info.dialect == LLMC_DIALECT_ANTHROPIC, body, x->resp.body.data,
                                     x->resp.body.len, x->resp.request_id),
             true);
        json_decref(body);
        return;
    }
    if (status == 401) {
        if (x->gen != p->gen) {
            it->attempts--; /* sent with a key that was replaced meanwhile: not a real attempt */
            schedule_retry(r, item, 0);
            r->b->stats.retries--;
            return;
        }
        if (!p->recovered && llmc_call_recover(&p->call, p->tried, sizeof p->tried)) {
            p->recovered = true;
            p->gen++;
            if (!prov_headers(p)) {
                r->fatal = llmc_error_set(r->err, LLMC_E_NOMEM, "out of memory");
                return;
            }
            it->attempts--;
            schedule_retry(r, item, 0);
            r->b->stats.retries--;
            return;
        }
        /* Every other request would get the same answer: stop, write nothing for it. */
        llmc_error *fe = r->err ? r->err : &e;
        fe->attempts = it->attempts;
        r->fatal = llmc_call_fail(&p->call, &x->resp, fe);
        if (p->call.cred.source == LLMC_SOURCE_STORE)
            llmc_store_mark(p->call.endpoint->name, p->call.cred.store_label, false);
        if (p->tried[0])
            snprintf(fe->diagnosis.detail, sizeof fe->diagnosis.detail, "also rejected before it: %.480s", p->tried);
        llmc_scrub_error(fe, &p->call.cred);
        return;
    }
    bool retry = llmc_retry_wanted(status, x->resp.should_retry);
    if (status == 429 || (retry && x->resp.retry_after_s > 0)) {
        /* the provider asked everyone to wait, not just this request */
        double d = llmc_retry_delay_s(it->attempts - 1, x->resp.retry_after_s, jitter);
        double until = llmc_now_s() + d;
        if (until > p->limits.paused_until)
            p->limits.paused_until = until;
    }
    if (retry && it->attempts <= max_retries) {
        schedule_retry(r, item, llmc_retry_delay_s(it->attempts - 1, x->resp.retry_after_s, jitter));
        return;
    }
    llmc_call_fail(&p->call, &x->resp, &e);
    fail_item(r, item, &e);
}

static bool start(run *r, xfer *x, size_t item)
{
    bi_item *it = &r->in->items[item];
    prov *p = &r->provs[it->prov];
    CURL *h = x->easy;
    curl_easy_reset(h);
    x->item = item;
    x->gen = p->gen;
    x->too_big = false;
    x->detail[0] = '\0';
    x->ra_ms = x->ra = -1;
    llmc_buf_reset(&x->resp.body);
    x->resp.status = 0;
    x->resp.should_retry = -1;
    x->resp.retry_after_s = -1;
    x->resp.request_id[0] = x->resp.content_type[0] = x->resp.location[0] = '\0';
    const llmc_transport_opts *o = &p->call.opts;
    llmc_http_configure(h, o, p->call.url, p->headers, x->detail);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->request_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_PRIVATE, x);
    /* the item's body outlives the transfer: no copy */
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, it->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)it->body_len);
    if (curl_multi_add_handle(r->multi, h) != CURLM_OK) {
        x->item = SIZE_MAX;
        return false;
    }
    it->attempts++;
    r->in_flight++;
    p->in_flight++;
    return true;
}

/* The next item of provider p that may go now: a retry whose time has come, else a fresh one.
 * SIZE_MAX when none; *wake_at learns of a retry still waiting. */
static size_t next_item(run *r, prov *p, double now, double *wake_at, bool take)
{
    for (size_t i = 0; i < p->n_retry; i++) {
        size_t item = p->retry[i];
        if (r->in->items[item].not_before <= now) {
            if (take)
                p->retry[i] = p->retry[--p->n_retry];
            return item;
        }
        if (r->in->items[item].not_before < *wake_at)
            *wake_at = r->in->items[item].not_before;
    }
    while (p->next < p->n_queue && r->in->items[p->queue[p->next]].done)
        p->next++;
    if (p->next < p->n_queue)
        return take ? p->queue[p->next++] : p->queue[p->next];
    return SIZE_MAX;
}

static xfer *idle_xfer(run *r)
{
    for (size_t i = 0; i < r->n_xs; i++)
        if (r->xs[i].item == SIZE_MAX)
            return &r->xs[i];
    return NULL;
}

/* Start what the limits allow; returns when to look again at the latest. */
static double start_some(run *r, double now)
{
    double wake = now + 0.1;
    bool progress = true;
    while (progress && r->in_flight < r->n_xs && r->fatal == LLMC_OK && !r->b->stop) {
        progress = false;
        for (size_t k = 0; k < r->n_provs && r->in_flight < r->n_xs; k++) {
            prov *p = &r->provs[(r->rr + k) % r->n_provs];
            size_t item = next_item(r, p, now, &wake, false);
            if (item == SIZE_MAX)
                continue;
            bi_item *it = &r->in->items[item];
            it->est_tokens = bl_estimate_tokens(&p->est, it->body_len, it->max_out);
            if (!bl_provider_may_start(&p->limits, p->in_flight, it->est_tokens, now, &wake))
                continue;
            double w = bl_bucket_wait(&r->rpm, 1, now), wt = bl_bucket_wait(&r->tpm, it->est_tokens, now);
            if (wt > w)
                w = wt;
            if (w > 0) {
                if (now + w < wake)
                    wake = now + w;
                return wake; /* the run's own limit holds every provider */
            }
            next_item(r, p, now, &wake, true);
            xfer *x = idle_xfer(r);
            if (!x || !start(r, x, item)) {
                r->fatal = llmc_error_set(r->err, LLMC_E_NOMEM, "could not start a transfer");
                return now;
            }
            bl_bucket_take(&r->rpm, 1, now);
            bl_bucket_take(&r->tpm, it->est_tokens, now);
            progress = true;
        }
        r->rr++;
    }
    return wake;
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
        bl_provider_init(&p->limits);
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
        p->call.headers = llmc_dialect_headers(b->client, ep->info.dialect, false);
        if (!(p->header_lines = llmc_batch_header_list(b, p->call.headers)) || !prov_headers(p))
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
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
    for (size_t i = 0; i < r->n_xs; i++) {
        if (r->xs[i].item != SIZE_MAX)
            curl_multi_remove_handle(r->multi, r->xs[i].easy);
        if (r->xs[i].easy)
            curl_easy_cleanup(r->xs[i].easy);
        llmc_http_response_free(&r->xs[i].resp);
    }
    free(r->xs);
    if (r->multi)
        curl_multi_cleanup(r->multi);
    for (size_t i = 0; i < r->n_provs; i++) {
        prov *p = &r->provs[i];
        llmc_http_headers_free(p->headers);
        free(p->header_lines);
        free(p->queue);
        free(p->retry);
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
    size_t n = (size_t)b->concurrency < r.remaining ? (size_t)b->concurrency : r.remaining;
    r.n_xs = n ? n : 1;
    r.multi = curl_multi_init();
    r.xs = calloc(r.n_xs, sizeof *r.xs);
    if (!r.multi || !r.xs) {
        rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        goto done;
    }
    curl_multi_setopt(r.multi, CURLMOPT_MAXCONNECTS, (long)r.n_xs);
    for (size_t i = 0; i < r.n_xs; i++) {
        r.xs[i].r = &r;
        r.xs[i].item = SIZE_MAX;
        if (!(r.xs[i].easy = curl_easy_init())) {
            rc = llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
            goto done;
        }
    }
    bl_bucket_init(&r.rpm, b->rpm, r.start);
    bl_bucket_init(&r.tpm, b->tpm, r.start);
    llmc_error_clear(err);
    llmc_batch_report(b, r.start, &r.last_report, true);
    while (r.remaining > 0 && r.fatal == LLMC_OK && !b->stop) {
        double now = llmc_now_s();
        double wake = start_some(&r, now);
        int running = 0;
        CURLMcode mc = curl_multi_perform(r.multi, &running);
        if (mc != CURLM_OK) {
            r.fatal = llmc_error_set(err, LLMC_E_TRANSPORT, "libcurl: %s", curl_multi_strerror(mc));
            break;
        }
        CURLMsg *m;
        int left;
        bool freed = false; /* a slot came free: fill it at once rather than sleep */
        while ((m = curl_multi_info_read(r.multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            freed = true;
            xfer *x = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            if (x)
                finish(&r, x, m->data.result);
        }
        now = llmc_now_s();
        if (r.out.n_pending && (bo_due(&r.out, now) || r.in_flight == 0)) {
            llmc_error e;
            llmc_error_clear(&e);
            if (bo_commit(&r.out, committed, &r, &e) != LLMC_OK && r.fatal == LLMC_OK) {
                r.fatal = e.code;
                if (err)
                    *err = e;
            }
            r.pending = 0;
        }
        b->stats.in_flight = r.in_flight;
        llmc_batch_report(b, r.start, &r.last_report, false);
        if (r.remaining == 0 || r.fatal != LLMC_OK)
            break;
        double until = wake;
        if (r.out.n_pending && r.out.first_pending_at + r.out.commit_s < until)
            until = r.out.first_pending_at + r.out.commit_s;
        int ms = (int)ceil((until - now) * 1000);
        if (ms > 100)
            ms = 100;
        if (ms > 0 && !freed)
            curl_multi_poll(r.multi, NULL, 0, ms, NULL);
    }
    /* whatever stopped the run, what finished reaches the disk */
    if (r.out.n_pending) {
        llmc_error e;
        llmc_error_clear(&e);
        if (bo_commit(&r.out, committed, &r, &e) != LLMC_OK && r.fatal == LLMC_OK) {
            r.fatal = e.code;
            if (err)
                *err = e;
        }
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
