/* SPDX-License-Identifier: MIT */
/*
 * xfer.c — one transfer on the engine: each attempt on the wire (headers captured, the body kept
 * within its limit or handed to a stream), and what happens when an attempt ends. That decision
 * is made here and nowhere else, for every kind of transfer: retry (the SDKs' rules, with the
 * engine's clock and jitter), recover from a 401 once with the chain's next key, or end with
 * the provider's error and its diagnosis. Key bytes never pass through this file: the call
 * builds the header list that carries them, and scrubs what comes back.
 */
#include "engine_internal.h"

#include <stdatomic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Response headers larger than this are no provider's: a limit, not a buffer to grow. */
#define LLMC_MAX_HEADER_BYTES (64u * 1024u)
/* The body of a refusal read while a stream was expected (an error page, a JSON error). */
#define LLMC_STREAM_MAX_ERROR_BODY (1024u * 1024u)

static bool is_2xx(long status)
{
    return status >= 200 && status < 300;
}

static const char *xfer_url(const llmc_xfer *x)
{
    return x->url ? x->url : x->call->url;
}

static bool may_stream(const llmc_xfer *x)
{
    return x->ops && x->ops->stream_start;
}

static void init(llmc_xfer *x, llmc_engine *eng, llmc_call *call, const char *method, const char *body, size_t len,
                 const llmc_xfer_ops *ops, void *owner)
{
    x->eng = eng;
    x->call = call;
    x->method = method;
    x->body = body;
    x->body_len = len;
    x->ops = ops;
    x->owner = owner;
    x->with_key = true;
    x->resp.should_retry = -1;
    x->resp.retry_after_s = -1;
    x->err.retry_after = -1; /* the rest is zero: an llmc_error_clear'ed error */
}

llmc_xfer *llmc_xfer_new(llmc_engine *eng, llmc_call *call, const char *method, const char *body, size_t len,
                         const llmc_xfer_ops *ops, void *owner)
{
    llmc_xfer *x = calloc(1, sizeof *x);
    if (x)
        init(x, eng, call, method, body, len, ops, owner);
    return x;
}

void llmc_xfer_reuse(llmc_xfer *x, llmc_call *call, const char *method, const char *body, size_t len,
                     const llmc_xfer_ops *ops, void *owner)
{
    llmc_engine *eng = x->eng;
    llmc_buf keep = x->resp.body; /* its capacity serves the next answer */
    llmc_xfer_remove(x);
    memset(x, 0, sizeof *x);
    init(x, eng, call, method, body, len, ops, owner);
    keep.len = 0;
    if (keep.data)
        keep.data[0] = '\0';
    x->resp.body = keep;
}

void llmc_xfer_add(llmc_xfer *x)
{
    if (x->state != LLMC_XS_NEW)
        return;
    x->started_at = llmc_engine_now(x->eng);
    x->not_before = 0;
    x->state = LLMC_XS_QUEUED;
    llmc_engine_link(x->eng, x);
}

/* Take the attempt off the wire and give its handle back to the pool. */
static void detach(llmc_xfer *x)
{
    if (!x->easy)
        return;
    curl_multi_remove_handle(x->eng->multi, x->easy);
    /* a handle that carried a transfer-only header list, or was paused, starts afresh */
    llmc_engine_easy_put(x->eng, x->easy, x->shape.call_id ? &x->shape : NULL);
    x->easy = NULL;
    x->eng->in_flight--;
    x->call->in_flight--;
    llmc_http_headers_free(x->own_slist);
    x->own_slist = NULL;
}

/* The transfer is over: tell the owner, once. */
static void complete(llmc_xfer *x, llmc_code rc)
{
    detach(x);
    if (x->state == LLMC_XS_DONE)
        return;
    bool linked = x->state != LLMC_XS_NEW;
    x->state = LLMC_XS_DONE;
    if (linked)
        llmc_engine_unlink(x->eng, x);
    x->err.attempts = x->attempts;
    if (rc == LLMC_OK)
        x->err.code = LLMC_OK;
    if (x->ops && x->ops->done)
        x->ops->done(x->owner, x, rc);
}

void llmc_xfer_remove(llmc_xfer *x)
{
    if (!x || x->state == LLMC_XS_NEW || x->state == LLMC_XS_DONE)
        return;
    detach(x);
    llmc_engine_unlink(x->eng, x);
    x->state = LLMC_XS_DONE;
}

void llmc_xfer_free(llmc_xfer *x)
{
    if (!x)
        return;
    llmc_xfer_remove(x);
    llmc_http_response_free(&x->resp);
    free(x);
}

void llmc_xfer_cancel(llmc_xfer *x)
{
    if (x && x->state != LLMC_XS_DONE)
        x->cancel_requested = true;
}

void llmc_xfer_unpause(llmc_xfer *x)
{
    if (x->easy)
        curl_easy_pause(x->easy, CURLPAUSE_CONT);
}

/* ---- on the wire ---- */

static size_t on_header(char *line, size_t size, size_t nmemb, void *userp)
{
    llmc_xfer *x = userp;
    size_t n = size * nmemb;
    x->header_bytes += n;
    if (x->header_bytes > LLMC_MAX_HEADER_BYTES) {
        x->header_too_big = true;
        return 0;
    }
    llmc_http_header_line(line, n, &x->resp, &x->ra_ms, &x->ra);
    if (n > 2 && llmc_log_wants(x->call->opts.log, LLMC_LOG_DEBUG)) {
        /* a server may echo the key in any header: scrubbed before it is logged */
        char copy[1024];
        size_t len = n - (line[n - 2] == '\r' ? 2 : 1);
        if (len > sizeof copy - 1)
            len = sizeof copy - 1;
        memcpy(copy, line, len);
        len = llmc_call_scrub_bytes(x->call, copy, len);
        llmc_logf(x->call->opts.log, LLMC_LOG_DEBUG, "< %.*s%s", (int)len, copy, n > sizeof copy ? " …" : "");
    }
    if (n > 20 && ((line[0] | 0x20) == 'a' || (line[0] | 0x20) == 'x'))
        llmc_rate_limits_header(&x->resp.rate, line, n, -1);
    if (n > 2 || n == 0 || (line[0] != '\r' && line[0] != '\n'))
        return n;
    /* the end of a header block: a 1xx interim answer is not the response */
    long status = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200)
        return n;
    x->resp.status = status;
    x->resp.retry_after_s = x->ra_ms >= 0 ? x->ra_ms / 1000.0 : x->ra;
    if (x->eng->limited) /* what the provider says is left paces the next transfers */
        bl_provider_update(&x->call->limits, &x->resp.rate, llmc_engine_now(x->eng));
    /* a server may echo the key in a header: gone before anything logs or keeps it */
    llmc_call_scrub_headers(x->call, &x->resp);
    if (is_2xx(status) && may_stream(x) && x->ops->stream_start(x->owner, x))
        x->state = LLMC_XS_STREAMING;
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    llmc_xfer *x = userp;
    size_t n = size * nmemb;
    size_t max = x->call->opts.max_body;
    if (x->state == LLMC_XS_STREAMING) {
        x->stream_bytes += n;
        if (x->stream_bytes > max) {
            x->too_big = true;
            return 0;
        }
        return x->ops->stream_data(x->owner, x, data, n);
    }
    if (may_stream(x) && max > LLMC_STREAM_MAX_ERROR_BODY)
        max = LLMC_STREAM_MAX_ERROR_BODY;
    if (x->resp.body.len + n > max) {
        x->too_big = true;
        return 0;
    }
    if (llmc_buf_append(&x->resp.body, data, n) != 0) {
        x->no_memory = true;
        return 0;
    }
    return n;
}

/* The header list of this attempt: the call's (with its key) in the common case, built once per
 * key generation and shared by every transfer of the call. */
static struct curl_slist *attempt_headers(llmc_xfer *x, bool *oom)
{
    llmc_call *call = x->call;
    const llmc_credential *cred = x->with_key ? &call->cred : NULL;
    if (x->headers || !x->with_key) {
        x->own_slist = llmc_http_headers(x->headers ? x->headers : call->headers, cred, call->endpoint->info.auth);
        *oom = !x->own_slist;
        return x->own_slist;
    }
    if (!call->slist || call->slist_gen != call->gen) {
        llmc_http_headers_free(call->slist);
        call->slist = llmc_http_headers(call->headers, cred, call->endpoint->info.auth);
        call->slist_gen = call->gen;
    }
    *oom = !call->slist;
    return call->slist;
}

/* Calls are told apart by a number, not their address: a call freed and another made in its
 * place must not pass for it. */
/* FNV-1a over the URL: what a handle's set-up remembers of it. */
static unsigned long long url_hash(const char *url)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static unsigned long long call_id(llmc_call *call)
{
    static atomic_ullong next = 1;
    if (!call->id)
        call->id = atomic_fetch_add(&next, 1);
    return call->id;
}

void llmc_xfer_start(llmc_xfer *x, double now)
{
    llmc_call *call = x->call;
    const llmc_transport_opts *o = &call->opts;
    bool oom = false;
    struct curl_slist *headers = attempt_headers(x, &oom);
    /* a transfer shaped like the last one on a handle reuses its set-up (streams, which may have
     * been paused, and transfer-only header lists always start afresh) */
    x->shape = (llmc_easy_shape){x->own_slist || may_stream(x) ? 0 : call_id(call),
                                 call->gen,
                                 headers,
                                 url_hash(xfer_url(x)),
                                 x->method,
                                 x->body != NULL,
                                 may_stream(x),
                                 x->recv_buffer};
    bool warm = false;
    CURL *h = oom ? NULL : llmc_engine_easy_get(x->eng, &x->shape, &warm);
    if (!h) {
        llmc_error_set(&x->err, LLMC_E_NOMEM, "out of memory starting a transfer to %s", xfer_url(x));
        complete(x, LLMC_E_NOMEM);
        return;
    }
    x->easy = h;
    x->detail[0] = '\0';
    x->too_big = x->no_memory = x->header_too_big = false;
    x->header_bytes = 0;
    x->ra_ms = x->ra = -1;
    llmc_buf_reset(&x->resp.body);
    x->resp.status = 0;
    x->resp.should_retry = -1;
    x->resp.retry_after_s = -1;
    x->resp.request_id[0] = x->resp.content_type[0] = x->resp.location[0] = '\0';
    llmc_rate_limits_none(&x->resp.rate);

    if (!warm)
        llmc_http_configure(h, o, xfer_url(x), headers, x->detail);
    else
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->detail);
    long remaining = x->deadline > 0 ? (long)((x->deadline - now) * 1000.0) + 1 : 0;
    if (warm && !may_stream(x) && !remaining) {
        /* set up as the last transfer was: only what is this transfer's own */
    } else if (may_stream(x)) {
        /* A long reply may stream for many minutes: silence fails it, and the request timeout
         * bounds only the wait for the answer (unless a deadline bounds the whole call). */
        long idle = (o->idle_ms + 999) / 1000;
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, idle > 0 ? idle : 1L);
        x->answer_by = now + (double)o->request_ms / 1000.0;
    } else {
        long ms = o->request_ms;
        if (remaining > 0 && remaining < ms)
            ms = remaining;
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
        x->answer_by = 0;
    }
    if (!warm) {
        if (x->recv_buffer > 0)
            curl_easy_setopt(h, CURLOPT_BUFFERSIZE, x->recv_buffer);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        if (strcmp(x->method, "GET") == 0 && !x->body)
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        else if (strcmp(x->method, "POST") != 0 || !x->body)
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, x->method);
    }
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)x);
    if (x->body) {
        /* the body outlives the transfer: no copy */
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
    }
    if (curl_multi_add_handle(x->eng->multi, h) != CURLM_OK) {
        llmc_engine_easy_put(x->eng, h, NULL);
        x->easy = NULL;
        llmc_error_set(&x->err, LLMC_E_NOMEM, "could not start a transfer to %s", xfer_url(x));
        complete(x, LLMC_E_NOMEM);
        return;
    }
    x->eng->in_flight++;
    call->in_flight++;
    x->attempts++;
    x->gen = call->gen;
    x->state = LLMC_XS_RUNNING;
    if (llmc_log_wants(o->log, LLMC_LOG_DEBUG)) {
        llmc_logf(o->log, LLMC_LOG_DEBUG, "> %s %s (attempt %d, %zu-byte body)", x->method, xfer_url(x), x->attempts,
                  x->body ? x->body_len : 0);
        /* each line is redacted on its way out: the auth header's value never shows */
        for (const struct curl_slist *l = headers; l; l = l->next)
            if (strchr(l->data, ':') && l->data[strlen(l->data) - 1] != ':')
                llmc_logf(o->log, LLMC_LOG_DEBUG, "> %s", l->data);
    }
}

/* At debug level: how the attempt went, with libcurl's timings. */
static void log_attempt(const llmc_xfer *x, CURLcode cc)
{
    const llmc_logger *lg = x->call->opts.log;
    if (!llmc_log_wants(lg, LLMC_LOG_DEBUG) || !x->easy)
        return;
    curl_off_t connect = 0, first = 0, total = 0, down = 0;
    curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect);
    curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
    curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total);
    curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
    llmc_logf(lg, LLMC_LOG_DEBUG, "< %s%ld after %.1f ms (connect %.1f ms, first byte %.1f ms), %lld bytes%s%s",
              cc == CURLE_OK ? "HTTP " : "failed: status ", x->resp.status, (double)total / 1000.0,
              (double)connect / 1000.0, (double)first / 1000.0, (long long)down, cc == CURLE_OK ? "" : ", ",
              cc == CURLE_OK ? "" : curl_easy_strerror(cc));
}

/* ---- when an attempt ends ---- */

/* Wait `delay` seconds and try again — unless the deadline comes first, when the last failure
 * (already in x->err) stands. */
static void requeue(llmc_xfer *x, double delay, const char *why)
{
    double now = llmc_engine_now(x->eng);
    if (x->deadline > 0 && now + delay >= x->deadline) {
        complete(x, x->err.code != LLMC_OK ? x->err.code : LLMC_E_TIMEOUT);
        return;
    }
    if (why)
        llmc_logf(x->call->opts.log, LLMC_LOG_INFO, "%s; retrying in %.2f s (attempt %d of %d)", why, delay,
                  x->attempts + 1, x->call->opts.max_retries + 1);
    x->state = LLMC_XS_QUEUED;
    x->not_before = now + delay;
}

/* End with the provider's refusal: its body decoded, the diagnosis, the marks on stored keys. */
static void fail_status(llmc_xfer *x)
{
    llmc_call *call = x->call;
    llmc_call_scrub_response(call, &x->resp);
    x->err.attempts = x->attempts;
    llmc_code code = llmc_call_fail(call, &x->resp, &x->err);
    if (x->resp.status == 401 && call->cred.source == LLMC_SOURCE_STORE)
        llmc_store_mark(call->endpoint->name, call->cred.store_label, false);
    if (x->resp.status == 401 && call->tried[0])
        snprintf(x->err.diagnosis.detail, sizeof x->err.diagnosis.detail, "also rejected before it: %.480s",
                 call->tried);
    llmc_scrub_error(&x->err, &call->cred);
    complete(x, code);
}

/* A 401: the key was replaced meanwhile (resend with the new one), or the chain may hold
 * another key (once per call), or it is final. Neither resend counts as an attempt. */
static void recover(llmc_xfer *x)
{
    llmc_call *call = x->call;
    if (x->with_key && x->gen != call->gen) {
        x->attempts--;
        requeue(x, 0, NULL);
        return;
    }
    if (x->with_key && !call->recovered && llmc_call_recover(call, call->tried, sizeof call->tried)) {
        call->recovered = true;
        call->gen++;
        x->attempts--;
        requeue(x, 0, NULL);
        return;
    }
    fail_status(x);
}

static void transport_failure(llmc_xfer *x, CURLcode cc, bool streaming)
{
    const char *url = xfer_url(x);
    const char *provider = x->call->endpoint ? x->call->endpoint->name : url;
    const char *what = x->detail[0] ? x->detail : curl_easy_strerror(cc);
    if (streaming && cc == CURLE_OPERATION_TIMEDOUT)
        llmc_error_set(&x->err, LLMC_E_TIMEOUT, "stream from %s: no data for %ld s (idle timeout)", provider,
                       (x->call->opts.idle_ms + 999) / 1000);
    else if (streaming)
        llmc_error_set(&x->err, LLMC_E_TRANSPORT, "stream from %s ended before completion: %s", provider, what);
    else if (cc == CURLE_OUT_OF_MEMORY && x->resp.status == 0)
        /* libcurl refuses a single header line over its own limit with this code */
        llmc_error_set(&x->err, LLMC_E_LIMIT,
                       "%s sent a response header larger than libcurl accepts (100 KiB); refused", url);
    else
        llmc_transport_error(cc, x->detail, url, &x->err);
    x->err.transport_code = (int)cc;
}

void llmc_xfer_attempt_ended(llmc_xfer *x, CURLcode cc)
{
    bool streaming = x->state == LLMC_XS_STREAMING;
    llmc_call *call = x->call;
    long status = x->resp.status;
    if (status == 0 && x->easy)
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    log_attempt(x, cc);
    if (llmc_log_wants(call->opts.log, LLMC_LOG_INFO) && llmc_rate_limits_any(&x->resp.rate)) {
        char rates[400];
        llmc_rate_limits_describe(&x->resp.rate, rates, sizeof rates);
        llmc_logf(call->opts.log, LLMC_LOG_INFO, "%s rate limits: %s",
                  call->endpoint ? call->endpoint->name : "the server", rates);
    }
    detach(x);
    x->resp.retry_after_s = x->ra_ms >= 0 ? x->ra_ms / 1000.0 : x->ra;
    /* an error struct is 2 KiB: on the common path (a clean first answer) it stays untouched */
    bool clean = cc == CURLE_OK && is_2xx(status) && !x->header_too_big && !x->too_big && !x->no_memory;
    if (!clean || x->attempts > 1) {
        llmc_error_clear(&x->err);
        llmc_strlcpy(x->err.provider, call->endpoint ? call->endpoint->name : "", sizeof x->err.provider);
    }
    if (x->header_too_big) {
        llmc_error_set(&x->err, LLMC_E_LIMIT, "the response headers from %s are larger than the %u-byte limit",
                       xfer_url(x), LLMC_MAX_HEADER_BYTES);
        complete(x, LLMC_E_LIMIT);
        return;
    }
    if (x->too_big) {
        llmc_error_set(&x->err, LLMC_E_LIMIT, "%s from %s is larger than the %zu-byte limit",
                       streaming ? "the stream" : "the response", xfer_url(x), call->opts.max_body);
        x->err.http_status = (int)x->resp.status;
        complete(x, LLMC_E_LIMIT);
        return;
    }
    if (x->no_memory) {
        llmc_error_set(&x->err, LLMC_E_NOMEM, "out of memory while reading the response from %s", xfer_url(x));
        complete(x, LLMC_E_NOMEM);
        return;
    }
    if (cc == CURLE_ABORTED_BY_CALLBACK && llmc_cancelled(call->opts.cancel)) {
        llmc_xfer_end(x, LLMC_E_ABORTED);
        return;
    }
    if (streaming) {
        if (cc != CURLE_OK)
            transport_failure(x, cc, true);
        complete(x, cc == CURLE_OK ? LLMC_OK : x->err.code);
        return;
    }
    if (cc != CURLE_OK) {
        transport_failure(x, cc, false);
        if (x->attempts <= call->opts.max_retries && llmc_transport_retriable(cc))
            requeue(x, llmc_retry_delay_s(x->attempts - 1, -1, llmc_engine_jitter(x->eng)), x->err.message);
        else
            complete(x, x->err.code);
        return;
    }
    x->resp.status = status;
    if (is_2xx(status)) {
        if (call->cred.source == LLMC_SOURCE_STORE && call->tried[0] && x->with_key)
            llmc_store_mark(call->endpoint->name, call->cred.store_label, true);
        /* the headers were scrubbed as they ended; the body now, before anyone reads it */
        x->resp.body.len = llmc_call_scrub_bytes(call, x->resp.body.data, x->resp.body.len);
        complete(x, LLMC_OK);
        return;
    }
    if (status == 401) {
        recover(x);
        return;
    }
    bool retry = llmc_retry_wanted(status, x->resp.should_retry);
    double delay = llmc_retry_delay_s(x->attempts - 1, x->resp.retry_after_s, llmc_engine_jitter(x->eng));
    if (status == 429 || (retry && x->resp.retry_after_s > 0)) {
        /* the provider asked everyone to wait, not only this request */
        double until = llmc_engine_now(x->eng) + delay;
        if (until > call->limits.paused_until)
            call->limits.paused_until = until;
    }
    if (retry && x->attempts <= call->opts.max_retries) {
        char why[160];
        snprintf(why, sizeof why, "HTTP %ld from %s", status, call->endpoint ? call->endpoint->name : xfer_url(x));
        /* keep the refusal in err: it stands if the deadline forbids the wait */
        llmc_call_scrub_response(call, &x->resp);
        llmc_call_fail(call, &x->resp, &x->err);
        llmc_scrub_error(&x->err, &call->cred);
        requeue(x, delay, why);
        return;
    }
    fail_status(x);
}

void llmc_xfer_end(llmc_xfer *x, llmc_code code)
{
    if (x->state == LLMC_XS_DONE || x->state == LLMC_XS_NEW)
        return;
    const char *url = xfer_url(x);
    const char *provider = x->call->endpoint ? x->call->endpoint->name : url;
    bool waiting = x->state == LLMC_XS_QUEUED && x->attempts > 0;
    bool streaming = x->state == LLMC_XS_STREAMING;
    llmc_error last = x->err;
    llmc_error_clear(&x->err);
    llmc_strlcpy(x->err.provider, provider, sizeof x->err.provider);
    x->err.http_status = streaming ? (int)x->resp.status : 0;
    if (code == LLMC_E_ABORTED)
        llmc_error_set(&x->err, LLMC_E_ABORTED, "%s %s was cancelled", streaming ? "the stream from" : "the call to",
                       streaming ? provider : url);
    else if (streaming)
        llmc_error_set(&x->err, LLMC_E_TIMEOUT, "the stream from %s did not finish within the %.0f s timeout", provider,
                       x->deadline - x->started_at);
    else if (waiting && last.code != LLMC_OK)
        llmc_error_set(&x->err, LLMC_E_TIMEOUT, "gave up on %s after %.1f s (timeout); the last attempt: %.600s", url,
                       llmc_engine_now(x->eng) - x->started_at, last.message);
    else
        llmc_error_set(&x->err, LLMC_E_TIMEOUT, "%s did not answer within %.1f s (timeout)", url,
                       llmc_engine_now(x->eng) - x->started_at);
    if (code == LLMC_E_TIMEOUT)
        x->err.transport_code = CURLE_OPERATION_TIMEDOUT;
    complete(x, code);
}

/* ---- one blocking exchange ---- */

typedef struct send_state {
    bool done;
    llmc_code rc;
} send_state;

static void send_done(void *owner, llmc_xfer *x, llmc_code rc)
{
    (void)x;
    send_state *st = owner;
    st->done = true;
    st->rc = rc;
}

static const llmc_xfer_ops send_ops = {NULL, NULL, send_done};

llmc_code llmc_engine_send(llmc_engine *eng, llmc_call *call, const char *method, const char *url, const char *body,
                           size_t len, const char *const *headers, bool with_key, llmc_http_response *resp,
                           llmc_error *err)
{
    if (eng->in_step) {
        /* Asked from inside the engine's own step (a failure's diagnosis fetching the models
         * list, a callback making a blocking call): a multi handle cannot be driven from its own
         * callbacks, so this one exchange runs on an engine of its own. */
        llmc_engine *own = llmc_engine_new(eng->log);
        if (!own)
            return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
        llmc_code rc = llmc_engine_send(own, call, method, url, body, len, headers, with_key, resp, err);
        llmc_engine_free(own);
        return rc;
    }
    /* the URL policy (https, loopback-only http, no credentials in URLs) before any byte goes */
    llmc_code checked = llmc_url_check(url ? url : call->url, call->opts.allow_insecure_http, err);
    if (checked != LLMC_OK)
        return checked;
    send_state st = {false, LLMC_OK};
    llmc_xfer *x = llmc_xfer_new(eng, call, method, body, len, &send_ops, &st);
    if (!x)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    x->url = url;
    x->headers = headers;
    x->with_key = with_key;
    if (call->opts.whole_ms > 0)
        x->deadline = llmc_engine_now(eng) + (double)call->opts.whole_ms / 1000.0;
    llmc_xfer_add(x);
    llmc_code rc = llmc_engine_run_until(eng, &st.done);
    if (rc != LLMC_OK && !st.done) {
        llmc_xfer_free(x);
        return llmc_error_set(err, rc,
                              rc == LLMC_E_INVALID_ARG
                                  ? "a callback called back into the client (or multi) that was running it"
                                  : "the transfer engine failed");
    }
    rc = st.rc;
    if (err) {
        int attempts = x->attempts;
        if (rc != LLMC_OK)
            *err = x->err; /* a key's repair warning stays only where the key is the cause (llmc_call_fail) */
        err->attempts = attempts;
    }
    if (resp) {
        llmc_http_response_free(resp);
        *resp = x->resp;
        memset(&x->resp, 0, sizeof x->resp);
    }
    llmc_xfer_free(x);
    return rc;
}
